import { expect, test } from '@playwright/test';

test('an unknown page is a styled 404', async ({ page }) => {
  const res = await page.goto('/no/such/page');
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toContainText("This page isn't here");
  await expect(page).toHaveTitle('Page not found · Storefeed');
});

test('an unknown profile is a 404', async ({ page }) => {
  const res = await page.goto('/u/nobody_here_at_all');
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toBeVisible();
});

test('the demo creators are on the home page and profiles render on the server', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByTestId('home-hero')).toBeVisible();
  await expect(page.getByTestId('suggested-people').getByTestId('person-row').first()).toBeVisible();
  const res = await page.goto('/u/maya');
  expect(res?.status()).toBe(200);
  await expect(page).toHaveTitle('Maya Lin (@maya) · Storefeed');
  await expect(page.getByTestId('profile-display-name')).toContainText('Maya Lin');
  await expect(page.getByRole('img', { name: "Maya Lin's profile picture" })).toBeVisible();
});

test('on a phone the header keeps the brand and log in, and the tab bar has the rest', async ({ page }) => {
  await page.setViewportSize({ width: 375, height: 740 });
  await page.goto('/');
  for (const id of ['nav-logo', 'nav-login', 'tab-home', 'tab-explore', 'tab-post', 'tab-cart', 'tab-me']) {
    await expect(page.getByTestId(id)).toBeVisible();
  }
  await expect(page.getByTestId('nav-home')).toBeHidden();
  await page.getByTestId('tab-cart').click();
  await expect(page.getByTestId('cart-empty')).toBeVisible();
});

test('explore searches people by name', async ({ page }) => {
  await page.goto('/explore?q=lagos');
  const rows = page.getByTestId('person-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toContainText('Lagos Leather Co.');
  await page.goto('/explore?q=zzzz_nobody');
  await expect(page.getByTestId('people-empty')).toBeVisible();
});

test('healthz reports the database', async ({ request, baseURL }) => {
  const res = await request.get(`${baseURL}/healthz`);
  expect(res.status()).toBe(200);
  expect(await res.json()).toEqual({ status: 'ok', database: 'ok' });
});

import { expect, test } from '@playwright/test';
import { waitForHydration } from './fixtures/pages';

test('the show-password toggle works once the WASM client has hydrated', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });

  await page.goto('/login');
  await waitForHydration(page);
  const password = page.getByLabel('Password', { exact: true });
  const toggle = page.getByTestId('password-toggle');
  await password.fill('visible-now');
  await expect(password).toHaveAttribute('type', 'password');
  await toggle.click();
  await expect(password).toHaveAttribute('type', 'text');
  await expect(toggle).toHaveText('Hide');
  await toggle.click();
  await expect(password).toHaveAttribute('type', 'password');
  expect(errors, errors.join('\n')).toEqual([]);
});

test('client-side navigation keeps the page hydrated', async ({ page }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.getByTestId('nav-explore').click();
  await expect(page).toHaveURL(/\/explore$/);
  await expect(page.getByRole('heading', { name: 'Explore' })).toBeVisible();
  await page.getByTestId('nav-login').click();
  await expect(page.getByTestId('login-form')).toBeVisible();
});

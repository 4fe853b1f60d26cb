/**
 * `/admin/counters`: an admin sees the last counter reconciliation runs and
 * starts one with "Run now", with or without JavaScript; anyone else is
 * refused, on the page and at the API.
 */
import { expect, test } from '@playwright/test';
import { seedScenario } from './fixtures/test';
import { waitForHydration } from './fixtures/pages';

test('an admin runs the reconciliation and sees the run listed as theirs', async ({ page, baseURL }) => {
  const admin = await seedScenario(page.request, baseURL!, { prefix: 'ops', admin: true });
  const res = await page.goto('/admin/counters');
  expect(res?.status()).toBe(200);
  await expect(page.getByTestId('counters-heading')).toHaveText('Counters');
  await waitForHydration(page);
  await page.getByTestId('counters-run').click();
  // Other workers' admins may run too: find this admin's run by name.
  const mine = page.getByTestId('counter-run').filter({ hasText: `Run by @${admin.user.username}` });
  await expect(mine).toHaveCount(1);
  await expect(mine.getByTestId('run-summary')).toHaveText(/counters? (was|were) right\.|^Fixed /);
  await expect(mine.getByTestId('run-state')).toHaveText(/All right|Fixed drift/);
  await expect(page).toHaveURL(/\/admin\/counters$/);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('"Run now" is a plain form that comes back to the page with the run', async ({ page, baseURL }) => {
    const admin = await seedScenario(page.request, baseURL!, { prefix: 'nojs_ops', admin: true });
    await page.goto('/admin/counters');
    await page.getByTestId('counters-run').click();
    await expect(page).toHaveURL(/\/admin\/counters$/);
    const mine = page.getByTestId('counter-run').filter({ hasText: `Run by @${admin.user.username}` });
    await expect(mine).toHaveCount(1);
    await expect(mine.getByTestId('run-summary')).toBeVisible();
  });
});

test('a signed-in user who is not an admin gets 403, on the page and at the API', async ({ page, baseURL }) => {
  await seedScenario(page.request, baseURL!, { prefix: 'nosy' });
  const res = await page.goto('/admin/counters');
  expect(res?.status()).toBe(403);
  await expect(page.getByTestId('error-page')).toBeVisible();
  await expect(page.getByTestId('counter-runs')).toHaveCount(0);
  await expect(page.getByTestId('counters-run')).toHaveCount(0);
  for (const path of ['admin/counters', 'admin/counters/run']) {
    const api = await page.request.post(`${baseURL}/api/${path}`, { headers: { Origin: baseURL! } });
    expect(api.status(), path).toBe(403);
  }
});

test('signed out, the page asks to log in and the API answers 401', async ({ page, baseURL }) => {
  await page.goto('/admin/counters');
  await expect(page).toHaveURL(/\/login\?next=(%2F|\/)admin(%2F|\/)counters/);
  for (const path of ['admin/counters', 'admin/counters/run']) {
    const api = await page.request.post(`${baseURL}/api/${path}`, { headers: { Origin: baseURL! } });
    expect(api.status(), path).toBe(401);
  }
});

/**
 * `/admin/outbox`: an admin sees every durable consumer of the outbox with
 * its cursor and health; anyone else is refused, on the page and at the API.
 */
import { expect, test } from '@playwright/test';
import { seedScenario } from './fixtures/test';
import { waitForHydration } from './fixtures/pages';

test('an admin sees the relay’s consumers, healthy and up to date', async ({ page, baseURL }) => {
  await seedScenario(page.request, baseURL!, { prefix: 'ops', admin: true });
  const res = await page.goto('/admin/outbox');
  expect(res?.status()).toBe(200);
  await expect(page.getByTestId('outbox-heading')).toHaveText('Outbox relay');
  // The timeline consumer is registered by every server and has read the outbox.
  const timeline = page.locator('[data-testid="outbox-consumer"][data-consumer="timelines"]');
  await expect(timeline).toBeVisible();
  await expect(timeline.getByTestId('consumer-state')).toHaveText('Healthy');
  await expect(timeline.getByTestId('consumer-behind')).toContainText(/Up to date|behind/);
  await expect(timeline.getByTestId('consumer-failure')).toHaveCount(0);
  await waitForHydration(page);
  await expect(page.getByTestId('outbox-consumers')).toBeVisible();
});

test('a signed-in user who is not an admin gets 403, on the page and at the API', async ({ page, baseURL }) => {
  await seedScenario(page.request, baseURL!, { prefix: 'nosy' });
  const res = await page.goto('/admin/outbox');
  expect(res?.status()).toBe(403);
  await expect(page.getByTestId('error-page')).toBeVisible();
  await expect(page.getByTestId('outbox-consumers')).toHaveCount(0);
  const api = await page.request.post(`${baseURL}/api/admin/outbox`, { headers: { Origin: baseURL! } });
  expect(api.status()).toBe(403);
});

test('signed out, the page asks to log in and the API answers 401', async ({ page, baseURL }) => {
  await page.goto('/admin/outbox');
  await expect(page).toHaveURL(/\/login\?next=(%2F|\/)admin(%2F|\/)outbox/);
  const api = await page.request.post(`${baseURL}/api/admin/outbox`, { headers: { Origin: baseURL! } });
  expect(api.status()).toBe(401);
});

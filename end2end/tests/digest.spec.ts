import { expect, test } from './fixtures/test';
import { waitForHydration } from './fixtures/pages';
import { callServerFn } from './fixtures/users';

// Issue 18, item 5: the daily email digest. It is on unless switched off on
// /settings/notifications, and the choice stays after a reload.

test('the digest can be switched off and stays off after a reload', async ({ page, baseURL, browser, signedInUser }) => {
  expect(signedInUser.username).toBeTruthy();
  await page.goto('/settings/notifications');
  await waitForHydration(page);
  const setting = page.getByTestId('digest-setting');
  await expect(setting).toHaveAttribute('data-frequency', 'daily');
  await page.getByTestId('digest-select').selectOption('off');
  await page.getByTestId('digest-save').click();
  await expect(setting).toHaveAttribute('data-frequency', 'off');

  await page.reload();
  await expect(page.getByTestId('digest-setting')).toHaveAttribute('data-frequency', 'off');
  await expect(page.getByTestId('digest-select')).toHaveValue('off');

  // Signed out, neither the choice nor a change is reachable.
  const stranger = await browser.newContext();
  expect((await callServerFn(stranger.request, baseURL!, 'notifications/digest', {})).status()).toBe(401);
  expect((await callServerFn(stranger.request, baseURL!, 'notifications/digest/set', { frequency: 'daily' })).status()).toBe(401);
  await stranger.close();
});

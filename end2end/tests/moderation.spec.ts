import { expect, seedScenario, test } from './fixtures/test';
import { waitForHydration } from './fixtures/pages';
import { postViaApi } from './fixtures/posts';
import { callServerFn } from './fixtures/users';

// Reports and moderation: a report reaches the admin queue, the admin
// removes the post, it leaves the reporter's feed at once, and its author
// sees why. Each side has its own browser.

test('a reported post is removed by an admin, leaves the feed, and its author sees why', async ({ page, browser, baseURL }) => {
  // The author posts; the reporter follows them and sees it in their feed.
  const author = await seedScenario(page.request, baseURL!, { prefix: 'author' });
  const body = `Cheap designer bags ${Date.now().toString(36)}`;
  const postId = await postViaApi(page.request, baseURL!, body);

  const reporterCtx = await browser.newContext();
  await seedScenario(reporterCtx.request, baseURL!, { prefix: 'reporter' });
  const reporter = await reporterCtx.newPage();
  const follow = await callServerFn(reporterCtx.request, baseURL!, 'follows/set', { username: author.user.username, follow: 'true' });
  expect(follow.status(), await follow.text()).toBe(200);
  await reporter.goto('/');
  await expect(reporter.getByTestId('post-card').filter({ hasText: body })).toHaveCount(1);

  // The reporter reports it from the post's menu, with a reason.
  await reporter.goto(`/post/${postId}`);
  await waitForHydration(reporter);
  await reporter.getByTestId('post-menu-button').first().click();
  await reporter.getByTestId('post-menu-report').click();
  await expect(reporter).toHaveURL(new RegExp(`/report/post/${postId}$`));
  await reporter.getByTestId('reason-counterfeit').check();
  await reporter.getByTestId('report-details').fill('Fake bags sold as designer.');
  await reporter.getByTestId('report-submit').click();
  await expect(reporter.getByTestId('report-sent')).toBeVisible();

  // Nobody but an admin opens the queue.
  expect((await reporter.goto('/admin/moderation'))?.status()).toBe(403);
  const refused = await callServerFn(reporterCtx.request, baseURL!, 'moderation/queue', {});
  expect(refused.status()).toBe(403);

  // The admin sees the report in the queue and removes the post with a reason.
  const adminCtx = await browser.newContext();
  await seedScenario(adminCtx.request, baseURL!, { prefix: 'admin', admin: true });
  const admin = await adminCtx.newPage();
  await admin.goto('/admin/moderation');
  const item = admin.locator(`[data-testid="queue-item"][data-target="${postId}"]`);
  await expect(item.getByTestId('queue-preview')).toHaveText(body);
  await expect(item).toContainText('Counterfeit goods');
  await expect(item).toContainText('Fake bags sold as designer.');
  await waitForHydration(admin);
  await item.getByTestId('moderation-action').selectOption('remove');
  await item.getByTestId('moderation-reason').fill('Counterfeit goods are not allowed.');
  await item.getByTestId('moderation-submit').click();
  await expect(admin.locator(`[data-testid="queue-item"][data-target="${postId}"]`)).toHaveCount(0);
  await expect(admin.getByTestId('audit-entry').first()).toContainText('remove');
  await expect(admin.getByTestId('audit-entry').first()).toContainText('Counterfeit goods are not allowed.');

  // The post has left the reporter's feed, and its page is gone for them.
  await reporter.goto('/');
  await expect(reporter.getByTestId('post-card').filter({ hasText: body })).toHaveCount(0);
  expect((await reporter.goto(`/post/${postId}`))?.status()).toBe(404);

  // Its author still sees it, with the reason.
  await page.goto(`/post/${postId}`);
  await expect(page.getByTestId('removal-notice')).toContainText('Removed by Storefeed: Counterfeit goods are not allowed.');

  await reporterCtx.close();
  await adminCtx.close();
});

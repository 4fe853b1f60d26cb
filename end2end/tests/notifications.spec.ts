import { expect, test } from './fixtures/test';
import { person } from './fixtures/groups';
import { waitForHydration } from './fixtures/pages';
import { postViaApi } from './fixtures/posts';
import { callServerFn } from './fixtures/users';

// Issue 18, items 1–4: notifications. The author watches their bell in one
// browser while other people act in theirs; the bell and the inbox follow
// over the real-time channel without a reload.

test('a like in another browser shows in the bell without reload, and opening it marks it read', async ({ page, baseURL, signedInUser, browser }) => {
  expect(signedInUser.username).toBeTruthy();
  const postId = await postViaApi(page.request, baseURL!, `Fresh drop ${Date.now().toString(36)}`);
  await page.goto('/');
  await waitForHydration(page);
  const bell = page.getByTestId('nav-bell');
  await expect(bell.getByTestId('bell-count')).toHaveText('');
  await expect(page.locator('html')).toHaveAttribute('data-live', new RegExp(`inbox:`));

  const fan = await person(browser, baseURL!, 'fan');
  await fan.page.goto(`/post/${postId}`);
  await waitForHydration(fan.page);
  await fan.page.getByTestId('like-button').first().click();
  await expect(fan.page.getByTestId('like-count').first()).toHaveText('1 like');

  // No reload: the count arrives over the channel.
  await expect(bell.getByTestId('bell-count')).toHaveText('1');
  await expect(bell.getByTestId('bell-label')).toHaveText('Notifications, 1 unread');

  await bell.click();
  await expect(page).toHaveURL(/\/notifications$/);
  const row = page.getByTestId('notification').first();
  await expect(row).toHaveAttribute('data-kind', 'like_post');
  await expect(row).toHaveAttribute('data-read', 'false');
  await expect(row.getByTestId('notification-link')).toHaveText(`@${fan.user.username} liked your post`);
  await waitForHydration(page);
  await row.getByTestId('notification-link').click();
  await expect(page).toHaveURL(new RegExp(`/post/${postId}$`));
  await expect(page.getByTestId('nav-bell').getByTestId('bell-count')).toHaveText('');
  await fan.ctx.close();
});

test('ten likes batch into one row that names the newest two', async ({ page, baseURL, browser, signedInUser }) => {
  expect(signedInUser.username).toBeTruthy();
  const postId = await postViaApi(page.request, baseURL!, `Batch me ${Date.now().toString(36)}`);
  const names: string[] = [];
  for (let i = 0; i < 10; i++) {
    const fan = await person(browser, baseURL!, `liker${i}`);
    const res = await callServerFn(fan.page.request, baseURL!, 'posts/like', { id: postId, like: 'true' });
    expect(res.status(), await res.text()).toBe(200);
    names.push(fan.user.username);
    await fan.ctx.close();
  }
  await page.goto('/notifications');
  await waitForHydration(page);
  const rows = page.getByTestId('notification');
  await expect(rows.first().getByTestId('notification-link')).toHaveText(`@${names[9]}, @${names[8]} and 8 others liked your post`);
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId('nav-bell').getByTestId('bell-count')).toHaveText('1');

  // Mark all read clears the bell and the row's unread state.
  await page.getByTestId('mark-all-read').click();
  await expect(rows.first()).toHaveAttribute('data-read', 'true');
  await expect(page.getByTestId('nav-bell').getByTestId('bell-count')).toHaveText('');
});

test('with likes switched off no notification is made, and comments still arrive', async ({ page, baseURL, browser, signedInUser }) => {
  expect(signedInUser.username).toBeTruthy();
  await page.goto('/settings/notifications');
  await waitForHydration(page);
  await page.getByTestId('setting-select-likes').selectOption('off');
  await page.getByTestId('setting-save-likes').click();
  await expect(page.locator('[data-testid="notification-setting"][data-category="likes"]')).toHaveAttribute('data-setting', 'off');

  const postId = await postViaApi(page.request, baseURL!, `Quiet please ${Date.now().toString(36)}`);
  const fan = await person(browser, baseURL!, 'quietfan');
  expect((await callServerFn(fan.page.request, baseURL!, 'posts/like', { id: postId, like: 'true' })).status()).toBe(200);
  const comment = await callServerFn(fan.page.request, baseURL!, 'comments/add', { post_id: postId, body: 'Still <b>here</b>' });
  expect(comment.status(), await comment.text()).toBe(200);
  await fan.ctx.close();

  await page.goto('/notifications');
  const rows = page.getByTestId('notification');
  await expect(rows.first()).toHaveAttribute('data-kind', 'comment_post');
  await expect(rows.first().getByTestId('notification-link')).toHaveText(`@${fan.user.username} commented on your post: “Still <b>here</b>”`);
  await expect(rows).toHaveCount(1);
  await expect(page.locator('[data-kind="like_post"]')).toHaveCount(0);
});

test('another user cannot watch my bell, and the inbox needs a sign-in', async ({ page, baseURL, browser, signedInUser }) => {
  expect(signedInUser.username).toBeTruthy();
  const me = await callServerFn(page.request, baseURL!, 'notifications/inbox', {});
  expect(me.status()).toBe(200);
  const stranger = await browser.newContext();
  const anon = await stranger.request.get(`${baseURL}/live?topics=inbox:00000000-0000-0000-0000-000000000001`);
  expect(anon.status()).toBe(401);
  const signedOut = await callServerFn(stranger.request, baseURL!, 'notifications/page', {});
  expect(signedOut.status()).toBe(401);
  const noBell = await callServerFn(stranger.request, baseURL!, 'notifications/inbox', {});
  expect(await noBell.json()).toBeNull();
  const other = await person(browser, baseURL!, 'snoop');
  const refused = await other.page.request.get(`${baseURL}/live?topics=inbox:00000000-0000-0000-0000-000000000001`);
  expect(refused.status()).toBe(403);
  await other.ctx.close();
  await stranger.close();
  expect((await page.goto('/notifications?filter=mentions'))?.status()).toBe(200);
  await expect(page.getByTestId('notifications-tab-mentions')).toHaveAttribute('aria-current', 'page');
  await expect(page.getByTestId('notifications-empty')).toBeVisible();
});

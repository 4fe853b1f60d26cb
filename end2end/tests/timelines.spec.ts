import { expect, test } from '@playwright/test';
import { postViaApi } from './fixtures/posts';
import { callServerFn, registerViaApi } from './fixtures/users';

// Home feeds are read from per-reader timelines that the outbox relay fills
// a moment after a post goes out; who may see a post is still decided when
// the feed is read.

test('a followers-only post reaches a follower through their timeline and leaves it with the unfollow', async ({ request, browser, baseURL }) => {
  const author = await registerViaApi(request, baseURL!);
  const run = Date.now().toString(36);
  const body = `For my people (${run})`;

  const fan = await browser.newContext();
  await registerViaApi(fan.request, baseURL!);
  const followed = await callServerFn(fan.request, baseURL!, 'follows/set', { username: author.username, follow: 'true' });
  expect(followed.status()).toBe(200);
  const fanPage = await fan.newPage();
  await fanPage.goto('/'); // builds the fan's timeline before the post exists
  await postViaApi(request, baseURL!, body, { visibility: 'followers' });

  // The relay fans the post out within moments: ask the feed until it has it.
  await expect
    .poll(async () => JSON.stringify(await (await callServerFn(fan.request, baseURL!, 'feed/home', {})).json()))
    .toContain(body);
  await fanPage.goto('/');
  await expect(fanPage.getByTestId('feed').getByTestId('post-body').first()).toHaveText(body);

  // A stranger's home feed never has it.
  const stranger = await browser.newContext();
  await registerViaApi(stranger.request, baseURL!);
  const strangerPage = await stranger.newPage();
  await strangerPage.goto('/');
  await expect(strangerPage.getByTestId('home-welcome')).toBeVisible();
  await expect(strangerPage.getByText(body)).toHaveCount(0);
  await stranger.close();

  // Unfollowing hides it at once, whatever the timeline still holds.
  const unfollowed = await callServerFn(fan.request, baseURL!, 'follows/set', { username: author.username, follow: 'false' });
  expect(unfollowed.status()).toBe(200);
  await fanPage.goto('/');
  await expect(fanPage.getByTestId('home-welcome')).toBeVisible();
  await expect(fanPage.getByText(body)).toHaveCount(0);
  await fan.close();
});

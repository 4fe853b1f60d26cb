import { expect, seedScenario, test } from './fixtures/test';
import { ProfilePage, waitForHydration } from './fixtures/pages';
import { postViaApi } from './fixtures/posts';
import { callServerFn } from './fixtures/users';

// Privacy and safety: block, mute, muted words, hide, and the settings page
// that undoes them. The person acted on is never told, so each test checks
// what both sides see.

test('a block hides both people from each other and stops following and commenting', async ({ page, browser, baseURL, signedInUser }) => {
  const blocker = signedInUser;
  const blockerPost = await postViaApi(page.request, baseURL!, 'Blocker was here');

  // The other person, in their own browser, follows and has a post too.
  const other = await browser.newContext();
  const otherSeed = await seedScenario(other.request, baseURL!, { prefix: 'blocked' });
  const otherPage = await other.newPage();
  const otherPost = await postViaApi(other.request, baseURL!, 'Blocked person was here');
  expect((await callServerFn(other.request, baseURL!, 'follows/set', { username: blocker.username, follow: 'true' })).status()).toBe(200);

  // The blocker blocks them from the profile's menu, confirming first.
  const profile = new ProfilePage(page);
  await profile.goto(otherSeed.user.username);
  await waitForHydration(page);
  await page.getByRole('button', { name: `More options for @${otherSeed.user.username}` }).click();
  await page.getByTestId('block-button').click();
  await expect(page.getByTestId('block-details')).toContainText("They won't be told.");
  await page.getByTestId('block-confirm').click();
  await expect(page.getByTestId('blocked-account-notice')).toContainText(`You blocked @${otherSeed.user.username}.`);
  await expect(profile.followButton).toHaveCount(0);

  // The blocker no longer sees the blocked person's post...
  expect((await page.goto(`/post/${otherPost}`))?.status()).toBe(404);

  // ...and the blocked person finds no such account, and no post.
  expect((await otherPage.goto(`/u/${blocker.username}`))?.status()).toBe(404);
  expect((await otherPage.goto(`/post/${blockerPost}`))?.status()).toBe(404);
  // Following or commenting through the API is refused the same way.
  const follow = await callServerFn(other.request, baseURL!, 'follows/set', { username: blocker.username, follow: 'true' });
  expect(follow.status()).toBe(404);
  const comment = await callServerFn(other.request, baseURL!, 'comments/add', { post_id: blockerPost, body: 'let me in' });
  expect(comment.status()).toBe(404);

  // The blocker undoes it in Privacy and safety.
  await page.goto('/settings/safety');
  const row = page.getByTestId('blocked-list').getByTestId('safety-account');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText(`@${otherSeed.user.username}`);
  await waitForHydration(page);
  await row.getByTestId('undo-relation').click();
  await expect(page.getByTestId('blocked-list')).toHaveCount(0);
  await expect(page.getByText("You haven't blocked anyone.")).toBeVisible();
  expect((await otherPage.goto(`/u/${blocker.username}`))?.status()).toBe(200);
  await other.close();
});

test('muted words and a muted account leave the home feed, and come back on undo', async ({ page, browser, baseURL, signedInUser }) => {
  const author = await browser.newContext();
  const seeded = await seedScenario(author.request, baseURL!, { prefix: 'muted' });
  const sale = await postViaApi(author.request, baseURL!, 'Big SALE this weekend');
  const plain = await postViaApi(author.request, baseURL!, 'Wholesale prices all week');
  expect((await callServerFn(page.request, baseURL!, 'follows/set', { username: seeded.user.username, follow: 'true' })).status()).toBe(200);
  await author.close();

  await page.goto('/');
  const card = (id: string) => page.locator(`[data-testid="post-card"][data-post-id="${id}"]`);
  await expect(card(sale)).toBeVisible();
  await expect(card(plain)).toBeVisible();

  // Mute "sale" (whole words only) on the settings page.
  await page.goto('/settings/safety');
  await waitForHydration(page);
  await page.getByLabel('Mute a word, phrase or #hashtag').fill('Sale');
  await page.getByTestId('muted-word-add').click();
  await expect(page.getByTestId('muted-word')).toHaveText(['sale×']);
  // A word with regex or HTML in it is refused with a message, not stored.
  await page.getByLabel('Mute a word, phrase or #hashtag').fill('<b>(x)</b>');
  await page.getByTestId('muted-word-add').click();
  await expect(page.getByTestId('muted-word-error')).toHaveText("Use letters, numbers, spaces and # _ ' - only.");

  await page.goto('/');
  await expect(card(plain)).toBeVisible();
  await expect(card(sale)).toHaveCount(0);
  // The author's own profile still shows the post to a visitor.
  await page.goto(`/u/${seeded.user.username}`);
  await expect(page.getByTestId('grid-tile')).toHaveCount(2);

  // Muting the account takes the rest of its posts out of the feed.
  await waitForHydration(page);
  await page.getByRole('button', { name: `More options for @${seeded.user.username}` }).click();
  await page.getByTestId('mute-button').click();
  await expect(page.getByTestId('unmute-button')).toBeAttached();
  await page.goto('/');
  await expect(card(plain)).toHaveCount(0);

  // Undo both from the settings page.
  await page.goto('/settings/safety');
  await waitForHydration(page);
  await page.getByTestId('muted-list').getByTestId('undo-relation').click();
  await expect(page.getByTestId('muted-list')).toHaveCount(0);
  await page.getByRole('button', { name: 'Unmute “sale”' }).click();
  await expect(page.getByText('No muted words.')).toBeVisible();
  await page.goto('/');
  await expect(card(sale)).toBeVisible();
  await expect(card(plain)).toBeVisible();
});

test('hide this post leaves an undo in its place and a row in settings', async ({ page, browser, baseURL, signedInUser }) => {
  const author = await browser.newContext();
  const seeded = await seedScenario(author.request, baseURL!, { prefix: 'hidden' });
  const id = await postViaApi(author.request, baseURL!, 'A post to hide');
  await author.close();
  expect((await callServerFn(page.request, baseURL!, 'follows/set', { username: seeded.user.username, follow: 'true' })).status()).toBe(200);

  await page.goto('/');
  await waitForHydration(page);
  const card = page.locator(`[data-testid="post-card"][data-post-id="${id}"]`);
  await card.getByTestId('post-menu-button').click();
  await card.getByTestId('hide-post').click();
  await expect(page.getByTestId('hidden-post-notice')).toContainText("Post hidden. You won't see it in your feeds.");
  await expect(card).toBeHidden();
  await page.getByTestId('hidden-post-notice').getByTestId('unhide-button').click();
  await expect(card).toBeVisible();

  // Hidden again, it stays out of the feed after a reload and is listed in settings.
  await card.getByTestId('post-menu-button').click();
  await card.getByTestId('hide-post').click();
  await expect(card).toBeHidden();
  await page.goto('/');
  await expect(page.locator(`[data-testid="post-card"][data-post-id="${id}"]`)).toHaveCount(0);
  await page.goto('/settings/safety');
  await expect(page.getByTestId('hidden-post')).toContainText('A post to hide');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('blocking from the profile menu and unblocking in settings work as plain forms', async ({ page, browser, baseURL, signedInUser }) => {
    const other = await browser.newContext();
    const seeded = await seedScenario(other.request, baseURL!, { prefix: 'nojs' });
    await other.close();
    await page.goto(`/u/${seeded.user.username}`);
    await page.getByRole('button', { name: `More options for @${seeded.user.username}` }).click();
    await page.getByTestId('block-button').click();
    await page.getByTestId('block-confirm').click();
    await expect(page.getByTestId('blocked-account-notice')).toBeVisible();
    await page.goto('/settings/safety');
    await page.getByTestId('blocked-list').getByTestId('undo-relation').click();
    await expect(page.getByText("You haven't blocked anyone.")).toBeVisible();
    await page.getByLabel('Mute a word, phrase or #hashtag').fill('spoilers');
    await page.getByTestId('muted-word-add').click();
    await expect(page.getByTestId('muted-word')).toHaveText(['spoilers×']);
  });
});

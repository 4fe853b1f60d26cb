import { expect, seedScenario, test } from './fixtures/test';
import { waitForHydration } from './fixtures/pages';
import { postViaApi } from './fixtures/posts';
import { callServerFn } from './fixtures/users';

// Reposts and quote posts: a repost carries the original to the reposter's
// followers with "reposted by"; a quote shows the original as an embedded
// card, and "unavailable" once the original is gone. Only public posts of
// public accounts can be shared.

test('a repost reaches the reposter\'s followers and a quote shows the original card', async ({ page, browser, baseURL, signedInUser }) => {
  const reposter = signedInUser;
  const tag = Date.now().toString(36);
  const author = await browser.newContext();
  const authorSeed = await seedScenario(author.request, baseURL!, { prefix: 'original' });
  const original = await postViaApi(author.request, baseURL!, `The linen shirt is back ${tag}`);

  // A reader who follows the reposter only.
  const reader = await browser.newContext();
  await seedScenario(reader.request, baseURL!, { prefix: 'reader' });
  expect((await callServerFn(reader.request, baseURL!, 'follows/set', { username: reposter.username, follow: 'true' })).status()).toBe(200);

  // Repost from the post page's repost menu.
  await page.goto(`/post/${original}`);
  await waitForHydration(page);
  const card = page.getByTestId('post-card');
  await card.getByTestId('repost-button').click();
  await card.getByTestId('repost-toggle').click();
  await expect(card.getByTestId('repost-button')).toHaveAttribute('data-reposted', 'true');
  await expect(card.getByTestId('repost-count')).toHaveText('1 repost');

  // The reader's home feed shows the original, reposted by the reposter.
  const readerPage = await reader.newPage();
  await readerPage.goto('/');
  const reposted = readerPage.locator(`[data-testid="post-card"][data-post-id="${original}"]`);
  await expect(reposted).toBeVisible();
  await expect(reposted.getByTestId('reposted-by')).toContainText('reposted');
  await expect(reposted.getByTestId('post-body')).toContainText(`The linen shirt is back ${tag}`);
  await expect(reposted.getByRole('link', { name: authorSeed.user.display_name }).first()).toBeVisible();

  // Quote it: the compose page embeds the original; the quote shows it as a card.
  await card.getByTestId('repost-button').click();
  await card.getByTestId('quote-link').click();
  await expect(page).toHaveURL(new RegExp(`/compose\\?quote=${original}$`));
  await expect(page.getByTestId('quoting').getByTestId('quoted-text')).toHaveText(`The linen shirt is back ${tag}`);
  await waitForHydration(page);
  await page.getByLabel("What's on your mind?").fill(`Told you it would come back ${tag}`);
  await page.getByTestId('publish').click();
  await expect(page).toHaveURL(/\/post\/[0-9a-f-]{36}$/);
  const quote = page.getByTestId('post-card');
  await expect(quote.getByTestId('post-body')).toHaveText(`Told you it would come back ${tag}`);
  const embedded = quote.getByTestId('quoted-post');
  await expect(embedded.getByTestId('quoted-author')).toHaveText(authorSeed.user.display_name);
  await expect(embedded.getByTestId('quoted-text')).toHaveText(`The linen shirt is back ${tag}`);
  await expect(embedded).toHaveAttribute('href', `/post/${original}`);
  const quoteUrl = page.url();

  // The original counts the quote.
  await page.goto(`/post/${original}`);
  await expect(page.getByTestId('post-card').getByTestId('quote-count')).toHaveText('1 quote');

  // Deleted, the original leaves the reader's feed and the quote says it is unavailable.
  expect((await callServerFn(author.request, baseURL!, 'posts/delete', { id: original })).status()).toBeLessThan(400);
  await readerPage.goto('/');
  await expect(readerPage.locator(`[data-testid="post-card"][data-post-id="${original}"]`)).toHaveCount(0);
  await page.goto(quoteUrl);
  await expect(page.getByTestId('quoted-unavailable')).toHaveText('This post is unavailable.');
  await expect(page.getByTestId('quoted-post')).toHaveCount(0);
  await author.close();
  await reader.close();
});

test('a followers-only post cannot be reposted or quoted', async ({ page, browser, baseURL, signedInUser }) => {
  const author = await browser.newContext();
  const authorSeed = await seedScenario(author.request, baseURL!, { prefix: 'friends' });
  const friends = await postViaApi(author.request, baseURL!, 'Only for my followers', { visibility: 'followers' });
  expect((await callServerFn(page.request, baseURL!, 'follows/set', { username: authorSeed.user.username, follow: 'true' })).status()).toBe(200);
  await author.close();

  await page.goto(`/post/${friends}`);
  const card = page.getByTestId('post-card');
  await expect(card.getByTestId('repost-count')).toHaveText('0 reposts');
  await expect(card.getByTestId('repost-menu')).toHaveCount(0);
  const refused = await callServerFn(page.request, baseURL!, 'posts/repost', { id: friends, repost: 'true' });
  expect(refused.status()).toBe(422);
  expect(await refused.text()).toContain('Only public posts of public accounts can be reposted or quoted.');

  await page.goto(`/compose?quote=${friends}`);
  await expect(page.getByTestId('quote-unavailable')).toContainText("That post can't be quoted");
  await expect(page.locator('input[name="quote_of"]')).toHaveCount(0);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the repost menu opens and reposts as a plain form', async ({ page, browser, baseURL, signedInUser }) => {
    const author = await browser.newContext();
    await seedScenario(author.request, baseURL!, { prefix: 'nojs' });
    const original = await postViaApi(author.request, baseURL!, 'Reposted without scripts');
    await author.close();

    await page.goto(`/post/${original}`);
    const card = page.getByTestId('post-card');
    await card.getByTestId('repost-button').click();
    await card.getByTestId('repost-toggle').click();
    await expect(page).toHaveURL(new RegExp(`/post/${original}\\??$`));
    await expect(card.getByTestId('repost-count')).toHaveText('1 repost');
    await expect(card.getByTestId('repost-button')).toHaveAttribute('data-reposted', 'true');
    await page.goto(`/u/${signedInUser.username}`);
    await expect(page.getByTestId('grid-reposted')).toHaveCount(1);

    await page.goto(`/post/${original}`);
    await card.getByTestId('repost-button').click();
    await expect(card.getByTestId('repost-toggle')).toHaveText('Undo repost');
    await card.getByTestId('repost-toggle').click();
    await expect(card.getByTestId('repost-count')).toHaveText('0 reposts');
  });
});

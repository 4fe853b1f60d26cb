import { expect, test } from '@playwright/test';
import { waitForHydration } from './fixtures/pages';
import { postViaApi } from './fixtures/posts';
import { createProductViaApi, openShopViaApi } from './fixtures/shops';
import { callServerFn, registerViaApi } from './fixtures/users';

test('a draft stays private until published, and mentions and hashtags become links', async ({ page, browser, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  const friend = await browser.newContext();
  const friendUser = await registerViaApi(friend.request, baseURL!);
  const tag = `launch${Date.now().toString(36)}`;
  const id = await postViaApi(page.request, baseURL!, `Shot with @${friendUser.username} and @nobody_here_at_all #${tag}`, { draft: true });

  const friendPage = await friend.newPage();
  expect((await friendPage.goto(`/post/${id}`))?.status()).toBe(404);

  await page.goto('/drafts');
  await page.getByTestId('draft').first().click();
  await expect(page).toHaveURL(new RegExp(`/post/${id}$`));
  await expect(page.getByTestId('draft-badge')).toBeVisible();
  await waitForHydration(page);
  await page.getByTestId('publish-draft').click();
  await expect(page.getByTestId('draft-banner')).toHaveCount(0);

  await friendPage.goto(`/post/${id}`);
  const body = friendPage.getByTestId('post-body');
  await expect(body.getByRole('link', { name: `@${friendUser.username}` })).toHaveAttribute('href', `/u/${friendUser.username}`);
  await expect(body.getByRole('link', { name: `#${tag}` })).toHaveAttribute('href', `/tag/${tag}`);
  await expect(body.getByRole('link', { name: '@nobody_here_at_all' })).toHaveCount(0);
  await expect(body).toContainText('@nobody_here_at_all');

  await friendPage.goto(`/tag/${tag}`);
  await expect(friendPage.getByTestId('hashtag-title')).toHaveText(`#${tag}`);
  await expect(friendPage.getByTestId('post-card')).toHaveCount(1);

  await friendPage.goto(`/u/${friendUser.username}`);
  await friendPage.getByTestId('tagged-tab').click();
  await expect(friendPage).toHaveURL(new RegExp(`/u/${friendUser.username}/tagged$`));
  await expect(friendPage.getByTestId('post-card').getByTestId('post-body')).toContainText('Shot with');
  await friend.close();
});

test('the author edits a post, readers see its history, and a deleted post is gone', async ({ page, browser, baseURL }) => {
  const author = await registerViaApi(page.request, baseURL!);
  const id = await postViaApi(page.request, baseURL!, 'First thoughts');

  await page.goto(`/post/${id}`);
  await page.getByTestId('edit-post').click();
  await expect(page).toHaveURL(new RegExp(`/post/${id}/edit$`));
  await waitForHydration(page);
  await page.getByLabel('Text').fill('Second thoughts, better');
  await page.getByTestId('save-edit').click();
  await expect(page).toHaveURL(new RegExp(`/post/${id}$`));
  await expect(page.getByTestId('post-body')).toHaveText('Second thoughts, better');

  const reader = await browser.newContext();
  const readerPage = await reader.newPage();
  await readerPage.goto(`/post/${id}`);
  await readerPage.getByTestId('edited').click();
  const revisions = readerPage.getByTestId('revision');
  await expect(revisions).toHaveCount(2);
  await expect(revisions.nth(0)).toContainText('Current version');
  await expect(revisions.nth(0)).toContainText('Second thoughts, better');
  await expect(revisions.nth(1)).toContainText('First thoughts');

  // Only the author may edit or delete.
  await registerViaApi(reader.request, baseURL!);
  expect((await callServerFn(reader.request, baseURL!, 'posts/edit', { id, body: 'hijacked', visibility: 'public' })).status()).toBe(403);
  expect((await callServerFn(reader.request, baseURL!, 'posts/delete', { id })).status()).toBe(403);

  await page.goto(`/post/${id}/edit`);
  await waitForHydration(page);
  await page.getByTestId('confirm-delete').check();
  await page.getByTestId('delete-post').click();
  await expect(page).toHaveURL(new RegExp(`/u/${author.username}$`));
  expect((await readerPage.goto(`/post/${id}`))?.status()).toBe(404);
  await reader.close();
});

test('comments: a reader comments, the count follows, and the author removes a comment', async ({ page, browser, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  const id = await postViaApi(page.request, baseURL!, 'What do you think?');

  const reader = await browser.newContext();
  await registerViaApi(reader.request, baseURL!);
  const readerPage = await reader.newPage();
  await readerPage.goto(`/post/${id}`);
  await waitForHydration(readerPage);
  await readerPage.getByLabel('Add a comment').fill('<b>Love</b> it');
  await readerPage.getByTestId('post-comment').click();
  await expect(readerPage.getByTestId('comment-body')).toHaveText('<b>Love</b> it');
  await expect(readerPage.getByTestId('comments-heading')).toHaveText('1 comment');
  await expect(readerPage.getByLabel('Add a comment')).toHaveValue('');
  const empty = await callServerFn(reader.request, baseURL!, 'comments/add', { post_id: id, body: '   ' });
  expect(empty.status()).toBe(422);

  await page.goto('/');
  await expect(page.getByTestId('post-card').filter({ hasText: 'What do you think?' }).getByTestId('comment-count')).toHaveText('1 comment');
  await page.goto(`/post/${id}`);
  await waitForHydration(page);
  await page.getByTestId('delete-comment').click();
  await expect(page.getByTestId('comment')).toHaveCount(0);
  await expect(page.getByTestId('comments-heading')).toHaveText('0 comments');
  await reader.close();
});

test('a linked product shows as a card that opens the product sheet', async ({ page, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  const handle = await openShopViaApi(page.request, baseURL!);
  const title = `Linked mug ${Date.now()}`;
  await createProductViaApi(page.request, baseURL!, handle, title, '12.50');
  const id = await postViaApi(page.request, baseURL!, 'My morning mug', { draft: true });

  await page.goto(`/post/${id}`);
  await waitForHydration(page);
  const editor = page.getByTestId('link-editor');
  await editor.getByLabel('Find a product').fill(title.slice(0, 14));
  await editor.getByTestId('link-results').getByRole('button', { name: new RegExp(title) }).click();
  await expect(editor.getByTestId('chosen-link')).toHaveText(`Linking: ${title} · Shop ${handle} · $12.50`);
  await page.getByTestId('add-link').click();
  const card = page.getByTestId('link-card');
  await expect(card).toContainText(title);
  await expect(card).toContainText('from $12.50');

  await editor.getByLabel('Link').selectOption('shop');
  await editor.getByLabel('Shop handle').fill(`$${handle}`);
  await page.getByTestId('add-link').click();
  await expect(page.getByTestId('link-card')).toHaveCount(2);
  await editor.getByLabel('Link').selectOption('shop');
  await editor.getByLabel('Shop handle').fill(`$${handle}`);
  await page.getByTestId('add-link').click();
  await expect(editor.getByRole('alert')).toContainText('already linked');

  await page.getByTestId('link-card').first().click();
  await expect(page.getByTestId('product-sheet').getByTestId('sheet-title')).toHaveText(title);
  await page.getByTestId('close-sheet').click();
  await expect(page.getByTestId('product-sheet')).toHaveCount(0);
});

test('the feed loads older posts as the reader scrolls', async ({ page, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  for (let i = 1; i <= 13; i++) {
    await postViaApi(page.request, baseURL!, `Scroll post ${i}`);
  }
  await page.goto('/');
  await waitForHydration(page);
  const cards = page.getByTestId('feed').getByTestId('post-card');
  await expect(cards).toHaveCount(10);
  await page.getByTestId('feed-end').or(page.getByTestId('older-posts')).scrollIntoViewIfNeeded();
  await expect(cards).toHaveCount(13);
  await expect(page.getByTestId('feed-end')).toBeVisible();
  await expect(cards.last().getByTestId('post-body')).toHaveText('Scroll post 1');
});

test('without JavaScript, "Older posts" is a link to the next page', async ({ browser, baseURL }) => {
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const me = await registerViaApi(ctx.request, baseURL!);
  for (let i = 1; i <= 11; i++) {
    await postViaApi(ctx.request, baseURL!, `Plain post ${i}`);
  }
  const page = await ctx.newPage();
  await page.goto('/');
  await page.getByTestId('older-posts').click();
  await expect(page).toHaveURL(/\?cursor=/);
  await expect(page.getByTestId('post-card')).toHaveCount(1);
  await expect(page.getByTestId('post-body')).toHaveText('Plain post 1');

  // The profile grid pages the same way.
  await page.goto(`/u/${me.username}`);
  await expect(page.getByTestId('grid-tile')).toHaveCount(10);
  await page.getByTestId('older-posts').click();
  await expect(page).toHaveURL(/\?cursor=/);
  await expect(page.getByTestId('grid-tile')).toHaveCount(1);
  await ctx.close();
});

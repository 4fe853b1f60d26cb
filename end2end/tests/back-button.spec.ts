import { waitForHydration } from './fixtures/pages';
import { postViaApi } from './fixtures/posts';
import { expect, seedScenario, test } from './fixtures/test';
import { callServerFn } from './fixtures/users';

// Back behaves: the product sheet is a history entry of its own (Back closes
// it, its address can be shared), and Back from a post returns to the same
// place in the feed with the pages that were loaded.

test('Back closes the product sheet and keeps the reader on the feed; Forward opens it again', { tag: '@phone' }, async ({ page, postWithTag }) => {
  // The creator's home feed holds their own post.
  await page.goto('/');
  await waitForHydration(page);
  const card = page.locator(`[data-testid="post-card"][data-post-id="${postWithTag.id}"]`);
  await card.getByTestId('toggle-tags').click();
  await card.getByTestId('tag-marker').click();
  const sheet = page.getByTestId('product-sheet');
  await expect(sheet.getByTestId('sheet-title')).toHaveText(postWithTag.shop.product_title);
  await expect(page).toHaveURL(new RegExp(`/\\?product=${postWithTag.shop.product_id}&sheet_ctx=`));

  await page.goBack();
  await expect(sheet).toHaveCount(0);
  await expect(page).toHaveURL(/\/$/);
  await expect(card).toBeVisible();

  await page.goForward();
  await expect(sheet.getByTestId('sheet-title')).toHaveText(postWithTag.shop.product_title);
  // Closing it goes back to the feed's entry rather than adding one.
  await sheet.getByTestId('close-sheet').click();
  await expect(sheet).toHaveCount(0);
  await expect(page).toHaveURL(/\/$/);
});

test('Back from the product page returns to the sheet over the feed', { tag: '@phone' }, async ({ page, postWithTag }) => {
  await page.goto('/');
  await waitForHydration(page);
  const card = page.locator(`[data-testid="post-card"][data-post-id="${postWithTag.id}"]`);
  await card.getByTestId('toggle-tags').click();
  await card.getByTestId('tag-marker').click();
  const sheet = page.getByTestId('product-sheet');
  await sheet.getByTestId('sheet-view-product').click();
  await expect(page).toHaveURL(new RegExp(`/p/${postWithTag.shop.product_id}\\?ctx=`));
  await expect(page.getByTestId('product-title')).toHaveText(postWithTag.shop.product_title);
  await expect(sheet).toHaveCount(0);

  await page.goBack();
  await expect(page).toHaveURL(new RegExp(`/\\?product=${postWithTag.shop.product_id}&sheet_ctx=`));
  await expect(sheet.getByTestId('sheet-title')).toHaveText(postWithTag.shop.product_title);
  await expect(card).toBeVisible();
  await page.goBack();
  await expect(sheet).toHaveCount(0);
  await expect(page).toHaveURL(/\/$/);
});

test('the open sheet has an address another shopper can open directly', { tag: '@phone' }, async ({ page, browser, postWithTag }) => {
  await page.goto(`/post/${postWithTag.id}`);
  await waitForHydration(page);
  const card = page.getByTestId('post-card').first();
  await card.getByTestId('toggle-tags').click();
  await card.getByTestId('tag-marker').click();
  await expect(page.getByTestId('product-sheet').getByTestId('sheet-title')).toHaveText(postWithTag.shop.product_title);
  const shared = page.url();
  expect(new URL(shared).searchParams.get('product')).toBe(postWithTag.shop.product_id);

  const friend = await browser.newContext();
  const other = await friend.newPage();
  await other.goto(shared);
  const sheet = other.getByTestId('product-sheet');
  await expect(sheet.getByTestId('sheet-title')).toHaveText(postWithTag.shop.product_title);
  await expect(other.getByTestId('post-card')).toHaveCount(1);
  await waitForHydration(other);
  // Opened from a link, closing stays on the post.
  await sheet.getByTestId('close-sheet').click();
  await expect(sheet).toHaveCount(0);
  await expect(other).toHaveURL(new RegExp(`/post/${postWithTag.id}$`));
  await expect(other.getByTestId('post-card')).toHaveCount(1);
  await friend.close();
});

test('Back from a post returns to the same place in the feed with the second page still loaded', { tag: '@phone' }, async ({ page, playwright, baseURL }) => {
  // A creator with fourteen posts (a page is ten), followed by the reader.
  const api = await playwright.request.newContext();
  const { user: creator } = await seedScenario(api, baseURL!, { prefix: 'prolific' });
  const run = Date.now().toString(36);
  for (let i = 1; i <= 14; i++) {
    await postViaApi(api, baseURL!, `Scroll post ${i} of 14 (${run})\nA second line so each card has some height.`);
  }
  await api.dispose();
  await seedScenario(page.request, baseURL!, { prefix: 'reader' });
  const follow = await callServerFn(page.request, baseURL!, 'follows/set', { username: creator.username, follow: 'true' });
  expect(follow.status(), await follow.text()).toBe(200);

  await page.goto('/');
  await waitForHydration(page);
  const cards = page.getByTestId('post-card');
  await expect(cards.first()).toBeVisible();
  await page.evaluate(() => window.scrollTo(0, document.body.scrollHeight));
  await expect(cards).toHaveCount(14);

  // A post from the second page, scrolled to the middle of the screen.
  const target = cards.filter({ hasText: `Scroll post 3 of 14 (${run})` });
  await target.evaluate((el) => el.scrollIntoView({ block: 'center' }));
  const scrolled = await page.evaluate(() => window.scrollY);
  expect(scrolled).toBeGreaterThan(0);

  await target.getByTestId('post-link').click();
  await expect(page).toHaveURL(/\/post\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('post-card')).toHaveCount(1);

  await page.goBack();
  await expect(page).toHaveURL(/\/$/);
  await expect(cards).toHaveCount(14);
  await expect(target).toBeInViewport();
  await expect.poll(async () => Math.abs((await page.evaluate(() => window.scrollY)) - scrolled)).toBeLessThan(5);
});

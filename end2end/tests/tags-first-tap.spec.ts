import { Browser, Locator, Page } from '@playwright/test';
import { waitForHydration } from './fixtures/pages';
import { expect, Scenario, seedScenario, test } from './fixtures/test';
import { callServerFn } from './fixtures/users';

// Tags answer the first tap: the markers are server-rendered links behind a
// CSS-only switch, so they work before the WASM arrives and without
// JavaScript; once hydrated, a product tag opens the sheet over the page.

const PHONE = { width: 390, height: 844 };

/** A creator (signed in, in a context of their own) whose post tags a product at the photo's centre. */
async function creatorWithTaggedPost(browser: Browser, baseURL: string) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const seeded: Scenario = await seedScenario(page.request, baseURL, {
    prefix: 'tagger',
    product: { title: `Rattan lamp ${Date.now().toString(36)}`, price: '64', stock: 5 },
    post: 'My reading corner, lamp tagged',
  });
  return { ctx, page, seeded, postId: seeded.post!.id, productId: seeded.shop!.product_id, title: seeded.shop!.product_title };
}

/** Asserts `inner`'s box lies within `outer`'s (1 px of rounding allowed). */
async function expectInside(inner: Locator, outer: Locator) {
  const o = (await outer.boundingBox())!;
  const i = (await inner.boundingBox())!;
  expect(i.x).toBeGreaterThanOrEqual(o.x - 1);
  expect(i.y).toBeGreaterThanOrEqual(o.y - 1);
  expect(i.x + i.width).toBeLessThanOrEqual(o.x + o.width + 1);
  expect(i.y + i.height).toBeLessThanOrEqual(o.y + o.height + 1);
}

/** The creator's dashboard count of tag taps on `postId`, read afresh. */
async function tapsOn(creator: Page, postId: string) {
  await creator.goto('/creator');
  const row = creator.locator(`[data-testid="post-row"][data-post-id="${postId}"]`);
  return (await row.count()) === 0 ? '0' : (await row.getByTestId('post-taps').textContent())?.trim();
}

test.describe('with JavaScript disabled', () => {
  test.use({ javaScriptEnabled: false, viewport: PHONE });

  test('a tagged photo shows how many tags it has, and its tags are links that credit the post', { tag: '@phone' }, async ({ page, browser, baseURL }) => {
    const creator = await creatorWithTaggedPost(browser, baseURL!);
    // A second tag in the bottom-right corner, on the creator themself.
    const corner = await callServerFn(creator.page.request, baseURL!, 'tags/add', {
      media_id: creator.seeded.post!.media_id, x: '98', y: '97', kind: 'user', target: creator.seeded.user.username,
    });
    expect(corner.status(), await corner.text()).toBe(200);

    await page.goto(`/post/${creator.postId}`);
    const card = page.getByTestId('post-card').first();
    const image = card.getByTestId('post-image');
    await expect(card.getByTestId('tag-count')).toHaveText('2 tags');
    const toggle = card.getByRole('checkbox', { name: 'Show the 2 tags on this photo' });
    await expect(toggle).not.toBeChecked();
    const markers = card.getByTestId('tag-marker');
    await expect(markers).toHaveCount(2);
    await expect(markers.first()).toBeHidden();

    await card.getByTestId('toggle-tags').click();
    await expect(toggle).toBeChecked();
    const product = card.locator('[data-testid="tag-marker"][data-kind="product"]');
    const person = card.locator('[data-testid="tag-marker"][data-kind="user"]');
    await expect(product).toBeVisible();
    await expect(person).toBeVisible();
    await expect(person).toHaveAttribute('href', `/u/${creator.seeded.user.username}`);
    await expect(product).toHaveAttribute('href', new RegExp(`^/p/${creator.productId}\\?ctx=[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$`));
    // Both stay on the photo at 390 px, the corner one included.
    await expectInside(product, image);
    await expectInside(person, image);

    const token = new URL((await product.getAttribute('href'))!, baseURL).searchParams.get('ctx');
    await product.click();
    await expect(page).toHaveURL(new RegExp(`/p/${creator.productId}\\?ctx=`));
    expect(new URL(page.url()).searchParams.get('ctx')).toBe(token);
    await expect(page.getByTestId('product-title')).toHaveText(creator.title);

    // The visit came through the post: the creator sees the tap.
    await expect.poll(() => tapsOn(creator.page, creator.postId)).toBe('1');
    await creator.ctx.close();
  });

  test('the product sheet address opens the sheet over the page, and its close link returns to the page', { tag: '@phone' }, async ({ page, browser, baseURL }) => {
    const creator = await creatorWithTaggedPost(browser, baseURL!);
    await page.goto(`/post/${creator.postId}`);
    const href = (await page.getByTestId('tag-marker').first().getAttribute('href'))!;
    const token = new URL(href, baseURL).searchParams.get('ctx')!;

    await page.goto(`/post/${creator.postId}?product=${creator.productId}&sheet_ctx=${encodeURIComponent(token)}`);
    const sheet = page.getByTestId('product-sheet');
    await expect(sheet.getByTestId('sheet-title')).toHaveText(creator.title);
    await expect(sheet.getByTestId('sheet-price')).toHaveText('$64.00');
    await expect(page.getByTestId('post-card')).toHaveCount(1);
    await expect(sheet.getByTestId('sheet-view-product')).toHaveAttribute('href', `/p/${creator.productId}?ctx=${token}`);

    await sheet.getByTestId('close-sheet').click();
    await expect(page).toHaveURL(new RegExp(`/post/${creator.postId}$`));
    await expect(page.getByTestId('product-sheet')).toHaveCount(0);
    await expect(page.getByTestId('post-card')).toHaveCount(1);
    await creator.ctx.close();
  });
});

test('a tap before the WASM has loaded shows the tags, and after hydration a product tag opens the sheet', { tag: '@phone' }, async ({ page, browser, baseURL }) => {
  const creator = await creatorWithTaggedPost(browser, baseURL!);
  // Hold the client back until the first tap has been made.
  let release: () => void = () => {};
  const held = new Promise<void>((resolve) => { release = resolve; });
  await page.route('**/*.wasm', async (route) => {
    await held;
    await route.continue();
  });

  // Not waiting for "load": the held WASM is preloaded, which holds it back too.
  await page.goto(`/post/${creator.postId}`, { waitUntil: 'domcontentloaded' });
  await expect(page.locator('body[data-hydrated="true"]')).toHaveCount(0);
  const card = page.getByTestId('post-card').first();
  await card.getByTestId('toggle-tags').click();
  const marker = card.getByTestId('tag-marker');
  await expect(marker).toBeVisible();

  release();
  await waitForHydration(page);
  // Hydration keeps what the tap showed; the next tap opens the sheet in place.
  await expect(marker).toBeVisible();
  await marker.click();
  const sheet = page.getByTestId('product-sheet');
  await expect(sheet.getByTestId('sheet-title')).toHaveText(creator.title);
  await expect(page).toHaveURL(new RegExp(`/post/${creator.postId}\\?product=${creator.productId}&sheet_ctx=`));
  await creator.ctx.close();
});

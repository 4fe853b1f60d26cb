import { Browser, Locator, Page } from '@playwright/test';
import { waitForHydration } from './fixtures/pages';
import { gradientPng } from './fixtures/images';
import { createProduct, openShop } from './fixtures/shops';
import { expect, test } from './fixtures/test';
import { callServerFn, registerViaApi } from './fixtures/users';

/** Where `marker`'s centre sits inside `image`, in percent. */
async function relativeSpot(image: Locator, marker: Locator) {
  const box = (await image.boundingBox())!;
  const m = (await marker.boundingBox())!;
  return {
    x: ((m.x + m.width / 2 - box.x) / box.width) * 100,
    y: ((m.y + m.height / 2 - box.y) / box.height) * 100,
  };
}

/** Composes a post with one image; `draft` keeps it private to tag before publishing. */
async function composeWithImage(page: Page, body: string, { draft = false } = {}) {
  await page.goto('/compose');
  await waitForHydration(page);
  const form = page.getByTestId('compose-form');
  await form.getByLabel("What's on your mind?").fill(body);
  await form.getByLabel(/^Images/).setInputFiles({ name: 'look.png', mimeType: 'image/png', buffer: gradientPng(900, 1200) });
  await page.getByTestId(draft ? 'save-draft' : 'publish').click();
  await expect(page).toHaveURL(/\/post\/[0-9a-f-]{36}$/);
}

async function viewerFor(browser: Browser, baseURL: string, creator: string, viewport: { width: number; height: number }) {
  const ctx = await browser.newContext({ viewport });
  await registerViaApi(ctx.request, baseURL);
  await callServerFn(ctx.request, baseURL, 'follows/set', { username: creator, follow: 'true' });
  return ctx;
}

test('a product tag placed on a point leads a follower from the feed to the product, at the same spot on any screen', async ({ page, browser, baseURL }) => {
  const creator = await registerViaApi(page.request, baseURL!);
  const handle = await openShop(page);
  const title = `Indigo scarf ${Date.now()}`;
  await createProduct(page, handle, { title, price: '28', options: [['Colour', 'Indigo, Rust']] });

  // Compose, keep it as a draft, tag it, then publish.
  await composeWithImage(page, 'Wearing the new scarf', { draft: true });
  await waitForHydration(page);
  await expect(page.getByTestId('draft-banner')).toBeVisible();
  const canvas = page.getByTestId('tag-canvas-0');
  const box = (await canvas.boundingBox())!;
  await canvas.click({ position: { x: box.width * 0.3, y: box.height * 0.4 } });
  await expect(page.getByLabel('Across (%)')).toHaveValue(/^(29\.\d+|30(\.\d+)?)$/);
  const tagger = page.getByTestId('image-tagger');
  await tagger.getByLabel('Find a product').fill(title.slice(0, 12));
  await tagger.getByTestId('product-results').getByRole('button', { name: new RegExp(title) }).click();
  await expect(tagger.getByTestId('chosen-product')).toHaveText(`Tagging: ${title}`);
  await page.getByTestId('add-tag').click();
  await expect(tagger.getByTestId('existing-tags')).toContainText(title);
  await page.getByTestId('publish-draft').click();
  await expect(page.getByTestId('draft-banner')).toHaveCount(0);

  for (const viewport of [{ width: 390, height: 844 }, { width: 1280, height: 900 }]) {
    const ctx = await viewerFor(browser, baseURL!, creator.username, viewport);
    const viewer = await ctx.newPage();
    await viewer.goto('/');
    await waitForHydration(viewer);
    const card = viewer.getByTestId('post-card').filter({ hasText: 'Wearing the new scarf' });
    const image = card.getByTestId('post-image');
    const marker = card.getByTestId('tag-marker');
    await expect(marker).toBeHidden();
    await card.getByTestId('toggle-tags').click();
    await expect(marker).toBeVisible();
    const spot = await relativeSpot(image, marker);
    expect(Math.abs(spot.x - 30)).toBeLessThan(1.5);
    expect(Math.abs(spot.y - 40)).toBeLessThan(1.5);
    // The product opens in a sheet over the feed; the feed stays where it was.
    const scrolled = await viewer.evaluate(() => window.scrollY);
    await marker.click();
    const sheet = viewer.getByTestId('product-sheet');
    await expect(sheet.getByTestId('sheet-title')).toHaveText(title);
    await expect(sheet.getByTestId('sheet-price')).toHaveText('$28.00');
    await viewer.keyboard.press('Escape');
    await expect(sheet).toHaveCount(0);
    expect(await viewer.evaluate(() => window.scrollY)).toBe(scrolled);
    await expect(viewer).toHaveURL(/\/$/);
    await marker.click();
    await sheet.getByTestId('sheet-view-product').click();
    await expect(viewer.getByTestId('product-title')).toHaveText(title);
    await expect(viewer.getByTestId('product-price')).toHaveText('$28.00');
    await ctx.close();
  }
});

test('tags outside the image or on missing products are refused', async ({ page, baseURL, postWithTag }) => {
  const mediaId = postWithTag.media_id;
  const outside = await callServerFn(page.request, baseURL!, 'tags/add', { media_id: mediaId, x: '101', y: '5', kind: 'user', target: 'maya' });
  expect(outside.status()).toBe(422);
  const missing = await callServerFn(page.request, baseURL!, 'tags/add', {
    media_id: mediaId, x: '5', y: '5', kind: 'product', target: '00000000-0000-0000-0000-000000000000',
  });
  expect(missing.status()).toBe(422);
  expect(JSON.stringify(await missing.json())).toContain('That product is not available.');
});

test('the author moves a tag to a new spot', async ({ page, baseURL }) => {
  const me = await registerViaApi(page.request, baseURL!);
  await composeWithImage(page, 'move me', { draft: true });
  await waitForHydration(page);
  const canvas = page.getByTestId('tag-canvas-0');
  const box = (await canvas.boundingBox())!;
  await canvas.click({ position: { x: box.width * 0.2, y: box.height * 0.2 } });
  const tagger = page.getByTestId('image-tagger');
  await tagger.getByLabel('Tag', { exact: true }).selectOption('user');
  await tagger.getByLabel('Username').fill(me.username);
  await page.getByTestId('add-tag').click();
  await expect(tagger.getByTestId('existing-tags')).toContainText('at 20%, 20%');

  await tagger.getByTestId('move-tag').click();
  await expect(tagger.getByTestId('moving-hint')).toBeVisible();
  await canvas.click({ position: { x: box.width * 0.7, y: box.height * 0.6 } });
  await expect(tagger.getByTestId('existing-tags')).toContainText('at 70%, 60%');
});

test("nobody tags someone else's image", async ({ playwright, baseURL, postWithTag }) => {
  const mediaId = postWithTag.media_id;
  const other = await playwright.request.newContext();
  await registerViaApi(other, baseURL!);
  const res = await callServerFn(other, baseURL!, 'tags/add', { media_id: mediaId, x: '5', y: '5', kind: 'user', target: 'maya' });
  expect(res.status()).toBe(403);
  await other.dispose();
});

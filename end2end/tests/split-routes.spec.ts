import { expect, Page, test } from '@playwright/test';
import { Checkout, productViaApi, SAN_FRANCISCO, taggedPost, TEST_CARDS } from './fixtures/commerce';
import { gradientPng } from './fixtures/images';
import { waitForHydration } from './fixtures/pages';
import { openShopViaApi } from './fixtures/shops';
import { registerViaApi } from './fixtures/users';

// The release client is split by route (app/src/lazy_routes.rs, `cargo leptos
// build --split`): the feed, post and product pages run on the main WASM file;
// the composer, checkout and the other on-demand pages load a chunk of their
// own when entered, or as soon as a link to them is hovered or touched.

/** Every WASM file the page fetches, by path, in order. */
function wasmFetches(page: Page): string[] {
  const fetched: string[] = [];
  page.on('response', (r) => {
    const path = new URL(r.url()).pathname;
    if (path.endsWith('.wasm')) fetched.push(path);
  });
  return fetched;
}

const isMain = (path: string) => /^\/pkg\/storefeed\.[^/]+\.wasm$/.test(path);
const chunks = (fetched: string[]) => fetched.filter((p) => !isMain(p));

test('the feed runs on the main file; the composer loads its chunk on the way and publishes', async ({ page, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  const fetched = wasmFetches(page);
  await page.goto('/');
  await waitForHydration(page);
  expect(fetched.filter(isMain), 'the main client file').toHaveLength(1);
  expect(chunks(fetched), 'no page chunk on the feed').toEqual([]);

  // Pointing at the link is enough to start loading the composer.
  await page.getByTestId('nav-compose').hover();
  await expect.poll(() => chunks(fetched).length, { message: 'the composer chunk, prefetched on hover' }).toBeGreaterThan(0);
  await page.getByTestId('nav-compose').click();
  await expect(page).toHaveURL(/\/compose$/);
  await waitForHydration(page);

  const form = page.getByTestId('compose-form');
  await form.getByLabel("What's on your mind?").fill('Split and still publishing');
  await form.getByLabel(/^Images/).setInputFiles({ name: 'drop.png', mimeType: 'image/png', buffer: gradientPng(640, 480) });
  await page.getByTestId('publish').click();
  await expect(page).toHaveURL(/\/post\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('post-card').getByTestId('post-body')).toHaveText('Split and still publishing');
});

test('from a tag on the feed to a paid order: checkout loads its chunk and works', async ({ browser, page, baseURL }) => {
  const seller = await browser.newContext();
  const sellerPage = await seller.newPage();
  await registerViaApi(sellerPage.request, baseURL!);
  const shop = await openShopViaApi(sellerPage.request, baseURL!);
  const title = `Split tote ${Date.now()}`;
  const productId = await productViaApi(sellerPage.request, baseURL!, shop, { title, price: '30', stock: '3' });
  const postId = await taggedPost(sellerPage, baseURL!, productId, 'Tap the tote');
  await seller.close();

  await registerViaApi(page.request, baseURL!);
  const fetched = wasmFetches(page);
  await page.goto(`/post/${postId}`);
  await waitForHydration(page);
  expect(chunks(fetched), 'a post page needs no chunk').toEqual([]);

  const card = page.getByTestId('post-card').first();
  await card.getByTestId('toggle-tags').click();
  await card.getByTestId('tag-marker').click();
  const sheet = page.getByTestId('product-sheet');
  await expect(sheet.getByTestId('sheet-title')).toHaveText(title);
  expect(chunks(fetched), 'the product sheet is part of the main file').toEqual([]);

  await sheet.getByTestId('buy-now').click();
  await expect(page).toHaveURL(new RegExp(`/checkout/${shop}$`));
  await waitForHydration(page);
  await expect.poll(() => chunks(fetched).length, { message: 'the checkout chunk' }).toBeGreaterThan(0);

  const checkout = new Checkout(page);
  await checkout.fillAddress(SAN_FRANCISCO);
  await checkout.chooseShipping('standard');
  await checkout.pay(TEST_CARDS.succeeds);
  await expect(page.getByTestId('order-confirmation')).toBeVisible();
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
});

test('a split page opened directly is complete from the server and hydrates with its chunk', async ({ page, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  for (const path of ['/compose', '/cart', '/orders', '/me', '/settings/profile', '/settings/payment', '/shops', '/shops/new', '/creator', '/drafts', '/events/new']) {
    const fetched = wasmFetches(page);
    await page.goto(path);
    await waitForHydration(page);
    expect(chunks(fetched).length, `${path} loads its chunk`).toBeGreaterThan(0);
    expect(errors, `${path}: ${errors.join('\n')}`).toEqual([]);
  }
});

test('a link tapped while a split page is still loading its chunk goes where it leads', async ({ page, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  // No wait for hydration: the tap can come before /orders' chunk is in.
  await page.goto('/orders');
  await page.getByTestId('nav-explore').click();
  await expect(page).toHaveURL(/\/explore$/);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { name: 'Explore' })).toBeVisible();
  expect(errors, errors.join('\n')).toEqual([]);
});

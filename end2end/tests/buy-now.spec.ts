import { Browser, expect, Page, test } from '@playwright/test';
import { fillAddressFields, fillWallet, productViaApi, saveCardOnProviderPage, SAN_FRANCISCO, taggedPost, TEST_CARDS } from './fixtures/commerce';
import { waitForHydration } from './fixtures/pages';
import { openShopViaApi } from './fixtures/shops';
import { registerViaApi } from './fixtures/users';

/** A creator's tagged post of a one-variant product; returns the post, the shop and the creator's context. */
async function taggedProduct(browser: Browser, baseURL: string, price = '40') {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  await registerViaApi(page.request, baseURL);
  const shop = await openShopViaApi(page.request, baseURL);
  const title = `Market tote ${Date.now()}`;
  const productId = await productViaApi(page.request, baseURL, shop, { title, price, stock: '5' });
  const postId = await taggedPost(page, baseURL, productId, 'Carry it all, tap to shop');
  return { ctx, shop, postId, title };
}

/** Opens the post's first product tag in the product sheet. */
async function openSheet(page: Page, postId: string) {
  await page.goto(`/post/${postId}`);
  await waitForHydration(page);
  const card = page.getByTestId('post-card').first();
  await card.getByTestId('toggle-tags').click();
  await card.getByTestId('tag-marker').click();
  return page.getByTestId('product-sheet');
}

test('a shopper with a saved card and address buys from a tag in one tap', { tag: '@phone' }, async ({ browser, page, baseURL }) => {
  const seller = await taggedProduct(browser, baseURL!);
  await registerViaApi(page.request, baseURL!);
  await fillWallet(page);
  await expect(page.getByTestId('saved-card')).toHaveCount(1);
  await expect(page.getByTestId('saved-card')).toContainText('Visa •••• 4242');
  await expect(page.getByTestId('default-card')).toBeVisible();

  const sheet = await openSheet(page, seller.postId);
  await expect(sheet.getByTestId('sheet-title')).toHaveText(seller.title);
  const buy = sheet.getByTestId('buy-now-express');
  // $40 + $5 standard shipping, with California's 7.25% on both.
  await expect(buy).toHaveText('Buy now · $48.26');
  await expect(sheet.getByTestId('buy-now-details')).toContainText('Visa •••• 4242 · ships to Ada Shopper, San Francisco');
  await expect(sheet.getByTestId('buy-now'), 'the checkout fallback gives way').toHaveCount(0);

  const purchases: string[] = [];
  page.on('request', (r) => {
    if (r.method() === 'POST' && new URL(r.url()).pathname.startsWith('/api/')) purchases.push(new URL(r.url()).pathname);
  });
  await buy.click();
  await expect(page.getByTestId('order-confirmation')).toBeVisible();
  await expect(page.getByTestId('order-total')).toHaveText('$48.26');
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  // One request bought it: no cart, no checkout steps (the order page then loads its own data).
  const buying = purchases.filter((p) => p === '/api/buy-now' || p.startsWith('/api/cart/add') || p.startsWith('/api/checkout'));
  expect(buying, 'one request buys').toEqual(['/api/buy-now']);

  // The cart was not used.
  await page.goto('/cart');
  await expect(page.getByTestId('cart-empty')).toBeVisible();
  await seller.ctx.close();
});

test('a shopper without saved details goes to checkout from Buy now', async ({ browser, page, baseURL }) => {
  const seller = await taggedProduct(browser, baseURL!);
  await registerViaApi(page.request, baseURL!);
  const quoted = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/buy-now/quote');
  const sheet = await openSheet(page, seller.postId);
  expect((await quoted).status()).toBe(200);
  await expect(sheet.getByTestId('buy-now-express')).toHaveCount(0);
  await sheet.getByTestId('buy-now').click();
  await expect(page).toHaveURL(new RegExp(`/checkout/${seller.shop}$`));
  await seller.ctx.close();
});

test('signed out, the sheet offers the checkout Buy now and asks for no quote', async ({ browser, page, baseURL }) => {
  const seller = await taggedProduct(browser, baseURL!);
  const quotes: string[] = [];
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/buy-now/quote') quotes.push(r.url());
  });
  const sheet = await openSheet(page, seller.postId);
  await expect(sheet.getByTestId('buy-now')).toBeVisible();
  await expect(sheet.getByTestId('buy-now-express')).toHaveCount(0);
  expect(quotes).toEqual([]);
  await seller.ctx.close();
});

test('the provider page refuses a mistyped card, and cards can be made default and removed', async ({ page, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  await page.goto('/settings/payment');
  await waitForHydration(page);
  await expect(page.getByTestId('no-cards')).toBeVisible();
  await page.getByTestId('add-card').click();
  await saveCardOnProviderPage(page, '4242 4242 4242 4241');
  await expect(page.getByTestId('hosted-field-error')).toHaveText('That card number is not valid.');
  await saveCardOnProviderPage(page, TEST_CARDS.succeeds);
  await expect(page.getByTestId('card-added')).toBeVisible();

  // A second card, then make it the default, then remove the first.
  await page.getByTestId('add-card').click();
  await saveCardOnProviderPage(page, '5555 5555 5555 4444');
  await waitForHydration(page);
  const cards = page.getByTestId('saved-card');
  await expect(cards).toHaveCount(2);
  const master = cards.filter({ hasText: 'Mastercard' });
  await master.getByTestId('make-default').click();
  await expect(master.getByTestId('default-card')).toBeVisible();
  await cards.filter({ hasText: 'Visa' }).getByTestId('remove-card').click();
  await expect(cards).toHaveCount(1);
  await expect(cards).toContainText('Mastercard •••• 4444');

  // Returning to the page with an old setup saves nothing and says why.
  await page.goto('/api/wallet/card-added?payment_token=pm_forged&state=00000000000000000000000000000000');
  await expect(page).toHaveURL(/\/settings\/payment\?card=expired$/);
  await expect(page.getByTestId('card-problem')).toHaveText('That card setup has expired or was already used. Add the card again.');
  await expect(cards).toHaveCount(1);
});

test('signed out, the payment settings ask to log in', async ({ page }) => {
  await page.goto('/settings/payment');
  await expect(page).toHaveURL(/\/login\?next=(%2F|\/)settings(%2F|\/)payment/);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the address and a card are saved with plain forms', async ({ page, baseURL }) => {
    await registerViaApi(page.request, baseURL!);
    await page.goto('/settings/payment');
    const address = page.getByTestId('wallet-address');
    await fillAddressFields(address, SAN_FRANCISCO);
    await address.getByTestId('save-wallet-address').click();
    await expect(page).toHaveURL(/\/settings\/payment/);
    await expect(page.getByTestId('wallet-address').getByLabel('City')).toHaveValue(SAN_FRANCISCO.city);

    await page.getByTestId('add-card').click();
    await saveCardOnProviderPage(page, TEST_CARDS.succeeds);
    await expect(page.getByTestId('card-added')).toBeVisible();
    await expect(page.getByTestId('saved-card')).toContainText('Visa •••• 4242');
  });
});

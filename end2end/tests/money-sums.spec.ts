import { Browser, Page } from '@playwright/test';
import { addToCartViaApi, AddressSpec, Checkout, SAN_FRANCISCO, summaryFigures, taggedPost, TEST_CARDS } from './fixtures/commerce';
import { waitForHydration } from './fixtures/pages';
import { expect, seedScenario, test } from './fixtures/test';
import { callServerFn } from './fixtures/users';

// Every sum on screen is right: the checkout summary's rows add up to its
// total in both tax modes, the order page repeats them with the shipping
// option's own price, and a creator paid in two currencies sees two totals.
// `signedInUser` signs `page` in: the buyer in the checkout tests, the
// creator in the dashboard test.

const NAIROBI: AddressSpec = { name: 'Wanjiru Shopper', country: 'KE', line1: '1 Moi Avenue', city: 'Nairobi', postalCode: '00100' };

/** A seller in a browser context of their own, with a shop selling one product in `currency`. */
async function seller(browser: Browser, baseURL: string, currency: string, price: string) {
  const ctx = await browser.newContext();
  const title = `Kikoi ${currency} ${Date.now().toString(36)}`;
  const seeded = await seedScenario(ctx.request, baseURL, { prefix: 'seller', product: { title, price, stock: 5, currency } });
  return { ctx, title, shop: seeded.shop! };
}

/** The summary's rows add up to its total, and the VAT note (if any) is not one of them. */
async function expectRowsAddUp(page: Page, scope: string, total: string) {
  const figures = await summaryFigures(page.getByTestId(scope), page.getByTestId(total));
  expect(figures.rows.length, JSON.stringify(figures)).toBeGreaterThanOrEqual(2);
  const sum = figures.rows.reduce((acc, [, minor]) => acc + minor, 0);
  expect(sum, JSON.stringify(figures)).toBe(figures.total);
  return figures;
}

test('the checkout summary adds up with sales tax on shipping, and the order shows the option chosen', async ({ browser, baseURL, page, signedInUser }) => {
  const kes = await seller(browser, baseURL!, 'KES', '6000');
  await addToCartViaApi(page.request, baseURL!, kes.shop.variant_ids[0]);

  // A KES shop shipping to California: international standard costs
  // KSh 2,500.00, and 7.25% sales tax is added to the goods and to shipping.
  const checkout = new Checkout(page);
  await checkout.goto(kes.shop.handle);
  await checkout.fillAddress(SAN_FRANCISCO);
  await checkout.chooseShipping('standard');
  await expect(page.getByTestId('checkout-shipping')).toHaveText('KSh 2,500.00');
  await expect(page.getByTestId('checkout-tax')).toHaveText('KSh 616.25');
  await expect(checkout.total).toHaveText('KSh 9,116.25');
  const atCheckout = await expectRowsAddUp(page, 'order-summary', 'checkout-total');

  await checkout.pay(TEST_CARDS.succeeds);
  await expect(page.getByTestId('order-confirmation')).toBeVisible();
  await expect(page.getByTestId('order-shipping')).toHaveText('KSh 2,500.00');
  await expect(page.getByTestId('order-total')).toHaveText('KSh 9,116.25');
  const onOrder = await expectRowsAddUp(page, 'order', 'order-total');
  expect(onOrder.rows.map(([, minor]) => minor)).toEqual(atCheckout.rows.map(([, minor]) => minor));

  await kes.ctx.close();
});

test('with VAT in the prices the summary adds up and shows the VAT beside the total, not as a row', async ({ browser, baseURL, page, signedInUser }) => {
  const kes = await seller(browser, baseURL!, 'KES', '6000');
  await addToCartViaApi(page.request, baseURL!, kes.shop.variant_ids[0]);

  // At home in Kenya: express costs KSh 800.00 and 16% VAT is already in every price.
  const checkout = new Checkout(page);
  await checkout.goto(kes.shop.handle);
  await checkout.fillAddress(NAIROBI);
  await checkout.chooseShipping('express');
  await expect(page.getByTestId('checkout-shipping')).toHaveText('KSh 800.00');
  await expect(checkout.total).toHaveText('KSh 6,800.00');
  const summary = page.getByTestId('order-summary');
  await expect(summary.getByTestId('summary-included-tax')).toContainText('Includes VAT');
  await expect(summary.locator('[data-testid="summary-row"][data-kind="tax"]')).toHaveCount(0);
  await expectRowsAddUp(page, 'order-summary', 'checkout-total');

  await kes.ctx.close();
});

test('a creator credited in shillings and naira sees two totals, never one sum', async ({ browser, baseURL, page, signedInUser }) => {
  test.slow();
  // One post tags a product of a KES shop and one of an NGN shop.
  const kes = await seller(browser, baseURL!, 'KES', '18200');
  const ngn = await seller(browser, baseURL!, 'NGN', '18000');
  const postId = await taggedPost(page, baseURL!, kes.shop.product_id, 'Two kikois, two shops');
  const mediaId = await page.getByTestId('image-tagger').locator('input[name="media_id"]').first().inputValue();
  const tag = await callServerFn(page.request, baseURL!, 'tags/add', { media_id: mediaId, x: '25', y: '25', kind: 'product', target: ngn.shop.product_id });
  expect(tag.status(), await tag.text()).toBe(200);

  // The genuine links, read from the author's own view of the post.
  await page.goto(`/post/${postId}`);
  const linkTo = async (productId: string) => {
    const href = await page.locator(`[data-testid="tag-marker"][href*="${productId}"]`).first().getAttribute('href');
    expect(href, `no tag links to ${productId}`).toBeTruthy();
    return href!;
  };
  const links = [await linkTo(kes.shop.product_id), await linkTo(ngn.shop.product_id)];

  // A shopper follows each link and buys.
  const shopperCtx = await browser.newContext();
  const shopper = await shopperCtx.newPage();
  await seedScenario(shopper.request, baseURL!, { prefix: 'shopper' });
  for (const [href, shop] of [[links[0], kes.shop.handle], [links[1], ngn.shop.handle]]) {
    await shopper.goto(href);
    await waitForHydration(shopper);
    await shopper.getByTestId('add-to-cart').click();
    await expect(shopper.getByTestId('cart-count')).toContainText('1');
    const checkout = new Checkout(shopper);
    await checkout.goto(shop);
    await checkout.fillAddress(SAN_FRANCISCO);
    await checkout.chooseShipping('standard');
    await checkout.pay(TEST_CARDS.succeeds);
    await expect(shopper.getByTestId('order-confirmation')).toBeVisible();
  }

  // The dashboard: each card and the post's row show one total per currency.
  await page.goto('/creator');
  const revenue = page.getByTestId('creator-revenue');
  await expect(revenue.getByTestId('currency-total')).toHaveCount(2);
  await expect(revenue.locator('[data-testid="currency-total"][data-currency="KES"]')).toHaveText('KSh 18,200.00');
  await expect(revenue.locator('[data-testid="currency-total"][data-currency="NGN"]')).toHaveText('₦18,000.00');
  await expect(revenue).not.toContainText('36,200');
  const pending = page.getByTestId('commission-pending');
  await expect(pending.locator('[data-testid="currency-total"][data-currency="KES"]')).toHaveText('KSh 1,820.00');
  await expect(pending.locator('[data-testid="currency-total"][data-currency="NGN"]')).toHaveText('₦1,800.00');
  const row = page.locator(`[data-testid="post-row"][data-post-id="${postId}"]`);
  await expect(row.getByTestId('post-revenue')).toHaveText('KSh 18,200.00 · ₦18,000.00');
  await expect(page.getByTestId('daily-chart')).toHaveCount(2);

  // The CSV: one total row per currency.
  const csv = await (await page.request.get(`${baseURL}/creator/earnings.csv`)).text();
  expect(csv).toContain('\ntotal,KES,18200.00,1820.00\n');
  expect(csv).toContain('\ntotal,NGN,18000.00,1800.00\n');
  expect(csv).not.toContain('36200');

  // The statement.
  await page.getByTestId('statement-link').click();
  await expect(page.getByTestId('statement-line')).toHaveCount(2);
  const statementPending = page.getByTestId('statement-pending');
  await expect(statementPending.getByTestId('currency-total')).toHaveCount(2);
  await expect(statementPending).toHaveText('KSh 1,820.00 · ₦1,800.00');

  for (const ctx of [kes.ctx, ngn.ctx, shopperCtx]) await ctx.close();
});

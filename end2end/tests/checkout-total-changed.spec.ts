import { Browser, expect, Page, test } from '@playwright/test';
import { addToCartViaApi, Checkout, payOnProviderPage, PROVIDER_PAGE, SAN_FRANCISCO, TEST_CARDS } from './fixtures/commerce';
import { seedScenario } from './fixtures/test';
import { callServerFn, registerViaApi } from './fixtures/users';

// A buyer is charged exactly the total the page showed on "Pay". Two buyers
// apply the same single-use code: the first pays the discounted total; the
// second, still looking at it, is charged nothing, sees the new total and
// why, and pays it only after confirming.

/** $30 with standard shipping to California, no discount: $30 + $5 + 7.25% tax. */
const FULL_PRICE = '$37.54';

/** A shop selling one $30 product, and a 10%-off code that may be used once in all. */
async function shopWithSingleUseCode(browser: Browser, baseURL: string) {
  const seller = await browser.newContext();
  const title = `Single-use mug ${Date.now()}`;
  const { shop } = await seedScenario(seller.request, baseURL, { prefix: 'seller', product: { title, price: '30', stock: 5 } });
  const code = `ONCE${Date.now().toString().slice(-6)}`;
  const form: Record<string, string> = {
    shop: shop!.handle, title: 'First buyer only', code, kind: 'percent_order', value: '10', buy: '', get: '',
    min_subtotal: '', starts_on: '', ends_on: '', usage_limit: '1', per_customer_limit: '', priority: '',
  };
  const res = await callServerFn(seller.request, baseURL, 'promotions/save',
    Object.fromEntries(Object.entries(form).map(([k, v]) => [`form[${k}]`, v])));
  expect(res.status(), await res.text()).toBe(200);
  await seller.close();
  return { shop: shop!.handle, variant: shop!.variant_ids[0], code };
}

/** A signed-in buyer with the product in their cart. */
async function buyer(browser: Browser, baseURL: string, variant: string, javaScriptEnabled = true) {
  const ctx = await browser.newContext({ javaScriptEnabled });
  await registerViaApi(ctx.request, baseURL);
  await addToCartViaApi(ctx.request, baseURL, variant);
  return { ctx, page: await ctx.newPage() };
}

/** Address, standard shipping and the code, through the page's forms (which work without JavaScript too). */
async function readyToPay(page: Page, code: string) {
  const address = page.getByTestId('step-address');
  await address.getByLabel('Full name').fill(SAN_FRANCISCO.name);
  await address.getByLabel('Country').selectOption(SAN_FRANCISCO.country);
  await address.getByLabel('Address', { exact: true }).fill(SAN_FRANCISCO.line1);
  await address.getByLabel('City').fill(SAN_FRANCISCO.city);
  await address.getByLabel(/^State \/ region/).fill(SAN_FRANCISCO.region!);
  await address.getByLabel(/^Postal code/).fill(SAN_FRANCISCO.postalCode!);
  await page.getByTestId('save-address').click();
  await page.getByTestId('ship-standard').check();
  await page.getByTestId('save-shipping').click();
  await expect(page.getByTestId('place-order')).toBeVisible();
  await page.getByTestId('promo-code').fill(code);
  await page.getByTestId('apply-code').click();
  await expect(page.getByTestId('checkout-discount')).toHaveText('−$3.00');
}


/** The first buyer pays the discounted total and the code is used up. */
async function firstBuyerTakesTheCode(page: Page) {
  const discounted = (await page.getByTestId('checkout-total').textContent())!;
  expect(discounted).not.toBe(FULL_PRICE);
  await page.getByTestId('place-order').click();
  await expect(page.getByTestId('hosted-amount')).toHaveText(discounted);
  await payOnProviderPage(page, TEST_CARDS.succeeds);
  await expect(page.getByTestId('order-confirmation')).toBeVisible();
  await expect(page.getByTestId('order-discount')).toHaveText('−$3.00');
  await expect(page.getByTestId('order-total')).toHaveText(discounted);
  return discounted;
}

/** The second buyer presses "Pay" on the old total: nothing is charged, the new total is shown, and confirming pays it. */
async function secondBuyerConfirmsTheNewTotal(page: Page, shop: string, code: string, discounted: string) {
  await expect(page.getByTestId('checkout-total')).toHaveText(discounted);
  // "Pay" on the old total never reaches the provider's page.
  await page.getByTestId('place-order').click();

  const notice = page.getByTestId('total-changed');
  await expect(notice).toBeVisible();
  await expect(notice.getByTestId('total-changed-was')).toHaveText(discounted);
  await expect(notice.getByTestId('total-changed-now')).toHaveText(FULL_PRICE);
  // Still on the checkout (without JavaScript the error rides in the query).
  await expect(page).toHaveURL(new RegExp(`/checkout/${shop}(\\?|$)`));
  await expect(page.getByTestId('checkout-total')).toHaveText(FULL_PRICE);
  await expect(page.getByTestId('checkout-discount')).toHaveCount(0);
  await expect(page.getByTestId('rejected-code')).toHaveText(`${code}: This code has reached its usage limit.`);
  await expect(page.getByTestId('form-error')).toHaveCount(0);

  const confirm = page.getByTestId('place-order');
  await expect(confirm).toHaveText(`Confirm and pay ${FULL_PRICE}`);
  await confirm.click();
  await expect(page).toHaveURL(PROVIDER_PAGE);
  await expect(page.getByTestId('hosted-amount')).toHaveText(FULL_PRICE);
  await payOnProviderPage(page, TEST_CARDS.succeeds);
  await expect(page.getByTestId('order-confirmation')).toBeVisible();
  await expect(page.getByTestId('order-total')).toHaveText(FULL_PRICE);
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
}

test('a single-use code taken by another buyer: the second sees the new total and confirms before paying it', async ({ browser, baseURL }) => {
  test.slow();
  const { shop, variant, code } = await shopWithSingleUseCode(browser, baseURL!);
  const first = await buyer(browser, baseURL!, variant);
  const second = await buyer(browser, baseURL!, variant);
  for (const { page } of [first, second]) {
    await new Checkout(page).goto(shop);
    await readyToPay(page, code);
  }
  const discounted = await firstBuyerTakesTheCode(first.page);
  await secondBuyerConfirmsTheNewTotal(second.page, shop, code, discounted);
  await first.ctx.close();
  await second.ctx.close();
});

test('without JavaScript, the changed total comes back on the checkout page to confirm', async ({ browser, baseURL }) => {
  test.slow();
  const { shop, variant, code } = await shopWithSingleUseCode(browser, baseURL!);
  const first = await buyer(browser, baseURL!, variant);
  const second = await buyer(browser, baseURL!, variant, false);
  await new Checkout(first.page).goto(shop);
  await readyToPay(first.page, code);
  await second.page.goto(`/checkout/${shop}`);
  await readyToPay(second.page, code);
  const discounted = await firstBuyerTakesTheCode(first.page);
  await secondBuyerConfirmsTheNewTotal(second.page, shop, code, discounted);
  await first.ctx.close();
  await second.ctx.close();
});

test('paying without the total the buyer was shown is refused before the provider', async ({ browser, baseURL }) => {
  const { shop, variant } = await shopWithSingleUseCode(browser, baseURL!);
  const { ctx, page } = await buyer(browser, baseURL!, variant);
  const checkout = new Checkout(page);
  await checkout.goto(shop);
  await checkout.fillAddress(SAN_FRANCISCO);
  await checkout.chooseShipping();
  const id = await page.getByTestId('step-payment').locator('input[name="checkout"]').inputValue();
  const missing = await callServerFn(ctx.request, baseURL!, 'checkout/pay', { checkout: id });
  expect(missing.status()).toBeGreaterThanOrEqual(400);
  expect(missing.status()).toBeLessThan(500);
  const wrong = await callServerFn(ctx.request, baseURL!, 'checkout/pay', { checkout: id, shown_total: '1', shown_currency: 'USD' });
  expect(wrong.status()).toBe(409);
  expect(JSON.stringify(await wrong.json())).toContain('TotalChanged');
  expect(wrong.headers()['location']).toBeUndefined();
  const right = await callServerFn(ctx.request, baseURL!, 'checkout/pay', { checkout: id, shown_total: '3754', shown_currency: 'USD' });
  expect(right.status(), await right.text()).toBe(200);
  expect(right.headers()['location']).toMatch(PROVIDER_PAGE);
  // Nothing is placed or charged until the card comes back from the provider.
  await page.goto('/orders');
  await expect(page.getByTestId('order-row')).toHaveCount(0);
  await ctx.close();
});

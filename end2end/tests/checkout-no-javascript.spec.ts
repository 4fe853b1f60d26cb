import { expect, test } from '@playwright/test';
import { payOnProviderPage, productViaApi, SAN_FRANCISCO, TEST_CARDS } from './fixtures/commerce';
import { openShopViaApi } from './fixtures/shops';
import { registerViaApi } from './fixtures/users';

// The whole purchase is plain links and forms: a shopper whose browser runs
// no JavaScript (or before the WASM arrives) can still buy.
test.use({ javaScriptEnabled: false });

test('a shopper buys with JavaScript disabled: add to cart, address, shipping, pay, confirmation', async ({ browser, page, baseURL }) => {
  const seller = await browser.newContext();
  await registerViaApi(seller.request, baseURL!);
  const shop = await openShopViaApi(seller.request, baseURL!);
  const title = `Clay mug ${Date.now()}`;
  const productId = await productViaApi(seller.request, baseURL!, shop, { title, price: '30', stock: '4' });
  await seller.close();

  await registerViaApi(page.request, baseURL!);
  await page.goto(`/p/${productId}`);
  await page.getByTestId('add-to-cart').click();
  await page.goto('/cart');
  await expect(page.getByTestId('cart-line')).toHaveCount(1);
  await expect(page.getByTestId('cart-subtotal')).toHaveText('$30.00');

  await page.getByTestId('checkout').click();
  await expect(page).toHaveURL(new RegExp(`/checkout/${shop}$`));
  await expect(page.getByTestId('hold-notice')).toBeVisible();
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
  // $30 + $5 standard shipping, with California's 7.25% on both ($2.18 + $0.36).
  await expect(page.getByTestId('checkout-total')).toHaveText('$37.54');

  // "Pay" leaves for the provider's page, a plain form too; the card is typed there.
  await page.getByTestId('place-order').click();
  await expect(page.getByTestId('hosted-amount')).toHaveText('$37.54');
  await payOnProviderPage(page, TEST_CARDS.declined);
  await expect(page).toHaveURL(new RegExp(`/checkout/${shop}\\?payment=declined$`));
  await expect(page.getByTestId('payment-failure')).toHaveText('Your card was declined.');

  await page.getByTestId('place-order').click();
  await payOnProviderPage(page, TEST_CARDS.succeeds);
  await expect(page.getByTestId('order-confirmation')).toBeVisible();
  await expect(page.getByTestId('order-total')).toHaveText('$37.54');
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
});

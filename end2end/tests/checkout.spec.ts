import { Browser, expect, test } from '@playwright/test';
import { addToCartViaApi, Checkout, chooseVariant, productViaApi, SAN_FRANCISCO, taggedPost, TEST_CARDS, variantIds } from './fixtures/commerce';
import { LoginPage, waitForHydration } from './fixtures/pages';
import { openShopViaApi } from './fixtures/shops';
import { callServerFn, newUser, registerViaApi } from './fixtures/users';

const PHONE = { width: 390, height: 844 };

/** A creator with a shop and one product; returns what the tests need. */
async function creatorWithProduct(browser: Browser, baseURL: string, product: { title: string; price: string; stock?: string; option?: [string, string] }) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const creator = await registerViaApi(page.request, baseURL);
  const shop = await openShopViaApi(page.request, baseURL);
  const productId = await productViaApi(page.request, baseURL, shop, product);
  return { ctx, page, creator, shop, productId };
}

// The core shopper journey: also run by the `phone` project (Pixel 7).
test('a guest fills a cart from a tag, logs in and keeps it, pays on a phone, and sees the order shipped', { tag: '@phone' }, async ({ browser, baseURL }) => {
  const title = `Linen shirt ${Date.now()}`;
  const seller = await creatorWithProduct(browser, baseURL!, { title, price: '40', stock: '5', option: ['Size', 'S, M'] });
  const postId = await taggedPost(seller.page, baseURL!, seller.productId, 'New linen, tap to shop');
  const [small, medium] = await variantIds(seller.page, seller.productId);

  // A buyer account exists; the shopper starts as a guest on a phone.
  const buyer = newUser('buyer');
  const signup = await browser.newContext();
  await registerViaApi(signup.request, baseURL!, buyer);
  await signup.close();
  const guest = await browser.newContext({ viewport: PHONE });
  const page = await guest.newPage();
  await page.goto(`/post/${postId}`);
  await waitForHydration(page);
  const card = page.getByTestId('post-card').first();
  await card.getByTestId('toggle-tags').click();
  await card.getByTestId('tag-marker').click();
  const sheet = page.getByTestId('product-sheet');
  await expect(sheet.getByTestId('sheet-title')).toHaveText(title);
  await chooseVariant(sheet, 'S');
  await expect(sheet.getByTestId('cart-variant')).toHaveValue(small);
  await sheet.getByTestId('add-to-cart').click();
  await expect(sheet.getByTestId('added-to-cart')).toBeVisible();
  await chooseVariant(sheet, 'M');
  await expect(sheet.getByTestId('cart-variant')).toHaveValue(medium);
  await sheet.getByTestId('add-to-cart').click();
  await expect(page.getByTestId('cart-count')).toContainText('2');

  // Logging in keeps the guest's cart.
  const login = new LoginPage(page);
  await login.goto('/cart');
  await login.logIn(buyer.username, buyer.password);
  await expect(page).toHaveURL(/\/cart$/);
  await expect(page.getByTestId('cart-line')).toHaveCount(2);
  await expect(page.getByTestId('cart-subtotal')).toHaveText('$80.00');

  await page.getByTestId('checkout').click();
  await expect(page).toHaveURL(new RegExp(`/checkout/${seller.shop}$`));
  await waitForHydration(page);
  const checkout = new Checkout(page);
  await expect(page.getByTestId('hold-notice')).toBeVisible();
  await checkout.fillAddress(SAN_FRANCISCO);
  await checkout.chooseShipping('standard');
  // $80 of goods ships free in the US; California's 7.25% sales tax is added.
  await expect(checkout.total).toHaveText('$85.80');
  await checkout.pay(TEST_CARDS.succeeds);

  await expect(page.getByTestId('order-confirmation')).toBeVisible();
  await expect(page.getByTestId('order-total')).toHaveText('$85.80');
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  const number = (await page.getByTestId('order-number').textContent())!;
  await page.goto('/orders');
  await expect(page.getByTestId('order-row').filter({ hasText: number })).toBeVisible();
  await page.goto('/cart');
  await expect(page.getByTestId('cart-empty')).toBeVisible();

  // The shop owner ships it; the buyer sees it shipped with the tracking number.
  await seller.page.goto(`/s/${seller.shop}/orders`);
  await seller.page.getByTestId('order-row').filter({ hasText: number }).getByRole('link').click();
  await waitForHydration(seller.page);
  await seller.page.getByTestId('tracking-number').fill('1Z999AA10123456784');
  await seller.page.getByTestId('mark-shipped').click();
  await expect(seller.page.getByTestId('order-status')).toHaveText('Shipped');
  await page.goto('/orders');
  await page.getByTestId('order-row').filter({ hasText: number }).getByRole('link').click();
  await expect(page.getByTestId('order-status')).toHaveText('Shipped');
  await expect(page.getByTestId('order-tracking')).toContainText('1Z999AA10123456784');
  await expect(page.getByTestId('order-history')).toContainText('Order placed');
  await guest.close();
  await seller.ctx.close();
});

test('a declined card shows its message and keeps the cart', async ({ browser, page, baseURL }) => {
  const title = `Canvas tote ${Date.now()}`;
  const seller = await creatorWithProduct(browser, baseURL!, { title, price: '25' });
  const [variant] = await variantIds(seller.page, seller.productId);
  await registerViaApi(page.request, baseURL!);
  await addToCartViaApi(page.request, baseURL!, variant);

  const checkout = new Checkout(page);
  await checkout.goto(seller.shop);
  await checkout.fillAddress(SAN_FRANCISCO);
  await checkout.chooseShipping();
  await checkout.pay(TEST_CARDS.declined);
  await expect(page.getByTestId('payment-failure')).toHaveText('Your card was declined.');
  await expect(page).toHaveURL(new RegExp(`/checkout/${seller.shop}\\?payment=declined$`));

  // Another card works on the same checkout; before that the cart is intact.
  await page.goto('/cart');
  await expect(page.getByTestId('cart-line')).toHaveCount(1);
  await checkout.goto(seller.shop);
  await checkout.pay(TEST_CARDS.insufficientFunds);
  await expect(page.getByTestId('payment-failure')).toHaveText('Your card has insufficient funds.');
  await checkout.pay(TEST_CARDS.succeeds);
  await expect(page.getByTestId('order-confirmation')).toBeVisible();
  await seller.ctx.close();
});

test('a promotion code applies at checkout and is recorded on the order', async ({ browser, page, baseURL }) => {
  const title = `Clay mug ${Date.now()}`;
  const seller = await creatorWithProduct(browser, baseURL!, { title, price: '30' });
  const code = `SAVE${Date.now().toString().slice(-6)}`;
  await seller.page.goto(`/s/${seller.shop}/promotions`);
  await waitForHydration(seller.page);
  await seller.page.getByTestId('promo-title').fill('Ten percent off');
  await seller.page.getByTestId('promo-code').fill(code);
  await seller.page.getByTestId('promo-kind').selectOption('percent_order');
  await seller.page.getByTestId('promo-value').fill('10');
  await seller.page.getByTestId('save-promotion').click();
  await expect(seller.page.getByTestId('promotion')).toContainText(`Code ${code}`);

  const [variant] = await variantIds(seller.page, seller.productId);
  await registerViaApi(page.request, baseURL!);
  await addToCartViaApi(page.request, baseURL!, variant, 2);
  const checkout = new Checkout(page);
  await checkout.goto(seller.shop);
  await page.getByTestId('promo-code').fill('NOT-A-CODE');
  await page.getByTestId('apply-code').click();
  await expect(page.getByTestId('code-error')).toHaveText("This code doesn't exist. Check the spelling and try again.");
  await page.getByTestId('promo-code').fill(code.toLowerCase());
  await page.getByTestId('apply-code').click();
  await expect(page.getByTestId('checkout-discount')).toHaveText('−$6.00');
  await checkout.fillAddress(SAN_FRANCISCO);
  await checkout.chooseShipping();
  await checkout.pay(TEST_CARDS.succeeds);
  await expect(page.getByTestId('order-discount')).toHaveText('−$6.00');
  await expect(page.getByTestId('order-line-promotion')).toContainText(`${code} (v1): −$6.00`);
  await seller.ctx.close();
});

test('two shoppers race for the last unit: one gets it, the other sees it sold out', async ({ browser, baseURL }) => {
  const title = `Last lamp ${Date.now()}`;
  const seller = await creatorWithProduct(browser, baseURL!, { title, price: '90', stock: '1' });
  const [variant] = await variantIds(seller.page, seller.productId);
  const shoppers = await Promise.all([0, 1].map(async () => {
    const ctx = await browser.newContext();
    await registerViaApi(ctx.request, baseURL!);
    await addToCartViaApi(ctx.request, baseURL!, variant);
    return { ctx, page: await ctx.newPage() };
  }));
  await Promise.all(shoppers.map(({ page }) => page.goto(`/checkout/${seller.shop}`)));
  // The loser is told at once: either its hold failed (the sold-out page)
  // or the winner's hold was already there (the item is flagged sold out).
  const outcomes = await Promise.all(shoppers.map(async ({ page }) => {
    const blocked = page.getByTestId('checkout-sold-out').or(page.getByTestId('checkout-problems'));
    return (await blocked.count()) > 0 ? (await blocked.first().textContent()) ?? '' : 'checkout';
  }));
  expect(outcomes.filter((o) => o === 'checkout')).toHaveLength(1);
  const loser = outcomes.find((o) => o !== 'checkout')!;
  expect(loser).toContain('Sold out');
  expect(loser).toContain(title);

  const winner = shoppers[outcomes.indexOf('checkout')].page;
  await waitForHydration(winner);
  const checkout = new Checkout(winner);
  await checkout.fillAddress(SAN_FRANCISCO);
  await checkout.chooseShipping();
  await checkout.pay(TEST_CARDS.succeeds);
  await expect(winner.getByTestId('order-confirmation')).toBeVisible();
  await seller.page.goto(`/p/${seller.productId}`);
  await expect(seller.page.getByTestId('product-stock')).toHaveText('Sold out');
  for (const s of shoppers) await s.ctx.close();
  await seller.ctx.close();
});

test('bad cart and checkout input gets a clear 4xx and changes nothing', async ({ browser, page, baseURL }) => {
  const seller = await creatorWithProduct(browser, baseURL!, { title: `Guarded ${Date.now()}`, price: '10', stock: '3' });
  const [variant] = await variantIds(seller.page, seller.productId);
  await registerViaApi(page.request, baseURL!);
  for (const quantity of ['0', '-1', '100', 'lots']) {
    const res = await callServerFn(page.request, baseURL!, 'cart/add', { variant, quantity });
    expect(res.status(), quantity).toBe(422);
  }
  const tooMany = await callServerFn(page.request, baseURL!, 'cart/add', { variant, quantity: '4' });
  expect(tooMany.status()).toBe(409);
  expect(JSON.stringify(await tooMany.json())).toContain('Only 3 left');
  // A price in the request is not a thing the server reads.
  await callServerFn(page.request, baseURL!, 'cart/add', { variant, quantity: '1', price: '0.01' });
  await page.goto('/cart');
  await expect(page.getByTestId('cart-subtotal')).toHaveText('$10.00');

  // Someone else's checkout is not found.
  await page.goto(`/checkout/${seller.shop}`);
  const checkoutId = await page.getByTestId('step-address').locator('input[name="checkout"]').inputValue();
  const stranger = await browser.newContext();
  await registerViaApi(stranger.request, baseURL!);
  const res = await callServerFn(stranger.request, baseURL!, 'checkout/pay', {
    checkout: checkoutId, shown_total: '1000', shown_currency: 'USD',
  });
  expect(res.status()).toBe(404);
  // Paying before the address and shipping are chosen is refused, and opens no payment page.
  const early = await callServerFn(page.request, baseURL!, 'checkout/pay', {
    checkout: checkoutId, shown_total: '1000', shown_currency: 'USD',
  });
  expect(early.status()).toBe(422);
  expect(early.headers()['location']).toBeUndefined();
  // A way back from the provider with a state nobody started places nothing.
  const forged = await page.request.get(`${baseURL}/api/checkout/card-entered?payment_token=pm_forged&state=${checkoutId}`, { maxRedirects: 0 });
  expect(forged.headers()['location']).toBe('/cart');
  await page.goto('/orders');
  await expect(page.getByTestId('order-row')).toHaveCount(0);
  await stranger.close();
  await seller.ctx.close();
});

import { expect, test } from '@playwright/test';
import { addToCartViaApi, Checkout, SAN_FRANCISCO, TEST_CARDS } from './fixtures/commerce';
import { LoginPage, RegisterPage, waitForHydration } from './fixtures/pages';
import { PlaywrightLike, seedScenario, SeededShop } from './fixtures/test';
import { latestMail, newUser, registerViaApi } from './fixtures/users';

// Guest checkout and coming back to where you were: a shopper buys without
// an account (the order is theirs through a signed link, mailed with the
// receipt), claims it later by signing up with the same, verified, email,
// and every log-in and sign-up returns to the page it started from.

/** A seller (in a request context of its own) with one single-variant product in stock. */
async function sellerWithProduct(playwright: PlaywrightLike, baseURL: string): Promise<SeededShop> {
  const request = await playwright.request.newContext();
  try {
    const title = `Guest tote ${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
    const { shop } = await seedScenario(request, baseURL, { prefix: 'seller', product: { title, price: '40', stock: 5 } });
    return shop!;
  } finally {
    await request.dispose();
  }
}

test('a guest buys with an email, opens the receipt link elsewhere, and claims the order by signing up', { tag: '@phone' }, async ({ page, browser, playwright, baseURL }) => {
  const shop = await sellerWithProduct(playwright, baseURL!);
  const shopper = newUser('guest');

  // Signed out: product page → cart → checkout, no account asked for.
  await page.goto(`/p/${shop.product_id}`);
  await waitForHydration(page);
  await page.getByTestId('add-to-cart').click();
  await expect(page.getByTestId('added-to-cart')).toBeVisible();
  await page.goto('/cart');
  await page.getByTestId('checkout').click();
  await expect(page).toHaveURL(new RegExp(`/checkout/${shop.handle}$`));
  await waitForHydration(page);
  await expect(page.getByTestId('checkout-guest-notice')).toBeVisible();
  await expect(page.getByTestId('checkout-login-link')).toHaveAttribute('href', `/login?next=/checkout/${shop.handle}`);

  // A bad email is refused with a clear message, and nothing moves on.
  const address = page.getByTestId('step-address');
  await address.getByLabel('Email').fill('not-an-email');
  await address.getByLabel('Full name').fill(SAN_FRANCISCO.name);
  await address.getByLabel('Address', { exact: true }).fill(SAN_FRANCISCO.line1);
  await address.getByLabel('City').fill(SAN_FRANCISCO.city);
  await page.getByTestId('save-address').click();
  await expect(page.getByTestId('email-error')).toHaveText('Enter a valid email address.');
  await expect(page.getByTestId('place-order')).toHaveCount(0);

  const checkout = new Checkout(page);
  await address.getByLabel('Email').fill(shopper.email);
  await checkout.fillAddress(SAN_FRANCISCO);
  await checkout.chooseShipping('standard');
  await checkout.pay(TEST_CARDS.succeeds);

  // The confirmation is the order's own signed link.
  await expect(page).toHaveURL(/\/orders\/[0-9a-f-]{36}\?key=[A-Za-z0-9_-]+&placed=1$/);
  await expect(page.getByTestId('order-confirmation')).toContainText(shopper.email);
  await expect(page.getByTestId('order-claim')).toBeVisible();
  const orderNumber = (await page.getByTestId('order-number').textContent())!;
  const confirmation = new URL(page.url());

  // The receipt in the outbox carries the same link.
  const receipt = await latestMail(page.request, baseURL!, shopper.email, 'guest_receipt');
  expect(receipt.subject).toContain(orderNumber.replace('Order ', ''));
  const orderLink = `${confirmation.pathname}?key=${confirmation.searchParams.get('key')}`;
  expect(receipt.link).toBe(orderLink);

  // Anyone holding the link reads that order; an edited key reads nothing.
  const elsewhere = await browser.newContext();
  const other = await elsewhere.newPage();
  await other.goto(receipt.link!);
  await expect(other.getByTestId('order-number')).toHaveText(orderNumber);
  await expect(other.getByTestId('order-total')).toBeVisible();
  const key = confirmation.searchParams.get('key')!;
  const edited = `${confirmation.pathname}?key=${key.slice(0, -1)}${key.endsWith('A') ? 'B' : 'A'}`;
  await other.goto(edited);
  await expect(other.getByTestId('not-found')).toBeVisible();
  await other.goto(confirmation.pathname);
  await expect(other.getByTestId('error-login')).toHaveAttribute('href', `/login?next=${confirmation.pathname}`);

  // Claiming: sign up from the order with the same email, confirm it, log in, and land back on the order.
  await other.goto(receipt.link!);
  await waitForHydration(other);
  await other.getByTestId('order-claim-register').click();
  await expect(other).toHaveURL(/\/register\?next=/);
  await waitForHydration(other);
  await new RegisterPage(other).register(shopper);
  await expect(other.getByTestId('check-email')).toBeVisible();
  const verify = await latestMail(other.request, baseURL!, shopper.email, 'verify_email');
  expect(verify.link).toContain('&next=');
  await other.goto(verify.link!);
  await expect(other.getByTestId('email-verified')).toBeVisible();
  await other.getByTestId('verified-continue').click();
  await expect(other).toHaveURL(/\/login\?next=/);
  await waitForHydration(other);
  await new LoginPage(other).logIn(shopper.username, shopper.password);
  await expect(other).toHaveURL(new RegExp(`${confirmation.pathname}\\?key=`));
  await expect(other.getByTestId('order-number')).toHaveText(orderNumber);
  await expect(other.getByTestId('order-claim')).toHaveCount(0);
  await other.goto('/orders');
  await expect(other.getByTestId('order-row')).toHaveCount(1);
  await expect(other.getByTestId('order-row')).toContainText(orderNumber);
  await elsewhere.close();
});

test('logging in from a product page comes back to that product page', { tag: '@phone' }, async ({ page, playwright, baseURL }) => {
  const shop = await sellerWithProduct(playwright, baseURL!);
  const account = await playwright.request.newContext();
  const user = await registerViaApi(account, baseURL!);
  await account.dispose();

  await page.goto(`/p/${shop.product_id}`);
  await waitForHydration(page);
  await expect(page.getByTestId('nav-login')).toHaveAttribute('href', `/login?next=/p/${shop.product_id}`);
  await page.getByTestId('nav-login').click();
  await expect(page).toHaveURL(new RegExp(`/login\\?next=/p/${shop.product_id}$`));
  await waitForHydration(page);
  await new LoginPage(page).logIn(user.username, user.password);
  await expect(page).toHaveURL(new RegExp(`/p/${shop.product_id}$`));
  await expect(page.getByTestId('add-to-cart')).toBeVisible();
});

test('a guest who chooses to log in at checkout comes back to checkout with the cart', async ({ page, playwright, baseURL }) => {
  const shop = await sellerWithProduct(playwright, baseURL!);
  const account = await playwright.request.newContext();
  const user = await registerViaApi(account, baseURL!);
  await account.dispose();

  await addToCartViaApi(page.request, baseURL!, shop.variant_ids[0]);
  await page.goto(`/checkout/${shop.handle}`);
  await waitForHydration(page);
  await page.getByTestId('checkout-login-link').click();
  await expect(page).toHaveURL(new RegExp(`/login\\?next=/checkout/${shop.handle}$`));
  await waitForHydration(page);
  await new LoginPage(page).logIn(user.username, user.password);
  await expect(page).toHaveURL(new RegExp(`/checkout/${shop.handle}$`));
  await expect(page.getByTestId('step-address')).toBeVisible();
  await expect(page.getByTestId('checkout-guest-notice')).toHaveCount(0);
  await expect(page.getByTestId('order-summary')).toContainText('$40.00');
});

import { Page } from '@playwright/test';
import { addToCartViaApi, Checkout, chooseVariant, SAN_FRANCISCO, TEST_CARDS } from './fixtures/commerce';
import { RegisterPage, waitForHydration } from './fixtures/pages';
import { postViaApi } from './fixtures/posts';
import { expect, seedScenario, test } from './fixtures/test';
import { callServerFn, newUser, registerViaApi } from './fixtures/users';

// Issue 14, item 7: small things that looked broken.

test.describe('counts agree with their nouns', () => {
  test('one like, one comment and one post read in the singular', async ({ page, baseURL, postWithTag }) => {
    await page.goto(`/post/${postWithTag.id}`);
    await waitForHydration(page);
    const card = page.getByTestId('post-card').first();
    await expect(card.getByTestId('like-count')).toHaveText('0 likes');
    await expect(card.getByTestId('comment-count')).toHaveText('0 comments');
    await card.getByTestId('like-button').click();
    await expect(card.getByTestId('like-count')).toHaveText('1 like');

    const comment = await callServerFn(page.request, baseURL!, 'comments/add', { post_id: postWithTag.id, body: 'Lovely' });
    expect(comment.status(), await comment.text()).toBe(200);
    await page.reload();
    await expect(page.getByTestId('comments-heading')).toHaveText('1 comment');
    await expect(page.getByTestId('post-card').first().getByTestId('comment-count')).toHaveText('1 comment');

    await page.goto(`/u/${postWithTag.user.username}`);
    await expect(page.locator('li', { has: page.getByTestId('posts-count') })).toHaveText('1 post');
    await expect(page.locator('li', { has: page.getByTestId('followers-count') })).toHaveText('0 followers');
  });
});

test.describe('the product page has one variant picker and opens on a variant in stock', () => {
  test.use({ product: { title: 'Wool scarf', price: '25', stock: 3, option: ['Size', 'S, M, L'] } });

  /** Sells out the first variant (S) as the shop's owner. */
  async function sellOutFirst(page: Page, baseURL: string, variant: string) {
    const res = await callServerFn(page.request, baseURL, 'stock/count', { variant, on_hand: '0', reason: 'Counted: none left' });
    expect(res.status(), await res.text()).toBe(200);
  }

  test('with the first variant sold out the page opens on the next, and choosing works', async ({ page, baseURL, shopWithProduct }) => {
    const [small, medium] = shopWithProduct.variant_ids;
    await sellOutFirst(page, baseURL!, small);
    await page.goto(`/p/${shopWithProduct.product_id}`);
    await waitForHydration(page);
    const product = page.getByTestId('product');
    // One picker: the option choices. No second (dropdown) picker.
    await expect(product.locator('select')).toHaveCount(0);
    await expect(product.getByTestId('variant-picker')).toHaveCount(1);
    await expect(page.getByTestId('product-variant')).toHaveText('M');
    await expect(page.getByTestId('product-stock')).toHaveText('Only 3 left');
    await expect(page.getByTestId('cart-variant')).toHaveValue(medium);
    await expect(page.getByTestId('add-to-cart')).toBeEnabled();

    await chooseVariant(page, 'S');
    await expect(page).toHaveURL(new RegExp(`variant=${small}`));
    await expect(page.getByTestId('product-stock')).toHaveText('Sold out');
    await expect(page.getByTestId('add-to-cart')).toBeDisabled();
    await expect(page.getByTestId('cart-variant')).toHaveValue(small);

    await chooseVariant(page, 'L');
    await expect(page.getByTestId('product-variant')).toHaveText('L');
    await page.getByTestId('add-to-cart').click();
    await expect(page.getByTestId('added-to-cart')).toBeVisible();
    await page.goto('/cart');
    await expect(page.getByTestId('cart-line')).toContainText(' — L');
  });

  test('the in-feed sheet opens on the first variant in stock too', async ({ page, baseURL, postWithTag }) => {
    const [small, medium] = postWithTag.shop.variant_ids;
    await sellOutFirst(page, baseURL!, small);
    await page.goto(`/post/${postWithTag.id}`);
    await waitForHydration(page);
    const card = page.getByTestId('post-card').first();
    await card.getByTestId('toggle-tags').click();
    await card.getByTestId('tag-marker').click();
    const sheet = page.getByTestId('product-sheet');
    await expect(sheet.getByTestId('cart-variant')).toHaveValue(medium);
    await expect(sheet.locator('[data-testid="variant-choice"][aria-current="true"]')).toHaveText('M');
    await expect(sheet.getByTestId('add-to-cart')).toBeEnabled();
    await expect(sheet.locator('select')).toHaveCount(0);
  });

  test.describe('without JavaScript', () => {
    test.use({ javaScriptEnabled: false });

    test('the choices are links that load the chosen variant', async ({ page, baseURL, shopWithProduct }) => {
      const [small, medium] = shopWithProduct.variant_ids;
      await sellOutFirst(page, baseURL!, small);
      await page.goto(`/p/${shopWithProduct.product_id}`);
      await expect(page.getByTestId('product-variant')).toHaveText('M');
      await expect(page.getByTestId('cart-variant')).toHaveValue(medium);
      await page.locator('[data-testid="variant-choice"][data-value="S"]').click();
      await expect(page).toHaveURL(new RegExp(`variant=${small}`));
      await expect(page.getByTestId('product-variant')).toHaveText('S');
      await expect(page.getByTestId('product-stock')).toHaveText('Sold out');
      await expect(page.getByTestId('add-to-cart')).toBeDisabled();
    });
  });
});

test.describe('the home page speaks to where the reader is', () => {
  test('following nobody invites following; following quiet people says they have not posted', async ({ page, baseURL, signedInUser, playwright }) => {
    await page.goto('/');
    await expect(page.getByTestId('home-welcome')).toContainText(`Welcome back, ${signedInUser.display_name}`);
    await expect(page.getByTestId('home-hint')).toHaveText('Follow creators to fill your feed with things worth buying.');
    await expect(page.getByTestId('feed-empty')).toHaveText('Your feed is empty. Follow a few creators, or write the first post.');

    const quiet = await playwright.request.newContext();
    const { user: creator } = await seedScenario(quiet, baseURL!, { prefix: 'quiet' });
    await quiet.dispose();
    const follow = await callServerFn(page.request, baseURL!, 'follows/set', { username: creator.username, follow: 'true' });
    expect(follow.status(), await follow.text()).toBe(200);

    await page.reload();
    await expect(page.getByTestId('home-hint')).toHaveText("The people you follow haven't posted yet.");
    await expect(page.getByTestId('home-hint')).not.toContainText('Follow creators');
    await expect(page.getByTestId('feed-empty')).toContainText('Nobody you follow has posted yet.');
  });

  test('following someone who posts shows their posts and no invitation', async ({ page, baseURL, signedInUser, playwright }) => {
    const other = await playwright.request.newContext();
    const { user: creator } = await seedScenario(other, baseURL!, { prefix: 'poster' });
    await postViaApi(other, baseURL!, 'Fresh from the studio');
    await other.dispose();
    await callServerFn(page.request, baseURL!, 'follows/set', { username: creator.username, follow: 'true' });
    await page.goto('/');
    await expect(page.getByTestId('home-welcome')).toContainText(signedInUser.display_name);
    await expect(page.getByTestId('home-hint')).toHaveText("Here's what's new from the people you follow.");
    await expect(page.getByTestId('post-card').filter({ hasText: 'Fresh from the studio' })).toBeVisible();
  });
});

test.describe('a failed form without JavaScript shows its error on the page', () => {
  test.use({ javaScriptEnabled: false });

  test('each failure shows its own message, and a hydrated page drops it from the address', async ({ page, request, baseURL, browser }) => {
    const existing = await registerViaApi(request, baseURL!);
    const register = new RegisterPage(page);
    await register.goto();
    await register.register({ username: existing.username, email: `x${existing.email}`, password: existing.password });
    await expect(page).toHaveURL(/\/register\?/);
    await expect(page.getByTestId('form-error')).toHaveText('That username is taken.');
    await expect(page.getByTestId('register-form')).toBeVisible();

    // A second, different failure replaces the first message.
    const fresh = newUser('fresh');
    await register.register({ username: fresh.username, email: fresh.email, password: 'password1' });
    await expect(page.getByTestId('form-error')).toContainText('This password is too easy to guess.');
    await expect(page.getByTestId('form-error')).not.toContainText('username is taken');
    const failedAt = page.url();
    expect(failedAt).toContain('__err=');

    // The same address in a browser with JavaScript: the message shows, then
    // the address is cleaned once the page has hydrated.
    const withJs = await browser.newContext({ javaScriptEnabled: true });
    const jsPage = await withJs.newPage();
    await jsPage.goto(failedAt);
    await expect(jsPage.getByTestId('form-error')).toContainText('This password is too easy to guess.');
    await waitForHydration(jsPage);
    await expect(jsPage).toHaveURL(`${baseURL}/register`);
    await expect(jsPage.getByTestId('form-error')).toContainText('This password is too easy to guess.');
    await withJs.close();
  });
});

// `signedInUser` signs the page in as the buyer.
test('a purchase makes no request that answers 404', async ({ page, baseURL, signedInUser: _buyer, playwright }) => {
  const seller = await playwright.request.newContext();
  const { shop } = await seedScenario(seller, baseURL!, { prefix: 'seller', product: { title: `Clay bowl ${Date.now()}`, price: '20', stock: 5 } });
  await seller.dispose();

  const missing: string[] = [];
  page.on('response', (response) => {
    if (response.status() === 404) missing.push(`${response.request().method()} ${response.url()}`);
  });
  await addToCartViaApi(page.request, baseURL!, shop!.variant_ids[0]);
  const checkout = new Checkout(page);
  await checkout.goto(shop!.handle);
  await checkout.fillAddress(SAN_FRANCISCO);
  await checkout.chooseShipping('standard');
  await checkout.pay(TEST_CARDS.succeeds);
  await expect(page.getByTestId('order-confirmation')).toBeVisible();
  await expect(page.getByTestId('order-status')).toHaveText('Paid');
  // Whatever the page still does after the order has settled: the header's
  // cart count reads the emptied cart. (Not 'networkidle': a signed-in page
  // keeps its real-time stream open for the notification bell.)
  await expect(page.getByTestId('cart-count')).toHaveCount(0);
  await page.waitForLoadState('load');
  expect(missing).toEqual([]);
});

import { Browser, expect, Page, test } from '@playwright/test';
import { Checkout, productViaApi, SAN_FRANCISCO, taggedPost, TEST_CARDS } from './fixtures/commerce';
import { waitForHydration } from './fixtures/pages';
import { openShopViaApi } from './fixtures/shops';
import { advanceClock } from './fixtures/test';
import { registerViaApi } from './fixtures/users';

// The attribution chain end to end: a tag tap in a creator's post is
// credited when the shopper comes back days later and buys; the shop can
// change its model and see the split change; a forged token earns nothing;
// a creator buying through their own post earns no commission.
// The test moves the server's clock, so the file runs its tests in order.
test.describe.configure({ mode: 'serial' });

/** A signed-in browser for a new user. */
async function person(browser: Browser, baseURL: string) {
  const ctx = await browser.newContext();
  const page = await ctx.newPage();
  const user = await registerViaApi(page.request, baseURL);
  return { ctx, page, user };
}

/** Taps the product tag on the post's photo, as a shopper does, and closes the sheet. */
async function tapTag(page: Page, postId: string, title: string) {
  await page.goto(`/post/${postId}`);
  await waitForHydration(page);
  const card = page.getByTestId('post-card').first();
  await card.getByTestId('toggle-tags').click();
  await card.getByTestId('tag-marker').first().click();
  await expect(page.getByTestId('product-sheet').getByTestId('sheet-title')).toHaveText(title);
  await page.keyboard.press('Escape');
}

/** Buys one of the product from its page (reached directly) with the test card. */
async function buy(page: Page, productId: string, shop: string, query = '') {
  await page.goto(`/p/${productId}${query}`);
  await waitForHydration(page);
  await page.getByTestId('add-to-cart').click();
  await expect(page.getByTestId('cart-count')).toContainText('1');
  const checkout = new Checkout(page);
  await checkout.goto(shop);
  await checkout.fillAddress(SAN_FRANCISCO);
  await checkout.chooseShipping('standard');
  await checkout.pay(TEST_CARDS.succeeds);
  await expect(page.getByTestId('order-confirmation')).toBeVisible();
}

test('a tap in a creator post earns the sale days later; the shop compares models; a forged token earns nothing', async ({ browser, baseURL, playwright }) => {
  // Six people, two purchases and some twenty page loads, most of them
  // pages that load their own client chunk: about 20 s alone, more beside
  // another worker. The default 30 s is for one flow.
  test.slow();
  const owner = await person(browser, baseURL!);
  const shop = await openShopViaApi(owner.page.request, baseURL!);
  const title = `Woven basket ${Date.now()}`;
  const productId = await productViaApi(owner.page.request, baseURL!, shop, { title, price: '50', stock: '10' });

  const early = await person(browser, baseURL!);
  const earlyPost = await taggedPost(early.page, baseURL!, productId, 'My basket, first spotted');
  const creator = await person(browser, baseURL!);
  const creatorPost = await taggedPost(creator.page, baseURL!, productId, 'Styled this basket three ways');

  // The shopper taps the early creator's tag, then creator X's a day later,
  // leaves, and comes back two days after that to buy directly.
  const shopper = await person(browser, baseURL!);
  await tapTag(shopper.page, earlyPost, title);
  await advanceClock(playwright, baseURL!, 24);
  await tapTag(shopper.page, creatorPost, title);
  await advanceClock(playwright, baseURL!, 48);
  await buy(shopper.page, productId, shop);

  // Last click (the default): creator X earns the whole $50 and 10% of it, pending.
  await creator.page.goto('/creator');
  await expect(creator.page.getByTestId('creator-revenue')).toHaveText('$50.00');
  await expect(creator.page.getByTestId('commission-pending')).toHaveText('$5.00');
  const row = creator.page.locator(`[data-testid="post-row"][data-post-id="${creatorPost}"]`);
  await expect(row.getByTestId('post-taps')).toHaveText('1');
  await expect(row.getByTestId('post-purchases')).toHaveText('1');
  await expect(row.getByTestId('post-revenue')).toHaveText('$50.00');
  await expect(creator.page.getByTestId('funnel')).toBeVisible();

  // The shop sees both creators side by side under every model, then
  // switches to linear: each creator now gets half.
  const analytics = owner.page;
  await analytics.goto(`/s/${shop}/analytics`);
  await waitForHydration(analytics);
  const xRow = analytics.locator(`[data-testid="comparison-row"][data-creator="${creator.user.username}"]`);
  const earlyRow = analytics.locator(`[data-testid="comparison-row"][data-creator="${early.user.username}"]`);
  await expect(xRow.locator('[data-testid="comparison-cell"][data-model="0"]')).toHaveText('$50.00'); // last click
  await expect(xRow.locator('[data-testid="comparison-cell"][data-model="1"]')).toHaveText('$0.00'); // first click
  await expect(earlyRow.locator('[data-testid="comparison-cell"][data-model="1"]')).toHaveText('$50.00');
  await expect(analytics.locator(`[data-testid="creator-row"][data-username="${creator.user.username}"]`).getByTestId('creator-revenue')).toHaveText('$50.00');
  await analytics.getByTestId('attribution-model').selectOption('linear');
  await analytics.getByTestId('save-attribution').click();
  await expect(analytics.locator(`[data-testid="creator-row"][data-username="${creator.user.username}"]`).getByTestId('creator-revenue')).toHaveText('$25.00');
  await expect(analytics.locator(`[data-testid="creator-row"][data-username="${early.user.username}"]`).getByTestId('creator-revenue')).toHaveText('$25.00');
  await creator.page.reload();
  await expect(creator.page.getByTestId('creator-revenue')).toHaveText('$25.00');
  await expect(creator.page.getByTestId('commission-pending')).toHaveText('$2.50');
  const csv = await creator.page.request.get(`${baseURL}/creator/earnings.csv`);
  expect(csv.headers()['content-type']).toContain('text/csv');
  expect(await csv.text()).toContain(`${creatorPost},`);
  expect((await owner.page.request.get(`${baseURL}/creator/earnings.csv`)).status()).toBe(200);
  expect((await creator.page.request.get(`${baseURL}/s/${shop}/analytics.csv`)).status()).toBe(403);

  // The shop's order page shows how the buyer found the product.
  await analytics.goto(`/s/${shop}/orders`);
  await analytics.getByTestId('order-row').first().getByRole('link').click();
  await expect(analytics.getByTestId('touch-path')).toBeVisible();
  await expect(analytics.getByTestId('touch-credit')).toHaveCount(2); // both taps, half each under linear

  // A shopper arriving with an edited token buys: nobody is credited.
  // (The genuine link is read from the author's own view, so the forger's
  // browser never even sees the post.)
  await creator.page.goto(`/post/${creatorPost}`);
  const href = await creator.page.getByTestId('tag-marker').first().getAttribute('href');
  const forger = await person(browser, baseURL!);
  const token = new URL(href!, baseURL).searchParams.get('ctx')!;
  expect(token).toBeTruthy();
  const forged = token.slice(0, 10) + (token[10] === 'A' ? 'B' : 'A') + token.slice(11);
  await buy(forger.page, productId, shop, `?ctx=${encodeURIComponent(forged)}`);
  await creator.page.goto('/creator');
  await expect(creator.page.getByTestId('creator-revenue')).toHaveText('$25.00');
  await analytics.goto(`/s/${shop}/analytics`);
  await expect(analytics.getByTestId('shop-revenue')).toHaveText('$100.00');
  await expect(analytics.locator('[data-testid="creator-row"][data-username="unattributed"]').getByTestId('creator-revenue')).toHaveText('$50.00');

  // Creator X's statement lists the line with its commission and how the
  // buyer came to it, and downloads as CSV.
  await creator.page.goto('/creator');
  await creator.page.getByTestId('statement-link').click();
  const line = creator.page.getByTestId('statement-line');
  await expect(line).toHaveCount(1);
  await expect(line.getByTestId('statement-product')).toHaveText(title);
  await expect(line.getByTestId('statement-credit')).toHaveText('$25.00');
  await expect(line.getByTestId('statement-rate')).toHaveText('10%');
  await expect(line.getByTestId('statement-commission')).toHaveText('$2.50');
  await expect(line.getByTestId('statement-status')).toHaveText('Pending · awaiting delivery');
  await expect(creator.page.getByTestId('statement-pending')).toHaveText('$2.50');
  await line.getByTestId('touch-path').locator('summary').click();
  // Both taps were credited (the path also lists the posts being seen).
  await expect(line.getByTestId('touch-credit')).toHaveCount(2);
  await expect(line.getByTestId('touch-path')).toContainText(`@${creator.user.username}`);
  await expect(line.getByTestId('touch-path')).toContainText(`@${early.user.username}`);
  const statementCsv = await creator.page.request.get(`${baseURL}/creator/statement.csv`);
  expect(statementCsv.status()).toBe(200);
  expect(await statementCsv.text()).toContain(',25.00,10,2.50,USD,pending,');

  for (const p of [owner, early, creator, shopper, forger]) await p.ctx.close();
});

test('a shop gives one creator a higher rate at once and a lower one after notice', async ({ browser, baseURL }) => {
  const owner = await person(browser, baseURL!);
  const shop = await openShopViaApi(owner.page.request, baseURL!);
  const title = `Linen throw ${Date.now()}`;
  await productViaApi(owner.page.request, baseURL!, shop, { title, price: '80', stock: '5' });
  const creator = await person(browser, baseURL!);

  const page = owner.page;
  await page.goto(`/s/${shop}/analytics`);
  await waitForHydration(page);
  await expect(page.getByTestId('special-rates-empty')).toBeVisible();

  // A username nobody has is refused with a message on the field.
  await page.getByTestId('special-creator').fill('nobody_by_this_name');
  await page.getByTestId('special-rate').fill('15');
  await page.getByTestId('save-special-rate').click();
  await expect(page.getByTestId('creator-error')).toHaveText('No creator called @nobody_by_this_name.');

  // A raise for the creator applies at once.
  await page.getByTestId('special-creator').fill(creator.user.username);
  await page.getByTestId('special-rate').fill('15');
  await page.getByTestId('save-special-rate').click();
  const row = page.locator(`[data-testid="special-rate-row"][data-creator="${creator.user.username}"]`);
  await expect(row.getByTestId('special-rate-now')).toHaveText('15%');

  // A cut for the same creator waits out the notice; 15% stays until then.
  await page.getByTestId('special-creator').fill(creator.user.username);
  await page.getByTestId('special-rate').fill('5');
  await page.getByTestId('save-special-rate').click();
  await expect(row.getByTestId('special-rate-coming')).toContainText('5% from');
  await expect(row.getByTestId('special-rate-now')).toHaveText('15%');

  // A rate for one product, for every creator.
  await page.getByTestId('special-product').selectOption({ label: title });
  await page.getByTestId('special-creator').fill('');
  await page.getByTestId('special-rate').fill('12.5');
  await page.getByTestId('save-special-rate').click();
  await expect(page.locator('[data-testid="special-rate-row"][data-creator=""]').getByTestId('special-rate-now')).toHaveText('12.5%');

  for (const p of [owner, creator]) await p.ctx.close();
});

test('a creator buying through their own post earns no commission and sees the sale marked self', async ({ browser, baseURL }) => {
  const owner = await person(browser, baseURL!);
  const shop = await openShopViaApi(owner.page.request, baseURL!);
  const title = `Clay cup ${Date.now()}`;
  const productId = await productViaApi(owner.page.request, baseURL!, shop, { title, price: '20', stock: '5' });
  const creator = await person(browser, baseURL!);
  const ownPost = await taggedPost(creator.page, baseURL!, productId, 'The cup I keep reaching for');

  // The creator taps the tag on their own post and buys.
  await tapTag(creator.page, ownPost, title);
  await buy(creator.page, productId, shop);

  // The sale is still the post's, shown as self, with no commission.
  await creator.page.goto('/creator');
  const row = creator.page.locator(`[data-testid="post-row"][data-post-id="${ownPost}"]`);
  await expect(row.getByTestId('post-revenue')).toHaveText('$20.00');
  await expect(row.getByTestId('post-self')).toHaveText('1 self');
  await expect(row.getByTestId('post-commission')).toHaveText('$0.00');

  // The shop's order page marks the touch self too.
  await owner.page.goto(`/s/${shop}/orders`);
  await owner.page.getByTestId('order-row').first().getByRole('link').click();
  await owner.page.getByTestId('touch-path').locator('summary').click();
  await expect(owner.page.getByTestId('touch-self')).toHaveText('self');

  for (const p of [owner, creator]) await p.ctx.close();
});

/**
 * A phone shows every page at its own width, and finds every page through
 * the bottom tab bar; the wide header never overlaps itself.
 *
 * The width check seeds the worst content a user can type or upload (a
 * 2,000-character word, a long URL, a 4000×200 image, 50- to 200-character
 * names, titles and venues) and visits every page a guest, a shopper, a
 * creator and a shop owner can reach, asserting that nothing scrolls the
 * page sideways: long things wrap, or scroll inside their own box.
 */
import { APIRequestContext, Browser, BrowserContext, expect, Page, test } from '@playwright/test';
import { Checkout, fillWallet, productViaApi, SAN_FRANCISCO, TEST_CARDS, variantIds } from './fixtures/commerce';
import { PHONE_390 } from './fixtures/devices';
import { createEventViaApi, utcInput } from './fixtures/events';
import { gradientPng } from './fixtures/images';
import { LoginPage, waitForHydration } from './fixtures/pages';
import { postViaApi } from './fixtures/posts';
import { linkPlanViaApi, planViaApi } from './fixtures/plans';
import { openShopViaApi } from './fixtures/shops';
import { seedScenario } from './fixtures/test';
import { callServerFn, newUser, registerViaApi, TestUser } from './fixtures/users';

const LONG_WORD = 'W'.repeat(2000);
/** The longest ticket type name the organizer may give (`events::tickets::TYPE_NAME_MAX`). */
const TICKET_NAME_MAX = 40;
const LONG_URL = `https://example.com/${'a-very-long-path-segment/'.repeat(12)}?utm_source=${'x'.repeat(80)}`;

/** The page's width against the phone's, naming what sticks out when it doesn't fit. */
async function expectFits(page: Page, what: string) {
  const screen = page.viewportSize()!.width;
  const m = await page.evaluate(() => {
    const doc = document.documentElement;
    // Only what sticks out of the page itself: a box scrolling or clipping
    // sideways may hold wide content.
    const clipped = (el: Element) => {
      for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
        if (getComputedStyle(p).overflowX !== 'visible') return true;
      }
      return false;
    };
    const culprits = Array.from(document.body.querySelectorAll('*'))
      .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1 && !clipped(el))
      .slice(0, 3)
      .map((el) => {
        const id = el.getAttribute('data-testid');
        const cls = (el.getAttribute('class') ?? '').split(/\s+/).slice(0, 6).join('.');
        return `<${el.tagName.toLowerCase()}${id ? ` data-testid="${id}"` : ''}${cls ? ` class="${cls}"` : ''}> ${Math.round(el.getBoundingClientRect().width)}px`;
      });
    return { scrollWidth: Math.max(doc.scrollWidth, document.body.scrollWidth), innerWidth: window.innerWidth, culprits };
  });
  const message = `${what} (${page.url()}) is ${m.scrollWidth}px wide on a ${screen}px screen; sticking out: ${m.culprits.join(', ') || 'nothing found'}`;
  expect(m.scrollWidth, message).toBeLessThanOrEqual(screen);
  expect(m.scrollWidth, message).toBeLessThanOrEqual(m.innerWidth);
}

/** Opens `path`, checks it answered `status`, waits for the client, checks the width. */
async function visit(page: Page, path: string, status: number | null = 200) {
  const res = await page.goto(path);
  if (status !== null) expect(res?.status(), `GET ${path}`).toBe(status);
  await waitForHydration(page);
  await expectFits(page, path);
}

async function phone(browser: Browser): Promise<{ ctx: BrowserContext; page: Page }> {
  const ctx = await browser.newContext(PHONE_390);
  return { ctx, page: await ctx.newPage() };
}

/** The id of a post's first image, read from the author's tagger on the post page. */
async function firstMediaId(page: Page, postId: string): Promise<string> {
  await page.goto(`/post/${postId}`);
  return page.getByTestId('image-tagger').locator('input[name="media_id"]').first().inputValue();
}

interface WideWorld {
  seller: TestUser;
  shop: string;
  productId: string;
  productTitle: string;
  postId: string;
  hashtag: string;
  eventId: string;
}

/**
 * A creator and shop owner whose every field is as long as it may be: the
 * profile, a product, an event, a draft, and a post with the 2,000-character
 * word, the long URL, the 4000 px wide image (tagging the product), link
 * cards, a comment and an edit.
 */
async function seedWideSeller(request: APIRequestContext, baseURL: string): Promise<WideWorld> {
  const seller = newUser('wide');
  seller.displayName = 'D'.repeat(50);
  await registerViaApi(request, baseURL, seller);
  const profile = await callServerFn(request, baseURL, 'profiles/update', {
    display_name: seller.displayName,
    bio: 'B'.repeat(250),
    location: 'L'.repeat(80),
    website: `https://example.com/${'w'.repeat(170)}`,
  });
  expect(profile.status(), await profile.text()).toBe(200);

  const shop = await openShopViaApi(request, baseURL);
  const productTitle = `${'T'.repeat(120)}${Date.now().toString(36)}`;
  const productId = await productViaApi(request, baseURL, shop, {
    title: productTitle,
    price: '40',
    stock: '20',
    option: ['Size', 'S, M'],
    description: `${LONG_WORD} ${LONG_URL}`,
  });

  const eventId = await createEventViaApi(request, baseURL, {
    title: 'E'.repeat(140),
    startsAt: utcInput(10, 18),
    endsAt: utcInput(10, 21),
    venue: 'V'.repeat(200),
    description: `${LONG_WORD} ${LONG_URL}`,
    shop,
  });

  // A ticket type with the longest name, so the event page's ticket section
  // (the organizer's editor and the buyer's picker) carries it too.
  const ticket = await callServerFn(request, baseURL, 'events/tickets/add', { event: eventId, name: 'N'.repeat(TICKET_NAME_MAX), price: '25', quota: '50' });
  expect(ticket.status(), await ticket.text()).toBe(200);

  const hashtag = `wide${Date.now().toString(36)}`.padEnd(50, 'x');
  const created = await request.post(`${baseURL}/api/posts/create`, {
    headers: { Origin: baseURL },
    multipart: {
      body: `${LONG_WORD} ${LONG_URL} #${hashtag}`,
      visibility: 'public',
      intent: 'publish',
      images: { name: 'panorama.png', mimeType: 'image/png', buffer: gradientPng(4000, 200) },
    },
  });
  expect(created.status(), await created.text()).toBe(200);
  const postId = (await created.json()) as string;
  for (const [kind, target] of [['product', productId], ['shop', shop], ['event', eventId]]) {
    const link = await callServerFn(request, baseURL, 'posts/links/add', { post_id: postId, kind, target });
    expect(link.status(), await link.text()).toBe(200);
  }
  // An installment plan card on the post, so the post page, its plan
  // editor and the edit page's picker show one picked.
  const plan = await planViaApi(request, baseURL, productId, { payments: 12, apr: '12.5', downPayment: '10', fee: '1.99' });
  await linkPlanViaApi(request, baseURL, postId, plan, true);
  const comment = await callServerFn(request, baseURL, 'comments/add', { post_id: postId, body: `${'C'.repeat(1700)} ${LONG_URL}` });
  expect(comment.status(), await comment.text()).toBe(200);
  const edit = await callServerFn(request, baseURL, 'posts/edit', { id: postId, body: `${LONG_WORD} ${LONG_URL} #${hashtag} (edited)`, visibility: 'public' });
  expect(edit.status(), await edit.text()).toBe(200);
  await postViaApi(request, baseURL, `${LONG_WORD} draft`, { draft: true });
  return { seller, shop, productId, productTitle, postId, hashtag, eventId };
}

test('no page is wider than a 390 px phone, even with a 2,000-character word and a 4000 px wide image', { tag: '@phone' }, async ({ browser, baseURL }) => {
  test.skip(test.info().project.name !== 'phone', 'the phone project runs it');
  test.setTimeout(300_000);

  const sellerSide = await phone(browser);
  const world = await seedWideSeller(sellerSide.page.request, baseURL!);
  const seller = sellerSide.page;
  // The product tag on the wide image, so the post's photo has a marker too.
  const mediaId = await firstMediaId(seller, world.postId);
  const tag = await callServerFn(seller.request, baseURL!, 'tags/add', { media_id: mediaId, x: '50', y: '50', kind: 'product', target: world.productId });
  expect(tag.status(), await tag.text()).toBe(200);

  // A guest sees the public pages and the account pages.
  const guestSide = await phone(browser);
  const guest = guestSide.page;
  for (const path of [
    '/',
    '/explore',
    `/post/${world.postId}`,
    `/post/${world.postId}/history`,
    `/p/${world.productId}`,
    `/s/${world.shop}`,
    `/u/${world.seller.username}`,
    `/tag/${world.hashtag}`,
    '/events',
    `/e/${world.eventId}`,
    '/cart',
    '/login',
    '/register',
    '/forgot-password',
    '/check-email',
  ]) {
    await visit(guest, path);
  }
  // These answer a missing or bad token with an error on the page.
  await visit(guest, '/reset-password?token=not-a-token', null);
  await visit(guest, '/verify-email?token=not-a-token', null);
  await visit(guest, '/no-such-page', 404);

  // A shopper follows the creator, opens the product sheet from the feed and buys.
  const buyerSide = await phone(browser);
  const buyer = buyerSide.page;
  await registerViaApi(buyer.request, baseURL!, newUser('shopper'));
  const follow = await callServerFn(buyer.request, baseURL!, 'follows/set', { username: world.seller.username, follow: 'true' });
  expect(follow.status(), await follow.text()).toBe(200);
  await visit(buyer, '/');
  const card = buyer.locator(`[data-testid="post-card"][data-post-id="${world.postId}"]`);
  await card.getByTestId('link-card').first().click();
  const sheet = buyer.getByTestId('product-sheet');
  await expect(sheet.getByTestId('sheet-title')).toHaveText(world.productTitle);
  await expectFits(buyer, 'the feed with the product sheet open');
  const box = (await sheet.boundingBox())!;
  expect(box.x, 'the sheet starts on screen').toBeGreaterThanOrEqual(0);
  expect(box.x + box.width, 'the sheet ends on screen').toBeLessThanOrEqual(PHONE_390.viewport.width);
  await sheet.getByTestId('add-to-cart').click();
  await expect(buyer.getByTestId('tab-cart-count')).toContainText('1');
  await sheet.getByTestId('close-sheet').click();

  for (const path of [
    '/explore',
    `/explore?q=${world.seller.username}`,
    `/post/${world.postId}`,
    `/post/${world.postId}/history`,
    `/tag/${world.hashtag}`,
    `/u/${world.seller.username}`,
    `/u/${world.seller.username}/followers`,
    `/u/${world.seller.username}/following`,
    `/u/${world.seller.username}/tagged`,
    `/p/${world.productId}`,
    `/s/${world.shop}`,
    '/events',
    `/e/${world.eventId}`,
    '/events/new',
    '/cart',
    '/me',
    '/orders',
    '/compose',
    `/compose?quote=${world.postId}`,
    '/drafts',
    '/saved',
    '/settings/safety',
    '/settings/profile',
    '/settings/payment',
    '/follow-requests',
    '/shops',
    '/shops/new',
    '/creator',
    '/creator/statement',
    `/report/post/${world.postId}`,
  ]) {
    await visit(buyer, path);
  }
  // The shopper reports the post (with the seeded long text), so the
  // moderation queue below holds its preview.
  const reported = await callServerFn(buyer.request, baseURL!, 'moderation/report', {
    kind: 'post', id: world.postId, reason: 'other', details: 'x'.repeat(1000),
  });
  expect(reported.status(), await reported.text()).toBeLessThan(400);

  // Every step of checkout, then the order.
  const checkout = new Checkout(buyer);
  await visit(buyer, `/checkout/${world.shop}`);
  await checkout.fillAddress(SAN_FRANCISCO);
  await expectFits(buyer, 'checkout: shipping step');
  await checkout.chooseShipping('standard');
  await expectFits(buyer, 'checkout: payment step');
  await checkout.pay(TEST_CARDS.succeeds);
  await expect(buyer.getByTestId('order-confirmation')).toBeVisible();
  await expectFits(buyer, 'the order confirmation');
  const orderPath = new URL(buyer.url()).pathname;
  await visit(buyer, orderPath);
  await visit(buyer, '/orders');

  // A group deal on the product and a group the shopper starts with a saved
  // card: the product's open groups, the group page and "My groups".
  const [variant] = await variantIds(seller, world.productId);
  const deal = await callServerFn(seller.request, baseURL!, 'groups/deal', { variant, price: '30', size: '3', hours: '24', max_per_customer: '1', active: 'on' });
  expect(deal.status(), await deal.text()).toBe(200);
  await fillWallet(buyer);
  await expectFits(buyer, 'the wallet with a saved card');
  // Starting answers with the way to the new group's page.
  const started = await buyer.request.post(`${baseURL}/api/groups/start`, {
    form: { variant, quantity: '1', price_minor: '3000', currency: 'USD', click: crypto.randomUUID() },
    headers: { Origin: baseURL! },
    maxRedirects: 0,
  });
  expect(started.status(), await started.text()).toBeLessThan(400);
  const groupId = (started.headers()['location'] ?? '').match(/\/groups\/([0-9a-f-]{36})$/)?.[1];
  expect(groupId, `started a group: ${JSON.stringify(started.headers())}`).toBeTruthy();
  for (const path of [`/groups/${groupId}`, '/groups', `/p/${world.productId}`, '/explore?with=plans']) {
    await visit(buyer, path);
  }

  // The creator and shop owner: dashboards (with the sale), shop admin, editors.
  for (const path of [
    '/',
    '/me',
    '/creator',
    '/creator/statement',
    '/shops',
    `/s/${world.shop}/manage`,
    `/s/${world.shop}/stock`,
    `/s/${world.shop}/orders`,
    `/s/${world.shop}/promotions`,
    `/s/${world.shop}/analytics`,
    `/p/${world.productId}/edit`,
    `/post/${world.postId}`,
    `/post/${world.postId}/edit`,
    '/drafts',
    '/compose',
    '/events/new',
    `/e/${world.eventId}`,
    '/settings/profile',
    '/follow-requests',
    orderPath,
    // The seller's inbox holds the follow and the order by now.
    '/notifications',
    '/notifications?filter=commerce',
    '/settings/notifications',
  ]) {
    await visit(seller, path);
  }

  // An admin: the moderation queue, the outbox's consumers and the counter runs.
  const adminSide = await phone(browser);
  await seedScenario(adminSide.page.request, baseURL!, { prefix: 'admin', admin: true });
  await visit(adminSide.page, '/admin/moderation');
  await expect(adminSide.page.getByTestId('queue-item').first()).toBeVisible();
  await visit(adminSide.page, '/admin/outbox');
  await visit(adminSide.page, '/admin/counters');

  for (const side of [sellerSide, guestSide, buyerSide, adminSide]) await side.ctx.close();
});

test('the tab bar takes a phone everywhere, and its cart badge follows the cart', { tag: '@phone' }, async ({ browser, baseURL, playwright }) => {
  test.skip(test.info().project.name !== 'phone', 'the phone project runs it');
  test.setTimeout(120_000);
  // A seller with one single-variant product.
  const sellerApi = await playwright.request.newContext();
  await registerViaApi(sellerApi, baseURL!, newUser('tabseller'));
  const shop = await openShopViaApi(sellerApi, baseURL!);
  const productId = await productViaApi(sellerApi, baseURL!, shop, { title: `Tab mug ${Date.now().toString(36)}`, price: '12', stock: '10' });
  await sellerApi.dispose();

  const { ctx, page } = await phone(browser);
  const shopper = newUser('tabs');
  await registerViaApi(page.request, baseURL!, shopper);
  await page.goto('/');
  await waitForHydration(page);

  const tabs = page.getByRole('navigation', { name: 'Tabs' });
  await expect(tabs).toBeVisible();
  await expect(page.getByTestId('nav-home')).toBeHidden();
  await expect(tabs.getByTestId('tab-home')).toHaveAttribute('aria-current', 'page');
  await expect(tabs.getByTestId('tab-cart-count')).toHaveCount(0);

  // The page's end is never under the bar.
  const clearance = await page.evaluate(() => {
    const main = document.getElementById('main')!;
    const bar = document.querySelector('[data-testid="tab-bar"]')!;
    return { padding: parseFloat(getComputedStyle(main).paddingBottom), bar: bar.getBoundingClientRect().height };
  });
  expect(clearance.padding).toBeGreaterThanOrEqual(clearance.bar);

  // Keyboard: a tab is a link that Enter follows, and it becomes the current one.
  await tabs.getByTestId('tab-explore').focus();
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/explore$/);
  await expect(tabs.getByTestId('tab-explore')).toHaveAttribute('aria-current', 'page');
  await expect(tabs.getByTestId('tab-home')).not.toHaveAttribute('aria-current', 'page');

  await tabs.getByTestId('tab-post').click();
  await expect(page).toHaveURL(/\/compose$/);

  // Me holds what the wide header has: orders, earnings, shops, events, settings.
  await tabs.getByTestId('tab-me').click();
  await expect(page).toHaveURL(/\/me$/);
  const me = page.getByTestId('me-page');
  await expect(me).toBeVisible();
  await expect(tabs.getByTestId('tab-me')).toHaveAttribute('aria-current', 'page');
  for (const [id, href] of [
    ['me-orders', '/orders'],
    ['me-earnings', '/creator'],
    ['me-statement', '/creator/statement'],
    ['me-shops', '/shops'],
    ['me-events', '/events'],
    ['me-follow-requests', '/follow-requests'],
    ['me-settings', '/settings/profile'],
    ['me-payment', '/settings/payment'],
    ['me-drafts', '/drafts'],
    ['me-profile', `/u/${shopper.username}`],
  ]) {
    await expect(me.getByTestId(id)).toHaveAttribute('href', href);
  }
  await me.getByTestId('me-orders').click();
  await expect(page).toHaveURL(/\/orders$/);
  await tabs.getByTestId('tab-me').click();
  await me.getByTestId('me-earnings').click();
  await expect(page).toHaveURL(/\/creator$/);

  // The badge counts what is added, and clears when it is bought.
  await page.goto(`/p/${productId}`);
  await waitForHydration(page);
  await page.getByTestId('add-to-cart').click();
  await expect(tabs.getByTestId('tab-cart-count')).toContainText('1');
  await tabs.getByTestId('tab-cart').click();
  await expect(page).toHaveURL(/\/cart$/);
  await expect(tabs.getByTestId('tab-cart')).toHaveAttribute('aria-current', 'page');
  await page.getByTestId('checkout').click();
  await waitForHydration(page);
  const checkout = new Checkout(page);
  await checkout.fillAddress(SAN_FRANCISCO);
  await checkout.chooseShipping('standard');
  await checkout.pay(TEST_CARDS.succeeds);
  await expect(page.getByTestId('order-confirmation')).toBeVisible();
  await expect(tabs.getByTestId('tab-cart-count')).toHaveCount(0);

  // Log out from Me: the tab then leads a guest to log in.
  await tabs.getByTestId('tab-me').click();
  await page.getByTestId('me-logout').click();
  await expect(page).toHaveURL(/\/$/);
  await expect(tabs.getByTestId('tab-me')).toHaveAttribute('href', /^\/login/);
  await ctx.close();
});

test('a guest phone: Me logs in and comes back, and the cart badge is right on both sides of it', { tag: '@phone' }, async ({ browser, baseURL, playwright }) => {
  test.skip(test.info().project.name !== 'phone', 'the phone project runs it');
  const sellerApi = await playwright.request.newContext();
  await registerViaApi(sellerApi, baseURL!, newUser('guestseller'));
  const shop = await openShopViaApi(sellerApi, baseURL!);
  const productId = await productViaApi(sellerApi, baseURL!, shop, { title: `Guest mug ${Date.now().toString(36)}`, price: '9', stock: '10' });
  await sellerApi.dispose();

  const buyer = newUser('guestbuyer');
  const signup = await playwright.request.newContext();
  await registerViaApi(signup, baseURL!, buyer);
  await signup.dispose();

  const { ctx, page } = await phone(browser);
  const [variant] = await variantIds(page, productId);
  const added = await callServerFn(page.request, baseURL!, 'cart/add', { variant, quantity: '1' });
  expect(added.status(), await added.text()).toBe(200);

  // The server renders the guest's count; Me is a way to log in.
  await page.goto('/explore');
  const tabs = page.getByRole('navigation', { name: 'Tabs' });
  await expect(tabs.getByTestId('tab-cart-count')).toContainText('1');
  await expect(tabs.getByTestId('tab-me')).toHaveAttribute('href', '/login?next=/explore');
  await waitForHydration(page);
  await tabs.getByTestId('tab-me').click();
  await expect(page).toHaveURL(/\/login\?next=/);
  await waitForHydration(page);
  await new LoginPage(page).logIn(buyer.username, buyer.password);

  // Back where they were, signed in, the guest cart merged and still counted.
  await expect(page).toHaveURL(/\/explore$/);
  await expect(tabs.getByTestId('tab-me')).toHaveAttribute('href', '/me');
  await expect(tabs.getByTestId('tab-cart-count')).toContainText('1');
  await ctx.close();
});

test('the wide header keeps the brand clear of the links, and the tab bar away', async ({ browser, baseURL }) => {
  for (const signedIn of [true, false]) {
    for (const width of [1280, 1024]) {
      const ctx = await browser.newContext({ viewport: { width, height: 800 } });
      const page = await ctx.newPage();
      if (signedIn) await registerViaApi(page.request, baseURL!, newUser('wide'));
      await page.goto('/');
      await waitForHydration(page);
      const who = `${signedIn ? 'signed in' : 'guest'} at ${width}px`;
      await expect(page.getByTestId('tab-bar'), who).toBeHidden();
      const logo = (await page.getByTestId('nav-logo').boundingBox())!;
      const home = (await page.getByTestId('nav-home').boundingBox())!;
      expect(logo.x + logo.width, `${who}: the brand ends before Home starts`).toBeLessThanOrEqual(home.x);
      // Every header link is on screen and clear of the brand.
      const links = page.locator('header nav li a:visible, header nav li button:visible');
      for (const item of await links.all()) {
        const b = (await item.boundingBox())!;
        const label = (await item.textContent()) ?? '';
        expect(b.x + b.width, `${who}: "${label}" is on screen`).toBeLessThanOrEqual(width);
        const overlaps = b.x < logo.x + logo.width && b.y < logo.y + logo.height && b.y + b.height > logo.y;
        expect(overlaps, `${who}: "${label}" overlaps the brand`).toBe(false);
      }
      await expectFits(page, `the home page ${who}`);
      await ctx.close();
    }
  }
});

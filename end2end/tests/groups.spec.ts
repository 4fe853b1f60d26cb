import { Page } from '@playwright/test';
import { fillWallet } from './fixtures/commerce';
import { person, sellerWithDeal, startGroup } from './fixtures/groups';
import { waitForHydration } from './fixtures/pages';
import { postViaApi } from './fixtures/posts';
import { advanceClock, expect, test } from './fixtures/test';

// Buy-together groups end to end: a shop turns group buying on for a
// product, a creator starts a group and posts it, shoppers join from the
// post's card and everyone is charged when it fills; a group that runs out
// of time voids its authorizations and frees its stock. The second test
// moves the server's clock, so the file runs its tests in order.
test.describe.configure({ mode: 'serial' });

/** Joins from the post's group card: its Join opens the group page, whose form pays with the saved card. */
async function joinFromPost(page: Page, postId: string, expectedAfter: string) {
  await page.goto(`/post/${postId}`);
  await waitForHydration(page);
  const card = page.getByTestId('group-card');
  await expect(card.getByText('Buy together')).toBeVisible();
  await card.getByTestId('group-join').click();
  // The card's link carries the post's context token to the group page.
  await expect(page).toHaveURL(/\/groups\/[0-9a-f-]{36}\?ctx=/);
  await waitForHydration(page);
  await page.getByTestId('group-join-form').getByTestId('group-join-submit').click();
  await expect(page).toHaveURL(/\/groups\/[0-9a-f-]{36}$/);
  await expect(page.getByTestId('group-page').getByTestId('group-joined')).toHaveText(expectedAfter);
}

/** The status of the shopper's newest order, as their orders list shows it. */
async function latestOrderStatus(page: Page) {
  await page.goto('/orders');
  return page.getByTestId('order-row').first().getByTestId('order-status');
}

test('a creator posts a group, three shoppers join from the post and all are charged when it fills', async ({ browser, baseURL }) => {
  // Six browsers, three card payments and four orders to check.
  test.setTimeout(180_000);
  const seller = await sellerWithDeal(browser, baseURL!, { price: '30', size: '4', hours: '48', max: '1' });

  // The creator starts a group (their card is authorized for the first seat) and posts it.
  const creator = await person(browser, baseURL!, 'creator');
  await fillWallet(creator.page);
  const groupId = await startGroup(creator.page, seller.productId);
  const page = creator.page.getByTestId('group-page');
  await expect(page.getByTestId('group-joined')).toHaveText('1/4 joined');
  await expect(page.getByTestId('group-status')).toHaveText('Open');
  await expect(page.getByTestId('group-share')).toHaveValue(`/groups/${groupId}`);
  await expect(page.getByTestId('group-member')).toHaveCount(1);

  const postId = await postViaApi(creator.page.request, baseURL!, 'Join my tote group, save $10 each!');
  await creator.page.goto(`/post/${postId}`);
  await waitForHydration(creator.page);
  const picker = creator.page.getByTestId('group-link-editor');
  await picker.getByTestId('group-search').fill(seller.title.slice(0, 9));
  await picker.getByTestId('group-results').getByRole('button', { name: new RegExp(seller.title) }).click();
  await expect(picker.getByTestId('chosen-group')).toContainText(seller.title);
  await picker.getByTestId('link-group').click();
  const card = creator.page.getByTestId('post-card').getByTestId('group-card');
  await expect(card).toBeVisible();
  await expect(card.getByTestId('group-price')).toHaveText('$30.00');
  await expect(card.getByTestId('group-saving')).toHaveText('Save $10.00');
  await expect(card.getByTestId('group-joined')).toHaveText('1/4 joined');
  await expect(card.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '1');
  await expect(card.getByRole('progressbar')).toHaveAttribute('aria-valuemax', '4');
  await expect(card.getByTestId('group-time-left')).toContainText('left');

  // A fourth browser, signed out, watches the post: its card follows the
  // group over the live channel, without reloading.
  const watcherCtx = await browser.newContext();
  const watcher = await watcherCtx.newPage();
  await watcher.goto(`/post/${postId}`);
  await waitForHydration(watcher);
  const watched = watcher.getByTestId('group-card');
  await expect(watched.getByTestId('group-joined')).toHaveText('1/4 joined');
  await expect(watcher.locator('html')).toHaveAttribute('data-live', /group:/);

  // Three shoppers, each in their own browser, join from the post.
  const shoppers = [];
  for (const [i, after] of ['2/4 joined', '3/4 joined', '4/4 joined'].entries()) {
    const shopper = await person(browser, baseURL!, `joiner${i}`);
    await fillWallet(shopper.page);
    await joinFromPost(shopper.page, postId, after);
    shoppers.push(shopper);
    await expect(watched.getByTestId('group-joined')).toHaveText(after);
  }
  await expect(watched.getByTestId('group-status')).toHaveText('Full');
  await expect(watched.getByTestId('group-join')).toBeDisabled();
  await expect(watched.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '4');
  await watcherCtx.close();
  const last = shoppers[2].page.getByTestId('group-page');
  await expect(last.getByTestId('group-status')).toHaveText('Full');
  // The page the last seat was taken on reads the group again: no more joins.
  await expect(last.getByTestId('group-join-note')).toContainText('takes no more members');
  // As the server renders it for a newcomer too.
  await shoppers[2].page.reload();
  await expect(last.getByTestId('group-status')).toHaveText('Full');
  await expect(last.getByTestId('group-join-note')).toContainText('takes no more members');

  // The post's card shows it full, its Join disabled.
  await creator.page.reload();
  await expect(card.getByTestId('group-status')).toHaveText('Full');
  await expect(card.getByTestId('group-join')).toBeDisabled();
  await expect(card.getByTestId('group-join')).toHaveText('Group full');

  // Every member's order exists and was captured when the group filled.
  for (const shopper of [...shoppers, creator]) {
    await expect(await latestOrderStatus(shopper.page)).toHaveText('Paid');
  }
  // The organiser was told of each join and of the fill.
  await creator.page.goto('/groups');
  await expect(creator.page.getByTestId('my-group')).toHaveCount(1);
  await expect(creator.page.getByTestId('group-notice').first()).toContainText('is full');
  await expect(creator.page.getByTestId('group-notice')).toHaveCount(4);

  for (const p of [seller, creator, ...shoppers]) await p.ctx.close();
});

test('a group that runs out of time voids its authorizations and frees its stock', async ({ browser, baseURL, playwright }) => {
  // Waits for the minute job (up to 150 s).
  test.setTimeout(240_000);
  const seller = await sellerWithDeal(browser, baseURL!, { price: '30', size: '3', hours: '1', max: '1' }, 5);
  const organiser = await person(browser, baseURL!, 'organiser');
  await fillWallet(organiser.page);
  const groupId = await startGroup(organiser.page, seller.productId);

  // The organiser's seat holds a unit until the deadline.
  await organiser.page.goto(`/p/${seller.productId}`);
  await expect(organiser.page.getByTestId('product-stock')).toHaveText('Only 4 left');
  await expect(await latestOrderStatus(organiser.page)).toHaveText('Awaiting payment');

  await advanceClock(playwright, baseURL!, 2);
  // The minute job expires it: authorizations voided, orders cancelled, stock back.
  await expect
    .poll(async () => (await latestOrderStatus(organiser.page)).innerText(), { timeout: 150_000, intervals: [2_000] })
    .toBe('Cancelled');
  await organiser.page.goto(`/groups/${groupId}`);
  const group = organiser.page.getByTestId('group-page');
  await expect(group.getByTestId('group-status')).toHaveText('Expired');
  await expect(group.getByTestId('group-join-note')).toContainText('expired');
  await expect(group.getByTestId('group-notice').first()).toContainText('nobody was charged');
  await organiser.page.goto(`/p/${seller.productId}`);
  await expect(organiser.page.getByTestId('product-stock')).toHaveText('Only 5 left');
  await expect(organiser.page.getByTestId('no-open-groups')).toBeVisible();

  await seller.ctx.close();
  await organiser.ctx.close();
});

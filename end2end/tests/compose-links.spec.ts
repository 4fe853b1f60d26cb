import { fillWallet } from './fixtures/commerce';
import { person, sellerWithDeal, startGroup } from './fixtures/groups';
import { waitForHydration } from './fixtures/pages';
import { planViaApi } from './fixtures/plans';
import { expect, test } from './fixtures/test';

// Issue 17, items 7 and 9: a creator links a buy-together group and an
// installment plan from /compose, through the same search pickers as the
// post page; the published post shows both cards, and Explore's "Has"
// filter (plain links, rendered by the server) finds it for a signed-out
// visitor.

test('a creator links a group and a plan from /compose and Explore filters find the post', async ({ browser, baseURL }) => {
  // Three browsers, a card payment for the group's first seat.
  test.setTimeout(120_000);
  const seller = await sellerWithDeal(browser, baseURL!, { price: '30', size: '4', hours: '48', max: '1' });
  await planViaApi(seller.page.request, baseURL!, seller.productId, { payments: 4, apr: '0' });

  const creator = await person(browser, baseURL!, 'composer');
  await fillWallet(creator.page);
  await startGroup(creator.page, seller.productId);

  const page = creator.page;
  await page.goto('/compose');
  await waitForHydration(page);
  const caption = `Tote group, or just $10/month ${Date.now().toString(36)}`;
  await page.getByLabel("What's on your mind?").fill(caption);
  // A monthly price and no plan yet: flagged while composing.
  await expect(page.getByTestId('plan-claim-warning')).toBeVisible();

  const plans = page.getByTestId('plan-picker');
  await plans.getByTestId('plan-search').fill(seller.title.slice(0, 9));
  await plans.getByTestId('plan-results').getByRole('button', { name: new RegExp(seller.title) }).first().click();
  await expect(plans.getByTestId('picked-plan')).toHaveCount(1);
  await expect(plans.getByTestId('picked-plan')).toContainText(seller.title);
  await expect(page.getByTestId('plan-claim-warning')).toHaveCount(0);

  const groups = page.getByTestId('group-picker');
  await groups.getByTestId('group-search').fill(seller.title.slice(0, 9));
  await groups.getByTestId('group-results').getByRole('button', { name: new RegExp(seller.title) }).first().click();
  await expect(groups.getByTestId('picked-group')).toHaveCount(1);
  await expect(groups.getByTestId('picked-group')).toContainText(seller.title);

  await page.getByTestId('publish').click();
  await expect(page).toHaveURL(/\/post\/[0-9a-f-]{36}$/);
  const postId = page.url().match(/\/post\/([0-9a-f-]{36})/)![1];
  const card = page.getByTestId('post-card');
  await expect(card.getByTestId('group-card')).toHaveCount(1);
  await expect(card.getByTestId('group-joined')).toHaveText('1/4 joined');
  await expect(card.getByTestId('plan-card')).toHaveCount(1);
  await expect(card.getByTestId('plan-per-payment')).toHaveText('$10.00/mo');

  // The edit page starts from what is linked; saving the text keeps both.
  await page.goto(`/post/${postId}/edit`);
  await waitForHydration(page);
  await expect(page.getByTestId('picked-group')).toHaveCount(1);
  await expect(page.getByTestId('picked-plan')).toHaveCount(1);
  await page.getByTestId('edit-form').getByLabel('Text', { exact: true }).fill(`${caption} (edited)`);
  await page.getByTestId('save-edit').click();
  await expect(page).toHaveURL(new RegExp(`/post/${postId}$`));
  await expect(page.getByTestId('post-card').getByTestId('group-card')).toHaveCount(1);
  await expect(page.getByTestId('post-card').getByTestId('plan-card')).toHaveCount(1);

  // A signed-out visitor: the filters are links that work before the WASM.
  const visitorCtx = await browser.newContext({ javaScriptEnabled: false });
  const visitor = await visitorCtx.newPage();
  await visitor.goto('/explore');
  await visitor.getByTestId('explore-filter').getByRole('link', { name: 'Group deals' }).click();
  await expect(visitor).toHaveURL(/\/explore\?with=groups$/);
  await expect(visitor.getByTestId('explore-groups')).toHaveAttribute('aria-current', 'page');
  const found = visitor.getByTestId('post-card').filter({ hasText: caption });
  await expect(found).toHaveCount(1);
  await expect(found.getByTestId('group-card')).toHaveCount(1);
  await visitor.getByTestId('explore-filter').getByRole('link', { name: 'Installment plans' }).click();
  await expect(visitor).toHaveURL(/\/explore\?with=plans$/);
  await expect(visitor.getByTestId('post-card').filter({ hasText: caption }).getByTestId('plan-card')).toHaveCount(1);

  await visitorCtx.close();
  await creator.ctx.close();
  await seller.ctx.close();
});

import { Browser } from '@playwright/test';
import { Checkout, fillWallet, SAN_FRANCISCO } from './fixtures/commerce';
import { waitForHydration } from './fixtures/pages';
import { linkPlanViaApi, planViaApi } from './fixtures/plans';
import { postViaApi } from './fixtures/posts';
import { expect, seedScenario, test } from './fixtures/test';

// Issue 17, items 4–7: installment plans. A shop offers plans per product;
// a post shows them as cards (two side by side to compare, the featured
// one highlighted), each per-payment amount with its disclosure; "Buy with
// plan" opens the product with that plan chosen, the checkout charges the
// first payment and the order page shows the schedule. A monthly-price
// claim with no plan is flagged to its author while composing.

/**
 * A seller in a browser context of their own: a $600.00 product with a
 * 6-month plan at 0% and a featured 12-month plan at 12% APR with 10%
 * down, and a post showing both.
 */
async function sellerWithPlans(browser: Browser, baseURL: string) {
  const context = await browser.newContext();
  const { shop } = await seedScenario(context.request, baseURL, {
    prefix: 'planseller',
    product: { title: `Gaming laptop ${Date.now().toString(36)}`, price: '600', stock: 5 },
  });
  const productId = shop!.product_id;
  const sixMonths = await planViaApi(context.request, baseURL, productId, { payments: 6, apr: '0' });
  const twelveMonths = await planViaApi(context.request, baseURL, productId, { payments: 12, apr: '12', downPayment: '10' });
  const postId = await postViaApi(context.request, baseURL, 'Get this laptop! Pay as low as $100/month 💳');
  await linkPlanViaApi(context.request, baseURL, postId, sixMonths);
  await linkPlanViaApi(context.request, baseURL, postId, twelveMonths, true);
  return { context, productId, sixMonths, twelveMonths, postId, shop: shop! };
}

test('a post with two plans shows them side by side, each with its disclosure', { tag: '@phone' }, async ({ browser, page, baseURL, signedInUser }) => {
  expect(signedInUser.username).toBeTruthy();
  const seller = await sellerWithPlans(browser, baseURL!);
  await page.goto(`/post/${seller.postId}`);
  await waitForHydration(page);

  const cards = page.getByTestId('post-card').getByTestId('plan-card');
  await expect(cards).toHaveCount(2);
  const [six, twelve] = [cards.nth(0), cards.nth(1)];
  // Side by side: one row, two columns, even on a phone.
  const [a, b] = [await six.boundingBox(), await twelve.boundingBox()];
  expect(a && b, 'both cards are laid out').toBeTruthy();
  expect(Math.abs(a!.y - b!.y), 'on one row').toBeLessThan(2);
  expect(b!.x, 'the second beside the first').toBeGreaterThan(a!.x + a!.width - 1);

  await expect(six.getByTestId('plan-per-payment')).toHaveText('$100.00/mo');
  await expect(six.getByTestId('plan-disclosure')).toHaveText('0% APR · 6 monthly payments · total cost $600.00 · $0.00 down');
  await expect(twelve.getByTestId('plan-disclosure')).toContainText('12% APR · 12 monthly payments · total cost');
  await expect(twelve.getByTestId('plan-disclosure')).toContainText('$60.00 down');
  await expect(six).toHaveAttribute('data-featured', 'false');
  await expect(twelve).toHaveAttribute('data-featured', 'true');
  await expect(six.getByTestId('plan-verdict')).toHaveText('You pre-qualify');
  await expect(six.getByTestId('plan-buy')).toHaveAttribute('href', `/p/${seller.productId}?plan=${seller.sixMonths}`);
  // The caption claims a monthly price: the featured plan's terms are shown with it.
  await expect(page.getByTestId('plan-claim-disclosure')).toContainText('12% APR · 12 monthly payments');
  await seller.context.close();
});

test('Buy with plan preselects the 6-month plan and the order shows its schedule', async ({ browser, page, baseURL, signedInUser }) => {
  expect(signedInUser.username).toBeTruthy();
  const seller = await sellerWithPlans(browser, baseURL!);
  await fillWallet(page);

  await page.goto(`/post/${seller.postId}`);
  await waitForHydration(page);
  await page.getByTestId('post-card').getByTestId('plan-card').first().getByTestId('plan-buy').click();
  await expect(page).toHaveURL(new RegExp(`/p/${seller.productId}\\?plan=${seller.sixMonths}$`));
  const plans = page.getByTestId('product-plans');
  await expect(plans.locator(`[data-testid="product-plan"][data-plan="${seller.sixMonths}"] input[type="radio"]`)).toBeChecked();
  await expect(plans.locator(`[data-testid="product-plan"][data-plan="${seller.twelveMonths}"] input[type="radio"]`)).not.toBeChecked();
  // Every per-payment amount has its disclosure beside it.
  await expect(plans.getByTestId('plan-per-payment')).toHaveCount(2);
  await expect(plans.getByTestId('plan-disclosure')).toHaveCount(2);

  await plans.getByTestId('buy-with-plan').click();
  await expect(page).toHaveURL(new RegExp(`/checkout/${seller.shop.handle}$`));
  await waitForHydration(page);
  const checkout = new Checkout(page);
  await expect(page.locator(`[data-testid="checkout-plan"][data-plan="${seller.sixMonths}"] input[type="radio"]`)).toBeChecked();
  await checkout.fillAddress(SAN_FRANCISCO);
  await page.getByTestId('ship-standard').check();
  await page.getByTestId('save-shipping').click();

  const payment = page.getByTestId('plan-payment');
  await expect(payment.getByTestId('plan-schedule').getByTestId('schedule-row')).toHaveCount(6);
  await expect(payment.getByTestId('plan-disclosure')).toContainText('0% APR · 6 monthly payments');
  const pay = payment.getByTestId('pay-by-plan');
  // No down payment: the first of six payments is charged now.
  await expect(pay).toHaveText(/^Pay \$\d+\.\d\d now$/);
  await pay.click();

  await expect(page.getByTestId('order-confirmation')).toBeVisible();
  const plan = page.getByTestId('order-plan');
  await expect(plan).toContainText('Paying by plan: 6 months');
  await expect(plan.getByTestId('plan-disclosure')).toContainText('0% APR · 6 monthly payments');
  const rows = plan.getByTestId('order-instalment');
  await expect(rows).toHaveCount(6);
  await expect(rows.first()).toHaveAttribute('data-status', 'paid');
  await expect(plan.locator('[data-testid="order-instalment"][data-status="scheduled"]')).toHaveCount(5);
  await expect(rows.nth(1)).toContainText('Payment 2 of 6');
  await seller.context.close();
});

test('a "$50/month" caption with no plan is flagged while composing', async ({ page, signedInUser }) => {
  expect(signedInUser.username).toBeTruthy();
  await page.goto('/compose');
  await waitForHydration(page);
  const body = page.getByLabel("What's on your mind?");
  await body.fill('New arrivals, just $50/month');
  await expect(page.getByTestId('plan-claim-warning')).toBeVisible();
  await expect(page.getByTestId('plan-claim-warning')).toContainText('no payment plan is linked');
  await body.fill('New arrivals today');
  await expect(page.getByTestId('plan-claim-warning')).toHaveCount(0);
});

import { waitForHydration } from './fixtures/pages';
import { expect, test } from './fixtures/test';
import { callServerFn, registerViaApi } from './fixtures/users';

// One single-variant product with 4 on hand, in a shop of the signed-in user.
test.use({ product: { title: 'Stocked mug', price: '12', stock: 4 } });

test('a shop owner counts and receives stock, and every change is in the ledger', async ({ page, shopWithProduct }) => {
  const { handle: shop, product_title: title } = shopWithProduct;
  await page.goto(`/s/${shop}/stock`);
  await waitForHydration(page);
  const row = page.getByTestId('stock-row').filter({ hasText: title });
  await expect(row.getByTestId('available')).toHaveText('4');

  await row.getByLabel('On hand').fill('9');
  await row.getByLabel('Reason').fill('stock count');
  await row.getByTestId('count-stock').click();
  await expect(row.getByTestId('on-hand')).toHaveText('9');

  await row.getByLabel('Units').fill('3');
  await row.getByTestId('receive-stock').click();
  await expect(row.getByTestId('on-hand')).toHaveText('12');
  const ledger = page.getByTestId('ledger');
  await expect(ledger.getByTestId('ledger-entry').first()).toContainText('Received');
  await expect(ledger).toContainText('+5 on hand');
  await expect(ledger).toContainText('stock count');

  // A count without a reason is refused with a message, and nothing changes.
  await row.getByLabel('On hand').fill('1');
  await row.getByLabel('Reason').fill('   ');
  await row.getByTestId('count-stock').click();
  await expect(row.getByTestId('form-error')).toContainText('Say why the stock changed');
  await expect(row.getByTestId('on-hand')).toHaveText('12');
});

test("nobody sees or changes another shop's stock", async ({ page, playwright, baseURL, shopWithProduct }) => {
  const shop = shopWithProduct.handle;
  await page.goto(`/s/${shop}/stock`);
  const variant = await page.getByTestId('stock-row').first().locator('input[name="variant"]').first().inputValue();

  const other = await playwright.request.newContext();
  await registerViaApi(other, baseURL!);
  const view = await callServerFn(other, baseURL!, 'stock', { handle: shop });
  expect(view.status()).toBe(403);
  const change = await callServerFn(other, baseURL!, 'stock/count', { variant, on_hand: '0', reason: 'mine now' });
  expect(change.status()).toBe(403);
  await other.dispose();
});

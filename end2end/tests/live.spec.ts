import { waitForHydration } from './fixtures/pages';
import { expect, test } from './fixtures/test';

// The real-time channel (app/src/live): one stream per page, following the
// topics its components show. A product page's stock label moves when the
// shop's stock does, in another browser, without a reload.
test.use({ product: { title: 'Live mug', price: '12', stock: 4 } });

test("a shopper's product page follows the shop's stock without reloading", async ({ page, browser, shopWithProduct }) => {
  const shopper = await browser.newContext();
  const product = await shopper.newPage();
  await product.goto(`/p/${shopWithProduct.product_id}`);
  await waitForHydration(product);
  const label = product.getByTestId('product-stock');
  await expect(label).toHaveText('Only 4 left');
  // The page opens its stream once hydrated (`<html data-live>` names its
  // topics); wait for it before changing anything.
  await expect(product.locator('html')).toHaveAttribute('data-live', /stock:/);

  await page.goto(`/s/${shopWithProduct.handle}/stock`);
  await waitForHydration(page);
  const row = page.getByTestId('stock-row').filter({ hasText: shopWithProduct.product_title });
  await row.getByLabel('On hand').fill('2');
  await row.getByLabel('Reason').fill('breakage');
  await row.getByTestId('count-stock').click();
  await expect(row.getByTestId('on-hand')).toHaveText('2');
  await expect(label).toHaveText('Only 2 left');

  await row.getByLabel('On hand').fill('0');
  await row.getByLabel('Reason').fill('sold at the market');
  await row.getByTestId('count-stock').click();
  await expect(label).toHaveText('Sold out');

  // A reload renders the same state on the server.
  await product.reload();
  await expect(product.getByTestId('product-stock')).toHaveText('Sold out');
  await shopper.close();
});

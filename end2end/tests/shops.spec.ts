import { expect, test } from '@playwright/test';
import { waitForHydration } from './fixtures/pages';
import { createProduct, openShop } from './fixtures/shops';
import { callServerFn, registerViaApi } from './fixtures/users';

test('a creator opens a shop, lists a product with two variants, and a shopper picks one', async ({ page, browser, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  const handle = await openShop(page);
  const id = await createProduct(page, handle, { title: 'Linen shirt', price: '40', stock: '3', options: [['Size', 'S, M']] });

  // The variant grid: one row per size. Reprice M and sell it out.
  const rows = page.getByTestId('variant-row');
  await expect(rows).toHaveCount(2);
  await waitForHydration(page);
  const m = rows.filter({ hasText: 'M' }).last();
  await m.getByLabel('Price').fill('45.50');
  await m.getByLabel('Stock').fill('0');
  await m.getByTestId('save-variant').click();
  await expect(m.getByTestId('form-success')).toHaveText('Saved.');

  // A guest sees the product; picking a size updates price and stock.
  const guest = await browser.newPage();
  await guest.goto(`/p/${id}`);
  await expect(guest.getByTestId('product-title')).toHaveText('Linen shirt');
  await expect(guest.getByTestId('product-price')).toHaveText('$40.00');
  await expect(guest.getByTestId('product-stock')).toHaveText('Only 3 left');
  await waitForHydration(guest);
  await guest.getByText('M', { exact: true }).click();
  await expect(guest.getByTestId('product-price')).toHaveText('$45.50');
  await expect(guest.getByTestId('product-stock')).toHaveText('Sold out');

  // The shop window lists it.
  await guest.goto(`/s/${handle}`);
  await expect(guest.getByTestId('product-card')).toHaveCount(1);
  await expect(guest.getByTestId('product-card')).toContainText('from $40.00');
  await guest.close();
});

test('a draft product is visible only to its shop owner', async ({ page, browser, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  const handle = await openShop(page, 'KES');
  const id = await createProduct(page, handle, { title: 'Secret tote', price: '3200', status: 'draft' });
  await page.goto(`/p/${id}`);
  await expect(page.getByTestId('product-price')).toHaveText('KSh 3,200.00');

  const guest = await browser.newPage();
  const res = await guest.goto(`/p/${id}`);
  expect(res?.status()).toBe(404);
  await guest.goto(`/s/${handle}`);
  await expect(guest.getByTestId('no-products')).toBeVisible();
  await guest.close();
});

test('nobody but the owner manages a shop or edits its variants', async ({ page, playwright, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  const handle = await openShop(page);
  const id = await createProduct(page, handle, { title: 'Mug', price: '12' });
  const variantId = await page.getByTestId('variant-row').locator('input[name="id"]').first().inputValue();

  const intruder = await playwright.request.newContext();
  await registerViaApi(intruder, baseURL!);
  const edit = await callServerFn(intruder, baseURL!, 'variants/update', { id: variantId, sku: 'HACK', price: '0.01', compare_at: '', stock: '999' });
  expect(edit.status()).toBe(403);
  const status = await callServerFn(intruder, baseURL!, 'products/status', { id, status: 'archived' });
  expect(status.status()).toBe(403);
  const manage = await intruder.get(`${baseURL}/s/${handle}/manage`);
  expect(manage.status()).toBe(403);
  await intruder.dispose();

  await page.goto(`/p/${id}`);
  await expect(page.getByTestId('product-price')).toHaveText('$12.00');
});

test('bad prices and options are explained', async ({ page, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  const handle = await openShop(page);
  await page.goto(`/s/${handle}/manage`);
  await waitForHydration(page);
  const form = page.getByTestId('new-product-form');
  await form.getByLabel('Title').fill('Broken');
  await form.getByLabel(/^Price/).fill('abc');
  await page.getByTestId('create-product').click();
  await expect(form.getByTestId('price-error')).toHaveText('Enter an amount like 12.50.');

  await form.getByLabel(/^Price/).fill('10');
  await form.getByLabel('Option 1', { exact: true }).fill('Size');
  await page.getByTestId('create-product').click();
  await expect(form.getByTestId('option1_values-error')).toHaveText('List the values of Size, separated by commas.');
});

test('the demo shops have products with prices in their currency', async ({ page }) => {
  await page.goto('/s/nairobi_threads');
  await expect(page.getByTestId('shop-name')).toHaveText('Nairobi Threads');
  await expect(page.getByTestId('product-card').first()).toContainText('KSh');
});

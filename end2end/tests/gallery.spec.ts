import { gradientPng } from './fixtures/images';
import { waitForHydration } from './fixtures/pages';
import { createProduct, createProductViaApi, openShop, openShopViaApi } from './fixtures/shops';
import { expect, test } from './fixtures/test';
import { callServerFn, newUser, registerViaApi } from './fixtures/users';

const png = (name: string, width: number, height: number) => ({ name, mimeType: 'image/png', buffer: gradientPng(width, height) });

test('the owner uploads a gallery and picks a cover; shoppers browse it on the product, in the shop and in search', async ({ page, browser, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  const handle = await openShop(page);
  const title = `Beaded sandals ${Date.now()}`;
  const id = await createProduct(page, handle, { title, price: '35' });
  await waitForHydration(page);

  const editor = page.getByTestId('gallery-editor');
  await expect(editor.getByTestId('gallery-count')).toContainText('0 of 10');
  const upload = page.getByTestId('gallery-upload');
  await upload.getByLabel(/^Add images/).setInputFiles([png('front.png', 900, 900), png('side.png', 1200, 800), png('sole.png', 600, 900)]);
  await upload.getByRole('button', { name: 'Upload images' }).click();
  const tiles = editor.getByTestId('gallery-image');
  await expect(tiles).toHaveCount(3);
  await expect(editor.getByTestId('gallery-count')).toContainText('3 of 10');
  await expect(tiles.first().getByTestId('gallery-cover')).toHaveText('Cover');

  // The third image becomes the cover; then the old cover (now second) goes.
  const sole = (await tiles.nth(2).locator('img').getAttribute('src'))!;
  expect(sole).toMatch(/^\/media\/posts\/.+-600\.jpg$/);
  await tiles.nth(2).getByTestId('make-cover').click();
  await expect(tiles.first().locator('img')).toHaveAttribute('src', sole);
  await tiles.nth(1).getByTestId('remove-image').click();
  await expect(tiles).toHaveCount(2);
  await expect(tiles.first().locator('img')).toHaveAttribute('src', sole);

  const guest = await browser.newPage();
  await guest.goto(`/p/${id}`);
  const gallery = guest.getByTestId('product-gallery');
  const main = gallery.getByTestId('gallery-main');
  const soleLarge = sole.replace('-600.jpg', '-1200.jpg');
  await expect(main).toHaveAttribute('alt', title);
  await expect(main).toHaveAttribute('src', soleLarge);
  await expect(main).toHaveAttribute('width', '600');
  await expect(main).toHaveAttribute('height', '900');
  // A 600 px original is stored once at its own size: the srcset must not claim a 1200 px file.
  await expect(main).toHaveAttribute('srcset', `${sole} 600w`);
  await expect.poll(() => main.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  const thumbs = gallery.getByRole('button', { name: /^Show image \d of 2$/ });
  await expect(thumbs).toHaveCount(2);
  await waitForHydration(guest);
  await thumbs.nth(1).click();
  await expect(thumbs.nth(1)).toHaveAttribute('aria-pressed', 'true');
  await expect(main).not.toHaveAttribute('src', soleLarge);
  // Keyboard: the thumbnails are buttons.
  await thumbs.nth(0).focus();
  await guest.keyboard.press('Enter');
  await expect(main).toHaveAttribute('src', soleLarge);
  await expect(thumbs.nth(0)).toHaveAttribute('aria-pressed', 'true');

  await guest.goto(`/s/${handle}`);
  await expect(guest.getByTestId('product-card').getByTestId('product-card-image')).toHaveAttribute('src', sole);
  await guest.close();

  const search = await callServerFn(page.request, baseURL!, 'products/search', { query: title });
  const picks = (await search.json()) as { id: string; image_url: string | null }[];
  expect(picks.find((p) => p.id === id)?.image_url).toBe(sole.replace('-600.jpg', '-150.jpg'));
});

test('only the shop owner changes a product gallery', async ({ page, playwright, baseURL, shopWithProduct }) => {
  const { handle, product_id: id } = shopWithProduct;
  await page.goto(`/p/${id}/edit`);
  await waitForHydration(page);
  const upload = page.getByTestId('gallery-upload');
  await upload.getByLabel(/^Add images/).setInputFiles(png('basket.png', 800, 600));
  await upload.getByRole('button', { name: 'Upload images' }).click();
  await expect(page.getByTestId('gallery-image')).toHaveCount(1);
  const imageId = await page.getByTestId('gallery-image').locator('input[name="id"]').first().inputValue();
  const addImage = { product: id, images: png('mine.png', 200, 200) };

  const guest = await playwright.request.newContext();
  const anonymous = await guest.post(`${baseURL}/api/products/images/add`, { headers: { Origin: baseURL! }, multipart: addImage });
  expect(anonymous.status()).toBe(401);
  await guest.dispose();

  const intruder = await playwright.request.newContext();
  await registerViaApi(intruder, baseURL!, newUser('intruder'));
  const add = await intruder.post(`${baseURL}/api/products/images/add`, { headers: { Origin: baseURL! }, multipart: addImage });
  expect(add.status()).toBe(403);
  expect((await callServerFn(intruder, baseURL!, 'products/images/remove', { id: imageId })).status()).toBe(403);
  expect((await callServerFn(intruder, baseURL!, 'products/images/cover', { id: imageId })).status()).toBe(403);
  expect((await intruder.get(`${baseURL}/p/${id}/edit`)).status()).toBe(403);
  const logo = await intruder.post(`${baseURL}/api/shops/image`, {
    headers: { Origin: baseURL! },
    multipart: { handle, kind: 'logo', image: png('logo.png', 100, 100) },
  });
  expect(logo.status()).toBe(403);
  await intruder.dispose();

  await page.reload();
  await expect(page.getByTestId('gallery-image')).toHaveCount(1);
});

test('files that are not images, or too many, are refused with a message', async ({ page, baseURL, shopWithProduct }) => {
  const id = shopWithProduct.product_id;
  await page.goto(`/p/${id}/edit`);
  await waitForHydration(page);
  const upload = page.getByTestId('gallery-upload');
  await upload.getByLabel(/^Add images/).setInputFiles({ name: 'mug.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('<html>not an image</html>') });
  // Every upload, refused or not, reloads the product and redraws its
  // gallery form: wait for that before using the form again.
  const reloaded = page.waitForResponse((r) => r.url().endsWith('/api/products/get'));
  await upload.getByRole('button', { name: 'Upload images' }).click();
  await reloaded;
  await expect(upload.getByTestId('form-error')).toHaveText('That file is not a JPEG, PNG or WebP image.');

  const eleven = Array.from({ length: 11 }, (_, i) => png(`m${i}.png`, 40, 40));
  await upload.getByLabel(/^Add images/).setInputFiles(eleven);
  await upload.getByRole('button', { name: 'Upload images' }).click();
  await expect(upload.getByTestId('form-error')).toHaveText('Choose at most 10 images.');
  await expect(page.getByTestId('gallery-image')).toHaveCount(0);

  const textFile = await page.request.post(`${baseURL}/api/products/images/add`, {
    headers: { Origin: baseURL! },
    multipart: { product: id, images: { name: 'x.txt', mimeType: 'text/plain', buffer: Buffer.from('hello') } },
  });
  expect(textFile.status()).toBe(415);
});

test('the owner gives the shop a logo and a cover, shown on the shop window and in the shop list', async ({ page, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  const handle = await openShop(page);
  await waitForHydration(page);
  const logoName = `Shop ${handle} logo`;
  const pictures = page.getByTestId('shop-pictures');

  const logo = page.getByTestId('shop-logo-upload');
  await logo.getByLabel(/^Logo/).setInputFiles(png('logo.png', 300, 200));
  await logo.getByRole('button', { name: 'Upload logo' }).click();
  await expect(pictures.getByRole('img', { name: logoName })).toHaveAttribute('src', /^\/media\/avatars\/.+\.jpg$/);
  const cover = page.getByTestId('shop-cover-upload');
  await cover.getByLabel(/^Cover image/).setInputFiles(png('cover.png', 1600, 600));
  await cover.getByRole('button', { name: 'Upload cover' }).click();
  await expect(pictures.getByTestId('shop-cover')).toHaveAttribute('src', /^\/media\/covers\/.+\.jpg$/);

  await page.goto(`/s/${handle}`);
  const shop = page.getByTestId('shop');
  const shownLogo = shop.getByRole('img', { name: logoName });
  await expect(shownLogo).toHaveAttribute('src', /^\/media\/avatars\/.+\.jpg$/);
  await expect.poll(() => shownLogo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(400);
  const shownCover = shop.getByTestId('shop-cover');
  await expect(shownCover).toHaveAttribute('src', /^\/media\/covers\/.+\.jpg$/);
  await expect.poll(() => shownCover.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1500);

  await page.goto('/shops');
  await expect(page.getByTestId('my-shops').getByRole('img', { name: logoName })).toHaveAttribute('src', /^\/media\/avatars\//);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the gallery upload is a plain form that comes back to the edit page', async ({ page, baseURL }) => {
    await registerViaApi(page.request, baseURL!);
    const handle = await openShopViaApi(page.request, baseURL!);
    await createProductViaApi(page.request, baseURL!, handle, 'Linen tote', '18');
    await page.goto(`/s/${handle}`);
    const href = (await page.getByTestId('product-card').getByRole('link').first().getAttribute('href'))!;
    await page.goto(`${href}/edit`);

    const upload = page.getByTestId('gallery-upload');
    await upload.getByLabel(/^Add images/).setInputFiles({ name: 'notes.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('plain text') });
    await upload.getByRole('button', { name: 'Upload images' }).click();
    await expect(page.getByTestId('gallery-upload').getByTestId('form-error')).toHaveText('That file is not a JPEG, PNG or WebP image.');

    await page.getByTestId('gallery-upload').getByLabel(/^Add images/).setInputFiles(png('tote.png', 700, 700));
    await page.getByTestId('gallery-upload').getByRole('button', { name: 'Upload images' }).click();
    await expect(page).toHaveURL(new RegExp(`${href}/edit`));
    await expect(page.getByTestId('gallery-image')).toHaveCount(1);
    await expect(page.getByTestId('gallery-upload').getByTestId('form-error')).toHaveCount(0);
  });
});

import { expect, test } from '@playwright/test';
import { waitForHydration } from './fixtures/pages';
import { gradientPng } from './fixtures/images';
import { registerViaApi } from './fixtures/users';

test.describe('profile pictures', () => {
  test('a PNG becomes the avatar shown on the profile', async ({ page, baseURL }) => {
    const user = await registerViaApi(page.request, baseURL!);
    await page.goto('/settings/profile');
    await waitForHydration(page);
    const upload = page.getByTestId('avatar-upload');
    await upload.getByLabel('Profile picture').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: gradientPng(320, 240) });
    await upload.getByRole('button', { name: 'Upload profile picture' }).click();
    const name = `${user.displayName}'s profile picture`;
    await expect(page.getByTestId('profile-pictures').getByRole('img', { name })).toHaveAttribute('src', /^\/media\/avatars\/.+\.jpg$/);
    // The header's avatar follows.
    await expect(page.getByTestId('nav-profile').getByRole('img', { name })).toHaveAttribute('src', /^\/media\/avatars\//);

    await page.goto(`/u/${user.username}`);
    const shown = page.getByTestId('profile').getByRole('img', { name: `${user.displayName}'s profile picture` });
    await expect(shown).toHaveAttribute('src', /^\/media\/avatars\/.+\.jpg$/);
    // The image really loads (served, decodable).
    expect(await shown.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(400);
  });

  test('a text file named .jpg is refused with a message', async ({ page, baseURL }) => {
    await registerViaApi(page.request, baseURL!);
    await page.goto('/settings/profile');
    await waitForHydration(page);
    const upload = page.getByTestId('avatar-upload');
    await upload.getByLabel('Profile picture').setInputFiles({ name: 'photo.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('<html>not an image</html>') });
    await upload.getByRole('button', { name: 'Upload profile picture' }).click();
    await expect(upload.getByTestId('form-error')).toHaveText('That file is not a JPEG, PNG or WebP image.');
  });

  test('a 20 MB file is refused before it is uploaded', async ({ page, baseURL }) => {
    await registerViaApi(page.request, baseURL!);
    await page.goto('/settings/profile');
    await waitForHydration(page);
    const upload = page.getByTestId('cover-upload');
    await upload.getByLabel('Cover image').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: Buffer.alloc(20 * 1024 * 1024, 1) });
    await upload.getByRole('button', { name: 'Upload cover image' }).click();
    await expect(upload.getByTestId('form-error')).toHaveText('That file is too large: the limit is 8 MB.');
  });
});

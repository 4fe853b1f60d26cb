import { expect, test } from '@playwright/test';
import { waitForHydration } from './fixtures/pages';
import { gradientPng } from './fixtures/images';
import { postViaApi } from './fixtures/posts';
import { callServerFn, registerViaApi } from './fixtures/users';

test('a creator publishes a post with an image and a follower sees it in the home feed', async ({ page, browser, baseURL }) => {
  const creator = await registerViaApi(page.request, baseURL!);
  await page.goto('/compose');
  await waitForHydration(page);
  const form = page.getByTestId('compose-form');
  await form.getByLabel("What's on your mind?").fill('New drop: hand-dyed scarves');
  await form.getByLabel(/^Images/).setInputFiles({ name: 'scarf.png', mimeType: 'image/png', buffer: gradientPng(800, 600) });
  await page.getByTestId('publish').click();
  await expect(page).toHaveURL(/\/post\/[0-9a-f-]{36}$/);
  const card = page.getByTestId('post-card');
  await expect(card.getByTestId('post-body')).toHaveText('New drop: hand-dyed scarves');
  const img = card.getByTestId('post-image').locator('img');
  await expect(img).toHaveAttribute('src', /^\/media\/posts\/.+-600\.jpg$/);
  await expect(img).toHaveAttribute('width', '800');
  await expect(img).toHaveAttribute('height', '600');

  const follower = await browser.newContext();
  await registerViaApi(follower.request, baseURL!);
  expect((await callServerFn(follower.request, baseURL!, 'follows/set', { username: creator.username, follow: 'true' })).status()).toBe(200);
  const feedPage = await follower.newPage();
  await feedPage.goto('/');
  await expect(feedPage.getByTestId('feed').getByTestId('post-body').first()).toHaveText('New drop: hand-dyed scarves');
  await follower.close();
});

test('a followers-only post never reaches a non-follower', async ({ request, browser, baseURL }) => {
  const author = await registerViaApi(request, baseURL!);
  const id = await postViaApi(request, baseURL!, 'Only for my people', { visibility: 'followers' });

  const stranger = await browser.newContext();
  await registerViaApi(stranger.request, baseURL!);
  const page = await stranger.newPage();
  const res = await page.goto(`/post/${id}`);
  expect(res?.status()).toBe(404);
  await page.goto(`/u/${author.username}`);
  await expect(page.getByTestId('profile-posts').getByTestId('feed-empty')).toBeVisible();
  const api = await callServerFn(stranger.request, baseURL!, 'posts/get', { id });
  expect(api.status()).toBe(404);
  await stranger.close();

  const fan = await browser.newContext();
  await registerViaApi(fan.request, baseURL!);
  await callServerFn(fan.request, baseURL!, 'follows/set', { username: author.username, follow: 'true' });
  const fanPage = await fan.newPage();
  await fanPage.goto(`/post/${id}`);
  await expect(fanPage.getByTestId('post-body')).toHaveText('Only for my people');
  await expect(fanPage.getByTestId('followers-only')).toBeVisible();
  await fan.close();
});

test('bad posts are refused with a message and write nothing', async ({ request, baseURL }) => {
  const author = await registerViaApi(request, baseURL!);
  const long = await request.post(`${baseURL}/api/posts/create`, {
    headers: { Origin: baseURL! },
    multipart: { body: 'x'.repeat(5001), visibility: 'public' },
  });
  expect(long.status()).toBe(422);
  expect(JSON.stringify(await long.json())).toContain('Posts can be at most 5000 characters.');

  const notImage = await request.post(`${baseURL}/api/posts/create`, {
    headers: { Origin: baseURL! },
    multipart: { body: 'look', visibility: 'public', images: { name: 'a.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('not an image') } },
  });
  expect(notImage.status()).toBe(415);

  const script = await postViaApi(request, baseURL!, '<script>window.__owned = 1</script>');
  const feed = await callServerFn(request, baseURL!, 'feed/user', { username: author.username });
  const page = (await feed.json()) as { posts: { id: string; body: string }[] };
  expect(page.posts.map((p) => p.id)).toEqual([script]);
});

test('guests must log in to compose', async ({ page }) => {
  await page.goto('/compose');
  await expect(page).toHaveURL(/\/login\?next=\/compose$/);
});

test('liking a post updates at once and is saved', async ({ request, browser, baseURL }) => {
  const author = await registerViaApi(request, baseURL!);
  await postViaApi(request, baseURL!, 'Like me maybe');
  const fan = await browser.newContext();
  await registerViaApi(fan.request, baseURL!);
  await callServerFn(fan.request, baseURL!, 'follows/set', { username: author.username, follow: 'true' });
  const page = await fan.newPage();
  await page.goto('/');
  await waitForHydration(page);
  const card = page.getByTestId('post-card').filter({ hasText: 'Like me maybe' });
  const like = card.getByTestId('like-button');
  await expect(card.getByTestId('like-count')).toHaveText('0 likes');
  await like.click();
  await expect(like).toHaveAttribute('aria-pressed', 'true');
  await expect(card.getByTestId('like-count')).toHaveText('1 like');
  await expect(like).toHaveAttribute('aria-busy', 'false');
  await page.reload();
  await expect(card.getByTestId('like-count')).toHaveText('1 like');
  await expect(card.getByTestId('like-button')).toHaveAttribute('aria-pressed', 'true');
  await fan.close();
});

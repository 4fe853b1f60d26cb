import { expect, test } from '@playwright/test';
import { callServerFn, newUser, registerViaApi } from './fixtures/users';

// Bad input and hostile requests get a clear message and a 4xx, and write nothing.

test('a state-changing request without an Origin is refused', async ({ request, baseURL }) => {
  const user = newUser();
  const res = await request.post(`${baseURL}/api/auth/register`, {
    form: { username: user.username, email: user.email, password: user.password },
  });
  expect(res.status()).toBe(403);
  expect(await res.text()).toContain('Request refused');
  // Nothing was written: the name is still free.
  const ok = await callServerFn(request, baseURL!, 'auth/register', { username: user.username, email: user.email, password: user.password });
  expect(ok.status()).toBe(200);
});

test('a request from another site is refused', async ({ request, baseURL }) => {
  const res = await request.post(`${baseURL}/api/auth/logout`, { headers: { Origin: 'https://evil.example' } });
  expect(res.status()).toBe(403);
});

test('a guessed session id is nobody', async ({ playwright, baseURL }) => {
  const guessed = await playwright.request.newContext({
    extraHTTPHeaders: { Cookie: 'sf_session=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', Origin: baseURL! },
  });
  const me = await guessed.post(`${baseURL}/api/auth/me`);
  expect(await me.json()).toBeNull();
  const update = await guessed.post(`${baseURL}/api/profiles/update`, {
    form: { display_name: 'Hijacked', bio: '', location: '', website: '' },
  });
  expect(update.status()).toBe(401);
  await guessed.dispose();
});

test('over-long and malformed fields get 422 and a message', async ({ request, baseURL }) => {
  const bad = await callServerFn(request, baseURL!, 'auth/register', { username: 'x'.repeat(31), email: 'a@b.co', password: 'long-enough' });
  expect(bad.status()).toBe(422);
  expect(JSON.stringify(await bad.json())).toContain('Usernames are 3–30 characters long.');

  await registerViaApi(request, baseURL!);
  const bio = await callServerFn(request, baseURL!, 'profiles/update', { display_name: 'Ok', bio: 'b'.repeat(251), location: '', website: '' });
  expect(bio.status()).toBe(422);
  expect(JSON.stringify(await bio.json())).toContain('Bio can be at most 250 characters.');

  const site = await callServerFn(request, baseURL!, 'profiles/update', { display_name: 'Ok', bio: '', location: '', website: 'javascript:alert(1)' });
  expect(site.status()).toBe(422);
});

test('user-written text is shown as text, never as markup', async ({ page, baseURL }) => {
  const user = await registerViaApi(page.request, baseURL!);
  const res = await callServerFn(page.request, baseURL!, 'profiles/update', {
    display_name: '<img src=x onerror=alert(1)>',
    bio: '<script>window.__pwned = true</script>',
    location: '',
    website: '',
  });
  expect(res.status()).toBe(200);
  await page.goto(`/u/${user.username}`);
  await expect(page.getByTestId('profile-bio')).toHaveText('<script>window.__pwned = true</script>');
  expect(await page.evaluate(() => (window as unknown as { __pwned?: boolean }).__pwned)).toBeUndefined();
  await expect(page.getByTestId('profile-display-name')).toContainText('<img src=x onerror=alert(1)>');
});

test('uploads: non-images get 415, oversized files 413, guests 401', async ({ request, baseURL }) => {
  const guest = await request.post(`${baseURL}/api/profiles/image`, {
    headers: { Origin: baseURL! },
    multipart: { kind: 'avatar', image: { name: 'a.png', mimeType: 'image/png', buffer: Buffer.from('x') } },
  });
  expect(guest.status()).toBe(401);

  await registerViaApi(request, baseURL!);
  const text = await request.post(`${baseURL}/api/profiles/image`, {
    headers: { Origin: baseURL! },
    multipart: { kind: 'avatar', image: { name: 'cat.jpg', mimeType: 'image/jpeg', buffer: Buffer.from('GIF89a... not really') } },
  });
  expect(text.status()).toBe(415);

  const big = await request.post(`${baseURL}/api/profiles/image`, {
    headers: { Origin: baseURL! },
    multipart: { kind: 'avatar', image: { name: 'big.jpg', mimeType: 'image/jpeg', buffer: Buffer.alloc(20 * 1024 * 1024, 7) } },
  });
  expect(big.status()).toBe(413);
  expect(JSON.stringify(await big.json())).toContain('8');
});

test('you cannot follow yourself or someone who does not exist', async ({ request, baseURL }) => {
  const me = await registerViaApi(request, baseURL!);
  const self = await callServerFn(request, baseURL!, 'follows/set', { username: me.username, follow: 'true' });
  expect(self.status()).toBe(422);
  const ghost = await callServerFn(request, baseURL!, 'follows/set', { username: 'no_such_person_x', follow: 'true' });
  expect(ghost.status()).toBe(404);
});

test('too many wrong passwords for one account are throttled', async ({ request, baseURL }) => {
  const user = await registerViaApi(request, baseURL!);
  const statuses: number[] = [];
  for (let i = 0; i < 6; i++) {
    const res = await callServerFn(request, baseURL!, 'auth/login', { identifier: user.username, password: `wrong-${i}-password` });
    statuses.push(res.status());
  }
  expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
  expect(statuses[5]).toBe(429);
  // From the same address even the right password waits out the backoff: it
  // is refused before any password is checked (another address is not held
  // back: app/src/accounts/login.rs tests that).
  const right = await callServerFn(request, baseURL!, 'auth/login', { identifier: user.username, password: user.password });
  expect(right.status()).toBe(429);
  expect(await right.json()).toHaveProperty('RateLimited.retry_after_secs');
});

test('names in the page title and text in edit forms cannot close their element', async ({ browser, baseURL }) => {
  // Leptos writes <title> and <textarea> contents raw on the server; the app escapes them.
  const ctx = await browser.newContext({ javaScriptEnabled: false });
  const user = await registerViaApi(ctx.request, baseURL!);
  const res = await callServerFn(ctx.request, baseURL!, 'profiles/update', {
    display_name: '</title><i id=owned>x</i>',
    bio: '</textarea><i id=owned2>y</i>',
    location: '',
    website: '',
  });
  expect(res.status()).toBe(200);
  const page = await ctx.newPage();
  await page.goto(`/u/${user.username}`);
  await expect(page).toHaveTitle(new RegExp('</title><i id=owned>x</i>'));
  await expect(page.locator('#owned')).toHaveCount(0);
  await page.goto('/settings/profile');
  await expect(page.getByLabel('Bio')).toHaveValue('</textarea><i id=owned2>y</i>');
  await expect(page.locator('#owned2')).toHaveCount(0);
  await ctx.close();
});

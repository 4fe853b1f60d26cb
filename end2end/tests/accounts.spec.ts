import { expect, test } from '@playwright/test';
import { EditProfilePage, Header, LoginPage, ProfilePage, RegisterPage, waitForHydration } from './fixtures/pages';
import { callServerFn, newUser, registerViaApi } from './fixtures/users';

test('a new user registers, logs out, logs back in, edits their profile and follows someone', async ({ page, request, baseURL }) => {
  const other = await registerViaApi(request, baseURL!, newUser('other'));
  const me = newUser('me');
  const header = new Header(page);

  const register = new RegisterPage(page);
  await register.goto();
  await waitForHydration(page);
  await register.register(me);
  // Registration signs nobody in (it answers the same for a taken email): log in next.
  await expect(page.getByTestId('check-email')).toBeVisible();
  await header.expectSignedOut();
  const firstLogin = new LoginPage(page);
  await firstLogin.goto();
  await waitForHydration(page);
  await firstLogin.logIn(me.username, me.password);
  await header.expectSignedIn(me);

  await header.logOut();

  const login = new LoginPage(page);
  await login.goto();
  await waitForHydration(page);
  await login.logIn(me.username, me.password);
  await header.expectSignedIn(me);

  const edit = new EditProfilePage(page);
  await edit.goto();
  await edit.save({ displayName: 'Morgan Tester', bio: 'I tag what I buy.', location: 'Nairobi', website: 'morgan.example' });
  await expect(page.getByTestId('form-success')).toHaveText('Profile saved.');

  const profile = new ProfilePage(page);
  await profile.goto(me.username);
  await expect(page.getByTestId('profile-display-name')).toContainText('Morgan Tester');
  await expect(page.getByTestId('profile-bio')).toHaveText('I tag what I buy.');
  await expect(page.getByTestId('profile-location')).toContainText('Nairobi');
  await expect(page.getByTestId('profile-website')).toHaveAttribute('href', 'https://morgan.example');

  await profile.goto(other.username);
  await waitForHydration(page);
  await expect(profile.followersCount).toHaveText('0');
  await profile.followButton.click();
  await expect(profile.followButton).toHaveText('Following');
  await expect(profile.followersCount).toHaveText('1');
  await expect(profile.followButton).toHaveAttribute('aria-busy', 'false');

  // The follow was saved: it survives a reload and shows in both lists.
  await page.reload();
  await expect(profile.followButton).toHaveText('Following');
  await expect(profile.followersCount).toHaveText('1');
  await page.goto(`/u/${other.username}/followers`);
  await expect(page.getByTestId('person-row')).toHaveCount(1);
  await expect(page.getByTestId('person-row')).toContainText(`@${me.username}`);
  await page.goto(`/u/${me.username}`);
  await expect(page.getByTestId('following-count')).toHaveText('1');

  // And unfollowing puts the counts back.
  await profile.goto(other.username);
  await waitForHydration(page);
  await profile.followButton.click();
  await expect(profile.followButton).toHaveText('Follow');
  await expect(profile.followersCount).toHaveText('0');
  await expect(profile.followButton).toHaveAttribute('aria-busy', 'false');
  await page.reload();
  await expect(profile.followersCount).toHaveText('0');
});

test('a wrong password shows one generic message', async ({ page, request, baseURL }) => {
  const user = await registerViaApi(request, baseURL!);
  const login = new LoginPage(page);
  await login.goto();
  await waitForHydration(page);
  await login.logIn(user.username, 'not-the-password');
  await expect(login.error).toHaveText('Wrong username, email or password.');

  // An unknown account gets exactly the same message.
  await login.logIn('nobody_by_this_name', 'whatever-password');
  await expect(login.error).toHaveText('Wrong username, email or password.');
  await new Header(page).expectSignedOut();
});

test('logging in by email works too', async ({ page, request, baseURL }) => {
  const user = await registerViaApi(request, baseURL!);
  const login = new LoginPage(page);
  await login.goto();
  await waitForHydration(page);
  await login.logIn(user.email.toUpperCase(), user.password);
  await new Header(page).expectSignedIn(user);
});

test('a username taken in another case is refused with a message', async ({ page, request, baseURL }) => {
  const existing = await registerViaApi(request, baseURL!);
  const register = new RegisterPage(page);
  await register.goto();
  await waitForHydration(page);
  await register.register({ username: existing.username.toUpperCase(), email: `x${existing.email}`, password: existing.password });
  await expect(page.getByTestId('username-error')).toHaveText('That username is taken.');
  await new Header(page).expectSignedOut();
});

test('a short password and a bad email are explained', async ({ page }) => {
  const register = new RegisterPage(page);
  await register.goto();
  await waitForHydration(page);
  const user = newUser();
  // Turn off the browser's own checks to see the server's messages.
  await page.locator('[data-testid="register-form"]').evaluate((el) => el.closest('form')!.setAttribute('novalidate', ''));
  await register.register({ username: user.username, email: 'not-an-email', password: 'short1' });
  await expect(page.getByTestId('email-error')).toHaveText('Enter a valid email address.');
});

test('after login the user lands where they were going', async ({ page, request, baseURL }) => {
  const user = await registerViaApi(request, baseURL!);
  const login = new LoginPage(page);
  await login.goto('/settings/profile');
  await waitForHydration(page);
  await login.logIn(user.username, user.password);
  await expect(page).toHaveURL(/\/settings\/profile$/);
  await expect(page.getByTestId('profile-form')).toBeVisible();
});

test('a login never sends the browser to another site, whatever `next` says', async ({ request, baseURL }) => {
  const user = await registerViaApi(request, baseURL!);
  for (const next of ['/\t/evil.example', '/\n/evil.example', '//evil.example', '/\\evil.example', 'https://evil.example', '/%09/evil.example']) {
    const res = await callServerFn(request, baseURL!, 'auth/login', { identifier: user.username, password: user.password, next });
    expect(res.status(), JSON.stringify(next)).toBe(200);
    expect(res.headers()['location'], JSON.stringify(next)).toBe('/');
  }
  const kept = await callServerFn(request, baseURL!, 'auth/login', { identifier: user.username, password: user.password, next: '/settings/profile?tab=1' });
  expect(kept.headers()['location']).toBe('/settings/profile?tab=1');
});

test('control characters in the login page\'s next are harmless', async ({ page, request, baseURL }) => {
  const user = await registerViaApi(request, baseURL!);
  for (const next of ['%09/evil.example', '%00', '%0A/evil.example']) {
    const res = await page.goto(`/login?next=${next}`);
    expect(res!.status(), next).toBeLessThan(500);
  }
  // The form posts whatever `next` holds; the server keeps the browser on this site.
  await page.goto('/login');
  await waitForHydration(page);
  await page.locator('input[name="next"]').evaluate((el) => ((el as HTMLInputElement).value = '/\t/evil.example'));
  await new LoginPage(page).logIn(user.username, user.password);
  await expect(page).toHaveURL(`${baseURL}/`);
});

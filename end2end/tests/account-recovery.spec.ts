import { expect, test } from '@playwright/test';
import { Header, LoginPage, RegisterPage, waitForHydration } from './fixtures/pages';
import { callServerFn, latestMail, newUser, registerViaApi } from './fixtures/users';

// Password reset and email verification through the mail outbox: a test
// reads the mail the server wrote through the test controls (`test/mail`),
// as a user would open it in their inbox.

const NEW_PASSWORD = 'velvet-harbor-quartz-19';

test('a forgotten password is reset through the mailed link, then the new one logs in', async ({ page, request, baseURL }) => {
  const user = await registerViaApi(request, baseURL!);

  await page.goto('/login');
  await waitForHydration(page);
  await page.getByRole('link', { name: 'Forgot your password?' }).click();
  await expect(page).toHaveURL(/\/forgot-password$/);
  await page.getByTestId('forgot-password-form').getByLabel('Email').fill(user.email);
  await page.getByTestId('forgot-password-submit').click();
  await expect(page.getByTestId('check-email')).toContainText('If that address has a Storefeed account');

  const mail = await latestMail(request, baseURL!, user.email, 'password_reset');
  expect(mail.subject).toBe('Reset your Storefeed password');
  expect(mail.link).toMatch(/^\/reset-password\?token=[A-Za-z0-9_-]{43}$/);

  await page.goto(mail.link!);
  await waitForHydration(page);
  await page.getByTestId('reset-password-form').getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
  await page.getByTestId('reset-password-submit').click();
  await expect(page).toHaveURL(/\/login\?reset=done$/);
  await expect(page.getByTestId('password-reset-done')).toBeVisible();

  const login = new LoginPage(page);
  await login.logIn(user.username, user.password);
  await expect(login.error).toHaveText('Wrong username, email or password.');
  await login.logIn(user.username, NEW_PASSWORD);
  await new Header(page).expectSignedIn(user);

  // The link worked once, and the reset signed out the session `request` had.
  const token = new URL(mail.link!, baseURL).searchParams.get('token')!;
  const again = await callServerFn(request, baseURL!, 'auth/reset-password', { token, password: 'another-quiet-lantern-8' });
  expect(again.status()).toBe(422);
  expect(JSON.stringify(await again.json())).toContain('This reset link has expired or was already used.');
  const me = await callServerFn(request, baseURL!, 'auth/me', {});
  expect(await me.json()).toBeNull();
});

test('a weak password is refused at registration with a clear message', async ({ page }) => {
  const register = new RegisterPage(page);
  await register.goto();
  await waitForHydration(page);
  await register.register({ ...newUser('weak'), password: 'password123' });
  await expect(page.getByTestId('password-error')).toContainText('This password is too easy to guess.');
  await expect(page.getByTestId('check-email')).toHaveCount(0);
  await new Header(page).expectSignedOut();
});

test('registering looks the same for a new and a taken email, and the mailed link verifies the address', async ({ page, request, baseURL }) => {
  const user = newUser('verify');
  const register = new RegisterPage(page);
  await register.goto();
  await waitForHydration(page);
  await register.register(user);
  await expect(page.getByTestId('check-email')).toBeVisible();
  const firstAnswer = await page.getByTestId('check-email').textContent();

  // Someone else tries the same address: the same page; the owner's mail says the rest.
  await register.goto();
  await waitForHydration(page);
  await register.register({ ...newUser('again'), email: user.email });
  await expect(page.getByTestId('check-email')).toBeVisible();
  expect(await page.getByTestId('check-email').textContent()).toBe(firstAnswer);
  const notice = await latestMail(request, baseURL!, user.email, 'register_existing');
  expect(notice.subject).toBe('Someone tried to register with your address');

  const login = new LoginPage(page);
  await login.goto();
  await waitForHydration(page);
  await login.logIn(user.username, user.password);
  await new Header(page).expectSignedIn(user);
  await page.goto('/settings/profile');
  await expect(page.getByTestId('email-unverified-badge')).toHaveText('Not verified yet');
  await expect(page.getByTestId('resend-verification')).toBeVisible();

  const verification = await latestMail(request, baseURL!, user.email, 'verify_email');
  expect(verification.link).toMatch(/^\/verify-email\?token=/);
  await page.goto(verification.link!);
  await expect(page.getByTestId('email-verified')).toBeVisible();
  await page.goto('/settings/profile');
  await expect(page.getByTestId('email-verified-badge')).toHaveText('Verified');
  await expect(page.getByTestId('resend-verification')).toHaveCount(0);
});

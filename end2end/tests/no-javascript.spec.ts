import { expect, test } from '@playwright/test';
import { Header, LoginPage } from './fixtures/pages';
import { registerViaApi } from './fixtures/users';

// Forms are server-rendered ActionForms: they must work before (or without)
// the WASM client.
test.use({ javaScriptEnabled: false });

test('logging in works with JavaScript disabled', async ({ page, request, baseURL }) => {
  const user = await registerViaApi(request, baseURL!);
  const login = new LoginPage(page);
  await login.goto();
  await login.logIn(user.username, user.password);
  await expect(page).toHaveURL(`${baseURL}/`);
  await new Header(page).expectSignedIn(user);
  await expect(page.getByTestId('home-welcome')).toContainText(`Welcome back, ${user.displayName}`);
});

test('a wrong password is explained with JavaScript disabled', async ({ page, request, baseURL }) => {
  const user = await registerViaApi(request, baseURL!);
  const login = new LoginPage(page);
  await login.goto();
  await login.logIn(user.username, 'definitely-wrong');
  await expect(login.error).toHaveText('Wrong username, email or password.');
  await new Header(page).expectSignedOut();
});

test('logging out works with JavaScript disabled', async ({ page, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  await page.goto('/');
  const header = new Header(page);
  await header.logoutButton.click();
  await header.expectSignedOut();
});

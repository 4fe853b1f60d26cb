import { expect, test } from './fixtures/test';
import { EditProfilePage, ProfilePage, waitForHydration } from './fixtures/pages';
import { postViaApi } from './fixtures/posts';
import { newUser, registerViaApi } from './fixtures/users';

test('a private account shows its posts only to the followers it accepts', async ({ page, signedInUser, browser, baseURL }) => {
  const owner = signedInUser;
  const body = 'Only for the people I approve';
  const postId = await postViaApi(page.request, baseURL!, body);

  // The owner makes the account private.
  const edit = new EditProfilePage(page);
  await edit.goto();
  await edit.form.getByLabel('Private account').check();
  await page.getByTestId('profile-save').click();
  await expect(page.getByTestId('form-success')).toHaveText('Profile saved.');

  // Someone signed out sees the header and the notice, never the post.
  const visitor = await browser.newContext();
  const visitorPage = await visitor.newPage();
  await visitorPage.goto(`/u/${owner.username}`);
  await expect(visitorPage.getByTestId('private-account-notice')).toContainText('This account is private');
  expect((await visitorPage.goto(`/post/${postId}`))?.status()).toBe(404);
  await visitor.close();

  // A second user sees "private", no posts, and asks to follow.
  const second = await browser.newContext();
  const reader = await registerViaApi(second.request, baseURL!, newUser('reader'));
  const readerPage = await second.newPage();
  const profile = new ProfilePage(readerPage);
  await profile.goto(owner.username);
  await expect(readerPage.getByTestId('private-badge')).toBeVisible();
  await expect(readerPage.getByTestId('private-account-notice')).toContainText(
    'This account is private — follow to see their posts.',
  );
  await expect(readerPage.getByTestId('grid-tile')).toHaveCount(0);
  await waitForHydration(readerPage);
  await expect(profile.followButton).toHaveText('Follow');
  await profile.followButton.click();
  await expect(profile.followButton).toHaveText('Requested');
  await expect(profile.followButton).toHaveAttribute('aria-busy', 'false');
  await expect(profile.followersCount).toHaveText('0');

  // The request was saved, and it unlocks nothing yet.
  await profile.goto(owner.username);
  await expect(profile.followButton).toHaveText('Requested');
  await expect(readerPage.getByTestId('private-account-notice')).toBeVisible();
  await expect(readerPage.getByTestId('grid-tile')).toHaveCount(0);
  expect((await readerPage.goto(`/post/${postId}`))?.status()).toBe(404);

  // The owner finds the request from their profile and accepts it.
  await page.goto(`/u/${owner.username}`);
  await expect(page.getByTestId('follow-requests-count')).toHaveText('1');
  await expect(page.getByTestId('follow-requests-link')).toHaveAttribute('href', '/follow-requests');
  await page.goto('/follow-requests');
  const request = page.getByTestId('follow-request').filter({ hasText: `@${reader.username}` });
  await expect(request).toHaveCount(1);
  await waitForHydration(page);
  await request.getByTestId('accept-request').click();
  await expect(page.getByTestId('no-follow-requests')).toBeVisible();

  // The second user now follows and sees the posts.
  await profile.goto(owner.username);
  await expect(profile.followButton).toHaveText('Following');
  await expect(profile.followersCount).toHaveText('1');
  await expect(readerPage.getByTestId('private-account-notice')).toHaveCount(0);
  await expect(readerPage.getByTestId('grid-tile')).toHaveCount(1);
  await expect(readerPage.getByTestId('grid-tile')).toHaveAttribute('aria-label', body);
  await readerPage.goto(`/post/${postId}`);
  await expect(readerPage.getByTestId('post-body')).toHaveText(body);
  await second.close();
});

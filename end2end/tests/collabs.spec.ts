import { APIRequestContext, Browser, Locator, Page } from '@playwright/test';
import { waitForHydration } from './fixtures/pages';
import { expect, SeededUser, seedScenario, test } from './fixtures/test';
import { callServerFn } from './fixtures/users';

// Issue 16, part 5: collaborative posts. The creator invites co-authors
// while composing or editing; each answers on /collabs (in their own
// browser here); an accepted post shows on every co-author's profile with
// the byline "By @creator and @coauthor".

/** A public post by `request`'s user inviting `collaborators` (as the compose form sends it); returns its id. */
async function collabPostViaApi(request: APIRequestContext, baseURL: string, body: string, collaborators: string): Promise<string> {
  const res = await request.post(`${baseURL}/api/posts/create`, {
    headers: { Origin: baseURL },
    multipart: { body, visibility: 'public', intent: 'publish', collaborators },
  });
  expect(res.status(), await res.text()).toBe(200);
  return (await res.json()) as string;
}

/** A second person in a browser context of their own, signed in. */
async function otherPerson(browser: Browser, baseURL: string, prefix: string) {
  const context = await browser.newContext();
  const { user } = await seedScenario(context.request, baseURL, { prefix });
  const page = await context.newPage();
  return { context, user, page };
}

/** The square tile of `postId` on a profile's grid. */
function tile(page: Page, postId: string): Locator {
  return page.locator(`[data-testid="grid-tile"][href="/post/${postId}"]`);
}

function invite(page: Page, postId: string): Locator {
  return page.locator(`[data-testid="invite"][data-post-id="${postId}"]`);
}

function byline(page: Page): Locator {
  return page.getByTestId('post-card').getByTestId('byline');
}

/** The byline reads "By @creator and @coauthor", each name a link to the profile. */
async function expectJointByline(page: Page, creator: SeededUser, coauthor: SeededUser) {
  await expect(byline(page)).toHaveText(`By @${creator.username} and @${coauthor.username}`);
  for (const who of [creator, coauthor]) {
    await expect(byline(page).getByRole('link', { name: `@${who.username}`, exact: true })).toHaveAttribute('href', `/u/${who.username}`);
  }
}

test('an invitation accepted in another browser puts the post on both profiles with the joint byline', async ({
  page,
  browser,
  baseURL,
  signedInUser,
}) => {
  const creator = signedInUser;
  const bee = await otherPerson(browser, baseURL!, 'coauthor');
  const text = `Our joint drop ${Date.now().toString(36)}`;

  // The creator composes the post, naming the co-author in the Collaborators field.
  await page.goto('/compose');
  await waitForHydration(page);
  const form = page.getByTestId('compose-form');
  await form.getByLabel("What's on your mind?").fill(text);
  await form.getByLabel('Collaborators').fill(`@${bee.user.username}`);
  await page.getByTestId('publish').click();
  await expect(page).toHaveURL(/\/post\/[0-9a-f-]{36}$/);
  const postId = new URL(page.url()).pathname.split('/').pop()!;
  // Until they answer, only the creator reads who is pending.
  await expect(page.getByTestId('pending-collab')).toHaveText(`Pending collaboration with @${bee.user.username}`);
  await expect(byline(page)).toHaveCount(0);

  // The co-author finds the invitation from the Me page, with the post.
  await bee.page.goto('/me');
  await expect(bee.page.getByTestId('me-collabs')).toContainText('Collaboration invites (1)');
  await bee.page.getByTestId('me-collabs').click();
  await expect(bee.page).toHaveURL(/\/collabs$/);
  await expect(bee.page.getByTestId('collabs-heading')).toHaveText('Collaboration invites');
  const item = invite(bee.page, postId);
  await expect(item.getByTestId('invite-from')).toContainText(`@${creator.username} invited you to co-author this post.`);
  await expect(item.getByTestId('post-body')).toHaveText(text);
  await waitForHydration(bee.page);
  await item.getByTestId('accept-invite').click();
  await expect(bee.page.getByTestId('collab-accepted')).toBeVisible();
  await expect(invite(bee.page, postId)).toHaveCount(0);
  await expect(bee.page.getByTestId('no-invites')).toBeVisible();

  // On the co-author's profile, marked as a collaboration, with the joint byline.
  await bee.page.goto(`/u/${bee.user.username}`);
  await expect(tile(bee.page, postId)).toBeVisible();
  await expect(tile(bee.page, postId).getByTestId('collab-badge')).toHaveText('Collab');
  await tile(bee.page, postId).click();
  await expect(bee.page).toHaveURL(new RegExp(`/post/${postId}$`));
  await expectJointByline(bee.page, creator, bee.user);
  await expect(bee.page.getByTestId('coauthor-panel')).toContainText('You co-author this post');

  // And on the creator's, the same post, no longer pending.
  await page.goto(`/u/${creator.username}`);
  await expect(tile(page, postId)).toBeVisible();
  await page.goto(`/post/${postId}`);
  await expectJointByline(page, creator, bee.user);
  await expect(page.getByTestId('pending-collab')).toHaveCount(0);

  // A signed-out reader sees the byline too.
  const guest = await browser.newContext();
  const guestPage = await guest.newPage();
  await guestPage.goto(`/post/${postId}`);
  await expectJointByline(guestPage, creator, bee.user);
  await guest.close();
  await bee.context.close();
});

test('a declined invitation leaves the post to its creator alone', async ({ page, browser, baseURL, signedInUser }) => {
  const bee = await otherPerson(browser, baseURL!, 'decliner');
  const postId = await collabPostViaApi(page.request, baseURL!, 'Want to co-author this?', bee.user.username);

  await bee.page.goto('/collabs');
  await waitForHydration(bee.page);
  await invite(bee.page, postId).getByTestId('decline-invite').click();
  await expect(bee.page.getByTestId('no-invites')).toBeVisible();
  // Nothing is kept: no byline, no pending line, not on their profile.
  await page.goto(`/post/${postId}`);
  await expect(page.getByTestId('pending-collab')).toHaveCount(0);
  await expect(byline(page)).toHaveCount(0);
  await bee.page.goto(`/u/${bee.user.username}`);
  await expect(tile(bee.page, postId)).toHaveCount(0);
  // The invitation can no longer be accepted.
  const late = await callServerFn(bee.context.request, baseURL!, 'collabs/accept', { post_id: postId });
  expect(late.status()).toBe(404);
  await bee.context.close();
});

test('a co-author leaves from the post page; the creator invites and removes on the edit page', async ({
  page,
  browser,
  baseURL,
  signedInUser,
}) => {
  const creator = signedInUser;
  const bee = await otherPerson(browser, baseURL!, 'leaver');
  const cee = await otherPerson(browser, baseURL!, 'invitee');
  const postId = await collabPostViaApi(page.request, baseURL!, 'For a while together', `@${bee.user.username}`);
  const accept = await callServerFn(bee.context.request, baseURL!, 'collabs/accept', { post_id: postId });
  expect(accept.status(), await accept.text()).toBe(200);

  // The co-author leaves: the post stays, without their name, and leaves their profile.
  await bee.page.goto(`/post/${postId}`);
  await expectJointByline(bee.page, creator, bee.user);
  await waitForHydration(bee.page);
  await bee.page.getByTestId('leave-collab').click();
  await expect(bee.page.getByTestId('coauthor-panel')).toHaveCount(0);
  await expect(byline(bee.page)).toHaveCount(0);
  await bee.page.goto(`/u/${bee.user.username}`);
  await expect(tile(bee.page, postId)).toHaveCount(0);

  // The creator invites someone else from the edit page, then removes them.
  await page.goto(`/post/${postId}/edit`);
  await waitForHydration(page);
  const editor = page.getByTestId('collaborators-editor');
  await expect(editor.getByTestId('no-collaborators')).toBeVisible();
  await editor.getByLabel('Invite collaborators').fill(cee.user.username);
  await editor.getByTestId('invite-collaborators').click();
  const row = editor.locator(`[data-testid="collaborator"][data-username="${cee.user.username}"]`);
  await expect(row.getByTestId('collaborator-status')).toHaveText('Invited');
  // Inviting them twice is refused with a message.
  await editor.getByLabel('Invite collaborators').fill(`@${cee.user.username}`);
  await editor.getByTestId('invite-collaborators').click();
  await expect(editor.getByTestId('collaborators-error')).toHaveText(`@${cee.user.username} is already invited.`);
  await row.getByRole('button', { name: `Remove @${cee.user.username}` }).click();
  await expect(editor.getByTestId('no-collaborators')).toBeVisible();
  await cee.page.goto('/collabs');
  await expect(cee.page.getByTestId('no-invites')).toBeVisible();

  // Only the creator manages collaborators.
  const hijack = await callServerFn(bee.context.request, baseURL!, 'collabs/invite', { post_id: postId, collaborators: bee.user.username });
  expect(hijack.status()).toBe(403);
  await bee.context.close();
  await cee.context.close();
});

test('usernames that look like markup are refused, and the refusal shows them as text', async ({ page, baseURL, signedInUser }) => {
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const script = '<script>alert(1)</script>';
  await page.goto('/compose');
  await waitForHydration(page);
  const form = page.getByTestId('compose-form');
  await form.getByLabel("What's on your mind?").fill('Nothing to see');
  await form.getByLabel('Collaborators').fill(script);
  await page.getByTestId('publish').click();
  await expect(form.getByTestId('form-error')).toContainText(`“${script}” is not a username`);
  await expect(page).toHaveURL(/\/compose$/);

  // The same on the edit page's invite field.
  const postId = await collabPostViaApi(page.request, baseURL!, 'Solo for now', '');
  await page.goto(`/post/${postId}/edit`);
  await waitForHydration(page);
  const editor = page.getByTestId('collaborators-editor');
  const img = '<img/src=x/onerror=alert(2)>';
  await editor.getByLabel('Invite collaborators').fill(img);
  await editor.getByTestId('invite-collaborators').click();
  await expect(editor.getByTestId('collaborators-error')).toContainText(`“${img}” is not a username`);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  // And over the API: a 422, nothing invited.
  const res = await callServerFn(page.request, baseURL!, 'collabs/invite', { post_id: postId, collaborators: script });
  expect(res.status()).toBe(422);
  await expect(editor.getByTestId('no-collaborators')).toBeVisible();
  expect(dialogs).toEqual([]);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('an invitation is accepted with a plain form', async ({ page, browser, baseURL, signedInUser }) => {
    const creator = signedInUser;
    const invitee = await browser.newContext({ javaScriptEnabled: false });
    const { user } = await seedScenario(invitee.request, baseURL!, { prefix: 'plain' });
    const postId = await collabPostViaApi(page.request, baseURL!, 'Plain forms work too', user.username);

    const inviteePage = await invitee.newPage();
    await inviteePage.goto('/collabs');
    await invite(inviteePage, postId).getByTestId('accept-invite').click();
    // The form's way back is the page it was sent from (maybe with an empty query).
    await expect(inviteePage).toHaveURL(/\/collabs\??$/);
    await expect(inviteePage.getByTestId('no-invites')).toBeVisible();
    await inviteePage.goto(`/u/${user.username}`);
    await expect(tile(inviteePage, postId)).toBeVisible();
    await inviteePage.goto(`/post/${postId}`);
    await expectJointByline(inviteePage, creator, user);
    await invitee.close();
  });
});

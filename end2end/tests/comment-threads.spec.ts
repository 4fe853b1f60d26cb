import { APIRequestContext, Locator, Page } from '@playwright/test';
import { waitForHydration } from './fixtures/pages';
import { postViaApi } from './fixtures/posts';
import { expect, test } from './fixtures/test';
import { callServerFn } from './fixtures/users';

// Issue 16, item 2: conversations. Threads are set up through the server
// functions (as the signed-in `signedInUser`); what is checked is what the
// reader sees and does on the post page.

interface Comment {
  id: string;
  body: string;
  parent_id: string | null;
}
interface Thread {
  root: Comment;
  replies: Comment[];
}

async function threads(request: APIRequestContext, baseURL: string, postId: string): Promise<Thread[]> {
  const res = await callServerFn(request, baseURL, 'comments/list', { post_id: postId });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { threads: Thread[] }).threads;
}

/** Adds a top-level comment; returns its id. */
async function addComment(request: APIRequestContext, baseURL: string, postId: string, body: string) {
  const res = await callServerFn(request, baseURL, 'comments/add', { post_id: postId, body });
  expect(res.status(), await res.text()).toBe(200);
  const all = await threads(request, baseURL, postId);
  return all.find((t) => t.root.body === body)!.root.id;
}

/** Replies to `parentId`; returns the new reply's id. */
async function addReply(request: APIRequestContext, baseURL: string, postId: string, parentId: string, body: string) {
  const res = await callServerFn(request, baseURL, 'comments/reply', { parent_id: parentId, body });
  expect(res.status(), await res.text()).toBe(200);
  const all = await threads(request, baseURL, postId);
  return all.flatMap((t) => t.replies).find((r) => r.body === body)!.id;
}

/** One comment as the page shows it (its own article, not its replies). */
function commentById(page: Page, id: string): Locator {
  return page.locator(`article[data-testid="comment"][data-comment-id="${id}"]`);
}

function threadOf(page: Page, rootId: string): Locator {
  return page.locator(`li[data-testid="comment-thread"][data-comment-id="${rootId}"]`);
}

async function openPost(page: Page, postId: string) {
  await page.goto(`/post/${postId}`);
  await waitForHydration(page);
}

test('a three-level reply thread starts folded, unfolds and folds again', async ({ page, baseURL, signedInUser }) => {
  expect(signedInUser.username).toBeTruthy();
  const postId = await postViaApi(page.request, baseURL!, 'Which colour should I restock?');
  const one = await addComment(page.request, baseURL!, postId, 'Level one: the sage one');
  const two = await addReply(page.request, baseURL!, postId, one, 'Level two: agreed');
  const three = await addReply(page.request, baseURL!, postId, two, 'Level three: me too');

  await openPost(page, postId);
  const thread = threadOf(page, one);
  const toggle = thread.getByTestId('replies-toggle').first();
  await expect(commentById(page, one).getByTestId('comment-body')).toHaveText('Level one: the sage one');
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(thread.getByRole('button', { name: 'View 2 replies' })).toBeVisible();
  await expect(commentById(page, two)).toBeHidden();
  await expect(commentById(page, three)).toBeHidden();

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
  await expect(thread.getByRole('button', { name: 'Hide replies' }).first()).toBeVisible();
  await expect(commentById(page, two).getByTestId('comment-body')).toHaveText('Level two: agreed');
  await expect(commentById(page, three).getByTestId('comment-body')).toHaveText('Level three: me too');
  // Three levels, each indented under the one it answers.
  await expect(thread.locator('[data-depth="0"]')).toContainText('Level one');
  await expect(thread.locator('[data-depth="1"]')).toContainText('Level two');
  await expect(thread.locator('[data-depth="2"]')).toContainText('Level three');

  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'false');
  await expect(commentById(page, two)).toBeHidden();
  await expect(commentById(page, three)).toBeHidden();
});

test('replying through the form adds a reply under the comment', async ({ page, baseURL, signedInUser }) => {
  expect(signedInUser.username).toBeTruthy();
  const postId = await postViaApi(page.request, baseURL!, 'Ask me anything');
  const one = await addComment(page.request, baseURL!, postId, 'Is it lined?');

  await openPost(page, postId);
  await commentById(page, one).getByTestId('reply-link').click();
  await expect(page).toHaveURL(new RegExp(`reply_to=${one}`));
  const form = page.getByTestId('reply-form');
  await form.getByTestId('reply-body').fill('Yes, fully lined');
  await form.getByTestId('post-reply').click();

  await expect(page.getByTestId('reply-form')).toHaveCount(0);
  const thread = threadOf(page, one);
  await expect(thread.getByTestId('replies-toggle').first()).toHaveAttribute('aria-expanded', 'true');
  await expect(thread.locator('[data-depth="1"]').getByTestId('comment-body')).toHaveText('Yes, fully lined');
  await expect(page.getByTestId('comments-heading')).toHaveText('2 comments');
});

test('a comment edited within the window is marked "Edited"', async ({ page, baseURL, signedInUser }) => {
  expect(signedInUser.username).toBeTruthy();
  const postId = await postViaApi(page.request, baseURL!, 'New arrivals');
  const id = await addComment(page.request, baseURL!, postId, 'Looks grate');

  await openPost(page, postId);
  const comment = commentById(page, id);
  await expect(comment.getByTestId('comment-edited')).toHaveCount(0);
  await comment.getByTestId('edit-comment').click();
  const body = comment.getByTestId('edit-body');
  await expect(body).toHaveValue('Looks grate');
  await body.fill('Looks great');
  await comment.getByTestId('save-comment-edit').click();

  await expect(comment.getByTestId('comment-body')).toHaveText('Looks great');
  await expect(comment.getByTestId('comment-edited')).toHaveText(/Edited/);
  await expect(comment.getByTestId('edit-form')).toHaveCount(0);
});

test('deleting a comment with replies leaves "Comment deleted" and keeps the replies', async ({ page, baseURL, signedInUser }) => {
  expect(signedInUser.username).toBeTruthy();
  const postId = await postViaApi(page.request, baseURL!, 'Restock day');
  const parent = await addComment(page.request, baseURL!, postId, 'Parent to delete');
  const reply = await addReply(page.request, baseURL!, postId, parent, 'The reply stays');

  await openPost(page, postId);
  await commentById(page, parent).getByTestId('delete-comment').click();

  const placeholder = commentById(page, parent);
  await expect(placeholder.getByTestId('comment-deleted')).toHaveText('Comment deleted');
  await expect(placeholder.getByTestId('comment-body')).toHaveCount(0);
  await expect(page.getByText('Parent to delete')).toHaveCount(0);
  const thread = threadOf(page, parent);
  await thread.getByTestId('replies-toggle').first().click();
  await expect(commentById(page, reply).getByTestId('comment-body')).toHaveText('The reply stays');
  await expect(page.getByTestId('comments-heading')).toHaveText('1 comment');
});

test('comments turned off from the post menu hide the form and the reply links', async ({ page, baseURL, signedInUser }) => {
  expect(signedInUser.username).toBeTruthy();
  const postId = await postViaApi(page.request, baseURL!, 'Quiet post');
  const id = await addComment(page.request, baseURL!, postId, 'First and last');

  await openPost(page, postId);
  await expect(page.getByTestId('comment-form')).toBeVisible();
  const card = page.getByTestId('post-card').first();
  await card.getByRole('button', { name: 'Post options' }).click();
  await card.getByRole('menu', { name: 'Post options' }).getByRole('menuitem', { name: 'Turn off commenting' }).click();

  await expect(page).toHaveURL(new RegExp(`/post/${postId}`));
  await waitForHydration(page);
  await expect(page.getByTestId('comments-off')).toHaveText('Comments are turned off for this post.');
  await expect(page.getByTestId('comment-form')).toHaveCount(0);
  await expect(page.getByTestId('reply-link')).toHaveCount(0);
  await expect(commentById(page, id).getByTestId('comment-body')).toHaveText('First and last');
  // The server refuses too, with the same message.
  const refused = await callServerFn(page.request, baseURL!, 'comments/add', { post_id: postId, body: 'sneaky' });
  expect(refused.status()).toBe(409);
  const replied = await callServerFn(page.request, baseURL!, 'comments/reply', { parent_id: id, body: 'sneaky' });
  expect(replied.status()).toBe(409);

  // And back on.
  await card.getByRole('button', { name: 'Post options' }).click();
  await card.getByRole('menu', { name: 'Post options' }).getByRole('menuitem', { name: 'Turn on commenting' }).click();
  await waitForHydration(page);
  await expect(page.getByTestId('comment-form')).toBeVisible();
  await expect(page.getByTestId('comments-off')).toHaveCount(0);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('threads fold with the browser alone and a reply link opens a server-rendered form', async ({ page, baseURL, signedInUser }) => {
    expect(signedInUser.username).toBeTruthy();
    const postId = await postViaApi(page.request, baseURL!, 'No script here');
    const one = await addComment(page.request, baseURL!, postId, 'Top comment');
    const two = await addReply(page.request, baseURL!, postId, one, 'Hidden until unfolded');

    await page.goto(`/post/${postId}`);
    await expect(commentById(page, two)).toBeHidden();
    await threadOf(page, one).getByTestId('replies-toggle').first().click();
    await expect(commentById(page, two)).toBeVisible();

    await commentById(page, two).getByTestId('reply-link').click();
    const form = page.getByTestId('reply-form');
    await form.getByTestId('reply-body').fill('Sent without the client');
    await form.getByTestId('post-reply').click();
    await expect(page.getByText('Sent without the client')).toHaveCount(1);
  });
});

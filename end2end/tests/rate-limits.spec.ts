import { APIRequestContext, Locator, Page } from '@playwright/test';
import { waitForHydration } from './fixtures/pages';
import { postViaApi } from './fixtures/posts';
import { expect, test } from './fixtures/test';
import { callServerFn } from './fixtures/users';

// Issue 18, item 7: rate limits (app/src/limits/). The test server keeps the
// real limits, 100 comments an hour per account: each test's user is new,
// posts its 100 comments through the server function (a few seconds), then
// tries the 101st on the post page. No other spec comes near a limit with
// one user.

const COMMENTS_PER_HOUR = 100;
const SLOW_DOWN = /^You're doing that too fast\. Try again in \d+ minutes?\.$/;

/** Spends the hour's comments of `request`'s user on `postId`, ten requests at a time. */
async function useUpComments(request: APIRequestContext, baseURL: string, postId: string) {
  for (let sent = 0; sent < COMMENTS_PER_HOUR; sent += 10) {
    const batch = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        callServerFn(request, baseURL, 'comments/add', { post_id: postId, body: `Comment ${sent + i + 1}` }),
      ),
    );
    for (const res of batch) expect(res.status(), await res.text()).toBe(200);
  }
}

function commentForm(page: Page): Locator {
  return page.getByTestId('comment-form');
}

async function tryOneMore(page: Page, body: string) {
  const form = commentForm(page);
  await form.getByRole('textbox', { name: 'Add a comment' }).fill(body);
  await form.getByRole('button', { name: 'Post comment' }).click();
}

test('hitting the comment limit shows the slow-down message by the comment form', async ({ page, baseURL, signedInUser }) => {
  expect(signedInUser.username).toBeTruthy();
  const postId = await postViaApi(page.request, baseURL!, 'Ask me anything');
  await useUpComments(page.request, baseURL!, postId);

  // The server function answers 429 and says when to retry: the window
  // opened with the first comment, moments ago.
  const over = await callServerFn(page.request, baseURL!, 'comments/add', { post_id: postId, body: 'One too many' });
  expect(over.status()).toBe(429);
  const wait = Number(over.headers()['retry-after']);
  expect(wait).toBeGreaterThan(3000);
  expect(wait).toBeLessThanOrEqual(3600);

  await page.goto(`/post/${postId}`);
  await waitForHydration(page);
  await expect(page.getByTestId('comments-heading')).toHaveText(`${COMMENTS_PER_HOUR} comments`);
  await tryOneMore(page, 'Still there?');
  await expect(commentForm(page).getByRole('alert')).toHaveText(SLOW_DOWN);
  await expect(page.getByTestId('comments-heading')).toHaveText(`${COMMENTS_PER_HOUR} comments`);
  await expect(page.getByText('Still there?', { exact: true })).toHaveCount(0);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the plain comment form shows the same message', async ({ page, baseURL, signedInUser }) => {
    expect(signedInUser.username).toBeTruthy();
    const postId = await postViaApi(page.request, baseURL!, 'No script here');
    await useUpComments(page.request, baseURL!, postId);

    await page.goto(`/post/${postId}`);
    await tryOneMore(page, 'Sent without the client');
    await expect(commentForm(page).getByRole('alert')).toHaveText(SLOW_DOWN);
    await expect(page.getByTestId('comments-heading')).toHaveText(`${COMMENTS_PER_HOUR} comments`);
  });
});

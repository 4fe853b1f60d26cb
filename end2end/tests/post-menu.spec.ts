import { Locator, Page } from '@playwright/test';
import { waitForHydration } from './fixtures/pages';
import { expect, test } from './fixtures/test';
import { callServerFn } from './fixtures/users';

// Issue 14, item 8: the "…" menu on posts and comments (copy link, share;
// no Report entry until moderation exists).

test.use({ permissions: ['clipboard-read', 'clipboard-write'] });

function clipboard(page: Page): Promise<string> {
  return page.evaluate(() => navigator.clipboard.readText());
}

/** Opens the post page with the browser's share sheet replaced by a recorder (or removed). */
async function openPost(page: Page, postId: string, share: 'recorded' | 'unavailable') {
  await page.addInitScript((mode) => {
    const nav = navigator as Navigator & { share?: unknown };
    Object.defineProperty(Navigator.prototype, 'share', { configurable: true, value: undefined });
    if (mode === 'recorded') {
      Object.defineProperty(nav, 'share', {
        configurable: true,
        value: async (data: ShareData) => {
          (window as unknown as { __shared: ShareData[] }).__shared = [
            ...((window as unknown as { __shared?: ShareData[] }).__shared ?? []),
            data,
          ];
        },
      });
    }
  }, share);
  await page.goto(`/post/${postId}`);
  await waitForHydration(page);
}

function postMenu(page: Page): { button: Locator; menu: Locator; status: Locator } {
  const card = page.getByTestId('post-card').first();
  return {
    button: card.getByRole('button', { name: 'Post options' }),
    menu: card.getByRole('menu', { name: 'Post options' }),
    status: card.getByTestId('post-menu-status'),
  };
}

test('the post menu copies the post link and has no report entry yet', async ({ page, baseURL, postWithTag }) => {
  await openPost(page, postWithTag.id, 'unavailable');
  const { button, menu, status } = postMenu(page);
  await expect(button).toHaveAttribute('aria-haspopup', 'menu');
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await expect(menu).toBeHidden();

  await button.click();
  await expect(button).toHaveAttribute('aria-expanded', 'true');
  await expect(menu).toBeVisible();
  // The post's author (the seeded creator) also has the comments switch.
  await expect(menu.getByRole('menuitem')).toHaveText(['Copy link', 'Share…', 'Open post', 'Turn off commenting']);
  await expect(menu.getByRole('menuitem', { name: /report/i })).toHaveCount(0);
  await expect(menu.getByRole('menuitem', { name: 'Copy link' })).toBeFocused();

  await menu.getByRole('menuitem', { name: 'Copy link' }).click();
  await expect(status).toHaveText('Link copied');
  await expect(menu).toBeHidden();
  await expect(button).toBeFocused();
  expect(await clipboard(page)).toBe(`${baseURL}/post/${postWithTag.id}`);
});

test('the post menu works from the keyboard: arrows, Home, End and Escape', async ({ page, postWithTag }) => {
  await openPost(page, postWithTag.id, 'unavailable');
  const { button, menu } = postMenu(page);
  await button.focus();
  await page.keyboard.press('Enter');
  await expect(menu).toBeVisible();
  const item = (name: string) => menu.getByRole('menuitem', { name });
  await expect(item('Copy link')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(item('Share…')).toBeFocused();
  await page.keyboard.press('End');
  await expect(item('Turn off commenting')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(item('Open post')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await expect(item('Copy link')).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(item('Turn off commenting')).toBeFocused();
  await page.keyboard.press('Home');
  await expect(item('Copy link')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(menu).toBeHidden();
  await expect(button).toHaveAttribute('aria-expanded', 'false');
  await expect(button).toBeFocused();

  // A click elsewhere closes it too.
  await button.click();
  await expect(menu).toBeVisible();
  await page.getByTestId('post-body').first().click();
  await expect(menu).toBeHidden();
});

test('share uses the Web Share API where the browser has it', async ({ page, baseURL, postWithTag }) => {
  await openPost(page, postWithTag.id, 'recorded');
  const { button, menu } = postMenu(page);
  await button.click();
  await menu.getByRole('menuitem', { name: 'Share…' }).click();
  await expect(menu).toBeHidden();
  const shared = await page.evaluate(() => (window as unknown as { __shared?: ShareData[] }).__shared ?? []);
  expect(shared).toHaveLength(1);
  expect(shared[0].url).toBe(`${baseURL}/post/${postWithTag.id}`);
});

test('without the Web Share API, share copies the link', async ({ page, baseURL, postWithTag }) => {
  await openPost(page, postWithTag.id, 'unavailable');
  const { button, menu, status } = postMenu(page);
  await button.click();
  await menu.getByRole('menuitem', { name: 'Share…' }).click();
  await expect(status).toHaveText('Link copied');
  expect(await clipboard(page)).toBe(`${baseURL}/post/${postWithTag.id}`);
});

test('a comment has its own menu with a link to the comment', async ({ page, baseURL, postWithTag }) => {
  const added = await callServerFn(page.request, baseURL!, 'comments/add', { post_id: postWithTag.id, body: 'Where is it from?' });
  expect(added.status(), await added.text()).toBe(200);
  await openPost(page, postWithTag.id, 'unavailable');
  const comment = page.getByTestId('comment').filter({ hasText: 'Where is it from?' });
  const anchor = await comment.getAttribute('id');
  expect(anchor).toMatch(/^comment-/);
  const button = comment.getByRole('button', { name: 'Comment options' });
  await button.click();
  const menu = comment.getByRole('menu', { name: 'Comment options' });
  await expect(menu.getByRole('menuitem', { name: 'Link to comment' })).toHaveAttribute('href', `/post/${postWithTag.id}#${anchor}`);
  await menu.getByRole('menuitem', { name: 'Copy link' }).click();
  await expect(comment.getByTestId('post-menu-status')).toHaveText('Link copied');
  expect(await clipboard(page)).toBe(`${baseURL}/post/${postWithTag.id}#${anchor}`);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the menu opens as a disclosure with a plain link to the post', async ({ page, postWithTag }) => {
    await page.goto(`/post/${postWithTag.id}`);
    const card = page.getByTestId('post-card').first();
    await card.getByTestId('post-menu-button').click();
    const link = card.getByTestId('post-menu-open');
    await expect(link).toBeVisible();
    await expect(link).toHaveAttribute('href', `/post/${postWithTag.id}`);
    // Copy and Share need the client: no dead buttons without it.
    await expect(card.getByTestId('post-menu-copy')).toHaveCount(0);
    await expect(card.getByTestId('post-menu-share')).toHaveCount(0);
  });
});

import { Locator, Page } from '@playwright/test';
import { waitForHydration } from './fixtures/pages';
import { postViaApi } from './fixtures/posts';
import { expect, PlaywrightLike, seedScenario, test } from './fixtures/test';

// Issue 16, part 4: bookmarks with named collections. Saved posts are
// private; `/saved` shows "All" and each collection as tabs.

/** Two public posts by a new author (in a request context of its own); returns their ids. */
async function twoPosts(playwright: PlaywrightLike, baseURL: string, run: string): Promise<[string, string]> {
  const api = await playwright.request.newContext();
  try {
    await seedScenario(api, baseURL, { prefix: 'author' });
    const shirt = await postViaApi(api, baseURL, `A linen shirt to keep (${run})`);
    const dress = await postViaApi(api, baseURL, `A summer dress to keep (${run})`);
    return [shirt, dress];
  } finally {
    await api.dispose();
  }
}

function savedPage(page: Page) {
  return {
    tabs: page.getByRole('navigation', { name: 'Collections' }),
    tab: (name: string): Locator =>
      page.getByRole('navigation', { name: 'Collections' }).getByRole('link', { name, exact: true }),
    items: page.getByTestId('saved-item'),
    item: (postId: string): Locator => page.locator(`[data-testid="saved-item"][data-post-id="${postId}"]`),
    empty: page.getByTestId('saved-empty'),
    collectionName: page.getByTestId('collection-name'),
  };
}

/** Creates a collection from the saved page; it opens on its own tab. */
async function createCollection(page: Page, name: string) {
  await page.goto('/saved');
  await waitForHydration(page);
  await page.getByLabel('New collection').fill(name);
  await page.getByTestId('create-collection').click();
  await expect(page).toHaveURL(/\/saved\?c=[0-9a-f-]{36}$/);
  await expect(savedPage(page).collectionName).toHaveText(name);
  await expect(savedPage(page).tab(name)).toHaveAttribute('aria-current', 'page');
}

test('a post saved into a named collection moves to another, which is renamed, then deleted', async ({
  page,
  playwright,
  baseURL,
  signedInUser,
}) => {
  const run = Date.now().toString(36);
  const [shirt, dress] = await twoPosts(playwright, baseURL!, run);
  const saved = savedPage(page);
  await createCollection(page, 'Summer');
  await createCollection(page, 'Work');

  // The shirt goes straight into "Summer" with the post page's chooser.
  await page.goto(`/post/${shirt}`);
  await waitForHydration(page);
  const chooser = page.getByTestId('save-to');
  await chooser.getByLabel('Collection').selectOption({ label: 'Summer' });
  await chooser.getByTestId('save-to-submit').click();
  await expect(page.getByTestId('post-card').getByTestId('bookmark-button')).toHaveAttribute('aria-pressed', 'true');

  // The dress is saved with the card's button, into "All" only.
  await page.goto(`/post/${dress}`);
  await waitForHydration(page);
  const bookmark = page.getByTestId('post-card').getByTestId('bookmark-button');
  await expect(bookmark).toHaveAttribute('aria-pressed', 'false');
  await bookmark.click();
  await expect(bookmark).toHaveAttribute('aria-pressed', 'true');
  await expect(bookmark).toHaveAttribute('aria-busy', 'false');

  // "All" lists both, newest saved first; "Summer" only the shirt; "Work" nothing.
  await page.goto('/saved');
  await waitForHydration(page);
  await expect(saved.tab('All')).toHaveAttribute('aria-current', 'page');
  await expect(saved.items).toHaveCount(2);
  await expect(saved.items.nth(0)).toHaveAttribute('data-post-id', dress);
  await expect(saved.items.nth(1)).toHaveAttribute('data-post-id', shirt);
  await saved.tab('Summer').click();
  await expect(saved.tab('Summer')).toHaveAttribute('aria-current', 'page');
  await expect(saved.items).toHaveCount(1);
  await expect(saved.item(shirt)).toContainText(`A linen shirt to keep (${run})`);

  // Move the shirt from "Summer" to "Work": it leaves this tab at once.
  await saved.item(shirt).getByLabel('Move to…').selectOption({ label: 'Work' });
  await saved.item(shirt).getByTestId('move-submit').click();
  await expect(saved.empty).toBeVisible();
  await expect(saved.items).toHaveCount(0);
  await saved.tab('Work').click();
  await expect(saved.tab('Work')).toHaveAttribute('aria-current', 'page');
  await expect(saved.items).toHaveCount(1);
  await expect(saved.item(shirt)).toBeVisible();
  await expect(saved.item(shirt).getByLabel('Move to…')).toHaveValue(/[0-9a-f-]{36}/);

  // Rename "Work": the tab and the heading follow, and it stays after a reload.
  await page.getByLabel('Collection name').fill('Office looks');
  await page.getByTestId('rename-collection').click();
  await expect(saved.tab('Office looks')).toBeVisible();
  await expect(saved.tab('Work')).toHaveCount(0);
  await expect(saved.collectionName).toHaveText('Office looks');
  await page.reload();
  await waitForHydration(page);
  await expect(saved.tab('Office looks')).toHaveAttribute('aria-current', 'page');
  await expect(saved.item(shirt)).toBeVisible();

  // Deleting it (after confirming) keeps the shirt saved, in "All".
  await page.getByTestId('delete-collection').getByText('Delete collection…').click();
  await page.getByTestId('confirm-delete-collection').click();
  await expect(page).toHaveURL(/\/saved$/);
  await expect(saved.tab('Office looks')).toHaveCount(0);
  await expect(saved.tab('All')).toHaveAttribute('aria-current', 'page');
  await expect(saved.items).toHaveCount(2);
  await expect(saved.item(shirt)).toBeVisible();

  // Unsaving from the card takes it off the saved page.
  await saved.item(dress).getByTestId('bookmark-button').click();
  await expect(saved.item(dress).getByTestId('bookmark-button')).toHaveAttribute('aria-pressed', 'false');
  // The toggle shows at once; reload only once the server has answered.
  await expect(saved.item(dress).getByTestId('bookmark-button')).toHaveAttribute('aria-busy', 'false');
  await page.reload();
  await expect(saved.items).toHaveCount(1);
});

test('a collection named with markup shows the markup as text', async ({ page, playwright, baseURL, signedInUser }) => {
  const xss = '<img src=x onerror=alert(1)>';
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  const [shirt] = await twoPosts(playwright, baseURL!, Date.now().toString(36));
  await createCollection(page, xss);
  const saved = savedPage(page);
  await expect(saved.tab(xss)).toHaveText(xss);
  await expect(saved.tabs.locator('img')).toHaveCount(0);
  await expect(page.locator('img[src="x"]')).toHaveCount(0);

  // The same in the post page's chooser and the saved post's "Move to…".
  await page.goto(`/post/${shirt}`);
  await waitForHydration(page);
  const chooser = page.getByTestId('save-to');
  await expect(chooser.getByRole('option', { name: xss })).toHaveCount(1);
  await chooser.getByLabel('Collection').selectOption({ label: xss });
  await chooser.getByTestId('save-to-submit').click();
  await expect(page.getByTestId('post-card').getByTestId('bookmark-button')).toHaveAttribute('aria-pressed', 'true');
  await page.goto('/saved');
  await waitForHydration(page);
  await saved.tab(xss).click();
  await expect(saved.collectionName).toHaveText(xss);
  await expect(saved.item(shirt)).toBeVisible();
  await expect(page.locator('img[src="x"]')).toHaveCount(0);
  expect(dialogs).toEqual([]);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the bookmark button and the saved page work as plain forms', async ({ page, playwright, baseURL, signedInUser }) => {
    const [shirt] = await twoPosts(playwright, baseURL!, Date.now().toString(36));
    await page.goto(`/post/${shirt}`);
    const bookmark = page.getByTestId('post-card').getByTestId('bookmark-button');
    await expect(bookmark).toHaveAttribute('aria-pressed', 'false');
    await bookmark.click();
    await expect(page).toHaveURL(new RegExp(`/post/${shirt}\\??$`));
    await expect(bookmark).toHaveAttribute('aria-pressed', 'true');

    await page.goto('/saved');
    await page.getByLabel('New collection').fill('Later');
    await page.getByTestId('create-collection').click();
    await expect(page.getByTestId('collection-name')).toHaveText('Later');
    await expect(page.getByTestId('saved-empty')).toBeVisible();
    await page.goto('/saved');
    const item = page.locator(`[data-testid="saved-item"][data-post-id="${shirt}"]`);
    await item.getByLabel('Move to…').selectOption({ label: 'Later' });
    await item.getByTestId('move-submit').click();
    await page.getByRole('navigation', { name: 'Collections' }).getByRole('link', { name: 'Later', exact: true }).click();
    await expect(page.locator(`[data-testid="saved-item"][data-post-id="${shirt}"]`)).toBeVisible();
  });
});

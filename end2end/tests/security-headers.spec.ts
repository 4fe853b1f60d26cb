import { Page } from '@playwright/test';
import { expect, test } from './fixtures/test';
import { waitForHydration } from './fixtures/pages';

// The security headers on a real page, and the Content-Security-Policy they
// carry enforced by the browser: every page still hydrates and works with
// nothing blocked (server/src/security.rs).

/** Records every CSP violation the page reports, from the console and as events. */
async function watchForViolations(page: Page): Promise<string[]> {
  const violations: string[] = [];
  page.on('console', (m) => {
    if (m.text().includes('Content Security Policy')) violations.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => {
    if (e.message.includes('Content Security Policy')) violations.push(`error: ${e.message}`);
  });
  await page.exposeFunction('__reportCspViolation', (text: string) => violations.push(`event: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => {
      const report = (window as unknown as { __reportCspViolation: (t: string) => void }).__reportCspViolation;
      report(`${e.violatedDirective} blocked ${e.blockedURI || 'inline'} at ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  return violations;
}

test('a page carries the security headers and a policy with a fresh nonce', async ({ page }) => {
  const first = await page.goto('/login');
  const headers = first!.headers();
  const csp = headers['content-security-policy'];
  expect(csp).toContain("'wasm-unsafe-eval'");
  expect(csp).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]{16,}'/);
  expect(csp).not.toContain("'unsafe-eval'");
  for (const directive of ["object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'", "connect-src 'self'"]) {
    expect(csp).toContain(directive);
  }
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['x-frame-options']).toBe('DENY');
  expect(headers['referrer-policy']).toBe('strict-origin-when-cross-origin');

  // The inline hydration script carries this response's nonce, and the next response has another.
  const nonce = /'nonce-([^']+)'/.exec(csp)![1];
  expect(await first!.text()).toContain(`nonce="${nonce}"`);
  const second = await page.request.get('/login');
  expect(second.headers()['content-security-policy']).not.toContain(nonce);
});

test('a signed-in page is neither cached nor stored', async ({ page, signedInUser }) => {
  const res = await page.goto('/');
  expect(res!.headers()['cache-control']).toBe('private, no-store');
  await expect(page.getByTestId('nav-profile')).toHaveAttribute('href', `/u/${signedInUser.username}`);
});

test('pages hydrate and work under the policy with nothing blocked', async ({ page, postWithTag }) => {
  const violations = await watchForViolations(page);

  for (const path of ['/', '/explore', `/s/${postWithTag.shop.handle}`, `/p/${postWithTag.shop.product_id}`]) {
    await page.goto(path);
    await waitForHydration(page);
  }

  // A post's image with its positioned tag markers (style attributes) and the
  // product sheet a tag opens: the client renders both after hydration.
  await page.goto(`/post/${postWithTag.id}`);
  await waitForHydration(page);
  const card = page.getByTestId('post-card').first();
  await card.getByTestId('toggle-tags').click();
  await card.getByTestId('tag-marker').first().click();
  await expect(page.getByTestId('product-sheet').getByTestId('sheet-title')).toHaveText(postWithTag.shop.product_title);
  await page.keyboard.press('Escape');

  // Client-side navigation fetches through server functions (connect-src 'self').
  await page.getByTestId('nav-explore').click();
  await expect(page).toHaveURL(/\/explore$/);
  await expect(page.getByRole('heading', { name: 'Explore' })).toBeVisible();

  expect(violations, violations.join('\n')).toEqual([]);
});

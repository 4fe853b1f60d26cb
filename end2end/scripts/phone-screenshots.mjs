// Phone screenshots for reviewers (not a test): the feed, the open product
// sheet and checkout at 390×844 with touch, in Debian's Chromium, against a
// running server. Usage (from end2end/):
//   BASE_URL=http://127.0.0.1:3000 node scripts/phone-screenshots.mjs [out-dir]
// The server must allow the test data API (scripts/e2e-server.sh does), since
// the script seeds its own tagged post.
import { chromium } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

const baseURL = process.env.BASE_URL ?? 'http://127.0.0.1:3123';
const out = process.argv[2] ?? 'screenshots';
mkdirSync(out, { recursive: true });

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({
  baseURL, viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
});
const page = await context.newPage();

// A creator (signed in by the seeding call) whose post's photo tags a
// product; their home feed shows it first.
const seeded = await context.request.post(`${baseURL}/api/test/scenario`, {
  headers: { Origin: baseURL },
  data: { spec: { prefix: 'shot', product: { title: 'Linen tote', price: '45', stock: 10 }, post: 'New linen tote: tap the photo for the price' } },
});
if (!seeded.ok()) throw new Error(`seeding failed: ${seeded.status()} ${await seeded.text()}`);

await page.goto('/');
await page.waitForSelector('[data-testid="post-card"]');
await page.screenshot({ path: join(out, '1-feed.png') });

await page.locator('[data-testid="toggle-tags"]').first().tap();
await page.locator('[data-testid="tag-marker"][data-kind="product"]').first().tap();
await page.waitForSelector('[data-testid="product-sheet"] [data-testid="sheet-title"]');
await page.screenshot({ path: join(out, '2-sheet.png') });

await page.locator('[data-testid="product-sheet"] [data-testid="add-to-cart"]').tap();
await page.waitForSelector('[data-testid="added-to-cart"]');
await page.goto('/cart');
await page.getByTestId('checkout').tap();
await page.waitForSelector('[data-testid="step-address"]');
await page.screenshot({ path: join(out, '3-checkout.png'), fullPage: true });

await browser.close();
console.log(`wrote ${out}/1-feed.png, 2-sheet.png, 3-checkout.png`);

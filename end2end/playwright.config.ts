import { defineConfig, devices } from '@playwright/test';
import { PHONE_390 } from './tests/fixtures/devices';

// Debian's Chromium, not a downloaded browser (`npx playwright install` cannot
// work on these machines). The flags keep it headless and off the network.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

// Without BASE_URL, Playwright starts the release server itself
// (scripts/e2e-server.sh: fresh database, demo data, test controls) and stops it
// at the end; with BASE_URL it tests the server found there.
const port = process.env.STOREFEED_E2E_PORT ?? '3123';
const baseURL = process.env.BASE_URL ?? `http://127.0.0.1:${port}`;

// Specs that move the server's one clock (`advanceClock`). Moving it expires
// whatever another test has open at that moment (a payment page, a checkout),
// so these run alone, one at a time, after every other test has finished.
const CLOCK_SPECS = /(attribution|groups)\.spec\.ts$/;

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  // A flaky test fails loudly instead of passing on a retry; its trace is kept.
  retries: 0,
  workers: 2,
  reporter: [['list']],
  use: {
    baseURL,
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: chromiumArgs,
    },
  },
  webServer: process.env.BASE_URL
    ? undefined
    : {
        command: 'bash ../scripts/e2e-server.sh',
        url: `${baseURL}/healthz`,
        env: { STOREFEED_E2E_PORT: port },
        reuseExistingServer: !process.env.CI,
        timeout: 120_000,
        stdout: 'ignore',
        stderr: 'pipe',
        // SIGTERM lets the script drop its database and media folder.
        gracefulShutdown: { signal: 'SIGTERM', timeout: 15_000 },
      },
  projects: [
    { name: 'desktop', testIgnore: CLOCK_SPECS, use: { ...devices['Desktop Chrome'] } },
    // The shopper journeys, the width check and the tab bar (tests tagged
    // @phone) on a 390×844 touch phone, in the same Chromium.
    { name: 'phone', grep: /@phone/, testIgnore: CLOCK_SPECS, use: { ...PHONE_390, browserName: 'chromium' } },
    {
      name: 'clock',
      testMatch: CLOCK_SPECS,
      dependencies: ['desktop', 'phone'],
      workers: 1,
      use: { ...devices['Desktop Chrome'] },
    },
  ],
});

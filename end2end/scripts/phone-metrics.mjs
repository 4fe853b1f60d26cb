// Page metrics on a mid-range phone (a benchmark, not a test): the home
// feed, a post and a product page in Debian's Chromium at 390×844 with touch
// and a mobile user agent, the CPU slowed 4× and the network at 150 ms
// round trip, 1.6 Mbps down and 750 kbps up (DevTools protocol). For each
// page, cold and warm, it prints the median over PHONE_RUNS (3) runs of:
//
// - LCP: the last 'largest-contentful-paint' entry's time.
// - hydrated: when the app set data-hydrated="true" on <body> (app/src/lib.rs
//   does once the WASM client has hydrated the page).
// - TBT: Σ max(0, d − 50 ms) over the main thread's long tasks (Long Tasks
//   API) that end after First Contentful Paint and start before the
//   hydrated mark, d counting only the part after FCP. Lighthouse ends the
//   window at Time to Interactive; here it ends when the page answers taps
//   through the client, which is what a shopper waits for.
// - bytes: Σ Network.loadingFinished encodedDataLength (headers and bodies
//   as they came over the wire) until the network was idle after hydration.
// - requests: requests that went to the network / all requests, cache hits
//   included.
//
// Every run starts a new browser context, signed in as a seeded creator
// whose public post tags a product. Cold: the page loaded with the cache
// disabled (Network.setCacheDisabled). Warm: the cache enabled, one load to
// fill it, then the measured load in the same page.
//
// Usage (from end2end/; scripts/bench-phone.sh starts a server and runs it):
//   BASE_URL=http://127.0.0.1:3000 [PHONE_RUNS=3] node scripts/phone-metrics.mjs
// The server must allow the test data API (STOREFEED_TEST_CONTROLS).
import { chromium, request } from '@playwright/test';

const baseURL = process.env.BASE_URL ?? 'http://127.0.0.1:3123';
const runs = Number.parseInt(process.env.PHONE_RUNS ?? '3', 10);
if (!(runs >= 1)) throw new Error(`PHONE_RUNS must be a whole number of at least 1, not ${process.env.PHONE_RUNS}`);

// The phone profile of tests/fixtures/devices.ts (PHONE_390).
const phone = {
  viewport: { width: 390, height: 844 },
  screen: { width: 390, height: 844 },
  deviceScaleFactor: 3,
  isMobile: true,
  hasTouch: true,
  userAgent:
    'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36',
};
const network = {
  offline: false,
  latency: 150,
  downloadThroughput: (1.6e6 / 8) | 0, // bytes per second
  uploadThroughput: (750e3 / 8) | 0,
};
const CPU_SLOWDOWN = 4;

// Installed before any of the page's own scripts, in every document, so no
// entry is missed whether or not a type supports `buffered`.
function observe() {
  const m = { lcp: null, fcp: null, hydrated: null, longTasks: [] };
  window.__phoneMetrics = m;
  const watch = (type, take) => {
    try {
      new PerformanceObserver((list) => list.getEntries().forEach(take)).observe({ type, buffered: true });
    } catch {
      // An entry type this browser lacks stays null in the report.
    }
  };
  watch('largest-contentful-paint', (e) => { m.lcp = e.startTime; });
  watch('paint', (e) => { if (e.name === 'first-contentful-paint') m.fcp = e.startTime; });
  watch('longtask', (e) => { m.longTasks.push([e.startTime, e.duration]); });
  const mark = () => {
    if (m.hydrated === null && document.body?.getAttribute('data-hydrated') === 'true') m.hydrated = performance.now();
  };
  new MutationObserver(mark).observe(document, { subtree: true, attributes: true, attributeFilter: ['data-hydrated'] });
}

function totalBlockingTime({ fcp, hydrated, longTasks }) {
  if (fcp === null || hydrated === null) return null;
  let tbt = 0;
  for (const [start, duration] of longTasks) {
    const end = start + duration;
    if (end <= fcp || start >= hydrated) continue;
    tbt += Math.max(0, end - Math.max(start, fcp) - 50);
  }
  return tbt;
}

// Seeds a creator with a shop, a product in stock and a public post whose
// photo tags it, through the test data API (as the end-to-end fixtures do).
async function seed() {
  const api = await request.newContext({ baseURL });
  const res = await api.post('/api/test/scenario', {
    headers: { Origin: baseURL },
    data: {
      spec: {
        prefix: 'phone',
        product: { title: 'Linen tote', price: '45', stock: 10 },
        post: 'New linen tote: tap the photo for the price',
      },
    },
  });
  if (!res.ok()) throw new Error(`seeding failed: ${res.status()} ${await res.text()}`);
  const scenario = await res.json();
  await api.dispose();
  return scenario;
}

/** Loads `path` and returns its metrics; `cdp` records the network. */
async function load(page, cdp, path) {
  const requests = new Map();
  const onSent = (e) => { if (!requests.has(e.requestId)) requests.set(e.requestId, { bytes: 0, cached: false }); };
  const onCached = (e) => { requests.get(e.requestId) && (requests.get(e.requestId).cached = true); };
  const onResponse = (e) => {
    const r = requests.get(e.requestId);
    if (r && (e.response.fromDiskCache || e.response.fromPrefetchCache || e.response.fromServiceWorker)) r.cached = true;
  };
  const onFinished = (e) => { requests.get(e.requestId) && (requests.get(e.requestId).bytes = e.encodedDataLength); };
  cdp.on('Network.requestWillBeSent', onSent);
  cdp.on('Network.requestServedFromCache', onCached);
  cdp.on('Network.responseReceived', onResponse);
  cdp.on('Network.loadingFinished', onFinished);
  try {
    await page.goto(path, { waitUntil: 'load', timeout: 120_000 });
    await page.waitForSelector('body[data-hydrated="true"]', { timeout: 120_000 });
    await page.waitForLoadState('networkidle', { timeout: 60_000 });
    const m = await page.evaluate(() => window.__phoneMetrics);
    const all = [...requests.values()];
    return {
      lcp: m.lcp,
      hydrated: m.hydrated,
      tbt: totalBlockingTime(m),
      bytes: all.reduce((sum, r) => sum + r.bytes, 0),
      network: all.filter((r) => !r.cached).length,
      requests: all.length,
    };
  } finally {
    cdp.off('Network.requestWillBeSent', onSent);
    cdp.off('Network.requestServedFromCache', onCached);
    cdp.off('Network.responseReceived', onResponse);
    cdp.off('Network.loadingFinished', onFinished);
  }
}

/** One run of one page: a fresh context, cold then warm. */
async function measure(browser, session, path) {
  const context = await browser.newContext({ ...phone, baseURL });
  await context.addCookies([{ name: 'sf_session', value: session, url: baseURL }]);
  await context.addInitScript(observe);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', network);
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: CPU_SLOWDOWN });
  try {
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true });
    const cold = await load(page, cdp, path);
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
    await load(page, cdp, path);
    const warm = await load(page, cdp, path);
    return { cold, warm };
  } finally {
    await context.close();
  }
}

function median(values) {
  const known = values.filter((v) => v !== null && v !== undefined).sort((a, b) => a - b);
  if (known.length === 0) return null;
  const mid = known.length >> 1;
  return known.length % 2 ? known[mid] : (known[mid - 1] + known[mid]) / 2;
}

const scenario = await seed();
const pages = [
  ['home feed', '/'],
  ['post', `/post/${scenario.post.id}`],
  ['product', `/p/${scenario.shop.product_id}`],
];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const results = [];
try {
  for (const [name, path] of pages) {
    const samples = [];
    for (let i = 0; i < runs; i++) {
      samples.push(await measure(browser, scenario.session, path));
      process.stderr.write(`measured ${name} (${path}), run ${i + 1} of ${runs}\n`);
    }
    for (const cache of ['cold', 'warm']) {
      const of = (key) => median(samples.map((s) => s[cache][key]));
      results.push({
        page: name, path, cache,
        lcp_ms: of('lcp'), hydrated_ms: of('hydrated'), tbt_ms: of('tbt'),
        bytes: of('bytes'), network_requests: of('network'), requests: of('requests'),
      });
    }
  }
} finally {
  await browser.close();
}

const ms = (v) => (v === null ? 'n/a' : Math.round(v).toString());
const rows = results.map((r) => [
  r.page, r.cache, ms(r.lcp_ms), ms(r.hydrated_ms), ms(r.tbt_ms),
  r.bytes === null ? 'n/a' : (r.bytes / 1024).toFixed(1), `${r.network_requests}/${r.requests}`,
]);
const head = ['page', 'cache', 'LCP ms', 'hydrated ms', 'TBT ms', 'KiB transferred', 'requests (net/all)'];
const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
console.log(`phone profile: ${phone.viewport.width}×${phone.viewport.height} touch, CPU ${CPU_SLOWDOWN}× slower, `
  + `${network.latency} ms RTT, 1.6 Mbps down, 750 kbps up; median of ${runs} run(s)`);
console.log(line(head));
for (const r of rows) console.log(line(r));
console.log(`BENCH_JSON ${JSON.stringify({ runs, results })}`);

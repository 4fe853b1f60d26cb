import { expect, Request, test } from '@playwright/test';
import { addToCartViaApi, Checkout, SAN_FRANCISCO, TEST_CARDS } from './fixtures/commerce';
import { seedScenario } from './fixtures/test';
import { registerViaApi } from './fixtures/users';

// The smallest PCI scope (seed 004, issue 15): the card is typed on the
// payment provider's hosted page, so its number travels only to the
// provider (`/_test-provider/…` here), never to Storefeed's own pages,
// server functions or return handler.

/** The number as typed and as digits only, so neither form slips through. */
const NUMBER = TEST_CARDS.succeeds;
const DIGITS = NUMBER.replace(/\s/g, '');

function carries(request: Request, text: string) {
  const sent = `${request.url()}\n${request.postData() ?? ''}`;
  return [text, encodeURIComponent(text), text.replace(/ /g, '+')].some((form) => sent.includes(form));
}

test("the card number reaches only the provider's page, never Storefeed's endpoints", async ({ browser, page, baseURL }) => {
  const seller = await browser.newContext();
  const { shop } = await seedScenario(seller.request, baseURL!, {
    prefix: 'pci', product: { title: `PCI mug ${Date.now()}`, price: '30', stock: 5 },
  });
  await seller.close();
  await registerViaApi(page.request, baseURL!);
  await addToCartViaApi(page.request, baseURL!, shop!.variant_ids[0]);

  const requests: Request[] = [];
  page.on('request', (request) => requests.push(request));
  const checkout = new Checkout(page);
  await checkout.goto(shop!.handle);
  await checkout.fillAddress(SAN_FRANCISCO);
  await checkout.chooseShipping();
  await checkout.pay(NUMBER);
  await expect(page.getByTestId('order-confirmation')).toBeVisible();
  await expect(page.getByTestId('order-status')).toHaveText('Paid');

  const toProvider = requests.filter((r) => new URL(r.url()).pathname.startsWith('/_test-provider/'));
  const toStorefeed = requests.filter((r) => !new URL(r.url()).pathname.startsWith('/_test-provider/'));
  expect(toProvider.some((r) => carries(r, NUMBER) || carries(r, DIGITS)), 'the card went to the provider').toBe(true);
  expect(toStorefeed.length).toBeGreaterThan(0);
  const leaked = toStorefeed.filter((r) => carries(r, NUMBER) || carries(r, DIGITS)).map((r) => `${r.method()} ${r.url()}`);
  expect(leaked).toEqual([]);
  // The way back carries a token, not the card.
  const back = toStorefeed.find((r) => new URL(r.url()).pathname === '/api/checkout/card-entered');
  expect(back, 'the provider sent the browser back to Storefeed').toBeDefined();
  expect(new URL(back!.url()).searchParams.get('payment_token')).toMatch(/^pm_[A-Za-z0-9]+$/);
});

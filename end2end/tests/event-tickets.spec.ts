import { Locator, Page } from '@playwright/test';
import { Checkout, SAN_FRANCISCO, TEST_CARDS } from './fixtures/commerce';
import { createEventViaApi, utcInput } from './fixtures/events';
import { waitForHydration } from './fixtures/pages';
import { openShopViaApi } from './fixtures/shops';
import { expect, seedScenario, test } from './fixtures/test';

// Event tickets (app/src/events/tickets): an organizer adds ticket types to
// an event hosted by their shop; a shopper buys through the cart and
// checkout (e-ticket, no shipping cost) and gets a code per ticket on the
// order page; another page watching the event sees what is left change
// without a reload, down to "Sold out".

/** The event page's row for ticket type `name`. */
function ticketRow(page: Page, name: string): Locator {
  return page.locator(`[data-testid="ticket-type"][data-name="${name}"]`);
}

/** The organizer's editor row for ticket type `name`. */
function editorRow(page: Page, name: string): Locator {
  return page.locator(`[data-testid="ticket-type-row"][data-name="${name}"]`);
}

async function addTicketType(page: Page, name: string, price: string, quota: string) {
  const form = page.getByTestId('add-ticket-type-form');
  await form.getByLabel('Name').fill(name);
  await form.getByLabel(/^Price/).fill(price);
  await form.getByLabel('Quota').fill(quota);
  await form.getByTestId('add-ticket-type').click();
  await expect(ticketRow(page, name)).toBeVisible();
}

test('an organizer sells tickets, a shopper buys them, and a watching page follows what is left', async ({ page, browser, baseURL }) => {
  await seedScenario(page.request, baseURL!, { prefix: 'organizer' });
  const shop = await openShopViaApi(page.request, baseURL!, 'USD');
  const title = `Ticketed night ${Date.now().toString(36)}`;
  const eventId = await createEventViaApi(page.request, baseURL!, {
    title,
    startsAt: utcInput(20, 19, 0),
    endsAt: utcInput(20, 23, 0),
    venue: 'The Warehouse',
    currency: 'USD',
    ticketMin: '10',
    ticketMax: '40',
    shop,
  });

  // The organizer adds two ticket types on the event's page.
  await page.goto(`/e/${eventId}`);
  await waitForHydration(page);
  await expect(page.getByTestId('ticket-types-editor')).toBeVisible();
  await addTicketType(page, 'General admission', '10', '3');
  await addTicketType(page, 'VIP', '40', '1');
  await expect(page.getByTestId('ticket-type')).toHaveCount(2);
  await expect(ticketRow(page, 'General admission').getByTestId('ticket-type-price')).toHaveText('$10.00');
  await expect(ticketRow(page, 'VIP').getByTestId('ticket-type-left')).toHaveText('1 left');
  await expect(page.getByTestId('event-availability')).toHaveText('4 tickets left');

  // A guest watches the event page.
  const watcherContext = await browser.newContext();
  const watcher = await watcherContext.newPage();
  await watcher.goto(`/e/${eventId}`);
  await waitForHydration(watcher);
  const watchedGa = ticketRow(watcher, 'General admission');
  await expect(watchedGa.getByTestId('ticket-type-left')).toHaveText('3 left');
  await expect(watcher.locator('html')).toHaveAttribute('data-live', /stock:/);
  await expect(watcher.getByTestId('organizer-panel')).toHaveCount(0);

  // A shopper adds two general admission tickets to the cart and checks out.
  const shopperContext = await browser.newContext();
  const shopper = await shopperContext.newPage();
  await seedScenario(shopper.request, baseURL!, { prefix: 'shopper' });
  await shopper.goto(`/e/${eventId}`);
  await waitForHydration(shopper);
  const ga = ticketRow(shopper, 'General admission');
  await ga.getByTestId('ticket-quantity').fill('2');
  await ga.getByTestId('ticket-add-to-cart').click();
  await expect(ga.getByTestId('ticket-added')).toBeVisible();

  const checkout = new Checkout(shopper);
  await checkout.goto(shop);
  // Opening the checkout holds the two tickets: the watcher sees it live.
  await expect(watchedGa.getByTestId('ticket-type-left')).toHaveText('1 left');
  await checkout.fillAddress(SAN_FRANCISCO);
  // Tickets only: one free e-ticket option, nothing to ship.
  await expect(shopper.getByTestId('ship-standard')).toHaveCount(0);
  await shopper.getByTestId('ship-eticket').check();
  await shopper.getByTestId('save-shipping').click();
  await expect(shopper.getByTestId('place-order')).toBeVisible();
  await checkout.pay(TEST_CARDS.succeeds);

  await expect(shopper).toHaveURL(/\/orders\/[0-9a-f-]{36}/);
  const tickets = shopper.getByTestId('order-tickets');
  await expect(tickets).toBeVisible();
  const codes = tickets.getByTestId('ticket-code');
  await expect(codes).toHaveCount(2);
  for (const code of await codes.allInnerTexts()) {
    expect(code.trim()).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
  }
  await expect(tickets.getByTestId('ticket').first()).toContainText('General admission');
  await expect(tickets.getByTestId('ticket-event').first()).toHaveText(title);

  // The organizer closes general admission at what is sold: sold out, live.
  const row = editorRow(page, 'General admission');
  await row.getByLabel('Quota').fill('2');
  await row.getByTestId('save-ticket-type').click();
  await expect(watchedGa.getByTestId('ticket-type-left')).toHaveText('Sold out');
  await expect(watchedGa.getByTestId('ticket-add-to-cart')).toBeDisabled();
  await expect(ticketRow(watcher, 'VIP').getByTestId('ticket-add-to-cart')).toBeEnabled();

  // The server renders the same after a reload.
  await watcher.reload();
  await expect(ticketRow(watcher, 'General admission').getByTestId('ticket-type-left')).toHaveText('Sold out');
  await expect(ticketRow(watcher, 'General admission').getByTestId('ticket-add-to-cart')).toBeDisabled();
  await expect(watcher.getByTestId('event-availability')).toHaveText('1 ticket left');

  await shopperContext.close();
  await watcherContext.close();
});

test('a ticket type is added to the cart by a plain form post without JavaScript', async ({ page, browser, baseURL }) => {
  await seedScenario(page.request, baseURL!, { prefix: 'organizer' });
  const shop = await openShopViaApi(page.request, baseURL!, 'USD');
  const eventId = await createEventViaApi(page.request, baseURL!, {
    title: `Quiet night ${Date.now().toString(36)}`,
    startsAt: utcInput(15, 18, 0),
    endsAt: utcInput(15, 21, 0),
    venue: 'Library',
    currency: 'USD',
    shop,
  });
  await page.goto(`/e/${eventId}`);
  await waitForHydration(page);
  await addTicketType(page, 'Seat', '5', '10');

  const context = await browser.newContext({ javaScriptEnabled: false });
  const noJs = await context.newPage();
  await seedScenario(noJs.request, baseURL!, { prefix: 'nojs' });
  await noJs.goto(`/e/${eventId}`);
  const seat = ticketRow(noJs, 'Seat');
  await expect(seat.getByTestId('ticket-type-left')).toHaveText('10 left');
  await seat.getByTestId('ticket-quantity').fill('3');
  await seat.getByTestId('ticket-add-to-cart').click();
  // The form posts and comes back to the event page (the plain-form
  // redirect back may leave an empty query on the address).
  await expect(noJs).toHaveURL(new RegExp(`/e/${eventId}\\??$`));
  await noJs.goto('/cart');
  await expect(noJs.getByTestId('cart-line')).toHaveCount(1);
  await expect(noJs.getByTestId('cart-line')).toContainText('Seat');
  await context.close();
});

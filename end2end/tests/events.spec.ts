import { expect, test } from '@playwright/test';
import { createEventViaApi, EventForm, postEvent, utcInput } from './fixtures/events';
import { gradientPng } from './fixtures/images';
import { waitForHydration } from './fixtures/pages';
import { openShop } from './fixtures/shops';
import { callServerFn, newUser, registerViaApi } from './fixtures/users';

test('an organizer creates an event with an image, and a guest finds it and sees its page', async ({ page, browser, baseURL }) => {
  const organizer = await registerViaApi(page.request, baseURL!);
  const shop = await openShop(page, 'KES');
  const title = `Rooftop market ${Date.now()}`;

  const form = await EventForm.openNew(page);
  await waitForHydration(page);
  await form.fill({
    title,
    startsAt: utcInput(30, 16, 0),
    endsAt: utcInput(30, 22, 30),
    venue: 'Kenyatta Avenue, Nairobi',
    description: 'Makers, food and music.\nBring a bag.',
    currency: 'KES',
    ticketMin: '500',
    ticketMax: '1,500',
    ticketsTotal: '120',
    shop,
  });
  await form.form.getByLabel(/^Image/).setInputFiles({ name: 'poster.png', mimeType: 'image/png', buffer: gradientPng(1000, 500) });
  await page.getByTestId('create-event').click();

  await expect(page).toHaveURL(/\/e\/[0-9a-f-]{36}$/);
  const url = page.url();
  await expect(page.getByTestId('event-title')).toHaveText(title);
  await expect(page.getByTestId('event-when')).toHaveText(/16:00 – 22:30 UTC$/);
  await expect(page.getByTestId('event-venue')).toHaveText('Kenyatta Avenue, Nairobi');
  await expect(page.getByTestId('event-price')).toHaveText('KSh 500.00 – KSh 1,500.00');
  await expect(page.getByTestId('event-availability')).toHaveText('120 tickets left');
  await expect(page.getByTestId('event-organizer').getByRole('link', { name: organizer.displayName })).toHaveAttribute('href', `/u/${organizer.username}`);
  await expect(page.getByTestId('event-shop')).toHaveAttribute('href', `/s/${shop}`);
  const image = page.getByTestId('event-image');
  await expect(image).toHaveAttribute('src', /^\/media\/posts\/.+-1200\.jpg$/);
  await expect(image).toHaveAttribute('alt', title);
  await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
  await expect(page.getByTestId('organizer-panel')).toBeVisible();

  const guest = await browser.newPage();
  await guest.goto('/events');
  const card = guest.getByTestId('event-card').filter({ hasText: title });
  await expect(card).toContainText('KSh 500.00 – KSh 1,500.00');
  await expect(card).toContainText('120 tickets left');
  await card.getByTestId('event-card-title').click();
  await expect(guest).toHaveURL(url);
  await expect(guest.getByTestId('event-description')).toContainText('Bring a bag.');
  await expect(guest.getByTestId('organizer-panel')).toHaveCount(0);
  await guest.close();
});

test('mistakes in the event form are shown on their fields', async ({ page, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  const form = await EventForm.openNew(page);
  await waitForHydration(page);
  await form.fill({ title: 'Backwards', startsAt: utcInput(10, 20), endsAt: utcInput(10, 18), venue: 'Hall' });
  await page.getByTestId('create-event').click();
  await expect(form.form.getByTestId('ends_at-error')).toHaveText('The event must end after it starts.');

  await form.fill({ endsAt: utcInput(10, 23), ticketMin: '30', ticketMax: '10' });
  await page.getByTestId('create-event').click();
  await expect(form.form.getByTestId('ticket_max-error')).toHaveText('The highest price must be at least the lowest price.');

  await form.fill({ ticketMin: '-5', ticketMax: '' });
  await page.getByTestId('create-event').click();
  await expect(form.form.getByTestId('ticket_min-error')).toHaveText("Prices can't be negative.");
  await expect(page).toHaveURL(/\/events\/new$/);
});

test('bad event input is a 4xx with the field named, never a 500', async ({ request, baseURL }) => {
  await registerViaApi(request, baseURL!);
  const good = { title: 'Fine', startsAt: utcInput(5, 10), endsAt: utcInput(5, 12), venue: 'Hall' };
  const cases: [Record<string, string>, string][] = [
    [{ currency: 'XYZ' }, 'currency'],
    [{ title: 'x'.repeat(141) }, 'title'],
    [{ venue: 'v'.repeat(201) }, 'venue'],
    [{ description: 'd'.repeat(5001) }, 'description'],
    [{ endsAt: utcInput(5, 9) }, 'ends_at'],
    [{ startsAt: 'next friday' }, 'starts_at'],
    [{ ticketMin: '-1' }, 'ticket_min'],
    [{ ticketMin: '9', ticketMax: '3' }, 'ticket_max'],
    [{ ticketsTotal: '-10' }, 'tickets_total'],
  ];
  for (const [change, field] of cases) {
    const res = await postEvent(request, baseURL!, { ...good, ...change });
    expect(res.status(), JSON.stringify(change)).toBe(422);
    expect(JSON.stringify(await res.json())).toContain(`"field":"${field}"`);
  }
  const someoneElses = await postEvent(request, baseURL!, { ...good, shop: 'nairobi_threads' });
  expect(someoneElses.status()).toBe(422);
});

test('only the organizer edits or cancels an event', async ({ page, browser, playwright, baseURL }) => {
  await registerViaApi(page.request, baseURL!);
  const title = `Jazz night ${Date.now()}`;
  const id = await createEventViaApi(page.request, baseURL!, {
    title,
    startsAt: utcInput(20, 19),
    endsAt: utcInput(20, 23),
    venue: 'Blue Room',
    ticketMin: '15',
  });

  const intruder = await playwright.request.newContext();
  await registerViaApi(intruder, baseURL!, newUser('intruder'));
  const edit = await callServerFn(intruder, baseURL!, 'events/update', {
    id,
    'form[title]': 'Mine now',
    'form[description]': '',
    'form[venue]': 'Elsewhere',
    'form[starts_at]': utcInput(20, 19),
    'form[ends_at]': utcInput(20, 23),
    'form[currency]': 'USD',
    'form[ticket_min]': '0',
    'form[ticket_max]': '',
    'form[tickets_total]': '',
    'form[shop]': '',
  });
  expect(edit.status()).toBe(403);
  expect((await callServerFn(intruder, baseURL!, 'events/cancel', { id })).status()).toBe(403);
  await intruder.dispose();

  await page.goto(`/e/${id}`);
  await expect(page.getByTestId('event-title')).toHaveText(title);
  await expect(page.getByTestId('event-price')).toHaveText('$15.00');
  await expect(page.getByTestId('event-availability')).toHaveCount(0); // no limit: nothing to tell
  await waitForHydration(page);
  const editForm = new EventForm(page.getByTestId('edit-event-form'));
  await editForm.fill({ title: `${title} (late show)`, ticketsTotal: '40' });
  await page.getByTestId('save-event').click();
  await expect(editForm.form.getByTestId('form-success')).toHaveText('Event saved.');
  await expect(page.getByTestId('event-title')).toHaveText(`${title} (late show)`);
  await expect(page.getByTestId('event-availability')).toHaveText('40 tickets left');

  await page.getByText('Cancel this event…').click();
  await page.getByTestId('cancel-event').click();
  await expect(page.getByTestId('event-cancelled')).toHaveText('This event was cancelled.');
  await expect(page.getByTestId('organizer-panel')).toHaveCount(0);

  const guest = await browser.newPage();
  await guest.goto('/events');
  await expect(guest.getByTestId('event-card').filter({ hasText: title })).toHaveCount(0);
  const res = await guest.goto(`/e/${id}`);
  expect(res?.status()).toBe(200);
  await expect(guest.getByTestId('event-cancelled')).toBeVisible();
  await guest.close();
});

test('events are searchable by title for the link picker', async ({ request, baseURL }) => {
  await registerViaApi(request, baseURL!);
  const word = `zq${Date.now().toString(36)}`;
  const later = await createEventViaApi(request, baseURL!, { title: `${word} finale`, startsAt: utcInput(40, 18), endsAt: utcInput(40, 20), venue: 'Arena' });
  const sooner = await createEventViaApi(request, baseURL!, { title: `Warm-up ${word}`, startsAt: utcInput(10, 18), endsAt: utcInput(10, 20), venue: 'Club' });
  const res = await callServerFn(request, baseURL!, 'events/search', { query: word.toUpperCase() });
  expect(res.status()).toBe(200);
  const found = (await res.json()) as { id: string; title: string; venue: string }[];
  expect(found.map((e) => e.id)).toEqual([later, sooner]); // a title starting with the query comes first
  expect(found[1].venue).toBe('Club');
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the new-event form posts and shows the event, and mistakes come back to the form', async ({ page, baseURL }) => {
    await registerViaApi(page.request, baseURL!);
    let form = await EventForm.openNew(page);
    await form.fill({ title: 'Too early', startsAt: utcInput(7, 12), endsAt: utcInput(7, 11), venue: 'Yard' });
    await page.getByTestId('create-event').click();
    await expect(page.getByTestId('new-event-form').getByTestId('ends_at-error')).toHaveText('The event must end after it starts.');

    form = await EventForm.openNew(page);
    await form.fill({ title: 'Garden party', startsAt: utcInput(7, 12), endsAt: utcInput(7, 18), venue: 'Yard', ticketsTotal: '25' });
    await page.getByTestId('create-event').click();
    await expect(page).toHaveURL(/\/e\/[0-9a-f-]{36}$/);
    await expect(page.getByTestId('event-title')).toHaveText('Garden party');
    await expect(page.getByTestId('event-price')).toHaveText('Free');
    await expect(page.getByTestId('event-availability')).toHaveText('25 tickets left');
  });

  test('guests are sent to log in before creating an event', async ({ page }) => {
    await page.goto('/events/new');
    await expect(page).toHaveURL(/\/login\?next=\/events\/new$/);
  });
});

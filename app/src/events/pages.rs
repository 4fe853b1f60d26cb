//! Event pages: `/events` (what is coming up), `/events/new` (a multipart
//! form: a plain post before hydration, sent in the page after) and `/e/:id`
//! (the event, with the organizer's edit and cancel forms).

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::{Meta, Title};
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::{use_navigate, use_params_map};
use uuid::Uuid;
use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement, SubmitEvent};

use super::api::{create_event, get_event, upcoming_events, CancelEvent, CreateEvent, UpdateEvent};
use super::tickets::pages::{stock_on_sale, LiveAvailability, TicketActions, TicketTypesEditor, TicketsSection};
use super::{
    datetime_local_value, span_label, Event, EventCard, EventForm, EventStatus, DESCRIPTION_MAX, EVENT_IMAGE,
    TITLE_MAX, VENUE_MAX,
};
use crate::catalog::forms::plain_post_error;
use crate::error::AppError;
use crate::media::{check_picked, ImagePicker};
use crate::money::Currency;
use crate::posts::related::pages::RelatedPosts;
use crate::posts::related::About;
use crate::shops::api::my_shops;
use crate::shops::ShopSummary;
use crate::ui::raw_text_safe;
use crate::ui::{
    exact_count, ErrorAlert, ErrorPage, FieldError, Loading, SuccessNote, INPUT_CLASS, LABEL_CLASS,
    PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS,
};

#[component]
pub fn EventsPage() -> impl IntoView {
    let events = Resource::new(|| (), |_| upcoming_events());
    view! {
        <Title text="Events" />
        <Meta name="description" content="Upcoming events on Storefeed" />
        <section class="mx-auto max-w-3xl">
            <div class="flex flex-wrap items-center justify-between gap-3">
                <h1 class="text-2xl font-bold">"Upcoming events"</h1>
                <A href="/events/new" attr:class=PRIMARY_BUTTON_CLASS attr:data-testid="new-event-link">"Create an event"</A>
            </div>
            <Suspense fallback=|| view! { <Loading label="Loading events…" /> }>
                {move || Suspend::new(async move {
                    match events.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="mt-6 rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center text-stone-500" data-testid="no-events">
                                "No upcoming events yet. Create one and share it in a post."
                            </p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="mt-6 grid gap-4 sm:grid-cols-2" data-testid="event-list">
                                {list.into_iter().map(|event| view! { <EventCardView event /> }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn EventCardView(event: EventCard) -> impl IntoView {
    let href = format!("/e/{}", event.id);
    view! {
        <li class="overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm" data-testid="event-card">
            <A href=href.clone() attr:class="block" attr:tabindex="-1" attr:aria-hidden="true">
                {match event.image_url {
                    Some(url) => view! { <img src=url alt="" loading="lazy" class="aspect-[2/1] w-full bg-stone-100 object-cover" /> }.into_any(),
                    None => view! { <span class="block aspect-[2/1] w-full bg-gradient-to-br from-fuchsia-200 via-amber-100 to-sky-100"></span> }.into_any(),
                }}
            </A>
            <div class="space-y-1 p-4">
                <p class="text-sm font-semibold text-fuchsia-700">
                    <time datetime=event.starts_at.to_rfc3339()>{span_label(event.starts_at, event.ends_at)}</time>
                </p>
                <h2 class="text-lg font-bold leading-snug">
                    <A href=href attr:class="hover:underline" attr:data-testid="event-card-title">{event.title}</A>
                </h2>
                <p class="text-sm text-stone-600">{event.venue}</p>
                <p class="flex flex-wrap gap-x-3 text-sm">
                    <span class="font-medium">{event.prices.label()}</span>
                    <span class="text-stone-600">
                        <LiveAvailability rendered=event.availability stock=event.ticket_stock testid="event-card-availability" />
                    </span>
                </p>
            </div>
        </li>
    }
}

#[component]
pub fn NewEventPage() -> impl IntoView {
    // The organizer's shops fill the "hosted by" choice; a guest is sent to log in.
    let shops = Resource::new(|| (), |_| my_shops());
    view! {
        <Title text="New event" />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match shops.await {
                    Ok(shops) => view! { <NewEventForm shops /> }.into_any(),
                    Err(AppError::Unauthorized) => view! { <Redirect path="/login?next=/events/new" /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NewEventForm(shops: Vec<ShopSummary>) -> impl IntoView {
    let create = Action::new_local(|data: &FormData| create_event(data.clone().into()));
    let local_error = RwSignal::new(plain_post_error(CreateEvent::url()));
    let error = Signal::derive(move || local_error.get().or_else(|| create.value().get().and_then(Result::err)));
    let navigate = use_navigate();
    Effect::new(move |_| {
        if let Some(Ok(id)) = create.value().get() {
            navigate(&format!("/e/{id}"), Default::default());
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else { return };
        if let Err(e) = check_picked(&form, &EVENT_IMAGE) {
            local_error.set(Some(e));
            return;
        }
        if let Ok(data) = FormData::new_with_form(&form) {
            create.dispatch_local(data);
        }
    };
    let initial = EventForm { currency: "USD".into(), ..EventForm::default() };

    view! {
        <section class="mx-auto max-w-xl rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
            <h1 class="text-2xl font-bold">"New event"</h1>
            <form method="post" enctype="multipart/form-data" action=CreateEvent::url() on:submit=on_submit
                class="mt-4 space-y-4" data-testid="new-event-form">
                <ErrorAlert error />
                <EventFields initial shops error nested=false />
                <div>
                    <ImagePicker limits=EVENT_IMAGE id="event-image" label="Image (optional: JPEG, PNG or WebP, up to 10 MB)" />
                    <FieldError error field="image" />
                </div>
                <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="create-event" disabled=move || create.pending().get()
                    aria-busy=move || create.pending().get().to_string()>
                    {move || if create.pending().get() { "Creating…" } else { "Create event" }}
                </button>
            </form>
        </section>
    }
}

/// The event's fields, shared by the new-event and edit forms. `nested`
/// names them `form[title]`… for `update_event(id, form)`.
#[component]
fn EventFields(
    initial: EventForm,
    shops: Vec<ShopSummary>,
    #[prop(into)] error: Signal<Option<AppError>>,
    nested: bool,
) -> impl IntoView {
    let name = move |field: &str| if nested { format!("form[{field}]") } else { field.to_string() };
    let id = move |field: &str| if nested { format!("edit-{field}") } else { format!("event-{field}") };
    let EventForm {
        title,
        description,
        venue,
        starts_at,
        ends_at,
        currency,
        ticket_min,
        ticket_max,
        tickets_total,
        shop,
    } = initial;
    view! {
        <div class="space-y-4">
            <div>
                <label for=id("title") class=LABEL_CLASS>"Title"</label>
                <input id=id("title") name=name("title") required maxlength=TITLE_MAX.to_string() value=title class=INPUT_CLASS />
                <FieldError error field="title" />
            </div>
            <div class="grid gap-4 sm:grid-cols-2">
                <div>
                    <label for=id("starts_at") class=LABEL_CLASS>"Starts (UTC)"</label>
                    <input id=id("starts_at") name=name("starts_at") type="datetime-local" required value=starts_at class=INPUT_CLASS />
                    <FieldError error field="starts_at" />
                </div>
                <div>
                    <label for=id("ends_at") class=LABEL_CLASS>"Ends (UTC)"</label>
                    <input id=id("ends_at") name=name("ends_at") type="datetime-local" required value=ends_at class=INPUT_CLASS />
                    <FieldError error field="ends_at" />
                </div>
                <p class="text-xs text-stone-500 sm:col-span-2">"Times are in UTC (Coordinated Universal Time), shown to everyone as UTC."</p>
            </div>
            <div>
                <label for=id("venue") class=LABEL_CLASS>"Venue"</label>
                <input id=id("venue") name=name("venue") required maxlength=VENUE_MAX.to_string() value=venue
                    placeholder="Place and address" class=INPUT_CLASS />
                <FieldError error field="venue" />
            </div>
            <div>
                <label for=id("description") class=LABEL_CLASS>"Description"</label>
                <textarea id=id("description") name=name("description") rows="4" maxlength=DESCRIPTION_MAX.to_string() class=INPUT_CLASS>{raw_text_safe(description)}</textarea>
                <FieldError error field="description" />
            </div>
            <fieldset class="grid grid-cols-2 gap-3 sm:grid-cols-3">
                <legend class="mb-1 text-sm font-medium text-stone-700">"Tickets"</legend>
                <div>
                    <label for=id("currency") class=LABEL_CLASS>"Currency"</label>
                    <select id=id("currency") name=name("currency") class=INPUT_CLASS>
                        {Currency::ALL.into_iter().map(|c| view! {
                            <option value=c.code() selected=c.code() == currency>{c.code()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div>
                    <label for=id("ticket_min") class=LABEL_CLASS>"Lowest price"</label>
                    <input id=id("ticket_min") name=name("ticket_min") inputmode="decimal" value=ticket_min placeholder="0 = free" class=INPUT_CLASS />
                </div>
                <div>
                    <label for=id("ticket_max") class=LABEL_CLASS>"Highest price"</label>
                    <input id=id("ticket_max") name=name("ticket_max") inputmode="decimal" value=ticket_max placeholder="same" class=INPUT_CLASS />
                </div>
                <div class="col-span-2 sm:col-span-3">
                    <label for=id("tickets_total") class=LABEL_CLASS>"Tickets available"</label>
                    <input id=id("tickets_total") name=name("tickets_total") inputmode="numeric" value=tickets_total
                        placeholder="Leave empty for no limit" class=INPUT_CLASS />
                </div>
                <div class="col-span-2 sm:col-span-3">
                    <FieldError error field="currency" />
                    <FieldError error field="ticket_min" />
                    <FieldError error field="ticket_max" />
                    <FieldError error field="tickets_total" />
                </div>
            </fieldset>
            {if shops.is_empty() {
                view! { <input type="hidden" name=name("shop") value="" /> }.into_any()
            } else {
                view! {
                    <div>
                        <label for=id("shop") class=LABEL_CLASS>"Hosted by one of your shops"</label>
                        <select id=id("shop") name=name("shop") class=INPUT_CLASS>
                            <option value="" selected=shop.is_empty()>"No shop: just me"</option>
                            {shops.into_iter().map(|s| {
                                let selected = s.handle == shop;
                                view! { <option value=s.handle.clone() selected=selected>{format!("{} (${})", s.name, s.handle)}</option> }
                            }).collect_view()}
                        </select>
                        <FieldError error field="shop" />
                    </div>
                }.into_any()
            }}
        </div>
    }
}

fn event_id() -> impl Fn() -> Option<Uuid> + Send + Sync + Copy + 'static {
    let params = use_params_map();
    move || params.read().get("id").and_then(|id| Uuid::parse_str(&id).ok())
}

#[component]
pub fn EventPage() -> impl IntoView {
    let id = event_id();
    let update = ServerAction::<UpdateEvent>::new();
    let cancel = ServerAction::<CancelEvent>::new();
    let tickets = TicketActions::new();
    let event = Resource::new(
        move || (id(), update.version().get(), cancel.version().get(), tickets.version()),
        |(id, _, _, _)| async move {
            match id {
                Some(id) => get_event(id).await,
                None => Err(AppError::NotFound("Event".into())),
            }
        },
    );
    view! {
        <Transition fallback=|| view! { <Loading label="Loading event…" /> }>
            {move || Suspend::new(async move {
                match event.await {
                    Ok(event) => view! { <EventView event update cancel tickets /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn EventView(
    event: Event,
    update: ServerAction<UpdateEvent>,
    cancel: ServerAction<CancelEvent>,
    tickets: TicketActions,
) -> impl IntoView {
    let cancelled = event.status == EventStatus::Cancelled;
    let availability = event.availability();
    let description: String = event.description.chars().take(160).collect();
    let organizer_panel = (event.is_organizer && !cancelled).then(|| event.clone());
    let event_id = event.id;
    let ticket_types = (!event.ticket_types.is_empty()).then(|| event.ticket_types.clone());
    view! {
        <Title text=event.title.clone() />
        <Meta name="description" content=if description.is_empty() { format!("{} at {}", event.title, event.venue) } else { description } />
        <article class="mx-auto max-w-2xl overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm" data-testid="event">
            {event.image.clone().map(|img| view! {
                <img src=img.url_1200.clone() srcset=crate::ui::srcset_600_1200(&img.url_600, &img.url_1200, img.width)
                    sizes="(min-width: 42rem) 42rem, 100vw" width=img.width.to_string() height=img.height.to_string()
                    alt=event.title.clone() class="max-h-[60vh] w-full bg-stone-100 object-cover" data-testid="event-image" />
            })}
            <div class="space-y-3 p-4 sm:p-6">
                {cancelled.then(|| view! {
                    <p class="rounded-lg border border-rose-200 bg-rose-50 px-3 py-2 font-semibold text-rose-800" role="status" data-testid="event-cancelled">
                        "This event was cancelled."
                    </p>
                })}
                <p class="text-sm font-semibold text-fuchsia-700" data-testid="event-when">
                    <time datetime=event.starts_at.to_rfc3339()>{span_label(event.starts_at, event.ends_at)}</time>
                </p>
                <h1 class="text-2xl font-bold leading-tight sm:text-3xl" data-testid="event-title">{event.title.clone()}</h1>
                <dl class="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1 text-sm">
                    <dt class="text-stone-500">"Where"</dt>
                    <dd data-testid="event-venue">{event.venue.clone()}</dd>
                    <dt class="text-stone-500">"Tickets"</dt>
                    <dd>
                        <span class="font-semibold" data-testid="event-price">{event.prices.label()}</span>
                        {(!cancelled && availability.label().is_some()).then(|| view! {
                            " · "<LiveAvailability rendered=availability stock=stock_on_sale(&event.ticket_types) testid="event-availability" />
                        })}
                    </dd>
                    <dt class="text-stone-500">"Organizer"</dt>
                    <dd data-testid="event-organizer">
                        <A href=format!("/u/{}", event.organizer.username) attr:class="font-medium hover:underline">
                            {event.organizer.display_name.clone()}
                        </A>
                        {event.shop.clone().map(|shop| view! {
                            " with "
                            <A href=format!("/s/{}", shop.handle) attr:class="font-medium hover:underline" attr:data-testid="event-shop">{shop.name}</A>
                        })}
                    </dd>
                </dl>
                {(!event.description.is_empty()).then(|| view! {
                    <p class="whitespace-pre-line text-stone-700" data-testid="event-description">{event.description.clone()}</p>
                })}
            </div>
        </article>
        {ticket_types.map(|types| view! { <TicketsSection types cancelled /> })}
        <div class="mx-auto max-w-xl">
            <RelatedPosts about=About::Event(event_id) heading="Posts about this event".into()
                empty="No posts link this event yet." />
        </div>
        {organizer_panel.map(|event| view! { <OrganizerPanel event update cancel tickets /> })}
    }
}

/// The organizer's forms under their event: edit the details, or cancel it.
#[component]
fn OrganizerPanel(
    event: Event,
    update: ServerAction<UpdateEvent>,
    cancel: ServerAction<CancelEvent>,
    tickets: TicketActions,
) -> impl IntoView {
    let shops = Resource::new(|| (), |_| my_shops());
    let error = Signal::derive(move || update.value().get().and_then(Result::err));
    let saved = Signal::derive(move || matches!(update.value().get(), Some(Ok(()))));
    let cancel_error = Signal::derive(move || cancel.value().get().and_then(Result::err));
    let id = event.id.to_string();
    let (event_id, currency, has_shop) = (event.id, event.prices.min.currency, event.shop.is_some());
    let ticket_types = event.ticket_types.clone();
    let initial = EventForm {
        title: event.title,
        description: event.description,
        venue: event.venue,
        starts_at: datetime_local_value(event.starts_at),
        ends_at: datetime_local_value(event.ends_at),
        currency: event.prices.min.currency.code().to_string(),
        ticket_min: event.prices.min.amount_string(),
        ticket_max: event.prices.max.amount_string(),
        tickets_total: event.tickets_total.map(|n| n.to_string()).unwrap_or_default(),
        shop: event.shop.map(|s| s.handle).unwrap_or_default(),
    };
    let sold = event.tickets_sold;
    view! {
        <section class="mx-auto mt-6 max-w-2xl space-y-6" data-testid="organizer-panel">
            <div class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
                <h2 class="text-lg font-semibold">"Edit event"</h2>
                {(sold > 0).then(|| view! { <p class="mt-1 text-sm text-stone-600">{format!("{} sold so far.", exact_count(sold.into(), "ticket", "tickets"))}</p> })}
                <Suspense fallback=|| view! { <Loading /> }>
                    {move || {
                        let initial = initial.clone();
                        let id = id.clone();
                        Suspend::new(async move {
                            let shops = shops.await.unwrap_or_default();
                            view! {
                                <ActionForm action=update>
                                    <div class="mt-3 space-y-4" data-testid="edit-event-form">
                                        <ErrorAlert error />
                                        <SuccessNote show=saved message="Event saved." />
                                        <input type="hidden" name="id" value=id />
                                        <EventFields initial shops error nested=true />
                                        <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="save-event" disabled=move || update.pending().get()
                                            aria-busy=move || update.pending().get().to_string()>
                                            {move || if update.pending().get() { "Saving…" } else { "Save event" }}
                                        </button>
                                    </div>
                                </ActionForm>
                            }
                        })
                    }}
                </Suspense>
            </div>
            <TicketTypesEditor event_id types=ticket_types currency has_shop actions=tickets />
            <details class="rounded-2xl border border-rose-200 bg-white p-4 shadow-sm sm:p-6">
                <summary class="cursor-pointer font-semibold text-rose-800">"Cancel this event…"</summary>
                <p class="mt-2 text-sm text-stone-600">"It stays visible, marked as cancelled, and leaves the events list. This can't be undone."</p>
                <ActionForm action=cancel>
                    <input type="hidden" name="id" value=event.id.to_string() />
                    <div class="mt-3 space-y-2">
                        <ErrorAlert error=cancel_error />
                        <button type="submit" data-testid="cancel-event" disabled=move || cancel.pending().get()
                            class=format!("{SECONDARY_BUTTON_CLASS} border-rose-300 text-rose-800 hover:bg-rose-50")>
                            "Yes, cancel the event"
                        </button>
                    </div>
                </ActionForm>
            </details>
        </section>
    }
}

//! What tickets look like: the event page's "Tickets" section (each type
//! with its live "N left" and an add-to-cart form that works before
//! hydration), the organizer's ticket type editor, an event card's live
//! availability, and the buyer's "Your tickets" on the order page.

use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use super::api::{AddTicketType, StopTicketType, UpdateTicketType};
use super::{availability_of, Ticket, TicketStatus, TicketType, QUOTA_MAX, TYPE_NAME_MAX};
use crate::cart::api::AddToCart;
use crate::cart::count::CartVersion;
use crate::cart::MAX_LINE_QUANTITY;
use crate::events::{span_label, Availability};
use crate::live::{use_live, Topic, Update as LiveUpdate};
use crate::money::Currency;
use crate::ui::{
    ErrorAlert, FieldError, SuccessNote, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS,
};

/// What `variant` has available now: the pushed number once one came, the
/// rendered one until then.
fn live_available(variant: Uuid, rendered: i32) -> Signal<i32> {
    let pushed = use_live(Topic::Stock(variant));
    Signal::derive(move || match pushed.get() {
        Some(LiveUpdate::Stock { available, .. }) => available,
        _ => rendered,
    })
}

/// The organizer's ticket actions, created by the event page so its data
/// reloads after each.
#[derive(Clone, Copy)]
pub struct TicketActions {
    pub add: ServerAction<AddTicketType>,
    pub update: ServerAction<UpdateTicketType>,
    pub stop: ServerAction<StopTicketType>,
}

impl TicketActions {
    pub fn new() -> Self {
        TicketActions { add: ServerAction::new(), update: ServerAction::new(), stop: ServerAction::new() }
    }

    /// Changes whenever one of them completes.
    pub fn version(&self) -> (usize, usize, usize) {
        (self.add.version().get(), self.update.version().get(), self.stop.version().get())
    }
}

impl Default for TicketActions {
    fn default() -> Self {
        Self::new()
    }
}

/// The most ticket types an event's availability follows live (the
/// `/events` list shows 50 events).
pub const LIVE_TYPES_MAX: usize = 3;

/// The (variant, available) pairs of the ticket types on sale, for
/// [`LiveAvailability`].
pub fn stock_on_sale(types: &[TicketType]) -> Vec<(Uuid, i32)> {
    types.iter().filter(|t| t.on_sale).map(|t| (t.variant_id, t.available)).collect()
}

/// "Tickets": each type with its price, what is left (live) and an
/// add-to-cart form.
#[component]
pub fn TicketsSection(types: Vec<TicketType>, cancelled: bool) -> impl IntoView {
    view! {
        <section class="mx-auto mt-6 max-w-2xl rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6"
            aria-labelledby="tickets-heading" data-testid="event-tickets">
            <h2 id="tickets-heading" class="text-lg font-semibold">"Tickets"</h2>
            {cancelled.then(|| view! { <p class="mt-1 text-sm text-rose-800">"This event was cancelled: tickets are no longer sold."</p> })}
            <ul class="mt-3 divide-y divide-stone-100">
                {types.into_iter().map(|t| view! { <TicketRow t cancelled /> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn TicketRow(t: TicketType, cancelled: bool) -> impl IntoView {
    let add = ServerAction::<AddToCart>::new();
    let error = Signal::derive(move || add.value().get().and_then(Result::err));
    let added = Signal::derive(move || matches!(add.value().get(), Some(Ok(()))));
    Effect::new(move || {
        if added.get() {
            CartVersion::bump();
        }
    });
    let available = live_available(t.variant_id, t.available);
    let selling = t.on_sale && !cancelled;
    let closed = Signal::derive(move || !selling || available.get() <= 0);
    let label = {
        let t = t.clone();
        move || t.label(available.get())
    };
    let quantity_id = format!("ticket-quantity-{}", t.variant_id);
    let (name, data_name) = (t.name.clone(), t.name.clone());
    view! {
        <li class="py-3" data-testid="ticket-type" data-name=data_name>
            <ActionForm action=add attr:class="flex flex-wrap items-end justify-between gap-3">
                <input type="hidden" name="variant" value=t.variant_id.to_string() />
                <div class="min-w-0">
                    <p class="font-semibold" data-testid="ticket-type-name">{name}</p>
                    <p class="text-sm">
                        <span class="font-medium" data-testid="ticket-type-price">
                            {if t.price.minor == 0 { "Free".to_string() } else { t.price.display() }}
                        </span>
                        " · "
                        <span class=move || if closed.get() { "font-semibold text-rose-700" } else { "text-emerald-700" }
                            data-testid="ticket-type-left">{label}</span>
                    </p>
                </div>
                <div class="flex items-end gap-2">
                    <div class="w-20">
                        <label for=quantity_id.clone() class="block text-sm font-medium text-stone-700">"Qty"</label>
                        <input id=quantity_id name="quantity" type="number" min="1" max=MAX_LINE_QUANTITY.to_string() value="1"
                            inputmode="numeric" required data-testid="ticket-quantity" disabled=closed
                            class="mt-1 block w-full rounded-lg border border-stone-300 bg-white px-3 py-2" />
                    </div>
                    <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="ticket-add-to-cart"
                        disabled=move || closed.get() || add.pending().get()>
                        {move || if !selling { "Not on sale" } else if available.get() <= 0 { "Sold out" } else { "Add to cart" }}
                    </button>
                </div>
            </ActionForm>
            <div class="mt-2 space-y-2">
                <ErrorAlert error />
                {move || added.get().then(|| view! {
                    <p role="status" class="rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800" data-testid="ticket-added">
                        "Added to your cart. " <A href="/cart" attr:class="font-semibold underline">"View cart"</A>
                    </p>
                })}
            </div>
        </li>
    }
}

/// An event's "N tickets left" (on its card or page, marked `testid`),
/// summed over its ticket types on sale as each changes; the rendered
/// availability for events without ticket types.
#[component]
pub fn LiveAvailability(rendered: Availability, stock: Vec<(Uuid, i32)>, testid: &'static str) -> impl IntoView {
    // A page's one live connection watches at most `live::MAX_TOPICS`: a
    // list of events follows those with a few ticket types.
    let live = !stock.is_empty() && stock.len() <= LIVE_TYPES_MAX;
    let counts: Vec<Signal<i32>> =
        if live { stock.iter().map(|(variant, n)| live_available(*variant, *n)).collect() } else { Vec::new() };
    let label = move || {
        let now = if live { availability_of(counts.iter().map(|c| c.get())) } else { rendered };
        now.label()
    };
    view! {
        {move || label().map(|label| view! { <span data-testid=testid>{label}</span> })}
    }
}

/// The organizer's editor: each ticket type's price and quota, a way to
/// stop selling it, and a form for a new one.
#[component]
pub fn TicketTypesEditor(
    event_id: Uuid,
    types: Vec<TicketType>,
    currency: Currency,
    has_shop: bool,
    actions: TicketActions,
) -> impl IntoView {
    let add_error = Signal::derive(move || actions.add.value().get().and_then(Result::err));
    let added = Signal::derive(move || matches!(actions.add.value().get(), Some(Ok(()))));
    let row_error = Signal::derive(move || {
        actions.update.value().get().and_then(Result::err).or_else(|| actions.stop.value().get().and_then(Result::err))
    });
    view! {
        <div class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6" data-testid="ticket-types-editor">
            <h2 class="text-lg font-semibold">"Tickets"</h2>
            {if !has_shop {
                view! {
                    <p class="mt-1 text-sm text-stone-600" data-testid="tickets-need-shop">
                        "To sell tickets, host the event with one of your shops (above), then add ticket types here."
                    </p>
                }.into_any()
            } else {
                view! {
                    <p class="mt-1 text-sm text-stone-600">
                        {format!("Sold through your shop's cart and checkout, in {}. Each paid ticket gets a code on the buyer's order page.", currency.code())}
                    </p>
                    <div class="mt-3"><ErrorAlert error=row_error /></div>
                    <ul class="mt-3 space-y-3">
                        {types.into_iter().map(|t| view! { <TicketTypeRow t actions /> }).collect_view()}
                    </ul>
                    <ActionForm action=actions.add attr:class="mt-4 space-y-3 border-t border-stone-100 pt-4" attr:data-testid="add-ticket-type-form">
                        <h3 class="font-semibold">"Add a ticket type"</h3>
                        <ErrorAlert error=add_error />
                        <SuccessNote show=added message="Ticket type added." />
                        <input type="hidden" name="event" value=event_id.to_string() />
                        <div class="grid grid-cols-2 gap-3 sm:grid-cols-3">
                            <div class="col-span-2 sm:col-span-1">
                                <label for="ticket-type-name" class=LABEL_CLASS>"Name"</label>
                                <input id="ticket-type-name" name="name" required maxlength=TYPE_NAME_MAX.to_string()
                                    placeholder="General admission" class=INPUT_CLASS data-testid="new-ticket-name" />
                                <FieldError error=add_error field="name" />
                            </div>
                            <div>
                                <label for="ticket-type-price" class=LABEL_CLASS>{format!("Price ({})", currency.code())}</label>
                                <input id="ticket-type-price" name="price" required inputmode="decimal" placeholder="0 for free"
                                    class=INPUT_CLASS data-testid="new-ticket-price" />
                                <FieldError error=add_error field="price" />
                            </div>
                            <div>
                                <label for="ticket-type-quota" class=LABEL_CLASS>"Quota"</label>
                                <input id="ticket-type-quota" name="quota" required inputmode="numeric" type="number" min="1"
                                    max=QUOTA_MAX.to_string() class=INPUT_CLASS data-testid="new-ticket-quota" />
                                <FieldError error=add_error field="quota" />
                            </div>
                        </div>
                        <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="add-ticket-type"
                            disabled=move || actions.add.pending().get()>
                            "Add ticket type"
                        </button>
                    </ActionForm>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn TicketTypeRow(t: TicketType, actions: TicketActions) -> impl IntoView {
    let id = t.variant_id.to_string();
    let (price_id, quota_id) = (format!("ticket-price-{id}"), format!("ticket-quota-{id}"));
    let stop_id = id.clone();
    view! {
        <li class="rounded-xl border border-stone-200 p-3" data-testid="ticket-type-row" data-name=t.name.clone()>
            <p class="flex flex-wrap justify-between gap-2">
                <span class="font-semibold">{t.name.clone()}</span>
                <span class="text-sm text-stone-600" data-testid="ticket-type-taken">
                    {format!("{} sold or held of {}{}", t.taken, t.quota, if t.on_sale { "" } else { " · not on sale" })}
                </span>
            </p>
            <ActionForm action=actions.update attr:class="mt-2 flex flex-wrap items-end gap-3">
                <input type="hidden" name="ticket_type" value=id />
                <div class="w-32">
                    <label for=price_id.clone() class=LABEL_CLASS>"Price"</label>
                    <input id=price_id name="price" required inputmode="decimal" value=t.price.amount_string() class=INPUT_CLASS />
                </div>
                <div class="w-32">
                    <label for=quota_id.clone() class=LABEL_CLASS>"Quota"</label>
                    <input id=quota_id name="quota" required type="number" min="1" max=QUOTA_MAX.to_string()
                        value=t.quota.to_string() class=INPUT_CLASS />
                </div>
                <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="save-ticket-type"
                    disabled=move || actions.update.pending().get()>"Save"</button>
            </ActionForm>
            {t.on_sale.then(|| view! {
                <ActionForm action=actions.stop attr:class="mt-2">
                    <input type="hidden" name="ticket_type" value=stop_id />
                    <button type="submit" class="text-sm font-semibold text-rose-700 hover:underline" data-testid="stop-ticket-type"
                        disabled=move || actions.stop.pending().get()>"Stop selling this type"</button>
                </ActionForm>
            })}
        </li>
    }
}

/// "Your tickets" on the buyer's order page: one code per ticket.
#[component]
pub fn OrderTickets(tickets: Vec<Ticket>) -> impl IntoView {
    view! {
        <section class="rounded-2xl border border-fuchsia-200 bg-white p-4 text-sm shadow-sm" aria-labelledby="tickets-heading"
            data-testid="order-tickets">
            <h2 id="tickets-heading" class="font-semibold">"Your tickets"</h2>
            <ul class="mt-2 divide-y divide-stone-100">
                {tickets.into_iter().map(|t| {
                    let void = t.status == TicketStatus::Void;
                    view! {
                        <li class="flex flex-wrap items-center justify-between gap-2 py-2" data-testid="ticket">
                            <span>
                                <A href=format!("/e/{}", t.event_id) attr:class="font-medium hover:underline" attr:data-testid="ticket-event">{t.event_title}</A>
                                <span class="block text-stone-600">{format!("{} · {}", t.type_name, span_label(t.starts_at, t.ends_at))}</span>
                                <span class="block text-stone-500">{t.venue}</span>
                            </span>
                            <span class="text-right">
                                <code class=if void { "font-mono text-base text-stone-400 line-through" } else { "font-mono text-base font-bold tracking-widest" }
                                    data-testid="ticket-code">{t.code}</code>
                                {void.then(|| view! { <span class="block text-xs font-semibold text-rose-700" data-testid="ticket-void">"Void"</span> })}
                            </span>
                        </li>
                    }
                }).collect_view()}
            </ul>
        </section>
    }
}

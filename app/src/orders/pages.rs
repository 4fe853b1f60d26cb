//! `/orders` (the buyer's orders), `/orders/:id` (one order: confirmation,
//! status, lines with their promotions, the audit trail, and for the shop's
//! owner the actions: pack, ship with tracking, deliver, cancel, refund) and
//! `/s/:handle/orders` (the shop's orders).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};
use uuid::Uuid;

use super::api::{get_order, my_orders, shop_orders, CancelOrder, DeliverOrder, FulfilOrder, RefundOrder, ShipOrder};
use super::{OrderStatus, OrderSummary, OrderView};
use crate::checkout::summary_rows::SummaryRows;
use crate::ui::{
    exact_count, ErrorAlert, ErrorPage, FieldError, Loading, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS,
    SECONDARY_BUTTON_CLASS,
};

fn status_badge(status: OrderStatus) -> impl IntoView {
    let colour = match status {
        OrderStatus::Pending => "bg-amber-100 text-amber-800",
        OrderStatus::Paid | OrderStatus::Fulfilled => "bg-sky-100 text-sky-800",
        OrderStatus::Shipped | OrderStatus::Delivered => "bg-emerald-100 text-emerald-800",
        _ => "bg-stone-200 text-stone-700",
    };
    view! {
        <span class=format!("rounded-full px-2.5 py-0.5 text-xs font-semibold {colour}") data-testid="order-status">{status.label()}</span>
    }
}

#[component]
fn OrderList(orders: Vec<OrderSummary>, show_buyer: bool) -> impl IntoView {
    if orders.is_empty() {
        return view! { <p class="mt-4 text-stone-600" data-testid="no-orders">"No orders yet."</p> }.into_any();
    }
    view! {
        <ul class="mt-4 divide-y divide-stone-100 rounded-2xl border border-stone-200 bg-white shadow-sm" data-testid="order-list">
            {orders.into_iter().map(|o| view! {
                <li data-testid="order-row">
                    <A href=format!("/orders/{}", o.id) attr:class="flex flex-wrap items-center justify-between gap-2 px-4 py-3 hover:bg-stone-50">
                        <span>
                            <span class="font-semibold">{format!("Order #{}", o.number)}</span>
                            <span class="block text-sm text-stone-600">
                                {if show_buyer { o.buyer.clone() } else { o.shop_name.clone() }}
                                {format!(" · {} · {}", exact_count(o.item_count, "item", "items"), o.placed_at.format("%-d %b %Y"))}
                            </span>
                        </span>
                        <span class="flex items-center gap-3">
                            <span class="font-semibold">{o.total.display()}</span>
                            {status_badge(o.status)}
                        </span>
                    </A>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn OrdersPage() -> impl IntoView {
    let orders = Resource::new(|| (), |_| my_orders());
    view! {
        <Title text="Your orders" />
        <section class="mx-auto max-w-2xl">
            <h1 class="text-2xl font-bold">"Your orders"</h1>
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match orders.await {
                        Ok(list) => view! { <OrderList orders=list show_buyer=false /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn ShopOrdersPage() -> impl IntoView {
    let params = use_params_map();
    let orders = Resource::new(move || params.read().get("handle").unwrap_or_default(), shop_orders);
    view! {
        <Title text="Shop orders" />
        <section class="mx-auto max-w-3xl">
            <Transition fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match orders.await {
                        Ok((name, list)) => view! {
                            <h1 class="text-2xl font-bold">{format!("Orders · {name}")}</h1>
                            <OrderList orders=list show_buyer=true />
                        }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[derive(Clone, Copy)]
struct ManageActions {
    fulfil: ServerAction<FulfilOrder>,
    ship: ServerAction<ShipOrder>,
    deliver: ServerAction<DeliverOrder>,
    cancel: ServerAction<CancelOrder>,
    refund: ServerAction<RefundOrder>,
}

#[component]
pub fn OrderPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let actions = ManageActions {
        fulfil: ServerAction::new(),
        ship: ServerAction::new(),
        deliver: ServerAction::new(),
        cancel: ServerAction::new(),
        refund: ServerAction::new(),
    };
    let version = move || {
        actions.fulfil.version().get()
            + actions.ship.version().get()
            + actions.deliver.version().get()
            + actions.cancel.version().get()
            + actions.refund.version().get()
    };
    let order = Resource::new(
        move || (params.read().get("id").and_then(|id| id.parse::<Uuid>().ok()), query.read().get("key"), version()),
        |(id, key, _)| async move {
            match id {
                Some(id) => get_order(id, key).await,
                None => Err(crate::error::AppError::NotFound("Order".into())),
            }
        },
    );
    let placed = move || query.read().get("placed").is_some();
    view! {
        <Title text="Order" />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match order.await {
                    Ok(o) => view! { <OrderDetail o placed=placed() actions /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn OrderDetail(o: OrderView, placed: bool, actions: ManageActions) -> impl IntoView {
    let summary = o.summary();
    let manage = o.can_manage.then(|| o.clone());
    view! {
        <article class="mx-auto max-w-2xl space-y-4" data-testid="order">
            {(placed && !o.can_manage).then(|| view! {
                <div role="status" class="rounded-2xl border border-emerald-200 bg-emerald-50 p-4 text-emerald-900" data-testid="order-confirmation">
                    <p class="text-lg font-semibold">"Thank you! Your order is placed."</p>
                    <p class="text-sm">{format!("We sent the details to {}.", o.email)}</p>
                </div>
            })}
            {(o.guest && !o.can_manage).then(|| view! { <ClaimGuestOrder email=o.email.clone() /> })}
            <header class="flex flex-wrap items-center justify-between gap-2">
                <h1 class="text-2xl font-bold" data-testid="order-number">{format!("Order #{}", o.number)}</h1>
                {status_badge(o.status)}
            </header>
            <p class="text-sm text-stone-600">
                {format!("Placed {} · ", o.placed_at.format("%-d %b %Y, %H:%M UTC"))}
                <A href=format!("/s/{}", o.shop_handle) attr:class="font-semibold text-fuchsia-700 hover:underline">{o.shop_name.clone()}</A>
                {o.can_manage.then(|| format!(" · bought by {}", o.buyer))}
            </p>
            {o.tracking_number.clone().map(|t| view! {
                <p class="rounded-lg bg-sky-50 px-3 py-2 text-sm text-sky-900" data-testid="order-tracking">
                    {format!("Shipped{} · tracking {t}", o.carrier.clone().map(|c| format!(" with {c}")).unwrap_or_default())}
                </p>
            })}
            <section class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
                <ul class="divide-y divide-stone-100">
                    {o.lines.iter().map(|l| view! {
                        <li class="py-2 text-sm" data-testid="order-line">
                            <div class="flex justify-between gap-2">
                                <A href=format!("/p/{}", l.product_id) attr:class="font-medium hover:underline">{format!("{} × {}", l.quantity, l.name())}</A>
                                <span class="shrink-0">{l.gross().display()}</span>
                            </div>
                            {l.promotions.iter().map(|p| view! { <p class="text-emerald-700" data-testid="order-line-promotion">{p.clone()}</p> }).collect_view()}
                            {(l.refunded.minor > 0).then(|| view! {
                                <p class="text-rose-700">{format!("Refunded {} ({})", l.refunded.display(), exact_count(l.refunded_quantity.into(), "unit", "units"))}</p>
                            })}
                            {(!l.touch_path.is_empty()).then(|| view! { <crate::attribution::TouchPath touches=l.touch_path.clone() /> })}
                        </li>
                    }).collect_view()}
                </ul>
                <SummaryRows summary testids="order" />
                {(o.refunded.minor > 0).then(|| view! {
                    <p class="mt-1 flex justify-between text-sm text-rose-700"><span>"Refunded"</span><span data-testid="order-refunded">{o.refunded.display()}</span></p>
                })}
                {o.paid_with.clone().map(|p| view! { <p class="mt-2 text-xs text-stone-500">{format!("Paid with {p}")}</p> })}
            </section>
            {o.plan.clone().map(|plan| view! { <crate::plans::pages::OrderPlanSection plan /> })}
            {(!o.tickets.is_empty()).then(|| view! { <crate::events::tickets::pages::OrderTickets tickets=o.tickets.clone() /> })}
            <section class="rounded-2xl border border-stone-200 bg-white p-4 text-sm shadow-sm">
                <h2 class="font-semibold">"Shipping to"</h2>
                <address class="mt-1 not-italic text-stone-700">{o.ship_to.iter().map(|l| view! { <span class="block">{l.clone()}</span> }).collect_view()}</address>
            </section>
            {manage.map(|o| view! { <ManageOrder o actions /> })}
            <section class="rounded-2xl border border-stone-200 bg-white p-4 text-sm shadow-sm" aria-labelledby="history-heading">
                <h2 id="history-heading" class="font-semibold">"History"</h2>
                <ol class="mt-2 space-y-1" data-testid="order-history">
                    {o.history.iter().map(|h| view! {
                        <li class="flex flex-wrap justify-between gap-2">
                            <span>
                                <span class="font-medium">{h.to.label()}</span>
                                {(!h.note.is_empty()).then(|| format!(" · {}", h.note))}
                                {h.actor.clone().map(|a| format!(" · @{a}"))}
                            </span>
                            <time class="text-stone-500" datetime=h.at.to_rfc3339()>{h.at.format("%-d %b %H:%M UTC").to_string()}</time>
                        </li>
                    }).collect_view()}
                </ol>
            </section>
        </article>
    }
}

/// Shown on a guest order: the link is the only way back to it until an
/// account with the same (verified) email claims it.
#[component]
fn ClaimGuestOrder(email: String) -> impl IntoView {
    let here = crate::accounts::next::current_path();
    view! {
        <aside class="rounded-2xl border border-stone-200 bg-white p-4 text-sm shadow-sm" data-testid="order-claim">
            <p>"Bookmark this page: its link is your way back to this order."</p>
            <p class="mt-1">
                {format!("Create an account with {email} and confirm the address to keep your orders together. ")}
                <a href=move || crate::accounts::next::register_href(&here.get()) class="font-semibold text-fuchsia-700 underline" data-testid="order-claim-register">
                    "Create an account"
                </a>
            </p>
        </aside>
    }
}

#[component]
fn ManageOrder(o: OrderView, actions: ManageActions) -> impl IntoView {
    let error = Signal::derive(move || {
        actions
            .fulfil
            .value()
            .get()
            .and_then(Result::err)
            .or_else(|| actions.ship.value().get().and_then(Result::err))
            .or_else(|| actions.deliver.value().get().and_then(Result::err))
            .or_else(|| actions.cancel.value().get().and_then(Result::err))
            .or_else(|| actions.refund.value().get().and_then(Result::err))
    });
    let id = o.id;
    let status = o.status;
    view! {
        <section class="space-y-4 rounded-2xl border border-fuchsia-200 bg-white p-4 shadow-sm" aria-labelledby="manage-heading" data-testid="manage-order">
            <h2 id="manage-heading" class="font-semibold">"Manage this order"</h2>
            <ErrorAlert error />
            {(status == OrderStatus::Paid).then(|| view! {
                <ActionForm action=actions.fulfil>
                    <input type="hidden" name="order" value=id.to_string() />
                    <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="mark-fulfilled">"Mark packed"</button>
                </ActionForm>
            })}
            {status.before_shipping().then(|| view! {
                <ActionForm action=actions.ship attr:class="space-y-2">
                    <input type="hidden" name="order" value=id.to_string() />
                    <div class="grid gap-2 sm:grid-cols-2">
                        <div>
                            <label for="ship-carrier" class=LABEL_CLASS>"Carrier (optional)"</label>
                            <input id="ship-carrier" name="carrier" maxlength="40" class=INPUT_CLASS />
                        </div>
                        <div>
                            <label for="ship-tracking" class=LABEL_CLASS>"Tracking number"</label>
                            <input id="ship-tracking" name="tracking_number" required maxlength="40" class=INPUT_CLASS data-testid="tracking-number" />
                            <FieldError error field="tracking_number" />
                        </div>
                    </div>
                    <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="mark-shipped">"Mark shipped"</button>
                </ActionForm>
            })}
            {(status == OrderStatus::Shipped).then(|| view! {
                <ActionForm action=actions.deliver>
                    <input type="hidden" name="order" value=id.to_string() />
                    <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="mark-delivered">"Mark delivered"</button>
                </ActionForm>
            })}
            {status.can_become(OrderStatus::Cancelled).then(|| view! {
                <ActionForm action=actions.cancel attr:class="space-y-2">
                    <input type="hidden" name="order" value=id.to_string() />
                    <label for="cancel-reason" class=LABEL_CLASS>"Cancel the order (the payment is voided or refunded, items go back on hand)"</label>
                    <div class="flex gap-2">
                        <input id="cancel-reason" name="reason" required maxlength="500" placeholder="Reason" class=INPUT_CLASS />
                        <button type="submit" class="rounded-lg border border-rose-300 px-3 py-2 text-sm font-semibold text-rose-700 hover:bg-rose-50" data-testid="cancel-order">"Cancel"</button>
                    </div>
                </ActionForm>
            })}
            {(status.refundable() && status != OrderStatus::Pending).then(|| view! {
                <ActionForm action=actions.refund attr:class="space-y-2">
                    <input type="hidden" name="order" value=id.to_string() />
                    <fieldset class="space-y-2">
                        <legend class="text-sm font-semibold">"Refund"</legend>
                        <div class="grid gap-2 sm:grid-cols-[minmax(0,1fr)_6rem]">
                            <div>
                                <label for="refund-line" class=LABEL_CLASS>"What"</label>
                                <select id="refund-line" name="line" class=INPUT_CLASS data-testid="refund-line">
                                    <option value="">"The whole order"</option>
                                    {o.lines.iter().filter(|l| l.refundable().minor > 0).map(|l| view! {
                                        <option value=l.id.to_string()>{format!("{} ({} left)", l.name(), l.quantity - l.refunded_quantity)}</option>
                                    }).collect_view()}
                                </select>
                            </div>
                            <div>
                                <label for="refund-quantity" class=LABEL_CLASS>"Units"</label>
                                <input id="refund-quantity" name="quantity" inputmode="numeric" value="1" class=INPUT_CLASS />
                            </div>
                        </div>
                        <label for="refund-reason" class=LABEL_CLASS>"Reason"</label>
                        <input id="refund-reason" name="reason" required maxlength="500" class=INPUT_CLASS data-testid="refund-reason" />
                        <label class="flex items-center gap-2 text-sm"><input type="checkbox" name="restock" value="1" />"Put the units back in stock"</label>
                        <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="refund">"Refund"</button>
                    </fieldset>
                </ActionForm>
            })}
        </section>
    }
}

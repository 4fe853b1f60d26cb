//! `/s/:handle/stock`: the owner's stock page. Each variant shows on hand,
//! held in checkouts and available, with a stock-count form and a
//! receive-delivery form; the latest ledger entries are listed below.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::api::{shop_stock, CountStock, ReceiveStock, StockPage};
use super::{Movement, StockRow};
use crate::ui::{ErrorAlert, ErrorPage, Loading, INPUT_CLASS, LABEL_CLASS, SECONDARY_BUTTON_CLASS};

#[component]
pub fn StockPageView() -> impl IntoView {
    let params = use_params_map();
    // Rows bump this after a successful change so the numbers reload.
    let changed = RwSignal::new(0usize);
    let page = Resource::new(
        move || (params.read().get("handle").unwrap_or_default(), changed.get()),
        |(handle, _)| shop_stock(handle),
    );
    view! {
        <Title text="Stock" />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(StockPage { shop_handle, shop_name, rows, recent }) => view! {
                        <div class="flex flex-wrap items-center justify-between gap-2">
                            <h1 class="text-2xl font-bold">{format!("Stock · {shop_name}")}</h1>
                            <A href=format!("/s/{shop_handle}/manage") attr:class="text-sm font-semibold text-fuchsia-700 hover:underline">"Manage shop"</A>
                        </div>
                        <p class="mt-1 text-sm text-stone-600">"Available is on hand minus what open checkouts hold (held for 10 minutes)."</p>
                        <ul class="mt-4 space-y-3" data-testid="stock-rows">
                            {rows.into_iter().map(|row| view! { <StockRowView row changed /> }).collect_view()}
                        </ul>
                        <RecentMovements recent />
                    }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn StockRowView(row: StockRow, changed: RwSignal<usize>) -> impl IntoView {
    let id = row.variant_id;
    let count = ServerAction::<CountStock>::new();
    let receive = ServerAction::<ReceiveStock>::new();
    Effect::new(move || {
        if matches!(count.value().get(), Some(Ok(()))) || matches!(receive.value().get(), Some(Ok(()))) {
            changed.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || {
        count.value().get().and_then(Result::err).or_else(|| receive.value().get().and_then(Result::err))
    });
    let name = super::item_name(&row.product_title, &row.variant_title);
    let available = row.available();
    view! {
        <li class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" data-testid="stock-row" data-sku=row.sku.clone()>
            <div class="flex flex-wrap items-baseline justify-between gap-2">
                <A href=format!("/p/{}", row.product_id) attr:class="font-semibold hover:underline">{name.clone()}</A>
                <span class="text-xs text-stone-500">{format!("SKU {}", row.sku)}</span>
            </div>
            <dl class="mt-2 grid grid-cols-3 gap-2 text-center text-sm">
                <div class="rounded-lg bg-stone-50 p-2"><dt class="text-stone-500">"On hand"</dt><dd class="text-lg font-semibold" data-testid="on-hand">{row.on_hand}</dd></div>
                <div class="rounded-lg bg-stone-50 p-2"><dt class="text-stone-500">"Held"</dt><dd class="text-lg font-semibold" data-testid="reserved">{row.reserved}</dd></div>
                <div class="rounded-lg bg-stone-50 p-2"><dt class="text-stone-500">"Available"</dt><dd class="text-lg font-semibold" data-testid="available">{available}</dd></div>
            </dl>
            <div class="mt-3"><ErrorAlert error /></div>
            <div class="mt-3 grid gap-3 sm:grid-cols-2">
                <ActionForm action=count>
                    <fieldset class="space-y-2">
                        <legend class="text-sm font-semibold">"Stock count"</legend>
                        <input type="hidden" name="variant" value=id.to_string() />
                        <div class="flex gap-2">
                            <div class="w-24">
                                <label for=format!("count-{id}") class=LABEL_CLASS>"On hand"</label>
                                <input id=format!("count-{id}") name="on_hand" inputmode="numeric" required value=row.on_hand.to_string() class=INPUT_CLASS />
                            </div>
                            <div class="flex-1">
                                <label for=format!("count-reason-{id}") class=LABEL_CLASS>"Reason"</label>
                                <input id=format!("count-reason-{id}") name="reason" required maxlength="200" placeholder="stock count" class=INPUT_CLASS />
                            </div>
                        </div>
                        <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="count-stock">"Save count"</button>
                    </fieldset>
                </ActionForm>
                <ActionForm action=receive>
                    <fieldset class="space-y-2">
                        <legend class="text-sm font-semibold">"Receive a delivery"</legend>
                        <input type="hidden" name="variant" value=id.to_string() />
                        <div class="flex gap-2">
                            <div class="w-24">
                                <label for=format!("receive-{id}") class=LABEL_CLASS>"Units"</label>
                                <input id=format!("receive-{id}") name="quantity" inputmode="numeric" required class=INPUT_CLASS />
                            </div>
                            <div class="flex-1">
                                <label for=format!("receive-reason-{id}") class=LABEL_CLASS>"Note"</label>
                                <input id=format!("receive-reason-{id}") name="reason" maxlength="200" placeholder="delivery received" class=INPUT_CLASS />
                            </div>
                        </div>
                        <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="receive-stock">"Add to stock"</button>
                    </fieldset>
                </ActionForm>
            </div>
        </li>
    }
}

#[component]
fn RecentMovements(recent: Vec<(String, Movement)>) -> impl IntoView {
    view! {
        <section class="mt-8" aria-labelledby="ledger-heading">
            <h2 id="ledger-heading" class="text-lg font-semibold">"Latest stock movements"</h2>
            {if recent.is_empty() {
                view! { <p class="mt-2 text-sm text-stone-600">"No movements yet."</p> }.into_any()
            } else {
                view! {
                    <ul class="mt-2 divide-y divide-stone-100 rounded-2xl border border-stone-200 bg-white text-sm" data-testid="ledger">
                        {recent.into_iter().map(|(name, m)| view! {
                            <li class="flex flex-wrap items-baseline justify-between gap-2 px-4 py-2" data-testid="ledger-entry">
                                <span><span class="font-medium">{movement_label(&m.kind)}</span>{format!(" · {name}")}</span>
                                <span class="text-stone-600">{movement_numbers(&m)}{m.reason.map(|r| format!(" · {r}"))}</span>
                                <time class="text-xs text-stone-500" datetime=m.at.to_rfc3339()>{m.at.format("%-d %b %H:%M UTC").to_string()}</time>
                            </li>
                        }).collect_view()}
                    </ul>
                }.into_any()
            }}
        </section>
    }
}

fn movement_label(kind: &str) -> &'static str {
    match kind {
        "receive" => "Received",
        "reserve" => "Held for checkout",
        "release" => "Released",
        "expire" => "Hold expired",
        "sell" => "Sold",
        "return" => "Returned",
        _ => "Adjusted",
    }
}

/// "+5 on hand", "−2 on hand, −2 held": only the numbers that moved.
fn movement_numbers(m: &Movement) -> String {
    let signed = |n: i32| if n >= 0 { format!("+{n}") } else { format!("−{}", n.unsigned_abs()) };
    let mut parts = Vec::new();
    if m.on_hand_delta != 0 {
        parts.push(format!("{} on hand", signed(m.on_hand_delta)));
    }
    if m.reserved_delta != 0 {
        parts.push(format!("{} held", signed(m.reserved_delta)));
    }
    parts.join(", ")
}

//! Linked cards under a post, and the author's picker for adding them.

use leptos::prelude::*;
use uuid::Uuid;

use super::api::{AddPostLink, RemovePostLink};
use super::{LinkCard, LinkKind, MAX_LINKS};
use crate::catalog::api::search_products;
use crate::events::api::search_events;
use crate::events::tickets::availability_of;
use crate::events::tickets::pages::LiveAvailability;
use crate::posts::product_sheet::use_sheet_opener;
use crate::ui::{ErrorAlert, Pick, PickFuture, SearchPicker, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS};

/// The cards as readers see them: a row that scrolls sideways on phones.
/// A product card opens the product sheet over the feed once hydrated.
#[component]
pub fn LinkCards(links: Vec<LinkCard>) -> impl IntoView {
    let open_sheet = use_sheet_opener();
    view! {
        <ul class="flex gap-3 overflow-x-auto px-4 pt-3" aria-label="Linked" data-testid="link-cards">
            {links.into_iter().map(|card| {
                let badge = match card.kind {
                    LinkKind::Product => "Product",
                    LinkKind::Shop => "Shop",
                    LinkKind::Event => "Event",
                };
                let product = card.product_id;
                let ctx = card.ctx.clone();
                let open_sheet = open_sheet.clone();
                let alt = card.title.clone();
                view! {
                    <li class="w-56 shrink-0">
                        <a href=card.href.clone() data-testid="link-card"
                            class="flex items-center gap-3 rounded-xl border border-stone-200 p-2 hover:bg-stone-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400"
                            on:click=move |ev| if let Some(id) = product { ev.prevent_default(); open_sheet(id, ctx.clone()); }>
                            {match card.image_url.clone() {
                                Some(src) => view! { <img src=src alt=alt class="h-12 w-12 shrink-0 rounded-lg object-cover" /> }.into_any(),
                                None => view! { <span class="flex h-12 w-12 shrink-0 items-center justify-center rounded-lg bg-fuchsia-100 text-lg font-bold text-fuchsia-700" aria-hidden="true">{card.title.chars().next().unwrap_or('?').to_string()}</span> }.into_any(),
                            }}
                            <span class="min-w-0">
                                <span class="block text-xs font-semibold uppercase tracking-wide text-stone-500">{badge}</span>
                                <span class="block truncate font-semibold">{card.title.clone()}</span>
                                <span class="block truncate text-sm text-stone-600">{card.subtitle.clone()}</span>
                                {(!card.ticket_stock.is_empty()).then(|| {
                                    let rendered = availability_of(card.ticket_stock.iter().map(|t| t.1));
                                    view! {
                                        <span class="block text-xs text-stone-600">
                                            <LiveAvailability rendered stock=card.ticket_stock.clone() testid="link-card-availability" />
                                        </span>
                                    }
                                })}
                            </span>
                        </a>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}

/// Active products matching the query, for the picker.
fn find_products(query: String) -> PickFuture {
    Box::pin(async move {
        let products = search_products(query).await?;
        Ok(products
            .into_iter()
            .map(|p| Pick {
                id: p.id.to_string(),
                label: format!("{} · {} · {}", p.title, p.shop_name, p.price_from.display()),
            })
            .collect())
    })
}

/// Scheduled events matching the query, for the picker.
fn find_events(query: String) -> PickFuture {
    Box::pin(async move {
        let events = search_events(query).await?;
        Ok(events
            .into_iter()
            .map(|e| Pick {
                id: e.id.to_string(),
                label: format!("{} · {} · {}", e.title, e.starts_at.format("%-d %b %Y"), e.venue),
            })
            .collect())
    })
}

/// The author's link editor: choose a kind, search, pick, add; remove cards.
#[component]
pub fn LinkEditor(post_id: Uuid, links: Vec<LinkCard>, changed: RwSignal<u32>) -> impl IntoView {
    let add = ServerAction::<AddPostLink>::new();
    let remove = ServerAction::<RemovePostLink>::new();
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(()))) || matches!(remove.value().get(), Some(Ok(()))) {
            changed.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || {
        add.value().get().and_then(Result::err).or_else(|| remove.value().get().and_then(Result::err))
    });
    let kind = RwSignal::new("product".to_string());
    let target = RwSignal::new(String::new());
    let chosen = RwSignal::new(String::new());
    let on_pick = Callback::new(move |pick: Pick| {
        target.set(pick.id);
        chosen.set(pick.label);
    });
    let full = links.len() >= MAX_LINKS;

    view! {
        <section class="mt-6 space-y-3 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" data-testid="link-editor">
            <h2 class="text-lg font-semibold">"Link products, shops and events"</h2>
            <p class="text-sm text-stone-600">{format!("They appear as cards under the post (up to {MAX_LINKS}).")}</p>
            <ErrorAlert error />
            <ul class="space-y-1 text-sm" data-testid="existing-links">
                {links.into_iter().map(|card| view! {
                    <li class="flex items-center justify-between gap-2">
                        <span>{format!("{} — {}", card.title, card.subtitle)}</span>
                        <ActionForm action=remove>
                            <input type="hidden" name="post_id" value=post_id.to_string() />
                            <input type="hidden" name="position" value=card.position.to_string() />
                            <button type="submit" class="text-rose-700 hover:underline">"Remove"</button>
                        </ActionForm>
                    </li>
                }).collect_view()}
            </ul>
            {(!full).then(|| view! {
                <ActionForm action=add>
                    <div class="space-y-3">
                        <input type="hidden" name="post_id" value=post_id.to_string() />
                        <div>
                            <label for="link-kind" class=LABEL_CLASS>"Link"</label>
                            <select id="link-kind" name="kind" class=INPUT_CLASS
                                on:change=move |ev| { kind.set(event_target_value(&ev)); target.set(String::new()); chosen.set(String::new()); }>
                                <option value="product">"A product"</option>
                                <option value="shop">"A shop ($handle)"</option>
                                <option value="event">"An event"</option>
                            </select>
                        </div>
                        {move || if kind.get() == "shop" {
                            view! {
                                <div>
                                    <label for="link-shop" class=LABEL_CLASS>"Shop handle"</label>
                                    <input id="link-shop" name="target" type="text" autocapitalize="none" placeholder="$handle" class=INPUT_CLASS />
                                </div>
                            }.into_any()
                        } else {
                            view! {
                                <div>
                                    <input type="hidden" name="target" value=move || target.get() />
                                    {move || if kind.get() == "event" {
                                        view! { <SearchPicker name="link" label="Find an event" placeholder="Search" search=find_events on_pick /> }.into_any()
                                    } else {
                                        view! { <SearchPicker name="link" label="Find a product" placeholder="Search" search=find_products on_pick /> }.into_any()
                                    }}
                                    <p class="mt-1 text-sm text-stone-600" data-testid="chosen-link">
                                        {move || if chosen.get().is_empty() { String::new() } else { format!("Linking: {}", chosen.get()) }}
                                    </p>
                                </div>
                            }.into_any()
                        }}
                        <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="add-link" disabled=move || add.pending().get()>"Add link"</button>
                    </div>
                </ActionForm>
            })}
        </section>
    }
}

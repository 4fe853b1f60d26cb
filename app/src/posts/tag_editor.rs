//! The author's tag editor under a post: tap a point on an image, choose a
//! product (search), a `$shop` or an `@person`, and add the tag; remove tags
//! from the list, or move one by choosing "Move" and tapping its new spot.
//! Positions are percentages of the image. Without WASM the
//! same form takes the position as numbers.

use leptos::prelude::*;
use uuid::Uuid;
use wasm_bindgen::JsCast;
use web_sys::MouseEvent;

use super::api::{AddImageTag, MoveImageTag, RemoveImageTag};
use super::MediaView;
use crate::catalog::api::search_products;
use crate::ui::{ErrorAlert, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS};

#[component]
pub fn TagEditor(media: Vec<MediaView>, changed: RwSignal<u32>) -> impl IntoView {
    view! {
        <section class="mt-6 space-y-6 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" data-testid="tag-editor">
            <h2 class="text-lg font-semibold">"Tag your images"</h2>
            <p class="text-sm text-stone-600">"Tap the spot on an image, then choose what is there."</p>
            {media.into_iter().enumerate().map(|(i, m)| view! { <ImageTagger media=m index=i changed /> }).collect_view()}
        </section>
    }
}

#[component]
fn ImageTagger(media: MediaView, index: usize, changed: RwSignal<u32>) -> impl IntoView {
    let add = ServerAction::<AddImageTag>::new();
    let remove = ServerAction::<RemoveImageTag>::new();
    let relocate = ServerAction::<MoveImageTag>::new();
    Effect::new(move |_| {
        if matches!(add.value().get(), Some(Ok(_)))
            || matches!(remove.value().get(), Some(Ok(())))
            || matches!(relocate.value().get(), Some(Ok(())))
        {
            changed.update(|n| *n += 1);
        }
    });
    let error = Signal::derive(move || {
        add.value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
            .or_else(|| relocate.value().get().and_then(Result::err))
    });
    // A tag being moved: the next tap on the image is its new spot.
    let moving = RwSignal::new(None::<Uuid>);
    let x = RwSignal::new(50.0f64);
    let y = RwSignal::new(50.0f64);
    let placed = RwSignal::new(false);
    let kind = RwSignal::new("product".to_string());
    let target = RwSignal::new(String::new());
    let chosen = RwSignal::new(String::new());
    let query = RwSignal::new(String::new());
    let results = Resource::new(
        move || query.get(),
        |q| async move {
            if q.trim().len() < 2 {
                Ok(Vec::new())
            } else {
                search_products(q).await
            }
        },
    );

    let on_pick = move |ev: MouseEvent| {
        let Some(el) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let rect = el.get_bounding_client_rect();
        if rect.width() <= 0.0 || rect.height() <= 0.0 {
            return;
        }
        let px = ((ev.client_x() as f64 - rect.left()) / rect.width() * 100.0).clamp(0.0, 100.0);
        let py = ((ev.client_y() as f64 - rect.top()) / rect.height() * 100.0).clamp(0.0, 100.0);
        let (px, py) = ((px * 100.0).round() / 100.0, (py * 100.0).round() / 100.0);
        if let Some(id) = moving.get_untracked() {
            moving.set(None);
            relocate.dispatch(MoveImageTag { id, x: px, y: py });
            return;
        }
        x.set(px);
        y.set(py);
        placed.set(true);
    };
    let ratio = format!("aspect-ratio: {} / {}", media.width, media.height);
    let media_id = media.id.to_string();

    view! {
        <div class="grid gap-4 sm:grid-cols-2" data-testid="image-tagger">
            <div class="relative w-full cursor-crosshair overflow-hidden rounded-lg bg-stone-100" style=ratio
                on:click=on_pick data-testid=format!("tag-canvas-{index}")>
                <img src=media.url_600.clone() alt="" class="pointer-events-none h-full w-full object-cover" />
                {media.tags.iter().map(|t| view! {
                    <span class="pointer-events-none absolute h-3 w-3 -translate-x-1/2 -translate-y-1/2 rounded-full border-2 border-white bg-fuchsia-600"
                        style=format!("left: {}%; top: {}%", t.x_pct, t.y_pct)></span>
                }).collect_view()}
                <span class=move || if placed.get() { "pointer-events-none absolute h-4 w-4 -translate-x-1/2 -translate-y-1/2 animate-pulse rounded-full border-2 border-white bg-amber-500" } else { "hidden" }
                    style=move || format!("left: {}%; top: {}%", x.get(), y.get()) data-testid="tag-point"></span>
            </div>
            <div class="space-y-3">
                <Show when=move || moving.get().is_some()>
                    <p class="rounded-lg bg-amber-50 p-2 text-sm text-amber-900" role="status" data-testid="moving-hint">
                        "Tap the image where the tag should go. "
                        <button type="button" class="font-semibold underline" on:click=move |_| moving.set(None)>"Cancel"</button>
                    </p>
                </Show>
                <ActionForm action=add>
                    <div class="space-y-3">
                        <ErrorAlert error />
                        <input type="hidden" name="media_id" value=media_id.clone() />
                        <input type="hidden" name="target" value=move || target.get() />
                        <div class="grid grid-cols-2 gap-2">
                            <div>
                                <label for=format!("x-{index}") class=LABEL_CLASS>"Across (%)"</label>
                                <input id=format!("x-{index}") name="x" type="number" min="0" max="100" step="0.01" required
                                    prop:value=move || x.get().to_string() value="50"
                                    on:input=move |ev| if let Ok(v) = event_target_value(&ev).parse() { x.set(v) } class=INPUT_CLASS />
                            </div>
                            <div>
                                <label for=format!("y-{index}") class=LABEL_CLASS>"Down (%)"</label>
                                <input id=format!("y-{index}") name="y" type="number" min="0" max="100" step="0.01" required
                                    prop:value=move || y.get().to_string() value="50"
                                    on:input=move |ev| if let Ok(v) = event_target_value(&ev).parse() { y.set(v) } class=INPUT_CLASS />
                            </div>
                        </div>
                        <div>
                            <label for=format!("kind-{index}") class=LABEL_CLASS>"Tag"</label>
                            <select id=format!("kind-{index}") name="kind" class=INPUT_CLASS
                                on:change=move |ev| { kind.set(event_target_value(&ev)); target.set(String::new()); chosen.set(String::new()); }>
                                <option value="product">"A product"</option>
                                <option value="shop">"A shop ($handle)"</option>
                                <option value="user">"A person (@username)"</option>
                            </select>
                        </div>
                        {move || if kind.get() == "product" {
                            view! {
                                <div>
                                    <label for=format!("product-search-{index}") class=LABEL_CLASS>"Find a product"</label>
                                    <input id=format!("product-search-{index}") type="search" placeholder="Search products" class=INPUT_CLASS
                                        on:input=move |ev| query.set(event_target_value(&ev)) />
                                    <p class="mt-1 text-sm text-stone-600" data-testid="chosen-product">
                                        {move || if chosen.get().is_empty() { String::new() } else { format!("Tagging: {}", chosen.get()) }}
                                    </p>
                                    <Transition fallback=|| ()>
                                        {move || Suspend::new(async move {
                                            let picks = results.await.unwrap_or_default();
                                            view! {
                                                <ul class="mt-1 divide-y divide-stone-100" data-testid="product-results">
                                                    {picks.into_iter().map(|p| {
                                                        let id = p.id.to_string();
                                                        let title = p.title.clone();
                                                        view! {
                                                            <li>
                                                                <button type="button" class="w-full py-1.5 text-left text-sm hover:bg-stone-50"
                                                                    on:click=move |_| { target.set(id.clone()); chosen.set(title.clone()); }>
                                                                    <span class="font-medium">{p.title.clone()}</span>
                                                                    <span class="text-stone-500">{format!(" · {} · {}", p.shop_name, p.price_from.display())}</span>
                                                                </button>
                                                            </li>
                                                        }
                                                    }).collect_view()}
                                                </ul>
                                            }
                                        })}
                                    </Transition>
                                </div>
                            }.into_any()
                        } else {
                            view! {
                                <div>
                                    <label for=format!("handle-{index}") class=LABEL_CLASS>{move || if kind.get() == "shop" { "Shop handle" } else { "Username" }}</label>
                                    <input id=format!("handle-{index}") type="text" class=INPUT_CLASS autocapitalize="none"
                                        on:input=move |ev| target.set(event_target_value(&ev)) />
                                </div>
                            }.into_any()
                        }}
                        <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="add-tag" disabled=move || add.pending().get()>"Add tag"</button>
                    </div>
                </ActionForm>
                <ul class="space-y-1 text-sm" data-testid="existing-tags">
                    {media.tags.into_iter().map(|t| {
                        let id: Uuid = t.id;
                        view! {
                            <li class="flex items-center justify-between gap-2">
                                <span>{format!("{} at {:.0}%, {:.0}%", t.label, t.x_pct, t.y_pct)}</span>
                                <span class="flex gap-3">
                                    <button type="button" class="text-fuchsia-700 hover:underline" data-testid="move-tag"
                                        aria-pressed=move || (moving.get() == Some(id)).to_string()
                                        on:click=move |_| moving.set(Some(id))>"Move"</button>
                                    <ActionForm action=remove>
                                        <input type="hidden" name="id" value=id.to_string() />
                                        <button type="submit" class="text-rose-700 hover:underline">"Remove"</button>
                                    </ActionForm>
                                </span>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </div>
        </div>
    }
}

//! The product sheet: tapping a product tag or card in a feed opens the
//! product over the feed instead of leaving it, so the reader's place in
//! the feed is kept. Before hydration the same tap is a plain link to the
//! product page.

use leptos::prelude::*;
use leptos_router::components::A;
use uuid::Uuid;

use crate::cart::pages::AddToCartForm;
use crate::catalog::api::view_product;
use crate::catalog::variant_picker::VariantPicker;
use crate::catalog::Product;
use crate::ui::{Loading, SECONDARY_BUTTON_CLASS};

/// Opens and closes the sheet; provided once by the app.
#[derive(Debug, Clone, Copy)]
pub struct ProductSheet {
    open: RwSignal<Option<Uuid>>,
    /// The context token of the tag or card that opened it.
    ctx: RwSignal<Option<String>>,
}

impl ProductSheet {
    pub fn provide() {
        provide_context(ProductSheet { open: RwSignal::new(None), ctx: RwSignal::new(None) });
    }

    pub fn open(&self, product: Uuid, ctx: Option<String>) {
        self.ctx.set(ctx);
        self.open.set(Some(product));
    }

    pub fn close(&self) {
        self.open.set(None);
    }
}

pub fn use_product_sheet() -> Option<ProductSheet> {
    use_context::<ProductSheet>()
}

/// The sheet itself: a dialog sliding up from the bottom on phones, centred
/// on wider screens. Escape, the close button or the backdrop close it.
#[component]
pub fn ProductSheetView() -> impl IntoView {
    let sheet = use_product_sheet().expect("ProductSheet::provide runs in App");
    let product = Resource::new(
        move || (sheet.open.get(), sheet.ctx.get_untracked()),
        |(id, ctx)| async move {
            match id {
                Some(id) => view_product(id, ctx, None).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let close_button = NodeRef::<leptos::html::Button>::new();
    Effect::new(move |_| {
        if sheet.open.get().is_some() {
            if let Some(button) = close_button.get() {
                let _ = button.focus();
            }
        }
    });
    let on_key = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Escape" {
            sheet.close();
        }
    };

    view! {
        <Show when=move || sheet.open.get().is_some()>
            <div class="fixed inset-0 z-40 flex items-end justify-center bg-black/50 sm:items-center" data-testid="product-sheet-backdrop"
                on:click=move |_| sheet.close() on:keydown=on_key>
                <div role="dialog" aria-modal="true" aria-labelledby="sheet-title" data-testid="product-sheet"
                    class="max-h-[85vh] w-full overflow-y-auto rounded-t-2xl bg-white p-5 shadow-xl sm:max-w-lg sm:rounded-2xl"
                    on:click=|ev| ev.stop_propagation()>
                    <div class="flex justify-end">
                        <button type="button" node_ref=close_button data-testid="close-sheet" aria-label="Close"
                            class="rounded-full p-2 text-stone-500 hover:bg-stone-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400"
                            on:click=move |_| sheet.close()>
                            <svg class="h-5 w-5" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>
                        </button>
                    </div>
                    <Transition fallback=|| view! { <Loading label="Loading product" /> }>
                        {move || Suspend::new(async move {
                            match product.await {
                                Ok(Some(p)) => view! { <SheetProduct product=p ctx=sheet.ctx.get_untracked() /> }.into_any(),
                                Ok(None) => ().into_any(),
                                Err(error) => view! { <p role="alert" class="text-rose-700">{error.to_string()}</p> }.into_any(),
                            }
                        })}
                    </Transition>
                </div>
            </div>
        </Show>
    }
}

#[component]
fn SheetProduct(product: Product, ctx: Option<String>) -> impl IntoView {
    let sheet = use_product_sheet();
    let from = product.variants.iter().map(|v| v.price).min_by_key(|m| m.minor);
    let single = product.variants.iter().all(|v| Some(v.price) == from);
    let href = match &ctx {
        Some(c) => format!("/p/{}?ctx={c}", product.id),
        None => format!("/p/{}", product.id),
    };
    let cover = product.images.first().cloned();
    // The same picker and opening rule as the product page; a choice here
    // changes the sheet in place.
    let picked = RwSignal::new(None::<Uuid>);
    let shown = StoredValue::new(product.clone());
    let selected = Signal::derive(move || shown.with_value(|p| p.variant_or_opening(picked.get()).cloned()));
    view! {
        {cover.map(|img| view! {
            <img src=img.url_600 alt=product.title.clone() width=img.width height=img.height
                class="mb-3 max-h-72 w-full rounded-xl bg-stone-100 object-contain" data-testid="sheet-image" />
        })}
        <p class="text-sm">
            <A href=format!("/s/{}", product.shop_handle) attr:class="font-semibold text-fuchsia-700 hover:underline"
                on:click=move |_| if let Some(s) = sheet { s.close() }>{product.shop_name.clone()}</A>
        </p>
        <h2 id="sheet-title" class="mt-1 text-xl font-bold" data-testid="sheet-title">{product.title.clone()}</h2>
        {from.map(|m| view! {
            <p class="mt-2 text-2xl font-bold" data-testid="sheet-price">
                {if single { m.display() } else { format!("from {}", m.display()) }}
            </p>
        })}
        <VariantPicker product=shown selected ctx=ctx.clone() on_pick=Callback::new(move |id| picked.set(Some(id))) />
        <AddToCartForm selected ctx />
        {(!product.description.is_empty()).then(|| view! {
            <p class="mt-3 line-clamp-4 whitespace-pre-line text-stone-700">{product.description.clone()}</p>
        })}
        <a href=href class=format!("{SECONDARY_BUTTON_CLASS} mt-5 w-full") data-testid="sheet-view-product"
            on:click=move |_| if let Some(s) = sheet { s.close() }>"View product"</a>
    }
}

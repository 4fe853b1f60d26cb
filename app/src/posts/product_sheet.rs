//! The product sheet: tapping a product tag or card in a feed opens the
//! product over the feed instead of leaving it, so the reader's place in
//! the feed is kept. The sheet lives in the address (`sheet_url`): opening
//! it adds a history entry, so Back closes it, and the address can be shared
//! or loaded directly, when the server renders the page with the sheet open.
//! Before hydration a tag or card is a plain link to the product page.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_query_map, use_url};
use leptos_router::NavigateOptions;
use uuid::Uuid;

use super::sheet_url::{product_href, sheet_href, without_sheet, SheetRequest, CTX_KEY, PRODUCT_KEY};
use crate::cart::pages::AddToCartForm;
use crate::catalog::api::view_product;
use crate::catalog::variant_picker::VariantPicker;
use crate::catalog::Product;
use crate::error::AppError;
use crate::ui::{Loading, SECONDARY_BUTTON_CLASS};

/// What the app remembers about the sheet; provided once by the app.
#[derive(Debug, Clone, Copy)]
pub struct ProductSheet {
    /// The sheet this tab opened with a tap, so closing it can go Back to
    /// the entry before it instead of adding another one.
    pushed: RwSignal<Option<SheetRequest>>,
}

impl ProductSheet {
    pub fn provide() {
        provide_context(ProductSheet { pushed: RwSignal::new(None) });
    }
}

/// The sheet's request (from the address) and its product. Created before
/// `<Routes>` (in the app's router contexts), not in `ProductSheetView`
/// after it: a resource's hydration id follows creation order, and the
/// server builds the routed page after the components that follow
/// `<Routes>`, so a resource created there would get another id on the
/// client, and a sheet rendered open by the server would fail to hydrate.
#[derive(Clone, Copy)]
struct SheetData {
    request: Memo<Option<SheetRequest>>,
    product: Resource<Result<Option<Product>, AppError>>,
}

/// Provides the sheet's data; call it inside the router, before `<Routes>`.
pub fn provide_sheet_data() {
    let query = use_query_map();
    let request = Memo::new(move |_| query.with(|q| SheetRequest::parse(q.get_str(PRODUCT_KEY), q.get_str(CTX_KEY))));
    let product = Resource::new(
        move || request.get(),
        |request| async move {
            match request {
                Some(SheetRequest { product, ctx }) => view_product(product, ctx, None).await.map(Some),
                None => Ok(None),
            }
        },
    );
    provide_context(SheetData { request, product });
}

pub fn use_product_sheet() -> Option<ProductSheet> {
    use_context::<ProductSheet>()
}

/// Opens the sheet for a product over the current page: a new history entry
/// at the sheet's own address, without scrolling the page under it. For the
/// click handlers of tags and cards (call it while rendering them).
pub fn use_sheet_opener() -> impl Fn(Uuid, Option<String>) + Clone + 'static {
    let sheet = use_product_sheet();
    let navigate = use_navigate();
    let url = use_url();
    move |product: Uuid, ctx: Option<String>| {
        let href = url.with_untracked(|u| sheet_href(u.path(), u.search(), product, ctx.as_deref()));
        if let Some(sheet) = sheet {
            sheet.pushed.set(SheetRequest::parse(Some(&product.to_string()), ctx.as_deref()));
        }
        #[cfg(feature = "hydrate")]
        return_focus::remember();
        navigate(&href, NavigateOptions { scroll: false, ..Default::default() });
    }
}

/// Where keyboard focus goes back to when the sheet closes: the tag or card
/// that opened it, so a keyboard user carries on from there.
#[cfg(feature = "hydrate")]
mod return_focus {
    use std::cell::RefCell;

    use wasm_bindgen::JsCast;

    thread_local! {
        static OPENER: RefCell<Option<web_sys::HtmlElement>> = const { RefCell::new(None) };
    }

    pub fn remember() {
        let focused =
            leptos::prelude::document().active_element().and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok());
        OPENER.with(|o| *o.borrow_mut() = focused);
    }

    pub fn restore() {
        if let Some(el) = OPENER.with(|o| o.borrow_mut().take()) {
            if el.is_connected() {
                let _ = el.focus();
            }
        }
    }
}

/// The sheet itself: a dialog sliding up from the bottom on phones, centred
/// on wider screens. Escape, the close button or the backdrop close it; the
/// close button is a link to the page without the sheet, so it also works
/// before hydration.
///
/// Its `<Transition>` is created with this component, not inside a closure
/// that shows it only while open: a Transition takes a hydration id when it
/// is created, and on the server a closure here runs before the routed
/// page's own awaited parts (its comments, say) create theirs, while the
/// browser hydrates in document order. Created up front, it takes the same
/// id on both sides, and a page the server rendered with the sheet open
/// hydrates. Nothing inside it takes an id of its own.
#[component]
pub fn ProductSheetView() -> impl IntoView {
    let sheet = use_product_sheet().expect("ProductSheet::provide runs in App");
    let SheetData { request, product } = expect_context::<SheetData>();
    let url = use_url();
    let navigate = use_navigate();
    let closed_href = Memo::new(move |_| url.with(|u| without_sheet(u.path(), u.search())));
    let close = move || {
        let current = request.get_untracked();
        if current.is_some() && sheet.pushed.get_untracked() == current {
            // The tap that opened it added the entry: leave it, as Back would.
            sheet.pushed.set(None);
            if let Ok(history) = window().history() {
                let _ = history.back();
            }
        } else {
            // Opened from a shared address: close in place.
            navigate(
                &closed_href.get_untracked(),
                NavigateOptions { replace: true, scroll: false, ..Default::default() },
            );
        }
    };
    Effect::new(move |was_open: Option<bool>| {
        let open = request.get().is_some();
        if !open && was_open == Some(true) {
            #[cfg(feature = "hydrate")]
            return_focus::restore();
        }
        open
    });
    // While a tapped product loads, the Transition keeps what it showed
    // before (nothing): a frame with a spinner says the tap was heard.
    let loading = RwSignal::new(false);
    let close_while_loading = close.clone();

    view! {
        <Transition fallback=|| () set_pending=loading.write_only()>
            {
                let close = close.clone();
                move || {
                    let close = close.clone();
                    Suspend::new(async move {
                        let shown = match product.await {
                            Ok(None) => return ().into_any(),
                            Ok(Some(p)) => {
                                let ctx = request.get_untracked().and_then(|r| r.ctx);
                                view! { <SheetProduct product=p ctx /> }.into_any()
                            }
                            Err(error) => view! { <p role="alert" class="text-rose-700">{error.to_string()}</p> }.into_any(),
                        };
                        sheet_frame(shown, close, closed_href).into_any()
                    })
                }
            }
        </Transition>
        <Show when=move || loading.get() && request.get().is_some()>
            {
                let close = close_while_loading.clone();
                move || sheet_frame(view! { <Loading label="Loading product" /> }.into_any(), close.clone(), closed_href)
            }
        </Show>
    }
}

/// The backdrop and dialog around what the sheet shows; its close link gets
/// the keyboard focus once it is on the page.
fn sheet_frame(content: AnyView, close: impl Fn() + Clone + 'static, closed_href: Memo<String>) -> impl IntoView {
    let close_link = NodeRef::<leptos::html::A>::new();
    Effect::new(move |_| {
        if let Some(link) = close_link.get() {
            let _ = link.focus();
        }
    });
    let on_key = {
        let close = close.clone();
        move |ev: web_sys::KeyboardEvent| {
            if ev.key() == "Escape" {
                close();
            }
        }
    };
    view! {
        <div class="fixed inset-0 z-40 flex items-end justify-center bg-black/50 sm:items-center" data-testid="product-sheet-backdrop"
            on:click={let close = close.clone(); move |_| close()} on:keydown=on_key>
            <div role="dialog" aria-modal="true" aria-labelledby="sheet-title" data-testid="product-sheet"
                class="max-h-[85vh] w-full overflow-y-auto rounded-t-2xl bg-white p-5 shadow-xl sm:max-w-lg sm:rounded-2xl"
                on:click=|ev| ev.stop_propagation()>
                <div class="flex justify-end">
                    <a href=move || closed_href.get() node_ref=close_link data-testid="close-sheet" aria-label="Close"
                        class="rounded-full p-2 text-stone-500 hover:bg-stone-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400"
                        on:click={let close = close.clone(); move |ev| { ev.prevent_default(); close(); }}>
                        <svg class="h-5 w-5" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true"><path d="M6 6l12 12M18 6L6 18" /></svg>
                    </a>
                </div>
                {content}
            </div>
        </div>
    }
}

/// The product in the sheet. Its links lead away from the page (the sheet
/// closes with it, and Back from there returns to the open sheet).
#[component]
fn SheetProduct(product: Product, ctx: Option<String>) -> impl IntoView {
    let from = product.variants.iter().map(|v| v.price).min_by_key(|m| m.minor);
    let single = product.variants.iter().all(|v| Some(v.price) == from);
    let href = product_href(product.id, ctx.as_deref());
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
            <A href=format!("/s/{}", product.shop_handle) attr:class="font-semibold text-fuchsia-700 hover:underline">{product.shop_name.clone()}</A>
        </p>
        <h2 id="sheet-title" class="mt-1 break-words text-xl font-bold" data-testid="sheet-title">{product.title.clone()}</h2>
        {from.map(|m| view! {
            <p class="mt-2 text-2xl font-bold" data-testid="sheet-price">
                {if single { m.display() } else { format!("from {}", m.display()) }}
            </p>
        })}
        <VariantPicker product=shown selected ctx=ctx.clone() on_pick=Callback::new(move |id| picked.set(Some(id))) />
        <AddToCartForm selected ctx />
        {(!product.description.is_empty()).then(|| view! {
            <p class="mt-3 line-clamp-4 whitespace-pre-line break-words text-stone-700">{product.description.clone()}</p>
        })}
        <a href=href class=format!("{SECONDARY_BUTTON_CLASS} mt-5 w-full") data-testid="sheet-view-product">"View product"</a>
    }
}

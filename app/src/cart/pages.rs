//! The cart page and the add-to-cart form used by the product page and the
//! product sheet; each change bumps the cart count. Every form is a plain
//! form before hydration.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use uuid::Uuid;

use super::api::{get_cart, AddToCart, RemoveCartLine, UpdateCartLine};
use super::count::CartVersion;
use super::{CartLine, CartView, ShopCart, MAX_LINE_QUANTITY};
use crate::catalog::{stock_label, Variant};
use crate::checkout::buy_now::button::BuyNowExpress;
use crate::ui::{ErrorAlert, ErrorPage, Loading, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS};

/// The attribution context a shared link carried (`?ctx=`), if any: it is
/// kept on the cart line the shopper adds from this page.
pub fn context_from_url() -> Option<String> {
    leptos_router::hooks::use_query_map().with_untracked(|q| q.get("ctx")).filter(|c| !c.is_empty() && c.len() <= 1000)
}

/// Quantity, "Add to cart" and "Buy now" for the variant `selected` (the
/// page's or the sheet's `VariantPicker` chooses it).
#[component]
pub fn AddToCartForm(
    #[prop(into)] selected: Signal<Option<Variant>>,
    #[prop(optional_no_strip)] ctx: Option<String>,
    #[prop(optional)] on_added: Option<Callback<()>>,
) -> impl IntoView {
    let add = ServerAction::<AddToCart>::new();
    let error = Signal::derive(move || add.value().get().and_then(Result::err));
    let added = Signal::derive(move || matches!(add.value().get(), Some(Ok(()))));
    Effect::new(move || {
        if added.get() {
            CartVersion::bump();
            if let Some(cb) = on_added {
                cb.run(());
            }
        }
    });
    let sold_out = Signal::derive(move || selected.with(|v| v.as_ref().is_none_or(|v| v.available <= 0)));
    let quantity = RwSignal::new("1".to_string());
    // The one-tap Buy now replaces this form's "Buy now" (which goes to
    // checkout) for a shopper with saved details, once hydrated.
    let express = RwSignal::new(false);
    let express_ctx = ctx.clone();
    view! {
        <ActionForm action=add attr:class="mt-4 space-y-3" attr:data-testid="add-to-cart-form">
            {ctx.map(|c| view! { <input type="hidden" name="ctx" value=c /> })}
            <input type="hidden" name="variant" data-testid="cart-variant"
                value=move || selected.with(|v| v.as_ref().map(|v| v.id.to_string()).unwrap_or_default()) />
            <div class="flex flex-wrap items-end gap-3">
                <div class="w-20">
                    <label for="cart-quantity" class="block text-sm font-medium text-stone-700">"Qty"</label>
                    <input id="cart-quantity" name="quantity" type="number" min="1" max=MAX_LINE_QUANTITY.to_string() value="1"
                        inputmode="numeric" required data-testid="cart-quantity"
                        on:input=move |ev| quantity.set(event_target_value(&ev))
                        class="mt-1 block w-full rounded-lg border border-stone-300 bg-white px-3 py-2" />
                </div>
            </div>
            <ErrorAlert error />
            {move || added.get().then(|| view! {
                <p role="status" class="rounded-lg bg-emerald-50 px-3 py-2 text-sm text-emerald-800" data-testid="added-to-cart">
                    "Added to your cart. " <A href="/cart" attr:class="font-semibold underline">"View cart"</A>
                </p>
            })}
            <div class=move || if express.get() { "grid grid-cols-1 gap-2" } else { "grid grid-cols-2 gap-2" }>
                <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=move || sold_out.get() || add.pending().get()
                    data-testid="add-to-cart">
                    {move || if sold_out.get() { "Sold out" } else { "Add to cart" }}
                </button>
                {move || (!express.get()).then(|| view! {
                    <button type="submit" name="buy_now" value="1" class=PRIMARY_BUTTON_CLASS
                        disabled=move || sold_out.get() || add.pending().get() data-testid="buy-now">
                        "Buy now"
                    </button>
                })}
            </div>
        </ActionForm>
        <BuyNowExpress selected quantity ctx=express_ctx shown=express />
    }
}

#[component]
pub fn CartPage() -> impl IntoView {
    let update = ServerAction::<UpdateCartLine>::new();
    let remove = ServerAction::<RemoveCartLine>::new();
    let cart =
        Resource::new(move || (update.version().get(), remove.version().get(), CartVersion::get()), |_| get_cart());
    Effect::new(move || {
        if matches!(update.value().get(), Some(Ok(()))) || matches!(remove.value().get(), Some(Ok(()))) {
            CartVersion::bump();
        }
    });
    let error = Signal::derive(move || {
        update.value().get().and_then(Result::err).or_else(|| remove.value().get().and_then(Result::err))
    });
    view! {
        <Title text="Your cart" />
        <section class="mx-auto max-w-2xl" data-testid="cart">
            <h1 class="text-2xl font-bold">"Your cart"</h1>
            <div class="mt-3"><ErrorAlert error /></div>
            <Transition fallback=|| view! { <Loading label="Loading your cart…" /> }>
                {move || Suspend::new(async move {
                    match cart.await {
                        Ok(view) if view.is_empty() => view! { <EmptyCart /> }.into_any(),
                        Ok(CartView { shops }) => shops.into_iter()
                            .map(|shop| view! { <ShopCartView shop update remove /> })
                            .collect_view()
                            .into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn EmptyCart() -> impl IntoView {
    view! {
        <div class="mt-4 rounded-2xl border border-stone-200 bg-white p-8 text-center shadow-sm">
            <p class="text-stone-600" data-testid="cart-empty">"Your cart is empty. Tap a product tag in a post to add it here."</p>
            <A href="/explore" attr:class="mt-6 inline-block font-semibold text-fuchsia-700 underline">"Discover creators"</A>
        </div>
    }
}

#[component]
fn ShopCartView(
    shop: ShopCart,
    update: ServerAction<UpdateCartLine>,
    remove: ServerAction<RemoveCartLine>,
) -> impl IntoView {
    let subtotal = shop.subtotal();
    let ready = shop.ready();
    let handle = shop.handle.clone();
    view! {
        <article class="mt-4 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" data-testid="cart-shop" data-shop=shop.handle.clone()>
            <h2 class="text-lg font-semibold">
                <A href=format!("/s/{}", shop.handle) attr:class="hover:underline">{shop.name.clone()}</A>
            </h2>
            <ul class="mt-2 divide-y divide-stone-100">
                {shop.lines.into_iter().map(|line| view! { <CartLineRow line update remove /> }).collect_view()}
            </ul>
            <div class="mt-3 flex flex-wrap items-center justify-between gap-3 border-t border-stone-200 pt-3">
                <p class="text-sm text-stone-600">"Subtotal "
                    <span class="text-lg font-bold text-stone-900" data-testid="cart-subtotal">{subtotal.display()}</span>
                </p>
                {if ready {
                    view! { <a href=format!("/checkout/{handle}") class=PRIMARY_BUTTON_CLASS data-testid="checkout">"Check out"</a> }.into_any()
                } else {
                    view! { <p class="text-sm text-rose-700" data-testid="checkout-blocked">"Fix the items marked above to check out."</p> }.into_any()
                }}
            </div>
        </article>
    }
}

#[component]
fn CartLineRow(
    line: CartLine,
    update: ServerAction<UpdateCartLine>,
    remove: ServerAction<RemoveCartLine>,
) -> impl IntoView {
    let status = line.status();
    let note = status.message(&line);
    let id: Uuid = line.id;
    let name = line.name();
    let quantity_label = format!("Quantity of {name}");
    let remove_label = format!("Remove {name}");
    view! {
        <li class="flex gap-3 py-3" data-testid="cart-line">
            {match line.image_url.clone() {
                Some(url) => view! { <img src=url alt="" class="h-16 w-16 shrink-0 rounded-lg bg-stone-100 object-cover" /> }.into_any(),
                None => view! { <div class="h-16 w-16 shrink-0 rounded-lg bg-stone-100" aria-hidden="true"></div> }.into_any(),
            }}
            <div class="min-w-0 flex-1">
                <A href=format!("/p/{}", line.product_id) attr:class="font-medium hover:underline" attr:data-testid="cart-line-title">{name}</A>
                <p class="text-sm text-stone-600">
                    <span data-testid="cart-line-price">{line.price.display()}</span>" each · "
                    <span data-testid="cart-line-total">{line.total().display()}</span>
                </p>
                {note.map(|n| view! { <p class="mt-1 text-sm text-amber-800" data-testid="cart-line-note">{n}</p> })}
                <div class="mt-2 flex flex-wrap items-end gap-2">
                    <ActionForm action=update attr:class="flex items-end gap-2">
                        <input type="hidden" name="line" value=id.to_string() />
                        <label class="text-sm text-stone-700">
                            <span class="sr-only">{quantity_label}</span>
                            <input name="quantity" type="number" min="1" max=MAX_LINE_QUANTITY.to_string() value=line.quantity.to_string()
                                inputmode="numeric" required data-testid="cart-line-quantity"
                                class="w-20 rounded-lg border border-stone-300 px-2 py-1" />
                        </label>
                        <button type="submit" class="rounded-lg border border-stone-300 px-2 py-1 text-sm hover:bg-stone-100" data-testid="cart-line-update">"Update"</button>
                    </ActionForm>
                    <ActionForm action=remove>
                        <input type="hidden" name="line" value=id.to_string() />
                        <button type="submit" class="rounded-lg px-2 py-1 text-sm font-medium text-rose-700 hover:bg-rose-50"
                            aria-label=remove_label data-testid="cart-line-remove">"Remove"</button>
                    </ActionForm>
                    {(line.available > 0 && line.available <= 5).then(|| view! {
                        <span class="text-xs text-stone-500">{stock_label(line.available)}</span>
                    })}
                </div>
            </div>
        </li>
    }
}

//! `/cart`: the shopping cart. Products can't be added until the catalog and
//! checkout land, so this renders the cart's empty state.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

#[component]
pub fn CartPage() -> impl IntoView {
    view! {
        <Title text="Your cart" />
        <section class="mx-auto max-w-xl rounded-2xl border border-stone-200 bg-white p-8 text-center shadow-sm" data-testid="cart">
            <h1 class="text-2xl font-bold">"Your cart"</h1>
            <p class="mt-2 text-stone-600" data-testid="cart-empty">"Your cart is empty. Tap a product tag in a post to add it here."</p>
            <A href="/explore" attr:class="mt-6 inline-block font-semibold text-fuchsia-700 underline">"Discover creators"</A>
        </section>
    }
}

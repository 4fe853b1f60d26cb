//! The phone's bottom tab bar (below `lg`): Home, Explore, Post, Cart and Me,
//! where the header has no room. Everything else the wide header offers is on
//! the Me page. Plain links, so it works before the client loads.

use leptos::prelude::*;
use leptos_router::components::A;

use super::icons::{CartIcon, ExploreIcon, HomeIcon, PersonIcon, PlusIcon};
use crate::accounts::login_href;
use crate::accounts::next::current_path;
use crate::accounts::use_auth;
use crate::cart::count::CartCount;

/// Each tab fills its fifth of the bar (at least 44 px tall for a thumb).
const TAB: &str = "flex min-h-14 flex-col items-center justify-center gap-0.5 px-1 py-1.5 text-xs font-medium text-stone-600 hover:text-fuchsia-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-fuchsia-500 aria-[current=page]:font-semibold aria-[current=page]:text-fuchsia-700";

/// The room `main` keeps below its content so the fixed bar (and the
/// phone's home indicator, `safe-area-inset-bottom`) never covers it.
pub const TAB_BAR_CLEARANCE: &str = "pb-[calc(5rem_+_env(safe-area-inset-bottom))] lg:pb-16";

#[component]
pub fn TabBar() -> impl IntoView {
    view! {
        <nav aria-label="Tabs" data-testid="tab-bar"
            class="fixed inset-x-0 bottom-0 z-30 border-t border-stone-200 bg-white/95 pb-[env(safe-area-inset-bottom)] backdrop-blur lg:hidden">
            <ul class="mx-auto grid max-w-lg grid-cols-5">
                <li><A href="/" exact=true attr:class=TAB attr:data-testid="tab-home"><HomeIcon />"Home"</A></li>
                <li><A href="/explore" attr:class=TAB attr:data-testid="tab-explore"><ExploreIcon />"Explore"</A></li>
                // Compose sends a guest to log in and back.
                <li><A href="/compose" attr:class=TAB attr:data-testid="tab-post"><PlusIcon />"Post"</A></li>
                <li>
                    <A href="/cart" attr:class=TAB attr:data-testid="tab-cart">
                        <span class="relative">
                            <CartIcon />
                            <CartCount class="absolute -right-3 -top-1.5" testid="tab-cart-count" />
                        </span>
                        "Cart"
                    </A>
                </li>
                <li><MeTab /></li>
            </ul>
        </nav>
    }
}

/// The Me page for a signed-in user; for a guest, the login page, which
/// brings them back to where they were.
#[component]
fn MeTab() -> impl IntoView {
    let auth = use_auth();
    let here = current_path();
    let guest_href = move || login_href(&here.get());
    view! {
        <Transition fallback=move || view! { <A href=guest_href attr:class=TAB attr:data-testid="tab-me"><PersonIcon />"Me"</A> }>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(_)) => view! {
                        <A href="/me" attr:class=TAB attr:data-testid="tab-me"><PersonIcon />"Me"</A>
                    }.into_any(),
                    _ => view! {
                        <A href=guest_href attr:class=TAB attr:data-testid="tab-me">
                            <PersonIcon />"Me"<span class="sr-only">" (log in)"</span>
                        </A>
                    }.into_any(),
                }
            })}
        </Transition>
    }
}

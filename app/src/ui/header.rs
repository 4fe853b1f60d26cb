//! The site header: the brand on every screen; from `lg` up also the primary
//! navigation and the account links. Below `lg` those live in the bottom tab
//! bar (`tab_bar`) and on the Me page, so a phone's header is never crowded.

use leptos::prelude::*;
use leptos_router::components::A;

use super::icons::{CalendarIcon, CartIcon, ExploreIcon, HomeIcon};
use super::{Avatar, AvatarSize};
use crate::accounts::api::Logout;
use crate::accounts::next::current_path;
use crate::accounts::{login_href, register_href};
use crate::accounts::{use_auth, SessionUser};
use crate::cart::count::CartCount;

const NAV_LINK: &str = "flex items-center gap-1.5 whitespace-nowrap rounded-lg px-2 py-1 text-sm font-medium text-stone-600 hover:text-fuchsia-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400 aria-[current=page]:text-fuchsia-700";
/// Shown from `lg` up only; the tab bar and the Me page stand in below.
const WIDE_ONLY: &str = "hidden lg:block";

#[component]
pub fn Header() -> impl IntoView {
    let auth = use_auth();
    view! {
        <header class="sticky top-0 z-30 border-b border-stone-200 bg-white/90 backdrop-blur">
            <nav class="mx-auto flex max-w-5xl items-center justify-between gap-4 px-4 py-2 sm:px-6" aria-label="Main">
                // The brand never shrinks, and the links wrap before they could reach it.
                <A href="/" attr:class="flex shrink-0 items-center gap-2 rounded-lg text-lg font-black tracking-tight text-stone-900 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400"
                    attr:aria-label="Storefeed home" attr:data-testid="nav-logo">
                    <img src="/favicon.svg" alt="" class="h-7 w-7" />
                    <span>"Storefeed"</span>
                </A>
                <ul class="flex min-w-0 flex-wrap items-center justify-end gap-1">
                    <li class=WIDE_ONLY><A href="/" exact=true attr:class=NAV_LINK attr:data-testid="nav-home"><HomeIcon />"Home"</A></li>
                    <li class=WIDE_ONLY><A href="/explore" attr:class=NAV_LINK attr:data-testid="nav-explore"><ExploreIcon />"Explore"</A></li>
                    <li class=WIDE_ONLY><A href="/events" attr:class=NAV_LINK attr:data-testid="nav-events"><CalendarIcon />"Events"</A></li>
                    <li class=WIDE_ONLY>
                        <A href="/cart" attr:class=NAV_LINK attr:data-testid="nav-cart">
                            <CartIcon />"Cart"<CartCount class="-ml-0.5" testid="cart-count" />
                        </A>
                    </li>
                    <Transition fallback=|| view! { <li class="h-8 w-16"></li> }>
                        {move || Suspend::new(async move {
                            match auth.user.await {
                                Ok(Some(user)) => {
                                    // Awaited here with the session, so the bell
                                    // has no suspense of its own inside this one.
                                    let inbox = crate::notifications::components::rendered_inbox().await;
                                    view! { <AccountLinks user inbox /> }.into_any()
                                }
                                _ => view! { <GuestLinks /> }.into_any(),
                            }
                        })}
                    </Transition>
                </ul>
            </nav>
        </header>
    }
}

/// Log in (back to this page afterwards) and sign up: shown on every screen,
/// as a guest's phone has no other way to them in sight.
#[component]
fn GuestLinks() -> impl IntoView {
    // Both come back here afterwards (`accounts::next`).
    let here = current_path();
    view! {
        <li>
            <a href=move || login_href(&here.get()) class="whitespace-nowrap rounded-lg px-3 py-1.5 text-sm font-semibold text-stone-700 hover:bg-stone-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400" data-testid="nav-login">"Log in"</a>
        </li>
        <li class="hidden sm:block">
            <a href=move || register_href(&here.get()) class="whitespace-nowrap rounded-lg bg-fuchsia-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-fuchsia-700 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400 focus-visible:ring-offset-2" data-testid="nav-register">"Sign up"</a>
        </li>
    }
}

/// The signed-in user's links; the same set is on the Me page for phones.
#[component]
fn AccountLinks(user: SessionUser, inbox: crate::notifications::Inbox) -> impl IntoView {
    let auth = use_auth();
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if matches!(logout.value().get(), Some(Ok(()))) {
            auth.refresh();
        }
    });
    let profile_href = format!("/u/{}", user.username);
    view! {
        // On every screen: a phone's header has room for the bell.
        <li>
            <crate::notifications::components::Bell user=user.id rendered=inbox />
        </li>
        <li class=WIDE_ONLY>
            <A href="/compose" attr:class=NAV_LINK attr:data-testid="nav-compose">"Post"</A>
        </li>
        <li class=WIDE_ONLY>
            <A href="/shops" attr:class=NAV_LINK attr:data-testid="nav-sell">"Sell"</A>
        </li>
        <li class=WIDE_ONLY>
            <A href="/orders" attr:class=NAV_LINK attr:data-testid="nav-orders">"Orders"</A>
        </li>
        <li class=WIDE_ONLY>
            <A href="/creator" attr:class=NAV_LINK attr:data-testid="nav-earnings">"Earnings"</A>
        </li>
        <li class=WIDE_ONLY>
            <A href=profile_href attr:class="flex items-center rounded-full p-0.5 hover:ring-2 hover:ring-fuchsia-200 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400" attr:data-testid="nav-profile" attr:aria-label=format!("Your profile ({})", user.username)>
                <Avatar url=user.avatar_url.clone() name=user.display_name.clone() size=AvatarSize::Small />
            </A>
        </li>
        <li class=WIDE_ONLY>
            <ActionForm action=logout>
                <button type="submit" class="whitespace-nowrap rounded-lg px-2 py-1.5 text-sm font-medium text-stone-600 hover:bg-stone-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400" data-testid="logout">
                    "Log out"
                </button>
            </ActionForm>
        </li>
    }
}

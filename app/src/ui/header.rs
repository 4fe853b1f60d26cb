//! The site header: brand, primary navigation and the account menu.

use leptos::prelude::*;
use leptos_router::components::A;

use super::{Avatar, AvatarSize};
use crate::accounts::api::Logout;
use crate::accounts::{use_auth, SessionUser};
use crate::cart::pages::CartCount;

const NAV_LINK: &str = "flex flex-col items-center gap-0.5 rounded-lg px-2 py-1 text-xs font-medium text-stone-600 hover:text-fuchsia-700 aria-[current=page]:text-fuchsia-700 sm:flex-row sm:gap-2 sm:text-sm";

#[component]
pub fn Header() -> impl IntoView {
    let auth = use_auth();
    view! {
        <header class="sticky top-0 z-30 border-b border-stone-200 bg-white/90 backdrop-blur">
            <nav class="mx-auto flex max-w-5xl items-center justify-between gap-2 px-4 py-2 sm:px-6" aria-label="Main">
                <A href="/" attr:class="flex items-center gap-2 text-lg font-black tracking-tight text-stone-900" attr:aria-label="Storefeed home">
                    <img src="/favicon.svg" alt="" class="h-7 w-7" />
                    <span class="hidden sm:inline">"Storefeed"</span>
                </A>
                <ul class="flex items-center gap-1 sm:gap-3">
                    <li><A href="/" exact=true attr:class=NAV_LINK attr:data-testid="nav-home"><HomeIcon />"Home"</A></li>
                    <li><A href="/explore" attr:class=NAV_LINK attr:data-testid="nav-explore"><ExploreIcon />"Explore"</A></li>
                    // A phone's row is already full for a signed-in user; Events joins from `sm` up.
                    <li class="hidden sm:block"><A href="/events" attr:class=NAV_LINK attr:data-testid="nav-events"><CalendarIcon />"Events"</A></li>
                    <li><A href="/cart" attr:class=NAV_LINK attr:data-testid="nav-cart"><CartIcon />"Cart"<CartCount /></A></li>
                    <Transition fallback=|| view! { <li class="h-8 w-16"></li> }>
                        {move || Suspend::new(async move {
                            match auth.user.await {
                                Ok(Some(user)) => view! { <AccountMenu user /> }.into_any(),
                                _ => view! { <GuestLinks /> }.into_any(),
                            }
                        })}
                    </Transition>
                </ul>
            </nav>
        </header>
    }
}

#[component]
fn GuestLinks() -> impl IntoView {
    // Both come back here afterwards (`accounts::next`).
    let here = crate::accounts::next::current_path();
    view! {
        <li>
            <a href=move || crate::accounts::login_href(&here.get()) class="rounded-lg px-3 py-1.5 text-sm font-semibold text-stone-700 hover:bg-stone-100" data-testid="nav-login">"Log in"</a>
        </li>
        <li class="hidden sm:block">
            <a href=move || crate::accounts::register_href(&here.get()) class="rounded-lg bg-fuchsia-600 px-3 py-1.5 text-sm font-semibold text-white hover:bg-fuchsia-700" data-testid="nav-register">"Sign up"</a>
        </li>
    }
}

#[component]
fn AccountMenu(user: SessionUser) -> impl IntoView {
    let auth = use_auth();
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if matches!(logout.value().get(), Some(Ok(()))) {
            auth.refresh();
        }
    });
    let profile_href = format!("/u/{}", user.username);
    view! {
        <li>
            <A href="/compose" attr:class=NAV_LINK attr:data-testid="nav-compose"><PlusIcon />"Post"</A>
        </li>
        <li>
            <A href="/shops" attr:class=NAV_LINK attr:data-testid="nav-sell"><ShopIcon />"Sell"</A>
        </li>
        <li class="hidden sm:block">
            <A href="/orders" attr:class=NAV_LINK attr:data-testid="nav-orders">"Orders"</A>
        </li>
        <li class="hidden sm:block">
            <A href="/creator" attr:class=NAV_LINK attr:data-testid="nav-earnings">"Earnings"</A>
        </li>
        <li>
            <A href=profile_href attr:class="flex items-center gap-2 rounded-full p-0.5 hover:ring-2 hover:ring-fuchsia-200" attr:data-testid="nav-profile" attr:aria-label=format!("Your profile ({})", user.username)>
                <Avatar url=user.avatar_url.clone() name=user.display_name.clone() size=AvatarSize::Small />
            </A>
        </li>
        <li>
            <ActionForm action=logout>
                <button type="submit" class="whitespace-nowrap rounded-lg px-2 py-1.5 text-sm font-medium text-stone-600 hover:bg-stone-100" data-testid="logout">
                    "Log out"
                </button>
            </ActionForm>
        </li>
    }
}

#[component]
fn HomeIcon() -> impl IntoView {
    view! {
        <svg class="h-5 w-5" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
            <path d="M3 11l9-7 9 7v9a1 1 0 0 1-1 1h-5v-6H9v6H4a1 1 0 0 1-1-1z" />
        </svg>
    }
}

#[component]
fn ExploreIcon() -> impl IntoView {
    view! {
        <svg class="h-5 w-5" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
            <circle cx="12" cy="12" r="9" />
            <path d="M15.5 8.5l-2 5-5 2 2-5z" />
        </svg>
    }
}

#[component]
fn CalendarIcon() -> impl IntoView {
    view! {
        <svg class="h-5 w-5" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
            <rect x="3" y="5" width="18" height="16" rx="2" />
            <path d="M3 10h18M8 3v4M16 3v4" />
        </svg>
    }
}

#[component]
fn CartIcon() -> impl IntoView {
    view! {
        <svg class="h-5 w-5" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
            <path d="M3 4h2l2.4 11.2a1 1 0 0 0 1 .8h9.2a1 1 0 0 0 1-.8L20 8H6" />
            <circle cx="9" cy="20" r="1.5" />
            <circle cx="17" cy="20" r="1.5" />
        </svg>
    }
}

#[component]
fn ShopIcon() -> impl IntoView {
    view! {
        <svg class="h-5 w-5" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
            <path d="M4 9l1.5-5h13L20 9M4 9h16M4 9v11h16V9M9 20v-6h6v6" />
        </svg>
    }
}

#[component]
fn PlusIcon() -> impl IntoView {
    view! {
        <svg class="h-5 w-5" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" aria-hidden="true">
            <rect x="3" y="3" width="18" height="18" rx="4" />
            <path d="M12 8v8M8 12h8" />
        </svg>
    }
}

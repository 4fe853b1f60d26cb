//! `/me`: everything the wide header offers that the phone's tab bar has no
//! room for (orders, saved posts, collaboration invites with how many wait,
//! earnings, shops and their admin pages, events, follow requests,
//! settings, log out). Rendered on the server; plain links and a
//! plain form, so it works before the client loads. A guest is offered to
//! log in (or sign up) and come back here.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::{Avatar, AvatarSize, ErrorPage, Loading, PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS};
use crate::accounts::api::Logout;
use crate::accounts::{use_auth, SessionUser};
use crate::posts::collabs::api::invite_count;
use crate::posts::collabs::invites_label;
use crate::shops::api::my_shops;
use crate::shops::pages::ShopLogo;
use crate::shops::ShopSummary;

const SECTION: &str = "rounded-2xl border border-stone-200 bg-white shadow-sm";
const HEADING: &str = "px-4 pt-3 text-sm font-semibold uppercase tracking-wide text-stone-500";
const ROW: &str = "flex min-h-12 items-center justify-between gap-3 px-4 py-3 font-medium hover:bg-stone-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-fuchsia-400";
const CHIP: &str = "rounded-full border border-stone-300 px-3 py-1 text-sm font-medium text-stone-700 hover:bg-stone-100 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400";

#[component]
pub fn MePage() -> impl IntoView {
    let auth = use_auth();
    let shops = Resource::new(move || auth.version(), |_| my_shops());
    let invites = Resource::new(move || auth.version(), |_| invite_count());
    view! {
        <Title text="Me" />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match auth.user.await {
                    Ok(Some(user)) => {
                        let shops = shops.await;
                        // The count is a hint: the page itself says what waits.
                        let invites = invites.await.unwrap_or(0);
                        view! { <MeMenu user shops invites /> }.into_any()
                    }
                    Ok(None) => view! { <LogInFirst /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// A plain page rather than a redirect, so it reads the same with or
/// without the client.
#[component]
fn LogInFirst() -> impl IntoView {
    view! {
        <section class="mx-auto max-w-md rounded-2xl border border-stone-200 bg-white p-6 text-center shadow-sm" data-testid="me-guest">
            <h1 class="text-xl font-bold">"Your orders, earnings and shops"</h1>
            <p class="mt-2 text-stone-600">"Log in to see them here."</p>
            <div class="mt-5 flex flex-wrap justify-center gap-3">
                <a href="/login?next=/me" class=PRIMARY_BUTTON_CLASS data-testid="me-log-in">"Log in"</a>
                <a href="/register?next=/me" class=SECONDARY_BUTTON_CLASS>"Sign up"</a>
            </div>
        </section>
    }
}

#[component]
fn MeMenu(user: SessionUser, shops: Result<Vec<ShopSummary>, crate::error::AppError>, invites: i64) -> impl IntoView {
    let profile = format!("/u/{}", user.username);
    let is_admin = user.role == crate::accounts::Role::Admin;
    view! {
        <div class="mx-auto max-w-xl space-y-4" data-testid="me-page">
            <section class="flex items-center gap-4 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
                <Avatar url=user.avatar_url.clone() name=user.display_name.clone() size=AvatarSize::Medium />
                <div class="min-w-0 flex-1">
                    <h1 class="text-xl font-bold">{user.display_name.clone()}</h1>
                    <p class="text-sm text-stone-500">{format!("@{}", user.username)}</p>
                </div>
                <A href=profile attr:class=CHIP attr:data-testid="me-profile">"Profile"</A>
            </section>
            <MenuSection title="Shopping">
                <MenuLink href="/orders" testid="me-orders" label="Your orders" />
                <MenuLink href="/saved" testid="me-saved" label="Saved" />
                <MenuLink href="/groups" testid="me-groups" label="My groups" />
            </MenuSection>
            <MenuSection title="Creating">
                <MenuLink href="/drafts" testid="me-drafts" label="Drafts" />
                <li>
                    <A href="/collabs" attr:class=ROW attr:data-testid="me-collabs">
                        {invites_label(invites)}
                        <span aria-hidden="true" class="text-stone-400">"›"</span>
                    </A>
                </li>
                <MenuLink href="/creator" testid="me-earnings" label="Earnings" />
                <MenuLink href="/creator/statement" testid="me-statement" label="Monthly statement" />
            </MenuSection>
            <MenuSection title="Selling">
                <MenuLink href="/shops" testid="me-shops" label="Your shops" />
                {match shops {
                    Ok(list) => list.into_iter().map(|shop| view! { <ShopAdminLinks shop /> }).collect_view().into_any(),
                    Err(error) => view! { <li class="px-4 py-3"><ErrorPage error /></li> }.into_any(),
                }}
            </MenuSection>
            <MenuSection title="Community">
                <MenuLink href="/events" testid="me-events" label="Events" />
                <MenuLink href="/follow-requests" testid="me-follow-requests" label="Follow requests" />
            </MenuSection>
            <MenuSection title="Account">
                <MenuLink href="/settings/profile" testid="me-settings" label="Edit profile" />
                <MenuLink href="/settings/payment" testid="me-payment" label="Payment and shipping" />
                <MenuLink href="/settings/safety" testid="me-safety" label="Privacy and safety" />
                <MenuLink href="/settings/notifications" testid="me-notification-settings" label="Notifications" />
                {is_admin.then(|| view! {
                    <MenuLink href="/admin/moderation" testid="me-moderation" label="Moderation queue" />
                })}
                <li><LogoutRow /></li>
            </MenuSection>
        </div>
    }
}

#[component]
fn MenuSection(title: &'static str, children: Children) -> impl IntoView {
    view! {
        <section class=SECTION aria-label=title>
            <h2 class=HEADING>{title}</h2>
            <ul class="divide-y divide-stone-100">{children()}</ul>
        </section>
    }
}

#[component]
fn MenuLink(href: &'static str, testid: &'static str, label: &'static str) -> impl IntoView {
    view! {
        <li>
            <A href=href attr:class=ROW attr:data-testid=testid>
                {label}
                <span aria-hidden="true" class="text-stone-400">"›"</span>
            </A>
        </li>
    }
}

/// One of the user's shops with its admin pages, which only the header's
/// Sell page linked to before.
#[component]
fn ShopAdminLinks(shop: ShopSummary) -> impl IntoView {
    let base = format!("/s/{}", shop.handle);
    let admin_label = format!("{} admin", shop.name);
    let pages = [
        ("Manage", "manage"),
        ("Orders", "orders"),
        ("Stock", "stock"),
        ("Promotions", "promotions"),
        ("Analytics", "analytics"),
    ];
    view! {
        <li class="px-4 py-3" data-testid="me-shop" data-handle=shop.handle.clone()>
            <A href=base.clone() attr:class="flex items-center gap-3 font-semibold hover:underline">
                <ShopLogo url=shop.logo_url.clone() name=shop.name.clone() small=true />
                <span class="min-w-0">{shop.name.clone()}</span>
            </A>
            <ul class="mt-2 flex flex-wrap gap-2" aria-label=admin_label>
                {pages.into_iter().map(|(label, path)| view! {
                    <li><A href=format!("{base}/{path}") attr:class=CHIP attr:data-testid=format!("me-shop-{path}")>{label}</A></li>
                }).collect_view()}
            </ul>
        </li>
    }
}

#[component]
fn LogoutRow() -> impl IntoView {
    let auth = use_auth();
    let logout = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if matches!(logout.value().get(), Some(Ok(()))) {
            auth.refresh();
        }
    });
    view! {
        <ActionForm action=logout>
            <button type="submit" class=format!("{ROW} w-full text-left text-rose-700") data-testid="me-logout">"Log out"</button>
        </ActionForm>
    }
}

//! The pages a first visit does not need, each split out of the main WASM
//! file (`cargo leptos build --split`) and loaded when its route is entered,
//! or earlier, when a link to it is hovered, focused or touched.
//!
//! The feed, post and product pages (and the product sheet) stay in the main
//! file: they are where a shopper lands and what a first visit needs. Every
//! other page loads on demand: the composer and tag editor, the cart and
//! checkout, orders, dashboards, shop administration, settings, the account
//! forms, and the profile, explore, shop window, hashtag and event pages. The server renders every
//! page in full either way, so a page works as links and forms before its
//! code arrives; hydration of a split route waits for its chunk
//! (`leptos::mount::hydrate_lazy`).
//!
//! Without `--split` (debug builds, `cargo leptos watch`) the same types
//! compile to ordinary routes.

use leptos::prelude::*;
use leptos_router::{lazy_route, LazyRoute};

use crate::accounts::pages::{
    CheckEmailPage, ForgotPasswordPage, LoginPage, RegisterPage, ResetPasswordPage, VerifyEmailPage,
};
use crate::admin::counters::CountersAdminPage;
use crate::admin::outbox::OutboxAdminPage;
use crate::attribution::{CreatorDashboardPage, CreatorStatementPage, ShopAnalyticsPage};
use crate::cart::pages::CartPage;
use crate::catalog::pages::EditProductPage;
use crate::checkout::pages::CheckoutPage;
use crate::events::pages::{EventPage, EventsPage, NewEventPage};
use crate::groups::pages::{GroupPage, MyGroupsPage};
use crate::inventory::pages::StockPageView;
use crate::moderation::pages::{ModerationPage, ReportPage};
use crate::notifications::pages::NotificationsPage;
use crate::notifications::settings::NotificationSettingsPage;
use crate::orders::pages::{OrderPage, OrdersPage, ShopOrdersPage};
use crate::posts::bookmarks::pages::SavedPostsPage;
use crate::posts::collabs::pages::CollabInvitesPage;
use crate::posts::edit_pages::{DraftsPage, EditPostPage, PostHistoryPage};
use crate::posts::pages::ComposePage;
use crate::posts::related::pages::{HashtagPage, TaggedPage};
use crate::promotions::pages::PromotionsPage;
use crate::shops::pages::{ManageShopPage, MyShopsPage, NewShopPage, ShopWindowPage};
use crate::social::pages::{
    EditProfilePage, ExplorePage, FollowListKind, FollowListPage, FollowRequestsPage, ProfilePage,
};
use crate::social::safety::page::SafetyPage;
use crate::ui::MePage;
use crate::wallet::pages::WalletPage;

/// One split route per page: `$route` is what `<Route view=Lazy::<$route>::new()>`
/// takes, `$page` the component it renders. A page starts its own data
/// loading, so `data()` has nothing to do; the chunk and the page's first
/// request follow each other only on a cold navigation, which the intent
/// prefetch below starts early.
macro_rules! split_pages {
    ($($route:ident => $page:ident),+ $(,)?) => {
        $(
            #[doc = concat!("The split route of [`", stringify!($page), "`].")]
            pub struct $route;

            #[lazy_route]
            impl LazyRoute for $route {
                fn data() -> Self {
                    $route
                }

                fn view(_this: Self) -> AnyView {
                    view! { <$page /> }.into_any()
                }
            }
        )+

        /// A split route, named by its type: what a link's intent prefetches.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Split {
            $($route,)+
        }

        impl Split {
            /// Loads the route's chunk (and whatever it shares with others)
            /// without entering it; a no-op when it is loaded already or the
            /// client was built without `--split`.
            pub async fn preload(self) {
                match self {
                    $(Split::$route => <$route as LazyRoute>::preload().await,)+
                }
            }
        }
    };
}

split_pages! {
    LoginRoute => LoginPage,
    RegisterRoute => RegisterPage,
    ForgotPasswordRoute => ForgotPasswordPage,
    ResetPasswordRoute => ResetPasswordPage,
    VerifyEmailRoute => VerifyEmailPage,
    CheckEmailRoute => CheckEmailPage,
    CartRoute => CartPage,
    CheckoutRoute => CheckoutPage,
    MeRoute => MePage,
    OrdersRoute => OrdersPage,
    OrderRoute => OrderPage,
    EditProfileRoute => EditProfilePage,
    WalletRoute => WalletPage,
    SafetyRoute => SafetyPage,
    FollowRequestsRoute => FollowRequestsPage,
    NotificationsRoute => NotificationsPage,
    NotificationSettingsRoute => NotificationSettingsPage,
    OutboxAdminRoute => OutboxAdminPage,
    CountersAdminRoute => CountersAdminPage,
    ComposeRoute => ComposePage,
    EditPostRoute => EditPostPage,
    PostHistoryRoute => PostHistoryPage,
    DraftsRoute => DraftsPage,
    SavedRoute => SavedPostsPage,
    CollabsRoute => CollabInvitesPage,
    MyGroupsRoute => MyGroupsPage,
    GroupRoute => GroupPage,
    MyShopsRoute => MyShopsPage,
    NewShopRoute => NewShopPage,
    ManageShopRoute => ManageShopPage,
    StockRoute => StockPageView,
    ShopOrdersRoute => ShopOrdersPage,
    PromotionsRoute => PromotionsPage,
    ShopAnalyticsRoute => ShopAnalyticsPage,
    CreatorDashboardRoute => CreatorDashboardPage,
    CreatorStatementRoute => CreatorStatementPage,
    EditProductRoute => EditProductPage,
    NewEventRoute => NewEventPage,
    ExploreRoute => ExplorePage,
    ProfileRoute => ProfilePage,
    FollowersRoute => FollowersPage,
    FollowingRoute => FollowingPage,
    TaggedRoute => TaggedPage,
    HashtagRoute => HashtagPage,
    ShopWindowRoute => ShopWindowPage,
    EventsRoute => EventsPage,
    EventRoute => EventPage,
    ReportRoute => ReportPage,
    ModerationRoute => ModerationPage,
}

#[component]
fn FollowersPage() -> impl IntoView {
    view! { <FollowListPage kind=FollowListKind::Followers /> }
}

#[component]
fn FollowingPage() -> impl IntoView {
    view! { <FollowListPage kind=FollowListKind::Following /> }
}

/// The split route a same-site path leads to, if any. Pure, so the table is
/// tested on the server; it must agree with the `<Routes>` in `lib.rs`.
pub fn split_route_at(href: &str) -> Option<Split> {
    let path = href.split(['?', '#']).next().unwrap_or_default();
    let path = path.strip_prefix('/')?;
    if path.starts_with('/') {
        return None; // protocol-relative: another site
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    use Split::*;
    Some(match segments.as_slice() {
        ["login"] => LoginRoute,
        ["register"] => RegisterRoute,
        ["forgot-password"] => ForgotPasswordRoute,
        ["reset-password"] => ResetPasswordRoute,
        ["verify-email"] => VerifyEmailRoute,
        ["check-email"] => CheckEmailRoute,
        ["cart"] => CartRoute,
        ["checkout", _] => CheckoutRoute,
        ["me"] => MeRoute,
        ["orders"] => OrdersRoute,
        ["orders", _] => OrderRoute,
        ["settings", "profile"] => EditProfileRoute,
        ["settings", "payment"] => WalletRoute,
        ["settings", "safety"] => SafetyRoute,
        ["follow-requests"] => FollowRequestsRoute,
        ["notifications"] => NotificationsRoute,
        ["settings", "notifications"] => NotificationSettingsRoute,
        ["admin", "outbox"] => OutboxAdminRoute,
        ["admin", "counters"] => CountersAdminRoute,
        ["compose"] => ComposeRoute,
        ["post", _, "edit"] => EditPostRoute,
        ["post", _, "history"] => PostHistoryRoute,
        ["drafts"] => DraftsRoute,
        ["saved"] => SavedRoute,
        ["collabs"] => CollabsRoute,
        ["groups"] => MyGroupsRoute,
        ["groups", _] => GroupRoute,
        ["shops"] => MyShopsRoute,
        ["shops", "new"] => NewShopRoute,
        ["s", _, "manage"] => ManageShopRoute,
        ["s", _, "stock"] => StockRoute,
        ["s", _, "orders"] => ShopOrdersRoute,
        ["s", _, "promotions"] => PromotionsRoute,
        ["s", _, "analytics"] => ShopAnalyticsRoute,
        ["creator"] => CreatorDashboardRoute,
        ["creator", "statement"] => CreatorStatementRoute,
        ["p", _, "edit"] => EditProductRoute,
        ["events", "new"] => NewEventRoute,
        ["explore"] => ExploreRoute,
        ["u", _] => ProfileRoute,
        ["u", _, "followers"] => FollowersRoute,
        ["u", _, "following"] => FollowingRoute,
        ["u", _, "tagged"] => TaggedRoute,
        ["tag", _] => HashtagRoute,
        ["s", _] => ShopWindowRoute,
        ["events"] => EventsRoute,
        ["e", _] => EventRoute,
        ["report", _, _] => ReportRoute,
        ["admin", "moderation"] => ModerationRoute,
        _ => return None,
    })
}

/// Starts loading a split route's chunk as soon as the shopper shows they
/// are about to follow a link to it: the pointer over it, keyboard focus on
/// it, or a finger down on it (a tap's `touchstart` comes some 100 ms before
/// its click). Call once, in the app's root; it listens on the window, so
/// links rendered later are covered too.
pub fn prefetch_split_routes_on_intent() {
    #[cfg(feature = "hydrate")]
    Effect::new(|_| {
        use leptos::ev;
        let handles = [
            window_event_listener(ev::mouseover, |e| prefetch_for(e.target())),
            window_event_listener(ev::focusin, |e| prefetch_for(e.target())),
            window_event_listener(ev::touchstart, |e| prefetch_for(e.target())),
        ];
        // The app lives as long as the page.
        std::mem::forget(handles);
    });
}

#[cfg(feature = "hydrate")]
fn prefetch_for(target: Option<web_sys::EventTarget>) {
    use wasm_bindgen::JsCast;
    let Some(link) =
        target.and_then(|t| t.dyn_into::<web_sys::Element>().ok()).and_then(|el| el.closest("a[href]").ok().flatten())
    else {
        return;
    };
    if let Some(split) = link.get_attribute("href").as_deref().and_then(split_route_at) {
        leptos::task::spawn_local(split.preload());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_to_split_pages_name_their_route() {
        assert_eq!(split_route_at("/compose"), Some(Split::ComposeRoute));
        assert_eq!(split_route_at("/checkout/maker_shop"), Some(Split::CheckoutRoute));
        assert_eq!(split_route_at("/checkout/maker_shop?step=payment#top"), Some(Split::CheckoutRoute));
        assert_eq!(split_route_at("/s/maker_shop/analytics"), Some(Split::ShopAnalyticsRoute));
        assert_eq!(split_route_at("/post/42/edit"), Some(Split::EditPostRoute));
        assert_eq!(split_route_at("/settings/payment"), Some(Split::WalletRoute));
        assert_eq!(split_route_at("/settings/safety"), Some(Split::SafetyRoute));
        assert_eq!(split_route_at("/orders/"), Some(Split::OrdersRoute));
        assert_eq!(split_route_at("/u/amara"), Some(Split::ProfileRoute));
        assert_eq!(split_route_at("/u/amara/followers"), Some(Split::FollowersRoute));
        assert_eq!(split_route_at("/s/maker_shop"), Some(Split::ShopWindowRoute));
        assert_eq!(split_route_at("/e/3"), Some(Split::EventRoute));
        assert_eq!(split_route_at("/saved"), Some(Split::SavedRoute));
        assert_eq!(split_route_at("/saved?c=0b6c7f0e-0000-4000-8000-000000000000"), Some(Split::SavedRoute));
        assert_eq!(split_route_at("/collabs"), Some(Split::CollabsRoute));
        assert_eq!(split_route_at("/groups"), Some(Split::MyGroupsRoute));
        assert_eq!(split_route_at("/groups/0b6c7f0e-0000-4000-8000-000000000000?ctx=t"), Some(Split::GroupRoute));
        assert_eq!(split_route_at("/admin/outbox"), Some(Split::OutboxAdminRoute));
        assert_eq!(split_route_at("/admin/counters"), Some(Split::CountersAdminRoute));
    }

    #[test]
    fn core_pages_and_other_sites_are_not_split() {
        for href in ["/", "/?tab=following", "/post/42", "/p/7", "/p/7?ctx=abc", "/nowhere"] {
            assert_eq!(split_route_at(href), None, "{href}");
        }
        assert_eq!(split_route_at("//evil.example/compose"), None);
        assert_eq!(split_route_at("https://evil.example/compose"), None);
        assert_eq!(split_route_at("compose"), None);
    }
}

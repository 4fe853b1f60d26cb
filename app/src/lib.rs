//! Storefeed's application: the router, every page and component, the types
//! shared with the browser, and (under `ssr`) the server functions' domain code.
#![recursion_limit = "512"]

pub mod accounts;
pub mod admin;
pub mod attribution;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod clock;
pub mod error;
pub mod events;
pub mod groups;
pub mod home;
pub mod inventory;
pub mod lazy_routes;
pub mod limits;
pub mod live;
pub mod media;
pub mod moderation;
pub mod money;
pub mod notifications;
pub mod orders;
pub mod payments;
pub mod plans;
pub mod posts;
pub mod promotions;
pub mod reconcile;
pub mod shops;
pub mod social;
pub mod test_controls;
pub mod ui;
pub mod wallet;

#[cfg(feature = "ssr")]
pub mod db_errors;
#[cfg(feature = "ssr")]
pub mod http_status;
#[cfg(feature = "ssr")]
pub mod mail;
#[cfg(feature = "ssr")]
pub mod outbox;
#[cfg(feature = "ssr")]
pub mod request;
#[cfg(feature = "ssr")]
pub mod state;
#[cfg(all(test, feature = "ssr"))]
pub mod test_support;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, HashedStylesheet, Link, Meta, MetaTags, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, Lazy, SsrMode,
};

use crate::accounts::AuthContext;
use crate::cart::count::{CartCountResource, CartVersion};
use crate::catalog::pages::ProductPage;
use crate::home::HomePage;
use crate::lazy_routes::*;
use crate::posts::pages::PostPage;
use crate::posts::product_sheet::{provide_sheet_data, ProductSheet, ProductSheetView};
use crate::ui::{raw_text_safe, ForgetFormErrorInUrl, Header, NotFound, TabBar, TAB_BAR_CLEARANCE};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover" />
                // storefeed.<hash>.css under hash-files (named in hash.txt);
                // the id is the one `cargo leptos watch` swaps on a CSS change.
                <HashedStylesheet options=options.clone() id="leptos" />
                <AutoReload options=options.clone() />
                <HydrationScripts options />
                <MetaTags />
                <crate::live::LiveStart />
            </head>
            <body class="min-h-screen bg-stone-50 text-stone-900 antialiased">
                <App />
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    AuthContext::provide();
    ProductSheet::provide();
    CartVersion::provide();
    prefetch_split_routes_on_intent();
    // The page's `data-hydrated` marker is set by the client's entry point
    // once every route chunk has hydrated (`ui::hydration`).

    view! {
        <Link rel="icon" href="/favicon.svg" type_="image/svg+xml" />
        // Every title passes through here: escaped for the server's HTML, as
        // leptos_meta writes it raw there (names and titles are user text).
        <Title formatter=|page: String| {
            raw_text_safe(if page.is_empty() { "Storefeed".to_string() } else { format!("{page} · Storefeed") })
        } />
        <Meta name="description" content="Storefeed: a social network where every post can sell." />
        <Router>
            <RouterContexts />
            <a href="#main" class="sr-only focus:not-sr-only focus:absolute focus:left-2 focus:top-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
                "Skip to content"
            </a>
            <Header />
            <ForgetFormErrorInUrl />
            <crate::moderation::pages::StandingBanner />
            <main id="main" class=format!("mx-auto w-full max-w-5xl px-4 pt-4 sm:px-6 {TAB_BAR_CLEARANCE}")>
                // Every page waits for its data before the HTML is sent (SsrMode::Async):
                // pages are complete without WASM, and the status and <title> are right.
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/explore") view={Lazy::<ExploreRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/login") view={Lazy::<LoginRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/register") view={Lazy::<RegisterRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/forgot-password") view={Lazy::<ForgotPasswordRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/reset-password") view={Lazy::<ResetPasswordRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/verify-email") view={Lazy::<VerifyEmailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/check-email") view={Lazy::<CheckEmailRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/cart") view={Lazy::<CartRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/checkout/:shop") view={Lazy::<CheckoutRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/me") view={Lazy::<MeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/orders") view={Lazy::<OrdersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/orders/:id") view={Lazy::<OrderRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/profile") view={Lazy::<EditProfileRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/payment") view={Lazy::<WalletRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/safety") view={Lazy::<SafetyRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/follow-requests") view={Lazy::<FollowRequestsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/notifications") view={Lazy::<NotificationsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/settings/notifications") view={Lazy::<NotificationSettingsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/outbox") view={Lazy::<OutboxAdminRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/counters") view={Lazy::<CountersAdminRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/u/:username") view={Lazy::<ProfileRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/compose") view={Lazy::<ComposeRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/post/:id") view=PostPage ssr=SsrMode::Async />
                    <Route path=path!("/post/:id/edit") view={Lazy::<EditPostRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/post/:id/history") view={Lazy::<PostHistoryRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/drafts") view={Lazy::<DraftsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/saved") view={Lazy::<SavedRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/collabs") view={Lazy::<CollabsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/groups") view={Lazy::<MyGroupsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/groups/:id") view={Lazy::<GroupRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/tag/:name") view={Lazy::<HashtagRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/u/:username/tagged") view={Lazy::<TaggedRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/shops") view={Lazy::<MyShopsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/shops/new") view={Lazy::<NewShopRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/s/:handle") view={Lazy::<ShopWindowRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/s/:handle/manage") view={Lazy::<ManageShopRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/s/:handle/stock") view={Lazy::<StockRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/s/:handle/orders") view={Lazy::<ShopOrdersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/s/:handle/promotions") view={Lazy::<PromotionsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/s/:handle/analytics") view={Lazy::<ShopAnalyticsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/creator") view={Lazy::<CreatorDashboardRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/creator/statement") view={Lazy::<CreatorStatementRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/p/:id") view=ProductPage ssr=SsrMode::Async />
                    <Route path=path!("/p/:id/edit") view={Lazy::<EditProductRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/events") view={Lazy::<EventsRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/events/new") view={Lazy::<NewEventRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/e/:id") view={Lazy::<EventRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/report/:kind/:id") view={Lazy::<ReportRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/admin/moderation") view={Lazy::<ModerationRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/u/:username/followers") view={Lazy::<FollowersRoute>::new()} ssr=SsrMode::Async />
                    <Route path=path!("/u/:username/following") view={Lazy::<FollowingRoute>::new()} ssr=SsrMode::Async />
                </Routes>
            </main>
            <TabBar />
            <ProductSheetView />
        </Router>
    }
}

/// Contexts that need the router (they follow the location). A component
/// has no owner of its own, so what it provides reaches the header, pages
/// and tab bar rendered after it inside the router.
#[component]
fn RouterContexts() -> impl IntoView {
    CartCountResource::provide();
    crate::notifications::components::InboxResource::provide();
    provide_sheet_data();
}

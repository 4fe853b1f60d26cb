//! Storefeed's application: the router, every page and component, the types
//! shared with the browser, and (under `ssr`) the server functions' domain code.
#![recursion_limit = "512"]

pub mod accounts;
pub mod attribution;
pub mod cart;
pub mod catalog;
pub mod checkout;
pub mod clock;
pub mod error;
pub mod events;
pub mod home;
pub mod inventory;
pub mod media;
pub mod money;
pub mod orders;
pub mod payments;
pub mod posts;
pub mod promotions;
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
    path, SsrMode,
};

use crate::accounts::pages::{
    CheckEmailPage, ForgotPasswordPage, LoginPage, RegisterPage, ResetPasswordPage, VerifyEmailPage,
};
use crate::accounts::AuthContext;
use crate::attribution::{CreatorDashboardPage, CreatorStatementPage, ShopAnalyticsPage};
use crate::cart::count::{CartCountResource, CartVersion};
use crate::cart::pages::CartPage;
use crate::catalog::pages::{EditProductPage, ProductPage};
use crate::checkout::pages::CheckoutPage;
use crate::events::pages::{EventPage, EventsPage, NewEventPage};
use crate::home::HomePage;
use crate::inventory::pages::StockPageView;
use crate::orders::pages::{OrderPage, OrdersPage, ShopOrdersPage};
use crate::posts::edit_pages::{DraftsPage, EditPostPage, PostHistoryPage};
use crate::posts::pages::{ComposePage, PostPage};
use crate::posts::product_sheet::{provide_sheet_data, ProductSheet, ProductSheetView};
use crate::posts::related::pages::{HashtagPage, TaggedPage};
use crate::promotions::pages::PromotionsPage;
use crate::shops::pages::{ManageShopPage, MyShopsPage, NewShopPage, ShopWindowPage};
use crate::social::pages::{
    EditProfilePage, ExplorePage, FollowListKind, FollowListPage, FollowRequestsPage, ProfilePage,
};
use crate::ui::{raw_text_safe, ForgetFormErrorInUrl, Header, MePage, NotFound, TabBar, TAB_BAR_CLEARANCE};

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
    // Effects run only in the browser, after hydration: the end-to-end suite
    // waits for this marker before using controls that need the WASM client.
    Effect::new(|_| {
        if let Some(body) = document().body() {
            let _ = body.set_attribute("data-hydrated", "true");
        }
    });

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
            <main id="main" class=format!("mx-auto w-full max-w-5xl px-4 pt-4 sm:px-6 {TAB_BAR_CLEARANCE}")>
                // Every page waits for its data before the HTML is sent (SsrMode::Async):
                // pages are complete without WASM, and the status and <title> are right.
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=HomePage ssr=SsrMode::Async />
                    <Route path=path!("/explore") view=ExplorePage ssr=SsrMode::Async />
                    <Route path=path!("/login") view=LoginPage ssr=SsrMode::Async />
                    <Route path=path!("/register") view=RegisterPage ssr=SsrMode::Async />
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/reset-password") view=ResetPasswordPage ssr=SsrMode::Async />
                    <Route path=path!("/verify-email") view=VerifyEmailPage ssr=SsrMode::Async />
                    <Route path=path!("/check-email") view=CheckEmailPage ssr=SsrMode::Async />
                    <Route path=path!("/cart") view=CartPage ssr=SsrMode::Async />
                    <Route path=path!("/checkout/:shop") view=CheckoutPage ssr=SsrMode::Async />
                    <Route path=path!("/me") view=MePage ssr=SsrMode::Async />
                    <Route path=path!("/orders") view=OrdersPage ssr=SsrMode::Async />
                    <Route path=path!("/orders/:id") view=OrderPage ssr=SsrMode::Async />
                    <Route path=path!("/settings/profile") view=EditProfilePage ssr=SsrMode::Async />
                    <Route path=path!("/settings/payment") view=wallet::pages::WalletPage ssr=SsrMode::Async />
                    <Route path=path!("/follow-requests") view=FollowRequestsPage ssr=SsrMode::Async />
                    <Route path=path!("/u/:username") view=ProfilePage ssr=SsrMode::Async />
                    <Route path=path!("/compose") view=ComposePage ssr=SsrMode::Async />
                    <Route path=path!("/post/:id") view=PostPage ssr=SsrMode::Async />
                    <Route path=path!("/post/:id/edit") view=EditPostPage ssr=SsrMode::Async />
                    <Route path=path!("/post/:id/history") view=PostHistoryPage ssr=SsrMode::Async />
                    <Route path=path!("/drafts") view=DraftsPage ssr=SsrMode::Async />
                    <Route path=path!("/tag/:name") view=HashtagPage ssr=SsrMode::Async />
                    <Route path=path!("/u/:username/tagged") view=TaggedPage ssr=SsrMode::Async />
                    <Route path=path!("/shops") view=MyShopsPage ssr=SsrMode::Async />
                    <Route path=path!("/shops/new") view=NewShopPage ssr=SsrMode::Async />
                    <Route path=path!("/s/:handle") view=ShopWindowPage ssr=SsrMode::Async />
                    <Route path=path!("/s/:handle/manage") view=ManageShopPage ssr=SsrMode::Async />
                    <Route path=path!("/s/:handle/stock") view=StockPageView ssr=SsrMode::Async />
                    <Route path=path!("/s/:handle/orders") view=ShopOrdersPage ssr=SsrMode::Async />
                    <Route path=path!("/s/:handle/promotions") view=PromotionsPage ssr=SsrMode::Async />
                    <Route path=path!("/s/:handle/analytics") view=ShopAnalyticsPage ssr=SsrMode::Async />
                    <Route path=path!("/creator") view=CreatorDashboardPage ssr=SsrMode::Async />
                    <Route path=path!("/creator/statement") view=CreatorStatementPage ssr=SsrMode::Async />
                    <Route path=path!("/p/:id") view=ProductPage ssr=SsrMode::Async />
                    <Route path=path!("/p/:id/edit") view=EditProductPage ssr=SsrMode::Async />
                    <Route path=path!("/events") view=EventsPage ssr=SsrMode::Async />
                    <Route path=path!("/events/new") view=NewEventPage ssr=SsrMode::Async />
                    <Route path=path!("/e/:id") view=EventPage ssr=SsrMode::Async />
                    <Route
                        path=path!("/u/:username/followers")
                        view=|| view! { <FollowListPage kind=FollowListKind::Followers /> }
                        ssr=SsrMode::Async
                    />
                    <Route
                        path=path!("/u/:username/following")
                        view=|| view! { <FollowListPage kind=FollowListKind::Following /> }
                        ssr=SsrMode::Async
                    />
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
    provide_sheet_data();
}

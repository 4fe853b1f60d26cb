//! Server functions for checkout: each checks the caller owns the checkout
//! (a signed-in user's own, or a guest's through their cart cookie; anyone
//! else's id is simply not found), validates input into domain types, and
//! calls one domain function. Prices, totals and stock are always the
//! server's.

use leptos::prelude::*;
use uuid::Uuid;

use super::address::AddressInput;
use super::CheckoutView;
use crate::error::AppError;

/// The buyer's checkout for `shop`'s lines of their cart (a signed-in
/// user's, or a guest's by cart cookie), opened (and its stock held) if
/// needed.
#[server(prefix = "/api", endpoint = "checkout")]
pub async fn load_checkout(shop: String) -> Result<CheckoutView, AppError> {
    use crate::cart::db::Owner;
    let buyer = super::guest::current_buyer().await?;
    let state = crate::state::app_state()?;
    let now = state.clock.now();
    let ttl = state.config.reservation_ttl;
    let id = match &buyer {
        Owner::User(user) => super::db::open(&state.pool, &state.stock, *user, &shop, now, ttl).await?,
        Owner::Guest(token) => {
            let ip = crate::request::client_ip(&state.config);
            super::guest::open(&state.pool, &state.stock, token.clone(), &shop, &ip, now, ttl).await?
        }
    };
    let view = super::db::view(&state.pool, id, buyer, now).await?;
    crate::attribution::record(crate::attribution::EventKind::CheckoutStarted, |e| {
        e.amount_minor = Some(view.priced.totals.total);
    })
    .await;
    Ok(view)
}

/// Saves contact and address (form fields `address[name]`, `address[line1]`…).
#[server(prefix = "/api", endpoint = "checkout/address")]
pub async fn save_checkout_address(checkout: Uuid, email: String, address: AddressInput) -> Result<(), AppError> {
    let buyer = super::guest::current_buyer().await?;
    let state = crate::state::app_state()?;
    let email = crate::accounts::validate::Email::parse(&email)?;
    let address = super::address::validate(&address)?;
    let now = state.clock.now();
    super::db::save_address(&state.pool, checkout, buyer, email.as_str(), &address, now, state.config.reservation_ttl)
        .await
}

#[server(prefix = "/api", endpoint = "checkout/shipping")]
pub async fn choose_shipping(checkout: Uuid, shipping_option: String) -> Result<(), AppError> {
    let buyer = super::guest::current_buyer().await?;
    let state = crate::state::app_state()?;
    let option = super::shipping::ShippingOption::parse(&shipping_option)?;
    let now = state.clock.now();
    super::db::save_shipping(&state.pool, checkout, buyer, option, now, state.config.reservation_ttl).await
}

#[server(prefix = "/api", endpoint = "checkout/code")]
pub async fn apply_code(checkout: Uuid, code: String) -> Result<(), AppError> {
    let buyer = super::guest::current_buyer().await?;
    let state = crate::state::app_state()?;
    let code = super::normalize_code(&code)?;
    super::db::add_code(&state.pool, checkout, buyer, &code, state.clock.now()).await
}

#[server(prefix = "/api", endpoint = "checkout/code/remove")]
pub async fn remove_code(checkout: Uuid, code: String) -> Result<(), AppError> {
    let buyer = super::guest::current_buyer().await?;
    let state = crate::state::app_state()?;
    super::db::remove_code(&state.pool, checkout, buyer, code.trim()).await
}

/// What follows a placed order, from checkout's hosted payment or Buy now:
/// stock settles, the order is credited to the posts that drove it, and the
/// buyer goes to its confirmation.
#[cfg(feature = "ssr")]
pub(crate) async fn after_placed(
    buyer: &crate::cart::db::Owner,
    order: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    state.stock.settle_soon();
    // Credit the order's journey now, with every event up to this click written.
    state.events.flush().await;
    if let Err(e) = crate::attribution::attribute_order(&state.pool, &state.context_keys, order).await {
        tracing::error!(%order, error = %e, "attributing an order failed; the minute job will retry");
    }
    crate::attribution::record(crate::attribution::EventKind::Purchase, |e| e.order_id = Some(order)).await;
    to_confirmation(buyer, order, now).await
}

/// Sends the buyer to their order's confirmation (a guest's through the
/// order's link).
#[cfg(feature = "ssr")]
pub(super) async fn to_confirmation(
    buyer: &crate::cart::db::Owner,
    order: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let confirmation =
        super::guest::confirmation_path(&state.pool, &state.config.public_url, buyer, order, now).await?;
    leptos_axum::redirect(&confirmation);
    Ok(())
}

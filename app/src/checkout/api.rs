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

/// Pays and places the order, then goes to its confirmation. The card
/// number goes to the payment provider and is never stored: only its brand
/// and last four digits are kept. `shown_total` (minor units) and
/// `shown_currency` are the total the page showed on the button: if the
/// order now comes to anything else (a code ran out, a price changed),
/// nothing is charged and the answer is `TotalChanged` with the new total,
/// for the buyer to confirm.
#[server(prefix = "/api", endpoint = "checkout/place")]
pub async fn place_order(
    checkout: Uuid,
    card_number: String,
    card_exp: String,
    card_cvc: String,
    shown_total: i64,
    shown_currency: String,
) -> Result<(), AppError> {
    use chrono::Datelike;
    let buyer = super::guest::current_buyer().await?;
    let state = crate::state::app_state()?;
    let shown = crate::money::Money::new(shown_total, crate::money::Currency::parse(&shown_currency)?);
    let (exp_month, exp_year) = split_expiry(&card_exp);
    let input = crate::payments::cards::CardInput { number: card_number, exp_month, exp_year, cvc: card_cvc };
    // The app's clock: the order is placed (its `placed_at`) and credited at
    // this time.
    let now = state.clock.now();
    let (card, digits) = crate::payments::cards::check(&input, now.year() as u16, now.month() as u8)?;
    let card = super::place::Card::typed(&digits, &card);
    let placement = super::place::Placement { checkout, buyer: buyer.clone(), card, shown };
    let order =
        super::place::place(&state.pool, state.payments.as_ref(), placement, now, state.config.reservation_ttl).await?;
    after_placed(&buyer, order, now).await
}

/// What follows a placed order, from checkout or Buy now: stock settles,
/// the order is credited to the posts that drove it, and the buyer goes to
/// its confirmation.
#[cfg(feature = "ssr")]
pub(super) async fn after_placed(
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
    let confirmation =
        super::guest::confirmation_path(&state.pool, &state.config.public_url, buyer, order, now).await?;
    leptos_axum::redirect(&confirmation);
    Ok(())
}

/// "12/28", "12 / 2028" or "1228" → ("12", "28").
pub fn split_expiry(raw: &str) -> (String, String) {
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    match compact.split_once('/') {
        Some((m, y)) => (m.to_string(), y.to_string()),
        None if compact.len() == 4 && compact.bytes().all(|b| b.is_ascii_digit()) => {
            (compact[..2].to_string(), compact[2..].to_string())
        }
        None => (compact, String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::split_expiry;

    #[test]
    fn expiry_is_split_however_it_was_typed() {
        assert_eq!(split_expiry("12/28"), ("12".into(), "28".into()));
        assert_eq!(split_expiry(" 1 / 2030 "), ("1".into(), "2030".into()));
        assert_eq!(split_expiry("1228"), ("12".into(), "28".into()));
        assert_eq!(split_expiry("12"), ("12".into(), String::new()));
        assert_eq!(split_expiry("a€"), ("a€".into(), String::new()), "never slices inside a character");
    }
}

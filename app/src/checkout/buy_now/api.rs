//! Buy now's server functions: the button's quote, and the purchase.

use leptos::prelude::*;
use uuid::Uuid;

use super::BuyNowQuote;
use crate::error::AppError;

/// What the Buy now button would charge for `quantity` of `variant`, or
/// `None` when there is no signed-in shopper with saved details (the button
/// then adds to the cart and goes to checkout).
#[server(prefix = "/api", endpoint = "buy-now/quote")]
pub async fn quote_buy_now(variant: Uuid, quantity: String) -> Result<Option<BuyNowQuote>, AppError> {
    let Some(user) = crate::accounts::session::current_user().await? else { return Ok(None) };
    let quantity = crate::cart::parse_quantity(&quantity)?;
    let state = crate::state::app_state()?;
    super::db::quote(&state.pool, user.id, variant, quantity, state.clock.now()).await
}

/// Buys `quantity` of `variant` with the saved card and address, charging
/// exactly `shown_total` (minor units of `shown_currency`, what the button
/// said) or nothing (`TotalChanged` with the new total). `click` makes a
/// repeated request the same purchase. Goes to the order's confirmation.
#[server(prefix = "/api", endpoint = "buy-now")]
pub async fn buy_now(
    variant: Uuid,
    quantity: String,
    ctx: Option<String>,
    click: Uuid,
    shown_total: i64,
    shown_currency: String,
) -> Result<(), AppError> {
    use crate::attribution::{self, EventKind};
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let quantity = crate::cart::parse_quantity(&quantity)?;
    let shown = crate::money::Money::new(shown_total, crate::money::Currency::parse(&shown_currency)?);
    let item = sqlx::query!("SELECT product_id, shop_id FROM product_variants WHERE id = $1", variant)
        .fetch_optional(&state.pool)
        .await?
        .ok_or_else(|| AppError::NotFound("Product".into()))?;
    // As for the cart: only a genuine context whose post shows this product
    // is kept with the purchase.
    let context = attribution::verify(ctx.as_deref(), item.product_id).await;
    let ctx = context.as_ref().and(ctx.as_deref());
    let now = state.clock.now();
    for kind in [EventKind::AddToCart, EventKind::CheckoutStarted] {
        attribution::product_step(kind, item.product_id, item.shop_id, context.as_ref()).await;
    }
    let tap = super::db::Tap { user: user.id, variant, quantity, ctx, click, shown };
    let ttl = state.config.reservation_ttl;
    let order = super::db::buy(&state.pool, &state.stock, state.payments.as_ref(), tap, now, ttl).await?;
    crate::checkout::api::after_placed(&crate::cart::db::Owner::User(user.id), order, now).await
}

//! Server functions for the shop's commission rates.

use leptos::prelude::*;

use crate::error::AppError;

/// Sets the shop's default commission rate. A raise applies at once; a cut
/// applies to sales from a week from now, after notice to creators.
#[server(prefix = "/api", endpoint = "shops/commission")]
pub async fn save_commission_rate(handle: String, rate_pct: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let shop = crate::shops::db::owned_by(&state.pool, &handle, user.id).await?;
    let rate_bp = super::rules::parse_rate(&rate_pct)?;
    super::db::set_default_rate(&state.pool, shop.id, rate_bp, state.clock.now()).await
}

/// Adds or changes a rate for one product, one creator, or both.
#[server(prefix = "/api", endpoint = "shops/special-rate")]
pub async fn save_special_rate(
    handle: String,
    product_id: String,
    creator: String,
    rate_pct: String,
) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let shop = crate::shops::db::owned_by(&state.pool, &handle, user.id).await?;
    let rate_bp = super::rules::parse_rate(&rate_pct)?;
    let scope = super::db::scope(&state.pool, shop.id, &product_id, &creator).await?;
    super::db::set_rate(&state.pool, shop.id, scope, rate_bp, state.clock.now()).await
}

//! Server functions for a shop's stock: only the shop's owner sees the
//! numbers or changes them, and every change lands in the ledger.

use leptos::prelude::*;
use uuid::Uuid;

use super::{Movement, StockRow};
use crate::error::AppError;

/// The owner's stock page: every variant and the latest ledger entries.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StockPage {
    pub shop_handle: String,
    pub shop_name: String,
    pub rows: Vec<StockRow>,
    pub recent: Vec<(String, Movement)>,
}

#[server(prefix = "/api", endpoint = "stock")]
pub async fn shop_stock(handle: String) -> Result<StockPage, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let shop = crate::shops::db::owned_by(&state.pool, &handle, user.id).await?;
    let rows = super::db::shop_stock(&state.pool, shop.id).await?;
    let recent = super::db::shop_history(&state.pool, shop.id, 20).await?;
    Ok(StockPage { shop_handle: shop.handle, shop_name: shop.name, rows, recent })
}

/// Sets a variant's on-hand count (a stock count), with a reason.
#[server(prefix = "/api", endpoint = "stock/count")]
pub async fn count_stock(variant: Uuid, on_hand: String, reason: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let target = super::parse_on_hand(&on_hand)?;
    let reason = super::parse_reason(&reason)?;
    let mut tx = state.pool.begin().await?;
    super::db::variant_shop_for_owner(&mut tx, variant, user.id).await?;
    super::db::set_on_hand(&mut tx, variant, target, Some(user.id), &reason).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a delivery of `quantity` units to on hand.
#[server(prefix = "/api", endpoint = "stock/receive")]
pub async fn receive_stock(variant: Uuid, quantity: String, reason: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let quantity = super::parse_on_hand(&quantity).map_err(|_| {
        AppError::validation("quantity", format!("Enter how many units arrived, 1 to {}.", super::MAX_ON_HAND))
    })?;
    let reason = if reason.trim().is_empty() { "delivery received".to_string() } else { super::parse_reason(&reason)? };
    let mut tx = state.pool.begin().await?;
    super::db::variant_shop_for_owner(&mut tx, variant, user.id).await?;
    super::db::receive(&mut tx, variant, quantity, Some(user.id), &reason).await?;
    tx.commit().await?;
    Ok(())
}

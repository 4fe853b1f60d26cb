//! Server functions for orders. Buyers read their own (a guest through the
//! order's link); a shop's owner reads and manages the shop's (anyone else
//! gets "not found"). Every change goes
//! through the status machine and leaves an audit entry.

use leptos::prelude::*;
use uuid::Uuid;

use super::{OrderSummary, OrderView};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "orders/mine")]
pub async fn my_orders() -> Result<Vec<OrderSummary>, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::for_buyer(&state.pool, user.id).await
}

/// One order, for its buyer or its shop's owner, or for whoever holds its
/// link's `key` (a guest's confirmation and receipt).
#[server(prefix = "/api", endpoint = "orders/get")]
pub async fn get_order(id: Uuid, key: Option<String>) -> Result<OrderView, AppError> {
    let user = crate::accounts::session::current_user().await?;
    let state = crate::state::app_state()?;
    let key = key.as_deref().map(str::trim).filter(|k| !k.is_empty());
    let mut order = super::guest::read(&state.pool, id, user.map(|u| u.id), key, state.clock.now()).await?;
    order.plan = crate::plans::instalments::order_plan(&state.pool, id).await?;
    if order.can_manage {
        let lines: Vec<Uuid> = order.lines.iter().map(|l| l.id).collect();
        let mut paths = crate::attribution::touch_paths(&state.pool, &lines).await?;
        for line in order.lines.iter_mut() {
            line.touch_path = paths.remove(&line.id).unwrap_or_default();
        }
    }
    Ok(order)
}

/// The shop's orders, for its owner.
#[server(prefix = "/api", endpoint = "orders/shop")]
pub async fn shop_orders(handle: String) -> Result<(String, Vec<OrderSummary>), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let shop = crate::shops::db::owned_by(&state.pool, &handle, user.id).await?;
    Ok((shop.name, super::db::for_shop(&state.pool, shop.id).await?))
}

#[server(prefix = "/api", endpoint = "orders/fulfil")]
pub async fn fulfil_order(order: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::mark_fulfilled(&state.pool, order, user.id).await
}

#[server(prefix = "/api", endpoint = "orders/ship")]
pub async fn ship_order(order: Uuid, carrier: String, tracking_number: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let tracking = super::parse_tracking(&tracking_number)?;
    let carrier = super::parse_carrier(&carrier)?;
    super::db::mark_shipped(&state.pool, order, user.id, carrier.as_deref(), &tracking).await
}

#[server(prefix = "/api", endpoint = "orders/deliver")]
pub async fn deliver_order(order: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::mark_delivered(&state.pool, order, user.id).await
}

#[server(prefix = "/api", endpoint = "orders/cancel")]
pub async fn cancel_order(order: Uuid, reason: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let reason = super::parse_reason(&reason)?;
    super::db::cancel(&state.pool, state.payments.as_ref(), order, user.id, &reason).await
}

/// Refunds the whole order, or `quantity` units of `line`, with a reason.
#[server(prefix = "/api", endpoint = "orders/refund")]
pub async fn refund_order(
    order: Uuid,
    line: String,
    quantity: Option<String>,
    reason: String,
    restock: Option<String>,
) -> Result<(), AppError> {
    use super::db::RefundScope;
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let reason = super::parse_reason(&reason)?;
    let line = match line.trim() {
        "" => None,
        raw => Some(raw.parse::<Uuid>().map_err(|_| AppError::validation("line", "Choose what to refund."))?),
    };
    let scope = match line {
        Some(line) => {
            let quantity = quantity
                .as_deref()
                .and_then(|q| q.trim().parse::<i32>().ok())
                .ok_or_else(|| AppError::validation("quantity", "Enter how many units to refund."))?;
            RefundScope::Line { line, quantity }
        }
        None => RefundScope::Whole,
    };
    super::db::refund(&state.pool, state.payments.as_ref(), order, user.id, scope, &reason, restock.is_some()).await?;
    Ok(())
}

//! Server functions for the dashboards: a creator sees only their own
//! figures, a shop's only its owner.

use leptos::prelude::*;

use crate::error::AppError;

/// The signed-in creator's dashboard for `month` ("2026-12"; this month when
/// empty).
#[server(prefix = "/api", endpoint = "creator/dashboard")]
pub async fn creator_dashboard(month: Option<String>) -> Result<super::CreatorDashboard, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let period = super::Period::parse(month.as_deref(), state.clock.now())?;
    super::db::creator(&state.pool, user.id, &period).await
}

/// The shop's dashboard for `month`; only its owner may see it.
#[server(prefix = "/api", endpoint = "shops/analytics")]
pub async fn shop_dashboard(handle: String, month: Option<String>) -> Result<super::ShopDashboard, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let shop = crate::shops::db::owned_by(&state.pool, &handle, user.id).await?;
    let now = state.clock.now();
    let period = super::Period::parse(month.as_deref(), now)?;
    super::db::shop(&state.pool, &shop, &period, now).await
}

//! The server function that changes how a shop credits its sales.

use leptos::prelude::*;

use crate::error::AppError;

/// Changes how the shop credits sales; every past sale is recomputed.
#[server(prefix = "/api", endpoint = "shops/attribution")]
pub async fn save_attribution_settings(
    handle: String,
    click_window_days: String,
    view_window_hours: String,
    model: String,
    half_life_hours: String,
    first_pct: String,
    last_pct: String,
) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let shop = crate::shops::db::owned_by(&state.pool, &handle, user.id).await?;
    let settings = super::settings_form::parse(
        &click_window_days,
        &view_window_hours,
        &model,
        &half_life_hours,
        &first_pct,
        &last_pct,
    )?;
    super::db::save_settings(&state.pool, shop.id, &settings).await
}

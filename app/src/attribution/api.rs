//! Server functions for attribution: the impressions the browser reports,
//! the dashboards (a creator sees only their own figures, a shop only its
//! owner), and the shop's settings and commission rate.

use leptos::prelude::*;

use super::dashboard;
use crate::error::AppError;

/// The most post ids one report may carry.
pub const MAX_IMPRESSIONS_PER_REPORT: usize = 100;

/// Posts the browser showed at least half of (comma-separated ids). Sent in
/// batches by the feed, with `navigator.sendBeacon` when the page is left.
#[server(prefix = "/api", endpoint = "events/impressions")]
pub async fn report_impressions(posts: String) -> Result<usize, AppError> {
    let ids = super::parse_post_ids(&posts, MAX_IMPRESSIONS_PER_REPORT)?;
    let Some(shopper) = super::track::Shopper::current().await else { return Ok(0) };
    let state = crate::state::app_state()?;
    let authors = state.authors.published(&state.pool, &ids).await?;
    let kept = authors
        .into_iter()
        .filter(|(post, author)| {
            shopper.record(super::EventKind::Impression, |e| {
                e.post_id = Some(*post);
                e.creator_ids = vec![*author];
            })
        })
        .count();
    Ok(kept)
}

/// The signed-in creator's dashboard for `month` ("2026-12"; this month when
/// empty).
#[server(prefix = "/api", endpoint = "creator/dashboard")]
pub async fn creator_dashboard(month: Option<String>) -> Result<dashboard::CreatorDashboard, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let period = super::Period::parse(month.as_deref(), state.clock.now())?;
    super::dashboard_db::creator(&state.pool, user.id, &period).await
}

/// The signed-in creator's commission statement for `month` (this month
/// when empty): only their own commissions and those lines' touch paths.
#[server(prefix = "/api", endpoint = "creator/statement")]
pub async fn creator_statement(month: Option<String>) -> Result<super::statement::Statement, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let period = super::Period::parse(month.as_deref(), state.clock.now())?;
    super::statement_db::statement(&state.pool, user.id, &period).await
}

/// The shop's dashboard for `month`; only its owner may see it.
#[server(prefix = "/api", endpoint = "shops/analytics")]
pub async fn shop_dashboard(handle: String, month: Option<String>) -> Result<dashboard::ShopDashboard, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let shop = crate::shops::db::owned_by(&state.pool, &handle, user.id).await?;
    let now = state.clock.now();
    let period = super::Period::parse(month.as_deref(), now)?;
    super::dashboard_db::shop(&state.pool, &shop, &period, now).await
}

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

/// Sets the shop's default commission rate. A raise applies at once; a cut
/// applies to sales from a week from now, after notice to creators.
#[server(prefix = "/api", endpoint = "shops/commission")]
pub async fn save_commission_rate(handle: String, rate_pct: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let shop = crate::shops::db::owned_by(&state.pool, &handle, user.id).await?;
    let rate_bp = super::settings_form::parse_rate(&rate_pct)?;
    super::rates_db::set_default_rate(&state.pool, shop.id, rate_bp, state.clock.now()).await
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
    let rate_bp = super::settings_form::parse_rate(&rate_pct)?;
    let scope = super::rates_db::scope(&state.pool, shop.id, &product_id, &creator).await?;
    super::rates_db::set_rate(&state.pool, shop.id, scope, rate_bp, state.clock.now()).await
}

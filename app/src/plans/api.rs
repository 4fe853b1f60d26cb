//! Server functions for plans: thin (authenticate, parse, call `db`).

use leptos::prelude::*;
use uuid::Uuid;

use super::{Plan, PlanForm, PlanPick, VariantQuotes};
use crate::error::AppError;

/// Adds a plan to a product (its shop's owner only); returns its id.
/// Every field is checked before anything is written; a bad one is a 422
/// naming it.
#[server(prefix = "/api", endpoint = "plans/create")]
pub async fn create_plan(product: Uuid, form: PlanForm) -> Result<Uuid, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let currency = super::db::owned_product_currency(&state.pool, product, user.id).await?;
    let plan = form.parse(currency)?;
    super::db::create(&state.pool, user.id, product, &plan).await
}

/// Retires a plan (`active` "false") or offers it again ("true"); the
/// shop's owner only.
#[server(prefix = "/api", endpoint = "plans/active")]
pub async fn set_plan_active(plan: Uuid, active: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let active = match active.as_str() {
        "true" => true,
        "false" => false,
        _ => return Err(AppError::validation("active", "Choose to offer or retire the plan.")),
    };
    super::db::set_active(&state.pool, user.id, plan, active).await
}

/// Every plan of a product, for its owner's editor.
#[server(prefix = "/api", endpoint = "plans/editor")]
pub async fn product_plans_for_editor(product: Uuid) -> Result<Vec<Plan>, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::for_editor(&state.pool, user.id, product).await
}

/// A product's offered plans quoted at each variant's price for the
/// caller (anyone; the verdict says whether they pre-qualify).
#[server(prefix = "/api", endpoint = "plans/product")]
pub async fn product_plans(product: Uuid) -> Result<Vec<VariantQuotes>, AppError> {
    let viewer = crate::accounts::session::current_user().await?.map(|u| u.id);
    let state = crate::state::app_state()?;
    super::db::product_quotes(&state.pool, product, viewer).await
}

/// Offered plans of products matching `query`, for the composer's picker.
#[server(prefix = "/api", endpoint = "plans/search")]
pub async fn search_plans(query: String) -> Result<Vec<PlanPick>, AppError> {
    crate::accounts::session::require_user().await?;
    let query: String = query.chars().take(60).collect();
    if query.trim().chars().count() < 2 {
        return Ok(Vec::new());
    }
    let state = crate::state::app_state()?;
    super::db::search(&state.pool, &query, 8).await
}

/// Links a plan to one of the caller's posts; `featured` ("on" from the
/// checkbox) highlights it among the post's plans.
#[server(prefix = "/api", endpoint = "plans/link")]
pub async fn link_post_plan(post_id: Uuid, plan: String, featured: Option<String>) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let plan = Uuid::parse_str(plan.trim())
        .map_err(|_| AppError::validation(super::db::LINK_FIELD, "Choose a plan to link."))?;
    super::db::link(&state.pool, user.id, post_id, plan, featured.is_some()).await
}

#[server(prefix = "/api", endpoint = "plans/unlink")]
pub async fn unlink_post_plan(post_id: Uuid, plan: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::unlink(&state.pool, user.id, post_id, plan).await
}

/// "Buy with plan" on the product page: the variant into the cart, the
/// shop's checkout opened with `plan` chosen, and there we go. A plan
/// that isn't this product's (tampered) is refused with a 422.
#[server(prefix = "/api", endpoint = "plans/start")]
pub async fn start_plan_checkout(variant: Uuid, plan: Option<String>, ctx: Option<String>) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let plan = plan
        .as_deref()
        .and_then(|p| Uuid::parse_str(p.trim()).ok())
        .ok_or_else(|| AppError::validation(super::checkout::FIELD, "Choose a plan."))?;
    let product = sqlx::query_scalar!("SELECT product_id FROM product_variants WHERE id = $1", variant)
        .fetch_optional(&state.pool)
        .await?
        .ok_or_else(|| AppError::NotFound("Product".into()))?;
    // As for the cart: only a genuine context for this product is kept.
    let context = crate::attribution::verify(ctx.as_deref(), product).await;
    let ctx = context.as_ref().and(ctx.as_deref());
    let (now, ttl) = (state.clock.now(), state.config.reservation_ttl);
    let tap = super::checkout::BuyWithPlan { buyer: user.id, variant, plan, ctx };
    let shop = super::checkout::start(&state.pool, &state.stock, tap, now, ttl).await?;
    leptos_axum::redirect(&format!("/checkout/{shop}"));
    Ok(())
}

/// Chooses a plan for the caller's checkout (`plan` empty: pay in full).
#[server(prefix = "/api", endpoint = "plans/choose")]
pub async fn choose_checkout_plan(checkout: Uuid, plan: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let plan = match plan.trim() {
        "" => None,
        raw => Some(Uuid::parse_str(raw).map_err(|_| AppError::validation(super::checkout::FIELD, "Choose a plan."))?),
    };
    super::checkout::choose(&state.pool, user.id, checkout, plan, state.clock.now()).await
}

/// "Pay now" with a plan: charges what is due now (`shown_total` minor
/// units of `shown_currency`, what the button said) to the saved card,
/// then goes to the order.
#[server(prefix = "/api", endpoint = "plans/pay")]
pub async fn pay_by_plan(checkout: Uuid, shown_total: i64, shown_currency: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let shown = crate::money::Money::new(shown_total, crate::money::Currency::parse(&shown_currency)?);
    let now = state.clock.now();
    let ttl = state.config.reservation_ttl;
    let order = super::checkout::pay(&state.pool, state.payments.as_ref(), user.id, checkout, shown, now, ttl).await?;
    crate::checkout::api::after_placed(&crate::cart::db::Owner::User(user.id), order, now).await
}

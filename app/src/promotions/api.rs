//! Server functions for a shop's promotions: only the shop's owner lists,
//! creates, versions or ends them.

use leptos::prelude::*;
use uuid::Uuid;

use super::{PromotionForm, PromotionRow};
use crate::error::AppError;
use crate::money::Currency;

#[server(prefix = "/api", endpoint = "promotions")]
pub async fn shop_promotions(handle: String) -> Result<(String, Currency, Vec<PromotionRow>), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let shop = crate::shops::db::owned_by(&state.pool, &handle, user.id).await?;
    Ok((shop.name, shop.currency, super::db::list(&state.pool, shop.id).await?))
}

/// Creates a promotion, or (with `promotion`) saves its new version.
#[server(prefix = "/api", endpoint = "promotions/save")]
pub async fn save_promotion(form: PromotionForm) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let shop = crate::shops::db::owned_by(&state.pool, &form.shop, user.id).await?;
    let rule = form.to_rule(shop.currency, state.clock.now())?;
    super::db::save(&state.pool, shop.id, user.id, form.promotion, &rule).await?;
    Ok(())
}

#[server(prefix = "/api", endpoint = "promotions/archive")]
pub async fn archive_promotion(shop: String, promotion: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let shop = crate::shops::db::owned_by(&state.pool, &shop, user.id).await?;
    super::db::archive(&state.pool, shop.id, promotion).await
}

//! Groups' server functions: each authenticates, parses the form into
//! domain types and calls one `db` function.

use leptos::prelude::*;
use uuid::Uuid;

use super::{DealSlot, GroupCard, GroupPageData, MyGroups, ProductGroups};
use crate::error::AppError;

#[cfg(feature = "ssr")]
async fn caller() -> Result<Option<Uuid>, AppError> {
    Ok(crate::accounts::session::current_user().await?.map(|u| u.id))
}

/// Sets the group deal on a variant (its shop's owner only). `active`
/// is the checkbox: absent means switched off.
#[server(prefix = "/api", endpoint = "groups/deal")]
pub async fn save_group_deal(
    variant: Uuid,
    price: String,
    size: String,
    hours: String,
    max_per_customer: String,
    active: Option<String>,
) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let form = super::db::DealForm { price, size, hours, max_per_customer, active: active.is_some() };
    super::db::save_deal(&state.pool, caller().await?, variant, &form).await
}

/// The product's variants with their deals, for the shop's owner.
#[server(prefix = "/api", endpoint = "groups/deals")]
pub async fn group_deal_slots(product: Uuid) -> Result<Vec<DealSlot>, AppError> {
    let state = crate::state::app_state()?;
    super::db::deal_slots(&state.pool, caller().await?, product).await
}

/// The product page's group section.
#[server(prefix = "/api", endpoint = "groups/for-product")]
pub async fn open_product_groups(product: Uuid) -> Result<ProductGroups, AppError> {
    let state = crate::state::app_state()?;
    super::db::product_groups(&state.pool, caller().await?, product, state.clock.now()).await
}

#[server(prefix = "/api", endpoint = "groups/page")]
pub async fn group_page(id: Uuid) -> Result<GroupPageData, AppError> {
    let state = crate::state::app_state()?;
    super::db::page(&state.pool, caller().await?, id, state.clock.now()).await
}

#[server(prefix = "/api", endpoint = "groups/mine")]
pub async fn list_my_groups() -> Result<MyGroups, AppError> {
    let state = crate::state::app_state()?;
    super::db::mine(&state.pool, caller().await?, state.clock.now()).await
}

/// Starts a group on `variant`'s deal with `quantity` seats for the
/// signed-in shopper, paying `price_minor` (the group price the form
/// showed) a unit with the saved card. Goes to the group's page.
#[server(prefix = "/api", endpoint = "groups/start")]
pub async fn start_group(
    variant: Uuid,
    quantity: String,
    price_minor: i64,
    currency: String,
    ctx: Option<String>,
    click: Uuid,
) -> Result<(), AppError> {
    take_seats(super::db::Target::Start(variant), quantity, price_minor, currency, ctx, click).await
}

/// Joins `group` with `quantity` seats, as `start_group` does.
#[server(prefix = "/api", endpoint = "groups/join")]
pub async fn join_group(
    group: Uuid,
    quantity: String,
    price_minor: i64,
    currency: String,
    ctx: Option<String>,
    click: Uuid,
) -> Result<(), AppError> {
    take_seats(super::db::Target::Group(group), quantity, price_minor, currency, ctx, click).await
}

#[cfg(feature = "ssr")]
async fn take_seats(
    target: super::db::Target,
    quantity: String,
    price_minor: i64,
    currency: String,
    ctx: Option<String>,
    click: Uuid,
) -> Result<(), AppError> {
    use crate::attribution::{self, EventKind};
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let seats = super::parse_seats(&quantity)?;
    let shown = super::shown_price(price_minor, &currency)?;
    // As for the cart: only a genuine context whose post shows this
    // product (here, through its group card) is kept with the join.
    let (product, shop) = super::db::product_of(&state.pool, target).await?;
    let context = attribution::verify(ctx.as_deref(), product).await;
    let ctx = context.as_ref().and(ctx.as_deref());
    attribution::product_step(EventKind::CheckoutStarted, product, shop, context.as_ref()).await;
    let req = super::db::JoinRequest { user: user.id, seats, shown, ctx, click };
    let joined = super::db::join(&state.pool, state.payments.as_ref(), target, req, state.clock.now()).await?;
    if joined.filled {
        state.stock.settle_soon();
    }
    state.events.flush().await;
    if let Err(e) = attribution::attribute_order(&state.pool, &state.context_keys, joined.order).await {
        tracing::error!(order = %joined.order, error = %e, "attributing a group order failed; the minute job will retry");
    }
    attribution::record(EventKind::Purchase, |e| e.order_id = Some(joined.order)).await;
    leptos_axum::redirect(&format!("/groups/{}", joined.group));
    Ok(())
}

/// The caller's active groups matching `query`, for the composer's picker.
#[server(prefix = "/api", endpoint = "groups/linkable")]
pub async fn linkable_groups(query: String) -> Result<Vec<GroupCard>, AppError> {
    let state = crate::state::app_state()?;
    let query: String = query.chars().take(60).collect();
    super::db::linkable(&state.pool, caller().await?, &query, state.clock.now()).await
}

#[server(prefix = "/api", endpoint = "groups/link")]
pub async fn link_post_group(post_id: Uuid, group: Uuid) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    super::db::link(&state.pool, caller().await?, post_id, group, state.clock.now()).await
}

#[server(prefix = "/api", endpoint = "groups/unlink")]
pub async fn unlink_post_group(post_id: Uuid, group: Uuid) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    super::db::unlink(&state.pool, caller().await?, post_id, group).await
}

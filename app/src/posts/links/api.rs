//! Server functions for linked cards.

use leptos::prelude::*;
use uuid::Uuid;

use crate::error::AppError;

/// Links a product (id), shop (`$handle`) or event (id) to one of the caller's posts.
#[server(prefix = "/api", endpoint = "posts/links/add")]
pub async fn add_post_link(post_id: Uuid, kind: String, target: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let target = super::LinkTarget::parse(&kind, &target)?;
    super::db::add(&state.pool, user.id, post_id, &target).await
}

#[server(prefix = "/api", endpoint = "posts/links/remove")]
pub async fn remove_post_link(post_id: Uuid, position: i16) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::remove(&state.pool, user.id, post_id, position).await
}

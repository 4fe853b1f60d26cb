//! Server functions for reposts: the session's user (signed out is
//! `Unauthorized`, answered by the domain function) and one call into `db`.
//! Quoting goes through the compose form (`posts::api::create_post`).

use leptos::prelude::*;
use uuid::Uuid;

use super::{QuotedPost, RepostState};
use crate::error::AppError;

/// Reposts (`repost = true`) or undoes the caller's repost of a post.
#[server(prefix = "/api", endpoint = "posts/repost")]
pub async fn set_repost(id: Uuid, repost: bool) -> Result<RepostState, AppError> {
    let state = crate::state::app_state()?;
    let caller = crate::accounts::session::current_user().await?.map(|u| u.id);
    super::db::set_repost(&state.pool, &crate::limits::Quota::for_caller(&state, caller), caller, id, repost).await
}

/// The card the compose page embeds when quoting `id`; `NotFound` when the
/// caller may not quote it.
#[server(prefix = "/api", endpoint = "posts/quotable")]
pub async fn quotable_post(id: Uuid) -> Result<QuotedPost, AppError> {
    let state = crate::state::app_state()?;
    let user = crate::accounts::session::require_user().await?;
    super::db::quotable(&state.pool, user.id, id).await?.ok_or_else(|| AppError::NotFound("Post".into()))
}

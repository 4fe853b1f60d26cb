//! Server functions for comments.

use leptos::prelude::*;
use uuid::Uuid;

use super::CommentPage;
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "comments/list")]
pub async fn list_comments(post_id: Uuid, cursor: Option<String>) -> Result<CommentPage, AppError> {
    let state = crate::state::app_state()?;
    let viewer = crate::accounts::session::current_user().await?.map(|u| u.id);
    let cursor = crate::posts::api::parse_cursor(cursor)?;
    super::db::list(&state.pool, post_id, viewer, cursor).await
}

/// Adds a comment; returns the post's new comment count.
#[server(prefix = "/api", endpoint = "comments/add")]
pub async fn add_comment(post_id: Uuid, body: String) -> Result<i64, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let body = super::validate_comment(&body)?;
    super::db::add(&state.pool, user.id, post_id, &body).await
}

#[server(prefix = "/api", endpoint = "comments/delete")]
pub async fn delete_comment(id: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::delete(&state.pool, user.id, id).await
}

//! Server functions for comments and replies: each finds the caller, checks
//! the input and calls one function in `db`, which holds the rules (who may
//! act, what they may see). Who may do what is spelled out, per kind of
//! caller, by the authorization matrix test in `comments::db_tests`.

use leptos::prelude::*;
use uuid::Uuid;

use super::{CommentLikeState, CommentPage, ReplyPage};
use crate::error::AppError;

#[cfg(feature = "ssr")]
use crate::limits::Quota;

#[cfg(feature = "ssr")]
async fn caller() -> Result<Option<Uuid>, AppError> {
    Ok(crate::accounts::session::current_user().await?.map(|u| u.id))
}

#[server(prefix = "/api", endpoint = "comments/list")]
pub async fn list_comments(post_id: Uuid, cursor: Option<String>) -> Result<CommentPage, AppError> {
    let state = crate::state::app_state()?;
    let cursor = crate::posts::api::parse_cursor(cursor)?;
    super::db::list(&state.pool, post_id, caller().await?, cursor).await
}

/// The next replies of a thread ("View more replies").
#[server(prefix = "/api", endpoint = "comments/replies")]
pub async fn list_replies(root_id: Uuid, cursor: Option<String>) -> Result<ReplyPage, AppError> {
    let state = crate::state::app_state()?;
    let cursor = crate::posts::api::parse_cursor(cursor)?;
    super::db::replies(&state.pool, root_id, caller().await?, cursor).await
}

/// Adds a comment; returns the post's new comment count.
#[server(prefix = "/api", endpoint = "comments/add")]
pub async fn add_comment(post_id: Uuid, body: String) -> Result<i64, AppError> {
    let state = crate::state::app_state()?;
    let user = caller().await?;
    let body = super::validate_comment(&body)?;
    super::db::add(&state.pool, &Quota::for_caller(&state, user), user, post_id, &body).await
}

/// Replies to a comment or a reply; returns the thread's top-level comment.
#[server(prefix = "/api", endpoint = "comments/reply")]
pub async fn reply_comment(parent_id: Uuid, body: String) -> Result<Uuid, AppError> {
    let state = crate::state::app_state()?;
    let user = caller().await?;
    let body = super::validate_comment(&body)?;
    Ok(super::db::reply(&state.pool, &Quota::for_caller(&state, user), user, parent_id, &body).await?.root_id)
}

/// Changes the text of the caller's own comment in its first 15 minutes.
#[server(prefix = "/api", endpoint = "comments/edit")]
pub async fn edit_comment(id: Uuid, body: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let user = caller().await?;
    let body = super::validate_comment(&body)?;
    super::db::edit(&state.pool, user, id, &body).await
}

/// Deletes the caller's comment, or removes one from the caller's post.
#[server(prefix = "/api", endpoint = "comments/delete")]
pub async fn delete_comment(id: Uuid) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    super::db::delete(&state.pool, caller().await?, id).await
}

#[server(prefix = "/api", endpoint = "comments/like")]
pub async fn set_comment_like(id: Uuid, like: bool) -> Result<CommentLikeState, AppError> {
    let state = crate::state::app_state()?;
    let user = caller().await?;
    super::db::set_like(&state.pool, &Quota::for_caller(&state, user), user, id, like).await
}

/// Hides a comment on the caller's post from everyone but its writer (or shows it again).
#[server(prefix = "/api", endpoint = "comments/hide")]
pub async fn set_comment_hidden(id: Uuid, hidden: bool) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    super::db::set_hidden(&state.pool, caller().await?, id, hidden).await
}

/// Turns comments on the caller's post off or on; a plain form in the
/// post's menu, answered with the post page.
#[server(prefix = "/api", endpoint = "comments/switch")]
pub async fn set_comments_off(post_id: Uuid, off: bool) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    super::db::set_comments_off(&state.pool, caller().await?, post_id, off).await?;
    leptos_axum::redirect(&format!("/post/{post_id}#comments"));
    Ok(())
}

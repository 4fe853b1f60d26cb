//! Server functions for privacy and safety: each needs a signed-in user,
//! acts only on that user's own lists, and calls one `safety::db` function.

use leptos::prelude::*;
use uuid::Uuid;

use super::{HideReason, MutedWordView, SafetyLists, Standing};
use crate::error::AppError;

/// Blocks, mutes or restricts `username` (`on`), or undoes it. Nobody is told.
#[server(prefix = "/api", endpoint = "safety/relation")]
pub async fn set_relation(username: String, relation: String, on: bool) -> Result<Standing, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let relation = super::Relation::parse(&relation)?;
    let state = crate::state::app_state()?;
    super::db::set_relation(&state.pool, user.id, &username, relation, on).await
}

#[server(prefix = "/api", endpoint = "safety/words/add")]
pub async fn add_muted_word(word: String) -> Result<MutedWordView, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let word = super::MutedWord::parse(&word)?;
    let state = crate::state::app_state()?;
    super::db::add_muted_word(&state.pool, user.id, &word).await
}

#[server(prefix = "/api", endpoint = "safety/words/remove")]
pub async fn remove_muted_word(id: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::remove_muted_word(&state.pool, user.id, id).await
}

/// "Hide this post" (`reason = hidden`) or "Not interested" (`not_interested`).
#[server(prefix = "/api", endpoint = "safety/hide")]
pub async fn hide_post(id: Uuid, reason: String) -> Result<HideReason, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let reason = HideReason::parse(&reason)?;
    let state = crate::state::app_state()?;
    super::db::hide_post(&state.pool, user.id, id, reason).await?;
    Ok(reason)
}

#[server(prefix = "/api", endpoint = "safety/unhide")]
pub async fn unhide_post(id: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::unhide_post(&state.pool, user.id, id).await
}

/// The signed-in user's blocked, restricted and muted accounts, muted words
/// and hidden posts.
#[server(prefix = "/api", endpoint = "safety/lists")]
pub async fn my_safety_lists() -> Result<SafetyLists, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::lists(&state.pool, user.id).await
}

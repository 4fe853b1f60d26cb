//! Server functions for collaborative posts: each reads the session
//! (signed out is `Unauthorized`, answered by the domain function), parses
//! its input and calls one function of `db`, which holds the rules. Who may
//! call what, per kind of caller, is the authorization matrix in
//! `collabs::db_tests`. Every one is a plain form somewhere, so it works
//! before the client loads.

use leptos::prelude::*;
use uuid::Uuid;

use super::{Collaborator, Invite};
use crate::error::AppError;

#[cfg(feature = "ssr")]
async fn caller() -> Result<Option<Uuid>, AppError> {
    Ok(crate::accounts::session::current_user().await?.map(|u| u.id))
}

/// The creator invites the accounts named in `collaborators` (comma or
/// space separated, `@` optional) to co-author their post.
#[server(prefix = "/api", endpoint = "collabs/invite")]
pub async fn invite_collaborators(post_id: Uuid, collaborators: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let caller = caller().await?;
    let names = super::parse_usernames(&collaborators)?;
    super::db::invite(&state.pool, caller, post_id, &names).await
}

/// The creator withdraws an invitation or removes a co-author.
#[server(prefix = "/api", endpoint = "collabs/remove")]
pub async fn remove_collaborator(post_id: Uuid, username: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    super::db::remove(&state.pool, caller().await?, post_id, &username).await
}

/// A post's collaborators, for its creator's edit page.
#[server(prefix = "/api", endpoint = "collabs/list")]
pub async fn list_collaborators(post_id: Uuid) -> Result<Vec<Collaborator>, AppError> {
    let state = crate::state::app_state()?;
    super::db::collaborators(&state.pool, caller().await?, post_id).await
}

/// The caller's open invitations, for `/collabs`.
#[server(prefix = "/api", endpoint = "collabs/invites")]
pub async fn my_invites() -> Result<Vec<Invite>, AppError> {
    let state = crate::state::app_state()?;
    super::db::invites(&state.pool, caller().await?).await
}

/// How many invitations wait for the caller (the Me page's count).
#[server(prefix = "/api", endpoint = "collabs/count")]
pub async fn invite_count() -> Result<i64, AppError> {
    let state = crate::state::app_state()?;
    super::db::pending_count(&state.pool, caller().await?).await
}

#[server(prefix = "/api", endpoint = "collabs/accept")]
pub async fn accept_invite(post_id: Uuid) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    super::db::accept(&state.pool, caller().await?, post_id).await
}

#[server(prefix = "/api", endpoint = "collabs/decline")]
pub async fn decline_invite(post_id: Uuid) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    super::db::decline(&state.pool, caller().await?, post_id).await
}

/// A co-author takes their name off the post.
#[server(prefix = "/api", endpoint = "collabs/leave")]
pub async fn leave_post(post_id: Uuid) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    super::db::leave(&state.pool, caller().await?, post_id).await
}

//! Server functions for reports and moderation: each finds the caller,
//! checks the input into domain types and calls one `moderation::db` or
//! `standing` function, which decides whether the caller may (the
//! authorization matrix in `db_tests` spells it out per kind of caller).

use leptos::prelude::*;
use uuid::Uuid;

use super::{Queue, Restriction};
use crate::error::AppError;

#[cfg(feature = "ssr")]
async fn caller() -> Result<Option<Uuid>, AppError> {
    Ok(crate::accounts::session::current_user().await?.map(|u| u.id))
}

/// Files a report of the `kind` (`post`, `comment`, `user`, `shop`,
/// `product`) with `id`, then returns to the report page, which thanks
/// the reporter.
#[server(prefix = "/api", endpoint = "moderation/report")]
pub async fn report_content(kind: String, id: Uuid, reason: String, details: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let reporter = caller().await?;
    let new = super::NewReport::parse(&kind, id, &reason, &details)?;
    let quota = crate::limits::Quota::for_caller(&state, reporter);
    super::db::report(&state.pool, &quota, reporter, &new).await?;
    leptos_axum::redirect(&format!("/report/{}/{id}?sent=1", new.kind.as_str()));
    Ok(())
}

/// The moderation queue and the audit log: admins only.
#[server(prefix = "/api", endpoint = "moderation/queue")]
pub async fn moderation_queue() -> Result<Queue, AppError> {
    let state = crate::state::app_state()?;
    super::db::queue(&state.pool, caller().await?).await
}

/// An admin's action on a target in the queue, with the reason the account
/// is shown; `days` for a suspension.
#[server(prefix = "/api", endpoint = "moderation/act")]
pub async fn moderate(kind: String, id: Uuid, action: String, reason: String, days: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let caller = caller().await?;
    // Who may comes first: a non-admin learns nothing from the input checks.
    super::db::require_admin(&state.pool, caller).await?;
    let kind = super::TargetKind::parse(&kind)?;
    let action = super::ModerationAction::parse(&action, &days)?;
    let reason = super::parse_action_reason(&reason)?;
    super::db::act(&state.pool, caller, kind, id, action, &reason).await?;
    leptos_axum::redirect("/admin/moderation");
    Ok(())
}

/// The signed-in account's suspension or ban, for its banner; `None` for
/// everyone else.
#[server(prefix = "/api", endpoint = "moderation/standing")]
pub async fn my_standing() -> Result<Option<Restriction>, AppError> {
    let state = crate::state::app_state()?;
    match caller().await? {
        Some(me) => super::standing::restriction(&state.pool, me).await,
        None => Ok(None),
    }
}

/// Why the post was removed, for its author; `None` for anyone else.
#[server(prefix = "/api", endpoint = "moderation/post_removal")]
pub async fn post_removal(id: Uuid) -> Result<Option<String>, AppError> {
    let state = crate::state::app_state()?;
    super::db::post_removal(&state.pool, caller().await?, id).await
}

/// Why the product was removed, for its shop's owner; `None` for anyone else.
#[server(prefix = "/api", endpoint = "moderation/product_removal")]
pub async fn product_removal(id: Uuid) -> Result<Option<String>, AppError> {
    let state = crate::state::app_state()?;
    super::db::product_removal(&state.pool, caller().await?, id).await
}

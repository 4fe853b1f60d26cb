//! An account's standing: whether it is suspended or banned, asked in one
//! place. Every domain function that posts, comments, reposts or sells
//! calls `require_active` first; "now" is the app's clock as the database
//! reads it (`app_now()`), so moving the test clock ends a suspension.

use sqlx::PgExecutor;
use uuid::Uuid;

use super::Restriction;
use crate::error::{AppError, AppResult};

/// The account's restriction now, if any.
pub async fn restriction(db: impl PgExecutor<'_>, user: Uuid) -> AppResult<Option<Restriction>> {
    let row = sqlx::query!(
        r#"SELECT suspended_until, banned_at IS NOT NULL AS "banned!", standing_reason, app_now() AS "now!"
           FROM users WHERE id = $1"#,
        user
    )
    .fetch_optional(db)
    .await?;
    Ok(row.and_then(|r| Restriction::at(r.now, r.suspended_until, r.banned, r.standing_reason)))
}

/// `Ok` if `user` may post, comment, repost and sell; otherwise 403 with
/// the reason and, for a suspension, until when.
pub async fn require_active(db: impl PgExecutor<'_>, user: Uuid) -> AppResult<()> {
    match restriction(db, user).await? {
        None => Ok(()),
        Some(r) => Err(AppError::AccountRestricted(r.message())),
    }
}

/// Refuses a sign-in to a banned account (after its password was right, so
/// nobody learns of a ban without it). A suspended account may sign in: it
/// reads, and its banner says why it can't post.
pub async fn refuse_banned(db: impl PgExecutor<'_>, user: Uuid) -> AppResult<()> {
    match restriction(db, user).await? {
        Some(r @ Restriction::Banned { .. }) => Err(AppError::AccountRestricted(r.message())),
        _ => Ok(()),
    }
}

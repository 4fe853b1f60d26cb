//! What `/admin/counters` calls: the last runs and "Run now", for admins
//! only (signed out 401, anyone else 403, `moderation::db::require_admin`,
//! checked against the account's current role before anything runs).

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{runs, Run, Trigger};
use crate::error::AppResult;

/// Runs the page lists.
pub const LISTED: i64 = 20;

/// The newest runs, newest first.
pub async fn recent_runs(pool: &PgPool, caller: Option<Uuid>) -> AppResult<Vec<Run>> {
    crate::moderation::db::require_admin(pool, caller).await?;
    runs::recent(pool, LISTED).await
}

/// Reconciles every counter now, recorded as the admin's run started at
/// `now` (the app's clock).
pub async fn run_now(pool: &PgPool, caller: Option<Uuid>, now: DateTime<Utc>) -> AppResult<Run> {
    let admin = crate::moderation::db::require_admin(pool, caller).await?;
    runs::run_and_record(pool, Trigger::Admin, Some(admin), now).await
}

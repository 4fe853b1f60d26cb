//! SQL for the rate limits: one counter row per (subject, action), locked
//! by the transaction of the action it counts.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};

use super::window::{admit, retry_after_secs, Window, WINDOW};
use super::Action;
use crate::error::{AppError, AppResult};

/// Counts one `action` by `subject` (`Subject::key`) against `limit` per
/// window, in the caller's transaction, or refuses it (`RateLimited`).
pub async fn take(
    tx: &mut PgConnection,
    action: Action,
    subject: &str,
    limit: u32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    // Create the counter if it is new and lock it either way: a second
    // action by the same subject waits here until this transaction ends.
    let stored = sqlx::query!(
        r#"INSERT INTO action_limits (subject, action, window_start, used) VALUES ($1, $2, $3, 0)
           ON CONFLICT (subject, action) DO UPDATE SET used = action_limits.used
           RETURNING window_start, used"#,
        subject,
        action.as_str(),
        now
    )
    .fetch_one(&mut *tx)
    .await?;
    let window = Window { start: stored.window_start, used: u32::try_from(stored.used).unwrap_or(0) };
    let next =
        admit(window, limit, now).map_err(|wait| AppError::RateLimited { retry_after_secs: retry_after_secs(wait) })?;
    sqlx::query!(
        "UPDATE action_limits SET window_start = $3, used = $4 WHERE subject = $1 AND action = $2",
        subject,
        action.as_str(),
        next.start,
        i32::try_from(next.used).unwrap_or(i32::MAX)
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Drops counters whose window has closed (a new action opens a new one
/// anyway); run periodically by the server.
pub async fn purge_old(pool: &PgPool) -> AppResult<u64> {
    let done = sqlx::query!(
        "DELETE FROM action_limits WHERE window_start <= app_now() - make_interval(secs => $1)",
        WINDOW.num_seconds() as f64
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

//! Recorded runs: each run's report is written to
//! `counter_reconciliation_runs` (the newest `KEPT` stay) and logged, so an
//! admin sees at `/admin/counters` what the hourly job last fixed.

use std::time::Instant;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{Report, Run, Trigger};
use crate::error::{AppError, AppResult};

/// Runs kept; older ones are deleted when a new one is recorded.
pub const KEPT: i64 = 100;

/// Reconciles every counter, logs the report and records it as started at
/// `started_at` (the app's clock) by `trigger` (`requested_by` for an
/// admin's run).
pub async fn run_and_record(
    pool: &PgPool,
    trigger: Trigger,
    requested_by: Option<Uuid>,
    started_at: DateTime<Utc>,
) -> AppResult<Run> {
    let timer = Instant::now();
    let report = super::reconcile(pool).await?;
    let duration_ms = i64::try_from(timer.elapsed().as_millis()).unwrap_or(i64::MAX);
    log(&report, trigger);
    let id = record(pool, trigger, requested_by, started_at, duration_ms, &report).await?;
    let requested_by = match requested_by {
        Some(user) => {
            sqlx::query_scalar!("SELECT username FROM users WHERE id = $1", user).fetch_optional(pool).await?
        }
        None => None,
    };
    Ok(Run { id, trigger, requested_by, started_at, duration_ms, report })
}

/// A clean run is one info line; a drift is a warning per counter, with
/// its examples: it means a write path miscounted.
fn log(report: &Report, trigger: Trigger) {
    let summary = report.summary();
    tracing::info!(
        trigger = trigger.as_str(),
        checked = report.checked(),
        fixed = report.fixed(),
        busy = report.busy(),
        "counter reconciliation: {summary}"
    );
    for counter in report.drifted() {
        tracing::warn!(
            counter = counter.counter.column(),
            fixed = counter.fixed,
            examples = ?counter.examples,
            "counter reconciliation fixed drifted counters"
        );
    }
}

/// Writes the run and drops the ones beyond `KEPT`, in one transaction.
async fn record(
    pool: &PgPool,
    trigger: Trigger,
    requested_by: Option<Uuid>,
    started_at: DateTime<Utc>,
    duration_ms: i64,
    report: &Report,
) -> AppResult<i64> {
    let json = serde_json::to_string(report).map_err(|e| {
        tracing::error!(error = %e, "counter reconciliation: report not serializable");
        AppError::Internal
    })?;
    let mut tx = pool.begin().await?;
    let id = sqlx::query_scalar!(
        "INSERT INTO counter_reconciliation_runs (trigger, requested_by, started_at, duration_ms, checked, fixed, report)
         VALUES ($1, $2, $3, $4, $5, $6, $7::text::jsonb)
         RETURNING id",
        trigger.as_str(),
        requested_by,
        started_at,
        duration_ms,
        report.checked(),
        report.fixed(),
        json
    )
    .fetch_one(&mut *tx)
    .await?;
    sqlx::query!(
        "DELETE FROM counter_reconciliation_runs
         WHERE id NOT IN (SELECT id FROM counter_reconciliation_runs ORDER BY started_at DESC, id DESC LIMIT $1)",
        KEPT
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The newest `limit` runs, newest first.
pub async fn recent(pool: &PgPool, limit: i64) -> AppResult<Vec<Run>> {
    let rows = sqlx::query!(
        r#"SELECT r.id, r.trigger, u.username AS "requested_by?", r.started_at, r.duration_ms,
                  r.report::text AS "report!"
           FROM counter_reconciliation_runs r LEFT JOIN users u ON u.id = r.requested_by
           ORDER BY r.started_at DESC, r.id DESC
           LIMIT $1"#,
        limit
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let unreadable = |what: &str| {
                tracing::error!(run = r.id, "counter reconciliation: unreadable {what}");
                AppError::Internal
            };
            let trigger = Trigger::parse(&r.trigger).ok_or_else(|| unreadable("trigger"))?;
            let report: Report = serde_json::from_str(&r.report).map_err(|_| unreadable("report"))?;
            Ok(Run {
                id: r.id,
                trigger,
                requested_by: r.requested_by,
                started_at: r.started_at,
                duration_ms: r.duration_ms,
                report,
            })
        })
        .collect()
}

//! The reconciliation itself: find the drifted counters, then fix them
//! under their rows' locks.
//!
//! **Why lock first, then recount in a later statement.** Every write path
//! changes its source rows and its counter in one transaction, and the
//! counter's `UPDATE` (or an earlier `FOR NO KEY UPDATE`) holds the counter
//! row's lock until that transaction ends. A fix that recounts in the same
//! statement that updates the row is not safe under READ COMMITTED: the
//! statement's snapshot is taken before it waits for a concurrent like's
//! lock, and when that like commits, PostgreSQL re-checks the updated row
//! but not the recount (a subquery, correlated or not, keeps the old
//! snapshot). The fix would write the count from before the like over a
//! counter that already included it, making a right counter wrong.
//!
//! So a batch of drifted rows is fixed in one transaction of three
//! statements:
//! 1. `scan` (no locks): every row's counter against one set-based
//!    recount; only the keys that differ go on.
//! 2. `lock`: `FOR NO KEY UPDATE SKIP LOCKED` on those rows. After it, no
//!    write to them is half done with its counter: one that already
//!    updated a counter has committed (its row was not skipped), and one
//!    that changed its source rows but has not reached the counter yet
//!    must wait for this transaction, so its uncommitted row is not
//!    counted and its `+ 1` lands on the fixed value.
//! 3. `fix`: one `UPDATE ... FROM (recount) WHERE stored <> actual
//!    RETURNING`, whose snapshot is taken after the locks, so it counts
//!    every committed write. A row that is right by now is left alone.
//!
//! A row a write holds at step 2 is skipped, not waited for: waiting could
//! deadlock with a write locking two posts (deleting a quote locks it,
//! then the original), and the next run finds the row again if it is
//! still wrong. The report counts those rows as busy.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::definitions::{Definition, DEFINITIONS};
use super::{CounterReport, Fix, Report};
use crate::error::AppResult;
use crate::posts::events;

/// Drifted rows fixed per transaction, so a large drift never holds many
/// row locks at once.
const BATCH: usize = 500;

/// Recounts every counter and fixes the ones that drifted; fixes of a
/// post's counters drop its feed cards (`post.counts_changed`).
pub async fn reconcile(pool: &PgPool) -> AppResult<Report> {
    let mut counters = Vec::with_capacity(DEFINITIONS.len());
    for definition in &DEFINITIONS {
        counters.push(reconcile_one(pool, definition).await?);
    }
    Ok(Report { counters })
}

async fn reconcile_one(pool: &PgPool, definition: &Definition) -> AppResult<CounterReport> {
    if let Some(ensure) = definition.ensure_rows {
        sqlx::query(ensure).execute(pool).await?;
    }
    let (checked, drifted): (i64, Vec<Uuid>) = sqlx::query_as(&definition.scan_sql()).fetch_one(pool).await?;
    let mut fixes = Vec::new();
    let mut busy = 0;
    for batch in drifted.chunks(BATCH) {
        let mut tx = pool.begin().await?;
        let locked = lock(&mut tx, definition, batch).await?;
        busy += (batch.len() - locked.len()) as i64;
        fixes.extend(fix(&mut tx, definition, &locked).await?);
        tx.commit().await?;
    }
    Ok(CounterReport::new(definition.counter, checked, busy, fixes))
}

/// Locks the rows of `keys` no write holds; returns the ones locked.
async fn lock(tx: &mut PgConnection, definition: &Definition, keys: &[Uuid]) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar(&definition.lock_sql()).bind(keys).fetch_all(&mut *tx).await?)
}

/// Fixes the locked rows that are still wrong, and publishes each fixed
/// post's event in the same transaction.
async fn fix(tx: &mut PgConnection, definition: &Definition, locked: &[Uuid]) -> AppResult<Vec<Fix>> {
    if locked.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(Uuid, i64, i64, Option<Uuid>)> =
        sqlx::query_as(&definition.fix_sql()).bind(locked).fetch_all(&mut *tx).await?;
    let mut fixes = Vec::with_capacity(rows.len());
    for (id, was, now, owner) in rows {
        if let Some(author) = owner {
            events::publish(tx, events::COUNTS_CHANGED, id, author).await?;
        }
        fixes.push(Fix { id, was, now });
    }
    Ok(fixes)
}

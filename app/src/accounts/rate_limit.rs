//! Login throttling. Every attempt is counted *before* its password is
//! checked, under a row lock, so parallel attempts queue on the counter and
//! at most the free number of them is ever evaluated; a success takes its
//! count back. Three counters, each with its own free failures:
//!
//! - the (account, source address) pair: after `per_account` failures each
//!   further one doubles the wait (15 s, 30 s, … capped at 15 minutes). An
//!   attacker's failures slow down only that attacker's address: the owner,
//!   from another address, logs in as usual;
//! - the account from every address, with a much looser ceiling
//!   (`per_account_all_sources`, 100 by default) against guessing spread
//!   over many addresses. An attacker with that many addresses *can* make
//!   the owner wait, which is the price of bounding distributed guessing;
//! - the address across accounts (`per_ip`), against one address spraying
//!   many accounts.
//!
//! Failures are forgotten after `window` without any; the server purges idle
//! counters. Time is the app's [`crate::clock::Clock`], passed in.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use crate::error::{AppError, AppResult};
use crate::limits::window::retry_after_secs;
use crate::state::LoginLimits;

/// The first wait past the free failures; each further failure doubles it.
pub const BASE_BACKOFF_SECS: i64 = 15;
/// No wait is longer than this.
pub const MAX_BACKOFF_SECS: i64 = 15 * 60;

/// How long to wait after `over` failures beyond the free ones (1 = the
/// first failure past them): `15 s × 2^(over-1)`, at most 15 minutes.
pub fn backoff(over: i32) -> Duration {
    if over <= 0 {
        return Duration::zero();
    }
    let doublings = (over - 1).min(20) as u32;
    Duration::seconds((BASE_BACKOFF_SECS << doublings).min(MAX_BACKOFF_SECS))
}

/// One counter as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counter {
    pub failures: i32,
    pub last_failure_at: Option<DateTime<Utc>>,
    pub blocked_until: Option<DateTime<Utc>>,
}

/// Counts one more attempt against a counter that allows `free` failures,
/// or says how long the caller must still wait.
pub fn admit(counter: Counter, free: i64, window: Duration, now: DateTime<Utc>) -> Result<Counter, Duration> {
    if let Some(until) = counter.blocked_until.filter(|until| *until > now) {
        return Err(until - now);
    }
    let stale = counter.last_failure_at.is_none_or(|last| now - last > window);
    let failures = if stale { 1 } else { counter.failures.saturating_add(1) };
    let over = i64::from(failures) - free + 1;
    let blocked_until = (over > 0).then(|| now + backoff(over.min(i64::from(i32::MAX)) as i32));
    Ok(Counter { failures, last_failure_at: Some(now), blocked_until })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Scope {
    Account,
    Pair,
    Source,
}

impl Scope {
    fn as_str(self) -> &'static str {
        match self {
            Scope::Account => "account",
            Scope::Pair => "pair",
            Scope::Source => "source",
        }
    }

    fn free(self, limits: &LoginLimits) -> i64 {
        match self {
            Scope::Account => limits.per_account_all_sources,
            Scope::Pair => limits.per_account,
            Scope::Source => limits.per_ip,
        }
    }
}

/// The counters an attempt on `account` from `source` touches, in the one
/// order every transaction locks them in (so two attempts never deadlock).
fn keys<'a>(account: &'a str, source: &'a str) -> [(Scope, &'a str, &'a str); 3] {
    [(Scope::Account, account, ""), (Scope::Pair, account, source), (Scope::Source, "", source)]
}

/// Counts an attempt on `account` from `source` as a failure before its
/// password is checked, or refuses it (`RateLimited`, with the wait) while
/// any of its counters is backing off. Call [`succeeded`] when the password
/// was right.
pub async fn begin_attempt(
    pool: &PgPool,
    limits: &LoginLimits,
    account: &str,
    source: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let window = Duration::from_std(limits.window).unwrap_or(Duration::minutes(15));
    let mut tx = pool.begin().await?;
    // Create the counters if they are new (rows in the lock order), then
    // lock them: a second attempt waits here until this one has counted.
    sqlx::query!(
        "INSERT INTO login_throttle (scope, account_key, source)
         VALUES ('account', $1, ''), ('pair', $1, $2), ('source', '', $2)
         ON CONFLICT DO NOTHING",
        account,
        source
    )
    .execute(&mut *tx)
    .await?;
    let rows = sqlx::query!(
        r#"SELECT scope, failures, last_failure_at, blocked_until
           FROM login_throttle
           WHERE (scope = 'account' AND account_key = $1 AND source = '')
              OR (scope = 'pair' AND account_key = $1 AND source = $2)
              OR (scope = 'source' AND account_key = '' AND source = $2)
           ORDER BY scope, account_key, source
           FOR UPDATE"#,
        account,
        source
    )
    .fetch_all(&mut *tx)
    .await?;

    let mut updates = Vec::with_capacity(3);
    let mut wait = Duration::zero();
    for (scope, account_key, source_key) in keys(account, source) {
        let stored = rows
            .iter()
            .find(|r| r.scope == scope.as_str())
            .map(|r| Counter {
                failures: r.failures,
                last_failure_at: r.last_failure_at,
                blocked_until: r.blocked_until,
            })
            .unwrap_or_default();
        match admit(stored, scope.free(limits), window, now) {
            Ok(next) => updates.push((scope, account_key, source_key, next)),
            Err(w) => wait = wait.max(w),
        }
    }
    if wait > Duration::zero() {
        // Nothing counted: a refused attempt neither checks a password nor lengthens the wait.
        tx.rollback().await?;
        return Err(AppError::RateLimited { retry_after_secs: retry_after_secs(wait) });
    }
    for (scope, account_key, source_key, next) in updates {
        sqlx::query!(
            "UPDATE login_throttle SET failures = $4, last_failure_at = $5, blocked_until = $6
             WHERE scope = $1 AND account_key = $2 AND source = $3",
            scope.as_str(),
            account_key,
            source_key,
            next.failures,
            next.last_failure_at,
            next.blocked_until,
        )
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The password was right: the pair starts afresh, and the wider counters
/// take back the failure this attempt was counted as.
pub async fn succeeded(pool: &PgPool, account: &str, source: &str) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "UPDATE login_throttle SET failures = greatest(failures - 1, 0)
         WHERE (scope = 'account' AND account_key = $1 AND source = '')
            OR (scope = 'source' AND account_key = '' AND source = $2)",
        account,
        source
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "DELETE FROM login_throttle WHERE scope = 'pair' AND account_key = $1 AND source = $2",
        account,
        source
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// A new password was set (by a reset link): whatever waits the account
/// had are lifted, from every address.
pub async fn forget_account(db: impl sqlx::PgExecutor<'_>, account_key: &str) -> AppResult<()> {
    sqlx::query!("DELETE FROM login_throttle WHERE scope IN ('pair', 'account') AND account_key = $1", account_key)
        .execute(db)
        .await?;
    Ok(())
}

/// Drops counters idle for a day and no longer backing off; run periodically by the server.
pub async fn purge_old(pool: &PgPool) -> AppResult<u64> {
    let done = sqlx::query!(
        "DELETE FROM login_throttle
         WHERE (last_failure_at IS NULL OR last_failure_at < app_now() - interval '1 day')
           AND (blocked_until IS NULL OR blocked_until < app_now())"
    )
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    const WINDOW: Duration = Duration::minutes(15);

    #[test]
    fn backoff_doubles_from_fifteen_seconds_up_to_fifteen_minutes() {
        assert_eq!(backoff(0), Duration::zero());
        assert_eq!(backoff(1), Duration::seconds(15));
        assert_eq!(backoff(2), Duration::seconds(30));
        assert_eq!(backoff(3), Duration::seconds(60));
        assert_eq!(backoff(6), Duration::seconds(480));
        assert_eq!(backoff(7), Duration::seconds(900));
        assert_eq!(backoff(8), Duration::seconds(900));
        assert_eq!(backoff(i32::MAX), Duration::seconds(900), "no overflow however many");
    }

    #[test]
    fn the_free_failures_pass_then_each_one_waits_longer() {
        let mut c = Counter::default();
        for n in 1..=4 {
            c = admit(c, 5, WINDOW, at(0)).unwrap();
            assert_eq!((c.failures, c.blocked_until), (n, None), "failure {n} is free");
        }
        c = admit(c, 5, WINDOW, at(0)).unwrap();
        assert_eq!(c.blocked_until, Some(at(15)), "the fifth failure makes the next attempt wait");
        assert_eq!(admit(c, 5, WINDOW, at(10)), Err(Duration::seconds(5)), "refused while waiting");
        c = admit(c, 5, WINDOW, at(15)).unwrap();
        assert_eq!(c.blocked_until, Some(at(45)), "then twice as long");
        c = admit(c, 5, WINDOW, at(45)).unwrap();
        assert_eq!(c.blocked_until, Some(at(105)));
    }

    #[test]
    fn failures_are_forgotten_after_a_quiet_window() {
        let mut c = Counter::default();
        for _ in 0..5 {
            c = admit(c, 5, WINDOW, at(0)).unwrap();
        }
        let later = admit(c, 5, WINDOW, at(16 * 60)).unwrap();
        assert_eq!((later.failures, later.blocked_until), (1, None));
    }
}

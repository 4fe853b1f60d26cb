//! Login throttling: failed attempts are recorded per client address and per
//! account name; past the limit within the window, attempts are refused before
//! any password is checked.

use sqlx::PgPool;

use crate::error::{AppError, AppResult};
use crate::state::LoginLimits;

/// Refuses the attempt if `ip` or `account` has too many recent failures.
pub async fn check(pool: &PgPool, limits: &LoginLimits, ip: &str, account: &str) -> AppResult<()> {
    let window = limits.window.as_secs() as f64;
    let row = sqlx::query!(
        r#"SELECT
             count(*) FILTER (WHERE account_key = $1) AS "by_account!",
             count(*) FILTER (WHERE ip = $2) AS "by_ip!",
             min(attempted_at) FILTER (WHERE account_key = $1) AS oldest_account,
             min(attempted_at) FILTER (WHERE ip = $2) AS oldest_ip,
             app_now() AS "now!"
           FROM login_failures
           WHERE attempted_at > app_now() - make_interval(secs => $3)
             AND (account_key = $1 OR ip = $2)"#,
        account,
        ip,
        window,
    )
    .fetch_one(pool)
    .await?;

    let oldest = if row.by_account >= limits.per_account {
        row.oldest_account
    } else if row.by_ip >= limits.per_ip {
        row.oldest_ip
    } else {
        return Ok(());
    };
    let retry_after_secs = oldest
        .map(|t| {
            let frees_at = t + chrono::Duration::from_std(limits.window).unwrap_or_default();
            (frees_at - row.now).num_seconds().max(1) as u64
        })
        .unwrap_or(limits.window.as_secs());
    Err(AppError::RateLimited { retry_after_secs })
}

pub async fn record_failure(pool: &PgPool, ip: &str, account: &str) -> AppResult<()> {
    sqlx::query!("INSERT INTO login_failures (ip, account_key) VALUES ($1, $2)", ip, account).execute(pool).await?;
    Ok(())
}

/// A successful login clears the account's failures (not the address's).
pub async fn clear_account(pool: &PgPool, account: &str) -> AppResult<()> {
    sqlx::query!("DELETE FROM login_failures WHERE account_key = $1", account).execute(pool).await?;
    Ok(())
}

/// Drops failures older than a day; run periodically by the server.
pub async fn purge_old(pool: &PgPool) -> AppResult<u64> {
    let done = sqlx::query!("DELETE FROM login_failures WHERE attempted_at < app_now() - interval '1 day'")
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const LIMITS: LoginLimits = LoginLimits { per_account: 3, per_ip: 5, window: Duration::from_secs(900) };

    #[sqlx::test(migrations = "../migrations")]
    async fn an_account_locks_after_its_failures(pool: PgPool) {
        for _ in 0..3 {
            check(&pool, &LIMITS, "10.0.0.1", "alice").await.unwrap();
            record_failure(&pool, "10.0.0.1", "alice").await.unwrap();
        }
        let err = check(&pool, &LIMITS, "10.0.0.9", "alice").await.unwrap_err();
        match err {
            AppError::RateLimited { retry_after_secs } => assert!(retry_after_secs > 0 && retry_after_secs <= 900),
            other => panic!("expected RateLimited, got {other:?}"),
        }
        // Another account from another address is unaffected.
        check(&pool, &LIMITS, "10.0.0.9", "bob").await.unwrap();
        // A successful login clears the account's failures.
        clear_account(&pool, "alice").await.unwrap();
        check(&pool, &LIMITS, "10.0.0.9", "alice").await.unwrap();
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn one_address_spraying_accounts_is_throttled(pool: PgPool) {
        for i in 0..5 {
            record_failure(&pool, "10.0.0.2", &format!("user{i}")).await.unwrap();
        }
        assert!(matches!(check(&pool, &LIMITS, "10.0.0.2", "fresh").await, Err(AppError::RateLimited { .. })));
        check(&pool, &LIMITS, "10.0.0.3", "fresh").await.unwrap();
    }
}

//! Single-use tokens for the links in account mail (verify an email, reset
//! a password). The link carries 256 random bits; the table keeps only
//! their SHA-256, so a leaked table opens nothing. A token works once and
//! until it expires; taking it is one `UPDATE … RETURNING`, so two clicks
//! at once can't both use it.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgExecutor;
use uuid::Uuid;

use super::session::{new_token, plausible, token_hash};
use crate::error::AppResult;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    VerifyEmail,
    PasswordReset,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::VerifyEmail => "verify_email",
            Purpose::PasswordReset => "password_reset",
        }
    }

    /// How long a link works: a reset link briefly (it signs you in, in
    /// effect), a verification link for two days.
    pub fn lifetime(self) -> Duration {
        match self {
            Purpose::VerifyEmail => Duration::hours(48),
            Purpose::PasswordReset => Duration::hours(1),
        }
    }
}

/// Whom a token is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenOwner {
    pub user_id: Uuid,
    /// The address the link was sent to.
    pub email: String,
}

/// Stores a new token for `user_id` and returns it (for the link).
pub async fn issue(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    email: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let (token, hash) = new_token();
    sqlx::query!(
        "INSERT INTO account_tokens (token_hash, user_id, purpose, email, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
        hash,
        user_id,
        purpose.as_str(),
        email,
        now,
        now + purpose.lifetime(),
    )
    .execute(db)
    .await?;
    Ok(token)
}

/// Whom a usable token belongs to, without using it (to show the form it opens).
pub async fn peek(
    db: impl PgExecutor<'_>,
    token: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> AppResult<Option<TokenOwner>> {
    if !plausible(token) {
        return Ok(None);
    }
    let owner = sqlx::query_as!(
        TokenOwner,
        "SELECT user_id, email FROM account_tokens
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3",
        token_hash(token),
        purpose.as_str(),
        now
    )
    .fetch_optional(db)
    .await?;
    Ok(owner)
}

/// Uses a token: whom it was for, or `None` if it is unknown, used or expired.
pub async fn take(
    db: impl PgExecutor<'_>,
    token: &str,
    purpose: Purpose,
    now: DateTime<Utc>,
) -> AppResult<Option<TokenOwner>> {
    if !plausible(token) {
        return Ok(None);
    }
    let owner = sqlx::query_as!(
        TokenOwner,
        "UPDATE account_tokens SET used_at = $3
         WHERE token_hash = $1 AND purpose = $2 AND used_at IS NULL AND expires_at > $3
         RETURNING user_id, email",
        token_hash(token),
        purpose.as_str(),
        now
    )
    .fetch_optional(db)
    .await?;
    Ok(owner)
}

/// Whether `token` is a verification link already used to confirm the
/// address its account still has: opening it again (a second click, or a
/// mail scanner that opened it first) is then no error.
pub async fn already_verified(db: impl PgExecutor<'_>, token: &str) -> AppResult<bool> {
    if !plausible(token) {
        return Ok(false);
    }
    let done = sqlx::query_scalar!(
        r#"SELECT EXISTS (
             SELECT 1 FROM account_tokens t JOIN users u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.purpose = 'verify_email' AND t.used_at IS NOT NULL
               AND u.email = t.email AND u.email_verified_at IS NOT NULL
           ) AS "done!""#,
        token_hash(token)
    )
    .fetch_one(db)
    .await?;
    Ok(done)
}

/// Retires every unused token of `purpose` the user has (a newer link, or
/// the password was just reset).
pub async fn retire_all(db: impl PgExecutor<'_>, user_id: Uuid, purpose: Purpose, now: DateTime<Utc>) -> AppResult<()> {
    sqlx::query!(
        "UPDATE account_tokens SET used_at = $3 WHERE user_id = $1 AND purpose = $2 AND used_at IS NULL",
        user_id,
        purpose.as_str(),
        now
    )
    .execute(db)
    .await?;
    Ok(())
}

/// Drops tokens expired for a day; run periodically by the server.
pub async fn purge_expired(db: impl PgExecutor<'_>) -> AppResult<u64> {
    let done =
        sqlx::query!("DELETE FROM account_tokens WHERE expires_at < app_now() - interval '1 day'").execute(db).await?;
    Ok(done.rows_affected())
}

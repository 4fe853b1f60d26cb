//! Server-side sessions. The cookie holds 256 random bits; the database holds
//! only their SHA-256, so a leaked table cannot be replayed and a guessed id
//! matches nothing.

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use http::header::{HeaderValue, SET_COOKIE};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::{PgExecutor, PgPool};
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

use super::{Role, SessionUser};
use crate::error::{AppError, AppResult};
use crate::state::app_state;

pub const COOKIE_NAME: &str = "sf_session";

/// A fresh session token (for the cookie) and its hash (for the database).
pub fn new_token() -> (String, Vec<u8>) {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = token_hash(&token);
    (token, hash)
}

pub fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Cookie tokens are 43 base64url characters; anything else is not ours.
pub fn plausible(token: &str) -> bool {
    token.len() == 43 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

pub async fn create(
    db: impl PgExecutor<'_>,
    user_id: Uuid,
    ttl: Duration,
    ip: &str,
    user_agent: Option<&str>,
) -> AppResult<String> {
    let (token, hash) = new_token();
    let ttl_secs = ttl.as_secs() as f64;
    sqlx::query!(
        r#"INSERT INTO sessions (token_hash, user_id, expires_at, ip, user_agent)
           VALUES ($1, $2, app_now() + make_interval(secs => $3), $4, $5)"#,
        hash,
        user_id,
        ttl_secs,
        ip,
        user_agent,
    )
    .execute(db)
    .await?;
    Ok(token)
}

pub async fn delete(db: impl PgExecutor<'_>, token: &str) -> AppResult<()> {
    sqlx::query!("DELETE FROM sessions WHERE token_hash = $1", token_hash(token)).execute(db).await?;
    Ok(())
}

/// Signs the user out everywhere (a password was reset).
pub async fn delete_all_for_user(db: impl PgExecutor<'_>, user_id: Uuid) -> AppResult<u64> {
    let done = sqlx::query!("DELETE FROM sessions WHERE user_id = $1", user_id).execute(db).await?;
    Ok(done.rows_affected())
}

/// The user behind `token`, if the session exists and has not expired.
pub async fn lookup(pool: &PgPool, token: &str) -> AppResult<Option<SessionUser>> {
    if !plausible(token) {
        return Ok(None);
    }
    let row = sqlx::query!(
        r#"SELECT u.id, u.username, u.display_name, u.avatar_url, u.role
           FROM sessions s JOIN users u ON u.id = s.user_id
           WHERE s.token_hash = $1 AND s.expires_at > app_now()"#,
        token_hash(token)
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| SessionUser {
        id: r.id,
        username: r.username,
        display_name: r.display_name,
        avatar_url: r.avatar_url,
        role: Role::from_db(&r.role),
    }))
}

/// Removes expired sessions; run periodically by the server.
pub async fn purge_expired(pool: &PgPool) -> AppResult<u64> {
    let done = sqlx::query!("DELETE FROM sessions WHERE expires_at <= app_now()").execute(pool).await?;
    Ok(done.rows_affected())
}

/// The current request's session lookup, done at most once however many
/// resources and server functions of one page render ask for it. The server
/// provides a fresh one per request; the cookie it resolves cannot change
/// within a request (a login sets the cookie for the next one).
#[derive(Clone, Default)]
pub struct SessionMemo(Arc<tokio::sync::OnceCell<Option<SessionUser>>>);

/// The signed-in user of the current request, if any.
pub async fn current_user() -> AppResult<Option<SessionUser>> {
    let Some(token) = crate::request::cookie(COOKIE_NAME) else {
        return Ok(None);
    };
    let state = app_state()?;
    match use_context::<SessionMemo>() {
        Some(memo) => memo.0.get_or_try_init(|| lookup(&state.pool, &token)).await.cloned(),
        None => lookup(&state.pool, &token).await,
    }
}

/// The signed-in user, or `Unauthorized`.
pub async fn require_user() -> AppResult<SessionUser> {
    current_user().await?.ok_or(AppError::Unauthorized)
}

pub fn cookie_header(token: &str, max_age: Duration, secure: bool) -> String {
    named_cookie_header(COOKIE_NAME, token, max_age, secure)
}

pub fn clearing_cookie_header(secure: bool) -> String {
    named_cookie_header(COOKIE_NAME, "", Duration::ZERO, secure)
}

/// An HTTP-only, same-site cookie for the whole site (`Max-Age=0` clears it).
pub fn named_cookie_header(name: &str, value: &str, max_age: Duration, secure: bool) -> String {
    let secure = if secure { "; Secure" } else { "" };
    format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax; Max-Age={}{secure}", max_age.as_secs())
}

/// Adds a `Set-Cookie` header to the response being built.
pub fn send_cookie(value: &str) {
    if let (Some(res), Ok(v)) = (use_context::<ResponseOptions>(), HeaderValue::from_str(value)) {
        res.append_header(SET_COOKIE, v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, ha) = new_token();
        let (b, _) = new_token();
        assert_ne!(a, b);
        assert!(plausible(&a));
        assert_eq!(ha, token_hash(&a));
        assert_eq!(ha.len(), 32);
    }

    #[test]
    fn cookie_is_http_only_and_lax() {
        let c = cookie_header("tok", Duration::from_secs(60), false);
        assert!(c.contains("HttpOnly"));
        assert!(c.contains("SameSite=Lax"));
        assert!(!c.contains("Secure"));
        assert!(cookie_header("tok", Duration::from_secs(60), true).ends_with("; Secure"));
        assert!(clearing_cookie_header(false).contains("Max-Age=0"));
    }

    #[test]
    fn implausible_tokens_are_rejected_before_the_database() {
        assert!(!plausible(""));
        assert!(!plausible("' OR 1=1 --"));
        assert!(!plausible(&"a".repeat(44)));
    }
}

#[cfg(test)]
mod db_tests {
    use super::*;
    use crate::test_support::user;

    #[sqlx::test(migrations = "../migrations")]
    async fn a_session_finds_its_user_until_deleted(pool: PgPool) {
        let id = user(&pool, "sess_user").await;
        let token = create(&pool, id, Duration::from_secs(3600), "127.0.0.1", Some("test")).await.unwrap();
        let found = lookup(&pool, &token).await.unwrap().unwrap();
        assert_eq!(found.id, id);
        assert_eq!(found.username, "sess_user");
        delete(&pool, &token).await.unwrap();
        assert!(lookup(&pool, &token).await.unwrap().is_none(), "logout invalidates server-side");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn only_the_hash_is_stored(pool: PgPool) {
        let id = user(&pool, "hash_user").await;
        let token = create(&pool, id, Duration::from_secs(3600), "127.0.0.1", None).await.unwrap();
        let stored: Vec<u8> = sqlx::query_scalar!("SELECT token_hash FROM sessions").fetch_one(&pool).await.unwrap();
        assert_ne!(stored, token.as_bytes());
        assert_eq!(stored, token_hash(&token));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn expired_and_guessed_sessions_are_nobody(pool: PgPool) {
        let id = user(&pool, "old_user").await;
        let token = create(&pool, id, Duration::from_secs(0), "127.0.0.1", None).await.unwrap();
        assert!(lookup(&pool, &token).await.unwrap().is_none());
        assert_eq!(purge_expired(&pool).await.unwrap(), 1);
        let (guess, _) = new_token();
        assert!(lookup(&pool, &guess).await.unwrap().is_none());
    }
}

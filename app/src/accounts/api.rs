//! Server functions for accounts. Each one: read the request, validate into
//! domain types, call the domain code, shape the answer.

use leptos::prelude::*;

use super::SessionUser;
use crate::error::AppError;

/// The signed-in user, or `None` for a guest.
#[server(prefix = "/api", endpoint = "auth/me")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    super::session::current_user().await
}

#[server(prefix = "/api", endpoint = "auth/register")]
pub async fn register(
    username: String,
    email: String,
    password: String,
    display_name: Option<String>,
) -> Result<(), AppError> {
    use super::validate::{display_name as parse_display_name, Email, Password, Username};
    use super::{db, password as pw, session};
    use crate::state::app_state;

    let username = Username::parse(&username)?;
    let email = Email::parse(&email)?;
    let password = Password::parse(&password)?;
    let display_name = match display_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => parse_display_name(name)?,
        _ => username.as_str().to_string(),
    };

    let state = app_state()?;
    let hash = pw::hash(password.expose().to_string()).await?;
    let ip = crate::request::client_ip(&state.config);
    let ua = crate::request::user_agent();

    let mut tx = state.pool.begin().await?;
    let user_id = db::insert_user(
        &mut *tx,
        db::NewUser { username: &username, email: &email, password_hash: &hash, display_name: &display_name },
    )
    .await?;
    let token = session::create(&mut *tx, user_id, state.config.session_ttl, &ip, ua.as_deref()).await?;
    crate::cart::api::owner::adopt_guest_cart(&mut tx, user_id).await?;
    crate::attribution::link_current(&mut tx, user_id).await?;
    tx.commit().await?;

    tracing::info!(%user_id, username = username.as_str(), "account registered");
    session::send_cookie(&session::cookie_header(&token, state.config.session_ttl, state.config.secure_cookies));
    leptos_axum::redirect("/");
    Ok(())
}

/// Logs in by username or email. Every failure says the same thing, and
/// failures are throttled per client address and per account.
#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(identifier: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use super::{db, password as pw, rate_limit, session};
    use crate::state::app_state;

    let state = app_state()?;
    let account_key = identifier.trim().to_lowercase();
    if account_key.is_empty() || password.is_empty() {
        return Err(AppError::InvalidCredentials);
    }
    if account_key.len() > 254 || password.len() > 1024 {
        return Err(AppError::InvalidCredentials);
    }
    let ip = crate::request::client_ip(&state.config);
    rate_limit::check(&state.pool, &state.config.login_limits, &ip, &account_key).await?;

    let found = db::find_for_login(&state.pool, &account_key).await?;
    let (user_id, stored) = match found {
        Some(row) => (Some(row.id), Some(row.password_hash)),
        None => (None, None),
    };
    let ok = pw::verify(password, stored).await?;
    let Some(user_id) = user_id.filter(|_| ok) else {
        rate_limit::record_failure(&state.pool, &ip, &account_key).await?;
        return Err(AppError::InvalidCredentials);
    };
    rate_limit::clear_account(&state.pool, &account_key).await?;

    // Rotate: whatever session this browser had is dropped, a new id is issued.
    let mut tx = state.pool.begin().await?;
    if let Some(old) = crate::request::cookie(session::COOKIE_NAME) {
        session::delete(&mut *tx, &old).await?;
    }
    let ua = crate::request::user_agent();
    let token = session::create(&mut *tx, user_id, state.config.session_ttl, &ip, ua.as_deref()).await?;
    crate::cart::api::owner::adopt_guest_cart(&mut tx, user_id).await?;
    crate::attribution::link_current(&mut tx, user_id).await?;
    tx.commit().await?;

    session::send_cookie(&session::cookie_header(&token, state.config.session_ttl, state.config.secure_cookies));
    leptos_axum::redirect(&super::safe_next(next.as_deref()));
    Ok(())
}

#[server(prefix = "/api", endpoint = "auth/logout")]
pub async fn logout() -> Result<(), AppError> {
    use super::session;
    use crate::state::app_state;

    let state = app_state()?;
    if let Some(token) = crate::request::cookie(session::COOKIE_NAME) {
        session::delete(&state.pool, &token).await?;
    }
    session::send_cookie(&session::clearing_cookie_header(state.config.secure_cookies));
    leptos_axum::redirect("/");
    Ok(())
}

//! Server functions for accounts. Each one: read the request, validate into
//! domain types, call the domain code, shape the answer.

use leptos::prelude::*;

use super::{EmailStatus, SessionUser};
use crate::error::AppError;

/// The signed-in user, or `None` for a guest.
#[server(prefix = "/api", endpoint = "auth/me")]
pub async fn current_user() -> Result<Option<SessionUser>, AppError> {
    super::session::current_user().await
}

/// Registers an account and mails its verification link. Answers (and
/// redirects) the same whether or not the email already has an account, so
/// it doesn't sign anyone in: the new user logs in next.
#[server(prefix = "/api", endpoint = "auth/register")]
pub async fn register(
    username: String,
    email: String,
    password: String,
    display_name: Option<String>,
    next: Option<String>,
) -> Result<(), AppError> {
    use super::service::{self, Registration};
    use super::validate::{display_name as parse_display_name, Email, Password, Username};
    use crate::state::app_state;

    let username = Username::parse(&username)?;
    let email = Email::parse(&email)?;
    let password = Password::parse(&password)?;
    let display_name = match display_name.as_deref().map(str::trim) {
        Some(name) if !name.is_empty() => parse_display_name(name)?,
        _ => username.as_str().to_string(),
    };
    let state = app_state()?;
    // Only a path on this site is carried on (to the mail and the next page).
    let next = next.as_deref().filter(|n| !n.trim().is_empty()).map(|n| super::safe_next(Some(n)));
    let registration = Registration { username, email, password, display_name, next: next.clone() };
    service::register(&state.pool, &state.config, &registration, state.clock.now()).await?;
    let check = match &next {
        Some(next) => format!("/check-email?for=register&next={}", crate::ui::encode_query_value(next)),
        None => "/check-email?for=register".to_string(),
    };
    leptos_axum::redirect(&check);
    Ok(())
}

/// Logs in by username or email. Every failure says the same thing; failures
/// are throttled per account and address (see `rate_limit`).
#[server(prefix = "/api", endpoint = "auth/login")]
pub async fn login(identifier: String, password: String, next: Option<String>) -> Result<(), AppError> {
    use super::{login, session};
    use crate::state::app_state;

    let state = app_state()?;
    let ip = crate::request::client_ip(&state.config);
    let user_id =
        login::authenticate(&state.pool, &state.config.login_limits, &identifier, password, &ip, state.clock.now())
            .await?;

    // Rotate: whatever session this browser had is dropped, a new id is issued.
    let mut tx = state.pool.begin().await?;
    if let Some(old) = crate::request::cookie(session::COOKIE_NAME) {
        session::delete(&mut *tx, &old).await?;
    }
    let ua = crate::request::user_agent();
    let token = session::create(&mut *tx, user_id, state.config.session_ttl, &ip, ua.as_deref()).await?;
    crate::cart::api::owner::adopt_guest_cart(&mut tx, user_id).await?;
    crate::attribution::link_current(&mut tx, user_id).await?;
    // Guest orders bought with this account's email, if it is verified.
    crate::orders::db::claim_guest_orders(&mut tx, user_id).await?;
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

/// Mails a reset link to `email` if it has an account. Anyone may ask; the
/// answer is the same either way.
#[server(prefix = "/api", endpoint = "auth/forgot-password")]
pub async fn request_password_reset(email: String) -> Result<(), AppError> {
    use super::validate::Email;
    use crate::state::app_state;

    let email = Email::parse(&email)?;
    let state = app_state()?;
    super::service::request_reset(&state.pool, &state.config, &email, state.clock.now()).await?;
    leptos_axum::redirect("/check-email?for=reset");
    Ok(())
}

/// Sets a new password with a reset link's token (the token is the
/// authority, whoever is signed in); every session of the account ends.
#[server(prefix = "/api", endpoint = "auth/reset-password")]
pub async fn reset_password(token: String, password: String) -> Result<(), AppError> {
    use super::validate::Password;
    use crate::state::app_state;

    let password = Password::parse(&password)?;
    let state = app_state()?;
    super::service::reset_password(&state.pool, &state.config, token.trim(), &password, state.clock.now()).await?;
    leptos_axum::redirect("/login?reset=done");
    Ok(())
}

/// Marks the address a verification link was sent to as verified.
#[server(prefix = "/api", endpoint = "auth/verify-email")]
pub async fn verify_email(token: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    super::service::verify_email(&state.pool, token.trim(), state.clock.now()).await
}

/// The signed-in user's email and whether it is verified.
#[server(prefix = "/api", endpoint = "auth/email")]
pub async fn my_email() -> Result<EmailStatus, AppError> {
    let state = crate::state::app_state()?;
    let caller = super::session::current_user().await?;
    super::service::email_status(&state.pool, caller.as_ref()).await
}

/// Mails the signed-in user a new verification link.
#[server(prefix = "/api", endpoint = "auth/resend-verification")]
pub async fn resend_verification() -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let caller = super::session::current_user().await?;
    super::service::resend_verification(&state.pool, &state.config, caller.as_ref(), state.clock.now()).await
}

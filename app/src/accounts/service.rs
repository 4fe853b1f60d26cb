//! The account actions that send mail: registering, verifying an email,
//! asking for and using a password reset link. Each writes its mail to the
//! outbox in its own transaction (`crate::mail`). Registration and reset
//! requests answer the same whether or not the address has an account;
//! only the mail to that address differs. (What stays observable: someone
//! who registers with another person's address and then can't log in as
//! the username they chose learns the address was taken. Closing that
//! would mean creating accounts only once the link is clicked; the login
//! throttle bounds how fast it can be tried.)

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;

use super::tokens::{self, Purpose};
use super::validate::{Email, Password, Username};
use super::{db, login, mails, password, policy, rate_limit, session, EmailStatus, SessionUser};
use crate::error::{AppError, AppResult};
use crate::mail;
use crate::state::AppConfig;

/// How soon the same kind of account mail may go to the same address again:
/// the forms can't be used to flood someone's inbox.
pub const MAIL_REPEAT_AFTER: Duration = Duration::minutes(1);

/// A registration form, parsed.
#[derive(Debug, Clone)]
pub struct Registration {
    pub username: Username,
    pub email: Email,
    pub password: Password,
    pub display_name: String,
    /// Where to return once the address is confirmed (already checked by
    /// `safe_next`); the verification link carries it.
    pub next: Option<String>,
}

fn link(config: &AppConfig, path: &str, token: &str) -> String {
    format!("{}{path}?token={token}", config.public_url)
}

/// Creates the account and mails its verification link, or, when the email
/// already has an account, creates nothing and mails that address about
/// the attempt. The caller sees the same `Ok` either way; a taken username
/// (public anyway) and a weak password are errors it can act on.
pub async fn register(pool: &PgPool, config: &AppConfig, reg: &Registration, now: DateTime<Utc>) -> AppResult<()> {
    policy::check_strength(&reg.password, &[reg.username.as_str(), reg.email.as_str(), &reg.display_name])?;
    // Hashed whichever way it goes, so the answer takes as long either way.
    let hash = password::hash(reg.password.expose().to_string()).await?;

    let mut tx = pool.begin().await?;
    if db::username_taken(&mut *tx, &reg.username).await? {
        return Err(AppError::conflict("username", "That username is taken."));
    }
    let new = db::NewUser {
        username: &reg.username,
        email: &reg.email,
        password_hash: &hash,
        display_name: &reg.display_name,
    };
    match db::insert_unless_email_taken(&mut *tx, new).await? {
        Some(user_id) => {
            let token = tokens::issue(&mut *tx, user_id, reg.email.as_str(), Purpose::VerifyEmail, now).await?;
            let mut verify_link = link(config, "/verify-email", &token);
            if let Some(next) = &reg.next {
                verify_link.push_str(&format!("&next={}", crate::ui::encode_query_value(next)));
            }
            let mail = mails::verify_email(reg.email.as_str(), reg.username.as_str(), &verify_link);
            mail::enqueue(&mut *tx, &mail).await?;
            tracing::info!(%user_id, username = reg.username.as_str(), "account registered");
        }
        None => {
            let existing = db::names_by_email(&mut *tx, &reg.email).await?.ok_or(AppError::Internal)?;
            if !mail::sent_recently(&mut *tx, reg.email.as_str(), "register_existing", now - MAIL_REPEAT_AFTER).await? {
                let mail = mails::already_registered(
                    reg.email.as_str(),
                    &existing.username,
                    &format!("{}/login", config.public_url),
                    &format!("{}/forgot-password", config.public_url),
                );
                mail::enqueue(&mut *tx, &mail).await?;
            }
            tracing::info!(user_id = %existing.id, "registration with an email that has an account");
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Mails a reset link if `email` has an account; answers the same if not.
pub async fn request_reset(pool: &PgPool, config: &AppConfig, email: &Email, now: DateTime<Utc>) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let Some(account) = db::names_by_email(&mut *tx, email).await? else {
        return Ok(());
    };
    if mail::sent_recently(&mut *tx, email.as_str(), "password_reset", now - MAIL_REPEAT_AFTER).await? {
        return Ok(());
    }
    let token = tokens::issue(&mut *tx, account.id, &account.email, Purpose::PasswordReset, now).await?;
    let mail = mails::password_reset(&account.email, &account.username, &link(config, "/reset-password", &token));
    mail::enqueue(&mut *tx, &mail).await?;
    tx.commit().await?;
    Ok(())
}

fn bad_link(field: &str, what: &str) -> AppError {
    AppError::validation(field, format!("This {what} link has expired or was already used. Ask for a new one."))
}

/// Sets a new password with a reset link's token, which only the mailbox
/// owner has: whoever calls (signed out, or signed in as anyone) changes
/// that account only. The token is spent, every session of the account is
/// signed out and its login waits are lifted; the reset also proves the
/// address, so it counts as verified.
pub async fn reset_password(
    pool: &PgPool,
    config: &AppConfig,
    token: &str,
    new_password: &Password,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let owner =
        tokens::peek(pool, token, Purpose::PasswordReset, now).await?.ok_or_else(|| bad_link("token", "reset"))?;
    let account = db::names_by_id(pool, owner.user_id).await?.ok_or_else(|| bad_link("token", "reset"))?;
    policy::check_strength(new_password, &[&account.username, &account.email, &account.display_name])?;
    let hash = password::hash(new_password.expose().to_string()).await?;

    let mut tx = pool.begin().await?;
    // Taking the token is the one statement that decides: of two uses at once, one wins.
    let owner =
        tokens::take(&mut *tx, token, Purpose::PasswordReset, now).await?.ok_or_else(|| bad_link("token", "reset"))?;
    db::set_password_hash(&mut *tx, owner.user_id, &hash).await?;
    tokens::retire_all(&mut *tx, owner.user_id, Purpose::PasswordReset, now).await?;
    let signed_out = session::delete_all_for_user(&mut *tx, owner.user_id).await?;
    rate_limit::forget_account(&mut *tx, &login::throttle_key(owner.user_id)).await?;
    db::mark_email_verified(&mut *tx, owner.user_id, &owner.email, now).await?;
    crate::orders::db::claim_guest_orders(&mut tx, owner.user_id).await?;
    let notice =
        mails::password_changed(&account.email, &account.username, &format!("{}/forgot-password", config.public_url));
    mail::enqueue(&mut *tx, &notice).await?;
    tx.commit().await?;
    tracing::info!(user_id = %owner.user_id, signed_out, "password reset");
    Ok(())
}

/// Marks the address a verification link was sent to as verified. The
/// link is spent, but opening it again once the address is confirmed is
/// still a success (mail scanners often open links before their reader).
pub async fn verify_email(pool: &PgPool, token: &str, now: DateTime<Utc>) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let Some(owner) = tokens::take(&mut *tx, token, Purpose::VerifyEmail, now).await? else {
        return match tokens::already_verified(&mut *tx, token).await? {
            true => Ok(()),
            false => Err(bad_link("token", "verification")),
        };
    };
    if !db::mark_email_verified(&mut *tx, owner.user_id, &owner.email, now).await? {
        return Err(bad_link("token", "verification"));
    }
    // The address is proven now: the guest orders bought with it are theirs.
    crate::orders::db::claim_guest_orders(&mut tx, owner.user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// The signed-in user's own address and whether it is verified.
pub async fn email_status(pool: &PgPool, caller: Option<&SessionUser>) -> AppResult<EmailStatus> {
    let caller = caller.ok_or(AppError::Unauthorized)?;
    let account = db::names_by_id(pool, caller.id).await?.ok_or(AppError::Unauthorized)?;
    Ok(EmailStatus { email: account.email, verified: account.email_verified_at.is_some() })
}

/// Mails the signed-in user a fresh verification link (older ones stop
/// working). Nothing to do once verified; at most one a minute.
pub async fn resend_verification(
    pool: &PgPool,
    config: &AppConfig,
    caller: Option<&SessionUser>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let caller = caller.ok_or(AppError::Unauthorized)?;
    let mut tx = pool.begin().await?;
    let account = db::names_by_id(&mut *tx, caller.id).await?.ok_or(AppError::Unauthorized)?;
    if account.email_verified_at.is_some() {
        return Ok(());
    }
    if mail::sent_recently(&mut *tx, &account.email, "verify_email", now - MAIL_REPEAT_AFTER).await? {
        return Err(AppError::RateLimited { retry_after_secs: MAIL_REPEAT_AFTER.num_seconds() as u64 });
    }
    tokens::retire_all(&mut *tx, account.id, Purpose::VerifyEmail, now).await?;
    let token = tokens::issue(&mut *tx, account.id, &account.email, Purpose::VerifyEmail, now).await?;
    let mail = mails::verify_email(&account.email, &account.username, &link(config, "/verify-email", &token));
    mail::enqueue(&mut *tx, &mail).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration as StdDuration;

    use crate::accounts::Role;
    use crate::mail::QueuedMail;
    use crate::state::LoginLimits;
    use crate::test_support::{admin, user};

    const STRONG: &str = "plum-orbit-canyon-47";
    const NEWER: &str = "velvet-harbor-quartz-19";

    fn config() -> AppConfig {
        AppConfig { public_url: "https://shop.example".into(), ..AppConfig::for_tests(std::env::temp_dir()) }
    }

    fn test_now() -> DateTime<Utc> {
        crate::clock::Clock::system().now()
    }

    fn registration(username: &str, email: &str, pw: &str) -> Registration {
        Registration {
            username: Username::parse(username).unwrap(),
            email: Email::parse(email).unwrap(),
            password: Password::parse(pw).unwrap(),
            display_name: username.to_string(),
            next: None,
        }
    }

    async fn latest(pool: &PgPool, to: &str) -> QueuedMail {
        mail::latest_to(pool, to, None).await.unwrap().expect("a mail")
    }

    /// The token in a mail's link.
    fn token_in(mail: &QueuedMail) -> String {
        let at = mail.text.find("?token=").expect("a link with a token") + "?token=".len();
        mail.text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
    }

    async fn session_user(pool: &PgPool, id: uuid::Uuid) -> SessionUser {
        let names = db::names_by_id(pool, id).await.unwrap().unwrap();
        let role: String =
            sqlx::query_scalar!("SELECT role FROM users WHERE id = $1", id).fetch_one(pool).await.unwrap();
        SessionUser {
            id,
            username: names.username,
            display_name: names.display_name,
            avatar_url: None,
            role: Role::from_db(&role),
        }
    }

    async fn log_in(pool: &PgPool, who: &str, pw: &str, t: DateTime<Utc>) -> AppResult<uuid::Uuid> {
        login::authenticate(pool, &LoginLimits::default(), who, pw.to_string(), "10.0.0.1", t).await
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn registering_an_existing_email_answers_the_same_and_mails_the_owner(pool: PgPool) {
        let config = config();
        let t = test_now();
        let first = register(&pool, &config, &registration("maya", "maya@example.test", STRONG), t).await;
        let again = register(&pool, &config, &registration("maya_two", "MAYA@example.test", NEWER), t).await;
        assert_eq!(first, Ok(()));
        assert_eq!(again, first, "the same answer whether or not the address has an account");

        let users: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM users"#).fetch_one(&pool).await.unwrap();
        assert_eq!(users, 1, "no second account");
        assert!(log_in(&pool, "maya_two", NEWER, t).await.is_err());
        // The mail says the rest: the first got a verification link, the retry a notice.
        let mails = sqlx::query!("SELECT kind, subject FROM mail_outbox ORDER BY id").fetch_all(&pool).await.unwrap();
        let kinds: Vec<_> = mails.iter().map(|m| (m.kind.as_str(), m.subject.as_str())).collect();
        assert_eq!(
            kinds,
            [
                ("verify_email", "Confirm your email for Storefeed"),
                ("register_existing", "Someone tried to register with your address")
            ]
        );
        let notice = latest(&pool, "maya@example.test").await;
        assert!(notice.text.contains("@maya") && notice.text.contains("https://shop.example/forgot-password"));
        // Trying again at once doesn't mail the owner twice.
        register(&pool, &config, &registration("maya_three", "maya@example.test", NEWER), t).await.unwrap();
        let count: i64 =
            sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM mail_outbox"#).fetch_one(&pool).await.unwrap();
        assert_eq!(count, 2);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn registration_refuses_weak_passwords_and_taken_usernames(pool: PgPool) {
        let config = config();
        let weak = register(&pool, &config, &registration("sam", "sam@example.test", "password1"), test_now())
            .await
            .unwrap_err();
        assert_eq!(weak.field(), Some("password"));
        assert!(weak.to_string().starts_with("This password is too easy to guess."), "{weak}");
        let own_name =
            register(&pool, &config, &registration("sam_k_1999", "sam@example.test", "sam_k_1999"), test_now()).await;
        assert_eq!(own_name.unwrap_err().field(), Some("password"), "the username is no password");

        register(&pool, &config, &registration("sam", "sam@example.test", STRONG), test_now()).await.unwrap();
        let taken = register(&pool, &config, &registration("SAM", "other@example.test", STRONG), test_now()).await;
        assert_eq!(taken, Err(AppError::conflict("username", "That username is taken.")));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_verification_link_marks_the_email_verified_and_reopening_it_is_harmless(pool: PgPool) {
        let config = config();
        let t = test_now();
        register(&pool, &config, &registration("vera", "vera@example.test", STRONG), t).await.unwrap();
        let id = log_in(&pool, "vera", STRONG, t).await.expect("an unverified account can log in");
        let me = session_user(&pool, id).await;
        assert_eq!(
            email_status(&pool, Some(&me)).await.unwrap(),
            EmailStatus { email: "vera@example.test".into(), verified: false }
        );

        let mail = latest(&pool, "vera@example.test").await;
        assert!(mail.text.contains("https://shop.example/verify-email?token="), "{}", mail.text);
        let token = token_in(&mail);
        let stored: Vec<u8> =
            sqlx::query_scalar!("SELECT token_hash FROM account_tokens").fetch_one(&pool).await.unwrap();
        assert_eq!(stored, session::token_hash(&token), "only the token's hash is stored");

        verify_email(&pool, &token, t).await.unwrap();
        let stamped = db::names_by_id(&pool, id).await.unwrap().unwrap().email_verified_at;
        assert!(email_status(&pool, Some(&me)).await.unwrap().verified);
        // Opened again (a second click, a mail scanner first): still confirmed, nothing re-stamped.
        verify_email(&pool, &token, t + Duration::hours(1)).await.unwrap();
        assert_eq!(db::names_by_id(&pool, id).await.unwrap().unwrap().email_verified_at, stamped);
        assert_eq!(verify_email(&pool, "not-a-token", t).await.unwrap_err().field(), Some("token"));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn verification_links_expire_and_a_resent_one_replaces_them(pool: PgPool) {
        let config = config();
        let t = test_now();
        register(&pool, &config, &registration("late", "late@example.test", STRONG), t).await.unwrap();
        let first = token_in(&latest(&pool, "late@example.test").await);
        let id = log_in(&pool, "late", STRONG, t).await.unwrap();
        let me = session_user(&pool, id).await;

        assert!(
            matches!(resend_verification(&pool, &config, Some(&me), t).await, Err(AppError::RateLimited { .. })),
            "not twice a minute"
        );
        let later = t + Duration::minutes(2);
        resend_verification(&pool, &config, Some(&me), later).await.unwrap();
        let second = token_in(&latest(&pool, "late@example.test").await);
        assert_ne!(first, second);
        assert!(verify_email(&pool, &first, later).await.is_err(), "the older link stopped working");
        assert!(verify_email(&pool, &second, later + Duration::hours(49)).await.is_err(), "links expire");
        verify_email(&pool, &second, later + Duration::hours(47)).await.unwrap();
        // Verified: resending does nothing.
        resend_verification(&pool, &config, Some(&me), later + Duration::hours(48)).await.unwrap();
        let count: i64 =
            sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM mail_outbox"#).fetch_one(&pool).await.unwrap();
        assert_eq!(count, 2);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_reset_link_works_once_within_the_hour_and_signs_out_every_session(pool: PgPool) {
        let config = config();
        let t = test_now();
        register(&pool, &config, &registration("rosa", "rosa@example.test", STRONG), t).await.unwrap();
        let id = log_in(&pool, "rosa", STRONG, t).await.unwrap();
        let phone = session::create(&pool, id, StdDuration::from_secs(3600), "10.0.0.1", None).await.unwrap();
        let laptop = session::create(&pool, id, StdDuration::from_secs(3600), "10.0.0.2", None).await.unwrap();

        request_reset(&pool, &config, &Email::parse("ROSA@example.test").unwrap(), t).await.unwrap();
        let mail = latest(&pool, "rosa@example.test").await;
        assert_eq!(mail.kind, "password_reset");
        assert!(mail.text.contains("https://shop.example/reset-password?token="));
        let token = token_in(&mail);

        let weak = reset_password(&pool, &config, &token, &Password::parse("password1").unwrap(), t).await;
        assert_eq!(weak.unwrap_err().field(), Some("password"), "the new password follows the same rules");
        reset_password(&pool, &config, &token, &Password::parse(NEWER).unwrap(), t).await.unwrap();

        assert!(session::lookup(&pool, &phone).await.unwrap().is_none(), "signed out everywhere");
        assert!(session::lookup(&pool, &laptop).await.unwrap().is_none());
        assert_eq!(log_in(&pool, "rosa", STRONG, t).await, Err(AppError::InvalidCredentials));
        assert_eq!(log_in(&pool, "rosa", NEWER, t).await, Ok(id));
        let again =
            reset_password(&pool, &config, &token, &Password::parse("another-quiet-lantern-8").unwrap(), t).await;
        assert_eq!(again.unwrap_err().field(), Some("token"), "single use");
        let me = session_user(&pool, id).await;
        assert!(email_status(&pool, Some(&me)).await.unwrap().verified, "the reset proved the mailbox");
        assert_eq!(latest(&pool, "rosa@example.test").await.kind, "password_changed");

        // A link older than an hour opens nothing.
        let later = t + Duration::minutes(5);
        request_reset(&pool, &config, &Email::parse("rosa@example.test").unwrap(), later).await.unwrap();
        let stale =
            token_in(&mail::latest_to(&pool, "rosa@example.test", Some("password_reset")).await.unwrap().unwrap());
        let expired =
            reset_password(&pool, &config, &stale, &Password::parse(STRONG).unwrap(), later + Duration::minutes(61))
                .await;
        assert_eq!(expired.unwrap_err().field(), Some("token"));
        assert_eq!(log_in(&pool, "rosa", NEWER, later).await, Ok(id), "the password stayed");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_reset_request_answers_the_same_for_unknown_addresses(pool: PgPool) {
        let config = config();
        user(&pool, "known").await;
        let known = request_reset(&pool, &config, &Email::parse("known@example.test").unwrap(), test_now()).await;
        let unknown = request_reset(&pool, &config, &Email::parse("nobody@example.test").unwrap(), test_now()).await;
        assert_eq!(known, Ok(()));
        assert_eq!(unknown, known);
        assert!(mail::latest_to(&pool, "nobody@example.test", None).await.unwrap().is_none());
        // Asking again at once sends nothing more (no flooding an inbox).
        request_reset(&pool, &config, &Email::parse("known@example.test").unwrap(), test_now()).await.unwrap();
        let count: i64 =
            sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM mail_outbox"#).fetch_one(&pool).await.unwrap();
        assert_eq!(count, 1);
    }

    /// Who may call what. Reset and verification are decided by the token
    /// alone: signed out, signed in as someone else or as an admin, the
    /// link changes only its own account, and without it nobody (not even
    /// an admin) changes anything. Email status and resending are the
    /// signed-in user's own: there is no way to name another account.
    #[sqlx::test(migrations = "../migrations")]
    async fn authorization_matrix_for_the_new_account_functions(pool: PgPool) {
        let config = config();
        let t = test_now();
        register(&pool, &config, &registration("owner", "owner@example.test", STRONG), t).await.unwrap();
        let owner_id = log_in(&pool, "owner", STRONG, t).await.unwrap();
        let owner = session_user(&pool, owner_id).await;
        let stranger_id = user(&pool, "stranger").await;
        let stranger = session_user(&pool, stranger_id).await;
        let admin_id = admin(&pool, "boss").await;
        let boss = session_user(&pool, admin_id).await;
        let stranger_session =
            session::create(&pool, stranger_id, StdDuration::from_secs(3600), "10.0.0.3", None).await.unwrap();

        // email_status: anonymous refused; each signed-in caller sees only their own.
        assert_eq!(email_status(&pool, None).await, Err(AppError::Unauthorized));
        assert_eq!(email_status(&pool, Some(&owner)).await.unwrap().email, "owner@example.test");
        assert_eq!(email_status(&pool, Some(&stranger)).await.unwrap().email, "stranger@example.test");
        assert_eq!(email_status(&pool, Some(&boss)).await.unwrap().email, "boss@example.test");

        // resend_verification: anonymous refused; a stranger's resend goes to the stranger.
        assert_eq!(resend_verification(&pool, &config, None, t).await, Err(AppError::Unauthorized));
        resend_verification(&pool, &config, Some(&stranger), t).await.unwrap();
        assert_eq!(latest(&pool, "stranger@example.test").await.kind, "verify_email");
        assert_eq!(latest(&pool, "owner@example.test").await.kind, "verify_email");
        let owner_mails: i64 =
            sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM mail_outbox WHERE to_address = 'owner@example.test'"#)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(owner_mails, 1, "nobody else can make the owner's inbox fill");

        // Without the owner's token nobody resets the owner's password or verifies their address.
        for guess in ["", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "' OR 1=1 --"] {
            assert!(reset_password(&pool, &config, guess, &Password::parse(NEWER).unwrap(), t).await.is_err());
            assert!(verify_email(&pool, guess, t).await.is_err());
        }
        // A stranger's own reset link changes only the stranger's account,
        // and signs out only the stranger's sessions.
        request_reset(&pool, &config, &Email::parse("stranger@example.test").unwrap(), t).await.unwrap();
        let stranger_token = token_in(&latest(&pool, "stranger@example.test").await);
        reset_password(&pool, &config, &stranger_token, &Password::parse(NEWER).unwrap(), t).await.unwrap();
        assert!(session::lookup(&pool, &stranger_session).await.unwrap().is_none());
        assert_eq!(log_in(&pool, "owner", STRONG, t).await, Ok(owner_id), "the owner's password is untouched");
        // The owner's link works for whoever holds it (the token is the proof).
        let verify_token =
            token_in(&mail::latest_to(&pool, "owner@example.test", Some("verify_email")).await.unwrap().unwrap());
        verify_email(&pool, &verify_token, t).await.unwrap();
        assert!(email_status(&pool, Some(&owner)).await.unwrap().verified);
        assert!(!email_status(&pool, Some(&boss)).await.unwrap().verified, "verifying one account verifies no other");
    }
}

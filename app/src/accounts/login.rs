//! Checking a login: the throttle first (counted before any password is
//! verified, see `rate_limit`), then the password, the same work and the
//! same answer whether or not the account exists.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{db, password, rate_limit};
use crate::error::{AppError, AppResult};
use crate::state::LoginLimits;

/// The account `identifier` (a username or an email) names, if `password`
/// is its password and `source` may try now. Every wrong answer is
/// `InvalidCredentials`; too many recent ones are `RateLimited`.
pub async fn authenticate(
    pool: &PgPool,
    limits: &LoginLimits,
    identifier: &str,
    password: String,
    source: &str,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    let account_key = identifier.trim().to_lowercase();
    if account_key.is_empty() || password.is_empty() || account_key.len() > 254 || password.len() > 1024 {
        return Err(AppError::InvalidCredentials);
    }
    let source: String = source.chars().take(64).collect();
    let found = db::find_for_login(pool, &account_key).await?;
    // An existing account is counted under its id, so switching between its
    // username and its email buys no extra guesses.
    let key = found.as_ref().map(|row| throttle_key(row.id)).unwrap_or(account_key);
    rate_limit::begin_attempt(pool, limits, &key, &source, now).await?;

    let (user_id, stored) = match found {
        Some(row) => (Some(row.id), Some(row.password_hash)),
        None => (None, None),
    };
    let ok = password::verify(password, stored).await?;
    match user_id.filter(|_| ok) {
        Some(id) => {
            rate_limit::succeeded(pool, &key, &source).await?;
            crate::moderation::standing::refuse_banned(pool, id).await?;
            Ok(id)
        }
        None => Err(AppError::InvalidCredentials),
    }
}

/// The throttle's name for an existing account.
pub fn throttle_key(user_id: Uuid) -> String {
    format!("id:{user_id}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    use crate::accounts::validate::{Email, Username};

    const RIGHT: &str = "plum-orbit-canyon-47";

    async fn account(pool: &PgPool, name: &str) -> Uuid {
        let hash = password::hash(RIGHT.into()).await.unwrap();
        let username = Username::parse(name).unwrap();
        let email = Email::parse(&format!("{name}@example.test")).unwrap();
        db::insert_user(
            pool,
            db::NewUser { username: &username, email: &email, password_hash: &hash, display_name: name },
        )
        .await
        .unwrap()
    }

    fn test_now() -> DateTime<Utc> {
        crate::clock::Clock::system().now()
    }

    /// The probe sent 15 wrong passwords at once and all 15 were checked:
    /// now the counter is taken under a row lock before any password is
    /// verified, so only the free five are, and the rest are told to wait.
    #[sqlx::test(migrations = "../migrations")]
    async fn parallel_wrong_passwords_are_counted_before_any_is_checked(pool: PgPool) {
        let victim = account(&pool, "victim").await;
        let limits = LoginLimits::default();
        let start = test_now();
        let attempts = (0..15).map(|i| {
            let pool = pool.clone();
            tokio::spawn(async move {
                authenticate(&pool, &limits, "victim", format!("wrong-guess-{i}"), "203.0.113.9", start).await
            })
        });
        let mut evaluated = 0;
        let mut refused = Vec::new();
        for attempt in attempts.collect::<Vec<_>>() {
            match attempt.await.unwrap() {
                Err(AppError::InvalidCredentials) => evaluated += 1,
                Err(e @ AppError::RateLimited { .. }) => refused.push(e),
                other => panic!("unexpected {other:?}"),
            }
        }
        assert_eq!(evaluated, 5, "only the free failures had their password checked");
        assert_eq!(refused.len(), 10);
        assert!(refused.iter().all(|e| e.to_string() == "You're doing that too fast. Try again in 15 seconds."));

        // Even the right password waits from the attacker's address…
        let from_attacker = authenticate(&pool, &limits, "victim", RIGHT.into(), "203.0.113.9", start).await;
        assert!(matches!(from_attacker, Err(AppError::RateLimited { .. })));
        // …but the owner, from their own address, is not locked out.
        assert_eq!(authenticate(&pool, &limits, "victim", RIGHT.into(), "198.51.100.7", start).await, Ok(victim));
        assert_eq!(
            authenticate(&pool, &limits, "VICTIM@example.test", RIGHT.into(), "198.51.100.7", start).await,
            Ok(victim),
            "by email too"
        );
        // Switching to the email from the attacker's address buys no fresh guesses.
        assert!(matches!(
            authenticate(&pool, &limits, "victim@example.test", "guess".into(), "203.0.113.9", start).await,
            Err(AppError::RateLimited { .. })
        ));

        // Once the backoff has passed, the attacker's address may try again:
        // one more wrong guess is checked and doubles the wait.
        let later = start + Duration::seconds(16);
        assert_eq!(
            authenticate(&pool, &limits, "victim", "wrong-again".into(), "203.0.113.9", later).await,
            Err(AppError::InvalidCredentials)
        );
        assert_eq!(
            authenticate(&pool, &limits, "victim", RIGHT.into(), "203.0.113.9", later).await,
            Err(AppError::RateLimited { retry_after_secs: 30 })
        );
        let after_wait = later + Duration::seconds(30);
        assert_eq!(authenticate(&pool, &limits, "victim", RIGHT.into(), "203.0.113.9", after_wait).await, Ok(victim));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_right_password_resets_its_pair_and_unknown_accounts_are_throttled_alike(pool: PgPool) {
        let id = account(&pool, "forgetful").await;
        let limits = LoginLimits::default();
        let t = test_now();
        for _ in 0..4 {
            assert_eq!(
                authenticate(&pool, &limits, "forgetful", "nope".into(), "10.0.0.1", t).await,
                Err(AppError::InvalidCredentials)
            );
        }
        assert_eq!(authenticate(&pool, &limits, "forgetful", RIGHT.into(), "10.0.0.1", t).await, Ok(id));
        // Four more mistakes are free again: the success started the pair afresh.
        for _ in 0..4 {
            assert_eq!(
                authenticate(&pool, &limits, "forgetful", "nope".into(), "10.0.0.1", t).await,
                Err(AppError::InvalidCredentials)
            );
        }
        // An account that doesn't exist answers and waits exactly the same.
        for _ in 0..5 {
            assert_eq!(
                authenticate(&pool, &limits, "ghost", "nope".into(), "10.0.0.2", t).await,
                Err(AppError::InvalidCredentials)
            );
        }
        assert!(matches!(
            authenticate(&pool, &limits, "ghost", "nope".into(), "10.0.0.2", t).await,
            Err(AppError::RateLimited { .. })
        ));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn one_address_spraying_many_accounts_is_throttled_by_itself(pool: PgPool) {
        let limits = LoginLimits { per_ip: 6, ..LoginLimits::default() };
        let t = test_now();
        for i in 0..6 {
            let name = format!("target{i}");
            assert_eq!(
                authenticate(&pool, &limits, &name, "nope".into(), "10.9.9.9", t).await,
                Err(AppError::InvalidCredentials)
            );
        }
        assert!(matches!(
            authenticate(&pool, &limits, "fresh_target", "nope".into(), "10.9.9.9", t).await,
            Err(AppError::RateLimited { .. })
        ));
        assert_eq!(
            authenticate(&pool, &limits, "fresh_target", "nope".into(), "10.1.1.1", t).await,
            Err(AppError::InvalidCredentials),
            "other addresses are not affected"
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn guessing_from_many_addresses_meets_the_account_ceiling(pool: PgPool) {
        account(&pool, "popular").await;
        let limits = LoginLimits { per_account_all_sources: 8, ..LoginLimits::default() };
        let t = test_now();
        for i in 0..8 {
            let source = format!("10.0.1.{i}");
            assert_eq!(
                authenticate(&pool, &limits, "popular", "nope".into(), &source, t).await,
                Err(AppError::InvalidCredentials)
            );
        }
        assert!(matches!(
            authenticate(&pool, &limits, "popular", RIGHT.into(), "10.0.2.1", t).await,
            Err(AppError::RateLimited { .. })
        ));
        assert!(authenticate(&pool, &limits, "popular", RIGHT.into(), "10.0.2.1", t + Duration::seconds(15))
            .await
            .is_ok());
    }
}

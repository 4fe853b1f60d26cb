//! The wallet's rows (`saved_addresses`, `saved_cards`, `card_setups`) and
//! the provider calls that go with them: saving a card attaches its token
//! to the shopper's customer at the provider, removing it detaches it.

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{SavedCard, SetupProblem, Wallet};
use crate::checkout::address::Address;
use crate::error::{AppError, AppResult};
use crate::payments::hosted::{plausible_token, RETURN_TTL_MINUTES, STARTS_PER_HOUR};
use crate::payments::provider::{PaymentProvider, ProviderError};

/// Cards one account may keep.
pub const MAX_CARDS: i64 = 10;

/// The shopper's customer id at the payment provider.
pub fn customer(user: Uuid) -> String {
    format!("cus_{}", user.simple())
}

struct CardRow {
    id: Uuid,
    brand: String,
    last4: String,
    exp_month: i16,
    exp_year: i16,
    is_default: bool,
}

impl From<CardRow> for SavedCard {
    fn from(r: CardRow) -> SavedCard {
        SavedCard {
            id: r.id,
            brand: r.brand,
            last4: r.last4,
            exp_month: r.exp_month as u8,
            exp_year: r.exp_year as u16,
            is_default: r.is_default,
        }
    }
}

pub async fn wallet(pool: &PgPool, user: Uuid) -> AppResult<Wallet> {
    let mut conn = pool.acquire().await?;
    let address = address(&mut conn, user).await?;
    let cards = sqlx::query_as!(
        CardRow,
        "SELECT id, brand, last4, exp_month, exp_year, is_default FROM saved_cards
         WHERE user_id = $1 ORDER BY is_default DESC, created_at",
        user
    )
    .fetch_all(&mut *conn)
    .await?;
    Ok(Wallet { address, cards: cards.into_iter().map(SavedCard::from).collect() })
}

async fn address(conn: &mut PgConnection, user: Uuid) -> AppResult<Option<Address>> {
    let raw = sqlx::query_scalar!("SELECT address::text AS \"a!\" FROM saved_addresses WHERE user_id = $1", user)
        .fetch_optional(conn)
        .await?;
    raw.map(|raw| {
        serde_json::from_str(&raw).map_err(|e| {
            tracing::error!(%user, error = %e, "unreadable saved address");
            AppError::Internal
        })
    })
    .transpose()
}

/// Saves (or replaces) the shopper's shipping address, already validated.
pub async fn save_address(pool: &PgPool, user: Uuid, address: &Address) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO saved_addresses (user_id, address) VALUES ($1, $2::text::jsonb)
         ON CONFLICT (user_id) DO UPDATE SET address = EXCLUDED.address, updated_at = app_now()",
        user,
        serde_json::to_string(address).map_err(|_| AppError::Internal)?
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Starts "Add a card": the setup's id goes to the hosted field as `state`.
pub async fn start_setup(pool: &PgPool, user: Uuid, now: DateTime<Utc>) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    // One shopper's setups queue here, so the hourly cap holds.
    sqlx::query!("SELECT id FROM users WHERE id = $1 FOR UPDATE", user).fetch_one(&mut *tx).await?;
    let recent = sqlx::query_scalar!(
        "SELECT count(*) AS \"n!\" FROM card_setups WHERE user_id = $1 AND created_at > $2",
        user,
        now - Duration::hours(1)
    )
    .fetch_one(&mut *tx)
    .await?;
    if recent >= STARTS_PER_HOUR {
        return Err(AppError::RateLimited { retry_after_secs: 3600 });
    }
    let id = Uuid::new_v4();
    sqlx::query!("INSERT INTO card_setups (id, user_id, created_at) VALUES ($1, $2, $3)", id, user, now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(id)
}

/// Finishes "Add a card" with the token the hosted field returned: only for
/// a setup this shopper started in the last half hour and has not used.
/// The first card saved becomes the default. A refusal the shopper can act
/// on is the inner `Err`.
pub async fn finish_setup(
    pool: &PgPool,
    provider: &dyn PaymentProvider,
    user: Uuid,
    setup: Uuid,
    token: &str,
    now: DateTime<Utc>,
) -> AppResult<Result<SavedCard, SetupProblem>> {
    if !plausible_token(token) {
        return Ok(Err(SetupProblem::Expired));
    }
    let mut tx = pool.begin().await?;
    sqlx::query!("SELECT id FROM users WHERE id = $1 FOR UPDATE", user).fetch_one(&mut *tx).await?;
    let used = sqlx::query!(
        "UPDATE card_setups SET used_at = $3
         WHERE id = $1 AND user_id = $2 AND used_at IS NULL AND created_at > $4",
        setup,
        user,
        now,
        now - Duration::minutes(RETURN_TTL_MINUTES)
    )
    .execute(&mut *tx)
    .await?;
    if used.rows_affected() != 1 {
        return Ok(Err(SetupProblem::Expired));
    }
    let saved = sqlx::query!("SELECT count(*) AS \"n!\", COALESCE(bool_or(token = $2), false) AS \"dup!\" FROM saved_cards WHERE user_id = $1",
        user,
        token
    )
    .fetch_one(&mut *tx)
    .await?;
    if saved.dup {
        return Ok(Err(SetupProblem::Duplicate));
    }
    if saved.n >= MAX_CARDS {
        return Ok(Err(SetupProblem::TooMany));
    }
    let details = match provider.attach(token, &customer(user)).await {
        Ok(details) => details,
        Err(ProviderError::Rejected(_)) => return Ok(Err(SetupProblem::Rejected)),
        Err(ProviderError::Transient(_)) => return Ok(Err(SetupProblem::Unavailable)),
    };
    // A token is unique across accounts; the provider already refused one
    // attached to another customer.
    let card = sqlx::query_as!(
        CardRow,
        "INSERT INTO saved_cards (id, user_id, provider, token, brand, last4, exp_month, exp_year, is_default)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8,
                 NOT EXISTS (SELECT 1 FROM saved_cards WHERE user_id = $2 AND is_default))
         RETURNING id, brand, last4, exp_month, exp_year, is_default",
        Uuid::new_v4(),
        user,
        provider.name(),
        token,
        details.brand.name(),
        details.last4,
        i16::from(details.exp_month),
        details.exp_year as i16,
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Ok(card.into()))
}

/// Removes a saved card (the provider forgets it too); when it was the
/// default, the most recently added other card becomes the default.
pub async fn remove_card(pool: &PgPool, provider: &dyn PaymentProvider, user: Uuid, card: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let row =
        sqlx::query!("DELETE FROM saved_cards WHERE id = $1 AND user_id = $2 RETURNING token, is_default", card, user)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::NotFound("Card".into()))?;
    if row.is_default {
        sqlx::query!(
            "UPDATE saved_cards SET is_default = true
             WHERE id = (SELECT id FROM saved_cards WHERE user_id = $1 ORDER BY created_at DESC LIMIT 1)",
            user
        )
        .execute(&mut *tx)
        .await?;
    }
    provider.detach(&row.token, &customer(user)).await.map_err(|_| {
        AppError::Unavailable("The payment provider could not be reached. Try again in a moment.".into())
    })?;
    tx.commit().await?;
    Ok(())
}

/// Makes one of the shopper's cards the one Buy now pays with.
pub async fn make_default(pool: &PgPool, user: Uuid, card: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let mine = sqlx::query_scalar!("SELECT id FROM saved_cards WHERE id = $1 AND user_id = $2 FOR UPDATE", card, user)
        .fetch_optional(&mut *tx)
        .await?;
    if mine.is_none() {
        return Err(AppError::NotFound("Card".into()));
    }
    sqlx::query!(
        "UPDATE saved_cards SET is_default = false WHERE user_id = $1 AND is_default AND id <> $2",
        user,
        card
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("UPDATE saved_cards SET is_default = true WHERE id = $1", card).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// What Buy now needs: the default card (with its token) and the address.
pub struct Ready {
    pub card: SavedCard,
    pub token: String,
    pub address: Address,
}

/// The shopper's Buy now details, if they have both a card and an address.
pub async fn ready(conn: &mut PgConnection, user: Uuid) -> AppResult<Option<Ready>> {
    let Some(address) = address(conn, user).await? else { return Ok(None) };
    let card = sqlx::query!(
        "SELECT id, token, brand, last4, exp_month, exp_year FROM saved_cards WHERE user_id = $1 AND is_default",
        user
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(card.map(|c| Ready {
        token: c.token,
        card: SavedCard {
            id: c.id,
            brand: c.brand,
            last4: c.last4,
            exp_month: c.exp_month as u8,
            exp_year: c.exp_year as u16,
            is_default: true,
        },
        address,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::payments::cards::CardInput;
    use crate::payments::test_provider::TestProvider;
    use crate::test_support::{address, admin, user};

    fn typed(number: &str) -> CardInput {
        CardInput { number: number.into(), exp_month: "12".into(), exp_year: "2034".into(), cvc: "123".into() }
    }

    async fn token(provider: &TestProvider, number: &str) -> String {
        provider.tokenize(&typed(number), 2026, 12).await.unwrap()
    }

    /// Adds a card to `shopper`'s wallet the way the browser does.
    async fn add(pool: &PgPool, provider: &TestProvider, shopper: Uuid, number: &str) -> SavedCard {
        let now = Clock::system().now();
        let setup = start_setup(pool, shopper, now).await.unwrap();
        let token = token(provider, number).await;
        finish_setup(pool, provider, shopper, setup, &token, now).await.unwrap().unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_first_card_is_the_default_and_the_wallet_shows_only_its_owners(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let (ada, bob) = (user(&pool, "ada").await, user(&pool, "bob").await);
        let visa = add(&pool, &provider, ada, "4242424242424242").await;
        let master = add(&pool, &provider, ada, "5555555555554444").await;
        assert!(visa.is_default && !master.is_default);
        save_address(&pool, ada, &address()).await.unwrap();
        let w = wallet(&pool, ada).await.unwrap();
        assert_eq!(w.cards.len(), 2);
        assert_eq!(w.default_card().map(SavedCard::summary).as_deref(), Some("Visa •••• 4242"));
        assert_eq!(w.address, Some(address()));
        assert_eq!(wallet(&pool, bob).await.unwrap(), Wallet { address: None, cards: vec![] });
        let stored: i64 =
            sqlx::query_scalar!("SELECT count(*) AS \"n!\" FROM saved_cards c WHERE c::text LIKE '%4242424242424242%'")
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(stored, 0, "no card number is stored");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_setup_works_once_for_the_shopper_who_started_it(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let (ada, mallory) = (user(&pool, "ada").await, user(&pool, "mallory").await);
        let now = Clock::system().now();
        let setup = start_setup(&pool, ada, now).await.unwrap();
        let ada_token = token(&provider, "4242424242424242").await;
        // Someone else returning with Ada's setup saves nothing.
        assert_eq!(
            finish_setup(&pool, &provider, mallory, setup, &ada_token, now).await.unwrap(),
            Err(SetupProblem::Expired)
        );
        finish_setup(&pool, &provider, ada, setup, &ada_token, now).await.unwrap().unwrap();
        assert_eq!(
            finish_setup(&pool, &provider, ada, setup, &ada_token, now).await.unwrap(),
            Err(SetupProblem::Expired),
            "a setup is used once"
        );
        // Mallory's own setup with Ada's token: the provider refuses it.
        let hers = start_setup(&pool, mallory, now).await.unwrap();
        assert_eq!(
            finish_setup(&pool, &provider, mallory, hers, &ada_token, now).await.unwrap(),
            Err(SetupProblem::Rejected)
        );
        let late = start_setup(&pool, ada, now).await.unwrap();
        let later = now + Duration::minutes(RETURN_TTL_MINUTES + 1);
        let fresh = token(&provider, "4242424242424242").await;
        assert_eq!(finish_setup(&pool, &provider, ada, late, &fresh, later).await.unwrap(), Err(SetupProblem::Expired));
        let again = start_setup(&pool, ada, now).await.unwrap();
        assert_eq!(
            finish_setup(&pool, &provider, ada, again, &ada_token, now).await.unwrap(),
            Err(SetupProblem::Duplicate)
        );
        assert_eq!(wallet(&pool, mallory).await.unwrap().cards, vec![]);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn starting_setups_is_limited_per_hour(pool: PgPool) {
        let ada = user(&pool, "ada").await;
        let now = Clock::system().now();
        for _ in 0..STARTS_PER_HOUR {
            start_setup(&pool, ada, now).await.unwrap();
        }
        assert_eq!(start_setup(&pool, ada, now).await.unwrap_err(), AppError::RateLimited { retry_after_secs: 3600 });
        start_setup(&pool, ada, now + Duration::minutes(61)).await.unwrap();
    }

    /// Removing and choosing the default, as the owner, a stranger and an
    /// admin (an admin has no business in anyone's wallet).
    #[sqlx::test(migrations = "../migrations")]
    async fn only_the_owner_changes_their_cards(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let ada = user(&pool, "ada").await;
        let stranger = user(&pool, "stranger").await;
        let boss = admin(&pool, "boss").await;
        let visa = add(&pool, &provider, ada, "4242424242424242").await;
        let master = add(&pool, &provider, ada, "5555555555554444").await;
        for other in [stranger, boss] {
            assert!(matches!(make_default(&pool, other, master.id).await, Err(AppError::NotFound(_))));
            assert!(matches!(remove_card(&pool, &provider, other, visa.id).await, Err(AppError::NotFound(_))));
        }
        assert_eq!(wallet(&pool, ada).await.unwrap().cards.len(), 2);
        make_default(&pool, ada, master.id).await.unwrap();
        assert_eq!(wallet(&pool, ada).await.unwrap().default_card().map(|c| c.id), Some(master.id));
        remove_card(&pool, &provider, ada, master.id).await.unwrap();
        let left = wallet(&pool, ada).await.unwrap();
        assert_eq!(left.cards.len(), 1);
        assert_eq!(left.default_card().map(|c| c.id), Some(visa.id), "the other card becomes the default");
        assert!(matches!(remove_card(&pool, &provider, ada, master.id).await, Err(AppError::NotFound(_))));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn buy_now_is_ready_with_a_default_card_and_an_address(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let ada = user(&pool, "ada").await;
        let mut conn = pool.acquire().await.unwrap();
        assert!(ready(&mut conn, ada).await.unwrap().is_none());
        add(&pool, &provider, ada, "4242424242424242").await;
        assert!(ready(&mut conn, ada).await.unwrap().is_none(), "no address yet");
        save_address(&pool, ada, &address()).await.unwrap();
        let r = ready(&mut conn, ada).await.unwrap().unwrap();
        assert!(r.token.starts_with("pm_"));
        assert_eq!(r.card.summary(), "Visa •••• 4242");
    }
}

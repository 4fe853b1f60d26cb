//! The payment sessions (`checkout_payment_sessions`): starting one for the
//! buyer's checkout and total, and finishing it, once, with the token the
//! provider's page returned.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{PaymentProblem, CARD_ENTERED_PATH};
use crate::cart::db::Owner;
use crate::checkout::db as checkout_db;
use crate::checkout::place::{self, confirm_total, Card, Placement, GUEST_MAX_ATTEMPTS};
use crate::checkout::Step;
use crate::error::{AppError, AppResult};
use crate::money::{Currency, Money};
use crate::payments::hosted::{plausible_token, RETURN_TTL_MINUTES, STARTS_PER_HOUR};
use crate::payments::provider::{PaymentPage, PaymentProvider, ProviderError};

/// The session's buyer columns: a signed-in user, or a guest's cart cookie
/// hash; exactly one is set.
fn buyer_columns(buyer: &Owner) -> (Option<Uuid>, Option<&[u8]>) {
    match buyer {
        Owner::User(user) => (Some(*user), None),
        Owner::Guest(hash) => (None, Some(hash.as_slice())),
    }
}

/// "Pay": opens a payment session for the buyer's `checkout` at the total
/// the button showed (`shown`, which must still be the checkout's total:
/// otherwise `TotalChanged` and nothing is opened) and the provider's
/// hosted page for it. Returns the page's address, to send the buyer to.
pub async fn start(
    pool: &PgPool,
    provider: &dyn PaymentProvider,
    checkout: Uuid,
    buyer: &Owner,
    shown: Money,
    now: DateTime<Utc>,
) -> AppResult<String> {
    let mut tx = pool.begin().await?;
    // The buyer's own checkout only; its lock queues their starts, so the
    // hourly cap holds.
    let row = checkout_db::lock(&mut tx, checkout, buyer).await?;
    row.step.ready_to_pay()?;
    // A plan's later instalments need a card that can be charged again:
    // it is paid with the saved card, never a one-time token.
    if crate::plans::checkout::chosen(&mut tx, checkout).await? {
        return Err(AppError::validation(
            crate::plans::checkout::FIELD,
            "You chose to pay by plan: pay with your saved card, or choose to pay in full.",
        ));
    }
    if row.user_id.is_none() && row.attempt > GUEST_MAX_ATTEMPTS {
        return Err(AppError::RateLimited { retry_after_secs: 600 });
    }
    let (user, guest) = buyer_columns(buyer);
    let recent = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM checkout_payment_sessions
           WHERE (user_id = $1 OR guest_hash = $2) AND created_at > $3"#,
        user,
        guest,
        now - chrono::Duration::hours(1)
    )
    .fetch_one(&mut *tx)
    .await?;
    if recent >= STARTS_PER_HOUR {
        return Err(AppError::RateLimited { retry_after_secs: 3600 });
    }
    let (priced, _, problems) = checkout_db::price(&mut tx, &row, now).await?;
    if let Some(problem) = problems.first() {
        return Err(AppError::SoldOut(format!("{problem} Review your cart before paying.")));
    }
    if priced.lines.is_empty() {
        return Err(AppError::NotFound("Nothing from this shop in your cart".into()));
    }
    let total = Money::new(priced.totals.total, row.currency);
    confirm_total(shown, total)?;
    let state = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO checkout_payment_sessions
             (state, checkout_id, user_id, guest_hash, amount_minor, currency, created_at, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        state,
        row.id,
        user,
        guest,
        total.minor,
        total.currency.code(),
        now,
        now + chrono::Duration::minutes(RETURN_TTL_MINUTES)
    )
    .execute(&mut *tx)
    .await?;
    let merchant = sqlx::query_scalar!("SELECT name FROM shops WHERE id = $1", row.shop_id).fetch_one(&mut *tx).await?;
    tx.commit().await?;
    let state = state.simple().to_string();
    let page = PaymentPage { amount: total, merchant: &merchant, return_to: CARD_ENTERED_PATH, state: &state };
    provider.open_payment_page(page).await.map_err(|e| match e {
        ProviderError::Transient(_) => {
            AppError::Unavailable("The payment provider could not be reached. Try again in a moment.".into())
        }
        ProviderError::Rejected(reason) => {
            tracing::error!(%checkout, %reason, "the provider refused to open a payment page");
            AppError::Internal
        }
    })
}

/// How a return from the provider's page ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finished {
    /// The order is placed: by this return (`fresh`), or already, by an
    /// earlier one (a reload or a second submit: nothing more was charged).
    Placed { order: Uuid, fresh: bool },
    /// No order: back to the shop's checkout, with what to tell the buyer
    /// and, for a changed total, the total the button showed.
    Refused { shop: String, problem: PaymentProblem, was: Option<i64> },
    /// Not a session of this buyer's: nothing of theirs to go back to.
    Unknown,
}

/// Finishes "Pay" with the token the provider's page returned: only for a
/// session this buyer started for a checkout still theirs, within its half
/// hour, once (it is marked used in the transaction that checks it, so a
/// second return never pays again). Places the order through
/// `place::place` at the session's total, with the card the provider says
/// the token is.
pub async fn finish(
    pool: &PgPool,
    provider: &dyn PaymentProvider,
    buyer: &Owner,
    state: Uuid,
    token: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> AppResult<Finished> {
    let (user, guest) = buyer_columns(buyer);
    let mut tx = pool.begin().await?;
    let session = sqlx::query!(
        r#"SELECT s.checkout_id, s.amount_minor, s.currency, s.expires_at, s.used_at, h.handle
           FROM checkout_payment_sessions s
           JOIN checkouts c ON c.id = s.checkout_id JOIN shops h ON h.id = c.shop_id
           WHERE s.state = $1 AND s.user_id IS NOT DISTINCT FROM $2 AND s.guest_hash IS NOT DISTINCT FROM $3
           FOR UPDATE OF s"#,
        state,
        user,
        guest
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(session) = session else { return Ok(Finished::Unknown) };
    let refused =
        |problem: PaymentProblem, was: Option<i64>| Finished::Refused { shop: session.handle.clone(), problem, was };
    // Still this buyer's checkout (a guest who has since logged in took
    // their cart, and this checkout, along).
    let row = match checkout_db::lock(&mut tx, session.checkout_id, buyer).await {
        Ok(row) => row,
        Err(AppError::NotFound(_)) => return Ok(Finished::Unknown),
        Err(e) => return Err(e),
    };
    if let (Step::Placed, Some(order)) = (row.step, row.order_id) {
        return Ok(Finished::Placed { order, fresh: false });
    }
    if session.used_at.is_some() || session.expires_at <= now {
        return Ok(refused(PaymentProblem::Expired, None));
    }
    sqlx::query!("UPDATE checkout_payment_sessions SET used_at = $2 WHERE state = $1", state, now)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;

    if !plausible_token(token) {
        return Ok(refused(PaymentProblem::Rejected, None));
    }
    let details = match provider.describe(token).await {
        Ok(details) => details,
        Err(ProviderError::Rejected(_)) => return Ok(refused(PaymentProblem::Rejected, None)),
        Err(ProviderError::Transient(_)) => return Ok(refused(PaymentProblem::Unavailable, None)),
    };
    let shown = Money::new(session.amount_minor, Currency::parse(&session.currency)?);
    let placement = Placement { checkout: row.id, buyer: buyer.clone(), card: Card::one_time(token, &details), shown };
    let problem = match place::place(pool, provider, placement, now, ttl).await {
        Ok(order) => return Ok(Finished::Placed { order, fresh: true }),
        Err(AppError::PaymentDeclined(_)) => PaymentProblem::Declined,
        Err(AppError::TotalChanged { shown, .. }) => {
            return Ok(refused(PaymentProblem::TotalChanged, Some(shown.minor)))
        }
        Err(AppError::SoldOut(_)) => PaymentProblem::SoldOut,
        Err(AppError::Unavailable(_)) => PaymentProblem::Unavailable,
        Err(AppError::RateLimited { .. }) => PaymentProblem::TooMany,
        Err(AppError::Validation { .. } | AppError::Conflict { .. }) => PaymentProblem::NotReady,
        Err(AppError::NotFound(_)) => return Ok(Finished::Unknown),
        Err(e) => return Err(e),
    };
    Ok(refused(problem, None))
}

/// The handle of the shop whose checkout this buyer's session pays, for
/// "Cancel" on the provider's page and for an error on the way back.
pub async fn shop_of(pool: &PgPool, buyer: &Owner, state: Uuid) -> AppResult<Option<String>> {
    let (user, guest) = buyer_columns(buyer);
    Ok(sqlx::query_scalar!(
        r#"SELECT h.handle FROM checkout_payment_sessions s
           JOIN checkouts c ON c.id = s.checkout_id JOIN shops h ON h.id = c.shop_id
           WHERE s.state = $1 AND s.user_id IS NOT DISTINCT FROM $2 AND s.guest_hash IS NOT DISTINCT FROM $3"#,
        state,
        user,
        guest
    )
    .fetch_optional(pool)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::payments::cards::CardInput;
    use crate::payments::test_provider::TestProvider;
    use crate::test_support::{admin, guest_checkout_ready, ready_checkout, stocked_variant, user, TTL, VISA};

    const DECLINED: &str = "4000000000000002";

    async fn count(pool: &PgPool, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap()
    }

    /// The total the checkout page shows `buyer`, as its "Pay" button posts it.
    async fn shown(pool: &PgPool, checkout: Uuid, buyer: &Owner, now: DateTime<Utc>) -> Money {
        let view = checkout_db::view(pool, checkout, buyer.clone(), now).await.unwrap();
        Money::new(view.priced.totals.total, view.currency)
    }

    /// What the browser does on the provider's page `page_url`: reads what
    /// the merchant opened it with and types `number` there. Returns the
    /// `state` and the token the page sends back.
    async fn enter_card(provider: &TestProvider, page_url: &str, number: &str, now: DateTime<Utc>) -> (Uuid, String) {
        let id = page_url.split_once("?page=").unwrap().1;
        let page = provider.payment_page(id, now).await.unwrap().unwrap();
        assert_eq!(page.return_to, CARD_ENTERED_PATH);
        let input =
            CardInput { number: number.into(), exp_month: "12".into(), exp_year: "2034".into(), cvc: "123".into() };
        let token = provider.tokenize(&input, 2026, 12).await.unwrap();
        (Uuid::parse_str(&page.state).unwrap(), token)
    }

    /// "Pay", then `number` on the provider's page: the `state` and token
    /// that come back.
    async fn pay(
        pool: &PgPool,
        provider: &TestProvider,
        checkout: Uuid,
        buyer: &Owner,
        number: &str,
        now: DateTime<Utc>,
    ) -> (Uuid, String) {
        let total = shown(pool, checkout, buyer, now).await;
        let page = start(pool, provider, checkout, buyer, total, now).await.unwrap();
        enter_card(provider, &page, number, now).await
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_hosted_page_pays_once_and_a_second_return_charges_nothing_more(pool: PgPool) {
        let (checkout, buyer, _) = ready_checkout(&pool, 5, 1).await;
        let buyer = Owner::User(buyer);
        let provider = TestProvider::new(pool.clone());
        let now = Clock::system().now();
        let total = shown(&pool, checkout, &buyer, now).await;
        let page = start(&pool, &provider, checkout, &buyer, total, now).await.unwrap();
        let opened = provider.payment_page(page.split_once("?page=").unwrap().1, now).await.unwrap().unwrap();
        assert_eq!(opened.amount, total, "the provider's page shows the total the button showed");
        assert_eq!(opened.merchant, "Test Shop", "the shop's name, as its page shows it");
        let (state, token) = enter_card(&provider, &page, VISA, now).await;

        let Finished::Placed { order, fresh: true } =
            finish(&pool, &provider, &buyer, state, &token, now, TTL).await.unwrap()
        else {
            panic!("expected an order");
        };
        assert_eq!(count(&pool, "SELECT count(*) FROM orders WHERE status = 'paid'").await, 1);
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 1);
        assert_eq!(count(&pool, "SELECT count(*) FROM test_provider_intents").await, 1);
        let paid = sqlx::query!("SELECT amount_minor, card_brand, card_last4 FROM payments WHERE order_id = $1", order)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(
            (paid.amount_minor, paid.card_brand.as_deref(), paid.card_last4.as_deref()),
            (total.minor, Some("Visa"), Some("4242"))
        );

        // A reload of the return address, or the double submit's second request.
        assert_eq!(
            finish(&pool, &provider, &buyer, state, &token, now, TTL).await.unwrap(),
            Finished::Placed { order, fresh: false }
        );
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 1, "charged once");
        assert_eq!(count(&pool, "SELECT count(*) FROM test_provider_intents").await, 1);
        let kept: i64 = sqlx::query_scalar!(
            r#"SELECT (SELECT count(*) FROM payments p WHERE p::text LIKE '%' || $1 || '%')
                    + (SELECT count(*) FROM checkout_payment_sessions s WHERE s::text LIKE '%' || $1 || '%')
                    + (SELECT count(*) FROM test_provider_payment_methods m WHERE m::text LIKE '%' || $1 || '%') AS "n!""#,
            VISA
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(kept, 0, "no card number is stored anywhere");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn concurrent_returns_with_one_state_charge_once(pool: PgPool) {
        let (checkout, buyer, _) = ready_checkout(&pool, 5, 1).await;
        let buyer = Owner::User(buyer);
        let provider = TestProvider::new(pool.clone());
        let now = Clock::system().now();
        let (state, token) = pay(&pool, &provider, checkout, &buyer, VISA, now).await;
        let (a, b) = tokio::join!(
            finish(&pool, &provider, &buyer, state, &token, now, TTL),
            finish(&pool, &provider, &buyer, state, &token, now, TTL),
        );
        let placed = [a.unwrap(), b.unwrap()].into_iter().filter(|f| matches!(f, Finished::Placed { fresh: true, .. }));
        assert_eq!(placed.count(), 1, "one return places the order; the other is told it was submitted");
        assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 1);
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 1);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_expired_session_pays_nothing_and_a_new_one_does(pool: PgPool) {
        let (checkout, buyer, _) = ready_checkout(&pool, 5, 1).await;
        let buyer = Owner::User(buyer);
        let provider = TestProvider::new(pool.clone());
        let now = Clock::system().now();
        let (state, token) = pay(&pool, &provider, checkout, &buyer, VISA, now).await;
        let late = now + chrono::Duration::minutes(RETURN_TTL_MINUTES + 1);
        assert_eq!(
            finish(&pool, &provider, &buyer, state, &token, late, TTL).await.unwrap(),
            Finished::Refused { shop: "maker_shop".into(), problem: PaymentProblem::Expired, was: None }
        );
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 0);
        let (state, token) = pay(&pool, &provider, checkout, &buyer, VISA, now).await;
        let finished = finish(&pool, &provider, &buyer, state, &token, now, TTL).await.unwrap();
        assert!(matches!(finished, Finished::Placed { fresh: true, .. }), "{finished:?}");
    }

    /// Who may finish a session: only the buyer who started it. A guest
    /// (another cart cookie), an unrelated user and an admin get `Unknown`
    /// (nothing charged, the session still the owner's to use); nobody but
    /// the owner can start one for the checkout either.
    #[sqlx::test(migrations = "../migrations")]
    async fn authorization_matrix_for_the_payment_session(pool: PgPool) {
        let (checkout, owner, _) = ready_checkout(&pool, 5, 1).await;
        let owner = Owner::User(owner);
        let stranger = Owner::User(user(&pool, "stranger").await);
        let boss = Owner::User(admin(&pool, "boss").await);
        let anonymous = Owner::Guest(vec![7; 32]);
        let provider = TestProvider::new(pool.clone());
        let now = Clock::system().now();
        let total = shown(&pool, checkout, &owner, now).await;
        let (state, token) = pay(&pool, &provider, checkout, &owner, VISA, now).await;
        for other in [&anonymous, &stranger, &boss] {
            assert_eq!(
                finish(&pool, &provider, other, state, &token, now, TTL).await.unwrap(),
                Finished::Unknown,
                "{other:?}"
            );
            assert_eq!(shop_of(&pool, other, state).await.unwrap(), None, "{other:?}");
            let started = start(&pool, &provider, checkout, other, total, now).await;
            assert!(matches!(started, Err(AppError::NotFound(_))), "{other:?}: {started:?}");
        }
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 0);
        assert_eq!(count(&pool, "SELECT count(*) FROM checkout_payment_sessions WHERE used_at IS NOT NULL").await, 0);
        assert_eq!(shop_of(&pool, &owner, state).await.unwrap().as_deref(), Some("maker_shop"));
        let finished = finish(&pool, &provider, &owner, state, &token, now, TTL).await.unwrap();
        assert!(matches!(finished, Finished::Placed { fresh: true, .. }), "{finished:?}");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_declined_card_leaves_the_checkout_payable(pool: PgPool) {
        let (checkout, buyer, _) = ready_checkout(&pool, 5, 1).await;
        let buyer = Owner::User(buyer);
        let provider = TestProvider::new(pool.clone());
        let now = Clock::system().now();
        let (state, token) = pay(&pool, &provider, checkout, &buyer, DECLINED, now).await;
        assert_eq!(
            finish(&pool, &provider, &buyer, state, &token, now, TTL).await.unwrap(),
            Finished::Refused { shop: "maker_shop".into(), problem: PaymentProblem::Declined, was: None }
        );
        let view = checkout_db::view(&pool, checkout, buyer.clone(), now).await.unwrap();
        assert_eq!(view.step, Step::Payment);
        assert_eq!(view.last_failure.as_deref(), Some("Your card was declined."));
        assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 0);
        assert_eq!(count(&pool, "SELECT stock_reserved::bigint FROM product_variants").await, 1, "still held");

        let (state, token) = pay(&pool, &provider, checkout, &buyer, VISA, now).await;
        let finished = finish(&pool, &provider, &buyer, state, &token, now, TTL).await.unwrap();
        assert!(matches!(finished, Finished::Placed { fresh: true, .. }), "{finished:?}");
        assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 1);
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 2, "one row per attempt");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_total_changed_on_the_way_charges_nothing(pool: PgPool) {
        let (checkout, buyer, variant) = ready_checkout(&pool, 5, 1).await;
        let buyer = Owner::User(buyer);
        let provider = TestProvider::new(pool.clone());
        let now = Clock::system().now();
        let was = shown(&pool, checkout, &buyer, now).await;
        let (state, token) = pay(&pool, &provider, checkout, &buyer, VISA, now).await;
        // The price goes up while the buyer is on the provider's page.
        sqlx::query!("UPDATE product_variants SET price_minor = price_minor + 100 WHERE id = $1", variant)
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(
            finish(&pool, &provider, &buyer, state, &token, now, TTL).await.unwrap(),
            Finished::Refused {
                shop: "maker_shop".into(),
                problem: PaymentProblem::TotalChanged,
                was: Some(was.minor)
            }
        );
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 0);
        assert_eq!(count(&pool, "SELECT count(*) FROM test_provider_intents").await, 0, "the provider was not asked");
        // The page still shows the old total: "Pay" refuses before the provider's page.
        let stale = start(&pool, &provider, checkout, &buyer, was, now).await.unwrap_err();
        let now_total = shown(&pool, checkout, &buyer, now).await;
        assert_eq!(stale, AppError::TotalChanged { shown: was, total: now_total });
        // Confirming the new total pays it.
        let (state, token) = pay(&pool, &provider, checkout, &buyer, VISA, now).await;
        let Finished::Placed { order, .. } = finish(&pool, &provider, &buyer, state, &token, now, TTL).await.unwrap()
        else {
            panic!("expected an order");
        };
        let charged = sqlx::query_scalar!("SELECT amount_minor FROM payments WHERE order_id = $1", order)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(charged, now_total.minor);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_token_saved_to_another_customer_is_refused(pool: PgPool) {
        let (checkout, buyer, _) = ready_checkout(&pool, 5, 1).await;
        let buyer = Owner::User(buyer);
        let provider = TestProvider::new(pool.clone());
        let now = Clock::system().now();
        let (state, _) = pay(&pool, &provider, checkout, &buyer, VISA, now).await;
        // Someone else's saved card, its token swapped into the return.
        let input =
            CardInput { number: VISA.into(), exp_month: "12".into(), exp_year: "2034".into(), cvc: "123".into() };
        let theirs = provider.tokenize(&input, 2026, 12).await.unwrap();
        provider.attach(&theirs, "cus_someone_else").await.unwrap();
        assert_eq!(
            finish(&pool, &provider, &buyer, state, &theirs, now, TTL).await.unwrap(),
            Finished::Refused { shop: "maker_shop".into(), problem: PaymentProblem::Rejected, was: None }
        );
        let (state, _) = pay(&pool, &provider, checkout, &buyer, VISA, now).await;
        assert_eq!(
            finish(&pool, &provider, &buyer, state, "pm_<script>", now, TTL).await.unwrap(),
            Finished::Refused { shop: "maker_shop".into(), problem: PaymentProblem::Rejected, was: None }
        );
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 0);
        assert_eq!(count(&pool, "SELECT count(*) FROM test_provider_intents").await, 0);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_guest_pays_through_the_hosted_page(pool: PgPool) {
        let maker = user(&pool, "maker").await;
        let variant = stocked_variant(&pool, maker, "maker_shop", 5).await;
        let now = Clock::system().now();
        let (guest, checkout) = guest_checkout_ready(&pool, 1, variant, "gina@example.test", now).await;
        let provider = TestProvider::new(pool.clone());
        let (state, token) = pay(&pool, &provider, checkout, &guest, VISA, now).await;
        let other_guest = Owner::Guest(vec![2; 32]);
        assert_eq!(finish(&pool, &provider, &other_guest, state, &token, now, TTL).await.unwrap(), Finished::Unknown);
        let Finished::Placed { order, fresh: true } =
            finish(&pool, &provider, &guest, state, &token, now, TTL).await.unwrap()
        else {
            panic!("expected an order");
        };
        let o = sqlx::query!("SELECT buyer_id, guest_email, status FROM orders WHERE id = $1", order)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(
            (o.buyer_id, o.guest_email.as_deref(), o.status.as_str()),
            (None, Some("gina@example.test"), "paid")
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn starting_payments_is_limited_per_hour(pool: PgPool) {
        let (checkout, buyer, _) = ready_checkout(&pool, 5, 1).await;
        let buyer = Owner::User(buyer);
        let provider = TestProvider::new(pool.clone());
        let now = Clock::system().now();
        let total = shown(&pool, checkout, &buyer, now).await;
        for _ in 0..STARTS_PER_HOUR {
            start(&pool, &provider, checkout, &buyer, total, now).await.unwrap();
        }
        assert_eq!(
            start(&pool, &provider, checkout, &buyer, total, now).await.unwrap_err(),
            AppError::RateLimited { retry_after_secs: 3600 }
        );
        let later = now + chrono::Duration::minutes(61);
        let total = shown(&pool, checkout, &buyer, later).await;
        start(&pool, &provider, checkout, &buyer, total, later).await.unwrap();
    }
}

//! Placing an order, safe against double clicks, retries, a second tab and a
//! crash at any point:
//! 1. `prepare` (one transaction, checkout row locked): price afresh, stop
//!    with `TotalChanged` (nothing charged, nothing written) unless the total
//!    is the one the buyer was shown and confirmed, renew the stock hold,
//!    and record a `pending` payment under the attempt's idempotency key
//!    with a snapshot of the priced order. A second click finds that same
//!    payment.
//! 2. Ask the provider to authorize with that key (it answers the same for
//!    the same key, so the second click never charges twice).
//! 3. `complete` (one transaction): build the order from the snapshot, sell
//!    the held stock, mark the payment authorized and the checkout placed.
//!    Idempotent: whoever comes second finds the order.
//! 4. Capture (documented rule: automatically, right after the order is
//!    placed); the order becomes paid. A failed capture is retried by the
//!    recovery job, which also finishes payments a crash left `pending` by
//!    asking the provider what happened under their key.

use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use super::address::Address;
use super::db::{self as checkout_db, CheckoutRow};
use super::pricing::Priced;
use super::Step;
use crate::cart::db::Owner;
use crate::error::{AppError, AppResult};
use crate::inventory::db::Hold;
use crate::money::Money;
use crate::orders::db::{self as orders_db, NewOrder};
use crate::orders::OrderStatus;
use crate::payments::cards::CardDetails;
use crate::payments::provider::{AuthStatus, Authorization, AuthorizeRequest, PaymentProvider, ProviderError, Source};

/// What a payment is for, fixed before the provider is asked.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Snapshot {
    pub email: String,
    pub address: Address,
    pub priced: Priced,
    /// The installment plan the order is paid by, if any: the payment is
    /// then for what is due now, and the order stores the schedule.
    #[serde(default)]
    pub plan: Option<crate::plans::checkout::PlanSnapshot>,
}

/// How many payment attempts a guest checkout gets (declines included)
/// before it must start again; a signed-in buyer's account bounds theirs.
pub const GUEST_MAX_ATTEMPTS: i32 = 5;

/// The payment to ask the provider about, or the order already placed.
enum Prepared {
    Placed(Uuid),
    Pay { payment: Uuid, key: String, amount: i64, currency: crate::money::Currency },
}

/// The card a buyer pays with, always by a token the provider issued: a
/// one-time token from its hosted payment page (the full checkout) or a
/// card saved with it (Buy now: its token and the buyer's customer id
/// there). `details` (brand, last four, expiry) are the provider's answer
/// for that token; Storefeed never sees the number.
#[derive(Clone, Copy)]
pub struct Card<'a> {
    pub source: Source<'a>,
    pub details: &'a CardDetails,
}

impl<'a> Card<'a> {
    /// A one-time token from the provider's hosted payment page.
    pub fn one_time(token: &'a str, details: &'a CardDetails) -> Card<'a> {
        Card { source: Source::Token { token }, details }
    }
}

/// What the buyer asked for when they pressed "Pay": their checkout, the
/// card, and the total the page showed them on that button.
#[derive(Clone)]
pub struct Placement<'a> {
    pub checkout: Uuid,
    /// Who pays: a signed-in user, or a guest by their cart cookie.
    pub buyer: Owner,
    pub card: Card<'a>,
    /// The total the buyer saw and agreed to pay; a different one is never
    /// charged (`AppError::TotalChanged`).
    pub shown: Money,
}

/// Places the checkout's order at `now` (the app's clock: it becomes the
/// order's `placed_at`), charging exactly the total the buyer was shown.
/// Returns the order id.
pub async fn place(
    pool: &PgPool,
    provider: &dyn PaymentProvider,
    placement: Placement<'_>,
    now: DateTime<Utc>,
    ttl: Duration,
) -> AppResult<Uuid> {
    let Placement { checkout, buyer, card, shown } = placement;
    let (payment, key, amount, currency) = match prepare(pool, checkout, &buyer, card.details, shown, now, ttl).await? {
        Prepared::Placed(order) => return Ok(order),
        Prepared::Pay { payment, key, amount, currency } => (payment, key, amount, currency),
    };
    let request = AuthorizeRequest { idempotency_key: &key, amount_minor: amount, currency, source: card.source };
    match authorize_with_retry(provider, request).await {
        Ok(auth) => settle(pool, provider, payment, &auth, now).await,
        Err(ProviderError::Transient(e)) => {
            tracing::warn!(%payment, error = %e, "authorization outcome unknown; the recovery job will settle it");
            Err(AppError::Unavailable(
                "We couldn't confirm your payment yet. Try again in a moment: you won't be charged twice.".into(),
            ))
        }
        Err(ProviderError::Rejected(e)) => {
            fail(pool, payment, Failure::Declined("rejected"), &e).await?;
            Err(AppError::PaymentDeclined("The payment was refused. Please use another card.".into()))
        }
    }
}

/// Acts on the provider's answer: an order placed at `now` for an
/// authorization, the decline's message otherwise.
async fn settle(
    pool: &PgPool,
    provider: &dyn PaymentProvider,
    payment: Uuid,
    auth: &Authorization,
    now: DateTime<Utc>,
) -> AppResult<Uuid> {
    match &auth.status {
        AuthStatus::Authorized => {
            let order = match complete(pool, payment, auth, now).await {
                Ok(order) => order,
                Err(AppError::SoldOut(message)) => {
                    // The hold was lost (it can't be while the payment is
                    // pending, but never keep money for goods we lack).
                    if let Err(e) = provider.void(&auth.reference).await {
                        tracing::error!(%payment, error = ?e, "voiding an authorization without stock failed");
                    }
                    fail(pool, payment, Failure::Voided, &message).await?;
                    return Err(AppError::SoldOut(message));
                }
                Err(other) => return Err(other),
            };
            capture(pool, provider, order).await?;
            Ok(order)
        }
        AuthStatus::Declined { code, message } => {
            fail(pool, payment, Failure::Declined(code), message).await?;
            Err(AppError::PaymentDeclined(message.clone()))
        }
    }
}

async fn authorize_with_retry(
    provider: &dyn PaymentProvider,
    request: AuthorizeRequest<'_>,
) -> Result<Authorization, ProviderError> {
    let mut delay = Duration::from_millis(50);
    let mut tries = 0;
    loop {
        let req = AuthorizeRequest { ..request };
        match provider.authorize(req).await {
            Err(ProviderError::Transient(_)) if tries < 2 => {
                tries += 1;
                tokio::time::sleep(delay).await;
                delay *= 4;
            }
            other => return other,
        }
    }
}

/// Places the order as a buyer who has just looked at the checkout page and
/// pays the total it shows, typing `number` on the provider's hosted page:
/// what most database tests mean by "pay".
#[cfg(test)]
pub async fn place_order(
    pool: &PgPool,
    provider: &crate::payments::test_provider::TestProvider,
    checkout: Uuid,
    buyer: impl Into<Owner>,
    number: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> AppResult<Uuid> {
    let buyer = buyer.into();
    let shown = shown_total(pool, checkout, buyer.clone(), now).await?;
    let (token, details) = crate::test_support::one_time_card(provider, number).await;
    let card = Card::one_time(&token, &details);
    place(pool, provider, Placement { checkout, buyer, card, shown }, now, ttl).await
}

/// The total the checkout page shows `user` at `now`.
#[cfg(test)]
pub async fn shown_total(
    pool: &PgPool,
    checkout: Uuid,
    buyer: impl Into<Owner>,
    now: DateTime<Utc>,
) -> AppResult<Money> {
    let view = checkout_db::view(pool, checkout, buyer, now).await?;
    Ok(Money::new(view.priced.totals.total, view.currency))
}

/// The total to charge must be the one the buyer confirmed; otherwise
/// nothing is charged and they are shown the new one.
pub(crate) fn confirm_total(shown: Money, total: Money) -> AppResult<()> {
    if shown == total {
        Ok(())
    } else {
        Err(AppError::TotalChanged { shown, total })
    }
}

async fn prepare(
    pool: &PgPool,
    checkout: Uuid,
    buyer: &Owner,
    card: &CardDetails,
    shown: Money,
    now: DateTime<Utc>,
    ttl: Duration,
) -> AppResult<Prepared> {
    let mut tx = pool.begin().await?;
    let row = checkout_db::lock(&mut tx, checkout, buyer).await?;
    if row.step == Step::Placed {
        return row.order_id.map(Prepared::Placed).ok_or(AppError::Internal);
    }
    row.step.ready_to_pay()?;
    // Nobody answers for a guest's declined cards: stop card testing here
    // (each decline opens the next attempt).
    if row.user_id.is_none() && row.attempt > GUEST_MAX_ATTEMPTS {
        return Err(AppError::RateLimited { retry_after_secs: 600 });
    }
    let key = row.idempotency_key();
    let existing = sqlx::query!("SELECT id, status, amount_minor FROM payments WHERE idempotency_key = $1", key)
        .fetch_optional(&mut *tx)
        .await?;
    if let Some(p) = existing {
        // A double click or retry of this attempt: same payment, same key,
        // same amount, which must still be the one this click confirmed.
        confirm_total(shown, Money::new(p.amount_minor, row.currency))?;
        tx.commit().await?;
        return Ok(Prepared::Pay { payment: p.id, key, amount: p.amount_minor, currency: row.currency });
    }
    crate::promotions::db::lock_limited(&mut tx, row.shop_id, &row.promo_codes).await?;
    let (priced, _, problems) = checkout_db::price(&mut tx, &row, now).await?;
    if let Some(problem) = problems.first() {
        return Err(AppError::SoldOut(format!("{problem} Review your cart before paying.")));
    }
    if priced.lines.is_empty() {
        return Err(AppError::NotFound("Nothing from this shop in your cart".into()));
    }
    if priced.shipping.is_none() {
        return Err(AppError::validation("shipping_option", "Choose a shipping option first."));
    }
    // Paid by plan: what is due now is charged (`plans::checkout`).
    let plan = crate::plans::checkout::for_payment(&mut tx, &row, &priced).await?;
    let amount = plan.as_ref().map_or(priced.totals.total, |p| p.due_now);
    // Compared inside the transaction that records the payment, with the
    // limited promotions locked: what is checked is what gets charged.
    confirm_total(shown, Money::new(amount, row.currency))?;
    checkout_db::sync_hold(&mut tx, &row, now, ttl).await?;
    let address = row.address.clone().ok_or_else(|| AppError::validation("ship_name", "Enter your address first."))?;
    let snapshot = Snapshot { email: row.email.clone(), address, priced, plan };
    let payment = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO payments (id, checkout_id, idempotency_key, provider, amount_minor, currency, card_brand, card_last4, snapshot)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::text::jsonb)",
        payment,
        row.id,
        key,
        "test",
        amount,
        row.currency.code(),
        card.brand.name(),
        card.last4,
        serde_json::to_string(&snapshot).map_err(|_| AppError::Internal)?
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(Prepared::Pay { payment, key, amount, currency: row.currency })
}

/// Builds the order for an authorized payment, once, placed at `placed_at`.
async fn complete(pool: &PgPool, payment: Uuid, auth: &Authorization, placed_at: DateTime<Utc>) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let p = sqlx::query!(
        "SELECT checkout_id, order_id, snapshot::text AS \"snapshot!\" FROM payments WHERE id = $1 FOR UPDATE",
        payment
    )
    .fetch_one(&mut *tx)
    .await?;
    if let Some(order) = p.order_id {
        return Ok(order);
    }
    // The payment was prepared by the checkout's owner; whoever completes it
    // (that request, or the recovery job) builds the order for them.
    let (row, _): (CheckoutRow, _) = checkout_db::lock_any(&mut tx, p.checkout_id).await?;
    if let (Step::Placed, Some(order)) = (row.step, row.order_id) {
        return Ok(order);
    }
    let snapshot: Snapshot = serde_json::from_str(&p.snapshot).map_err(|e| {
        tracing::error!(%payment, error = %e, "unreadable payment snapshot");
        AppError::Internal
    })?;
    let order = Uuid::new_v4();
    let mut holds: Vec<Hold> = Vec::new();
    for l in &snapshot.priced.lines {
        match holds.iter_mut().find(|h| h.variant_id == l.input.variant_id) {
            Some(h) => h.quantity += l.input.quantity,
            None => holds.push(Hold { variant_id: l.input.variant_id, quantity: l.input.quantity }),
        }
    }
    crate::inventory::db::sell(&mut tx, row.id, order, &holds).await?;
    orders_db::insert(
        &mut tx,
        &NewOrder {
            id: order,
            shop_id: row.shop_id,
            buyer_id: row.user_id,
            guest_email: row.user_id.is_none().then_some(snapshot.email.as_str()),
            checkout_id: row.id,
            email: &snapshot.email,
            address: &snapshot.address,
            priced: &snapshot.priced,
            placed_at,
        },
    )
    .await?;
    if let Some(plan) = &snapshot.plan {
        crate::plans::checkout::record(&mut tx, order, row.currency, plan, placed_at).await?;
    }
    sqlx::query!(
        "UPDATE payments SET status = 'authorized', provider_ref = $2, order_id = $3 WHERE id = $1",
        payment,
        auth.reference,
        order
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE checkouts SET step = 'placed', order_id = $2, reserved_until = NULL WHERE id = $1",
        row.id,
        order
    )
    .execute(&mut *tx)
    .await?;
    let bought: Vec<Uuid> = snapshot.priced.lines.iter().map(|l| l.input.cart_line_id).collect();
    sqlx::query!("DELETE FROM cart_lines WHERE cart_id = $1 AND id = ANY($2)", row.cart_id, &bought)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(order)
}

/// Why a payment attempt ended without an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Failure<'a> {
    /// The bank or provider said no; `code` is theirs (`card_declined`…).
    Declined(&'a str),
    /// Authorized, but the stock was gone, so the authorization was voided.
    Voided,
    /// The provider never saw it (a crash before the request went out).
    Interrupted,
}

impl Failure<'_> {
    /// The payment's status and its failure code.
    fn recorded(self) -> (&'static str, String) {
        match self {
            Failure::Declined(code) => ("declined", code.to_string()),
            Failure::Voided => ("voided", "voided".into()),
            Failure::Interrupted => ("failed", "interrupted".into()),
        }
    }
}

/// Records a failed attempt and opens the next one (a new idempotency key),
/// keeping the cart and the stock hold.
async fn fail(pool: &PgPool, payment: Uuid, failure: Failure<'_>, message: &str) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let (status, code) = failure.recorded();
    let checkout = sqlx::query_scalar!(
        "UPDATE payments SET status = $2, failure_code = $3, failure_message = $4
         WHERE id = $1 AND status = 'pending' RETURNING checkout_id",
        payment,
        status,
        code,
        message
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(checkout) = checkout {
        sqlx::query!("UPDATE checkouts SET attempt = attempt + 1 WHERE id = $1 AND step <> 'placed'", checkout)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Captures an authorized order's payment and marks the order paid. A
/// provider failure leaves it pending for the recovery job.
pub async fn capture(pool: &PgPool, provider: &dyn PaymentProvider, order: Uuid) -> AppResult<()> {
    let p = sqlx::query!(
        "SELECT id, provider_ref, amount_minor FROM payments WHERE order_id = $1 AND status = 'authorized'",
        order
    )
    .fetch_optional(pool)
    .await?;
    let Some(p) = p else { return Ok(()) };
    let reference = p.provider_ref.ok_or(AppError::Internal)?;
    if let Err(e) = provider.capture(&reference, p.amount_minor).await {
        tracing::warn!(%order, error = ?e, "capture failed; will retry");
        return Ok(());
    }
    let mut tx = pool.begin().await?;
    let done = sqlx::query!(
        "UPDATE payments SET status = 'captured', captured_minor = amount_minor WHERE id = $1 AND status = 'authorized'",
        p.id
    )
    .execute(&mut *tx)
    .await?;
    if done.rows_affected() == 1 {
        let locked = orders_db::lock(&mut tx, order).await?;
        if locked.status == OrderStatus::Pending {
            orders_db::transition(&mut tx, &locked, OrderStatus::Paid, None, "Payment captured").await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Settles what a crash or an unanswered provider left behind: pending
/// payments older than `grace` are looked up by their key (an order placed
/// at `now` is built for an authorization; a decline or a payment the
/// provider never saw ends the attempt), and authorized orders are captured.
/// Group seats' payments are left to `groups` (captured when their group
/// fills, voided when it expires: `groups::db::expire_due`). Returns how many
/// payments and orders it settled.
pub async fn recover(
    pool: &PgPool,
    provider: &dyn PaymentProvider,
    now: DateTime<Utc>,
    grace: Duration,
) -> AppResult<u64> {
    let cutoff = now - chrono::Duration::from_std(grace).unwrap_or_else(|_| chrono::Duration::minutes(1));
    let pending = sqlx::query!(
        "SELECT id, idempotency_key FROM payments WHERE status = 'pending' AND created_at <= $1
           AND NOT EXISTS (SELECT 1 FROM group_members g WHERE g.payment_id = payments.id)
         ORDER BY created_at LIMIT 500",
        cutoff
    )
    .fetch_all(pool)
    .await?;
    let mut settled = 0;
    for p in pending {
        match provider.lookup(&p.idempotency_key).await {
            Ok(Some(auth)) => match settle(pool, provider, p.id, &auth, now).await {
                Ok(_) | Err(AppError::PaymentDeclined(_)) | Err(AppError::SoldOut(_)) => settled += 1,
                Err(e) => tracing::error!(payment = %p.id, error = %e, "settling a pending payment failed"),
            },
            Ok(None) => {
                fail(
                    pool,
                    p.id,
                    Failure::Interrupted,
                    "The payment was interrupted before it reached the bank. You were not charged.",
                )
                .await?;
                settled += 1;
            }
            Err(e) => tracing::warn!(payment = %p.id, error = ?e, "provider lookup failed; retrying later"),
        }
    }
    let uncaptured = sqlx::query_scalar!(
        "SELECT order_id AS \"order_id!\" FROM payments WHERE status = 'authorized' AND order_id IS NOT NULL AND updated_at <= $1
           AND NOT EXISTS (SELECT 1 FROM group_members g WHERE g.payment_id = payments.id) LIMIT 500",
        cutoff
    )
    .fetch_all(pool)
    .await?;
    for order in uncaptured {
        capture(pool, provider, order).await?;
        settled += 1;
    }
    Ok(settled)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::payments::test_provider::TestProvider;

    use crate::test_support::{checkout_ready, one_time_card, ready_checkout, stocked_variant, user, TTL, VISA};

    async fn count(pool: &PgPool, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_double_submit_makes_one_order_and_one_charge(pool: PgPool) {
        let (checkout, buyer, _) = ready_checkout(&pool, 5, 2).await;
        let provider = TestProvider::new(pool.clone());
        let now = crate::clock::Clock::system().now();
        let (a, b) = tokio::join!(
            place_order(&pool, &provider, checkout, buyer, VISA, now, TTL),
            place_order(&pool, &provider, checkout, buyer, VISA, now, TTL),
        );
        let (a, b) = (a.unwrap(), b.unwrap());
        assert_eq!(a, b, "both clicks land on the same order");
        assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 1);
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 1);
        assert_eq!(count(&pool, "SELECT count(*) FROM test_provider_intents").await, 1);
        let status = sqlx::query_scalar!("SELECT status FROM orders WHERE id = $1", a).fetch_one(&pool).await.unwrap();
        assert_eq!(status, "paid");
        let stock = || async {
            let r = sqlx::query!("SELECT stock_on_hand, stock_reserved FROM product_variants").fetch_one(&pool).await;
            let r = r.unwrap();
            (r.stock_on_hand, r.stock_reserved)
        };
        assert_eq!(stock().await, (5, 2), "sold, still counted as held until settled");
        assert!(crate::inventory::db::reconcile(&pool).await.unwrap().is_empty());
        assert_eq!(crate::inventory::db::settle_sold(&pool).await.unwrap(), 1);
        assert_eq!(stock().await, (3, 0));
        assert!(crate::inventory::db::reconcile(&pool).await.unwrap().is_empty());
        let attribution = sqlx::query_scalar!("SELECT attribution FROM order_lines WHERE order_id = $1", a)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(attribution.as_deref(), Some("ctx-1"), "the cart line's context reaches the order line");
        let events: Vec<String> =
            sqlx::query_scalar!("SELECT kind FROM outbox_events WHERE aggregate_id = $1 ORDER BY id", a)
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(events, vec!["order.placed", "order.paid"]);
        assert_eq!(count(&pool, "SELECT count(*) FROM cart_lines").await, 0, "bought lines leave the cart");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_declined_card_keeps_cart_and_hold_and_the_next_card_pays(pool: PgPool) {
        let (checkout, buyer, _) = ready_checkout(&pool, 5, 1).await;
        let provider = TestProvider::new(pool.clone());
        let now = crate::clock::Clock::system().now();
        let err = place_order(&pool, &provider, checkout, buyer, "4000000000000002", now, TTL).await.unwrap_err();
        assert!(matches!(err, AppError::PaymentDeclined(_)), "{err:?}");
        assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 0);
        assert_eq!(count(&pool, "SELECT count(*) FROM cart_lines").await, 1);
        assert_eq!(count(&pool, "SELECT stock_reserved::bigint FROM product_variants").await, 1, "still held");
        let view = checkout_db::view(&pool, checkout, buyer, now).await.unwrap();
        assert_eq!(view.last_failure.as_deref(), Some(err.to_string().as_str()));

        place_order(&pool, &provider, checkout, buyer, VISA, now, TTL).await.unwrap();
        assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 1);
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 2, "one row per attempt");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_crash_after_authorization_is_settled_by_recovery(pool: PgPool) {
        let (checkout, buyer, _) = ready_checkout(&pool, 5, 1).await;
        let provider = TestProvider::new(pool.clone());
        let now = crate::clock::Clock::system().now();
        // The server dies right after the provider said yes: no order yet.
        let (token, details) = one_time_card(&provider, VISA).await;
        let Prepared::Pay { key, amount, currency, .. } = prepare(
            &pool,
            checkout,
            &Owner::User(buyer),
            &details,
            shown_total(&pool, checkout, buyer, now).await.unwrap(),
            now,
            TTL,
        )
        .await
        .unwrap() else {
            panic!("expected a payment to make");
        };
        let req = AuthorizeRequest {
            idempotency_key: &key,
            amount_minor: amount,
            currency,
            source: Source::Token { token: &token },
        };
        provider.authorize(req).await.unwrap();
        assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 0);

        // Expired holds of checkouts with a payment in flight are kept.
        crate::inventory::db::expire_due(&pool, now + chrono::Duration::hours(1)).await.unwrap();
        assert_eq!(recover(&pool, &provider, now + chrono::Duration::hours(1), Duration::ZERO).await.unwrap(), 1);
        assert_eq!(count(&pool, "SELECT count(*) FROM orders WHERE status = 'paid'").await, 1);
        assert_eq!(count(&pool, "SELECT count(*) FROM payments WHERE status = 'captured'").await, 1);
        assert!(crate::inventory::db::reconcile(&pool).await.unwrap().is_empty());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_payment_the_provider_never_saw_ends_the_attempt(pool: PgPool) {
        let (checkout, buyer, _) = ready_checkout(&pool, 5, 1).await;
        let provider = TestProvider::new(pool.clone());
        let now = crate::clock::Clock::system().now();
        let (_, details) = one_time_card(&provider, VISA).await;
        let Prepared::Pay { .. } = prepare(
            &pool,
            checkout,
            &Owner::User(buyer),
            &details,
            shown_total(&pool, checkout, buyer, now).await.unwrap(),
            now,
            TTL,
        )
        .await
        .unwrap() else {
            panic!("expected a payment to make");
        };
        assert_eq!(recover(&pool, &provider, crate::clock::Clock::system().now(), Duration::ZERO).await.unwrap(), 1);
        assert_eq!(count(&pool, "SELECT count(*) FROM payments WHERE status = 'failed'").await, 1);
        // With the attempt over, the hold can expire like any other.
        assert_eq!(crate::inventory::db::expire_due(&pool, now + chrono::Duration::hours(1)).await.unwrap(), 1);
        assert_eq!(count(&pool, "SELECT stock_reserved::bigint FROM product_variants").await, 0);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_last_unit_held_by_my_checkout_is_still_mine_to_buy(pool: PgPool) {
        let (checkout, buyer, _) = ready_checkout(&pool, 1, 1).await;
        let view = checkout_db::view(&pool, checkout, buyer, crate::clock::Clock::system().now()).await.unwrap();
        assert!(view.problems.is_empty(), "{:?}", view.problems);
        assert_eq!(view.priced.lines.len(), 1);
        let mut conn = pool.acquire().await.unwrap();
        let cart = crate::cart::db::find(&mut conn, &Owner::User(buyer)).await.unwrap().unwrap();
        assert!(crate::cart::db::view(&mut conn, cart).await.unwrap().shops[0].ready());
    }

    /// A shop (`maker_shop`, one $25 variant with 10 in stock) whose code
    /// `ONCE` takes 10% off and may be used once in all; returns the variant.
    async fn shop_with_one_use_code(pool: &PgPool) -> Uuid {
        let owner = user(pool, "maker").await;
        let variant = stocked_variant(pool, owner, "maker_shop", 10).await;
        let shop = crate::shops::db::owned_by(pool, "maker_shop", owner).await.unwrap();
        let form = crate::promotions::PromotionForm {
            shop: "maker_shop".into(),
            title: "Once only".into(),
            code: "ONCE".into(),
            kind: "percent_order".into(),
            value: "10".into(),
            usage_limit: "1".into(),
            ..Default::default()
        };
        let rule = form.to_rule(shop.currency, crate::clock::Clock::system().now()).unwrap();
        crate::promotions::db::save(pool, shop.id, owner, None, &rule).await.unwrap();
        variant
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn buyers_racing_for_a_one_use_code_are_never_charged_a_total_they_were_not_shown(pool: PgPool) {
        let variant = shop_with_one_use_code(&pool).await;
        let now = crate::clock::Clock::system().now();
        let mut buyers = Vec::new();
        for name in ["ada", "bob", "cyd"] {
            let buyer = user(&pool, name).await;
            let checkout = checkout_ready(&pool, buyer, variant, 1, now).await;
            checkout_db::add_code(&pool, checkout, buyer, "ONCE", now).await.unwrap();
            buyers.push((buyer, checkout));
        }
        // Each sees the discounted total and presses "Pay" at once.
        let mut shown = Vec::new();
        for &(buyer, checkout) in &buyers {
            shown.push(shown_total(&pool, checkout, buyer, now).await.unwrap());
        }
        assert!(shown.iter().all(|s| *s == shown[0]));
        let provider = TestProvider::new(pool.clone());
        let mut cards = Vec::new();
        for _ in &buyers {
            cards.push(one_time_card(&provider, VISA).await);
        }
        let pay = |i: usize| {
            let (buyer, checkout) = buyers[i];
            let card = Card::one_time(&cards[i].0, &cards[i].1);
            place(&pool, &provider, Placement { checkout, buyer: Owner::User(buyer), card, shown: shown[i] }, now, TTL)
        };
        let results = {
            let (a, b, c) = tokio::join!(pay(0), pay(1), pay(2));
            [a, b, c]
        };

        let winner = results.iter().position(Result::is_ok).expect("one buyer gets the code");
        let mut new_totals = Vec::new();
        for (i, result) in results.iter().enumerate().filter(|(i, _)| *i != winner) {
            let Err(AppError::TotalChanged { shown: was, total }) = result else {
                panic!("buyer {i} should be told the total changed, got {result:?}");
            };
            assert_eq!(*was, shown[i]);
            assert!(total.minor > was.minor, "without the code the total is higher: {total:?}");
            let (buyer, checkout) = buyers[i];
            let view = checkout_db::view(&pool, checkout, buyer, now).await.unwrap();
            assert_eq!(view.priced.totals.total, total.minor, "the page shows the total the error names");
            assert_eq!(view.priced.rejected.len(), 1, "and why: the code ran out");
            new_totals.push((i, *total));
        }
        assert_eq!(new_totals.len(), 2);
        assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 1);
        assert_eq!(count(&pool, "SELECT count(*) FROM orders WHERE discount_minor = 250").await, 1);
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 1, "the others were never charged");
        assert_eq!(count(&pool, "SELECT count(*) FROM test_provider_intents").await, 1, "nor asked to authorize");
        assert_eq!(count(&pool, "SELECT count(*) FROM promotion_redemptions").await, 1);
        for &(i, _) in &new_totals {
            let held = sqlx::query_scalar!(
                "SELECT coalesce(sum(quantity), 0)::bigint AS \"n!\" FROM stock_reservations WHERE checkout_id = $1 AND status = 'active'",
                buyers[i].1
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            assert_eq!(held, 1, "buyer {i} still holds their unit");
        }

        // Each confirms the new total and pays exactly that.
        for (i, total) in new_totals {
            let (buyer, checkout) = buyers[i];
            let (token, details) = one_time_card(&provider, VISA).await;
            let card = Card::one_time(&token, &details);
            let order = place(
                &pool,
                &provider,
                Placement { checkout, buyer: Owner::User(buyer), card, shown: total },
                now,
                TTL,
            )
            .await
            .unwrap();
            let o = sqlx::query!("SELECT total_minor, discount_minor FROM orders WHERE id = $1", order)
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!((o.total_minor, o.discount_minor), (total.minor, 0));
            let charged = sqlx::query_scalar!("SELECT amount_minor FROM payments WHERE order_id = $1", order)
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(charged, total.minor);
        }
        assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 3);
        assert_eq!(count(&pool, "SELECT count(*) FROM promotion_redemptions").await, 1);
        assert!(crate::inventory::db::reconcile(&pool).await.unwrap().is_empty());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_total_in_another_currency_or_amount_is_refused_before_any_charge(pool: PgPool) {
        let (checkout, buyer, _) = ready_checkout(&pool, 5, 1).await;
        let provider = TestProvider::new(pool.clone());
        let (token, details) = one_time_card(&provider, VISA).await;
        let card = Card::one_time(&token, &details);
        let now = crate::clock::Clock::system().now();
        let total = shown_total(&pool, checkout, buyer, now).await.unwrap();
        for shown in [Money::new(total.minor - 1, total.currency), Money::new(total.minor, crate::money::Currency::EUR)]
        {
            let err = place(&pool, &provider, Placement { checkout, buyer: Owner::User(buyer), card, shown }, now, TTL)
                .await
                .unwrap_err();
            assert_eq!(err, AppError::TotalChanged { shown, total });
        }
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 0);
        place(&pool, &provider, Placement { checkout, buyer: Owner::User(buyer), card, shown: total }, now, TTL)
            .await
            .unwrap();
        assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 1);
    }
}

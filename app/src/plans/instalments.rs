//! The instalments of orders paid by plan after checkout: the job charges
//! each on its due date to the card saved with the order's plan, through
//! the payment provider (authorize, then capture). A decline marks it
//! failed (the buyer is then not in good standing, `eligibility`); a
//! failed instalment is tried again a day later, at most `MAX_ATTEMPTS`
//! times in all. A provider that doesn't answer changes nothing: the next
//! run asks again under the same idempotency key, so nothing is charged
//! twice. An order cancelled or refunded in full takes its unpaid
//! instalments with it (`cancel_remaining`), so none is charged after.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::amortization;
use super::{Frequency, Instalment, InstalmentStatus, OrderPlan, PlanQuote, PlanTerms};
use crate::error::{AppError, AppResult};
use crate::money::{Currency, Money};
use crate::payments::provider::{AuthStatus, AuthorizeRequest, PaymentProvider, ProviderError, Source};

/// Tries per instalment before it stays failed for the shop to follow up.
pub const MAX_ATTEMPTS: i32 = 3;
/// Instalments charged per run at most (the rest wait for the next run).
const BATCH: i64 = 200;

/// An instalment of order (the aggregate) was declined: `seq`, `failure`.
pub const INSTALMENT_FAILED: &str = "order.instalment_failed";
/// An instalment of order (the aggregate) comes due within `REMIND_DAYS`:
/// `seq`, `amount_minor`, `currency`, `due_on`.
pub const INSTALMENT_DUE: &str = "order.instalment_due";
/// How many days ahead a buyer is reminded of an instalment.
pub const REMIND_DAYS: i32 = 3;

/// Announces, once each, the instalments still to be charged that fall due
/// within `REMIND_DAYS` of `now`, so the buyer can make sure the card
/// works. Returns how many.
pub async fn remind_due(pool: &PgPool, now: DateTime<Utc>) -> AppResult<usize> {
    let mut tx = pool.begin().await?;
    let due = sqlx::query!(
        r#"UPDATE order_instalments SET reminded_at = $1
           WHERE (order_id, seq) IN (
               SELECT order_id, seq FROM order_instalments
               WHERE status = 'scheduled' AND reminded_at IS NULL AND seq > 0
                 AND due_on BETWEEN $2::date AND $2::date + $3::int
               ORDER BY due_on LIMIT $4
               FOR UPDATE SKIP LOCKED)
           RETURNING order_id, seq, amount_minor, currency, due_on"#,
        now,
        now.date_naive(),
        REMIND_DAYS,
        BATCH
    )
    .fetch_all(&mut *tx)
    .await?;
    for i in &due {
        let payload = serde_json::json!({
            "seq": i.seq, "amount_minor": i.amount_minor, "currency": i.currency, "due_on": i.due_on,
        });
        crate::outbox::publish(&mut tx, "order", i.order_id, INSTALMENT_DUE, payload).await?;
    }
    tx.commit().await?;
    Ok(due.len())
}

/// What one run did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub paid: usize,
    pub failed: usize,
}

/// Charges every instalment due by `now` (the app's clock) and not paid.
pub async fn charge_due(pool: &PgPool, provider: &dyn PaymentProvider, now: DateTime<Utc>) -> AppResult<Run> {
    let due = sqlx::query!(
        r#"SELECT i.order_id, i.seq, i.amount_minor, i.currency, i.attempts, p.card_token, p.customer
           FROM order_instalments i JOIN order_plans p ON p.order_id = i.order_id
           WHERE i.due_on <= $1 AND i.seq > 0
             AND (i.status = 'scheduled' OR (i.status = 'failed' AND i.attempts < $2 AND i.retry_at <= $3))
           ORDER BY i.due_on, i.order_id, i.seq LIMIT $4"#,
        now.date_naive(),
        MAX_ATTEMPTS,
        now,
        BATCH
    )
    .fetch_all(pool)
    .await?;
    let mut run = Run::default();
    for i in due {
        let key = format!("instalment_{}_{}_{}", i.order_id.simple(), i.seq, i.attempts + 1);
        let outcome = match (i.amount_minor, i.card_token.as_deref(), i.customer.as_deref()) {
            (0, _, _) => Charge::Paid(None),
            (_, Some(token), Some(customer)) => {
                charge(provider, &key, i.amount_minor, Currency::parse(&i.currency)?, token, customer).await
            }
            _ => Charge::Refused("No saved card to charge.".into()),
        };
        match outcome {
            Charge::Paid(reference) => {
                sqlx::query!(
                    "UPDATE order_instalments SET status = 'paid', paid_at = $3, provider_ref = $4, failure = NULL, retry_at = NULL
                     WHERE order_id = $1 AND seq = $2 AND status <> 'paid'",
                    i.order_id,
                    i.seq,
                    now,
                    reference
                )
                .execute(pool)
                .await?;
                run.paid += 1;
            }
            Charge::Refused(message) => {
                let message: String = message.chars().take(500).collect();
                let mut tx = pool.begin().await?;
                let failed = sqlx::query!(
                    "UPDATE order_instalments SET status = 'failed', attempts = attempts + 1, failure = $3, retry_at = $4
                     WHERE order_id = $1 AND seq = $2 AND status <> 'paid'",
                    i.order_id,
                    i.seq,
                    message,
                    now + chrono::Duration::days(1)
                )
                .execute(&mut *tx)
                .await?
                .rows_affected();
                if failed == 1 {
                    let payload = serde_json::json!({ "seq": i.seq, "failure": message });
                    crate::outbox::publish(&mut tx, "order", i.order_id, INSTALMENT_FAILED, payload).await?;
                }
                tx.commit().await?;
                run.failed += 1;
            }
            Charge::Unknown => {}
        }
    }
    Ok(run)
}

/// Cancels every instalment of `order` not yet paid (scheduled, or failed
/// and waiting for a retry), in the caller's transaction: the order was
/// cancelled or refunded in full, so nothing more is owed. Paid ones stay
/// as they were. Returns how many were cancelled (none for an order paid
/// in full, which has no instalments).
pub async fn cancel_remaining(tx: &mut PgConnection, order: Uuid) -> AppResult<u64> {
    let cancelled = sqlx::query!(
        "UPDATE order_instalments SET status = 'cancelled', retry_at = NULL
         WHERE order_id = $1 AND status IN ('scheduled', 'failed')",
        order
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    Ok(cancelled)
}

/// How charging one instalment ended.
enum Charge {
    /// Captured (the provider's reference; none for a zero amount).
    Paid(Option<String>),
    /// Declined or refused; the reason, for the buyer.
    Refused(String),
    /// The provider didn't answer: asked again next run, same key.
    Unknown,
}

/// Authorizes and captures one instalment.
async fn charge(
    provider: &dyn PaymentProvider,
    key: &str,
    amount_minor: i64,
    currency: Currency,
    token: &str,
    customer: &str,
) -> Charge {
    let request =
        AuthorizeRequest { idempotency_key: key, amount_minor, currency, source: Source::Saved { token, customer } };
    let auth = match provider.authorize(request).await {
        Ok(auth) => auth,
        Err(ProviderError::Transient(e)) => {
            tracing::warn!(%key, error = %e, "instalment authorization outcome unknown; retried next run");
            return Charge::Unknown;
        }
        Err(ProviderError::Rejected(e)) => return Charge::Refused(e),
    };
    match auth.status {
        AuthStatus::Declined { message, .. } => Charge::Refused(message),
        AuthStatus::Authorized => match provider.capture(&auth.reference, amount_minor).await {
            Ok(()) => Charge::Paid(Some(auth.reference)),
            Err(ProviderError::Transient(e)) => {
                tracing::warn!(%key, error = %e, "instalment capture outcome unknown; retried next run");
                Charge::Unknown
            }
            Err(ProviderError::Rejected(e)) => Charge::Refused(e),
        },
    }
}

/// An order's plan and instalments, for its page; `None` when the order
/// was paid in full. The caller has checked the order is the viewer's.
pub async fn order_plan(pool: &PgPool, order: Uuid) -> AppResult<Option<OrderPlan>> {
    let Some(p) = sqlx::query!(
        "SELECT op.plan_id, op.payments, op.frequency, op.apr_bp, op.down_payment_bp, op.fee_minor,
                o.total_minor, o.currency, pl.product_id
         FROM order_plans op JOIN orders o ON o.id = op.order_id JOIN installment_plans pl ON pl.id = op.plan_id
         WHERE op.order_id = $1",
        order
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let bad = |_| AppError::Internal;
    let terms = PlanTerms {
        payments: u8::try_from(p.payments).map_err(bad)?,
        frequency: Frequency::parse(&p.frequency)?,
        apr_bp: u16::try_from(p.apr_bp).map_err(bad)?,
        down_payment_bp: u16::try_from(p.down_payment_bp).map_err(bad)?,
        fee_minor: p.fee_minor,
    };
    let currency = Currency::parse(&p.currency)?;
    let schedule = amortization::schedule(p.total_minor, &terms).ok_or(AppError::Internal)?;
    let rows = sqlx::query!(
        "SELECT seq, due_on, amount_minor, status FROM order_instalments WHERE order_id = $1 ORDER BY seq",
        order
    )
    .fetch_all(pool)
    .await?;
    let instalments = rows
        .into_iter()
        .map(|r| {
            Ok(Instalment {
                seq: r.seq,
                due_on: r.due_on,
                amount: Money::new(r.amount_minor, currency),
                status: InstalmentStatus::parse(&r.status)?,
            })
        })
        .collect::<AppResult<Vec<_>>>()?;
    let quote = PlanQuote {
        plan_id: p.plan_id,
        product_id: p.product_id,
        terms,
        price: Money::new(p.total_minor, currency),
        schedule,
        currency,
        verdict: super::eligibility::Verdict::PreQualified,
    };
    Ok(Some(OrderPlan { quote, instalments }))
}

//! The money an order has taken, charge by charge: the checkout's payment
//! and, for an order paid by plan, every instalment captured since (each
//! its own charge at the provider, with its own reference). Refunds and
//! cancellations give money back across them, in that order, each through
//! its own reference.
//!
//! Each refund's idempotency key names the order, the charge and how much
//! of that charge was refunded before: a refund retried after the provider
//! answered for some charges but not others (the transaction rolled back)
//! asks again under the same keys, so no charge is refunded twice.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::payments::provider::{PaymentProvider, ProviderError};

/// Where a charge is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Source {
    /// The checkout's payment row.
    Payment(Uuid),
    /// A plan instalment after the first (`order_instalments.seq`).
    Instalment(i16),
}

/// One captured charge and what of it can still be refunded.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Charge {
    source: Source,
    reference: String,
    refunded: i64,
    left: i64,
}

/// The order's charges with money left on them, locked until the caller's
/// transaction ends.
#[derive(Debug, Default)]
pub struct Collected {
    charges: Vec<Charge>,
}

impl Collected {
    /// Locks and reads what `order` has captured and not refunded: its
    /// payment once captured, then its paid instalments by due order.
    pub async fn load(tx: &mut PgConnection, order: Uuid) -> AppResult<Self> {
        let mut charges = Vec::new();
        let payment = sqlx::query!(
            "SELECT id, provider_ref, captured_minor, refunded_minor FROM payments
             WHERE order_id = $1 AND status IN ('captured', 'partially_refunded', 'refunded') FOR UPDATE",
            order
        )
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(p) = payment {
            charges.push(Charge {
                source: Source::Payment(p.id),
                reference: p.provider_ref.ok_or(AppError::Internal)?,
                refunded: p.refunded_minor,
                left: p.captured_minor - p.refunded_minor,
            });
        }
        let instalments = sqlx::query!(
            r#"SELECT seq, provider_ref AS "provider_ref!", amount_minor, refunded_minor FROM order_instalments
               WHERE order_id = $1 AND seq > 0 AND status = 'paid' AND provider_ref IS NOT NULL
               ORDER BY seq FOR UPDATE"#,
            order
        )
        .fetch_all(&mut *tx)
        .await?;
        charges.extend(instalments.into_iter().map(|i| Charge {
            source: Source::Instalment(i.seq),
            reference: i.provider_ref,
            refunded: i.refunded_minor,
            left: i.amount_minor - i.refunded_minor,
        }));
        charges.retain(|c| c.left > 0);
        Ok(Self { charges })
    }

    /// What can still be given back.
    pub fn left(&self) -> i64 {
        self.charges.iter().map(|c| c.left).sum()
    }

    /// Gives `amount` back (at most `left()`): from the earliest charge
    /// first, each part refunded at the provider and recorded on its row.
    pub async fn refund(
        &self,
        tx: &mut PgConnection,
        provider: &dyn PaymentProvider,
        order: Uuid,
        amount: i64,
    ) -> AppResult<()> {
        if amount > self.left() {
            return Err(AppError::conflict("reason", "There is nothing left to refund on that."));
        }
        for (charge, part) in split(&self.charges, amount) {
            let key = match charge.source {
                Source::Payment(_) => format!("refund_{}_payment_{}", order.simple(), charge.refunded),
                Source::Instalment(seq) => format!("refund_{}_instalment{seq}_{}", order.simple(), charge.refunded),
            };
            provider.refund(&charge.reference, part, &key).await.map_err(provider_failed)?;
            match charge.source {
                Source::Payment(id) => {
                    sqlx::query!(
                        "UPDATE payments SET refunded_minor = refunded_minor + $2,
                             status = CASE WHEN refunded_minor + $2 >= captured_minor THEN 'refunded'
                                           ELSE 'partially_refunded' END
                         WHERE id = $1",
                        id,
                        part
                    )
                    .execute(&mut *tx)
                    .await?;
                }
                Source::Instalment(seq) => {
                    sqlx::query!(
                        "UPDATE order_instalments SET refunded_minor = refunded_minor + $3 WHERE order_id = $1 AND seq = $2",
                        order,
                        seq,
                        part
                    )
                    .execute(&mut *tx)
                    .await?;
                }
            }
        }
        Ok(())
    }
}

/// The parts of `amount` each charge gives back, earliest charge first.
fn split(charges: &[Charge], mut amount: i64) -> Vec<(&Charge, i64)> {
    let mut parts = Vec::new();
    for charge in charges {
        if amount <= 0 {
            break;
        }
        let part = amount.min(charge.left);
        if part > 0 {
            parts.push((charge, part));
            amount -= part;
        }
    }
    parts
}

pub(super) fn provider_failed(e: ProviderError) -> AppError {
    tracing::warn!(error = ?e, "payment provider refused or failed");
    AppError::Unavailable("The payment provider didn't confirm that. Nothing changed; please try again.".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charge(source: Source, left: i64) -> Charge {
        Charge { source, reference: "ref".into(), refunded: 0, left }
    }

    #[test]
    fn a_refund_takes_the_earliest_charges_first_and_never_more_than_each_holds() {
        let charges = [
            charge(Source::Payment(Uuid::nil()), 500),
            charge(Source::Instalment(1), 300),
            charge(Source::Instalment(2), 300),
        ];
        let parts: Vec<(Source, i64)> = split(&charges, 650).into_iter().map(|(c, p)| (c.source, p)).collect();
        assert_eq!(parts, [(Source::Payment(Uuid::nil()), 500), (Source::Instalment(1), 150)]);
        let all: i64 = split(&charges, 1100).iter().map(|p| p.1).sum();
        assert_eq!(all, 1100);
        assert!(split(&charges, 0).is_empty());
    }
}

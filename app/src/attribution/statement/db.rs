//! The creator's commission statement from the commissions ledger, and its CSV.

use sqlx::PgPool;
use uuid::Uuid;

use super::{CommissionStatus, Statement, StatementLine};
use crate::attribution::crediting::db::touch_paths;
use crate::attribution::dashboards::csv::csv_field;
use crate::attribution::dashboards::Period;
use crate::attribution::rates::rules::rate_text;
use crate::error::{AppError, AppResult};
use crate::money::{Currency, Money};

/// The creator's commissions on the period's sales, with each line's path.
pub async fn statement(pool: &PgPool, creator: Uuid, p: &Period) -> AppResult<Statement> {
    let rows = sqlx::query!(
        r#"SELECT c.order_line_id, c.purchased_at, c.credit_minor, c.rate_bp, c.amount_minor, c.currency, c.status,
                  c.payable_after, s.name AS shop_name, s.handle AS shop_handle,
                  l.title || CASE WHEN l.variant_title IN ('', 'Default') THEN '' ELSE ' · ' || l.variant_title END
                      AS "product!"
           FROM commissions c JOIN shops s ON s.id = c.shop_id JOIN order_lines l ON l.id = c.order_line_id
           WHERE c.creator_id = $1 AND c.purchased_at >= $2 AND c.purchased_at < $3
           ORDER BY c.purchased_at, c.order_line_id"#,
        creator,
        p.start,
        p.end
    )
    .fetch_all(pool)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.order_line_id).collect();
    let mut paths = touch_paths(pool, &ids).await?;
    let mut lines = Vec::with_capacity(rows.len());
    for r in rows {
        let currency = Currency::parse(&r.currency)?;
        lines.push(StatementLine {
            order_line_id: r.order_line_id,
            purchased_at: r.purchased_at,
            shop_name: r.shop_name,
            shop_handle: r.shop_handle,
            product: r.product,
            credit: Money::new(r.credit_minor, currency),
            rate_bp: r.rate_bp,
            commission: Money::new(r.amount_minor, currency),
            status: CommissionStatus::parse(&r.status).ok_or(AppError::Internal)?,
            payable_after: r.payable_after,
            touches: paths.remove(&r.order_line_id).unwrap_or_default(),
        });
    }
    let total = |status: CommissionStatus| {
        let mut out: Vec<Money> = Vec::new();
        for l in lines.iter().filter(|l| l.status == status) {
            match out.iter_mut().find(|m| m.currency == l.commission.currency) {
                Some(m) => m.minor += l.commission.minor,
                None => out.push(l.commission),
            }
        }
        out
    };
    Ok(Statement {
        month: p.label(),
        pending: total(CommissionStatus::Pending),
        payable: total(CommissionStatus::Payable),
        reversed_lines: lines.iter().filter(|l| l.status == CommissionStatus::Reversed).count() as i64,
        lines,
    })
}

/// The statement as CSV, one row per line.
pub fn statement_csv(s: &Statement) -> String {
    let mut out = String::from(
        "purchased_at,order_line_id,shop,product,credited,rate_percent,commission,currency,status,payable_after\n",
    );
    for l in &s.lines {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            l.purchased_at.to_rfc3339(),
            l.order_line_id,
            csv_field(&l.shop_name),
            csv_field(&l.product),
            l.credit.amount_string(),
            rate_text(l.rate_bp),
            l.commission.amount_string(),
            l.commission.currency.code(),
            l.status.as_str(),
            l.payable_after.map(|at| at.to_rfc3339()).unwrap_or_default()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::crediting::db::tests::{key, order_after_one_tap};
    use crate::attribution::crediting::db::{after_delivery, attribute_order, release_payable};
    use crate::attribution::crediting::rules::RETURN_WINDOW;
    use crate::payments::test_provider::TestProvider;
    use crate::test_support::user;

    #[sqlx::test(migrations = "../migrations")]
    async fn the_statement_lists_the_creators_own_payable_line_with_its_path(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let (order, x, now) = order_after_one_tap(&pool, &provider).await;
        attribute_order(&pool, &key(), order).await.unwrap();
        let mut tx = pool.begin().await.unwrap();
        after_delivery(&mut tx, order, now).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(release_payable(&pool, now + RETURN_WINDOW).await.unwrap(), 1);

        // The creator's statement lists the line, payable, with its path.
        let month = Period::parse(None, now).unwrap();
        let statement = statement(&pool, x, &month).await.unwrap();
        assert_eq!(statement.lines.len(), 1);
        let line = &statement.lines[0];
        assert_eq!((line.credit.minor, line.rate_bp, line.commission.minor), (5000, 1000, 500));
        assert_eq!(line.status, CommissionStatus::Payable);
        assert_eq!(line.touches.len(), 1);
        assert_eq!(statement.payable.iter().map(|m| m.minor).sum::<i64>(), 500);
        assert!(statement.pending.is_empty());
        let csv = statement_csv(&statement);
        assert!(csv.lines().nth(1).is_some_and(|row| row.contains(",10,5.00,USD,payable,")), "{csv}");
        let other = user(&pool, "someone_else").await;
        let theirs = super::statement(&pool, other, &month).await.unwrap();
        assert!(theirs.lines.is_empty(), "a creator sees only their own commissions");
    }
}

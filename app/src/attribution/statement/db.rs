//! The creator's commission statement from the commissions ledger, and its CSV.

use sqlx::PgPool;
use uuid::Uuid;

use super::{CommissionStatus, Statement, StatementLine};
use crate::attribution::crediting::db::touch_paths;
use crate::attribution::dashboards::csv::csv_field;
use crate::attribution::dashboards::Period;
use crate::attribution::rates::rules::rate_text;
use crate::error::{AppError, AppResult};
use crate::money::{Currency, CurrencyTotals, Money};

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
    let total = |status: CommissionStatus| lines.iter().filter(|l| l.status == status).map(|l| l.commission).collect();
    Ok(Statement {
        month: p.label(),
        pending: total(CommissionStatus::Pending),
        payable: total(CommissionStatus::Payable),
        reversed_lines: lines.iter().filter(|l| l.status == CommissionStatus::Reversed).count() as i64,
        lines,
    })
}

/// The statement as CSV, one row per line, then one total per currency
/// (amounts in different currencies are never added).
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
    let credited: CurrencyTotals = s.lines.iter().map(|l| l.credit).collect();
    out.push_str("\ntotal,currency,credited,commission_pending,commission_payable\n");
    for c in credited.currencies() {
        out.push_str(&format!(
            "total,{},{},{},{}\n",
            c.code(),
            credited.get(c).amount_string(),
            s.pending.get(c).amount_string(),
            s.payable.get(c).amount_string()
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
        assert_eq!(statement.payable.get(crate::money::Currency::USD).minor, 500);
        assert!(statement.pending.is_empty());
        let csv = statement_csv(&statement);
        assert!(csv.lines().nth(1).is_some_and(|row| row.contains(",10,5.00,USD,payable,")), "{csv}");
        assert!(
            csv.ends_with(
                "\ntotal,currency,credited,commission_pending,commission_payable\ntotal,USD,50.00,0.00,5.00\n"
            ),
            "{csv}"
        );
        let other = user(&pool, "someone_else").await;
        let theirs = super::statement(&pool, other, &month).await.unwrap();
        assert!(theirs.lines.is_empty(), "a creator sees only their own commissions");
    }

    #[sqlx::test(migrations = "../migrations")]
    #[expect(
        clippy::inconsistent_digit_grouping,
        reason = "minor units are written major_minor, so 18_200_00 reads as 18,200.00"
    )]
    async fn a_creator_paid_in_shillings_and_naira_sees_two_totals_never_one_sum(pool: PgPool) {
        use crate::attribution::crediting::db::tests::{buy_and_attribute, post, token_on_cart_lines};
        use crate::attribution::dashboards::csv::creator_csv;
        use crate::attribution::dashboards::db::creator;
        use crate::attribution::tracking::Surface;
        use crate::test_support::{checkout_ready, in_currency, stocked_variant};

        // One post shows a product of a KES shop and one of an NGN shop; a
        // buyer comes through it to each and buys.
        let x = user(&pool, "creator_x").await;
        let buyer = user(&pool, "buyer").await;
        let the_post = post(&pool, x).await;
        let now = crate::clock::Clock::system().now();
        let shops = [("kes_shop", Currency::KES, 18_200_00), ("ngn_shop", Currency::NGN, 18_000_00)];
        for (position, (handle, currency, price)) in shops.into_iter().enumerate() {
            let owner = user(&pool, &format!("{handle}_owner")).await;
            let variant = stocked_variant(&pool, owner, handle, 5).await;
            in_currency(&pool, variant, currency, price).await;
            sqlx::query(
                "INSERT INTO post_links (post_id, position, kind, product_id)
                 SELECT $1, $2, 'product', product_id FROM product_variants WHERE id = $3",
            )
            .bind(the_post)
            .bind(position as i16)
            .bind(variant)
            .execute(&pool)
            .await
            .unwrap();
            let checkout = checkout_ready(&pool, buyer, variant, 1, now).await;
            token_on_cart_lines(&pool, the_post, vec![x], Surface::ProductCard, now).await;
            buy_and_attribute(&pool, checkout, buyer, now).await;
        }
        let kes = |minor: i64| Money::new(minor, Currency::KES);
        let ngn = |minor: i64| Money::new(minor, Currency::NGN);
        let listed = |totals: &CurrencyTotals| totals.iter().collect::<Vec<_>>();
        let month = Period::parse(None, now).unwrap();

        // The dashboard: two figures in every card and in the post's row.
        let d = creator(&pool, x, &month).await.unwrap();
        assert_eq!(listed(&d.revenue), vec![kes(18_200_00), ngn(18_000_00)]);
        assert_eq!(d.revenue.display(), "KSh 18,200.00 · ₦18,000.00", "not KSh 36,200.00");
        assert_eq!(listed(&d.commission_pending), vec![kes(1_820_00), ngn(1_800_00)]);
        let row = d.posts.iter().find(|p| p.post_id == the_post).expect("the post's row");
        assert_eq!(row.purchases, 2);
        assert_eq!(listed(&row.revenue), vec![kes(18_200_00), ngn(18_000_00)], "the post's revenue per currency");
        assert_eq!(row.commission.as_ref().map(listed), Some(vec![kes(1_820_00), ngn(1_800_00)]));
        let charts: Vec<(Currency, i64)> =
            d.daily.iter().map(|s| (s.currency, s.days.iter().map(|day| day.amount_minor).sum())).collect();
        assert_eq!(charts, vec![(Currency::KES, 18_200_00), (Currency::NGN, 18_000_00)], "one chart per currency");

        // Its CSV: a row per currency, each with its currency, and a total per currency.
        let csv = creator_csv(&d);
        assert!(csv.contains(",2,0,18200.00,1820.00,KES\n") && csv.contains(",2,0,18000.00,1800.00,NGN\n"), "{csv}");
        assert!(
            csv.ends_with(
                "\ntotal,currency,revenue,commission\ntotal,KES,18200.00,1820.00\ntotal,NGN,18000.00,1800.00\n"
            ),
            "{csv}"
        );
        assert!(!csv.contains("36200"), "{csv}");

        // The statement and its CSV.
        let s = statement(&pool, x, &month).await.unwrap();
        assert_eq!(s.lines.len(), 2);
        assert_eq!(listed(&s.pending), vec![kes(1_820_00), ngn(1_800_00)]);
        assert!(s.payable.is_empty());
        let csv = statement_csv(&s);
        assert!(
            csv.ends_with(
                "\ntotal,currency,credited,commission_pending,commission_payable\n\
                 total,KES,18200.00,1820.00,0.00\ntotal,NGN,18000.00,1800.00,0.00\n"
            ),
            "{csv}"
        );
    }
}

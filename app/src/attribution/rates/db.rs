//! Commission rates in PostgreSQL: the rate a sale earns, setting the
//! shop's default and special rates (with notice for cuts), and the list the
//! shop's owner sees.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::rules::{effective_from, DEFAULT_RATE_BP};
use super::SpecialRate;
use crate::accounts::validate::Username;
use crate::error::{AppError, AppResult};

/// What a rate covers: a product, a creator, both, or neither (the default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Scope {
    pub product: Option<Uuid>,
    pub creator: Option<Uuid>,
}

/// The rate in effect at `at` for `scope`: the most specific rate that
/// covers it (creator and product, creator, product, the shop's default),
/// else [`DEFAULT_RATE_BP`]. With `product: None` only rates for every
/// product count, and likewise for creators.
pub async fn rate(
    db: &mut PgConnection,
    shop: Uuid,
    product: Option<Uuid>,
    creator: Option<Uuid>,
    at: DateTime<Utc>,
) -> AppResult<i32> {
    let rate = sqlx::query_scalar!(
        "SELECT rate_bp FROM commission_rates
         WHERE shop_id = $1 AND (product_id IS NULL OR product_id = $2) AND (creator_id IS NULL OR creator_id = $3)
           AND effective_from <= $4
         ORDER BY (creator_id IS NOT NULL) DESC, (product_id IS NOT NULL) DESC, effective_from DESC, created_at DESC
         LIMIT 1",
        shop,
        product,
        creator,
        at
    )
    .fetch_optional(&mut *db)
    .await?;
    Ok(rate.unwrap_or(DEFAULT_RATE_BP))
}

/// The shop's default rate in effect at `at`.
pub async fn current_default_rate(pool: &PgPool, shop: Uuid, at: DateTime<Utc>) -> AppResult<i32> {
    let mut conn = pool.acquire().await?;
    rate(&mut conn, shop, None, None, at).await
}

/// Checks the special-rate form's product (an id of the shop's, or empty
/// for any) and creator (a username, or empty for any); one must be given.
pub async fn scope(pool: &PgPool, shop: Uuid, product: &str, creator: &str) -> AppResult<Scope> {
    let product = match product.trim() {
        "" => None,
        raw => {
            let id =
                Uuid::parse_str(raw).map_err(|_| AppError::validation("product_id", "Pick one of your products."))?;
            let ours = sqlx::query_scalar!("SELECT id FROM products WHERE id = $1 AND shop_id = $2", id, shop)
                .fetch_optional(pool)
                .await?;
            Some(ours.ok_or_else(|| AppError::validation("product_id", "Pick one of your products."))?)
        }
    };
    let creator = match creator.trim().trim_start_matches('@') {
        "" => None,
        raw => {
            let name =
                Username::parse(raw).map_err(|_| AppError::validation("creator", "No creator by that username."))?;
            let id = sqlx::query_scalar!("SELECT id FROM users WHERE username = $1", name.as_str())
                .fetch_optional(pool)
                .await?;
            Some(id.ok_or_else(|| AppError::validation("creator", format!("No creator called @{}.", name.as_str())))?)
        }
    };
    if product.is_none() && creator.is_none() {
        return Err(AppError::validation(
            "product_id",
            "Pick a product, a creator, or both; the default rate covers everything else.",
        ));
    }
    Ok(Scope { product, creator })
}

/// Sets the rate for `scope` (the default when empty): from `now` if it is
/// no lower than the rate in effect there, else after the notice period.
pub async fn set_rate(pool: &PgPool, shop: Uuid, scope: Scope, rate_bp: i32, now: DateTime<Utc>) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    // One change at a time per shop, so two saves cannot both read the old rate.
    sqlx::query!("SELECT id FROM shops WHERE id = $1 FOR UPDATE", shop).fetch_one(&mut *tx).await?;
    let current = rate(&mut tx, shop, scope.product, scope.creator, now).await?;
    sqlx::query!(
        "INSERT INTO commission_rates (id, shop_id, product_id, creator_id, rate_bp, effective_from)
         VALUES ($1, $2, $3, $4, $5, $6)",
        Uuid::new_v4(),
        shop,
        scope.product,
        scope.creator,
        rate_bp,
        effective_from(rate_bp, current, now)
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets the shop's default rate (see [`set_rate`]).
pub async fn set_default_rate(pool: &PgPool, shop: Uuid, rate_bp: i32, now: DateTime<Utc>) -> AppResult<()> {
    set_rate(pool, shop, Scope::default(), rate_bp, now).await
}

/// The shop's special rates: per scope, the rate in effect at `now` and one
/// waiting out its notice. Named creators first (by username), then by product.
pub async fn special_rates(pool: &PgPool, shop: Uuid, now: DateTime<Utc>) -> AppResult<Vec<SpecialRate>> {
    let rows = sqlx::query!(
        r#"SELECT DISTINCT ON (r.product_id, r.creator_id, r.effective_from > $2)
                  r.product_id, r.creator_id, p.title AS "product?", u.username AS "creator?", r.rate_bp,
                  r.effective_from, r.effective_from > $2 AS "scheduled!"
           FROM commission_rates r
           LEFT JOIN products p ON p.id = r.product_id LEFT JOIN users u ON u.id = r.creator_id
           WHERE r.shop_id = $1 AND (r.product_id IS NOT NULL OR r.creator_id IS NOT NULL)
           ORDER BY r.product_id, r.creator_id, r.effective_from > $2, r.effective_from DESC, r.created_at DESC"#,
        shop,
        now
    )
    .fetch_all(pool)
    .await?;
    let mut out: Vec<(Scope, SpecialRate)> = Vec::new();
    for r in rows {
        let key = Scope { product: r.product_id, creator: r.creator_id };
        let i = match out.iter().position(|(k, _)| *k == key) {
            Some(i) => i,
            None => {
                let rate = SpecialRate { product: r.product, creator: r.creator, current_bp: None, scheduled: None };
                out.push((key, rate));
                out.len() - 1
            }
        };
        if r.scheduled {
            out[i].1.scheduled = Some((r.rate_bp, r.effective_from));
        } else {
            out[i].1.current_bp = Some(r.rate_bp);
        }
    }
    let mut rates: Vec<SpecialRate> = out.into_iter().map(|(_, r)| r).collect();
    // Named creators first, then the rates for any creator.
    rates.sort_by(|a, b| {
        (a.creator.is_none(), &a.creator, &a.product).cmp(&(b.creator.is_none(), &b.creator, &b.product))
    });
    Ok(rates)
}

/// The shop's products for the special-rate form, by title.
pub async fn products(pool: &PgPool, shop: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        "SELECT id, title FROM products WHERE shop_id = $1 AND status <> 'archived' ORDER BY title, id LIMIT 1000",
        shop
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.title)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::attribution::rates::rules::RATE_CUT_NOTICE;
    use crate::test_support::user;
    use chrono::Duration;

    async fn shop_with_product(pool: &PgPool) -> (Uuid, Uuid) {
        let owner = user(pool, "owner").await;
        let (shop, product) = (Uuid::new_v4(), Uuid::new_v4());
        sqlx::query(
            "INSERT INTO shops (id, owner_id, handle, name, currency) VALUES ($1, $2, 'rates', 'Rates', 'USD')",
        )
        .bind(shop)
        .bind(owner)
        .execute(pool)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO products (id, shop_id, title, status, currency) VALUES ($1, $2, 'Shirt', 'active', 'USD')",
        )
        .bind(product)
        .bind(shop)
        .execute(pool)
        .await
        .unwrap();
        (shop, product)
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_most_specific_rate_applies_and_cuts_wait_for_notice(pool: PgPool) {
        let (shop, product) = shop_with_product(&pool).await;
        let maya = user(&pool, "maya").await;
        let other = user(&pool, "other").await;
        let now = crate::clock::Clock::system().now();
        let mut conn = pool.acquire().await.unwrap();

        set_default_rate(&pool, shop, 1200, now).await.unwrap();
        let s = scope(&pool, shop, &product.to_string(), "").await.unwrap();
        set_rate(&pool, shop, s, 1500, now).await.unwrap();
        let s = scope(&pool, shop, "", "@maya").await.unwrap();
        set_rate(&pool, shop, s, 2000, now).await.unwrap();
        let later = now + Duration::seconds(1);
        assert_eq!(
            rate(&mut conn, shop, Some(product), Some(maya), later).await.unwrap(),
            2000,
            "creator beats product"
        );
        assert_eq!(rate(&mut conn, shop, Some(product), Some(other), later).await.unwrap(), 1500);
        assert_eq!(rate(&mut conn, shop, Some(Uuid::new_v4()), Some(other), later).await.unwrap(), 1200);

        // Cutting maya's rate keeps 20% for a week.
        set_rate(&pool, shop, Scope { product: None, creator: Some(maya) }, 800, later).await.unwrap();
        assert_eq!(rate(&mut conn, shop, Some(product), Some(maya), later).await.unwrap(), 2000);
        let after = later + RATE_CUT_NOTICE + Duration::seconds(1);
        assert_eq!(rate(&mut conn, shop, Some(product), Some(maya), after).await.unwrap(), 800);

        let listed = special_rates(&pool, shop, later).await.unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].creator.as_deref(), Some("maya"));
        assert_eq!(listed[0].current_bp, Some(2000));
        assert_eq!(listed[0].scheduled.map(|(bp, _)| bp), Some(800));
        assert_eq!(listed[1].product.as_deref(), Some("Shirt"));
        assert_eq!(listed[1].current_bp, Some(1500));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_special_rate_needs_a_product_of_the_shop_or_a_real_creator(pool: PgPool) {
        let (shop, _) = shop_with_product(&pool).await;
        let field = |r: AppResult<Scope>| r.unwrap_err().field().map(str::to_string);
        assert_eq!(field(scope(&pool, shop, "", "").await).as_deref(), Some("product_id"));
        assert_eq!(field(scope(&pool, shop, &Uuid::new_v4().to_string(), "").await).as_deref(), Some("product_id"));
        assert_eq!(field(scope(&pool, shop, "not-an-id", "").await).as_deref(), Some("product_id"));
        assert_eq!(field(scope(&pool, shop, "", "nobody_here").await).as_deref(), Some("creator"));
    }
}

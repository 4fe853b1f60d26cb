//! SQL owned by promotions: a shop's live rules (each promotion's newest
//! version), how often each was used (orders placed and payments in
//! flight, so limits hold under concurrency), and the merchant's edits,
//! which add versions and never rewrite one.

use std::collections::HashMap;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::engine::{Rule, Usage};
use super::PromotionRow;
use crate::error::{AppError, AppResult};

/// The shop's active promotions at their newest version.
pub async fn live_rules(db: &mut PgConnection, shop: Uuid) -> AppResult<Vec<Rule>> {
    let rows = sqlx::query!(
        r#"SELECT p.id, v.version, v.rule::text AS "rule!"
           FROM promotions p
           JOIN LATERAL (SELECT version, rule FROM promotion_versions
                         WHERE promotion_id = p.id ORDER BY version DESC LIMIT 1) v ON true
           WHERE p.shop_id = $1 AND p.status = 'active'"#,
        shop
    )
    .fetch_all(&mut *db)
    .await?;
    rows.into_iter().map(|r| parse_rule(r.id, r.version, &r.rule)).collect()
}

fn parse_rule(id: Uuid, version: i32, json: &str) -> AppResult<Rule> {
    let mut rule: Rule = serde_json::from_str(json).map_err(|e| {
        tracing::error!(promotion = %id, error = %e, "unreadable promotion rule");
        AppError::Internal
    })?;
    rule.promotion_id = id;
    rule.version = version;
    Ok(rule)
}

/// Uses of each of the shop's promotions, in all and by `user`: placed
/// orders plus payments still pending (so two buyers can't both take the
/// last use while their payments are in flight).
pub async fn usage(
    db: &mut PgConnection,
    shop: Uuid,
    user: Option<Uuid>,
    email: &str,
) -> AppResult<HashMap<Uuid, Usage>> {
    // A guest (no user) is counted by email, over every order with that
    // address: checking out as a guest doesn't reset a per-customer limit.
    let rows = sqlx::query!(
        r#"WITH pending AS (
               SELECT (a->>'promotion_id')::uuid AS promotion_id, c.user_id, c.email
               FROM payments p JOIN checkouts c ON c.id = p.checkout_id
               CROSS JOIN LATERAL jsonb_array_elements(p.snapshot->'priced'->'applied') a
               WHERE p.status = 'pending' AND c.shop_id = $1)
           SELECT pr.id,
                  (SELECT count(*) FROM promotion_redemptions r WHERE r.promotion_id = pr.id)
                    + (SELECT count(*) FROM pending WHERE pending.promotion_id = pr.id) AS "total!",
                  (SELECT count(*) FROM promotion_redemptions r JOIN orders o ON o.id = r.order_id
                   WHERE r.promotion_id = pr.id AND (r.user_id = $2 OR ($2::uuid IS NULL AND o.email = $3)))
                    + (SELECT count(*) FROM pending WHERE pending.promotion_id = pr.id
                       AND (pending.user_id = $2 OR ($2::uuid IS NULL AND pending.email = $3))) AS "mine!"
           FROM promotions pr WHERE pr.shop_id = $1 AND pr.status = 'active'"#,
        shop,
        user,
        email
    )
    .fetch_all(&mut *db)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, Usage { total_uses: r.total, customer_uses: r.mine })).collect())
}

/// Locks the limited promotions this checkout could use, so counting their
/// uses and recording a new one can't interleave with another checkout.
pub async fn lock_limited(db: &mut PgConnection, shop: Uuid, codes: &[String]) -> AppResult<()> {
    sqlx::query!(
        r#"SELECT p.id FROM promotions p
           JOIN LATERAL (SELECT rule FROM promotion_versions WHERE promotion_id = p.id ORDER BY version DESC LIMIT 1) v ON true
           WHERE p.shop_id = $1 AND p.status = 'active' AND (p.code IS NULL OR p.code = ANY($2))
             AND (v.rule->>'usage_limit' IS NOT NULL OR v.rule->>'per_customer_limit' IS NOT NULL)
           ORDER BY p.id FOR UPDATE OF p"#,
        shop,
        codes
    )
    .fetch_all(&mut *db)
    .await?;
    Ok(())
}

/// Saves a promotion: a new one at version 1, or a new version of an
/// existing one of the same shop. Returns the promotion's id.
pub async fn save(pool: &PgPool, shop: Uuid, actor: Uuid, existing: Option<Uuid>, rule: &Rule) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let json = serde_json::to_string(rule).map_err(|_| AppError::Internal)?;
    let on_code = |e: sqlx::Error| {
        crate::db_errors::on_constraint(
            e,
            &[("promotions_code_key", || {
                AppError::conflict("code", "Another live promotion of this shop uses that code.")
            })],
        )
    };
    let id = match existing {
        Some(id) => {
            let done = sqlx::query!(
                "UPDATE promotions SET title = $3, code = $4 WHERE id = $1 AND shop_id = $2 AND status = 'active'",
                id,
                shop,
                rule.title,
                rule.code
            )
            .execute(&mut *tx)
            .await
            .map_err(on_code)?;
            if done.rows_affected() == 0 {
                return Err(AppError::NotFound("Promotion".into()));
            }
            sqlx::query!(
                "INSERT INTO promotion_versions (promotion_id, version, rule, created_by)
                 SELECT $1, max(version) + 1, $2::text::jsonb, $3 FROM promotion_versions WHERE promotion_id = $1",
                id,
                json,
                actor
            )
            .execute(&mut *tx)
            .await?;
            id
        }
        None => {
            let id = Uuid::new_v4();
            sqlx::query!(
                "INSERT INTO promotions (id, shop_id, code, title) VALUES ($1, $2, $3, $4)",
                id,
                shop,
                rule.code,
                rule.title
            )
            .execute(&mut *tx)
            .await
            .map_err(on_code)?;
            sqlx::query!(
                "INSERT INTO promotion_versions (promotion_id, version, rule, created_by) VALUES ($1, 1, $2::text::jsonb, $3)",
                id,
                json,
                actor
            )
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    tx.commit().await?;
    Ok(id)
}

/// Ends a promotion (its history stays for orders that used it).
pub async fn archive(pool: &PgPool, shop: Uuid, id: Uuid) -> AppResult<()> {
    let done = sqlx::query!("UPDATE promotions SET status = 'archived' WHERE id = $1 AND shop_id = $2", id, shop)
        .execute(pool)
        .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("Promotion".into()));
    }
    Ok(())
}

/// The shop's live promotions with their use counts, for the merchant.
pub async fn list(pool: &PgPool, shop: Uuid) -> AppResult<Vec<PromotionRow>> {
    let mut conn = pool.acquire().await?;
    let rules = live_rules(&mut conn, shop).await?;
    let counts = sqlx::query!(
        r#"SELECT promotion_id, count(*) AS "n!", COALESCE(sum(amount_minor), 0)::bigint AS "given!"
           FROM promotion_redemptions WHERE promotion_id IN (SELECT id FROM promotions WHERE shop_id = $1)
           GROUP BY promotion_id"#,
        shop
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut rows: Vec<PromotionRow> = rules
        .into_iter()
        .map(|rule| {
            let c = counts.iter().find(|c| c.promotion_id == rule.promotion_id);
            PromotionRow { uses: c.map(|c| c.n).unwrap_or(0), given_minor: c.map(|c| c.given).unwrap_or(0), rule }
        })
        .collect();
    rows.sort_by(|a, b| (a.rule.priority, &a.rule.title).cmp(&(b.rule.priority, &b.rule.title)));
    Ok(rows)
}

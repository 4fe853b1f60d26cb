//! SQL for plans: the shop owner's plans per product, the quotes shoppers
//! see, plans linked to posts, and a shopper's standing. Authorization is
//! here, under the row locks: only a product's shop owner adds or retires
//! its plans; only a post's author links plans to it.

use std::collections::HashMap;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::eligibility::{Applicant, Verdict};
use super::{
    Frequency, NewPlan, Plan, PlanCard, PlanPick, PlanTerms, VariantQuotes, MAX_PLANS_PER_POST, MAX_PLANS_PER_PRODUCT,
};
use crate::error::{AppError, AppResult};
use crate::money::{Currency, Money};
use crate::posts::events;
use crate::posts::ownership::lock_own_post;
use crate::posts::PostView;

/// The field plan-linking errors name.
pub const LINK_FIELD: &str = "plan";

struct PlanRow {
    id: Uuid,
    product_id: Uuid,
    payments: i16,
    frequency: String,
    apr_bp: i32,
    down_payment_bp: i32,
    fee_minor: i64,
    min_total_minor: Option<i64>,
    max_total_minor: Option<i64>,
    active: bool,
    currency: String,
}

/// A `PlanRow` from a query's record that selects the plan's columns
/// (and the product's currency) under their own names.
macro_rules! plan_row {
    ($r:ident) => {
        PlanRow {
            id: $r.id,
            product_id: $r.product_id,
            payments: $r.payments,
            frequency: $r.frequency,
            apr_bp: $r.apr_bp,
            down_payment_bp: $r.down_payment_bp,
            fee_minor: $r.fee_minor,
            min_total_minor: $r.min_total_minor,
            max_total_minor: $r.max_total_minor,
            active: $r.active,
            currency: $r.currency,
        }
    };
}

impl PlanRow {
    fn plan(self) -> AppResult<Plan> {
        let bad = |_| AppError::Internal;
        let currency = Currency::parse(&self.currency)?;
        Ok(Plan {
            id: self.id,
            product_id: self.product_id,
            terms: PlanTerms {
                payments: u8::try_from(self.payments).map_err(bad)?,
                frequency: Frequency::parse(&self.frequency)?,
                apr_bp: u16::try_from(self.apr_bp).map_err(bad)?,
                down_payment_bp: u16::try_from(self.down_payment_bp).map_err(bad)?,
                fee_minor: self.fee_minor,
            },
            currency,
            min_total: self.min_total_minor.map(|m| Money::new(m, currency)),
            max_total: self.max_total_minor.map(|m| Money::new(m, currency)),
            active: self.active,
        })
    }
}

/// The product's currency, for parsing a plan form: `NotFound` if there
/// is no such product, `Forbidden` unless `owner` owns its shop.
pub async fn owned_product_currency(pool: &PgPool, product_id: Uuid, owner: Uuid) -> AppResult<Currency> {
    let mut conn = pool.acquire().await?;
    let (currency, _) = lock_owned_product(&mut conn, product_id, owner, false).await?;
    Ok(currency)
}

async fn lock_owned_product(
    conn: &mut PgConnection,
    product_id: Uuid,
    owner: Uuid,
    lock: bool,
) -> AppResult<(Currency, Uuid)> {
    let row = if lock {
        sqlx::query!(
            "SELECT p.currency, p.shop_id, s.owner_id FROM products p JOIN shops s ON s.id = p.shop_id
             WHERE p.id = $1 FOR UPDATE OF p",
            product_id
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| (r.currency, r.shop_id, r.owner_id))
    } else {
        sqlx::query!(
            "SELECT p.currency, p.shop_id, s.owner_id FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.id = $1",
            product_id
        )
        .fetch_optional(&mut *conn)
        .await?
        .map(|r| (r.currency, r.shop_id, r.owner_id))
    };
    let (currency, shop_id, owner_id) = row.ok_or_else(|| AppError::NotFound("Product".into()))?;
    if owner_id != owner {
        return Err(AppError::Forbidden);
    }
    Ok((Currency::parse(&currency)?, shop_id))
}

/// Adds a plan to one of `owner`'s products; at most
/// `MAX_PLANS_PER_PRODUCT` active ones, counted under the product's lock.
pub async fn create(pool: &PgPool, owner: Uuid, product_id: Uuid, plan: &NewPlan) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let (currency, shop_id) = lock_owned_product(&mut tx, product_id, owner, true).await?;
    let limits = [plan.min_total, plan.max_total];
    if limits.iter().flatten().any(|m| m.currency != currency) {
        return Err(AppError::validation("min_total", "Use the product's currency."));
    }
    let active = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM installment_plans WHERE product_id = $1 AND active"#,
        product_id
    )
    .fetch_one(&mut *tx)
    .await?;
    if active >= MAX_PLANS_PER_PRODUCT as i64 {
        return Err(AppError::validation(
            "payments",
            format!("A product can offer at most {MAX_PLANS_PER_PRODUCT} plans. Retire one first."),
        ));
    }
    let id = Uuid::new_v4();
    let t = &plan.terms;
    sqlx::query!(
        "INSERT INTO installment_plans (id, product_id, shop_id, payments, frequency, apr_bp, down_payment_bp, fee_minor,
                                        min_total_minor, max_total_minor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        id,
        product_id,
        shop_id,
        i16::from(t.payments),
        t.frequency.as_str(),
        i32::from(t.apr_bp),
        i32::from(t.down_payment_bp),
        t.fee_minor,
        plan.min_total.map(|m| m.minor),
        plan.max_total.map(|m| m.minor),
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Offers a plan again or retires it (a retired plan leaves product pages,
/// cards and checkout; orders already paying by it go on).
pub async fn set_active(pool: &PgPool, owner: Uuid, plan_id: Uuid, active: bool) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let product_id = sqlx::query_scalar!("SELECT product_id FROM installment_plans WHERE id = $1", plan_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::NotFound("Plan".into()))?;
    lock_owned_product(&mut tx, product_id, owner, true).await?;
    if active {
        let offered = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM installment_plans WHERE product_id = $1 AND active AND id <> $2"#,
            product_id,
            plan_id
        )
        .fetch_one(&mut *tx)
        .await?;
        if offered >= MAX_PLANS_PER_PRODUCT as i64 {
            return Err(AppError::validation(
                "plan",
                format!("A product can offer at most {MAX_PLANS_PER_PRODUCT} plans. Retire one first."),
            ));
        }
    }
    sqlx::query!("UPDATE installment_plans SET active = $2 WHERE id = $1", plan_id, active).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Every plan of one of `owner`'s products, active first, for its editor.
pub async fn for_editor(pool: &PgPool, owner: Uuid, product_id: Uuid) -> AppResult<Vec<Plan>> {
    let mut conn = pool.acquire().await?;
    lock_owned_product(&mut conn, product_id, owner, false).await?;
    plans_of(&mut conn, product_id, false).await
}

/// A product's plans (only those offered, with `active_only`), in the
/// order shoppers compare them: fewest payments first.
pub async fn plans_of(conn: &mut PgConnection, product_id: Uuid, active_only: bool) -> AppResult<Vec<Plan>> {
    let rows = sqlx::query_as!(
        PlanRow,
        "SELECT pl.id, pl.product_id, pl.payments, pl.frequency, pl.apr_bp, pl.down_payment_bp, pl.fee_minor,
                pl.min_total_minor, pl.max_total_minor, pl.active, p.currency
         FROM installment_plans pl JOIN products p ON p.id = pl.product_id
         WHERE pl.product_id = $1 AND (pl.active OR NOT $2)
         ORDER BY pl.active DESC, pl.payments, pl.frequency, pl.apr_bp, pl.created_at",
        product_id,
        active_only
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter().map(PlanRow::plan).collect()
}

/// One active plan of an active product, by id.
pub async fn offered(conn: &mut PgConnection, plan_id: Uuid) -> AppResult<Option<Plan>> {
    let row = sqlx::query_as!(
        PlanRow,
        "SELECT pl.id, pl.product_id, pl.payments, pl.frequency, pl.apr_bp, pl.down_payment_bp, pl.fee_minor,
                pl.min_total_minor, pl.max_total_minor, pl.active, p.currency
         FROM installment_plans pl JOIN products p ON p.id = pl.product_id
         WHERE pl.id = $1 AND pl.active AND p.status = 'active'",
        plan_id
    )
    .fetch_optional(&mut *conn)
    .await?;
    row.map(PlanRow::plan).transpose()
}

/// What the eligibility rule knows of `viewer`.
pub async fn applicant(conn: &mut PgConnection, viewer: Option<Uuid>) -> AppResult<Applicant> {
    let Some(viewer) = viewer else { return Ok(Applicant { signed_in: false, failed_outstanding: 0 }) };
    let failed = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM order_instalments i JOIN orders o ON o.id = i.order_id
           WHERE o.buyer_id = $1 AND i.status = 'failed'"#,
        viewer
    )
    .fetch_one(&mut *conn)
    .await?;
    Ok(Applicant { signed_in: true, failed_outstanding: failed })
}

/// The active plans of an active product quoted at each variant's price
/// for `viewer`. Empty for a product that is not on sale.
pub async fn product_quotes(pool: &PgPool, product_id: Uuid, viewer: Option<Uuid>) -> AppResult<Vec<VariantQuotes>> {
    let mut conn = pool.acquire().await?;
    let variants = sqlx::query!(
        "SELECT v.id, v.price_minor, v.currency FROM product_variants v JOIN products p ON p.id = v.product_id
         WHERE v.product_id = $1 AND p.status = 'active' ORDER BY v.position",
        product_id
    )
    .fetch_all(&mut *conn)
    .await?;
    if variants.is_empty() {
        return Ok(Vec::new());
    }
    let plans = plans_of(&mut conn, product_id, true).await?;
    let applicant = applicant(&mut conn, viewer).await?;
    variants
        .into_iter()
        .map(|v| {
            let price = Money::new(v.price_minor, Currency::parse(&v.currency)?);
            let quotes =
                plans.iter().filter(|p| p.currency == price.currency).filter_map(|p| p.quote(price, applicant));
            Ok(VariantQuotes { variant_id: v.id, quotes: quotes.collect() })
        })
        .collect()
}

/// Active plans of active products whose title matches `query`, for the
/// composer's picker.
pub async fn search(pool: &PgPool, query: &str, limit: i64) -> AppResult<Vec<PlanPick>> {
    let pattern = crate::catalog::db::title_pattern(query);
    let rows = sqlx::query!(
        "SELECT pl.id, pl.product_id, pl.payments, pl.frequency, pl.apr_bp, pl.down_payment_bp, pl.fee_minor,
                pl.min_total_minor, pl.max_total_minor, pl.active, p.currency, p.title
         FROM installment_plans pl JOIN products p ON p.id = pl.product_id
         WHERE pl.active AND p.status = 'active' AND lower(p.title) LIKE $1
         ORDER BY p.title, pl.payments, pl.apr_bp LIMIT $2",
        pattern,
        limit
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let title = r.title;
            let plan = plan_row!(r).plan()?;
            Ok(PlanPick { plan_id: plan.id, label: format!("{title} · {}", plan.summary()) })
        })
        .collect()
}

/// Links an offered plan to one of `author`'s posts, at the end; `featured`
/// makes it the one highlighted (taking that from another).
pub async fn link(pool: &PgPool, author: Uuid, post_id: Uuid, plan_id: Uuid, featured: bool) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    lock_own_post(&mut tx, post_id, author).await?;
    link_locked(&mut tx, author, post_id, plan_id, featured).await?;
    events::publish(&mut tx, events::LINKS_CHANGED, post_id, author).await?;
    tx.commit().await?;
    Ok(())
}

/// Links `plan_id` to `post_id`, whose row its author has locked in `tx`:
/// the rule every way of linking a plan goes through (the post page's
/// editor, the composer and the edit page). Refused with a 422 on
/// `LINK_FIELD`: a plan not offered (retired, or its product not on sale),
/// one already linked, a fourth, and a plan of a shop whose owner and the
/// author have blocked one another.
pub async fn link_locked(
    tx: &mut PgConnection,
    author: Uuid,
    post_id: Uuid,
    plan_id: Uuid,
    featured: bool,
) -> AppResult<()> {
    let plan = offered(&mut *tx, plan_id)
        .await?
        .ok_or_else(|| AppError::validation(LINK_FIELD, "That plan is not available."))?;
    let blocked = sqlx::query_scalar!(
        r#"SELECT blocked_between(s.owner_id, $2) AS "blocked!" FROM installment_plans pl JOIN shops s ON s.id = pl.shop_id
           WHERE pl.id = $1"#,
        plan_id,
        author
    )
    .fetch_one(&mut *tx)
    .await?;
    if blocked {
        return Err(AppError::validation(LINK_FIELD, "That plan is not available."));
    }
    let taken = sqlx::query!("SELECT plan_id, display_order FROM post_plans WHERE post_id = $1", post_id)
        .fetch_all(&mut *tx)
        .await?;
    if taken.iter().any(|t| t.plan_id == plan_id) {
        return Err(AppError::validation(LINK_FIELD, "That plan is already linked to this post."));
    }
    if taken.len() >= MAX_PLANS_PER_POST {
        return Err(AppError::validation(LINK_FIELD, format!("A post can show at most {MAX_PLANS_PER_POST} plans.")));
    }
    let order = (0..MAX_PLANS_PER_POST as i16)
        .find(|o| taken.iter().all(|t| t.display_order != *o))
        .ok_or(AppError::Internal)?;
    if featured {
        sqlx::query!("UPDATE post_plans SET is_featured = false WHERE post_id = $1", post_id).execute(&mut *tx).await?;
    }
    sqlx::query!(
        "INSERT INTO post_plans (post_id, plan_id, product_id, display_order, is_featured) VALUES ($1, $2, $3, $4, $5)",
        post_id,
        plan_id,
        plan.product_id,
        order,
        featured
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Makes `wanted` the plans linked to `post_id` (locked in `tx` by its
/// author): those no longer wanted come off, new ones go through
/// `link_locked` (not featured), those kept stay as they are, featured or
/// not. Returns whether anything changed.
pub async fn set_links_locked(tx: &mut PgConnection, author: Uuid, post_id: Uuid, wanted: &[Uuid]) -> AppResult<bool> {
    let removed =
        sqlx::query!("DELETE FROM post_plans WHERE post_id = $1 AND NOT (plan_id = ANY($2))", post_id, wanted)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    let linked =
        sqlx::query_scalar!("SELECT plan_id FROM post_plans WHERE post_id = $1", post_id).fetch_all(&mut *tx).await?;
    let mut added = false;
    for plan in wanted.iter().filter(|p| !linked.contains(p)) {
        link_locked(tx, author, post_id, *plan, false).await?;
        added = true;
    }
    Ok(removed > 0 || added)
}

/// Takes a plan off one of `author`'s posts.
pub async fn unlink(pool: &PgPool, author: Uuid, post_id: Uuid, plan_id: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    lock_own_post(&mut tx, post_id, author).await?;
    let removed = sqlx::query!("DELETE FROM post_plans WHERE post_id = $1 AND plan_id = $2", post_id, plan_id)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::NotFound("Plan".into()));
    }
    events::publish(&mut tx, events::LINKS_CHANGED, post_id, author).await?;
    tx.commit().await?;
    Ok(())
}

/// The plan cards of a page of posts, as every reader sees them (the
/// verdict as for a signed-out reader; `for_reader` completes it). Each
/// plan is quoted at its product's lowest price; retired plans and plans
/// of products no longer on sale drop out.
pub async fn cards(pool: &PgPool, post_ids: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<PlanCard>>> {
    let rows = sqlx::query!(
        r#"SELECT pp.post_id, pp.is_featured, p.title,
                  pl.id, pl.product_id, pl.payments, pl.frequency, pl.apr_bp, pl.down_payment_bp, pl.fee_minor,
                  pl.min_total_minor, pl.max_total_minor, pl.active, p.currency,
                  (SELECT min(v.price_minor) FROM product_variants v WHERE v.product_id = p.id AND v.currency = p.currency)
                      AS price_from,
                  (SELECT i.url_600 FROM product_images i WHERE i.product_id = p.id ORDER BY i.position LIMIT 1) AS image_url
           FROM post_plans pp
           JOIN installment_plans pl ON pl.id = pp.plan_id AND pl.active
           JOIN products p ON p.id = pp.product_id AND p.status = 'active'
           WHERE pp.post_id = ANY($1)
           ORDER BY pp.post_id, pp.display_order"#,
        post_ids
    )
    .fetch_all(pool)
    .await?;
    let anonymous = Applicant { signed_in: false, failed_outstanding: 0 };
    let mut out: HashMap<Uuid, Vec<PlanCard>> = HashMap::new();
    for r in rows {
        let Some(price_from) = r.price_from else { continue };
        let plan = plan_row!(r).plan()?;
        let Some(quote) = plan.quote(Money::new(price_from, plan.currency), anonymous) else { continue };
        out.entry(r.post_id).or_default().push(PlanCard {
            quote,
            product_title: r.title,
            image_url: r.image_url,
            is_featured: r.is_featured,
        });
    }
    Ok(out)
}

/// Completes the plan cards' verdicts for `viewer`: a signed-in reader
/// pre-qualifies (or is told their standing) where a signed-out one was
/// asked to sign in.
pub async fn for_reader(pool: &PgPool, viewer: Option<Uuid>, posts: &mut [PostView]) -> AppResult<()> {
    if viewer.is_none() || posts.iter().all(|p| p.plans.is_empty()) {
        return Ok(());
    }
    let mut conn = pool.acquire().await?;
    let applicant = applicant(&mut conn, viewer).await?;
    let signed_in = if applicant.failed_outstanding > 0 { Verdict::NotInGoodStanding } else { Verdict::PreQualified };
    for card in posts.iter_mut().flat_map(|p| p.plans.iter_mut()) {
        if card.quote.verdict == Verdict::SignInToCheck {
            card.quote.verdict = signed_in.clone();
        }
    }
    Ok(())
}

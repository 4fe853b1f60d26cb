//! Crediting's SQL: a shop's settings, the journey each order line had
//! (fixed when it is bought), and the credits and commissions derived from
//! it. Credits are always recomputed from the journey, never edited: a
//! refund or a change of model recomputes them.

use std::collections::HashMap;

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::engine::{self, Model, Settings, Touch, TouchKind};
use super::rules::{attributable, model_key, models_kept, token_adds_touch, MAX_WINDOW, RETURN_WINDOW};
use super::TouchView;
use crate::attribution::rates::db::rate;
use crate::attribution::tracking::binding::accept;
use crate::attribution::tracking::keys::ContextKeys;
use crate::attribution::tracking::Surface;
use crate::error::{AppError, AppResult};
use crate::money::{Currency, Money};

/// The shop's settings, or the site default.
pub async fn settings(db: &mut PgConnection, shop: Uuid) -> AppResult<Settings> {
    let row = sqlx::query!(
        "SELECT click_window_secs, view_window_secs, model, param1, param2 FROM attribution_settings WHERE shop_id = $1",
        shop
    )
    .fetch_optional(&mut *db)
    .await?;
    let Some(r) = row else { return Ok(Settings::default()) };
    let model = Model::from_code(&r.model, r.param1.map(|p| p as u32), r.param2.map(|p| p as u32)).map_err(|e| {
        tracing::error!(%shop, error = %e, "stored attribution model is invalid");
        AppError::Internal
    })?;
    Ok(Settings {
        click_window: Duration::seconds(r.click_window_secs.into()),
        view_window: Duration::seconds(r.view_window_secs.into()),
        model,
    })
}

/// Saves the shop's settings and recomputes every line's credits and the
/// pending commissions under them, in one transaction.
pub async fn save_settings(pool: &PgPool, shop: Uuid, s: &Settings) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let (p1, p2) = s.model.params();
    sqlx::query!(
        "INSERT INTO attribution_settings (shop_id, click_window_secs, view_window_secs, model, param1, param2)
         VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (shop_id) DO UPDATE SET click_window_secs = EXCLUDED.click_window_secs,
             view_window_secs = EXCLUDED.view_window_secs, model = EXCLUDED.model,
             param1 = EXCLUDED.param1, param2 = EXCLUDED.param2",
        shop,
        s.click_window.num_seconds() as i32,
        s.view_window.num_seconds() as i32,
        s.model.code(),
        p1.map(|p| p as i32),
        p2.map(|p| p as i32)
    )
    .execute(&mut *tx)
    .await?;
    let lines = sqlx::query_scalar!(
        "SELECT l.id FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.shop_id = $1",
        shop
    )
    .fetch_all(&mut *tx)
    .await?;
    for line in lines {
        recompute_line(&mut tx, line, s).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// An order line as attribution sees it.
struct Line {
    id: Uuid,
    product_id: Uuid,
    shop_id: Uuid,
    currency: String,
    /// What the line earns credit on: paid after discounts, less tax, less
    /// refunds (their tax share refunded in proportion).
    attributable: i64,
    purchased_at: DateTime<Utc>,
}

async fn line(db: &mut PgConnection, id: Uuid) -> AppResult<Line> {
    let r = sqlx::query!(
        "SELECT l.id, l.product_id, o.shop_id, o.currency, l.total_minor, l.tax_minor, l.refunded_minor, o.placed_at,
                o.status
         FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE l.id = $1",
        id
    )
    .fetch_one(&mut *db)
    .await?;
    Ok(Line {
        id: r.id,
        product_id: r.product_id,
        shop_id: r.shop_id,
        currency: r.currency,
        attributable: if r.status == "cancelled" {
            0
        } else {
            attributable(r.total_minor, r.tax_minor, r.refunded_minor)
        },
        purchased_at: r.placed_at,
    })
}

/// Fixes each line's journey for a just-placed order and derives its
/// credits and commissions. Idempotent: an order already attributed is left
/// as it is. The purchase time is the order's `placed_at`, which checkout
/// wrote with the app's clock; `key` checks the lines' own tokens.
pub async fn attribute_order(pool: &PgPool, keys: &ContextKeys, order: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    // The order must not change (a refund, a cancellation) while it is
    // credited; attribution only reads it.
    // A guest order has no buyer; the account with its email, if any, still
    // can't earn on its own purchase (see `mark_self_referrals`).
    let o = sqlx::query!(
        r#"SELECT o.buyer_id, o.shop_id, o.placed_at,
                  (SELECT u.id FROM users u WHERE u.email = o.guest_email) AS "guest_account?"
           FROM orders o WHERE o.id = $1 FOR SHARE OF o"#,
        order
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Order".into()))?;
    // Attribution's own mark: a second caller waits for the first's row and
    // then finds the order taken.
    let first = sqlx::query!("INSERT INTO order_attributions (order_id) VALUES ($1) ON CONFLICT DO NOTHING", order)
        .execute(&mut *tx)
        .await?
        .rows_affected()
        == 1;
    if !first {
        return Ok(());
    }
    snapshot_journeys(&mut tx, order, o.buyer_id, o.shop_id, o.placed_at).await?;
    snapshot_line_tokens(&mut tx, keys, order, o.placed_at).await?;
    mark_self_referrals(&mut tx, order, o.buyer_id.or(o.guest_account), o.shop_id).await?;
    let s = settings(&mut tx, o.shop_id).await?;
    let lines =
        sqlx::query_scalar!("SELECT id FROM order_lines WHERE order_id = $1", order).fetch_all(&mut *tx).await?;
    for l in lines {
        recompute_line(&mut tx, l, &s).await?;
    }
    // Notifications tell the shop which posts sold it.
    let payload = serde_json::json!({ "order_id": order });
    crate::outbox::publish(&mut tx, "order", order, crate::attribution::ORDER_ATTRIBUTED, payload).await?;
    tx.commit().await?;
    Ok(())
}

/// Copies into `order_line_touches` the buyer's touch points with each
/// line's product within [`MAX_WINDOW`] before the purchase: taps on its
/// tags and cards (clicks), views of it found through search (clicks), and
/// impressions of posts that tag or link it (views). Direct visits are not
/// touch points: they continue the journey they came from. A recorded tap
/// names a post only when its token passed `tracking::binding` as it was
/// recorded, so the post showed the product (or tagged its shop).
async fn snapshot_journeys(
    tx: &mut PgConnection,
    order: Uuid,
    buyer: Option<Uuid>,
    shop: Uuid,
    purchase_at: DateTime<Utc>,
) -> AppResult<()> {
    sqlx::query!(
        r#"WITH visitors AS (SELECT visitor_id FROM visitor_users WHERE user_id = $2),
           lines AS (SELECT id, product_id FROM order_lines WHERE order_id = $1),
           mine AS (
               SELECT e.* FROM shopper_events e
               WHERE (e.user_id = $2 OR e.visitor_id IN (SELECT visitor_id FROM visitors))
                 AND e.at <= $4 AND e.at >= $4 - $5::interval
                 AND e.kind IN ('tag_tap', 'product_view', 'impression')),
           featured AS (
               SELECT DISTINCT m.post_id, t.product_id FROM image_tags t JOIN post_media m ON m.id = t.media_id
               WHERE t.product_id IN (SELECT product_id FROM lines)
               UNION
               SELECT post_id, product_id FROM post_links WHERE product_id IN (SELECT product_id FROM lines))
           INSERT INTO order_line_touches (order_line_id, touch_id, event_id, kind, surface, post_id, creator_ids, at)
           SELECT l.id, gen_random_uuid(), e.id,
                  CASE WHEN e.kind = 'impression' THEN 'view' ELSE 'click' END,
                  coalesce(e.surface, 'direct'), e.post_id, e.creator_ids, e.at
           FROM lines l JOIN mine e ON
                (e.kind IN ('tag_tap', 'product_view') AND e.surface IS DISTINCT FROM 'direct'
                    AND (e.product_id = l.product_id OR (e.surface = 'shop_tag' AND e.shop_id = $3)))
             OR (e.kind = 'impression' AND (e.post_id, l.product_id) IN (SELECT post_id, product_id FROM featured))"#,
        order,
        buyer,
        shop,
        purchase_at,
        sqlx::postgres::types::PgInterval::try_from(MAX_WINDOW.to_std().unwrap_or_default()).unwrap_or_default()
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Adds each line's own signed token (kept from the cart line) as a click
/// when the journey lacks its tap, so a tap whose event was shed or lost
/// still credits the post (see [`token_adds_touch`] for when the tap is
/// already there). The token must pass `tracking::binding` (genuine, and its
/// post shows the line's product), as the tap it carried had to.
async fn snapshot_line_tokens(
    tx: &mut PgConnection,
    keys: &ContextKeys,
    order: Uuid,
    purchase_at: DateTime<Utc>,
) -> AppResult<()> {
    let lines = sqlx::query!(
        r#"SELECT id, product_id, attribution AS "attribution!" FROM order_lines
           WHERE order_id = $1 AND attribution IS NOT NULL"#,
        order
    )
    .fetch_all(&mut *tx)
    .await?;
    for l in lines {
        // Verified as at the purchase: a key retired since still counts.
        let Some(token) = accept(tx, keys, &l.attribution, l.product_id, purchase_at).await? else { continue };
        let recorded = touches(tx, l.id).await?;
        if !token_adds_touch(&token, &recorded, purchase_at) {
            continue;
        }
        sqlx::query!(
            "INSERT INTO order_line_touches (order_line_id, touch_id, event_id, kind, surface, post_id, creator_ids, at)
             VALUES ($1, gen_random_uuid(), NULL, 'click', $2, $3, $4, $5)",
            l.id,
            token.surface.as_str(),
            token.post_id,
            &token.creators,
            token.rendered_at
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// Marks the order's self-referred touches: those whose buyer is one of the
/// creators they would credit (the post's author or a co-author), and every
/// creator touch when the buyer owns the shop that sold (the only staff a
/// shop has). They stay on the path and in the credits, so analytics still
/// show them, marked "self"; they earn no commission (see [`commissions`]).
async fn mark_self_referrals(tx: &mut PgConnection, order: Uuid, buyer: Option<Uuid>, shop: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE order_line_touches t SET self_referral = true
         FROM order_lines l
         WHERE l.id = t.order_line_id AND l.order_id = $1 AND cardinality(t.creator_ids) > 0
           AND ($2 = ANY(t.creator_ids) OR EXISTS (SELECT 1 FROM shops s WHERE s.id = $3 AND s.owner_id = $2))",
        order,
        buyer,
        shop
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The line's self-referred touches (see [`mark_self_referrals`]).
async fn self_touches(db: &mut PgConnection, line: Uuid) -> AppResult<Vec<Uuid>> {
    Ok(sqlx::query_scalar!("SELECT touch_id FROM order_line_touches WHERE order_line_id = $1 AND self_referral", line)
        .fetch_all(&mut *db)
        .await?)
}

async fn touches(db: &mut PgConnection, line: Uuid) -> AppResult<Vec<Touch>> {
    let rows = sqlx::query!(
        "SELECT touch_id, kind, surface, post_id, creator_ids, at FROM order_line_touches WHERE order_line_id = $1",
        line
    )
    .fetch_all(&mut *db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Touch {
                id: r.touch_id,
                post_id: r.post_id,
                creators: r.creator_ids,
                surface: Surface::parse(&r.surface).map_err(|_| AppError::Internal)?,
                kind: TouchKind::parse(&r.kind).map_err(|_| AppError::Internal)?,
                at: r.at,
            })
        })
        .collect()
}

/// Recomputes one line's credits under every kept model and its creators'
/// commissions under the shop's model (pending ones only: what is payable
/// was already earned).
pub async fn recompute_line(tx: &mut PgConnection, line_id: Uuid, s: &Settings) -> AppResult<()> {
    let l = line(tx, line_id).await?;
    let journey = touches(tx, line_id).await?;
    sqlx::query!(
        "INSERT INTO line_revenue (order_line_id, shop_id, purchased_at, amount_minor) VALUES ($1, $2, $3, $4)
         ON CONFLICT (order_line_id) DO UPDATE SET purchased_at = excluded.purchased_at, amount_minor = excluded.amount_minor
         WHERE (line_revenue.purchased_at, line_revenue.amount_minor) IS DISTINCT FROM (excluded.purchased_at, excluded.amount_minor)",
        l.id,
        l.shop_id,
        l.purchased_at,
        l.attributable
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("DELETE FROM attribution_credits WHERE order_line_id = $1", line_id).execute(&mut *tx).await?;
    let mut active = Vec::new();
    for model in models_kept(&s.model) {
        let settings = Settings { model, ..*s };
        let credits = engine::attribute(l.attributable, &journey, l.purchased_at, &settings);
        let key = model_key(&model);
        insert_credits(tx, &l, &key, &credits).await?;
        if model == s.model {
            active = credits;
        }
    }
    let self_referred = self_touches(tx, line_id).await?;
    commissions(tx, &l, &active, &self_referred).await
}

async fn insert_credits(tx: &mut PgConnection, l: &Line, key: &str, credits: &[engine::Credit]) -> AppResult<()> {
    if credits.is_empty() {
        return Ok(());
    }
    let touch: Vec<Uuid> = credits.iter().map(|c| c.touch_id).collect();
    let post: Vec<Option<Uuid>> = credits.iter().map(|c| c.post_id).collect();
    let creator: Vec<Option<Uuid>> = credits.iter().map(|c| c.creator_id).collect();
    let surface: Vec<&str> = credits.iter().map(|c| c.surface.as_str()).collect();
    let amount: Vec<i64> = credits.iter().map(|c| c.amount_minor).collect();
    sqlx::query!(
        "INSERT INTO attribution_credits (order_line_id, model_key, touch_id, shop_id, post_id, creator_id, surface,
                                          amount_minor, currency, purchased_at, post_tagged)
         SELECT $1, $2, t, $3, p, c, s, a, $4, $5,
                CASE WHEN p IS NOT NULL THEN coalesce((SELECT f.tagged FROM post_featured_shops(ARRAY[p]) f
                                                       WHERE f.shop_id = $3), false) END
         FROM unnest($6::uuid[], $7::uuid[], $8::uuid[], $9::text[], $10::bigint[]) AS x(t, p, c, s, a)",
        l.id,
        key,
        l.shop_id,
        l.currency,
        l.purchased_at,
        &touch,
        &post as &[Option<Uuid>],
        &creator as &[Option<Uuid>],
        &surface as &[&str],
        &amount
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Brings the line's commissions in line with its active credits. A
/// creator's commission is the sum of the commission on each of their
/// credits (so per-post figures add up to it exactly). A credit on a
/// self-referred touch (`self_referred`) earns none. A pending one follows
/// the credit; one whose credit went to nothing (a full refund, another
/// model, a self-referral) is reversed; payable ones stay as they are.
async fn commissions(
    tx: &mut PgConnection,
    l: &Line,
    credits: &[engine::Credit],
    self_referred: &[Uuid],
) -> AppResult<()> {
    let mut per_creator: Vec<(Uuid, Vec<i64>)> = Vec::new();
    for c in credits {
        let Some(creator) = c.creator_id else { continue };
        if self_referred.contains(&c.touch_id) {
            continue;
        }
        match per_creator.iter_mut().find(|(id, _)| *id == creator) {
            Some((_, parts)) => parts.push(c.amount_minor),
            None => per_creator.push((creator, vec![c.amount_minor])),
        }
    }
    let creators: Vec<Uuid> = per_creator.iter().map(|(c, _)| *c).collect();
    sqlx::query!(
        "UPDATE commissions SET status = 'reversed', credit_minor = 0, amount_minor = 0
         WHERE order_line_id = $1 AND status = 'pending' AND NOT (creator_id = ANY($2))",
        l.id,
        &creators
    )
    .execute(&mut *tx)
    .await?;
    for (creator, parts) in per_creator {
        let rate_bp = rate(tx, l.shop_id, Some(l.product_id), Some(creator), l.purchased_at).await?;
        let credit: i64 = parts.iter().sum();
        let amount: i64 = parts.iter().map(|p| engine::commission(*p, rate_bp as u32)).sum();
        sqlx::query!(
            "INSERT INTO commissions (order_line_id, creator_id, shop_id, credit_minor, rate_bp, amount_minor, currency,
                                      status, purchased_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8)
             ON CONFLICT (order_line_id, creator_id) DO UPDATE
                 SET credit_minor = EXCLUDED.credit_minor, rate_bp = EXCLUDED.rate_bp, amount_minor = EXCLUDED.amount_minor,
                     status = 'pending'
                 WHERE commissions.status IN ('pending', 'reversed')",
            l.id,
            creator,
            l.shop_id,
            credit,
            rate_bp,
            amount,
            l.currency,
            l.purchased_at
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

/// After a refund: the order's lines earn credit on what is left.
pub async fn after_refund(tx: &mut PgConnection, order: Uuid) -> AppResult<()> {
    let shop = sqlx::query_scalar!("SELECT shop_id FROM orders WHERE id = $1", order).fetch_one(&mut *tx).await?;
    let s = settings(tx, shop).await?;
    let lines =
        sqlx::query_scalar!("SELECT id FROM order_lines WHERE order_id = $1", order).fetch_all(&mut *tx).await?;
    for l in lines {
        recompute_line(tx, l, &s).await?;
    }
    Ok(())
}

/// After delivery: the order's pending commissions become payable once the
/// return window has passed.
pub async fn after_delivery(tx: &mut PgConnection, order: Uuid, delivered_at: DateTime<Utc>) -> AppResult<()> {
    sqlx::query!(
        "UPDATE commissions SET payable_after = $2
         WHERE status = 'pending' AND order_line_id IN (SELECT id FROM order_lines WHERE order_id = $1)",
        order,
        delivered_at + RETURN_WINDOW
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Makes payable the pending commissions whose return window has passed.
pub async fn release_payable(pool: &PgPool, now: DateTime<Utc>) -> AppResult<u64> {
    let done =
        sqlx::query!("UPDATE commissions SET status = 'payable' WHERE status = 'pending' AND payable_after <= $1", now)
            .execute(pool)
            .await?;
    Ok(done.rows_affected())
}

/// Attributes orders that a failure left without (placed within a week).
/// Returns how many it attributed.
pub async fn attribute_missed(pool: &PgPool, keys: &ContextKeys) -> AppResult<u64> {
    let missed = sqlx::query_scalar!(
        "SELECT o.id FROM orders o
         WHERE o.placed_at > app_now() - interval '7 days'
           AND NOT EXISTS (SELECT 1 FROM order_attributions a WHERE a.order_id = o.id)
         ORDER BY o.placed_at LIMIT 500"
    )
    .fetch_all(pool)
    .await?;
    for order in &missed {
        attribute_order(pool, keys, *order).await?;
    }
    Ok(missed.len() as u64)
}

/// Each line's touch path with the credit each touch earned under the
/// shop's model: for the shop's order page and the credited creator's
/// statement (callers decide who may see which lines).
pub async fn touch_paths(pool: &PgPool, lines: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<TouchView>>> {
    let rows = sqlx::query!(
        r#"SELECT t.order_line_id, t.touch_id, t.at, t.surface, t.kind, t.post_id, t.self_referral,
                  coalesce((SELECT array_agg(u.username ORDER BY u.username) FROM users u WHERE u.id = ANY(t.creator_ids)),
                           '{}') AS "creators!",
                  (SELECT sum(c.amount_minor)::bigint FROM attribution_credits c
                   LEFT JOIN attribution_settings s ON s.shop_id = c.shop_id
                   WHERE c.order_line_id = t.order_line_id AND c.touch_id = t.touch_id
                     AND c.model_key = coalesce(s.model_key, 'last_click')) AS credit,
                  o.currency
           FROM order_line_touches t JOIN order_lines l ON l.id = t.order_line_id JOIN orders o ON o.id = l.order_id
           WHERE t.order_line_id = ANY($1) ORDER BY t.at, t.touch_id"#,
        lines
    )
    .fetch_all(pool)
    .await?;
    let mut out: HashMap<Uuid, Vec<TouchView>> = HashMap::new();
    for r in rows {
        let currency = Currency::parse(&r.currency)?;
        let surface = Surface::parse(&r.surface).map_err(|_| AppError::Internal)?;
        out.entry(r.order_line_id).or_default().push(TouchView {
            at: r.at,
            surface: surface_label(surface).into(),
            post_id: r.post_id,
            creators: r.creators,
            kind: if r.kind == "view" { "Saw the post".into() } else { "Tapped".into() },
            credit: r.credit.map(|c| Money::new(c, currency)),
            self_referral: r.self_referral,
        });
    }
    Ok(out)
}

/// How the order page and the statement name a surface.
pub fn surface_label(s: Surface) -> &'static str {
    use Surface::*;
    match s {
        ImageTag => "Tag on a post's photo",
        ProductCard => "Product card in a post",
        ShopTag => "Shop tag",
        CommentMention => "Mention in a comment",
        GroupCard => "Group deal card",
        PlanCard => "Installment plan card",
        Search => "Search",
        Direct => "Direct visit",
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use crate::attribution::tracking::db::{link_visitor, write_events};
    use crate::attribution::tracking::event::NewEvent;
    use crate::attribution::tracking::token::Context;
    use crate::attribution::tracking::EventKind;
    use crate::checkout::place::place_order;
    use crate::payments::test_provider::TestProvider;
    use crate::test_support::user;
    use crate::test_support::{ready_checkout, TTL, VISA};

    /// The key the tests' tokens are signed with.
    pub fn key() -> ContextKeys {
        ContextKeys::fixed(crate::attribution::tracking::keys::configured_key("attribution tests, not for production"))
    }

    pub async fn post(pool: &PgPool, author: Uuid) -> Uuid {
        let id = Uuid::new_v4();
        sqlx::query!(
            "INSERT INTO posts (id, author_id, status, published_at) VALUES ($1, $2, 'published', app_now())",
            id,
            author
        )
        .execute(pool)
        .await
        .unwrap();
        id
    }

    pub fn tap(
        visitor: Uuid,
        user: Option<Uuid>,
        post: Uuid,
        creator: Uuid,
        product: Uuid,
        at: DateTime<Utc>,
    ) -> NewEvent {
        NewEvent {
            user_id: user,
            post_id: Some(post),
            creator_ids: vec![creator],
            product_id: Some(product),
            surface: Some(Surface::ImageTag),
            ..NewEvent::new(EventKind::TagTap, at, visitor)
        }
    }

    /// Credits per creator under `key`, by username.
    pub async fn credits(pool: &PgPool, key: &str) -> Vec<(Option<String>, i64)> {
        sqlx::query!(
            r#"SELECT u.username AS "username?", sum(c.amount_minor)::bigint AS "amount!"
               FROM attribution_credits c LEFT JOIN users u ON u.id = c.creator_id
               WHERE c.model_key = $1 GROUP BY u.username ORDER BY u.username"#,
            key
        )
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.username, r.amount))
        .collect()
    }

    pub async fn commissions(pool: &PgPool) -> Vec<(String, i64, String)> {
        sqlx::query!(
            "SELECT u.username, c.amount_minor, c.status FROM commissions c JOIN users u ON u.id = c.creator_id
             ORDER BY u.username"
        )
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.username, r.amount_minor, r.status))
        .collect()
    }

    async fn product_of(pool: &PgPool, variant: Uuid) -> Uuid {
        sqlx::query_scalar!("SELECT product_id FROM product_variants WHERE id = $1", variant)
            .fetch_one(pool)
            .await
            .unwrap()
    }

    /// A placed (not yet attributed) order of one $25 line, tax on top,
    /// bought after creator_y's tag was tapped three days ago before the
    /// buyer signed in (the browser was linked at login) and creator_x's
    /// yesterday, signed in. A tap on another product and one after the
    /// purchase do not count. Returns the order and the time of purchase.
    pub async fn order_after_two_taps(pool: &PgPool, provider: &TestProvider) -> (Uuid, DateTime<Utc>) {
        let (checkout, buyer, variant) = ready_checkout(pool, 5, 1).await;
        let product = product_of(pool, variant).await;
        let (x, y) = (user(pool, "creator_x").await, user(pool, "creator_y").await);
        let (post_x, post_y) = (post(pool, x).await, post(pool, y).await);
        let now = crate::clock::Clock::system().now();
        let browser = Uuid::new_v4();
        let mut tx = pool.begin().await.unwrap();
        link_visitor(&mut tx, browser, buyer).await.unwrap();
        tx.commit().await.unwrap();
        write_events(
            pool,
            &[
                tap(browser, None, post_y, y, product, now - Duration::days(3)),
                tap(Uuid::new_v4(), Some(buyer), post_x, x, product, now - Duration::days(1)),
                tap(Uuid::new_v4(), Some(buyer), post_x, x, Uuid::new_v4(), now - Duration::hours(1)),
                tap(Uuid::new_v4(), Some(buyer), post_y, y, product, now + Duration::hours(1)),
            ],
        )
        .await
        .unwrap();
        let order = place_order(pool, provider, checkout, buyer, VISA, now, TTL).await.unwrap();
        (order, now)
    }

    /// A placed (not yet attributed) order of two $25 units after one tap on
    /// creator_x's post five minutes before. Returns the order, creator_x
    /// and the time of purchase.
    pub async fn order_after_one_tap(pool: &PgPool, provider: &TestProvider) -> (Uuid, Uuid, DateTime<Utc>) {
        let (checkout, buyer, variant) = ready_checkout(pool, 5, 2).await;
        let product = product_of(pool, variant).await;
        let x = user(pool, "creator_x").await;
        let post_x = post(pool, x).await;
        let now = crate::clock::Clock::system().now();
        write_events(pool, &[tap(Uuid::new_v4(), Some(buyer), post_x, x, product, now - Duration::minutes(5))])
            .await
            .unwrap();
        let order = place_order(pool, provider, checkout, buyer, VISA, now, TTL).await.unwrap();
        (order, x, now)
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_purchase_credits_its_journey_under_every_model_and_follows_settings_and_refunds(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let (order, _) = order_after_two_taps(&pool, &provider).await;
        attribute_order(&pool, &key(), order).await.unwrap();
        attribute_order(&pool, &key(), order).await.unwrap();

        // $25 line, tax on top not credited.
        let x_name = Some("creator_x".to_string());
        let y_name = Some("creator_y".to_string());
        assert_eq!(credits(&pool, "last_click").await, vec![(x_name.clone(), 2500)], "once, however often asked");
        assert_eq!(credits(&pool, "first_click").await, vec![(y_name.clone(), 2500)]);
        assert_eq!(credits(&pool, "linear").await, vec![(x_name.clone(), 1250), (y_name.clone(), 1250)]);
        assert_eq!(credits(&pool, "custom_split:7000:3000").await, vec![(x_name.clone(), 750), (y_name.clone(), 1750)]);
        assert_eq!(commissions(&pool).await, vec![("creator_x".into(), 250, "pending".into())]);

        // The shop switches to linear: history is recomputed.
        let shop = sqlx::query!("SELECT id, owner_id FROM shops").fetch_one(&pool).await.unwrap();
        let linear = Settings { model: Model::Linear, ..Settings::default() };
        save_settings(&pool, shop.id, &linear).await.unwrap();
        assert_eq!(
            commissions(&pool).await,
            vec![("creator_x".into(), 125, "pending".into()), ("creator_y".into(), 125, "pending".into())]
        );
        rollups_match_a_recomputation(&pool).await;

        // A full refund leaves no credit and reverses the commissions.
        crate::orders::db::refund(
            &pool,
            &provider,
            order,
            shop.owner_id,
            crate::orders::db::RefundScope::Whole,
            "returned",
            false,
        )
        .await
        .unwrap();
        assert!(credits(&pool, "linear").await.is_empty());
        assert_eq!(
            commissions(&pool).await,
            vec![("creator_x".into(), 0, "reversed".into()), ("creator_y".into(), 0, "reversed".into())]
        );
        rollups_match_a_recomputation(&pool).await;
    }

    /// Runs the benchmark's rollup checks: every rollup the dashboards
    /// read equals a GROUP BY over what it sums.
    pub async fn rollups_match_a_recomputation(pool: &PgPool) {
        let checks: Vec<(String, String, String)> =
            sqlx::query_as(include_str!("../../../../bench/sql/attribution_rollup_checks.sql"))
                .fetch_all(pool)
                .await
                .unwrap();
        assert_eq!(checks.len(), 5);
        for (name, verdict, detail) in checks {
            assert_eq!(verdict, "PASS", "{name}: {detail}");
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn commissions_become_payable_after_delivery_and_the_return_window(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let (order, _, now) = order_after_one_tap(&pool, &provider).await;
        let shop = sqlx::query!("SELECT id, owner_id FROM shops").fetch_one(&pool).await.unwrap();
        // A cut announced now applies only after notice: this sale keeps 10%.
        crate::attribution::rates::db::set_default_rate(&pool, shop.id, 500, now).await.unwrap();
        attribute_order(&pool, &key(), order).await.unwrap();
        assert_eq!(commissions(&pool).await, vec![("creator_x".into(), 500, "pending".into())]);

        let mut tx = pool.begin().await.unwrap();
        after_delivery(&mut tx, order, now).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(release_payable(&pool, now + Duration::days(13)).await.unwrap(), 0, "still in the return window");
        assert_eq!(release_payable(&pool, now + RETURN_WINDOW).await.unwrap(), 1);
        assert_eq!(commissions(&pool).await, vec![("creator_x".into(), 500, "payable".into())]);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_minute_job_attributes_an_order_a_failure_left_without(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let (order, _, _) = order_after_one_tap(&pool, &provider).await;
        assert_eq!(attribute_missed(&pool, &key()).await.unwrap(), 1);
        assert_eq!(commissions(&pool).await, vec![("creator_x".into(), 500, "pending".into())]);
        assert_eq!(attribute_missed(&pool, &key()).await.unwrap(), 0, "attributed orders are left alone");
        attribute_order(&pool, &key(), order).await.unwrap();
        assert_eq!(commissions(&pool).await, vec![("creator_x".into(), 500, "pending".into())]);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_purchase_is_credited_at_the_time_checkout_placed_it_and_the_order_is_not_written(pool: PgPool) {
        // A test deployment's clock runs two days ahead of the database's.
        let placed =
            DateTime::from_timestamp(crate::clock::Clock::system().now().timestamp(), 0).unwrap() + Duration::days(2);
        let (checkout, buyer, variant) = ready_checkout(&pool, 5, 1).await;
        let product = product_of(&pool, variant).await;
        let x = user(&pool, "creator_x").await;
        let post_x = post(&pool, x).await;
        write_events(&pool, &[tap(Uuid::new_v4(), Some(buyer), post_x, x, product, placed - Duration::days(1))])
            .await
            .unwrap();
        let provider = TestProvider::new(pool.clone());
        let order = place_order(&pool, &provider, checkout, buyer, VISA, placed, TTL).await.unwrap();
        let read = || async {
            sqlx::query!(r#"SELECT placed_at, xmin::text AS "version!" FROM orders WHERE id = $1"#, order)
                .fetch_one(&pool)
                .await
                .unwrap()
        };
        let before = read().await;
        assert_eq!(before.placed_at, placed, "checkout placed the order at the app's time");

        attribute_order(&pool, &key(), order).await.unwrap();
        let after = read().await;
        assert_eq!((after.placed_at, after.version), (placed, before.version), "attribution left the order alone");
        let purchased = sqlx::query_scalar!("SELECT DISTINCT purchased_at FROM attribution_credits")
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(purchased, vec![placed], "credited at the purchase time checkout wrote");
    }

    /// A buyer with one $25 line whose cart line holds a genuine token for a
    /// product card in creator_x's post, rendered `rendered_before` the
    /// purchase. Returns the checkout, the buyer, the product, the post,
    /// creator_x and the time of purchase.
    async fn checkout_with_line_token(
        pool: &PgPool,
        rendered_before: Duration,
    ) -> (Uuid, Uuid, Uuid, Uuid, Uuid, DateTime<Utc>) {
        let (checkout, buyer, variant) = ready_checkout(pool, 5, 1).await;
        let product = product_of(pool, variant).await;
        let x = user(pool, "creator_x").await;
        let post_x = post(pool, x).await;
        sqlx::query!(
            "INSERT INTO post_links (post_id, position, kind, product_id) VALUES ($1, 0, 'product', $2)",
            post_x,
            product
        )
        .execute(pool)
        .await
        .unwrap();
        let now = crate::clock::Clock::system().now();
        let token = key().sign(&Context {
            post_id: post_x,
            creators: vec![x],
            surface: Surface::ProductCard,
            rendered_at: now - rendered_before,
        });
        sqlx::query!("UPDATE cart_lines SET attribution = $1", token).execute(pool).await.unwrap();
        (checkout, buyer, product, post_x, x, now)
    }

    async fn touch_count(pool: &PgPool) -> i64 {
        sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM order_line_touches"#).fetch_one(pool).await.unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_sale_whose_tap_event_was_shed_still_credits_the_post_through_the_line_token(pool: PgPool) {
        let (checkout, buyer, _, post_x, _, now) = checkout_with_line_token(&pool, Duration::hours(1)).await;
        // The tap opened the product sheet with the token, but the event sink
        // shed its event under load: nothing reached `shopper_events`.
        let provider = TestProvider::new(pool.clone());
        let order = place_order(&pool, &provider, checkout, buyer, VISA, now, TTL).await.unwrap();
        attribute_order(&pool, &key(), order).await.unwrap();

        assert_eq!(credits(&pool, "last_click").await, vec![(Some("creator_x".into()), 2500)]);
        assert_eq!(commissions(&pool).await, vec![("creator_x".into(), 250, "pending".into())]);
        let touch = sqlx::query!("SELECT event_id, kind, surface, post_id FROM order_line_touches")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(touch.event_id, None, "a touch of record without an event");
        assert_eq!(
            (touch.kind.as_str(), touch.surface.as_str(), touch.post_id),
            ("click", "product_card", Some(post_x))
        );
        rollups_match_a_recomputation(&pool).await;
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_line_token_and_its_recorded_tap_count_once(pool: PgPool) {
        let (checkout, buyer, product, post_x, x, now) = checkout_with_line_token(&pool, Duration::hours(1)).await;
        // This time the tap's event was written, 20 seconds after the post
        // was rendered.
        let recorded = NewEvent {
            surface: Some(Surface::ProductCard),
            ..tap(Uuid::new_v4(), Some(buyer), post_x, x, product, now - Duration::hours(1) + Duration::seconds(20))
        };
        write_events(&pool, &[recorded]).await.unwrap();
        let provider = TestProvider::new(pool.clone());
        let order = place_order(&pool, &provider, checkout, buyer, VISA, now, TTL).await.unwrap();
        attribute_order(&pool, &key(), order).await.unwrap();

        assert_eq!(touch_count(&pool).await, 1, "one tap, one touch");
        let event = sqlx::query_scalar!("SELECT event_id FROM order_line_touches").fetch_one(&pool).await.unwrap();
        assert!(event.is_some(), "the recorded tap is the touch of record");
        assert_eq!(credits(&pool, "linear").await, vec![(Some("creator_x".into()), 2500)]);
    }

    /// Links `product` to `post` as a card.
    pub async fn link_product(pool: &PgPool, post: Uuid, product: Uuid) {
        sqlx::query!(
            "INSERT INTO post_links (post_id, position, kind, product_id) VALUES ($1, 0, 'product', $2)",
            post,
            product
        )
        .execute(pool)
        .await
        .unwrap();
    }

    /// Puts on every cart line a genuine token for `surface` in `post` by
    /// `creators`, rendered an hour before `now`; returns it.
    pub async fn token_on_cart_lines(
        pool: &PgPool,
        post: Uuid,
        creators: Vec<Uuid>,
        surface: Surface,
        now: DateTime<Utc>,
    ) -> String {
        let token = key().sign(&Context { post_id: post, creators, surface, rendered_at: now - Duration::hours(1) });
        sqlx::query!("UPDATE cart_lines SET attribution = $1", token).execute(pool).await.unwrap();
        token
    }

    /// Places `buyer`'s checkout at `now` and attributes the order.
    pub async fn buy_and_attribute(pool: &PgPool, checkout: Uuid, buyer: Uuid, now: DateTime<Utc>) -> Uuid {
        let provider = TestProvider::new(pool.clone());
        let order = place_order(pool, &provider, checkout, buyer, VISA, now, TTL).await.unwrap();
        attribute_order(pool, &key(), order).await.unwrap();
        order
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_token_from_a_post_that_shows_only_another_shops_product_is_ignored_like_a_forged_one(pool: PgPool) {
        // Shop B sells the product bought; the post links only shop A's.
        let (checkout, buyer, variant) = ready_checkout(&pool, 5, 1).await;
        let bought = product_of(&pool, variant).await;
        let shop_a_owner = user(&pool, "shop_a_owner").await;
        let shown =
            product_of(&pool, crate::test_support::stocked_variant(&pool, shop_a_owner, "shop_a", 5).await).await;
        let x = user(&pool, "creator_x").await;
        let post_x = post(&pool, x).await;
        link_product(&pool, post_x, shown).await;
        let now = crate::clock::Clock::system().now();
        let token = token_on_cart_lines(&pool, post_x, vec![x], Surface::ProductCard, now).await;

        let mut conn = pool.acquire().await.unwrap();
        assert!(accept(&mut conn, &key(), &token, shown, now).await.unwrap().is_some(), "counts for what it shows");
        assert_eq!(accept(&mut conn, &key(), &token, bought, now).await.unwrap(), None, "not for shop B's product");
        drop(conn);

        buy_and_attribute(&pool, checkout, buyer, now).await;
        assert_eq!(touch_count(&pool).await, 0, "no touch, as for a forged token");
        assert_eq!(credits(&pool, "last_click").await, vec![]);
        assert_eq!(commissions(&pool).await, vec![]);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_shop_tag_token_credits_a_product_of_that_shop_the_post_does_not_tag(pool: PgPool) {
        let (checkout, buyer, variant) = ready_checkout(&pool, 5, 1).await;
        let product = product_of(&pool, variant).await;
        let shop =
            sqlx::query_scalar!("SELECT shop_id FROM products WHERE id = $1", product).fetch_one(&pool).await.unwrap();
        let x = user(&pool, "creator_x").await;
        let post_x = post(&pool, x).await;
        crate::test_support::tag_photo(&pool, post_x, "shop", shop).await;
        let now = crate::clock::Clock::system().now();
        token_on_cart_lines(&pool, post_x, vec![x], Surface::ShopTag, now).await;

        buy_and_attribute(&pool, checkout, buyer, now).await;
        let touch = sqlx::query!("SELECT surface, post_id, self_referral FROM order_line_touches")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!((touch.surface.as_str(), touch.post_id, touch.self_referral), ("shop_tag", Some(post_x), false));
        assert_eq!(credits(&pool, "last_click").await, vec![(Some("creator_x".into()), 2500)]);
        assert_eq!(commissions(&pool).await, vec![("creator_x".into(), 250, "pending".into())]);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_shop_owner_buying_through_a_creators_post_earns_the_creator_no_commission(pool: PgPool) {
        let owner = user(&pool, "maker").await;
        let variant = crate::test_support::stocked_variant(&pool, owner, "maker_shop", 5).await;
        let product = product_of(&pool, variant).await;
        let x = user(&pool, "creator_x").await;
        let post_x = post(&pool, x).await;
        link_product(&pool, post_x, product).await;
        let now = crate::clock::Clock::system().now();
        let checkout = crate::test_support::checkout_ready(&pool, owner, variant, 1, now).await;
        token_on_cart_lines(&pool, post_x, vec![x], Surface::ProductCard, now).await;

        let order = buy_and_attribute(&pool, checkout, owner, now).await;
        assert_eq!(commissions(&pool).await, vec![], "the owner's own purchase pays no commission");
        assert_eq!(credits(&pool, "last_click").await, vec![(Some("creator_x".into()), 2500)], "still credited");
        let line = sqlx::query_scalar!("SELECT id FROM order_lines WHERE order_id = $1", order)
            .fetch_one(&pool)
            .await
            .unwrap();
        let path = touch_paths(&pool, &[line]).await.unwrap().remove(&line).unwrap();
        assert_eq!(path.len(), 1);
        assert!(path[0].self_referral, "the order page shows the touch as self");
        assert_eq!(path[0].creators, vec!["creator_x".to_string()]);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_line_token_for_a_post_that_does_not_feature_the_product_credits_nobody(pool: PgPool) {
        let (checkout, buyer, _, post_x, _, now) = checkout_with_line_token(&pool, Duration::hours(1)).await;
        sqlx::query!("DELETE FROM post_links WHERE post_id = $1", post_x).execute(&pool).await.unwrap();
        let provider = TestProvider::new(pool.clone());
        let order = place_order(&pool, &provider, checkout, buyer, VISA, now, TTL).await.unwrap();
        attribute_order(&pool, &key(), order).await.unwrap();
        assert_eq!(touch_count(&pool).await, 0);
        assert_eq!(credits(&pool, "last_click").await, vec![]);
    }
}

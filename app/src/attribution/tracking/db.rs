//! Tracking's SQL: events written in batches, browsers linked to accounts,
//! the posts an impression report may count, what a post shows (for a
//! token's binding), and the events' monthly partitions.

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::event::NewEvent;
use super::Surface;
use crate::error::AppResult;

/// Writes events with one INSERT over arrays.
pub async fn write_events(pool: &PgPool, events: &[NewEvent]) -> Result<(), sqlx::Error> {
    let n = events.len();
    let (mut at, mut kind, mut visitor, mut user, mut session) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut post, mut creators, mut product, mut shop, mut surface, mut order, mut amount) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for e in events {
        at.push(e.at);
        kind.push(e.kind.as_str());
        visitor.push(e.visitor_id);
        user.push(e.user_id);
        session.push(e.session_id);
        post.push(e.post_id);
        // Arrays of arrays must be rectangular: creators travel as text.
        creators.push(e.creator_ids.iter().map(Uuid::to_string).collect::<Vec<_>>().join(","));
        product.push(e.product_id);
        shop.push(e.shop_id);
        surface.push(e.surface.map(Surface::as_str));
        order.push(e.order_id);
        amount.push(e.amount_minor);
    }
    sqlx::query(
        "INSERT INTO shopper_events (at, kind, visitor_id, user_id, session_id, post_id, creator_ids, product_id,
                                     shop_id, surface, order_id, amount_minor)
         SELECT at, kind, visitor_id, user_id, session_id, post_id,
                CASE WHEN creators = '' THEN '{}'::uuid[] ELSE string_to_array(creators, ',')::uuid[] END,
                product_id, shop_id, surface, order_id, amount_minor
         FROM unnest($1::timestamptz[], $2::text[], $3::uuid[], $4::uuid[], $5::uuid[], $6::uuid[], $7::text[],
                     $8::uuid[], $9::uuid[], $10::text[], $11::uuid[], $12::bigint[])
              AS t(at, kind, visitor_id, user_id, session_id, post_id, creators, product_id, shop_id, surface,
                   order_id, amount_minor)",
    )
    .bind(&at)
    .bind(&kind)
    .bind(&visitor)
    .bind(&user)
    .bind(&session)
    .bind(&post)
    .bind(&creators)
    .bind(&product)
    .bind(&shop)
    .bind(&surface)
    .bind(&order)
    .bind(&amount)
    .execute(pool)
    .await?;
    Ok(())
}

/// Joins the browser's journey to the account that signed in on it.
pub async fn link_visitor(tx: &mut PgConnection, visitor: Uuid, user: Uuid) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO visitor_users (visitor_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
        visitor,
        user
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The published posts among `ids` that `viewer` (`None`: signed out) may
/// see, with their authors: asked of the one visibility rule,
/// `post_visible_to`.
pub async fn visible_authors(pool: &PgPool, ids: &[Uuid], viewer: Option<Uuid>) -> AppResult<Vec<(Uuid, Uuid)>> {
    let rows = sqlx::query!(
        "SELECT p.id, p.author_id FROM posts p
         WHERE p.id = ANY($1) AND p.status = 'published' AND post_visible_to(p, $2)",
        ids,
        viewer as Option<Uuid>
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.author_id)).collect())
}

/// Creates this month's and next month's event partitions if missing (the
/// default partition catches anything outside them).
pub async fn ensure_partitions(pool: &PgPool, now: DateTime<Utc>) -> AppResult<()> {
    for month in [now, now + Duration::days(31)] {
        sqlx::query("SELECT ensure_shopper_events_partition($1)").bind(month.date_naive()).execute(pool).await?;
    }
    Ok(())
}

/// Whether `post` shows `product` to its readers: tags it or links it as a
/// card, or tags or links its shop (the rule in `super::binding`).
pub async fn post_shows_product(db: &mut PgConnection, post: Uuid, product: Uuid) -> AppResult<bool> {
    let shows = sqlx::query_scalar!(
        r#"WITH target AS (SELECT id, shop_id FROM products WHERE id = $2)
           SELECT EXISTS (
               SELECT 1 FROM post_media m JOIN image_tags t ON t.media_id = m.id, target
               WHERE m.post_id = $1 AND (t.product_id = target.id OR t.shop_id = target.shop_id)
               UNION ALL
               SELECT 1 FROM post_links k, target
               WHERE k.post_id = $1 AND (k.product_id = target.id OR k.shop_id = target.shop_id)
               UNION ALL
               SELECT 1 FROM post_groups pg JOIN buy_groups g ON g.id = pg.group_id, target
               WHERE pg.post_id = $1 AND g.product_id = target.id
           ) AS "shows!""#,
        post,
        product
    )
    .fetch_one(&mut *db)
    .await?;
    Ok(shows)
}

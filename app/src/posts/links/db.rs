//! SQL for linked cards: only the author links, only things that exist and
//! are on sale or scheduled, at most `MAX_LINKS`, each thing once.

use std::collections::HashMap;

use sqlx::PgPool;
use uuid::Uuid;

use super::{LinkCard, LinkKind, LinkTarget, MAX_LINKS};
use crate::error::{AppError, AppResult};
use crate::money::{Currency, Money};
use crate::posts::events;
use crate::posts::ownership::lock_own_post;

pub async fn add(pool: &PgPool, author: Uuid, post_id: Uuid, target: &LinkTarget) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    lock_own_post(&mut tx, post_id, author).await?;
    let (kind, product_id, shop_id, event_id) = match target {
        LinkTarget::Product(id) => {
            let found = sqlx::query_scalar!("SELECT id FROM products WHERE id = $1 AND status = 'active'", id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| AppError::validation("target", "That product is not available."))?;
            ("product", Some(found), None, None)
        }
        LinkTarget::Shop(handle) => {
            let found = sqlx::query_scalar!("SELECT id FROM shops WHERE handle = $1", handle)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| AppError::validation("target", format!("There is no shop ${handle}.")))?;
            ("shop", None, Some(found), None)
        }
        LinkTarget::Event(id) => {
            let found = sqlx::query_scalar!("SELECT id FROM events WHERE id = $1 AND status = 'scheduled'", id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| AppError::validation("target", "That event is not available."))?;
            ("event", None, None, Some(found))
        }
    };
    let taken = sqlx::query!(
        "SELECT position, product_id, shop_id, event_id FROM post_links WHERE post_id = $1 ORDER BY position",
        post_id
    )
    .fetch_all(&mut *tx)
    .await?;
    if taken.len() >= MAX_LINKS {
        return Err(AppError::validation("target", format!("A post can link at most {MAX_LINKS} things.")));
    }
    let duplicate = taken.iter().any(|l| {
        (product_id.is_some() && l.product_id == product_id)
            || (shop_id.is_some() && l.shop_id == shop_id)
            || (event_id.is_some() && l.event_id == event_id)
    });
    if duplicate {
        return Err(AppError::validation("target", "That is already linked to this post."));
    }
    let position = (0..MAX_LINKS as i16).find(|p| taken.iter().all(|l| l.position != *p)).ok_or(AppError::Internal)?;
    sqlx::query!(
        "INSERT INTO post_links (post_id, position, kind, product_id, shop_id, event_id) VALUES ($1, $2, $3, $4, $5, $6)",
        post_id,
        position,
        kind,
        product_id,
        shop_id,
        event_id
    )
    .execute(&mut *tx)
    .await?;
    events::publish(&mut tx, events::LINKS_CHANGED, post_id, author).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove(pool: &PgPool, author: Uuid, post_id: Uuid, position: i16) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    lock_own_post(&mut tx, post_id, author).await?;
    let removed = sqlx::query!("DELETE FROM post_links WHERE post_id = $1 AND position = $2", post_id, position)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::NotFound("Link".into()));
    }
    events::publish(&mut tx, events::LINKS_CHANGED, post_id, author).await?;
    tx.commit().await?;
    Ok(())
}

/// The cards for a page of posts; links to archived products or cancelled
/// events drop out.
pub async fn cards(pool: &PgPool, post_ids: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<LinkCard>>> {
    let rows = sqlx::query!(
        r#"SELECT l.post_id, l.position, l.kind,
                  pr.id AS "product_id?", pr.title AS "product_title?", pr.currency AS "product_currency?",
                  (SELECT min(v.price_minor) FROM product_variants v WHERE v.product_id = pr.id) AS price_from,
                  (SELECT i.url_150 FROM product_images i WHERE i.product_id = pr.id ORDER BY i.position LIMIT 1) AS product_image,
                  s.name AS "shop_name?", s.handle AS "shop_handle?", s.logo_url AS shop_logo,
                  e.id AS "event_id?", e.title AS "event_title?", e.starts_at AS "event_starts?", e.venue AS "event_venue?",
                  e.image_url_600 AS event_image
           FROM post_links l
           LEFT JOIN products pr ON pr.id = l.product_id AND pr.status = 'active'
           LEFT JOIN shops s ON s.id = l.shop_id
           LEFT JOIN events e ON e.id = l.event_id AND e.status = 'scheduled'
           WHERE l.post_id = ANY($1)
           ORDER BY l.post_id, l.position"#,
        post_ids
    )
    .fetch_all(pool)
    .await?;
    let mut out: HashMap<Uuid, Vec<LinkCard>> = HashMap::new();
    // (post, card index, event) of each event card, for its tickets.
    let mut events: Vec<(Uuid, usize, Uuid)> = Vec::new();
    for r in rows {
        let card = match r.kind.as_str() {
            "product" => {
                let (Some(id), Some(title)) = (r.product_id, r.product_title) else { continue };
                let currency = r.product_currency.as_deref().map(Currency::parse).transpose()?;
                let subtitle = match (r.price_from, currency) {
                    (Some(minor), Some(c)) => format!("from {}", Money::new(minor, c).display()),
                    _ => String::new(),
                };
                LinkCard {
                    position: r.position,
                    kind: LinkKind::Product,
                    title,
                    subtitle,
                    image_url: r.product_image,
                    href: format!("/p/{id}"),
                    product_id: Some(id),
                    ctx: None,
                    ticket_stock: Vec::new(),
                }
            }
            "shop" => {
                let (Some(name), Some(handle)) = (r.shop_name, r.shop_handle) else { continue };
                LinkCard {
                    position: r.position,
                    kind: LinkKind::Shop,
                    title: name,
                    subtitle: format!("${handle}"),
                    image_url: r.shop_logo,
                    href: format!("/s/{handle}"),
                    product_id: None,
                    ctx: None,
                    ticket_stock: Vec::new(),
                }
            }
            _ => {
                let (Some(id), Some(title), Some(starts), Some(venue)) =
                    (r.event_id, r.event_title, r.event_starts, r.event_venue)
                else {
                    continue;
                };
                let card = LinkCard {
                    position: r.position,
                    kind: LinkKind::Event,
                    title,
                    subtitle: format!("{} · {venue}", starts.format("%-d %b %Y, %H:%M UTC")),
                    image_url: r.event_image,
                    href: format!("/e/{id}"),
                    product_id: None,
                    ctx: None,
                    ticket_stock: Vec::new(),
                };
                events.push((r.post_id, out.get(&r.post_id).map_or(0, Vec::len), id));
                card
            }
        };
        out.entry(r.post_id).or_default().push(card);
    }
    if !events.is_empty() {
        let ids: Vec<Uuid> = events.iter().map(|e| e.2).collect();
        let stock = crate::events::tickets::db::stock_by_event(pool, &ids).await?;
        for (post, index, event) in events {
            if let (Some(card), Some(types)) = (out.get_mut(&post).and_then(|c| c.get_mut(index)), stock.get(&event)) {
                card.ticket_stock = types.clone();
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posts::db::{post, save_draft};
    use crate::posts::Visibility;
    use crate::test_support::shop;
    use crate::test_support::user;

    #[sqlx::test(migrations = "../migrations")]
    async fn author_links_existing_things_once_each(pool: PgPool) {
        let maya = user(&pool, "maya").await;
        let other = user(&pool, "other").await;
        shop(&pool, maya, "maya_store").await;
        let id = save_draft(&pool, maya, "new drop", Visibility::Public, &[]).await.unwrap();

        add(&pool, maya, id, &LinkTarget::Shop("maya_store".into())).await.unwrap();
        let again = add(&pool, maya, id, &LinkTarget::Shop("maya_store".into())).await.unwrap_err();
        assert_eq!(again.field(), Some("target"));
        let missing = add(&pool, maya, id, &LinkTarget::Product(Uuid::new_v4())).await.unwrap_err();
        assert_eq!(missing.field(), Some("target"));
        let missing = add(&pool, maya, id, &LinkTarget::Event(Uuid::new_v4())).await.unwrap_err();
        assert_eq!(missing.field(), Some("target"));
        assert_eq!(
            add(&pool, other, id, &LinkTarget::Shop("maya_store".into())).await.unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(remove(&pool, other, id, 0).await.unwrap_err(), AppError::Forbidden);

        let view = post(&pool, id, Some(maya)).await.unwrap().unwrap();
        assert_eq!(view.links.len(), 1);
        assert_eq!(view.links[0].href, "/s/maya_store");
        assert_eq!(view.links[0].subtitle, "$maya_store");

        remove(&pool, maya, id, 0).await.unwrap();
        assert!(post(&pool, id, Some(maya)).await.unwrap().unwrap().links.is_empty());
        assert_eq!(remove(&pool, maya, id, 0).await.unwrap_err(), AppError::NotFound("Link".into()));
    }
}

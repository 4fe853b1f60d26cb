//! SQL owned by events. Edits lock the event row, so a ticket total is
//! checked against the tickets sold at that moment.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{
    check_capacity, Availability, Event, EventCard, EventDetails, EventImage, EventStatus, EventSummary, Organizer,
    ShopLink, TicketPrices,
};
use crate::error::{AppError, AppResult};
use crate::media::StoredPostImage;
use crate::money::{Currency, Money};

fn prices(currency: &str, min: i64, max: i64) -> AppResult<TicketPrices> {
    let currency = Currency::parse(currency)?;
    Ok(TicketPrices { min: Money::new(min, currency), max: Money::new(max, currency) })
}

/// The id of the organizer's shop with `handle`, for linking an event to it;
/// `None` for an empty handle. Someone else's shop is a mistake in the form.
pub async fn own_shop(pool: &PgPool, organizer: Uuid, handle: &str) -> AppResult<Option<Uuid>> {
    if handle.trim().is_empty() {
        return Ok(None);
    }
    match crate::shops::db::owned_by(pool, handle, organizer).await {
        Ok(shop) => Ok(Some(shop.id)),
        Err(AppError::Forbidden | AppError::NotFound(_)) => {
            Err(AppError::validation("shop", "Choose one of your own shops."))
        }
        Err(e) => Err(e),
    }
}

pub async fn create(
    pool: &PgPool,
    organizer: Uuid,
    details: &EventDetails,
    shop_id: Option<Uuid>,
    image: Option<&StoredPostImage>,
) -> AppResult<Uuid> {
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO events (id, organizer_id, shop_id, title, description, venue, starts_at, ends_at,
                             image_url_600, image_url_1200, image_width, image_height,
                             currency, ticket_min_minor, ticket_max_minor, tickets_total)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
        id,
        organizer,
        shop_id,
        details.title,
        details.description,
        details.venue,
        details.starts_at,
        details.ends_at,
        image.map(|i| i.urls[1].clone()),
        image.map(|i| i.urls[2].clone()),
        image.map(|i| i.width as i32),
        image.map(|i| i.height as i32),
        details.prices.min.currency.code(),
        details.prices.min.minor,
        details.prices.max.minor,
        details.tickets_total,
    )
    .execute(pool)
    .await?;
    Ok(id)
}

pub async fn event(pool: &PgPool, id: Uuid, viewer: Option<Uuid>) -> AppResult<Option<Event>> {
    let mut conn = pool.acquire().await?;
    let Some(r) = sqlx::query!(
        r#"SELECT e.id, e.title, e.description, e.venue, e.starts_at, e.ends_at, e.image_url_600, e.image_url_1200,
                  e.image_width, e.image_height, e.currency, e.ticket_min_minor, e.ticket_max_minor,
                  e.tickets_total, e.tickets_sold, e.status, e.organizer_id, u.username, u.display_name,
                  s.handle AS "shop_handle?", s.name AS "shop_name?"
           FROM events e JOIN users u ON u.id = e.organizer_id LEFT JOIN shops s ON s.id = e.shop_id
           WHERE e.id = $1"#,
        id
    )
    .fetch_optional(&mut *conn)
    .await?
    else {
        return Ok(None);
    };
    let ticket_types = super::tickets::db::types(&mut conn, id).await?;
    let image = match (r.image_url_600, r.image_url_1200, r.image_width, r.image_height) {
        (Some(url_600), Some(url_1200), Some(width), Some(height)) => {
            Some(EventImage { url_600, url_1200, width, height })
        }
        _ => None,
    };
    let shop = match (r.shop_handle, r.shop_name) {
        (Some(handle), Some(name)) => Some(ShopLink { handle, name }),
        _ => None,
    };
    Ok(Some(Event {
        id: r.id,
        title: r.title,
        description: r.description,
        venue: r.venue,
        starts_at: r.starts_at,
        ends_at: r.ends_at,
        image,
        prices: prices(&r.currency, r.ticket_min_minor, r.ticket_max_minor)?,
        tickets_total: r.tickets_total,
        tickets_sold: r.tickets_sold,
        status: EventStatus::parse(&r.status)?,
        organizer: Organizer { username: r.username, display_name: r.display_name },
        shop,
        is_organizer: viewer == Some(r.organizer_id),
        ticket_types,
    }))
}

/// Scheduled events that have not ended by `now`, soonest first.
pub async fn upcoming(pool: &PgPool, now: DateTime<Utc>, limit: i64) -> AppResult<Vec<EventCard>> {
    let rows = sqlx::query!(
        "SELECT id, title, starts_at, ends_at, venue, image_url_600, currency, ticket_min_minor, ticket_max_minor,
                tickets_total, tickets_sold
         FROM events WHERE status = 'scheduled' AND ends_at > $1
         ORDER BY starts_at, id LIMIT $2",
        now,
        limit
    )
    .fetch_all(pool)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut stock = super::tickets::db::stock_by_event(pool, &ids).await?;
    rows.into_iter()
        .map(|r| {
            let ticket_stock = stock.remove(&r.id);
            let availability = match &ticket_stock {
                Some(types) => super::tickets::availability_of(types.iter().map(|t| t.1)),
                None => Availability::of(r.tickets_total, r.tickets_sold),
            };
            Ok(EventCard {
                id: r.id,
                title: r.title,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                venue: r.venue,
                image_url: r.image_url_600,
                prices: prices(&r.currency, r.ticket_min_minor, r.ticket_max_minor)?,
                availability,
                ticket_stock: ticket_stock.unwrap_or_default(),
            })
        })
        .collect()
}

/// Scheduled events whose title contains `query` (any case): those not yet
/// over first, soonest first, titles starting with the query before the rest;
/// then past ones, latest first.
pub async fn search(pool: &PgPool, query: &str, now: DateTime<Utc>, limit: i64) -> AppResult<Vec<EventSummary>> {
    let escaped = query.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
    let rows = sqlx::query_as!(
        EventSummary,
        r#"SELECT id, title, starts_at, venue, image_url_600 AS image_url
           FROM events
           WHERE status = 'scheduled' AND lower(title) LIKE $1
           ORDER BY ends_at <= $3, lower(title) NOT LIKE $2, CASE WHEN ends_at > $3 THEN starts_at END,
                    starts_at DESC, id
           LIMIT $4"#,
        format!("%{escaped}%"),
        format!("{escaped}%"),
        now,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// Checks that `user` organizes event `id` and returns its tickets sold,
/// locking the row for the rest of `tx`.
async fn lock_for_organizer(tx: &mut sqlx::PgConnection, id: Uuid, user: Uuid) -> AppResult<(i32, EventStatus)> {
    let row = sqlx::query!("SELECT organizer_id, tickets_sold, status FROM events WHERE id = $1 FOR UPDATE", id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::NotFound("Event".into()))?;
    if row.organizer_id != user {
        return Err(AppError::Forbidden);
    }
    Ok((row.tickets_sold, EventStatus::parse(&row.status)?))
}

/// Saves the organizer's edit. A cancelled event stays as it was, and the
/// ticket total can't drop below the tickets already sold.
pub async fn update(
    pool: &PgPool,
    id: Uuid,
    organizer: Uuid,
    details: &EventDetails,
    shop_id: Option<Uuid>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let (sold, status) = lock_for_organizer(&mut tx, id, organizer).await?;
    if status == EventStatus::Cancelled {
        return Err(AppError::conflict("status", "This event was cancelled and can't be changed."));
    }
    check_capacity(details.tickets_total, sold)?;
    // Tickets on sale are priced in the event's currency and sold by its shop.
    let selling = sqlx::query!(
        r#"SELECT e.shop_id, e.currency FROM events e WHERE e.id = $1 AND e.ticket_product_id IS NOT NULL"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?;
    if let Some(selling) = selling {
        if selling.shop_id != shop_id {
            return Err(AppError::conflict(
                "shop",
                "This event sells tickets through its shop: the shop can't change.",
            ));
        }
        if selling.currency != details.prices.min.currency.code() {
            return Err(AppError::conflict("currency", "This event sells tickets: its currency can't change."));
        }
    }
    sqlx::query!(
        "UPDATE events SET title = $2, description = $3, venue = $4, starts_at = $5, ends_at = $6, currency = $7,
                           ticket_min_minor = $8, ticket_max_minor = $9, tickets_total = $10, shop_id = $11
         WHERE id = $1",
        id,
        details.title,
        details.description,
        details.venue,
        details.starts_at,
        details.ends_at,
        details.prices.min.currency.code(),
        details.prices.min.minor,
        details.prices.max.minor,
        details.tickets_total,
        shop_id,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Cancels the event (only its organizer may) and stops its ticket sales;
/// cancelling twice is harmless.
pub async fn cancel(pool: &PgPool, id: Uuid, organizer: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    lock_for_organizer(&mut tx, id, organizer).await?;
    sqlx::query!("UPDATE events SET status = 'cancelled' WHERE id = $1", id).execute(&mut *tx).await?;
    // A cancelled event sells no more tickets (those sold stay on their orders).
    sqlx::query!(
        "UPDATE product_variants SET on_sale = false
         WHERE product_id = (SELECT ticket_product_id FROM events WHERE id = $1)",
        id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::tests::{fixed_now, form};
    use crate::events::EventForm;
    use crate::test_support::shop;
    use crate::test_support::user;

    fn details(f: EventForm) -> EventDetails {
        f.validate(fixed_now()).unwrap()
    }

    fn at(raw: &str) -> EventForm {
        let (start, end) = raw.split_once('/').unwrap();
        EventForm { starts_at: start.into(), ends_at: end.into(), ..form() }
    }

    async fn set_sold(pool: &PgPool, id: Uuid, sold: i32) {
        sqlx::query!("UPDATE events SET tickets_sold = $2 WHERE id = $1", id, sold).execute(pool).await.unwrap();
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_event_is_read_back_with_its_organizer_shop_and_image(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let shop_id = shop(&pool, ann, "ann_shop").await;
        let linked = own_shop(&pool, ann, "$ann_shop").await.unwrap();
        assert_eq!(linked, Some(shop_id));
        let image = StoredPostImage {
            urls: ["/media/posts/a-150.jpg".into(), "/media/posts/a-600.jpg".into(), "/media/posts/a-1200.jpg".into()],
            width: 1200,
            height: 800,
        };
        let id = create(&pool, ann, &details(form()), linked, Some(&image)).await.unwrap();

        let e = event(&pool, id, Some(ann)).await.unwrap().unwrap();
        assert_eq!(e.title, "Rooftop market");
        assert_eq!(e.organizer.username, "ann");
        assert_eq!(e.shop, Some(ShopLink { handle: "ann_shop".into(), name: "Test Shop".into() }));
        assert_eq!(e.image.as_ref().map(|i| (i.url_600.as_str(), i.width)), Some(("/media/posts/a-600.jpg", 1200)));
        assert_eq!(e.prices.label(), "KSh 500.00 – KSh 1,500.00");
        assert_eq!(e.availability().label().as_deref(), Some("200 tickets left"));
        assert!(e.is_organizer);
        assert!(!event(&pool, id, None).await.unwrap().unwrap().is_organizer);
        assert!(event(&pool, Uuid::new_v4(), None).await.unwrap().is_none());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_event_links_only_to_the_organizers_own_shop(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let ben = user(&pool, "ben").await;
        shop(&pool, ann, "ann_shop").await;
        assert_eq!(own_shop(&pool, ben, "ann_shop").await.unwrap_err().field(), Some("shop"));
        assert_eq!(own_shop(&pool, ben, "no_such_shop").await.unwrap_err().field(), Some("shop"));
        assert_eq!(own_shop(&pool, ben, " ").await.unwrap(), None);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn availability_follows_tickets_sold(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let limited = create(&pool, ann, &details(EventForm { tickets_total: "100".into(), ..form() }), None, None)
            .await
            .unwrap();
        let open = create(&pool, ann, &details(EventForm { tickets_total: String::new(), ..form() }), None, None)
            .await
            .unwrap();
        set_sold(&pool, limited, 97).await;
        set_sold(&pool, open, 5000).await;
        let label = |e: Event| e.availability().label();
        assert_eq!(label(event(&pool, limited, None).await.unwrap().unwrap()).as_deref(), Some("3 tickets left"));
        assert_eq!(label(event(&pool, open, None).await.unwrap().unwrap()), None);
        set_sold(&pool, limited, 100).await;
        assert_eq!(label(event(&pool, limited, None).await.unwrap().unwrap()).as_deref(), Some("Sold out"));
        let cards = upcoming(&pool, fixed_now(), 50).await.unwrap();
        let card = cards.iter().find(|c| c.id == limited).unwrap();
        assert_eq!(card.availability, Availability::SoldOut);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_ticket_total_cannot_drop_below_tickets_sold(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let id = create(&pool, ann, &details(form()), None, None).await.unwrap();
        set_sold(&pool, id, 150).await;
        let fewer = details(EventForm { tickets_total: "120".into(), ..form() });
        assert_eq!(update(&pool, id, ann, &fewer, None).await.unwrap_err().field(), Some("tickets_total"));
        let enough = details(EventForm { tickets_total: "150".into(), title: "Sold-out market".into(), ..form() });
        update(&pool, id, ann, &enough, None).await.unwrap();
        let e = event(&pool, id, None).await.unwrap().unwrap();
        assert_eq!((e.title.as_str(), e.availability()), ("Sold-out market", Availability::SoldOut));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn only_the_organizer_edits_or_cancels(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let ben = user(&pool, "ben").await;
        let id = create(&pool, ann, &details(form()), None, None).await.unwrap();
        let edit = details(EventForm { title: "Taken over".into(), ..form() });
        assert_eq!(update(&pool, id, ben, &edit, None).await.unwrap_err(), AppError::Forbidden);
        assert_eq!(cancel(&pool, id, ben).await.unwrap_err(), AppError::Forbidden);
        assert_eq!(cancel(&pool, Uuid::new_v4(), ben).await.unwrap_err(), AppError::NotFound("Event".into()));
        assert_eq!(event(&pool, id, None).await.unwrap().unwrap().title, "Rooftop market");

        cancel(&pool, id, ann).await.unwrap();
        cancel(&pool, id, ann).await.unwrap();
        assert_eq!(event(&pool, id, None).await.unwrap().unwrap().status, EventStatus::Cancelled);
        assert_eq!(update(&pool, id, ann, &edit, None).await.unwrap_err().field(), Some("status"));
        assert!(upcoming(&pool, fixed_now(), 50).await.unwrap().is_empty(), "cancelled events are not listed");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn upcoming_lists_events_not_yet_over_soonest_first(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let later = create(&pool, ann, &details(at("2026-12-20T10:00/2026-12-20T12:00")), None, None).await.unwrap();
        let sooner = create(&pool, ann, &details(at("2026-11-10T10:00/2026-11-10T12:00")), None, None).await.unwrap();
        let under_way =
            create(&pool, ann, &details(at("2026-11-01T10:00/2026-11-01T14:00")), None, None).await.unwrap();
        let ids: Vec<Uuid> = upcoming(&pool, fixed_now(), 50).await.unwrap().into_iter().map(|c| c.id).collect();
        assert_eq!(ids, vec![under_way, sooner, later]);
        let after_it_ended = fixed_now() + chrono::Duration::hours(3);
        let ids: Vec<Uuid> = upcoming(&pool, after_it_ended, 1).await.unwrap().into_iter().map(|c| c.id).collect();
        assert_eq!(ids, vec![sooner], "ended events drop off; the limit applies");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn search_finds_titles_and_puts_upcoming_prefix_matches_first(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let make = |title: &str, when: &str| details(EventForm { title: title.into(), ..at(when) });
        let earlier = EventForm { title: "Jazz night".into(), ..at("2026-10-01T20:00/2026-10-01T23:00") };
        let past = create(&pool, ann, &earlier.validate(fixed_now() - chrono::Duration::days(60)).unwrap(), None, None)
            .await
            .unwrap();
        let contains = create(&pool, ann, &make("Late jazz session", "2026-11-05T20:00/2026-11-05T23:00"), None, None)
            .await
            .unwrap();
        let prefix =
            create(&pool, ann, &make("Jazz brunch", "2026-11-20T11:00/2026-11-20T14:00"), None, None).await.unwrap();
        let cancelled =
            create(&pool, ann, &make("Jazz picnic", "2026-11-06T11:00/2026-11-06T14:00"), None, None).await.unwrap();
        cancel(&pool, cancelled, ann).await.unwrap();
        create(&pool, ann, &make("Poetry slam", "2026-11-07T19:00/2026-11-07T22:00"), None, None).await.unwrap();

        let found: Vec<Uuid> =
            search(&pool, "JAZZ", fixed_now(), 10).await.unwrap().into_iter().map(|e| e.id).collect();
        assert_eq!(found, vec![prefix, contains, past]);
        assert_eq!(search(&pool, "jazz", fixed_now(), 1).await.unwrap().len(), 1);
        assert!(search(&pool, "100%", fixed_now(), 10).await.unwrap().is_empty(), "LIKE wildcards are literal");
    }
}

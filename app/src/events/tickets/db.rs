//! SQL owned by tickets. Organizer writes lock the event row first, so two
//! edits of one event's ticket types take turns; quota changes also lock the
//! variant, so the tickets counted as sold can't move underneath. Quota is
//! never stored: it is what is on hand plus what the inventory ledger sold
//! (less returns), so stock edits made anywhere keep it true.

use std::collections::HashMap;

use rand::RngCore;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{
    check_quota, code_from_bytes, NewTicketType, Ticket, TicketStatus, TicketType, CODE_LEN, OPTION_NAME, TYPES_MAX,
};
use crate::error::{AppError, AppResult};
use crate::events::EventStatus;
use crate::money::{Currency, Money};

/// The event's ticket types, in the order they were added.
pub async fn types(db: &mut PgConnection, event_id: Uuid) -> AppResult<Vec<TicketType>> {
    let rows = sqlx::query!(
        r#"SELECT v.id, v.title, v.price_minor, v.currency, v.stock_on_hand, v.stock_reserved, v.on_sale,
                  COALESCE((SELECT -sum(m.on_hand_delta) FROM inventory_movements m
                            WHERE m.variant_id = v.id AND m.kind IN ('sell', 'return')), 0)::int AS "sold!"
           FROM events e JOIN product_variants v ON v.product_id = e.ticket_product_id
           WHERE e.id = $1 ORDER BY v.position"#,
        event_id
    )
    .fetch_all(&mut *db)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(TicketType {
                variant_id: r.id,
                name: r.title,
                price: Money::new(r.price_minor, Currency::parse(&r.currency)?),
                quota: r.stock_on_hand + r.sold,
                taken: r.sold + r.stock_reserved,
                available: r.stock_on_hand - r.stock_reserved,
                on_sale: r.on_sale,
            })
        })
        .collect()
}

/// Each listed event's ticket types on sale, as (variant, available now),
/// for event cards; events selling no tickets are absent.
pub async fn stock_by_event(pool: &PgPool, events: &[Uuid]) -> AppResult<HashMap<Uuid, Vec<(Uuid, i32)>>> {
    let rows = sqlx::query!(
        r#"SELECT e.id AS event_id, v.id AS variant_id, v.stock_on_hand - v.stock_reserved AS "available!", v.on_sale
           FROM events e JOIN product_variants v ON v.product_id = e.ticket_product_id
           WHERE e.id = ANY($1) ORDER BY e.id, v.position"#,
        events
    )
    .fetch_all(pool)
    .await?;
    let mut by_event: HashMap<Uuid, Vec<(Uuid, i32)>> = HashMap::new();
    for r in rows {
        let list = by_event.entry(r.event_id).or_default();
        if r.on_sale {
            list.push((r.variant_id, r.available));
        }
    }
    Ok(by_event)
}

/// An event whose organizer is changing its tickets, locked for the rest of
/// the transaction.
struct Selling {
    shop_id: Uuid,
    currency: Currency,
    title: String,
    product_id: Option<Uuid>,
}

/// Locks event `id` for `user`, who must organize it and own its shop.
async fn lock_selling(tx: &mut PgConnection, id: Uuid, user: Uuid) -> AppResult<Selling> {
    let e = sqlx::query!(
        r#"SELECT e.organizer_id, e.shop_id, e.currency, e.title, e.status, e.ticket_product_id,
                  s.owner_id AS "shop_owner?", s.currency AS "shop_currency?"
           FROM events e LEFT JOIN shops s ON s.id = e.shop_id WHERE e.id = $1 FOR UPDATE OF e"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Event".into()))?;
    if e.organizer_id != user {
        return Err(AppError::Forbidden);
    }
    let (Some(shop_id), Some(shop_owner), Some(shop_currency)) = (e.shop_id, e.shop_owner, e.shop_currency) else {
        return Err(AppError::validation("shop", "Host the event with one of your shops to sell tickets."));
    };
    if shop_owner != user {
        return Err(AppError::Forbidden);
    }
    if EventStatus::parse(&e.status)? == EventStatus::Cancelled {
        return Err(AppError::conflict("status", "This event was cancelled: its tickets can't change."));
    }
    let currency = Currency::parse(&e.currency)?;
    if currency != Currency::parse(&shop_currency)? {
        return Err(AppError::validation(
            "price",
            format!("The event's shop sells in {shop_currency}: set the event's currency to {shop_currency} first."),
        ));
    }
    Ok(Selling { shop_id, currency, title: e.title, product_id: e.ticket_product_id })
}

/// The event's currency, for reading a ticket form: `user` must be able to
/// sell its tickets (the same checks as every write).
pub async fn currency_for_organizer(pool: &PgPool, event_id: Uuid, user: Uuid) -> AppResult<Currency> {
    let mut tx = pool.begin().await?;
    let selling = lock_selling(&mut tx, event_id, user).await?;
    tx.rollback().await?;
    Ok(selling.currency)
}

/// The event a ticket type (variant) belongs to.
async fn event_of_type(db: &mut PgConnection, variant: Uuid) -> AppResult<Uuid> {
    sqlx::query_scalar!(
        "SELECT e.id FROM product_variants v JOIN events e ON e.ticket_product_id = v.product_id WHERE v.id = $1",
        variant
    )
    .fetch_optional(&mut *db)
    .await?
    .ok_or_else(|| AppError::NotFound("Ticket type".into()))
}

/// The currency of the event a ticket type belongs to, for `user`, who must
/// be able to sell its tickets.
pub async fn currency_for_type(pool: &PgPool, variant: Uuid, user: Uuid) -> AppResult<Currency> {
    let mut conn = pool.acquire().await?;
    let event_id = event_of_type(&mut conn, variant).await?;
    drop(conn);
    currency_for_organizer(pool, event_id, user).await
}

/// Adds a ticket type to the event, creating its ticket product with the
/// first one; returns the type's variant.
pub async fn add_type(pool: &PgPool, event_id: Uuid, user: Uuid, new: &NewTicketType) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let selling = lock_selling(&mut tx, event_id, user).await?;
    if new.price.currency != selling.currency {
        return Err(AppError::validation("price", format!("Price tickets in {}.", selling.currency.code())));
    }
    let product_id = match selling.product_id {
        Some(id) => id,
        None => create_product(&mut tx, event_id, &selling).await?,
    };
    let existing =
        sqlx::query!(r#"SELECT lower(title) AS "name!" FROM product_variants WHERE product_id = $1"#, product_id)
            .fetch_all(&mut *tx)
            .await?;
    if existing.len() >= TYPES_MAX {
        return Err(AppError::validation("name", format!("An event can have at most {TYPES_MAX} ticket types.")));
    }
    if existing.iter().any(|r| r.name == new.name.to_lowercase()) {
        return Err(AppError::conflict("name", "There is already a ticket type with that name."));
    }
    let option_id =
        sqlx::query_scalar!("SELECT id FROM product_options WHERE product_id = $1 AND position = 0", product_id)
            .fetch_one(&mut *tx)
            .await?;
    let position = existing.len() as i16;
    let value_id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO product_option_values (id, option_id, value, position) VALUES ($1, $2, $3, $4)",
        value_id,
        option_id,
        new.name,
        position
    )
    .execute(&mut *tx)
    .await?;
    let variant_id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO product_variants (id, product_id, shop_id, title, sku, price_minor, currency, stock_on_hand, position)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8)",
        variant_id,
        product_id,
        selling.shop_id,
        new.name,
        format!("TICKET-{}", variant_id.simple().to_string()[..12].to_uppercase()),
        new.price.minor,
        selling.currency.code(),
        position
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO variant_option_values (variant_id, option_value_id) VALUES ($1, $2)",
        variant_id,
        value_id
    )
    .execute(&mut *tx)
    .await?;
    crate::inventory::db::receive(&mut tx, variant_id, new.quota, Some(user), "ticket quota").await?;
    tx.commit().await?;
    Ok(variant_id)
}

/// The event's ticket product (active, kind `ticket`, one option), linked
/// to the event.
async fn create_product(tx: &mut PgConnection, event_id: Uuid, selling: &Selling) -> AppResult<Uuid> {
    let product_id = Uuid::new_v4();
    let title: String = format!("Tickets: {}", selling.title).chars().take(crate::events::TITLE_MAX).collect();
    sqlx::query!(
        "INSERT INTO products (id, shop_id, title, status, currency, kind) VALUES ($1, $2, $3, 'active', $4, 'ticket')",
        product_id,
        selling.shop_id,
        title,
        selling.currency.code()
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO product_options (id, product_id, name, position) VALUES ($1, $2, $3, 0)",
        Uuid::new_v4(),
        product_id,
        OPTION_NAME
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("UPDATE events SET ticket_product_id = $2 WHERE id = $1", event_id, product_id)
        .execute(&mut *tx)
        .await?;
    Ok(product_id)
}

/// Changes a ticket type's price and quota. The quota can't go below the
/// tickets sold or held; what is left to sell becomes quota less those.
pub async fn update_type(pool: &PgPool, variant: Uuid, user: Uuid, price: Money, quota: i32) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let event_id = event_of_type(&mut tx, variant).await?;
    let selling = lock_selling(&mut tx, event_id, user).await?;
    if price.currency != selling.currency {
        return Err(AppError::validation("price", format!("Price tickets in {}.", selling.currency.code())));
    }
    // The variant locked, the ledger's sales can't change until commit.
    let stock = sqlx::query!("SELECT stock_reserved FROM product_variants WHERE id = $1 FOR UPDATE", variant)
        .fetch_one(&mut *tx)
        .await?;
    let sold = sold(&mut tx, variant).await?;
    check_quota(quota, sold + stock.stock_reserved)?;
    let target = quota - sold;
    crate::inventory::db::set_on_hand(&mut tx, variant, target, Some(user), "ticket quota changed").await?;
    sqlx::query!("UPDATE product_variants SET price_minor = $2 WHERE id = $1", variant, price.minor)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Units of `variant` sold, less those returned, as the ledger has them.
async fn sold(db: &mut PgConnection, variant: Uuid) -> AppResult<i32> {
    let sold = sqlx::query_scalar!(
        r#"SELECT COALESCE(-sum(on_hand_delta), 0)::int AS "sold!" FROM inventory_movements
           WHERE variant_id = $1 AND kind IN ('sell', 'return')"#,
        variant
    )
    .fetch_one(&mut *db)
    .await?;
    Ok(sold)
}

/// Stops selling a ticket type: tickets sold stay valid, no more are sold.
pub async fn stop_type(pool: &PgPool, variant: Uuid, user: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let event_id = event_of_type(&mut tx, variant).await?;
    lock_selling(&mut tx, event_id, user).await?;
    sqlx::query!("UPDATE product_variants SET on_sale = false WHERE id = $1", variant).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Issues one ticket per unit of the order's ticket lines (in the
/// transaction that marks it paid). Issuing twice issues nothing more.
pub async fn issue(tx: &mut PgConnection, order_id: Uuid) -> AppResult<u64> {
    let already = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM event_tickets WHERE order_id = $1"#, order_id)
        .fetch_one(&mut *tx)
        .await?;
    if already > 0 {
        return Ok(0);
    }
    let lines = sqlx::query!(
        r#"SELECT l.variant_id, l.quantity - l.refunded_quantity AS "units!", e.id AS event_id
           FROM order_lines l JOIN events e ON e.ticket_product_id = l.product_id
           WHERE l.order_id = $1 ORDER BY l.position"#,
        order_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut issued = 0;
    for line in lines {
        for _ in 0..line.units {
            // 50 random bits: a clash is all but impossible, and is simply drawn again.
            loop {
                let done = sqlx::query!(
                    "INSERT INTO event_tickets (id, order_id, event_id, variant_id, code, issued_at)
                     VALUES ($1, $2, $3, $4, $5, app_now()) ON CONFLICT (code) DO NOTHING",
                    Uuid::new_v4(),
                    order_id,
                    line.event_id,
                    line.variant_id,
                    new_code()
                )
                .execute(&mut *tx)
                .await?;
                if done.rows_affected() == 1 {
                    break;
                }
            }
            issued += 1;
        }
    }
    Ok(issued)
}

/// A fresh random code from the operating system's generator.
fn new_code() -> String {
    let mut bytes = [0u8; CODE_LEN];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    code_from_bytes(bytes)
}

/// Voids every valid ticket of the order (cancelled or wholly refunded).
pub async fn void_all(tx: &mut PgConnection, order_id: Uuid) -> AppResult<u64> {
    let done = sqlx::query!(
        "UPDATE event_tickets SET status = 'void', voided_at = app_now() WHERE order_id = $1 AND status = 'valid'",
        order_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected())
}

/// Voids the tickets of refunded units: each line keeps as many valid
/// tickets as it has units not refunded (the first issued), the rest void.
pub async fn void_refunded(tx: &mut PgConnection, order_id: Uuid) -> AppResult<u64> {
    let done = sqlx::query!(
        r#"UPDATE event_tickets t SET status = 'void', voided_at = app_now()
           FROM (SELECT t2.id, k.keep,
                        row_number() OVER (PARTITION BY t2.variant_id ORDER BY t2.issued_at, t2.id) AS rank
                 FROM event_tickets t2
                 JOIN (SELECT variant_id, sum(quantity - refunded_quantity) AS keep
                       FROM order_lines WHERE order_id = $1 GROUP BY variant_id) k ON k.variant_id = t2.variant_id
                 WHERE t2.order_id = $1 AND t2.status = 'valid') r
           WHERE t.id = r.id AND r.rank > r.keep"#,
        order_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(done.rows_affected())
}

/// The order's tickets with their event, for its buyer.
pub async fn for_order(pool: &PgPool, order_id: Uuid) -> AppResult<Vec<Ticket>> {
    let rows = sqlx::query!(
        "SELECT t.code, t.status, v.title AS type_name, e.id AS event_id, e.title, e.starts_at, e.ends_at, e.venue
         FROM event_tickets t JOIN product_variants v ON v.id = t.variant_id JOIN events e ON e.id = t.event_id
         WHERE t.order_id = $1 ORDER BY v.position, t.issued_at, t.id",
        order_id
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(Ticket {
                code: r.code,
                type_name: r.type_name,
                event_id: r.event_id,
                event_title: r.title,
                starts_at: r.starts_at,
                ends_at: r.ends_at,
                venue: r.venue,
                status: TicketStatus::parse(&r.status)?,
            })
        })
        .collect()
}

/// Whether every product among `products` is a ticket (and there is one):
/// such a checkout ships as an e-ticket.
pub async fn only_tickets(db: &mut PgConnection, products: &[Uuid]) -> AppResult<bool> {
    if products.is_empty() {
        return Ok(false);
    }
    let all =
        sqlx::query_scalar!(r#"SELECT bool_and(kind = 'ticket') AS "all!" FROM products WHERE id = ANY($1)"#, products)
            .fetch_one(&mut *db)
            .await?;
    Ok(all)
}

//! SQL owned by orders: creating one from a paid checkout's snapshot, every
//! status change (with its audit entry and domain event, in the same
//! transaction), refunds and the lists and pages buyers and shops read.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::charges::{provider_failed, Collected};
use super::{HistoryEntry, OrderLine, OrderStatus, OrderSummary, OrderView};
use crate::checkout::address::Address;
use crate::checkout::pricing::Priced;
use crate::error::{AppError, AppResult};
use crate::money::{Currency, Money};
use crate::payments::provider::PaymentProvider;

/// The order being created from a checkout.
pub struct NewOrder<'a> {
    pub id: Uuid,
    pub shop_id: Uuid,
    /// `None` for a guest's order.
    pub buyer_id: Option<Uuid>,
    /// The guest's email (the address that may claim the order later).
    pub guest_email: Option<&'a str>,
    pub checkout_id: Uuid,
    pub email: &'a str,
    pub address: &'a Address,
    pub priced: &'a Priced,
    /// When the buyer placed it, by the app's clock.
    pub placed_at: DateTime<Utc>,
}

/// Inserts the order (status pending: authorized, not yet captured), its
/// lines with the promotion rules each got, the promotions' redemptions,
/// the first audit entry and the `order.placed` event.
pub async fn insert(tx: &mut PgConnection, o: &NewOrder<'_>) -> AppResult<i64> {
    let t = &o.priced.totals;
    let shipping_option = o.priced.shipping.as_ref().map(|q| q.option.code()).unwrap_or("standard");
    let a = o.address;
    let number = sqlx::query_scalar!(
        "INSERT INTO orders (id, shop_id, buyer_id, checkout_id, currency, subtotal_minor, discount_minor,
                             shipping_minor, tax_minor, tax_inclusive, total_minor, email, ship_name, ship_line1,
                             ship_line2, ship_city, ship_region, ship_postal_code, ship_country, ship_phone,
                             shipping_option, placed_at, guest_email)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22,
                 $23)
         RETURNING number",
        o.id,
        o.shop_id,
        o.buyer_id,
        o.checkout_id,
        o.priced.currency.code(),
        t.subtotal,
        t.discount,
        t.shipping,
        t.tax,
        t.tax_inclusive,
        t.total,
        o.email,
        a.name,
        a.line1,
        a.line2,
        a.city,
        a.region,
        a.postal_code,
        a.country,
        a.phone,
        shipping_option,
        o.placed_at,
        o.guest_email
    )
    .fetch_one(&mut *tx)
    .await?;

    let mut events = Vec::new();
    for (position, line) in o.priced.lines.iter().enumerate() {
        let line_id = Uuid::new_v4();
        let l = &line.input;
        sqlx::query!(
            "INSERT INTO order_lines (id, order_id, variant_id, product_id, title, variant_title, sku, quantity,
                                      unit_price_minor, discount_minor, tax_minor, total_minor, attribution, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
            line_id,
            o.id,
            l.variant_id,
            l.product_id,
            l.title,
            l.variant_title,
            l.sku,
            l.quantity,
            l.unit_price_minor,
            line.discount_minor,
            line.tax_minor,
            line.total_minor,
            l.attribution,
            position as i16
        )
        .execute(&mut *tx)
        .await?;
        for rule in &line.rules {
            sqlx::query!(
                "INSERT INTO order_line_discounts (order_line_id, promotion_id, version, title, code, amount_minor)
                 VALUES ($1, $2, $3, $4, $5, $6)",
                line_id,
                rule.promotion_id,
                rule.version,
                rule.title,
                rule.code,
                rule.amount_minor
            )
            .execute(&mut *tx)
            .await?;
        }
        events.push(json!({
            "line_id": line_id, "variant_id": l.variant_id, "product_id": l.product_id,
            "quantity": l.quantity, "total_minor": line.total_minor, "attribution": l.attribution,
        }));
    }
    for applied in &o.priced.applied {
        sqlx::query!(
            "INSERT INTO promotion_redemptions (promotion_id, version, order_id, user_id, amount_minor)
             VALUES ($1, $2, $3, $4, $5)",
            applied.promotion_id,
            applied.version,
            o.id,
            o.buyer_id,
            applied.amount_minor
        )
        .execute(&mut *tx)
        .await?;
    }
    history(tx, o.id, None, OrderStatus::Pending, o.buyer_id, "Order placed; payment authorized").await?;
    crate::outbox::publish(
        tx,
        "order",
        o.id,
        "order.placed",
        json!({
            "order_id": o.id, "number": number, "shop_id": o.shop_id, "buyer_id": o.buyer_id,
            "currency": o.priced.currency.code(), "total_minor": t.total, "lines": events,
        }),
    )
    .await?;
    Ok(number)
}

async fn history(
    tx: &mut PgConnection,
    order: Uuid,
    from: Option<OrderStatus>,
    to: OrderStatus,
    actor: Option<Uuid>,
    note: &str,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO order_history (order_id, from_status, to_status, actor_id, note) VALUES ($1, $2, $3, $4, $5)",
        order,
        from.map(OrderStatus::as_str),
        to.as_str(),
        actor,
        note
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// The order row locked for a change, with what changes need.
pub struct Locked {
    pub id: Uuid,
    pub status: OrderStatus,
    pub shop_id: Uuid,
    pub owner_id: Uuid,
    pub buyer_id: Option<Uuid>,
    pub currency: Currency,
    pub total_minor: i64,
    pub refunded_minor: i64,
}

pub async fn lock(tx: &mut PgConnection, id: Uuid) -> AppResult<Locked> {
    let r = sqlx::query!(
        "SELECT o.id, o.status, o.shop_id, s.owner_id, o.buyer_id, o.currency, o.total_minor, o.refunded_minor
         FROM orders o JOIN shops s ON s.id = o.shop_id WHERE o.id = $1 FOR UPDATE OF o",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Order".into()))?;
    Ok(Locked {
        id: r.id,
        status: OrderStatus::parse(&r.status)?,
        shop_id: r.shop_id,
        owner_id: r.owner_id,
        buyer_id: r.buyer_id,
        currency: Currency::parse(&r.currency)?,
        total_minor: r.total_minor,
        refunded_minor: r.refunded_minor,
    })
}

/// The order locked for its shop's owner; anyone else gets `NotFound` for
/// orders they bought and `Forbidden` never leaks whether an id exists.
pub async fn lock_for_owner(tx: &mut PgConnection, id: Uuid, owner: Uuid) -> AppResult<Locked> {
    let order = lock(tx, id).await?;
    if order.owner_id != owner {
        return Err(if order.buyer_id == Some(owner) {
            AppError::Forbidden
        } else {
            AppError::NotFound("Order".into())
        });
    }
    Ok(order)
}

/// Moves the order to `to` if the status machine allows it, with its audit
/// entry and domain event.
pub async fn transition(
    tx: &mut PgConnection,
    order: &Locked,
    to: OrderStatus,
    actor: Option<Uuid>,
    note: &str,
) -> AppResult<()> {
    order.status.check(to)?;
    sqlx::query!("UPDATE orders SET status = $2 WHERE id = $1", order.id, to.as_str()).execute(&mut *tx).await?;
    history(tx, order.id, Some(order.status), to, actor, note).await?;
    match to {
        // Commissions start their return window.
        OrderStatus::Delivered => {
            // The database's side of the app's clock, in this transaction.
            let now = sqlx::query_scalar!(r#"SELECT app_now() AS "now!""#).fetch_one(&mut *tx).await?;
            crate::attribution::after_delivery(tx, order.id, now).await?
        }
        // A cancelled order earns nobody anything, owes no more instalments,
        // and its tickets admit nobody.
        OrderStatus::Cancelled => {
            crate::attribution::after_refund(tx, order.id).await?;
            crate::plans::instalments::cancel_remaining(tx, order.id).await?;
            crate::events::tickets::db::void_all(tx, order.id).await?;
        }
        // Refunded in full: no instalment of its plan is charged after.
        OrderStatus::Refunded => {
            crate::plans::instalments::cancel_remaining(tx, order.id).await?;
        }
        // Tickets are issued in the transaction that marks the order paid.
        OrderStatus::Paid => {
            crate::events::tickets::db::issue(tx, order.id).await?;
        }
        _ => {}
    }
    crate::outbox::publish(
        tx,
        "order",
        order.id,
        &format!("order.{}", to.as_str()),
        json!({ "order_id": order.id, "from": order.status.as_str(), "to": to.as_str(), "note": note }),
    )
    .await
}

/// Packs the order (paid → fulfilled).
pub async fn mark_fulfilled(pool: &PgPool, id: Uuid, owner: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let order = lock_for_owner(&mut tx, id, owner).await?;
    transition(&mut tx, &order, OrderStatus::Fulfilled, Some(owner), "Packed").await?;
    tx.commit().await?;
    Ok(())
}

/// Hands the order to a carrier with its tracking number. A paid order is
/// packed on the way (both steps are recorded).
pub async fn mark_shipped(
    pool: &PgPool,
    id: Uuid,
    owner: Uuid,
    carrier: Option<&str>,
    tracking: &str,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let mut order = lock_for_owner(&mut tx, id, owner).await?;
    if order.status == OrderStatus::Paid {
        transition(&mut tx, &order, OrderStatus::Fulfilled, Some(owner), "Packed").await?;
        order.status = OrderStatus::Fulfilled;
    }
    sqlx::query!("UPDATE orders SET carrier = $2, tracking_number = $3 WHERE id = $1", id, carrier, tracking)
        .execute(&mut *tx)
        .await?;
    let note = match carrier {
        Some(c) => format!("Shipped with {c}, tracking {tracking}"),
        None => format!("Shipped, tracking {tracking}"),
    };
    transition(&mut tx, &order, OrderStatus::Shipped, Some(owner), &note).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn mark_delivered(pool: &PgPool, id: Uuid, owner: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let order = lock_for_owner(&mut tx, id, owner).await?;
    transition(&mut tx, &order, OrderStatus::Delivered, Some(owner), "Delivered").await?;
    tx.commit().await?;
    Ok(())
}

/// The payment behind an order.
struct OrderPayment {
    id: Uuid,
    reference: String,
    status: String,
}

async fn payment(tx: &mut PgConnection, order: Uuid) -> AppResult<OrderPayment> {
    let p = sqlx::query!("SELECT id, provider_ref, status FROM payments WHERE order_id = $1 FOR UPDATE", order)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or(AppError::Internal)?;
    Ok(OrderPayment { id: p.id, reference: p.provider_ref.ok_or(AppError::Internal)?, status: p.status })
}

/// Cancels an order before it ships: the authorization is voided (or the
/// money taken refunded, up to the order's price: a plan's fee and interest
/// already paid are kept) and the items go back on hand.
pub async fn cancel(
    pool: &PgPool,
    provider: &dyn PaymentProvider,
    id: Uuid,
    owner: Uuid,
    reason: &str,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let order = lock_for_owner(&mut tx, id, owner).await?;
    order.status.check(OrderStatus::Cancelled)?;
    let pay = payment(&mut tx, id).await?;
    if pay.status == "authorized" {
        provider.void(&pay.reference).await.map_err(provider_failed)?;
        sqlx::query!("UPDATE payments SET status = 'voided' WHERE id = $1", pay.id).execute(&mut *tx).await?;
    } else {
        let collected = Collected::load(&mut tx, id).await?;
        let left = collected.left().min(order.total_minor - order.refunded_minor);
        if left > 0 {
            collected.refund(&mut tx, provider, id, left).await?;
            record_refund(&mut tx, &order, Uuid::new_v4(), None, 0, left, reason, owner).await?;
        }
    }
    let lines = sqlx::query!(
        "SELECT variant_id, quantity - refunded_quantity AS \"left!\" FROM order_lines WHERE order_id = $1 ORDER BY variant_id",
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    for line in lines.into_iter().filter(|l| l.left > 0) {
        crate::inventory::db::restock(&mut tx, line.variant_id, line.left, id, Some(owner), "order cancelled").await?;
    }
    transition(&mut tx, &order, OrderStatus::Cancelled, Some(owner), reason).await?;
    tx.commit().await?;
    Ok(())
}

/// What a refund covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefundScope {
    /// Everything still refundable.
    Whole,
    /// `quantity` units of one line (their share of its total).
    Line { line: Uuid, quantity: i32 },
}

/// Refunds captured money with a reason: the whole order, or units of a
/// line (their proportional share of what the line cost, the last unit
/// taking the remainder so a line refunds exactly its total). Refunded units
/// go back on hand when `restock`.
#[allow(clippy::too_many_arguments)]
pub async fn refund(
    pool: &PgPool,
    provider: &dyn PaymentProvider,
    id: Uuid,
    owner: Uuid,
    scope: RefundScope,
    reason: &str,
    restock: bool,
) -> AppResult<Money> {
    let mut tx = pool.begin().await?;
    let order = lock_for_owner(&mut tx, id, owner).await?;
    if !order.status.refundable() {
        return Err(AppError::conflict(
            "reason",
            format!("A {} order can't be refunded.", order.status.label().to_lowercase()),
        ));
    }
    let pay = payment(&mut tx, id).await?;
    if pay.status == "authorized" {
        return Err(AppError::conflict("reason", "The payment isn't captured yet: cancel the order instead."));
    }
    // (line, variant, units, amount) to refund.
    let mut parts: Vec<(Uuid, Uuid, i32, i64)> = Vec::new();
    let lines = sqlx::query!(
        "SELECT id, variant_id, quantity, refunded_quantity, total_minor, refunded_minor FROM order_lines
         WHERE order_id = $1 ORDER BY position",
        id
    )
    .fetch_all(&mut *tx)
    .await?;
    match scope {
        RefundScope::Whole => {
            for l in &lines {
                let units = l.quantity - l.refunded_quantity;
                let amount = l.total_minor - l.refunded_minor;
                if amount > 0 || units > 0 {
                    parts.push((l.id, l.variant_id, units, amount));
                }
            }
        }
        RefundScope::Line { line, quantity } => {
            let l = lines.iter().find(|l| l.id == line).ok_or_else(|| AppError::NotFound("Order line".into()))?;
            let units_left = l.quantity - l.refunded_quantity;
            if quantity < 1 || quantity > units_left {
                return Err(AppError::validation("quantity", format!("Refund 1 to {units_left} units of this line.")));
            }
            let amount = share(l.total_minor, l.quantity, l.refunded_quantity, l.refunded_minor, quantity);
            parts.push((l.id, l.variant_id, quantity, amount));
        }
    }
    let owed: i64 = parts.iter().map(|p| p.3).sum();
    let collected = Collected::load(&mut tx, id).await?;
    let amount = match scope {
        // The whole order gives back what was taken of its price: for a plan
        // still being paid, that is less than the price.
        RefundScope::Whole => owed.min(collected.left()),
        RefundScope::Line { .. } if owed > collected.left() => {
            return Err(AppError::conflict(
                "reason",
                format!(
                    "Only {} of this order's plan is paid so far: refund the whole order instead, \
                     which also cancels the payments still to come.",
                    Money::new(collected.left(), order.currency).display()
                ),
            ));
        }
        RefundScope::Line { .. } => owed,
    };
    if amount <= 0 {
        return Err(AppError::conflict("reason", "There is nothing left to refund on that."));
    }
    collected.refund(&mut tx, provider, id, amount).await?;
    let refund_id = Uuid::new_v4();
    let (scope_line, scope_units) = match scope {
        RefundScope::Line { line, quantity } => (Some(line), quantity),
        RefundScope::Whole => (None, 0),
    };
    record_refund(&mut tx, &order, refund_id, scope_line, scope_units, amount, reason, owner).await?;
    for (line, variant, units, part) in &parts {
        sqlx::query!(
            "UPDATE order_lines SET refunded_quantity = refunded_quantity + $2, refunded_minor = refunded_minor + $3 WHERE id = $1",
            line,
            units,
            part
        )
        .execute(&mut *tx)
        .await?;
        if restock && *units > 0 {
            crate::inventory::db::restock(&mut tx, *variant, *units, id, Some(owner), reason).await?;
        }
    }
    let whole = scope == RefundScope::Whole || order.refunded_minor + amount >= order.total_minor;
    let to = if whole { OrderStatus::Refunded } else { OrderStatus::PartiallyRefunded };
    let money = Money::new(amount, order.currency);
    let note = format!("Refunded {}: {reason}", money.display());
    if order.status == to {
        // Another partial refund: the status stays, the trail still records it.
        history(&mut tx, order.id, Some(order.status), to, Some(owner), &note).await?;
        crate::outbox::publish(
            &mut tx,
            "order",
            order.id,
            "order.partially_refunded",
            json!({ "order_id": order.id, "amount_minor": amount }),
        )
        .await?;
    } else {
        transition(&mut tx, &order, to, Some(owner), &note).await?;
    }
    // Creators' credit and pending commission follow what is left; so do tickets.
    crate::attribution::after_refund(&mut tx, order.id).await?;
    // Refunding the whole order ends its plan too, even when what was
    // refunded (the payments taken so far) is less than the order's total.
    if scope == RefundScope::Whole {
        crate::plans::instalments::cancel_remaining(&mut tx, order.id).await?;
    }
    crate::events::tickets::db::void_refunded(&mut tx, order.id).await?;
    tx.commit().await?;
    Ok(money)
}

/// The money for refunding `units` of a line that cost `total` for
/// `quantity` units, of which `done_units` worth `done_minor` were refunded:
/// an even share per unit, and the line's last units take what remains.
pub fn share(total: i64, quantity: i32, done_units: i32, done_minor: i64, units: i32) -> i64 {
    if done_units + units >= quantity {
        return total - done_minor;
    }
    total * units as i64 / quantity as i64
}

#[allow(clippy::too_many_arguments)]
async fn record_refund(
    tx: &mut PgConnection,
    order: &Locked,
    id: Uuid,
    line: Option<Uuid>,
    quantity: i32,
    amount: i64,
    reason: &str,
    actor: Uuid,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO refunds (id, order_id, order_line_id, quantity, amount_minor, reason, actor_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        id,
        order.id,
        line,
        quantity,
        amount,
        reason,
        actor
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("UPDATE orders SET refunded_minor = refunded_minor + $2 WHERE id = $1", order.id, amount)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Gives `user` the guest orders placed with their email, once that email
/// is verified (checked here, in the statement that claims them: an
/// unverified address claims nothing, so nobody reads another person's
/// orders by registering their address). Returns how many were claimed.
pub async fn claim_guest_orders(tx: &mut PgConnection, user: Uuid) -> AppResult<u64> {
    let claimed = sqlx::query_scalar!(
        "UPDATE orders o SET buyer_id = u.id
         FROM users u
         WHERE u.id = $1 AND u.email_verified_at IS NOT NULL
           AND o.buyer_id IS NULL AND o.guest_email = u.email
         RETURNING o.id",
        user
    )
    .fetch_all(&mut *tx)
    .await?;
    if claimed.is_empty() {
        return Ok(0);
    }
    // Their promotion uses now count for the account, as if bought signed in.
    sqlx::query!(
        "UPDATE promotion_redemptions SET user_id = $1 WHERE order_id = ANY($2) AND user_id IS NULL",
        user,
        &claimed
    )
    .execute(&mut *tx)
    .await?;
    tracing::info!(%user, count = claimed.len(), "guest orders claimed");
    Ok(claimed.len() as u64)
}

/// The buyer's orders, newest first.
pub async fn for_buyer(pool: &PgPool, buyer: Uuid) -> AppResult<Vec<OrderSummary>> {
    summaries(pool, Some(buyer), None).await
}

/// The shop's orders, newest first (the caller checked ownership).
pub async fn for_shop(pool: &PgPool, shop: Uuid) -> AppResult<Vec<OrderSummary>> {
    summaries(pool, None, Some(shop)).await
}

async fn summaries(pool: &PgPool, buyer: Option<Uuid>, shop: Option<Uuid>) -> AppResult<Vec<OrderSummary>> {
    let rows = sqlx::query!(
        r#"SELECT o.id, o.number, o.status, s.name AS shop_name, u.username AS "username?", o.placed_at,
                  o.total_minor, o.currency,
                  (SELECT COALESCE(sum(quantity), 0) FROM order_lines WHERE order_id = o.id)::bigint AS "items!"
           FROM orders o JOIN shops s ON s.id = o.shop_id LEFT JOIN users u ON u.id = o.buyer_id
           WHERE ($1::uuid IS NULL OR o.buyer_id = $1) AND o.shop_id = COALESCE($2, o.shop_id)
           ORDER BY o.placed_at DESC, o.id DESC LIMIT 200"#,
        buyer,
        shop
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(OrderSummary {
                id: r.id,
                number: r.number,
                status: OrderStatus::parse(&r.status)?,
                shop_name: r.shop_name,
                buyer: super::buyer_label(r.username.as_deref()),
                placed_at: r.placed_at,
                total: Money::new(r.total_minor, Currency::parse(&r.currency)?),
                item_count: r.items,
            })
        })
        .collect()
}

/// Who is reading an order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reader {
    /// A signed-in user: the buyer or the shop's owner may read it.
    User(Uuid),
    /// Whoever holds the order's link (checked by `super::link`): it reads
    /// that order as its buyer does.
    Link,
}

/// One order for its buyer, its shop's owner or its link; `NotFound` for
/// anyone else.
pub async fn view(pool: &PgPool, id: Uuid, reader: Reader) -> AppResult<OrderView> {
    let o = sqlx::query!(
        r#"SELECT o.*, s.handle, s.name AS shop_name, s.owner_id, u.username AS "username?",
                  (SELECT p.card_brand || ' ending ' || p.card_last4 FROM payments p WHERE p.order_id = o.id) AS paid_with
           FROM orders o JOIN shops s ON s.id = o.shop_id LEFT JOIN users u ON u.id = o.buyer_id WHERE o.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    .filter(|o| match reader {
        Reader::User(viewer) => o.buyer_id == Some(viewer) || o.owner_id == viewer,
        Reader::Link => true,
    })
    .ok_or_else(|| AppError::NotFound("Order".into()))?;
    let can_manage = matches!(reader, Reader::User(viewer) if o.owner_id == viewer);
    // Tickets admit their holder: only the buyer (or the order's link) sees the codes.
    let is_buyer = match reader {
        Reader::User(viewer) => o.buyer_id == Some(viewer),
        Reader::Link => true,
    };
    let tickets = if is_buyer { crate::events::tickets::db::for_order(pool, id).await? } else { Vec::new() };
    let currency = Currency::parse(&o.currency)?;
    let m = |minor: i64| Money::new(minor, currency);
    let line_rows = sqlx::query!(
        r#"SELECT l.id, l.product_id, l.title, l.variant_title, l.sku, l.quantity, l.unit_price_minor, l.discount_minor,
                  l.tax_minor, l.total_minor, l.refunded_quantity, l.refunded_minor,
                  COALESCE(array_agg(COALESCE(d.code, d.title) || ' (v' || d.version || ')|' || d.amount_minor ORDER BY d.promotion_id)
                           FILTER (WHERE d.promotion_id IS NOT NULL), '{}') AS "promotions!"
           FROM order_lines l LEFT JOIN order_line_discounts d ON d.order_line_id = l.id
           WHERE l.order_id = $1 GROUP BY l.id ORDER BY l.position"#,
        id
    )
    .fetch_all(pool)
    .await?;
    let lines = line_rows
        .into_iter()
        .map(|l| OrderLine {
            id: l.id,
            product_id: l.product_id,
            title: l.title,
            variant_title: l.variant_title,
            sku: l.sku,
            quantity: l.quantity,
            unit_price: m(l.unit_price_minor),
            discount: m(l.discount_minor),
            tax: m(l.tax_minor),
            total: m(l.total_minor),
            refunded_quantity: l.refunded_quantity,
            refunded: m(l.refunded_minor),
            promotions: l
                .promotions
                .iter()
                .filter_map(|p| p.rsplit_once('|'))
                .map(|(name, amount)| format!("{name}: −{}", m(amount.parse().unwrap_or(0)).display()))
                .collect(),
            touch_path: Vec::new(),
        })
        .collect();
    let history = sqlx::query!(
        "SELECT h.from_status, h.to_status, u.username AS \"actor?\", h.note, h.created_at
         FROM order_history h LEFT JOIN users u ON u.id = h.actor_id WHERE h.order_id = $1 ORDER BY h.id",
        id
    )
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|h| {
        Ok(HistoryEntry {
            from: h.from_status.as_deref().map(OrderStatus::parse).transpose()?,
            to: OrderStatus::parse(&h.to_status)?,
            actor: h.actor,
            note: h.note,
            at: h.created_at,
        })
    })
    .collect::<AppResult<Vec<_>>>()?;
    let address = Address {
        name: o.ship_name,
        line1: o.ship_line1,
        line2: o.ship_line2,
        city: o.ship_city,
        region: o.ship_region,
        postal_code: o.ship_postal_code,
        country: o.ship_country,
        phone: o.ship_phone,
    };
    Ok(OrderView {
        id: o.id,
        number: o.number,
        status: OrderStatus::parse(&o.status)?,
        shop_handle: o.handle,
        shop_name: o.shop_name,
        buyer: super::buyer_label(o.username.as_deref()),
        guest: o.buyer_id.is_none(),
        placed_at: o.placed_at,
        lines,
        subtotal: m(o.subtotal_minor),
        discount: m(o.discount_minor),
        shipping: m(o.shipping_minor),
        tax: m(o.tax_minor),
        tax_inclusive: o.tax_inclusive,
        total: m(o.total_minor),
        refunded: m(o.refunded_minor),
        email: o.email,
        ship_to: address.lines(),
        shipping_option: o.shipping_option,
        carrier: o.carrier,
        tracking_number: o.tracking_number,
        paid_with: o.paid_with,
        history,
        can_manage,
        plan: None,
        tickets,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_refunds_split_evenly_and_the_last_unit_takes_the_rest() {
        // A line of 3 units that cost 1000 in all.
        assert_eq!(share(1000, 3, 0, 0, 1), 333);
        assert_eq!(share(1000, 3, 1, 333, 1), 333);
        assert_eq!(share(1000, 3, 2, 666, 1), 334);
        assert_eq!(share(1000, 3, 0, 0, 3), 1000);
    }
}

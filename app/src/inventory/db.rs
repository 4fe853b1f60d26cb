//! The only code that changes stock numbers (with the batched holds of
//! `gate`). Each function changes `product_variants` and appends the matching
//! ledger movement in the same transaction, so numbers and ledger can never
//! disagree. Variants are
//! locked in id order wherever several are touched, so concurrent checkouts
//! cannot deadlock each other.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{Movement, StockRow};
use crate::error::{AppError, AppResult};

/// Stock a checkout wants held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hold {
    pub variant_id: Uuid,
    pub quantity: i32,
}

/// Why reserved stock goes back to available.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Release {
    /// The shopper left checkout or changed the cart.
    Released,
    /// The reservation's time ran out.
    Expired,
}

impl Release {
    fn status(self) -> &'static str {
        match self {
            Release::Released => "released",
            Release::Expired => "expired",
        }
    }

    fn movement(self) -> &'static str {
        match self {
            Release::Released => "release",
            Release::Expired => "expire",
        }
    }
}

/// Records the stock a new product's variants start with as received (by
/// the shop's owner, who created it).
pub async fn record_initial_stock(tx: &mut PgConnection, product_id: Uuid) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO inventory_movements (variant_id, kind, on_hand_delta, reserved_delta, reason, actor_id)
         SELECT v.id, 'receive', v.stock_on_hand, 0, 'initial stock', s.owner_id
         FROM product_variants v JOIN shops s ON s.id = v.shop_id
         WHERE v.product_id = $1 AND v.stock_on_hand > 0 ORDER BY v.position",
        product_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Adds received units to on hand.
pub async fn receive(
    tx: &mut PgConnection,
    variant_id: Uuid,
    quantity: i32,
    actor: Option<Uuid>,
    reason: &str,
) -> AppResult<()> {
    if !(1..=super::MAX_ON_HAND).contains(&quantity) {
        return Err(AppError::validation("quantity", "Enter how many units arrived (at least 1)."));
    }
    sqlx::query!("UPDATE product_variants SET stock_on_hand = stock_on_hand + $2 WHERE id = $1", variant_id, quantity)
        .execute(&mut *tx)
        .await
        .map_err(|e| {
            crate::db_errors::on_constraint(
                e,
                &[("product_variants_stock_on_hand_check", || {
                    AppError::validation("quantity", "That is too many units.")
                })],
            )
        })?;
    movement(tx, variant_id, "receive", quantity, 0, Some(reason), None, None, actor).await
}

/// Sets on hand to `target` (a stock count), recording the difference as an
/// adjustment with its reason. On hand can't go below what open checkouts
/// hold.
pub async fn set_on_hand(
    tx: &mut PgConnection,
    variant_id: Uuid,
    target: i32,
    actor: Option<Uuid>,
    reason: &str,
) -> AppResult<()> {
    let row =
        sqlx::query!("SELECT stock_on_hand, stock_reserved FROM product_variants WHERE id = $1 FOR UPDATE", variant_id)
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::NotFound("Variant".into()))?;
    if target < row.stock_reserved {
        return Err(AppError::validation(
            "on_hand",
            format!(
                "{} held in open checkouts; set at least {}.",
                match row.stock_reserved {
                    1 => "1 unit is".to_string(),
                    n => format!("{n} units are"),
                },
                row.stock_reserved
            ),
        ));
    }
    let delta = target - row.stock_on_hand;
    if delta == 0 {
        return Ok(());
    }
    sqlx::query!("UPDATE product_variants SET stock_on_hand = $2 WHERE id = $1", variant_id, target)
        .execute(&mut *tx)
        .await?;
    movement(tx, variant_id, "adjust", delta, 0, Some(reason), None, None, actor).await
}

/// Holds stock for a checkout until `expires_at`: all of it or none. On a
/// shortage it returns `SoldOut` naming the item and what is left, and the
/// caller's transaction (which must then roll back) has changed nothing
/// that survives.
pub async fn reserve(
    tx: &mut PgConnection,
    checkout_id: Uuid,
    holds: &[Hold],
    expires_at: DateTime<Utc>,
) -> AppResult<()> {
    let mut holds = holds.to_vec();
    holds.sort_by_key(|h| h.variant_id);
    for hold in holds {
        let taken = sqlx::query_scalar!(
            "UPDATE product_variants SET stock_reserved = stock_reserved + $2
             WHERE id = $1 AND stock_on_hand - stock_reserved >= $2 RETURNING id",
            hold.variant_id,
            hold.quantity
        )
        .fetch_optional(&mut *tx)
        .await?;
        if taken.is_none() {
            return Err(shortage(tx, hold).await?);
        }
        let reservation_id = Uuid::new_v4();
        sqlx::query!(
            "INSERT INTO stock_reservations (id, checkout_id, variant_id, quantity, expires_at) VALUES ($1, $2, $3, $4, $5)",
            reservation_id,
            checkout_id,
            hold.variant_id,
            hold.quantity,
            expires_at
        )
        .execute(&mut *tx)
        .await?;
        movement(tx, hold.variant_id, "reserve", 0, hold.quantity, None, Some(reservation_id), None, None).await?;
    }
    Ok(())
}

/// The message for a hold that could not be met.
async fn shortage(tx: &mut PgConnection, hold: Hold) -> AppResult<AppError> {
    let row = sqlx::query!(
        r#"SELECT p.title, v.title AS variant_title, (v.stock_on_hand - v.stock_reserved) AS "left!"
           FROM product_variants v JOIN products p ON p.id = v.product_id WHERE v.id = $1"#,
        hold.variant_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Variant".into()))?;
    Ok(AppError::SoldOut(sold_out_message(&super::item_name(&row.title, &row.variant_title), row.left)))
}

/// "Sold out: X." or "Only 2 left of X." for a hold that can't be met.
pub fn sold_out_message(name: &str, left: i32) -> String {
    match left {
        i32::MIN..=0 => format!("Sold out: {name}."),
        1 => format!("Only 1 left of {name}."),
        n => format!("Only {n} left of {name}."),
    }
}

/// Locks, in id order, the variants the checkout's active reservations hold.
async fn lock_reserved_variants(tx: &mut PgConnection, checkout_id: Uuid) -> AppResult<()> {
    sqlx::query!(
        "SELECT v.id FROM product_variants v
         WHERE v.id IN (SELECT variant_id FROM stock_reservations WHERE checkout_id = $1 AND status = 'active')
         ORDER BY v.id FOR UPDATE",
        checkout_id
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(())
}

/// Returns the checkout's held stock to available. Returns the number of
/// reservations released (0 when none were active).
pub async fn release(tx: &mut PgConnection, checkout_id: Uuid, why: Release) -> AppResult<u64> {
    lock_reserved_variants(tx, checkout_id).await?;
    let released = sqlx::query_scalar!(
        r#"WITH r AS (
               UPDATE stock_reservations SET status = $2 WHERE checkout_id = $1 AND status = 'active'
               RETURNING id, variant_id, quantity),
           v AS (
               UPDATE product_variants pv SET stock_reserved = pv.stock_reserved - s.quantity
               FROM (SELECT variant_id, sum(quantity)::int AS quantity FROM r GROUP BY variant_id) s
               WHERE pv.id = s.variant_id),
           m AS (
               INSERT INTO inventory_movements (variant_id, kind, on_hand_delta, reserved_delta, reservation_id)
               SELECT variant_id, $3, 0, -quantity, id FROM r)
           SELECT count(*) AS "n!" FROM r"#,
        checkout_id,
        why.status(),
        why.movement()
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(released as u64)
}

/// Marks the checkout's reservations sold to `order_id`. Only the checkout's
/// own rows change, so concurrent orders for one hot variant don't queue on
/// its row; [`settle_sold`] moves the units off the shelf in batches. Fails
/// (and the caller rolls back) unless every line the order sells is still
/// held.
pub async fn sell(tx: &mut PgConnection, checkout_id: Uuid, order_id: Uuid, holds: &[Hold]) -> AppResult<()> {
    lock_reserved_variants(tx, checkout_id).await?;
    let mut held = sqlx::query!(
        "SELECT variant_id, sum(quantity)::int AS quantity FROM stock_reservations
         WHERE checkout_id = $1 AND status = 'active' GROUP BY variant_id ORDER BY variant_id",
        checkout_id
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| Hold { variant_id: r.variant_id, quantity: r.quantity.unwrap_or(0) })
    .collect::<Vec<_>>();
    let mut wanted = holds.to_vec();
    wanted.sort_by_key(|h| h.variant_id);
    held.sort_by_key(|h| h.variant_id);
    if held != wanted {
        return Err(AppError::SoldOut(
            "Your reservation ran out before payment. Please review your cart and try again.".into(),
        ));
    }
    sqlx::query!(
        "UPDATE stock_reservations SET status = 'sold', order_id = $2 WHERE checkout_id = $1 AND status = 'active'",
        checkout_id,
        order_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Folds sold reservations into their variants' numbers: on hand and
/// reserved both drop by what was sold (available is unchanged, so this can
/// lag the sale safely) and the ledger gets its `sell` entries. Batched by
/// the stock gate right after sales and run by the minute job for anything
/// a crash left. Concurrent runs skip each other's rows. Returns how many
/// reservations it settled.
pub async fn settle_sold(pool: &PgPool) -> AppResult<u64> {
    let mut tx = pool.begin().await?;
    let sold = sqlx::query!(
        "SELECT id, variant_id FROM stock_reservations WHERE status = 'sold'
         ORDER BY variant_id LIMIT 5000 FOR UPDATE SKIP LOCKED"
    )
    .fetch_all(&mut *tx)
    .await?;
    if sold.is_empty() {
        return Ok(0);
    }
    let ids: Vec<Uuid> = sold.iter().map(|r| r.id).collect();
    let mut variants: Vec<Uuid> = sold.iter().map(|r| r.variant_id).collect();
    variants.dedup();
    sqlx::query!("SELECT id FROM product_variants WHERE id = ANY($1) ORDER BY id FOR UPDATE", &variants)
        .fetch_all(&mut *tx)
        .await?;
    sqlx::query!(
        r#"WITH r AS (
               UPDATE stock_reservations SET status = 'settled' WHERE id = ANY($1)
               RETURNING id, variant_id, quantity, order_id),
           v AS (
               UPDATE product_variants pv
               SET stock_on_hand = pv.stock_on_hand - s.quantity, stock_reserved = pv.stock_reserved - s.quantity
               FROM (SELECT variant_id, sum(quantity)::int AS quantity FROM r GROUP BY variant_id) s
               WHERE pv.id = s.variant_id)
           INSERT INTO inventory_movements (variant_id, kind, on_hand_delta, reserved_delta, reservation_id, order_id)
           SELECT variant_id, 'sell', -quantity, -quantity, id, order_id FROM r ORDER BY variant_id, id"#,
        &ids
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(ids.len() as u64)
}

/// Puts returned or cancelled units back on hand.
pub async fn restock(
    tx: &mut PgConnection,
    variant_id: Uuid,
    quantity: i32,
    order_id: Uuid,
    actor: Option<Uuid>,
    reason: &str,
) -> AppResult<()> {
    sqlx::query!("UPDATE product_variants SET stock_on_hand = stock_on_hand + $2 WHERE id = $1", variant_id, quantity)
        .execute(&mut *tx)
        .await?;
    movement(tx, variant_id, "return", quantity, 0, Some(reason), None, Some(order_id), actor).await
}

/// Releases reservations whose time ran out, checkout by checkout. A
/// checkout whose payment is in flight keeps its stock (the payment's
/// outcome decides), and one being placed right now (row locked) is skipped
/// until the next run. Returns how many checkouts were released.
pub async fn expire_due(pool: &PgPool, now: DateTime<Utc>) -> AppResult<u64> {
    let due = sqlx::query_scalar!(
        "SELECT DISTINCT r.checkout_id FROM stock_reservations r
         WHERE r.status = 'active' AND r.expires_at <= $1
           AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.checkout_id = r.checkout_id AND p.status = 'pending')
         LIMIT 1000",
        now
    )
    .fetch_all(pool)
    .await?;
    let mut expired = 0;
    for checkout_id in due {
        let mut tx = pool.begin().await?;
        let locked = sqlx::query_scalar!(
            "SELECT id FROM checkouts WHERE id = $1 AND step NOT IN ('placed') FOR UPDATE SKIP LOCKED",
            checkout_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        let in_flight = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM payments WHERE checkout_id = $1 AND status = 'pending') AS "x!""#,
            checkout_id
        )
        .fetch_one(&mut *tx)
        .await?;
        if locked.is_none() || in_flight {
            continue;
        }
        let still_due = sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM stock_reservations
                              WHERE checkout_id = $1 AND status = 'active' AND expires_at <= $2) AS "x!""#,
            checkout_id,
            now
        )
        .fetch_one(&mut *tx)
        .await?;
        if still_due {
            release(&mut tx, checkout_id, Release::Expired).await?;
            sqlx::query!("UPDATE checkouts SET reserved_until = NULL WHERE id = $1", checkout_id)
                .execute(&mut *tx)
                .await?;
            expired += 1;
        }
        tx.commit().await?;
    }
    Ok(expired)
}

#[allow(clippy::too_many_arguments)]
async fn movement(
    tx: &mut PgConnection,
    variant_id: Uuid,
    kind: &str,
    on_hand_delta: i32,
    reserved_delta: i32,
    reason: Option<&str>,
    reservation_id: Option<Uuid>,
    order_id: Option<Uuid>,
    actor: Option<Uuid>,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO inventory_movements
             (variant_id, kind, on_hand_delta, reserved_delta, reason, reservation_id, order_id, actor_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        variant_id,
        kind,
        on_hand_delta,
        reserved_delta,
        reason,
        reservation_id,
        order_id,
        actor
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// A variant whose numbers disagree with its ledger or its reservations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    pub variant_id: Uuid,
    pub on_hand: i32,
    pub ledger_on_hand: i64,
    pub reserved: i32,
    pub ledger_reserved: i64,
    pub active_reservations: i64,
}

/// Every variant whose on hand or reserved differs from its ledger's sums,
/// or whose reserved differs from its active and not yet settled sold
/// reservations. Empty when the
/// books reconcile (tests and the flash-sale benchmark check this).
pub async fn reconcile(pool: &PgPool) -> AppResult<Vec<Mismatch>> {
    let rows = sqlx::query!(
        r#"SELECT v.id, v.stock_on_hand, v.stock_reserved,
                  COALESCE(l.on_hand, 0) AS "ledger_on_hand!", COALESCE(l.reserved, 0) AS "ledger_reserved!",
                  COALESCE(r.quantity, 0) AS "active!"
           FROM product_variants v
           LEFT JOIN (SELECT variant_id, sum(on_hand_delta) AS on_hand, sum(reserved_delta) AS reserved
                      FROM inventory_movements GROUP BY variant_id) l ON l.variant_id = v.id
           LEFT JOIN (SELECT variant_id, sum(quantity) AS quantity FROM stock_reservations
                      WHERE status IN ('active', 'sold') GROUP BY variant_id) r ON r.variant_id = v.id
           WHERE v.stock_on_hand <> COALESCE(l.on_hand, 0) OR v.stock_reserved <> COALESCE(l.reserved, 0)
              OR v.stock_reserved <> COALESCE(r.quantity, 0)"#
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Mismatch {
            variant_id: r.id,
            on_hand: r.stock_on_hand,
            ledger_on_hand: r.ledger_on_hand,
            reserved: r.stock_reserved,
            ledger_reserved: r.ledger_reserved,
            active_reservations: r.active,
        })
        .collect())
}

/// Every variant of the shop's products with its numbers, for the owner.
pub async fn shop_stock(pool: &PgPool, shop_id: Uuid) -> AppResult<Vec<StockRow>> {
    let rows = sqlx::query_as!(
        StockRow,
        r#"SELECT v.id AS variant_id, p.id AS product_id, p.title AS product_title, v.title AS variant_title, v.sku,
                  v.stock_on_hand AS on_hand, v.stock_reserved AS reserved
           FROM product_variants v JOIN products p ON p.id = v.product_id
           WHERE v.shop_id = $1 AND p.status <> 'archived'
           ORDER BY p.title, p.id, v.position"#,
        shop_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// The shop that owns a variant, checked against `owner`.
pub async fn variant_shop_for_owner(tx: &mut PgConnection, variant_id: Uuid, owner: Uuid) -> AppResult<Uuid> {
    let row = sqlx::query!(
        "SELECT s.id, s.owner_id FROM product_variants v JOIN shops s ON s.id = v.shop_id WHERE v.id = $1",
        variant_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Variant".into()))?;
    if row.owner_id != owner {
        return Err(AppError::Forbidden);
    }
    Ok(row.id)
}

/// A variant's latest ledger entries, newest first.
pub async fn history(pool: &PgPool, variant_id: Uuid, limit: i64) -> AppResult<Vec<Movement>> {
    let rows = sqlx::query_as!(
        Movement,
        r#"SELECT kind, on_hand_delta, reserved_delta, reason, created_at AS at
           FROM inventory_movements WHERE variant_id = $1 ORDER BY id DESC LIMIT $2"#,
        variant_id,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// The shop's latest ledger entries with the item each one is about.
pub async fn shop_history(pool: &PgPool, shop_id: Uuid, limit: i64) -> AppResult<Vec<(String, Movement)>> {
    let rows = sqlx::query!(
        r#"SELECT p.title, v.title AS variant_title, m.kind, m.on_hand_delta, m.reserved_delta, m.reason, m.created_at
           FROM inventory_movements m
           JOIN product_variants v ON v.id = m.variant_id
           JOIN products p ON p.id = v.product_id
           WHERE v.shop_id = $1 ORDER BY m.id DESC LIMIT $2"#,
        shop_id,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let name = super::item_name(&r.title, &r.variant_title);
            let movement = Movement {
                kind: r.kind,
                on_hand_delta: r.on_hand_delta,
                reserved_delta: r.reserved_delta,
                reason: r.reason,
                at: r.created_at,
            };
            (name, movement)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::user;

    use crate::test_support::{checkout_for, count_true as futures_count, stocked_variant};

    async fn numbers(pool: &PgPool, variant: Uuid) -> (i32, i32) {
        let r = sqlx::query!("SELECT stock_on_hand, stock_reserved FROM product_variants WHERE id = $1", variant)
            .fetch_one(pool)
            .await
            .unwrap();
        (r.stock_on_hand, r.stock_reserved)
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn reservations_hold_release_and_sell_with_a_reconciling_ledger(pool: PgPool) {
        let owner = user(&pool, "maker").await;
        let buyer = user(&pool, "buyer").await;
        let variant = stocked_variant(&pool, owner, "maker_shop", 5).await;
        let later = crate::clock::Clock::system().now() + chrono::Duration::minutes(10);

        let first = checkout_for(&pool, buyer, variant).await;
        let mut tx = pool.begin().await.unwrap();
        reserve(&mut tx, first, &[Hold { variant_id: variant, quantity: 3 }], later).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(numbers(&pool, variant).await, (5, 3));

        let other = user(&pool, "other").await;
        let second = checkout_for(&pool, other, variant).await;
        let mut tx = pool.begin().await.unwrap();
        let err = reserve(&mut tx, second, &[Hold { variant_id: variant, quantity: 3 }], later).await.unwrap_err();
        assert_eq!(err, AppError::SoldOut("Only 2 left of Linen shirt.".into()));
        drop(tx);
        assert_eq!(numbers(&pool, variant).await, (5, 3), "a failed hold changes nothing");

        let mut tx = pool.begin().await.unwrap();
        assert_eq!(release(&mut tx, first, Release::Released).await.unwrap(), 1);
        tx.commit().await.unwrap();
        assert_eq!(numbers(&pool, variant).await, (5, 0));

        let mut tx = pool.begin().await.unwrap();
        let hold = Hold { variant_id: variant, quantity: 2 };
        reserve(&mut tx, second, &[hold], later).await.unwrap();
        let order_id = Uuid::new_v4();
        sell(&mut tx, second, order_id, &[hold]).await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(numbers(&pool, variant).await, (5, 2), "sold units stay held until settled");
        assert!(reconcile(&pool).await.unwrap().is_empty());
        assert_eq!(settle_sold(&pool).await.unwrap(), 1);
        assert_eq!(settle_sold(&pool).await.unwrap(), 0, "settled once");
        assert_eq!(numbers(&pool, variant).await, (3, 0));
        assert!(reconcile(&pool).await.unwrap().is_empty());

        let kinds: Vec<String> = history(&pool, variant, 10).await.unwrap().into_iter().map(|m| m.kind).collect();
        assert_eq!(kinds, vec!["sell", "reserve", "release", "reserve", "receive"]);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn concurrent_checkouts_never_oversell(pool: PgPool) {
        let owner = user(&pool, "maker").await;
        let variant = stocked_variant(&pool, owner, "maker_shop", 7).await;
        let later = crate::clock::Clock::system().now() + chrono::Duration::minutes(10);
        let mut checkouts = Vec::new();
        for i in 0..30 {
            let buyer = user(&pool, &format!("buyer{i}")).await;
            checkouts.push(checkout_for(&pool, buyer, variant).await);
        }
        let tasks = checkouts.into_iter().map(|checkout| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let mut tx = pool.begin().await.unwrap();
                let hold = Hold { variant_id: variant, quantity: 1 };
                match reserve(&mut tx, checkout, &[hold], later).await {
                    Ok(()) => {
                        sell(&mut tx, checkout, Uuid::new_v4(), &[hold]).await.unwrap();
                        tx.commit().await.unwrap();
                        true
                    }
                    Err(AppError::SoldOut(_)) => false,
                    Err(other) => panic!("unexpected {other:?}"),
                }
            })
        });
        let sold = futures_count(tasks).await;
        assert_eq!(sold, 7);
        assert_eq!(settle_sold(&pool).await.unwrap(), 7);
        assert_eq!(numbers(&pool, variant).await, (0, 0));
        assert!(reconcile(&pool).await.unwrap().is_empty());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn expired_reservations_return_unless_payment_is_in_flight(pool: PgPool) {
        let owner = user(&pool, "maker").await;
        let buyer = user(&pool, "buyer").await;
        let variant = stocked_variant(&pool, owner, "maker_shop", 4).await;
        let past = crate::clock::Clock::system().now() - chrono::Duration::seconds(1);
        let idle = checkout_for(&pool, buyer, variant).await;
        let other = user(&pool, "other").await;
        let paying = checkout_for(&pool, other, variant).await;
        for checkout in [idle, paying] {
            let mut tx = pool.begin().await.unwrap();
            reserve(&mut tx, checkout, &[Hold { variant_id: variant, quantity: 2 }], past).await.unwrap();
            tx.commit().await.unwrap();
        }
        sqlx::query!(
            "INSERT INTO payments (id, checkout_id, idempotency_key, provider, amount_minor, currency, snapshot)
             VALUES ($1, $2, 'k1', 'test', 5000, 'USD', '{}')",
            Uuid::new_v4(),
            paying
        )
        .execute(&pool)
        .await
        .unwrap();

        assert_eq!(expire_due(&pool, crate::clock::Clock::system().now()).await.unwrap(), 1);
        assert_eq!(numbers(&pool, variant).await, (4, 2));
        assert_eq!(expire_due(&pool, crate::clock::Clock::system().now()).await.unwrap(), 0, "nothing left to expire");
        assert!(reconcile(&pool).await.unwrap().is_empty());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn adjustments_need_a_reason_and_respect_held_stock(pool: PgPool) {
        let owner = user(&pool, "maker").await;
        let buyer = user(&pool, "buyer").await;
        let variant = stocked_variant(&pool, owner, "maker_shop", 5).await;
        let checkout = checkout_for(&pool, buyer, variant).await;
        let mut tx = pool.begin().await.unwrap();
        reserve(&mut tx, checkout, &[Hold { variant_id: variant, quantity: 3 }], crate::clock::Clock::system().now())
            .await
            .unwrap();
        tx.commit().await.unwrap();

        let mut tx = pool.begin().await.unwrap();
        let err = set_on_hand(&mut tx, variant, 2, Some(owner), "count").await.unwrap_err();
        assert_eq!(err.field(), Some("on_hand"));
        drop(tx);
        let mut tx = pool.begin().await.unwrap();
        set_on_hand(&mut tx, variant, 8, Some(owner), "stock count").await.unwrap();
        receive(&mut tx, variant, 2, Some(owner), "delivery").await.unwrap();
        tx.commit().await.unwrap();
        assert_eq!(numbers(&pool, variant).await, (10, 3));
        assert!(reconcile(&pool).await.unwrap().is_empty());

        let direct =
            sqlx::query!("UPDATE product_variants SET stock_reserved = 11 WHERE id = $1", variant).execute(&pool).await;
        assert!(direct.is_err(), "available can never go negative, whatever code runs");
        let rewrite =
            sqlx::query!("DELETE FROM inventory_movements WHERE variant_id = $1", variant).execute(&pool).await;
        assert!(rewrite.is_err(), "the ledger is append-only");
    }

    #[test]
    fn sold_out_messages_say_what_is_left() {
        assert_eq!(sold_out_message("Tote", 0), "Sold out: Tote.");
        assert_eq!(sold_out_message("Tote", 1), "Only 1 left of Tote.");
        assert_eq!(sold_out_message("Tote", 3), "Only 3 left of Tote.");
    }
}

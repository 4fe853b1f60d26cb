//! Claiming seats and what follows: a join is three steps, so the payment
//! provider is never asked while a lock is held.
//! 1. `claim` (one transaction, the group row locked): check the group, the
//!    shopper's limit and the price they saw; write the seat's checkout
//!    (a cart of its own at the group price, the saved address, standard
//!    shipping), hold its stock until the group's deadline, record a
//!    `pending` payment with the priced order's snapshot and the member,
//!    count the seats and publish `group.changed`.
//! 2. Ask the provider to authorize the saved card under the payment's key.
//! 3. `record` (the group row locked again): build the member's pending
//!    order, or, for a decline, give the seats back (`decline`). The seat
//!    that completes the group sells every member's held stock and marks
//!    it full; their payments are then captured (`capture_members`).
//!
//! `expire_due` ends groups whose time ran out: voids every authorization,
//! cancels the pending orders and frees the stock. Groups own their
//! payments: `checkout::place::recover` leaves them alone.

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{check_join, confirm_price, GroupLive, GroupStatus};
use crate::cart::db::Owner;
use crate::checkout::db::{self as checkout_db, CheckoutRow};
use crate::checkout::place::Snapshot;
use crate::checkout::pricing::LineInput;
use crate::checkout::shipping::ShippingOption;
use crate::error::{AppError, AppResult};
use crate::inventory::db::{self as inventory, Hold, Release};
use crate::money::{Currency, Money};
use crate::orders::db::{self as orders_db, NewOrder};
use crate::orders::OrderStatus;
use crate::payments::provider::{AuthStatus, Authorization, AuthorizeRequest, PaymentProvider, ProviderError, Source};
use crate::wallet::db::{self as wallet_db, Ready};

/// Where a join goes: a new group on a variant's deal, or an existing group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    Start(Uuid),
    Group(Uuid),
}

/// A join as the form sent it.
#[derive(Debug, Clone, Copy)]
pub struct JoinRequest<'a> {
    pub user: Uuid,
    pub seats: i32,
    /// The group price the form showed.
    pub shown: Money,
    /// The context token the group was found through (a post's card).
    pub ctx: Option<&'a str>,
    /// The form's key: the same key is the same join.
    pub click: Uuid,
}

/// A join that went through: the member's pending order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Joined {
    pub group: Uuid,
    pub order: Uuid,
    /// This join completed the group (every member's payment was taken).
    pub filled: bool,
}

/// What `claim` wrote, for the steps after it.
struct Claim {
    group: Uuid,
    member: Uuid,
    payment: Uuid,
    key: String,
    amount: i64,
    currency: Currency,
}

/// The group row, locked.
struct Locked {
    id: Uuid,
    variant_id: Uuid,
    product_id: Uuid,
    shop_id: Uuid,
    organiser_id: Uuid,
    price: Money,
    size: i32,
    max_per_customer: i32,
    joined: i32,
    stored: String,
    expires_at: DateTime<Utc>,
}

impl Locked {
    fn status(&self, now: DateTime<Utc>) -> GroupStatus {
        GroupStatus::of(&self.stored, self.joined, self.size, self.expires_at, now)
    }
}

async fn lock_group(tx: &mut PgConnection, id: Uuid) -> AppResult<Locked> {
    let r = sqlx::query!(
        "SELECT id, variant_id, product_id, shop_id, organiser_id, price_minor, currency, size, max_per_customer,
                joined, status, expires_at
         FROM buy_groups WHERE id = $1 FOR UPDATE",
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Group".into()))?;
    Ok(Locked {
        id: r.id,
        variant_id: r.variant_id,
        product_id: r.product_id,
        shop_id: r.shop_id,
        organiser_id: r.organiser_id,
        price: Money::new(r.price_minor, Currency::parse(&r.currency)?),
        size: r.size,
        max_per_customer: r.max_per_customer,
        joined: r.joined,
        stored: r.status,
        expires_at: r.expires_at,
    })
}

/// Publishes the group's seats and status as they now are, in `tx`.
pub(super) async fn publish(tx: &mut PgConnection, group: Uuid, now: DateTime<Utc>) -> AppResult<()> {
    let r = sqlx::query!("SELECT joined, size, status, expires_at FROM buy_groups WHERE id = $1", group)
        .fetch_one(&mut *tx)
        .await?;
    let live = GroupLive {
        group_id: group,
        joined: r.joined,
        size: r.size,
        status: GroupStatus::of(&r.status, r.joined, r.size, r.expires_at, now),
        expires_at: r.expires_at,
    };
    let payload = serde_json::to_value(&live).map_err(|_| AppError::Internal)?;
    crate::outbox::publish(tx, "group", group, "group.changed", payload).await
}

/// Tells the group's organiser and members (but `except`) of `kind`.
async fn notify(
    tx: &mut PgConnection,
    group: Uuid,
    kind: &str,
    actor: Option<Uuid>,
    except: Option<Uuid>,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO group_notices (group_id, user_id, kind, actor_id)
         SELECT $1, who, $2, $3 FROM (
             SELECT organiser_id AS who FROM buy_groups WHERE id = $1
             UNION
             SELECT user_id FROM group_members WHERE group_id = $1 AND status IN ('pending', 'authorized', 'captured')
         ) people WHERE who IS DISTINCT FROM $4",
        group,
        kind,
        actor,
        except
    )
    .execute(&mut *tx)
    .await?;
    let payload = serde_json::json!({ "kind": kind, "actor_id": actor, "except": except });
    crate::outbox::publish(tx, "group", group, super::NOTICED, payload).await
}

/// Starts a group on a variant's deal (the starter is its organiser and
/// first member) or joins one, paying with the saved card.
pub async fn join(
    pool: &PgPool,
    provider: &dyn PaymentProvider,
    target: Target,
    req: JoinRequest<'_>,
    now: DateTime<Utc>,
) -> AppResult<Joined> {
    let ready = {
        let mut conn = pool.acquire().await?;
        if let Some(done) = repeated(&mut conn, &req).await? {
            return done;
        }
        wallet_db::ready(&mut conn, req.user).await?.ok_or_else(|| {
            AppError::validation(
                "group",
                "Add a card and a shipping address in Payment and shipping (/settings/payment) to join a group.",
            )
        })?
    };
    if let Err(e) = crate::checkout::address::validate(&(&ready.address).into()) {
        return Err(AppError::validation("group", format!("Update your saved address in Payment and shipping: {e}")));
    }
    let claim = claim(pool, target, &req, &ready, now).await?;
    let customer = wallet_db::customer(req.user);
    let request = AuthorizeRequest {
        idempotency_key: &claim.key,
        amount_minor: claim.amount,
        currency: claim.currency,
        source: Source::Saved { token: &ready.token, customer: &customer },
    };
    match provider.authorize(request).await {
        Ok(Authorization { status: AuthStatus::Authorized, reference, .. }) => {
            record(pool, provider, &claim, &reference, now).await
        }
        Ok(Authorization { status: AuthStatus::Declined { code, message }, .. }) => {
            decline(pool, &claim, &code, &message, now).await?;
            Err(AppError::PaymentDeclined(message))
        }
        Err(ProviderError::Rejected(e)) => {
            decline(pool, &claim, "rejected", &e, now).await?;
            Err(AppError::PaymentDeclined("The payment was refused. Please use another card.".into()))
        }
        Err(ProviderError::Transient(e)) => {
            tracing::warn!(member = %claim.member, error = %e, "group authorization outcome unknown");
            Err(AppError::Unavailable(
                "We couldn't confirm your payment yet. Your seat is held; you won't be charged twice.".into(),
            ))
        }
    }
}

/// The outcome of a join this click already made, if it made one.
async fn repeated(conn: &mut PgConnection, req: &JoinRequest<'_>) -> AppResult<Option<AppResult<Joined>>> {
    let found = sqlx::query!(
        "SELECT group_id, order_id, status FROM group_members WHERE click_key = $1 AND user_id = $2",
        req.click,
        req.user
    )
    .fetch_optional(&mut *conn)
    .await?;
    Ok(found.map(|m| match (m.order_id, m.status.as_str()) {
        (Some(order), _) => Ok(Joined { group: m.group_id, order, filled: false }),
        (None, "pending") => Err(AppError::Unavailable("Your payment is still being confirmed.".into())),
        _ => Err(AppError::conflict("group", "That join didn't go through. Try again.")),
    }))
}

/// Step 1: the seat, its stock and its pending payment, or an error and
/// nothing written.
async fn claim(
    pool: &PgPool,
    target: Target,
    req: &JoinRequest<'_>,
    ready: &Ready,
    now: DateTime<Utc>,
) -> AppResult<Claim> {
    let mut tx = pool.begin().await?;
    let group = match target {
        Target::Start(variant) => start_locked(&mut tx, variant, req, now).await?,
        Target::Group(id) => {
            let group = lock_group(&mut tx, id).await?;
            if crate::social::safety::db::blocked_between(&mut *tx, req.user, group.organiser_id).await? {
                return Err(AppError::NotFound("Group".into()));
            }
            group
        }
    };
    confirm_price(req.shown, group.price)?;
    let mine = sqlx::query_scalar!(
        r#"SELECT coalesce(sum(quantity), 0)::int AS "n!" FROM group_members
           WHERE group_id = $1 AND user_id = $2 AND status IN ('pending', 'authorized', 'captured')"#,
        group.id,
        req.user
    )
    .fetch_one(&mut *tx)
    .await?;
    check_join(group.status(now), group.joined, group.size, req.seats, mine, group.max_per_customer)?;

    let row = write_checkout(&mut tx, &group, req, ready).await?;
    let item = sqlx::query!(
        "SELECT p.title, v.title AS variant_title, v.sku FROM product_variants v JOIN products p ON p.id = v.product_id
         WHERE v.id = $1",
        group.variant_id
    )
    .fetch_one(&mut *tx)
    .await?;
    let line = LineInput {
        cart_line_id: Uuid::new_v4(),
        variant_id: group.variant_id,
        product_id: group.product_id,
        title: item.title,
        variant_title: item.variant_title,
        sku: item.sku,
        quantity: req.seats,
        unit_price_minor: group.price.minor,
        attribution: context(req.ctx),
    };
    let (priced, _) = checkout_db::price_lines(&mut tx, &row, vec![line], now).await?;
    if priced.shipping.is_none() {
        return Err(AppError::validation("group", "The shop doesn't ship to your saved address."));
    }
    inventory::reserve(
        &mut tx,
        row.id,
        &[Hold { variant_id: group.variant_id, quantity: req.seats }],
        group.expires_at,
    )
    .await?;
    let address = row.address.clone().ok_or(AppError::Internal)?;
    let snapshot = Snapshot { email: row.email.clone(), address, priced, plan: None };
    let amount = snapshot.priced.totals.total;
    let (payment, member) = (Uuid::new_v4(), Uuid::new_v4());
    let key = format!("group_seat_{}", member.simple());
    sqlx::query!(
        "INSERT INTO payments (id, checkout_id, idempotency_key, provider, amount_minor, currency, card_brand, card_last4, snapshot)
         VALUES ($1, $2, $3, 'test', $4, $5, $6, $7, $8::text::jsonb)",
        payment,
        row.id,
        key,
        amount,
        row.currency.code(),
        ready.card.brand,
        ready.card.last4,
        serde_json::to_string(&snapshot).map_err(|_| AppError::Internal)?
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO group_members (id, group_id, user_id, quantity, click_key, checkout_id, payment_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        member,
        group.id,
        req.user,
        req.seats,
        req.click,
        row.id,
        payment
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        crate::db_errors::on_constraint(
            e,
            &[("group_members_click_key_key", || AppError::conflict("group", "That join is already being made."))],
        )
    })?;
    sqlx::query!("UPDATE buy_groups SET joined = joined + $2 WHERE id = $1", group.id, req.seats)
        .execute(&mut *tx)
        .await?;
    publish(&mut tx, group.id, now).await?;
    tx.commit().await?;
    Ok(Claim { group: group.id, member, payment, key, amount, currency: row.currency })
}

/// A context token worth keeping on the order line.
fn context(ctx: Option<&str>) -> Option<String> {
    ctx.map(str::trim).filter(|c| !c.is_empty() && c.len() <= 1000).map(str::to_string)
}

/// A new group on the variant's active deal, locked in `tx` (it is new: no
/// one else sees it until commit). Refused when the stock available now
/// can't fill it.
async fn start_locked(
    tx: &mut PgConnection,
    variant: Uuid,
    req: &JoinRequest<'_>,
    now: DateTime<Utc>,
) -> AppResult<Locked> {
    let d = sqlx::query!(
        r#"SELECT d.product_id, d.shop_id, d.price_minor, d.currency, d.group_size, d.duration_hours,
                  d.max_per_customer, v.stock_on_hand - v.stock_reserved AS "available!", p.title
           FROM group_deals d JOIN product_variants v ON v.id = d.variant_id JOIN products p ON p.id = d.product_id
           WHERE d.variant_id = $1 AND d.active AND p.status = 'active'
           FOR UPDATE OF v"#,
        variant
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Group deal".into()))?;
    if d.available < d.group_size {
        return Err(AppError::SoldOut(format!(
            "Only {} of {} left: not enough for a group of {}.",
            d.available.max(0),
            d.title,
            d.group_size
        )));
    }
    let id = Uuid::new_v4();
    let expires_at = now + chrono::Duration::hours(d.duration_hours.into());
    sqlx::query!(
        "INSERT INTO buy_groups (id, variant_id, product_id, shop_id, organiser_id, price_minor, currency, size,
                                 max_per_customer, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        id,
        variant,
        d.product_id,
        d.shop_id,
        req.user,
        d.price_minor,
        d.currency,
        d.group_size,
        d.max_per_customer,
        expires_at
    )
    .execute(&mut *tx)
    .await?;
    lock_group(tx, id).await
}

/// The seat's own cart (one line at the group price) and checkout at the
/// payment step with the saved address and standard shipping, locked.
async fn write_checkout(
    tx: &mut PgConnection,
    group: &Locked,
    req: &JoinRequest<'_>,
    ready: &Ready,
) -> AppResult<CheckoutRow> {
    let cart = Uuid::new_v4();
    sqlx::query!("INSERT INTO carts (id, user_id, status) VALUES ($1, $2, 'express')", cart, req.user)
        .execute(&mut *tx)
        .await?;
    sqlx::query!(
        "INSERT INTO cart_lines (id, cart_id, variant_id, quantity, seen_price_minor, currency, attribution)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        Uuid::new_v4(),
        cart,
        group.variant_id,
        req.seats,
        group.price.minor,
        group.price.currency.code(),
        context(req.ctx)
    )
    .execute(&mut *tx)
    .await?;
    let checkout = Uuid::new_v4();
    let a = &ready.address;
    sqlx::query!(
        "INSERT INTO checkouts (id, cart_id, shop_id, user_id, currency, step, email, ship_name, ship_line1, ship_line2,
                                ship_city, ship_region, ship_postal_code, ship_country, ship_phone, shipping_option)
         SELECT $1, $2, $3, $4, s.currency, 'payment', (SELECT email FROM users WHERE id = $4), $5, $6, $7, $8, $9,
                $10, $11, $12, $13
         FROM shops s WHERE s.id = $3",
        checkout,
        cart,
        group.shop_id,
        req.user,
        a.name,
        a.line1,
        a.line2,
        a.city,
        a.region,
        a.postal_code,
        a.country,
        a.phone,
        ShippingOption::Standard.code(),
    )
    .execute(&mut *tx)
    .await?;
    checkout_db::lock(tx, checkout, &Owner::User(req.user)).await
}

/// Step 3 for an authorization: the member's pending order, and the group
/// filled if this was its last seat. An authorization that arrives after
/// the group ended is voided.
async fn record(
    pool: &PgPool,
    provider: &dyn PaymentProvider,
    claim: &Claim,
    reference: &str,
    now: DateTime<Utc>,
) -> AppResult<Joined> {
    let mut tx = pool.begin().await?;
    let group = lock_group(&mut tx, claim.group).await?;
    let m = sqlx::query!(
        "SELECT m.user_id, m.quantity, m.checkout_id, m.order_id, m.status, p.snapshot::text AS \"snapshot!\"
         FROM group_members m JOIN payments p ON p.id = m.payment_id WHERE m.id = $1 FOR UPDATE OF m",
        claim.member
    )
    .fetch_one(&mut *tx)
    .await?;
    if m.status != "pending" {
        tx.commit().await?;
        return match m.order_id {
            Some(order) => Ok(Joined { group: group.id, order, filled: false }),
            None => {
                void_quietly(provider, reference).await;
                Err(ended())
            }
        };
    }
    if group.stored != "open" || now >= group.expires_at {
        end_seat(&mut tx, claim.member, None, Release::Released).await?;
        tx.commit().await?;
        void_quietly(provider, reference).await;
        return Err(ended());
    }
    let snapshot: Snapshot = serde_json::from_str(&m.snapshot).map_err(|e| {
        tracing::error!(member = %claim.member, error = %e, "unreadable group payment snapshot");
        AppError::Internal
    })?;
    let order = Uuid::new_v4();
    orders_db::insert(
        &mut tx,
        &NewOrder {
            id: order,
            shop_id: group.shop_id,
            buyer_id: Some(m.user_id),
            guest_email: None,
            checkout_id: m.checkout_id,
            email: &snapshot.email,
            address: &snapshot.address,
            priced: &snapshot.priced,
            placed_at: now,
        },
    )
    .await?;
    sqlx::query!(
        "UPDATE payments SET status = 'authorized', provider_ref = $2, order_id = $3 WHERE id = $1",
        claim.payment,
        reference,
        order
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE checkouts SET step = 'placed', order_id = $2, reserved_until = NULL WHERE id = $1",
        m.checkout_id,
        order
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("UPDATE group_members SET status = 'authorized', order_id = $2 WHERE id = $1", claim.member, order)
        .execute(&mut *tx)
        .await?;
    notify(&mut tx, group.id, "joined", Some(m.user_id), Some(m.user_id)).await?;
    let paid = sqlx::query_scalar!(
        r#"SELECT coalesce(sum(quantity), 0)::int AS "n!" FROM group_members WHERE group_id = $1 AND status = 'authorized'"#,
        group.id
    )
    .fetch_one(&mut *tx)
    .await?;
    let filled = paid == group.size;
    if filled {
        fill(&mut tx, &group, now).await?;
    }
    tx.commit().await?;
    if filled {
        capture_members(pool, provider, group.id).await?;
    }
    Ok(Joined { group: group.id, order, filled })
}

fn ended() -> AppError {
    AppError::conflict("group", "This group ended before your payment went through. Nothing was charged.")
}

async fn void_quietly(provider: &dyn PaymentProvider, reference: &str) {
    if let Err(e) = provider.void(reference).await {
        tracing::error!(reference, error = ?e, "voiding a late group authorization failed");
    }
}

/// Every seat is paid for: the held stock is sold to each member's order
/// and the group is full. Within the caller's transaction, group locked.
async fn fill(tx: &mut PgConnection, group: &Locked, now: DateTime<Utc>) -> AppResult<()> {
    let members = sqlx::query!(
        r#"SELECT checkout_id, order_id AS "order_id!", quantity FROM group_members
           WHERE group_id = $1 AND status = 'authorized' ORDER BY id"#,
        group.id
    )
    .fetch_all(&mut *tx)
    .await?;
    for m in members {
        inventory::sell(tx, m.checkout_id, m.order_id, &[Hold { variant_id: group.variant_id, quantity: m.quantity }])
            .await?;
    }
    sqlx::query!("UPDATE buy_groups SET status = 'full', ended_at = $2 WHERE id = $1", group.id, now)
        .execute(&mut *tx)
        .await?;
    notify(tx, group.id, "filled", None, None).await?;
    publish(tx, group.id, now).await
}

/// Captures the payments of a full group's members (their orders become
/// paid). A capture the provider fails is retried by `expire_due`'s run.
/// Returns how many were captured.
pub async fn capture_members(pool: &PgPool, provider: &dyn PaymentProvider, group: Uuid) -> AppResult<u64> {
    let orders = sqlx::query_scalar!(
        r#"SELECT m.order_id AS "order_id!" FROM group_members m JOIN buy_groups g ON g.id = m.group_id
           WHERE m.group_id = $1 AND g.status = 'full' AND m.status = 'authorized'"#,
        group
    )
    .fetch_all(pool)
    .await?;
    let mut captured = 0;
    for order in orders {
        crate::checkout::place::capture(pool, provider, order).await?;
        captured += sqlx::query!(
            "UPDATE group_members m SET status = 'captured' FROM payments p
             WHERE m.order_id = $1 AND p.id = m.payment_id AND p.status = 'captured' AND m.status = 'authorized'",
            order
        )
        .execute(pool)
        .await?
        .rows_affected();
    }
    Ok(captured)
}

/// Step 3 for a decline: the seats go back, the stock is released and the
/// payment records why. A group whose only seats these were is cancelled.
async fn decline(pool: &PgPool, claim: &Claim, code: &str, message: &str, now: DateTime<Utc>) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let group = lock_group(&mut tx, claim.group).await?;
    let m =
        sqlx::query!("SELECT quantity, checkout_id, status FROM group_members WHERE id = $1 FOR UPDATE", claim.member)
            .fetch_one(&mut *tx)
            .await?;
    if m.status != "pending" {
        return Ok(());
    }
    sqlx::query!("UPDATE group_members SET status = 'declined' WHERE id = $1", claim.member).execute(&mut *tx).await?;
    sqlx::query!(
        "UPDATE payments SET status = 'declined', failure_code = $2, failure_message = $3 WHERE id = $1 AND status = 'pending'",
        claim.payment,
        code,
        message
    )
    .execute(&mut *tx)
    .await?;
    inventory::release(&mut tx, m.checkout_id, Release::Released).await?;
    sqlx::query!("UPDATE checkouts SET step = 'abandoned', reserved_until = NULL WHERE id = $1", m.checkout_id)
        .execute(&mut *tx)
        .await?;
    if group.stored == "open" {
        sqlx::query!(
            "UPDATE buy_groups SET joined = joined - $2,
                    status = CASE WHEN joined - $2 = 0 THEN 'cancelled' ELSE status END,
                    ended_at = CASE WHEN joined - $2 = 0 THEN $3 ELSE ended_at END
             WHERE id = $1",
            group.id,
            m.quantity,
            now
        )
        .execute(&mut *tx)
        .await?;
        publish(&mut tx, group.id, now).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Ends one seat that will not be bought: its order (if any) cancelled
/// through the status machine, its payment voided, its stock released.
/// Within the caller's transaction, group locked.
async fn end_seat(tx: &mut PgConnection, member: Uuid, order: Option<Uuid>, why: Release) -> AppResult<()> {
    let m = sqlx::query!("SELECT checkout_id, payment_id FROM group_members WHERE id = $1 FOR UPDATE", member)
        .fetch_one(&mut *tx)
        .await?;
    if let Some(order) = order {
        let locked = orders_db::lock(tx, order).await?;
        if locked.status == OrderStatus::Pending {
            orders_db::transition(
                tx,
                &locked,
                OrderStatus::Cancelled,
                None,
                "Group deal expired; authorization voided",
            )
            .await?;
        }
    }
    sqlx::query!(
        "UPDATE payments SET status = 'voided', failure_code = 'group_ended', failure_message = 'The group ended before it filled.'
         WHERE id = $1 AND status IN ('pending', 'authorized')",
        m.payment_id
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("UPDATE group_members SET status = 'voided' WHERE id = $1", member).execute(&mut *tx).await?;
    inventory::release(tx, m.checkout_id, why).await?;
    sqlx::query!(
        "UPDATE checkouts SET step = CASE WHEN step = 'placed' THEN step ELSE 'abandoned' END, reserved_until = NULL
         WHERE id = $1",
        m.checkout_id
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Ends the groups whose time ran out at `now`: each is marked expired
/// (members told), then every seat's authorization is voided at the
/// provider and its order cancelled, its stock freed. A void the provider
/// fails is retried on the next run, as are captures of full groups the
/// provider failed. Returns how many groups expired.
pub async fn expire_due(pool: &PgPool, provider: &dyn PaymentProvider, now: DateTime<Utc>) -> AppResult<u64> {
    let due = sqlx::query!(
        r#"SELECT g.id, g.status FROM buy_groups g
           WHERE (g.status = 'open' AND g.expires_at <= $1)
              OR (g.status IN ('expired', 'cancelled', 'full') AND EXISTS (
                     SELECT 1 FROM group_members m WHERE m.group_id = g.id
                     AND m.status IN ('pending', 'authorized') AND m.updated_at <= $1))
           ORDER BY g.expires_at LIMIT 200"#,
        now
    )
    .fetch_all(pool)
    .await?;
    let mut expired = 0;
    for g in due {
        if g.status == "full" {
            capture_members(pool, provider, g.id).await?;
            continue;
        }
        let mut tx = pool.begin().await?;
        let group = lock_group(&mut tx, g.id).await?;
        if group.stored == "open" && group.expires_at <= now {
            sqlx::query!("UPDATE buy_groups SET status = 'expired', ended_at = $2 WHERE id = $1", group.id, now)
                .execute(&mut *tx)
                .await?;
            notify(&mut tx, group.id, "failed", None, None).await?;
            publish(&mut tx, group.id, now).await?;
            expired += 1;
        }
        tx.commit().await?;
        void_members(pool, provider, g.id).await?;
    }
    Ok(expired)
}

/// Voids the seats of an ended group, each on its own: the provider first
/// (a failure leaves that seat for the next run), then the books.
async fn void_members(pool: &PgPool, provider: &dyn PaymentProvider, group: Uuid) -> AppResult<()> {
    let seats = sqlx::query!(
        "SELECT m.id, m.order_id, m.status, p.provider_ref, p.idempotency_key
         FROM group_members m JOIN payments p ON p.id = m.payment_id
         WHERE m.group_id = $1 AND m.status IN ('pending', 'authorized') ORDER BY m.joined_at",
        group
    )
    .fetch_all(pool)
    .await?;
    for seat in seats {
        let reference = match (seat.status.as_str(), seat.provider_ref) {
            ("authorized", Some(reference)) => Some(reference),
            // A join whose answer never arrived: ask the provider.
            _ => match provider.lookup(&seat.idempotency_key).await {
                Ok(Some(Authorization { status: AuthStatus::Authorized, reference, .. })) => Some(reference),
                Ok(_) => None,
                Err(e) => {
                    tracing::warn!(member = %seat.id, error = ?e, "looking up a group authorization failed");
                    continue;
                }
            },
        };
        if let Some(reference) = &reference {
            if let Err(e) = provider.void(reference).await {
                tracing::warn!(member = %seat.id, error = ?e, "voiding a group authorization failed; retrying later");
                continue;
            }
        }
        let mut tx = pool.begin().await?;
        lock_group(&mut tx, group).await?;
        let still = sqlx::query_scalar!("SELECT status FROM group_members WHERE id = $1 FOR UPDATE", seat.id)
            .fetch_one(&mut *tx)
            .await?;
        if still == "pending" || still == "authorized" {
            end_seat(&mut tx, seat.id, seat.order_id, Release::Expired).await?;
        }
        tx.commit().await?;
    }
    Ok(())
}

//! SQL owned by checkout: the checkout row (the state machine's state), the
//! stock it holds, and pricing it from the cart, the shop's promotions and
//! the tax table. Every change locks the checkout row, so two tabs on the
//! same checkout take turns.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::address::Address;
use super::pricing::{self, LineInput, Priced};
use super::shipping::{self, ShippingOption, ShippingQuote};
use super::tax::TaxRate;
use super::{CheckoutView, Step};
use crate::cart::db::{self as cart_db, Owner};
use crate::error::{AppError, AppResult};
use crate::inventory::db::{self as inventory, Hold};
use crate::inventory::gate::{HoldRequest, StockGate};
use crate::money::{Currency, Money};

/// A checkout as stored.
#[derive(Debug, Clone)]
pub struct CheckoutRow {
    pub id: Uuid,
    pub cart_id: Uuid,
    pub shop_id: Uuid,
    /// `None` for a guest's checkout (its cart is the guest cookie's).
    pub user_id: Option<Uuid>,
    pub currency: Currency,
    pub step: Step,
    pub email: String,
    pub address: Option<Address>,
    pub shipping_option: Option<ShippingOption>,
    pub promo_codes: Vec<String>,
    pub attempt: i32,
    pub reserved_until: Option<DateTime<Utc>>,
    pub order_id: Option<Uuid>,
}

impl CheckoutRow {
    /// The payment provider's idempotency key for the current attempt.
    pub fn idempotency_key(&self) -> String {
        format!("checkout_{}_{}", self.id.simple(), self.attempt)
    }
}

/// The user's open checkout for `shop_handle`'s lines of their cart,
/// started if there is none; its stock is held (or its hold renewed). A
/// checkout holding nothing yet (the common case, and every buyer of a flash
/// sale) takes its hold through the stock gate, batched with everyone
/// else's, after this transaction commits.
pub async fn open(
    pool: &PgPool,
    stock: &StockGate,
    owner: impl Into<Owner>,
    shop_handle: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> AppResult<Uuid> {
    let owner = owner.into();
    let mut tx = pool.begin().await?;
    let cart = cart_db::find(&mut tx, &owner).await?.ok_or_else(empty_cart)?;
    let shop = sqlx::query!("SELECT id, currency FROM shops WHERE handle = $1", shop_handle.trim().to_lowercase())
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::NotFound("Shop".into()))?;
    // Nothing from this shop can be bought (sold out while in the cart):
    // say so before writing anything, the common answer in a flash sale.
    let lines = cart_db::lines(&mut tx, cart, Some(shop.id)).await?;
    if let Some((_, first)) = lines.first() {
        if !lines.iter().any(|(_, l)| l.line.purchasable()) {
            let note = first.line.status().message(&first.line).unwrap_or_default();
            return Err(AppError::SoldOut(format!("{}: {note}", first.line.name())));
        }
    }
    // The cart row serializes two tabs opening the same checkout.
    sqlx::query!("SELECT id FROM carts WHERE id = $1 FOR UPDATE", cart).fetch_one(&mut *tx).await?;
    let existing = sqlx::query_scalar!(
        "SELECT id FROM checkouts WHERE cart_id = $1 AND shop_id = $2 AND step IN ('contact', 'shipping', 'payment')",
        cart,
        shop.id
    )
    .fetch_optional(&mut *tx)
    .await?;
    let id = match existing {
        Some(id) => id,
        None => {
            let id = Uuid::new_v4();
            // A signed-in buyer's contact email starts as their account's;
            // a guest types theirs.
            let user = match &owner {
                Owner::User(user) => Some(*user),
                Owner::Guest(_) => None,
            };
            sqlx::query!(
                "INSERT INTO checkouts (id, cart_id, shop_id, user_id, currency, email)
                 VALUES ($1, $2, $3, $4, $5, (SELECT email FROM users WHERE id = $4))",
                id,
                cart,
                shop.id,
                user,
                shop.currency
            )
            .execute(&mut *tx)
            .await?;
            id
        }
    };
    let row = lock(&mut tx, id, &owner).await?;
    let (inputs, problems) = line_inputs(&mut tx, &row).await?;
    if inputs.is_empty() && problems.is_empty() {
        return Err(empty_cart());
    }
    cart_db::confirm_prices(&mut tx, cart, shop.id).await?;
    let plan = plan_hold(&mut tx, &row, now, ttl).await?;
    if plan.held.is_empty() && !plan.wanted.is_empty() {
        tx.commit().await?;
        stock.hold(HoldRequest { checkout_id: id, holds: plan.wanted, until: plan.until }).await?;
    } else {
        apply_hold(&mut tx, &row, plan).await?;
        tx.commit().await?;
    }
    Ok(id)
}

fn empty_cart() -> AppError {
    AppError::NotFound("Nothing from this shop in your cart".into())
}

/// Locks the checkout for a change by `owner`: a signed-in buyer's own, or
/// a guest checkout whose cart is the guest cookie's. Anyone else's is
/// `NotFound` (its existence is not revealed).
pub async fn lock(tx: &mut PgConnection, id: Uuid, owner: &Owner) -> AppResult<CheckoutRow> {
    let (row, cart_token) = lock_any(tx, id).await?;
    let mine = match owner {
        Owner::User(user) => row.user_id == Some(*user),
        Owner::Guest(hash) => row.user_id.is_none() && cart_token.as_deref() == Some(hash.as_slice()),
    };
    if !mine {
        return Err(AppError::NotFound("Checkout".into()));
    }
    Ok(row)
}

/// Locks the checkout whoever owns it, with its cart's guest token hash:
/// for placing an order the owner already started paying for.
pub async fn lock_any(tx: &mut PgConnection, id: Uuid) -> AppResult<(CheckoutRow, Option<Vec<u8>>)> {
    let row = sqlx::query!(
        r#"SELECT c.id, c.cart_id, c.shop_id, c.user_id, c.currency, c.step, c.email, c.ship_name, c.ship_line1,
                  c.ship_line2, c.ship_city, c.ship_region, c.ship_postal_code, c.ship_country, c.ship_phone,
                  c.shipping_option, c.promo_codes, c.attempt, c.reserved_until, c.order_id, k.token_hash
           FROM checkouts c JOIN carts k ON k.id = c.cart_id WHERE c.id = $1 FOR UPDATE OF c"#,
        id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Checkout".into()))?;
    let cart_token = row.token_hash;
    let address = match (row.ship_name, row.ship_line1, row.ship_city, row.ship_country) {
        (Some(name), Some(line1), Some(city), Some(country)) => Some(Address {
            name,
            line1,
            line2: row.ship_line2.unwrap_or_default(),
            city,
            region: row.ship_region.unwrap_or_default(),
            postal_code: row.ship_postal_code.unwrap_or_default(),
            country,
            phone: row.ship_phone.unwrap_or_default(),
        }),
        _ => None,
    };
    let checkout = CheckoutRow {
        id: row.id,
        cart_id: row.cart_id,
        shop_id: row.shop_id,
        user_id: row.user_id,
        currency: Currency::parse(&row.currency)?,
        step: Step::parse(&row.step)?,
        email: row.email.unwrap_or_default(),
        address,
        shipping_option: row.shipping_option.as_deref().map(ShippingOption::parse).transpose()?,
        promo_codes: row.promo_codes,
        attempt: row.attempt,
        reserved_until: row.reserved_until,
        order_id: row.order_id,
    };
    Ok((checkout, cart_token))
}

/// The cart lines this checkout sells, at current prices.
pub async fn line_inputs(tx: &mut PgConnection, row: &CheckoutRow) -> AppResult<(Vec<LineInput>, Vec<String>)> {
    let rows = cart_db::lines(tx, row.cart_id, Some(row.shop_id)).await?;
    let mut problems = Vec::new();
    let mut inputs = Vec::new();
    for (_, l) in rows {
        if !l.line.purchasable() {
            let note = l.line.status().message(&l.line).unwrap_or_default();
            problems.push(format!("{}: {note}", l.line.name()));
            continue;
        }
        inputs.push(LineInput {
            cart_line_id: l.line.id,
            variant_id: l.line.variant_id,
            product_id: l.line.product_id,
            title: l.line.title,
            variant_title: l.line.variant_title,
            sku: l.sku,
            quantity: l.line.quantity,
            unit_price_minor: l.line.price.minor,
            attribution: l.attribution,
        })
    }
    Ok((inputs, problems))
}

/// What a checkout should hold against what it holds now.
pub struct HoldPlan {
    pub wanted: Vec<Hold>,
    pub held: Vec<Hold>,
    pub until: DateTime<Utc>,
}

async fn plan_hold(tx: &mut PgConnection, row: &CheckoutRow, now: DateTime<Utc>, ttl: Duration) -> AppResult<HoldPlan> {
    let (inputs, _) = line_inputs(tx, row).await?;
    let mut wanted: Vec<Hold> = Vec::new();
    for l in &inputs {
        match wanted.iter_mut().find(|h| h.variant_id == l.variant_id) {
            Some(h) => h.quantity += l.quantity,
            None => wanted.push(Hold { variant_id: l.variant_id, quantity: l.quantity }),
        }
    }
    wanted.sort_by_key(|h| h.variant_id);
    let held: Vec<Hold> = sqlx::query!(
        r#"SELECT variant_id, sum(quantity)::int AS "quantity!" FROM stock_reservations
           WHERE checkout_id = $1 AND status = 'active' GROUP BY variant_id ORDER BY variant_id"#,
        row.id
    )
    .fetch_all(&mut *tx)
    .await?
    .into_iter()
    .map(|r| Hold { variant_id: r.variant_id, quantity: r.quantity })
    .collect();
    let until = now + chrono::Duration::from_std(ttl).unwrap_or_else(|_| chrono::Duration::minutes(10));
    Ok(HoldPlan { wanted, held, until })
}

/// Makes the checkout's reservations match the plan within `tx`: renewed
/// when they already do (only the reservation rows change), taken afresh
/// otherwise. On a shortage the error names the item and the transaction
/// must roll back.
async fn apply_hold(tx: &mut PgConnection, row: &CheckoutRow, plan: HoldPlan) -> AppResult<()> {
    let HoldPlan { wanted, held, until } = plan;
    if held == wanted {
        sqlx::query!(
            "UPDATE stock_reservations SET expires_at = $2 WHERE checkout_id = $1 AND status = 'active'",
            row.id,
            until
        )
        .execute(&mut *tx)
        .await?;
    } else {
        inventory::release(tx, row.id, inventory::Release::Released).await?;
        if !wanted.is_empty() {
            inventory::reserve(tx, row.id, &wanted, until).await?;
        }
    }
    let until = (!wanted.is_empty()).then_some(until);
    sqlx::query!("UPDATE checkouts SET reserved_until = $2 WHERE id = $1", row.id, until).execute(&mut *tx).await?;
    Ok(())
}

/// Makes the checkout's reservations match its lines, within `tx`.
pub async fn sync_hold(tx: &mut PgConnection, row: &CheckoutRow, now: DateTime<Utc>, ttl: Duration) -> AppResult<()> {
    let plan = plan_hold(tx, row, now, ttl).await?;
    apply_hold(tx, row, plan).await
}

/// The destination's tax: the region's own rate, else the country's, else
/// none (documented in the README's tax table).
pub async fn tax_rate(db: &mut PgConnection, country: &str, region: &str) -> AppResult<TaxRate> {
    let row = sqlx::query!(
        "SELECT name, rate_bp, inclusive FROM tax_rates
         WHERE country = $1 AND region IN ($2, '') ORDER BY region DESC LIMIT 1",
        country,
        region.trim().to_uppercase()
    )
    .fetch_optional(&mut *db)
    .await?;
    Ok(row
        .map(|r| TaxRate { name: r.name, rate_bp: r.rate_bp, inclusive: r.inclusive })
        .unwrap_or_else(TaxRate::untaxed))
}

/// Prices the checkout as it stands now.
pub async fn price(
    tx: &mut PgConnection,
    row: &CheckoutRow,
    now: DateTime<Utc>,
) -> AppResult<(Priced, Vec<ShippingQuote>, Vec<String>)> {
    let (inputs, problems) = line_inputs(tx, row).await?;
    let (priced, quotes) = price_lines(tx, row, inputs, now).await?;
    Ok((priced, quotes, problems))
}

/// Prices `inputs` as `row`'s lines (its shop, buyer, address, shipping and
/// codes), with the shipping quotes for its address. The one place the
/// rules, usage and tax rate are read: a checkout and Buy now's quote (whose
/// row is not stored) price alike.
pub async fn price_lines(
    tx: &mut PgConnection,
    row: &CheckoutRow,
    inputs: Vec<LineInput>,
    now: DateTime<Utc>,
) -> AppResult<(Priced, Vec<ShippingQuote>)> {
    let rules = crate::promotions::db::live_rules(tx, row.shop_id).await?;
    let usage = crate::promotions::db::usage(tx, row.shop_id, row.user_id, &row.email).await?;
    let rate = match &row.address {
        Some(a) => tax_rate(tx, &a.country, &a.region).await?,
        None => TaxRate::untaxed(),
    };
    // Free shipping depends on the subtotal after discounts, so price the
    // goods first, then again with the shipping that subtotal earns.
    let goods = pricing::price(row.currency, inputs.clone(), &rules, &row.promo_codes, &usage, now, &rate, None);
    let after_discounts = Money::new(goods.totals.subtotal - goods.totals.discount, row.currency);
    // Tickets alone need no delivery: their one option is a free e-ticket,
    // whatever was chosen before (Buy now stores standard).
    let products: Vec<Uuid> = inputs.iter().map(|l| l.product_id).collect();
    let tickets_only = crate::events::tickets::db::only_tickets(tx, &products).await?;
    let quotes = match &row.address {
        Some(_) if tickets_only => vec![shipping::e_ticket(row.currency)],
        Some(a) => shipping::quotes(row.currency, &a.country, after_discounts),
        None => Vec::new(),
    };
    let chosen = match tickets_only {
        true => row.shipping_option.and(quotes.first().cloned()),
        false => row.shipping_option.and_then(|o| quotes.iter().find(|q| q.option == o).cloned()),
    };
    let priced = match chosen {
        Some(quote) => pricing::price(row.currency, inputs, &rules, &row.promo_codes, &usage, now, &rate, Some(quote)),
        None => goods,
    };
    Ok((priced, quotes))
}

/// The checkout page's data.
pub async fn view(pool: &PgPool, id: Uuid, owner: impl Into<Owner>, now: DateTime<Utc>) -> AppResult<CheckoutView> {
    let mut tx = pool.begin().await?;
    let row = lock(&mut tx, id, &owner.into()).await?;
    let (priced, quotes, problems) = price(&mut tx, &row, now).await?;
    let shop = sqlx::query!("SELECT handle, name FROM shops WHERE id = $1", row.shop_id).fetch_one(&mut *tx).await?;
    let last_failure = sqlx::query_scalar!(
        "SELECT failure_message FROM payments WHERE checkout_id = $1 AND status IN ('declined', 'failed')
         ORDER BY created_at DESC LIMIT 1",
        row.id
    )
    .fetch_optional(&mut *tx)
    .await?
    .flatten();
    let plans = crate::plans::checkout::for_view(&mut tx, &row, &priced).await?;
    tx.commit().await?;
    Ok(CheckoutView {
        id: row.id,
        shop_handle: shop.handle,
        shop_name: shop.name,
        currency: row.currency,
        guest: row.user_id.is_none(),
        step: row.step,
        email: row.email,
        address: row.address,
        shipping_option: row.shipping_option,
        quotes,
        priced,
        promo_codes: row.promo_codes,
        reserved_until: row.reserved_until,
        last_failure: if row.step == Step::Placed { None } else { last_failure },
        order_id: row.order_id,
        problems,
        plans,
    })
}

/// Saves contact and address; the next step is shipping.
pub async fn save_address(
    pool: &PgPool,
    id: Uuid,
    owner: impl Into<Owner>,
    email: &str,
    a: &Address,
    now: DateTime<Utc>,
    ttl: Duration,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let row = lock(&mut tx, id, &owner.into()).await?;
    let next = row.step.after_address()?;
    sqlx::query!(
        "UPDATE checkouts SET email = $2, ship_name = $3, ship_line1 = $4, ship_line2 = $5, ship_city = $6,
                ship_region = $7, ship_postal_code = $8, ship_country = $9, ship_phone = $10, step = $11,
                shipping_option = NULL
         WHERE id = $1",
        id,
        email,
        a.name,
        a.line1,
        a.line2,
        a.city,
        a.region,
        a.postal_code,
        a.country,
        a.phone,
        next.as_str()
    )
    .execute(&mut *tx)
    .await?;
    sync_hold(&mut tx, &row, now, ttl).await?;
    tx.commit().await?;
    Ok(())
}

/// Saves the shipping choice (one of the destination's options); the next
/// step is payment.
pub async fn save_shipping(
    pool: &PgPool,
    id: Uuid,
    owner: impl Into<Owner>,
    option: ShippingOption,
    now: DateTime<Utc>,
    ttl: Duration,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let row = lock(&mut tx, id, &owner.into()).await?;
    let next = row.step.after_shipping()?;
    sqlx::query!(
        "UPDATE checkouts SET shipping_option = $2, step = $3 WHERE id = $1",
        id,
        option.code(),
        next.as_str()
    )
    .execute(&mut *tx)
    .await?;
    sync_hold(&mut tx, &row, now, ttl).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a promotion code if the shop's rules accept it for this cart now;
/// otherwise says why (expired, minimum not met...), keeping nothing.
pub async fn add_code(
    pool: &PgPool,
    id: Uuid,
    owner: impl Into<Owner>,
    code: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let mut row = lock(&mut tx, id, &owner.into()).await?;
    if !row.step.open() {
        return Err(AppError::conflict("code", "This order was already placed."));
    }
    if row.promo_codes.iter().any(|c| c == code) {
        return Ok(());
    }
    if row.promo_codes.len() >= super::MAX_CODES {
        return Err(AppError::validation("code", format!("Use at most {} codes.", super::MAX_CODES)));
    }
    row.promo_codes.push(code.to_string());
    let (priced, _, _) = price(&mut tx, &row, now).await?;
    if let Some(rejected) = priced.rejected.iter().find(|r| r.code.eq_ignore_ascii_case(code)) {
        return Err(AppError::validation("code", rejected.reason.message(row.currency)));
    }
    sqlx::query!("UPDATE checkouts SET promo_codes = $2 WHERE id = $1", id, &row.promo_codes).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

pub async fn remove_code(pool: &PgPool, id: Uuid, owner: impl Into<Owner>, code: &str) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let row = lock(&mut tx, id, &owner.into()).await?;
    let kept: Vec<String> = row.promo_codes.into_iter().filter(|c| c != code).collect();
    sqlx::query!("UPDATE checkouts SET promo_codes = $2 WHERE id = $1", id, &kept).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

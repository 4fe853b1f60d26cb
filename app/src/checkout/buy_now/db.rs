//! Buy now's writes: the click's checkout (a cart of its own with the one
//! line, at the payment step with the saved address and standard
//! shipping), its stock hold, the payment through `place::place`, and
//! tidying up a purchase that did not go through.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::BuyNowQuote;
use crate::cart::db::Owner;
use crate::cart::MAX_LINE_QUANTITY;
use crate::checkout::db::{self as checkout_db, CheckoutRow};
use crate::checkout::place::{self, Card, Placement};
use crate::checkout::pricing::LineInput;
use crate::checkout::shipping::ShippingOption;
use crate::checkout::Step;
use crate::error::{AppError, AppResult};
use crate::inventory::db::{self as inventory, Hold, Release};
use crate::inventory::gate::{HoldRequest, StockGate};
use crate::money::Money;
use crate::payments::cards::{CardBrand, CardDetails};
use crate::payments::provider::{PaymentProvider, Source};
use crate::wallet::db::{self as wallet_db, Ready};

/// One tap of Buy now, as the form sent it.
#[derive(Debug, Clone)]
pub struct Tap<'a> {
    pub user: Uuid,
    pub variant: Uuid,
    pub quantity: i32,
    /// The attribution context the product was found through.
    pub ctx: Option<&'a str>,
    /// The form's click key: the same key is the same purchase.
    pub click: Uuid,
    /// The total the button showed.
    pub shown: Money,
}

/// What buying needs to know of the variant.
struct Item {
    shop_id: Uuid,
    shop_currency: String,
    product_id: Uuid,
    title: String,
    variant_title: String,
    sku: String,
    price_minor: i64,
    currency: String,
    available: i32,
    name: String,
}

async fn item(conn: &mut PgConnection, variant: Uuid, quantity: i32) -> AppResult<Item> {
    if !(1..=MAX_LINE_QUANTITY).contains(&quantity) {
        return Err(AppError::validation("quantity", format!("Choose a quantity from 1 to {MAX_LINE_QUANTITY}.")));
    }
    let row = sqlx::query!(
        r#"SELECT v.shop_id, s.currency AS shop_currency, v.product_id, v.sku, v.price_minor, v.currency,
                  v.stock_on_hand - v.stock_reserved AS "available!", p.title, v.title AS variant_title, p.status,
                  v.on_sale
           FROM product_variants v JOIN products p ON p.id = v.product_id JOIN shops s ON s.id = v.shop_id
           WHERE v.id = $1"#,
        variant
    )
    .fetch_optional(&mut *conn)
    .await?
    .filter(|r| r.status == "active" && r.on_sale)
    .ok_or_else(|| AppError::NotFound("Product".into()))?;
    let name = crate::inventory::item_name(&row.title, &row.variant_title);
    if row.available <= 0 {
        return Err(AppError::SoldOut(format!("Sold out: {name}.")));
    }
    if quantity > row.available {
        return Err(AppError::SoldOut(format!("Only {} left of {name}.", row.available)));
    }
    Ok(Item {
        shop_id: row.shop_id,
        shop_currency: row.shop_currency,
        product_id: row.product_id,
        title: row.title,
        variant_title: row.variant_title,
        sku: row.sku,
        price_minor: row.price_minor,
        currency: row.currency,
        available: row.available,
        name,
    })
}

/// Writes the purchase's cart, line and checkout (at the payment step, with
/// the saved address and standard shipping) and returns the checkout,
/// locked. Within the caller's transaction.
async fn write_checkout(tx: &mut PgConnection, tap: &Tap<'_>, ready: &Ready) -> AppResult<CheckoutRow> {
    let item = item(tx, tap.variant, tap.quantity).await?;
    debug_assert!(item.available >= tap.quantity, "checked by item(): {}", item.name);
    let cart = Uuid::new_v4();
    sqlx::query!("INSERT INTO carts (id, user_id, status) VALUES ($1, $2, 'express')", cart, tap.user)
        .execute(&mut *tx)
        .await?;
    let ctx = tap.ctx.map(str::trim).filter(|a| !a.is_empty() && a.len() <= 1000);
    sqlx::query!(
        "INSERT INTO cart_lines (id, cart_id, variant_id, quantity, seen_price_minor, currency, attribution)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        Uuid::new_v4(),
        cart,
        tap.variant,
        tap.quantity,
        item.price_minor,
        item.currency,
        ctx
    )
    .execute(&mut *tx)
    .await?;
    let checkout = Uuid::new_v4();
    let a = &ready.address;
    sqlx::query!(
        "INSERT INTO checkouts (id, cart_id, shop_id, user_id, currency, step, email, ship_name, ship_line1, ship_line2,
                                ship_city, ship_region, ship_postal_code, ship_country, ship_phone, shipping_option)
         VALUES ($1, $2, $3, $4, $5, 'payment', (SELECT email FROM users WHERE id = $4), $6, $7, $8, $9, $10, $11, $12,
                 $13, $14)",
        checkout,
        cart,
        item.shop_id,
        tap.user,
        item.shop_currency,
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
    checkout_db::lock(tx, checkout, &Owner::User(tap.user)).await
}

/// The checkout this click started, if it started one (the shopper's own:
/// another's key finds nothing).
async fn clicked(conn: &mut PgConnection, tap: &Tap<'_>) -> AppResult<Option<Uuid>> {
    Ok(sqlx::query_scalar!(
        "SELECT checkout_id FROM buy_now_clicks WHERE click_key = $1 AND user_id = $2",
        tap.click,
        tap.user
    )
    .fetch_optional(conn)
    .await?)
}

/// The Buy now button's figures for `quantity` of a variant: the checkout
/// the purchase would write, priced by the same function as every checkout
/// (`checkout::db::price_lines`), without writing it. `None` when the
/// shopper has no saved card or address.
pub async fn quote(
    pool: &PgPool,
    user: Uuid,
    variant: Uuid,
    quantity: i32,
    now: DateTime<Utc>,
) -> AppResult<Option<BuyNowQuote>> {
    let mut conn = pool.acquire().await?;
    let item = item(&mut conn, variant, quantity).await?;
    let Some(ready) = wallet_db::ready(&mut conn, user).await? else { return Ok(None) };
    let email = sqlx::query_scalar!("SELECT email FROM users WHERE id = $1", user).fetch_one(&mut *conn).await?;
    let row = CheckoutRow {
        id: Uuid::nil(),
        cart_id: Uuid::nil(),
        shop_id: item.shop_id,
        user_id: Some(user),
        currency: crate::money::Currency::parse(&item.shop_currency)?,
        step: Step::Payment,
        email,
        address: Some(ready.address.clone()),
        shipping_option: Some(ShippingOption::Standard),
        promo_codes: Vec::new(),
        attempt: 1,
        reserved_until: None,
        order_id: None,
    };
    let line = LineInput {
        cart_line_id: Uuid::nil(),
        variant_id: variant,
        product_id: item.product_id,
        title: item.title,
        variant_title: item.variant_title,
        sku: item.sku,
        quantity,
        unit_price_minor: item.price_minor,
        attribution: None,
    };
    let (priced, _) = checkout_db::price_lines(&mut conn, &row, vec![line], now).await?;
    let shipping = match &priced.shipping {
        Some(q) if q.price.minor == 0 => format!("{} shipping (free)", q.option.label()),
        Some(q) => format!("{} shipping {}", q.option.label(), q.price.display()),
        None => return Err(AppError::Internal),
    };
    Ok(Some(BuyNowQuote {
        total: Money::new(priced.totals.total, row.currency),
        card: ready.card.summary(),
        ship_to: format!("{}, {}", ready.address.name, ready.address.city),
        shipping,
    }))
}

/// Buys now: returns the placed order. Double clicks and retries with the
/// same click key place one order. A purchase that does not go through
/// (a changed total, a decline, sold out) leaves nothing behind: its
/// checkout is abandoned and its stock released. Only when the provider's
/// answer is unknown does the checkout stay, for the recovery job to settle.
pub async fn buy(
    pool: &PgPool,
    stock: &StockGate,
    provider: &dyn PaymentProvider,
    tap: Tap<'_>,
    now: DateTime<Utc>,
    ttl: Duration,
) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let ready = wallet_db::ready(&mut tx, tap.user).await?.ok_or_else(|| {
        AppError::validation("buy_now", "Add a card and a shipping address in Payment and shipping to use Buy now.")
    })?;
    // Saved addresses were valid when saved; the rules may have moved since.
    if let Err(e) = crate::checkout::address::validate(&(&ready.address).into()) {
        return Err(AppError::validation("buy_now", format!("Update your saved address in Payment and shipping: {e}")));
    }
    let checkout = match clicked(&mut tx, &tap).await? {
        Some(checkout) => {
            tx.commit().await?;
            checkout
        }
        None => {
            let row = write_checkout(&mut tx, &tap, &ready).await?;
            tx.commit().await?;
            // The stock is held before the click is recorded: a second
            // request that finds the click finds the hold in place too.
            let until = now + chrono::Duration::from_std(ttl).unwrap_or_else(|_| chrono::Duration::minutes(10));
            let holds = vec![Hold { variant_id: tap.variant, quantity: tap.quantity }];
            let held = stock.hold(HoldRequest { checkout_id: row.id, holds, until }).await;
            let recorded = match held {
                Ok(()) => sqlx::query!(
                    "INSERT INTO buy_now_clicks (click_key, user_id, checkout_id) VALUES ($1, $2, $3)
                     ON CONFLICT (click_key) DO NOTHING",
                    tap.click,
                    tap.user,
                    row.id
                )
                .execute(pool)
                .await?
                .rows_affected(),
                Err(_) => 0,
            };
            if recorded == 1 {
                row.id
            } else {
                // Sold out, or another request with this click recorded its
                // checkout first: this one's goes, and the click's purchase
                // is followed instead, if there is one.
                abandon(pool, row.id).await?;
                let mut conn = pool.acquire().await?;
                match (clicked(&mut conn, &tap).await?, held) {
                    (Some(checkout), _) => checkout,
                    (None, Err(e)) => return Err(e),
                    (None, Ok(())) => return Err(AppError::Internal),
                }
            }
        }
    };
    let customer = wallet_db::customer(tap.user);
    let details = CardDetails {
        brand: CardBrand::from_name(&ready.card.brand),
        last4: ready.card.last4.clone(),
        exp_month: ready.card.exp_month,
        exp_year: ready.card.exp_year,
    };
    let card = Card { source: Source::Saved { token: &ready.token, customer: &customer }, details: &details };
    let placement = Placement { checkout, buyer: Owner::User(tap.user), card, shown: tap.shown };
    match place::place(pool, provider, placement, now, ttl).await {
        Ok(order) => Ok(order),
        Err(e @ AppError::Unavailable(_)) => Err(e),
        Err(e) => {
            abandon(pool, checkout).await?;
            Err(match e {
                // The click's purchase is over; the next tap is a new one.
                AppError::Conflict { field, .. } if field == "checkout" => {
                    AppError::conflict("buy_now", "That purchase didn't go through. Tap Buy now to try again.")
                }
                other => other,
            })
        }
    }
}

/// Closes a Buy now checkout that will not be placed and releases its
/// stock, unless a payment for it is still pending (the recovery job
/// settles that one) or it was placed meanwhile.
async fn abandon(pool: &PgPool, checkout: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let (row, _) = checkout_db::lock_any(&mut tx, checkout).await?;
    if !row.step.open() {
        return Ok(());
    }
    let pending = sqlx::query_scalar!(
        "SELECT count(*) AS \"n!\" FROM payments WHERE checkout_id = $1 AND status = 'pending'",
        checkout
    )
    .fetch_one(&mut *tx)
    .await?;
    if pending > 0 {
        return Ok(());
    }
    inventory::release(&mut tx, checkout, Release::Released).await?;
    sqlx::query!(
        "UPDATE checkouts SET step = $2, reserved_until = NULL WHERE id = $1",
        checkout,
        Step::Abandoned.as_str()
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::Clock;
    use crate::inventory::gate::StockGate;
    use crate::money::Currency;
    use crate::payments::test_provider::TestProvider;
    use crate::test_support::{address, stocked_variant, user, wallet_with, TTL};

    async fn count(pool: &PgPool, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap()
    }

    struct World {
        pool: PgPool,
        provider: TestProvider,
        gate: StockGate,
        buyer: Uuid,
        variant: Uuid,
    }

    async fn world(pool: PgPool, stock: i32, card: &str) -> World {
        let maker = user(&pool, "maker").await;
        let buyer = user(&pool, "buyer").await;
        let variant = stocked_variant(&pool, maker, "maker_shop", stock).await;
        let provider = TestProvider::new(pool.clone());
        wallet_with(&pool, &provider, buyer, card).await;
        let gate = StockGate::start(pool.clone());
        World { pool, provider, gate, buyer, variant }
    }

    impl World {
        async fn quote(&self, quantity: i32) -> BuyNowQuote {
            quote(&self.pool, self.buyer, self.variant, quantity, Clock::system().now()).await.unwrap().unwrap()
        }

        async fn buy(&self, quantity: i32, click: Uuid, shown: Money) -> AppResult<Uuid> {
            let tap = Tap { user: self.buyer, variant: self.variant, quantity, ctx: Some("ctx-9"), click, shown };
            buy(&self.pool, &self.gate, &self.provider, tap, Clock::system().now(), TTL).await
        }

        async fn reserved(&self) -> i32 {
            sqlx::query_scalar!("SELECT stock_reserved FROM product_variants WHERE id = $1", self.variant)
                .fetch_one(&self.pool)
                .await
                .unwrap()
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn one_call_buys_with_the_saved_card_and_address_and_leaves_the_cart_alone(pool: PgPool) {
        let w = world(pool, 5, "4242424242424242").await;
        crate::cart::db::add(&w.pool, &Owner::User(w.buyer), w.variant, 1, None).await.unwrap();
        let q = w.quote(2).await;
        // Exactly what the full checkout charges for the same goods, address
        // and shipping.
        let twin = user(&w.pool, "twin").await;
        let now = Clock::system().now();
        let checkout = crate::test_support::checkout_ready(&w.pool, twin, w.variant, 2, now).await;
        assert_eq!(q.total, place::shown_total(&w.pool, checkout, twin, now).await.unwrap(), "{q:?}");
        assert_eq!(q.shipping, "Standard shipping $5.00");
        assert_eq!((q.card.as_str(), q.ship_to.as_str()), ("Visa •••• 4242", "Ada Shopper, San Francisco"));
        assert_eq!(
            count(&w.pool, "SELECT count(*) FROM carts WHERE status = 'express'").await,
            0,
            "a quote writes nothing"
        );

        let order = w.buy(2, Uuid::new_v4(), q.total).await.unwrap();
        let row = sqlx::query!(
            "SELECT o.status, o.total_minor, o.ship_city, l.quantity, l.attribution, p.card_last4
             FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN payments p ON p.order_id = o.id WHERE o.id = $1",
            order
        )
        .fetch_one(&w.pool)
        .await
        .unwrap();
        assert_eq!(row.status, "paid");
        assert_eq!(row.total_minor, q.total.minor, "charged what the button said");
        assert_eq!((row.ship_city.as_str(), row.quantity), ("San Francisco", 2));
        assert_eq!(row.attribution.as_deref(), Some("ctx-9"), "the context travels to the order line");
        assert_eq!(row.card_last4.as_deref(), Some("4242"));
        let in_cart = sqlx::query_scalar!(
            "SELECT l.quantity FROM cart_lines l JOIN carts c ON c.id = l.cart_id WHERE c.user_id = $1 AND c.status = 'open'",
            w.buyer
        )
        .fetch_all(&w.pool)
        .await
        .unwrap();
        assert_eq!(in_cart, vec![1], "the shopper's cart is as it was");
        assert!(crate::inventory::db::reconcile(&w.pool).await.unwrap().is_empty());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_double_click_places_one_order_and_charges_once(pool: PgPool) {
        let w = world(pool, 5, "4242424242424242").await;
        let q = w.quote(1).await;
        let click = Uuid::new_v4();
        let (a, b) = tokio::join!(w.buy(1, click, q.total), w.buy(1, click, q.total));
        assert_eq!(a.unwrap(), b.unwrap());
        assert_eq!(count(&w.pool, "SELECT count(*) FROM orders").await, 1);
        assert_eq!(count(&w.pool, "SELECT count(*) FROM test_provider_intents").await, 1);
        assert_eq!(count(&w.pool, "SELECT count(*) FROM checkouts WHERE step <> 'abandoned'").await, 1);
        assert_eq!(w.reserved().await, 1, "the second request's own hold went back");
        // A later retry of the same click finds the same order.
        assert_eq!(w.buy(1, click, q.total).await.unwrap(), a_order(&w.pool).await);
        // A new tap is a new purchase.
        w.buy(1, Uuid::new_v4(), q.total).await.unwrap();
        assert_eq!(count(&w.pool, "SELECT count(*) FROM orders").await, 2);
    }

    async fn a_order(pool: &PgPool) -> Uuid {
        sqlx::query_scalar!("SELECT id FROM orders ORDER BY placed_at LIMIT 1").fetch_one(pool).await.unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_stale_total_charges_nothing_and_holds_nothing(pool: PgPool) {
        let w = world(pool, 5, "4242424242424242").await;
        let q = w.quote(1).await;
        sqlx::query!("UPDATE product_variants SET price_minor = 2600 WHERE id = $1", w.variant)
            .execute(&w.pool)
            .await
            .unwrap();
        let err = w.buy(1, Uuid::new_v4(), q.total).await.unwrap_err();
        let AppError::TotalChanged { shown, total } = err else { panic!("{err:?}") };
        assert_eq!(shown, q.total);
        assert_eq!(total, w.quote(1).await.total, "the new total is the one the next quote shows");
        assert_eq!(count(&w.pool, "SELECT count(*) FROM test_provider_intents").await, 0, "nothing charged");
        assert_eq!(count(&w.pool, "SELECT count(*) FROM orders").await, 0);
        assert_eq!(w.reserved().await, 0, "nothing left held");
        assert_eq!(count(&w.pool, "SELECT count(*) FROM checkouts WHERE step <> 'abandoned'").await, 0);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_declined_saved_card_charges_nothing_and_releases_the_stock(pool: PgPool) {
        let w = world(pool, 5, "4000000000000002").await;
        let q = w.quote(1).await;
        let err = w.buy(1, Uuid::new_v4(), q.total).await.unwrap_err();
        assert_eq!(err, AppError::PaymentDeclined("Your card was declined.".into()));
        assert_eq!(count(&w.pool, "SELECT count(*) FROM orders").await, 0);
        assert_eq!(w.reserved().await, 0);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn sold_out_says_so_and_writes_nothing(pool: PgPool) {
        let w = world(pool, 1, "4242424242424242").await;
        let q = w.quote(1).await;
        let err = w.buy(2, Uuid::new_v4(), q.total).await.unwrap_err();
        assert_eq!(err, AppError::SoldOut("Only 1 left of Linen shirt.".into()));
        assert_eq!(count(&w.pool, "SELECT count(*) FROM carts WHERE status = 'express'").await, 0);
        w.buy(1, Uuid::new_v4(), q.total).await.unwrap();
        let err = w.buy(1, Uuid::new_v4(), q.total).await.unwrap_err();
        assert!(matches!(err, AppError::SoldOut(_)), "{err:?}");
        assert_eq!(count(&w.pool, "SELECT count(*) FROM orders").await, 1);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_last_unit_goes_to_exactly_one_of_many_buyers(pool: PgPool) {
        let w = world(pool, 3, "4242424242424242").await;
        let q = w.quote(1).await;
        let mut tasks = Vec::new();
        for i in 0..12 {
            let shopper = user(&w.pool, &format!("rush{i}")).await;
            wallet_with(&w.pool, &w.provider, shopper, "4242424242424242").await;
            let (pool, gate, provider, variant) = (w.pool.clone(), w.gate.clone(), w.provider.clone(), w.variant);
            tasks.push(tokio::spawn(async move {
                let tap = Tap { user: shopper, variant, quantity: 1, ctx: None, click: Uuid::new_v4(), shown: q.total };
                buy(&pool, &gate, &provider, tap, Clock::system().now(), TTL).await.is_ok()
            }));
        }
        assert_eq!(crate::test_support::count_true(tasks.into_iter()).await, 3);
        assert_eq!(count(&w.pool, "SELECT count(*) FROM orders").await, 3);
        assert_eq!(w.reserved().await, 3, "sold, held until settled");
        assert!(crate::inventory::db::reconcile(&w.pool).await.unwrap().is_empty());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn without_saved_details_buy_now_says_what_to_add(pool: PgPool) {
        let maker = user(&pool, "maker").await;
        let shopper = user(&pool, "shopper").await;
        let variant = stocked_variant(&pool, maker, "maker_shop", 5).await;
        let provider = TestProvider::new(pool.clone());
        let gate = StockGate::start(pool.clone());
        let now = Clock::system().now();
        assert_eq!(
            quote(&pool, shopper, variant, 1, now).await.unwrap(),
            None,
            "no quote: the button goes to checkout"
        );
        wallet_db::save_address(&pool, shopper, &address()).await.unwrap();
        assert_eq!(quote(&pool, shopper, variant, 1, now).await.unwrap(), None, "an address alone is not enough");
        let tap = Tap {
            user: shopper,
            variant,
            quantity: 1,
            ctx: None,
            click: Uuid::new_v4(),
            shown: Money::new(2681, Currency::USD),
        };
        let err = buy(&pool, &gate, &provider, tap, now, TTL).await.unwrap_err();
        assert_eq!(err.field(), Some("buy_now"), "{err:?}");
        assert_eq!(count(&pool, "SELECT count(*) FROM checkouts").await, 0);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_saved_address_that_no_longer_validates_is_refused_before_anything_is_written(pool: PgPool) {
        let w = world(pool, 5, "4242424242424242").await;
        let q = w.quote(1).await;
        sqlx::query!(
            "UPDATE saved_addresses SET address = jsonb_set(address, '{country}', '\"ZZ\"') WHERE user_id = $1",
            w.buyer
        )
        .execute(&w.pool)
        .await
        .unwrap();
        let err = w.buy(1, Uuid::new_v4(), q.total).await.unwrap_err();
        assert_eq!(err.field(), Some("buy_now"), "{err:?}");
        assert!(err.to_string().contains("We don't ship to that country yet."), "{err}");
        assert_eq!(count(&w.pool, "SELECT count(*) FROM checkouts").await, 0);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_unknown_or_inactive_variant_is_not_found(pool: PgPool) {
        let w = world(pool, 5, "4242424242424242").await;
        let now = Clock::system().now();
        let err = quote(&w.pool, w.buyer, Uuid::new_v4(), 1, now).await.unwrap_err();
        assert!(matches!(err, AppError::NotFound(_)), "{err:?}");
        sqlx::query!("UPDATE products SET status = 'draft'").execute(&w.pool).await.unwrap();
        let err = w.buy(1, Uuid::new_v4(), Money::new(2681, Currency::USD)).await.unwrap_err();
        assert!(matches!(err, AppError::NotFound(_)), "{err:?}");
        let err = quote(&w.pool, w.buyer, w.variant, 0, now).await.unwrap_err();
        assert_eq!(err.field(), Some("quantity"));
    }
}

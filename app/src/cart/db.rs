//! SQL owned by the cart. Every change locks the cart row first, so two tabs
//! adding the same item can't lose an update or exceed the limits.

use std::collections::HashMap;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{CartLine, CartView, ShopCart, MAX_LINES, MAX_LINE_QUANTITY};
use crate::error::{AppError, AppResult};
use crate::money::{Currency, Money};

/// Whose cart: the signed-in user's, or the guest cookie's (by token hash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Owner {
    User(Uuid),
    Guest(Vec<u8>),
}

impl From<Uuid> for Owner {
    fn from(user: Uuid) -> Owner {
        Owner::User(user)
    }
}

/// The owner's open cart, if there is one.
pub async fn find(db: &mut PgConnection, owner: &Owner) -> AppResult<Option<Uuid>> {
    let id = match owner {
        Owner::User(user) => {
            sqlx::query_scalar!("SELECT id FROM carts WHERE user_id = $1 AND status = 'open'", user)
                .fetch_optional(&mut *db)
                .await?
        }
        Owner::Guest(hash) => {
            sqlx::query_scalar!(
                "SELECT id FROM carts WHERE token_hash = $1 AND status = 'open' AND user_id IS NULL",
                hash
            )
            .fetch_optional(&mut *db)
            .await?
        }
    };
    Ok(id)
}

/// The owner's open cart, created if there is none.
pub async fn open(db: &mut PgConnection, owner: &Owner) -> AppResult<Uuid> {
    if let Some(id) = find(db, owner).await? {
        return Ok(id);
    }
    let (user, hash) = match owner {
        Owner::User(user) => (Some(*user), None),
        Owner::Guest(hash) => (None, Some(hash.as_slice())),
    };
    // Two first requests can race: the unique indexes let one insert win.
    sqlx::query!(
        "INSERT INTO carts (id, user_id, token_hash) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        Uuid::new_v4(),
        user,
        hash
    )
    .execute(&mut *db)
    .await?;
    find(db, owner).await?.ok_or(AppError::Internal)
}

/// Moves a guest cart's lines into the user's cart (quantities of the same
/// variant add up, to the line limit; the guest's attribution wins as the
/// more recent), and closes the guest cart. Returns whether anything merged.
pub async fn merge_guest(tx: &mut PgConnection, guest_hash: &[u8], user: Uuid) -> AppResult<bool> {
    let guest = sqlx::query_scalar!(
        "SELECT id FROM carts WHERE token_hash = $1 AND status = 'open' AND user_id IS NULL FOR UPDATE",
        guest_hash
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(guest) = guest else {
        return Ok(false);
    };
    let target = open(tx, &Owner::User(user)).await?;
    sqlx::query!("SELECT id FROM carts WHERE id = $1 FOR UPDATE", target).fetch_one(&mut *tx).await?;
    sqlx::query!(
        "INSERT INTO cart_lines (id, cart_id, variant_id, quantity, seen_price_minor, currency, attribution, added_at)
         SELECT gen_random_uuid(), $2, variant_id, quantity, seen_price_minor, currency, attribution, added_at
         FROM cart_lines WHERE cart_id = $1
         ON CONFLICT (cart_id, variant_id) DO UPDATE
         SET quantity = LEAST(cart_lines.quantity + EXCLUDED.quantity, $3),
             attribution = COALESCE(EXCLUDED.attribution, cart_lines.attribution)",
        guest,
        target,
        MAX_LINE_QUANTITY
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!("DELETE FROM cart_lines WHERE cart_id = $1", guest).execute(&mut *tx).await?;
    // The merged cart is the user's now; its cookie token matches nothing,
    // so a browser that kept the cookie simply starts a new guest cart.
    sqlx::query!("UPDATE carts SET status = 'merged', user_id = $2, token_hash = NULL WHERE id = $1", guest, user)
        .execute(&mut *tx)
        .await?;
    Ok(true)
}

/// The variant a shopper may add: it and its product must be for sale.
struct Buyable {
    price_minor: i64,
    currency: String,
    available: i32,
    name: String,
}

async fn buyable(tx: &mut PgConnection, variant: Uuid) -> AppResult<Buyable> {
    let row = sqlx::query!(
        r#"SELECT v.price_minor, v.currency, v.stock_on_hand - v.stock_reserved AS "available!",
                  p.title, v.title AS variant_title, p.status, v.on_sale
           FROM product_variants v JOIN products p ON p.id = v.product_id WHERE v.id = $1"#,
        variant
    )
    .fetch_optional(&mut *tx)
    .await?
    .filter(|r| r.status == "active" && r.on_sale)
    .ok_or_else(|| AppError::NotFound("Product".into()))?;
    Ok(Buyable {
        price_minor: row.price_minor,
        currency: row.currency,
        available: row.available,
        name: crate::inventory::item_name(&row.title, &row.variant_title),
    })
}

/// Adds `quantity` of a variant (to the line if there is one). Refuses more
/// than is available or than a line holds, with a message saying how many.
pub async fn add(
    pool: &PgPool,
    owner: &Owner,
    variant: Uuid,
    quantity: i32,
    attribution: Option<&str>,
) -> AppResult<Uuid> {
    let mut tx = pool.begin().await?;
    let cart = open(&mut tx, owner).await?;
    lock(&mut tx, cart).await?;
    let item = buyable(&mut tx, variant).await?;
    let existing =
        sqlx::query_scalar!("SELECT quantity FROM cart_lines WHERE cart_id = $1 AND variant_id = $2", cart, variant)
            .fetch_optional(&mut *tx)
            .await?;
    let wanted = existing.unwrap_or(0) + quantity;
    if item.available <= 0 {
        return Err(AppError::SoldOut(format!("Sold out: {}.", item.name)));
    }
    if wanted > item.available {
        let have = existing.map(|n| format!(" (you have {n} in your cart)")).unwrap_or_default();
        return Err(AppError::SoldOut(format!("Only {} left of {}{have}.", item.available, item.name)));
    }
    if wanted > MAX_LINE_QUANTITY {
        return Err(AppError::validation("quantity", format!("A cart holds at most {MAX_LINE_QUANTITY} of one item.")));
    }
    if existing.is_none() {
        let lines = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM cart_lines WHERE cart_id = $1"#, cart)
            .fetch_one(&mut *tx)
            .await?;
        if lines >= MAX_LINES {
            return Err(AppError::validation("quantity", "Your cart is full: check out or remove something first."));
        }
    }
    let attribution = attribution.map(str::trim).filter(|a| !a.is_empty() && a.len() <= 1000);
    sqlx::query!(
        "INSERT INTO cart_lines (id, cart_id, variant_id, quantity, seen_price_minor, currency, attribution)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (cart_id, variant_id) DO UPDATE
         SET quantity = cart_lines.quantity + EXCLUDED.quantity,
             seen_price_minor = EXCLUDED.seen_price_minor, currency = EXCLUDED.currency,
             attribution = COALESCE(EXCLUDED.attribution, cart_lines.attribution)",
        Uuid::new_v4(),
        cart,
        variant,
        quantity,
        item.price_minor,
        item.currency,
        attribution
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(cart)
}

async fn lock(tx: &mut PgConnection, cart: Uuid) -> AppResult<()> {
    sqlx::query!("SELECT id FROM carts WHERE id = $1 FOR UPDATE", cart).fetch_one(&mut *tx).await?;
    Ok(())
}

/// Sets a line's quantity (the owner's own line only; `NotFound` otherwise).
/// Lowering is always allowed; raising is checked against what's available.
pub async fn set_quantity(pool: &PgPool, owner: &Owner, line: Uuid, quantity: i32) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let cart = find(&mut tx, owner).await?.ok_or_else(|| AppError::NotFound("Cart line".into()))?;
    lock(&mut tx, cart).await?;
    let row = sqlx::query!("SELECT variant_id, quantity FROM cart_lines WHERE id = $1 AND cart_id = $2", line, cart)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| AppError::NotFound("Cart line".into()))?;
    if quantity > row.quantity {
        let item = buyable(&mut tx, row.variant_id).await?;
        if quantity > item.available {
            return Err(AppError::SoldOut(crate::inventory::db::sold_out_message(&item.name, item.available)));
        }
    }
    sqlx::query!("UPDATE cart_lines SET quantity = $2 WHERE id = $1", line, quantity).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(())
}

/// Removes a line (the owner's own only).
pub async fn remove(pool: &PgPool, owner: &Owner, line: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let cart = find(&mut tx, owner).await?.ok_or_else(|| AppError::NotFound("Cart line".into()))?;
    let done =
        sqlx::query!("DELETE FROM cart_lines WHERE id = $1 AND cart_id = $2", line, cart).execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        return Err(AppError::NotFound("Cart line".into()));
    }
    tx.commit().await?;
    Ok(())
}

/// The shopper has now seen the current prices (checkout shows them):
/// price-change notes for the shop's lines are cleared.
pub async fn confirm_prices(tx: &mut PgConnection, cart: Uuid, shop: Uuid) -> AppResult<()> {
    sqlx::query!(
        "UPDATE cart_lines l SET seen_price_minor = v.price_minor, currency = v.currency
         FROM product_variants v
         WHERE l.cart_id = $1 AND v.id = l.variant_id AND v.shop_id = $2
           AND (l.seen_price_minor <> v.price_minor OR l.currency <> v.currency)",
        cart,
        shop
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// How many items the cart holds (for the header).
pub async fn count(pool: &PgPool, cart: Uuid) -> AppResult<i64> {
    let n = sqlx::query_scalar!(
        r#"SELECT COALESCE(sum(quantity), 0)::bigint AS "n!" FROM cart_lines WHERE cart_id = $1"#,
        cart
    )
    .fetch_one(pool)
    .await?;
    Ok(n)
}

/// A cart line with what checkout needs to carry it into an order.
#[derive(Debug, Clone)]
pub struct LineForOrder {
    pub line: CartLine,
    pub attribution: Option<String>,
    pub sku: String,
}

/// The cart's lines with current prices and stock, grouped by shop.
pub async fn view(db: &mut PgConnection, cart: Uuid) -> AppResult<CartView> {
    let rows = lines(db, cart, None).await?;
    let mut shops: Vec<ShopCart> = Vec::new();
    let mut index: HashMap<Uuid, usize> = HashMap::new();
    for (shop, line) in rows {
        let at = *index.entry(shop.shop_id).or_insert_with(|| {
            shops.push(shop.clone());
            shops.len() - 1
        });
        shops[at].lines.push(line.line);
    }
    Ok(CartView { shops })
}

/// The cart's lines for one shop (or all), each with its shop. What the
/// cart's own checkouts hold counts as available to it.
pub async fn lines(db: &mut PgConnection, cart: Uuid, shop: Option<Uuid>) -> AppResult<Vec<(ShopCart, LineForOrder)>> {
    let rows = sqlx::query!(
        r#"SELECT l.id, l.variant_id, l.quantity, l.seen_price_minor, l.currency AS seen_currency, l.attribution,
                  v.title AS variant_title, v.sku, v.price_minor, v.currency,
                  v.stock_on_hand - v.stock_reserved + COALESCE(held.quantity, 0) AS "available!",
                  p.id AS product_id, p.title, p.status = 'active' AND v.on_sale AS "for_sale!",
                  s.id AS shop_id, s.handle, s.name AS shop_name, s.currency AS shop_currency,
                  (SELECT i.url_150 FROM product_images i WHERE i.product_id = p.id ORDER BY i.position LIMIT 1) AS image_url
           FROM cart_lines l
           JOIN product_variants v ON v.id = l.variant_id
           JOIN products p ON p.id = v.product_id
           JOIN shops s ON s.id = v.shop_id
           -- Stock this cart's own open checkouts hold is still the shopper's.
           LEFT JOIN LATERAL (
               SELECT sum(r.quantity)::int AS quantity FROM stock_reservations r JOIN checkouts c ON c.id = r.checkout_id
               WHERE c.cart_id = l.cart_id AND r.variant_id = v.id AND r.status = 'active') held ON true
           WHERE l.cart_id = $1 AND ($2::uuid IS NULL OR s.id = $2)
           ORDER BY s.name, s.id, l.added_at, l.id"#,
        cart,
        shop
    )
    .fetch_all(&mut *db)
    .await?;
    rows.into_iter()
        .map(|r| {
            let shop_currency = Currency::parse(&r.shop_currency)?;
            let shop = ShopCart {
                shop_id: r.shop_id,
                handle: r.handle,
                name: r.shop_name,
                currency: shop_currency,
                lines: Vec::new(),
            };
            // A variant priced in another currency than its shop's can't
            // join that shop's order: it shows as unavailable.
            let price_currency = Currency::parse(&r.currency)?;
            let line = CartLine {
                id: r.id,
                variant_id: r.variant_id,
                product_id: r.product_id,
                title: r.title,
                variant_title: r.variant_title,
                image_url: r.image_url,
                quantity: r.quantity,
                price: Money::new(r.price_minor, price_currency),
                seen_price: Money::new(r.seen_price_minor, Currency::parse(&r.seen_currency)?),
                available: r.available,
                for_sale: r.for_sale && price_currency == shop_currency,
            };
            Ok((shop, LineForOrder { line, attribution: r.attribution, sku: r.sku }))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::stocked_variant;
    use crate::test_support::user;

    #[sqlx::test(migrations = "../migrations")]
    async fn guest_cart_merges_into_the_account(pool: PgPool) {
        let owner = user(&pool, "maker").await;
        let buyer = user(&pool, "buyer").await;
        let tote = stocked_variant(&pool, owner, "maker_shop", 10).await;
        let guest = Owner::Guest(vec![7; 32]);
        add(&pool, &guest, tote, 2, Some("ctx-guest")).await.unwrap();
        add(&pool, &Owner::User(buyer), tote, 1, None).await.unwrap();

        let mut tx = pool.begin().await.unwrap();
        assert!(merge_guest(&mut tx, &[7; 32], buyer).await.unwrap());
        tx.commit().await.unwrap();

        let mut conn = pool.acquire().await.unwrap();
        let cart = find(&mut conn, &Owner::User(buyer)).await.unwrap().unwrap();
        let view = view(&mut conn, cart).await.unwrap();
        assert_eq!(view.item_count(), 3);
        let attribution = sqlx::query_scalar!("SELECT attribution FROM cart_lines WHERE cart_id = $1", cart)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(attribution.as_deref(), Some("ctx-guest"));
        assert!(find(&mut conn, &guest).await.unwrap().is_none(), "the guest cart is closed");
        // A browser that kept the old cookie starts afresh as a guest.
        add(&pool, &guest, tote, 1, None).await.unwrap();
        assert!(find(&mut conn, &guest).await.unwrap().is_some());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn adding_respects_stock_and_ownership(pool: PgPool) {
        let owner = user(&pool, "maker").await;
        let buyer = user(&pool, "buyer").await;
        let other = user(&pool, "other").await;
        let tote = stocked_variant(&pool, owner, "maker_shop", 3).await;
        let me = Owner::User(buyer);
        add(&pool, &me, tote, 2, None).await.unwrap();
        let err = add(&pool, &me, tote, 2, None).await.unwrap_err();
        assert_eq!(err, AppError::SoldOut("Only 3 left of Linen shirt (you have 2 in your cart).".into()));

        let mut conn = pool.acquire().await.unwrap();
        let cart = find(&mut conn, &me).await.unwrap().unwrap();
        let line = view(&mut conn, cart).await.unwrap().shops[0].lines[0].id;
        let theirs = Owner::User(other);
        assert_eq!(set_quantity(&pool, &theirs, line, 1).await.unwrap_err(), AppError::NotFound("Cart line".into()));
        assert_eq!(remove(&pool, &theirs, line).await.unwrap_err(), AppError::NotFound("Cart line".into()));
        assert!(matches!(set_quantity(&pool, &me, line, 4).await.unwrap_err(), AppError::SoldOut(_)));
        set_quantity(&pool, &me, line, 1).await.unwrap();

        sqlx::query!("UPDATE product_variants SET price_minor = 3000 WHERE id = $1", tote)
            .execute(&pool)
            .await
            .unwrap();
        let shop = &view(&mut conn, cart).await.unwrap().shops[0];
        assert_eq!(shop.subtotal().minor, 3000, "totals use the current price");
        assert!(matches!(shop.lines[0].status(), super::super::LineStatus::PriceChanged { .. }));

        sqlx::query!("UPDATE products SET status = 'archived' WHERE id = (SELECT product_id FROM product_variants WHERE id = $1)", tote)
            .execute(&pool)
            .await
            .unwrap();
        assert_eq!(add(&pool, &me, tote, 1, None).await.unwrap_err(), AppError::NotFound("Product".into()));
        assert!(!view(&mut conn, cart).await.unwrap().shops[0].ready());
    }
}

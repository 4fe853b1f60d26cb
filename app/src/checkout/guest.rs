//! Checking out without an account. A guest's checkout belongs to their
//! cart cookie (`cart::db::Owner::Guest`) and runs through the same state
//! machine, stock holds, pricing, promotions and payment as a signed-in
//! buyer's; only what an account otherwise bounds is bounded here: how many
//! checkouts one address may hold stock with at once (and, in `place`, how
//! many payment attempts one checkout gets).

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::cart::db::Owner;
use crate::error::{AppError, AppResult};
use crate::inventory::gate::StockGate;

/// Open guest checkouts holding stock one address may have at once (a
/// household, an office behind one address); more would let one client
/// hold a shop's stock with fresh cookies.
pub const MAX_OPEN_PER_ADDRESS: i64 = 20;

/// Opens (or resumes) the guest's checkout for `shop`, as `db::open` does
/// for a signed-in buyer, once `ip` is within its limit.
pub async fn open(
    pool: &PgPool,
    stock: &StockGate,
    cart_token: Vec<u8>,
    shop: &str,
    ip: &str,
    now: DateTime<Utc>,
    ttl: Duration,
) -> AppResult<Uuid> {
    let owner = Owner::Guest(cart_token);
    let resuming = {
        let mut conn = pool.acquire().await?;
        let cart = crate::cart::db::find(&mut conn, &owner).await?;
        sqlx::query_scalar!(
            r#"SELECT EXISTS (SELECT 1 FROM checkouts c JOIN shops s ON s.id = c.shop_id
                WHERE c.cart_id = $1 AND s.handle = $2 AND c.step IN ('contact', 'shipping', 'payment')) AS "found!""#,
            cart,
            shop.trim().to_lowercase()
        )
        .fetch_one(&mut *conn)
        .await?
    };
    if !resuming {
        let holding = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM checkouts
               WHERE user_id IS NULL AND guest_ip = $1 AND step IN ('contact', 'shipping', 'payment')
                 AND reserved_until > $2"#,
            ip,
            now
        )
        .fetch_one(pool)
        .await?;
        if holding >= MAX_OPEN_PER_ADDRESS {
            return Err(AppError::RateLimited { retry_after_secs: ttl.as_secs().max(60) });
        }
    }
    let id = super::db::open(pool, stock, owner, shop, now, ttl).await?;
    sqlx::query!("UPDATE checkouts SET guest_ip = $2 WHERE id = $1 AND user_id IS NULL AND guest_ip IS NULL", id, ip)
        .execute(pool)
        .await?;
    Ok(id)
}

/// A server function's buyer: the signed-in user, else the guest cart
/// cookie's owner. With neither there is no cart, so nothing to check out.
pub async fn current_buyer() -> AppResult<Owner> {
    crate::cart::api::owner::current(false)
        .await?
        .ok_or_else(|| AppError::NotFound("Nothing from this shop in your cart".into()))
}

/// What a guest gets after paying: the order's page through its link (the
/// receipt with the same link is written to the outbox); a signed-in buyer
/// gets their order's page.
pub async fn confirmation_path(
    pool: &PgPool,
    public_url: &str,
    buyer: &Owner,
    order: Uuid,
    now: DateTime<Utc>,
) -> AppResult<String> {
    match buyer {
        Owner::User(_) => Ok(format!("/orders/{order}?placed=1")),
        Owner::Guest(_) => {
            // The order is placed and paid whatever happens to its mail:
            // the page below shows the link either way.
            if let Err(e) = crate::orders::guest::send_receipt(pool, public_url, order, now).await {
                tracing::error!(%order, error = %e, "writing a guest receipt failed");
            }
            let mut conn = pool.acquire().await?;
            let key = crate::orders::link::sign(&mut conn, order, now).await?;
            Ok(format!("{}&placed=1", crate::orders::guest::order_path(order, &key)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::validate::Email;
    use crate::checkout::db as checkout_db;
    use crate::checkout::place::{place_order, GUEST_MAX_ATTEMPTS};
    use crate::checkout::shipping::ShippingOption;
    use crate::payments::test_provider::TestProvider;
    use crate::test_support::{admin, checkout_ready, guest_checkout_ready, stocked_variant, user, TTL, VISA};

    fn clock_now() -> DateTime<Utc> {
        crate::clock::Clock::system().now()
    }

    async fn count(pool: &PgPool, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_guest_order_goes_through_the_same_path_and_is_stored_with_the_guest_email(pool: PgPool) {
        let maker = user(&pool, "maker").await;
        let variant = stocked_variant(&pool, maker, "maker_shop", 5).await;
        let (guest, checkout) = guest_checkout_ready(&pool, 1, variant, "gina@example.test", clock_now()).await;
        assert_eq!(count(&pool, "SELECT stock_reserved::bigint FROM product_variants").await, 1, "held like anyone's");
        let view = checkout_db::view(&pool, checkout, guest.clone(), clock_now()).await.unwrap();
        assert!(view.guest);
        assert_eq!(view.email, "gina@example.test");

        let provider = TestProvider::new(pool.clone());
        let order = place_order(&pool, &provider, checkout, guest.clone(), VISA, clock_now(), TTL).await.unwrap();
        let again = place_order(&pool, &provider, checkout, guest.clone(), VISA, clock_now(), TTL).await.unwrap();
        assert_eq!(order, again, "a second click lands on the same order");
        let o = sqlx::query!("SELECT buyer_id, guest_email, email, status FROM orders WHERE id = $1", order)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(o.buyer_id, None);
        assert_eq!(o.guest_email.as_deref(), Some("gina@example.test"));
        assert_eq!((o.email.as_str(), o.status.as_str()), ("gina@example.test", "paid"));
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 1, "charged once");
        let attribution = sqlx::query_scalar!("SELECT attribution FROM order_lines WHERE order_id = $1", order)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(attribution.as_deref(), Some("ctx-1"), "the cart line's context reaches the order line");
        assert_eq!(count(&pool, "SELECT count(*) FROM cart_lines").await, 0, "bought lines leave the guest cart");
        assert_eq!(crate::inventory::db::settle_sold(&pool).await.unwrap(), 1);
        assert_eq!(count(&pool, "SELECT stock_on_hand::bigint FROM product_variants").await, 4);

        // The confirmation is the order's link; the receipt with it is written once.
        let path = confirmation_path(&pool, "https://shop.example", &guest, order, clock_now()).await.unwrap();
        let retried = confirmation_path(&pool, "https://shop.example", &guest, order, clock_now()).await.unwrap();
        assert_eq!(path, retried, "the link is the same however often it is computed");
        let link = path.strip_suffix("&placed=1").unwrap();
        assert!(link.starts_with(&format!("/orders/{order}?key=")), "{link}");
        let mail = crate::mail::latest_to(&pool, "gina@example.test", Some("guest_receipt")).await.unwrap().unwrap();
        assert!(mail.text.contains(&format!("https://shop.example{link}")), "{}", mail.text);
        assert_eq!(count(&pool, "SELECT count(*) FROM mail_outbox WHERE kind = 'guest_receipt'").await, 1);
        // A signed-in buyer's confirmation is their order page, with no receipt mail here.
        assert_eq!(
            confirmation_path(&pool, "https://shop.example", &Owner::User(maker), order, clock_now()).await.unwrap(),
            format!("/orders/{order}?placed=1")
        );
    }

    /// Who may use a guest's checkout: only the browser whose cart cookie
    /// opened it. Another guest, any signed-in user (the shop's owner and
    /// an admin included) gets "not found" from every checkout function;
    /// and a guest can't reach a signed-in buyer's checkout.
    #[sqlx::test(migrations = "../migrations")]
    async fn authorization_matrix_for_the_checkout_functions(pool: PgPool) {
        let maker = user(&pool, "maker").await;
        let variant = stocked_variant(&pool, maker, "maker_shop", 5).await;
        let (guest, checkout) = guest_checkout_ready(&pool, 1, variant, "gina@example.test", clock_now()).await;
        let buyer = user(&pool, "buyer").await;
        let boss = admin(&pool, "boss").await;
        let provider = TestProvider::new(pool.clone());
        let a = crate::test_support::address();
        let others = [Owner::Guest(vec![2; 32]), Owner::User(buyer), Owner::User(maker), Owner::User(boss)];
        for other in others {
            let not_found = |r: AppResult<()>| assert!(matches!(r, Err(AppError::NotFound(_))), "{other:?}: {r:?}");
            assert!(matches!(
                checkout_db::view(&pool, checkout, other.clone(), clock_now()).await,
                Err(AppError::NotFound(_))
            ));
            not_found(
                checkout_db::save_address(&pool, checkout, other.clone(), "x@example.test", &a, clock_now(), TTL).await,
            );
            not_found(
                checkout_db::save_shipping(&pool, checkout, other.clone(), ShippingOption::Express, clock_now(), TTL)
                    .await,
            );
            not_found(checkout_db::add_code(&pool, checkout, other.clone(), "SAVE10", clock_now()).await);
            not_found(checkout_db::remove_code(&pool, checkout, other.clone(), "SAVE10").await);
            let placed = place_order(&pool, &provider, checkout, other.clone(), VISA, clock_now(), TTL).await;
            assert!(matches!(placed, Err(AppError::NotFound(_))), "{other:?}: {placed:?}");
        }
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 0);
        let view = checkout_db::view(&pool, checkout, guest.clone(), clock_now()).await.unwrap();
        assert_eq!(view.email, "gina@example.test", "nobody else changed it");

        let theirs = checkout_ready(&pool, buyer, variant, 1, clock_now()).await;
        assert!(matches!(
            checkout_db::view(&pool, theirs, guest.clone(), clock_now()).await,
            Err(AppError::NotFound(_))
        ));
        let placed = place_order(&pool, &provider, theirs, guest.clone(), VISA, clock_now(), TTL).await;
        assert!(matches!(placed, Err(AppError::NotFound(_))), "{placed:?}");
        place_order(&pool, &provider, checkout, guest, VISA, clock_now(), TTL).await.unwrap();
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_bad_email_is_a_clear_422_and_nothing_is_written(pool: PgPool) {
        for bad in ["", "gina", "gina@", "gina@example", "gi na@example.test"] {
            let err = Email::parse(bad).unwrap_err();
            assert_eq!(err.status_code(), 422, "{bad:?}");
            assert_eq!(err.field(), Some("email"));
            assert_eq!(err.to_string(), "Enter a valid email address.");
        }
        // A guest who never got past the contact step has no order and
        // can't pay: the email is parsed before anything is saved.
        let maker = user(&pool, "maker").await;
        let variant = stocked_variant(&pool, maker, "maker_shop", 5).await;
        let guest = Owner::Guest(vec![3; 32]);
        crate::cart::db::add(&pool, &guest, variant, 1, None).await.unwrap();
        let gate = StockGate::start(pool.clone());
        let checkout = open(&pool, &gate, vec![3; 32], "maker_shop", "10.0.0.9", clock_now(), TTL).await.unwrap();
        let provider = TestProvider::new(pool.clone());
        let err = place_order(&pool, &provider, checkout, guest.clone(), VISA, clock_now(), TTL).await.unwrap_err();
        assert_eq!(err.status_code(), 422, "{err:?}");
        assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 0);
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, 0);
        assert_eq!(count(&pool, "SELECT count(*) FROM checkouts WHERE email IS NOT NULL").await, 0);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn one_address_holds_stock_with_a_bounded_number_of_guest_checkouts(pool: PgPool) {
        let maker = user(&pool, "maker").await;
        let variant = stocked_variant(&pool, maker, "maker_shop", 100).await;
        let gate = StockGate::start(pool.clone());
        for n in 0..MAX_OPEN_PER_ADDRESS as u8 {
            crate::cart::db::add(&pool, &Owner::Guest(vec![n; 32]), variant, 1, None).await.unwrap();
            open(&pool, &gate, vec![n; 32], "maker_shop", "10.0.0.7", clock_now(), TTL).await.unwrap();
        }
        let next = MAX_OPEN_PER_ADDRESS as u8;
        crate::cart::db::add(&pool, &Owner::Guest(vec![next; 32]), variant, 1, None).await.unwrap();
        let err = open(&pool, &gate, vec![next; 32], "maker_shop", "10.0.0.7", clock_now(), TTL).await.unwrap_err();
        assert!(matches!(err, AppError::RateLimited { .. }), "{err:?}");
        assert_eq!(err.status_code(), 429);
        // Resuming one's own checkout is no new hold; another address is not limited.
        open(&pool, &gate, vec![0; 32], "maker_shop", "10.0.0.7", clock_now(), TTL).await.unwrap();
        open(&pool, &gate, vec![next; 32], "maker_shop", "10.0.0.8", clock_now(), TTL).await.unwrap();
        // Once the holds expire the address may start again.
        let later = clock_now() + chrono::Duration::hours(1);
        crate::cart::db::add(&pool, &Owner::Guest(vec![200; 32]), variant, 1, None).await.unwrap();
        open(&pool, &gate, vec![200; 32], "maker_shop", "10.0.0.7", later, TTL).await.unwrap();
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_guest_checkout_stops_taking_cards_after_repeated_declines(pool: PgPool) {
        let maker = user(&pool, "maker").await;
        let variant = stocked_variant(&pool, maker, "maker_shop", 5).await;
        let (guest, checkout) = guest_checkout_ready(&pool, 1, variant, "gina@example.test", clock_now()).await;
        let provider = TestProvider::new(pool.clone());
        let declined = "4000000000000002";
        for _ in 0..GUEST_MAX_ATTEMPTS {
            let err =
                place_order(&pool, &provider, checkout, guest.clone(), declined, clock_now(), TTL).await.unwrap_err();
            assert!(matches!(err, AppError::PaymentDeclined(_)), "{err:?}");
        }
        let err = place_order(&pool, &provider, checkout, guest, VISA, clock_now(), TTL).await.unwrap_err();
        assert!(matches!(err, AppError::RateLimited { .. }), "{err:?}");
        assert_eq!(count(&pool, "SELECT count(*) FROM payments").await, i64::from(GUEST_MAX_ATTEMPTS));
        assert_eq!(count(&pool, "SELECT count(*) FROM orders").await, 0);
    }
}

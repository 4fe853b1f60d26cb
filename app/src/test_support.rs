//! What database tests across the app set up with: users, shops, stocked
//! products, posts, follows and checkouts ready to pay. Each helper goes
//! through the owning domain's own functions where one exists, so a test's
//! data is shaped like the app's.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use crate::accounts::db::{insert_user, NewUser};
use crate::accounts::validate::{Email, Username};
use crate::cart::db::Owner;
use crate::checkout::address::Address;
use crate::checkout::db as checkout_db;
use crate::checkout::shipping::ShippingOption;
use crate::clock::Clock;
use crate::money::Currency;
use crate::payments::cards::{CardDetails, CardInput};
use crate::payments::provider::PaymentProvider;
use crate::payments::test_provider::TestProvider;
use crate::posts::Visibility;
use crate::shops::db::NewShop;

/// How long test checkouts hold their stock.
pub const TTL: Duration = Duration::from_secs(600);

/// Inserts a user named `name` (email `name@example.test`, unusable password).
pub async fn user(pool: &PgPool, name: &str) -> Uuid {
    let username = Username::parse(name).unwrap();
    let email = Email::parse(&format!("{name}@example.test")).unwrap();
    insert_user(pool, NewUser { username: &username, email: &email, password_hash: "x", display_name: name })
        .await
        .unwrap()
}

/// A user with the admin role.
pub async fn admin(pool: &PgPool, name: &str) -> Uuid {
    let id = user(pool, name).await;
    assert!(crate::accounts::db::promote_admin(pool, name).await.unwrap());
    id
}

/// A USD shop `handle` owned by `owner`.
pub async fn shop(pool: &PgPool, owner: Uuid, handle: &str) -> Uuid {
    crate::shops::db::create(
        pool,
        owner,
        &NewShop { handle, name: "Test Shop", description: "", currency: Currency::USD },
    )
    .await
    .unwrap()
}

/// Saves `number` (through the hosted field) and the test address to
/// `shopper`'s wallet: what Buy now and group deals pay with.
pub async fn wallet_with(pool: &PgPool, provider: &TestProvider, shopper: Uuid, number: &str) {
    use crate::wallet::db as wallet_db;
    let now = Clock::system().now();
    let typed = CardInput { number: number.into(), exp_month: "12".into(), exp_year: "2034".into(), cvc: "123".into() };
    let token = provider.tokenize(&typed, 2026, 12).await.unwrap();
    let setup = wallet_db::start_setup(pool, shopper, now).await.unwrap();
    wallet_db::finish_setup(pool, provider, shopper, setup, &token, now).await.unwrap().unwrap();
    wallet_db::save_address(pool, shopper, &address()).await.unwrap();
}

/// A one-variant active product with `stock` on hand in a new shop
/// `handle`; returns the variant.
pub async fn stocked_variant(pool: &PgPool, owner: Uuid, handle: &str, stock: i32) -> Uuid {
    let shop_id = shop(pool, owner, handle).await;
    let product_id = Uuid::new_v4();
    let variant_id = Uuid::new_v4();
    let mut tx = pool.begin().await.unwrap();
    sqlx::query!(
        "INSERT INTO products (id, shop_id, title, status, currency) VALUES ($1, $2, 'Linen shirt', 'active', 'USD')",
        product_id,
        shop_id
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    sqlx::query!(
        "INSERT INTO product_variants (id, product_id, shop_id, title, sku, price_minor, currency, stock_on_hand, position)
         VALUES ($1, $2, $3, 'Default', $4, 2500, 'USD', $5, 0)",
        variant_id,
        product_id,
        shop_id,
        format!("SKU-{}", &variant_id.simple().to_string()[..8]),
        stock
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    crate::inventory::db::record_initial_stock(&mut tx, product_id).await.unwrap();
    tx.commit().await.unwrap();
    variant_id
}

/// A checkout row for `buyer` in `variant`'s shop, to hang reservations on.
pub async fn checkout_for(pool: &PgPool, buyer: Uuid, variant: Uuid) -> Uuid {
    let shop_id = sqlx::query_scalar!("SELECT shop_id FROM product_variants WHERE id = $1", variant)
        .fetch_one(pool)
        .await
        .unwrap();
    let cart_id = Uuid::new_v4();
    let checkout_id = Uuid::new_v4();
    sqlx::query!("INSERT INTO carts (id, user_id) VALUES ($1, $2)", cart_id, buyer).execute(pool).await.unwrap();
    sqlx::query!(
        "INSERT INTO checkouts (id, cart_id, shop_id, user_id, currency) VALUES ($1, $2, $3, $4, 'USD')",
        checkout_id,
        cart_id,
        shop_id,
        buyer
    )
    .execute(pool)
    .await
    .unwrap();
    checkout_id
}

/// A published text post by `author`.
pub async fn post(pool: &PgPool, author: Uuid, body: &str, visibility: Visibility) -> Uuid {
    crate::posts::db::publish(pool, author, body, visibility, &[]).await.unwrap()
}

/// `follower` follows the user named `followee`, as the follow button does.
pub async fn follow(pool: &PgPool, follower: Uuid, followee: &str) {
    crate::social::db::set_follow(pool, &crate::limits::Quota::exempt(), follower, followee, true).await.unwrap();
}

/// Makes `user`'s account private, as the profile form's checkbox does
/// (keeping the followers it has).
pub async fn make_private(pool: &PgPool, user: Uuid) {
    sqlx::query!("UPDATE users SET is_private = true WHERE id = $1", user).execute(pool).await.unwrap();
}

/// The test provider's always-succeeding Visa.
pub const VISA: &str = "4242424242424242";

/// A one-time token for `number` as the provider's hosted page issues it,
/// and what the provider says the card is.
pub async fn one_time_card(provider: &TestProvider, number: &str) -> (String, CardDetails) {
    let input = CardInput { number: number.into(), exp_month: "12".into(), exp_year: "2034".into(), cvc: "123".into() };
    let token = provider.tokenize(&input, 2026, 12).await.unwrap();
    let details = provider.describe(&token).await.unwrap();
    (token, details)
}

/// A US shipping address.
pub fn address() -> Address {
    Address {
        name: "Ada Shopper".into(),
        line1: "1 Market St".into(),
        line2: String::new(),
        city: "San Francisco".into(),
        region: "CA".into(),
        postal_code: "94105".into(),
        country: "US".into(),
        phone: String::new(),
    }
}

/// A buyer with `quantity` of a fresh variant (`stock` on hand, in shop
/// `maker_shop`) in a checkout ready to pay: (checkout, buyer, variant).
pub async fn ready_checkout(pool: &PgPool, stock: i32, quantity: i32) -> (Uuid, Uuid, Uuid) {
    let owner = user(pool, "maker").await;
    let buyer = user(pool, "buyer").await;
    let variant = stocked_variant(pool, owner, "maker_shop", stock).await;
    let checkout = checkout_ready(pool, buyer, variant, quantity, Clock::system().now()).await;
    (checkout, buyer, variant)
}

/// `buyer` puts `quantity` of `variant` in their cart and takes the shop's
/// checkout up to payment (address, standard shipping) at `now`.
pub async fn checkout_ready(pool: &PgPool, buyer: Uuid, variant: Uuid, quantity: i32, now: DateTime<Utc>) -> Uuid {
    let handle = sqlx::query_scalar!(
        "SELECT s.handle FROM product_variants v JOIN shops s ON s.id = v.shop_id WHERE v.id = $1",
        variant
    )
    .fetch_one(pool)
    .await
    .unwrap();
    crate::cart::db::add(pool, &crate::cart::db::Owner::User(buyer), variant, quantity, Some("ctx-1")).await.unwrap();
    let gate = crate::inventory::gate::StockGate::start(pool.clone());
    let checkout = checkout_db::open(pool, &gate, buyer, &handle, now, TTL).await.unwrap();
    checkout_db::save_address(pool, checkout, buyer, "ada@example.test", &address(), now, TTL).await.unwrap();
    checkout_db::save_shipping(pool, checkout, buyer, ShippingOption::Standard, now, TTL).await.unwrap();
    checkout
}

/// A guest (cart cookie token hash `[n; 32]`) puts `quantity` of `variant`
/// in their cart and takes the shop's checkout up to payment as `email`,
/// from `ip`, at `now`. Returns the guest's cart owner and the checkout.
pub async fn guest_checkout_ready(
    pool: &PgPool,
    n: u8,
    variant: Uuid,
    email: &str,
    now: DateTime<Utc>,
) -> (crate::cart::db::Owner, Uuid) {
    let guest = crate::cart::db::Owner::Guest(vec![n; 32]);
    let handle = sqlx::query_scalar!(
        "SELECT s.handle FROM product_variants v JOIN shops s ON s.id = v.shop_id WHERE v.id = $1",
        variant
    )
    .fetch_one(pool)
    .await
    .unwrap();
    crate::cart::db::add(pool, &guest, variant, 1, Some("ctx-1")).await.unwrap();
    let gate = crate::inventory::gate::StockGate::start(pool.clone());
    let Owner::Guest(token) = &guest else { unreachable!() };
    let checkout =
        crate::checkout::guest::open(pool, &gate, token.clone(), &handle, "10.0.0.9", now, TTL).await.unwrap();
    checkout_db::save_address(pool, checkout, guest.clone(), email, &address(), now, TTL).await.unwrap();
    checkout_db::save_shipping(pool, checkout, guest.clone(), ShippingOption::Standard, now, TTL).await.unwrap();
    (guest, checkout)
}

/// How many of `tasks` answered true.
pub async fn count_true(tasks: impl Iterator<Item = tokio::task::JoinHandle<bool>>) -> usize {
    let mut n = 0;
    for task in tasks.collect::<Vec<_>>() {
        if task.await.unwrap() {
            n += 1;
        }
    }
    n
}

/// Gives `post` a photo tagged with `kind` (`product`, `shop` or `user`) =
/// `target`, at its centre.
pub async fn tag_photo(pool: &PgPool, post: Uuid, kind: &str, target: Uuid) {
    let media = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO post_media (id, post_id, position, url_150, url_600, url_1200, width, height)
         VALUES ($1, $2, 0, '/media/a_150.webp', '/media/a_600.webp', '/media/a_1200.webp', 600, 600)",
        media,
        post
    )
    .execute(pool)
    .await
    .unwrap();
    sqlx::query(&format!(
        "INSERT INTO image_tags (id, media_id, x_pct, y_pct, kind, {kind}_id) VALUES ($1, $2, 50, 50, $3, $4)"
    ))
    .bind(Uuid::new_v4())
    .bind(media)
    .bind(kind)
    .bind(target)
    .execute(pool)
    .await
    .unwrap();
}

/// Gives `post` a card linking `kind` (`product`, `shop`, ...) = `target`.
pub async fn link_card(pool: &PgPool, post: Uuid, kind: &str, target: Uuid) {
    sqlx::query(&format!("INSERT INTO post_links (post_id, position, kind, {kind}_id) VALUES ($1, 0, $2, $3)"))
        .bind(post)
        .bind(kind)
        .bind(target)
        .execute(pool)
        .await
        .unwrap();
}

/// A user's (followers, following) counts as stored.
pub async fn follow_counts(pool: &PgPool, id: Uuid) -> (i32, i32) {
    let r = sqlx::query!("SELECT followers_count, following_count FROM users WHERE id = $1", id)
        .fetch_one(pool)
        .await
        .unwrap();
    (r.followers_count, r.following_count)
}

/// Moves `variant`'s shop, product and variant to `currency` at
/// `price_minor` (shops pick their currency once, at opening; tests that
/// need another than USD set it straight after `stocked_variant`).
pub async fn in_currency(pool: &PgPool, variant: Uuid, currency: Currency, price_minor: i64) {
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("UPDATE product_variants SET currency = $2, price_minor = $3 WHERE id = $1")
        .bind(variant)
        .bind(currency.code())
        .bind(price_minor)
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE products SET currency = $2 WHERE id = (SELECT product_id FROM product_variants WHERE id = $1)")
        .bind(variant)
        .bind(currency.code())
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE shops SET currency = $2 WHERE id = (SELECT shop_id FROM product_variants WHERE id = $1)")
        .bind(variant)
        .bind(currency.code())
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

/// Runs the outbox relay's timeline consumer until it has handled every
/// event committed so far, as the server's relay would in a moment.
pub async fn settle(pool: &PgPool) {
    let relay = crate::outbox::Relay::new(pool.clone()).with(crate::posts::timeline::db::TimelineConsumer);
    drain(pool, &relay, "timelines").await;
}

/// Runs `relay` until its consumer `name` has handled every event committed
/// so far. Other tests' open transactions can hold events back briefly
/// (the relay's snapshot rule is cluster-wide), hence the wait.
pub async fn drain(pool: &PgPool, relay: &crate::outbox::Relay, name: &str) {
    for _ in 0..2000 {
        relay.run_once().await;
        let behind: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM outbox_events e
                            WHERE NOT EXISTS (SELECT 1 FROM outbox_consumers c
                                              WHERE c.name = $1 AND (c.last_tx, c.last_id) >= (e.tx_id, e.id)))",
        )
        .bind(name)
        .fetch_one(pool)
        .await
        .unwrap();
        if !behind {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("the {name} consumer did not catch up with the outbox");
}

/// What an entry point answered, in HTTP terms: `"ok"`, or the status code
/// the error is served with (`"401"`, `"403"`, `"404"`, `"409"`, `"422"`,
/// `"429"`). Anything else (a 500, a 503) fails the test: an authorization
/// matrix never expects it.
pub fn outcome<T>(result: crate::error::AppResult<T>) -> &'static str {
    match result.map_err(|e| (e.status_code(), e)) {
        Ok(_) => "ok",
        Err((401, _)) => "401",
        Err((403, _)) => "403",
        Err((404, _)) => "404",
        Err((409, _)) => "409",
        Err((422, _)) => "422",
        Err((429, _)) => "429",
        Err((_, other)) => panic!("unexpected {other:?}"),
    }
}

/// The callers of an authorization matrix, in its columns' order: signed
/// out, someone unrelated (`sam`), someone `owner` blocked (`bob`), the
/// owner (labelled `owner_label`) and an admin (`boss`) with no other tie.
pub async fn matrix_callers(
    pool: &PgPool,
    owner: Uuid,
    owner_label: &'static str,
) -> [(&'static str, Option<Uuid>); 5] {
    let sam = user(pool, "sam").await;
    let bob = user(pool, "bob").await;
    let boss = admin(pool, "boss").await;
    crate::social::safety::db::set_relation(pool, owner, "bob", crate::social::safety::Relation::Block, true)
        .await
        .unwrap();
    [
        ("anonymous", None),
        ("unrelated", Some(sam)),
        ("blocked", Some(bob)),
        (owner_label, Some(owner)),
        ("admin", Some(boss)),
    ]
}

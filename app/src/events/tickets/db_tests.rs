//! Database tests for event tickets: ticket types and their refusals,
//! buying through cart and checkout (codes issued when paid, e-ticket
//! shipping), the quota under concurrent buyers, voiding on refund and
//! cancellation, who sees the codes, and the authorization matrix of every
//! server function.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::{db, is_code, TicketStatus, TicketTypeForm};
use crate::cart::db::{self as cart_db, Owner};
use crate::checkout::db as checkout_db;
use crate::checkout::place::place_order;
use crate::checkout::shipping::ShippingOption;
use crate::clock::Clock;
use crate::error::{AppError, AppResult};
use crate::events::tests::{fixed_now, form};
use crate::events::{db as events_db, Availability, EventForm};
use crate::inventory::gate::StockGate;
use crate::money::{Currency, Money};
use crate::orders::db::{self as orders_db, Reader, RefundScope};
use crate::payments::test_provider::TestProvider;
use crate::test_support::{address, checkout_ready, matrix_callers, outcome, shop, stocked_variant, user, TTL, VISA};

fn moment() -> DateTime<Utc> {
    Clock::system().now()
}

/// An organizer (`ann`) with a USD shop and an event it hosts.
struct World {
    pool: PgPool,
    ann: Uuid,
    event: Uuid,
    provider: TestProvider,
}

async fn world(pool: PgPool) -> World {
    let ann = user(&pool, "ann").await;
    shop(&pool, ann, "ann_shop").await;
    let event = new_event(&pool, ann, "ann_shop", "USD").await;
    let provider = TestProvider::new(pool.clone());
    World { pool, ann, event, provider }
}

async fn new_event(pool: &PgPool, organizer: Uuid, shop_handle: &str, currency: &str) -> Uuid {
    let f = EventForm { currency: currency.into(), ticket_min: "10".into(), ticket_max: "".into(), ..form() };
    let details = f.validate(fixed_now()).unwrap();
    let shop_id = events_db::own_shop(pool, organizer, shop_handle).await.unwrap();
    events_db::create(pool, organizer, &details, shop_id, None).await.unwrap()
}

impl World {
    /// Adds a ticket type as the organizer's form would.
    async fn add(&self, name: &str, price: &str, quota: &str) -> Uuid {
        let new = TicketTypeForm { name: name.into(), price: price.into(), quota: quota.into() }
            .validate(Currency::USD)
            .unwrap();
        db::add_type(&self.pool, self.event, self.ann, &new).await.unwrap()
    }

    async fn types(&self) -> Vec<super::TicketType> {
        let mut conn = self.pool.acquire().await.unwrap();
        db::types(&mut conn, self.event).await.unwrap()
    }

    /// `buyer` buys `quantity` of ticket type `variant` through cart and checkout.
    async fn buy(&self, buyer: Uuid, variant: Uuid, quantity: i32) -> Uuid {
        let checkout = checkout_ready(&self.pool, buyer, variant, quantity, moment()).await;
        place_order(&self.pool, &self.provider, checkout, buyer, VISA, moment(), TTL).await.unwrap()
    }

    async fn tickets(&self, order: Uuid) -> Vec<super::Ticket> {
        db::for_order(&self.pool, order).await.unwrap()
    }
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap()
}

fn valid(tickets: &[super::Ticket]) -> usize {
    tickets.iter().filter(|t| t.status == TicketStatus::Valid).count()
}

#[sqlx::test(migrations = "../migrations")]
async fn buying_tickets_issues_one_code_per_ticket(pool: PgPool) {
    let w = world(pool).await;
    let ga = w.add("General admission", "10", "5").await;
    let vip = w.add("VIP", "45.50", "2").await;
    let types = w.types().await;
    assert_eq!(
        types.iter().map(|t| (t.name.as_str(), t.price.minor, t.quota)).collect::<Vec<_>>(),
        [("General admission", 1000, 5), ("VIP", 4550, 2)]
    );
    let e = events_db::event(&w.pool, w.event, None).await.unwrap().unwrap();
    assert_eq!(e.availability(), Availability::Left(7), "summed over the ticket types");

    let buyer = user(&w.pool, "bea").await;
    let order = w.buy(buyer, ga, 2).await;
    let tickets = w.tickets(order).await;
    assert_eq!(tickets.len(), 2);
    assert!(tickets.iter().all(|t| is_code(&t.code) && t.status == TicketStatus::Valid), "{tickets:?}");
    assert_ne!(tickets[0].code, tickets[1].code);
    assert_eq!(
        (tickets[0].type_name.as_str(), tickets[0].event_title.as_str()),
        ("General admission", "Rooftop market")
    );

    // No delivery for tickets: the order ships as a free e-ticket.
    let view = orders_db::view(&w.pool, order, Reader::User(buyer)).await.unwrap();
    assert_eq!((view.shipping_option.as_str(), view.shipping.minor), ("eticket", 0));
    assert_eq!(view.tickets.len(), 2, "the buyer sees the codes");
    let shop_view = orders_db::view(&w.pool, order, Reader::User(w.ann)).await.unwrap();
    assert!(shop_view.tickets.is_empty(), "the shop's owner manages the order but doesn't hold its tickets");

    let types = w.types().await;
    assert_eq!((types[0].available, types[0].taken, types[0].quota), (3, 2, 5));
    assert!(types[1].variant_id == vip && types[1].available == 2);
    let e = events_db::event(&w.pool, w.event, None).await.unwrap().unwrap();
    assert_eq!(e.availability(), Availability::Left(5));
    let cards = events_db::upcoming(&w.pool, fixed_now(), 50).await.unwrap();
    assert_eq!(cards[0].availability, Availability::Left(5));
    assert_eq!(cards[0].ticket_stock, vec![(ga, 3), (vip, 2)]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_checkout_of_tickets_only_ships_as_a_free_e_ticket_and_a_mixed_one_ships_the_goods(pool: PgPool) {
    let w = world(pool).await;
    let ga = w.add("GA", "10", "5").await;
    let buyer = user(&w.pool, "bea").await;
    let checkout = checkout_ready(&w.pool, buyer, ga, 1, moment()).await;
    let view = checkout_db::view(&w.pool, checkout, buyer, moment()).await.unwrap();
    assert_eq!(view.quotes.iter().map(|q| q.option).collect::<Vec<_>>(), [ShippingOption::ETicket]);
    assert_eq!(view.priced.totals.shipping, 0);

    // Goods of the same shop in the cart: normal shipping again.
    let shirt = sqlx::query_scalar!(
        "INSERT INTO products (id, shop_id, title, status, currency)
         SELECT gen_random_uuid(), id, 'Tote', 'active', 'USD' FROM shops WHERE handle = 'ann_shop' RETURNING id"
    )
    .fetch_one(&w.pool)
    .await
    .unwrap();
    let tote = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO product_variants (id, product_id, shop_id, title, sku, price_minor, currency, stock_on_hand, position)
         SELECT $1, $2, shop_id, 'Default', 'TOTE-1', 1500, 'USD', 0, 0 FROM products WHERE id = $2",
        tote,
        shirt
    )
    .execute(&w.pool)
    .await
    .unwrap();
    let mut tx = w.pool.begin().await.unwrap();
    crate::inventory::db::receive(&mut tx, tote, 3, None, "test").await.unwrap();
    tx.commit().await.unwrap();
    cart_db::add(&w.pool, &Owner::User(buyer), tote, 1, None).await.unwrap();
    checkout_db::save_address(&w.pool, checkout, buyer, "bea@example.test", &address(), moment(), TTL).await.unwrap();
    let view = checkout_db::view(&w.pool, checkout, buyer, moment()).await.unwrap();
    assert_eq!(view.quotes.iter().map(|q| q.option).collect::<Vec<_>>(), ShippingOption::ALL);
}

/// One buyer's attempt: cart, checkout and payment; whether it was paid.
async fn try_buy(pool: PgPool, gate: StockGate, provider: TestProvider, buyer: Uuid, variant: Uuid) -> AppResult<Uuid> {
    let now = moment();
    cart_db::add(&pool, &Owner::User(buyer), variant, 1, None).await?;
    let checkout = checkout_db::open(&pool, &gate, buyer, "ann_shop", now, TTL).await?;
    checkout_db::save_address(&pool, checkout, buyer, "b@example.test", &address(), now, TTL).await?;
    checkout_db::save_shipping(&pool, checkout, buyer, ShippingOption::ETicket, now, TTL).await?;
    place_order(&pool, &provider, checkout, buyer, VISA, now, TTL).await
}

#[sqlx::test(migrations = "../migrations")]
async fn twenty_buyers_for_five_tickets_get_exactly_five(pool: PgPool) {
    let w = world(pool).await;
    let ga = w.add("GA", "10", "5").await;
    let gate = StockGate::start(w.pool.clone());
    let mut tasks = Vec::new();
    for i in 0..20 {
        let buyer = user(&w.pool, &format!("buyer{i}")).await;
        let (pool, gate, provider) = (w.pool.clone(), gate.clone(), w.provider.clone());
        tasks.push(tokio::spawn(async move { try_buy(pool, gate, provider, buyer, ga).await }));
    }
    let mut paid = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => paid += 1,
            Err(AppError::SoldOut(_) | AppError::Validation { .. } | AppError::NotFound(_)) => {}
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(paid, 5);
    assert_eq!(count(&w.pool, "SELECT count(*) FROM event_tickets WHERE status = 'valid'").await, 5);
    let types = w.types().await;
    assert_eq!((types[0].available, types[0].taken, types[0].quota), (0, 5, 5));
    assert_eq!(events_db::event(&w.pool, w.event, None).await.unwrap().unwrap().availability(), Availability::SoldOut);
}

#[sqlx::test(migrations = "../migrations")]
async fn refunds_and_cancellations_void_tickets(pool: PgPool) {
    let w = world(pool).await;
    let ga = w.add("GA", "10", "10").await;
    let buyer = user(&w.pool, "bea").await;
    let order = w.buy(buyer, ga, 3).await;
    assert_eq!(valid(&w.tickets(order).await), 3);

    let line =
        sqlx::query_scalar!("SELECT id FROM order_lines WHERE order_id = $1", order).fetch_one(&w.pool).await.unwrap();
    let one = RefundScope::Line { line, quantity: 1 };
    orders_db::refund(&w.pool, &w.provider, order, w.ann, one, "can't come", true).await.unwrap();
    let tickets = w.tickets(order).await;
    assert_eq!((valid(&tickets), tickets.len()), (2, 3), "one unit refunded, one ticket void");
    orders_db::refund(&w.pool, &w.provider, order, w.ann, RefundScope::Whole, "event moved", true).await.unwrap();
    assert_eq!(valid(&w.tickets(order).await), 0);
    assert_eq!(w.types().await[0].available, 10, "refunded tickets went back on sale");

    let other = w.buy(buyer, ga, 2).await;
    orders_db::cancel(&w.pool, &w.provider, other, w.ann, "double booking").await.unwrap();
    assert_eq!(valid(&w.tickets(other).await), 0);
    assert_eq!(w.tickets(other).await.len(), 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_quota_cannot_drop_below_tickets_sold_or_held(pool: PgPool) {
    let w = world(pool).await;
    let ga = w.add("GA", "10", "5").await;
    w.buy(user(&w.pool, "bea").await, ga, 2).await;
    // One more held in an open checkout.
    let cal = user(&w.pool, "cal").await;
    cart_db::add(&w.pool, &Owner::User(cal), ga, 1, None).await.unwrap();
    let gate = StockGate::start(w.pool.clone());
    checkout_db::open(&w.pool, &gate, cal, "ann_shop", moment(), TTL).await.unwrap();

    let usd = |m| Money::new(m, Currency::USD);
    let err = db::update_type(&w.pool, ga, w.ann, usd(1200), 2).await.unwrap_err();
    assert_eq!(err.field(), Some("quota"), "{err:?}");
    assert_eq!(w.types().await[0].price.minor, 1000, "nothing changed");
    db::update_type(&w.pool, ga, w.ann, usd(1200), 3).await.unwrap();
    let t = &w.types().await[0];
    assert_eq!((t.quota, t.available, t.price.minor), (3, 0, 1200));
    db::update_type(&w.pool, ga, w.ann, usd(0), 50).await.unwrap();
    let t = &w.types().await[0];
    assert_eq!((t.quota, t.available, t.taken, t.price.minor), (50, 47, 3, 0));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_stopped_ticket_type_is_no_longer_sold(pool: PgPool) {
    let w = world(pool).await;
    let ga = w.add("GA", "10", "5").await;
    let vip = w.add("VIP", "40", "5").await;
    let bea = user(&w.pool, "bea").await;
    let order = w.buy(bea, ga, 1).await;
    db::stop_type(&w.pool, ga, w.ann).await.unwrap();
    let err = cart_db::add(&w.pool, &Owner::User(bea), ga, 1, None).await.unwrap_err();
    assert_eq!(err, AppError::NotFound("Product".into()));
    assert_eq!(valid(&w.tickets(order).await), 1, "tickets sold stay valid");
    let types = w.types().await;
    assert!(!types[0].on_sale && types[1].on_sale);
    assert_eq!(events_db::event(&w.pool, w.event, None).await.unwrap().unwrap().availability(), Availability::Left(5));
    cart_db::add(&w.pool, &Owner::User(bea), vip, 1, None).await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_ticket_input_writes_nothing(pool: PgPool) {
    let w = world(pool).await;
    w.add("GA", "10", "5").await;
    let snapshot = |pool: PgPool| async move {
        (
            count(&pool, "SELECT count(*) FROM products").await,
            count(&pool, "SELECT count(*) FROM product_variants").await,
            count(&pool, "SELECT count(*) FROM product_option_values").await,
            count(&pool, "SELECT count(*) FROM inventory_movements").await,
        )
    };
    let before = snapshot(w.pool.clone()).await;
    let usd = |m| Money::new(m, Currency::USD);
    let new = |name: &str, minor, quota| super::NewTicketType { name: name.into(), price: usd(minor), quota };

    let dup = db::add_type(&w.pool, w.event, w.ann, &new("ga", 500, 3)).await.unwrap_err();
    assert_eq!(dup.field(), Some("name"));
    let euro = super::NewTicketType { price: Money::new(500, Currency::EUR), ..new("VIP", 0, 3) };
    assert_eq!(db::add_type(&w.pool, w.event, w.ann, &euro).await.unwrap_err().field(), Some("price"));
    for f in [("", "1", "1"), ("VIP", "-1", "1"), ("VIP", "1", "0"), ("VIP", "1", "1000001")] {
        assert!(TicketTypeForm { name: f.0.into(), price: f.1.into(), quota: f.2.into() }
            .validate(Currency::USD)
            .is_err());
    }
    // An event without a shop, or priced in another currency than its shop, sells nothing.
    let no_shop = {
        let d = form().validate(fixed_now()).unwrap();
        events_db::create(&w.pool, w.ann, &d, None, None).await.unwrap()
    };
    let err = db::add_type(&w.pool, no_shop, w.ann, &new("VIP", 0, 3)).await.unwrap_err();
    assert_eq!(err.field(), Some("shop"));
    let shillings = new_event(&w.pool, w.ann, "ann_shop", "KES").await;
    let err = db::add_type(&w.pool, shillings, w.ann, &new("VIP", 0, 3)).await.unwrap_err();
    assert_eq!(err.field(), Some("price"));
    // Once it sells tickets, the event keeps its shop and currency.
    let moved = form().validate(fixed_now()).unwrap();
    let err = events_db::update(&w.pool, w.event, w.ann, &moved, None).await.unwrap_err();
    assert_eq!(err.field(), Some("shop"));
    let shop_id = events_db::own_shop(&w.pool, w.ann, "ann_shop").await.unwrap();
    let err = events_db::update(&w.pool, w.event, w.ann, &moved, shop_id).await.unwrap_err();
    assert_eq!(err.field(), Some("currency"), "the form's event is in KES");
    events_db::cancel(&w.pool, w.event, w.ann).await.unwrap();
    let err = db::add_type(&w.pool, w.event, w.ann, &new("VIP", 0, 3)).await.unwrap_err();
    assert_eq!(err.field(), Some("status"));
    assert!(w.types().await.iter().all(|t| !t.on_sale), "a cancelled event sells no tickets");
    assert_eq!(snapshot(w.pool.clone()).await, before);
}

/// Every server function per kind of caller. They all need a session, so a
/// signed-out caller gets 401 from the session check before the database.
#[sqlx::test(migrations = "../migrations")]
async fn authorization_matrix_for_ticket_types(pool: PgPool) {
    let w = world(pool).await;
    let ga = w.add("GA", "10", "5").await;
    let pool = w.pool.clone();
    // Bob is blocked by the organizer.
    let callers = matrix_callers(&pool, w.ann, "organizer").await;
    // Someone else's shop can't host the organizer's tickets either.
    stocked_variant(&pool, callers[1].1.unwrap(), "sam_shop", 1).await;
    let expected: [(&str, [&str; 5]); 3] = [
        ("add_ticket_type", ["401", "403", "403", "ok", "403"]),
        ("update_ticket_type", ["401", "403", "403", "ok", "403"]),
        ("stop_ticket_type", ["401", "403", "403", "ok", "403"]),
    ];
    let usd = |m| Money::new(m, Currency::USD);
    for (i, (who, caller)) in callers.iter().enumerate() {
        for (entry, answers) in &expected {
            let got = match (*entry, caller) {
                (_, None) => outcome::<()>(Err(AppError::Unauthorized)),
                ("add_ticket_type", Some(me)) => {
                    let name = format!("By {who}");
                    let new = super::NewTicketType { name, price: usd(100), quota: 2 };
                    let r = db::currency_for_organizer(&pool, w.event, *me).await;
                    match r {
                        Ok(_) => outcome(db::add_type(&pool, w.event, *me, &new).await),
                        Err(e) => outcome::<()>(Err(e)),
                    }
                }
                ("update_ticket_type", Some(me)) => match db::currency_for_type(&pool, ga, *me).await {
                    Ok(_) => outcome(db::update_type(&pool, ga, *me, usd(900), 6).await),
                    Err(e) => outcome::<()>(Err(e)),
                },
                ("stop_ticket_type", Some(me)) => {
                    let target = if *me == w.ann { w.add("Last call", "1", "1").await } else { ga };
                    outcome(db::stop_type(&pool, target, *me).await)
                }
                _ => unreachable!(),
            };
            assert_eq!(got, answers[i], "{entry} by {who}");
        }
    }
    let types = w.types().await;
    assert!(types.iter().all(|t| !t.name.starts_with("By ") || t.name == "By organizer"), "only the organizer added");
    assert!(types[0].on_sale && types[0].price.minor == 900, "only the organizer changed GA");
    // A ticket type that doesn't exist is 404 for everyone.
    assert_eq!(outcome(db::stop_type(&pool, Uuid::new_v4(), w.ann).await), "404");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_post_card_of_the_event_carries_its_ticket_stock(pool: PgPool) {
    use crate::posts::links::{db as links_db, LinkTarget};
    let w = world(pool).await;
    let ga = w.add("GA", "10", "5").await;
    let vip = w.add("VIP", "40", "2").await;
    db::stop_type(&w.pool, vip, w.ann).await.unwrap();
    let post = crate::test_support::post(&w.pool, w.ann, "Tickets out now", crate::posts::Visibility::Public).await;
    links_db::add(&w.pool, w.ann, post, &LinkTarget::Event(w.event)).await.unwrap();
    let cards = links_db::cards(&w.pool, &[post]).await.unwrap();
    assert_eq!(cards[&post][0].ticket_stock, vec![(ga, 5)], "the types on sale, with what is left");
}

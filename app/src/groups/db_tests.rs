//! Database tests for group deals: a group that fills (every member
//! captured, every order paid), one that expires (every authorization
//! voided, every order cancelled, the stock freed), seats under a rush of
//! concurrent joins, the refusals that write nothing, declines, the card in
//! a post with its context token, and the authorization matrix of every
//! entry point.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::db::{self, DealForm, JoinRequest, Joined, Target};
use super::GroupStatus;
use crate::clock::Clock;
use crate::error::{AppError, AppResult};
use crate::money::{Currency, Money};
use crate::payments::test_provider::TestProvider;
use crate::posts::Visibility;
use crate::social::safety::{db::set_relation, Relation};
use crate::test_support::{admin, outcome, post, stocked_variant, user, wallet_with, VISA};

const DECLINED: &str = "4000000000000002";

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap()
}

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

fn clock_now() -> DateTime<Utc> {
    Clock::system().now()
}

/// A shop ("maker_shop", its $25 variant with `stock` on hand) selling to
/// groups of `size` at $20, 48 hours to fill, at most 2 per customer.
struct World {
    pool: PgPool,
    provider: TestProvider,
    maker: Uuid,
    variant: Uuid,
}

async fn world(pool: PgPool, stock: i32, size: i32) -> World {
    let maker = user(&pool, "maker").await;
    let variant = stocked_variant(&pool, maker, "maker_shop", stock).await;
    let form = DealForm {
        price: "20.00".into(),
        size: size.to_string(),
        hours: "48".into(),
        max_per_customer: "2".into(),
        active: true,
    };
    db::save_deal(&pool, Some(maker), variant, &form).await.unwrap();
    let provider = TestProvider::new(pool.clone());
    World { pool, provider, maker, variant }
}

impl World {
    /// A signed-up shopper with a saved card `number` and address.
    async fn shopper(&self, name: &str, number: &str) -> Uuid {
        let id = user(&self.pool, name).await;
        wallet_with(&self.pool, &self.provider, id, number).await;
        id
    }

    async fn take(&self, target: Target, who: Uuid, seats: i32, shown: Money, at: DateTime<Utc>) -> AppResult<Joined> {
        let req = JoinRequest { user: who, seats, shown, ctx: None, click: Uuid::new_v4() };
        db::join(&self.pool, &self.provider, target, req, at).await
    }

    async fn start(&self, who: Uuid) -> Uuid {
        self.take(Target::Start(self.variant), who, 1, usd(2000), clock_now()).await.unwrap().group
    }

    async fn join(&self, group: Uuid, who: Uuid) -> AppResult<Joined> {
        self.take(Target::Group(group), who, 1, usd(2000), clock_now()).await
    }

    async fn stock(&self) -> (i32, i32) {
        let r: (i32, i32) = sqlx::query_as("SELECT stock_on_hand, stock_reserved FROM product_variants WHERE id = $1")
            .bind(self.variant)
            .fetch_one(&self.pool)
            .await
            .unwrap();
        r
    }

    async fn group(&self, id: Uuid) -> (String, i32) {
        sqlx::query_as("SELECT status, joined FROM buy_groups WHERE id = $1")
            .bind(id)
            .fetch_one(&self.pool)
            .await
            .unwrap()
    }

    async fn reconciles(&self) -> bool {
        crate::inventory::db::reconcile(&self.pool).await.unwrap().is_empty()
    }

    /// The `group.changed` payloads published for `group`, oldest first.
    async fn events(&self, group: Uuid) -> Vec<serde_json::Value> {
        sqlx::query_scalar(
            "SELECT payload FROM outbox_events
             WHERE aggregate = 'group' AND kind = 'group.changed' AND aggregate_id = $1 ORDER BY id",
        )
        .bind(group)
        .fetch_all(&self.pool)
        .await
        .unwrap()
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_group_that_fills_captures_every_member_and_their_orders_are_paid(pool: PgPool) {
    let w = world(pool, 10, 3).await;
    let (ann, bob, cyd) = (w.shopper("ann", VISA).await, w.shopper("bob", VISA).await, w.shopper("cyd", VISA).await);
    let group = w.start(ann).await;
    assert_eq!(w.stock().await, (10, 1), "the organiser's seat holds its unit");
    let second = w.join(group, bob).await.unwrap();
    assert!(!second.filled);
    let status: String = sqlx::query_scalar("SELECT status FROM orders WHERE id = $1")
        .bind(second.order)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(status, "pending", "authorized, not captured, until the group fills");
    assert_eq!(count(&w.pool, "SELECT count(*) FROM test_provider_intents WHERE status = 'authorized'").await, 2);

    let last = w.join(group, cyd).await.unwrap();
    assert!(last.filled);
    assert_eq!(w.group(group).await, ("full".into(), 3));
    assert_eq!(count(&w.pool, "SELECT count(*) FROM orders WHERE status = 'paid'").await, 3);
    assert_eq!(count(&w.pool, "SELECT count(*) FROM payments WHERE status = 'captured'").await, 3);
    assert_eq!(count(&w.pool, "SELECT count(*) FROM test_provider_intents WHERE status = 'captured'").await, 3);
    assert_eq!(count(&w.pool, "SELECT count(*) FROM group_members WHERE status = 'captured'").await, 3);
    let unit: i64 =
        sqlx::query_scalar("SELECT DISTINCT unit_price_minor FROM order_lines").fetch_one(&w.pool).await.unwrap();
    assert_eq!(unit, 2000, "every member paid the group price");
    assert!(w.reconciles().await);
    crate::inventory::db::settle_sold(&w.pool).await.unwrap();
    assert_eq!(w.stock().await, (7, 0), "sold: off the shelf");
    assert!(w.reconciles().await);

    let events = w.events(group).await;
    let statuses: Vec<&str> = events.iter().map(|e| e["status"].as_str().unwrap()).collect();
    // Two of three seats left is already "almost full".
    assert_eq!(statuses, vec!["almost_full", "almost_full", "full", "full"], "three seats claimed, then filled");
    assert_eq!(events.last().unwrap()["joined"], 3);
    assert_eq!(events.last().unwrap()["size"], 3);
    let ann_notices: Vec<String> = sqlx::query_scalar("SELECT kind FROM group_notices WHERE user_id = $1 ORDER BY id")
        .bind(ann)
        .fetch_all(&w.pool)
        .await
        .unwrap();
    assert_eq!(ann_notices, vec!["joined", "joined", "filled"], "the organiser hears of each join and the fill");
    let mine = db::mine(&w.pool, Some(cyd), clock_now()).await.unwrap();
    assert_eq!(mine.groups[0].card.status, GroupStatus::Full);
    assert_eq!(mine.notices.len(), 1, "cyd joined last: told it filled");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_expired_group_voids_every_authorization_cancels_its_orders_and_frees_the_stock(pool: PgPool) {
    let w = world(pool, 10, 4).await;
    let (ann, bob) = (w.shopper("ann", VISA).await, w.shopper("bob", VISA).await);
    let group = w.start(ann).await;
    w.join(group, bob).await.unwrap();
    assert_eq!(w.stock().await, (10, 2));
    assert_eq!(db::expire_due(&w.pool, &w.provider, clock_now()).await.unwrap(), 0, "not yet");

    let later = clock_now() + Duration::hours(49);
    let page = db::page(&w.pool, None, group, later).await.unwrap();
    assert_eq!(page.card.status, GroupStatus::Expired, "shown expired before the job runs");
    assert_eq!(db::expire_due(&w.pool, &w.provider, later).await.unwrap(), 1);
    assert_eq!(w.group(group).await, ("expired".into(), 2));
    assert_eq!(count(&w.pool, "SELECT count(*) FROM orders WHERE status = 'cancelled'").await, 2);
    assert_eq!(count(&w.pool, "SELECT count(*) FROM payments WHERE status = 'voided'").await, 2);
    assert_eq!(count(&w.pool, "SELECT count(*) FROM test_provider_intents WHERE status = 'voided'").await, 2);
    assert_eq!(
        count(&w.pool, "SELECT count(*) FROM order_history WHERE from_status = 'pending' AND to_status = 'cancelled'")
            .await,
        2
    );
    assert_eq!(w.stock().await, (10, 0), "the holds went back on sale");
    assert!(w.reconciles().await);
    assert_eq!(db::expire_due(&w.pool, &w.provider, later).await.unwrap(), 0, "once");
    let last = w.events(group).await.pop().unwrap();
    assert_eq!(last["status"], "expired");
    assert_eq!(count(&w.pool, "SELECT count(*) FROM group_notices WHERE kind = 'failed'").await, 2);
    let err = w.take(Target::Group(group), w.shopper("cyd", VISA).await, 1, usd(2000), later).await.unwrap_err();
    assert_eq!(err.to_string(), "This group has expired.");
}

#[sqlx::test(migrations = "../migrations")]
async fn sixty_shoppers_racing_for_a_ten_seat_group_seat_exactly_ten(pool: PgPool) {
    let w = world(pool, 20, 10).await;
    let organiser = w.shopper("organiser", VISA).await;
    let group = w.start(organiser).await;
    let mut rivals = Vec::new();
    for i in 0..59 {
        rivals.push(w.shopper(&format!("rival{i}"), VISA).await);
    }
    let tasks: Vec<_> = rivals
        .into_iter()
        .map(|who| {
            let (pool, provider) = (w.pool.clone(), w.provider.clone());
            tokio::spawn(async move {
                let req = JoinRequest { user: who, seats: 1, shown: usd(2000), ctx: None, click: Uuid::new_v4() };
                db::join(&pool, &provider, Target::Group(group), req, clock_now()).await
            })
        })
        .collect();
    let (mut joined, mut full) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => joined += 1,
            Err(AppError::Conflict { message, .. }) if message == "This group is full." => full += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((joined, full), (9, 50), "with the organiser: ten members, fifty told it is full");
    assert_eq!(w.group(group).await, ("full".into(), 10));
    assert_eq!(count(&w.pool, "SELECT count(*) FROM group_members").await, 10);
    assert_eq!(count(&w.pool, "SELECT count(*) FROM test_provider_intents").await, 10, "only members were authorized");
    assert_eq!(count(&w.pool, "SELECT count(*) FROM orders WHERE status = 'paid'").await, 10);
    assert_eq!(count(&w.pool, "SELECT count(*) FROM stock_reservations WHERE status IN ('active', 'sold')").await, 10);
    assert!(w.reconciles().await);
    crate::inventory::db::settle_sold(&w.pool).await.unwrap();
    assert_eq!(w.stock().await, (10, 0));
}

#[sqlx::test(migrations = "../migrations")]
async fn refusals_say_why_and_write_nothing(pool: PgPool) {
    let w = world(pool, 3, 3).await;
    let (ann, bob) = (w.shopper("ann", VISA).await, w.shopper("bob", VISA).await);
    let group = w.start(ann).await;
    let written = || async {
        (
            count(&w.pool, "SELECT count(*) FROM group_members").await,
            count(&w.pool, "SELECT count(*) FROM payments").await,
            count(&w.pool, "SELECT count(*) FROM checkouts").await,
            count(&w.pool, "SELECT count(*) FROM outbox_events WHERE aggregate = 'group'").await,
        )
    };
    let before = written().await;

    let tampered = w.take(Target::Group(group), bob, 1, usd(1), clock_now()).await.unwrap_err();
    assert_eq!(tampered.to_string(), "The group price is $20.00, not $0.01. Nothing was charged.");
    let over = w.take(Target::Group(group), ann, 2, usd(2000), clock_now()).await.unwrap_err();
    assert_eq!(over.to_string(), "You may take 1 more in this group.");
    let seats = w.take(Target::Group(group), bob, 3, usd(2000), clock_now()).await.unwrap_err();
    assert_eq!(seats.field(), Some("quantity"), "{seats:?}");
    let nowhere = w.take(Target::Group(Uuid::new_v4()), bob, 1, usd(2000), clock_now()).await.unwrap_err();
    assert!(matches!(nowhere, AppError::NotFound(_)));
    let no_wallet = user(&w.pool, "nowallet").await;
    let err = w.take(Target::Group(group), no_wallet, 1, usd(2000), clock_now()).await.unwrap_err();
    assert!(err.to_string().contains("/settings/payment"), "{err}");
    // Only 3 on hand, one held by Ann's seat: a second group of 3 can't start.
    let err = w.take(Target::Start(w.variant), bob, 1, usd(2000), clock_now()).await.unwrap_err();
    assert_eq!(err, AppError::SoldOut("Only 2 of Linen shirt left: not enough for a group of 3.".into()));
    assert_eq!(written().await, before, "nothing written by any refusal");
    assert_eq!(count(&w.pool, "SELECT count(*) FROM buy_groups").await, 1);

    let cyd = w.shopper("cyd", VISA).await;
    w.join(group, bob).await.unwrap();
    w.join(group, cyd).await.unwrap();
    let dee = w.shopper("dee", VISA).await;
    let before = written().await;
    assert_eq!(w.join(group, dee).await.unwrap_err().to_string(), "This group is full.");
    assert_eq!(written().await, before);

    // The owner's terms: size 2–50, a price below the single price.
    let form = |size: &str, price: &str| DealForm {
        price: price.into(),
        size: size.into(),
        hours: "24".into(),
        max_per_customer: "1".into(),
        active: true,
    };
    for (size, price, field) in [("1", "20", "size"), ("51", "20", "size"), ("5", "25.00", "price")] {
        let err = db::save_deal(&w.pool, Some(w.maker), w.variant, &form(size, price)).await.unwrap_err();
        assert_eq!(err.field(), Some(field), "{size} {price}");
    }
    let size: i32 = sqlx::query_scalar("SELECT group_size FROM group_deals").fetch_one(&w.pool).await.unwrap();
    assert_eq!(size, 3, "the deal is as it was");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_declined_card_gives_its_seat_back_and_an_unpaid_start_is_cancelled(pool: PgPool) {
    let w = world(pool, 10, 3).await;
    let (ann, bob, pat) =
        (w.shopper("ann", VISA).await, w.shopper("bob", DECLINED).await, w.shopper("pat", DECLINED).await);
    let group = w.start(ann).await;
    let err = w.join(group, bob).await.unwrap_err();
    assert_eq!(err, AppError::PaymentDeclined("Your card was declined.".into()));
    assert_eq!(w.group(group).await, ("open".into(), 1), "the seat went back");
    assert_eq!(w.stock().await, (10, 1), "and its unit");
    assert_eq!(count(&w.pool, "SELECT count(*) FROM orders").await, 1, "only the organiser's pending order");
    assert_eq!(count(&w.pool, "SELECT count(*) FROM payments WHERE status = 'declined'").await, 1);
    assert!(w.reconciles().await);

    let err = w.take(Target::Start(w.variant), pat, 1, usd(2000), clock_now()).await.unwrap_err();
    assert!(matches!(err, AppError::PaymentDeclined(_)));
    assert_eq!(count(&w.pool, "SELECT count(*) FROM buy_groups WHERE status = 'cancelled'").await, 1);
    let statuses: Vec<String> = sqlx::query_scalar(
        "SELECT payload->>'status' FROM outbox_events
         WHERE aggregate = 'group' AND kind = 'group.changed' AND aggregate_id <> $1 ORDER BY id",
    )
    .bind(group)
    .fetch_all(&w.pool)
    .await
    .unwrap();
    assert_eq!(statuses, vec!["almost_full", "cancelled"], "its one seat claimed, then given back");
    assert_eq!(w.stock().await, (10, 1));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_repeated_join_click_is_one_join(pool: PgPool) {
    let w = world(pool, 10, 5).await;
    let (ann, bob) = (w.shopper("ann", VISA).await, w.shopper("bob", VISA).await);
    let group = w.start(ann).await;
    let click = Uuid::new_v4();
    let req = JoinRequest { user: bob, seats: 1, shown: usd(2000), ctx: None, click };
    let first = db::join(&w.pool, &w.provider, Target::Group(group), req, clock_now()).await.unwrap();
    let again = db::join(&w.pool, &w.provider, Target::Group(group), req, clock_now()).await.unwrap();
    assert_eq!(first.order, again.order);
    assert_eq!(w.group(group).await, ("open".into(), 2));
    assert_eq!(count(&w.pool, "SELECT count(*) FROM test_provider_intents").await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_post_shows_its_groups_as_they_are_now_and_a_join_through_it_keeps_its_context(pool: PgPool) {
    use crate::attribution::crediting_tests::{credits, key};
    let w = world(pool, 10, 3).await;
    let (ann, bob) = (w.shopper("ann", VISA).await, w.shopper("bob", VISA).await);
    let group = w.start(ann).await;
    let promo = post(&w.pool, ann, "join my group", Visibility::Public).await;
    db::link(&w.pool, Some(ann), promo, group, clock_now()).await.unwrap();
    let again = db::link(&w.pool, Some(ann), promo, group, clock_now()).await.unwrap_err();
    assert_eq!(again.field(), Some("group"));

    let read = crate::posts::db::post(&w.pool, promo, Some(bob)).await.unwrap().unwrap();
    assert_eq!(read.groups.len(), 1);
    assert_eq!((read.groups[0].joined, read.groups[0].status), (1, GroupStatus::AlmostFull));
    w.join(group, w.shopper("cyd", VISA).await).await.unwrap();
    let read = crate::posts::db::post(&w.pool, promo, Some(bob)).await.unwrap().unwrap();
    assert_eq!(read.groups[0].joined, 2, "read fresh, never cached");

    // The card carries a context token naming the post and its creator; a
    // join with it is credited to the creator like any sale.
    let keys = key();
    let mut shown = vec![read];
    crate::attribution::stamp(&mut shown, &[(promo, ann)], &keys.signer(), clock_now());
    let ctx = shown[0].groups[0].ctx.clone().expect("a group card in a post carries a context token");
    let req = JoinRequest { user: bob, seats: 1, shown: usd(2000), ctx: Some(&ctx), click: Uuid::new_v4() };
    let joined = db::join(&w.pool, &w.provider, Target::Group(group), req, clock_now()).await.unwrap();
    let kept: Option<String> = sqlx::query_scalar("SELECT attribution FROM order_lines WHERE order_id = $1")
        .bind(joined.order)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(kept.as_deref(), Some(ctx.as_str()), "the order line carries the post's context");
    crate::attribution::attribute_order(&w.pool, &keys, joined.order).await.unwrap();
    let credited = credits(&w.pool, "last_click").await;
    assert_eq!(credited, vec![(Some("ann".to_string()), 2000)], "the group card's post earns the sale");

    db::unlink(&w.pool, Some(ann), promo, group).await.unwrap();
    assert!(crate::posts::db::post(&w.pool, promo, Some(bob)).await.unwrap().unwrap().groups.is_empty());
}

/// Every entry point groups add, called by each kind of caller. Each call
/// that changes something acts on a fresh group or post, so one answer
/// never changes the next. Admins get no special power here.
#[sqlx::test(migrations = "../migrations")]
async fn authorization_matrix_for_group_deals(pool: PgPool) {
    let w = world(pool, 200, 10).await;
    let org = w.shopper("org", VISA).await; // starts every group
    let sam = w.shopper("sam", VISA).await; // unrelated
    let bob = w.shopper("bob", VISA).await; // blocked by the organiser
    let boss = admin(&w.pool, "boss").await;
    wallet_with(&w.pool, &w.provider, boss, VISA).await;
    wallet_with(&w.pool, &w.provider, w.maker, VISA).await;
    set_relation(&w.pool, org, "bob", Relation::Block, true).await.unwrap();
    let product: Uuid = sqlx::query_scalar("SELECT product_id FROM product_variants WHERE id = $1")
        .bind(w.variant)
        .fetch_one(&w.pool)
        .await
        .unwrap();

    let callers: [(&str, Option<Uuid>); 6] = [
        ("anonymous", None),
        ("unrelated", Some(sam)),
        ("blocked", Some(bob)),
        ("organiser", Some(org)),
        ("shop owner", Some(w.maker)),
        ("admin", Some(boss)),
    ];
    let expected: [(&str, [&str; 6]); 10] = [
        ("save deal", ["401", "403", "403", "403", "ok", "403"]),
        ("deal slots", ["401", "403", "403", "403", "ok", "403"]),
        ("product groups", ["ok", "ok", "ok", "ok", "ok", "ok"]),
        ("page", ["ok", "ok", "404", "ok", "ok", "ok"]),
        ("mine", ["401", "ok", "ok", "ok", "ok", "ok"]),
        ("start", ["401", "ok", "ok", "ok", "ok", "ok"]),
        ("join", ["401", "ok", "404", "ok", "ok", "ok"]),
        ("linkable", ["401", "ok", "ok", "ok", "ok", "ok"]),
        ("link to the organiser's post", ["401", "403", "403", "ok", "403", "403"]),
        ("unlink from the organiser's post", ["401", "403", "403", "ok", "403", "403"]),
    ];
    let form = DealForm {
        price: "20.00".into(),
        size: "10".into(),
        hours: "48".into(),
        max_per_customer: "2".into(),
        active: true,
    };
    for (i, (who, caller)) in callers.iter().enumerate() {
        for (entry, answers) in &expected {
            let group = w.start(org).await;
            let promo = post(&w.pool, org, &format!("{entry} for {who}"), Visibility::Public).await;
            if entry.starts_with("unlink") {
                db::link(&w.pool, Some(org), promo, group, clock_now()).await.unwrap();
            }
            // Joining and starting need a session: signed out is refused by
            // the server function before the database.
            let shop = &w;
            let seat = |target| async move {
                match caller {
                    None => Err(AppError::Unauthorized),
                    Some(me) => shop.take(target, *me, 1, usd(2000), clock_now()).await,
                }
            };
            let got = match *entry {
                "save deal" => outcome(db::save_deal(&w.pool, *caller, w.variant, &form).await),
                "deal slots" => outcome(db::deal_slots(&w.pool, *caller, product).await),
                "product groups" => outcome(db::product_groups(&w.pool, *caller, product, clock_now()).await),
                "page" => outcome(db::page(&w.pool, *caller, group, clock_now()).await),
                "mine" => outcome(db::mine(&w.pool, *caller, clock_now()).await),
                "start" => outcome(seat(Target::Start(w.variant)).await),
                "join" => outcome(seat(Target::Group(group)).await),
                "linkable" => outcome(db::linkable(&w.pool, *caller, "", clock_now()).await),
                "link to the organiser's post" => outcome(db::link(&w.pool, *caller, promo, group, clock_now()).await),
                "unlink from the organiser's post" => outcome(db::unlink(&w.pool, *caller, promo, group).await),
                other => unreachable!("{other}"),
            };
            assert_eq!(got, answers[i], "{entry} as {who}");
        }
    }
    // Blocked either way, the organiser's groups are not offered either.
    let listed = db::product_groups(&w.pool, Some(bob), product, clock_now()).await.unwrap();
    assert!(listed.open.iter().all(|g| g.organiser != "org"));
    // Only those who started or joined a group may link it to their post.
    let group = w.start(org).await;
    let sams = post(&w.pool, sam, "not mine to share", Visibility::Public).await;
    assert_eq!(outcome(db::link(&w.pool, Some(sam), sams, group, clock_now()).await), "422");
}

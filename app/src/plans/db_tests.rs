//! Database tests for installment plans: the shop's plans (and the refusal
//! of bad ones), quotes and pre-qualification, plan cards on posts and
//! Explore's filter, checkout by plan (the down payment charged, the
//! schedule stored, tampered plans refused), the instalment job, and the
//! authorization matrix of every entry point.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::amortization;
use super::eligibility::Verdict;
use super::{checkout, db, instalments, Frequency, InstalmentStatus, NewPlan, PlanForm, PlanTerms};
use crate::clock::Clock;
use crate::error::{AppError, AppResult};
use crate::inventory::gate::StockGate;
use crate::money::{Currency, Money};
use crate::payments::cards::CardInput;
use crate::payments::test_provider::TestProvider;
use crate::posts::Visibility;
use crate::test_support::{address, checkout_ready, matrix_callers, outcome, post, stocked_variant, user, TTL};

/// The real time, as the app's clock reads it in tests.
fn moment() -> DateTime<Utc> {
    Clock::system().now()
}

fn form(payments: &str, frequency: &str, apr: &str, down: &str) -> PlanForm {
    PlanForm {
        payments: payments.into(),
        frequency: frequency.into(),
        apr: apr.into(),
        down_payment: down.into(),
        ..PlanForm::default()
    }
}

fn six_months() -> NewPlan {
    form("6", "monthly", "0", "").parse(Currency::USD).unwrap()
}

fn twelve_months() -> NewPlan {
    form("12", "monthly", "12", "10").parse(Currency::USD).unwrap()
}

async fn product_of(pool: &PgPool, variant: Uuid) -> Uuid {
    sqlx::query_scalar!("SELECT product_id FROM product_variants WHERE id = $1", variant).fetch_one(pool).await.unwrap()
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap()
}

/// Saves `number` and the test address to `shopper`'s wallet, as
/// `/settings/payment` does.
async fn wallet_with(pool: &PgPool, provider: &TestProvider, shopper: Uuid, number: &str) {
    let typed = CardInput { number: number.into(), exp_month: "12".into(), exp_year: "2034".into(), cvc: "123".into() };
    let token = provider.tokenize(&typed, 2026, 12).await.unwrap();
    let setup = crate::wallet::db::start_setup(pool, shopper, moment()).await.unwrap();
    crate::wallet::db::finish_setup(pool, provider, shopper, setup, &token, moment()).await.unwrap().unwrap();
    crate::wallet::db::save_address(pool, shopper, &address()).await.unwrap();
}

/// A shop owner `maker` with a stocked product (25.00 USD) in `maker_shop`
/// and a buyer with a saved card.
struct World {
    pool: PgPool,
    provider: TestProvider,
    maker: Uuid,
    buyer: Uuid,
    variant: Uuid,
    product: Uuid,
}

async fn world(pool: PgPool) -> World {
    let maker = user(&pool, "maker").await;
    let buyer = user(&pool, "buyer").await;
    let variant = stocked_variant(&pool, maker, "maker_shop", 10).await;
    let product = product_of(&pool, variant).await;
    let provider = TestProvider::new(pool.clone());
    wallet_with(&pool, &provider, buyer, "4242424242424242").await;
    World { pool, provider, maker, buyer, variant, product }
}

impl World {
    async fn plan(&self, plan: &NewPlan) -> Uuid {
        db::create(&self.pool, self.maker, self.product, plan).await.unwrap()
    }

    /// The buyer's checkout of one unit, ready to pay, with `plan` chosen.
    async fn checkout_with(&self, plan: Uuid) -> Uuid {
        let id = checkout_ready(&self.pool, self.buyer, self.variant, 1, moment()).await;
        checkout::choose(&self.pool, self.buyer, id, Some(plan), moment()).await.unwrap();
        id
    }

    async fn due_now(&self, checkout: Uuid) -> Money {
        let view = crate::checkout::db::view(&self.pool, checkout, self.buyer, moment()).await.unwrap();
        view.plans.unwrap().due_now().unwrap()
    }

    async fn pay(&self, checkout: Uuid, shown: Money) -> AppResult<Uuid> {
        checkout::pay(&self.pool, &self.provider, self.buyer, checkout, shown, moment(), TTL).await
    }

    async fn statuses(&self, order: Uuid) -> Vec<String> {
        sqlx::query_scalar!("SELECT status FROM order_instalments WHERE order_id = $1 ORDER BY seq", order)
            .fetch_all(&self.pool)
            .await
            .unwrap()
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_plans_are_refused_with_the_field_named_and_nothing_is_written(pool: PgPool) {
    let w = world(pool).await;
    for (bad, field) in [
        (form("0", "monthly", "5", ""), "payments"),
        (form("25", "monthly", "5", ""), "payments"),
        (form("6", "monthly", "36.5", ""), "apr"),
        (form("6", "monthly", "5", "101"), "down_payment"),
    ] {
        let err = bad.parse(Currency::USD).unwrap_err();
        assert_eq!(err.field(), Some(field));
        assert_eq!(err.status_code(), 422);
    }
    // The database refuses what no form can send.
    let over = NewPlan {
        terms: PlanTerms { payments: 6, frequency: Frequency::Monthly, apr_bp: 3700, down_payment_bp: 0, fee_minor: 0 },
        min_total: None,
        max_total: None,
    };
    assert!(db::create(&w.pool, w.maker, w.product, &over).await.is_err());
    assert_eq!(count(&w.pool, "SELECT count(*) FROM installment_plans").await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn shoppers_see_each_plan_with_its_schedule_and_whether_they_pre_qualify(pool: PgPool) {
    let w = world(pool).await;
    let six = w.plan(&six_months()).await;
    let twelve = w.plan(&twelve_months()).await;
    let mut limited = six_months();
    limited.min_total = Some(Money::new(50_000, Currency::USD));
    let big_only = w.plan(&limited).await;

    let quotes = db::product_quotes(&w.pool, w.product, None).await.unwrap();
    assert_eq!(quotes.len(), 1, "one variant");
    let by_id = |id: Uuid| quotes[0].quotes.iter().find(|q| q.plan_id == id).unwrap().clone();
    let q6 = by_id(six);
    assert_eq!(q6.schedule.payments, vec![417, 417, 417, 417, 417, 415], "25.00 over 6 at 0%");
    assert_eq!(q6.verdict, Verdict::SignInToCheck);
    assert_eq!(by_id(twelve).schedule.down_payment, 250);
    assert_eq!(by_id(big_only).verdict, Verdict::BelowMinimum(Money::new(50_000, Currency::USD)));

    let signed_in = db::product_quotes(&w.pool, w.product, Some(w.buyer)).await.unwrap();
    assert_eq!(signed_in[0].quotes.iter().find(|q| q.plan_id == six).unwrap().verdict, Verdict::PreQualified);

    // Retired: gone from the product page, still in the owner's editor.
    db::set_active(&w.pool, w.maker, twelve, false).await.unwrap();
    let shown = db::product_quotes(&w.pool, w.product, None).await.unwrap();
    assert!(shown[0].quotes.iter().all(|q| q.plan_id != twelve));
    let editor = db::for_editor(&w.pool, w.maker, w.product).await.unwrap();
    assert_eq!(editor.iter().filter(|p| !p.active).count(), 1);
    let picks = db::search(&w.pool, "linen", 8).await.unwrap();
    assert_eq!(picks.len(), 2, "retired plans can't be linked: {picks:?}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_post_shows_its_plans_side_by_side_with_the_featured_one_and_explore_finds_it(pool: PgPool) {
    let w = world(pool).await;
    let six = w.plan(&six_months()).await;
    let twelve = w.plan(&twelve_months()).await;
    let other = w.plan(&form("3", "biweekly", "0", "").parse(Currency::USD).unwrap()).await;
    let fourth = w.plan(&form("24", "monthly", "36", "").parse(Currency::USD).unwrap()).await;
    let creator = user(&w.pool, "creator").await;
    let id = post(&w.pool, creator, "Pay as low as $4.17/month", Visibility::Public).await;
    let plain = post(&w.pool, creator, "no plans here", Visibility::Public).await;

    db::link(&w.pool, creator, id, six, false).await.unwrap();
    db::link(&w.pool, creator, id, twelve, true).await.unwrap();
    let view = crate::posts::db::post(&w.pool, id, None).await.unwrap().unwrap();
    let shown: Vec<(Uuid, bool)> = view.plans.iter().map(|c| (c.quote.plan_id, c.is_featured)).collect();
    assert_eq!(shown, vec![(six, false), (twelve, true)]);
    assert_eq!(view.plans[0].quote.per_payment_label(), "$4.17/mo");
    assert_eq!(view.plans[0].quote.verdict, Verdict::SignInToCheck);
    assert_eq!(view.plans[0].product_title, "Linen shirt");
    assert_eq!(view.plans[1].quote.href(), format!("/p/{}?plan={twelve}", w.product));
    let for_buyer = crate::posts::db::post(&w.pool, id, Some(w.buyer)).await.unwrap().unwrap();
    assert_eq!(for_buyer.plans[0].quote.verdict, Verdict::PreQualified);

    // Featuring another moves the highlight; each plan once, three at most.
    db::link(&w.pool, creator, id, other, true).await.unwrap();
    let view = crate::posts::db::post(&w.pool, id, None).await.unwrap().unwrap();
    assert_eq!(view.plans.iter().filter(|c| c.is_featured).map(|c| c.quote.plan_id).collect::<Vec<_>>(), vec![other]);
    let again = db::link(&w.pool, creator, id, six, false).await.unwrap_err();
    assert_eq!(again.field(), Some(db::LINK_FIELD));
    let full = db::link(&w.pool, creator, id, fourth, false).await.unwrap_err();
    assert_eq!(full, AppError::validation(db::LINK_FIELD, "A post can show at most 3 plans."));

    // Explore's filter keeps the post with plans.
    let sam = user(&w.pool, "sam").await;
    let filter = crate::posts::explore::Filter { has: Some(crate::posts::card_filter::Has::Plans) };
    let found = crate::posts::explore::filtered(&w.pool, Some(sam), None, filter).await.unwrap();
    assert_eq!(found.posts.iter().map(|p| p.id).collect::<Vec<_>>(), vec![id]);
    let all = crate::posts::explore::feed(&w.pool, Some(sam), None).await.unwrap();
    assert_eq!(all.posts.len(), 2, "{plain} too");

    // A retired plan drops off the card; unlinking takes it off the post.
    db::set_active(&w.pool, w.maker, six, false).await.unwrap();
    db::unlink(&w.pool, creator, id, other).await.unwrap();
    let view = crate::posts::db::post(&w.pool, id, None).await.unwrap().unwrap();
    assert_eq!(view.plans.iter().map(|c| c.quote.plan_id).collect::<Vec<_>>(), vec![twelve]);
    assert_eq!(db::unlink(&w.pool, creator, id, other).await.unwrap_err(), AppError::NotFound("Plan".into()));
}

#[sqlx::test(migrations = "../migrations")]
async fn checkout_by_plan_charges_the_down_payment_only_and_stores_the_schedule(pool: PgPool) {
    let w = world(pool).await;
    let twelve = w.plan(&twelve_months()).await;
    let checkout_id = w.checkout_with(twelve).await;
    let view = crate::checkout::db::view(&w.pool, checkout_id, w.buyer, moment()).await.unwrap();
    let total = view.priced.totals.total;
    let plans = view.plans.clone().unwrap();
    assert_eq!(plans.chosen.as_ref().map(|q| q.plan_id), Some(twelve));
    assert_eq!(plans.problem, None);
    let schedule = amortization::schedule(total, &twelve_months().terms).unwrap();
    let due = w.due_now(checkout_id).await;
    assert_eq!(due, Money::new(schedule.down_payment, Currency::USD));
    assert!(due.minor > 0 && due.minor < total);

    // The hosted page's one-time token can't pay later instalments.
    let hosted = crate::checkout::hosted::db::start(
        &w.pool,
        &w.provider,
        checkout_id,
        &crate::cart::db::Owner::User(w.buyer),
        Money::new(total, Currency::USD),
        moment(),
    )
    .await
    .unwrap_err();
    assert_eq!(hosted.field(), Some(checkout::FIELD));
    // The full total is not what a plan's button charges.
    let wrong = w.pay(checkout_id, Money::new(total, Currency::USD)).await.unwrap_err();
    assert!(matches!(wrong, AppError::TotalChanged { .. }), "{wrong:?}");

    let order = w.pay(checkout_id, due).await.unwrap();
    let paid = sqlx::query!("SELECT amount_minor, captured_minor FROM payments WHERE order_id = $1", order)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!((paid.amount_minor, paid.captured_minor), (due.minor, due.minor), "only the down payment is charged");
    let stored = sqlx::query!(
        "SELECT seq, amount_minor, status, due_on FROM order_instalments WHERE order_id = $1 ORDER BY seq",
        order
    )
    .fetch_all(&w.pool)
    .await
    .unwrap();
    assert_eq!(stored.iter().map(|r| r.amount_minor).collect::<Vec<_>>(), amortization::instalments(&schedule));
    assert_eq!(stored.len(), 13);
    assert_eq!(stored[0].status, "paid");
    assert!(stored[1..].iter().all(|r| r.status == "scheduled"));
    let today = moment().date_naive();
    assert_eq!(stored[1].due_on, amortization::due_on(today, Frequency::Monthly, 1).unwrap());

    // The order page's plan: the disclosure's figures and each instalment.
    let shown = instalments::order_plan(&w.pool, order).await.unwrap().unwrap();
    assert_eq!(shown.quote.schedule, schedule);
    assert_eq!(shown.instalments.len(), 13);
    assert_eq!(shown.instalments[0].status, InstalmentStatus::Paid);
    assert_eq!(shown.instalments[1].label(&shown.quote.terms, true), "Payment 1 of 12");
    // An order paid in full has no plan.
    assert!(instalments::order_plan(&w.pool, Uuid::new_v4()).await.unwrap().is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn without_a_down_payment_the_first_instalment_is_charged_at_checkout(pool: PgPool) {
    let w = world(pool).await;
    let six = w.plan(&six_months()).await;
    let checkout_id = w.checkout_with(six).await;
    let due = w.due_now(checkout_id).await;
    let order = w.pay(checkout_id, due).await.unwrap();
    let amounts =
        sqlx::query_scalar!("SELECT amount_minor FROM order_instalments WHERE order_id = $1 ORDER BY seq", order)
            .fetch_all(&w.pool)
            .await
            .unwrap();
    assert_eq!(amounts.len(), 6);
    assert_eq!(amounts[0], due.minor);
    assert_eq!(w.statuses(order).await[..2], ["paid".to_string(), "scheduled".to_string()]);
}

#[sqlx::test(migrations = "../migrations")]
async fn tampered_plans_are_refused_and_nothing_changes(pool: PgPool) {
    let w = world(pool).await;
    let mine = w.plan(&six_months()).await;
    // Another product of another shop, with its own plan.
    let rival = user(&w.pool, "rival").await;
    let rival_variant = stocked_variant(&w.pool, rival, "rival_shop", 5).await;
    let rival_product = product_of(&w.pool, rival_variant).await;
    let theirs = db::create(&w.pool, rival, rival_product, &six_months()).await.unwrap();
    let retired = w.plan(&twelve_months()).await;
    db::set_active(&w.pool, w.maker, retired, false).await.unwrap();

    let checkout_id = checkout_ready(&w.pool, w.buyer, w.variant, 1, moment()).await;
    for bad in [theirs, retired, Uuid::new_v4()] {
        let err = checkout::choose(&w.pool, w.buyer, checkout_id, Some(bad), moment()).await.unwrap_err();
        assert_eq!(err.field(), Some(checkout::FIELD), "{err:?}");
        assert_eq!(err.status_code(), 422);
    }
    let gate = StockGate::start(w.pool.clone());
    let err = checkout::start(&w.pool, &gate, buy(&w, theirs), moment(), TTL).await.unwrap_err();
    assert_eq!(err.field(), Some(checkout::FIELD));
    assert_eq!(count(&w.pool, "SELECT count(*) FROM checkouts WHERE plan_id IS NOT NULL").await, 0);
    // Someone else's checkout is not found, whatever the plan.
    let err = checkout::choose(&w.pool, rival, checkout_id, Some(mine), moment()).await.unwrap_err();
    assert_eq!(err, AppError::NotFound("Checkout".into()));

    // "Buy with plan" with the product's own plan opens the checkout with it.
    let handle = checkout::start(&w.pool, &gate, buy(&w, mine), moment(), TTL).await.unwrap();
    assert_eq!(handle, "maker_shop");
    assert_eq!(count(&w.pool, "SELECT count(*) FROM checkouts WHERE plan_id IS NOT NULL").await, 1);
    // A plan can't pay for two products at once.
    let second = stocked_variant(&w.pool, w.maker, "maker_two", 5).await;
    let two = checkout_ready(&w.pool, w.buyer, second, 1, moment()).await;
    let err = checkout::choose(&w.pool, w.buyer, two, Some(mine), moment()).await.unwrap_err();
    assert_eq!(err.field(), Some(checkout::FIELD));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_job_charges_instalments_when_due_and_a_decline_fails_one(pool: PgPool) {
    let w = world(pool).await;
    let six = w.plan(&six_months()).await;
    let checkout_id = w.checkout_with(six).await;
    let due = w.due_now(checkout_id).await;
    let order = w.pay(checkout_id, due).await.unwrap();

    // Nothing is due yet.
    let run = instalments::charge_due(&w.pool, &w.provider, moment()).await.unwrap();
    assert_eq!((run.paid, run.failed), (0, 0));
    // A month on: the second instalment is charged and captured.
    let run = instalments::charge_due(&w.pool, &w.provider, moment() + Duration::days(32)).await.unwrap();
    assert_eq!((run.paid, run.failed), (1, 0));
    assert_eq!(w.statuses(order).await[..3], ["paid", "paid", "scheduled"].map(String::from));
    // Running again charges nothing twice.
    let run = instalments::charge_due(&w.pool, &w.provider, moment() + Duration::days(32)).await.unwrap();
    assert_eq!((run.paid, run.failed), (0, 0));

    // The card starts declining: the next instalment fails, and the buyer
    // no longer pre-qualifies.
    let token = sqlx::query_scalar!("SELECT token FROM saved_cards WHERE user_id = $1", w.buyer)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    w.provider.script(&token, crate::payments::cards::TestOutcome::Declined).await.unwrap();
    let run = instalments::charge_due(&w.pool, &w.provider, moment() + Duration::days(63)).await.unwrap();
    assert_eq!((run.paid, run.failed), (0, 1));
    assert_eq!(w.statuses(order).await[2], "failed");
    let quotes = db::product_quotes(&w.pool, w.product, Some(w.buyer)).await.unwrap();
    assert_eq!(quotes[0].quotes[0].verdict, Verdict::NotInGoodStanding);

    // Retried a day later once the card works again: paid, standing back.
    w.provider.script(&token, crate::payments::cards::TestOutcome::Succeeds).await.unwrap();
    let run = instalments::charge_due(&w.pool, &w.provider, moment() + Duration::days(63)).await.unwrap();
    assert_eq!((run.paid, run.failed), (0, 0), "not before a day has passed");
    let run = instalments::charge_due(&w.pool, &w.provider, moment() + Duration::days(65)).await.unwrap();
    assert_eq!((run.paid, run.failed), (1, 0));
    let quotes = db::product_quotes(&w.pool, w.product, Some(w.buyer)).await.unwrap();
    assert_eq!(quotes[0].quotes[0].verdict, Verdict::PreQualified);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_buyer_is_reminded_once_before_an_instalment_and_told_when_one_fails(pool: PgPool) {
    use crate::notifications::{consumer::NotificationsConsumer, db as inbox, Filter, Kind};
    let w = world(pool).await;
    let six = w.plan(&six_months()).await;
    let checkout_id = w.checkout_with(six).await;
    let due = w.due_now(checkout_id).await;
    w.pay(checkout_id, due).await.unwrap();
    assert_eq!(instalments::remind_due(&w.pool, moment()).await.unwrap(), 0, "the next one is a month off");
    let near = moment() + Duration::days(29);
    assert_eq!(instalments::remind_due(&w.pool, near).await.unwrap(), 1);
    assert_eq!(instalments::remind_due(&w.pool, near).await.unwrap(), 0, "each is announced once");

    let token = sqlx::query_scalar!("SELECT token FROM saved_cards WHERE user_id = $1", w.buyer)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    w.provider.script(&token, crate::payments::cards::TestOutcome::Declined).await.unwrap();
    let run = instalments::charge_due(&w.pool, &w.provider, moment() + Duration::days(32)).await.unwrap();
    assert_eq!(run.failed, 1);
    let relay = crate::outbox::Relay::new(w.pool.clone()).with(NotificationsConsumer);
    crate::test_support::drain(&w.pool, &relay, "notifications").await;

    let page = inbox::page(&w.pool, Some(w.buyer), Filter::Commerce, None).await.unwrap();
    let kinds: Vec<Kind> = page.items.iter().map(|n| n.kind).collect();
    assert_eq!(kinds[..2], [Kind::InstalmentFailed, Kind::InstalmentDue], "{kinds:?}");
    assert!(page.items[1].sentence().starts_with("An instalment is coming due: "), "{}", page.items[1].sentence());
    assert!(page.items[0].sentence().starts_with("An instalment payment failed: order #"));
    assert!(page.items.iter().all(|n| n.href.starts_with("/orders/")));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_cancelled_plan_order_is_never_charged_again(pool: PgPool) {
    let w = world(pool).await;
    let six = w.plan(&six_months()).await;
    let checkout_id = w.checkout_with(six).await;
    let order = w.pay(checkout_id, w.due_now(checkout_id).await).await.unwrap();
    // A month on the second payment is taken; the third then fails.
    instalments::charge_due(&w.pool, &w.provider, moment() + Duration::days(32)).await.unwrap();
    let token = sqlx::query_scalar!("SELECT token FROM saved_cards WHERE user_id = $1", w.buyer)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    w.provider.script(&token, crate::payments::cards::TestOutcome::Declined).await.unwrap();
    instalments::charge_due(&w.pool, &w.provider, moment() + Duration::days(63)).await.unwrap();
    assert_eq!(w.statuses(order).await[..4], ["paid", "paid", "failed", "scheduled"].map(String::from));

    // The shop cancels: the failed one and every scheduled one go with it,
    // in the cancel's transaction; what was paid stays paid.
    crate::orders::db::cancel(&w.pool, &w.provider, order, w.maker, "Sold out").await.unwrap();
    let cancelled = ["paid", "paid", "cancelled", "cancelled", "cancelled", "cancelled"].map(String::from);
    assert_eq!(w.statuses(order).await, cancelled);
    // Both payments taken come back, each through its own charge.
    let paid: i64 = sqlx::query_scalar!(
        r#"SELECT sum(amount_minor)::bigint AS "sum!" FROM order_instalments WHERE order_id = $1 AND status = 'paid'"#,
        order
    )
    .fetch_one(&w.pool)
    .await
    .unwrap();
    assert_eq!(refunded_at_provider(&w.pool, order).await, paid);
    w.provider.script(&token, crate::payments::cards::TestOutcome::Succeeds).await.unwrap();
    let run = instalments::charge_due(&w.pool, &w.provider, moment() + Duration::days(400)).await.unwrap();
    assert_eq!((run.paid, run.failed), (0, 0), "nothing left to charge");
    let shown = instalments::order_plan(&w.pool, order).await.unwrap().unwrap();
    assert_eq!(shown.instalments[5].status, InstalmentStatus::Cancelled);
    // Nor does the failed instalment count against the buyer any more.
    let quotes = db::product_quotes(&w.pool, w.product, Some(w.buyer)).await.unwrap();
    assert_eq!(quotes[0].quotes[0].verdict, Verdict::PreQualified);
}

#[sqlx::test(migrations = "../migrations")]
async fn refunding_a_whole_plan_order_cancels_its_remaining_instalments(pool: PgPool) {
    let w = world(pool).await;
    // All down and a $1.20 fee over six payments: the down payment covers
    // every line, so the whole order can be refunded with instalments left.
    let form = PlanForm { fee: "1.20".into(), ..form("6", "monthly", "0", "100") };
    let plan = w.plan(&form.parse(Currency::USD).unwrap()).await;
    let checkout_id = w.checkout_with(plan).await;
    let order = w.pay(checkout_id, w.due_now(checkout_id).await).await.unwrap();
    assert_eq!(w.statuses(order).await.iter().filter(|s| *s == "scheduled").count(), 6);

    // Refunding the whole order ends the plan in the same transaction.
    let refunded = crate::orders::db::refund(
        &w.pool,
        &w.provider,
        order,
        w.maker,
        crate::orders::db::RefundScope::Whole,
        "Returned",
        true,
    )
    .await
    .unwrap();
    assert!(refunded.minor > 0);
    let statuses = w.statuses(order).await;
    assert_eq!(statuses[0], "paid");
    assert!(statuses[1..].iter().all(|s| s == "cancelled"), "{statuses:?}");
    let run = instalments::charge_due(&w.pool, &w.provider, moment() + Duration::days(400)).await.unwrap();
    assert_eq!((run.paid, run.failed), (0, 0));
}

/// What the provider holds as refunded, across every charge of `order`
/// (its checkout payment and the instalments charged since).
async fn refunded_at_provider(pool: &PgPool, order: Uuid) -> i64 {
    sqlx::query_scalar!(
        r#"SELECT COALESCE(sum(t.refunded_minor), 0)::bigint AS "sum!" FROM test_provider_intents t
           WHERE t.reference IN (SELECT provider_ref FROM payments WHERE order_id = $1
                                 UNION SELECT provider_ref FROM order_instalments WHERE order_id = $1)"#,
        order
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn refunding_a_plan_order_gives_back_every_payment_taken_through_its_own_charge(pool: PgPool) {
    let w = world(pool).await;
    let six = w.plan(&six_months()).await;
    let checkout_id = w.checkout_with(six).await;
    let order = w.pay(checkout_id, w.due_now(checkout_id).await).await.unwrap();
    // Two more months paid: three of six payments taken, in three charges.
    instalments::charge_due(&w.pool, &w.provider, moment() + Duration::days(32)).await.unwrap();
    instalments::charge_due(&w.pool, &w.provider, moment() + Duration::days(63)).await.unwrap();
    let taken: i64 = sqlx::query_scalar!(
        r#"SELECT sum(amount_minor)::bigint AS "sum!" FROM order_instalments WHERE order_id = $1 AND status = 'paid'"#,
        order
    )
    .fetch_one(&w.pool)
    .await
    .unwrap();
    let line =
        sqlx::query_scalar!("SELECT id FROM order_lines WHERE order_id = $1", order).fetch_one(&w.pool).await.unwrap();

    // The line costs the whole price, more than is paid so far: refused,
    // with the way forward, and nothing written or refunded.
    let scope = crate::orders::db::RefundScope::Line { line, quantity: 1 };
    let refused = crate::orders::db::refund(&w.pool, &w.provider, order, w.maker, scope, "Returned", true).await;
    match refused {
        Err(AppError::Conflict { message, .. }) => assert!(message.contains("refund the whole order"), "{message}"),
        other => panic!("expected a conflict, got {other:?}"),
    }
    assert_eq!(refunded_at_provider(&w.pool, order).await, 0);

    // The whole order: everything taken comes back, across the three charges.
    let whole = crate::orders::db::RefundScope::Whole;
    let refunded =
        crate::orders::db::refund(&w.pool, &w.provider, order, w.maker, whole, "Returned", true).await.unwrap();
    assert_eq!(refunded.minor, taken);
    assert_eq!(refunded_at_provider(&w.pool, order).await, taken);
    let rows = sqlx::query!(
        "SELECT o.status, o.refunded_minor, p.status AS payment_status,
                (SELECT sum(refunded_minor) FROM order_instalments WHERE order_id = o.id)::bigint AS instalments
         FROM orders o JOIN payments p ON p.order_id = o.id WHERE o.id = $1",
        order
    )
    .fetch_one(&w.pool)
    .await
    .unwrap();
    assert_eq!((rows.status.as_str(), rows.refunded_minor), ("refunded", taken));
    assert_eq!(rows.payment_status, "refunded");
    assert!(rows.instalments.unwrap() > 0, "the later instalments were refunded through their own charges");
    assert_eq!(w.statuses(order).await[3..], ["cancelled", "cancelled", "cancelled"].map(String::from));
    // Nothing is left to give back.
    let again = crate::orders::db::refund(&w.pool, &w.provider, order, w.maker, whole, "Again", true).await;
    assert!(matches!(again, Err(AppError::Conflict { .. })), "{again:?}");
}

/// The buyer's "Buy with plan" on the world's variant with `plan`.
fn buy(w: &World, plan: Uuid) -> checkout::BuyWithPlan<'static> {
    checkout::BuyWithPlan { buyer: w.buyer, variant: w.variant, plan, ctx: None }
}

/// Every entry point per kind of caller. The server functions that need a
/// session (all but the product page's plans) refuse a signed-out caller
/// with 401 before calling the database; that answer is written here as
/// the session check gives it.
#[sqlx::test(migrations = "../migrations")]
async fn authorization_matrix_for_plans(pool: PgPool) {
    let w = world(pool).await;
    let (owner, pool) = (w.maker, w.pool.clone());
    // Bob is blocked by the shop's owner.
    let callers = matrix_callers(&pool, owner, "owner").await;
    // Entry point → expected answer per caller, in the order above.
    let expected: [(&str, [&str; 5]); 8] = [
        ("create_plan", ["401", "403", "403", "ok", "403"]),
        ("set_plan_active", ["401", "403", "403", "ok", "403"]),
        ("product_plans_for_editor", ["401", "403", "403", "ok", "403"]),
        ("product_plans", ["ok", "ok", "ok", "ok", "ok"]),
        ("search_plans", ["401", "ok", "ok", "ok", "ok"]),
        // On a post of the caller's own: a blocked author can't show the
        // blocking shop's plans.
        ("link_post_plan", ["401", "ok", "422", "ok", "ok"]),
        // On the owner's post: only its author changes it.
        ("unlink_post_plan", ["401", "403", "403", "ok", "403"]),
        // Choosing a plan for the buyer's checkout: nobody else's.
        ("choose_checkout_plan", ["401", "404", "404", "404", "404"]),
    ];
    let plan = w.plan(&six_months()).await;
    let owners_post = post(&pool, owner, "plans!", Visibility::Public).await;
    let buyers_checkout = checkout_ready(&pool, w.buyer, w.variant, 1, moment()).await;
    for (i, (who, caller)) in callers.iter().enumerate() {
        for (entry, answers) in &expected {
            let got = match (*entry, caller) {
                ("product_plans", _) => outcome(db::product_quotes(&pool, w.product, *caller).await),
                (_, None) => outcome::<()>(Err(AppError::Unauthorized)),
                ("create_plan", Some(me)) => outcome(db::create(&pool, *me, w.product, &six_months()).await),
                ("set_plan_active", Some(me)) => outcome(db::set_active(&pool, *me, plan, true).await),
                ("product_plans_for_editor", Some(me)) => outcome(db::for_editor(&pool, *me, w.product).await),
                ("search_plans", Some(_)) => outcome(db::search(&pool, "linen", 8).await),
                ("link_post_plan", Some(me)) => {
                    let own = post(&pool, *me, &format!("link by {who}"), Visibility::Public).await;
                    outcome(db::link(&pool, *me, own, plan, false).await)
                }
                ("unlink_post_plan", Some(me)) => {
                    db::link(&pool, owner, owners_post, plan, false).await.ok();
                    outcome(db::unlink(&pool, *me, owners_post, plan).await)
                }
                ("choose_checkout_plan", Some(me)) => {
                    outcome(checkout::choose(&pool, *me, buyers_checkout, Some(plan), moment()).await)
                }
                _ => unreachable!(),
            };
            assert_eq!(got, answers[i], "{entry} by {who}");
        }
    }
    // The buyer themselves may.
    checkout::choose(&pool, w.buyer, buyers_checkout, Some(plan), moment()).await.unwrap();
}

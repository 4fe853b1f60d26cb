//! Reports, the queue, each action's effect and audit row, suspensions
//! against every gated action (ended by moving the clock), and the
//! authorization matrix of every moderation entry point.

use chrono::{DateTime, Duration, Utc};
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use uuid::Uuid;

use super::db::{self, Filed};
use super::{standing, ModerationAction, NewReport, ReportReason, TargetKind};
use crate::clock::Clock;
use crate::error::{AppError, AppResult};
use crate::limits::Quota;
use crate::posts::comments::db as comments;
use crate::posts::Visibility;
use crate::social::safety::{db::set_relation, Relation};
use crate::test_support::{admin, post, shop, stocked_variant, user};

fn report(kind: TargetKind, target: Uuid, reason: &str, details: &str) -> NewReport {
    NewReport::parse(kind.as_str(), target, reason, details).unwrap()
}

async fn newest_comment(pool: &PgPool) -> Uuid {
    sqlx::query_scalar("SELECT id FROM comments ORDER BY created_at DESC, id DESC LIMIT 1")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn product_of(pool: &PgPool, variant: Uuid) -> Uuid {
    sqlx::query_scalar("SELECT product_id FROM product_variants WHERE id = $1")
        .bind(variant)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn report_statuses(pool: &PgPool, target: Uuid) -> Vec<String> {
    sqlx::query_scalar("SELECT status FROM reports WHERE target_id = $1 ORDER BY created_at")
        .bind(target)
        .fetch_all(pool)
        .await
        .unwrap()
}

async fn audit_rows(pool: &PgPool) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM moderation_actions").fetch_one(pool).await.unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn the_queue_puts_the_most_reported_first_then_the_oldest(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let (bob, cat, dan) = (user(&pool, "bob").await, user(&pool, "cat").await, user(&pool, "dan").await);
    let boss = admin(&pool, "boss").await;
    let first = post(&pool, ann, "first <b>bold</b>", Visibility::Public).await;
    let second = post(&pool, ann, "second", Visibility::Public).await;
    comments::add(&pool, &Quota::exempt(), Some(bob), first, "a comment").await.unwrap();
    let comment = newest_comment(&pool).await;

    // The comment is reported first, then the first post; the second post twice.
    assert_eq!(
        db::report(&pool, &Quota::exempt(), Some(dan), &report(TargetKind::Comment, comment, "spam", "")).await,
        Ok(Filed::New)
    );
    assert_eq!(
        db::report(&pool, &Quota::exempt(), Some(bob), &report(TargetKind::Post, first, "scam", "")).await,
        Ok(Filed::New)
    );
    db::report(&pool, &Quota::exempt(), Some(bob), &report(TargetKind::Post, second, "nudity", "")).await.unwrap();
    db::report(&pool, &Quota::exempt(), Some(cat), &report(TargetKind::Post, second, "other", "looks fake"))
        .await
        .unwrap();
    // Reporting again replaces the open report instead of adding one.
    let again =
        db::report(&pool, &Quota::exempt(), Some(bob), &report(TargetKind::Post, second, "counterfeit", "")).await;
    assert_eq!(again, Ok(Filed::Updated));
    db::report(&pool, &Quota::exempt(), Some(dan), &report(TargetKind::User, ann, "harassment", "")).await.unwrap();

    let queue = db::queue(&pool, Some(boss)).await.unwrap();
    let order: Vec<(Uuid, i64)> = queue.items.iter().map(|i| (i.target_id, i.open_reports)).collect();
    assert_eq!(order, vec![(second, 2), (comment, 1), (first, 1), (ann, 1)]);
    let top = &queue.items[0];
    assert_eq!(top.kind, TargetKind::Post);
    let mut reasons = top.reasons.clone();
    reasons.sort_by_key(|r| r.as_str());
    assert_eq!(reasons, vec![ReportReason::Counterfeit, ReportReason::Other]);
    assert_eq!(top.details, vec!["looks fake".to_string()]);
    assert_eq!((top.subject.as_deref(), top.href.clone()), (Some("ann"), Some(format!("/post/{second}"))));
    // The preview is the text as written (the page escapes it).
    assert_eq!(queue.items[2].preview.as_deref(), Some("first <b>bold</b>"));
    assert_eq!(queue.items[1].href, Some(format!("/post/{first}#comment-{comment}")));
    assert_eq!(queue.items[3].subject.as_deref(), Some("ann"));
    assert!(queue.log.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn reports_are_refused_clearly_for_oneself_missing_targets_and_signed_out(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let own = post(&pool, ann, "mine", Visibility::Public).await;
    let shop_id = shop(&pool, ann, "ann_shop").await;
    for (kind, id) in [(TargetKind::Post, own), (TargetKind::User, ann), (TargetKind::Shop, shop_id)] {
        let err = db::report(&pool, &Quota::exempt(), Some(ann), &report(kind, id, "spam", "")).await.unwrap_err();
        assert_eq!(err.field(), Some("reason"), "{kind:?}");
        assert_eq!(err.status_code(), 422);
    }
    let missing =
        db::report(&pool, &Quota::exempt(), Some(bob), &report(TargetKind::Post, Uuid::new_v4(), "spam", "")).await;
    assert_eq!(missing, Err(AppError::NotFound("Post".into())));
    let signed_out = db::report(&pool, &Quota::exempt(), None, &report(TargetKind::Post, own, "spam", "")).await;
    assert_eq!(signed_out, Err(AppError::Unauthorized));
    // A block either way doesn't stop a report: it is how abuse is escaped.
    set_relation(&pool, ann, "bob", Relation::Block, true).await.unwrap();
    assert_eq!(
        db::report(&pool, &Quota::exempt(), Some(bob), &report(TargetKind::Post, own, "harassment", "")).await,
        Ok(Filed::New)
    );
    assert_eq!(
        db::report(&pool, &Quota::exempt(), Some(bob), &report(TargetKind::User, ann, "harassment", "")).await,
        Ok(Filed::New)
    );
    let stored: i64 = sqlx::query_scalar("SELECT count(*) FROM reports").fetch_one(&pool).await.unwrap();
    assert_eq!(stored, 2, "nothing half-written by the refusals");
}

/// An audit row as the test compares it: action, subject, reason, days, reports closed.
type LogRow<'a> = (&'a str, Option<&'a str>, &'a str, Option<i32>, i32);

#[sqlx::test(migrations = "../migrations")]
async fn each_action_takes_effect_closes_the_reports_and_is_logged(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let cat = user(&pool, "cat").await;
    let boss = admin(&pool, "boss").await;
    let fine = post(&pool, ann, "fine", Visibility::Public).await;
    let bad = post(&pool, ann, "bad", Visibility::Public).await;
    let variant = stocked_variant(&pool, cat, "cat_store", 3).await;
    let product = product_of(&pool, variant).await;
    for (kind, id) in
        [(TargetKind::Post, fine), (TargetKind::Post, bad), (TargetKind::User, ann), (TargetKind::Product, product)]
    {
        db::report(&pool, &Quota::exempt(), Some(bob), &report(kind, id, "scam", "")).await.unwrap();
    }
    crate::accounts::session::create(&pool, cat, std::time::Duration::from_secs(3600), "127.0.0.1", None)
        .await
        .unwrap();

    // Dismiss: the reports close, nothing else changes.
    db::act(&pool, Some(boss), TargetKind::Post, fine, ModerationAction::Dismiss, "not a scam").await.unwrap();
    assert_eq!(report_statuses(&pool, fine).await, ["dismissed"]);
    assert!(crate::posts::db::post(&pool, fine, Some(bob)).await.unwrap().is_some());

    // Remove: the post is hidden, its author is told why.
    db::act(&pool, Some(boss), TargetKind::Post, bad, ModerationAction::Remove, "a scam").await.unwrap();
    assert_eq!(report_statuses(&pool, bad).await, ["actioned"]);
    assert!(crate::posts::db::post(&pool, bad, Some(bob)).await.unwrap().is_none());
    assert_eq!(db::post_removal(&pool, Some(ann), bad).await.unwrap().as_deref(), Some("Removed by Storefeed: a scam"));
    assert_eq!(db::post_removal(&pool, Some(bob), bad).await.unwrap(), None, "nobody else is shown it");

    // Suspend: for the days given, with the reason.
    db::act(&pool, Some(boss), TargetKind::User, ann, ModerationAction::Suspend { days: 3 }, "spamming").await.unwrap();
    let (until, now): (Option<DateTime<Utc>>, DateTime<Utc>) =
        sqlx::query_as("SELECT suspended_until, app_now() FROM users WHERE id = $1")
            .bind(ann)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!((until.unwrap() - (now + Duration::days(3))).num_seconds().abs() < 5);
    let refused = standing::require_active(&pool, ann).await.unwrap_err();
    assert!(
        matches!(&refused, AppError::AccountRestricted(m) if m.starts_with("Your account is suspended until ") && m.ends_with(": spamming"))
    );
    assert_eq!(refused.status_code(), 403);

    // Remove a product: archived, kept archived, its owner told; ban its owner: signed out.
    db::act(&pool, Some(boss), TargetKind::Product, product, ModerationAction::Remove, "counterfeit").await.unwrap();
    assert!(crate::catalog::db::product(&pool, product, Some(bob)).await.unwrap().is_none());
    let reactivate = crate::catalog::db::set_status(&pool, product, cat, crate::catalog::ProductStatus::Active).await;
    assert_eq!(reactivate.unwrap_err().field(), Some("status"));
    assert_eq!(
        db::product_removal(&pool, Some(cat), product).await.unwrap().as_deref(),
        Some("Removed by Storefeed: counterfeit")
    );
    db::act(&pool, Some(boss), TargetKind::Product, product, ModerationAction::Ban, "repeat counterfeits")
        .await
        .unwrap();
    let sessions: i64 = sqlx::query_scalar("SELECT count(*) FROM sessions WHERE user_id = $1")
        .bind(cat)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(sessions, 0, "the banned account is signed out");
    assert_eq!(
        standing::refuse_banned(&pool, cat).await,
        Err(AppError::AccountRestricted("Your account is banned: repeat counterfeits".into()))
    );
    assert_eq!(standing::refuse_banned(&pool, ann).await, Ok(()), "a suspended account may sign in");

    // The audit log: every action, newest first, with who, what and why.
    let log = db::queue(&pool, Some(boss)).await.unwrap().log;
    let rows: Vec<LogRow> = log
        .iter()
        .map(|e| (e.action.as_str(), e.subject.as_deref(), e.reason.as_str(), e.days, e.reports_closed))
        .collect();
    assert_eq!(
        rows,
        vec![
            ("ban", Some("cat"), "repeat counterfeits", None, 0),
            ("remove", Some("cat"), "counterfeit", None, 1),
            ("suspend", Some("ann"), "spamming", Some(3), 1),
            ("remove", Some("ann"), "a scam", None, 1),
            ("dismiss", Some("ann"), "not a scam", None, 1),
        ]
    );
    assert!(log.iter().all(|e| e.admin.as_deref() == Some("boss")));
    assert!(db::queue(&pool, Some(boss)).await.unwrap().items.is_empty(), "every report closed");
}

#[sqlx::test(migrations = "../migrations")]
async fn refused_actions_change_nothing(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let boss = admin(&pool, "boss").await;
    let other_admin = admin(&pool, "other_admin").await;
    db::report(&pool, &Quota::exempt(), Some(bob), &report(TargetKind::User, ann, "spam", "")).await.unwrap();
    let err = db::act(&pool, Some(boss), TargetKind::User, ann, ModerationAction::Remove, "x").await.unwrap_err();
    assert_eq!(err.field(), Some("action"));
    let err = db::act(&pool, Some(boss), TargetKind::User, other_admin, ModerationAction::Ban, "x").await.unwrap_err();
    assert_eq!(err.field(), Some("action"));
    let missing = db::act(&pool, Some(boss), TargetKind::Post, Uuid::new_v4(), ModerationAction::Dismiss, "x").await;
    assert_eq!(missing, Err(AppError::NotFound("Post".into())));
    assert_eq!(report_statuses(&pool, ann).await, ["open"]);
    assert_eq!(audit_rows(&pool).await, 0);
    let banned: Option<DateTime<Utc>> = sqlx::query_scalar("SELECT banned_at FROM users WHERE id = $1")
        .bind(other_admin)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(banned, None);
}

/// A removed comment, and the thread under it, is seen by its writer only,
/// with the reason; the post's author no longer sees it.
#[sqlx::test(migrations = "../migrations")]
async fn a_removed_comment_is_left_to_its_writer_with_the_reason(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let troll = user(&pool, "troll").await;
    let fan = user(&pool, "fan").await;
    let boss = admin(&pool, "boss").await;
    let post_id = post(&pool, ann, "hi", Visibility::Public).await;
    comments::add(&pool, &Quota::exempt(), Some(troll), post_id, "rude").await.unwrap();
    let rude = newest_comment(&pool).await;
    comments::reply(&pool, &Quota::exempt(), Some(fan), rude, "don't").await.unwrap();
    comments::add(&pool, &Quota::exempt(), Some(fan), post_id, "nice").await.unwrap();
    db::act(&pool, Some(boss), TargetKind::Comment, rude, ModerationAction::Remove, "harassment").await.unwrap();

    for (who, viewer) in
        [("signed out", None), ("post's author", Some(ann)), ("replier", Some(fan)), ("admin", Some(boss))]
    {
        let page = comments::list(&pool, post_id, viewer, None).await.unwrap();
        assert!(page.threads.iter().all(|t| t.root.id != rude), "{who}");
        assert_eq!(page.total, 1, "{who}");
    }
    let page = comments::list(&pool, post_id, Some(troll), None).await.unwrap();
    let own = page.threads.iter().find(|t| t.root.id == rude).expect("its writer still sees it");
    assert_eq!(own.root.removed.as_deref(), Some("Removed by Storefeed: harassment"));
    assert!(
        comments::reply(&pool, &Quota::exempt(), Some(fan), rude, "again").await.is_err(),
        "nobody else replies to it"
    );
}

/// Every gated action, for the account `me` (with a draft, a comment, a
/// shop's product and a variant to act on): `Ok` or the refusal.
struct Gated {
    me: Uuid,
    other_post: Uuid,
    draft: Uuid,
    comment: Uuid,
    product: Uuid,
    variant: Uuid,
}

impl Gated {
    async fn run(&self, pool: &PgPool) -> Vec<(&'static str, AppResult<()>)> {
        use crate::catalog::{db as catalog, ProductStatus};
        let ok = |r: AppResult<Uuid>| r.map(|_| ());
        let shop = crate::shops::db::owned_by(pool, "me_store", self.me).await.unwrap();
        let new_product = crate::catalog::db::NewProduct {
            title: "Mug".into(),
            description: String::new(),
            status: ProductStatus::Active,
            price: crate::money::Money::new(1200, crate::money::Currency::USD),
            compare_at: None,
            stock: 3,
            options: Vec::new(),
        };
        let update = catalog::VariantUpdate {
            sku: format!("SKU-{}", &Uuid::new_v4().simple().to_string()[..6]),
            price_minor: 1500,
            compare_at_minor: None,
            stock_on_hand: 4,
        };
        let new_shop = crate::shops::db::NewShop {
            handle: &format!("s{}", &Uuid::new_v4().simple().to_string()[..8]),
            name: "Another",
            description: "",
            currency: crate::money::Currency::USD,
        };
        vec![
            ("post", ok(crate::posts::db::publish(pool, self.me, "hello", Visibility::Public, &[]).await)),
            ("publish draft", crate::posts::editing::publish_draft(pool, self.me, self.draft).await),
            ("edit post", crate::posts::editing::edit(pool, self.me, self.draft, "edited", Visibility::Public).await),
            (
                "repost",
                crate::posts::reposts::db::set_repost(pool, &Quota::exempt(), Some(self.me), self.other_post, true)
                    .await
                    .map(|_| ()),
            ),
            ("comment", comments::add(pool, &Quota::exempt(), Some(self.me), self.other_post, "hi").await.map(|_| ())),
            ("reply", comments::reply(pool, &Quota::exempt(), Some(self.me), self.comment, "hi").await.map(|_| ())),
            ("edit comment", comments::edit(pool, Some(self.me), self.comment, "edited").await),
            ("open a shop", ok(crate::shops::db::create(pool, self.me, &new_shop).await)),
            ("list a product", ok(catalog::create_product(pool, &shop, &new_product).await)),
            ("change a variant", catalog::update_variant(pool, self.variant, self.me, &update).await),
            ("change a product's status", catalog::set_status(pool, self.product, self.me, ProductStatus::Draft).await),
        ]
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn a_suspended_account_is_refused_every_gated_action_until_it_ends(
    options: PgPoolOptions,
    connect: PgConnectOptions,
) {
    let clock = Clock::movable();
    let pool = clock.share_with(options).max_connections(2).connect_with(connect).await.unwrap();
    let me = user(&pool, "meg").await;
    let ann = user(&pool, "ann").await;
    let boss = admin(&pool, "boss").await;
    let variant = stocked_variant(&pool, me, "me_store", 5).await;
    let product = product_of(&pool, variant).await;
    let other_post = post(&pool, ann, "hi", Visibility::Public).await;
    let draft = crate::posts::db::save_draft(&pool, me, "draft", Visibility::Public, &[]).await.unwrap();
    comments::add(&pool, &Quota::exempt(), Some(me), other_post, "mine").await.unwrap();
    let comment = newest_comment(&pool).await;
    let mut gated = Gated { me, other_post, draft, comment, product, variant };

    db::act(&pool, Some(boss), TargetKind::User, me, ModerationAction::Suspend { days: 2 }, "spam").await.unwrap();
    for (what, result) in gated.run(&pool).await {
        let err = result.expect_err(what);
        assert_eq!(err.status_code(), 403, "{what}");
        assert!(
            matches!(&err, AppError::AccountRestricted(m) if m.starts_with("Your account is suspended until ") && m.ends_with(": spam")),
            "{what}: {err:?}"
        );
    }
    // Reading, liking, reporting stay open.
    assert!(crate::posts::db::post(&pool, other_post, Some(me)).await.unwrap().is_some());
    assert!(db::report(&pool, &Quota::exempt(), Some(me), &report(TargetKind::Post, other_post, "spam", ""))
        .await
        .is_ok());

    clock.advance(Duration::days(2) + Duration::minutes(1)).unwrap();
    assert_eq!(standing::restriction(&pool, me).await.unwrap(), None);
    // Two days on, the old comment's edit window has closed: edit a new one.
    comments::add(&pool, &Quota::exempt(), Some(me), other_post, "back").await.unwrap();
    gated.comment = newest_comment(&pool).await;
    for (what, result) in gated.run(&pool).await {
        assert_eq!(result, Ok(()), "{what} after the suspension");
    }
}

fn outcome<T>(result: AppResult<T>) -> &'static str {
    match result {
        Ok(_) => "ok",
        Err(AppError::Unauthorized) => "401",
        Err(AppError::Forbidden | AppError::AccountRestricted(_)) => "403",
        Err(AppError::NotFound(_)) => "404",
        Err(AppError::Validation { .. } | AppError::Conflict { .. }) => "422",
        Err(other) => panic!("unexpected {other:?}"),
    }
}

/// Every moderation entry point per kind of caller. `moderate` checks the
/// caller (`require_admin`) before its input, as its server function does;
/// each removal answer is what the caller is shown (`Some` notice or none).
#[sqlx::test(migrations = "../migrations")]
async fn authorization_matrix_for_moderation(pool: PgPool) {
    let owner = user(&pool, "owner").await;
    let sam = user(&pool, "sam").await;
    let sus = user(&pool, "sus").await;
    let boss = admin(&pool, "boss").await;
    let variant = stocked_variant(&pool, owner, "owner_store", 5).await;
    let product = product_of(&pool, variant).await;
    let removed_post = post(&pool, owner, "gone", Visibility::Public).await;
    db::act(&pool, Some(boss), TargetKind::Post, removed_post, ModerationAction::Remove, "spam").await.unwrap();
    db::act(&pool, Some(boss), TargetKind::Product, product, ModerationAction::Remove, "fake").await.unwrap();
    db::act(&pool, Some(boss), TargetKind::User, sus, ModerationAction::Suspend { days: 5 }, "abuse").await.unwrap();
    let callers: [(&str, Option<Uuid>); 5] = [
        ("anonymous", None),
        ("unrelated", Some(sam)),
        ("suspended", Some(sus)),
        ("owner", Some(owner)),
        ("admin", Some(boss)),
    ];
    let expected: [(&str, [&str; 5]); 7] = [
        // Reporting the owner's post: anyone signed in but the owner.
        ("report_content", ["401", "ok", "ok", "422", "ok"]),
        ("moderation_queue", ["401", "403", "403", "403", "ok"]),
        ("moderate", ["401", "403", "403", "403", "ok"]),
        // `Some` only for the one it is about.
        ("my_standing", ["none", "none", "some", "none", "none"]),
        ("post_removal", ["none", "none", "none", "some", "none"]),
        ("product_removal", ["none", "none", "none", "some", "none"]),
        // The gated actions, here posting: refused to the suspended only.
        ("create_post (gated)", ["401", "ok", "403", "ok", "ok"]),
    ];
    let some = |shown: bool| if shown { "some" } else { "none" };
    let target = post(&pool, owner, "report me", Visibility::Public).await;
    for (i, (who, caller)) in callers.iter().enumerate() {
        for (entry, answers) in &expected {
            let got = match *entry {
                "report_content" => outcome(
                    db::report(&pool, &Quota::exempt(), *caller, &report(TargetKind::Post, target, "spam", "")).await,
                ),
                "moderation_queue" => outcome(db::queue(&pool, *caller).await),
                "moderate" => {
                    let dismiss = ModerationAction::Dismiss;
                    outcome(db::act(&pool, *caller, TargetKind::Post, target, dismiss, "fine").await)
                }
                "my_standing" => match caller {
                    None => some(false),
                    Some(me) => some(standing::restriction(&pool, *me).await.unwrap().is_some()),
                },
                "post_removal" => some(db::post_removal(&pool, *caller, removed_post).await.unwrap().is_some()),
                "product_removal" => some(db::product_removal(&pool, *caller, product).await.unwrap().is_some()),
                "create_post (gated)" => match caller {
                    None => outcome::<()>(Err(AppError::Unauthorized)),
                    Some(me) => outcome(crate::posts::db::publish(&pool, *me, "hi", Visibility::Public, &[]).await),
                },
                _ => unreachable!(),
            };
            assert_eq!(got, answers[i], "{entry} by {who}");
        }
    }
}

//! Database tests for the group deals and installment plans a post is
//! saved with (`card_links`): composing links both with the post in one
//! transaction, bad or foreign ids write nothing, the edit page replaces
//! them with the text, the authorization matrix of the two server
//! functions that now take them, and Explore's "Has" filter, which keeps
//! only posts with live cards and never shows a post its reader may not see.

use std::path::PathBuf;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::card_filter::Has;
use super::card_links::CardLinks;
use super::compose::{self, NewPost};
use super::editing;
use super::explore::{filtered, Filter};
use super::Visibility;
use crate::clock::Clock;
use crate::error::{AppError, AppResult};
use crate::groups::db::{self as groups_db, DealForm, JoinRequest, Target};
use crate::money::{Currency, Money};
use crate::payments::test_provider::TestProvider;
use crate::plans::{db as plans_db, PlanForm};
use crate::social::safety::db::{hide_post, set_relation};
use crate::social::safety::{HideReason, Relation};
use crate::test_support::{follow, matrix_callers, outcome, post, stocked_variant, user, wallet_with, VISA};

fn clock_now() -> DateTime<Utc> {
    Clock::system().now()
}

fn media_dir() -> PathBuf {
    std::env::temp_dir().join(format!("storefeed-card-links-{}", Uuid::new_v4()))
}

async fn count(pool: &PgPool, sql: &str) -> i64 {
    sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap()
}

/// A shop (`maker`) selling a $25 shirt with a group deal (3 people, $20)
/// and a 6-month plan; a `creator` who started a group on it.
struct World {
    pool: PgPool,
    provider: TestProvider,
    maker: Uuid,
    creator: Uuid,
    variant: Uuid,
    product: Uuid,
    group: Uuid,
    plan: Uuid,
}

async fn world(pool: PgPool) -> World {
    let maker = user(&pool, "maker").await;
    let variant = stocked_variant(&pool, maker, "maker_shop", 50).await;
    let form = DealForm {
        price: "20.00".into(),
        size: "3".into(),
        hours: "48".into(),
        max_per_customer: "1".into(),
        active: true,
    };
    groups_db::save_deal(&pool, Some(maker), variant, &form).await.unwrap();
    let product: Uuid = sqlx::query_scalar("SELECT product_id FROM product_variants WHERE id = $1")
        .bind(variant)
        .fetch_one(&pool)
        .await
        .unwrap();
    let six = PlanForm {
        payments: "6".into(),
        frequency: "monthly".into(),
        apr: "0".into(),
        down_payment: "".into(),
        ..PlanForm::default()
    };
    let plan = plans_db::create(&pool, maker, product, &six.parse(Currency::USD).unwrap()).await.unwrap();
    let provider = TestProvider::new(pool.clone());
    let creator = user(&pool, "creator").await;
    wallet_with(&pool, &provider, creator, VISA).await;
    let mut w = World { pool, provider, maker, creator, variant, product, group: Uuid::nil(), plan };
    w.group = w.start(creator).await;
    w
}

impl World {
    /// A group on the shirt started by `who` (who has a saved card).
    async fn start(&self, who: Uuid) -> Uuid {
        let req = JoinRequest {
            user: who,
            seats: 1,
            shown: Money::new(2000, Currency::USD),
            ctx: None,
            click: Uuid::new_v4(),
        };
        groups_db::join(&self.pool, &self.provider, Target::Start(self.variant), req, clock_now()).await.unwrap().group
    }

    /// Composes a post by `author` showing `cards`, as `/compose` does.
    async fn compose(&self, author: Uuid, body: &str, visibility: Visibility, cards: &CardLinks) -> AppResult<Uuid> {
        let post = NewPost { author, body, visibility, draft: false, quote_of: None, collaborators: &[], cards };
        compose::create(&self.pool, &media_dir(), &crate::limits::Quota::exempt(), post, Vec::new()).await
    }

    async fn shown(&self, post: Uuid) -> (Vec<Uuid>, Vec<Uuid>) {
        let view = super::db::post(&self.pool, post, Some(self.creator)).await.unwrap().unwrap();
        (view.groups.iter().map(|g| g.id).collect(), view.plans.iter().map(|p| p.quote.plan_id).collect())
    }

    async fn explore(&self, reader: Option<Uuid>, has: Option<Has>) -> Vec<Uuid> {
        let page = filtered(&self.pool, reader, None, Filter { has }).await.unwrap();
        page.posts.into_iter().map(|p| p.id).collect()
    }
}

fn links(groups: &[Uuid], plans: &[Uuid]) -> CardLinks {
    CardLinks { groups: groups.to_vec(), plans: plans.to_vec() }
}

#[sqlx::test(migrations = "../migrations")]
async fn composing_links_a_group_and_a_plan_with_the_post(pool: PgPool) {
    let w = world(pool).await;
    let cards = links(&[w.group], &[w.plan]);
    let id = w.compose(w.creator, "Join my group, or pay $4.17/month", Visibility::Public, &cards).await.unwrap();
    assert_eq!(w.shown(id).await, (vec![w.group], vec![w.plan]));
    // Any reader sees both cards on the published post.
    let view = super::db::post(&w.pool, id, None).await.unwrap().unwrap();
    assert_eq!(view.groups[0].product_title, "Linen shirt");
    assert_eq!(view.plans[0].quote.product_id, w.product);
    assert_eq!(count(&w.pool, "SELECT count(*) FROM post_groups").await, 1);
    assert_eq!(count(&w.pool, "SELECT count(*) FROM post_plans").await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn bad_or_foreign_group_and_plan_ids_are_refused_and_nothing_is_written(pool: PgPool) {
    let w = world(pool).await;
    let sam = user(&w.pool, "sam").await;
    wallet_with(&w.pool, &w.provider, sam, VISA).await;
    let sams_group = w.start(sam).await;
    let closed = w.start(w.creator).await;
    sqlx::query("UPDATE buy_groups SET status = 'cancelled' WHERE id = $1")
        .bind(closed)
        .execute(&w.pool)
        .await
        .unwrap();
    let retired = {
        let form = PlanForm {
            payments: "12".into(),
            frequency: "monthly".into(),
            apr: "10".into(),
            down_payment: "".into(),
            ..PlanForm::default()
        };
        let id = plans_db::create(&w.pool, w.maker, w.product, &form.parse(Currency::USD).unwrap()).await.unwrap();
        plans_db::set_active(&w.pool, w.maker, id, false).await.unwrap();
        id
    };
    let not_a_group = AppError::validation("group", "Link an open group you started or joined.");
    let not_a_plan = AppError::validation("plan", "That plan is not available.");
    let cases: [(&str, CardLinks, AppError); 5] = [
        ("someone else's group", links(&[w.group, sams_group], &[w.plan]), not_a_group.clone()),
        ("a cancelled group", links(&[closed], &[]), not_a_group.clone()),
        ("no such group", links(&[Uuid::new_v4()], &[w.plan]), not_a_group),
        ("a retired plan, after a good group", links(&[w.group], &[retired]), not_a_plan.clone()),
        ("no such plan", links(&[], &[w.plan, Uuid::new_v4()]), not_a_plan),
    ];
    for (case, cards, refusal) in cases {
        let err = w.compose(w.creator, "see the cards", Visibility::Public, &cards).await.unwrap_err();
        assert_eq!(err, refusal, "{case}");
        assert_eq!(err.status_code(), 422, "{case}");
    }
    // A shop's owner who blocked the author: its plans are not theirs to show.
    set_relation(&w.pool, w.maker, "creator", Relation::Block, true).await.unwrap();
    let err = w.compose(w.creator, "see the plan", Visibility::Public, &links(&[], &[w.plan])).await.unwrap_err();
    assert_eq!(err.field(), Some("plan"));
    // Ids that are not ids never reach the database.
    assert_eq!(CardLinks::parse("nope", "").unwrap_err().field(), Some("group"));

    assert_eq!(count(&w.pool, "SELECT count(*) FROM posts").await, 0);
    assert_eq!(count(&w.pool, "SELECT count(*) FROM post_groups").await, 0);
    assert_eq!(count(&w.pool, "SELECT count(*) FROM post_plans").await, 0);
    let posts: i32 = sqlx::query_scalar("SELECT posts_count FROM users WHERE id = $1")
        .bind(w.creator)
        .fetch_one(&w.pool)
        .await
        .unwrap();
    assert_eq!(posts, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_edit_page_replaces_the_links_with_the_text_or_changes_nothing(pool: PgPool) {
    let w = world(pool).await;
    let id = w.compose(w.creator, "group deal", Visibility::Public, &links(&[w.group], &[])).await.unwrap();

    // Adds the plan, keeps the group, changes the text: one transaction.
    let both = links(&[w.group], &[w.plan]);
    editing::edit_with_cards(&w.pool, w.creator, id, "now $4.17/month too", Visibility::Public, Some(&both))
        .await
        .unwrap();
    assert_eq!(w.shown(id).await, (vec![w.group], vec![w.plan]));

    // A refused link leaves the text and the links as they were.
    let foreign = links(&[w.group, Uuid::new_v4()], &[]);
    let err = editing::edit_with_cards(&w.pool, w.creator, id, "changed?", Visibility::Public, Some(&foreign))
        .await
        .unwrap_err();
    assert_eq!(err.field(), Some("group"));
    let view = super::db::post(&w.pool, id, None).await.unwrap().unwrap();
    assert_eq!(view.body, "now $4.17/month too");
    assert_eq!(w.shown(id).await, (vec![w.group], vec![w.plan]));

    // A group kept on the post stays even once it has expired; empty lists
    // take everything off; no lists (`edit`) leave the links alone.
    sqlx::query("UPDATE buy_groups SET status = 'expired' WHERE id = $1").bind(w.group).execute(&w.pool).await.unwrap();
    editing::edit_with_cards(&w.pool, w.creator, id, "still", Visibility::Public, Some(&both)).await.unwrap();
    assert_eq!(w.shown(id).await, (vec![w.group], vec![w.plan]));
    editing::edit(&w.pool, w.creator, id, "text only", Visibility::Public).await.unwrap();
    assert_eq!(w.shown(id).await, (vec![w.group], vec![w.plan]));
    editing::edit_with_cards(&w.pool, w.creator, id, "text only", Visibility::Public, Some(&CardLinks::default()))
        .await
        .unwrap();
    assert_eq!(w.shown(id).await, (vec![], vec![]));
    let changed = count(&w.pool, "SELECT count(*) FROM outbox_events WHERE kind = 'post.links_changed'").await;
    assert_eq!(changed, 2, "each change of links republishes the post's cards");
}

/// `create_post` and `edit_post` with the creator's group and the shop's
/// plan, per kind of caller. Both need a session: signed out is refused by
/// the server function before the database (written here as it answers).
/// Composing, a caller links only groups they started or joined; editing,
/// only a post's author changes it. Admins get no special power.
#[sqlx::test(migrations = "../migrations")]
async fn authorization_matrix_for_composing_and_editing_with_links(pool: PgPool) {
    let w = world(pool).await;
    // Bob is blocked by the creator.
    let callers = matrix_callers(&w.pool, w.creator, "owner").await;
    let expected: [(&str, [&str; 5]); 4] = [
        ("create_post with the creator's group", ["401", "422", "422", "ok", "422"]),
        ("create_post with the shop's plan", ["401", "ok", "ok", "ok", "ok"]),
        ("edit_post of the creator's post, adding the plan", ["401", "403", "403", "ok", "403"]),
        ("edit_post of the creator's post, taking the group off", ["401", "403", "403", "ok", "403"]),
    ];
    for (i, (who, caller)) in callers.iter().enumerate() {
        for (entry, answers) in &expected {
            let promo = w
                .compose(w.creator, &format!("{entry} by {who}"), Visibility::Public, &links(&[w.group], &[]))
                .await
                .unwrap();
            let got = match (*entry, caller) {
                (_, None) => outcome::<()>(Err(AppError::Unauthorized)),
                ("create_post with the creator's group", Some(me)) => {
                    outcome(w.compose(*me, "look", Visibility::Public, &links(&[w.group], &[])).await)
                }
                ("create_post with the shop's plan", Some(me)) => {
                    outcome(w.compose(*me, "look", Visibility::Public, &links(&[], &[w.plan])).await)
                }
                ("edit_post of the creator's post, adding the plan", Some(me)) => {
                    let cards = links(&[w.group], &[w.plan]);
                    outcome(editing::edit_with_cards(&w.pool, *me, promo, "x", Visibility::Public, Some(&cards)).await)
                }
                ("edit_post of the creator's post, taking the group off", Some(me)) => {
                    let none = CardLinks::default();
                    outcome(editing::edit_with_cards(&w.pool, *me, promo, "x", Visibility::Public, Some(&none)).await)
                }
                (other, _) => unreachable!("{other}"),
            };
            assert_eq!(got, answers[i], "{entry} by {who}");
        }
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn explores_has_filter_keeps_live_cards_and_only_what_the_reader_may_see(pool: PgPool) {
    let w = world(pool).await;
    let sam = user(&w.pool, "sam").await;
    let bob = user(&w.pool, "bob").await;
    let fan = user(&w.pool, "fan").await;
    let deal = w.compose(w.creator, "join my group", Visibility::Public, &links(&[w.group], &[])).await.unwrap();
    let plan = w.compose(w.creator, "$4.17/month", Visibility::Public, &links(&[], &[w.plan])).await.unwrap();
    let plain = post(&w.pool, w.creator, "nothing linked", Visibility::Public).await;
    let friends = w.compose(w.creator, "for followers", Visibility::Followers, &links(&[w.group], &[])).await.unwrap();

    assert_eq!(w.explore(Some(sam), Some(Has::GroupDeals)).await, vec![deal]);
    assert_eq!(w.explore(None, Some(Has::GroupDeals)).await, vec![deal], "signed out too");
    assert_eq!(w.explore(Some(sam), Some(Has::Plans)).await, vec![plan]);
    assert_eq!(w.explore(Some(sam), None).await, vec![plain, plan, deal]);
    // Followers-only posts are never in Explore, followers or not.
    follow(&w.pool, fan, "creator").await;
    assert!(!w.explore(Some(fan), Some(Has::GroupDeals)).await.contains(&friends));
    assert!(!w.explore(Some(sam), Some(Has::GroupDeals)).await.contains(&friends));

    // Blocked by the author: none of their posts, filtered or not.
    set_relation(&w.pool, w.creator, "bob", Relation::Block, true).await.unwrap();
    assert!(w.explore(Some(bob), Some(Has::GroupDeals)).await.is_empty());
    assert!(w.explore(Some(bob), Some(Has::Plans)).await.is_empty());
    // A hidden post stays hidden under the filter (`post_wanted_by`).
    hide_post(&w.pool, sam, deal, HideReason::Hidden).await.unwrap();
    assert!(w.explore(Some(sam), Some(Has::GroupDeals)).await.is_empty());

    // A group that can no longer be joined, a retired plan: no longer counted.
    let other = user(&w.pool, "other").await;
    sqlx::query("UPDATE buy_groups SET status = 'expired' WHERE id = $1").bind(w.group).execute(&w.pool).await.unwrap();
    assert!(w.explore(Some(other), Some(Has::GroupDeals)).await.is_empty());
    plans_db::set_active(&w.pool, w.maker, w.plan, false).await.unwrap();
    assert!(w.explore(Some(other), Some(Has::Plans)).await.is_empty());
    assert_eq!(w.explore(Some(other), None).await.len(), 3, "the posts themselves stay in Explore");
}

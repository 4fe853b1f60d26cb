//! Notifications against PostgreSQL: what the relay's consumer makes from
//! real actions, batching and withdrawal, the rules that stop a notice,
//! preferences, read marks and the inbox's count, and who may call what.

use sqlx::PgPool;
use uuid::Uuid;

use super::consumer::NotificationsConsumer;
use super::{db, Category, Filter, Kind, Setting};
use crate::limits::Quota;
use crate::outbox::Relay;
use crate::posts::{comments, likes, Visibility};
use crate::social::safety::{db as safety, Relation};
use crate::test_support::{drain, follow, make_private, matrix_callers, outcome, post, user};

/// Hands every committed event to the notifications consumer.
async fn deliver(pool: &PgPool) {
    let relay = Relay::new(pool.clone()).with(NotificationsConsumer);
    drain(pool, &relay, "notifications").await;
}

/// `who`'s inbox rows as (kind, actor_count, actors newest first).
async fn rows(pool: &PgPool, who: Uuid) -> Vec<(String, i32, Vec<String>)> {
    db::page(pool, Some(who), Filter::All, None)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|n| (n.kind.as_str().to_string(), n.actor_count, n.actors))
        .collect()
}

async fn unread(pool: &PgPool, who: Uuid) -> i32 {
    db::inbox(pool, Some(who)).await.unwrap().unread
}

async fn like(pool: &PgPool, who: Uuid, post: Uuid, on: bool) {
    likes::set_like(pool, &Quota::exempt(), who, post, on).await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn ten_likes_batch_into_one_row_newest_first_and_an_unlike_withdraws_its_part(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let p = post(&pool, ann, "new drop", Visibility::Public).await;
    let mut fans = Vec::new();
    for i in 0..10 {
        let fan = user(&pool, &format!("fan{i}")).await;
        like(&pool, fan, p, true).await;
        fans.push(fan);
    }
    deliver(&pool).await;
    let got = rows(&pool, ann).await;
    assert_eq!(got.len(), 1, "one row, not ten: {got:?}");
    let (kind, count, actors) = &got[0];
    assert_eq!((kind.as_str(), *count), ("like_post", 10));
    assert_eq!(actors[0], "fan9", "the newest actor first");
    assert_eq!(unread(&pool, ann).await, 1, "one unread row");
    let page = db::page(&pool, Some(ann), Filter::All, None).await.unwrap();
    assert_eq!(page.items[0].sentence(), "@fan9, @fan8 and 8 others liked your post");

    like(&pool, fans[9], p, false).await;
    deliver(&pool).await;
    let got = rows(&pool, ann).await;
    assert_eq!((got[0].1, got[0].2[0].as_str()), (9, "fan8"), "the withdrawn like leaves the batch");
    for fan in &fans[..9] {
        like(&pool, *fan, p, false).await;
    }
    deliver(&pool).await;
    assert!(rows(&pool, ann).await.is_empty(), "the row goes with its last actor");
    assert_eq!(unread(&pool, ann).await, 0);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_row_read_takes_no_more_actors_and_the_next_like_starts_a_new_one(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let (bo, cy) = (user(&pool, "bodi").await, user(&pool, "cyra").await);
    let p = post(&pool, ann, "hello", Visibility::Public).await;
    like(&pool, bo, p, true).await;
    deliver(&pool).await;
    db::read_all(&pool, Some(ann)).await.unwrap();
    assert_eq!(unread(&pool, ann).await, 0);
    like(&pool, cy, p, true).await;
    deliver(&pool).await;
    let got = rows(&pool, ann).await;
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].2, vec!["cyra".to_string()]);
    assert_eq!(unread(&pool, ann).await, 1);
}

#[sqlx::test(migrations = "../migrations")]
async fn nobody_is_told_of_their_own_acts_or_by_someone_muted_blocked_or_about_what_they_cannot_see(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let (mo, bea, cal) = (user(&pool, "moe").await, user(&pool, "bea").await, user(&pool, "cal").await);
    let p = post(&pool, ann, "my post", Visibility::Public).await;
    like(&pool, ann, p, true).await;
    safety::set_relation(&pool, ann, "moe", Relation::Mute, true).await.unwrap();
    like(&pool, mo, p, true).await;
    // Bea likes, then Ann blocks her before the event is handled.
    like(&pool, bea, p, true).await;
    safety::set_relation(&pool, ann, "bea", Relation::Block, true).await.unwrap();
    // Ann mentions Cal in a followers-only post Cal (not a follower) can't see.
    post(&pool, ann, "thanks @cal", Visibility::Followers).await;
    deliver(&pool).await;
    assert!(rows(&pool, ann).await.is_empty(), "{:?}", rows(&pool, ann).await);
    assert!(rows(&pool, cal).await.is_empty(), "{:?}", rows(&pool, cal).await);
    assert_eq!(unread(&pool, cal).await, 0);
    // A mention Cal can see reaches him.
    post(&pool, ann, "hi @cal", Visibility::Public).await;
    deliver(&pool).await;
    assert_eq!(rows(&pool, cal).await.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["mention_post"]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_row_whose_post_became_hidden_leaves_the_inbox_and_a_deleted_post_takes_its_rows(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bo = user(&pool, "bodi").await;
    let p = post(&pool, bo, "hey @ann", Visibility::Public).await;
    deliver(&pool).await;
    assert_eq!(rows(&pool, ann).await.len(), 1);
    // Bo blocks Ann: the row is about a post she can no longer see.
    safety::set_relation(&pool, bo, "ann", Relation::Block, true).await.unwrap();
    assert!(rows(&pool, ann).await.is_empty(), "left out as it is read");
    safety::set_relation(&pool, bo, "ann", Relation::Block, false).await.unwrap();
    assert_eq!(rows(&pool, ann).await.len(), 1);
    crate::posts::editing::delete(&pool, bo, p).await.unwrap();
    deliver(&pool).await;
    assert!(rows(&pool, ann).await.is_empty());
    assert_eq!(unread(&pool, ann).await, 0, "the deleted post's unread row no longer counts");
}

#[sqlx::test(migrations = "../migrations")]
async fn comments_replies_and_mentions_reach_each_person_once(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let (bo, cy, di) = (user(&pool, "bodi").await, user(&pool, "cyra").await, user(&pool, "dina").await);
    let p = post(&pool, ann, "look", Visibility::Public).await;
    let q = Quota::exempt();
    comments::db::add(&pool, &q, Some(bo), p, "<b>love</b> it").await.unwrap();
    let first = sqlx::query_scalar!("SELECT id FROM comments WHERE author_id = $1", bo).fetch_one(&pool).await.unwrap();
    comments::db::reply(&pool, &q, Some(cy), first, "me too @dina").await.unwrap();
    deliver(&pool).await;
    let ann_rows = rows(&pool, ann).await;
    assert_eq!(
        ann_rows.iter().map(|r| (r.0.as_str(), r.2[0].as_str())).collect::<Vec<_>>(),
        [("comment_post", "cyra"), ("comment_post", "bodi")],
        "the post's author hears of each comment, replies included"
    );
    assert_eq!(rows(&pool, bo).await.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["reply_comment"]);
    assert_eq!(rows(&pool, di).await.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["mention_comment"]);
    let page = db::page(&pool, Some(ann), Filter::All, None).await.unwrap();
    assert_eq!(page.items[1].sentence(), "@bodi commented on your post: “<b>love</b> it”", "kept as text");
    assert!(page.items[1].href.starts_with(&format!("/post/{p}#comment-")));
    // Mentions tab: only Di's mention for Di; nothing for Ann.
    let mentions = db::page(&pool, Some(ann), Filter::Mentions, None).await.unwrap();
    assert!(mentions.items.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_restricted_accounts_held_comment_tells_nobody(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let rex = user(&pool, "rex").await;
    let p = post(&pool, ann, "look", Visibility::Public).await;
    safety::set_relation(&pool, ann, "rex", Relation::Restrict, true).await.unwrap();
    comments::db::add(&pool, &Quota::exempt(), Some(rex), p, "hmm").await.unwrap();
    deliver(&pool).await;
    assert!(rows(&pool, ann).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn preferences_are_honoured_when_a_notice_is_made(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let (friend, stranger) = (user(&pool, "friend").await, user(&pool, "stranger").await);
    follow(&pool, ann, "friend").await;
    let p = post(&pool, ann, "hi", Visibility::Public).await;
    db::set_preference(&pool, Some(ann), Category::Likes, Setting::Off).await.unwrap();
    like(&pool, friend, p, true).await;
    deliver(&pool).await;
    assert!(rows(&pool, ann).await.is_empty(), "likes are off");

    db::set_preference(&pool, Some(ann), Category::Likes, Setting::Following).await.unwrap();
    like(&pool, friend, p, false).await;
    like(&pool, friend, p, true).await;
    like(&pool, stranger, p, true).await;
    deliver(&pool).await;
    assert_eq!(
        rows(&pool, ann).await,
        vec![("like_post".into(), 1, vec!["friend".into()])],
        "only from people Ann follows"
    );
    let prefs = db::preferences(&pool, Some(ann)).await.unwrap();
    assert!(prefs.contains(&(Category::Likes, Setting::Following)));
    assert!(prefs.contains(&(Category::Comments, Setting::On)), "unset means on");
}

#[sqlx::test(migrations = "../migrations")]
async fn follows_batch_and_a_private_accounts_request_and_approval_reach_the_right_side(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let (bo, cy) = (user(&pool, "bodi").await, user(&pool, "cyra").await);
    follow(&pool, bo, "ann").await;
    follow(&pool, cy, "ann").await;
    deliver(&pool).await;
    assert_eq!(rows(&pool, ann).await, vec![("follow".into(), 2, vec!["cyra".into(), "bodi".into()])]);
    let page = db::page(&pool, Some(ann), Filter::All, None).await.unwrap();
    assert_eq!(page.items[0].href, "/u/cyra", "a follow links to the newest follower");

    let priv_ = user(&pool, "priv").await;
    make_private(&pool, priv_).await;
    follow(&pool, bo, "priv").await;
    deliver(&pool).await;
    assert_eq!(rows(&pool, priv_).await.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["follow_request"]);
    crate::social::requests::accept(&pool, Some(priv_), "bodi").await.unwrap();
    deliver(&pool).await;
    assert_eq!(rows(&pool, bo).await.iter().map(|r| r.0.as_str()).collect::<Vec<_>>(), ["follow_approved"]);
    assert_eq!(rows(&pool, priv_).await.len(), 1, "the approver is not told they gained a follower");
}

#[sqlx::test(migrations = "../migrations")]
async fn read_marks_move_the_count_and_every_change_publishes_a_newer_version(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let p = post(&pool, ann, "x", Visibility::Public).await;
    for name in ["amy1", "amy2"] {
        let u = user(&pool, name).await;
        comments::db::add(&pool, &Quota::exempt(), Some(u), p, "nice").await.unwrap();
    }
    deliver(&pool).await;
    let before = db::inbox(&pool, Some(ann)).await.unwrap();
    assert_eq!(before.unread, 2);
    let first = db::page(&pool, Some(ann), Filter::All, None).await.unwrap().items[0].id;
    let after = db::set_read(&pool, Some(ann), first, true).await.unwrap();
    assert_eq!(after.unread, 1);
    assert!(after.version > before.version);
    assert_eq!(db::set_read(&pool, Some(ann), first, true).await.unwrap().unread, 1, "marking twice is harmless");
    assert_eq!(db::set_read(&pool, Some(ann), first, false).await.unwrap().unread, 2);
    let cleared = db::read_all(&pool, Some(ann)).await.unwrap();
    assert_eq!(cleared.unread, 0);
    let pushed: serde_json::Value = sqlx::query_scalar(
        "SELECT payload FROM outbox_events WHERE kind = 'inbox.changed' AND aggregate_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(ann)
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!(pushed["unread"], 0);
    assert_eq!(pushed["version"], cleared.version);
}

#[sqlx::test(migrations = "../migrations")]
async fn pages_follow_each_other_and_filters_keep_their_kinds(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    for i in 0..(db::PAGE + 5) {
        let u = user(&pool, &format!("men{i}")).await;
        post(&pool, u, &format!("hi @ann #{i}"), Visibility::Public).await;
    }
    deliver(&pool).await;
    let first = db::page(&pool, Some(ann), Filter::Mentions, None).await.unwrap();
    assert_eq!(first.items.len() as i64, db::PAGE);
    let second = db::page(&pool, Some(ann), Filter::Mentions, first.next.as_deref()).await.unwrap();
    assert_eq!(second.items.len(), 5);
    assert!(second.next.is_none());
    assert!(first.items.iter().chain(&second.items).all(|n| n.kind == Kind::MentionPost));
    let commerce = db::page(&pool, Some(ann), Filter::Commerce, None).await.unwrap();
    assert!(commerce.items.is_empty());
}

/// Every entry point of the inbox, called by each kind of caller: only
/// the owner reaches their own rows; others are refused or find nothing.
#[sqlx::test(migrations = "../migrations")]
async fn authorization_matrix(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let fan = user(&pool, "fan").await;
    let p = post(&pool, ann, "x", Visibility::Public).await;
    like(&pool, fan, p, true).await;
    deliver(&pool).await;
    let row = db::page(&pool, Some(ann), Filter::All, None).await.unwrap().items[0].id;
    let callers = matrix_callers(&pool, ann, "owner").await;
    let sue = user(&pool, "sue").await;
    sqlx::query!(
        "UPDATE users SET suspended_until = app_now() + interval '3 days', standing_reason = 'spam' WHERE id = $1",
        sue
    )
    .execute(&pool)
    .await
    .unwrap();
    let mut callers = callers.to_vec();
    callers.push(("suspended", Some(sue)));
    for (who, caller) in callers {
        let own = caller == Some(ann);
        let signed_out = caller.is_none();
        let expect_self = if signed_out { "401" } else { "ok" };
        let expect_row = match (signed_out, own) {
            (true, _) => "401",
            (false, true) => "ok",
            (false, false) => "404",
        };
        assert_eq!(outcome(db::inbox(&pool, caller).await), expect_self, "{who}: inbox");
        let page = db::page(&pool, caller, Filter::All, None).await;
        if let (Ok(page), false) = (&page, own) {
            assert!(page.items.is_empty(), "{who} sees none of Ann's rows");
        }
        assert_eq!(outcome(page), expect_self, "{who}: page");
        assert_eq!(outcome(db::set_read(&pool, caller, row, true).await), expect_row, "{who}: mark read");
        assert_eq!(outcome(db::read_all(&pool, caller).await), expect_self, "{who}: mark all read");
        assert_eq!(outcome(db::preferences(&pool, caller).await), expect_self, "{who}: preferences");
        let set = db::set_preference(&pool, caller, Category::Reposts, Setting::Following).await;
        assert_eq!(outcome(set), expect_self, "{who}: set preference");
    }
    assert_eq!(unread(&pool, ann).await, 0, "only Ann's own calls marked her row");
    let ann_prefs = db::preferences(&pool, Some(ann)).await.unwrap();
    assert!(ann_prefs.contains(&(Category::Reposts, Setting::Following)));
    let bo_prefs = db::preferences(&pool, Some(fan)).await.unwrap();
    assert!(bo_prefs.contains(&(Category::Reposts, Setting::On)), "nobody set another's preference");
}

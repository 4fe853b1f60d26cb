//! Database tests for collaborative posts: inviting (while composing and
//! editing) with its refusals and its limit under concurrency, answering,
//! leaving and removal, the byline, profiles and home feeds of co-authors'
//! followers, deletion and blocks, the card cache, attribution's split
//! among every creator, and the authorization matrix of every entry point.

use std::collections::BTreeSet;

use sqlx::PgPool;
use uuid::Uuid;

use super::db;
use super::{byline, CollabStatus, FIELD};
use crate::error::AppError;
use crate::posts::cards::CardCache;
use crate::posts::{editing, PostView, Visibility};
use crate::social::db::set_follow;
use crate::social::safety::{db::set_relation, Relation};
use crate::test_support::{admin, follow, make_private, outcome, post, settle, user};

fn names(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// A published post by `author` inviting `invite`, as the compose form saves it.
async fn publish_with(pool: &PgPool, author: Uuid, body: &str, visibility: Visibility, invite: &[&str]) -> Uuid {
    crate::posts::db::create(pool, author, body, visibility, &[], true, None, &names(invite)).await.unwrap()
}

async fn view(pool: &PgPool, id: Uuid, viewer: Option<Uuid>) -> Option<PostView> {
    crate::posts::db::post(pool, id, viewer).await.unwrap()
}

/// The byline as the card reads it.
fn byline_of(post: &PostView) -> String {
    let coauthors: Vec<&str> = post.coauthors.iter().map(|a| a.username.as_str()).collect();
    byline(&post.author.username, &coauthors)
}

fn usernames(people: &[crate::posts::Author]) -> Vec<&str> {
    people.iter().map(|a| a.username.as_str()).collect()
}

async fn profile_ids(pool: &PgPool, username: &str, viewer: Option<Uuid>) -> Vec<Uuid> {
    let page = crate::posts::db::author_posts(pool, username, viewer, None).await.unwrap();
    page.posts.into_iter().map(|p| p.id).collect()
}

async fn feed_ids(pool: &PgPool, viewer: Uuid) -> Vec<Uuid> {
    crate::posts::db::home_feed(pool, viewer, None).await.unwrap().posts.into_iter().map(|p| p.id).collect()
}

/// A reader's timeline rows: (post, the author it came through).
async fn rows_of(pool: &PgPool, reader: Uuid) -> BTreeSet<(Uuid, Uuid)> {
    sqlx::query!("SELECT post_id, author_id FROM timelines WHERE user_id = $1", reader)
        .fetch_all(pool)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.post_id, r.author_id))
        .collect()
}

async fn collaborator_rows(pool: &PgPool, post_id: Uuid) -> i64 {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM post_collaborators WHERE post_id = $1"#, post_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn refused(message: &str) -> AppError {
    AppError::validation(FIELD, message)
}

#[sqlx::test(migrations = "../migrations")]
async fn an_accepted_invite_puts_the_post_on_both_profiles_with_a_joint_byline(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let cyd = user(&pool, "cyd").await;
    let sam = user(&pool, "sam").await;
    let id = publish_with(&pool, ann, "our launch", Visibility::Public, &["bob", "cyd"]).await;

    // Before anyone answers: the creator sees who is pending, nobody else does.
    let anns = view(&pool, id, Some(ann)).await.unwrap();
    assert_eq!((byline_of(&anns), usernames(&anns.pending_coauthors)), ("By @ann".into(), vec!["bob", "cyd"]));
    for viewer in [None, Some(bob), Some(sam)] {
        assert!(view(&pool, id, viewer).await.unwrap().pending_coauthors.is_empty());
    }
    assert!(profile_ids(&pool, "bob", None).await.is_empty(), "not on Bob's profile before he accepts");
    let invites = db::invites(&pool, Some(bob)).await.unwrap();
    assert_eq!(invites.iter().map(|i| i.post.id).collect::<Vec<_>>(), vec![id]);
    assert_eq!(invites[0].post.author.username, "ann");
    assert_eq!(db::pending_count(&pool, Some(bob)).await.unwrap(), 1);

    // Cyd accepts first, then Bob: the byline lists them in that order.
    db::accept(&pool, Some(cyd), id).await.unwrap();
    db::accept(&pool, Some(bob), id).await.unwrap();
    db::accept(&pool, Some(bob), id).await.unwrap(); // twice is harmless
    assert!(db::invites(&pool, Some(bob)).await.unwrap().is_empty());
    assert_eq!(db::pending_count(&pool, Some(bob)).await.unwrap(), 0);
    for viewer in [None, Some(ann), Some(bob), Some(sam)] {
        let seen = view(&pool, id, viewer).await.unwrap();
        assert_eq!(byline_of(&seen), "By @ann, @cyd and @bob");
        assert!(seen.pending_coauthors.is_empty());
        assert_eq!(seen.is_coauthor, viewer == Some(bob), "{viewer:?}");
        assert_eq!(seen.is_author, viewer == Some(ann));
    }
    for profile in ["ann", "bob", "cyd"] {
        assert_eq!(profile_ids(&pool, profile, Some(sam)).await, vec![id], "on {profile}'s profile");
    }
    // Engagement is the one post's, whoever's profile it is liked from.
    crate::posts::likes::set_like(&pool, &crate::limits::Quota::exempt(), sam, id, true).await.unwrap();
    let on_bobs = crate::posts::db::author_posts(&pool, "bob", Some(sam), None).await.unwrap();
    assert_eq!((on_bobs.posts[0].like_count, on_bobs.posts[0].liked), (1, true));
    let listed = db::collaborators(&pool, Some(ann), id).await.unwrap();
    let listed: Vec<(&str, CollabStatus)> = listed.iter().map(|c| (c.author.username.as_str(), c.status)).collect();
    assert_eq!(listed, vec![("cyd", CollabStatus::Accepted), ("bob", CollabStatus::Accepted)]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_profile_pages_through_created_and_co_authored_posts_newest_first(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let mut written = Vec::new();
    for i in 0..13 {
        let id = if i % 3 == 0 {
            let id = publish_with(&pool, ann, &format!("joint {i}"), Visibility::Public, &["bob"]).await;
            db::accept(&pool, Some(bob), id).await.unwrap();
            id
        } else {
            post(&pool, bob, &format!("own {i}"), Visibility::Public).await
        };
        written.push(id);
    }
    written.reverse();
    let (mut seen, mut cursor) = (Vec::new(), None);
    loop {
        let page = crate::posts::db::author_posts(&pool, "bob", None, cursor).await.unwrap();
        seen.extend(page.posts.iter().map(|p| p.id));
        match page.next_cursor {
            Some(c) => cursor = crate::social::Cursor::decode(&c),
            None => break,
        }
    }
    assert_eq!(seen, written, "two pages, each post once");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_declined_invite_is_gone_and_cannot_be_accepted(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let id = publish_with(&pool, ann, "hi", Visibility::Public, &["bob"]).await;
    db::decline(&pool, Some(bob), id).await.unwrap();
    assert_eq!(collaborator_rows(&pool, id).await, 0, "a decline deletes the row");
    assert!(db::invites(&pool, Some(bob)).await.unwrap().is_empty());
    assert!(view(&pool, id, Some(ann)).await.unwrap().pending_coauthors.is_empty());
    assert_eq!(db::accept(&pool, Some(bob), id).await.unwrap_err(), AppError::NotFound("Invitation".into()));
    assert_eq!(db::decline(&pool, Some(bob), id).await.unwrap_err(), AppError::NotFound("Invitation".into()));
    // The creator may invite again; declining an accepted one says to leave.
    db::invite(&pool, Some(ann), id, &names(&["bob"])).await.unwrap();
    db::accept(&pool, Some(bob), id).await.unwrap();
    let err = db::decline(&pool, Some(bob), id).await.unwrap_err();
    assert_eq!(err.status_code(), 409);
}

#[sqlx::test(migrations = "../migrations")]
async fn the_creator_removes_collaborators_and_a_coauthor_leaves(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let cyd = user(&pool, "cyd").await;
    let dee = user(&pool, "dee").await;
    let id = publish_with(&pool, ann, "hi", Visibility::Public, &["bob", "cyd", "dee"]).await;
    db::accept(&pool, Some(bob), id).await.unwrap();
    db::accept(&pool, Some(cyd), id).await.unwrap();

    // An open invitation withdrawn, an accepted co-author removed (with or without @).
    db::remove(&pool, Some(ann), id, "dee").await.unwrap();
    assert!(db::invites(&pool, Some(dee)).await.unwrap().is_empty());
    db::remove(&pool, Some(ann), id, "@Cyd").await.unwrap();
    assert!(profile_ids(&pool, "cyd", None).await.is_empty());
    assert_eq!(byline_of(&view(&pool, id, None).await.unwrap()), "By @ann and @bob");
    assert_eq!(db::remove(&pool, Some(ann), id, "cyd").await.unwrap_err(), AppError::NotFound("Collaborator".into()));
    // Only the creator removes; a co-author only leaves.
    assert_eq!(db::remove(&pool, Some(bob), id, "bob").await.unwrap_err(), AppError::Forbidden);
    db::leave(&pool, Some(bob), id).await.unwrap();
    assert_eq!(db::leave(&pool, Some(bob), id).await.unwrap_err(), AppError::NotFound("Collaboration".into()));
    let solo = view(&pool, id, None).await.unwrap();
    assert!(solo.coauthors.is_empty(), "the post stays, without their names");
    assert!(profile_ids(&pool, "bob", None).await.is_empty());
    assert_eq!(profile_ids(&pool, "ann", None).await, vec![id]);
    // Only the creator edits or deletes, co-author or not.
    let _ = dee;
    db::invite(&pool, Some(ann), id, &names(&["bob"])).await.unwrap();
    db::accept(&pool, Some(bob), id).await.unwrap();
    assert_eq!(editing::edit(&pool, bob, id, "mine now", Visibility::Public).await.unwrap_err(), AppError::Forbidden);
    assert_eq!(editing::delete(&pool, bob, id).await.unwrap_err(), AppError::Forbidden);
}

#[sqlx::test(migrations = "../migrations")]
async fn invitations_are_refused_with_clear_messages_and_nothing_half_written(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    user(&pool, "foe").await;
    let hater = user(&pool, "hater").await;
    let fan = user(&pool, "fan").await;
    user(&pool, "stranger").await;
    follow(&pool, fan, "ann").await;
    set_relation(&pool, ann, "foe", Relation::Block, true).await.unwrap();
    set_relation(&pool, hater, "ann", Relation::Block, true).await.unwrap();
    let id = post(&pool, ann, "hi", Visibility::Public).await;
    db::invite(&pool, Some(ann), id, &names(&["bob"])).await.unwrap();

    let invite = |list: &[&str]| {
        let list = names(list);
        let pool = pool.clone();
        async move { db::invite(&pool, Some(ann), id, &list).await.unwrap_err() }
    };
    assert_eq!(invite(&["nobody_here"]).await, refused("No such account: @nobody_here."));
    // A block either way answers as an unknown account does.
    assert_eq!(invite(&["foe"]).await, refused("No such account: @foe."));
    assert_eq!(invite(&["hater"]).await, refused("No such account: @hater."));
    assert_eq!(invite(&["ann"]).await, refused("You can't invite yourself: you are the post's creator."));
    assert_eq!(invite(&["bob"]).await, refused("@bob is already invited."));
    assert_eq!(invite(&[]).await, refused("Type the usernames to invite."));
    // One bad name in a list: nobody of it is invited.
    assert_eq!(invite(&["fan", "nobody_here"]).await, refused("No such account: @nobody_here."));
    assert_eq!(collaborator_rows(&pool, id).await, 1);
    db::accept(&pool, Some(bob), id).await.unwrap();
    assert_eq!(invite(&["bob"]).await, refused("@bob already co-authors this post."));
    // Blocked accounts are refused while composing too, and no post is saved.
    let err = crate::posts::db::create(&pool, ann, "x", Visibility::Public, &[], true, None, &names(&["foe"]))
        .await
        .unwrap_err();
    assert_eq!(err, refused("No such account: @foe."));
    let posts: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM posts WHERE author_id = $1"#, ann)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(posts, 1);

    // A followers-only post: only followers can be invited (they alone could see it).
    let friends = post(&pool, ann, "friends", Visibility::Followers).await;
    let err = db::invite(&pool, Some(ann), friends, &names(&["stranger"])).await.unwrap_err();
    assert_eq!(err, refused("@stranger can't see this post (only your followers can), so they can't co-author it."));
    db::invite(&pool, Some(ann), friends, &super::parse_usernames("@Fan").unwrap()).await.unwrap();
    db::accept(&pool, Some(fan), friends).await.unwrap();

    // Ten at most, invited and accepted together.
    let big = post(&pool, ann, "big", Visibility::Public).await;
    let mut ten = Vec::new();
    for i in 0..11 {
        ten.push(format!("user{i:02}"));
        user(&pool, &format!("user{i:02}")).await;
    }
    db::invite(&pool, Some(ann), big, &ten[..7]).await.unwrap();
    let err = db::invite(&pool, Some(ann), big, &ten[7..]).await.unwrap_err();
    assert_eq!(
        err,
        refused("A post can have at most 10 collaborators, and this one has 7 already (invited or accepted).")
    );
    assert_eq!(collaborator_rows(&pool, big).await, 7);
    db::invite(&pool, Some(ann), big, &ten[7..10]).await.unwrap();
    assert_eq!(collaborator_rows(&pool, big).await, 10);
    // A declined seat is free again.
    let first = sqlx::query_scalar!("SELECT id FROM users WHERE username = 'user00'").fetch_one(&pool).await.unwrap();
    db::decline(&pool, Some(first), big).await.unwrap();
    db::invite(&pool, Some(ann), big, &ten[10..]).await.unwrap();
    assert_eq!(collaborator_rows(&pool, big).await, 10);
}

#[sqlx::test(migrations = "../migrations")]
async fn fifteen_concurrent_invitations_seat_exactly_ten(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let id = post(&pool, ann, "everyone welcome", Visibility::Public).await;
    let mut tasks = Vec::new();
    for i in 0..15 {
        let name = format!("guest{i:02}");
        user(&pool, &name).await;
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move { db::invite(&pool, Some(ann), id, &[name]).await }));
    }
    let mut seated = 0;
    for task in tasks {
        match task.await.unwrap() {
            Ok(()) => seated += 1,
            Err(e) => assert_eq!((e.field(), e.status_code()), (Some(FIELD), 422), "{e}"),
        }
    }
    assert_eq!(seated, 10);
    assert_eq!(collaborator_rows(&pool, id).await, 10);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_invitation_to_a_draft_waits_until_it_is_published(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let id = crate::posts::db::create(&pool, ann, "soon", Visibility::Public, &[], false, None, &names(&["bob"]))
        .await
        .unwrap();
    assert!(db::invites(&pool, Some(bob)).await.unwrap().is_empty());
    assert_eq!(db::pending_count(&pool, Some(bob)).await.unwrap(), 0);
    assert_eq!(db::accept(&pool, Some(bob), id).await.unwrap_err(), AppError::NotFound("Invitation".into()));
    assert_eq!(usernames(&view(&pool, id, Some(ann)).await.unwrap().pending_coauthors), vec!["bob"]);

    editing::publish_draft(&pool, ann, id).await.unwrap();
    assert_eq!(db::pending_count(&pool, Some(bob)).await.unwrap(), 1);
    db::accept(&pool, Some(bob), id).await.unwrap();
    assert_eq!(profile_ids(&pool, "bob", None).await, vec![id]);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_coauthors_followers_get_the_post_once_they_accept_and_lose_it_when_they_leave(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let fay = user(&pool, "fay").await; // follows Bob only
    let gil = user(&pool, "gil").await; // follows both
    follow(&pool, fay, "bob").await;
    follow(&pool, gil, "ann").await;
    follow(&pool, gil, "bob").await;
    feed_ids(&pool, fay).await; // builds the timelines
    feed_ids(&pool, gil).await;
    let id = publish_with(&pool, ann, "joint drop", Visibility::Public, &["bob"]).await;
    settle(&pool).await;
    assert!(feed_ids(&pool, fay).await.is_empty(), "not before Bob accepts");
    assert_eq!(feed_ids(&pool, gil).await, vec![id]);

    db::accept(&pool, Some(bob), id).await.unwrap();
    settle(&pool).await;
    assert_eq!(feed_ids(&pool, fay).await, vec![id]);
    assert_eq!(rows_of(&pool, fay).await, BTreeSet::from([(id, bob)]), "Bob's row, so unfollowing him prunes it");
    assert_eq!(rows_of(&pool, gil).await, BTreeSet::from([(id, ann)]), "one row for a post from two followed");
    assert_eq!(feed_ids(&pool, bob).await, vec![id], "a co-author's own feed has it");
    // A follower who unfollows one of the two still gets it through the other.
    set_follow(&pool, &crate::limits::Quota::exempt(), gil, "ann", false).await.unwrap();
    assert_eq!(feed_ids(&pool, gil).await, vec![id], "at once: Gil still follows Bob");
    settle(&pool).await;
    assert_eq!(rows_of(&pool, gil).await, BTreeSet::from([(id, bob)]));
    // Explore leaves out what the home feed holds.
    let sam = user(&pool, "sam").await;
    follow(&pool, sam, "bob").await;
    let explore = crate::posts::db::explore_feed(&pool, Some(sam), None).await.unwrap();
    assert!(explore.posts.iter().all(|p| p.id != id));

    db::leave(&pool, Some(bob), id).await.unwrap();
    assert!(feed_ids(&pool, fay).await.is_empty(), "gone at once, before the relay runs");
    assert!(feed_ids(&pool, gil).await.is_empty());
    settle(&pool).await;
    assert!(rows_of(&pool, fay).await.is_empty());
    assert!(rows_of(&pool, gil).await.is_empty());
    assert!(feed_ids(&pool, bob).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn rebuilt_and_back_filled_timelines_hold_co_authored_posts(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let fay = user(&pool, "fay").await;
    let hal = user(&pool, "hal").await;
    follow(&pool, fay, "bob").await;
    let old = publish_with(&pool, ann, "older joint", Visibility::Public, &["bob"]).await;
    db::accept(&pool, Some(bob), old).await.unwrap();
    // Fay's timeline is built now: the rebuild reads Bob's co-authored post.
    assert_eq!(feed_ids(&pool, fay).await, vec![old]);
    assert_eq!(rows_of(&pool, fay).await, BTreeSet::from([(old, bob)]));
    // Hal follows Bob after his timeline was built: the back-fill copies it.
    feed_ids(&pool, hal).await;
    follow(&pool, hal, "bob").await;
    settle(&pool).await;
    assert_eq!(rows_of(&pool, hal).await, BTreeSet::from([(old, bob)]));
    assert_eq!(feed_ids(&pool, hal).await, vec![old]);
    // Below the horizon the posts are read from the tables, co-authored too.
    sqlx::query!("UPDATE posts SET published_at = published_at - interval '60 days' WHERE id = $1", old)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query!("DELETE FROM timelines").execute(&pool).await.unwrap();
    crate::posts::timeline::db::mark_stale(&pool, fay).await.unwrap();
    assert_eq!(feed_ids(&pool, fay).await, vec![old]);
    assert!(rows_of(&pool, fay).await.is_empty(), "outside the rebuilt window");
}

#[sqlx::test(migrations = "../migrations")]
async fn who_may_see_a_collab_post_stays_its_creators_rule(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let fay = user(&pool, "fay").await;
    follow(&pool, bob, "ann").await;
    follow(&pool, fay, "bob").await;
    feed_ids(&pool, fay).await;
    let id = publish_with(&pool, ann, "for Ann's followers", Visibility::Followers, &["bob"]).await;
    db::accept(&pool, Some(bob), id).await.unwrap();
    settle(&pool).await;
    // Fay follows Bob, not Ann: she reaches neither the post nor its row's promise.
    assert!(feed_ids(&pool, fay).await.is_empty());
    assert!(profile_ids(&pool, "bob", Some(fay)).await.is_empty());
    assert!(view(&pool, id, Some(fay)).await.is_none());
    assert_eq!(profile_ids(&pool, "bob", Some(bob)).await, vec![id]);
    // Following Ann too opens it.
    follow(&pool, fay, "ann").await;
    settle(&pool).await;
    assert_eq!(feed_ids(&pool, fay).await, vec![id]);
    assert_eq!(profile_ids(&pool, "bob", Some(fay)).await, vec![id]);
}

#[sqlx::test(migrations = "../migrations")]
async fn deleting_a_collab_post_removes_it_everywhere(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let cyd = user(&pool, "cyd").await;
    let fay = user(&pool, "fay").await;
    follow(&pool, fay, "bob").await;
    feed_ids(&pool, fay).await;
    let id = publish_with(&pool, ann, "short-lived", Visibility::Public, &["bob", "cyd"]).await;
    db::accept(&pool, Some(bob), id).await.unwrap();
    settle(&pool).await;
    assert_eq!(feed_ids(&pool, fay).await, vec![id]);

    editing::delete(&pool, ann, id).await.unwrap();
    assert!(profile_ids(&pool, "bob", None).await.is_empty());
    assert!(profile_ids(&pool, "bob", Some(bob)).await.is_empty());
    assert!(feed_ids(&pool, fay).await.is_empty());
    assert!(db::invites(&pool, Some(cyd)).await.unwrap().is_empty(), "Cyd's invitation went with it");
    assert_eq!(db::accept(&pool, Some(cyd), id).await.unwrap_err(), AppError::NotFound("Invitation".into()));
    assert_eq!(db::leave(&pool, Some(bob), id).await.unwrap_err(), AppError::NotFound("Collaboration".into()));
    settle(&pool).await;
    assert!(rows_of(&pool, fay).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_block_ends_every_collaboration_between_the_two(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let cyd = user(&pool, "cyd").await;
    let fay = user(&pool, "fay").await;
    follow(&pool, fay, "bob").await;
    feed_ids(&pool, fay).await;
    let joint = publish_with(&pool, ann, "joint", Visibility::Public, &["bob", "cyd"]).await;
    let asked = publish_with(&pool, bob, "bob asks ann", Visibility::Public, &["ann"]).await;
    db::accept(&pool, Some(bob), joint).await.unwrap();
    db::accept(&pool, Some(cyd), joint).await.unwrap();
    settle(&pool).await;
    assert_eq!(feed_ids(&pool, fay).await, vec![asked, joint]);

    set_relation(&pool, bob, "ann", Relation::Block, true).await.unwrap();
    assert_eq!(byline_of(&view(&pool, joint, None).await.unwrap()), "By @ann and @cyd");
    assert!(profile_ids(&pool, "bob", None).await.iter().all(|id| *id != joint));
    assert_eq!(collaborator_rows(&pool, asked).await, 0, "Bob's invitation to Ann is gone too");
    assert!(db::invites(&pool, Some(ann)).await.unwrap().is_empty());
    settle(&pool).await;
    assert_eq!(feed_ids(&pool, fay).await, vec![asked]);
    assert_eq!(rows_of(&pool, fay).await, BTreeSet::from([(asked, bob)]));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_blocked_coauthor_is_left_out_of_the_byline_for_the_blocker_only(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let rex = user(&pool, "rex").await;
    let id = publish_with(&pool, ann, "joint", Visibility::Public, &["bob"]).await;
    db::accept(&pool, Some(bob), id).await.unwrap();
    set_relation(&pool, rex, "bob", Relation::Block, true).await.unwrap();
    assert_eq!(byline_of(&view(&pool, id, Some(rex)).await.unwrap()), "By @ann");
    assert_eq!(byline_of(&view(&pool, id, None).await.unwrap()), "By @ann and @bob");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_card_cache_drops_a_card_when_a_coauthor_joins_or_leaves(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let fay = user(&pool, "fay").await;
    follow(&pool, fay, "ann").await;
    let cache = CardCache::default();
    let relay = crate::outbox::Relay::new(pool.clone()).with_local(std::sync::Arc::new(cache.clone()));
    relay.run_once().await;
    let id = publish_with(&pool, ann, "joint", Visibility::Public, &["bob"]).await;
    let card = |viewer: Uuid| {
        let (pool, cache) = (pool.clone(), cache.clone());
        async move {
            crate::posts::timeline::db::home_feed(&pool, Some(&cache), viewer, None).await.unwrap().posts.remove(0)
        }
    };
    let first = card(fay).await;
    assert!(first.coauthors.is_empty() && first.pending_coauthors.is_empty());
    assert!(card(ann).await.pending_coauthors.is_empty(), "a cached card holds no pending invitations");

    db::accept(&pool, Some(bob), id).await.unwrap();
    wait_until_dropped(&relay, &cache, id).await;
    assert_eq!(byline_of(&card(fay).await), "By @ann and @bob");
    let bobs = card(bob).await;
    assert!(bobs.is_coauthor && !bobs.is_author, "per reader, from the same card");

    db::leave(&pool, Some(bob), id).await.unwrap();
    wait_until_dropped(&relay, &cache, id).await;
    assert_eq!(byline_of(&card(fay).await), "By @ann");
}

async fn wait_until_dropped(relay: &crate::outbox::Relay, cache: &CardCache, id: Uuid) {
    for _ in 0..2000 {
        relay.run_once().await;
        if cache.get_many(&[id]).0.is_empty() {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    panic!("the card was never invalidated");
}

/// The state a server request runs with, provided to Leptos as the server
/// does, so reads sign their product links (`posts::db::stamp`) with the
/// attribution tests' key.
async fn request_context(pool: &PgPool) -> leptos::prelude::Owner {
    use std::sync::Arc;

    let state = crate::state::AppState {
        leptos_options: leptos::config::LeptosOptions::builder().output_name("storefeed").build(),
        pool: pool.clone(),
        config: Arc::new(crate::state::AppConfig::for_tests(std::env::temp_dir())),
        payments: Arc::new(crate::payments::test_provider::TestProvider::new(pool.clone())),
        stock: crate::inventory::gate::StockGate::start(pool.clone()),
        events: crate::attribution::EventSink::start(pool.clone()),
        context_keys: crate::attribution::crediting_tests::key(),
        clock: crate::clock::Clock::system(),
        cards: CardCache::default(),
        live: crate::live::hub::LiveHub::default(),
    };
    let owner = leptos::prelude::Owner::new();
    owner.set();
    leptos::prelude::provide_context(state);
    owner
}

#[sqlx::test(migrations = "../migrations")]
async fn a_sale_through_a_collab_post_is_credited_to_its_creator_and_every_coauthor(pool: PgPool) {
    use crate::attribution::crediting_tests::{buy_and_attribute, commissions, credits, key};

    let (checkout, buyer, variant) = crate::test_support::ready_checkout(&pool, 5, 1).await;
    let product = sqlx::query_scalar!("SELECT product_id FROM product_variants WHERE id = $1", variant)
        .fetch_one(&pool)
        .await
        .unwrap();
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let cyd = user(&pool, "cyd").await;
    let dee = user(&pool, "dee").await;
    let id = publish_with(&pool, ann, "our pick", Visibility::Public, &["bob", "cyd", "dee"]).await;
    crate::test_support::link_card(&pool, id, "product", product).await;
    db::accept(&pool, Some(cyd), id).await.unwrap();
    db::accept(&pool, Some(bob), id).await.unwrap();
    // Dee never answers: an invitee is no creator.

    let _owner = request_context(&pool).await;
    let read = view(&pool, id, Some(buyer)).await.unwrap();
    let token = read.links[0].ctx.clone().expect("the product card carries a context token");
    // The feed's cached cards sign for the same creators.
    follow(&pool, buyer, "ann").await;
    let cache = CardCache::default();
    let feed = crate::posts::timeline::db::home_feed(&pool, Some(&cache), buyer, None).await.unwrap();
    let from_card = feed.posts[0].links[0].ctx.clone().unwrap();
    let now = crate::clock::Clock::system().now();
    let signed = key().verify(&token, now).await.expect("a genuine token");
    assert_eq!(signed.creators, vec![ann, cyd, bob], "the creator, then the co-authors as they accepted");
    assert_eq!(key().verify(&from_card, now).await.unwrap().creators, vec![ann, cyd, bob]);
    let _ = dee;

    sqlx::query!("UPDATE cart_lines SET attribution = $1", token).execute(&pool).await.unwrap();
    buy_and_attribute(&pool, checkout, buyer, now).await;
    let credited = credits(&pool, "last_click").await;
    let who: Vec<Option<String>> = credited.iter().map(|(name, _)| name.clone()).collect();
    assert_eq!(who, vec![Some("ann".into()), Some("bob".into()), Some("cyd".into())]);
    assert_eq!(credited.iter().map(|(_, amount)| amount).sum::<i64>(), 2500, "the $25 line, split three ways");
    assert!(credited.iter().all(|(_, amount)| *amount == 833 || *amount == 834), "{credited:?}");
    assert_eq!(commissions(&pool).await.len(), 3, "each creator earns their share's commission");
}

/// Every entry point collaborative posts add or change, called by each kind
/// of caller on a private account's post. Each call acts on a fresh post
/// (its owner Ivy invited Ian, or Ian accepted for "leave"), so one answer
/// never changes the next. Admins get no special power: they are whoever
/// else they are (here, not a follower).
#[sqlx::test(migrations = "../migrations")]
async fn authorization_matrix_for_collaborative_posts(pool: PgPool) {
    let ivy = user(&pool, "ivy").await; // the post's creator, private account
    let ian = user(&pool, "ian").await; // invited, an accepted follower
    let bob = user(&pool, "bob").await; // blocked by Ivy
    let fay = user(&pool, "fay").await; // an accepted follower
    let rex = user(&pool, "rex").await; // asked to follow, not accepted
    let sam = user(&pool, "sam").await; // unrelated
    let boss = admin(&pool, "boss").await;
    let nia = user(&pool, "nia").await; // whom Ivy invites
    for name in ["ian", "fay", "nia"] {
        let id = sqlx::query_scalar!("SELECT id FROM users WHERE username = $1", name).fetch_one(&pool).await.unwrap();
        follow(&pool, id, "ivy").await;
    }
    make_private(&pool, ivy).await;
    set_follow(&pool, &crate::limits::Quota::exempt(), rex, "ivy", true).await.unwrap();
    set_relation(&pool, ivy, "bob", Relation::Block, true).await.unwrap();
    let _ = nia;

    let callers: [(&str, Option<Uuid>); 8] = [
        ("anonymous", None),
        ("unrelated", Some(sam)),
        ("blocked", Some(bob)),
        ("follower", Some(fay)),
        ("non-follower", Some(rex)),
        ("owner", Some(ivy)),
        ("invitee", Some(ian)),
        ("admin", Some(boss)),
    ];
    // Entry point → expected answer per caller, in the order above.
    let expected: [(&str, [&str; 8]); 9] = [
        ("invite", ["401", "404", "404", "403", "404", "ok", "403", "404"]),
        ("remove", ["401", "404", "404", "403", "404", "ok", "403", "404"]),
        ("list", ["401", "404", "404", "403", "404", "ok", "403", "404"]),
        ("invites", ["401", "ok", "ok", "ok", "ok", "ok", "ok", "ok"]),
        ("count", ["401", "ok", "ok", "ok", "ok", "ok", "ok", "ok"]),
        ("accept", ["401", "404", "404", "404", "404", "404", "ok", "404"]),
        ("decline", ["401", "404", "404", "404", "404", "404", "ok", "404"]),
        ("leave", ["401", "404", "404", "404", "404", "404", "ok", "404"]),
        // Composing a post that invites Ivy (the server function asks for a
        // session first: signed out is refused before the database).
        ("compose inviting ivy", ["401", "ok", "422", "ok", "ok", "422", "ok", "ok"]),
    ];
    for (i, (who, caller)) in callers.iter().enumerate() {
        for (entry, answers) in &expected {
            let target = publish_with(&pool, ivy, &format!("{entry} for {who}"), Visibility::Public, &["ian"]).await;
            if *entry == "leave" {
                db::accept(&pool, Some(ian), target).await.unwrap();
            }
            let got = match *entry {
                "invite" => outcome(db::invite(&pool, *caller, target, &names(&["nia"])).await),
                "remove" => outcome(db::remove(&pool, *caller, target, "ian").await),
                "list" => outcome(db::collaborators(&pool, *caller, target).await),
                "invites" => outcome(db::invites(&pool, *caller).await),
                "count" => outcome(db::pending_count(&pool, *caller).await),
                "accept" => outcome(db::accept(&pool, *caller, target).await),
                "decline" => outcome(db::decline(&pool, *caller, target).await),
                "leave" => outcome(db::leave(&pool, *caller, target).await),
                "compose inviting ivy" => match caller {
                    None => outcome::<()>(Err(AppError::Unauthorized)),
                    Some(me) => outcome(
                        crate::posts::db::create(
                            &pool,
                            *me,
                            "with ivy",
                            Visibility::Public,
                            &[],
                            true,
                            None,
                            &names(&["ivy"]),
                        )
                        .await,
                    ),
                },
                other => unreachable!("{other}"),
            };
            assert_eq!(got, answers[i], "{entry} as {who}");
        }
    }
    // Each list is its owner's: only Ian's holds Ivy's invitations.
    for (who, caller) in &callers[1..] {
        let listed = db::invites(&pool, *caller).await.unwrap();
        let from_ivy = listed.iter().filter(|inv| inv.post.author.username == "ivy").count();
        assert_eq!(from_ivy > 0, *who == "invitee", "invitations of {who}");
    }

    // On an open account's post an admin is any signed-in reader: they see
    // it, and may not change its collaborators.
    let ann = user(&pool, "ann").await;
    let open = publish_with(&pool, ann, "open", Visibility::Public, &["sam"]).await;
    assert_eq!(outcome(db::invite(&pool, Some(boss), open, &names(&["ian"])).await), "403");
    assert_eq!(outcome(db::remove(&pool, Some(boss), open, "sam").await), "403");
    assert_eq!(outcome(db::collaborators(&pool, Some(boss), open).await), "403");
    assert_eq!(outcome(db::accept(&pool, Some(boss), open).await), "404");
    assert_eq!(outcome(db::leave(&pool, Some(boss), open).await), "404");
    // Ivy's block keeps Bob out of being invited, as an unknown name would.
    let mine = post(&pool, ivy, "mine", Visibility::Public).await;
    let err = db::invite(&pool, Some(ivy), mine, &names(&["bob"])).await.unwrap_err();
    assert_eq!(err, refused("No such account: @bob."));
}

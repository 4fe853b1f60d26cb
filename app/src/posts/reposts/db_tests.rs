//! Database tests for reposts and quotes: who sees them and where, the
//! originals they depend on, exact counts under concurrency, and the
//! authorization matrix of reposting and quoting.

use sqlx::PgPool;
use uuid::Uuid;

use super::db;
use crate::error::{AppError, AppResult};
use crate::limits::Quota;
use crate::posts::{db as posts, editing, likes, FeedPage, PostView, Visibility};
use crate::social::safety::Relation;
use crate::test_support::{admin, follow, make_private, post, settle, user};

async fn repost(pool: &PgPool, who: Uuid, id: Uuid) -> AppResult<i64> {
    db::set_repost(pool, &Quota::exempt(), Some(who), id, true).await.map(|s| s.repost_count)
}

async fn quote(pool: &PgPool, who: Uuid, id: Uuid, body: &str) -> AppResult<Uuid> {
    posts::insert(pool, who, body, Visibility::Public, &[], true, Some(id), &[]).await
}

async fn counts(pool: &PgPool, id: Uuid) -> (i32, i32) {
    let r =
        sqlx::query!("SELECT repost_count, quote_count FROM posts WHERE id = $1", id).fetch_one(pool).await.unwrap();
    (r.repost_count, r.quote_count)
}

async fn home(pool: &PgPool, viewer: Uuid) -> Vec<PostView> {
    settle(pool).await;
    posts::home_feed(pool, viewer, None).await.unwrap().posts
}

async fn profile(pool: &PgPool, name: &str, viewer: Uuid) -> Vec<PostView> {
    posts::author_posts(pool, name, Some(viewer), None).await.unwrap().posts
}

fn ids(page: &[PostView]) -> Vec<Uuid> {
    page.iter().map(|p| p.id).collect()
}

async fn block(pool: &PgPool, me: Uuid, them: &str) {
    crate::social::safety::db::set_relation(pool, me, them, Relation::Block, true).await.unwrap();
}

fn is_validation(r: AppResult<impl std::fmt::Debug>) -> bool {
    matches!(r, Err(AppError::Validation { .. }))
}

#[sqlx::test(migrations = "../migrations")]
async fn a_repost_reaches_the_reposters_followers_as_the_original_with_reposted_by(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let fay = user(&pool, "fay").await;
    follow(&pool, fay, "bob").await;
    home(&pool, fay).await; // Fay's timeline is built: the repost fans out into it
    let original = post(&pool, ann, "linen season", Visibility::Public).await;
    assert_eq!(repost(&pool, bob, original).await.unwrap(), 1);
    assert_eq!(repost(&pool, bob, original).await.unwrap(), 1, "reposting twice is one repost");

    let feed = home(&pool, fay).await;
    assert_eq!(ids(&feed), vec![original], "Fay follows Bob only, and sees Ann's post");
    let card = &feed[0];
    assert_eq!(card.reposted_by.as_ref().map(|a| a.username.as_str()), Some("bob"));
    assert_ne!(card.entry_id, original, "the entry is Bob's repost");
    assert_eq!((card.body.as_str(), card.author.username.as_str(), card.repost_count), ("linen season", "ann", 1));
    assert!(!card.reposted, "Fay has not reposted it");

    let bobs = profile(&pool, "bob", fay).await;
    assert_eq!((ids(&bobs), bobs[0].reposted_by.is_some()), (vec![original], true), "on Bob's profile");
    let own = posts::post(&pool, original, Some(bob)).await.unwrap().unwrap();
    assert!(own.reposted && own.shareable);
    let posts_count: i32 =
        sqlx::query_scalar!("SELECT posts_count FROM users WHERE id = $1", bob).fetch_one(&pool).await.unwrap();
    assert_eq!(posts_count, 0, "a repost is not one of Bob's posts");

    // Liking through the repost likes the original.
    let repost_id = card.entry_id;
    likes::set_like(&pool, &Quota::exempt(), fay, repost_id, true).await.unwrap();
    assert_eq!(posts::post(&pool, original, None).await.unwrap().unwrap().like_count, 1);
    // A repost is not Bob's to edit or delete: undoing is the way.
    assert_eq!(
        editing::edit(&pool, bob, repost_id, "mine now", Visibility::Public).await,
        Err(AppError::NotFound("Post".into()))
    );
    assert_eq!(editing::delete(&pool, bob, repost_id).await, Err(AppError::NotFound("Post".into())));

    let undone = db::set_repost(&pool, &Quota::exempt(), Some(bob), original, false).await.unwrap();
    assert_eq!((undone.reposted, undone.repost_count), (false, 0));
    assert!(home(&pool, fay).await.is_empty());
    assert!(profile(&pool, "bob", fay).await.is_empty());
    let rows: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM timelines WHERE user_id = $1"#, fay)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(rows, 0, "the timeline row went with the repost");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_post_shows_once_a_page_and_reposts_stay_out_of_explore(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let cat = user(&pool, "cat").await;
    let fay = user(&pool, "fay").await;
    for name in ["ann", "bob", "cat"] {
        follow(&pool, fay, name).await;
    }
    let original = post(&pool, ann, "one look", Visibility::Public).await;
    repost(&pool, bob, original).await.unwrap();
    repost(&pool, cat, original).await.unwrap();
    let feed = home(&pool, fay).await;
    assert_eq!(ids(&feed), vec![original], "three entries, one card");
    assert_eq!(feed[0].reposted_by.as_ref().unwrap().username, "cat", "at its newest entry");

    let sam = user(&pool, "sam").await;
    let explore = crate::posts::explore::feed(&pool, Some(sam), None).await.unwrap();
    assert_eq!(ids(&explore.posts), vec![original]);
    assert!(explore.posts[0].reposted_by.is_none());
}

#[sqlx::test(migrations = "../migrations")]
async fn only_public_posts_of_public_accounts_can_be_reposted_or_quoted(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let ivy = user(&pool, "ivy").await;
    let fay = user(&pool, "fay").await;
    follow(&pool, fay, "ann").await;
    follow(&pool, fay, "ivy").await;
    make_private(&pool, ivy).await;
    let friends = post(&pool, ann, "friends only", Visibility::Followers).await;
    let private = post(&pool, ivy, "public post, private account", Visibility::Public).await;
    for id in [friends, private] {
        assert!(is_validation(repost(&pool, fay, id).await), "Fay may see it but not share it");
        assert!(is_validation(quote(&pool, fay, id, "look").await));
        assert!(db::quotable(&pool, fay, id).await.unwrap().is_none());
        assert!(!posts::post(&pool, id, Some(fay)).await.unwrap().unwrap().shareable);
        assert_eq!(counts(&pool, id).await, (0, 0));
    }
    let quotes: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM posts WHERE quote_of IS NOT NULL"#)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(quotes, 0, "a refused quote writes nothing");

    // A repost row is not itself shareable.
    let open = post(&pool, ann, "open", Visibility::Public).await;
    repost(&pool, fay, open).await.unwrap();
    let repost_id =
        sqlx::query_scalar!("SELECT id FROM posts WHERE repost_of = $1", open).fetch_one(&pool).await.unwrap();
    let sam = user(&pool, "sam").await;
    assert!(is_validation(repost(&pool, sam, repost_id).await));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_repost_goes_with_its_original_for_each_reader(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let fay = user(&pool, "fay").await;
    let gus = user(&pool, "gus").await;
    let hal = user(&pool, "hal").await;
    for reader in [fay, gus, hal] {
        follow(&pool, reader, "bob").await;
    }
    follow(&pool, gus, "ann").await;
    let original = post(&pool, ann, "sale on linen", Visibility::Public).await;
    repost(&pool, bob, original).await.unwrap();
    for reader in [fay, gus, hal] {
        assert_eq!(ids(&home(&pool, reader).await), vec![original]);
    }

    // Ann blocks Fay: Fay no longer sees Bob's repost of Ann's post.
    block(&pool, ann, "fay").await;
    assert!(home(&pool, fay).await.is_empty());
    assert!(profile(&pool, "bob", fay).await.is_empty());
    // Hal mutes Ann, or a word in her post: the repost leaves his feed.
    crate::social::safety::db::set_relation(&pool, hal, "ann", Relation::Mute, true).await.unwrap();
    assert!(home(&pool, hal).await.is_empty());
    crate::social::safety::db::set_relation(&pool, hal, "ann", Relation::Mute, false).await.unwrap();
    let word = crate::social::safety::MutedWord::parse("linen").unwrap();
    crate::social::safety::db::add_muted_word(&pool, hal, &word).await.unwrap();
    assert!(home(&pool, hal).await.is_empty());
    // Ann goes private: only her followers (Gus) still see the repost.
    make_private(&pool, ann).await;
    assert_eq!(ids(&home(&pool, gus).await), vec![original]);
    let sam = user(&pool, "sam").await;
    assert!(profile(&pool, "bob", sam).await.is_empty());
    // Ann deletes the post: every repost of it goes.
    editing::delete(&pool, ann, original).await.unwrap();
    assert!(home(&pool, gus).await.is_empty());
    assert!(profile(&pool, "bob", bob).await.is_empty());
}

#[sqlx::test(migrations = "../migrations")]
async fn a_quote_embeds_its_original_until_it_is_gone_for_the_reader(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let fay = user(&pool, "fay").await;
    follow(&pool, fay, "bob").await;
    let original = post(&pool, ann, "the linen shirt <b>is back</b>", Visibility::Public).await;
    let q = quote(&pool, bob, original, "told you so").await.unwrap();
    assert_eq!(counts(&pool, original).await, (0, 1));

    let feed = home(&pool, fay).await;
    assert_eq!(ids(&feed), vec![q]);
    let quoted = feed[0].quote.as_ref().unwrap();
    assert_eq!(quoted.id, original);
    let shown = quoted.shown.as_ref().expect("Fay may see Ann's post");
    assert_eq!((shown.author.username.as_str(), shown.excerpt.as_str()), ("ann", "the linen shirt <b>is back</b>"));
    assert_eq!(posts::post(&pool, original, Some(fay)).await.unwrap().unwrap().quote_count, 1);

    // Blocked by Ann, Fay still sees Bob's quote, with the original unavailable.
    block(&pool, ann, "fay").await;
    let feed = home(&pool, fay).await;
    assert_eq!((ids(&feed), feed[0].quote.as_ref().unwrap().shown.is_none()), (vec![q], true));
    let page = posts::post(&pool, q, Some(fay)).await.unwrap().unwrap();
    assert!(page.quote.unwrap().shown.is_none(), "on the post page too");

    // Deleting the quote takes it off the count; a deleted original is unavailable to all.
    let second = quote(&pool, bob, original, "again").await.unwrap();
    assert_eq!(counts(&pool, original).await, (0, 2));
    editing::delete(&pool, bob, second).await.unwrap();
    assert_eq!(counts(&pool, original).await, (0, 1));
    editing::delete(&pool, ann, original).await.unwrap();
    let seen = posts::post(&pool, q, Some(bob)).await.unwrap().unwrap();
    assert!(seen.quote.unwrap().shown.is_none());
    assert!(is_validation(quote(&pool, bob, original, "third").await), "a deleted post cannot be quoted");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_quoted_draft_counts_when_published(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let original = post(&pool, ann, "original", Visibility::Public).await;
    let draft = posts::insert(&pool, bob, "later", Visibility::Public, &[], false, Some(original), &[]).await.unwrap();
    assert_eq!(counts(&pool, original).await, (0, 0));
    editing::publish_draft(&pool, bob, draft).await.unwrap();
    assert_eq!(counts(&pool, original).await, (0, 1));
}

#[sqlx::test(migrations = "../migrations")]
async fn concurrent_reposts_and_undos_count_exactly(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let original = post(&pool, ann, "popular", Visibility::Public).await;
    let mut people = Vec::new();
    for i in 0..40 {
        people.push(user(&pool, &format!("fan{i}")).await);
    }
    // Everyone reposts (twice, racing themselves), then half undo while the rest repost again.
    let tasks = people.iter().flat_map(|&who| {
        let pool = pool.clone();
        let again = pool.clone();
        [
            tokio::spawn(async move { repost(&pool, who, original).await.is_ok() }),
            tokio::spawn(async move { repost(&again, who, original).await.is_ok() }),
        ]
    });
    assert_eq!(crate::test_support::count_true(tasks).await, 80);
    let tasks = people.iter().enumerate().map(|(i, &who)| {
        let pool = pool.clone();
        tokio::spawn(
            async move { db::set_repost(&pool, &Quota::exempt(), Some(who), original, i % 2 == 1).await.is_ok() },
        )
    });
    assert_eq!(crate::test_support::count_true(tasks).await, 40);
    let rows: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM posts WHERE repost_of = $1"#, original)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!((rows, counts(&pool, original).await.0), (20, 20));
}

/// Every repost and quote entry point, called by each kind of caller.
#[sqlx::test(migrations = "../migrations")]
async fn authorization_matrix(pool: PgPool) {
    let owner = user(&pool, "owner").await;
    let stranger = user(&pool, "stranger").await;
    let blocked = user(&pool, "blocked").await;
    let boss = admin(&pool, "boss").await;
    let ivy = user(&pool, "ivy").await; // a private account
    let follower = user(&pool, "follower").await;
    let outsider = user(&pool, "outsider").await;
    follow(&pool, follower, "ivy").await;
    make_private(&pool, ivy).await;
    let open = post(&pool, owner, "open to all", Visibility::Public).await;
    let private = post(&pool, ivy, "for my followers", Visibility::Public).await;
    block(&pool, owner, "blocked").await;

    // Signed out: nothing.
    assert_eq!(db::set_repost(&pool, &Quota::exempt(), None, open, true).await, Err(AppError::Unauthorized));
    assert_eq!(db::set_repost(&pool, &Quota::exempt(), None, open, false).await, Err(AppError::Unauthorized));

    // (who, post, may repost and quote, outcome when not)
    let not_found = |r: &AppResult<i64>| r == &Err(AppError::NotFound("Post".into()));
    let cases: [(&str, Uuid, Uuid, bool); 7] = [
        ("stranger", stranger, open, true),
        ("owner", owner, open, true),
        ("admin", boss, open, true),
        ("blocked", blocked, open, false),
        ("follower of a private account", follower, private, false),
        ("non-follower of a private account", outsider, private, false),
        ("the private account itself", ivy, private, false),
    ];
    for (who, caller, id, allowed) in cases {
        let reposted = repost(&pool, caller, id).await;
        assert_eq!(reposted.is_ok(), allowed, "repost as {who}: {reposted:?}");
        let quoted = quote(&pool, caller, id, "quoting").await;
        assert_eq!(quoted.is_ok(), allowed, "quote as {who}: {quoted:?}");
        assert_eq!(db::quotable(&pool, caller, id).await.unwrap().is_some(), allowed, "quotable as {who}");
        if !allowed {
            // Who may not see the post is told it is not there; who may is told why not.
            let sees = posts::post(&pool, id, Some(caller)).await.unwrap().is_some();
            assert_eq!(not_found(&reposted), !sees, "repost refusal as {who}: {reposted:?}");
            assert!(is_validation(quoted), "a refused quote names the field, as {who}");
        }
        // Undoing one's own repost always answers.
        assert_eq!(
            db::set_repost(&pool, &Quota::exempt(), Some(caller), id, false).await.map(|s| s.reposted),
            Ok(false),
            "undo as {who}"
        );
    }
    assert_eq!(counts(&pool, open).await, (0, 3));
    assert_eq!(counts(&pool, private).await, (0, 0));
}

/// The feed's pages never carry a repost to a reader who may not see its original.
#[sqlx::test(migrations = "../migrations")]
async fn paging_past_hidden_reposts_keeps_going(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let fay = user(&pool, "fay").await;
    follow(&pool, fay, "bob").await;
    let mut shown = Vec::new();
    for i in 0..12 {
        let p = post(&pool, ann, &format!("look {i}"), Visibility::Public).await;
        repost(&pool, bob, p).await.unwrap();
        shown.push(p);
    }
    make_private(&pool, ann).await; // Fay does not follow Ann: every repost hides
    let first: FeedPage = {
        settle(&pool).await;
        posts::home_feed(&pool, fay, None).await.unwrap()
    };
    assert!(first.posts.is_empty() && first.next_cursor.is_none(), "{first:?}");
}

//! Database tests for conversations: threads, soft delete, the edit window
//! on a moved clock, exact counts under concurrency, moderation, comments
//! off, mentions, and the authorization matrix of every entry point.

use chrono::Duration;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::PgPool;
use uuid::Uuid;

use super::db::{self, Reply};
use super::thread::{build, Node};
use super::{CommentPage, ThreadPage};
use crate::clock::Clock;
use crate::error::AppError;
use crate::limits::Quota;
use crate::posts::text::Segment;
use crate::posts::Visibility;
use crate::test_support::{admin, follow, make_private, outcome, post, shop, user};

/// The id of the newest comment on a post (what `db::add` just wrote).
async fn newest(pool: &PgPool, post_id: Uuid) -> Uuid {
    sqlx::query_scalar!("SELECT id FROM comments WHERE post_id = $1 ORDER BY created_at DESC, id DESC LIMIT 1", post_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn comment(pool: &PgPool, author: Uuid, post_id: Uuid, body: &str) -> Uuid {
    db::add(pool, &Quota::exempt(), Some(author), post_id, body).await.unwrap();
    newest(pool, post_id).await
}

async fn reply(pool: &PgPool, author: Uuid, parent: Uuid, body: &str) -> Uuid {
    db::reply(pool, &Quota::exempt(), Some(author), parent, body).await.unwrap().id
}

async fn stored_count(pool: &PgPool, post_id: Uuid) -> i32 {
    sqlx::query_scalar!("SELECT comment_count FROM posts WHERE id = $1", post_id).fetch_one(pool).await.unwrap()
}

async fn live_rows(pool: &PgPool, post_id: Uuid) -> i64 {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM comments WHERE post_id = $1 AND deleted_at IS NULL"#, post_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

fn thread_of(page: &CommentPage, root: Uuid) -> Option<&ThreadPage> {
    page.threads.iter().find(|t| t.root.id == root)
}

fn tree(page: &CommentPage, root: Uuid) -> Option<Node> {
    let t = thread_of(page, root)?;
    build(t.root.clone(), t.replies.clone())
}

fn bodies(nodes: &[Node]) -> Vec<String> {
    nodes.iter().map(|n| n.comment.body.clone()).collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn replies_nest_three_levels_and_deeper_ones_list_under_the_third(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let post_id = post(&pool, ann, "new drop", Visibility::Public).await;
    let root = comment(&pool, bob, post_id, "love it").await;
    let one = reply(&pool, ann, root, "thanks!").await;
    let two = reply(&pool, bob, one, "when in stock?").await;
    let three = reply(&pool, ann, two, "friday").await;
    let Reply { root_id, .. } = db::reply(&pool, &Quota::exempt(), Some(bob), three, "great").await.unwrap();
    assert_eq!(root_id, root, "every reply knows its thread");
    let depths: Vec<i32> =
        sqlx::query_scalar!("SELECT depth FROM comments WHERE post_id = $1 ORDER BY created_at", post_id)
            .fetch_all(&pool)
            .await
            .unwrap();
    assert_eq!(depths, vec![0, 1, 2, 3, 4]);

    let page = db::list(&pool, post_id, None, None).await.unwrap();
    assert_eq!(page.threads.len(), 1, "replies are not top-level comments");
    assert_eq!((page.total, thread_of(&page, root).unwrap().reply_count), (5, 4));
    assert_eq!(stored_count(&pool, post_id).await, 5);
    let node = tree(&page, root).unwrap();
    assert_eq!(bodies(&node.replies), vec!["thanks!"]);
    assert_eq!(bodies(&node.replies[0].replies), vec!["when in stock?"]);
    let third = &node.replies[0].replies[0].replies;
    assert_eq!(bodies(third), vec!["friday", "great"], "level four lists under level three");
    assert_eq!(third[1].replying_to.as_deref(), Some("ann"));
    assert_eq!(third[1].comment.parent_id, Some(three));
    assert_eq!(third[0].comment.id, three);
    let _ = two;
}

#[sqlx::test(migrations = "../migrations")]
async fn long_threads_page_their_replies(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let post_id = post(&pool, ann, "hi", Visibility::Public).await;
    let root = comment(&pool, ann, post_id, "root").await;
    for i in 0..(super::REPLIES_PAGE + 3) {
        reply(&pool, ann, root, &format!("r{i}")).await;
    }
    let page = db::list(&pool, post_id, None, None).await.unwrap();
    let thread = thread_of(&page, root).unwrap();
    assert_eq!(thread.replies.len() as i64, super::REPLIES_PAGE);
    assert_eq!(thread.reply_count, super::REPLIES_PAGE + 3);
    let cursor = crate::social::Cursor::decode(thread.more_replies.as_deref().unwrap());
    let rest = db::replies(&pool, root, None, cursor).await.unwrap();
    assert_eq!(rest.replies.len(), 3);
    assert!(rest.next_cursor.is_none());
    let mut all = thread.replies.clone();
    all.extend(rest.replies);
    assert_eq!(build(thread.root.clone(), all).unwrap().replies.len() as i64, super::REPLIES_PAGE + 3);
}

#[sqlx::test(migrations = "../migrations")]
async fn a_deleted_comment_keeps_its_replies_in_place(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let post_id = post(&pool, ann, "hi", Visibility::Public).await;
    let root = comment(&pool, bob, post_id, "secret words").await;
    let kept = reply(&pool, ann, root, "a reply").await;
    let leaf = comment(&pool, bob, post_id, "lonely").await;

    db::delete(&pool, Some(bob), root).await.unwrap();
    db::delete(&pool, Some(bob), leaf).await.unwrap();
    assert_eq!(stored_count(&pool, post_id).await, 1, "comment_count counts live comments");
    assert_eq!(live_rows(&pool, post_id).await, 1);

    let page = db::list(&pool, post_id, Some(ann), None).await.unwrap();
    assert_eq!(page.threads.len(), 1, "the deleted leaf is gone");
    let node = tree(&page, root).unwrap();
    assert!(node.comment.deleted);
    assert_eq!(
        (node.comment.author.clone(), node.comment.body.as_str()),
        (None, ""),
        "nothing of it leaves the server"
    );
    assert!(!node.comment.can_delete && !node.comment.can_edit && node.comment.like_count == 0);
    assert_eq!(bodies(&node.replies), vec!["a reply"]);
    assert_eq!(page.total, 1);

    // A deleted comment takes no replies, likes or edits.
    assert_eq!(
        db::reply(&pool, &Quota::exempt(), Some(ann), root, "hello?").await.unwrap_err(),
        AppError::NotFound("Comment".into())
    );
    assert_eq!(
        db::set_like(&pool, &Quota::exempt(), Some(ann), root, true).await.unwrap_err(),
        AppError::NotFound("Comment".into())
    );
    assert_eq!(db::delete(&pool, Some(bob), root).await.unwrap_err(), AppError::NotFound("Comment".into()));

    // Its last reply gone, the thread goes too.
    db::delete(&pool, Some(ann), kept).await.unwrap();
    let page = db::list(&pool, post_id, Some(ann), None).await.unwrap();
    assert!(page.threads.is_empty());
    assert_eq!((page.total, stored_count(&pool, post_id).await), (0, 0));
}

#[sqlx::test(migrations = "../migrations")]
async fn a_comment_can_be_edited_for_fifteen_minutes(options: PgPoolOptions, connect: PgConnectOptions) {
    let clock = Clock::movable();
    let pool = clock.share_with(options).max_connections(2).connect_with(connect).await.unwrap();
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let post_id = post(&pool, ann, "hi", Visibility::Public).await;
    let id = comment(&pool, bob, post_id, "tpyo").await;

    let page = db::list(&pool, post_id, Some(bob), None).await.unwrap();
    assert!(page.threads[0].root.can_edit && !page.threads[0].root.edited);
    clock.advance(Duration::minutes(14)).unwrap();
    db::edit(&pool, Some(bob), id, "typo fixed").await.unwrap();
    let page = db::list(&pool, post_id, Some(ann), None).await.unwrap();
    let root = &page.threads[0].root;
    assert_eq!((root.body.as_str(), root.edited, root.can_edit), ("typo fixed", true, false));

    clock.advance(Duration::minutes(2)).unwrap();
    let late = db::edit(&pool, Some(bob), id, "again").await.unwrap_err();
    assert!(matches!(&late, AppError::Conflict { field, .. } if field == "body"), "{late:?}");
    assert_eq!(late.status_code(), 409);
    assert!(!db::list(&pool, post_id, Some(bob), None).await.unwrap().threads[0].root.can_edit);
    assert_eq!(db::list(&pool, post_id, None, None).await.unwrap().threads[0].root.body, "typo fixed");
}

#[sqlx::test(migrations = "../migrations")]
async fn comment_likes_stay_exact_under_fifty_concurrent_tasks(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let post_id = post(&pool, ann, "hi", Visibility::Public).await;
    let id = comment(&pool, ann, post_id, "like me").await;
    let mut fans = Vec::new();
    for i in 0..50 {
        fans.push(user(&pool, &format!("fan{i:02}")).await);
    }
    let run = |like: bool| {
        let tasks: Vec<_> = fans
            .iter()
            .flat_map(|&fan| [fan, fan]) // each twice: the second changes nothing
            .map(|fan| {
                let pool = pool.clone();
                tokio::spawn(async move { db::set_like(&pool, &Quota::exempt(), Some(fan), id, like).await.unwrap() })
            })
            .collect();
        async move {
            for task in tasks {
                task.await.unwrap();
            }
        }
    };
    let counts = || async {
        let c = sqlx::query!(
            r#"SELECT c.like_count, (SELECT count(*) FROM comment_likes l WHERE l.comment_id = c.id) AS "rows!"
               FROM comments c WHERE c.id = $1"#,
            id
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        (i64::from(c.like_count), c.rows)
    };
    run(true).await;
    assert_eq!(counts().await, (50, 50));
    let page = db::list(&pool, post_id, Some(fans[0]), None).await.unwrap();
    assert_eq!((page.threads[0].root.like_count, page.threads[0].root.liked), (50, true));
    run(false).await;
    assert_eq!(counts().await, (0, 0));
}

#[sqlx::test(migrations = "../migrations")]
async fn comment_and_reply_counts_stay_exact_under_concurrent_adds_and_deletes(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let post_id = post(&pool, ann, "hi", Visibility::Public).await;
    let root = comment(&pool, ann, post_id, "root").await;
    let mut doomed = Vec::new();
    for i in 0..20 {
        doomed.push(reply(&pool, ann, root, &format!("old {i}")).await);
    }
    let mut tasks = Vec::new();
    for i in 0..30 {
        let pool = pool.clone();
        tasks.push(tokio::spawn(async move {
            db::reply(&pool, &Quota::exempt(), Some(ann), root, &format!("new {i}")).await.map(|_| ())
        }));
    }
    for id in doomed {
        let pool = pool.clone();
        // Each deleted twice at once: only one of the two may count.
        for _ in 0..2 {
            let pool = pool.clone();
            tasks.push(tokio::spawn(async move { db::delete(&pool, Some(ann), id).await }));
        }
    }
    let mut refused = 0;
    for task in tasks {
        if let Err(e) = task.await.unwrap() {
            assert_eq!(e, AppError::NotFound("Comment".into()));
            refused += 1;
        }
    }
    assert_eq!(refused, 20, "the second delete of each finds nothing");
    assert_eq!(i64::from(stored_count(&pool, post_id).await), live_rows(&pool, post_id).await);
    assert_eq!(stored_count(&pool, post_id).await, 31);
    let page = db::list(&pool, post_id, None, None).await.unwrap();
    assert_eq!((page.total, page.threads[0].reply_count), (31, 30));
}

#[sqlx::test(migrations = "../migrations")]
async fn the_post_author_hides_and_removes_comments(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let troll = user(&pool, "troll").await;
    let fan = user(&pool, "fan").await;
    let sam = user(&pool, "sam").await;
    let post_id = post(&pool, ann, "hi", Visibility::Public).await;
    let rude = comment(&pool, troll, post_id, "rude").await;
    let under = reply(&pool, fan, rude, "don't feed it").await;
    let nice = comment(&pool, fan, post_id, "nice").await;

    db::set_hidden(&pool, Some(ann), rude, true).await.unwrap();
    // Everyone else: the hidden comment and the replies under it are gone
    // from the list, the thread's replies, the counts and every action.
    for viewer in [None, Some(sam)] {
        let page = db::list(&pool, post_id, viewer, None).await.unwrap();
        assert_eq!(page.threads.iter().map(|t| t.root.id).collect::<Vec<_>>(), vec![nice]);
        assert_eq!(page.total, 1);
        assert_eq!(db::replies(&pool, rude, viewer, None).await.unwrap_err(), AppError::NotFound("Comment".into()));
    }
    assert_eq!(
        db::set_like(&pool, &Quota::exempt(), Some(sam), rude, true).await.unwrap_err(),
        AppError::NotFound("Comment".into())
    );
    assert_eq!(
        db::reply(&pool, &Quota::exempt(), Some(sam), under, "hm").await.unwrap_err(),
        AppError::NotFound("Comment".into())
    );
    // The writer and the post's author still see it; only the author is
    // shown it is hidden (the writer is not told).
    for viewer in [troll, ann] {
        let page = db::list(&pool, post_id, Some(viewer), None).await.unwrap();
        let thread = thread_of(&page, rude).unwrap();
        assert_eq!(thread.root.hidden, viewer == ann);
        assert_eq!(page.total, 3);
    }
    // Whoever replied under it loses the thread with everyone else.
    let page = db::list(&pool, post_id, Some(fan), None).await.unwrap();
    assert!(thread_of(&page, rude).is_none());
    assert_eq!(page.total, 1);
    assert_eq!(stored_count(&pool, post_id).await, 3, "hiding deletes nothing");
    // Only the post's author hides.
    assert_eq!(db::set_hidden(&pool, Some(troll), rude, false).await.unwrap_err(), AppError::Forbidden);

    db::set_hidden(&pool, Some(ann), rude, false).await.unwrap();
    let page = db::list(&pool, post_id, None, None).await.unwrap();
    assert_eq!(page.total, 3);
    assert_eq!(bodies(&tree(&page, rude).unwrap().replies), vec!["don't feed it"]);

    // Removing is a delete by the post's author: the thread keeps its shape.
    db::delete(&pool, Some(ann), rude).await.unwrap();
    let page = db::list(&pool, post_id, None, None).await.unwrap();
    assert!(tree(&page, rude).unwrap().comment.deleted);
    assert_eq!(stored_count(&pool, post_id).await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn comments_off_refuses_new_comments_and_replies(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let post_id = post(&pool, ann, "hi", Visibility::Public).await;
    let old = comment(&pool, bob, post_id, "before").await;

    db::set_comments_off(&pool, Some(ann), post_id, true).await.unwrap();
    let off = AppError::conflict("body", "Comments are turned off for this post.");
    assert_eq!(db::add(&pool, &Quota::exempt(), Some(bob), post_id, "after").await.unwrap_err(), off);
    assert_eq!(db::reply(&pool, &Quota::exempt(), Some(bob), old, "after").await.unwrap_err(), off);
    assert_eq!(db::reply(&pool, &Quota::exempt(), Some(ann), old, "even me").await.unwrap_err(), off);
    let page = db::list(&pool, post_id, None, None).await.unwrap();
    assert!(page.comments_off);
    assert_eq!(page.threads.len(), 1, "existing comments stay");
    db::set_like(&pool, &Quota::exempt(), Some(ann), old, true).await.unwrap();
    db::edit(&pool, Some(bob), old, "before, edited").await.unwrap();
    let card = crate::posts::db::post(&pool, post_id, None).await.unwrap().unwrap();
    assert!(card.comments_off);

    db::set_comments_off(&pool, Some(ann), post_id, false).await.unwrap();
    db::add(&pool, &Quota::exempt(), Some(bob), post_id, "after").await.unwrap();
    assert_eq!(stored_count(&pool, post_id).await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn comment_text_is_stored_verbatim_and_mentions_link(pool: PgPool) {
    let maya = user(&pool, "maya").await;
    shop(&pool, maya, "maya_store").await;
    let post_id = post(&pool, maya, "hi", Visibility::Public).await;
    let body = "<script>alert(1)</script><img src=x onerror=alert(2)> @maya from $maya_store, not @nobody #OOTD";
    let id = comment(&pool, maya, post_id, body).await;
    let replied = reply(&pool, maya, id, "ask $maya_store").await;
    let stored = sqlx::query_scalar!("SELECT body FROM comments WHERE id = $1", id).fetch_one(&pool).await.unwrap();
    assert_eq!(stored, body);

    let page = db::list(&pool, post_id, None, None).await.unwrap();
    let thread = thread_of(&page, id).unwrap();
    assert_eq!(thread.root.body, body);
    let links = |segments: &[Segment]| -> Vec<(String, String)> {
        segments
            .iter()
            .filter_map(|s| match s {
                Segment::Link { text, href } => Some((text.clone(), href.clone())),
                Segment::Text(_) => None,
            })
            .collect()
    };
    assert_eq!(
        links(&thread.root.segments),
        vec![
            ("@maya".into(), "/u/maya".into()),
            ("$maya_store".into(), "/s/maya_store".into()),
            ("#OOTD".into(), "/tag/ootd".into())
        ]
    );
    let text: String = thread
        .root
        .segments
        .iter()
        .map(|s| match s {
            Segment::Text(t) | Segment::Link { text: t, .. } => t.as_str(),
        })
        .collect();
    assert_eq!(text, body, "the segments are the text, markup included, as text");
    assert_eq!(thread.replies[0].id, replied);
    assert_eq!(links(&thread.replies[0].segments), vec![("$maya_store".into(), "/s/maya_store".into())]);
}

/// Every entry point this feature adds or changes, called by each kind of
/// caller on a comment on a private account's post. Admins get no special
/// power over comments: they are whoever else they are (here, not a
/// follower). Each caller acts on a fresh comment, so one caller's delete
/// or hide does not change the next caller's answer.
#[sqlx::test(migrations = "../migrations")]
async fn authorization_matrix_for_conversations(pool: PgPool) {
    let ivy = user(&pool, "ivy").await; // the post's owner, private account
    let cal = user(&pool, "cal").await; // the comment's owner, a follower
    let fay = user(&pool, "fay").await; // another accepted follower
    let rex = user(&pool, "rex").await; // asked to follow, not accepted
    let sam = user(&pool, "sam").await; // unrelated
    let boss = admin(&pool, "boss").await;
    follow(&pool, cal, "ivy").await;
    follow(&pool, fay, "ivy").await;
    make_private(&pool, ivy).await;
    crate::social::db::set_follow(&pool, &Quota::exempt(), rex, "ivy", true).await.unwrap();
    let post_id = post(&pool, ivy, "private thoughts", Visibility::Public).await;

    let callers: [(&str, Option<Uuid>); 7] = [
        ("anonymous", None),
        ("unrelated", Some(sam)),
        ("follower", Some(fay)),
        ("non-follower", Some(rex)),
        ("comment owner", Some(cal)),
        ("post owner", Some(ivy)),
        ("admin", Some(boss)),
    ];
    // Entry point → expected answer per caller, in the order above.
    let expected: [(&str, [&str; 7]); 11] = [
        ("list", ["404", "404", "ok", "404", "ok", "ok", "404"]),
        ("replies", ["404", "404", "ok", "404", "ok", "ok", "404"]),
        ("add", ["401", "404", "ok", "404", "ok", "ok", "404"]),
        ("reply", ["401", "404", "ok", "404", "ok", "ok", "404"]),
        ("edit", ["401", "404", "403", "404", "ok", "403", "404"]),
        ("like", ["401", "404", "ok", "404", "ok", "ok", "404"]),
        ("unlike", ["401", "404", "ok", "404", "ok", "ok", "404"]),
        ("hide", ["401", "404", "403", "404", "403", "ok", "404"]),
        ("delete", ["401", "404", "403", "404", "ok", "ok", "404"]),
        ("comments off", ["401", "404", "403", "404", "403", "ok", "404"]),
        ("comments on", ["401", "404", "403", "404", "403", "ok", "404"]),
    ];
    for (i, (who, caller)) in callers.iter().enumerate() {
        let target = comment(&pool, cal, post_id, &format!("for {who}")).await;
        reply(&pool, fay, target, "a reply").await;
        for (entry, answers) in &expected {
            let got = match *entry {
                "list" => outcome(db::list(&pool, post_id, *caller, None).await),
                "replies" => outcome(db::replies(&pool, target, *caller, None).await),
                "add" => outcome(db::add(&pool, &Quota::exempt(), *caller, post_id, "hello").await),
                "reply" => outcome(db::reply(&pool, &Quota::exempt(), *caller, target, "hello").await),
                "edit" => outcome(db::edit(&pool, *caller, target, "edited").await),
                "like" => outcome(db::set_like(&pool, &Quota::exempt(), *caller, target, true).await),
                "unlike" => outcome(db::set_like(&pool, &Quota::exempt(), *caller, target, false).await),
                "hide" => outcome(db::set_hidden(&pool, *caller, target, false).await),
                "delete" => outcome(db::delete(&pool, *caller, target).await),
                "comments off" => outcome(db::set_comments_off(&pool, *caller, post_id, true).await),
                "comments on" => outcome(db::set_comments_off(&pool, *caller, post_id, false).await),
                other => unreachable!("{other}"),
            };
            assert_eq!(got, answers[i], "{entry} as {who}");
        }
    }
    assert_eq!(i64::from(stored_count(&pool, post_id).await), live_rows(&pool, post_id).await);

    // On an open account's post an admin is any signed-in reader: they may
    // comment, reply and like, not moderate or edit someone else's words.
    let ann = user(&pool, "ann").await;
    let open = post(&pool, ann, "open", Visibility::Public).await;
    let theirs = comment(&pool, cal, open, "mine").await;
    assert_eq!(outcome(db::reply(&pool, &Quota::exempt(), Some(boss), theirs, "admin here").await), "ok");
    assert_eq!(outcome(db::set_like(&pool, &Quota::exempt(), Some(boss), theirs, true).await), "ok");
    assert_eq!(outcome(db::edit(&pool, Some(boss), theirs, "x").await), "403");
    assert_eq!(outcome(db::delete(&pool, Some(boss), theirs).await), "403");
    assert_eq!(outcome(db::set_hidden(&pool, Some(boss), theirs, true).await), "403");
    assert_eq!(outcome(db::set_comments_off(&pool, Some(boss), open, true).await), "403");
    // And the unrelated reader there gets the same answers.
    assert_eq!(outcome(db::reply(&pool, &Quota::exempt(), Some(sam), theirs, "hi").await), "ok");
    assert_eq!(outcome(db::set_hidden(&pool, Some(sam), theirs, true).await), "403");
}

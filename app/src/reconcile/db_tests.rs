//! Database tests for counter reconciliation: counters kept by the write
//! paths need no fix; drift put in with raw UPDATEs on every counter is
//! found, fixed and reported, once; likes committed during a run are never
//! undone, and a write in flight is skipped or lands on the fix; runs are
//! recorded and pruned; only admins see and start them.

use std::collections::HashMap;

use sqlx::PgPool;
use uuid::Uuid;

use super::admin::{recent_runs, run_now};
use super::{reconcile, run_and_record, Counter, Fix, Report, Trigger};
use crate::clock::Clock;
use crate::limits::Quota;
use crate::moderation::{db as moderation, ModerationAction, TargetKind};
use crate::posts::card_links::CardLinks;
use crate::posts::comments::db as comments;
use crate::posts::compose::{self, NewPost};
use crate::posts::{events, Visibility};
use crate::test_support::{admin, follow, make_private, matrix_callers, outcome, post, user};

/// One of everything that is counted, made through the write paths.
struct World {
    ann: Uuid,
    bob: Uuid,
    cyd: Uuid,
    /// Ann's post: 2 likes, 2 live comments (one hidden, one removed; a
    /// third deleted), 1 repost, 1 published quote (and a draft one), 1
    /// bookmark.
    post: Uuid,
    /// Ann's other post, nothing on it.
    quiet: Uuid,
    /// Bob's comment on `post`, liked by Cyd.
    comment: Uuid,
}

async fn world(pool: &PgPool) -> World {
    let ann = user(pool, "ann").await;
    let bob = user(pool, "bob").await;
    let cyd = user(pool, "cyd").await;
    let dee = user(pool, "dee").await;
    let boss = admin(pool, "boss").await;
    let free = Quota::exempt();
    let post_id = post(pool, ann, "Counted", Visibility::Public).await;
    let quiet = post(pool, ann, "Quiet", Visibility::Public).await;
    crate::posts::likes::set_like(pool, &free, bob, post_id, true).await.unwrap();
    crate::posts::likes::set_like(pool, &free, cyd, post_id, true).await.unwrap();
    comments::add(pool, &free, Some(bob), post_id, "bob's").await.unwrap();
    let comment = newest_comment(pool).await;
    comments::reply(pool, &free, Some(cyd), comment, "cyd's reply").await.unwrap();
    let reply = newest_comment(pool).await;
    comments::add(pool, &free, Some(cyd), post_id, "deleted").await.unwrap();
    comments::delete(pool, Some(cyd), newest_comment(pool).await).await.unwrap();
    comments::set_like(pool, &free, Some(cyd), comment, true).await.unwrap();
    comments::set_hidden(pool, Some(ann), comment, true).await.unwrap();
    moderation::act(pool, Some(boss), TargetKind::Comment, reply, ModerationAction::Remove, "spam").await.unwrap();
    crate::posts::reposts::db::set_repost(pool, &free, Some(cyd), post_id, true).await.unwrap();
    for draft in [false, true] {
        let quote = NewPost {
            author: bob,
            body: "Look",
            visibility: Visibility::Public,
            draft,
            quote_of: Some(post_id),
            collaborators: &[],
            cards: &CardLinks::default(),
        };
        compose::create(pool, &std::env::temp_dir(), &free, quote, Vec::new()).await.unwrap();
    }
    crate::posts::bookmarks::db::save(pool, Some(bob), post_id, None).await.unwrap();
    follow(pool, bob, "ann").await;
    follow(pool, cyd, "ann").await;
    make_private(pool, dee).await;
    follow(pool, bob, "dee").await; // a request: counted by neither
                                    // Ann has two unread notifications and one read; Cyd one unread.
    for (recipient, read) in [(ann, false), (ann, false), (ann, true), (cyd, false)] {
        notify(pool, recipient, read).await;
    }
    sqlx::query!("INSERT INTO notification_inboxes (user_id, unread, version) VALUES ($1, 2, 5), ($2, 1, 1)", ann, cyd)
        .execute(pool)
        .await
        .unwrap();
    World { ann, bob, cyd, post: post_id, quiet, comment }
}

async fn newest_comment(pool: &PgPool) -> Uuid {
    sqlx::query_scalar!("SELECT id FROM comments ORDER BY created_at DESC, id DESC LIMIT 1")
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn notify(pool: &PgPool, recipient: Uuid, read: bool) {
    sqlx::query!(
        "INSERT INTO notifications (recipient_id, kind, entity_type, entity_id, href, actor_count, read_at)
         VALUES ($1, 'like_post', 'post', gen_random_uuid(), '/', 1, CASE WHEN $2 THEN app_now() END)",
        recipient,
        read
    )
    .execute(pool)
    .await
    .unwrap();
}

fn fixes(report: &Report, counter: Counter) -> Vec<Fix> {
    let part = report.counters.iter().find(|c| c.counter == counter).unwrap();
    assert_eq!(part.fixed, part.examples.len() as i64, "{counter:?}: every fix is named here");
    part.examples.clone()
}

async fn counts_changed_events(pool: &PgPool, post_id: Uuid) -> i64 {
    sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM outbox_events WHERE aggregate_id = $1 AND kind = $2"#,
        post_id,
        events::COUNTS_CHANGED
    )
    .fetch_one(pool)
    .await
    .unwrap()
}

#[sqlx::test(migrations = "../migrations")]
async fn counters_kept_by_the_write_paths_need_no_fix(pool: PgPool) {
    world(&pool).await;
    let report = reconcile(&pool).await.unwrap();
    assert_eq!(report.counters.iter().map(|c| c.counter).collect::<Vec<_>>(), Counter::ALL);
    for part in &report.counters {
        assert_eq!((part.fixed, part.busy), (0, 0), "{:?}: {:?}", part.counter, part.examples);
        assert!(part.checked > 0, "{:?} checked nothing", part.counter);
    }
    assert_eq!(report.summary(), format!("All {} counters were right.", report.checked()));
}

#[sqlx::test(migrations = "../migrations")]
async fn drift_on_every_counter_is_found_fixed_and_reported_once(pool: PgPool) {
    let w = world(&pool).await;
    let before = (counts_changed_events(&pool, w.post).await, counts_changed_events(&pool, w.quiet).await);
    sqlx::query!(
        "UPDATE posts SET like_count = 7, comment_count = 3, repost_count = 0, quote_count = 2, bookmark_count = 4
         WHERE id = $1",
        w.post
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query!("UPDATE comments SET like_count = 0 WHERE id = $1", w.comment).execute(&pool).await.unwrap();
    sqlx::query!("UPDATE users SET followers_count = 9, posts_count = 0 WHERE id = $1", w.ann)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query!("UPDATE users SET following_count = 2 WHERE id = $1", w.bob).execute(&pool).await.unwrap();
    sqlx::query!("UPDATE notification_inboxes SET unread = 6 WHERE user_id = $1", w.ann).execute(&pool).await.unwrap();
    // An inbox row gone missing: Cyd's unread notification brings it back.
    sqlx::query!("DELETE FROM notification_inboxes WHERE user_id = $1", w.cyd).execute(&pool).await.unwrap();

    let report = reconcile(&pool).await.unwrap();

    let fix = |id, was, now| Fix { id, was, now };
    let expected: [(Counter, Vec<Fix>); 9] = [
        (Counter::PostLikes, vec![fix(w.post, 7, 2)]),
        // Bob's hidden comment and Cyd's removed reply; not the deleted one.
        (Counter::PostComments, vec![fix(w.post, 3, 2)]),
        (Counter::PostReposts, vec![fix(w.post, 0, 1)]),
        // The published quote, not the draft.
        (Counter::PostQuotes, vec![fix(w.post, 2, 1)]),
        (Counter::PostBookmarks, vec![fix(w.post, 4, 1)]),
        (Counter::CommentLikes, vec![fix(w.comment, 0, 1)]),
        // Bob and Cyd; Bob's request to Dee counts for neither side.
        (Counter::UserFollowers, vec![fix(w.ann, 9, 2)]),
        (Counter::UserFollowing, vec![fix(w.bob, 2, 1)]),
        // Ann's two posts; Cyd's repost is not a post of Cyd's.
        (Counter::UserPosts, vec![fix(w.ann, 0, 2)]),
    ];
    for (counter, want) in expected {
        assert_eq!(fixes(&report, counter), want, "{counter:?}");
    }
    let mut inboxes = fixes(&report, Counter::InboxUnread);
    inboxes.sort_by_key(|f| f.id != w.ann);
    assert_eq!(inboxes, vec![fix(w.ann, 6, 2), fix(w.cyd, 0, 1)]);
    assert_eq!(report.fixed(), 11);
    assert_eq!(report.busy(), 0);

    // The rows hold the recounts now; a fixed inbox moved its version.
    let p = sqlx::query!(
        "SELECT like_count, comment_count, repost_count, quote_count, bookmark_count FROM posts WHERE id = $1",
        w.post
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((p.like_count, p.comment_count, p.repost_count, p.quote_count, p.bookmark_count), (2, 2, 1, 1, 1));
    let inbox = sqlx::query!("SELECT user_id, unread, version FROM notification_inboxes ORDER BY unread DESC")
        .fetch_all(&pool)
        .await
        .unwrap();
    let inbox: Vec<(Uuid, i32, i64)> = inbox.into_iter().map(|r| (r.user_id, r.unread, r.version)).collect();
    assert_eq!(inbox, vec![(w.ann, 2, 6), (w.cyd, 1, 1)]);

    // The feed card cache hears of the fixed post, and of no other.
    let after = (counts_changed_events(&pool, w.post).await, counts_changed_events(&pool, w.quiet).await);
    assert!(after.0 > before.0, "post.counts_changed for the fixed post");
    assert_eq!(after.1, before.1, "nothing for a post that was right");

    let again = reconcile(&pool).await.unwrap();
    assert_eq!(again.fixed(), 0, "a second run fixes nothing: {again:?}");
    assert_eq!(counts_changed_events(&pool, w.post).await, after.0);
}

/// Likes and comment likes commit while runs go on. A post's like is
/// taken under its row's lock; a comment like inserts its row before it
/// locks the comment: both must survive every run. The one drifted post
/// is fixed once, by exactly its drift.
#[sqlx::test(migrations = "../migrations")]
async fn likes_committed_during_runs_are_never_undone(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let steady = post(&pool, ann, "Right all along", Visibility::Public).await;
    let drifted = post(&pool, ann, "Three too many", Visibility::Public).await;
    comments::add(&pool, &Quota::exempt(), Some(ann), steady, "like me").await.unwrap();
    let comment = newest_comment(&pool).await;
    sqlx::query!("UPDATE posts SET like_count = 3 WHERE id = $1", drifted).execute(&pool).await.unwrap();
    let mut fans = Vec::new();
    for i in 0..24 {
        fans.push(user(&pool, &format!("fan{i:02}")).await);
    }
    let likes: Vec<_> = fans
        .iter()
        .enumerate()
        .map(|(i, &fan)| {
            let pool = pool.clone();
            tokio::spawn(async move {
                let free = Quota::exempt();
                crate::posts::likes::set_like(&pool, &free, fan, steady, true).await.unwrap();
                comments::set_like(&pool, &free, Some(fan), comment, true).await.unwrap();
                crate::posts::likes::set_like(&pool, &free, fan, drifted, true).await.unwrap();
                if i % 3 == 0 {
                    crate::posts::likes::set_like(&pool, &free, fan, steady, false).await.unwrap();
                    comments::set_like(&pool, &free, Some(fan), comment, false).await.unwrap();
                }
            })
        })
        .collect();
    let mut reports = Vec::new();
    while !likes.iter().all(|t| t.is_finished()) || reports.len() < 3 {
        reports.push(reconcile(&pool).await.unwrap());
    }
    for task in likes {
        task.await.unwrap();
    }
    reports.push(reconcile(&pool).await.unwrap());

    let mut post_fixes: HashMap<Uuid, Vec<Fix>> = HashMap::new();
    for report in &reports {
        for f in fixes(report, Counter::PostLikes) {
            post_fixes.entry(f.id).or_default().push(f);
        }
        assert_eq!(fixes(report, Counter::CommentLikes), vec![], "the comment's count was never touched");
    }
    assert_eq!(post_fixes.keys().copied().collect::<Vec<_>>(), vec![drifted], "only the drifted post was fixed");
    let drift: Vec<i64> = post_fixes[&drifted].iter().map(|f| f.was - f.now).collect();
    assert_eq!(drift, vec![3], "once, by its drift and no more");

    let stored = sqlx::query!(
        r#"SELECT p.id, p.like_count, (SELECT count(*) FROM post_likes l WHERE l.post_id = p.id) AS "rows!"
           FROM posts p WHERE p.id = ANY($1) ORDER BY p.id"#,
        &[steady, drifted][..]
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    for row in stored {
        let want = if row.id == steady { 16 } else { 24 };
        assert_eq!((i64::from(row.like_count), row.rows), (want, want), "{}", row.id);
    }
    let c = sqlx::query!(
        r#"SELECT like_count, (SELECT count(*) FROM comment_likes WHERE comment_id = $1) AS "rows!"
           FROM comments WHERE id = $1"#,
        comment
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((i64::from(c.like_count), c.rows), (16, 16));
}

/// The two shapes of a write in flight, held open while a run goes on: a
/// post like holding the post's lock is skipped (busy) and fixed by the
/// next run; a comment like that inserted its row but has not reached the
/// comment's counter yet is not counted, and its `+ 1` lands on the fix.
#[sqlx::test(migrations = "../migrations")]
async fn a_write_in_flight_is_left_for_the_next_run_or_lands_on_the_fix(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let fan = user(&pool, "fan").await;
    let post_id = post(&pool, ann, "Three too many", Visibility::Public).await;
    comments::add(&pool, &Quota::exempt(), Some(ann), post_id, "two too many").await.unwrap();
    let comment = newest_comment(&pool).await;
    sqlx::query!("UPDATE posts SET like_count = 3 WHERE id = $1", post_id).execute(&pool).await.unwrap();
    sqlx::query!("UPDATE comments SET like_count = 2 WHERE id = $1", comment).execute(&pool).await.unwrap();

    // As `posts::likes::set_like`: the post's lock, the row, the count.
    let mut post_like = pool.begin().await.unwrap();
    sqlx::query!("SELECT id FROM posts WHERE id = $1 FOR NO KEY UPDATE", post_id)
        .fetch_one(&mut *post_like)
        .await
        .unwrap();
    sqlx::query!("INSERT INTO post_likes (post_id, user_id) VALUES ($1, $2)", post_id, fan)
        .execute(&mut *post_like)
        .await
        .unwrap();
    sqlx::query!("UPDATE posts SET like_count = like_count + 1 WHERE id = $1", post_id)
        .execute(&mut *post_like)
        .await
        .unwrap();
    // As `posts::comments::db::set_like`: the row first, the count later.
    let mut comment_like = pool.begin().await.unwrap();
    sqlx::query!("INSERT INTO comment_likes (comment_id, user_id) VALUES ($1, $2)", comment, fan)
        .execute(&mut *comment_like)
        .await
        .unwrap();

    let during = reconcile(&pool).await.unwrap();
    let likes = during.counters.iter().find(|c| c.counter == Counter::PostLikes).unwrap();
    assert_eq!((likes.fixed, likes.busy), (0, 1), "the locked post waits for the next run");
    assert_eq!(fixes(&during, Counter::CommentLikes), vec![Fix { id: comment, was: 2, now: 0 }]);
    assert_eq!(
        during.summary(),
        format!("Fixed 1 counter in 1 column of {} checked. 1 busy, left for the next run.", during.checked())
    );

    sqlx::query!("UPDATE comments SET like_count = like_count + 1 WHERE id = $1", comment)
        .execute(&mut *comment_like)
        .await
        .unwrap();
    comment_like.commit().await.unwrap();
    post_like.commit().await.unwrap();

    let after = reconcile(&pool).await.unwrap();
    assert_eq!(fixes(&after, Counter::PostLikes), vec![Fix { id: post_id, was: 4, now: 1 }]);
    assert_eq!(fixes(&after, Counter::CommentLikes), vec![], "the comment like landed on the fixed count");
    assert_eq!(after.busy(), 0);
    let stored = sqlx::query!(
        "SELECT (SELECT like_count FROM posts WHERE id = $1) AS post, (SELECT like_count FROM comments WHERE id = $2) AS comment",
        post_id,
        comment
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((stored.post, stored.comment), (Some(1), Some(1)));
}

#[sqlx::test(migrations = "../migrations")]
async fn runs_are_recorded_newest_first_and_the_oldest_dropped(pool: PgPool) {
    let boss = admin(&pool, "boss").await;
    let ann = user(&pool, "ann").await;
    let post_id = post(&pool, ann, "Hi", Visibility::Public).await;
    let clock = Clock::system();
    // A full history of old runs.
    sqlx::query!(
        "INSERT INTO counter_reconciliation_runs (trigger, started_at, duration_ms, checked, fixed, report)
         SELECT 'schedule', $1::timestamptz - make_interval(hours => n), 1, 0, 0, '{\"counters\": []}'::jsonb
         FROM generate_series(1, $2::int) n",
        clock.now(),
        i32::try_from(super::runs::KEPT).unwrap()
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query!("UPDATE posts SET like_count = 1 WHERE id = $1", post_id).execute(&pool).await.unwrap();
    let scheduled = run_and_record(&pool, Trigger::Schedule, None, clock.now()).await.unwrap();
    assert_eq!(scheduled.report.fixed(), 1);
    let asked = run_now(&pool, Some(boss), clock.now()).await.unwrap();
    assert_eq!(asked.report.fixed(), 0);

    let runs = recent_runs(&pool, Some(boss)).await.unwrap();
    assert_eq!(runs.len() as i64, super::admin::LISTED);
    let shown = |run: &super::Run| (run.id, run.trigger, run.requested_by.clone(), run.report.clone());
    assert_eq!(shown(&runs[0]), shown(&asked));
    assert_eq!((runs[0].trigger, runs[0].requested_by.as_deref()), (Trigger::Admin, Some("boss")));
    assert_eq!(shown(&runs[1]), shown(&scheduled));
    assert_eq!((runs[1].trigger, runs[1].requested_by.as_deref()), (Trigger::Schedule, None));
    assert_eq!(fixes(&runs[1].report, Counter::PostLikes), vec![Fix { id: post_id, was: 1, now: 0 }]);
    let kept: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM counter_reconciliation_runs"#)
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(kept, super::runs::KEPT, "the two oldest went");
}

/// `counter_runs` and `run_counters` per kind of caller: admins only.
#[sqlx::test(migrations = "../migrations")]
async fn authorization_matrix_for_counter_reconciliation(pool: PgPool) {
    let sus = user(&pool, "sus").await;
    let callers = matrix_callers(&pool, sus, "suspended").await;
    let boss = callers[4].1;
    moderation::act(&pool, boss, TargetKind::User, sus, ModerationAction::Suspend { days: 5 }, "abuse").await.unwrap();
    let expected: [(&str, [&str; 5]); 2] =
        [("counter_runs", ["401", "403", "403", "403", "ok"]), ("run_counters", ["401", "403", "403", "403", "ok"])];
    let now = Clock::system().now();
    for (i, (who, caller)) in callers.iter().enumerate() {
        for (entry, answers) in &expected {
            let got = match *entry {
                "counter_runs" => outcome(recent_runs(&pool, *caller).await),
                "run_counters" => outcome(run_now(&pool, *caller, now).await),
                _ => unreachable!(),
            };
            assert_eq!(got, answers[i], "{entry} by {who}");
        }
    }
    let runs: Vec<Option<Uuid>> =
        sqlx::query_scalar!("SELECT requested_by FROM counter_reconciliation_runs").fetch_all(&pool).await.unwrap();
    assert_eq!(runs, vec![boss], "only the admin's run was made");
}

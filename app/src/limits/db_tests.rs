//! Database tests for the rate limits: the limit and its wait, a window
//! that closes on a moved clock, exactness under a race, nothing counted
//! for a failed action, accounts and addresses counted apart, every
//! limited write counting against its own limit, and the purge.

use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::window::WINDOW;
use super::{db, Action, ActionLimits, Quota, Subject};
use crate::clock::Clock;
use crate::error::AppError;
use crate::moderation::db as moderation;
use crate::moderation::NewReport;
use crate::posts::comments::db as comments;
use crate::posts::Visibility;
use crate::test_support::{post, user};

fn quota(who: Uuid, limits: ActionLimits, now: DateTime<Utc>) -> Quota {
    Quota::new(Subject::Account(who), limits, now)
}

async fn comment_rows(pool: &PgPool, post_id: Uuid) -> i64 {
    sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM comments WHERE post_id = $1"#, post_id)
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn comment_count(pool: &PgPool, post_id: Uuid) -> i32 {
    sqlx::query_scalar!("SELECT comment_count FROM posts WHERE id = $1", post_id).fetch_one(pool).await.unwrap()
}

/// What the counter of `subject`'s `action` holds (0 without a row).
async fn used(pool: &PgPool, subject: &Subject, action: Action) -> i32 {
    sqlx::query_scalar!(
        "SELECT used FROM action_limits WHERE subject = $1 AND action = $2",
        subject.key(),
        action.as_str()
    )
    .fetch_optional(pool)
    .await
    .unwrap()
    .unwrap_or(0)
}

#[sqlx::test(migrations = "../migrations")]
async fn the_101st_comment_in_an_hour_is_refused_with_the_wait_and_writes_nothing(pool: PgPool) {
    let (ann, bob) = (user(&pool, "ann").await, user(&pool, "bob").await);
    let post_id = post(&pool, ann, "Ask me anything", Visibility::Public).await;
    let limits = ActionLimits::default();
    let start = Clock::system().now();
    for i in 0..100 {
        let at = start + Duration::seconds(i);
        comments::add(&pool, &quota(bob, limits, at), Some(bob), post_id, &format!("question {i}")).await.unwrap();
    }
    // Seventeen minutes after the first: the window closes in 43.
    let late = quota(bob, limits, start + Duration::minutes(17));
    let refused = comments::add(&pool, &late, Some(bob), post_id, "one more").await.unwrap_err();
    assert_eq!(refused, AppError::RateLimited { retry_after_secs: 43 * 60 });
    assert_eq!(refused.status_code(), 429);
    assert_eq!(refused.to_string(), "You're doing that too fast. Try again in 43 minutes.");
    // A reply is a comment too.
    let first =
        sqlx::query_scalar!("SELECT id FROM comments WHERE body = 'question 0'").fetch_one(&pool).await.unwrap();
    assert_eq!(
        comments::reply(&pool, &late, Some(bob), first, "a reply").await.unwrap_err(),
        AppError::RateLimited { retry_after_secs: 43 * 60 }
    );
    assert_eq!(comment_rows(&pool, post_id).await, 100, "the refused comments wrote nothing");
    assert_eq!(comment_count(&pool, post_id).await, 100);
    assert_eq!(used(&pool, &Subject::Account(bob), Action::Comment).await, 100, "and counted nothing");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_21st_report_in_an_hour_is_refused_with_the_wait_and_writes_nothing(pool: PgPool) {
    let (ann, bob) = (user(&pool, "ann").await, user(&pool, "bob").await);
    let limits = ActionLimits::default();
    let start = Clock::system().now();
    let mut targets = Vec::new();
    for i in 0..21 {
        targets.push(post(&pool, ann, &format!("post {i}"), Visibility::Public).await);
    }
    let spam = |target| NewReport::parse("post", target, "spam", "").unwrap();
    for (i, target) in targets[..20].iter().enumerate() {
        let at = quota(bob, limits, start + Duration::seconds(i as i64));
        moderation::report(&pool, &at, Some(bob), &spam(*target)).await.unwrap();
    }
    // Twenty minutes after the first: the window closes in 40.
    let late = quota(bob, limits, start + Duration::minutes(20));
    let refused = moderation::report(&pool, &late, Some(bob), &spam(targets[20])).await.unwrap_err();
    assert_eq!(refused, AppError::RateLimited { retry_after_secs: 40 * 60 });
    assert_eq!(refused.status_code(), 429);
    // Nor may an open report be replaced.
    let scam = NewReport::parse("post", targets[0], "scam", "").unwrap();
    assert_eq!(
        moderation::report(&pool, &late, Some(bob), &scam).await.unwrap_err(),
        AppError::RateLimited { retry_after_secs: 40 * 60 }
    );
    let reports = sqlx::query!(
        r#"SELECT count(*) AS "n!", count(*) FILTER (WHERE reason = 'spam') AS "spam!" FROM reports WHERE reporter_id = $1"#,
        bob
    )
    .fetch_one(&pool)
    .await
    .unwrap();
    assert_eq!((reports.n, reports.spam), (20, 20), "the refused reports wrote nothing");
    assert_eq!(used(&pool, &Subject::Account(bob), Action::Report).await, 20, "and counted nothing");
}

#[sqlx::test(migrations = "../migrations")]
async fn the_quota_frees_up_when_the_window_closes_on_the_apps_clock(pool: PgPool) {
    let (ann, bob) = (user(&pool, "ann").await, user(&pool, "bob").await);
    let post_id = post(&pool, ann, "Hello", Visibility::Public).await;
    let clock = Clock::movable();
    let limits = ActionLimits { comments: 3, ..ActionLimits::default() };
    let by_clock = || quota(bob, limits, clock.now());
    for i in 0..3 {
        comments::add(&pool, &by_clock(), Some(bob), post_id, &format!("c{i}")).await.unwrap();
    }
    assert!(matches!(
        comments::add(&pool, &by_clock(), Some(bob), post_id, "c3").await,
        Err(AppError::RateLimited { .. })
    ));
    clock.advance(Duration::minutes(59)).unwrap();
    let wait = comments::add(&pool, &by_clock(), Some(bob), post_id, "c3").await.unwrap_err();
    assert!(
        matches!(wait, AppError::RateLimited { retry_after_secs } if retry_after_secs <= 60),
        "a minute at most is left: {wait:?}"
    );
    clock.advance(Duration::minutes(1)).unwrap();
    for i in 3..6 {
        comments::add(&pool, &by_clock(), Some(bob), post_id, &format!("c{i}")).await.unwrap();
    }
    assert!(matches!(
        comments::add(&pool, &by_clock(), Some(bob), post_id, "c6").await,
        Err(AppError::RateLimited { .. })
    ));
    assert_eq!(comment_rows(&pool, post_id).await, 6, "a full window's worth in each hour");
}

#[sqlx::test(migrations = "../migrations")]
async fn twenty_racing_for_the_last_five_slots_never_count_past_the_limit(pool: PgPool) {
    let (ann, bob) = (user(&pool, "ann").await, user(&pool, "bob").await);
    let post_id = post(&pool, ann, "Race", Visibility::Public).await;
    let limits = ActionLimits { comments: 10, ..ActionLimits::default() };
    let now = Clock::system().now();
    for i in 0..5 {
        comments::add(&pool, &quota(bob, limits, now), Some(bob), post_id, &format!("early {i}")).await.unwrap();
    }
    let tasks: Vec<_> = (0..20)
        .map(|i| {
            let pool = pool.clone();
            tokio::spawn(async move {
                comments::add(&pool, &quota(bob, limits, now), Some(bob), post_id, &format!("racer {i}")).await
            })
        })
        .collect();
    let (mut passed, mut refused) = (0, 0);
    for task in tasks {
        match task.await.unwrap() {
            Ok(_) => passed += 1,
            Err(AppError::RateLimited { .. }) => refused += 1,
            Err(other) => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!((passed, refused), (5, 15));
    assert_eq!(comment_rows(&pool, post_id).await, 10);
    assert_eq!(comment_count(&pool, post_id).await, 10);
    assert_eq!(used(&pool, &Subject::Account(bob), Action::Comment).await, 10);
}

#[sqlx::test(migrations = "../migrations")]
async fn an_action_refused_for_another_reason_takes_its_count_back(pool: PgPool) {
    let (ann, bob) = (user(&pool, "ann").await, user(&pool, "bob").await);
    let friends_only = post(&pool, ann, "Friends only", Visibility::Followers).await;
    let limits = ActionLimits { comments: 1, likes: 1, ..ActionLimits::default() };
    let q = quota(bob, limits, Clock::system().now());
    assert_eq!(
        comments::add(&pool, &q, Some(bob), friends_only, "let me in").await.unwrap_err(),
        AppError::NotFound("Post".into())
    );
    assert_eq!(
        crate::posts::likes::set_like(&pool, &q, bob, Uuid::new_v4(), true).await.unwrap_err(),
        AppError::NotFound("Post".into())
    );
    assert_eq!(used(&pool, &Subject::Account(bob), Action::Comment).await, 0);
    assert_eq!(used(&pool, &Subject::Account(bob), Action::Like).await, 0);
    // So the one comment of the hour is still there to make.
    let open = post(&pool, ann, "Open", Visibility::Public).await;
    comments::add(&pool, &q, Some(bob), open, "hello").await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn accounts_and_actions_are_limited_independently(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let (bob, cy) = (user(&pool, "bob").await, user(&pool, "cyd").await);
    let post_id = post(&pool, ann, "Hello", Visibility::Public).await;
    let limits = ActionLimits { comments: 2, likes: 1, ..ActionLimits::default() };
    let now = Clock::system().now();
    for body in ["one", "two"] {
        comments::add(&pool, &quota(bob, limits, now), Some(bob), post_id, body).await.unwrap();
    }
    let over = comments::add(&pool, &quota(bob, limits, now), Some(bob), post_id, "three").await;
    assert!(matches!(over, Err(AppError::RateLimited { .. })));
    // Bob at his comment limit holds back neither Cy's comments nor his own likes.
    comments::add(&pool, &quota(cy, limits, now), Some(cy), post_id, "mine").await.unwrap();
    crate::posts::likes::set_like(&pool, &quota(bob, limits, now), bob, post_id, true).await.unwrap();
    crate::posts::likes::set_like(&pool, &quota(cy, limits, now), cy, post_id, true).await.unwrap();
}

/// No anonymous write exists yet; a report or a message without an
/// account will count by address, which this shows on the counter itself.
#[sqlx::test(migrations = "../migrations")]
async fn anonymous_callers_are_counted_by_address_and_an_ipv6_by_its_network(pool: PgPool) {
    let limits = ActionLimits { reports: 2, ..ActionLimits::default() };
    let now = Clock::system().now();
    let report = |ip: &str| {
        let (pool, q) = (pool.clone(), Quota::new(Subject::address(ip), limits, now));
        async move {
            let mut tx = pool.begin().await.unwrap();
            let taken = q.take(&mut tx, Action::Report).await;
            tx.commit().await.unwrap();
            taken
        }
    };
    report("203.0.113.7").await.unwrap();
    report("203.0.113.7").await.unwrap();
    assert_eq!(report("203.0.113.7").await, Err(AppError::RateLimited { retry_after_secs: 3600 }));
    report("203.0.113.8").await.unwrap();
    // One subscriber's /64 is one address, whatever the rest says.
    report("2001:db8:1:2::1").await.unwrap();
    report("2001:db8:1:2:ffff::9").await.unwrap();
    assert!(report("2001:db8:1:2::abcd").await.is_err());
    report("2001:db8:1:3::1").await.unwrap();
    assert_eq!(Subject::address("::ffff:203.0.113.7"), Subject::address("203.0.113.7"));
}

/// Every server function that writes a limited action passes its caller's
/// quota down to the transaction that writes it: with a limit of one an
/// hour, the second of each kind is refused.
#[sqlx::test(migrations = "../migrations")]
async fn every_limited_write_counts_against_its_own_limit(pool: PgPool) {
    use crate::posts::card_links::CardLinks;
    use crate::posts::compose::NewPost;
    use crate::posts::reposts::db as reposts;
    use crate::social::{db as social, requests};

    let ann = user(&pool, "ann").await;
    let bob = user(&pool, "bob").await;
    let olive = user(&pool, "olive").await;
    crate::test_support::make_private(&pool, olive).await;
    let one = ActionLimits { posts: 1, comments: 1, likes: 1, follows: 1, reports: 1, messages: 1 };
    let q = quota(bob, one, Clock::system().now());
    let limited = |r: Result<(), AppError>| matches!(r, Err(AppError::RateLimited { .. }));

    // Posts: composing, then a repost and a quote, share the post limit.
    let new_post = NewPost {
        author: bob,
        body: "First",
        visibility: Visibility::Public,
        draft: false,
        quote_of: None,
        collaborators: &[],
        cards: &CardLinks::default(),
    };
    let dir = std::env::temp_dir();
    crate::posts::compose::create(&pool, &dir, &q, new_post, Vec::new()).await.unwrap();
    let original = post(&pool, ann, "Share me", Visibility::Public).await;
    assert!(limited(reposts::set_repost(&pool, &q, Some(bob), original, true).await.map(|_| ())));
    let quote = NewPost { quote_of: Some(original), ..new_post };
    assert!(limited(crate::posts::compose::create(&pool, &dir, &q, quote, Vec::new()).await.map(|_| ())));
    let cy = user(&pool, "cyd").await;
    let cys = quota(cy, one, Clock::system().now());
    reposts::set_repost(&pool, &cys, Some(cy), original, true).await.unwrap();
    assert!(limited(reposts::set_repost(&pool, &cys, Some(cy), original, false).await.map(|_| ())), "undoing too");

    // Comments and replies share the comment limit.
    comments::add(&pool, &q, Some(bob), original, "nice").await.unwrap();
    let root = sqlx::query_scalar!("SELECT id FROM comments WHERE body = 'nice'").fetch_one(&pool).await.unwrap();
    assert!(limited(comments::reply(&pool, &q, Some(bob), root, "again").await.map(|_| ())));

    // Likes of posts and of comments share the like limit; unliking counts.
    crate::posts::likes::set_like(&pool, &q, bob, original, true).await.unwrap();
    assert!(limited(crate::posts::likes::set_like(&pool, &q, bob, original, false).await.map(|_| ())));
    assert!(limited(comments::set_like(&pool, &q, Some(bob), root, true).await.map(|_| ())));

    // Follows, unfollows, requests and their withdrawal share the follow limit.
    social::set_follow(&pool, &q, bob, "olive", true).await.unwrap();
    assert!(limited(requests::cancel(&pool, &q, Some(bob), "olive").await.map(|_| ())));
    assert!(limited(social::set_follow(&pool, &q, bob, "ann", true).await.map(|_| ())));
    assert!(limited(social::set_follow(&pool, &q, bob, "olive", false).await.map(|_| ())));

    // Reports, a replaced one too.
    let spam = |target| NewReport::parse("post", target, "spam", "").unwrap();
    moderation::report(&pool, &q, Some(bob), &spam(original)).await.unwrap();
    assert!(limited(moderation::report(&pool, &q, Some(bob), &spam(original)).await.map(|_| ())));

    let counted =
        [(Action::Post, 1), (Action::Comment, 1), (Action::Like, 1), (Action::Follow, 1), (Action::Report, 1)];
    for (action, n) in counted {
        assert_eq!(used(&pool, &Subject::Account(bob), action).await, n, "{action:?}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn closed_windows_are_purged_and_open_ones_kept(pool: PgPool) {
    let now = Clock::system().now();
    let take_at = |who: Uuid, at: DateTime<Utc>| {
        let pool = pool.clone();
        async move {
            let mut tx = pool.begin().await.unwrap();
            quota(who, ActionLimits::default(), at).take(&mut tx, Action::Like).await.unwrap();
            tx.commit().await.unwrap();
        }
    };
    let (old, recent) = (Uuid::new_v4(), Uuid::new_v4());
    take_at(old, now - WINDOW - Duration::minutes(1)).await;
    take_at(recent, now - Duration::minutes(59)).await;
    assert_eq!(db::purge_old(&pool).await.unwrap(), 1);
    assert_eq!(used(&pool, &Subject::Account(old), Action::Like).await, 0);
    assert_eq!(used(&pool, &Subject::Account(recent), Action::Like).await, 1);
}

//! The digest against PostgreSQL: notifications made through the relay
//! from real actions, then the hourly run as the server calls it. Who gets
//! a digest, what it says, that it goes once a day even when two servers
//! run at once, and who may read and set the choice.

use chrono::Duration;
use sqlx::PgPool;
use uuid::Uuid;

use super::db::{frequency, send_due, set_frequency};
use super::Frequency;
use crate::clock::Clock;
use crate::limits::Quota;
use crate::mail::{latest_to, QueuedMail};
use crate::notifications::consumer::NotificationsConsumer;
use crate::notifications::{db as inbox, Filter};
use crate::outbox::Relay;
use crate::posts::{comments, likes, Visibility};
use crate::social::safety::{db as safety, Relation};
use crate::test_support::{drain, matrix_callers, outcome, post, user};

const URL: &str = "https://shop.example";

/// Hands every committed event to the notifications consumer.
async fn deliver(pool: &PgPool) {
    let relay = Relay::new(pool.clone()).with(NotificationsConsumer);
    drain(pool, &relay, "notifications").await;
}

/// A user whose email is verified: the only kind a digest is sent to.
async fn verified(pool: &PgPool, name: &str) -> Uuid {
    let id = user(pool, name).await;
    sqlx::query("UPDATE users SET email_verified_at = app_now() WHERE id = $1").bind(id).execute(pool).await.unwrap();
    id
}

async fn digests_to(pool: &PgPool, name: &str) -> i64 {
    sqlx::query_scalar("SELECT count(*) FROM mail_outbox WHERE kind = 'digest' AND to_address = $1")
        .bind(format!("{name}@example.test"))
        .fetch_one(pool)
        .await
        .unwrap()
}

async fn latest_digest(pool: &PgPool, name: &str) -> QueuedMail {
    latest_to(pool, &format!("{name}@example.test"), Some("digest")).await.unwrap().expect("a digest")
}

async fn like(pool: &PgPool, who: Uuid, post: Uuid) {
    likes::set_like(pool, &Quota::exempt(), who, post, true).await.unwrap();
}

#[sqlx::test(migrations = "../migrations")]
async fn unread_notifications_make_one_digest_with_their_sentences_links_and_escaped_comments(pool: PgPool) {
    let ann = verified(&pool, "ann").await;
    let (bo, cy) = (user(&pool, "bodi").await, user(&pool, "cyra").await);
    let p = post(&pool, ann, "new drop", Visibility::Public).await;
    comments::db::add(&pool, &Quota::exempt(), Some(bo), p, "<b>love</b> it").await.unwrap();
    like(&pool, cy, p).await;
    deliver(&pool).await;

    let at = Clock::system().now();
    assert_eq!(send_due(&pool, URL, at).await.unwrap(), 1);
    let mail = latest_digest(&pool, "ann").await;
    assert_eq!(mail.subject, "Your Storefeed digest: 2 new notifications");
    let comment = inbox::page(&pool, Some(ann), Filter::All, None)
        .await
        .unwrap()
        .items
        .into_iter()
        .find(|n| n.actors == ["bodi"])
        .unwrap();
    assert!(mail.text.contains("- @bodi commented on your post: “<b>love</b> it”\n"), "{}", mail.text);
    assert!(mail.text.contains(&format!("  {URL}{}\n", comment.href)), "{}", mail.text);
    assert!(mail.text.contains(&format!("- @cyra liked your post\n  {URL}/post/{p}\n")), "{}", mail.text);
    assert!(
        mail.text.contains(&format!("{URL}/notifications"))
            && mail.text.contains(&format!("{URL}/settings/notifications"))
    );
    assert!(
        mail.html.contains("@bodi commented on your post: “&lt;b&gt;love&lt;/b&gt; it”"),
        "the comment's markup is text in the HTML body: {}",
        mail.html
    );
    assert!(!mail.html.contains("<b>love"), "{}", mail.html);
    assert!(mail.html.contains(&format!("<a href=\"{URL}/post/{p}\">@cyra liked your post</a>")), "{}", mail.html);

    assert_eq!(send_due(&pool, URL, at + Duration::hours(3)).await.unwrap(), 0, "not twice the same day");
    assert_eq!(digests_to(&pool, "ann").await, 1);

    // The next day's run sends the next digest.
    assert_eq!(send_due(&pool, URL, at + Duration::hours(23) + Duration::minutes(1)).await.unwrap(), 1);
    assert_eq!(digests_to(&pool, "ann").await, 2);
}

#[sqlx::test(migrations = "../migrations")]
async fn no_digest_when_nothing_is_unread_off_unverified_or_hidden(pool: PgPool) {
    let fan = user(&pool, "fan").await;
    let reader = verified(&pool, "reader").await;
    let quiet = verified(&pool, "quiet").await;
    let unverified = user(&pool, "unverified").await;
    let _nobody_acted = verified(&pool, "lonely").await;
    let hidden = verified(&pool, "hidden").await;
    for owner in [reader, quiet, unverified] {
        let p = post(&pool, owner, "look", Visibility::Public).await;
        like(&pool, fan, p).await;
    }
    // Fan mentions Hidden, then blocks her: the post is closed to her.
    post(&pool, fan, "hi @hidden", Visibility::Public).await;
    deliver(&pool).await;
    assert_eq!(inbox::page(&pool, Some(hidden), Filter::All, None).await.unwrap().items.len(), 1);
    safety::set_relation(&pool, fan, "hidden", Relation::Block, true).await.unwrap();
    assert!(
        inbox::page(&pool, Some(hidden), Filter::All, None).await.unwrap().items.is_empty(),
        "the mention's row is about a post Hidden can no longer see"
    );
    inbox::read_all(&pool, Some(reader)).await.unwrap();
    set_frequency(&pool, Some(quiet), Frequency::Off).await.unwrap();

    assert_eq!(send_due(&pool, URL, Clock::system().now()).await.unwrap(), 0);
    let mails: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_outbox").fetch_one(&pool).await.unwrap();
    assert_eq!(mails, 0);
    let stamped: i64 = sqlx::query_scalar("SELECT count(*) FROM notification_digests WHERE last_sent_at IS NOT NULL")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(stamped, 0, "nobody's day was used up by a digest that wasn't sent");

    // Switched back on, the quiet user's like is in the next run.
    set_frequency(&pool, Some(quiet), Frequency::Daily).await.unwrap();
    assert_eq!(send_due(&pool, URL, Clock::system().now()).await.unwrap(), 1);
    assert_eq!(latest_digest(&pool, "quiet").await.subject, "Your Storefeed digest: 1 new notification");
}

#[sqlx::test(migrations = "../migrations")]
async fn old_notifications_are_not_in_the_digest(pool: PgPool) {
    let ann = verified(&pool, "ann").await;
    let fan = user(&pool, "fan").await;
    let p = post(&pool, ann, "look", Visibility::Public).await;
    like(&pool, fan, p).await;
    deliver(&pool).await;
    assert_eq!(
        send_due(&pool, URL, Clock::system().now() + Duration::hours(25)).await.unwrap(),
        0,
        "a day and more ago"
    );
}

#[sqlx::test(migrations = "../migrations")]
async fn two_servers_running_at_once_send_one_digest(pool: PgPool) {
    let ann = verified(&pool, "ann").await;
    for i in 0..3 {
        let fan = user(&pool, &format!("fan{i}")).await;
        let p = post(&pool, ann, &format!("drop {i}"), Visibility::Public).await;
        like(&pool, fan, p).await;
    }
    deliver(&pool).await;
    let at = Clock::system().now();
    let runs: Vec<_> = (0..2)
        .map(|_| {
            let pool = pool.clone();
            tokio::spawn(async move { send_due(&pool, URL, at).await.unwrap() })
        })
        .collect();
    let mut sent = 0;
    for run in runs {
        sent += run.await.unwrap();
    }
    assert_eq!(sent, 1);
    assert_eq!(digests_to(&pool, "ann").await, 1);
    assert_eq!(latest_digest(&pool, "ann").await.subject, "Your Storefeed digest: 3 new notifications");
}

/// The digest's two entry points, called by each kind of caller: signed
/// out is refused; everyone else reads and sets their own choice only (an
/// admin is no different).
#[sqlx::test(migrations = "../migrations")]
async fn authorization_matrix(pool: PgPool) {
    let ann = user(&pool, "ann").await;
    let bystander = user(&pool, "dee").await;
    let callers = matrix_callers(&pool, ann, "owner").await;
    for (who, caller) in callers {
        let expect = if caller.is_none() { "401" } else { "ok" };
        assert_eq!(outcome(frequency(&pool, caller).await), expect, "{who}: read");
        assert_eq!(outcome(set_frequency(&pool, caller, Frequency::Off).await), expect, "{who}: set");
        if caller.is_some() {
            assert_eq!(frequency(&pool, caller).await.unwrap(), Frequency::Off, "{who} set their own");
        }
    }
    let mut rows: Vec<Uuid> =
        sqlx::query_scalar("SELECT user_id FROM notification_digests").fetch_all(&pool).await.unwrap();
    let mut callers: Vec<Uuid> = callers.iter().filter_map(|(_, c)| *c).collect();
    rows.sort();
    callers.sort();
    assert_eq!(rows, callers, "each call wrote its caller's row and no other");
    assert_eq!(frequency(&pool, Some(bystander)).await.unwrap(), Frequency::Daily);
}

//! The digest's SQL: the user's choice, and the hourly run that writes
//! each due digest to the mail outbox. A digest is due for a user whose
//! choice is daily, whose email is verified, who is not banned, who was
//! last sent one over `INTERVAL_HOURS` ago (or never) and who has unread
//! notifications from the last 24 hours that the inbox would show.

use chrono::{DateTime, Duration, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::render::{render, Recipient};
use super::Frequency;
use crate::error::{AppError, AppResult};
use crate::notifications::db::SeenRow;
use crate::notifications::NotificationView;

/// Hours between two digests. Under 24 because the job runs hourly: a
/// digest stamped at 09:10 is due again at the 09:xx run the next day
/// instead of sliding an hour later each day.
pub const INTERVAL_HOURS: i64 = 23;
/// How far back a digest looks for unread notifications.
pub const WINDOW_HOURS: i64 = 24;

fn signed_in(caller: Option<Uuid>) -> AppResult<Uuid> {
    caller.ok_or(AppError::Unauthorized)
}

/// The caller's choice (`Daily` when never set).
pub async fn frequency(pool: &PgPool, caller: Option<Uuid>) -> AppResult<Frequency> {
    let me = signed_in(caller)?;
    let set = sqlx::query_scalar!("SELECT frequency FROM notification_digests WHERE user_id = $1", me)
        .fetch_optional(pool)
        .await?;
    set.as_deref().map(Frequency::parse).transpose().map(Option::unwrap_or_default)
}

/// Sets the caller's own choice; when the last digest went stays as it is.
pub async fn set_frequency(pool: &PgPool, caller: Option<Uuid>, frequency: Frequency) -> AppResult<()> {
    let me = signed_in(caller)?;
    sqlx::query!(
        "INSERT INTO notification_digests (user_id, frequency) VALUES ($1, $2)
         ON CONFLICT (user_id) DO UPDATE SET frequency = EXCLUDED.frequency",
        me,
        frequency.as_str()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Writes every due digest to the mail outbox, as of `now` (the app's
/// clock); returns how many. Each user's digest is its own transaction.
pub async fn send_due(pool: &PgPool, public_url: &str, now: DateTime<Utc>) -> AppResult<usize> {
    let since = now - Duration::hours(WINDOW_HOURS);
    let last_before = now - Duration::hours(INTERVAL_HOURS);
    // Who may be due: read without locks, and decided again under the
    // digest row's lock in `send_one`.
    let candidates = sqlx::query_scalar!(
        "SELECT u.id FROM users u
         LEFT JOIN notification_digests d ON d.user_id = u.id
         WHERE u.email_verified_at IS NOT NULL AND u.banned_at IS NULL
           AND COALESCE(d.frequency, 'daily') = 'daily'
           AND (d.last_sent_at IS NULL OR d.last_sent_at < $2)
           AND EXISTS (SELECT 1 FROM notifications n
                       WHERE n.recipient_id = u.id AND n.read_at IS NULL AND n.updated_at > $1)
         ORDER BY u.id",
        since,
        last_before
    )
    .fetch_all(pool)
    .await?;
    let mut sent = 0;
    for user in candidates {
        let mut tx = pool.begin().await?;
        if send_one(&mut tx, user, public_url, now).await? {
            sent += 1;
        }
        tx.commit().await?;
    }
    Ok(sent)
}

/// `user`'s digest, if still due: the digest row is made if missing and
/// locked (`SKIP LOCKED`: another server sending it now has it), the rules
/// are asked again, and the mail and the stamp are written in `tx`.
async fn send_one(tx: &mut PgConnection, user: Uuid, public_url: &str, now: DateTime<Utc>) -> AppResult<bool> {
    // A concurrent insert of the same row waits here for the other
    // transaction; the lock below then sees its stamp.
    sqlx::query!("INSERT INTO notification_digests (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING", user)
        .execute(&mut *tx)
        .await?;
    let due = sqlx::query!(
        r#"SELECT u.username, u.email
           FROM notification_digests d JOIN users u ON u.id = d.user_id
           WHERE d.user_id = $1 AND d.frequency = 'daily'
             AND (d.last_sent_at IS NULL OR d.last_sent_at < $2)
             AND u.email_verified_at IS NOT NULL AND u.banned_at IS NULL
           FOR UPDATE OF d SKIP LOCKED"#,
        user,
        now - Duration::hours(INTERVAL_HOURS)
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(due) = due else { return Ok(false) };
    let items = unread_since(tx, user, now - Duration::hours(WINDOW_HOURS)).await?;
    if items.is_empty() {
        return Ok(false);
    }
    let mail = render(&Recipient { username: due.username, email: due.email }, &items, public_url);
    crate::mail::enqueue(&mut *tx, &mail).await?;
    sqlx::query!("UPDATE notification_digests SET last_sent_at = $2 WHERE user_id = $1", user, now)
        .execute(&mut *tx)
        .await?;
    Ok(true)
}

/// `user`'s unread notifications changed since `since`, newest first, as
/// their inbox shows them.
async fn unread_since(tx: &mut PgConnection, user: Uuid, since: DateTime<Utc>) -> AppResult<Vec<NotificationView>> {
    let rows = sqlx::query_as!(
        SeenRow,
        r#"SELECT n.id AS "id!", n.seq AS "seq!", n.kind AS "kind!", n.preview, n.href AS "href!",
                  n.actor_count AS "actor_count!", n.updated_at AS "updated_at!", n.read_at,
                  n.names AS "names!", n.avatar_url
           FROM notifications_seen_by($1) n
           WHERE n.read_at IS NULL AND n.updated_at > $2
           ORDER BY n.seq DESC"#,
        user,
        since
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows.into_iter().filter_map(SeenRow::into_view).collect())
}

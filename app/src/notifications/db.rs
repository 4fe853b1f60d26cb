//! The notifications' SQL: making one (with every rule that may stop it),
//! withdrawing an actor's part, the inbox's pages and counts, read marks
//! and preferences. Every change to a user's rows moves their inbox row
//! (`notification_inboxes`, locked by the update) and publishes its new
//! count, in the same transaction.

use chrono::{DateTime, Utc};
use serde_json::json;
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{batching, Category, Entity, Filter, Inbox, InboxPage, Kind, NotificationView, Setting};
use crate::error::{AppError, AppResult};

/// Published whenever a user's inbox changes: `user_id`, `unread`,
/// `version`. The real-time channel pushes it to that user's pages only.
pub const INBOX_CHANGED: &str = "inbox.changed";
/// Rows per inbox page.
pub const PAGE: i64 = 30;

/// One thing to tell one person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub recipient: Uuid,
    pub kind: Kind,
    pub entity: Entity,
    pub entity_id: Uuid,
    /// The post it is about: the visibility rule asks it for the recipient.
    pub post_id: Option<Uuid>,
    /// A comment it is about: the comment rule asks it too.
    pub comment_id: Option<Uuid>,
    pub actor: Option<Uuid>,
    pub preview: Option<String>,
    pub href: String,
}

/// What `record` did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    New,
    Batched,
    /// Not made: yourself, a block or mute, a preference, content the
    /// recipient can't see, or already told.
    Skipped,
}

fn signed_in(caller: Option<Uuid>) -> AppResult<Uuid> {
    caller.ok_or(AppError::Unauthorized)
}

/// Makes `notice` in `tx` unless a rule stops it (module docs).
pub async fn record(tx: &mut PgConnection, n: &Notice) -> AppResult<Recorded> {
    if n.actor == Some(n.recipient) {
        return Ok(Recorded::Skipped);
    }
    let category = n.kind.category().as_str();
    let gate = sqlx::query!(
        r#"SELECT
             EXISTS (SELECT 1 FROM users WHERE id = $1) AS "exists!",
             ($2::uuid IS NOT NULL AND blocked_between($1, $2)) AS "blocked!",
             ($2::uuid IS NOT NULL AND EXISTS (SELECT 1 FROM mutes WHERE muter_id = $1 AND muted_id = $2)) AS "muted!",
             ($3::uuid IS NULL OR EXISTS (SELECT 1 FROM posts p WHERE p.id = $3 AND post_visible_to(p, $1))) AS "sees_post!",
             ($4::uuid IS NULL OR EXISTS (
                 SELECT 1 FROM comments c WHERE c.id = $4 AND c.deleted_at IS NULL AND NOT c.held
                   AND comment_visible_to(c, $1))) AS "sees_comment!",
             (SELECT setting FROM notification_preferences WHERE user_id = $1 AND category = $5) AS setting,
             ($2::uuid IS NOT NULL AND EXISTS (
                 SELECT 1 FROM follows WHERE follower_id = $1 AND followee_id = $2 AND status = 'accepted')) AS "follows!""#,
        n.recipient,
        n.actor,
        n.post_id,
        n.comment_id,
        category
    )
    .fetch_one(&mut *tx)
    .await?;
    let setting = gate.setting.as_deref().map(Setting::parse).transpose()?.unwrap_or(Setting::On);
    let wanted = n.kind.critical()
        || match setting {
            Setting::On => true,
            Setting::Off => false,
            Setting::Following => gate.follows,
        };
    if !gate.exists || gate.blocked || gate.muted || !gate.sees_post || !gate.sees_comment || !wanted {
        return Ok(Recorded::Skipped);
    }
    if batching::batches(n.kind) {
        if let Some(actor) = n.actor {
            if batch_into_open_row(tx, n, actor).await? {
                inbox_changed(tx, n.recipient, 0).await?;
                return Ok(Recorded::Batched);
            }
        }
    } else if let Some(actor) = n.actor {
        let told = sqlx::query_scalar!(
            r#"SELECT EXISTS (
                 SELECT 1 FROM notifications x JOIN notification_actors a ON a.notification_id = x.id
                 WHERE x.recipient_id = $1 AND x.kind = $2 AND x.entity_id = $3 AND a.actor_id = $4) AS "told!""#,
            n.recipient,
            n.kind.as_str(),
            n.entity_id,
            actor
        )
        .fetch_one(&mut *tx)
        .await?;
        if told {
            return Ok(Recorded::Skipped);
        }
    }
    let id = sqlx::query_scalar!(
        "INSERT INTO notifications (recipient_id, kind, entity_type, entity_id, post_id, preview, href, actor_count)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
        n.recipient,
        n.kind.as_str(),
        n.entity.as_str(),
        n.entity_id,
        n.post_id,
        n.preview.as_deref().map(|p| p.chars().take(300).collect::<String>()),
        n.href,
        i32::from(n.actor.is_some())
    )
    .fetch_one(&mut *tx)
    .await?;
    if let Some(actor) = n.actor {
        sqlx::query!(
            "INSERT INTO notification_actors (notification_id, actor_id, acted_at) VALUES ($1, $2, app_now())",
            id,
            actor
        )
        .execute(&mut *tx)
        .await?;
    }
    inbox_changed(tx, n.recipient, 1).await?;
    Ok(Recorded::New)
}

/// Adds `actor` to the recipient's open row for the same kind and entity,
/// if there is one (`batching`). The row is locked, so a read mark that
/// lands meanwhile is seen (the row is then no longer open).
async fn batch_into_open_row(tx: &mut PgConnection, n: &Notice, actor: Uuid) -> AppResult<bool> {
    let open = sqlx::query_scalar!(
        "SELECT id FROM notifications
         WHERE recipient_id = $1 AND kind = $2 AND entity_id = $3 AND read_at IS NULL
           AND updated_at > app_now() - make_interval(mins => $4)
         ORDER BY seq DESC LIMIT 1
         FOR UPDATE",
        n.recipient,
        n.kind.as_str(),
        n.entity_id,
        batching::WINDOW_MINUTES as i32
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(id) = open else { return Ok(false) };
    sqlx::query!(
        "INSERT INTO notification_actors (notification_id, actor_id, acted_at) VALUES ($1, $2, app_now())
         ON CONFLICT (notification_id, actor_id)
         DO UPDATE SET acted_at = EXCLUDED.acted_at, seq = nextval('notification_seq')",
        id,
        actor
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE notifications
         SET actor_count = (SELECT count(*) FROM notification_actors WHERE notification_id = $1),
             updated_at = app_now(), seq = nextval('notification_seq')
         WHERE id = $1",
        id
    )
    .execute(&mut *tx)
    .await?;
    Ok(true)
}

/// Takes `actor`'s part out of the recipient's rows of `kind` about
/// `entity_id` (an undone like): the row goes with its last actor.
pub async fn withdraw(
    tx: &mut PgConnection,
    recipient: Uuid,
    kind: Kind,
    entity_id: Uuid,
    actor: Uuid,
) -> AppResult<()> {
    let touched = sqlx::query_scalar!(
        "DELETE FROM notification_actors a USING notifications n
         WHERE a.notification_id = n.id AND n.recipient_id = $1 AND n.kind = $2 AND n.entity_id = $3 AND a.actor_id = $4
         RETURNING n.id",
        recipient,
        kind.as_str(),
        entity_id,
        actor
    )
    .fetch_all(&mut *tx)
    .await?;
    if touched.is_empty() {
        return Ok(());
    }
    let emptied = sqlx::query_scalar!(
        r#"DELETE FROM notifications n
           WHERE n.id = ANY($1) AND NOT EXISTS (SELECT 1 FROM notification_actors a WHERE a.notification_id = n.id)
           RETURNING (n.read_at IS NULL) AS "unread!""#,
        &touched
    )
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query!(
        "UPDATE notifications n
         SET actor_count = c.count, updated_at = c.newest
         FROM (SELECT notification_id, count(*)::int AS count, max(acted_at) AS newest
               FROM notification_actors WHERE notification_id = ANY($1) GROUP BY notification_id) c
         WHERE n.id = c.notification_id",
        &touched
    )
    .execute(&mut *tx)
    .await?;
    let unread_gone = emptied.iter().filter(|u| **u).count() as i32;
    inbox_changed(tx, recipient, -unread_gone).await?;
    Ok(())
}

/// Deletes every notification about `post_id` (the post was deleted or
/// removed): nobody is told about what they can no longer open.
pub async fn forget_post(tx: &mut PgConnection, post_id: Uuid) -> AppResult<()> {
    let gone = sqlx::query!(
        r#"DELETE FROM notifications WHERE post_id = $1 RETURNING recipient_id, (read_at IS NULL) AS "unread!""#,
        post_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut recipients: Vec<(Uuid, i32)> = Vec::new();
    for row in gone {
        match recipients.iter_mut().find(|(r, _)| *r == row.recipient_id) {
            Some((_, n)) => *n += i32::from(row.unread),
            None => recipients.push((row.recipient_id, i32::from(row.unread))),
        }
    }
    recipients.sort();
    for (recipient, unread) in recipients {
        inbox_changed(tx, recipient, -unread).await?;
    }
    Ok(())
}

/// Moves `user`'s unread count by `delta` and its version by one, under
/// the inbox row's lock, and publishes the result.
async fn inbox_changed(tx: &mut PgConnection, user: Uuid, delta: i32) -> AppResult<Inbox> {
    let row = sqlx::query!(
        "INSERT INTO notification_inboxes (user_id, unread, version) VALUES ($1, GREATEST($2, 0), 1)
         ON CONFLICT (user_id) DO UPDATE
         SET unread = GREATEST(notification_inboxes.unread + $2, 0), version = notification_inboxes.version + 1
         RETURNING unread, version",
        user,
        delta
    )
    .fetch_one(&mut *tx)
    .await?;
    let inbox = Inbox { unread: row.unread, version: row.version };
    let payload = json!({ "user_id": user, "unread": inbox.unread, "version": inbox.version });
    crate::outbox::publish(tx, "inbox", user, INBOX_CHANGED, payload).await?;
    Ok(inbox)
}

/// The caller's bell.
pub async fn inbox(pool: &PgPool, caller: Option<Uuid>) -> AppResult<Inbox> {
    let me = signed_in(caller)?;
    let row = sqlx::query!("SELECT unread, version FROM notification_inboxes WHERE user_id = $1", me)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| Inbox { unread: r.unread, version: r.version }).unwrap_or_default())
}

/// Where a page of the inbox starts: after the row with this `seq`.
pub fn parse_before(raw: &str) -> Option<i64> {
    raw.parse().ok().filter(|seq| *seq > 0)
}

/// A notification as the viewer may see it, read from
/// `notifications_seen_by` (the migration holds the visibility rule:
/// rows about a post or comment the viewer can no longer see, and actors
/// across a block, are left out as they are read). The inbox and the email
/// digest both read rows through it and turn them into views with
/// [`SeenRow::into_view`].
#[derive(Debug)]
pub struct SeenRow {
    pub id: Uuid,
    pub seq: i64,
    pub kind: String,
    pub preview: Option<String>,
    pub href: String,
    pub actor_count: i32,
    pub updated_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub names: Vec<String>,
    pub avatar_url: Option<String>,
}

impl SeenRow {
    /// The row as shown (`None` for a kind this build does not know). A
    /// follow links to the newest follower's profile.
    pub fn into_view(self) -> Option<NotificationView> {
        let kind = Kind::parse(&self.kind)?;
        let href = match (kind, self.names.first()) {
            (Kind::Follow | Kind::FollowApproved, Some(name)) => format!("/u/{name}"),
            _ => self.href,
        };
        Some(NotificationView {
            id: self.id,
            kind,
            actors: self.names,
            actor_count: self.actor_count,
            preview: self.preview,
            href,
            updated_at: self.updated_at,
            read: self.read_at.is_some(),
            avatar_url: self.avatar_url,
        })
    }
}

/// A page of the caller's inbox, newest first, as `notifications_seen_by`
/// lets the caller see it.
pub async fn page(pool: &PgPool, caller: Option<Uuid>, filter: Filter, before: Option<&str>) -> AppResult<InboxPage> {
    let me = signed_in(caller)?;
    let before = before.and_then(parse_before);
    let kinds: Option<Vec<String>> = filter.kinds().map(|k| k.into_iter().map(String::from).collect());
    let rows = sqlx::query_as!(
        SeenRow,
        r#"SELECT n.id AS "id!", n.seq AS "seq!", n.kind AS "kind!", n.preview, n.href AS "href!",
                  n.actor_count AS "actor_count!", n.updated_at AS "updated_at!", n.read_at,
                  n.names AS "names!", n.avatar_url
           FROM notifications_seen_by($1) n
           WHERE ($2::text[] IS NULL OR n.kind = ANY($2))
             AND ($3::bigint IS NULL OR n.seq < $3)
           ORDER BY n.seq DESC
           LIMIT $4"#,
        me,
        kinds.as_deref(),
        before,
        PAGE + 1
    )
    .fetch_all(pool)
    .await?;
    let more = rows.len() as i64 > PAGE;
    let last_seq = rows[..rows.len().min(PAGE as usize)].last().map(|r| r.seq);
    let items: Vec<NotificationView> = rows.into_iter().take(PAGE as usize).filter_map(SeenRow::into_view).collect();
    let next = if more { last_seq.map(|seq| seq.to_string()) } else { None };
    Ok(InboxPage { items, next, inbox: inbox(pool, Some(me)).await? })
}

/// Marks one of the caller's rows read (or unread again).
pub async fn set_read(pool: &PgPool, caller: Option<Uuid>, id: Uuid, read: bool) -> AppResult<Inbox> {
    let me = signed_in(caller)?;
    let mut tx = pool.begin().await?;
    let was = sqlx::query_scalar!(
        r#"SELECT (read_at IS NOT NULL) AS "read!" FROM notifications WHERE id = $1 AND recipient_id = $2 FOR UPDATE"#,
        id,
        me
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Notification".into()))?;
    if was == read {
        tx.commit().await?;
        return inbox(pool, Some(me)).await;
    }
    sqlx::query!(
        "UPDATE notifications SET read_at = CASE WHEN $3 THEN app_now() END WHERE id = $1 AND recipient_id = $2",
        id,
        me,
        read
    )
    .execute(&mut *tx)
    .await?;
    let inbox = inbox_changed(&mut tx, me, if read { -1 } else { 1 }).await?;
    tx.commit().await?;
    Ok(inbox)
}

/// Marks every unread row of the caller read.
pub async fn read_all(pool: &PgPool, caller: Option<Uuid>) -> AppResult<Inbox> {
    let me = signed_in(caller)?;
    let mut tx = pool.begin().await?;
    // The inbox row first: whatever the relay adds meanwhile waits for it,
    // so the count set here and the rows agree.
    sqlx::query!("SELECT user_id FROM notification_inboxes WHERE user_id = $1 FOR UPDATE", me)
        .fetch_optional(&mut *tx)
        .await?;
    let marked =
        sqlx::query!("UPDATE notifications SET read_at = app_now() WHERE recipient_id = $1 AND read_at IS NULL", me)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    let inbox = inbox_changed(&mut tx, me, -(marked as i32)).await?;
    tx.commit().await?;
    Ok(inbox)
}

/// The caller's setting for every category (`On` where never set).
pub async fn preferences(pool: &PgPool, caller: Option<Uuid>) -> AppResult<Vec<(Category, Setting)>> {
    let me = signed_in(caller)?;
    let rows = sqlx::query!("SELECT category, setting FROM notification_preferences WHERE user_id = $1", me)
        .fetch_all(pool)
        .await?;
    Category::ALL
        .into_iter()
        .map(|c| {
            let set = rows.iter().find(|r| r.category == c.as_str()).map(|r| Setting::parse(&r.setting)).transpose()?;
            Ok((c, set.unwrap_or(Setting::On)))
        })
        .collect()
}

pub async fn set_preference(
    pool: &PgPool,
    caller: Option<Uuid>,
    category: Category,
    setting: Setting,
) -> AppResult<()> {
    let me = signed_in(caller)?;
    sqlx::query!(
        "INSERT INTO notification_preferences (user_id, category, setting) VALUES ($1, $2, $3)
         ON CONFLICT (user_id, category) DO UPDATE SET setting = EXCLUDED.setting",
        me,
        category.as_str(),
        setting.as_str()
    )
    .execute(pool)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_tokens_are_positive_positions() {
        assert_eq!(parse_before("1042"), Some(1042));
        assert_eq!(parse_before("0"), None);
        assert_eq!(parse_before("nonsense"), None);
    }
}

//! SQL for home timelines: a page (timeline rows, accounts merged at read,
//! and the followed accounts' posts from before the horizon), rebuilding a
//! missing or stale timeline, and the outbox consumer that keeps the rows:
//! fan-out when a post goes out, removal when it is deleted, back-fill on
//! a follow and pruning on an unfollow.

use sqlx::{PgConnection, PgExecutor, PgPool};
use uuid::Uuid;

use super::{merge, needs_older, page, Candidate, Key};
use super::{BACKFILL_MAX, FANOUT_LIMIT, MAX_SCANS, REBUILD_DAYS, REBUILD_MAX};
use crate::error::AppResult;
use crate::outbox::{Consumer, Event, HandleFuture};
use crate::posts::cards::CardCache;
use crate::posts::{events as post_events, FeedPage, FEED_PAGE_SIZE};
use crate::social::{events as social_events, Cursor};

/// Followers written per statement when a post fans out.
const FANOUT_BATCH: i64 = 1_000;

/// The reader's home feed, a page at a time (the cursor as every feed has
/// it); cards come from `cards` when given.
pub async fn home_feed(
    pool: &PgPool,
    cards: Option<&CardCache>,
    viewer: Uuid,
    cursor: Option<Cursor>,
) -> AppResult<FeedPage> {
    let horizon = match horizon(pool, viewer).await? {
        Some(h) => h,
        None => rebuild(pool, viewer).await?,
    };
    let mut from = cursor.map(|c| Key { at: c.at, id: c.id });
    let (mut shown, mut next) = (Vec::new(), None);
    for _ in 0..MAX_SCANS {
        let found = candidates(pool, viewer, from, horizon).await?;
        let p = page(found, FEED_PAGE_SIZE as usize);
        shown.extend(p.shown);
        next = p.next;
        if !shown.is_empty() || next.is_none() {
            break;
        }
        from = next;
    }
    let posts = crate::posts::db::feed_cards(pool, cards, viewer, &shown).await?;
    Ok(FeedPage { posts, next_cursor: next.map(|k| Cursor { at: k.at, id: k.id }.encode()) })
}

/// Up to a page and one of candidates older than `from`, newest first.
async fn candidates(pool: &PgPool, viewer: Uuid, from: Option<Key>, horizon: Key) -> AppResult<Vec<Candidate>> {
    let limit = FEED_PAGE_SIZE as usize + 1;
    let recent = timeline_and_merged(pool, viewer, from, limit as i64).await?;
    if !needs_older(&recent, horizon, limit) {
        return Ok(recent);
    }
    let below = match from {
        Some(from) if from < horizon => from,
        _ => horizon,
    };
    let older = before_horizon(pool, viewer, below, limit as i64).await?;
    Ok(merge([recent, older], limit))
}

/// The reader's timeline rows and the posts of the accounts merged at read
/// (their own and the big accounts they follow), merged by the database.
/// A row is `shown` only if the rule lets the reader see the post and they
/// still follow its author: a stale row is looked at, never shown.
async fn timeline_and_merged(
    pool: &PgPool,
    viewer: Uuid,
    from: Option<Key>,
    limit: i64,
) -> AppResult<Vec<Candidate>> {
    let (at, after) = (from.map(|k| k.at), from.map(|k| k.id));
    let rows = sqlx::query!(
        r#"SELECT c.id AS "id!", c.author_id AS "author_id!", c.published_at AS "published_at!",
                  (p.status = 'published' AND post_visible_to(p, $1)
                   AND (p.author_id = $1
                        OR EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = $1 AND f.followee_id = p.author_id
                                                              AND f.status = 'accepted'))) AS "shown!",
                  EXISTS (SELECT 1 FROM post_likes l WHERE l.user_id = $1 AND l.post_id = c.id) AS "liked!"
           FROM ((SELECT t.post_id AS id, t.author_id, t.published_at
                  FROM timelines t
                  WHERE t.user_id = $1
                    AND (t.published_at, t.post_id) < (COALESCE($2::timestamptz, 'infinity'),
                                                       COALESCE($3::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
                  ORDER BY t.published_at DESC, t.post_id DESC
                  LIMIT $4)
                 UNION
                 (SELECT q.id, q.author_id, q.published_at
                  FROM (SELECT $1::uuid AS author_id
                        UNION ALL
                        SELECT f.followee_id FROM follows f JOIN timeline_merged_authors m ON m.user_id = f.followee_id
                        WHERE f.follower_id = $1 AND f.status = 'accepted') a
                  CROSS JOIN LATERAL (
                      SELECT q.id, q.author_id, q.published_at FROM posts q
                      WHERE q.author_id = a.author_id AND q.status = 'published'
                        AND (q.published_at, q.id) < (COALESCE($2::timestamptz, 'infinity'),
                                                      COALESCE($3::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
                      ORDER BY q.published_at DESC, q.id DESC
                      LIMIT $4) q)) c
           JOIN posts p ON p.id = c.id
           ORDER BY c.published_at DESC, c.id DESC
           LIMIT $4"#,
        viewer,
        at,
        after,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Candidate {
            key: Key { at: r.published_at, id: r.id },
            author_id: r.author_id,
            shown: r.shown,
            liked: r.liked,
        })
        .collect())
}

/// Posts older than `below` (at most the horizon) of the fanned-out
/// accounts the reader follows, read from `posts` as before timelines.
async fn before_horizon(pool: &PgPool, viewer: Uuid, below: Key, limit: i64) -> AppResult<Vec<Candidate>> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.author_id, p.published_at AS "published_at!",
                  post_visible_to(p, $1) AS "shown!",
                  EXISTS (SELECT 1 FROM post_likes l WHERE l.user_id = $1 AND l.post_id = p.id) AS "liked!"
           FROM (SELECT q.id
                 FROM follows f
                 CROSS JOIN LATERAL (
                     SELECT q.id, q.published_at FROM posts q
                     WHERE q.author_id = f.followee_id AND q.status = 'published'
                       AND (q.published_at, q.id) < ($2, $3)
                     ORDER BY q.published_at DESC, q.id DESC
                     LIMIT $4) q
                 WHERE f.follower_id = $1 AND f.status = 'accepted'
                   AND NOT EXISTS (SELECT 1 FROM timeline_merged_authors m WHERE m.user_id = f.followee_id)
                 ORDER BY q.published_at DESC, q.id DESC
                 LIMIT $4) top
           JOIN posts p ON p.id = top.id
           ORDER BY p.published_at DESC, p.id DESC"#,
        viewer,
        below.at,
        below.id,
        limit
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Candidate {
            key: Key { at: r.published_at, id: r.id },
            author_id: r.author_id,
            shown: r.shown,
            liked: r.liked,
        })
        .collect())
}

/// Where a built timeline starts; `None`: not built, or marked stale.
pub async fn horizon<'c>(db: impl PgExecutor<'c>, user: Uuid) -> AppResult<Option<Key>> {
    let row = sqlx::query!("SELECT horizon_at, horizon_id FROM timeline_state WHERE user_id = $1", user)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| Key { at: r.horizon_at, id: r.horizon_id }))
}

/// Marks a timeline stale: the next read rebuilds it.
pub async fn mark_stale(pool: &PgPool, user: Uuid) -> AppResult<()> {
    sqlx::query!("DELETE FROM timeline_state WHERE user_id = $1", user).execute(pool).await?;
    Ok(())
}

/// Builds a timeline from the accounts its owner follows: their posts of
/// the last `REBUILD_DAYS`, at most `REBUILD_MAX` (then the horizon is the
/// oldest of those). Rows already there stay; building twice is harmless.
pub async fn rebuild(pool: &PgPool, user: Uuid) -> AppResult<Key> {
    let mut tx = pool.begin().await?;
    let r = sqlx::query!(
        r#"WITH recent AS (
               SELECT q.id, q.author_id, q.published_at
               FROM follows f
               CROSS JOIN LATERAL (
                   SELECT q.id, q.author_id, q.published_at FROM posts q
                   WHERE q.author_id = f.followee_id AND q.status = 'published'
                     AND q.published_at >= app_now() - make_interval(days => $2)
                   ORDER BY q.published_at DESC, q.id DESC
                   LIMIT $3) q
               WHERE f.follower_id = $1 AND f.status = 'accepted'
                 AND NOT EXISTS (SELECT 1 FROM timeline_merged_authors m WHERE m.user_id = f.followee_id)
               ORDER BY q.published_at DESC, q.id DESC
               LIMIT $3),
           written AS (
               INSERT INTO timelines (user_id, post_id, author_id, published_at)
               SELECT $1, id, author_id, published_at FROM recent
               ON CONFLICT DO NOTHING)
           SELECT (SELECT count(*) FROM recent) AS "n!",
                  app_now() - make_interval(days => $2) AS "since!",
                  (SELECT published_at FROM recent ORDER BY published_at, id LIMIT 1) AS oldest_at,
                  (SELECT id FROM recent ORDER BY published_at, id LIMIT 1) AS oldest_id"#,
        user,
        REBUILD_DAYS,
        REBUILD_MAX
    )
    .fetch_one(&mut *tx)
    .await?;
    let horizon = match (r.n >= REBUILD_MAX, r.oldest_at, r.oldest_id) {
        (true, Some(at), Some(id)) => Key { at, id },
        _ => Key { at: r.since, id: Uuid::nil() },
    };
    sqlx::query!(
        "INSERT INTO timeline_state (user_id, horizon_at, horizon_id) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE
         SET horizon_at = EXCLUDED.horizon_at, horizon_id = EXCLUDED.horizon_id, built_at = app_now()",
        user,
        horizon.at,
        horizon.id
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(horizon)
}

/// The outbox consumer that keeps timelines (`outbox_consumers.name` =
/// "timelines").
pub struct TimelineConsumer;

impl Consumer for TimelineConsumer {
    fn name(&self) -> &'static str {
        "timelines"
    }

    fn handle<'a>(&'a self, tx: &'a mut PgConnection, events: &'a [Event]) -> HandleFuture<'a> {
        Box::pin(async move {
            for event in events {
                apply(tx, event).await?;
            }
            Ok(())
        })
    }
}

async fn apply(tx: &mut PgConnection, e: &Event) -> AppResult<()> {
    let follow = || e.uuid("follower_id").zip(e.uuid("followee_id"));
    match (e.aggregate.as_str(), e.kind.as_str()) {
        (post_events::AGGREGATE, post_events::PUBLISHED) => fan_out(tx, e.aggregate_id).await,
        (post_events::AGGREGATE, post_events::DELETED) => {
            sqlx::query!("DELETE FROM timelines WHERE post_id = $1", e.aggregate_id).execute(&mut *tx).await?;
            Ok(())
        }
        (social_events::AGGREGATE, social_events::FOLLOW_ACCEPTED) => match follow() {
            Some((follower, followee)) => backfill(tx, follower, followee).await,
            None => Ok(()),
        },
        (social_events::AGGREGATE, social_events::FOLLOW_REMOVED) => {
            if let Some((follower, followee)) = follow() {
                sqlx::query!("DELETE FROM timelines WHERE user_id = $1 AND author_id = $2", follower, followee)
                    .execute(&mut *tx)
                    .await?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Writes a post into its author's followers' timelines, `FANOUT_BATCH` at
/// a time; an author with `FANOUT_LIMIT` followers or more becomes merged
/// at read instead (for good). Rows exist only for accepted followers.
async fn fan_out(tx: &mut PgConnection, post_id: Uuid) -> AppResult<()> {
    let Some(post) = sqlx::query!(
        r#"SELECT p.author_id, p.published_at AS "published_at!", u.followers_count,
                  EXISTS (SELECT 1 FROM timeline_merged_authors m WHERE m.user_id = p.author_id) AS "merged!"
           FROM posts p JOIN users u ON u.id = p.author_id
           WHERE p.id = $1 AND p.status = 'published'"#,
        post_id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(()); // deleted since
    };
    if post.merged {
        return Ok(());
    }
    if post.followers_count >= FANOUT_LIMIT {
        sqlx::query!("INSERT INTO timeline_merged_authors (user_id) VALUES ($1) ON CONFLICT DO NOTHING", post.author_id)
            .execute(&mut *tx)
            .await?;
        return Ok(());
    }
    let mut after = Uuid::nil();
    loop {
        let last = sqlx::query_scalar!(
            r#"WITH batch AS (
                   SELECT f.follower_id FROM follows f
                   WHERE f.followee_id = $2 AND f.status = 'accepted' AND f.follower_id > $4
                   ORDER BY f.follower_id
                   LIMIT $5),
               written AS (
                   INSERT INTO timelines (user_id, post_id, author_id, published_at)
                   SELECT follower_id, $1, $2, $3 FROM batch
                   ON CONFLICT DO NOTHING)
               SELECT (SELECT follower_id FROM batch ORDER BY follower_id DESC LIMIT 1) AS last"#,
            post_id,
            post.author_id,
            post.published_at,
            after,
            FANOUT_BATCH
        )
        .fetch_one(&mut *tx)
        .await?;
        match last {
            Some(last) => after = last,
            None => return Ok(()),
        }
    }
}

/// A new follow copies the account's posts since the follower's horizon
/// (at most `BACKFILL_MAX`, moving the horizon up if that cut some off).
/// A timeline not built yet is left alone: its rebuild reads the follow.
async fn backfill(tx: &mut PgConnection, follower: Uuid, followee: Uuid) -> AppResult<()> {
    let Some(horizon) = horizon(&mut *tx, follower).await? else { return Ok(()) };
    let r = sqlx::query!(
        r#"WITH recent AS (
               SELECT q.id, q.author_id, q.published_at FROM posts q
               WHERE q.author_id = $2 AND q.status = 'published'
                 AND (q.published_at, q.id) >= ($3, $4)
                 AND NOT EXISTS (SELECT 1 FROM timeline_merged_authors m WHERE m.user_id = $2)
               ORDER BY q.published_at DESC, q.id DESC
               LIMIT $5),
           written AS (
               INSERT INTO timelines (user_id, post_id, author_id, published_at)
               SELECT $1, id, author_id, published_at FROM recent
               ON CONFLICT DO NOTHING)
           SELECT (SELECT count(*) FROM recent) AS "n!",
                  (SELECT published_at FROM recent ORDER BY published_at, id LIMIT 1) AS oldest_at,
                  (SELECT id FROM recent ORDER BY published_at, id LIMIT 1) AS oldest_id"#,
        follower,
        followee,
        horizon.at,
        horizon.id,
        BACKFILL_MAX
    )
    .fetch_one(&mut *tx)
    .await?;
    if let (true, Some(at), Some(id)) = (r.n >= BACKFILL_MAX, r.oldest_at, r.oldest_id) {
        sqlx::query!(
            "UPDATE timeline_state SET horizon_at = $2, horizon_id = $3
             WHERE user_id = $1 AND (horizon_at, horizon_id) < ($2, $3)",
            follower,
            at,
            id
        )
        .execute(&mut *tx)
        .await?;
    }
    Ok(())
}

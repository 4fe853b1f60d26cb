//! SQL for home timelines: a page (timeline rows, accounts merged at read,
//! and the followed accounts' posts from before the horizon), rebuilding a
//! missing or stale timeline, and the outbox consumer that keeps the rows:
//! fan-out when a post goes out, removal when it is deleted, back-fill on
//! a follow and pruning on an unfollow.
//!
//! An account's posts are those it created and those it co-authors
//! (`posts::collabs`): a co-author's followers get the post when they
//! accept (a row with the co-author as its `author_id`, so unfollowing or
//! leaving prunes it), and every read below takes both.

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
/// (their own and the big accounts they follow), merged by the database,
/// each post once. A row is `shown` only if the rule lets the reader see
/// the post, it is still from someone they follow (`post_from_followed`:
/// its creator or a co-author) and they want it (`post_wanted_by`: not
/// hidden, muted or holding a muted word): a stale or unwanted row is
/// looked at, never shown.
async fn timeline_and_merged(pool: &PgPool, viewer: Uuid, from: Option<Key>, limit: i64) -> AppResult<Vec<Candidate>> {
    let (at, after) = (from.map(|k| k.at), from.map(|k| k.id));
    let rows = sqlx::query!(
        r#"SELECT c.id AS "id!", c.author_id AS "author_id!", c.published_at AS "published_at!",
                  (p.status = 'published' AND post_visible_to(p, $1) AND post_wanted_by(p, $1)
                   AND post_from_followed(p, $1)) AS "shown!",
                  p.repost_of AS original,
                  EXISTS (SELECT 1 FROM post_likes l WHERE l.user_id = $1 AND l.post_id = COALESCE(p.repost_of, c.id)) AS "liked!",
                  EXISTS (SELECT 1 FROM bookmarks b WHERE b.user_id = $1 AND b.post_id = COALESCE(p.repost_of, c.id)) AS "saved!",
                  EXISTS (SELECT 1 FROM posts r WHERE r.author_id = $1 AND r.repost_of = COALESCE(p.repost_of, c.id)) AS "reposted!"
           FROM (SELECT DISTINCT ON (u.published_at, u.id) u.id, u.author_id, u.published_at
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
                              SELECT f.followee_id FROM follows f
                              JOIN timeline_merged_authors m ON m.user_id = f.followee_id
                              WHERE f.follower_id = $1 AND f.status = 'accepted') a
                        CROSS JOIN LATERAL (
                            (SELECT q.id, q.author_id, q.published_at FROM posts q
                             WHERE q.author_id = a.author_id AND q.status = 'published'
                               AND (q.published_at, q.id) < (COALESCE($2::timestamptz, 'infinity'),
                                                             COALESCE($3::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
                             ORDER BY q.published_at DESC, q.id DESC
                             LIMIT $4)
                            UNION ALL
                            (SELECT q.id, a.author_id, q.published_at
                             FROM post_collaborators k JOIN posts q ON q.id = k.post_id
                             WHERE k.user_id = a.author_id AND k.status = 'accepted' AND q.status = 'published'
                               AND (q.published_at, q.id) < (COALESCE($2::timestamptz, 'infinity'),
                                                             COALESCE($3::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
                             ORDER BY q.published_at DESC, q.id DESC
                             LIMIT $4)) q)) u
                 ORDER BY u.published_at DESC, u.id DESC
                 LIMIT $4) c
           JOIN posts p ON p.id = c.id
           ORDER BY c.published_at DESC, c.id DESC"#,
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
            saved: r.saved,
            original: r.original,
            reposted: r.reposted,
        })
        .collect())
}

/// Posts older than `below` (at most the horizon) of the fanned-out
/// accounts the reader follows, created or co-authored, read from `posts`
/// as before timelines, each once.
async fn before_horizon(pool: &PgPool, viewer: Uuid, below: Key, limit: i64) -> AppResult<Vec<Candidate>> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.author_id, p.published_at AS "published_at!",
                  (post_visible_to(p, $1) AND post_wanted_by(p, $1)) AS "shown!",
                  p.repost_of AS original,
                  EXISTS (SELECT 1 FROM post_likes l WHERE l.user_id = $1 AND l.post_id = COALESCE(p.repost_of, p.id)) AS "liked!",
                  EXISTS (SELECT 1 FROM bookmarks b WHERE b.user_id = $1 AND b.post_id = COALESCE(p.repost_of, p.id)) AS "saved!",
                  EXISTS (SELECT 1 FROM posts r WHERE r.author_id = $1 AND r.repost_of = COALESCE(p.repost_of, p.id)) AS "reposted!"
           FROM (SELECT DISTINCT ON (q.published_at, q.id) q.id
                 FROM follows f
                 CROSS JOIN LATERAL (
                     (SELECT q.id, q.published_at FROM posts q
                      WHERE q.author_id = f.followee_id AND q.status = 'published'
                        AND (q.published_at, q.id) < ($2, $3)
                      ORDER BY q.published_at DESC, q.id DESC
                      LIMIT $4)
                     UNION ALL
                     (SELECT q.id, q.published_at FROM post_collaborators k JOIN posts q ON q.id = k.post_id
                      WHERE k.user_id = f.followee_id AND k.status = 'accepted' AND q.status = 'published'
                        AND (q.published_at, q.id) < ($2, $3)
                      ORDER BY q.published_at DESC, q.id DESC
                      LIMIT $4)) q
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
            saved: r.saved,
            original: r.original,
            reposted: r.reposted,
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

/// Builds a timeline from the accounts its owner follows: their posts
/// (created or co-authored) of the last `REBUILD_DAYS`, at most
/// `REBUILD_MAX` (then the horizon is the oldest of those). Rows already
/// there stay; building twice is harmless.
pub async fn rebuild(pool: &PgPool, user: Uuid) -> AppResult<Key> {
    let mut tx = pool.begin().await?;
    let r = sqlx::query!(
        r#"WITH recent AS (
               SELECT DISTINCT ON (q.published_at, q.id) q.id, q.via AS author_id, q.published_at
               FROM follows f
               CROSS JOIN LATERAL (
                   (SELECT q.id, q.author_id AS via, q.published_at FROM posts q
                    WHERE q.author_id = f.followee_id AND q.status = 'published'
                      AND q.published_at >= app_now() - make_interval(days => $2)
                    ORDER BY q.published_at DESC, q.id DESC
                    LIMIT $3)
                   UNION ALL
                   (SELECT q.id, k.user_id, q.published_at FROM post_collaborators k JOIN posts q ON q.id = k.post_id
                    WHERE k.user_id = f.followee_id AND k.status = 'accepted' AND q.status = 'published'
                      AND q.published_at >= app_now() - make_interval(days => $2)
                    ORDER BY q.published_at DESC, q.id DESC
                    LIMIT $3)) q
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
        (post_events::AGGREGATE, post_events::COLLABORATORS_CHANGED) => match e.uuid("user_id") {
            Some(coauthor) => coauthor_changed(tx, e.aggregate_id, coauthor).await,
            None => Ok(()),
        },
        (social_events::AGGREGATE, social_events::FOLLOW_ACCEPTED) => match follow() {
            Some((follower, followee)) => backfill(tx, follower, followee).await,
            None => Ok(()),
        },
        (social_events::AGGREGATE, social_events::FOLLOW_REMOVED) => {
            if let Some((follower, followee)) = follow() {
                let gone = sqlx::query!(
                    "DELETE FROM timelines WHERE user_id = $1 AND author_id = $2
                     RETURNING user_id, post_id, published_at",
                    follower,
                    followee
                )
                .fetch_all(&mut *tx)
                .await?;
                let gone = gone.into_iter().map(|g| (g.user_id, g.post_id, g.published_at)).collect();
                keep_still_followed(tx, gone).await?;
            }
            Ok(())
        }
        _ => Ok(()),
    }
}

/// Writes a post into its author's followers' timelines (`fan_out_as`).
async fn fan_out(tx: &mut PgConnection, post_id: Uuid) -> AppResult<()> {
    let Some(post) = sqlx::query!(
        r#"SELECT p.author_id, p.published_at AS "published_at!"
           FROM posts p WHERE p.id = $1 AND p.status = 'published'"#,
        post_id
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(()); // deleted since
    };
    fan_out_as(tx, post_id, post.author_id, post.published_at).await
}

/// A co-author joined a post or left it (`posts::collabs`); the rows follow
/// what holds now, as events may be read late: a co-author's followers get
/// the post (`fan_out_as`), or the rows written for them go (kept for
/// whoever still follows another of its authors).
async fn coauthor_changed(tx: &mut PgConnection, post_id: Uuid, coauthor: Uuid) -> AppResult<()> {
    let joined = sqlx::query_scalar!(
        r#"SELECT p.published_at AS "published_at!"
           FROM posts p JOIN post_collaborators c ON c.post_id = p.id
           WHERE p.id = $1 AND p.status = 'published' AND c.user_id = $2 AND c.status = 'accepted'"#,
        post_id,
        coauthor
    )
    .fetch_optional(&mut *tx)
    .await?;
    match joined {
        Some(published_at) => fan_out_as(tx, post_id, coauthor, published_at).await,
        None => {
            let gone = sqlx::query!(
                "DELETE FROM timelines WHERE post_id = $1 AND author_id = $2
                 RETURNING user_id, post_id, published_at",
                post_id,
                coauthor
            )
            .fetch_all(&mut *tx)
            .await?;
            keep_still_followed(tx, gone.into_iter().map(|g| (g.user_id, g.post_id, g.published_at)).collect()).await
        }
    }
}

/// Puts back rows just taken out for one of a post's authors (an unfollow,
/// a co-author leaving) where the reader still follows another of its
/// authors, its creator or a co-author, under that one's name; the next
/// unfollow or departure prunes them in turn.
async fn keep_still_followed(
    tx: &mut PgConnection,
    gone: Vec<(Uuid, Uuid, chrono::DateTime<chrono::Utc>)>,
) -> AppResult<()> {
    if gone.is_empty() {
        return Ok(());
    }
    let mut readers = Vec::with_capacity(gone.len());
    let mut posts = Vec::with_capacity(gone.len());
    let mut ats = Vec::with_capacity(gone.len());
    for (reader, post, at) in gone {
        readers.push(reader);
        posts.push(post);
        ats.push(at);
    }
    sqlx::query!(
        r#"INSERT INTO timelines (user_id, post_id, author_id, published_at)
           SELECT g.user_id, g.post_id, w.author_id, g.published_at
           FROM unnest($1::uuid[], $2::uuid[], $3::timestamptz[]) AS g(user_id, post_id, published_at)
           JOIN posts p ON p.id = g.post_id AND p.status = 'published'
           CROSS JOIN LATERAL (
               SELECT a.author_id
               FROM (SELECT p.author_id
                     UNION ALL
                     SELECT c.user_id FROM post_collaborators c WHERE c.post_id = p.id AND c.status = 'accepted') a
               WHERE EXISTS (SELECT 1 FROM follows f WHERE f.follower_id = g.user_id AND f.followee_id = a.author_id
                                                        AND f.status = 'accepted')
               LIMIT 1) w
           ON CONFLICT DO NOTHING"#,
        &readers,
        &posts,
        &ats
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Writes a post into the timelines of `via`'s followers (its creator's,
/// or a co-author's when they join it), `FANOUT_BATCH` at a time, as `via`'s
/// rows; an account with `FANOUT_LIMIT` followers or more becomes merged at
/// read instead (for good). Rows exist only for accepted followers.
async fn fan_out_as(
    tx: &mut PgConnection,
    post_id: Uuid,
    via: Uuid,
    published_at: chrono::DateTime<chrono::Utc>,
) -> AppResult<()> {
    let Some(account) = sqlx::query!(
        r#"SELECT u.followers_count,
                  EXISTS (SELECT 1 FROM timeline_merged_authors m WHERE m.user_id = u.id) AS "merged!"
           FROM users u WHERE u.id = $1"#,
        via
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(());
    };
    if account.merged {
        return Ok(());
    }
    if account.followers_count >= FANOUT_LIMIT {
        sqlx::query!("INSERT INTO timeline_merged_authors (user_id) VALUES ($1) ON CONFLICT DO NOTHING", via)
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
            via,
            published_at,
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

/// A new follow copies the account's posts (created or co-authored) since
/// the follower's horizon (at most `BACKFILL_MAX`, moving the horizon up if
/// that cut some off). A timeline not built yet is left alone: its rebuild
/// reads the follow.
async fn backfill(tx: &mut PgConnection, follower: Uuid, followee: Uuid) -> AppResult<()> {
    let Some(horizon) = horizon(&mut *tx, follower).await? else { return Ok(()) };
    let r = sqlx::query!(
        r#"WITH recent AS (
               SELECT q.id, $2::uuid AS author_id, q.published_at
               FROM ((SELECT q.id, q.published_at FROM posts q
                      WHERE q.author_id = $2 AND q.status = 'published'
                        AND (q.published_at, q.id) >= ($3, $4)
                      ORDER BY q.published_at DESC, q.id DESC
                      LIMIT $5)
                     UNION ALL
                     (SELECT q.id, q.published_at FROM post_collaborators k JOIN posts q ON q.id = k.post_id
                      WHERE k.user_id = $2 AND k.status = 'accepted' AND q.status = 'published'
                        AND (q.published_at, q.id) >= ($3, $4)
                      ORDER BY q.published_at DESC, q.id DESC
                      LIMIT $5)) q
               WHERE NOT EXISTS (SELECT 1 FROM timeline_merged_authors m WHERE m.user_id = $2)
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

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;
    use crate::posts::{db, editing, likes, Visibility};
    use crate::social::db::set_follow;
    use crate::test_support::{follow, make_private, post, settle, user};

    async fn feed_ids(pool: &PgPool, viewer: Uuid) -> Vec<Uuid> {
        db::home_feed(pool, viewer, None).await.unwrap().posts.into_iter().map(|p| p.id).collect()
    }

    /// Every post of the whole feed, page by page.
    async fn all_pages(pool: &PgPool, viewer: Uuid) -> Vec<Uuid> {
        let (mut seen, mut cursor) = (Vec::new(), None);
        loop {
            let page = db::home_feed(pool, viewer, cursor).await.unwrap();
            seen.extend(page.posts.iter().map(|p| p.id));
            match page.next_cursor {
                Some(c) => cursor = Cursor::decode(&c),
                None => return seen,
            }
        }
    }

    async fn rows_of(pool: &PgPool, reader: Uuid) -> BTreeSet<Uuid> {
        sqlx::query_scalar!("SELECT post_id FROM timelines WHERE user_id = $1", reader)
            .fetch_all(pool)
            .await
            .unwrap()
            .into_iter()
            .collect()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_post_fans_out_to_its_authors_followers_only(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let fay = user(&pool, "fay").await;
        let sam = user(&pool, "sam").await;
        follow(&pool, fay, "ann").await;
        assert!(feed_ids(&pool, fay).await.is_empty()); // builds Fay's timeline
        let open = post(&pool, ann, "hello all", Visibility::Public).await;
        let friends = post(&pool, ann, "friends only", Visibility::Followers).await;
        settle(&pool).await;

        assert_eq!(rows_of(&pool, fay).await, BTreeSet::from([open, friends]));
        assert!(rows_of(&pool, sam).await.is_empty());
        assert_eq!(feed_ids(&pool, fay).await, vec![friends, open]);
        assert!(feed_ids(&pool, sam).await.is_empty());
        // The author's own posts are read directly: no rows, yet in their feed.
        assert!(rows_of(&pool, ann).await.is_empty());
        assert_eq!(feed_ids(&pool, ann).await, vec![friends, open]);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_big_accounts_posts_are_merged_at_read_in_order(pool: PgPool) {
        let big = user(&pool, "big").await;
        let bob = user(&pool, "bob").await;
        let fay = user(&pool, "fay").await;
        follow(&pool, fay, "big").await;
        follow(&pool, fay, "bob").await;
        sqlx::query!("UPDATE users SET followers_count = $2 WHERE id = $1", big, FANOUT_LIMIT)
            .execute(&pool)
            .await
            .unwrap();
        feed_ids(&pool, fay).await;
        settle(&pool).await;
        let mut written = Vec::new();
        for i in 0..13 {
            let author = if i % 3 == 0 { bob } else { big };
            written.push(post(&pool, author, &format!("post {i}"), Visibility::Public).await);
        }
        settle(&pool).await;
        written.reverse();

        let merged: Vec<Uuid> =
            sqlx::query_scalar!("SELECT user_id FROM timeline_merged_authors").fetch_all(&pool).await.unwrap();
        assert_eq!(merged, vec![big]);
        assert_eq!(rows_of(&pool, fay).await.len(), 5, "only Bob's posts are fanned out");
        assert_eq!(all_pages(&pool, fay).await, written, "two pages, newest first, each post once");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_missing_or_stale_timeline_is_rebuilt_on_read(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let fay = user(&pool, "fay").await;
        follow(&pool, fay, "ann").await;
        let first = post(&pool, ann, "one", Visibility::Public).await;
        let second = post(&pool, ann, "two", Visibility::Followers).await;
        // Fay has never read her feed: no timeline yet, and the posts are
        // not fanned out (no relay ran). Reading builds it.
        assert!(horizon(&pool, fay).await.unwrap().is_none());
        assert_eq!(feed_ids(&pool, fay).await, vec![second, first]);
        assert!(horizon(&pool, fay).await.unwrap().is_some());
        assert_eq!(rows_of(&pool, fay).await, BTreeSet::from([first, second]));

        // Rows lost, timeline marked stale: the next read rebuilds it.
        sqlx::query!("DELETE FROM timelines WHERE user_id = $1", fay).execute(&pool).await.unwrap();
        mark_stale(&pool, fay).await.unwrap();
        assert_eq!(feed_ids(&pool, fay).await, vec![second, first]);
        assert_eq!(rows_of(&pool, fay).await, BTreeSet::from([first, second]));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn posts_older_than_the_horizon_still_page_in(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let fay = user(&pool, "fay").await;
        follow(&pool, fay, "ann").await;
        let mut written = Vec::new();
        for i in 0..14 {
            written.push(post(&pool, ann, &format!("post {i}"), Visibility::Public).await);
        }
        written.reverse();
        // Half of them from before the timeline's window.
        sqlx::query!(
            "UPDATE posts SET published_at = published_at - interval '60 days' WHERE id = ANY($1)",
            &written[7..]
        )
        .execute(&pool)
        .await
        .unwrap();
        assert_eq!(all_pages(&pool, fay).await, written);
        assert_eq!(rows_of(&pool, fay).await.len(), 7, "the rebuild copied the window only");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn unfollowing_removes_the_rows_and_following_back_fills(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let fay = user(&pool, "fay").await;
        follow(&pool, fay, "ann").await;
        feed_ids(&pool, fay).await;
        let one = post(&pool, ann, "one", Visibility::Public).await;
        let two = post(&pool, ann, "two", Visibility::Followers).await;
        settle(&pool).await;
        assert_eq!(rows_of(&pool, fay).await.len(), 2);

        set_follow(&pool, &crate::limits::Quota::exempt(), fay, "ann", false).await.unwrap();
        assert!(feed_ids(&pool, fay).await.is_empty(), "gone at once, before the relay runs");
        settle(&pool).await;
        assert!(rows_of(&pool, fay).await.is_empty());

        follow(&pool, fay, "ann").await;
        settle(&pool).await;
        assert_eq!(rows_of(&pool, fay).await, BTreeSet::from([one, two]));
        assert_eq!(feed_ids(&pool, fay).await, vec![two, one]);
    }

    /// The security property: whatever rows a timeline holds, a reader sees
    /// only what the rule lets them see, from accounts they follow.
    #[sqlx::test(migrations = "../migrations")]
    async fn a_stale_timeline_row_never_shows_a_post_to_someone_who_may_not_see_it(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let ivy = user(&pool, "ivy").await;
        let fay = user(&pool, "fay").await;
        let sam = user(&pool, "sam").await;
        follow(&pool, fay, "ann").await;
        follow(&pool, fay, "ivy").await;
        make_private(&pool, ivy).await;
        feed_ids(&pool, fay).await;
        feed_ids(&pool, sam).await;
        let friends = post(&pool, ann, "friends only", Visibility::Followers).await;
        let open = post(&pool, ann, "open", Visibility::Public).await;
        let private = post(&pool, ivy, "private account, public post", Visibility::Public).await;
        let deleted = post(&pool, ann, "soon gone", Visibility::Public).await;
        settle(&pool).await;
        assert_eq!(feed_ids(&pool, fay).await.len(), 4);

        // Rows the relay has not pruned yet: a deleted post, an unfollowed
        // account, a private account that dropped Fay, and rows forged for
        // Sam, who follows nobody.
        editing::delete(&pool, ann, deleted).await.unwrap();
        set_follow(&pool, &crate::limits::Quota::exempt(), fay, "ann", false).await.unwrap();
        sqlx::query!("DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2", fay, ivy)
            .execute(&pool)
            .await
            .unwrap();
        sqlx::query!(
            "INSERT INTO timelines (user_id, post_id, author_id, published_at)
             SELECT $1, p.id, p.author_id, p.published_at FROM posts p WHERE p.id = ANY($2)",
            sam,
            &[friends, open, private, deleted][..]
        )
        .execute(&pool)
        .await
        .unwrap();
        assert_eq!(rows_of(&pool, fay).await.len(), 4, "the rows are still there");
        assert!(feed_ids(&pool, fay).await.is_empty());
        assert!(feed_ids(&pool, sam).await.is_empty());
        let page = db::home_feed(&pool, sam, None).await.unwrap();
        assert!(page.next_cursor.is_none(), "and no page of hidden posts is offered");

        settle(&pool).await;
        assert!(rows_of(&pool, fay).await.contains(&private), "removed by hand above: no event");
        assert!(!rows_of(&pool, fay).await.contains(&deleted));
        assert!(!rows_of(&pool, fay).await.contains(&friends));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn feed_cards_follow_edits_and_likes_through_the_outbox(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let fay = user(&pool, "fay").await;
        let bob = user(&pool, "bob").await;
        follow(&pool, fay, "ann").await;
        follow(&pool, bob, "ann").await;
        let cache = CardCache::default();
        let relay = crate::outbox::Relay::new(pool.clone()).with_local(std::sync::Arc::new(cache.clone()));
        relay.run_once().await; // the cache's cursor starts here
        let id = post(&pool, ann, "first words", Visibility::Public).await;

        let page = home_feed(&pool, Some(&cache), fay, None).await.unwrap();
        assert_eq!((page.posts[0].body.as_str(), cache.len()), ("first words", 1));

        editing::edit(&pool, ann, id, "second thoughts", Visibility::Public).await.unwrap();
        likes::set_like(&pool, &crate::limits::Quota::exempt(), fay, id, true).await.unwrap();
        wait_until_dropped(&relay, &cache, id).await;
        let fays = home_feed(&pool, Some(&cache), fay, None).await.unwrap().posts.remove(0);
        assert_eq!((fays.body.as_str(), fays.like_count, fays.liked), ("second thoughts", 1, true));
        // Bob's page comes from the same cached card, with his own like state.
        assert_eq!(cache.len(), 1);
        let bobs = home_feed(&pool, Some(&cache), bob, None).await.unwrap().posts.remove(0);
        assert_eq!((bobs.like_count, bobs.liked, bobs.is_author), (1, false, false));
        let anns = home_feed(&pool, Some(&cache), ann, None).await.unwrap().posts.remove(0);
        assert!(anns.is_author);
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
}

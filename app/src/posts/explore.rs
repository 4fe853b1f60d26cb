//! Explore: public posts of accounts the reader does not follow (as creator
//! or co-author: `post_from_followed`, the home feed's own test), best
//! first, from a ranking a job recomputes every minute (`refresh`). A post's
//! score is a moment (see migrations/…12_explore_ranking.sql): its
//! publication time plus `HOURS_PER_TENFOLD` hours for each tenfold of its
//! engagement (likes + 2 × comments), so the feed's cursor pages through it
//! like any other. Posts published since the last refresh are scored at
//! read; who may see a post is decided at read (`post_visible_to`), what
//! the reader wants by the feed filter (`post_wanted_by`), and an author
//! the reader was "not interested" in lately stays out (`not_interested_in`).
//! Reposts are not ranked: Explore shows originals.

use sqlx::PgPool;
use uuid::Uuid;

use super::card_filter::Has;
use super::db::{assemble_keyed, PostRow};
use super::timeline::{merge, Candidate, Key};
use super::{FeedPage, FEED_PAGE_SIZE};
use crate::error::AppResult;
use crate::social::Cursor;

/// How much a tenfold of engagement lifts a post, in hours of recency.
pub const HOURS_PER_TENFOLD: f64 = 6.0;
/// How far back Explore reaches: a refresh recomputes every public post of
/// this window (about 0.15 s a minute for the bench's 40k posts a week).
pub const WINDOW_DAYS: i32 = 7;

/// Recomputes the ranking over the last `WINDOW_DAYS` of public posts of
/// public accounts, in one transaction; returns how many rows changed.
pub async fn refresh(pool: &PgPool) -> AppResult<u64> {
    let mut tx = pool.begin().await?;
    let covered = sqlx::query_scalar!(r#"SELECT app_now() AS "now!""#).fetch_one(&mut *tx).await?;
    let upserted = sqlx::query!(
        "INSERT INTO explore_ranking (post_id, author_id, score_at)
         SELECT p.id, p.author_id,
                p.published_at + make_interval(secs => $3::float8 * 3600 * log((1 + p.like_count + 2 * p.comment_count)::float8))
         FROM posts p JOIN users u ON u.id = p.author_id
         WHERE p.status = 'published' AND p.visibility = 'public' AND NOT u.is_private AND p.repost_of IS NULL
           AND p.published_at > $1::timestamptz - make_interval(days => $2) AND p.published_at <= $1::timestamptz
         ON CONFLICT (post_id) DO UPDATE SET score_at = EXCLUDED.score_at
         WHERE explore_ranking.score_at IS DISTINCT FROM EXCLUDED.score_at",
        covered,
        WINDOW_DAYS,
        HOURS_PER_TENFOLD
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    let removed = sqlx::query!(
        "DELETE FROM explore_ranking r USING posts p, users u
         WHERE p.id = r.post_id AND u.id = p.author_id
           AND (p.status <> 'published' OR p.visibility <> 'public' OR u.is_private
                OR p.published_at <= $1::timestamptz - make_interval(days => $2))",
        covered,
        WINDOW_DAYS
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query!(
        "INSERT INTO explore_refresh (id, covered_until) VALUES (true, $1)
         ON CONFLICT (id) DO UPDATE SET covered_until = EXCLUDED.covered_until",
        covered
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(upserted + removed)
}

/// What Explore is narrowed to.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Filter {
    /// Only posts showing this kind of card (`card_filter`); `None`: all.
    pub has: Option<Has>,
}

/// A page of Explore for `viewer` (signed out: `None`).
pub async fn feed(pool: &PgPool, viewer: Option<Uuid>, cursor: Option<Cursor>) -> AppResult<FeedPage> {
    filtered(pool, viewer, cursor, Filter::default()).await
}

/// A page of Explore narrowed by `filter`.
pub async fn filtered(
    pool: &PgPool,
    viewer: Option<Uuid>,
    cursor: Option<Cursor>,
    filter: Filter,
) -> AppResult<FeedPage> {
    let (at, after) = (cursor.map(|c| c.at), cursor.map(|c| c.id));
    let limit = FEED_PAGE_SIZE + 1;
    // The ranked posts, best first, filtered as the index walks.
    let ranked = sqlx::query!(
        r#"SELECT r.post_id, r.score_at
           FROM explore_ranking r JOIN posts p ON p.id = r.post_id
           WHERE (r.score_at, r.post_id) < (COALESCE($2::timestamptz, 'infinity'),
                                            COALESCE($3::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
             AND p.status = 'published' AND p.visibility = 'public' AND post_visible_to(p, $1)
             AND post_wanted_by(p, $1) AND NOT not_interested_in(p.author_id, $1)
             AND NOT post_from_followed(p, $1)
             AND ($5::text IS NULL OR ($5 = 'groups' AND post_shows_open_group(p.id))
                  OR ($5 = 'plans' AND post_shows_plan(p.id)))
           ORDER BY r.score_at DESC, r.post_id DESC
           LIMIT $4"#,
        viewer,
        at,
        after,
        limit,
        filter.has.map(Has::as_str)
    )
    .fetch_all(pool)
    .await?;
    // Posts the last refresh has not seen, scored the same way.
    let fresh = sqlx::query!(
        r#"SELECT s.id AS "id!", s.score_at AS "score_at!"
           FROM (SELECT p.id,
                        p.published_at + make_interval(secs => $5::float8 * 3600 * log((1 + p.like_count + 2 * p.comment_count)::float8))
                            AS score_at
                 FROM posts p
                 WHERE p.status = 'published' AND p.visibility = 'public' AND p.repost_of IS NULL
                   AND p.published_at > GREATEST((SELECT covered_until FROM explore_refresh),
                                                 app_now() - make_interval(days => $6))
                   AND post_visible_to(p, $1)
                   AND post_wanted_by(p, $1) AND NOT not_interested_in(p.author_id, $1)
                   AND NOT post_from_followed(p, $1)
                   AND ($7::text IS NULL OR ($7 = 'groups' AND post_shows_open_group(p.id))
                        OR ($7 = 'plans' AND post_shows_plan(p.id)))) s
           WHERE (s.score_at, s.id) < (COALESCE($2::timestamptz, 'infinity'),
                                       COALESCE($3::uuid, 'ffffffff-ffff-ffff-ffff-ffffffffffff'))
           ORDER BY s.score_at DESC, s.id DESC
           LIMIT $4"#,
        viewer,
        at,
        after,
        limit,
        HOURS_PER_TENFOLD,
        WINDOW_DAYS,
        filter.has.map(Has::as_str)
    )
    .fetch_all(pool)
    .await?;
    let candidate = |id: Uuid, at| Candidate {
        key: Key { at, id },
        author_id: Uuid::nil(),
        shown: true,
        liked: false,
        saved: false,
        original: None,
        reposted: false,
    };
    let top = merge(
        [
            ranked.into_iter().map(|r| candidate(r.post_id, r.score_at)).collect(),
            fresh.into_iter().map(|r| candidate(r.id, r.score_at)).collect(),
        ],
        limit as usize,
    );
    let ids: Vec<Uuid> = top.iter().map(|c| c.key.id).collect();
    let rows = sqlx::query_as!(
        PostRow,
        r#"SELECT p.id, p.author_id, p.body, p.visibility, p.status, p.created_at, p.published_at, p.edited_at,
                  p.like_count, p.comment_count, p.comments_off, p.repost_of, p.quote_of, p.repost_count,
                  p.quote_count, u.username, u.display_name, u.avatar_url
           FROM posts p JOIN users u ON u.id = p.author_id
           WHERE p.id = ANY($1)"#,
        &ids
    )
    .fetch_all(pool)
    .await?;
    let keys = top.iter().map(|c| c.key).collect();
    assemble_keyed(pool, rows, keys, viewer).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posts::{editing, likes, Visibility};
    use crate::test_support::{post, user};

    async fn explore_ids(pool: &PgPool, viewer: Uuid) -> Vec<Uuid> {
        feed(pool, Some(viewer), None).await.unwrap().posts.into_iter().map(|p| p.id).collect()
    }

    async fn ranked(pool: &PgPool) -> i64 {
        sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM explore_ranking"#).fetch_one(pool).await.unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn liked_posts_rank_above_newer_ones_and_visibility_is_checked_at_read(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let bob = user(&pool, "bob").await;
        let sam = user(&pool, "sam").await;
        let loved = post(&pool, ann, "older but loved", Visibility::Public).await;
        let newer = post(&pool, bob, "newer", Visibility::Public).await;
        for i in 0..3 {
            let fan = user(&pool, &format!("fan{i}")).await;
            likes::set_like(&pool, &crate::limits::Quota::exempt(), fan, loved, true).await.unwrap();
        }
        // Before any refresh every post is scored at read.
        assert_eq!(explore_ids(&pool, sam).await, vec![loved, newer]);
        refresh(&pool).await.unwrap();
        assert_eq!(ranked(&pool).await, 2);
        assert_eq!(explore_ids(&pool, sam).await, vec![loved, newer]);

        // Published since the refresh: in Explore at once, by its score.
        let fresh = post(&pool, bob, "just now", Visibility::Public).await;
        assert_eq!(explore_ids(&pool, sam).await, vec![loved, fresh, newer]);

        // Made followers-only after the refresh: its ranking row is stale,
        // the rule at read leaves it out; the next refresh drops the row.
        editing::edit(&pool, ann, loved, "now for friends", Visibility::Followers).await.unwrap();
        assert_eq!(explore_ids(&pool, sam).await, vec![fresh, newer]);
        refresh(&pool).await.unwrap();
        assert_eq!(ranked(&pool).await, 2);
        // Nobody sees their own posts or followed accounts' posts here.
        assert_eq!(explore_ids(&pool, bob).await, Vec::<Uuid>::new());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn explore_pages_through_the_ranking_without_gaps(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let sam = user(&pool, "sam").await;
        let mut written = Vec::new();
        for i in 0..8 {
            written.push(post(&pool, ann, &format!("ranked {i}"), Visibility::Public).await);
        }
        refresh(&pool).await.unwrap();
        for i in 0..5 {
            written.push(post(&pool, ann, &format!("fresh {i}"), Visibility::Public).await);
        }
        written.reverse();
        let (mut seen, mut cursor) = (Vec::new(), None);
        loop {
            let page = feed(&pool, Some(sam), cursor).await.unwrap();
            seen.extend(page.posts.iter().map(|p| p.id));
            match page.next_cursor {
                Some(c) => cursor = Cursor::decode(&c),
                None => break,
            }
        }
        assert_eq!(seen, written);
    }
}

//! SQL owned by reposts: reposting and undoing it with the original's
//! count in the same transaction, checking what a quote may embed, and the
//! embedded cards of quotes as one reader may see them.

use std::collections::HashMap;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{excerpt, QuotedPost, RepostState};
use crate::error::{AppError, AppResult};
use crate::limits::{Action, Quota};
use crate::posts::events;
use crate::posts::{Author, PostView};

/// The message for a post that may not be shared.
const NOT_SHAREABLE: &str = "Only public posts of public accounts can be reposted or quoted.";

/// Reposts (`repost = true`) or undoes the caller's repost of `post_id`;
/// idempotent. The original row is locked, so concurrent reposts count
/// exactly. Reposting needs a post the caller may see (else `NotFound`,
/// as for a block) that may be shared (else a validation error); undoing
/// always works on one's own repost. Both count against the caller's post
/// limit (`limits`).
pub async fn set_repost(
    pool: &PgPool,
    quota: &Quota,
    user: Option<Uuid>,
    post_id: Uuid,
    repost: bool,
) -> AppResult<RepostState> {
    let user = user.ok_or(AppError::Unauthorized)?;
    let mut tx = pool.begin().await?;
    if repost {
        crate::moderation::standing::require_active(&mut *tx, user).await?;
    }
    quota.take(&mut tx, Action::Post).await?;
    let original = sqlx::query!(
        r#"SELECT p.author_id, post_visible_to(p, $2) AS "visible!", post_shareable(p) AS "shareable!"
           FROM posts p WHERE p.id = $1 FOR NO KEY UPDATE"#,
        post_id,
        user
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Post".into()))?;
    let changed = if repost {
        if !original.visible {
            return Err(AppError::NotFound("Post".into()));
        }
        if !original.shareable {
            return Err(AppError::validation("repost", NOT_SHAREABLE));
        }
        let id = sqlx::query_scalar!(
            "INSERT INTO posts (id, author_id, body, status, visibility, published_at, repost_of)
             VALUES ($1, $2, '', 'published', 'public', app_now(), $3)
             ON CONFLICT (author_id, repost_of) WHERE repost_of IS NOT NULL DO NOTHING
             RETURNING id",
            Uuid::new_v4(),
            user,
            post_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = id {
            events::publish(&mut tx, events::PUBLISHED, id, user).await?;
        }
        id.is_some()
    } else {
        let removed = sqlx::query_scalar!(
            "DELETE FROM posts WHERE author_id = $1 AND repost_of = $2 RETURNING id",
            user,
            post_id
        )
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(id) = removed {
            events::publish(&mut tx, events::DELETED, id, user).await?;
        }
        removed.is_some()
    };
    let delta: i32 = match (changed, repost) {
        (false, _) => 0,
        (true, true) => 1,
        (true, false) => -1,
    };
    let count = sqlx::query_scalar!(
        "UPDATE posts SET repost_count = repost_count + $2 WHERE id = $1 RETURNING repost_count",
        post_id,
        delta
    )
    .fetch_one(&mut *tx)
    .await?;
    if delta != 0 {
        events::publish(&mut tx, events::COUNTS_CHANGED, post_id, original.author_id).await?;
    }
    tx.commit().await?;
    Ok(RepostState { reposted: repost, repost_count: count.into() })
}

/// Checks, inside the transaction that publishes a quote, that `author`
/// may quote `quoted`, and counts the quote on it (the row is locked).
pub async fn count_quote(tx: &mut PgConnection, author: Uuid, quoted: Uuid) -> AppResult<()> {
    let original = sqlx::query!(
        r#"SELECT p.author_id, post_visible_to(p, $2) AS "visible!", post_shareable(p) AS "shareable!"
           FROM posts p WHERE p.id = $1 FOR NO KEY UPDATE"#,
        quoted,
        author
    )
    .fetch_optional(&mut *tx)
    .await?
    .filter(|o| o.visible)
    .ok_or_else(|| AppError::validation("quote", "The post you are quoting is no longer available."))?;
    if !original.shareable {
        return Err(AppError::validation("quote", NOT_SHAREABLE));
    }
    sqlx::query!("UPDATE posts SET quote_count = quote_count + 1 WHERE id = $1", quoted).execute(&mut *tx).await?;
    events::publish(tx, events::COUNTS_CHANGED, quoted, original.author_id).await
}

/// Takes a deleted quote off its original's count (in the deleting transaction).
pub async fn uncount_quote(tx: &mut PgConnection, quoted: Uuid) -> AppResult<()> {
    let author = sqlx::query_scalar!(
        "UPDATE posts SET quote_count = quote_count - 1 WHERE id = $1 AND quote_count > 0 RETURNING author_id",
        quoted
    )
    .fetch_optional(&mut *tx)
    .await?;
    match author {
        Some(author) => events::publish(tx, events::COUNTS_CHANGED, quoted, author).await,
        None => Ok(()),
    }
}

/// The embedded card of `quoted` as `viewer` may see it, for the compose
/// page; `None` when it is not there for them, or may not be quoted.
pub async fn quotable(pool: &PgPool, viewer: Uuid, quoted: Uuid) -> AppResult<Option<QuotedPost>> {
    let shareable = sqlx::query_scalar!(
        r#"SELECT post_shareable(p) AS "ok!" FROM posts p WHERE p.id = $1 AND post_visible_to(p, $2)"#,
        quoted,
        viewer
    )
    .fetch_optional(pool)
    .await?;
    if shareable != Some(true) {
        return Ok(None);
    }
    Ok(previews(pool, Some(viewer), &[quoted]).await?.remove(&quoted))
}

/// Fills in the embedded originals of the quotes among `posts` as `viewer`
/// may see them now: an original that is deleted or hidden from them (a
/// block, a private account) stays `None`, shown as unavailable. Read per
/// page, never cached, so an edit or a deletion shows at once.
pub async fn fill_quotes(pool: &PgPool, viewer: Option<Uuid>, posts: &mut [PostView]) -> AppResult<()> {
    let ids: Vec<Uuid> = posts.iter().filter_map(|p| p.quote.as_ref().map(|q| q.id)).collect();
    if ids.is_empty() {
        return Ok(());
    }
    let found = previews(pool, viewer, &ids).await?;
    for quote in posts.iter_mut().filter_map(|p| p.quote.as_mut()) {
        quote.shown = found.get(&quote.id).cloned();
    }
    Ok(())
}

async fn previews(pool: &PgPool, viewer: Option<Uuid>, ids: &[Uuid]) -> AppResult<HashMap<Uuid, QuotedPost>> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.body, p.published_at AS "published_at!", u.username, u.display_name, u.avatar_url,
                  m.url_600 AS "image_url?", m.alt AS "image_alt?"
           FROM posts p JOIN users u ON u.id = p.author_id
           LEFT JOIN LATERAL (SELECT m.url_600, m.alt FROM post_media m
                              WHERE m.post_id = p.id ORDER BY m.position LIMIT 1) m ON true
           WHERE p.id = ANY($1) AND p.status = 'published' AND post_visible_to(p, $2)"#,
        ids,
        viewer
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let quoted = QuotedPost {
                author: Author { username: r.username, display_name: r.display_name, avatar_url: r.avatar_url },
                excerpt: excerpt(&r.body),
                image_url: r.image_url,
                image_alt: r.image_alt.unwrap_or_default(),
                published_at: r.published_at,
            };
            (r.id, quoted)
        })
        .collect())
}

/// Who reposted: the reposters' names, by id.
pub async fn authors(pool: &PgPool, ids: &[Uuid]) -> AppResult<HashMap<Uuid, Author>> {
    let rows = sqlx::query!("SELECT id, username, display_name, avatar_url FROM users WHERE id = ANY($1)", ids)
        .fetch_all(pool)
        .await?;
    Ok(rows
        .into_iter()
        .map(|r| (r.id, Author { username: r.username, display_name: r.display_name, avatar_url: r.avatar_url }))
        .collect())
}

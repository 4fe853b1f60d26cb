//! SQL for comments and replies. Every read asks `post_visible_to` of the
//! post and `comment_visible_to` of each comment (and of each reply it
//! counts); every write first reads its comment the same way, so what a
//! person cannot see they cannot reply to, like, edit or moderate either.
//! Writes that change `posts.comment_count` hold the post row's lock.
//! Comments, replies and comment likes count against the writer's rate
//! limit (`limits`), taken first in their transaction.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{
    check_edit_window, comments_off_error, edit_window_open, CommentLikeState, CommentPage, CommentView, ReplyPage,
    ThreadPage, COMMENTS_PAGE, REPLIES_PAGE,
};
use crate::error::{AppError, AppResult};
use crate::limits::{Action, Quota};
use crate::posts::text::{mentions, segments, Mention};
use crate::posts::{events, Author};
use crate::social::Cursor;

fn signed_in(actor: Option<Uuid>) -> AppResult<Uuid> {
    actor.ok_or(AppError::Unauthorized)
}

fn not_found() -> AppError {
    AppError::NotFound("Comment".into())
}

/// Adds a top-level comment to a published post the commenter can see;
/// returns the post's new comment count.
pub async fn add(pool: &PgPool, quota: &Quota, actor: Option<Uuid>, post_id: Uuid, body: &str) -> AppResult<i64> {
    let author = signed_in(actor)?;
    let mut tx = pool.begin().await?;
    crate::moderation::standing::require_active(&mut *tx, author).await?;
    quota.take(&mut tx, Action::Comment).await?;
    let post = sqlx::query!(
        "SELECT p.author_id, p.comments_off FROM posts p
         WHERE p.id = $1 AND p.status = 'published' AND post_visible_to(p, $2)
         FOR NO KEY UPDATE OF p",
        post_id,
        author
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Post".into()))?;
    if post.comments_off {
        return Err(comments_off_error());
    }
    let held = held_for(&mut tx, post.author_id, author).await?;
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO comments (id, post_id, author_id, body, held, hidden_at)
         VALUES ($1, $2, $3, $4, $5, CASE WHEN $5 THEN app_now() END)",
        id,
        post_id,
        author,
        body,
        held
    )
    .execute(&mut *tx)
    .await?;
    events::acted(&mut tx, events::COMMENTED, post_id, post.author_id, author, Some(("comment_id", id))).await?;
    let count = count_changed(&mut tx, post_id, post.author_id, 1).await?;
    tx.commit().await?;
    Ok(count)
}

/// Whether a new comment by `writer` on `post_author`'s post waits for
/// approval: the post's author restricted the writer (`social::safety`).
async fn held_for(tx: &mut PgConnection, post_author: Uuid, writer: Uuid) -> AppResult<bool> {
    Ok(writer != post_author && crate::social::safety::db::restricted_by(&mut *tx, post_author, writer).await?)
}

/// A new reply: its id and its thread's top-level comment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reply {
    pub id: Uuid,
    pub root_id: Uuid,
}

/// Replies to a live comment or reply the replier can see.
pub async fn reply(pool: &PgPool, quota: &Quota, actor: Option<Uuid>, parent_id: Uuid, body: &str) -> AppResult<Reply> {
    let author = signed_in(actor)?;
    let mut tx = pool.begin().await?;
    crate::moderation::standing::require_active(&mut *tx, author).await?;
    quota.take(&mut tx, Action::Comment).await?;
    let parent = target(&mut tx, author, parent_id).await?;
    if parent.comments_off {
        return Err(comments_off_error());
    }
    let root_id = parent.root_id.unwrap_or(parent_id);
    let mut ancestors = parent.ancestors;
    ancestors.push(parent_id);
    let id = Uuid::new_v4();
    let held = held_for(&mut tx, parent.post_author, author).await?;
    sqlx::query!(
        "INSERT INTO comments (id, post_id, author_id, body, parent_id, root_id, ancestors, depth, held, hidden_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, CASE WHEN $9 THEN app_now() END)",
        id,
        parent.post_id,
        author,
        body,
        parent_id,
        root_id,
        &ancestors,
        parent.depth + 1,
        held
    )
    .execute(&mut *tx)
    .await?;
    events::acted(&mut tx, events::COMMENTED, parent.post_id, parent.post_author, author, Some(("comment_id", id)))
        .await?;
    count_changed(&mut tx, parent.post_id, parent.post_author, 1).await?;
    tx.commit().await?;
    Ok(Reply { id, root_id })
}

/// Changes the text of the writer's own comment, within the edit window of
/// the app's clock (`app_now()`); marks it edited.
pub async fn edit(pool: &PgPool, actor: Option<Uuid>, comment_id: Uuid, body: &str) -> AppResult<()> {
    let user = signed_in(actor)?;
    let mut tx = pool.begin().await?;
    crate::moderation::standing::require_active(&mut *tx, user).await?;
    let comment = target(&mut tx, user, comment_id).await?;
    if comment.author != user {
        return Err(AppError::Forbidden);
    }
    check_edit_window(comment.created_at, comment.now)?;
    sqlx::query!("UPDATE comments SET body = $2, edited_at = app_now() WHERE id = $1", comment_id, body)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(())
}

/// Deletes a comment (soft: its replies keep their place): its writer may,
/// and the post's author may remove any comment on the post.
pub async fn delete(pool: &PgPool, actor: Option<Uuid>, comment_id: Uuid) -> AppResult<()> {
    let user = signed_in(actor)?;
    let mut tx = pool.begin().await?;
    let comment = target(&mut tx, user, comment_id).await?;
    if comment.author != user && comment.post_author != user {
        return Err(AppError::Forbidden);
    }
    sqlx::query!("UPDATE comments SET deleted_at = app_now() WHERE id = $1", comment_id).execute(&mut *tx).await?;
    count_changed(&mut tx, comment.post_id, comment.post_author, -1).await?;
    tx.commit().await?;
    Ok(())
}

/// Hides (or shows again) a comment on the caller's post: hidden, it and
/// its replies are seen only by its writer and the post's author
/// (`comment_visible_to`).
pub async fn set_hidden(pool: &PgPool, actor: Option<Uuid>, comment_id: Uuid, hidden: bool) -> AppResult<()> {
    let user = signed_in(actor)?;
    let mut tx = pool.begin().await?;
    let comment = target(&mut tx, user, comment_id).await?;
    if comment.post_author != user {
        return Err(AppError::Forbidden);
    }
    sqlx::query!(
        "UPDATE comments SET hidden_at = CASE WHEN $2 THEN COALESCE(hidden_at, app_now()) END,
                             held = held AND $2
         WHERE id = $1",
        comment_id,
        hidden
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Turns comments on the caller's post off (no new comments or replies;
/// existing ones stay) or back on.
pub async fn set_comments_off(pool: &PgPool, actor: Option<Uuid>, post_id: Uuid, off: bool) -> AppResult<()> {
    let user = signed_in(actor)?;
    let mut tx = pool.begin().await?;
    let author = sqlx::query_scalar!(
        "SELECT p.author_id FROM posts p
         WHERE p.id = $1 AND p.status = 'published' AND post_visible_to(p, $2)
         FOR NO KEY UPDATE OF p",
        post_id,
        user
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Post".into()))?;
    if author != user {
        return Err(AppError::Forbidden);
    }
    sqlx::query!("UPDATE posts SET comments_off = $2 WHERE id = $1", post_id, off).execute(&mut *tx).await?;
    // Cached feed cards carry the switch: the event drops them.
    events::publish(&mut tx, events::COMMENTS_SWITCHED, post_id, author).await?;
    tx.commit().await?;
    Ok(())
}

/// Likes (`like = true`) or unlikes a live comment the viewer can see;
/// idempotent. The count moves only when a like row was really added or
/// removed, in the same transaction, so it stays exact under concurrency.
pub async fn set_like(
    pool: &PgPool,
    quota: &Quota,
    actor: Option<Uuid>,
    comment_id: Uuid,
    like: bool,
) -> AppResult<CommentLikeState> {
    let user = signed_in(actor)?;
    let mut tx = pool.begin().await?;
    quota.take(&mut tx, Action::Like).await?;
    let seen = sqlx::query!(
        r#"SELECT c.post_id, p.author_id FROM comments c JOIN posts p ON p.id = c.post_id
           WHERE c.id = $1 AND c.deleted_at IS NULL AND post_visible_to(p, $2) AND comment_visible_to(c, $2)"#,
        comment_id,
        user
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(not_found)?;
    let changed = if like {
        sqlx::query!(
            "INSERT INTO comment_likes (comment_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
            comment_id,
            user
        )
        .execute(&mut *tx)
        .await?
        .rows_affected()
    } else {
        sqlx::query!("DELETE FROM comment_likes WHERE comment_id = $1 AND user_id = $2", comment_id, user)
            .execute(&mut *tx)
            .await?
            .rows_affected()
    };
    let delta: i32 = match (changed, like) {
        (0, _) => 0,
        (_, true) => 1,
        (_, false) => -1,
    };
    let count = sqlx::query_scalar!(
        "UPDATE comments SET like_count = like_count + $2 WHERE id = $1 RETURNING like_count",
        comment_id,
        delta
    )
    .fetch_one(&mut *tx)
    .await?;
    if delta != 0 {
        let said = if like { events::COMMENT_LIKED } else { events::COMMENT_UNLIKED };
        events::acted(&mut tx, said, seen.post_id, seen.author_id, user, Some(("comment_id", comment_id))).await?;
    }
    tx.commit().await?;
    Ok(CommentLikeState { liked: like, like_count: count.into() })
}

/// A live comment someone is about to act on, read through both rules with
/// its post's row locked (writes to one post's comments take turns).
struct Target {
    author: Uuid,
    post_id: Uuid,
    post_author: Uuid,
    comments_off: bool,
    created_at: DateTime<Utc>,
    root_id: Option<Uuid>,
    ancestors: Vec<Uuid>,
    depth: i32,
    now: DateTime<Utc>,
}

async fn target(tx: &mut PgConnection, viewer: Uuid, comment_id: Uuid) -> AppResult<Target> {
    let row = sqlx::query!(
        r#"SELECT c.author_id, c.post_id, p.author_id AS post_author, p.comments_off, c.created_at,
                  c.root_id, c.ancestors, c.depth, app_now() AS "now!"
           FROM comments c JOIN posts p ON p.id = c.post_id
           WHERE c.id = $1 AND c.deleted_at IS NULL AND p.status = 'published'
             AND post_visible_to(p, $2) AND comment_visible_to(c, $2)
           FOR NO KEY UPDATE OF p, c"#,
        comment_id,
        viewer
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(not_found)?;
    Ok(Target {
        author: row.author_id,
        post_id: row.post_id,
        post_author: row.post_author,
        comments_off: row.comments_off,
        created_at: row.created_at,
        root_id: row.root_id,
        ancestors: row.ancestors,
        depth: row.depth,
        now: row.now,
    })
}

/// Moves the post's comment count by `delta` and says so to the outbox.
async fn count_changed(tx: &mut PgConnection, post_id: Uuid, post_author: Uuid, delta: i32) -> AppResult<i64> {
    let count = sqlx::query_scalar!(
        "UPDATE posts SET comment_count = comment_count + $2 WHERE id = $1 RETURNING comment_count",
        post_id,
        delta
    )
    .fetch_one(&mut *tx)
    .await?;
    events::publish(tx, events::COUNTS_CHANGED, post_id, post_author).await?;
    Ok(count.into())
}

/// A comment row as the reads return it: a deleted one without its text.
struct CommentRow {
    id: Uuid,
    parent_id: Option<Uuid>,
    root_id: Option<Uuid>,
    depth: i32,
    author_id: Uuid,
    username: String,
    display_name: String,
    avatar_url: Option<String>,
    body: String,
    created_at: DateTime<Utc>,
    deleted: bool,
    edited: bool,
    hidden: bool,
    held: bool,
    like_count: i32,
    liked: bool,
    reply_count: i64,
    removal_reason: Option<String>,
}

/// What the reader is to the post whose comments they read.
#[derive(Clone, Copy)]
struct Reader {
    viewer: Option<Uuid>,
    post_author: Uuid,
    now: DateTime<Utc>,
}

/// The post, if the viewer may see it (`post_visible_to`), and the clock.
async fn post_for(pool: &PgPool, post_id: Uuid, viewer: Option<Uuid>) -> AppResult<(Reader, bool)> {
    let post = sqlx::query!(
        r#"SELECT p.author_id, p.comments_off, app_now() AS "now!" FROM posts p
           WHERE p.id = $1 AND post_visible_to(p, $2)"#,
        post_id,
        viewer
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::NotFound("Post".into()))?;
    Ok((Reader { viewer, post_author: post.author_id, now: post.now }, post.comments_off))
}

/// A page of a visible post's threads, oldest first: each top-level comment
/// the viewer may see (a deleted one only while replies the viewer may see
/// hang under it), with the first page of its replies.
pub async fn list(
    pool: &PgPool,
    post_id: Uuid,
    viewer: Option<Uuid>,
    cursor: Option<Cursor>,
) -> AppResult<CommentPage> {
    let (reader, comments_off) = post_for(pool, post_id, viewer).await?;
    let (at, after) = (cursor.map(|c| c.at), cursor.map(|c| c.id));
    let mut roots = sqlx::query_as!(
        CommentRow,
        r#"SELECT c.id, c.parent_id, c.root_id, c.depth, c.author_id, u.username, u.display_name, u.avatar_url,
                  CASE WHEN c.deleted_at IS NULL THEN c.body ELSE '' END AS "body!",
                  c.created_at, c.deleted_at IS NOT NULL AS "deleted!", c.edited_at IS NOT NULL AS "edited!",
                  c.hidden_at IS NOT NULL AS "hidden!", c.held, c.like_count, c.removal_reason,
                  EXISTS (SELECT 1 FROM comment_likes l WHERE l.comment_id = c.id AND l.user_id = $2) AS "liked!",
                  (SELECT count(*) FROM comments r
                    WHERE r.root_id = c.id AND r.deleted_at IS NULL AND comment_visible_to(r, $2)) AS "reply_count!"
           FROM comments c JOIN users u ON u.id = c.author_id
           WHERE c.post_id = $1 AND c.parent_id IS NULL AND comment_visible_to(c, $2)
             AND (c.deleted_at IS NULL
                  OR EXISTS (SELECT 1 FROM comments r
                              WHERE r.root_id = c.id AND r.deleted_at IS NULL AND comment_visible_to(r, $2)))
             AND ($3::timestamptz IS NULL OR (c.created_at, c.id) > ($3, $4::uuid))
           ORDER BY c.created_at, c.id
           LIMIT $5"#,
        post_id,
        viewer,
        at,
        after,
        COMMENTS_PAGE + 1
    )
    .fetch_all(pool)
    .await?;
    let more = roots.len() as i64 > COMMENTS_PAGE;
    roots.truncate(COMMENTS_PAGE as usize);
    let next_cursor = if more { roots.last().map(|r| Cursor { at: r.created_at, id: r.id }.encode()) } else { None };

    let root_ids: Vec<Uuid> = roots.iter().map(|r| r.id).collect();
    let replies = sqlx::query_as!(
        CommentRow,
        r#"SELECT c.id AS "id!", c.parent_id, c.root_id, c.depth AS "depth!", c.author_id AS "author_id!",
                  u.username, u.display_name, u.avatar_url,
                  CASE WHEN c.deleted_at IS NULL THEN c.body ELSE '' END AS "body!",
                  c.created_at AS "created_at!", c.deleted_at IS NOT NULL AS "deleted!",
                  c.edited_at IS NOT NULL AS "edited!", c.hidden_at IS NOT NULL AS "hidden!",
                  c.held AS "held!", c.like_count AS "like_count!", c.removal_reason,
                  EXISTS (SELECT 1 FROM comment_likes l WHERE l.comment_id = c.id AND l.user_id = $2) AS "liked!",
                  0::bigint AS "reply_count!"
           FROM unnest($1::uuid[]) AS t(root)
           CROSS JOIN LATERAL (
               SELECT c.* FROM comments c
                WHERE c.root_id = t.root AND comment_visible_to(c, $2)
                ORDER BY c.created_at, c.id
                LIMIT $3) c
           JOIN users u ON u.id = c.author_id
           ORDER BY c.created_at, c.id"#,
        &root_ids,
        viewer,
        REPLIES_PAGE + 1
    )
    .fetch_all(pool)
    .await?;
    let mut by_root: HashMap<Uuid, Vec<CommentRow>> = HashMap::new();
    for reply in replies {
        if let Some(root) = reply.root_id {
            by_root.entry(root).or_default().push(reply);
        }
    }

    let mut threads = Vec::with_capacity(roots.len());
    for root in roots {
        let mut replies = by_root.remove(&root.id).unwrap_or_default();
        let more = replies.len() as i64 > REPLIES_PAGE;
        replies.truncate(REPLIES_PAGE as usize);
        let more_replies =
            if more { replies.last().map(|r| Cursor { at: r.created_at, id: r.id }.encode()) } else { None };
        let reply_count = root.reply_count;
        threads.push(ThreadPage {
            root: view(root, reader),
            replies: replies.into_iter().map(|r| view(r, reader)).collect(),
            reply_count,
            more_replies,
        });
    }
    let shown: Vec<&mut CommentView> =
        threads.iter_mut().flat_map(|t| std::iter::once(&mut t.root).chain(t.replies.iter_mut())).collect();
    link_mentions(pool, shown).await?;

    let total = sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM comments c
           WHERE c.post_id = $1 AND c.deleted_at IS NULL AND comment_visible_to(c, $2)"#,
        post_id,
        viewer
    )
    .fetch_one(pool)
    .await?;
    Ok(CommentPage { threads, next_cursor, total, comments_off, is_post_author: viewer == Some(reader.post_author) })
}

/// The next page of a thread's replies ("View more replies"), oldest first,
/// for a top-level comment the viewer may see on a post they may see.
pub async fn replies(
    pool: &PgPool,
    root_id: Uuid,
    viewer: Option<Uuid>,
    cursor: Option<Cursor>,
) -> AppResult<ReplyPage> {
    let post_id = sqlx::query_scalar!(
        "SELECT c.post_id FROM comments c JOIN posts p ON p.id = c.post_id
         WHERE c.id = $1 AND c.parent_id IS NULL AND post_visible_to(p, $2) AND comment_visible_to(c, $2)",
        root_id,
        viewer
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(not_found)?;
    let (reader, _) = post_for(pool, post_id, viewer).await?;
    let (at, after) = (cursor.map(|c| c.at), cursor.map(|c| c.id));
    let mut rows = sqlx::query_as!(
        CommentRow,
        r#"SELECT c.id, c.parent_id, c.root_id, c.depth, c.author_id, u.username, u.display_name, u.avatar_url,
                  CASE WHEN c.deleted_at IS NULL THEN c.body ELSE '' END AS "body!",
                  c.created_at, c.deleted_at IS NOT NULL AS "deleted!", c.edited_at IS NOT NULL AS "edited!",
                  c.hidden_at IS NOT NULL AS "hidden!", c.held, c.like_count, c.removal_reason,
                  EXISTS (SELECT 1 FROM comment_likes l WHERE l.comment_id = c.id AND l.user_id = $2) AS "liked!",
                  0::bigint AS "reply_count!"
           FROM comments c JOIN users u ON u.id = c.author_id
           WHERE c.root_id = $1 AND comment_visible_to(c, $2)
             AND ($3::timestamptz IS NULL OR (c.created_at, c.id) > ($3, $4::uuid))
           ORDER BY c.created_at, c.id
           LIMIT $5"#,
        root_id,
        viewer,
        at,
        after,
        REPLIES_PAGE + 1
    )
    .fetch_all(pool)
    .await?;
    let more = rows.len() as i64 > REPLIES_PAGE;
    rows.truncate(REPLIES_PAGE as usize);
    let next_cursor = if more { rows.last().map(|r| Cursor { at: r.created_at, id: r.id }.encode()) } else { None };
    let mut replies: Vec<CommentView> = rows.into_iter().map(|r| view(r, reader)).collect();
    link_mentions(pool, replies.iter_mut().collect()).await?;
    Ok(ReplyPage { replies, next_cursor })
}

fn view(r: CommentRow, reader: Reader) -> CommentView {
    let mine = reader.viewer == Some(r.author_id);
    let moderator = reader.viewer == Some(reader.post_author);
    let live = !r.deleted;
    CommentView {
        id: r.id,
        parent_id: r.parent_id,
        depth: r.depth,
        author: live.then_some(Author { username: r.username, display_name: r.display_name, avatar_url: r.avatar_url }),
        segments: Vec::new(),
        body: r.body,
        created_at: r.created_at,
        deleted: r.deleted,
        edited: live && r.edited,
        // Only the post's author is shown that a comment is hidden or held:
        // its writer sees it as any other.
        hidden: live && moderator && r.hidden,
        held: live && moderator && r.held,
        like_count: if live { r.like_count.into() } else { 0 },
        liked: live && r.liked,
        is_mine: live && mine,
        can_edit: live && mine && edit_window_open(r.created_at, reader.now),
        can_delete: live && (mine || moderator),
        can_moderate: live && moderator,
        // Only its writer still sees a removed comment, with the reason.
        removed: r.removal_reason.filter(|_| live && mine).map(|r| crate::moderation::removal_notice(&r)),
    }
}

/// Fills each comment's segments with the post text's parser: `@user` and
/// `$shop` link when the name exists (one query for the whole page).
async fn link_mentions(pool: &PgPool, mut comments: Vec<&mut CommentView>) -> AppResult<()> {
    comments.retain(|c| !c.deleted);
    let (mut users, mut shops) = (Vec::new(), Vec::new());
    for comment in &comments {
        for mention in mentions(&comment.body) {
            match mention {
                Mention::User(name) => users.push(name),
                Mention::Shop(handle) => shops.push(handle),
                Mention::Hashtag(_) => {}
            }
        }
    }
    let (mut known_users, mut known_shops) = (HashSet::new(), HashSet::new());
    if !users.is_empty() || !shops.is_empty() {
        let rows = sqlx::query!(
            r#"SELECT 'user' AS "kind!", username AS "name!" FROM users WHERE username = ANY($1)
               UNION ALL
               SELECT 'shop', handle FROM shops WHERE handle = ANY($2)"#,
            &users,
            &shops
        )
        .fetch_all(pool)
        .await?;
        for row in rows {
            match row.kind.as_str() {
                "user" => known_users.insert(row.name),
                _ => known_shops.insert(row.name),
            };
        }
    }
    for comment in comments {
        comment.segments = segments(&comment.body, |m| match m {
            Mention::User(name) => known_users.contains(name),
            Mention::Shop(handle) => known_shops.contains(handle),
            Mention::Hashtag(_) => true,
        });
    }
    Ok(())
}

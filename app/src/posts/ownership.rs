//! The author's lock on their own post, taken by every change to it (edits,
//! publishing, links): the row locked, `Forbidden` for anyone else.

use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::{AppError, AppResult};

/// The locked row of one of the caller's own posts.
pub struct OwnPost {
    pub status: String,
    pub body: String,
    pub visibility: String,
    /// Set on a quote post: the post it quotes.
    pub quote_of: Option<Uuid>,
}

/// Locks a post that is not deleted; `Forbidden` unless `author` wrote it.
/// A repost is not a post of one's own to change (undoing it is
/// `reposts::db::set_repost`): `NotFound`.
pub async fn lock_own_post(tx: &mut PgConnection, post_id: Uuid, author: Uuid) -> AppResult<OwnPost> {
    let row = sqlx::query!(
        "SELECT author_id, status, body, visibility, quote_of FROM posts
         WHERE id = $1 AND status <> 'deleted' AND repost_of IS NULL FOR UPDATE",
        post_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Post".into()))?;
    if row.author_id != author {
        return Err(AppError::Forbidden);
    }
    Ok(OwnPost { status: row.status, body: row.body, visibility: row.visibility, quote_of: row.quote_of })
}

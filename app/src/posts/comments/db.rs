//! SQL for comments, always checked against who may see the post.

use sqlx::PgPool;
use uuid::Uuid;

use super::{CommentPage, CommentView, COMMENTS_PAGE};
use crate::error::{AppError, AppResult};
use crate::posts::{events, Author};
use crate::social::Cursor;

/// Adds a comment to a post the commenter can see; returns the new count.
pub async fn add(pool: &PgPool, author: Uuid, post_id: Uuid, body: &str) -> AppResult<i64> {
    let mut tx = pool.begin().await?;
    let post_author = sqlx::query_scalar!(
        "SELECT p.author_id FROM posts p
         WHERE p.id = $1 AND p.status = 'published' AND post_visible_to(p, $2)
         FOR NO KEY UPDATE OF p",
        post_id,
        author
    )
    .fetch_optional(&mut *tx)
    .await?;
    let Some(post_author) = post_author else {
        return Err(AppError::NotFound("Post".into()));
    };
    sqlx::query!(
        "INSERT INTO comments (id, post_id, author_id, body) VALUES ($1, $2, $3, $4)",
        Uuid::new_v4(),
        post_id,
        author,
        body
    )
    .execute(&mut *tx)
    .await?;
    let count = sqlx::query_scalar!(
        "UPDATE posts SET comment_count = comment_count + 1 WHERE id = $1 RETURNING comment_count",
        post_id
    )
    .fetch_one(&mut *tx)
    .await?;
    events::publish(&mut tx, events::COUNTS_CHANGED, post_id, post_author).await?;
    tx.commit().await?;
    Ok(count.into())
}

/// Removes a comment: its author or the post's author may.
pub async fn delete(pool: &PgPool, user: Uuid, comment_id: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let row = sqlx::query!(
        "SELECT c.author_id, c.post_id, p.author_id AS post_author FROM comments c JOIN posts p ON p.id = c.post_id
         WHERE c.id = $1 AND c.deleted_at IS NULL FOR NO KEY UPDATE OF p, c",
        comment_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Comment".into()))?;
    if row.author_id != user && row.post_author != user {
        return Err(AppError::Forbidden);
    }
    sqlx::query!("UPDATE comments SET deleted_at = app_now() WHERE id = $1", comment_id).execute(&mut *tx).await?;
    sqlx::query!("UPDATE posts SET comment_count = comment_count - 1 WHERE id = $1", row.post_id)
        .execute(&mut *tx)
        .await?;
    events::publish(&mut tx, events::COUNTS_CHANGED, row.post_id, row.post_author).await?;
    tx.commit().await?;
    Ok(())
}

/// A page of a visible post's comments, oldest first.
pub async fn list(
    pool: &PgPool,
    post_id: Uuid,
    viewer: Option<Uuid>,
    cursor: Option<Cursor>,
) -> AppResult<CommentPage> {
    let post = crate::posts::db::post(pool, post_id, viewer).await?.ok_or_else(|| AppError::NotFound("Post".into()))?;
    let (at, after) = (cursor.map(|c| c.at), cursor.map(|c| c.id));
    let mut rows = sqlx::query!(
        r#"SELECT c.id, c.author_id, c.body, c.created_at, u.username, u.display_name, u.avatar_url
           FROM comments c JOIN users u ON u.id = c.author_id
           WHERE c.post_id = $1 AND c.deleted_at IS NULL
             AND ($2::timestamptz IS NULL OR (c.created_at, c.id) > ($2, $3::uuid))
           ORDER BY c.created_at, c.id
           LIMIT $4"#,
        post_id,
        at,
        after,
        COMMENTS_PAGE + 1
    )
    .fetch_all(pool)
    .await?;
    let more = rows.len() as i64 > COMMENTS_PAGE;
    rows.truncate(COMMENTS_PAGE as usize);
    let next_cursor = if more { rows.last().map(|r| Cursor { at: r.created_at, id: r.id }.encode()) } else { None };
    let comments = rows
        .into_iter()
        .map(|r| CommentView {
            id: r.id,
            can_delete: viewer.is_some_and(|v| v == r.author_id || post.is_author),
            author: Author { username: r.username, display_name: r.display_name, avatar_url: r.avatar_url },
            body: r.body,
            created_at: r.created_at,
        })
        .collect();
    Ok(CommentPage { comments, next_cursor, total: post.comment_count })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posts::db::{post, publish};
    use crate::posts::Visibility;
    use crate::test_support::user;

    #[sqlx::test(migrations = "../migrations")]
    async fn comments_count_and_respect_visibility(pool: PgPool) {
        let author = user(&pool, "author").await;
        let fan = user(&pool, "fan").await;
        let stranger = user(&pool, "stranger").await;
        crate::social::db::set_follow(&pool, fan, "author", true).await.unwrap();
        let public = publish(&pool, author, "hi", Visibility::Public, &[]).await.unwrap();
        let private = publish(&pool, author, "friends", Visibility::Followers, &[]).await.unwrap();

        assert_eq!(add(&pool, stranger, public, "love it").await.unwrap(), 1);
        assert_eq!(add(&pool, fan, public, "<script>x</script>").await.unwrap(), 2);
        assert_eq!(add(&pool, stranger, private, "let me in").await.unwrap_err(), AppError::NotFound("Post".into()));
        assert_eq!(list(&pool, private, Some(stranger), None).await.unwrap_err(), AppError::NotFound("Post".into()));
        assert_eq!(add(&pool, fan, private, "hello").await.unwrap(), 1);

        let page = list(&pool, public, Some(stranger), None).await.unwrap();
        assert_eq!(
            page.comments.iter().map(|c| c.body.as_str()).collect::<Vec<_>>(),
            vec!["love it", "<script>x</script>"]
        );
        assert_eq!(page.comments.iter().map(|c| c.can_delete).collect::<Vec<_>>(), vec![true, false]);
        assert_eq!(page.total, 2);

        let fans_comment = page.comments[1].id;
        assert_eq!(delete(&pool, stranger, fans_comment).await.unwrap_err(), AppError::Forbidden);
        delete(&pool, author, fans_comment).await.unwrap(); // the post's author moderates
        assert_eq!(post(&pool, public, None).await.unwrap().unwrap().comment_count, 1);
        assert_eq!(delete(&pool, author, fans_comment).await.unwrap_err(), AppError::NotFound("Comment".into()));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn comment_pages_follow_each_other(pool: PgPool) {
        let author = user(&pool, "author").await;
        let id = publish(&pool, author, "hi", Visibility::Public, &[]).await.unwrap();
        for i in 0..(COMMENTS_PAGE + 5) {
            add(&pool, author, id, &format!("c{i}")).await.unwrap();
        }
        let first = list(&pool, id, None, None).await.unwrap();
        assert_eq!(first.comments.len() as i64, COMMENTS_PAGE);
        let next = Cursor::decode(first.next_cursor.as_deref().unwrap());
        let second = list(&pool, id, None, next).await.unwrap();
        assert_eq!(second.comments.len(), 5);
        assert!(second.next_cursor.is_none());
        assert_eq!(second.comments[4].body, format!("c{}", COMMENTS_PAGE + 4));
    }
}

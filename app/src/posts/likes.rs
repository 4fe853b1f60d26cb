//! Likes: one per person per post, with the post's counter changed in the
//! same transaction (the post row is locked, so concurrent likes never miscount).
//! A like or an unlike counts against the liker's rate limit (`limits`).

use sqlx::PgPool;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::limits::{Action, Quota};

/// Likes (`like = true`) or unlikes a post the viewer can see; idempotent.
/// Returns the post's like count afterwards.
pub async fn set_like(pool: &PgPool, quota: &Quota, user: Uuid, post_id: Uuid, like: bool) -> AppResult<i64> {
    // A repost's id likes the post it shows.
    let post_id = match super::db::post(pool, post_id, Some(user)).await? {
        Some(view) => view.id,
        None => return Err(AppError::NotFound("Post".into())),
    };
    let mut tx = pool.begin().await?;
    quota.take(&mut tx, Action::Like).await?;
    let author = sqlx::query_scalar!("SELECT author_id FROM posts WHERE id = $1 FOR NO KEY UPDATE", post_id)
        .fetch_one(&mut *tx)
        .await?;
    let changed = if like {
        sqlx::query!("INSERT INTO post_likes (post_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", post_id, user)
            .execute(&mut *tx)
            .await?
            .rows_affected()
    } else {
        sqlx::query!("DELETE FROM post_likes WHERE post_id = $1 AND user_id = $2", post_id, user)
            .execute(&mut *tx)
            .await?
            .rows_affected()
    };
    let delta: i32 = if changed == 0 {
        0
    } else if like {
        1
    } else {
        -1
    };
    let count = sqlx::query_scalar!(
        "UPDATE posts SET like_count = like_count + $2 WHERE id = $1 RETURNING like_count",
        post_id,
        delta
    )
    .fetch_one(&mut *tx)
    .await?;
    if delta != 0 {
        use super::events;
        events::publish(&mut tx, events::COUNTS_CHANGED, post_id, author).await?;
        let said = if like { events::LIKED } else { events::UNLIKED };
        events::acted(&mut tx, said, post_id, author, user, None).await?;
    }
    tx.commit().await?;
    Ok(count.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posts::{db, Visibility};
    use crate::test_support::user;

    #[sqlx::test(migrations = "../migrations")]
    async fn concurrent_likes_count_exactly(pool: PgPool) {
        let author = user(&pool, "author").await;
        let post = db::publish(&pool, author, "hi", Visibility::Public, &[]).await.unwrap();
        let mut fans = Vec::new();
        for i in 0..12 {
            fans.push(user(&pool, &format!("fan{i:02}")).await);
        }
        let tasks: Vec<_> = fans
            .iter()
            .flat_map(|&fan| [fan, fan])
            .map(|fan| {
                let pool = pool.clone();
                tokio::spawn(async move { set_like(&pool, &Quota::exempt(), fan, post, true).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(set_like(&pool, &Quota::exempt(), fans[0], post, false).await.unwrap(), 11);
        assert_eq!(set_like(&pool, &Quota::exempt(), fans[0], post, false).await.unwrap(), 11);
        let rows: i64 =
            sqlx::query_scalar!("SELECT count(*) AS \"n!\" FROM post_likes").fetch_one(&pool).await.unwrap();
        assert_eq!(rows, 11);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn nobody_likes_what_they_cannot_see(pool: PgPool) {
        let author = user(&pool, "author").await;
        let stranger = user(&pool, "stranger").await;
        let post = db::publish(&pool, author, "friends", Visibility::Followers, &[]).await.unwrap();
        assert_eq!(
            set_like(&pool, &Quota::exempt(), stranger, post, true).await.unwrap_err(),
            AppError::NotFound("Post".into())
        );
    }
}

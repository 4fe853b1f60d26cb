//! Changing a post after it was written: publishing a draft, editing the
//! text (published posts keep every earlier version) and the groups and
//! plans it links, and soft deletion.
//! Only the author may do any of it; each change runs in one transaction
//! with the post row locked.

use sqlx::PgPool;
use uuid::Uuid;

use super::card_links::CardLinks;
use super::events;
use super::ownership::lock_own_post;
use super::{validate_body, DraftSummary, History, Revision, Visibility};
use crate::error::{AppError, AppResult};

/// Publishes one of the author's drafts; publishing twice is harmless.
pub async fn publish_draft(pool: &PgPool, author: Uuid, post_id: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    crate::moderation::standing::require_active(&mut *tx, author).await?;
    let post = lock_own_post(&mut tx, post_id, author).await?;
    if post.status == "draft" {
        sqlx::query!("UPDATE posts SET status = 'published', published_at = app_now() WHERE id = $1", post_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query!("UPDATE users SET posts_count = posts_count + 1 WHERE id = $1", author).execute(&mut *tx).await?;
        if let Some(quoted) = post.quote_of {
            super::reposts::db::count_quote(&mut tx, author, quoted).await?;
        }
        events::publish(&mut tx, events::PUBLISHED, post_id, author).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Replaces the text and visibility. A published post keeps the version it
/// replaces in its history; a draft is simply overwritten.
pub async fn edit(pool: &PgPool, author: Uuid, post_id: Uuid, body: &str, visibility: Visibility) -> AppResult<()> {
    edit_with_cards(pool, author, post_id, body, visibility, None).await
}

/// `edit`, and with `cards` also the post's linked groups and plans
/// (`card_links::save`), in the same transaction: a refused link changes
/// nothing, the text included.
pub async fn edit_with_cards(
    pool: &PgPool,
    author: Uuid,
    post_id: Uuid,
    body: &str,
    visibility: Visibility,
    cards: Option<&CardLinks>,
) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    crate::moderation::standing::require_active(&mut *tx, author).await?;
    let post = lock_own_post(&mut tx, post_id, author).await?;
    let images: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM post_media WHERE post_id = $1"#, post_id)
        .fetch_one(&mut *tx)
        .await?;
    let body = validate_body(body, images as usize)?;
    if body != post.body || visibility.as_str() != post.visibility {
        if post.status == "published" {
            sqlx::query!(
                "INSERT INTO post_revisions (id, post_id, body, visibility) VALUES ($1, $2, $3, $4)",
                Uuid::new_v4(),
                post_id,
                post.body,
                post.visibility
            )
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query!(
            "UPDATE posts SET body = $2, visibility = $3,
                    edited_at = CASE WHEN status = 'published' THEN app_now() ELSE edited_at END
             WHERE id = $1",
            post_id,
            body,
            visibility.as_str()
        )
        .execute(&mut *tx)
        .await?;
        super::refs::store(&mut tx, post_id, &body).await?;
        events::publish(&mut tx, events::EDITED, post_id, author).await?;
    }
    if let Some(cards) = cards {
        // The database's side of the app's clock, in this transaction.
        let now = sqlx::query_scalar!(r#"SELECT app_now() AS "now!""#).fetch_one(&mut *tx).await?;
        if super::card_links::save(&mut tx, author, post_id, cards, now).await? {
            events::publish(&mut tx, events::LINKS_CHANGED, post_id, author).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Soft-deletes a post: it leaves every feed and page at once; the row stays
/// (orders may later point at it for attribution).
pub async fn delete(pool: &PgPool, author: Uuid, post_id: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let post = lock_own_post(&mut tx, post_id, author).await?;
    sqlx::query!("UPDATE posts SET status = 'deleted', deleted_at = app_now() WHERE id = $1", post_id)
        .execute(&mut *tx)
        .await?;
    if post.status == "published" {
        sqlx::query!("UPDATE users SET posts_count = posts_count - 1 WHERE id = $1", author).execute(&mut *tx).await?;
        if let Some(quoted) = post.quote_of {
            super::reposts::db::uncount_quote(&mut tx, quoted).await?;
        }
    }
    events::publish(&mut tx, events::DELETED, post_id, author).await?;
    tx.commit().await?;
    Ok(())
}

/// A post's versions, newest first, for anyone who may see the post.
pub async fn history(pool: &PgPool, post_id: Uuid, viewer: Option<Uuid>) -> AppResult<History> {
    let post = super::db::post(pool, post_id, viewer).await?.ok_or_else(|| AppError::NotFound("Post".into()))?;
    let older = sqlx::query!(
        "SELECT body, visibility, replaced_at FROM post_revisions WHERE post_id = $1 ORDER BY replaced_at DESC, id",
        post_id
    )
    .fetch_all(pool)
    .await?;
    let mut revisions = vec![Revision { body: post.body, visibility: post.visibility, replaced_at: None }];
    for r in older {
        revisions.push(Revision {
            body: r.body,
            visibility: Visibility::parse(&r.visibility)?,
            replaced_at: Some(r.replaced_at),
        });
    }
    Ok(History { post_id, author: post.author, revisions })
}

/// The author's drafts, newest first.
pub async fn drafts(pool: &PgPool, author: Uuid) -> AppResult<Vec<DraftSummary>> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.body, p.created_at,
                  (SELECT m.url_150 FROM post_media m WHERE m.post_id = p.id ORDER BY m.position LIMIT 1) AS image_url,
                  (SELECT count(*) FROM post_media m WHERE m.post_id = p.id) AS "images!"
           FROM posts p WHERE p.author_id = $1 AND p.status = 'draft'
           ORDER BY p.created_at DESC LIMIT 100"#,
        author
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| DraftSummary {
            id: r.id,
            excerpt: excerpt(&r.body, 140),
            image_url: r.image_url,
            images: r.images,
            created_at: r.created_at,
        })
        .collect())
}

fn excerpt(body: &str, max: usize) -> String {
    let mut out: String = body.chars().take(max).collect();
    if body.chars().count() > max {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posts::db::{home_feed, post, publish, save_draft};
    use crate::test_support::user;

    async fn posts_count(pool: &PgPool, id: Uuid) -> i32 {
        sqlx::query_scalar!("SELECT posts_count FROM users WHERE id = $1", id).fetch_one(pool).await.unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn drafts_stay_private_until_published(pool: PgPool) {
        let author = user(&pool, "author").await;
        let fan = user(&pool, "fan").await;
        crate::social::db::set_follow(&pool, &crate::limits::Quota::exempt(), fan, "author", true).await.unwrap();
        let id = save_draft(&pool, author, "coming soon", Visibility::Public, &[]).await.unwrap();

        assert!(post(&pool, id, Some(fan)).await.unwrap().is_none());
        assert!(post(&pool, id, Some(author)).await.unwrap().unwrap().is_draft);
        assert!(home_feed(&pool, fan, None).await.unwrap().posts.is_empty());
        assert_eq!(drafts(&pool, author).await.unwrap().len(), 1);
        assert_eq!(posts_count(&pool, author).await, 0);
        assert_eq!(publish_draft(&pool, fan, id).await.unwrap_err(), AppError::Forbidden);

        publish_draft(&pool, author, id).await.unwrap();
        publish_draft(&pool, author, id).await.unwrap();
        assert_eq!(posts_count(&pool, author).await, 1);
        assert!(drafts(&pool, author).await.unwrap().is_empty());
        crate::test_support::settle(&pool).await; // the relay fans the post out
        assert_eq!(home_feed(&pool, fan, None).await.unwrap().posts.len(), 1);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn edits_keep_history_and_only_the_author_edits(pool: PgPool) {
        let author = user(&pool, "author").await;
        let other = user(&pool, "other").await;
        let id = publish(&pool, author, "first", Visibility::Public, &[]).await.unwrap();

        assert_eq!(edit(&pool, other, id, "hacked", Visibility::Public).await.unwrap_err(), AppError::Forbidden);
        edit(&pool, author, id, "second #take", Visibility::Public).await.unwrap();
        edit(&pool, author, id, "second #take", Visibility::Public).await.unwrap(); // unchanged: no new version
        edit(&pool, author, id, "third", Visibility::Followers).await.unwrap();
        let err = edit(&pool, author, id, &"x".repeat(5001), Visibility::Public).await.unwrap_err();
        assert_eq!(err.field(), Some("body"));

        let h = history(&pool, id, Some(author)).await.unwrap();
        let bodies: Vec<&str> = h.revisions.iter().map(|r| r.body.as_str()).collect();
        assert_eq!(bodies, vec!["third", "second #take", "first"]);
        assert!(h.revisions[0].replaced_at.is_none());
        assert!(post(&pool, id, Some(author)).await.unwrap().unwrap().edited);
        // Now followers-only: a stranger sees neither the post nor its history.
        assert_eq!(history(&pool, id, Some(other)).await.unwrap_err(), AppError::NotFound("Post".into()));
        let refs: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM post_refs WHERE post_id = $1"#, id)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(refs, 0, "references follow the current text");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn deleted_posts_disappear_and_cannot_be_changed(pool: PgPool) {
        let author = user(&pool, "author").await;
        let other = user(&pool, "other").await;
        let id = publish(&pool, author, "oops", Visibility::Public, &[]).await.unwrap();
        assert_eq!(delete(&pool, other, id).await.unwrap_err(), AppError::Forbidden);
        delete(&pool, author, id).await.unwrap();
        assert!(post(&pool, id, Some(author)).await.unwrap().is_none());
        assert_eq!(posts_count(&pool, author).await, 0);
        assert_eq!(delete(&pool, author, id).await.unwrap_err(), AppError::NotFound("Post".into()));
        assert_eq!(
            edit(&pool, author, id, "back", Visibility::Public).await.unwrap_err(),
            AppError::NotFound("Post".into())
        );
    }
}

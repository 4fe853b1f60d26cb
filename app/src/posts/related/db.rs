//! SQL for posts about something: one query whose `about` set unions image
//! tags, text references and links, then the one visibility rule
//! (`post_visible_to`) and the one feed filter (`post_wanted_by`).

use sqlx::PgPool;
use uuid::Uuid;

use super::About;
use crate::error::{AppError, AppResult};
use crate::posts::db::{assemble, PostRow};
use crate::posts::{FeedPage, FEED_PAGE_SIZE};
use crate::social::Cursor;

/// Resolves the thing to its id, or `NotFound` if it does not exist.
async fn resolve(pool: &PgPool, about: &About) -> AppResult<(&'static str, Option<Uuid>, Option<String>)> {
    let found = |id: Option<Uuid>, what: &str| id.ok_or_else(|| AppError::NotFound(what.into()));
    Ok(match about {
        About::User(name) => {
            let id = sqlx::query_scalar!("SELECT id FROM users WHERE username = $1", name).fetch_optional(pool).await?;
            ("user", Some(found(id, "User")?), None)
        }
        About::Shop(handle) => {
            let id = sqlx::query_scalar!("SELECT id FROM shops WHERE handle = $1", handle).fetch_optional(pool).await?;
            ("shop", Some(found(id, "Shop")?), None)
        }
        About::Product(id) => ("product", Some(*id), None),
        About::Event(id) => ("event", Some(*id), None),
        About::Hashtag(tag) => ("hashtag", None, Some(tag.clone())),
    })
}

/// The posts about `about` the viewer may see. A private person's "tagged"
/// page is, like the rest of their account, for their accepted followers:
/// anyone else gets `Forbidden`.
pub async fn feed(pool: &PgPool, about: &About, viewer: Option<Uuid>, cursor: Option<Cursor>) -> AppResult<FeedPage> {
    let (kind, id, tag) = resolve(pool, about).await?;
    if let (About::User(_), Some(person)) = (about, id) {
        crate::social::db::require_account_open(pool, person, viewer, "User").await?;
    }
    let (at, after) = (cursor.map(|c| c.at), cursor.map(|c| c.id));
    let rows = sqlx::query_as!(
        PostRow,
        r#"WITH shop_products AS (
               SELECT id FROM products WHERE $1 = 'shop' AND shop_id = $2
           ), about AS (
               SELECT m.post_id FROM image_tags t JOIN post_media m ON m.id = t.media_id
               WHERE ($1 = 'user' AND t.user_id = $2) OR ($1 = 'shop' AND t.shop_id = $2)
                  OR ($1 = 'product' AND t.product_id = $2) OR t.product_id IN (SELECT id FROM shop_products)
               UNION
               SELECT r.post_id FROM post_refs r
               WHERE ($1 = 'user' AND r.user_id = $2) OR ($1 = 'shop' AND r.shop_id = $2)
                  OR ($1 = 'hashtag' AND r.hashtag = $3)
               UNION
               SELECT l.post_id FROM post_links l
               WHERE ($1 = 'product' AND l.product_id = $2) OR ($1 = 'shop' AND l.shop_id = $2)
                  OR ($1 = 'event' AND l.event_id = $2) OR l.product_id IN (SELECT id FROM shop_products)
           )
           SELECT p.id, p.author_id, p.body, p.visibility, p.status, p.created_at, p.published_at, p.edited_at,
                  p.like_count, p.comment_count, p.comments_off, p.repost_of, p.quote_of, p.repost_count,
                  p.quote_count, u.username, u.display_name, u.avatar_url
           FROM posts p JOIN users u ON u.id = p.author_id
           WHERE p.id IN (SELECT post_id FROM about) AND p.status = 'published' AND post_visible_to(p, $4)
             AND post_wanted_by(p, $4)
             AND ($5::timestamptz IS NULL OR (p.published_at, p.id) < ($5, $6::uuid))
           ORDER BY p.published_at DESC, p.id DESC
           LIMIT $7"#,
        kind,
        id,
        tag,
        viewer,
        at,
        after,
        FEED_PAGE_SIZE + 1
    )
    .fetch_all(pool)
    .await?;
    assemble(pool, rows, viewer).await
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::StoredPostImage;
    use crate::posts::links::{db as links, LinkTarget};
    use crate::posts::tags::{add as tag, TagTarget};
    use crate::posts::{db, Visibility};
    use crate::test_support::shop;
    use crate::test_support::user;

    async fn media_of(pool: &PgPool, post: Uuid) -> Uuid {
        sqlx::query_scalar!("SELECT id FROM post_media WHERE post_id = $1", post).fetch_one(pool).await.unwrap()
    }

    fn ids(page: &FeedPage) -> Vec<Uuid> {
        page.posts.iter().map(|p| p.id).collect()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn tagged_mentioned_and_linked_posts_are_about_it(pool: PgPool) {
        let maya = user(&pool, "maya").await;
        let ken = user(&pool, "ken").await;
        let stranger = user(&pool, "stranger").await;
        shop(&pool, ken, "ken_store").await;
        let img = StoredPostImage { urls: ["/a".into(), "/b".into(), "/c".into()], width: 10, height: 10 };

        let tagged = db::publish(&pool, maya, "", Visibility::Public, &[img]).await.unwrap();
        tag(&pool, maya, media_of(&pool, tagged).await, 5.0, 5.0, &TagTarget::User("ken".into())).await.unwrap();
        tag(&pool, maya, media_of(&pool, tagged).await, 9.0, 9.0, &TagTarget::Shop("ken_store".into())).await.unwrap();
        let mentioned =
            db::publish(&pool, maya, "with @ken at $ken_store #Market", Visibility::Public, &[]).await.unwrap();
        let linked = db::publish(&pool, maya, "go see", Visibility::Public, &[]).await.unwrap();
        links::add(&pool, maya, linked, &LinkTarget::Shop("ken_store".into())).await.unwrap();
        let hidden = db::publish(&pool, maya, "@ken friends only", Visibility::Followers, &[]).await.unwrap();
        db::publish(&pool, maya, "unrelated", Visibility::Public, &[]).await.unwrap();

        let about_ken = feed(&pool, &About::User("ken".into()), Some(stranger), None).await.unwrap();
        assert_eq!(ids(&about_ken), vec![mentioned, tagged]);
        let about_ken_self = feed(&pool, &About::User("ken".into()), Some(maya), None).await.unwrap();
        assert_eq!(ids(&about_ken_self), vec![hidden, mentioned, tagged]);
        let about_shop = feed(&pool, &About::Shop("ken_store".into()), None, None).await.unwrap();
        assert_eq!(ids(&about_shop), vec![linked, mentioned, tagged]);
        let hashtag = feed(&pool, &About::Hashtag("market".into()), None, None).await.unwrap();
        assert_eq!(ids(&hashtag), vec![mentioned]);
        assert_eq!(
            feed(&pool, &About::User("nobody".into()), None, None).await.unwrap_err(),
            AppError::NotFound("User".into())
        );
    }
}

//! SQL for image tags: only a post's author tags its images, at most
//! `MAX_TAGS_PER_IMAGE` per image, and only on things that exist (an active
//! product, a shop, a user).

use sqlx::PgPool;
use uuid::Uuid;

use super::{events, MAX_TAGS_PER_IMAGE};
use crate::error::{AppError, AppResult};

/// What a tag points at, as the author chose it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TagTarget {
    Product(Uuid),
    Shop(String),
    User(String),
}

impl TagTarget {
    /// From the tag form: `kind` and the product id, `$handle` or `@username`.
    pub fn parse(kind: &str, target: &str) -> Result<TagTarget, AppError> {
        let target = target.trim();
        let missing = || AppError::validation("target", "Choose what this tag points to.");
        match kind {
            "product" => Uuid::parse_str(target).map(TagTarget::Product).map_err(|_| missing()),
            "shop" if !target.is_empty() => Ok(TagTarget::Shop(target.trim_start_matches('$').to_lowercase())),
            "user" if !target.is_empty() => Ok(TagTarget::User(target.trim_start_matches('@').to_lowercase())),
            "shop" | "user" => Err(missing()),
            _ => Err(AppError::validation("kind", "Tag a product, a shop or a person.")),
        }
    }
}

/// A tag position in percent, rounded to hundredths; outside 0–100 is refused.
pub fn position(x: f64, y: f64) -> Result<(f64, f64), AppError> {
    let ok = |v: f64| v.is_finite() && (0.0..=100.0).contains(&v);
    if !ok(x) || !ok(y) {
        return Err(AppError::validation("x", "Tags must sit on the image (0–100%)."));
    }
    Ok(((x * 100.0).round() / 100.0, (y * 100.0).round() / 100.0))
}

pub async fn add(pool: &PgPool, author: Uuid, media_id: Uuid, x: f64, y: f64, target: &TagTarget) -> AppResult<Uuid> {
    let (x, y) = position(x, y)?;
    let mut tx = pool.begin().await?;
    // Locking the image row serialises concurrent tagging, so the limit holds.
    let owner = sqlx::query!(
        "SELECT p.id, p.author_id FROM post_media m JOIN posts p ON p.id = m.post_id
         WHERE m.id = $1 AND p.status <> 'deleted' FOR UPDATE OF m",
        media_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Image".into()))?;
    if owner.author_id != author {
        return Err(AppError::Forbidden);
    }
    let count: i64 = sqlx::query_scalar!("SELECT count(*) AS \"n!\" FROM image_tags WHERE media_id = $1", media_id)
        .fetch_one(&mut *tx)
        .await?;
    if count >= MAX_TAGS_PER_IMAGE as i64 {
        return Err(AppError::validation("x", format!("An image can have at most {MAX_TAGS_PER_IMAGE} tags.")));
    }
    let (kind, user_id, product_id, shop_id) = match target {
        TagTarget::Product(id) => {
            let found = sqlx::query_scalar!("SELECT id FROM products WHERE id = $1 AND status = 'active'", id)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| AppError::validation("target", "That product is not available."))?;
            ("product", None, Some(found), None)
        }
        TagTarget::Shop(handle) => {
            let found = sqlx::query_scalar!("SELECT id FROM shops WHERE handle = $1", handle)
                .fetch_optional(&mut *tx)
                .await?
                .ok_or_else(|| AppError::validation("target", format!("There is no shop ${handle}.")))?;
            ("shop", None, None, Some(found))
        }
        TagTarget::User(username) => {
            // Someone blocked either way can't be tagged: to the author they
            // are as if there were no such account.
            let found = sqlx::query_scalar!(
                "SELECT id FROM users WHERE username = $1 AND NOT blocked_between(id, $2)",
                username,
                author
            )
            .fetch_optional(&mut *tx)
            .await?
            .ok_or_else(|| AppError::validation("target", format!("There is no @{username}.")))?;
            ("user", Some(found), None, None)
        }
    };
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO image_tags (id, media_id, x_pct, y_pct, kind, user_id, product_id, shop_id)
         VALUES ($1, $2, $3::float8, $4::float8, $5, $6, $7, $8)",
        id,
        media_id,
        x,
        y,
        kind,
        user_id,
        product_id,
        shop_id
    )
    .execute(&mut *tx)
    .await?;
    events::publish(&mut tx, events::TAGS_CHANGED, owner.id, author).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn remove(pool: &PgPool, author: Uuid, tag_id: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let post_id = sqlx::query_scalar!(
        "DELETE FROM image_tags t USING post_media m, posts p
         WHERE t.id = $1 AND m.id = t.media_id AND p.id = m.post_id AND p.author_id = $2
         RETURNING p.id",
        tag_id,
        author
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::Forbidden)?;
    events::publish(&mut tx, events::TAGS_CHANGED, post_id, author).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves a tag to a new spot on the same image.
pub async fn move_to(pool: &PgPool, author: Uuid, tag_id: Uuid, x: f64, y: f64) -> AppResult<()> {
    let (x, y) = position(x, y)?;
    let mut tx = pool.begin().await?;
    let post_id = sqlx::query_scalar!(
        "UPDATE image_tags t SET x_pct = $3::float8, y_pct = $4::float8 FROM post_media m, posts p
         WHERE t.id = $1 AND m.id = t.media_id AND p.id = m.post_id AND p.author_id = $2 AND p.status <> 'deleted'
         RETURNING p.id",
        tag_id,
        author,
        x,
        y
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or(AppError::Forbidden)?;
    events::publish(&mut tx, events::TAGS_CHANGED, post_id, author).await?;
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::media::StoredPostImage;
    use crate::posts::{db, Visibility};
    use crate::test_support::user;

    #[test]
    fn positions_stay_on_the_image() {
        assert_eq!(position(12.345, 99.999).unwrap(), (12.35, 100.0));
        assert!(position(-0.1, 5.0).is_err());
        assert!(position(5.0, 100.01).is_err());
        assert!(position(f64::NAN, 5.0).is_err());
    }

    #[test]
    fn targets_parse() {
        assert_eq!(TagTarget::parse("shop", "$Nairobi_Threads").unwrap(), TagTarget::Shop("nairobi_threads".into()));
        assert_eq!(TagTarget::parse("user", "@Maya").unwrap(), TagTarget::User("maya".into()));
        assert!(TagTarget::parse("product", "not-a-uuid").is_err());
        assert!(TagTarget::parse("event", "x").is_err());
    }

    async fn post_with_image(pool: &PgPool, author: Uuid) -> Uuid {
        let img = StoredPostImage { urls: ["/a".into(), "/b".into(), "/c".into()], width: 100, height: 100 };
        let post = db::publish(pool, author, "", Visibility::Public, &[img]).await.unwrap();
        sqlx::query_scalar!("SELECT id FROM post_media WHERE post_id = $1", post).fetch_one(pool).await.unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn only_the_author_tags_and_only_real_things(pool: PgPool) {
        let author = user(&pool, "author").await;
        let other = user(&pool, "other").await;
        let media = post_with_image(&pool, author).await;
        add(&pool, author, media, 30.0, 40.0, &TagTarget::User("other".into())).await.unwrap();
        assert_eq!(
            add(&pool, other, media, 1.0, 1.0, &TagTarget::User("author".into())).await.unwrap_err(),
            AppError::Forbidden
        );
        assert_eq!(
            add(&pool, author, media, 1.0, 1.0, &TagTarget::Product(Uuid::new_v4())).await.unwrap_err().field(),
            Some("target")
        );
        assert!(add(&pool, author, media, 101.0, 1.0, &TagTarget::User("other".into())).await.is_err());
        let tags: Vec<f64> =
            sqlx::query_scalar!("SELECT x_pct::float8 AS \"x!\" FROM image_tags").fetch_all(&pool).await.unwrap();
        assert_eq!(tags, vec![30.0]);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn twenty_tags_per_image_at_most(pool: PgPool) {
        let author = user(&pool, "author").await;
        user(&pool, "friend").await;
        let media = post_with_image(&pool, author).await;
        for i in 0..20 {
            add(&pool, author, media, i as f64, 50.0, &TagTarget::User("friend".into())).await.unwrap();
        }
        let err = add(&pool, author, media, 99.0, 50.0, &TagTarget::User("friend".into())).await.unwrap_err();
        assert_eq!(err.to_string(), "An image can have at most 20 tags.");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn only_the_author_removes_tags(pool: PgPool) {
        let author = user(&pool, "author").await;
        let other = user(&pool, "other").await;
        let media = post_with_image(&pool, author).await;
        let tag = add(&pool, author, media, 10.0, 10.0, &TagTarget::User("other".into())).await.unwrap();
        assert_eq!(remove(&pool, other, tag).await.unwrap_err(), AppError::Forbidden);
        assert_eq!(move_to(&pool, other, tag, 50.0, 50.0).await.unwrap_err(), AppError::Forbidden);
        assert!(move_to(&pool, author, tag, 50.0, 100.5).await.is_err());
        move_to(&pool, author, tag, 62.5, 37.25).await.unwrap();
        let at =
            sqlx::query!("SELECT x_pct::float8 AS \"x!\", y_pct::float8 AS \"y!\" FROM image_tags WHERE id = $1", tag)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!((at.x, at.y), (62.5, 37.25));
        remove(&pool, author, tag).await.unwrap();
    }
}

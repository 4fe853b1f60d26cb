//! Creating a post from the compose form. Every image is checked, decoded
//! and resized before any file is written, and the files go again if the
//! post can't be saved (an invitation to co-author it refused among the
//! reasons, and a group or plan it may not link), so a refused post leaves
//! nothing on disk.

use std::path::Path;

use sqlx::PgPool;
use uuid::Uuid;

use super::card_links::CardLinks;
use super::Visibility;
use crate::error::AppResult;
use crate::limits::Quota;
use crate::media;

/// A post as the compose form sends it, its text already validated.
#[derive(Debug, Clone, Copy)]
pub struct NewPost<'a> {
    pub author: Uuid,
    pub body: &'a str,
    pub visibility: Visibility,
    /// Saved as a draft (to tag before publishing) rather than published.
    pub draft: bool,
    /// The post it quotes (`posts::reposts`), if any.
    pub quote_of: Option<Uuid>,
    /// Usernames invited to co-author it (`collabs::parse_usernames`).
    pub collaborators: &'a [String],
    /// The group deals and installment plans it shows (`card_links`).
    pub cards: &'a CardLinks,
}

/// Stores the images of `post` under `media_dir` and saves the post with
/// them, counted against `quota` (`limits`); returns its id.
pub async fn create(
    pool: &PgPool,
    media_dir: &Path,
    quota: &Quota,
    post: NewPost<'_>,
    uploads: Vec<Vec<u8>>,
) -> AppResult<Uuid> {
    // Asked again when saving; first, so a suspended account's images are not processed.
    crate::moderation::standing::require_active(pool, post.author).await?;
    let images = media::store_post_images(media_dir, super::POST_IMAGES, uploads).await?;
    let saved = super::db::create_linked(pool, quota, &post, &images).await;
    media::keep_if_saved(media_dir, &media::post_image_urls(&images), saved).await
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::error::AppError;
    use crate::media::samples::{jpeg, png};
    use crate::test_support::user;

    fn files(dir: &Path) -> Vec<PathBuf> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
        entries.flatten().flat_map(|e| if e.path().is_dir() { files(&e.path()) } else { vec![e.path()] }).collect()
    }

    fn media_dir() -> PathBuf {
        std::env::temp_dir().join(format!("storefeed-compose-{}", Uuid::new_v4()))
    }

    async fn posts(pool: &PgPool) -> i64 {
        sqlx::query_scalar!("SELECT count(*) AS \"n!\" FROM posts").fetch_one(pool).await.unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_post_refused_for_its_last_image_leaves_no_files(pool: PgPool) {
        let dir = media_dir();
        let author = user(&pool, "ann").await;
        let post = NewPost {
            author,
            body: "three photos",
            visibility: Visibility::Public,
            draft: false,
            quote_of: None,
            collaborators: &[],
            cards: &CardLinks::default(),
        };
        let cut = jpeg(120, 90);
        let uploads = vec![png(120, 90), jpeg(90, 120), cut[..cut.len() - 30].to_vec()];
        let err = create(&pool, &dir, &Quota::exempt(), post, uploads).await.unwrap_err();
        assert_eq!(err.status_code(), 422);
        assert_eq!(err.to_string(), "That image is damaged or incomplete. Please upload it again.");
        assert!(files(&dir).is_empty(), "{:?}", files(&dir));
        assert_eq!(posts(&pool).await, 0);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_post_that_cannot_be_saved_takes_its_images_with_it(pool: PgPool) {
        let dir = media_dir();
        // An author who no longer exists: the images pass, the insert fails.
        let post = NewPost {
            author: Uuid::new_v4(),
            body: "gone",
            visibility: Visibility::Public,
            draft: true,
            quote_of: None,
            collaborators: &[],
            cards: &CardLinks::default(),
        };
        let err = create(&pool, &dir, &Quota::exempt(), post, vec![png(120, 90), png(90, 120)]).await.unwrap_err();
        assert_eq!(err, AppError::Internal);
        assert!(files(&dir).is_empty(), "{:?}", files(&dir));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_post_whose_invitation_is_refused_leaves_no_post_and_no_files(pool: PgPool) {
        let dir = media_dir();
        let author = user(&pool, "ann").await;
        user(&pool, "bob").await;
        let names = ["bob".to_string(), "nobody_here".to_string()];
        let post = NewPost {
            author,
            body: "with friends",
            visibility: Visibility::Public,
            draft: false,
            quote_of: None,
            collaborators: &names,
            cards: &CardLinks::default(),
        };
        let err = create(&pool, &dir, &Quota::exempt(), post, vec![png(120, 90)]).await.unwrap_err();
        assert_eq!(err, AppError::validation("collaborators", "No such account: @nobody_here."));
        assert!(files(&dir).is_empty(), "{:?}", files(&dir));
        assert_eq!(posts(&pool).await, 0);
        let invited: i64 =
            sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM post_collaborators"#).fetch_one(&pool).await.unwrap();
        assert_eq!(invited, 0, "Bob's invitation went with the post");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_saved_post_keeps_every_size_of_its_images(pool: PgPool) {
        let dir = media_dir();
        let author = user(&pool, "ann").await;
        let post = NewPost {
            author,
            body: "",
            visibility: Visibility::Followers,
            draft: false,
            quote_of: None,
            collaborators: &[],
            cards: &CardLinks::default(),
        };
        let id = create(&pool, &dir, &Quota::exempt(), post, vec![png(120, 90), jpeg(90, 120)]).await.unwrap();
        let urls = sqlx::query_scalar!("SELECT url_1200 FROM post_media WHERE post_id = $1 ORDER BY position", id)
            .fetch_all(&pool)
            .await
            .unwrap();
        assert_eq!(urls.len(), 2);
        assert_eq!(files(&dir).len(), 6);
        assert!(urls.iter().all(|u| dir.join(u.strip_prefix("/media/").unwrap()).exists()));
        let _ = std::fs::remove_dir_all(&dir);
    }
}

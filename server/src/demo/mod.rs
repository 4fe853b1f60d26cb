//! Demo data for a newcomer's first run: people who follow each other, four
//! shops with products and photo galleries, and two weeks of posts with
//! tags on the products in their photos. Loaded into an empty database, or
//! completed in one left by an older demo (only demo accounts, no demo
//! posts yet); skipped once the demo feed exists or real accounts do.
//! Every demo password is `DEMO_PASSWORD`.

mod catalog;
mod images;
mod people;
mod posts;

use std::path::Path;
use std::sync::Arc;

use anyhow::anyhow;
use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tokio::sync::Semaphore;

use app::media::{store_post_image, StoredPostImage};
use images::Scene;

pub use people::DEMO_PASSWORD;

/// Loads the demo when the database has no real accounts; `now` (the app's
/// clock) dates the demo's people, posts and promotion.
pub async fn seed_if_empty(pool: &PgPool, media_dir: &Path, now: DateTime<Utc>) -> anyhow::Result<()> {
    seed(pool, media_dir, 1.0, now).await.map(|_| ())
}

/// What one run of the seed added.
#[derive(Debug, Default, PartialEq, Eq)]
struct Added {
    products: usize,
    images: usize,
    posts: usize,
}

/// Seeds with pictures drawn at `scale` times their size (tests draw small).
async fn seed(pool: &PgPool, media_dir: &Path, scale: f32, now: DateTime<Utc>) -> anyhow::Result<Added> {
    let others: i64 = sqlx::query_scalar!(
        "SELECT count(*) AS \"n!\" FROM users WHERE right(email, char_length($1)) <> $1",
        people::EMAIL_DOMAIN
    )
    .fetch_one(pool)
    .await?;
    if others > 0 {
        tracing::info!(accounts = others, "database has real accounts: demo data not loaded");
        return Ok(Added::default());
    }
    let started = std::time::Instant::now();
    let people = people::ensure(pool, media_dir, now).await?;
    // Once the demo feed exists the shops are the owners' to change: a
    // deleted or renamed demo product must not come back at the next start.
    if posts::any(pool, &people).await? {
        tracing::info!("demo data already loaded");
        return Ok(Added::default());
    }
    let catalog = catalog::ensure(pool, media_dir, &people, scale, now).await?;
    let posts = posts::ensure(pool, media_dir, &people, &catalog.products, scale, now).await?;
    let added = Added { products: catalog.products_added, images: catalog.images_added, posts };
    tracing::info!(
        products = added.products,
        gallery_images = added.images,
        posts = added.posts,
        elapsed_ms = started.elapsed().as_millis() as u64,
        password = DEMO_PASSWORD,
        logins = %people::logins().join(", "),
        "demo data loaded"
    );
    Ok(added)
}

/// A picture stored like an upload, and where its items' tag spots are.
struct Snapshot {
    stored: StoredPostImage,
    spots: Vec<[(f64, f64); 2]>,
}

/// Draws the scenes on every core and stores them like uploaded photos (in
/// the 150/600/1200 sizes under the media directory), in order.
async fn photograph(media_dir: &Path, scenes: Vec<Scene>) -> anyhow::Result<Vec<Snapshot>> {
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let permits = Arc::new(Semaphore::new(cores));
    let tasks: Vec<_> = scenes
        .into_iter()
        .map(|scene| {
            let (dir, permits) = (media_dir.to_path_buf(), permits.clone());
            tokio::spawn(async move {
                let _permit = permits.acquire_owned().await?;
                let (jpeg, spots) = tokio::task::spawn_blocking(move || {
                    let picture = scene.render();
                    images::jpeg(&picture.image).map(|bytes| (bytes, picture.spots))
                })
                .await??;
                let stored = store_post_image(&dir, jpeg).await.map_err(|e| anyhow!("storing a demo photo: {e}"))?;
                anyhow::Ok(Snapshot { stored, spots })
            })
        })
        .collect();
    let mut out = Vec::with_capacity(tasks.len());
    for task in tasks {
        out.push(task.await??);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::clock::Clock;

    struct TempDir(std::path::PathBuf);

    impl TempDir {
        fn new() -> TempDir {
            TempDir(std::env::temp_dir().join(format!("storefeed-demo-{}", uuid::Uuid::new_v4())))
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    async fn count(pool: &PgPool, sql: &str) -> i64 {
        sqlx::query_scalar::<_, i64>(sql).fetch_one(pool).await.unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_empty_database_gets_a_feed_with_tags_to_tap_once(pool: PgPool) {
        let media = TempDir::new();
        let added = seed(&pool, &media.0, 0.2, Clock::system().now()).await.unwrap();
        assert_eq!(added.products, 19);
        assert!(added.images >= 30, "{added:?}");
        assert!((15..=25).contains(&added.posts), "{added:?}");

        assert_eq!(count(&pool, "SELECT count(*) FROM shops").await, 4);
        let tagged = "SELECT count(DISTINCT m.post_id) FROM image_tags t JOIN post_media m ON m.id = t.media_id";
        assert!(count(&pool, tagged).await >= 15);
        let dangling = "SELECT count(*) FROM image_tags t LEFT JOIN products p ON p.id = t.product_id
                        WHERE t.kind = 'product' AND p.status IS DISTINCT FROM 'active'";
        assert_eq!(count(&pool, dangling).await, 0, "every product tag points at an active product");
        assert!(count(&pool, "SELECT count(*) FROM image_tags WHERE kind = 'shop'").await >= 3);
        assert!(count(&pool, "SELECT count(*) FROM image_tags WHERE kind = 'user'").await >= 3);
        let bare = "SELECT count(*) FROM products p WHERE NOT EXISTS (SELECT 1 FROM product_images i WHERE i.product_id = p.id)";
        assert_eq!(count(&pool, bare).await, 0, "every product has a gallery");
        assert!(count(&pool, "SELECT count(*) FROM product_variants WHERE stock_on_hand = 0").await >= 5);
        assert!(count(&pool, "SELECT count(*) FROM posts WHERE visibility = 'followers'").await >= 2);
        assert!(count(&pool, "SELECT count(*) FROM post_likes").await >= 40);
        let odd_times = "SELECT count(*) FROM posts WHERE created_at > published_at
                         OR published_at < app_now() - interval '14 days' OR published_at > app_now()";
        assert_eq!(count(&pool, odd_times).await, 0);
        assert!(count(&pool, "SELECT count(*) FROM post_refs WHERE kind = 'hashtag'").await >= 20);

        let urls: Vec<String> =
            sqlx::query_scalar("SELECT url_600 FROM post_media UNION ALL SELECT url_1200 FROM product_images")
                .fetch_all(&pool)
                .await
                .unwrap();
        for url in urls {
            let file = media.0.join(url.strip_prefix("/media/").unwrap());
            assert!(file.is_file(), "{url} was written under the media directory");
        }

        let again = seed(&pool, &media.0, 0.2, Clock::system().now()).await.unwrap();
        assert_eq!(again, Added::default(), "a second run adds nothing");
        assert_eq!(count(&pool, "SELECT count(*) FROM posts").await, added.posts as i64);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_older_demo_database_gains_only_what_it_lacks(pool: PgPool) {
        let media = TempDir::new();
        // The first demo had the accounts and two products per shop, and no posts.
        let people = people::ensure(&pool, &media.0, Clock::system().now()).await.unwrap();
        sqlx::query("DELETE FROM users WHERE username = 'shea_and_stone'").execute(&pool).await.unwrap();
        let owner = people["studio_ton"];
        let new = app::shops::db::NewShop {
            handle: "studio_ton",
            name: "Studio Ton",
            description: "",
            currency: app::money::Currency::EUR,
        };
        app::shops::db::create(&pool, owner, &new).await.unwrap();
        let shop = app::shops::db::owned_by(&pool, "studio_ton", owner).await.unwrap();
        let mug = app::catalog::db::NewProduct {
            title: "Speckled mug".into(),
            description: "350 ml, dishwasher safe.".into(),
            status: app::catalog::ProductStatus::Active,
            price: app::money::Money::new(2400, app::money::Currency::EUR),
            compare_at: None,
            stock: 12,
            options: vec![],
        };
        app::catalog::db::create_product(&pool, &shop, &mug).await.unwrap();

        let added = seed(&pool, &media.0, 0.2, Clock::system().now()).await.unwrap();
        assert_eq!(added.products, 18, "the old mug is kept, not duplicated");
        assert!(added.posts > 0);
        assert_eq!(count(&pool, "SELECT count(*) FROM products WHERE title = 'Speckled mug'").await, 1);
        assert!(count(&pool, "SELECT count(*) FROM users WHERE username = 'shea_and_stone'").await == 1);
        let mug_images = "SELECT count(*) FROM product_images i JOIN products p ON p.id = i.product_id WHERE p.title = 'Speckled mug'";
        assert!(count(&pool, mug_images).await > 0, "the old product gets a gallery");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_database_with_real_accounts_is_left_alone(pool: PgPool) {
        let media = TempDir::new();
        sqlx::query(
            "INSERT INTO users (id, username, email, password_hash, display_name)
             VALUES (gen_random_uuid(), 'someone', 'someone@example.com', 'x', 'Someone')",
        )
        .execute(&pool)
        .await
        .unwrap();
        assert_eq!(seed(&pool, &media.0, 0.2, Clock::system().now()).await.unwrap(), Added::default());
        assert_eq!(count(&pool, "SELECT count(*) FROM users").await, 1);
        assert_eq!(count(&pool, "SELECT count(*) FROM posts").await, 0);
    }
}

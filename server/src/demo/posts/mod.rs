//! Two weeks of demo posts: creators and shops photographing what they
//! wear and sell, with tags placed on the drawn products, shops and people,
//! captions that mention @people, $shops and #hashtags, and likes.

use std::collections::HashMap;
use std::path::Path;

use anyhow::{anyhow, Context};
use chrono::{DateTime, Duration, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use app::posts::tags::{self, TagTarget};
use app::posts::{db as posts_db, likes, Visibility};

use super::images::{Backdrop, Placed, Scene};

mod feed;
use feed::POSTS;

#[derive(Clone, Copy)]
enum To {
    /// A demo product, by its key in the catalog.
    Product(&'static str),
    Shop(&'static str),
    User(&'static str),
}

/// A tag on the `spot`-th tag spot (0 or 1) of the photo's `item`-th item.
struct Tag {
    item: usize,
    spot: usize,
    to: To,
}

const fn on(item: usize, to: To) -> Tag {
    Tag { item, spot: 0, to }
}

const fn beside(item: usize, to: To) -> Tag {
    Tag { item, spot: 1, to }
}

struct Photo {
    size: (u32, u32),
    backdrop: Backdrop,
    items: &'static [Placed],
    tags: &'static [Tag],
    alt: &'static str,
}

impl Photo {
    fn scene(&self) -> Scene {
        Scene { w: self.size.0, h: self.size.1, backdrop: self.backdrop, items: self.items.to_vec() }
    }
}

struct DemoPost {
    author: &'static str,
    hours_ago: i64,
    followers_only: bool,
    body: &'static str,
    photos: &'static [Photo],
    likes: &'static [&'static str],
}

/// Whether any demo account has posted (the demo feed is loaded).
pub async fn any(pool: &PgPool, people: &HashMap<&'static str, Uuid>) -> anyhow::Result<bool> {
    let authors: Vec<Uuid> = people.values().copied().collect();
    let posted: i64 = sqlx::query_scalar!("SELECT count(*) AS \"n!\" FROM posts WHERE author_id = ANY($1)", &authors)
        .fetch_one(pool)
        .await?;
    Ok(posted > 0)
}

/// Publishes the demo posts with their photos, tags and likes; returns how
/// many were written.
pub async fn ensure(
    pool: &PgPool,
    media_dir: &Path,
    people: &HashMap<&'static str, Uuid>,
    products: &HashMap<&'static str, Uuid>,
    scale: f32,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let scenes = POSTS.iter().flat_map(|p| p.photos).map(|photo| photo.scene().scaled(scale)).collect();
    let mut shots = super::photograph(media_dir, scenes).await?.into_iter();
    for (n, post) in POSTS.iter().enumerate() {
        let author = people[post.author];
        let taken = post
            .photos
            .iter()
            .map(|_| shots.next().ok_or_else(|| anyhow!("a post photo is missing")))
            .collect::<anyhow::Result<Vec<super::Snapshot>>>()?;
        let stored: Vec<_> = taken.iter().map(|s| s.stored.clone()).collect();
        let visibility = if post.followers_only { Visibility::Followers } else { Visibility::Public };
        let id = posts_db::publish(pool, author, post.body, visibility, &stored)
            .await
            .map_err(|e| anyhow!("{e}"))
            .with_context(|| format!("publishing {}'s post", post.author))?;
        // Spread over two weeks, each written a few minutes before it went out.
        let published = now - Duration::hours(post.hours_ago) - Duration::minutes((n as i64 * 17) % 50);
        let created = published - Duration::minutes(3 + (n as i64 * 7) % 25);
        sqlx::query!("UPDATE posts SET published_at = $2, created_at = $3 WHERE id = $1", id, published, created)
            .execute(pool)
            .await?;
        let media = sqlx::query_scalar!("SELECT id FROM post_media WHERE post_id = $1 ORDER BY position", id)
            .fetch_all(pool)
            .await?;
        for ((media_id, photo), shot) in media.iter().zip(post.photos).zip(&taken) {
            sqlx::query!("UPDATE post_media SET alt = $2 WHERE id = $1", media_id, photo.alt).execute(pool).await?;
            for tag in photo.tags {
                let (x, y) = shot.spots[tag.item][tag.spot];
                let target = match tag.to {
                    To::Product(key) => {
                        TagTarget::Product(*products.get(key).ok_or_else(|| anyhow!("no product {key}"))?)
                    }
                    To::Shop(handle) => TagTarget::Shop(handle.to_string()),
                    To::User(name) => TagTarget::User(name.to_string()),
                };
                tags::add(pool, author, *media_id, x, y, &target).await.map_err(|e| anyhow!("tagging: {e}"))?;
            }
        }
        for liker in post.likes {
            likes::set_like(pool, &app::limits::Quota::exempt(), people[liker], id, true)
                .await
                .map_err(|e| anyhow!("{liker} liking: {e}"))?;
        }
        // Likes trickle in over the hours after posting, never in the future.
        sqlx::query!(
            "UPDATE post_likes SET created_at = LEAST(app_now(), $2::timestamptz + make_interval(mins => 5 + abs(hashtext(user_id::text)) % 300))
             WHERE post_id = $1",
            id,
            published
        )
        .execute(pool)
        .await?;
    }
    Ok(POSTS.len())
}

/// Every post photo's scene, for previews.
#[cfg(test)]
pub fn preview_scenes() -> Vec<Scene> {
    POSTS.iter().flat_map(|p| p.photos).map(Photo::scene).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn posts_read_like_a_fortnight_of_a_real_feed() {
        assert!((15..=25).contains(&POSTS.len()));
        assert!(POSTS.iter().all(|p| p.hours_ago < 14 * 24));
        assert!(POSTS.iter().filter(|p| p.followers_only).count() >= 2);
        let with_photos = POSTS.iter().filter(|p| !p.photos.is_empty()).count();
        assert!(with_photos * 10 >= POSTS.len() * 8, "most posts have photos");
        for post in POSTS {
            assert!(post.photos.len() <= 3);
            for photo in post.photos {
                assert!(photo.tags.len() <= 4, "{}", photo.alt);
                for tag in photo.tags {
                    assert!(tag.item < photo.items.len() && tag.spot < 2, "{}", photo.alt);
                }
            }
        }
    }

    #[test]
    fn followers_only_posts_are_liked_only_by_followers() {
        // set_like refuses a post its reader cannot see; the seed would fail.
        let follows = super::super::people::follows();
        for post in POSTS.iter().filter(|p| p.followers_only) {
            for liker in post.likes {
                assert!(follows.contains(&(*liker, post.author)), "{liker} does not follow {}", post.author);
            }
        }
    }
}

//! Who wrote each post, for the impressions the feed reports: a post's
//! author never changes, so answers are kept in memory for a few minutes
//! and most reports need no query (an unpublished post stops counting once
//! its entry expires).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::PgPool;
use uuid::Uuid;

use crate::error::AppResult;

/// How long an answer is trusted, published or not.
const TTL: Duration = Duration::from_secs(300);
/// Entries kept before the cache starts over (bounded memory).
const CAPACITY: usize = 200_000;

/// A post's author if it is published, and when that was looked up.
type Entry = (Option<Uuid>, Instant);

/// Cheap to clone; shared by every request.
#[derive(Clone, Default)]
pub struct PostAuthors {
    known: Arc<Mutex<HashMap<Uuid, Entry>>>,
}

impl PostAuthors {
    /// The authors of the published posts among `ids`, in `ids`' order
    /// (others are dropped).
    pub async fn published(&self, pool: &PgPool, ids: &[Uuid]) -> AppResult<Vec<(Uuid, Uuid)>> {
        let now = Instant::now();
        let mut missing = Vec::new();
        let mut answers: HashMap<Uuid, Option<Uuid>> = HashMap::with_capacity(ids.len());
        if let Ok(known) = self.known.lock() {
            for id in ids {
                match known.get(id) {
                    Some((author, at)) if now.duration_since(*at) < TTL => {
                        answers.insert(*id, *author);
                    }
                    _ => missing.push(*id),
                }
            }
        } else {
            missing.extend_from_slice(ids);
        }
        if !missing.is_empty() {
            let found = super::db::published_authors(pool, &missing).await?;
            let mut fresh: Vec<(Uuid, Option<Uuid>)> = missing.iter().map(|id| (*id, found.get(id).copied())).collect();
            if let Ok(mut known) = self.known.lock() {
                if known.len() + fresh.len() > CAPACITY {
                    known.clear();
                }
                for (id, author) in &fresh {
                    known.insert(*id, (*author, now));
                }
            }
            answers.extend(fresh.drain(..));
        }
        Ok(ids.iter().filter_map(|id| answers.get(id).copied().flatten().map(|author| (*id, author))).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::user;

    #[sqlx::test(migrations = "../migrations")]
    async fn published_posts_answer_from_memory_after_the_first_lookup(pool: PgPool) {
        let author = user(&pool, "author").await;
        let post = Uuid::new_v4();
        sqlx::query("INSERT INTO posts (id, author_id, status, published_at) VALUES ($1, $2, 'published', app_now())")
            .bind(post)
            .bind(author)
            .execute(&pool)
            .await
            .unwrap();
        let unknown = Uuid::new_v4();
        let authors = PostAuthors::default();
        assert_eq!(authors.published(&pool, &[unknown, post]).await.unwrap(), vec![(post, author)]);
        // The post is gone from the database, but the answer is remembered.
        sqlx::query("UPDATE posts SET status = 'deleted' WHERE id = $1").bind(post).execute(&pool).await.unwrap();
        assert_eq!(authors.published(&pool, &[post, unknown]).await.unwrap(), vec![(post, author)]);
        assert!(PostAuthors::default().published(&pool, &[post]).await.unwrap().is_empty(), "a fresh cache asks again");
    }
}

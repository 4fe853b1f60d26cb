//! The sweep of orphan media: files under the media directory that no row
//! names (images of a save that failed after they were written and whose
//! cleanup was cut short by a crash, a replaced avatar whose removal failed,
//! a half-written `.part` file). Uploads write their files a moment before
//! the row naming them commits, so a file goes only when it is older than
//! the grace period by the app's clock *and* was already unreferenced at the
//! previous sweep: two sweeps can't both fall inside that moment, even on a
//! test server whose clock was moved forward.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Duration;

use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::PgPool;

use crate::error::{AppError, AppResult};

/// How old an unreferenced file must be before it may go.
pub const DEFAULT_GRACE: Duration = Duration::from_secs(3600);

/// Remembers, between runs, which files were unreferenced last time.
#[derive(Debug)]
pub struct Sweeper {
    grace: Duration,
    suspects: HashSet<PathBuf>,
}

/// What one sweep did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Swept {
    /// Files removed.
    pub removed: usize,
    /// Old unreferenced files seen for the first time, removed next sweep
    /// if still unreferenced.
    pub suspected: usize,
}

impl Sweeper {
    pub fn new(grace: Duration) -> Self {
        Sweeper { grace, suspects: HashSet::new() }
    }

    /// Sweeps `media_dir` at `now` (the app's clock). A missing directory
    /// (nothing uploaded yet) is nothing to do.
    pub async fn sweep(&mut self, pool: &PgPool, media_dir: &Path, now: DateTime<Utc>) -> AppResult<Swept> {
        let cutoff = now - chrono::Duration::from_std(self.grace).unwrap_or_else(|_| chrono::Duration::hours(1));
        let dir = media_dir.to_path_buf();
        let files = tokio::task::spawn_blocking(move || old_files(&dir, cutoff)).await.map_err(|e| {
            tracing::error!(error = %e, "listing media files failed");
            AppError::Internal
        })?;
        let mut unreferenced: HashMap<String, PathBuf> =
            files.into_iter().map(|rel| (format!("/media/{}", url_path(&rel)), rel)).collect();
        if !unreferenced.is_empty() {
            let mut referenced = referenced_urls(pool);
            while let Some(url) = referenced.try_next().await? {
                unreferenced.remove(&url);
            }
        }
        let mut swept = Swept::default();
        let mut suspects = HashSet::new();
        for rel in unreferenced.into_values() {
            if self.suspects.contains(&rel) {
                match tokio::fs::remove_file(media_dir.join(&rel)).await {
                    Ok(()) => swept.removed += 1,
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                    Err(e) => tracing::warn!(error = %e, file = %rel.display(), "removing an orphan media file failed"),
                }
            } else {
                swept.suspected += 1;
                suspects.insert(rel);
            }
        }
        self.suspects = suspects;
        Ok(swept)
    }
}

/// Every media URL a row names. New columns holding media URLs belong here.
fn referenced_urls(pool: &PgPool) -> impl futures_util::Stream<Item = Result<String, sqlx::Error>> + '_ {
    sqlx::query_scalar!(
        r#"SELECT url AS "url!" FROM (
               SELECT unnest(ARRAY[url_150, url_600, url_1200]) AS url FROM post_media
               UNION ALL SELECT unnest(ARRAY[url_150, url_600, url_1200]) FROM product_images
               UNION ALL SELECT unnest(ARRAY[image_url_600, image_url_1200]) FROM events
               UNION ALL SELECT unnest(ARRAY[avatar_url, cover_url]) FROM users
               UNION ALL SELECT unnest(ARRAY[logo_url, cover_url]) FROM shops
           ) refs
           WHERE url LIKE '/media/%'"#
    )
    .fetch(pool)
}

/// Files under `root` last modified before `cutoff`, as paths relative to
/// it. Symbolic links are neither followed nor listed.
fn old_files(root: &Path, cutoff: DateTime<Utc>) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut dirs = vec![PathBuf::new()];
    while let Some(rel) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(root.join(&rel)) else { continue };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else { continue };
            let path = rel.join(entry.file_name());
            if meta.is_dir() {
                dirs.push(path);
            } else if meta.is_file() {
                let modified = meta.modified().map(DateTime::<Utc>::from);
                if modified.is_ok_and(|m| m <= cutoff) {
                    found.push(path);
                }
            }
        }
    }
    found
}

/// A relative path as it appears in a URL (`posts/x.jpg`).
fn url_path(rel: &Path) -> String {
    rel.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

#[cfg(test)]
mod tests {
    use std::time::SystemTime;

    use uuid::Uuid;

    use super::*;
    use crate::media::images::samples::png;
    use crate::media::ImageLimits;
    use crate::test_support::user;

    fn age(path: &Path, by: chrono::Duration, now: DateTime<Utc>) {
        let file = std::fs::File::options().write(true).open(path).unwrap();
        file.set_modified(SystemTime::from(now - by)).unwrap();
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_sweeper_removes_old_unreferenced_files_and_keeps_the_rest(pool: PgPool) {
        let dir = std::env::temp_dir().join(format!("storefeed-sweep-{}", Uuid::new_v4()));
        let now = crate::clock::Clock::system().now();
        let limits = ImageLimits::post_images("images", 10);
        // A post's images (referenced), an avatar (referenced), and an
        // upload whose save never happened (unreferenced), all two hours old.
        let posted = crate::media::store_post_images(&dir, limits, vec![png(40, 30)]).await.unwrap();
        let author = user(&pool, "ann").await;
        crate::posts::db::publish(&pool, author, "hello", crate::posts::Visibility::Public, &posted).await.unwrap();
        let avatar =
            crate::media::store_profile_image(&dir, crate::media::ProfileImageKind::Avatar, png(40, 40)).await.unwrap();
        crate::social::db::set_avatar(&pool, author, &avatar).await.unwrap();
        let orphan = crate::media::store_post_images(&dir, limits, vec![png(40, 30)]).await.unwrap();
        let leftover = dir.join("posts/.half-written.jpg.part");
        std::fs::write(&leftover, b"half").unwrap();
        let path = |url: &str| dir.join(url.strip_prefix("/media/").unwrap());
        for url in crate::media::post_image_urls(&posted).into_iter().chain(crate::media::post_image_urls(&orphan)) {
            age(&path(url), chrono::Duration::hours(2), now);
        }
        age(&path(&avatar), chrono::Duration::hours(2), now);
        age(&leftover, chrono::Duration::hours(2), now);
        // An upload a minute old whose row isn't there yet.
        let young = crate::media::store_post_images(&dir, limits, vec![png(40, 30)]).await.unwrap();

        let mut sweeper = Sweeper::new(DEFAULT_GRACE);
        let first = sweeper.sweep(&pool, &dir, now).await.unwrap();
        assert_eq!(first, Swept { removed: 0, suspected: 4 }, "first seen: the orphan's three sizes and the .part");
        let second = sweeper.sweep(&pool, &dir, now + chrono::Duration::minutes(10)).await.unwrap();
        assert_eq!(second.removed, 4);
        for url in crate::media::post_image_urls(&orphan) {
            assert!(!path(url).exists(), "{url} is an orphan");
        }
        assert!(!leftover.exists());
        for url in crate::media::post_image_urls(&posted).into_iter().chain(crate::media::post_image_urls(&young)) {
            assert!(path(url).exists(), "{url} is referenced or young");
        }
        assert!(path(&avatar).exists());

        // A file referenced by the time of the second look is kept.
        let late = crate::media::store_post_images(&dir, limits, vec![png(40, 30)]).await.unwrap();
        for url in crate::media::post_image_urls(&late) {
            age(&path(url), chrono::Duration::hours(2), now);
        }
        assert_eq!(sweeper.sweep(&pool, &dir, now).await.unwrap().suspected, 3);
        crate::posts::db::save_draft(&pool, author, "late", crate::posts::Visibility::Public, &late).await.unwrap();
        assert_eq!(sweeper.sweep(&pool, &dir, now).await.unwrap(), Swept::default());
        assert!(crate::media::post_image_urls(&late).iter().all(|url| path(url).exists()));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_missing_media_directory_is_nothing_to_sweep(pool: PgPool) {
        let dir = std::env::temp_dir().join(format!("storefeed-none-{}", Uuid::new_v4()));
        let mut sweeper = Sweeper::new(DEFAULT_GRACE);
        assert_eq!(sweeper.sweep(&pool, &dir, crate::clock::Clock::system().now()).await.unwrap(), Swept::default());
    }
}

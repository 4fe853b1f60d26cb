//! Home timelines: a reader's feed is read from their own `timelines` rows
//! (written when a post goes out, for authors under `FANOUT_LIMIT`
//! followers), merged at read with the posts of bigger accounts they follow
//! and their own; below the timeline's horizon (before it was built) the
//! posts of the accounts they follow are read directly. Who may see a post
//! is still decided at read by the one rule (`post_visible_to`), and a row
//! of an account no longer followed is skipped: a timeline row grants
//! nothing. This file holds the pure paging rules; `db` the SQL and the
//! outbox consumer that maintains the rows.

pub mod db;

use chrono::{DateTime, Utc};
use uuid::Uuid;

/// Authors with at least this many followers are merged at read instead of
/// fanned out: fan-out writes at most this many rows per post, and a reader
/// pays one index probe per such account they follow.
pub const FANOUT_LIMIT: i32 = 5_000;
/// A rebuilt timeline holds the last 30 days of the accounts followed…
pub const REBUILD_DAYS: i32 = 30;
/// …but at most this many posts (then its horizon is the oldest of them).
pub const REBUILD_MAX: i64 = 1_000;
/// A new follow copies at most this many of the account's recent posts.
pub const BACKFILL_MAX: i64 = 200;
/// A page of posts the reader may not see (stale rows) is skipped, up to
/// this many times, so a page is never empty while there is more.
pub const MAX_SCANS: usize = 4;

/// The feed's order, newest first: (published_at, id), as the cursor has it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

/// A post that may go on the page.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Candidate {
    pub key: Key,
    pub author_id: Uuid,
    /// The reader may see it and follows its author or a co-author (or is
    /// one of them): `post_from_followed`.
    pub shown: bool,
    pub liked: bool,
    /// The reader saved it (`posts::bookmarks`).
    pub saved: bool,
    /// A repost: the post it shows (`liked`, `saved` and `reposted` are of that post).
    pub original: Option<Uuid>,
    /// The reader has reposted the post shown.
    pub reposted: bool,
}

/// Merges candidate lists (each newest first) into one, newest first, each
/// post once, at most `limit`.
pub fn merge(lists: impl IntoIterator<Item = Vec<Candidate>>, limit: usize) -> Vec<Candidate> {
    let mut all: Vec<Candidate> = lists.into_iter().flatten().collect();
    all.sort_by_key(|c| std::cmp::Reverse(c.key));
    let mut seen = std::collections::HashSet::new();
    all.retain(|c| seen.insert(c.key.id));
    all.truncate(limit);
    all
}

/// Whether posts from before the timeline's horizon can be on this page:
/// the timeline is complete at and after `horizon`, so only when fewer than
/// `limit` candidates lie there.
pub fn needs_older(merged: &[Candidate], horizon: Key, limit: usize) -> bool {
    merged.iter().filter(|c| c.key >= horizon).count() < limit
}

/// One page of the feed from `page_size + 1` merged candidates: the ones
/// the reader may see among the first `page_size`, and where the next page
/// starts (after the last candidate looked at, shown or not).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub shown: Vec<Candidate>,
    pub next: Option<Key>,
}

pub fn page(mut candidates: Vec<Candidate>, page_size: usize) -> Page {
    let more = candidates.len() > page_size;
    candidates.truncate(page_size);
    let next = if more { candidates.last().map(|c| c.key) } else { None };
    Page { shown: candidates.into_iter().filter(|c| c.shown).collect(), next }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64, n: u128) -> Candidate {
        Candidate {
            key: Key { at: DateTime::from_timestamp(secs, 0).unwrap(), id: Uuid::from_u128(n) },
            author_id: Uuid::from_u128(1000 + n),
            shown: true,
            liked: false,
            saved: false,
            original: None,
            reposted: false,
        }
    }

    fn ids(cs: &[Candidate]) -> Vec<u128> {
        cs.iter().map(|c| c.key.id.as_u128()).collect()
    }

    #[test]
    fn merged_lists_come_newest_first_each_post_once() {
        let timeline = vec![at(50, 5), at(30, 3), at(10, 1)];
        // A big account's posts, one of them also in the timeline (it was
        // fanned out before the account grew).
        let merged_at_read = vec![at(40, 4), at(30, 3), at(20, 2)];
        assert_eq!(ids(&merge([timeline, merged_at_read], 10)), vec![5, 4, 3, 2, 1]);
    }

    #[test]
    fn merging_keeps_the_limit_and_breaks_ties_by_id() {
        let a = vec![at(10, 1), at(10, 3)];
        let b = vec![at(10, 2)];
        assert_eq!(ids(&merge([a, b], 2)), vec![3, 2]);
    }

    #[test]
    fn older_posts_are_read_only_when_the_timeline_runs_short() {
        let horizon = at(20, 0).key;
        let full = vec![at(50, 5), at(40, 4), at(30, 3)];
        assert!(!needs_older(&full, horizon, 3));
        let crossing = vec![at(50, 5), at(40, 4), at(10, 1)];
        assert!(needs_older(&crossing, horizon, 3));
        assert!(needs_older(&[], horizon, 3));
        // The horizon key itself is inside the timeline.
        assert!(!needs_older(&[at(20, 0)], horizon, 1));
    }

    #[test]
    fn a_page_skips_what_the_reader_may_not_see_but_pages_past_it() {
        let mut hidden = at(40, 4);
        hidden.shown = false;
        let page = page(vec![at(50, 5), hidden, at(30, 3)], 2);
        assert_eq!(ids(&page.shown), vec![5]);
        assert_eq!(page.next, Some(hidden.key), "the next page starts after the hidden post");
        let last = super::page(vec![at(50, 5)], 2);
        assert_eq!(last.next, None);
    }
}

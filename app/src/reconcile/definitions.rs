//! What each counter counts, in SQL: the one place that says which source
//! rows make up a stored counter. Each definition is the rule its write
//! paths keep, read from them (see `Counter::counts`):
//!
//! * `posts.like_count`: `post_likes` rows (`posts::likes`);
//! * `posts.comment_count`: comments and replies with `deleted_at` unset,
//!   hidden, held and removed ones included: adding one counts it, deleting
//!   it uncounts it, and hiding, holding or an admin's removal leave the
//!   count alone (`posts::comments::db`, `moderation::db::remove`);
//! * `posts.repost_count`: posts with `repost_of` set to it (undoing a
//!   repost deletes its row, `posts::reposts::db::set_repost`);
//! * `posts.quote_count`: published posts quoting it (a draft is counted
//!   when it is published, a quote uncounted when deleted);
//! * `posts.bookmark_count`: `bookmarks` rows (`posts::bookmarks::db`);
//! * `comments.like_count`: `comment_likes` rows;
//! * `users.followers_count` / `following_count`: accepted follows (a
//!   pending request is counted when accepted, `social::requests`);
//! * `users.posts_count`: the account's published posts, reposts not
//!   included (a repost never counts, `posts::editing`);
//! * `notification_inboxes.unread`: the recipient's notifications with
//!   `read_at` unset; fixing it also bumps the inbox's `version`, as every
//!   change to it does, so a page's older count loses to the fixed one.
//!
//! The SQL is assembled from these fixed fragments (never from input) and
//! run unchecked by the macros: the ten counters share one algorithm
//! (`fix.rs`), and the database tests run every one of them.

use super::Counter;

/// A stored counter: the table holding it and the rows it counts.
pub(super) struct Definition {
    pub counter: Counter,
    /// The table holding the counter, aliased `t` in the statements.
    pub table: &'static str,
    /// Its key column (a uuid).
    pub key: &'static str,
    /// The counter column.
    pub column: &'static str,
    /// The rows counted, aliased `s`.
    pub source: &'static str,
    /// The source column naming the counter's row.
    pub source_key: &'static str,
    /// Which source rows count (`true` for all).
    pub filter: &'static str,
    /// More assignments made with a fix (`, version = t.version + 1`).
    pub also_set: &'static str,
    /// Whether a fix publishes `post.counts_changed`: the feed card cache
    /// holds this counter.
    pub on_post_card: bool,
    /// Rows to create before checking, so a counter that should exist but
    /// has no row is found (an inbox for someone with unread notifications).
    pub ensure_rows: Option<&'static str>,
}

const fn post_counter(
    counter: Counter,
    column: &'static str,
    source: &'static str,
    source_key: &'static str,
) -> Definition {
    Definition {
        counter,
        table: "posts",
        key: "id",
        column,
        source,
        source_key,
        filter: "true",
        also_set: "",
        on_post_card: true,
        ensure_rows: None,
    }
}

/// Every counter, in `Counter::ALL`'s order.
pub(super) const DEFINITIONS: [Definition; 10] = [
    post_counter(Counter::PostLikes, "like_count", "post_likes", "post_id"),
    Definition {
        filter: "s.deleted_at IS NULL",
        ..post_counter(Counter::PostComments, "comment_count", "comments", "post_id")
    },
    post_counter(Counter::PostReposts, "repost_count", "posts", "repost_of"),
    Definition {
        filter: "s.status = 'published'",
        ..post_counter(Counter::PostQuotes, "quote_count", "posts", "quote_of")
    },
    post_counter(Counter::PostBookmarks, "bookmark_count", "bookmarks", "post_id"),
    Definition {
        counter: Counter::CommentLikes,
        table: "comments",
        key: "id",
        column: "like_count",
        source: "comment_likes",
        source_key: "comment_id",
        filter: "true",
        also_set: "",
        on_post_card: false,
        ensure_rows: None,
    },
    Definition {
        counter: Counter::UserFollowers,
        table: "users",
        key: "id",
        column: "followers_count",
        source: "follows",
        source_key: "followee_id",
        filter: "s.status = 'accepted'",
        also_set: "",
        on_post_card: false,
        ensure_rows: None,
    },
    Definition {
        counter: Counter::UserFollowing,
        table: "users",
        key: "id",
        column: "following_count",
        source: "follows",
        source_key: "follower_id",
        filter: "s.status = 'accepted'",
        also_set: "",
        on_post_card: false,
        ensure_rows: None,
    },
    Definition {
        counter: Counter::UserPosts,
        table: "users",
        key: "id",
        column: "posts_count",
        source: "posts",
        source_key: "author_id",
        filter: "s.status = 'published' AND s.repost_of IS NULL",
        also_set: "",
        on_post_card: false,
        ensure_rows: None,
    },
    Definition {
        counter: Counter::InboxUnread,
        table: "notification_inboxes",
        key: "user_id",
        column: "unread",
        source: "notifications",
        source_key: "recipient_id",
        filter: "s.read_at IS NULL",
        also_set: ", version = t.version + 1",
        on_post_card: false,
        ensure_rows: Some(
            "INSERT INTO notification_inboxes (user_id)
             SELECT DISTINCT n.recipient_id FROM notifications n WHERE n.read_at IS NULL
             ON CONFLICT (user_id) DO NOTHING",
        ),
    },
];

impl Definition {
    /// Every row's counter against a recount of all source rows at once
    /// (one hash aggregate, not a lookup per row): how many rows were
    /// checked and the keys of those that differ, in key order.
    pub fn scan_sql(&self) -> String {
        let Definition { table, key, column, source, source_key, filter, .. } = self;
        format!(
            "SELECT count(*) AS checked,
                    coalesce(array_agg(t.{key} ORDER BY t.{key})
                             FILTER (WHERE t.{column} <> coalesce(r.n, 0)), '{{}}') AS drifted
             FROM {table} t
             LEFT JOIN (SELECT s.{source_key} AS k, count(*) AS n FROM {source} s
                        WHERE {filter} GROUP BY s.{source_key}) r ON r.k = t.{key}"
        )
    }

    /// Locks the given rows that no write holds right now (`$1`, a uuid
    /// array), in key order; returns the ones locked.
    pub fn lock_sql(&self) -> String {
        let Definition { table, key, .. } = self;
        format!("SELECT t.{key} FROM {table} t WHERE t.{key} = ANY($1) ORDER BY t.{key} FOR NO KEY UPDATE SKIP LOCKED")
    }

    /// Sets each given row's counter (`$1`, locked by `lock_sql` in this
    /// transaction) to a recount, where they differ; returns the key, the
    /// value stored before, the recount, and the post's author for a post
    /// counter (else NULL).
    pub fn fix_sql(&self) -> String {
        let Definition { table, key, column, source, source_key, filter, also_set, .. } = self;
        let owner = if self.on_post_card { "t.author_id" } else { "NULL::uuid" };
        format!(
            "UPDATE {table} t SET {column} = r.actual{also_set}
             FROM (SELECT c.{key} AS k, c.{column}::bigint AS was,
                          (SELECT count(*) FROM {source} s WHERE s.{source_key} = c.{key} AND {filter}) AS actual
                   FROM {table} c WHERE c.{key} = ANY($1)) r
             WHERE t.{key} = r.k AND r.was <> r.actual
             RETURNING t.{key} AS id, r.was, r.actual AS now, {owner} AS owner"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_is_one_definition_per_counter_in_order() {
        let order: Vec<Counter> = DEFINITIONS.iter().map(|d| d.counter).collect();
        assert_eq!(order, Counter::ALL);
        for d in &DEFINITIONS {
            assert_eq!(Counter::column(d.counter), format!("{}.{}", d.table, d.column));
        }
    }

    #[test]
    fn only_post_counters_drop_feed_cards() {
        for d in &DEFINITIONS {
            assert_eq!(d.on_post_card, d.table == "posts", "{:?}", d.counter);
        }
    }
}

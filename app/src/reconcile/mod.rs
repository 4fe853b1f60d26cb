//! Counter reconciliation: every stored counter (a post's likes, comments,
//! reposts, quotes and bookmarks, a comment's likes, an account's
//! followers, following and posts, an inbox's unread notifications) is
//! recounted from its source rows; the ones that drifted are fixed and the
//! run says what it fixed. The server runs it every hour; an admin can run
//! it from `/admin/counters`, which lists the last runs.
//!
//! Counters are kept by the write paths in the transaction that changes
//! their rows, so a drift means a bug or a hand edit: the report names a
//! few fixed rows with their old and new value, to find it.

#[cfg(feature = "ssr")]
pub mod admin;
#[cfg(feature = "ssr")]
mod definitions;
#[cfg(feature = "ssr")]
mod fix;
mod report;
#[cfg(feature = "ssr")]
mod runs;

#[cfg(all(test, feature = "ssr"))]
mod db_tests;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub use fix::reconcile;
pub use report::{CounterReport, Fix, Report, EXAMPLES};
#[cfg(feature = "ssr")]
pub use runs::run_and_record;

/// One stored counter: the column, and what it counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Counter {
    PostLikes,
    PostComments,
    PostReposts,
    PostQuotes,
    PostBookmarks,
    CommentLikes,
    UserFollowers,
    UserFollowing,
    UserPosts,
    InboxUnread,
}

impl Counter {
    pub const ALL: [Counter; 10] = [
        Counter::PostLikes,
        Counter::PostComments,
        Counter::PostReposts,
        Counter::PostQuotes,
        Counter::PostBookmarks,
        Counter::CommentLikes,
        Counter::UserFollowers,
        Counter::UserFollowing,
        Counter::UserPosts,
        Counter::InboxUnread,
    ];

    /// The stored column, as an admin looks it up.
    pub fn column(self) -> &'static str {
        match self {
            Counter::PostLikes => "posts.like_count",
            Counter::PostComments => "posts.comment_count",
            Counter::PostReposts => "posts.repost_count",
            Counter::PostQuotes => "posts.quote_count",
            Counter::PostBookmarks => "posts.bookmark_count",
            Counter::CommentLikes => "comments.like_count",
            Counter::UserFollowers => "users.followers_count",
            Counter::UserFollowing => "users.following_count",
            Counter::UserPosts => "users.posts_count",
            Counter::InboxUnread => "notification_inboxes.unread",
        }
    }

    /// What the column must equal.
    pub fn counts(self) -> &'static str {
        match self {
            Counter::PostLikes => "its likes",
            Counter::PostComments => "its comments and replies not deleted (hidden, held and removed ones included)",
            Counter::PostReposts => "its reposts",
            Counter::PostQuotes => "its published quotes",
            Counter::PostBookmarks => "the bookmarks saving it",
            Counter::CommentLikes => "its likes",
            Counter::UserFollowers => "accepted follows of the account",
            Counter::UserFollowing => "accepted follows by the account",
            Counter::UserPosts => "its published posts (not reposts)",
            Counter::InboxUnread => "the recipient's unread notifications",
        }
    }
}

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Trigger {
    /// The server's hourly job.
    Schedule,
    /// An admin's "Run now".
    Admin,
}

impl Trigger {
    /// The name stored in `counter_reconciliation_runs.trigger`.
    pub fn as_str(self) -> &'static str {
        match self {
            Trigger::Schedule => "schedule",
            Trigger::Admin => "admin",
        }
    }

    pub fn parse(s: &str) -> Option<Trigger> {
        match s {
            "schedule" => Some(Trigger::Schedule),
            "admin" => Some(Trigger::Admin),
            _ => None,
        }
    }
}

/// A recorded run, as `/admin/counters` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Run {
    pub id: i64,
    pub trigger: Trigger,
    /// The admin who asked for it (their username), for an admin's run.
    pub requested_by: Option<String>,
    pub started_at: DateTime<Utc>,
    pub duration_ms: i64,
    pub report: Report,
}

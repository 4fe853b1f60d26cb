//! Rate limits on the social write actions (seed 003's table): how many
//! posts, comments, likes, follows, reports and messages one account, or
//! one address when nobody is signed in, may make in an hour, and the
//! "slow down" answer past that (`AppError::RateLimited`, a 429 with
//! `Retry-After`).
//!
//! **Why PostgreSQL and not an in-process limiter** (governor,
//! tower_governor): Storefeed runs as several server processes on one
//! database, and an in-process bucket per process would let a caller have
//! the limit once per process (and lose it at every restart). The counters
//! live in the database (`action_limits`, `db.rs`), so every instance counts
//! the same actions; they read the app's one clock (`crate::clock::Clock`),
//! so tests and the end-to-end suite can move time; and `#[sqlx::test]`
//! proves them exact. The price is two statements in a transaction the
//! action opens anyway.
//!
//! **The window** (`window.rs`): a fixed window per (action, subject) that
//! opens with the first action counted and lasts an hour; past the limit,
//! the caller waits until it closes, and the next action opens a new one.
//! So no window counts more than the limit; two windows back to back can
//! hold up to twice the limit in a short stretch around their boundary,
//! which is the usual price of a counter (a sliding log would store every
//! action) and harmless against spam.
//!
//! **Exact under concurrency, and only what was done counts**: the counter
//! is taken inside the transaction that writes the action
//! ([`Quota::take`]), first thing after it opens. Its row stays locked
//! until that transaction ends, so parallel actions of one subject take
//! turns and never count past the limit; an action refused for any reason
//! (not found, blocked, comments off, over the limit) rolls its count back
//! with it.
//!
//! **What is limited**: posts (compose, drafts included, quotes and
//! reposts, and undoing a repost: toggling one in and out of every
//! follower's feed is the abuse liking and unliking is), comments and
//! replies, likes and unlikes of posts and comments, follows and unfollows
//! (a request to a private account and its withdrawal included), and
//! reports (`moderation::db::report`, a report that replaces the
//! reporter's open one included). A repeat that changes nothing (liking a
//! liked post) still counts. Accepting or
//! declining a request someone else sent is not limited. A post's images
//! are checked and stored before its transaction opens, so a post refused
//! for the limit still costs their decoding (and its files go again).
//! Messages don't exist yet: their limit is in the table for the code that
//! will write them (`Action::Message`).
//! Every server function that writes a limited action builds its
//! [`Quota`] with [`Quota::for_caller`]; seeding and test setup use
//! [`Quota::exempt`]. Counters older than the window are purged by the
//! server's housekeeping job ([`db::purge_old`]).

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
mod quota;
#[cfg(feature = "ssr")]
pub mod window;

#[cfg(all(test, feature = "ssr"))]
mod db_tests;

#[cfg(feature = "ssr")]
pub use quota::{Quota, Subject};

/// A write that counts against a limit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Action {
    /// A new post: composed (published or a draft), a quote or a repost (or
    /// undoing a repost).
    Post,
    /// A comment or a reply.
    Comment,
    /// A like or an unlike, of a post or a comment.
    Like,
    /// A follow or an unfollow (a follow request and its withdrawal too).
    Follow,
    /// A report of a post, comment, account, shop or product.
    Report,
    /// A direct message (not built yet).
    Message,
}

impl Action {
    pub const ALL: [Action; 6] =
        [Action::Post, Action::Comment, Action::Like, Action::Follow, Action::Report, Action::Message];

    /// The name stored in `action_limits.action`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Post => "post",
            Action::Comment => "comment",
            Action::Like => "like",
            Action::Follow => "follow",
            Action::Report => "report",
            Action::Message => "message",
        }
    }
}

/// How many of each action one subject may make per hour
/// (`STOREFEED_LIMIT_<ACTION>S_PER_HOUR`, see `server/src/config.rs`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActionLimits {
    pub posts: u32,
    pub comments: u32,
    pub likes: u32,
    pub follows: u32,
    pub reports: u32,
    pub messages: u32,
}

/// Seed 003's table; it gives no number for reports, and 20 an hour is
/// more than anyone reports in good faith.
impl Default for ActionLimits {
    fn default() -> Self {
        ActionLimits { posts: 50, comments: 100, likes: 200, follows: 50, reports: 20, messages: 100 }
    }
}

impl ActionLimits {
    pub fn per_hour(&self, action: Action) -> u32 {
        match action {
            Action::Post => self.posts,
            Action::Comment => self.comments,
            Action::Like => self.likes,
            Action::Follow => self.follows,
            Action::Report => self.reports,
            Action::Message => self.messages,
        }
    }
}

/// How long to wait, as a person reads it: whole minutes rounded up, or
/// seconds under a minute ("1 second", "45 seconds", "1 minute",
/// "15 minutes"). The message of every `AppError::RateLimited`.
pub fn wait_phrase(secs: u64) -> String {
    let (n, unit) = if secs < 60 { (secs.max(1), "second") } else { (secs.div_ceil(60), "minute") };
    if n == 1 {
        format!("1 {unit}")
    } else {
        format!("{n} {unit}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::AppError;

    #[test]
    fn the_defaults_are_seed_003s_table() {
        let limits = ActionLimits::default();
        let table: Vec<(Action, u32)> = Action::ALL.iter().map(|a| (*a, limits.per_hour(*a))).collect();
        assert_eq!(
            table,
            [
                (Action::Post, 50),
                (Action::Comment, 100),
                (Action::Like, 200),
                (Action::Follow, 50),
                (Action::Report, 20),
                (Action::Message, 100)
            ]
        );
    }

    #[test]
    fn the_wait_is_told_in_minutes_rounded_up_or_seconds_under_a_minute() {
        assert_eq!(wait_phrase(0), "1 second");
        assert_eq!(wait_phrase(1), "1 second");
        assert_eq!(wait_phrase(45), "45 seconds");
        assert_eq!(wait_phrase(59), "59 seconds");
        assert_eq!(wait_phrase(60), "1 minute");
        assert_eq!(wait_phrase(61), "2 minutes");
        assert_eq!(wait_phrase(900), "15 minutes");
        assert_eq!(wait_phrase(3599), "60 minutes");
    }

    #[test]
    fn a_rate_limited_action_says_slow_down_and_when_to_try_again() {
        let slow = |secs| AppError::RateLimited { retry_after_secs: secs }.to_string();
        assert_eq!(slow(2521), "You're doing that too fast. Try again in 43 minutes.");
        assert_eq!(slow(60), "You're doing that too fast. Try again in 1 minute.");
        assert_eq!(slow(30), "You're doing that too fast. Try again in 30 seconds.");
    }
}

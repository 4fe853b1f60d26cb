//! Which notifications batch, and for how long. The grouping key is
//! (recipient, kind, entity): "@alice, @bob and 10 others liked your post"
//! is one row for the post's author, its actors listed newest first. A row
//! takes more actors while it is unread and its newest action is less than
//! `WINDOW` old (seed 003: "same type + same entity within 5 minutes"), so a
//! burst of likes is one row however long it lasts, and a like after the
//! author read the row starts a new one. An actor already in the row moves
//! to the front rather than counting twice.

use chrono::Duration;

use super::Kind;

/// How long after its newest action a row still takes more.
pub const WINDOW_MINUTES: i64 = 5;

pub fn window() -> Duration {
    Duration::minutes(WINDOW_MINUTES)
}

/// Kinds whose rows gather many actors. The rest are one row per action
/// (each comment, mention or order update is its own news), made at most
/// once per actor and object.
pub fn batches(kind: Kind) -> bool {
    matches!(
        kind,
        Kind::Follow | Kind::LikePost | Kind::LikeComment | Kind::Repost | Kind::ProductPostLike | Kind::GroupJoined
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn likes_follows_and_reposts_batch_comments_and_orders_do_not() {
        assert!(batches(Kind::LikePost));
        assert!(batches(Kind::Follow));
        assert!(batches(Kind::Repost));
        assert!(!batches(Kind::CommentPost), "each comment has its own words");
        assert!(!batches(Kind::OrderShipped));
        assert!(!batches(Kind::MentionPost));
        assert_eq!(window(), Duration::minutes(5));
    }
}

//! Conversations under posts: comments and replies to any depth (shown
//! three levels deep, see `thread`), edits within 15 minutes, likes, and the
//! post author's moderation (hide, remove, comments off).
//!
//! Who sees a comment is decided in one place, the SQL function
//! `comment_visible_to(c, viewer)` (migration `…0200_comment_threads.sql`),
//! asked by every read path in `db` (the list, a thread's replies, the
//! counts shown, a single comment before acting on it), after the post passed
//! `post_visible_to`. Blocks, restrict and muted words replace that function
//! and nothing here; the tests in `posts::visibility` walk every path.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(all(test, feature = "ssr"))]
mod db_tests;
pub mod thread;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::text::Segment;
use super::Author;
use crate::error::AppError;

pub const COMMENT_MAX: usize = 2200;
/// Top-level comments per page.
pub const COMMENTS_PAGE: i64 = 50;
/// A thread's replies per page ("View more replies" reads the next).
pub const REPLIES_PAGE: i64 = 10;
/// How long after posting its writer may still edit a comment.
pub const EDIT_WINDOW_MINUTES: i64 = 15;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: Uuid,
    /// The comment this one answers; `None` for a top-level comment.
    pub parent_id: Option<Uuid>,
    /// 0 for a top-level comment, 1 for a reply to it, and so on.
    pub depth: i32,
    /// `None` once deleted: a deleted comment keeps its place in the thread
    /// but shows neither its writer nor its text.
    pub author: Option<Author>,
    pub body: String,
    /// The body with its known `@user` and `$shop` references (and
    /// hashtags) as links, by the post text's own parser.
    pub segments: Vec<Segment>,
    pub created_at: DateTime<Utc>,
    pub deleted: bool,
    pub edited: bool,
    /// Hidden by the post's author: only its writer and the post's author
    /// see it. Set for the post's author only (the writer is not told).
    pub hidden: bool,
    /// Written by an account the post's author restricted: hidden until the
    /// post's author approves it. Set for the post's author only.
    pub held: bool,
    pub like_count: i64,
    pub liked: bool,
    /// The viewer wrote it.
    pub is_mine: bool,
    /// The viewer wrote it and may still edit it.
    pub can_edit: bool,
    /// The viewer wrote the comment or the post.
    pub can_delete: bool,
    /// The viewer wrote the post: may hide or remove the comment.
    pub can_moderate: bool,
    /// Removed by an admin: "Removed by Storefeed: <reason>", set for its
    /// writer only (nobody else is shown it at all).
    pub removed: Option<String>,
}

impl CommentView {
    /// The writer's username, for "Replying to @…"; `None` once deleted.
    pub fn username(&self) -> Option<&str> {
        self.author.as_ref().map(|a| a.username.as_str())
    }
}

/// A top-level comment with the first page of its thread's replies (in any
/// order: `thread::build` places them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ThreadPage {
    pub root: CommentView,
    pub replies: Vec<CommentView>,
    /// Live replies in the thread the viewer may see.
    pub reply_count: i64,
    pub more_replies: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentPage {
    pub threads: Vec<ThreadPage>,
    pub next_cursor: Option<String>,
    /// Live comments and replies the viewer may see.
    pub total: i64,
    /// The post's author turned comments off: no new comments or replies.
    pub comments_off: bool,
    pub is_post_author: bool,
}

/// The next replies of one thread.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplyPage {
    pub replies: Vec<CommentView>,
    pub next_cursor: Option<String>,
}

/// A comment's like state for the viewer after liking or unliking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentLikeState {
    pub liked: bool,
    pub like_count: i64,
}

/// Whether a comment written at `created_at` may still be edited at `now`.
pub fn edit_window_open(created_at: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - created_at <= chrono::Duration::minutes(EDIT_WINDOW_MINUTES)
}

/// The edit rule as an answer a user can act on.
pub fn check_edit_window(created_at: DateTime<Utc>, now: DateTime<Utc>) -> Result<(), AppError> {
    match edit_window_open(created_at, now) {
        true => Ok(()),
        false => Err(AppError::conflict(
            "body",
            format!("Comments can only be edited in the first {EDIT_WINDOW_MINUTES} minutes after posting."),
        )),
    }
}

/// The answer to a new comment or reply on a post whose comments are off.
pub fn comments_off_error() -> AppError {
    AppError::conflict("body", "Comments are turned off for this post.")
}

/// A comment's text: 1–2,200 characters, no control characters but newlines.
pub fn validate_comment(raw: &str) -> Result<String, AppError> {
    let body = raw.trim().replace("\r\n", "\n");
    if body.is_empty() {
        return Err(AppError::validation("body", "Write a comment first."));
    }
    if body.chars().count() > COMMENT_MAX {
        return Err(AppError::validation("body", format!("Comments can be at most {COMMENT_MAX} characters.")));
    }
    if body.chars().any(|c| c.is_control() && c != '\n') {
        return Err(AppError::validation("body", "The comment contains characters that are not allowed."));
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_rules() {
        assert_eq!(validate_comment("  nice!\r\n ").unwrap(), "nice!");
        assert_eq!(validate_comment("   ").unwrap_err().field(), Some("body"));
        assert!(validate_comment(&"a".repeat(COMMENT_MAX)).is_ok());
        assert_eq!(validate_comment(&"a".repeat(COMMENT_MAX + 1)).unwrap_err().field(), Some("body"));
        assert!(validate_comment("bell\u{7}").is_err());
    }

    #[test]
    fn a_comment_can_be_edited_for_fifteen_minutes_and_no_longer() {
        let at = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let minutes = |m: i64| at + chrono::Duration::minutes(m);
        assert!(edit_window_open(at, at));
        assert!(edit_window_open(at, minutes(15)));
        assert!(!edit_window_open(at, minutes(15) + chrono::Duration::seconds(1)));
        assert!(check_edit_window(at, minutes(14)).is_ok());
        let late = check_edit_window(at, minutes(16)).unwrap_err();
        assert_eq!(late.status_code(), 409);
        assert!(late.to_string().contains("15 minutes"), "{late}");
    }
}

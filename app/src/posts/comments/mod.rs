//! Top-level comments on posts. Anyone who can see a post can comment; the
//! comment's author or the post's author can remove it. The post's
//! comment count changes in the same transaction.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Author;
use crate::error::AppError;

pub const COMMENT_MAX: usize = 2200;
pub const COMMENTS_PAGE: i64 = 50;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentView {
    pub id: Uuid,
    pub author: Author,
    pub body: String,
    pub created_at: DateTime<Utc>,
    /// The viewer wrote the comment or the post.
    pub can_delete: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentPage {
    pub comments: Vec<CommentView>,
    pub next_cursor: Option<String>,
    pub total: i64,
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
}

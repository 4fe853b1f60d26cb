//! Reposts and quote posts. Both are posts (migration `…10000100_reposts.sql`):
//! a repost is a row with `repost_of` and nothing of its own, shown to the
//! reposter's followers as the original's card with "reposted by"; a quote
//! is an ordinary post with `quote_of`, its own text above the original as
//! an embedded card. Only a public post of a public account can be reposted
//! or quoted (`post_shareable`); a repost is visible only while its original
//! is (`post_visible_to`), and a quote whose original is gone or hidden from
//! the reader shows "This post is unavailable". The original counts both,
//! exactly, in the transaction that adds or removes one.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(test)]
mod db_tests;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::Author;

/// How much of a quoted post's text its embedded card shows.
pub const EXCERPT_CHARS: usize = 280;

/// A post's repost state for the viewer after reposting or undoing it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepostState {
    pub reposted: bool,
    pub repost_count: i64,
}

/// What a quote post embeds: the original's id, and what the reader is
/// shown of it (`None`: deleted, or no longer visible to them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub id: Uuid,
    pub shown: Option<QuotedPost>,
}

/// The embedded card of a quoted post.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuotedPost {
    pub author: Author,
    pub excerpt: String,
    pub image_url: Option<String>,
    pub image_alt: String,
    pub published_at: DateTime<Utc>,
}

/// The first `EXCERPT_CHARS` characters of `body`, cut at a word where one
/// is near, with an ellipsis when anything was cut.
pub fn excerpt(body: &str) -> String {
    let body = body.trim();
    if body.chars().count() <= EXCERPT_CHARS {
        return body.to_string();
    }
    let cut: String = body.chars().take(EXCERPT_CHARS).collect();
    let at_word = match cut.rfind(char::is_whitespace) {
        Some(i) if i >= cut.len() * 3 / 4 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", at_word.trim_end())
}

/// The compose page's link for quoting `post`.
pub fn quote_href(post: Uuid) -> String {
    format!("/compose?quote={post}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_kept_whole() {
        assert_eq!(excerpt("  linen season  "), "linen season");
        let exact = "a".repeat(EXCERPT_CHARS);
        assert_eq!(excerpt(&exact), exact);
    }

    #[test]
    fn long_text_is_cut_at_a_word_with_an_ellipsis() {
        let long = "word ".repeat(100);
        let cut = excerpt(&long);
        assert!(cut.ends_with("word…"), "{cut}");
        assert!(cut.chars().count() <= EXCERPT_CHARS + 1);
        // One long word: cut where the limit falls.
        let unbroken = "x".repeat(EXCERPT_CHARS + 20);
        assert_eq!(excerpt(&unbroken).chars().count(), EXCERPT_CHARS + 1);
        // Multi-byte characters are counted, never split.
        let accents = "é".repeat(EXCERPT_CHARS + 5);
        assert_eq!(excerpt(&accents), format!("{}…", "é".repeat(EXCERPT_CHARS)));
    }

    #[test]
    fn the_quote_link_names_the_post() {
        let id = Uuid::from_u128(7);
        assert_eq!(quote_href(id), format!("/compose?quote={id}"));
    }
}

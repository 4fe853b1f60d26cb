//! Privacy and safety: blocks, mutes, restricts, muted words and hidden
//! posts, and the settings page that lists them with undo.
//!
//! A block changes who may see what, so it lives in the one visibility rule
//! (`account_visible_to` → `post_visible_to`, migration `…09000001_safety`);
//! mutes, muted words and hidden posts change what a reader wants in their
//! feeds, so they live in the one feed filter `post_wanted_by` that every
//! feed asks beside the rule. A restricted account's new comments on your
//! posts are held until you approve them. Nobody is told of any of it.

pub mod api;
pub mod components;
pub mod page;

#[cfg(feature = "ssr")]
pub mod db;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// Muted words a user may keep.
pub const MUTED_WORDS_MAX: i64 = 200;
/// The longest muted word or phrase, in characters.
pub const MUTED_WORD_MAX: usize = 50;
/// How long "Not interested" keeps a post's author out of Explore.
pub const NOT_INTERESTED_DAYS: i32 = 30;

/// What one account can do to another's presence in their life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Relation {
    /// Neither side sees the other; follows both ways end.
    Block,
    /// Their posts leave your feeds.
    Mute,
    /// Their new comments on your posts wait for your approval.
    Restrict,
}

impl Relation {
    pub fn parse(raw: &str) -> Result<Relation, AppError> {
        match raw {
            "block" => Ok(Relation::Block),
            "mute" => Ok(Relation::Mute),
            "restrict" => Ok(Relation::Restrict),
            _ => Err(AppError::validation("relation", "Choose block, mute or restrict.")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Relation::Block => "block",
            Relation::Mute => "mute",
            Relation::Restrict => "restrict",
        }
    }

    /// The button that turns it on, for `username`.
    pub fn verb(self, on: bool) -> &'static str {
        match (self, on) {
            (Relation::Block, true) => "Block",
            (Relation::Block, false) => "Unblock",
            (Relation::Mute, true) => "Mute",
            (Relation::Mute, false) => "Unmute",
            (Relation::Restrict, true) => "Restrict",
            (Relation::Restrict, false) => "Unrestrict",
        }
    }
}

/// Why a post left a reader's feeds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum HideReason {
    /// "Hide this post": this post only.
    Hidden,
    /// "Not interested": this post, and its author leaves Explore for
    /// `NOT_INTERESTED_DAYS` days.
    NotInterested,
}

impl HideReason {
    pub fn parse(raw: &str) -> Result<HideReason, AppError> {
        match raw {
            "hidden" => Ok(HideReason::Hidden),
            "not_interested" => Ok(HideReason::NotInterested),
            _ => Err(AppError::validation("reason", "Choose hide or not interested.")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            HideReason::Hidden => "hidden",
            HideReason::NotInterested => "not_interested",
        }
    }
}

/// A muted word or phrase: trimmed, lower-case, inner spaces collapsed,
/// 1–50 characters of letters, digits, spaces and `# _ ' -`, so the
/// database can match it as a literal word (`text_has_word`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MutedWord(String);

impl MutedWord {
    pub fn parse(raw: &str) -> Result<MutedWord, AppError> {
        let word = raw.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase();
        if word.is_empty() {
            return Err(AppError::validation("word", "Type a word or phrase to mute."));
        }
        if word.chars().count() > MUTED_WORD_MAX {
            return Err(AppError::validation(
                "word",
                format!("Muted words can be at most {MUTED_WORD_MAX} characters."),
            ));
        }
        if !word.chars().all(|c| c.is_alphanumeric() || matches!(c, ' ' | '#' | '_' | '\'' | '-')) {
            return Err(AppError::validation("word", "Use letters, numbers, spaces and # _ ' - only."));
        }
        Ok(MutedWord(word))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether the word stands in `text` on its own, as the database's
    /// `text_has_word` decides: "sale" is in "Big SALE!" and "#sale", not in
    /// "wholesale". The client uses it to hide a comment at once.
    pub fn is_in(&self, text: &str) -> bool {
        let text = text.to_lowercase();
        let word_char = |c: char| c.is_alphanumeric() || c == '_';
        text.match_indices(self.0.as_str()).any(|(at, found)| {
            let before = text[..at].chars().next_back();
            let after = text[at + found.len()..].chars().next();
            !before.is_some_and(word_char) && !after.is_some_and(word_char)
        })
    }
}

/// An account on one of the settings page's lists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedAccount {
    pub username: String,
    pub display_name: String,
    pub avatar_url: Option<String>,
    pub since: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MutedWordView {
    pub id: Uuid,
    pub word: String,
}

/// A post the reader hid, to take back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HiddenPost {
    pub post_id: Uuid,
    pub author: String,
    /// The start of its text, to recognise it by.
    pub excerpt: String,
    pub reason: HideReason,
}

/// Everything the "Privacy and safety" page lists.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SafetyLists {
    pub blocked: Vec<ListedAccount>,
    pub restricted: Vec<ListedAccount>,
    pub muted: Vec<ListedAccount>,
    pub words: Vec<MutedWordView>,
    pub hidden: Vec<HiddenPost>,
}

/// Where the viewer stands with an account they look at.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Standing {
    pub blocked: bool,
    pub muted: bool,
    pub restricted: bool,
}

impl Standing {
    pub fn get(&self, relation: Relation) -> bool {
        match relation {
            Relation::Block => self.blocked,
            Relation::Mute => self.muted,
            Relation::Restrict => self.restricted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn muted_words_are_normalised_and_checked() {
        assert_eq!(MutedWord::parse("  Big   SALE ").unwrap().as_str(), "big sale");
        assert_eq!(MutedWord::parse("#Spoilers").unwrap().as_str(), "#spoilers");
        assert_eq!(MutedWord::parse("crème brûlée").unwrap().as_str(), "crème brûlée");
        assert_eq!(MutedWord::parse("   ").unwrap_err().field(), Some("word"));
        assert_eq!(MutedWord::parse(&"a".repeat(51)).unwrap_err().field(), Some("word"));
        assert!(MutedWord::parse(&"a".repeat(50)).is_ok());
        for bad in ["a.b", "(x)", "x*", "<script>", "a\\b", "a|b"] {
            assert_eq!(MutedWord::parse(bad).unwrap_err().field(), Some("word"), "{bad}");
        }
    }

    #[test]
    fn a_muted_word_matches_whole_words_only() {
        let sale = MutedWord::parse("sale").unwrap();
        assert!(sale.is_in("Big SALE!"));
        assert!(sale.is_in("#sale today"));
        assert!(sale.is_in("sale"));
        assert!(!sale.is_in("wholesale prices"));
        assert!(!sale.is_in("sales"));
        assert!(!sale.is_in("sale_items"));
        let phrase = MutedWord::parse("free shipping").unwrap();
        assert!(phrase.is_in("Now with FREE shipping."));
        assert!(!phrase.is_in("free  shipping"), "spaces are literal");
    }

    #[test]
    fn relations_and_reasons_round_trip() {
        for r in [Relation::Block, Relation::Mute, Relation::Restrict] {
            assert_eq!(Relation::parse(r.as_str()).unwrap(), r);
        }
        assert!(Relation::parse("ban").is_err());
        for r in [HideReason::Hidden, HideReason::NotInterested] {
            assert_eq!(HideReason::parse(r.as_str()).unwrap(), r);
        }
        assert!(HideReason::parse("x").is_err());
    }
}

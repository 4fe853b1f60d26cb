//! Bookmarks ("Saved"): a user saves a post once, privately, into "All" or
//! one of their named collections, and finds it again on `/saved`. Only
//! posts the user may still see are listed (`post_visible_to`); the post's
//! `bookmark_count` is shown to its author only.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::PostView;
use crate::error::AppError;

pub const NAME_MAX: usize = 50;
/// Collections one user may have.
pub const MAX_COLLECTIONS: i64 = 100;

/// A collection's name: trimmed, 1–50 characters, no control characters.
/// Shown as text wherever it appears, whatever it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CollectionName(String);

impl CollectionName {
    pub fn parse(raw: &str) -> Result<CollectionName, AppError> {
        let name = raw.trim();
        if name.is_empty() {
            return Err(AppError::validation("name", "Give the collection a name."));
        }
        if name.chars().count() > NAME_MAX {
            return Err(AppError::validation(
                "name",
                format!("Collection names can be at most {NAME_MAX} characters."),
            ));
        }
        if name.chars().any(char::is_control) {
            return Err(AppError::validation("name", "The name contains characters that are not allowed."));
        }
        Ok(CollectionName(name.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Which collection a form picked: `""` is none ("All"), anything else
/// must be a collection id.
pub fn parse_collection(raw: Option<&str>) -> Result<Option<Uuid>, AppError> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(id) => Uuid::parse_str(id)
            .map(Some)
            .map_err(|_| AppError::validation("collection", "Choose one of your collections.")),
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collection {
    pub id: Uuid,
    pub name: String,
}

/// A post's saved state for the viewer after saving or unsaving.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BookmarkState {
    pub saved: bool,
    /// The collection it sits in, if saved into one.
    pub collection: Option<Uuid>,
}

/// A saved post with the collection it sits in.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPost {
    pub post: PostView,
    pub collection: Option<Uuid>,
}

/// One tab of the saved page: the user's collections, the tab shown
/// (`None`: "All") and a page of its posts (`FEED_PAGE_SIZE`), newest saved
/// first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SavedPage {
    pub collections: Vec<Collection>,
    pub active: Option<Uuid>,
    pub posts: Vec<SavedPost>,
    pub next_cursor: Option<String>,
}

impl SavedPage {
    /// The active collection's name ("All" for none).
    pub fn active_name(&self) -> String {
        self.active
            .and_then(|id| self.collections.iter().find(|c| c.id == id))
            .map_or_else(|| "All".to_string(), |c| c.name.clone())
    }
}

/// The saved page's address for a tab (and page).
pub fn saved_href(collection: Option<Uuid>, cursor: Option<&str>) -> String {
    match (collection, cursor) {
        (None, None) => "/saved".into(),
        (Some(c), None) => format!("/saved?c={c}"),
        (None, Some(cursor)) => format!("/saved?cursor={cursor}"),
        (Some(c), Some(cursor)) => format!("/saved?c={c}&cursor={cursor}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn collection_names_are_trimmed_and_bounded() {
        assert_eq!(CollectionName::parse("  Summer looks ").unwrap().as_str(), "Summer looks");
        assert_eq!(CollectionName::parse("   ").unwrap_err().field(), Some("name"));
        assert!(CollectionName::parse(&"é".repeat(NAME_MAX)).is_ok(), "characters, not bytes");
        assert_eq!(CollectionName::parse(&"a".repeat(NAME_MAX + 1)).unwrap_err().field(), Some("name"));
        assert!(CollectionName::parse("tab\there").is_err());
        assert!(CollectionName::parse("new\nline").is_err());
        assert!(CollectionName::parse("bell\u{7}").is_err());
    }

    #[test]
    fn markup_in_a_name_is_kept_as_written() {
        let xss = "<img src=x onerror=alert(1)>";
        assert_eq!(CollectionName::parse(xss).unwrap().as_str(), xss);
    }

    #[test]
    fn a_picked_collection_is_none_or_an_id() {
        let id = Uuid::new_v4();
        assert_eq!(parse_collection(None).unwrap(), None);
        assert_eq!(parse_collection(Some(" ")).unwrap(), None);
        assert_eq!(parse_collection(Some(&id.to_string())).unwrap(), Some(id));
        assert_eq!(parse_collection(Some("nope")).unwrap_err().field(), Some("collection"));
    }

    #[test]
    fn saved_page_addresses() {
        let id = Uuid::nil();
        assert_eq!(saved_href(None, None), "/saved");
        assert_eq!(saved_href(Some(id), None), format!("/saved?c={id}"));
        assert_eq!(saved_href(Some(id), Some("1_2")), format!("/saved?c={id}&cursor=1_2"));
        assert_eq!(saved_href(None, Some("1_2")), "/saved?cursor=1_2");
    }
}

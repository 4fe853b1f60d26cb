//! Posts about something: a person's "tagged" tab, the posts about a shop or
//! event, the posts featuring a product, and a hashtag's page. A post counts
//! when one of its images tags the thing, its text mentions it, or it links
//! it; the viewer sees only posts they may see.

#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;

use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::text::normalize_hashtag;
use super::FeedPage;
use crate::error::AppError;

/// What the posts are about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum About {
    /// Posts tagging or mentioning a person (their "tagged" tab).
    User(String),
    /// Posts tagging, mentioning or linking a shop or one of its products.
    Shop(String),
    Product(Uuid),
    Event(Uuid),
    Hashtag(String),
}

impl About {
    /// As it travels in a request: a kind and a key.
    pub fn kind_and_key(&self) -> (String, String) {
        match self {
            About::User(name) => ("user".into(), name.clone()),
            About::Shop(handle) => ("shop".into(), handle.clone()),
            About::Product(id) => ("product".into(), id.to_string()),
            About::Event(id) => ("event".into(), id.to_string()),
            About::Hashtag(tag) => ("hashtag".into(), tag.clone()),
        }
    }

    pub fn parse(kind: &str, key: &str) -> Result<About, AppError> {
        let bad = || AppError::NotFound("Page".into());
        let key = key.trim();
        match kind {
            "user" => Ok(About::User(key.trim_start_matches('@').to_lowercase())),
            "shop" => Ok(About::Shop(key.trim_start_matches('$').to_lowercase())),
            "product" => Uuid::parse_str(key).map(About::Product).map_err(|_| bad()),
            "event" => Uuid::parse_str(key).map(About::Event).map_err(|_| bad()),
            "hashtag" => normalize_hashtag(key).map(About::Hashtag).ok_or_else(bad),
            _ => Err(bad()),
        }
    }
}

#[server(prefix = "/api", endpoint = "feed/about")]
pub async fn related_posts(kind: String, key: String, cursor: Option<String>) -> Result<FeedPage, AppError> {
    let state = crate::state::app_state()?;
    let viewer = crate::accounts::session::current_user().await?.map(|u| u.id);
    let about = About::parse(&kind, &key)?;
    db::feed(&state.pool, &about, viewer, super::api::parse_cursor(cursor)?).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn about_round_trips() {
        for about in [
            About::User("maya".into()),
            About::Shop("lagos_leather".into()),
            About::Product(Uuid::new_v4()),
            About::Event(Uuid::new_v4()),
            About::Hashtag("ootd".into()),
        ] {
            let (kind, key) = about.kind_and_key();
            assert_eq!(About::parse(&kind, &key).unwrap(), about);
        }
        assert!(About::parse("hashtag", "#").is_err());
        assert!(About::parse("product", "x").is_err());
        assert!(About::parse("order", "x").is_err());
    }
}

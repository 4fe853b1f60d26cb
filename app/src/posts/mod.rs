//! Posts: text and up to ten images, published to the author's followers or
//! everyone, read through feeds. Image tags are stored as percentages of the
//! image so they land on the same spot at every size.

pub mod api;
pub mod bookmarks;
pub mod card_filter;
pub mod card_links;
pub mod card_picker;
pub mod collabs;
pub mod comments;
pub mod components;
pub mod edit_pages;
pub mod feed_list;
pub mod feed_position;
pub mod links;
pub mod pages;
pub mod post_menu;
pub mod product_sheet;
pub mod related;
pub mod reposts;
pub mod sheet_url;
pub mod tag_editor;
pub mod tag_markers;
pub mod text;
#[cfg(feature = "ssr")]
pub mod visibility;

#[cfg(all(test, feature = "ssr"))]
mod card_links_db_tests;
#[cfg(feature = "ssr")]
pub mod cards;
#[cfg(feature = "ssr")]
pub mod compose;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod editing;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod explore;
#[cfg(feature = "ssr")]
pub mod likes;
#[cfg(feature = "ssr")]
pub mod ownership;
#[cfg(feature = "ssr")]
pub mod refs;
#[cfg(feature = "ssr")]
pub mod tags;
#[cfg(feature = "ssr")]
pub mod timeline;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

pub const BODY_MAX: usize = 5000;
pub const MAX_IMAGES: usize = 10;
/// The compose form's `images` field.
pub const POST_IMAGES: crate::media::ImageLimits = crate::media::ImageLimits::post_images("images", MAX_IMAGES);
pub const MAX_TAGS_PER_IMAGE: usize = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Visibility {
    Public,
    Followers,
}

impl Visibility {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw.trim() {
            "" | "public" => Ok(Visibility::Public),
            "followers" => Ok(Visibility::Followers),
            _ => Err(AppError::validation("visibility", "Choose who can see the post.")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Visibility::Public => "public",
            Visibility::Followers => "followers",
        }
    }
}

/// Checks a post's text: at most 5,000 characters; a post needs text or an image.
pub fn validate_body(raw: &str, images: usize) -> Result<String, AppError> {
    let body = raw.trim().replace("\r\n", "\n");
    if body.chars().count() > BODY_MAX {
        return Err(AppError::validation("body", format!("Posts can be at most {BODY_MAX} characters.")));
    }
    if body.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(AppError::validation("body", "The text contains characters that are not allowed."));
    }
    if body.is_empty() && images == 0 {
        return Err(AppError::validation("body", "Write something or add an image."));
    }
    if images > MAX_IMAGES {
        return Err(AppError::validation("images", format!("A post can have at most {MAX_IMAGES} images.")));
    }
    Ok(body)
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    pub username: String,
    pub display_name: String,
    pub avatar_url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TagKind {
    User,
    Product,
    Shop,
}

/// A tag as shown on an image: where (percent) and what it links to.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TagView {
    pub id: Uuid,
    pub x_pct: f64,
    pub y_pct: f64,
    pub kind: TagKind,
    pub label: String,
    pub href: String,
    /// Set for product tags, so tapping opens the product sheet.
    pub product_id: Option<Uuid>,
    /// The signed context token of a product or shop tag (also in `href`).
    pub ctx: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MediaView {
    pub id: Uuid,
    pub url_600: String,
    pub url_1200: String,
    pub width: i32,
    pub height: i32,
    pub alt: String,
    pub tags: Vec<TagView>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostView {
    pub id: Uuid,
    /// Its creator, the primary author (`collabs`).
    pub author: Author,
    /// Its accepted co-authors, in the order they accepted: the byline
    /// reads "By @author, @a and @b" (`collabs::byline`).
    pub coauthors: Vec<Author>,
    /// Those invited to co-author it who have not answered: shown to its
    /// creator only, empty for everyone else (and on feed cards, which are
    /// shared by all readers).
    pub pending_coauthors: Vec<Author>,
    pub body: String,
    /// The body with its known `@user`, `$shop` and `#hashtag` references as links.
    pub segments: Vec<text::Segment>,
    pub visibility: Visibility,
    /// When it was published (for a draft: when it was started).
    pub published_at: DateTime<Utc>,
    pub is_draft: bool,
    /// The author has changed the text since publishing (see its history).
    pub edited: bool,
    /// Products, shops and events linked to the post, shown as cards.
    pub links: Vec<links::LinkCard>,
    /// Buy-together groups linked to the post, as they are now: filled in
    /// per page after the shared card cache (`groups::db::fill_cards`),
    /// empty on cached cards.
    pub groups: Vec<crate::groups::GroupCard>,
    /// Installment plans linked to the post, shown as plan cards (`plans`).
    pub plans: Vec<crate::plans::PlanCard>,
    pub like_count: i64,
    pub comment_count: i64,
    /// Its author turned comments off (`comments::db::set_comments_off`).
    pub comments_off: bool,
    pub media: Vec<MediaView>,
    pub is_author: bool,
    /// The viewer is one of its accepted co-authors (and may leave).
    pub is_coauthor: bool,
    /// The viewer has liked this post.
    pub liked: bool,
    /// The viewer has saved this post (`bookmarks`).
    pub saved: bool,
    /// How many people saved it: shown to its author only, `None` for
    /// everyone else (and on feed cards, which are shared by all readers).
    pub bookmark_count: Option<i64>,
    pub repost_count: i64,
    pub quote_count: i64,
    /// The viewer has reposted this post.
    pub reposted: bool,
    /// It may be reposted and quoted: public, by a public account (`reposts`).
    pub shareable: bool,
    /// The feed entry this card stands for: the repost's id when someone's
    /// repost brought it, else the post's own (keys lists, dedupes pages).
    pub entry_id: Uuid,
    /// Who reposted it, when a repost brought it here.
    pub reposted_by: Option<Author>,
    /// What a quote post quotes, as this reader may see it.
    pub quote: Option<reposts::Quote>,
}

/// An earlier (or the current) version of a post's text.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Revision {
    pub body: String,
    pub visibility: Visibility,
    /// When this version was replaced; `None` for the current one.
    pub replaced_at: Option<DateTime<Utc>>,
}

/// A post's edit history: newest first, the current text at the top.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct History {
    pub post_id: Uuid,
    pub author: Author,
    pub revisions: Vec<Revision>,
}

/// One of the author's unpublished drafts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DraftSummary {
    pub id: Uuid,
    pub excerpt: String,
    pub image_url: Option<String>,
    pub images: i64,
    pub created_at: DateTime<Utc>,
}

/// A post's like state for the viewer after liking or unliking.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LikeState {
    pub liked: bool,
    pub like_count: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FeedPage {
    pub posts: Vec<PostView>,
    pub next_cursor: Option<String>,
}

pub const FEED_PAGE_SIZE: i64 = 10;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn post_text_rules() {
        assert_eq!(validate_body("  hello \r\nworld ", 0).unwrap(), "hello \nworld");
        assert!(validate_body(&"a".repeat(5000), 0).is_ok());
        assert_eq!(validate_body(&"a".repeat(5001), 0).unwrap_err().field(), Some("body"));
        assert!(validate_body("", 0).is_err());
        assert!(validate_body("", 1).is_ok());
        assert_eq!(validate_body("x", 11).unwrap_err().field(), Some("images"));
        assert!(validate_body("bell\u{7}", 0).is_err());
    }

    #[test]
    fn visibility_parses() {
        assert_eq!(Visibility::parse("followers").unwrap(), Visibility::Followers);
        assert_eq!(Visibility::parse("").unwrap(), Visibility::Public);
        assert!(Visibility::parse("secret").is_err());
    }
}

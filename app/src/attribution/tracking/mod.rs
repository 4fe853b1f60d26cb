//! Tracking: what shoppers did and where they met a product. Signed context
//! tokens on the product links a post renders and the gate that binds them
//! to what the post shows, the browser's visitor id, and shopper events
//! (impressions, tag taps, views, carts, purchases) written in batches by
//! the event sink. Depends on no other room.

pub mod api;
#[cfg(feature = "ssr")]
pub mod binding;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod event;
pub mod impressions;
#[cfg(feature = "ssr")]
pub mod keys;
#[cfg(feature = "ssr")]
pub mod sink;
#[cfg(feature = "ssr")]
pub mod stamp;
#[cfg(feature = "ssr")]
pub mod token;
#[cfg(feature = "ssr")]
pub mod track;
#[cfg(feature = "ssr")]
pub mod visitor;

use std::str::FromStr;

use serde::{Deserialize, Serialize};
use thiserror::Error;

/// The widest click window a shop may set, in days: the longest a tap can
/// earn credit, so the longest a signing key must still verify its tokens.
#[cfg_attr(not(feature = "ssr"), allow(dead_code))]
pub const LONGEST_CLICK_DAYS: u32 = 90;

/// What a shopper did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    Impression,
    TagTap,
    ProductView,
    AddToCart,
    CheckoutStarted,
    Purchase,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Impression => "impression",
            EventKind::TagTap => "tag_tap",
            EventKind::ProductView => "product_view",
            EventKind::AddToCart => "add_to_cart",
            EventKind::CheckoutStarted => "checkout_started",
            EventKind::Purchase => "purchase",
        }
    }
}

/// A surface name that is not one of [`Surface::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("unknown surface `{0}`")]
pub struct UnknownSurface(pub String);

/// Where in the app the shopper met the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Surface {
    ImageTag,
    ProductCard,
    ShopTag,
    CommentMention,
    GroupCard,
    PlanCard,
    Search,
    Direct,
}

impl Surface {
    pub const ALL: [Surface; 8] = [
        Surface::ImageTag,
        Surface::ProductCard,
        Surface::ShopTag,
        Surface::CommentMention,
        Surface::GroupCard,
        Surface::PlanCard,
        Surface::Search,
        Surface::Direct,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Surface::ImageTag => "image_tag",
            Surface::ProductCard => "product_card",
            Surface::ShopTag => "shop_tag",
            Surface::CommentMention => "comment_mention",
            Surface::GroupCard => "group_card",
            Surface::PlanCard => "plan_card",
            Surface::Search => "search",
            Surface::Direct => "direct",
        }
    }

    pub fn parse(s: &str) -> Result<Surface, UnknownSurface> {
        let s = s.trim();
        Surface::ALL.into_iter().find(|v| v.as_str() == s).ok_or_else(|| UnknownSurface(s.to_owned()))
    }

    /// Whether touches here can carry creators; search and direct visits are
    /// organic, so any creators recorded on them are ignored.
    pub fn is_creator_surface(self) -> bool {
        !matches!(self, Surface::Search | Surface::Direct)
    }
}

impl FromStr for Surface {
    type Err = UnknownSurface;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Surface::parse(s)
    }
}

/// Comma-separated post ids from the browser: at most `max`, duplicates
/// dropped, anything else refused.
#[cfg(feature = "ssr")]
pub fn parse_post_ids(raw: &str, max: usize) -> Result<Vec<uuid::Uuid>, crate::error::AppError> {
    use crate::error::AppError;
    use uuid::Uuid;

    let bad = || AppError::validation("posts", format!("Send up to {max} post ids, separated by commas."));
    let mut ids = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let id: Uuid = part.parse().map_err(|_| bad())?;
        if !ids.contains(&id) {
            ids.push(id);
        }
        if ids.len() > max {
            return Err(bad());
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    #[test]
    fn post_ids_are_checked_and_deduplicated() {
        let a = Uuid::new_v4();
        assert_eq!(parse_post_ids(&format!("{a}, {a},"), 5).unwrap(), vec![a]);
        assert!(parse_post_ids("not-a-uuid", 5).is_err());
        let many: Vec<String> = (0..6).map(|_| Uuid::new_v4().to_string()).collect();
        assert!(parse_post_ids(&many.join(","), 5).is_err());
        assert_eq!(parse_post_ids("", 5).unwrap(), Vec::<Uuid>::new());
    }

    #[test]
    fn surfaces_round_trip_through_text() {
        for surface in Surface::ALL {
            assert_eq!(Surface::parse(surface.as_str()), Ok(surface));
            let json = serde_json::to_string(&surface).expect("serialise surface");
            assert_eq!(json, format!("\"{}\"", surface.as_str()));
        }
        assert_eq!("comment_mention".parse::<Surface>(), Ok(Surface::CommentMention));
        assert_eq!(Surface::parse("billboard"), Err(UnknownSurface("billboard".into())));
        assert!(!Surface::Search.is_creator_surface() && !Surface::Direct.is_creator_surface());
        assert!(Surface::PlanCard.is_creator_surface());
    }
}

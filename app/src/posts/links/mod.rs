//! Products, shops and events linked to a post, shown as cards under it.
//! The author picks them through search pickers; at most ten per post.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

pub const MAX_LINKS: usize = 10;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LinkKind {
    Product,
    Shop,
    Event,
}

/// A linked card as readers see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkCard {
    pub position: i16,
    pub kind: LinkKind,
    pub title: String,
    /// "from KSh 1,200.00", "$nairobi_threads" or "12 Dec 2026 · Venue".
    pub subtitle: String,
    pub image_url: Option<String>,
    pub href: String,
    /// Set for products, so the card can open the product sheet.
    pub product_id: Option<Uuid>,
    /// The signed context token of a product card (also in `href`).
    pub ctx: Option<String>,
    /// An event card's ticket types on sale, as (variant, available when
    /// read), so its "N tickets left" follows the live channel; empty for
    /// everything else.
    pub ticket_stock: Vec<(Uuid, i32)>,
}

/// What the author asked to link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkTarget {
    Product(Uuid),
    Shop(String),
    Event(Uuid),
}

impl LinkTarget {
    /// From the picker form: `kind` and a product/event id or a `$handle`.
    pub fn parse(kind: &str, target: &str) -> Result<LinkTarget, AppError> {
        let target = target.trim();
        let missing = || AppError::validation("target", "Choose what to link.");
        match kind {
            "product" => Uuid::parse_str(target).map(LinkTarget::Product).map_err(|_| missing()),
            "event" => Uuid::parse_str(target).map(LinkTarget::Event).map_err(|_| missing()),
            "shop" => {
                let handle = target.trim_start_matches('$').to_lowercase();
                if handle.is_empty() {
                    Err(missing())
                } else {
                    Ok(LinkTarget::Shop(handle))
                }
            }
            _ => Err(AppError::validation("kind", "Link a product, a shop or an event.")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_targets_parse() {
        let id = Uuid::new_v4();
        assert_eq!(LinkTarget::parse("product", &id.to_string()).unwrap(), LinkTarget::Product(id));
        assert_eq!(LinkTarget::parse("shop", " $Lagos_Leather ").unwrap(), LinkTarget::Shop("lagos_leather".into()));
        assert_eq!(LinkTarget::parse("event", "nope").unwrap_err().field(), Some("target"));
        assert_eq!(LinkTarget::parse("shop", "$").unwrap_err().field(), Some("target"));
        assert_eq!(LinkTarget::parse("plan", "x").unwrap_err().field(), Some("kind"));
    }
}

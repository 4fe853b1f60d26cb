//! Shops: a `$handle`, a name, a currency, a logo and cover, and the
//! products they sell. The owner manages them from the shop's manage page.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalog::ProductCard;
use crate::error::AppError;
use crate::money::Currency;

/// The logo and cover upload's `image` field: sized like a profile picture.
pub const SHOP_IMAGE: crate::media::ImageLimits = crate::media::ImageLimits::profile_image("image");

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shop {
    pub id: Uuid,
    pub handle: String,
    pub name: String,
    pub description: String,
    pub logo_url: Option<String>,
    pub cover_url: Option<String>,
    pub currency: Currency,
    pub owner_username: String,
    pub is_owner: bool,
}

/// A shop page: the shop and the products the viewer may see (the owner
/// also sees drafts and archived ones).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopPage {
    pub shop: Shop,
    pub products: Vec<ProductCard>,
}

/// A shop in the owner's list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShopSummary {
    pub handle: String,
    pub name: String,
    pub logo_url: Option<String>,
    pub products: i64,
}

/// The two pictures of a shop: a square logo and a 3:1 cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ShopImageKind {
    Logo,
    Cover,
}

impl ShopImageKind {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw.trim() {
            "logo" => Ok(ShopImageKind::Logo),
            "cover" => Ok(ShopImageKind::Cover),
            _ => Err(AppError::validation("kind", "Choose the shop's logo or its cover image.")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ShopImageKind::Logo => "logo",
            ShopImageKind::Cover => "cover",
        }
    }

    /// Logos are cut and sized like avatars, covers like profile covers.
    #[cfg(feature = "ssr")]
    pub fn profile_kind(self) -> crate::media::ProfileImageKind {
        match self {
            ShopImageKind::Logo => crate::media::ProfileImageKind::Avatar,
            ShopImageKind::Cover => crate::media::ProfileImageKind::Cover,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_kinds_parse() {
        for kind in [ShopImageKind::Logo, ShopImageKind::Cover] {
            assert_eq!(ShopImageKind::parse(kind.as_str()).unwrap(), kind);
        }
        assert_eq!(ShopImageKind::parse("avatar").unwrap_err().field(), Some("kind"));
    }
}

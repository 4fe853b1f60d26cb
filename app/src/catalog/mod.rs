//! The product catalog: products with options and variants, each variant
//! with its own SKU, price and stock on hand.

pub mod api;
pub mod forms;
pub mod pages;
pub mod rules;

#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::money::{Currency, Money};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProductStatus {
    Draft,
    Active,
    Archived,
}

impl ProductStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            ProductStatus::Draft => "draft",
            ProductStatus::Active => "active",
            ProductStatus::Archived => "archived",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, crate::error::AppError> {
        match raw.trim() {
            "draft" => Ok(ProductStatus::Draft),
            "active" => Ok(ProductStatus::Active),
            "archived" => Ok(ProductStatus::Archived),
            _ => Err(crate::error::AppError::validation("status", "Choose draft, active or archived.")),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ProductStatus::Draft => "Draft",
            ProductStatus::Active => "Active",
            ProductStatus::Archived => "Archived",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Variant {
    pub id: Uuid,
    pub title: String,
    pub sku: String,
    pub price: Money,
    pub compare_at: Option<Money>,
    pub stock_on_hand: i32,
    /// On hand minus what open checkouts hold: what a shopper can still buy.
    pub available: i32,
    /// One value per option, in option order.
    pub values: Vec<String>,
}

/// One image of a product's gallery, in the three stored widths.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductImage {
    pub id: Uuid,
    pub url_150: String,
    pub url_600: String,
    pub url_1200: String,
    pub width: i32,
    pub height: i32,
}

/// A product page's data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Product {
    pub id: Uuid,
    pub shop_handle: String,
    pub shop_name: String,
    pub title: String,
    pub description: String,
    pub status: ProductStatus,
    pub currency: Currency,
    pub options: Vec<rules::OptionSpec>,
    pub variants: Vec<Variant>,
    /// The gallery in order; the first image is the cover.
    pub images: Vec<ProductImage>,
    /// The viewer owns the shop (sees drafts, can edit).
    pub is_owner: bool,
}

impl Product {
    /// The variant whose values match `picked` (one per option).
    pub fn variant_for(&self, picked: &[String]) -> Option<&Variant> {
        self.variants.iter().find(|v| v.values == picked)
    }
}

/// A product in a grid or list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductCard {
    pub id: Uuid,
    pub title: String,
    pub status: ProductStatus,
    pub price_from: Money,
    pub variants: i64,
    pub in_stock: bool,
    /// The cover image, 600 wide.
    pub image_url: Option<String>,
}

/// A product in a search picker (tagging, linking).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductPick {
    pub id: Uuid,
    pub title: String,
    pub shop_name: String,
    pub price_from: Money,
    /// The cover image, 150 wide.
    pub image_url: Option<String>,
}

/// How much is left, as shoppers are told.
pub fn stock_label(available: i32) -> String {
    match available {
        i32::MIN..=0 => "Sold out".to_string(),
        1..=5 => format!("Only {available} left"),
        _ => "In stock".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stock_labels() {
        assert_eq!(stock_label(0), "Sold out");
        assert_eq!(stock_label(3), "Only 3 left");
        assert_eq!(stock_label(50), "In stock");
    }

    #[test]
    fn status_round_trips() {
        for s in [ProductStatus::Draft, ProductStatus::Active, ProductStatus::Archived] {
            assert_eq!(ProductStatus::parse(s.as_str()).unwrap(), s);
        }
        assert!(ProductStatus::parse("deleted").is_err());
    }
}

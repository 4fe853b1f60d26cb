//! The product catalog: products with options and variants, each variant
//! with its own SKU, price and stock on hand.

pub mod api;
pub mod forms;
pub mod live_stock;
pub mod pages;
pub mod rules;
pub mod variant_picker;

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

    /// The variant with this id, or the one the page opens on.
    pub fn variant_or_opening(&self, id: Option<Uuid>) -> Option<&Variant> {
        id.and_then(|id| self.variants.iter().find(|v| v.id == id)).or_else(|| first_in_stock(&self.variants))
    }

    /// Where choosing `value` for option `slot` leads from `current`: the
    /// same choices with that one changed, when that variant exists and can
    /// be bought; else the first variant in stock with that value (its other
    /// choices change to ones that can be bought); else the exact
    /// combination, sold out, so the shopper sees it is; else the first
    /// with that value at all.
    pub fn variant_choosing(&self, current: &Variant, slot: usize, value: &str) -> Option<&Variant> {
        let mut wanted = current.values.clone();
        if let Some(choice) = wanted.get_mut(slot) {
            *choice = value.to_string();
        }
        let exact = self.variant_for(&wanted);
        let with_value = || self.variants.iter().filter(|v| v.values.get(slot).map(String::as_str) == Some(value));
        exact
            .filter(|v| v.available > 0)
            .or_else(|| with_value().find(|v| v.available > 0))
            .or(exact)
            .or_else(|| with_value().next())
    }
}

/// The variant a product opens on: the first that can be bought, so nobody
/// is greeted with "Sold out" while other options are in stock; the first
/// of all when everything is sold out.
pub fn first_in_stock(variants: &[Variant]) -> Option<&Variant> {
    variants.iter().find(|v| v.available > 0).or(variants.first())
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

    fn variant(id: u128, values: &[&str], available: i32) -> Variant {
        Variant {
            id: Uuid::from_u128(id),
            title: values.join(" / "),
            sku: format!("SKU-{id}"),
            price: Money::new(1000, Currency::USD),
            compare_at: None,
            stock_on_hand: available.max(0),
            available,
            values: values.iter().map(|v| v.to_string()).collect(),
        }
    }

    /// Size S/M × colour Red/Blue; S/Red (the first) is sold out.
    fn shirt() -> Product {
        Product {
            id: Uuid::from_u128(99),
            shop_handle: "shop".into(),
            shop_name: "Shop".into(),
            title: "Shirt".into(),
            description: String::new(),
            status: ProductStatus::Active,
            currency: Currency::USD,
            options: vec![
                rules::OptionSpec { name: "Size".into(), values: vec!["S".into(), "M".into()] },
                rules::OptionSpec { name: "Colour".into(), values: vec!["Red".into(), "Blue".into()] },
            ],
            variants: vec![
                variant(1, &["S", "Red"], 0),
                variant(2, &["S", "Blue"], 0),
                variant(3, &["M", "Red"], 4),
                variant(4, &["M", "Blue"], 0),
            ],
            images: Vec::new(),
            is_owner: false,
        }
    }

    #[test]
    fn the_page_opens_on_the_first_variant_in_stock() {
        let p = shirt();
        assert_eq!(first_in_stock(&p.variants).map(|v| v.id), Some(Uuid::from_u128(3)));
        assert_eq!(p.variant_or_opening(None).map(|v| v.id), Some(Uuid::from_u128(3)));
        assert_eq!(
            p.variant_or_opening(Some(Uuid::from_u128(2))).map(|v| v.id),
            Some(Uuid::from_u128(2)),
            "a chosen one stays"
        );
        assert_eq!(
            p.variant_or_opening(Some(Uuid::from_u128(77))).map(|v| v.id),
            Some(Uuid::from_u128(3)),
            "an unknown id is ignored"
        );
    }

    #[test]
    fn when_everything_is_sold_out_the_first_variant_opens() {
        let all_gone = [variant(1, &["S"], 0), variant(2, &["M"], -1)];
        assert_eq!(first_in_stock(&all_gone).map(|v| v.id), Some(Uuid::from_u128(1)));
        assert!(first_in_stock(&[]).is_none());
    }

    #[test]
    fn choosing_a_value_keeps_the_other_choices_when_that_variant_can_be_bought() {
        let p = shirt();
        let m_blue = &p.variants[3];
        // M/Red is in stock: only the colour changes.
        assert_eq!(p.variant_choosing(m_blue, 1, "Red").map(|v| v.id), Some(Uuid::from_u128(3)));
        // Choosing what is already chosen stays put.
        let m_red = &p.variants[2];
        assert_eq!(p.variant_choosing(m_red, 0, "M").map(|v| v.id), Some(Uuid::from_u128(3)));
    }

    #[test]
    fn choosing_a_value_moves_to_a_combination_in_stock_or_shows_the_sold_out_one() {
        let p = shirt();
        let m_red = &p.variants[2];
        // Every S is sold out: S/Red (same colour) is shown, sold out.
        assert_eq!(p.variant_choosing(m_red, 0, "S").map(|v| v.id), Some(Uuid::from_u128(1)));
        // M/Blue is sold out and no Blue is in stock: the exact one, sold out.
        assert_eq!(p.variant_choosing(m_red, 1, "Blue").map(|v| v.id), Some(Uuid::from_u128(4)));
        // From S/Blue, picking M goes to M/Red, the M that can be bought.
        let s_blue = &p.variants[1];
        assert_eq!(p.variant_choosing(s_blue, 0, "M").map(|v| v.id), Some(Uuid::from_u128(3)));
    }

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

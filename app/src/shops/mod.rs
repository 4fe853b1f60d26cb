//! Shops: a `$handle`, a name, a currency, and the products they sell. The
//! owner manages them from the shop's manage page.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::catalog::ProductCard;
use crate::money::Currency;

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
    pub products: i64,
}

//! Rates: the commission creators earn on a shop's sales. The shop's
//! default, and special rates for one product, one creator, or one creator
//! on one product; the most specific rate in effect applies to a sale.
//! Depends on no other room.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod rules;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One product and/or creator's own rate, as the shop's owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecialRate {
    /// The product's title; `None` for every product.
    pub product: Option<String>,
    /// The creator's username; `None` for every creator.
    pub creator: Option<String>,
    /// The rate in effect now; `None` while the first one is still on notice.
    pub current_bp: Option<i32>,
    /// A rate waiting out its notice, and when it applies.
    pub scheduled: Option<(i32, DateTime<Utc>)>,
}

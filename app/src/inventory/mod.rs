//! Stock per variant: on hand, reserved by checkouts, and available (their
//! difference, never negative). Every change is a movement in an append-only
//! ledger that sums to the current numbers. Shop owners see and adjust stock.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod gate;
pub mod pages;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// How long a checkout holds its stock unless configured otherwise.
pub const DEFAULT_RESERVATION_TTL_SECS: u64 = 10 * 60;

/// One variant's numbers as the shop owner sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StockRow {
    pub variant_id: Uuid,
    pub product_id: Uuid,
    pub product_title: String,
    pub variant_title: String,
    pub sku: String,
    pub on_hand: i32,
    pub reserved: i32,
}

impl StockRow {
    pub fn available(&self) -> i32 {
        self.on_hand - self.reserved
    }
}

/// A ledger entry, newest first on the stock page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Movement {
    pub kind: String,
    pub on_hand_delta: i32,
    pub reserved_delta: i32,
    pub reason: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// "Linen shirt — M / Blue", or just the product for a single-variant one.
pub fn item_name(product: &str, variant: &str) -> String {
    if variant == "Default" {
        product.to_string()
    } else {
        format!("{product} — {variant}")
    }
}

/// The most a single adjustment may set on hand to.
pub const MAX_ON_HAND: i32 = 1_000_000;

/// Parses the owner's "set on hand to" input.
pub fn parse_on_hand(raw: &str) -> Result<i32, crate::error::AppError> {
    let bad =
        || crate::error::AppError::validation("on_hand", format!("Enter a whole number from 0 to {MAX_ON_HAND}."));
    let n: i64 = raw.trim().parse().map_err(|_| bad())?;
    if !(0..=MAX_ON_HAND as i64).contains(&n) {
        return Err(bad());
    }
    Ok(n as i32)
}

/// The reason an owner gives for an adjustment: required, one line.
pub fn parse_reason(raw: &str) -> Result<String, crate::error::AppError> {
    let reason: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if reason.is_empty() {
        return Err(crate::error::AppError::validation("reason", "Say why the stock changed (e.g. \"stock count\")."));
    }
    if reason.chars().count() > 200 {
        return Err(crate::error::AppError::validation("reason", "Keep the reason under 200 characters."));
    }
    Ok(reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn on_hand_must_be_a_whole_number_in_range() {
        assert_eq!(parse_on_hand(" 12 ").unwrap(), 12);
        assert_eq!(parse_on_hand("0").unwrap(), 0);
        for bad in ["-1", "1.5", "", "abc", "1000001"] {
            assert_eq!(parse_on_hand(bad).unwrap_err().field(), Some("on_hand"), "{bad}");
        }
    }

    #[test]
    fn reasons_are_required_and_one_line() {
        assert_eq!(parse_reason("  stock \n count ").unwrap(), "stock count");
        assert_eq!(parse_reason("   ").unwrap_err().field(), Some("reason"));
        assert!(parse_reason(&"x".repeat(201)).is_err());
    }
}

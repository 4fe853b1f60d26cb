//! Orders: what a buyer bought from one shop, with an explicit status
//! machine, an audit trail of every change, refunds (whole or per line,
//! with a reason) and the domain events other parts of the system consume.
//! Buyers see their orders; a shop's owner sees and manages the shop's.

pub mod api;
#[cfg(feature = "ssr")]
mod charges;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod guest;
#[cfg(feature = "ssr")]
pub mod link;
pub mod pages;
pub mod status;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use self::status::OrderStatus;
use crate::checkout::shipping::ShippingOption;
use crate::checkout::summary::{summary, ShippingLine, Summary};
use crate::checkout::tax::Totals;
use crate::money::Money;

/// One line of an order as bought.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderLine {
    pub id: Uuid,
    pub product_id: Uuid,
    pub title: String,
    pub variant_title: String,
    pub sku: String,
    pub quantity: i32,
    pub unit_price: Money,
    pub discount: Money,
    pub tax: Money,
    pub total: Money,
    pub refunded_quantity: i32,
    pub refunded: Money,
    /// "SUMMER10 (v2): −$3.00" for each promotion rule applied to the line.
    pub promotions: Vec<String>,
    /// The buyer's touch points with the product before buying and what
    /// each was credited (shown to the shop's owner only).
    pub touch_path: Vec<crate::attribution::TouchView>,
}

impl OrderLine {
    pub fn name(&self) -> String {
        crate::inventory::item_name(&self.title, &self.variant_title)
    }

    /// The units at the price paid, before discounts: what the summary's
    /// subtotal adds up (the line's promotions are listed under it).
    pub fn gross(&self) -> Money {
        Money::new(self.unit_price.minor * i64::from(self.quantity), self.unit_price.currency)
    }

    /// What can still be refunded on this line.
    pub fn refundable(&self) -> Money {
        Money::new(self.total.minor - self.refunded.minor, self.total.currency)
    }
}

/// One entry of the audit trail.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub from: Option<OrderStatus>,
    pub to: OrderStatus,
    pub actor: Option<String>,
    pub note: String,
    pub at: DateTime<Utc>,
}

/// An order as its buyer or its shop's owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderView {
    pub id: Uuid,
    pub number: i64,
    pub status: OrderStatus,
    pub shop_handle: String,
    pub shop_name: String,
    /// "@maya", or "Guest" for an order nobody has claimed yet.
    pub buyer: String,
    /// Bought without an account and not claimed by one yet.
    pub guest: bool,
    pub placed_at: DateTime<Utc>,
    pub lines: Vec<OrderLine>,
    pub subtotal: Money,
    pub discount: Money,
    pub shipping: Money,
    pub tax: Money,
    pub tax_inclusive: bool,
    pub total: Money,
    pub refunded: Money,
    pub email: String,
    pub ship_to: Vec<String>,
    pub shipping_option: String,
    pub carrier: Option<String>,
    pub tracking_number: Option<String>,
    /// "Visa ending 4242".
    pub paid_with: Option<String>,
    pub history: Vec<HistoryEntry>,
    /// The viewer is the shop's owner (and may manage the order).
    pub can_manage: bool,
    /// The installment plan it is paid by, with its instalments (`plans`).
    pub plan: Option<crate::plans::OrderPlan>,
    /// The event tickets it issued, shown to its buyer only (`events::tickets`).
    pub tickets: Vec<crate::events::tickets::Ticket>,
}

impl OrderView {
    /// The order's summary as its checkout showed it: the same rows, from the
    /// amounts the order stored. Orders keep no tax name, so tax is "Tax".
    pub fn summary(&self) -> Summary {
        let totals = Totals {
            subtotal: self.subtotal.minor,
            discount: self.discount.minor,
            shipping: self.shipping.minor,
            tax: self.tax.minor,
            tax_inclusive: self.tax_inclusive,
            total: self.total.minor,
        };
        let option = ShippingOption::parse(&self.shipping_option)
            .map_or_else(|_| self.shipping_option.clone(), |option| option.label().to_string());
        summary(&totals, self.total.currency, None, ShippingLine::Chosen(Some(option)))
    }
}

/// A row of an order list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderSummary {
    pub id: Uuid,
    pub number: i64,
    pub status: OrderStatus,
    pub shop_name: String,
    /// "@maya", or "Guest".
    pub buyer: String,
    pub placed_at: DateTime<Utc>,
    pub total: Money,
    pub item_count: i64,
}

/// How a buyer is named on an order: their handle, or "Guest" for an
/// order bought without an account.
pub fn buyer_label(username: Option<&str>) -> String {
    match username {
        Some(name) => format!("@{name}"),
        None => "Guest".to_string(),
    }
}

/// Checks a tracking number: 4–40 letters, digits, spaces or dashes.
pub fn parse_tracking(raw: &str) -> Result<String, crate::error::AppError> {
    let t: String = raw.split_whitespace().collect::<Vec<_>>().join(" ").to_uppercase();
    let ok = (4..=40).contains(&t.len()) && t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b' ' || b == b'-');
    if ok {
        Ok(t)
    } else {
        Err(crate::error::AppError::validation(
            "tracking_number",
            "Enter the carrier's tracking number (4–40 letters and digits).",
        ))
    }
}

/// A carrier name, optional, one line.
pub fn parse_carrier(raw: &str) -> Result<Option<String>, crate::error::AppError> {
    let c: String = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    match c.chars().count() {
        0 => Ok(None),
        1..=40 => Ok(Some(c)),
        _ => Err(crate::error::AppError::validation("carrier", "Keep the carrier's name under 40 characters.")),
    }
}

/// A refund or cancellation reason: required, at most 500 characters.
pub fn parse_reason(raw: &str) -> Result<String, crate::error::AppError> {
    let r = raw.trim();
    if r.is_empty() {
        return Err(crate::error::AppError::validation("reason", "Give a reason (the buyer sees it)."));
    }
    if r.chars().count() > 500 {
        return Err(crate::error::AppError::validation("reason", "Keep the reason under 500 characters."));
    }
    Ok(r.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_numbers_are_checked_and_normalized() {
        assert_eq!(parse_tracking(" 1z999aa1 0123456784 ").unwrap(), "1Z999AA1 0123456784");
        assert!(parse_tracking("abc").is_err());
        assert!(parse_tracking("<script>alert(1)</script>").is_err());
    }

    #[test]
    fn reasons_are_required() {
        assert!(parse_reason("  ").is_err());
        assert_eq!(parse_reason(" damaged in transit ").unwrap(), "damaged in transit");
        assert_eq!(parse_carrier("  DHL  Express ").unwrap().as_deref(), Some("DHL Express"));
        assert_eq!(parse_carrier("").unwrap(), None);
    }
}

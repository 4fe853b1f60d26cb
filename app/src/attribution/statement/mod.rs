//! Statement: a creator's commission statement for a month. Every order
//! line they were credited on, what it paid them at which rate, where the
//! commission stands (pending until delivery and the return window, then
//! payable; reversed by a refund), and how the buyer came to it. Depends on
//! crediting (touch paths), rates (how a rate is shown) and dashboards (the
//! month and the pages' layout).

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::attribution::crediting::TouchView;
use crate::attribution::dashboards::Month;
use crate::money::{CurrencyTotals, Money};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CommissionStatus {
    Pending,
    Payable,
    Reversed,
}

impl CommissionStatus {
    pub fn parse(s: &str) -> Option<CommissionStatus> {
        match s {
            "pending" => Some(CommissionStatus::Pending),
            "payable" => Some(CommissionStatus::Payable),
            "reversed" => Some(CommissionStatus::Reversed),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CommissionStatus::Pending => "pending",
            CommissionStatus::Payable => "payable",
            CommissionStatus::Reversed => "reversed",
        }
    }
}

/// One order line the creator earned on.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatementLine {
    pub order_line_id: Uuid,
    pub purchased_at: DateTime<Utc>,
    pub shop_name: String,
    pub shop_handle: String,
    pub product: String,
    /// The share of the line's revenue credited to the creator.
    pub credit: Money,
    pub rate_bp: i32,
    pub commission: Money,
    pub status: CommissionStatus,
    /// When a pending commission becomes payable (set at delivery).
    pub payable_after: Option<DateTime<Utc>>,
    pub touches: Vec<TouchView>,
}

impl StatementLine {
    /// Where the commission stands, in words.
    pub fn status_text(&self) -> String {
        match (self.status, self.payable_after) {
            (CommissionStatus::Pending, Some(at)) => format!("Pending · payable from {}", at.format("%-d %b %Y")),
            (CommissionStatus::Pending, None) => "Pending · awaiting delivery".into(),
            (CommissionStatus::Payable, _) => "Payable".into(),
            (CommissionStatus::Reversed, _) => "Reversed (refunded)".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Statement {
    pub month: Month,
    /// Oldest first.
    pub lines: Vec<StatementLine>,
    /// Commission on the month's sales, per currency, by status.
    pub pending: CurrencyTotals,
    pub payable: CurrencyTotals,
    pub reversed_lines: i64,
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    #[test]
    fn the_status_says_when_a_pending_commission_becomes_payable() {
        let at = Utc.with_ymd_and_hms(2026, 12, 16, 9, 0, 0).unwrap();
        let mut line = StatementLine {
            order_line_id: Uuid::nil(),
            purchased_at: at,
            shop_name: "Shop".into(),
            shop_handle: "shop".into(),
            product: "Linen shirt".into(),
            credit: Money::new(5000, crate::money::Currency::USD),
            rate_bp: 1000,
            commission: Money::new(500, crate::money::Currency::USD),
            status: CommissionStatus::Pending,
            payable_after: None,
            touches: Vec::new(),
        };
        assert_eq!(line.status_text(), "Pending · awaiting delivery");
        line.payable_after = Some(at);
        assert_eq!(line.status_text(), "Pending · payable from 16 Dec 2026");
        line.status = CommissionStatus::Reversed;
        assert_eq!(line.status_text(), "Reversed (refunded)");
        for s in [CommissionStatus::Pending, CommissionStatus::Payable, CommissionStatus::Reversed] {
            assert_eq!(CommissionStatus::parse(s.as_str()), Some(s));
        }
    }
}

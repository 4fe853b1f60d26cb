//! The order status machine. The same table is in the database
//! (`order_transitions`, enforced by a trigger), so an illegal change is
//! refused here with a clear message and could not land even if code
//! skipped this check.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum OrderStatus {
    Pending,
    Paid,
    Fulfilled,
    Shipped,
    Delivered,
    Cancelled,
    Refunded,
    PartiallyRefunded,
    Disputed,
}

use OrderStatus::*;

impl OrderStatus {
    pub const ALL: [OrderStatus; 9] =
        [Pending, Paid, Fulfilled, Shipped, Delivered, Cancelled, Refunded, PartiallyRefunded, Disputed];

    pub fn as_str(self) -> &'static str {
        match self {
            Pending => "pending",
            Paid => "paid",
            Fulfilled => "fulfilled",
            Shipped => "shipped",
            Delivered => "delivered",
            Cancelled => "cancelled",
            Refunded => "refunded",
            PartiallyRefunded => "partially_refunded",
            Disputed => "disputed",
        }
    }

    pub fn parse(raw: &str) -> Result<OrderStatus, AppError> {
        OrderStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| AppError::validation("status", "Unknown order status."))
    }

    /// What buyers and shops read.
    pub fn label(self) -> &'static str {
        match self {
            Pending => "Awaiting payment",
            Paid => "Paid",
            Fulfilled => "Packed",
            Shipped => "Shipped",
            Delivered => "Delivered",
            Cancelled => "Cancelled",
            Refunded => "Refunded",
            PartiallyRefunded => "Partially refunded",
            Disputed => "Disputed",
        }
    }

    /// The statuses this one may move to.
    pub fn next(self) -> &'static [OrderStatus] {
        match self {
            Pending => &[Paid, Cancelled],
            Paid => &[Fulfilled, Cancelled, Refunded, PartiallyRefunded, Disputed],
            Fulfilled => &[Shipped, Cancelled, Refunded, PartiallyRefunded, Disputed],
            Shipped => &[Delivered, Refunded, PartiallyRefunded, Disputed],
            Delivered => &[Refunded, PartiallyRefunded, Disputed],
            PartiallyRefunded => &[Fulfilled, Shipped, Delivered, Refunded, Disputed],
            Disputed => &[Delivered, Refunded],
            Cancelled | Refunded => &[],
        }
    }

    pub fn can_become(self, to: OrderStatus) -> bool {
        self.next().contains(&to)
    }

    /// Checks a change, naming both ends when it isn't allowed.
    pub fn check(self, to: OrderStatus) -> Result<(), AppError> {
        if self.can_become(to) {
            Ok(())
        } else {
            Err(AppError::conflict(
                "status",
                format!("An order that is {} can't become {}.", self.label().to_lowercase(), to.label().to_lowercase()),
            ))
        }
    }

    /// Not yet handed to the carrier: shipping and cancelling are still open.
    pub fn before_shipping(self) -> bool {
        matches!(self, Paid | Fulfilled | PartiallyRefunded)
    }

    /// Money was taken and some of it can still be refunded.
    pub fn refundable(self) -> bool {
        matches!(self, Paid | Fulfilled | Shipped | Delivered | PartiallyRefunded | Disputed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_happy_path_is_allowed_in_order_only() {
        let path = [Pending, Paid, Fulfilled, Shipped, Delivered];
        for pair in path.windows(2) {
            assert!(pair[0].can_become(pair[1]), "{:?} -> {:?}", pair[0], pair[1]);
        }
        assert!(!Pending.can_become(Shipped));
        assert!(!Delivered.can_become(Shipped));
        assert!(!Shipped.can_become(Cancelled), "shipped orders are refunded, not cancelled");
    }

    #[test]
    fn final_statuses_go_nowhere() {
        for s in [Cancelled, Refunded] {
            assert!(OrderStatus::ALL.iter().all(|to| !s.can_become(*to)));
        }
    }

    #[test]
    fn illegal_changes_say_why() {
        let err = Delivered.check(Pending).unwrap_err();
        assert_eq!(err.to_string(), "An order that is delivered can't become awaiting payment.");
    }

    #[test]
    fn names_round_trip_and_match_the_database() {
        let migration = include_str!("../../../migrations/20261122000007_commerce.sql");
        for s in OrderStatus::ALL {
            assert_eq!(OrderStatus::parse(s.as_str()).unwrap(), s);
            for to in s.next() {
                let pair = format!("('{}', '{}')", s.as_str(), to.as_str());
                assert!(migration.contains(&pair), "the database's transition table lacks {pair}");
            }
        }
    }
}

//! The shopper's wallet (`/settings/payment`): one saved shipping address
//! and cards saved with the payment provider, which Buy now pays with. A
//! card is added through the provider's hosted field, so its number goes to
//! the provider and never to Storefeed: what comes back is a token, which
//! only this shopper's customer at the provider can pay with.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::checkout::address::Address;

/// A saved card as its owner sees it. The provider's token stays on the
/// server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedCard {
    pub id: Uuid,
    /// The brand's display name ("Visa").
    pub brand: String,
    pub last4: String,
    pub exp_month: u8,
    pub exp_year: u16,
    /// The card Buy now pays with.
    pub is_default: bool,
}

impl SavedCard {
    /// "Visa •••• 4242".
    pub fn summary(&self) -> String {
        format!("{} •••• {}", self.brand, self.last4)
    }

    /// "12/30".
    pub fn expiry(&self) -> String {
        format!("{:02}/{:02}", self.exp_month, self.exp_year % 100)
    }
}

/// Everything on the wallet page.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Wallet {
    pub address: Option<Address>,
    pub cards: Vec<SavedCard>,
}

impl Wallet {
    /// The card Buy now pays with.
    pub fn default_card(&self) -> Option<&SavedCard> {
        self.cards.iter().find(|c| c.is_default)
    }
}

/// Why a card coming back from the hosted field was not saved. Its code
/// travels in the wallet page's address (`?card=<code>`); the page shows
/// the fixed message for it, never text taken from the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SetupProblem {
    /// Not a setup this shopper started in the last half hour, or used.
    Expired,
    /// The provider refused the token (someone else's, or never issued).
    Rejected,
    Duplicate,
    TooMany,
    Unavailable,
    SignedOut,
}

impl SetupProblem {
    const ALL: [SetupProblem; 6] = [
        SetupProblem::Expired,
        SetupProblem::Rejected,
        SetupProblem::Duplicate,
        SetupProblem::TooMany,
        SetupProblem::Unavailable,
        SetupProblem::SignedOut,
    ];

    pub fn code(self) -> &'static str {
        match self {
            SetupProblem::Expired => "expired",
            SetupProblem::Rejected => "rejected",
            SetupProblem::Duplicate => "duplicate",
            SetupProblem::TooMany => "too-many",
            SetupProblem::Unavailable => "unavailable",
            SetupProblem::SignedOut => "signed-out",
        }
    }

    pub fn from_code(code: &str) -> Option<SetupProblem> {
        SetupProblem::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            SetupProblem::Expired => "That card setup has expired or was already used. Add the card again.",
            SetupProblem::Rejected => "That card could not be saved. Add it again.",
            SetupProblem::Duplicate => "That card is already saved.",
            SetupProblem::TooMany => "You can save up to 10 cards. Remove one first.",
            SetupProblem::Unavailable => "The payment provider could not be reached. Try again in a moment.",
            SetupProblem::SignedOut => "Sign in, then add the card again.",
        }
    }
}

/// Where the provider's hosted field sends the shopper back to, with the
/// token (`payment_token`) and the setup's `state`.
pub const CARD_ADDED_PATH: &str = "/api/wallet/card-added";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_card_reads_as_brand_last_four_and_expiry() {
        let card = SavedCard {
            id: Uuid::nil(),
            brand: "Visa".into(),
            last4: "4242".into(),
            exp_month: 3,
            exp_year: 2031,
            is_default: true,
        };
        assert_eq!(card.summary(), "Visa •••• 4242");
        assert_eq!(card.expiry(), "03/31");
        let wallet =
            Wallet { address: None, cards: vec![SavedCard { is_default: false, ..card.clone() }, card.clone()] };
        assert_eq!(wallet.default_card(), Some(&card));
    }

    #[test]
    fn setup_problems_round_trip_through_the_address() {
        for problem in SetupProblem::ALL {
            assert_eq!(SetupProblem::from_code(problem.code()), Some(problem));
        }
        assert_eq!(SetupProblem::from_code("<script>"), None);
    }
}

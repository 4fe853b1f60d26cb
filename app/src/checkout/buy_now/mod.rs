//! Buy now: from a product sheet or page to a placed order in one request,
//! for a signed-in shopper with a saved address and card (the wallet,
//! `/settings/payment`). It is the full checkout's machinery with the
//! forms already filled in: the purchase gets a cart of its own (the
//! shopper's cart is left alone), a checkout at the payment step with the
//! saved address and standard shipping, a stock hold through the stock
//! gate, and `place::place` with the saved card, which charges only the
//! total the button showed. A shopper without saved details gets the usual
//! "add to cart, then checkout".
//!
//! Idempotent per click: the form carries a click key, and the key finds
//! the checkout it started, so a double click or a retried request places
//! one order and charges once.

pub mod api;
pub mod button;
#[cfg(feature = "ssr")]
pub mod db;

use serde::{Deserialize, Serialize};

use crate::money::Money;

/// What the Buy now button says before the tap: the total it will charge
/// (goods, shipping and tax, after automatic promotions), the card and the
/// address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BuyNowQuote {
    pub total: Money,
    /// "Visa •••• 4242".
    pub card: String,
    /// "Ada Lovelace, Portland".
    pub ship_to: String,
    /// "Standard shipping (free)" or "Standard shipping $5.00".
    pub shipping: String,
}

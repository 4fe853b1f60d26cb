//! Checkout: one page backed by a server-side state machine (contact and
//! address → shipping → payment → placed) that survives a reload or a second
//! tab. A checkout covers one shop's lines of the cart, in that shop's
//! currency, and holds their stock while it is open. The card is typed on
//! the payment provider's hosted page (`hosted`), never on Storefeed's.

pub mod address;
pub mod address_fields;
pub mod api;
pub mod buy_now;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod guest;
pub mod hosted;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod place;
pub mod pricing;
pub mod shipping;
pub mod summary;
pub mod summary_rows;
pub mod tax;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use self::address::Address;
use self::pricing::Priced;
use self::shipping::{ShippingOption, ShippingQuote};
use crate::error::AppError;
use crate::money::Currency;

/// Where a checkout stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Step {
    Contact,
    Shipping,
    Payment,
    Placed,
    Abandoned,
}

impl Step {
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Contact => "contact",
            Step::Shipping => "shipping",
            Step::Payment => "payment",
            Step::Placed => "placed",
            Step::Abandoned => "abandoned",
        }
    }

    pub fn parse(raw: &str) -> Result<Step, AppError> {
        [Step::Contact, Step::Shipping, Step::Payment, Step::Placed, Step::Abandoned]
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or(AppError::Internal)
    }

    /// Still being filled in (not placed, not abandoned).
    pub fn open(self) -> bool {
        matches!(self, Step::Contact | Step::Shipping | Step::Payment)
    }

    /// The step after saving the address: shipping, since its price depends
    /// on where the parcel goes (so an address edited later asks again).
    pub fn after_address(self) -> Result<Step, AppError> {
        self.editable()?;
        Ok(Step::Shipping)
    }

    /// The step after choosing shipping; needs an address first.
    pub fn after_shipping(self) -> Result<Step, AppError> {
        self.editable()?;
        match self {
            Step::Contact => Err(AppError::validation("shipping_option", "Enter your address first.")),
            _ => Ok(Step::Payment),
        }
    }

    /// Payment needs address and shipping done.
    pub fn ready_to_pay(self) -> Result<(), AppError> {
        self.editable()?;
        match self {
            Step::Payment => Ok(()),
            _ => Err(AppError::validation("shipping_option", "Choose a shipping option first.")),
        }
    }

    fn editable(self) -> Result<(), AppError> {
        match self {
            Step::Placed => Err(AppError::conflict("checkout", "This order was already placed.")),
            Step::Abandoned => {
                Err(AppError::conflict("checkout", "This checkout was closed. Start again from your cart."))
            }
            _ => Ok(()),
        }
    }
}

/// The checkout page's data, always priced afresh on the server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CheckoutView {
    pub id: Uuid,
    pub shop_handle: String,
    pub shop_name: String,
    pub currency: Currency,
    /// Checking out without an account: the order is theirs through its
    /// link and receipt mail.
    pub guest: bool,
    pub step: Step,
    pub email: String,
    pub address: Option<Address>,
    pub shipping_option: Option<ShippingOption>,
    pub quotes: Vec<ShippingQuote>,
    pub priced: Priced,
    pub promo_codes: Vec<String>,
    /// When the held stock is released unless the order is placed.
    pub reserved_until: Option<DateTime<Utc>>,
    /// Why the last payment attempt failed, if it did.
    pub last_failure: Option<String>,
    pub order_id: Option<Uuid>,
    /// Lines that can't be bought as they are (sold out, price currency).
    pub problems: Vec<String>,
    /// Installment plans for a checkout of one product that offers them.
    pub plans: Option<crate::plans::CheckoutPlans>,
}

/// Normalizes a promotion code as typed ("  summer-10 " → "SUMMER-10").
pub fn normalize_code(raw: &str) -> Result<String, AppError> {
    let code: String = raw.trim().to_uppercase();
    if code.len() < 3 || code.len() > 32 || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        return Err(AppError::validation("code", "Promotion codes are 3–32 letters, digits, - or _."));
    }
    Ok(code)
}

/// The most codes one checkout may carry.
pub const MAX_CODES: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn steps_go_forward_in_order_and_stop_when_placed() {
        assert_eq!(Step::Contact.after_address().unwrap(), Step::Shipping);
        assert_eq!(Step::Payment.after_address().unwrap(), Step::Shipping, "a new address asks for shipping again");
        assert!(Step::Contact.after_shipping().is_err());
        assert_eq!(Step::Shipping.after_shipping().unwrap(), Step::Payment);
        assert!(Step::Shipping.ready_to_pay().is_err());
        assert!(Step::Payment.ready_to_pay().is_ok());
        assert!(Step::Placed.after_address().is_err());
        assert!(Step::Abandoned.ready_to_pay().is_err());
    }

    #[test]
    fn codes_are_normalized() {
        assert_eq!(normalize_code(" summer-10 ").unwrap(), "SUMMER-10");
        assert!(normalize_code("a").is_err());
        assert!(normalize_code("<script>").is_err());
    }
}

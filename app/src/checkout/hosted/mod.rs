//! "Pay" on the checkout page, as a hosted payment page (Stripe Checkout)
//! works: the page posts the total it shows, the server opens a one-time
//! payment session bound to the checkout, the buyer and that total
//! (`db::start`), and sends the buyer to the provider's page, where the card
//! is typed. The provider sends them back to [`CARD_ENTERED_PATH`] with a
//! one-time token and the session's `state`; `db::finish` spends the session
//! once and places the order with the token through `place::place`, which
//! charges exactly the session's total or nothing. Card numbers reach the
//! provider only, never Storefeed's pages or server.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;

/// Where the checkout page's "Pay" form posts.
pub const START_PATH: &str = "/api/checkout/pay";

/// Where the provider's page sends the buyer back, with `payment_token`
/// and `state`.
pub const CARD_ENTERED_PATH: &str = "/api/checkout/card-entered";

/// Why a return from the provider's page placed no order. Its code travels
/// in the checkout page's address (`?payment=<code>`); the page shows the
/// fixed message for it, never text taken from the address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PaymentProblem {
    /// The bank said no; the checkout shows the provider's reason.
    Declined,
    /// The order came to another total than the button showed; nothing was
    /// charged and the page shows the new one to confirm.
    TotalChanged,
    SoldOut,
    /// Not a session this buyer started in the last half hour, or used.
    Expired,
    /// The provider refused the token (spent, saved by someone, never issued).
    Rejected,
    Unavailable,
    TooMany,
    /// The checkout changed under the payment (an address or shipping edit
    /// in another tab, or it was closed).
    NotReady,
    Failed,
}

impl PaymentProblem {
    const ALL: [PaymentProblem; 9] = [
        PaymentProblem::Declined,
        PaymentProblem::TotalChanged,
        PaymentProblem::SoldOut,
        PaymentProblem::Expired,
        PaymentProblem::Rejected,
        PaymentProblem::Unavailable,
        PaymentProblem::TooMany,
        PaymentProblem::NotReady,
        PaymentProblem::Failed,
    ];

    pub fn code(self) -> &'static str {
        match self {
            PaymentProblem::Declined => "declined",
            PaymentProblem::TotalChanged => "total-changed",
            PaymentProblem::SoldOut => "sold-out",
            PaymentProblem::Expired => "expired",
            PaymentProblem::Rejected => "rejected",
            PaymentProblem::Unavailable => "unavailable",
            PaymentProblem::TooMany => "too-many",
            PaymentProblem::NotReady => "not-ready",
            PaymentProblem::Failed => "failed",
        }
    }

    pub fn from_code(code: &str) -> Option<PaymentProblem> {
        PaymentProblem::ALL.into_iter().find(|p| p.code() == code)
    }

    pub fn message(self) -> &'static str {
        match self {
            PaymentProblem::Declined => "Your card was declined. Try another card.",
            PaymentProblem::TotalChanged => "Your total changed, so we didn't charge you.",
            PaymentProblem::SoldOut => {
                "Something in your order sold out before the payment went through. You were not charged."
            }
            PaymentProblem::Expired => "That payment was already submitted or has expired. Press Pay to try again.",
            PaymentProblem::Rejected => "The payment provider could not use that card. Press Pay to try again.",
            PaymentProblem::Unavailable => {
                "We couldn't confirm your payment yet. Try again in a moment: you won't be charged twice."
            }
            PaymentProblem::TooMany => "Too many payment attempts. Please wait a few minutes and try again.",
            PaymentProblem::NotReady => {
                "Your checkout changed before the payment went through. Check it, then press Pay."
            }
            PaymentProblem::Failed => "Something went wrong on our side. Please try again.",
        }
    }
}

/// The checkout page's address after a return that placed no order:
/// `/checkout/<shop>?payment=<code>`, with the total the button showed
/// (`was`, minor units) when it changed.
pub fn back_to_checkout(shop: &str, problem: PaymentProblem, was: Option<i64>) -> String {
    let shop: String = shop.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-').collect();
    match was {
        Some(was) => format!("/checkout/{shop}?payment={}&was={was}", problem.code()),
        None => format!("/checkout/{shop}?payment={}", problem.code()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn problems_round_trip_through_the_address() {
        for problem in PaymentProblem::ALL {
            assert_eq!(PaymentProblem::from_code(problem.code()), Some(problem));
        }
        assert_eq!(PaymentProblem::from_code("<script>"), None);
        assert_eq!(PaymentProblem::from_code(""), None);
    }

    #[test]
    fn the_way_back_names_the_shop_and_the_problem_only() {
        assert_eq!(
            back_to_checkout("maker_shop", PaymentProblem::Declined, None),
            "/checkout/maker_shop?payment=declined"
        );
        assert_eq!(
            back_to_checkout("maker_shop", PaymentProblem::TotalChanged, Some(4826)),
            "/checkout/maker_shop?payment=total-changed&was=4826"
        );
        assert_eq!(
            back_to_checkout("a/../b?x=<y>", PaymentProblem::Expired, None),
            "/checkout/abxy?payment=expired",
            "a handle can't leave the checkout path"
        );
    }
}

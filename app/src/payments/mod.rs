//! Card payments: the provider contract checkout talks to, the built-in test
//! provider that keeps its books in the database, and card brands.
//!
//! The test provider behaves like a real provider in test mode. Any valid
//! card number is approved, except these, which act out the hard cases:
//!
//! | Card number        | Outcome                                                       |
//! |--------------------|---------------------------------------------------------------|
//! | `4242424242424242` | Approved (as is any other valid number)                       |
//! | `4000000000000002` | Declined: "Your card was declined." (`card_declined`)          |
//! | `4000000000009995` | Declined: insufficient funds (`insufficient_funds`)            |
//! | `4000000000000069` | Declined: the card has expired (`expired_card`)                |
//! | `4000000000000119` | The first try fails as if the network dropped; a retry with the same idempotency key is approved |
//!
//! The test provider does not look at expiry dates or CVCs.
//!
//! Card numbers are typed only on the provider's hosted page (`hosted`):
//! Storefeed pays and saves cards by the tokens it issues.

pub mod cards;
pub mod hosted;
#[cfg(feature = "ssr")]
pub mod provider;
#[cfg(feature = "ssr")]
pub mod test_provider;

//! The contract between checkout and a card payment provider: authorize a
//! hold, capture it, void it, refund it, and find an authorization again by
//! its idempotency key. Any provider (the built-in test one or a real one) fits.

use std::fmt;
use std::future::Future;
use std::pin::Pin;

use crate::money::Currency;
use crate::payments::cards::{CardBrand, CardDetails};

/// A boxed future, so the trait stays usable as `dyn PaymentProvider`.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// A card payment provider, Stripe-like. What callers rely on:
///
/// - **Idempotent authorization.** `authorize` with an idempotency key it has
///   seen returns the *same* result (same reference, same approval or
///   decline) and never places a second hold, even when the two calls race.
///   Reusing a key with a different amount, currency or card is `Rejected`.
/// - **A decline is an answer, not an error.** It comes back as
///   `Ok(Authorization { status: AuthStatus::Declined { .. }, .. })`, with a
///   message fit for the buyer.
/// - **`Transient` means "nothing happened, or we cannot know".** Retry with
///   the same idempotency key, or `lookup` the key to learn whether the
///   authorization exists; never retry with a fresh key, which could charge twice.
/// - **Amounts are bounded.** Capture at most what was authorized (once; a
///   partial capture releases the rest); refunds in total at most what was
///   captured; void only an authorization that was not captured (refund after).
/// - Retrying `capture` or `void` after a `Transient` error is safe: repeating
///   one that already happened succeeds without doing it again. Refunds carry
///   their own idempotency key for the same reason.
pub trait PaymentProvider: Send + Sync + 'static {
    /// Stored with each payment (`payments.provider`).
    fn name(&self) -> &'static str;

    /// Places a hold of `amount_minor` on the card, or reports the decline.
    fn authorize<'a>(&'a self, req: AuthorizeRequest<'a>) -> BoxFuture<'a, Result<Authorization, ProviderError>>;

    /// Takes `amount_minor` (at most the authorized amount) of the hold.
    fn capture<'a>(&'a self, reference: &'a str, amount_minor: i64) -> BoxFuture<'a, Result<(), ProviderError>>;

    /// Releases a hold that was not captured.
    fn void<'a>(&'a self, reference: &'a str) -> BoxFuture<'a, Result<(), ProviderError>>;

    /// Returns `amount_minor` of a captured payment; a repeated
    /// `idempotency_key` is not refunded again.
    fn refund<'a>(
        &'a self,
        reference: &'a str,
        amount_minor: i64,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>>;

    /// The authorization made under `idempotency_key`, if the provider has
    /// one: how a caller recovers after a `Transient` error or a crash.
    fn lookup<'a>(&'a self, idempotency_key: &'a str) -> BoxFuture<'a, Result<Option<Authorization>, ProviderError>>;

    /// Saves a card its hosted field tokenized for `customer` and tells
    /// what card it is. A token already saved for another customer, or one
    /// the provider never issued, is `Rejected`; saving it again for the
    /// same customer answers the same.
    fn attach<'a>(&'a self, token: &'a str, customer: &'a str) -> BoxFuture<'a, Result<CardDetails, ProviderError>>;

    /// Forgets a saved card; the token can no longer pay. Detaching one
    /// already detached succeeds.
    fn detach<'a>(&'a self, token: &'a str, customer: &'a str) -> BoxFuture<'a, Result<(), ProviderError>>;
}

/// What pays: a card number typed at checkout, passed through to the
/// provider, or a card saved with the provider, named by its token and
/// usable only by the customer it was saved for.
#[derive(Clone, Copy)]
pub enum Source<'a> {
    Card { digits: &'a str, brand: CardBrand },
    Saved { token: &'a str, customer: &'a str },
}

/// One authorization attempt. The full card number is only passed through to
/// the provider; Storefeed keeps brand and last four digits.
#[derive(Clone, Copy)]
pub struct AuthorizeRequest<'a> {
    pub idempotency_key: &'a str,
    pub amount_minor: i64,
    pub currency: Currency,
    pub source: Source<'a>,
}

impl Source<'_> {
    /// The last four digits of a typed card (fewer if the number is that
    /// short); a saved card's are the provider's to tell.
    pub fn typed_last4(&self) -> Option<&str> {
        match self {
            Source::Card { digits, .. } => Some(&digits[digits.len().saturating_sub(4)..]),
            Source::Saved { .. } => None,
        }
    }
}

// Written by hand so a logged request never shows the full card number.
impl fmt::Debug for AuthorizeRequest<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AuthorizeRequest")
            .field("idempotency_key", &self.idempotency_key)
            .field("amount_minor", &self.amount_minor)
            .field("currency", &self.currency)
            .field("source", &self.source)
            .finish()
    }
}

impl fmt::Debug for Source<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Card { brand, .. } => f
                .debug_struct("Card")
                .field("number", &format_args!("•••• {}", self.typed_last4().unwrap_or_default()))
                .field("brand", brand)
                .finish(),
            Source::Saved { token, customer } => {
                f.debug_struct("Saved").field("token", token).field("customer", customer).finish()
            }
        }
    }
}

/// The provider's answer to an authorization, approved or declined.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    /// The provider's id for this payment; capture, void and refund use it.
    pub reference: String,
    pub status: AuthStatus,
    /// The card brand's display name ("Visa").
    pub brand: String,
    pub last4: String,
}

/// Whether the hold was placed. Later captures, voids and refunds do not
/// change it: it is the answer to the authorization.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthStatus {
    Authorized,
    /// `code` is machine-readable ("insufficient_funds"); `message` is for the buyer.
    Declined {
        code: String,
        message: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProviderError {
    /// Nothing happened, or the outcome is unknown (timeout, provider down):
    /// retry with the same idempotency key, or look the key up.
    #[error("payment provider unavailable: {0}")]
    Transient(String),
    /// The provider refused the request itself (capturing more than was
    /// authorized, an unknown reference); retrying will not help.
    #[error("payment provider refused the request: {0}")]
    Rejected(String),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_card_number() {
        let req = AuthorizeRequest {
            idempotency_key: "k",
            amount_minor: 500,
            currency: Currency::USD,
            source: Source::Card { digits: "4242424242424242", brand: CardBrand::Visa },
        };
        let shown = format!("{req:?}");
        assert!(!shown.contains("4242424242424242"), "{shown}");
        assert!(shown.contains("•••• 4242"), "{shown}");
    }
}

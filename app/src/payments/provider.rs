//! The contract between checkout and a card payment provider: open its
//! hosted payment page, authorize a hold on what the page tokenized,
//! capture it, void it, refund it, and find an authorization again by its
//! idempotency key. Any provider (the built-in test one or a real one) fits.

use std::future::Future;
use std::pin::Pin;

use crate::money::{Currency, Money};
use crate::payments::cards::CardDetails;

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

    /// Opens the provider's hosted payment page for one payment, server to
    /// server (the amount and the merchant's name it shows come from here,
    /// never from the buyer's address bar), and returns the page's address
    /// to send the buyer to. The page tokenizes the card and sends the
    /// buyer to `return_to` with `payment_token` and `state`.
    fn open_payment_page<'a>(&'a self, page: PaymentPage<'a>) -> BoxFuture<'a, Result<String, ProviderError>>;

    /// What card a one-time token from the hosted page is. A token saved to
    /// a customer, already spent, or never issued is `Rejected`.
    fn describe<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<CardDetails, ProviderError>>;
}

/// What a hosted payment page shows and where it returns to.
#[derive(Debug, Clone, Copy)]
pub struct PaymentPage<'a> {
    pub amount: Money,
    /// The shop's name, as the buyer knows it ("Pay $48.26 to Maker").
    pub merchant: &'a str,
    /// A path on the merchant's site (`payments::hosted::valid_return`).
    pub return_to: &'a str,
    pub state: &'a str,
}

/// What pays, always a token the provider issued (Storefeed never handles
/// a card number): a one-time token from the hosted payment page, which
/// pays for one authorization and only while no customer has saved it, or
/// a card saved with the provider, usable only by the customer it was
/// saved for.
#[derive(Debug, Clone, Copy)]
pub enum Source<'a> {
    Token { token: &'a str },
    Saved { token: &'a str, customer: &'a str },
}

/// One authorization attempt.
#[derive(Debug, Clone, Copy)]
pub struct AuthorizeRequest<'a> {
    pub idempotency_key: &'a str,
    pub amount_minor: i64,
    pub currency: Currency,
    pub source: Source<'a>,
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

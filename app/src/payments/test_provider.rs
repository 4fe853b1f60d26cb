//! The built-in test provider: approves, declines or fails as each test card
//! says (`cards::test_outcome`), keeping its provider-side books in the
//! `test_provider_*` tables so they survive a restart, as a real provider's do.

use chrono::{DateTime, Utc};
use rand::distributions::{Alphanumeric, DistString};
use sqlx::{PgConnection, PgPool};

use super::hosted::{valid_return, HOSTED_FIELD_PATH};
use super::provider::{
    AuthStatus, Authorization, AuthorizeRequest, BoxFuture, PaymentPage, PaymentProvider, ProviderError, Source,
};
use crate::error::AppResult;
use crate::money::{Currency, Money};
use crate::payments::cards::{self, test_outcome, CardBrand, CardDetails, CardInput, TestOutcome};

/// A `PaymentProvider` that moves no money. Cheap to clone (it holds the pool).
#[derive(Clone)]
pub struct TestProvider {
    pool: PgPool,
}

impl TestProvider {
    pub fn new(pool: PgPool) -> Self {
        TestProvider { pool }
    }

    /// The hosted page's submit: checks the card as the buyer typed it on
    /// the provider's page and returns a token for it. The number is not
    /// kept, only what the test card does. The token pays once, as a
    /// one-time payment method, unless it is first saved to a customer.
    pub async fn tokenize(&self, input: &CardInput, today_year: u16, today_month: u8) -> AppResult<String> {
        let (details, digits) = cards::check(input, today_year, today_month)?;
        let token = format!("pm_{}", Alphanumeric.sample_string(&mut rand::thread_rng(), 24));
        sqlx::query!(
            "INSERT INTO test_provider_payment_methods (token, brand, last4, exp_month, exp_year, outcome)
             VALUES ($1, $2, $3, $4, $5, $6)",
            token,
            details.brand.name(),
            details.last4,
            i16::from(details.exp_month),
            details.exp_year as i16,
            test_outcome(&digits).code(),
        )
        .execute(&self.pool)
        .await?;
        Ok(token)
    }

    /// Tells a card what to do from now on (a saved card that starts
    /// declining, as a real one does when it is cancelled): how tests make
    /// a later instalment fail or succeed. `NotFound` for an unknown token.
    pub async fn script(&self, token: &str, outcome: TestOutcome) -> AppResult<()> {
        let changed = sqlx::query!(
            "UPDATE test_provider_payment_methods SET outcome = $2 WHERE token = $1",
            token,
            outcome.code()
        )
        .execute(&self.pool)
        .await?
        .rows_affected();
        if changed == 0 {
            return Err(crate::error::AppError::NotFound("Card".into()));
        }
        Ok(())
    }

    /// What a payment source charges: the card's scripted outcome, brand and
    /// last four. A one-time token pays for the first idempotency key it is
    /// used with (retries with that key included) and only while no
    /// customer has saved it; a saved card pays only for the customer it
    /// was saved for.
    async fn resolve(&self, conn: &mut PgConnection, source: Source<'_>, key: &str) -> Result<Charged, ProviderError> {
        let method = match source {
            Source::Token { token } => sqlx::query!(
                "UPDATE test_provider_payment_methods SET spent_by = $2
                 WHERE token = $1 AND customer IS NULL AND (spent_by IS NULL OR spent_by = $2)
                 RETURNING brand, last4, outcome",
                token,
                key
            )
            .fetch_optional(conn)
            .await
            .map_err(unreachable)?
            .map(|m| (m.brand, m.last4, m.outcome))
            .ok_or_else(|| ProviderError::Rejected("no such one-time payment method".into()))?,
            Source::Saved { token, customer } => sqlx::query!(
                "SELECT brand, last4, outcome FROM test_provider_payment_methods WHERE token = $1 AND customer = $2",
                token,
                customer
            )
            .fetch_optional(conn)
            .await
            .map_err(unreachable)?
            .map(|m| (m.brand, m.last4, m.outcome))
            .ok_or_else(|| ProviderError::Rejected("no such payment method for this customer".into()))?,
        };
        let (brand, last4, outcome) = method;
        Ok(Charged { outcome: TestOutcome::from_code(&outcome).unwrap_or(TestOutcome::Succeeds), brand, last4 })
    }

    /// The hosted payment page `id`, if it was opened and is not older than
    /// `PAGE_TTL_MINUTES` at `now`: what the page shows and where it goes back.
    pub async fn payment_page(&self, id: &str, now: DateTime<Utc>) -> AppResult<Option<OpenPage>> {
        let row = sqlx::query!(
            "SELECT amount_minor, currency, merchant, return_to, state FROM test_provider_payment_pages
             WHERE id = $1 AND created_at > $2",
            id,
            now - chrono::Duration::minutes(PAGE_TTL_MINUTES)
        )
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| {
            Ok(OpenPage {
                amount: Money::new(r.amount_minor, Currency::parse(&r.currency)?),
                merchant: r.merchant,
                return_to: r.return_to,
                state: r.state,
            })
        })
        .transpose()
    }

    async fn open_page(&self, page: PaymentPage<'_>) -> Result<String, ProviderError> {
        if !valid_return(page.return_to, page.state) {
            return Err(ProviderError::Rejected("return_to must be a path on the merchant's site".into()));
        }
        if page.amount.minor <= 0 {
            return Err(ProviderError::Rejected("the amount must be positive".into()));
        }
        let merchant: String = page.merchant.trim().chars().take(200).collect();
        let id = format!("hp_{}", Alphanumeric.sample_string(&mut rand::thread_rng(), 24));
        sqlx::query!(
            "INSERT INTO test_provider_payment_pages (id, amount_minor, currency, merchant, return_to, state)
             VALUES ($1, $2, $3, $4, $5, $6)",
            id,
            page.amount.minor,
            page.amount.currency.code(),
            merchant,
            page.return_to,
            page.state
        )
        .execute(&self.pool)
        .await
        .map_err(unreachable)?;
        Ok(format!("{HOSTED_FIELD_PATH}?page={id}"))
    }

    async fn describe_token(&self, token: &str) -> Result<CardDetails, ProviderError> {
        let method = sqlx::query!(
            "SELECT brand, last4, exp_month, exp_year FROM test_provider_payment_methods
             WHERE token = $1 AND customer IS NULL AND spent_by IS NULL",
            token
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(unreachable)?
        .ok_or_else(|| ProviderError::Rejected("no such one-time payment method".into()))?;
        Ok(CardDetails {
            brand: CardBrand::from_name(&method.brand),
            last4: method.last4,
            exp_month: method.exp_month as u8,
            exp_year: method.exp_year as u16,
        })
    }

    async fn authorize_once(&self, req: AuthorizeRequest<'_>) -> Result<Authorization, ProviderError> {
        check_request(&req)?;
        let mut tx = self.pool.begin().await.map_err(unreachable)?;
        let Charged { outcome, brand, last4 } = self.resolve(&mut tx, req.source, req.idempotency_key).await?;
        if let Some(intent) = intent_by_key(&mut tx, req.idempotency_key).await? {
            intent.check_same_request(&req, &last4)?;
            return Ok(intent.authorization());
        }
        if outcome == TestOutcome::FailsOnceThenSucceeds {
            // Concurrent first attempts queue on this key's row: exactly one
            // of them is the failure.
            let first_attempt = sqlx::query!(
                "INSERT INTO test_provider_attempts (idempotency_key, failures) VALUES ($1, 1) ON CONFLICT DO NOTHING",
                req.idempotency_key
            )
            .execute(&mut *tx)
            .await
            .map_err(unreachable)?
            .rows_affected()
                == 1;
            if first_attempt {
                tx.commit().await.map_err(unreachable)?;
                return Err(ProviderError::Transient(outcome.message().to_string()));
            }
        }
        let code = decline_code(outcome);
        // A racing call with the same key waits here for the first to commit,
        // then inserts nothing and reads the first call's intent below.
        sqlx::query!(
            "INSERT INTO test_provider_intents
                 (idempotency_key, reference, amount_minor, currency, status, card_brand, card_last4, decline_code)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (idempotency_key) DO NOTHING",
            req.idempotency_key,
            new_reference(),
            req.amount_minor,
            req.currency.code(),
            if code.is_some() { "declined" } else { "authorized" },
            brand,
            last4,
            code,
        )
        .execute(&mut *tx)
        .await
        .map_err(unreachable)?;
        let intent = intent_by_key(&mut tx, req.idempotency_key)
            .await?
            .ok_or_else(|| ProviderError::Transient("the authorization was not recorded".into()))?;
        tx.commit().await.map_err(unreachable)?;
        intent.check_same_request(&req, &last4)?;
        Ok(intent.authorization())
    }

    async fn attach_method(&self, token: &str, customer: &str) -> Result<CardDetails, ProviderError> {
        let method = sqlx::query!(
            "UPDATE test_provider_payment_methods SET customer = $2
             WHERE token = $1 AND (customer IS NULL OR customer = $2) AND spent_by IS NULL
             RETURNING brand, last4, exp_month, exp_year",
            token,
            customer
        )
        .fetch_optional(&self.pool)
        .await
        .map_err(unreachable)?
        .ok_or_else(|| ProviderError::Rejected("no such payment method".into()))?;
        Ok(CardDetails {
            brand: CardBrand::from_name(&method.brand),
            last4: method.last4,
            exp_month: method.exp_month as u8,
            exp_year: method.exp_year as u16,
        })
    }

    async fn detach_method(&self, token: &str, customer: &str) -> Result<(), ProviderError> {
        sqlx::query!("DELETE FROM test_provider_payment_methods WHERE token = $1 AND customer = $2", token, customer)
            .execute(&self.pool)
            .await
            .map_err(unreachable)?;
        Ok(())
    }

    async fn capture_hold(&self, reference: &str, amount_minor: i64) -> Result<(), ProviderError> {
        if amount_minor <= 0 {
            return Err(ProviderError::Rejected("the capture amount must be positive".into()));
        }
        let mut tx = self.pool.begin().await.map_err(unreachable)?;
        let intent = intent_for_update(&mut tx, reference).await?;
        match intent.status.as_str() {
            "authorized" if amount_minor > intent.amount_minor => Err(ProviderError::Rejected(format!(
                "cannot capture {amount_minor}: only {} was authorized",
                intent.amount_minor
            ))),
            "authorized" => {
                sqlx::query!(
                    "UPDATE test_provider_intents SET status = 'captured', captured_minor = $2, updated_at = app_now()
                     WHERE reference = $1",
                    reference,
                    amount_minor
                )
                .execute(&mut *tx)
                .await
                .map_err(unreachable)?;
                tx.commit().await.map_err(unreachable)
            }
            // The same capture again is a retry whose first answer was lost.
            "captured" | "partially_refunded" | "refunded" if intent.captured_minor == amount_minor => Ok(()),
            "captured" | "partially_refunded" | "refunded" => {
                Err(ProviderError::Rejected(format!("already captured {}", intent.captured_minor)))
            }
            status => Err(ProviderError::Rejected(format!("a {status} payment cannot be captured"))),
        }
    }

    async fn void_hold(&self, reference: &str) -> Result<(), ProviderError> {
        let mut tx = self.pool.begin().await.map_err(unreachable)?;
        let intent = intent_for_update(&mut tx, reference).await?;
        match intent.status.as_str() {
            "authorized" => {
                sqlx::query!(
                    "UPDATE test_provider_intents SET status = 'voided', updated_at = app_now() WHERE reference = $1",
                    reference
                )
                .execute(&mut *tx)
                .await
                .map_err(unreachable)?;
                tx.commit().await.map_err(unreachable)
            }
            "voided" => Ok(()),
            "captured" | "partially_refunded" | "refunded" => {
                Err(ProviderError::Rejected("the payment was captured: refund it instead".into()))
            }
            status => Err(ProviderError::Rejected(format!("a {status} payment has no hold to void"))),
        }
    }

    async fn refund_captured(&self, reference: &str, amount_minor: i64, key: &str) -> Result<(), ProviderError> {
        if amount_minor <= 0 {
            return Err(ProviderError::Rejected("the refund amount must be positive".into()));
        }
        if key.is_empty() {
            return Err(ProviderError::Rejected("a refund needs an idempotency key".into()));
        }
        let mut tx = self.pool.begin().await.map_err(unreachable)?;
        // The intent's lock orders refunds of one payment, so a retried
        // refund always sees the first one's row.
        let intent = intent_for_update(&mut tx, reference).await?;
        let earlier =
            sqlx::query!("SELECT reference, amount_minor FROM test_provider_refunds WHERE idempotency_key = $1", key)
                .fetch_optional(&mut *tx)
                .await
                .map_err(unreachable)?;
        if let Some(earlier) = earlier {
            return if earlier.reference == reference && earlier.amount_minor == amount_minor {
                Ok(())
            } else {
                Err(key_reused())
            };
        }
        if !matches!(intent.status.as_str(), "captured" | "partially_refunded" | "refunded") {
            return Err(ProviderError::Rejected(format!("a {} payment cannot be refunded", intent.status)));
        }
        let left = intent.captured_minor - intent.refunded_minor;
        if amount_minor > left {
            return Err(ProviderError::Rejected(format!(
                "cannot refund {amount_minor}: {left} of the captured amount is left"
            )));
        }
        let recorded = sqlx::query!(
            "INSERT INTO test_provider_refunds (idempotency_key, reference, amount_minor) VALUES ($1, $2, $3)
             ON CONFLICT DO NOTHING",
            key,
            reference,
            amount_minor
        )
        .execute(&mut *tx)
        .await
        .map_err(unreachable)?
        .rows_affected();
        if recorded == 0 {
            // Taken meanwhile by a refund of another payment.
            return Err(key_reused());
        }
        sqlx::query!(
            "UPDATE test_provider_intents
             SET refunded_minor = refunded_minor + $2,
                 status = CASE WHEN refunded_minor + $2 = captured_minor THEN 'refunded' ELSE 'partially_refunded' END,
                 updated_at = app_now()
             WHERE reference = $1",
            reference,
            amount_minor
        )
        .execute(&mut *tx)
        .await
        .map_err(unreachable)?;
        tx.commit().await.map_err(unreachable)
    }

    async fn intent_for_key(&self, key: &str) -> Result<Option<Authorization>, ProviderError> {
        let mut conn = self.pool.acquire().await.map_err(unreachable)?;
        Ok(intent_by_key(&mut conn, key).await?.map(|intent| intent.authorization()))
    }
}

impl PaymentProvider for TestProvider {
    fn name(&self) -> &'static str {
        "test"
    }

    fn authorize<'a>(&'a self, req: AuthorizeRequest<'a>) -> BoxFuture<'a, Result<Authorization, ProviderError>> {
        Box::pin(self.authorize_once(req))
    }

    fn capture<'a>(&'a self, reference: &'a str, amount_minor: i64) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(self.capture_hold(reference, amount_minor))
    }

    fn void<'a>(&'a self, reference: &'a str) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(self.void_hold(reference))
    }

    fn refund<'a>(
        &'a self,
        reference: &'a str,
        amount_minor: i64,
        idempotency_key: &'a str,
    ) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(self.refund_captured(reference, amount_minor, idempotency_key))
    }

    fn lookup<'a>(&'a self, idempotency_key: &'a str) -> BoxFuture<'a, Result<Option<Authorization>, ProviderError>> {
        Box::pin(self.intent_for_key(idempotency_key))
    }

    fn attach<'a>(&'a self, token: &'a str, customer: &'a str) -> BoxFuture<'a, Result<CardDetails, ProviderError>> {
        Box::pin(self.attach_method(token, customer))
    }

    fn detach<'a>(&'a self, token: &'a str, customer: &'a str) -> BoxFuture<'a, Result<(), ProviderError>> {
        Box::pin(self.detach_method(token, customer))
    }

    fn open_payment_page<'a>(&'a self, page: PaymentPage<'a>) -> BoxFuture<'a, Result<String, ProviderError>> {
        Box::pin(self.open_page(page))
    }

    fn describe<'a>(&'a self, token: &'a str) -> BoxFuture<'a, Result<CardDetails, ProviderError>> {
        Box::pin(self.describe_token(token))
    }
}

/// A hosted payment page as the buyer sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenPage {
    pub amount: Money,
    pub merchant: String,
    pub return_to: String,
    pub state: String,
}

/// How long the provider keeps a payment page open (the merchant's own
/// session may be shorter).
const PAGE_TTL_MINUTES: i64 = 60;

/// What an authorization charges, resolved from its source.
struct Charged {
    outcome: TestOutcome,
    brand: String,
    last4: String,
}

/// One row of `test_provider_intents`.
struct Intent {
    reference: String,
    amount_minor: i64,
    currency: String,
    status: String,
    captured_minor: i64,
    refunded_minor: i64,
    card_brand: String,
    card_last4: String,
    decline_code: Option<String>,
}

impl Intent {
    fn authorization(&self) -> Authorization {
        let status = match &self.decline_code {
            None => AuthStatus::Authorized,
            Some(code) => AuthStatus::Declined { code: code.clone(), message: decline_message(code).to_string() },
        };
        Authorization {
            reference: self.reference.clone(),
            status,
            brand: self.card_brand.clone(),
            last4: self.card_last4.clone(),
        }
    }

    /// A key names one request: replaying it with other details is a caller
    /// bug that a real provider refuses rather than silently ignoring.
    fn check_same_request(&self, req: &AuthorizeRequest<'_>, last4: &str) -> Result<(), ProviderError> {
        if self.amount_minor == req.amount_minor && self.currency == req.currency.code() && self.card_last4 == last4 {
            Ok(())
        } else {
            Err(ProviderError::Rejected(
                "this idempotency key was used with a different amount, currency or card".into(),
            ))
        }
    }
}

async fn intent_by_key(conn: &mut PgConnection, key: &str) -> Result<Option<Intent>, ProviderError> {
    sqlx::query_as!(
        Intent,
        "SELECT reference, amount_minor, currency, status, captured_minor, refunded_minor, card_brand, card_last4,
                decline_code
         FROM test_provider_intents WHERE idempotency_key = $1",
        key
    )
    .fetch_optional(conn)
    .await
    .map_err(unreachable)
}

async fn intent_for_update(conn: &mut PgConnection, reference: &str) -> Result<Intent, ProviderError> {
    sqlx::query_as!(
        Intent,
        "SELECT reference, amount_minor, currency, status, captured_minor, refunded_minor, card_brand, card_last4,
                decline_code
         FROM test_provider_intents WHERE reference = $1 FOR UPDATE",
        reference
    )
    .fetch_optional(conn)
    .await
    .map_err(unreachable)?
    .ok_or_else(|| ProviderError::Rejected(format!("no payment {reference}")))
}

/// Refuses what a real provider's API would refuse before looking at the card.
fn check_request(req: &AuthorizeRequest<'_>) -> Result<(), ProviderError> {
    if req.idempotency_key.is_empty() {
        return Err(ProviderError::Rejected("an authorization needs an idempotency key".into()));
    }
    if req.amount_minor <= 0 {
        return Err(ProviderError::Rejected("the amount must be positive".into()));
    }
    Ok(())
}

/// The decline code a scripted outcome answers with, if it declines.
fn decline_code(outcome: TestOutcome) -> Option<&'static str> {
    match outcome {
        TestOutcome::Declined => Some("card_declined"),
        TestOutcome::InsufficientFunds => Some("insufficient_funds"),
        TestOutcome::ExpiredCard => Some("expired_card"),
        TestOutcome::Succeeds | TestOutcome::FailsOnceThenSucceeds => None,
    }
}

/// Only the code is stored; the message comes from it, so a replayed
/// decline reads exactly like the first.
fn decline_message(code: &str) -> &'static str {
    [TestOutcome::Declined, TestOutcome::InsufficientFunds, TestOutcome::ExpiredCard]
        .into_iter()
        .find(|outcome| decline_code(*outcome) == Some(code))
        .unwrap_or(TestOutcome::Declined)
        .message()
}

/// `tp_` and 24 base62 characters, like a real provider's opaque ids.
fn new_reference() -> String {
    format!("tp_{}", Alphanumeric.sample_string(&mut rand::thread_rng(), 24))
}

fn key_reused() -> ProviderError {
    ProviderError::Rejected("this refund idempotency key was used for a different refund".into())
}

/// The books stand in for the provider's servers: when they cannot be
/// reached, the caller gets what an unreachable real provider gives it.
fn unreachable(err: sqlx::Error) -> ProviderError {
    tracing::error!(error = %err, "test payment provider's books unavailable");
    ProviderError::Transient("the payment provider could not be reached".into())
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::money::Currency;

    const GOOD: &str = "4242424242424242";

    fn typed(number: &str) -> CardInput {
        CardInput { number: number.into(), exp_month: "12".into(), exp_year: "2030".into(), cvc: "123".into() }
    }

    /// A one-time token for `number`, as the hosted page issues it.
    async fn token(provider: &TestProvider, number: &str) -> String {
        provider.tokenize(&typed(number), 2026, 12).await.unwrap()
    }

    fn request<'a>(key: &'a str, token: &'a str, amount_minor: i64) -> AuthorizeRequest<'a> {
        AuthorizeRequest {
            idempotency_key: key,
            amount_minor,
            currency: Currency::USD,
            source: Source::Token { token },
        }
    }

    /// Authorizes `amount_minor` under `key` with a fresh token for `number`.
    async fn pay(
        provider: &TestProvider,
        key: &str,
        number: &str,
        amount_minor: i64,
    ) -> Result<Authorization, ProviderError> {
        let token = token(provider, number).await;
        provider.authorize(request(key, &token, amount_minor)).await
    }

    async fn authorized(provider: &TestProvider, key: &str, amount_minor: i64) -> String {
        let auth = pay(provider, key, GOOD, amount_minor).await.unwrap();
        assert_eq!(auth.status, AuthStatus::Authorized);
        auth.reference
    }

    fn is_rejected<T: std::fmt::Debug>(result: Result<T, ProviderError>) -> bool {
        matches!(result, Err(ProviderError::Rejected(_)))
    }

    /// (status, captured, refunded) as the provider's books hold them.
    async fn books(pool: &PgPool, reference: &str) -> (String, i64, i64) {
        let row = sqlx::query!(
            "SELECT status, captured_minor, refunded_minor FROM test_provider_intents WHERE reference = $1",
            reference
        )
        .fetch_one(pool)
        .await
        .unwrap();
        (row.status, row.captured_minor, row.refunded_minor)
    }

    async fn intents_for(pool: &PgPool, key: &str) -> i64 {
        sqlx::query_scalar!("SELECT count(*) AS \"n!\" FROM test_provider_intents WHERE idempotency_key = $1", key)
            .fetch_one(pool)
            .await
            .unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn good_card_is_authorized_and_only_brand_and_last4_are_kept(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let auth = pay(&provider, "checkout-1", GOOD, 2599).await.unwrap();
        assert_eq!(auth.status, AuthStatus::Authorized);
        assert_eq!((auth.brand.as_str(), auth.last4.as_str()), ("Visa", "4242"));
        let id = auth.reference.strip_prefix("tp_").unwrap();
        assert_eq!(id.len(), 24);
        assert!(id.bytes().all(|b| b.is_ascii_alphanumeric()), "{id}");
        assert_eq!(books(&pool, &auth.reference).await, ("authorized".to_string(), 0, 0));
        let full_number_stored: i64 = sqlx::query_scalar!(
            "SELECT count(*) AS \"n!\" FROM test_provider_intents t WHERE t::text LIKE '%' || $1 || '%'",
            GOOD
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(full_number_stored, 0);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn decline_is_stored_and_the_same_key_gets_the_same_decline(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let declined = token(&provider, "4000000000000002").await;
        let first = provider.authorize(request("checkout-1", &declined, 1000)).await.unwrap();
        assert_eq!(
            first.status,
            AuthStatus::Declined { code: "card_declined".into(), message: "Your card was declined.".into() }
        );
        let again = provider.authorize(request("checkout-1", &declined, 1000)).await.unwrap();
        assert_eq!(again, first);
        assert_eq!(intents_for(&pool, "checkout-1").await, 1);
        assert_eq!(books(&pool, &first.reference).await.0, "declined");
        assert!(is_rejected(provider.capture(&first.reference, 1000).await));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn insufficient_funds_and_expired_cards_decline_with_their_own_codes(pool: PgPool) {
        let provider = TestProvider::new(pool);
        let poor = pay(&provider, "a", "4000000000009995", 1000).await.unwrap();
        assert_eq!(
            poor.status,
            AuthStatus::Declined {
                code: "insufficient_funds".into(),
                message: TestOutcome::InsufficientFunds.message().into()
            }
        );
        let expired = pay(&provider, "b", "4000000000000069", 1000).await.unwrap();
        assert_eq!(
            expired.status,
            AuthStatus::Declined { code: "expired_card".into(), message: TestOutcome::ExpiredCard.message().into() }
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn flaky_card_fails_once_then_succeeds_with_the_same_key(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let flaky = token(&provider, "4000000000000119").await;
        assert!(matches!(provider.authorize(request("k1", &flaky, 800)).await, Err(ProviderError::Transient(_))));
        assert_eq!(provider.lookup("k1").await.unwrap(), None, "a transient failure leaves nothing behind");
        let retried = provider.authorize(request("k1", &flaky, 800)).await.unwrap();
        assert_eq!(retried.status, AuthStatus::Authorized);
        assert_eq!(provider.authorize(request("k1", &flaky, 800)).await.unwrap(), retried);
        // The failure is per key: a new attempt fails once again.
        let again = pay(&provider, "k2", "4000000000000119", 800).await;
        assert!(matches!(again, Err(ProviderError::Transient(_))));
        assert_eq!(intents_for(&pool, "k1").await, 1);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn concurrent_authorizations_with_one_key_make_one_intent(pool: PgPool) {
        let test = TestProvider::new(pool.clone());
        let card = token(&test, GOOD).await;
        let provider: Arc<dyn PaymentProvider> = Arc::new(test);
        let tasks: Vec<_> = (0..20)
            .map(|_| {
                let (provider, card) = (Arc::clone(&provider), card.clone());
                tokio::spawn(async move { provider.authorize(request("double-click", &card, 4200)).await })
            })
            .collect();
        let mut references = Vec::new();
        for task in tasks {
            references.push(task.await.unwrap().unwrap().reference);
        }
        assert!(references.iter().all(|r| *r == references[0]), "{references:?}");
        assert_eq!(intents_for(&pool, "double-click").await, 1);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn reusing_a_key_for_another_amount_is_rejected(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        authorized(&provider, "k", 1000).await;
        assert!(is_rejected(pay(&provider, "k", GOOD, 1001).await));
        assert!(is_rejected(pay(&provider, "k", "5555555555554444", 1000).await));
        assert_eq!(intents_for(&pool, "k").await, 1);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn malformed_requests_are_rejected_and_leave_nothing(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        assert!(is_rejected(pay(&provider, "k", GOOD, 0).await));
        assert!(is_rejected(provider.authorize(request("k", "pm_never_issued", 1000)).await));
        assert!(is_rejected(pay(&provider, "", GOOD, 1000).await));
        assert_eq!(intents_for(&pool, "k").await, 0);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn capture_cannot_exceed_the_authorized_amount(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let reference = authorized(&provider, "k", 1500).await;
        assert!(is_rejected(provider.capture(&reference, 1501).await));
        assert!(is_rejected(provider.capture(&reference, 0).await));
        assert_eq!(books(&pool, &reference).await, ("authorized".to_string(), 0, 0));
        provider.capture(&reference, 1500).await.unwrap();
        provider.capture(&reference, 1500).await.unwrap();
        assert!(is_rejected(provider.capture(&reference, 1000).await));
        assert_eq!(books(&pool, &reference).await, ("captured".to_string(), 1500, 0));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn partial_capture_takes_less_than_the_hold(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let reference = authorized(&provider, "k", 1500).await;
        provider.capture(&reference, 900).await.unwrap();
        assert_eq!(books(&pool, &reference).await, ("captured".to_string(), 900, 0));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn refund_is_idempotent_by_key_and_bounded_by_the_captured_amount(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let reference = authorized(&provider, "k", 2000).await;
        assert!(is_rejected(provider.refund(&reference, 100, "early").await), "nothing captured yet");
        provider.capture(&reference, 1500).await.unwrap();

        provider.refund(&reference, 500, "r1").await.unwrap();
        provider.refund(&reference, 500, "r1").await.unwrap();
        assert_eq!(books(&pool, &reference).await, ("partially_refunded".to_string(), 1500, 500));
        assert!(is_rejected(provider.refund(&reference, 600, "r1").await), "r1 already named another refund");

        assert!(is_rejected(provider.refund(&reference, 1001, "r2").await));
        provider.refund(&reference, 1000, "r2").await.unwrap();
        assert_eq!(books(&pool, &reference).await, ("refunded".to_string(), 1500, 1500));
        assert!(is_rejected(provider.refund(&reference, 1, "r3").await));

        let refunds: i64 =
            sqlx::query_scalar!("SELECT count(*) AS \"n!\" FROM test_provider_refunds WHERE reference = $1", reference)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(refunds, 2);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn concurrent_retries_of_one_refund_pay_it_once(pool: PgPool) {
        let provider = Arc::new(TestProvider::new(pool.clone()));
        let reference = authorized(&provider, "k", 1000).await;
        provider.capture(&reference, 1000).await.unwrap();
        let tasks: Vec<_> = (0..10)
            .map(|_| {
                let (provider, reference) = (Arc::clone(&provider), reference.clone());
                tokio::spawn(async move { provider.refund(&reference, 400, "refund-1").await })
            })
            .collect();
        for task in tasks {
            task.await.unwrap().unwrap();
        }
        assert_eq!(books(&pool, &reference).await, ("partially_refunded".to_string(), 1000, 400));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn void_releases_an_uncaptured_hold_and_is_rejected_after_capture(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let held = authorized(&provider, "a", 700).await;
        provider.void(&held).await.unwrap();
        provider.void(&held).await.unwrap();
        assert_eq!(books(&pool, &held).await.0, "voided");
        assert!(is_rejected(provider.capture(&held, 700).await));

        let captured = authorized(&provider, "b", 700).await;
        provider.capture(&captured, 700).await.unwrap();
        assert!(is_rejected(provider.void(&captured).await));
        assert_eq!(books(&pool, &captured).await.0, "captured");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn unknown_reference_is_rejected(pool: PgPool) {
        let provider = TestProvider::new(pool);
        assert!(is_rejected(provider.capture("tp_unknown", 100).await));
        assert!(is_rejected(provider.void("tp_unknown").await));
        assert!(is_rejected(provider.refund("tp_unknown", 100, "r").await));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn lookup_finds_the_intent_by_key_and_nothing_for_an_unknown_key(pool: PgPool) {
        let provider = TestProvider::new(pool);
        let auth = pay(&provider, "k", GOOD, 1200).await.unwrap();
        provider.capture(&auth.reference, 1200).await.unwrap();
        assert_eq!(provider.lookup("k").await.unwrap(), Some(auth));
        assert_eq!(provider.lookup("never-used").await.unwrap(), None);
    }

    fn saved<'a>(key: &'a str, token: &'a str, customer: &'a str, amount_minor: i64) -> AuthorizeRequest<'a> {
        AuthorizeRequest {
            idempotency_key: key,
            amount_minor,
            currency: Currency::USD,
            source: Source::Saved { token, customer },
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_saved_card_pays_only_for_the_customer_it_was_saved_for(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let token = provider.tokenize(&typed("4242 4242 4242 4242"), 2026, 12).await.unwrap();
        assert!(token.starts_with("pm_"), "{token}");
        // Not attached yet: nobody can pay with it.
        assert!(is_rejected(provider.authorize(saved("k0", &token, "cus_a", 500)).await));
        let details = provider.attach(&token, "cus_a").await.unwrap();
        assert_eq!(details.summary(), "Visa ending in 4242");
        assert_eq!((details.exp_month, details.exp_year), (12, 2030));
        assert_eq!(provider.attach(&token, "cus_a").await.unwrap(), details, "attaching again answers the same");
        assert!(is_rejected(provider.attach(&token, "cus_b").await), "another customer cannot take it");
        assert!(is_rejected(provider.authorize(saved("k1", &token, "cus_b", 500)).await));
        assert!(
            is_rejected(provider.authorize(request("k1", &token, 500)).await),
            "a saved card is no one-time token for anyone"
        );
        assert!(is_rejected(provider.describe(&token).await));
        let auth = provider.authorize(saved("k2", &token, "cus_a", 500)).await.unwrap();
        assert_eq!(auth.status, AuthStatus::Authorized);
        assert_eq!((auth.brand.as_str(), auth.last4.as_str()), ("Visa", "4242"));
        let number_kept: i64 = sqlx::query_scalar!(
            "SELECT count(*) AS \"n!\" FROM test_provider_payment_methods m WHERE m::text LIKE '%' || $1 || '%'",
            GOOD
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(number_kept, 0, "only brand, last four, expiry and the scripted outcome are kept");
        provider.detach(&token, "cus_a").await.unwrap();
        provider.detach(&token, "cus_a").await.unwrap();
        assert!(
            is_rejected(provider.authorize(saved("k3", &token, "cus_a", 500)).await),
            "a forgotten card pays nothing"
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_saved_test_card_acts_out_its_number(pool: PgPool) {
        let provider = TestProvider::new(pool);
        let token = provider.tokenize(&typed("4000000000009995"), 2026, 12).await.unwrap();
        provider.attach(&token, "cus_a").await.unwrap();
        let auth = provider.authorize(saved("k", &token, "cus_a", 500)).await.unwrap();
        assert!(matches!(auth.status, AuthStatus::Declined { ref code, .. } if code == "insufficient_funds"));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_hosted_field_refuses_a_mistyped_card_before_issuing_a_token(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let err = provider.tokenize(&typed("4242424242424241"), 2026, 12).await.unwrap_err();
        assert!(
            matches!(err, crate::error::AppError::Validation { ref field, .. } if field == "card_number"),
            "{err:?}"
        );
        let issued: i64 = sqlx::query_scalar!("SELECT count(*) AS \"n!\" FROM test_provider_payment_methods")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(issued, 0);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_one_time_token_pays_for_one_authorization_and_cannot_be_saved_after(pool: PgPool) {
        let provider = TestProvider::new(pool.clone());
        let card = token(&provider, "5555 5555 5555 4444").await;
        let details = provider.describe(&card).await.unwrap();
        assert_eq!(details.summary(), "Mastercard ending in 4444");
        assert_eq!((details.exp_month, details.exp_year), (12, 2030));
        let auth = provider.authorize(request("k1", &card, 700)).await.unwrap();
        assert_eq!(auth.status, AuthStatus::Authorized);
        assert_eq!(provider.authorize(request("k1", &card, 700)).await.unwrap(), auth, "a retry answers the same");
        assert!(is_rejected(provider.authorize(request("k2", &card, 700)).await), "spent on k1");
        assert!(is_rejected(provider.describe(&card).await));
        assert!(is_rejected(provider.attach(&card, "cus_a").await));
        assert_eq!(intents_for(&pool, "k2").await, 0);
        assert!(is_rejected(provider.describe("pm_never_issued").await));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_payment_page_shows_what_the_merchant_opened_it_with(pool: PgPool) {
        let provider = TestProvider::new(pool);
        let page = PaymentPage {
            amount: Money::new(4826, Currency::USD),
            merchant: "Maker <b>Shop</b>",
            return_to: "/api/checkout/card-entered",
            state: "0123abcd",
        };
        let url = provider.open_payment_page(page).await.unwrap();
        let id = url.strip_prefix(&format!("{HOSTED_FIELD_PATH}?page=")).unwrap();
        let now = crate::clock::Clock::system().now();
        let open = provider.payment_page(id, now).await.unwrap().unwrap();
        assert_eq!(open.amount, Money::new(4826, Currency::USD));
        assert_eq!(open.merchant, "Maker <b>Shop</b>", "kept as given; the page escapes it");
        assert_eq!((open.return_to.as_str(), open.state.as_str()), ("/api/checkout/card-entered", "0123abcd"));
        let later = now + chrono::Duration::minutes(PAGE_TTL_MINUTES + 1);
        assert_eq!(provider.payment_page(id, later).await.unwrap(), None, "an old page is closed");
        assert_eq!(provider.payment_page("hp_unknown", now).await.unwrap(), None);
        for (return_to, state) in [("https://evil.example/x", "s"), ("/ok", "<script>")] {
            let bad = PaymentPage { return_to, state, ..page };
            assert!(is_rejected(provider.open_payment_page(bad).await), "{return_to} {state}");
        }
        let free = PaymentPage { amount: Money::new(0, Currency::USD), ..page };
        assert!(is_rejected(provider.open_payment_page(free).await));
    }

    #[test]
    fn declines_read_the_same_from_their_stored_code() {
        for outcome in [TestOutcome::Declined, TestOutcome::InsufficientFunds, TestOutcome::ExpiredCard] {
            assert_eq!(decline_message(decline_code(outcome).unwrap()), outcome.message());
        }
        assert_eq!(decline_code(TestOutcome::Succeeds), None);
    }
}

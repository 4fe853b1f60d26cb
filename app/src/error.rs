//! The one error type every server function returns. Variants are things a
//! user can act on; anything internal is logged on the server and reaches the
//! client only as "something went wrong".

use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

use crate::money::Money;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Bad input in one field; `field` matches the form input's name.
    #[error("{message}")]
    Validation { field: String, message: String },
    /// The input is well-formed but clashes with existing data (a taken username).
    #[error("{message}")]
    Conflict { field: String, message: String },
    #[error("Please log in to do that.")]
    Unauthorized,
    /// Wrong username, email or password: one message for all three.
    #[error("Wrong username, email or password.")]
    InvalidCredentials,
    #[error("You are not allowed to do that.")]
    Forbidden,
    /// The account is suspended or banned (`moderation::standing`); the
    /// message says until when and why.
    #[error("{0}")]
    AccountRestricted(String),
    #[error("{0} not found.")]
    NotFound(String),
    /// The card was declined; the message is the provider's, for the buyer.
    #[error("{0}")]
    PaymentDeclined(String),
    /// An outside service (the payment provider) didn't answer; retrying is safe.
    #[error("{0}")]
    Unavailable(String),
    /// Not enough stock; the message names the item and what is left.
    #[error("{0}")]
    SoldOut(String),
    /// The order's total when placing it differs from the one the buyer
    /// was shown (a code ran out, a price, shipping or tax changed). Nothing
    /// was charged; the buyer confirms the new total to go on.
    #[error(
        "The total changed from {} to {} since you saw it. Check your order, then pay {} to confirm.",
        .shown.display(),
        .total.display(),
        .total.display()
    )]
    TotalChanged { shown: Money, total: Money },
    /// Too many of something in too short a time (rate limits, login
    /// throttling, checkout attempts); answered 429 with `Retry-After`.
    #[error("You're doing that too fast. Try again in {}.", crate::limits::wait_phrase(*retry_after_secs))]
    RateLimited { retry_after_secs: u64 },
    #[error("That file is too large: the limit is {limit_mb} MB.")]
    PayloadTooLarge { limit_mb: u64 },
    #[error("{0}")]
    UnsupportedMedia(String),
    #[error("Something went wrong on our side. Please try again.")]
    Internal,
    /// Transport-level failures (network down, bad arguments) reported by server_fn.
    #[error("{0}")]
    ServerFn(String),
}

impl AppError {
    pub fn validation(field: &str, message: impl Into<String>) -> Self {
        AppError::Validation { field: field.to_string(), message: message.into() }
    }

    pub fn conflict(field: &str, message: impl Into<String>) -> Self {
        AppError::Conflict { field: field.to_string(), message: message.into() }
    }

    /// The form field this error belongs to, if any.
    pub fn field(&self) -> Option<&str> {
        match self {
            AppError::Validation { field, .. } | AppError::Conflict { field, .. } => Some(field),
            _ => None,
        }
    }

    pub fn status_code(&self) -> u16 {
        match self {
            AppError::Validation { .. } => 422,
            AppError::Conflict { .. } => 409,
            AppError::Unauthorized | AppError::InvalidCredentials => 401,
            AppError::Forbidden | AppError::AccountRestricted(_) => 403,
            AppError::NotFound(_) => 404,
            AppError::SoldOut(_) => 409,
            AppError::TotalChanged { .. } => 409,
            AppError::PaymentDeclined(_) => 402,
            AppError::Unavailable(_) => 503,
            AppError::RateLimited { .. } => 429,
            AppError::PayloadTooLarge { .. } => 413,
            AppError::UnsupportedMedia(_) => 415,
            AppError::ServerFn(_) => 400,
            AppError::Internal => 500,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(m) | ServerFnErrorErr::MissingArg(m) | ServerFnErrorErr::Deserialization(m) => {
                AppError::ServerFn(format!("The request was not understood: {m}"))
            }
            ServerFnErrorErr::Request(_) => {
                AppError::ServerFn("Could not reach Storefeed. Check your connection.".into())
            }
            other => AppError::ServerFn(other.to_string()),
        }
    }

    /// Called on the server as the error leaves a server function: this is the
    /// one place that knows both the error and the response, so it sets the
    /// HTTP status (and a 429's `Retry-After`) here. Plain form posts (no
    /// WASM yet) keep server_fn's redirect back to the form, which then
    /// shows the message.
    fn ser(&self) -> leptos::server_fn::Bytes {
        #[cfg(feature = "ssr")]
        crate::http_status::apply_error(self);
        <JsonEncoding as leptos::server_fn::Encodes<Self>>::encode(self)
            .unwrap_or_else(|_| leptos::server_fn::Bytes::from_static(b"\"Internal\""))
    }
}

/// What a user is told when their text holds a NUL character, which
/// PostgreSQL can't store in text (the server refuses such requests before
/// any handler; this is the message there and in the backstop below).
pub const NUL_TEXT_MESSAGE: &str = "Text can't contain a NUL character (\\0). Remove it and try again.";

#[cfg(feature = "ssr")]
impl From<sqlx::Error> for AppError {
    fn from(err: sqlx::Error) -> Self {
        // A NUL that slipped past the request check (a multipart text field)
        // is the user's input, not our failure: 22021 is "invalid byte
        // sequence" (text), 22P05 "unsupported Unicode escape" (jsonb).
        if let Some(code) = err.as_database_error().and_then(|db| db.code()) {
            if code == "22021" || code == "22P05" {
                tracing::info!(error = %err, "text with a NUL character refused");
                return AppError::validation("text", NUL_TEXT_MESSAGE);
            }
        }
        tracing::error!(error = %err, "database error");
        AppError::Internal
    }
}

pub type AppResult<T> = Result<T, AppError>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_facing_statuses_are_4xx() {
        assert_eq!(AppError::validation("username", "x").status_code(), 422);
        assert_eq!(AppError::conflict("email", "x").status_code(), 409);
        assert_eq!(AppError::Unauthorized.status_code(), 401);
        assert_eq!(AppError::RateLimited { retry_after_secs: 3 }.status_code(), 429);
        assert_eq!(AppError::PayloadTooLarge { limit_mb: 5 }.status_code(), 413);
    }

    #[test]
    fn a_changed_total_is_a_conflict_naming_both_totals() {
        use crate::money::Currency;
        let changed =
            AppError::TotalChanged { shown: Money::new(2700, Currency::USD), total: Money::new(3000, Currency::USD) };
        assert_eq!(changed.status_code(), 409);
        assert_eq!(
            changed.to_string(),
            "The total changed from $27.00 to $30.00 since you saw it. Check your order, then pay $30.00 to confirm."
        );
    }

    #[test]
    fn internal_error_hides_details() {
        assert_eq!(AppError::Internal.to_string(), "Something went wrong on our side. Please try again.");
    }

    #[cfg(feature = "ssr")]
    #[sqlx::test(migrations = "../migrations")]
    async fn a_nul_the_database_refuses_is_the_users_422_not_a_500(pool: sqlx::PgPool) {
        for (sql, value) in [("SELECT $1::text", "a\0b"), ("SELECT $1::jsonb::text", r#"{"body":"a\u0000b"}"#)] {
            let err = sqlx::query_scalar::<_, String>(sql).bind(value).fetch_one(&pool).await.unwrap_err();
            let err = AppError::from(err);
            assert_eq!(err.status_code(), 422, "{sql}");
            assert_eq!(err.to_string(), NUL_TEXT_MESSAGE);
        }
        let other = sqlx::query_scalar::<_, i32>("SELECT 1 / $1").bind(0).fetch_one(&pool).await.unwrap_err();
        assert_eq!(AppError::from(other), AppError::Internal, "anything else stays internal");
    }

    #[test]
    fn field_is_reported_for_form_errors() {
        assert_eq!(AppError::validation("bio", "too long").field(), Some("bio"));
        assert_eq!(AppError::Forbidden.field(), None);
    }
}

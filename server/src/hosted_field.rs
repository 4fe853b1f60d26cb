//! The built-in test provider's hosted field: the page where a shopper
//! types a card to save it, served as a real provider serves its own (from
//! its domain; here under `/_test-provider`, so nothing outside this
//! machine is needed). The card number is posted here, to the provider,
//! which keeps only a token and what the test card does, and sends the
//! shopper back to Storefeed's `return_to` with `payment_token` and the
//! `state` it was given. Storefeed's own handlers never see the number.

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::Datelike;
use serde::Deserialize;

use app::error::AppError;
use app::mail::escape_html;
use app::payments::cards::{CardInput, TEST_CARDS};
use app::payments::test_provider::TestProvider;
use app::state::AppState;
use app::wallet::HOSTED_FIELD_PATH;

pub fn routes() -> Router<AppState> {
    Router::new().route(HOSTED_FIELD_PATH, get(page).post(submit))
}

/// Where to go back to and what to carry there, as the merchant sent it.
#[derive(Debug, Deserialize)]
struct Return {
    #[serde(default)]
    state: String,
    #[serde(default)]
    return_to: String,
}

impl Return {
    /// Only a path on the merchant's own site, and a plain `state`: the
    /// page is not an open redirect, and nothing typed into the address
    /// reaches the markup unchecked.
    fn valid(&self) -> bool {
        let path = &self.return_to;
        path.starts_with('/')
            && !path.starts_with("//")
            && path.len() <= 200
            && path.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b))
            && !self.state.is_empty()
            && self.state.len() <= 64
            && self.state.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    }
}

#[derive(Debug, Deserialize)]
struct Submitted {
    #[serde(flatten)]
    back: Return,
    #[serde(default)]
    card_number: String,
    #[serde(default)]
    card_exp: String,
    #[serde(default)]
    card_cvc: String,
}

async fn page(Query(back): Query<Return>) -> Response {
    if !back.valid() {
        return invalid_link();
    }
    html(StatusCode::OK, &form(&back, None))
}

async fn submit(State(state): State<AppState>, Form(sent): Form<Submitted>) -> Response {
    if !sent.back.valid() {
        return invalid_link();
    }
    let (exp_month, exp_year) = app::checkout::api::split_expiry(&sent.card_exp);
    let input = CardInput { number: sent.card_number, exp_month, exp_year, cvc: sent.card_cvc };
    let now = state.clock.now();
    let provider = TestProvider::new(state.pool.clone());
    match provider.tokenize(&input, now.year() as u16, now.month() as u8).await {
        Ok(token) => {
            let to = format!("{}?payment_token={token}&state={}", sent.back.return_to, sent.back.state);
            (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
        }
        Err(error @ AppError::Validation { .. }) => {
            html(StatusCode::UNPROCESSABLE_ENTITY, &form(&sent.back, Some(&error.to_string())))
        }
        Err(error) => {
            tracing::error!(%error, "the test provider could not save a card");
            html(
                StatusCode::SERVICE_UNAVAILABLE,
                &form(&sent.back, Some("We couldn't save your card just now. Try again.")),
            )
        }
    }
}

fn invalid_link() -> Response {
    html(
        StatusCode::BAD_REQUEST,
        &page_shell("<p role=\"alert\">This payment page link is not valid. Go back to the shop and try again.</p>"),
    )
}

fn html(status: StatusCode, body: &str) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8"), (header::CACHE_CONTROL, "no-store")],
        body.to_string(),
    )
        .into_response()
}

const INPUT_STYLE: &str =
    "display:block;width:100%;box-sizing:border-box;margin-top:4px;padding:10px;font-size:16px;border:1px solid #a8a29e;border-radius:8px";

fn form(back: &Return, error: Option<&str>) -> String {
    let alert = error
        .map(|e| {
            format!(
                "<p role=\"alert\" data-testid=\"hosted-field-error\" style=\"color:#9f1239;background:#fff1f2;padding:8px 12px;border-radius:8px\">{}</p>",
                escape_html(e)
            )
        })
        .unwrap_or_default();
    let field = |id: &str, label: &str, autocomplete: &str, placeholder: &str| {
        format!(
            "<p><label for=\"{id}\">{label}</label><input id=\"{id}\" name=\"{id}\" inputmode=\"numeric\" autocomplete=\"{autocomplete}\" \
             placeholder=\"{placeholder}\" required style=\"{INPUT_STYLE}\" data-testid=\"hosted-{id}\"></p>"
        )
    };
    let test_cards: String = TEST_CARDS
        .iter()
        .map(|(number, _, what)| format!("<li><code>{number}</code>: {}</li>", escape_html(what)))
        .collect();
    page_shell(&format!(
        "<h1 style=\"font-size:20px\">Add a card</h1>\
         <p style=\"color:#57534e;font-size:14px\">Storefeed test payments · your card number stays with the payment provider.</p>\
         {alert}\
         <form method=\"post\" action=\"{HOSTED_FIELD_PATH}\">\
         <input type=\"hidden\" name=\"state\" value=\"{state}\"><input type=\"hidden\" name=\"return_to\" value=\"{return_to}\">\
         {number}{exp}{cvc}\
         <button type=\"submit\" data-testid=\"hosted-save\" style=\"width:100%;padding:12px;font-size:16px;font-weight:600;color:#fff;background:#c026d3;border:0;border-radius:8px\">Save card</button>\
         </form>\
         <p><a href=\"{return_to}?state={state}&amp;payment_token=\">Cancel</a></p>\
         <details style=\"font-size:13px;color:#57534e\"><summary>Test cards</summary><ul>{test_cards}</ul><p>Any future expiry and any CVC.</p></details>",
        state = escape_html(&back.state),
        return_to = escape_html(&back.return_to),
        number = field("card_number", "Card number", "cc-number", "1234 1234 1234 1234"),
        exp = field("card_exp", "Expiry (MM/YY)", "cc-exp", "MM/YY"),
        cvc = field("card_cvc", "CVC", "cc-csc", "123"),
    ))
}

fn page_shell(body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>Add a card · Test payments</title></head>\
         <body style=\"font-family:system-ui,sans-serif;max-width:420px;margin:24px auto;padding:0 16px\">{body}</body></html>"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn back(state: &str, return_to: &str) -> Return {
        Return { state: state.into(), return_to: return_to.into() }
    }

    #[test]
    fn only_a_path_on_the_merchants_site_is_a_return() {
        assert!(back("0123abcd", "/api/wallet/card-added").valid());
        for bad in ["https://evil.example/", "//evil.example/x", "/x?y=<script>", "/a\\b", "", "relative"] {
            assert!(!back("s", bad).valid(), "{bad}");
        }
        assert!(!back("", "/ok").valid());
        assert!(!back("a\"b", "/ok").valid());
    }

    #[test]
    fn the_form_carries_state_and_return_and_escapes_the_message() {
        let page = form(&back("abc123", "/api/wallet/card-added"), Some("<b>bad</b>"));
        assert!(page.contains("name=\"state\" value=\"abc123\""), "{page}");
        assert!(page.contains("&lt;b&gt;bad&lt;/b&gt;"), "{page}");
        assert!(!page.contains("<b>bad"), "{page}");
    }
}

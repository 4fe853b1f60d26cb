//! The built-in test provider's hosted page, served as a real provider
//! serves its own (from its domain; here under `/_test-provider`, so
//! nothing outside this machine is needed). It has two modes:
//! - "Add a card" (the wallet): `?state=…&return_to=…`, a "Save card" button;
//! - "Pay" (the checkout): `?page=hp_…`, a payment page the merchant opened
//!   server to server (`PaymentProvider::open_payment_page`), which shows
//!   the amount and the shop ("Pay $48.26 to Maker") from the provider's
//!   own record, never from the address, and says "Pay $48.26".
//!
//! The card number is posted here, to the provider, which keeps only a
//! token and what the test card does, and sends the shopper back to
//! Storefeed's `return_to` with `payment_token` and the `state` it was
//! given. Storefeed's own handlers never see the number.

use axum::extract::{Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use chrono::Datelike;
use serde::Deserialize;

use app::error::AppError;
use app::mail::escape_html;
use app::payments::cards::{split_expiry, CardInput, TEST_CARDS};
use app::payments::hosted::{valid_return, HOSTED_FIELD_PATH};
use app::payments::test_provider::{OpenPage, TestProvider};
use app::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new().route(HOSTED_FIELD_PATH, get(page).post(submit))
}

/// What the address (or the form's hidden fields) carry: a payment page's
/// id, or, to add a card, where to go back to and what to carry there.
#[derive(Debug, Default, Deserialize)]
struct Link {
    #[serde(default)]
    page: String,
    #[serde(default)]
    state: String,
    #[serde(default)]
    return_to: String,
}

/// What the page is for, once its link is checked.
#[derive(Debug)]
enum Mode {
    AddCard { state: String, return_to: String },
    Pay { page: String, open: OpenPage },
}

impl Mode {
    fn state(&self) -> &str {
        match self {
            Mode::AddCard { state, .. } => state,
            Mode::Pay { open, .. } => &open.state,
        }
    }

    fn return_to(&self) -> &str {
        match self {
            Mode::AddCard { return_to, .. } => return_to,
            Mode::Pay { open, .. } => &open.return_to,
        }
    }
}

/// The page a link asks for, or `None` for a link that is not valid: an
/// unknown or expired payment page, or a return that is not a plain path
/// on the merchant's site (the page is not an open redirect).
async fn mode(state: &AppState, link: Link) -> Result<Option<Mode>, AppError> {
    if !link.page.is_empty() {
        let provider = TestProvider::new(state.pool.clone());
        let open = provider.payment_page(&link.page, state.clock.now()).await?;
        return Ok(open.map(|open| Mode::Pay { page: link.page, open }));
    }
    Ok(valid_return(&link.return_to, &link.state)
        .then_some(Mode::AddCard { state: link.state, return_to: link.return_to }))
}

#[derive(Debug, Deserialize)]
struct Submitted {
    #[serde(flatten)]
    link: Link,
    #[serde(default)]
    card_number: String,
    #[serde(default)]
    card_exp: String,
    #[serde(default)]
    card_cvc: String,
}

async fn page(State(state): State<AppState>, Query(link): Query<Link>) -> Response {
    match mode(&state, link).await {
        Ok(Some(mode)) => html(StatusCode::OK, &form(&mode, None)),
        Ok(None) => invalid_link(),
        Err(error) => unavailable(error),
    }
}

async fn submit(State(state): State<AppState>, Form(sent): Form<Submitted>) -> Response {
    let mode = match mode(&state, sent.link).await {
        Ok(Some(mode)) => mode,
        Ok(None) => return invalid_link(),
        Err(error) => return unavailable(error),
    };
    let (exp_month, exp_year) = split_expiry(&sent.card_exp);
    let input = CardInput { number: sent.card_number, exp_month, exp_year, cvc: sent.card_cvc };
    let now = state.clock.now();
    let provider = TestProvider::new(state.pool.clone());
    match provider.tokenize(&input, now.year() as u16, now.month() as u8).await {
        Ok(token) => {
            let to = format!("{}?payment_token={token}&state={}", mode.return_to(), mode.state());
            (StatusCode::SEE_OTHER, [(header::LOCATION, to)]).into_response()
        }
        Err(error @ AppError::Validation { .. }) => {
            html(StatusCode::UNPROCESSABLE_ENTITY, &form(&mode, Some(&error.to_string())))
        }
        Err(error) => {
            tracing::error!(%error, "the test provider could not tokenize a card");
            html(StatusCode::SERVICE_UNAVAILABLE, &form(&mode, Some("We couldn't take your card just now. Try again.")))
        }
    }
}

fn unavailable(error: AppError) -> Response {
    tracing::error!(%error, "the test provider's payment page could not be read");
    html(
        StatusCode::SERVICE_UNAVAILABLE,
        &page_shell(
            "Payment page",
            "<p role=\"alert\">The payment page is unavailable just now. Try again in a moment.</p>",
        ),
    )
}

fn invalid_link() -> Response {
    html(
        StatusCode::BAD_REQUEST,
        &page_shell(
            "Payment page",
            "<p role=\"alert\">This payment page link is not valid. Go back to the shop and try again.</p>",
        ),
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

fn form(mode: &Mode, error: Option<&str>) -> String {
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
    let (title, heading, hidden, button, testid) = match mode {
        Mode::AddCard { state, return_to } => (
            "Add a card".to_string(),
            "Add a card".to_string(),
            format!(
                "<input type=\"hidden\" name=\"state\" value=\"{}\"><input type=\"hidden\" name=\"return_to\" value=\"{}\">",
                escape_html(state),
                escape_html(return_to)
            ),
            "Save card".to_string(),
            "hosted-save",
        ),
        Mode::Pay { page, open } => {
            let amount = open.amount.display();
            (
                format!("Pay {amount}"),
                format!("Pay <span data-testid=\"hosted-amount\">{}</span> to <span data-testid=\"hosted-merchant\">{}</span>", escape_html(&amount), escape_html(&open.merchant)),
                format!("<input type=\"hidden\" name=\"page\" value=\"{}\">", escape_html(page)),
                format!("Pay {amount}"),
                "hosted-pay",
            )
        }
    };
    page_shell(
        &title,
        &format!(
            "<h1 style=\"font-size:20px\">{heading}</h1>\
             <p style=\"color:#57534e;font-size:14px\">Storefeed test payments · your card number stays with the payment provider.</p>\
             {alert}\
             <form method=\"post\" action=\"{HOSTED_FIELD_PATH}\">\
             {hidden}\
             {number}{exp}{cvc}\
             <button type=\"submit\" data-testid=\"{testid}\" style=\"width:100%;padding:12px;font-size:16px;font-weight:600;color:#fff;background:#c026d3;border:0;border-radius:8px\">{button}</button>\
             </form>\
             <p><a href=\"{return_to}?state={state}&amp;payment_token=\" data-testid=\"hosted-cancel\">Cancel</a></p>\
             <details style=\"font-size:13px;color:#57534e\"><summary>Test cards</summary><ul>{test_cards}</ul><p>Any future expiry and any CVC.</p></details>",
            button = escape_html(&button),
            state = escape_html(mode.state()),
            return_to = escape_html(mode.return_to()),
            number = field("card_number", "Card number", "cc-number", "1234 1234 1234 1234"),
            exp = field("card_exp", "Expiry (MM/YY)", "cc-exp", "MM/YY"),
            cvc = field("card_cvc", "CVC", "cc-csc", "123"),
        ),
    )
}

fn page_shell(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{} · Test payments</title></head>\
         <body style=\"font-family:system-ui,sans-serif;max-width:420px;margin:24px auto;padding:0 16px\">{body}</body></html>",
        escape_html(title)
    )
}

#[cfg(test)]
mod tests {
    use app::money::{Currency, Money};

    use super::*;

    fn add_card(state: &str, return_to: &str) -> Mode {
        Mode::AddCard { state: state.into(), return_to: return_to.into() }
    }

    #[test]
    fn the_add_card_form_carries_state_and_return_and_escapes_the_message() {
        let page = form(&add_card("abc123", "/api/wallet/card-added"), Some("<b>bad</b>"));
        assert!(page.contains("name=\"state\" value=\"abc123\""), "{page}");
        assert!(page.contains("&lt;b&gt;bad&lt;/b&gt;"), "{page}");
        assert!(!page.contains("<b>bad"), "{page}");
        assert!(page.contains(">Save card</button>"), "{page}");
    }

    #[test]
    fn the_payment_page_shows_the_amount_and_the_shop_escaped() {
        let open = OpenPage {
            amount: Money::new(4826, Currency::USD),
            merchant: "Maker <script>x</script>".into(),
            return_to: "/api/checkout/card-entered".into(),
            state: "0123abcd".into(),
        };
        let page = form(&Mode::Pay { page: "hp_1".into(), open }, None);
        assert!(page.contains("Pay <span data-testid=\"hosted-amount\">$48.26</span> to"), "{page}");
        assert!(page.contains("Maker &lt;script&gt;x&lt;/script&gt;"), "{page}");
        assert!(!page.contains("<script>"), "{page}");
        assert!(page.contains(">Pay $48.26</button>"), "{page}");
        assert!(page.contains("name=\"page\" value=\"hp_1\""), "{page}");
        assert!(page.contains("href=\"/api/checkout/card-entered?state=0123abcd&amp;payment_token=\""), "{page}");
        assert!(!page.contains("name=\"state\""), "the return comes from the provider's record, not the form");
    }
}

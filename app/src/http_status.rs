//! Sets the HTTP status of the response a server function or page is building.

use http::header::{ACCEPT, RETRY_AFTER};
use http::{request::Parts, HeaderValue, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

use crate::error::AppError;

/// Sets the status of the current response to `error`'s, with
/// `Retry-After` (whole seconds) when it is `RateLimited`. A plain HTML
/// form post (no WASM yet) is left alone: server_fn answers it with a
/// redirect back to the form, carrying the error in the URL, and the
/// re-rendered form shows it (a wait on a redirect would mean "wait before
/// following it", which is not what is meant).
pub fn apply_error(error: &AppError) {
    let Some(res) = use_context::<ResponseOptions>() else {
        return;
    };
    if is_plain_form_post() {
        return;
    }
    if let Ok(code) = StatusCode::from_u16(error.status_code()) {
        res.set_status(code);
    }
    if let AppError::RateLimited { retry_after_secs } = error {
        res.insert_header(RETRY_AFTER, HeaderValue::from(*retry_after_secs));
    }
}

/// Sets the status of a page being rendered (404 for a missing profile).
pub fn set_page_status(status: u16) {
    if let (Some(res), Ok(code)) = (use_context::<ResponseOptions>(), StatusCode::from_u16(status)) {
        res.set_status(code);
    }
}

fn is_plain_form_post() -> bool {
    use_context::<Parts>()
        .map(|parts| {
            parts.method != http::Method::GET
                && parts.headers.get(ACCEPT).and_then(|v| v.to_str().ok()).is_some_and(|v| v.contains("text/html"))
        })
        .unwrap_or(false)
}

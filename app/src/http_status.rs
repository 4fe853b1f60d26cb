//! Sets the HTTP status of the response a server function or page is building.

use http::{header::ACCEPT, request::Parts, StatusCode};
use leptos::prelude::use_context;
use leptos_axum::ResponseOptions;

/// Sets `status` on the current response. A plain HTML form post (no WASM
/// yet) is left alone: server_fn answers it with a redirect back to the form,
/// carrying the error in the URL, and the re-rendered form shows it.
pub fn apply(status: u16) {
    let Some(res) = use_context::<ResponseOptions>() else {
        return;
    };
    if is_plain_form_post() {
        return;
    }
    if let Ok(code) = StatusCode::from_u16(status) {
        res.set_status(code);
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

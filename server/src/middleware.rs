//! Request-level guards: the same-origin check for state-changing requests,
//! and the tracing span that carries the request id.

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tracing::Span;

use app::attribution::{VISITOR_COOKIE, VISIT_COOKIE};
use app::error::AppError;
use app::state::AppState;

pub fn request_span(req: &Request<Body>) -> Span {
    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), request_id = %id)
}

/// State-changing requests (anything but GET/HEAD/OPTIONS) must say where
/// they come from, and it must be this site: a browser always sends `Origin`
/// (or at least `Referer`) on a form post or fetch, so a request without
/// either, or from another origin, is refused. SameSite=Lax cookies are the
/// second line of defence.
pub async fn require_same_origin(State(state): State<AppState>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let headers = req.headers();
    let host = if state.config.trust_proxy {
        headers.get("x-forwarded-host").or_else(|| headers.get(header::HOST))
    } else {
        headers.get(header::HOST)
    };
    let source = headers.get(header::ORIGIN).or_else(|| headers.get(header::REFERER));
    match check_origin(source, host, expected_scheme(state.config.tls)) {
        Ok(()) => next.run(req).await,
        Err(reason) => {
            tracing::warn!(reason, "cross-site request refused");
            refuse(reason)
        }
    }
}

/// The scheme this site's own pages are served with: an `http://` page on a
/// site behind TLS is another origin (a network attacker can serve one).
fn expected_scheme(tls: bool) -> &'static str {
    if tls {
        "https"
    } else {
        "http"
    }
}

/// Same origin means same scheme and same host (with port).
fn check_origin(source: Option<&HeaderValue>, host: Option<&HeaderValue>, scheme: &str) -> Result<(), &'static str> {
    let source =
        source.and_then(|v| v.to_str().ok()).ok_or("the request did not say which site sent it (no Origin header)")?;
    let host = host.and_then(|v| v.to_str().ok()).ok_or("the request has no Host header")?;
    let (source_scheme, rest) = source.split_once("://").ok_or("the request's Origin is not a web address")?;
    let source_host = rest.split(['/', '?', '#']).next().unwrap_or("");
    if !source_host.eq_ignore_ascii_case(host) {
        return Err("the request came from another site");
    }
    if !source_scheme.eq_ignore_ascii_case(scheme) {
        return Err("the request came from this site over another scheme (http and https are different origins)");
    }
    Ok(())
}

fn refuse(reason: &'static str) -> Response {
    let body = serde_json::to_string(&AppError::ServerFn(format!("Request refused: {reason}.")))
        .unwrap_or_else(|_| "\"Forbidden\"".into());
    (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Refuses text holding a NUL character with a 422 before any handler runs:
/// PostgreSQL can't store NUL in text, so without this every form, query
/// string and JSON body would reach the database and fail there as a 500.
/// Checked: the path, the query string, and url-encoded and JSON bodies (the
/// encodings of every server function but uploads; a multipart text field
/// is caught by `AppError`'s database backstop instead).
pub async fn reject_nul_text(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    if let Some(field) = nul_in_urlencoded(req.uri().path()).or_else(|| req.uri().query().and_then(nul_in_urlencoded)) {
        return nul_refused(api, &field);
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    let essence = content_type.split(';').next().unwrap_or("").trim().to_ascii_lowercase();
    let form = essence == "application/x-www-form-urlencoded";
    let json = essence == "application/json" || essence.ends_with("+json");
    if !form && !json {
        return next.run(req).await;
    }
    let (parts, body) = req.into_parts();
    // The body limit layer outside this one already bounds what is read.
    let bytes = match axum::body::to_bytes(body, usize::MAX).await {
        Ok(bytes) => bytes,
        Err(_) => return refuse_body(),
    };
    let found = match std::str::from_utf8(&bytes) {
        Ok(text) if form => nul_in_urlencoded(text),
        Ok(text) => nul_in_json(text),
        // Not text at all: the handler's own decoding reports it.
        Err(_) => None,
    };
    match found {
        Some(field) => nul_refused(api, &field),
        None => next.run(Request::from_parts(parts, Body::from(bytes))).await,
    }
}

/// The name of the first field of url-encoded `text` (a form body, a query
/// string, or a path, where it is the segment) whose value holds a NUL, raw
/// or as `%00`.
fn nul_in_urlencoded(text: &str) -> Option<String> {
    if !text.contains('\0') && !text.contains("%00") {
        return None;
    }
    let pair = text.split(['&', '/']).find(|pair| pair.contains('\0') || pair.contains("%00"))?;
    let name = pair.split_once('=').map_or("text", |(name, _)| name);
    Some(if name.contains('\0') || name.contains("%00") { "text".to_string() } else { name.to_string() })
}

/// The path (`spec.post`) of the first string in a JSON body holding a NUL.
/// Only a body whose raw text could hold one is parsed.
fn nul_in_json(text: &str) -> Option<String> {
    let lower = text.to_ascii_lowercase();
    if !lower.contains("\\u0000") && !text.contains('\0') {
        return None;
    }
    fn walk(value: &serde_json::Value, at: &str) -> Option<String> {
        let here = |key: &str| if at.is_empty() { key.to_string() } else { format!("{at}.{key}") };
        match value {
            serde_json::Value::String(s) => s.contains('\0').then(|| at.to_string()),
            serde_json::Value::Array(items) => {
                items.iter().enumerate().find_map(|(i, item)| walk(item, &here(&i.to_string())))
            }
            serde_json::Value::Object(map) => {
                map.iter().find_map(
                    |(key, item)| {
                        if key.contains('\0') {
                            Some(here("key"))
                        } else {
                            walk(item, &here(key))
                        }
                    },
                )
            }
            _ => None,
        }
    }
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    walk(&value, "").map(|path| if path.is_empty() { "text".to_string() } else { path })
}

/// 422 naming the field, as a server function's validation error for the
/// API (so the form shows it) and as plain text for a page.
fn nul_refused(api: bool, field: &str) -> Response {
    tracing::info!(field, "text with a NUL character refused");
    if api {
        let error = AppError::validation(field, app::error::NUL_TEXT_MESSAGE);
        let body = serde_json::to_string(&error).unwrap_or_else(|_| "\"Validation\"".into());
        (StatusCode::UNPROCESSABLE_ENTITY, [(header::CONTENT_TYPE, "application/json")], body).into_response()
    } else {
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            app::error::NUL_TEXT_MESSAGE,
        )
            .into_response()
    }
}

/// A body that broke off or was over the server's limit.
fn refuse_body() -> Response {
    let body = serde_json::to_string(&AppError::ServerFn("The request body could not be read.".into()))
        .unwrap_or_else(|_| "\"ServerFn\"".into());
    (StatusCode::BAD_REQUEST, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Gives every browser an anonymous visitor id (`sf_visitor`, a year) and a
/// visit id (`sf_visit`, until the browser closes), so a shopper's journey
/// can be followed across pages, days and a login. A request that arrives
/// without them gets fresh ones in its own `Cookie` header too, so the very
/// first page already records under the id the browser will keep. A
/// response shared caches may keep (a file of the site root) sets none: a
/// cache would hand that visitor's ids to the next.
pub async fn visitor_ids(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let path = req.uri().path();
    if path.starts_with("/pkg/") || path.starts_with("/media/") || path == "/healthz" {
        return next.run(req).await;
    }
    let present: Vec<String> = req
        .headers()
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .filter(|(_, v)| !v.is_empty())
        .map(|(k, _)| k.to_string())
        .collect();
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let mut set = Vec::new();
    for (name, max_age) in [(VISITOR_COOKIE, "; Max-Age=31536000"), (VISIT_COOKIE, "")] {
        if !present.iter().any(|k| k == name) {
            let pair = format!("{name}={}", uuid::Uuid::new_v4());
            if let Ok(v) = HeaderValue::from_str(&pair) {
                req.headers_mut().append(header::COOKIE, v);
            }
            set.push(format!("{pair}; Path=/; HttpOnly; SameSite=Lax{max_age}{secure}"));
        }
    }
    let mut response = next.run(req).await;
    let shared = response
        .headers()
        .get(header::CACHE_CONTROL)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|d| d.trim().eq_ignore_ascii_case("public")));
    if shared {
        return response;
    }
    for cookie in set {
        if let Ok(v) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hv(s: &str) -> HeaderValue {
        HeaderValue::from_str(s).unwrap()
    }

    fn check(source: Option<&str>, host: &str, tls: bool) -> Result<(), &'static str> {
        check_origin(source.map(hv).as_ref(), Some(&hv(host)), expected_scheme(tls))
    }

    #[test]
    fn nul_is_found_raw_or_percent_encoded_and_named_by_its_field() {
        assert_eq!(nul_in_urlencoded("identifier=maya&password=a%00b").as_deref(), Some("password"));
        assert_eq!(nul_in_urlencoded("q=a\0b").as_deref(), Some("q"));
        assert_eq!(nul_in_urlencoded("/u/ma%00ya").as_deref(), Some("text"));
        assert_eq!(nul_in_urlencoded("a%00=1").as_deref(), Some("text"));
        // `%2500` is the text "%00", not a NUL.
        assert_eq!(nul_in_urlencoded("q=%2500&x=%0A"), None);
        assert_eq!(nul_in_urlencoded("identifier=maya&password=secret"), None);
    }

    #[test]
    fn nul_in_json_is_found_by_parsing_not_by_pattern() {
        assert_eq!(nul_in_json(r#"{"spec":{"post":"hi\u0000"}}"#).as_deref(), Some("spec.post"));
        assert_eq!(nul_in_json(r#"{"ids":["a","\U0000b"]}"#), None, "not JSON: left to the handler to refuse");
        assert_eq!(nul_in_json(r#"{"ids":["a","b\u0000"]}"#).as_deref(), Some("ids.1"));
        assert_eq!(nul_in_json(r#"{"k\u0000":1}"#).as_deref(), Some("key"));
        assert_eq!(nul_in_json(r#""\u0000""#).as_deref(), Some("text"));
        // An escaped backslash followed by "u0000" is text, not a NUL.
        assert_eq!(nul_in_json(r#"{"body":"C:\\u0000"}"#), None);
        assert_eq!(nul_in_json(r#"{"body":"fine"}"#), None);
    }

    #[test]
    fn same_origin_passes() {
        assert!(check(Some("http://127.0.0.1:3000"), "127.0.0.1:3000", false).is_ok());
        assert!(check(Some("http://127.0.0.1:3000/login?next=/"), "127.0.0.1:3000", false).is_ok());
        assert!(check(Some("https://shop.example"), "shop.example", true).is_ok());
        assert!(check(Some("HTTPS://Shop.Example/p/1"), "shop.example", true).is_ok());
    }

    #[test]
    fn missing_or_foreign_origin_is_refused() {
        assert!(check(None, "127.0.0.1:3000", false).is_err());
        assert!(check(Some("null"), "127.0.0.1:3000", false).is_err());
        assert!(check(Some("https://evil.example"), "127.0.0.1:3000", false).is_err());
        assert!(check(Some("http://127.0.0.1:3000.evil.example"), "127.0.0.1:3000", false).is_err());
        assert!(check(Some("http://127.0.0.1:3000?x=/"), "127.0.0.1:3000.x", false).is_err());
    }

    #[test]
    fn the_same_host_over_another_scheme_is_refused() {
        // Behind TLS, a plain-http page on the same host is another origin.
        assert!(check(Some("http://shop.example"), "shop.example", true).is_err());
        assert!(check(Some("http://shop.example/login"), "shop.example", true).is_err());
        assert!(check(Some("ws://shop.example"), "shop.example", true).is_err());
        // Without TLS, an https origin is not this site either.
        assert!(check(Some("https://127.0.0.1:3000"), "127.0.0.1:3000", false).is_err());
        assert!(check(Some("ftp://127.0.0.1:3000"), "127.0.0.1:3000", false).is_err());
    }
}

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
    match check_origin(source, host) {
        Ok(()) => next.run(req).await,
        Err(reason) => {
            tracing::warn!(reason, "cross-site request refused");
            refuse(reason)
        }
    }
}

fn check_origin(source: Option<&HeaderValue>, host: Option<&HeaderValue>) -> Result<(), &'static str> {
    let source =
        source.and_then(|v| v.to_str().ok()).ok_or("the request did not say which site sent it (no Origin header)")?;
    let host = host.and_then(|v| v.to_str().ok()).ok_or("the request has no Host header")?;
    let source_host = source
        .split_once("://")
        .map(|(_, rest)| rest.split('/').next().unwrap_or(""))
        .ok_or("the request's Origin is not a web address")?;
    if source_host.eq_ignore_ascii_case(host) {
        Ok(())
    } else {
        Err("the request came from another site")
    }
}

fn refuse(reason: &'static str) -> Response {
    let body = serde_json::to_string(&AppError::ServerFn(format!("Request refused: {reason}.")))
        .unwrap_or_else(|_| "\"Forbidden\"".into());
    (StatusCode::FORBIDDEN, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Gives every browser an anonymous visitor id (`sf_visitor`, a year) and a
/// visit id (`sf_visit`, until the browser closes), so a shopper's journey
/// can be followed across pages, days and a login. A request that arrives
/// without them gets fresh ones in its own `Cookie` header too, so the very
/// first page already records under the id the browser will keep.
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

    #[test]
    fn same_origin_passes() {
        assert!(check_origin(Some(&hv("http://127.0.0.1:3000")), Some(&hv("127.0.0.1:3000"))).is_ok());
        assert!(check_origin(Some(&hv("http://127.0.0.1:3000/login?next=/")), Some(&hv("127.0.0.1:3000"))).is_ok());
    }

    #[test]
    fn missing_or_foreign_origin_is_refused() {
        assert!(check_origin(None, Some(&hv("127.0.0.1:3000"))).is_err());
        assert!(check_origin(Some(&hv("null")), Some(&hv("127.0.0.1:3000"))).is_err());
        assert!(check_origin(Some(&hv("https://evil.example")), Some(&hv("127.0.0.1:3000"))).is_err());
        assert!(check_origin(Some(&hv("http://127.0.0.1:3000.evil.example")), Some(&hv("127.0.0.1:3000"))).is_err());
    }
}

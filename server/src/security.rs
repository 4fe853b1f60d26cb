//! The security headers every response carries: a Content-Security-Policy
//! with a fresh nonce per request (the one Leptos puts on its inline
//! hydration and resource scripts), no sniffing, no framing, a careful
//! referrer, HSTS behind TLS, and pages kept out of shared caches: a
//! signed-in user's never stored, a visitor's revalidated on every use.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use axum::Router;
use leptos::nonce::Nonce;
use tower_http::set_header::SetResponseHeaderLayer;

use app::accounts::session::COOKIE_NAME as SESSION_COOKIE;

/// How long browsers remember to use HTTPS only (a year), behind TLS.
const HSTS: &str = "max-age=31536000";

/// The policy for this app, built once; only the nonce changes per request.
#[derive(Clone, Debug)]
pub struct Csp {
    /// Extra `connect-src` for `cargo leptos watch`'s reload socket (dev only).
    dev_reload: Option<String>,
}

impl Csp {
    /// `reload_socket` is the live-reload websocket's origin when the server
    /// runs under `cargo leptos watch` (`LEPTOS_WATCH`), else `None`.
    pub fn new(reload_socket: Option<String>) -> Self {
        Csp { dev_reload: reload_socket }
    }

    /// What the app needs and nothing more: its own scripts plus the inline
    /// ones carrying this response's nonce, and WebAssembly
    /// (`'wasm-unsafe-eval'`, never `'unsafe-eval'`); its own stylesheet,
    /// plus `style` attributes (tag positions, image ratios and chart bars
    /// are computed per element, and styles can't run script); images,
    /// fonts and fetches from this site only. No plugins, no `<base>`, forms
    /// post only here, and no site may frame it.
    pub fn header(&self, nonce: &str) -> String {
        let connect = match &self.dev_reload {
            Some(socket) => format!("'self' {socket}"),
            None => "'self'".to_string(),
        };
        format!(
            "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
             style-src 'self'; style-src-attr 'unsafe-inline'; img-src 'self'; font-src 'self'; \
             connect-src {connect}; media-src 'self'; manifest-src 'self'; worker-src 'self'; \
             frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
        )
    }
}

/// Gives the request a fresh nonce (in its extensions, where the Leptos
/// render picks it up: see `routes::provide_request_nonce`) and sets the
/// policy naming it on the response; marks a signed-in user's HTML
/// `private, no-store` so no shared cache or back-button snapshot keeps it,
/// and other HTML `private, no-cache` unless the page chose its own caching:
/// a visitor's page can hold their cart, and every page names a nonce meant
/// for one response only.
pub async fn csp_and_caching(State(csp): State<Csp>, mut req: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    let signed_in = has_cookie(req.headers(), SESSION_COOKIE);
    req.extensions_mut().insert(nonce.clone());
    let mut response = next.run(req).await;
    let headers = response.headers_mut();
    if let Ok(policy) = HeaderValue::from_str(&csp.header(&nonce)) {
        headers.insert(header::CONTENT_SECURITY_POLICY, policy);
    }
    let html =
        headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"));
    if signed_in && html {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    } else if html && !headers.contains_key(header::CACHE_CONTROL) {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-cache"));
    }
    response
}

/// Whether the request carries a non-empty cookie `name` (a session cookie:
/// checking it is valid would cost a query on every response, and a stale
/// one only makes a page uncacheable).
fn has_cookie(headers: &axum::http::HeaderMap, name: &str) -> bool {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .any(|(k, v)| k == name && !v.is_empty())
}

/// Puts the headers on every response of `router`, whatever produced it
/// (pages, server functions, static files, refusals): the fixed ones through
/// tower-http, the policy and caching through [`csp_and_caching`].
pub fn secure<S: Clone + Send + Sync + 'static>(router: Router<S>, csp: Csp, tls: bool) -> Router<S> {
    let hsts = tls.then(|| HeaderValue::from_static(HSTS));
    router.layer(axum::middleware::from_fn_with_state(csp, csp_and_caching)).layer(
        tower::ServiceBuilder::new()
            .layer(SetResponseHeaderLayer::overriding(
                header::X_CONTENT_TYPE_OPTIONS,
                HeaderValue::from_static("nosniff"),
            ))
            .layer(SetResponseHeaderLayer::overriding(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY")))
            .layer(SetResponseHeaderLayer::overriding(
                header::REFERRER_POLICY,
                HeaderValue::from_static("strict-origin-when-cross-origin"),
            ))
            .layer(SetResponseHeaderLayer::overriding(header::STRICT_TRANSPORT_SECURITY, hsts)),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_names_the_nonce_and_allows_webassembly_but_not_eval() {
        let policy = Csp::new(None).header("abc123");
        assert!(policy.contains("script-src 'self' 'nonce-abc123' 'wasm-unsafe-eval';"));
        assert!(!policy.contains("'unsafe-eval'"));
        assert!(!policy.contains("script-src 'self' 'unsafe-inline'"));
        for directive in [
            "default-src 'self'",
            "connect-src 'self';",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ] {
            assert!(policy.contains(directive), "{directive} in {policy}");
        }
    }

    #[test]
    fn the_dev_reload_socket_is_allowed_only_when_watching() {
        let policy = Csp::new(Some("ws://127.0.0.1:3001".into())).header("n");
        assert!(policy.contains("connect-src 'self' ws://127.0.0.1:3001;"));
    }

    #[test]
    fn only_a_non_empty_session_cookie_counts_as_signed_in() {
        let mut headers = axum::http::HeaderMap::new();
        headers.insert(header::COOKIE, HeaderValue::from_static("sf_visitor=1; sf_session=abc"));
        assert!(has_cookie(&headers, SESSION_COOKIE));
        headers.insert(header::COOKIE, HeaderValue::from_static("sf_visitor=1; sf_session="));
        assert!(!has_cookie(&headers, SESSION_COOKIE));
        headers.insert(header::COOKIE, HeaderValue::from_static("not_sf_session=abc"));
        assert!(!has_cookie(&headers, SESSION_COOKIE));
    }
}

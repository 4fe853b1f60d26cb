//! Static files: the WASM client, its JS and CSS under `/pkg`, the rest of
//! the site root (the favicon), and uploaded media under `/media`. Each kind
//! gets the caching its names allow, the brotli and gzip copies the release
//! build writes beside each file (`cargo leptos build --precompress`), and
//! an ETag, so a browser's revalidation costs a 304 and no body.

use std::future::Future;
use std::path::Path;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::services::ServeDir;

/// How long a browser (or a shared cache) may keep a file without asking.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Caching {
    /// A content-hashed client file: a new build brings new names, so the
    /// bytes behind a name never change.
    Immutable,
    /// An upload. Its name is unique to it (a UUID; a replaced avatar gets a
    /// new one) but not a hash of its bytes (the demo seed's images keep
    /// their names), so a year, and a reload revalidates rather than trusts.
    Media,
    /// Another file of the site root (the favicon): its name stays from
    /// build to build, so an hour, then a revalidation.
    Short,
    /// A client file whose name carries no hash (a build without
    /// hash-files, as `cargo leptos watch` may make): ask every time.
    Revalidate,
}

impl Caching {
    pub fn header(self) -> HeaderValue {
        HeaderValue::from_static(match self {
            Caching::Immutable => "public, max-age=31536000, immutable",
            Caching::Media => "public, max-age=31536000",
            Caching::Short => "public, max-age=3600",
            Caching::Revalidate => "no-cache",
        })
    }
}

/// Which files a static route serves; decides each response's [`Caching`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Files {
    /// `/pkg`: `hashed` when the build gave the files content-hashed names
    /// (`hash-files`, `LEPTOS_HASH_FILES`).
    Client {
        hashed: bool,
    },
    Site,
    Media,
}

impl Files {
    /// The caching of the file at `path` (relative to where these files are
    /// mounted). cargo-leptos hashes every client file but wasm-bindgen's
    /// `snippets/`, whose names the WASM itself imports.
    pub fn caching(self, path: &str) -> Caching {
        match self {
            Files::Client { hashed: true } if !path.starts_with("/snippets/") => Caching::Immutable,
            Files::Client { .. } => Caching::Revalidate,
            Files::Site => Caching::Short,
            Files::Media => Caching::Media,
        }
    }

    /// Whether the files come in brotli and gzip too (uploads are JPEGs,
    /// which compress no further).
    fn precompressed(self) -> bool {
        !matches!(self, Files::Media)
    }

    /// A service for the files under `dir`: their precompressed copies when
    /// the client accepts one, their caching, ETags and 304s.
    fn serve(self, dir: impl AsRef<Path>) -> Router {
        let files = ServeDir::new(dir).append_index_html_on_directories(false);
        let files = if self.precompressed() { files.precompressed_br().precompressed_gzip() } else { files };
        Router::new().fallback_service(files).layer(axum::middleware::from_fn_with_state(self, cached))
    }
}

/// `/pkg` and `/media`, to be merged into the app's router.
pub fn routes<S: Clone + Send + Sync + 'static>(site_pkg: &Path, hashed: bool, media: &Path) -> Router<S> {
    Router::new()
        .nest_service("/pkg", Files::Client { hashed }.serve(site_pkg))
        .nest_service("/media", Files::Media.serve(media))
}

/// The files of the site root outside `/pkg` (the favicon), for
/// [`site_file_or`].
pub fn site_files(site_root: &str) -> Router {
    Files::Site.serve(site_root)
}

/// The file of `site_files` that a GET or HEAD `req` names; any other
/// request, or one naming no file, goes to `otherwise` (the app's not-found
/// page). Routes are matched first, so a page always wins over a file.
pub async fn site_file_or<F, Fut>(site_files: Router, req: Request, otherwise: F) -> Response
where
    F: FnOnce(Request) -> Fut,
    Fut: Future<Output = Response>,
{
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return otherwise(req).await;
    }
    let mut probe = Request::new(Body::empty());
    *probe.method_mut() = req.method().clone();
    *probe.uri_mut() = req.uri().clone();
    *probe.headers_mut() = req.headers().clone();
    match site_files.oneshot(probe).await {
        Ok(response) if response.status() != StatusCode::NOT_FOUND => response,
        _ => otherwise(req).await,
    }
}

/// Puts the caching and an ETag on a file response, and answers a request
/// whose `If-None-Match` names the file as it is now with a bodiless 304.
async fn cached(State(files): State<Files>, mut req: Request, next: Next) -> Response {
    let caching = files.caching(req.uri().path());
    let if_none_match = req.headers().get(header::IF_NONE_MATCH).cloned();
    if if_none_match.is_some() {
        // RFC 9110 §13.2.2: with If-None-Match, If-Modified-Since is ignored
        // (ServeDir would otherwise answer it on its own).
        req.headers_mut().remove(header::IF_MODIFIED_SINCE);
    }
    let mut response = next.run(req).await;
    if !matches!(response.status(), StatusCode::OK | StatusCode::PARTIAL_CONTENT | StatusCode::NOT_MODIFIED) {
        return response;
    }
    let headers = response.headers_mut();
    headers.insert(header::CACHE_CONTROL, caching.header());
    if files.precompressed() {
        headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    }
    let Some(tag) = etag(headers) else { return response };
    headers.insert(header::ETAG, tag.clone());
    let fresh = if_none_match.as_ref().is_some_and(|wanted| etag_matches(wanted, &tag));
    if response.status() == StatusCode::OK && fresh {
        let (mut parts, _) = response.into_parts();
        parts.status = StatusCode::NOT_MODIFIED;
        parts.headers.remove(header::CONTENT_LENGTH);
        parts.headers.remove(header::ACCEPT_RANGES);
        return Response::from_parts(parts, Body::empty()).into_response();
    }
    response
}

/// A weak validator from what ServeDir says of the file it sent: its length
/// (the whole file's, also for a range), when it last changed, and its
/// encoding (the brotli and gzip copies are other bytes). Weak because
/// dynamic compression may still re-encode a file that has no copies.
fn etag(headers: &HeaderMap) -> Option<HeaderValue> {
    let modified = headers.get(header::LAST_MODIFIED)?.as_bytes();
    let length = match headers.get(header::CONTENT_RANGE) {
        Some(range) => range.to_str().ok()?.rsplit('/').next()?.to_string(),
        None => headers.get(header::CONTENT_LENGTH)?.to_str().ok()?.to_string(),
    };
    let encoding = headers.get(header::CONTENT_ENCODING).map_or(&b"identity"[..], HeaderValue::as_bytes);
    let stamp = fnv1a(&[modified, b"/", encoding]);
    HeaderValue::from_str(&format!("W/\"{length}-{stamp:016x}\"")).ok()
}

/// FNV-1a over `parts`: a stable, dependency-free fingerprint (the ETag
/// only has to change when the file does, not resist forgery).
fn fnv1a(parts: &[&[u8]]) -> u64 {
    parts
        .iter()
        .flat_map(|part| part.iter())
        .fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(*byte)).wrapping_mul(0x0000_0100_0000_01b3))
}

/// RFC 9110's weak comparison of an `If-None-Match` list (or `*`) with `tag`.
fn etag_matches(wanted: &HeaderValue, tag: &HeaderValue) -> bool {
    let Ok(wanted) = wanted.to_str() else { return false };
    let opaque = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let tag = opaque(tag.to_str().unwrap_or(""));
    wanted.split(',').any(|candidate| candidate.trim() == "*" || opaque(candidate) == tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_hashed_client_files_are_immutable() {
        let hashed = Files::Client { hashed: true };
        assert_eq!(hashed.caching("/storefeed.Q2xpZW50SGFzaEhlcmVYWQ.wasm"), Caching::Immutable);
        assert_eq!(hashed.caching("/snippets/leptos-abc/inline0.js"), Caching::Revalidate);
        assert_eq!(Files::Client { hashed: false }.caching("/storefeed.wasm"), Caching::Revalidate);
        assert_eq!(Files::Site.caching("/favicon.svg"), Caching::Short);
        assert_eq!(Files::Media.caching("/posts/a-600.jpg"), Caching::Media);
        assert_eq!(Caching::Immutable.header(), "public, max-age=31536000, immutable");
        assert_eq!(Caching::Revalidate.header(), "no-cache");
    }

    fn file_headers(modified: &str, length: &str, encoding: Option<&str>) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::LAST_MODIFIED, HeaderValue::from_str(modified).unwrap());
        headers.insert(header::CONTENT_LENGTH, HeaderValue::from_str(length).unwrap());
        if let Some(encoding) = encoding {
            headers.insert(header::CONTENT_ENCODING, HeaderValue::from_str(encoding).unwrap());
        }
        headers
    }

    #[test]
    fn the_etag_changes_with_the_file_and_its_encoding() {
        let when = "Fri, 04 Dec 2026 21:00:00 GMT";
        let plain = etag(&file_headers(when, "100", None)).unwrap();
        assert!(plain.to_str().unwrap().starts_with("W/\"100-"), "{plain:?}");
        assert_eq!(etag(&file_headers(when, "100", None)), Some(plain.clone()), "stable");
        assert_ne!(etag(&file_headers("Fri, 04 Dec 2026 21:00:01 GMT", "100", None)), Some(plain.clone()));
        assert_ne!(etag(&file_headers(when, "101", None)), Some(plain.clone()));
        assert_ne!(etag(&file_headers(when, "100", Some("br"))), Some(plain.clone()));

        let mut range = file_headers(when, "10", None);
        range.insert(header::CONTENT_RANGE, HeaderValue::from_static("bytes 0-9/100"));
        assert_eq!(etag(&range), Some(plain), "a range names the whole file's tag");
        assert_eq!(etag(&HeaderMap::new()), None, "no file, no tag");
    }

    #[test]
    fn if_none_match_compares_weakly_and_accepts_lists_and_star() {
        let tag = HeaderValue::from_static("W/\"100-00ff\"");
        for wanted in ["W/\"100-00ff\"", "\"100-00ff\"", "\"other\", W/\"100-00ff\"", "*"] {
            assert!(etag_matches(&HeaderValue::from_str(wanted).unwrap(), &tag), "{wanted}");
        }
        for wanted in ["W/\"100-00fe\"", "\"100\"", ""] {
            assert!(!etag_matches(&HeaderValue::from_str(wanted).unwrap(), &tag), "{wanted}");
        }
    }
}

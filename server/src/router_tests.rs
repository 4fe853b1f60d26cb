//! The whole router as a client meets it, request by request (`oneshot`, no
//! socket): the security headers on pages, API answers and static files;
//! hostile input (NUL in text, a non-multipart upload) answered with a 4xx,
//! never a 500 or a dropped connection; who may move the test clock; and the
//! navigation's server-rendered parts (cart count, Me page, log-in links).

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{header, Request, Response, StatusCode};
use axum::Router;
use leptos::config::LeptosOptions;
use sqlx::PgPool;
use tower::ServiceExt;

use app::state::{AppConfig, AppState};
use app::test_controls::scenario::{seed, ProductSpec, Scenario, ScenarioSpec};

pub(crate) const HOST: &str = "storefeed.test";

pub(crate) struct Site {
    router: Router,
    config: AppConfig,
    pub(crate) pool: PgPool,
    /// The real-time channel's hub the router's `/live` streams read.
    pub(crate) live: app::live::hub::LiveHub,
    dir: PathBuf,
}

impl Drop for Site {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// A content-hashed client file as a release build leaves it, with the
/// brotli and gzip copies `--precompress` writes beside it.
const HASHED_WASM: &str = "storefeed.Q2xpZW50SGFzaEhlcmVYWQ.wasm";

/// The app's router on `pool` with `adjust`ed settings, a site root holding
/// the stylesheet, the favicon and a hashed client file, and an uploaded
/// image in the media folder.
pub(crate) async fn site(pool: PgPool, adjust: impl FnOnce(&mut AppConfig)) -> Site {
    build_site(pool, false, adjust).await
}

/// The same, serving the client as built with hash-files. No page may be
/// rendered with it: Leptos then needs a hash.txt beside the test binary.
async fn hashed_site(pool: PgPool) -> Site {
    build_site(pool, true, |_| {}).await
}

async fn build_site(pool: PgPool, hashed: bool, adjust: impl FnOnce(&mut AppConfig)) -> Site {
    let dir = std::env::temp_dir().join(format!("storefeed-router-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(dir.join("site/pkg")).unwrap();
    std::fs::create_dir_all(dir.join("media")).unwrap();
    std::fs::write(dir.join("site/pkg/storefeed.css"), "body{margin:0}").unwrap();
    std::fs::write(dir.join("site/favicon.svg"), "<svg xmlns=\"http://www.w3.org/2000/svg\"/>").unwrap();
    let wasm = dir.join("site/pkg").join(HASHED_WASM);
    std::fs::write(&wasm, "raw wasm").unwrap();
    std::fs::write(wasm.with_extension("wasm.br"), "brotli wasm").unwrap();
    std::fs::write(wasm.with_extension("wasm.gz"), "gzip wasm").unwrap();
    std::fs::write(dir.join("media/pic.jpg"), [0xff, 0xd8, 0xff, 0xd9]).unwrap();

    let mut config = AppConfig::for_tests(dir.join("media"));
    adjust(&mut config);
    let clock = if config.test_controls { app::clock::Clock::movable() } else { app::clock::Clock::system() };
    let state = AppState {
        leptos_options: LeptosOptions::builder()
            .output_name("storefeed")
            .site_root(dir.join("site").to_string_lossy().to_string())
            .hash_files(hashed)
            .build(),
        pool: pool.clone(),
        config: Arc::new(config.clone()),
        payments: Arc::new(app::payments::test_provider::TestProvider::new(pool.clone())),
        stock: app::inventory::gate::StockGate::start(pool.clone()),
        events: app::attribution::EventSink::start(pool.clone()),
        context_keys: app::attribution::ContextKeys::load(&pool, None, true, clock.now()).await.unwrap(),
        clock,
        cards: app::posts::cards::CardCache::default(),
        live: app::live::hub::LiveHub::default(),
    };
    let live = state.live.clone();
    Site { router: crate::routes::build(state), config, pool, live, dir }
}

impl Site {
    /// A signed-in user who owns a shop with one product in stock.
    pub(crate) async fn seller(&self) -> (Scenario, String) {
        let config = AppConfig { test_controls: true, ..self.config.clone() };
        let spec =
            ScenarioSpec { prefix: "seller".into(), product: Some(ProductSpec::default()), ..ScenarioSpec::default() };
        let scenario = seed(&self.pool, &config, &spec).await.unwrap();
        let cookie = format!("sf_session={}", scenario.session);
        (scenario, cookie)
    }

    /// A signed-in user (an admin if asked); returns the session cookie.
    async fn session(&self, admin: bool) -> String {
        let config = AppConfig { test_controls: true, ..self.config.clone() };
        let spec = ScenarioSpec { prefix: "router".into(), admin, ..ScenarioSpec::default() };
        let scenario = seed(&self.pool, &config, &spec).await.unwrap();
        format!("sf_session={}", scenario.session)
    }

    /// The response with its body still streaming (a `/live` stream).
    pub(crate) async fn open(&self, req: Request<Body>) -> Response<Body> {
        let mut req = req;
        req.extensions_mut().insert(ConnectInfo(SocketAddr::from(([127, 0, 0, 1], 40000))));
        self.router.clone().oneshot(req).await.unwrap()
    }

    async fn send(&self, req: Request<Body>) -> (Response<Body>, String) {
        let response = self.open(req).await;
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, usize::MAX).await.unwrap();
        (Response::from_parts(parts, Body::empty()), String::from_utf8_lossy(&bytes).into_owned())
    }

    pub(crate) async fn get(&self, path: &str, cookie: Option<&str>) -> (Response<Body>, String) {
        let mut req = Request::get(path).header(header::HOST, HOST);
        if let Some(cookie) = cookie {
            req = req.header(header::COOKIE, cookie);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// A GET carrying `headers` (Accept-Encoding, If-None-Match...).
    async fn get_with(&self, path: &str, headers: &[(header::HeaderName, &str)]) -> (Response<Body>, String) {
        let mut req = Request::get(path).header(header::HOST, HOST);
        for (name, value) in headers {
            req = req.header(name, *value);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// A same-site POST with `content_type` and `body`.
    pub(crate) async fn post(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
        cookie: Option<&str>,
    ) -> (Response<Body>, String) {
        let scheme = if self.config.tls { "https" } else { "http" };
        let mut req = Request::post(path)
            .header(header::HOST, HOST)
            .header(header::ORIGIN, format!("{scheme}://{HOST}"))
            .header(header::CONTENT_TYPE, content_type);
        if let Some(cookie) = cookie {
            req = req.header(header::COOKIE, cookie);
        }
        self.send(req.body(Body::from(body.to_string())).unwrap()).await
    }

    pub(crate) async fn form(&self, path: &str, body: &str, cookie: Option<&str>) -> (Response<Body>, String) {
        self.post(path, "application/x-www-form-urlencoded", body, cookie).await
    }
}

fn header_of(response: &Response<Body>, name: header::HeaderName) -> &str {
    response.headers().get(&name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

/// The headers every response carries, whatever produced it.
fn assert_fixed_headers(response: &Response<Body>, what: &str) {
    assert_eq!(header_of(response, header::X_CONTENT_TYPE_OPTIONS), "nosniff", "{what}");
    assert_eq!(header_of(response, header::X_FRAME_OPTIONS), "DENY", "{what}");
    assert_eq!(header_of(response, header::REFERRER_POLICY), "strict-origin-when-cross-origin", "{what}");
    let csp = header_of(response, header::CONTENT_SECURITY_POLICY);
    assert!(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'"), "{what}: {csp}");
}

/// The nonce the policy names.
fn nonce_of(response: &Response<Body>) -> String {
    let csp = header_of(response, header::CONTENT_SECURITY_POLICY);
    let start = csp.find("'nonce-").expect("a nonce in the policy") + "'nonce-".len();
    csp[start..].split('\'').next().unwrap().to_string()
}

#[sqlx::test(migrations = "../migrations")]
async fn a_page_names_a_fresh_nonce_that_every_inline_script_carries(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    let (first, html) = site.get("/login", None).await;
    assert_eq!(first.status(), StatusCode::OK);
    assert!(header_of(&first, header::CONTENT_TYPE).starts_with("text/html"));
    assert_fixed_headers(&first, "a page");
    let nonce = nonce_of(&first);
    assert!(nonce.len() >= 16, "128 bits, base64: {nonce}");
    let scripts: Vec<&str> =
        html.match_indices("<script").map(|(i, _)| &html[i..i + html[i..].find('>').unwrap()]).collect();
    assert!(!scripts.is_empty(), "the hydration script is inline");
    assert!(html.contains("rel=\"stylesheet\" href=\"/pkg/storefeed.css\""), "the stylesheet, named by the build");
    for script in scripts {
        assert!(script.contains(&format!("nonce=\"{nonce}\"")), "{script} lacks the nonce {nonce}");
    }
    assert!(header_of(&first, header::STRICT_TRANSPORT_SECURITY).is_empty(), "no HSTS without TLS");
    assert_eq!(
        header_of(&first, header::CACHE_CONTROL),
        "private, no-cache",
        "a signed-out page may be kept by the browser, revalidated"
    );

    let (second, _) = site.get("/login", None).await;
    assert_ne!(nonce_of(&second), nonce, "each response gets its own nonce");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_signed_in_users_pages_are_never_stored(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    let cookie = site.session(false).await;
    for path in ["/", "/explore", "/settings/profile", "/no-such-page"] {
        let (response, _) = site.get(path, Some(cookie.as_str())).await;
        assert!(header_of(&response, header::CONTENT_TYPE).starts_with("text/html"), "{path}");
        assert_eq!(header_of(&response, header::CACHE_CONTROL), "private, no-store", "{path}");
        assert_fixed_headers(&response, path);
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn api_answers_and_static_files_carry_the_headers_too(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    let (api, body) = site.form("/api/auth/me", "", None).await;
    assert_eq!(api.status(), StatusCode::OK, "{body}");
    assert_fixed_headers(&api, "a server function");

    let (css, body) = site.get("/pkg/storefeed.css", None).await;
    assert_eq!(css.status(), StatusCode::OK);
    assert_eq!(body, "body{margin:0}");
    assert_fixed_headers(&css, "the stylesheet");

    let (image, _) = site.get("/media/pic.jpg", None).await;
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(header_of(&image, header::CONTENT_TYPE), "image/jpeg");
    assert_fixed_headers(&image, "an uploaded image");

    let (health, _) = site.get("/healthz", None).await;
    assert_fixed_headers(&health, "the health check");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_hashed_client_file_is_immutable_and_sent_in_the_best_encoding_accepted(pool: PgPool) {
    let site = hashed_site(pool).await;
    let path = format!("/pkg/{HASHED_WASM}");
    let cases =
        [(Some("gzip, deflate, br"), "br", "brotli wasm"), (Some("gzip"), "gzip", "gzip wasm"), (None, "", "raw wasm")];
    let mut tags = Vec::new();
    for (accept, encoding, body) in cases {
        let headers: Vec<_> = accept.map(|a| (header::ACCEPT_ENCODING, a)).into_iter().collect();
        let (response, text) = site.get_with(&path, &headers).await;
        assert_eq!(response.status(), StatusCode::OK, "{accept:?}");
        assert_eq!(text, body, "{accept:?}");
        assert_eq!(header_of(&response, header::CONTENT_ENCODING), encoding, "{accept:?}");
        assert_eq!(header_of(&response, header::CONTENT_TYPE), "application/wasm");
        assert_eq!(header_of(&response, header::CACHE_CONTROL), "public, max-age=31536000, immutable");
        assert_eq!(header_of(&response, header::VARY), "accept-encoding", "caches keep one copy per encoding");
        assert_fixed_headers(&response, "a client file");
        tags.push(header_of(&response, header::ETAG).to_string());
    }
    assert!(tags.iter().all(|t| t.starts_with("W/\"")), "{tags:?}");
    assert!(tags[0] != tags[1] && tags[1] != tags[2], "each encoding has its own tag: {tags:?}");
    assert!(site.get("/pkg/storefeed.cmF0aGVyIG5vdCB0aGVyZQ.wasm", None).await.0.status().is_client_error());
}

#[sqlx::test(migrations = "../migrations")]
async fn files_without_a_hash_in_their_name_are_revalidated_with_their_etag(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    for (path, caching) in [("/pkg/storefeed.css", "no-cache"), ("/favicon.svg", "public, max-age=3600")] {
        let (first, _) = site.get(path, None).await;
        assert_eq!(first.status(), StatusCode::OK, "{path}");
        assert_eq!(header_of(&first, header::CACHE_CONTROL), caching, "{path}");
        assert!(first.headers().get(header::SET_COOKIE).is_none(), "a file sets no visitor id: {path}");
        let tag = header_of(&first, header::ETAG).to_string();
        assert!(!tag.is_empty(), "{path}");
        let (again, body) = site.get_with(path, &[(header::IF_NONE_MATCH, &tag)]).await;
        assert_eq!(again.status(), StatusCode::NOT_MODIFIED, "{path}");
        assert_eq!((body.as_str(), header_of(&again, header::ETAG)), ("", tag.as_str()), "{path}");
        assert_eq!(header_of(&again, header::CACHE_CONTROL), caching, "{path}");
    }
    let (missing, page) = site.get("/no-such-file.svg", None).await;
    assert_eq!(missing.status(), StatusCode::NOT_FOUND);
    assert!(header_of(&missing, header::CONTENT_TYPE).starts_with("text/html"), "the app's not-found page: {page}");
}

#[sqlx::test(migrations = "../migrations")]
async fn media_is_cached_for_a_year_and_a_matching_etag_gets_a_bodiless_304(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    let (image, _) = site.get("/media/pic.jpg", None).await;
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(header_of(&image, header::CACHE_CONTROL), "public, max-age=31536000");
    let tag = header_of(&image, header::ETAG).to_string();
    assert!(tag.starts_with("W/\"4-"), "the tag names the length: {tag}");
    assert!(!header_of(&image, header::LAST_MODIFIED).is_empty());

    let listed = format!("\"nope\", {tag}");
    let (fresh, body) = site.get_with("/media/pic.jpg", &[(header::IF_NONE_MATCH, &listed)]).await;
    assert_eq!(fresh.status(), StatusCode::NOT_MODIFIED);
    assert!(body.is_empty());
    assert_eq!(header_of(&fresh, header::ETAG), tag);
    assert_eq!(header_of(&fresh, header::CACHE_CONTROL), "public, max-age=31536000");
    assert_fixed_headers(&fresh, "a 304");

    // A tag that no longer matches wins over a date that would: the file comes again.
    let stale = [
        (header::IF_NONE_MATCH, "W/\"4-0000000000000000\""),
        (header::IF_MODIFIED_SINCE, "Fri, 01 Jan 2100 00:00:00 GMT"),
    ];
    let (changed, _) = site.get_with("/media/pic.jpg", &stale).await;
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(header_of(&changed, header::CONTENT_LENGTH), "4");
}

#[sqlx::test(migrations = "../migrations")]
async fn behind_tls_responses_carry_hsts_and_only_https_pages_may_post(pool: PgPool) {
    let site = site(pool, |c| {
        c.tls = true;
        c.secure_cookies = true;
    })
    .await;
    let (page, _) = site.get("/login", None).await;
    assert_eq!(header_of(&page, header::STRICT_TRANSPORT_SECURITY), "max-age=31536000");
    let visitor = page.headers().get_all(header::SET_COOKIE).iter().filter_map(|v| v.to_str().ok()).collect::<Vec<_>>();
    assert!(!visitor.is_empty() && visitor.iter().all(|c| c.contains("; Secure")), "{visitor:?}");

    let (ok, body) = site.form("/api/auth/me", "", None).await;
    assert_eq!(ok.status(), StatusCode::OK, "https://{HOST} is this site: {body}");
    let plain = Request::post("/api/auth/me")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .body(Body::empty())
        .unwrap();
    let (refused, body) = site.send(plain).await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN, "{body}");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_nul_in_text_is_a_422_naming_the_field_not_a_500(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    let cookie = site.session(false).await;
    let cases: [(&str, &str, Option<&str>, &str); 6] = [
        ("/api/auth/login", "identifier=maya&password=pass%00word", None, "password"),
        ("/api/auth/login", "identifier=ma\0ya&password=password", None, "identifier"),
        (
            "/api/shops/create",
            "handle=nul_shop&name=Nul%00Shop&description=&currency=USD",
            Some(cookie.as_str()),
            "name",
        ),
        ("/api/products/search", "query=lin%00en", Some(cookie.as_str()), "query"),
        ("/api/feed/explore", "cursor=%00", None, "cursor"),
        ("/api/comments/add", "post_id=00000000-0000-0000-0000-000000000000&body=hi%00", Some(cookie.as_str()), "body"),
    ];
    for (path, body, cookie, field) in cases {
        let (response, text) = site.form(path, body, cookie).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path} {body:?}: {text}");
        let error: app::error::AppError = serde_json::from_str(&text).unwrap();
        assert_eq!(error.field(), Some(field), "{path}");
        assert_eq!(error.to_string(), app::error::NUL_TEXT_MESSAGE);
    }
    let shops: i64 = sqlx::query_scalar("SELECT count(*) FROM shops").fetch_one(&site.pool).await.unwrap();
    assert_eq!(shops, 0, "nothing was written");

    let (json, text) =
        site.post("/api/test/scenario", "application/json", r#"{"spec":{"prefix":"a\u0000b"}}"#, None).await;
    assert_eq!(json.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text}");
    assert!(text.contains("spec.prefix"), "{text}");

    for path in ["/explore?cursor=%00", "/u/ma%00ya", "/api/feed/explore?cursor=x%00"] {
        let (response, text) = site.get(path, None).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{path}: {text}");
        assert!(text.contains("NUL"), "{path}: {text}");
    }

    // The same requests without the NUL are not refused as NUL.
    let (fine, text) = site.form("/api/products/search", "query=linen", Some(cookie.as_str())).await;
    assert_eq!(fine.status(), StatusCode::OK, "{text}");
}

#[sqlx::test(migrations = "../migrations")]
async fn an_upload_that_is_not_a_multipart_form_is_a_415_not_a_dropped_connection(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    let cookie = site.session(false).await;
    let endpoints = [
        "/api/profiles/image",
        "/api/posts/create",
        "/api/products/images/add",
        "/api/events/create",
        "/api/shops/image",
    ];
    let bodies = [
        ("application/x-www-form-urlencoded", "kind=avatar&image=x"),
        ("multipart/form-data", "--x\r\n\r\n--x--"),
        ("text/plain", "hello"),
        ("application/json", "{}"),
    ];
    for path in endpoints {
        for (content_type, body) in bodies {
            let (response, text) = site.post(path, content_type, body, Some(cookie.as_str())).await;
            assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE, "{path} as {content_type}: {text}");
            assert!(text.contains("multipart"), "{text}");
        }
    }
    // A multipart form still gets through to the reader (which names what's missing).
    let multipart = "--XyZ\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\navatar\r\n--XyZ--\r\n";
    let (response, text) =
        site.post("/api/profiles/image", "multipart/form-data; boundary=XyZ", multipart, Some(cookie.as_str())).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{text}");
}

#[sqlx::test(migrations = "../migrations")]
async fn only_an_admin_moves_the_test_clock(pool: PgPool) {
    let site = site(pool, |c| c.test_controls = true).await;
    let (user, admin) = (site.session(false).await, site.session(true).await);
    let body = "advance_hours=24";
    let (anonymous, text) = site.form("/api/test/clock", body, None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED, "{text}");
    let (plain, text) = site.form("/api/test/clock", body, Some(user.as_str())).await;
    assert_eq!(plain.status(), StatusCode::FORBIDDEN, "{text}");
    let (moved, text) = site.form("/api/test/clock", body, Some(admin.as_str())).await;
    assert_eq!(moved.status(), StatusCode::OK, "{text}");
}

#[sqlx::test(migrations = "../migrations")]
async fn without_test_controls_nobody_moves_the_clock(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    let admin = site.session(true).await;
    for cookie in [None, Some(admin.as_str())] {
        let (response, text) = site.form("/api/test/clock", "advance_hours=24", cookie).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{text}");
    }
}

async fn boom() -> StatusCode {
    panic!("a bug")
}

#[tokio::test]
async fn a_panicking_handler_answers_500_instead_of_dropping_the_connection() {
    let router = Router::new().route("/boom", axum::routing::get(boom)).layer(crate::routes::catch_panics());
    let response = router.oneshot(Request::get("/boom").body(Body::empty()).unwrap()).await.unwrap();
    assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
    let error: app::error::AppError = serde_json::from_slice(&body).unwrap();
    assert_eq!(error, app::error::AppError::Internal);
}

/// The markup inside the element carrying `data-testid="{testid}"`, from
/// where its opening tag ends: where its text starts.
fn after_testid<'a>(html: &'a str, testid: &str) -> Option<&'a str> {
    let marker = format!("data-testid=\"{testid}\"");
    let at = html.find(&marker)?;
    let start = at + html[at..].find('>')? + 1;
    html.get(start..(start + 40).min(html.len()))
}

#[sqlx::test(migrations = "../migrations")]
async fn the_server_renders_the_cart_count_on_the_header_and_the_tab_bar(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    let (seller, _) = site.seller().await;
    let variant = seller.shop.unwrap().variant_ids[0];
    let buyer = site.session(false).await;
    let (_, empty) = site.get("/explore", Some(buyer.as_str())).await;
    assert!(after_testid(&empty, "tab-cart-count").is_none(), "an empty cart has no badge");

    let (added, text) =
        site.form("/api/cart/add", &format!("variant={variant}&quantity=2"), Some(buyer.as_str())).await;
    assert!(added.status().is_success() || added.status().is_redirection(), "{}: {text}", added.status());
    let (_, page) = site.get("/explore", Some(buyer.as_str())).await;
    for testid in ["cart-count", "tab-cart-count"] {
        let badge = after_testid(&page, testid).unwrap_or_else(|| panic!("no {testid} on the page"));
        assert!(badge.starts_with("2<"), "{testid}: {badge}");
    }
}

#[sqlx::test(migrations = "../migrations")]
async fn the_me_page_has_what_the_wide_header_has_and_offers_a_guest_to_log_in(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    let (guest, page) = site.get("/me", None).await;
    assert_eq!(guest.status(), StatusCode::OK);
    assert!(page.contains("href=\"/login?next=/me\""), "a guest is offered to log in and come back");

    let (seller, cookie) = site.seller().await;
    let handle = seller.shop.unwrap().handle;
    let (response, page) = site.get("/me", Some(cookie.as_str())).await;
    assert_eq!(response.status(), StatusCode::OK);
    let mut hrefs: Vec<String> = [
        "/orders",
        "/creator",
        "/creator/statement",
        "/drafts",
        "/collabs",
        "/shops",
        "/events",
        "/follow-requests",
        "/settings/profile",
    ]
    .map(String::from)
    .to_vec();
    hrefs.push(format!("/u/{}", seller.user.username));
    for admin in ["manage", "orders", "stock", "promotions", "analytics"] {
        hrefs.push(format!("/s/{handle}/{admin}"));
    }
    for href in hrefs {
        assert!(page.contains(&format!("href=\"{href}\"")), "no link to {href}");
    }
    assert!(page.contains("data-testid=\"me-logout\""), "no way to log out");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_guests_me_tab_and_log_in_link_return_to_the_page(pool: PgPool) {
    let site = site(pool, |_| {}).await;
    let (_, page) = site.get("/explore?q=maya", None).await;
    let back = "href=\"/login?next=/explore%3Fq%3Dmaya\"";
    assert_eq!(page.matches(back).count(), 2, "the header's Log in and the Me tab both return here");

    let cookie = site.session(false).await;
    let (_, page) = site.get("/explore", Some(cookie.as_str())).await;
    assert!(page.contains("href=\"/me\""), "a signed-in Me tab opens the Me page");
}

#[sqlx::test(migrations = "../migrations")]
async fn a_write_over_its_rate_limit_is_a_429_that_says_when_to_retry(pool: PgPool) {
    let site = site(pool, |c| c.action_limits.comments = 1).await;
    let config = AppConfig { test_controls: true, ..site.config.clone() };
    let spec = ScenarioSpec {
        prefix: "author".into(),
        product: Some(ProductSpec::default()),
        post: Some("Ask me anything".into()),
        ..ScenarioSpec::default()
    };
    let post_id = seed(&site.pool, &config, &spec).await.unwrap().post.unwrap().id;
    let cookie = site.session(false).await;
    let comment = |body: &str| format!("post_id={post_id}&body={body}");

    let (first, text) = site.form("/api/comments/add", &comment("first"), Some(cookie.as_str())).await;
    assert_eq!(first.status(), StatusCode::OK, "{text}");
    assert_eq!(header_of(&first, header::RETRY_AFTER), "");

    let (second, text) = site.form("/api/comments/add", &comment("second"), Some(cookie.as_str())).await;
    assert_eq!(second.status(), StatusCode::TOO_MANY_REQUESTS, "{text}");
    let wait: u64 = header_of(&second, header::RETRY_AFTER).parse().expect("Retry-After in seconds");
    assert!((3590..=3600).contains(&wait), "the window opened a moment ago: {wait}");
    assert!(text.contains(&format!("\"retry_after_secs\":{wait}")), "the body says the same: {text}");

    // A plain form post (no WASM) is sent back to its page, which shows the
    // message: a redirect with a wait would mean something else.
    let plain = Request::post("/api/comments/add")
        .header(header::HOST, HOST)
        .header(header::ORIGIN, format!("http://{HOST}"))
        .header(header::REFERER, format!("http://{HOST}/post/{post_id}"))
        .header(header::ACCEPT, "text/html")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, cookie.as_str())
        .body(Body::from(comment("third")))
        .unwrap();
    let (back, _) = site.send(plain).await;
    assert!(back.status().is_redirection(), "{}", back.status());
    assert_eq!(header_of(&back, header::RETRY_AFTER), "");
    let location = header_of(&back, header::LOCATION);
    assert!(location.contains("__err="), "{:?}", back.headers());
    let path = location.strip_prefix(&format!("http://{HOST}")).unwrap_or(location).to_string();
    let (page, html) = site.get(&path, Some(cookie.as_str())).await;
    assert_eq!(page.status(), StatusCode::OK);
    let form = &html[html.find("data-testid=\"comment-form\"").expect("the comment form")..];
    let form = &form[..form.find("</form>").unwrap()];
    assert!(form.contains("doing that too fast. Try again in 60 minutes."), "{form}");
}

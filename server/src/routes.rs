//! The HTTP surface: Leptos pages and server functions, static files and
//! media (`assets`), health, and the layers every request passes (request id,
//! tracing, a caught panic, security headers, origin check, NUL-free text,
//! body limit, compression of what was not compressed at build time).

use std::path::Path;

use axum::extract::{Request, State};
use axum::http::{HeaderName, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use leptos::nonce::Nonce;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

use app::accounts::session::SessionMemo;
use app::error::AppError;
use app::state::AppState;
use app::{shell, App};

use crate::{assets, exports, hosted_field, middleware, security};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Hard cap on any request body; handlers enforce tighter, friendlier limits.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let options = &state.leptos_options;
    let site_pkg = Path::new(&*options.site_root).join(&*options.site_pkg_dir);
    let site_files = assets::site_files(&options.site_root);
    let not_found = leptos_axum::file_and_error_handler_with_context::<AppState, _>(
        {
            let state = state.clone();
            move || {
                provide_context(state.clone());
                provide_request_nonce();
            }
        },
        shell,
    );
    let csp = security::Csp::new(reload_socket(&state.leptos_options));
    let tls = state.config.tls;

    let router = Router::new()
        .route("/healthz", get(healthz))
        .route("/live", get(app::live::stream::handler))
        .route("/creator/earnings.csv", get(exports::creator_csv))
        .route("/creator/statement.csv", get(exports::statement_csv))
        .route("/s/{handle}/analytics.csv", get(exports::shop_csv))
        .merge(assets::routes(&site_pkg, options.hash_files, &state.config.media_dir))
        .merge(hosted_field::routes())
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || {
                    provide_context(state.clone());
                    provide_context(SessionMemo::default());
                    provide_request_nonce();
                }
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(move |State(state): State<AppState>, req: Request| {
            let (site_files, not_found) = (site_files.clone(), not_found.clone());
            assets::site_file_or(site_files, req, move |req| not_found(req.uri().clone(), State(state), req))
        })
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::visitor_ids))
        .layer(axum::middleware::from_fn(middleware::reject_nul_text))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::require_same_origin))
        .layer(ServiceBuilder::new().layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES)).layer(CompressionLayer::new()));
    security::secure(router, csp, tls)
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(middleware::request_span))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(catch_panics()),
        )
        .with_state(state)
}

/// Hands the request's nonce (set by `security::csp_and_caching`, named in
/// its Content-Security-Policy) to the Leptos render, replacing the one
/// leptos_axum made, so the hydration and resource scripts carry it.
fn provide_request_nonce() {
    if let Some(nonce) =
        use_context::<http::request::Parts>().and_then(|parts| parts.extensions.get::<Nonce>().cloned())
    {
        provide_context(nonce);
    }
}

/// `cargo leptos watch` serves a live-reload websocket the policy must allow.
fn reload_socket(options: &leptos::config::LeptosOptions) -> Option<String> {
    std::env::var_os("LEPTOS_WATCH").map(|_| {
        format!("ws://{}:{}", options.site_addr.ip(), options.reload_external_port.unwrap_or(options.reload_port))
    })
}

type PanicResponse = fn(Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response;

/// A bug must not drop the connection: the client gets a 500 with the usual
/// message, and the panic is in the log.
pub(crate) fn catch_panics() -> CatchPanicLayer<PanicResponse> {
    CatchPanicLayer::custom(panic_response as PanicResponse)
}

fn panic_response(panic: Box<dyn std::any::Any + Send + 'static>) -> axum::response::Response {
    let detail = panic
        .downcast_ref::<String>()
        .map(String::as_str)
        .or_else(|| panic.downcast_ref::<&str>().copied())
        .unwrap_or("(no message)");
    tracing::error!(panic = detail, "a request handler panicked");
    let body = serde_json::to_string(&AppError::Internal).unwrap_or_else(|_| "\"Internal\"".into());
    (StatusCode::INTERNAL_SERVER_ERROR, [(http::header::CONTENT_TYPE, "application/json")], body).into_response()
}

async fn healthz(State(state): State<AppState>) -> impl IntoResponse {
    match sqlx::query_scalar!("SELECT 1 AS \"one!\"").fetch_one(&state.pool).await {
        Ok(_) => (StatusCode::OK, Json(serde_json::json!({"status": "ok", "database": "ok"}))),
        Err(e) => {
            tracing::error!(error = %e, "health check: database unreachable");
            (StatusCode::SERVICE_UNAVAILABLE, Json(serde_json::json!({"status": "error", "database": "unreachable"})))
        }
    }
}

//! The HTTP surface: Leptos pages and server functions, media, health, and
//! the layers every request passes (request id, tracing, origin check,
//! body limit, compression).

use axum::extract::State;
use axum::http::{HeaderName, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower::ServiceBuilder;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::services::ServeDir;
use tower_http::trace::TraceLayer;

use app::accounts::session::SessionMemo;
use app::state::AppState;
use app::{shell, App};

use crate::{exports, middleware};

const REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");
/// Hard cap on any request body; handlers enforce tighter, friendlier limits.
const MAX_BODY_BYTES: usize = 32 * 1024 * 1024;

pub fn build(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let media = ServeDir::new(&state.config.media_dir);

    Router::new()
        .route("/healthz", get(healthz))
        .route("/creator/earnings.csv", get(exports::creator_csv))
        .route("/creator/statement.csv", get(exports::statement_csv))
        .route("/s/{handle}/analytics.csv", get(exports::shop_csv))
        .nest_service("/media", media)
        .leptos_routes_with_context(
            &state,
            routes,
            {
                let state = state.clone();
                move || {
                    provide_context(state.clone());
                    provide_context(SessionMemo::default());
                }
            },
            {
                let options = state.leptos_options.clone();
                move || shell(options.clone())
            },
        )
        .fallback(leptos_axum::file_and_error_handler_with_context::<AppState, _>(
            {
                let state = state.clone();
                move || provide_context(state.clone())
            },
            shell,
        ))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::visitor_ids))
        .layer(axum::middleware::from_fn_with_state(state.clone(), middleware::require_same_origin))
        .layer(
            ServiceBuilder::new()
                .layer(SetRequestIdLayer::new(REQUEST_ID, MakeRequestUuid))
                .layer(TraceLayer::new_for_http().make_span_with(middleware::request_span))
                .layer(PropagateRequestIdLayer::new(REQUEST_ID))
                .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
                .layer(CompressionLayer::new()),
        )
        .with_state(state)
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

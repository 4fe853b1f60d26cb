//! CSV downloads of the dashboards: plain GET routes (a link the browser
//! downloads), signed in by the session cookie like every page, computed by
//! the same queries as the pages.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use app::accounts::session::{lookup, COOKIE_NAME};
use app::accounts::SessionUser;
use app::attribution::{self, Period};
use app::error::AppError;
use app::state::AppState;

#[derive(Deserialize)]
pub struct MonthQuery {
    month: Option<String>,
}

/// `/creator/earnings.csv?month=2026-12`: the signed-in creator's posts.
pub async fn creator_csv(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<MonthQuery>) -> Response {
    let result = async {
        let user = signed_in(&state, &headers).await?;
        let period = Period::parse(q.month.as_deref(), state.clock.now())?;
        let d = attribution::creator_dashboard(&state.pool, user.id, &period).await?;
        Ok::<_, AppError>((format!("storefeed-earnings-{}.csv", period.label()), attribution::creator_csv(&d)))
    }
    .await;
    respond(result)
}

/// `/creator/statement.csv?month=2026-12`: the signed-in creator's commissions.
pub async fn statement_csv(State(state): State<AppState>, headers: HeaderMap, Query(q): Query<MonthQuery>) -> Response {
    let result = async {
        let user = signed_in(&state, &headers).await?;
        let period = Period::parse(q.month.as_deref(), state.clock.now())?;
        let s = attribution::statement(&state.pool, user.id, &period).await?;
        Ok::<_, AppError>((format!("storefeed-statement-{}.csv", period.label()), attribution::statement_csv(&s)))
    }
    .await;
    respond(result)
}

/// `/s/:handle/analytics.csv?month=2026-12`: the shop's month, owner only.
pub async fn shop_csv(
    State(state): State<AppState>,
    Path(handle): Path<String>,
    headers: HeaderMap,
    Query(q): Query<MonthQuery>,
) -> Response {
    let result = async {
        let user = signed_in(&state, &headers).await?;
        let shop = app::shops::db::owned_by(&state.pool, &handle, user.id).await?;
        let now = state.clock.now();
        let period = Period::parse(q.month.as_deref(), now)?;
        let d = attribution::shop_dashboard(&state.pool, &shop, &period, now).await?;
        Ok::<_, AppError>((format!("{}-analytics-{}.csv", shop.handle, period.label()), attribution::shop_csv(&d)))
    }
    .await;
    respond(result)
}

async fn signed_in(state: &AppState, headers: &HeaderMap) -> Result<SessionUser, AppError> {
    let token = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == COOKIE_NAME)
        .map(|(_, v)| v.to_string())
        .ok_or(AppError::Unauthorized)?;
    lookup(&state.pool, &token).await?.ok_or(AppError::Unauthorized)
}

fn respond(result: Result<(String, String), AppError>) -> Response {
    match result {
        Ok((filename, body)) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{filename}\"")),
                (header::CACHE_CONTROL, "private, no-store".to_string()),
            ],
            body,
        )
            .into_response(),
        Err(e) => {
            let status = StatusCode::from_u16(e.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            (status, e.to_string()).into_response()
        }
    }
}

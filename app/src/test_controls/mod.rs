//! Controls only a test deployment has (`STOREFEED_TEST_CONTROLS`): moving
//! the app's clock, seeding a scenario in one call (`scenario`), and
//! reading the newest mail to an address (`mail`).
//! Everywhere else each call is refused with 403.

pub mod mail;
#[cfg(feature = "ssr")]
pub mod scenario;

use crate::error::AppError;

/// Moves the app's clock forward by `advance_hours` (test deployments only:
/// anywhere else the clock is fixed and this is refused).
#[leptos::server(prefix = "/api", endpoint = "test/clock")]
pub async fn advance_test_clock(advance_hours: String) -> Result<String, AppError> {
    let state = crate::state::app_state()?;
    let hours: i64 = advance_hours
        .trim()
        .parse()
        .map_err(|_| AppError::validation("advance_hours", "Enter a whole number of hours."))?;
    let now = state.clock.advance(chrono::Duration::hours(hours)).map_err(|reason| {
        tracing::warn!(reason, "refused to move the clock");
        AppError::Forbidden
    })?;
    Ok(now.to_rfc3339())
}

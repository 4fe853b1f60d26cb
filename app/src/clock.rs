//! The app's clock: the system time, plus an offset that only a test
//! deployment may move (`STOREFEED_TEST_CONTROLS`), so end-to-end tests can
//! let two days pass between a tap and a purchase.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
    movable: bool,
}

impl Clock {
    /// The real time, fixed.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// The real time, which [`Clock::advance`] can move forward.
    pub fn movable() -> Clock {
        Clock { offset_secs: Arc::default(), movable: true }
    }

    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::seconds(self.offset_secs.load(Ordering::Relaxed))
    }

    /// Moves the clock forward; refused unless the clock is movable.
    pub fn advance(&self, by: Duration) -> Result<DateTime<Utc>, &'static str> {
        if !self.movable {
            return Err("this clock can't be moved");
        }
        if by < Duration::zero() || by > Duration::days(366) {
            return Err("move the clock forward by up to a year");
        }
        self.offset_secs.fetch_add(by.num_seconds(), Ordering::Relaxed);
        Ok(self.now())
    }
}

/// Moves the app's clock forward by `advance_hours` (test deployments only:
/// anywhere else the clock is fixed and this is refused).
#[leptos::server(prefix = "/api", endpoint = "test/clock")]
pub async fn advance_test_clock(advance_hours: String) -> Result<String, crate::error::AppError> {
    use crate::error::AppError;
    let state = crate::state::app_state()?;
    let hours: i64 = advance_hours
        .trim()
        .parse()
        .map_err(|_| AppError::validation("advance_hours", "Enter a whole number of hours."))?;
    let now = state.clock.advance(Duration::hours(hours)).map_err(|reason| {
        tracing::warn!(reason, "refused to move the clock");
        AppError::Forbidden
    })?;
    Ok(now.to_rfc3339())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_movable_clock_moves_and_only_forward() {
        let fixed = Clock::system();
        assert!(fixed.advance(Duration::days(2)).is_err());
        let clock = Clock::movable();
        let before = clock.now();
        let after = clock.advance(Duration::days(2)).unwrap();
        assert!(after - before >= Duration::days(2));
        assert!(clock.clone().now() - before >= Duration::days(2), "clones share the offset");
        assert!(clock.advance(Duration::days(-1)).is_err());
    }
}

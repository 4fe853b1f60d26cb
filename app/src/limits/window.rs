//! The window arithmetic, without a database: one fixed window per
//! (action, subject), opened by the first action it counts and closed an
//! hour later.

use chrono::{DateTime, Duration, Utc};

/// How long a window lasts: the limits are per hour.
pub const WINDOW: Duration = Duration::hours(1);

/// One subject's count of one action, as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// When the first action it counts was made.
    pub start: DateTime<Utc>,
    /// Actions counted since.
    pub used: u32,
}

/// Counts one more action against `window` (a closed one starts afresh
/// at `now`), allowing `limit` per window; past it, says how long until
/// the window closes.
pub fn admit(window: Window, limit: u32, now: DateTime<Utc>) -> Result<Window, Duration> {
    let open = if now < window.start + WINDOW { window } else { Window { start: now, used: 0 } };
    if open.used < limit {
        Ok(Window { used: open.used + 1, ..open })
    } else {
        Err(open.start + WINDOW - now)
    }
}

/// Whole seconds to wait, rounded up and never zero (`Retry-After`; the
/// login throttle tells its waits with it too).
pub fn retry_after_secs(wait: Duration) -> u64 {
    let ms = wait.num_milliseconds().max(1) as u64;
    ms.div_ceil(1000)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(secs: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + secs, 0).unwrap()
    }

    /// A counter never used: what a fresh row holds.
    fn fresh(now: DateTime<Utc>) -> Window {
        Window { start: now, used: 0 }
    }

    #[test]
    fn the_limit_passes_and_the_next_one_waits_for_the_window_to_close() {
        let mut w = fresh(at(0));
        for n in 1..=100 {
            w = admit(w, 100, at(n)).unwrap();
            assert_eq!(w, Window { start: at(0), used: n as u32 }, "action {n}");
        }
        // The 101st, 17 minutes in: the window opened at 0 closes at 60 minutes.
        assert_eq!(admit(w, 100, at(17 * 60)), Err(Duration::minutes(43)));
        assert_eq!(admit(w, 100, at(60 * 60 - 1)), Err(Duration::seconds(1)));
    }

    #[test]
    fn a_closed_window_opens_a_new_one_at_the_next_action() {
        let full = Window { start: at(0), used: 100 };
        assert_eq!(admit(full, 100, at(3600)), Ok(Window { start: at(3600), used: 1 }), "the edge is a new window");
        assert_eq!(admit(full, 100, at(5 * 3600)), Ok(Window { start: at(5 * 3600), used: 1 }));
        // An old window half used doesn't carry its count over either.
        assert_eq!(admit(Window { start: at(0), used: 40 }, 100, at(4000)).unwrap().used, 1);
    }

    #[test]
    fn a_window_opened_ahead_of_this_servers_clock_still_counts() {
        // Another instance, a second ahead, opened it: it is open here too.
        let w = Window { start: at(1), used: 2 };
        assert_eq!(admit(w, 2, at(0)), Err(Duration::seconds(3601)));
    }

    #[test]
    fn a_limit_of_zero_refuses_for_a_whole_window() {
        assert_eq!(admit(fresh(at(0)), 0, at(0)), Err(WINDOW));
    }

    #[test]
    fn the_wait_is_whole_seconds_rounded_up_never_zero() {
        assert_eq!(retry_after_secs(Duration::zero()), 1);
        assert_eq!(retry_after_secs(Duration::milliseconds(1)), 1);
        assert_eq!(retry_after_secs(Duration::milliseconds(2_000)), 2);
        assert_eq!(retry_after_secs(Duration::milliseconds(2_001)), 3);
        assert_eq!(retry_after_secs(Duration::milliseconds(14_200)), 15);
        assert_eq!(retry_after_secs(Duration::minutes(43)), 2580);
    }
}

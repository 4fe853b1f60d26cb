//! The rules of commission rates: what a creator earns when the shop set
//! none, the highest rate a shop may offer, when a new rate applies (a cut
//! only after notice, as TikTok Shop does; a raise at once), and how a rate
//! is typed and shown.

// The WASM client only shows rates (`rate_text`); the rest is the server's.
#![cfg_attr(not(feature = "ssr"), allow(dead_code))]

use chrono::{DateTime, Duration, Utc};

use crate::error::AppError;

/// What a creator earns when the shop set no rate.
pub const DEFAULT_RATE_BP: i32 = 1000;
/// The highest commission a shop may offer, in percent.
pub const MAX_RATE_PCT: u32 = 80;
/// How long creators are told before a lowered rate applies.
pub const RATE_CUT_NOTICE: Duration = Duration::days(7);

/// When a new rate for a scope applies: at once unless it cuts the rate in
/// effect there now, then after [`RATE_CUT_NOTICE`] (so sales already made
/// and the week after keep the rate creators were promised).
pub fn effective_from(new_bp: i32, current_bp: i32, now: DateTime<Utc>) -> DateTime<Utc> {
    if new_bp < current_bp {
        now + RATE_CUT_NOTICE
    } else {
        now
    }
}

/// A commission rate in percent ("10", "12.5") as basis points.
pub fn parse_rate(raw: &str) -> Result<i32, AppError> {
    let bad = || AppError::validation("rate_pct", format!("Enter a rate from 0 to {MAX_RATE_PCT}%, e.g. 10 or 12.5."));
    let raw = raw.trim().trim_end_matches('%').trim();
    let (whole, frac) = raw.split_once('.').unwrap_or((raw, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let whole: u32 = whole.parse().map_err(|_| bad())?;
    let frac: u32 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let bp = whole.checked_mul(100).and_then(|w| w.checked_add(frac)).ok_or_else(bad)?;
    if bp > MAX_RATE_PCT * 100 {
        return Err(bad());
    }
    Ok(bp as i32)
}

/// Basis points as the form shows them: "10", "12.5".
pub fn rate_text(bp: i32) -> String {
    let (whole, frac) = (bp / 100, bp % 100);
    match frac {
        0 => whole.to_string(),
        f if f % 10 == 0 => format!("{whole}.{}", f / 10),
        f => format!("{whole}.{f:02}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cut_waits_for_notice_and_a_raise_applies_at_once() {
        let now = crate::clock::Clock::system().now();
        assert_eq!(effective_from(500, 1000, now), now + RATE_CUT_NOTICE);
        assert_eq!(effective_from(1500, 1000, now), now);
        assert_eq!(effective_from(1000, 1000, now), now, "the same rate is not a cut");
    }

    #[test]
    fn rates_are_percent_with_up_to_two_decimals() {
        assert_eq!(parse_rate("10").unwrap(), 1000);
        assert_eq!(parse_rate("12.5%").unwrap(), 1250);
        assert_eq!(parse_rate("0.25").unwrap(), 25);
        for bad in ["", "-1", "81", "1.234", "ten", "1e3", "99999999999"] {
            assert_eq!(parse_rate(bad).unwrap_err().field(), Some("rate_pct"), "{bad}");
        }
        assert_eq!(rate_text(1250), "12.5");
        assert_eq!(rate_text(1000), "10");
        assert_eq!(rate_text(25), "0.25");
    }
}

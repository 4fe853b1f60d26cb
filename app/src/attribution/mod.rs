//! The attribution chain: a signed context token on every product link in a
//! post, shopper events (impressions, tag taps, views, carts, purchases),
//! each order line's journey fixed when it is bought, and the credits that
//! the shop's model derives from it. Commissions and dashboards read the
//! credits.

pub mod api;
#[cfg(feature = "ssr")]
pub mod authors;
pub mod dashboard;
#[cfg(feature = "ssr")]
pub mod dashboard_db;
#[cfg(feature = "ssr")]
pub mod db;
pub mod engine;
pub mod impressions;
#[cfg(feature = "ssr")]
pub mod keys;
pub mod pages;
pub mod rates;
#[cfg(feature = "ssr")]
pub mod rates_db;
pub mod settings_form;
#[cfg(feature = "ssr")]
pub mod sink;
#[cfg(feature = "ssr")]
pub mod stamp;
pub mod statement;
#[cfg(feature = "ssr")]
pub mod statement_db;
#[cfg(feature = "ssr")]
pub mod token;
pub mod touch_path;
#[cfg(feature = "ssr")]
pub mod track;
#[cfg(feature = "ssr")]
pub mod visitor;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// What a shopper did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum EventKind {
    Impression,
    TagTap,
    ProductView,
    AddToCart,
    CheckoutStarted,
    Purchase,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Impression => "impression",
            EventKind::TagTap => "tag_tap",
            EventKind::ProductView => "product_view",
            EventKind::AddToCart => "add_to_cart",
            EventKind::CheckoutStarted => "checkout_started",
            EventKind::Purchase => "purchase",
        }
    }
}

/// A calendar month in UTC, the dashboards' period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: DateTime<Utc>,
    pub end: DateTime<Utc>,
}

impl Period {
    /// The month "YYYY-MM", or the one `now` is in when none is given.
    pub fn parse(month: Option<&str>, now: DateTime<Utc>) -> Result<Period, AppError> {
        let first = match month.map(str::trim).filter(|m| !m.is_empty()) {
            None => NaiveDate::from_ymd_opt(now.year(), now.month(), 1),
            Some(m) => m
                .split_once('-')
                .and_then(|(y, mo)| Some((y.parse::<i32>().ok()?, mo.parse::<u32>().ok()?)))
                .filter(|(y, _)| (2000..=2100).contains(y))
                .and_then(|(y, mo)| NaiveDate::from_ymd_opt(y, mo, 1)),
        }
        .ok_or_else(|| AppError::validation("month", "Pick a month as YYYY-MM, e.g. 2026-12."))?;
        let next = first.checked_add_months(chrono::Months::new(1)).ok_or(AppError::Internal)?;
        let at = |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(0, 0, 0).unwrap_or_default());
        Ok(Period { start: at(first), end: at(next) })
    }

    /// The month's first day: the key of the monthly rollups.
    pub fn month(&self) -> NaiveDate {
        self.start.date_naive()
    }

    /// "2026-12".
    pub fn label(&self) -> String {
        format!("{:04}-{:02}", self.start.year(), self.start.month())
    }

    pub fn days(&self) -> u32 {
        (self.end - self.start).num_days() as u32
    }
}

/// Comma-separated post ids from the browser: at most `max`, duplicates
/// dropped, anything else refused.
pub fn parse_post_ids(raw: &str, max: usize) -> Result<Vec<Uuid>, AppError> {
    let bad = || AppError::validation("posts", format!("Send up to {max} post ids, separated by commas."));
    let mut ids = Vec::new();
    for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        let id: Uuid = part.parse().map_err(|_| bad())?;
        if !ids.contains(&id) {
            ids.push(id);
        }
        if ids.len() > max {
            return Err(bad());
        }
    }
    Ok(ids)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_are_calendar_months() {
        let now = Utc.with_ymd_and_hms(2026, 12, 15, 10, 0, 0).unwrap();
        let p = Period::parse(None, now).unwrap();
        assert_eq!(p.label(), "2026-12");
        assert_eq!(p.start, Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap());
        assert_eq!(p.end, Utc.with_ymd_and_hms(2027, 1, 1, 0, 0, 0).unwrap());
        assert_eq!(p.days(), 31);
        assert_eq!(Period::parse(Some("2027-02"), now).unwrap().days(), 28);
        for bad in ["2026-13", "26-1", "december", "1999-01", "2026-"] {
            assert_eq!(Period::parse(Some(bad), now).unwrap_err().field(), Some("month"), "{bad}");
        }
    }

    #[test]
    fn post_ids_are_checked_and_deduplicated() {
        let a = Uuid::new_v4();
        assert_eq!(parse_post_ids(&format!("{a}, {a},"), 5).unwrap(), vec![a]);
        assert!(parse_post_ids("not-a-uuid", 5).is_err());
        let many: Vec<String> = (0..6).map(|_| Uuid::new_v4().to_string()).collect();
        assert!(parse_post_ids(&many.join(","), 5).is_err());
        assert_eq!(parse_post_ids("", 5).unwrap(), Vec::<Uuid>::new());
    }
}

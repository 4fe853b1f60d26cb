//! Dashboards: what the creator and shop dashboards show, as sent to the
//! browser. The server computes every figure (see `db`); pages only lay them
//! out. Money is minor units with its currency, and amounts in different
//! currencies are never added: a creator paid by shops in several
//! currencies sees one figure per currency (a `CurrencyTotals`) in every
//! card, post row, chart and CSV, with no conversion. A shop sells in one
//! currency, so its figures are plain amounts. Depends on crediting
//! (credits, models) and rates (the shop's rates and their forms).

pub mod api;
#[cfg(feature = "ssr")]
pub mod csv;
#[cfg(feature = "ssr")]
pub mod db;
pub mod pages;
pub mod special_rates;
pub mod styles;

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
use crate::money::{Currency, CurrencyTotals, Money};

/// A calendar month, "2026-12".
pub type Month = String;

/// One bar of a daily chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DayAmount {
    /// Day of the month, 1-based.
    pub day: u32,
    pub amount_minor: i64,
}

/// A month of daily amounts in one currency.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DailySeries {
    pub currency: Currency,
    pub days: Vec<DayAmount>,
}

/// A post's path from being seen to being bought, and what it earned.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PostPerformance {
    pub post_id: Uuid,
    /// The post's first words, for the table.
    pub excerpt: String,
    pub impressions: i64,
    pub tag_taps: i64,
    pub add_to_carts: i64,
    /// Order lines credited to this post.
    pub purchases: i64,
    /// Per currency: a post may tag products of shops selling in different
    /// currencies.
    pub revenue: CurrencyTotals,
    /// The creator's commission on that revenue (creator dashboard only).
    pub commission: Option<CurrencyTotals>,
    /// Of `purchases`, the lines the creator bought themselves or the shop's
    /// owner bought: credited, but with no commission (creator dashboard
    /// only).
    pub self_purchases: Option<i64>,
}

impl PostPerformance {
    /// Purchases per tag tap, in percent with one decimal; `None` with no taps.
    pub fn conversion_pct(&self) -> Option<f64> {
        percent(self.purchases, self.tag_taps)
    }
}

/// `part` of `whole` in percent with one decimal; `None` when `whole` is 0.
pub fn percent(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| (part as f64 * 1000.0 / whole as f64).round() / 10.0)
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatorDashboard {
    pub month: Month,
    /// Revenue credited to the creator this month, per currency.
    pub revenue: CurrencyTotals,
    pub commission_pending: CurrencyTotals,
    pub commission_payable: CurrencyTotals,
    /// Daily credited revenue this month, one series per currency of
    /// `revenue` (none without revenue).
    pub daily: Vec<DailySeries>,
    pub funnel: Funnel,
    /// Best first (by revenue in `revenue`'s first currency, then
    /// purchases, then taps).
    pub posts: Vec<PostPerformance>,
}

/// Totals of the funnel over the period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Funnel {
    pub impressions: i64,
    pub tag_taps: i64,
    pub add_to_carts: i64,
    pub purchases: i64,
}

/// Who a row of the shop's creator tables is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Earner {
    Creator {
        id: Uuid,
        username: String,
    },
    /// The creators below the top [`TOP_CREATORS`], summed.
    Others {
        creators: i64,
    },
    /// Revenue no creator earned: search, direct visits, untracked.
    Unattributed,
}

impl Earner {
    /// A stable key for the row (`data-*` attributes, CSV).
    pub fn key(&self) -> String {
        match self {
            Earner::Creator { username, .. } => username.clone(),
            Earner::Others { .. } => "others".into(),
            Earner::Unattributed => "unattributed".into(),
        }
    }

    /// The row's label in a CSV.
    #[cfg(feature = "ssr")]
    pub fn label(&self) -> String {
        match self {
            Earner::Creator { username, .. } => username.clone(),
            Earner::Others { creators } => {
                format!("{creators} other {}", crate::ui::plural(*creators, "creator", "creators"))
            }
            Earner::Unattributed => "unattributed".into(),
        }
    }
}

/// How many creators the shop's tables list by name; the rest share a row.
#[cfg(feature = "ssr")]
pub const TOP_CREATORS: i64 = 50;

/// Revenue credited to one creator (or to the others, or to no one).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CreatorRevenue {
    pub earner: Earner,
    pub revenue: Money,
    /// Order lines credited to the creator (for "others", summed over them).
    pub lines: i64,
}

/// Conversion of a group of posts: purchases (order lines credited to
/// them) per impression.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Conversion {
    pub impressions: i64,
    pub tag_taps: i64,
    pub purchases: i64,
}

impl Conversion {
    pub fn rate_pct(&self) -> Option<f64> {
        percent(self.purchases, self.impressions)
    }
}

/// Each creator's credited revenue under each model, side by side.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelComparison {
    /// Column headings ("Last click", "Custom split (70/30)"…), the shop's
    /// own model marked by `active`.
    pub models: Vec<String>,
    pub active: usize,
    /// One row per top creator (by the shop's model), then the others and
    /// the unattributed; one amount per model. Every column sums to the
    /// month's revenue.
    pub rows: Vec<(Earner, Vec<Money>)>,
}

/// The shop's attribution settings as its form shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingsForm {
    pub click_window_days: u32,
    pub view_window_hours: u32,
    /// `Model::code()`.
    pub model: String,
    pub half_life_hours: u32,
    pub first_pct: u32,
    pub last_pct: u32,
    pub default_rate_pct: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ShopDashboard {
    pub shop_handle: String,
    pub shop_name: String,
    pub month: Month,
    pub revenue: Money,
    pub daily: Vec<DayAmount>,
    pub by_creator: Vec<CreatorRevenue>,
    pub by_post: Vec<PostPerformance>,
    pub tagged: Conversion,
    pub untagged: Conversion,
    pub comparison: ModelComparison,
    pub settings: SettingsForm,
    pub special_rates: Vec<crate::attribution::rates::SpecialRate>,
    /// The shop's products (id, title), for the special-rate form.
    pub products: Vec<(Uuid, String)>,
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
}

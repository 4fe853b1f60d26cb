//! Promotions: a shop's discount rules (percent or fixed off the order or
//! items, buy X get Y, minimum subtotal, usage limits, a validity window,
//! stacking by priority with exclusive rules). The engine is pure; rules
//! are versioned in the database and every applied rule is recorded on the
//! order lines it touched.

pub mod api;
#[cfg(feature = "ssr")]
pub mod db;
pub mod engine;
pub mod pages;

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use self::engine::{Condition, Effect, Rule};
use crate::error::AppError;
use crate::money::{Currency, Money};

/// A live promotion as the merchant sees it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PromotionRow {
    pub rule: Rule,
    pub uses: i64,
    pub given_minor: i64,
}

/// The merchant's promotion form, as typed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PromotionForm {
    pub shop: String,
    /// Set when saving a new version of an existing promotion.
    pub promotion: Option<Uuid>,
    pub title: String,
    pub code: String,
    /// percent_order, fixed_order, percent_items, fixed_items or buy_x_get_y.
    pub kind: String,
    pub value: String,
    pub buy: String,
    pub get: String,
    pub min_subtotal: String,
    pub starts_on: String,
    pub ends_on: String,
    pub usage_limit: String,
    pub per_customer_limit: String,
    pub priority: String,
    pub exclusive: Option<String>,
}

fn optional_count(field: &str, raw: &str) -> Result<Option<i64>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        t => t
            .parse::<i64>()
            .ok()
            .filter(|n| (1..=10_000_000).contains(n))
            .map(Some)
            .ok_or_else(|| AppError::validation(field, "Enter a whole number of at least 1, or leave it empty.")),
    }
}

fn percent_bp(raw: &str) -> Result<u32, AppError> {
    let bad = || AppError::validation("value", "Enter a percentage from 1 to 100 (e.g. 15 or 12.5).");
    let text = raw.trim().trim_end_matches('%').trim();
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() || frac.len() > 2 || !whole.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(bad());
    }
    let bp = whole.parse::<u32>().map_err(|_| bad())?.checked_mul(100).ok_or_else(bad)?
        + format!("{frac:0<2}").parse::<u32>().map_err(|_| bad())?;
    if !(100..=10_000).contains(&bp) {
        return Err(bad());
    }
    Ok(bp)
}

fn date(field: &str, raw: &str) -> Result<Option<DateTime<Utc>>, AppError> {
    match raw.trim() {
        "" => Ok(None),
        t => NaiveDate::parse_from_str(t, "%Y-%m-%d")
            .ok()
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .map(|d| Some(d.and_utc()))
            .ok_or_else(|| AppError::validation(field, "Enter a date like 2026-12-01.")),
    }
}

impl PromotionForm {
    /// Parses the form into a rule in the shop's currency. `now` starts a
    /// promotion without a start date; an end date means "until the start
    /// of that day (UTC)".
    pub fn to_rule(&self, currency: Currency, now: DateTime<Utc>) -> Result<Rule, AppError> {
        let title: String = self.title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() || title.chars().count() > 80 {
            return Err(AppError::validation("title", "Give the promotion a name of up to 80 characters."));
        }
        let code = match self.code.trim() {
            "" => None,
            c => Some(crate::checkout::normalize_code(c).map_err(|e| AppError::validation("code", e.to_string()))?),
        };
        let amount = |raw: &str| -> Result<i64, AppError> {
            let m = Money::parse("value", raw, currency)?;
            if m.minor <= 0 {
                return Err(AppError::validation("value", "Enter an amount above zero."));
            }
            Ok(m.minor)
        };
        let count = |field: &str, raw: &str| -> Result<u32, AppError> {
            raw.trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=100).contains(n))
                .ok_or_else(|| AppError::validation(field, "Enter a number from 1 to 100."))
        };
        let effect = match self.kind.as_str() {
            "percent_order" => Effect::PercentOffOrder { bp: percent_bp(&self.value)? },
            "fixed_order" => Effect::FixedOffOrder { minor: amount(&self.value)? },
            "percent_items" => Effect::PercentOffItems { bp: percent_bp(&self.value)?, product_ids: Vec::new() },
            "fixed_items" => Effect::FixedOffItems { minor: amount(&self.value)?, product_ids: Vec::new() },
            "buy_x_get_y" => Effect::BuyXGetY {
                buy: count("buy", &self.buy)?,
                get: count("get", &self.get)?,
                product_ids: Vec::new(),
                get_bp: match self.value.trim() {
                    "" => 10_000,
                    v => percent_bp(v)?,
                },
            },
            _ => return Err(AppError::validation("kind", "Choose what the promotion does.")),
        };
        let min_subtotal_minor = match self.min_subtotal.trim() {
            "" => None,
            raw => Some(Money::parse("min_subtotal", raw, currency)?.minor),
        };
        let starts_at = date("starts_on", &self.starts_on)?.unwrap_or(now);
        let ends_at = date("ends_on", &self.ends_on)?;
        if ends_at.is_some_and(|e| e <= starts_at) {
            return Err(AppError::validation("ends_on", "The end date must be after the start."));
        }
        let priority = match self.priority.trim() {
            "" => 0,
            p => p
                .parse::<i32>()
                .ok()
                .filter(|p| (0..=1000).contains(p))
                .ok_or_else(|| AppError::validation("priority", "Enter a priority from 0 (first) to 1000."))?,
        };
        Ok(Rule {
            promotion_id: self.promotion.unwrap_or_default(),
            version: 0,
            title,
            code,
            effect,
            condition: Condition { min_subtotal_minor },
            priority,
            exclusive: self.exclusive.is_some(),
            starts_at,
            ends_at,
            usage_limit: optional_count("usage_limit", &self.usage_limit)?,
            per_customer_limit: optional_count("per_customer_limit", &self.per_customer_limit)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(kind: &str, value: &str) -> PromotionForm {
        PromotionForm {
            title: "Summer".into(),
            code: "summer10".into(),
            kind: kind.into(),
            value: value.into(),
            ..Default::default()
        }
    }

    #[test]
    fn forms_become_rules() {
        let now = crate::clock::Clock::system().now();
        let rule = form("percent_order", "12.5").to_rule(Currency::USD, now).unwrap();
        assert_eq!(rule.effect, Effect::PercentOffOrder { bp: 1250 });
        assert_eq!(rule.code.as_deref(), Some("SUMMER10"));
        assert_eq!(rule.starts_at, now);
        let fixed = form("fixed_order", "5").to_rule(Currency::USD, now).unwrap();
        assert_eq!(fixed.effect, Effect::FixedOffOrder { minor: 500 });
        let mut bxgy = form("buy_x_get_y", "");
        bxgy.buy = "2".into();
        bxgy.get = "1".into();
        assert!(matches!(
            bxgy.to_rule(Currency::USD, now).unwrap().effect,
            Effect::BuyXGetY { buy: 2, get: 1, get_bp: 10_000, .. }
        ));
    }

    #[test]
    fn bad_forms_say_which_field() {
        let now = crate::clock::Clock::system().now();
        assert_eq!(form("percent_order", "0").to_rule(Currency::USD, now).unwrap_err().field(), Some("value"));
        assert_eq!(form("percent_order", "101").to_rule(Currency::USD, now).unwrap_err().field(), Some("value"));
        assert_eq!(form("fixed_order", "-3").to_rule(Currency::USD, now).unwrap_err().field(), Some("value"));
        assert_eq!(form("nonsense", "3").to_rule(Currency::USD, now).unwrap_err().field(), Some("kind"));
        let mut dates = form("percent_order", "10");
        dates.starts_on = "2026-12-10".into();
        dates.ends_on = "2026-12-01".into();
        assert_eq!(dates.to_rule(Currency::USD, now).unwrap_err().field(), Some("ends_on"));
        let mut limit = form("percent_order", "10");
        limit.usage_limit = "0".into();
        assert_eq!(limit.to_rule(Currency::USD, now).unwrap_err().field(), Some("usage_limit"));
    }
}

//! Money as integer minor units with an ISO 4217 currency; never floats.
//! Shared with the browser so prices parse and print the same on both sides.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Currencies shops can sell in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Currency {
    USD,
    EUR,
    GBP,
    KES,
    NGN,
    TZS,
    JPY,
}

impl Currency {
    pub const ALL: [Currency; 7] =
        [Currency::USD, Currency::EUR, Currency::GBP, Currency::KES, Currency::NGN, Currency::TZS, Currency::JPY];

    pub fn code(self) -> &'static str {
        match self {
            Currency::USD => "USD",
            Currency::EUR => "EUR",
            Currency::GBP => "GBP",
            Currency::KES => "KES",
            Currency::NGN => "NGN",
            Currency::TZS => "TZS",
            Currency::JPY => "JPY",
        }
    }

    pub fn parse(code: &str) -> Result<Currency, AppError> {
        Currency::ALL
            .into_iter()
            .find(|c| c.code().eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| AppError::validation("currency", "Choose one of the supported currencies."))
    }

    /// Digits after the decimal point (ISO 4217 minor unit).
    pub fn exponent(self) -> u32 {
        match self {
            Currency::JPY => 0,
            _ => 2,
        }
    }

    fn symbol(self) -> &'static str {
        match self {
            Currency::USD => "$",
            Currency::EUR => "€",
            Currency::GBP => "£",
            Currency::KES => "KSh ",
            Currency::NGN => "₦",
            Currency::TZS => "TSh ",
            Currency::JPY => "¥",
        }
    }
}

/// The largest amount accepted anywhere (ten billion major units).
const MAX_MINOR: i64 = 1_000_000_000_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Money {
    pub minor: i64,
    pub currency: Currency,
}

impl Money {
    pub fn new(minor: i64, currency: Currency) -> Money {
        Money { minor, currency }
    }

    /// Parses what a merchant types ("12", "12.5", "1,200.00") into minor
    /// units. `field` names the form input for the error. A comma (or space)
    /// only groups thousands: `10,00` is refused rather than read as 1000,
    /// since it was almost certainly meant as ten with a decimal comma.
    pub fn parse(field: &str, raw: &str, currency: Currency) -> Result<Money, AppError> {
        let bad = || AppError::validation(field, "Enter an amount like 12.50.");
        let text = raw.trim();
        if text.is_empty() {
            return Err(bad());
        }
        let (grouped, frac) = text.split_once('.').unwrap_or((text, ""));
        let whole = ungroup(grouped).ok_or_else(|| {
            if text.contains(',') {
                AppError::validation(
                    field,
                    "Use a dot for decimals, like 10.50 (a comma only groups thousands: 1,200.50).",
                )
            } else {
                bad()
            }
        })?;
        let whole = whole.as_str();
        let exp = currency.exponent() as usize;
        if whole.is_empty() || !whole.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        if frac.len() > exp {
            return Err(AppError::validation(
                field,
                if exp == 0 {
                    format!("{} amounts have no decimals.", currency.code())
                } else {
                    format!("Use at most {exp} decimals.")
                },
            ));
        }
        let too_large = || AppError::validation(field, "That amount is too large.");
        let whole: i64 = whole.parse().map_err(|_| too_large())?;
        let frac_padded = format!("{frac:0<exp$}");
        let frac: i64 = if exp == 0 { 0 } else { frac_padded.parse().map_err(|_| bad())? };
        let minor = whole
            .checked_mul(10i64.pow(exp as u32))
            .and_then(|w| w.checked_add(frac))
            .filter(|m| *m <= MAX_MINOR)
            .ok_or_else(too_large)?;
        Ok(Money { minor, currency })
    }

    /// "12.50" (no symbol), for form inputs.
    pub fn amount_string(&self) -> String {
        let exp = self.currency.exponent();
        if exp == 0 {
            return self.minor.to_string();
        }
        let unit = 10i64.pow(exp);
        format!("{}.{:0width$}", self.minor / unit, self.minor % unit, width = exp as usize)
    }

    /// "$1,200.50", "KSh 450.00", "¥1,500": for people.
    pub fn display(&self) -> String {
        let amount = self.amount_string();
        let (whole, frac) = amount.split_once('.').map(|(w, f)| (w, Some(f))).unwrap_or((&amount, None));
        let mut grouped = String::new();
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        match frac {
            Some(f) => format!("{}{grouped}.{f}", self.currency.symbol()),
            None => format!("{}{grouped}", self.currency.symbol()),
        }
    }
}

/// The whole part of an amount without its thousands separators, or `None`
/// when a separator is not a thousands separator: the first group has one to
/// three digits and every later group exactly three (`1,234,567`; `1 200`).
fn ungroup(whole: &str) -> Option<String> {
    if !whole.contains([',', ' ']) {
        return Some(whole.to_string());
    }
    let mut groups = whole.split([',', ' ']);
    let first = groups.next()?;
    let digits = |g: &str| g.bytes().all(|b| b.is_ascii_digit());
    if !(1..=3).contains(&first.len()) || !digits(first) {
        return None;
    }
    let mut out = first.to_string();
    for group in groups {
        if group.len() != 3 || !digits(group) {
            return None;
        }
        out.push_str(group);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_merchant_input_into_minor_units() {
        assert_eq!(Money::parse("price", "12", Currency::USD).unwrap().minor, 1200);
        assert_eq!(Money::parse("price", "12.5", Currency::USD).unwrap().minor, 1250);
        assert_eq!(Money::parse("price", " 1,200.05 ", Currency::KES).unwrap().minor, 120005);
        assert_eq!(Money::parse("price", "1500", Currency::JPY).unwrap().minor, 1500);
        assert_eq!(Money::parse("price", "0.00", Currency::EUR).unwrap().minor, 0);
    }

    #[test]
    fn refuses_what_is_not_an_amount() {
        for bad in ["", "abc", "-1", "1.2.3", "1e5", ".5", "12.345", "NaN"] {
            assert!(Money::parse("price", bad, Currency::USD).is_err(), "{bad:?}");
        }
        assert!(Money::parse("price", "10.5", Currency::JPY).is_err());
        assert!(Money::parse("price", "99999999999999999999", Currency::USD).is_err());
        assert_eq!(Money::parse("price", "x", Currency::USD).unwrap_err().field(), Some("price"));
    }

    #[test]
    fn a_comma_only_groups_thousands() {
        assert_eq!(Money::parse("price", "1,200.05", Currency::USD).unwrap().minor, 120_005);
        assert_eq!(Money::parse("price", "1,234,567", Currency::USD).unwrap().minor, 123_456_700);
        assert_eq!(Money::parse("price", "999,999", Currency::JPY).unwrap().minor, 999_999);
        assert_eq!(Money::parse("price", "1 200", Currency::EUR).unwrap().minor, 120_000);
    }

    #[test]
    fn a_decimal_comma_is_refused_not_read_as_thousands() {
        for typed in ["10,00", "1,2", "1,20", "1,2000", "12,50", "0,99", "1,200,5", "1,20.50", ",500", "1,"] {
            let err = Money::parse("price", typed, Currency::EUR).unwrap_err();
            assert_eq!(err.field(), Some("price"), "{typed:?}");
            assert!(err.to_string().contains("Use a dot for decimals"), "{typed:?}: {err}");
        }
        assert!(Money::parse("price", "1,000.5,0", Currency::USD).is_err());
        assert!(Money::parse("price", "1 2", Currency::USD).is_err());
        assert!(Money::parse("price", "1,,000", Currency::USD).is_err());
    }

    #[test]
    fn displays_for_people() {
        assert_eq!(Money::new(120050, Currency::USD).display(), "$1,200.50");
        assert_eq!(Money::new(45000, Currency::KES).display(), "KSh 450.00");
        assert_eq!(Money::new(1500, Currency::JPY).display(), "¥1,500");
        assert_eq!(Money::new(5, Currency::GBP).display(), "£0.05");
        assert_eq!(Money::new(100000000, Currency::NGN).display(), "₦1,000,000.00");
    }

    #[test]
    fn round_trips_through_the_form_string() {
        let m = Money::new(1999, Currency::EUR);
        assert_eq!(Money::parse("p", &m.amount_string(), Currency::EUR).unwrap(), m);
    }

    #[test]
    fn currency_codes_parse_case_insensitively() {
        assert_eq!(Currency::parse("kes").unwrap(), Currency::KES);
        assert!(Currency::parse("XXX").is_err());
    }
}

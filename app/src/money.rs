//! Money as integer minor units with an ISO 4217 currency; never floats.
//! Shared with the browser so prices parse and print the same on both sides.
//! Amounts in different currencies are never added: a figure that spans
//! currencies is a [`CurrencyTotals`], one total per currency, with no
//! conversion.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Currencies shops can sell in. Ordered as listed, which is the order
/// per-currency totals are shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
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

    /// "12.50" (no symbol), for form inputs and CSV files; "-3.00" when negative.
    pub fn amount_string(&self) -> String {
        let sign = if self.minor < 0 { "-" } else { "" };
        format!("{sign}{}", unsigned_amount(self.minor.unsigned_abs(), self.currency.exponent()))
    }

    /// "$1,200.50", "KSh 450.00", "¥1,500": for people; "−$3.00" (a minus
    /// sign, as the checkout prints discounts) when negative.
    pub fn display(&self) -> String {
        let amount = unsigned_amount(self.minor.unsigned_abs(), self.currency.exponent());
        let (whole, frac) = amount.split_once('.').map(|(w, f)| (w, Some(f))).unwrap_or((&amount, None));
        let mut grouped = String::new();
        for (i, ch) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push(',');
            }
            grouped.push(ch);
        }
        let sign = if self.minor < 0 { "−" } else { "" };
        match frac {
            Some(f) => format!("{sign}{}{grouped}.{f}", self.currency.symbol()),
            None => format!("{sign}{}{grouped}", self.currency.symbol()),
        }
    }
}

/// `minor` in major units with `exp` decimals: 120050 → "1200.50".
fn unsigned_amount(minor: u64, exp: u32) -> String {
    if exp == 0 {
        return minor.to_string();
    }
    let unit = 10u64.pow(exp);
    format!("{}.{:0width$}", minor / unit, minor % unit, width = exp as usize)
}

/// One total per currency: what a creator earned from shops selling in
/// shillings and in naira is two figures, never one. Adding money only
/// ever adds it to its own currency's total; nothing is converted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "Vec<Money>", into = "Vec<Money>")]
pub struct CurrencyTotals(BTreeMap<Currency, i64>);

impl CurrencyTotals {
    pub fn new() -> CurrencyTotals {
        CurrencyTotals::default()
    }

    /// Adds `money` to the total of its currency (a currency added with
    /// zero is kept, and shown as zero).
    pub fn add(&mut self, money: Money) {
        *self.0.entry(money.currency).or_insert(0) += money.minor;
    }

    /// The total in `currency`, zero when there is none.
    pub fn get(&self, currency: Currency) -> Money {
        Money::new(self.0.get(&currency).copied().unwrap_or(0), currency)
    }

    /// Each currency's total, in [`Currency`] order.
    pub fn iter(&self) -> impl Iterator<Item = Money> + '_ {
        self.0.iter().map(|(currency, minor)| Money::new(*minor, *currency))
    }

    pub fn currencies(&self) -> impl Iterator<Item = Currency> + '_ {
        self.0.keys().copied()
    }

    /// The first currency (in [`Currency`] order), if any.
    pub fn first_currency(&self) -> Option<Currency> {
        self.0.keys().next().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The same totals without the currencies that came to zero.
    pub fn without_zeros(mut self) -> CurrencyTotals {
        self.0.retain(|_, minor| *minor != 0);
        self
    }

    /// "KSh 18,200.00 · ₦18,000.00"; "—" when there is nothing.
    pub fn display(&self) -> String {
        if self.is_empty() {
            return "—".to_string();
        }
        self.iter().map(|m| m.display()).collect::<Vec<_>>().join(" · ")
    }
}

impl FromIterator<Money> for CurrencyTotals {
    fn from_iter<I: IntoIterator<Item = Money>>(iter: I) -> CurrencyTotals {
        let mut totals = CurrencyTotals::new();
        totals.extend(iter);
        totals
    }
}

impl Extend<Money> for CurrencyTotals {
    fn extend<I: IntoIterator<Item = Money>>(&mut self, iter: I) {
        for money in iter {
            self.add(money);
        }
    }
}

impl From<Money> for CurrencyTotals {
    fn from(money: Money) -> CurrencyTotals {
        std::iter::once(money).collect()
    }
}

impl From<Vec<Money>> for CurrencyTotals {
    fn from(amounts: Vec<Money>) -> CurrencyTotals {
        amounts.into_iter().collect()
    }
}

impl From<CurrencyTotals> for Vec<Money> {
    fn from(totals: CurrencyTotals) -> Vec<Money> {
        totals.iter().collect()
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
    fn negative_amounts_print_with_one_sign_in_front() {
        assert_eq!(Money::new(-150, Currency::USD).display(), "−$1.50");
        assert_eq!(Money::new(-5, Currency::GBP).display(), "−£0.05");
        assert_eq!(Money::new(-123456, Currency::KES).display(), "−KSh 1,234.56");
        assert_eq!(Money::new(-1500, Currency::JPY).display(), "−¥1,500");
        assert_eq!(Money::new(-150, Currency::USD).amount_string(), "-1.50");
        assert_eq!(Money::new(-7, Currency::EUR).amount_string(), "-0.07");
        assert_eq!(Money::new(i64::MIN + 1, Currency::JPY).amount_string(), (i64::MIN + 1).to_string());
    }

    #[test]
    fn totals_never_add_one_currency_to_another() {
        let mut totals = CurrencyTotals::new();
        totals.add(Money::new(1_820_000, Currency::KES));
        totals.add(Money::new(1_800_000, Currency::NGN));
        totals.add(Money::new(1_00, Currency::KES));
        assert_eq!(totals.get(Currency::KES), Money::new(1_820_100, Currency::KES));
        assert_eq!(totals.get(Currency::NGN), Money::new(1_800_000, Currency::NGN));
        assert_eq!(totals.get(Currency::USD).minor, 0);
        assert_eq!(totals.display(), "KSh 18,201.00 · ₦18,000.00");
        assert_eq!(totals.currencies().collect::<Vec<_>>(), vec![Currency::KES, Currency::NGN]);
        assert_eq!(CurrencyTotals::new().display(), "—");
    }

    #[test]
    fn totals_list_currencies_in_a_fixed_order_and_can_drop_zeros() {
        let totals: CurrencyTotals =
            [Money::new(5, Currency::NGN), Money::new(0, Currency::EUR), Money::new(7, Currency::USD)]
                .into_iter()
                .collect();
        assert_eq!(totals.first_currency(), Some(Currency::USD));
        assert_eq!(totals.display(), "$0.07 · €0.00 · ₦0.05");
        assert_eq!(totals.clone().without_zeros().display(), "$0.07 · ₦0.05");
    }

    #[test]
    fn totals_travel_as_a_list_of_amounts() {
        let totals: CurrencyTotals = vec![Money::new(1, Currency::KES), Money::new(2, Currency::NGN)].into();
        let json = serde_json::to_string(&totals).unwrap();
        assert_eq!(json, r#"[{"minor":1,"currency":"KES"},{"minor":2,"currency":"NGN"}]"#);
        assert_eq!(serde_json::from_str::<CurrencyTotals>(&json).unwrap(), totals);
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

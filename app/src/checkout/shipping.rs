//! Shipping options and what they cost: a flat table per currency, cheaper
//! and faster inside the currency's home country. Shared with the browser so
//! the checkout shows exactly the quotes the server charges.
//!
//! Prices in major units of the shop's currency:
//!
//! | Currency | Home countries | Standard | Standard free from | Express | International standard | International express |
//! |----------|----------------|---------:|-------------------:|--------:|-----------------------:|----------------------:|
//! | USD      | US             |     5.00 |              75.00 |   15.00 |                  20.00 |                 45.00 |
//! | GBP      | GB             |     3.95 |              50.00 |    9.95 |                  14.95 |                 29.95 |
//! | EUR      | DE, FR, NL     |     4.90 |              60.00 |   12.90 |                  19.90 |                 39.90 |
//! | KES      | KE             |      300 |              5,000 |     800 |                  2,500 |                 6,000 |
//! | TZS      | TZ             |    5,000 |            100,000 |  15,000 |                 50,000 |               120,000 |
//! | NGN      | NG             |    2,500 |             50,000 |   6,000 |                 25,000 |                60,000 |
//! | JPY      | JP             |      600 |              8,000 |   1,500 |                  2,500 |                 6,000 |
//!
//! Standard is free when the items' subtotal (after discounts, before tax) is
//! at least the threshold, and only at home. Delivery takes 3–5 business days
//! (standard) or 1–2 (express) at home; 7–14 and 3–5 internationally.
#![expect(
    clippy::inconsistent_digit_grouping,
    reason = "minor units are written major_minor, so 2_500_00 reads as 2,500.00 like the table"
)]

use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::money::{Currency, Money};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ShippingOption {
    Standard,
    Express,
    /// Tickets only: nothing to deliver, the codes are on the order page.
    ETicket,
}

impl ShippingOption {
    pub const ALL: [ShippingOption; 2] = [ShippingOption::Standard, ShippingOption::Express];

    /// The value stored in `checkouts.shipping_option` and sent by the form.
    pub fn code(self) -> &'static str {
        match self {
            ShippingOption::Standard => "standard",
            ShippingOption::Express => "express",
            ShippingOption::ETicket => "eticket",
        }
    }

    pub fn parse(code: &str) -> Result<ShippingOption, AppError> {
        [ShippingOption::Standard, ShippingOption::Express, ShippingOption::ETicket]
            .into_iter()
            .find(|o| o.code().eq_ignore_ascii_case(code.trim()))
            .ok_or_else(|| AppError::validation("shipping_option", "Choose a shipping option."))
    }

    pub fn label(self) -> &'static str {
        match self {
            ShippingOption::Standard => "Standard",
            ShippingOption::Express => "Express",
            ShippingOption::ETicket => "E-ticket",
        }
    }
}

/// One option's price and delivery estimate for a given cart and destination.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShippingQuote {
    pub option: ShippingOption,
    /// "Standard (3–5 business days)", for the option picker.
    pub label: String,
    pub price: Money,
    pub min_days: u8,
    pub max_days: u8,
}

/// One currency's row of the table in the module docs, in minor units.
struct Rates {
    home: &'static [&'static str],
    standard: i64,
    free_standard_from: i64,
    express: i64,
    international_standard: i64,
    international_express: i64,
}

fn rates(currency: Currency) -> Rates {
    const fn row(
        home: &'static [&'static str],
        standard: i64,
        free_from: i64,
        express: i64,
        intl: (i64, i64),
    ) -> Rates {
        Rates {
            home,
            standard,
            free_standard_from: free_from,
            express,
            international_standard: intl.0,
            international_express: intl.1,
        }
    }
    match currency {
        Currency::USD => row(&["US"], 5_00, 75_00, 15_00, (20_00, 45_00)),
        Currency::GBP => row(&["GB"], 3_95, 50_00, 9_95, (14_95, 29_95)),
        Currency::EUR => row(&["DE", "FR", "NL"], 4_90, 60_00, 12_90, (19_90, 39_90)),
        Currency::KES => row(&["KE"], 300_00, 5_000_00, 800_00, (2_500_00, 6_000_00)),
        Currency::TZS => row(&["TZ"], 5_000_00, 100_000_00, 15_000_00, (50_000_00, 120_000_00)),
        Currency::NGN => row(&["NG"], 2_500_00, 50_000_00, 6_000_00, (25_000_00, 60_000_00)),
        Currency::JPY => row(&["JP"], 600, 8_000, 1_500, (2_500, 6_000)),
    }
}

/// Both options for a cart in `currency` going to `country` (ISO alpha-2),
/// standard first. `items_subtotal` decides free standard shipping.
pub fn quotes(currency: Currency, country: &str, items_subtotal: Money) -> Vec<ShippingQuote> {
    ShippingOption::ALL.into_iter().map(|option| quote(option, currency, country, items_subtotal)).collect()
}

/// The one option of a checkout of tickets only: free, nothing shipped.
pub fn e_ticket(currency: Currency) -> ShippingQuote {
    ShippingQuote {
        option: ShippingOption::ETicket,
        label: "E-ticket (on your order page)".to_string(),
        price: Money::new(0, currency),
        min_days: 0,
        max_days: 0,
    }
}

/// The price and delivery estimate of one option (see the table above).
pub fn quote(option: ShippingOption, currency: Currency, country: &str, items_subtotal: Money) -> ShippingQuote {
    debug_assert_eq!(items_subtotal.currency, currency, "the subtotal is in the cart's currency");
    let rates = rates(currency);
    let home = rates.home.iter().any(|c| c.eq_ignore_ascii_case(country.trim()));
    let (minor, min_days, max_days) = match (option, home) {
        (ShippingOption::Standard, true) if items_subtotal.minor >= rates.free_standard_from => (0, 3, 5),
        (ShippingOption::Standard, true) => (rates.standard, 3, 5),
        (ShippingOption::Express, true) => (rates.express, 1, 2),
        (ShippingOption::Standard, false) => (rates.international_standard, 7, 14),
        (ShippingOption::Express, false) => (rates.international_express, 3, 5),
        (ShippingOption::ETicket, _) => return e_ticket(currency),
    };
    ShippingQuote {
        option,
        label: format!("{} ({min_days}–{max_days} business days)", option.label()),
        price: Money::new(minor, currency),
        min_days,
        max_days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_e_ticket_is_free_and_reads_back_from_its_code() {
        let q = e_ticket(Currency::GBP);
        assert_eq!((q.option, q.price, q.max_days), (ShippingOption::ETicket, Money::new(0, Currency::GBP), 0));
        assert_eq!(quote(ShippingOption::ETicket, Currency::GBP, "US", Money::new(1, Currency::GBP)), q);
        assert_eq!(ShippingOption::parse("eticket").unwrap(), ShippingOption::ETicket);
        assert!(!ShippingOption::ALL.contains(&ShippingOption::ETicket), "goods are never sent as e-tickets");
    }

    fn price(option: ShippingOption, currency: Currency, country: &str, subtotal: i64) -> i64 {
        quote(option, currency, country, Money::new(subtotal, currency)).price.minor
    }

    #[test]
    fn usd_at_home_is_five_dollars_standard_and_fifteen_express() {
        let quotes = quotes(Currency::USD, "US", Money::new(20_00, Currency::USD));
        assert_eq!(
            quotes,
            vec![
                ShippingQuote {
                    option: ShippingOption::Standard,
                    label: "Standard (3–5 business days)".into(),
                    price: Money::new(5_00, Currency::USD),
                    min_days: 3,
                    max_days: 5,
                },
                ShippingQuote {
                    option: ShippingOption::Express,
                    label: "Express (1–2 business days)".into(),
                    price: Money::new(15_00, Currency::USD),
                    min_days: 1,
                    max_days: 2,
                },
            ]
        );
    }

    #[test]
    fn standard_is_free_from_the_threshold_at_home_only() {
        assert_eq!(price(ShippingOption::Standard, Currency::USD, "US", 74_99), 5_00);
        assert_eq!(price(ShippingOption::Standard, Currency::USD, "US", 75_00), 0);
        assert_eq!(price(ShippingOption::Standard, Currency::USD, "US", 500_00), 0);
        assert_eq!(price(ShippingOption::Express, Currency::USD, "US", 500_00), 15_00, "express is never free");
        assert_eq!(price(ShippingOption::Standard, Currency::USD, "CA", 500_00), 20_00, "nor is shipping abroad");
        assert_eq!(price(ShippingOption::Standard, Currency::KES, "KE", 4_999_99), 300_00);
        assert_eq!(price(ShippingOption::Standard, Currency::KES, "KE", 5_000_00), 0);
    }

    #[test]
    fn international_costs_more_and_takes_longer_in_every_currency() {
        for currency in Currency::ALL {
            let home = rates(currency).home[0];
            for option in ShippingOption::ALL {
                let at_home = quote(option, currency, home, Money::new(0, currency));
                let abroad = quote(option, currency, "AU", Money::new(0, currency));
                assert!(abroad.price.minor > at_home.price.minor, "{currency:?} {option:?}");
                assert!(abroad.min_days > at_home.min_days && abroad.max_days > at_home.max_days);
            }
            let standard = quote(ShippingOption::Standard, currency, home, Money::new(0, currency));
            let express = quote(ShippingOption::Express, currency, home, Money::new(0, currency));
            assert!(express.price.minor > standard.price.minor && express.max_days < standard.min_days);
        }
    }

    #[test]
    fn euro_is_at_home_in_germany_france_and_the_netherlands() {
        for country in ["DE", "FR", "NL"] {
            assert_eq!(price(ShippingOption::Standard, Currency::EUR, country, 10_00), 4_90, "{country}");
        }
        assert_eq!(price(ShippingOption::Standard, Currency::EUR, "GB", 10_00), 19_90);
    }

    #[test]
    fn amounts_suit_each_currency() {
        assert_eq!(price(ShippingOption::Standard, Currency::GBP, "GB", 0), 3_95);
        assert_eq!(price(ShippingOption::Standard, Currency::NGN, "NG", 0), 2_500_00);
        assert_eq!(price(ShippingOption::Standard, Currency::TZS, "TZ", 0), 5_000_00);
        let yen = quote(ShippingOption::Standard, Currency::JPY, "JP", Money::new(3_000, Currency::JPY));
        assert_eq!(yen.price.display(), "¥600", "yen have no minor unit");
        assert_eq!(price(ShippingOption::Standard, Currency::JPY, "JP", 8_000), 0);
    }

    #[test]
    fn price_is_in_the_carts_currency() {
        for currency in Currency::ALL {
            for q in quotes(currency, "US", Money::new(1, currency)) {
                assert_eq!(q.price.currency, currency);
            }
        }
    }

    #[test]
    fn country_code_case_does_not_matter() {
        assert_eq!(
            quotes(Currency::USD, "us", Money::new(0, Currency::USD)),
            quotes(Currency::USD, "US", Money::new(0, Currency::USD))
        );
    }

    #[test]
    fn quote_matches_the_listed_quote() {
        let subtotal = Money::new(30_00, Currency::GBP);
        let listed = quotes(Currency::GBP, "DE", subtotal);
        for option in ShippingOption::ALL {
            let q = quote(option, Currency::GBP, "DE", subtotal);
            assert_eq!(listed.iter().find(|l| l.option == option), Some(&q));
        }
    }

    #[test]
    fn option_codes_match_the_database_and_parse_back() {
        assert_eq!(ShippingOption::Standard.code(), "standard");
        assert_eq!(ShippingOption::Express.code(), "express");
        for option in ShippingOption::ALL {
            assert_eq!(ShippingOption::parse(option.code()).unwrap(), option);
        }
        assert_eq!(ShippingOption::parse(" Express ").unwrap(), ShippingOption::Express);
        assert_eq!(
            ShippingOption::parse("overnight").unwrap_err(),
            AppError::validation("shipping_option", "Choose a shipping option.")
        );
    }
}

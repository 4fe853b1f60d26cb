//! The rows of an order summary (subtotal, discounts, shipping, tax) and its
//! total, as the checkout page and the order page show them. One pure
//! function builds them from a checkout's or an order's [`Totals`], so the
//! two pages cannot disagree, and the rows a buyer sees always add up to the
//! total: shipping is the chosen option's price, and tax on shipping is
//! part of the tax row only. With inclusive tax (VAT) the tax is already in
//! the prices, so it is a note under the total, not a row.

use serde::{Deserialize, Serialize};

use super::tax::Totals;
use crate::money::{Currency, Money};

/// Which figure a row is, for its `data-testid` and its styling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RowKind {
    Subtotal,
    Discount,
    Shipping,
    Tax,
}

/// One line of the summary: what the buyer reads and the amount it adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SummaryRow {
    pub kind: RowKind,
    pub label: String,
    /// What the row adds to the total (a discount is negative).
    pub amount: Money,
    /// The amount as shown: "$5.00", "−$3.00", "Free", "Calculated next".
    pub text: String,
}

/// The order summary: rows that add up to `total`, and with inclusive tax
/// the tax the total contains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    pub rows: Vec<SummaryRow>,
    pub total: Money,
    /// "Includes VAT" and its amount: shown beside the total, not added.
    pub included_tax: Option<(String, Money)>,
}

/// Where shipping stands when the summary is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShippingLine {
    /// No option chosen yet (the row says it comes next and adds nothing).
    NotChosen,
    /// An option was chosen; its name, when the page shows it in the label.
    Chosen(Option<String>),
}

/// The summary of `totals` in `currency`. `tax_name` is the rate's name
/// ("VAT", "Sales tax"); `None` where it is not known (an order keeps only
/// its amounts) shows "Tax".
pub fn summary(totals: &Totals, currency: Currency, tax_name: Option<&str>, shipping: ShippingLine) -> Summary {
    let money = |minor: i64| Money::new(minor, currency);
    let row =
        |kind: RowKind, label: String, minor: i64, text: String| SummaryRow { kind, label, amount: money(minor), text };
    let mut rows = vec![row(RowKind::Subtotal, "Subtotal".into(), totals.subtotal, money(totals.subtotal).display())];
    if totals.discount != 0 {
        rows.push(row(RowKind::Discount, "Discounts".into(), -totals.discount, money(-totals.discount).display()));
    }
    let (label, text) = match shipping {
        ShippingLine::NotChosen => ("Shipping".to_string(), "Calculated next".to_string()),
        ShippingLine::Chosen(name) => (
            name.map_or_else(|| "Shipping".to_string(), |name| format!("Shipping ({name})")),
            if totals.shipping == 0 { "Free".to_string() } else { money(totals.shipping).display() },
        ),
    };
    rows.push(row(RowKind::Shipping, label, totals.shipping, text));
    let included_tax = if totals.tax_inclusive {
        Some((format!("Includes {}", tax_name.unwrap_or("tax")), money(totals.tax)))
    } else {
        rows.push(row(RowKind::Tax, tax_name.unwrap_or("Tax").to_string(), totals.tax, money(totals.tax).display()));
        None
    };
    Summary { rows, total: money(totals.total), included_tax }
}

impl Summary {
    /// What the rows add up to; equal to `total` for every summary built
    /// from a checkout's or an order's totals (the property tests below).
    pub fn rows_sum(&self) -> i64 {
        self.rows.iter().map(|r| r.amount.minor).sum()
    }
}

#[cfg(test)]
#[expect(
    clippy::inconsistent_digit_grouping,
    reason = "minor units are written major_minor, so 2_500_00 reads as 2,500.00"
)]
mod tests {
    use std::collections::HashMap;

    use chrono::{DateTime, Duration, Utc};
    use uuid::Uuid;

    use super::*;
    use crate::checkout::pricing::{price, LineInput, Priced};
    use crate::checkout::shipping::{quote, ShippingOption, ShippingQuote};
    use crate::checkout::tax::TaxRate;
    use crate::promotions::engine::{Condition, Effect, Rule};

    /// Every rate in the seeded `tax_rates` table (its migration), the
    /// untaxed fallback, and the extremes a new rate could take. The
    /// database test in `checkout::db` runs the same check over the live
    /// table, so a country added later is covered too.
    fn rates() -> Vec<TaxRate> {
        let r = |name: &str, rate_bp: i32, inclusive: bool| TaxRate { name: name.into(), rate_bp, inclusive };
        vec![
            r("VAT", 2000, true),
            r("MwSt", 1900, true),
            r("TVA", 2000, true),
            r("BTW", 2100, true),
            r("VAT", 1600, true),
            r("VAT", 1800, true),
            r("VAT", 750, true),
            r("Consumption tax", 1000, true),
            r("Sales tax", 0, false),
            r("Sales tax", 725, false),
            r("Sales tax", 400, false),
            r("Sales tax", 625, false),
            r("Sales tax", 650, false),
            r("Sales tax", 600, false),
            TaxRate::untaxed(),
            r("Any", 1, true),
            r("Any", 9999, false),
            r("Any", 10_000, true),
        ]
    }

    /// SplitMix64: a small deterministic generator, so each case can be
    /// replayed from its seed.
    pub(super) struct Cases(pub u64);

    impl Cases {
        fn next(&mut self) -> u64 {
            self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        pub fn pick<T: Clone>(&mut self, items: &[T]) -> T {
            items[self.below(items.len() as u64) as usize].clone()
        }
    }

    fn clock_now() -> DateTime<Utc> {
        crate::clock::Clock::system().now()
    }

    fn line(price: i64, quantity: i32) -> LineInput {
        LineInput {
            cart_line_id: Uuid::new_v4(),
            variant_id: Uuid::new_v4(),
            product_id: Uuid::new_v4(),
            title: "Item".into(),
            variant_title: "Default".into(),
            sku: "SKU".into(),
            quantity,
            unit_price_minor: price,
            attribution: None,
        }
    }

    fn rule(effect: Effect, code: &str, exclusive: bool) -> Rule {
        Rule {
            promotion_id: Uuid::new_v4(),
            version: 1,
            title: code.into(),
            code: Some(code.into()),
            effect,
            condition: Condition { min_subtotal_minor: None },
            priority: 0,
            exclusive,
            starts_at: clock_now() - Duration::days(1),
            ends_at: None,
            usage_limit: None,
            per_customer_limit: None,
        }
    }

    /// A random checkout taxed at `rate`: 1–4 lines in a random currency,
    /// some promotions (any kind, some exclusive) and shipping not chosen,
    /// free, at home or abroad.
    pub(super) fn random_checkout(cases: &mut Cases, rate: &TaxRate) -> Priced {
        let currency = cases.pick(&Currency::ALL);
        let lines: Vec<LineInput> = (0..1 + cases.below(4))
            .map(|_| line(1 + cases.below(2_000_000) as i64, 1 + cases.below(5) as i32))
            .collect();
        let everything = Vec::new;
        let offers = [
            Effect::PercentOffOrder { bp: 1 + cases.below(10_000) as u32 },
            Effect::FixedOffOrder { minor: 1 + cases.below(500_000) as i64 },
            Effect::PercentOffItems { bp: 1 + cases.below(10_000) as u32, product_ids: everything() },
            Effect::FixedOffItems { minor: 1 + cases.below(50_000) as i64, product_ids: everything() },
            Effect::BuyXGetY { buy: 1, get: 1, product_ids: everything(), get_bp: 5_000 },
        ];
        let mut rules = Vec::new();
        let mut codes = Vec::new();
        for (i, effect) in offers.into_iter().enumerate() {
            if cases.below(3) == 0 {
                let code = format!("CODE{i}");
                rules.push(rule(effect, &code, cases.below(4) == 0));
                codes.push(code);
            }
        }
        let country = cases.pick(&["US", "GB", "DE", "KE", "NG", "TZ", "JP", "AU"]);
        let shipping: Option<ShippingQuote> = match cases.below(3) {
            0 => None,
            _ => {
                let option = cases.pick(&ShippingOption::ALL);
                let subtotal: i64 = lines.iter().map(|l| l.unit_price_minor * l.quantity as i64).sum();
                Some(quote(option, currency, country, Money::new(subtotal, currency)))
            }
        };
        price(currency, lines, &rules, &codes, &HashMap::new(), clock_now(), rate, shipping)
    }

    pub(super) fn checkout_summary(p: &Priced) -> Summary {
        let shipping = match &p.shipping {
            Some(q) => ShippingLine::Chosen(Some(q.option.label().to_string())),
            None => ShippingLine::NotChosen,
        };
        summary(&p.totals, p.currency, Some(&p.tax_name), shipping)
    }

    /// Reads an amount back from what the page prints: "KSh 2,500.00",
    /// "−$3.00", "¥1,500", "Free".
    fn read_back(text: &str, currency: Currency) -> i64 {
        if text == "Free" || text == "Calculated next" {
            return 0;
        }
        let (sign, rest) = match text.strip_prefix('−') {
            Some(rest) => (-1, rest),
            None => (1, text),
        };
        let digits: String = rest.chars().filter(|c| c.is_ascii_digit() || *c == '.').collect();
        sign * Money::parse("amount", &digits, currency).unwrap().minor
    }

    /// Checks every property a displayed summary must have; `context`
    /// names the case when one fails.
    pub(super) fn assert_adds_up(p: &Priced, context: &str) {
        let s = checkout_summary(p);
        let context = format!("{context}: {:?} {:?}", p.totals, s.rows);
        assert_eq!(s.rows_sum(), s.total.minor, "{context}");
        assert_eq!(s.total.minor, p.totals.total, "the total shown is the one charged; {context}");
        let shown: i64 = s.rows.iter().map(|r| read_back(&r.text, p.currency)).sum();
        assert_eq!(shown, read_back(&s.total.display(), p.currency), "as printed; {context}");
        assert_eq!(s.included_tax.is_some(), p.totals.tax_inclusive, "{context}");
        assert_eq!(s.rows.iter().any(|r| r.kind == RowKind::Tax), !p.totals.tax_inclusive, "{context}");
        if let Some(q) = &p.shipping {
            let row = s.rows.iter().find(|r| r.kind == RowKind::Shipping).unwrap();
            assert_eq!(row.amount, q.price, "shipping is the option's price; {context}");
        }
        // The lines the summary lists add up to its subtotal and discounts.
        let gross: i64 = p.lines.iter().map(|l| l.input.unit_price_minor * l.input.quantity as i64).sum();
        let off: i64 = p.lines.iter().flat_map(|l| &l.rules).map(|r| r.amount_minor).sum();
        assert_eq!((gross, off), (p.totals.subtotal, p.totals.discount), "{context}");
    }

    #[test]
    fn the_rows_shown_add_up_to_the_total_shown_in_every_tax_mode() {
        let mut cases = Cases(14);
        let rates = rates();
        for case in 0..6_000 {
            let rate = cases.pick(&rates);
            assert_adds_up(&random_checkout(&mut cases, &rate), &format!("case {case}, {rate:?}"));
        }
    }

    #[test]
    fn the_reported_checkout_shows_the_options_price_and_adds_up() {
        // A KES shop's international standard shipping (KSh 2,500.00) to
        // California, where 7.25 % sales tax is added to goods and shipping.
        let ship = quote(ShippingOption::Standard, Currency::KES, "US", Money::new(6_000_00, Currency::KES));
        let rate = TaxRate { name: "Sales tax".into(), rate_bp: 725, inclusive: false };
        let p =
            price(Currency::KES, vec![line(6_000_00, 1)], &[], &[], &HashMap::new(), clock_now(), &rate, Some(ship));
        let s = checkout_summary(&p);
        let texts: Vec<(&str, &str)> = s.rows.iter().map(|r| (r.label.as_str(), r.text.as_str())).collect();
        assert_eq!(
            texts,
            vec![
                ("Subtotal", "KSh 6,000.00"),
                ("Shipping (Standard)", "KSh 2,500.00"),
                // 435.00 on the goods and 181.25 on shipping.
                ("Sales tax", "KSh 616.25"),
            ]
        );
        assert_eq!(s.total.display(), "KSh 9,116.25");
        assert_eq!(s.rows_sum(), s.total.minor);
    }

    #[test]
    fn inclusive_tax_is_a_note_not_a_row() {
        let ship = quote(ShippingOption::Standard, Currency::GBP, "GB", Money::new(24_00, Currency::GBP));
        let rate = TaxRate { name: "VAT".into(), rate_bp: 2000, inclusive: true };
        let p = price(Currency::GBP, vec![line(12_00, 2)], &[], &[], &HashMap::new(), clock_now(), &rate, Some(ship));
        let s = checkout_summary(&p);
        assert_eq!(s.rows.iter().map(|r| r.kind).collect::<Vec<_>>(), vec![RowKind::Subtotal, RowKind::Shipping]);
        assert_eq!(s.total, Money::new(27_95, Currency::GBP));
        // £24.00 holds £4.00 VAT and £3.95 shipping holds £0.66.
        assert_eq!(s.included_tax, Some(("Includes VAT".to_string(), Money::new(4_66, Currency::GBP))));
    }

    #[test]
    fn discounts_subtract_and_free_or_pending_shipping_adds_nothing() {
        let totals =
            Totals { subtotal: 100_00, discount: 10_00, shipping: 0, tax: 0, tax_inclusive: false, total: 90_00 };
        let s = summary(&totals, Currency::USD, None, ShippingLine::Chosen(None));
        let texts: Vec<(&str, &str)> = s.rows.iter().map(|r| (r.label.as_str(), r.text.as_str())).collect();
        assert_eq!(
            texts,
            vec![("Subtotal", "$100.00"), ("Discounts", "−$10.00"), ("Shipping", "Free"), ("Tax", "$0.00")]
        );
        assert_eq!(s.rows_sum(), 90_00);
        let pending = summary(&totals, Currency::USD, Some("Sales tax"), ShippingLine::NotChosen);
        let shipping = pending.rows.iter().find(|r| r.kind == RowKind::Shipping).unwrap();
        assert_eq!((shipping.text.as_str(), shipping.amount.minor), ("Calculated next", 0));
    }
}

#[cfg(all(test, feature = "ssr"))]
#[expect(
    clippy::inconsistent_digit_grouping,
    reason = "minor units are written major_minor, so 2_500_00 reads as 2,500.00"
)]
mod db_tests {
    use sqlx::PgPool;

    use super::tests::{assert_adds_up, checkout_summary, random_checkout, Cases};
    use super::*;
    use crate::checkout::shipping::ShippingOption;
    use crate::checkout::tax::TaxRate;
    use crate::payments::test_provider::TestProvider;
    use crate::test_support::{checkout_ready, in_currency, stocked_variant, user, TTL, VISA};

    #[sqlx::test(migrations = "../migrations")]
    async fn every_country_in_the_tax_table_shows_rows_that_add_up(pool: PgPool) {
        let rates: Vec<(String, String, String, i32, bool)> =
            sqlx::query_as("SELECT country, region, name, rate_bp, inclusive FROM tax_rates ORDER BY country, region")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert!(rates.iter().any(|r| r.4) && rates.iter().any(|r| !r.4), "both tax modes are seeded");
        let mut cases = Cases(2026);
        for (country, region, name, rate_bp, inclusive) in rates {
            let rate = TaxRate { name, rate_bp, inclusive };
            for case in 0..300 {
                assert_adds_up(&random_checkout(&mut cases, &rate), &format!("{country}-{region} case {case}"));
            }
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_order_page_shows_the_shipping_option_chosen_and_the_checkouts_figures(pool: PgPool) {
        // A KES shop selling to California: international standard shipping
        // (KSh 2,500.00) with 7.25 % sales tax on goods and on shipping.
        let owner = user(&pool, "kes_maker").await;
        let buyer = user(&pool, "buyer").await;
        let variant = stocked_variant(&pool, owner, "kes_shop", 5).await;
        in_currency(&pool, variant, Currency::KES, 6_000_00).await;
        let now = crate::clock::Clock::system().now();
        let checkout = checkout_ready(&pool, buyer, variant, 1, now).await;

        let view = crate::checkout::db::view(&pool, checkout, buyer, now).await.unwrap();
        let chosen = view.quotes.iter().find(|q| q.option == ShippingOption::Standard).unwrap().price;
        assert_eq!(chosen, Money::new(2_500_00, Currency::KES));
        let at_checkout = checkout_summary(&view.priced);
        let shipping_row = |s: &Summary| s.rows.iter().find(|r| r.kind == RowKind::Shipping).unwrap().clone();
        assert_eq!(shipping_row(&at_checkout).amount, chosen);
        assert_eq!(shipping_row(&at_checkout).text, "KSh 2,500.00");
        assert_eq!(at_checkout.rows_sum(), at_checkout.total.minor);

        let provider = TestProvider::new(pool.clone());
        let order =
            crate::checkout::place::place_order(&pool, &provider, checkout, buyer, VISA, now, TTL).await.unwrap();
        let placed = crate::orders::db::view(&pool, order, crate::orders::db::Reader::User(buyer)).await.unwrap();
        assert_eq!(placed.shipping, chosen, "the order stores the option's price");
        let on_order = placed.summary();
        assert_eq!(shipping_row(&on_order).amount, chosen, "the confirmation shows the option's price");
        assert_eq!(shipping_row(&on_order).label, "Shipping (Standard)");
        assert_eq!(on_order.rows_sum(), on_order.total.minor);
        assert_eq!(on_order.total, at_checkout.total);
        let amounts = |s: &Summary| s.rows.iter().map(|r| (r.kind, r.amount)).collect::<Vec<_>>();
        assert_eq!(amounts(&on_order), amounts(&at_checkout), "the order page repeats the checkout's rows");
    }
}

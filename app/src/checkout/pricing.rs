//! Prices a checkout from scratch: current unit prices, the promotions the
//! shopper may use, shipping and tax. Pure, so the checkout page, the
//! payment snapshot and the order all come from the same arithmetic, and
//! its invariants are unit-tested: line totals plus shipping make the order
//! total exactly, to the minor unit.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::shipping::ShippingQuote;
use super::tax::{self, TaxRate, Totals};
use crate::money::Currency;
use crate::promotions::engine::{self, AppliedRule, RejectedCode, Rule, Usage};

/// A line as it goes into pricing (from the cart, at current prices).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineInput {
    pub cart_line_id: Uuid,
    pub variant_id: Uuid,
    pub product_id: Uuid,
    pub title: String,
    pub variant_title: String,
    pub sku: String,
    pub quantity: i32,
    pub unit_price_minor: i64,
    pub attribution: Option<String>,
}

/// One rule's share of a line, recorded on the order line.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LineRule {
    pub promotion_id: Uuid,
    pub version: i32,
    pub title: String,
    pub code: Option<String>,
    pub amount_minor: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PricedLine {
    pub input: LineInput,
    pub discount_minor: i64,
    pub tax_minor: i64,
    /// What the buyer pays for the line: after discounts, with tax when it
    /// is added on top (inclusive tax is already in the price).
    pub total_minor: i64,
    pub rules: Vec<LineRule>,
}

/// Everything about a checkout's money.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Priced {
    pub currency: Currency,
    pub lines: Vec<PricedLine>,
    pub shipping: Option<ShippingQuote>,
    pub shipping_tax_minor: i64,
    pub totals: Totals,
    pub tax_name: String,
    pub applied: Vec<AppliedRule>,
    pub rejected: Vec<RejectedCode>,
}

/// Prices `lines` for a buyer who entered `codes`, given the shop's live
/// promotion rules, how often each was used, the shipping chosen (if yet)
/// and the tax rate of the destination.
#[allow(clippy::too_many_arguments)]
pub fn price(
    currency: Currency,
    lines: Vec<LineInput>,
    rules: &[Rule],
    codes: &[String],
    usage: &HashMap<Uuid, Usage>,
    now: DateTime<Utc>,
    rate: &TaxRate,
    shipping: Option<ShippingQuote>,
) -> Priced {
    let promo_lines: Vec<engine::CartLine> = lines
        .iter()
        .map(|l| engine::CartLine {
            key: l.cart_line_id,
            product_id: l.product_id,
            unit_price_minor: l.unit_price_minor,
            quantity: l.quantity.max(0) as u32,
        })
        .collect();
    let outcome = engine::apply(rules, &promo_lines, codes, usage, now);
    let titles: HashMap<Uuid, (&str, Option<&String>)> =
        outcome.applied.iter().map(|a| (a.promotion_id, (a.title.as_str(), a.code.as_ref()))).collect();

    let gross: Vec<i64> = lines.iter().map(|l| l.unit_price_minor * l.quantity as i64).collect();
    let mut discounts = vec![0i64; lines.len()];
    let mut line_rules: Vec<Vec<LineRule>> = vec![Vec::new(); lines.len()];
    for d in &outcome.line_discounts {
        if let Some(i) = lines.iter().position(|l| l.cart_line_id == d.key) {
            discounts[i] += d.amount_minor;
            let (title, code) = titles.get(&d.promotion_id).copied().unwrap_or(("Promotion", None));
            line_rules[i].push(LineRule {
                promotion_id: d.promotion_id,
                version: d.version,
                title: title.to_string(),
                code: code.cloned(),
                amount_minor: d.amount_minor,
            });
        }
    }
    let net: Vec<i64> = gross.iter().zip(&discounts).map(|(g, d)| g - d).collect();
    let subtotal: i64 = gross.iter().sum();
    let discount: i64 = discounts.iter().sum();
    let shipping_minor = shipping.as_ref().map(|q| q.price.minor).unwrap_or(0);
    let (totals, line_tax, shipping_tax) = tax::totals(rate, &net, subtotal, discount, shipping_minor);

    let priced_lines = lines
        .into_iter()
        .enumerate()
        .map(|(i, input)| PricedLine {
            input,
            discount_minor: discounts[i],
            tax_minor: line_tax[i],
            total_minor: net[i] + if rate.inclusive { 0 } else { line_tax[i] },
            rules: std::mem::take(&mut line_rules[i]),
        })
        .collect();
    Priced {
        currency,
        lines: priced_lines,
        shipping,
        shipping_tax_minor: shipping_tax,
        totals,
        tax_name: rate.name.clone(),
        applied: outcome.applied,
        rejected: outcome.rejected_codes,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkout::shipping::{quote, ShippingOption};
    use crate::money::Money;
    use crate::promotions::engine::{Condition, Effect};

    fn line(price: i64, quantity: i32) -> LineInput {
        LineInput {
            cart_line_id: Uuid::new_v4(),
            variant_id: Uuid::new_v4(),
            product_id: Uuid::new_v4(),
            title: "Tote".into(),
            variant_title: "Default".into(),
            sku: "TOTE".into(),
            quantity,
            unit_price_minor: price,
            attribution: None,
        }
    }

    fn ten_percent() -> Rule {
        Rule {
            promotion_id: Uuid::new_v4(),
            version: 2,
            title: "Ten off".into(),
            code: Some("TEN".into()),
            effect: Effect::PercentOffOrder { bp: 1000 },
            condition: Condition { min_subtotal_minor: None },
            priority: 0,
            exclusive: false,
            starts_at: crate::clock::Clock::system().now() - chrono::Duration::days(1),
            ends_at: None,
            usage_limit: None,
            per_customer_limit: None,
        }
    }

    fn rate(bp: i32, inclusive: bool) -> TaxRate {
        TaxRate { name: "Tax".into(), rate_bp: bp, inclusive }
    }

    /// The lines' totals plus shipping with its tax when added on top: the
    /// order total another way round (the summary the buyer reads adds up
    /// by its own rows; see `summary`).
    fn add_up(p: &Priced) -> i64 {
        let shipping_tax = if p.totals.tax_inclusive { 0 } else { p.shipping_tax_minor };
        p.lines.iter().map(|l| l.total_minor).sum::<i64>() + p.totals.shipping + shipping_tax
    }

    #[test]
    fn line_totals_and_shipping_make_the_order_total_exclusive_tax() {
        let rules = [ten_percent()];
        let ship = quote(ShippingOption::Standard, Currency::USD, "US", Money::new(3333, Currency::USD));
        let p = price(
            Currency::USD,
            vec![line(1999, 1), line(1334, 1)],
            &rules,
            &["ten".into()],
            &HashMap::new(),
            crate::clock::Clock::system().now(),
            &rate(725, false),
            Some(ship),
        );
        assert_eq!(p.totals.discount, 333);
        assert_eq!(p.lines.iter().map(|l| l.discount_minor).sum::<i64>(), 333);
        assert_eq!(add_up(&p), p.totals.total);
        assert_eq!(p.lines[0].rules[0].version, 2, "the rule's version is recorded on the line");
    }

    #[test]
    fn inclusive_tax_is_shown_but_not_added() {
        let p = price(
            Currency::GBP,
            vec![line(1200, 2)],
            &[],
            &[],
            &HashMap::new(),
            crate::clock::Clock::system().now(),
            &rate(2000, true),
            None,
        );
        assert_eq!(p.totals.total, 2400);
        assert_eq!(p.lines[0].tax_minor, 400);
        assert_eq!(add_up(&p), p.totals.total);
    }

    #[test]
    fn unknown_codes_are_reported_not_applied() {
        let p = price(
            Currency::USD,
            vec![line(1000, 1)],
            &[ten_percent()],
            &["NOPE".into()],
            &HashMap::new(),
            crate::clock::Clock::system().now(),
            &rate(0, false),
            None,
        );
        assert_eq!(p.totals.discount, 0);
        assert_eq!(p.rejected.len(), 1);
    }
}

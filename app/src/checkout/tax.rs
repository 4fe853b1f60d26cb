//! Sales tax and VAT on a checkout: the tax in each line and in shipping, and
//! the order totals. Integer minor units only; shared with the browser so the
//! summary it shows is the one the server charges.
//!
//! Rounding: tax is computed and rounded per line (and once for shipping),
//! half to even ("banker's rounding"), then summed; the order's tax is that
//! sum, so refunds of single lines can return exactly the tax they carried.
//! Exclusive rates (US sales tax) add `amount × rate_bp / 10000` on top.
//! Inclusive rates (VAT) are already in the price: the tax is
//! `amount − amount × 10000 / (10000 + rate_bp)`, the net part rounded.

use serde::{Deserialize, Serialize};

/// A rate as stored in `tax_rates`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaxRate {
    /// What the receipt calls it: "VAT", "Sales tax", "MwSt".
    pub name: String,
    /// Basis points: 725 is 7.25 %.
    pub rate_bp: i32,
    /// The price already contains the tax (VAT); otherwise it is added on top.
    pub inclusive: bool,
}

impl TaxRate {
    /// For destinations without a rate on file: nothing is added or shown.
    pub fn untaxed() -> TaxRate {
        TaxRate { name: "Tax".to_string(), rate_bp: 0, inclusive: false }
    }
}

/// What the checkout summary and the order show, in minor units of the
/// order's currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// The lines before discounts.
    pub subtotal: i64,
    pub discount: i64,
    pub shipping: i64,
    /// Tax on the discounted lines and on shipping. When `tax_inclusive` it
    /// is already inside the other amounts and is shown, not added.
    pub tax: i64,
    pub tax_inclusive: bool,
    /// What the buyer pays: subtotal − discount + shipping (+ tax if exclusive).
    pub total: i64,
}

/// `numer / denom` rounded to the nearest integer, ties to the even one
/// (2.5 → 2, 3.5 → 4, −2.5 → −2). Exact for every i128 input: no floats.
///
/// Panics if `denom` is zero or the quotient does not fit in an i64; money
/// amounts here are bounded far below that.
pub fn round_half_even_div(numer: i128, denom: i128) -> i64 {
    assert!(denom != 0, "round_half_even_div by zero");
    let (numer, denom) = if denom < 0 { (-numer, -denom) } else { (numer, denom) };
    // Floor division leaves 0 ≤ rem < denom for either sign of numer.
    let floor = numer.div_euclid(denom);
    let rem = numer.rem_euclid(denom);
    let rounded = match (2 * rem).cmp(&denom) {
        std::cmp::Ordering::Less => floor,
        std::cmp::Ordering::Greater => floor + 1,
        std::cmp::Ordering::Equal => floor + floor.rem_euclid(2),
    };
    i64::try_from(rounded).expect("rounded quotient fits in i64")
}

/// The tax in (inclusive) or on (exclusive) each amount, in the same order.
/// Each amount is one line's price after discounts, in minor units.
pub fn line_taxes(rate: &TaxRate, amounts: &[i64]) -> Vec<i64> {
    debug_assert!((0..=10_000).contains(&rate.rate_bp), "rate_bp is checked by the database");
    let bp = i128::from(rate.rate_bp);
    amounts
        .iter()
        .map(|&amount| {
            let amount = i128::from(amount);
            if rate.inclusive {
                let net = round_half_even_div(amount * 10_000, 10_000 + bp);
                i64::try_from(amount).expect("came from an i64") - net
            } else {
                round_half_even_div(amount * bp, 10_000)
            }
        })
        .collect()
}

/// The checkout's totals, the tax of each line (same order as
/// `line_amounts_after_discount`) and the tax on shipping, which is taxed at
/// the same rate as the goods.
///
/// The lines are expected to add up to `subtotal_before_discount − discount`:
/// tax is computed on the lines, the total from the subtotal and discount.
pub fn totals(
    rate: &TaxRate,
    line_amounts_after_discount: &[i64],
    subtotal_before_discount: i64,
    discount: i64,
    shipping: i64,
) -> (Totals, Vec<i64>, i64) {
    let per_line = line_taxes(rate, line_amounts_after_discount);
    let shipping_tax = line_taxes(rate, &[shipping])[0];
    let tax = per_line.iter().sum::<i64>() + shipping_tax;
    let added = if rate.inclusive { 0 } else { tax };
    let totals = Totals {
        subtotal: subtotal_before_discount,
        discount,
        shipping,
        tax,
        tax_inclusive: rate.inclusive,
        total: subtotal_before_discount - discount + shipping + added,
    };
    (totals, per_line, shipping_tax)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rate(rate_bp: i32, inclusive: bool) -> TaxRate {
        TaxRate { name: "Tax".into(), rate_bp, inclusive }
    }

    #[test]
    fn halves_round_to_the_even_neighbour() {
        assert_eq!(round_half_even_div(5, 2), 2);
        assert_eq!(round_half_even_div(7, 2), 4);
        assert_eq!(round_half_even_div(1, 2), 0);
        assert_eq!(round_half_even_div(3, 2), 2);
        assert_eq!(round_half_even_div(25, 10), 2);
        assert_eq!(round_half_even_div(35, 10), 4);
    }

    #[test]
    fn negative_halves_round_to_the_even_neighbour_too() {
        assert_eq!(round_half_even_div(-5, 2), -2);
        assert_eq!(round_half_even_div(-7, 2), -4);
        assert_eq!(round_half_even_div(-1, 2), 0);
        assert_eq!(round_half_even_div(5, -2), -2);
        assert_eq!(round_half_even_div(-5, -2), 2);
    }

    #[test]
    fn non_halves_round_to_the_nearest() {
        assert_eq!(round_half_even_div(26, 10), 3);
        assert_eq!(round_half_even_div(24, 10), 2);
        assert_eq!(round_half_even_div(-26, 10), -3);
        assert_eq!(round_half_even_div(-24, 10), -2);
        assert_eq!(round_half_even_div(10, 5), 2);
        assert_eq!(round_half_even_div(0, 7), 0);
        assert_eq!(round_half_even_div(2, 3), 1);
        assert_eq!(round_half_even_div(-2, 3), -1);
    }

    #[test]
    fn large_amounts_stay_exact() {
        let trillion = 1_000_000_000_000_i128;
        assert_eq!(round_half_even_div(trillion * 10_000, 10_000), 1_000_000_000_000);
        assert_eq!(round_half_even_div(i128::from(i64::MAX - 1) * 2 + 1, 2), i64::MAX - 1);
    }

    #[test]
    #[should_panic(expected = "by zero")]
    fn dividing_by_zero_is_a_bug() {
        round_half_even_div(1, 0);
    }

    #[test]
    fn exclusive_tax_is_added_per_line_half_to_even() {
        let ca = rate(725, false);
        // 200 × 7.25 % = 14.5 → 14; 600 × 7.25 % = 43.5 → 44; 1999 → 144.93 → 145.
        assert_eq!(line_taxes(&ca, &[200, 600, 1999, 0]), vec![14, 44, 145, 0]);
        let ten = rate(1000, false);
        assert_eq!(line_taxes(&ten, &[5, 15, 25]), vec![0, 2, 2]);
    }

    #[test]
    fn inclusive_tax_is_the_part_of_the_price_that_is_tax() {
        let vat = rate(2000, true);
        // 12.00 gross = 10.00 net + 2.00 VAT.
        assert_eq!(line_taxes(&vat, &[1200]), vec![200]);
        // Nets of 2.5 and 7.5 round to 2 and 8: the tax is 1 in both.
        assert_eq!(line_taxes(&vat, &[3, 9]), vec![1, 1]);
        // 19.99 gross: net 16.658… → 16.66, tax 3.33.
        assert_eq!(line_taxes(&vat, &[1999]), vec![333]);
    }

    #[test]
    fn us_california_sales_tax_is_added_to_lines_and_shipping() {
        let ca = TaxRate { name: "Sales tax".into(), rate_bp: 725, inclusive: false };
        // Two lines of 19.99 and 30.00 with 5.00 off the second.
        let (totals, per_line, shipping_tax) = totals(&ca, &[1999, 2500], 4999, 500, 500);
        assert_eq!(per_line, vec![145, 181]);
        assert_eq!(shipping_tax, 36);
        assert_eq!(
            totals,
            Totals { subtotal: 4999, discount: 500, shipping: 500, tax: 362, tax_inclusive: false, total: 5361 }
        );
    }

    #[test]
    fn uk_vat_is_shown_but_not_added() {
        let vat = TaxRate { name: "VAT".into(), rate_bp: 2000, inclusive: true };
        let (totals, per_line, shipping_tax) = totals(&vat, &[1200, 3600], 4800, 0, 395);
        assert_eq!(per_line, vec![200, 600]);
        // 3.95 gross: net 3.291… → 3.29, VAT 0.66.
        assert_eq!(shipping_tax, 66);
        assert_eq!(totals.tax, 866);
        assert!(totals.tax_inclusive);
        assert_eq!(totals.total, 4800 + 395, "the buyer pays the shelf price");
    }

    #[test]
    fn zero_rate_adds_nothing() {
        for rate in [TaxRate::untaxed(), rate(0, true)] {
            let (totals, per_line, shipping_tax) = totals(&rate, &[1000, 250], 1500, 250, 500);
            assert_eq!((per_line, shipping_tax, totals.tax), (vec![0, 0], 0, 0));
            assert_eq!(totals.total, 1500 - 250 + 500);
        }
    }

    #[test]
    fn yen_amounts_have_no_minor_unit() {
        let japan = TaxRate { name: "Consumption tax".into(), rate_bp: 1000, inclusive: true };
        // ¥1,100 and ¥3,300 shelf prices contain ¥100 and ¥300; ¥600 shipping contains ¥55.
        let (totals, per_line, shipping_tax) = totals(&japan, &[1100, 3300], 4400, 0, 600);
        assert_eq!(per_line, vec![100, 300]);
        assert_eq!(shipping_tax, 55);
        assert_eq!((totals.tax, totals.total), (455, 5000));
    }

    #[test]
    fn free_shipping_carries_no_tax() {
        let (_, _, shipping_tax) = totals(&rate(725, false), &[1000], 1000, 0, 0);
        assert_eq!(shipping_tax, 0);
    }
}

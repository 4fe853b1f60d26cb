//! The instalment schedule, exact to the minor unit: standard amortization
//! of the financed amount at the plan's periodic rate. Pure integer
//! arithmetic; the README's "Installment plans" entry states the rounding.
//!
//! - Down payment: `price × down% ` rounded half up.
//! - Financed: `price − down payment + fee` (the fee is financed, so it is
//!   repaid with the instalments and bears interest like the price).
//! - Periodic rate: APR / 12 monthly, APR / 26 every two weeks.
//! - Payment: `P·r / (1 − (1 + r)^−n)` rounded half up (`P / n` at 0%).
//!   `(1 + r)^n` is computed in 10⁻¹⁸ fixed point in i128, far finer than
//!   the half-cent that decides the rounding.
//! - Each period's interest is `balance × r` rounded half up, exactly (the
//!   rate is a fraction of integers); the last payment is what is left of
//!   the balance plus its interest, so it absorbs every rounding.

use serde::{Deserialize, Serialize};

use super::{Frequency, PlanTerms};

/// Fixed-point scale for the rate power.
const SCALE: i128 = 1_000_000_000_000_000_000;

/// A plan's figures for one price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Paid at checkout (0 when the plan has none).
    pub down_payment: i64,
    /// What the instalments repay: price − down payment + fee.
    pub financed: i64,
    /// Every instalment but the last.
    pub per_payment: i64,
    /// The instalments in order; the last absorbs the rounding.
    pub payments: Vec<i64>,
    pub total_interest: i64,
    /// Down payment plus every instalment (price, fee and interest).
    pub total_cost: i64,
}

impl Schedule {
    pub fn last_payment(&self) -> i64 {
        self.payments.last().copied().unwrap_or(0)
    }
}

/// `num / den` rounded half up, for non-negative operands.
fn div_half_up(num: i128, den: i128) -> i128 {
    (2 * num + den) / (2 * den)
}

/// The denominator of the periodic rate per basis point of APR: the
/// periodic rate is `apr_bp / rate_denominator`.
fn rate_denominator(frequency: Frequency) -> i128 {
    match frequency {
        Frequency::Monthly => 10_000 * 12,
        Frequency::Biweekly => 10_000 * 26,
    }
}

/// The schedule for `price_minor` under `terms`, or `None` when the amount
/// is too small to split into that many payments (an instalment would come
/// out negative).
pub fn schedule(price_minor: i64, terms: &PlanTerms) -> Option<Schedule> {
    if price_minor < 0 {
        return None;
    }
    let n = i128::from(terms.payments);
    let price = i128::from(price_minor);
    let down = div_half_up(price * i128::from(terms.down_payment_bp), 10_000);
    let financed = price - down + i128::from(terms.fee_minor);
    let apr = i128::from(terms.apr_bp);
    let den = rate_denominator(terms.frequency);
    let payment = if apr == 0 {
        div_half_up(financed, n)
    } else {
        let rate = div_half_up(apr * SCALE, den);
        let mut growth = SCALE;
        for _ in 0..n {
            growth = div_half_up(growth * (SCALE + rate), SCALE);
        }
        // payment / P = r·g / (g − 1), with g = (1 + r)^n.
        let factor = div_half_up(rate * growth, growth - SCALE);
        div_half_up(financed * factor, SCALE)
    };
    let mut balance = financed;
    let mut interest_total = 0i128;
    let mut payments = Vec::with_capacity(usize::from(terms.payments));
    for k in 0..n {
        let interest = div_half_up(balance * apr, den);
        interest_total += interest;
        if k + 1 == n {
            payments.push(balance + interest);
        } else {
            balance -= payment - interest;
            payments.push(payment);
        }
    }
    if payments.iter().any(|p| *p < 0) {
        return None;
    }
    let total = down + payments.iter().sum::<i128>();
    Some(Schedule {
        down_payment: i64::try_from(down).ok()?,
        financed: i64::try_from(financed).ok()?,
        per_payment: i64::try_from(payment).ok()?,
        payments: payments.into_iter().map(i64::try_from).collect::<Result<_, _>>().ok()?,
        total_interest: i64::try_from(interest_total).ok()?,
        total_cost: i64::try_from(total).ok()?,
    })
}

/// What the buyer pays at checkout: the down payment, or the first
/// instalment when the plan has no down payment (so every plan starts with
/// a payment the buyer authorizes while present).
pub fn due_at_checkout(s: &Schedule) -> i64 {
    if s.down_payment > 0 {
        s.down_payment
    } else {
        s.payments.first().copied().unwrap_or(0)
    }
}

/// The order's instalments in order, as stored: the amount paid at
/// checkout first (the down payment, or the first instalment when there is
/// none), then the rest, one per period.
pub fn instalments(s: &Schedule) -> Vec<i64> {
    if s.down_payment > 0 {
        std::iter::once(s.down_payment).chain(s.payments.iter().copied()).collect()
    } else {
        s.payments.clone()
    }
}

/// When instalment `seq` (0 is paid at checkout on `start`) falls due: `seq`
/// months later (the day clamped to the month's end: 31 Jan, 28 Feb…) or
/// `seq` × 14 days later.
pub fn due_on(start: chrono::NaiveDate, frequency: Frequency, seq: u32) -> Option<chrono::NaiveDate> {
    match frequency {
        Frequency::Monthly => start.checked_add_months(chrono::Months::new(seq)),
        Frequency::Biweekly => start.checked_add_days(chrono::Days::new(14 * u64::from(seq))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(payments: u8, frequency: Frequency, apr_bp: u16, down_payment_bp: u16, fee_minor: i64) -> PlanTerms {
        PlanTerms { payments, frequency, apr_bp, down_payment_bp, fee_minor }
    }

    fn monthly(payments: u8, apr_bp: u16) -> PlanTerms {
        terms(payments, Frequency::Monthly, apr_bp, 0, 0)
    }

    /// Every schedule repays exactly what it finances plus its interest.
    fn balanced(s: &Schedule) -> bool {
        s.payments.iter().sum::<i64>() == s.financed + s.total_interest
            && s.total_cost == s.down_payment + s.payments.iter().sum::<i64>()
    }

    #[test]
    fn twelve_hundred_at_twelve_percent_over_a_year_is_106_62_a_month() {
        let s = schedule(120_000, &monthly(12, 1200)).unwrap();
        assert_eq!(s.per_payment, 10_662);
        assert_eq!(s.payments[..11], [10_662; 11]);
        assert_eq!(s.last_payment(), 10_660, "the last payment absorbs the rounding");
        assert_eq!(s.total_interest, 7_942);
        assert_eq!(s.total_cost, 127_942);
        assert!(balanced(&s));
    }

    #[test]
    fn zero_percent_splits_evenly_with_the_remainder_on_the_last() {
        let s = schedule(100_000, &monthly(3, 0)).unwrap();
        assert_eq!(s.payments, vec![33_333, 33_333, 33_334]);
        assert_eq!((s.total_interest, s.total_cost), (0, 100_000));
        // Half up: 166.666… rounds to 166.67 and the last gives back the excess.
        let s = schedule(100_000, &monthly(6, 0)).unwrap();
        assert_eq!(s.payments, vec![16_667, 16_667, 16_667, 16_667, 16_667, 16_665]);
        let s = schedule(120_000, &monthly(6, 0)).unwrap();
        assert_eq!(s.payments, vec![20_000; 6]);
        assert!(balanced(&s));
    }

    #[test]
    fn twenty_four_monthly_payments() {
        let s = schedule(250_000, &monthly(24, 1999)).unwrap();
        assert_eq!(s.payments.len(), 24);
        assert_eq!(s.per_payment, 12_723);
        assert_eq!(s.last_payment(), 12_716);
        assert_eq!((s.total_interest, s.total_cost), (55_345, 305_345));
        assert!(balanced(&s));
    }

    #[test]
    fn the_highest_rate_allowed() {
        let s = schedule(120_000, &monthly(12, 3600)).unwrap();
        assert_eq!((s.per_payment, s.last_payment()), (12_055, 12_059));
        assert_eq!((s.total_interest, s.total_cost), (24_664, 144_664));
    }

    #[test]
    fn every_two_weeks_uses_a_twenty_sixth_of_the_apr() {
        let s = schedule(89_999, &terms(24, Frequency::Biweekly, 999, 0, 0)).unwrap();
        assert_eq!((s.per_payment, s.last_payment()), (3_933, 3_924));
        assert_eq!((s.total_interest, s.total_cost), (4_384, 94_383));
        assert!(balanced(&s));
    }

    #[test]
    fn down_payment_and_fee() {
        // 1,500.00 with 20% down (300.00) and a 25.00 fee financed: 1,225.00
        // over 6 months at 15%.
        let s = schedule(150_000, &terms(6, Frequency::Monthly, 1500, 2000, 2_500)).unwrap();
        assert_eq!((s.down_payment, s.financed), (30_000, 122_500));
        assert_eq!(s.payments, vec![21_319; 6]);
        assert_eq!((s.total_interest, s.total_cost), (5_414, 157_914));
        assert!(balanced(&s));
        assert_eq!(due_at_checkout(&s), 30_000, "the down payment is due at checkout");
    }

    #[test]
    fn without_a_down_payment_the_first_instalment_is_due_at_checkout() {
        let s = schedule(120_000, &monthly(12, 1200)).unwrap();
        assert_eq!(due_at_checkout(&s), 10_662);
    }

    #[test]
    fn down_payment_rounds_half_up() {
        // 33.33% of 0.15 = 0.049995 → 0.05.
        let s = schedule(15, &terms(2, Frequency::Monthly, 0, 3333, 0)).unwrap();
        assert_eq!(s.down_payment, 5);
        assert_eq!(s.payments, vec![5, 5]);
    }

    #[test]
    fn all_down_leaves_only_the_fee_to_repay() {
        let s = schedule(10_000, &terms(2, Frequency::Monthly, 1200, 10_000, 0)).unwrap();
        assert_eq!((s.down_payment, s.financed), (10_000, 0));
        assert_eq!(s.payments, vec![0, 0]);
        assert_eq!(s.total_cost, 10_000);
    }

    #[test]
    fn amounts_too_small_to_split_have_no_schedule() {
        // 0.05 over 8 payments: 0.01 each would overshoot, the last negative.
        assert_eq!(schedule(5, &monthly(8, 0)), None);
        assert_eq!(schedule(-1, &monthly(2, 0)), None);
    }

    #[test]
    fn every_schedule_balances() {
        for price in [1_000, 99_999, 123_457, 1_000_000_000] {
            for payments in [2u8, 3, 7, 12, 24] {
                for apr in [0u16, 1, 499, 1200, 3600] {
                    for frequency in [Frequency::Monthly, Frequency::Biweekly] {
                        let s = schedule(price, &terms(payments, frequency, apr, 1000, 199)).unwrap();
                        assert!(balanced(&s), "{price} {payments} {apr}");
                        assert_eq!(s.payments.len(), usize::from(payments));
                        let last = s.last_payment();
                        assert!((last - s.per_payment).abs() <= i64::from(payments), "{price} {payments} {apr}: {s:?}");
                    }
                }
            }
        }
    }

    #[test]
    fn the_checkout_payment_comes_first_then_one_per_period() {
        let with_down = schedule(150_000, &terms(6, Frequency::Monthly, 1500, 2000, 2_500)).unwrap();
        assert_eq!(instalments(&with_down), vec![30_000, 21_319, 21_319, 21_319, 21_319, 21_319, 21_319]);
        let without = schedule(100_000, &monthly(3, 0)).unwrap();
        assert_eq!(instalments(&without), vec![33_333, 33_333, 33_334]);
        let jan31 = chrono::NaiveDate::from_ymd_opt(2027, 1, 31).unwrap();
        let day = |y, m, d| chrono::NaiveDate::from_ymd_opt(y, m, d);
        assert_eq!(due_on(jan31, Frequency::Monthly, 0), Some(jan31));
        assert_eq!(due_on(jan31, Frequency::Monthly, 1), day(2027, 2, 28), "clamped to the month's end");
        assert_eq!(due_on(jan31, Frequency::Monthly, 12), day(2028, 1, 31));
        assert_eq!(due_on(jan31, Frequency::Biweekly, 2), day(2027, 2, 28));
    }
}

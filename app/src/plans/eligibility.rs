//! Who pre-qualifies for a plan: a pure rule, stated in the README.
//! A shopper pre-qualifies when they are signed in, the order total is
//! within the plan's minimum and maximum (either may be unset), and their
//! account is in good standing: no instalment of theirs has failed and is
//! still unpaid. The first failing condition is the reason given.

use serde::{Deserialize, Serialize};

use crate::money::Money;

/// What the rule looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Applicant {
    pub signed_in: bool,
    /// Failed instalments not yet paid, across the shopper's orders.
    pub failed_outstanding: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Verdict {
    PreQualified,
    SignInToCheck,
    BelowMinimum(Money),
    AboveMaximum(Money),
    /// A failed instalment is outstanding.
    NotInGoodStanding,
}

impl Verdict {
    pub fn qualifies(&self) -> bool {
        matches!(self, Verdict::PreQualified)
    }

    /// The badge or the reason, for people.
    pub fn label(&self) -> String {
        match self {
            Verdict::PreQualified => "You pre-qualify".into(),
            Verdict::SignInToCheck => "Sign in to see if you pre-qualify".into(),
            Verdict::BelowMinimum(min) => format!("For orders of {} or more", min.display()),
            Verdict::AboveMaximum(max) => format!("For orders up to {}", max.display()),
            Verdict::NotInGoodStanding => "Settle your failed instalment to use plans".into(),
        }
    }
}

/// The verdict for `applicant` on an order of `total` under a plan with
/// these limits.
pub fn verdict(applicant: Applicant, total: Money, min: Option<Money>, max: Option<Money>) -> Verdict {
    if let Some(min) = min.filter(|m| total.minor < m.minor) {
        return Verdict::BelowMinimum(min);
    }
    if let Some(max) = max.filter(|m| total.minor > m.minor) {
        return Verdict::AboveMaximum(max);
    }
    if !applicant.signed_in {
        return Verdict::SignInToCheck;
    }
    if applicant.failed_outstanding > 0 {
        return Verdict::NotInGoodStanding;
    }
    Verdict::PreQualified
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    const GOOD: Applicant = Applicant { signed_in: true, failed_outstanding: 0 };

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::USD)
    }

    #[test]
    fn a_signed_in_shopper_in_good_standing_within_the_limits_pre_qualifies() {
        assert_eq!(verdict(GOOD, usd(50_000), None, None), Verdict::PreQualified);
        assert_eq!(
            verdict(GOOD, usd(50_000), Some(usd(50_000)), Some(usd(50_000))),
            Verdict::PreQualified,
            "limits are inclusive"
        );
        assert!(verdict(GOOD, usd(1), None, None).qualifies());
    }

    #[test]
    fn totals_outside_the_limits_say_which_limit() {
        assert_eq!(verdict(GOOD, usd(9_999), Some(usd(10_000)), None), Verdict::BelowMinimum(usd(10_000)));
        assert_eq!(verdict(GOOD, usd(10_001), None, Some(usd(10_000))), Verdict::AboveMaximum(usd(10_000)));
        assert_eq!(Verdict::BelowMinimum(usd(10_000)).label(), "For orders of $100.00 or more");
    }

    #[test]
    fn signed_out_shoppers_are_asked_to_sign_in() {
        let anonymous = Applicant { signed_in: false, failed_outstanding: 0 };
        assert_eq!(verdict(anonymous, usd(100), None, None), Verdict::SignInToCheck);
        // The limits are public, so they are said first.
        assert_eq!(verdict(anonymous, usd(100), Some(usd(500)), None), Verdict::BelowMinimum(usd(500)));
    }

    #[test]
    fn a_failed_instalment_outstanding_means_no_pre_qualification() {
        let behind = Applicant { signed_in: true, failed_outstanding: 1 };
        assert_eq!(verdict(behind, usd(100), None, None), Verdict::NotInGoodStanding);
        assert!(!Verdict::NotInGoodStanding.qualifies());
    }
}

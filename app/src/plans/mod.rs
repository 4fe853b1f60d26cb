//! Installment plans: a shop's payment plans per product (2–24 payments,
//! monthly or every two weeks, APR, down payment, fee), their schedule
//! (`amortization`), who pre-qualifies (`eligibility`), monthly-price
//! claims in post text (`claims`), plan cards in posts, and paying an
//! order by plan. Every per-payment amount is shown with its disclosure.

pub mod amortization;
pub mod api;
#[cfg(feature = "ssr")]
pub mod checkout;
pub mod claims;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(all(test, feature = "ssr"))]
mod db_tests;
pub mod eligibility;
#[cfg(feature = "ssr")]
pub mod instalments;
pub mod pages;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use self::amortization::Schedule;
use self::eligibility::Verdict;
use crate::error::AppError;
use crate::money::{Currency, Money};

pub const MIN_PAYMENTS: u8 = 2;
pub const MAX_PAYMENTS: u8 = 24;
/// 36% APR, the highest a plan may charge.
pub const MAX_APR_BP: u16 = 3600;
/// At most this many plans per product, and linked per post.
pub const MAX_PLANS_PER_PRODUCT: usize = 6;
pub const MAX_PLANS_PER_POST: usize = 3;
/// Explore's `?with=` that keeps only posts showing plan cards.
pub const EXPLORE_FILTER: &str = "plans";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Frequency {
    Monthly,
    /// Every two weeks (26 a year).
    Biweekly,
}

impl Frequency {
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Monthly => "monthly",
            Frequency::Biweekly => "biweekly",
        }
    }

    pub fn parse(raw: &str) -> Result<Frequency, AppError> {
        match raw.trim() {
            "monthly" => Ok(Frequency::Monthly),
            "biweekly" => Ok(Frequency::Biweekly),
            _ => Err(AppError::validation("frequency", "Choose monthly or every two weeks.")),
        }
    }

    /// "/mo" or "/2 wks", after a per-payment amount.
    pub fn per(self) -> &'static str {
        match self {
            Frequency::Monthly => "/mo",
            Frequency::Biweekly => "/2 wks",
        }
    }

    /// "12 monthly payments", "6 payments every two weeks".
    pub fn payments_label(self, n: u8) -> String {
        match self {
            Frequency::Monthly => format!("{n} monthly payments"),
            Frequency::Biweekly => format!("{n} payments every two weeks"),
        }
    }
}

/// A plan's terms, valid by construction through [`PlanForm::parse`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanTerms {
    /// 2–24.
    pub payments: u8,
    pub frequency: Frequency,
    /// 0–3600 (0–36% APR).
    pub apr_bp: u16,
    /// 0–10000 (0–100% of the price).
    pub down_payment_bp: u16,
    /// Added to the financed amount (minor units of the product's currency).
    pub fee_minor: i64,
}

impl PlanTerms {
    /// "6 months", "12 payments": the plan's short name on cards.
    pub fn title(&self) -> String {
        match self.frequency {
            Frequency::Monthly => format!("{} months", self.payments),
            Frequency::Biweekly => format!("{} payments, every 2 weeks", self.payments),
        }
    }
}

/// "12.5%" from basis points.
pub fn percent_label(bp: u16) -> String {
    let (whole, frac) = (bp / 100, bp % 100);
    match frac {
        0 => format!("{whole}%"),
        f if f % 10 == 0 => format!("{whole}.{}%", f / 10),
        f => format!("{whole}.{f:02}%"),
    }
}

/// A percentage as typed ("12", "12.5", "12.75%") in basis points, at most
/// `max_bp`; `field` names the input for the error.
pub fn parse_percent(field: &str, raw: &str, max_bp: u16, max_message: &str) -> Result<u16, AppError> {
    let text = raw.trim().trim_end_matches('%').trim();
    let bad = || AppError::validation(field, "Enter a percentage like 12 or 12.5.");
    if text.is_empty() {
        return Err(bad());
    }
    let (whole, frac) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty()
        || whole.len() > 5
        || frac.len() > 2
        || !(whole.bytes().chain(frac.bytes())).all(|b| b.is_ascii_digit())
    {
        return Err(bad());
    }
    let whole: u32 = whole.parse().map_err(|_| bad())?;
    let frac: u32 = format!("{frac:0<2}").parse().map_err(|_| bad())?;
    let bp = whole * 100 + frac;
    if bp > u32::from(max_bp) {
        return Err(AppError::validation(field, max_message));
    }
    u16::try_from(bp).map_err(|_| bad())
}

/// What the plan form sends (all text; parsed on the server).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanForm {
    pub payments: String,
    pub frequency: String,
    pub apr: String,
    pub down_payment: String,
    pub fee: String,
    pub min_total: String,
    pub max_total: String,
}

/// A plan as the shop saves it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewPlan {
    pub terms: PlanTerms,
    pub min_total: Option<Money>,
    pub max_total: Option<Money>,
}

impl PlanForm {
    /// Validates every field, in the product's `currency`.
    pub fn parse(&self, currency: Currency) -> Result<NewPlan, AppError> {
        let payments: u8 = self.payments.trim().parse().map_err(|_| {
            AppError::validation("payments", format!("Choose {MIN_PAYMENTS} to {MAX_PAYMENTS} payments."))
        })?;
        if !(MIN_PAYMENTS..=MAX_PAYMENTS).contains(&payments) {
            return Err(AppError::validation("payments", format!("Choose {MIN_PAYMENTS} to {MAX_PAYMENTS} payments.")));
        }
        let frequency = Frequency::parse(&self.frequency)?;
        let apr_bp = parse_percent("apr", &self.apr, MAX_APR_BP, "The APR can be at most 36%.")?;
        let down_payment_bp = match self.down_payment.trim() {
            "" => 0,
            raw => parse_percent("down_payment", raw, 10_000, "The down payment can be at most 100%.")?,
        };
        let fee_minor = match self.fee.trim() {
            "" => 0,
            raw => Money::parse("fee", raw, currency)?.minor,
        };
        let optional = |field: &str, raw: &str| match raw.trim() {
            "" => Ok(None),
            raw => Money::parse(field, raw, currency).map(Some),
        };
        let min_total = optional("min_total", &self.min_total)?;
        let max_total = optional("max_total", &self.max_total)?;
        if let (Some(min), Some(max)) = (min_total, max_total) {
            if max.minor < min.minor {
                return Err(AppError::validation("max_total", "The maximum must be at least the minimum."));
            }
        }
        Ok(NewPlan {
            terms: PlanTerms { payments, frequency, apr_bp, down_payment_bp, fee_minor },
            min_total,
            max_total,
        })
    }
}

/// A plan as a shop's editor lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub id: Uuid,
    pub product_id: Uuid,
    pub terms: PlanTerms,
    pub currency: Currency,
    pub min_total: Option<Money>,
    pub max_total: Option<Money>,
    pub active: bool,
}

impl Plan {
    /// The plan priced at `price` for `applicant`; `None` when the amount
    /// is too small to split into its payments.
    pub fn quote(&self, price: Money, applicant: eligibility::Applicant) -> Option<PlanQuote> {
        let schedule = amortization::schedule(price.minor, &self.terms)?;
        Some(PlanQuote {
            plan_id: self.id,
            product_id: self.product_id,
            terms: self.terms,
            price,
            schedule,
            currency: self.currency,
            verdict: eligibility::verdict(applicant, price, self.min_total, self.max_total),
        })
    }

    /// "6 months · 12% APR · 20% down", for the editor and pickers.
    pub fn summary(&self) -> String {
        let t = &self.terms;
        let mut s = format!("{} · {} APR", t.frequency.payments_label(t.payments), percent_label(t.apr_bp));
        if t.down_payment_bp > 0 {
            s.push_str(&format!(" · {} down", percent_label(t.down_payment_bp)));
        }
        if t.fee_minor > 0 {
            s.push_str(&format!(" · {} fee", Money::new(t.fee_minor, self.currency).display()));
        }
        s
    }
}

/// A product's plans quoted at one variant's price (the product page
/// shows those of the variant chosen).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VariantQuotes {
    pub variant_id: Uuid,
    pub quotes: Vec<PlanQuote>,
}

/// A plan in the composer's picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanPick {
    pub plan_id: Uuid,
    /// "Laptop · 6 monthly payments · 0% APR".
    pub label: String,
}

/// A plan priced for a shopper: its schedule for one price, with what the
/// disclosure states, computed on the server.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanQuote {
    pub plan_id: Uuid,
    pub product_id: Uuid,
    pub terms: PlanTerms,
    /// The price the schedule is for.
    pub price: Money,
    pub schedule: Schedule,
    pub currency: Currency,
    /// Whether this shopper pre-qualifies, and if not, why.
    pub verdict: Verdict,
}

impl PlanQuote {
    pub fn money(&self, minor: i64) -> Money {
        Money::new(minor, self.currency)
    }

    /// "$106.62/mo".
    pub fn per_payment_label(&self) -> String {
        format!("{}{}", self.money(self.schedule.per_payment).display(), self.terms.frequency.per())
    }

    /// The disclosure shown beside every per-payment amount: APR, number
    /// of payments, total cost and down payment (and the fee and the last
    /// payment when they differ from nothing and the others).
    pub fn disclosure(&self) -> String {
        let t = &self.terms;
        let s = &self.schedule;
        let mut parts = vec![
            format!("{} APR", percent_label(t.apr_bp)),
            t.frequency.payments_label(t.payments),
            format!("total cost {}", self.money(s.total_cost).display()),
            format!("{} down", self.money(s.down_payment).display()),
        ];
        if t.fee_minor > 0 {
            parts.push(format!("{} fee", self.money(t.fee_minor).display()));
        }
        if s.last_payment() != s.per_payment {
            parts.push(format!("last payment {}", self.money(s.last_payment()).display()));
        }
        parts.join(" · ")
    }

    /// Where "Buy with plan" goes: the product with the plan chosen.
    pub fn href(&self) -> String {
        format!("/p/{}?plan={}", self.product_id, self.plan_id)
    }
}

/// A plan card in a post: the plan quoted at the product's lowest price.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanCard {
    pub quote: PlanQuote,
    pub product_title: String,
    pub image_url: Option<String>,
    pub is_featured: bool,
}

/// One instalment of an order paid by plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    /// 0 is the down payment, 1… the instalments.
    pub seq: i16,
    pub due_on: chrono::NaiveDate,
    pub amount: Money,
    pub status: InstalmentStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum InstalmentStatus {
    Scheduled,
    Paid,
    Failed,
    /// Never to be charged: its order was cancelled or refunded in full.
    Cancelled,
}

impl Instalment {
    /// "Down payment", "Payment 2 of 6".
    pub fn label(&self, terms: &PlanTerms, has_down_payment: bool) -> String {
        let n = i16::from(terms.payments);
        match (has_down_payment, self.seq) {
            (true, 0) => "Down payment".into(),
            (true, k) => format!("Payment {k} of {n}"),
            (false, k) => format!("Payment {} of {n}", k + 1),
        }
    }
}

impl InstalmentStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            InstalmentStatus::Scheduled => "scheduled",
            InstalmentStatus::Paid => "paid",
            InstalmentStatus::Failed => "failed",
            InstalmentStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(raw: &str) -> Result<InstalmentStatus, AppError> {
        match raw {
            "scheduled" => Ok(InstalmentStatus::Scheduled),
            "paid" => Ok(InstalmentStatus::Paid),
            "failed" => Ok(InstalmentStatus::Failed),
            "cancelled" => Ok(InstalmentStatus::Cancelled),
            _ => Err(AppError::Internal),
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            InstalmentStatus::Scheduled => "Scheduled",
            InstalmentStatus::Paid => "Paid",
            InstalmentStatus::Failed => "Failed",
            InstalmentStatus::Cancelled => "Cancelled",
        }
    }
}

/// What a checkout of one product with plans shows: the plans quoted at
/// its total, the one chosen, and why that one can't be used if it can't.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckoutPlans {
    pub offered: Vec<PlanQuote>,
    pub chosen: Option<PlanQuote>,
    pub problem: Option<String>,
    /// The saved card the plan is paid with ("Visa •••• 4242").
    pub card: Option<String>,
}

impl CheckoutPlans {
    /// What "Pay" charges now with the chosen plan.
    pub fn due_now(&self) -> Option<Money> {
        self.chosen.as_ref().map(|q| q.money(amortization::due_at_checkout(&q.schedule)))
    }
}

/// An order's plan as its page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrderPlan {
    pub quote: PlanQuote,
    pub instalments: Vec<Instalment>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(payments: &str, apr: &str, down: &str) -> PlanForm {
        PlanForm {
            payments: payments.into(),
            frequency: "monthly".into(),
            apr: apr.into(),
            down_payment: down.into(),
            fee: "2.50".into(),
            ..PlanForm::default()
        }
    }

    #[test]
    fn a_valid_plan_parses_into_basis_points_and_minor_units() {
        let plan = form("12", "12.5", "20%").parse(Currency::USD).unwrap();
        assert_eq!(
            plan.terms,
            PlanTerms {
                payments: 12,
                frequency: Frequency::Monthly,
                apr_bp: 1250,
                down_payment_bp: 2000,
                fee_minor: 250
            }
        );
        assert_eq!((plan.min_total, plan.max_total), (None, None));
        assert_eq!(form("24", "36", "100").parse(Currency::USD).unwrap().terms.apr_bp, 3600);
        assert_eq!(form("2", "0", "").parse(Currency::USD).unwrap().terms.down_payment_bp, 0);
    }

    #[test]
    fn invalid_plans_name_the_field() {
        let field = |f: PlanForm| f.parse(Currency::USD).unwrap_err().field().map(str::to_string);
        assert_eq!(field(form("0", "5", "")).as_deref(), Some("payments"));
        assert_eq!(field(form("1", "5", "")).as_deref(), Some("payments"));
        assert_eq!(field(form("25", "5", "")).as_deref(), Some("payments"));
        assert_eq!(field(form("x", "5", "")).as_deref(), Some("payments"));
        assert_eq!(field(form("6", "36.01", "")).as_deref(), Some("apr"));
        assert_eq!(field(form("6", "-1", "")).as_deref(), Some("apr"));
        assert_eq!(field(form("6", "", "")).as_deref(), Some("apr"));
        assert_eq!(field(form("6", "5", "100.5")).as_deref(), Some("down_payment"));
        assert_eq!(field(form("6", "5", "12.345")).as_deref(), Some("down_payment"));
        let over = form("6", "40", "").parse(Currency::USD).unwrap_err();
        assert_eq!(over.to_string(), "The APR can be at most 36%.");
        let mut f = form("6", "5", "");
        f.frequency = "weekly".into();
        assert_eq!(field(f).as_deref(), Some("frequency"));
        let mut f = form("6", "5", "");
        f.fee = "abc".into();
        assert_eq!(field(f).as_deref(), Some("fee"));
        let mut f = form("6", "5", "");
        (f.min_total, f.max_total) = ("500".into(), "100".into());
        assert_eq!(field(f).as_deref(), Some("max_total"));
    }

    #[test]
    fn percentages_print_without_needless_zeros() {
        assert_eq!(percent_label(0), "0%");
        assert_eq!(percent_label(1200), "12%");
        assert_eq!(percent_label(1250), "12.5%");
        assert_eq!(percent_label(1999), "19.99%");
    }

    #[test]
    fn the_disclosure_names_apr_payments_total_and_down_payment() {
        let terms =
            PlanTerms { payments: 12, frequency: Frequency::Monthly, apr_bp: 1200, down_payment_bp: 0, fee_minor: 0 };
        let schedule = amortization::schedule(120_000, &terms).unwrap();
        let quote = PlanQuote {
            plan_id: Uuid::nil(),
            product_id: Uuid::nil(),
            terms,
            price: Money::new(120_000, Currency::USD),
            schedule,
            currency: Currency::USD,
            verdict: Verdict::PreQualified,
        };
        assert_eq!(quote.per_payment_label(), "$106.62/mo");
        assert_eq!(
            quote.disclosure(),
            "12% APR · 12 monthly payments · total cost $1,279.42 · $0.00 down · last payment $106.60"
        );
        assert_eq!(quote.href(), format!("/p/{}?plan={}", Uuid::nil(), Uuid::nil()));
    }
}

//! The promotions rule engine: from the live rule versions, a cart, the codes the customer
//! entered and each promotion's usage so far, it decides which rules apply and how much each
//! cart line gets off, per rule, so the order can record it. Pure and deterministic.
//!
//! # Semantics
//!
//! **Candidates.** Automatic rules (`code: None`) are always considered; a coded rule only when
//! the customer entered its code. Codes match trimmed and case-insensitively; blank entries are
//! ignored and repeated entries count once. An entered code that matches no rule is rejected as
//! [`RejectReason::Unknown`].
//!
//! **Order.** Candidates are evaluated by `priority` ascending (lower first), then
//! `promotion_id`, then `version`, so the input order of `rules` never matters.
//!
//! **Checks**, in this order, the first failure being the reason reported for a code
//! (automatic rules that fail are skipped silently):
//! 1. window: `starts_at <= now < ends_at` (`ends_at: None` never ends) → `NotStarted` / `Expired`;
//! 2. limits: `total_uses < usage_limit` → `UsageLimitReached`, `customer_uses < per_customer_limit`
//!    → `AlreadyUsed` (a promotion missing from the usage map has no uses);
//! 3. `min_subtotal_minor <= subtotal`, the subtotal of every line before any discount
//!    → `MinimumNotMet`;
//! 4. the effect would take something off the undiscounted cart → otherwise `NotApplicable`;
//! 5. stacking: once an exclusive rule has applied nothing else applies, and an exclusive rule
//!    applies only if nothing has applied before it → `NotCombinable`. So if the first rule that
//!    passes the checks is exclusive it applies alone; a later exclusive rule is blocked;
//! 6. the effect takes something off what earlier rules left → otherwise `NotApplicable` (a rule
//!    is never recorded with a zero amount).
//!
//! When several rules share a code, the code is accepted if any of them applies, and otherwise
//! rejected with the reason of the first of them in evaluation order.
//!
//! **Effects** work on what remains of each line after earlier rules (a line starts at
//! `unit_price × quantity`); no line is ever discounted below zero. Empty `product_ids` means
//! every product.
//! - `PercentOffOrder` / `PercentOffItems`: the rule's amount is `bp/10000` of the eligible lines'
//!   remaining total, computed in i128 and rounded half-to-even once for the rule; it is then
//!   split across those lines in proportion to what remains of them.
//! - `FixedOffOrder`: `minor`, capped at the cart's remaining total, split the same way.
//! - `FixedOffItems`: `minor` off each eligible unit, capped per line at what remains of it.
//! - `BuyXGetY`: the eligible units (quantities expanded) are sorted by unit price descending,
//!   ties by cart line order, and cut into consecutive groups of `buy + get` units starting from
//!   the most expensive; in every complete group the last `get` units (the group's cheapest) are
//!   discounted by `get_bp` (10000 = free); an incomplete trailing group gets nothing. Buy 2 get 1
//!   free on units priced 60, 50, 40, 30, 20, 10 gives 40 + 10 off. A line's discount is
//!   `get_bp/10000` of the remaining value of its discounted units (the line's remaining amount
//!   × discounted units / quantity), rounded half-to-even per line.
//!
//! Splits use the largest-remainder method (leftover minor units go to the largest remainders,
//! ties to the earlier line), so a rule's line discounts sum exactly to its amount. Malformed
//! rule values never raise a price: negative amounts and prices count as zero and basis points
//! above 10000 count as 10000.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::money::{Currency, Money};

/// 100% in basis points.
const FULL_BP: u32 = 10_000;

/// One version of a promotion, as it was when the cart was priced.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub promotion_id: Uuid,
    pub version: i32,
    pub title: String,
    /// `None`: automatic, applies without a code.
    pub code: Option<String>,
    pub effect: Effect,
    pub condition: Condition,
    /// Lower applies first.
    pub priority: i32,
    /// Applies only on its own: never together with any other rule.
    pub exclusive: bool,
    pub starts_at: DateTime<Utc>,
    /// Exclusive end: the rule no longer applies at this instant.
    pub ends_at: Option<DateTime<Utc>>,
    /// Uses across all customers.
    pub usage_limit: Option<i64>,
    pub per_customer_limit: Option<i64>,
}

/// What a rule takes off. Empty `product_ids` means every product.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    PercentOffOrder {
        bp: u32,
    },
    FixedOffOrder {
        minor: i64,
    },
    PercentOffItems {
        bp: u32,
        product_ids: Vec<Uuid>,
    },
    /// `minor` off each eligible unit.
    FixedOffItems {
        minor: i64,
        product_ids: Vec<Uuid>,
    },
    /// `get_bp` off the `get` cheapest units of every `buy + get` eligible units; 10000 = free.
    BuyXGetY {
        buy: u32,
        get: u32,
        product_ids: Vec<Uuid>,
        get_bp: u32,
    },
}

/// What the cart must satisfy for a rule to apply.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct Condition {
    /// Compared with the subtotal before any discount.
    pub min_subtotal_minor: Option<i64>,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct CartLine {
    /// The cart line's id; line discounts refer to it.
    pub key: Uuid,
    pub product_id: Uuid,
    pub unit_price_minor: i64,
    pub quantity: u32,
}

/// How often a promotion has been used, overall and by this customer.
#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Usage {
    pub total_uses: i64,
    pub customer_uses: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq, Default)]
pub struct Outcome {
    /// In the order the rules applied.
    pub applied: Vec<AppliedRule>,
    /// One entry per line per rule that took something off it; rule order, then line order.
    pub line_discounts: Vec<LineDiscount>,
    /// In the order the customer entered the codes.
    pub rejected_codes: Vec<RejectedCode>,
    pub discount_minor: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct AppliedRule {
    pub promotion_id: Uuid,
    pub version: i32,
    pub title: String,
    /// The rule's code as the merchant wrote it, not as the customer typed it.
    pub code: Option<String>,
    pub amount_minor: i64,
}

/// What one rule version took off one cart line: the record finance audits.
#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct LineDiscount {
    pub key: Uuid,
    pub promotion_id: Uuid,
    pub version: i32,
    pub amount_minor: i64,
}

#[derive(Serialize, Deserialize, Clone, Debug, PartialEq, Eq)]
pub struct RejectedCode {
    /// As the customer entered it, trimmed.
    pub code: String,
    pub reason: RejectReason,
}

#[derive(Serialize, Deserialize, Clone, Copy, Debug, PartialEq, Eq)]
pub enum RejectReason {
    Unknown,
    NotStarted,
    Expired,
    UsageLimitReached,
    /// This customer has used it as often as allowed.
    AlreadyUsed,
    MinimumNotMet {
        min_minor: i64,
    },
    /// Nothing in the cart is eligible, or earlier rules left nothing to take off.
    NotApplicable,
    /// Blocked by an exclusive rule, or exclusive and another rule already applied.
    NotCombinable,
}

impl RejectReason {
    /// The sentence shown under the code field.
    pub fn message(&self, currency: Currency) -> String {
        match self {
            RejectReason::Unknown => "This code doesn't exist. Check the spelling and try again.".into(),
            RejectReason::NotStarted => "This code isn't active yet.".into(),
            RejectReason::Expired => "This code expired.".into(),
            RejectReason::UsageLimitReached => "This code has reached its usage limit.".into(),
            RejectReason::AlreadyUsed => "You have already used this code.".into(),
            RejectReason::MinimumNotMet { min_minor } => {
                format!("Spend {} or more to use this code.", Money::new(*min_minor, currency).display())
            }
            RejectReason::NotApplicable => "This code doesn't apply to anything in your cart.".into(),
            RejectReason::NotCombinable => "This code can't be combined with another promotion in your cart.".into(),
        }
    }
}

impl Effect {
    /// A short offer line for banners and the cart: "20% off your order", "Buy 2, get 1 free".
    pub fn describe(&self, currency: Currency) -> String {
        let money = |minor: i64| Money::new(minor.max(0), currency).display();
        let scope = |ids: &[Uuid], all: &'static str, some: &'static str| if ids.is_empty() { all } else { some };
        match self {
            Effect::PercentOffOrder { bp } => format!("{} off your order", percent(*bp)),
            Effect::FixedOffOrder { minor } => format!("{} off your order", money(*minor)),
            Effect::PercentOffItems { bp, product_ids } => {
                format!("{} off {}", percent(*bp), scope(product_ids, "every item", "selected items"))
            }
            Effect::FixedOffItems { minor, product_ids } => {
                format!("{} off {}", money(*minor), scope(product_ids, "every item", "each selected item"))
            }
            Effect::BuyXGetY { buy, get, product_ids, get_bp } => {
                let deal = if *get_bp >= FULL_BP { "free".to_string() } else { format!("at {} off", percent(*get_bp)) };
                format!("Buy {buy}, get {get} {deal}{}", scope(product_ids, "", " on selected items"))
            }
        }
    }
}

/// "20%", "12.5%", "0.25%": basis points without trailing zeros.
fn percent(bp: u32) -> String {
    let bp = bp.min(FULL_BP);
    match bp % 100 {
        0 => format!("{}%", bp / 100),
        f if f % 10 == 0 => format!("{}.{}%", bp / 100, f / 10),
        f => format!("{}.{f:02}%", bp / 100),
    }
}

impl Outcome {
    /// Everything taken off one cart line, across rules: the order line's `discount_minor`.
    pub fn line_discount_total(&self, key: Uuid) -> i64 {
        self.line_discounts.iter().filter(|d| d.key == key).map(|d| d.amount_minor).sum()
    }
}

/// Prices a cart's promotions; see the module documentation for the exact rules.
pub fn apply(
    rules: &[Rule],
    lines: &[CartLine],
    codes: &[String],
    usage: &HashMap<Uuid, Usage>,
    now: DateTime<Utc>,
) -> Outcome {
    let entered = entered_codes(codes);
    let original: Vec<i64> = lines.iter().map(line_amount).collect();
    let subtotal = original.iter().fold(0i64, |sum, amount| sum.saturating_add(*amount));
    let mut remaining = original.clone();

    let mut candidates: Vec<&Rule> = rules
        .iter()
        .filter(|rule| match &rule.code {
            None => true,
            Some(code) => entered.iter().any(|(_, key)| *key == normalize(code)),
        })
        .collect();
    candidates.sort_by_key(|rule| (rule.priority, rule.promotion_id, rule.version));

    let mut outcome = Outcome::default();
    let mut exclusive_applied = false;
    // Per normalized code: accepted (None) or the first reason it was refused.
    let mut code_verdicts: HashMap<String, Option<RejectReason>> = HashMap::new();

    for rule in candidates {
        let verdict = check(rule, usage, now, subtotal)
            .and_then(|()| nonzero(effect_amounts(&rule.effect, lines, &original)).map(|_| ()))
            .and_then(|()| {
                if exclusive_applied || (rule.exclusive && !outcome.applied.is_empty()) {
                    Err(RejectReason::NotCombinable)
                } else {
                    nonzero(effect_amounts(&rule.effect, lines, &remaining))
                }
            });
        match verdict {
            Ok(amounts) => {
                let mut total = 0i64;
                for (i, amount) in amounts.into_iter().enumerate().filter(|(_, amount)| *amount > 0) {
                    remaining[i] -= amount;
                    total += amount;
                    outcome.line_discounts.push(LineDiscount {
                        key: lines[i].key,
                        promotion_id: rule.promotion_id,
                        version: rule.version,
                        amount_minor: amount,
                    });
                }
                outcome.applied.push(AppliedRule {
                    promotion_id: rule.promotion_id,
                    version: rule.version,
                    title: rule.title.clone(),
                    code: rule.code.clone(),
                    amount_minor: total,
                });
                outcome.discount_minor += total;
                exclusive_applied |= rule.exclusive;
                if let Some(code) = &rule.code {
                    code_verdicts.insert(normalize(code), None);
                }
            }
            Err(reason) => {
                if let Some(code) = &rule.code {
                    code_verdicts.entry(normalize(code)).or_insert(Some(reason));
                }
            }
        }
    }

    outcome.rejected_codes = entered
        .into_iter()
        .filter_map(|(code, key)| match code_verdicts.get(&key) {
            None => Some(RejectedCode { code, reason: RejectReason::Unknown }),
            Some(Some(reason)) => Some(RejectedCode { code, reason: *reason }),
            Some(None) => None,
        })
        .collect();
    outcome
}

/// The window, usage limits and minimum spend, in the order their reasons are reported.
fn check(rule: &Rule, usage: &HashMap<Uuid, Usage>, now: DateTime<Utc>, subtotal: i64) -> Result<(), RejectReason> {
    if now < rule.starts_at {
        return Err(RejectReason::NotStarted);
    }
    if rule.ends_at.is_some_and(|end| now >= end) {
        return Err(RejectReason::Expired);
    }
    let used = usage.get(&rule.promotion_id).copied().unwrap_or_default();
    if rule.usage_limit.is_some_and(|limit| used.total_uses >= limit) {
        return Err(RejectReason::UsageLimitReached);
    }
    if rule.per_customer_limit.is_some_and(|limit| used.customer_uses >= limit) {
        return Err(RejectReason::AlreadyUsed);
    }
    match rule.condition.min_subtotal_minor {
        Some(min) if subtotal < min => Err(RejectReason::MinimumNotMet { min_minor: min }),
        _ => Ok(()),
    }
}

fn nonzero(amounts: Vec<i64>) -> Result<Vec<i64>, RejectReason> {
    if amounts.iter().any(|amount| *amount > 0) {
        Ok(amounts)
    } else {
        Err(RejectReason::NotApplicable)
    }
}

/// The customer's codes, trimmed, blanks dropped, first spelling of each kept: (as typed, key).
fn entered_codes(codes: &[String]) -> Vec<(String, String)> {
    let mut entered: Vec<(String, String)> = Vec::new();
    for code in codes {
        let key = normalize(code);
        if !key.is_empty() && !entered.iter().any(|(_, seen)| *seen == key) {
            entered.push((code.trim().to_string(), key));
        }
    }
    entered
}

fn normalize(code: &str) -> String {
    code.trim().to_lowercase()
}

/// A line before discounts. Saturates rather than wrapping on absurd quantities.
fn line_amount(line: &CartLine) -> i64 {
    line.unit_price_minor.max(0).saturating_mul(i64::from(line.quantity))
}

fn eligible(line: &CartLine, product_ids: &[Uuid]) -> bool {
    product_ids.is_empty() || product_ids.contains(&line.product_id)
}

/// What `effect` takes off each line given the lines' current amounts `base`; never more than
/// `base[i]` on any line.
fn effect_amounts(effect: &Effect, lines: &[CartLine], base: &[i64]) -> Vec<i64> {
    let masked = |product_ids: &[Uuid]| -> Vec<i64> {
        lines.iter().zip(base).map(|(line, amount)| if eligible(line, product_ids) { *amount } else { 0 }).collect()
    };
    match effect {
        Effect::PercentOffOrder { bp } => percent_off(base, *bp),
        Effect::PercentOffItems { bp, product_ids } => percent_off(&masked(product_ids), *bp),
        Effect::FixedOffOrder { minor } => allocate(i128::from((*minor).max(0)), base),
        Effect::FixedOffItems { minor, product_ids } => lines
            .iter()
            .zip(base)
            .map(|(line, amount)| {
                if eligible(line, product_ids) {
                    (*minor).max(0).saturating_mul(i64::from(line.quantity)).min(*amount)
                } else {
                    0
                }
            })
            .collect(),
        Effect::BuyXGetY { buy, get, product_ids, get_bp } => {
            buy_x_get_y(lines, base, u64::from(*buy), u64::from(*get), product_ids, *get_bp)
        }
    }
}

/// `bp` of the weights' total, rounded half-to-even once, split by largest remainder.
fn percent_off(weights: &[i64], bp: u32) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    let total = round_half_even(sum * i128::from(bp.min(FULL_BP)), i128::from(FULL_BP));
    allocate(total, weights)
}

/// Splits `total` (capped at the weights' sum) in proportion to `weights` with the
/// largest-remainder method; leftover units go to the largest remainders, ties to the earlier
/// index. No share exceeds its weight, and the shares sum exactly to the capped total.
fn allocate(total: i128, weights: &[i64]) -> Vec<i64> {
    let sum: i128 = weights.iter().map(|w| i128::from(*w)).sum();
    if sum <= 0 || total <= 0 {
        return vec![0; weights.len()];
    }
    let total = total.min(sum);
    let mut shares: Vec<i128> = Vec::with_capacity(weights.len());
    let mut remainders: Vec<i128> = Vec::with_capacity(weights.len());
    for weight in weights {
        let product = total * i128::from(*weight);
        shares.push(product / sum);
        remainders.push(product % sum);
    }
    let leftover = total - shares.iter().sum::<i128>();
    let mut order: Vec<usize> = (0..weights.len()).collect();
    order.sort_by(|a, b| remainders[*b].cmp(&remainders[*a]).then(a.cmp(b)));
    // The leftover is the sum of the fractional parts, so it never exceeds the count of
    // non-zero remainders, and a share with a remainder is strictly below its weight.
    for i in order.into_iter().take(usize::try_from(leftover).unwrap_or(0)) {
        shares[i] += 1;
    }
    shares.into_iter().map(|share| i64::try_from(share).unwrap_or(i64::MAX)).collect()
}

fn buy_x_get_y(lines: &[CartLine], base: &[i64], buy: u64, get: u64, product_ids: &[Uuid], get_bp: u32) -> Vec<i64> {
    let mut amounts = vec![0i64; lines.len()];
    let group = buy + get;
    let bp = i128::from(get_bp.min(FULL_BP));
    if get == 0 || bp == 0 {
        return amounts;
    }
    let mut order: Vec<usize> = (0..lines.len()).filter(|i| eligible(&lines[*i], product_ids)).collect();
    // Stable: equal prices keep cart line order.
    order.sort_by_key(|i| std::cmp::Reverse(lines[*i].unit_price_minor.max(0)));
    let units: u64 = order.iter().map(|i| u64::from(lines[*i].quantity)).sum();
    let complete = units / group * group;
    // Discounted units among the first `n` in sorted order: the last `get` of each complete group.
    let discounted_before = |n: u64| {
        let n = n.min(complete);
        n / group * get + (n % group).saturating_sub(buy)
    };
    let mut position = 0u64;
    for i in order {
        let quantity = u64::from(lines[i].quantity);
        let discounted = discounted_before(position + quantity) - discounted_before(position);
        position += quantity;
        if discounted > 0 {
            let exact = i128::from(base[i]) * i128::from(discounted) * bp;
            let share = round_half_even(exact, i128::from(quantity) * i128::from(FULL_BP));
            amounts[i] = i64::try_from(share).unwrap_or(i64::MAX).min(base[i]);
        }
    }
    amounts
}

/// `numerator / denominator` rounded to the nearest integer, halves to the even one.
/// Both are non-negative and the denominator positive.
fn round_half_even(numerator: i128, denominator: i128) -> i128 {
    let quotient = numerator / denominator;
    let twice_remainder = 2 * (numerator % denominator);
    if twice_remainder > denominator || (twice_remainder == denominator && quotient % 2 == 1) {
        quotient + 1
    } else {
        quotient
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(seconds: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000 + seconds, 0).unwrap()
    }

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn line(n: u128, product: u128, unit_price_minor: i64, quantity: u32) -> CartLine {
        CartLine { key: id(1000 + n), product_id: id(500 + product), unit_price_minor, quantity }
    }

    fn product(n: u128) -> Uuid {
        id(500 + n)
    }

    /// An automatic, non-exclusive, open-ended, unlimited rule that started before `at(0)`.
    fn rule(n: u128, effect: Effect) -> Rule {
        Rule {
            promotion_id: id(n),
            version: 1,
            title: format!("Rule {n}"),
            code: None,
            effect,
            condition: Condition::default(),
            priority: 0,
            exclusive: false,
            starts_at: at(-100),
            ends_at: None,
            usage_limit: None,
            per_customer_limit: None,
        }
    }

    fn coded(n: u128, code: &str, effect: Effect) -> Rule {
        Rule { code: Some(code.to_string()), ..rule(n, effect) }
    }

    fn run(rules: &[Rule], lines: &[CartLine], codes: &[&str]) -> Outcome {
        run_at(rules, lines, codes, &HashMap::new(), at(0))
    }

    fn run_at(
        rules: &[Rule],
        lines: &[CartLine],
        codes: &[&str],
        usage: &HashMap<Uuid, Usage>,
        now: DateTime<Utc>,
    ) -> Outcome {
        let codes: Vec<String> = codes.iter().map(|c| c.to_string()).collect();
        apply(rules, lines, &codes, usage, now)
    }

    fn rejected(outcome: &Outcome) -> Vec<(&str, RejectReason)> {
        outcome.rejected_codes.iter().map(|r| (r.code.as_str(), r.reason)).collect()
    }

    fn per_line(outcome: &Outcome, lines: &[CartLine]) -> Vec<i64> {
        lines.iter().map(|l| outcome.line_discount_total(l.key)).collect()
    }

    fn applied_ids(outcome: &Outcome) -> Vec<Uuid> {
        outcome.applied.iter().map(|a| a.promotion_id).collect()
    }

    fn pct(bp: u32) -> Effect {
        Effect::PercentOffOrder { bp }
    }

    fn fixed(minor: i64) -> Effect {
        Effect::FixedOffOrder { minor }
    }

    fn bxgy(buy: u32, get: u32, get_bp: u32) -> Effect {
        Effect::BuyXGetY { buy, get, product_ids: vec![], get_bp }
    }

    #[test]
    fn percent_off_order_rounds_the_rule_total_half_to_even() {
        // 10% of 125 is 12.5 → 12; of 135 is 13.5 → 14; of 127 is 12.7 → 13.
        for (subtotal, expected) in [(125, 12), (135, 14), (127, 13), (1000, 100)] {
            let outcome = run(&[rule(1, pct(1000))], &[line(1, 1, subtotal, 1)], &[]);
            assert_eq!(outcome.discount_minor, expected, "subtotal {subtotal}");
        }
    }

    #[test]
    fn percent_off_order_rounds_once_for_the_rule_not_per_line() {
        // Three lines of 5 at 10%: 0.5 each would round to 0 each, but the rule's 1.5 rounds to 2.
        let lines = [line(1, 1, 5, 1), line(2, 2, 5, 1), line(3, 3, 5, 1)];
        let outcome = run(&[rule(1, pct(1000))], &lines, &[]);
        assert_eq!(outcome.discount_minor, 2);
        assert_eq!(per_line(&outcome, &lines), vec![1, 1, 0], "ties go to the earlier line");
    }

    #[test]
    fn order_discount_splits_exactly_by_largest_remainder() {
        let lines = [line(1, 1, 100, 1), line(2, 2, 100, 1), line(3, 3, 100, 1)];
        let outcome = run(&[rule(1, fixed(100))], &lines, &[]);
        assert_eq!(per_line(&outcome, &lines), vec![34, 33, 33]);

        // 1000 over 500/300/200 → 500/3 = 166.67, 100, 66.67: the two .67 remainders get the leftover.
        let lines = [line(1, 1, 500, 1), line(2, 2, 300, 1), line(3, 3, 200, 1)];
        let outcome = run(&[rule(1, fixed(500))], &lines, &[]);
        assert_eq!(per_line(&outcome, &lines), vec![250, 150, 100]);
        let outcome = run(&[rule(1, fixed(100))], &[line(1, 1, 700, 1), line(2, 2, 200, 1)], &[]);
        // 77.78 and 22.22 → 78 and 22.
        assert_eq!(outcome.line_discounts.iter().map(|d| d.amount_minor).collect::<Vec<_>>(), vec![78, 22]);
    }

    #[test]
    fn fixed_off_order_is_capped_at_the_cart_total() {
        let lines = [line(1, 1, 300, 1), line(2, 2, 200, 2)];
        let outcome = run(&[rule(1, fixed(5000))], &lines, &[]);
        assert_eq!(outcome.discount_minor, 700);
        assert_eq!(per_line(&outcome, &lines), vec![300, 400]);
    }

    #[test]
    fn percent_off_items_touches_only_listed_products() {
        let lines = [line(1, 1, 1000, 2), line(2, 2, 500, 1)];
        let effect = Effect::PercentOffItems { bp: 2500, product_ids: vec![product(1)] };
        let outcome = run(&[rule(1, effect)], &lines, &[]);
        assert_eq!(per_line(&outcome, &lines), vec![500, 0]);
        assert_eq!(outcome.line_discounts.len(), 1, "untouched lines get no entry");
    }

    #[test]
    fn percent_off_items_with_no_products_listed_covers_every_line() {
        let lines = [line(1, 1, 1000, 1), line(2, 2, 500, 1)];
        let outcome = run(&[rule(1, Effect::PercentOffItems { bp: 1000, product_ids: vec![] })], &lines, &[]);
        assert_eq!(per_line(&outcome, &lines), vec![100, 50]);
    }

    #[test]
    fn fixed_off_items_is_per_unit_and_capped_at_the_line() {
        let lines = [line(1, 1, 1000, 3), line(2, 2, 150, 2), line(3, 3, 999, 1)];
        let effect = Effect::FixedOffItems { minor: 200, product_ids: vec![product(1), product(2)] };
        let outcome = run(&[rule(1, effect)], &lines, &[]);
        assert_eq!(per_line(&outcome, &lines), vec![600, 300, 0]);
        assert_eq!(outcome.applied[0].amount_minor, 900);
    }

    #[test]
    fn buy_two_get_one_free_takes_the_cheapest_unit_of_the_group() {
        let lines = [line(1, 1, 30, 1), line(2, 2, 20, 1), line(3, 3, 10, 1)];
        let outcome = run(&[rule(1, bxgy(2, 1, 10_000))], &lines, &[]);
        assert_eq!(outcome.discount_minor, 10);
        assert_eq!(per_line(&outcome, &lines), vec![0, 0, 10]);
    }

    #[test]
    fn buy_x_get_y_groups_consecutively_from_the_most_expensive() {
        // Cart order is scrambled; sorted 60,50,40 | 30,20,10 → 40 and 10 free.
        let lines = [
            line(1, 1, 10, 1),
            line(2, 2, 40, 1),
            line(3, 3, 60, 1),
            line(4, 4, 20, 1),
            line(5, 5, 50, 1),
            line(6, 6, 30, 1),
        ];
        let outcome = run(&[rule(1, bxgy(2, 1, 10_000))], &lines, &[]);
        assert_eq!(outcome.discount_minor, 50);
        assert_eq!(per_line(&outcome, &lines), vec![10, 40, 0, 0, 0, 0]);
    }

    #[test]
    fn buy_x_get_y_incomplete_group_gets_nothing() {
        // Five units of one product, buy 2 get 1: one complete group, two units left over.
        let lines = [line(1, 1, 100, 5)];
        let outcome = run(&[rule(1, bxgy(2, 1, 10_000))], &lines, &[]);
        assert_eq!(outcome.discount_minor, 100);
        // Two units can't make a group at all.
        let outcome = run(&[coded(1, "B2G1", bxgy(2, 1, 10_000))], &[line(1, 1, 100, 2)], &["b2g1"]);
        assert_eq!(rejected(&outcome), vec![("b2g1", RejectReason::NotApplicable)]);
    }

    #[test]
    fn buy_x_get_y_counts_units_across_quantities_and_ties_go_by_line_order() {
        // Sorted units: 50 50 (line 1), 50 (line 2, after line 1 on the tie), 20 20 20 (line 3).
        // Buy 1 get 1 half price, groups (50 50) (50 20) (20 20): the second unit of each is
        // discounted, one unit of line 1 and two of line 3.
        let lines = [line(1, 1, 50, 2), line(2, 2, 50, 1), line(3, 3, 20, 3)];
        let outcome = run(&[rule(1, bxgy(1, 1, 5_000))], &lines, &[]);
        assert_eq!(per_line(&outcome, &lines), vec![25, 0, 20]);
    }

    #[test]
    fn buy_x_get_y_only_counts_listed_products() {
        let lines = [line(1, 1, 90, 1), line(2, 2, 30, 2), line(3, 3, 5, 1)];
        let effect = Effect::BuyXGetY { buy: 1, get: 1, product_ids: vec![product(2), product(3)], get_bp: 10_000 };
        let outcome = run(&[rule(1, effect)], &lines, &[]);
        // Eligible units 30,30,5: one group (30,30) → 30 off; the 5 is left over.
        assert_eq!(per_line(&outcome, &lines), vec![0, 30, 0]);
    }

    #[test]
    fn buy_x_get_y_after_another_rule_discounts_what_remains_of_the_unit() {
        // 10% off first leaves 27 of 3×10; the free unit is worth a third of that: 9.
        let lines = [line(1, 1, 10, 3)];
        let mut first = rule(1, pct(1000));
        first.priority = 0;
        let mut second = rule(2, bxgy(2, 1, 10_000));
        second.priority = 1;
        let outcome = run(&[second, first], &lines, &[]);
        assert_eq!(outcome.applied.iter().map(|a| a.amount_minor).collect::<Vec<_>>(), vec![3, 9]);
        assert_eq!(outcome.discount_minor, 12);
    }

    #[test]
    fn rules_stack_on_what_earlier_rules_left() {
        let lines = [line(1, 1, 1000, 1)];
        let outcome = run(&[rule(1, pct(1000)), rule(2, pct(1000))], &lines, &[]);
        assert_eq!(outcome.applied.iter().map(|a| a.amount_minor).collect::<Vec<_>>(), vec![100, 90]);
        assert_eq!(outcome.discount_minor, 190);
    }

    #[test]
    fn a_code_with_nothing_left_to_discount_is_not_applicable() {
        let lines = [line(1, 1, 500, 1)];
        let outcome = run(&[rule(1, fixed(500)), coded(2, "MORE", pct(1000))], &lines, &["MORE"]);
        assert_eq!(applied_ids(&outcome), vec![id(1)]);
        assert_eq!(rejected(&outcome), vec![("MORE", RejectReason::NotApplicable)]);
        assert_eq!(outcome.discount_minor, 500);
    }

    #[test]
    fn a_code_for_products_not_in_the_cart_is_not_applicable() {
        let effect = Effect::PercentOffItems { bp: 1000, product_ids: vec![product(9)] };
        let outcome = run(&[coded(1, "SHOES", effect)], &[line(1, 1, 500, 1)], &["shoes"]);
        assert_eq!(rejected(&outcome), vec![("shoes", RejectReason::NotApplicable)]);
        assert!(outcome.applied.is_empty());
        let empty_cart = run(&[coded(1, "TEN", pct(1000))], &[], &["TEN"]);
        assert_eq!(rejected(&empty_cart), vec![("TEN", RejectReason::NotApplicable)]);
    }

    #[test]
    fn window_starts_inclusive_and_ends_exclusive() {
        let lines = [line(1, 1, 1000, 1)];
        let mut timed = coded(1, "SALE", pct(1000));
        timed.starts_at = at(0);
        timed.ends_at = Some(at(60));
        let outcome_at = |rule: &Rule, now| run_at(std::slice::from_ref(rule), &lines, &["SALE"], &HashMap::new(), now);

        assert_eq!(rejected(&outcome_at(&timed, at(-1))), vec![("SALE", RejectReason::NotStarted)]);
        assert_eq!(outcome_at(&timed, at(0)).discount_minor, 100, "applies from the first instant");
        assert_eq!(outcome_at(&timed, at(59)).discount_minor, 100);
        let last = DateTime::from_timestamp(1_800_000_059, 999_999_999).unwrap();
        assert_eq!(outcome_at(&timed, last).discount_minor, 100);
        assert_eq!(
            rejected(&outcome_at(&timed, at(60))),
            vec![("SALE", RejectReason::Expired)],
            "ends_at is exclusive"
        );

        timed.ends_at = None;
        assert_eq!(outcome_at(&timed, at(1_000_000_000)).discount_minor, 100, "no end date never expires");
    }

    #[test]
    fn usage_limits_count_total_and_per_customer_uses() {
        let lines = [line(1, 1, 1000, 1)];
        let mut limited = coded(1, "ONCE", pct(1000));
        limited.usage_limit = Some(100);
        limited.per_customer_limit = Some(1);
        let with = |total_uses, customer_uses| {
            let usage = HashMap::from([(id(1), Usage { total_uses, customer_uses })]);
            run_at(std::slice::from_ref(&limited), &lines, &["ONCE"], &usage, at(0))
        };
        assert_eq!(with(99, 0).discount_minor, 100);
        assert_eq!(rejected(&with(100, 0)), vec![("ONCE", RejectReason::UsageLimitReached)]);
        assert_eq!(rejected(&with(99, 1)), vec![("ONCE", RejectReason::AlreadyUsed)]);
        assert_eq!(rejected(&with(100, 1)), vec![("ONCE", RejectReason::UsageLimitReached)], "total is checked first");
        // Not in the usage map: never used.
        assert_eq!(run(std::slice::from_ref(&limited), &lines, &["ONCE"]).discount_minor, 100);
    }

    #[test]
    fn automatic_rules_respect_limits_and_windows_silently() {
        let lines = [line(1, 1, 1000, 1)];
        let mut used_up = rule(1, pct(1000));
        used_up.usage_limit = Some(0);
        let mut expired = rule(2, pct(1000));
        expired.ends_at = Some(at(0));
        let outcome = run(&[used_up, expired], &lines, &[]);
        assert_eq!(outcome, Outcome::default());
    }

    #[test]
    fn minimum_spend_compares_the_subtotal_before_any_discount() {
        let lines = [line(1, 1, 2500, 2)];
        let mut min_met = coded(2, "FIFTY", pct(1000));
        min_met.condition.min_subtotal_minor = Some(5000);
        min_met.priority = 1;
        // A first rule brings the cart under 50.00; the minimum still looks at the 50.00 subtotal.
        let outcome = run(&[rule(1, fixed(1000)), min_met.clone()], &lines, &["fifty"]);
        assert_eq!(applied_ids(&outcome), vec![id(1), id(2)]);
        assert_eq!(outcome.discount_minor, 1000 + 400);

        let outcome = run(&[min_met], &[line(1, 1, 4999, 1)], &["fifty"]);
        assert_eq!(rejected(&outcome), vec![("fifty", RejectReason::MinimumNotMet { min_minor: 5000 })]);
    }

    #[test]
    fn codes_match_trimmed_and_ignoring_case_and_count_once() {
        let lines = [line(1, 1, 1000, 1)];
        let rules = [coded(1, "Summer24", pct(1000))];
        let outcome = run(&rules, &lines, &["  sUMMER24 ", "SUMMER24", ""]);
        assert_eq!(outcome.applied.len(), 1);
        assert_eq!(outcome.applied[0].code.as_deref(), Some("Summer24"), "the merchant's spelling is recorded");
        assert!(outcome.rejected_codes.is_empty());

        let outcome = run(&rules, &lines, &[" nope ", "NOPE", "summer24"]);
        assert_eq!(rejected(&outcome), vec![("nope", RejectReason::Unknown)]);
    }

    #[test]
    fn coded_rules_apply_only_when_their_code_is_entered() {
        let lines = [line(1, 1, 1000, 1)];
        let outcome = run(&[coded(1, "TEN", pct(1000)), rule(2, fixed(50))], &lines, &[]);
        assert_eq!(applied_ids(&outcome), vec![id(2)]);
        assert!(outcome.rejected_codes.is_empty());
    }

    #[test]
    fn rejected_codes_keep_the_order_they_were_entered() {
        let mut expired = coded(1, "OLD", pct(1000));
        expired.ends_at = Some(at(-1));
        let outcome = run(&[expired], &[line(1, 1, 1000, 1)], &["zzz", "old", "aaa"]);
        assert_eq!(
            rejected(&outcome),
            vec![("zzz", RejectReason::Unknown), ("old", RejectReason::Expired), ("aaa", RejectReason::Unknown)]
        );
    }

    #[test]
    fn an_exclusive_rule_first_in_line_applies_alone() {
        let lines = [line(1, 1, 1000, 1)];
        let mut vip = coded(1, "VIP", pct(3000));
        vip.exclusive = true;
        vip.priority = 0;
        let mut auto = rule(2, pct(1000));
        auto.priority = 1;
        let mut other = coded(3, "TEN", pct(1000));
        other.priority = 2;
        let outcome = run(&[other, auto, vip], &lines, &["ten", "vip"]);
        assert_eq!(applied_ids(&outcome), vec![id(1)]);
        assert_eq!(outcome.discount_minor, 300);
        // The automatic rule is skipped without a message; the other code is told why.
        assert_eq!(rejected(&outcome), vec![("ten", RejectReason::NotCombinable)]);
    }

    #[test]
    fn an_exclusive_rule_after_another_applied_is_not_combinable() {
        let lines = [line(1, 1, 1000, 1)];
        let mut vip = coded(2, "VIP", pct(3000));
        vip.exclusive = true;
        vip.priority = 5;
        let outcome = run(&[rule(1, pct(1000)), vip.clone()], &lines, &["VIP"]);
        assert_eq!(applied_ids(&outcome), vec![id(1)]);
        assert_eq!(rejected(&outcome), vec![("VIP", RejectReason::NotCombinable)]);

        // An exclusive automatic rule after an applied one is skipped silently.
        let mut auto_exclusive = rule(2, pct(3000));
        auto_exclusive.exclusive = true;
        auto_exclusive.priority = 5;
        let outcome = run(&[rule(1, pct(1000)), auto_exclusive], &lines, &[]);
        assert_eq!(applied_ids(&outcome), vec![id(1)]);
        assert!(outcome.rejected_codes.is_empty());
    }

    #[test]
    fn an_exclusive_rule_applies_when_the_rules_before_it_did_not() {
        let lines = [line(1, 1, 1000, 1)];
        let mut expired = rule(1, pct(1000));
        expired.ends_at = Some(at(-1));
        let mut vip = coded(2, "VIP", pct(3000));
        vip.exclusive = true;
        vip.priority = 5;
        let mut later = rule(3, fixed(10));
        later.priority = 9;
        let outcome = run(&[expired, vip, later], &lines, &["VIP"]);
        assert_eq!(applied_ids(&outcome), vec![id(2)]);
        assert_eq!(outcome.discount_minor, 300);
    }

    #[test]
    fn a_code_that_cannot_apply_anyway_reports_that_rather_than_the_exclusive_block() {
        let lines = [line(1, 1, 1000, 1)];
        let mut vip = rule(1, pct(3000));
        vip.exclusive = true;
        let mut expired = coded(2, "OLD", pct(1000));
        expired.ends_at = Some(at(-1));
        let elsewhere = coded(3, "SHOES", Effect::PercentOffItems { bp: 1000, product_ids: vec![product(9)] });
        let outcome = run(&[vip, expired, elsewhere], &lines, &["old", "shoes"]);
        assert_eq!(rejected(&outcome), vec![("old", RejectReason::Expired), ("shoes", RejectReason::NotApplicable)]);
    }

    #[test]
    fn rules_apply_by_priority_then_promotion_id_whatever_the_input_order() {
        let lines = [line(1, 1, 1000, 1)];
        let mut late = rule(1, pct(5000));
        late.priority = 10;
        let early_b = rule(3, fixed(100));
        let early_a = rule(2, fixed(100));
        let forward = run(&[late.clone(), early_b.clone(), early_a.clone()], &lines, &[]);
        let backward = run(&[early_a, early_b, late], &lines, &[]);
        assert_eq!(forward, backward);
        assert_eq!(applied_ids(&forward), vec![id(2), id(3), id(1)]);
        assert_eq!(forward.applied[2].amount_minor, 400, "half of what the fixed discounts left");
    }

    #[test]
    fn line_discounts_record_the_rule_version_for_finance() {
        let lines = [line(1, 1, 1000, 1), line(2, 2, 3000, 1)];
        let mut versioned = coded(7, "TEN", pct(1000));
        versioned.version = 3;
        let outcome = run(&[versioned], &lines, &["TEN"]);
        assert_eq!(
            outcome.line_discounts,
            vec![
                LineDiscount { key: lines[0].key, promotion_id: id(7), version: 3, amount_minor: 100 },
                LineDiscount { key: lines[1].key, promotion_id: id(7), version: 3, amount_minor: 300 },
            ]
        );
        assert_eq!(outcome.applied[0].version, 3);
        assert_eq!(outcome.applied[0].title, "Rule 7");
    }

    #[test]
    fn a_shared_code_is_accepted_if_any_of_its_rules_applies() {
        let lines = [line(1, 1, 1000, 1)];
        let mut expired = coded(1, "DUO", pct(1000));
        expired.ends_at = Some(at(-1));
        let live = coded(2, "duo", fixed(50));
        let outcome = run(&[expired.clone(), live], &lines, &["Duo"]);
        assert_eq!(applied_ids(&outcome), vec![id(2)]);
        assert!(outcome.rejected_codes.is_empty());

        let mut not_started = coded(2, "DUO", fixed(50));
        not_started.starts_at = at(10);
        let outcome = run(&[not_started, expired], &lines, &["duo"]);
        assert_eq!(rejected(&outcome), vec![("duo", RejectReason::Expired)], "the first rule's reason");
    }

    #[test]
    fn malformed_values_never_raise_a_price() {
        let lines = [line(1, 1, 1000, 2), line(2, 2, -500, 1)];
        let outcome = run(&[rule(1, pct(50_000))], &lines, &[]);
        assert_eq!(per_line(&outcome, &lines), vec![2000, 0], "bp over 10000 counts as 100%, negative price as 0");
        let outcome = run(&[coded(1, "NEG", fixed(-100))], &lines, &["NEG"]);
        assert_eq!(rejected(&outcome), vec![("NEG", RejectReason::NotApplicable)]);
        let outcome = run(&[rule(1, bxgy(1, 0, 10_000)), rule(2, bxgy(1, 1, 0))], &lines, &[]);
        assert_eq!(outcome, Outcome::default());
    }

    #[test]
    fn outcome_survives_a_json_round_trip() {
        let lines = [line(1, 1, 1000, 1)];
        let outcome = run(&[rule(1, pct(1000))], &lines, &["nope"]);
        let json = serde_json::to_string(&outcome).unwrap();
        assert_eq!(serde_json::from_str::<Outcome>(&json).unwrap(), outcome);
        let rule = coded(1, "X", bxgy(2, 1, 10_000));
        assert_eq!(serde_json::from_str::<Rule>(&serde_json::to_string(&rule).unwrap()).unwrap(), rule);
    }

    #[test]
    fn reject_messages_read_as_sentences() {
        assert_eq!(RejectReason::Expired.message(Currency::USD), "This code expired.");
        assert_eq!(
            RejectReason::MinimumNotMet { min_minor: 5000 }.message(Currency::USD),
            "Spend $50.00 or more to use this code."
        );
        assert_eq!(
            RejectReason::MinimumNotMet { min_minor: 3000 }.message(Currency::JPY),
            "Spend ¥3,000 or more to use this code."
        );
        for reason in [
            RejectReason::Unknown,
            RejectReason::NotStarted,
            RejectReason::UsageLimitReached,
            RejectReason::AlreadyUsed,
            RejectReason::NotApplicable,
            RejectReason::NotCombinable,
        ] {
            let message = reason.message(Currency::EUR);
            assert!(message.starts_with("This code") || message.starts_with("You "), "{message}");
            assert!(message.ends_with('.'), "{message}");
        }
    }

    #[test]
    fn effects_describe_the_offer() {
        let usd = Currency::USD;
        assert_eq!(pct(2000).describe(usd), "20% off your order");
        assert_eq!(pct(1250).describe(usd), "12.5% off your order");
        assert_eq!(pct(1205).describe(usd), "12.05% off your order");
        assert_eq!(fixed(500).describe(usd), "$5.00 off your order");
        assert_eq!(fixed(500).describe(Currency::KES), "KSh 5.00 off your order");
        assert_eq!(bxgy(2, 1, 10_000).describe(usd), "Buy 2, get 1 free");
        assert_eq!(bxgy(1, 1, 5_000).describe(usd), "Buy 1, get 1 at 50% off");
        let some = vec![product(1)];
        assert_eq!(
            Effect::BuyXGetY { buy: 3, get: 2, product_ids: some.clone(), get_bp: 10_000 }.describe(usd),
            "Buy 3, get 2 free on selected items"
        );
        assert_eq!(
            Effect::PercentOffItems { bp: 1500, product_ids: some.clone() }.describe(usd),
            "15% off selected items"
        );
        assert_eq!(Effect::PercentOffItems { bp: 1500, product_ids: vec![] }.describe(usd), "15% off every item");
        assert_eq!(
            Effect::FixedOffItems { minor: 200, product_ids: some }.describe(Currency::GBP),
            "£2.00 off each selected item"
        );
        assert_eq!(Effect::FixedOffItems { minor: 200, product_ids: vec![] }.describe(usd), "$2.00 off every item");
    }

    #[test]
    fn round_half_even_rounds_halves_to_the_even_neighbour() {
        assert_eq!(round_half_even(5, 10), 0);
        assert_eq!(round_half_even(15, 10), 2);
        assert_eq!(round_half_even(25, 10), 2);
        assert_eq!(round_half_even(26, 10), 3);
        assert_eq!(round_half_even(24, 10), 2);
        assert_eq!(round_half_even(0, 7), 0);
    }

    /// xorshift64*: a fixed-seed generator so the property test is reproducible.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
        }

        fn below(&mut self, n: u64) -> u64 {
            self.next() % n
        }

        fn chance(&mut self, one_in: u64) -> bool {
            self.below(one_in) == 0
        }
    }

    fn random_products(rng: &mut Rng) -> Vec<Uuid> {
        (0..rng.below(3)).map(|_| product(u128::from(rng.below(5)))).collect()
    }

    fn random_effect(rng: &mut Rng) -> Effect {
        match rng.below(5) {
            0 => Effect::PercentOffOrder { bp: rng.below(10_500) as u32 },
            1 => Effect::FixedOffOrder { minor: rng.below(20_000) as i64 - 100 },
            2 => Effect::PercentOffItems { bp: rng.below(10_500) as u32, product_ids: random_products(rng) },
            3 => Effect::FixedOffItems { minor: rng.below(3_000) as i64, product_ids: random_products(rng) },
            _ => Effect::BuyXGetY {
                buy: rng.below(4) as u32,
                get: rng.below(3) as u32,
                product_ids: random_products(rng),
                get_bp: rng.below(10_500) as u32,
            },
        }
    }

    const CODE_POOL: [&str; 4] = ["SAVE", "VIP", "free", "Promo"];

    fn random_rule(rng: &mut Rng, n: u128) -> Rule {
        let mut rule = rule(n, random_effect(rng));
        if rng.chance(2) {
            rule.code = Some(CODE_POOL[rng.below(4) as usize].to_string());
        }
        rule.version = rng.below(4) as i32 + 1;
        rule.priority = rng.below(4) as i32;
        rule.exclusive = rng.chance(4);
        rule.starts_at = at(rng.below(40) as i64 - 30);
        rule.ends_at = rng.chance(3).then(|| at(rng.below(40) as i64 - 10));
        rule.usage_limit = rng.chance(4).then(|| rng.below(5) as i64);
        rule.per_customer_limit = rng.chance(4).then(|| rng.below(3) as i64);
        rule.condition.min_subtotal_minor = rng.chance(3).then(|| rng.below(30_000) as i64);
        rule
    }

    fn random_case(rng: &mut Rng) -> (Vec<Rule>, Vec<CartLine>, Vec<String>, HashMap<Uuid, Usage>) {
        let lines: Vec<CartLine> = (0..rng.below(7))
            .map(|i| {
                let price = if rng.chance(10) { 0 } else { rng.below(10_000) as i64 };
                line(u128::from(i), u128::from(rng.below(5)), price, rng.below(6) as u32)
            })
            .collect();
        let rule_count = rng.below(7);
        let rules: Vec<Rule> = (0..rule_count).map(|n| random_rule(rng, u128::from(n) + 1)).collect();
        let codes: Vec<String> = (0..rng.below(4))
            .map(|_| match rng.below(5) {
                0 => " unknown ".to_string(),
                k => {
                    let code = CODE_POOL[(k - 1) as usize];
                    if rng.chance(2) {
                        format!("  {}", code.to_uppercase())
                    } else {
                        code.to_lowercase()
                    }
                }
            })
            .collect();
        let mut usage: HashMap<Uuid, Usage> = HashMap::new();
        for n in 1..=rule_count {
            if rng.chance(2) {
                let used = Usage { total_uses: rng.below(6) as i64, customer_uses: rng.below(3) as i64 };
                usage.insert(id(u128::from(n)), used);
            }
        }
        (rules, lines, codes, usage)
    }

    #[test]
    fn random_carts_and_rule_sets_keep_every_invariant() {
        let mut rng = Rng(0x5EED_CAFE_F00D_0001);
        let now = at(0);
        // How often the interesting paths ran, so the test can't pass by generating dull cases.
        let (mut stacked, mut exclusive_alone, mut reasons) = (0, 0, Vec::new());
        for case in 0..3000 {
            let (rules, lines, codes, usage) = random_case(&mut rng);
            let outcome = apply(&rules, &lines, &codes, &usage, now);
            stacked += usize::from(outcome.applied.len() >= 2);
            reasons.extend(outcome.rejected_codes.iter().map(|r| std::mem::discriminant(&r.reason)));
            let context = || format!("case {case}: {rules:#?}\n{lines:#?}\n{codes:?}\n{usage:?}\n{outcome:#?}");

            let line_sum: i64 = outcome.line_discounts.iter().map(|d| d.amount_minor).sum();
            let applied_sum: i64 = outcome.applied.iter().map(|a| a.amount_minor).sum();
            assert_eq!(line_sum, outcome.discount_minor, "{}", context());
            assert_eq!(applied_sum, outcome.discount_minor, "{}", context());

            let subtotal: i64 = lines.iter().map(line_amount).sum();
            assert!((0..=subtotal).contains(&outcome.discount_minor), "{}", context());
            for l in &lines {
                assert!(
                    outcome.line_discount_total(l.key) <= l.unit_price_minor * i64::from(l.quantity),
                    "{}",
                    context()
                );
            }
            assert!(outcome.line_discounts.iter().all(|d| d.amount_minor > 0), "{}", context());

            for applied in &outcome.applied {
                assert!(applied.amount_minor > 0, "{}", context());
                let own: i64 = outcome
                    .line_discounts
                    .iter()
                    .filter(|d| d.promotion_id == applied.promotion_id && d.version == applied.version)
                    .map(|d| d.amount_minor)
                    .sum();
                assert_eq!(own, applied.amount_minor, "{}", context());
                let rule = rules.iter().find(|r| r.promotion_id == applied.promotion_id).unwrap();
                assert!(check(rule, &usage, now, subtotal).is_ok(), "{}", context());
                if let Some(code) = &rule.code {
                    assert!(codes.iter().any(|c| c.trim().eq_ignore_ascii_case(code)), "{}", context());
                }
                if rule.exclusive {
                    assert_eq!(outcome.applied.len(), 1, "exclusive rules apply alone: {}", context());
                    exclusive_alone += 1;
                }
            }

            let mut seen: Vec<String> = Vec::new();
            for rejection in &outcome.rejected_codes {
                let key = rejection.code.to_lowercase();
                assert!(!seen.contains(&key), "each code is reported once: {}", context());
                assert!(
                    !outcome.applied.iter().any(|a| a.code.as_deref().is_some_and(|c| c.eq_ignore_ascii_case(&key))),
                    "an accepted code is not also rejected: {}",
                    context()
                );
                seen.push(key);
            }

            assert_eq!(apply(&rules, &lines, &codes, &usage, now), outcome, "deterministic: {}", context());
            let mut reversed = rules.clone();
            reversed.reverse();
            assert_eq!(apply(&reversed, &lines, &codes, &usage, now), outcome, "input order: {}", context());
        }
        assert!(stacked > 100 && exclusive_alone > 100, "stacked {stacked}, exclusive {exclusive_alone}");
        reasons.sort_by_key(|d| format!("{d:?}"));
        reasons.dedup();
        assert_eq!(reasons.len(), 8, "every reject reason occurs");
    }

    #[test]
    fn random_single_order_discounts_split_exactly_and_proportionally() {
        let mut rng = Rng(0xA11_0CA7E);
        for _ in 0..2000 {
            let lines: Vec<CartLine> = (0..rng.below(6) + 1)
                .map(|i| line(u128::from(i), 1, rng.below(100_000) as i64, rng.below(4) as u32 + 1))
                .collect();
            let bp = rng.below(10_001) as u32;
            let outcome = run(&[rule(1, pct(bp))], &lines, &[]);
            let subtotal: i128 = lines.iter().map(|l| i128::from(line_amount(l))).sum();
            let expected = round_half_even(subtotal * i128::from(bp), 10_000) as i64;
            assert_eq!(outcome.discount_minor, expected);
            // Largest remainder: every share is within one minor unit of its exact proportion,
            // |share − expected × amount / subtotal| < 1, kept in integers.
            for l in &lines {
                let share = i128::from(outcome.line_discount_total(l.key));
                let gap = (share * subtotal - i128::from(expected) * i128::from(line_amount(l))).abs();
                assert!(gap < subtotal.max(1), "{lines:?} {bp} {outcome:?}");
            }
        }
    }
}

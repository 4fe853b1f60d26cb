//! Sales attribution: which touch points (and which creators behind them) earn
//! credit for one order line, and how much of the amount actually paid each gets.
//!
//! Pure and deterministic: no I/O, no clock, no randomness, nothing else from the
//! app but tracking's [`Surface`]. Money is integer minor units (`i64`); credits
//! always sum exactly to the amount attributed.
//!
//! # Rules
//!
//! 1. **Eligibility.** A touch is eligible when `at <= purchase_at` and
//!    `purchase_at - at <= window`; the boundary is inclusive (a click exactly
//!    7 days before the purchase counts, one microsecond more does not). Clicks
//!    use the shop's click window, views its view window. If any eligible click
//!    exists only clicks are used, since a click beats a view; otherwise the
//!    eligible views are used. No eligible touch means no credits: the sale is
//!    unattributed.
//! 2. **Order.** Eligible touches are ordered by `(at, id)`, so the result is the
//!    same whatever order the touches arrive in, even with equal timestamps.
//! 3. **Weights**, over the `n` ordered touches:
//!    * last click: everything to the last touch; first click: everything to the first;
//!    * linear: equal shares;
//!    * position-based: `n = 1` gets 100%, `n = 2` 50/50, `n >= 3` 40% to the first,
//!      40% to the last and 20% shared equally by the touches in between;
//!    * time decay: weight `2^(-(purchase_at - at) / half_life)`;
//!    * custom split `{first_bp, last_bp}`: `n = 1` gets 100%; `n = 2` splits in the
//!      ratio `first_bp : last_bp` (renormalised to 100%, or 50/50 if both are 0);
//!      `n >= 3` gives `first_bp` to the first, `last_bp` to the last and shares the
//!      remaining `10000 - first_bp - last_bp` equally among the middle touches
//!      (nothing, if that remainder is 0).
//!
//!    Weights are exact integers, except time decay's, which are computed in `f64`
//!    and rounded to integers before any money is split.
//! 4. **Allocation** uses the largest-remainder method: each touch gets
//!    `floor(amount * w_i / W)`, then the cents left over go one each to the touches
//!    with the largest remainders, ties going to the later touch (the one closer to
//!    the sale; with equal timestamps, the larger id). Each touch's credit is then
//!    split equally among its distinct creators, again by largest remainder, ties
//!    going to the smallest creator id. A touch on a surface without creators
//!    (search, direct) or with no creators yields one organic credit
//!    (`creator_id: None`). Zero credits are omitted. An amount of 0 or less yields
//!    no credits: refunds are handled by attributing the net amount.
//! 5. **Commission** on a credit is `credit * rate_bp / 10000`, rounded half to even
//!    on the exact product.
//!
//! A model that [`Model::validate`] rejects is still attributed without panicking:
//! a time-decay half-life is clamped to 1..=8760 hours and an over-full custom
//! split leaves the middle touches nothing, sharing between first and last in
//! proportion.

use std::cmp::Ordering;
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use thiserror::Error;
use uuid::Uuid;

use crate::attribution::tracking::Surface;

/// Basis points in 100%.
pub const FULL_BP: u32 = 10_000;
/// Longest time-decay half-life a shop may choose: one year.
pub const MAX_HALF_LIFE_HOURS: u32 = 8_760;

/// Why a touch kind or model could not be parsed or is out of range.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AttributionError {
    #[error("unknown touch kind `{0}`")]
    UnknownTouchKind(String),
    #[error("unknown attribution model `{0}`")]
    UnknownModel(String),
    #[error("the {model} model needs its `{param}` setting")]
    MissingParam { model: &'static str, param: &'static str },
    #[error("a custom split of {first_bp} + {last_bp} basis points is more than 100%")]
    SplitOverFull { first_bp: u32, last_bp: u32 },
    #[error("a time-decay half-life must be 1 to 8760 hours, not {0}")]
    HalfLifeOutOfRange(u32),
    #[error("attribution windows cannot be negative")]
    NegativeWindow,
}

/// Whether the shopper clicked through or only saw the product.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TouchKind {
    Click,
    View,
}

impl TouchKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TouchKind::Click => "click",
            TouchKind::View => "view",
        }
    }

    pub fn parse(s: &str) -> Result<TouchKind, AttributionError> {
        match s.trim() {
            "click" => Ok(TouchKind::Click),
            "view" => Ok(TouchKind::View),
            other => Err(AttributionError::UnknownTouchKind(other.to_owned())),
        }
    }
}

impl FromStr for TouchKind {
    type Err = AttributionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        TouchKind::parse(s)
    }
}

/// One moment the shopper met the product before buying it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Touch {
    pub id: Uuid,
    pub post_id: Option<Uuid>,
    /// Empty for organic touches; several for a collaborative post.
    pub creators: Vec<Uuid>,
    pub surface: Surface,
    pub kind: TouchKind,
    pub at: DateTime<Utc>,
}

/// How credit is shared among the eligible touches.
///
/// Serialises as `{"code": "time_decay", "half_life_hours": 168}`; for a database
/// row use [`Model::code`], [`Model::params`] and [`Model::from_code`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum Model {
    LastClick,
    FirstClick,
    Linear,
    /// 40% first, 20% shared by the middle, 40% last.
    PositionBased,
    TimeDecay {
        half_life_hours: u32,
    },
    /// Basis points for the first and the last touch; the middle touches share the rest.
    CustomSplit {
        first_bp: u32,
        last_bp: u32,
    },
}

impl Model {
    pub const DEFAULT_HALF_LIFE_HOURS: u32 = 168;

    /// The models the "compare models" dashboard shows, with default parameters.
    pub const fn all_defaults() -> [Model; 6] {
        [
            Model::LastClick,
            Model::FirstClick,
            Model::Linear,
            Model::PositionBased,
            Model::TimeDecay { half_life_hours: Model::DEFAULT_HALF_LIFE_HOURS },
            Model::CustomSplit { first_bp: 7_000, last_bp: 3_000 },
        ]
    }

    /// A time-decay model, validated.
    pub fn time_decay(half_life_hours: u32) -> Result<Model, AttributionError> {
        let model = Model::TimeDecay { half_life_hours };
        model.validate()?;
        Ok(model)
    }

    /// A custom-split model, validated.
    pub fn custom_split(first_bp: u32, last_bp: u32) -> Result<Model, AttributionError> {
        let model = Model::CustomSplit { first_bp, last_bp };
        model.validate()?;
        Ok(model)
    }

    pub fn validate(&self) -> Result<(), AttributionError> {
        match *self {
            Model::TimeDecay { half_life_hours } if !(1..=MAX_HALF_LIFE_HOURS).contains(&half_life_hours) => {
                Err(AttributionError::HalfLifeOutOfRange(half_life_hours))
            }
            Model::CustomSplit { first_bp, last_bp }
                if u64::from(first_bp) + u64::from(last_bp) > u64::from(FULL_BP) =>
            {
                Err(AttributionError::SplitOverFull { first_bp, last_bp })
            }
            _ => Ok(()),
        }
    }

    /// Stable text stored in the database; the parameters go in [`Model::params`].
    pub fn code(&self) -> &'static str {
        match self {
            Model::LastClick => "last_click",
            Model::FirstClick => "first_click",
            Model::Linear => "linear",
            Model::PositionBased => "position_based",
            Model::TimeDecay { .. } => "time_decay",
            Model::CustomSplit { .. } => "custom_split",
        }
    }

    /// The two numeric parameters stored beside [`Model::code`]:
    /// `(half_life_hours, None)` for time decay, `(first_bp, last_bp)` for a custom
    /// split, `(None, None)` otherwise.
    pub fn params(&self) -> (Option<u32>, Option<u32>) {
        match *self {
            Model::TimeDecay { half_life_hours } => (Some(half_life_hours), None),
            Model::CustomSplit { first_bp, last_bp } => (Some(first_bp), Some(last_bp)),
            _ => (None, None),
        }
    }

    /// The inverse of [`Model::code`] and [`Model::params`], validated. Parameters a
    /// model does not use are ignored.
    pub fn from_code(code: &str, first: Option<u32>, second: Option<u32>) -> Result<Model, AttributionError> {
        let missing = |model, param| AttributionError::MissingParam { model, param };
        match code.trim() {
            "last_click" => Ok(Model::LastClick),
            "first_click" => Ok(Model::FirstClick),
            "linear" => Ok(Model::Linear),
            "position_based" => Ok(Model::PositionBased),
            "time_decay" => Model::time_decay(first.ok_or_else(|| missing("time decay", "half_life_hours"))?),
            "custom_split" => Model::custom_split(
                first.ok_or_else(|| missing("custom split", "first_bp"))?,
                second.ok_or_else(|| missing("custom split", "last_bp"))?,
            ),
            other => Err(AttributionError::UnknownModel(other.to_owned())),
        }
    }

    /// Human-readable name for the UI, e.g. "Position-based (40/20/40)".
    pub fn label(&self) -> String {
        match *self {
            Model::LastClick => "Last click".to_owned(),
            Model::FirstClick => "First click".to_owned(),
            Model::Linear => "Linear".to_owned(),
            Model::PositionBased => "Position-based (40/20/40)".to_owned(),
            Model::TimeDecay { half_life_hours } if half_life_hours > 0 && half_life_hours % 24 == 0 => {
                format!("Time decay ({}-day half-life)", half_life_hours / 24)
            }
            Model::TimeDecay { half_life_hours } => format!("Time decay ({half_life_hours}-hour half-life)"),
            Model::CustomSplit { first_bp, last_bp } => {
                match FULL_BP.checked_sub(first_bp).and_then(|r| r.checked_sub(last_bp)) {
                    Some(middle) if middle > 0 => {
                        format!("Custom split ({}/{}/{})", percent(first_bp), percent(middle), percent(last_bp))
                    }
                    _ => format!("Custom split ({}/{})", percent(first_bp), percent(last_bp)),
                }
            }
        }
    }
}

impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.label())
    }
}

/// Basis points as a percentage without trailing zeros: 7000 → "70", 3333 → "33.33".
fn percent(bp: u32) -> String {
    let (whole, hundredths) = (bp / 100, bp % 100);
    match hundredths {
        0 => whole.to_string(),
        h if h % 10 == 0 => format!("{whole}.{}", h / 10),
        h => format!("{whole}.{h:02}"),
    }
}

/// A shop's attribution settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    #[serde(rename = "click_window_secs", with = "whole_seconds")]
    pub click_window: Duration,
    #[serde(rename = "view_window_secs", with = "whole_seconds")]
    pub view_window: Duration,
    pub model: Model,
}

impl Settings {
    pub fn validate(&self) -> Result<(), AttributionError> {
        if self.click_window < Duration::zero() || self.view_window < Duration::zero() {
            return Err(AttributionError::NegativeWindow);
        }
        self.model.validate()
    }
}

impl Default for Settings {
    /// 7-day click and 1-day view windows with last-click credit, the common ad-platform defaults.
    fn default() -> Self {
        Settings { click_window: Duration::days(7), view_window: Duration::days(1), model: Model::LastClick }
    }
}

/// chrono's `Duration` has no serde support; windows are stored as whole seconds.
mod whole_seconds {
    use chrono::Duration;
    use serde::{de::Error, Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(window: &Duration, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i64(window.num_seconds())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Duration, D::Error> {
        let seconds = i64::deserialize(deserializer)?;
        Duration::try_seconds(seconds).ok_or_else(|| D::Error::custom("attribution window out of range"))
    }
}

/// The share of one order line's amount credited to one touch and one of its
/// creators; `creator_id: None` is the organic, unattributed share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    pub touch_id: Uuid,
    pub post_id: Option<Uuid>,
    pub creator_id: Option<Uuid>,
    pub surface: Surface,
    pub amount_minor: i64,
}

/// The touches that share credit for a purchase at `purchase_at`, in journey
/// order `(at, id)`: eligible clicks if there are any, otherwise eligible views.
pub fn eligible(touches: &[Touch], purchase_at: DateTime<Utc>, settings: &Settings) -> Vec<Touch> {
    let within = |kind: TouchKind, window: Duration| {
        touches
            .iter()
            .filter(move |t| t.kind == kind && t.at <= purchase_at && purchase_at - t.at <= window)
            .cloned()
            .collect::<Vec<_>>()
    };
    let mut chosen = within(TouchKind::Click, settings.click_window);
    if chosen.is_empty() {
        chosen = within(TouchKind::View, settings.view_window);
    }
    chosen.sort_by(journey_order);
    chosen
}

fn journey_order(a: &Touch, b: &Touch) -> Ordering {
    a.at.cmp(&b.at).then_with(|| a.id.cmp(&b.id))
}

/// Credits for one order line of `amount_minor` actually paid, in journey order
/// and, within a touch, by creator id. Sums exactly to `amount_minor` when any
/// touch is eligible; empty when none is or when the amount is not positive.
pub fn attribute(amount_minor: i64, touches: &[Touch], purchase_at: DateTime<Utc>, settings: &Settings) -> Vec<Credit> {
    if amount_minor <= 0 {
        return Vec::new();
    }
    let path = eligible(touches, purchase_at, settings);
    let per_touch = split(amount_minor, &weights(settings.model, &path), Tie::LaterFirst);
    let mut credits = Vec::new();
    for (touch, &touch_amount) in path.iter().zip(&per_touch) {
        let credit = |creator_id, amount_minor| Credit {
            touch_id: touch.id,
            post_id: touch.post_id,
            creator_id,
            surface: touch.surface,
            amount_minor,
        };
        let mut creators = if touch.surface.is_creator_surface() { touch.creators.clone() } else { Vec::new() };
        creators.sort_unstable();
        creators.dedup();
        if creators.is_empty() {
            credits.push(credit(None, touch_amount));
        } else {
            let shares = split(touch_amount, &vec![1; creators.len()], Tie::EarlierFirst);
            credits.extend(creators.iter().zip(shares).map(|(&creator, share)| credit(Some(creator), share)));
        }
    }
    credits.retain(|c| c.amount_minor != 0);
    credits
}

/// Time-decay weights are scaled so the newest touch weighs 2^52: integers with
/// the full precision of an `f64` mantissa, far from overflowing the split.
const TIME_DECAY_SCALE: f64 = 4_503_599_627_370_496.0;
const MICROS_PER_HOUR: f64 = 3_600_000_000.0;

/// Integer weights for `path` (already in journey order) under `model`.
fn weights(model: Model, path: &[Touch]) -> Vec<u128> {
    let n = path.len();
    // Middle touches' count, for giving first and last their share over a common denominator.
    let middles = n.saturating_sub(2) as u128;
    let ends = |first: u128, middle: u128, last: u128| {
        (0..n)
            .map(|i| {
                if i == 0 {
                    first
                } else if i + 1 == n {
                    last
                } else {
                    middle
                }
            })
            .collect::<Vec<_>>()
    };
    match model {
        _ if n <= 1 => vec![1; n],
        Model::LastClick => ends(0, 0, 1),
        Model::FirstClick => ends(1, 0, 0),
        Model::Linear => vec![1; n],
        // 40 : 20/(n-2) : 40, scaled by 5(n-2)/100 to stay integral.
        Model::PositionBased if n == 2 => vec![1, 1],
        Model::PositionBased => ends(2 * middles, 1, 2 * middles),
        Model::CustomSplit { first_bp, last_bp } if n == 2 => vec![u128::from(first_bp), u128::from(last_bp)],
        Model::CustomSplit { first_bp, last_bp } => {
            let rest = FULL_BP.saturating_sub(first_bp).saturating_sub(last_bp);
            ends(u128::from(first_bp) * middles, u128::from(rest), u128::from(last_bp) * middles)
        }
        Model::TimeDecay { half_life_hours } => {
            let half_life_micros = f64::from(half_life_hours.clamp(1, MAX_HALF_LIFE_HOURS)) * MICROS_PER_HOUR;
            // Measuring age from the newest touch rather than the purchase scales every
            // weight by the same factor, so shares are unchanged, but the largest weight
            // is always 2^52 and old touches cannot all underflow to zero together.
            let newest = path.iter().map(|t| t.at).max().unwrap_or_default();
            path.iter()
                .map(|t| {
                    let behind = (newest - t.at).num_microseconds().unwrap_or(i64::MAX) as f64;
                    ((-behind / half_life_micros).exp2() * TIME_DECAY_SCALE).round() as u128
                })
                .collect()
        }
    }
}

/// Which part wins a leftover cent when remainders are equal.
#[derive(Debug, Clone, Copy)]
enum Tie {
    LaterFirst,
    EarlierFirst,
}

/// Splits `amount` in proportion to `weights` by the largest-remainder method:
/// the parts sum exactly to `amount` and each is within one minor unit of its
/// exact share. Leftover units go to the largest remainders, ties to the later
/// index. A negative amount is split as the negation of its magnitude's split.
/// All-zero weights count as equal; empty weights give an empty result. Weights
/// whose sum overflows `u128` are first scaled down by a power of two.
pub fn split_largest_remainder(amount: i64, weights: &[u128]) -> Vec<i64> {
    split(amount, weights, Tie::LaterFirst)
}

fn split(amount: i64, weights: &[u128], tie: Tie) -> Vec<i64> {
    if weights.is_empty() {
        return Vec::new();
    }
    let weights = usable_weights(weights);
    let total: u128 = weights.iter().sum();
    let magnitude = u128::from(amount.unsigned_abs());
    let (mut parts, remainders): (Vec<u128>, Vec<u128>) =
        weights.iter().map(|&w| mul_div_rem(magnitude, w, total)).unzip();
    let leftover = magnitude - parts.iter().sum::<u128>();
    let mut order: Vec<usize> = (0..parts.len()).collect();
    order.sort_by(|&a, &b| {
        remainders[b].cmp(&remainders[a]).then_with(|| match tie {
            Tie::LaterFirst => b.cmp(&a),
            Tie::EarlierFirst => a.cmp(&b),
        })
    });
    // The remainders sum to leftover * total and each is below total, so fewer
    // than `parts.len()` units are left over and each part gets at most one.
    for &i in order.iter().take(usize::try_from(leftover).unwrap_or(usize::MAX)) {
        parts[i] += 1;
    }
    // Every part is at most |amount|, so it and its negation fit in an i64.
    parts.into_iter().map(|p| if amount < 0 { -(p as i128) as i64 } else { p as i64 }).collect()
}

/// Weights with a nonzero total that does not overflow.
fn usable_weights(weights: &[u128]) -> Vec<u128> {
    if weights.iter().all(|&w| w == 0) {
        return vec![1; weights.len()];
    }
    if weights.iter().try_fold(0u128, |sum, &w| sum.checked_add(w)).is_some() {
        return weights.to_vec();
    }
    // Dividing each weight by 2^bits with 2^bits >= n keeps the sum below 2^128.
    let bits = usize::BITS - (weights.len() - 1).leading_zeros();
    weights.iter().map(|&w| w >> bits).collect()
}

/// `(floor(a * w / d), a * w mod d)` for `a < 2^64` and `w <= d`, `d > 0`, exact
/// even when `a * w` overflows `u128`.
fn mul_div_rem(a: u128, w: u128, d: u128) -> (u128, u128) {
    if let Some(product) = a.checked_mul(w) {
        return (product / d, product % d);
    }
    // Long division over the bits of `a`, keeping (quotient, remainder) of
    // prefix(a) * w by d, with remainders added modulo d so nothing overflows.
    let add_mod = |x: u128, y: u128| if x >= d - y { (1, x - (d - y)) } else { (0, x + y) };
    let (w_quotient, w_rem) = (w / d, w % d);
    let (mut quotient, mut rem) = (0u128, 0u128);
    for bit in (0..u128::BITS - a.leading_zeros()).rev() {
        let (carry, doubled) = add_mod(rem, rem);
        quotient = 2 * quotient + carry;
        rem = doubled;
        if (a >> bit) & 1 == 1 {
            let (carry, sum) = add_mod(rem, w_rem);
            quotient += carry + w_quotient;
            rem = sum;
        }
    }
    (quotient, rem)
}

/// Commission on a credit at `rate_bp` basis points, rounded half to even on the
/// exact product; saturates at the `i64` range for absurd rates.
pub fn commission(credit_minor: i64, rate_bp: u32) -> i64 {
    let full = i128::from(FULL_BP);
    let product = i128::from(credit_minor) * i128::from(rate_bp);
    let (quotient, rem) = (product.div_euclid(full), product.rem_euclid(full));
    let rounded = match (2 * rem).cmp(&full) {
        Ordering::Less => quotient,
        Ordering::Greater => quotient + 1,
        Ordering::Equal => quotient + quotient.rem_euclid(2),
    };
    rounded.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn id(n: u128) -> Uuid {
        Uuid::from_u128(n)
    }

    fn purchase() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 14, 12, 0, 0).single().expect("valid purchase time")
    }

    fn touch(n: u128, creators: &[u128], surface: Surface, kind: TouchKind, before: Duration) -> Touch {
        Touch {
            id: id(n),
            post_id: surface.is_creator_surface().then(|| id(1_000 + n)),
            creators: creators.iter().map(|&c| id(c)).collect(),
            surface,
            kind,
            at: purchase() - before,
        }
    }

    fn click(n: u128, creators: &[u128], before: Duration) -> Touch {
        touch(n, creators, Surface::ImageTag, TouchKind::Click, before)
    }

    fn with_model(model: Model) -> Settings {
        Settings { model, ..Settings::default() }
    }

    /// `(touch, creator, amount)` triples, for compact assertions.
    fn summary(credits: &[Credit]) -> Vec<(u128, Option<u128>, i64)> {
        credits.iter().map(|c| (c.touch_id.as_u128(), c.creator_id.map(|u| u.as_u128()), c.amount_minor)).collect()
    }

    fn per_touch(model: Model, n: usize, amount: i64) -> Vec<i64> {
        let touches: Vec<Touch> = (0..n).map(|i| click(i as u128 + 1, &[], Duration::hours(10 - i as i64))).collect();
        attribute(amount, &touches, purchase(), &with_model(model)).iter().map(|c| c.amount_minor).collect()
    }

    fn total(credits: &[Credit]) -> i64 {
        credits.iter().map(|c| c.amount_minor).sum()
    }

    // rand is one of the app's ssr-only dependencies, so the property test runs
    // with the server build (`cargo test -p app -p server`).
    #[cfg(feature = "ssr")]
    #[test]
    fn random_journeys_credit_exactly_the_amount_to_eligible_touches_under_every_model() {
        use rand::rngs::StdRng;
        use rand::{Rng, SeedableRng};

        let mut rng = StdRng::seed_from_u64(0x5f0e_feed);
        let creator_pool: Vec<Uuid> = (1..=5).map(|c| id(c * 100)).collect();
        let ten_days = Duration::days(10).num_seconds();
        let mut attributed = 0;
        for journey in 0..2_000 {
            let purchase_at = purchase();
            let touches: Vec<Touch> = (0..rng.gen_range(0..=8))
                .map(|_| {
                    let creators =
                        (0..rng.gen_range(0..=3)).map(|_| creator_pool[rng.gen_range(0..creator_pool.len())]).collect();
                    // Whole-day offsets now and then, to land exactly on window edges.
                    let offset = if rng.gen_bool(0.2) {
                        Duration::days(rng.gen_range(-10..=10))
                    } else {
                        Duration::seconds(rng.gen_range(-ten_days..=ten_days))
                    };
                    Touch {
                        id: Uuid::from_u128(rng.gen()),
                        post_id: rng.gen_bool(0.7).then(|| Uuid::from_u128(rng.gen())),
                        creators,
                        surface: Surface::ALL[rng.gen_range(0..Surface::ALL.len())],
                        kind: if rng.gen_bool(0.6) { TouchKind::Click } else { TouchKind::View },
                        at: purchase_at + offset,
                    }
                })
                .collect();
            let amount: i64 = rng.gen_range(0..=10_000_000);
            let first_bp = rng.gen_range(0..=FULL_BP);
            let last_bp = rng.gen_range(0..=FULL_BP - first_bp);
            let half_life_hours = rng.gen_range(1..=MAX_HALF_LIFE_HOURS);
            let mut models = Model::all_defaults().to_vec();
            models.push(Model::CustomSplit { first_bp, last_bp });
            models.push(Model::TimeDecay { half_life_hours });

            for model in models {
                let settings = with_model(model);
                let path = eligible(&touches, purchase_at, &settings);
                let has_click = path.iter().any(|t| t.kind == TouchKind::Click);
                for t in &path {
                    let window = if t.kind == TouchKind::Click { settings.click_window } else { settings.view_window };
                    assert!(t.at <= purchase_at && purchase_at - t.at <= window, "journey {journey}: {t:?}");
                    assert!(!has_click || t.kind == TouchKind::Click, "journey {journey}: a view beside a click");
                }
                assert!(path.windows(2).all(|w| journey_order(&w[0], &w[1]) != Ordering::Greater));

                let credits = attribute(amount, &touches, purchase_at, &settings);
                if path.is_empty() || amount == 0 {
                    assert!(credits.is_empty(), "journey {journey} {model:?}: {credits:?}");
                    continue;
                }
                assert_eq!(total(&credits), amount, "journey {journey} {model:?}");
                attributed += 1;
                for c in &credits {
                    assert!(c.amount_minor > 0, "journey {journey} {model:?}: {c:?}");
                    let t = path.iter().find(|t| t.id == c.touch_id).expect("credited touch is eligible");
                    match c.creator_id {
                        Some(creator) => assert!(t.surface.is_creator_surface() && t.creators.contains(&creator)),
                        None => assert!(!t.surface.is_creator_surface() || t.creators.is_empty()),
                    }
                }
                let last = path.last().map(|t| t.id);
                let first = path.first().map(|t| t.id);
                match model {
                    Model::LastClick => assert!(credits.iter().all(|c| Some(c.touch_id) == last)),
                    Model::FirstClick => assert!(credits.iter().all(|c| Some(c.touch_id) == first)),
                    _ => {}
                }
            }
        }
        // Guards against the generator drifting into journeys that never attribute.
        assert!(attributed > 6_000, "only {attributed} of 16,000 checks attributed anything");
    }

    #[test]
    fn largest_remainder_splits_sum_exactly_and_stay_within_one_unit() {
        let cases: [(i64, &[u128]); 6] = [
            (100, &[1, 1, 1]),
            (1, &[1, 1, 1]),
            (10_000_000, &[7, 3, 0, 13]),
            (999_999, &[u128::MAX / 4, u128::MAX / 4, 1]),
            (i64::MAX, &[u128::MAX, u128::MAX, u128::MAX]),
            (-1_001, &[1, 2, 3]),
        ];
        for (amount, weights) in cases {
            let parts = split_largest_remainder(amount, weights);
            assert_eq!(parts.len(), weights.len());
            assert_eq!(parts.iter().map(|&p| i128::from(p)).sum::<i128>(), i128::from(amount), "{amount} {weights:?}");
        }
        assert_eq!(split_largest_remainder(100, &[1, 1, 1]), vec![33, 33, 34]);
        assert_eq!(split_largest_remainder(2, &[1, 1, 1]), vec![0, 1, 1]);
        assert_eq!(split_largest_remainder(-100, &[1, 1, 1]), vec![-33, -33, -34]);
        assert_eq!(split_largest_remainder(i64::MIN, &[1]), vec![i64::MIN]);
    }

    #[test]
    fn largest_remainder_treats_all_zero_weights_as_equal_and_empty_weights_as_nothing() {
        assert_eq!(split_largest_remainder(10, &[0, 0, 0]), vec![3, 3, 4]);
        assert!(split_largest_remainder(10, &[]).is_empty());
    }

    #[test]
    fn wide_multiplication_matches_the_direct_product() {
        let cases = [
            (7u128, 3u128, 10u128),
            (u64::MAX as u128, 12_345, 99_999),
            (1, 5, 5),
            (u64::MAX as u128, 1 << 90, (1 << 90) + 17),
            (10_000_000, u128::MAX / 3, u128::MAX),
        ];
        for (a, w, d) in cases {
            let expected = a.checked_mul(w).map(|p| (p / d, p % d));
            let (q, r) = mul_div_rem(a, w, d);
            if let Some(expected) = expected {
                assert_eq!((q, r), expected);
            }
            assert!(r < d && q <= a);
        }
        // u128::MAX = 3 * (u128::MAX / 3), so 10^7 * (MAX / 3) / MAX is exactly 10^7 / 3.
        assert_eq!(mul_div_rem(10_000_000, u128::MAX / 3, u128::MAX), (3_333_333, u128::MAX / 3));
    }

    #[test]
    fn net_amount_after_a_partial_refund_is_attributed_in_full() {
        let touches = [click(1, &[10], Duration::days(2)), click(2, &[20, 30], Duration::hours(5))];
        let (paid, refunded) = (12_999, 4_000);
        for model in Model::all_defaults() {
            let credits = attribute(paid - refunded, &touches, purchase(), &with_model(model));
            assert_eq!(total(&credits), 8_999, "{model:?}");
        }
    }

    #[test]
    fn full_refund_or_negative_amount_leaves_no_credit() {
        let touches = [click(1, &[10], Duration::days(2))];
        for model in Model::all_defaults() {
            assert!(attribute(5_000 - 5_000, &touches, purchase(), &with_model(model)).is_empty());
            assert!(attribute(-250, &touches, purchase(), &with_model(model)).is_empty());
        }
    }

    #[test]
    fn click_exactly_at_the_click_window_edge_counts() {
        let touches = [click(1, &[10], Duration::days(7))];
        assert_eq!(summary(&attribute(500, &touches, purchase(), &Settings::default())), vec![(1, Some(10), 500)]);
    }

    #[test]
    fn click_one_second_or_one_microsecond_past_the_click_window_does_not_count() {
        for past in [Duration::seconds(1), Duration::microseconds(1)] {
            let touches = [click(1, &[10], Duration::days(7) + past)];
            assert!(eligible(&touches, purchase(), &Settings::default()).is_empty());
            assert!(attribute(500, &touches, purchase(), &Settings::default()).is_empty());
        }
    }

    #[test]
    fn touch_after_the_purchase_does_not_count() {
        let touches = [click(1, &[10], -Duration::seconds(1))];
        assert!(attribute(500, &touches, purchase(), &Settings::default()).is_empty());
    }

    #[test]
    fn view_counts_within_one_day_but_not_beyond() {
        let inside = touch(1, &[10], Surface::ProductCard, TouchKind::View, Duration::days(1));
        let outside = touch(2, &[20], Surface::ProductCard, TouchKind::View, Duration::days(1) + Duration::seconds(1));
        let credits = attribute(800, &[inside, outside.clone()], purchase(), &Settings::default());
        assert_eq!(summary(&credits), vec![(1, Some(10), 800)]);
        assert!(attribute(800, &[outside], purchase(), &Settings::default()).is_empty());
    }

    #[test]
    fn click_beats_a_more_recent_view() {
        let touches = [
            click(1, &[10], Duration::days(3)),
            touch(2, &[20], Surface::ProductCard, TouchKind::View, Duration::minutes(5)),
        ];
        for model in Model::all_defaults() {
            let credits = attribute(1_000, &touches, purchase(), &with_model(model));
            assert_eq!(summary(&credits), vec![(1, Some(10), 1_000)], "{model:?}");
        }
    }

    /// Seed 000: the shopper saw the product tagged in creator X's post A, then
    /// later found it again through search and bought it.
    fn post_then_search() -> [Touch; 2] {
        const X: u128 = 10;
        [click(1, &[X], Duration::days(2)), touch(2, &[], Surface::Search, TouchKind::Click, Duration::hours(3))]
    }

    #[test]
    fn last_click_gives_everything_to_the_search_after_a_creator_post() {
        let credits = attribute(10_000, &post_then_search(), purchase(), &with_model(Model::LastClick));
        assert_eq!(summary(&credits), vec![(2, None, 10_000)]);
        assert_eq!(credits[0].surface, Surface::Search);
        assert_eq!(credits[0].post_id, None);
    }

    #[test]
    fn custom_split_70_30_gives_70_percent_to_the_creator_and_30_percent_unattributed() {
        let settings = with_model(Model::CustomSplit { first_bp: 7_000, last_bp: 3_000 });
        let credits = attribute(10_000, &post_then_search(), purchase(), &settings);
        assert_eq!(summary(&credits), vec![(1, Some(10), 7_000), (2, None, 3_000)]);
        assert_eq!(credits[0].post_id, Some(id(1_001)));
        // 2,599 × 70% = 1,819.3 and × 30% = 779.7: the larger remainder takes the cent.
        let credits = attribute(2_599, &post_then_search(), purchase(), &settings);
        assert_eq!(summary(&credits), vec![(1, Some(10), 1_819), (2, None, 780)]);
    }

    #[test]
    fn first_click_gives_everything_to_the_creator_post() {
        let credits = attribute(10_000, &post_then_search(), purchase(), &with_model(Model::FirstClick));
        assert_eq!(summary(&credits), vec![(1, Some(10), 10_000)]);
    }

    #[test]
    fn creators_on_search_or_direct_touches_are_ignored() {
        let touches = [touch(1, &[10], Surface::Direct, TouchKind::Click, Duration::hours(1))];
        assert_eq!(summary(&attribute(300, &touches, purchase(), &Settings::default())), vec![(1, None, 300)]);
    }

    #[test]
    fn several_creators_in_one_journey_each_get_their_touch_share() {
        let touches = [
            touch(1, &[10], Surface::ImageTag, TouchKind::Click, Duration::days(3)),
            touch(2, &[20], Surface::ProductCard, TouchKind::Click, Duration::days(2)),
            touch(3, &[30], Surface::CommentMention, TouchKind::Click, Duration::days(1)),
        ];
        let credits = attribute(1_000, &touches, purchase(), &with_model(Model::Linear));
        // The leftover cent goes to the touch closest to the sale.
        assert_eq!(summary(&credits), vec![(1, Some(10), 333), (2, Some(20), 333), (3, Some(30), 334)]);
    }

    #[test]
    fn collaborative_post_splits_1000_cents_334_333_333_with_the_smallest_creator_id_first() {
        let touches = [click(1, &[30, 10, 20], Duration::hours(2))];
        let credits = attribute(1_000, &touches, purchase(), &Settings::default());
        assert_eq!(summary(&credits), vec![(1, Some(10), 334), (1, Some(20), 333), (1, Some(30), 333)]);
    }

    #[test]
    fn duplicate_creators_on_a_touch_are_credited_once() {
        let touches = [click(1, &[20, 10, 20], Duration::hours(2))];
        let credits = attribute(1_001, &touches, purchase(), &Settings::default());
        assert_eq!(summary(&credits), vec![(1, Some(10), 501), (1, Some(20), 500)]);
    }

    #[test]
    fn shares_too_small_for_a_cent_are_omitted() {
        let touches = [click(1, &[10, 20, 30], Duration::hours(2))];
        let credits = attribute(1, &touches, purchase(), &Settings::default());
        assert_eq!(summary(&credits), vec![(1, Some(10), 1)]);
    }

    #[test]
    fn position_based_on_10000_cents_for_1_2_3_and_5_touches() {
        assert_eq!(per_touch(Model::PositionBased, 1, 10_000), vec![10_000]);
        assert_eq!(per_touch(Model::PositionBased, 2, 10_000), vec![5_000, 5_000]);
        assert_eq!(per_touch(Model::PositionBased, 3, 10_000), vec![4_000, 2_000, 4_000]);
        // 2,000 / 3 = 666.67 each: equal remainders, so the later middles get the cents.
        assert_eq!(per_touch(Model::PositionBased, 5, 10_000), vec![4_000, 666, 667, 667, 4_000]);
    }

    #[test]
    fn custom_split_renormalises_two_touches_and_shares_the_rest_among_middles() {
        let split = Model::CustomSplit { first_bp: 3_000, last_bp: 1_000 };
        assert_eq!(per_touch(split, 1, 10_000), vec![10_000]);
        assert_eq!(per_touch(split, 2, 10_000), vec![7_500, 2_500]);
        assert_eq!(per_touch(split, 4, 10_000), vec![3_000, 3_000, 3_000, 1_000]);
        assert_eq!(per_touch(Model::CustomSplit { first_bp: 7_000, last_bp: 3_000 }, 4, 10_000), vec![7_000, 3_000]);
        assert_eq!(per_touch(Model::CustomSplit { first_bp: 0, last_bp: 0 }, 2, 10_000), vec![5_000, 5_000]);
    }

    #[test]
    fn linear_last_and_first_click_over_several_touches() {
        assert_eq!(per_touch(Model::Linear, 4, 10_000), vec![2_500; 4]);
        assert_eq!(per_touch(Model::LastClick, 4, 10_000), vec![10_000]);
        assert_eq!(per_touch(Model::FirstClick, 4, 10_000), vec![10_000]);
    }

    #[test]
    fn time_decay_gives_more_to_the_more_recent_touch() {
        let touches = [click(1, &[10], Duration::hours(168)), click(2, &[20], Duration::zero())];
        let settings = with_model(Model::TimeDecay { half_life_hours: 168 });
        // One half-life apart: weights 1 : 2, so 3,333.33 and 6,666.67.
        let credits = attribute(10_000, &touches, purchase(), &settings);
        assert_eq!(summary(&credits), vec![(1, Some(10), 3_333), (2, Some(20), 6_667)]);

        let shares = per_touch(Model::TimeDecay { half_life_hours: 24 }, 4, 1_000_000);
        assert!(shares.windows(2).all(|w| w[0] < w[1]), "{shares:?}");
    }

    #[test]
    fn time_decay_with_touches_many_half_lives_apart_still_credits_the_newest() {
        let touches = [click(1, &[10], Duration::days(6)), click(2, &[20], Duration::zero())];
        let credits = attribute(10_000, &touches, purchase(), &with_model(Model::TimeDecay { half_life_hours: 1 }));
        assert_eq!(summary(&credits), vec![(2, Some(20), 10_000)]);
    }

    #[test]
    fn equal_timestamps_give_the_same_result_whatever_the_input_order() {
        let a = click(7, &[10], Duration::hours(1));
        let b = click(3, &[20], Duration::hours(1));
        let c = click(5, &[30], Duration::hours(1));
        let settings = with_model(Model::Linear);
        let forward = attribute(1_001, &[a.clone(), b.clone(), c.clone()], purchase(), &settings);
        let backward = attribute(1_001, &[c.clone(), a.clone(), b.clone()], purchase(), &settings);
        assert_eq!(forward, backward);
        // Ordered by id; the larger id counts as later and takes the leftover cents.
        assert_eq!(summary(&forward), vec![(3, Some(20), 333), (5, Some(30), 334), (7, Some(10), 334)]);
        let path: Vec<u128> = eligible(&[a, b, c], purchase(), &settings).iter().map(|t| t.id.as_u128()).collect();
        assert_eq!(path, vec![3, 5, 7]);
    }

    #[test]
    fn commission_rounds_half_to_even_on_the_exact_product() {
        // 1,005 × 10% = 100.5 → 100 (even); 1,015 × 10% = 101.5 → 102 (even).
        assert_eq!(commission(1_005, 1_000), 100);
        assert_eq!(commission(1_015, 1_000), 102);
        assert_eq!(commission(1_006, 1_000), 101);
        assert_eq!(commission(1_004, 1_000), 100);
        assert_eq!(commission(-1_005, 1_000), -100);
        assert_eq!(commission(-1_015, 1_000), -102);
        assert_eq!(commission(12_345, 0), 0);
        assert_eq!(commission(12_345, FULL_BP), 12_345);
        assert_eq!(commission(333, 1_250), 42);
        assert_eq!(commission(i64::MAX, u32::MAX), i64::MAX);
    }

    #[test]
    fn touch_kinds_round_trip_through_text() {
        for kind in [TouchKind::Click, TouchKind::View] {
            assert_eq!(TouchKind::parse(kind.as_str()), Ok(kind));
        }
        assert!(TouchKind::parse("hover").is_err());
    }

    #[test]
    fn models_round_trip_through_code_and_params() {
        for model in Model::all_defaults() {
            let (first, second) = model.params();
            assert_eq!(Model::from_code(model.code(), first, second), Ok(model));
            let json = serde_json::to_string(&model).expect("serialise model");
            assert_eq!(serde_json::from_str::<Model>(&json).expect("deserialise model"), model);
        }
        assert_eq!(
            serde_json::to_string(&Model::TimeDecay { half_life_hours: 168 }).expect("serialise model"),
            r#"{"code":"time_decay","half_life_hours":168}"#
        );
        assert_eq!(
            Model::from_code("time_decay", None, None),
            Err(AttributionError::MissingParam { model: "time decay", param: "half_life_hours" })
        );
        assert_eq!(Model::from_code("u_shaped", None, None), Err(AttributionError::UnknownModel("u_shaped".into())));
    }

    #[test]
    fn model_validation_rejects_over_full_splits_and_out_of_range_half_lives() {
        assert_eq!(Model::custom_split(7_000, 3_000), Ok(Model::CustomSplit { first_bp: 7_000, last_bp: 3_000 }));
        assert_eq!(
            Model::custom_split(7_000, 3_001),
            Err(AttributionError::SplitOverFull { first_bp: 7_000, last_bp: 3_001 })
        );
        assert!(Model::custom_split(u32::MAX, u32::MAX).is_err());
        assert!(Model::time_decay(1).is_ok() && Model::time_decay(MAX_HALF_LIFE_HOURS).is_ok());
        assert_eq!(Model::time_decay(0), Err(AttributionError::HalfLifeOutOfRange(0)));
        assert_eq!(Model::time_decay(8_761), Err(AttributionError::HalfLifeOutOfRange(8_761)));
        assert!(Model::all_defaults().iter().all(|m| m.validate().is_ok()));
    }

    #[test]
    fn invalid_models_still_attribute_the_whole_amount() {
        let over_full = Model::CustomSplit { first_bp: 9_000, last_bp: 3_000 };
        assert_eq!(per_touch(over_full, 3, 1_200), vec![900, 300]);
        assert_eq!(per_touch(Model::TimeDecay { half_life_hours: 0 }, 3, 1_200).iter().sum::<i64>(), 1_200);
    }

    #[test]
    fn model_labels_read_naturally() {
        let labels: Vec<String> = Model::all_defaults().iter().map(Model::label).collect();
        assert_eq!(
            labels,
            [
                "Last click",
                "First click",
                "Linear",
                "Position-based (40/20/40)",
                "Time decay (7-day half-life)",
                "Custom split (70/30)"
            ]
        );
        assert_eq!(Model::TimeDecay { half_life_hours: 36 }.label(), "Time decay (36-hour half-life)");
        assert_eq!(Model::CustomSplit { first_bp: 3_333, last_bp: 3_350 }.label(), "Custom split (33.33/33.17/33.5)");
        assert_eq!(Model::PositionBased.to_string(), "Position-based (40/20/40)");
    }

    #[test]
    fn default_settings_are_a_7_day_click_and_1_day_view_window_with_last_click() {
        let settings = Settings::default();
        assert_eq!(settings.click_window, Duration::days(7));
        assert_eq!(settings.view_window, Duration::days(1));
        assert_eq!(settings.model, Model::LastClick);
        assert_eq!(settings.validate(), Ok(()));
        let json = serde_json::to_string(&settings).expect("serialise settings");
        assert_eq!(json, r#"{"click_window_secs":604800,"view_window_secs":86400,"model":{"code":"last_click"}}"#);
        assert_eq!(serde_json::from_str::<Settings>(&json).expect("deserialise settings"), settings);
        let negative = Settings { view_window: -Duration::seconds(1), ..settings };
        assert_eq!(negative.validate(), Err(AttributionError::NegativeWindow));
    }
}

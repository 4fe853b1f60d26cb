//! Crediting's pure rules: how far back a journey reaches, what a line earns
//! credit on, and which models' credits are kept.

use chrono::Duration;

use super::engine::Model;

/// The longest window any setting may use: journeys are kept this far back
/// so that widening a window later still finds the touches.
pub const MAX_WINDOW: Duration = Duration::days(90);
/// The return window after delivery before a commission becomes payable.
pub const RETURN_WINDOW: Duration = Duration::days(14);

/// The key credits are stored under for `model` (code plus parameters).
pub fn model_key(model: &Model) -> String {
    match model.params() {
        (Some(a), Some(b)) => format!("{}:{a}:{b}", model.code()),
        (Some(a), None) => format!("{}:{a}", model.code()),
        _ => model.code().to_string(),
    }
}

/// The models whose credits are kept for every line: the comparison's
/// defaults and the shop's own.
pub fn models_kept(active: &Model) -> Vec<Model> {
    let mut models: Vec<Model> = Model::all_defaults().to_vec();
    if !models.contains(active) {
        models.push(*active);
    }
    models
}

/// The rule for the amount a line's credits sum to: the line's total
/// after discounts, without its tax, reduced in proportion to what was
/// refunded. A full refund leaves nothing.
pub fn attributable(total: i64, tax: i64, refunded: i64) -> i64 {
    if total <= 0 {
        return 0;
    }
    let kept = (total - refunded).max(0);
    ((kept as i128 * (total - tax).max(0) as i128) / total as i128) as i64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn attributable_is_net_of_tax_and_refunds() {
        // $100 line with $8 sales tax on top: $100 of credit.
        assert_eq!(attributable(10_800, 800, 0), 10_000);
        // VAT already in the price: $120 with $20 VAT inside.
        assert_eq!(attributable(12_000, 2_000, 0), 10_000);
        // Half refunded: half the credit.
        assert_eq!(attributable(10_800, 800, 5_400), 5_000);
        assert_eq!(attributable(10_800, 800, 10_800), 0, "a full refund leaves nothing");
        assert_eq!(attributable(0, 0, 0), 0);
    }

    #[test]
    fn model_keys_name_their_parameters() {
        assert_eq!(model_key(&Model::LastClick), "last_click");
        assert_eq!(model_key(&Model::CustomSplit { first_bp: 7000, last_bp: 3000 }), "custom_split:7000:3000");
        assert_eq!(model_key(&Model::TimeDecay { half_life_hours: 168 }), "time_decay:168");
        let custom = Model::CustomSplit { first_bp: 6000, last_bp: 4000 };
        assert_eq!(models_kept(&custom).len(), Model::all_defaults().len() + 1);
        assert_eq!(models_kept(&Model::Linear).len(), Model::all_defaults().len());
    }
}

//! Crediting's pure rules: how far back a journey reaches, what a line earns
//! credit on, which models' credits are kept, and when a line's own signed
//! token is a touch of record.

use chrono::{DateTime, Duration, Utc};

use super::engine::{Model, Touch, TouchKind};
use crate::attribution::tracking::token::Context;

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

/// The server that rendered a link and the one that recorded its tap may
/// disagree a little about the time: a tap recorded this much before the
/// token's time can still be its tap.
pub const TOKEN_CLOCK_SLACK: Duration = Duration::seconds(1);

/// Whether a line's own token adds a touch to the journey `recorded` from
/// the shopper's events: the cart line keeps the token of the tag or card
/// the product was reached through, so when that tap's event was shed under
/// load (or lost) the token still credits the post.
///
/// The rule against counting one tap twice: the token's tap happened after
/// the link was rendered, so a recorded click on the same post and surface
/// at or after `rendered_at` (less [`TOKEN_CLOCK_SLACK`]) is that tap, or a
/// later one through the same post, and the post is in the journey already.
/// A click on it before `rendered_at` is an earlier tap, not this one: a
/// token cannot be tapped before it exists. A token rendered after the
/// purchase or more than [`MAX_WINDOW`] before it is no touch either.
pub fn token_adds_touch(token: &Context, recorded: &[Touch], purchase_at: DateTime<Utc>) -> bool {
    if token.rendered_at > purchase_at || purchase_at - token.rendered_at > MAX_WINDOW {
        return false;
    }
    !recorded.iter().any(|t| {
        t.kind == TouchKind::Click
            && t.post_id == Some(token.post_id)
            && t.surface == token.surface
            && t.at >= token.rendered_at - TOKEN_CLOCK_SLACK
    })
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;
    use crate::attribution::tracking::Surface;

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

    fn purchase() -> DateTime<Utc> {
        DateTime::from_timestamp(1_790_000_000, 0).unwrap()
    }

    fn token(post: Uuid, rendered_before: Duration) -> Context {
        Context {
            post_id: post,
            creators: vec![Uuid::from_u128(10)],
            surface: Surface::ImageTag,
            rendered_at: purchase() - rendered_before,
        }
    }

    fn recorded(post: Uuid, surface: Surface, kind: TouchKind, before: Duration) -> Touch {
        Touch {
            id: Uuid::new_v4(),
            post_id: Some(post),
            creators: vec![Uuid::from_u128(10)],
            surface,
            kind,
            at: purchase() - before,
        }
    }

    #[test]
    fn a_token_whose_tap_was_not_recorded_is_a_touch() {
        let post = Uuid::new_v4();
        let t = token(post, Duration::hours(2));
        assert!(token_adds_touch(&t, &[], purchase()));
        // Another post's tap, or a view of this one, is not this tap.
        let others = [
            recorded(Uuid::new_v4(), Surface::ImageTag, TouchKind::Click, Duration::hours(1)),
            recorded(post, Surface::ImageTag, TouchKind::View, Duration::hours(1)),
        ];
        assert!(token_adds_touch(&t, &others, purchase()));
    }

    #[test]
    fn a_token_and_its_recorded_tap_count_once() {
        let post = Uuid::new_v4();
        let t = token(post, Duration::hours(2));
        let tap = recorded(post, Surface::ImageTag, TouchKind::Click, Duration::hours(2) - Duration::seconds(30));
        assert!(!token_adds_touch(&t, &[tap], purchase()));
        // Recorded by a server whose clock is a little behind the renderer's.
        let skewed =
            recorded(post, Surface::ImageTag, TouchKind::Click, Duration::hours(2) + Duration::milliseconds(400));
        assert!(!token_adds_touch(&t, &[skewed], purchase()));
        // A later tap through the same post already credits it.
        let later = recorded(post, Surface::ImageTag, TouchKind::Click, Duration::minutes(5));
        assert!(!token_adds_touch(&t, &[later], purchase()));
    }

    #[test]
    fn an_earlier_tap_or_another_surface_is_another_touch() {
        let post = Uuid::new_v4();
        let t = token(post, Duration::hours(2));
        let before = recorded(post, Surface::ImageTag, TouchKind::Click, Duration::days(1));
        assert!(token_adds_touch(&t, &[before], purchase()), "tapped yesterday, and again through this token");
        let card = recorded(post, Surface::ProductCard, TouchKind::Click, Duration::hours(1));
        assert!(token_adds_touch(&t, &[card], purchase()), "the post's product card is another link");
    }

    #[test]
    fn a_token_from_after_the_purchase_or_beyond_the_journey_is_no_touch() {
        let post = Uuid::new_v4();
        assert!(!token_adds_touch(&token(post, -Duration::seconds(1)), &[], purchase()));
        assert!(token_adds_touch(&token(post, MAX_WINDOW), &[], purchase()));
        assert!(!token_adds_touch(&token(post, MAX_WINDOW + Duration::seconds(1)), &[], purchase()));
    }
}

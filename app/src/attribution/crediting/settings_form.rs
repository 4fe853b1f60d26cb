//! Parsing the shop's attribution settings from their form into domain
//! values, with messages naming the field.

use chrono::Duration;

use super::engine::{Model, Settings, FULL_BP};
use crate::error::AppError;

/// The widest click window a shop may set, in days (tracking keeps a
/// token's signing key verifiable this long).
pub const MAX_CLICK_DAYS: u32 = crate::attribution::tracking::LONGEST_CLICK_DAYS;
/// The widest view window, in hours.
pub const MAX_VIEW_HOURS: u32 = 30 * 24;

fn whole(field: &str, raw: &str, range: std::ops::RangeInclusive<u32>, what: &str) -> Result<u32, AppError> {
    raw.trim()
        .parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| AppError::validation(field, format!("Enter {what} from {} to {}.", range.start(), range.end())))
}

/// Builds settings from the form's fields. Fields a model does not use may
/// be empty.
pub fn parse(
    click_window_days: &str,
    view_window_hours: &str,
    model: &str,
    half_life_hours: &str,
    first_pct: &str,
    last_pct: &str,
) -> Result<Settings, AppError> {
    let click = whole("click_window_days", click_window_days, 1..=MAX_CLICK_DAYS, "a number of days")?;
    let view = whole("view_window_hours", view_window_hours, 0..=MAX_VIEW_HOURS, "a number of hours")?;
    let model = match model.trim() {
        "time_decay" => Model::TimeDecay {
            half_life_hours: whole(
                "half_life_hours",
                half_life_hours,
                1..=super::engine::MAX_HALF_LIFE_HOURS,
                "a half-life in hours",
            )?,
        },
        "custom_split" => {
            let first = whole("first_pct", first_pct, 0..=100, "a percentage")?;
            let last = whole("last_pct", last_pct, 0..=100, "a percentage")?;
            if first + last > 100 {
                return Err(AppError::validation("last_pct", "First and last together can't be more than 100%."));
            }
            Model::CustomSplit { first_bp: first * FULL_BP / 100, last_bp: last * FULL_BP / 100 }
        }
        code => Model::from_code(code, None, None)
            .map_err(|_| AppError::validation("model", "Choose one of the attribution models."))?,
    };
    Ok(Settings { click_window: Duration::days(click.into()), view_window: Duration::hours(view.into()), model })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_custom_split_is_read_in_percent() {
        let s = parse("7", "24", "custom_split", "", "70", "30").unwrap();
        assert_eq!(s.model, Model::CustomSplit { first_bp: 7000, last_bp: 3000 });
        assert_eq!(s.click_window, Duration::days(7));
        assert_eq!(s.view_window, Duration::hours(24));
        assert_eq!(parse("7", "24", "custom_split", "", "70", "40").unwrap_err().field(), Some("last_pct"));
    }

    #[test]
    fn each_field_is_checked() {
        assert_eq!(parse("0", "24", "last_click", "", "", "").unwrap_err().field(), Some("click_window_days"));
        assert_eq!(parse("7", "9999", "last_click", "", "", "").unwrap_err().field(), Some("view_window_hours"));
        assert_eq!(parse("7", "24", "magic", "", "", "").unwrap_err().field(), Some("model"));
        assert_eq!(parse("7", "24", "time_decay", "0", "", "").unwrap_err().field(), Some("half_life_hours"));
        assert_eq!(
            parse("7", "24", "time_decay", "48", "", "").unwrap().model,
            Model::TimeDecay { half_life_hours: 48 }
        );
        assert_eq!(parse(" 30 ", "0", "linear", "", "", "").unwrap().model, Model::Linear);
    }
}

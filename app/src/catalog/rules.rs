//! Catalog rules that need no database: option lists, the variant grid they
//! generate, and default SKUs. Shared with the browser.

use crate::error::AppError;

pub const MAX_OPTIONS: usize = 3;
pub const MAX_VALUES_PER_OPTION: usize = 20;
pub const MAX_VARIANTS: usize = 100;
pub const TITLE_MAX: usize = 140;
pub const DESCRIPTION_MAX: usize = 5000;
/// Images in one product's gallery.
pub const MAX_IMAGES: usize = 10;
/// The gallery upload's `images` field (the room left is checked after).
pub const GALLERY_IMAGES: crate::media::ImageLimits =
    crate::media::ImageLimits::post_images("images", MAX_IMAGES).required();

/// One product option ("Size") and its values in order ("S", "M", "L").
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct OptionSpec {
    pub name: String,
    pub values: Vec<String>,
}

/// Parses up to three (name, comma-separated values) pairs from the product
/// form. Blank pairs are skipped; a name without values (or the reverse), a
/// repeated name or value, or too many variants is an error on that field.
pub fn parse_options(pairs: &[(&str, &str)]) -> Result<Vec<OptionSpec>, AppError> {
    let mut options: Vec<OptionSpec> = Vec::new();
    for (i, (name, values)) in pairs.iter().enumerate().take(MAX_OPTIONS) {
        let field_name = format!("option{}_name", i + 1);
        let field_values = format!("option{}_values", i + 1);
        let name = name.trim();
        let values: Vec<String> = values.split(',').map(|v| v.trim().to_string()).filter(|v| !v.is_empty()).collect();
        if name.is_empty() && values.is_empty() {
            continue;
        }
        if name.is_empty() {
            return Err(AppError::validation(&field_name, "Name this option (for example Size)."));
        }
        if values.is_empty() {
            return Err(AppError::validation(
                &field_values,
                format!("List the values of {name}, separated by commas."),
            ));
        }
        if name.chars().count() > 40 || values.iter().any(|v| v.chars().count() > 40) {
            return Err(AppError::validation(&field_values, "Option names and values are at most 40 characters."));
        }
        if values.len() > MAX_VALUES_PER_OPTION {
            return Err(AppError::validation(
                &field_values,
                format!("An option has at most {MAX_VALUES_PER_OPTION} values."),
            ));
        }
        let mut seen: Vec<String> = Vec::new();
        for v in &values {
            let key = v.to_lowercase();
            if seen.contains(&key) {
                return Err(AppError::validation(&field_values, format!("{v} is listed twice.")));
            }
            seen.push(key);
        }
        if options.iter().any(|o| o.name.eq_ignore_ascii_case(name)) {
            return Err(AppError::validation(&field_name, format!("There is already an option called {name}.")));
        }
        options.push(OptionSpec { name: name.to_string(), values });
    }
    let count: usize = options.iter().map(|o| o.values.len()).product();
    if count > MAX_VARIANTS {
        return Err(AppError::validation(
            "option1_values",
            format!("These options make {count} variants; the limit is {MAX_VARIANTS}."),
        ));
    }
    Ok(options)
}

/// Every combination of one value per option, as value indexes, in the order
/// a shopper reads them (the first option changes slowest). No options gives
/// one empty combination: the product's single default variant.
pub fn combinations(options: &[OptionSpec]) -> Vec<Vec<usize>> {
    options.iter().fold(vec![Vec::new()], |acc, option| {
        acc.into_iter()
            .flat_map(|prefix| {
                (0..option.values.len()).map(move |i| {
                    let mut next = prefix.clone();
                    next.push(i);
                    next
                })
            })
            .collect()
    })
}

/// "M / Red", or "Default" for a product without options.
pub fn variant_title(values: &[&str]) -> String {
    if values.is_empty() {
        "Default".to_string()
    } else {
        values.join(" / ")
    }
}

/// A readable default SKU: the title's first letters and the values, e.g.
/// "KITENGE-JACKE-M-RED". Merchants can change it.
pub fn default_sku(title: &str, values: &[&str]) -> String {
    let clean = |s: &str, max: usize| -> String {
        let mut out = String::new();
        for c in s.chars() {
            if c.is_ascii_alphanumeric() {
                out.push(c.to_ascii_uppercase());
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
            if out.len() >= max {
                break;
            }
        }
        out.trim_end_matches('-').to_string()
    };
    let mut parts = vec![clean(title, 14)];
    parts.extend(values.iter().map(|v| clean(v, 10)));
    let sku = parts.into_iter().filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    if sku.is_empty() {
        "SKU".to_string()
    } else {
        sku.chars().take(64).collect()
    }
}

/// A compare-at ("was") price only makes sense above the price.
pub fn check_compare_at(price_minor: i64, compare_at_minor: Option<i64>) -> Result<(), AppError> {
    if compare_at_minor.is_some_and(|c| c <= price_minor) {
        return Err(AppError::validation("compare_at", "The compare-at price must be higher than the price."));
    }
    Ok(())
}

/// A gallery holding `existing` images has room for `adding` more.
pub fn check_gallery_room(existing: usize, adding: usize) -> Result<(), AppError> {
    if adding == 0 {
        return Err(AppError::validation("images", "Choose an image to upload."));
    }
    if existing + adding > MAX_IMAGES {
        let room = MAX_IMAGES.saturating_sub(existing);
        return Err(AppError::validation(
            "images",
            match room {
                0 => format!("This product already has {MAX_IMAGES} images. Remove one first."),
                1 => format!("A product can have {MAX_IMAGES} images: there is room for 1 more."),
                _ => format!("A product can have {MAX_IMAGES} images: there is room for {room} more."),
            },
        ));
    }
    Ok(())
}

/// A SKU as merchants may write it: 1–64 of letters, digits, `.`, `_`, `-`.
pub fn parse_sku(raw: &str) -> Result<String, AppError> {
    let sku = raw.trim();
    if sku.is_empty() || sku.len() > 64 || !sku.bytes().all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b)) {
        return Err(AppError::validation("sku", "SKUs are 1–64 letters, digits, dots, dashes or underscores."));
    }
    Ok(sku.to_string())
}

/// Stock on hand typed by a merchant: a whole number from 0 to 1,000,000.
pub fn parse_stock(raw: &str) -> Result<i32, AppError> {
    raw.trim()
        .parse::<i32>()
        .ok()
        .filter(|n| (0..=1_000_000).contains(n))
        .ok_or_else(|| AppError::validation("stock", "Stock is a whole number from 0 to 1,000,000."))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Vec<OptionSpec> {
        parse_options(&[("Size", "S, M, L"), ("Colour", "Red,Blue"), ("", "")]).unwrap()
    }

    #[test]
    fn options_parse_and_skip_blank_rows() {
        let o = opts();
        assert_eq!(o.len(), 2);
        assert_eq!(o[0].values, vec!["S", "M", "L"]);
        assert!(parse_options(&[("", ""), ("", "")]).unwrap().is_empty());
    }

    #[test]
    fn option_mistakes_are_reported_on_their_field() {
        assert_eq!(parse_options(&[("Size", "")]).unwrap_err().field(), Some("option1_values"));
        assert_eq!(parse_options(&[("", "S,M")]).unwrap_err().field(), Some("option1_name"));
        assert!(parse_options(&[("Size", "S, s")]).is_err(), "values are unique ignoring case");
        assert!(parse_options(&[("Size", "S"), ("size", "M")]).is_err(), "names are unique");
        let many = (0..11).map(|i| i.to_string()).collect::<Vec<_>>().join(",");
        assert!(parse_options(&[("A", &many), ("B", &many)]).is_err(), "121 variants is over the limit");
    }

    #[test]
    fn combinations_cover_the_grid_in_reading_order() {
        let c = combinations(&opts());
        assert_eq!(c.len(), 6);
        assert_eq!(c[0], vec![0, 0]);
        assert_eq!(c[1], vec![0, 1]);
        assert_eq!(c[5], vec![2, 1]);
        assert_eq!(combinations(&[]), vec![Vec::<usize>::new()]);
    }

    #[test]
    fn titles_and_skus_read_well() {
        assert_eq!(variant_title(&["M", "Red"]), "M / Red");
        assert_eq!(variant_title(&[]), "Default");
        assert_eq!(default_sku("Kitenge jacket (limited)", &["M", "Red"]), "KITENGE-JACKET-M-RED");
        assert_eq!(default_sku("¡¡!!", &[]), "SKU");
        assert!(parse_sku(&default_sku("A very long product title indeed", &["Extra large", "Midnight blue"])).is_ok());
    }

    #[test]
    fn compare_at_must_be_higher() {
        assert!(check_compare_at(1000, None).is_ok());
        assert!(check_compare_at(1000, Some(1200)).is_ok());
        assert_eq!(check_compare_at(1000, Some(1000)).unwrap_err().field(), Some("compare_at"));
    }

    #[test]
    fn a_gallery_holds_ten_images() {
        assert!(check_gallery_room(0, 10).is_ok());
        assert!(check_gallery_room(9, 1).is_ok());
        assert_eq!(check_gallery_room(3, 0).unwrap_err().field(), Some("images"));
        let err = check_gallery_room(8, 3).unwrap_err();
        assert_eq!(err.to_string(), "A product can have 10 images: there is room for 2 more.");
        assert_eq!(
            check_gallery_room(10, 1).unwrap_err().to_string(),
            "This product already has 10 images. Remove one first."
        );
    }

    #[test]
    fn skus_and_stock_are_checked() {
        assert!(parse_sku("ABC-1.2_x").is_ok());
        assert!(parse_sku("has space").is_err());
        assert!(parse_sku("").is_err());
        assert_eq!(parse_stock(" 12 ").unwrap(), 12);
        assert!(parse_stock("-1").is_err());
        assert!(parse_stock("1.5").is_err());
        assert!(parse_stock("99999999").is_err());
    }
}

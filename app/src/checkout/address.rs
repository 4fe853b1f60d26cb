//! Shipping addresses: the raw checkout form, its validation into a normalized
//! `Address` (required fields and postal code formats per country), and the
//! countries Storefeed ships to. Shared with the browser for display.

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// Countries Storefeed ships to: ISO 3166-1 alpha-2 code and English name,
/// sorted by name for the country picker.
pub const SHIPPING_COUNTRIES: &[(&str, &str)] = &[
    ("AU", "Australia"),
    ("CA", "Canada"),
    ("FR", "France"),
    ("DE", "Germany"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("NL", "Netherlands"),
    ("NG", "Nigeria"),
    ("TZ", "Tanzania"),
    ("GB", "United Kingdom"),
    ("US", "United States"),
];

// Limits match the CHECKs on the `checkouts.ship_*` columns (characters, as
// Postgres' char_length counts them).
pub const NAME_MAX: usize = 100;
pub const LINE_MAX: usize = 120;
pub const CITY_MAX: usize = 80;
pub const REGION_MAX: usize = 80;
pub const POSTAL_CODE_MAX: usize = 16;
pub const PHONE_MAX: usize = 32;

/// USPS codes for the states, DC, the inhabited territories and the
/// military post offices (APO/FPO), with names so "california" also works.
const US_STATES: &[(&str, &str)] = &[
    ("AL", "Alabama"),
    ("AK", "Alaska"),
    ("AZ", "Arizona"),
    ("AR", "Arkansas"),
    ("CA", "California"),
    ("CO", "Colorado"),
    ("CT", "Connecticut"),
    ("DE", "Delaware"),
    ("DC", "District of Columbia"),
    ("FL", "Florida"),
    ("GA", "Georgia"),
    ("HI", "Hawaii"),
    ("ID", "Idaho"),
    ("IL", "Illinois"),
    ("IN", "Indiana"),
    ("IA", "Iowa"),
    ("KS", "Kansas"),
    ("KY", "Kentucky"),
    ("LA", "Louisiana"),
    ("ME", "Maine"),
    ("MD", "Maryland"),
    ("MA", "Massachusetts"),
    ("MI", "Michigan"),
    ("MN", "Minnesota"),
    ("MS", "Mississippi"),
    ("MO", "Missouri"),
    ("MT", "Montana"),
    ("NE", "Nebraska"),
    ("NV", "Nevada"),
    ("NH", "New Hampshire"),
    ("NJ", "New Jersey"),
    ("NM", "New Mexico"),
    ("NY", "New York"),
    ("NC", "North Carolina"),
    ("ND", "North Dakota"),
    ("OH", "Ohio"),
    ("OK", "Oklahoma"),
    ("OR", "Oregon"),
    ("PA", "Pennsylvania"),
    ("RI", "Rhode Island"),
    ("SC", "South Carolina"),
    ("SD", "South Dakota"),
    ("TN", "Tennessee"),
    ("TX", "Texas"),
    ("UT", "Utah"),
    ("VT", "Vermont"),
    ("VA", "Virginia"),
    ("WA", "Washington"),
    ("WV", "West Virginia"),
    ("WI", "Wisconsin"),
    ("WY", "Wyoming"),
    ("AS", "American Samoa"),
    ("GU", "Guam"),
    ("MP", "Northern Mariana Islands"),
    ("PR", "Puerto Rico"),
    ("VI", "U.S. Virgin Islands"),
    ("AA", "Armed Forces Americas"),
    ("AE", "Armed Forces Europe"),
    ("AP", "Armed Forces Pacific"),
];

/// The shipping form as typed. Every field is a raw string; blank means not given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddressInput {
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
}

/// A validated shipping address. Text is trimmed with inner whitespace
/// collapsed; `country` is a supported ISO alpha-2 code; `region` is the
/// USPS code for the US; `postal_code` is in its country's canonical form.
/// Optional fields (`line2`, `region`, `postal_code`, `phone`) are empty
/// strings when not given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Address {
    pub name: String,
    pub line1: String,
    pub line2: String,
    pub city: String,
    pub region: String,
    pub postal_code: String,
    pub country: String,
    pub phone: String,
}

/// The English name of a country Storefeed ships to.
pub fn country_name(code: &str) -> Option<&'static str> {
    SHIPPING_COUNTRIES.iter().find(|(c, _)| c.eq_ignore_ascii_case(code)).map(|(_, name)| *name)
}

/// Validates and normalizes the shipping form. Fields are checked in form
/// order (name, lines, city, region, postal code, country, phone) and the
/// first problem is returned as a validation error on that `ship_*` field.
/// The rules for region and postal code depend on the country; while the
/// country is not one we ship to, only their generic checks apply.
pub fn validate(input: &AddressInput) -> Result<Address, AppError> {
    let country = resolve_country(&input.country);

    let name = clean("ship_name", &input.name, NAME_MAX, "name")?;
    if name.is_empty() {
        return Err(AppError::validation("ship_name", "Enter the recipient's full name."));
    }
    let line1 = clean("ship_line1", &input.line1, LINE_MAX, "address")?;
    if line1.is_empty() {
        return Err(AppError::validation("ship_line1", "Enter the street address."));
    }
    let line2 = clean("ship_line2", &input.line2, LINE_MAX, "second address line")?;
    let city = clean("ship_city", &input.city, CITY_MAX, "city")?;
    if city.is_empty() {
        return Err(AppError::validation("ship_city", "Enter the city or town."));
    }
    let region = validate_region(country, &input.region)?;
    let postal_code = validate_postal_code(country, &input.postal_code)?;
    let Some(country) = country else {
        let message = if input.country.trim().is_empty() {
            "Choose the country to ship to."
        } else {
            "We don't ship to that country yet."
        };
        return Err(AppError::validation("ship_country", message));
    };
    let phone = validate_phone(&input.phone)?;

    Ok(Address { name, line1, line2, city, region, postal_code, country: country.to_string(), phone })
}

impl From<&Address> for AddressInput {
    /// A stored address as a form would send it, to check it again.
    fn from(a: &Address) -> AddressInput {
        AddressInput {
            name: a.name.clone(),
            line1: a.line1.clone(),
            line2: a.line2.clone(),
            city: a.city.clone(),
            region: a.region.clone(),
            postal_code: a.postal_code.clone(),
            country: a.country.clone(),
            phone: a.phone.clone(),
        }
    }
}

impl Address {
    /// The address as printed on a label, one line per entry, in the
    /// destination country's order and ending with the country's name. The
    /// phone number is not a postal line and is left to the caller.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = vec![self.name.clone(), self.line1.clone()];
        if !self.line2.is_empty() {
            lines.push(self.line2.clone());
        }
        match self.country.as_str() {
            // Royal Mail: post town, optional county, then the postcode alone.
            "GB" => {
                lines.push(self.city.clone());
                lines.extend(non_empty(&self.region));
                lines.extend(non_empty(&self.postal_code));
            }
            // Continental Europe puts the postcode before the town.
            "DE" | "FR" | "NL" => {
                lines.push(join_non_empty(&[&self.postal_code, &self.city], " "));
                lines.extend(non_empty(&self.region));
            }
            "AU" => lines.push(join_non_empty(&[&self.city, &self.region, &self.postal_code], " ")),
            // "San Francisco, CA 94103"; also the usual order for Canada, Japan
            // (in Latin script) and the East and West African addresses.
            _ => {
                let region_postal = join_non_empty(&[&self.region, &self.postal_code], " ");
                lines.push(join_non_empty(&[&self.city, &region_postal], ", "));
            }
        }
        lines.push(country_name(&self.country).unwrap_or(&self.country).to_string());
        lines
    }
}

fn non_empty(text: &str) -> Option<String> {
    (!text.is_empty()).then(|| text.to_string())
}

fn join_non_empty(parts: &[&str], separator: &str) -> String {
    parts.iter().filter(|p| !p.is_empty()).copied().collect::<Vec<_>>().join(separator)
}

/// A supported country from its code, its English name or "UK" (the code
/// people type for GB), ignoring case and surrounding space.
fn resolve_country(raw: &str) -> Option<&'static str> {
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.eq_ignore_ascii_case("UK") {
        return Some("GB");
    }
    SHIPPING_COUNTRIES
        .iter()
        .find(|(code, name)| code.eq_ignore_ascii_case(&text) || name.eq_ignore_ascii_case(&text))
        .map(|(code, _)| *code)
}

/// Control characters have no place in an address; bidirectional overrides
/// are refused too because they make a label read differently from its text.
fn is_forbidden(c: char) -> bool {
    (c.is_control() && !c.is_whitespace()) || matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

/// Trims, collapses whitespace runs (tabs and newlines included) to one
/// space, refuses control characters and enforces the column's length.
fn clean(field: &str, raw: &str, max: usize, what: &str) -> Result<String, AppError> {
    if raw.chars().any(is_forbidden) {
        return Err(AppError::validation(field, format!("Remove the special characters from the {what}.")));
    }
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() > max {
        return Err(AppError::validation(field, format!("Keep the {what} to {max} characters or fewer.")));
    }
    Ok(text)
}

fn validate_region(country: Option<&str>, raw: &str) -> Result<String, AppError> {
    let region = clean("ship_region", raw, REGION_MAX, "state or region")?;
    match country {
        Some("US") => {
            if region.is_empty() {
                return Err(AppError::validation("ship_region", "Choose the state."));
            }
            US_STATES
                .iter()
                .find(|(code, name)| code.eq_ignore_ascii_case(&region) || name.eq_ignore_ascii_case(&region))
                .map(|(code, _)| code.to_string())
                .ok_or_else(|| AppError::validation("ship_region", "Enter a US state as its two-letter code, like CA."))
        }
        Some("NG") if region.is_empty() => Err(AppError::validation("ship_region", "Enter the state.")),
        _ => Ok(region),
    }
}

/// How a country writes its postal codes.
#[derive(Clone, Copy)]
enum PostalFormat {
    Digits(usize),
    UsZip,
    UkPostcode,
    NlPostcode,
    JpPostcode,
    CaPostalCode,
}

/// (required, format, the message shown when it is missing or malformed).
fn postal_rule(country: &str) -> Option<(bool, PostalFormat, &'static str)> {
    use PostalFormat::*;
    Some(match country {
        "US" => (true, UsZip, "Enter a US ZIP code like 94103 or 94103-1234."),
        "GB" => (true, UkPostcode, "Enter a UK postcode like SW1A 1AA."),
        "DE" => (true, Digits(5), "Enter a German postcode of 5 digits, like 10115."),
        "FR" => (true, Digits(5), "Enter a French postcode of 5 digits, like 75001."),
        "NL" => (true, NlPostcode, "Enter a Dutch postcode like 1012 AB."),
        "JP" => (true, JpPostcode, "Enter a Japanese postcode like 100-0001."),
        "CA" => (true, CaPostalCode, "Enter a Canadian postal code like K1A 0B1."),
        "AU" => (true, Digits(4), "Enter an Australian postcode of 4 digits, like 2000."),
        // Many addresses in Kenya, Tanzania and Nigeria are delivered without
        // one, so the code is optional there but must be right when given.
        "KE" => (false, Digits(5), "Enter a Kenyan postal code of 5 digits, like 00100."),
        "TZ" => (false, Digits(5), "Enter a Tanzanian postcode of 5 digits, like 11101."),
        "NG" => (false, Digits(6), "Enter a Nigerian postal code of 6 digits, like 100001."),
        _ => return None,
    })
}

fn validate_postal_code(country: Option<&str>, raw: &str) -> Result<String, AppError> {
    let text = clean("ship_postal_code", raw, POSTAL_CODE_MAX, "postal code")?.to_ascii_uppercase();
    let Some((required, format, message)) = country.and_then(postal_rule) else {
        if text.chars().all(|c| c.is_ascii_alphanumeric() || c == ' ' || c == '-') {
            return Ok(text);
        }
        return Err(AppError::validation(
            "ship_postal_code",
            "Enter a postal code using letters, digits, spaces and hyphens.",
        ));
    };
    if text.is_empty() {
        return if required { Err(AppError::validation("ship_postal_code", message)) } else { Ok(text) };
    }
    normalize_postal_code(format, &text).ok_or_else(|| AppError::validation("ship_postal_code", message))
}

/// The canonical form of `text` (already upper-case), or None if it does
/// not fit the format.
fn normalize_postal_code(format: PostalFormat, text: &str) -> Option<String> {
    // Every format is ASCII, which also makes the byte slicing below safe.
    if !text.is_ascii() {
        return None;
    }
    let compact: String = text.chars().filter(|c| *c != ' ').collect();
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    match format {
        PostalFormat::Digits(n) => (compact.len() == n && all_digits(&compact)).then_some(compact),
        PostalFormat::UsZip => {
            let (zip, plus4) = match compact.split_once('-') {
                Some((zip, plus4)) => (zip, plus4),
                None if compact.len() == 9 => compact.split_at(5),
                None => (compact.as_str(), ""),
            };
            let ok = zip.len() == 5 && all_digits(zip) && (plus4.is_empty() || plus4.len() == 4 && all_digits(plus4));
            ok.then(|| if plus4.is_empty() { zip.to_string() } else { format!("{zip}-{plus4}") })
        }
        PostalFormat::UkPostcode => uk_postcode(&compact),
        PostalFormat::NlPostcode => {
            let b = compact.as_bytes();
            // The letter pairs SA, SD and SS are never issued.
            let ok = b.len() == 6
                && (b'1'..=b'9').contains(&b[0])
                && all_digits(&compact[1..4])
                && b[4..].iter().all(u8::is_ascii_uppercase)
                && !matches!(&compact[4..], "SA" | "SD" | "SS");
            ok.then(|| format!("{} {}", &compact[..4], &compact[4..]))
        }
        PostalFormat::JpPostcode => {
            let digits: String = compact.chars().filter(|c| *c != '-').collect();
            let ok = digits.len() == 7 && all_digits(&digits) && compact.matches('-').count() <= 1;
            ok.then(|| format!("{}-{}", &digits[..3], &digits[3..]))
        }
        PostalFormat::CaPostalCode => {
            // Canada Post never uses D, F, I, O, Q or U, nor W or Z first.
            let letter = |c: u8| c.is_ascii_uppercase() && !b"DFIOQU".contains(&c);
            let b = compact.as_bytes();
            let ok = b.len() == 6
                && letter(b[0])
                && !b"WZ".contains(&b[0])
                && b[1].is_ascii_digit()
                && letter(b[2])
                && b[3].is_ascii_digit()
                && letter(b[4])
                && b[5].is_ascii_digit();
            ok.then(|| format!("{} {}", &compact[..3], &compact[3..]))
        }
    }
}

/// A full UK postcode (outward code, then an inward code of a digit and two
/// letters), following the letter rules Royal Mail publishes.
fn uk_postcode(compact: &str) -> Option<String> {
    // Girobank's historic code is still in use.
    if compact == "GIR0AA" {
        return Some("GIR 0AA".to_string());
    }
    if !(5..=7).contains(&compact.len()) {
        return None;
    }
    let (outward, inward) = compact.split_at(compact.len() - 3);
    let first = |c: u8| c.is_ascii_uppercase() && !b"QVX".contains(&c);
    let second = |c: u8| c.is_ascii_uppercase() && !b"IJZ".contains(&c);
    let third = |c: u8| b"ABCDEFGHJKPSTUW".contains(&c);
    let fourth = |c: u8| b"ABEHMNPRVWXY".contains(&c);
    let digit = |c: u8| c.is_ascii_digit();
    let outward_ok = match *outward.as_bytes() {
        [a, b] => first(a) && digit(b),
        [a, b, c] => first(a) && ((digit(b) && (digit(c) || third(c))) || (second(b) && digit(c))),
        [a, b, c, d] => first(a) && second(b) && digit(c) && (digit(d) || fourth(d)),
        _ => false,
    };
    let inward_letter = |c: u8| c.is_ascii_uppercase() && !b"CIKMOV".contains(&c);
    let inward_ok = match *inward.as_bytes() {
        [a, b, c] => digit(a) && inward_letter(b) && inward_letter(c),
        _ => false,
    };
    (outward_ok && inward_ok).then(|| format!("{outward} {inward}"))
}

fn validate_phone(raw: &str) -> Result<String, AppError> {
    let phone = clean("ship_phone", raw, PHONE_MAX, "phone number")?;
    if phone.is_empty() {
        return Ok(phone);
    }
    let allowed = phone.chars().all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-' | '(' | ')'));
    // A plus is the international prefix, so only the first character may be one.
    if !allowed || phone.rfind('+').is_some_and(|at| at > 0) {
        return Err(AppError::validation(
            "ship_phone",
            "Enter a phone number using digits, spaces, +, - and brackets.",
        ));
    }
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    if !(6..=20).contains(&digits) {
        return Err(AppError::validation(
            "ship_phone",
            "Enter a phone number of 6 to 20 digits, like +44 20 7946 0958.",
        ));
    }
    Ok(phone)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn us() -> AddressInput {
        AddressInput {
            name: "Ada Lovelace".into(),
            line1: "1 Market St".into(),
            line2: String::new(),
            city: "San Francisco".into(),
            region: "CA".into(),
            postal_code: "94103".into(),
            country: "US".into(),
            phone: String::new(),
        }
    }

    fn with_country(country: &str, region: &str, postal_code: &str) -> AddressInput {
        AddressInput { country: country.into(), region: region.into(), postal_code: postal_code.into(), ..us() }
    }

    fn error(input: &AddressInput) -> (String, String) {
        match validate(input).unwrap_err() {
            AppError::Validation { field, message } => (field, message),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    fn postal(country: &str, region: &str, postal_code: &str) -> Result<String, (String, String)> {
        let input = with_country(country, region, postal_code);
        validate(&input).map(|a| a.postal_code).map_err(|_| error(&input))
    }

    #[test]
    fn normalizes_whitespace_case_and_codes() {
        let input = AddressInput {
            name: "  Ada \t Lovelace ".into(),
            line1: "1   Market St\n".into(),
            line2: "  Suite   200 ".into(),
            city: " San  Francisco".into(),
            region: " ca ".into(),
            postal_code: " 941031234 ".into(),
            country: " us ".into(),
            phone: " +1 (415)  555-0100 ".into(),
        };
        let address = validate(&input).unwrap();
        assert_eq!(
            address,
            Address {
                name: "Ada Lovelace".into(),
                line1: "1 Market St".into(),
                line2: "Suite 200".into(),
                city: "San Francisco".into(),
                region: "CA".into(),
                postal_code: "94103-1234".into(),
                country: "US".into(),
                phone: "+1 (415) 555-0100".into(),
            }
        );
    }

    #[test]
    fn missing_required_fields_name_their_field() {
        let cases = [
            (AddressInput { name: "  ".into(), ..us() }, "ship_name"),
            (AddressInput { line1: String::new(), ..us() }, "ship_line1"),
            (AddressInput { city: "\t".into(), ..us() }, "ship_city"),
            (AddressInput { country: String::new(), ..us() }, "ship_country"),
        ];
        for (input, field) in cases {
            assert_eq!(error(&input).0, field);
        }
        assert_eq!(error(&AddressInput { country: " ".into(), ..us() }).1, "Choose the country to ship to.");
    }

    #[test]
    fn first_problem_in_form_order_is_reported() {
        let input = AddressInput { name: String::new(), city: String::new(), phone: "x".into(), ..us() };
        assert_eq!(error(&input).0, "ship_name");
        let input = AddressInput { city: String::new(), postal_code: "nope".into(), ..us() };
        assert_eq!(error(&input).0, "ship_city");
        let input = AddressInput { postal_code: "nope".into(), phone: "x".into(), ..us() };
        assert_eq!(error(&input).0, "ship_postal_code");
    }

    #[test]
    fn unsupported_country_is_refused_on_the_country_field() {
        for country in ["BR", "xx", "Narnia"] {
            let input = with_country(country, "", "");
            assert_eq!(error(&input), ("ship_country".into(), "We don't ship to that country yet.".into()));
        }
    }

    #[test]
    fn country_accepts_code_name_or_uk_in_any_case() {
        let gb = |country: &str| validate(&with_country(country, "", "SW1A 1AA")).unwrap().country;
        assert_eq!(gb("gb"), "GB");
        assert_eq!(gb("United  Kingdom"), "GB");
        assert_eq!(gb("uk"), "GB");
        assert_eq!(validate(&with_country("germany", "", "10115")).unwrap().country, "DE");
    }

    #[test]
    fn us_needs_a_real_state_and_stores_its_code() {
        assert_eq!(error(&with_country("US", "", "94103")), ("ship_region".into(), "Choose the state.".into()));
        assert_eq!(
            error(&with_country("US", "XX", "94103")),
            ("ship_region".into(), "Enter a US state as its two-letter code, like CA.".into())
        );
        for (typed, code) in [("california", "CA"), ("dc", "DC"), ("District of Columbia", "DC"), ("pr", "PR")] {
            assert_eq!(validate(&with_country("US", typed, "94103")).unwrap().region, code);
        }
        assert!(validate(&with_country("US", "AE", "09001")).is_ok(), "military post offices have codes too");
    }

    #[test]
    fn us_state_list_is_complete_and_unique() {
        assert_eq!(US_STATES.len(), 50 + 1 + 5 + 3);
        for (i, (code, _)) in US_STATES.iter().enumerate() {
            assert!(code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(US_STATES[i + 1..].iter().all(|(other, _)| other != code), "{code} listed twice");
        }
    }

    #[test]
    fn us_zip_codes_are_five_or_nine_digits() {
        assert_eq!(postal("US", "CA", "94103").unwrap(), "94103");
        assert_eq!(postal("US", "CA", "94103-1234").unwrap(), "94103-1234");
        assert_eq!(postal("US", "CA", "94103 1234").unwrap(), "94103-1234");
        assert_eq!(postal("US", "CA", "941031234").unwrap(), "94103-1234");
        for bad in ["", "9410", "941034", "94103-12", "ABCDE", "94103--1234"] {
            assert_eq!(
                postal("US", "CA", bad).unwrap_err(),
                ("ship_postal_code".into(), "Enter a US ZIP code like 94103 or 94103-1234.".into()),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn uk_postcodes_are_upper_case_with_one_space_before_the_inward_code() {
        for (typed, normal) in [
            ("sw1a1aa", "SW1A 1AA"),
            ("  ec1a   1bb ", "EC1A 1BB"),
            ("M1 1AE", "M1 1AE"),
            ("b338th", "B33 8TH"),
            ("CR2 6XH", "CR2 6XH"),
            ("DN55 1PT", "DN55 1PT"),
            ("W1A 0AX", "W1A 0AX"),
            ("gir 0aa", "GIR 0AA"),
        ] {
            assert_eq!(postal("GB", "", typed).unwrap(), normal, "{typed:?}");
        }
        for bad in ["", "SW1A", "12345", "QA1 1AA", "AI1 1AA", "SW1A 1CA", "W1L 1AA", "SW1A 1AA1", "SW1A 1A"] {
            assert_eq!(
                postal("GB", "", bad).unwrap_err(),
                ("ship_postal_code".into(), "Enter a UK postcode like SW1A 1AA.".into()),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn german_postcode_is_required_and_five_digits() {
        assert_eq!(postal("DE", "", "10115").unwrap(), "10115");
        assert_eq!(postal("DE", "", "10 115").unwrap(), "10115");
        for bad in ["", "1011", "101155", "1O115"] {
            assert_eq!(postal("DE", "", bad).unwrap_err().0, "ship_postal_code", "{bad:?}");
        }
    }

    #[test]
    fn kenya_and_tanzania_postcodes_are_optional_but_checked() {
        for country in ["KE", "TZ"] {
            assert_eq!(postal(country, "", "").unwrap(), "");
            assert_eq!(postal(country, "", "00100").unwrap(), "00100");
            assert_eq!(postal(country, "", "123").unwrap_err().0, "ship_postal_code");
        }
        assert_eq!(postal("KE", "", "1234").unwrap_err().1, "Enter a Kenyan postal code of 5 digits, like 00100.");
    }

    #[test]
    fn nigeria_needs_a_state_and_an_optional_six_digit_postcode() {
        assert_eq!(error(&with_country("NG", "", "")), ("ship_region".into(), "Enter the state.".into()));
        let lagos = validate(&with_country("NG", "Lagos  State", "")).unwrap();
        assert_eq!((lagos.region.as_str(), lagos.postal_code.as_str()), ("Lagos State", ""));
        assert_eq!(postal("NG", "Lagos", "100001").unwrap(), "100001");
        assert_eq!(postal("NG", "Lagos", "10001").unwrap_err().0, "ship_postal_code");
    }

    #[test]
    fn other_countries_use_their_own_postcode_formats() {
        assert_eq!(postal("FR", "", "75001").unwrap(), "75001");
        assert_eq!(postal("NL", "", "1012ab").unwrap(), "1012 AB");
        assert_eq!(postal("JP", "", "1000001").unwrap(), "100-0001");
        assert_eq!(postal("JP", "", "100-0001").unwrap(), "100-0001");
        assert_eq!(postal("CA", "ON", "k1a0b1").unwrap(), "K1A 0B1");
        assert_eq!(postal("AU", "NSW", "2000").unwrap(), "2000");
        let bad_codes = [
            ("NL", "0123 AB"),
            ("NL", "1012 SS"),
            ("NL", "1é23AB"),
            ("DE", "1011é"),
            ("GB", "SW1A 1Aé"),
            ("JP", "100-00"),
            ("CA", "D1A 0B1"),
            ("AU", "200"),
        ];
        for (country, bad) in bad_codes {
            assert_eq!(postal(country, "", bad).unwrap_err().0, "ship_postal_code", "{country} {bad:?}");
        }
    }

    #[test]
    fn every_shipping_country_accepts_a_real_address() {
        let samples = [
            ("AU", "NSW", "2000"),
            ("CA", "ON", "K1A 0B1"),
            ("FR", "", "75001"),
            ("DE", "", "10115"),
            ("JP", "Tokyo", "100-0001"),
            ("KE", "", "00100"),
            ("NL", "", "1012 AB"),
            ("NG", "Lagos", "100001"),
            ("TZ", "", "11101"),
            ("GB", "", "SW1A 1AA"),
            ("US", "CA", "94103"),
        ];
        assert_eq!(samples.len(), SHIPPING_COUNTRIES.len());
        for (country, region, postal_code) in samples {
            let address = validate(&with_country(country, region, postal_code)).unwrap();
            assert_eq!(address.country, country);
            assert_eq!(address.postal_code, postal_code);
        }
    }

    #[test]
    fn shipping_countries_are_unique_alpha2_codes() {
        for code in ["US", "GB", "DE", "FR", "NL", "KE", "TZ", "NG", "JP", "CA", "AU"] {
            assert!(country_name(code).is_some(), "{code}");
        }
        for (i, (code, _)) in SHIPPING_COUNTRIES.iter().enumerate() {
            assert!(code.len() == 2 && code.bytes().all(|b| b.is_ascii_uppercase()), "{code}");
            assert!(SHIPPING_COUNTRIES[i + 1..].iter().all(|(other, _)| other != code), "{code} listed twice");
        }
        assert_eq!(country_name("gb"), Some("United Kingdom"));
        assert_eq!(country_name("BR"), None);
    }

    #[test]
    fn lengths_are_limited_in_characters_like_the_database() {
        let exactly = AddressInput { name: "é".repeat(NAME_MAX), ..us() };
        assert!(validate(&exactly).is_ok(), "multi-byte characters count once");
        let over = AddressInput { name: "a".repeat(NAME_MAX + 1), ..us() };
        assert_eq!(error(&over), ("ship_name".into(), "Keep the name to 100 characters or fewer.".into()));
        let cases: [(AddressInput, &str); 5] = [
            (AddressInput { line1: "a".repeat(LINE_MAX + 1), ..us() }, "ship_line1"),
            (AddressInput { line2: "a".repeat(LINE_MAX + 1), ..us() }, "ship_line2"),
            (AddressInput { city: "a".repeat(CITY_MAX + 1), ..us() }, "ship_city"),
            (with_country("NG", &"a".repeat(REGION_MAX + 1), ""), "ship_region"),
            (AddressInput { phone: "1".repeat(PHONE_MAX + 1), ..us() }, "ship_phone"),
        ];
        for (input, field) in cases {
            assert_eq!(error(&input).0, field);
        }
        assert_eq!(postal("KE", "", &"1".repeat(POSTAL_CODE_MAX + 1)).unwrap_err().0, "ship_postal_code");
    }

    #[test]
    fn control_characters_are_refused_but_markup_is_kept_as_text() {
        let bell = AddressInput { line2: "Flat\u{7} 2".into(), ..us() };
        assert_eq!(
            error(&bell),
            ("ship_line2".into(), "Remove the special characters from the second address line.".into())
        );
        let bidi = AddressInput { city: "San\u{202E}Francisco".into(), ..us() };
        assert_eq!(error(&bidi).0, "ship_city");
        let markup = AddressInput { name: "<b>Ada</b> & co".into(), ..us() };
        assert_eq!(validate(&markup).unwrap().name, "<b>Ada</b> & co");
    }

    #[test]
    fn phone_is_optional_but_must_look_like_a_number() {
        let phone = |raw: &str| validate(&AddressInput { phone: raw.into(), ..us() });
        assert_eq!(phone("").unwrap().phone, "");
        assert_eq!(phone("+254 712 345678").unwrap().phone, "+254 712 345678");
        assert_eq!(phone("(020) 7946-0958").unwrap().phone, "(020) 7946-0958");
        for bad in ["call me", "415.555.0100", "1+2345678", "ext. 12345678"] {
            assert_eq!(
                error(&AddressInput { phone: bad.into(), ..us() }).1,
                "Enter a phone number using digits, spaces, +, - and brackets.",
                "{bad:?}"
            );
        }
        for bad in ["12345", "+1 234 567 890 123 456 789 01"] {
            assert_eq!(error(&AddressInput { phone: bad.into(), ..us() }).0, "ship_phone", "{bad:?}");
        }
        assert!(phone("123456").is_ok());
        assert!(phone(&"1".repeat(20)).is_ok());
    }

    #[test]
    fn lines_follow_each_countrys_label_order_and_end_with_the_country() {
        let us = validate(&AddressInput { line2: "Suite 200".into(), ..us() }).unwrap();
        assert_eq!(
            us.lines(),
            ["Ada Lovelace", "1 Market St", "Suite 200", "San Francisco, CA 94103", "United States"]
        );

        let gb = validate(&AddressInput { city: "London".into(), ..with_country("GB", "", "sw1a1aa") }).unwrap();
        assert_eq!(gb.lines(), ["Ada Lovelace", "1 Market St", "London", "SW1A 1AA", "United Kingdom"]);

        let de = validate(&AddressInput { city: "Berlin".into(), ..with_country("DE", "", "10115") }).unwrap();
        assert_eq!(de.lines(), ["Ada Lovelace", "1 Market St", "10115 Berlin", "Germany"]);

        let ke = validate(&AddressInput { city: "Nairobi".into(), ..with_country("KE", "", "") }).unwrap();
        assert_eq!(ke.lines(), ["Ada Lovelace", "1 Market St", "Nairobi", "Kenya"]);

        let ng = validate(&AddressInput { city: "Ikeja".into(), ..with_country("NG", "Lagos", "100001") }).unwrap();
        assert_eq!(ng.lines(), ["Ada Lovelace", "1 Market St", "Ikeja, Lagos 100001", "Nigeria"]);
    }
}

//! Card entry: checks what the buyer typed (Luhn, brand, expiry, security
//! code) before anything is sent to the payment provider, and the test cards
//! the built-in test provider answers to. Only brand, last four and expiry
//! are ever kept; the full number exists only on its way to the provider.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// The card form as typed. The number may contain spaces or dashes.
///
/// Debug masks the number and the security code so neither reaches a log.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardInput {
    pub number: String,
    pub exp_month: String,
    pub exp_year: String,
    pub cvc: String,
}

impl fmt::Debug for CardInput {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let digits: String = self.number.chars().filter(char::is_ascii_digit).collect();
        // The last four are what every receipt shows; anything shorter than a
        // card number shows nothing, as it could be a fragment of one.
        let number = if digits.len() >= 12 { format!("**** {}", &digits[digits.len() - 4..]) } else { "****".into() };
        f.debug_struct("CardInput")
            .field("number", &number)
            .field("exp_month", &self.exp_month)
            .field("exp_year", &self.exp_year)
            .field("cvc", &"***")
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum CardBrand {
    Visa,
    Mastercard,
    Amex,
    Discover,
    Unknown,
}

impl CardBrand {
    const ALL: [CardBrand; 5] =
        [CardBrand::Visa, CardBrand::Mastercard, CardBrand::Amex, CardBrand::Discover, CardBrand::Unknown];

    /// For people, and the value stored in `payments.card_brand`.
    pub fn name(self) -> &'static str {
        match self {
            CardBrand::Visa => "Visa",
            CardBrand::Mastercard => "Mastercard",
            CardBrand::Amex => "American Express",
            CardBrand::Discover => "Discover",
            CardBrand::Unknown => "Card",
        }
    }

    /// Reads back a stored `name()`; anything else is `Unknown`.
    pub fn from_name(name: &str) -> CardBrand {
        CardBrand::ALL.into_iter().find(|b| b.name() == name).unwrap_or(CardBrand::Unknown)
    }

    /// From the issuer identification number (the leading digits).
    fn of(digits: &str) -> CardBrand {
        let prefix = |n: usize| digits.get(..n).and_then(|p| p.parse::<u32>().ok());
        if digits.starts_with('4') {
            CardBrand::Visa
        } else if matches!(prefix(2), Some(34 | 37)) {
            CardBrand::Amex
        } else if matches!(prefix(2), Some(51..=55)) || matches!(prefix(4), Some(2221..=2720)) {
            CardBrand::Mastercard
        } else if prefix(4) == Some(6011) || prefix(2) == Some(65) || matches!(prefix(3), Some(644..=649)) {
            // 644–649 are Discover's too, alongside 6011 and 65.
            CardBrand::Discover
        } else {
            CardBrand::Unknown
        }
    }

    /// Lengths the brand issues; an Amex number of 16 digits is a typo.
    fn allows_length(self, len: usize) -> bool {
        match self {
            CardBrand::Visa => matches!(len, 13 | 16 | 19),
            CardBrand::Mastercard => len == 16,
            CardBrand::Amex => len == 15,
            CardBrand::Discover => (16..=19).contains(&len),
            CardBrand::Unknown => (12..=19).contains(&len),
        }
    }
}

/// Everything Storefeed keeps about a card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CardDetails {
    pub brand: CardBrand,
    pub last4: String,
    pub exp_month: u8,
    pub exp_year: u16,
}

impl CardDetails {
    /// "Visa ending in 4242", for receipts and the order page.
    pub fn summary(&self) -> String {
        format!("{} ending in {}", self.brand.name(), self.last4)
    }
}

/// Checks the card form, in form order (number, expiry, security code), and
/// returns what may be kept plus the bare digits for the provider call.
/// `today_year`/`today_month` come from the app's clock; a card is valid
/// through the end of its expiry month.
pub fn check(input: &CardInput, today_year: u16, today_month: u8) -> Result<(CardDetails, String), AppError> {
    let digits = card_digits(&input.number)?;
    let brand = CardBrand::of(&digits);
    if !brand.allows_length(digits.len()) || !luhn_valid(&digits) {
        return Err(AppError::validation("card_number", "That card number is not valid."));
    }
    let (exp_month, exp_year) = expiry(input, today_year, today_month)?;
    check_cvc(&input.cvc, brand)?;
    let last4 = digits[digits.len() - 4..].to_string();
    Ok((CardDetails { brand, last4, exp_month, exp_year }, digits))
}

fn card_digits(raw: &str) -> Result<String, AppError> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err(AppError::validation("card_number", "Enter your card number."));
    }
    // Spaces and dashes are how people group the digits; anything else is a typo.
    if !raw.chars().all(|c| c.is_ascii_digit() || c == ' ' || c == '-') {
        return Err(AppError::validation("card_number", "That card number is not valid."));
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    if !(12..=19).contains(&digits.len()) {
        return Err(AppError::validation("card_number", "That card number is not valid."));
    }
    Ok(digits)
}

/// The Luhn checksum every card number carries in its last digit.
fn luhn_valid(digits: &str) -> bool {
    let sum: u32 = digits
        .bytes()
        .rev()
        .enumerate()
        .map(|(i, b)| {
            let d = u32::from(b - b'0');
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 {
                    doubled - 9
                } else {
                    doubled
                }
            } else {
                d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// How far ahead an expiry year may be before it is more likely a typo.
const MAX_YEARS_AHEAD: u16 = 20;

fn expiry(input: &CardInput, today_year: u16, today_month: u8) -> Result<(u8, u16), AppError> {
    let month = input.exp_month.trim();
    let month = (!month.is_empty() && month.len() <= 2 && month.bytes().all(|b| b.is_ascii_digit()))
        .then(|| month.parse::<u8>().ok())
        .flatten()
        .filter(|m| (1..=12).contains(m))
        .ok_or_else(|| AppError::validation("card_exp", "Enter the expiry month as a number from 1 to 12."))?;
    let year = input.exp_year.trim();
    let bad_year = || AppError::validation("card_exp", "Enter the expiry year, like 2030 or 30.");
    if !matches!(year.len(), 2 | 4) || !year.bytes().all(|b| b.is_ascii_digit()) {
        return Err(bad_year());
    }
    let typed: u16 = year.parse().map_err(|_| bad_year())?;
    let year = if year.len() == 2 {
        // "30" means the year ending in 30 in this century (or the next,
        // once this century's is more than 50 years gone).
        let in_century = today_year - today_year % 100 + typed;
        if in_century + 50 < today_year {
            in_century + 100
        } else {
            in_century
        }
    } else {
        typed
    };
    if (year, month) < (today_year, today_month) {
        return Err(AppError::validation("card_exp", "This card has expired."));
    }
    if year > today_year + MAX_YEARS_AHEAD {
        return Err(AppError::validation("card_exp", "Check the expiry year: it is too far in the future."));
    }
    Ok((month, year))
}

fn check_cvc(raw: &str, brand: CardBrand) -> Result<(), AppError> {
    let cvc = raw.trim();
    let lengths: &[usize] = match brand {
        CardBrand::Amex => &[4],
        CardBrand::Unknown => &[3, 4],
        _ => &[3],
    };
    if lengths.contains(&cvc.len()) && cvc.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(());
    }
    Err(AppError::validation(
        "card_cvc",
        match brand {
            CardBrand::Amex => "Enter the 4-digit security code on the front of your card.",
            CardBrand::Unknown => "Enter the security code on your card.",
            _ => "Enter the 3-digit security code on the back of your card.",
        },
    ))
}

/// What the built-in test provider does with a card number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TestOutcome {
    Succeeds,
    Declined,
    InsufficientFunds,
    /// A transient processing error the first time it is charged under a
    /// given idempotency key; asking again with the same key succeeds.
    FailsOnceThenSucceeds,
    /// Declined as expired, whatever expiry date was typed.
    ExpiredCard,
}

impl TestOutcome {
    /// What the buyer is told.
    pub fn message(self) -> &'static str {
        match self {
            TestOutcome::Succeeds => "Your payment went through.",
            TestOutcome::Declined => "Your card was declined.",
            TestOutcome::InsufficientFunds => "Your card has insufficient funds.",
            TestOutcome::FailsOnceThenSucceeds => "We couldn't process your card just now. Please try again.",
            TestOutcome::ExpiredCard => "Your card has expired.",
        }
    }

    /// How the test provider writes the outcome down for a saved card.
    pub fn code(self) -> &'static str {
        match self {
            TestOutcome::Succeeds => "succeeds",
            TestOutcome::Declined => "declined",
            TestOutcome::InsufficientFunds => "insufficient_funds",
            TestOutcome::FailsOnceThenSucceeds => "fails_once",
            TestOutcome::ExpiredCard => "expired_card",
        }
    }

    /// Reads back a stored `code()`.
    pub fn from_code(code: &str) -> Option<TestOutcome> {
        [
            TestOutcome::Succeeds,
            TestOutcome::Declined,
            TestOutcome::InsufficientFunds,
            TestOutcome::FailsOnceThenSucceeds,
            TestOutcome::ExpiredCard,
        ]
        .into_iter()
        .find(|o| o.code() == code)
    }

    /// The machine-readable reason, for `payments.failure_code`.
    pub fn failure_code(self) -> Option<&'static str> {
        match self {
            TestOutcome::Succeeds => None,
            TestOutcome::Declined => Some("card_declined"),
            TestOutcome::InsufficientFunds => Some("insufficient_funds"),
            TestOutcome::FailsOnceThenSucceeds => Some("processing_error"),
            TestOutcome::ExpiredCard => Some("expired_card"),
        }
    }
}

/// The cards the test provider recognizes (any expiry in the future, any
/// security code of the right length). Every other valid number succeeds.
pub const TEST_CARDS: &[(&str, TestOutcome, &str)] = &[
    ("4242424242424242", TestOutcome::Succeeds, "Visa: the payment succeeds."),
    ("5555555555554444", TestOutcome::Succeeds, "Mastercard: the payment succeeds."),
    ("378282246310005", TestOutcome::Succeeds, "American Express: the payment succeeds."),
    ("4000000000000002", TestOutcome::Declined, "Declined: \"Your card was declined.\""),
    ("4000000000009995", TestOutcome::InsufficientFunds, "Declined: \"Your card has insufficient funds.\""),
    (
        "4000000000000119",
        TestOutcome::FailsOnceThenSucceeds,
        "A processing error the first time for a payment attempt; trying the same attempt again succeeds.",
    ),
    ("4000000000000069", TestOutcome::ExpiredCard, "Declined as expired, whatever expiry date is entered."),
];

/// The test provider's answer for a card's digits (as returned by `check`).
pub fn test_outcome(digits: &str) -> TestOutcome {
    TEST_CARDS
        .iter()
        .find(|(number, _, _)| *number == digits)
        .map(|(_, outcome, _)| *outcome)
        .unwrap_or(TestOutcome::Succeeds)
}

/// The expiry as typed on the hosted page: "12/28", "12 / 2028" or
/// "1228" → ("12", "28").
pub fn split_expiry(raw: &str) -> (String, String) {
    let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    match compact.split_once('/') {
        Some((m, y)) => (m.to_string(), y.to_string()),
        None if compact.len() == 4 && compact.bytes().all(|b| b.is_ascii_digit()) => {
            (compact[..2].to_string(), compact[2..].to_string())
        }
        None => (compact, String::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YEAR: u16 = 2026;
    const MONTH: u8 = 11;

    fn card(number: &str) -> CardInput {
        let cvc = if CardBrand::of(number) == CardBrand::Amex { "1234" } else { "123" };
        CardInput { number: number.into(), exp_month: "12".into(), exp_year: "2030".into(), cvc: cvc.into() }
    }

    fn error(input: &CardInput) -> (String, String) {
        match check(input, YEAR, MONTH).unwrap_err() {
            AppError::Validation { field, message } => (field, message),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    /// `body` with the Luhn check digit appended.
    fn with_check_digit(body: &str) -> String {
        (0..10).map(|d| format!("{body}{d}")).find(|n| luhn_valid(n)).unwrap()
    }

    #[test]
    fn every_test_card_passes_luhn_and_the_form_check() {
        for (number, _, _) in TEST_CARDS {
            assert!(luhn_valid(number), "{number}");
            let (details, digits) = check(&card(number), YEAR, MONTH).unwrap();
            assert_eq!(&digits, number);
            assert_eq!(details.last4, number[number.len() - 4..]);
        }
    }

    #[test]
    fn test_cards_have_the_documented_brands_and_outcomes() {
        let brand = |n: &str| check(&card(n), YEAR, MONTH).unwrap().0.brand;
        assert_eq!(brand("4242424242424242"), CardBrand::Visa);
        assert_eq!(brand("5555555555554444"), CardBrand::Mastercard);
        assert_eq!(brand("378282246310005"), CardBrand::Amex);
        assert_eq!(test_outcome("4242424242424242"), TestOutcome::Succeeds);
        assert_eq!(test_outcome("4000000000000002"), TestOutcome::Declined);
        assert_eq!(test_outcome("4000000000009995"), TestOutcome::InsufficientFunds);
        assert_eq!(test_outcome("4000000000000119"), TestOutcome::FailsOnceThenSucceeds);
        assert_eq!(test_outcome("4000000000000069"), TestOutcome::ExpiredCard);
        assert_eq!(test_outcome("4111111111111111"), TestOutcome::Succeeds, "any other valid number succeeds");
    }

    #[test]
    fn outcome_codes_round_trip() {
        for (_, outcome, _) in TEST_CARDS {
            assert_eq!(TestOutcome::from_code(outcome.code()), Some(*outcome));
        }
        assert_eq!(TestOutcome::from_code("nope"), None);
    }

    #[test]
    fn decline_messages_are_what_the_buyer_reads() {
        assert_eq!(TestOutcome::Declined.message(), "Your card was declined.");
        assert_eq!(TestOutcome::InsufficientFunds.message(), "Your card has insufficient funds.");
        assert_eq!(TestOutcome::ExpiredCard.message(), "Your card has expired.");
        assert_eq!(TestOutcome::Succeeds.failure_code(), None);
        assert_eq!(TestOutcome::FailsOnceThenSucceeds.failure_code(), Some("processing_error"));
    }

    #[test]
    fn spaces_and_dashes_between_digits_are_fine() {
        let (details, digits) = check(&card(" 4242 4242-4242 4242 "), YEAR, MONTH).unwrap();
        assert_eq!(digits, "4242424242424242");
        assert_eq!(
            details,
            CardDetails { brand: CardBrand::Visa, last4: "4242".into(), exp_month: 12, exp_year: 2030 }
        );
        assert_eq!(details.summary(), "Visa ending in 4242");
    }

    #[test]
    fn a_mistyped_number_fails_luhn() {
        let invalid = ("card_number".to_string(), "That card number is not valid.".to_string());
        assert_eq!(error(&card("4242424242424241")), invalid);
        assert_eq!(error(&card("4242424242424224")), invalid, "swapped digits");
        assert_eq!(error(&card("4242 4242 4242 424x")), invalid);
        assert_eq!(error(&card("")), ("card_number".into(), "Enter your card number.".into()));
    }

    #[test]
    fn numbers_are_twelve_to_nineteen_digits() {
        let unknown = |len: usize| with_check_digit(&format!("9{}", "0".repeat(len - 2)));
        assert_eq!(error(&card(&unknown(11))).0, "card_number");
        assert!(check(&card(&unknown(12)), YEAR, MONTH).is_ok());
        assert!(check(&card(&unknown(19)), YEAR, MONTH).is_ok());
        assert_eq!(error(&card(&unknown(20))).0, "card_number");
    }

    #[test]
    fn a_brand_only_accepts_its_own_lengths() {
        assert_eq!(error(&card(&with_check_digit("378282246310005"))).0, "card_number", "16-digit Amex");
        assert_eq!(error(&card(&with_check_digit("55555555555544"))).0, "card_number", "15-digit Mastercard");
        assert!(check(&card(&with_check_digit("424242424242")), YEAR, MONTH).is_ok(), "13-digit Visa");
    }

    #[test]
    fn brand_comes_from_the_leading_digits() {
        for (prefix, brand) in [
            ("4", CardBrand::Visa),
            ("51", CardBrand::Mastercard),
            ("55", CardBrand::Mastercard),
            ("2221", CardBrand::Mastercard),
            ("2720", CardBrand::Mastercard),
            ("34", CardBrand::Amex),
            ("37", CardBrand::Amex),
            ("6011", CardBrand::Discover),
            ("65", CardBrand::Discover),
            ("644", CardBrand::Discover),
            ("2220", CardBrand::Unknown),
            ("2721", CardBrand::Unknown),
            ("50", CardBrand::Unknown),
            ("36", CardBrand::Unknown),
            ("6012", CardBrand::Unknown),
        ] {
            let len = if brand == CardBrand::Amex { 15 } else { 16 };
            let number = with_check_digit(&format!("{prefix}{}", "0".repeat(len - 1 - prefix.len())));
            assert_eq!(check(&card(&number), YEAR, MONTH).unwrap().0.brand, brand, "{prefix}");
        }
    }

    #[test]
    fn brand_names_round_trip_through_storage() {
        for brand in CardBrand::ALL {
            assert_eq!(CardBrand::from_name(brand.name()), brand);
        }
        assert_eq!(CardBrand::from_name("Diners"), CardBrand::Unknown);
    }

    #[test]
    fn a_card_is_valid_through_its_expiry_month() {
        let expiring = |month: &str, year: &str| CardInput {
            exp_month: month.into(),
            exp_year: year.into(),
            ..card("4242424242424242")
        };
        assert_eq!(check(&expiring("11", "2026"), YEAR, MONTH).unwrap().0.exp_month, 11);
        assert_eq!(check(&expiring("1", "27"), YEAR, MONTH).unwrap().0.exp_year, 2027);
        assert_eq!(check(&expiring("03", "2046"), YEAR, MONTH).unwrap().0.exp_month, 3);
        let expired = ("card_exp".to_string(), "This card has expired.".to_string());
        assert_eq!(error(&expiring("10", "2026")), expired);
        assert_eq!(error(&expiring("12", "25")), expired);
        assert_eq!(error(&expiring("12", "2047")).0, "card_exp", "too far ahead");
    }

    #[test]
    fn expiry_must_be_a_month_and_a_two_or_four_digit_year() {
        let expiring = |month: &str, year: &str| CardInput {
            exp_month: month.into(),
            exp_year: year.into(),
            ..card("4242424242424242")
        };
        for month in ["", "0", "13", "ab", "-1", "011"] {
            assert_eq!(
                error(&expiring(month, "2030")),
                ("card_exp".into(), "Enter the expiry month as a number from 1 to 12.".into()),
                "{month:?}"
            );
        }
        for year in ["", "2", "203", "20300", "y2k"] {
            assert_eq!(
                error(&expiring("12", year)),
                ("card_exp".into(), "Enter the expiry year, like 2030 or 30.".into()),
                "{year:?}"
            );
        }
    }

    #[test]
    fn two_digit_years_roll_into_the_next_century_when_needed() {
        let input = CardInput { exp_month: "6".into(), exp_year: "01".into(), ..card("4242424242424242") };
        assert_eq!(check(&input, 2099, 1).unwrap().0.exp_year, 2101);
    }

    #[test]
    fn security_code_is_three_digits_or_four_for_amex() {
        let with_cvc = |number: &str, cvc: &str| CardInput { cvc: cvc.into(), ..card(number) };
        assert!(check(&with_cvc("4242424242424242", " 123 "), YEAR, MONTH).is_ok());
        assert!(check(&with_cvc("378282246310005", "1234"), YEAR, MONTH).is_ok());
        assert_eq!(
            error(&with_cvc("378282246310005", "123")),
            ("card_cvc".into(), "Enter the 4-digit security code on the front of your card.".into())
        );
        for bad in ["", "12", "1234", "12a"] {
            assert_eq!(
                error(&with_cvc("4242424242424242", bad)),
                ("card_cvc".into(), "Enter the 3-digit security code on the back of your card.".into()),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn the_first_problem_in_form_order_is_reported() {
        let all_wrong =
            CardInput { number: "1234".into(), exp_month: "13".into(), exp_year: "1999".into(), cvc: "x".into() };
        assert_eq!(error(&all_wrong).0, "card_number");
        assert_eq!(error(&CardInput { number: "4242424242424242".into(), ..all_wrong.clone() }).0, "card_exp");
        let expiry_ok = CardInput { exp_month: "12".into(), exp_year: "2030".into(), ..all_wrong };
        assert_eq!(error(&CardInput { number: "4242424242424242".into(), ..expiry_ok }).0, "card_cvc");
    }

    #[test]
    fn debug_output_never_shows_the_number_or_security_code() {
        let input = CardInput {
            number: "4000 0000 0000 9995".into(),
            exp_month: "12".into(),
            exp_year: "2030".into(),
            cvc: "987".into(),
        };
        let printed = format!("{input:?}");
        assert!(!printed.contains("4000") && !printed.contains("987"), "{printed}");
        assert!(printed.contains("**** 9995"), "{printed}");
        assert!(!format!("{:?}", CardInput { number: "12345678".into(), ..input }).contains("5678"));
    }

    #[test]
    fn kept_details_hold_only_brand_last_four_and_expiry() {
        let (details, _) = check(&card("4242424242424242"), YEAR, MONTH).unwrap();
        let stored = serde_json::to_string(&details).unwrap();
        assert!(!stored.contains("424242424242"), "{stored}");
        assert_eq!(stored, r#"{"brand":"Visa","last4":"4242","exp_month":12,"exp_year":2030}"#);
    }

    #[test]
    fn expiry_is_split_however_it_was_typed() {
        assert_eq!(split_expiry("12/28"), ("12".into(), "28".into()));
        assert_eq!(split_expiry(" 1 / 2030 "), ("1".into(), "2030".into()));
        assert_eq!(split_expiry("1228"), ("12".into(), "28".into()));
        assert_eq!(split_expiry("12"), ("12".into(), String::new()));
        assert_eq!(split_expiry("a€"), ("a€".into(), String::new()), "never slices inside a character");
    }
}

//! Monthly-price claims in post text ("$99/month", "from 99 a month",
//! "pay as low as"): a post making one shows its linked plan's disclosure,
//! and the composer warns an author who makes one without linking a plan.
//! A pure matcher over lower-cased text, word-bounded so "/more" or
//! "a monthly newsletter" are not claims.

/// Phrases that are a claim on their own.
const PHRASES: [&str; 4] = ["as low as", "monthly payments of", "monthly instalments of", "monthly installments of"];

/// What may follow an amount to make it per month.
const PER_MONTH: [&str; 11] = [
    "/month",
    "/ month",
    "/mo",
    "/ mo",
    "/mth",
    "per month",
    "a month",
    "each month",
    "every month",
    "per mo",
    "monthly",
];

/// Currency words allowed between the amount and "a month" ("99 dollars a month").
const CURRENCY_WORDS: [&str; 10] =
    ["dollars", "dollar", "bucks", "usd", "euros", "eur", "pounds", "gbp", "shillings", "kes"];

/// Whether `text` claims a monthly price.
pub fn claims_monthly_price(text: &str) -> bool {
    let lower = text.to_lowercase();
    if PHRASES.iter().any(|p| contains_word(&lower, p)) {
        return true;
    }
    let bytes = lower.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_digit() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric()) {
            let mut end = i;
            while end < bytes.len() && (bytes[end].is_ascii_digit() || matches!(bytes[end], b'.' | b',')) {
                end += 1;
            }
            // "99k" or "99k/month": a thousands suffix is part of the amount.
            if end < bytes.len() && bytes[end] == b'k' {
                end += 1;
            }
            if per_month_follows(&lower[end..]) {
                return true;
            }
            i = end.max(i + 1);
        } else {
            i += 1;
        }
    }
    false
}

/// Whether the text right after an amount makes it per month.
fn per_month_follows(rest: &str) -> bool {
    let mut rest = rest.trim_start();
    if let Some(word) = CURRENCY_WORDS.iter().find(|w| starts_with_word(rest, w)) {
        rest = rest[word.len()..].trim_start();
    }
    PER_MONTH.iter().any(|p| starts_with_word(rest, p))
}

fn starts_with_word(text: &str, word: &str) -> bool {
    text.starts_with(word) && !text[word.len()..].chars().next().is_some_and(char::is_alphanumeric)
}

fn contains_word(text: &str, phrase: &str) -> bool {
    text.match_indices(phrase).any(|(at, _)| {
        let before_ok = !text[..at].chars().next_back().is_some_and(char::is_alphanumeric);
        before_ok && starts_with_word(&text[at..], phrase)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn monthly_price_claims_are_found() {
        for text in [
            "Get this laptop for just $99/month! 💳",
            "only 99 a month",
            "from 99 per month",
            "Pay as low as $100",
            "£45/mo, no deposit",
            "KSh 2,500 / month",
            "$1,299.99/mo",
            "50 dollars a month",
            "12.50 monthly",
            "20k/month",
            "Monthly payments of $30",
            "$50/MONTH",
        ] {
            assert!(claims_monthly_price(text), "{text}");
        }
    }

    #[test]
    fn ordinary_text_is_not_a_claim() {
        for text in [
            "New drop: linen shirts $45",
            "see more/more",
            "$99/more colours soon",
            "our monthly newsletter is out",
            "open 7 days a week",
            "2 months of work went into this",
            "room 5 monthlyish",
            "slow as always",
            "",
        ] {
            assert!(!claims_monthly_price(text), "{text}");
        }
    }
}

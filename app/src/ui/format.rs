//! Number formatting for counters, and the noun that agrees with a count
//! ("1 like", "2 likes"): every count on screen goes through here so none
//! reads "1 likes".

/// 999 → "999", 1_200 → "1.2K", 3_400_000 → "3.4M".
pub fn compact_count(n: i64) -> String {
    let (value, suffix) = match n {
        n if n.abs() >= 1_000_000 => (n as f64 / 1_000_000.0, "M"),
        n if n.abs() >= 10_000 => return format!("{}K", n / 1_000),
        n if n.abs() >= 1_000 => (n as f64 / 1_000.0, "K"),
        n => return n.to_string(),
    };
    let text = format!("{value:.1}");
    format!("{}{suffix}", text.trim_end_matches(".0"))
}

/// The noun for `n` things: `one` for exactly one, `many` for anything else
/// (English says "0 likes" and "1.5K likes").
pub fn plural<'a>(n: i64, one: &'a str, many: &'a str) -> &'a str {
    if n == 1 {
        one
    } else {
        many
    }
}

/// A social counter with its noun: "1 like", "12 comments", "1.2K followers".
pub fn count_label(n: i64, one: &str, many: &str) -> String {
    format!("{} {}", compact_count(n), plural(n, one, many))
}

/// An exact count with its noun, for quantities that must not be rounded
/// (order items, units, tickets): "1 item", "1200 items".
pub fn exact_count(n: i64, one: &str, many: &str) -> String {
    format!("{n} {}", plural(n, one, many))
}

#[cfg(test)]
mod tests {
    use super::{compact_count, count_label, exact_count, plural};

    #[test]
    fn counts_are_compact() {
        assert_eq!(compact_count(0), "0");
        assert_eq!(compact_count(999), "999");
        assert_eq!(compact_count(1_000), "1K");
        assert_eq!(compact_count(1_250), "1.2K");
        assert_eq!(compact_count(12_345), "12K");
        assert_eq!(compact_count(3_400_000), "3.4M");
    }

    #[test]
    fn one_thing_is_singular_and_every_other_count_plural() {
        assert_eq!(plural(1, "like", "likes"), "like");
        for n in [0, 2, 11, 21, 101, -1] {
            assert_eq!(plural(n, "like", "likes"), "likes", "{n}");
        }
    }

    #[test]
    fn counters_read_as_english() {
        assert_eq!(count_label(0, "like", "likes"), "0 likes");
        assert_eq!(count_label(1, "like", "likes"), "1 like");
        assert_eq!(count_label(2, "comment", "comments"), "2 comments");
        assert_eq!(count_label(1_000, "follower", "followers"), "1K followers");
        assert_eq!(count_label(1, "person", "people"), "1 person");
        assert_eq!(exact_count(1, "item", "items"), "1 item");
        assert_eq!(exact_count(12_345, "unit", "units"), "12345 units");
    }
}

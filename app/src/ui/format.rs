//! Number formatting for counters.

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

#[cfg(test)]
mod tests {
    use super::compact_count;

    #[test]
    fn counts_are_compact() {
        assert_eq!(compact_count(0), "0");
        assert_eq!(compact_count(999), "999");
        assert_eq!(compact_count(1_000), "1K");
        assert_eq!(compact_count(1_250), "1.2K");
        assert_eq!(compact_count(12_345), "12K");
        assert_eq!(compact_count(3_400_000), "3.4M");
    }
}

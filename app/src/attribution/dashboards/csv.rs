//! The dashboards as CSV downloads, one row per post or creator; fields
//! are quoted and defused so a spreadsheet never runs a post's text. Every
//! amount has its currency beside it, and totals come one per currency:
//! amounts in different currencies are never added.

use super::{CreatorDashboard, ShopDashboard};
use crate::money::{CurrencyTotals, Money};

/// The creator's posts of the month as CSV: one row per post and currency
/// it earned in (a post with no sales has one row with empty amounts), then
/// the month's totals, one row per currency.
pub fn creator_csv(d: &CreatorDashboard) -> String {
    let mut out = String::from(
        "post_id,post,impressions,tag_taps,add_to_carts,purchases,self_purchases,revenue,commission,currency\n",
    );
    let mut revenue = CurrencyTotals::new();
    let mut commission = CurrencyTotals::new();
    for p in &d.posts {
        let counts = format!(
            "{},{},{},{},{},{},{}",
            p.post_id,
            csv_field(&p.excerpt),
            p.impressions,
            p.tag_taps,
            p.add_to_carts,
            p.purchases,
            p.self_purchases.unwrap_or(0)
        );
        if p.revenue.is_empty() {
            out.push_str(&format!("{counts},,,\n"));
        }
        for earned in p.revenue.iter() {
            let c = earned.currency;
            let paid = p.commission.as_ref().map(|m| m.get(c));
            out.push_str(&format!(
                "{counts},{},{},{}\n",
                earned.amount_string(),
                paid.as_ref().map(Money::amount_string).unwrap_or_default(),
                c.code()
            ));
            revenue.add(earned);
            commission.add(paid.unwrap_or(Money::new(0, c)));
        }
    }
    out.push_str("\ntotal,currency,revenue,commission\n");
    for c in revenue.currencies() {
        out.push_str(&format!(
            "total,{},{},{}\n",
            c.code(),
            revenue.get(c).amount_string(),
            commission.get(c).amount_string()
        ));
    }
    out
}

/// The shop's month as CSV: revenue by creator, the month's total, then the
/// model comparison. A shop sells in one currency, named on every row.
pub fn shop_csv(d: &ShopDashboard) -> String {
    let mut out = String::from("section,creator,lines,revenue,currency\n");
    for r in &d.by_creator {
        out.push_str(&format!(
            "by_creator,{},{},{},{}\n",
            csv_field(&r.earner.label()),
            r.lines,
            r.revenue.amount_string(),
            r.revenue.currency.code()
        ));
    }
    // A line credited to several creators counts in each of their rows, so
    // the total leaves the line count empty rather than over-count.
    out.push_str(&format!("total,,,{},{}\n", d.revenue.amount_string(), d.revenue.currency.code()));
    out.push_str(&format!(
        "\nmodel_comparison,creator,{},currency\n",
        d.comparison.models.iter().map(|m| csv_field(m)).collect::<Vec<_>>().join(",")
    ));
    for (earner, amounts) in &d.comparison.rows {
        out.push_str(&format!(
            "model_comparison,{},{},{}\n",
            csv_field(&earner.label()),
            amounts.iter().map(Money::amount_string).collect::<Vec<_>>().join(","),
            d.revenue.currency.code()
        ));
    }
    out
}

/// A CSV field, quoted when needed; a leading formula character is
/// neutralised so a spreadsheet never runs a post's text.
pub fn csv_field(raw: &str) -> String {
    let mut text = raw.to_string();
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        text.insert(0, '\'');
    }
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_are_quoted_and_formulas_defused() {
        assert_eq!(csv_field("plain"), "plain");
        assert_eq!(csv_field("a, b"), "\"a, b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("-5"), "'-5");
    }
}

//! The dashboards as CSV downloads, one row per post or creator; fields
//! are quoted and defused so a spreadsheet never runs a post's text.

use super::{CreatorDashboard, ShopDashboard};
use crate::money::Money;

/// The creator's posts of the month as CSV.
pub fn creator_csv(d: &CreatorDashboard) -> String {
    let mut out = String::from(
        "post_id,post,impressions,tag_taps,add_to_carts,purchases,self_purchases,revenue,commission,currency\n",
    );
    for p in &d.posts {
        out.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{}\n",
            p.post_id,
            csv_field(&p.excerpt),
            p.impressions,
            p.tag_taps,
            p.add_to_carts,
            p.purchases,
            p.self_purchases.unwrap_or(0),
            p.revenue.amount_string(),
            p.commission.as_ref().map(Money::amount_string).unwrap_or_default(),
            p.revenue.currency.code()
        ));
    }
    out
}

/// The shop's month as CSV: revenue by creator, then the model comparison.
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
    out.push_str(&format!(
        "\nmodel_comparison,creator,{}\n",
        d.comparison.models.iter().map(|m| csv_field(m)).collect::<Vec<_>>().join(",")
    ));
    for (earner, amounts) in &d.comparison.rows {
        out.push_str(&format!(
            "model_comparison,{},{}\n",
            csv_field(&earner.label()),
            amounts.iter().map(Money::amount_string).collect::<Vec<_>>().join(",")
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

//! The order summary's rows and total as a definition list, for the
//! checkout page and the order page alike (see `summary` for the figures).

use leptos::prelude::*;

use super::summary::{RowKind, Summary};

/// `testids` prefixes each figure's `data-testid` ("checkout" gives
/// `checkout-shipping`, `checkout-total`…); every row that adds to the total
/// is also a `summary-row`, and inclusive tax is `summary-included-tax`.
#[component]
pub fn SummaryRows(summary: Summary, testids: &'static str) -> impl IntoView {
    let Summary { rows, total, included_tax } = summary;
    view! {
        <dl class="mt-4 space-y-1 border-t border-stone-200 pt-3 text-sm" data-testid="summary-rows">
            {rows.into_iter().map(|row| {
                let (name, colour) = match row.kind {
                    RowKind::Subtotal => ("subtotal", ""),
                    RowKind::Discount => ("discount", "text-emerald-700"),
                    RowKind::Shipping => ("shipping", ""),
                    RowKind::Tax => ("tax", ""),
                };
                view! {
                    <div class=format!("flex justify-between gap-2 {colour}") data-testid="summary-row" data-kind=name>
                        <dt>{row.label}</dt>
                        <dd data-testid=format!("{testids}-{name}")>{row.text}</dd>
                    </div>
                }
            }).collect_view()}
            <div class="flex justify-between gap-2 border-t border-stone-200 pt-2 text-base font-bold">
                <dt>"Total"</dt>
                <dd data-testid=format!("{testids}-total")>{total.display()}</dd>
            </div>
            {included_tax.map(|(label, amount)| view! {
                // Already inside the prices above, so set apart from the rows that add up.
                <div class="flex justify-between gap-2 text-xs text-stone-500" data-testid="summary-included-tax">
                    <dt>{label}</dt>
                    <dd data-testid=format!("{testids}-tax")>{amount.display()}</dd>
                </div>
            })}
        </dl>
    }
}

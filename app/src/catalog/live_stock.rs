//! A variant's stock label that follows the real-time channel: the number
//! the page rendered with until a sale, a hold or a restock changes it.

use leptos::prelude::*;
use uuid::Uuid;

use super::stock_label;
use crate::live::{use_live, Topic, Update};

/// "In stock", "Only 3 left" or "Sold out", kept current while shown.
#[component]
pub fn LiveStockLabel(variant_id: Uuid, rendered: i32) -> impl IntoView {
    let pushed = use_live(Topic::Stock(variant_id));
    let available = move || match pushed.get() {
        Some(Update::Stock { available, .. }) => available,
        _ => rendered,
    };
    view! {
        <span
            class=move || if available() <= 0 { "text-sm font-semibold text-rose-700" } else { "text-sm text-emerald-700" }
            data-testid="product-stock"
        >
            {move || stock_label(available())}
        </span>
    }
}

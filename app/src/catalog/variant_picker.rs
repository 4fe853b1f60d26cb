//! The one variant picker (the product page and the in-feed sheet): each
//! option's values are links to the product page with `?variant=<id>`, so
//! choosing works before hydration (a page load) and after (the router, or
//! the sheet's own signal, changes the choice without a reload).

use leptos::prelude::*;
use uuid::Uuid;

use super::{Product, Variant};
use crate::ui::encode_query_value;

/// The product page's address showing `variant`, keeping the attribution
/// context (`ctx`) and source (`src`) the page was opened with.
pub fn variant_href(product: Uuid, variant: Uuid, ctx: Option<&str>, src: Option<&str>) -> String {
    let mut href = format!("/p/{product}?variant={variant}");
    for (key, value) in [("ctx", ctx), ("src", src)] {
        if let Some(value) = value.filter(|v| !v.is_empty()) {
            href.push_str(&format!("&{key}={}", encode_query_value(value)));
        }
    }
    href
}

/// One row of choices per option. `selected` is the variant shown; a
/// choice's link leads to `Product::variant_choosing`. With `on_pick` (the
/// sheet) a click changes the choice in place instead of navigating.
#[component]
pub fn VariantPicker(
    product: StoredValue<Product>,
    #[prop(into)] selected: Signal<Option<Variant>>,
    #[prop(optional_no_strip)] ctx: Option<String>,
    #[prop(optional_no_strip)] src: Option<String>,
    #[prop(optional)] on_pick: Option<Callback<Uuid>>,
) -> impl IntoView {
    let (product_id, options) = product.with_value(|p| (p.id, p.options.clone()));
    if options.is_empty() {
        return ().into_any();
    }
    let (ctx, src) = (StoredValue::new(ctx), StoredValue::new(src));
    view! {
        <div class="mt-4 space-y-4" data-testid="variant-picker">
            {options.into_iter().enumerate().map(|(slot, option)| {
                let label_id = format!("option-{slot}-label");
                let labelled_by = label_id.clone();
                view! {
                    <div role="group" aria-labelledby=labelled_by>
                        <p id=label_id class="text-sm font-medium text-stone-700">{option.name.clone()}</p>
                        <div class="mt-2 flex flex-wrap gap-2">
                            {option.values.into_iter().map(|value| {
                                let target = {
                                    let value = value.clone();
                                    Memo::new(move |_| {
                                        selected.get().and_then(|current| {
                                            product.with_value(|p| p.variant_choosing(&current, slot, &value).cloned())
                                        })
                                    })
                                };
                                let is_on = {
                                    let value = value.clone();
                                    Signal::derive(move || selected.with(|s| s.as_ref().and_then(|v| v.values.get(slot)) == Some(&value)))
                                };
                                // Sold out when even the best variant with this value can't be bought.
                                let sold_out = Signal::derive(move || target.with(|t| t.as_ref().is_some_and(|v| v.available <= 0)));
                                let href = move || {
                                    target.with(|t| t.as_ref().map(|v| {
                                        ctx.with_value(|c| src.with_value(|s| variant_href(product_id, v.id, c.as_deref(), s.as_deref())))
                                    }))
                                };
                                let on_click = move |ev: web_sys::MouseEvent| {
                                    if let (Some(pick), Some(v)) = (on_pick, target.get_untracked()) {
                                        ev.prevent_default();
                                        pick.run(v.id);
                                    }
                                };
                                view! {
                                    // `replace` (read by the router) and `data-noscroll`: a choice
                                    // is not a new page in the history and keeps the scroll.
                                    <a href=href prop:replace=true data-noscroll="" on:click=on_click
                                        aria-current=move || is_on.get().then_some("true")
                                        data-testid="variant-choice" data-value=value.clone()
                                        class=move || format!(
                                            "rounded-lg border px-3 py-1.5 text-sm focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-300 {} {}",
                                            if is_on.get() { "border-fuchsia-600 bg-fuchsia-50 font-semibold text-fuchsia-800" } else { "border-stone-300 hover:bg-stone-50" },
                                            if sold_out.get() { "text-stone-400 line-through" } else { "" },
                                        )>
                                        <span>{value.clone()}</span>
                                        {move || sold_out.get().then(|| view! { <span class="sr-only">" (sold out)"</span> })}
                                    </a>
                                }
                            }).collect_view()}
                        </div>
                    </div>
                }
            }).collect_view()}
        </div>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::variant_href;
    use uuid::Uuid;

    #[test]
    fn a_choice_keeps_the_context_it_was_opened_with() {
        let (p, v) = (Uuid::from_u128(1), Uuid::from_u128(2));
        assert_eq!(variant_href(p, v, None, None), format!("/p/{p}?variant={v}"));
        assert_eq!(
            variant_href(p, v, Some("a.b-c_d"), Some("search")),
            format!("/p/{p}?variant={v}&ctx=a.b-c_d&src=search")
        );
        assert_eq!(variant_href(p, v, Some("x&y=z"), Some("")), format!("/p/{p}?variant={v}&ctx=x%26y%3Dz"));
    }
}

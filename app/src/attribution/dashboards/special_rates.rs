//! The special commission rates on the shop's analytics page: the rates for
//! one product, one creator, or one creator on one product, and the form
//! that adds or changes one.

use leptos::prelude::*;
use uuid::Uuid;

use super::styles::{
    BODY_CLASS, CARD_CLASS, HEAD_CLASS, NUMBER_CELL_CLASS, NUMBER_HEADER_CLASS, SECTION_HEADING_CLASS, TABLE_CLASS,
    TABLE_WRAP_CLASS, TEXT_CELL_CLASS, TEXT_HEADER_CLASS,
};
use crate::attribution::rates::api::SaveSpecialRate;
use crate::attribution::rates::rules::rate_text;
use crate::attribution::rates::SpecialRate;
use crate::ui::{ErrorAlert, FieldError, SuccessNote, INPUT_CLASS, LABEL_CLASS, SECONDARY_BUTTON_CLASS};

/// The special-rates table and the form that adds or changes one.
#[component]
pub fn SpecialRatesPanel(
    handle: String,
    rates: Vec<SpecialRate>,
    products: Vec<(Uuid, String)>,
    action: ServerAction<SaveSpecialRate>,
) -> impl IntoView {
    let error = Signal::derive(move || action.value().get().and_then(Result::err));
    let saved = Signal::derive(move || matches!(action.value().get(), Some(Ok(()))));
    view! {
        <section class=CARD_CLASS aria-labelledby="special-rates-heading">
            <h2 id="special-rates-heading" class=SECTION_HEADING_CLASS>"Special commission rates"</h2>
            <p class="mt-1 text-sm text-stone-600">
                "A rate for one product, one creator, or a creator on one product. The most specific rate applies; a lower rate waits 7 days, a higher one applies at once."
            </p>
            {if rates.is_empty() {
                view! { <p class="mt-3 text-sm text-stone-600" data-testid="special-rates-empty">"No special rates: every sale earns the default."</p> }.into_any()
            } else {
                view! { <SpecialRatesTable rates /> }.into_any()
            }}
            <ActionForm action=action attr:class="mt-4 space-y-3">
                <ErrorAlert error />
                <SuccessNote show=saved message="Special rate saved." />
                <input type="hidden" name="handle" value=handle />
                <div class="grid gap-3 sm:grid-cols-3">
                    <div>
                        <label for="special-product" class=LABEL_CLASS>"Product"</label>
                        <select id="special-product" name="product_id" class=INPUT_CLASS data-testid="special-product">
                            <option value="">"Any product"</option>
                            {products.into_iter().map(|(id, title)| view! { <option value=id.to_string()>{title}</option> }).collect_view()}
                        </select>
                        <FieldError error field="product_id" />
                    </div>
                    <div>
                        <label for="special-creator" class=LABEL_CLASS>"Creator (username)"</label>
                        <input id="special-creator" name="creator" placeholder="Any creator" autocomplete="off"
                            class=INPUT_CLASS data-testid="special-creator" />
                        <FieldError error field="creator" />
                    </div>
                    <div>
                        <label for="special-rate" class=LABEL_CLASS>"Rate (%)"</label>
                        <input id="special-rate" name="rate_pct" inputmode="decimal" required class=INPUT_CLASS
                            data-testid="special-rate" />
                        <FieldError error field="rate_pct" />
                    </div>
                </div>
                <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="save-special-rate" disabled=move || action.pending().get()>
                    {move || if action.pending().get() { "Saving…" } else { "Save special rate" }}
                </button>
            </ActionForm>
        </section>
    }
}

#[component]
fn SpecialRatesTable(rates: Vec<SpecialRate>) -> impl IntoView {
    view! {
        <div class=TABLE_WRAP_CLASS>
            <table class=TABLE_CLASS data-testid="special-rates">
                <thead class=HEAD_CLASS>
                    <tr>
                        <th scope="col" class=TEXT_HEADER_CLASS>"Product"</th>
                        <th scope="col" class=TEXT_HEADER_CLASS>"Creator"</th>
                        <th scope="col" class=NUMBER_HEADER_CLASS>"Rate now"</th>
                        <th scope="col" class=TEXT_HEADER_CLASS>"Coming"</th>
                    </tr>
                </thead>
                <tbody class=BODY_CLASS>
                    {rates.into_iter().map(|r| {
                        let now = r.current_bp.map(|bp| format!("{}%", rate_text(bp))).unwrap_or_else(|| "Default".into());
                        let coming = r.scheduled
                            .map(|(bp, at)| format!("{}% from {}", rate_text(bp), at.format("%-d %b %Y")))
                            .unwrap_or_default();
                        let key = r.creator.clone().unwrap_or_default();
                        let creator = r.creator.map(|c| format!("@{c}")).unwrap_or_else(|| "Any creator".into());
                        view! {
                            <tr data-testid="special-rate-row" data-creator=key>
                                <td class=TEXT_CELL_CLASS>{r.product.unwrap_or_else(|| "Any product".into())}</td>
                                <td class=TEXT_CELL_CLASS>{creator}</td>
                                <td class=NUMBER_CELL_CLASS data-testid="special-rate-now">{now}</td>
                                <td class=TEXT_CELL_CLASS data-testid="special-rate-coming">{coming}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}

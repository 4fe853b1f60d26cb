//! The shipping address fields, shared by checkout's address step and the
//! wallet's saved address. Inputs post as `address[line1]`…, which a server
//! function reads into `AddressInput`; errors name the `ship_*` field, as
//! `address::validate` reports them.

use leptos::prelude::*;

use super::address::{Address, SHIPPING_COUNTRIES};
use crate::error::AppError;
use crate::ui::{FieldError, INPUT_CLASS, LABEL_CLASS};

/// The fields, filled with `address`; `id_prefix` keeps the ids unique on
/// the page ("co" on checkout gives `co-ship_city`…).
#[component]
pub fn AddressFields(
    address: Address,
    #[prop(into)] error: Signal<Option<AppError>>,
    id_prefix: &'static str,
) -> impl IntoView {
    let field = move |name: &'static str,
                      label: &'static str,
                      value: String,
                      autocomplete: &'static str,
                      required: bool| {
        let input_name = match name.strip_prefix("ship_") {
            Some(part) => format!("address[{part}]"),
            None => name.to_string(),
        };
        view! {
            <div>
                <label for=format!("{id_prefix}-{name}") class=LABEL_CLASS>{label}{(!required).then_some(" (optional)")}</label>
                <input id=format!("{id_prefix}-{name}") name=input_name value=value autocomplete=autocomplete required=required class=INPUT_CLASS
                    aria-describedby=format!("{name}-error") />
                <FieldError error field=name />
            </div>
        }
    };
    let a = address;
    let country = a.country.clone();
    view! {
        {field("ship_name", "Full name", a.name.clone(), "name", true)}
        <div>
            <label for=format!("{id_prefix}-ship_country") class=LABEL_CLASS>"Country"</label>
            <select id=format!("{id_prefix}-ship_country") name="address[country]" autocomplete="country" required class=INPUT_CLASS data-testid="ship-country">
                {SHIPPING_COUNTRIES.iter().map(|(code, name)| view! {
                    <option value=*code selected=country == *code>{*name}</option>
                }).collect_view()}
            </select>
            <FieldError error field="ship_country" />
        </div>
        {field("ship_line1", "Address", a.line1.clone(), "address-line1", true)}
        {field("ship_line2", "Apartment, suite, etc.", a.line2.clone(), "address-line2", false)}
        <div class="grid gap-3 sm:grid-cols-3">
            {field("ship_city", "City", a.city.clone(), "address-level2", true)}
            {field("ship_region", "State / region", a.region.clone(), "address-level1", false)}
            {field("ship_postal_code", "Postal code", a.postal_code.clone(), "postal-code", false)}
        </div>
        {field("ship_phone", "Phone", a.phone.clone(), "tel", false)}
    }
}

//! `/s/:handle/promotions`: the owner's promotions, each with its rule, its
//! version and how often it was used, a form to create one, and "End".

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;

use super::api::{shop_promotions, ArchivePromotion, SavePromotion};
use super::PromotionRow;
use crate::money::{Currency, Money};
use crate::ui::{
    ErrorAlert, ErrorPage, FieldError, Loading, SuccessNote, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS,
};

#[component]
pub fn PromotionsPage() -> impl IntoView {
    let params = use_params_map();
    let save = ServerAction::<SavePromotion>::new();
    let archive = ServerAction::<ArchivePromotion>::new();
    let handle = move || params.read().get("handle").unwrap_or_default();
    let data =
        Resource::new(move || (handle(), save.version().get() + archive.version().get()), |(h, _)| shop_promotions(h));
    let archive_error = Signal::derive(move || archive.value().get().and_then(Result::err));
    view! {
        <Title text="Promotions" />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok((name, currency, rows)) => view! {
                        <div class="flex flex-wrap items-center justify-between gap-2">
                            <h1 class="text-2xl font-bold">{format!("Promotions · {name}")}</h1>
                            <A href=format!("/s/{}/manage", handle()) attr:class="text-sm font-semibold text-fuchsia-700 hover:underline">"Manage shop"</A>
                        </div>
                        <div class="mt-3"><ErrorAlert error=archive_error /></div>
                        <div class="mt-4 grid gap-6 lg:grid-cols-2">
                            <PromotionList rows currency shop=handle() archive />
                            <NewPromotionForm shop=handle() save />
                        </div>
                    }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn PromotionList(
    rows: Vec<PromotionRow>,
    currency: Currency,
    shop: String,
    archive: ServerAction<ArchivePromotion>,
) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="text-stone-600" data-testid="no-promotions">"No live promotions."</p> }.into_any();
    }
    view! {
        <ul class="space-y-3" data-testid="promotion-list">
            {rows.into_iter().map(|row| {
                let r = row.rule;
                let shop = shop.clone();
                view! {
                    <li class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" data-testid="promotion">
                        <div class="flex flex-wrap items-baseline justify-between gap-2">
                            <p class="font-semibold">{r.title.clone()}</p>
                            <span class="text-xs text-stone-500">{format!("version {}", r.version)}</span>
                        </div>
                        <p class="text-sm">{r.effect.describe(currency)}
                            {r.condition.min_subtotal_minor.map(|m| format!(" · on orders of {} or more", Money::new(m, currency).display()))}
                        </p>
                        <p class="text-sm text-stone-600">
                            {match &r.code { Some(c) => format!("Code {c}"), None => "Automatic".to_string() }}
                            {r.exclusive.then_some(" · exclusive")}
                            {format!(" · priority {}", r.priority)}
                            {r.usage_limit.map(|n| format!(" · {n} uses in all"))}
                            {r.per_customer_limit.map(|n| format!(" · {n} per customer"))}
                        </p>
                        <p class="text-sm text-stone-600">
                            {format!("From {}", r.starts_at.format("%-d %b %Y"))}
                            {r.ends_at.map(|e| format!(" until {}", e.format("%-d %b %Y")))}
                            {format!(" · used {} times, {} given", row.uses, Money::new(row.given_minor, currency).display())}
                        </p>
                        <ActionForm action=archive attr:class="mt-2">
                            <input type="hidden" name="shop" value=shop.clone() />
                            <input type="hidden" name="promotion" value=r.promotion_id.to_string() />
                            <button type="submit" class="text-sm font-semibold text-rose-700 hover:underline" data-testid="end-promotion">"End promotion"</button>
                        </ActionForm>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn NewPromotionForm(shop: String, save: ServerAction<SavePromotion>) -> impl IntoView {
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = Signal::derive(move || matches!(save.value().get(), Some(Ok(()))));
    let input = move |name: &'static str, label: &'static str, hint: &'static str| {
        let full = format!("form[{name}]");
        view! {
            <div>
                <label for=format!("promo-{name}") class=LABEL_CLASS>{label}</label>
                <input id=format!("promo-{name}") name=full placeholder=hint class=INPUT_CLASS data-testid=format!("promo-{name}") />
                <FieldError error field=name />
            </div>
        }
    };
    view! {
        <section class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
            <h2 class="text-lg font-semibold">"New promotion"</h2>
            <ActionForm action=save attr:class="mt-3 space-y-3">
                <ErrorAlert error />
                <SuccessNote show=saved message="Promotion saved." />
                <input type="hidden" name="form[shop]" value=shop />
                {input("title", "Name", "Summer sale")}
                {input("code", "Code (leave empty for an automatic discount)", "SUMMER10")}
                <div>
                    <label for="promo-kind" class=LABEL_CLASS>"What it does"</label>
                    <select id="promo-kind" name="form[kind]" class=INPUT_CLASS data-testid="promo-kind">
                        <option value="percent_order">"Percent off the order"</option>
                        <option value="fixed_order">"Amount off the order"</option>
                        <option value="percent_items">"Percent off each item"</option>
                        <option value="fixed_items">"Amount off each item"</option>
                        <option value="buy_x_get_y">"Buy X, get Y"</option>
                    </select>
                    <FieldError error field="kind" />
                </div>
                {input("value", "Percent or amount (for buy X get Y: percent off the free items, empty = free)", "10")}
                <div class="grid grid-cols-2 gap-3">
                    {input("buy", "Buy X", "2")}
                    {input("get", "Get Y", "1")}
                </div>
                {input("min_subtotal", "Minimum subtotal (optional)", "50.00")}
                <div class="grid grid-cols-2 gap-3">
                    {input("starts_on", "Starts (YYYY-MM-DD, empty = now)", "")}
                    {input("ends_on", "Ends (optional)", "")}
                </div>
                <div class="grid grid-cols-3 gap-3">
                    {input("usage_limit", "Uses in all", "")}
                    {input("per_customer_limit", "Per customer", "")}
                    {input("priority", "Priority", "0")}
                </div>
                <label class="flex items-center gap-2 text-sm">
                    <input type="checkbox" name="form[exclusive]" value="1" />"Exclusive: never combined with other promotions"
                </label>
                <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="save-promotion">"Save promotion"</button>
            </ActionForm>
        </section>
    }
}

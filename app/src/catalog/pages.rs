//! Product pages and the merchant's product forms: `/p/:id` (gallery of
//! facts, variant picker, price and stock) and `/p/:id/edit` (status and
//! the variant grid), plus the product grid and new-product form used by
//! shop pages.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;

use super::api::{get_product, CreateProduct, SetProductStatus, UpdateVariant};
use super::{stock_label, Product, ProductCard, ProductStatus, Variant};
use crate::error::AppError;
use crate::money::Currency;
use crate::ui::{
    ErrorAlert, ErrorPage, FieldError, Loading, SuccessNote, INPUT_CLASS, LABEL_CLASS, PRIMARY_BUTTON_CLASS,
    SECONDARY_BUTTON_CLASS,
};

#[component]
pub fn ProductGrid(products: Vec<ProductCard>, show_status: bool) -> impl IntoView {
    if products.is_empty() {
        return view! { <p class="py-6 text-center text-stone-500" data-testid="no-products">"No products yet."</p> }
            .into_any();
    }
    view! {
        <ul class="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-3" data-testid="product-grid">
            {products.into_iter().map(|p| view! {
                <li class="rounded-xl border border-stone-200 bg-white p-3 shadow-sm" data-testid="product-card">
                    <A href=format!("/p/{}", p.id) attr:class="block">
                        <span class="block font-semibold hover:underline">{p.title.clone()}</span>
                        <span class="mt-1 block text-sm text-stone-700">
                            {if p.variants > 1 { format!("from {}", p.price_from.display()) } else { p.price_from.display() }}
                        </span>
                    </A>
                    <div class="mt-2 flex flex-wrap gap-1 text-xs">
                        {(!p.in_stock).then(|| view! { <span class="rounded bg-stone-200 px-1.5 py-0.5">"Sold out"</span> })}
                        {(show_status && p.status != ProductStatus::Active).then(|| view! {
                            <span class="rounded bg-amber-100 px-1.5 py-0.5 text-amber-800" data-testid="product-status">{p.status.label()}</span>
                        })}
                    </div>
                </li>
            }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
pub fn NewProductForm(shop: String, currency: Currency) -> impl IntoView {
    let create = ServerAction::<CreateProduct>::new();
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    let option_row = move |n: usize, name_hint: &'static str, values_hint: &'static str| {
        let name_field: &'static str = ["option1_name", "option2_name", "option3_name"][n - 1];
        let values_field: &'static str = ["option1_values", "option2_values", "option3_values"][n - 1];
        view! {
            <div class="grid grid-cols-3 gap-2">
                <div>
                    <label for=format!("opt{n}-name") class=LABEL_CLASS>{format!("Option {n}")}</label>
                    <input id=format!("opt{n}-name") name=format!("form[{name_field}]") maxlength="40" placeholder=name_hint class=INPUT_CLASS />
                </div>
                <div class="col-span-2">
                    <label for=format!("opt{n}-values") class=LABEL_CLASS>{format!("Option {n} values")}</label>
                    <input id=format!("opt{n}-values") name=format!("form[{values_field}]") placeholder=values_hint class=INPUT_CLASS />
                </div>
                <div class="col-span-3">
                    <FieldError error field=name_field />
                    <FieldError error field=values_field />
                </div>
            </div>
        }
    };
    view! {
        <ActionForm action=create>
            <div class="mt-3 space-y-3" data-testid="new-product-form">
                <ErrorAlert error />
                <input type="hidden" name="form[shop]" value=shop />
                <div>
                    <label for="product-title" class=LABEL_CLASS>"Title"</label>
                    <input id="product-title" name="form[title]" required maxlength="140" class=INPUT_CLASS />
                    <FieldError error field="title" />
                </div>
                <div>
                    <label for="product-description" class=LABEL_CLASS>"Description"</label>
                    <textarea id="product-description" name="form[description]" rows="3" maxlength="5000" class=INPUT_CLASS></textarea>
                </div>
                <div class="grid grid-cols-3 gap-2">
                    <div>
                        <label for="product-price" class=LABEL_CLASS>{format!("Price ({})", currency.code())}</label>
                        <input id="product-price" name="form[price]" required inputmode="decimal" placeholder="25.00" class=INPUT_CLASS />
                    </div>
                    <div>
                        <label for="product-compare" class=LABEL_CLASS>"Compare at"</label>
                        <input id="product-compare" name="form[compare_at]" inputmode="decimal" placeholder="optional" class=INPUT_CLASS />
                    </div>
                    <div>
                        <label for="product-stock" class=LABEL_CLASS>"Stock each"</label>
                        <input id="product-stock" name="form[stock]" required inputmode="numeric" value="10" class=INPUT_CLASS />
                    </div>
                    <div class="col-span-3">
                        <FieldError error field="price" />
                        <FieldError error field="compare_at" />
                        <FieldError error field="stock" />
                    </div>
                </div>
                <p class="text-sm text-stone-600">"Options make variants: Size S, M and Colour Red, Blue make four. Leave them empty for a single variant."</p>
                {option_row(1, "Size", "S, M, L")}
                {option_row(2, "Colour", "Red, Blue")}
                {option_row(3, "Material", "")}
                <div>
                    <label for="product-status" class=LABEL_CLASS>"Status"</label>
                    <select id="product-status" name="form[status]" class=INPUT_CLASS>
                        <option value="active">"Active: visible to everyone"</option>
                        <option value="draft">"Draft: only you see it"</option>
                    </select>
                </div>
                <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="create-product" disabled=move || create.pending().get()>
                    {move || if create.pending().get() { "Creating…" } else { "Create product" }}
                </button>
            </div>
        </ActionForm>
    }
}

fn product_id() -> impl Fn() -> Option<Uuid> + Send + Sync + Copy + 'static {
    let params = use_params_map();
    move || params.read().get("id").and_then(|id| Uuid::parse_str(&id).ok())
}

async fn load_product(id: Option<Uuid>) -> Result<Product, AppError> {
    match id {
        Some(id) => get_product(id).await,
        None => Err(AppError::NotFound("Product".into())),
    }
}

#[component]
pub fn ProductPage() -> impl IntoView {
    let id = product_id();
    let product = Resource::new(id, load_product);
    view! {
        <Suspense fallback=|| view! { <Loading label="Loading product…" /> }>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(p) => view! { <ProductView product=p /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The product with its variant picker: choosing values updates the price
/// and stock shown. Before hydration the first variant is shown.
#[component]
fn ProductView(product: Product) -> impl IntoView {
    let first = product.variants.first().map(|v| v.values.clone()).unwrap_or_default();
    let picked = RwSignal::new(first);
    let product = StoredValue::new(product);
    let selected = Memo::new(move |_| product.with_value(|p| p.variant_for(&picked.get()).cloned()));
    let p = product.get_value();
    view! {
        <Title text=p.title.clone() />
        <Meta name="description" content=format!("{} from {} on Storefeed", p.title, p.shop_name) />
        <article class="mx-auto max-w-2xl rounded-2xl border border-stone-200 bg-white p-6 shadow-sm" data-testid="product">
            <p class="text-sm">
                <A href=format!("/s/{}", p.shop_handle) attr:class="font-semibold text-fuchsia-700 hover:underline" attr:data-testid="product-shop">{p.shop_name.clone()}</A>
            </p>
            <h1 class="mt-1 text-2xl font-bold" data-testid="product-title">{p.title.clone()}</h1>
            {(p.status != ProductStatus::Active).then(|| view! {
                <p class="mt-1 inline-block rounded bg-amber-100 px-2 py-0.5 text-sm text-amber-800">{format!("{}: only you can see this product", p.status.label())}</p>
            })}
            <PriceLine selected />
            <div class="mt-4 space-y-4">
                {p.options.iter().enumerate().map(|(i, option)| {
                    let name = option.name.clone();
                    view! {
                        <fieldset>
                            <legend class="text-sm font-medium text-stone-700">{name.clone()}</legend>
                            <div class="mt-2 flex flex-wrap gap-2">
                                {option.values.iter().map(|value| {
                                    let value = value.clone();
                                    let label = value.clone();
                                    let mine = value.clone();
                                    let is_on = Signal::derive(move || picked.with(|p| p.get(i) == Some(&mine)));
                                    view! {
                                        <label class=move || format!(
                                            "cursor-pointer rounded-lg border px-3 py-1.5 text-sm focus-within:ring-2 focus-within:ring-fuchsia-300 {}",
                                            if is_on.get() { "border-fuchsia-600 bg-fuchsia-50 font-semibold text-fuchsia-800" } else { "border-stone-300" }
                                        )>
                                            <input type="radio" class="sr-only" name=format!("option-{i}") value=value.clone()
                                                prop:checked=is_on
                                                on:change=move |_| picked.update(|p| if let Some(slot) = p.get_mut(i) { *slot = value.clone(); }) />
                                            {label}
                                        </label>
                                    }
                                }).collect_view()}
                            </div>
                        </fieldset>
                    }
                }).collect_view()}
            </div>
            {(!p.description.is_empty()).then(|| view! { <p class="mt-6 whitespace-pre-line text-stone-700">{p.description.clone()}</p> })}
            {p.is_owner.then(|| view! {
                <A href=format!("/p/{}/edit", p.id) attr:class=format!("{SECONDARY_BUTTON_CLASS} mt-6") attr:data-testid="edit-product">"Edit product"</A>
            })}
        </article>
    }
}

#[component]
fn PriceLine(selected: Memo<Option<Variant>>) -> impl IntoView {
    view! {
        <div class="mt-3 flex flex-wrap items-baseline gap-3" aria-live="polite">
            {move || match selected.get() {
                Some(v) => view! {
                    <span class="text-2xl font-bold" data-testid="product-price">{v.price.display()}</span>
                    {v.compare_at.map(|c| view! { <s class="text-stone-500" data-testid="product-compare-at">{c.display()}</s> })}
                    <span class=if v.stock_on_hand == 0 { "text-sm font-semibold text-rose-700" } else { "text-sm text-emerald-700" } data-testid="product-stock">
                        {stock_label(v.stock_on_hand)}
                    </span>
                    <span class="text-sm text-stone-500" data-testid="product-variant">{v.title.clone()}</span>
                }.into_any(),
                None => view! { <span class="text-stone-500" data-testid="product-unavailable">"This combination isn't available."</span> }.into_any(),
            }}
        </div>
    }
}

#[component]
pub fn EditProductPage() -> impl IntoView {
    let id = product_id();
    let status = ServerAction::<SetProductStatus>::new();
    let product = Resource::new(move || (id(), status.version().get()), |(id, _)| load_product(id));
    view! {
        <Title text="Edit product" />
        <Suspense fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(p) if p.is_owner => view! { <EditProduct product=p status /> }.into_any(),
                    Ok(_) => view! { <ErrorPage error=AppError::Forbidden /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EditProduct(product: Product, status: ServerAction<SetProductStatus>) -> impl IntoView {
    let status_error = Signal::derive(move || status.value().get().and_then(Result::err));
    view! {
        <section class="mx-auto max-w-3xl space-y-6">
            <div class="flex flex-wrap items-center justify-between gap-2">
                <h1 class="text-2xl font-bold">{format!("Edit {}", product.title)}</h1>
                <A href=format!("/p/{}", product.id) attr:class="text-sm font-semibold text-fuchsia-700 hover:underline" attr:data-testid="view-product">"View product"</A>
            </div>
            <ActionForm action=status>
                <div class="flex flex-wrap items-end gap-3 rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
                    <input type="hidden" name="id" value=product.id.to_string() />
                    <div>
                        <label for="status" class=LABEL_CLASS>"Status"</label>
                        <select id="status" name="status" class=INPUT_CLASS>
                            {[ProductStatus::Active, ProductStatus::Draft, ProductStatus::Archived].into_iter().map(|s| view! {
                                <option value=s.as_str() selected=s == product.status>{s.label()}</option>
                            }).collect_view()}
                        </select>
                    </div>
                    <button type="submit" class=SECONDARY_BUTTON_CLASS data-testid="save-status">"Save status"</button>
                    <div class="w-full"><ErrorAlert error=status_error /></div>
                </div>
            </ActionForm>
            <div class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
                <h2 class="text-lg font-semibold">"Variants"</h2>
                <ul class="mt-3 space-y-4" data-testid="variant-rows">
                    {product.variants.into_iter().map(|v| view! { <VariantRow variant=v /> }).collect_view()}
                </ul>
            </div>
        </section>
    }
}

#[component]
fn VariantRow(variant: Variant) -> impl IntoView {
    let save = ServerAction::<UpdateVariant>::new();
    let error = Signal::derive(move || save.value().get().and_then(Result::err));
    let saved = Signal::derive(move || matches!(save.value().get(), Some(Ok(()))));
    let id = variant.id.to_string();
    let field_id = move |f: &str| format!("{f}-{}", variant.id);
    view! {
        <li class="border-b border-stone-100 pb-4 last:border-0" data-testid="variant-row">
            <ActionForm action=save>
                <p class="font-medium">{variant.title.clone()}</p>
                <input type="hidden" name="id" value=id />
                <div class="mt-2 grid grid-cols-2 gap-2 sm:grid-cols-5 sm:items-end">
                    <div>
                        <label for=field_id("sku") class=LABEL_CLASS>"SKU"</label>
                        <input id=field_id("sku") name="sku" required maxlength="64" value=variant.sku.clone() class=INPUT_CLASS />
                    </div>
                    <div>
                        <label for=field_id("price") class=LABEL_CLASS>"Price"</label>
                        <input id=field_id("price") name="price" required inputmode="decimal" value=variant.price.amount_string() class=INPUT_CLASS />
                    </div>
                    <div>
                        <label for=field_id("compare") class=LABEL_CLASS>"Compare at"</label>
                        <input id=field_id("compare") name="compare_at" inputmode="decimal"
                            value=variant.compare_at.map(|c| c.amount_string()).unwrap_or_default() class=INPUT_CLASS />
                    </div>
                    <div>
                        <label for=field_id("stock") class=LABEL_CLASS>"Stock"</label>
                        <input id=field_id("stock") name="stock" required inputmode="numeric" value=variant.stock_on_hand.to_string() class=INPUT_CLASS />
                    </div>
                    <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="save-variant">"Save"</button>
                </div>
                <div class="mt-2"><ErrorAlert error /><SuccessNote show=saved message="Saved." /></div>
            </ActionForm>
        </li>
    }
}

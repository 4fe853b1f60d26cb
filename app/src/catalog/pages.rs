//! Product pages and the merchant's product forms: `/p/:id` (image
//! gallery, variant picker, price and stock) and `/p/:id/edit` (status,
//! images and the variant grid), plus the product grid, the picker row and
//! the new-product form used elsewhere.

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use uuid::Uuid;
use web_sys::FormData;

use super::api::{
    add_product_images, get_product, AddProductImages, CreateProduct, MakeProductCover, RemoveProductImage,
    SetProductStatus, UpdateVariant,
};
use super::forms::ImageUploadForm;
use super::live_stock::LiveStockLabel;
use super::rules::{GALLERY_IMAGES, MAX_IMAGES};
use super::variant_picker::VariantPicker;
use super::{Product, ProductCard, ProductImage, ProductPick, ProductStatus, Variant};
use crate::cart::pages::{context_from_url, AddToCartForm};
use crate::error::AppError;
use crate::groups::components::{GroupDealEditor, ProductGroupsSection};
use crate::media::ImageLimits;
use crate::money::Currency;
use crate::plans::pages::{PlanManager, ProductPlans};
use crate::posts::related::pages::RelatedPosts;
use crate::posts::related::About;
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
                        {match p.image_url.clone() {
                            Some(url) => view! {
                                <img src=url alt="" loading="lazy" class="aspect-square w-full rounded-lg bg-stone-100 object-cover" data-testid="product-card-image" />
                            }.into_any(),
                            None => view! {
                                <span class="block aspect-square w-full rounded-lg bg-gradient-to-br from-stone-100 to-stone-200" aria-hidden="true"></span>
                            }.into_any(),
                        }}
                        <span class="mt-2 block font-semibold hover:underline">{p.title.clone()}</span>
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

/// A product as search pickers list it: cover thumbnail, title, shop and
/// price. Phrasing content only, so it fits inside a `<button>`.
#[component]
pub fn ProductPickSummary(pick: ProductPick) -> impl IntoView {
    let ProductPick { title, shop_name, price_from, image_url, .. } = pick;
    view! {
        <span class="flex items-center gap-2 text-left">
            {match image_url {
                Some(url) => view! {
                    <img src=url alt="" class="h-10 w-10 shrink-0 rounded-md bg-stone-100 object-cover" data-testid="pick-image" />
                }.into_any(),
                None => view! { <span class="h-10 w-10 shrink-0 rounded-md bg-stone-100" aria-hidden="true"></span> }.into_any(),
            }}
            <span class="min-w-0">
                <span class="block truncate font-medium">{title}</span>
                <span class="block truncate text-stone-500">{format!("{shop_name} · {}", price_from.display())}</span>
            </span>
        </span>
    }
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
    let query = leptos_router::hooks::use_query_map();
    let product = Resource::new(
        move || (id(), query.with(|q| (q.get("ctx"), q.get("src")))),
        |(id, (ctx, src))| async move {
            match id {
                Some(id) => super::api::view_product(id, ctx, src).await,
                None => Err(AppError::NotFound("Product".into())),
            }
        },
    );
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

/// The product with its variant picker. The variant shown is the one in
/// `?variant=` (each choice is a link), or the first in stock.
#[component]
fn ProductView(product: Product) -> impl IntoView {
    let query = leptos_router::hooks::use_query_map();
    let product = StoredValue::new(product);
    let selected = Memo::new(move |_| {
        let wanted = query.with(|q| q.get("variant")).and_then(|id| Uuid::parse_str(&id).ok());
        product.with_value(|p| p.variant_or_opening(wanted).cloned())
    });
    let (ctx, src) = query.with_untracked(|q| (q.get("ctx"), q.get("src")));
    let p = product.get_value();
    view! {
        <Title text=p.title.clone() />
        <Meta name="description" content=format!("{} from {} on Storefeed", p.title, p.shop_name) />
        <article class="mx-auto max-w-2xl rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6" data-testid="product">
            <ProductGallery images=p.images.clone() title=p.title.clone() />
            <p class="text-sm">
                <A href=format!("/s/{}", p.shop_handle) attr:class="font-semibold text-fuchsia-700 hover:underline" attr:data-testid="product-shop">{p.shop_name.clone()}</A>
            </p>
            <h1 class="mt-1 text-2xl font-bold" data-testid="product-title">{p.title.clone()}</h1>
            {(p.status != ProductStatus::Active).then(|| view! {
                <p class="mt-1 inline-block rounded bg-amber-100 px-2 py-0.5 text-sm text-amber-800">{format!("{}: only you can see this product", p.status.label())}</p>
            })}
            <PriceLine selected />
            <VariantPicker product selected ctx src />
            {(p.status == ProductStatus::Active).then(|| view! {
                <AddToCartForm selected ctx=context_from_url() />
                <ProductPlans product_id=p.id selected ctx=context_from_url() />
            })}
            {(!p.description.is_empty()).then(|| view! { <p class="mt-6 whitespace-pre-line text-stone-700">{p.description.clone()}</p> })}
            {p.is_owner.then(|| view! {
                <A href=format!("/p/{}/edit", p.id) attr:class=format!("{SECONDARY_BUTTON_CLASS} mt-6") attr:data-testid="edit-product">"Edit product"</A>
            })}
            {if p.is_owner {
                view! { <crate::moderation::pages::ProductRemovalNotice product_id=p.id /> }.into_any()
            } else {
                view! { <p class="mt-6"><crate::moderation::pages::ReportLink kind=crate::moderation::TargetKind::Product id=p.id /></p> }.into_any()
            }}
        </article>
        {(p.status == ProductStatus::Active).then(|| view! { <ProductGroupsSection product=p.id ctx=context_from_url() /> })}
        <div class="mx-auto max-w-2xl">
            <RelatedPosts about=About::Product(p.id) heading="Posts featuring this product".into()
                empty="No posts feature this product yet." />
        </div>
    }
}

/// The product's images: one large, and a row of thumbnail buttons that
/// choose which. Before hydration the cover is shown.
#[component]
fn ProductGallery(images: Vec<ProductImage>, title: String) -> impl IntoView {
    let count = images.len();
    if count == 0 {
        return ().into_any();
    }
    let shown = RwSignal::new(0usize);
    let images = StoredValue::new(images);
    let current = move |f: fn(&ProductImage) -> String| images.with_value(|all| f(&all[shown.get().min(count - 1)]));
    view! {
        <div class="mb-4" data-testid="product-gallery">
            <div class="overflow-hidden rounded-xl bg-stone-100">
                <img
                    src=move || current(|i| i.url_1200.clone())
                    srcset=move || current(|i| crate::ui::srcset_600_1200(&i.url_600, &i.url_1200, i.width))
                    sizes="(min-width: 42rem) 40rem, 100vw"
                    width=move || current(|i| i.width.to_string())
                    height=move || current(|i| i.height.to_string())
                    alt=title
                    class="mx-auto max-h-[70vh] w-auto object-contain"
                    data-testid="gallery-main"
                />
            </div>
            {(count > 1).then(|| view! {
                <ul class="mt-2 flex gap-2 overflow-x-auto pb-1" aria-label="Product images">
                    {images.get_value().into_iter().enumerate().map(|(i, img)| view! {
                        <li class="shrink-0">
                            <button type="button" on:click=move |_| shown.set(i)
                                aria-label=format!("Show image {} of {count}", i + 1)
                                aria-pressed=move || (shown.get() == i).to_string()
                                data-testid="gallery-thumb"
                                class=move || format!(
                                    "block overflow-hidden rounded-lg border-2 focus:outline-none focus-visible:ring-2 focus-visible:ring-fuchsia-400 {}",
                                    if shown.get() == i { "border-fuchsia-600" } else { "border-transparent" }
                                )>
                                <img src=img.url_150 alt="" class="h-16 w-16 object-cover" />
                            </button>
                        </li>
                    }).collect_view()}
                </ul>
            })}
        </div>
    }
    .into_any()
}

#[component]
fn PriceLine(selected: Memo<Option<Variant>>) -> impl IntoView {
    view! {
        <div class="mt-3 flex flex-wrap items-baseline gap-3" aria-live="polite">
            {move || match selected.get() {
                Some(v) => view! {
                    <span class="text-2xl font-bold" data-testid="product-price">{v.price.display()}</span>
                    {v.compare_at.map(|c| view! { <s class="text-stone-500" data-testid="product-compare-at">{c.display()}</s> })}
                    <LiveStockLabel variant_id=v.id rendered=v.available />
                    <span class="text-sm text-stone-500" data-testid="product-variant">{v.title.clone()}</span>
                }.into_any(),
                None => view! { <span class="text-stone-500" data-testid="product-unavailable">"This combination isn't available."</span> }.into_any(),
            }}
        </div>
    }
}

/// The actions of the gallery editor, created once for the page so their
/// results survive the reload of the product they cause.
#[derive(Clone, Copy)]
struct GalleryActions {
    upload: Action<FormData, Result<(), AppError>>,
    remove: ServerAction<RemoveProductImage>,
    cover: ServerAction<MakeProductCover>,
}

#[component]
pub fn EditProductPage() -> impl IntoView {
    let id = product_id();
    let status = ServerAction::<SetProductStatus>::new();
    let gallery = GalleryActions {
        upload: Action::new_local(|data: &FormData| add_product_images(data.clone().into())),
        remove: ServerAction::new(),
        cover: ServerAction::new(),
    };
    let product = Resource::new(
        move || {
            let versions =
                (gallery.upload.version().get(), gallery.remove.version().get(), gallery.cover.version().get());
            (id(), status.version().get(), versions)
        },
        |(id, _, _)| load_product(id),
    );
    view! {
        <Title text="Edit product" />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match product.await {
                    Ok(p) if p.is_owner => view! { <EditProduct product=p status gallery /> }.into_any(),
                    Ok(_) => view! { <ErrorPage error=AppError::Forbidden /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn EditProduct(product: Product, status: ServerAction<SetProductStatus>, gallery: GalleryActions) -> impl IntoView {
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
            <GroupDealEditor product=product.id />
            <GalleryEditor product_id=product.id images=product.images.clone() title=product.title.clone() actions=gallery />
            <PlanManager product_id=product.id />
            <div class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm">
                <h2 class="text-lg font-semibold">"Variants"</h2>
                <ul class="mt-3 space-y-4" data-testid="variant-rows">
                    {product.variants.into_iter().map(|v| view! { <VariantRow variant=v /> }).collect_view()}
                </ul>
            </div>
        </section>
    }
}

/// The merchant's gallery: the images in order with "Make cover" and
/// "Remove", and the upload form while there is room.
#[component]
fn GalleryEditor(product_id: Uuid, images: Vec<ProductImage>, title: String, actions: GalleryActions) -> impl IntoView {
    let GalleryActions { upload, remove, cover } = actions;
    let count = images.len();
    let error = Signal::derive(move || {
        remove.value().get().and_then(Result::err).or_else(|| cover.value().get().and_then(Result::err))
    });
    let busy = move || remove.pending().get() || cover.pending().get();
    view! {
        <section class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm" data-testid="gallery-editor">
            <h2 class="text-lg font-semibold">"Images"</h2>
            <p class="mt-1 text-sm text-stone-600" data-testid="gallery-count">
                {format!("{count} of {MAX_IMAGES}. The first image is the cover shoppers see in your shop and in search.")}
            </p>
            <div class="mt-2"><ErrorAlert error /></div>
            {(count > 0).then(|| view! {
                <ul class="mt-3 grid grid-cols-2 gap-3 sm:grid-cols-4">
                    {images.into_iter().enumerate().map(|(i, img)| {
                        let (cover_id, remove_id) = (img.id.to_string(), img.id.to_string());
                        view! {
                            <li class="rounded-xl border border-stone-200 p-2" data-testid="gallery-image">
                                <img src=img.url_600 alt=format!("{title}, image {}", i + 1) loading="lazy"
                                    class="aspect-square w-full rounded-lg bg-stone-100 object-cover" />
                                <div class="mt-2 flex flex-wrap items-center justify-between gap-1 text-sm">
                                    {if i == 0 {
                                        view! { <span class="font-semibold text-fuchsia-700" data-testid="gallery-cover">"Cover"</span> }.into_any()
                                    } else {
                                        view! {
                                            <ActionForm action=cover>
                                                <input type="hidden" name="id" value=cover_id />
                                                <button type="submit" disabled=busy data-testid="make-cover"
                                                    aria-label=format!("Make image {} the cover", i + 1)
                                                    class="rounded px-1.5 py-1 font-medium text-fuchsia-700 hover:bg-fuchsia-50 disabled:opacity-60">
                                                    "Make cover"
                                                </button>
                                            </ActionForm>
                                        }.into_any()
                                    }}
                                    <ActionForm action=remove>
                                        <input type="hidden" name="id" value=remove_id />
                                        <button type="submit" disabled=busy data-testid="remove-image"
                                            aria-label=format!("Remove image {}", i + 1)
                                            class="rounded px-1.5 py-1 font-medium text-rose-700 hover:bg-rose-50 disabled:opacity-60">
                                            "Remove"
                                        </button>
                                    </ActionForm>
                                </div>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            })}
            <div class="mt-4">
                {if count < MAX_IMAGES {
                    view! {
                        <ImageUploadForm url=AddProductImages::url() action=upload
                            fields=vec![("product", product_id.to_string())] input_id="gallery-files"
                            limits=ImageLimits { max_files: MAX_IMAGES - count, ..GALLERY_IMAGES }
                            label="Add images (JPEG, PNG or WebP, up to 10 MB each)" button="Upload images"
                            testid="gallery-upload" />
                    }.into_any()
                } else {
                    view! { <p class="text-sm text-stone-600">"The gallery is full. Remove an image to add another."</p> }.into_any()
                }}
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

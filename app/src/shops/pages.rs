//! Shop pages: `/shops` (your shops), `/shops/new`, `/s/:handle` (the shop
//! window) and `/s/:handle/manage` (the owner's merchant page).

use leptos::prelude::*;
use leptos::server_fn::ServerFn as _;
use leptos_meta::{Meta, Title};
use leptos_router::components::{Redirect, A};
use leptos_router::hooks::use_params_map;
use web_sys::FormData;

use super::api::{get_shop, my_shops, upload_shop_image, CreateShop, UpdateShop, UploadShopImage};
use super::{Shop, ShopImageKind, ShopPage};
use crate::catalog::forms::ImageUploadForm;
use crate::catalog::pages::{NewProductForm, ProductGrid};
use crate::error::AppError;
use crate::money::Currency;
use crate::posts::related::pages::RelatedPosts;
use crate::posts::related::About;
use crate::ui::raw_text_safe;
use crate::ui::{
    exact_count, ErrorAlert, ErrorPage, FieldError, Loading, SuccessNote, INPUT_CLASS, LABEL_CLASS,
    PRIMARY_BUTTON_CLASS, SECONDARY_BUTTON_CLASS,
};

#[component]
pub fn MyShopsPage() -> impl IntoView {
    let shops = Resource::new(|| (), |_| my_shops());
    view! {
        <Title text="Your shops" />
        <section class="mx-auto max-w-xl">
            <div class="flex items-center justify-between">
                <h1 class="text-2xl font-bold">"Your shops"</h1>
                <A href="/shops/new" attr:class=PRIMARY_BUTTON_CLASS attr:data-testid="new-shop-link">"Open a shop"</A>
            </div>
            <Suspense fallback=|| view! { <Loading /> }>
                {move || Suspend::new(async move {
                    match shops.await {
                        Ok(list) if list.is_empty() => view! {
                            <p class="mt-6 rounded-2xl border border-dashed border-stone-300 bg-white p-8 text-center text-stone-500">
                                "You don't have a shop yet. Open one to tag your products in posts."
                            </p>
                        }.into_any(),
                        Ok(list) => view! {
                            <ul class="mt-6 divide-y divide-stone-200 rounded-2xl border border-stone-200 bg-white px-4 shadow-sm" data-testid="my-shops">
                                {list.into_iter().map(|s| view! {
                                    <li class="flex items-center justify-between gap-3 py-3">
                                        <A href=format!("/s/{}", s.handle) attr:class="flex min-w-0 items-center gap-3 font-semibold hover:underline">
                                            <ShopLogo url=s.logo_url.clone() name=s.name.clone() small=true />
                                            <span class="truncate">{s.name.clone()}</span>
                                        </A>
                                        <span class="shrink-0 text-sm text-stone-500">{exact_count(s.products, "product", "products")}</span>
                                        <A href=format!("/s/{}/manage", s.handle) attr:class="shrink-0 text-sm font-semibold text-fuchsia-700 hover:underline">"Manage"</A>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any(),
                        Err(AppError::Unauthorized) => view! { <Redirect path="/login?next=/shops" /> }.into_any(),
                        Err(error) => view! { <ErrorPage error /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
pub fn NewShopPage() -> impl IntoView {
    let create = ServerAction::<CreateShop>::new();
    let error = Signal::derive(move || create.value().get().and_then(Result::err));
    view! {
        <Title text="Open a shop" />
        <section class="mx-auto max-w-xl rounded-2xl border border-stone-200 bg-white p-6 shadow-sm">
            <h1 class="text-2xl font-bold">"Open a shop"</h1>
            <p class="mt-1 text-stone-600">"Your shop's handle is how people tag it: $yourshop."</p>
            <ActionForm action=create>
                <div class="mt-4 space-y-4" data-testid="new-shop-form">
                    <ErrorAlert error />
                    <div>
                        <label for="handle" class=LABEL_CLASS>"Handle"</label>
                        <input id="handle" name="handle" required maxlength="30" autocapitalize="none" spellcheck="false"
                            placeholder="nairobi_threads" class=INPUT_CLASS />
                        <FieldError error field="handle" />
                    </div>
                    <div>
                        <label for="name" class=LABEL_CLASS>"Shop name"</label>
                        <input id="name" name="name" required maxlength="80" class=INPUT_CLASS />
                        <FieldError error field="name" />
                    </div>
                    <div>
                        <label for="description" class=LABEL_CLASS>"Description"</label>
                        <textarea id="description" name="description" rows="3" maxlength="2000" class=INPUT_CLASS></textarea>
                        <FieldError error field="description" />
                    </div>
                    <div>
                        <label for="currency" class=LABEL_CLASS>"Currency"</label>
                        <select id="currency" name="currency" class=INPUT_CLASS>
                            {Currency::ALL.into_iter().map(|c| view! { <option value=c.code()>{c.code()}</option> }).collect_view()}
                        </select>
                        <FieldError error field="currency" />
                    </div>
                    <button type="submit" class=PRIMARY_BUTTON_CLASS data-testid="create-shop" disabled=move || create.pending().get()>
                        "Open shop"
                    </button>
                </div>
            </ActionForm>
        </section>
    }
}

/// A shop's logo, or its initial on a tile when it has none.
#[component]
pub fn ShopLogo(url: Option<String>, name: String, #[prop(optional)] small: bool) -> impl IntoView {
    let size = if small { "h-10 w-10 text-base" } else { "h-20 w-20 text-3xl sm:h-24 sm:w-24" };
    let base = format!("{size} shrink-0 rounded-xl object-cover ring-2 ring-white");
    match url {
        Some(url) => view! { <img src=url alt=format!("{name} logo") class=base data-testid="shop-logo" /> }.into_any(),
        None => {
            let initial = name.chars().next().map(|c| c.to_uppercase().to_string()).unwrap_or_default();
            view! {
                <span role="img" aria-label=format!("{name} logo")
                    class=format!("{base} inline-flex items-center justify-center bg-stone-800 font-bold text-white")>
                    {initial}
                </span>
            }
            .into_any()
        }
    }
}

fn use_shop(version: impl Fn() -> usize + Send + Sync + 'static) -> Resource<Result<ShopPage, AppError>> {
    let params = use_params_map();
    Resource::new(move || (params.read().get("handle").unwrap_or_default(), version()), |(handle, _)| get_shop(handle))
}

#[component]
pub fn ShopWindowPage() -> impl IntoView {
    let page = use_shop(|| 0);
    view! {
        <Suspense fallback=|| view! { <Loading label="Loading shop…" /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(ShopPage { shop, products }) => view! {
                        <Title text=format!("{} (${})", shop.name, shop.handle) />
                        <Meta name="description" content=if shop.description.is_empty() { format!("{} on Storefeed", shop.name) } else { shop.description.clone() } />
                        <article class="overflow-hidden rounded-2xl border border-stone-200 bg-white shadow-sm" data-testid="shop">
                            <ShopCover shop=shop.clone() />
                            <div class="-mt-10 flex flex-wrap items-end justify-between gap-3 px-4 sm:-mt-12 sm:px-6">
                                <ShopLogo url=shop.logo_url.clone() name=shop.name.clone() />
                            </div>
                            <div class="flex flex-wrap items-start justify-between gap-3 px-4 pt-3 sm:px-6">
                                <div>
                                    <h1 class="text-2xl font-bold" data-testid="shop-name">{shop.name.clone()}</h1>
                                    <p class="text-stone-500">"$"{shop.handle.clone()}" · by "
                                        <A href=format!("/u/{}", shop.owner_username) attr:class="hover:underline">"@"{shop.owner_username.clone()}</A>
                                    </p>
                                </div>
                                {shop.is_owner.then(|| view! {
                                    <A href=format!("/s/{}/manage", shop.handle) attr:class=SECONDARY_BUTTON_CLASS attr:data-testid="manage-shop">"Manage shop"</A>
                                })}
                            </div>
                            {(!shop.description.is_empty()).then(|| view! { <p class="mt-3 whitespace-pre-line px-4 sm:px-6">{shop.description.clone()}</p> })}
                            {(!shop.is_owner).then(|| view! {
                                <p class="mt-2 px-4 sm:px-6"><crate::moderation::pages::ReportLink kind=crate::moderation::TargetKind::Shop id=shop.id /></p>
                            })}
                            <div class="h-4 sm:h-6"></div>
                        </article>
                        <h2 class="mt-6 text-lg font-semibold">"Products"</h2>
                        <ProductGrid products show_status=shop.is_owner />
                        <div class="mx-auto max-w-xl">
                            <RelatedPosts about=About::Shop(shop.handle.clone()) heading="Posts about this shop".into()
                                empty="No posts tag or mention this shop yet." />
                        </div>
                    }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// The shop's cover image, or a plain band in its place.
#[component]
fn ShopCover(shop: Shop) -> impl IntoView {
    match shop.cover_url {
        Some(url) => view! {
            <img src=url alt=format!("{} cover image", shop.name) width="1500" height="500"
                class="aspect-[3/1] w-full bg-stone-100 object-cover" data-testid="shop-cover" />
        }
        .into_any(),
        None => view! {
            <div class="aspect-[3/1] max-h-40 w-full bg-gradient-to-br from-fuchsia-200 via-amber-100 to-emerald-100" aria-hidden="true"></div>
        }
        .into_any(),
    }
}

#[component]
pub fn ManageShopPage() -> impl IntoView {
    let update = ServerAction::<UpdateShop>::new();
    let logo: Action<FormData, Result<(), AppError>> =
        Action::new_local(|data: &FormData| upload_shop_image(data.clone().into()));
    let cover: Action<FormData, Result<(), AppError>> =
        Action::new_local(|data: &FormData| upload_shop_image(data.clone().into()));
    let page = use_shop(move || update.version().get() + logo.version().get() + cover.version().get());
    view! {
        <Title text="Manage shop" />
        <Transition fallback=|| view! { <Loading /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(ShopPage { shop, products }) if shop.is_owner => {
                        let error = Signal::derive(move || update.value().get().and_then(Result::err));
                        let saved = Signal::derive(move || matches!(update.value().get(), Some(Ok(()))));
                        view! {
                            <div class="flex flex-wrap items-center justify-between gap-2">
                                <h1 class="text-2xl font-bold">{format!("Manage {}", shop.name)}</h1>
                                <div class="flex flex-wrap gap-4">
                                    <A href=format!("/s/{}/orders", shop.handle) attr:class="text-sm font-semibold text-fuchsia-700 hover:underline" attr:data-testid="shop-orders-link">"Orders"</A>
                                    <A href=format!("/s/{}/stock", shop.handle) attr:class="text-sm font-semibold text-fuchsia-700 hover:underline" attr:data-testid="shop-stock-link">"Stock"</A>
                                    <A href=format!("/s/{}/promotions", shop.handle) attr:class="text-sm font-semibold text-fuchsia-700 hover:underline" attr:data-testid="shop-promotions-link">"Promotions"</A>
                                    <A href=format!("/s/{}/analytics", shop.handle) attr:class="text-sm font-semibold text-fuchsia-700 hover:underline" attr:data-testid="shop-analytics-link">"Analytics"</A>
                                    <A href=format!("/s/{}", shop.handle) attr:class="text-sm font-semibold text-fuchsia-700 hover:underline">"View shop"</A>
                                </div>
                            </div>
                            <div class="mt-4 grid gap-6 lg:grid-cols-2">
                                <section class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
                                    <h2 class="text-lg font-semibold">"New product"</h2>
                                    <NewProductForm shop=shop.handle.clone() currency=shop.currency />
                                </section>
                                <div class="space-y-6">
                                    <section class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
                                        <h2 class="text-lg font-semibold">"Products"</h2>
                                        <ProductGrid products show_status=true />
                                    </section>
                                    <section class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6" data-testid="shop-pictures">
                                        <h2 class="text-lg font-semibold">"Logo and cover"</h2>
                                        <div class="mt-3 flex items-center gap-4">
                                            <ShopLogo url=shop.logo_url.clone() name=shop.name.clone() small=true />
                                            <div class="min-w-0 flex-1">
                                                <ShopImageUpload handle=shop.handle.clone() kind=ShopImageKind::Logo action=logo />
                                            </div>
                                        </div>
                                        <div class="mt-4 space-y-2">
                                            {match shop.cover_url.clone() {
                                                Some(url) => view! { <img src=url alt=format!("{} cover image", shop.name) class="aspect-[3/1] w-full rounded-lg object-cover" data-testid="shop-cover" /> }.into_any(),
                                                None => view! { <div class="aspect-[3/1] max-h-24 w-full rounded-lg bg-gradient-to-br from-fuchsia-200 via-amber-100 to-emerald-100" aria-hidden="true"></div> }.into_any(),
                                            }}
                                            <ShopImageUpload handle=shop.handle.clone() kind=ShopImageKind::Cover action=cover />
                                        </div>
                                    </section>
                                    <section class="rounded-2xl border border-stone-200 bg-white p-4 shadow-sm sm:p-6">
                                        <h2 class="text-lg font-semibold">"Shop details"</h2>
                                        <ActionForm action=update>
                                            <div class="mt-3 space-y-3">
                                                <ErrorAlert error />
                                                <SuccessNote show=saved message="Shop saved." />
                                                <input type="hidden" name="handle" value=shop.handle.clone() />
                                                <div>
                                                    <label for="shop-name" class=LABEL_CLASS>"Shop name"</label>
                                                    <input id="shop-name" name="name" required maxlength="80" value=shop.name.clone() class=INPUT_CLASS />
                                                </div>
                                                <div>
                                                    <label for="shop-description" class=LABEL_CLASS>"Description"</label>
                                                    <textarea id="shop-description" name="description" rows="3" maxlength="2000" class=INPUT_CLASS>{raw_text_safe(shop.description.clone())}</textarea>
                                                </div>
                                                <button type="submit" class=SECONDARY_BUTTON_CLASS>"Save shop"</button>
                                            </div>
                                        </ActionForm>
                                    </section>
                                </div>
                            </div>
                        }.into_any()
                    }
                    Ok(_) => view! { <ErrorPage error=AppError::Forbidden /> }.into_any(),
                    Err(error) => view! { <ErrorPage error /> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn ShopImageUpload(
    handle: String,
    kind: ShopImageKind,
    action: Action<FormData, Result<(), AppError>>,
) -> impl IntoView {
    let (label, button) = match kind {
        ShopImageKind::Logo => ("Logo (square, JPEG, PNG or WebP, up to 8 MB)", "Upload logo"),
        ShopImageKind::Cover => ("Cover image (3:1, JPEG, PNG or WebP, up to 8 MB)", "Upload cover"),
    };
    view! {
        <ImageUploadForm url=UploadShopImage::url() action
            fields=vec![("handle", handle), ("kind", kind.as_str().to_string())] limits=super::SHOP_IMAGE
            input_id=format!("shop-{}-file", kind.as_str()) label button
            testid=format!("shop-{}-upload", kind.as_str()) />
    }
}

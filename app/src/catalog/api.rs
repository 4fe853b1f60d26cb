//! Server functions for products and variants. Only a shop's owner creates
//! or edits its products; prices are parsed in the shop's currency on the
//! server, never taken from the client as numbers.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use uuid::Uuid;

use super::Product;
use crate::error::AppError;

/// Everything the new-product form sends.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub struct ProductForm {
    pub shop: String,
    pub title: String,
    pub description: String,
    pub status: String,
    pub price: String,
    pub compare_at: String,
    pub stock: String,
    pub option1_name: String,
    pub option1_values: String,
    pub option2_name: String,
    pub option2_values: String,
    pub option3_name: String,
    pub option3_values: String,
}

#[server(prefix = "/api", endpoint = "products/create")]
pub async fn create_product(form: ProductForm) -> Result<(), AppError> {
    use super::rules::{parse_options, parse_stock, DESCRIPTION_MAX, TITLE_MAX};
    use super::{db, ProductStatus};
    use crate::accounts::validate::bounded_text;
    use crate::money::Money;

    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let shop = crate::shops::db::owned_by(&state.pool, &form.shop, user.id).await?;

    let title = bounded_text("title", "Title", &form.title, TITLE_MAX)?;
    if title.is_empty() {
        return Err(AppError::validation("title", "Give the product a title."));
    }
    let price = Money::parse("price", &form.price, shop.currency)?;
    let compare_at = match form.compare_at.trim() {
        "" => None,
        raw => Some(Money::parse("compare_at", raw, shop.currency)?),
    };
    super::rules::check_compare_at(price.minor, compare_at.map(|c| c.minor))?;
    let new = db::NewProduct {
        title,
        description: bounded_text("description", "Description", &form.description, DESCRIPTION_MAX)?,
        status: ProductStatus::parse(&form.status)?,
        price,
        compare_at,
        stock: parse_stock(&form.stock)?,
        options: parse_options(&[
            (&form.option1_name, &form.option1_values),
            (&form.option2_name, &form.option2_values),
            (&form.option3_name, &form.option3_values),
        ])?,
    };
    let id = db::create_product(&state.pool, &shop, &new).await?;
    leptos_axum::redirect(&format!("/p/{id}/edit"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "products/get")]
pub async fn get_product(id: Uuid) -> Result<Product, AppError> {
    let state = crate::state::app_state()?;
    let viewer = crate::accounts::session::current_user().await?.map(|u| u.id);
    super::db::product(&state.pool, id, viewer).await?.ok_or_else(|| AppError::NotFound("Product".into()))
}

/// A shopper opening a product (its page, or the sheet over a feed). `ctx`
/// is the context token of the post link it came from, credited only when
/// it verifies and its post shows this product; `src=search` marks a
/// product found by search.
#[server(prefix = "/api", endpoint = "products/view")]
pub async fn view_product(id: Uuid, ctx: Option<String>, src: Option<String>) -> Result<Product, AppError> {
    let state = crate::state::app_state()?;
    let viewer = crate::accounts::session::current_user().await?.map(|u| u.id);
    let product =
        super::db::product(&state.pool, id, viewer).await?.ok_or_else(|| AppError::NotFound("Product".into()))?;
    if !product.is_owner {
        let context = crate::attribution::verify(ctx.as_deref(), id).await;
        let shop = super::db::shop_of(&state.pool, id).await?;
        crate::attribution::product_seen(id, shop, context.as_ref(), src.as_deref() == Some("search")).await;
    }
    Ok(product)
}

#[server(prefix = "/api", endpoint = "variants/update")]
pub async fn update_variant(
    id: Uuid,
    sku: String,
    price: String,
    compare_at: String,
    stock: String,
) -> Result<(), AppError> {
    use super::rules::{parse_sku, parse_stock};
    use crate::money::Money;

    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let currency = super::db::variant_currency_for_owner(&state.pool, id, user.id).await?;
    let update = super::db::VariantUpdate {
        sku: parse_sku(&sku)?,
        price_minor: Money::parse("price", &price, currency)?.minor,
        compare_at_minor: match compare_at.trim() {
            "" => None,
            raw => Some(Money::parse("compare_at", raw, currency)?.minor),
        },
        stock_on_hand: parse_stock(&stock)?,
    };
    super::db::update_variant(&state.pool, id, user.id, &update).await
}

#[server(prefix = "/api", endpoint = "products/status")]
pub async fn set_product_status(id: Uuid, status: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let status = super::ProductStatus::parse(&status)?;
    super::db::set_status(&state.pool, id, user.id, status).await
}

/// Active products matching `query`, for the tag and link pickers.
#[server(prefix = "/api", endpoint = "products/search")]
pub async fn search_products(query: String) -> Result<Vec<super::ProductPick>, AppError> {
    let query: String = query.chars().take(60).collect();
    if query.trim().is_empty() {
        return Ok(Vec::new());
    }
    let state = crate::state::app_state()?;
    super::db::search(&state.pool, &query, 8).await
}

/// Adds up to ten `images` to the gallery of `product` (multipart form);
/// only the shop's owner may. Before hydration the form posts here directly
/// and is sent back to the edit page.
#[server(prefix = "/api", endpoint = "products/images/add", input = MultipartFormData)]
#[middleware(crate::media::upload::RequireMultipart)]
pub async fn add_product_images(data: MultipartData) -> Result<(), AppError> {
    use super::rules::{check_gallery_room, GALLERY_IMAGES};
    use crate::media::{self, upload::read_form};

    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let mut form = read_form(data, &[GALLERY_IMAGES]).await?;
    let product = Uuid::parse_str(form.text("product").trim()).map_err(|_| AppError::NotFound("Product".into()))?;
    let uploads = form.take_files(GALLERY_IMAGES.field);
    // Authorize and check the room left before any image is decoded.
    let existing = super::db::gallery_size_for_owner(&state.pool, product, user.id).await?;
    check_gallery_room(existing, uploads.len())?;
    // Every image is checked before any is written; the files go again if
    // the gallery can't take them.
    let stored = media::store_post_images(&state.config.media_dir, GALLERY_IMAGES, uploads).await?;
    let saved = super::db::add_images(&state.pool, product, user.id, &stored).await;
    media::keep_if_saved(&state.config.media_dir, &media::post_image_urls(&stored), saved).await
}

#[cfg(feature = "ssr")]
async fn remove_files(media_dir: &std::path::Path, urls: impl Iterator<Item = &String>) {
    for url in urls {
        crate::media::remove_stored(media_dir, url).await;
    }
}

/// Removes an image from its product's gallery (shop owner only).
#[server(prefix = "/api", endpoint = "products/images/remove")]
pub async fn remove_product_image(id: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let removed = super::db::remove_image(&state.pool, id, user.id).await?;
    remove_files(&state.config.media_dir, [removed.url_150, removed.url_600, removed.url_1200].iter()).await;
    Ok(())
}

/// Makes an image its product's cover, the first in the gallery (shop owner only).
#[server(prefix = "/api", endpoint = "products/images/cover")]
pub async fn make_product_cover(id: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::make_cover(&state.pool, id, user.id).await
}

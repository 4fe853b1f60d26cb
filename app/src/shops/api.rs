//! Server functions for shops.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use super::{ShopPage, ShopSummary};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "shops/create")]
pub async fn create_shop(handle: String, name: String, description: String, currency: String) -> Result<(), AppError> {
    use crate::accounts::validate::{bounded_text, handle_like};
    use crate::money::Currency;

    let user = crate::accounts::session::require_user().await?;
    let handle = handle_like("handle", "Shop handles", &handle)?;
    let name = bounded_text("name", "Shop name", &name, 80)?;
    if name.is_empty() {
        return Err(AppError::validation("name", "Give your shop a name."));
    }
    let description = bounded_text("description", "Description", &description, 2000)?;
    let currency = Currency::parse(&currency)?;
    let state = crate::state::app_state()?;
    let new = super::db::NewShop { handle: &handle, name: &name, description: &description, currency };
    super::db::create(&state.pool, user.id, &new).await?;
    leptos_axum::redirect(&format!("/s/{handle}/manage"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "shops/update")]
pub async fn update_shop(handle: String, name: String, description: String) -> Result<(), AppError> {
    use crate::accounts::validate::bounded_text;

    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let shop = super::db::owned_by(&state.pool, &handle, user.id).await?;
    let name = bounded_text("name", "Shop name", &name, 80)?;
    if name.is_empty() {
        return Err(AppError::validation("name", "Give your shop a name."));
    }
    let description = bounded_text("description", "Description", &description, 2000)?;
    super::db::update(&state.pool, shop.id, &name, &description).await
}

/// Uploads the shop's logo (`kind=logo`, cut square) or cover (`kind=cover`,
/// 3:1) for the shop `handle`; only its owner may.
#[server(prefix = "/api", endpoint = "shops/image", input = MultipartFormData)]
#[middleware(crate::media::upload::RequireMultipart)]
pub async fn upload_shop_image(data: MultipartData) -> Result<(), AppError> {
    use crate::media::{self, upload::read_form};

    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let mut form = read_form(data, &[super::SHOP_IMAGE]).await?;
    let kind = super::ShopImageKind::parse(form.text("kind"));
    // Strangers learn nothing about the form: ownership is checked first.
    let shop = super::db::owned_by(&state.pool, form.text("handle"), user.id).await?;
    let kind = kind?;
    let bytes = form.take_file(super::SHOP_IMAGE.field).unwrap_or_default();
    let url = media::store_profile_image(&state.config.media_dir, kind.profile_kind(), bytes).await?;
    let saved = super::db::set_image(&state.pool, shop.id, kind, &url).await;
    if let Some(old) = media::keep_if_saved(&state.config.media_dir, &[url.as_str()], saved).await? {
        media::remove_stored(&state.config.media_dir, &old).await;
    }
    Ok(())
}

/// A shop and the products the viewer may see.
#[server(prefix = "/api", endpoint = "shops/get")]
pub async fn get_shop(handle: String) -> Result<ShopPage, AppError> {
    let state = crate::state::app_state()?;
    let viewer = crate::accounts::session::current_user().await?.map(|u| u.id);
    let shop =
        super::db::by_handle(&state.pool, &handle, viewer).await?.ok_or_else(|| AppError::NotFound("Shop".into()))?;
    let products = crate::catalog::db::shop_products(&state.pool, shop.id, shop.is_owner).await?;
    Ok(ShopPage { shop, products })
}

/// The signed-in user's shops.
#[server(prefix = "/api", endpoint = "shops/mine")]
pub async fn my_shops() -> Result<Vec<ShopSummary>, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::owned_list(&state.pool, user.id).await
}

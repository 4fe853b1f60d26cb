//! Server functions for bookmarks: each reads the session (signed out is
//! `Unauthorized`, answered by the domain function), parses its input and
//! calls one function of `db`.

use leptos::prelude::*;
use uuid::Uuid;

use super::{BookmarkState, Collection, SavedPage};
use crate::error::AppError;

#[cfg(feature = "ssr")]
async fn caller() -> Result<Option<Uuid>, AppError> {
    Ok(crate::accounts::session::current_user().await?.map(|u| u.id))
}

/// Saves (`save = true`) or unsaves a post; a save may name one of the
/// caller's collections (`collection`, empty for "All").
#[server(prefix = "/api", endpoint = "bookmarks/set")]
pub async fn set_bookmark(id: Uuid, save: bool, collection: Option<String>) -> Result<BookmarkState, AppError> {
    let state = crate::state::app_state()?;
    let caller = caller().await?;
    if save {
        let collection = super::parse_collection(collection.as_deref())?;
        super::db::save(&state.pool, caller, id, collection).await
    } else {
        super::db::unsave(&state.pool, caller, id).await
    }
}

/// Moves a saved post into one of the caller's collections (`collection`),
/// or out of any (empty).
#[server(prefix = "/api", endpoint = "bookmarks/move")]
pub async fn move_bookmark(id: Uuid, collection: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let caller = caller().await?;
    let collection = super::parse_collection(Some(&collection))?;
    super::db::move_to(&state.pool, caller, id, collection).await
}

/// Creates a collection and opens its tab.
#[server(prefix = "/api", endpoint = "bookmarks/collections/create")]
pub async fn create_collection(name: String) -> Result<Collection, AppError> {
    let state = crate::state::app_state()?;
    let caller = caller().await?;
    let name = super::CollectionName::parse(&name)?;
    let created = super::db::create_collection(&state.pool, caller, &name).await?;
    leptos_axum::redirect(&super::saved_href(Some(created.id), None));
    Ok(created)
}

#[server(prefix = "/api", endpoint = "bookmarks/collections/rename")]
pub async fn rename_collection(id: Uuid, name: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let caller = caller().await?;
    let name = super::CollectionName::parse(&name)?;
    super::db::rename_collection(&state.pool, caller, id, &name).await
}

/// Deletes a collection (its posts stay saved, in "All") and goes to "All".
#[server(prefix = "/api", endpoint = "bookmarks/collections/delete")]
pub async fn delete_collection(id: Uuid) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let caller = caller().await?;
    super::db::delete_collection(&state.pool, caller, id).await?;
    leptos_axum::redirect(&super::saved_href(None, None));
    Ok(())
}

/// The caller's collections, for the "Save to…" chooser.
#[server(prefix = "/api", endpoint = "bookmarks/collections")]
pub async fn my_collections() -> Result<Vec<Collection>, AppError> {
    let state = crate::state::app_state()?;
    super::db::collections(&state.pool, caller().await?).await
}

/// A page of the saved page: "All" (`collection` empty) or one collection.
#[server(prefix = "/api", endpoint = "bookmarks/saved")]
pub async fn saved_posts(collection: Option<String>, cursor: Option<String>) -> Result<SavedPage, AppError> {
    let state = crate::state::app_state()?;
    let caller = caller().await?;
    // A malformed tab is a collection that does not exist.
    let collection =
        super::parse_collection(collection.as_deref()).map_err(|_| AppError::NotFound("Collection".into()))?;
    let cursor = crate::posts::api::parse_cursor(cursor)?;
    super::db::saved(&state.pool, caller, collection, cursor).await
}

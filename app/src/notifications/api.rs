//! Server functions for the inbox: each needs a signed-in user and acts on
//! that user's own notifications only (another's id reads as not found).

use leptos::prelude::*;
use uuid::Uuid;

use super::{Category, Inbox, InboxPage, Setting};
use crate::error::AppError;

/// The caller's bell: unread count and its version; `None` signed out
/// (without a database read), so every page can ask.
#[server(prefix = "/api", endpoint = "notifications/inbox")]
pub async fn my_inbox() -> Result<Option<Inbox>, AppError> {
    let Some(user) = crate::accounts::session::current_user().await? else { return Ok(None) };
    let state = crate::state::app_state()?;
    super::db::inbox(&state.pool, Some(user.id)).await.map(Some)
}

/// A page of the caller's notifications under `filter` (`all`, `mentions`,
/// `commerce`), after `before` (the previous page's `next`).
#[server(prefix = "/api", endpoint = "notifications/page")]
pub async fn my_notifications(filter: Option<String>, before: Option<String>) -> Result<InboxPage, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let filter = super::Filter::parse(filter.as_deref());
    super::db::page(&state.pool, Some(user.id), filter, before.as_deref()).await
}

/// Marks one notification read (`read = true`) or unread again.
#[server(prefix = "/api", endpoint = "notifications/read")]
pub async fn mark_notification(id: Uuid, read: bool) -> Result<Inbox, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::set_read(&state.pool, Some(user.id), id, read).await
}

#[server(prefix = "/api", endpoint = "notifications/read-all")]
pub async fn mark_all_notifications_read() -> Result<Inbox, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::read_all(&state.pool, Some(user.id)).await
}

/// The caller's setting per category, in `Category::ALL` order.
#[server(prefix = "/api", endpoint = "notifications/settings")]
pub async fn notification_settings() -> Result<Vec<(Category, Setting)>, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::preferences(&state.pool, Some(user.id)).await
}

/// Sets one category (`follows`, `likes`, …) to `on`, `following` or `off`.
#[server(prefix = "/api", endpoint = "notifications/settings/set")]
pub async fn set_notification_setting(category: String, setting: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let category = Category::parse(&category)?;
    let setting = Setting::parse(&setting)?;
    let state = crate::state::app_state()?;
    super::db::set_preference(&state.pool, Some(user.id), category, setting).await
}

//! Server functions for the digest setting: the signed-in caller reads and
//! sets their own choice only.

use leptos::prelude::*;

use super::Frequency;
use crate::error::AppError;

/// The caller's digest frequency (`daily` unless switched off).
#[server(prefix = "/api", endpoint = "notifications/digest")]
pub async fn digest_setting() -> Result<Frequency, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::frequency(&state.pool, Some(user.id)).await
}

/// Sets the caller's digest to `daily` or `off`.
#[server(prefix = "/api", endpoint = "notifications/digest/set")]
pub async fn set_digest(frequency: String) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let frequency = Frequency::parse(&frequency)?;
    let state = crate::state::app_state()?;
    super::db::set_frequency(&state.pool, Some(user.id), frequency).await
}

//! Server functions for events: authenticate, authorize, validate, then one
//! call into `events::db`. Anyone may read events; only their organizer
//! changes them.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use uuid::Uuid;

use super::{Event, EventCard, EventForm, EventSummary};
use crate::error::AppError;

/// Creates an event from the new-event form (text fields and an optional
/// `image`); answers with its id and sends plain form posts to its page.
#[server(prefix = "/api", endpoint = "events/create", input = MultipartFormData)]
#[middleware(crate::media::upload::RequireMultipart)]
pub async fn create_event(data: MultipartData) -> Result<Uuid, AppError> {
    use crate::media::{self, upload::read_form};

    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let mut upload = read_form(data, &[super::EVENT_IMAGE]).await?;
    let mut form = EventForm::default();
    for (name, value) in upload.texts() {
        if let Some(slot) = form.field_mut(name) {
            *slot = value.to_string();
        }
    }
    let details = form.validate(state.clock.now())?;
    let shop_id = super::db::own_shop(&state.pool, user.id, &form.shop).await?;
    let stored = match upload.take_file(super::EVENT_IMAGE.field) {
        None => None,
        Some(image) => Some(media::store_post_image(&state.config.media_dir, image).await?),
    };
    let created = super::db::create(&state.pool, user.id, &details, shop_id, stored.as_ref()).await;
    if let Some(stored) = &stored {
        // Events show the 600 and 1200 widths only; all of them go if the insert failed.
        let unused = if created.is_ok() { &stored.urls[..1] } else { &stored.urls[..] };
        for url in unused {
            media::remove_stored(&state.config.media_dir, url).await;
        }
    }
    let id = created?;
    leptos_axum::redirect(&format!("/e/{id}"));
    Ok(id)
}

#[server(prefix = "/api", endpoint = "events/get")]
pub async fn get_event(id: Uuid) -> Result<Event, AppError> {
    let state = crate::state::app_state()?;
    let viewer = crate::accounts::session::current_user().await?.map(|u| u.id);
    super::db::event(&state.pool, id, viewer).await?.ok_or_else(|| AppError::NotFound("Event".into()))
}

/// The next scheduled events, soonest first.
#[server(prefix = "/api", endpoint = "events/upcoming")]
pub async fn upcoming_events() -> Result<Vec<EventCard>, AppError> {
    let state = crate::state::app_state()?;
    super::db::upcoming(&state.pool, state.clock.now(), super::UPCOMING_LIMIT).await
}

/// Scheduled events whose title matches `query`, upcoming first; for the
/// post composer's link picker.
#[server(prefix = "/api", endpoint = "events/search")]
pub async fn search_events(query: String) -> Result<Vec<EventSummary>, AppError> {
    let query: String = query.chars().take(60).collect();
    if query.trim().is_empty() {
        return Ok(Vec::new());
    }
    let state = crate::state::app_state()?;
    super::db::search(&state.pool, &query, state.clock.now(), super::SEARCH_LIMIT).await
}

#[server(prefix = "/api", endpoint = "events/update")]
pub async fn update_event(id: Uuid, form: EventForm) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let event =
        super::db::event(&state.pool, id, Some(user.id)).await?.ok_or_else(|| AppError::NotFound("Event".into()))?;
    if !event.is_organizer {
        return Err(AppError::Forbidden);
    }
    let details = form.validate(state.clock.now())?;
    let shop_id = super::db::own_shop(&state.pool, user.id, &form.shop).await?;
    super::db::update(&state.pool, id, user.id, &details, shop_id).await
}

#[server(prefix = "/api", endpoint = "events/cancel")]
pub async fn cancel_event(id: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::cancel(&state.pool, id, user.id).await
}

//! Server functions for profiles and follows: authenticate, validate, call
//! `social::db`, answer.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};

use super::{EditableProfile, FollowState, PeoplePage, PersonCard, Profile, RequestsPage};
use crate::error::AppError;

#[server(prefix = "/api", endpoint = "profiles/get")]
pub async fn get_profile(username: String) -> Result<Profile, AppError> {
    let state = crate::state::app_state()?;
    let viewer = crate::accounts::session::current_user().await?.map(|u| u.id);
    super::db::profile_by_username(&state.pool, &username, viewer)
        .await?
        .ok_or_else(|| AppError::NotFound("Profile".into()))
}

/// The signed-in user's own profile, for the edit form.
#[server(prefix = "/api", endpoint = "profiles/mine")]
pub async fn my_profile() -> Result<EditableProfile, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::db::editable_profile(&state.pool, user.id).await
}

#[server(prefix = "/api", endpoint = "profiles/update")]
pub async fn update_profile(
    display_name: String,
    bio: String,
    location: String,
    website: String,
    is_private: Option<String>,
) -> Result<(), AppError> {
    use crate::accounts::validate::{
        bounded_text, display_name as parse_name, website as parse_website, BIO_MAX, LOCATION_MAX,
    };

    let user = crate::accounts::session::require_user().await?;
    let update = super::db::ProfileUpdate {
        display_name: parse_name(&display_name)?,
        bio: bounded_text("bio", "Bio", &bio, BIO_MAX)?,
        location: bounded_text("location", "Location", &location, LOCATION_MAX)?.replace('\n', " "),
        website: parse_website(&website)?,
        is_private: is_private.is_some_and(|v| v == "on" || v == "true"),
    };
    let state = crate::state::app_state()?;
    super::db::update_profile(&state.pool, user.id, &update).await
}

/// Uploads a profile picture (`kind=avatar`) or cover (`kind=cover`).
/// Returns the new image's URL.
#[server(prefix = "/api", endpoint = "profiles/image", input = MultipartFormData)]
#[middleware(crate::media::upload::RequireMultipart)]
pub async fn upload_profile_image(data: MultipartData) -> Result<String, AppError> {
    use crate::media::{self, upload::read_form, ProfileImageKind};

    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let mut form = read_form(data, &[super::PROFILE_IMAGE]).await?;
    let kind = ProfileImageKind::parse(form.text("kind"))?;
    let bytes = form.take_file(super::PROFILE_IMAGE.field).unwrap_or_default();
    let url = media::store_profile_image(&state.config.media_dir, kind, bytes).await?;
    let old = match kind {
        ProfileImageKind::Avatar => super::db::set_avatar(&state.pool, user.id, &url).await?,
        ProfileImageKind::Cover => super::db::set_cover(&state.pool, user.id, &url).await?,
    };
    if let Some(old) = old {
        media::remove_stored(&state.config.media_dir, &old).await;
    }
    Ok(url)
}

/// Follows (`follow = true`) or unfollows an account. Following a private
/// account sends a request; `follow = false` also withdraws one.
#[server(prefix = "/api", endpoint = "follows/set")]
pub async fn set_follow(username: String, follow: bool) -> Result<FollowState, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let quota = crate::limits::Quota::for_caller(&state, Some(user.id));
    super::db::set_follow(&state.pool, &quota, user.id, &username, follow).await
}

/// The signed-in user's pending follow requests, newest first.
#[server(prefix = "/api", endpoint = "follows/requests")]
pub async fn follow_requests(cursor: Option<String>) -> Result<RequestsPage, AppError> {
    let state = crate::state::app_state()?;
    let caller = crate::accounts::session::current_user().await?.map(|u| u.id);
    super::requests::list(&state.pool, caller, parse_cursor(cursor.as_deref())?).await
}

/// The signed-in user accepts `username`'s request to follow them.
#[server(prefix = "/api", endpoint = "follows/requests/accept")]
pub async fn accept_follow_request(username: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let caller = crate::accounts::session::current_user().await?.map(|u| u.id);
    super::requests::accept(&state.pool, caller, &username).await
}

/// The signed-in user declines `username`'s request to follow them.
#[server(prefix = "/api", endpoint = "follows/requests/decline")]
pub async fn decline_follow_request(username: String) -> Result<(), AppError> {
    let state = crate::state::app_state()?;
    let caller = crate::accounts::session::current_user().await?.map(|u| u.id);
    super::requests::decline(&state.pool, caller, &username).await
}

/// The signed-in user withdraws their request to follow `username`.
#[server(prefix = "/api", endpoint = "follows/requests/cancel")]
pub async fn cancel_follow_request(username: String) -> Result<FollowState, AppError> {
    let state = crate::state::app_state()?;
    let caller = crate::accounts::session::current_user().await?.map(|u| u.id);
    super::requests::cancel(&state.pool, &crate::limits::Quota::for_caller(&state, caller), caller, &username).await
}

/// A list cursor from a request; empty means the first page.
#[cfg(feature = "ssr")]
fn parse_cursor(raw: Option<&str>) -> Result<Option<super::Cursor>, AppError> {
    match raw.filter(|c| !c.is_empty()) {
        Some(raw) => super::Cursor::decode(raw)
            .map(Some)
            .ok_or_else(|| AppError::validation("cursor", "That page link is not valid.")),
        None => Ok(None),
    }
}

#[server(prefix = "/api", endpoint = "follows/list")]
pub async fn follow_list(username: String, followers: bool, cursor: Option<String>) -> Result<PeoplePage, AppError> {
    use super::db::{follow_list, Direction};
    let state = crate::state::app_state()?;
    let viewer = crate::accounts::session::current_user().await?.map(|u| u.id);
    let cursor = parse_cursor(cursor.as_deref())?;
    let direction = if followers { Direction::Followers } else { Direction::Following };
    follow_list(&state.pool, &username, direction, viewer, cursor).await
}

/// People to discover on Explore, optionally filtered by a name prefix.
#[server(prefix = "/api", endpoint = "people/discover")]
pub async fn discover_people(query: Option<String>) -> Result<Vec<PersonCard>, AppError> {
    let state = crate::state::app_state()?;
    let viewer = crate::accounts::session::current_user().await?.map(|u| u.id);
    let query = query.map(|q| q.chars().take(50).collect::<String>());
    super::db::discover(&state.pool, viewer, query.as_deref(), 30).await
}

/// Accounts the signed-in user might follow (empty for guests).
#[server(prefix = "/api", endpoint = "people/suggested")]
pub async fn suggested_people() -> Result<Vec<PersonCard>, AppError> {
    let state = crate::state::app_state()?;
    match crate::accounts::session::current_user().await? {
        Some(user) => super::db::suggestions(&state.pool, user.id, 8).await,
        None => super::db::discover(&state.pool, None, None, 8).await,
    }
}

/// How many accounts the signed-in user follows (accepted follows only), so
/// the home page can tell "follow someone" from "they haven't posted";
/// `None` for a guest.
#[server(prefix = "/api", endpoint = "people/following-count")]
pub async fn my_following_count() -> Result<Option<i64>, AppError> {
    let Some(user) = crate::accounts::session::current_user().await? else {
        return Ok(None);
    };
    let state = crate::state::app_state()?;
    let me = super::db::profile_by_username(&state.pool, &user.username, Some(user.id)).await?;
    Ok(me.map(|p| p.following_count))
}

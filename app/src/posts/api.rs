//! Server functions for posts and feeds.

use leptos::prelude::*;
use leptos::server_fn::codec::{MultipartData, MultipartFormData};
use uuid::Uuid;

use super::{DraftSummary, FeedPage, History, PostView};
use crate::error::AppError;

/// Creates a post from the compose form: `body`, `visibility`, up to ten
/// `images`, `quote_of` (a post it quotes, optional), `collaborators`
/// (usernames to invite to co-author it, see `collabs`), and `intent`:
/// `publish` (the default) or `draft`, which keeps it private to tag and
/// link before publishing; `groups` and `plans`, the ids of the group
/// deals and installment plans it shows (`card_links`), linked in the
/// same transaction. Returns the new post's id.
#[server(prefix = "/api", endpoint = "posts/create", input = MultipartFormData)]
#[middleware(crate::media::upload::RequireMultipart)]
pub async fn create_post(data: MultipartData) -> Result<Uuid, AppError> {
    use crate::media::upload::read_form;

    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let mut form = read_form(data, &[super::POST_IMAGES]).await?;
    let uploads = form.take_files(super::POST_IMAGES.field);
    let body = super::validate_body(form.text("body"), uploads.len())?;
    let visibility = super::Visibility::parse(form.text("visibility"))?;
    let quote_of = match form.text("quote_of").trim() {
        "" => None,
        raw => Some(Uuid::parse_str(raw).map_err(|_| AppError::validation("quote", "That post cannot be quoted."))?),
    };
    let collaborators = super::collabs::parse_usernames(form.text(super::collabs::FIELD))?;
    let cards = super::card_links::CardLinks::parse(
        form.text(super::card_links::GROUPS_FIELD),
        form.text(super::card_links::PLANS_FIELD),
    )?;
    let post = super::compose::NewPost {
        author: user.id,
        body: &body,
        visibility,
        draft: form.text("intent") == "draft",
        quote_of,
        collaborators: &collaborators,
        cards: &cards,
    };
    let quota = crate::limits::Quota::for_caller(&state, Some(user.id));
    let id = super::compose::create(&state.pool, &state.config.media_dir, &quota, post, uploads).await?;
    leptos_axum::redirect(&format!("/post/{id}"));
    Ok(id)
}

#[cfg(feature = "ssr")]
pub(crate) fn parse_cursor(cursor: Option<String>) -> Result<Option<crate::social::Cursor>, AppError> {
    match cursor.as_deref().filter(|c| !c.is_empty()) {
        Some(raw) => crate::social::Cursor::decode(raw)
            .map(Some)
            .ok_or_else(|| AppError::validation("cursor", "That page link is not valid.")),
        None => Ok(None),
    }
}

/// The signed-in user's home feed; guests get Explore.
#[server(prefix = "/api", endpoint = "feed/home")]
pub async fn home_feed(cursor: Option<String>) -> Result<FeedPage, AppError> {
    let state = crate::state::app_state()?;
    let cursor = parse_cursor(cursor)?;
    match crate::accounts::session::current_user().await? {
        Some(user) => super::timeline::db::home_feed(&state.pool, Some(&state.cards), user.id, cursor).await,
        None => super::db::explore_feed(&state.pool, None, cursor).await,
    }
}

#[server(prefix = "/api", endpoint = "feed/explore")]
pub async fn explore_feed(cursor: Option<String>, with: Option<String>) -> Result<FeedPage, AppError> {
    let state = crate::state::app_state()?;
    let viewer = crate::accounts::session::current_user().await?.map(|u| u.id);
    let filter = super::explore::Filter { has: super::card_filter::Has::parse(with.as_deref()) };
    super::explore::filtered(&state.pool, viewer, parse_cursor(cursor)?, filter).await
}

#[server(prefix = "/api", endpoint = "feed/user")]
pub async fn user_posts(username: String, cursor: Option<String>) -> Result<FeedPage, AppError> {
    let state = crate::state::app_state()?;
    let viewer = crate::accounts::session::current_user().await?.map(|u| u.id);
    super::db::author_posts(&state.pool, &username, viewer, parse_cursor(cursor)?).await
}

#[server(prefix = "/api", endpoint = "posts/get")]
pub async fn get_post(id: Uuid) -> Result<PostView, AppError> {
    let state = crate::state::app_state()?;
    let viewer = crate::accounts::session::current_user().await?.map(|u| u.id);
    super::db::post(&state.pool, id, viewer).await?.ok_or_else(|| AppError::NotFound("Post".into()))
}

/// Publishes one of the caller's drafts.
#[server(prefix = "/api", endpoint = "posts/publish")]
pub async fn publish_post(id: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::editing::publish_draft(&state.pool, user.id, id).await?;
    leptos_axum::redirect(&format!("/post/{id}"));
    Ok(())
}

/// Changes a post's text and visibility (the author only); published posts
/// keep the old version in their history. With `groups` or `plans` (the
/// edit page sends both), the linked group deals and installment plans
/// become those ids (a missing one: none), in the same transaction.
#[server(prefix = "/api", endpoint = "posts/edit")]
pub async fn edit_post(
    id: Uuid,
    body: String,
    visibility: String,
    groups: Option<String>,
    plans: Option<String>,
) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let visibility = super::Visibility::parse(&visibility)?;
    let cards = match (groups, plans) {
        (None, None) => None,
        (groups, plans) => Some(super::card_links::CardLinks::parse(
            groups.as_deref().unwrap_or_default(),
            plans.as_deref().unwrap_or_default(),
        )?),
    };
    super::editing::edit_with_cards(&state.pool, user.id, id, &body, visibility, cards.as_ref()).await?;
    leptos_axum::redirect(&format!("/post/{id}"));
    Ok(())
}

#[server(prefix = "/api", endpoint = "posts/delete")]
pub async fn delete_post(id: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::editing::delete(&state.pool, user.id, id).await?;
    leptos_axum::redirect(&format!("/u/{}", user.username));
    Ok(())
}

#[server(prefix = "/api", endpoint = "posts/history")]
pub async fn post_history(id: Uuid) -> Result<History, AppError> {
    let state = crate::state::app_state()?;
    let viewer = crate::accounts::session::current_user().await?.map(|u| u.id);
    super::editing::history(&state.pool, id, viewer).await
}

#[server(prefix = "/api", endpoint = "posts/drafts")]
pub async fn my_drafts() -> Result<Vec<DraftSummary>, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::editing::drafts(&state.pool, user.id).await
}

/// Places a tag on one of the caller's post images, at (x, y) in percent.
#[server(prefix = "/api", endpoint = "tags/add")]
pub async fn add_image_tag(media_id: Uuid, x: f64, y: f64, kind: String, target: String) -> Result<Uuid, AppError> {
    use super::tags::{add, TagTarget};
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let target = TagTarget::parse(&kind, &target)?;
    add(&state.pool, user.id, media_id, x, y, &target).await
}

/// Moves one of the caller's tags to (x, y) percent on the same image.
#[server(prefix = "/api", endpoint = "tags/move")]
pub async fn move_image_tag(id: Uuid, x: f64, y: f64) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::tags::move_to(&state.pool, user.id, id, x, y).await
}

#[server(prefix = "/api", endpoint = "tags/remove")]
pub async fn remove_image_tag(id: Uuid) -> Result<(), AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    super::tags::remove(&state.pool, user.id, id).await
}

/// Likes (`like = true`) or unlikes a post; returns the new state.
#[server(prefix = "/api", endpoint = "posts/like")]
pub async fn set_like(id: Uuid, like: bool) -> Result<super::LikeState, AppError> {
    let user = crate::accounts::session::require_user().await?;
    let state = crate::state::app_state()?;
    let quota = crate::limits::Quota::for_caller(&state, Some(user.id));
    let like_count = super::likes::set_like(&state.pool, &quota, user.id, id, like).await?;
    Ok(super::LikeState { liked: like, like_count })
}

//! The server function the feed reports impressions to.

use leptos::prelude::*;

use crate::error::AppError;

/// The most post ids one report may carry.
pub const MAX_IMPRESSIONS_PER_REPORT: usize = 100;

/// Posts the browser showed at least half of (comma-separated ids). Sent in
/// batches by the feed, with `navigator.sendBeacon` when the page is left.
#[server(prefix = "/api", endpoint = "events/impressions")]
pub async fn report_impressions(posts: String) -> Result<usize, AppError> {
    let ids = super::parse_post_ids(&posts, MAX_IMPRESSIONS_PER_REPORT)?;
    let Some(shopper) = super::track::Shopper::current().await else { return Ok(0) };
    let state = crate::state::app_state()?;
    let authors = state.authors.published(&state.pool, &ids).await?;
    let kept = authors
        .into_iter()
        .filter(|(post, author)| {
            shopper.record(super::EventKind::Impression, |e| {
                e.post_id = Some(*post);
                e.creator_ids = vec![*author];
            })
        })
        .count();
    Ok(kept)
}

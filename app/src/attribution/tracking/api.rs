//! The server function the feed reports impressions to.

use leptos::prelude::*;

use crate::error::AppError;

/// The most post ids one report may carry.
pub const MAX_IMPRESSIONS_PER_REPORT: usize = 100;

/// Posts the browser showed at least half of (comma-separated ids). Sent in
/// batches by the feed, with `navigator.sendBeacon` when the page is left.
/// Anyone may report (impressions are anonymous by design); only posts the
/// caller may see count, and each address's count is capped
/// (`track::impressions`).
#[server(prefix = "/api", endpoint = "events/impressions")]
pub async fn report_impressions(posts: String) -> Result<usize, AppError> {
    let ids = super::parse_post_ids(&posts, MAX_IMPRESSIONS_PER_REPORT)?;
    let Some(shopper) = super::track::Shopper::current().await else { return Ok(0) };
    shopper.impressions(&ids).await
}

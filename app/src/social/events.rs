//! The events the social graph publishes to the outbox, in the transaction
//! of the change: timelines back-fill and prune on follows; the feed card
//! cache drops an author's cards when their name or picture changes.

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppResult;

pub const AGGREGATE: &str = "user";
/// `follower_id` now follows `followee_id` (an open follow, or a request
/// accepted). The event's aggregate is the follower.
pub const FOLLOW_ACCEPTED: &str = "follow.accepted";
/// `follower_id` asked to follow the private account `followee_id`.
pub const FOLLOW_REQUESTED: &str = "follow.requested";
/// `follower_id` no longer follows `followee_id`.
pub const FOLLOW_REMOVED: &str = "follow.removed";
/// The account's name, picture or privacy changed.
pub const PROFILE_CHANGED: &str = "user.profile_changed";

pub async fn follow(tx: &mut PgConnection, kind: &str, follower: Uuid, followee: Uuid) -> AppResult<()> {
    let payload = json!({ "follower_id": follower, "followee_id": followee });
    crate::outbox::publish(tx, AGGREGATE, follower, kind, payload).await
}

/// `followee` approved `follower`'s request: `FOLLOW_ACCEPTED` with
/// `approved` set, so the requester is told and the approver is not.
pub async fn approved(tx: &mut PgConnection, follower: Uuid, followee: Uuid) -> AppResult<()> {
    let payload = json!({ "follower_id": follower, "followee_id": followee, "approved": true });
    crate::outbox::publish(tx, AGGREGATE, follower, FOLLOW_ACCEPTED, payload).await
}

/// Every follower in `followers` now follows `followee`.
pub async fn followed_by_each(tx: &mut PgConnection, followers: &[Uuid], followee: Uuid) -> AppResult<()> {
    let events: Vec<(Uuid, serde_json::Value)> =
        followers.iter().map(|&f| (f, json!({ "follower_id": f, "followee_id": followee }))).collect();
    crate::outbox::publish_each(tx, AGGREGATE, &events, FOLLOW_ACCEPTED).await
}

pub async fn profile_changed(tx: &mut PgConnection, user: Uuid) -> AppResult<()> {
    crate::outbox::publish(tx, AGGREGATE, user, PROFILE_CHANGED, json!({ "user_id": user })).await
}

//! The social graph: profiles, profile editing, follows, follow requests
//! to private accounts (whose posts, tags and lists only their owner and
//! accepted followers see), and privacy and safety (`safety`: blocks,
//! mutes, restricts, muted words, hidden posts).

pub mod api;
pub mod components;
pub mod pages;
pub mod safety;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(feature = "ssr")]
pub mod events;
#[cfg(feature = "ssr")]
pub mod requests;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A profile as a visitor sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub bio: String,
    pub location: String,
    pub website: String,
    pub avatar_url: Option<String>,
    pub cover_url: Option<String>,
    pub is_private: bool,
    pub is_verified: bool,
    pub followers_count: i64,
    pub following_count: i64,
    pub posts_count: i64,
    pub joined_at: DateTime<Utc>,
    /// The viewer follows this account (an accepted follow).
    pub viewer_follows: bool,
    /// The viewer asked to follow this private account; not answered yet.
    pub viewer_requested: bool,
    /// The viewer may see the account's posts, tagged posts and follow lists
    /// (public, or the viewer is its owner or an accepted follower).
    pub content_visible: bool,
    /// Follow requests waiting for this account's answer (the owner's own
    /// profile only; 0 for anyone else).
    pub pending_requests: i64,
    /// The viewer is this account.
    pub is_self: bool,
    /// What the viewer blocked, muted or restricted of this account.
    pub standing: safety::Standing,
}

/// The fields of the edit-profile form, as currently saved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditableProfile {
    pub username: String,
    pub display_name: String,
    pub bio: String,
    pub location: String,
    pub website: String,
    pub avatar_url: Option<String>,
    pub cover_url: Option<String>,
    pub is_private: bool,
}

/// One account in a list (followers, following, people to discover).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonCard {
    pub id: Uuid,
    pub username: String,
    pub display_name: String,
    pub bio: String,
    pub avatar_url: Option<String>,
    pub followers_count: i64,
    pub is_private: bool,
    pub viewer_follows: bool,
    pub viewer_requested: bool,
    pub is_self: bool,
}

/// A page of people plus the cursor for the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeoplePage {
    pub people: Vec<PersonCard>,
    pub next_cursor: Option<String>,
}

/// The result of following or unfollowing: the new state and follower count.
/// `following` is an accepted follow; `requested` a request to a private
/// account waiting for its owner. At most one of them is true.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowState {
    pub following: bool,
    pub requested: bool,
    pub followers_count: i64,
}

/// Someone asking to follow the signed-in user's private account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowRequest {
    pub username: String,
    pub display_name: String,
    pub avatar_url: Option<String>,
    pub requested_at: DateTime<Utc>,
}

/// A page of follow requests, newest first, plus the cursor for the next one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestsPage {
    pub requests: Vec<FollowRequest>,
    pub next_cursor: Option<String>,
}

/// A keyset cursor over (time, id), newest first. Opaque to clients.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cursor {
    pub at: DateTime<Utc>,
    pub id: Uuid,
}

impl Cursor {
    pub fn encode(&self) -> String {
        format!("{}_{}", self.at.timestamp_micros(), self.id.simple())
    }

    pub fn decode(raw: &str) -> Option<Cursor> {
        let (micros, id) = raw.split_once('_')?;
        let at = DateTime::from_timestamp_micros(micros.parse().ok()?)?;
        Some(Cursor { at, id: Uuid::parse_str(id).ok()? })
    }
}

pub const PAGE_SIZE: i64 = 20;
/// The avatar and cover upload's `image` field.
pub const PROFILE_IMAGE: crate::media::ImageLimits = crate::media::ImageLimits::profile_image("image");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_garbage() {
        let c = Cursor { at: DateTime::from_timestamp_micros(1_700_000_000_123_456).unwrap(), id: Uuid::new_v4() };
        assert_eq!(Cursor::decode(&c.encode()), Some(c));
        assert_eq!(Cursor::decode("nope"), None);
        assert_eq!(Cursor::decode("12_notauuid"), None);
        assert_eq!(Cursor::decode("x_00000000000000000000000000000000"), None);
    }
}

//! The real-time channel: one Server-Sent Events stream per open page
//! (`GET /live`), over which the server pushes typed updates for the things
//! the page shows. Components ask for a topic with [`use_live`]; the page's
//! one connection follows the topics its mounted components watch.
//!
//! Updates come from the outbox: the relay hands every event to each
//! server process (`hub::LiveHub`, a local consumer), and PostgreSQL's
//! LISTEN/NOTIFY wakes every process's relay the moment a change commits,
//! so a second server instance pushes the same updates. Every update is a
//! whole state ("7 left", "4 of 5 joined"), never a delta, so one that
//! comes twice or late does no harm, and a reconnect replays only the
//! newest state of each topic since the last event the page saw.

pub mod client;
#[cfg(feature = "ssr")]
pub mod hub;
#[cfg(feature = "ssr")]
pub mod stream;

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::groups::GroupLive;

pub use client::{use_live, LiveStart};

/// The most topics one connection may watch.
pub const MAX_TOPICS: usize = 200;

/// Something a page can watch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Topic {
    /// A variant's available stock.
    Stock(Uuid),
    /// A buy-together group's seats and status.
    Group(Uuid),
    /// A user's notification bell: only that user's own pages may watch it.
    Inbox(Uuid),
}

impl Topic {
    /// From its wire form, `stock:<uuid>`, `group:<uuid>` or `inbox:<uuid>`.
    pub fn parse(raw: &str) -> Option<Topic> {
        let (kind, id) = raw.split_once(':')?;
        let id = Uuid::parse_str(id).ok()?;
        match kind {
            "stock" => Some(Topic::Stock(id)),
            "group" => Some(Topic::Group(id)),
            "inbox" => Some(Topic::Inbox(id)),
            _ => None,
        }
    }

    /// A connection's topics from `a,b,c`: duplicates dropped, sorted.
    pub fn parse_list(raw: &str) -> Result<Vec<Topic>, String> {
        let mut topics = Vec::new();
        for part in raw.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            topics.push(Topic::parse(part).ok_or_else(|| format!("Unknown topic: {part}"))?);
        }
        topics.sort();
        topics.dedup();
        if topics.is_empty() {
            return Err("Name at least one topic.".into());
        }
        if topics.len() > MAX_TOPICS {
            return Err(format!("At most {MAX_TOPICS} topics per connection."));
        }
        Ok(topics)
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Topic::Stock(id) => write!(f, "stock:{id}"),
            Topic::Group(id) => write!(f, "group:{id}"),
            Topic::Inbox(id) => write!(f, "inbox:{id}"),
        }
    }
}

/// What the server pushes: the current state of one topic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Update {
    /// A variant's stock available to buy now (on hand less held).
    Stock { variant_id: Uuid, available: i32 },
    /// A group's seats taken, size and status (`groups`).
    Group(GroupLive),
    /// A user's unread notifications, counted at `version`.
    Inbox { user_id: Uuid, unread: i32, version: i64 },
}

impl Update {
    pub fn topic(&self) -> Topic {
        match self {
            Update::Stock { variant_id, .. } => Topic::Stock(*variant_id),
            Update::Group(group) => Topic::Group(group.group_id),
            Update::Inbox { user_id, .. } => Topic::Inbox(*user_id),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn topics_read_back_what_they_write() {
        let id = Uuid::new_v4();
        let topic = Topic::Stock(id);
        assert_eq!(Topic::parse(&topic.to_string()), Some(topic));
        assert_eq!(Topic::parse(&format!("group:{id}")), Some(Topic::Group(id)));
        assert_eq!(Topic::parse(&format!("inbox:{id}")), Some(Topic::Inbox(id)));
        assert_eq!(Topic::parse("stock:nope"), None);
        assert_eq!(Topic::parse(&format!("weather:{id}")), None);
    }

    #[test]
    fn a_topic_list_is_deduplicated_and_bounded() {
        let (a, b) = (Uuid::new_v4(), Uuid::new_v4());
        let list = Topic::parse_list(&format!("stock:{a}, stock:{b},stock:{a},")).unwrap();
        assert_eq!(list.len(), 2);
        assert!(Topic::parse_list("").is_err());
        assert!(Topic::parse_list(&format!("stock:{a},bogus")).unwrap_err().contains("bogus"));
        let many: Vec<String> = (0..=MAX_TOPICS).map(|_| format!("stock:{}", Uuid::new_v4())).collect();
        assert!(Topic::parse_list(&many.join(",")).is_err());
    }

    #[test]
    fn updates_travel_as_tagged_json() {
        let id = Uuid::nil();
        let update = Update::Stock { variant_id: id, available: 3 };
        let json = serde_json::to_string(&update).unwrap();
        assert_eq!(json, format!(r#"{{"type":"stock","variant_id":"{id}","available":3}}"#));
        assert_eq!(serde_json::from_str::<Update>(&json).unwrap(), update);
        assert_eq!(update.topic(), Topic::Stock(id));
    }

    #[test]
    fn a_group_update_carries_the_group_as_the_outbox_has_it() {
        let group = GroupLive {
            group_id: Uuid::new_v4(),
            joined: 5,
            size: 5,
            status: crate::groups::GroupStatus::Full,
            expires_at: chrono::DateTime::UNIX_EPOCH,
        };
        let json = serde_json::to_string(&Update::Group(group.clone())).unwrap();
        assert!(json.starts_with(r#"{"type":"group","group_id":""#), "{json}");
        assert!(json.contains(r#""status":"full""#), "{json}");
        let back: Update = serde_json::from_str(&json).unwrap();
        assert_eq!(back.topic(), Topic::Group(group.group_id));
        assert_eq!(back, Update::Group(group));
    }
}

//! This process's end of the channel: the outbox relay hands it every event
//! (it is a `LocalConsumer`), it turns the ones pages watch into updates
//! and broadcasts them to every open stream, each of which keeps its own
//! topics. An update is serialized once, however many pages receive it.

use std::sync::{Arc, Mutex};

use sqlx::PgPool;
use tokio::sync::{broadcast, watch};
use uuid::Uuid;

use super::{Topic, Update};
use crate::error::AppResult;
use crate::outbox::{Event, LocalConsumer, Position};

/// Updates kept for streams that fall behind; one further behind than this
/// is ended and reconnects, replaying from its last event.
const BACKLOG: usize = 4096;

/// The outbox kinds the channel turns into updates.
pub const STOCK_CHANGED: &str = "stock.changed";
/// Written by `groups` on every change of a group's seats or status.
pub const GROUP_CHANGED: &str = "group.changed";
/// Written by `notifications` on every change of a user's inbox.
pub const INBOX_CHANGED: &str = crate::notifications::db::INBOX_CHANGED;
const KINDS: [&str; 3] = [STOCK_CHANGED, GROUP_CHANGED, INBOX_CHANGED];

/// One update on its way to the streams.
#[derive(Debug)]
pub struct Pushed {
    pub position: Position,
    pub topic: Topic,
    /// The update as the wire carries it.
    pub json: String,
}

#[derive(Clone)]
pub struct LiveHub {
    updates: broadcast::Sender<Arc<Pushed>>,
    caught_up: Arc<Mutex<Option<Position>>>,
    closed: watch::Sender<bool>,
}

impl Default for LiveHub {
    fn default() -> Self {
        LiveHub { updates: broadcast::channel(BACKLOG).0, caught_up: Arc::default(), closed: watch::channel(false).0 }
    }
}

impl LiveHub {
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Pushed>> {
        self.updates.subscribe()
    }

    /// Open streams right now.
    pub fn streams(&self) -> usize {
        self.updates.receiver_count()
    }

    /// Where a page rendered now can start listening: everything up to here
    /// is in what it reads, anything after is replayed to it on connect.
    pub fn position(&self) -> Option<Position> {
        *self.caught_up.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Ends every stream (the server is shutting down; a stream would
    /// otherwise hold graceful shutdown open forever).
    pub fn close(&self) {
        self.closed.send_replace(true);
    }

    pub fn closed(&self) -> watch::Receiver<bool> {
        self.closed.subscribe()
    }
}

impl LocalConsumer for LiveHub {
    fn handle(&self, events: &[Event]) {
        for event in events {
            if let Some(pushed) = pushed(event) {
                // No stream open: nobody to tell.
                let _ = self.updates.send(Arc::new(pushed));
            }
        }
    }

    fn caught_up(&self, at: Position) {
        *self.caught_up.lock().unwrap_or_else(|p| p.into_inner()) = Some(at);
    }
}

/// The update an outbox event means for pages, if any.
pub fn update_of(event: &Event) -> Option<Update> {
    match event.kind.as_str() {
        STOCK_CHANGED => Some(Update::Stock {
            variant_id: event.aggregate_id,
            available: event.payload.get("available")?.as_i64()?.try_into().ok()?,
        }),
        GROUP_CHANGED => serde_json::from_value(event.payload.clone()).ok().map(Update::Group),
        INBOX_CHANGED => Some(Update::Inbox {
            user_id: event.aggregate_id,
            unread: event.payload.get("unread")?.as_i64()?.try_into().ok()?,
            version: event.payload.get("version")?.as_i64()?,
        }),
        _ => None,
    }
}

fn pushed(event: &Event) -> Option<Pushed> {
    let update = update_of(event)?;
    let json = serde_json::to_string(&update).ok()?;
    Some(Pushed { position: Position::of(event), topic: update.topic(), json })
}

/// What a page that last saw `after` missed of `topics`: the newest update
/// of each, oldest first. The relay's gap rule applies (only transactions
/// older than every running one), so nothing read here can be overtaken by
/// an event that commits later with a smaller position.
pub async fn replay(pool: &PgPool, after: Position, topics: &[Topic]) -> AppResult<Vec<Arc<Pushed>>> {
    let ids: Vec<Uuid> = topics
        .iter()
        .map(|t| match t {
            Topic::Stock(id) | Topic::Group(id) | Topic::Inbox(id) => *id,
        })
        .collect();
    let kinds: Vec<String> = KINDS.iter().map(|k| k.to_string()).collect();
    let rows = sqlx::query!(
        r#"SELECT DISTINCT ON (kind, aggregate_id)
                  id, tx_id::text::bigint AS "tx_id!", aggregate, aggregate_id, kind, payload::text AS "payload!"
           FROM outbox_events
           WHERE (tx_id, id) > ($1::bigint::text::xid8, $2)
             AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
             AND kind = ANY($3) AND aggregate_id = ANY($4)
           ORDER BY kind, aggregate_id, tx_id DESC, id DESC"#,
        after.tx_id,
        after.id,
        &kinds,
        &ids
    )
    .fetch_all(pool)
    .await?;
    let mut missed: Vec<Arc<Pushed>> = rows
        .into_iter()
        .filter_map(|r| {
            let event = Event {
                id: r.id,
                tx_id: r.tx_id,
                aggregate: r.aggregate,
                aggregate_id: r.aggregate_id,
                kind: r.kind,
                payload: serde_json::from_str(&r.payload).ok()?,
            };
            pushed(&event)
        })
        .filter(|p| topics.contains(&p.topic))
        .map(Arc::new)
        .collect();
    missed.sort_by_key(|p| p.position);
    Ok(missed)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn event(kind: &str, payload: serde_json::Value) -> Event {
        Event { id: 7, tx_id: 900, aggregate: "variant".into(), aggregate_id: Uuid::nil(), kind: kind.into(), payload }
    }

    #[test]
    fn stock_events_become_stock_updates() {
        let update = update_of(&event(STOCK_CHANGED, json!({ "available": 4 }))).unwrap();
        assert_eq!(update, Update::Stock { variant_id: Uuid::nil(), available: 4 });
        assert_eq!(update_of(&event("post.created", json!({}))), None);
        assert_eq!(update_of(&event(STOCK_CHANGED, json!({ "available": "many" }))), None);
    }

    #[test]
    fn group_events_become_group_updates() {
        let id = Uuid::new_v4();
        let payload =
            json!({ "group_id": id, "joined": 3, "size": 5, "status": "open", "expires_at": "2026-12-24T10:00:00Z" });
        let Some(Update::Group(group)) = update_of(&event(GROUP_CHANGED, payload)) else { panic!("a group update") };
        assert_eq!((group.group_id, group.joined, group.size), (id, 3, 5));
        assert_eq!(update_of(&event(GROUP_CHANGED, json!({ "joined": 3 }))), None);
    }

    #[test]
    fn inbox_events_become_the_users_bell() {
        let update = update_of(&event(INBOX_CHANGED, json!({ "unread": 3, "version": 12 }))).unwrap();
        assert_eq!(update, Update::Inbox { user_id: Uuid::nil(), unread: 3, version: 12 });
        assert_eq!(update.topic(), Topic::Inbox(Uuid::nil()));
        assert_eq!(update_of(&event(INBOX_CHANGED, json!({ "unread": 3 }))), None);
    }

    #[test]
    fn the_hub_broadcasts_what_pages_watch_and_remembers_where_it_is() {
        let hub = LiveHub::default();
        let mut rx = hub.subscribe();
        hub.handle(&[event("post.created", json!({})), event(STOCK_CHANGED, json!({ "available": 2 }))]);
        hub.caught_up(Position { tx_id: 901, id: 0 });
        let pushed = rx.try_recv().unwrap();
        assert_eq!(pushed.position, Position { tx_id: 900, id: 7 });
        assert_eq!(pushed.topic, Topic::Stock(Uuid::nil()));
        assert!(pushed.json.contains(r#""available":2"#));
        assert!(rx.try_recv().is_err(), "the post event is not the channel's");
        assert_eq!(hub.position(), Some(Position { tx_id: 901, id: 0 }));
    }
}

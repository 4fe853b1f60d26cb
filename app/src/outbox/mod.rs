//! The outbox: domain events written in the same transaction as the change
//! they describe (`publish`), and the one relay (`relay`) that hands every
//! event, in order, to each consumer from that consumer's own cursor. Event
//! kinds are named by the domain that writes them (`posts::events`,
//! `social::events`, orders' `order.*`).

pub mod relay;
pub mod status;

use serde_json::Value;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppResult;

pub use relay::{Consumer, HandleFuture, LocalConsumer, Position, Relay};

/// The NOTIFY channel `publish` signals, so the relay wakes at once.
pub const CHANNEL: &str = "outbox";

/// One event as consumers receive it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub id: i64,
    /// The transaction that wrote it (the relay's order is `(tx_id, id)`).
    pub tx_id: i64,
    pub aggregate: String,
    pub aggregate_id: Uuid,
    pub kind: String,
    pub payload: Value,
}

impl Event {
    /// A uuid field of the payload (`"author_id"`, `"follower_id"`).
    pub fn uuid(&self, field: &str) -> Option<Uuid> {
        self.payload.get(field)?.as_str()?.parse().ok()
    }
}

/// Appends an event to the outbox in the caller's transaction, and signals
/// the relay (Postgres delivers the NOTIFY when that transaction commits,
/// and drops it if it rolls back).
pub async fn publish(
    tx: &mut PgConnection,
    aggregate: &str,
    aggregate_id: Uuid,
    kind: &str,
    payload: Value,
) -> AppResult<()> {
    sqlx::query!(
        "INSERT INTO outbox_events (aggregate, aggregate_id, kind, payload) VALUES ($1, $2, $3, $4::text::jsonb)",
        aggregate,
        aggregate_id,
        kind,
        payload.to_string()
    )
    .execute(&mut *tx)
    .await?;
    notify(tx).await
}

/// `publish` for many aggregates at once (one event each, same kind), in one
/// statement: a private account going public accepts every waiting request.
pub async fn publish_each(
    tx: &mut PgConnection,
    aggregate: &str,
    events: &[(Uuid, Value)],
    kind: &str,
) -> AppResult<()> {
    if events.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = events.iter().map(|(id, _)| *id).collect();
    let payloads: Vec<String> = events.iter().map(|(_, p)| p.to_string()).collect();
    sqlx::query!(
        "INSERT INTO outbox_events (aggregate, aggregate_id, kind, payload)
         SELECT $1, e.id, $3, e.payload::jsonb FROM unnest($2::uuid[], $4::text[]) WITH ORDINALITY AS e(id, payload, n)
         ORDER BY e.n",
        aggregate,
        &ids,
        kind,
        &payloads
    )
    .execute(&mut *tx)
    .await?;
    notify(tx).await
}

async fn notify(tx: &mut PgConnection) -> AppResult<()> {
    // Several in one transaction fold into one notification.
    sqlx::query("SELECT pg_notify($1, '')").bind(CHANNEL).execute(&mut *tx).await?;
    Ok(())
}

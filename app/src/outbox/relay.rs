//! The one relay: reads the outbox in `(tx_id, id)` order and hands each
//! batch to every registered consumer, each from its own cursor.
//!
//! Gap safety: an identity id is taken when the row is inserted, not when
//! its transaction commits, so id 41 can appear after id 42 was read. The
//! relay reads only events of transactions older than the oldest one still
//! running (`pg_snapshot_xmin`): those are final, and a transaction that
//! commits later has a larger tx id, so it sorts after every cursor already
//! stored. The price is latency: a long transaction anywhere on the database
//! holds delivery back until it ends (the poll picks events up after it).
//!
//! Delivery is at least once. A durable `Consumer` handles a batch inside
//! the transaction that moves its cursor (`outbox_consumers`, locked, so two
//! servers never run one consumer at once); if it fails, nothing moved and
//! the batch comes again. A `LocalConsumer` (a per-process cache) keeps its
//! cursor in memory, starting where the process started: every server
//! process sees every event. Consumers must be idempotent.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::{PgConnection, PgPool};

use super::{Event, CHANNEL};
use crate::error::AppResult;

/// How many events a consumer gets at most at once.
pub const BATCH: i64 = 500;

pub type HandleFuture<'a> = Pin<Box<dyn Future<Output = AppResult<()>> + Send + 'a>>;

/// A consumer whose work is in the database: it handles each batch in the
/// transaction that records it as handled. A new one starts at the oldest
/// event (it ignores the kinds it does not know).
pub trait Consumer: Send + Sync {
    /// Its cursor's key in `outbox_consumers`; never rename a deployed one.
    fn name(&self) -> &'static str;
    fn handle<'a>(&'a self, tx: &'a mut PgConnection, events: &'a [Event]) -> HandleFuture<'a>;
}

/// A consumer of this process only (an in-memory cache): sees every event
/// published from the moment the relay started.
pub trait LocalConsumer: Send + Sync {
    fn handle(&self, events: &[Event]);
}

/// A position in the outbox: the last event handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Position {
    tx_id: i64,
    id: i64,
}

struct Local {
    consumer: Arc<dyn LocalConsumer>,
    position: Mutex<Option<Position>>,
}

pub struct Relay {
    pool: PgPool,
    durable: Vec<Arc<dyn Consumer>>,
    local: Vec<Local>,
}

impl Relay {
    pub fn new(pool: PgPool) -> Relay {
        Relay { pool, durable: Vec::new(), local: Vec::new() }
    }

    pub fn with(mut self, consumer: impl Consumer + 'static) -> Relay {
        self.durable.push(Arc::new(consumer));
        self
    }

    pub fn with_local(mut self, consumer: Arc<dyn LocalConsumer>) -> Relay {
        self.local.push(Local { consumer, position: Mutex::new(None) });
        self
    }

    /// Delivers everything deliverable now to every consumer; returns how
    /// many events were handed out in all. A consumer that fails is logged
    /// and tried again on the next pass; the others go on.
    pub async fn run_once(&self) -> usize {
        let mut handed = 0;
        for consumer in &self.durable {
            match self.drain_durable(consumer.as_ref()).await {
                Ok(n) => handed += n,
                Err(e) => tracing::warn!(consumer = consumer.name(), error = %e, "outbox consumer failed"),
            }
        }
        for local in &self.local {
            match self.drain_local(local).await {
                Ok(n) => handed += n,
                Err(e) => tracing::warn!(error = %e, "reading the outbox for a local consumer failed"),
            }
        }
        handed
    }

    /// Runs forever: a pass whenever a transaction that published commits
    /// (LISTEN), and at least every `poll` (events held back by a long
    /// transaction, a lost notification, a lost connection).
    pub async fn run(self, poll: Duration) {
        let mut listener = match sqlx::postgres::PgListener::connect_with(&self.pool).await {
            Ok(mut l) => match l.listen(CHANNEL).await {
                Ok(()) => Some(l),
                Err(e) => {
                    tracing::warn!(error = %e, "outbox relay: LISTEN failed; polling only");
                    None
                }
            },
            Err(e) => {
                tracing::warn!(error = %e, "outbox relay: no listener connection; polling only");
                None
            }
        };
        loop {
            self.run_once().await;
            match listener.as_mut() {
                Some(l) => {
                    tokio::select! {
                        got = l.recv() => if let Err(e) = got {
                            tracing::warn!(error = %e, "outbox relay: listener lost");
                            tokio::time::sleep(poll).await;
                        },
                        _ = tokio::time::sleep(poll) => {}
                    }
                }
                None => tokio::time::sleep(poll).await,
            }
        }
    }

    async fn drain_durable(&self, consumer: &dyn Consumer) -> AppResult<usize> {
        let mut handed = 0;
        loop {
            let mut tx = self.pool.begin().await?;
            sqlx::query!(
                "INSERT INTO outbox_consumers (name, last_tx, last_id) VALUES ($1, '0', 0) ON CONFLICT DO NOTHING",
                consumer.name()
            )
            .execute(&mut *tx)
            .await?;
            let at = sqlx::query!(
                r#"SELECT last_tx::text::bigint AS "tx_id!", last_id FROM outbox_consumers WHERE name = $1 FOR UPDATE"#,
                consumer.name()
            )
            .fetch_one(&mut *tx)
            .await?;
            let events = read_after(&mut tx, Position { tx_id: at.tx_id, id: at.last_id }).await?;
            let Some(last) = events.last().map(|e| Position { tx_id: e.tx_id, id: e.id }) else {
                return Ok(handed);
            };
            consumer.handle(&mut tx, &events).await?;
            sqlx::query!(
                "UPDATE outbox_consumers SET last_tx = $2::bigint::text::xid8, last_id = $3, updated_at = app_now()
                 WHERE name = $1",
                consumer.name(),
                last.tx_id,
                last.id
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            handed += events.len();
            if (events.len() as i64) < BATCH {
                return Ok(handed);
            }
        }
    }

    async fn drain_local(&self, local: &Local) -> AppResult<usize> {
        let mut conn = self.pool.acquire().await?;
        let start = *local.position.lock().unwrap_or_else(|p| p.into_inner());
        let mut at = match start {
            Some(at) => at,
            // Everything older than the oldest running transaction happened
            // before this process could have cached anything of it.
            None => {
                let xmin = sqlx::query_scalar!(
                    r#"SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS "xmin!""#
                )
                .fetch_one(&mut *conn)
                .await?;
                Position { tx_id: xmin, id: 0 }
            }
        };
        let mut handed = 0;
        loop {
            let events = read_after(&mut conn, at).await?;
            if let Some(last) = events.last() {
                local.consumer.handle(&events);
                at = Position { tx_id: last.tx_id, id: last.id };
                handed += events.len();
            }
            *local.position.lock().unwrap_or_else(|p| p.into_inner()) = Some(at);
            if (events.len() as i64) < BATCH {
                return Ok(handed);
            }
        }
    }
}

/// The next batch after `at`, of transactions that can no longer change.
async fn read_after(conn: &mut PgConnection, at: Position) -> AppResult<Vec<Event>> {
    let rows = sqlx::query!(
        r#"SELECT id, tx_id::text::bigint AS "tx_id!", aggregate, aggregate_id, kind, payload::text AS "payload!"
           FROM outbox_events
           WHERE (tx_id, id) > ($1::bigint::text::xid8, $2)
             AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY tx_id, id
           LIMIT $3"#,
        at.tx_id,
        at.id,
        BATCH
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let payload = serde_json::from_str(&r.payload).map_err(|e| {
                tracing::error!(event = r.id, error = %e, "outbox: unreadable payload");
                crate::error::AppError::Internal
            })?;
            Ok(Event { id: r.id, tx_id: r.tx_id, aggregate: r.aggregate, aggregate_id: r.aggregate_id, kind: r.kind, payload })
        })
        .collect()
}

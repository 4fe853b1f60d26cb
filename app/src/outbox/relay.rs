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
//! servers never run one consumer at once); if it fails, or the process dies
//! before that transaction commits, nothing moved and the batch comes again.
//! A consumer that fails waits before its next try (`Backoff`: doubling per
//! failure in a row), and its row records the failures, since when and the
//! last error, which `status` shows admins with the event it is stuck on.
//! A `LocalConsumer` (a per-process cache) keeps its
//! cursor in memory, starting where the process started: every server
//! process sees every event. Consumers must be idempotent.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::{PgConnection, PgPool};
use tokio::sync::watch;

use super::{Event, CHANNEL};
use crate::error::AppResult;

/// How many events a consumer gets at most at once.
pub const BATCH: i64 = 500;
/// The longest error text kept for admins.
const ERROR_CHARS: usize = 1000;

/// How long a failing durable consumer waits before its next try: `base`
/// after its first failure in a row, doubled per further one, at most `max`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    pub base: Duration,
    pub max: Duration,
}

impl Backoff {
    /// One second, doubling up to five minutes.
    pub const DEFAULT: Backoff = Backoff { base: Duration::from_secs(1), max: Duration::from_secs(300) };

    /// The wait after `failures` failures in a row (1 = the first).
    pub fn after(&self, failures: i32) -> Duration {
        let doublings = (failures.max(1) - 1).min(20) as u32;
        self.base.saturating_mul(1 << doublings).min(self.max)
    }
}

pub type HandleFuture<'a> = Pin<Box<dyn Future<Output = AppResult<()>> + Send + 'a>>;

/// A consumer whose work is in the database: it handles each batch in the
/// transaction that records it as handled. A new one starts at the oldest
/// event (it ignores the kinds it does not know).
pub trait Consumer: Send + Sync {
    /// Its cursor's key in `outbox_consumers`; never rename a deployed one.
    fn name(&self) -> &'static str;
    fn handle<'a>(&'a self, tx: &'a mut PgConnection, events: &'a [Event]) -> HandleFuture<'a>;

    /// How many events it gets at most at once. A batch is one transaction,
    /// and while it is open the relay hands nobody an event committed after
    /// it began (`pg_snapshot_xmin`): a consumer with slow events keeps its
    /// batches short.
    fn batch(&self) -> i64 {
        BATCH
    }
}

/// A consumer of this process only (an in-memory cache): sees every event
/// published from the moment the relay started.
pub trait LocalConsumer: Send + Sync {
    fn handle(&self, events: &[Event]);

    /// After each pass: everything up to `at` has been handed to it (also
    /// when there was nothing new), so state read from the database from now
    /// on includes at least that much.
    fn caught_up(&self, _at: Position) {}
}

/// A position in the outbox: the last event handled. Positions order as
/// the relay delivers (`(tx_id, id)`), and read as `"<tx_id>.<id>"` where
/// they leave the server (the real-time channel's event ids, `live`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    pub tx_id: i64,
    pub id: i64,
}

impl Position {
    pub fn of(event: &Event) -> Position {
        Position { tx_id: event.tx_id, id: event.id }
    }

    /// From `"<tx_id>.<id>"`; anything else is `None`.
    pub fn parse(raw: &str) -> Option<Position> {
        let (tx_id, id) = raw.trim().split_once('.')?;
        let (tx_id, id) = (tx_id.parse().ok()?, id.parse().ok()?);
        (tx_id >= 0 && id >= 0).then_some(Position { tx_id, id })
    }
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}", self.tx_id, self.id)
    }
}

struct Local {
    consumer: Arc<dyn LocalConsumer>,
    position: Mutex<Option<Position>>,
}

pub struct Relay {
    pool: PgPool,
    durable: Vec<Arc<dyn Consumer>>,
    local: Vec<Local>,
    backoff: Backoff,
}

impl Relay {
    pub fn new(pool: PgPool) -> Relay {
        Relay { pool, durable: Vec::new(), local: Vec::new(), backoff: Backoff::DEFAULT }
    }

    pub fn with_backoff(mut self, backoff: Backoff) -> Relay {
        self.backoff = backoff;
        self
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
    /// many events were handed out in all. A consumer that fails is logged,
    /// recorded and tried again once its backoff has passed; the others go on.
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

    /// Runs forever. Each consumer drains in a task of its own, so a slow
    /// one (the notifications' writes) never holds back another (the live
    /// channel's pushes). They all pass whenever a transaction that
    /// published commits (one LISTEN, shared), and at least every `poll`
    /// (events held back by a long transaction, a lost notification, a
    /// lost connection).
    pub async fn run(self, poll: Duration) {
        let relay = Arc::new(self);
        let (wake, _) = watch::channel(0u64);
        for index in 0..relay.durable.len() {
            let (relay, mut woken) = (relay.clone(), wake.subscribe());
            tokio::spawn(async move {
                let consumer = relay.durable[index].clone();
                loop {
                    if let Err(e) = relay.drain_durable(consumer.as_ref()).await {
                        tracing::warn!(consumer = consumer.name(), error = %e, "outbox consumer failed");
                    }
                    wait(&mut woken, poll).await;
                }
            });
        }
        for index in 0..relay.local.len() {
            let (relay, mut woken) = (relay.clone(), wake.subscribe());
            tokio::spawn(async move {
                loop {
                    if let Err(e) = relay.drain_local(&relay.local[index]).await {
                        tracing::warn!(error = %e, "reading the outbox for a local consumer failed");
                    }
                    wait(&mut woken, poll).await;
                }
            });
        }
        let mut listener = match sqlx::postgres::PgListener::connect_with(&relay.pool).await {
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
            match listener.as_mut() {
                Some(l) => match l.recv().await {
                    Ok(_) => wake.send_modify(|n| *n = n.wrapping_add(1)),
                    Err(e) => {
                        tracing::warn!(error = %e, "outbox relay: listener lost");
                        tokio::time::sleep(poll).await;
                    }
                },
                // The consumers poll on their own.
                None => std::future::pending::<()>().await,
            }
        }
    }

    async fn drain_durable(&self, consumer: &dyn Consumer) -> AppResult<usize> {
        // Registered on its own, so a consumer whose first batch fails still
        // has the row its failures are recorded on.
        sqlx::query!(
            "INSERT INTO outbox_consumers (name, last_tx, last_id) VALUES ($1, '0', 0) ON CONFLICT DO NOTHING",
            consumer.name()
        )
        .execute(&self.pool)
        .await?;
        let mut handed = 0;
        loop {
            let mut tx = self.pool.begin().await?;
            let at = sqlx::query!(
                r#"SELECT last_tx::text::bigint AS "tx_id!", last_id, failures,
                          COALESCE(retry_at > app_now(), false) AS "waiting!"
                   FROM outbox_consumers WHERE name = $1 FOR UPDATE"#,
                consumer.name()
            )
            .fetch_one(&mut *tx)
            .await?;
            if at.waiting {
                return Ok(handed);
            }
            let events = read_after(&mut tx, Position { tx_id: at.tx_id, id: at.last_id }, consumer.batch()).await?;
            let Some(last) = events.last().map(|e| Position { tx_id: e.tx_id, id: e.id }) else {
                return Ok(handed);
            };
            if let Err(e) = consumer.handle(&mut tx, &events).await {
                // Nothing it did stays; the batch comes again after the wait.
                tx.rollback().await?;
                self.record_failure(consumer.name(), at.failures + 1, &e).await?;
                return Err(e);
            }
            sqlx::query!(
                "UPDATE outbox_consumers SET last_tx = $2::bigint::text::xid8, last_id = $3, updated_at = app_now(),
                        failures = 0, last_error = NULL, failing_since = NULL, retry_at = NULL
                 WHERE name = $1",
                consumer.name(),
                last.tx_id,
                last.id
            )
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            handed += events.len();
            if (events.len() as i64) < consumer.batch() {
                return Ok(handed);
            }
        }
    }

    /// Records a consumer's `failures`-th failure in a row and when it may
    /// try again.
    async fn record_failure(&self, name: &str, failures: i32, error: &crate::error::AppError) -> AppResult<()> {
        let wait = self.backoff.after(failures).as_secs_f64();
        let text: String = format!("{error:?}").chars().take(ERROR_CHARS).collect();
        sqlx::query!(
            "UPDATE outbox_consumers SET failures = $2, last_error = $3, failing_since = COALESCE(failing_since, app_now()),
                    retry_at = app_now() + make_interval(secs => $4)
             WHERE name = $1",
            name,
            failures,
            text,
            wait
        )
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn drain_local(&self, local: &Local) -> AppResult<usize> {
        let mut conn = self.pool.acquire().await?;
        let start = *local.position.lock().unwrap_or_else(|p| p.into_inner());
        let mut at = match start {
            Some(at) => at,
            // Everything older than the oldest running transaction happened
            // before this process could have cached anything of it.
            None => {
                let xmin =
                    sqlx::query_scalar!(r#"SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint AS "xmin!""#)
                        .fetch_one(&mut *conn)
                        .await?;
                Position { tx_id: xmin, id: 0 }
            }
        };
        let mut handed = 0;
        loop {
            let events = read_after(&mut conn, at, BATCH).await?;
            if let Some(last) = events.last() {
                local.consumer.handle(&events);
                at = Position { tx_id: last.tx_id, id: last.id };
                handed += events.len();
            }
            *local.position.lock().unwrap_or_else(|p| p.into_inner()) = Some(at);
            if (events.len() as i64) < BATCH {
                local.consumer.caught_up(at);
                return Ok(handed);
            }
        }
    }
}

/// Until the next commit that published (`woken`) or `poll`, whichever
/// comes first.
async fn wait(woken: &mut watch::Receiver<u64>, poll: Duration) {
    tokio::select! {
        changed = woken.changed() => if changed.is_err() {
            tokio::time::sleep(poll).await;
        },
        _ = tokio::time::sleep(poll) => {}
    }
}

/// The next `limit` events after `at`, of transactions that can no longer
/// change.
async fn read_after(conn: &mut PgConnection, at: Position, limit: i64) -> AppResult<Vec<Event>> {
    let rows = sqlx::query!(
        r#"SELECT id, tx_id::text::bigint AS "tx_id!", aggregate, aggregate_id, kind, payload::text AS "payload!"
           FROM outbox_events
           WHERE (tx_id, id) > ($1::bigint::text::xid8, $2)
             AND tx_id < pg_snapshot_xmin(pg_current_snapshot())
           ORDER BY tx_id, id
           LIMIT $3"#,
        at.tx_id,
        at.id,
        limit
    )
    .fetch_all(&mut *conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            let payload = serde_json::from_str(&r.payload).map_err(|e| {
                tracing::error!(event = r.id, error = %e, "outbox: unreadable payload");
                crate::error::AppError::Internal
            })?;
            Ok(Event {
                id: r.id,
                tx_id: r.tx_id,
                aggregate: r.aggregate,
                aggregate_id: r.aggregate_id,
                kind: r.kind,
                payload,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};

    use serde_json::json;
    use uuid::Uuid;

    use super::*;
    use crate::error::AppError;
    use crate::outbox::publish;

    /// Records the ids it is handed; fails while `failing` is set.
    #[derive(Clone, Default)]
    struct Recorder {
        name: &'static str,
        seen: Arc<Mutex<Vec<i64>>>,
        failing: Arc<AtomicBool>,
    }

    impl Recorder {
        fn named(name: &'static str) -> Recorder {
            Recorder { name, ..Recorder::default() }
        }

        fn seen(&self) -> Vec<i64> {
            self.seen.lock().unwrap().clone()
        }
    }

    impl Consumer for Recorder {
        fn name(&self) -> &'static str {
            self.name
        }

        fn handle<'a>(&'a self, _tx: &'a mut PgConnection, events: &'a [Event]) -> HandleFuture<'a> {
            Box::pin(async move {
                if self.failing.load(Ordering::SeqCst) {
                    return Err(AppError::Internal);
                }
                self.seen.lock().unwrap().extend(events.iter().map(|e| e.id));
                Ok(())
            })
        }
    }

    impl LocalConsumer for Recorder {
        fn handle(&self, events: &[Event]) {
            self.seen.lock().unwrap().extend(events.iter().map(|e| e.id));
        }
    }

    /// A backoff short enough for a test to wait out.
    const QUICK: Backoff = Backoff { base: Duration::from_millis(20), max: Duration::from_millis(80) };

    async fn event(pool: &PgPool, n: i64) -> i64 {
        let mut tx = pool.begin().await.unwrap();
        publish(&mut tx, "test", Uuid::new_v4(), "test.happened", json!({ "n": n })).await.unwrap();
        let id =
            sqlx::query_scalar!(r#"SELECT max(id) AS "id!" FROM outbox_events"#).fetch_one(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        id
    }

    /// Runs `relay` until every consumer of `recorders` has seen `ids` (other
    /// tests' transactions may hold events back for a moment).
    async fn until_seen(relay: &Relay, recorders: &[&Recorder], ids: &[i64]) {
        for _ in 0..2000 {
            relay.run_once().await;
            if recorders.iter().all(|r| ids.iter().all(|id| r.seen().contains(id))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("events {ids:?} never reached every consumer");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn two_consumers_read_independently_and_resume_from_their_cursors(pool: PgPool) {
        let (a, b) = (Recorder::named("a"), Recorder::named("b"));
        let relay = Relay::new(pool.clone()).with(a.clone()).with(b.clone()).with_backoff(QUICK);
        let first = vec![event(&pool, 1).await, event(&pool, 2).await];
        b.failing.store(true, Ordering::SeqCst);
        until_seen(&relay, &[&a], &first).await;
        assert!(b.seen().is_empty(), "b failed: its cursor stays put");

        b.failing.store(false, Ordering::SeqCst);
        until_seen(&relay, &[&b], &first).await;
        assert_eq!(a.seen(), first, "a is not handed its events again");
        assert_eq!(b.seen(), first, "in order");

        // A new relay (a restarted server) goes on from the stored cursors.
        let (a2, b2) = (Recorder::named("a"), Recorder::named("b"));
        let restarted = Relay::new(pool.clone()).with(a2.clone()).with(b2.clone());
        let third = event(&pool, 3).await;
        until_seen(&restarted, &[&a2, &b2], &[third]).await;
        assert_eq!((a2.seen(), b2.seen()), (vec![third], vec![third]));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_lower_id_that_commits_late_is_not_skipped(pool: PgPool) {
        let durable = Recorder::named("durable");
        let local = Recorder::named("local");
        let relay = Relay::new(pool.clone()).with(durable.clone()).with_local(Arc::new(local.clone()));
        relay.run_once().await;

        // `late` takes its transaction id first, then `early` takes the
        // lower event id, then `late` publishes (higher id) and commits
        // first; `early` commits last.
        let mut late = pool.begin().await.unwrap();
        sqlx::query("SELECT pg_current_xact_id()").execute(&mut *late).await.unwrap();
        let mut early = pool.begin().await.unwrap();
        publish(&mut early, "test", Uuid::new_v4(), "test.early", json!({})).await.unwrap();
        publish(&mut late, "test", Uuid::new_v4(), "test.late", json!({})).await.unwrap();
        late.commit().await.unwrap();
        let late_id = event_id(&pool, "test.late").await;
        until_seen(&relay, &[&durable, &local], &[late_id]).await;

        early.commit().await.unwrap();
        let early_id = event_id(&pool, "test.early").await;
        assert!(early_id < late_id, "the case under test: a lower id seen after a higher one");
        until_seen(&relay, &[&durable, &local], &[early_id]).await;
        assert_eq!(durable.seen(), vec![late_id, early_id]);
        assert_eq!(local.seen(), vec![late_id, early_id]);
    }

    async fn event_id(pool: &PgPool, kind: &str) -> i64 {
        sqlx::query_scalar!("SELECT id FROM outbox_events WHERE kind = $1", kind).fetch_one(pool).await.unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn nothing_from_an_open_transaction_is_delivered(pool: PgPool) {
        let durable = Recorder::named("durable");
        let relay = Relay::new(pool.clone()).with(durable.clone());
        let mut open = pool.begin().await.unwrap();
        publish(&mut open, "test", Uuid::new_v4(), "test.open", json!({})).await.unwrap();
        let after = event(&pool, 1).await;
        relay.run_once().await;
        assert!(!durable.seen().contains(&after), "held back: an older transaction is still open");
        open.rollback().await.unwrap();
        until_seen(&relay, &[&durable], &[after]).await;
        assert_eq!(durable.seen(), vec![after], "the rolled-back event never comes");
    }

    #[test]
    fn the_wait_doubles_per_failure_in_a_row_up_to_the_cap() {
        let b = Backoff::DEFAULT;
        let secs: Vec<u64> = [1, 2, 3, 4, 9, 10, 1000].iter().map(|n| b.after(*n).as_secs()).collect();
        assert_eq!(secs, [1, 2, 4, 8, 256, 300, 300]);
        assert_eq!(b.after(0), Duration::from_secs(1), "read as the first");
    }

    async fn consumer_row(pool: &PgPool, name: &str) -> (i32, Option<String>, bool, bool) {
        let r = sqlx::query!(
            r#"SELECT failures, last_error, failing_since IS NOT NULL AS "since!", COALESCE(retry_at > app_now(), false) AS "waiting!"
               FROM outbox_consumers WHERE name = $1"#,
            name
        )
        .fetch_one(pool)
        .await
        .unwrap();
        (r.failures, r.last_error, r.since, r.waiting)
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_failing_consumer_waits_before_each_retry_and_is_recorded_until_it_recovers(pool: PgPool) {
        let flaky = Recorder::named("flaky");
        let backoff = Backoff { base: Duration::from_millis(400), max: Duration::from_secs(5) };
        let relay = Relay::new(pool.clone()).with(flaky.clone()).with_backoff(backoff);
        flaky.failing.store(true, Ordering::SeqCst);
        let id = event(&pool, 1).await;
        for _ in 0..2000 {
            relay.run_once().await;
            if consumer_row(&pool, "flaky").await.0 > 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let (failures, error, since, waiting) = consumer_row(&pool, "flaky").await;
        assert_eq!(failures, 1);
        assert!(error.is_some_and(|e| e.contains("Internal")), "the error is kept for admins");
        assert!(since && waiting, "failing since now, waiting for its retry");
        // Passes during the wait don't try it again.
        relay.run_once().await;
        relay.run_once().await;
        assert_eq!(consumer_row(&pool, "flaky").await.0, 1, "no retry before the wait is over");

        // After the wait it is tried again, fails again, and waits longer.
        tokio::time::sleep(Duration::from_millis(450)).await;
        relay.run_once().await;
        assert_eq!(consumer_row(&pool, "flaky").await.0, 2);

        // It recovers: the batch comes, the record is cleared.
        flaky.failing.store(false, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(850)).await;
        until_seen(&relay, &[&flaky], &[id]).await;
        assert_eq!(consumer_row(&pool, "flaky").await, (0, None, false, false));
    }

    /// Writes each event's id to `relay_ledger` in the relay's transaction;
    /// with `crash` set it then panics, as a process dying between handling
    /// a batch and committing its cursor.
    #[derive(Clone, Default)]
    struct Ledger {
        crash: Arc<AtomicBool>,
    }

    impl Consumer for Ledger {
        fn name(&self) -> &'static str {
            "ledger"
        }

        fn handle<'a>(&'a self, tx: &'a mut PgConnection, events: &'a [Event]) -> HandleFuture<'a> {
            Box::pin(async move {
                for e in events {
                    sqlx::query("INSERT INTO relay_ledger (event_id) VALUES ($1)").bind(e.id).execute(&mut *tx).await?;
                }
                assert!(!self.crash.load(Ordering::SeqCst), "the process dies before the cursor commits");
                Ok(())
            })
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_crash_between_handling_and_committing_the_cursor_skips_nothing_and_repeats_nothing(pool: PgPool) {
        // No primary key on purpose: a second write of one event would show.
        sqlx::query("CREATE TABLE relay_ledger (event_id bigint NOT NULL)").execute(&pool).await.unwrap();
        let ids = vec![event(&pool, 1).await, event(&pool, 2).await, event(&pool, 3).await];
        let crashing = Ledger { crash: Arc::new(AtomicBool::new(true)) };
        let relay = Arc::new(Relay::new(pool.clone()).with(crashing));
        // Other tests' open transactions (the snapshot is cluster-wide) may
        // hold the events back for a pass or two: run until the pass dies.
        let mut died = false;
        for _ in 0..2000 {
            let pass = tokio::spawn({
                let relay = relay.clone();
                async move { relay.run_once().await }
            })
            .await;
            if pass.is_err_and(|e| e.is_panic()) {
                died = true;
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        assert!(died, "the pass died mid-batch");
        drop(relay);

        // The restarted process resumes from the stored cursor.
        let restarted = Relay::new(pool.clone()).with(Ledger::default());
        let mut written: Vec<i64> = Vec::new();
        for _ in 0..2000 {
            restarted.run_once().await;
            written = sqlx::query_scalar("SELECT event_id FROM relay_ledger ORDER BY event_id")
                .fetch_all(&pool)
                .await
                .unwrap();
            if ids.iter().all(|id| written.contains(id)) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let ours: Vec<i64> = written.into_iter().filter(|id| ids.contains(id)).collect();
        assert_eq!(ours, ids, "every event handled once: the crashed pass left nothing behind");
        let cursor = sqlx::query_scalar!("SELECT last_id FROM outbox_consumers WHERE name = 'ledger'")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(cursor, *ids.last().unwrap());
    }
}

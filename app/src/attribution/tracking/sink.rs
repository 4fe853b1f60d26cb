//! Where shopper events go: recorded without waiting (a page never slows down
//! for tracking), filtered for duplicates and floods, and written by one
//! worker in batches of up to a few thousand rows per statement.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

pub use super::event::NewEvent;
use super::EventKind;

/// Events waiting to be written before new ones are dropped.
const QUEUE: usize = 100_000;
/// The most rows one INSERT writes.
const MAX_BATCH: usize = 5_000;
/// How long the worker lets events gather before writing them.
const GATHER: Duration = Duration::from_millis(20);
/// How many dropped events one warning stands for.
const DROPS_PER_WARNING: u64 = 10_000;
/// A visitor sending more than this many events a minute is a script.
const MAX_PER_VISITOR_PER_MINUTE: u32 = 600;

impl NewEvent {
    /// Events that repeat within their window say nothing new: the same post
    /// seen again within half an hour, the same tag tapped twice in a row.
    fn dedupe_key(&self) -> (DedupeKey, chrono::Duration) {
        let key = DedupeKey {
            visitor: self.visitor_id,
            kind: self.kind,
            post: self.post_id,
            product: self.product_id,
            order: self.order_id,
        };
        let window = match self.kind {
            EventKind::Impression => chrono::Duration::minutes(30),
            EventKind::TagTap | EventKind::ProductView | EventKind::AddToCart => chrono::Duration::seconds(5),
            EventKind::CheckoutStarted => chrono::Duration::minutes(10),
            EventKind::Purchase => chrono::Duration::days(1),
        };
        (key, window)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct DedupeKey {
    visitor: Uuid,
    kind: EventKind,
    post: Option<Uuid>,
    product: Option<Uuid>,
    order: Option<Uuid>,
}

/// Decides which events are worth keeping: not a repeat within its window,
/// not part of a flood. Keeps bounded memory by forgetting old entries.
#[derive(Default)]
pub struct Filter {
    seen: HashMap<DedupeKey, DateTime<Utc>>,
    rate: HashMap<Uuid, (i64, u32)>,
    since_forgetting: u32,
}

impl Filter {
    /// Whether to keep `event` (and remember it if so).
    pub fn admit(&mut self, event: &NewEvent) -> bool {
        self.since_forgetting += 1;
        if self.since_forgetting >= 50_000 {
            self.since_forgetting = 0;
            self.forget_before(event.at);
        }
        let minute = event.at.timestamp() / 60;
        let (at_minute, count) = self.rate.entry(event.visitor_id).or_insert((minute, 0));
        if *at_minute != minute {
            (*at_minute, *count) = (minute, 0);
        }
        *count += 1;
        if *count > MAX_PER_VISITOR_PER_MINUTE {
            return false;
        }
        let (key, window) = event.dedupe_key();
        match self.seen.get(&key) {
            Some(last) if event.at >= *last && event.at - *last < window => false,
            _ => {
                self.seen.insert(key, event.at);
                true
            }
        }
    }

    /// Forgets what can no longer matter (older than the longest window).
    fn forget_before(&mut self, now: DateTime<Utc>) {
        let horizon = now - chrono::Duration::days(1);
        self.seen.retain(|_, at| *at > horizon);
        let minute = now.timestamp() / 60;
        self.rate.retain(|_, (m, _)| *m >= minute - 1);
    }
}

enum Job {
    Record(NewEvent),
    Flush(oneshot::Sender<()>),
}

/// The handle pages and server functions record through; cheap to clone.
#[derive(Clone)]
pub struct EventSink {
    jobs: mpsc::Sender<Job>,
    filter: Arc<Mutex<Filter>>,
    /// Events dropped because the queue was full, since start.
    dropped: Arc<AtomicU64>,
}

impl EventSink {
    pub fn start(pool: PgPool) -> EventSink {
        let (jobs, rx) = mpsc::channel(QUEUE);
        tokio::spawn(worker(pool, rx));
        EventSink { jobs, filter: Arc::new(Mutex::new(Filter::default())), dropped: Arc::default() }
    }

    /// Queues `event` unless it is a duplicate or the queue is full (then it
    /// is dropped and logged: tracking never blocks a page). Returns whether
    /// it was kept.
    pub fn record(&self, event: NewEvent) -> bool {
        let admitted = match self.filter.lock() {
            Ok(mut f) => f.admit(&event),
            Err(_) => true,
        };
        if !admitted {
            return false;
        }
        match self.jobs.try_send(Job::Record(event)) {
            Ok(()) => true,
            Err(_) => {
                // Under overload this happens per event: say so now and then,
                // not once per event.
                let dropped = self.dropped.fetch_add(1, Ordering::Relaxed) + 1;
                if dropped % DROPS_PER_WARNING == 1 {
                    tracing::warn!(dropped_since_start = dropped, "event queue full; events are being dropped");
                }
                false
            }
        }
    }

    /// Waits until everything recorded so far is written (tests, shutdown,
    /// and the attribution step just before it reads a buyer's journey).
    pub async fn flush(&self) {
        let (done, wait) = oneshot::channel();
        if self.jobs.send(Job::Flush(done)).await.is_ok() {
            let _ = wait.await;
        }
    }
}

async fn worker(pool: PgPool, mut rx: mpsc::Receiver<Job>) {
    while let Some(first) = rx.recv().await {
        let mut batch = Vec::new();
        let mut waiting = Vec::new();
        let mut next = Some(first);
        // Gather for a moment unless someone waits for a flush.
        let deadline = tokio::time::Instant::now() + GATHER;
        loop {
            match next.take() {
                Some(Job::Record(e)) => batch.push(e),
                Some(Job::Flush(done)) => waiting.push(done),
                None => {}
            }
            if batch.len() >= MAX_BATCH || !waiting.is_empty() {
                break;
            }
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(job)) => next = Some(job),
                _ => break,
            }
        }
        while let Ok(job) = rx.try_recv() {
            match job {
                Job::Record(e) => batch.push(e),
                Job::Flush(done) => waiting.push(done),
            }
            if batch.len() >= MAX_BATCH {
                break;
            }
        }
        if !batch.is_empty() {
            if let Err(e) = super::db::write_events(&pool, &batch).await {
                tracing::error!(error = %e, events = batch.len(), "writing events failed; they were dropped");
            }
        }
        for done in waiting {
            let _ = done.send(());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn impression(visitor: Uuid, post: Uuid, at: DateTime<Utc>) -> NewEvent {
        NewEvent { post_id: Some(post), ..NewEvent::new(EventKind::Impression, at, visitor) }
    }

    #[test]
    fn a_post_seen_again_within_half_an_hour_counts_once() {
        let mut f = Filter::default();
        let (visitor, post, t) = (Uuid::new_v4(), Uuid::new_v4(), crate::clock::Clock::system().now());
        assert!(f.admit(&impression(visitor, post, t)));
        assert!(!f.admit(&impression(visitor, post, t + chrono::Duration::minutes(29))));
        assert!(f.admit(&impression(visitor, post, t + chrono::Duration::minutes(31))));
        assert!(f.admit(&impression(Uuid::new_v4(), post, t)), "another visitor is another impression");
        assert!(f.admit(&impression(visitor, Uuid::new_v4(), t)), "another post too");
    }

    #[test]
    fn a_flood_from_one_visitor_is_cut_off() {
        let mut f = Filter::default();
        let (visitor, t) = (Uuid::new_v4(), crate::clock::Clock::system().now());
        let kept = (0..1000).filter(|_| f.admit(&impression(visitor, Uuid::new_v4(), t))).count();
        assert_eq!(kept, MAX_PER_VISITOR_PER_MINUTE as usize);
    }
}

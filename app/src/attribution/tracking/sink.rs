//! Where shopper events go: recorded without waiting (a page never slows down
//! for tracking), filtered for duplicates and floods, and written by one
//! worker in batches of up to a few thousand rows per statement.
//!
//! Impressions are capped twice: once per visitor (the same post seen again
//! within half an hour counts once) and once per source address
//! ([`IMPRESSIONS_PER_SOURCE`] of one post per half hour), because a visitor
//! id is only a cookie and a script can send a fresh one with every request.

use std::collections::HashMap;
use std::net::IpAddr;
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
/// The most impressions of one post counted from one source address per
/// [`IMPRESSION_WINDOW`], whatever visitor ids it sends. Enough for a
/// household, an office or a café behind one address reading the same post;
/// far below what a script with fresh cookies would add.
pub const IMPRESSIONS_PER_SOURCE: u32 = 20;
/// How long a post seen again counts as the same impression (per visitor),
/// and the period of the per-address cap.
const IMPRESSION_WINDOW: chrono::Duration = chrono::Duration::minutes(30);

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
            EventKind::Impression => IMPRESSION_WINDOW,
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
/// not part of a flood, not over its address's impression cap. Keeps
/// bounded memory by forgetting old entries.
#[derive(Default)]
pub struct Filter {
    seen: HashMap<DedupeKey, DateTime<Utc>>,
    rate: HashMap<Uuid, (i64, u32)>,
    /// Impressions of a post from an address: when its window began, and
    /// how many were counted in it.
    per_source: HashMap<(IpAddr, Uuid), (DateTime<Utc>, u32)>,
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
        if self.seen.get(&key).is_some_and(|last| event.at >= *last && event.at - *last < window) {
            return false;
        }
        if !self.within_source_cap(event) {
            return false;
        }
        self.seen.insert(key, event.at);
        true
    }

    /// Counts an impression against its address's cap; `false` once the
    /// address has had [`IMPRESSIONS_PER_SOURCE`] of the post this window.
    /// Other events, and events of unknown origin, are not capped here.
    fn within_source_cap(&mut self, event: &NewEvent) -> bool {
        let (EventKind::Impression, Some(source), Some(post)) = (event.kind, event.source, event.post_id) else {
            return true;
        };
        let (since, count) = self.per_source.entry((crate::request::source_key(source), post)).or_insert((event.at, 0));
        if event.at < *since || event.at - *since >= IMPRESSION_WINDOW {
            (*since, *count) = (event.at, 0);
        }
        if *count >= IMPRESSIONS_PER_SOURCE {
            return false;
        }
        *count += 1;
        true
    }

    /// Forgets what can no longer matter (older than the longest window).
    fn forget_before(&mut self, now: DateTime<Utc>) {
        let horizon = now - chrono::Duration::days(1);
        self.seen.retain(|_, at| *at > horizon);
        self.per_source.retain(|_, (since, _)| *since > horizon);
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
    fn one_address_counts_a_post_at_most_the_cap_whatever_visitor_ids_it_sends() {
        let mut f = Filter::default();
        let (post, t) = (Uuid::new_v4(), crate::clock::Clock::system().now());
        let from =
            |ip: &str, at| NewEvent { source: Some(ip.parse().unwrap()), ..impression(Uuid::new_v4(), post, at) };
        let kept = (0..100).filter(|_| f.admit(&from("203.0.113.7", t))).count();
        assert_eq!(kept, IMPRESSIONS_PER_SOURCE as usize);
        assert!(f.admit(&from("203.0.113.8", t)), "another address has its own cap");
        assert!(!f.admit(&from("203.0.113.7", t + chrono::Duration::minutes(29))));
        assert!(f.admit(&from("203.0.113.7", t + chrono::Duration::minutes(30))), "a new window");
        // IPv6: one subscriber's /64 is one address.
        let kept = (0..100).filter(|i| f.admit(&from(&format!("2001:db8:1:2::{i:x}"), t))).count();
        assert_eq!(kept, IMPRESSIONS_PER_SOURCE as usize);
    }

    #[test]
    fn a_flood_from_one_visitor_is_cut_off() {
        let mut f = Filter::default();
        let (visitor, t) = (Uuid::new_v4(), crate::clock::Clock::system().now());
        let kept = (0..1000).filter(|_| f.admit(&impression(visitor, Uuid::new_v4(), t))).count();
        assert_eq!(kept, MAX_PER_VISITOR_PER_MINUTE as usize);
    }
}

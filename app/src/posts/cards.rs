//! Feed cards as every reader sees them (author, text, images with their
//! tags, linked cards, counts), kept in memory by post id so a feed page
//! reads only what is per reader: which posts, and whether they liked them.
//! The outbox drops a card when its post changes (`posts::events`, its
//! co-authors joining or leaving among them) or the name or picture of its
//! author or a co-author does; every server process reads the outbox
//! for itself (a `LocalConsumer`), so each one's cache hears of every
//! change. What a card shows of other domains (a linked product's price, a
//! tag's product name) is refreshed by age: a card is kept at most
//! `CARD_TTL`.
//!
//! A read that missed takes a `ticket` before it reads the database; a card
//! it then stores is dropped if its post was invalidated after the ticket,
//! so a slow read never puts back what an edit just replaced.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use uuid::Uuid;

use super::PostView;
use crate::outbox::{Event, LocalConsumer};

/// Cards kept at most (least recently used go first).
pub const CARD_CAPACITY: usize = 10_000;
/// The longest a card is kept, for what other domains show on it.
pub const CARD_TTL: Duration = Duration::from_secs(60);
/// Invalidations remembered for reads in flight; a read older than all of
/// them stores nothing.
const REMEMBERED: usize = 1024;

/// A post's card for any reader: `view` has `liked`, `is_author` and
/// `is_coauthor` false, no pending invitations and no context tokens; the
/// feed sets those per reader.
#[derive(Debug, Clone, PartialEq)]
pub struct Card {
    pub author_id: Uuid,
    /// Its accepted co-authors (`posts::collabs`), credited with its author.
    pub coauthor_ids: Vec<Uuid>,
    pub view: PostView,
}

impl Card {
    /// Whether `user` made the post: its author or a co-author.
    fn by(&self, user: Uuid) -> bool {
        self.author_id == user || self.coauthor_ids.contains(&user)
    }
}

#[derive(Clone)]
pub struct CardCache {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Dropped {
    Post(Uuid),
    Author(Uuid),
}

struct Entry {
    card: Arc<Card>,
    /// Its place in `order`.
    seq: u64,
    stored: Instant,
    /// Read since it last came up for eviction (second chance).
    used: bool,
}

struct Inner {
    capacity: usize,
    ttl: Duration,
    entries: HashMap<Uuid, Entry>,
    /// Eviction order: (post, seq) oldest first; stale pairs are skipped.
    order: VecDeque<(Uuid, u64)>,
    seq: u64,
    /// Recent invalidations with the seq they happened at.
    dropped: VecDeque<(Dropped, u64)>,
    /// Reads with a ticket below this may have missed an invalidation.
    forgotten_below: u64,
}

impl CardCache {
    pub fn new(capacity: usize, ttl: Duration) -> CardCache {
        let inner = Inner {
            capacity,
            ttl,
            entries: HashMap::new(),
            order: VecDeque::new(),
            seq: 0,
            dropped: VecDeque::new(),
            forgotten_below: 0,
        };
        CardCache { inner: Arc::new(Mutex::new(inner)) }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Take before reading cards from the database; give to `put`.
    pub fn ticket(&self) -> u64 {
        self.lock().seq
    }

    /// The cached cards of `ids`, and the ids that must be read.
    pub fn get_many(&self, ids: &[Uuid]) -> (HashMap<Uuid, Arc<Card>>, Vec<Uuid>) {
        let mut inner = self.lock();
        let ttl = inner.ttl;
        let (mut found, mut missing) = (HashMap::new(), Vec::new());
        for id in ids {
            match inner.entries.get_mut(id) {
                Some(e) if e.stored.elapsed() <= ttl => {
                    e.used = true;
                    found.insert(*id, e.card.clone());
                }
                Some(_) => {
                    inner.entries.remove(id);
                    missing.push(*id);
                }
                None => missing.push(*id),
            }
        }
        (found, missing)
    }

    /// Stores cards read after `ticket`, except those invalidated since.
    pub fn put(&self, ticket: u64, cards: impl IntoIterator<Item = Card>) {
        let mut inner = self.lock();
        if ticket < inner.forgotten_below {
            return;
        }
        for card in cards {
            let stale = inner.dropped.iter().any(|(d, at)| {
                *at > ticket
                    && match *d {
                        Dropped::Post(id) => id == card.view.id,
                        Dropped::Author(author) => card.by(author),
                    }
            });
            if stale {
                continue;
            }
            inner.seq += 1;
            let (id, seq) = (card.view.id, inner.seq);
            inner.entries.insert(id, Entry { card: Arc::new(card), seq, stored: Instant::now(), used: false });
            inner.order.push_back((id, seq));
        }
        inner.evict();
    }

    pub fn invalidate(&self, post: Uuid) {
        let mut inner = self.lock();
        inner.entries.remove(&post);
        inner.remember(Dropped::Post(post));
    }

    /// Drops every card by `author`, as creator or co-author (their name or
    /// picture changed).
    pub fn invalidate_author(&self, author: Uuid) {
        let mut inner = self.lock();
        inner.entries.retain(|_, e| !e.card.by(author));
        inner.remember(Dropped::Author(author));
    }

    pub fn len(&self) -> usize {
        self.lock().entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for CardCache {
    fn default() -> CardCache {
        CardCache::new(CARD_CAPACITY, CARD_TTL)
    }
}

impl Inner {
    fn remember(&mut self, dropped: Dropped) {
        self.seq += 1;
        self.dropped.push_back((dropped, self.seq));
        if self.dropped.len() > REMEMBERED {
            if let Some((_, at)) = self.dropped.pop_front() {
                self.forgotten_below = at + 1;
            }
        }
    }

    fn evict(&mut self) {
        while self.entries.len() > self.capacity {
            let Some((id, seq)) = self.order.pop_front() else { break };
            match self.entries.get_mut(&id) {
                Some(e) if e.seq == seq && e.used => {
                    e.used = false;
                    self.order.push_back((id, seq));
                }
                Some(e) if e.seq == seq => {
                    self.entries.remove(&id);
                }
                _ => {}
            }
        }
        // Pairs of cards since replaced or dropped pile up; sweep them.
        if self.order.len() > 2 * self.capacity.max(16) {
            let entries = &self.entries;
            self.order.retain(|(id, seq)| entries.get(id).is_some_and(|e| e.seq == *seq));
        }
    }
}

/// The cache's outbox consumer: drops what each event changes.
impl LocalConsumer for CardCache {
    fn handle(&self, events: &[Event]) {
        for e in events {
            match e.aggregate.as_str() {
                super::events::AGGREGATE => self.invalidate(e.aggregate_id),
                crate::social::events::AGGREGATE if e.kind == crate::social::events::PROFILE_CHANGED => {
                    self.invalidate_author(e.aggregate_id)
                }
                _ => {}
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posts::{Author, Visibility};

    fn card(author: Uuid, body: &str) -> Card {
        Card {
            author_id: author,
            coauthor_ids: Vec::new(),
            view: PostView {
                id: Uuid::new_v4(),
                author: Author { username: "ann".into(), display_name: "Ann".into(), avatar_url: None },
                coauthors: Vec::new(),
                pending_coauthors: Vec::new(),
                body: body.into(),
                segments: Vec::new(),
                visibility: Visibility::Public,
                published_at: chrono::DateTime::from_timestamp(1_700_000_000, 0).unwrap(),
                is_draft: false,
                edited: false,
                links: Vec::new(),
                groups: Vec::new(),
                plans: Vec::new(),
                like_count: 0,
                comment_count: 0,
                comments_off: false,
                media: Vec::new(),
                is_author: false,
                is_coauthor: false,
                liked: false,
                saved: false,
                bookmark_count: None,
                repost_count: 0,
                quote_count: 0,
                reposted: false,
                shareable: true,
                entry_id: Uuid::nil(),
                reposted_by: None,
                quote: None,
            },
        }
    }

    #[test]
    fn a_read_that_raced_an_edit_does_not_store_the_old_card() {
        let cache = CardCache::default();
        let old = card(Uuid::new_v4(), "before the edit");
        let id = old.view.id;
        let ticket = cache.ticket();
        cache.invalidate(id); // the edit's event arrives while the read is in flight
        cache.put(ticket, [old.clone()]);
        assert!(cache.get_many(&[id]).0.is_empty());

        let ticket = cache.ticket();
        cache.put(ticket, [old]);
        assert_eq!(cache.get_many(&[id]).0[&id].view.body, "before the edit");
    }

    #[test]
    fn an_authors_new_name_drops_their_cards_only() {
        let cache = CardCache::default();
        let (ann, bob) = (Uuid::new_v4(), Uuid::new_v4());
        let (a, b) = (card(ann, "a"), card(bob, "b"));
        let ids = [a.view.id, b.view.id];
        cache.put(cache.ticket(), [a, b]);
        cache.invalidate_author(ann);
        let (found, missing) = cache.get_many(&ids);
        assert_eq!((found.len(), missing), (1, vec![ids[0]]));
    }

    #[test]
    fn a_coauthors_new_name_drops_the_cards_they_co_author() {
        let cache = CardCache::default();
        let (ann, bob, cy) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let mut joint = card(ann, "joint");
        joint.coauthor_ids = vec![bob];
        let solo = card(cy, "solo");
        let ids = [joint.view.id, solo.view.id];
        cache.put(cache.ticket(), [joint.clone()]);
        cache.invalidate_author(bob);
        assert_eq!(cache.get_many(&ids[..1]).1, vec![ids[0]]);
        // A read in flight when Bob's name changed does not store the old card.
        let ticket = cache.ticket();
        cache.invalidate_author(bob);
        cache.put(ticket, [joint, solo]);
        let (found, missing) = cache.get_many(&ids);
        assert_eq!((found.len(), missing), (1, vec![ids[0]]));
    }

    #[test]
    fn the_cache_stays_within_its_size_keeping_what_is_read() {
        let cache = CardCache::new(3, CARD_TTL);
        let cards: Vec<Card> = (0..3).map(|i| card(Uuid::new_v4(), &i.to_string())).collect();
        let ids: Vec<Uuid> = cards.iter().map(|c| c.view.id).collect();
        cache.put(cache.ticket(), cards);
        cache.get_many(&ids[..1]); // the first is read: it gets a second chance
        cache.put(cache.ticket(), [card(Uuid::new_v4(), "new")]);
        assert_eq!(cache.len(), 3);
        let (found, _) = cache.get_many(&ids);
        assert!(found.contains_key(&ids[0]) && !found.contains_key(&ids[1]));
    }

    #[test]
    fn cards_older_than_the_ttl_are_read_again() {
        let cache = CardCache::new(10, Duration::ZERO);
        let c = card(Uuid::new_v4(), "x");
        let id = c.view.id;
        cache.put(cache.ticket(), [c]);
        std::thread::sleep(Duration::from_millis(2));
        assert_eq!(cache.get_many(&[id]).1, vec![id]);
    }
}

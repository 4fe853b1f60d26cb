//! Where the reader was in a feed: how many pages were loaded and how far
//! down they had scrolled, so Back from a post or a product puts them at the
//! same post with the same pages loaded. Back inside the app never reloads
//! the page, so the browser's memory of this tab is enough to keep it in.

use super::sheet_url::without_sheet;

/// A feed's key: its page's path and query, without the product sheet's
/// parameters (the sheet opens over the same feed).
pub fn feed_key(path: &str, search: &str) -> String {
    without_sheet(path, search)
}

/// What is remembered of one feed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Spot {
    /// Pages of posts loaded (the first counts).
    pub pages: usize,
    /// The window's vertical scroll offset, in CSS pixels.
    pub scroll_y: f64,
}

/// The most pages a return loads again: past that the reader is better
/// served by the top of a fresh feed than by a long wait.
pub const MAX_RESTORED_PAGES: usize = 10;

impl Spot {
    /// The pages to load again on return, at least the first.
    pub fn pages_to_restore(&self) -> usize {
        self.pages.clamp(1, MAX_RESTORED_PAGES)
    }
}

#[cfg(feature = "hydrate")]
pub use browser::{forget_return, remember, returning_to, watch_history};

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::{Cell, RefCell};
    use std::collections::HashMap;

    use leptos::ev;
    use leptos::prelude::window_event_listener;

    use super::{feed_key, Spot};

    thread_local! {
        static SPOTS: RefCell<HashMap<String, Spot>> = RefCell::new(HashMap::new());
        /// The feed a Back or Forward has just gone to, until it is restored
        /// or the reader moves on by a tap.
        static RETURNING: RefCell<Option<String>> = const { RefCell::new(None) };
        static WATCHING: Cell<bool> = const { Cell::new(false) };
    }

    /// Starts telling history moves (Back, Forward) from taps on links, once.
    pub fn watch_history() {
        if WATCHING.with(|w| w.replace(true)) {
            return;
        }
        // The listeners last as long as the page.
        let _ = window_event_listener(ev::popstate, |_| {
            let location = leptos::prelude::window().location();
            let (path, search) = (location.pathname().unwrap_or_default(), location.search().unwrap_or_default());
            RETURNING.with(|r| *r.borrow_mut() = Some(feed_key(&path, &search)));
        });
        // A tap starts a new visit, not a return (clicks come before the
        // navigation they cause).
        let _ = window_event_listener(ev::click, |_| forget_return());
    }

    pub fn forget_return() {
        RETURNING.with(|r| *r.borrow_mut() = None);
    }

    /// Where the reader was in the feed at `key`, if they have just come
    /// back to it with Back or Forward; asks only once per return.
    pub fn returning_to(key: &str) -> Option<Spot> {
        let back = RETURNING.with(|r| {
            let mut r = r.borrow_mut();
            if r.as_deref() == Some(key) {
                r.take().is_some()
            } else {
                false
            }
        });
        if back {
            SPOTS.with(|s| s.borrow().get(key).copied())
        } else {
            None
        }
    }

    /// Notes how far the reader is in the feed at `key`.
    pub fn remember(key: &str, update: impl FnOnce(&mut Spot)) {
        SPOTS.with(|s| {
            let mut spots = s.borrow_mut();
            let spot = spots.entry(key.to_owned()).or_insert(Spot { pages: 1, scroll_y: 0.0 });
            update(spot);
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sheet_opens_over_the_same_feed() {
        let id = "6f1c7a52-8a7e-4d8e-9a53-2c1f5e0b9d11";
        assert_eq!(feed_key("/", &format!("product={id}&sheet_ctx=t")), feed_key("/", ""));
        assert_eq!(feed_key("/explore", "q=ann"), "/explore?q=ann");
        assert_ne!(feed_key("/u/ann", ""), feed_key("/u/bob", ""));
    }

    #[test]
    fn a_return_loads_between_one_and_ten_pages() {
        assert_eq!(Spot { pages: 0, scroll_y: 0.0 }.pages_to_restore(), 1);
        assert_eq!(Spot { pages: 3, scroll_y: 900.0 }.pages_to_restore(), 3);
        assert_eq!(Spot { pages: 40, scroll_y: 9e4 }.pages_to_restore(), MAX_RESTORED_PAGES);
    }
}

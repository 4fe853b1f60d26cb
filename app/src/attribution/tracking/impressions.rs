//! Impressions from the browser: a post counts as seen once half of it has
//! been on screen. Seen posts are queued and sent in batches every few
//! seconds, and with `navigator.sendBeacon` when the page is hidden or left,
//! so tracking never delays scrolling or navigation.

/// How often queued impressions are sent.
#[cfg(feature = "hydrate")]
const FLUSH_MS: i32 = 3_000;

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;

    use uuid::Uuid;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{Element, IntersectionObserver, IntersectionObserverEntry, IntersectionObserverInit};

    use crate::attribution::tracking::api::MAX_IMPRESSIONS_PER_REPORT;

    const URL: &str = "/api/events/impressions";

    struct Tracker {
        observer: IntersectionObserver,
        queue: Vec<Uuid>,
        reported: Vec<Uuid>,
    }

    thread_local! {
        static TRACKER: RefCell<Option<Tracker>> = const { RefCell::new(None) };
    }

    /// Starts watching `el`, the card of `post`.
    pub fn watch(el: &Element) {
        TRACKER.with(|t| {
            let mut t = t.borrow_mut();
            if t.is_none() {
                *t = start();
            }
            if let Some(t) = t.as_ref() {
                t.observer.observe(el);
            }
        });
    }

    fn start() -> Option<Tracker> {
        let seen = Closure::<dyn Fn(js_sys::Array, IntersectionObserver)>::new(
            |entries: js_sys::Array, observer: IntersectionObserver| {
                for entry in entries.iter().map(|e| e.unchecked_into::<IntersectionObserverEntry>()) {
                    if !entry.is_intersecting() {
                        continue;
                    }
                    let target = entry.target();
                    observer.unobserve(&target);
                    if let Some(post) = target.get_attribute("data-post-id").and_then(|id| id.parse().ok()) {
                        queue(post);
                    }
                }
            },
        );
        let options = IntersectionObserverInit::new();
        options.set_threshold(&wasm_bindgen::JsValue::from_f64(0.5));
        let observer = IntersectionObserver::new_with_options(seen.as_ref().unchecked_ref(), &options).ok()?;
        seen.forget();

        let window = web_sys::window()?;
        let tick = Closure::<dyn Fn()>::new(|| flush(false));
        let _ = window
            .set_interval_with_callback_and_timeout_and_arguments_0(tick.as_ref().unchecked_ref(), super::FLUSH_MS);
        tick.forget();
        let leaving = Closure::<dyn Fn()>::new(|| flush(true));
        let _ = window.add_event_listener_with_callback("pagehide", leaving.as_ref().unchecked_ref());
        if let Some(document) = window.document() {
            let _ = document.add_event_listener_with_callback("visibilitychange", leaving.as_ref().unchecked_ref());
        }
        leaving.forget();
        Some(Tracker { observer, queue: Vec::new(), reported: Vec::new() })
    }

    fn queue(post: Uuid) {
        TRACKER.with(|t| {
            if let Some(t) = t.borrow_mut().as_mut() {
                if !t.reported.contains(&post) && !t.queue.contains(&post) {
                    t.queue.push(post);
                }
            }
        });
    }

    /// Sends what is queued: as a beacon when the page is going away (it
    /// survives the unload), otherwise as a background fetch.
    fn flush(leaving: bool) {
        let batch: Vec<Uuid> = TRACKER.with(|t| {
            let mut t = t.borrow_mut();
            let Some(t) = t.as_mut() else { return Vec::new() };
            let n = t.queue.len().min(MAX_IMPRESSIONS_PER_REPORT);
            let batch: Vec<Uuid> = t.queue.drain(..n).collect();
            t.reported.extend(&batch);
            batch
        });
        if batch.is_empty() {
            return;
        }
        let ids = batch.iter().map(Uuid::to_string).collect::<Vec<_>>().join(",");
        let Ok(body) = web_sys::UrlSearchParams::new() else { return };
        body.append("posts", &ids);
        let Some(window) = web_sys::window() else { return };
        if leaving {
            let _ = window.navigator().send_beacon_with_opt_url_search_params(URL, Some(&body));
        } else {
            let init = web_sys::RequestInit::new();
            init.set_method("POST");
            init.set_body(&body);
            let _ = window.fetch_with_str_and_init(URL, &init);
        }
    }
}

#[cfg(feature = "hydrate")]
pub use browser::watch;

//! The page's end of the channel. A component calls [`use_live`] for each
//! topic it shows; the page keeps one `EventSource` open for the topics its
//! mounted components watch, and reopens it (from the last event it saw)
//! when that set changes. A feed that loads more cards adds their topics; a
//! card that goes away drops its own. On the server, and before the WASM
//! arrives, a watch is a signal that never changes: the page shows what it
//! rendered.

use leptos::prelude::*;

use super::{Topic, Update};

/// The newest pushed state of `topic`, while the calling component is
/// mounted (`None` until the first push).
pub fn use_live(topic: Topic) -> ReadSignal<Option<Update>> {
    #[cfg(feature = "hydrate")]
    {
        let latest = browser::watch(topic);
        on_cleanup(move || browser::unwatch(topic));
        ReadSignal::from(latest.read_only())
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = topic;
        RwSignal::new(None).read_only()
    }
}

/// In the page's `<head>`: where the page's first connection starts, so a
/// change that lands between the server's render and the connection still
/// reaches the page.
#[component]
pub fn LiveStart() -> impl IntoView {
    #[cfg(feature = "ssr")]
    let after = use_context::<crate::state::AppState>().and_then(|s| s.live.position()).map(|p| p.to_string());
    #[cfg(not(feature = "ssr"))]
    let after: Option<String> = None;
    after.map(|after| view! { <meta name=START_META content=after /> })
}

const START_META: &str = "sf-live-after";

#[cfg(feature = "hydrate")]
mod browser {
    use std::cell::RefCell;
    use std::collections::BTreeMap;
    use std::time::Duration;

    use leptos::prelude::*;
    use wasm_bindgen::closure::Closure;
    use wasm_bindgen::JsCast;
    use web_sys::{EventSource, MessageEvent};

    use super::super::{Topic, Update};

    /// Mounts and unmounts within this long share one reconnect.
    const SETTLE: Duration = Duration::from_millis(40);

    struct Watch {
        count: usize,
        latest: ArcRwSignal<Option<Update>>,
    }

    struct Open {
        source: EventSource,
        topics: Vec<Topic>,
        _on_message: Closure<dyn FnMut(MessageEvent)>,
        _on_open: Closure<dyn FnMut()>,
    }

    #[derive(Default)]
    struct Channel {
        watches: BTreeMap<Topic, Watch>,
        open: Option<Open>,
        /// The id of the last event received, where a reopened connection
        /// resumes.
        last_id: Option<String>,
        reopen_due: bool,
    }

    thread_local! {
        static CHANNEL: RefCell<Channel> = RefCell::default();
    }

    pub fn watch(topic: Topic) -> ArcRwSignal<Option<Update>> {
        let latest = CHANNEL.with(|c| {
            let mut c = c.borrow_mut();
            let watch = c.watches.entry(topic).or_insert_with(|| Watch { count: 0, latest: ArcRwSignal::new(None) });
            watch.count += 1;
            watch.latest.clone()
        });
        reopen_soon();
        latest
    }

    pub fn unwatch(topic: Topic) {
        CHANNEL.with(|c| {
            let mut c = c.borrow_mut();
            // At zero the watch stays until the reopen: a part of the page
            // that is rebuilt (unwatch, then watch again in the same tick)
            // keeps what was pushed to it meanwhile. The connection stayed
            // open on the topic throughout, so that value is still current.
            if let Some(watch) = c.watches.get_mut(&topic) {
                watch.count = watch.count.saturating_sub(1);
            }
        });
        reopen_soon();
    }

    fn reopen_soon() {
        let due = CHANNEL.with(|c| !std::mem::replace(&mut c.borrow_mut().reopen_due, true));
        if due {
            set_timeout(reopen, SETTLE);
        }
    }

    /// Opens a connection for the watched topics, unless the open one
    /// already has exactly them.
    fn reopen() {
        CHANNEL.with(|c| {
            let mut c = c.borrow_mut();
            c.reopen_due = false;
            c.watches.retain(|_, w| w.count > 0);
            let topics: Vec<Topic> = c.watches.keys().copied().collect();
            if c.open.as_ref().is_some_and(|o| o.topics == topics) {
                return;
            }
            if let Some(old) = c.open.take() {
                old.source.close();
            }
            if topics.is_empty() {
                return;
            }
            let list: Vec<String> = topics.iter().map(Topic::to_string).collect();
            let mut url = format!("/live?topics={}", list.join(","));
            if let Some(after) = c.last_id.clone().or_else(rendered_at) {
                url.push_str("&after=");
                url.push_str(&after);
            }
            let Ok(source) = EventSource::new(&url) else { return };
            let on_message = Closure::<dyn FnMut(MessageEvent)>::new(receive);
            source.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
            let listening = list.join(" ");
            let on_open = Closure::<dyn FnMut()>::new(move || mark_listening(&listening));
            source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
            c.open = Some(Open { source, topics, _on_message: on_message, _on_open: on_open });
        });
    }

    fn receive(event: MessageEvent) {
        let Some(update) = event.data().as_string().and_then(|d| serde_json::from_str::<Update>(&d).ok()) else {
            return;
        };
        let id = event.last_event_id();
        let latest = CHANNEL.with(|c| {
            let mut c = c.borrow_mut();
            if !id.is_empty() {
                c.last_id = Some(id);
            }
            c.watches.get(&update.topic()).map(|w| w.latest.clone())
        });
        // Set outside the borrow: effects it wakes may watch or unwatch.
        if let Some(latest) = latest {
            latest.set(Some(update));
        }
    }

    /// `<html data-live="…">` names the topics of the open connection, so a
    /// test (or anyone curious) can tell the page is listening.
    fn mark_listening(topics: &str) {
        if let Some(html) = document().document_element() {
            let _ = html.set_attribute("data-live", topics);
        }
    }

    /// The position the server rendered the page at (`LiveStart`).
    fn rendered_at() -> Option<String> {
        let meta = document().query_selector(&format!("meta[name='{}']", super::START_META)).ok()??;
        meta.get_attribute("content")
    }
}

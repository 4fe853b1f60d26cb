//! When the whole page has hydrated. With routes split into chunks
//! (`crate::lazy_routes`), the app's shell hydrates first and a split
//! route's view only once its chunk has arrived, so an effect in the shell
//! runs before the route is live. `frontend` calls [`finished`] when
//! `hydrate_from_async` returns, that is, when every part of the page,
//! split or not, answers: the `data-hydrated` marker on `<body>` (which the
//! end-to-end suite and the phone metrics wait for) and anything that must
//! not change the page before then (see `ForgetFormErrorInUrl`) follow it.
//!
//! Until then a tapped link is left to the browser (a full page load, as
//! before any WASM): the router taking it client-side while a split route
//! is still hydrating would hydrate the new route over the old one's nodes.

use leptos::prelude::*;

thread_local! {
    static FINISHED: ArcRwSignal<bool> = ArcRwSignal::new(false);
}

/// Marks the page hydrated. Called once, by the client's entry point.
pub fn finished() {
    if let Some(body) = document().body() {
        let _ = body.set_attribute("data-hydrated", "true");
    }
    FINISHED.with(|done| done.set(true));
}

/// Whether the page has hydrated; tracked, so an effect reading it runs
/// again when hydration finishes. Always false on the server.
pub fn is_finished() -> bool {
    FINISHED.with(|done| done.get())
}

/// Leaves link clicks to the browser until the page has hydrated: a
/// capturing listener on the document stops the click before it reaches
/// the router's listener on the window, and the browser follows the link.
/// Call once, before hydration starts.
#[cfg(feature = "hydrate")]
pub fn leave_links_to_the_browser_until_finished() {
    use wasm_bindgen::{closure::Closure, JsCast};
    let on_click = Closure::<dyn Fn(web_sys::Event)>::new(|event: web_sys::Event| {
        if FINISHED.with(|done| done.get_untracked()) {
            return;
        }
        let on_link = event
            .target()
            .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
            .and_then(|element| element.closest("a[href]").ok().flatten())
            .is_some();
        if on_link {
            event.stop_propagation();
        }
    });
    let _ = document().add_event_listener_with_callback_and_bool("click", on_click.as_ref().unchecked_ref(), true);
    // The listener lives as long as the page.
    on_click.forget();
}

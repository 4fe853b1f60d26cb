//! When the whole page has hydrated. With routes split into chunks
//! (`crate::lazy_routes`), the app's shell hydrates first and a split
//! route's view only once its chunk has arrived, so an effect in the shell
//! runs before the route is live. `frontend` calls [`finished`] when
//! `hydrate_from_async` returns, that is, when every part of the page,
//! split or not, answers: the `data-hydrated` marker on `<body>` (which the
//! end-to-end suite and the phone metrics wait for) and anything that must
//! not change the page before then (see `ForgetFormErrorInUrl`) follow it.

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

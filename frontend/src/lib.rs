//! Hydrates the server-rendered page in the browser; all UI lives in `app`.
#![recursion_limit = "512"]

#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    std::panic::set_hook(Box::new(|info| {
        console_error_panic_hook::hook(info);
        // A panic (a hydration mismatch, say) leaves a page that looks right
        // but no longer answers: mark it, so the end-to-end suite's wait
        // for hydration fails instead of carrying on.
        if let Some(body) = leptos::prelude::document().body() {
            let _ = body.set_attribute("data-panicked", "true");
        }
    }));
    // `hydrate_lazy`, and then the marker: a split route (app::lazy_routes)
    // hydrates after its chunk arrives, and the page is live only then.
    app::ui::hydration::leave_links_to_the_browser_until_finished();
    wasm_bindgen_futures::spawn_local(async {
        let body = leptos::prelude::document().body().expect("the page has a <body>");
        leptos::mount::hydrate_from_async(body, app::App).await.forget();
        app::ui::hydration::finished();
    });
}

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
    leptos::mount::hydrate_lazy(app::App);
}

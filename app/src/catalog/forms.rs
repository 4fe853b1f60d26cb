//! Form pieces shared by the merchant and organizer pages (catalog, shops,
//! events): the image upload form (a plain multipart post before hydration,
//! checked and sent in the page after), the error a plain post left in the
//! URL, and text for the elements Leptos writes unescaped. They belong in
//! `ui`; they live here until that module is free to change.

use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement, SubmitEvent};

use crate::error::AppError;
use crate::media::{check_picked, ImageLimits, ImagePicker};
use crate::ui::{ErrorAlert, SECONDARY_BUTTON_CLASS};

/// The error a plain (pre-hydration) post to the server function at `path`
/// was answered with: server_fn puts it in the URL it redirects back to.
pub fn plain_post_error(path: &str) -> Option<AppError> {
    use_context::<ServerActionError>()
        .filter(|e| e.path() == path)
        .map(|e| ServerFnUrlError::<AppError>::decode_err(e.err()))
}

/// One image picker and its button, posting `fields` and the file(s) of
/// `limits.field` to the server function at `url` through `action`.
#[component]
pub fn ImageUploadForm(
    /// The server function's URL (`<ServerFn>::url()`).
    url: &'static str,
    action: Action<FormData, Result<(), AppError>>,
    /// Hidden inputs sent along (the product id, the shop handle…).
    fields: Vec<(&'static str, String)>,
    /// The file field (its name, size and count limits).
    limits: ImageLimits,
    #[prop(into)] input_id: String,
    #[prop(into)] label: String,
    #[prop(into)] button: String,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let local_error = RwSignal::new(plain_post_error(url));
    let error = Signal::derive(move || local_error.get().or_else(|| action.value().get().and_then(Result::err)));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else { return };
        match check_picked(&form, &limits) {
            Err(e) => local_error.set(Some(e)),
            Ok(()) => {
                if let Ok(data) = FormData::new_with_form(&form) {
                    action.dispatch_local(data);
                }
            }
        }
    };
    view! {
        <form method="post" enctype="multipart/form-data" action=url on:submit=on_submit
            class="flex flex-wrap items-end gap-2" data-testid=testid>
            {fields.into_iter().map(|(key, value)| view! { <input type="hidden" name=key value=value /> }).collect_view()}
            <div class="min-w-0 flex-1">
                <ImagePicker limits id=input_id label />
            </div>
            <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=move || action.pending().get()
                aria-busy=move || action.pending().get().to_string()>
                {move || if action.pending().get() { "Uploading…".to_string() } else { button.clone() }}
            </button>
            <div class="w-full"><ErrorAlert error /></div>
        </form>
    }
}

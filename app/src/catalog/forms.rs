//! Form pieces shared by the merchant and organizer pages (catalog, shops,
//! events): the image upload form (a plain multipart post before hydration,
//! checked and sent in the page after), the error a plain post left in the
//! URL, and text for the elements Leptos writes unescaped. They belong in
//! `ui`; they live here until that module is free to change.

use leptos::prelude::*;
use leptos::server_fn::error::ServerFnUrlError;
use wasm_bindgen::JsCast;
use web_sys::{FormData, HtmlFormElement, HtmlInputElement, SubmitEvent};

use crate::error::AppError;
use crate::ui::{ErrorAlert, LABEL_CLASS, SECONDARY_BUTTON_CLASS};

/// The server refuses request bodies above 32 MB; stay under it.
const MAX_REQUEST_MB: f64 = 30.0;
const MB: f64 = 1024.0 * 1024.0;

/// The error a plain (pre-hydration) post to the server function at `path`
/// was answered with: server_fn puts it in the URL it redirects back to.
pub fn plain_post_error(path: &str) -> Option<AppError> {
    use_context::<ServerActionError>()
        .filter(|e| e.path() == path)
        .map(|e| ServerFnUrlError::<AppError>::decode_err(e.err()))
}

/// Whether files of these sizes (bytes) may be sent; the server checks again.
pub fn check_selection(sizes: &[f64], max_files: usize, max_mb: u64, field: &str) -> Result<(), AppError> {
    if sizes.is_empty() {
        return Err(AppError::validation(field, "Choose an image to upload."));
    }
    if sizes.len() > max_files {
        return Err(AppError::validation(field, format!("Choose at most {max_files} images.")));
    }
    if sizes.iter().any(|s| *s > max_mb as f64 * MB) {
        return Err(AppError::PayloadTooLarge { limit_mb: max_mb });
    }
    if sizes.iter().sum::<f64>() > MAX_REQUEST_MB * MB {
        return Err(AppError::validation(field, "Upload at most 30 MB at a time."));
    }
    Ok(())
}

/// One file input and its button, posting `fields` and the file(s) named
/// `name` to the server function at `url` through `action`.
#[component]
pub fn ImageUploadForm(
    /// The server function's URL (`<ServerFn>::url()`).
    url: &'static str,
    action: Action<FormData, Result<(), AppError>>,
    /// Hidden inputs sent along (the product id, the shop handle…).
    fields: Vec<(&'static str, String)>,
    /// The file input's name.
    name: &'static str,
    #[prop(into)] input_id: String,
    #[prop(into)] label: String,
    #[prop(into)] button: String,
    #[prop(default = 1)] max_files: usize,
    max_mb: u64,
    #[prop(into)] testid: String,
) -> impl IntoView {
    let local_error = RwSignal::new(plain_post_error(url));
    let error = Signal::derive(move || local_error.get().or_else(|| action.value().get().and_then(Result::err)));
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        local_error.set(None);
        let Some(form) = ev.target().and_then(|t| t.dyn_into::<HtmlFormElement>().ok()) else { return };
        let files = form
            .query_selector("input[type=file]")
            .ok()
            .flatten()
            .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
            .and_then(|input| input.files());
        let sizes: Vec<f64> =
            files.map(|f| (0..f.length()).filter_map(|i| f.get(i)).map(|f| f.size()).collect()).unwrap_or_default();
        match check_selection(&sizes, max_files, max_mb, name) {
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
                <label for=input_id.clone() class=LABEL_CLASS>{label}</label>
                <input id=input_id name=name type="file" multiple={max_files > 1} required
                    accept="image/jpeg,image/png,image/webp"
                    class="mt-1 block w-full text-sm file:mr-3 file:rounded-lg file:border-0 file:bg-stone-100 file:px-3 file:py-2 file:font-semibold" />
            </div>
            <button type="submit" class=SECONDARY_BUTTON_CLASS disabled=move || action.pending().get()
                aria-busy=move || action.pending().get().to_string()>
                {move || if action.pending().get() { "Uploading…".to_string() } else { button.clone() }}
            </button>
            <div class="w-full"><ErrorAlert error /></div>
        </form>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selections_are_checked_before_upload() {
        assert!(check_selection(&[MB, 2.0 * MB], 10, 10, "images").is_ok());
        assert_eq!(check_selection(&[], 10, 10, "images").unwrap_err().field(), Some("images"));
        assert_eq!(check_selection(&[1.0; 11], 10, 10, "images").unwrap_err().field(), Some("images"));
        assert_eq!(
            check_selection(&[11.0 * MB], 10, 10, "images").unwrap_err(),
            AppError::PayloadTooLarge { limit_mb: 10 }
        );
        assert_eq!(check_selection(&[8.0 * MB; 4], 10, 10, "images").unwrap_err().field(), Some("images"));
    }
}

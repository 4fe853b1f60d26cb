//! The browser's side of an image upload: one file input built from the
//! field's `ImageLimits`, and the check a form runs on submit so a selection
//! the server would refuse is explained before it is sent.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlFormElement, HtmlInputElement};

use super::{ImageLimits, UploadError, IMAGE_ACCEPT};
use crate::error::AppError;

/// The server refuses request bodies above 32 MB; a selection stays under this.
const MAX_REQUEST_MB: u64 = 30;
const MB: f64 = 1024.0 * 1024.0;

/// Whether files of these sizes (bytes) may be sent; the server checks again.
pub fn check_selection(sizes: &[f64], limits: &ImageLimits) -> Result<(), UploadError> {
    let field = limits.field;
    if sizes.is_empty() {
        return if limits.required { Err(UploadError::Missing { field }) } else { Ok(()) };
    }
    if sizes.len() > limits.max_files {
        return Err(UploadError::TooMany { field, max: limits.max_files });
    }
    if sizes.iter().any(|s| *s > limits.max_bytes as f64) {
        return Err(UploadError::TooLarge { limit_mb: limits.max_mb() });
    }
    if sizes.iter().sum::<f64>() > MAX_REQUEST_MB as f64 * MB {
        return Err(UploadError::RequestTooLarge { field, limit_mb: MAX_REQUEST_MB });
    }
    Ok(())
}

/// Checks the files picked in `form`'s input for `limits.field`: call it in
/// the form's submit handler before sending.
pub fn check_picked(form: &HtmlFormElement, limits: &ImageLimits) -> Result<(), AppError> {
    let files = form
        .query_selector(&format!("input[type=file][name=\"{}\"]", limits.field))
        .ok()
        .flatten()
        .and_then(|el| el.dyn_into::<HtmlInputElement>().ok())
        .and_then(|input| input.files());
    let sizes: Vec<f64> =
        files.map(|f| (0..f.length()).filter_map(|i| f.get(i)).map(|f| f.size()).collect()).unwrap_or_default();
    check_selection(&sizes, limits).map_err(AppError::from)
}

/// A labelled file input for an image field, named, typed and limited as
/// `limits` says. The enclosing form calls [`check_picked`] on submit.
#[component]
pub fn ImagePicker(
    limits: ImageLimits,
    #[prop(into)] id: String,
    #[prop(into)] label: String,
    /// Classes for the label (`LABEL_CLASS`, or `sr-only` beside a picture).
    #[prop(default = crate::ui::LABEL_CLASS)]
    label_class: &'static str,
    /// Extra classes for the input (spacing and width).
    #[prop(default = "mt-1 w-full")]
    input_class: &'static str,
) -> impl IntoView {
    view! {
        <label for=id.clone() class=label_class>{label}</label>
        <input id=id name=limits.field type="file" accept=IMAGE_ACCEPT multiple={limits.max_files > 1}
            required=limits.required
            class=format!("block text-sm file:mr-3 file:rounded-lg file:border-0 file:bg-stone-100 file:px-3 file:py-2 file:font-semibold {input_class}") />
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GALLERY: ImageLimits = ImageLimits::post_images("images", 10).required();

    #[test]
    fn selections_are_checked_before_upload() {
        assert!(check_selection(&[MB, 2.0 * MB], &GALLERY).is_ok());
        assert_eq!(check_selection(&[], &GALLERY), Err(UploadError::Missing { field: "images" }));
        assert_eq!(check_selection(&[1.0; 11], &GALLERY), Err(UploadError::TooMany { field: "images", max: 10 }));
        assert_eq!(check_selection(&[11.0 * MB], &GALLERY), Err(UploadError::TooLarge { limit_mb: 10 }));
        assert_eq!(
            check_selection(&[8.0 * MB; 4], &GALLERY),
            Err(UploadError::RequestTooLarge { field: "images", limit_mb: 30 })
        );
    }

    #[test]
    fn an_optional_field_may_be_left_empty() {
        assert!(check_selection(&[], &ImageLimits::post_images("image", 1)).is_ok());
        let avatar = ImageLimits::profile_image("image");
        assert_eq!(check_selection(&[9.0 * MB], &avatar), Err(UploadError::TooLarge { limit_mb: 8 }));
    }
}

//! Uploads in one place: the limits every image field has (size, count and
//! type), the errors for breaking them, the browser's check before sending
//! (`ImagePicker`, `check_picked`), and on the server the one multipart
//! reader (`upload::read_form`), the image processing (`images`: decoding
//! within a pixel budget, a few at a time) and the sweep of files no row
//! names any more (`sweep`).

use crate::error::AppError;

#[cfg(feature = "ssr")]
mod images;
mod picker;
#[cfg(feature = "ssr")]
pub mod sweep;
#[cfg(feature = "ssr")]
pub mod upload;

#[cfg(all(test, feature = "ssr"))]
pub(crate) use images::samples;
#[cfg(feature = "ssr")]
pub use images::*;
pub use picker::{check_picked, check_selection, ImagePicker};

/// Largest upload accepted for a profile picture or cover (a shop's too).
pub const PROFILE_IMAGE_MAX_BYTES: usize = 8 * 1024 * 1024;
/// Largest post, product or event image accepted.
pub const POST_IMAGE_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Most pixels an upload may decode to: 40 megapixels, more than any phone
/// photo (and about 160 MB once decoded). A small file can claim far more
/// (a 420 KB PNG of 12000 × 12000 decodes to ~650 MB), so this is checked
/// from the header before anything is decoded.
pub const MAX_IMAGE_PIXELS: u64 = 40_000_000;
/// Longest side accepted, whatever the pixel count.
pub const MAX_IMAGE_SIDE: u32 = 12_000;
/// The types users may upload. The server recognises images by their bytes;
/// this list lets the browser's file dialog and the reader refuse the rest early.
pub const IMAGE_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];
/// `IMAGE_TYPES` as a file input's `accept` attribute.
pub const IMAGE_ACCEPT: &str = "image/jpeg,image/png,image/webp";

/// What one image field of a form accepts. The same value drives the check in
/// the browser and the multipart reader on the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageLimits {
    /// The file input's name.
    pub field: &'static str,
    /// Largest file, in bytes.
    pub max_bytes: usize,
    /// Most files in one upload.
    pub max_files: usize,
    /// At least one file must come.
    pub required: bool,
    /// Most pixels (width × height) one image may have.
    pub max_pixels: u64,
}

impl ImageLimits {
    /// Up to `max_files` post-sized images (10 MB each) in `field`, optional.
    pub const fn post_images(field: &'static str, max_files: usize) -> Self {
        ImageLimits { field, max_bytes: POST_IMAGE_MAX_BYTES, max_files, required: false, max_pixels: MAX_IMAGE_PIXELS }
    }

    /// One profile-sized image (8 MB) in `field`, required.
    pub const fn profile_image(field: &'static str) -> Self {
        ImageLimits {
            field,
            max_bytes: PROFILE_IMAGE_MAX_BYTES,
            max_files: 1,
            required: true,
            max_pixels: MAX_IMAGE_PIXELS,
        }
    }

    pub const fn required(self) -> Self {
        ImageLimits { required: true, ..self }
    }

    pub const fn max_mb(&self) -> u64 {
        megabytes(self.max_bytes)
    }

    /// `max_pixels` in whole megapixels, for messages.
    pub const fn max_megapixels(&self) -> u64 {
        self.max_pixels / 1_000_000
    }
}

pub(crate) const fn megabytes(bytes: usize) -> u64 {
    (bytes >> 20) as u64
}

/// An upload that breaks its field's limits, or that could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum UploadError {
    #[error("The upload could not be read. Please try again.")]
    Unreadable { field: &'static str },
    #[error("Choose an image to upload.")]
    Missing { field: &'static str },
    #[error("Choose at most {max} images.")]
    TooMany { field: &'static str, max: usize },
    #[error("That file is too large: the limit is {limit_mb} MB.")]
    TooLarge { limit_mb: u64 },
    #[error("That file is not a JPEG, PNG or WebP image.")]
    WrongType,
    /// The whole selection is over what one request may carry.
    #[error("Upload at most {limit_mb} MB at a time.")]
    RequestTooLarge { field: &'static str, limit_mb: u64 },
    #[error("That is too long.")]
    TextTooLong { field: String },
    /// More pixels than the field allows (read from the header, before decoding).
    #[error("That image is {width} × {height} pixels: the limit is {max_megapixels} megapixels. Please upload a smaller version.")]
    TooManyPixels { field: &'static str, width: u32, height: u32, max_megapixels: u64 },
    /// The decoder failed, or the file stops before the image's end.
    #[error("That image is damaged or incomplete. Please upload it again.")]
    Damaged { field: &'static str },
}

impl From<UploadError> for AppError {
    /// 413 for size, 415 for type, 422 naming the field for the rest.
    fn from(err: UploadError) -> Self {
        let message = err.to_string();
        match err {
            UploadError::TooLarge { limit_mb } => AppError::PayloadTooLarge { limit_mb },
            UploadError::WrongType => AppError::UnsupportedMedia(message),
            UploadError::Unreadable { field }
            | UploadError::Missing { field }
            | UploadError::TooMany { field, .. }
            | UploadError::RequestTooLarge { field, .. }
            | UploadError::TooManyPixels { field, .. }
            | UploadError::Damaged { field } => AppError::validation(field, message),
            UploadError::TextTooLong { field } => AppError::validation(&field, message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn upload_errors_become_4xx_naming_the_field() {
        let status = |e: UploadError| AppError::from(e).status_code();
        assert_eq!(status(UploadError::TooLarge { limit_mb: 8 }), 413);
        assert_eq!(status(UploadError::WrongType), 415);
        let too_many = AppError::from(UploadError::TooMany { field: "images", max: 10 });
        assert_eq!((too_many.status_code(), too_many.field()), (422, Some("images")));
        assert_eq!(too_many.to_string(), "Choose at most 10 images.");
        assert_eq!(AppError::from(UploadError::Missing { field: "image" }).field(), Some("image"));
        assert_eq!(
            AppError::from(UploadError::TooLarge { limit_mb: 8 }).to_string(),
            "That file is too large: the limit is 8 MB."
        );
    }

    #[test]
    fn limits_name_their_size_in_megabytes() {
        assert_eq!(ImageLimits::profile_image("image").max_mb(), 8);
        assert_eq!(ImageLimits::post_images("images", 10).max_mb(), 10);
        assert!(ImageLimits::post_images("images", 10).required().required);
        assert_eq!(ImageLimits::profile_image("image").max_megapixels(), 40);
    }

    #[test]
    fn oversized_and_damaged_images_are_422_naming_the_field() {
        let bomb = AppError::from(UploadError::TooManyPixels {
            field: "images",
            width: 12_000,
            height: 12_000,
            max_megapixels: 40,
        });
        assert_eq!((bomb.status_code(), bomb.field()), (422, Some("images")));
        assert_eq!(
            bomb.to_string(),
            "That image is 12000 × 12000 pixels: the limit is 40 megapixels. Please upload a smaller version."
        );
        let damaged = AppError::from(UploadError::Damaged { field: "image" });
        assert_eq!((damaged.status_code(), damaged.field()), (422, Some("image")));
        assert_eq!(damaged.to_string(), "That image is damaged or incomplete. Please upload it again.");
    }
}

//! Uploaded images: recognised by their bytes (never the file name), decoded
//! with size limits, re-encoded (which drops EXIF and anything smuggled after
//! the image data), and written under the media directory served at `/media`.

use std::io::Cursor;
use std::path::Path;

use image::{imageops::FilterType, DynamicImage, ImageFormat, ImageReader, Limits};
use uuid::Uuid;

use super::{POST_IMAGE_MAX_BYTES, PROFILE_IMAGE_MAX_BYTES};
use crate::error::AppError;

const MAX_DIMENSION: u32 = 12_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProfileImageKind {
    Avatar,
    Cover,
}

impl ProfileImageKind {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        match raw {
            "avatar" => Ok(ProfileImageKind::Avatar),
            "cover" => Ok(ProfileImageKind::Cover),
            _ => Err(AppError::validation("kind", "Choose a profile picture or a cover image.")),
        }
    }

    fn folder(self) -> &'static str {
        match self {
            ProfileImageKind::Avatar => "avatars",
            ProfileImageKind::Cover => "covers",
        }
    }

    /// Output size: square avatars, 3:1 covers.
    fn size(self) -> (u32, u32) {
        match self {
            ProfileImageKind::Avatar => (400, 400),
            ProfileImageKind::Cover => (1500, 500),
        }
    }
}

/// The formats users may upload, told apart by their magic bytes.
pub fn sniff(bytes: &[u8]) -> Result<ImageFormat, AppError> {
    match image::guess_format(bytes) {
        Ok(f @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => Ok(f),
        _ => Err(AppError::UnsupportedMedia("That file is not a JPEG, PNG or WebP image.".into())),
    }
}

/// Decodes an upload with dimension and memory limits (no decompression
/// bombs), turned upright by its EXIF orientation: the EXIF itself is not
/// kept, so a phone photo would otherwise end up sideways.
pub fn decode(bytes: &[u8]) -> Result<DynamicImage, AppError> {
    use image::ImageDecoder;

    let format = sniff(bytes)?;
    let damaged = |_| AppError::UnsupportedMedia("That image could not be read. Is the file damaged?".into());
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_DIMENSION);
    limits.max_image_height = Some(MAX_DIMENSION);
    limits.max_alloc = Some(512 * 1024 * 1024);
    let mut decoder = ImageReader::with_format(Cursor::new(bytes), format).into_decoder().map_err(damaged)?;
    decoder.set_limits(limits).map_err(damaged)?;
    let orientation = decoder.orientation().map_err(damaged)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(damaged)?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// The widths kept of every post image.
pub const POST_IMAGE_WIDTHS: [u32; 3] = [150, 600, 1200];

/// A post image as stored: one URL per width, and the full size's shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredPostImage {
    pub urls: [String; 3],
    pub width: u32,
    pub height: u32,
}

/// Scales `img` to each of `POST_IMAGE_WIDTHS` (never up) and encodes JPEGs.
pub fn render_post_sizes(img: &DynamicImage) -> Result<Vec<(u32, u32, Vec<u8>)>, AppError> {
    POST_IMAGE_WIDTHS
        .iter()
        .map(|&target| {
            let w = target.min(img.width());
            let h = ((img.height() as u64 * w as u64) / img.width().max(1) as u64).max(1) as u32;
            let scaled = img.resize_exact(w, h, FilterType::Triangle).to_rgb8();
            let mut buf = Cursor::new(Vec::new());
            let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, 82);
            scaled.write_with_encoder(encoder).map_err(|e| {
                tracing::error!(error = %e, "jpeg encode failed");
                AppError::Internal
            })?;
            Ok((w, h, buf.into_inner()))
        })
        .collect()
}

/// Validates, resizes and stores one post image under `posts/`.
pub async fn store_post_image(media_dir: &Path, bytes: Vec<u8>) -> Result<StoredPostImage, AppError> {
    if bytes.len() > POST_IMAGE_MAX_BYTES {
        return Err(super::UploadError::TooLarge { limit_mb: super::megabytes(POST_IMAGE_MAX_BYTES) }.into());
    }
    sniff(&bytes)?;
    let sizes = tokio::task::spawn_blocking(move || decode(&bytes).and_then(|img| render_post_sizes(&img)))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "image task failed");
            AppError::Internal
        })??;
    let id = Uuid::new_v4();
    let dir = media_dir.join("posts");
    let mut urls = Vec::with_capacity(3);
    for (target, (_, _, jpeg)) in POST_IMAGE_WIDTHS.iter().zip(&sizes) {
        let name = format!("{id}-{target}.jpg");
        write_file(&dir, &name, jpeg).await?;
        urls.push(format!("/media/posts/{name}"));
    }
    let (width, height, _) = sizes[2];
    let urls: [String; 3] = urls.try_into().map_err(|_| AppError::Internal)?;
    Ok(StoredPostImage { urls, width, height })
}

/// Crops to the target shape, scales down and encodes as JPEG.
pub fn render_profile_image(img: &DynamicImage, kind: ProfileImageKind) -> Result<Vec<u8>, AppError> {
    let (w, h) = kind.size();
    let out = img.resize_to_fill(w, h, FilterType::Triangle).to_rgb8();
    let mut buf = Cursor::new(Vec::new());
    let encoder = image::codecs::jpeg::JpegEncoder::new_with_quality(&mut buf, 85);
    out.write_with_encoder(encoder).map_err(|e| {
        tracing::error!(error = %e, "jpeg encode failed");
        AppError::Internal
    })?;
    Ok(buf.into_inner())
}

/// Validates, processes and stores a profile image; returns its public URL.
pub async fn store_profile_image(media_dir: &Path, kind: ProfileImageKind, bytes: Vec<u8>) -> Result<String, AppError> {
    if bytes.is_empty() {
        return Err(AppError::validation("image", "Choose an image to upload."));
    }
    if bytes.len() > PROFILE_IMAGE_MAX_BYTES {
        return Err(super::UploadError::TooLarge { limit_mb: super::megabytes(PROFILE_IMAGE_MAX_BYTES) }.into());
    }
    sniff(&bytes)?;
    let jpeg = tokio::task::spawn_blocking(move || decode(&bytes).and_then(|img| render_profile_image(&img, kind)))
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "image task failed");
            AppError::Internal
        })??;
    let name = format!("{}.jpg", Uuid::new_v4());
    let dir = media_dir.join(kind.folder());
    write_file(&dir, &name, &jpeg).await?;
    Ok(format!("/media/{}/{name}", kind.folder()))
}

/// Removes a file this module stored earlier (an avatar that was replaced).
pub async fn remove_stored(media_dir: &Path, url: &str) {
    let Some(rel) = url.strip_prefix("/media/") else { return };
    if rel.contains("..") || rel.starts_with('/') {
        return;
    }
    if let Err(e) = tokio::fs::remove_file(media_dir.join(rel)).await {
        tracing::debug!(error = %e, url, "old media file not removed");
    }
}

pub async fn write_file(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), AppError> {
    let io = |e: std::io::Error| {
        tracing::error!(error = %e, dir = %dir.display(), "media write failed");
        AppError::Internal
    };
    tokio::fs::create_dir_all(dir).await.map_err(io)?;
    // Write then rename, so a crash never leaves a half-written image behind a URL.
    let tmp = dir.join(format!(".{name}.part"));
    tokio::fs::write(&tmp, bytes).await.map_err(io)?;
    tokio::fs::rename(&tmp, dir.join(name)).await.map_err(io)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageBuffer, Rgb};

    fn png(w: u32, h: u32) -> Vec<u8> {
        let img: ImageBuffer<Rgb<u8>, Vec<u8>> =
            ImageBuffer::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]));
        let mut buf = Cursor::new(Vec::new());
        img.write_to(&mut buf, ImageFormat::Png).unwrap();
        buf.into_inner()
    }

    #[test]
    fn text_named_jpg_is_not_an_image() {
        let err = sniff(b"<html>hello</html>").unwrap_err();
        assert_eq!(err.status_code(), 415);
    }

    #[test]
    fn png_is_recognised_by_content() {
        assert_eq!(sniff(&png(4, 4)).unwrap(), ImageFormat::Png);
    }

    #[test]
    fn truncated_image_is_rejected_cleanly() {
        let bytes = png(64, 64);
        let err = decode(&bytes[..40]).unwrap_err();
        assert_eq!(err.status_code(), 415);
    }

    #[test]
    fn avatars_are_square_jpegs() {
        let img = decode(&png(300, 120)).unwrap();
        let out = render_profile_image(&img, ProfileImageKind::Avatar).unwrap();
        assert_eq!(sniff(&out).unwrap(), ImageFormat::Jpeg);
        let back = image::load_from_memory(&out).unwrap();
        assert_eq!((back.width(), back.height()), (400, 400));
    }

    #[test]
    fn post_images_keep_their_shape_at_every_size() {
        let img = decode(&png(2000, 1000)).unwrap();
        let sizes = render_post_sizes(&img).unwrap();
        let shapes: Vec<(u32, u32)> = sizes.iter().map(|(w, h, _)| (*w, *h)).collect();
        assert_eq!(shapes, vec![(150, 75), (600, 300), (1200, 600)]);
        let small = decode(&png(400, 300)).unwrap();
        let shapes: Vec<(u32, u32)> = render_post_sizes(&small).unwrap().iter().map(|(w, h, _)| (*w, *h)).collect();
        assert_eq!(shapes, vec![(150, 112), (400, 300), (400, 300)], "never scaled up");
    }

    #[tokio::test]
    async fn oversized_upload_is_refused_before_decoding() {
        let dir = std::env::temp_dir();
        let err = store_profile_image(&dir, ProfileImageKind::Avatar, vec![0u8; PROFILE_IMAGE_MAX_BYTES + 1])
            .await
            .unwrap_err();
        assert_eq!(err.status_code(), 413);
    }
}

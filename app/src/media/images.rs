//! Uploaded images: recognised by their bytes (never the file name), checked
//! against the pixel budget from their header before anything is decoded,
//! refused when cut short, decoded a few at a time server-wide (`DecodeGate`),
//! re-encoded (which drops EXIF and anything smuggled after the image data),
//! and only then written under the media directory served at `/media`.

use std::io::Cursor;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use image::{imageops::FilterType, DynamicImage, ImageDecoder, ImageFormat, ImageReader, Limits};
use tokio::sync::Semaphore;
use uuid::Uuid;

use super::{ImageLimits, UploadError, MAX_IMAGE_SIDE};
use crate::error::AppError;

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

/// Bytes a decoder may hold for one image: the pixel budget at the widest
/// pixel there is (16-bit RGBA, 8 bytes), so any colour type fits up to
/// `max_pixels` and nothing fits beyond it.
fn max_decode_bytes(limits: &ImageLimits) -> u64 {
    limits.max_pixels.saturating_mul(8)
}

/// What reading a header may allocate (metadata such as an ICC profile).
const HEADER_MAX_BYTES: u64 = 16 * 1024 * 1024;

/// The image's width and height, read from its header only; refused when
/// over the field's pixel budget or side limit. This is what stops a
/// decompression bomb: a few hundred KB that claim 12000 × 12000 pixels
/// are refused here, before a byte of pixel data is inflated.
pub fn check_dimensions(bytes: &[u8], format: ImageFormat, limits: &ImageLimits) -> Result<(u32, u32), AppError> {
    // Reading the header may inflate metadata (an ICC profile, text), never
    // pixels: a small allowance bounds that.
    let mut header_limits = Limits::default();
    header_limits.max_alloc = Some(HEADER_MAX_BYTES);
    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(header_limits);
    let (width, height) = reader.into_dimensions().map_err(|_| UploadError::Damaged { field: limits.field })?;
    if width == 0 || height == 0 {
        return Err(UploadError::Damaged { field: limits.field }.into());
    }
    if u64::from(width) * u64::from(height) > limits.max_pixels || width.max(height) > MAX_IMAGE_SIDE {
        return Err(too_many_pixels(limits, width, height));
    }
    Ok((width, height))
}

fn too_many_pixels(limits: &ImageLimits, width: u32, height: u32) -> AppError {
    UploadError::TooManyPixels { field: limits.field, width, height, max_megapixels: limits.max_megapixels() }.into()
}

/// Whether the file runs to its format's end marker. The `image` crate's
/// JPEG decoder (zune-jpeg, not in strict mode) fills a scan that stops
/// early with grey and reports success, even with all but the last two
/// bytes, so a truncated upload would be stored half grey. The PNG and WebP
/// decoders do fail on a cut file; they are checked the same way anyway so
/// "complete" means one thing for every format, before any decoding.
pub fn is_complete(format: ImageFormat, bytes: &[u8]) -> bool {
    match format {
        ImageFormat::Jpeg => jpeg_is_complete(bytes),
        ImageFormat::Png => png_is_complete(bytes),
        ImageFormat::WebP => webp_is_complete(bytes),
        _ => false,
    }
}

/// Walks the JPEG's segments to its end-of-image marker (FFD9). The walk
/// follows segment lengths, so an FFD9 inside an embedded EXIF thumbnail
/// doesn't count, and data after the end (a phone's motion photo) is fine.
fn jpeg_is_complete(bytes: &[u8]) -> bool {
    if !bytes.starts_with(&[0xFF, 0xD8]) {
        return false;
    }
    let mut i = 2;
    loop {
        // A marker: 0xFF (any number of fill bytes), then its code.
        if bytes.get(i) != Some(&0xFF) {
            return false;
        }
        while bytes.get(i) == Some(&0xFF) {
            i += 1;
        }
        let Some(&marker) = bytes.get(i) else { return false };
        i += 1;
        match marker {
            0xD9 => return true,
            // Standalone markers carry no length.
            0x01 | 0xD0..=0xD7 => continue,
            _ => {}
        }
        let Some(len) = bytes.get(i..i + 2).map(|b| usize::from(u16::from_be_bytes([b[0], b[1]]))) else {
            return false;
        };
        if len < 2 || i + len > bytes.len() {
            return false;
        }
        i += len;
        if marker == 0xDA {
            // Entropy-coded data runs to the next marker: an 0xFF that is
            // neither a stuffed zero nor a restart marker.
            loop {
                match (bytes.get(i), bytes.get(i + 1)) {
                    (Some(0xFF), Some(0x00 | 0xD0..=0xD7)) => i += 2,
                    (Some(0xFF), Some(_)) => break,
                    (Some(_), _) => i += 1,
                    (None, _) => return false,
                }
            }
        }
    }
}

/// Walks the PNG's chunks to IEND, each chunk wholly present.
fn png_is_complete(bytes: &[u8]) -> bool {
    let mut i = 8;
    while let Some(header) = bytes.get(i..i + 8) {
        let len = u32::from_be_bytes([header[0], header[1], header[2], header[3]]) as usize;
        let Some(end) = i.checked_add(12).and_then(|n| n.checked_add(len)) else { return false };
        if end > bytes.len() {
            return false;
        }
        if &header[4..8] == b"IEND" {
            return true;
        }
        i = end;
    }
    false
}

/// The RIFF container says how long it is; all of it must be there.
fn webp_is_complete(bytes: &[u8]) -> bool {
    match bytes.get(4..8) {
        Some(size) => {
            let declared = u32::from_le_bytes([size[0], size[1], size[2], size[3]]) as usize;
            declared.checked_add(8).is_some_and(|total| total <= bytes.len())
        }
        None => false,
    }
}

/// Decodes an upload within `limits`: its format by content, its size from
/// the header (refused before decoding when over the pixel budget), refused
/// when cut short, then decoded in full with the decoder's own allocation
/// limit, and turned upright by its EXIF orientation (the EXIF itself is not
/// kept, so a phone photo would otherwise end up sideways). Any decoder
/// error is "damaged or incomplete" (422), never a 500.
///
/// CPU- and memory-heavy: call it through [`decode_gate`], never on the
/// async runtime directly.
pub fn decode(bytes: &[u8], limits: &ImageLimits) -> Result<DynamicImage, AppError> {
    let format = sniff(bytes)?;
    let (width, height) = check_dimensions(bytes, format, limits)?;
    let damaged = |_| AppError::from(UploadError::Damaged { field: limits.field });
    if !is_complete(format, bytes) {
        return Err(UploadError::Damaged { field: limits.field }.into());
    }
    let mut decoder_limits = Limits::default();
    decoder_limits.max_image_width = Some(MAX_IMAGE_SIDE);
    decoder_limits.max_image_height = Some(MAX_IMAGE_SIDE);
    decoder_limits.max_alloc = Some(max_decode_bytes(limits));
    let mut decoder = ImageReader::with_format(Cursor::new(bytes), format).into_decoder().map_err(damaged)?;
    decoder.set_limits(decoder_limits).map_err(|e| match e {
        image::ImageError::Limits(_) => too_many_pixels(limits, width, height),
        other => damaged(other),
    })?;
    // The output buffer is allocated by `from_decoder`, which doesn't ask
    // the limits: check it here.
    if decoder.total_bytes() > max_decode_bytes(limits) {
        return Err(too_many_pixels(limits, width, height));
    }
    let orientation = decoder.orientation().map_err(damaged)?;
    let mut img = DynamicImage::from_decoder(decoder).map_err(|e| match e {
        image::ImageError::Limits(_) => too_many_pixels(limits, width, height),
        other => damaged(other),
    })?;
    img.apply_orientation(orientation);
    Ok(img)
}

/// Lets at most a few decodes run at once, each on the blocking thread
/// pool. At the pixel budget one decode holds a few hundred MB, so the
/// server's memory is bounded by the number of slots, not by how many
/// uploads arrive together (ten images per post, any number of posts).
#[derive(Debug, Clone)]
pub struct DecodeGate {
    slots: Arc<Semaphore>,
}

impl DecodeGate {
    pub fn new(slots: usize) -> Self {
        DecodeGate { slots: Arc::new(Semaphore::new(slots.max(1))) }
    }

    /// Runs `work` once a slot is free. The slot is held until `work` ends,
    /// even if the caller stops waiting (the memory is in use until then).
    pub async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let slot = self.slots.clone().acquire_owned().await.map_err(|_| AppError::Internal)?;
        tokio::task::spawn_blocking(move || {
            let _slot = slot;
            work()
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "image task failed");
            AppError::Internal
        })
    }
}

/// The server's one gate: as many decodes as cores, at most two (about
/// 0.5–0.7 GB at the pixel budget). A static rather than state, so every
/// path that stores an image (server functions, demo data, the test data
/// API) shares it.
pub fn decode_gate() -> &'static DecodeGate {
    static GATE: LazyLock<DecodeGate> =
        LazyLock::new(|| DecodeGate::new(std::thread::available_parallelism().map_or(1, |n| n.get()).min(2)));
    &GATE
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

/// A post image checked, decoded and resized in memory, not yet on disk.
#[derive(Debug)]
pub struct PreparedPostImage {
    sizes: Vec<(u32, u32, Vec<u8>)>,
}

/// Checks, decodes and resizes every upload of a post-sized field before
/// any is written, so a form refused for its fifth image leaves nothing
/// behind. Each decode waits for a slot of the [`decode_gate`].
pub async fn prepare_post_images(
    limits: ImageLimits,
    uploads: Vec<Vec<u8>>,
) -> Result<Vec<PreparedPostImage>, AppError> {
    let mut prepared = Vec::with_capacity(uploads.len());
    for bytes in uploads {
        if bytes.len() > limits.max_bytes {
            return Err(UploadError::TooLarge { limit_mb: limits.max_mb() }.into());
        }
        sniff(&bytes)?;
        let sizes =
            decode_gate().run(move || decode(&bytes, &limits).and_then(|img| render_post_sizes(&img))).await??;
        prepared.push(PreparedPostImage { sizes });
    }
    Ok(prepared)
}

/// Writes prepared images under `posts/`. If a write fails, the files
/// already written by this call are removed.
pub async fn write_post_images(
    media_dir: &Path,
    prepared: Vec<PreparedPostImage>,
) -> Result<Vec<StoredPostImage>, AppError> {
    let dir = media_dir.join("posts");
    let mut stored: Vec<StoredPostImage> = Vec::with_capacity(prepared.len());
    for image in prepared {
        let id = Uuid::new_v4();
        let mut urls = Vec::with_capacity(POST_IMAGE_WIDTHS.len());
        for (target, (_, _, jpeg)) in POST_IMAGE_WIDTHS.iter().zip(&image.sizes) {
            let name = format!("{id}-{target}.jpg");
            if let Err(e) = write_file(&dir, &name, jpeg).await {
                let mut written = post_image_urls(&stored);
                written.extend(urls.iter().map(String::as_str));
                remove_all(media_dir, &written).await;
                return Err(e);
            }
            urls.push(format!("/media/posts/{name}"));
        }
        let (width, height, _) = image.sizes[2];
        let urls: [String; 3] = urls.try_into().map_err(|_| AppError::Internal)?;
        stored.push(StoredPostImage { urls, width, height });
    }
    Ok(stored)
}

/// Checks every upload, then stores them all (`prepare_post_images`, then
/// `write_post_images`): a refused image means no file was written.
pub async fn store_post_images(
    media_dir: &Path,
    limits: ImageLimits,
    uploads: Vec<Vec<u8>>,
) -> Result<Vec<StoredPostImage>, AppError> {
    let prepared = prepare_post_images(limits, uploads).await?;
    write_post_images(media_dir, prepared).await
}

/// Validates, resizes and stores one post-sized image (field `image`).
pub async fn store_post_image(media_dir: &Path, bytes: Vec<u8>) -> Result<StoredPostImage, AppError> {
    let mut stored = store_post_images(media_dir, ImageLimits::post_images("image", 1), vec![bytes]).await?;
    stored.pop().ok_or(AppError::Internal)
}

/// The URLs of stored post images (every size), for [`keep_if_saved`].
pub fn post_image_urls(images: &[StoredPostImage]) -> Vec<&str> {
    images.iter().flat_map(|i| i.urls.iter().map(String::as_str)).collect()
}

/// Passes on the result of the save that names freshly stored files; when
/// it failed, removes those files first, so a refused or failed save leaves
/// no orphan on disk.
pub async fn keep_if_saved<T>(media_dir: &Path, urls: &[&str], saved: Result<T, AppError>) -> Result<T, AppError> {
    if saved.is_err() {
        remove_all(media_dir, urls).await;
    }
    saved
}

async fn remove_all(media_dir: &Path, urls: &[&str]) {
    for url in urls {
        remove_stored(media_dir, url).await;
    }
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
    let limits = ImageLimits::profile_image("image");
    if bytes.len() > limits.max_bytes {
        return Err(UploadError::TooLarge { limit_mb: limits.max_mb() }.into());
    }
    sniff(&bytes)?;
    let jpeg =
        decode_gate().run(move || decode(&bytes, &limits).and_then(|img| render_profile_image(&img, kind))).await??;
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

/// Images for tests: real encodings of any size, cut short, or a PNG bomb.
#[cfg(test)]
pub(crate) mod samples {
    use std::io::Cursor;

    use image::{ImageBuffer, ImageFormat, Rgb};

    fn gradient(w: u32, h: u32) -> ImageBuffer<Rgb<u8>, Vec<u8>> {
        ImageBuffer::from_fn(w, h, |x, y| Rgb([(x % 256) as u8, (y % 256) as u8, 128]))
    }

    fn encoded(w: u32, h: u32, format: ImageFormat) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        gradient(w, h).write_to(&mut buf, format).unwrap();
        buf.into_inner()
    }

    pub fn png(w: u32, h: u32) -> Vec<u8> {
        encoded(w, h, ImageFormat::Png)
    }

    pub fn jpeg(w: u32, h: u32) -> Vec<u8> {
        encoded(w, h, ImageFormat::Jpeg)
    }

    pub fn webp(w: u32, h: u32) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        let img = gradient(w, h);
        image::codecs::webp::WebPEncoder::new_lossless(&mut buf)
            .encode(img.as_raw(), w, h, image::ExtendedColorType::Rgb8)
            .unwrap();
        buf.into_inner()
    }

    /// A black 8-bit greyscale PNG of any size, built by hand so a huge one
    /// costs almost nothing to make: its pixel data (all zeros) is one
    /// fixed-Huffman deflate block of 258-byte repeats, 13 bits each, which is
    /// how a few hundred KB can claim 12000 × 12000 pixels.
    pub fn black_png(w: u32, h: u32) -> Vec<u8> {
        let raw = (h as usize) * (1 + w as usize); // a filter byte per row, then the row
        let mut ihdr = Vec::new();
        ihdr.extend_from_slice(&w.to_be_bytes());
        ihdr.extend_from_slice(&h.to_be_bytes());
        ihdr.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit, greyscale, deflate, no filter, no interlace
        let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
        chunk(&mut out, b"IHDR", &ihdr);
        chunk(&mut out, b"IDAT", &zlib_zeros(raw));
        chunk(&mut out, b"IEND", &[]);
        out
    }

    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        let start = out.len();
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let crc = crc32(&out[start..]);
        out.extend_from_slice(&crc.to_be_bytes());
    }

    fn crc32(bytes: &[u8]) -> u32 {
        let mut crc = 0xFFFF_FFFFu32;
        for &b in bytes {
            crc ^= u32::from(b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 { 0xEDB8_8320 ^ (crc >> 1) } else { crc >> 1 };
            }
        }
        !crc
    }

    /// `n` zero bytes as a zlib stream.
    fn zlib_zeros(n: usize) -> Vec<u8> {
        let mut bits = Bits::default();
        bits.put(1, 1); // the final block
        bits.put(1, 2); // fixed Huffman codes
        bits.code(0x30, 8); // literal 0
        let mut left = n - 1;
        while left >= 258 {
            bits.code(0xC5, 8); // length 258 (code 285)
            bits.code(0, 5); // distance 1
            left -= 258;
        }
        for _ in 0..left {
            bits.code(0x30, 8);
        }
        bits.code(0, 7); // end of block
        let mut out = vec![0x78, 0x01];
        out.extend_from_slice(&bits.finish());
        // Adler-32 of zeros: a stays 1, b adds it once per byte.
        let adler = (((n % 65_521) as u32) << 16) | 1;
        out.extend_from_slice(&adler.to_be_bytes());
        out
    }

    #[derive(Default)]
    struct Bits {
        out: Vec<u8>,
        acc: u64,
        count: u32,
    }

    impl Bits {
        /// `count` bits of `value`, least significant first.
        fn put(&mut self, value: u32, count: u32) {
            self.acc |= u64::from(value) << self.count;
            self.count += count;
            while self.count >= 8 {
                self.out.push(self.acc as u8);
                self.acc >>= 8;
                self.count -= 8;
            }
        }

        /// A Huffman code, most significant bit first.
        fn code(&mut self, code: u32, len: u32) {
            self.put(code.reverse_bits() >> (32 - len), len);
        }

        fn finish(mut self) -> Vec<u8> {
            if self.count > 0 {
                self.out.push(self.acc as u8);
            }
            self.out
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    use super::samples::{black_png, jpeg, png, webp};
    use super::*;

    const POST: ImageLimits = ImageLimits::post_images("images", 10);

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
    fn a_normal_image_of_each_format_is_accepted() {
        for bytes in [png(300, 200), jpeg(300, 200), webp(300, 200)] {
            let img = decode(&bytes, &POST).unwrap();
            assert_eq!((img.width(), img.height()), (300, 200));
        }
    }

    #[test]
    fn the_hand_built_black_png_is_a_real_png() {
        let img = decode(&black_png(300, 200), &POST).unwrap();
        assert_eq!((img.width(), img.height()), (300, 200));
        assert!(img.to_luma8().pixels().all(|p| p.0 == [0]));
    }

    #[test]
    fn a_decompression_bomb_is_refused_from_its_header_before_decoding() {
        let bomb = black_png(12_000, 12_000);
        assert!(bomb.len() < 1_000_000, "a small file claiming 144 megapixels: {} bytes", bomb.len());
        let started = Instant::now();
        let err = decode(&bomb, &POST).unwrap_err();
        // Inflating and allocating 144 MB would take far longer than this.
        assert!(started.elapsed() < Duration::from_secs(1), "took {:?}", started.elapsed());
        assert_eq!(
            err,
            AppError::from(UploadError::TooManyPixels {
                field: "images",
                width: 12_000,
                height: 12_000,
                max_megapixels: 40
            })
        );
        assert_eq!(err.status_code(), 422);
        assert_eq!(
            err.to_string(),
            "That image is 12000 × 12000 pixels: the limit is 40 megapixels. Please upload a smaller version."
        );
    }

    #[test]
    fn the_pixel_budget_and_the_longest_side_are_both_enforced() {
        // 42 megapixels with sides well under the side limit.
        let err = decode(&black_png(7_000, 6_000), &POST).unwrap_err();
        assert!(matches!(err, AppError::Validation { ref message, .. } if message.contains("7000 × 6000")), "{err:?}");
        let err = decode(&black_png(MAX_IMAGE_SIDE + 1, 10), &POST).unwrap_err();
        assert_eq!(err.status_code(), 422);
        // A field with a smaller budget refuses what another accepts.
        let small = ImageLimits { max_pixels: 10_000, ..POST };
        assert!(decode(&black_png(100, 100), &small).is_ok());
        assert!(decode(&black_png(101, 100), &small).is_err());
    }

    fn damaged(field: &'static str) -> AppError {
        UploadError::Damaged { field }.into()
    }

    #[test]
    fn a_truncated_jpeg_is_refused_as_damaged() {
        let bytes = jpeg(256, 256);
        for cut in [bytes.len() / 3, bytes.len() * 2 / 3, bytes.len() - 2] {
            assert_eq!(decode(&bytes[..cut], &POST).unwrap_err(), damaged("images"), "cut at {cut} of {}", bytes.len());
        }
        assert_eq!(decode(&bytes[..40], &POST).unwrap_err(), damaged("images"), "cut inside the header");
    }

    #[test]
    fn a_jpeg_with_data_after_its_end_is_accepted() {
        // Phones append a video after the image (motion photos).
        let mut bytes = jpeg(64, 64);
        bytes.extend_from_slice(b"\0\0\0\x18ftypmp42 and then a video");
        assert!(decode(&bytes, &POST).is_ok());
    }

    #[test]
    fn a_truncated_png_is_refused_as_damaged() {
        let bytes = png(256, 256);
        assert_eq!(decode(&bytes[..bytes.len() / 2], &POST).unwrap_err(), damaged("images"), "cut in the pixel data");
        assert_eq!(decode(&bytes[..bytes.len() - 12], &POST).unwrap_err(), damaged("images"), "no IEND");
        assert_eq!(decode(&bytes[..40], &POST).unwrap_err(), damaged("images"), "cut in the header");
    }

    #[test]
    fn a_truncated_webp_is_refused_as_damaged() {
        let bytes = webp(128, 128);
        assert_eq!(decode(&bytes[..bytes.len() - 10], &POST).unwrap_err(), damaged("images"));
    }

    #[test]
    fn avatars_are_square_jpegs() {
        let img = decode(&png(300, 120), &POST).unwrap();
        let out = render_profile_image(&img, ProfileImageKind::Avatar).unwrap();
        assert_eq!(sniff(&out).unwrap(), ImageFormat::Jpeg);
        let back = image::load_from_memory(&out).unwrap();
        assert_eq!((back.width(), back.height()), (400, 400));
    }

    #[test]
    fn post_images_keep_their_shape_at_every_size() {
        let img = decode(&png(2000, 1000), &POST).unwrap();
        let sizes = render_post_sizes(&img).unwrap();
        let shapes: Vec<(u32, u32)> = sizes.iter().map(|(w, h, _)| (*w, *h)).collect();
        assert_eq!(shapes, vec![(150, 75), (600, 300), (1200, 600)]);
        let small = decode(&png(400, 300), &POST).unwrap();
        let shapes: Vec<(u32, u32)> = render_post_sizes(&small).unwrap().iter().map(|(w, h, _)| (*w, *h)).collect();
        assert_eq!(shapes, vec![(150, 112), (400, 300), (400, 300)], "never scaled up");
    }

    #[tokio::test]
    async fn oversized_upload_is_refused_before_decoding() {
        let dir = std::env::temp_dir();
        let limit = ImageLimits::profile_image("image").max_bytes;
        let err = store_profile_image(&dir, ProfileImageKind::Avatar, vec![0u8; limit + 1]).await.unwrap_err();
        assert_eq!(err.status_code(), 413);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_gate_never_runs_more_decodes_than_its_slots() {
        let gate = DecodeGate::new(2);
        let running = Arc::new(AtomicUsize::new(0));
        let peak = Arc::new(AtomicUsize::new(0));
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let (gate, running, peak) = (gate.clone(), running.clone(), peak.clone());
                tokio::spawn(async move {
                    gate.run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        peak.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(40));
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                    .await
                    .unwrap()
                })
            })
            .collect();
        for task in tasks {
            task.await.unwrap();
        }
        assert_eq!(peak.load(Ordering::SeqCst), 2, "two at a time, and never more");
        assert!(decode_gate().slots.available_permits() <= 2, "the server's gate has at most two slots");
    }

    /// The files under `dir`, recursively.
    fn files(dir: &Path) -> Vec<std::path::PathBuf> {
        let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
        entries.flatten().flat_map(|e| if e.path().is_dir() { files(&e.path()) } else { vec![e.path()] }).collect()
    }

    #[tokio::test]
    async fn one_bad_image_in_a_form_means_no_file_is_written() {
        let dir = std::env::temp_dir().join(format!("storefeed-media-{}", Uuid::new_v4()));
        let cut = jpeg(200, 200);
        let uploads = vec![png(200, 100), cut[..cut.len() / 2].to_vec(), png(100, 100)];
        let err = store_post_images(&dir, POST, uploads).await.unwrap_err();
        assert_eq!(err, damaged("images"));
        assert!(files(&dir).is_empty(), "{:?}", files(&dir));

        let stored = store_post_images(&dir, POST, vec![png(200, 100), jpeg(100, 100)]).await.unwrap();
        assert_eq!(files(&dir).len(), 6, "three sizes of each image");
        let saved: Result<(), AppError> = Err(AppError::Internal);
        assert!(keep_if_saved(&dir, &post_image_urls(&stored), saved).await.is_err());
        assert!(files(&dir).is_empty(), "a failed save takes its files with it");
        let _ = std::fs::remove_dir_all(&dir);
    }
}

//! The one multipart reader every upload endpoint uses. It reads the form as
//! it streams in and stops at the first broken limit, so a 30 MB body for an
//! 8 MB field is refused after 8 MB rather than held in memory. The limit
//! rules themselves (`FormCollector`) are plain code, tested without HTTP.

use leptos::server_fn::codec::MultipartData;

use super::{ImageLimits, UploadError, IMAGE_TYPES};

/// Longest text field accepted (fields are validated by the domain after;
/// this only bounds what is read).
pub const MAX_TEXT_BYTES: usize = 64 * 1024;

/// A form as read: its text fields, and the files of each image field.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct UploadForm {
    texts: Vec<(String, String)>,
    files: Vec<(&'static str, Vec<Vec<u8>>)>,
}

impl UploadForm {
    /// The text field `name` (the last one, if sent twice), or `""`.
    pub fn text(&self, name: &str) -> &str {
        self.texts.iter().rev().find(|(n, _)| n == name).map_or("", |(_, v)| v)
    }

    /// Every text field, in the order sent.
    pub fn texts(&self) -> impl Iterator<Item = (&str, &str)> {
        self.texts.iter().map(|(n, v)| (n.as_str(), v.as_str()))
    }

    /// The files sent in `field` (empty parts dropped), in order.
    pub fn take_files(&mut self, field: &str) -> Vec<Vec<u8>> {
        self.files.iter_mut().find(|(f, _)| *f == field).map(|(_, files)| std::mem::take(files)).unwrap_or_default()
    }

    /// The single file of a one-file field, if one came.
    pub fn take_file(&mut self, field: &str) -> Option<Vec<u8>> {
        self.take_files(field).into_iter().next()
    }
}

/// Reads a multipart form whose image fields follow `limits`; any other field
/// is text. The errors name the field and convert to a 4xx `AppError`.
pub async fn read_form(data: MultipartData, limits: &[ImageLimits]) -> Result<UploadForm, UploadError> {
    let mut multipart = data.into_inner().ok_or_else(|| unreadable(limits))?;
    let mut form = FormCollector::new(limits);
    while let Some(mut field) = multipart.next_field().await.map_err(|_| unreadable(limits))? {
        let name = field.name().unwrap_or_default().to_string();
        let mut part = form.start(&name, field.content_type().map(|m| m.essence_str()))?;
        while let Some(chunk) = field.chunk().await.map_err(|_| unreadable(limits))? {
            form.push(&mut part, &chunk)?;
        }
        form.end(part)?;
    }
    form.finish()
}

/// A form that broke off or isn't multipart; reported on its first image field.
fn unreadable(limits: &[ImageLimits]) -> UploadError {
    UploadError::Unreadable { field: limits.first().map_or("form", |l| l.field) }
}

/// One field being read.
#[derive(Debug)]
pub struct Part {
    name: String,
    /// Index into the limits when this is an image field.
    image: Option<usize>,
    bytes: Vec<u8>,
}

/// The limit rules of [`read_form`], fed field by field and chunk by chunk.
#[derive(Debug)]
pub struct FormCollector<'a> {
    limits: &'a [ImageLimits],
    form: UploadForm,
}

impl<'a> FormCollector<'a> {
    pub fn new(limits: &'a [ImageLimits]) -> Self {
        let files = limits.iter().map(|l| (l.field, Vec::new())).collect();
        FormCollector { limits, form: UploadForm { texts: Vec::new(), files } }
    }

    /// A field starts. An image field's declared type must be an image type:
    /// none, or `application/octet-stream` (what browsers send for a file
    /// they can't name), are let through, since the bytes are checked later.
    pub fn start(&mut self, name: &str, content_type: Option<&str>) -> Result<Part, UploadError> {
        let image = self.limits.iter().position(|l| l.field == name);
        if image.is_some() {
            if let Some(declared) = content_type {
                let declared = declared.trim().to_ascii_lowercase();
                if declared != "application/octet-stream" && !IMAGE_TYPES.contains(&declared.as_str()) {
                    return Err(UploadError::WrongType);
                }
            }
        }
        Ok(Part { name: name.to_string(), image, bytes: Vec::new() })
    }

    /// More bytes of the field `part`; refused once over its limit.
    pub fn push(&mut self, part: &mut Part, chunk: &[u8]) -> Result<(), UploadError> {
        let total = part.bytes.len() + chunk.len();
        match part.image {
            Some(i) if total > self.limits[i].max_bytes => {
                return Err(UploadError::TooLarge { limit_mb: self.limits[i].max_mb() })
            }
            None if total > MAX_TEXT_BYTES => return Err(UploadError::TextTooLong { field: part.name.clone() }),
            _ => {}
        }
        part.bytes.extend_from_slice(chunk);
        Ok(())
    }

    /// The field `part` is complete. An empty file part is what a form sends
    /// when no file was picked: it is not counted.
    pub fn end(&mut self, part: Part) -> Result<(), UploadError> {
        match part.image {
            Some(i) => {
                if part.bytes.is_empty() {
                    return Ok(());
                }
                let limits = self.limits[i];
                let files = &mut self.form.files[i].1;
                files.push(part.bytes);
                if files.len() > limits.max_files {
                    return Err(UploadError::TooMany { field: limits.field, max: limits.max_files });
                }
            }
            None => {
                let text = String::from_utf8(part.bytes).map_err(|_| unreadable(self.limits))?;
                self.form.texts.push((part.name, text));
            }
        }
        Ok(())
    }

    /// The form is complete: every required image field got a file.
    pub fn finish(self) -> Result<UploadForm, UploadError> {
        for (limits, (_, files)) in self.limits.iter().zip(&self.form.files) {
            if limits.required && files.is_empty() {
                return Err(UploadError::Missing { field: limits.field });
            }
        }
        Ok(self.form)
    }
}

/// Guards an upload server function (`#[middleware(crate::media::upload::RequireMultipart)]`
/// under its `#[server]`): a request that is not a multipart form with a
/// boundary gets 415 here, because server_fn's multipart decoder panics on
/// one, dropping the connection, before [`read_form`] could refuse it.
pub struct RequireMultipart;

type Req = http::Request<axum::body::Body>;
type Res = http::Response<axum::body::Body>;

impl leptos::server_fn::middleware::Layer<Req, Res> for RequireMultipart {
    fn layer(
        &self,
        inner: leptos::server_fn::middleware::BoxedService<Req, Res>,
    ) -> leptos::server_fn::middleware::BoxedService<Req, Res> {
        leptos::server_fn::middleware::BoxedService::new(inner.ser, MultipartOnly(inner))
    }
}

struct MultipartOnly(leptos::server_fn::middleware::BoxedService<Req, Res>);

impl leptos::server_fn::middleware::Service<Req, Res> for MultipartOnly {
    fn run(
        &mut self,
        req: Req,
        _ser: fn(leptos::server_fn::error::ServerFnErrorErr) -> leptos::server_fn::Bytes,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = Res> + Send>> {
        if is_multipart(req.headers()) {
            self.0.run(req)
        } else {
            Box::pin(async { not_multipart() })
        }
    }
}

/// Whether the decoder will find a boundary: the same header reading and the
/// same parser it uses.
pub fn is_multipart(headers: &http::HeaderMap) -> bool {
    headers
        .get(http::header::CONTENT_TYPE)
        .is_some_and(|v| multer::parse_boundary(String::from_utf8_lossy(v.as_bytes())).is_ok())
}

fn not_multipart() -> Res {
    let error = crate::error::AppError::UnsupportedMedia(
        "Send the upload as a multipart form (multipart/form-data), as the page's form does.".into(),
    );
    let body = serde_json::to_string(&error).unwrap_or_else(|_| "\"UnsupportedMedia\"".into());
    http::Response::builder()
        .status(http::StatusCode::UNSUPPORTED_MEDIA_TYPE)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(body))
        .unwrap_or_else(|_| http::Response::new(axum::body::Body::empty()))
}

#[cfg(test)]
mod tests {
    use super::*;

    const IMAGES: ImageLimits = ImageLimits { max_bytes: 100, max_files: 2, ..ImageLimits::post_images("images", 2) };
    const AVATAR: ImageLimits = ImageLimits { max_bytes: 50, ..ImageLimits::profile_image("image") };

    /// A field as the collector sees it: name, declared type, chunks.
    type Fed<'a> = (&'a str, Option<&'a str>, &'a [&'a [u8]]);
    /// A field of a multipart body: name, (file name, type) for a file, bytes.
    type Sent<'a> = (&'a str, Option<(&'a str, &'a str)>, &'a [u8]);

    /// Feeds `fields` through the collector.
    fn collect(limits: &[ImageLimits], fields: &[Fed]) -> Result<UploadForm, UploadError> {
        let mut form = FormCollector::new(limits);
        for (name, content_type, chunks) in fields {
            let mut part = form.start(name, *content_type)?;
            for chunk in *chunks {
                form.push(&mut part, chunk)?;
            }
            form.end(part)?;
        }
        form.finish()
    }

    #[test]
    fn texts_and_files_are_kept_apart() {
        let mut form = collect(
            &[IMAGES],
            &[
                ("body", None, &[b"hello ", b"there"]),
                ("images", Some("image/png"), &[&[1; 60], &[2; 40]]),
                ("images", Some("image/jpeg"), &[&[3; 10]]),
            ],
        )
        .unwrap();
        assert_eq!(form.text("body"), "hello there");
        assert_eq!(form.text("missing"), "");
        let files = form.take_files("images");
        assert_eq!(files.iter().map(Vec::len).collect::<Vec<_>>(), vec![100, 10]);
    }

    #[test]
    fn a_file_over_the_size_limit_is_refused_as_it_streams() {
        let mut form = FormCollector::new(&[AVATAR]);
        let mut part = form.start("image", Some("image/png")).unwrap();
        form.push(&mut part, &[0; 50]).unwrap();
        assert_eq!(form.push(&mut part, &[0; 1]), Err(UploadError::TooLarge { limit_mb: 0 }));
    }

    #[test]
    fn too_many_files_are_refused_naming_the_field() {
        let one: &[&[u8]] = &[b"x"];
        let err = collect(&[IMAGES], &[("images", None, one), ("images", None, one), ("images", None, one)]);
        assert_eq!(err, Err(UploadError::TooMany { field: "images", max: 2 }));
    }

    #[test]
    fn a_declared_non_image_is_refused_but_an_unnamed_type_is_let_through() {
        let bytes: &[&[u8]] = &[b"hello"];
        assert_eq!(collect(&[IMAGES], &[("images", Some("text/plain"), bytes)]), Err(UploadError::WrongType));
        assert!(collect(&[IMAGES], &[("images", Some("application/octet-stream"), bytes)]).is_ok());
        assert!(collect(&[IMAGES], &[("images", Some("IMAGE/WEBP"), bytes)]).is_ok());
        // A text field may be sent with any type: it is read as text.
        assert!(collect(&[IMAGES], &[("body", Some("text/plain"), bytes)]).is_ok());
    }

    #[test]
    fn empty_file_parts_do_not_count_and_a_required_field_needs_a_file() {
        let empty: &[&[u8]] = &[];
        let mut form = collect(&[IMAGES], &[("images", Some("application/octet-stream"), empty)]).unwrap();
        assert!(form.take_files("images").is_empty());
        assert_eq!(
            collect(&[AVATAR], &[("kind", None, &[b"avatar"]), ("image", None, empty)]),
            Err(UploadError::Missing { field: "image" })
        );
    }

    #[test]
    fn long_or_broken_text_is_refused() {
        let long = vec![b'a'; MAX_TEXT_BYTES + 1];
        assert_eq!(
            collect(&[IMAGES], &[("body", None, &[&long])]),
            Err(UploadError::TextTooLong { field: "body".into() })
        );
        assert_eq!(
            collect(&[IMAGES], &[("body", None, &[&[0xff, 0xfe]])]),
            Err(UploadError::Unreadable { field: "images" })
        );
    }

    /// A multipart body as a browser sends it.
    fn body(boundary: &str, parts: &[Sent]) -> Vec<u8> {
        let mut out = Vec::new();
        for (name, file, bytes) in parts {
            out.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
            match file {
                Some((filename, content_type)) => out.extend_from_slice(
                    format!(
                        "Content-Disposition: form-data; name=\"{name}\"; filename=\"{filename}\"\r\nContent-Type: {content_type}\r\n\r\n"
                    )
                    .as_bytes(),
                ),
                None => out.extend_from_slice(format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes()),
            }
            out.extend_from_slice(bytes);
            out.extend_from_slice(b"\r\n");
        }
        out.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        out
    }

    async fn read(body: Vec<u8>, limits: &[ImageLimits]) -> Result<UploadForm, UploadError> {
        let stream = futures_util::stream::iter(
            body.chunks(7)
                .map(|c| Ok::<_, std::io::Error>(leptos::server_fn::Bytes::copy_from_slice(c)))
                .collect::<Vec<_>>(),
        );
        let data = MultipartData::Server(multer::Multipart::new(stream, "XyZ"));
        read_form(data, limits).await
    }

    #[test]
    fn only_a_multipart_form_with_a_boundary_reaches_the_decoder() {
        let with = |ct: &str| {
            let mut headers = http::HeaderMap::new();
            headers.insert(http::header::CONTENT_TYPE, http::HeaderValue::from_str(ct).unwrap());
            is_multipart(&headers)
        };
        assert!(with("multipart/form-data; boundary=XyZ"));
        assert!(with("Multipart/Form-Data; boundary=\"a b\""));
        assert!(!with("multipart/form-data"), "no boundary");
        assert!(!with("application/x-www-form-urlencoded"));
        assert!(!with("text/plain; boundary=XyZ"));
        assert!(!with("multipart/form-data; boundary=a b"), "unquoted space: the parser refuses it");
        assert!(!is_multipart(&http::HeaderMap::new()), "no content type");
    }

    #[tokio::test]
    async fn the_reader_applies_the_limits_to_a_real_multipart_body() {
        let png = [0x89, b'P', b'N', b'G'];
        let mut form =
            read(body("XyZ", &[("kind", None, b"avatar"), ("image", Some(("me.png", "image/png")), &png)]), &[AVATAR])
                .await
                .unwrap();
        assert_eq!(form.text("kind"), "avatar");
        assert_eq!(form.take_file("image"), Some(png.to_vec()));

        let big = vec![7u8; 51];
        let too_big = read(body("XyZ", &[("image", Some(("big.png", "image/png")), &big)]), &[AVATAR]).await;
        assert_eq!(too_big, Err(UploadError::TooLarge { limit_mb: 0 }));
        let text = read(body("XyZ", &[("image", Some(("x.txt", "text/plain")), b"hello")]), &[AVATAR]).await;
        assert_eq!(text, Err(UploadError::WrongType));
        let none = read(body("XyZ", &[("image", Some(("", "application/octet-stream")), b"")]), &[AVATAR]).await;
        assert_eq!(none, Err(UploadError::Missing { field: "image" }));
        let garbage = read(b"not multipart at all".to_vec(), &[AVATAR]).await;
        assert_eq!(garbage, Err(UploadError::Unreadable { field: "image" }));
    }
}

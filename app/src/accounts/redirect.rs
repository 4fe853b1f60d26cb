//! Where a login may send the browser next: a path on this site, decided by
//! parsing it the way a browser would (WHATWG URL rules, through the `url`
//! crate), never by looking at its first characters.

use url::Url;

/// The stand-in origin relative paths are resolved against; `.invalid` can
/// never be a real host, so nothing outside this site can match it.
const BASE: &str = "http://storefeed.invalid/";
const FALLBACK: &str = "/";

/// A same-origin path (with its query and fragment) for `next`, or `/`.
///
/// Refused, not repaired: control characters and whitespace anywhere
/// (browsers silently drop tabs and newlines, so `/\t/evil` would become
/// `//evil`), backslashes (browsers read them as slashes), anything not
/// starting with one `/` (schemes, `//host`), and the same again after
/// percent-decoding (so a page that decodes and redirects again can't be
/// turned either). What is kept is the parser's serialisation: ASCII only,
/// so it always fits in a `Location` header.
pub fn safe_next(next: Option<&str>) -> String {
    next.and_then(same_origin_path).unwrap_or_else(|| FALLBACK.to_string())
}

fn same_origin_path(raw: &str) -> Option<String> {
    if !plain_path(raw) || !plain_path(&percent_decoded(raw)) {
        return None;
    }
    let base = Url::parse(BASE).ok()?;
    let url = base.join(raw).ok()?;
    if url.origin() != base.origin() || url.username() != "" || url.password().is_some() {
        return None;
    }
    let mut out = url.path().to_string();
    if let Some(query) = url.query() {
        out.push('?');
        out.push_str(query);
    }
    if let Some(fragment) = url.fragment() {
        out.push('#');
        out.push_str(fragment);
    }
    // Dot segments collapse while parsing (`/.//evil` is `//evil`): check
    // what the browser will actually be given, too.
    plain_path(&out).then_some(out)
}

/// One leading slash, then nothing a browser would reinterpret.
fn plain_path(s: &str) -> bool {
    s.starts_with('/')
        && !s.starts_with("//")
        && !s.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\' || is_invisible(c))
}

/// Format characters that render as nothing (zero-width spaces and joiners,
/// direction overrides, the byte-order mark): a path never needs them raw.
fn is_invisible(c: char) -> bool {
    matches!(c, '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}')
}

/// `%XX` decoded once (invalid escapes stay as they are); bytes that don't
/// form UTF-8 become U+FFFD, which `plain_path` accepts like any letter.
fn percent_decoded(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' && i + 2 < bytes.len() {
            let hex = |b: u8| (b as char).to_digit(16);
            if let (Some(h), Some(l)) = (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    /// Known open-redirect bypasses (the PayloadsAllTheThings / OWASP lists,
    /// plus what the probe found): every one falls back to `/`.
    const BYPASSES: &[&str] = &[
        "/\t/evil.example",
        "/\n/evil.example",
        "/\r\n/evil.example",
        "\t//evil.example",
        "/\0/evil.example",
        "/\u{7f}/evil.example",
        "/%09/evil.example",
        "/%0a/evil.example",
        "/%0D%0A/evil.example",
        "/%00/evil.example",
        "//evil.example",
        "///evil.example",
        "////evil.example",
        "//evil.example/%2F..",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "/\\/evil.example",
        "/%5cevil.example",
        "/%5C%5Cevil.example",
        "/%2F%2Fevil.example",
        "/%2f/evil.example",
        "/.//evil.example",
        "/./../..//evil.example",
        "https://evil.example",
        "http:evil.example",
        "https:evil.example",
        "https:/evil.example",
        "HTTPS://evil.example",
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "//user@evil.example",
        "@evil.example",
        "evil.example",
        "evil.example/path",
        " //evil.example",
        "/ /evil.example",
        "/\u{3000}/evil.example",
        "/\u{2028}/evil.example",
        "/\u{200B}/evil.example",
        "/\u{202E}elpmaxe.live//",
        "/\u{FEFF}/evil.example",
        "",
        "?next=//evil.example",
        "#//evil.example",
    ];

    #[test]
    fn known_open_redirect_bypasses_fall_back_home() {
        for bad in BYPASSES {
            assert_eq!(safe_next(Some(bad)), "/", "{bad:?} must not be followed");
        }
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn local_paths_with_queries_and_fragments_are_kept() {
        assert_eq!(safe_next(Some("/u/maya")), "/u/maya");
        assert_eq!(safe_next(Some("/u/x?tab=1#c")), "/u/x?tab=1#c");
        assert_eq!(safe_next(Some("/settings/profile")), "/settings/profile");
        assert_eq!(safe_next(Some("/checkout/nairobi_threads")), "/checkout/nairobi_threads");
        assert_eq!(safe_next(Some("/")), "/");
        // `@` and `:` are ordinary path characters once the path is local.
        assert_eq!(safe_next(Some("/u/@maya")), "/u/@maya");
        assert_eq!(safe_next(Some("/tag/a:b")), "/tag/a:b");
    }

    #[test]
    fn kept_paths_are_normalised_to_ascii() {
        // Non-ASCII letters are percent-encoded, so the Location header is always valid.
        assert_eq!(safe_next(Some("/tag/café")), "/tag/caf%C3%A9");
        // A full-width solidus is a letter to the parser, not a slash: it stays on this site.
        assert_eq!(safe_next(Some("/\u{FF0F}evil.example")), "/%EF%BC%8Fevil.example");
        assert_eq!(safe_next(Some("/a/../b")), "/b");
        assert_eq!(safe_next(Some("/%2e%2e/b")), "/b");
    }
}

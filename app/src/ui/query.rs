//! Query values in links the app builds (`?next=`, `?variant=`, a sheet's
//! token): one encoder, so no value can end the parameter it sits in.

/// Percent-encodes `raw` for a query value, byte by byte (non-ASCII text
/// survives as UTF-8): everything but RFC 3986's unreserved characters and
/// `/`, which a query may hold as it is and keeps paths readable.
pub fn encode_query_value(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for b in raw.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(char::from(b)),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::encode_query_value;

    #[test]
    fn separators_and_non_ascii_are_escaped_and_paths_stay_readable() {
        assert_eq!(encode_query_value("/p/7?variant=3&ctx=a.b"), "/p/7%3Fvariant%3D3%26ctx%3Da.b");
        assert_eq!(encode_query_value("a b#c+é"), "a%20b%23c%2B%C3%A9");
        assert_eq!(encode_query_value("Az09-_.~"), "Az09-_.~");
    }
}

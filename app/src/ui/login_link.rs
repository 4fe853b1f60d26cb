//! The address of the login page that brings the user back to where they
//! are; the login page checks `next` again (`accounts::safe_next`) before
//! following it.

/// Pages that are themselves about logging in: a login link there must not
/// return to them.
const ACCOUNT_PAGES: [&str; 6] =
    ["/login", "/register", "/forgot-password", "/reset-password", "/check-email", "/verify-email"];

/// `/login?next=<path and query>`. On the login and sign-up pages the
/// current query (their own `next`) is kept instead; on the other account
/// pages there is nothing to return to.
pub fn login_href(path: &str, search: &str) -> String {
    let search = search.trim_start_matches('?');
    if path == "/login" || path == "/register" {
        return if search.is_empty() { "/login".to_string() } else { format!("/login?{search}") };
    }
    if ACCOUNT_PAGES.contains(&path) || path.is_empty() {
        return "/login".to_string();
    }
    let next = if search.is_empty() { path.to_string() } else { format!("{path}?{search}") };
    format!("/login?next={}", encode_component(&next))
}

/// Percent-encodes all but unreserved characters and `/`, byte by byte, so
/// the whole path and query survive as one query value.
fn encode_component(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => out.push(char::from(byte)),
            other => out.push_str(&format!("%{other:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::login_href;

    #[test]
    fn returns_to_the_page_and_its_query() {
        assert_eq!(login_href("/post/42", ""), "/login?next=/post/42");
        assert_eq!(login_href("/explore", "?q=ada lin&x=1"), "/login?next=/explore%3Fq%3Dada%20lin%26x%3D1");
    }

    #[test]
    fn encodes_non_ascii_as_utf8_bytes() {
        assert_eq!(login_href("/tag/café", ""), "/login?next=/tag/caf%C3%A9");
    }

    #[test]
    fn never_returns_to_an_account_page() {
        assert_eq!(login_href("/login", "?next=/cart"), "/login?next=/cart");
        assert_eq!(login_href("/register", ""), "/login");
        assert_eq!(login_href("/reset-password", "?token=abc"), "/login");
    }
}

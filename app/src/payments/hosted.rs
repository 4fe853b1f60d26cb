//! The round trip through the provider's hosted page, shared by "Add a
//! card" (the wallet) and "Pay" (the checkout): where the page is, how
//! long a trip may take, how many a shopper may start, and what a return
//! address and a token coming back may look like.

/// The built-in test provider's hosted page (served by this server, as a
/// real provider serves its own from its domain).
pub const HOSTED_FIELD_PATH: &str = "/_test-provider/hosted-field";

/// How long a trip to the hosted page may take before its `state` expires.
pub const RETURN_TTL_MINUTES: i64 = 30;

/// Trips a shopper may start in an hour: enough for typos, not for testing
/// stolen cards against the provider through us.
pub const STARTS_PER_HOUR: i64 = 20;

/// Only a path on the merchant's own site, and a plain `state`: the hosted
/// page is not an open redirect, and nothing typed into an address reaches
/// its markup unchecked.
pub fn valid_return(return_to: &str, state: &str) -> bool {
    return_to.starts_with('/')
        && !return_to.starts_with("//")
        && return_to.len() <= 200
        && return_to.bytes().all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b))
        && !state.is_empty()
        && state.len() <= 64
        && state.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

/// Whether a token coming back in an address is worth asking the provider
/// about (it still decides whether the token is real).
pub fn plausible_token(token: &str) -> bool {
    !token.is_empty() && token.len() <= 200 && token.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_path_on_the_merchants_site_is_a_return() {
        assert!(valid_return("/api/wallet/card-added", "0123abcd"));
        for bad in ["https://evil.example/", "//evil.example/x", "/x?y=<script>", "/a\\b", "", "relative"] {
            assert!(!valid_return(bad, "s"), "{bad}");
        }
        assert!(!valid_return("/ok", ""));
        assert!(!valid_return("/ok", "a\"b"));
        assert!(!valid_return("/ok", &"a".repeat(65)));
    }

    #[test]
    fn a_token_is_checked_for_shape_before_the_provider_is_asked() {
        assert!(plausible_token("pm_abcDEF123"));
        for bad in ["", "pm_<script>", "pm abc", "pm_%00"] {
            assert!(!plausible_token(bad), "{bad}");
        }
        assert!(!plausible_token(&"a".repeat(201)));
    }
}

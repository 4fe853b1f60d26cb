//! Coming back to where you were: every link to log in or sign up carries
//! `?next=<the current path and query>`, and log-in, sign-up, the "check
//! your email" page and email verification pass it on until the user lands
//! there again. The server decides whether a `next` may be followed
//! (`redirect::safe_next`); these helpers only build the links, so any page
//! (the header, a "log in to follow" button) makes them the same way.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::ui::encode_query_value;

/// Pages a user should not be sent back to after logging in: the account
/// pages themselves (a `next` there would loop).
const AUTH_PAGES: &[&str] =
    &["/login", "/register", "/check-email", "/verify-email", "/forgot-password", "/reset-password"];

/// `/login?next=<current>`: the log-in link for a page at `current`
/// (path and query, as [`current_path`] gives it).
pub fn login_href(current: &str) -> String {
    with_next("/login", current)
}

/// `/register?next=<current>`: the sign-up link for a page at `current`.
pub fn register_href(current: &str) -> String {
    with_next("/register", current)
}

/// `page` with `next` in its query, unless there is nowhere worth
/// returning to (the home page, or an account page).
pub fn with_next(page: &str, next: &str) -> String {
    let path = next.split(['?', '#']).next().unwrap_or_default();
    if !next.starts_with('/') || next == "/" || AUTH_PAGES.contains(&path) {
        return page.to_string();
    }
    format!("{page}?next={}", encode_query_value(next))
}

/// The current page's path and query (`/p/123?variant=4`), tracked.
pub fn current_path() -> Signal<String> {
    let location = use_location();
    Signal::derive(move || {
        let (path, search) = (location.pathname.get(), location.search.get());
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_carry_the_page_and_its_query() {
        assert_eq!(login_href("/p/7?variant=3&ctx=a.b"), "/login?next=/p/7%3Fvariant%3D3%26ctx%3Da.b");
        assert_eq!(register_href("/checkout/maker_shop"), "/register?next=/checkout/maker_shop");
        assert_eq!(login_href("/tag/café"), "/login?next=/tag/caf%C3%A9");
    }

    #[test]
    fn nowhere_worth_returning_to_means_no_next() {
        assert_eq!(login_href("/"), "/login");
        assert_eq!(login_href(""), "/login");
        assert_eq!(login_href("/login?next=/x"), "/login");
        assert_eq!(register_href("/verify-email?token=abc"), "/register");
        assert_eq!(login_href("https://evil.example/"), "/login");
    }
}

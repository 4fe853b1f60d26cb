//! The error a plain form post (before or without the WASM client) left in
//! the address bar. server_fn answers such a post that failed with a
//! redirect back to the form carrying `?__path=<server fn>&__err=<base64>`;
//! `ServerAction::new` reads it from there during the render, so the form
//! shows the message. Once the page has hydrated, the pair is taken out of
//! the address, so a reload, a bookmark or a shared link doesn't show an
//! old error again.

use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;

/// The query keys server_fn writes for a failed plain form post.
const FORM_ERROR_KEYS: [&str; 2] = ["__path", "__err"];

/// `path_and_query` (with an optional `#fragment`) without the form-error
/// pairs, or `None` when it has none.
pub fn without_form_error(path_and_query: &str) -> Option<String> {
    let (rest, fragment) = match path_and_query.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (path_and_query, None),
    };
    let (path, query) = rest.split_once('?')?;
    let is_form_error = |pair: &&str| FORM_ERROR_KEYS.contains(&pair.split('=').next().unwrap_or(""));
    if !query.split('&').any(|pair| is_form_error(&pair)) {
        return None;
    }
    let kept: Vec<&str> = query.split('&').filter(|pair| !pair.is_empty() && !is_form_error(pair)).collect();
    let mut clean = path.to_string();
    if !kept.is_empty() {
        clean.push('?');
        clean.push_str(&kept.join("&"));
    }
    if let Some(fragment) = fragment {
        clean.push('#');
        clean.push_str(fragment);
    }
    Some(clean)
}

/// Takes a form error out of the address bar once the whole page has
/// hydrated (`ui::hydration`: by then every form on it has read it).
/// The router's own navigation replaces the entry, so its idea of the URL
/// stays the browser's. Place it inside `<Router>`, beside `<Routes>`.
#[component]
pub fn ForgetFormErrorInUrl() -> impl IntoView {
    let location = use_location();
    let navigate = use_navigate();
    // The owner `<Routes>` gives the URL's error to: the same as this one's
    // when both are children of `<Router>`.
    let owner = Owner::current();
    Effect::new(move |_| {
        // A split route's view renders (and reads the error) only once its
        // chunk has arrived: wait for the whole page, then clean up.
        if !crate::ui::hydration::is_finished() {
            return;
        }
        let (search, hash) = (location.search.get_untracked(), location.hash.get_untracked());
        let (search, hash) = (search.trim_start_matches('?'), hash.trim_start_matches('#'));
        let mut here = format!("{}?{search}", location.pathname.get_untracked());
        if !hash.is_empty() {
            here.push('#');
            here.push_str(hash);
        }
        if let Some(clean) = without_form_error(&here) {
            // The router keeps the error it read for the rest of the visit: a
            // form for the same server function on the next page would show
            // it again. The forms on this page already hold it.
            if let Some(owner) = &owner {
                owner.with(|| provide_context(ServerActionError::new("", "")));
            }
            navigate(&clean, NavigateOptions { replace: true, scroll: false, ..Default::default() });
        }
    });
}

#[cfg(test)]
mod tests {
    use super::without_form_error;

    #[test]
    fn the_error_pair_leaves_and_everything_else_stays() {
        assert_eq!(without_form_error("/login?__path=%2Fapi%2Flogin&__err=eyJ4Ijp9").as_deref(), Some("/login"),);
        assert_eq!(
            without_form_error("/p/1?ctx=abc&__path=%2Fapi%2Fcart%2Fadd&__err=e30%3D&src=search#reviews").as_deref(),
            Some("/p/1?ctx=abc&src=search#reviews"),
        );
        // Two failed posts in a row leave two pairs; both go.
        assert_eq!(without_form_error("/?__path=a&__err=b&__path=a&__err=c").as_deref(), Some("/"));
    }

    #[test]
    fn a_clean_address_is_left_alone() {
        assert_eq!(without_form_error("/login"), None);
        assert_eq!(without_form_error("/feed?cursor=abc"), None);
        assert_eq!(without_form_error("/x?__pathology=1"), None, "only the exact keys");
        assert_eq!(without_form_error("/x#?__err=1"), None, "a fragment is not a query");
    }
}

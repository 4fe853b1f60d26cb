//! Text for the two places Leptos 0.8 writes raw during server rendering:
//! the children of `<textarea>` (tachys) and the `<title>` (leptos_meta).
//! Escaped there, so a `</textarea>` or `</title>` someone typed cannot end
//! the element; unchanged in the browser, which sets both as plain text.

pub fn raw_text_safe(text: String) -> String {
    if cfg!(feature = "ssr") {
        text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
    } else {
        text
    }
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    #[test]
    fn raw_text_is_escaped_on_the_server() {
        assert_eq!(super::raw_text_safe("a </textarea><b>&".into()), "a &lt;/textarea&gt;&lt;b&gt;&amp;");
    }
}

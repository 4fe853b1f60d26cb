//! The mail an end-to-end test is waiting for: the newest outbox mail to an
//! address, read straight from `mail_outbox` (so a test need not wait for
//! the sending job). Test deployments only, like the rest of the controls:
//! refused with 403 unless `STOREFEED_TEST_CONTROLS` is on.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

use crate::error::AppError;

/// A mail as a test reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestMail {
    pub kind: String,
    pub subject: String,
    pub text: String,
    /// The first link in the mail, made relative to this site (the path
    /// and query), so a test can open it on whatever address it runs at.
    pub link: Option<String>,
}

/// The newest mail to `to` (of `kind`, if not empty), or `None`.
#[server(prefix = "/api", endpoint = "test/mail")]
pub async fn latest_test_mail(to: String, kind: Option<String>) -> Result<Option<TestMail>, AppError> {
    let state = crate::state::app_state()?;
    if !state.config.test_controls {
        tracing::warn!("refused to read mail: STOREFEED_TEST_CONTROLS is off");
        return Err(AppError::Forbidden);
    }
    let kind = kind.filter(|k| !k.trim().is_empty());
    let mail = crate::mail::latest_to(&state.pool, &to, kind.as_deref()).await?;
    Ok(mail.map(|m| TestMail {
        link: first_link(&m.text, &state.config.public_url),
        kind: m.kind,
        subject: m.subject,
        text: m.text,
    }))
}

/// The first `public_url` link in `text`, as a path.
#[cfg(feature = "ssr")]
fn first_link(text: &str, public_url: &str) -> Option<String> {
    let start = text.find(public_url)? + public_url.len();
    let rest = &text[start..];
    let end = rest.find(|c: char| c.is_whitespace()).unwrap_or(rest.len());
    Some(rest[..end].trim_end_matches(['.', ',']).to_string()).filter(|path| path.starts_with('/'))
}

#[cfg(all(test, feature = "ssr"))]
mod tests {
    use super::first_link;

    #[test]
    fn the_link_is_cut_out_of_the_text_as_a_path() {
        let text = "Hi.\n\nhttps://shop.example/reset-password?token=abc_-1\n\nBye.";
        assert_eq!(first_link(text, "https://shop.example").as_deref(), Some("/reset-password?token=abc_-1"));
        assert_eq!(
            first_link("Log in at https://shop.example/login, or…", "https://shop.example").as_deref(),
            Some("/login")
        );
        assert_eq!(first_link("no links", "https://shop.example"), None);
    }
}

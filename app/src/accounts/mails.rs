//! The mail accounts send, in plain text and HTML. Every link is built on
//! the configured public URL (`AppConfig::public_url`), never on the
//! request's `Host` header, so a forged header can't aim a reset link at
//! another site.

use crate::mail::{escape_html, Mail};

fn html(paragraphs: &[String], link: Option<(&str, &str)>) -> String {
    let mut out = String::from("<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">");
    for p in paragraphs {
        out.push_str("<p>");
        out.push_str(&escape_html(p));
        out.push_str("</p>");
    }
    if let Some((label, href)) = link {
        out.push_str(&format!("<p><a href=\"{}\">{}</a></p>", escape_html(href), escape_html(label)));
    }
    out.push_str("</body></html>");
    out
}

/// Sent at registration: the link that proves the address is theirs.
pub fn verify_email(to: &str, username: &str, link: &str) -> Mail {
    let lines = vec![
        format!("Hi @{username}, welcome to Storefeed."),
        "Confirm that this is your email address with the link below. It works once, for 48 hours.".to_string(),
        "If you didn't create a Storefeed account, ignore this mail: nothing happens without the link.".to_string(),
    ];
    Mail {
        to: to.into(),
        subject: "Confirm your email for Storefeed".into(),
        text: format!("{}\n\n{}\n\n{link}\n\n{}", lines[0], lines[1], lines[2]),
        html: html(&lines, Some(("Confirm my email", link))),
        kind: "verify_email",
    }
}

/// Sent instead when someone registers with an address that already has an
/// account: the page said the same thing either way, the mail says the rest.
pub fn already_registered(to: &str, username: &str, login_link: &str, reset_link: &str) -> Mail {
    let lines = vec![
        "Someone tried to create a Storefeed account with this email address, which already has one.".to_string(),
        format!("If it was you: your username is @{username}. Log in at {login_link}, or set a new password at {reset_link}."),
        "If it wasn't you, you can ignore this mail: nothing was changed.".to_string(),
    ];
    Mail {
        to: to.into(),
        subject: "Someone tried to register with your address".into(),
        text: lines.join("\n\n"),
        html: html(&lines, Some(("Log in to Storefeed", login_link))),
        kind: "register_existing",
    }
}

/// The password reset link.
pub fn password_reset(to: &str, username: &str, link: &str) -> Mail {
    let lines = vec![
        format!("Someone asked to reset the password of @{username} on Storefeed."),
        "Choose a new password with the link below. It works once, for one hour, and signs you out everywhere else."
            .to_string(),
        "If you didn't ask, ignore this mail: your password stays as it is.".to_string(),
    ];
    Mail {
        to: to.into(),
        subject: "Reset your Storefeed password".into(),
        text: format!("{}\n\n{}\n\n{link}\n\n{}", lines[0], lines[1], lines[2]),
        html: html(&lines, Some(("Choose a new password", link))),
        kind: "password_reset",
    }
}

/// After a reset: if it wasn't them, they learn at once.
pub fn password_changed(to: &str, username: &str, reset_page: &str) -> Mail {
    let lines = vec![
        format!("The password of @{username} on Storefeed was just changed, and every session was signed out."),
        format!("If that wasn't you, reset it again now at {reset_page}."),
    ];
    Mail {
        to: to.into(),
        subject: "Your Storefeed password was changed".into(),
        text: lines.join("\n\n"),
        html: html(&lines, None),
        kind: "password_changed",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_in_mail_are_escaped_and_links_kept_whole() {
        let m = verify_email("a@example.test", "<b>x</b>", "https://shop.example/verify-email?token=abc&x=1");
        assert!(m.text.contains("https://shop.example/verify-email?token=abc&x=1"));
        assert!(m.html.contains("&lt;b&gt;x&lt;/b&gt;"));
        assert!(m.html.contains("href=\"https://shop.example/verify-email?token=abc&amp;x=1\""));
        assert_eq!(m.kind, "verify_email");
    }
}

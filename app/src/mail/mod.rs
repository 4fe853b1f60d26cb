//! Outgoing mail. Nothing in the app talks to a mail server while serving
//! a request: an action that mails someone (a registration, a password
//! reset) writes the mail to the `mail_outbox` table in its own
//! transaction ([`enqueue`]), so the mail exists exactly when the action
//! committed, and a background job ([`drain`], run by the server every few
//! seconds) hands unsent mail to the configured [`Mailer`] and stamps it
//! sent. A mail that fails stays unsent and is tried again next round.
//!
//! - **Senders.** [`Mailer`] is the one interface a transport implements.
//!   The shipped default is [`FileMailer`]: each mail becomes a file in
//!   `STOREFEED_MAIL_DIR` (`data/mail`) holding the real multipart message
//!   ([`message::build`], made with `lettre`), with a log line naming the
//!   recipient and subject (not the body: it may hold a sign-in link).
//!   A self-hosted instance reads its mail there until an SMTP or API
//!   sender is added behind the same trait.
//! - **Writing mail.** Build a [`Mail`] (subject, plain text, HTML; escape
//!   anything a user typed with [`escape_html`]) and call [`enqueue`] with
//!   the action's transaction. `kind` names what the mail is for;
//!   [`sent_recently`] lets an action refuse to send the same kind to the
//!   same address again too soon (so a form can't be used to flood an inbox).
//! - **Secrets.** Links in mail carry single-use tokens whose hashes only
//!   are stored by their owner; the outbox keeps the body until
//!   [`purge_sent`] removes sent mail two days on, longer than any link lives.
//! - **Tests** read mail from the outbox ([`latest_to`]); end-to-end tests
//!   through the test controls (`/api/test/mail`).

pub mod message;
mod outbox;
mod sender;

pub use message::sender_for;
pub use outbox::{drain, enqueue, latest_to, purge_sent, sent_recently, QueuedMail};
pub use sender::{FileMailer, MailError, Mailer};

/// One mail to write to the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub text: String,
    pub html: String,
    /// What it is for (`[a-z_]`), e.g. `verify_email`.
    pub kind: &'static str,
}

/// `text` safe to place in HTML element content or a quoted attribute.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape_html;

    #[test]
    fn user_text_cannot_become_markup_in_a_mail() {
        assert_eq!(escape_html(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
        assert_eq!(escape_html("Maya Lin"), "Maya Lin");
    }
}

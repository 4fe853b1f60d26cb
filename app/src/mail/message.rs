//! Outgoing mail as the RFC 5322 message a transport sends: headers and a
//! multipart/alternative body (the plain text, then the HTML), built by
//! `lettre`. The shipped file sender writes exactly this, and an SMTP
//! sender added later hands the same message to lettre's transport.

use std::time::SystemTime;

use lettre::message::header::{Header, HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use lettre::Message;

use super::{MailError, QueuedMail};

/// The address mail says it comes from: `Storefeed <no-reply@HOST>`, HOST
/// being the public URL's (`localhost` if it has none a mail address takes).
pub fn sender_for(public_url: &str) -> Mailbox {
    let host = url::Url::parse(public_url).ok().and_then(|u| u.host_str().map(str::to_string));
    host.and_then(|h| format!("Storefeed <no-reply@{h}>").parse().ok())
        .unwrap_or_else(|| "Storefeed <no-reply@localhost>".parse().expect("a valid fixed address"))
}

/// `X-Storefeed-Kind`: what the mail is for, so a reader of the mail
/// directory (or a filter) can tell a digest from a password reset.
#[derive(Debug, Clone, PartialEq, Eq)]
struct StorefeedKind(String);

impl Header for StorefeedKind {
    fn name() -> HeaderName {
        HeaderName::new_from_ascii_str("X-Storefeed-Kind")
    }

    fn parse(raw: &str) -> Result<Self, Box<dyn std::error::Error + Send + Sync>> {
        Ok(StorefeedKind(raw.to_string()))
    }

    fn display(&self) -> HeaderValue {
        HeaderValue::new(Self::name(), self.0.clone())
    }
}

/// `mail` as a message from `from`. Its `Message-ID` is named by the
/// outbox id, so a mail sent twice (a crash between sending and stamping)
/// is the same message to the receiving side.
pub fn build(mail: &QueuedMail, from: &Mailbox) -> Result<Message, MailError> {
    let to: Mailbox = mail.to.parse().map_err(|e| MailError(format!("recipient {:?}: {e}", mail.to)))?;
    Message::builder()
        .from(from.clone())
        .to(to)
        .subject(mail.subject.clone())
        .date(SystemTime::from(mail.created_at))
        .message_id(Some(format!("<mail-{}@{}>", mail.id, from.email.domain())))
        .header(StorefeedKind(mail.kind.clone()))
        .multipart(MultiPart::alternative_plain_html(mail.text.clone(), mail.html.clone()))
        .map_err(|e| MailError(format!("building the message: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn queued(to: &str) -> QueuedMail {
        QueuedMail {
            id: 42,
            to: to.into(),
            subject: "Your Storefeed digest: 2 new notifications".into(),
            text: "Hello\n\nhttps://shop.example/notifications".into(),
            html: "<p>Hello</p>".into(),
            kind: "digest".into(),
            created_at: chrono::Utc.with_ymd_and_hms(2026, 12, 6, 9, 30, 0).unwrap(),
            sent_at: None,
        }
    }

    #[test]
    fn a_mail_becomes_a_multipart_alternative_message_with_both_bodies() {
        let from = sender_for("https://shop.example");
        let raw = String::from_utf8(build(&queued("ann@example.test"), &from).unwrap().formatted()).unwrap();
        for header in [
            "From: Storefeed <no-reply@shop.example>",
            "To: ann@example.test",
            "Subject: Your Storefeed digest: 2 new notifications",
            "Date: Sun, 06 Dec 2026 09:30:00 +0000",
            "Message-ID: <mail-42@shop.example>",
            "X-Storefeed-Kind: digest",
            "MIME-Version: 1.0",
            "Content-Type: multipart/alternative",
        ] {
            assert!(raw.contains(header), "{header} missing in:\n{raw}");
        }
        let text = raw.find("Content-Type: text/plain").expect("a text part");
        let html = raw.find("Content-Type: text/html").expect("an HTML part");
        assert!(text < html, "plain text first: readers show the last part they understand");
        assert!(raw.contains("https://shop.example/notifications") && raw.contains("<p>Hello</p>"), "{raw}");
    }

    #[test]
    fn a_bad_recipient_is_a_send_error_not_a_panic() {
        let err = build(&queued("not an address"), &sender_for("https://shop.example")).unwrap_err();
        assert!(err.0.contains("recipient"), "{err}");
    }

    #[test]
    fn the_sender_follows_the_public_url_host() {
        assert_eq!(sender_for("http://127.0.0.1:3000").email.to_string(), "no-reply@127.0.0.1");
        assert_eq!(sender_for("not a url").email.to_string(), "no-reply@localhost");
    }
}

//! The digest mail's words: a subject that counts, the notifications as
//! the inbox words them (`text::sentence`), each with an absolute link, and
//! the ways to the inbox and to switching the digest off. Everything a user
//! wrote (names, quoted comments) is escaped in the HTML body.

use crate::mail::{escape_html, Mail};
use crate::notifications::NotificationView;

/// Notifications listed in one digest; the rest are counted.
pub const SHOWN: usize = 20;
/// The outbox kind of a digest mail.
pub const KIND: &str = "digest";

/// Who a digest is for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recipient {
    pub username: String,
    pub email: String,
}

/// The digest of `items` (newest first) for `user`, its links built on
/// `public_url` (the configured one, never a request's `Host`).
pub fn render(user: &Recipient, items: &[NotificationView], public_url: &str) -> Mail {
    let base = public_url.trim_end_matches('/');
    let total = items.len();
    let shown: Vec<(String, String)> =
        items.iter().take(SHOWN).map(|n| (n.sentence(), format!("{base}{}", n.href))).collect();
    let more = total.saturating_sub(SHOWN);
    let inbox = format!("{base}/notifications");
    let settings = format!("{base}/settings/notifications");
    let greeting = format!("Hi @{}, here is what happened on Storefeed in the last 24 hours.", user.username);
    let more_line = (more > 0).then(|| format!("…and {more} more."));
    let why = "You get this digest once a day while you have unread notifications.";

    let mut text = format!("{greeting}\n\n");
    for (sentence, link) in &shown {
        text.push_str(&format!("- {sentence}\n  {link}\n"));
    }
    if let Some(line) = &more_line {
        text.push_str(&format!("\n{line}\n"));
    }
    text.push_str(&format!("\nSee all your notifications: {inbox}\n\n{why} Switch it off: {settings}\n"));

    let mut html = String::from("<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">");
    html.push_str(&format!("<p>{}</p><ul>", escape_html(&greeting)));
    for (sentence, link) in &shown {
        html.push_str(&format!("<li><a href=\"{}\">{}</a></li>", escape_html(link), escape_html(sentence)));
    }
    html.push_str("</ul>");
    if let Some(line) = &more_line {
        html.push_str(&format!("<p>{}</p>", escape_html(line)));
    }
    html.push_str(&format!(
        "<p><a href=\"{}\">See all your notifications</a></p><p style=\"color:#78716c;font-size:0.875em\">{} <a href=\"{}\">Switch it off</a>.</p></body></html>",
        escape_html(&inbox),
        escape_html(why),
        escape_html(&settings)
    ));

    Mail { to: user.email.clone(), subject: subject(total), text, html, kind: KIND }
}

/// "Your Storefeed digest: 12 new notifications" (or "1 new notification").
pub fn subject(count: usize) -> String {
    let noun = if count == 1 { "notification" } else { "notifications" };
    format!("Your Storefeed digest: {count} new {noun}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notifications::Kind;
    use chrono::TimeZone;
    use uuid::Uuid;

    fn ann() -> Recipient {
        Recipient { username: "ann".into(), email: "ann@example.test".into() }
    }

    fn item(kind: Kind, actor: &str, preview: Option<&str>, href: &str) -> NotificationView {
        NotificationView {
            id: Uuid::new_v4(),
            kind,
            actors: vec![actor.to_string()],
            actor_count: 1,
            preview: preview.map(str::to_string),
            href: href.into(),
            updated_at: chrono::Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap(),
            read: false,
            avatar_url: None,
        }
    }

    #[test]
    fn the_subject_counts_in_the_right_number() {
        assert_eq!(subject(1), "Your Storefeed digest: 1 new notification");
        assert_eq!(subject(12), "Your Storefeed digest: 12 new notifications");
    }

    #[test]
    fn each_notification_reads_as_in_the_inbox_with_an_absolute_link() {
        let items = [
            item(Kind::CommentPost, "bodi", Some("love it"), "/post/p1#comment-c1"),
            item(Kind::LikePost, "cyra", None, "/post/p1"),
        ];
        let mail = render(&ann(), &items, "https://shop.example/");
        assert_eq!((mail.to.as_str(), mail.kind), ("ann@example.test", "digest"));
        assert_eq!(mail.subject, "Your Storefeed digest: 2 new notifications");
        assert!(mail
            .text
            .contains("- @bodi commented on your post: “love it”\n  https://shop.example/post/p1#comment-c1\n"));
        assert!(mail.text.contains("- @cyra liked your post\n  https://shop.example/post/p1\n"));
        assert!(mail.text.contains("https://shop.example/notifications"));
        assert!(mail.text.contains("Switch it off: https://shop.example/settings/notifications"));
        assert!(mail.html.contains("<a href=\"https://shop.example/post/p1\">@cyra liked your post</a>"));
        assert!(mail.html.contains("href=\"https://shop.example/settings/notifications\""));
        assert!(!mail.text.contains("more."), "nothing hidden: {}", mail.text);
    }

    #[test]
    fn what_users_wrote_is_text_in_the_html_body() {
        let items = [item(Kind::CommentPost, "eve", Some("<img src=x onerror=alert(1)> & \"hi\""), "/post/p?a=1&b=2")];
        let mail = render(&ann(), &items, "https://shop.example");
        assert!(mail.html.contains("&lt;img src=x onerror=alert(1)&gt; &amp; &quot;hi&quot;"), "{}", mail.html);
        assert!(!mail.html.contains("<img"), "{}", mail.html);
        assert!(mail.html.contains("href=\"https://shop.example/post/p?a=1&amp;b=2\""));
        assert!(mail.text.contains("“<img src=x onerror=alert(1)> & \"hi\"”"), "the text body keeps it as written");
    }

    #[test]
    fn past_twenty_the_rest_are_counted_not_listed() {
        let items: Vec<NotificationView> =
            (0..23).map(|i| item(Kind::Follow, &format!("fan{i}"), None, &format!("/u/fan{i}"))).collect();
        let mail = render(&ann(), &items, "https://shop.example");
        assert_eq!(mail.subject, "Your Storefeed digest: 23 new notifications");
        assert_eq!(mail.text.matches("\n- ").count(), SHOWN);
        assert_eq!(mail.html.matches("<li>").count(), SHOWN);
        assert!(mail.text.contains("@fan19 started following you") && !mail.text.contains("@fan20 "));
        assert!(mail.text.contains("…and 3 more."));
        assert!(mail.html.contains("<p>…and 3 more.</p>"));
    }
}

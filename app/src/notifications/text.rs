//! What a notification says, in one place for the inbox and the email
//! digest. Plain text: pages put it in text nodes and the digest escapes
//! it for HTML, so nothing a user wrote is ever markup.

use super::Kind;

/// Actors named before "and N others".
pub const NAMED: usize = 2;
/// Characters of a comment or quote shown in the sentence.
pub const PREVIEW_CHARS: usize = 80;

/// "@alice", "@alice and @bob", "@alice, @bob and 10 others".
pub fn actors(names: &[String], count: i32) -> String {
    let count = usize::try_from(count).unwrap_or(0).max(names.len());
    let shown: Vec<String> = names.iter().take(NAMED).map(|n| format!("@{n}")).collect();
    let others = count.saturating_sub(shown.len());
    match (shown.as_slice(), others) {
        ([], _) => "Someone".into(),
        ([one], 0) => one.clone(),
        ([a, b], 0) => format!("{a} and {b}"),
        (named, 1) if names.len() > named.len() => format!("{} and @{}", named.join(", "), names[named.len()]),
        (named, n) => format!("{} and {n} {}", named.join(", "), if n == 1 { "other" } else { "others" }),
    }
}

/// A quote of what was written, cut at a word near `PREVIEW_CHARS`.
pub fn preview(text: &str) -> String {
    let flat: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= PREVIEW_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(PREVIEW_CHARS).collect();
    let at = cut.rfind(' ').filter(|&i| i > PREVIEW_CHARS / 2).unwrap_or(cut.len());
    format!("{}…", &cut[..at])
}

/// " #1042", or nothing when the order's number is not known.
fn order(number: Option<&str>) -> String {
    number.map(|n| format!(" {n}")).unwrap_or_default()
}

/// The whole sentence, e.g. "@alice and 10 others liked your post".
pub fn sentence(kind: Kind, names: &[String], count: i32, preview: Option<&str>) -> String {
    let who = actors(names, count);
    let quoted = |s: &str| preview.map(|p| format!("{s}: “{p}”")).unwrap_or_else(|| s.to_string());
    let thing = preview.unwrap_or("your product");
    match kind {
        Kind::Follow => format!("{who} started following you"),
        Kind::FollowRequest => format!("{who} asked to follow you"),
        Kind::FollowApproved => format!("{who} approved your follow request"),
        Kind::LikePost => format!("{who} liked your post"),
        Kind::LikeComment => format!("{who} liked your comment"),
        Kind::CommentPost => format!("{who} {}", quoted("commented on your post")),
        Kind::ReplyComment => format!("{who} {}", quoted("replied to your comment")),
        Kind::MentionPost => format!("{who} mentioned you in a post"),
        Kind::MentionComment => format!("{who} {}", quoted("mentioned you in a comment")),
        Kind::TagImage => format!("{who} tagged you in an image"),
        Kind::Repost => format!("{who} reposted your post"),
        Kind::Quote => format!("{who} {}", quoted("quoted your post")),
        Kind::CollabInvite => format!("{who} invited you to collaborate on a post"),
        Kind::CollabAccepted => format!("{who} accepted your collaboration invite"),
        Kind::CollabDeclined => format!("{who} declined your collaboration invite"),
        Kind::CollabEdited => format!("{who} edited your collaborative post"),
        Kind::ProductTagged => format!("{who} tagged {thing} in a post"),
        Kind::ShopTagged => format!("{who} tagged your shop in a post"),
        Kind::ProductPostLike => format!("{who} liked a post featuring {thing}"),
        Kind::TaggedPostSold => format!("{who} bought {thing} through a post"),
        Kind::NewOrder => format!("New order{}", order(preview)),
        Kind::OrderPaid => format!("Payment received for order{}", order(preview)),
        Kind::OrderShipped => match preview {
            Some(p) => format!("Your order shipped: {p}"),
            None => "Your order shipped".into(),
        },
        Kind::OrderDelivered => format!("Your order{} was delivered", order(preview)),
        Kind::OrderRefunded => format!("Your order{} was refunded", order(preview)),
        Kind::OrderCancelled => format!("Your order{} was cancelled", order(preview)),
        Kind::GroupJoined => format!("{who} joined your buy-together group for {}", preview.unwrap_or("a product")),
        Kind::GroupFilled => format!("Your buy-together group for {} is full", preview.unwrap_or("a product")),
        Kind::GroupFailed => {
            format!(
                "Your buy-together group for {} expired before it filled; nothing was charged",
                preview.unwrap_or("a product")
            )
        }
        Kind::InstalmentDue => match preview {
            Some(p) => format!("An instalment is coming due: {p}"),
            None => "An instalment is coming due".into(),
        },
        Kind::InstalmentFailed => match preview {
            Some(p) => format!("An instalment payment failed: {p}"),
            None => "An instalment payment failed".into(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn actors_name_two_then_count_the_rest() {
        assert_eq!(actors(&names(&["alice"]), 1), "@alice");
        assert_eq!(actors(&names(&["alice", "bob"]), 2), "@alice and @bob");
        assert_eq!(actors(&names(&["alice", "bob", "carol"]), 3), "@alice, @bob and @carol");
        assert_eq!(actors(&names(&["alice", "bob", "carol"]), 12), "@alice, @bob and 10 others");
        assert_eq!(actors(&names(&["alice", "bob"]), 3), "@alice, @bob and 1 other");
        assert_eq!(actors(&[], 0), "Someone");
    }

    #[test]
    fn sentences_read_as_the_seed_templates() {
        let s = sentence(Kind::LikePost, &names(&["alice", "bob", "carol"]), 12, None);
        assert_eq!(s, "@alice, @bob and 10 others liked your post");
        let c = sentence(Kind::CommentPost, &names(&["dan"]), 1, Some("love it"));
        assert_eq!(c, "@dan commented on your post: “love it”");
        assert_eq!(sentence(Kind::OrderShipped, &[], 0, Some("1Z999 via UPS")), "Your order shipped: 1Z999 via UPS");
        assert_eq!(sentence(Kind::OrderRefunded, &[], 0, None), "Your order was refunded");
    }

    #[test]
    fn markup_stays_text() {
        let s = sentence(Kind::CommentPost, &names(&["eve"]), 1, Some("<script>alert(1)</script>"));
        assert!(s.contains("<script>"), "kept as written; pages render it as text");
    }

    #[test]
    fn previews_are_flattened_and_cut_at_a_word() {
        assert_eq!(preview("  two\nlines  "), "two lines");
        let long = "word ".repeat(40);
        let cut = preview(&long);
        assert!(cut.ends_with('…'));
        assert!(cut.chars().count() <= PREVIEW_CHARS + 1);
        assert!(!cut.contains("wo…"), "cut between words: {cut}");
    }
}

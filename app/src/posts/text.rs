//! A post's text as the reader sees it: `@user`, `$shop` and `#hashtag`
//! become links when they name something that exists; everything else stays
//! plain text (never HTML, so `<script>` or `javascript:` is harmless).

use serde::{Deserialize, Serialize};

/// A reference found in the text, before the server knows whether it exists.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Mention {
    User(String),
    Shop(String),
    Hashtag(String),
}

/// One piece of a post's text, ready to render.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Segment {
    Text(String),
    /// A link to a user (`@name`), shop (`$handle`) or hashtag (`#tag`): the
    /// text as written and where it goes.
    Link {
        text: String,
        href: String,
    },
}

const NAME_MAX: usize = 30;
const HASHTAG_MAX: usize = 50;

/// A piece of the raw text: plain, or a candidate reference.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece<'a> {
    Plain(&'a str),
    Ref { raw: &'a str, mention: Mention },
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

/// Splits text into plain pieces and candidate references. A sigil counts
/// only at the start or after a character that cannot be part of a word, so
/// `ana@example.com` and `US$20` stay text.
fn pieces(body: &str) -> Vec<Piece<'_>> {
    let mut out = Vec::new();
    let mut plain_start = 0;
    let mut prev: Option<char> = None;
    let mut iter = body.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        let boundary = prev.is_none_or(|p| !(is_name_char(p) || p == '@' || p == '$' || p == '#' || p == '&'));
        prev = Some(c);
        if !boundary || !matches!(c, '@' | '$' | '#') {
            continue;
        }
        let rest = &body[i + 1..];
        let len = rest.find(|ch: char| !is_name_char(ch)).unwrap_or(rest.len());
        let name = &rest[..len];
        let mention = match c {
            '@' if (3..=NAME_MAX).contains(&len) => Some(Mention::User(name.to_lowercase())),
            '$' if (3..=NAME_MAX).contains(&len) => Some(Mention::Shop(name.to_lowercase())),
            '#' if (1..=HASHTAG_MAX).contains(&len) && name.chars().any(|ch| ch.is_ascii_alphabetic()) => {
                Some(Mention::Hashtag(name.to_lowercase()))
            }
            _ => None,
        };
        // A name longer than allowed is not a reference at all.
        let followed_by_name = rest[len..].starts_with(|ch: char| ch.is_alphanumeric());
        if let (Some(mention), false) = (mention, followed_by_name) {
            if plain_start < i {
                out.push(Piece::Plain(&body[plain_start..i]));
            }
            let end = i + 1 + len;
            out.push(Piece::Ref { raw: &body[i..end], mention });
            plain_start = end;
            while iter.peek().is_some_and(|(j, _)| *j < end) {
                prev = iter.next().map(|(_, ch)| ch);
            }
        }
    }
    if plain_start < body.len() {
        out.push(Piece::Plain(&body[plain_start..]));
    }
    out
}

/// Every distinct reference in the text, in order of first appearance.
pub fn mentions(body: &str) -> Vec<Mention> {
    let mut seen = Vec::new();
    for piece in pieces(body) {
        if let Piece::Ref { mention, .. } = piece {
            if !seen.contains(&mention) {
                seen.push(mention);
            }
        }
    }
    seen
}

/// The text as segments: references for which `exists` says yes become
/// links; hashtags always do (a hashtag exists once it is used).
pub fn segments(body: &str, exists: impl Fn(&Mention) -> bool) -> Vec<Segment> {
    let mut out: Vec<Segment> = Vec::new();
    let push_text = |out: &mut Vec<Segment>, text: &str| match out.last_mut() {
        Some(Segment::Text(prev)) => prev.push_str(text),
        _ => out.push(Segment::Text(text.to_string())),
    };
    for piece in pieces(body) {
        match piece {
            Piece::Plain(text) => push_text(&mut out, text),
            Piece::Ref { raw, mention } => {
                let href = match &mention {
                    Mention::Hashtag(tag) => Some(format!("/tag/{tag}")),
                    Mention::User(name) if exists(&mention) => Some(format!("/u/{name}")),
                    Mention::Shop(handle) if exists(&mention) => Some(format!("/s/{handle}")),
                    _ => None,
                };
                match href {
                    Some(href) => out.push(Segment::Link { text: raw.to_string(), href }),
                    None => push_text(&mut out, raw),
                }
            }
        }
    }
    out
}

/// A hashtag from a URL or search box, normalised; `None` if it cannot be one.
pub fn normalize_hashtag(raw: &str) -> Option<String> {
    let tag = raw.trim().trim_start_matches('#').to_lowercase();
    let ok = (1..=HASHTAG_MAX).contains(&tag.len())
        && tag.chars().all(is_name_char)
        && tag.chars().any(|c| c.is_ascii_alphabetic());
    ok.then_some(tag)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(text: &str, href: &str) -> Segment {
        Segment::Link { text: text.into(), href: href.into() }
    }

    #[test]
    fn finds_users_shops_and_hashtags_once_each() {
        let found = mentions("Styled by @Maya in $nairobi_threads #OOTD #ootd @maya.");
        assert_eq!(
            found,
            vec![
                Mention::User("maya".into()),
                Mention::Shop("nairobi_threads".into()),
                Mention::Hashtag("ootd".into())
            ]
        );
    }

    #[test]
    fn ignores_emails_prices_and_bad_names() {
        assert!(mentions("mail ana@example.com, pay US$20 or $5, issue #1, @ab, a&#39;").is_empty());
        assert!(mentions(&format!("@{}", "a".repeat(31))).is_empty());
        assert_eq!(mentions("(#summer)"), vec![Mention::Hashtag("summer".into())]);
    }

    #[test]
    fn known_names_become_links_and_unknown_stay_text() {
        let segs = segments("Hi @maya and @ghost, see $shop_one! #Sale", |m| *m != Mention::User("ghost".into()));
        assert_eq!(
            segs,
            vec![
                Segment::Text("Hi ".into()),
                link("@maya", "/u/maya"),
                Segment::Text(" and @ghost, see ".into()),
                link("$shop_one", "/s/shop_one"),
                Segment::Text("! ".into()),
                link("#Sale", "/tag/sale"),
            ]
        );
    }

    #[test]
    fn markup_stays_text() {
        let body = "<script>alert(1)</script> javascript:alert(1)";
        assert_eq!(segments(body, |_| true), vec![Segment::Text(body.into())]);
    }

    #[test]
    fn multibyte_text_around_references() {
        let segs = segments("Café ☕ #kahawa ✨", |_| true);
        assert_eq!(
            segs,
            vec![Segment::Text("Café ☕ ".into()), link("#kahawa", "/tag/kahawa"), Segment::Text(" ✨".into())]
        );
    }

    #[test]
    fn hashtags_normalise() {
        assert_eq!(normalize_hashtag("#Summer_2026"), Some("summer_2026".into()));
        assert_eq!(normalize_hashtag("2026"), None);
        assert_eq!(normalize_hashtag("a b"), None);
    }
}

//! Collaborative posts: a post's creator invites up to ten co-authors (while
//! composing or editing), each accepts or declines on `/collabs`, and an
//! accepted co-author is named in the byline ("By @a, @b and @c"), finds
//! the post on their profile and in their followers' home feeds, and is
//! credited with the creator for what it sells.
//!
//! The creator stays the post's one `author_id`: only they edit, delete or
//! remove a collaborator; a co-author may leave. Who may see the post at
//! all is still the creator's rule, `post_visible_to`: an invitation is
//! shown (and may be answered) only while the invitee may see the post, so
//! an invite to a draft waits for it to be published, and a co-author's
//! followers see a followers-only post only if they follow its creator too.
//! Which posts a home feed holds is `post_from_followed`'s (migration
//! `…0200_collaborators.sql`). Who may call what is spelled out, per kind of
//! caller, by the authorization matrix in `collabs::db_tests`.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(all(test, feature = "ssr"))]
mod db_tests;
pub mod pages;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Author, PostView};
use crate::error::AppError;

/// Co-authors one post may have, invited and accepted together (the
/// creator not counted).
pub const MAX_COLLABORATORS: usize = 10;
/// The form field collaborators are typed into (compose and edit pages).
pub const FIELD: &str = "collaborators";
/// Invitations `/collabs` lists at most, newest first.
pub const INVITES_SHOWN: i64 = 50;

/// Where an invitee stands on a post.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum CollabStatus {
    /// Invited, not answered yet.
    Invited,
    /// A co-author.
    Accepted,
}

impl CollabStatus {
    pub fn parse(raw: &str) -> Option<CollabStatus> {
        match raw {
            "invited" => Some(CollabStatus::Invited),
            "accepted" => Some(CollabStatus::Accepted),
            _ => None,
        }
    }

    /// How the edit page says it.
    pub fn label(self) -> &'static str {
        match self {
            CollabStatus::Invited => "Invited",
            CollabStatus::Accepted => "Co-author",
        }
    }
}

/// One of a post's collaborators, as its creator's edit page lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Collaborator {
    pub author: Author,
    pub status: CollabStatus,
}

/// An invitation waiting for the viewer's answer, with the post it is about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Invite {
    pub post: PostView,
    pub invited_at: DateTime<Utc>,
}

/// The usernames typed into the collaborators field: separated by commas
/// or spaces, each with or without a leading `@`, lower-cased, each once.
/// A name that can't be a username is refused with the text as typed (it
/// is shown as text); more than `MAX_COLLABORATORS` is refused here, before
/// anything is looked up.
pub fn parse_usernames(raw: &str) -> Result<Vec<String>, AppError> {
    let mut names: Vec<String> = Vec::new();
    for token in raw.split(|c: char| c == ',' || c.is_whitespace()).filter(|t| !t.is_empty()) {
        let name = token.strip_prefix('@').unwrap_or(token).to_lowercase();
        let valid = (crate::accounts::validate::USERNAME_MIN..=crate::accounts::validate::USERNAME_MAX)
            .contains(&name.chars().count())
            && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if !valid {
            let shown: String = token.chars().take(40).collect();
            return Err(AppError::validation(
                FIELD,
                format!("“{shown}” is not a username: usernames are 3–30 letters, numbers and underscores."),
            ));
        }
        if !names.contains(&name) {
            names.push(name);
        }
    }
    if names.len() > MAX_COLLABORATORS {
        return Err(too_many(0));
    }
    Ok(names)
}

/// The answer when inviting would take a post past `MAX_COLLABORATORS`;
/// `already` is how many it has (invited or accepted).
pub fn too_many(already: usize) -> AppError {
    let message = match already {
        0 => format!("A post can have at most {MAX_COLLABORATORS} collaborators."),
        n => format!(
            "A post can have at most {MAX_COLLABORATORS} collaborators, and this one has {n} already (invited or accepted)."
        ),
    };
    AppError::validation(FIELD, message)
}

/// What stands before the `index`-th of `count` names in a list read out as
/// "@a, @b and @c": nothing before the first, " and " before the last,
/// ", " between the others.
pub fn joiner(index: usize, count: usize) -> &'static str {
    match index {
        0 => "",
        i if i + 1 == count => " and ",
        _ => ", ",
    }
}

/// Names as "@a, @b and @c".
pub fn name_list<S: AsRef<str>>(names: &[S]) -> String {
    let mut out = String::new();
    for (i, name) in names.iter().enumerate() {
        out.push_str(joiner(i, names.len()));
        out.push('@');
        out.push_str(name.as_ref());
    }
    out
}

/// A post's byline: its creator, then its co-authors in the order they
/// accepted: "By @a", "By @a and @b", "By @a, @b and @c".
pub fn byline<S: AsRef<str>>(creator: &str, coauthors: &[S]) -> String {
    let mut names = vec![creator];
    names.extend(coauthors.iter().map(AsRef::as_ref));
    format!("By {}", name_list(&names))
}

/// What the creator reads on their post while invitations are open.
pub fn pending_line<S: AsRef<str>>(invited: &[S]) -> String {
    format!("Pending collaboration with {}", name_list(invited))
}

/// The Me page's row: "Collaboration invites" with how many wait.
pub fn invites_label(pending: i64) -> String {
    match pending {
        0 => "Collaboration invites".to_string(),
        n => format!("Collaboration invites ({n})"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bylines_for_one_two_three_and_four_names() {
        let none: [&str; 0] = [];
        assert_eq!(byline("ann", &none), "By @ann");
        assert_eq!(byline("ann", &["bob"]), "By @ann and @bob");
        assert_eq!(byline("ann", &["bob", "cy"]), "By @ann, @bob and @cy");
        assert_eq!(byline("ann", &["bob", "cy", "dee"]), "By @ann, @bob, @cy and @dee");
        assert_eq!(pending_line(&["x"]), "Pending collaboration with @x");
        assert_eq!(pending_line(&["x", "y"]), "Pending collaboration with @x and @y");
    }

    #[test]
    fn joiners_match_the_byline() {
        let joined: Vec<&str> = (0..4).map(|i| joiner(i, 4)).collect();
        assert_eq!(joined, vec!["", ", ", ", ", " and "]);
        assert_eq!(joiner(0, 1), "");
        assert_eq!(joiner(1, 2), " and ");
    }

    #[test]
    fn usernames_parse_with_or_without_at_by_comma_or_space() {
        assert_eq!(parse_usernames("  ").unwrap(), Vec::<String>::new());
        assert_eq!(parse_usernames("@Bob, cy_2  dee,,@eve\n@BOB").unwrap(), vec!["bob", "cy_2", "dee", "eve"]);
        let ten: Vec<String> = (0..10).map(|i| format!("user{i}")).collect();
        assert_eq!(parse_usernames(&ten.join(" ")).unwrap().len(), 10);
    }

    #[test]
    fn more_than_ten_names_are_refused_before_any_lookup() {
        let eleven: Vec<String> = (0..11).map(|i| format!("@user{i}")).collect();
        let err = parse_usernames(&eleven.join(", ")).unwrap_err();
        assert_eq!((err.field(), err.status_code()), (Some(FIELD), 422));
        assert_eq!(err.to_string(), "A post can have at most 10 collaborators.");
        // The same name twice is one name.
        let twice: Vec<String> = (0..11).map(|_| "@same".to_string()).collect();
        assert_eq!(parse_usernames(&twice.join(" ")).unwrap(), vec!["same"]);
        assert!(too_many(3).to_string().contains("has 3 already"));
    }

    #[test]
    fn names_that_cannot_be_usernames_are_refused_as_typed() {
        let err = parse_usernames("bob, <img src=x onerror=alert(1)>").unwrap_err();
        assert_eq!(err.field(), Some(FIELD));
        assert!(err.to_string().starts_with("“<img” is not a username"), "{err}");
        assert!(parse_usernames("@").is_err());
        assert!(parse_usernames("ab").is_err(), "too short");
        assert!(parse_usernames(&"a".repeat(31)).is_err(), "too long");
        assert!(parse_usernames("o'brien").is_err());
        assert!(parse_usernames("@@bob").is_err());
    }

    #[test]
    fn the_me_page_counts_waiting_invites() {
        assert_eq!(invites_label(0), "Collaboration invites");
        assert_eq!(invites_label(3), "Collaboration invites (3)");
    }
}

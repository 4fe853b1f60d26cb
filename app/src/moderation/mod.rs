//! Reports and moderation: users report posts, comments, accounts, shops
//! and products; admins work through the queue (`/admin/moderation`) and
//! dismiss, remove the content, suspend its owner or ban them, each action
//! written to the audit log.
//!
//! Removal lives in the one visibility rule (`post_visible_to`,
//! `comment_visible_to`, migration `…13000500_moderation.sql`), so removed
//! content leaves every read path at once; a removed product is archived.
//! What a suspended or banned account may not do is asked in one place,
//! `standing::require_active`, by each domain function that posts,
//! comments, reposts or sells.

pub mod api;
pub mod pages;

#[cfg(feature = "ssr")]
pub mod db;
#[cfg(all(test, feature = "ssr"))]
mod db_tests;
#[cfg(feature = "ssr")]
pub mod standing;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// The longest report details or action reason, in characters.
pub const TEXT_MAX: usize = 1000;
/// How many days a suspension may last.
pub const SUSPENSION_DAYS: std::ops::RangeInclusive<i32> = 1..=365;

/// What a report is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum TargetKind {
    Post,
    Comment,
    User,
    Shop,
    Product,
}

impl TargetKind {
    pub const ALL: [TargetKind; 5] =
        [TargetKind::Post, TargetKind::Comment, TargetKind::User, TargetKind::Shop, TargetKind::Product];

    pub fn parse(raw: &str) -> Result<TargetKind, AppError> {
        TargetKind::ALL
            .into_iter()
            .find(|k| k.as_str() == raw)
            .ok_or_else(|| AppError::validation("kind", "Choose a post, comment, account, shop or product to report."))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TargetKind::Post => "post",
            TargetKind::Comment => "comment",
            TargetKind::User => "user",
            TargetKind::Shop => "shop",
            TargetKind::Product => "product",
        }
    }

    /// "this post", "this account", as the report page names it.
    pub fn noun(self) -> &'static str {
        match self {
            TargetKind::Post => "post",
            TargetKind::Comment => "comment",
            TargetKind::User => "account",
            TargetKind::Shop => "shop",
            TargetKind::Product => "product",
        }
    }

    /// Whether the content itself can be removed (accounts and shops are
    /// dealt with through their owner's standing).
    pub fn removable(self) -> bool {
        matches!(self, TargetKind::Post | TargetKind::Comment | TargetKind::Product)
    }
}

/// Why a user reports something.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ReportReason {
    Spam,
    Scam,
    Counterfeit,
    Harassment,
    Nudity,
    /// Needs the reporter's own words.
    Other,
}

impl ReportReason {
    pub const ALL: [ReportReason; 6] = [
        ReportReason::Spam,
        ReportReason::Scam,
        ReportReason::Counterfeit,
        ReportReason::Harassment,
        ReportReason::Nudity,
        ReportReason::Other,
    ];

    pub fn parse(raw: &str) -> Result<ReportReason, AppError> {
        ReportReason::ALL
            .into_iter()
            .find(|r| r.as_str() == raw)
            .ok_or_else(|| AppError::validation("reason", "Choose why you are reporting this."))
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ReportReason::Spam => "spam",
            ReportReason::Scam => "scam",
            ReportReason::Counterfeit => "counterfeit",
            ReportReason::Harassment => "harassment",
            ReportReason::Nudity => "nudity",
            ReportReason::Other => "other",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ReportReason::Spam => "Spam",
            ReportReason::Scam => "Scam or fraud",
            ReportReason::Counterfeit => "Counterfeit goods",
            ReportReason::Harassment => "Harassment or bullying",
            ReportReason::Nudity => "Nudity or sexual content",
            ReportReason::Other => "Something else",
        }
    }
}

/// A report as the form sends it, checked: the reason, and the reporter's
/// words (required for "Something else").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewReport {
    pub kind: TargetKind,
    pub target: Uuid,
    pub reason: ReportReason,
    pub details: String,
}

impl NewReport {
    pub fn parse(kind: &str, target: Uuid, reason: &str, details: &str) -> Result<NewReport, AppError> {
        let kind = TargetKind::parse(kind)?;
        let reason = ReportReason::parse(reason)?;
        let details = details.trim().to_string();
        if details.chars().count() > TEXT_MAX {
            return Err(AppError::validation("details", format!("Keep it under {TEXT_MAX} characters.")));
        }
        if reason == ReportReason::Other && details.is_empty() {
            return Err(AppError::validation("details", "Tell us what is wrong with it."));
        }
        Ok(NewReport { kind, target, reason, details })
    }
}

/// What an admin does about a target in the queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModerationAction {
    /// Nothing wrong: its open reports are closed.
    Dismiss,
    /// The content is removed (soft); its author sees the reason.
    Remove,
    /// Its owner may not post, comment, repost or sell for `days` days.
    Suspend { days: i32 },
    /// Its owner is banned: signed out, and may not sign in again.
    Ban,
}

impl ModerationAction {
    /// From the queue's form: `action` and, for a suspension, `days`.
    pub fn parse(action: &str, days: &str) -> Result<ModerationAction, AppError> {
        match action {
            "dismiss" => Ok(ModerationAction::Dismiss),
            "remove" => Ok(ModerationAction::Remove),
            "ban" => Ok(ModerationAction::Ban),
            "suspend" => {
                let days: i32 =
                    days.trim().parse().map_err(|_| AppError::validation("days", "Enter how many days (1 to 365)."))?;
                if !SUSPENSION_DAYS.contains(&days) {
                    return Err(AppError::validation("days", "A suspension lasts 1 to 365 days."));
                }
                Ok(ModerationAction::Suspend { days })
            }
            _ => Err(AppError::validation("action", "Choose dismiss, remove, suspend or ban.")),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ModerationAction::Dismiss => "dismiss",
            ModerationAction::Remove => "remove",
            ModerationAction::Suspend { .. } => "suspend",
            ModerationAction::Ban => "ban",
        }
    }

    pub fn days(self) -> Option<i32> {
        match self {
            ModerationAction::Suspend { days } => Some(days),
            _ => None,
        }
    }
}

/// An admin's reason for an action: required, shown to the account it
/// falls on.
pub fn parse_action_reason(raw: &str) -> Result<String, AppError> {
    let reason = raw.trim();
    if reason.is_empty() {
        return Err(AppError::validation("reason", "Give a reason: the account is shown it."));
    }
    if reason.chars().count() > TEXT_MAX {
        return Err(AppError::validation("reason", format!("Keep the reason under {TEXT_MAX} characters.")));
    }
    Ok(reason.to_string())
}

/// When a suspension of `days` days starting `now` ends.
pub fn suspension_end(now: DateTime<Utc>, days: i32) -> DateTime<Utc> {
    now + Duration::days(days.into())
}

/// What an account may not do, and why: a suspension until a time, or a ban.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Restriction {
    Suspended { until: DateTime<Utc>, reason: String },
    Banned { reason: String },
}

impl Restriction {
    /// The account's restriction at `now`, from its stored standing: a
    /// ban always, a suspension while it has not ended.
    pub fn at(
        now: DateTime<Utc>,
        suspended_until: Option<DateTime<Utc>>,
        banned: bool,
        reason: Option<String>,
    ) -> Option<Restriction> {
        let reason = reason.unwrap_or_default();
        if banned {
            return Some(Restriction::Banned { reason });
        }
        suspended_until.filter(|until| *until > now).map(|until| Restriction::Suspended { until, reason })
    }

    /// What the account is told, on a refused action and in its banner.
    pub fn message(&self) -> String {
        match self {
            Restriction::Suspended { until, reason } => {
                format!("Your account is suspended until {}: {reason}", until.format("%-d %B %Y, %H:%M UTC"))
            }
            Restriction::Banned { reason } => format!("Your account is banned: {reason}"),
        }
    }
}

/// The notice shown in place of removed content, to its author only.
pub fn removal_notice(reason: &str) -> String {
    format!("Removed by Storefeed: {reason}")
}

/// One target in the queue, with its open reports summed up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub kind: TargetKind,
    pub target_id: Uuid,
    pub open_reports: i64,
    pub first_reported_at: DateTime<Utc>,
    pub reasons: Vec<ReportReason>,
    /// Reporters' own words, oldest first.
    pub details: Vec<String>,
    /// The start of the content's text (or the account's, shop's or
    /// product's name), to judge it by; `None` once it is gone.
    pub preview: Option<String>,
    /// The account an action falls on.
    pub subject: Option<String>,
    /// Where it can be seen.
    pub href: Option<String>,
    /// It was removed already (reports about it may still come in).
    pub removed: bool,
}

/// One row of the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: Uuid,
    pub admin: Option<String>,
    pub action: String,
    pub kind: TargetKind,
    pub target_id: Uuid,
    pub subject: Option<String>,
    pub reason: String,
    pub days: Option<i32>,
    pub reports_closed: i32,
    pub at: DateTime<Utc>,
}

/// The admin page: the queue, then the latest actions.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    pub items: Vec<QueueItem>,
    pub log: Vec<AuditEntry>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn reasons_and_kinds_round_trip_and_refuse_the_unknown() {
        for r in ReportReason::ALL {
            assert_eq!(ReportReason::parse(r.as_str()).unwrap(), r);
            assert!(!r.label().is_empty());
        }
        assert_eq!(ReportReason::parse("rude").unwrap_err().field(), Some("reason"));
        for k in TargetKind::ALL {
            assert_eq!(TargetKind::parse(k.as_str()).unwrap(), k);
        }
        assert_eq!(TargetKind::parse("message").unwrap_err().field(), Some("kind"));
        assert!(TargetKind::Post.removable() && !TargetKind::User.removable() && !TargetKind::Shop.removable());
    }

    #[test]
    fn a_report_needs_words_for_something_else_and_at_most_a_thousand() {
        let id = Uuid::nil();
        let spam = NewReport::parse("post", id, "spam", "  ").unwrap();
        assert_eq!((spam.reason, spam.details.as_str()), (ReportReason::Spam, ""));
        assert_eq!(NewReport::parse("post", id, "other", " ").unwrap_err().field(), Some("details"));
        assert_eq!(NewReport::parse("post", id, "other", " fake ").unwrap().details, "fake");
        assert!(NewReport::parse("shop", id, "scam", &"x".repeat(1000)).is_ok());
        assert_eq!(NewReport::parse("shop", id, "scam", &"x".repeat(1001)).unwrap_err().field(), Some("details"));
    }

    #[test]
    fn actions_parse_with_suspensions_of_one_to_365_days() {
        assert_eq!(ModerationAction::parse("dismiss", "").unwrap(), ModerationAction::Dismiss);
        assert_eq!(ModerationAction::parse("remove", "9").unwrap(), ModerationAction::Remove);
        assert_eq!(ModerationAction::parse("ban", "").unwrap(), ModerationAction::Ban);
        assert_eq!(ModerationAction::parse("suspend", " 7 ").unwrap(), ModerationAction::Suspend { days: 7 });
        assert_eq!(ModerationAction::parse("suspend", "365").unwrap().days(), Some(365));
        for bad in ["0", "366", "-1", "", "a week"] {
            assert_eq!(ModerationAction::parse("suspend", bad).unwrap_err().field(), Some("days"), "{bad}");
        }
        assert_eq!(ModerationAction::parse("delete", "").unwrap_err().field(), Some("action"));
        assert_eq!(parse_action_reason("  ").unwrap_err().field(), Some("reason"));
        assert_eq!(parse_action_reason(" spam ").unwrap(), "spam");
        assert!(parse_action_reason(&"x".repeat(1001)).is_err());
    }

    #[test]
    fn a_suspension_holds_until_its_last_moment_and_a_ban_always() {
        let now = Utc.with_ymd_and_hms(2026, 12, 13, 10, 0, 0).unwrap();
        let until = suspension_end(now, 3);
        assert_eq!(until, Utc.with_ymd_and_hms(2026, 12, 16, 10, 0, 0).unwrap());
        let reason = || Some("spam".to_string());
        let held = Restriction::at(now, Some(until), false, reason()).unwrap();
        assert_eq!(held.message(), "Your account is suspended until 16 December 2026, 10:00 UTC: spam");
        assert!(Restriction::at(until - Duration::seconds(1), Some(until), false, reason()).is_some());
        assert_eq!(Restriction::at(until, Some(until), false, reason()), None, "over at its end");
        assert_eq!(Restriction::at(now, None, false, None), None);
        let ban = Restriction::at(until + Duration::days(900), Some(until), true, reason()).unwrap();
        assert_eq!(ban.message(), "Your account is banned: spam");
        assert_eq!(removal_notice("scam"), "Removed by Storefeed: scam");
    }
}

//! Buy-together group deals: a shop offers a variant at a group price to
//! groups of a set size; a shopper starts a group and others join it before
//! its time runs out. Each join authorizes the shopper's saved card, holds
//! the stock and opens a pending order; the group filling captures every
//! member's payment (orders become paid), its expiry voids them (orders
//! cancelled, stock freed). This module holds the shared types and the pure
//! rules; `db` the SQL and payment flow, `api` the server functions.

pub mod api;
pub mod components;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(all(test, feature = "ssr"))]
mod db_tests;
pub mod pages;
#[cfg(feature = "ssr")]
mod seats;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;
use crate::money::{Currency, Money};

/// Group sizes a shop may set.
/// Published (aggregate `group`) with every notice to a group's organiser
/// and members (`kind`: joined, filled or failed; `actor_id`; `except`, who
/// is not told): notifications tell the same people.
pub const NOTICED: &str = "group.noticed";
pub const MIN_SIZE: i32 = 2;
pub const MAX_SIZE: i32 = 50;
/// The longest a group may stay open, in hours (30 days).
pub const MAX_HOURS: i32 = 720;
/// A group with this many seats left or fewer is "almost full".
pub const ALMOST_FULL_LEFT: i32 = 2;
/// Groups a post may link.
pub const MAX_POST_GROUPS: usize = 10;
/// Explore's `?with=` that keeps only posts showing a group one can still
/// join (`posts::card_filter`).
pub const EXPLORE_FILTER: &str = "groups";

/// What a group card and page say of a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GroupStatus {
    Open,
    AlmostFull,
    Full,
    Expired,
    Cancelled,
}

impl GroupStatus {
    /// The status shown for a group stored as `stored` with `joined` of
    /// `size` seats claimed, at `now`. A stored 'open' group past its
    /// deadline is expired (the job has not reached it yet); one with every
    /// seat claimed is full (while the last payments are confirmed).
    pub fn of(stored: &str, joined: i32, size: i32, expires_at: DateTime<Utc>, now: DateTime<Utc>) -> GroupStatus {
        match stored {
            "full" => GroupStatus::Full,
            "expired" => GroupStatus::Expired,
            "cancelled" => GroupStatus::Cancelled,
            _ if joined >= size => GroupStatus::Full,
            _ if now >= expires_at => GroupStatus::Expired,
            _ if size - joined <= ALMOST_FULL_LEFT => GroupStatus::AlmostFull,
            _ => GroupStatus::Open,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GroupStatus::Open => "Open",
            GroupStatus::AlmostFull => "Almost full",
            GroupStatus::Full => "Full",
            GroupStatus::Expired => "Expired",
            GroupStatus::Cancelled => "Cancelled",
        }
    }

    /// Seats can still be claimed.
    pub fn joinable(self) -> bool {
        matches!(self, GroupStatus::Open | GroupStatus::AlmostFull)
    }
}

/// The live part of a group: what the outbox event `group.changed` carries
/// (every change of seats or status publishes one) and what a card
/// re-renders from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupLive {
    pub group_id: Uuid,
    pub joined: i32,
    pub size: i32,
    pub status: GroupStatus,
    pub expires_at: DateTime<Utc>,
}

/// A shop's group offer on one variant, as its owner sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupDeal {
    pub variant_id: Uuid,
    pub variant_title: String,
    pub single_price: Money,
    pub price: Money,
    pub size: i32,
    pub hours: i32,
    pub max_per_customer: i32,
    pub active: bool,
}

/// A variant on the owner's deal editor, with its deal if it has one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DealSlot {
    pub variant_id: Uuid,
    pub variant_title: String,
    pub single_price: Money,
    pub available: i32,
    pub deal: Option<GroupDeal>,
}

/// A group as its card shows it (in posts, on the product page, in lists).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCard {
    pub id: Uuid,
    pub product_id: Uuid,
    pub product_title: String,
    /// "M / Blue"; empty for a single-variant product.
    pub variant_title: String,
    pub image_url: Option<String>,
    pub price: Money,
    pub single_price: Money,
    pub joined: i32,
    pub size: i32,
    pub status: GroupStatus,
    pub expires_at: DateTime<Utc>,
    /// "2 days left", as of when the card was read.
    pub time_left: String,
    pub organiser: String,
    /// The signed context token of a card in a post: a join through it is
    /// attributed to the post.
    pub ctx: Option<String>,
}

impl GroupCard {
    pub fn live(&self) -> GroupLive {
        GroupLive {
            group_id: self.id,
            joined: self.joined,
            size: self.size,
            status: self.status,
            expires_at: self.expires_at,
        }
    }

    /// The group page, with the card's context token when it has one.
    pub fn href(&self) -> String {
        match &self.ctx {
            Some(ctx) => format!("/groups/{}?ctx={ctx}", self.id),
            None => format!("/groups/{}", self.id),
        }
    }
}

/// One member on the group page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub username: String,
    pub display_name: String,
    pub seats: i32,
    pub organiser: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum NoticeKind {
    Joined,
    Filled,
    Failed,
}

impl NoticeKind {
    pub fn parse(raw: &str) -> Option<NoticeKind> {
        match raw {
            "joined" => Some(NoticeKind::Joined),
            "filled" => Some(NoticeKind::Filled),
            "failed" => Some(NoticeKind::Failed),
            _ => None,
        }
    }
}

/// Something organiser and members are told.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Notice {
    pub group_id: Uuid,
    pub product_title: String,
    pub kind: NoticeKind,
    pub actor: Option<String>,
    pub at: DateTime<Utc>,
}

impl Notice {
    /// "@ann joined your group for Linen shirt."
    pub fn text(&self) -> String {
        match (self.kind, &self.actor) {
            (NoticeKind::Joined, Some(who)) => format!("@{who} joined the group for {}.", self.product_title),
            (NoticeKind::Joined, None) => format!("Someone joined the group for {}.", self.product_title),
            (NoticeKind::Filled, _) => {
                format!("The group for {} is full: every member's payment was taken.", self.product_title)
            }
            (NoticeKind::Failed, _) => format!(
                "The group for {} ran out of time: nobody was charged and the holds were released.",
                self.product_title
            ),
        }
    }
}

/// The group page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupPageData {
    pub card: GroupCard,
    pub shop_handle: String,
    pub members: Vec<MemberView>,
    /// Only for its organiser and members.
    pub notices: Vec<Notice>,
    /// Seats the viewer holds.
    pub my_seats: i32,
    pub max_per_customer: i32,
    pub signed_in: bool,
    /// The viewer has a saved card and address (`/settings/payment`).
    pub can_pay: bool,
}

impl GroupPageData {
    /// Seats the viewer may still claim.
    pub fn may_claim(&self) -> i32 {
        (self.max_per_customer - self.my_seats).min(seats_left(self.card.joined, self.card.size)).max(0)
    }
}

/// A group in "My groups".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyGroup {
    pub card: GroupCard,
    pub my_seats: i32,
    pub organiser: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyGroups {
    pub groups: Vec<MyGroup>,
    pub notices: Vec<Notice>,
}

/// The product page's group section: the deals one can start a group on,
/// and the groups open now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProductGroups {
    pub deals: Vec<GroupDeal>,
    pub open: Vec<GroupCard>,
}

pub fn seats_left(joined: i32, size: i32) -> i32 {
    (size - joined).max(0)
}

/// What a member saves against buying the same units singly.
pub fn saving(single: Money, group: Money) -> Money {
    Money::new((single.minor - group.minor).max(0), group.currency)
}

/// "3 days left", "5 hours left", "12 minutes left", "Ended".
pub fn time_left(expires_at: DateTime<Utc>, now: DateTime<Utc>) -> String {
    let secs = (expires_at - now).num_seconds();
    let plural = |n: i64, unit: &str| if n == 1 { format!("1 {unit} left") } else { format!("{n} {unit}s left") };
    match secs {
        i64::MIN..=0 => "Ended".into(),
        1..=3599 => plural((secs + 59) / 60, "minute"),
        3600..=172_799 => plural(secs / 3600, "hour"),
        _ => plural(secs / 86_400, "day"),
    }
}

/// The terms a shop sets for a deal, parsed from its owner's form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DealTerms {
    pub price: Money,
    pub size: i32,
    pub hours: i32,
    pub max_per_customer: i32,
}

fn whole(field: &str, raw: &str, range: std::ops::RangeInclusive<i32>, message: String) -> Result<i32, AppError> {
    raw.trim().parse::<i32>().ok().filter(|n| range.contains(n)).ok_or_else(|| AppError::validation(field, message))
}

impl DealTerms {
    /// Checks the owner's form against the variant's single price: the
    /// group price must be below it, the size 2–50, the time limit 1 hour to
    /// 30 days, the most per customer at least one and below the size (a
    /// group is more than one buyer).
    pub fn parse(
        price: &str,
        size: &str,
        hours: &str,
        max_per_customer: &str,
        single: Money,
    ) -> Result<DealTerms, AppError> {
        let price = Money::parse("price", price, single.currency)?;
        if price.minor <= 0 {
            return Err(AppError::validation("price", "Enter a group price above zero."));
        }
        if price.minor >= single.minor {
            return Err(AppError::validation(
                "price",
                format!("The group price must be below the single price of {}.", single.display()),
            ));
        }
        let size = whole("size", size, MIN_SIZE..=MAX_SIZE, format!("A group has {MIN_SIZE} to {MAX_SIZE} people."))?;
        let hours = whole("hours", hours, 1..=MAX_HOURS, format!("Give groups 1 to {MAX_HOURS} hours to fill."))?;
        let max_per_customer = whole(
            "max_per_customer",
            max_per_customer,
            1..=size - 1,
            format!("Each customer may take 1 to {} of the {size} seats.", size - 1),
        )?;
        Ok(DealTerms { price, size, hours, max_per_customer })
    }
}

/// A join's seat count from the form.
pub fn parse_seats(raw: &str) -> Result<i32, AppError> {
    whole("quantity", raw, 1..=MAX_SIZE, "Choose how many to buy (at least 1).".into())
}

/// The group price the form showed must be the group's: nothing is
/// charged at a price the shopper did not see (or made up).
pub fn confirm_price(shown: Money, actual: Money) -> Result<(), AppError> {
    if shown == actual {
        Ok(())
    } else {
        Err(AppError::conflict(
            "price",
            format!("The group price is {}, not {}. Nothing was charged.", actual.display(), shown.display()),
        ))
    }
}

/// Whether `seats` more can be claimed in a group showing `status` with
/// `joined` of `size` taken, by a shopper who holds `mine` of the
/// `max_per_customer` each may take. The messages say what to do.
pub fn check_join(
    status: GroupStatus,
    joined: i32,
    size: i32,
    seats: i32,
    mine: i32,
    max_per_customer: i32,
) -> Result<(), AppError> {
    match status {
        GroupStatus::Full => return Err(AppError::conflict("group", "This group is full.")),
        GroupStatus::Expired => return Err(AppError::conflict("group", "This group has expired.")),
        GroupStatus::Cancelled => return Err(AppError::conflict("group", "This group was cancelled.")),
        GroupStatus::Open | GroupStatus::AlmostFull => {}
    }
    if mine + seats > max_per_customer {
        let more = max_per_customer - mine;
        return Err(AppError::validation(
            "quantity",
            match more {
                i32::MIN..=0 => format!("You already have the most one customer may take here ({max_per_customer})."),
                1 => "You may take 1 more in this group.".into(),
                n => format!("You may take {n} more in this group."),
            },
        ));
    }
    let left = seats_left(joined, size);
    if seats > left {
        return Err(AppError::conflict(
            "group",
            if left == 1 { "Only 1 seat is left.".into() } else { format!("Only {left} seats are left.") },
        ));
    }
    Ok(())
}

/// Parses a price shown on a form (minor units and a currency code).
pub fn shown_price(minor: i64, currency: &str) -> Result<Money, AppError> {
    Ok(Money::new(minor, Currency::parse(currency)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Duration;

    fn noon() -> DateTime<Utc> {
        "2026-12-11T12:00:00Z".parse().unwrap()
    }

    fn usd(minor: i64) -> Money {
        Money::new(minor, Currency::USD)
    }

    #[test]
    fn status_follows_seats_deadline_and_what_is_stored() {
        let now = noon();
        let later = now + Duration::hours(1);
        assert_eq!(GroupStatus::of("open", 2, 10, later, now), GroupStatus::Open);
        assert_eq!(GroupStatus::of("open", 7, 10, later, now), GroupStatus::Open);
        assert_eq!(GroupStatus::of("open", 8, 10, later, now), GroupStatus::AlmostFull, "two left");
        assert_eq!(GroupStatus::of("open", 9, 10, later, now), GroupStatus::AlmostFull, "one left");
        assert_eq!(GroupStatus::of("open", 10, 10, later, now), GroupStatus::Full, "last payments pending");
        assert_eq!(GroupStatus::of("open", 3, 10, now, now), GroupStatus::Expired, "past its deadline");
        assert_eq!(GroupStatus::of("full", 10, 10, now, now), GroupStatus::Full);
        assert_eq!(GroupStatus::of("expired", 3, 10, later, now), GroupStatus::Expired);
        assert_eq!(GroupStatus::of("cancelled", 0, 10, later, now), GroupStatus::Cancelled);
        assert!(GroupStatus::AlmostFull.joinable() && !GroupStatus::Full.joinable());
    }

    #[test]
    fn the_live_payload_names_the_status_in_snake_case() {
        let now = noon();
        let live =
            GroupLive { group_id: Uuid::nil(), joined: 3, size: 5, status: GroupStatus::AlmostFull, expires_at: now };
        let json = serde_json::to_value(&live).unwrap();
        assert_eq!(json["status"], "almost_full");
        assert_eq!(json["joined"], 3);
        assert_eq!(json["size"], 5);
        assert_eq!(serde_json::from_value::<GroupLive>(json).unwrap(), live);
    }

    #[test]
    fn time_left_reads_in_the_largest_whole_unit() {
        let now = noon();
        assert_eq!(time_left(now, now), "Ended");
        assert_eq!(time_left(now + Duration::seconds(30), now), "1 minute left");
        assert_eq!(time_left(now + Duration::minutes(12), now), "12 minutes left");
        assert_eq!(time_left(now + Duration::hours(5), now), "5 hours left");
        assert_eq!(time_left(now + Duration::hours(47), now), "47 hours left");
        assert_eq!(time_left(now + Duration::days(3), now), "3 days left");
    }

    #[test]
    fn deal_terms_must_save_money_and_fit_the_limits() {
        let single = usd(2500);
        let ok = DealTerms::parse("20.00", "5", "48", "2", single).unwrap();
        assert_eq!((ok.price, ok.size, ok.hours, ok.max_per_customer), (usd(2000), 5, 48, 2));
        assert_eq!(DealTerms::parse("25.00", "5", "48", "1", single).unwrap_err().field(), Some("price"));
        assert_eq!(DealTerms::parse("0", "5", "48", "1", single).unwrap_err().field(), Some("price"));
        for size in ["1", "51", "x", ""] {
            assert_eq!(DealTerms::parse("20", size, "48", "1", single).unwrap_err().field(), Some("size"), "{size}");
        }
        assert_eq!(DealTerms::parse("20", "5", "0", "1", single).unwrap_err().field(), Some("hours"));
        assert_eq!(DealTerms::parse("20", "5", "721", "1", single).unwrap_err().field(), Some("hours"));
        assert_eq!(DealTerms::parse("20", "5", "48", "5", single).unwrap_err().field(), Some("max_per_customer"));
        assert_eq!(DealTerms::parse("20", "5", "48", "0", single).unwrap_err().field(), Some("max_per_customer"));
        assert!(DealTerms::parse("20", "50", "1", "49", single).is_ok());
    }

    #[test]
    fn joins_are_refused_with_a_reason() {
        use GroupStatus::*;
        assert!(check_join(Open, 2, 5, 1, 0, 2).is_ok());
        assert!(check_join(AlmostFull, 3, 5, 2, 0, 2).is_ok());
        let refused = |r: Result<(), AppError>| r.unwrap_err().to_string();
        assert_eq!(refused(check_join(Full, 5, 5, 1, 0, 2)), "This group is full.");
        assert_eq!(refused(check_join(Expired, 1, 5, 1, 0, 2)), "This group has expired.");
        assert_eq!(refused(check_join(Cancelled, 0, 5, 1, 0, 2)), "This group was cancelled.");
        assert_eq!(refused(check_join(AlmostFull, 4, 5, 2, 0, 2)), "Only 1 seat is left.");
        assert_eq!(refused(check_join(Open, 1, 5, 2, 1, 2)), "You may take 1 more in this group.");
        assert_eq!(
            refused(check_join(Open, 1, 5, 1, 2, 2)),
            "You already have the most one customer may take here (2)."
        );
        assert_eq!(check_join(Open, 1, 5, 3, 0, 2).unwrap_err().field(), Some("quantity"));
    }

    #[test]
    fn a_price_other_than_the_groups_is_refused() {
        assert!(confirm_price(usd(2000), usd(2000)).is_ok());
        let err = confirm_price(usd(1), usd(2000)).unwrap_err();
        assert_eq!(err.to_string(), "The group price is $20.00, not $0.01. Nothing was charged.");
        assert!(confirm_price(Money::new(2000, Currency::EUR), usd(2000)).is_err());
        assert_eq!(saving(usd(2500), usd(2000)), usd(500));
        assert_eq!(parse_seats("0").unwrap_err().field(), Some("quantity"));
        assert_eq!(parse_seats(" 2 ").unwrap(), 2);
    }

    #[test]
    fn notices_read_as_sentences() {
        let n = |kind, actor: Option<&str>| Notice {
            group_id: Uuid::nil(),
            product_title: "Linen shirt".into(),
            kind,
            actor: actor.map(str::to_string),
            at: noon(),
        };
        assert_eq!(n(NoticeKind::Joined, Some("ann")).text(), "@ann joined the group for Linen shirt.");
        assert!(n(NoticeKind::Filled, None).text().contains("is full"));
        assert!(n(NoticeKind::Failed, None).text().contains("nobody was charged"));
    }
}

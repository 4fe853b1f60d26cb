//! Notifications: what a user is told, in one inbox with a bell.
//!
//! The domains publish what happened to the outbox (a like, a comment, an
//! order shipped); the relay's `notifications` consumer (`consumer`) turns
//! each event into notices for the people it concerns, and `db::record`
//! decides, in the consumer's transaction, whether each is made: never to
//! yourself, never from an account either side blocked or the recipient
//! muted, never about a post the recipient may not see, and only as the
//! recipient's preference for its category allows. Same-kind actions on the
//! same object batch into one row (`batching`). Every change to a user's
//! notifications moves their inbox's unread count and version in the same
//! transaction and publishes it, so the bell on every open page follows
//! over the real-time channel (`live::Topic::Inbox`).

pub mod api;
pub mod batching;
pub mod components;
#[cfg(feature = "ssr")]
pub mod consumer;
#[cfg(feature = "ssr")]
pub mod db;
#[cfg(all(test, feature = "ssr"))]
mod db_tests;
pub mod digest;
pub mod pages;
pub mod settings;
pub mod text;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::error::AppError;

/// What a notification says happened. Stored as `as_str`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Follow,
    FollowRequest,
    FollowApproved,
    LikePost,
    LikeComment,
    CommentPost,
    ReplyComment,
    MentionPost,
    MentionComment,
    TagImage,
    Repost,
    Quote,
    CollabInvite,
    CollabAccepted,
    CollabDeclined,
    CollabEdited,
    ProductTagged,
    ShopTagged,
    ProductPostLike,
    TaggedPostSold,
    NewOrder,
    OrderPaid,
    OrderShipped,
    OrderDelivered,
    OrderRefunded,
    OrderCancelled,
    GroupJoined,
    GroupFilled,
    GroupFailed,
    InstalmentFailed,
    InstalmentDue,
}

/// What a preference switches, and the inbox's filter tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Follows,
    Likes,
    Comments,
    Mentions,
    Reposts,
    Collaborations,
    Commerce,
}

/// Where a notification's link goes and what the visibility rule asks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Entity {
    Post,
    Comment,
    User,
    Order,
    Group,
    Product,
    Plan,
}

const KINDS: [Kind; 31] = [
    Kind::Follow,
    Kind::FollowRequest,
    Kind::FollowApproved,
    Kind::LikePost,
    Kind::LikeComment,
    Kind::CommentPost,
    Kind::ReplyComment,
    Kind::MentionPost,
    Kind::MentionComment,
    Kind::TagImage,
    Kind::Repost,
    Kind::Quote,
    Kind::CollabInvite,
    Kind::CollabAccepted,
    Kind::CollabDeclined,
    Kind::CollabEdited,
    Kind::ProductTagged,
    Kind::ShopTagged,
    Kind::ProductPostLike,
    Kind::TaggedPostSold,
    Kind::NewOrder,
    Kind::OrderPaid,
    Kind::OrderShipped,
    Kind::OrderDelivered,
    Kind::OrderRefunded,
    Kind::OrderCancelled,
    Kind::GroupJoined,
    Kind::GroupFilled,
    Kind::GroupFailed,
    Kind::InstalmentFailed,
    Kind::InstalmentDue,
];

impl Kind {
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Follow => "follow",
            Kind::FollowRequest => "follow_request",
            Kind::FollowApproved => "follow_approved",
            Kind::LikePost => "like_post",
            Kind::LikeComment => "like_comment",
            Kind::CommentPost => "comment_post",
            Kind::ReplyComment => "reply_comment",
            Kind::MentionPost => "mention_post",
            Kind::MentionComment => "mention_comment",
            Kind::TagImage => "tag_image",
            Kind::Repost => "repost",
            Kind::Quote => "quote",
            Kind::CollabInvite => "collab_invite",
            Kind::CollabAccepted => "collab_accepted",
            Kind::CollabDeclined => "collab_declined",
            Kind::CollabEdited => "collab_edited",
            Kind::ProductTagged => "product_tagged",
            Kind::ShopTagged => "shop_tagged",
            Kind::ProductPostLike => "product_post_like",
            Kind::TaggedPostSold => "tagged_post_sold",
            Kind::NewOrder => "new_order",
            Kind::OrderPaid => "order_paid",
            Kind::OrderShipped => "order_shipped",
            Kind::OrderDelivered => "order_delivered",
            Kind::OrderRefunded => "order_refunded",
            Kind::OrderCancelled => "order_cancelled",
            Kind::GroupJoined => "group_joined",
            Kind::GroupFilled => "group_filled",
            Kind::GroupFailed => "group_failed",
            Kind::InstalmentFailed => "instalment_failed",
            Kind::InstalmentDue => "instalment_due",
        }
    }

    pub fn parse(raw: &str) -> Option<Kind> {
        KINDS.into_iter().find(|k| k.as_str() == raw)
    }

    /// The preference that switches it. Order updates to the buyer are
    /// commerce too, but `critical` keeps them coming whatever it says.
    pub fn category(self) -> Category {
        use Kind::*;
        match self {
            Follow | FollowRequest | FollowApproved => Category::Follows,
            LikePost | LikeComment => Category::Likes,
            CommentPost | ReplyComment => Category::Comments,
            MentionPost | MentionComment | TagImage => Category::Mentions,
            Repost | Quote => Category::Reposts,
            CollabInvite | CollabAccepted | CollabDeclined | CollabEdited => Category::Collaborations,
            ProductTagged | ShopTagged | ProductPostLike | TaggedPostSold | NewOrder | OrderPaid | OrderShipped
            | OrderDelivered | OrderRefunded | OrderCancelled | GroupJoined | GroupFilled | GroupFailed
            | InstalmentFailed | InstalmentDue => Category::Commerce,
        }
    }

    /// About the recipient's own money or purchases: made whatever the
    /// preferences say (a buyer must hear that an order shipped or that an
    /// instalment failed).
    pub fn critical(self) -> bool {
        use Kind::*;
        matches!(
            self,
            OrderPaid
                | OrderShipped
                | OrderDelivered
                | OrderRefunded
                | OrderCancelled
                | GroupFailed
                | InstalmentFailed
                | InstalmentDue
        )
    }
}

impl Category {
    pub const ALL: [Category; 7] = [
        Category::Follows,
        Category::Likes,
        Category::Comments,
        Category::Mentions,
        Category::Reposts,
        Category::Collaborations,
        Category::Commerce,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Follows => "follows",
            Category::Likes => "likes",
            Category::Comments => "comments",
            Category::Mentions => "mentions",
            Category::Reposts => "reposts",
            Category::Collaborations => "collaborations",
            Category::Commerce => "commerce",
        }
    }

    pub fn parse(raw: &str) -> Result<Category, AppError> {
        Category::ALL
            .into_iter()
            .find(|c| c.as_str() == raw)
            .ok_or_else(|| AppError::validation("category", "Pick a kind of notification from the list."))
    }

    pub fn label(self) -> &'static str {
        match self {
            Category::Follows => "New followers and follow requests",
            Category::Likes => "Likes",
            Category::Comments => "Comments and replies",
            Category::Mentions => "Mentions and tags",
            Category::Reposts => "Reposts and quotes",
            Category::Collaborations => "Collaborations",
            Category::Commerce => "Shop activity, groups and plans",
        }
    }

    /// Kinds it covers, for the inbox's filter.
    pub fn kinds(self) -> Vec<&'static str> {
        KINDS.into_iter().filter(|k| k.category() == self).map(Kind::as_str).collect()
    }
}

impl Entity {
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Post => "post",
            Entity::Comment => "comment",
            Entity::User => "user",
            Entity::Order => "order",
            Entity::Group => "group",
            Entity::Product => "product",
            Entity::Plan => "plan",
        }
    }
}

/// A category's setting: everyone, nobody, or only accounts you follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    On,
    Off,
    Following,
}

impl Setting {
    pub const ALL: [Setting; 3] = [Setting::On, Setting::Following, Setting::Off];

    pub fn as_str(self) -> &'static str {
        match self {
            Setting::On => "on",
            Setting::Off => "off",
            Setting::Following => "following",
        }
    }

    pub fn parse(raw: &str) -> Result<Setting, AppError> {
        Setting::ALL
            .into_iter()
            .find(|s| s.as_str() == raw)
            .ok_or_else(|| AppError::validation("setting", "Choose on, off or only from people you follow."))
    }

    pub fn label(self) -> &'static str {
        match self {
            Setting::On => "From everyone",
            Setting::Following => "From people I follow",
            Setting::Off => "Off",
        }
    }
}

/// The inbox's tabs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Filter {
    #[default]
    All,
    Mentions,
    Commerce,
}

impl Filter {
    pub const ALL: [Filter; 3] = [Filter::All, Filter::Mentions, Filter::Commerce];

    pub fn parse(raw: Option<&str>) -> Filter {
        match raw {
            Some("mentions") => Filter::Mentions,
            Some("commerce") => Filter::Commerce,
            _ => Filter::All,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Filter::All => "all",
            Filter::Mentions => "mentions",
            Filter::Commerce => "commerce",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Filter::All => "All",
            Filter::Mentions => "Mentions",
            Filter::Commerce => "Commerce",
        }
    }

    /// The kinds it shows (`None`: every kind).
    pub fn kinds(self) -> Option<Vec<&'static str>> {
        match self {
            Filter::All => None,
            Filter::Mentions => Some(Category::Mentions.kinds()),
            Filter::Commerce => Some(Category::Commerce.kinds()),
        }
    }
}

/// The bell: how many unread, and the version they were counted at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct Inbox {
    pub unread: i32,
    pub version: i64,
}

impl Inbox {
    /// What the bell's badge reads ("" for none, "99+" past 99).
    pub fn badge(self) -> String {
        match self.unread {
            n if n <= 0 => String::new(),
            n if n > 99 => "99+".into(),
            n => n.to_string(),
        }
    }

    /// The newer of two counts: a late, older one never wins.
    pub fn newer(self, other: Inbox) -> Inbox {
        if other.version > self.version {
            other
        } else {
            self
        }
    }
}

/// One row of the inbox as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationView {
    pub id: Uuid,
    pub kind: Kind,
    /// The newest actors first (at most `text::NAMED` + 1), by username.
    pub actors: Vec<String>,
    pub actor_count: i32,
    pub preview: Option<String>,
    /// What the row links to.
    pub href: String,
    pub updated_at: DateTime<Utc>,
    pub read: bool,
    /// The newest actor's picture.
    pub avatar_url: Option<String>,
}

impl NotificationView {
    pub fn sentence(&self) -> String {
        text::sentence(self.kind, &self.actors, self.actor_count, self.preview.as_deref())
    }
}

/// A page of the inbox, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxPage {
    pub items: Vec<NotificationView>,
    /// The `before` of the next page, if any.
    pub next: Option<String>,
    pub inbox: Inbox,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_each_has_a_category() {
        for kind in KINDS {
            assert_eq!(Kind::parse(kind.as_str()), Some(kind));
            assert!(Category::ALL.contains(&kind.category()));
        }
        assert_eq!(Kind::parse("poke"), None);
        let covered: usize = Category::ALL.iter().map(|c| c.kinds().len()).sum();
        assert_eq!(covered, KINDS.len(), "every kind in exactly one category");
    }

    #[test]
    fn only_the_buyers_own_money_is_critical() {
        assert!(Kind::OrderShipped.critical());
        assert!(Kind::InstalmentFailed.critical());
        assert!(!Kind::NewOrder.critical(), "a shop may switch its order news off");
        assert!(!Kind::LikePost.critical());
    }

    #[test]
    fn settings_and_categories_parse_what_they_print() {
        for s in Setting::ALL {
            assert_eq!(Setting::parse(s.as_str()).unwrap(), s);
        }
        for c in Category::ALL {
            assert_eq!(Category::parse(c.as_str()).unwrap(), c);
        }
        assert!(Setting::parse("sometimes").is_err());
        assert!(Category::parse("weather").is_err());
    }

    #[test]
    fn the_badge_is_empty_for_none_and_caps_at_99() {
        assert_eq!(Inbox { unread: 0, version: 1 }.badge(), "");
        assert_eq!(Inbox { unread: 7, version: 1 }.badge(), "7");
        assert_eq!(Inbox { unread: 100, version: 1 }.badge(), "99+");
    }

    #[test]
    fn a_late_older_count_never_replaces_a_newer_one() {
        let new = Inbox { unread: 0, version: 9 };
        let old = Inbox { unread: 4, version: 8 };
        assert_eq!(new.newer(old), new);
        assert_eq!(old.newer(new), new);
    }

    #[test]
    fn filters_parse_from_the_query_and_name_their_kinds() {
        assert_eq!(Filter::parse(Some("mentions")), Filter::Mentions);
        assert_eq!(Filter::parse(Some("bogus")), Filter::All);
        assert_eq!(Filter::parse(None), Filter::All);
        assert!(Filter::All.kinds().is_none());
        assert!(Filter::Mentions.kinds().unwrap().contains(&"tag_image"));
        assert!(Filter::Commerce.kinds().unwrap().contains(&"order_shipped"));
    }
}

//! The relay's `notifications` consumer: each outbox event becomes the
//! notices it means for the people it concerns, read against the rows as
//! they are now (a deleted comment, a post gone private: `db::record` then
//! skips it). It runs in the relay's transaction with its cursor, so an
//! event is turned into notifications exactly once, and a failure retries
//! the whole batch.

use sqlx::PgConnection;
use uuid::Uuid;

use super::db::{self, Notice};
use super::text::preview;
use super::{Entity, Kind};
use crate::error::AppResult;
use crate::outbox::{Consumer, Event, HandleFuture};
use crate::posts::events as post_events;
use crate::posts::text::{mentions, Mention};
use crate::social::events as social_events;

pub struct NotificationsConsumer;

impl Consumer for NotificationsConsumer {
    fn name(&self) -> &'static str {
        "notifications"
    }

    /// A like costs a few milliseconds here (the rules, the row, its
    /// actors, the inbox): 25 keep each transaction near a tenth of a
    /// second, so a bell's update never waits behind hundreds of others'
    /// and the relay's other readers are not held back meanwhile.
    fn batch(&self) -> i64 {
        25
    }

    fn handle<'a>(&'a self, tx: &'a mut PgConnection, events: &'a [Event]) -> HandleFuture<'a> {
        Box::pin(async move {
            for event in events {
                apply(tx, event).await?;
            }
            Ok(())
        })
    }
}

async fn apply(tx: &mut PgConnection, e: &Event) -> AppResult<()> {
    let post = e.aggregate_id;
    let actor = e.uuid("actor_id");
    match (e.aggregate.as_str(), e.kind.as_str()) {
        (post_events::AGGREGATE, post_events::LIKED) => match (e.uuid("author_id"), actor) {
            (Some(author), Some(actor)) => liked(tx, post, author, actor).await,
            _ => Ok(()),
        },
        (post_events::AGGREGATE, post_events::UNLIKED) => match (e.uuid("author_id"), actor) {
            (Some(author), Some(actor)) => {
                db::withdraw(tx, author, Kind::LikePost, post, actor).await?;
                for owner in product_owners(tx, post).await? {
                    db::withdraw(tx, owner.0, Kind::ProductPostLike, post, actor).await?;
                }
                Ok(())
            }
            _ => Ok(()),
        },
        (post_events::AGGREGATE, post_events::COMMENTED) => match e.uuid("comment_id") {
            Some(comment) => commented(tx, post, comment).await,
            None => Ok(()),
        },
        (post_events::AGGREGATE, post_events::COMMENT_LIKED) => match (e.uuid("comment_id"), actor) {
            (Some(comment), Some(actor)) => comment_liked(tx, post, comment, actor).await,
            _ => Ok(()),
        },
        (post_events::AGGREGATE, post_events::COMMENT_UNLIKED) => match (e.uuid("comment_id"), actor) {
            (Some(comment), Some(actor)) => {
                let author = sqlx::query_scalar!("SELECT author_id FROM comments WHERE id = $1", comment)
                    .fetch_optional(&mut *tx)
                    .await?;
                match author {
                    Some(author) => db::withdraw(tx, author, Kind::LikeComment, comment, actor).await,
                    None => Ok(()),
                }
            }
            _ => Ok(()),
        },
        (post_events::AGGREGATE, post_events::PUBLISHED) => published(tx, post).await,
        (post_events::AGGREGATE, post_events::EDITED) => edited(tx, post).await,
        (post_events::AGGREGATE, post_events::TAGS_CHANGED) => tagged(tx, post).await,
        (post_events::AGGREGATE, post_events::DELETED | post_events::REMOVED) => db::forget_post(tx, post).await,
        (post_events::AGGREGATE, post_events::COLLAB_INVITED) => match e.uuid("user_id") {
            Some(invitee) => invited(tx, post, invitee).await,
            None => Ok(()),
        },
        (post_events::AGGREGATE, post_events::COLLAB_DECLINED) => match (e.uuid("author_id"), actor) {
            (Some(author), Some(actor)) => tell(tx, author, Kind::CollabDeclined, post, Some(actor), None).await,
            _ => Ok(()),
        },
        (post_events::AGGREGATE, post_events::COLLABORATORS_CHANGED) => {
            let joined = e.payload.get("joined").and_then(|j| j.as_bool()) == Some(true);
            match (joined, e.uuid("author_id"), e.uuid("user_id")) {
                (true, Some(author), Some(coauthor)) => {
                    tell(tx, author, Kind::CollabAccepted, post, Some(coauthor), None).await
                }
                _ => Ok(()),
            }
        }
        (social_events::AGGREGATE, social_events::FOLLOW_ACCEPTED | social_events::FOLLOW_REQUESTED) => {
            match (e.uuid("follower_id"), e.uuid("followee_id")) {
                (Some(follower), Some(followee)) => followed(tx, e, follower, followee).await,
                _ => Ok(()),
            }
        }
        ("order", crate::attribution::ORDER_ATTRIBUTED) => sold_through_posts(tx, e.aggregate_id).await,
        ("order", kind) => order_event(tx, e.aggregate_id, kind, e).await,
        ("group", crate::groups::NOTICED) => group_notice(tx, e).await,
        _ => Ok(()),
    }
}

/// A notice about post `post`, linking to it.
async fn tell(
    tx: &mut PgConnection,
    to: Uuid,
    kind: Kind,
    post: Uuid,
    actor: Option<Uuid>,
    text: Option<String>,
) -> AppResult<()> {
    let notice = Notice {
        recipient: to,
        kind,
        entity: Entity::Post,
        entity_id: post,
        post_id: Some(post),
        comment_id: None,
        actor,
        preview: text,
        href: format!("/post/{post}"),
    };
    db::record(tx, &notice).await?;
    Ok(())
}

/// The shops' owners whose products the post tags or links, with one
/// product's title each.
async fn product_owners(tx: &mut PgConnection, post: Uuid) -> AppResult<Vec<(Uuid, String)>> {
    let rows = sqlx::query!(
        r#"SELECT DISTINCT ON (s.owner_id) s.owner_id, pr.title
           FROM (SELECT t.product_id FROM image_tags t JOIN post_media m ON m.id = t.media_id
                 WHERE m.post_id = $1 AND t.product_id IS NOT NULL
                 UNION SELECT product_id FROM post_links WHERE post_id = $1 AND product_id IS NOT NULL) x
           JOIN products pr ON pr.id = x.product_id JOIN shops s ON s.id = pr.shop_id
           ORDER BY s.owner_id, pr.title"#,
        post
    )
    .fetch_all(&mut *tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.owner_id, r.title)).collect())
}

async fn liked(tx: &mut PgConnection, post: Uuid, author: Uuid, actor: Uuid) -> AppResult<()> {
    tell(tx, author, Kind::LikePost, post, Some(actor), None).await?;
    for (owner, title) in product_owners(tx, post).await? {
        if owner != author {
            tell(tx, owner, Kind::ProductPostLike, post, Some(actor), Some(title)).await?;
        }
    }
    Ok(())
}

async fn commented(tx: &mut PgConnection, post: Uuid, comment: Uuid) -> AppResult<()> {
    let Some(c) = sqlx::query!(
        r#"SELECT c.author_id, c.body, c.parent_id, p.author_id AS post_author, pc.author_id AS "parent_author?"
           FROM comments c JOIN posts p ON p.id = c.post_id LEFT JOIN comments pc ON pc.id = c.parent_id
           WHERE c.id = $1 AND c.deleted_at IS NULL"#,
        comment
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(());
    };
    let about = |recipient: Uuid, kind: Kind| Notice {
        recipient,
        kind,
        entity: Entity::Comment,
        entity_id: comment,
        post_id: Some(post),
        comment_id: Some(comment),
        actor: Some(c.author_id),
        preview: Some(preview(&c.body)),
        href: format!("/post/{post}#comment-{comment}"),
    };
    let mut told = vec![c.author_id];
    if let Some(parent_author) = c.parent_author {
        db::record(tx, &about(parent_author, Kind::ReplyComment)).await?;
        told.push(parent_author);
    }
    if !told.contains(&c.post_author) {
        db::record(tx, &about(c.post_author, Kind::CommentPost)).await?;
        told.push(c.post_author);
    }
    for user in mentioned(tx, &c.body).await? {
        if !told.contains(&user) {
            db::record(tx, &about(user, Kind::MentionComment)).await?;
        }
    }
    Ok(())
}

/// The accounts `@named` in `body` that exist.
async fn mentioned(tx: &mut PgConnection, body: &str) -> AppResult<Vec<Uuid>> {
    let names: Vec<String> = mentions(body)
        .into_iter()
        .filter_map(|m| match m {
            Mention::User(name) => Some(name.to_lowercase()),
            _ => None,
        })
        .collect();
    if names.is_empty() {
        return Ok(Vec::new());
    }
    Ok(sqlx::query_scalar!("SELECT id FROM users WHERE lower(username) = ANY($1)", &names).fetch_all(&mut *tx).await?)
}

async fn comment_liked(tx: &mut PgConnection, post: Uuid, comment: Uuid, actor: Uuid) -> AppResult<()> {
    let Some(c) = sqlx::query!("SELECT author_id, body FROM comments WHERE id = $1 AND deleted_at IS NULL", comment)
        .fetch_optional(&mut *tx)
        .await?
    else {
        return Ok(());
    };
    let notice = Notice {
        recipient: c.author_id,
        kind: Kind::LikeComment,
        entity: Entity::Comment,
        entity_id: comment,
        post_id: Some(post),
        comment_id: Some(comment),
        actor: Some(actor),
        preview: Some(preview(&c.body)),
        href: format!("/post/{post}#comment-{comment}"),
    };
    db::record(tx, &notice).await?;
    Ok(())
}

struct PostFacts {
    author: Uuid,
    body: String,
    repost_of: Option<Uuid>,
    quote_of: Option<Uuid>,
    published: bool,
}

async fn post_facts(tx: &mut PgConnection, post: Uuid) -> AppResult<Option<PostFacts>> {
    Ok(sqlx::query!("SELECT author_id, body, repost_of, quote_of, status FROM posts WHERE id = $1", post)
        .fetch_optional(&mut *tx)
        .await?
        .map(|r| PostFacts {
            author: r.author_id,
            body: r.body,
            repost_of: r.repost_of,
            quote_of: r.quote_of,
            published: r.status == "published",
        }))
}

/// A post went out: its original's author hears of a repost or quote,
/// the people it mentions or tags hear of it, and invitations sent while
/// it was a draft reach their invitees now.
async fn published(tx: &mut PgConnection, post: Uuid) -> AppResult<()> {
    let Some(p) = post_facts(tx, post).await? else { return Ok(()) };
    if !p.published {
        return Ok(());
    }
    if let Some(original) = p.repost_of {
        if let Some(o) = post_facts(tx, original).await? {
            tell(tx, o.author, Kind::Repost, original, Some(p.author), None).await?;
        }
        return Ok(());
    }
    if let Some(original) = p.quote_of {
        if let Some(o) = post_facts(tx, original).await? {
            let text = Some(preview(&p.body)).filter(|t| !t.is_empty());
            tell(tx, o.author, Kind::Quote, post, Some(p.author), text).await?;
        }
    }
    mentioned_in_post(tx, post, &p).await?;
    tagged(tx, post).await?;
    let invitees =
        sqlx::query_scalar!("SELECT user_id FROM post_collaborators WHERE post_id = $1 AND status = 'invited'", post)
            .fetch_all(&mut *tx)
            .await?;
    for invitee in invitees {
        invited(tx, post, invitee).await?;
    }
    Ok(())
}

async fn mentioned_in_post(tx: &mut PgConnection, post: Uuid, p: &PostFacts) -> AppResult<()> {
    for user in mentioned(tx, &p.body).await? {
        tell(tx, user, Kind::MentionPost, post, Some(p.author), None).await?;
    }
    Ok(())
}

/// An edit: people newly mentioned hear of it (those told before are not
/// told again), and co-authors hear that the creator changed their post.
async fn edited(tx: &mut PgConnection, post: Uuid) -> AppResult<()> {
    let Some(p) = post_facts(tx, post).await? else { return Ok(()) };
    if !p.published {
        return Ok(());
    }
    mentioned_in_post(tx, post, &p).await?;
    let coauthors =
        sqlx::query_scalar!("SELECT user_id FROM post_collaborators WHERE post_id = $1 AND status = 'accepted'", post)
            .fetch_all(&mut *tx)
            .await?;
    for coauthor in coauthors {
        tell(tx, coauthor, Kind::CollabEdited, post, Some(p.author), None).await?;
    }
    Ok(())
}

/// The post's image tags: each tagged account, each tagged shop's owner
/// and each tagged product's shop owner hears of it once.
async fn tagged(tx: &mut PgConnection, post: Uuid) -> AppResult<()> {
    let Some(p) = post_facts(tx, post).await? else { return Ok(()) };
    if !p.published {
        return Ok(());
    }
    let tags = sqlx::query!(
        r#"SELECT t.kind, t.user_id, s.owner_id AS "shop_owner?", ps.owner_id AS "product_owner?",
                  pr.title AS "product?"
           FROM image_tags t JOIN post_media m ON m.id = t.media_id
           LEFT JOIN shops s ON s.id = t.shop_id
           LEFT JOIN products pr ON pr.id = t.product_id LEFT JOIN shops ps ON ps.id = pr.shop_id
           WHERE m.post_id = $1"#,
        post
    )
    .fetch_all(&mut *tx)
    .await?;
    for t in tags {
        match (t.kind.as_str(), t.user_id, t.shop_owner, t.product_owner) {
            ("user", Some(user), _, _) => tell(tx, user, Kind::TagImage, post, Some(p.author), None).await,
            ("shop", _, Some(owner), _) => tell(tx, owner, Kind::ShopTagged, post, Some(p.author), None).await,
            ("product", _, _, Some(owner)) => {
                tell(tx, owner, Kind::ProductTagged, post, Some(p.author), t.product.clone()).await
            }
            _ => Ok(()),
        }?;
    }
    Ok(())
}

async fn invited(tx: &mut PgConnection, post: Uuid, invitee: Uuid) -> AppResult<()> {
    let Some(p) = post_facts(tx, post).await? else { return Ok(()) };
    if p.published {
        let notice = Notice {
            recipient: invitee,
            kind: Kind::CollabInvite,
            entity: Entity::Post,
            entity_id: post,
            post_id: Some(post),
            comment_id: None,
            actor: Some(p.author),
            preview: None,
            href: "/collabs".into(),
        };
        db::record(tx, &notice).await?;
    }
    Ok(())
}

async fn followed(tx: &mut PgConnection, e: &Event, follower: Uuid, followee: Uuid) -> AppResult<()> {
    let approved = e.payload.get("approved").and_then(|a| a.as_bool()) == Some(true);
    let (recipient, kind, actor, href) = match (e.kind.as_str(), approved) {
        (social_events::FOLLOW_REQUESTED, _) => (followee, Kind::FollowRequest, follower, "/follow-requests"),
        (_, true) => (follower, Kind::FollowApproved, followee, "/"),
        (_, false) => (followee, Kind::Follow, follower, "/"),
    };
    let notice = Notice {
        recipient,
        kind,
        entity: Entity::User,
        // The grouping key: all of a user's new followers batch together.
        entity_id: recipient,
        post_id: None,
        comment_id: None,
        actor: Some(actor),
        preview: None,
        // Follows link to the newest follower's profile (`db::page`).
        href: href.into(),
    };
    db::record(tx, &notice).await?;
    Ok(())
}

/// Orders: the shop's owner hears of each new order; the buyer (never a
/// guest, who has no inbox) of payment, shipping, delivery, refunds,
/// cancellation and failed instalments.
async fn order_event(tx: &mut PgConnection, order: Uuid, kind: &str, e: &Event) -> AppResult<()> {
    let Some(o) = sqlx::query!(
        r#"SELECT o.number, o.buyer_id, o.carrier, o.tracking_number, s.owner_id, s.handle
           FROM orders o JOIN shops s ON s.id = o.shop_id WHERE o.id = $1"#,
        order
    )
    .fetch_optional(&mut *tx)
    .await?
    else {
        return Ok(());
    };
    let number = format!("#{}", o.number);
    let to_buyer = |kind: Kind, text: String| {
        o.buyer_id.map(|buyer| Notice {
            recipient: buyer,
            kind,
            entity: Entity::Order,
            entity_id: order,
            post_id: None,
            comment_id: None,
            actor: None,
            preview: Some(text),
            href: format!("/orders/{order}"),
        })
    };
    let notice = match kind {
        "order.placed" => Some(Notice {
            recipient: o.owner_id,
            kind: Kind::NewOrder,
            entity: Entity::Order,
            entity_id: order,
            post_id: None,
            comment_id: None,
            actor: o.buyer_id,
            preview: Some(number.clone()),
            href: format!("/s/{}/orders", o.handle),
        }),
        "order.paid" => to_buyer(Kind::OrderPaid, number),
        "order.shipped" => {
            let tracking = match (o.carrier.as_deref(), o.tracking_number.as_deref()) {
                (Some(carrier), Some(number)) => format!("{number} via {carrier}"),
                (None, Some(number)) => number.to_string(),
                _ => number,
            };
            to_buyer(Kind::OrderShipped, tracking)
        }
        "order.delivered" => to_buyer(Kind::OrderDelivered, number),
        "order.refunded" | "order.partially_refunded" => to_buyer(Kind::OrderRefunded, number),
        "order.cancelled" => to_buyer(Kind::OrderCancelled, number),
        crate::plans::instalments::INSTALMENT_DUE => {
            let amount = e.payload.get("amount_minor").and_then(|a| a.as_i64());
            let currency = e.payload.get("currency").and_then(|c| c.as_str()).map(crate::money::Currency::parse);
            let due_on = e.payload.get("due_on").and_then(|d| d.as_str()).unwrap_or_default();
            let text = match (amount, currency) {
                (Some(amount), Some(Ok(currency))) => {
                    format!("{} for order {number} on {due_on}", crate::money::Money::new(amount, currency).display())
                }
                _ => format!("order {number} on {due_on}"),
            };
            to_buyer(Kind::InstalmentDue, text)
        }
        crate::plans::instalments::INSTALMENT_FAILED => {
            let failure = e.payload.get("failure").and_then(|f| f.as_str()).unwrap_or("the card was declined");
            to_buyer(Kind::InstalmentFailed, format!("order {number}: {failure}"))
        }
        _ => None,
    };
    if let Some(notice) = notice {
        db::record(tx, &notice).await?;
    }
    Ok(())
}

/// An attributed order: the shop's owner hears which posts sold what,
/// with the buyer as the actor (a guest's purchase names nobody).
async fn sold_through_posts(tx: &mut PgConnection, order: Uuid) -> AppResult<()> {
    let sold = sqlx::query!(
        r#"SELECT DISTINCT ON (c.post_id) c.post_id AS "post_id!", s.owner_id, o.buyer_id, l.title
           FROM attribution_credits c JOIN order_lines l ON l.id = c.order_line_id
           JOIN orders o ON o.id = l.order_id JOIN shops s ON s.id = o.shop_id
           WHERE l.order_id = $1 AND c.post_id IS NOT NULL
           ORDER BY c.post_id, l.title"#,
        order
    )
    .fetch_all(&mut *tx)
    .await?;
    for s in sold {
        tell(tx, s.owner_id, Kind::TaggedPostSold, s.post_id, s.buyer_id, Some(s.title)).await?;
    }
    Ok(())
}

/// A buy-together group's notice (`groups::seats`): the same people hear
/// of it here.
async fn group_notice(tx: &mut PgConnection, e: &Event) -> AppResult<()> {
    let group = e.aggregate_id;
    let kind = match e.payload.get("kind").and_then(|k| k.as_str()) {
        Some("joined") => Kind::GroupJoined,
        Some("filled") => Kind::GroupFilled,
        Some("failed") => Kind::GroupFailed,
        _ => return Ok(()),
    };
    let except = e.uuid("except");
    let rows = sqlx::query!(
        r#"SELECT who AS "who!", (SELECT p.title FROM buy_groups g JOIN products p ON p.id = g.product_id
                                  WHERE g.id = $1) AS "title!"
           FROM (SELECT organiser_id AS who FROM buy_groups WHERE id = $1
                 UNION
                 SELECT user_id FROM group_members WHERE group_id = $1 AND status <> 'declined') people
           WHERE who IS DISTINCT FROM $2"#,
        group,
        except
    )
    .fetch_all(&mut *tx)
    .await?;
    for r in rows {
        let notice = Notice {
            recipient: r.who,
            kind,
            entity: Entity::Group,
            entity_id: group,
            post_id: None,
            comment_id: None,
            actor: e.uuid("actor_id"),
            preview: Some(r.title),
            href: format!("/groups/{group}"),
        };
        db::record(tx, &notice).await?;
    }
    Ok(())
}

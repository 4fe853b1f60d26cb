//! The events posts publish to the outbox, each in the transaction of the
//! change it names. Timelines fan out and prune on them; the feed card
//! cache drops the cards they change.

use serde_json::json;
use sqlx::PgConnection;
use uuid::Uuid;

use crate::error::AppResult;

pub const AGGREGATE: &str = "post";
/// A post (new, or a draft) went out: `author_id`.
pub const PUBLISHED: &str = "post.published";
/// Its text or visibility changed.
pub const EDITED: &str = "post.edited";
/// It was deleted.
pub const DELETED: &str = "post.deleted";
/// An admin removed it (`moderation`): it leaves every reader's feeds but
/// its author's; the card cache drops its card.
pub const REMOVED: &str = "post.removed";
/// Its like, comment, repost, quote or bookmark count changed: by a write,
/// or by `reconcile` fixing a count that drifted.
pub const COUNTS_CHANGED: &str = "post.counts_changed";
/// A tag on one of its images was added, moved or removed.
pub const TAGS_CHANGED: &str = "post.tags_changed";
/// A product, shop or event card was linked to it or unlinked.
pub const LINKS_CHANGED: &str = "post.links_changed";
/// Its author turned comments off or on.
pub const COMMENTS_SWITCHED: &str = "post.comments_switched";
/// A co-author joined it or left (`posts::collabs`): `author_id` (its
/// creator), `user_id` (the co-author) and `joined` (true when they
/// accepted, false when they left or were removed). Timelines fan the post
/// out to the co-author's followers, or take it back; the card cache
/// drops its card (the byline changed).
pub const COLLABORATORS_CHANGED: &str = "post.collaborators_changed";
/// Someone (`actor_id`) liked it, or took the like back: notifications.
pub const LIKED: &str = "post.liked";
pub const UNLIKED: &str = "post.unliked";
/// `actor_id` wrote comment `comment_id` on it (a top-level comment or a
/// reply): notifications.
pub const COMMENTED: &str = "post.commented";
/// `actor_id` liked comment `comment_id` on it, or took the like back.
pub const COMMENT_LIKED: &str = "post.comment_liked";
pub const COMMENT_UNLIKED: &str = "post.comment_unliked";
/// Its creator (`author_id`) invited `user_id` to co-author it, or the
/// invitee declined: notifications (an acceptance is `COLLABORATORS_CHANGED`).
pub const COLLAB_INVITED: &str = "post.collab_invited";
pub const COLLAB_DECLINED: &str = "post.collab_declined";

pub async fn publish(tx: &mut PgConnection, kind: &str, post_id: Uuid, author_id: Uuid) -> AppResult<()> {
    crate::outbox::publish(tx, AGGREGATE, post_id, kind, json!({ "author_id": author_id })).await
}

/// `COLLABORATORS_CHANGED`: `coauthor` joined (`joined`) or left `post_id`.
pub async fn collaborators_changed(
    tx: &mut PgConnection,
    post_id: Uuid,
    author_id: Uuid,
    coauthor: Uuid,
    joined: bool,
) -> AppResult<()> {
    let payload = json!({ "author_id": author_id, "user_id": coauthor, "joined": joined });
    crate::outbox::publish(tx, AGGREGATE, post_id, COLLABORATORS_CHANGED, payload).await
}

/// An event naming who did it: `actor_id`, and whatever `extra` adds
/// (`comment_id`, `user_id`), beside the post's `author_id`.
pub async fn acted(
    tx: &mut PgConnection,
    kind: &str,
    post_id: Uuid,
    author_id: Uuid,
    actor_id: Uuid,
    extra: Option<(&str, Uuid)>,
) -> AppResult<()> {
    let mut payload = json!({ "author_id": author_id, "actor_id": actor_id });
    if let Some((field, id)) = extra {
        payload[field] = json!(id);
    }
    crate::outbox::publish(tx, AGGREGATE, post_id, kind, payload).await
}

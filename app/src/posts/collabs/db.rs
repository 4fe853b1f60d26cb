//! SQL for collaborative posts. Every change takes the post row's lock
//! first: inviting takes it `FOR UPDATE` (as each change by the creator
//! does) and counts the post's collaborators only once it holds it, so
//! invitations racing each other never pass ten; accepting, declining,
//! leaving and removal take it too, so none of them interleaves with the
//! post's deletion. A co-author joining or leaving is a post event
//! (`events::COLLABORATORS_CHANGED`), written in the same transaction:
//! timelines fan out or prune on it and the card cache drops the card.
//!
//! Who may see a post is `post_visible_to`, asked as everywhere else: an
//! invitation is listed and answered only while its invitee may see the
//! post (so not while it is a draft). Co-authoring changes where a post is
//! listed (profiles, home feeds), not who may see it, and not its
//! creator's `posts_count`, which counts the posts an account created.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{too_many, CollabStatus, Collaborator, Invite, FIELD, INVITES_SHOWN, MAX_COLLABORATORS};
use crate::error::{AppError, AppResult};
use crate::posts::db::PostRow;
use crate::posts::{events, Author};

fn signed_in(actor: Option<Uuid>) -> AppResult<Uuid> {
    actor.ok_or(AppError::Unauthorized)
}

fn no_post() -> AppError {
    AppError::NotFound("Post".into())
}

fn no_invitation() -> AppError {
    AppError::NotFound("Invitation".into())
}

/// The answer for an account that does not exist, or stands across a block
/// from the post's creator: the same, so a block is not revealed.
fn no_account(name: &str) -> AppError {
    AppError::validation(FIELD, format!("No such account: @{name}."))
}

/// Locks a post for a change only its creator may make (`FOR UPDATE`):
/// `NotFound` when the caller may not see it, `Forbidden` when they may
/// but did not create it.
async fn lock_as_creator(tx: &mut PgConnection, post_id: Uuid, actor: Uuid) -> AppResult<()> {
    let post = sqlx::query!(
        r#"SELECT p.author_id, post_visible_to(p, $2) AS "visible!"
           FROM posts p WHERE p.id = $1 AND p.status <> 'deleted'
           FOR UPDATE"#,
        post_id,
        actor
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(no_post)?;
    match (post.author_id == actor, post.visible) {
        (true, _) => Ok(()),
        (false, true) => Err(AppError::Forbidden),
        (false, false) => Err(no_post()),
    }
}

/// Invites `names` (as `parse_usernames` left them) to co-author the
/// creator's post, in the caller's transaction: all of them or, with a
/// message naming the first that can't be, none. Takes the post row's lock
/// before counting what the post has, so concurrent invitations stay within
/// `MAX_COLLABORATORS`. Nobody is invited twice, nor the creator, nor an
/// account that doesn't exist or stands across a block (the same answer for
/// both), nor one that could not see the post once published.
pub(crate) async fn invite_locked(
    tx: &mut PgConnection,
    post_id: Uuid,
    creator: Uuid,
    names: &[String],
) -> AppResult<()> {
    if names.len() > MAX_COLLABORATORS {
        return Err(too_many(0));
    }
    sqlx::query!("SELECT id FROM posts WHERE id = $1 FOR UPDATE", post_id).fetch_optional(&mut *tx).await?;
    // Read after the lock: a statement of its own sees what the invitations
    // before it committed.
    let existing = sqlx::query!("SELECT user_id, status FROM post_collaborators WHERE post_id = $1", post_id)
        .fetch_all(&mut *tx)
        .await?;
    // Whether each could see the post once published: the one rule, asked
    // of the post as it will be (a draft is seen by nobody else yet).
    let found = sqlx::query!(
        r#"SELECT u.id, u.username, blocked_between(u.id, p.author_id) AS "blocked!",
                  post_visible_to(jsonb_populate_record(p, '{"status": "published"}'::jsonb), u.id) AS "could_see!"
           FROM posts p, users u
           WHERE p.id = $1 AND u.username = ANY($2)"#,
        post_id,
        names
    )
    .fetch_all(&mut *tx)
    .await?;
    let mut invited: Vec<Uuid> = Vec::with_capacity(names.len());
    for name in names {
        let account = found.iter().find(|u| &u.username == name).filter(|u| !u.blocked);
        let Some(account) = account else { return Err(no_account(name)) };
        if account.id == creator {
            return Err(AppError::validation(FIELD, "You can't invite yourself: you are the post's creator."));
        }
        match existing.iter().find(|e| e.user_id == account.id).and_then(|e| CollabStatus::parse(&e.status)) {
            Some(CollabStatus::Invited) => {
                return Err(AppError::validation(FIELD, format!("@{name} is already invited.")));
            }
            Some(CollabStatus::Accepted) => {
                return Err(AppError::validation(FIELD, format!("@{name} already co-authors this post.")));
            }
            None => {}
        }
        if !account.could_see {
            return Err(AppError::validation(
                FIELD,
                format!("@{name} can't see this post (only your followers can), so they can't co-author it."),
            ));
        }
        invited.push(account.id);
    }
    if existing.len() + invited.len() > MAX_COLLABORATORS {
        return Err(too_many(existing.len()));
    }
    sqlx::query!(
        "INSERT INTO post_collaborators (post_id, user_id, status)
         SELECT $1, u.id, 'invited' FROM unnest($2::uuid[]) AS u(id)",
        post_id,
        &invited
    )
    .execute(&mut *tx)
    .await?;
    for user in invited {
        events::acted(tx, events::COLLAB_INVITED, post_id, creator, creator, Some(("user_id", user))).await?;
    }
    Ok(())
}

/// The creator invites `names` to co-author their post (a draft or
/// published).
pub async fn invite(pool: &PgPool, actor: Option<Uuid>, post_id: Uuid, names: &[String]) -> AppResult<()> {
    let me = signed_in(actor)?;
    if names.is_empty() {
        return Err(AppError::validation(FIELD, "Type the usernames to invite."));
    }
    let mut tx = pool.begin().await?;
    lock_as_creator(&mut tx, post_id, me).await?;
    invite_locked(&mut tx, post_id, me, names).await?;
    tx.commit().await?;
    Ok(())
}

/// Locks a published post the invitee may see (`FOR NO KEY UPDATE`) and
/// returns its creator; `NotFound` for the invitation otherwise.
async fn lock_for_invitee(tx: &mut PgConnection, post_id: Uuid, me: Uuid) -> AppResult<Uuid> {
    sqlx::query_scalar!(
        "SELECT p.author_id FROM posts p
         WHERE p.id = $1 AND p.status = 'published' AND post_visible_to(p, $2)
         FOR NO KEY UPDATE",
        post_id,
        me
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(no_invitation)
}

async fn status_of(tx: &mut PgConnection, post_id: Uuid, me: Uuid) -> AppResult<Option<CollabStatus>> {
    let status =
        sqlx::query_scalar!("SELECT status FROM post_collaborators WHERE post_id = $1 AND user_id = $2", post_id, me)
            .fetch_optional(&mut *tx)
            .await?;
    Ok(status.as_deref().and_then(CollabStatus::parse))
}

/// The invitee accepts: they become a co-author (listed after those who
/// accepted before them). Accepting twice is harmless.
pub async fn accept(pool: &PgPool, actor: Option<Uuid>, post_id: Uuid) -> AppResult<()> {
    let me = signed_in(actor)?;
    let mut tx = pool.begin().await?;
    let creator = lock_for_invitee(&mut tx, post_id, me).await?;
    let accepted = sqlx::query!(
        "UPDATE post_collaborators SET status = 'accepted', accepted_at = app_now()
         WHERE post_id = $1 AND user_id = $2 AND status = 'invited'",
        post_id,
        me
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if accepted == 0 {
        return match status_of(&mut tx, post_id, me).await? {
            Some(CollabStatus::Accepted) => Ok(()),
            _ => Err(no_invitation()),
        };
    }
    events::collaborators_changed(&mut tx, post_id, creator, me, true).await?;
    tx.commit().await?;
    Ok(())
}

/// The invitee declines: the invitation is deleted, nothing kept.
pub async fn decline(pool: &PgPool, actor: Option<Uuid>, post_id: Uuid) -> AppResult<()> {
    let me = signed_in(actor)?;
    let mut tx = pool.begin().await?;
    let creator = lock_for_invitee(&mut tx, post_id, me).await?;
    let declined = sqlx::query!(
        "DELETE FROM post_collaborators WHERE post_id = $1 AND user_id = $2 AND status = 'invited'",
        post_id,
        me
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if declined == 0 {
        return match status_of(&mut tx, post_id, me).await? {
            Some(CollabStatus::Accepted) => {
                Err(AppError::conflict(FIELD, "You co-author this post already: leave it from the post instead."))
            }
            _ => Err(no_invitation()),
        };
    }
    events::acted(&mut tx, events::COLLAB_DECLINED, post_id, creator, me, None).await?;
    tx.commit().await?;
    Ok(())
}

/// A co-author leaves the post: it stays, without their name, and leaves
/// their profile and their followers' feeds. Allowed whether or not they
/// may still see the post.
pub async fn leave(pool: &PgPool, actor: Option<Uuid>, post_id: Uuid) -> AppResult<()> {
    let me = signed_in(actor)?;
    let gone = || AppError::NotFound("Collaboration".into());
    let mut tx = pool.begin().await?;
    let creator = sqlx::query_scalar!(
        "SELECT author_id FROM posts WHERE id = $1 AND status <> 'deleted' FOR NO KEY UPDATE",
        post_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(gone)?;
    let left = sqlx::query!(
        "DELETE FROM post_collaborators WHERE post_id = $1 AND user_id = $2 AND status = 'accepted'",
        post_id,
        me
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if left == 0 {
        return Err(gone());
    }
    events::collaborators_changed(&mut tx, post_id, creator, me, false).await?;
    tx.commit().await?;
    Ok(())
}

/// The creator takes `username` off their post: an open invitation is
/// withdrawn, a co-author removed.
pub async fn remove(pool: &PgPool, actor: Option<Uuid>, post_id: Uuid, username: &str) -> AppResult<()> {
    let me = signed_in(actor)?;
    let gone = || AppError::NotFound("Collaborator".into());
    let mut tx = pool.begin().await?;
    lock_as_creator(&mut tx, post_id, me).await?;
    let removed = sqlx::query!(
        "DELETE FROM post_collaborators c USING users u
         WHERE c.post_id = $1 AND c.user_id = u.id AND u.username = $2
         RETURNING c.user_id, c.status",
        post_id,
        username.trim().trim_start_matches('@').to_lowercase()
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(gone)?;
    if removed.status == "accepted" {
        events::collaborators_changed(&mut tx, post_id, me, removed.user_id, false).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The post's collaborators for its creator's edit page: co-authors in the
/// order they accepted, then open invitations, oldest first.
pub async fn collaborators(pool: &PgPool, actor: Option<Uuid>, post_id: Uuid) -> AppResult<Vec<Collaborator>> {
    let me = signed_in(actor)?;
    let post = sqlx::query!(
        r#"SELECT p.author_id, post_visible_to(p, $2) AS "visible!"
           FROM posts p WHERE p.id = $1 AND p.status <> 'deleted'"#,
        post_id,
        me
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(no_post)?;
    if post.author_id != me {
        return Err(if post.visible { AppError::Forbidden } else { no_post() });
    }
    let rows = sqlx::query!(
        "SELECT u.username, u.display_name, u.avatar_url, c.status
         FROM post_collaborators c JOIN users u ON u.id = c.user_id
         WHERE c.post_id = $1
         ORDER BY c.status = 'invited', c.accepted_at, c.invited_at, u.username",
        post_id
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Collaborator {
                status: CollabStatus::parse(&r.status)?,
                author: Author { username: r.username, display_name: r.display_name, avatar_url: r.avatar_url },
            })
        })
        .collect())
}

/// The caller's open invitations to posts they may see, newest first (at
/// most `INVITES_SHOWN`), each with the post as they would see it.
pub async fn invites(pool: &PgPool, actor: Option<Uuid>) -> AppResult<Vec<Invite>> {
    let me = signed_in(actor)?;
    let rows = sqlx::query!(
        r#"SELECT p.id, p.author_id, p.body, p.visibility, p.status, p.created_at, p.published_at, p.edited_at,
                  p.like_count, p.comment_count, p.comments_off, p.repost_of, p.quote_of, p.repost_count,
                  p.quote_count, u.username, u.display_name, u.avatar_url, c.invited_at
           FROM post_collaborators c
           JOIN posts p ON p.id = c.post_id
           JOIN users u ON u.id = p.author_id
           WHERE c.user_id = $1 AND c.status = 'invited' AND p.status = 'published' AND post_visible_to(p, $1)
           ORDER BY c.invited_at DESC, p.id DESC
           LIMIT $2"#,
        me,
        INVITES_SHOWN
    )
    .fetch_all(pool)
    .await?;
    let invited_at: Vec<_> = rows.iter().map(|r| r.invited_at).collect();
    let rows: Vec<PostRow> = rows
        .into_iter()
        .map(|r| PostRow {
            id: r.id,
            author_id: r.author_id,
            body: r.body,
            visibility: r.visibility,
            status: r.status,
            created_at: r.created_at,
            published_at: r.published_at,
            edited_at: r.edited_at,
            like_count: r.like_count,
            comment_count: r.comment_count,
            comments_off: r.comments_off,
            repost_of: r.repost_of,
            quote_of: r.quote_of,
            repost_count: r.repost_count,
            quote_count: r.quote_count,
            username: r.username,
            display_name: r.display_name,
            avatar_url: r.avatar_url,
        })
        .collect();
    let posts = crate::posts::db::listed(pool, rows, Some(me)).await?;
    Ok(posts.into_iter().zip(invited_at).map(|(post, invited_at)| Invite { post, invited_at }).collect())
}

/// How many of the caller's invitations `invites` would list.
pub async fn pending_count(pool: &PgPool, actor: Option<Uuid>) -> AppResult<i64> {
    let me = signed_in(actor)?;
    Ok(sqlx::query_scalar!(
        r#"SELECT count(*) AS "n!" FROM post_collaborators c JOIN posts p ON p.id = c.post_id
           WHERE c.user_id = $1 AND c.status = 'invited' AND p.status = 'published' AND post_visible_to(p, $1)"#,
        me
    )
    .fetch_one(pool)
    .await?)
}

/// Ends every collaboration between two accounts, both ways, in the
/// caller's transaction: a block (`social::safety`) does, as it ends their
/// follows. Invitations go; a co-author leaves (a post event each, for the
/// feeds and the cards). Takes no post lock: the block holds both accounts'
/// rows and only the collaboration rows are changed here.
pub async fn end_between(tx: &mut PgConnection, a: Uuid, b: Uuid) -> AppResult<()> {
    let ended = sqlx::query!(
        "DELETE FROM post_collaborators c USING posts p
         WHERE p.id = c.post_id
           AND ((p.author_id = $1 AND c.user_id = $2) OR (p.author_id = $2 AND c.user_id = $1))
         RETURNING c.post_id, p.author_id, c.user_id, c.status",
        a,
        b
    )
    .fetch_all(&mut *tx)
    .await?;
    for e in ended.iter().filter(|e| e.status == "accepted") {
        events::collaborators_changed(&mut *tx, e.post_id, e.author_id, e.user_id, false).await?;
    }
    Ok(())
}

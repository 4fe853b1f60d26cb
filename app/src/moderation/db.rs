//! Reports, the queue and the actions on it. Every function takes its
//! caller and decides whether they may: reporting needs a signed-in user
//! who is not the target's owner; the queue and actions need an admin.
//! An action, the reports it closes and its audit row are one transaction.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{AuditEntry, ModerationAction, NewReport, Queue, QueueItem, ReportReason, TargetKind};
use crate::error::{AppError, AppResult};
use crate::limits::{Action, Quota};

/// `caller` if they are an admin: signed out is 401, anyone else 403.
pub async fn require_admin(pool: &PgPool, caller: Option<Uuid>) -> AppResult<Uuid> {
    let caller = caller.ok_or(AppError::Unauthorized)?;
    let role = sqlx::query_scalar!("SELECT role FROM users WHERE id = $1", caller).fetch_optional(pool).await?;
    match role.as_deref() {
        Some("admin") => Ok(caller),
        _ => {
            tracing::warn!(%caller, "refused an admin call: not an admin");
            Err(AppError::Forbidden)
        }
    }
}

/// Whether a report was new or replaced the reporter's open one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Filed {
    New,
    Updated,
}

/// The account a target belongs to (the content's author, the shop's
/// owner, the account itself), locked for the action; `None` if there is
/// no such live target.
async fn subject_of(db: &mut PgConnection, kind: TargetKind, id: Uuid) -> AppResult<Option<Uuid>> {
    let subject = match kind {
        TargetKind::Post => {
            sqlx::query_scalar!("SELECT author_id FROM posts WHERE id = $1 AND status <> 'deleted' FOR UPDATE", id)
                .fetch_optional(&mut *db)
                .await?
        }
        TargetKind::Comment => {
            sqlx::query_scalar!("SELECT author_id FROM comments WHERE id = $1 AND deleted_at IS NULL FOR UPDATE", id)
                .fetch_optional(&mut *db)
                .await?
        }
        TargetKind::User => {
            sqlx::query_scalar!("SELECT id FROM users WHERE id = $1 FOR UPDATE", id).fetch_optional(&mut *db).await?
        }
        TargetKind::Shop => {
            sqlx::query_scalar!("SELECT owner_id FROM shops WHERE id = $1", id).fetch_optional(&mut *db).await?
        }
        TargetKind::Product => {
            sqlx::query_scalar!(
                "SELECT s.owner_id FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.id = $1 FOR UPDATE OF p",
                id
            )
            .fetch_optional(&mut *db)
            .await?
        }
    };
    Ok(subject)
}

/// Files `reporter`'s report. One report per reporter and target is open
/// at a time: reporting again replaces its reason and words. Nobody may
/// report themselves or what is theirs; a block between the two does not
/// stop a report (that is how someone escapes abuse). Every report, a
/// replaced one too, counts against the reporter's limit (`limits`), taken
/// first in its transaction so a refused report writes nothing.
pub async fn report(pool: &PgPool, quota: &Quota, reporter: Option<Uuid>, new: &NewReport) -> AppResult<Filed> {
    let reporter = reporter.ok_or(AppError::Unauthorized)?;
    let mut tx = pool.begin().await?;
    quota.take(&mut tx, Action::Report).await?;
    let subject = subject_of(&mut tx, new.kind, new.target)
        .await?
        .ok_or_else(|| AppError::NotFound(capitalised(new.kind.noun())))?;
    if subject == reporter {
        return Err(AppError::validation("reason", "You can't report yourself or what is yours."));
    }
    let replaced = sqlx::query_scalar!(
        r#"INSERT INTO reports (id, reporter_id, target_kind, target_id, reason, details)
           VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (reporter_id, target_kind, target_id) WHERE status = 'open'
           DO UPDATE SET reason = EXCLUDED.reason, details = EXCLUDED.details
           RETURNING (xmax <> 0) AS "replaced!""#,
        Uuid::new_v4(),
        reporter,
        new.kind.as_str(),
        new.target,
        new.reason.as_str(),
        new.details
    )
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(if replaced { Filed::Updated } else { Filed::New })
}

fn capitalised(noun: &str) -> String {
    let mut chars = noun.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The queue: every target with open reports, most reported first, then
/// the longest waiting; and the latest actions. Admins only.
pub async fn queue(pool: &PgPool, caller: Option<Uuid>) -> AppResult<Queue> {
    require_admin(pool, caller).await?;
    let rows = sqlx::query!(
        r#"WITH open AS (
               SELECT target_kind, target_id, count(*) AS reports, min(created_at) AS first_at,
                      array_agg(DISTINCT reason) AS reasons,
                      array_remove(array_agg(details ORDER BY created_at, id), '') AS details
               FROM reports WHERE status = 'open'
               GROUP BY target_kind, target_id
           )
           SELECT o.target_kind AS "kind!", o.target_id AS "target_id!", o.reports AS "reports!",
                  o.first_at AS "first_at!", o.reasons AS "reasons!", o.details AS "details!",
                  CASE o.target_kind
                      WHEN 'post' THEN (SELECT left(p.body, 280) FROM posts p WHERE p.id = o.target_id AND p.status <> 'deleted')
                      WHEN 'comment' THEN (SELECT left(c.body, 280) FROM comments c WHERE c.id = o.target_id AND c.deleted_at IS NULL)
                      WHEN 'user' THEN (SELECT u.display_name || ' (@' || u.username || '): ' || left(u.bio, 200) FROM users u WHERE u.id = o.target_id)
                      WHEN 'shop' THEN (SELECT s.name || ' ($' || s.handle || '): ' || left(s.description, 200) FROM shops s WHERE s.id = o.target_id)
                      WHEN 'product' THEN (SELECT p.title || ': ' || left(p.description, 200) FROM products p WHERE p.id = o.target_id)
                  END AS preview,
                  (SELECT u.username FROM users u WHERE u.id = CASE o.target_kind
                      WHEN 'post' THEN (SELECT author_id FROM posts WHERE id = o.target_id)
                      WHEN 'comment' THEN (SELECT author_id FROM comments WHERE id = o.target_id)
                      WHEN 'user' THEN o.target_id
                      WHEN 'shop' THEN (SELECT owner_id FROM shops WHERE id = o.target_id)
                      WHEN 'product' THEN (SELECT s.owner_id FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.id = o.target_id)
                  END) AS subject,
                  CASE o.target_kind
                      WHEN 'comment' THEN (SELECT c.post_id FROM comments c WHERE c.id = o.target_id)
                  END AS comment_post,
                  CASE o.target_kind
                      WHEN 'shop' THEN (SELECT handle FROM shops WHERE id = o.target_id)
                  END AS shop_handle,
                  COALESCE(CASE o.target_kind
                      WHEN 'post' THEN (SELECT removed_at IS NOT NULL FROM posts WHERE id = o.target_id)
                      WHEN 'comment' THEN (SELECT removed_at IS NOT NULL FROM comments WHERE id = o.target_id)
                      WHEN 'product' THEN (SELECT removed_at IS NOT NULL FROM products WHERE id = o.target_id)
                  END, false) AS "removed!"
           FROM open o
           ORDER BY o.reports DESC, o.first_at, o.target_id
           LIMIT 100"#
    )
    .fetch_all(pool)
    .await?;
    let mut items = Vec::with_capacity(rows.len());
    for r in rows {
        let kind = TargetKind::parse(&r.kind)?;
        let href = match kind {
            TargetKind::Post => Some(format!("/post/{}", r.target_id)),
            TargetKind::Comment => r.comment_post.map(|post| format!("/post/{post}#comment-{}", r.target_id)),
            TargetKind::User => r.subject.as_ref().map(|u| format!("/u/{u}")),
            TargetKind::Shop => r.shop_handle.map(|h| format!("/s/{h}")),
            TargetKind::Product => Some(format!("/p/{}", r.target_id)),
        };
        let reasons = r.reasons.iter().map(|raw| ReportReason::parse(raw)).collect::<Result<Vec<_>, _>>()?;
        items.push(QueueItem {
            kind,
            target_id: r.target_id,
            open_reports: r.reports,
            first_reported_at: r.first_at,
            reasons,
            details: r.details,
            preview: r.preview,
            subject: r.subject,
            href,
            removed: r.removed,
        });
    }
    Ok(Queue { items, log: log(pool).await? })
}

/// The latest actions, newest first.
async fn log(pool: &PgPool) -> AppResult<Vec<AuditEntry>> {
    let rows = sqlx::query!(
        r#"SELECT a.id, adm.username AS "admin?", a.action, a.target_kind, a.target_id,
                  sub.username AS "subject?", a.reason, a.days, a.reports_closed, a.created_at
           FROM moderation_actions a
           LEFT JOIN users adm ON adm.id = a.admin_id
           LEFT JOIN users sub ON sub.id = a.subject_id
           ORDER BY a.created_at DESC, a.id DESC LIMIT 50"#
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(AuditEntry {
                id: r.id,
                admin: r.admin,
                action: r.action,
                kind: TargetKind::parse(&r.target_kind)?,
                target_id: r.target_id,
                subject: r.subject,
                reason: r.reason,
                days: r.days,
                reports_closed: r.reports_closed,
                at: r.created_at,
            })
        })
        .collect()
}

/// An admin's action on a target: its effect, the target's open reports
/// closed (dismissed, or actioned), and the audit row, in one transaction.
pub async fn act(
    pool: &PgPool,
    caller: Option<Uuid>,
    kind: TargetKind,
    target: Uuid,
    action: ModerationAction,
    reason: &str,
) -> AppResult<()> {
    let admin = require_admin(pool, caller).await?;
    let mut tx = pool.begin().await?;
    let subject =
        subject_of(&mut tx, kind, target).await?.ok_or_else(|| AppError::NotFound(capitalised(kind.noun())))?;
    match action {
        ModerationAction::Dismiss => {}
        ModerationAction::Remove => remove(&mut tx, kind, target, subject, reason).await?,
        ModerationAction::Suspend { days } => {
            refuse_admin_subject(&mut tx, subject).await?;
            sqlx::query!(
                "UPDATE users SET suspended_until = app_now() + make_interval(days => $2), standing_reason = $3
                 WHERE id = $1",
                subject,
                days,
                reason
            )
            .execute(&mut *tx)
            .await?;
        }
        ModerationAction::Ban => {
            refuse_admin_subject(&mut tx, subject).await?;
            sqlx::query!(
                "UPDATE users SET banned_at = COALESCE(banned_at, app_now()), standing_reason = $2 WHERE id = $1",
                subject,
                reason
            )
            .execute(&mut *tx)
            .await?;
            crate::accounts::session::delete_all_for_user(&mut *tx, subject).await?;
        }
    }
    let closed_as = if action == ModerationAction::Dismiss { "dismissed" } else { "actioned" };
    let closed = sqlx::query!(
        "UPDATE reports SET status = $3, resolved_at = app_now()
         WHERE target_kind = $1 AND target_id = $2 AND status = 'open'",
        kind.as_str(),
        target,
        closed_as
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    sqlx::query!(
        "INSERT INTO moderation_actions (id, admin_id, action, target_kind, target_id, subject_id, reason, days, reports_closed)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        Uuid::new_v4(),
        admin,
        action.as_str(),
        kind.as_str(),
        target,
        subject,
        reason,
        action.days(),
        i32::try_from(closed).unwrap_or(i32::MAX)
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    tracing::info!(%admin, action = action.as_str(), kind = kind.as_str(), %target, "moderation action");
    Ok(())
}

/// Admins keep each other in check elsewhere: the queue does not suspend
/// or ban one.
async fn refuse_admin_subject(tx: &mut PgConnection, subject: Uuid) -> AppResult<()> {
    let role = sqlx::query_scalar!("SELECT role FROM users WHERE id = $1", subject).fetch_one(&mut *tx).await?;
    if role == "admin" {
        return Err(AppError::validation("action", "An admin account can't be suspended or banned here."));
    }
    Ok(())
}

/// Removes a post, comment or product (soft): it keeps its row and its
/// author sees the reason; the visibility rules close it to everyone else.
/// The post's event drops its feed card at once.
async fn remove(tx: &mut PgConnection, kind: TargetKind, target: Uuid, author: Uuid, reason: &str) -> AppResult<()> {
    use crate::posts::events;
    match kind {
        TargetKind::Post => {
            sqlx::query!(
                "UPDATE posts SET removed_at = COALESCE(removed_at, app_now()), removal_reason = $2 WHERE id = $1",
                target,
                reason
            )
            .execute(&mut *tx)
            .await?;
            events::publish(tx, events::REMOVED, target, author).await?;
        }
        TargetKind::Comment => {
            let post = sqlx::query!(
                "WITH c AS (UPDATE comments SET removed_at = COALESCE(removed_at, app_now()), removal_reason = $2
                            WHERE id = $1 RETURNING post_id)
                 SELECT p.id, p.author_id FROM posts p JOIN c ON c.post_id = p.id",
                target,
                reason
            )
            .fetch_one(&mut *tx)
            .await?;
            events::publish(tx, events::COUNTS_CHANGED, post.id, post.author_id).await?;
        }
        TargetKind::Product => {
            sqlx::query!(
                "UPDATE products SET status = 'archived', removed_at = COALESCE(removed_at, app_now()),
                                     removal_reason = $2
                 WHERE id = $1",
                target,
                reason
            )
            .execute(&mut *tx)
            .await?;
        }
        TargetKind::User | TargetKind::Shop => {
            return Err(AppError::validation(
                "action",
                "Accounts and shops can't be removed: suspend or ban their owner instead.",
            ));
        }
    }
    Ok(())
}

/// Why a post was removed, for its author only (`None` for everyone else,
/// and for a post that stands).
pub async fn post_removal(pool: &PgPool, viewer: Option<Uuid>, post: Uuid) -> AppResult<Option<String>> {
    let Some(viewer) = viewer else { return Ok(None) };
    let reason = sqlx::query_scalar!(
        "SELECT removal_reason FROM posts WHERE id = $1 AND author_id = $2 AND status <> 'deleted'",
        post,
        viewer
    )
    .fetch_optional(pool)
    .await?
    .flatten();
    Ok(reason.map(|r| super::removal_notice(&r)))
}

/// Why a product was removed, for its shop's owner only.
pub async fn product_removal(pool: &PgPool, viewer: Option<Uuid>, product: Uuid) -> AppResult<Option<String>> {
    let Some(viewer) = viewer else { return Ok(None) };
    let reason = sqlx::query_scalar!(
        "SELECT p.removal_reason FROM products p JOIN shops s ON s.id = p.shop_id
         WHERE p.id = $1 AND s.owner_id = $2",
        product,
        viewer
    )
    .fetch_optional(pool)
    .await?
    .flatten();
    Ok(reason.map(|r| super::removal_notice(&r)))
}

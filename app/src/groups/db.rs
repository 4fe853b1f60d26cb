//! Groups' SQL besides seats (`seats`): the shop owner's deals, the reads
//! behind the group page, the product page, "My groups" and the group cards
//! in posts, and linking groups to posts. Every entry point takes the
//! caller (`None` signed out) and answers as the authorization matrix in
//! `db_tests` says.

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

pub use super::seats::{capture_members, expire_due, join, JoinRequest, Joined, Target};
use super::{
    DealSlot, DealTerms, GroupCard, GroupDeal, GroupPageData, GroupStatus, MemberView, MyGroup, MyGroups, Notice,
    NoticeKind, ProductGroups, MAX_POST_GROUPS,
};
use crate::error::{AppError, AppResult};
use crate::money::{Currency, Money};
use crate::posts::ownership::lock_own_post;
use crate::posts::PostView;

/// The product and shop a join is about.
pub async fn product_of(pool: &PgPool, target: Target) -> AppResult<(Uuid, Uuid)> {
    let row = match target {
        Target::Start(variant) => {
            sqlx::query!("SELECT product_id, shop_id FROM product_variants WHERE id = $1", variant)
                .fetch_optional(pool)
                .await?
                .map(|r| (r.product_id, r.shop_id))
        }
        Target::Group(group) => sqlx::query!("SELECT product_id, shop_id FROM buy_groups WHERE id = $1", group)
            .fetch_optional(pool)
            .await?
            .map(|r| (r.product_id, r.shop_id)),
    };
    row.ok_or_else(|| AppError::NotFound("Group".into()))
}

fn signed_in(caller: Option<Uuid>) -> AppResult<Uuid> {
    caller.ok_or(AppError::Unauthorized)
}

/// The owner's form for one variant's deal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DealForm {
    pub price: String,
    pub size: String,
    pub hours: String,
    pub max_per_customer: String,
    pub active: bool,
}

/// The shop of `product`, if `caller` owns it: `Forbidden` for anyone else.
async fn owned_product(pool: &PgPool, caller: Uuid, product: Uuid) -> AppResult<()> {
    let owner = sqlx::query_scalar!(
        "SELECT s.owner_id FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.id = $1 AND p.status <> 'archived'",
        product
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::NotFound("Product".into()))?;
    if owner != caller {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// Sets (or switches off) the group deal on a variant; its shop's owner only.
pub async fn save_deal(pool: &PgPool, caller: Option<Uuid>, variant: Uuid, form: &DealForm) -> AppResult<()> {
    let caller = signed_in(caller)?;
    let v = sqlx::query!(
        "SELECT v.product_id, v.shop_id, v.price_minor, v.currency, s.owner_id
         FROM product_variants v JOIN shops s ON s.id = v.shop_id WHERE v.id = $1",
        variant
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::NotFound("Variant".into()))?;
    if v.owner_id != caller {
        return Err(AppError::Forbidden);
    }
    let single = Money::new(v.price_minor, Currency::parse(&v.currency)?);
    let terms = DealTerms::parse(&form.price, &form.size, &form.hours, &form.max_per_customer, single)?;
    sqlx::query!(
        "INSERT INTO group_deals (variant_id, product_id, shop_id, price_minor, currency, group_size, duration_hours,
                                  max_per_customer, active)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (variant_id) DO UPDATE SET price_minor = $4, currency = $5, group_size = $6, duration_hours = $7,
                                                max_per_customer = $8, active = $9",
        variant,
        v.product_id,
        v.shop_id,
        terms.price.minor,
        terms.price.currency.code(),
        terms.size,
        terms.hours,
        terms.max_per_customer,
        form.active
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Every variant of the product with its deal, for the shop's owner.
pub async fn deal_slots(pool: &PgPool, caller: Option<Uuid>, product: Uuid) -> AppResult<Vec<DealSlot>> {
    let caller = signed_in(caller)?;
    owned_product(pool, caller, product).await?;
    let rows = sqlx::query!(
        r#"SELECT v.id, v.title, v.price_minor, v.currency, v.stock_on_hand - v.stock_reserved AS "available!",
                  d.price_minor AS "deal_price?", d.currency AS "deal_currency?", d.group_size AS "size?",
                  d.duration_hours AS "hours?", d.max_per_customer AS "max?", d.active AS "active?"
           FROM product_variants v LEFT JOIN group_deals d ON d.variant_id = v.id
           WHERE v.product_id = $1 ORDER BY v.position"#,
        product
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            let single = Money::new(r.price_minor, Currency::parse(&r.currency)?);
            let deal = match (r.deal_price, r.deal_currency, r.size, r.hours, r.max, r.active) {
                (Some(price), Some(currency), Some(size), Some(hours), Some(max), Some(active)) => Some(GroupDeal {
                    variant_id: r.id,
                    variant_title: r.title.clone(),
                    single_price: single,
                    price: Money::new(price, Currency::parse(&currency)?),
                    size,
                    hours,
                    max_per_customer: max,
                    active,
                }),
                _ => None,
            };
            Ok(DealSlot {
                variant_id: r.id,
                variant_title: r.title,
                single_price: single,
                available: r.available,
                deal,
            })
        })
        .collect()
}

/// Cards for `ids`, in that order (ids not found are left out).
pub async fn cards(pool: &PgPool, ids: &[Uuid], now: DateTime<Utc>) -> AppResult<Vec<GroupCard>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows = sqlx::query!(
        r#"SELECT g.id, g.product_id, p.title, v.title AS variant_title, v.price_minor AS single_minor,
                  g.price_minor, g.currency, g.joined, g.size, g.status, g.expires_at, u.username,
                  (SELECT i.url_150 FROM product_images i WHERE i.product_id = p.id ORDER BY i.position LIMIT 1) AS image_url
           FROM buy_groups g JOIN products p ON p.id = g.product_id JOIN product_variants v ON v.id = g.variant_id
           JOIN users u ON u.id = g.organiser_id
           WHERE g.id = ANY($1)"#,
        ids
    )
    .fetch_all(pool)
    .await?;
    let mut found = HashMap::with_capacity(rows.len());
    for r in rows {
        let currency = Currency::parse(&r.currency)?;
        let card = GroupCard {
            id: r.id,
            product_id: r.product_id,
            product_title: r.title,
            variant_title: if r.variant_title == "Default" { String::new() } else { r.variant_title },
            image_url: r.image_url,
            price: Money::new(r.price_minor, currency),
            single_price: Money::new(r.single_minor, currency),
            joined: r.joined,
            size: r.size,
            status: GroupStatus::of(&r.status, r.joined, r.size, r.expires_at, now),
            expires_at: r.expires_at,
            time_left: super::time_left(r.expires_at, now),
            organiser: r.username,
            ctx: None,
        };
        found.insert(r.id, card);
    }
    Ok(ids.iter().filter_map(|id| found.remove(id)).collect())
}

/// Whether `viewer` and the group's organiser blocked each other: then the
/// group does not exist for them.
async fn hidden_from(pool: &PgPool, viewer: Option<Uuid>, group: Uuid) -> AppResult<bool> {
    let Some(viewer) = viewer else { return Ok(false) };
    Ok(sqlx::query_scalar!(
        r#"SELECT blocked_between($1, organiser_id) AS "b!" FROM buy_groups WHERE id = $2"#,
        viewer,
        group
    )
    .fetch_optional(pool)
    .await?
    .unwrap_or(false))
}

/// The group page as `viewer` sees it: anyone may look (it is meant to be
/// shared) except those the organiser blocked or was blocked by.
pub async fn page(pool: &PgPool, viewer: Option<Uuid>, id: Uuid, now: DateTime<Utc>) -> AppResult<GroupPageData> {
    if hidden_from(pool, viewer, id).await? {
        return Err(AppError::NotFound("Group".into()));
    }
    let card = cards(pool, &[id], now).await?.pop().ok_or_else(|| AppError::NotFound("Group".into()))?;
    let g = sqlx::query!(
        "SELECT s.handle, g.max_per_customer, g.organiser_id FROM buy_groups g JOIN shops s ON s.id = g.shop_id
         WHERE g.id = $1",
        id
    )
    .fetch_one(pool)
    .await?;
    let members = sqlx::query!(
        r#"SELECT u.id, u.username, u.display_name, sum(m.quantity)::int AS "seats!"
           FROM group_members m JOIN users u ON u.id = m.user_id
           WHERE m.group_id = $1 AND m.status IN ('pending', 'authorized', 'captured')
           GROUP BY u.id, u.username, u.display_name ORDER BY min(m.joined_at)"#,
        id
    )
    .fetch_all(pool)
    .await?;
    let my_seats = members.iter().filter(|m| Some(m.id) == viewer).map(|m| m.seats).sum();
    let involved = viewer.is_some_and(|v| v == g.organiser_id || members.iter().any(|m| m.id == v));
    let notices = match viewer {
        Some(v) if involved => notices(pool, v, Some(id)).await?,
        _ => Vec::new(),
    };
    let can_pay = match viewer {
        Some(v) => crate::wallet::db::ready(&mut *pool.acquire().await?, v).await?.is_some(),
        None => false,
    };
    Ok(GroupPageData {
        card,
        shop_handle: g.handle,
        members: members
            .into_iter()
            .map(|m| MemberView {
                organiser: m.id == g.organiser_id,
                username: m.username,
                display_name: m.display_name,
                seats: m.seats,
            })
            .collect(),
        notices,
        my_seats,
        max_per_customer: g.max_per_customer,
        signed_in: viewer.is_some(),
        can_pay,
    })
}

/// `user`'s notices, newest first, of one group or all of theirs.
async fn notices(pool: &PgPool, user: Uuid, group: Option<Uuid>) -> AppResult<Vec<Notice>> {
    let rows = sqlx::query!(
        r#"SELECT n.group_id, n.kind, n.created_at, p.title, a.username AS "actor?"
           FROM group_notices n JOIN buy_groups g ON g.id = n.group_id JOIN products p ON p.id = g.product_id
           LEFT JOIN users a ON a.id = n.actor_id
           WHERE n.user_id = $1 AND ($2::uuid IS NULL OR n.group_id = $2)
           ORDER BY n.id DESC LIMIT 50"#,
        user,
        group
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .filter_map(|r| {
            Some(Notice {
                group_id: r.group_id,
                product_title: r.title,
                kind: NoticeKind::parse(&r.kind)?,
                actor: r.actor,
                at: r.created_at,
            })
        })
        .collect())
}

/// The product page's deals and open groups (those of organisers the
/// viewer blocked, or who blocked them, left out).
pub async fn product_groups(
    pool: &PgPool,
    viewer: Option<Uuid>,
    product: Uuid,
    now: DateTime<Utc>,
) -> AppResult<ProductGroups> {
    let rows = sqlx::query!(
        "SELECT d.variant_id, v.title, v.price_minor AS single_minor, d.price_minor, d.currency, d.group_size,
                d.duration_hours, d.max_per_customer
         FROM group_deals d JOIN product_variants v ON v.id = d.variant_id JOIN products p ON p.id = d.product_id
         WHERE d.product_id = $1 AND d.active AND p.status = 'active' ORDER BY v.position",
        product
    )
    .fetch_all(pool)
    .await?;
    let mut deals = Vec::with_capacity(rows.len());
    for r in rows {
        let currency = Currency::parse(&r.currency)?;
        deals.push(GroupDeal {
            variant_id: r.variant_id,
            variant_title: r.title,
            single_price: Money::new(r.single_minor, currency),
            price: Money::new(r.price_minor, currency),
            size: r.group_size,
            hours: r.duration_hours,
            max_per_customer: r.max_per_customer,
            active: true,
        });
    }
    let ids = sqlx::query_scalar!(
        "SELECT g.id FROM buy_groups g
         WHERE g.product_id = $1 AND g.status = 'open' AND g.expires_at > $2 AND g.joined < g.size
           AND ($3::uuid IS NULL OR NOT blocked_between($3, g.organiser_id))
         ORDER BY g.expires_at LIMIT 20",
        product,
        now,
        viewer
    )
    .fetch_all(pool)
    .await?;
    Ok(ProductGroups { deals, open: cards(pool, &ids, now).await? })
}

/// The groups `caller` started or joined, newest first, and their notices.
pub async fn mine(pool: &PgPool, caller: Option<Uuid>, now: DateTime<Utc>) -> AppResult<MyGroups> {
    let caller = signed_in(caller)?;
    let rows = sqlx::query!(
        r#"SELECT g.id, g.organiser_id = $1 AS "organiser!",
                  coalesce((SELECT sum(m.quantity) FROM group_members m WHERE m.group_id = g.id AND m.user_id = $1
                            AND m.status IN ('pending', 'authorized', 'captured')), 0)::int AS "seats!"
           FROM buy_groups g
           WHERE g.organiser_id = $1 OR EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = g.id AND m.user_id = $1)
           ORDER BY g.created_at DESC LIMIT 100"#,
        caller
    )
    .fetch_all(pool)
    .await?;
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut found: HashMap<Uuid, GroupCard> = cards(pool, &ids, now).await?.into_iter().map(|c| (c.id, c)).collect();
    let groups = rows
        .into_iter()
        .filter_map(|r| Some(MyGroup { card: found.remove(&r.id)?, my_seats: r.seats, organiser: r.organiser }))
        .collect();
    Ok(MyGroups { groups, notices: notices(pool, caller, None).await? })
}

/// Active groups `caller` started or holds seats in whose product matches
/// `query`: what the composer's picker offers.
pub async fn linkable(
    pool: &PgPool,
    caller: Option<Uuid>,
    query: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<GroupCard>> {
    let caller = signed_in(caller)?;
    let pattern = format!("%{}%", query.trim().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"));
    let ids = sqlx::query_scalar!(
        "SELECT g.id FROM buy_groups g JOIN products p ON p.id = g.product_id
         WHERE g.status = 'open' AND g.expires_at > $2 AND p.title ILIKE $3
           AND (g.organiser_id = $1 OR EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = g.id AND m.user_id = $1
                                               AND m.status IN ('pending', 'authorized')))
         ORDER BY g.expires_at LIMIT 10",
        caller,
        now,
        pattern
    )
    .fetch_all(pool)
    .await?;
    cards(pool, &ids, now).await
}

/// Links an active group the caller started or joined to their post.
pub async fn link(pool: &PgPool, caller: Option<Uuid>, post: Uuid, group: Uuid, now: DateTime<Utc>) -> AppResult<()> {
    let caller = signed_in(caller)?;
    let mut tx = pool.begin().await?;
    lock_own_post(&mut tx, post, caller).await?;
    link_locked(&mut tx, caller, post, group, now).await?;
    tx.commit().await?;
    Ok(())
}

/// Links `group` to `post`, whose row the caller (its author) has locked
/// in `tx`: the rule every way of linking a group goes through (the post
/// page's editor, the composer and the edit page). Refused with a 422 on
/// `group`: a group that is not open (expired, full, cancelled or past its
/// deadline at `now`), one the author neither started nor holds seats in,
/// one already linked, and more than `MAX_POST_GROUPS`.
pub async fn link_locked(
    tx: &mut PgConnection,
    author: Uuid,
    post: Uuid,
    group: Uuid,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let active = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM buy_groups g WHERE g.id = $1 AND g.status = 'open' AND g.expires_at > $3
              AND (g.organiser_id = $2 OR EXISTS (SELECT 1 FROM group_members m WHERE m.group_id = g.id
                                                  AND m.user_id = $2 AND m.status IN ('pending', 'authorized'))))
           AS "x!""#,
        group,
        author,
        now
    )
    .fetch_one(&mut *tx)
    .await?;
    if !active {
        return Err(AppError::validation("group", "Link an open group you started or joined."));
    }
    let taken = sqlx::query!("SELECT group_id, display_order FROM post_groups WHERE post_id = $1", post)
        .fetch_all(&mut *tx)
        .await?;
    if taken.iter().any(|t| t.group_id == group) {
        return Err(AppError::validation("group", "That group is already linked to this post."));
    }
    if taken.len() >= MAX_POST_GROUPS {
        return Err(AppError::validation("group", format!("A post can link at most {MAX_POST_GROUPS} groups.")));
    }
    let order =
        (0..MAX_POST_GROUPS as i16).find(|o| taken.iter().all(|t| t.display_order != *o)).ok_or(AppError::Internal)?;
    sqlx::query!(
        "INSERT INTO post_groups (id, post_id, group_id, display_order) VALUES ($1, $2, $3, $4)",
        Uuid::new_v4(),
        post,
        group,
        order
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Makes `wanted` the groups linked to `post` (locked in `tx` by its
/// author): those no longer wanted come off, new ones go through
/// `link_locked`, those kept stay as they are (even if they have since
/// filled or expired). Returns whether anything changed.
pub async fn set_links_locked(
    tx: &mut PgConnection,
    author: Uuid,
    post: Uuid,
    wanted: &[Uuid],
    now: DateTime<Utc>,
) -> AppResult<bool> {
    let removed = sqlx::query!("DELETE FROM post_groups WHERE post_id = $1 AND NOT (group_id = ANY($2))", post, wanted)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    let linked =
        sqlx::query_scalar!("SELECT group_id FROM post_groups WHERE post_id = $1", post).fetch_all(&mut *tx).await?;
    let mut added = false;
    for group in wanted.iter().filter(|g| !linked.contains(g)) {
        link_locked(tx, author, post, *group, now).await?;
        added = true;
    }
    Ok(removed > 0 || added)
}

/// Takes a group card off the caller's post.
pub async fn unlink(pool: &PgPool, caller: Option<Uuid>, post: Uuid, group: Uuid) -> AppResult<()> {
    let caller = signed_in(caller)?;
    let mut tx = pool.begin().await?;
    lock_own_post(&mut tx, post, caller).await?;
    let removed = sqlx::query!("DELETE FROM post_groups WHERE post_id = $1 AND group_id = $2", post, group)
        .execute(&mut *tx)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::NotFound("Linked group".into()));
    }
    tx.commit().await?;
    Ok(())
}

/// Fills in the group cards of a page of posts as they are now. Read per
/// page after the shared card cache (seats and status change all the time),
/// like `posts::reposts::db::fill_quotes`.
pub async fn fill_cards(pool: &PgPool, posts: &mut [PostView], now: DateTime<Utc>) -> AppResult<()> {
    let post_ids: Vec<Uuid> = posts.iter().map(|p| p.id).collect();
    if post_ids.is_empty() {
        return Ok(());
    }
    let links = sqlx::query!(
        "SELECT post_id, group_id FROM post_groups WHERE post_id = ANY($1) ORDER BY post_id, display_order",
        &post_ids
    )
    .fetch_all(pool)
    .await?;
    if links.is_empty() {
        return Ok(());
    }
    let mut ids: Vec<Uuid> = links.iter().map(|l| l.group_id).collect();
    ids.sort();
    ids.dedup();
    let found: HashMap<Uuid, GroupCard> = cards(pool, &ids, now).await?.into_iter().map(|c| (c.id, c)).collect();
    for post in posts.iter_mut() {
        post.groups =
            links.iter().filter(|l| l.post_id == post.id).filter_map(|l| found.get(&l.group_id).cloned()).collect();
    }
    Ok(())
}

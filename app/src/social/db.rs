//! SQL owned by the social graph: profiles, profile edits and follows.
//! Follower/following counters count accepted follows only and change in the
//! same transaction as the follow row, with both user rows locked in id order
//! so concurrent follows between the same two accounts cannot deadlock or
//! miscount. A follow of a private account is a pending request (see
//! `requests`); what a private account shows is gated by the SQL function
//! `account_visible_to(owner, viewer)`.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::safety::Standing;
use super::{Cursor, EditableProfile, FollowState, PeoplePage, PersonCard, Profile, PAGE_SIZE};
use crate::error::{AppError, AppResult};
use crate::limits::{Action, Quota};

pub async fn profile_by_username(pool: &PgPool, username: &str, viewer: Option<Uuid>) -> AppResult<Option<Profile>> {
    let row = sqlx::query!(
        r#"SELECT u.id, u.username, u.display_name, u.bio, u.location, u.website, u.avatar_url, u.cover_url,
                  u.is_private, u.is_verified, u.followers_count, u.following_count, u.posts_count, u.created_at,
                  (SELECT f.status FROM follows f WHERE f.follower_id = $2 AND f.followee_id = u.id) AS "viewer_follow?",
                  account_visible_to(u.id, $2) AS "content_visible!",
                  EXISTS (SELECT 1 FROM blocks k WHERE k.blocker_id = $2 AND k.blocked_id = u.id) AS "viewer_blocked!",
                  EXISTS (SELECT 1 FROM mutes m WHERE m.muter_id = $2 AND m.muted_id = u.id) AS "viewer_muted!",
                  EXISTS (SELECT 1 FROM restricts r WHERE r.restricter_id = $2 AND r.restricted_id = u.id) AS "viewer_restricted!",
                  CASE WHEN u.id = $2
                       THEN (SELECT count(*) FROM follows r WHERE r.followee_id = u.id AND r.status = 'pending')
                       ELSE 0 END AS "pending_requests!"
           FROM users u
           -- Someone an account blocked finds no such account.
           WHERE u.username = $1 AND NOT EXISTS (SELECT 1 FROM blocks k WHERE k.blocker_id = u.id AND k.blocked_id = $2)"#,
        username.trim().to_lowercase(),
        viewer,
    )
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|r| Profile {
        is_self: viewer == Some(r.id),
        id: r.id,
        username: r.username,
        display_name: r.display_name,
        bio: r.bio,
        location: r.location,
        website: r.website,
        avatar_url: r.avatar_url,
        cover_url: r.cover_url,
        is_private: r.is_private,
        is_verified: r.is_verified,
        followers_count: r.followers_count.into(),
        following_count: r.following_count.into(),
        posts_count: r.posts_count.into(),
        joined_at: r.created_at,
        viewer_follows: r.viewer_follow.as_deref() == Some("accepted"),
        viewer_requested: r.viewer_follow.as_deref() == Some("pending"),
        content_visible: r.content_visible,
        pending_requests: r.pending_requests,
        standing: Standing { blocked: r.viewer_blocked, muted: r.viewer_muted, restricted: r.viewer_restricted },
    }))
}

pub async fn editable_profile(pool: &PgPool, user_id: Uuid) -> AppResult<EditableProfile> {
    let r = sqlx::query!(
        "SELECT username, display_name, bio, location, website, avatar_url, cover_url, is_private FROM users WHERE id = $1",
        user_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::NotFound("Account".into()))?;
    Ok(EditableProfile {
        username: r.username,
        display_name: r.display_name,
        bio: r.bio,
        location: r.location,
        website: r.website,
        avatar_url: r.avatar_url,
        cover_url: r.cover_url,
        is_private: r.is_private,
    })
}

/// Validated profile text fields.
pub struct ProfileUpdate {
    pub display_name: String,
    pub bio: String,
    pub location: String,
    pub website: String,
    pub is_private: bool,
}

/// Saves the profile. Going public accepts every pending follow request in
/// the same transaction (nobody is left waiting on an account anyone may
/// follow); going private keeps the accepted followers.
pub async fn update_profile(pool: &PgPool, user_id: Uuid, u: &ProfileUpdate) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    sqlx::query!(
        "UPDATE users SET display_name = $2, bio = $3, location = $4, website = $5, is_private = $6 WHERE id = $1",
        user_id,
        u.display_name,
        u.bio,
        u.location,
        u.website,
        u.is_private,
    )
    .execute(&mut *tx)
    .await?;
    if !u.is_private {
        super::requests::accept_all(&mut tx, user_id).await?;
    }
    super::events::profile_changed(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Points the avatar (or cover) at `url`; returns the URL it replaced.
pub async fn set_avatar(pool: &PgPool, user_id: Uuid, url: &str) -> AppResult<Option<String>> {
    let mut tx = pool.begin().await?;
    let old = sqlx::query_scalar!(
        "UPDATE users u SET avatar_url = $2 FROM users old WHERE u.id = $1 AND old.id = u.id RETURNING old.avatar_url",
        user_id,
        url
    )
    .fetch_one(&mut *tx)
    .await?;
    super::events::profile_changed(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(old)
}

pub async fn set_cover(pool: &PgPool, user_id: Uuid, url: &str) -> AppResult<Option<String>> {
    let old = sqlx::query_scalar!(
        "UPDATE users u SET cover_url = $2 FROM users old WHERE u.id = $1 AND old.id = u.id RETURNING old.cover_url",
        user_id,
        url
    )
    .fetch_one(pool)
    .await?;
    Ok(old)
}

pub(super) async fn user_id_by_username(pool: &PgPool, username: &str) -> AppResult<Uuid> {
    sqlx::query_scalar!("SELECT id FROM users WHERE username = $1", username.trim().to_lowercase())
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::NotFound("Account".into()))
}

/// Locks both accounts of a follow in id order (so two transactions on the
/// same pair never deadlock) and says whether `followee` is private, as of
/// the lock: a switch to public waits for it, or is already visible.
pub(super) async fn lock_pair(tx: &mut PgConnection, follower: Uuid, followee: Uuid) -> AppResult<bool> {
    let rows = sqlx::query!(
        "SELECT id, is_private FROM users WHERE id IN ($1, $2) ORDER BY id FOR NO KEY UPDATE",
        follower,
        followee
    )
    .fetch_all(&mut *tx)
    .await?;
    rows.iter().find(|r| r.id == followee).map(|r| r.is_private).ok_or_else(|| AppError::NotFound("Account".into()))
}

/// Moves both accounts' counters by `delta` accepted follows.
pub(super) async fn count_follow(tx: &mut PgConnection, follower: Uuid, followee: Uuid, delta: i32) -> AppResult<()> {
    sqlx::query!("UPDATE users SET following_count = following_count + $2 WHERE id = $1", follower, delta)
        .execute(&mut *tx)
        .await?;
    sqlx::query!("UPDATE users SET followers_count = followers_count + $2 WHERE id = $1", followee, delta)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// The state `follower` is in towards `followee`, with the followee's count.
pub(super) async fn follow_state(tx: &mut PgConnection, follower: Uuid, followee: Uuid) -> AppResult<FollowState> {
    let r = sqlx::query!(
        r#"SELECT u.followers_count,
                  (SELECT f.status FROM follows f WHERE f.follower_id = $1 AND f.followee_id = u.id) AS "status?"
           FROM users u WHERE u.id = $2"#,
        follower,
        followee
    )
    .fetch_one(&mut *tx)
    .await?;
    Ok(FollowState {
        following: r.status.as_deref() == Some("accepted"),
        requested: r.status.as_deref() == Some("pending"),
        followers_count: r.followers_count.into(),
    })
}

/// Follows (`follow = true`) or unfollows `target_username`. Following a
/// private account sends a request instead (accepted by its owner later);
/// `follow = false` removes the follow or withdraws the request. Idempotent:
/// a repeat changes nothing and reports the current state. Either way it
/// counts against the caller's follow limit (`limits`).
pub async fn set_follow(
    pool: &PgPool,
    quota: &Quota,
    me: Uuid,
    target_username: &str,
    follow: bool,
) -> AppResult<FollowState> {
    let target = user_id_by_username(pool, target_username).await?;
    if target == me {
        return Err(AppError::validation("username", "You can't follow yourself."));
    }
    let mut tx = pool.begin().await?;
    quota.take(&mut tx, Action::Follow).await?;
    let private = lock_pair(&mut tx, me, target).await?;
    // Between blocked accounts there is nobody to follow (checked under the
    // lock a block takes too, so a follow can't slip in beside a block).
    if follow && super::safety::db::blocked_between(&mut *tx, me, target).await? {
        return Err(AppError::NotFound("Account".into()));
    }
    if follow {
        let status = if private { "pending" } else { "accepted" };
        let inserted = sqlx::query!(
            "INSERT INTO follows (follower_id, followee_id, status) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            me,
            target,
            status
        )
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if inserted == 1 && !private {
            count_follow(&mut tx, me, target, 1).await?;
            super::events::follow(&mut tx, super::events::FOLLOW_ACCEPTED, me, target).await?;
        } else if inserted == 1 {
            super::events::follow(&mut tx, super::events::FOLLOW_REQUESTED, me, target).await?;
        }
    } else {
        let removed = sqlx::query_scalar!(
            "DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 RETURNING status",
            me,
            target
        )
        .fetch_optional(&mut *tx)
        .await?;
        if removed.as_deref() == Some("accepted") {
            count_follow(&mut tx, me, target, -1).await?;
            super::events::follow(&mut tx, super::events::FOLLOW_REMOVED, me, target).await?;
        }
    }
    let state = follow_state(&mut tx, me, target).await?;
    tx.commit().await?;
    Ok(state)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Accounts following the profile.
    Followers,
    /// Accounts the profile follows.
    Following,
}

/// One page of a profile's followers or followings (accepted follows only),
/// newest follow first. A private account's lists are its owner's and
/// accepted followers' to see: anyone else gets `Forbidden`.
pub async fn follow_list(
    pool: &PgPool,
    username: &str,
    direction: Direction,
    viewer: Option<Uuid>,
    cursor: Option<Cursor>,
) -> AppResult<PeoplePage> {
    let owner = user_id_by_username(pool, username).await?;
    require_account_open(pool, owner, viewer, "Account").await?;
    let (at, after) = (cursor.map(|c| c.at), cursor.map(|c| c.id));
    // Two spelled-out queries rather than one with CASE: each uses its own
    // index (follows' primary key, or follows_followee_idx) for the keyset scan.
    let rows = match direction {
        Direction::Followers => {
            sqlx::query_as!(
                ListedPerson,
                r#"SELECT u.id, u.username, u.display_name, u.bio, u.avatar_url, u.followers_count, f.created_at AS listed_at,
                          u.is_private, (SELECT v.status FROM follows v WHERE v.follower_id = $4 AND v.followee_id = u.id) AS "viewer_follow?"
                   FROM follows f JOIN users u ON u.id = f.follower_id
                   WHERE f.followee_id = $1 AND f.status = 'accepted' AND NOT blocked_between(u.id, $4)
                     AND ($2::timestamptz IS NULL OR (f.created_at, f.follower_id) < ($2, $3::uuid))
                   ORDER BY f.created_at DESC, f.follower_id DESC
                   LIMIT $5"#,
                owner, at, after, viewer, PAGE_SIZE + 1,
            )
            .fetch_all(pool)
            .await?
        }
        Direction::Following => {
            sqlx::query_as!(
                ListedPerson,
                r#"SELECT u.id, u.username, u.display_name, u.bio, u.avatar_url, u.followers_count, f.created_at AS listed_at,
                          u.is_private, (SELECT v.status FROM follows v WHERE v.follower_id = $4 AND v.followee_id = u.id) AS "viewer_follow?"
                   FROM follows f JOIN users u ON u.id = f.followee_id
                   WHERE f.follower_id = $1 AND f.status = 'accepted' AND NOT blocked_between(u.id, $4)
                     AND ($2::timestamptz IS NULL OR (f.created_at, f.followee_id) < ($2, $3::uuid))
                   ORDER BY f.created_at DESC, f.followee_id DESC
                   LIMIT $5"#,
                owner, at, after, viewer, PAGE_SIZE + 1,
            )
            .fetch_all(pool)
            .await?
        }
    };

    let next_cursor = (rows.len() as i64 > PAGE_SIZE)
        .then(|| rows.get(PAGE_SIZE as usize - 1).map(|r| Cursor { at: r.listed_at, id: r.id }.encode()))
        .flatten();
    let people = rows.into_iter().take(PAGE_SIZE as usize).map(|r| r.into_card(viewer)).collect();
    Ok(PeoplePage { people, next_cursor })
}

/// Whether `viewer` may see what `owner`'s account shows beyond its header
/// (the SQL rule `account_visible_to`).
pub async fn account_visible(pool: &PgPool, owner: Uuid, viewer: Option<Uuid>) -> AppResult<bool> {
    let visible = sqlx::query_scalar!(r#"SELECT account_visible_to($1, $2) AS "visible!""#, owner, viewer)
        .fetch_one(pool)
        .await?;
    Ok(visible)
}

/// Checks that `viewer` may see what `owner`'s account shows beyond its
/// header: `Forbidden` if not (a private account they don't follow), and
/// not found (as `what`) if either blocked the other, as if there were no
/// such account.
pub async fn require_account_open(pool: &PgPool, owner: Uuid, viewer: Option<Uuid>, what: &str) -> AppResult<()> {
    let r = sqlx::query!(
        r#"SELECT account_visible_to($1, $2) AS "visible!", blocked_between($1, $2) AS "blocked!""#,
        owner,
        viewer
    )
    .fetch_one(pool)
    .await?;
    match (r.visible, r.blocked) {
        (_, true) => Err(AppError::NotFound(what.into())),
        (false, false) => Err(AppError::Forbidden),
        (true, false) => Ok(()),
    }
}

/// A person row with the time they entered the list (for the cursor).
struct ListedPerson {
    id: Uuid,
    username: String,
    display_name: String,
    bio: String,
    avatar_url: Option<String>,
    followers_count: i32,
    listed_at: chrono::DateTime<chrono::Utc>,
    is_private: bool,
    /// The viewer's follow of this person: 'accepted', 'pending' or none.
    viewer_follow: Option<String>,
}

impl ListedPerson {
    fn into_card(self, viewer: Option<Uuid>) -> PersonCard {
        PersonCard {
            is_self: viewer == Some(self.id),
            id: self.id,
            username: self.username,
            display_name: self.display_name,
            bio: self.bio,
            avatar_url: self.avatar_url,
            followers_count: self.followers_count.into(),
            is_private: self.is_private,
            viewer_follows: self.viewer_follow.as_deref() == Some("accepted"),
            viewer_requested: self.viewer_follow.as_deref() == Some("pending"),
        }
    }
}

/// People to discover: matching `query` (username or display-name prefix)
/// when given, most-followed first. The viewer is left out.
pub async fn discover(
    pool: &PgPool,
    viewer: Option<Uuid>,
    query: Option<&str>,
    limit: i64,
) -> AppResult<Vec<PersonCard>> {
    let pattern = query
        .map(str::trim)
        .filter(|q| !q.is_empty())
        .map(|q| format!("{}%", q.to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")));
    let rows = sqlx::query_as!(
        ListedPerson,
        r#"SELECT u.id, u.username, u.display_name, u.bio, u.avatar_url, u.followers_count, u.created_at AS listed_at,
                  u.is_private, (SELECT v.status FROM follows v WHERE v.follower_id = $1 AND v.followee_id = u.id) AS "viewer_follow?"
           FROM users u
           WHERE u.id IS DISTINCT FROM $1 AND NOT blocked_between(u.id, $1)
             AND ($2::text IS NULL OR u.username LIKE $2 OR lower(u.display_name) LIKE $2)
           ORDER BY u.followers_count DESC, u.id
           LIMIT $3"#,
        viewer,
        pattern,
        limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.into_card(viewer)).collect())
}

/// Accounts the viewer does not follow (or asked to follow) yet, most-followed first.
pub async fn suggestions(pool: &PgPool, me: Uuid, limit: i64) -> AppResult<Vec<PersonCard>> {
    let rows = sqlx::query_as!(
        ListedPerson,
        r#"SELECT u.id, u.username, u.display_name, u.bio, u.avatar_url, u.followers_count, u.created_at AS listed_at,
                  u.is_private, NULL::text AS "viewer_follow?"
           FROM users u
           WHERE u.id <> $1 AND NOT blocked_between(u.id, $1)
             AND NOT EXISTS (SELECT 1 FROM follows v WHERE v.follower_id = $1 AND v.followee_id = u.id)
           ORDER BY u.followers_count DESC, u.id
           LIMIT $2"#,
        me,
        limit,
    )
    .fetch_all(pool)
    .await?;
    Ok(rows.into_iter().map(|r| r.into_card(Some(me))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{follow_counts as counts, user};

    #[sqlx::test(migrations = "../migrations")]
    async fn following_twice_counts_once_and_unfollowing_restores(pool: PgPool) {
        let a = user(&pool, "ann").await;
        let b = user(&pool, "ben").await;
        assert_eq!(
            set_follow(&pool, &Quota::exempt(), a, "ben", true).await.unwrap(),
            FollowState { following: true, requested: false, followers_count: 1 }
        );
        assert_eq!(
            set_follow(&pool, &Quota::exempt(), a, "BEN", true).await.unwrap(),
            FollowState { following: true, requested: false, followers_count: 1 }
        );
        assert_eq!(counts(&pool, a).await, (0, 1));
        assert_eq!(counts(&pool, b).await, (1, 0));
        assert_eq!(
            set_follow(&pool, &Quota::exempt(), a, "ben", false).await.unwrap(),
            FollowState { following: false, requested: false, followers_count: 0 }
        );
        assert_eq!(set_follow(&pool, &Quota::exempt(), a, "ben", false).await.unwrap().followers_count, 0);
        assert_eq!(counts(&pool, a).await, (0, 0));
        assert_eq!(counts(&pool, b).await, (0, 0));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn nobody_follows_themselves_or_a_missing_account(pool: PgPool) {
        let a = user(&pool, "ann").await;
        assert_eq!(set_follow(&pool, &Quota::exempt(), a, "ann", true).await.unwrap_err().status_code(), 422);
        assert_eq!(
            set_follow(&pool, &Quota::exempt(), a, "ghost", true).await.unwrap_err(),
            AppError::NotFound("Account".into())
        );
        assert_eq!(counts(&pool, a).await, (0, 0));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn concurrent_follows_keep_counts_exact(pool: PgPool) {
        let names: Vec<String> = (0..8).map(|i| format!("user{i}")).collect();
        let mut ids = Vec::new();
        for n in &names {
            ids.push(user(&pool, n).await);
        }
        // Everyone follows everyone at once, each pair from both sides, twice.
        let mut tasks = Vec::new();
        for (i, me) in ids.iter().enumerate() {
            for (j, name) in names.iter().enumerate() {
                if i != j {
                    for _ in 0..2 {
                        let (pool, me, name) = (pool.clone(), *me, name.clone());
                        tasks.push(tokio::spawn(
                            async move { set_follow(&pool, &Quota::exempt(), me, &name, true).await },
                        ));
                    }
                }
            }
        }
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        for id in &ids {
            assert_eq!(counts(&pool, *id).await, (7, 7));
        }
        let rows: i64 = sqlx::query_scalar!("SELECT count(*) AS \"n!\" FROM follows").fetch_one(&pool).await.unwrap();
        assert_eq!(rows, 56);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn follower_lists_page_with_a_cursor(pool: PgPool) {
        let star = user(&pool, "star").await;
        for i in 0..25 {
            let fan = user(&pool, &format!("fan{i:02}")).await;
            set_follow(&pool, &Quota::exempt(), fan, "star", true).await.unwrap();
        }
        let first = follow_list(&pool, "star", Direction::Followers, Some(star), None).await.unwrap();
        assert_eq!(first.people.len(), 20);
        let cursor = Cursor::decode(first.next_cursor.as_deref().unwrap());
        let second = follow_list(&pool, "star", Direction::Followers, Some(star), cursor).await.unwrap();
        assert_eq!(second.people.len(), 5);
        assert!(second.next_cursor.is_none());
        let mut all: Vec<_> = first.people.iter().chain(&second.people).map(|p| p.username.clone()).collect();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), 25, "no one repeated or skipped across pages");
        assert_eq!(first.people[0].username, "fan24", "newest follower first");

        let following = follow_list(&pool, "fan00", Direction::Following, None, None).await.unwrap();
        assert_eq!(following.people.iter().map(|p| p.username.as_str()).collect::<Vec<_>>(), vec!["star"]);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn profiles_know_whether_the_viewer_follows(pool: PgPool) {
        let a = user(&pool, "ann").await;
        let b = user(&pool, "ben").await;
        set_follow(&pool, &Quota::exempt(), a, "ben", true).await.unwrap();
        let seen_by_a = profile_by_username(&pool, "ben", Some(a)).await.unwrap().unwrap();
        assert!(seen_by_a.viewer_follows && !seen_by_a.is_self);
        assert_eq!(seen_by_a.followers_count, 1);
        let seen_by_guest = profile_by_username(&pool, "ben", None).await.unwrap().unwrap();
        assert!(!seen_by_guest.viewer_follows);
        assert!(profile_by_username(&pool, "ben", Some(b)).await.unwrap().unwrap().is_self);
        assert!(profile_by_username(&pool, "nobody", None).await.unwrap().is_none());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn profile_updates_are_saved_and_discoverable(pool: PgPool) {
        let a = user(&pool, "ann").await;
        let me = user(&pool, "viewer").await;
        update_profile(
            &pool,
            a,
            &ProfileUpdate {
                display_name: "Ann Shop".into(),
                bio: "Hello".into(),
                location: "Nairobi".into(),
                website: "https://ann.example".into(),
                is_private: true,
            },
        )
        .await
        .unwrap();
        let p = editable_profile(&pool, a).await.unwrap();
        assert_eq!((p.display_name.as_str(), p.is_private), ("Ann Shop", true));
        let found = discover(&pool, Some(me), Some("ann s"), 10).await.unwrap();
        assert_eq!(found.len(), 1);
        assert!(discover(&pool, Some(me), Some("%"), 10).await.unwrap().is_empty(), "wildcards are literal");
        assert!(
            discover(&pool, Some(me), None, 10).await.unwrap().iter().all(|p| p.id != me),
            "the viewer is left out"
        );
    }
}

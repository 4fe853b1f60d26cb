//! Follow requests to private accounts: the owner lists, accepts or declines
//! the requests made to them; a requester withdraws their own. Every function
//! takes the caller (`None` when signed out) and acts only on requests to or
//! from that caller, so nobody (an admin included) answers for someone else.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::db::{count_follow, follow_state, lock_pair, user_id_by_username};
use super::{Cursor, FollowRequest, FollowState, RequestsPage, PAGE_SIZE};
use crate::error::{AppError, AppResult};
use crate::limits::{Action, Quota};

fn signed_in(caller: Option<Uuid>) -> AppResult<Uuid> {
    caller.ok_or(AppError::Unauthorized)
}

/// The same answer for an unknown account and for one that asked nothing of
/// the caller: requests are private to the two people concerned.
fn no_request() -> AppError {
    AppError::NotFound("Follow request".into())
}

async fn account(pool: &PgPool, username: &str) -> AppResult<Uuid> {
    user_id_by_username(pool, username).await.map_err(|e| match e {
        AppError::NotFound(_) => no_request(),
        other => other,
    })
}

/// The caller's pending requests, newest first.
pub async fn list(pool: &PgPool, caller: Option<Uuid>, cursor: Option<Cursor>) -> AppResult<RequestsPage> {
    let owner = signed_in(caller)?;
    let (at, after) = (cursor.map(|c| c.at), cursor.map(|c| c.id));
    let rows = sqlx::query!(
        r#"SELECT u.id, u.username, u.display_name, u.avatar_url, f.created_at
           FROM follows f JOIN users u ON u.id = f.follower_id
           WHERE f.followee_id = $1 AND f.status = 'pending'
             AND ($2::timestamptz IS NULL OR (f.created_at, f.follower_id) < ($2, $3::uuid))
           ORDER BY f.created_at DESC, f.follower_id DESC
           LIMIT $4"#,
        owner,
        at,
        after,
        PAGE_SIZE + 1
    )
    .fetch_all(pool)
    .await?;
    let next_cursor = (rows.len() as i64 > PAGE_SIZE)
        .then(|| rows.get(PAGE_SIZE as usize - 1).map(|r| Cursor { at: r.created_at, id: r.id }.encode()))
        .flatten();
    let requests = rows
        .into_iter()
        .take(PAGE_SIZE as usize)
        .map(|r| FollowRequest {
            username: r.username,
            display_name: r.display_name,
            avatar_url: r.avatar_url,
            requested_at: r.created_at,
        })
        .collect();
    Ok(RequestsPage { requests, next_cursor })
}

/// The caller accepts `requester`'s request: it becomes a follow and counts.
pub async fn accept(pool: &PgPool, caller: Option<Uuid>, requester: &str) -> AppResult<()> {
    let owner = signed_in(caller)?;
    let requester = account(pool, requester).await?;
    let mut tx = pool.begin().await?;
    lock_pair(&mut tx, requester, owner).await?;
    let accepted = sqlx::query!(
        "UPDATE follows SET status = 'accepted' WHERE follower_id = $1 AND followee_id = $2 AND status = 'pending'",
        requester,
        owner
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if accepted == 0 {
        return Err(no_request());
    }
    count_follow(&mut tx, requester, owner, 1).await?;
    super::events::approved(&mut tx, requester, owner).await?;
    tx.commit().await?;
    Ok(())
}

/// The caller declines `requester`'s request; they may ask again later.
pub async fn decline(pool: &PgPool, caller: Option<Uuid>, requester: &str) -> AppResult<()> {
    let owner = signed_in(caller)?;
    let requester = account(pool, requester).await?;
    // A pending follow is in no counter, so removing it touches nothing else.
    let declined = sqlx::query!(
        "DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 AND status = 'pending'",
        requester,
        owner
    )
    .execute(pool)
    .await?
    .rows_affected();
    if declined == 0 {
        return Err(no_request());
    }
    Ok(())
}

/// The caller withdraws their request to follow `owner` (an unfollow, for
/// the follow limit: `limits`).
pub async fn cancel(pool: &PgPool, quota: &Quota, caller: Option<Uuid>, owner: &str) -> AppResult<FollowState> {
    let requester = signed_in(caller)?;
    let owner = account(pool, owner).await?;
    let mut tx = pool.begin().await?;
    quota.take(&mut tx, Action::Follow).await?;
    let cancelled = sqlx::query!(
        "DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 AND status = 'pending'",
        requester,
        owner
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if cancelled == 0 {
        return Err(no_request());
    }
    let state = follow_state(&mut tx, requester, owner).await?;
    tx.commit().await?;
    Ok(state)
}

/// Accepts every request waiting on `owner` (who is going public), counting
/// each, inside the caller's transaction.
pub async fn accept_all(tx: &mut PgConnection, owner: Uuid) -> AppResult<()> {
    let accepted = sqlx::query_scalar!(
        r#"WITH accepted AS (
             UPDATE follows SET status = 'accepted'
             WHERE followee_id = $1 AND status = 'pending'
             RETURNING follower_id
         ), counted AS (
             UPDATE users SET following_count = following_count + 1
             WHERE id IN (SELECT follower_id FROM accepted)
             RETURNING id
         ), owner AS (
             UPDATE users SET followers_count = followers_count + (SELECT count(*) FROM counted)::int
             WHERE id = $1
         )
         SELECT id AS "id!" FROM counted"#,
        owner
    )
    .fetch_all(&mut *tx)
    .await?;
    super::events::followed_by_each(tx, &accepted, owner).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posts::{db as posts, Visibility};
    use crate::social::db::{follow_list, profile_by_username, set_follow, update_profile, Direction, ProfileUpdate};
    use crate::test_support::{admin, follow_counts as counts, make_private, post, user};

    async fn requesters(pool: &PgPool, caller: Uuid) -> Vec<String> {
        list(pool, Some(caller), None).await.unwrap().requests.into_iter().map(|r| r.username).collect()
    }

    async fn status(pool: &PgPool, follower: Uuid, followee: Uuid) -> Option<String> {
        sqlx::query_scalar!(
            "SELECT status FROM follows WHERE follower_id = $1 AND followee_id = $2",
            follower,
            followee
        )
        .fetch_optional(pool)
        .await
        .unwrap()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn following_a_private_account_waits_for_its_owner(pool: PgPool) {
        let olive = user(&pool, "olive").await;
        let rex = user(&pool, "rex").await;
        make_private(&pool, olive).await;
        let secret = post(&pool, olive, "only for friends", Visibility::Public).await;

        let asked = set_follow(&pool, &Quota::exempt(), rex, "olive", true).await.unwrap();
        assert_eq!(asked, FollowState { following: false, requested: true, followers_count: 0 });
        assert_eq!(
            set_follow(&pool, &Quota::exempt(), rex, "olive", true).await.unwrap(),
            asked,
            "asking twice is one request"
        );
        assert_eq!(
            (counts(&pool, olive).await, counts(&pool, rex).await),
            ((0, 0), (0, 0)),
            "a request counts nowhere"
        );
        assert!(posts::post(&pool, secret, Some(rex)).await.unwrap().is_none(), "a request unlocks nothing");
        let seen = profile_by_username(&pool, "olive", Some(rex)).await.unwrap().unwrap();
        assert!(seen.viewer_requested && !seen.viewer_follows && !seen.content_visible);
        assert_eq!(seen.pending_requests, 0, "only the owner sees the count");
        assert_eq!(profile_by_username(&pool, "olive", Some(olive)).await.unwrap().unwrap().pending_requests, 1);
        assert_eq!(requesters(&pool, olive).await, vec!["rex"]);

        accept(&pool, Some(olive), "rex").await.unwrap();
        assert_eq!((counts(&pool, olive).await, counts(&pool, rex).await), ((1, 0), (0, 1)));
        assert!(posts::post(&pool, secret, Some(rex)).await.unwrap().is_some(), "an accepted follower sees the posts");
        assert!(requesters(&pool, olive).await.is_empty());
        let seen = profile_by_username(&pool, "olive", Some(rex)).await.unwrap().unwrap();
        assert!(seen.viewer_follows && !seen.viewer_requested && seen.content_visible);
        assert_eq!(accept(&pool, Some(olive), "rex").await.unwrap_err(), no_request(), "nothing left to accept");

        // Unfollowing removes the accepted follow and its counts.
        let left = set_follow(&pool, &Quota::exempt(), rex, "olive", false).await.unwrap();
        assert_eq!(left, FollowState { following: false, requested: false, followers_count: 0 });
        assert_eq!((counts(&pool, olive).await, counts(&pool, rex).await), ((0, 0), (0, 0)));
        assert!(posts::post(&pool, secret, Some(rex)).await.unwrap().is_none());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn declined_and_withdrawn_requests_leave_nothing_behind(pool: PgPool) {
        let olive = user(&pool, "olive").await;
        let rex = user(&pool, "rex").await;
        make_private(&pool, olive).await;

        set_follow(&pool, &Quota::exempt(), rex, "olive", true).await.unwrap();
        decline(&pool, Some(olive), "rex").await.unwrap();
        assert_eq!(status(&pool, rex, olive).await, None);
        assert_eq!(decline(&pool, Some(olive), "rex").await.unwrap_err(), no_request());

        // Asking again after a decline is a new request, withdrawn by the requester.
        set_follow(&pool, &Quota::exempt(), rex, "olive", true).await.unwrap();
        let state = cancel(&pool, &Quota::exempt(), Some(rex), "olive").await.unwrap();
        assert_eq!(state, FollowState { following: false, requested: false, followers_count: 0 });
        assert_eq!(status(&pool, rex, olive).await, None);
        assert_eq!(cancel(&pool, &Quota::exempt(), Some(rex), "olive").await.unwrap_err(), no_request());

        // The follow button's second click withdraws a request as well.
        set_follow(&pool, &Quota::exempt(), rex, "olive", true).await.unwrap();
        let state = set_follow(&pool, &Quota::exempt(), rex, "olive", false).await.unwrap();
        assert!(!state.following && !state.requested);
        assert_eq!(status(&pool, rex, olive).await, None);
        assert_eq!((counts(&pool, olive).await, counts(&pool, rex).await), ((0, 0), (0, 0)));
    }

    /// Each request function as each kind of caller: signed out, a stranger,
    /// the requester, the account's owner and an admin. Only the owner answers
    /// a request, only the requester withdraws it, and a refused attempt
    /// leaves it pending.
    #[sqlx::test(migrations = "../migrations")]
    async fn only_the_owner_answers_and_only_the_requester_withdraws(pool: PgPool) {
        let olive = user(&pool, "olive").await;
        let rex = user(&pool, "rex").await;
        let sam = user(&pool, "sam").await;
        let root = admin(&pool, "root").await;
        make_private(&pool, olive).await;
        set_follow(&pool, &Quota::exempt(), rex, "olive", true).await.unwrap();

        let callers = [("anonymous", None), ("stranger", Some(sam)), ("requester", Some(rex)), ("admin", Some(root))];
        for (who, caller) in callers {
            let refused = if caller.is_none() { AppError::Unauthorized } else { no_request() };
            assert_eq!(accept(&pool, caller, "rex").await.unwrap_err(), refused, "accept as {who}");
            assert_eq!(decline(&pool, caller, "rex").await.unwrap_err(), refused, "decline as {who}");
            match caller {
                None => assert_eq!(list(&pool, None, None).await.unwrap_err(), AppError::Unauthorized),
                Some(c) => assert!(requesters(&pool, c).await.is_empty(), "{who} lists no one's requests"),
            }
            if who != "requester" {
                assert_eq!(
                    cancel(&pool, &Quota::exempt(), caller, "olive").await.unwrap_err(),
                    refused,
                    "cancel as {who}"
                );
            }
            assert_eq!(status(&pool, rex, olive).await.as_deref(), Some("pending"), "still pending after {who}");
        }
        // The owner can't withdraw someone else's request either.
        assert_eq!(cancel(&pool, &Quota::exempt(), Some(olive), "olive").await.unwrap_err(), no_request());
        assert_eq!(cancel(&pool, &Quota::exempt(), Some(olive), "rex").await.unwrap_err(), no_request());

        // The owner lists and declines; the requester withdraws; the owner accepts.
        assert_eq!(requesters(&pool, olive).await, vec!["rex"]);
        decline(&pool, Some(olive), "rex").await.unwrap();
        set_follow(&pool, &Quota::exempt(), rex, "olive", true).await.unwrap();
        cancel(&pool, &Quota::exempt(), Some(rex), "olive").await.unwrap();
        set_follow(&pool, &Quota::exempt(), rex, "olive", true).await.unwrap();
        accept(&pool, Some(olive), "rex").await.unwrap();
        assert_eq!(status(&pool, rex, olive).await.as_deref(), Some("accepted"));
        assert_eq!(
            cancel(&pool, &Quota::exempt(), Some(rex), "olive").await.unwrap_err(),
            no_request(),
            "a follow is not a request"
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn going_public_accepts_every_request_and_going_private_keeps_followers(pool: PgPool) {
        let olive = user(&pool, "olive").await;
        let fans = [user(&pool, "fan_a").await, user(&pool, "fan_b").await, user(&pool, "fan_c").await];
        set_follow(&pool, &Quota::exempt(), fans[0], "olive", true).await.unwrap();
        let profile = |is_private| ProfileUpdate {
            display_name: "Olive".into(),
            bio: String::new(),
            location: String::new(),
            website: String::new(),
            is_private,
        };

        // Going private keeps the follower who was there.
        update_profile(&pool, olive, &profile(true)).await.unwrap();
        assert_eq!(status(&pool, fans[0], olive).await.as_deref(), Some("accepted"));
        assert_eq!(counts(&pool, olive).await, (1, 0));
        set_follow(&pool, &Quota::exempt(), fans[1], "olive", true).await.unwrap();
        set_follow(&pool, &Quota::exempt(), fans[2], "olive", true).await.unwrap();
        assert_eq!(requesters(&pool, olive).await.len(), 2);

        // Going public lets both requests in, counted.
        update_profile(&pool, olive, &profile(false)).await.unwrap();
        for fan in fans {
            assert_eq!(status(&pool, fan, olive).await.as_deref(), Some("accepted"));
            assert_eq!(counts(&pool, fan).await, (0, 1));
        }
        assert_eq!(counts(&pool, olive).await, (3, 0));
        assert!(requesters(&pool, olive).await.is_empty());
        let listed = follow_list(&pool, "olive", Direction::Followers, None, None).await.unwrap();
        assert_eq!(listed.people.len(), 3);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_private_accounts_follow_lists_are_for_its_followers(pool: PgPool) {
        let olive = user(&pool, "olive").await;
        let fay = user(&pool, "fay").await;
        let rex = user(&pool, "rex").await;
        let sam = user(&pool, "sam").await;
        user(&pool, "pal").await;
        set_follow(&pool, &Quota::exempt(), fay, "olive", true).await.unwrap();
        set_follow(&pool, &Quota::exempt(), olive, "pal", true).await.unwrap();
        make_private(&pool, olive).await;
        set_follow(&pool, &Quota::exempt(), rex, "olive", true).await.unwrap();

        for (who, viewer, allowed) in
            [("anonymous", None, false), ("stranger", Some(sam), false), ("requester", Some(rex), false)]
                .into_iter()
                .chain([("follower", Some(fay), true), ("owner", Some(olive), true)])
        {
            for direction in [Direction::Followers, Direction::Following] {
                let listed = follow_list(&pool, "olive", direction, viewer, None).await;
                match allowed {
                    false => assert_eq!(listed.unwrap_err(), AppError::Forbidden, "{direction:?} as {who}"),
                    true => {
                        let names: Vec<String> = listed.unwrap().people.into_iter().map(|p| p.username).collect();
                        let expected = if direction == Direction::Followers { "fay" } else { "pal" };
                        assert_eq!(names, vec![expected], "{direction:?} as {who}: accepted follows only");
                    }
                }
            }
        }
    }
}

//! SQL for bookmarks and collections. Every entry point takes the caller as
//! `Option<Uuid>` (signed out: `Unauthorized`) and touches only the caller's
//! own rows; a post is saved only if `post_visible_to` lets the caller see
//! it, and listed only while it still does. The post's `bookmark_count`
//! changes in the transaction that adds or removes the row, under the
//! post's row lock (taken first by both, so a save and an unsave of one
//! post never deadlock).

use std::collections::HashMap;

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::{BookmarkState, Collection, CollectionName, SavedPage, SavedPost, MAX_COLLECTIONS};
use crate::db_errors::on_constraint;
use crate::error::{AppError, AppResult};
use crate::posts::db::{assemble_keyed, PostRow};
use crate::posts::timeline::Key;
use crate::posts::FEED_PAGE_SIZE;
use crate::social::Cursor;

fn signed_in(caller: Option<Uuid>) -> AppResult<Uuid> {
    caller.ok_or(AppError::Unauthorized)
}

/// The same answer for a collection that does not exist and one that is
/// someone else's: collections are private.
fn no_collection() -> AppError {
    AppError::NotFound("Collection".into())
}

fn name_taken() -> AppError {
    AppError::conflict("name", "You already have a collection with that name.")
}

/// Checks that `collection` is `user`'s and keeps it from being deleted
/// until the transaction ends.
async fn own_collection(tx: &mut PgConnection, user: Uuid, collection: Uuid) -> AppResult<()> {
    sqlx::query_scalar!(
        "SELECT id FROM bookmark_collections WHERE id = $1 AND user_id = $2 FOR KEY SHARE",
        collection,
        user
    )
    .fetch_optional(&mut *tx)
    .await?
    .map(|_| ())
    .ok_or_else(no_collection)
}

/// Saves a post the caller can see, into `collection` (theirs) or "All".
/// Saving a saved post again moves it into `collection` when one is given
/// and otherwise changes nothing. A post the caller cannot see is
/// `NotFound`, as if it did not exist.
pub async fn save(
    pool: &PgPool,
    caller: Option<Uuid>,
    post_id: Uuid,
    collection: Option<Uuid>,
) -> AppResult<BookmarkState> {
    let user = signed_in(caller)?;
    let mut tx = pool.begin().await?;
    let visible = sqlx::query_scalar!(
        "SELECT p.id FROM posts p
         WHERE p.id = $1 AND p.status = 'published' AND post_visible_to(p, $2)
         FOR NO KEY UPDATE OF p",
        post_id,
        user
    )
    .fetch_optional(&mut *tx)
    .await?;
    if visible.is_none() {
        return Err(AppError::NotFound("Post".into()));
    }
    if let Some(c) = collection {
        own_collection(&mut tx, user, c).await?;
    }
    let inserted = sqlx::query!(
        "INSERT INTO bookmarks (user_id, post_id, collection_id, created_at) VALUES ($1, $2, $3, app_now())
         ON CONFLICT (user_id, post_id) DO NOTHING",
        user,
        post_id,
        collection
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if inserted == 1 {
        sqlx::query!("UPDATE posts SET bookmark_count = bookmark_count + 1 WHERE id = $1", post_id)
            .execute(&mut *tx)
            .await?;
    } else if collection.is_some() {
        sqlx::query!(
            "UPDATE bookmarks SET collection_id = $3 WHERE user_id = $1 AND post_id = $2",
            user,
            post_id,
            collection
        )
        .execute(&mut *tx)
        .await?;
    }
    let now_in =
        sqlx::query_scalar!("SELECT collection_id FROM bookmarks WHERE user_id = $1 AND post_id = $2", user, post_id)
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    Ok(BookmarkState { saved: true, collection: now_in })
}

/// Removes the caller's bookmark of a post, if any; idempotent. It answers
/// the same for every post id, so it tells nothing about posts the caller
/// cannot see, and it lets them drop a post that has since become hidden.
pub async fn unsave(pool: &PgPool, caller: Option<Uuid>, post_id: Uuid) -> AppResult<BookmarkState> {
    let user = signed_in(caller)?;
    let mut tx = pool.begin().await?;
    let exists = sqlx::query_scalar!("SELECT id FROM posts WHERE id = $1 FOR NO KEY UPDATE", post_id)
        .fetch_optional(&mut *tx)
        .await?;
    if exists.is_some() {
        let deleted = sqlx::query!("DELETE FROM bookmarks WHERE user_id = $1 AND post_id = $2", user, post_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
        if deleted == 1 {
            sqlx::query!("UPDATE posts SET bookmark_count = bookmark_count - 1 WHERE id = $1", post_id)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    Ok(BookmarkState { saved: false, collection: None })
}

/// Moves one of the caller's bookmarks into `collection` (theirs), or out
/// of any (`None`: "All" only).
pub async fn move_to(pool: &PgPool, caller: Option<Uuid>, post_id: Uuid, collection: Option<Uuid>) -> AppResult<()> {
    let user = signed_in(caller)?;
    let mut tx = pool.begin().await?;
    if let Some(c) = collection {
        own_collection(&mut tx, user, c).await?;
    }
    let moved = sqlx::query!(
        "UPDATE bookmarks SET collection_id = $3 WHERE user_id = $1 AND post_id = $2",
        user,
        post_id,
        collection
    )
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if moved == 0 {
        return Err(AppError::NotFound("Saved post".into()));
    }
    tx.commit().await?;
    Ok(())
}

/// Creates a collection; at most `MAX_COLLECTIONS` per user, names unique
/// per user whatever their case.
pub async fn create_collection(pool: &PgPool, caller: Option<Uuid>, name: &CollectionName) -> AppResult<Collection> {
    let user = signed_in(caller)?;
    let mut tx = pool.begin().await?;
    // One creation per user at a time, so the limit holds under concurrency.
    sqlx::query_scalar!("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE", user).fetch_one(&mut *tx).await?;
    let count = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM bookmark_collections WHERE user_id = $1"#, user)
        .fetch_one(&mut *tx)
        .await?;
    if count >= MAX_COLLECTIONS {
        return Err(AppError::validation("name", format!("You can have at most {MAX_COLLECTIONS} collections.")));
    }
    let id = Uuid::new_v4();
    sqlx::query!("INSERT INTO bookmark_collections (id, user_id, name) VALUES ($1, $2, $3)", id, user, name.as_str())
        .execute(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, &[("bookmark_collections_name_key", name_taken)]))?;
    tx.commit().await?;
    Ok(Collection { id, name: name.as_str().to_string() })
}

/// Renames one of the caller's collections.
pub async fn rename_collection(
    pool: &PgPool,
    caller: Option<Uuid>,
    collection: Uuid,
    name: &CollectionName,
) -> AppResult<()> {
    let user = signed_in(caller)?;
    let renamed = sqlx::query!(
        "UPDATE bookmark_collections SET name = $3 WHERE id = $1 AND user_id = $2",
        collection,
        user,
        name.as_str()
    )
    .execute(pool)
    .await
    .map_err(|e| on_constraint(e, &[("bookmark_collections_name_key", name_taken)]))?
    .rows_affected();
    if renamed == 0 {
        return Err(no_collection());
    }
    Ok(())
}

/// Deletes one of the caller's collections; its bookmarks stay, in "All".
pub async fn delete_collection(pool: &PgPool, caller: Option<Uuid>, collection: Uuid) -> AppResult<()> {
    let user = signed_in(caller)?;
    let deleted = sqlx::query!("DELETE FROM bookmark_collections WHERE id = $1 AND user_id = $2", collection, user)
        .execute(pool)
        .await?
        .rows_affected();
    if deleted == 0 {
        return Err(no_collection());
    }
    Ok(())
}

/// The caller's collections, oldest first (the order of the saved page's tabs).
pub async fn collections(pool: &PgPool, caller: Option<Uuid>) -> AppResult<Vec<Collection>> {
    let user = signed_in(caller)?;
    let rows = sqlx::query_as!(
        Collection,
        "SELECT id, name FROM bookmark_collections WHERE user_id = $1 ORDER BY created_at, id",
        user
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

/// A page of the caller's saved posts, newest saved first: all of them
/// (`collection: None`) or one collection's. Only posts the caller may
/// still see are listed.
pub async fn saved(
    pool: &PgPool,
    caller: Option<Uuid>,
    collection: Option<Uuid>,
    cursor: Option<Cursor>,
) -> AppResult<SavedPage> {
    let user = signed_in(caller)?;
    let collections = collections(pool, caller).await?;
    if let Some(c) = collection {
        if !collections.iter().any(|own| own.id == c) {
            return Err(no_collection());
        }
    }
    let (at, after) = (cursor.map(|c| c.at), cursor.map(|c| c.id));
    let rows = sqlx::query!(
        r#"SELECT b.created_at AS saved_at, b.collection_id,
                  p.id, p.author_id, p.body, p.visibility, p.status, p.created_at, p.published_at, p.edited_at,
                  p.like_count, p.comment_count, p.comments_off, p.repost_of, p.quote_of, p.repost_count,
                  p.quote_count, u.username, u.display_name, u.avatar_url
           FROM bookmarks b
           JOIN posts p ON p.id = b.post_id
           JOIN users u ON u.id = p.author_id
           WHERE b.user_id = $1
             AND ($2::uuid IS NULL OR b.collection_id = $2)
             AND p.status = 'published' AND post_visible_to(p, $1)
             AND ($3::timestamptz IS NULL OR (b.created_at, b.post_id) < ($3, $4::uuid))
           ORDER BY b.created_at DESC, b.post_id DESC
           LIMIT $5"#,
        user,
        collection,
        at,
        after,
        FEED_PAGE_SIZE + 1
    )
    .fetch_all(pool)
    .await?;
    let mut keys = Vec::with_capacity(rows.len());
    let mut placed = HashMap::with_capacity(rows.len());
    let posts: Vec<PostRow> = rows
        .into_iter()
        .map(|r| {
            keys.push(Key { at: r.saved_at, id: r.id });
            placed.insert(r.id, r.collection_id);
            PostRow {
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
            }
        })
        .collect();
    let page = assemble_keyed(pool, posts, keys, Some(user)).await?;
    let posts = page
        .posts
        .into_iter()
        .map(|post| SavedPost { collection: placed.get(&post.id).copied().flatten(), post })
        .collect();
    Ok(SavedPage { collections, active: collection, posts, next_cursor: page.next_cursor })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::posts::{db as posts, editing, Visibility};
    use crate::test_support::{admin, follow, make_private, post, user};

    fn name(raw: &str) -> CollectionName {
        CollectionName::parse(raw).unwrap()
    }

    async fn stored_count(pool: &PgPool, post_id: Uuid) -> (i32, i64) {
        let counter = sqlx::query_scalar!("SELECT bookmark_count FROM posts WHERE id = $1", post_id)
            .fetch_one(pool)
            .await
            .unwrap();
        let rows = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM bookmarks WHERE post_id = $1"#, post_id)
            .fetch_one(pool)
            .await
            .unwrap();
        (counter, rows)
    }

    /// The ids on a tab of `viewer`'s saved page, newest saved first.
    async fn tab(pool: &PgPool, viewer: Uuid, collection: Option<Uuid>) -> Vec<Uuid> {
        saved(pool, Some(viewer), collection, None).await.unwrap().posts.into_iter().map(|p| p.post.id).collect()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn saving_and_unsaving_are_idempotent(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let bob = user(&pool, "bob").await;
        let id = post(&pool, ann, "linen", Visibility::Public).await;

        assert_eq!(save(&pool, Some(bob), id, None).await.unwrap(), BookmarkState { saved: true, collection: None });
        assert_eq!(save(&pool, Some(bob), id, None).await.unwrap(), BookmarkState { saved: true, collection: None });
        assert_eq!(stored_count(&pool, id).await, (1, 1));
        assert!(posts::post(&pool, id, Some(bob)).await.unwrap().unwrap().saved);
        assert!(!posts::post(&pool, id, Some(ann)).await.unwrap().unwrap().saved, "saved is per reader");

        assert!(!unsave(&pool, Some(bob), id).await.unwrap().saved);
        assert!(!unsave(&pool, Some(bob), id).await.unwrap().saved);
        assert_eq!(stored_count(&pool, id).await, (0, 0));
        // Unsaving a post that does not exist answers like any other.
        assert!(!unsave(&pool, Some(bob), Uuid::new_v4()).await.unwrap().saved);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn concurrent_saves_and_unsaves_count_exactly(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let id = post(&pool, ann, "popular", Visibility::Public).await;
        let mut fans = Vec::new();
        for i in 0..50 {
            fans.push(user(&pool, &format!("fan{i:02}")).await);
        }
        // Everyone saves twice at once.
        let tasks: Vec<_> = fans
            .iter()
            .flat_map(|&fan| [fan, fan])
            .map(|fan| {
                let pool = pool.clone();
                tokio::spawn(async move { save(&pool, Some(fan), id, None).await })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        assert_eq!(stored_count(&pool, id).await, (50, 50));

        // Half unsave (twice) while the other half save again and flip back and forth.
        let tasks: Vec<_> = fans
            .iter()
            .enumerate()
            .flat_map(|(i, &fan)| [(i, fan, 0), (i, fan, 1), (i, fan, 2)])
            .map(|(i, fan, round)| {
                let pool = pool.clone();
                tokio::spawn(async move {
                    if i < 25 || round == 1 {
                        unsave(&pool, Some(fan), id).await
                    } else {
                        save(&pool, Some(fan), id, None).await
                    }
                })
            })
            .collect();
        for t in tasks {
            t.await.unwrap().unwrap();
        }
        let (counter, rows) = stored_count(&pool, id).await;
        assert_eq!(i64::from(counter), rows, "the counter matches the rows whatever order the tasks ran in");
        assert!(rows <= 25);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn collections_are_created_renamed_moved_between_and_deleted(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let bob = user(&pool, "bob").await;
        let shirt = post(&pool, ann, "shirt", Visibility::Public).await;
        let dress = post(&pool, ann, "dress", Visibility::Public).await;
        let me = Some(bob);

        let summer = create_collection(&pool, me, &name("Summer")).await.unwrap();
        let work = create_collection(&pool, me, &name("Work")).await.unwrap();
        assert_eq!(
            create_collection(&pool, me, &name("summer")).await.unwrap_err().field(),
            Some("name"),
            "names are unique whatever their case"
        );
        // Someone else may use the same name.
        create_collection(&pool, Some(ann), &name("Summer")).await.unwrap();

        // Saved straight into a collection, and into "All".
        assert_eq!(save(&pool, me, shirt, Some(summer.id)).await.unwrap().collection, Some(summer.id));
        save(&pool, me, dress, None).await.unwrap();
        assert_eq!(tab(&pool, bob, None).await, vec![dress, shirt]);
        assert_eq!(tab(&pool, bob, Some(summer.id)).await, vec![shirt]);
        assert!(tab(&pool, bob, Some(work.id)).await.is_empty());

        // Moving between collections and out of any.
        move_to(&pool, me, shirt, Some(work.id)).await.unwrap();
        assert!(tab(&pool, bob, Some(summer.id)).await.is_empty());
        assert_eq!(tab(&pool, bob, Some(work.id)).await, vec![shirt]);
        // Saving a saved post into a collection moves it there, without counting twice.
        assert_eq!(save(&pool, me, dress, Some(summer.id)).await.unwrap().collection, Some(summer.id));
        assert_eq!(stored_count(&pool, dress).await, (1, 1));
        // Saving it again without a collection leaves it where it is.
        assert_eq!(save(&pool, me, dress, None).await.unwrap().collection, Some(summer.id));
        move_to(&pool, me, dress, None).await.unwrap();
        assert!(tab(&pool, bob, Some(summer.id)).await.is_empty());
        assert_eq!(
            move_to(&pool, me, Uuid::new_v4(), None).await.unwrap_err(),
            AppError::NotFound("Saved post".into())
        );

        // Renaming.
        rename_collection(&pool, me, work.id, &name("Office")).await.unwrap();
        assert_eq!(rename_collection(&pool, me, work.id, &name("SUMMER")).await.unwrap_err().field(), Some("name"));
        rename_collection(&pool, me, work.id, &name("office")).await.unwrap(); // its own name, another case
        let names: Vec<String> = collections(&pool, me).await.unwrap().into_iter().map(|c| c.name).collect();
        assert_eq!(names, vec!["Summer", "office"]);

        // Deleting a collection keeps its posts saved, in "All".
        delete_collection(&pool, me, work.id).await.unwrap();
        assert_eq!(delete_collection(&pool, me, work.id).await.unwrap_err(), AppError::NotFound("Collection".into()));
        assert_eq!(tab(&pool, bob, None).await, vec![dress, shirt]);
        let page = saved(&pool, me, None, None).await.unwrap();
        assert!(page.posts.iter().all(|p| p.collection.is_none()));
        assert_eq!(page.collections, vec![summer.clone()]);
        assert_eq!(stored_count(&pool, shirt).await, (1, 1));
        assert_eq!(saved(&pool, me, Some(work.id), None).await.unwrap_err(), AppError::NotFound("Collection".into()));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_user_has_at_most_the_limit_of_collections(pool: PgPool) {
        let bob = user(&pool, "bob").await;
        for i in 0..MAX_COLLECTIONS {
            create_collection(&pool, Some(bob), &name(&format!("c{i}"))).await.unwrap();
        }
        let refused = create_collection(&pool, Some(bob), &name("one more")).await.unwrap_err();
        assert_eq!(refused.field(), Some("name"));
        assert_eq!(collections(&pool, Some(bob)).await.unwrap().len() as i64, MAX_COLLECTIONS);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn markup_in_a_collection_name_is_stored_as_written(pool: PgPool) {
        let bob = user(&pool, "bob").await;
        let xss = "<img src=x onerror=alert(1)>";
        let made = create_collection(&pool, Some(bob), &name(xss)).await.unwrap();
        let stored = sqlx::query_scalar!("SELECT name FROM bookmark_collections WHERE id = $1", made.id)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(stored, xss);
        let page = saved(&pool, Some(bob), Some(made.id), None).await.unwrap();
        assert_eq!(page.active_name(), xss);
        // The database refuses what validation would have: a name with a control character.
        let raw = sqlx::query("INSERT INTO bookmark_collections (id, user_id, name) VALUES ($1, $2, $3)")
            .bind(Uuid::new_v4())
            .bind(bob)
            .bind("bad\u{7}")
            .execute(&pool)
            .await;
        assert!(raw.is_err());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn posts_that_become_hidden_leave_the_saved_page(pool: PgPool) {
        let ivy = user(&pool, "ivy").await;
        let fay = user(&pool, "fay").await;
        let sam = user(&pool, "sam").await;
        follow(&pool, fay, "ivy").await;
        let open = post(&pool, ivy, "open", Visibility::Public).await;
        let gone = post(&pool, ivy, "soon gone", Visibility::Public).await;
        for reader in [fay, sam] {
            save(&pool, Some(reader), open, None).await.unwrap();
            save(&pool, Some(reader), gone, None).await.unwrap();
        }
        assert_eq!(tab(&pool, sam, None).await, vec![gone, open]);

        // Ivy goes private: Sam (not a follower) no longer sees her posts.
        make_private(&pool, ivy).await;
        assert!(tab(&pool, sam, None).await.is_empty());
        assert_eq!(tab(&pool, fay, None).await, vec![gone, open]);
        // Nor can he save them again, as if they did not exist.
        unsave(&pool, Some(sam), open).await.unwrap();
        assert_eq!(save(&pool, Some(sam), open, None).await.unwrap_err(), AppError::NotFound("Post".into()));

        // A deleted post leaves everyone's saved page.
        editing::delete(&pool, ivy, gone).await.unwrap();
        assert_eq!(tab(&pool, fay, None).await, vec![open]);
        assert_eq!(save(&pool, Some(fay), gone, None).await.unwrap_err(), AppError::NotFound("Post".into()));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn drafts_and_followers_only_posts_follow_the_rule(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let fay = user(&pool, "fay").await;
        let sam = user(&pool, "sam").await;
        follow(&pool, fay, "ann").await;
        let friends = post(&pool, ann, "friends", Visibility::Followers).await;
        let draft = posts::save_draft(&pool, ann, "not yet", Visibility::Public, &[]).await.unwrap();
        assert_eq!(save(&pool, Some(sam), friends, None).await.unwrap_err(), AppError::NotFound("Post".into()));
        save(&pool, Some(fay), friends, None).await.unwrap();
        // Not even its author saves a draft: it is not a post yet.
        assert_eq!(save(&pool, Some(ann), draft, None).await.unwrap_err(), AppError::NotFound("Post".into()));
        // Fay unfollows: the post leaves her saved page.
        crate::social::db::set_follow(&pool, &crate::limits::Quota::exempt(), fay, "ann", false).await.unwrap();
        assert!(tab(&pool, fay, None).await.is_empty());
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn only_the_author_is_shown_how_many_saved_a_post(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let bob = user(&pool, "bob").await;
        let id = post(&pool, ann, "count me", Visibility::Public).await;
        save(&pool, Some(bob), id, None).await.unwrap();
        assert_eq!(posts::post(&pool, id, Some(ann)).await.unwrap().unwrap().bookmark_count, Some(1));
        assert_eq!(posts::post(&pool, id, Some(bob)).await.unwrap().unwrap().bookmark_count, None);
        assert_eq!(posts::post(&pool, id, None).await.unwrap().unwrap().bookmark_count, None);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn saved_pages_follow_each_other_newest_saved_first(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let bob = user(&pool, "bob").await;
        let mut ids = Vec::new();
        for i in 0..(FEED_PAGE_SIZE + 3) {
            ids.push(post(&pool, ann, &format!("p{i}"), Visibility::Public).await);
        }
        // Saved in the reverse order of publishing: the saved order wins.
        for id in ids.iter() {
            save(&pool, Some(bob), *id, None).await.unwrap();
        }
        let first = saved(&pool, Some(bob), None, None).await.unwrap();
        assert_eq!(first.posts.len() as i64, FEED_PAGE_SIZE);
        let next = Cursor::decode(first.next_cursor.as_deref().unwrap());
        let second = saved(&pool, Some(bob), None, next).await.unwrap();
        assert!(second.next_cursor.is_none());
        let seen: Vec<Uuid> = first.posts.iter().chain(&second.posts).map(|p| p.post.id).collect();
        let newest_first: Vec<Uuid> = ids.iter().rev().copied().collect();
        assert_eq!(seen, newest_first);
    }

    /// Every entry point the server functions call, as each kind of caller.
    /// Ivy's account is private; Fay follows her, Rex does not; Bob owns a
    /// collection; Sam is unrelated; Ada is an admin, who gets no special
    /// access to anyone's bookmarks.
    #[sqlx::test(migrations = "../migrations")]
    async fn authorization_matrix(pool: PgPool) {
        let ivy = user(&pool, "ivy").await;
        let fay = user(&pool, "fay").await;
        let rex = user(&pool, "rex").await;
        let bob = user(&pool, "bob").await;
        let sam = user(&pool, "sam").await;
        let ada = admin(&pool, "ada").await;
        follow(&pool, fay, "ivy").await;
        make_private(&pool, ivy).await;
        let ivys = post(&pool, ivy, "for my followers", Visibility::Public).await;
        let open = post(&pool, bob, "open to all", Visibility::Public).await;
        let bobs = create_collection(&pool, Some(bob), &name("Bob's picks")).await.unwrap();
        save(&pool, Some(bob), open, Some(bobs.id)).await.unwrap();
        let not_found = AppError::NotFound("Collection".into());

        // Signed out: every entry point asks to sign in, and nothing changes.
        let anon = None;
        assert_eq!(save(&pool, anon, open, None).await.unwrap_err(), AppError::Unauthorized);
        assert_eq!(unsave(&pool, anon, open).await.unwrap_err(), AppError::Unauthorized);
        assert_eq!(move_to(&pool, anon, open, None).await.unwrap_err(), AppError::Unauthorized);
        assert_eq!(create_collection(&pool, anon, &name("x")).await.unwrap_err(), AppError::Unauthorized);
        assert_eq!(rename_collection(&pool, anon, bobs.id, &name("x")).await.unwrap_err(), AppError::Unauthorized);
        assert_eq!(delete_collection(&pool, anon, bobs.id).await.unwrap_err(), AppError::Unauthorized);
        assert_eq!(collections(&pool, anon).await.unwrap_err(), AppError::Unauthorized);
        assert_eq!(saved(&pool, anon, None, None).await.unwrap_err(), AppError::Unauthorized);

        // Saving a private account's post: its follower may, a non-follower
        // is told it does not exist, whoever they are.
        assert!(save(&pool, Some(fay), ivys, None).await.unwrap().saved);
        for (who, caller) in [("non-follower", rex), ("unrelated", sam), ("admin", ada)] {
            assert_eq!(
                save(&pool, Some(caller), ivys, None).await.unwrap_err(),
                AppError::NotFound("Post".into()),
                "{who}"
            );
        }
        assert_eq!(stored_count(&pool, ivys).await, (1, 1));

        // Blocked by the author: told the post does not exist, and a post
        // saved before the block leaves their saved page.
        let bad = user(&pool, "bad").await;
        let earlier = post(&pool, bob, "saved before the block", Visibility::Public).await;
        save(&pool, Some(bad), earlier, None).await.unwrap();
        crate::social::safety::db::set_relation(&pool, bob, "bad", crate::social::safety::Relation::Block, true)
            .await
            .unwrap();
        assert_eq!(save(&pool, Some(bad), open, None).await.unwrap_err(), AppError::NotFound("Post".into()));
        assert!(saved(&pool, Some(bad), None, None).await.unwrap().posts.is_empty());

        // Someone else's collection: invisible to everyone but its owner,
        // admins included (the same NotFound as a collection that never existed).
        for (who, caller) in [("unrelated", sam), ("follower", fay), ("non-follower", rex), ("admin", ada)] {
            let me = Some(caller);
            assert_eq!(rename_collection(&pool, me, bobs.id, &name("mine")).await.unwrap_err(), not_found, "{who}");
            assert_eq!(delete_collection(&pool, me, bobs.id).await.unwrap_err(), not_found, "{who}");
            assert_eq!(saved(&pool, me, Some(bobs.id), None).await.unwrap_err(), not_found, "{who}");
            assert!(collections(&pool, me).await.unwrap().is_empty(), "{who}");
            // Nobody saves or moves into it, and Bob's bookmark is not theirs to move.
            assert_eq!(save(&pool, me, open, Some(bobs.id)).await.unwrap_err(), not_found, "{who}");
            assert_eq!(move_to(&pool, me, open, Some(bobs.id)).await.unwrap_err(), not_found, "{who}");
            assert_eq!(
                move_to(&pool, me, open, None).await.unwrap_err(),
                AppError::NotFound("Saved post".into()),
                "{who}"
            );
            // Their saved page shows their own bookmarks only (none of Bob's).
            let theirs = saved(&pool, me, None, None).await.unwrap();
            assert!(theirs.posts.iter().all(|p| p.post.id != open), "{who}");
            // Their unsave removes only their own bookmark.
            unsave(&pool, me, open).await.unwrap();
        }
        // What they tried left Bob's things as they were: the collection and
        // its post, which counts only his save (and the ones they made above).
        assert_eq!(collections(&pool, Some(bob)).await.unwrap(), vec![bobs.clone()]);
        assert_eq!(tab(&pool, bob, Some(bobs.id)).await, vec![open]);
        assert_eq!(stored_count(&pool, open).await, (1, 1));

        // The owner may do everything with their own.
        let owner = Some(bob);
        rename_collection(&pool, owner, bobs.id, &name("Picks")).await.unwrap();
        move_to(&pool, owner, open, None).await.unwrap();
        move_to(&pool, owner, open, Some(bobs.id)).await.unwrap();
        delete_collection(&pool, owner, bobs.id).await.unwrap();
        assert_eq!(tab(&pool, bob, None).await, vec![open]);
        assert!(!unsave(&pool, owner, open).await.unwrap().saved);
        assert_eq!(stored_count(&pool, open).await, (0, 0));
    }
}

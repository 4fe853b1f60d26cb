//! SQL for privacy and safety. A block ends follows both ways in the same
//! transaction as the block row (both accounts locked in id order, as a
//! follow does, so counters stay exact); the rest are single rows. Who may
//! see what is the SQL rule's (`account_visible_to`, `post_visible_to`) and
//! what a reader wants in feeds is `post_wanted_by`'s: nothing here filters.

use std::collections::HashSet;

use sqlx::{PgExecutor, PgPool};
use uuid::Uuid;

use super::MUTED_WORDS_MAX;
use super::{HiddenPost, HideReason, ListedAccount, MutedWord, MutedWordView, Relation, SafetyLists, Standing};
use crate::error::{AppError, AppResult};
use crate::social::db::{count_follow, lock_pair, user_id_by_username};
use crate::social::events;

/// Turns `relation` towards `username` on or off; idempotent. Returns where
/// `me` now stands with them.
pub async fn set_relation(
    pool: &PgPool,
    me: Uuid,
    username: &str,
    relation: Relation,
    on: bool,
) -> AppResult<Standing> {
    let target = user_id_by_username(pool, username).await?;
    if target == me {
        let message = match relation {
            Relation::Block => "You can't block yourself.",
            Relation::Mute => "You can't mute yourself.",
            Relation::Restrict => "You can't restrict yourself.",
        };
        return Err(AppError::validation("username", message));
    }
    match (relation, on) {
        (Relation::Block, true) => block(pool, me, target).await?,
        (Relation::Block, false) => {
            sqlx::query!("DELETE FROM blocks WHERE blocker_id = $1 AND blocked_id = $2", me, target)
                .execute(pool)
                .await?;
        }
        (Relation::Mute, true) => {
            sqlx::query!("INSERT INTO mutes (muter_id, muted_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", me, target)
                .execute(pool)
                .await?;
        }
        (Relation::Mute, false) => {
            sqlx::query!("DELETE FROM mutes WHERE muter_id = $1 AND muted_id = $2", me, target).execute(pool).await?;
        }
        (Relation::Restrict, true) => {
            sqlx::query!(
                "INSERT INTO restricts (restricter_id, restricted_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                me,
                target
            )
            .execute(pool)
            .await?;
        }
        (Relation::Restrict, false) => {
            sqlx::query!("DELETE FROM restricts WHERE restricter_id = $1 AND restricted_id = $2", me, target)
                .execute(pool)
                .await?;
        }
    }
    standing(pool, me, target).await
}

/// Blocks `target`: the block row, and every follow and follow request
/// between the two removed, with the counters and the timeline events of
/// the accepted ones, and every collaboration between them ended
/// (`posts::collabs`), in one transaction.
async fn block(pool: &PgPool, me: Uuid, target: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    lock_pair(&mut tx, me, target).await?;
    let inserted =
        sqlx::query!("INSERT INTO blocks (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING", me, target)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if inserted == 1 {
        for (follower, followee) in [(me, target), (target, me)] {
            let removed = sqlx::query_scalar!(
                "DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 RETURNING status",
                follower,
                followee
            )
            .fetch_optional(&mut *tx)
            .await?;
            if removed.as_deref() == Some("accepted") {
                count_follow(&mut tx, follower, followee, -1).await?;
                events::follow(&mut tx, events::FOLLOW_REMOVED, follower, followee).await?;
            }
        }
        crate::posts::collabs::db::end_between(&mut tx, me, target).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Where `viewer` stands with `owner`: what they turned on towards them.
pub async fn standing<'c>(db: impl PgExecutor<'c>, viewer: Uuid, owner: Uuid) -> AppResult<Standing> {
    let r = sqlx::query!(
        r#"SELECT EXISTS (SELECT 1 FROM blocks WHERE blocker_id = $1 AND blocked_id = $2) AS "blocked!",
                  EXISTS (SELECT 1 FROM mutes WHERE muter_id = $1 AND muted_id = $2) AS "muted!",
                  EXISTS (SELECT 1 FROM restricts WHERE restricter_id = $1 AND restricted_id = $2) AS "restricted!""#,
        viewer,
        owner
    )
    .fetch_one(db)
    .await?;
    Ok(Standing { blocked: r.blocked, muted: r.muted, restricted: r.restricted })
}

/// Whether either account blocked the other (the SQL `blocked_between`).
pub async fn blocked_between<'c>(db: impl PgExecutor<'c>, a: Uuid, b: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(r#"SELECT blocked_between($1, $2) AS "b!""#, a, b).fetch_one(db).await?)
}

/// The usernames of everyone `viewer` blocked or was blocked by: their
/// tags come off the cards `viewer` is shown (cards are cached for every
/// reader, so this is applied per reader).
pub async fn blocked_usernames(pool: &PgPool, viewer: Uuid) -> AppResult<HashSet<String>> {
    let names = sqlx::query_scalar!(
        "SELECT u.username FROM blocks k JOIN users u ON u.id = k.blocked_id WHERE k.blocker_id = $1
         UNION
         SELECT u.username FROM blocks k JOIN users u ON u.id = k.blocker_id WHERE k.blocked_id = $1",
        viewer
    )
    .fetch_all(pool)
    .await?;
    Ok(names.into_iter().flatten().collect())
}

/// Adds a muted word (a repeat is kept once); at most `MUTED_WORDS_MAX`.
pub async fn add_muted_word(pool: &PgPool, me: Uuid, word: &MutedWord) -> AppResult<MutedWordView> {
    let mut tx = pool.begin().await?;
    // Serialises one user's additions, so the limit holds.
    sqlx::query!("SELECT id FROM users WHERE id = $1 FOR NO KEY UPDATE", me).fetch_one(&mut *tx).await?;
    let existing =
        sqlx::query_scalar!("SELECT id FROM muted_words WHERE user_id = $1 AND word = $2", me, word.as_str())
            .fetch_optional(&mut *tx)
            .await?;
    if let Some(id) = existing {
        return Ok(MutedWordView { id, word: word.as_str().to_string() });
    }
    let count = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM muted_words WHERE user_id = $1"#, me)
        .fetch_one(&mut *tx)
        .await?;
    if count >= MUTED_WORDS_MAX {
        return Err(AppError::validation("word", format!("You can mute at most {MUTED_WORDS_MAX} words.")));
    }
    let id = Uuid::new_v4();
    sqlx::query!("INSERT INTO muted_words (id, user_id, word) VALUES ($1, $2, $3)", id, me, word.as_str())
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(MutedWordView { id, word: word.as_str().to_string() })
}

/// Removes one of `me`'s muted words; someone else's is not found.
pub async fn remove_muted_word(pool: &PgPool, me: Uuid, id: Uuid) -> AppResult<()> {
    let removed = sqlx::query!("DELETE FROM muted_words WHERE id = $1 AND user_id = $2", id, me)
        .execute(pool)
        .await?
        .rows_affected();
    if removed == 0 {
        return Err(AppError::NotFound("Muted word".into()));
    }
    Ok(())
}

/// Takes a post `me` may see out of their feeds ("Hide this post" or "Not
/// interested"); a post they may not see is not found, their own is refused.
pub async fn hide_post(pool: &PgPool, me: Uuid, post_id: Uuid, reason: HideReason) -> AppResult<()> {
    let author = sqlx::query_scalar!(
        "SELECT p.author_id FROM posts p WHERE p.id = $1 AND p.status = 'published' AND post_visible_to(p, $2)",
        post_id,
        me
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::NotFound("Post".into()))?;
    if author == me {
        return Err(AppError::validation("post", "You can't hide your own post. Delete or archive it instead."));
    }
    sqlx::query!(
        "INSERT INTO hidden_posts (user_id, post_id, author_id, reason) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id, post_id) DO UPDATE SET reason = EXCLUDED.reason",
        me,
        post_id,
        author,
        reason.as_str()
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Puts a hidden post back in `me`'s feeds; idempotent.
pub async fn unhide_post(pool: &PgPool, me: Uuid, post_id: Uuid) -> AppResult<()> {
    sqlx::query!("DELETE FROM hidden_posts WHERE user_id = $1 AND post_id = $2", me, post_id).execute(pool).await?;
    Ok(())
}

/// Everything `me` blocked, restricted, muted and hid, newest first.
pub async fn lists(pool: &PgPool, me: Uuid) -> AppResult<SafetyLists> {
    let accounts = sqlx::query!(
        r#"SELECT 'block' AS "kind!", u.username, u.display_name, u.avatar_url, k.created_at
           FROM blocks k JOIN users u ON u.id = k.blocked_id WHERE k.blocker_id = $1
           UNION ALL
           SELECT 'restrict', u.username, u.display_name, u.avatar_url, r.created_at
           FROM restricts r JOIN users u ON u.id = r.restricted_id WHERE r.restricter_id = $1
           UNION ALL
           SELECT 'mute', u.username, u.display_name, u.avatar_url, m.created_at
           FROM mutes m JOIN users u ON u.id = m.muted_id WHERE m.muter_id = $1
           ORDER BY 5 DESC, 2"#,
        me
    )
    .fetch_all(pool)
    .await?;
    let mut lists = SafetyLists::default();
    for a in accounts {
        let listed = ListedAccount {
            username: a.username.unwrap_or_default(),
            display_name: a.display_name.unwrap_or_default(),
            avatar_url: a.avatar_url,
            since: a.created_at.unwrap_or_default(),
        };
        match a.kind.as_str() {
            "block" => lists.blocked.push(listed),
            "restrict" => lists.restricted.push(listed),
            _ => lists.muted.push(listed),
        }
    }
    lists.words = sqlx::query_as!(
        MutedWordView,
        "SELECT id, word FROM muted_words WHERE user_id = $1 ORDER BY created_at DESC, word",
        me
    )
    .fetch_all(pool)
    .await?;
    let hidden = sqlx::query!(
        r#"SELECT h.post_id, u.username, left(p.body, 80) AS "excerpt!", h.reason
           FROM hidden_posts h JOIN posts p ON p.id = h.post_id JOIN users u ON u.id = h.author_id
           WHERE h.user_id = $1 AND post_visible_to(p, $1)
           ORDER BY h.created_at DESC
           LIMIT 100"#,
        me
    )
    .fetch_all(pool)
    .await?;
    lists.hidden = hidden
        .into_iter()
        .map(|h| {
            Ok(HiddenPost {
                post_id: h.post_id,
                author: h.username,
                excerpt: h.excerpt,
                reason: HideReason::parse(&h.reason)?,
            })
        })
        .collect::<AppResult<_>>()?;
    Ok(lists)
}

/// Whether `owner` restricted `commenter`: their new comments on `owner`'s
/// posts are held for approval.
pub async fn restricted_by<'c>(db: impl PgExecutor<'c>, owner: Uuid, commenter: Uuid) -> AppResult<bool> {
    Ok(sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM restricts WHERE restricter_id = $1 AND restricted_id = $2) AS "r!""#,
        owner,
        commenter
    )
    .fetch_one(db)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::Quota;
    use crate::posts::comments::db as comments;
    use crate::posts::db::{author_posts, explore_feed, home_feed, post};
    use crate::posts::{likes, Visibility};
    use crate::social::db::{discover, follow_list, profile_by_username, set_follow, Direction};
    use crate::test_support::{follow, follow_counts, post as publish, settle, user};

    fn ids(page: &crate::posts::FeedPage) -> Vec<Uuid> {
        page.posts.iter().map(|p| p.id).collect()
    }

    async fn block(pool: &PgPool, me: Uuid, name: &str) {
        set_relation(pool, me, name, Relation::Block, true).await.unwrap();
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_block_hides_both_ways_and_ends_follows(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let ben = user(&pool, "ben").await;
        let cat = user(&pool, "cat").await;
        follow(&pool, ann, "ben").await;
        follow(&pool, ben, "ann").await;
        let anns = publish(&pool, ann, "ann's post", Visibility::Public).await;
        let bens = publish(&pool, ben, "ben's post", Visibility::Public).await;
        let cats = publish(&pool, cat, "cat's post", Visibility::Public).await;
        comments::add(&pool, &Quota::exempt(), Some(ben), cats, "ben was here").await.unwrap();
        assert_eq!(follow_counts(&pool, ann).await, (1, 1));

        block(&pool, ann, "ben").await;
        block(&pool, ann, "ben").await; // a repeat changes nothing
        settle(&pool).await;
        assert_eq!(follow_counts(&pool, ann).await, (0, 0), "both follows ended");
        assert_eq!(follow_counts(&pool, ben).await, (0, 0));

        // Neither sees the other's posts, on any path.
        assert!(post(&pool, bens, Some(ann)).await.unwrap().is_none());
        assert!(post(&pool, anns, Some(ben)).await.unwrap().is_none());
        assert!(!ids(&home_feed(&pool, ann, None).await.unwrap()).contains(&bens));
        assert!(!ids(&home_feed(&pool, ben, None).await.unwrap()).contains(&anns));
        assert!(!ids(&explore_feed(&pool, Some(ben), None).await.unwrap()).contains(&anns));
        assert!(author_posts(&pool, "ann", Some(ben), None).await.unwrap().posts.is_empty());
        // The blocked side finds no such account; the blocker sees its header.
        assert!(profile_by_username(&pool, "ann", Some(ben)).await.unwrap().is_none());
        let seen = profile_by_username(&pool, "ben", Some(ann)).await.unwrap().unwrap();
        assert!(seen.standing.blocked && !seen.content_visible);
        assert_eq!(
            follow_list(&pool, "ann", Direction::Followers, Some(ben), None).await.unwrap_err(),
            AppError::NotFound("Account".into())
        );
        // Nobody follows, comments, likes across the block, either way.
        assert_eq!(
            set_follow(&pool, &Quota::exempt(), ben, "ann", true).await.unwrap_err(),
            AppError::NotFound("Account".into())
        );
        assert_eq!(
            set_follow(&pool, &Quota::exempt(), ann, "ben", true).await.unwrap_err(),
            AppError::NotFound("Account".into())
        );
        assert_eq!(
            comments::add(&pool, &Quota::exempt(), Some(ben), anns, "hey").await.unwrap_err(),
            AppError::NotFound("Post".into())
        );
        assert_eq!(
            likes::set_like(&pool, &Quota::exempt(), ben, anns, true).await.unwrap_err(),
            AppError::NotFound("Post".into())
        );
        // Search and people lists leave them out; others still find both.
        assert!(discover(&pool, Some(ben), Some("ann"), 10).await.unwrap().is_empty());
        assert!(discover(&pool, Some(ann), Some("ben"), 10).await.unwrap().is_empty());
        assert_eq!(discover(&pool, Some(cat), Some("ben"), 10).await.unwrap().len(), 1);
        // A third person's post stays for both, without the other's comment.
        assert!(post(&pool, cats, Some(ann)).await.unwrap().is_some());

        // Unblocking opens the accounts again, but follows stay ended.
        set_relation(&pool, ann, "ben", Relation::Block, false).await.unwrap();
        assert!(post(&pool, bens, Some(ann)).await.unwrap().is_some());
        assert!(profile_by_username(&pool, "ann", Some(ben)).await.unwrap().is_some());
        assert_eq!(follow_counts(&pool, ann).await, (0, 0));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn nobody_tags_or_mentions_across_a_block(pool: PgPool) {
        use crate::media::StoredPostImage;
        use crate::posts::tags::{add as tag, TagTarget};
        let ann = user(&pool, "ann").await;
        let ben = user(&pool, "ben").await;
        block(&pool, ben, "ann").await;
        let img = StoredPostImage { urls: ["/a".into(), "/b".into(), "/c".into()], width: 10, height: 10 };
        let id = crate::posts::db::publish(&pool, ann, "with @ben", Visibility::Public, &[img]).await.unwrap();
        let media: Uuid =
            sqlx::query_scalar!("SELECT id FROM post_media WHERE post_id = $1", id).fetch_one(&pool).await.unwrap();
        let refused = tag(&pool, ann, media, 10.0, 10.0, &TagTarget::User("ben".into())).await.unwrap_err();
        assert_eq!(refused.field(), Some("target"));
        let refs: i64 = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM post_refs WHERE kind = 'user'"#)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(refs, 0, "the mention is text, linking nowhere");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_tag_made_before_a_block_is_hidden_from_both_sides(pool: PgPool) {
        use crate::media::StoredPostImage;
        use crate::posts::tags::{add as tag, TagTarget};
        let ann = user(&pool, "ann").await;
        let ben = user(&pool, "ben").await;
        let cat = user(&pool, "cat").await;
        let img = StoredPostImage { urls: ["/a".into(), "/b".into(), "/c".into()], width: 10, height: 10 };
        let id = crate::posts::db::publish(&pool, cat, "us", Visibility::Public, &[img]).await.unwrap();
        let media: Uuid =
            sqlx::query_scalar!("SELECT id FROM post_media WHERE post_id = $1", id).fetch_one(&pool).await.unwrap();
        tag(&pool, cat, media, 10.0, 10.0, &TagTarget::User("ann".into())).await.unwrap();
        tag(&pool, cat, media, 20.0, 20.0, &TagTarget::User("ben".into())).await.unwrap();
        block(&pool, ann, "ben").await;
        let tags = |view: crate::posts::PostView| -> Vec<String> {
            view.media[0].tags.iter().map(|t| t.href.clone()).collect()
        };
        assert_eq!(tags(post(&pool, id, Some(ann)).await.unwrap().unwrap()), vec!["/u/ann"]);
        assert_eq!(tags(post(&pool, id, Some(ben)).await.unwrap().unwrap()), vec!["/u/ben"]);
        assert_eq!(tags(post(&pool, id, Some(cat)).await.unwrap().unwrap()).len(), 2);
        assert_eq!(tags(post(&pool, id, None).await.unwrap().unwrap()).len(), 2);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn mutes_words_and_hidden_posts_leave_feeds_not_profiles(pool: PgPool) {
        let fay = user(&pool, "fay").await;
        let ann = user(&pool, "ann").await;
        let ben = user(&pool, "ben").await;
        follow(&pool, fay, "ann").await;
        follow(&pool, fay, "ben").await;
        settle(&pool).await;
        let hello = publish(&pool, ann, "hello", Visibility::Public).await;
        let sale = publish(&pool, ben, "Big SALE today!", Visibility::Public).await;
        let hashtag = publish(&pool, ben, "new in #sale", Visibility::Public).await;
        let wholesale = publish(&pool, ben, "wholesale prices", Visibility::Public).await;
        let other = publish(&pool, ben, "just a post", Visibility::Public).await;
        settle(&pool).await;
        let all = vec![other, wholesale, hashtag, sale, hello];
        assert_eq!(ids(&home_feed(&pool, fay, None).await.unwrap()), all);

        add_muted_word(&pool, fay, &MutedWord::parse("Sale").unwrap()).await.unwrap();
        assert_eq!(ids(&home_feed(&pool, fay, None).await.unwrap()), vec![other, wholesale, hello]);
        // Only fay's feeds change; the author still sees their posts.
        assert_eq!(ids(&author_posts(&pool, "ben", Some(ben), None).await.unwrap()).len(), 4);

        set_relation(&pool, fay, "ann", Relation::Mute, true).await.unwrap();
        hide_post(&pool, fay, other, HideReason::Hidden).await.unwrap();
        assert_eq!(ids(&home_feed(&pool, fay, None).await.unwrap()), vec![wholesale]);
        // A muted account's profile and posts stay open to visit.
        assert_eq!(ids(&author_posts(&pool, "ann", Some(fay), None).await.unwrap()), vec![hello]);
        assert!(post(&pool, hello, Some(fay)).await.unwrap().is_some());
        let profile = profile_by_username(&pool, "ann", Some(fay)).await.unwrap().unwrap();
        assert!(profile.standing.muted && profile.viewer_follows, "a mute is not an unfollow");

        // Undo brings each back.
        let lists = lists(&pool, fay).await.unwrap();
        assert_eq!(lists.muted.iter().map(|a| a.username.as_str()).collect::<Vec<_>>(), vec!["ann"]);
        assert_eq!(lists.words.iter().map(|w| w.word.as_str()).collect::<Vec<_>>(), vec!["sale"]);
        assert_eq!(lists.hidden.iter().map(|h| h.post_id).collect::<Vec<_>>(), vec![other]);
        remove_muted_word(&pool, fay, lists.words[0].id).await.unwrap();
        set_relation(&pool, fay, "ann", Relation::Mute, false).await.unwrap();
        unhide_post(&pool, fay, other).await.unwrap();
        assert_eq!(ids(&home_feed(&pool, fay, None).await.unwrap()), all);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn not_interested_keeps_the_author_out_of_explore(pool: PgPool) {
        let sam = user(&pool, "sam").await;
        let ann = user(&pool, "ann").await;
        let ben = user(&pool, "ben").await;
        let first = publish(&pool, ann, "one", Visibility::Public).await;
        let second = publish(&pool, ann, "two", Visibility::Public).await;
        let bens = publish(&pool, ben, "three", Visibility::Public).await;
        hide_post(&pool, sam, first, HideReason::Hidden).await.unwrap();
        assert_eq!(ids(&explore_feed(&pool, Some(sam), None).await.unwrap()), vec![bens, second]);
        hide_post(&pool, sam, second, HideReason::NotInterested).await.unwrap();
        assert_eq!(ids(&explore_feed(&pool, Some(sam), None).await.unwrap()), vec![bens]);
        assert_eq!(explore_feed(&pool, Some(ben), None).await.unwrap().posts.len(), 2, "others unaffected");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn hiding_needs_a_post_you_see_and_not_your_own(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let sam = user(&pool, "sam").await;
        let friends = publish(&pool, ann, "friends", Visibility::Followers).await;
        let public = publish(&pool, ann, "all", Visibility::Public).await;
        assert_eq!(
            hide_post(&pool, sam, friends, HideReason::Hidden).await.unwrap_err(),
            AppError::NotFound("Post".into())
        );
        assert_eq!(hide_post(&pool, ann, public, HideReason::Hidden).await.unwrap_err().field(), Some("post"));
        hide_post(&pool, sam, public, HideReason::Hidden).await.unwrap();
        hide_post(&pool, sam, public, HideReason::NotInterested).await.unwrap();
        assert_eq!(lists(&pool, sam).await.unwrap().hidden[0].reason, HideReason::NotInterested);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn muted_words_are_kept_once_within_the_limit(pool: PgPool) {
        let fay = user(&pool, "fay").await;
        let sam = user(&pool, "sam").await;
        let a = add_muted_word(&pool, fay, &MutedWord::parse("spoiler").unwrap()).await.unwrap();
        let b = add_muted_word(&pool, fay, &MutedWord::parse("SPOILER").unwrap()).await.unwrap();
        assert_eq!(a, b);
        assert_eq!(remove_muted_word(&pool, sam, a.id).await.unwrap_err(), AppError::NotFound("Muted word".into()));
        // Concurrent additions never pass the limit.
        let tasks: Vec<_> = (0..MUTED_WORDS_MAX + 20)
            .map(|i| {
                let pool = pool.clone();
                tokio::spawn(
                    async move { add_muted_word(&pool, fay, &MutedWord::parse(&format!("w{i}")).unwrap()).await },
                )
            })
            .collect();
        for t in tasks {
            let _ = t.await.unwrap();
        }
        assert_eq!(lists(&pool, fay).await.unwrap().words.len() as i64, MUTED_WORDS_MAX);
        assert_eq!(
            add_muted_word(&pool, fay, &MutedWord::parse("more").unwrap()).await.unwrap_err().field(),
            Some("word")
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn the_database_matches_muted_words_as_the_client_does(pool: PgPool) {
        for (text, word) in [
            ("Big SALE!", "sale"),
            ("#sale", "sale"),
            ("wholesale", "sale"),
            ("sales", "sale"),
            ("free shipping now", "free shipping"),
            ("it's here", "it's"),
            ("crème brûlée", "brûlée"),
            ("x-ray", "x"),
        ] {
            let db: bool = sqlx::query_scalar!(r#"SELECT text_has_word($1, $2) AS "m!""#, text, word)
                .fetch_one(&pool)
                .await
                .unwrap();
            assert_eq!(db, MutedWord::parse(word).unwrap().is_in(text), "{word} in {text}");
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn nobody_blocks_mutes_or_restricts_themselves_or_nobody(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        for relation in [Relation::Block, Relation::Mute, Relation::Restrict] {
            assert_eq!(set_relation(&pool, ann, "ann", relation, true).await.unwrap_err().field(), Some("username"));
            assert_eq!(
                set_relation(&pool, ann, "ghost", relation, true).await.unwrap_err(),
                AppError::NotFound("Account".into())
            );
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_block_racing_a_follow_leaves_no_follow_and_exact_counts(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let mut fans = Vec::new();
        for i in 0..12 {
            fans.push(user(&pool, &format!("fan{i:02}")).await);
        }
        let mut tasks = Vec::new();
        for (i, fan) in fans.iter().enumerate() {
            let (task_pool, fan) = (pool.clone(), *fan);
            tasks.push(tokio::spawn(async move {
                let _ = set_follow(&task_pool, &Quota::exempt(), fan, "ann", true).await;
            }));
            if i % 2 == 0 {
                let pool = pool.clone();
                let name = format!("fan{i:02}");
                tasks.push(tokio::spawn(async move {
                    set_relation(&pool, ann, &name, Relation::Block, true).await.unwrap();
                }));
            }
        }
        for t in tasks {
            t.await.unwrap();
        }
        let followers: i64 = sqlx::query_scalar!(
            r#"SELECT count(*) AS "n!" FROM follows WHERE followee_id = $1 AND status = 'accepted'"#,
            ann
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(followers, 6, "every blocked fan's follow is gone");
        assert_eq!(follow_counts(&pool, ann).await, (6, 0));
    }

    /// What `viewer` reads under a post: each comment's body (a deleted one
    /// as "-"), threads in order, and the counts shown.
    async fn thread_text(pool: &PgPool, post: Uuid, viewer: Option<Uuid>) -> (Vec<String>, i64, Vec<i64>) {
        let page = comments::list(pool, post, viewer, None).await.unwrap();
        let mut shown = Vec::new();
        for t in &page.threads {
            for c in std::iter::once(&t.root).chain(&t.replies) {
                shown.push(if c.deleted { "-".to_string() } else { c.body.clone() });
            }
        }
        (shown, page.total, page.threads.iter().map(|t| t.reply_count).collect())
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_block_mid_thread_hides_the_other_sides_comments_and_what_hangs_under_them(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let ben = user(&pool, "ben").await;
        let cat = user(&pool, "cat").await;
        let dan = user(&pool, "dan").await;
        let id = publish(&pool, cat, "cat's post", Visibility::Public).await;
        comments::add(&pool, &Quota::exempt(), Some(ann), id, "ann first").await.unwrap();
        comments::add(&pool, &Quota::exempt(), Some(ben), id, "ben top").await.unwrap();
        let page = comments::list(&pool, id, Some(dan), None).await.unwrap();
        let (anns, bens) = (page.threads[0].root.id, page.threads[1].root.id);
        let bens_reply = comments::reply(&pool, &Quota::exempt(), Some(ben), anns, "ben answers ann").await.unwrap();
        comments::reply(&pool, &Quota::exempt(), Some(dan), bens_reply.id, "dan under ben").await.unwrap();
        comments::reply(&pool, &Quota::exempt(), Some(dan), bens, "dan answers ben").await.unwrap();
        comments::reply(&pool, &Quota::exempt(), Some(dan), anns, "dan answers ann").await.unwrap();
        let everything = (
            vec!["ann first", "ben answers ann", "dan under ben", "dan answers ann", "ben top", "dan answers ben"]
                .into_iter()
                .map(String::from)
                .collect::<Vec<_>>(),
            6,
            vec![3, 1],
        );
        assert_eq!(thread_text(&pool, id, Some(dan)).await, everything);

        block(&pool, ann, "ben").await;
        // Ann sees none of Ben's comments, nor the replies under them, and
        // the counts she is shown count only what she sees.
        let anns_view = thread_text(&pool, id, Some(ann)).await;
        assert_eq!(anns_view, (vec!["ann first".to_string(), "dan answers ann".to_string()], 2, vec![1]));
        // Ben, the same of Ann's: her thread goes, his own stands.
        let bens_view = thread_text(&pool, id, Some(ben)).await;
        assert_eq!(bens_view, (vec!["ben top".to_string(), "dan answers ben".to_string()], 2, vec![1]));
        // Neither can reply to or like what the other wrote.
        assert_eq!(
            comments::reply(&pool, &Quota::exempt(), Some(ann), bens, "hi").await.unwrap_err(),
            AppError::NotFound("Comment".into())
        );
        assert_eq!(
            comments::set_like(&pool, &Quota::exempt(), Some(ben), anns, true).await.unwrap_err(),
            AppError::NotFound("Comment".into())
        );
        // Everyone else reads the whole conversation.
        assert_eq!(thread_text(&pool, id, Some(dan)).await, everything);
        assert_eq!(thread_text(&pool, id, None).await, everything);
        // The post's author too, unless the block is theirs.
        assert_eq!(thread_text(&pool, id, Some(cat)).await, everything);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn muted_words_hide_comments_but_never_your_own(pool: PgPool) {
        let fay = user(&pool, "fay").await;
        let ann = user(&pool, "ann").await;
        let id = publish(&pool, ann, "post", Visibility::Public).await;
        comments::add(&pool, &Quota::exempt(), Some(ann), id, "No SPOILERS please").await.unwrap();
        comments::add(&pool, &Quota::exempt(), Some(fay), id, "spoilers are fine by me").await.unwrap();
        comments::add(&pool, &Quota::exempt(), Some(ann), id, "nice").await.unwrap();
        add_muted_word(&pool, fay, &MutedWord::parse("spoilers").unwrap()).await.unwrap();
        let (shown, total, _) = thread_text(&pool, id, Some(fay)).await;
        assert_eq!(shown, vec!["spoilers are fine by me", "nice"]);
        assert_eq!(total, 2);
        assert_eq!(thread_text(&pool, id, Some(ann)).await.1, 3, "others read all of it");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_restricted_accounts_comments_wait_for_approval_unseen_by_others(pool: PgPool) {
        let ivy = user(&pool, "ivy").await;
        let rex = user(&pool, "rex").await;
        let sam = user(&pool, "sam").await;
        let id = publish(&pool, ivy, "post", Visibility::Public).await;
        set_relation(&pool, ivy, "rex", Relation::Restrict, true).await.unwrap();
        comments::add(&pool, &Quota::exempt(), Some(rex), id, "rude remark").await.unwrap();
        comments::add(&pool, &Quota::exempt(), Some(sam), id, "lovely").await.unwrap();
        // Rex sees his comment as any other, untold.
        let rexs = comments::list(&pool, id, Some(rex), None).await.unwrap();
        assert_eq!(rexs.threads.len(), 2);
        assert!(!rexs.threads[0].root.held && !rexs.threads[0].root.hidden);
        // Sam and someone signed out don't see it; Ivy sees it waiting.
        assert_eq!(thread_text(&pool, id, Some(sam)).await.0, vec!["lovely"]);
        assert_eq!(thread_text(&pool, id, None).await.0, vec!["lovely"]);
        let ivys = comments::list(&pool, id, Some(ivy), None).await.unwrap();
        let waiting = &ivys.threads[0].root;
        assert!(waiting.held && waiting.body == "rude remark");
        // Sam can't reply to it either; Ivy approves it and it is everyone's.
        assert_eq!(
            comments::reply(&pool, &Quota::exempt(), Some(sam), waiting.id, "?").await.unwrap_err(),
            AppError::NotFound("Comment".into())
        );
        comments::set_hidden(&pool, Some(ivy), waiting.id, false).await.unwrap();
        assert_eq!(thread_text(&pool, id, Some(sam)).await.0, vec!["rude remark", "lovely"]);
        assert!(!comments::list(&pool, id, Some(ivy), None).await.unwrap().threads[0].root.held);
        // Unrestricted, new comments show at once; the restrict was per account.
        set_relation(&pool, ivy, "rex", Relation::Restrict, false).await.unwrap();
        comments::add(&pool, &Quota::exempt(), Some(rex), id, "sorry").await.unwrap();
        assert_eq!(thread_text(&pool, id, Some(sam)).await.0.len(), 3);
    }
}

//! Who may see a post is decided in one place: the SQL function
//! `post_visible_to(post, viewer)` (migration `…16_post_visibility.sql`,
//! replaced in `…17_private_accounts.sql`). A deleted post is seen by
//! nobody; its author sees it; anyone else sees it once published if the
//! author's account is open to them (`account_visible_to`: public, or they
//! are an accepted follower of the private account) and the post is public
//! or they are an accepted follower. A repost (migration
//! `…10000100_reposts.sql`) is visible only while its original is, to the
//! same reader. A post an admin removed (migration
//! `…13000500_moderation.sql`) is seen by its author only. Every read path
//! below asks it; the
//! tests walk each path with each kind of viewer, so a path that forgets the
//! rule (or a new rule that a path bypasses) fails here.
//!
//! Comments have their own rule on top, `comment_visible_to(comment,
//! viewer)` (migration `…0200_comment_threads.sql`): the comment list, a
//! thread's replies and "View more replies", the counts shown, and every
//! action on one comment ask it. `every_comment_path_shows_what_the_comment_rule_allows`
//! walks those paths against the function itself, so when blocks, restrict
//! or muted words replace it, a path that bypasses it fails there.

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use sqlx::PgPool;
    use uuid::Uuid;

    use crate::error::AppError;
    use crate::posts::links::{db as links, LinkTarget};
    use crate::posts::related::{db as related, About};
    use crate::posts::{comments, db, editing, likes, FeedPage, Visibility};
    use crate::social::db::{follow_list, profile_by_username, set_follow, Direction};
    use crate::social::requests;
    use crate::test_support::{follow, make_private, post, settle, stocked_variant, user};

    /// What the comment rule says `viewer` sees of the post's live comments,
    /// straight from the SQL function.
    async fn comment_rule(pool: &PgPool, post_id: Uuid, viewer: Option<Uuid>) -> BTreeSet<Uuid> {
        let seen: Vec<Uuid> = sqlx::query_scalar(
            "SELECT c.id FROM comments c
             WHERE c.post_id = $1 AND c.deleted_at IS NULL AND comment_visible_to(c, $2)",
        )
        .bind(post_id)
        .bind(viewer)
        .fetch_all(pool)
        .await
        .unwrap();
        set(seen)
    }

    /// Comments with a hidden top-level comment (with a reply under it) and
    /// a hidden reply in an open thread, walked by someone signed out, a
    /// stranger, the hidden comments' writer, someone who replied under the
    /// hidden one and the post's author: each read path shows exactly what
    /// `comment_visible_to` allows, counts included, and nothing it hides
    /// can be replied to or liked.
    #[sqlx::test(migrations = "../migrations")]
    async fn every_comment_path_shows_what_the_comment_rule_allows(pool: PgPool) {
        use comments::db as c;
        let ann = user(&pool, "ann").await;
        let troll = user(&pool, "troll").await;
        let fan = user(&pool, "fan").await;
        let sam = user(&pool, "sam").await;
        let post_id = post(&pool, ann, "hi", Visibility::Public).await;
        let newest = |pool: PgPool| async move {
            sqlx::query_scalar::<_, Uuid>("SELECT id FROM comments ORDER BY created_at DESC, id DESC LIMIT 1")
                .fetch_one(&pool)
                .await
                .unwrap()
        };
        c::add(&pool, &crate::limits::Quota::exempt(), Some(troll), post_id, "rude").await.unwrap();
        let rude = newest(pool.clone()).await;
        let under = c::reply(&pool, &crate::limits::Quota::exempt(), Some(fan), rude, "don't").await.unwrap().id;
        c::add(&pool, &crate::limits::Quota::exempt(), Some(fan), post_id, "nice").await.unwrap();
        let nice = newest(pool.clone()).await;
        let fine = c::reply(&pool, &crate::limits::Quota::exempt(), Some(sam), nice, "agreed").await.unwrap().id;
        let snide = c::reply(&pool, &crate::limits::Quota::exempt(), Some(troll), nice, "snide").await.unwrap().id;
        c::set_hidden(&pool, Some(ann), rude, true).await.unwrap();
        c::set_hidden(&pool, Some(ann), snide, true).await.unwrap();

        let everyone = set([nice, fine]);
        let cases = [
            ("signed out", None, everyone.clone()),
            ("stranger", Some(sam), everyone.clone()),
            ("hidden comments' writer", Some(troll), set([rude, under, nice, fine, snide])),
            ("replier under the hidden one", Some(fan), everyone.clone()),
            ("post's author", Some(ann), set([rude, under, nice, fine, snide])),
        ];
        for (who, viewer, allowed) in &cases {
            assert_eq!(&comment_rule(&pool, post_id, *viewer).await, allowed, "rule for {who}");
            // The list: top-level comments, their first replies, the counts.
            let page = c::list(&pool, post_id, *viewer, None).await.unwrap();
            let listed =
                set(page.threads.iter().flat_map(|t| std::iter::once(&t.root).chain(&t.replies)).map(|c| c.id));
            assert_eq!(&listed, allowed, "comment list, {who}");
            assert_eq!(page.total as usize, allowed.len(), "total shown, {who}");
            for thread in &page.threads {
                let in_thread = allowed.iter().filter(|id| thread.replies.iter().any(|r| r.id == **id)).count();
                assert_eq!(thread.reply_count as usize, in_thread, "reply count, {who}");
            }
            // "View more replies" and the actions on one comment.
            for root in [rude, nice] {
                let more = c::replies(&pool, root, *viewer, None).await;
                assert_eq!(more.is_ok(), allowed.contains(&root), "thread replies, {who}");
                if let Ok(more) = more {
                    assert!(more.replies.iter().all(|r| allowed.contains(&r.id)), "thread replies, {who}");
                }
            }
        }
        // Acting adds replies, so every read is checked above first.
        for (who, viewer, allowed) in &cases {
            if let Some(v) = viewer {
                for id in [rude, under, nice, fine, snide] {
                    let liked = c::set_like(&pool, &crate::limits::Quota::exempt(), Some(*v), id, true).await.is_ok();
                    assert_eq!(liked, allowed.contains(&id), "liking, {who}");
                }
                for id in [rude, under, nice, snide] {
                    let replied = c::reply(&pool, &crate::limits::Quota::exempt(), Some(*v), id, "hi").await.is_ok();
                    assert_eq!(replied, allowed.contains(&id), "replying, {who}");
                }
            }
        }
    }

    struct Posts {
        public: Uuid,
        followers: Uuid,
        draft: Uuid,
        deleted: Uuid,
    }

    fn set(ids: impl IntoIterator<Item = Uuid>) -> BTreeSet<Uuid> {
        ids.into_iter().collect()
    }

    fn of(page: FeedPage, posts: &Posts) -> BTreeSet<Uuid> {
        let mine = [posts.public, posts.followers, posts.draft, posts.deleted];
        set(page.posts.into_iter().map(|p| p.id).filter(|id| mine.contains(id)))
    }

    /// What the rule says `viewer` sees of `ids`, straight from the SQL function.
    async fn rule(pool: &PgPool, ids: &[Uuid], viewer: Option<Uuid>) -> BTreeSet<Uuid> {
        let seen: Vec<Uuid> =
            sqlx::query_scalar("SELECT p.id FROM posts p WHERE p.id = ANY($1) AND post_visible_to(p, $2)")
                .bind(ids)
                .bind(viewer)
                .fetch_all(pool)
                .await
                .unwrap();
        set(seen)
    }

    /// The paths that open one post (its page, edit history, comment list,
    /// commenting and liking) each show `viewer` exactly what the rule
    /// allows; commenting needs the post published too (`listed`).
    async fn one_post_paths(
        pool: &PgPool,
        all: &[Uuid],
        viewer: Option<Uuid>,
        allowed: &BTreeSet<Uuid>,
        listed: &BTreeSet<Uuid>,
        who: &str,
    ) {
        for &id in all {
            let shown = db::post(pool, id, viewer).await.unwrap().is_some();
            assert_eq!(shown, allowed.contains(&id), "post page, {who}");
            let history = editing::history(pool, id, viewer).await.is_ok();
            assert_eq!(history, allowed.contains(&id), "edit history, {who}");
            let comments = comments::db::list(pool, id, viewer, None).await.is_ok();
            assert_eq!(comments, allowed.contains(&id), "comment list, {who}");
            if let Some(v) = viewer {
                let commented =
                    comments::db::add(pool, &crate::limits::Quota::exempt(), Some(v), id, "hi").await.is_ok();
                assert_eq!(commented, listed.contains(&id), "commenting, {who}");
                let liked = likes::set_like(pool, &crate::limits::Quota::exempt(), v, id, true).await.is_ok();
                assert_eq!(liked, allowed.contains(&id), "liking, {who}");
            }
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn every_read_path_shows_what_the_rule_allows(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let fay = user(&pool, "fay").await;
        let sam = user(&pool, "sam").await;
        follow(&pool, fay, "ann").await;
        let posts = Posts {
            public: post(&pool, ann, "open to all #linen", Visibility::Public).await,
            followers: post(&pool, ann, "friends only #linen", Visibility::Followers).await,
            draft: db::save_draft(&pool, ann, "not yet #linen", Visibility::Public, &[]).await.unwrap(),
            deleted: post(&pool, ann, "gone #linen", Visibility::Public).await,
        };
        editing::delete(&pool, ann, posts.deleted).await.unwrap();
        let all = [posts.public, posts.followers, posts.draft, posts.deleted];
        let published = set([posts.public, posts.followers]);

        // The rule itself: (viewer, what it allows).
        let anyone = set([posts.public]);
        let cases = [
            ("signed out", None, anyone.clone()),
            ("stranger", Some(sam), anyone.clone()),
            ("follower", Some(fay), published.clone()),
            ("author", Some(ann), set([posts.public, posts.followers, posts.draft])),
        ];
        for (who, viewer, allowed) in &cases {
            assert_eq!(&rule(&pool, &all, *viewer).await, allowed, "rule for {who}");
            // Lists show published posts only, so they show the rule ∩ published.
            let listed: BTreeSet<Uuid> = allowed.intersection(&published).copied().collect();

            // The post page, its edit history, comments and likes.
            one_post_paths(&pool, &all, *viewer, allowed, &listed, who).await;
            // Profile grid and hashtag page.
            let grid = of(db::author_posts(&pool, "ann", *viewer, None).await.unwrap(), &posts);
            assert_eq!(grid, listed, "profile grid, {who}");
            let tagged =
                of(related::feed(&pool, &About::Hashtag("linen".into()), *viewer, None).await.unwrap(), &posts);
            assert_eq!(tagged, listed, "hashtag page, {who}");
            // Explore lists public posts of people the viewer doesn't follow.
            let explore = of(db::explore_feed(&pool, *viewer, None).await.unwrap(), &posts);
            let expect_explore = match who {
                &"follower" | &"author" => BTreeSet::new(),
                _ => listed.intersection(&anyone).copied().collect(),
            };
            assert_eq!(explore, expect_explore, "explore, {who}");
            // The home feed: your own and followed accounts' posts.
            if let Some(v) = viewer {
                let home = of(db::home_feed(&pool, *v, None).await.unwrap(), &posts);
                let expect_home = if *who == "stranger" { BTreeSet::new() } else { listed.clone() };
                assert_eq!(home, expect_home, "home feed, {who}");
            }
        }
    }

    /// A post an admin removed leaves every read path for everyone but its
    /// author at once: signed out, a stranger, a follower, someone who
    /// reposted it and the admin who removed it no longer find it anywhere
    /// (nor comment on, like or repost it); its author still sees it.
    #[sqlx::test(migrations = "../migrations")]
    async fn a_removed_post_leaves_every_read_path_but_its_authors(pool: PgPool) {
        use crate::moderation::{db as moderation, ModerationAction, TargetKind};
        let ann = user(&pool, "ann").await;
        let fay = user(&pool, "fay").await;
        let sam = user(&pool, "sam").await;
        let rex = user(&pool, "rex").await;
        let boss = crate::test_support::admin(&pool, "boss").await;
        let kim = user(&pool, "kim").await;
        let variant = stocked_variant(&pool, kim, "kim_store", 5).await;
        let product: Uuid = sqlx::query_scalar("SELECT product_id FROM product_variants WHERE id = $1")
            .bind(variant)
            .fetch_one(&pool)
            .await
            .unwrap();
        follow(&pool, fay, "ann").await;
        follow(&pool, fay, "rex").await;
        let removed = post(&pool, ann, "fake goods #linen at $kim_store", Visibility::Public).await;
        let kept = post(&pool, ann, "real goods #linen", Visibility::Public).await;
        links::add(&pool, ann, removed, &LinkTarget::Product(product)).await.unwrap();
        crate::posts::reposts::db::set_repost(&pool, &crate::limits::Quota::exempt(), Some(rex), removed, true)
            .await
            .unwrap();
        settle(&pool).await;
        let seen_by_fay = |page: FeedPage| set(page.posts.into_iter().map(|p| p.id));
        assert!(seen_by_fay(db::home_feed(&pool, fay, None).await.unwrap()).contains(&removed), "before");

        moderation::act(&pool, Some(boss), TargetKind::Post, removed, ModerationAction::Remove, "counterfeit")
            .await
            .unwrap();
        settle(&pool).await;
        let event: i64 =
            sqlx::query_scalar("SELECT count(*) FROM outbox_events WHERE aggregate_id = $1 AND kind = 'post.removed'")
                .bind(removed)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert_eq!(event, 1, "the card cache hears of it");

        let all = [removed, kept];
        let others = [
            ("signed out", None),
            ("stranger", Some(sam)),
            ("follower", Some(fay)),
            ("reposter", Some(rex)),
            ("admin", Some(boss)),
        ];
        for (who, viewer) in others {
            let ids = |page: FeedPage| set(page.posts.into_iter().map(|p| p.id));
            assert_eq!(rule(&pool, &all, viewer).await, set([kept]), "rule for {who}");
            assert!(db::post(&pool, removed, viewer).await.unwrap().is_none(), "post page, {who}");
            assert!(editing::history(&pool, removed, viewer).await.is_err(), "history, {who}");
            assert!(comments::db::list(&pool, removed, viewer, None).await.is_err(), "comments, {who}");
            let grid = ids(db::author_posts(&pool, "ann", viewer, None).await.unwrap());
            assert!(!grid.contains(&removed) && grid.contains(&kept), "profile grid, {who}");
            let tagged = ids(related::feed(&pool, &About::Hashtag("linen".into()), viewer, None).await.unwrap());
            assert!(!tagged.contains(&removed) && tagged.contains(&kept), "hashtag page, {who}");
            let shop = ids(related::feed(&pool, &About::Shop("kim_store".into()), viewer, None).await.unwrap());
            assert!(!shop.contains(&removed), "shop's posts, {who}");
            let featuring = ids(related::feed(&pool, &About::Product(product), viewer, None).await.unwrap());
            assert!(!featuring.contains(&removed), "product's posts, {who}");
            let explore = ids(db::explore_feed(&pool, viewer, None).await.unwrap());
            assert!(!explore.contains(&removed), "explore, {who}");
            if let Some(v) = viewer {
                let home = ids(db::home_feed(&pool, v, None).await.unwrap());
                assert!(!home.contains(&removed), "home feed (and the repost in it), {who}");
                assert!(
                    comments::db::add(&pool, &crate::limits::Quota::exempt(), Some(v), removed, "hi").await.is_err(),
                    "commenting, {who}"
                );
                assert!(
                    likes::set_like(&pool, &crate::limits::Quota::exempt(), v, removed, true).await.is_err(),
                    "liking, {who}"
                );
            }
        }
        assert!(seen_by_fay(db::home_feed(&pool, fay, None).await.unwrap()).contains(&kept));
        let reposted =
            crate::posts::reposts::db::set_repost(&pool, &crate::limits::Quota::exempt(), Some(sam), removed, true)
                .await;
        assert_eq!(reposted.unwrap_err(), AppError::NotFound("Post".into()), "reposting it");

        // Its author still sees it, on its page and in her grid.
        assert_eq!(rule(&pool, &all, Some(ann)).await, set(all));
        assert!(db::post(&pool, removed, Some(ann)).await.unwrap().is_some());
        let grid = db::author_posts(&pool, "ann", Some(ann), None).await.unwrap();
        assert!(grid.posts.iter().any(|p| p.id == removed));
    }

    /// A private account, walked through every read path by someone signed
    /// out, a stranger, a pending requester, an accepted follower and the
    /// owner: only the last two see its posts, the posts about a shop or
    /// product it wrote, its "tagged" page and its follow lists.
    #[sqlx::test(migrations = "../migrations")]
    async fn a_private_accounts_posts_reach_only_its_accepted_followers(pool: PgPool) {
        let ivy = user(&pool, "ivy").await;
        let fay = user(&pool, "fay").await;
        let rex = user(&pool, "rex").await;
        let sam = user(&pool, "sam").await;
        let kim = user(&pool, "kim").await;
        let variant = stocked_variant(&pool, kim, "kim_store", 5).await;
        let product: Uuid = sqlx::query_scalar("SELECT product_id FROM product_variants WHERE id = $1")
            .bind(variant)
            .fetch_one(&pool)
            .await
            .unwrap();
        // Fay followed while the account was public; Rex asks after it went private.
        follow(&pool, fay, "ivy").await;
        make_private(&pool, ivy).await;
        let asked = set_follow(&pool, &crate::limits::Quota::exempt(), rex, "ivy", true).await.unwrap();
        assert!(asked.requested && !asked.following);

        let posts = Posts {
            public: post(&pool, ivy, "open to all #linen at $kim_store", Visibility::Public).await,
            followers: post(&pool, ivy, "friends only #linen", Visibility::Followers).await,
            draft: db::save_draft(&pool, ivy, "not yet #linen", Visibility::Public, &[]).await.unwrap(),
            deleted: post(&pool, ivy, "gone #linen", Visibility::Public).await,
        };
        editing::delete(&pool, ivy, posts.deleted).await.unwrap();
        links::add(&pool, ivy, posts.public, &LinkTarget::Product(product)).await.unwrap();
        // Kim's public post mentions Ivy: it is Kim's to show, but Ivy's
        // "tagged" page (and the rest of her account) is for her followers.
        let about_ivy = post(&pool, kim, "with @ivy", Visibility::Public).await;
        let all = [posts.public, posts.followers, posts.draft, posts.deleted];
        let published = set([posts.public, posts.followers]);

        let cases = [
            ("signed out", None, BTreeSet::new()),
            ("stranger", Some(sam), BTreeSet::new()),
            ("pending requester", Some(rex), BTreeSet::new()),
            ("accepted follower", Some(fay), published.clone()),
            ("owner", Some(ivy), set([posts.public, posts.followers, posts.draft])),
        ];
        for (who, viewer, allowed) in &cases {
            assert_eq!(&rule(&pool, &all, *viewer).await, allowed, "rule for {who}");
            let listed: BTreeSet<Uuid> = allowed.intersection(&published).copied().collect();
            let opened = !listed.is_empty();

            // The post page, its edit history, comments and likes.
            one_post_paths(&pool, &all, *viewer, allowed, &listed, who).await;
            // Profile grid, hashtag page, and the posts about a shop or product.
            let grid = of(db::author_posts(&pool, "ivy", *viewer, None).await.unwrap(), &posts);
            assert_eq!(grid, listed, "profile grid, {who}");
            let hashtag = related::feed(&pool, &About::Hashtag("linen".into()), *viewer, None).await.unwrap();
            assert_eq!(of(hashtag, &posts), listed, "hashtag page, {who}");
            let public_only: BTreeSet<Uuid> = listed.intersection(&set([posts.public])).copied().collect();
            let shop = related::feed(&pool, &About::Shop("kim_store".into()), *viewer, None).await.unwrap();
            assert_eq!(of(shop, &posts), public_only, "shop's posts, {who}");
            let featuring = related::feed(&pool, &About::Product(product), *viewer, None).await.unwrap();
            assert_eq!(of(featuring, &posts), public_only, "product's posts, {who}");
            // Explore shows nobody a private account's posts: those it is
            // closed to may not see them, the others follow it (or own it).
            let explore = of(db::explore_feed(&pool, *viewer, None).await.unwrap(), &posts);
            assert_eq!(explore, BTreeSet::new(), "explore, {who}");
            if let Some(v) = viewer {
                let home = of(db::home_feed(&pool, *v, None).await.unwrap(), &posts);
                assert_eq!(home, listed, "home feed, {who}");
            }

            // The rest of the account: its "tagged" page and follow lists.
            let tagged = related::feed(&pool, &About::User("ivy".into()), *viewer, None).await;
            match opened {
                true => assert_eq!(tagged.unwrap().posts.iter().map(|p| p.id).collect::<Vec<_>>(), vec![about_ivy]),
                false => assert_eq!(tagged.unwrap_err(), AppError::Forbidden, "tagged page, {who}"),
            }
            for direction in [Direction::Followers, Direction::Following] {
                let list = follow_list(&pool, "ivy", direction, *viewer, None).await;
                assert_eq!(list.is_ok(), opened, "{direction:?} list, {who}");
            }
            let profile = profile_by_username(&pool, "ivy", *viewer).await.unwrap().unwrap();
            assert_eq!(profile.content_visible, opened, "profile, {who}");
            assert!(profile.is_private, "the header still shows, {who}");
        }

        // Accepting the request opens everything to Rex.
        requests::accept(&pool, Some(ivy), "rex").await.unwrap();
        settle(&pool).await; // the relay back-fills Rex's timeline
        assert_eq!(rule(&pool, &all, Some(rex)).await, published);
        assert_eq!(of(db::home_feed(&pool, rex, None).await.unwrap(), &posts), published);
        assert!(follow_list(&pool, "ivy", Direction::Followers, Some(rex), None).await.is_ok());
    }
}

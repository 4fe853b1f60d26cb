//! Who may see a post is decided in one place: the SQL function
//! `post_visible_to(post, viewer)` (migration `…16_post_visibility.sql`).
//! Every read path below asks it; the test walks each path with each kind
//! of viewer, so a path that forgets the rule (or a new rule that a path
//! bypasses) fails here.

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use sqlx::PgPool;
    use uuid::Uuid;

    use crate::posts::related::{db as related, About};
    use crate::posts::{comments, db, editing, likes, FeedPage, Visibility};
    use crate::test_support::{follow, post, user};

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
            for id in all {
                let shown = db::post(&pool, id, *viewer).await.unwrap().is_some();
                assert_eq!(shown, allowed.contains(&id), "post page, {who}");
                let history = editing::history(&pool, id, *viewer).await.is_ok();
                assert_eq!(history, allowed.contains(&id), "edit history, {who}");
                let comments = comments::db::list(&pool, id, *viewer, None).await.is_ok();
                assert_eq!(comments, allowed.contains(&id), "comment list, {who}");
                if let Some(v) = viewer {
                    let commented = comments::db::add(&pool, *v, id, "hi").await.is_ok();
                    assert_eq!(commented, listed.contains(&id), "commenting, {who}");
                    let liked = likes::set_like(&pool, *v, id, true).await.is_ok();
                    assert_eq!(liked, allowed.contains(&id), "liking, {who}");
                }
            }
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
}

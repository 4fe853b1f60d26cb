//! The `@user`, `$shop` and `#hashtag` references stored for a post's text:
//! rewritten whenever the text is, and read back (with the rest of a card,
//! in `db::details`) so feeds link exactly the names that existed when the
//! post was written.

use sqlx::PgConnection;
use uuid::Uuid;

use super::text::{mentions, Mention};
use crate::error::AppResult;

/// Replaces the post's stored references with those in `body` that exist.
/// An account blocked either way with the author is not referenced: the
/// text stays, but it links nowhere and the post is not on their "tagged" page.
pub async fn store(tx: &mut PgConnection, post_id: Uuid, body: &str) -> AppResult<()> {
    let (mut users, mut shops, mut hashtags) = (Vec::new(), Vec::new(), Vec::new());
    for mention in mentions(body) {
        match mention {
            Mention::User(name) => users.push(name),
            Mention::Shop(handle) => shops.push(handle),
            Mention::Hashtag(tag) => hashtags.push(tag),
        }
    }
    sqlx::query!("DELETE FROM post_refs WHERE post_id = $1", post_id).execute(&mut *tx).await?;
    sqlx::query!(
        "INSERT INTO post_refs (post_id, kind, user_id)
         SELECT $1, 'user', u.id FROM users u
         WHERE u.username = ANY($2)
           AND NOT blocked_between(u.id, (SELECT p.author_id FROM posts p WHERE p.id = $1))",
        post_id,
        &users
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO post_refs (post_id, kind, shop_id)
         SELECT $1, 'shop', id FROM shops WHERE handle = ANY($2)",
        post_id,
        &shops
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO post_refs (post_id, kind, hashtag) SELECT DISTINCT $1::uuid, 'hashtag', unnest($2::text[])",
        post_id,
        &hashtags
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::posts::db::{post, publish};
    use crate::posts::text::Segment;
    use crate::posts::Visibility;
    use crate::test_support::shop;
    use crate::test_support::user;
    use sqlx::PgPool;

    #[sqlx::test(migrations = "../migrations")]
    async fn only_existing_names_are_stored_and_linked(pool: PgPool) {
        let maya = user(&pool, "maya").await;
        shop(&pool, maya, "maya_store").await;
        let body = "Wearing @maya's pick from $maya_store, not @nobody or $no_shop #OOTD #ootd";
        let id = publish(&pool, maya, body, Visibility::Public, &[]).await.unwrap();

        let kinds: Vec<(String, Option<String>)> =
            sqlx::query!("SELECT kind, hashtag FROM post_refs WHERE post_id = $1 ORDER BY kind", id)
                .fetch_all(&pool)
                .await
                .unwrap()
                .into_iter()
                .map(|r| (r.kind, r.hashtag))
                .collect();
        assert_eq!(kinds, vec![("hashtag".into(), Some("ootd".into())), ("shop".into(), None), ("user".into(), None)]);

        let view = post(&pool, id, None).await.unwrap().unwrap();
        let links: Vec<&str> = view
            .segments
            .iter()
            .filter_map(|s| match s {
                Segment::Link { href, .. } => Some(href.as_str()),
                Segment::Text(_) => None,
            })
            .collect();
        assert_eq!(links, vec!["/u/maya", "/s/maya_store", "/tag/ootd", "/tag/ootd"]);
    }
}

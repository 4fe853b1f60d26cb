//! SQL owned by shops.

use sqlx::PgPool;
use uuid::Uuid;

use super::{Shop, ShopImageKind, ShopSummary};
use crate::db_errors::on_constraint;
use crate::error::{AppError, AppResult};
use crate::money::Currency;

pub struct NewShop<'a> {
    pub handle: &'a str,
    pub name: &'a str,
    pub description: &'a str,
    pub currency: Currency,
}

pub async fn create(pool: &PgPool, owner: Uuid, new: &NewShop<'_>) -> AppResult<Uuid> {
    crate::moderation::standing::require_active(pool, owner).await?;
    let id = Uuid::new_v4();
    sqlx::query!(
        "INSERT INTO shops (id, owner_id, handle, name, description, currency) VALUES ($1, $2, $3, $4, $5, $6)",
        id,
        owner,
        new.handle,
        new.name,
        new.description,
        new.currency.code(),
    )
    .execute(pool)
    .await
    .map_err(|e| {
        on_constraint(e, &[("shops_handle_key", || AppError::conflict("handle", "That shop handle is taken."))])
    })?;
    Ok(id)
}

pub async fn by_handle(pool: &PgPool, handle: &str, viewer: Option<Uuid>) -> AppResult<Option<Shop>> {
    let row = sqlx::query!(
        r#"SELECT s.id, s.handle, s.name, s.description, s.logo_url, s.cover_url, s.currency, s.owner_id,
                  u.username AS owner_username
           FROM shops s JOIN users u ON u.id = s.owner_id
           WHERE s.handle = $1"#,
        handle.trim().trim_start_matches('$').to_lowercase()
    )
    .fetch_optional(pool)
    .await?;
    row.map(|r| {
        Ok(Shop {
            id: r.id,
            handle: r.handle,
            name: r.name,
            description: r.description,
            logo_url: r.logo_url,
            cover_url: r.cover_url,
            currency: Currency::parse(&r.currency)?,
            owner_username: r.owner_username,
            is_owner: viewer == Some(r.owner_id),
        })
    })
    .transpose()
}

/// The shop with `handle` if `user` owns it; `Forbidden` if someone else
/// does; `NotFound` if there is none.
pub async fn owned_by(pool: &PgPool, handle: &str, user: Uuid) -> AppResult<Shop> {
    let shop = by_handle(pool, handle, Some(user)).await?.ok_or_else(|| AppError::NotFound("Shop".into()))?;
    if shop.is_owner {
        Ok(shop)
    } else {
        Err(AppError::Forbidden)
    }
}

pub async fn update(pool: &PgPool, shop_id: Uuid, name: &str, description: &str) -> AppResult<()> {
    sqlx::query!("UPDATE shops SET name = $2, description = $3 WHERE id = $1", shop_id, name, description)
        .execute(pool)
        .await?;
    Ok(())
}

/// Sets the shop's logo or cover; returns the URL it replaces, so the old
/// file can be removed.
pub async fn set_image(pool: &PgPool, shop_id: Uuid, kind: ShopImageKind, url: &str) -> AppResult<Option<String>> {
    let old = match kind {
        ShopImageKind::Logo => {
            sqlx::query_scalar!(
                "UPDATE shops s SET logo_url = $2 FROM shops old WHERE s.id = $1 AND old.id = s.id
                 RETURNING old.logo_url",
                shop_id,
                url
            )
            .fetch_one(pool)
            .await?
        }
        ShopImageKind::Cover => {
            sqlx::query_scalar!(
                "UPDATE shops s SET cover_url = $2 FROM shops old WHERE s.id = $1 AND old.id = s.id
                 RETURNING old.cover_url",
                shop_id,
                url
            )
            .fetch_one(pool)
            .await?
        }
    };
    Ok(old)
}

pub async fn owned_list(pool: &PgPool, owner: Uuid) -> AppResult<Vec<ShopSummary>> {
    let rows = sqlx::query_as!(
        ShopSummary,
        r#"SELECT s.handle, s.name, s.logo_url,
                  (SELECT count(*) FROM products p WHERE p.shop_id = s.id) AS "products!"
           FROM shops s WHERE s.owner_id = $1 ORDER BY s.created_at"#,
        owner
    )
    .fetch_all(pool)
    .await?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::user;

    use crate::test_support::shop;

    #[sqlx::test(migrations = "../migrations")]
    async fn handles_are_unique_and_ownership_is_checked(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let ben = user(&pool, "ben").await;
        shop(&pool, ann, "ann_shop").await;
        let err =
            create(&pool, ben, &NewShop { handle: "ann_shop", name: "X", description: "", currency: Currency::EUR })
                .await
                .unwrap_err();
        assert_eq!(err.field(), Some("handle"));
        assert!(owned_by(&pool, "$ANN_SHOP", ann).await.unwrap().is_owner);
        assert_eq!(owned_by(&pool, "ann_shop", ben).await.unwrap_err(), AppError::Forbidden);
        assert_eq!(owned_by(&pool, "nope_shop", ben).await.unwrap_err(), AppError::NotFound("Shop".into()));
        assert_eq!(owned_list(&pool, ann).await.unwrap().len(), 1);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_new_logo_replaces_the_old_one_and_shows_in_lists(pool: PgPool) {
        let ann = user(&pool, "ann").await;
        let id = shop(&pool, ann, "ann_shop").await;
        assert_eq!(set_image(&pool, id, ShopImageKind::Logo, "/media/avatars/one.jpg").await.unwrap(), None);
        let old = set_image(&pool, id, ShopImageKind::Logo, "/media/avatars/two.jpg").await.unwrap();
        assert_eq!(old.as_deref(), Some("/media/avatars/one.jpg"));
        set_image(&pool, id, ShopImageKind::Cover, "/media/covers/c.jpg").await.unwrap();
        let shop = by_handle(&pool, "ann_shop", None).await.unwrap().unwrap();
        assert_eq!(shop.logo_url.as_deref(), Some("/media/avatars/two.jpg"));
        assert_eq!(shop.cover_url.as_deref(), Some("/media/covers/c.jpg"));
        assert_eq!(owned_list(&pool, ann).await.unwrap()[0].logo_url.as_deref(), Some("/media/avatars/two.jpg"));
    }
}

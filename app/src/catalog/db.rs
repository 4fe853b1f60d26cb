//! SQL owned by the catalog. A product, its options, values and every
//! variant are written in one transaction; reads assemble them back. Gallery
//! changes lock the product row, so positions stay 0, 1, 2… without gaps.

use sqlx::{PgConnection, PgPool};
use uuid::Uuid;

use super::rules::{check_gallery_room, combinations, default_sku, variant_title, OptionSpec};
use super::{Product, ProductCard, ProductImage, ProductStatus, Variant};
use crate::db_errors::on_constraint;
use crate::error::{AppError, AppResult};
use crate::media::StoredPostImage;
use crate::money::{Currency, Money};
use crate::shops::Shop;

pub struct NewProduct {
    pub title: String,
    pub description: String,
    pub status: ProductStatus,
    pub price: Money,
    pub compare_at: Option<Money>,
    pub stock: i32,
    pub options: Vec<OptionSpec>,
}

/// Creates the product with one variant per combination of option values,
/// each starting at the given price and stock.
pub async fn create_product(pool: &PgPool, shop: &Shop, new: &NewProduct) -> AppResult<Uuid> {
    if new.price.currency != shop.currency {
        return Err(AppError::validation("price", format!("This shop sells in {}.", shop.currency.code())));
    }
    let product_id = Uuid::new_v4();
    let suffix = &product_id.simple().to_string()[..4].to_uppercase();
    let mut tx = pool.begin().await?;
    let owner = sqlx::query_scalar!("SELECT owner_id FROM shops WHERE id = $1", shop.id).fetch_one(&mut *tx).await?;
    crate::moderation::standing::require_active(&mut *tx, owner).await?;
    sqlx::query!(
        "INSERT INTO products (id, shop_id, title, description, status, currency) VALUES ($1, $2, $3, $4, $5, $6)",
        product_id,
        shop.id,
        new.title,
        new.description,
        new.status.as_str(),
        shop.currency.code(),
    )
    .execute(&mut *tx)
    .await?;

    let mut value_ids: Vec<Vec<Uuid>> = Vec::new();
    for (pos, option) in new.options.iter().enumerate() {
        let option_id = Uuid::new_v4();
        sqlx::query!(
            "INSERT INTO product_options (id, product_id, name, position) VALUES ($1, $2, $3, $4)",
            option_id,
            product_id,
            option.name,
            pos as i16
        )
        .execute(&mut *tx)
        .await?;
        let ids: Vec<Uuid> = option.values.iter().map(|_| Uuid::new_v4()).collect();
        let positions: Vec<i16> = (0..option.values.len() as i16).collect();
        sqlx::query!(
            "INSERT INTO product_option_values (id, option_id, value, position)
             SELECT id, $2, value, position FROM UNNEST($1::uuid[], $3::text[], $4::int2[]) AS v(id, value, position)",
            &ids,
            option_id,
            &option.values,
            &positions,
        )
        .execute(&mut *tx)
        .await?;
        value_ids.push(ids);
    }

    for (pos, combo) in combinations(&new.options).iter().enumerate() {
        let values: Vec<&str> = combo.iter().enumerate().map(|(o, &v)| new.options[o].values[v].as_str()).collect();
        let variant_id = Uuid::new_v4();
        let sku = format!("{}-{suffix}", default_sku(&new.title, &values));
        sqlx::query!(
            "INSERT INTO product_variants (id, product_id, shop_id, title, sku, price_minor, compare_at_minor, currency, stock_on_hand, position)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            variant_id,
            product_id,
            shop.id,
            variant_title(&values),
            sku.chars().take(64).collect::<String>(),
            new.price.minor,
            new.compare_at.map(|m| m.minor),
            shop.currency.code(),
            new.stock,
            pos as i16,
        )
        .execute(&mut *tx)
        .await
        .map_err(|e| on_constraint(e, &[("product_variants_sku_key", || AppError::conflict("sku", "That SKU is already used in this shop."))]))?;
        let picked: Vec<Uuid> = combo.iter().enumerate().map(|(o, &v)| value_ids[o][v]).collect();
        sqlx::query!(
            "INSERT INTO variant_option_values (variant_id, option_value_id) SELECT $1, UNNEST($2::uuid[])",
            variant_id,
            &picked
        )
        .execute(&mut *tx)
        .await?;
    }
    crate::inventory::db::record_initial_stock(&mut tx, product_id).await?;
    tx.commit().await?;
    Ok(product_id)
}

/// The product, if the viewer may see it: active products for everyone,
/// drafts and archived ones only for the shop's owner.
pub async fn product(pool: &PgPool, id: Uuid, viewer: Option<Uuid>) -> AppResult<Option<Product>> {
    let Some(p) = sqlx::query!(
        r#"SELECT p.id, p.title, p.description, p.status, p.currency, s.handle, s.name AS shop_name, s.owner_id
           FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.id = $1"#,
        id
    )
    .fetch_optional(pool)
    .await?
    else {
        return Ok(None);
    };
    let is_owner = viewer == Some(p.owner_id);
    let status = ProductStatus::parse(&p.status)?;
    if status != ProductStatus::Active && !is_owner {
        return Ok(None);
    }
    let currency = Currency::parse(&p.currency)?;

    let option_rows = sqlx::query!(
        r#"SELECT o.name, array_agg(v.value ORDER BY v.position) AS "values!"
           FROM product_options o JOIN product_option_values v ON v.option_id = o.id
           WHERE o.product_id = $1 GROUP BY o.id, o.name, o.position ORDER BY o.position"#,
        id
    )
    .fetch_all(pool)
    .await?;
    let options = option_rows.into_iter().map(|r| OptionSpec { name: r.name, values: r.values }).collect();

    let variant_rows = sqlx::query!(
        r#"SELECT pv.id, pv.title, pv.sku, pv.price_minor, pv.compare_at_minor, pv.stock_on_hand,
                  pv.stock_on_hand - pv.stock_reserved AS "available!",
                  COALESCE(array_agg(v.value ORDER BY o.position) FILTER (WHERE v.id IS NOT NULL), '{}') AS "values!"
           FROM product_variants pv
           LEFT JOIN variant_option_values vov ON vov.variant_id = pv.id
           LEFT JOIN product_option_values v ON v.id = vov.option_value_id
           LEFT JOIN product_options o ON o.id = v.option_id
           WHERE pv.product_id = $1
           GROUP BY pv.id ORDER BY pv.position"#,
        id
    )
    .fetch_all(pool)
    .await?;
    let variants = variant_rows
        .into_iter()
        .map(|r| Variant {
            id: r.id,
            title: r.title,
            sku: r.sku,
            price: Money::new(r.price_minor, currency),
            compare_at: r.compare_at_minor.map(|m| Money::new(m, currency)),
            stock_on_hand: r.stock_on_hand,
            available: r.available,
            values: r.values,
        })
        .collect();
    let images = gallery(pool, id).await?;

    Ok(Some(Product {
        id: p.id,
        shop_handle: p.handle,
        shop_name: p.shop_name,
        title: p.title,
        description: p.description,
        status,
        currency,
        options,
        variants,
        images,
        is_owner,
    }))
}

/// A product's images, cover first.
pub async fn gallery(pool: &PgPool, product_id: Uuid) -> AppResult<Vec<ProductImage>> {
    let images = sqlx::query_as!(
        ProductImage,
        "SELECT id, url_150, url_600, url_1200, width, height FROM product_images
         WHERE product_id = $1 ORDER BY position",
        product_id
    )
    .fetch_all(pool)
    .await?;
    Ok(images)
}

/// A shop's products, newest first; drafts and archived ones only when
/// `include_hidden` (the owner's view).
pub async fn shop_products(pool: &PgPool, shop_id: Uuid, include_hidden: bool) -> AppResult<Vec<ProductCard>> {
    let rows = sqlx::query!(
        r#"SELECT p.id, p.title, p.status, p.currency,
                  min(v.price_minor) AS "price_from!", count(v.id) AS "variants!",
                  bool_or(v.stock_on_hand > v.stock_reserved) AS "in_stock!",
                  (SELECT i.url_600 FROM product_images i WHERE i.product_id = p.id
                   ORDER BY i.position LIMIT 1) AS image_url
           FROM products p JOIN product_variants v ON v.product_id = p.id
           WHERE p.shop_id = $1 AND ($2 OR p.status = 'active')
           GROUP BY p.id ORDER BY p.created_at DESC, p.id DESC"#,
        shop_id,
        include_hidden
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(ProductCard {
                id: r.id,
                title: r.title,
                status: ProductStatus::parse(&r.status)?,
                price_from: Money::new(r.price_from, Currency::parse(&r.currency)?),
                variants: r.variants,
                in_stock: r.in_stock,
                image_url: r.image_url,
            })
        })
        .collect()
}

/// Active products whose title contains `query` (case-insensitive), for pickers.
pub async fn search(pool: &PgPool, query: &str, limit: i64) -> AppResult<Vec<super::ProductPick>> {
    let pattern = title_pattern(query);
    let rows = sqlx::query!(
        r#"SELECT p.id, p.title, p.currency, s.name AS shop_name, min(v.price_minor) AS "price_from!",
                  (SELECT i.url_150 FROM product_images i WHERE i.product_id = p.id
                   ORDER BY i.position LIMIT 1) AS image_url
           FROM products p JOIN shops s ON s.id = p.shop_id JOIN product_variants v ON v.product_id = p.id
           WHERE p.status = 'active' AND lower(p.title) LIKE $1
           GROUP BY p.id, s.name ORDER BY p.title LIMIT $2"#,
        pattern,
        limit
    )
    .fetch_all(pool)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(super::ProductPick {
                id: r.id,
                title: r.title,
                shop_name: r.shop_name,
                price_from: Money::new(r.price_from, Currency::parse(&r.currency)?),
                image_url: r.image_url,
            })
        })
        .collect()
}

/// A LIKE pattern matching lower-cased titles that contain `query`, its
/// wildcards taken literally.
pub fn title_pattern(query: &str) -> String {
    format!("%{}%", query.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_"))
}

/// Locks product `product_id` for a gallery change: `NotFound` if there is
/// no such product, `Forbidden` unless `owner` owns its shop.
async fn lock_product_for_owner(tx: &mut PgConnection, product_id: Uuid, owner: Uuid) -> AppResult<()> {
    let row = sqlx::query!(
        "SELECT s.owner_id FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.id = $1 FOR UPDATE OF p",
        product_id
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Product".into()))?;
    if row.owner_id != owner {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// How many images the product's gallery holds, if `owner` may change it;
/// checked before any upload is processed.
pub async fn gallery_size_for_owner(pool: &PgPool, product_id: Uuid, owner: Uuid) -> AppResult<usize> {
    let row = sqlx::query!(
        r#"SELECT s.owner_id, (SELECT count(*) FROM product_images i WHERE i.product_id = p.id) AS "images!"
           FROM products p JOIN shops s ON s.id = p.shop_id WHERE p.id = $1"#,
        product_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::NotFound("Product".into()))?;
    if row.owner_id != owner {
        return Err(AppError::Forbidden);
    }
    Ok(row.images as usize)
}

/// Appends stored images to the end of the product's gallery.
pub async fn add_images(pool: &PgPool, product_id: Uuid, owner: Uuid, images: &[StoredPostImage]) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    lock_product_for_owner(&mut tx, product_id, owner).await?;
    let existing =
        sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM product_images WHERE product_id = $1"#, product_id)
            .fetch_one(&mut *tx)
            .await? as usize;
    check_gallery_room(existing, images.len())?;
    let ids: Vec<Uuid> = images.iter().map(|_| Uuid::new_v4()).collect();
    let positions: Vec<i16> = (existing..existing + images.len()).map(|p| p as i16).collect();
    let url = |i: usize| images.iter().map(|img| img.urls[i].clone()).collect::<Vec<String>>();
    let widths: Vec<i32> = images.iter().map(|img| img.width as i32).collect();
    let heights: Vec<i32> = images.iter().map(|img| img.height as i32).collect();
    sqlx::query!(
        "INSERT INTO product_images (id, product_id, position, url_150, url_600, url_1200, width, height)
         SELECT id, $2, position, u150, u600, u1200, w, h
         FROM UNNEST($1::uuid[], $3::int2[], $4::text[], $5::text[], $6::text[], $7::int4[], $8::int4[])
              AS v(id, position, u150, u600, u1200, w, h)",
        &ids,
        product_id,
        &positions,
        &url(0),
        &url(1),
        &url(2),
        &widths,
        &heights,
    )
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Locks the gallery that image `image_id` belongs to for a change by
/// `owner`; returns the product and its image ids in order.
async fn lock_gallery_of(tx: &mut PgConnection, image_id: Uuid, owner: Uuid) -> AppResult<(Uuid, Vec<Uuid>)> {
    let not_found = || AppError::NotFound("Image".into());
    let product_id = sqlx::query_scalar!("SELECT product_id FROM product_images WHERE id = $1", image_id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(not_found)?;
    lock_product_for_owner(tx, product_id, owner).await?;
    let order =
        sqlx::query_scalar!("SELECT id FROM product_images WHERE product_id = $1 ORDER BY position", product_id)
            .fetch_all(&mut *tx)
            .await?;
    if !order.contains(&image_id) {
        return Err(not_found()); // removed while we waited for the lock
    }
    Ok((product_id, order))
}

/// Gives the gallery exactly the images in `order`, at positions 0, 1, 2…
/// Rows are deleted and inserted again because the (product, position)
/// key is checked row by row, which rules out shifting positions in place.
async fn rewrite_gallery(tx: &mut PgConnection, product_id: Uuid, order: &[Uuid]) -> AppResult<()> {
    let rows = sqlx::query!(
        "DELETE FROM product_images WHERE product_id = $1
         RETURNING id, url_150, url_600, url_1200, width, height, alt",
        product_id
    )
    .fetch_all(&mut *tx)
    .await?;
    let kept: Vec<_> = order.iter().filter_map(|id| rows.iter().find(|r| r.id == *id)).collect();
    let positions: Vec<i16> = (0..kept.len() as i16).collect();
    sqlx::query!(
        "INSERT INTO product_images (id, product_id, position, url_150, url_600, url_1200, width, height, alt)
         SELECT id, $2, position, u150, u600, u1200, w, h, alt
         FROM UNNEST($1::uuid[], $3::int2[], $4::text[], $5::text[], $6::text[], $7::int4[], $8::int4[], $9::text[])
              AS v(id, position, u150, u600, u1200, w, h, alt)",
        &kept.iter().map(|r| r.id).collect::<Vec<_>>(),
        product_id,
        &positions,
        &kept.iter().map(|r| r.url_150.clone()).collect::<Vec<_>>(),
        &kept.iter().map(|r| r.url_600.clone()).collect::<Vec<_>>(),
        &kept.iter().map(|r| r.url_1200.clone()).collect::<Vec<_>>(),
        &kept.iter().map(|r| r.width).collect::<Vec<_>>(),
        &kept.iter().map(|r| r.height).collect::<Vec<_>>(),
        &kept.iter().map(|r| r.alt.clone()).collect::<Vec<_>>(),
    )
    .execute(&mut *tx)
    .await?;
    Ok(())
}

/// Removes an image from its gallery; returns it, so its files can go too.
pub async fn remove_image(pool: &PgPool, image_id: Uuid, owner: Uuid) -> AppResult<ProductImage> {
    let mut tx = pool.begin().await?;
    let (product_id, mut order) = lock_gallery_of(&mut tx, image_id, owner).await?;
    let removed = sqlx::query_as!(
        ProductImage,
        "SELECT id, url_150, url_600, url_1200, width, height FROM product_images WHERE id = $1",
        image_id
    )
    .fetch_one(&mut *tx)
    .await?;
    order.retain(|id| *id != image_id);
    rewrite_gallery(&mut tx, product_id, &order).await?;
    tx.commit().await?;
    Ok(removed)
}

/// Moves an image to the front of its gallery, making it the cover.
pub async fn make_cover(pool: &PgPool, image_id: Uuid, owner: Uuid) -> AppResult<()> {
    let mut tx = pool.begin().await?;
    let (product_id, mut order) = lock_gallery_of(&mut tx, image_id, owner).await?;
    order.retain(|id| *id != image_id);
    order.insert(0, image_id);
    rewrite_gallery(&mut tx, product_id, &order).await?;
    tx.commit().await?;
    Ok(())
}

pub struct VariantUpdate {
    pub sku: String,
    pub price_minor: i64,
    pub compare_at_minor: Option<i64>,
    pub stock_on_hand: i32,
}

/// The currency of a variant `owner` may edit (`Forbidden` for anyone else).
pub async fn variant_currency_for_owner(pool: &PgPool, variant_id: Uuid, owner: Uuid) -> AppResult<Currency> {
    let row = sqlx::query!(
        "SELECT v.currency, s.owner_id FROM product_variants v JOIN shops s ON s.id = v.shop_id WHERE v.id = $1",
        variant_id
    )
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| AppError::NotFound("Variant".into()))?;
    if row.owner_id != owner {
        return Err(AppError::Forbidden);
    }
    Currency::parse(&row.currency)
}

pub async fn update_variant(pool: &PgPool, variant_id: Uuid, owner: Uuid, u: &VariantUpdate) -> AppResult<()> {
    super::rules::check_compare_at(u.price_minor, u.compare_at_minor)?;
    let mut tx = pool.begin().await?;
    crate::moderation::standing::require_active(&mut *tx, owner).await?;
    let done = sqlx::query!(
        "UPDATE product_variants v SET sku = $3, price_minor = $4, compare_at_minor = $5
         FROM shops s WHERE v.id = $1 AND s.id = v.shop_id AND s.owner_id = $2",
        variant_id,
        owner,
        u.sku,
        u.price_minor,
        u.compare_at_minor,
    )
    .execute(&mut *tx)
    .await
    .map_err(|e| {
        on_constraint(
            e,
            &[("product_variants_sku_key", || AppError::conflict("sku", "That SKU is already used in this shop."))],
        )
    })?;
    if done.rows_affected() == 0 {
        return Err(AppError::Forbidden);
    }
    crate::inventory::db::set_on_hand(&mut tx, variant_id, u.stock_on_hand, Some(owner), "edited with the product")
        .await
        .map_err(|e| match e {
            AppError::Validation { message, .. } => AppError::validation("stock", message),
            other => other,
        })?;
    tx.commit().await?;
    Ok(())
}

/// Changes a product's status (its shop's owner only). A product an admin
/// removed stays archived (`moderation`).
pub async fn set_status(pool: &PgPool, product_id: Uuid, owner: Uuid, status: ProductStatus) -> AppResult<()> {
    crate::moderation::standing::require_active(pool, owner).await?;
    let row = sqlx::query!(
        "SELECT p.removed_at IS NOT NULL AS \"removed!\" FROM products p JOIN shops s ON s.id = p.shop_id
         WHERE p.id = $1 AND s.owner_id = $2",
        product_id,
        owner
    )
    .fetch_optional(pool)
    .await?
    .ok_or(AppError::Forbidden)?;
    if row.removed {
        return Err(AppError::validation("status", "Storefeed removed this product, so it can't be shown again."));
    }
    let done = sqlx::query!(
        "UPDATE products p SET status = $3 FROM shops s
         WHERE p.id = $1 AND s.id = p.shop_id AND s.owner_id = $2 AND p.removed_at IS NULL",
        product_id,
        owner,
        status.as_str()
    )
    .execute(pool)
    .await?;
    if done.rows_affected() == 0 {
        return Err(AppError::Forbidden);
    }
    Ok(())
}

/// The shop a product belongs to.
pub async fn shop_of(pool: &PgPool, product: Uuid) -> AppResult<Uuid> {
    sqlx::query_scalar!("SELECT shop_id FROM products WHERE id = $1", product)
        .fetch_optional(pool)
        .await?
        .ok_or_else(|| AppError::NotFound("Product".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::rules::parse_options;
    use crate::shops::db::owned_by;
    use crate::test_support::shop as test_shop;
    use crate::test_support::user;

    async fn jacket(pool: &PgPool, owner: Uuid, status: ProductStatus) -> (Shop, Uuid) {
        test_shop(pool, owner, "threads").await;
        let shop = owned_by(pool, "threads", owner).await.unwrap();
        let id = create_product(
            pool,
            &shop,
            &NewProduct {
                title: "Kitenge jacket".into(),
                description: "Hand-stitched.".into(),
                status,
                price: Money::new(4500, Currency::USD),
                compare_at: Some(Money::new(6000, Currency::USD)),
                stock: 5,
                options: parse_options(&[("Size", "S, M"), ("Colour", "Red, Blue")]).unwrap(),
            },
        )
        .await
        .unwrap();
        (shop, id)
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_product_gets_one_variant_per_combination(pool: PgPool) {
        let owner = user(&pool, "owner").await;
        let (_, id) = jacket(&pool, owner, ProductStatus::Active).await;
        let p = product(&pool, id, None).await.unwrap().unwrap();
        assert_eq!(p.options.len(), 2);
        assert_eq!(p.options[1].values, vec!["Red", "Blue"]);
        assert_eq!(p.variants.len(), 4);
        assert_eq!(p.variants[1].values, vec!["S", "Blue"]);
        assert_eq!(p.variants[1].title, "S / Blue");
        assert_eq!(p.variant_for(&["M".into(), "Red".into()]).unwrap().price, Money::new(4500, Currency::USD));
        assert!(!p.is_owner);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn drafts_are_only_for_the_owner(pool: PgPool) {
        let owner = user(&pool, "owner").await;
        let other = user(&pool, "other").await;
        let (shop, id) = jacket(&pool, owner, ProductStatus::Draft).await;
        assert!(product(&pool, id, Some(other)).await.unwrap().is_none());
        assert!(product(&pool, id, Some(owner)).await.unwrap().unwrap().is_owner);
        assert!(shop_products(&pool, shop.id, false).await.unwrap().is_empty());
        assert_eq!(shop_products(&pool, shop.id, true).await.unwrap().len(), 1);
        assert_eq!(set_status(&pool, id, other, ProductStatus::Active).await.unwrap_err(), AppError::Forbidden);
        set_status(&pool, id, owner, ProductStatus::Active).await.unwrap();
        let cards = shop_products(&pool, shop.id, false).await.unwrap();
        assert_eq!((cards[0].variants, cards[0].in_stock, cards[0].price_from.minor), (4, true, 4500));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn only_the_owner_edits_variants_and_skus_stay_unique(pool: PgPool) {
        let owner = user(&pool, "owner").await;
        let other = user(&pool, "other").await;
        let (_, id) = jacket(&pool, owner, ProductStatus::Active).await;
        let p = product(&pool, id, None).await.unwrap().unwrap();
        let (a, b) = (p.variants[0].id, p.variants[1].id);
        let edit =
            VariantUpdate { sku: "JKT-S-RED".into(), price_minor: 3900, compare_at_minor: None, stock_on_hand: 0 };
        assert_eq!(update_variant(&pool, a, other, &edit).await.unwrap_err(), AppError::Forbidden);
        assert_eq!(variant_currency_for_owner(&pool, a, other).await.unwrap_err(), AppError::Forbidden);
        update_variant(&pool, a, owner, &edit).await.unwrap();
        assert_eq!(update_variant(&pool, b, owner, &edit).await.unwrap_err().field(), Some("sku"));
        let bad = VariantUpdate { compare_at_minor: Some(100), ..edit };
        assert_eq!(update_variant(&pool, a, owner, &bad).await.unwrap_err().field(), Some("compare_at"));
        let p = product(&pool, id, None).await.unwrap().unwrap();
        assert_eq!((p.variants[0].price.minor, p.variants[0].stock_on_hand), (3900, 0));
    }

    fn stored(name: &str) -> StoredPostImage {
        StoredPostImage {
            urls: [150, 600, 1200].map(|w| format!("/media/posts/{name}-{w}.jpg")),
            width: 1200,
            height: 900,
        }
    }

    fn names(images: &[ProductImage]) -> Vec<String> {
        images
            .iter()
            .map(|i| i.url_150.trim_start_matches("/media/posts/").trim_end_matches("-150.jpg").to_string())
            .collect()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn only_the_shop_owner_changes_a_gallery(pool: PgPool) {
        let owner = user(&pool, "owner").await;
        let other = user(&pool, "other").await;
        let (_, id) = jacket(&pool, owner, ProductStatus::Active).await;
        add_images(&pool, id, owner, &[stored("a")]).await.unwrap();
        let image = gallery(&pool, id).await.unwrap()[0].id;

        assert_eq!(gallery_size_for_owner(&pool, id, other).await.unwrap_err(), AppError::Forbidden);
        assert_eq!(add_images(&pool, id, other, &[stored("x")]).await.unwrap_err(), AppError::Forbidden);
        assert_eq!(remove_image(&pool, image, other).await.unwrap_err(), AppError::Forbidden);
        assert_eq!(make_cover(&pool, image, other).await.unwrap_err(), AppError::Forbidden);
        assert_eq!(
            gallery_size_for_owner(&pool, Uuid::new_v4(), owner).await.unwrap_err(),
            AppError::NotFound("Product".into())
        );
        assert_eq!(remove_image(&pool, Uuid::new_v4(), owner).await.unwrap_err(), AppError::NotFound("Image".into()));
        assert_eq!(names(&gallery(&pool, id).await.unwrap()), vec!["a"]);
        assert_eq!(gallery_size_for_owner(&pool, id, owner).await.unwrap(), 1);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_gallery_holds_ten_images_and_its_cover_shows_in_grids_and_pickers(pool: PgPool) {
        let owner = user(&pool, "owner").await;
        let (shop, id) = jacket(&pool, owner, ProductStatus::Active).await;
        let nine: Vec<StoredPostImage> = (0..9).map(|i| stored(&format!("i{i}"))).collect();
        add_images(&pool, id, owner, &nine).await.unwrap();
        let err = add_images(&pool, id, owner, &[stored("x"), stored("y")]).await.unwrap_err();
        assert_eq!(err.field(), Some("images"));
        add_images(&pool, id, owner, &[stored("last")]).await.unwrap();

        let p = product(&pool, id, None).await.unwrap().unwrap();
        assert_eq!(p.images.len(), 10);
        assert_eq!(names(&p.images)[0], "i0");
        assert_eq!(names(&p.images)[9], "last");
        assert_eq!((p.images[0].width, p.images[0].height), (1200, 900));
        let cards = shop_products(&pool, shop.id, false).await.unwrap();
        assert_eq!(cards[0].image_url.as_deref(), Some("/media/posts/i0-600.jpg"));
        let picks = search(&pool, "kitenge", 8).await.unwrap();
        assert_eq!(picks[0].image_url.as_deref(), Some("/media/posts/i0-150.jpg"));
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn removing_and_choosing_a_cover_keep_the_order_without_gaps(pool: PgPool) {
        let owner = user(&pool, "owner").await;
        let (shop, id) = jacket(&pool, owner, ProductStatus::Active).await;
        assert_eq!(shop_products(&pool, shop.id, true).await.unwrap()[0].image_url, None);
        add_images(&pool, id, owner, &[stored("a"), stored("b"), stored("c")]).await.unwrap();
        let ids: Vec<Uuid> = gallery(&pool, id).await.unwrap().iter().map(|i| i.id).collect();

        make_cover(&pool, ids[2], owner).await.unwrap();
        assert_eq!(names(&gallery(&pool, id).await.unwrap()), vec!["c", "a", "b"]);
        let removed = remove_image(&pool, ids[0], owner).await.unwrap();
        assert_eq!(removed.url_1200, "/media/posts/a-1200.jpg");
        assert_eq!(names(&gallery(&pool, id).await.unwrap()), vec!["c", "b"]);
        add_images(&pool, id, owner, &[stored("d")]).await.unwrap();
        assert_eq!(names(&gallery(&pool, id).await.unwrap()), vec!["c", "b", "d"]);
        let positions: Vec<i16> =
            sqlx::query_scalar!("SELECT position FROM product_images WHERE product_id = $1 ORDER BY position", id)
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(positions, vec![0, 1, 2]);
        assert_eq!(
            shop_products(&pool, shop.id, true).await.unwrap()[0].image_url.as_deref(),
            Some("/media/posts/c-600.jpg")
        );
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_price_in_another_currency_is_refused(pool: PgPool) {
        let owner = user(&pool, "owner").await;
        test_shop(&pool, owner, "usd_shop").await;
        let shop = owned_by(&pool, "usd_shop", owner).await.unwrap();
        let new = NewProduct {
            title: "Mug".into(),
            description: String::new(),
            status: ProductStatus::Active,
            price: Money::new(100, Currency::EUR),
            compare_at: None,
            stock: 1,
            options: vec![],
        };
        assert_eq!(create_product(&pool, &shop, &new).await.unwrap_err().field(), Some("price"));
        let count: i64 = sqlx::query_scalar!("SELECT count(*) AS \"n!\" FROM products").fetch_one(&pool).await.unwrap();
        assert_eq!(count, 0);
    }
}

//! The demo shops and what they sell: products with different option sets
//! (size × colour, size only, material, none), sale prices, stock that runs
//! out, and a gallery of studio photos for each. Shops and products are
//! found by handle and title, so an older demo database only gains what is
//! missing.

use std::collections::HashMap;
use std::path::Path;

use anyhow::anyhow;
use sqlx::PgPool;
use uuid::Uuid;

use app::catalog::{db as catalog_db, rules::parse_options, ProductStatus};
use app::money::{Currency, Money};
use app::shops::db as shops_db;

mod shops;

use super::images::{Backdrop, Item, Placed, Rgb, Scene};
use shops::SHOPS;

/// Gallery photos are square.
const SHOT_SIZE: u32 = 900;

struct DemoShop {
    owner: &'static str,
    handle: &'static str,
    name: &'static str,
    description: &'static str,
    currency: Currency,
    /// The studio paper the shop's products are shot on.
    paper: Rgb,
    products: &'static [DemoProduct],
}

struct DemoProduct {
    /// How posts refer to the product.
    key: &'static str,
    title: &'static str,
    description: &'static str,
    price: &'static str,
    /// "" when not on sale.
    compare_at: &'static str,
    options: &'static [(&'static str, &'static str)],
    stock: i32,
    /// Variants, by title, whose stock differs.
    stock_of: &'static [(&'static str, i32)],
    /// Variants, by title, that cost more.
    price_of: &'static [(&'static str, &'static str)],
    gallery: &'static [Shot],
}

/// One gallery photo and its alt text.
enum Shot {
    /// The item alone on the shop's paper.
    Studio(Item, &'static str),
    /// A small arrangement.
    Scene(Backdrop, &'static [Placed], &'static str),
}

/// What `ensure` found or made.
pub struct Catalog {
    /// Every demo product's id, by key.
    pub products: HashMap<&'static str, Uuid>,
    pub products_added: usize,
    pub images_added: usize,
}

/// Creates the demo shops and products that are missing and gives every
/// demo product without images its gallery.
pub async fn ensure(
    pool: &PgPool,
    media_dir: &Path,
    people: &HashMap<&'static str, Uuid>,
    scale: f32,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<Catalog> {
    let mut products = HashMap::new();
    let mut products_added = 0;
    let mut needs_gallery = Vec::new();
    for demo in SHOPS {
        let owner = people[demo.owner];
        if shops_db::by_handle(pool, demo.handle, None).await.map_err(|e| anyhow!("{e}"))?.is_none() {
            let new = shops_db::NewShop {
                handle: demo.handle,
                name: demo.name,
                description: demo.description,
                currency: demo.currency,
            };
            shops_db::create(pool, owner, &new).await.map_err(|e| anyhow!("{e}"))?;
        }
        let shop = shops_db::owned_by(pool, demo.handle, owner).await.map_err(|e| anyhow!("{e}"))?;
        welcome_promotion(pool, &shop, owner, now).await?;
        for p in demo.products {
            let existing = sqlx::query_scalar!(
                "SELECT id FROM products WHERE shop_id = $1 AND title = $2 ORDER BY created_at LIMIT 1",
                shop.id,
                p.title
            )
            .fetch_optional(pool)
            .await?;
            let id = match existing {
                Some(id) => id,
                None => {
                    products_added += 1;
                    create(pool, &shop, demo.currency, p).await?
                }
            };
            products.insert(p.key, id);
            let images: i64 =
                sqlx::query_scalar!("SELECT count(*) AS \"n!\" FROM product_images WHERE product_id = $1", id)
                    .fetch_one(pool)
                    .await?;
            if images == 0 {
                needs_gallery.push((id, demo.paper, p));
            }
        }
    }

    let mut scenes = Vec::new();
    for (_, paper, p) in &needs_gallery {
        for shot in p.gallery {
            scenes.push(match shot {
                Shot::Studio(item, _) => Scene::studio(*item, *paper, SHOT_SIZE),
                Shot::Scene(backdrop, items, _) => {
                    Scene { w: SHOT_SIZE, h: SHOT_SIZE, backdrop: *backdrop, items: items.to_vec() }
                }
            });
        }
    }
    let scenes = scenes.into_iter().map(|s| s.scaled(scale)).collect();
    let mut photos = super::photograph(media_dir, scenes).await?.into_iter();
    let mut images_added = 0;
    for (product, _, p) in &needs_gallery {
        for (position, shot) in p.gallery.iter().enumerate() {
            let alt = match shot {
                Shot::Studio(_, alt) | Shot::Scene(_, _, alt) => *alt,
            };
            let photo = photos.next().ok_or_else(|| anyhow!("a gallery photo is missing"))?;
            sqlx::query!(
                "INSERT INTO product_images (id, product_id, position, url_150, url_600, url_1200, width, height, alt)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                Uuid::new_v4(),
                product,
                position as i16,
                photo.stored.urls[0],
                photo.stored.urls[1],
                photo.stored.urls[2],
                photo.stored.width as i32,
                photo.stored.height as i32,
                alt,
            )
            .execute(pool)
            .await?;
            images_added += 1;
        }
    }
    Ok(Catalog { products, products_added, images_added })
}

async fn create(pool: &PgPool, shop: &app::shops::Shop, currency: Currency, p: &DemoProduct) -> anyhow::Result<Uuid> {
    let money = |field: &str, raw: &str| Money::parse(field, raw, currency).map_err(|e| anyhow!("{e}"));
    let new = catalog_db::NewProduct {
        title: p.title.to_string(),
        description: p.description.to_string(),
        status: ProductStatus::Active,
        price: money("price", p.price)?,
        compare_at: if p.compare_at.is_empty() { None } else { Some(money("compare_at", p.compare_at)?) },
        stock: p.stock,
        options: parse_options(p.options).map_err(|e| anyhow!("{e}"))?,
    };
    let id = catalog_db::create_product(pool, shop, &new).await.map_err(|e| anyhow!("{e}"))?;
    for (variant, stock) in p.stock_of {
        let mut tx = pool.begin().await?;
        let variant_id =
            sqlx::query_scalar!("SELECT id FROM product_variants WHERE product_id = $1 AND title = $2", id, variant)
                .fetch_one(&mut *tx)
                .await?;
        app::inventory::db::set_on_hand(&mut tx, variant_id, *stock, None, "demo stock count")
            .await
            .map_err(|e| anyhow!("{e}"))?;
        tx.commit().await?;
    }
    for (variant, price) in p.price_of {
        sqlx::query!(
            "UPDATE product_variants SET price_minor = $3, compare_at_minor = NULL WHERE product_id = $1 AND title = $2",
            id,
            variant,
            money("price", price)?.minor
        )
        .execute(pool)
        .await?;
    }
    Ok(id)
}

/// Every demo shop offers WELCOME10: 10% off a first order (once per customer).
async fn welcome_promotion(
    pool: &PgPool,
    shop: &app::shops::Shop,
    owner: Uuid,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let exists = sqlx::query_scalar!(
        r#"SELECT EXISTS (SELECT 1 FROM promotions WHERE shop_id = $1 AND code = 'WELCOME10') AS "x!""#,
        shop.id
    )
    .fetch_one(pool)
    .await?;
    if exists {
        return Ok(());
    }
    let form = app::promotions::PromotionForm {
        shop: shop.handle.clone(),
        title: "Welcome: 10% off".into(),
        code: "WELCOME10".into(),
        kind: "percent_order".into(),
        value: "10".into(),
        per_customer_limit: "1".into(),
        ..Default::default()
    };
    let rule = form.to_rule(shop.currency, now).map_err(|e| anyhow!("{e}"))?;
    app::promotions::db::save(pool, shop.id, owner, None, &rule).await.map_err(|e| anyhow!("{e}"))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_product_is_sound() {
        let mut keys = Vec::new();
        for shop in SHOPS {
            assert!((4..=6).contains(&shop.products.len()), "{} sells 4–6 products", shop.handle);
            for p in shop.products {
                let options = parse_options(p.options).unwrap();
                let titles: Vec<String> = app::catalog::rules::combinations(&options)
                    .iter()
                    .map(|combo| {
                        let values: Vec<&str> =
                            combo.iter().enumerate().map(|(o, &v)| options[o].values[v].as_str()).collect();
                        app::catalog::rules::variant_title(&values)
                    })
                    .collect();
                for variant in p.stock_of.iter().map(|(v, _)| *v).chain(p.price_of.iter().map(|(v, _)| *v)) {
                    assert!(titles.iter().any(|t| t == variant), "{} has no variant {variant}", p.title);
                }
                assert!((1..=3).contains(&p.gallery.len()), "{} has 1–3 photos", p.title);
                assert!(Money::parse("price", p.price, shop.currency).is_ok());
                assert!(!keys.contains(&p.key), "{} is used twice", p.key);
                keys.push(p.key);
            }
        }
    }
}

//! The one gate a context token passes before it counts for anything: it
//! must be genuine (signed by one of our keys, see `super::keys`) and its
//! post must show the product it is attached to. Every place a token turns
//! into a touch asks here: a product opened (`track::verify`), a product
//! added to the cart (the same), and an order line's own token when the
//! journey is fixed (`crediting::db`).
//!
//! What a post shows, read from its image tags and link cards as they are
//! when the token is used:
//! - a product tag, or a product card, counts for that product (all of its
//!   variants: tags and cards name products, not variants);
//! - a shop tag, or a shop card, counts for every product of that shop;
//! - a group card counts for its group's product;
//! - nothing else does (person tags, event cards, a post that tags shop A
//!   attached to shop B's product).
//!
//! A token that fails either check is ignored exactly like a forged one: no
//! touch is recorded for the post (a product view is recorded as a direct
//! visit, an add to cart without a post) and no credit follows from it.

use chrono::{DateTime, Utc};
use sqlx::PgConnection;
use uuid::Uuid;

use super::keys::ContextKeys;
use super::token::Context;
use crate::error::AppResult;

/// The context `token` names when it is genuine at `now` and its post shows
/// `product`; `None` otherwise (see the module's rule).
pub async fn accept(
    db: &mut PgConnection,
    keys: &ContextKeys,
    token: &str,
    product: Uuid,
    now: DateTime<Utc>,
) -> AppResult<Option<Context>> {
    let Some(ctx) = keys.verify(token.trim(), now).await else { return Ok(None) };
    Ok(super::db::post_shows_product(db, ctx.post_id, product).await?.then_some(ctx))
}

#[cfg(test)]
mod tests {
    use sqlx::PgPool;

    use super::*;
    use crate::attribution::tracking::keys::configured_key;
    use crate::attribution::tracking::Surface;
    use crate::posts::Visibility;
    use crate::test_support::{link_card as link, post, stocked_variant, tag_photo as tag, user};

    async fn product_of(pool: &PgPool, variant: Uuid) -> (Uuid, Uuid) {
        let r = sqlx::query!("SELECT product_id, shop_id FROM product_variants WHERE id = $1", variant)
            .fetch_one(pool)
            .await
            .unwrap();
        (r.product_id, r.shop_id)
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_token_counts_only_for_the_products_and_shops_its_post_shows(pool: PgPool) {
        let keys = ContextKeys::fixed(configured_key("binding tests, not for production"));
        let (maker, creator) = (user(&pool, "maker").await, user(&pool, "creator").await);
        let (p, _) = product_of(&pool, stocked_variant(&pool, maker, "shop_p", 5).await).await;
        let (q, shop_q) = product_of(&pool, stocked_variant(&pool, maker, "shop_q", 5).await).await;
        let now = crate::clock::Clock::system().now();
        let token = |post_id: Uuid, surface: Surface| {
            keys.sign(&Context { post_id, creators: vec![creator], surface, rendered_at: now })
        };
        let new_post = || post(&pool, creator, "look", Visibility::Public);
        let mut db = pool.acquire().await.unwrap();
        let mut counts =
            async |token: String, product: Uuid| accept(&mut db, &keys, &token, product, now).await.unwrap().is_some();

        let product_tag = new_post().await;
        tag(&pool, product_tag, "product", p).await;
        let product_card = new_post().await;
        link(&pool, product_card, "product", p).await;
        for (post, surface) in [(product_tag, Surface::ImageTag), (product_card, Surface::ProductCard)] {
            assert!(counts(token(post, surface), p).await, "{surface:?} counts for its product");
            assert!(!counts(token(post, surface), q).await, "{surface:?} not for another shop's product");
        }

        let shop_tag = new_post().await;
        tag(&pool, shop_tag, "shop", shop_q).await;
        let shop_card = new_post().await;
        link(&pool, shop_card, "shop", shop_q).await;
        for (post, surface) in [(shop_tag, Surface::ShopTag), (shop_card, Surface::ShopTag)] {
            assert!(counts(token(post, surface), q).await, "a shop tag or card counts for the shop's products");
            assert!(!counts(token(post, surface), p).await, "not for another shop's");
        }

        let person_tag = new_post().await;
        tag(&pool, person_tag, "user", maker).await;
        assert!(!counts(token(person_tag, Surface::ImageTag), p).await, "a person tag shows no product");
        assert!(!counts(token(Uuid::new_v4(), Surface::ImageTag), p).await, "nor does a post that does not exist");

        let mut forged = token(product_card, Surface::ProductCard);
        forged.replace_range(3..4, if &forged[3..4] == "A" { "B" } else { "A" });
        assert!(!counts(forged, p).await, "an edited token counts for nothing");
    }
}

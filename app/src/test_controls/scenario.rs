//! The test data API: one call seeds a scenario for an end-to-end test (a
//! signed-in user, optionally their shop with a product in stock, optionally
//! a published post whose image tags that product) through the domains' own
//! functions. Refused (403) unless the deployment runs with
//! `STOREFEED_TEST_CONTROLS`; Playwright's fixtures (`end2end/tests/fixtures/test.ts`) call it.

use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;
use uuid::Uuid;

use crate::error::{AppError, AppResult};
use crate::state::AppConfig;

/// Every seeded user's password (the same as the Playwright fixtures').
pub const TEST_PASSWORD: &str = "correct-horse-battery";

/// What to seed. Everything but the user is optional.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ScenarioSpec {
    /// Start of the username (letters, digits, `_`); a unique suffix follows.
    pub prefix: String,
    /// A shop owned by the user, with this product.
    pub product: Option<ProductSpec>,
    /// A published post with this text and one image tagging the product.
    pub post: Option<String>,
    /// Make the user an admin (who alone may move the test clock).
    pub admin: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ProductSpec {
    pub title: String,
    /// As a merchant types it ("40", "12.50").
    pub price: String,
    /// Units on hand of every variant.
    pub stock: i32,
    /// One option and its values, e.g. `["Size", "S, M"]`: a variant each.
    pub option: Option<(String, String)>,
    /// The shop's currency code.
    pub currency: String,
}

impl Default for ProductSpec {
    fn default() -> Self {
        ProductSpec {
            title: "Test product".into(),
            price: "20".into(),
            stock: 10,
            option: None,
            currency: "USD".into(),
        }
    }
}

/// What was seeded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scenario {
    pub user: SeededUser,
    /// The session cookie's value (`sf_session`); the response sets it too.
    pub session: String,
    pub shop: Option<SeededShop>,
    pub post: Option<SeededPost>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeededUser {
    pub id: Uuid,
    pub username: String,
    pub email: String,
    pub password: String,
    pub display_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeededShop {
    pub handle: String,
    pub product_id: Uuid,
    pub product_title: String,
    /// In the product's order (one per option value).
    pub variant_ids: Vec<Uuid>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeededPost {
    pub id: Uuid,
    /// The post's image, which carries the product tag at its centre.
    pub media_id: Uuid,
}

/// Seeds `spec` and signs the caller in as its user (test deployments only).
#[server(prefix = "/api", endpoint = "test/scenario", input = Json)]
pub async fn seed_scenario(spec: ScenarioSpec) -> Result<Scenario, AppError> {
    use crate::accounts::session;

    let state = crate::state::app_state()?;
    let scenario = seed(&state.pool, &state.config, &spec).await?;
    session::send_cookie(&session::cookie_header(
        &scenario.session,
        state.config.session_ttl,
        state.config.secure_cookies,
    ));
    Ok(scenario)
}

/// Seeds `spec`; refused unless `config.test_controls`.
pub async fn seed(pool: &PgPool, config: &AppConfig, spec: &ScenarioSpec) -> AppResult<Scenario> {
    if !config.test_controls {
        tracing::warn!("refused to seed test data: STOREFEED_TEST_CONTROLS is off");
        return Err(AppError::Forbidden);
    }
    if spec.post.is_some() && spec.product.is_none() {
        return Err(AppError::validation("post", "A tagged post needs a product to tag."));
    }
    let user = seed_user(pool, &spec.prefix).await?;
    if spec.admin {
        crate::accounts::db::promote_admin(pool, &user.username).await?;
    }
    let session =
        crate::accounts::session::create(pool, user.id, config.session_ttl, "127.0.0.1", Some("test data")).await?;
    let shop = match &spec.product {
        Some(product) => Some(seed_shop(pool, user.id, product).await?),
        None => None,
    };
    let post = match (&spec.post, &shop) {
        (Some(body), Some(shop)) => Some(seed_post(pool, config, user.id, body, shop.product_id).await?),
        _ => None,
    };
    Ok(Scenario { user, session, shop, post })
}

/// A name no other test uses: the prefix's allowed characters and 10 random hex digits.
fn unique_name(prefix: &str, fallback: &str) -> String {
    let clean: String =
        prefix.to_lowercase().chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').take(15).collect();
    let clean = if clean.is_empty() { fallback.to_string() } else { clean };
    format!("{clean}_{}", &Uuid::new_v4().simple().to_string()[..10])
}

async fn seed_user(pool: &PgPool, prefix: &str) -> AppResult<SeededUser> {
    use crate::accounts::validate::{Email, Username};
    use crate::accounts::{db, password};

    let username = Username::parse(&unique_name(prefix, "u"))?;
    let email = Email::parse(&format!("{}@example.test", username.as_str()))?;
    let display_name = format!("Test {}", username.as_str());
    let hash = password::hash(TEST_PASSWORD.to_string()).await?;
    let new = db::NewUser { username: &username, email: &email, password_hash: &hash, display_name: &display_name };
    let id = db::insert_user(pool, new).await?;
    Ok(SeededUser {
        id,
        username: username.as_str().to_string(),
        email: email.as_str().to_string(),
        password: TEST_PASSWORD.to_string(),
        display_name,
    })
}

async fn seed_shop(pool: &PgPool, owner: Uuid, spec: &ProductSpec) -> AppResult<SeededShop> {
    use crate::catalog::{db as catalog, rules, ProductStatus};
    use crate::money::{Currency, Money};
    use crate::shops::db as shops;

    let handle = unique_name("shop", "shop");
    let currency = Currency::parse(&spec.currency)?;
    let name = format!("Shop {handle}");
    shops::create(pool, owner, &shops::NewShop { handle: &handle, name: &name, description: "", currency }).await?;
    let shop = shops::owned_by(pool, &handle, owner).await?;
    let (option_name, option_values) = spec.option.clone().unwrap_or_default();
    let empty = ("", "");
    let new = catalog::NewProduct {
        title: spec.title.clone(),
        description: String::new(),
        status: ProductStatus::Active,
        price: Money::parse("price", &spec.price, currency)?,
        compare_at: None,
        stock: spec.stock,
        options: rules::parse_options(&[(&option_name, &option_values), empty, empty])?,
    };
    let product_id = catalog::create_product(pool, &shop, &new).await?;
    let product =
        catalog::product(pool, product_id, Some(owner)).await?.ok_or_else(|| AppError::NotFound("Product".into()))?;
    Ok(SeededShop {
        handle,
        product_id,
        product_title: product.title,
        variant_ids: product.variants.iter().map(|v| v.id).collect(),
    })
}

async fn seed_post(
    pool: &PgPool,
    config: &AppConfig,
    author: Uuid,
    body: &str,
    product: Uuid,
) -> AppResult<SeededPost> {
    use crate::posts::{db as posts, tags, Visibility};

    let image = crate::media::store_post_image(&config.media_dir, gradient_png(800, 1000)?).await?;
    let id = posts::publish(pool, author, body, Visibility::Public, &[image]).await?;
    let post = posts::post(pool, id, Some(author)).await?.ok_or_else(|| AppError::NotFound("Post".into()))?;
    let media_id = post.media.first().map(|m| m.id).ok_or(AppError::Internal)?;
    tags::add(pool, author, media_id, 50.0, 50.0, &tags::TagTarget::Product(product)).await?;
    Ok(SeededPost { id, media_id })
}

/// A plain picture to post: a diagonal gradient.
fn gradient_png(width: u32, height: u32) -> AppResult<Vec<u8>> {
    let img = image::RgbImage::from_fn(width, height, |x, y| {
        image::Rgb([(x * 255 / width) as u8, (y * 255 / height) as u8, 160])
    });
    let mut out = std::io::Cursor::new(Vec::new());
    img.write_to(&mut out, image::ImageFormat::Png).map_err(|e| {
        tracing::error!(error = %e, "png encode failed");
        AppError::Internal
    })?;
    Ok(out.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(test_controls: bool) -> AppConfig {
        AppConfig { test_controls, ..AppConfig::for_tests(std::env::temp_dir().join("storefeed-test-data")) }
    }

    fn full_spec() -> ScenarioSpec {
        ScenarioSpec {
            prefix: "Buyer-One".into(),
            product: Some(ProductSpec {
                title: "Linen shirt".into(),
                option: Some(("Size".into(), "S, M".into())),
                ..ProductSpec::default()
            }),
            post: Some("New linen".into()),
            admin: false,
        }
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_admin_is_seeded_only_when_asked_for(pool: PgPool) {
        use crate::accounts::Role;
        let admin = ScenarioSpec { prefix: "clock".into(), admin: true, ..ScenarioSpec::default() };
        let seeded = seed(&pool, &config(true), &admin).await.unwrap();
        let session = crate::accounts::session::lookup(&pool, &seeded.session).await.unwrap().unwrap();
        assert_eq!(session.role, Role::Admin);
        let plain = seed(&pool, &config(true), &ScenarioSpec::default()).await.unwrap();
        let session = crate::accounts::session::lookup(&pool, &plain.session).await.unwrap().unwrap();
        assert_eq!(session.role, Role::User);
        assert_eq!(seed(&pool, &config(false), &admin).await.unwrap_err(), AppError::Forbidden);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn seeding_is_refused_unless_test_controls_are_on(pool: PgPool) {
        assert_eq!(seed(&pool, &config(false), &full_spec()).await.unwrap_err(), AppError::Forbidden);
        let users: i64 = sqlx::query_scalar("SELECT count(*) FROM users").fetch_one(&pool).await.unwrap();
        assert_eq!(users, 0, "nothing was written");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn one_call_seeds_a_signed_in_user_with_a_shop_and_a_tagged_post(pool: PgPool) {
        let scenario = seed(&pool, &config(true), &full_spec()).await.unwrap();
        assert!(scenario.user.username.starts_with("buyerone_"));
        let session = crate::accounts::session::lookup(&pool, &scenario.session).await.unwrap().unwrap();
        assert_eq!(session.id, scenario.user.id);

        let shop = scenario.shop.unwrap();
        assert_eq!(shop.variant_ids.len(), 2, "one variant per size");
        let product = crate::catalog::db::product(&pool, shop.product_id, None).await.unwrap().unwrap();
        assert_eq!(product.title, "Linen shirt");
        assert!(product.variants.iter().all(|v| v.stock_on_hand == 10));

        let post = scenario.post.unwrap();
        let view = crate::posts::db::post(&pool, post.id, None).await.unwrap().expect("public");
        assert_eq!(view.media[0].id, post.media_id);
        assert_eq!(view.media[0].tags.len(), 1);
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_post_needs_a_product_to_tag(pool: PgPool) {
        let spec = ScenarioSpec { post: Some("hello".into()), ..ScenarioSpec::default() };
        assert_eq!(seed(&pool, &config(true), &spec).await.unwrap_err().field(), Some("post"));
    }
}

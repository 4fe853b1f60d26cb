//! Demo data for a newcomer's first run: creators, shop owners and shoppers
//! with generated profile pictures and covers, following each other. Loaded
//! only into a database with no users. Every demo account's password is
//! `DEMO_PASSWORD`.

use std::io::Cursor;
use std::path::Path;

use anyhow::{anyhow, Context};
use image::{ImageBuffer, Rgb, RgbImage};
use sqlx::PgPool;

use app::accounts::validate::{Email, Username};
use app::accounts::{db as accounts_db, password};
use app::media::write_file;
use app::money::{Currency, Money};

pub const DEMO_PASSWORD: &str = "storefeed-demo";

struct DemoUser {
    username: &'static str,
    display_name: &'static str,
    bio: &'static str,
    location: &'static str,
    website: &'static str,
    colours: ([u8; 3], [u8; 3]),
    admin: bool,
}

const USERS: &[DemoUser] = &[
    DemoUser {
        username: "maya",
        display_name: "Maya Lin",
        bio: "Slow fashion, thrifted finds and the odd sewing tutorial. Everything I tag, I own.",
        location: "Nairobi ↔ Berlin",
        website: "https://maya.example",
        colours: ([236, 72, 153], [251, 191, 36]),
        admin: false,
    },
    DemoUser {
        username: "kofi",
        display_name: "Kofi Mensah",
        bio: "Sneakers, streetwear and the stories behind them.",
        location: "Accra",
        website: "",
        colours: ([14, 165, 233], [16, 185, 129]),
        admin: false,
    },
    DemoUser {
        username: "lena",
        display_name: "Lena Fischer",
        bio: "Ceramics, plants and small homes done well.",
        location: "Hamburg",
        website: "https://lena.example",
        colours: ([132, 204, 22], [245, 158, 11]),
        admin: false,
    },
    DemoUser {
        username: "amara",
        display_name: "Amara Okafor",
        bio: "Skincare for melanin-rich skin. Honest reviews only.",
        location: "Lagos",
        website: "",
        colours: ([168, 85, 247], [244, 63, 94]),
        admin: false,
    },
    DemoUser {
        username: "jun",
        display_name: "Jun Park",
        bio: "Desk setups, keyboards, and gear that earns its place.",
        location: "Seoul",
        website: "",
        colours: ([71, 85, 105], [56, 189, 248]),
        admin: false,
    },
    DemoUser {
        username: "nairobi_threads",
        display_name: "Nairobi Threads",
        bio: "Handmade kitenge jackets and bags, stitched in Nairobi.",
        location: "Nairobi, Kenya",
        website: "https://nairobithreads.example",
        colours: ([234, 88, 12], [250, 204, 21]),
        admin: false,
    },
    DemoUser {
        username: "lagos_leather",
        display_name: "Lagos Leather Co.",
        bio: "Full-grain leather goods. Made to last, made in Lagos.",
        location: "Lagos, Nigeria",
        website: "",
        colours: ([120, 53, 15], [217, 119, 6]),
        admin: false,
    },
    DemoUser {
        username: "studio_ton",
        display_name: "Studio Ton",
        bio: "Stoneware for every day. Small batches from our Berlin studio.",
        location: "Berlin, Germany",
        website: "",
        colours: ([120, 113, 108], [214, 211, 209]),
        admin: false,
    },
    DemoUser {
        username: "sam",
        display_name: "Sam Rivera",
        bio: "Here for the deals.",
        location: "Austin, TX",
        website: "",
        colours: ([99, 102, 241], [45, 212, 191]),
        admin: false,
    },
    DemoUser {
        username: "admin",
        display_name: "Storefeed Admin",
        bio: "Keeping the lights on.",
        location: "",
        website: "",
        colours: ([28, 25, 23], [120, 113, 108]),
        admin: true,
    },
];

/// (follower, followee)
const FOLLOWS: &[(&str, &str)] = &[
    ("sam", "maya"),
    ("sam", "kofi"),
    ("sam", "amara"),
    ("sam", "nairobi_threads"),
    ("maya", "nairobi_threads"),
    ("maya", "lena"),
    ("maya", "amara"),
    ("maya", "lagos_leather"),
    ("kofi", "maya"),
    ("kofi", "jun"),
    ("kofi", "lagos_leather"),
    ("lena", "studio_ton"),
    ("lena", "maya"),
    ("amara", "maya"),
    ("amara", "kofi"),
    ("jun", "kofi"),
    ("jun", "lena"),
    ("nairobi_threads", "maya"),
    ("lagos_leather", "kofi"),
    ("studio_ton", "lena"),
];

pub async fn seed_if_empty(pool: &PgPool, media_dir: &Path) -> anyhow::Result<()> {
    let users: i64 = sqlx::query_scalar!("SELECT count(*) AS \"n!\" FROM users").fetch_one(pool).await?;
    if users > 0 {
        tracing::info!(users, "database has users: demo data not loaded");
        return Ok(());
    }
    let hash = password::hash(DEMO_PASSWORD.to_string()).await.map_err(|e| anyhow!("{e}"))?;
    let mut ids = std::collections::HashMap::new();
    for u in USERS {
        let avatar = store_image(media_dir, "avatars", u.username, portrait(u.colours)).await?;
        let cover = store_image(media_dir, "covers", u.username, banner(u.colours)).await?;
        let username = Username::parse(u.username).map_err(|e| anyhow!("{e}"))?;
        let email = Email::parse(&format!("{}@demo.storefeed.test", u.username)).map_err(|e| anyhow!("{e}"))?;
        let id = accounts_db::insert_user(
            pool,
            accounts_db::NewUser {
                username: &username,
                email: &email,
                password_hash: &hash,
                display_name: u.display_name,
            },
        )
        .await
        .map_err(|e| anyhow!("{e}"))?;
        sqlx::query!(
            "UPDATE users SET bio = $2, location = $3, website = $4, avatar_url = $5, cover_url = $6,
                    role = CASE WHEN $7 THEN 'admin' ELSE 'user' END, is_verified = $8
             WHERE id = $1",
            id,
            u.bio,
            u.location,
            u.website,
            avatar,
            cover,
            u.admin,
            matches!(u.username, "maya" | "kofi" | "nairobi_threads"),
        )
        .execute(pool)
        .await?;
        ids.insert(u.username, id);
    }
    for (follower, followee) in FOLLOWS {
        let me = ids[follower];
        app::social::db::set_follow(pool, me, followee, true).await.map_err(|e| anyhow!("{e}"))?;
    }
    for shop in SHOPS {
        seed_shop(pool, ids[shop.owner], shop).await?;
    }
    let logins: Vec<&str> = USERS.iter().map(|u| u.username).collect();
    tracing::info!(users = USERS.len(), follows = FOLLOWS.len(), password = DEMO_PASSWORD, logins = %logins.join(", "), "demo data loaded");
    Ok(())
}

/// (title, description, price, compare-at price or "", options as (name, "v1, v2"))
type DemoProduct = (&'static str, &'static str, &'static str, &'static str, &'static [(&'static str, &'static str)]);

struct DemoShop {
    owner: &'static str,
    handle: &'static str,
    name: &'static str,
    description: &'static str,
    currency: Currency,
    products: &'static [DemoProduct],
}

const SHOPS: &[DemoShop] = &[
    DemoShop {
        owner: "nairobi_threads",
        handle: "nairobi_threads",
        name: "Nairobi Threads",
        description: "Handmade kitenge jackets and bags, stitched in Nairobi.",
        currency: Currency::KES,
        products: &[
            (
                "Kitenge bomber jacket",
                "Reversible, fully lined, with inside pockets.",
                "6500",
                "8000",
                &[("Size", "S, M, L, XL"), ("Print", "Sunset, Indigo")],
            ),
            ("Kiondo tote bag", "Woven sisal with leather straps.", "3200", "", &[("Colour", "Natural, Ochre")]),
        ],
    },
    DemoShop {
        owner: "lagos_leather",
        handle: "lagos_leather",
        name: "Lagos Leather Co.",
        description: "Full-grain leather goods. Made to last, made in Lagos.",
        currency: Currency::NGN,
        products: &[
            ("Everyday card wallet", "Six cards, one fold, no bulk.", "18000", "", &[("Colour", "Tan, Black")]),
            ("Weekender duffel", "Fits cabin limits. Brass hardware.", "95000", "120000", &[]),
        ],
    },
    DemoShop {
        owner: "studio_ton",
        handle: "studio_ton",
        name: "Studio Ton",
        description: "Stoneware for every day. Small batches from our Berlin studio.",
        currency: Currency::EUR,
        products: &[
            ("Speckled mug", "350 ml, dishwasher safe.", "24", "", &[("Glaze", "Oat, Sage, Charcoal")]),
            ("Serving bowl", "Hand-thrown, 24 cm.", "58", "", &[]),
        ],
    },
];

async fn seed_shop(pool: &PgPool, owner: uuid::Uuid, demo: &DemoShop) -> anyhow::Result<()> {
    use app::catalog::{db as catalog_db, rules::parse_options, ProductStatus};
    use app::shops::db as shops_db;

    let new_shop = shops_db::NewShop {
        handle: demo.handle,
        name: demo.name,
        description: demo.description,
        currency: demo.currency,
    };
    shops_db::create(pool, owner, &new_shop).await.map_err(|e| anyhow!("{e}"))?;
    let shop = shops_db::owned_by(pool, demo.handle, owner).await.map_err(|e| anyhow!("{e}"))?;
    for (title, description, price, compare_at, options) in demo.products {
        let new = catalog_db::NewProduct {
            title: title.to_string(),
            description: description.to_string(),
            status: ProductStatus::Active,
            price: Money::parse("price", price, demo.currency).map_err(|e| anyhow!("{e}"))?,
            compare_at: if compare_at.is_empty() {
                None
            } else {
                Some(Money::parse("compare_at", compare_at, demo.currency).map_err(|e| anyhow!("{e}"))?)
            },
            stock: 12,
            options: parse_options(options).map_err(|e| anyhow!("{e}"))?,
        };
        catalog_db::create_product(pool, &shop, &new).await.map_err(|e| anyhow!("{e}"))?;
    }
    Ok(())
}

async fn store_image(media_dir: &Path, folder: &str, name: &str, img: RgbImage) -> anyhow::Result<String> {
    let mut buf = Cursor::new(Vec::new());
    img.write_to(&mut buf, image::ImageFormat::Jpeg).context("encoding a demo image")?;
    let file = format!("demo-{name}.jpg");
    write_file(&media_dir.join(folder), &file, buf.get_ref()).await.map_err(|e| anyhow!("{e}"))?;
    Ok(format!("/media/{folder}/{file}"))
}

fn mix(a: [u8; 3], b: [u8; 3], t: f32) -> Rgb<u8> {
    let m = |x: u8, y: u8| (x as f32 + (y as f32 - x as f32) * t).round().clamp(0.0, 255.0) as u8;
    Rgb([m(a[0], b[0]), m(a[1], b[1]), m(a[2], b[2])])
}

/// A diagonal gradient with a soft "head and shoulders" silhouette.
fn portrait((a, b): ([u8; 3], [u8; 3])) -> RgbImage {
    let size = 400u32;
    ImageBuffer::from_fn(size, size, |x, y| {
        let (fx, fy) = (x as f32 / size as f32, y as f32 / size as f32);
        let base = mix(a, b, (fx + fy) / 2.0);
        let head = ((fx - 0.5).powi(2) + (fy - 0.4).powi(2)).sqrt() < 0.17;
        let shoulders = fy > 0.68 && ((fx - 0.5).powi(2) / 0.12 + (fy - 1.0).powi(2) / 0.12) < 1.0;
        if head || shoulders {
            mix(base.0, [255, 255, 255], 0.55)
        } else {
            base
        }
    })
}

/// A wide gradient with gentle diagonal stripes.
fn banner((a, b): ([u8; 3], [u8; 3])) -> RgbImage {
    let (w, h) = (1500u32, 500u32);
    ImageBuffer::from_fn(w, h, |x, y| {
        let t = x as f32 / w as f32;
        let base = mix(a, b, t);
        if ((x + y) / 60) % 2 == 0 {
            mix(base.0, [255, 255, 255], 0.08)
        } else {
            base
        }
    })
}

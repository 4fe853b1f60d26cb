//! The demo's people: creators, shop owners, a shopper and an admin, with
//! generated profile pictures and covers, following each other. Accounts
//! are created when missing, so an older demo database gains the new ones.

use std::collections::HashMap;
use std::io::Cursor;
use std::path::Path;

use anyhow::{anyhow, Context};
use image::{ImageBuffer, Rgb, RgbImage};
use sqlx::PgPool;
use uuid::Uuid;

use app::accounts::validate::{Email, Username};
use app::accounts::{db as accounts_db, password};
use app::media::write_file;

pub const DEMO_PASSWORD: &str = "storefeed-demo";
/// Every demo account's e-mail ends with this, which is how the seed tells
/// a demo database from one with real accounts.
pub const EMAIL_DOMAIN: &str = "@demo.storefeed.test";

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
        username: "shea_and_stone",
        display_name: "Shea & Stone",
        bio: "Small-batch shea butter and botanical oils, poured by hand in Accra.",
        location: "Accra, Ghana",
        website: "https://sheaandstone.example",
        colours: ([180, 83, 9], [253, 230, 138]),
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
    ("amara", "shea_and_stone"),
    ("maya", "shea_and_stone"),
    ("shea_and_stone", "amara"),
    ("lena", "jun"),
    ("kofi", "nairobi_threads"),
];

/// Creates the demo accounts that do not exist yet and their follows;
/// returns every demo account's id by username.
pub async fn ensure(
    pool: &PgPool,
    media_dir: &Path,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<HashMap<&'static str, Uuid>> {
    let mut hash = None;
    let mut ids = HashMap::new();
    let mut created = Vec::new();
    for (i, u) in USERS.iter().enumerate() {
        let existing =
            sqlx::query_scalar!("SELECT id FROM users WHERE username = $1", u.username).fetch_optional(pool).await?;
        if let Some(id) = existing {
            ids.insert(u.username, id);
            continue;
        }
        created.push(u.username);
        let hash = match &hash {
            Some(h) => h,
            None => hash.insert(password::hash(DEMO_PASSWORD.to_string()).await.map_err(|e| anyhow!("{e}"))?),
        };
        let avatar = store_image(media_dir, "avatars", u.username, portrait(u.colours)).await?;
        let cover = store_image(media_dir, "covers", u.username, banner(u.colours)).await?;
        let username = Username::parse(u.username).map_err(|e| anyhow!("{e}"))?;
        let email = Email::parse(&format!("{}{EMAIL_DOMAIN}", u.username)).map_err(|e| anyhow!("{e}"))?;
        let id = accounts_db::insert_user(
            pool,
            accounts_db::NewUser {
                username: &username,
                email: &email,
                password_hash: hash,
                display_name: u.display_name,
            },
        )
        .await
        .map_err(|e| anyhow!("{e}"))?;
        // Joined a few months ago, so their posts are not older than they are.
        let joined = now - chrono::Duration::days(120 - 3 * i as i64);
        sqlx::query!(
            "UPDATE users SET bio = $2, location = $3, website = $4, avatar_url = $5, cover_url = $6,
                    role = CASE WHEN $7 THEN 'admin' ELSE 'user' END, is_verified = $8, created_at = $9
             WHERE id = $1",
            id,
            u.bio,
            u.location,
            u.website,
            avatar,
            cover,
            u.admin,
            matches!(u.username, "maya" | "kofi" | "nairobi_threads"),
            joined,
        )
        .execute(pool)
        .await?;
        ids.insert(u.username, id);
    }
    // Only around new accounts: an unfollow in an older demo stays.
    for (follower, followee) in FOLLOWS.iter().filter(|(a, b)| created.contains(a) || created.contains(b)) {
        app::social::db::set_follow(pool, &app::limits::Quota::exempt(), ids[follower], followee, true)
            .await
            .map_err(|e| anyhow!("{e}"))?;
    }
    Ok(ids)
}

pub fn logins() -> Vec<&'static str> {
    USERS.iter().map(|u| u.username).collect()
}

/// Who follows whom, as (follower, followee).
#[cfg(test)]
pub fn follows() -> &'static [(&'static str, &'static str)] {
    FOLLOWS
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

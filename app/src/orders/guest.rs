//! Orders bought without an account: who may read one (its buyer, its
//! shop's owner, or whoever holds its link), and the receipt that mails a
//! guest their link. Claiming them into an account is `db::claim_guest_orders`.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::db::{self, Reader};
use super::{link, OrderView};
use crate::error::{AppError, AppResult};
use crate::mail::{self, escape_html, Mail};
use crate::money::{Currency, Money};

/// The page of `order` that its link opens, with the link's key.
pub fn order_path(order: Uuid, key: &str) -> String {
    format!("/orders/{order}?key={key}")
}

/// Reads an order for `caller` (signed in or not) holding `key` (or not).
/// The buyer and the shop's owner read it as always; a valid key for this
/// order reads it as its buyer does, whoever holds it. Signed out without a
/// key is `Unauthorized` (log in to see your orders); a wrong key, or a
/// signed-in user with neither a claim nor the key, is `NotFound`.
pub async fn read(
    pool: &PgPool,
    order: Uuid,
    caller: Option<Uuid>,
    key: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<OrderView> {
    if let Some(user) = caller {
        match db::view(pool, order, Reader::User(user)).await {
            Err(AppError::NotFound(_)) if key.is_some() => {}
            other => return other,
        }
    }
    let Some(key) = key else {
        return Err(AppError::Unauthorized);
    };
    let mut conn = pool.acquire().await?;
    if !link::verify(&mut conn, order, key, now).await? {
        return Err(AppError::NotFound("Order".into()));
    }
    db::view(pool, order, Reader::Link).await
}

/// Writes a guest order's receipt, with its link, to the outbox, once: a
/// retried "Pay" or a second call finds it sent. Orders with a buyer get
/// none here (their orders are under "Orders"). Returns whether it wrote one.
pub async fn send_receipt(pool: &PgPool, public_url: &str, order: Uuid, now: DateTime<Utc>) -> AppResult<bool> {
    let mut tx = pool.begin().await?;
    let o = sqlx::query!(
        r#"SELECT o.number, o.guest_email, o.buyer_id, o.receipt_sent_at, o.total_minor, o.currency,
                  s.name AS shop_name
           FROM orders o JOIN shops s ON s.id = o.shop_id WHERE o.id = $1 FOR UPDATE OF o"#,
        order
    )
    .fetch_optional(&mut *tx)
    .await?
    .ok_or_else(|| AppError::NotFound("Order".into()))?;
    let Some(to) = o.guest_email.filter(|_| o.buyer_id.is_none() && o.receipt_sent_at.is_none()) else {
        return Ok(false);
    };
    let key = link::sign(&mut tx, order, now).await?;
    let total = Money::new(o.total_minor, Currency::parse(&o.currency)?);
    let url = format!("{}{}", public_url.trim_end_matches('/'), order_path(order, &key));
    mail::enqueue(&mut *tx, &receipt(&to, o.number, &o.shop_name, total, &url)).await?;
    sqlx::query!("UPDATE orders SET receipt_sent_at = $2 WHERE id = $1", order, now).execute(&mut *tx).await?;
    tx.commit().await?;
    Ok(true)
}

/// The guest's receipt: what they bought from whom, and the link that is
/// their only way back to the order until they claim it.
pub fn receipt(to: &str, number: i64, shop: &str, total: Money, link: &str) -> Mail {
    let lines = [
        format!("Thank you for your order #{number} from {shop}: {} in all.", total.display()),
        "Follow its status, delivery and receipt with this link. Keep it to yourself: anyone with it can see the order."
            .to_string(),
        format!(
            "To keep your orders together, create a Storefeed account with this email address ({to}) and confirm it: \
             your guest orders move into the account."
        ),
    ];
    let mut html = String::from("<!doctype html><html><body style=\"font-family:sans-serif;line-height:1.5\">");
    html.push_str(&format!("<p>{}</p><p>{}</p>", escape_html(&lines[0]), escape_html(&lines[1])));
    html.push_str(&format!("<p><a href=\"{}\">See your order</a></p>", escape_html(link)));
    html.push_str(&format!("<p>{}</p></body></html>", escape_html(&lines[2])));
    Mail {
        to: to.to_string(),
        subject: format!("Your order #{number} from {shop}"),
        text: format!("{}\n\n{}\n\n{link}\n\n{}", lines[0], lines[1], lines[2]),
        html,
        kind: "guest_receipt",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::service::{self, Registration};
    use crate::accounts::validate::{Email, Password, Username};
    use crate::checkout::place::place_order;
    use crate::payments::test_provider::TestProvider;
    use crate::state::AppConfig;
    use crate::test_support::{admin, guest_checkout_ready, stocked_variant, user, TTL, VISA};

    const URL: &str = "https://shop.example";

    fn clock_now() -> DateTime<Utc> {
        crate::clock::Clock::system().now()
    }

    #[test]
    fn the_receipt_carries_the_link_whole_and_escapes_the_shop() {
        let link = "https://shop.example/orders/1?key=abc_-9";
        let m = receipt("g@example.test", 1001, "<Maya & Co>", Money::new(2500, Currency::USD), link);
        assert!(m.text.contains(link));
        assert!(m.html.contains("&lt;Maya &amp; Co&gt;"));
        assert!(m.html.contains("href=\"https://shop.example/orders/1?key=abc_-9\""));
        assert_eq!(m.kind, "guest_receipt");
    }

    /// A paid guest order by cookie `[n; 32]` with `email`, its receipt
    /// written; returns the order and its link's key (read from the mail).
    async fn guest_order(pool: &PgPool, variant: Uuid, n: u8, email: &str) -> (Uuid, String) {
        let (guest, checkout) = guest_checkout_ready(pool, n, variant, email, clock_now()).await;
        let provider = TestProvider::new(pool.clone());
        let order = place_order(pool, &provider, checkout, guest, VISA, clock_now(), TTL).await.unwrap();
        assert!(send_receipt(pool, URL, order, clock_now()).await.unwrap());
        let mail = mail::latest_to(pool, email, Some("guest_receipt")).await.unwrap().unwrap();
        let at = mail.text.find("?key=").unwrap() + "?key=".len();
        let key: String =
            mail.text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
        (order, key)
    }

    async fn buyer_of(pool: &PgPool, order: Uuid) -> Option<Uuid> {
        sqlx::query_scalar::<_, Option<Uuid>>("SELECT buyer_id FROM orders WHERE id = $1")
            .bind(order)
            .fetch_one(pool)
            .await
            .unwrap()
    }

    async fn claim(pool: &PgPool, user: Uuid) -> u64 {
        let mut tx = pool.begin().await.unwrap();
        let n = db::claim_guest_orders(&mut tx, user).await.unwrap();
        tx.commit().await.unwrap();
        n
    }

    fn flipped(key: &str) -> String {
        let mut chars: Vec<char> = key.chars().collect();
        let last = chars.len() - 1;
        chars[last] = if chars[last] == 'A' { 'B' } else { 'A' };
        chars.into_iter().collect()
    }

    /// Who reads a guest order: anyone holding its link (signed out, an
    /// unrelated user, an admin), the shop's owner as always, and after a
    /// claim its buyer; nobody else, and no other order's key, nor an
    /// edited one, opens it.
    #[sqlx::test(migrations = "../migrations")]
    async fn authorization_matrix_for_reading_an_order(pool: PgPool) {
        let maker = user(&pool, "maker").await;
        let variant = stocked_variant(&pool, maker, "maker_shop", 5).await;
        let (order, key) = guest_order(&pool, variant, 1, "gina@example.test").await;
        let (other_order, other_key) = guest_order(&pool, variant, 2, "otto@example.test").await;
        let stranger = user(&pool, "stranger").await;
        let boss = admin(&pool, "boss").await;
        let t = clock_now();

        // Signed out.
        assert_eq!(read(&pool, order, None, None, t).await, Err(AppError::Unauthorized));
        let seen = read(&pool, order, None, Some(&key), t).await.unwrap();
        assert!(seen.guest && !seen.can_manage);
        assert_eq!((seen.id, seen.email.as_str(), seen.buyer.as_str()), (order, "gina@example.test", "Guest"));
        for bad in [other_key.as_str(), &flipped(&key), "", "garbage", &key[..key.len() - 3]] {
            assert_eq!(
                read(&pool, order, None, Some(bad), t).await,
                Err(AppError::NotFound("Order".into())),
                "{bad:?}"
            );
        }
        assert!(read(&pool, other_order, None, Some(&other_key), t).await.is_ok());
        assert!(read(&pool, other_order, None, Some(&key), t).await.is_err(), "a key opens its own order only");

        // Signed in without a claim: the key or nothing.
        for caller in [stranger, boss] {
            assert_eq!(read(&pool, order, Some(caller), None, t).await, Err(AppError::NotFound("Order".into())));
            assert!(read(&pool, order, Some(caller), Some(&other_key), t).await.is_err());
            let seen = read(&pool, order, Some(caller), Some(&key), t).await.unwrap();
            assert!(!seen.can_manage, "the link never manages the order");
        }
        // The shop's owner reads and manages it as any order of the shop.
        assert!(read(&pool, order, Some(maker), None, t).await.unwrap().can_manage);

        // Its buyer, once claimed, reads it like any order of theirs.
        let gina = user(&pool, "gina").await;
        assert_eq!(read(&pool, order, Some(gina), None, t).await, Err(AppError::NotFound("Order".into())));
        crate::accounts::db::mark_email_verified(&pool, gina, "gina@example.test", t).await.unwrap();
        assert_eq!(claim(&pool, gina).await, 1);
        let mine = read(&pool, order, Some(gina), None, t).await.unwrap();
        assert!(!mine.guest);
        assert_eq!(mine.buyer, "@gina");
        assert!(read(&pool, order, None, Some(&key), t).await.is_ok(), "the receipt's link keeps working");
        assert_eq!(db::for_buyer(&pool, gina).await.unwrap().len(), 1, "only gina's own order");
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_receipt_is_written_once_and_only_for_guest_orders(pool: PgPool) {
        let maker = user(&pool, "maker").await;
        let variant = stocked_variant(&pool, maker, "maker_shop", 5).await;
        let (order, _) = guest_order(&pool, variant, 1, "gina@example.test").await;
        assert!(!send_receipt(&pool, URL, order, clock_now()).await.unwrap(), "already sent");
        let buyer = user(&pool, "buyer").await;
        let checkout = crate::test_support::checkout_ready(&pool, buyer, variant, 1, clock_now()).await;
        let provider = TestProvider::new(pool.clone());
        let theirs = place_order(&pool, &provider, checkout, buyer, VISA, clock_now(), TTL).await.unwrap();
        assert!(
            !send_receipt(&pool, URL, theirs, clock_now()).await.unwrap(),
            "a signed-in buyer's order is under Orders"
        );
        let n: i64 = sqlx::query_scalar("SELECT count(*) FROM mail_outbox").fetch_one(&pool).await.unwrap();
        assert_eq!(n, 1);
    }

    fn config() -> AppConfig {
        AppConfig { public_url: URL.into(), ..AppConfig::for_tests(std::env::temp_dir()) }
    }

    async fn register(pool: &PgPool, name: &str, email: &str) {
        let reg = Registration {
            username: Username::parse(name).unwrap(),
            email: Email::parse(email).unwrap(),
            password: Password::parse("plum-orbit-canyon-47").unwrap(),
            display_name: name.into(),
            next: Some("/orders".into()),
        };
        service::register(pool, &config(), &reg, clock_now()).await.unwrap();
    }

    async fn user_id(pool: &PgPool, name: &str) -> Uuid {
        sqlx::query_scalar("SELECT id FROM users WHERE username = $1").bind(name).fetch_one(pool).await.unwrap()
    }

    /// The token in the newest verification mail to `to`.
    async fn verify_token(pool: &PgPool, to: &str) -> String {
        let mail = mail::latest_to(pool, to, Some("verify_email")).await.unwrap().unwrap();
        assert!(mail.text.contains("&next=/orders"), "the link returns to where they were: {}", mail.text);
        let at = mail.text.find("?token=").unwrap() + "?token=".len();
        mail.text[at..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn a_guest_claims_their_orders_by_registering_and_verifying_the_same_email(pool: PgPool) {
        let maker = user(&pool, "maker").await;
        let variant = stocked_variant(&pool, maker, "maker_shop", 5).await;
        let (first, _) = guest_order(&pool, variant, 1, "gina@example.test").await;
        let (second, _) = guest_order(&pool, variant, 2, "gina@example.test").await;
        let (elses, _) = guest_order(&pool, variant, 3, "otto@example.test").await;

        register(&pool, "gina", "Gina@Example.test").await;
        let gina = user_id(&pool, "gina").await;
        // Registered but not verified: logging in (which tries to claim) claims nothing.
        assert_eq!(claim(&pool, gina).await, 0);
        assert_eq!(buyer_of(&pool, first).await, None);
        assert!(db::for_buyer(&pool, gina).await.unwrap().is_empty());

        service::verify_email(&pool, &verify_token(&pool, "gina@example.test").await, clock_now()).await.unwrap();
        assert_eq!(buyer_of(&pool, first).await, Some(gina));
        assert_eq!(buyer_of(&pool, second).await, Some(gina));
        assert_eq!(buyer_of(&pool, elses).await, None, "another address's order stays unclaimed");
        assert_eq!(db::for_buyer(&pool, gina).await.unwrap().len(), 2);
        assert_eq!(claim(&pool, gina).await, 0, "claiming again changes nothing");
    }

    /// Someone who registers another person's address can't read that
    /// person's guest orders: without the mailbox there is no verification,
    /// and without verification no claim.
    #[sqlx::test(migrations = "../migrations")]
    async fn registering_someone_elses_email_claims_nothing(pool: PgPool) {
        let maker = user(&pool, "maker").await;
        let variant = stocked_variant(&pool, maker, "maker_shop", 5).await;
        let (order, _) = guest_order(&pool, variant, 1, "gina@example.test").await;
        register(&pool, "mallory", "gina@example.test").await;
        let mallory = user_id(&pool, "mallory").await;
        assert_eq!(claim(&pool, mallory).await, 0);
        assert_eq!(read(&pool, order, Some(mallory), None, clock_now()).await, Err(AppError::NotFound("Order".into())));
        for guess in ["", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"] {
            assert!(service::verify_email(&pool, guess, clock_now()).await.is_err());
        }
        assert_eq!(buyer_of(&pool, order).await, None);
    }

    /// A guest may use an address that already has an account: checkout
    /// neither refuses nor says so, and the account claims the order once
    /// it logs in with that address verified.
    #[sqlx::test(migrations = "../migrations")]
    async fn an_existing_accounts_email_checks_out_as_a_guest_and_is_claimed_once_verified(pool: PgPool) {
        let maker = user(&pool, "maker").await;
        let variant = stocked_variant(&pool, maker, "maker_shop", 5).await;
        let ada = user(&pool, "ada").await;
        let (order, key) = guest_order(&pool, variant, 1, "ada@example.test").await;
        let seen = read(&pool, order, None, Some(&key), clock_now()).await.unwrap();
        assert_eq!(seen.buyer, "Guest", "nothing reveals the account");
        assert_eq!(claim(&pool, ada).await, 0, "not verified yet");
        crate::accounts::db::mark_email_verified(&pool, ada, "ada@example.test", clock_now()).await.unwrap();
        assert_eq!(claim(&pool, ada).await, 1, "claimed at the next login");
        assert_eq!(buyer_of(&pool, order).await, Some(ada));
    }
}

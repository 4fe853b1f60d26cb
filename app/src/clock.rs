//! The app's one clock: the system time, plus an offset that only a test
//! deployment may move (`STOREFEED_TEST_CONTROLS`), so end-to-end tests can
//! let two days pass between a tap and a purchase. Rust reads it through
//! [`Clock::now`] (clippy refuses `Utc::now()` anywhere else, see
//! `clippy.toml`); SQL reads it through `app_now()`, which follows the same
//! offset on every connection of a pool built with [`Clock::share_with`].

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};

#[derive(Clone, Debug, Default)]
pub struct Clock {
    offset_secs: Arc<AtomicI64>,
    movable: bool,
}

impl Clock {
    /// The real time, fixed.
    pub fn system() -> Clock {
        Clock::default()
    }

    /// The real time, which [`Clock::advance`] can move forward.
    pub fn movable() -> Clock {
        Clock { offset_secs: Arc::default(), movable: true }
    }

    #[allow(clippy::disallowed_methods)] // the one place the wall clock is read
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + Duration::seconds(self.offset_secs())
    }

    /// How far the clock has been moved forward, in seconds.
    pub fn offset_secs(&self) -> i64 {
        self.offset_secs.load(Ordering::Relaxed)
    }

    /// Pool options whose connections see this clock in SQL: a movable clock
    /// sets `storefeed.clock_offset_secs` (read by `app_now()`) on each new
    /// connection and each time one is handed out, once it has been moved;
    /// a fixed clock changes nothing, so production pays nothing for it.
    #[cfg(feature = "ssr")]
    pub fn share_with(&self, options: sqlx::postgres::PgPoolOptions) -> sqlx::postgres::PgPoolOptions {
        if !self.movable {
            return options;
        }
        let (on_connect, on_acquire) = (self.clone(), self.clone());
        options
            .after_connect(move |conn, _meta| {
                let offset = on_connect.offset_secs();
                Box::pin(async move { set_sql_offset(conn, offset).await })
            })
            .before_acquire(move |conn, _meta| {
                let offset = on_acquire.offset_secs();
                Box::pin(async move { set_sql_offset(conn, offset).await.map(|()| true) })
            })
    }

    /// Moves the clock forward; refused unless the clock is movable.
    pub fn advance(&self, by: Duration) -> Result<DateTime<Utc>, &'static str> {
        if !self.movable {
            return Err("this clock can't be moved");
        }
        if by < Duration::zero() || by > Duration::days(366) {
            return Err("move the clock forward by up to a year");
        }
        self.offset_secs.fetch_add(by.num_seconds(), Ordering::Relaxed);
        Ok(self.now())
    }
}

/// Tells one connection how far the clock has moved (nothing to say while
/// it has not: `app_now()` is then `now()`).
#[cfg(feature = "ssr")]
async fn set_sql_offset(conn: &mut sqlx::PgConnection, offset: i64) -> Result<(), sqlx::Error> {
    if offset != 0 {
        sqlx::query("SELECT set_config('storefeed.clock_offset_secs', $1, false)")
            .bind(offset.to_string())
            .execute(conn)
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_movable_clock_moves_and_only_forward() {
        let fixed = Clock::system();
        assert!(fixed.advance(Duration::days(2)).is_err());
        let clock = Clock::movable();
        let before = clock.now();
        let after = clock.advance(Duration::days(2)).unwrap();
        assert!(after - before >= Duration::days(2));
        assert!(clock.clone().now() - before >= Duration::days(2), "clones share the offset");
        assert!(clock.advance(Duration::days(-1)).is_err());
    }

    #[cfg(feature = "ssr")]
    #[sqlx::test(migrations = "../migrations")]
    async fn the_database_reads_the_same_clock(
        options: sqlx::postgres::PgPoolOptions,
        connect: sqlx::postgres::PgConnectOptions,
    ) {
        let clock = Clock::movable();
        let pool = clock.share_with(options).max_connections(2).connect_with(connect).await.unwrap();
        let db_now =
            || async { sqlx::query_scalar::<_, DateTime<Utc>>("SELECT app_now()").fetch_one(&pool).await.unwrap() };
        assert!((db_now().await - clock.now()).num_seconds().abs() < 5, "unmoved, the database agrees with the clock");
        clock.advance(Duration::days(30)).unwrap();
        assert!((db_now().await - clock.now()).num_seconds().abs() < 5, "moved, the database follows");
        // A row stamped by a column default is stamped by the same clock.
        let user = crate::test_support::user(&pool, "clocky").await;
        let created: DateTime<Utc> =
            sqlx::query_scalar("SELECT created_at FROM users WHERE id = $1").bind(user).fetch_one(&pool).await.unwrap();
        assert!((created - clock.now()).num_seconds().abs() < 5);
    }

    /// Moving the test clock moves every domain that reads "now" at once:
    /// promotions and events decide by it, checkout holds and places by it,
    /// the rows the database stamps (order history, attribution) follow it,
    /// and the minute job expires holds by it.
    #[cfg(feature = "ssr")]
    #[sqlx::test(migrations = "../migrations")]
    async fn moving_the_clock_moves_every_domain_together(
        options: sqlx::postgres::PgPoolOptions,
        connect: sqlx::postgres::PgConnectOptions,
    ) {
        use crate::payments::test_provider::TestProvider;
        use crate::test_support::{checkout_ready, stocked_variant, user, TTL, VISA};
        let clock = Clock::movable();
        let pool = clock.share_with(options).max_connections(4).connect_with(connect).await.unwrap();
        let near = |a: DateTime<Utc>, b: DateTime<Utc>| (a - b).num_seconds().abs() < 5;
        let start = clock.now();

        // Today: a promotion that starts in ten days, an event in two.
        let owner = user(&pool, "maker").await;
        let variant = stocked_variant(&pool, owner, "maker_shop", 5).await;
        let shop = crate::shops::db::owned_by(&pool, "maker_shop", owner).await.unwrap();
        let form = crate::promotions::PromotionForm {
            shop: "maker_shop".into(),
            title: "Later sale".into(),
            kind: "percent_order".into(),
            value: "10".into(),
            starts_on: (start + Duration::days(10)).format("%Y-%m-%d").to_string(),
            ..Default::default()
        };
        let rule = form.to_rule(shop.currency, start).unwrap();
        crate::promotions::db::save(&pool, shop.id, owner, None, &rule).await.unwrap();
        let fmt = |t: DateTime<Utc>| t.format("%Y-%m-%dT%H:%M").to_string();
        let event = crate::events::EventForm {
            starts_at: fmt(start + Duration::days(2)),
            ends_at: fmt(start + Duration::days(2) + Duration::hours(3)),
            ..crate::events::tests::form()
        };
        let details = event.validate(start).unwrap();
        let event = crate::events::db::create(&pool, owner, &details, None, None).await.unwrap();
        let listed = |cards: Vec<crate::events::EventCard>| cards.iter().any(|c| c.id == event);
        assert!(listed(crate::events::db::upcoming(&pool, clock.now(), 50).await.unwrap()));

        clock.advance(Duration::days(11)).unwrap();

        // Events: the market is over.
        assert!(!listed(crate::events::db::upcoming(&pool, clock.now(), 50).await.unwrap()));
        // Checkout and promotions: the sale is on, and the order is placed now.
        let buyer = user(&pool, "buyer").await;
        let checkout = checkout_ready(&pool, buyer, variant, 1, clock.now()).await;
        let provider = TestProvider::new(pool.clone());
        let order = crate::checkout::place::place_order(&pool, &provider, checkout, buyer, VISA, clock.now(), TTL)
            .await
            .unwrap();
        let o = sqlx::query!("SELECT placed_at, discount_minor FROM orders WHERE id = $1", order)
            .fetch_one(&pool)
            .await
            .unwrap();
        assert!(near(o.placed_at, clock.now()), "placed by the moved clock");
        assert_eq!(o.discount_minor, 250, "the promotion that starts in ten days is on");
        // Orders: the history the database stamps agrees.
        crate::orders::db::mark_shipped(&pool, order, owner, None, "TRACK1").await.unwrap();
        crate::orders::db::mark_delivered(&pool, order, owner).await.unwrap();
        let stamps: Vec<DateTime<Utc>> =
            sqlx::query_scalar!("SELECT created_at FROM order_history WHERE order_id = $1", order)
                .fetch_all(&pool)
                .await
                .unwrap();
        assert!(stamps.len() >= 3 && stamps.iter().all(|t| near(*t, clock.now())), "{stamps:?}");
        // Attribution: the order is attributed now.
        let keys = crate::attribution::ContextKeys::fixed(crate::attribution::SigningKey::new(1, vec![7; 32]));
        crate::attribution::attribute_order(&pool, &keys, order).await.unwrap();
        let attributed: DateTime<Utc> =
            sqlx::query_scalar("SELECT attributed_at FROM order_attributions WHERE order_id = $1")
                .bind(order)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert!(near(attributed, clock.now()));
        // Jobs: a hold taken now lasts its ten minutes of the moved clock.
        let other = user(&pool, "other").await;
        checkout_ready(&pool, other, variant, 1, clock.now()).await;
        assert_eq!(crate::inventory::db::expire_due(&pool, clock.now()).await.unwrap(), 0);
        clock.advance(Duration::minutes(11)).unwrap();
        assert_eq!(crate::inventory::db::expire_due(&pool, clock.now()).await.unwrap(), 1);
    }
}

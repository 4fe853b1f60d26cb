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
    /// sets `storefeed.clock_offset_secs` (read by `app_now()`) each time a
    /// connection is handed out, once it has been moved; a fixed clock
    /// changes nothing, so production pays nothing for it.
    #[cfg(feature = "ssr")]
    pub fn share_with(&self, options: sqlx::postgres::PgPoolOptions) -> sqlx::postgres::PgPoolOptions {
        if !self.movable {
            return options;
        }
        let clock = self.clone();
        options.before_acquire(move |conn, _meta| {
            let offset = clock.offset_secs();
            Box::pin(async move {
                if offset != 0 {
                    sqlx::query("SELECT set_config('storefeed.clock_offset_secs', $1, false)")
                        .bind(offset.to_string())
                        .execute(&mut *conn)
                        .await?;
                }
                Ok(true)
            })
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
}

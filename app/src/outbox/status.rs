//! What admins see of the relay (`/admin/outbox`): each durable consumer's
//! cursor, how far behind it is, and, while it fails, since when, how often
//! in a row, its last error, when it tries next and the event it is stuck
//! on (the first after its cursor, which comes first in the next batch).

use sqlx::PgPool;
use uuid::Uuid;

use crate::admin::outbox::{ConsumerStatus, StuckEvent, BEHIND_CAP};
use crate::error::{AppError, AppResult};

/// Every durable consumer's state, by name; only for an admin `caller`
/// (checked here, against the account's current role).
pub async fn for_admin(pool: &PgPool, caller: Uuid) -> AppResult<Vec<ConsumerStatus>> {
    let admin = sqlx::query_scalar!("SELECT role = 'admin' AS \"admin!\" FROM users WHERE id = $1", caller)
        .fetch_optional(pool)
        .await?
        .unwrap_or(false);
    if !admin {
        return Err(AppError::Forbidden);
    }
    let rows = sqlx::query!(
        r#"SELECT c.name, c.last_tx::text AS "last_tx!", c.last_id, c.failures, c.last_error, c.failing_since,
                  c.retry_at, c.updated_at,
                  (SELECT count(*) FROM (SELECT 1 FROM outbox_events e WHERE (e.tx_id, e.id) > (c.last_tx, c.last_id)
                                         LIMIT $1) b) AS "behind!",
                  s.id AS "stuck_id?", s.kind AS "stuck_kind?", s.aggregate AS "stuck_aggregate?",
                  s.aggregate_id AS "stuck_aggregate_id?", s.created_at AS "stuck_at?"
           FROM outbox_consumers c
           LEFT JOIN LATERAL (SELECT e.id, e.kind, e.aggregate, e.aggregate_id, e.created_at FROM outbox_events e
                              WHERE c.failures > 0 AND (e.tx_id, e.id) > (c.last_tx, c.last_id)
                              ORDER BY e.tx_id, e.id LIMIT 1) s ON true
           ORDER BY c.name"#,
        BEHIND_CAP + 1
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| ConsumerStatus {
            name: r.name,
            position: format!("{}.{}", r.last_tx, r.last_id),
            behind: r.behind,
            failures: r.failures,
            last_error: r.last_error,
            failing_since: r.failing_since,
            retry_at: r.retry_at,
            updated_at: r.updated_at,
            stuck_on: match (r.stuck_id, r.stuck_kind, r.stuck_aggregate, r.stuck_aggregate_id, r.stuck_at) {
                (Some(id), Some(kind), Some(aggregate), Some(aggregate_id), Some(at)) => {
                    Some(StuckEvent { id, kind, aggregate, aggregate_id, at })
                }
                _ => None,
            },
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::time::Duration;

    use serde_json::json;
    use sqlx::{PgConnection, PgPool};

    use super::*;
    use crate::outbox::relay::{Backoff, Consumer, HandleFuture, Relay};
    use crate::outbox::{publish, Event};
    use crate::test_support::{admin, outcome, user};

    /// Fails while `failing` is set.
    #[derive(Clone)]
    struct Flaky(Arc<AtomicBool>);

    impl Consumer for Flaky {
        fn name(&self) -> &'static str {
            "flaky"
        }

        fn handle<'a>(&'a self, _tx: &'a mut PgConnection, _events: &'a [Event]) -> HandleFuture<'a> {
            Box::pin(async move {
                if self.0.load(Ordering::SeqCst) {
                    Err(AppError::Internal)
                } else {
                    Ok(())
                }
            })
        }
    }

    async fn published(pool: &PgPool, kind: &str) -> (i64, Uuid) {
        let aggregate = Uuid::new_v4();
        let mut tx = pool.begin().await.unwrap();
        publish(&mut tx, "test", aggregate, kind, json!({})).await.unwrap();
        tx.commit().await.unwrap();
        let id = sqlx::query_scalar!("SELECT id FROM outbox_events WHERE aggregate_id = $1", aggregate)
            .fetch_one(pool)
            .await
            .unwrap();
        (id, aggregate)
    }

    #[sqlx::test(migrations = "../migrations")]
    async fn an_admin_sees_a_failing_consumer_stuck_on_its_next_event_and_healthy_again_after(pool: PgPool) {
        let boss = admin(&pool, "boss").await;
        let failing = Arc::new(AtomicBool::new(true));
        let quick = Backoff { base: Duration::from_millis(10), max: Duration::from_millis(10) };
        let relay = Relay::new(pool.clone()).with(Flaky(failing.clone())).with_backoff(quick);
        let (stuck, aggregate) = published(&pool, "test.stuck").await;
        published(&pool, "test.after").await;
        let mut shown = Vec::new();
        for _ in 0..2000 {
            relay.run_once().await;
            shown = for_admin(&pool, boss).await.unwrap();
            if shown.iter().any(|c| c.failures > 0) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        let flaky = shown.iter().find(|c| c.name == "flaky").expect("listed");
        assert!(flaky.failures >= 1 && flaky.failing_since.is_some() && flaky.retry_at.is_some());
        assert!(flaky.last_error.as_deref().is_some_and(|e| e.contains("Internal")));
        let on = flaky.stuck_on.as_ref().expect("the event it is stuck on");
        assert!(on.id <= stuck, "the first event after its cursor");
        if on.id == stuck {
            assert_eq!((on.kind.as_str(), on.aggregate_id), ("test.stuck", aggregate));
        }
        assert!(flaky.behind >= 2);

        failing.store(false, Ordering::SeqCst);
        for _ in 0..2000 {
            relay.run_once().await;
            let now = for_admin(&pool, boss).await.unwrap();
            let flaky = now.iter().find(|c| c.name == "flaky").unwrap();
            if flaky.failures == 0 && flaky.behind == 0 {
                assert!(flaky.stuck_on.is_none() && flaky.last_error.is_none() && flaky.failing_since.is_none());
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        panic!("the consumer never recovered");
    }

    /// The one entry point: signed out is refused by the server function's
    /// session check (401) before the database; here the rest.
    #[sqlx::test(migrations = "../migrations")]
    async fn only_admins_see_the_relay(pool: PgPool) {
        let sam = user(&pool, "sam").await;
        let boss = admin(&pool, "boss").await;
        assert_eq!(outcome(for_admin(&pool, sam).await), "403", "a signed-in user");
        assert_eq!(outcome(for_admin(&pool, Uuid::new_v4()).await), "403", "an account that no longer exists");
        assert_eq!(outcome(for_admin(&pool, boss).await), "ok", "an admin");
    }
}

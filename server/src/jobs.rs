//! Background housekeeping: expired sessions and old login failures.

use std::time::Duration;

use sqlx::PgPool;

pub fn spawn(pool: PgPool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(600));
        loop {
            tick.tick().await;
            match app::accounts::session::purge_expired(&pool).await {
                Ok(n) if n > 0 => tracing::info!(removed = n, "expired sessions purged"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "session purge failed"),
            }
            if let Err(e) = app::accounts::rate_limit::purge_old(&pool).await {
                tracing::warn!(error = %e, "login-failure purge failed");
            }
        }
    });
}

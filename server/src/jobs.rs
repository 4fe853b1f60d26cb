//! Background work. Every minute (`STOREFEED_JOBS_EVERY_SECS`): payments a
//! crash or a silent provider left unsettled are settled, sold stock a crash
//! left unsettled is taken off the shelf, orders left unattributed are
//! attributed, commissions past their return window become payable, due
//! instalments of orders paid by plan are charged (`plans::instalments`),
//! next month's event partition is created, group deals whose time ran out
//! expire (their authorizations voided, their stock freed) and full groups'
//! failed captures are retried, and stock held by checkouts whose
//! time ran out goes back on sale; the context signing keys are reread (a
//! rotation's new key starts signing, retired keys drop out). Every five
//! seconds, mail waiting in the outbox is handed to the mailer. Every ten
//! minutes, expired sessions, account tokens, login counters and closed
//! rate-limit windows, and mail sent two days ago are purged. Every hour, media files no row names (and
//! over an hour old) are removed, every stored counter is recounted from
//! its rows and fixed if it drifted (`app::reconcile`, its report kept for
//! `/admin/counters`), and the daily notification digests that are due are
//! written to the mail outbox. The outbox relay runs all the time (woken
//! by each commit that published), and Explore's ranking is recomputed
//! every minute.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use app::payments::provider::PaymentProvider;
use sqlx::PgPool;

use crate::config::JobSettings;

pub fn spawn(
    pool: PgPool,
    payments: Arc<dyn PaymentProvider>,
    settings: JobSettings,
    clock: app::clock::Clock,
    context_keys: app::attribution::ContextKeys,
) {
    let checkout_pool = pool.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(settings.every);
        loop {
            tick.tick().await;
            let now = clock.now();
            match app::checkout::place::recover(&checkout_pool, payments.as_ref(), now, settings.payment_grace).await {
                Ok(n) if n > 0 => tracing::info!(settled = n, "unsettled payments settled"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "payment recovery failed"),
            }
            match app::inventory::db::settle_sold(&checkout_pool).await {
                Ok(n) if n > 0 => tracing::info!(reservations = n, "sold stock settled"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "settling sold stock failed"),
            }
            match app::attribution::release_payable(&checkout_pool, clock.now()).await {
                Ok(n) if n > 0 => tracing::info!(commissions = n, "commissions became payable"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "releasing payable commissions failed"),
            }
            match app::attribution::attribute_missed(&checkout_pool, &context_keys).await {
                Ok(n) if n > 0 => tracing::info!(orders = n, "orders attributed late"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "attributing missed orders failed"),
            }
            if let Err(e) = app::attribution::ensure_partitions(&checkout_pool, clock.now()).await {
                tracing::warn!(error = %e, "creating event partitions failed");
            }
            // Before stock holds expire: a group's seats hold stock until
            // its deadline, and the group frees them itself.
            match app::groups::db::expire_due(&checkout_pool, payments.as_ref(), now).await {
                Ok(n) if n > 0 => tracing::info!(groups = n, "expired group deals voided"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "expiring group deals failed"),
            }
            match app::inventory::db::expire_due(&checkout_pool, now).await {
                Ok(n) if n > 0 => tracing::info!(checkouts = n, "expired stock holds released"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "releasing expired stock holds failed"),
            }
            match app::plans::instalments::charge_due(&checkout_pool, payments.as_ref(), now).await {
                Ok(run) if run.paid + run.failed > 0 => {
                    tracing::info!(paid = run.paid, failed = run.failed, "due instalments charged")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "charging due instalments failed"),
            }
            match app::plans::instalments::remind_due(&checkout_pool, now).await {
                Ok(n) if n > 0 => tracing::info!(reminded = n, "buyers reminded of instalments coming due"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "reminding buyers of instalments failed"),
            }
        }
    });
    spawn_housekeeping(pool);
}

/// Rereads the context signing keys every `every`, so a rotation (another
/// process's `--rotate-context-key`) reaches this server.
pub fn spawn_key_refresh(keys: app::attribution::ContextKeys, clock: app::clock::Clock, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.tick().await; // the keys were just loaded
        loop {
            tick.tick().await;
            if let Err(e) = keys.refresh(clock.now()).await {
                tracing::warn!(error = %e, "rereading the context signing keys failed");
            }
        }
    });
}

/// Sends what the outbox holds, a batch at a time, every `every`.
pub fn spawn_mail(pool: PgPool, mailer: Arc<dyn app::mail::Mailer>, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        loop {
            tick.tick().await;
            match app::mail::drain(&pool, mailer.as_ref(), 50).await {
                Ok(n) if n > 0 => tracing::info!(sent = n, "mail sent"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "sending mail failed"),
            }
        }
    });
}

/// The one outbox relay and its consumers: timelines (in the database, one
/// cursor for every server), this process's feed card cache and its end of
/// the real-time channel (their own cursors). A consumer added here gets
/// every event in order.
pub fn spawn_outbox_relay(pool: PgPool, cards: app::posts::cards::CardCache, live: app::live::hub::LiveHub) {
    let relay = app::outbox::Relay::new(pool)
        .with(app::posts::timeline::db::TimelineConsumer)
        .with(app::notifications::consumer::NotificationsConsumer)
        .with_local(Arc::new(cards))
        .with_local(Arc::new(live));
    tokio::spawn(relay.run(Duration::from_millis(250)));
}

/// Writes the notification digests that are due to the mail outbox, every
/// hour (`app::notifications::digest`: once a day per user, however many
/// servers run this), with links on `public_url`.
pub fn spawn_digest(pool: PgPool, public_url: String, clock: app::clock::Clock) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match app::notifications::digest::db::send_due(&pool, &public_url, clock.now()).await {
                Ok(n) if n > 0 => tracing::info!(digests = n, "notification digests written"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "writing notification digests failed"),
            }
        }
    });
}

/// Recomputes Explore's ranking every minute.
pub fn spawn_explore_ranking(pool: PgPool) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            if let Err(e) = app::posts::explore::refresh(&pool).await {
                tracing::warn!(error = %e, "refreshing the Explore ranking failed");
            }
        }
    });
}

fn spawn_housekeeping(pool: PgPool) {
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
                tracing::warn!(error = %e, "login-counter purge failed");
            }
            if let Err(e) = app::limits::db::purge_old(&pool).await {
                tracing::warn!(error = %e, "rate-limit purge failed");
            }
            if let Err(e) = app::accounts::tokens::purge_expired(&pool).await {
                tracing::warn!(error = %e, "account-token purge failed");
            }
            if let Err(e) = app::mail::purge_sent(&pool).await {
                tracing::warn!(error = %e, "sent-mail purge failed");
            }
        }
    });
}

/// Recounts every stored counter each `every` and fixes the drifted ones
/// (`app::reconcile`); the run logs its report and records it for
/// `/admin/counters`. The first run waits one period after start, so a
/// restart does not add a full recount to its own load.
pub fn spawn_counter_reconciliation(pool: PgPool, clock: app::clock::Clock, every: Duration) {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.tick().await; // the first tick is immediate
        loop {
            tick.tick().await;
            let run = app::reconcile::run_and_record(&pool, app::reconcile::Trigger::Schedule, None, clock.now());
            if let Err(e) = run.await {
                tracing::warn!(error = %e, "counter reconciliation failed");
            }
        }
    });
}

/// Sweeps the media directory for files no row names, every hour (see
/// `app::media::sweep`: a file goes after two sweeps, so within about two
/// hours of becoming an orphan, never while its upload is being saved).
pub fn spawn_media_sweep(pool: PgPool, media_dir: PathBuf, clock: app::clock::Clock) {
    tokio::spawn(async move {
        let mut sweeper = app::media::sweep::Sweeper::new(app::media::sweep::DEFAULT_GRACE);
        let mut tick = tokio::time::interval(Duration::from_secs(3600));
        loop {
            tick.tick().await;
            match sweeper.sweep(&pool, &media_dir, clock.now()).await {
                Ok(swept) if swept.removed > 0 => tracing::info!(removed = swept.removed, "orphan media files removed"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "sweeping the media directory failed"),
            }
        }
    });
}

//! Storefeed's server binary: read config, connect and migrate, seed demo
//! data when asked, start background jobs and serve until told to stop.
//! `--rotate-context-key` instead stores a new key for context tokens and
//! exits.

#![recursion_limit = "512"]

mod assets;
#[cfg(test)]
mod collab_http_tests;
mod config;
mod demo;
mod exports;
mod hosted_field;
mod jobs;
#[cfg(test)]
mod live_http_tests;
mod middleware;
#[cfg(test)]
mod router_tests;
mod routes;
#[cfg(test)]
mod safety_matrix_tests;
mod security;
mod telemetry;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use app::attribution::{ContextKeys, KeyError};
use app::payments::provider::PaymentProvider;
use app::payments::test_provider::TestProvider;
use app::state::AppState;
use leptos::config::get_configuration;
use sqlx::postgres::PgPoolOptions;

/// mimalloc instead of glibc's malloc: rendering a page allocates many small
/// strings and reactive nodes, and glibc's allocator took 28% of the
/// server's CPU under the feed benchmark's SSR load (perf; README
/// "Benchmarks").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The outbox relay's own connections: its two durable consumers, its two
/// local ones and the LISTEN, with one to spare (`jobs::spawn_outbox_relay`).
const RELAY_CONNECTIONS: u32 = 6;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let config = match config::Config::from_env(&args) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(2);
        }
    };
    telemetry::init(config.log_json);

    let leptos = get_configuration(None).context("reading the LEPTOS_* settings")?;
    let mut leptos_options = leptos.leptos_options;
    if let Some(addr) = config.addr {
        leptos_options.site_addr = addr;
    }
    let addr = leptos_options.site_addr;

    // One clock for the app and its SQL (`app_now()`); only a test deployment can move it.
    let clock = if config.app.test_controls {
        tracing::warn!(
            "STOREFEED_TEST_CONTROLS is on: the clock moves and test data can be seeded; never in production"
        );
        app::clock::Clock::movable()
    } else {
        app::clock::Clock::system()
    };
    let pool = clock
        .share_with(PgPoolOptions::new())
        .max_connections(config.database_max_connections)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect(&config.database_url)
        .await
        .with_context(|| format!("connecting to the database in DATABASE_URL ({})", redact(&config.database_url)))?;
    // The outbox relay reads and hands out events on connections of its
    // own: a rush of requests queued for the main pool (a group filling, a
    // flash sale) never holds back the live updates it is causing. One for
    // each consumer's task and one for the LISTEN.
    let relay_pool = clock
        .share_with(PgPoolOptions::new())
        .max_connections(RELAY_CONNECTIONS)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect_lazy(&config.database_url)
        .with_context(|| format!("the database in DATABASE_URL ({})", redact(&config.database_url)))?;
    sqlx::migrate!("../migrations").run(&pool).await.context("applying migrations")?;
    tracing::info!("migrations applied");

    if config.rotate_context_key {
        return rotate_context_key(&pool, config.context_key.as_deref(), clock.now()).await;
    }

    if config.seed_demo {
        demo::seed_if_empty(&pool, &config.app.media_dir, clock.now()).await.context("loading demo data")?;
    }
    if let Some(name) = &config.admin_username {
        if app::accounts::db::promote_admin(&pool, name).await.map_err(|e| anyhow::anyhow!("{e}"))? {
            tracing::info!(username = %name, "admin role granted");
        } else {
            tracing::warn!(username = %name, "no such user to make admin (register first, then restart)");
        }
    }

    // The built-in test provider is the only one this build ships: no card
    // network is reachable from a self-hosted demo (see README, Payments).
    let payments: Arc<dyn PaymentProvider> = Arc::new(TestProvider::new(pool.clone()));
    let context_keys =
        match ContextKeys::load(&pool, config.context_key.as_deref(), config.generate_keys, clock.now()).await {
            Ok(keys) => keys,
            // Production without a configured or stored key: say which
            // variables to set, like a configuration error.
            Err(e @ KeyError::Missing) => {
                eprintln!("{e}");
                std::process::exit(2);
            }
            Err(e) => return Err(anyhow::Error::new(e).context("loading the keys that sign context tokens")),
        };
    let state = AppState {
        leptos_options,
        pool: pool.clone(),
        config: Arc::new(config.app.clone()),
        payments: payments.clone(),
        stock: app::inventory::gate::StockGate::start(pool.clone()),
        events: app::attribution::EventSink::start(pool.clone()),
        context_keys: context_keys.clone(),
        clock,
        cards: app::posts::cards::CardCache::default(),
        live: app::live::hub::LiveHub::default(),
    };
    jobs::spawn(pool.clone(), payments, config.jobs, state.clock.clone(), context_keys.clone());
    jobs::spawn_key_refresh(context_keys, state.clock.clone(), config.jobs.every);
    // Mail goes to files in STOREFEED_MAIL_DIR: the one sender this build ships.
    let mailer: Arc<dyn app::mail::Mailer> =
        Arc::new(app::mail::FileMailer::new(&config.mail_dir, app::mail::sender_for(&config.app.public_url)));
    jobs::spawn_mail(pool.clone(), mailer, std::time::Duration::from_secs(5));
    jobs::spawn_media_sweep(pool.clone(), config.app.media_dir.clone(), state.clock.clone());
    jobs::spawn_counter_reconciliation(pool.clone(), state.clock.clone(), std::time::Duration::from_secs(3600));
    jobs::spawn_outbox_relay(relay_pool, state.cards.clone(), state.live.clone());
    jobs::spawn_explore_ranking(pool.clone());
    jobs::spawn_digest(pool.clone(), config.app.public_url.clone(), state.clock.clone());
    let live = state.live.clone();
    let router = routes::build(state);

    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            // Open live streams never end by themselves.
            live.close();
        })
        .await?;
    pool.close().await;
    tracing::info!("shut down cleanly");
    Ok(())
}

fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => format!("{}://***{}", &url[..s], &url[at..]),
        _ => url.to_string(),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        if let Ok(mut s) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            s.recv().await;
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutdown signal received, draining connections");
}

/// Stores a new key for context tokens (the old one verifies for the
/// widest click window more); running servers pick it up by themselves.
async fn rotate_context_key(
    pool: &sqlx::PgPool,
    configured: Option<&str>,
    now: chrono::DateTime<chrono::Utc>,
) -> anyhow::Result<()> {
    let rotation =
        app::attribution::rotate_context_key(pool, configured, now).await.context("rotating the context key")?;
    println!("Context key {} now signs new tokens (running servers switch within a minute).", rotation.signing);
    if !rotation.replaced.is_empty() {
        println!(
            "Replaced key(s) {:?} verify the tokens they signed until {}.",
            rotation.replaced,
            rotation.verify_until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        );
    }
    if configured.is_some() {
        println!(
            "STOREFEED_CONTEXT_KEY is set and keeps signing wherever it is set: unset it and restart to sign with key {}.",
            rotation.signing
        );
    }
    pool.close().await;
    Ok(())
}

//! Storefeed's server binary: read config, connect and migrate, seed demo
//! data when asked, start background jobs and serve until told to stop.

#![recursion_limit = "512"]

mod config;
mod demo;
mod exports;
mod jobs;
mod middleware;
mod routes;
mod telemetry;

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use app::payments::provider::PaymentProvider;
use app::payments::test_provider::TestProvider;
use app::state::AppState;
use leptos::config::get_configuration;
use sqlx::postgres::PgPoolOptions;

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

    let pool = PgPoolOptions::new()
        .max_connections(config.database_max_connections)
        .acquire_timeout(std::time::Duration::from_secs(10))
        .connect(&config.database_url)
        .await
        .with_context(|| format!("connecting to the database in DATABASE_URL ({})", redact(&config.database_url)))?;
    sqlx::migrate!("../migrations").run(&pool).await.context("applying migrations")?;
    tracing::info!("migrations applied");

    if config.seed_demo {
        demo::seed_if_empty(&pool, &config.app.media_dir).await.context("loading demo data")?;
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
    let state = AppState {
        leptos_options,
        pool: pool.clone(),
        config: Arc::new(config.app.clone()),
        payments: payments.clone(),
        stock: app::inventory::gate::StockGate::start(pool.clone()),
        events: app::attribution::EventSink::start(pool.clone()),
        authors: Default::default(),
        context_key: context_key(config.context_key.as_deref()),
        clock: if config.test_controls {
            tracing::warn!("STOREFEED_TEST_CONTROLS is on: the clock can be moved; never run production like this");
            app::clock::Clock::movable()
        } else {
            app::clock::Clock::system()
        },
    };
    jobs::spawn(pool.clone(), payments, config.jobs, state.clock.clone(), state.context_key.clone());
    let router = routes::build(state);

    let listener = tokio::net::TcpListener::bind(addr).await.with_context(|| format!("binding {addr}"))?;
    tracing::info!("listening on http://{addr}");
    axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(shutdown_signal())
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

/// The configured key, or a random one (links signed before a restart then
/// stop earning credit, so production sets `STOREFEED_CONTEXT_KEY`).
fn context_key(configured: Option<&str>) -> app::attribution::ContextKey {
    use rand::RngCore;
    match configured {
        Some(k) => app::attribution::ContextKey::new(k.trim().as_bytes().to_vec()),
        None => {
            tracing::warn!("STOREFEED_CONTEXT_KEY is not set: using a random key until the next restart");
            let mut key = vec![0u8; 32];
            rand::rngs::OsRng.fill_bytes(&mut key);
            app::attribution::ContextKey::new(key)
        }
    }
}

//! Server state shared by pages and server functions, provided to Leptos as
//! context by the server crate (`expect_context::<AppState>()`).

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;
use leptos::prelude::use_context;
use sqlx::PgPool;

use crate::error::AppError;
use crate::payments::provider::PaymentProvider;

#[derive(Clone, FromRef)]
pub struct AppState {
    pub leptos_options: LeptosOptions,
    pub pool: PgPool,
    pub config: Arc<AppConfig>,
    /// Who authorizes, captures and refunds card payments.
    pub payments: Arc<dyn PaymentProvider>,
    /// Batches new stock holds and settles sold stock.
    pub stock: crate::inventory::gate::StockGate,
    /// Where shopper events are recorded (batched).
    pub events: crate::attribution::EventSink,
    /// Sign and check the context tokens on product links in posts (keys
    /// stored in the database, shared by every server on it).
    pub context_keys: crate::attribution::ContextKeys,
    /// The app's time (movable only in a test deployment).
    pub clock: crate::clock::Clock,
    /// Feed cards every reader sees alike, kept current by the outbox relay.
    pub cards: crate::posts::cards::CardCache,
    /// This process's end of the real-time channel (`live`), fed by the
    /// outbox relay.
    pub live: crate::live::hub::LiveHub,
}

/// Settings the domain code needs; the server crate reads them from the
/// environment (see `server/src/config.rs`).
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Add `Secure` to cookies (the site is served over TLS).
    pub secure_cookies: bool,
    /// The site is served over HTTPS (directly or by a TLS-terminating
    /// proxy): same-origin requests come from `https://`, and responses carry
    /// HSTS.
    pub tls: bool,
    pub session_ttl: Duration,
    /// Where uploaded images are written; served under `/media`.
    pub media_dir: PathBuf,
    /// Believe `X-Forwarded-For` for the client address (behind a reverse proxy).
    pub trust_proxy: bool,
    pub login_limits: LoginLimits,
    /// Posts, comments, likes, follows… per hour per account or address
    /// (`limits`).
    pub action_limits: crate::limits::ActionLimits,
    /// How long a checkout holds its stock.
    pub reservation_ttl: Duration,
    /// Test-only controls (`STOREFEED_TEST_CONTROLS`: moving the clock, the
    /// test data API); never in production.
    pub test_controls: bool,
    /// Where this site is reached (`STOREFEED_PUBLIC_URL`, no trailing
    /// slash): links in mail are built on it, never on the request's `Host`,
    /// which a client chooses.
    pub public_url: String,
}

/// Free failed logins before each further one makes the next attempt wait
/// longer (see `accounts::rate_limit`); failures are forgotten after
/// `window` without any.
#[derive(Debug, Clone, Copy)]
pub struct LoginLimits {
    /// Per account and source address.
    pub per_account: i64,
    /// Per account, from every address together (the looser ceiling).
    pub per_account_all_sources: i64,
    /// Per source address, across accounts.
    pub per_ip: i64,
    pub window: Duration,
}

impl Default for LoginLimits {
    fn default() -> Self {
        LoginLimits { per_account: 5, per_account_all_sources: 100, per_ip: 50, window: Duration::from_secs(15 * 60) }
    }
}

impl AppConfig {
    pub fn for_tests(media_dir: PathBuf) -> Self {
        AppConfig {
            secure_cookies: false,
            tls: false,
            session_ttl: Duration::from_secs(30 * 24 * 3600),
            media_dir,
            trust_proxy: false,
            login_limits: LoginLimits::default(),
            action_limits: crate::limits::ActionLimits::default(),
            reservation_ttl: Duration::from_secs(crate::inventory::DEFAULT_RESERVATION_TTL_SECS),
            test_controls: false,
            public_url: "http://127.0.0.1:3000".into(),
        }
    }
}

/// The state, from inside a server function or a page's server-side code.
pub fn app_state() -> Result<AppState, AppError> {
    use_context::<AppState>().ok_or_else(|| {
        tracing::error!("AppState missing from the Leptos context");
        AppError::Internal
    })
}

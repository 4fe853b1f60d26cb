//! Logging: human-readable locally, JSON lines with `STOREFEED_LOG_JSON=true`.
//! `RUST_LOG` filters as usual.

use tracing_subscriber::{fmt, prelude::*, EnvFilter};

pub fn init(json: bool) {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    let registry = tracing_subscriber::registry().with(filter);
    if json {
        registry.with(fmt::layer().json().flatten_event(true).with_current_span(true)).init();
    } else {
        registry.with(fmt::layer().compact()).init();
    }
}

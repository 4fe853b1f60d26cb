//! What a server function may read of the HTTP request it serves.

use http::header::{COOKIE, USER_AGENT};
use http::request::Parts;
use leptos::prelude::use_context;
use std::net::SocketAddr;

use crate::state::AppConfig;

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The value of cookie `name` on the current request.
pub fn cookie(name: &str) -> Option<String> {
    let parts = parts()?;
    parts
        .headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}

pub fn user_agent() -> Option<String> {
    parts()?.headers.get(USER_AGENT).and_then(|v| v.to_str().ok()).map(|s| s.chars().take(300).collect())
}

/// The client's address: the socket peer, or the first `X-Forwarded-For` hop
/// when the deployment says a trusted proxy sits in front.
pub fn client_ip(config: &AppConfig) -> String {
    let Some(parts) = parts() else {
        return "unknown".into();
    };
    if config.trust_proxy {
        if let Some(ip) = parts
            .headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(',').next())
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            return ip.to_string();
        }
    }
    parts
        .extensions
        .get::<axum::extract::ConnectInfo<SocketAddr>>()
        .map(|ci| ci.0.ip().to_string())
        .unwrap_or_else(|| "unknown".into())
}

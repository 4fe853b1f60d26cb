//! What a server function may read of the HTTP request it serves.

use http::header::{COOKIE, USER_AGENT};
use http::request::Parts;
use leptos::prelude::use_context;
use std::net::{IpAddr, SocketAddr};

use crate::state::AppConfig;

fn parts() -> Option<Parts> {
    use_context::<Parts>()
}

/// The value of cookie `name` on the current request.
pub fn cookie(name: &str) -> Option<String> {
    cookie_in(&parts()?.headers, name)
}

/// The value of cookie `name` in `headers` (a handler outside Leptos).
pub fn cookie_in(headers: &http::HeaderMap, name: &str) -> Option<String> {
    headers
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

/// The address a per-address cap counts by: an IPv4 address as it is, an
/// IPv6 one by its /64 network, since one subscriber is usually given a
/// whole /64 and can change the rest at will (impressions, rate limits).
pub fn source_key(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V4(_) => ip,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6((u128::from(v6) & !((1u128 << 64) - 1)).into()),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_capped_by_ipv4_or_by_ipv6_network() {
        let key = |s: &str| source_key(s.parse().unwrap()).to_string();
        assert_eq!(key("198.51.100.4"), "198.51.100.4");
        assert_eq!(key("2001:db8:aa:bb:1:2:3:4"), "2001:db8:aa:bb::");
        assert_eq!(key("::ffff:198.51.100.4"), "198.51.100.4");
    }
}

//! `storefeed-bench events`: event ingestion through the HTTP endpoint the
//! feed uses (`/api/events/impressions`). Each request is a new browser (a
//! fresh `sf_visitor` cookie, as a crowd of shoppers would be) at its own
//! address (`X-Forwarded-For`, which the script's server trusts), reporting
//! a batch of posts seen, so neither the server's duplicate filter nor its
//! per-address cap drops an event; reports events/s accepted and request
//! latency. `scripts/bench-events.sh`
//! seeds the posts, runs this and counts the rows written.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderValue, CONTENT_TYPE, COOKIE, ORIGIN, USER_AGENT};
use hyper::{Method, Request, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::time::Instant;

use crate::stats::percentile;

pub const USAGE: &str = "\
usage: storefeed-bench events --base URL --posts-file FILE [--concurrency N] [--duration SECS] [--batch N]

Each request reports --batch (default 50) posts from the file (one post id
per line) as seen by a new visitor, for --duration seconds (default 15) from
--concurrency (default 32) connections.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestArgs {
    pub base: String,
    pub posts_file: std::path::PathBuf,
    pub concurrency: usize,
    pub duration: Duration,
    pub batch: usize,
}

pub fn parse(args: impl Iterator<Item = String>) -> Result<Option<IngestArgs>> {
    let (mut base, mut posts_file) = (None, None);
    let (mut concurrency, mut duration, mut batch) = (32, Duration::from_secs(15), 50);
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if matches!(flag.as_str(), "-h" | "--help") {
            return Ok(None);
        }
        let value = args.next().ok_or_else(|| anyhow!("{flag} needs a value"))?;
        let number = |max: usize| {
            value
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| anyhow!("{flag} `{value}` must be 1 to {max}"))
        };
        match flag.as_str() {
            "--base" => base = Some(value.trim_end_matches('/').to_string()),
            "--posts-file" => posts_file = Some(value.into()),
            "--concurrency" => concurrency = number(2_000)?,
            "--duration" => duration = Duration::from_secs(number(3_600)? as u64),
            "--batch" => batch = number(100)?,
            _ => bail!("unknown argument `{flag}` for events (try --help)"),
        }
    }
    let base = base.ok_or_else(|| anyhow!("events needs --base URL"))?;
    if !base.starts_with("http://") {
        bail!("--base must be an http:// URL");
    }
    let posts_file = posts_file.ok_or_else(|| anyhow!("events needs --posts-file FILE"))?;
    Ok(Some(IngestArgs { base, posts_file, concurrency, duration, batch }))
}

struct Shared {
    client: Client<HttpConnector, Full<Bytes>>,
    uri: Uri,
    origin: HeaderValue,
    posts: Vec<String>,
    batch: usize,
    accepted: AtomicU64,
    failed: AtomicU64,
}

pub async fn run(args: IngestArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.posts_file)
        .with_context(|| format!("--posts-file: cannot read {}", args.posts_file.display()))?;
    let posts: Vec<String> = text.lines().map(str::trim).filter(|l| !l.is_empty()).map(String::from).collect();
    if posts.len() < args.batch {
        bail!("the posts file has {} posts; --batch needs at least that many", posts.len());
    }
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let shared = Arc::new(Shared {
        client: Client::builder(TokioExecutor::new()).pool_max_idle_per_host(args.concurrency).build(connector),
        uri: format!("{}/api/events/impressions", args.base).parse()?,
        origin: HeaderValue::from_str(&args.base)?,
        posts,
        batch: args.batch,
        accepted: AtomicU64::new(0),
        failed: AtomicU64::new(0),
    });
    eprintln!("events: {} connections for {:?}, {} posts per request", args.concurrency, args.duration, args.batch);
    let start = Instant::now();
    let end = start + args.duration;
    let workers: Vec<_> = (0..args.concurrency)
        .map(|w| {
            let shared = Arc::clone(&shared);
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut n = w as u64;
                while Instant::now() < end {
                    n = n.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                    let sent = Instant::now();
                    match report(&shared, n).await {
                        Ok(kept) => {
                            shared.accepted.fetch_add(kept, Ordering::Relaxed);
                            latencies.push(sent.elapsed().as_micros() as u64);
                        }
                        Err(_) => {
                            shared.failed.fetch_add(1, Ordering::Relaxed);
                        }
                    }
                }
                latencies
            })
        })
        .collect();
    let mut latencies = Vec::new();
    for w in workers {
        latencies.extend(w.await?);
    }
    let secs = start.elapsed().as_secs_f64();
    latencies.sort_unstable();
    let accepted = shared.accepted.load(Ordering::Relaxed);
    let ms = |p: f64| percentile(&latencies, p).map_or(0.0, |us| us as f64 / 1000.0);
    println!("requests      {} ({} failed)", latencies.len(), shared.failed.load(Ordering::Relaxed));
    println!("events        {accepted} accepted in {secs:.1} s: {:.0} events/s", accepted as f64 / secs);
    println!("latency       p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms", ms(50.0), ms(90.0), ms(99.0));
    println!(
        "BENCH_JSON {{\"events_accepted\":{accepted},\"events_per_sec\":{:.0},\"requests\":{},\"p50_ms\":{:.2},\"p99_ms\":{:.2}}}",
        accepted as f64 / secs,
        latencies.len(),
        ms(50.0),
        ms(99.0)
    );
    Ok(())
}

/// One new visitor reporting a batch of posts; returns how many the server kept.
async fn report(shared: &Shared, seed: u64) -> Result<u64> {
    let first = (seed >> 16) as usize % shared.posts.len();
    let ids: Vec<&str> =
        (0..shared.batch).map(|i| shared.posts[(first + i * 7919) % shared.posts.len()].as_str()).collect();
    let body = format!("posts={}", ids.join("%2C"));
    let mut request = Request::new(Full::new(Bytes::from(body)));
    *request.method_mut() = Method::POST;
    *request.uri_mut() = shared.uri.clone();
    let h = request.headers_mut();
    h.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
    h.insert(ORIGIN, shared.origin.clone());
    h.insert(USER_AGENT, HeaderValue::from_static("Mozilla/5.0 (storefeed-bench shopper)"));
    let visitor = format!(
        "sf_visitor={:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
        seed as u32,
        (seed >> 32) as u16,
        seed & 0xfff,
        (seed >> 12) & 0xfff,
        seed & 0xffff_ffff_ffff
    );
    h.insert(COOKIE, HeaderValue::from_str(&visitor)?);
    // A crowd comes from many addresses; one address is capped per post.
    let [a, b, c, _] = (seed as u32).to_be_bytes();
    h.insert("x-forwarded-for", HeaderValue::from_str(&format!("10.{a}.{b}.{c}"))?);
    let response = shared.client.request(request).await?;
    let status = response.status();
    let bytes = response.into_body().collect().await?.to_bytes();
    if !status.is_success() {
        bail!("{status}");
    }
    Ok(String::from_utf8_lossy(&bytes).trim().parse().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_checked() {
        let args = |a: &[&str]| parse(a.iter().map(|s| s.to_string()));
        let ok = args(&["--base", "http://127.0.0.1:3300", "--posts-file", "p.txt", "--batch", "20"]).unwrap().unwrap();
        assert_eq!((ok.batch, ok.concurrency), (20, 32));
        assert!(args(&["--base", "http://x", "--posts-file", "p", "--batch", "101"]).is_err());
        assert!(args(&["--posts-file", "p"]).is_err());
        assert!(args(&["-h"]).unwrap().is_none());
    }
}

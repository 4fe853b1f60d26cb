//! `storefeed-bench live`: the real-time channel under many open pages.
//! Opens `--connections` `/live` streams watching one variant's stock (each
//! its own TCP connection, as each browser tab is), then `--rounds` times
//! changes that stock in the database and times how long each stream takes
//! to receive the new number, from just before the change. Reports the
//! delivery latency over every stream and round, and the server's resident
//! memory per open stream (`--server-pid`, read from /proc).
//! `scripts/bench-live.sh` starts the server and seeds the product.

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use hyper::Uri;
use sqlx::postgres::PgPoolOptions;
use tokio::time::Instant;
use uuid::Uuid;

use crate::stats::percentile;
use crate::streams;

pub const USAGE: &str = "\
usage: storefeed-bench live --base URL --database-url URL --variant ID [--connections N] [--rounds N] [--server-pid PID]

Opens --connections (default 1000) /live streams watching the variant's
stock, then --rounds (default 20) times changes its stock on hand in the
database and measures how long every stream takes to receive it.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveArgs {
    pub base: String,
    pub database_url: String,
    pub variant: Uuid,
    pub connections: usize,
    pub rounds: usize,
    pub server_pid: Option<u32>,
}

pub fn parse(args: impl Iterator<Item = String>) -> Result<Option<LiveArgs>> {
    let (mut base, mut database_url, mut variant, mut server_pid) = (None, None, None, None);
    let (mut connections, mut rounds) = (1000, 20);
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
            "--database-url" => database_url = Some(value),
            "--variant" => variant = Some(Uuid::parse_str(&value).context("--variant must be a uuid")?),
            "--connections" => connections = number(20_000)?,
            "--rounds" => rounds = number(1_000)?,
            "--server-pid" => server_pid = Some(number(u32::MAX as usize)? as u32),
            _ => bail!("unknown argument `{flag}` for live (try --help)"),
        }
    }
    let base = base.ok_or_else(|| anyhow!("live needs --base URL"))?;
    if !base.starts_with("http://") {
        bail!("--base must be an http:// URL");
    }
    let database_url = database_url.ok_or_else(|| anyhow!("live needs --database-url URL"))?;
    let variant = variant.ok_or_else(|| anyhow!("live needs --variant ID"))?;
    Ok(Some(LiveArgs { base, database_url, variant, connections, rounds, server_pid }))
}

pub async fn run(args: LiveArgs) -> Result<()> {
    let pool = PgPoolOptions::new().max_connections(1).connect(&args.database_url).await?;
    let uri: Uri = format!("{}/live?topics=stock:{}", args.base, args.variant).parse()?;
    let rss_before = args.server_pid.and_then(streams::resident_kib);

    let mut seen = streams::open(&uri, args.connections).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after = args.server_pid.and_then(streams::resident_kib);

    let mut latencies_us = Vec::with_capacity(args.connections * args.rounds);
    let mut missed = 0usize;
    for _ in 0..args.rounds {
        let sent = Instant::now();
        let available: i32 = sqlx::query_scalar(
            "UPDATE product_variants SET stock_on_hand = stock_on_hand + 1 WHERE id = $1
             RETURNING stock_on_hand - stock_reserved",
        )
        .bind(args.variant)
        .fetch_one(&pool)
        .await?;
        let mut told = vec![false; args.connections];
        let mut waiting = args.connections;
        let deadline = sent + Duration::from_secs(10);
        while waiting > 0 {
            let Ok(Some((stream, data, at))) = tokio::time::timeout_at(deadline, seen.recv()).await else { break };
            if available_in(&data) == Some(i64::from(available)) && !told[stream] {
                told[stream] = true;
                waiting -= 1;
                latencies_us.push(at.saturating_duration_since(sent).as_micros() as u64);
            }
        }
        missed += waiting;
        tokio::time::sleep(Duration::from_millis(200)).await;
    }

    latencies_us.sort_unstable();
    let ms = |p: f64| percentile(&latencies_us, p).map_or(0.0, |us| us as f64 / 1000.0);
    println!(
        "delivered     {} of {} ({} rounds x {} streams)",
        latencies_us.len(),
        args.connections * args.rounds,
        args.rounds,
        args.connections
    );
    println!(
        "latency       p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms (from the change to each stream)",
        ms(50.0),
        ms(90.0),
        ms(99.0),
        ms(100.0)
    );
    let per_stream_kib = streams::kib_per_stream(rss_before, rss_after, args.connections);
    if let (Some(before), Some(after), Some(per)) = (rss_before, rss_after, per_stream_kib) {
        println!("server memory {before} KiB before, {after} KiB with the streams open: {per:.1} KiB per stream");
    }
    println!(
        "BENCH_JSON {{\"streams\":{},\"rounds\":{},\"missed\":{missed},\"p50_ms\":{:.2},\"p99_ms\":{:.2},\"max_ms\":{:.2},\"kib_per_stream\":{}}}",
        args.connections,
        args.rounds,
        ms(50.0),
        ms(99.0),
        ms(100.0),
        per_stream_kib.map_or("null".to_string(), |k| format!("{k:.1}"))
    );
    if missed > 0 {
        bail!("{missed} deliveries did not arrive within 10 s");
    }
    Ok(())
}

fn available_in(data: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(data).ok()?.get("available")?.as_i64()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_checked() {
        let args = |a: &[&str]| parse(a.iter().map(|s| s.to_string()));
        let v = Uuid::nil().to_string();
        let ok = args(&["--base", "http://127.0.0.1:3240", "--database-url", "postgres://x/y", "--variant", &v])
            .unwrap()
            .unwrap();
        assert_eq!((ok.connections, ok.rounds, ok.server_pid), (1000, 20, None));
        assert!(args(&["--base", "http://x", "--database-url", "d", "--variant", "nope"]).is_err());
        assert!(args(&["--base", "http://x", "--variant", &v]).is_err());
        assert!(args(&["-h"]).unwrap().is_none());
    }

    #[test]
    fn the_stock_is_read_from_an_update() {
        assert_eq!(available_in(r#"{"type":"stock","variant_id":"x","available":12}"#), Some(12));
        assert_eq!(available_in("not json"), None);
    }
}

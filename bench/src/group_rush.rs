//! `storefeed-bench group-rush`: a buy-together group's last seats under a
//! rush. `--watchers` pages watch the group's card over `/live`; then every
//! buyer in `--cookie-file` (one signed-in session each, with a saved card
//! and address) sends Join for one seat at the same moment, each on a
//! connection opened beforehand. Reports how many joined, how many were
//! told the group is full, the join latency, and how long each watching
//! page took to be told "full" after the seat that filled the group
//! committed. That moment is read the way the server's own relay learns of
//! it: a LISTEN on the outbox channel, where the first notification after
//! which the group's seats are all taken marks it (a notification may be
//! read a little after its commit, which only makes the figure larger).
//! `scripts/bench-group.sh` seeds the group and buyers, runs this, and
//! checks the books afterwards.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderValue, CONTENT_TYPE, COOKIE, ORIGIN};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use sqlx::postgres::{PgListener, PgPoolOptions};
use tokio::net::TcpStream;
use tokio::sync::{oneshot, Barrier};
use tokio::time::Instant;
use uuid::Uuid;

use crate::stats::percentile;
use crate::streams;

pub const USAGE: &str = "\
usage: storefeed-bench group-rush --base URL --database-url URL --group ID --cookie-file FILE
                                  [--watchers N] [--server-pid PID]

Opens --watchers (default 1000) /live streams on the group's card, then
every buyer in the cookie file (one `sf_session=…` line each) joins the
group for one seat at the same moment. Reports joins, \"full\" answers,
join latency, and the delay from the filling seat's commit to each page.";

/// The outbox's NOTIFY channel (`app::outbox`).
const OUTBOX_CHANNEL: &str = "outbox";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RushArgs {
    pub base: String,
    pub database_url: String,
    pub group: Uuid,
    pub cookie_file: std::path::PathBuf,
    pub watchers: usize,
    pub server_pid: Option<u32>,
}

pub fn parse(args: impl Iterator<Item = String>) -> Result<Option<RushArgs>> {
    let (mut base, mut database_url, mut group, mut cookie_file, mut server_pid) = (None, None, None, None, None);
    let mut watchers = 1000;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if matches!(flag.as_str(), "-h" | "--help") {
            return Ok(None);
        }
        let value = args.next().ok_or_else(|| anyhow!("{flag} needs a value"))?;
        let number = |min: usize, max: usize| {
            value
                .parse::<usize>()
                .ok()
                .filter(|n| (min..=max).contains(n))
                .ok_or_else(|| anyhow!("{flag} `{value}` must be {min} to {max}"))
        };
        match flag.as_str() {
            "--base" => base = Some(value.trim_end_matches('/').to_string()),
            "--database-url" => database_url = Some(value),
            "--group" => group = Some(Uuid::parse_str(&value).context("--group must be a uuid")?),
            "--cookie-file" => cookie_file = Some(value.into()),
            "--watchers" => watchers = number(0, 20_000)?,
            "--server-pid" => server_pid = Some(number(1, u32::MAX as usize)? as u32),
            _ => bail!("unknown argument `{flag}` for group-rush (try --help)"),
        }
    }
    let base = base.ok_or_else(|| anyhow!("group-rush needs --base URL"))?;
    if !base.starts_with("http://") {
        bail!("--base must be an http:// URL");
    }
    Ok(Some(RushArgs {
        base,
        database_url: database_url.ok_or_else(|| anyhow!("group-rush needs --database-url URL"))?,
        group: group.ok_or_else(|| anyhow!("group-rush needs --group ID"))?,
        cookie_file: cookie_file.ok_or_else(|| anyhow!("group-rush needs --cookie-file FILE"))?,
        watchers,
        server_pid,
    }))
}

/// How one Join ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    Joined,
    Full,
    /// Anything else, by status (0: the request never got an answer).
    Other(u16),
}

/// A join's answer from its status and body.
fn answer(status: u16, body: &str) -> Answer {
    match status {
        200..=399 => Answer::Joined,
        400..=499 if body.contains("is full") => Answer::Full,
        _ => Answer::Other(status),
    }
}

/// The group's status as an update on the channel tells it.
fn status_in(data: &str) -> Option<String> {
    let update = serde_json::from_str::<serde_json::Value>(data).ok()?;
    (update.get("type")?.as_str()? == "group").then_some(())?;
    Some(update.get("status")?.as_str()?.to_string())
}

pub async fn run(args: RushArgs) -> Result<()> {
    let cookies = crate::buyers::read_cookies(&args.cookie_file)?;
    let pool = PgPoolOptions::new().max_connections(2).connect(&args.database_url).await?;
    let (price_minor, currency, size): (i64, String, i32) =
        sqlx::query_as("SELECT price_minor, currency, size FROM buy_groups WHERE id = $1")
            .bind(args.group)
            .fetch_one(&pool)
            .await
            .context("the group is not in the database")?;

    let rss_before = args.server_pid.and_then(streams::resident_kib);
    let uri: Uri = format!("{}/live?topics=group:{}", args.base, args.group).parse()?;
    let mut seen = streams::open(&uri, args.watchers).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after = args.server_pid.and_then(streams::resident_kib);

    let filled = fill_moment(&args.database_url, pool.clone(), args.group, size).await?;

    // Every buyer's connection first, then every Join at once.
    let form = Arc::new(format!("group={}&quantity=1&price_minor={price_minor}&currency={currency}", args.group));
    let barrier = Arc::new(Barrier::new(cookies.len() + 1));
    let origin = HeaderValue::from_str(&args.base)?;
    let join_uri: Uri = format!("{}/api/groups/join", args.base).parse()?;
    let mut joins = Vec::with_capacity(cookies.len());
    for cookie in cookies {
        let (barrier, form, origin, uri) = (barrier.clone(), form.clone(), origin.clone(), join_uri.clone());
        joins.push(tokio::spawn(async move { join(uri, cookie, origin, &form, &barrier).await }));
    }
    barrier.wait().await;
    let rush = Instant::now();
    let mut answers = Vec::with_capacity(joins.len());
    for task in joins {
        answers.push(task.await.context("a buyer task panicked")?);
    }
    let rush_secs = rush.elapsed().as_secs_f64();

    let filled_at = tokio::time::timeout(Duration::from_secs(10), filled)
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| anyhow!("the group did not fill within 10 s of the rush"))?;
    let mut told = vec![false; args.watchers];
    let mut waiting = args.watchers;
    let mut fanout_us = Vec::with_capacity(args.watchers);
    let deadline = filled_at + Duration::from_secs(10);
    while waiting > 0 {
        let Ok(Some((stream, data, at))) = tokio::time::timeout_at(deadline, seen.recv()).await else { break };
        if status_in(&data).as_deref() == Some("full") && !told[stream] {
            told[stream] = true;
            waiting -= 1;
            fanout_us.push(at.saturating_duration_since(filled_at).as_micros() as u64);
        }
    }

    let count = |a: Answer| answers.iter().filter(|(x, _)| *x == a).count();
    let (joined, full) = (count(Answer::Joined), count(Answer::Full));
    let other: Vec<u16> = answers
        .iter()
        .filter_map(|(a, _)| match a {
            Answer::Other(status) => Some(*status),
            _ => None,
        })
        .collect();
    let mut join_us: Vec<u64> = answers.iter().map(|(_, us)| *us).collect();
    join_us.sort_unstable();
    fanout_us.sort_unstable();
    let ms = |v: &[u64], p: f64| percentile(v, p).map_or(0.0, |us| us as f64 / 1000.0);
    println!("group         {size} seats at {price_minor} {currency} minor units a seat");
    println!(
        "joins         {} at once: {joined} joined, {full} told \"full\", {} other answers {other:?} ({rush_secs:.2} s)",
        answers.len(),
        other.len()
    );
    println!(
        "join latency  p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        ms(&join_us, 50.0),
        ms(&join_us, 99.0),
        ms(&join_us, 100.0)
    );
    println!(
        "\"full\" seen   by {} of {} pages: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms after the filling seat committed",
        fanout_us.len(),
        args.watchers,
        ms(&fanout_us, 50.0),
        ms(&fanout_us, 90.0),
        ms(&fanout_us, 99.0),
        ms(&fanout_us, 100.0)
    );
    let per_stream = streams::kib_per_stream(rss_before, rss_after, args.watchers.max(1));
    if let (Some(before), Some(after), Some(per)) = (rss_before, rss_after, per_stream) {
        println!("server memory {before} KiB before, {after} KiB with the pages open: {per:.1} KiB per page");
    }
    println!(
        "BENCH_JSON {{\"attempts\":{},\"joined\":{joined},\"full\":{full},\"other\":{},\"join_p50_ms\":{:.2},\"join_p99_ms\":{:.2},\"watchers\":{},\"told_full\":{},\"fanout_p50_ms\":{:.2},\"fanout_p99_ms\":{:.2},\"fanout_max_ms\":{:.2},\"kib_per_page\":{}}}",
        answers.len(),
        other.len(),
        ms(&join_us, 50.0),
        ms(&join_us, 99.0),
        args.watchers,
        fanout_us.len(),
        ms(&fanout_us, 50.0),
        ms(&fanout_us, 99.0),
        ms(&fanout_us, 100.0),
        per_stream.map_or("null".to_string(), |k| format!("{k:.1}"))
    );
    if waiting > 0 {
        bail!("{waiting} pages were not told \"full\" within 10 s");
    }
    Ok(())
}

/// Resolves with the moment the commit that took the group's last seat
/// was announced on the outbox channel.
async fn fill_moment(
    database_url: &str,
    pool: sqlx::PgPool,
    group: Uuid,
    size: i32,
) -> Result<oneshot::Receiver<Instant>> {
    let mut listener = PgListener::connect(database_url).await?;
    listener.listen(OUTBOX_CHANNEL).await?;
    let (tx, rx) = oneshot::channel();
    tokio::spawn(async move {
        while let Ok(_notification) = listener.recv().await {
            let at = Instant::now();
            let joined: Result<i32, _> =
                sqlx::query_scalar("SELECT joined FROM buy_groups WHERE id = $1").bind(group).fetch_one(&pool).await;
            if matches!(joined, Ok(n) if n >= size) {
                let _ = tx.send(at);
                return;
            }
        }
    });
    Ok(rx)
}

/// One buyer: connects, waits for everyone, sends Join for one seat.
/// Returns the answer and its latency in microseconds.
async fn join(uri: Uri, cookie: HeaderValue, origin: HeaderValue, form: &str, barrier: &Barrier) -> (Answer, u64) {
    let click = Uuid::new_v4();
    let body = format!("{form}&click={click}");
    let connected = connect(&uri).await;
    barrier.wait().await;
    let start = Instant::now();
    let result = async {
        let mut sender = connected?;
        let request = Request::builder()
            .method(Method::POST)
            .uri(uri.path())
            .header("host", uri.authority().map(|a| a.as_str()).unwrap_or_default())
            .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(ORIGIN, origin)
            .header(COOKIE, cookie)
            .body(Full::new(Bytes::from(body)))?;
        let response = sender.send_request(request).await?;
        let status = response.status().as_u16();
        let bytes = response.into_body().collect().await?.to_bytes();
        anyhow::Ok(answer(status, &String::from_utf8_lossy(&bytes)))
    }
    .await;
    let latency = start.elapsed().as_micros() as u64;
    match result {
        Ok(a) => (a, latency),
        Err(e) => {
            eprintln!("join: {e:#}");
            (Answer::Other(0), latency)
        }
    }
}

async fn connect(uri: &Uri) -> Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>> {
    let authority = uri.authority().ok_or_else(|| anyhow!("no host in {uri}"))?;
    let tcp = TcpStream::connect(authority.as_str()).await?;
    tcp.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_checked() {
        let args = |a: &[&str]| parse(a.iter().map(|s| s.to_string()));
        let g = Uuid::nil().to_string();
        let ok =
            args(&["--base", "http://127.0.0.1:3250/", "--database-url", "d", "--group", &g, "--cookie-file", "c"])
                .unwrap()
                .unwrap();
        assert_eq!((ok.base.as_str(), ok.watchers, ok.server_pid), ("http://127.0.0.1:3250", 1000, None));
        assert!(args(&["--base", "http://x", "--database-url", "d", "--group", "nope", "--cookie-file", "c"]).is_err());
        assert!(args(&["--base", "http://x", "--database-url", "d", "--group", &g]).is_err());
        assert!(args(&["--base", "https://x", "--database-url", "d", "--group", &g, "--cookie-file", "c"]).is_err());
        assert!(args(&["--help"]).unwrap().is_none());
    }

    #[test]
    fn answers_are_told_apart() {
        assert_eq!(answer(200, ""), Answer::Joined);
        assert_eq!(answer(302, ""), Answer::Joined);
        assert_eq!(answer(409, "This group is full."), Answer::Full);
        assert_eq!(answer(409, "Only 2 seats are left."), Answer::Other(409));
        assert_eq!(answer(500, "is full"), Answer::Other(500));
    }

    #[test]
    fn the_status_is_read_from_a_group_update() {
        let full = r#"{"type":"group","group_id":"x","joined":10,"size":10,"status":"full","expires_at":"t"}"#;
        assert_eq!(status_in(full).as_deref(), Some("full"));
        assert_eq!(status_in(r#"{"type":"stock","variant_id":"x","available":3}"#), None);
        assert_eq!(status_in("not json"), None);
    }
}

//! `storefeed-bench notify`: notifications from an action to the bell.
//! Reads the people `bench/sql/notify_seed.sql` printed, opens one `/live`
//! stream per watcher (signed in, watching its own `inbox:<id>` topic),
//! then:
//! 1. **fan-out**: a different liker likes each watcher's post through the
//!    like server function, `--concurrency` requests at a time; each
//!    watcher's page must receive its new unread count, and the latency is
//!    taken from the moment its like request was sent;
//! 2. **fan-in**: every liker likes the author's post; once the relay's
//!    notifications consumer has caught up, the author must hold batched
//!    rows naming every liker, not one row per like.
//!
//! `scripts/bench-notify.sh` starts the server and seeds the people.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderValue, CONTENT_TYPE, COOKIE, ORIGIN};
use hyper::{Method, Request, Uri};
use hyper_util::rt::TokioIo;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tokio::net::TcpStream;
use tokio::sync::Mutex;
use tokio::time::Instant;
use uuid::Uuid;

use crate::stats::percentile;
use crate::streams;

pub const USAGE: &str = "\
usage: storefeed-bench notify --base URL --database-url URL --people FILE [--concurrency N] [--server-pid PID]

Opens a signed-in /live stream per watcher in FILE (bench/sql/notify_seed.sql's
output), likes each watcher's post and times its bell's update, then has
every liker like the author's post and checks the author's rows are batched.";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotifyArgs {
    pub base: String,
    pub database_url: String,
    pub people: PathBuf,
    pub concurrency: usize,
    pub server_pid: Option<u32>,
}

pub fn parse(args: impl Iterator<Item = String>) -> Result<Option<NotifyArgs>> {
    let (mut base, mut database_url, mut people, mut server_pid) = (None, None, None, None);
    let mut concurrency = 16;
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
            "--people" => people = Some(PathBuf::from(value)),
            "--concurrency" => concurrency = number(1_000)?,
            "--server-pid" => server_pid = Some(number(u32::MAX as usize)? as u32),
            _ => bail!("unknown argument `{flag}` for notify (try --help)"),
        }
    }
    let base = base.ok_or_else(|| anyhow!("notify needs --base URL"))?;
    if !base.starts_with("http://") {
        bail!("--base must be an http:// URL");
    }
    let database_url = database_url.ok_or_else(|| anyhow!("notify needs --database-url URL"))?;
    let people = people.ok_or_else(|| anyhow!("notify needs --people FILE"))?;
    Ok(Some(NotifyArgs { base, database_url, people, concurrency, server_pid }))
}

/// A signed-in follower whose page watches their own bell.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Watcher {
    id: Uuid,
    post: Uuid,
    cookie: String,
}

#[derive(Debug, Default, PartialEq, Eq)]
struct People {
    post: Option<Uuid>,
    watchers: Vec<Watcher>,
    likers: Vec<String>,
}

fn read_people(text: &str) -> Result<People> {
    let mut people = People::default();
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let parts: Vec<&str> = line.split(' ').collect();
        match parts.as_slice() {
            ["post", id] => people.post = Some(id.parse()?),
            ["watcher", id, post, cookie] => {
                people.watchers.push(Watcher { id: id.parse()?, post: post.parse()?, cookie: cookie.to_string() })
            }
            ["liker", cookie] => people.likers.push(cookie.to_string()),
            _ => bail!("unexpected line in the people file: {line}"),
        }
    }
    if people.post.is_none() || people.watchers.is_empty() || people.likers.len() < people.watchers.len() {
        bail!("the people file needs the author's post, watchers, and at least as many likers");
    }
    Ok(people)
}

/// The unread count of an inbox update.
fn unread_in(data: &str) -> Option<i64> {
    let update: serde_json::Value = serde_json::from_str(data).ok()?;
    (update.get("type")?.as_str()? == "inbox").then(|| update.get("unread")?.as_i64())?
}

pub async fn run(args: NotifyArgs) -> Result<()> {
    let text = std::fs::read_to_string(&args.people)
        .with_context(|| format!("--people: cannot read {}", args.people.display()))?;
    let people = read_people(&text)?;
    let author_post = people.post.expect("checked by read_people");
    let pool = PgPoolOptions::new().max_connections(2).connect(&args.database_url).await?;

    let rss_before = args.server_pid.and_then(streams::resident_kib);
    let mut pages = Vec::with_capacity(people.watchers.len());
    for w in &people.watchers {
        let uri: Uri = format!("{}/live?topics=inbox:{}", args.base, w.id).parse()?;
        pages.push((uri, Some(HeaderValue::from_str(&w.cookie)?)));
    }
    let mut seen = streams::open_each(pages).await?;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let rss_after = args.server_pid.and_then(streams::resident_kib);

    // 1. Fan-out: liker i likes watcher i's post.
    let jobs: Vec<(usize, String, Uuid)> =
        people.watchers.iter().enumerate().map(|(i, w)| (i, people.likers[i].clone(), w.post)).collect();
    let count = jobs.len();
    let sent_at: Arc<Mutex<Vec<Option<Instant>>>> = Arc::new(Mutex::new(vec![None; count]));
    let started = Instant::now();
    let statuses = like_all(&args, jobs, Some(sent_at.clone())).await?;
    let likes_secs = started.elapsed().as_secs_f64();
    let mut told_at: Vec<Option<Instant>> = vec![None; count];
    let mut waiting = count;
    let deadline = Instant::now() + Duration::from_secs(10);
    while waiting > 0 {
        let Ok(Some((stream, data, at))) = tokio::time::timeout_at(deadline, seen.recv()).await else { break };
        if unread_in(&data).is_some_and(|n| n >= 1) && told_at[stream].is_none() {
            told_at[stream] = Some(at);
            waiting -= 1;
        }
    }
    let all_told = told_at.iter().flatten().max().copied();
    let sent = sent_at.lock().await;
    let mut fanout_us: Vec<u64> = told_at
        .iter()
        .zip(sent.iter())
        .filter_map(|(told, sent)| Some(told.as_ref()?.saturating_duration_since(*sent.as_ref()?).as_micros() as u64))
        .collect();
    fanout_us.sort_unstable();
    let failed_likes = statuses.iter().filter(|s| **s != 200).count();
    let fanout_rate = all_told.map(|t| count as f64 / t.saturating_duration_since(started).as_secs_f64());

    // 2. Fan-in: every liker likes the author's post.
    let jobs: Vec<(usize, String, Uuid)> =
        people.likers.iter().enumerate().map(|(i, cookie)| (i, cookie.clone(), author_post)).collect();
    let likers = jobs.len();
    let started = Instant::now();
    let statuses_in = like_all(&args, jobs, None).await?;
    let fan_in_likes_secs = started.elapsed().as_secs_f64();
    caught_up(&pool).await?;
    let fan_in_secs = started.elapsed().as_secs_f64();
    let (rows, actors): (i64, i64) = sqlx::query_as(
        "SELECT count(*), COALESCE(sum(actor_count), 0) FROM notifications n JOIN posts p ON p.author_id = n.recipient_id
         WHERE p.id = $1 AND n.kind = 'like_post' AND n.entity_id = $1",
    )
    .bind(author_post)
    .fetch_one(&pool)
    .await?;
    let failed_in = statuses_in.iter().filter(|s| **s != 200).count();

    let ms = |v: &[u64], p: f64| percentile(v, p).map_or(0.0, |us| us as f64 / 1000.0);
    println!(
        "fan-out       {count} likes on {count} watchers' posts in {likes_secs:.2} s ({:.0} likes/s, {failed_likes} refused)",
        count as f64 / likes_secs
    );
    println!(
        "bell updated  on {} of {count} pages: p50 {:.1} ms, p90 {:.1} ms, p99 {:.1} ms, max {:.1} ms from the like request",
        fanout_us.len(),
        ms(&fanout_us, 50.0),
        ms(&fanout_us, 90.0),
        ms(&fanout_us, 99.0),
        ms(&fanout_us, 100.0)
    );
    if let Some(rate) = fanout_rate {
        println!(
            "              {rate:.0} notifications a second made and delivered, from the first like to the last page"
        );
    }
    println!(
        "fan-in        {likers} likes on the author's post in {fan_in_likes_secs:.2} s ({:.0} likes/s, {failed_in} refused); consumer caught up after {fan_in_secs:.2} s ({:.0} events/s)",
        likers as f64 / fan_in_likes_secs,
        likers as f64 / fan_in_secs
    );
    println!("author's rows {rows} like rows naming {actors} likers (batched, not {likers} rows)");
    let per_stream = streams::kib_per_stream(rss_before, rss_after, count);
    if let (Some(before), Some(after), Some(per)) = (rss_before, rss_after, per_stream) {
        println!("server memory {before} KiB before, {after} KiB with the pages open: {per:.1} KiB per page");
    }
    println!(
        "BENCH_JSON {{\"watchers\":{count},\"told\":{},\"fanout_p50_ms\":{:.2},\"fanout_p99_ms\":{:.2},\"fanout_max_ms\":{:.2},\"likers\":{likers},\"author_rows\":{rows},\"author_actors\":{actors},\"fan_in_events_per_s\":{:.1},\"kib_per_page\":{}}}",
        fanout_us.len(),
        ms(&fanout_us, 50.0),
        ms(&fanout_us, 99.0),
        ms(&fanout_us, 100.0),
        likers as f64 / fan_in_secs,
        per_stream.map_or("null".to_string(), |k| format!("{k:.1}"))
    );
    if waiting > 0 {
        bail!("{waiting} pages were not told within 10 s");
    }
    if failed_likes + failed_in > 0 {
        bail!("{} likes were refused", failed_likes + failed_in);
    }
    if actors != likers as i64 {
        bail!("the author's rows name {actors} likers, not {likers}");
    }
    Ok(())
}

/// Sends every like (`(index, cookie, post)`), `--concurrency` at a time,
/// each worker on its own keep-alive connection; records when each was
/// sent. Returns each like's status.
async fn like_all(
    args: &NotifyArgs,
    jobs: Vec<(usize, String, Uuid)>,
    sent_at: Option<Arc<Mutex<Vec<Option<Instant>>>>>,
) -> Result<Vec<u16>> {
    let uri: Uri = format!("{}/api/posts/like", args.base).parse()?;
    let origin = HeaderValue::from_str(&args.base)?;
    let total = jobs.len();
    let queue = Arc::new(Mutex::new(jobs));
    let statuses = Arc::new(Mutex::new(vec![0u16; total]));
    let mut workers = Vec::new();
    for _ in 0..args.concurrency.min(total) {
        let (uri, origin, queue, statuses, sent_at) =
            (uri.clone(), origin.clone(), queue.clone(), statuses.clone(), sent_at.clone());
        workers.push(tokio::spawn(async move {
            let mut sender = connect(&uri).await?;
            loop {
                let Some((i, cookie, post)) = queue.lock().await.pop() else { return anyhow::Ok(()) };
                let request = Request::builder()
                    .method(Method::POST)
                    .uri(uri.path())
                    .header("host", uri.authority().map(|a| a.as_str()).unwrap_or_default())
                    .header(CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .header(ORIGIN, origin.clone())
                    .header(COOKIE, HeaderValue::from_str(&cookie)?)
                    .body(Full::new(Bytes::from(format!("id={post}&like=true"))))?;
                if let Some(sent_at) = &sent_at {
                    sent_at.lock().await[i] = Some(Instant::now());
                }
                let response = sender.send_request(request).await?;
                let status = response.status().as_u16();
                response.into_body().collect().await?;
                statuses.lock().await[i] = status;
            }
        }));
    }
    for worker in workers {
        worker.await.context("a like worker panicked")??;
    }
    let statuses = statuses.lock().await.clone();
    Ok(statuses)
}

async fn connect(uri: &Uri) -> Result<hyper::client::conn::http1::SendRequest<Full<Bytes>>> {
    let authority = uri.authority().ok_or_else(|| anyhow!("no host in {uri}"))?;
    let tcp = TcpStream::connect(authority.as_str()).await?;
    tcp.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await?;
    tokio::spawn(connection);
    Ok(sender)
}

/// Waits (up to a minute) until the notifications consumer has handled
/// every event committed so far.
async fn caught_up(pool: &PgPool) -> Result<()> {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        let behind: bool = sqlx::query_scalar(
            "SELECT EXISTS (SELECT 1 FROM outbox_events e
                            WHERE NOT EXISTS (SELECT 1 FROM outbox_consumers c
                                              WHERE c.name = 'notifications' AND (c.last_tx, c.last_id) >= (e.tx_id, e.id)))",
        )
        .fetch_one(pool)
        .await?;
        if !behind {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    bail!("the notifications consumer did not catch up within a minute")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arguments_are_checked() {
        let args = |a: &[&str]| parse(a.iter().map(|s| s.to_string()));
        let ok = args(&["--base", "http://127.0.0.1:3260", "--database-url", "postgres://x/y", "--people", "p.txt"])
            .unwrap()
            .unwrap();
        assert_eq!((ok.concurrency, ok.server_pid), (16, None));
        assert!(args(&["--base", "http://x", "--database-url", "d"]).is_err());
        assert!(args(&["--base", "ftp://x", "--database-url", "d", "--people", "p"]).is_err());
        assert!(args(&["-h"]).unwrap().is_none());
    }

    #[test]
    fn the_people_file_is_read_line_by_line() {
        let (w, p) = (Uuid::new_v4(), Uuid::new_v4());
        let text = format!("post {p}\nwatcher {w} {p} sf_session=abc\nliker sf_session=def\n\n");
        let people = read_people(&text).unwrap();
        assert_eq!(people.post, Some(p));
        assert_eq!(people.watchers, vec![Watcher { id: w, post: p, cookie: "sf_session=abc".into() }]);
        assert_eq!(people.likers, vec!["sf_session=def".to_string()]);
        assert!(read_people("post nope").is_err());
        assert!(read_people(&format!("post {p}\n")).is_err(), "no watchers");
    }

    #[test]
    fn the_unread_count_is_read_from_an_inbox_update() {
        assert_eq!(unread_in(r#"{"type":"inbox","user_id":"x","unread":3,"version":9}"#), Some(3));
        assert_eq!(unread_in(r#"{"type":"stock","variant_id":"x","available":3}"#), None);
        assert_eq!(unread_in("not json"), None);
    }
}

//! Open `/live` streams, as many browser tabs hold them, for the real-time
//! benchmarks (`live`, `group-rush`, `notify`), and the server's memory as /proc
//! reports it.

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Empty};
use hyper::header::{HeaderValue, COOKIE};
use hyper::{Request, Uri};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// What a stream was told: which stream, an update's `data`, and when.
pub type Seen = (usize, String, Instant);

/// Opens `count` streams on `uri`, each its own TCP connection, and returns
/// once every one is subscribed (the server's greeting has arrived), with
/// the receiver of everything they are told from then on.
pub async fn open(uri: &Uri, count: usize) -> Result<mpsc::UnboundedReceiver<Seen>> {
    open_each((0..count).map(|_| (uri.clone(), None)).collect()).await
}

/// Opens one stream per `(uri, cookie)` (a signed-in page sends its
/// session cookie), as [`open`] does; stream `i` is the `i`th pair.
pub async fn open_each(pages: Vec<(Uri, Option<HeaderValue>)>) -> Result<mpsc::UnboundedReceiver<Seen>> {
    let count = pages.len();
    let (seen_tx, seen) = mpsc::unbounded_channel::<Seen>();
    let (ready_tx, mut ready) = mpsc::unbounded_channel::<()>();
    let opening = Instant::now();
    for (stream, (uri, cookie)) in pages.into_iter().enumerate() {
        let (seen_tx, ready_tx) = (seen_tx.clone(), ready_tx.clone());
        tokio::spawn(async move {
            if let Err(e) = watch(stream, uri, cookie, seen_tx, ready_tx).await {
                eprintln!("stream {stream}: {e:#}");
            }
        });
    }
    drop(ready_tx);
    for opened in 0..count {
        tokio::time::timeout(Duration::from_secs(60), ready.recv())
            .await
            .with_context(|| format!("only {opened} streams opened in time"))?
            .ok_or_else(|| anyhow!("only {opened} streams opened"))?;
    }
    println!("streams       {count} open in {:.1} s", opening.elapsed().as_secs_f64());
    Ok(seen)
}

/// One page's stream: reports when it is open, then every update's data.
async fn watch(
    stream: usize,
    uri: Uri,
    cookie: Option<HeaderValue>,
    seen: mpsc::UnboundedSender<Seen>,
    ready: mpsc::UnboundedSender<()>,
) -> Result<()> {
    let authority = uri.authority().ok_or_else(|| anyhow!("no host in {uri}"))?.clone();
    let tcp = TcpStream::connect(authority.as_str()).await?;
    tcp.set_nodelay(true)?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(tcp)).await?;
    tokio::spawn(connection);
    let mut request = Request::get(uri.clone()).header("host", authority.as_str());
    if let Some(cookie) = cookie {
        request = request.header(COOKIE, cookie);
    }
    let request = request.body(Empty::<Bytes>::new())?;
    let response = sender.send_request(request).await?;
    if !response.status().is_success() {
        bail!("{}", response.status());
    }
    let mut body = response.into_body();
    let mut buffer = String::new();
    let mut opened = false;
    while let Some(frame) = body.frame().await {
        let Ok(data) = frame?.into_data() else { continue };
        let at = Instant::now();
        buffer.push_str(std::str::from_utf8(&data)?);
        while let Some(end) = buffer.find("\n\n") {
            let block: String = buffer.drain(..end + 2).collect();
            if !opened {
                // The greeting comment: the stream is subscribed.
                opened = true;
                let _ = ready.send(());
            }
            if let Some(data) = data_of(&block) {
                let _ = seen.send((stream, data.to_string(), at));
            }
        }
    }
    Ok(())
}

/// The `data:` line of one server-sent event block.
fn data_of(block: &str) -> Option<&str> {
    block.lines().find_map(|l| l.strip_prefix("data:")).map(str::trim)
}

/// The process's resident memory in KiB.
pub fn resident_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status.lines().find_map(|l| l.strip_prefix("VmRSS:"))?.split_whitespace().next()?.parse().ok()
}

/// Resident memory per stream between two readings, in KiB.
pub fn kib_per_stream(before: Option<u64>, after: Option<u64>, streams: usize) -> Option<f64> {
    Some(after?.saturating_sub(before?) as f64 / streams as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_event_block_gives_its_data() {
        assert_eq!(data_of("id: 12.3\ndata: {\"a\":1}\n\n"), Some("{\"a\":1}"));
        assert_eq!(data_of(": hello\nretry: 1000\n\n"), None);
    }

    #[test]
    fn memory_per_stream_needs_both_readings() {
        assert_eq!(kib_per_stream(Some(1000), Some(3000), 1000), Some(2.0));
        assert_eq!(kib_per_stream(None, Some(3000), 1000), None);
    }
}

//! The load generator: N worker tasks share one pooled keep-alive HTTP/1.1
//! client and send requests back to back (worker i sends client i's request
//! of the [`RequestPlan`]), first through the warmup and then through the
//! measured window, each recording its own [`Samples`].

use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::COOKIE;
use hyper::{Request, StatusCode};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use tokio::time::{sleep, timeout, timeout_at, Instant};

use crate::args::{Args, Target};
use crate::requests::{plan, ClientFiles, RequestPlan};
use crate::stats::{summarize, RunInfo, Samples, Summary};

/// How long the first request to a target may take before giving up.
const PREFLIGHT_TIMEOUT: Duration = Duration::from_secs(30);
/// Pause after a failed connection, so a dead server is not hammered.
const TRANSPORT_ERROR_BACKOFF: Duration = Duration::from_millis(10);

type HttpClient = Client<HttpConnector, Full<Bytes>>;

/// How a request that got a response ended.
enum Outcome {
    /// A 2xx response whose body had this many bytes.
    Success(usize),
    /// Any other status.
    Status(StatusCode),
}

/// One target's requests, shared by the workers.
struct Job {
    client: HttpClient,
    plan: RequestPlan,
}

/// Benchmarks one target as `args` describe and summarizes the measurement.
pub async fn run(target: &Target, args: &Args, files: &ClientFiles) -> Result<Summary> {
    let job = Arc::new(Job { client: client(args.concurrency), plan: plan(args, target, files)? });
    preflight(&job).await?;

    let measure_from = Instant::now() + args.warmup;
    let end = measure_from + args.duration;
    let workers: Vec<_> =
        (0..args.concurrency).map(|i| tokio::spawn(worker(Arc::clone(&job), i, measure_from, end))).collect();
    let mut samples = Samples::default();
    for handle in workers {
        samples.merge(handle.await.context("a load worker panicked")?);
    }

    let info = RunInfo {
        label: target.label.clone(),
        url: target.url.to_string(),
        concurrency: args.concurrency,
        duration: args.duration,
        warmup: args.warmup,
    };
    Ok(summarize(info, samples))
}

/// A client that keeps up to `concurrency` idle connections open.
fn client(concurrency: usize) -> HttpClient {
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    Client::builder(TokioExecutor::new()).pool_max_idle_per_host(concurrency).build(connector)
}

/// Sends one request first, so an unreachable target fails fast and clearly.
async fn preflight(job: &Job) -> Result<()> {
    let outcome = timeout(PREFLIGHT_TIMEOUT, job.fetch(0))
        .await
        .map_err(|_| anyhow!("no response within {PREFLIGHT_TIMEOUT:?}"))
        .and_then(|result| result)
        .with_context(|| format!("cannot reach {}", job.plan.url))?;
    if let Outcome::Status(status) = outcome {
        eprintln!("warning: {} answered {status}; non-2xx responses count as errors", job.plan.url);
    }
    Ok(())
}

/// Sends requests until `end`, recording those started at or after
/// `measure_from`. A request still in flight at `end` is dropped unrecorded.
async fn worker(job: Arc<Job>, index: usize, measure_from: Instant, end: Instant) -> Samples {
    let mut samples = Samples::default();
    while Instant::now() < end {
        let started = Instant::now();
        let Ok(result) = timeout_at(end, job.fetch(index)).await else {
            break;
        };
        let measured = started >= measure_from;
        match result {
            Ok(Outcome::Success(bytes)) if measured => {
                samples.record_success(started.elapsed(), bytes);
            }
            Ok(Outcome::Status(_)) if measured => samples.status_errors += 1,
            Ok(_) => {}
            Err(_) => {
                if measured {
                    samples.transport_errors += 1;
                }
                sleep(TRANSPORT_ERROR_BACKOFF).await;
            }
        }
    }
    samples
}

impl Job {
    /// Sends client `index`'s request and reads the whole response body.
    async fn fetch(&self, index: usize) -> Result<Outcome> {
        let plan = &self.plan;
        let mine = &plan.clients[index % plan.clients.len()];
        let mut request = Request::new(Full::new(mine.body.clone()));
        *request.method_mut() = plan.method.clone();
        *request.uri_mut() = plan.url.clone();
        for (name, value) in &plan.headers {
            request.headers_mut().append(name.clone(), value.clone());
        }
        if let Some(cookie) = &mine.cookie {
            request.headers_mut().append(COOKIE, cookie.clone());
        }
        let response = self.client.request(request).await?;
        let status = response.status();
        let bytes = body_len(response.into_body()).await?;
        Ok(if status.is_success() { Outcome::Success(bytes) } else { Outcome::Status(status) })
    }
}

/// Reads a body to its end and returns its length in bytes.
async fn body_len(mut body: Incoming) -> Result<usize> {
    let mut len = 0;
    while let Some(frame) = body.frame().await {
        if let Some(data) = frame?.data_ref() {
            len += data.len();
        }
    }
    Ok(len)
}

//! Benchmark arithmetic: what each worker records ([`Samples`]), exact
//! nearest-rank percentiles over sorted latencies, and the per-URL
//! [`Summary`] that is printed for people and as a `BENCH_JSON` line.

use std::time::Duration;

use serde::Serialize;

/// What one or more workers observed during the measured window.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Samples {
    /// Latency of each successful (2xx) request, in microseconds.
    pub latencies_us: Vec<u64>,
    /// Body bytes read from successful requests.
    pub body_bytes: u64,
    /// Requests answered with a status outside 200..=299.
    pub status_errors: u64,
    /// Requests that failed before a full response was read.
    pub transport_errors: u64,
}

impl Samples {
    pub fn record_success(&mut self, latency: Duration, body_bytes: usize) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.latencies_us.push(micros);
        self.body_bytes += body_bytes as u64;
    }

    /// Adds another worker's samples to these.
    pub fn merge(&mut self, other: Samples) {
        self.latencies_us.extend(other.latencies_us);
        self.body_bytes += other.body_bytes;
        self.status_errors += other.status_errors;
        self.transport_errors += other.transport_errors;
    }
}

/// The exact nearest-rank `p`th percentile (0–100) of ascending `sorted`
/// values: the smallest value with at least `p`% of values at or below it.
/// `None` when there are no values.
pub fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = (p.clamp(0.0, 100.0) / 100.0 * n as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, n) - 1])
}

/// Latency distribution of the successful requests, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Latency {
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
    pub mean_ms: f64,
}

/// The result of benchmarking one URL.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    pub label: String,
    pub url: String,
    pub concurrency: usize,
    pub duration_s: f64,
    pub warmup_s: f64,
    /// Completed requests, errors included.
    pub requests: u64,
    pub errors: u64,
    pub status_errors: u64,
    pub transport_errors: u64,
    /// Completed requests (errors included) per second of measured time.
    pub requests_per_sec: f64,
    /// `None` when no request succeeded.
    pub latency: Option<Latency>,
    /// Mean body size of the successful responses.
    pub mean_body_bytes: f64,
}

/// How a run was set up, for [`summarize`].
#[derive(Debug, Clone)]
pub struct RunInfo {
    pub label: String,
    pub url: String,
    pub concurrency: usize,
    pub duration: Duration,
    pub warmup: Duration,
}

/// Turns what was recorded during `info.duration` into a [`Summary`].
pub fn summarize(info: RunInfo, mut samples: Samples) -> Summary {
    samples.latencies_us.sort_unstable();
    let ok = samples.latencies_us.len() as u64;
    let errors = samples.status_errors + samples.transport_errors;
    let requests = ok + errors;
    let secs = info.duration.as_secs_f64();
    Summary {
        label: info.label,
        url: info.url,
        concurrency: info.concurrency,
        duration_s: secs,
        warmup_s: info.warmup.as_secs_f64(),
        requests,
        errors,
        status_errors: samples.status_errors,
        transport_errors: samples.transport_errors,
        requests_per_sec: if secs > 0.0 { requests as f64 / secs } else { 0.0 },
        latency: latency(&samples.latencies_us),
        mean_body_bytes: mean(samples.body_bytes, ok),
    }
}

/// Latency of one group of requests (a step of a purchase, the holds that
/// got stock), in milliseconds.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupLatency {
    pub name: &'static str,
    pub requests: usize,
    pub p50_ms: f64,
    pub p90_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

/// The [`GroupLatency`] of `latencies` (microseconds, in any order); zeros
/// for an empty group.
pub fn figures(name: &'static str, latencies: impl Iterator<Item = u64>) -> GroupLatency {
    let mut us: Vec<u64> = latencies.collect();
    us.sort_unstable();
    GroupLatency {
        name,
        requests: us.len(),
        p50_ms: ms(percentile(&us, 50.0)),
        p90_ms: ms(percentile(&us, 90.0)),
        p99_ms: ms(percentile(&us, 99.0)),
        max_ms: ms(us.last().copied()),
    }
}

/// Microseconds as milliseconds, 0 for none.
pub fn ms(us: Option<u64>) -> f64 {
    us.map_or(0.0, us_to_ms)
}

fn latency(sorted_us: &[u64]) -> Option<Latency> {
    let ms = |p: f64| percentile(sorted_us, p).map(us_to_ms);
    Some(Latency {
        p50_ms: ms(50.0)?,
        p90_ms: ms(90.0)?,
        p99_ms: ms(99.0)?,
        max_ms: ms(100.0)?,
        mean_ms: mean(sorted_us.iter().sum(), sorted_us.len() as u64) / 1000.0,
    })
}

fn us_to_ms(us: u64) -> f64 {
    us as f64 / 1000.0
}

fn mean(total: u64, count: u64) -> f64 {
    if count == 0 {
        0.0
    } else {
        total as f64 / count as f64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_one_to_hundred() {
        let values: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&values, 50.0), Some(50));
        assert_eq!(percentile(&values, 90.0), Some(90));
        assert_eq!(percentile(&values, 99.0), Some(99));
        assert_eq!(percentile(&values, 100.0), Some(100));
        assert_eq!(percentile(&values, 0.0), Some(1));
        assert_eq!(percentile(&values, 99.5), Some(100));
    }

    #[test]
    fn percentiles_of_few_values() {
        assert_eq!(percentile(&[7], 50.0), Some(7));
        assert_eq!(percentile(&[7], 99.0), Some(7));
        assert_eq!(percentile(&[1, 2], 50.0), Some(1));
        assert_eq!(percentile(&[1, 2], 51.0), Some(2));
        assert_eq!(percentile(&[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90.0), Some(9));
    }

    #[test]
    fn percentile_of_nothing_is_none() {
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn out_of_range_percentiles_are_clamped() {
        assert_eq!(percentile(&[1, 2, 3], -5.0), Some(1));
        assert_eq!(percentile(&[1, 2, 3], 250.0), Some(3));
    }

    fn info(duration: Duration) -> RunInfo {
        RunInfo {
            label: "home".into(),
            url: "http://h/".into(),
            concurrency: 4,
            duration,
            warmup: Duration::from_secs(1),
        }
    }

    #[test]
    fn summary_counts_errors_in_throughput_not_latency() {
        let mut a = Samples::default();
        for ms in [4u64, 1, 3] {
            a.record_success(Duration::from_millis(ms), 100);
        }
        a.status_errors = 2;
        let mut b = Samples::default();
        b.record_success(Duration::from_micros(2_500), 300);
        b.transport_errors = 1;
        a.merge(b);

        let s = summarize(info(Duration::from_secs(2)), a);
        assert_eq!((s.requests, s.errors), (7, 3));
        assert_eq!((s.status_errors, s.transport_errors), (2, 1));
        assert_eq!(s.requests_per_sec, 3.5);
        assert_eq!(s.mean_body_bytes, 150.0);
        let latency = s.latency.expect("successful requests were recorded");
        assert_eq!(latency.p50_ms, 2.5);
        assert_eq!(latency.p90_ms, 4.0);
        assert_eq!(latency.max_ms, 4.0);
        assert_eq!(latency.mean_ms, 2.625);
    }

    #[test]
    fn summary_without_successes() {
        let samples = Samples { status_errors: 5, ..Samples::default() };
        let s = summarize(info(Duration::from_secs(1)), samples);
        assert_eq!(s.latency, None);
        assert_eq!(s.mean_body_bytes, 0.0);
        assert_eq!(s.requests, 5);
        let json = serde_json::to_value(&s).expect("a summary serializes");
        assert!(json["latency"].is_null());
        assert_eq!(json["label"], "home");
    }
}

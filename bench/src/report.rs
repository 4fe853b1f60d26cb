//! Output of a benchmark: the human-readable block for one URL and the
//! machine-readable `BENCH_JSON {...}` line that follows it.

use std::fmt::Write as _;

use anyhow::{Context, Result};

use crate::stats::Summary;

/// Prefix of the machine-readable line, for scripts to grep.
pub const JSON_PREFIX: &str = "BENCH_JSON ";

/// The human-readable report for one URL, ending in a newline.
pub fn human(s: &Summary) -> String {
    let latency = match &s.latency {
        Some(l) => format!("p50 {:.3}  p90 {:.3}  p99 {:.3}  max {:.3}", l.p50_ms, l.p90_ms, l.p99_ms, l.max_ms),
        None => "n/a (no successful requests)".to_owned(),
    };
    let mut out = String::new();
    let mut line = |name: &str, value: String| {
        // Writing to a String cannot fail.
        let _ = writeln!(out, "  {name:<12} {value}");
    };
    line("url", s.url.clone());
    line("concurrency", s.concurrency.to_string());
    line("duration", format!("{:.1} s (after {:.1} s warmup)", s.duration_s, s.warmup_s));
    line("requests", s.requests.to_string());
    line("errors", format!("{} ({} non-2xx, {} transport)", s.errors, s.status_errors, s.transport_errors));
    line("requests/s", format!("{:.1}", s.requests_per_sec));
    line("latency ms", latency);
    line("mean body", format!("{:.0} bytes", s.mean_body_bytes));
    format!("== {}\n{out}", s.label)
}

/// The `BENCH_JSON {...}` line for one URL, without a newline.
pub fn json_line(s: &Summary) -> Result<String> {
    let json = serde_json::to_string(s).context("could not serialize the summary")?;
    Ok(format!("{JSON_PREFIX}{json}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::stats::Latency;

    fn summary() -> Summary {
        Summary {
            label: "SSR home page".into(),
            url: "http://127.0.0.1:3200/".into(),
            concurrency: 50,
            duration_s: 15.0,
            warmup_s: 3.0,
            requests: 1500,
            errors: 2,
            status_errors: 2,
            transport_errors: 0,
            requests_per_sec: 100.0,
            latency: Some(Latency { p50_ms: 12.3456, p90_ms: 20.0, p99_ms: 31.5, max_ms: 40.001, mean_ms: 13.0 }),
            mean_body_bytes: 4567.4,
        }
    }

    #[test]
    fn human_block_has_every_figure() {
        let text = human(&summary());
        assert!(text.starts_with("== SSR home page\n"));
        for expected in [
            "concurrency  50",
            "duration     15.0 s (after 3.0 s warmup)",
            "requests     1500",
            "errors       2 (2 non-2xx, 0 transport)",
            "requests/s   100.0",
            "p50 12.346  p90 20.000  p99 31.500  max 40.001",
            "mean body    4567 bytes",
        ] {
            assert!(text.contains(expected), "missing `{expected}` in:\n{text}");
        }
    }

    #[test]
    fn json_line_is_prefixed_json() {
        let line = json_line(&summary()).expect("serializes");
        let json = line.strip_prefix(JSON_PREFIX).expect("has the prefix");
        let value: serde_json::Value = serde_json::from_str(json).expect("valid JSON");
        assert_eq!(value["label"], "SSR home page");
        assert_eq!(value["requests"], 1500);
        assert_eq!(value["latency"]["p99_ms"], 31.5);
        assert!(!line.contains('\n'));
    }
}

//! Command-line options of `storefeed-bench`, parsed by hand from
//! `std::env::args`: the target URLs and their labels, the load shape
//! (concurrency, warmup, duration) and extra request headers.

use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use hyper::header::{HeaderName, HeaderValue};
use hyper::Uri;

pub const USAGE: &str = "\
usage: storefeed-bench --url URL [--url URL ...] [options]

Benchmarks each URL in turn with GET requests over keep-alive HTTP/1.1
connections and prints one report per URL (plus a `BENCH_JSON {...}` line).

options:
  --url URL          target (http:// only); repeat to benchmark several URLs
  --label NAME       name for the report; labels pair with --url in order
  --concurrency N    concurrent connections (default 50)
  --duration SECS    measured time per URL (default 10)
  --warmup SECS      unmeasured load before each measurement (default 2)
  --header 'K: V'    extra request header; repeatable
  -h, --help         print this help";

const DEFAULT_CONCURRENCY: usize = 50;
const DEFAULT_DURATION: Duration = Duration::from_secs(10);
const DEFAULT_WARMUP: Duration = Duration::from_secs(2);

/// One URL to benchmark, with the name its report carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub label: String,
    pub url: Uri,
}

/// Everything a benchmark run needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    pub targets: Vec<Target>,
    pub concurrency: usize,
    pub duration: Duration,
    pub warmup: Duration,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

/// What the command line asks for.
#[derive(Debug, PartialEq, Eq)]
pub enum Command {
    Run(Args),
    Help,
}

/// Parses the arguments that follow the program name.
pub fn parse<I, S>(args: I) -> Result<Command>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut urls = Vec::new();
    let mut labels = Vec::new();
    let mut concurrency = DEFAULT_CONCURRENCY;
    let mut duration = DEFAULT_DURATION;
    let mut warmup = DEFAULT_WARMUP;
    let mut headers = Vec::new();

    let mut args = args.into_iter().map(Into::into);
    while let Some(arg) = args.next() {
        let (flag, inline) = split_flag(&arg);
        if matches!(flag, "-h" | "--help") {
            return Ok(Command::Help);
        }
        let mut value = || -> Result<String> {
            inline.map(str::to_owned).or_else(|| args.next()).ok_or_else(|| anyhow!("{flag} needs a value"))
        };
        match flag {
            "--url" => urls.push(parse_url(&value()?)?),
            "--label" => labels.push(value()?),
            "--concurrency" => concurrency = parse_concurrency(&value()?)?,
            "--duration" => duration = parse_seconds(flag, &value()?, false)?,
            "--warmup" => warmup = parse_seconds(flag, &value()?, true)?,
            "--header" => headers.push(parse_header(&value()?)?),
            _ => bail!("unknown argument `{arg}` (try --help)"),
        }
    }

    Ok(Command::Run(Args { targets: pair_labels(urls, labels)?, concurrency, duration, warmup, headers }))
}

/// Splits `--flag=value` into its flag and inline value.
fn split_flag(arg: &str) -> (&str, Option<&str>) {
    match arg.split_once('=') {
        Some((flag, value)) if flag.starts_with("--") => (flag, Some(value)),
        _ => (arg, None),
    }
}

fn parse_url(text: &str) -> Result<Uri> {
    let url: Uri = text.parse().with_context(|| format!("--url `{text}` is not a valid URL"))?;
    if url.scheme_str() != Some("http") || url.authority().is_none() {
        bail!("--url `{text}` must be an absolute http:// URL (https is not supported)");
    }
    Ok(url)
}

fn parse_concurrency(text: &str) -> Result<usize> {
    match text.parse::<usize>() {
        Ok(n) if n > 0 => Ok(n),
        _ => bail!("--concurrency `{text}` must be a whole number of at least 1"),
    }
}

/// Parses seconds such as `10`, `2.5` or `15s`.
fn parse_seconds(flag: &str, text: &str, allow_zero: bool) -> Result<Duration> {
    let number = text.strip_suffix('s').unwrap_or(text);
    let secs = number.parse::<f64>().ok().filter(|s| s.is_finite());
    match secs.and_then(|s| Duration::try_from_secs_f64(s).ok()) {
        Some(d) if allow_zero || !d.is_zero() => Ok(d),
        _ if allow_zero => bail!("{flag} `{text}` must be a number of seconds, 0 or more"),
        _ => bail!("{flag} `{text}` must be a number of seconds above 0"),
    }
}

/// Parses `Name: value` into a typed header.
fn parse_header(text: &str) -> Result<(HeaderName, HeaderValue)> {
    let (name, value) =
        text.split_once(':').ok_or_else(|| anyhow!("--header `{text}` must look like `Name: value`"))?;
    let name = HeaderName::from_bytes(name.trim().as_bytes())
        .with_context(|| format!("--header `{text}` has an invalid name"))?;
    let value =
        HeaderValue::from_str(value.trim()).with_context(|| format!("--header `{text}` has an invalid value"))?;
    Ok((name, value))
}

/// Gives each URL the label at its position, or its own text when unlabelled.
fn pair_labels(urls: Vec<Uri>, labels: Vec<String>) -> Result<Vec<Target>> {
    if urls.is_empty() {
        bail!("at least one --url is required (try --help)");
    }
    if labels.len() > urls.len() {
        bail!("{} --label given for {} --url: labels pair with URLs in order", labels.len(), urls.len());
    }
    let mut labels = labels.into_iter();
    Ok(urls.into_iter().map(|url| Target { label: labels.next().unwrap_or_else(|| url.to_string()), url }).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> Args {
        match parse(args.iter().copied()) {
            Ok(Command::Run(args)) => args,
            other => panic!("expected Run, got {other:?}"),
        }
    }

    fn error(args: &[&str]) -> String {
        match parse(args.iter().copied()) {
            Err(e) => format!("{e:#}"),
            Ok(other) => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn full_command_line() {
        let args = run(&[
            "--url",
            "http://127.0.0.1:3000/",
            "--url",
            "http://127.0.0.1:3000/u/maya",
            "--concurrency",
            "8",
            "--duration",
            "15",
            "--warmup",
            "0.5",
            "--header",
            "Cookie: x=y",
            "--label",
            "home",
        ]);
        assert_eq!(args.concurrency, 8);
        assert_eq!(args.duration, Duration::from_secs(15));
        assert_eq!(args.warmup, Duration::from_millis(500));
        assert_eq!(args.targets.len(), 2);
        assert_eq!(args.targets[0].label, "home");
        assert_eq!(args.targets[0].url, "http://127.0.0.1:3000/");
        assert_eq!(args.targets[1].label, "http://127.0.0.1:3000/u/maya");
        assert_eq!(args.headers.len(), 1);
        assert_eq!(args.headers[0].0, "cookie");
        assert_eq!(args.headers[0].1, "x=y");
    }

    #[test]
    fn defaults_and_inline_values() {
        let args = run(&["--url=http://localhost:3000/", "--duration=3s"]);
        assert_eq!(args.concurrency, DEFAULT_CONCURRENCY);
        assert_eq!(args.duration, Duration::from_secs(3));
        assert_eq!(args.warmup, DEFAULT_WARMUP);
        assert!(args.headers.is_empty());
        assert_eq!(args.targets[0].label, "http://localhost:3000/");
    }

    #[test]
    fn labels_pair_with_urls_in_order() {
        let args = run(&["--label", "a", "--url", "http://h/1", "--label", "b", "--url", "http://h/2"]);
        let labels: Vec<_> = args.targets.iter().map(|t| t.label.as_str()).collect();
        assert_eq!(labels, ["a", "b"]);
    }

    #[test]
    fn help() {
        assert_eq!(parse(["--url", "http://h/", "-h"]).ok(), Some(Command::Help));
        assert_eq!(parse(["--help"]).ok(), Some(Command::Help));
    }

    #[test]
    fn rejects_bad_input() {
        assert!(error(&[]).contains("at least one --url"));
        assert!(error(&["--url"]).contains("--url needs a value"));
        assert!(error(&["--url", "https://h/"]).contains("http://"));
        assert!(error(&["--url", "/relative"]).contains("http://"));
        assert!(error(&["--url", "http://h/ x"]).contains("not a valid URL"));
        assert!(error(&["--url", "http://h/", "--concurrency", "0"]).contains("at least 1"));
        assert!(error(&["--url", "http://h/", "--concurrency", "-3"]).contains("at least 1"));
        assert!(error(&["--url", "http://h/", "--duration", "0"]).contains("above 0"));
        assert!(error(&["--url", "http://h/", "--duration", "soon"]).contains("above 0"));
        assert!(error(&["--url", "http://h/", "--warmup", "-1"]).contains("0 or more"));
        assert!(error(&["--url", "http://h/", "--warmup", "inf"]).contains("0 or more"));
        assert!(error(&["--url", "http://h/", "--header", "NoColon"]).contains("Name: value"));
        assert!(error(&["--url", "http://h/", "--header", "Bad Name: v"]).contains("invalid name"));
        assert!(error(&["--url", "http://h/", "--bogus"]).contains("unknown argument `--bogus`"));
        assert!(error(&["--url", "http://h/", "--label", "a", "--label", "b"]).contains("labels pair with URLs"));
    }

    #[test]
    fn zero_warmup_is_allowed() {
        assert_eq!(run(&["--url", "http://h/", "--warmup", "0"]).warmup, Duration::ZERO);
    }
}

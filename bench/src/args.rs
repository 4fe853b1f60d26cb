//! Command-line options of `storefeed-bench`, parsed by hand from
//! `std::env::args`: the target URLs and their labels, the load shape
//! (concurrency, warmup, duration), what each request carries (method, body,
//! headers, per-client cookies), and the `jpeg` test-image subcommand.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use hyper::header::{HeaderName, HeaderValue};
use hyper::{Method, Uri};

pub const USAGE: &str = "\
usage: storefeed-bench --url URL [--url URL ...] [options]
       storefeed-bench jpeg --out FILE [--width W] [--height H] [--quality Q]
       storefeed-bench flash-sale --help
       storefeed-bench events --help
       storefeed-bench gate --help
       storefeed-bench live --help
       storefeed-bench group-rush --help
       storefeed-bench notify --help

Benchmarks each URL in turn over keep-alive HTTP/1.1 connections and prints
one report per URL (plus a `BENCH_JSON {...}` line). `jpeg` writes a
photo-like test JPEG (default 4000x3000, quality 90) for upload timings.

options:
  --url URL            target (http:// only); repeat to benchmark several URLs
  --label NAME         name for the report; labels pair with --url in order
  --concurrency N      concurrent clients (default 50)
  --duration SECS      measured time per URL (default 10)
  --warmup SECS        unmeasured load before each measurement (default 2)
  --header 'K: V'      extra request header; repeatable
  --method M           GET (default) or POST; a POST without an Origin header
                       gets the target's own origin, as a browser would send
  --body TEXT          request body (POST only)
  --body-file FILE     one body per line, client i sends line i mod n (POST only)
  --content-type TYPE  of the body (default application/x-www-form-urlencoded)
  --cookie-file FILE   one cookie per line (e.g. sf_session=...), client i
                       sends line i mod n as its Cookie header
  -h, --help           print this help";

const DEFAULT_CONCURRENCY: usize = 50;
const DEFAULT_DURATION: Duration = Duration::from_secs(10);
const DEFAULT_WARMUP: Duration = Duration::from_secs(2);

/// One URL to benchmark, with the name its report carries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub label: String,
    pub url: Uri,
}

/// Where request bodies come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BodySource {
    /// No body (GET).
    Empty,
    /// The same body on every request.
    Fixed(String),
    /// One body per line; client i sends line i mod n.
    PerClient(PathBuf),
}

/// Everything a benchmark run needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Args {
    pub targets: Vec<Target>,
    pub concurrency: usize,
    pub duration: Duration,
    pub warmup: Duration,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub method: Method,
    pub body: BodySource,
    /// Sent with every body; `None` without one.
    pub content_type: Option<HeaderValue>,
    /// One `Cookie` header value per line; client i sends line i mod n.
    pub cookie_file: Option<PathBuf>,
}

/// What the `jpeg` subcommand writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JpegArgs {
    pub out: PathBuf,
    pub width: u32,
    pub height: u32,
    pub quality: u8,
}

/// What the command line asks for.
#[derive(Debug, PartialEq)]
pub enum Command {
    Run(Args),
    Jpeg(JpegArgs),
    Flash(crate::flash::FlashArgs),
    FlashHelp,
    Gate(crate::gate::GateArgs),
    GateHelp,
    Events(crate::ingest::IngestArgs),
    EventsHelp,
    Live(crate::live::LiveArgs),
    LiveHelp,
    GroupRush(crate::group_rush::RushArgs),
    GroupRushHelp,
    Notify(crate::notify::NotifyArgs),
    NotifyHelp,
    Help,
}

const DEFAULT_CONTENT_TYPE: &str = "application/x-www-form-urlencoded";
const DEFAULT_JPEG_WIDTH: u32 = 4000;
const DEFAULT_JPEG_HEIGHT: u32 = 3000;
const DEFAULT_JPEG_QUALITY: u8 = 90;
/// Largest side `jpeg` accepts (the JPEG format's own limit).
const MAX_JPEG_SIDE: u32 = 65_535;

/// Parses the arguments that follow the program name.
pub fn parse<I, S>(args: I) -> Result<Command>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut args = args.into_iter().map(Into::into).peekable();
    if args.peek().map(String::as_str) == Some("jpeg") {
        args.next();
        return parse_jpeg(args);
    }
    if args.peek().map(String::as_str) == Some("flash-sale") {
        args.next();
        return Ok(crate::flash::parse(args)?.map_or(Command::FlashHelp, Command::Flash));
    }
    if args.peek().map(String::as_str) == Some("gate") {
        args.next();
        return Ok(crate::gate::parse(args)?.map_or(Command::GateHelp, Command::Gate));
    }
    if args.peek().map(String::as_str) == Some("events") {
        args.next();
        return Ok(crate::ingest::parse(args)?.map_or(Command::EventsHelp, Command::Events));
    }
    if args.peek().map(String::as_str) == Some("live") {
        args.next();
        return Ok(crate::live::parse(args)?.map_or(Command::LiveHelp, Command::Live));
    }
    if args.peek().map(String::as_str) == Some("notify") {
        args.next();
        return Ok(crate::notify::parse(args)?.map_or(Command::NotifyHelp, Command::Notify));
    }
    if args.peek().map(String::as_str) == Some("group-rush") {
        args.next();
        return Ok(crate::group_rush::parse(args)?.map_or(Command::GroupRushHelp, Command::GroupRush));
    }

    let mut urls = Vec::new();
    let mut labels = Vec::new();
    let mut concurrency = DEFAULT_CONCURRENCY;
    let mut duration = DEFAULT_DURATION;
    let mut warmup = DEFAULT_WARMUP;
    let mut headers = Vec::new();
    let mut method = Method::GET;
    let mut body = BodySource::Empty;
    let mut content_type = None;
    let mut cookie_file = None;

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
            "--method" => method = parse_method(&value()?)?,
            "--body" => body = set_body(body, BodySource::Fixed(value()?))?,
            "--body-file" => body = set_body(body, BodySource::PerClient(parse_path(flag, &value()?)?))?,
            "--content-type" => content_type = Some(parse_content_type(&value()?)?),
            "--cookie-file" => cookie_file = Some(parse_path(flag, &value()?)?),
            _ => bail!("unknown argument `{arg}` (try --help)"),
        }
    }

    let content_type = match (&body, content_type) {
        (BodySource::Empty, Some(_)) => bail!("--content-type needs --body or --body-file"),
        (BodySource::Empty, None) => None,
        (_, Some(given)) => Some(given),
        (_, None) => Some(HeaderValue::from_static(DEFAULT_CONTENT_TYPE)),
    };
    if method == Method::GET && body != BodySource::Empty {
        bail!("--body and --body-file need --method POST");
    }
    Ok(Command::Run(Args {
        targets: pair_labels(urls, labels)?,
        concurrency,
        duration,
        warmup,
        headers,
        method,
        body,
        content_type,
        cookie_file,
    }))
}

/// Parses the arguments of `jpeg`.
fn parse_jpeg(args: impl Iterator<Item = String>) -> Result<Command> {
    let mut out = None;
    let mut width = DEFAULT_JPEG_WIDTH;
    let mut height = DEFAULT_JPEG_HEIGHT;
    let mut quality = DEFAULT_JPEG_QUALITY;
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        let (flag, inline) = split_flag(&arg);
        if matches!(flag, "-h" | "--help") {
            return Ok(Command::Help);
        }
        let mut value = || -> Result<String> {
            inline.map(str::to_owned).or_else(|| args.next()).ok_or_else(|| anyhow!("{flag} needs a value"))
        };
        match flag {
            "--out" => out = Some(parse_path(flag, &value()?)?),
            "--width" => width = parse_side(flag, &value()?)?,
            "--height" => height = parse_side(flag, &value()?)?,
            "--quality" => quality = parse_quality(&value()?)?,
            _ => bail!("unknown argument `{arg}` for jpeg (try --help)"),
        }
    }
    let out = out.ok_or_else(|| anyhow!("jpeg needs --out FILE"))?;
    Ok(Command::Jpeg(JpegArgs { out, width, height, quality }))
}

fn parse_side(flag: &str, text: &str) -> Result<u32> {
    match text.parse::<u32>() {
        Ok(n) if (1..=MAX_JPEG_SIDE).contains(&n) => Ok(n),
        _ => bail!("{flag} `{text}` must be a whole number of pixels from 1 to {MAX_JPEG_SIDE}"),
    }
}

fn parse_quality(text: &str) -> Result<u8> {
    match text.parse::<u8>() {
        Ok(q) if (1..=100).contains(&q) => Ok(q),
        _ => bail!("--quality `{text}` must be a whole number from 1 to 100"),
    }
}

fn parse_method(text: &str) -> Result<Method> {
    match text.to_ascii_uppercase().as_str() {
        "GET" => Ok(Method::GET),
        "POST" => Ok(Method::POST),
        _ => bail!("--method `{text}` must be GET or POST"),
    }
}

/// Only one of `--body` and `--body-file` may be given.
fn set_body(current: BodySource, new: BodySource) -> Result<BodySource> {
    match current {
        BodySource::Empty => Ok(new),
        _ => bail!("give --body or --body-file once, not several times"),
    }
}

fn parse_path(flag: &str, text: &str) -> Result<PathBuf> {
    if text.is_empty() {
        bail!("{flag} needs a file name");
    }
    Ok(PathBuf::from(text))
}

fn parse_content_type(text: &str) -> Result<HeaderValue> {
    let value = HeaderValue::from_str(text.trim()).ok().filter(|v| !v.is_empty());
    value.ok_or_else(|| anyhow!("--content-type `{text}` is not a valid header value"))
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

    #[test]
    fn get_is_the_default_without_body_or_cookies() {
        let args = run(&["--url", "http://h/"]);
        assert_eq!(args.method, Method::GET);
        assert_eq!(args.body, BodySource::Empty);
        assert_eq!(args.content_type, None);
        assert_eq!(args.cookie_file, None);
    }

    #[test]
    fn post_with_a_form_body_and_cookies() {
        let args = run(&[
            "--url",
            "http://h/api/feed/home",
            "--method",
            "POST",
            "--body",
            "cursor=1_ab",
            "--cookie-file=/tmp/cookies.txt",
        ]);
        assert_eq!(args.method, Method::POST);
        assert_eq!(args.body, BodySource::Fixed("cursor=1_ab".into()));
        assert_eq!(args.content_type.unwrap(), "application/x-www-form-urlencoded");
        assert_eq!(args.cookie_file, Some(PathBuf::from("/tmp/cookies.txt")));
    }

    #[test]
    fn an_empty_body_is_still_a_body() {
        let args = run(&["--url", "http://h/", "--method", "post", "--body", ""]);
        assert_eq!(args.body, BodySource::Fixed(String::new()));
        assert!(args.content_type.is_some());
    }

    #[test]
    fn body_file_and_content_type() {
        let args = run(&[
            "--url",
            "http://h/",
            "--method",
            "POST",
            "--body-file",
            "bodies.txt",
            "--content-type",
            "application/json",
        ]);
        assert_eq!(args.body, BodySource::PerClient(PathBuf::from("bodies.txt")));
        assert_eq!(args.content_type.unwrap(), "application/json");
    }

    #[test]
    fn rejects_bad_request_shapes() {
        assert!(error(&["--url", "http://h/", "--method", "PUT"]).contains("GET or POST"));
        assert!(error(&["--url", "http://h/", "--body", "a=1"]).contains("need --method POST"));
        assert!(
            error(&["--url", "http://h/", "--method", "POST", "--content-type", "text/plain"]).contains("needs --body")
        );
        assert!(error(&["--url", "http://h/", "--method", "POST", "--body", "a", "--body-file", "f"]).contains("once"));
        assert!(error(&["--url", "http://h/", "--cookie-file", ""]).contains("needs a file name"));
        assert!(error(&["--url", "http://h/", "--method", "POST", "--body", "a", "--content-type", "a\u{7f}"])
            .contains("not a valid header value"));
    }

    #[test]
    fn jpeg_subcommand() {
        match parse(["jpeg", "--out", "/tmp/p.jpg", "--width=400", "--height", "300", "--quality", "75"]) {
            Ok(Command::Jpeg(j)) => {
                assert_eq!(j, JpegArgs { out: PathBuf::from("/tmp/p.jpg"), width: 400, height: 300, quality: 75 })
            }
            other => panic!("expected Jpeg, got {other:?}"),
        }
        match parse(["jpeg", "--out", "p.jpg"]) {
            Ok(Command::Jpeg(j)) => assert_eq!((j.width, j.height, j.quality), (4000, 3000, 90)),
            other => panic!("expected Jpeg, got {other:?}"),
        }
        assert_eq!(parse(["jpeg", "--help"]).ok(), Some(Command::Help));
        assert!(error(&["jpeg"]).contains("--out FILE"));
        assert!(error(&["jpeg", "--out", "p", "--width", "0"]).contains("from 1 to 65535"));
        assert!(error(&["jpeg", "--out", "p", "--quality", "101"]).contains("from 1 to 100"));
        assert!(error(&["jpeg", "--out", "p", "--url", "http://h/"]).contains("unknown argument `--url` for jpeg"));
    }
}

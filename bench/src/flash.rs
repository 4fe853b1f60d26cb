//! `storefeed-bench flash-sale`: many signed-in buyers (one session cookie
//! each) go for the same variant at once, each through the real purchase
//! path over HTTP: add to cart → open checkout (the stock hold) → address →
//! shipping → review (the checkout as the page shows it, with its total) →
//! pay as a browser does: "Pay" opens a payment session for that total and
//! answers with the provider's hosted page, the test card is posted there
//! (to the provider, never to Storefeed), and the provider's redirect back
//! (token and state) places the order and answers with its confirmation;
//! or, with
//! `--buy-now-every`, some or all buyers take the one-tap path instead: the
//! product sheet's quote, then Buy now with the saved card and address
//! (one request). Reports how many bought,
//! how many were told "sold out" and at which step, orders per second, and
//! latency per step. `scripts/bench-flash-sale.sh` seeds the buyers, runs
//! this, and checks the database afterwards.

use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{HeaderValue, CONTENT_TYPE, COOKIE, LOCATION, ORIGIN};
use hyper::{Method, Request, StatusCode, Uri};
use hyper_util::client::legacy::connect::HttpConnector;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde::Serialize;
use tokio::sync::Semaphore;
use tokio::time::Instant;

use crate::stats::{figures, ms, percentile, GroupLatency};

pub const USAGE: &str = "\
usage: storefeed-bench flash-sale --base URL --cookie-file FILE --variant UUID --shop HANDLE [options]

Every line of the cookie file is one buyer. All buyers start at once (or
spread over --ramp seconds) and each runs add-to-cart, checkout, address,
shipping, review, pay, the provider's card page and the way back to the
order against the server at --base.

options:
  --connections N   requests in flight at most, over as many keep-alive
                    connections (default 256)
  --ramp SECS       spread the buyers' start over this many seconds (default 0)
  --card NUMBER     test card to type on the provider's page
                    (default 4242424242424242)
  --buy-now-every N every Nth buyer uses Buy now (quote, then one request
                    with the saved card and address); 1 = all, 0 = none
                    (default 0)";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlashArgs {
    pub base: String,
    pub cookie_file: std::path::PathBuf,
    pub variant: String,
    pub shop: String,
    pub connections: usize,
    pub ramp: Duration,
    pub card: String,
    pub buy_now_every: usize,
}

/// Parses the arguments after `flash-sale`; `None` asks for the usage text.
pub fn parse(args: impl Iterator<Item = String>) -> Result<Option<FlashArgs>> {
    let (mut base, mut cookie_file, mut variant, mut shop) = (None, None, None, None);
    let mut connections = 256;
    let mut ramp = Duration::ZERO;
    let mut card = "4242424242424242".to_string();
    let mut buy_now_every = 0;
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if matches!(flag.as_str(), "-h" | "--help") {
            return Ok(None);
        }
        let value = args.next().ok_or_else(|| anyhow!("{flag} needs a value"))?;
        match flag.as_str() {
            "--base" => base = Some(value.trim_end_matches('/').to_string()),
            "--cookie-file" => cookie_file = Some(value.into()),
            "--variant" => variant = Some(value),
            "--shop" => shop = Some(value),
            "--connections" => {
                connections = value
                    .parse()
                    .ok()
                    .filter(|n| (1..=20_000).contains(n))
                    .ok_or_else(|| anyhow!("--connections `{value}` must be a whole number from 1 to 20000"))?
            }
            "--ramp" => {
                let secs: f64 = value
                    .parse()
                    .ok()
                    .filter(|s: &f64| (0.0..=600.0).contains(s))
                    .ok_or_else(|| anyhow!("--ramp `{value}` must be a number of seconds from 0 to 600"))?;
                ramp = Duration::from_secs_f64(secs)
            }
            "--card" => card = value,
            "--buy-now-every" => {
                buy_now_every = value
                    .parse()
                    .map_err(|_| anyhow!("--buy-now-every `{value}` must be a whole number (0 = nobody)"))?
            }
            _ => bail!("unknown argument `{flag}` for flash-sale (try --help)"),
        }
    }
    let need = |v: Option<String>, flag: &str| v.ok_or_else(|| anyhow!("flash-sale needs {flag}"));
    let base = need(base, "--base URL")?;
    if !base.starts_with("http://") {
        bail!("--base must be an http:// URL");
    }
    Ok(Some(FlashArgs {
        base,
        cookie_file: cookie_file.ok_or_else(|| anyhow!("flash-sale needs --cookie-file FILE"))?,
        variant: need(variant, "--variant UUID")?,
        shop: need(shop, "--shop HANDLE")?,
        connections,
        ramp,
        card,
        buy_now_every,
    }))
}

/// The steps of a purchase: the full checkout's eight (paying is three
/// requests: "Pay", the provider's card page, the way back), then Buy
/// now's two.
const STEPS: [&str; 10] = [
    "add to cart",
    "open checkout",
    "address",
    "shipping",
    "review",
    "pay",
    "provider card page",
    "card entered",
    "quote",
    "buy now",
];
const CHECKOUT_STEPS: [usize; 8] = [0, 1, 2, 3, 4, 5, 6, 7];
const BUY_NOW_STEPS: [usize; 2] = [8, 9];
/// The steps whose answer is a redirect the next step follows.
const PAY: usize = 5;
const PROVIDER_CARD_PAGE: usize = 6;
const CARD_ENTERED: usize = 7;

/// How one buyer's attempt ended.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Ending {
    Bought {
        at: Duration,
    },
    /// Told the item is sold out, at this step.
    SoldOut(usize),
    /// Anything else: step, status (0 for a transport error) and body.
    Failed(usize, u16, String),
}

/// What one buyer saw: the ending and each step's latency.
struct Journey {
    ending: Ending,
    latencies_us: Vec<(usize, u64)>,
    total: Duration,
}

type HttpClient = Client<HttpConnector, Full<Bytes>>;

struct Shared {
    client: HttpClient,
    args: FlashArgs,
    origin: HeaderValue,
    slots: Semaphore,
    start: Instant,
}

/// Runs the sale and prints the report (human lines, then `BENCH_JSON`).
pub async fn run(args: FlashArgs) -> Result<()> {
    let cookies = crate::buyers::read_cookies(&args.cookie_file)?;
    let mut connector = HttpConnector::new();
    connector.set_nodelay(true);
    let client = Client::builder(TokioExecutor::new()).pool_max_idle_per_host(args.connections).build(connector);
    let buyers = cookies.len();
    eprintln!("flash sale: {buyers} buyers, {} requests in flight at most", args.connections);
    let shared = Arc::new(Shared {
        client,
        origin: HeaderValue::from_str(&args.base)?,
        slots: Semaphore::new(args.connections),
        start: Instant::now(),
        args,
    });
    let tasks: Vec<_> = cookies
        .into_iter()
        .enumerate()
        .map(|(i, cookie)| {
            let shared = Arc::clone(&shared);
            let delay = shared.args.ramp.mul_f64(i as f64 / buyers as f64);
            let every = shared.args.buy_now_every;
            let one_tap = every > 0 && i % every == 0;
            tokio::spawn(async move {
                tokio::time::sleep(delay).await;
                buy(&shared, cookie, one_tap).await
            })
        })
        .collect();
    let mut journeys = Vec::with_capacity(buyers);
    for task in tasks {
        journeys.push(task.await.context("a buyer task panicked")?);
    }
    let report = Report::new(&journeys, shared.start.elapsed());
    print!("{}", report.human());
    println!("BENCH_JSON {}", serde_json::to_string(&report)?);
    Ok(())
}

async fn buy(shared: &Shared, cookie: HeaderValue, one_tap: bool) -> Journey {
    let began = Instant::now();
    let mut latencies_us = Vec::with_capacity(STEPS.len());
    let a = &shared.args;
    let mut checkout = String::new();
    // The total the review showed, which paying confirms.
    let mut shown = (String::new(), String::new());
    // Where the last redirect pointed: the provider's page, then the way back.
    let mut next = String::new();
    let mut ending = None;
    let click = uuid::Uuid::new_v4().to_string();
    let plan: &[usize] = if one_tap { &BUY_NOW_STEPS } else { &CHECKOUT_STEPS };
    for &step in plan {
        let call = match step {
            0 => Call::api("cart/add", form(&[("variant", &a.variant), ("quantity", "1")])),
            1 | 4 => Call::api("checkout", form(&[("shop", &a.shop)])),
            2 => Call::api("checkout/address", address_form(&checkout)),
            3 => Call::api("checkout/shipping", form(&[("checkout", &checkout), ("shipping_option", "standard")])),
            PAY => Call::api(
                "checkout/pay",
                form(&[("checkout", &checkout), ("shown_total", &shown.0), ("shown_currency", &shown.1)]),
            ),
            // The browser posts the card to the provider's page, not to Storefeed.
            PROVIDER_CARD_PAGE => match provider_form(&next, &a.card) {
                Ok((path, body)) => Call { method: Method::POST, path, body: Some(body) },
                Err(e) => {
                    ending = Some(Ending::Failed(step, 0, format!("{e:#}")));
                    break;
                }
            },
            CARD_ENTERED => Call { method: Method::GET, path: next.clone(), body: None },
            8 => Call::api("buy-now/quote", form(&[("variant", &a.variant), ("quantity", "1")])),
            _ => Call::api(
                "buy-now",
                form(&[
                    ("variant", &a.variant),
                    ("quantity", "1"),
                    ("click", &click),
                    ("shown_total", &shown.0),
                    ("shown_currency", &shown.1),
                ]),
            ),
        };
        let sent = Instant::now();
        let answer = send(shared, &cookie, call).await;
        latencies_us.push((step, sent.elapsed().as_micros() as u64));
        let Answer { status, location, text } = match answer {
            Ok(answer) => answer,
            Err(e) => {
                ending = Some(Ending::Failed(step, 0, format!("{e:#}")));
                break;
            }
        };
        if status == StatusCode::CONFLICT && (text.contains("Sold out") || text.contains("left of")) {
            ending = Some(Ending::SoldOut(step));
            break;
        }
        if !(status.is_success() || status.is_redirection()) {
            ending = Some(Ending::Failed(step, status.as_u16(), text.chars().take(200).collect()));
            break;
        }
        if matches!(step, PAY | PROVIDER_CARD_PAGE | CARD_ENTERED) {
            match (step, location) {
                (CARD_ENTERED, Some(to)) => {
                    match paid(&to) {
                        Paid::Order => {}
                        Paid::SoldOut => ending = Some(Ending::SoldOut(step)),
                        Paid::Refused => ending = Some(Ending::Failed(step, status.as_u16(), to)),
                    }
                    break;
                }
                (_, Some(to)) => next = to,
                (_, None) => {
                    let body: String = text.chars().take(200).collect();
                    ending = Some(Ending::Failed(step, status.as_u16(), format!("no redirect: {body}")));
                    break;
                }
            }
        }
        if step == 4 || step == 8 {
            let total = if step == 4 { reviewed_total(&text) } else { quoted_total(&text) };
            match total {
                Ok(total) => shown = total,
                Err(e) => {
                    ending = Some(Ending::Failed(step, status.as_u16(), format!("{e:#}")));
                    break;
                }
            }
        }
        if step == 1 {
            match opened_checkout(&text) {
                Ok(Some(id)) => checkout = id,
                Ok(None) => {
                    ending = Some(Ending::SoldOut(step));
                    break;
                }
                Err(e) => {
                    ending = Some(Ending::Failed(step, status.as_u16(), format!("{e:#}")));
                    break;
                }
            }
        }
    }
    let ending = ending.unwrap_or(Ending::Bought { at: shared.start.elapsed() });
    Journey { ending, latencies_us, total: began.elapsed() }
}

/// The provider's card form for the page `page_url` ("Pay" redirected
/// to, `/_test-provider/hosted-field?page=hp_…`): where to post it and the
/// form, with the test card.
fn provider_form(page_url: &str, card: &str) -> Result<(String, String)> {
    let (path, query) = page_url.split_once('?').ok_or_else(|| anyhow!("not the provider's page: {page_url}"))?;
    let page = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("page="))
        .ok_or_else(|| anyhow!("the provider's page has no id: {page_url}"))?;
    Ok((path.to_string(), form(&[("page", page), ("card_number", card), ("card_exp", "12/34"), ("card_cvc", "123")])))
}

/// Where the way back from the provider's page sent the buyer.
#[derive(Debug, PartialEq, Eq)]
enum Paid {
    /// The order's confirmation.
    Order,
    /// Back to the checkout: something sold out meanwhile.
    SoldOut,
    /// Back to the checkout for any other reason.
    Refused,
}

fn paid(location: &str) -> Paid {
    if location.starts_with("/orders/") {
        Paid::Order
    } else if location.contains("payment=sold-out") {
        Paid::SoldOut
    } else {
        Paid::Refused
    }
}

/// The checkout id, or `None` when its only line came back sold out.
fn opened_checkout(body: &str) -> Result<Option<String>> {
    let view: serde_json::Value = serde_json::from_str(body).context("the checkout answer is not JSON")?;
    let problems = view.get("problems").and_then(|p| p.as_array()).map_or(0, Vec::len);
    let lines = view.pointer("/priced/lines").and_then(|l| l.as_array()).map_or(0, Vec::len);
    if problems > 0 && lines == 0 {
        return Ok(None);
    }
    let id = view.get("id").and_then(|id| id.as_str()).ok_or_else(|| anyhow!("the checkout answer has no id"))?;
    Ok(Some(id.to_string()))
}

/// The total (minor units, currency) Buy now's quote shows.
fn quoted_total(body: &str) -> Result<(String, String)> {
    let quote: serde_json::Value = serde_json::from_str(body).context("the quote is not JSON")?;
    if quote.is_null() {
        bail!("no Buy now quote: the buyer has no saved card and address");
    }
    let total = quote.pointer("/total/minor").and_then(|t| t.as_i64());
    let currency = quote.pointer("/total/currency").and_then(|c| c.as_str());
    match (total, currency) {
        (Some(total), Some(currency)) => Ok((total.to_string(), currency.to_string())),
        _ => bail!("the quote has no total"),
    }
}

/// The total (minor units, currency) a checkout answer shows.
fn reviewed_total(body: &str) -> Result<(String, String)> {
    let view: serde_json::Value = serde_json::from_str(body).context("the checkout answer is not JSON")?;
    let total = view.pointer("/priced/totals/total").and_then(|t| t.as_i64());
    let currency = view.get("currency").and_then(|c| c.as_str());
    match (total, currency) {
        (Some(total), Some(currency)) => Ok((total.to_string(), currency.to_string())),
        _ => bail!("the checkout answer has no total"),
    }
}

/// One request of a purchase, as a browser sends it.
struct Call {
    method: Method,
    /// Path and query on the server at `--base`.
    path: String,
    /// A form, for a POST.
    body: Option<String>,
}

impl Call {
    /// A server function posted as a form.
    fn api(path: &str, body: String) -> Call {
        Call { method: Method::POST, path: format!("/api/{path}"), body: Some(body) }
    }
}

struct Answer {
    status: StatusCode,
    /// Where a redirect points (a server function's redirect says it here
    /// even when its status is 200).
    location: Option<String>,
    text: String,
}

async fn send(shared: &Shared, cookie: &HeaderValue, call: Call) -> Result<Answer> {
    let _slot = shared.slots.acquire().await?;
    let uri: Uri = format!("{}{}", shared.args.base, call.path).parse()?;
    let is_form = call.body.is_some();
    let mut request = Request::new(Full::new(Bytes::from(call.body.unwrap_or_default())));
    *request.method_mut() = call.method;
    *request.uri_mut() = uri;
    let headers = request.headers_mut();
    if is_form {
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/x-www-form-urlencoded"));
        headers.insert(ORIGIN, shared.origin.clone());
    }
    headers.insert(COOKIE, cookie.clone());
    let response = shared.client.request(request).await?;
    let status = response.status();
    let location = response.headers().get(LOCATION).and_then(|l| l.to_str().ok()).map(str::to_string);
    let bytes = response.into_body().collect().await?.to_bytes();
    Ok(Answer { status, location, text: String::from_utf8_lossy(&bytes).into_owned() })
}

fn address_form(checkout: &str) -> String {
    form(&[
        ("checkout", checkout),
        ("email", "buyer@example.test"),
        ("address[name]", "Flash Buyer"),
        ("address[line1]", "1 Market St"),
        ("address[line2]", ""),
        ("address[city]", "San Francisco"),
        ("address[region]", "CA"),
        ("address[postal_code]", "94105"),
        ("address[country]", "US"),
        ("address[phone]", ""),
    ])
}

/// `application/x-www-form-urlencoded` for the pairs.
fn form(pairs: &[(&str, &str)]) -> String {
    pairs.iter().map(|(k, v)| format!("{}={}", encode(k), encode(v))).collect::<Vec<_>>().join("&")
}

fn encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'*' => out.push(b as char),
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[derive(Debug, Serialize)]
struct Report {
    buyers: usize,
    orders: usize,
    sold_out: usize,
    sold_out_by_step: Vec<(&'static str, usize)>,
    failed: usize,
    failures: Vec<String>,
    /// From the start to the last order placed.
    sale_s: f64,
    orders_per_sec: f64,
    /// From the start to the last buyer's last answer.
    run_s: f64,
    requests: usize,
    requests_per_sec: f64,
    all_requests: GroupLatency,
    steps: Vec<GroupLatency>,
    buyer_journey_p50_ms: f64,
    buyer_journey_p99_ms: f64,
}

impl Report {
    fn new(journeys: &[Journey], run: Duration) -> Report {
        let orders: Vec<Duration> = journeys
            .iter()
            .filter_map(|j| if let Ending::Bought { at } = j.ending { Some(at) } else { None })
            .collect();
        let sale = orders.iter().max().copied().unwrap_or_default();
        let mut sold_out_by_step: Vec<(&'static str, usize)> = STEPS.iter().map(|s| (*s, 0)).collect();
        let mut failures = Vec::new();
        for j in journeys {
            match &j.ending {
                Ending::SoldOut(step) => sold_out_by_step[*step].1 += 1,
                Ending::Failed(step, status, body) if failures.len() < 10 => {
                    failures.push(format!("{} → {status}: {body}", STEPS[*step]))
                }
                _ => {}
            }
        }
        let failed = journeys.iter().filter(|j| matches!(j.ending, Ending::Failed(..))).count();
        let all: Vec<u64> = journeys.iter().flat_map(|j| j.latencies_us.iter().map(|(_, us)| *us)).collect();
        let steps = (0..STEPS.len())
            .map(|s| {
                figures(
                    STEPS[s],
                    journeys.iter().flat_map(|j| j.latencies_us.iter().filter(|(t, _)| *t == s).map(|(_, us)| *us)),
                )
            })
            .filter(|f| f.requests > 0)
            .collect();
        let mut journey_us: Vec<u64> = journeys.iter().map(|j| j.total.as_micros() as u64).collect();
        journey_us.sort_unstable();
        let secs = |d: Duration| d.as_secs_f64().max(1e-9);
        Report {
            buyers: journeys.len(),
            orders: orders.len(),
            sold_out: sold_out_by_step.iter().map(|(_, n)| n).sum(),
            sold_out_by_step,
            failed,
            failures,
            sale_s: sale.as_secs_f64(),
            orders_per_sec: if orders.is_empty() { 0.0 } else { orders.len() as f64 / secs(sale) },
            run_s: run.as_secs_f64(),
            requests: all.len(),
            requests_per_sec: all.len() as f64 / secs(run),
            all_requests: figures("all requests", all.into_iter()),
            steps,
            buyer_journey_p50_ms: ms(percentile(&journey_us, 50.0)),
            buyer_journey_p99_ms: ms(percentile(&journey_us, 99.0)),
        }
    }

    fn human(&self) -> String {
        let mut out = format!(
            "buyers        {}\norders        {}\nsold out      {} ({})\nfailed        {}\n\
             sale          {:.2} s to the last order: {:.1} orders/s\n\
             run           {:.2} s, {} requests, {:.0} req/s\n",
            self.buyers,
            self.orders,
            self.sold_out,
            self.sold_out_by_step
                .iter()
                .filter(|(_, n)| *n > 0)
                .map(|(s, n)| format!("{n} at {s}"))
                .collect::<Vec<_>>()
                .join(", "),
            self.failed,
            self.sale_s,
            self.orders_per_sec,
            self.run_s,
            self.requests,
            self.requests_per_sec,
        );
        out.push_str(&format!(
            "{:<16}{:>9}{:>10}{:>10}{:>10}{:>10}\n",
            "latency (ms)", "requests", "p50", "p90", "p99", "max"
        ));
        for f in std::iter::once(&self.all_requests).chain(&self.steps) {
            out.push_str(&format!(
                "{:<16}{:>9}{:>10.1}{:>10.1}{:>10.1}{:>10.1}\n",
                f.name, f.requests, f.p50_ms, f.p90_ms, f.p99_ms, f.max_ms
            ));
        }
        out.push_str(&format!(
            "buyer journey   p50 {:.1} ms, p99 {:.1} ms\n",
            self.buyer_journey_p50_ms, self.buyer_journey_p99_ms
        ));
        for f in &self.failures {
            out.push_str(&format!("failure: {f}\n"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_url_encoded() {
        assert_eq!(
            form(&[("address[name]", "Flash Buyer"), ("card_exp", "12/34")]),
            "address%5Bname%5D=Flash+Buyer&card_exp=12%2F34"
        );
    }

    #[test]
    fn a_checkout_whose_only_line_sold_out_counts_as_sold_out() {
        let open = r#"{"id":"c1","problems":[],"priced":{"lines":[{}]}}"#;
        assert_eq!(opened_checkout(open).unwrap(), Some("c1".into()));
        let gone = r#"{"id":"c1","problems":["Tote: Sold out"],"priced":{"lines":[]}}"#;
        assert_eq!(opened_checkout(gone).unwrap(), None);
        assert!(opened_checkout("<html>").is_err());
    }

    #[test]
    fn the_card_goes_to_the_providers_page_named_by_the_redirect() {
        let (path, body) = provider_form("/_test-provider/hosted-field?page=hp_abc123", "4242424242424242").unwrap();
        assert_eq!(path, "/_test-provider/hosted-field");
        assert_eq!(body, "page=hp_abc123&card_number=4242424242424242&card_exp=12%2F34&card_cvc=123");
        assert!(provider_form("/checkout/flash_shop", "4242").is_err());
        assert!(provider_form("/_test-provider/hosted-field?state=x", "4242").is_err());
    }

    #[test]
    fn the_way_back_ends_at_the_order_or_says_why_not() {
        assert_eq!(paid("/orders/0f8e?placed=1"), Paid::Order);
        assert_eq!(paid("/checkout/flash_shop?payment=sold-out"), Paid::SoldOut);
        assert_eq!(paid("/checkout/flash_shop?payment=declined"), Paid::Refused);
    }

    #[test]
    fn a_quote_gives_the_total_to_confirm() {
        let quote =
            r#"{"total":{"minor":12870,"currency":"USD"},"card":"Visa •••• 4242","ship_to":"A, B","shipping":"x"}"#;
        assert_eq!(quoted_total(quote).unwrap(), ("12870".to_string(), "USD".to_string()));
        assert!(quoted_total("null").is_err(), "no saved details");
    }

    #[test]
    fn arguments_are_checked() {
        let args = |a: &[&str]| parse(a.iter().map(|s| s.to_string()));
        let ok = args(&[
            "--base",
            "http://127.0.0.1:3200/",
            "--cookie-file",
            "c.txt",
            "--variant",
            "v",
            "--shop",
            "s",
            "--ramp",
            "2",
        ])
        .unwrap()
        .unwrap();
        assert_eq!(ok.base, "http://127.0.0.1:3200");
        assert_eq!(ok.ramp, Duration::from_secs(2));
        assert_eq!(ok.connections, 256);
        assert_eq!(ok.buy_now_every, 0, "the full checkout unless asked");
        assert!(args(&["--base", "ftp://x"]).is_err());
        assert!(args(&[
            "--base",
            "http://x",
            "--cookie-file",
            "c",
            "--variant",
            "v",
            "--shop",
            "s",
            "--connections",
            "0"
        ])
        .is_err());
        assert!(args(&["--help"]).unwrap().is_none());
    }

    #[test]
    fn the_report_counts_orders_and_the_sale_rate() {
        let journey = |ending, steps: usize| Journey {
            ending,
            latencies_us: (0..steps).map(|s| (s, 1000 * (s as u64 + 1))).collect(),
            total: Duration::from_millis(10),
        };
        let journeys = vec![
            journey(Ending::Bought { at: Duration::from_secs(2) }, 5),
            journey(Ending::Bought { at: Duration::from_secs(1) }, 5),
            journey(Ending::SoldOut(0), 1),
            journey(Ending::Failed(1, 500, "boom".into()), 2),
        ];
        let r = Report::new(&journeys, Duration::from_secs(4));
        assert_eq!((r.orders, r.sold_out, r.failed), (2, 1, 1));
        assert_eq!(r.orders_per_sec, 1.0);
        assert_eq!(r.requests, 13);
        assert_eq!(r.steps[0].requests, 4);
        assert_eq!(r.failures, vec!["open checkout → 500: boom"]);
    }
}

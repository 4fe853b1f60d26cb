//! `storefeed-bench gate`: the stock gate measured alone. Many distinct
//! checkouts go for one hot variant through `StockGate::hold`, the function
//! checkout itself calls, with no HTTP, sessions or pricing in the way; then
//! every granted hold goes back through `inventory::db::release`. Prints
//! holds/s and latency beside the naive hot-row rate (measured with pgbench
//! on the same database by `scripts/bench-gate.sh`) and checks the books.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use anyhow::{anyhow, bail, Context, Result};
use app::clock::Clock;
use app::error::AppError;
use app::inventory::db::{reconcile, release, Hold, Release};
use app::inventory::gate::{HoldRequest, StockGate};
use serde::Serialize;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tokio::time::Instant;
use uuid::Uuid;

use crate::stats::{figures, GroupLatency};

pub const USAGE: &str = "\
usage: storefeed-bench gate --database-url URL [options]

Migrates the empty database at URL, seeds one variant with --stock units and
--holders open checkouts (one user and cart each), then --concurrency tasks
ask the app's stock gate to hold one unit for each checkout, as many at once
as there are tasks. Afterwards every granted hold is released. Prints
holds/s, latency and the checks; exits non-zero if a check fails.

options:
  --stock N         units of the hot variant (default 500)
  --holders N       checkouts asking for one unit each (default 10000)
  --concurrency N   holds in flight at once; the database pool gets as many
                    connections (default 50)
  --naive-tps X     the naive hot-row rate measured on the same database
                    (transactions/s), to print the gate's ratio to it";

#[derive(Debug, Clone, PartialEq)]
pub struct GateArgs {
    pub database_url: String,
    pub stock: i32,
    pub holders: usize,
    pub concurrency: usize,
    pub naive_tps: Option<f64>,
}

/// Parses the arguments after `gate`; `None` asks for the usage text.
pub fn parse(args: impl Iterator<Item = String>) -> Result<Option<GateArgs>> {
    let mut database_url = None;
    let (mut stock, mut holders, mut concurrency, mut naive_tps) = (500, 10_000, 50, None);
    let mut args = args.into_iter();
    while let Some(flag) = args.next() {
        if matches!(flag.as_str(), "-h" | "--help") {
            return Ok(None);
        }
        let value = args.next().ok_or_else(|| anyhow!("{flag} needs a value"))?;
        let whole = |max: usize| {
            value
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=max).contains(n))
                .ok_or_else(|| anyhow!("{flag} `{value}` must be a whole number from 1 to {max}"))
        };
        match flag.as_str() {
            "--database-url" => database_url = Some(value.clone()),
            "--stock" => stock = whole(1_000_000)? as i32,
            "--holders" => holders = whole(1_000_000)?,
            "--concurrency" => concurrency = whole(1_000)?,
            "--naive-tps" => {
                naive_tps = Some(
                    value
                        .parse::<f64>()
                        .ok()
                        .filter(|x| x.is_finite() && *x > 0.0)
                        .ok_or_else(|| anyhow!("--naive-tps `{value}` must be a number above 0"))?,
                )
            }
            _ => bail!("unknown argument `{flag}` for gate (try --help)"),
        }
    }
    let database_url = database_url.ok_or_else(|| anyhow!("gate needs --database-url URL"))?;
    Ok(Some(GateArgs { database_url, stock, holders, concurrency, naive_tps }))
}

/// Connects, measures, prints the report (human lines, then `BENCH_JSON`)
/// and fails when a check does.
pub async fn run(args: GateArgs) -> Result<()> {
    let pool = Clock::system()
        .share_with(PgPoolOptions::new())
        .max_connections(args.concurrency as u32)
        .connect(&args.database_url)
        .await
        .context("connecting to --database-url")?;
    eprintln!("stock gate: {} holders for {} units, {} in flight at most", args.holders, args.stock, args.concurrency);
    let report = measure(&pool, &args).await?;
    print!("{}", report.human());
    println!("BENCH_JSON {}", serde_json::to_string(&report)?);
    if report.checks.iter().any(|c| !c.pass) {
        bail!("a check failed");
    }
    Ok(())
}

/// Migrates and seeds the database, runs the holds and the releases, and
/// checks the books after each.
pub async fn measure(pool: &PgPool, args: &GateArgs) -> Result<Report> {
    sqlx::migrate!("../migrations").run(pool).await.context("applying migrations")?;
    let (variant, checkouts) = seed(pool, args.stock, args.holders).await?;
    let expected = (args.stock as usize).min(args.holders);

    let gate = StockGate::start(pool.clone());
    let until = Clock::system().now() + chrono::Duration::minutes(10);
    let started = Instant::now();
    let attempts = hold_all(&gate, variant, checkouts, until, args.concurrency).await?;
    let run = started.elapsed();
    let mut checks = after_holds(pool, variant, &attempts, expected).await?;

    let held: Vec<Uuid> = attempts.iter().filter(|a| matches!(a.answer, Answer::Held)).map(|a| a.checkout_id).collect();
    let started = Instant::now();
    let released = release_all(pool, held, args.concurrency).await?;
    let release_run = started.elapsed();
    checks.extend(after_release(pool, variant, released, expected, args.stock).await?);

    let mut report = Report::new(args, &attempts, run, checks);
    report.released = released;
    report.release_s = release_run.as_secs_f64();
    report.releases_per_sec = released as f64 / release_run.as_secs_f64().max(1e-9);
    Ok(report)
}

/// One shop with one variant holding `stock` units (received through the
/// ledger), and `holders` users each with an open cart and checkout at it.
/// Returns the variant and the checkouts; refuses a database with products.
async fn seed(pool: &PgPool, stock: i32, holders: usize) -> Result<(Uuid, Vec<Uuid>)> {
    let mut tx = pool.begin().await?;
    let existing = sqlx::query_scalar!(r#"SELECT count(*) AS "n!" FROM product_variants"#).fetch_one(&mut *tx).await?;
    if existing > 0 {
        bail!("the database already has products: the gate benchmark needs a fresh one");
    }
    let (owner, shop, product, variant) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    sqlx::query!(
        "INSERT INTO users (id, username, email, password_hash, display_name)
         VALUES ($1, 'gate_owner', 'gate_owner@example.test', '!', 'Gate Owner')",
        owner
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO shops (id, owner_id, handle, name, currency) VALUES ($1, $2, 'gate_shop', 'Gate Shop', 'USD')",
        shop,
        owner
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO products (id, shop_id, title, status, currency) VALUES ($1, $2, 'Hot sneaker', 'active', 'USD')",
        product,
        shop
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO product_variants (id, product_id, shop_id, title, sku, price_minor, currency, stock_on_hand, position)
         VALUES ($1, $2, $3, 'Default', 'GATE-1', 12000, 'USD', $4, 0)",
        variant,
        product,
        shop,
        stock
    )
    .execute(&mut *tx)
    .await?;
    sqlx::query!(
        "INSERT INTO inventory_movements (variant_id, kind, on_hand_delta, reserved_delta, reason, actor_id)
         VALUES ($1, 'receive', $2, 0, 'gate benchmark stock', $3)",
        variant,
        stock,
        owner
    )
    .execute(&mut *tx)
    .await?;
    let checkouts = sqlx::query_scalar!(
        r#"WITH n AS (
               SELECT g, gen_random_uuid() AS user_id, gen_random_uuid() AS cart_id, gen_random_uuid() AS checkout_id
               FROM generate_series(1, $1::int) g),
           u AS (
               INSERT INTO users (id, username, email, password_hash, display_name)
               SELECT user_id, 'gate_holder_' || g, 'gate_holder_' || g || '@example.test', '!', 'Holder ' || g FROM n),
           c AS (INSERT INTO carts (id, user_id) SELECT cart_id, user_id FROM n)
           INSERT INTO checkouts (id, cart_id, shop_id, user_id, currency)
           SELECT checkout_id, cart_id, $2, user_id, 'USD' FROM n
           RETURNING id"#,
        holders as i32,
        shop
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok((variant, checkouts))
}

/// How one hold request was answered.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Answer {
    Held,
    SoldOut,
    Failed(String),
}

#[derive(Debug, Clone)]
struct Attempt {
    checkout_id: Uuid,
    answer: Answer,
    latency_us: u64,
    /// When the answer came, from the start of the run.
    at: Duration,
}

/// Asks the gate to hold one unit for every checkout, `concurrency` at a
/// time: each task takes the next checkout as soon as its last was answered.
async fn hold_all(
    gate: &StockGate,
    variant_id: Uuid,
    checkouts: Vec<Uuid>,
    until: chrono::DateTime<chrono::Utc>,
    concurrency: usize,
) -> Result<Vec<Attempt>> {
    let checkouts = Arc::new(checkouts);
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (gate, checkouts, next) = (gate.clone(), Arc::clone(&checkouts), Arc::clone(&next));
            tokio::spawn(async move {
                let mut attempts = Vec::new();
                while let Some(&checkout_id) = checkouts.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let sent = Instant::now();
                    let holds = vec![Hold { variant_id, quantity: 1 }];
                    let answer = match gate.hold(HoldRequest { checkout_id, holds, until }).await {
                        Ok(()) => Answer::Held,
                        Err(AppError::SoldOut(_)) => Answer::SoldOut,
                        Err(other) => Answer::Failed(format!("{other:?}")),
                    };
                    attempts.push(Attempt {
                        checkout_id,
                        answer,
                        latency_us: sent.elapsed().as_micros() as u64,
                        at: start.elapsed(),
                    });
                }
                attempts
            })
        })
        .collect();
    let mut all = Vec::with_capacity(checkouts.len());
    for task in tasks {
        all.extend(task.await.context("a holder task panicked")?);
    }
    Ok(all)
}

/// Releases each checkout's hold in a transaction of its own, as leaving
/// checkout does, `concurrency` at a time. Returns the reservations released.
async fn release_all(pool: &PgPool, checkouts: Vec<Uuid>, concurrency: usize) -> Result<u64> {
    let checkouts = Arc::new(checkouts);
    let next = Arc::new(AtomicUsize::new(0));
    let tasks: Vec<_> = (0..concurrency)
        .map(|_| {
            let (pool, checkouts, next) = (pool.clone(), Arc::clone(&checkouts), Arc::clone(&next));
            tokio::spawn(async move {
                let mut released = 0;
                while let Some(&checkout_id) = checkouts.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let mut tx = pool.begin().await?;
                    released += release(&mut tx, checkout_id, Release::Released).await?;
                    tx.commit().await?;
                }
                anyhow::Ok(released)
            })
        })
        .collect();
    let mut released = 0;
    for task in tasks {
        released += task.await.context("a release task panicked")?.context("releasing a hold")?;
    }
    Ok(released)
}

/// One line of the books: what was checked, whether it held, what was found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub name: String,
    pub pass: bool,
    pub found: String,
}

fn check(name: impl Into<String>, pass: bool, found: impl Into<String>) -> Check {
    Check { name: name.into(), pass, found: found.into() }
}

/// The variant's numbers and its active reservations.
struct Numbers {
    on_hand: i32,
    reserved: i32,
    active_units: i64,
    active_holds: i64,
    holding_checkouts: i64,
}

async fn numbers(pool: &PgPool, variant: Uuid) -> Result<Numbers> {
    let r = sqlx::query!(
        r#"SELECT v.stock_on_hand, v.stock_reserved,
                  coalesce(sum(r.quantity), 0)::bigint AS "active_units!",
                  count(r.id) AS "active_holds!",
                  count(DISTINCT r.checkout_id) AS "holding_checkouts!"
           FROM product_variants v
           LEFT JOIN stock_reservations r ON r.variant_id = v.id AND r.status = 'active'
           WHERE v.id = $1
           GROUP BY v.id"#,
        variant
    )
    .fetch_one(pool)
    .await?;
    Ok(Numbers {
        on_hand: r.stock_on_hand,
        reserved: r.stock_reserved,
        active_units: r.active_units,
        active_holds: r.active_holds,
        holding_checkouts: r.holding_checkouts,
    })
}

async fn ledger_check(pool: &PgPool, name: &str) -> Result<Check> {
    let mismatches = reconcile(pool).await.map_err(|e| anyhow!("reconciling the ledger: {e}"))?;
    Ok(check(name, mismatches.is_empty(), format!("{} variants disagree", mismatches.len())))
}

async fn after_holds(pool: &PgPool, variant: Uuid, attempts: &[Attempt], expected: usize) -> Result<Vec<Check>> {
    let held = attempts.iter().filter(|a| a.answer == Answer::Held).count();
    let sold_out = attempts.iter().filter(|a| a.answer == Answer::SoldOut).count();
    let n = numbers(pool, variant).await?;
    Ok(vec![
        check(
            "every holder held or was told sold out",
            held + sold_out == attempts.len(),
            format!("{held} held, {sold_out} sold out, {} other", attempts.len() - held - sold_out),
        ),
        check(
            format!("exactly {expected} units held"),
            held == expected && n.active_units == expected as i64 && n.reserved as usize == expected,
            format!("{held} granted, {} units in active holds, reserved {}", n.active_units, n.reserved),
        ),
        check(
            "stock never negative",
            n.on_hand >= 0 && n.on_hand - n.reserved >= 0,
            format!("on hand {}, reserved {}", n.on_hand, n.reserved),
        ),
        check(
            "one hold per checkout",
            n.active_holds == n.holding_checkouts,
            format!("{} holds for {} checkouts", n.active_holds, n.holding_checkouts),
        ),
        ledger_check(pool, "ledger reconciles after the holds").await?,
    ])
}

async fn after_release(pool: &PgPool, variant: Uuid, released: u64, expected: usize, stock: i32) -> Result<Vec<Check>> {
    let n = numbers(pool, variant).await?;
    Ok(vec![
        check(
            "every hold released",
            released == expected as u64 && n.active_holds == 0,
            format!("{released} released, {} still active", n.active_holds),
        ),
        check(
            format!("all {stock} units available again"),
            n.reserved == 0 && n.on_hand == stock,
            format!("on hand {}, reserved {}", n.on_hand, n.reserved),
        ),
        ledger_check(pool, "ledger reconciles after the releases").await?,
    ])
}

#[derive(Debug, Serialize)]
pub struct Report {
    pub holders: usize,
    pub stock: i32,
    pub concurrency: usize,
    pub held: usize,
    pub sold_out: usize,
    pub failed: usize,
    pub failures: Vec<String>,
    /// From the start to the last answer.
    pub run_s: f64,
    /// Hold requests answered (held or sold out) per second.
    pub holds_per_sec: f64,
    /// From the start to the last granted hold.
    pub held_s: f64,
    pub held_per_sec: f64,
    pub all: GroupLatency,
    pub granted: GroupLatency,
    pub refused: GroupLatency,
    pub naive_tps: Option<f64>,
    /// `holds_per_sec` over `naive_tps`.
    pub ratio: Option<f64>,
    /// `held_per_sec` over `naive_tps`.
    pub held_ratio: Option<f64>,
    pub released: u64,
    pub release_s: f64,
    pub releases_per_sec: f64,
    pub checks: Vec<Check>,
}

impl Report {
    fn new(args: &GateArgs, attempts: &[Attempt], run: Duration, checks: Vec<Check>) -> Report {
        let count = |answer: &Answer| attempts.iter().filter(|a| &a.answer == answer).count();
        let latencies = |held: Option<bool>| {
            attempts
                .iter()
                .filter(move |a| held.is_none_or(|held| (a.answer == Answer::Held) == held))
                .map(|a| a.latency_us)
        };
        let held = count(&Answer::Held);
        let held_s = attempts.iter().filter(|a| a.answer == Answer::Held).map(|a| a.at).max().unwrap_or_default();
        let per_sec = |n: usize, d: Duration| if n == 0 { 0.0 } else { n as f64 / d.as_secs_f64().max(1e-9) };
        let (holds_per_sec, held_per_sec) = (per_sec(attempts.len(), run), per_sec(held, held_s));
        let failures: Vec<String> = attempts
            .iter()
            .filter_map(|a| if let Answer::Failed(e) = &a.answer { Some(e.clone()) } else { None })
            .collect();
        Report {
            holders: args.holders,
            stock: args.stock,
            concurrency: args.concurrency,
            held,
            sold_out: count(&Answer::SoldOut),
            failed: failures.len(),
            failures: failures.into_iter().take(10).collect(),
            run_s: run.as_secs_f64(),
            holds_per_sec,
            held_s: held_s.as_secs_f64(),
            held_per_sec,
            all: figures("all holds", latencies(None)),
            granted: figures("held", latencies(Some(true))),
            refused: figures("sold out", latencies(Some(false))),
            naive_tps: args.naive_tps,
            ratio: args.naive_tps.map(|naive| holds_per_sec / naive),
            held_ratio: args.naive_tps.map(|naive| held_per_sec / naive),
            released: 0,
            release_s: 0.0,
            releases_per_sec: 0.0,
            checks,
        }
    }

    fn human(&self) -> String {
        let mut out = format!(
            "holders       {} for {} units, {} in flight\n\
             held          {}\nsold out      {}\nfailed        {}\n\
             holds         {:.2} s to the last answer: {:.0} holds/s\n\
             units held    {:.2} s to the last granted hold: {:.0} holds/s\n",
            self.holders,
            self.stock,
            self.concurrency,
            self.held,
            self.sold_out,
            self.failed,
            self.run_s,
            self.holds_per_sec,
            self.held_s,
            self.held_per_sec,
        );
        out.push_str(&format!(
            "{:<16}{:>9}{:>10}{:>10}{:>10}{:>10}\n",
            "latency (ms)", "holds", "p50", "p90", "p99", "max"
        ));
        for f in [&self.all, &self.granted, &self.refused] {
            out.push_str(&format!(
                "{:<16}{:>9}{:>10.1}{:>10.1}{:>10.1}{:>10.1}\n",
                f.name, f.requests, f.p50_ms, f.p90_ms, f.p99_ms, f.max_ms
            ));
        }
        if let (Some(naive), Some(ratio), Some(held_ratio)) = (self.naive_tps, self.ratio, self.held_ratio) {
            out.push_str(&format!(
                "naive hot-row {naive:.0} transactions/s (pgbench, same database)\n\
                 gate / naive  {ratio:.2}x (holds answered), {held_ratio:.2}x (units held)\n"
            ));
        }
        out.push_str(&format!(
            "released      {} in {:.2} s: {:.0} releases/s (one transaction each)\n",
            self.released, self.release_s, self.releases_per_sec
        ));
        for f in &self.failures {
            out.push_str(&format!("failure: {f}\n"));
        }
        for c in &self.checks {
            out.push_str(&format!("{} | {} | {}\n", c.name, if c.pass { "PASS" } else { "FAIL" }, c.found));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args() -> GateArgs {
        GateArgs { database_url: "postgres://x/y".into(), stock: 2, holders: 4, concurrency: 2, naive_tps: Some(100.0) }
    }

    #[test]
    fn arguments_have_defaults_and_are_checked() {
        let parse = |a: &[&str]| parse(a.iter().map(|s| s.to_string()));
        let ok = parse(&["--database-url", "postgres://h/db"]).unwrap().unwrap();
        assert_eq!((ok.stock, ok.holders, ok.concurrency, ok.naive_tps), (500, 10_000, 50, None));
        let set = parse(&["--database-url", "u", "--stock", "7", "--concurrency", "3", "--naive-tps", "812.5"])
            .unwrap()
            .unwrap();
        assert_eq!((set.stock, set.concurrency, set.naive_tps), (7, 3, Some(812.5)));
        assert!(parse(&[]).is_err(), "the database is required");
        assert!(parse(&["--database-url", "u", "--concurrency", "0"]).is_err());
        assert!(parse(&["--database-url", "u", "--naive-tps", "-1"]).is_err());
        assert!(parse(&["--database-url", "u", "--bogus", "1"]).is_err());
        assert!(parse(&["--help"]).unwrap().is_none());
    }

    #[test]
    fn the_report_rates_answers_and_grants_against_the_naive_rate() {
        let attempt = |answer, ms: u64| Attempt {
            checkout_id: Uuid::new_v4(),
            answer,
            latency_us: 1000 * ms,
            at: Duration::from_millis(ms * 100),
        };
        let attempts = vec![
            attempt(Answer::Held, 2),
            attempt(Answer::Held, 5),
            attempt(Answer::SoldOut, 1),
            attempt(Answer::Failed("Internal".into()), 10),
        ];
        let failing = vec![check("x", false, "y")];
        let r = Report::new(&args(), &attempts, Duration::from_secs(2), failing);
        assert_eq!((r.held, r.sold_out, r.failed), (2, 1, 1));
        assert_eq!(r.holds_per_sec, 2.0, "four answers in two seconds");
        assert_eq!(r.held_s, 0.5, "the last grant came at 500 ms");
        assert_eq!(r.held_per_sec, 4.0);
        assert_eq!((r.ratio, r.held_ratio), (Some(0.02), Some(0.04)));
        assert_eq!((r.granted.requests, r.refused.requests, r.all.requests), (2, 2, 4));
        assert_eq!(r.granted.max_ms, 5.0);
        let text = r.human();
        assert!(text.contains("gate / naive  0.02x"), "{text}");
        assert!(text.contains("x | FAIL | y"), "{text}");
        assert!(text.contains("failure: Internal"), "{text}");
    }

    #[sqlx::test(migrations = false)]
    async fn holders_get_exactly_the_stock_and_give_it_all_back(pool: PgPool) {
        let args = GateArgs { stock: 5, holders: 40, concurrency: 4, naive_tps: None, ..args() };
        let report = measure(&pool, &args).await.unwrap();
        assert_eq!((report.held, report.sold_out, report.failed), (5, 35, 0));
        assert_eq!(report.released, 5);
        assert!(report.checks.iter().all(|c| c.pass), "{:#?}", report.checks);
        assert_eq!(report.checks.len(), 8);
    }

    #[sqlx::test(migrations = false)]
    async fn a_database_with_products_is_refused(pool: PgPool) {
        let args = GateArgs { stock: 1, holders: 1, concurrency: 1, naive_tps: None, ..args() };
        measure(&pool, &args).await.unwrap();
        let again = measure(&pool, &args).await.unwrap_err();
        assert!(format!("{again:#}").contains("needs a fresh one"), "{again:#}");
    }
}

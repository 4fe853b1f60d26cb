//! `storefeed-bench`: a loopback HTTP load generator for Storefeed. It
//! benchmarks each `--url` in turn and prints a report per URL; see
//! `scripts/bench.sh` and `scripts/bench-feed.sh` for the usual runs against
//! a release server. `storefeed-bench jpeg` writes a test photo for uploads;
//! `storefeed-bench flash-sale` runs buyers through checkout at once;
//! `storefeed-bench gate` drives the stock gate directly, without HTTP;
//! `storefeed-bench live` times the real-time channel under many open pages;
//! `storefeed-bench group-rush` sends a crowd at a group's last seats;
//! `storefeed-bench notify` times notifications from a like to the bell.

mod args;
mod buyers;
mod flash;
mod gate;
mod group_rush;
mod ingest;
mod live;
mod load;
mod notify;
mod photo;
mod report;
mod requests;
mod stats;
mod streams;

use std::process::ExitCode;

use anyhow::{anyhow, bail, Context, Result};

use crate::args::Command;

fn main() -> ExitCode {
    let result = tokio::runtime::Runtime::new()
        .context("could not start the tokio runtime")
        .and_then(|runtime| runtime.block_on(run()));
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("storefeed-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<()> {
    let args = match args::parse(cli_args()?)? {
        Command::Help => {
            println!("{}", args::USAGE);
            return Ok(());
        }
        Command::Jpeg(jpeg) => {
            let bytes = photo::write_jpeg(&jpeg)?;
            eprintln!("wrote {} ({}x{}, {bytes} bytes)", jpeg.out.display(), jpeg.width, jpeg.height);
            return Ok(());
        }
        Command::FlashHelp => {
            println!("{}", flash::USAGE);
            return Ok(());
        }
        Command::Flash(flash) => return flash::run(flash).await,
        Command::GateHelp => {
            println!("{}", gate::USAGE);
            return Ok(());
        }
        Command::Gate(gate) => return gate::run(gate).await,
        Command::EventsHelp => {
            println!("{}", ingest::USAGE);
            return Ok(());
        }
        Command::Events(events) => return ingest::run(events).await,
        Command::LiveHelp => {
            println!("{}", live::USAGE);
            return Ok(());
        }
        Command::Live(live) => return live::run(live).await,
        Command::GroupRushHelp => {
            println!("{}", group_rush::USAGE);
            return Ok(());
        }
        Command::GroupRush(rush) => return group_rush::run(rush).await,
        Command::NotifyHelp => {
            println!("{}", notify::USAGE);
            return Ok(());
        }
        Command::Notify(notify) => return notify::run(notify).await,
        Command::Run(args) => args,
    };
    let files = requests::ClientFiles::load(&args)?;

    let mut without_success = Vec::new();
    for target in &args.targets {
        eprintln!(
            "benchmarking {} {} ({:?} warmup, {:?} measured, {} connections)",
            args.method, target.url, args.warmup, args.duration, args.concurrency
        );
        let summary = load::run(target, &args, &files).await?;
        print!("{}", report::human(&summary));
        println!("{}", report::json_line(&summary)?);
        println!();
        if summary.latency.is_none() {
            without_success.push(summary.label);
        }
    }
    if !without_success.is_empty() {
        bail!("no successful requests for: {}", without_success.join(", "));
    }
    Ok(())
}

/// The arguments after the program name, refusing any that are not UTF-8.
fn cli_args() -> Result<Vec<String>> {
    std::env::args_os()
        .skip(1)
        .map(|arg| arg.into_string().map_err(|arg| anyhow!("argument {arg:?} is not valid UTF-8")))
        .collect()
}

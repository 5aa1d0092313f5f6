//! `stripe-sim --port PORT [--state FILE]`: serve the simulator until Ctrl-C or SIGTERM.

use clap::Parser;
use std::path::PathBuf;

/// A stateful Stripe API simulator built on Stripe's published fixtures.
#[derive(Parser)]
#[command(version, about)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 12111)]
    port: u16,
    /// Load state from FILE if it exists and save it after every change.
    #[arg(long, value_name = "FILE")]
    state: Option<PathBuf>,
    /// Accept this API key instead of the defaults (repeatable).
    #[arg(long = "api-key", value_name = "KEY")]
    api_keys: Vec<String>,
    /// Answer 429 past this many requests per second (Stripe's test mode allows 25).
    #[arg(long, value_name = "N")]
    rate_limit: Option<u32>,
    /// Milliseconds before a new object shows in search results (Stripe documents up to a
    /// minute)
    #[arg(long, value_name = "MS", default_value_t = 0)]
    search_lag_ms: u64,
    /// Days between payment retries, comma-separated (Stripe's custom retry schedule)
    #[arg(long, value_name = "DAYS", value_delimiter = ',', default_value = "3,5,7")]
    retry_days: Vec<i64>,
    /// A subscription's status when every retry has failed
    #[arg(long, value_name = "STATUS", default_value = "canceled", value_parser = ["canceled", "unpaid", "past_due"])]
    after_all_retries_fail: String,
}

fn main() -> std::process::ExitCode {
    let args = Args::parse();
    let mut b = stripe_sim::StripeSim::builder().port(args.port);
    if let Some(s) = &args.state {
        b = b.state_file(s);
    }
    if !args.api_keys.is_empty() {
        b = b.api_keys(args.api_keys.clone());
    }
    if let Some(n) = args.rate_limit {
        b = b.rate_limit(n);
    }
    if args.retry_days.iter().any(|d| *d < 1) {
        eprintln!("stripe-sim: --retry-days: each retry is at least 1 day after the previous one");
        return std::process::ExitCode::from(2);
    }
    b = b.settings(stripe_sim::state::Settings {
        retry_days: args.retry_days.clone(),
        after_all_retries_fail: args.after_all_retries_fail.clone(),
        search_lag_ms: args.search_lag_ms,
    });
    let sim = match b.start() {
        Ok(sim) => sim,
        Err(e) => {
            eprintln!("stripe-sim: cannot start on 127.0.0.1:{}: {e}", args.port);
            return std::process::ExitCode::from(2);
        }
    };
    println!("{}", sim.base_url());
    eprintln!("stripe-sim: serving; API key {} (Ctrl-C to stop)", sim.api_key());
    let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("stripe-sim: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    rt.block_on(async {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = async { match term.as_mut() { Some(t) => { t.recv().await; } None => std::future::pending::<()>().await } } => {}
        }
    });
    drop(sim);
    std::process::ExitCode::SUCCESS
}

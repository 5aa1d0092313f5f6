//! `billctl doctor` at Stripe's latency (release build): `cargo bench --bench doctor`.
//!
//! The simulator answers every request after 200 ms, as a far-away Stripe would. The anchors,
//! measured in the same run: one round trip (a bare `GET /v1/products` over a fresh
//! connection, median of 5), and `billctl --version` as a process. Then `billctl doctor
//! --json` on a set-up account (catalog applied, an endpoint, a subscribed customer), five
//! times: its Stripe checks (key, catalog, webhook endpoint) run concurrently, so its time is
//! about the longest of them plus the store's checks. Target: one round trip of latency, so
//! under 1.5 with the process's own work.

#[path = "latency.rs"]
mod latency;

use latency::round_trip;
use std::process::Command;
use std::time::{Duration, Instant};
use stripe_sim::{Fault, StripeSim};

const DELAY: Duration = Duration::from_millis(200);

fn billctl(
    sim: &StripeSim,
    dir: &std::path::Path,
    args: &[&str],
) -> anyhow::Result<std::process::Output> {
    let config = dir.join("billctl.toml");
    Ok(Command::new(env!("CARGO_BIN_EXE_billctl"))
        .arg("--config")
        .arg(&config)
        .args(args)
        .env_clear()
        .env("HOME", dir)
        .env("BILLCTL_DATA_DIR", dir.join("data"))
        .env("BILLCTL_STRIPE_API_BASE", sim.base_url())
        .env("BILLCTL_STRIPE_API_KEY", sim.api_key())
        .env("BILLCTL_PROFILE", format!("billctl-bench-{}", std::process::id()))
        .output()?)
}

fn main() -> anyhow::Result<()> {
    let sim = StripeSim::start();
    let dir = tempfile::tempdir()?;
    std::fs::write(
        dir.path().join("billctl.toml"),
        format!(
            "{}\n[webhooks]\nsecret_file = true\nurl = \"https://billing.example.com/stripe/webhooks\"\n",
            billctl::domain::config::DEFAULT_CONFIG
        ),
    )?;
    for args in [
        &["setup-products", "--yes", "-q"][..],
        &["webhooks", "endpoint", "create", "--url", "https://billing.example.com/stripe/webhooks"],
    ] {
        let out = billctl(&sim, dir.path(), args)?;
        anyhow::ensure!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    sim.inject(Fault::delay(DELAY).times(u32::MAX));
    let mut trips = Vec::new();
    for _ in 0..5 {
        trips.push(round_trip(&sim)?);
    }
    trips.sort();
    let rtt = trips[trips.len() / 2].as_secs_f64();
    let t = Instant::now();
    let v = billctl(&sim, dir.path(), &["--version"])?;
    let version = t.elapsed().as_secs_f64();
    anyhow::ensure!(v.status.success());
    println!(
        "anchors: one round trip (GET /v1/products at a {} ms delay) {:.0} ms (median of 5); billctl --version {:.1} ms",
        DELAY.as_millis(),
        rtt * 1e3,
        version * 1e3
    );
    for round in 1..=5 {
        sim.clear_requests();
        let t = Instant::now();
        let out = billctl(&sim, dir.path(), &["doctor", "--json"])?;
        let took = t.elapsed().as_secs_f64();
        anyhow::ensure!(
            out.status.code().is_some_and(|c| c <= 1),
            "doctor failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let requests = sim.requests().len();
        println!(
            "round {round}: doctor {:.0} ms, {requests} Stripe requests: {:.2} round trips (target: under 1.5)",
            took * 1e3,
            took / rtt
        );
    }
    Ok(())
}

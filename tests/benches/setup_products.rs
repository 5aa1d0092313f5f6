//! setup-products at Stripe's latency (release build): `cargo bench --bench setup_products`.
//!
//! The simulator answers every request after 200 ms, as a far-away Stripe would. The anchor,
//! measured in the same run: one round trip, a bare `GET /v1/products` over a fresh connection
//! to the same simulator (median of 5). Then the release binary, as a process: a first
//! `setup-products --yes` on an empty account (the default catalog: three products, three
//! prices) and a converged re-run, each expressed in round trips of the anchor. Targets: 3
//! round trips of latency for the first run and 1 for the re-run, so under 3.5 and 1.5 with
//! the process's own work (under half a round trip).

#[path = "latency.rs"]
mod latency;

use latency::round_trip;
use std::process::Command;
use std::time::{Duration, Instant};
use stripe_sim::{Fault, StripeSim};

const DELAY: Duration = Duration::from_millis(200);

fn main() -> anyhow::Result<()> {
    let sim = StripeSim::start();
    sim.inject(Fault::delay(DELAY).times(u32::MAX));
    let dir = tempfile::tempdir()?;

    let mut trips = Vec::new();
    for _ in 0..5 {
        trips.push(round_trip(&sim)?);
    }
    trips.sort();
    let rtt = trips[trips.len() / 2].as_secs_f64();
    println!(
        "anchor: one round trip (GET /v1/products at a {} ms delay): {:.0} ms (median of 5)",
        DELAY.as_millis(),
        rtt * 1e3
    );

    for (what, target) in [("first run, empty account", 3.0f64), ("converged re-run", 1.0)] {
        sim.clear_requests();
        let t = Instant::now();
        let out = Command::new(env!("CARGO_BIN_EXE_billctl"))
            .args(["setup-products", "--yes", "-q"])
            .env_clear()
            .env("HOME", dir.path())
            .env("BILLCTL_DATA_DIR", dir.path().join("data"))
            .env("BILLCTL_STRIPE_API_BASE", sim.base_url())
            .env("BILLCTL_STRIPE_API_KEY", sim.api_key())
            .env("BILLCTL_PROFILE", format!("billctl-bench-{}", std::process::id()))
            .output()?;
        let took = t.elapsed().as_secs_f64();
        anyhow::ensure!(
            out.status.success(),
            "setup-products failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let log = sim.requests();
        let (gets, posts) = (
            log.iter().filter(|r| r.method == "GET").count(),
            log.iter().filter(|r| r.method == "POST").count(),
        );
        println!(
            "setup-products, {what}: {:.0} ms, {gets} reads and {posts} writes: {:.2} round trips (target: {target} of latency, so under {:.1})",
            took * 1e3,
            took / rtt,
            target + 0.5
        );
    }
    Ok(())
}

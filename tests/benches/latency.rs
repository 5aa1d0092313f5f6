//! The anchor of the benchmarks at Stripe's latency (`setup_products`, `doctor`): one bare
//! round trip to the simulator.

use std::io::{Read, Write};
use std::time::{Duration, Instant};
use stripe_sim::StripeSim;

/// One bare request to the simulator over a fresh connection, answered in full.
pub fn round_trip(sim: &StripeSim) -> anyhow::Result<Duration> {
    let base = sim.base_url();
    let authority = base.trim_start_matches("http://").trim_end_matches('/').to_string();
    let t = Instant::now();
    let mut s = std::net::TcpStream::connect(&authority)?;
    write!(
        s,
        "GET /v1/products?limit=1 HTTP/1.1\r\nHost: {authority}\r\nAuthorization: Bearer {}\r\nConnection: close\r\n\r\n",
        sim.api_key()
    )?;
    let mut answer = Vec::new();
    s.read_to_end(&mut answer)?;
    let took = t.elapsed();
    anyhow::ensure!(answer.starts_with(b"HTTP/1.1 200"), "the anchor request failed");
    Ok(took)
}

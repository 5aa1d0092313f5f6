//! Benchmarks of API-key verification (release build): `cargo bench --bench verify`.
//!
//! 1. In-process `Verifier` with 100,000 keys in the store: first sight of each key (a store
//!    read), then repeat keys served from the cache.
//! 2. `billctl keys verify` as a process against `billctl --version`.
//!
//! Figures go to stdout; BENCHMARKS.md records them with this command.

use billctl::keys::{self, Code, Verifier};
use billctl::store::{Audit, KeyRecord, Store};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const KEYS: usize = 100_000;
const CUSTOMERS: usize = 1_000;
const CACHED_ROUNDS: usize = 2_000_000;
const PROCESS_RUNS: usize = 200;

/// The default catalog plus a tier whose rate limit does not get in the way of a benchmark.
const CONFIG: &str = r#"
[tiers.bench]
name = "Bench"
quota = "unlimited"
rate_limit_per_minute = 4000000000
[tiers.bench.price]
lookup_key = "bench_monthly"
amount = 0
currency = "usd"
interval = "month"
"#;

fn main() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let config = billctl::config::parse(CONFIG, "bench.toml").map_err(|e| anyhow::anyhow!(e))?;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .as_secs() as i64;
    let mut store = Store::open(dir.path())?;
    store.claim_mode("test")?;
    for c in 0..CUSTOMERS {
        let customer = billctl::billing::Customer {
            id: format!("cus_bench{c}"),
            email: None,
            name: None,
            created: now,
        };
        let sub = billctl::billing::MirrorRow {
            id: format!("sub_bench{c}"),
            customer_id: customer.id.clone(),
            status: "active".into(),
            tier: "bench".into(),
            price_id: "price_bench".into(),
            item_id: "si_bench".into(),
            current_period_start: now - 86_400,
            current_period_end: now + 29 * 86_400,
            cancel_at_period_end: false,
            cancel_at: None,
            canceled_at: None,
            ended_at: None,
            created: now,
        };
        store.record(&customer, &[sub], now)?;
    }
    let mut plain = Vec::with_capacity(KEYS);
    let mut records = Vec::with_capacity(KEYS);
    for i in 0..KEYS {
        let (id, key) = keys::generate(false).map_err(|e| anyhow::anyhow!(e))?;
        records.push(KeyRecord {
            id,
            hash: keys::hash(&key).to_vec(),
            mode: "test".into(),
            customer_id: format!("cus_bench{}", i % CUSTOMERS),
            name: None,
            created_at: now,
            created_by: "bench".into(),
            expires_at: None,
            ttl_secs: None,
            revoked_at: None,
            revoked_reason: None,
            last_used_at: None,
            replaces: None,
            replaced_by: None,
        });
        plain.push(key);
    }
    records.sort_by(|a, b| a.id.cmp(&b.id));
    records.dedup_by(|a, b| a.id == b.id);
    plain.retain(|k| {
        records
            .binary_search_by(|r| r.id.as_str().cmp(keys::parse(k).unwrap().id))
            .is_ok()
    });
    let audit = Audit {
        actor: "bench",
        action: "key.issue",
        key_id: None,
        customer_id: None,
        reason: None,
        detail: None,
    };
    store.issue_keys(&records, &audit, now)?;
    drop(store);
    println!("store: {} keys, {} customers", plain.len(), CUSTOMERS);

    // 1a. Every key seen for the first time: one indexed store read each.
    let mut v = Verifier::open(dir.path(), &config)?.with_refresh(Duration::from_secs(3600));
    let t = Instant::now();
    for k in &plain {
        assert_eq!(v.verify(k).code, Code::Valid);
    }
    let first = plain.len() as f64 / t.elapsed().as_secs_f64();
    println!(
        "in-process verify, first sight of {} distinct keys: {:.0} verifies/s ({:.2} us each)",
        plain.len(),
        first,
        1e6 / first
    );

    // 1b. Repeat keys, served from the cache.
    let hot = &plain[..1_000];
    let t = Instant::now();
    for i in 0..CACHED_ROUNDS {
        let r = v.verify(&hot[i % hot.len()]);
        std::hint::black_box(&r);
    }
    let cached = CACHED_ROUNDS as f64 / t.elapsed().as_secs_f64();
    println!(
        "in-process verify, repeat keys (cached): {:.0} verifies/s ({:.0} ns each)",
        cached,
        1e9 / cached
    );
    drop(v);

    // 2. As a process: `keys verify` against `--version`.
    let bin = env!("CARGO_BIN_EXE_billctl");
    let cfg_path = dir.path().join("bench.toml");
    std::fs::write(&cfg_path, CONFIG)?;
    // The key comes from a file on stdin (`billctl keys verify < key.txt`), so the child never
    // waits for this process to be scheduled to write a pipe.
    let key_file = dir.path().join("key.txt");
    std::fs::write(&key_file, format!("{}\n", plain[0]))?;
    let time = |args: &[&str], stdin: Option<&std::path::Path>| -> anyhow::Result<Duration> {
        let mut total = Duration::ZERO;
        for _ in 0..PROCESS_RUNS {
            let mut c = Command::new(bin);
            c.args(args)
                .env_clear()
                .env("BILLCTL_DATA_DIR", dir.path())
                .env("BILLCTL_CONFIG", &cfg_path)
                .stdout(Stdio::null())
                .stderr(Stdio::null());
            c.stdin(match stdin {
                Some(p) => Stdio::from(std::fs::File::open(p)?),
                None => Stdio::null(),
            });
            let t = Instant::now();
            let status = c.status()?;
            total += t.elapsed();
            assert!(status.success(), "{args:?} failed");
        }
        Ok(total / PROCESS_RUNS as u32)
    };
    let version = time(&["--version"], None)?;
    let verify = time(&["keys", "verify"], Some(&key_file))?;
    println!("process: billctl --version {:.2} ms, billctl keys verify {:.2} ms: ratio {:.2} (mean of {PROCESS_RUNS} runs)", version.as_secs_f64() * 1e3, verify.as_secs_f64() * 1e3, verify.as_secs_f64() / version.as_secs_f64());
    if std::env::var_os("BILLCTL_BENCH_KEEP").is_some() {
        // For profiling the process path by hand (strace, callgrind) on the same store.
        println!(
            "kept the store, config and key file in {}",
            dir.keep().display()
        );
    }
    Ok(())
}

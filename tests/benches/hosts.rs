//! The serve benchmark's `hosts` part: 1, 2 and 4 `billctl serve` processes (the real binary)
//! recording verifies against one Postgres store, the connections split across them, with the
//! CPU the serve processes and the Postgres server each spent in the slice (where Postgres,
//! not serve, becomes the limit), beside one transaction per call in-process on the same
//! store; and a 60-a-minute rate limit held exactly across the processes.

use super::{load, load_over, one_per_call, pg, read_answer, seed, verify_request, Load};
use super::{CONFIG, CONNECTIONS, CUSTOMERS, ROUNDS, SLICE};
use billctl::adapters::store::pg::PgUrl;
use billctl::adapters::store::Store;
use billctl::domain::billing::MirrorRow;
use billctl::domain::mode::Mode;
use std::io::BufRead as _;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use tokio::io::AsyncWriteExt as _;

/// How many serve processes share the store, in turn.
const PROCESSES: [usize; 3] = [1, 2, 4];
const KEYS: usize = 10_000;
/// The exactness check's tier: its rate, and the calls fired at once (twice the rate).
const RATE: usize = 60;
const BURST: usize = 2 * RATE;
const SLOW: &str = r#"
[tiers.slow]
name = "Slow"
quota = "unlimited"
rate_limit_per_minute = 60
[tiers.slow.price]
lookup_key = "slow_monthly"
amount = 0
currency = "usd"
interval = "month"
"#;

/// The part: skipped, with a line saying so, without Postgres's server binaries.
pub fn run() -> anyhow::Result<()> {
    let Some(cluster) = pg::cluster() else {
        println!("hosts on Postgres: skipped (no PostgreSQL server binaries)");
        return Ok(());
    };
    let url = cluster.fresh_db();
    let mut store = Store::open_pg(&PgUrl::parse(&url, true).map_err(|e| anyhow::anyhow!(e))?)?;
    let keys = super::seed(&mut store, KEYS)?;
    let token = super::token(&mut store)?;
    let dir = tempfile::tempdir()?;
    let config = dir.path().join("bench.toml");
    std::fs::write(&config, format!("{CONFIG}{SLOW}"))?;
    let postmaster = postmaster(cluster.data_dir())?;
    println!("hosts on Postgres: {KEYS} keys, {CUSTOMERS} customers; {CONNECTIONS} connections split across 1, 2 and 4 serve processes, {ROUNDS} rounds of {} s; every call a different customer in turn", SLICE.as_secs());
    let mut db = cluster.client(&url);
    for n in PROCESSES {
        let hosts =
            (0..n).map(|_| Host::start(&url, &config)).collect::<anyhow::Result<Vec<_>>>()?;
        rounds(&store, &keys[..CUSTOMERS], &token, &hosts, postmaster)?;
        exact(&mut store, &mut db, &token, &hosts)?;
        for mut h in hosts {
            h.stop()?;
        }
    }
    Ok(())
}

/// ROUNDS rounds: the anchor in-process, then the serve processes together, with the CPU
/// each side spent in the slice.
fn rounds(
    store: &Store,
    keys: &[String],
    token: &str,
    hosts: &[Host],
    postmaster: u32,
) -> anyhow::Result<()> {
    let n = hosts.len();
    let addrs: Vec<&str> = hosts.iter().map(|h| h.addr.as_str()).collect();
    let reqs: Arc<Vec<Vec<u8>>> =
        Arc::new(keys.iter().map(|k| verify_request(token, k, true)).collect());
    // First sight of every key in every process (plain verifies: nothing recorded), so the
    // rounds measure cached keys.
    let plain: Arc<Vec<Vec<u8>>> =
        Arc::new(keys.iter().map(|k| verify_request(token, k, false)).collect());
    for a in &addrs {
        let p = plain.clone();
        load(a, 4, SLICE, Some(p.len()), Arc::new(move |i| p[i].clone()))?;
    }
    let pids: Vec<u32> = hosts.iter().map(|h| h.child.id()).collect();
    for round in 1..=ROUNDS {
        let base = one_per_call(store.reopen()?, keys)?;
        // Its backend ends with its connection: once the postmaster has reaped it, its CPU
        // is in the postmaster's cutime, read alike before and after the slice.
        std::thread::sleep(std::time::Duration::from_millis(250));
        let (serve0, pg0) = (serve_ticks(&pids)?, postgres_ticks(postmaster)?);
        let r = reqs.clone();
        let per =
            load_over(&addrs, CONNECTIONS, SLICE, None, Arc::new(move |i| r[i % r.len()].clone()))?;
        let (serve1, pg1) = (serve_ticks(&pids)?, postgres_ticks(postmaster)?);
        let each: Vec<String> = per.iter().map(|l| format!("{:.0}", l.rps())).collect();
        let mut all = Load {
            requests: per.iter().map(|l| l.requests).sum(),
            elapsed: per[0].elapsed,
            latencies: per.into_iter().flat_map(|l| l.latencies).collect(),
        };
        let tick = clock_ticks();
        println!(
            "hosts on Postgres, {n} serve process{}, round {round}: {:.0} req/s combined ({}), p99 {} us; CPU in the slice: serve {:.1} s, postgres {:.1} s; one transaction per call in-process {base:.0}/s, ratio {:.2}x; load {}",
            if n == 1 { "" } else { "es" },
            all.rps(),
            each.join(", "),
            all.p99_us(),
            serve1.saturating_sub(serve0) as f64 / tick,
            pg1.saturating_sub(pg0) as f64 / tick,
            all.rps() / base,
            seed::load()
        );
    }
    Ok(())
}

/// BURST recorded verifies of a fresh key on the 60-a-minute tier, fired at once across the
/// processes: exactly RATE answered VALID, the rest RATE_LIMITED, and RATE events stored.
fn exact(
    store: &mut Store,
    db: &mut postgres::Client,
    token: &str,
    hosts: &[Host],
) -> anyhow::Result<()> {
    let n = hosts.len();
    let now = super::now();
    // A customer of its own too: a customer's limit counts all its keys' calls.
    let customer = format!("cus_hosts{n}");
    let sub = MirrorRow {
        tier: "slow".into(),
        ..seed::subscription(&format!("sub_hosts{n}"), &customer, now)
    };
    store.record(&seed::customer(&customer, now), &[sub], now)?;
    let (id, key) = billctl::domain::keys::generate(Mode::Test).map_err(|e| anyhow::anyhow!(e))?;
    store.issue_keys(&[seed::key_record(id.clone(), &key, &customer, now)], &seed::AUDIT, now)?;
    let addrs: Vec<&str> = hosts.iter().map(|h| h.addr.as_str()).collect();
    let codes = burst(&addrs, &verify_request(token, &key, true))?;
    let count = |c: &str| codes.iter().filter(|x| *x == c).count();
    let (valid, limited) = (count("VALID"), count("RATE_LIMITED"));
    anyhow::ensure!(
        valid == RATE && limited == BURST - RATE,
        "{n} serve processes, {BURST} calls at once: {valid} VALID, {limited} RATE_LIMITED, want {RATE} of each; codes {codes:?}"
    );
    let stored: i64 =
        db.query_one("SELECT count(*) FROM usage_events WHERE key_id = $1", &[&id])?.get(0);
    anyhow::ensure!(
        stored == RATE as i64,
        "{n} serve processes: {stored} usage events stored for the key, want {RATE}"
    );
    println!(
        "hosts on Postgres, {n} serve process{}, exact: {valid} of {BURST} VALID, {stored} stored ({limited} RATE_LIMITED)",
        if n == 1 { "" } else { "es" }
    );
    Ok(())
}

/// BURST connections (connection c to `addrs[c % addrs.len()]`), all open before any sends
/// `req` once; the `code` of each answer (every verdict but a store failure is HTTP 200).
fn burst(addrs: &[&str], req: &[u8]) -> anyhow::Result<Vec<String>> {
    super::runtime().block_on(async {
        let mut conns = Vec::with_capacity(BURST);
        for c in 0..BURST {
            let s = tokio::net::TcpStream::connect(addrs[c % addrs.len()]).await?;
            s.set_nodelay(true)?;
            conns.push(s);
        }
        let mut tasks = tokio::task::JoinSet::new();
        for mut s in conns {
            let req = req.to_vec();
            tasks.spawn(async move {
                s.write_all(&req).await?;
                let mut buf = Vec::with_capacity(4096);
                let status = read_answer(&mut s, &mut buf).await?;
                let body = buf
                    .windows(4)
                    .position(|w| w == b"\r\n\r\n")
                    .map_or(&buf[..0], |end| &buf[end + 4..]);
                let text = String::from_utf8_lossy(body).to_string();
                anyhow::ensure!(status == 200, "status {status}: {text}");
                let answer: serde_json::Value = serde_json::from_str(&text)?;
                let code = answer["code"].as_str().unwrap_or("none");
                Ok(code.to_string())
            });
        }
        let mut codes = Vec::with_capacity(BURST);
        while let Some(r) = tasks.join_next().await {
            codes.push(r??);
        }
        Ok(codes)
    })
}

/// A `billctl serve` process on the Postgres store at `url`, in a private data dir; stopped
/// (SIGTERM, then waited for while it drains) by [`Host::stop`] or when dropped.
struct Host {
    child: Child,
    addr: String,
    log: PathBuf,
    _dir: tempfile::TempDir,
}

impl Host {
    fn start(url: &str, config: &Path) -> anyhow::Result<Host> {
        let dir = tempfile::tempdir()?;
        std::fs::set_permissions(dir.path(), std::os::unix::fs::PermissionsExt::from_mode(0o700))?;
        let log = dir.path().join("serve.log");
        let child = Command::new(env!("CARGO_BIN_EXE_billctl"))
            .args(["serve", "--listen", "127.0.0.1:0", "--json", "--refresh", "1h"])
            .env("BILLCTL_DATABASE_URL", url)
            .env("BILLCTL_CONFIG", config)
            .env("BILLCTL_DATA_DIR", dir.path())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&log)?)
            .spawn()?;
        let mut host = Host { child, addr: String::new(), log, _dir: dir };
        // The first line says where it listens.
        let mut first = String::new();
        if let Some(out) = host.child.stdout.as_mut() {
            std::io::BufReader::new(out).read_line(&mut first)?;
        }
        let listening = serde_json::from_str::<serde_json::Value>(&first).ok().and_then(|v| {
            v["listening"].as_str().map(|u| u.trim_start_matches("http://").to_string())
        });
        match listening {
            Some(addr) => host.addr = addr,
            None => anyhow::bail!(
                "billctl serve did not start (first line {first:?}): {}",
                std::fs::read_to_string(&host.log).unwrap_or_default()
            ),
        }
        Ok(host)
    }

    /// SIGTERM, then the drained exit, which must be a clean one.
    fn stop(&mut self) -> anyhow::Result<()> {
        if self.child.try_wait()?.is_some() {
            return Ok(());
        }
        let pid = nix::unistd::Pid::from_raw(i32::try_from(self.child.id())?);
        nix::sys::signal::kill(pid, nix::sys::signal::Signal::SIGTERM)?;
        let status = self.child.wait()?;
        anyhow::ensure!(
            status.success(),
            "billctl serve exited with {status}: {}",
            std::fs::read_to_string(&self.log).unwrap_or_default()
        );
        Ok(())
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// The postmaster's pid: the first line of `postmaster.pid` in the data dir.
fn postmaster(data: &Path) -> anyhow::Result<u32> {
    let text = std::fs::read_to_string(data.join("postmaster.pid"))?;
    Ok(text.lines().next().unwrap_or_default().trim().parse()?)
}

/// `/proc/<pid>/stat`'s ppid and its utime, stime, cutime and cstime (clock ticks).
fn stat(pid: u32) -> anyhow::Result<(u32, [u64; 4])> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat"))?;
    // After the command name (in parentheses, which it may itself hold): field 3 on.
    let rest = text.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<&str> = rest.split_whitespace().collect();
    anyhow::ensure!(f.len() > 14, "/proc/{pid}/stat: too few fields");
    let n = |i: usize| f[i].parse::<u64>();
    Ok((f[1].parse()?, [n(11)?, n(12)?, n(13)?, n(14)?]))
}

/// The CPU the serve processes used so far, in clock ticks.
fn serve_ticks(pids: &[u32]) -> anyhow::Result<u64> {
    pids.iter().map(|&p| stat(p).map(|(_, t)| t[0] + t[1])).sum()
}

/// The CPU the Postgres server used so far, in clock ticks: the postmaster, its children
/// that ended (their time is the postmaster's cutime and cstime once reaped), and its
/// children alive now (backends, the WAL writer and the others).
fn postgres_ticks(postmaster: u32) -> anyhow::Result<u64> {
    let (_, t) = stat(postmaster)?;
    let mut sum = t.iter().sum::<u64>();
    for e in std::fs::read_dir("/proc")?.flatten() {
        let Some(pid) = e.file_name().to_str().and_then(|s| s.parse::<u32>().ok()) else {
            continue;
        };
        // A process that ended since the listing is passed over.
        if let Ok((ppid, t)) = stat(pid) {
            if ppid == postmaster {
                sum += t[0] + t[1];
            }
        }
    }
    Ok(sum)
}

/// Clock ticks a second (`getconf CLK_TCK`; Linux reports 100).
fn clock_ticks() -> f64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(100.0)
}

//! Usage import memory benchmark (release build): `cargo bench --bench usage_memory`.
//!
//! A 1 GB NDJSON file (9.2 million events of 1,000 customers over 18 days) imported by
//! `billctl usage import` into an empty store, without `--skip-invalid` (two passes: check
//! every line, then write) and from stdin with `--skip-invalid` (one pass, stdin spooled to a
//! temporary file). The child's peak RSS is its `ru_maxrss`: the import runs under this program
//! started again as a measurer, whose only child it is, which waits for it and then reads
//! `getrusage(RUSAGE_CHILDREN)`; the anchor, printed beside it, is
//! the size of the input. Target: peak RSS under 300 MB, whatever the input's size. Needs about
//! 3 GB of free disk in the temporary directory.

use std::io::Write;
use std::process::{Command, Stdio};
use std::time::Instant;

const TARGET_BYTES: usize = 1_000_000_000;
const CUSTOMERS: usize = 1_000;

/// Set for this program started again as the measurer of one command.
const MEASURE: &str = "BILLCTL_BENCH_MEASURE_CHILD";

fn main() -> anyhow::Result<()> {
    if std::env::var_os(MEASURE).is_some() {
        return measure();
    }
    let dir = tempfile::tempdir()?;
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH)?.as_secs() as i64;
    let path = dir.path().join("events.ndjson");
    let (events, bytes) = generate(&path, now)?;
    println!("input: {events} events, {bytes} bytes of NDJSON");
    for (label, skip) in
        [("two passes, from the file", false), ("one pass, from stdin, --skip-invalid", true)]
    {
        let data = dir.path().join(format!("data-{skip}"));
        fresh_store(&data, now)?;
        let (secs, peak) = import(&data, &path, skip)?;
        println!(
            "{label}: {events} events in {secs:.1} s ({:.0} events/s); peak RSS {} MB; anchor, the input: {} MB: {:.2}x the input (target: under 300 MB)",
            events as f64 / secs,
            peak / 1_000_000,
            bytes / 1_000_000,
            peak as f64 / bytes as f64
        );
        std::fs::remove_dir_all(&data)?;
    }
    Ok(())
}

fn generate(path: &std::path::Path, now: i64) -> anyhow::Result<(usize, usize)> {
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    let base = now - 30 * 86_400;
    let (mut n, mut bytes) = (0usize, 0usize);
    while bytes < TARGET_BYTES {
        let line = format!(
            "{{\"id\":\"evt-{n:011}\",\"customer\":\"cus_big{}\",\"timestamp\":{},\"quantity\":{},\"endpoint\":\"/v1/things\"}}\n",
            n % CUSTOMERS,
            base + (n / 6) as i64,
            1 + n % 5
        );
        out.write_all(line.as_bytes())?;
        bytes += line.len();
        n += 1;
    }
    out.flush()?;
    Ok((n, bytes))
}

fn fresh_store(data: &std::path::Path, now: i64) -> anyhow::Result<()> {
    let mut store = billctl::adapters::store::Store::open(data)?;
    store.claim_mode(billctl::domain::mode::Mode::Test)?;
    for c in 0..CUSTOMERS {
        store.record(
            &billctl::domain::billing::Customer {
                id: format!("cus_big{c}"),
                email: None,
                name: None,
                created: now,
            },
            &[],
            now,
        )?;
    }
    Ok(())
}

/// Runs the import; returns its wall time and the child's peak RSS in bytes.
fn import(
    data: &std::path::Path,
    path: &std::path::Path,
    skip: bool,
) -> anyhow::Result<(f64, i64)> {
    let mut c = Command::new(env!("CARGO_BIN_EXE_billctl"));
    c.env_clear().env("BILLCTL_DATA_DIR", data).stdout(Stdio::piped()).stderr(Stdio::piped());
    if skip {
        let rejects = data.join("rejects.jsonl");
        c.args(["usage", "import", "-", "--format", "ndjson", "--skip-invalid", "--rejects"])
            .arg(rejects)
            .args(["--json", "-q"]);
    } else {
        c.args(["usage", "import"]).arg(path).args(["--json", "-q"]);
    }
    // The measurer runs billctl with this command's arguments, environment and input.
    let mut m = Command::new(std::env::current_exe()?);
    m.env_clear()
        .envs(c.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env(MEASURE, "1")
        .arg(c.get_program())
        .args(c.get_args())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if skip {
        m.stdin(std::fs::File::open(path)?);
    }
    let t = Instant::now();
    let out = m.output()?;
    let secs = t.elapsed().as_secs_f64();
    anyhow::ensure!(
        out.status.success(),
        "the import failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let kb: i64 = text
        .lines()
        .last()
        .and_then(|l| l.strip_prefix("maxrss_kb "))
        .ok_or_else(|| anyhow::anyhow!("the measurer said no maxrss: {text}"))?
        .parse()?;
    Ok((secs, kb * 1024))
}

/// The measurer: runs its arguments as its only child (its output discarded, its input this
/// program's), and prints the child's peak RSS in kB as the last line.
fn measure() -> anyhow::Result<()> {
    let mut args = std::env::args_os().skip(1);
    let program = args.next().ok_or_else(|| anyhow::anyhow!("no command to measure"))?;
    let status =
        Command::new(program).args(args).env_remove(MEASURE).stdout(Stdio::null()).status()?;
    anyhow::ensure!(status.success(), "the measured command failed: {status}");
    let usage = nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN)?;
    println!("maxrss_kb {}", usage.max_rss());
    Ok(())
}

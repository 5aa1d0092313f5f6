//! Test harness: a simulator, temp dirs for config and data, and the billctl binary run in an
//! isolated environment (no inherited HOME, keys or config).
#![allow(dead_code)]

use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use stripe_sim::StripeSim;

#[allow(unused_imports)]
pub use build::{event, key_id, ndjson, Event, Sub};

pub mod build;
pub mod http;
pub mod live;
pub mod pg;
pub mod proxy;
pub mod receiver;
pub mod tests2;
pub mod tests3;

pub const DEFAULT_CONFIG: &str = billctl::domain::config::DEFAULT_CONFIG;

pub struct Env {
    pub sim: StripeSim,
    pub tmp: tempfile::TempDir,
    pub key: Option<String>,
    /// The time billctl's clock reads in every command run from now on (`BILLCTL_TEST_NOW`);
    /// `i64::MIN`: the system clock.
    pub pinned_now: std::sync::atomic::AtomicI64,
    /// With `BILLCTL_TEST_BACKEND=postgres`: this environment's own Postgres database, which
    /// every command gets as `BILLCTL_DATABASE_URL`.
    pub database_url: Option<String>,
    /// This environment's own billctl profile. The kernel keyring's persistent keyring is one
    /// per user, shared by every session keyring, so two environments at once (one test
    /// binary runs them in parallel) must never share a keyring entry's name.
    pub profile: String,
    /// Unlinks the profile's keyring entries when the test is done.
    pub keyring_entries: KeyringEntries,
    /// The config file every command gets as `BILLCTL_CONFIG` ([`Env::use_config`]).
    pub config_file: std::sync::Mutex<Option<PathBuf>>,
}

/// A test's keyring entries go with it (an [`Env`] holds one). The kernel keyring store links
/// every entry into the user's persistent keyring too (kept 3 days after its last use, across
/// sessions), so an entry made in a test's fresh session keyring (or in this process's) would
/// outlive the test: each is invalidated, found by the test's profile in its description.
pub struct KeyringEntries(String);

impl Drop for KeyringEntries {
    fn drop(&mut self) {
        forget_keyring_entries(&self.0);
    }
}

/// Invalidates every keyring entry of `profile` (all of them are in the user's persistent
/// keyring), from a fresh session keyring that links the persistent one and so possesses it
/// (nothing when keyctl is missing); returns how many there were.
pub fn forget_keyring_entries(profile: &str) -> usize {
    let script = r#"P=$(keyctl get_persistent @s 2>/dev/null) || { echo 0; exit 0; }
n=0
for k in $(keyctl rlist "$P" 2>/dev/null); do
  case "$(keyctl rdescribe "$k" 2>/dev/null)" in
    *";keyring-rs:$PROFILE:"*|*";keyring-rs:$PROFILE@"*) keyctl invalidate "$k" >/dev/null 2>&1 && n=$((n+1)) ;;
  esac
done
echo "$n""#;
    Command::new("keyctl")
        .args(["session", "-", "sh", "-c", script])
        .env("PROFILE", profile)
        .stderr(Stdio::null())
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .unwrap_or(0)
}

static NEXT_ENV: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// The variable that runs the suite against Postgres (`postgres`) instead of SQLite.
pub const BACKEND_ENV: &str = "BILLCTL_TEST_BACKEND";

/// The Postgres store at `url`.
pub fn pg_store(url: &str) -> billctl::adapters::store::Store {
    billctl::adapters::store::Store::open_pg(
        &billctl::adapters::store::pg::PgUrl::parse(url, true).expect("a test URL"),
    )
    .expect("the Postgres store opens")
}

/// The store in `data`, or the Postgres store at `db_url` when there is one.
pub fn store_at(data: &Path, db_url: Option<&str>) -> billctl::adapters::store::Store {
    match db_url {
        Some(u) => pg_store(u),
        None => billctl::adapters::store::Store::open(data).expect("store opens"),
    }
}

/// The webhook store in `data`, or the Postgres store at `db_url` when there is one.
pub fn events_at(
    data: &Path,
    db_url: Option<&str>,
) -> billctl::adapters::store::webhooks::EventStore {
    use billctl::adapters::store::webhooks::{EventStore, Location};
    let location = match db_url {
        Some(u) => {
            Location::Pg(billctl::adapters::store::pg::PgUrl::parse(u, true).expect("a test URL"))
        }
        None => Location::Dir(data.to_path_buf()),
    };
    EventStore::open_at(&location).expect("the webhook store opens")
}

/// Whether this run of the suite is against Postgres.
pub fn on_postgres() -> bool {
    std::env::var(BACKEND_ENV).is_ok_and(|b| b == "postgres")
}

/// True (with a note) when the suite runs against Postgres and the calling test is about the
/// SQLite store's files themselves (modes, backups, file sizes): `if common::sqlite_only() {
/// return; }`.
pub fn sqlite_only() -> bool {
    if on_postgres() {
        eprintln!("skipped on Postgres: this test is about the SQLite store's files");
    }
    on_postgres()
}

/// A command line's words: split on ASCII spaces, tabs and newlines (as a shell's IFS), `'...'` kept whole (no escapes inside).
pub fn words(line: &str) -> Vec<String> {
    let (mut words, mut cur, mut quoted, mut any) = (Vec::new(), String::new(), false, false);
    for c in line.chars() {
        match c {
            '\'' => (quoted, any) = (!quoted, true),
            c if matches!(c, ' ' | '\t' | '\n') && !quoted => {
                if any {
                    words.push(std::mem::take(&mut cur));
                }
                any = false;
            }
            c => {
                cur.push(c);
                any = true;
            }
        }
    }
    assert!(!quoted, "unbalanced quote in {line:?}");
    if any {
        words.push(cur);
    }
    words
}

/// What a run printed and how it exited.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|e| {
            panic!("stdout is not JSON ({e}):\n{}\nstderr:\n{}", self.stdout, self.stderr)
        })
    }
    #[track_caller]
    pub fn ok(self) -> Run {
        assert_eq!(
            self.code, 0,
            "expected exit 0\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
    #[track_caller]
    pub fn code(self, want: i32) -> Run {
        assert_eq!(
            self.code, want,
            "expected exit {want}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

impl Env {
    pub fn new() -> Env {
        Env::with_sim(StripeSim::start())
    }

    pub fn with_sim(sim: StripeSim) -> Env {
        let key = Some(sim.api_key().to_string());
        let database_url = on_postgres().then(|| {
            pg::cluster()
                .expect("BILLCTL_TEST_BACKEND=postgres needs PostgreSQL's server binaries")
                .fresh_db()
        });
        let profile = format!(
            "billctl-test-{}-{}",
            std::process::id(),
            NEXT_ENV.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
        );
        Env {
            sim,
            tmp: tempfile::tempdir().expect("temp dir"),
            key,
            pinned_now: std::sync::atomic::AtomicI64::new(i64::MIN),
            database_url,
            keyring_entries: KeyringEntries(profile.clone()),
            profile,
            config_file: std::sync::Mutex::new(None),
        }
    }

    /// Pins billctl's clock at `unix` seconds for every command run after this (the simulator
    /// keeps its own time); `i64::MIN` gives the system clock back.
    pub fn set_now(&self, unix: i64) {
        self.pinned_now.store(unix, std::sync::atomic::Ordering::SeqCst);
    }

    /// The time [`Env::set_now`] pinned (`i64::MIN`: none).
    pub fn now_pinned(&self) -> i64 {
        self.pinned_now.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// A simulator with the default catalog already applied.
    pub fn with_catalog() -> Env {
        let env = Env::new();
        env.cmd("setup-products --yes -q").ok();
        env
    }

    /// Creates a customer paying by card and subscribes it to `tier`; returns the customer id.
    pub fn subscribed(&self, email: &str, tier: &str) -> String {
        subscribe(&self.sim, |args| self.run(args), email, tier)
    }

    /// Gives `customer` Stripe's Visa test card as the invoice default, as the customer would
    /// in the billing portal.
    pub fn add_card(&self, customer: &str) {
        self.sim.add_card(customer, "pm_card_visa").expect("the simulator attaches a test card");
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.tmp.path().join(name)
    }

    /// The JSON file `name` in the test's temp dir (a script's output, say).
    pub fn read_json(&self, name: &str) -> Value {
        let text = read(&self.path(name));
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{name} is not JSON ({e}): {text}"))
    }

    pub fn data_dir(&self) -> PathBuf {
        self.path("data")
    }

    /// Writes `text` as `billctl.toml` and gives it to every command run from now on as
    /// `BILLCTL_CONFIG`; returns its path.
    pub fn use_config(&self, text: &str) -> PathBuf {
        let p = self.config(text);
        *self.config_file.lock().unwrap() = Some(p.clone());
        p
    }

    /// Writes a config file and returns its path.
    pub fn config(&self, text: &str) -> PathBuf {
        let p = self.path("billctl.toml");
        std::fs::write(&p, text).unwrap();
        p
    }

    pub fn command(&self) -> Command {
        let mut c = Command::new(env!("CARGO_BIN_EXE_billctl"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.path("home"))
            .env("XDG_CONFIG_HOME", self.path("xdg-config"))
            .env("XDG_DATA_HOME", self.path("xdg-data"))
            .env("BILLCTL_DATA_DIR", self.data_dir())
            .env("BILLCTL_STRIPE_API_BASE", self.sim.base_url())
            // A profile no other test or person uses, so a real keyring never answers.
            .env("BILLCTL_PROFILE", &self.profile)
            .env("NO_COLOR", "1")
            .stdin(Stdio::null());
        let pinned = self.pinned_now.load(std::sync::atomic::Ordering::SeqCst);
        if pinned != i64::MIN {
            c.env(billctl::domain::clock::TEST_NOW_ENV, pinned.to_string());
        }
        if let Some(u) = &self.database_url {
            c.env("BILLCTL_DATABASE_URL", u);
        }
        if let Some(p) = &*self.config_file.lock().unwrap() {
            c.env("BILLCTL_CONFIG", p);
        }
        if let Some(k) = &self.key {
            c.env("BILLCTL_STRIPE_API_KEY", k);
            // Live-mode tests reach the local simulator (test builds only).
            if k.contains("_live_") {
                c.env(billctl::context::TEST_ALLOW_LIVE_BASE_ENV, "1");
            }
        }
        c
    }

    pub fn run(&self, args: &[&str]) -> Run {
        run(self.command().args(args))
    }

    /// Runs billctl with a command line as cargo's tests write one:
    /// `env.cmd(format!("subscriptions create --customer {cus} --tier team"))`. Words are split
    /// on whitespace; a word in single quotes keeps its spaces and double quotes.
    pub fn cmd(&self, line: impl AsRef<str>) -> Run {
        self.run(&words(line.as_ref()).iter().map(String::as_str).collect::<Vec<_>>())
    }

    /// [`Env::cmd`] with extra environment variables.
    pub fn cmd_with<K, V>(
        &self,
        line: impl AsRef<str>,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> Run
    where
        K: AsRef<std::ffi::OsStr>,
        V: AsRef<std::ffi::OsStr>,
    {
        run(self.command().envs(vars).args(words(line.as_ref())))
    }

    /// Starts `billctl LINE` with extra environment variables, stdout and stderr piped.
    pub fn spawn_with<K, V>(
        &self,
        line: impl AsRef<str>,
        vars: impl IntoIterator<Item = (K, V)>,
    ) -> std::process::Child
    where
        K: AsRef<std::ffi::OsStr>,
        V: AsRef<std::ffi::OsStr>,
    {
        let mut c = self.command();
        c.envs(vars).args(words(line.as_ref())).stdout(Stdio::piped()).stderr(Stdio::piped());
        c.spawn().expect("billctl starts")
    }

    /// [`Env::cmd`] with `input` on stdin.
    pub fn cmd_stdin(&self, line: impl AsRef<str>, input: &str) -> Run {
        let words = words(line.as_ref());
        self.run_with_stdin(&words.iter().map(String::as_str).collect::<Vec<_>>(), input)
    }

    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Run {
        let mut c = self.command();
        c.args(args).stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = c.spawn().expect("billctl starts");
        feed(&mut child, input.as_bytes());
        let out = child.wait_with_output().unwrap();
        to_run(out)
    }

    /// `POST /v1{path}` to the simulator through Stripe's public API (form-encoded, with the
    /// environment's key), as the Dashboard or another integration would change an object.
    pub fn stripe_post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let transport = billctl::adapters::stripe::Transport::new(
            &billctl::adapters::secrets::Secret::new(self.sim.api_key().to_string()),
            billctl::adapters::stripe::Settings {
                base: self.sim.base_url(),
                timeout: std::time::Duration::from_secs(30),
                max_attempts: 1,
                backoff: std::time::Duration::from_millis(100),
                log: None,
                max_rps: None,
            },
        )
        .expect("a Stripe client");
        let body = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let rt =
            tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
        let method = billctl::adapters::stripe::transport::Method::Post;
        let bytes = rt
            .block_on(transport.raw(method, path, None, Some(body), None))
            .unwrap_or_else(|e| panic!("POST {path}: {e}"));
        serde_json::from_slice(&bytes).expect("Stripe answers JSON")
    }

    /// POSTs in the simulator's request log since the last clear.
    pub fn posts(&self) -> usize {
        self.sim.requests().iter().filter(|r| r.method == "POST").count()
    }

    /// The store every command of this environment uses (SQLite in the data dir, or this
    /// environment's Postgres database).
    pub fn store(&self) -> billctl::adapters::store::Store {
        store_at(&self.data_dir(), self.database_url.as_deref())
    }

    /// The webhook store of this environment.
    pub fn events(&self) -> billctl::adapters::store::webhooks::EventStore {
        events_at(&self.data_dir(), self.database_url.as_deref())
    }

    /// Runs statements on this environment's store (test set-up the commands cannot make).
    pub fn exec(&self, sql: &str, webhooks: bool) {
        match &self.database_url {
            Some(u) => postgres::Client::connect(u, postgres::NoTls)
                .expect("connect")
                .batch_execute(sql)
                .expect("the statements run"),
            None => {
                let file = if webhooks { "webhooks.db" } else { "billctl.db" };
                rusqlite::Connection::open(self.data_dir().join(file))
                    .expect("open")
                    .execute_batch(sql)
                    .expect("the statements run")
            }
        }
    }

    /// One integer from a query on this environment's store (`billctl.db`, or Postgres), for
    /// checks the commands do not print. `webhooks`: the webhook store (`webhooks.db`).
    pub fn count(&self, sql: &str, webhooks: bool) -> i64 {
        count_at(&self.data_dir(), self.database_url.as_deref(), sql, webhooks)
    }

    /// One text value from a query on this environment's store (`billctl.db`, or Postgres).
    pub fn text(&self, sql: &str) -> String {
        match self.database_url.as_deref() {
            Some(u) => {
                let mut c = postgres::Client::connect(u, postgres::NoTls).expect("connect");
                c.query_one(sql, &[]).expect("the query runs").get(0)
            }
            None => rusqlite::Connection::open(self.data_dir().join("billctl.db"))
                .expect("open")
                .query_row(sql, [], |r| r.get(0))
                .expect("the query runs"),
        }
    }

    /// The quantity of a customer's raw usage events, all time (what the rollups must add up
    /// to).
    pub fn usage_total(&self, customer: &str) -> i64 {
        usage_total_at(&self.data_dir(), self.database_url.as_deref(), customer)
    }
}

/// The quantity of a customer's raw usage events, all time, in the store in `data` (or the
/// Postgres store at `db_url`).
pub fn usage_total_at(data: &Path, db_url: Option<&str>, customer: &str) -> i64 {
    let customer = customer.replace('\'', "''");
    let sql = format!("SELECT sum(quantity) FROM usage_events WHERE customer_id = '{customer}'");
    count_at(data, db_url, &sql, false)
}

/// One integer from a query on the store in `data` (or the Postgres store at `db_url`).
/// `webhooks`: the webhook store (`webhooks.db`).
pub fn count_at(data: &Path, db_url: Option<&str>, sql: &str, webhooks: bool) -> i64 {
    match db_url {
        Some(u) => {
            let mut c = postgres::Client::connect(u, postgres::NoTls).expect("connect");
            let row = c
                .query_one(&format!("SELECT CAST(({sql}) AS BIGINT)"), &[])
                .expect("the query runs");
            row.get::<_, Option<i64>>(0).unwrap_or(0)
        }
        None => {
            let file = if webhooks { "webhooks.db" } else { "billctl.db" };
            let c = rusqlite::Connection::open(data.join(file)).expect("open");
            c.query_row(&format!("SELECT ({sql})"), [], |r| r.get::<_, Option<i64>>(0))
                .expect("the query runs")
                .unwrap_or(0)
        }
    }
}

/// Creates a customer paying by card (Stripe's Visa test card, attached in `sim`) and
/// subscribes it to `tier` through `run` (billctl with some environment); returns the
/// customer id.
pub fn subscribe(sim: &StripeSim, run: impl Fn(&[&str]) -> Run, email: &str, tier: &str) -> String {
    let customer =
        run(&["customers", "create", "--email", email, "-q"]).ok().stdout.trim().to_string();
    sim.add_card(&customer, "pm_card_visa").expect("the simulator attaches a test card");
    run(&["subscriptions", "create", "--customer", &customer, "--tier", tier, "-q"]).ok();
    customer
}

/// Sends `signal` (`"TERM"`, `"HUP"`, `"CONT"`...) to process `pid` and checks it was sent.
#[track_caller]
pub fn signal(pid: u32, signal: &str) {
    let sent = Command::new("kill").args([format!("-{signal}"), pid.to_string()]).status();
    assert!(sent.is_ok_and(|s| s.success()), "kill -{signal} {pid}");
}

pub fn run(c: &mut Command) -> Run {
    to_run(c.output().expect("billctl runs"))
}

/// Writes `input` to the child's stdin and closes it. A child that decides without reading
/// its stdin (a usage error, say) may have exited already: a broken pipe is not the test's
/// failure, the child's exit code and output say what happened.
pub fn feed(child: &mut std::process::Child, input: &[u8]) {
    let mut stdin = child.stdin.take().expect("stdin is piped");
    match stdin.write_all(input) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => panic!("writing stdin: {e}"),
        _ => {}
    }
}

pub fn to_run(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

pub fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// The default catalog plus a meter and overage prices for Pro (1 cent a call over 10,000) and
/// Team ($1 per 1,000 calls over 100,000).
pub fn metered_config() -> String {
    format!(
        r#"{DEFAULT_CONFIG}
[meter]
event_name = "api_calls"
display_name = "API calls"

[tiers.pro.overage]
lookup_key = "pro_overage"
amount = 1

[tiers.team.overage]
lookup_key = "team_overage"
amount = 100
per = 1000
"#
    )
}

/// The integer fields `keys` of `v` (`None` where one is missing or not an integer), to check
/// several counts of an answer in one `assert_eq!`.
pub fn ints<const N: usize>(v: &Value, keys: [&str; N]) -> [Option<i64>; N] {
    keys.map(|k| v[k].as_i64())
}

/// Unix seconds now.
pub fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

/// Runs `script` with sh inside a fresh kernel session keyring, in the test's environment plus
/// `vars`, with `$BILLCTL` the binary, in the test's temp dir. Without `env_key` the Stripe key
/// variable is removed.
///
/// The script runs under `keyctl session -` (Debian's keyutils), which joins a new anonymous
/// session keyring and then runs it: the kernel's keyring, reached without unsafe code in the
/// tests (the workspace forbids it). Everything the script starts shares that keyring, and it
/// is gone when they exit.
pub fn in_session_keyring(env: &Env, script: &str, env_key: bool, vars: &[(&str, &str)]) -> Run {
    keyring_shell(env, script, env_key, vars, true)
}

/// As [`in_session_keyring`], but the new session keyring refuses writes (its possessor may
/// view, read and search it, not write it): a keyring that is there and says no, as on a
/// locked-down host.
pub fn in_refusing_keyring(env: &Env, script: &str, env_key: bool, vars: &[(&str, &str)]) -> Run {
    keyring_shell(env, script, env_key, vars, false)
}

fn keyring_shell(
    env: &Env,
    script: &str,
    env_key: bool,
    vars: &[(&str, &str)],
    writable: bool,
) -> Run {
    let template = env.command();
    let mut sh = Command::new("sh");
    sh.env_clear();
    for (k, v) in template.get_envs() {
        if let Some(v) = v {
            sh.env(k, v);
        }
    }
    if !env_key {
        sh.env_remove("BILLCTL_STRIPE_API_KEY");
    }
    // keyctl says "Joined session keyring: N" on stderr before it runs the program: the outer
    // shell keeps the test's stderr as descriptor 3 and gives it back to the script. A refusing
    // keyring lets its possessor view, read, search and set attributes (no write, no link),
    // its user view, read and search.
    let perms = if writable { "" } else { "keyctl setperm @s 0x2b0b0000 >/dev/null || exit 97; " };
    let inner = format!(
        "exec 2>&3 3>&-; {perms}s=$BILLCTL_TEST_SCRIPT; unset BILLCTL_TEST_SCRIPT; exec sh -ec \"$s\""
    );
    sh.envs(vars.iter().copied())
        .env("BILLCTL", env!("CARGO_BIN_EXE_billctl"))
        .env("BILLCTL_TEST_SCRIPT", script)
        .env("BILLCTL_TEST_INNER", inner)
        .current_dir(env.tmp.path())
        .args([
            "-c",
            "command -v keyctl >/dev/null || { echo 'keyctl not found: install keyutils (apt-get install keyutils)' >&2; exit 98; }
             i=$BILLCTL_TEST_INNER; unset BILLCTL_TEST_INNER
             exec 3>&2 2>/dev/null; exec keyctl session - sh -c \"$i\"",
        ]);
    let out = sh.output().expect("sh starts");
    let run = to_run(out);
    assert!(
        run.code != 98 && run.code != 97,
        "could not run the script in a new session keyring: {}",
        run.stderr
    );
    run
}

/// How long a test waits for a state it polls for before it fails saying what it waited for:
/// long enough that no slow machine meets it, short enough that a hang ends the run.
pub const WAIT_DEADLINE: std::time::Duration = std::time::Duration::from_secs(120);

/// Polls `f` every 20 ms until it gives a value; panics naming `what` after [`WAIT_DEADLINE`].
pub fn wait_for<T>(what: &str, mut f: impl FnMut() -> Option<T>) -> T {
    let start = std::time::Instant::now();
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(
            start.elapsed() < WAIT_DEADLINE,
            "gave up after {} s waiting for {what}",
            WAIT_DEADLINE.as_secs()
        );
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
}

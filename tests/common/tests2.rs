//! billctl run with more than [`Env::cmd`] gives it: variables of its own (another store,
//! another data dir, no Stripe key), and as a process the test watches (spawned, signalled,
//! its first line read), each still written as the command line it runs.

use super::{feed, to_run, words, Env, Run};
use std::ffi::{OsStr, OsString};
use std::io::BufRead;
use std::process::{Child, Command, Stdio};

/// A test's billctl with variables changed:
/// `env.with("BILLCTL_DATABASE_URL", &url).cmd("db status --json")`.
pub struct With<'a> {
    env: &'a Env,
    set: Vec<(OsString, OsString)>,
    unset: Vec<OsString>,
}

impl Env {
    /// This environment's billctl with `name` set to `value` as well.
    pub fn with(&self, name: &str, value: impl AsRef<OsStr>) -> With<'_> {
        With { env: self, set: Vec::new(), unset: Vec::new() }.with(name, value)
    }

    /// This environment's billctl without the Stripe key variable.
    pub fn without_key(&self) -> With<'_> {
        With { env: self, set: Vec::new(), unset: vec!["BILLCTL_STRIPE_API_KEY".into()] }
    }

    /// Starts a command line, stdout and stderr piped: [`finish`] waits for it.
    pub fn spawn(&self, line: impl AsRef<str>) -> Child {
        With { env: self, set: Vec::new(), unset: Vec::new() }.spawn(line)
    }

    /// [`Env::spawn`] with stdin piped too, for the test to write ([`feed`], [`feed_all`]).
    pub fn spawn_stdin(&self, line: impl AsRef<str>) -> Child {
        With { env: self, set: Vec::new(), unset: Vec::new() }.spawn_stdin(line)
    }

    /// Writes `contents` to `name` in the test's temp dir; its path.
    pub fn file(&self, name: &str, contents: impl AsRef<[u8]>) -> std::path::PathBuf {
        let p = self.path(name);
        std::fs::write(&p, contents).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        p
    }

    /// `keys verify --json` (`--record` too when `record`) of `key` on stdin: exit code and
    /// answer.
    pub fn verify(&self, key: &str, record: bool) -> (i32, serde_json::Value) {
        let line = if record { "keys verify --record --json" } else { "keys verify --json" };
        let r = self.cmd_stdin(line, &format!("{key}\n"));
        (r.code, r.json())
    }

    /// An embedded verifier on this environment's store with the built-in config, its clock
    /// `clock`.
    pub fn verifier(
        &self,
        clock: &billctl::domain::clock::Clock,
    ) -> billctl::ops::verifier::Verifier {
        let v = billctl::ops::verifier::Verifier::from_store(self.store(), &default_config());
        v.expect("a verifier").with_clock(clock.clone())
    }
}

impl With<'_> {
    /// `name` set to `value` as well.
    pub fn with(mut self, name: &str, value: impl AsRef<OsStr>) -> Self {
        self.set.push((name.into(), value.as_ref().to_os_string()));
        self
    }

    /// The command for a command line (its words as [`Env::cmd`] splits them), stdin empty.
    pub fn command(&self, line: impl AsRef<str>) -> Command {
        let mut c = self.env.command();
        for name in &self.unset {
            c.env_remove(name);
        }
        c.envs(self.set.iter().map(|(k, v)| (k, v))).args(words(line.as_ref()));
        c
    }

    /// [`Env::cmd`] with these variables.
    pub fn cmd(&self, line: impl AsRef<str>) -> Run {
        super::run(&mut self.command(line))
    }

    /// [`With::cmd`] with `input` on stdin.
    pub fn cmd_stdin(&self, line: impl AsRef<str>, input: &str) -> Run {
        let mut child = self.spawn_stdin(line);
        feed(&mut child, input.as_bytes());
        finish(child)
    }

    /// Starts a command line, stdout and stderr piped: [`finish`] waits for it.
    pub fn spawn(&self, line: impl AsRef<str>) -> Child {
        let mut c = self.command(line);
        c.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("billctl starts")
    }

    /// [`With::spawn`] with stdin piped too, for the test to write ([`feed`]).
    pub fn spawn_stdin(&self, line: impl AsRef<str>) -> Child {
        let mut c = self.command(line);
        c.stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
        c.spawn().expect("billctl starts")
    }
}

/// Waits for a spawned billctl: what it printed and how it exited.
pub fn finish(child: Child) -> Run {
    to_run(child.wait_with_output().expect("billctl runs"))
}

/// Sends `signal` to a spawned process.
pub fn signal(child: &Child, signal: nix::sys::signal::Signal) {
    let pid = nix::unistd::Pid::from_raw(child.id() as i32);
    nix::sys::signal::kill(pid, signal).expect("the process takes the signal");
}

/// The first line a spawned process prints on stdout (piped).
pub fn first_line(child: &mut Child) -> String {
    let mut line = String::new();
    let stdout = child.stdout.as_mut().expect("stdout is piped");
    std::io::BufReader::new(stdout).read_line(&mut line).expect("a first line");
    line
}

/// Where a spawned `webhooks listen --json` listens: its first line's `listening`.
pub fn listening(child: &mut Child) -> String {
    let line = first_line(child);
    let v: serde_json::Value =
        serde_json::from_str(&line).unwrap_or_else(|e| panic!("{e}: {line:?}"));
    v["listening"].as_str().expect("a listening address").to_string()
}

/// The one value a query on a Postgres client answers (its first row's first column).
pub fn pg_one<T: postgres::types::FromSqlOwned>(
    client: &mut postgres::Client,
    sql: &str,
    params: &[&(dyn postgres::types::ToSql + Sync)],
) -> T {
    client.query_one(sql, params).unwrap_or_else(|e| panic!("{sql}: {e}")).get(0)
}

/// Gives every spawned process (stdin piped) `input` once all of them have started, so they
/// race for real, then waits for each: their runs, in order.
pub fn feed_all(mut children: Vec<Child>, input: &str) -> Vec<Run> {
    for child in &mut children {
        feed(child, input.as_bytes());
    }
    children.into_iter().map(finish).collect()
}

/// A Stripe event `id` (`customer.updated` of `cus_x`), as a file to ingest holds it.
pub fn customer_updated(id: &str) -> String {
    format!(
        r#"{{"id":"{id}","object":"event","type":"customer.updated","created":1795500000,"livemode":false,"api_version":"2026-09-30.endive","data":{{"object":{{"id":"cus_x","object":"customer"}}}}}}"#
    )
}

/// The simulator's price that holds `lookup_key`.
pub fn sim_price(env: &Env, lookup_key: &str) -> serde_json::Value {
    let st = env.sim.state();
    let price = st.prices.values().find(|p| p["lookup_key"] == lookup_key);
    price.cloned().unwrap_or_else(|| panic!("no price holds {lookup_key}"))
}

/// A live-mode Stripe key the simulator of [`live_env`] takes.
pub const LIVE_KEY: &str = "sk_live_billctltest0000000000000000";

/// An environment whose simulator takes only [`LIVE_KEY`], and billctl holding it.
pub fn live_env() -> Env {
    let sim = stripe_sim::StripeSim::builder().api_keys(vec![LIVE_KEY.into()]).start();
    Env { key: Some(LIVE_KEY.into()), ..Env::with_sim(sim.expect("a live-mode simulator")) }
}

/// The built-in catalog's config text followed by `extra` (TOML).
pub fn config_with(extra: &str) -> String {
    format!("{}\n{extra}", billctl::domain::config::DEFAULT_CONFIG)
}

/// The built-in config, parsed, for embedded verifiers and appliers.
pub fn default_config() -> billctl::domain::config::Config {
    billctl::domain::config::parse(billctl::domain::config::DEFAULT_CONFIG, "default")
        .expect("the default config")
}

/// POSTs a Stripe event `body` with its `Stripe-Signature` header to `url`
/// (`http://HOST:PORT/PATH`, as `webhooks listen` says where it listens).
pub fn post_signed(url: &str, signature: &str, body: &[u8]) -> super::http::Answer {
    let at = url.trim_start_matches("http://").find('/').expect("a path") + "http://".len();
    let (base, path) = url.split_at(at);
    let head = format!("POST {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\nStripe-Signature: {signature}\r\nContent-Length: {}\r\n\r\n", body.len());
    super::http::exchange(base, &[head.as_bytes(), body].concat()).expect("the listener answers")
}

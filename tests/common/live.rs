//! The switch for live-capable tests (issue 21): they use only Stripe's public API, so they
//! run unchanged against real Stripe test mode or against the simulator.
//!
//! - `BILLCTL_TEST_STRIPE_KEY=sk_test_…` runs them against `api.stripe.com` (a live-mode key
//!   is refused); `BILLCTL_TEST_STRIPE_BASE` points them elsewhere.
//! - Without it, they run as a **dry run**: a fresh simulator (limited to Stripe's test-mode
//!   25 requests/s) is reached only through its base URL and key, never through its own
//!   controls; at the end the harness checks that no `/_sim/` path was used and every request
//!   was a public `/v1/` one.
//!
//! Isolation on a shared account: every object a test creates carries the run's tag (metadata
//! `test_run`, and a prefix on product ids and lookup keys), and the harness cleans up
//! when the test ends: test clocks deleted (with their customers), products and prices
//! archived. Requests stay under the test-mode limit through billctl's own pacing
//! (`BILLCTL_STRIPE_RATE`) and the harness's, and each test reports how many it made and its
//! busiest second.
#![allow(dead_code)]

use super::{to_run, Run};
use serde_json::Value;
use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::process::{Command, Stdio};

pub const KEY_ENV: &str = "BILLCTL_TEST_STRIPE_KEY";
pub const BASE_ENV: &str = "BILLCTL_TEST_STRIPE_BASE";
/// Requests per second for billctl and for the harness: together under Stripe's test-mode 25.
const RATE: u32 = 10;
/// Stripe's test-mode limit, which the dry run's simulator enforces.
pub const TEST_MODE_LIMIT: u32 = 25;

/// Against real Stripe the tests of one run share an account and its 25 requests/s, so they
/// run one at a time (each paced at [`RATE`] for billctl and for the harness).
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

pub struct Live {
    /// Held for the test's life against real Stripe; `None` in the dry run, whose tests
    /// each have a simulator (and a rate limit) of their own.
    _turn: Option<std::sync::MutexGuard<'static, ()>>,
    /// The dry run's simulator: kept alive, and read only at the end (its log).
    sim: Option<stripe_sim::StripeSim>,
    pub base: String,
    key: String,
    /// This run's tag: on every object's metadata and in product ids and lookup keys.
    pub tag: String,
    transport: billctl::adapters::stripe::Transport,
    rt: tokio::runtime::Runtime,
    tmp: tempfile::TempDir,
    clocks: RefCell<Vec<String>>,
    billctl_requests: Cell<u64>,
    now: Cell<Option<i64>>,
}

impl Live {
    pub fn new() -> Live {
        let (sim, base, key) = match std::env::var(KEY_ENV).ok().filter(|k| !k.is_empty()) {
            Some(key) => {
                if key.starts_with("sk_live_") || key.starts_with("rk_live_") {
                    panic!("{KEY_ENV} holds a live-mode key: the tests run only in test mode (sk_test_…)");
                }
                assert!(
                    key.starts_with("sk_test_") || key.starts_with("rk_test_"),
                    "{KEY_ENV} must be a test-mode key (sk_test_…)"
                );
                let base = std::env::var(BASE_ENV)
                    .ok()
                    .filter(|b| !b.is_empty())
                    .unwrap_or_else(|| "https://api.stripe.com/".into());
                (None, base, key)
            }
            None => {
                let sim = stripe_sim::StripeSim::builder()
                    .rate_limit(TEST_MODE_LIMIT)
                    .start()
                    .expect("the simulator starts");
                let (base, key) = (sim.base_url(), sim.api_key().to_string());
                (Some(sim), base, key)
            }
        };
        let turn = sim.is_none().then(|| ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner()));
        let base = if base.ends_with('/') { base } else { format!("{base}/") };
        let transport = billctl::adapters::stripe::Transport::new(
            &billctl::adapters::secrets::Secret::new(key.clone()),
            billctl::adapters::stripe::Settings {
                base: base.clone(),
                timeout: std::time::Duration::from_secs(60),
                max_attempts: 4,
                backoff: std::time::Duration::from_millis(500),
                log: None,
                max_rps: Some(RATE),
            },
        )
        .expect("a Stripe client");
        let tag =
            format!("t{}", billctl::domain::idempotency::random()[8..16].to_ascii_lowercase());
        Live {
            _turn: turn,
            sim,
            base,
            key,
            tag,
            transport,
            rt: tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("a runtime"),
            tmp: tempfile::tempdir().expect("a temporary directory"),
            clocks: RefCell::new(Vec::new()),
            billctl_requests: Cell::new(0),
            now: Cell::new(None),
        }
    }

    pub fn is_dry_run(&self) -> bool {
        self.sim.is_some()
    }

    fn call(
        &self,
        method: billctl::adapters::stripe::transport::Method,
        path: &str,
        form: &[(&str, &str)],
    ) -> Value {
        let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(form).finish();
        let (query, body) = match method {
            billctl::adapters::stripe::transport::Method::Get => (Some(encoded), None),
            _ => (None, Some(encoded)),
        };
        let bytes = self
            .rt
            .block_on(self.transport.raw(method, path, query, body, None))
            .unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_json::from_slice(&bytes).expect("Stripe answers JSON")
    }

    /// `GET /v1{path}`.
    pub fn get(&self, path: &str, query: &[(&str, &str)]) -> Value {
        self.call(billctl::adapters::stripe::transport::Method::Get, path, query)
    }

    /// `POST /v1{path}`.
    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> Value {
        self.call(billctl::adapters::stripe::transport::Method::Post, path, form)
    }

    /// `DELETE /v1{path}`.
    pub fn delete(&self, path: &str) -> Value {
        self.call(billctl::adapters::stripe::transport::Method::Delete, path, &[])
    }

    /// The catalog config of this run: billctl's default plans, their product ids and lookup
    /// keys prefixed with the tag, the tag in their metadata.
    pub fn config(&self) -> PathBuf {
        let mut text = format!("product_id_prefix = \"billctl_{}_\"\n", self.tag);
        for line in billctl::domain::config::DEFAULT_CONFIG.lines() {
            if let Some(rest) = line.strip_prefix("lookup_key = \"") {
                text.push_str(&format!("lookup_key = \"{}_{rest}\n", self.tag));
            } else if let Some(rest) = line.strip_prefix("metadata = { ") {
                text.push_str(&format!("metadata = {{ test_run = \"{}\", {rest}\n", self.tag));
            } else {
                text.push_str(line);
                text.push('\n');
            }
        }
        let path = self.tmp.path().join("billctl.toml");
        std::fs::write(&path, text).expect("write the config");
        path
    }

    /// Pins billctl's clock (test builds) to a test clock's frozen time.
    pub fn set_now(&self, t: i64) {
        self.now.set(Some(t));
    }

    /// billctl with `input` on its stdin.
    pub fn billctl_with_stdin(&self, args: &[&str], input: &str) -> Run {
        self.billctl_fed(args, Some(input))
    }

    /// billctl with this run's config, data dir, key and pacing; its requests are counted.
    pub fn billctl(&self, args: &[&str]) -> Run {
        self.billctl_fed(args, None)
    }

    fn billctl_fed(&self, args: &[&str], input: Option<&str>) -> Run {
        let mut c = Command::new(env!("CARGO_BIN_EXE_billctl"));
        c.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.tmp.path().join("home"))
            .env("BILLCTL_DATA_DIR", self.tmp.path().join("data"))
            .env("BILLCTL_CONFIG", self.config())
            .env("BILLCTL_STRIPE_API_BASE", &self.base)
            .env("BILLCTL_STRIPE_API_KEY", &self.key)
            .env("BILLCTL_STRIPE_RATE", RATE.to_string())
            .env("BILLCTL_PROFILE", format!("billctl-live-{}", std::process::id()))
            .env("NO_COLOR", "1")
            .arg("-v")
            .args(args)
            .stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(t) = self.now.get() {
            c.env(billctl::domain::clock::TEST_NOW_ENV, t.to_string());
        }
        let mut child = c.spawn().expect("billctl runs");
        if let Some(text) = input {
            use std::io::Write;
            let mut stdin = child.stdin.take().expect("a stdin");
            stdin.write_all(text.as_bytes()).expect("write stdin");
        }
        let run = to_run(child.wait_with_output().expect("billctl runs"));
        let sent = run
            .stderr
            .lines()
            .filter(|l| l.starts_with("billctl: ") && l.contains(" /v1/") && l.contains(" -> "))
            .count() as u64;
        self.billctl_requests.set(self.billctl_requests.get() + sent);
        run
    }

    /// A test clock at `frozen_time`, deleted (with its customers) when the test ends.
    pub fn clock(&self, frozen_time: i64) -> String {
        let c = self.post(
            "/test_helpers/test_clocks",
            &[("frozen_time", &frozen_time.to_string()), ("name", &self.tag)],
        );
        let id = c["id"].as_str().expect("a clock id").to_string();
        self.clocks.borrow_mut().push(id.clone());
        id
    }

    /// Advances `clock` to `to` and waits until it is ready, as Stripe's advance is
    /// asynchronous (the wait is on the clock's status, polled at the harness's pace).
    pub fn advance(&self, clock: &str, to: i64) {
        self.post(
            &format!("/test_helpers/test_clocks/{clock}/advance"),
            &[("frozen_time", &to.to_string())],
        );
        for _ in 0..600 {
            let c = self.get(&format!("/test_helpers/test_clocks/{clock}"), &[]);
            match c["status"].as_str() {
                Some("ready") => return,
                Some("advancing") => {}
                other => panic!("test clock {clock} is {other:?}: {c}"),
            }
        }
        panic!("test clock {clock} did not become ready after 600 polls");
    }

    /// A customer on `clock`, tagged, with no payment method.
    pub fn bare_customer(&self, clock: &str, email: &str) -> String {
        let c = self.post(
            "/customers",
            &[("email", email), ("test_clock", clock), ("metadata[test_run]", &self.tag)],
        );
        c["id"].as_str().expect("a customer id").to_string()
    }

    /// A customer on `clock`, tagged, paying with Stripe's test Visa card.
    pub fn customer_on(&self, clock: &str, email: &str) -> String {
        self.customer_with_card(clock, email, "pm_card_visa")
    }

    /// A customer on `clock`, tagged, paying with Stripe's test payment method `card` (such as
    /// `pm_card_chargeCustomerFail`: attaches, then every charge is declined).
    pub fn customer_with_card(&self, clock: &str, email: &str, card: &str) -> String {
        let id = self.bare_customer(clock, email);
        let pm = self.post(&format!("/payment_methods/{card}/attach"), &[("customer", &id)]);
        let pm = pm["id"].as_str().expect("a payment method").to_string();
        self.post(
            &format!("/customers/{id}"),
            &[("invoice_settings[default_payment_method]", &pm)],
        );
        id
    }

    /// Archives this run's products and prices (Stripe keeps them; they cannot be deleted
    /// once used) and deletes its clocks.
    fn clean_up(&self) {
        for clock in self.clocks.borrow().iter() {
            let _ = self.rt.block_on(self.transport.raw(
                billctl::adapters::stripe::transport::Method::Delete,
                &format!("/test_helpers/test_clocks/{clock}"),
                None,
                None,
                None,
            ));
        }
        // Every price of this run's products, whichever holds a lookup key now.
        for tier in ["pro", "team", "enterprise"] {
            let product = format!("billctl_{}_{tier}", self.tag);
            let prices = self.get("/prices", &[("product", &product), ("limit", "100")]);
            for p in prices["data"].as_array().into_iter().flatten() {
                if let (Some(id), Some(true)) = (p["id"].as_str(), p["active"].as_bool()) {
                    self.post(&format!("/prices/{id}"), &[("active", "false")]);
                }
            }
        }
        for tier in ["pro", "team", "enterprise"] {
            let id = format!("billctl_{}_{tier}", self.tag);
            let _ = self.rt.block_on(self.transport.raw(
                billctl::adapters::stripe::transport::Method::Post,
                &format!("/products/{id}"),
                None,
                Some("active=false".into()),
                None,
            ));
        }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.clean_up();
            return;
        }
        self.clean_up();
        let harness = self.transport.requests_sent();
        let billctl = self.billctl_requests.get();
        match &self.sim {
            Some(sim) => {
                let log = sim.requests();
                let mut per_second = std::collections::HashMap::<i64, u32>::new();
                for r in &log {
                    *per_second.entry(r.at_ms / 1000).or_default() += 1;
                }
                let peak = per_second.values().copied().max().unwrap_or(0);
                eprintln!(
                    "live-capable test (dry run against the simulator): {} requests (harness {harness}, billctl {billctl}), at most {peak} in one second (Stripe's test-mode limit: {TEST_MODE_LIMIT}/s)",
                    log.len()
                );
                assert_eq!(sim.control_requests(), 0, "a live-capable test used the simulator's own controls");
                // The count from billctl's `-v` lines is what a run against Stripe reports: it
                // must be the simulator's, less the harness's own.
                assert_eq!(
                    log.len() as u64,
                    harness + billctl,
                    "billctl's requests, as counted from its -v lines, are not the simulator's"
                );
                let private: Vec<_> = log.iter().filter(|r| !r.path.starts_with("/v1/")).map(|r| r.path.clone()).collect();
                assert!(private.is_empty(), "not Stripe's public API: {private:?}");
                assert!(
                    log.iter().all(|r| r.status != 429),
                    "a request went over the test-mode rate limit"
                );
            }
            None => eprintln!(
                "live-capable test against {}: {} requests (harness {harness}, billctl {billctl}), each side paced at {RATE}/s",
                self.base,
                harness + billctl
            ),
        }
    }
}

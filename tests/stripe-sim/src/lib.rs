//! A stateful Stripe API simulator for billctl's tests and demos.
//!
//! Every object it returns starts from Stripe's published fixture for that resource
//! (`fixtures/fixtures3.json`, from stripe/openapi), with ids, timestamps and the fields the
//! request set laid over it, so responses have Stripe's real shape. It keeps state, checks API
//! keys and `Idempotency-Key`s, paginates, emits events, delivers signed webhooks and injects
//! faults.
//!
//! ```no_run
//! let sim = stripe_sim::StripeSim::start();
//! let base = sim.base_url(); // "http://127.0.0.1:PORT/", ends in '/' as async-stripe needs
//! sim.inject(stripe_sim::Fault::server_error().on("POST", "/v1/prices"));
//! // ... run billctl with BILLCTL_STRIPE_API_BASE=base ...
//! assert!(sim.requests().iter().all(|r| r.method == "GET"));
//! ```

mod api;
pub mod clock;
mod control;
pub mod error;
pub mod faults;
pub mod fixtures;
pub mod form;
pub mod list;
mod server;
pub mod state;
pub mod util;
pub mod webhooks;

pub use error::ApiError;
pub use faults::{Fault, FaultKind};
pub use state::{Delivery, State, API_VERSION};

use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, watch};

/// The secret key the simulator accepts unless told otherwise.
pub const DEFAULT_API_KEY: &str = "sk_test_stripesim0000000000000000000000000000";
/// A read-only restricted key the simulator also accepts by default: GETs work, writes get
/// Stripe's 403 permission error.
pub const DEFAULT_RESTRICTED_KEY: &str = "rk_test_stripesim0000000000000000000000000000";

/// A restricted key the simulator also accepts by default, without the customers permission
/// (`rak_customer_read`/`_write`): requests under `/v1/customers` get Stripe's 403 permission
/// error, everything else works.
pub const DEFAULT_NO_CUSTOMERS_KEY: &str = "rk_test_stripesimnocustomers00000000000000000";

/// One request as the simulator saw it, for assertions such as "the second run made no POSTs".
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct LoggedRequest {
    pub request_id: String,
    pub method: String,
    pub path: String,
    /// Query and form parameters, decoded (`items[0][price]` -> `{"items":[{"price":..}]}`).
    pub params: Value,
    pub idempotency_key: Option<String>,
    /// The status answered; 0 when the connection was dropped before an answer.
    pub status: u16,
    /// The injected fault, if any.
    pub fault: Option<String>,
    /// True when the answer was an idempotent replay.
    pub replayed: bool,
    /// When it arrived: wall clock, unix milliseconds.
    #[serde(default)]
    pub at_ms: i64,
}

/// State shared by the server tasks, the delivery worker and the handle.
pub struct Shared {
    state: Mutex<State>,
    log: Mutex<Vec<LoggedRequest>>,
    faults: Mutex<faults::Faults>,
    api_keys: Vec<String>,
    read_only_keys: Vec<String>,
    no_customers_keys: Vec<String>,
    state_file: Option<PathBuf>,
    queue_tx: mpsc::UnboundedSender<webhooks::Job>,
    in_flight: Mutex<usize>,
    idle: Condvar,
    /// Requests to the `/_sim/` control paths (not logged with the API's).
    control_requests: std::sync::atomic::AtomicUsize,
    /// How long a request's head and body may take to arrive.
    read_timeout: Duration,
}

fn relock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        relock(&self.state)
    }
    fn faults(&self) -> MutexGuard<'_, faults::Faults> {
        relock(&self.faults)
    }
    fn log(&self, entry: LoggedRequest) {
        relock(&self.log).push(entry);
    }
    fn requests(&self) -> Vec<LoggedRequest> {
        relock(&self.log).clone()
    }
    fn clear_requests(&self) {
        relock(&self.log).clear();
    }
    fn queue(&self, job: webhooks::Job) {
        *relock(&self.in_flight) += 1;
        if self.queue_tx.send(job).is_err() {
            self.delivery_done();
        }
    }
    fn delivery_done(&self) {
        let mut n = relock(&self.in_flight);
        *n = n.saturating_sub(1);
        self.idle.notify_all();
    }

    /// Runs a state change outside the `/v1` pipeline, then persists and queues webhooks.
    fn mutate(
        &self,
        f: impl FnOnce(&mut State) -> Result<Value, ApiError>,
    ) -> Result<Value, ApiError> {
        let out = f(&mut self.lock());
        self.persist();
        webhooks::enqueue_outbox(self);
        out
    }

    /// Re-queues every (event, endpoint) pair whose deliveries have all failed so far.
    fn retry_failed_deliveries(&self) -> usize {
        let jobs: Vec<webhooks::Job> = {
            let st = self.lock();
            let mut pairs: Vec<(String, String)> = st
                .deliveries
                .iter()
                .filter(|d| !d.ok)
                .map(|d| (d.event.clone(), d.endpoint.clone()))
                .collect();
            pairs.dedup();
            pairs.retain(|(e, w)| {
                !st.deliveries.iter().any(|d| d.ok && &d.event == e && &d.endpoint == w)
            });
            pairs.into_iter().map(|(event, endpoint)| webhooks::Job { event, endpoint }).collect()
        };
        let n = jobs.len();
        for job in jobs {
            self.queue(job);
        }
        n
    }

    /// Writes the state to `--state FILE` (atomically, via a temporary file and rename).
    fn persist(&self) {
        let Some(path) = &self.state_file else { return };
        let json = match serde_json::to_vec(&*self.lock()) {
            Ok(j) => j,
            Err(_) => return,
        };
        let tmp = path.with_extension("tmp");
        if std::fs::write(&tmp, json).is_ok() {
            let _ = std::fs::rename(&tmp, path);
        }
    }
}

/// Options for [`StripeSim`].
#[derive(Debug, Clone)]
pub struct Builder {
    port: u16,
    state_file: Option<PathBuf>,
    api_keys: Vec<String>,
    read_only_keys: Vec<String>,
    no_customers_keys: Vec<String>,
    rate_limit: Option<u32>,
    settings: state::Settings,
    read_timeout: Duration,
}

/// How long a request's head and body may take to arrive, by default.
pub const READ_TIMEOUT: Duration = Duration::from_secs(30);

impl Default for Builder {
    fn default() -> Self {
        Builder {
            port: 0,
            state_file: None,
            api_keys: vec![DEFAULT_API_KEY.into()],
            read_only_keys: vec![DEFAULT_RESTRICTED_KEY.into()],
            no_customers_keys: vec![DEFAULT_NO_CUSTOMERS_KEY.into()],
            rate_limit: None,
            settings: state::Settings::default(),
            read_timeout: READ_TIMEOUT,
        }
    }
}

impl Builder {
    /// Listen on this port (0, the default, picks a free one).
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }
    /// Load state from this file if it exists, and write it back after every change.
    pub fn state_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.state_file = Some(path.into());
        self
    }
    /// Accept only these API keys (replacing the defaults, including the read-only one).
    pub fn api_keys(mut self, keys: Vec<String>) -> Self {
        self.api_keys = keys;
        self.read_only_keys.clear();
        self.no_customers_keys.clear();
        self
    }
    /// Also accept these keys, for reads only (a restricted key with read permissions).
    pub fn read_only_keys(mut self, keys: Vec<String>) -> Self {
        self.read_only_keys = keys;
        self
    }
    /// Delay search visibility of new objects by this many milliseconds (Stripe documents up to
    /// a minute).
    pub fn search_lag_ms(mut self, ms: u64) -> Self {
        self.settings.search_lag_ms = ms;
        self
    }
    /// The account's settings (retry schedule, what happens when retries run out).
    pub fn settings(mut self, settings: state::Settings) -> Self {
        self.settings = settings;
        self
    }
    /// Close a connection whose request head or body has not arrived within this (default 30 s),
    /// after answering 408.
    pub fn read_timeout(mut self, timeout: Duration) -> Self {
        self.read_timeout = timeout;
        self
    }
    /// Answer 429 past this many requests per second.
    pub fn rate_limit(mut self, per_second: u32) -> Self {
        self.rate_limit = Some(per_second);
        self
    }

    /// Binds 127.0.0.1 and starts serving on a background thread with its own runtime.
    pub fn start(self) -> std::io::Result<StripeSim> {
        let listener = std::net::TcpListener::bind(("127.0.0.1", self.port))?;
        listener.set_nonblocking(true)?;
        let addr = listener.local_addr()?;
        let state = match &self.state_file {
            Some(p) if p.exists() => {
                let text = std::fs::read(p)?;
                serde_json::from_slice(&text)
                    .map_err(|e| std::io::Error::other(format!("{}: {e}", p.display())))?
            }
            _ => State::default(),
        };
        let mut state = state;
        state.settings = self.settings.clone();
        let (queue_tx, queue_rx) = mpsc::unbounded_channel();
        let mut faults = faults::Faults::default();
        faults.set_rate_limit(self.rate_limit);
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            log: Mutex::new(Vec::new()),
            faults: Mutex::new(faults),
            api_keys: self.api_keys,
            read_only_keys: self.read_only_keys,
            no_customers_keys: self.no_customers_keys,
            state_file: self.state_file,
            queue_tx,
            in_flight: Mutex::new(0),
            idle: Condvar::new(),
            control_requests: std::sync::atomic::AtomicUsize::new(0),
            read_timeout: self.read_timeout,
        });
        let (stop_tx, stop_rx) = watch::channel(false);
        let runtime =
            tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let worker_shared = shared.clone();
        let server_shared = shared.clone();
        let thread = std::thread::Builder::new().name("stripe-sim".into()).spawn(move || {
            runtime.block_on(async move {
                let listener = match tokio::net::TcpListener::from_std(listener) {
                    Ok(l) => l,
                    Err(_) => return,
                };
                tokio::spawn(webhooks::worker(worker_shared, queue_rx));
                server::serve(listener, server_shared, stop_rx).await;
            });
            runtime.shutdown_timeout(Duration::from_secs(1));
        })?;
        Ok(StripeSim { shared, addr, stop: stop_tx, thread: Some(thread) })
    }
}

/// A running simulator. Dropping it stops the server.
pub struct StripeSim {
    shared: Arc<Shared>,
    addr: SocketAddr,
    stop: watch::Sender<bool>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl StripeSim {
    /// Starts a simulator on a free port of 127.0.0.1 with the default API keys.
    ///
    /// # Panics
    /// When no local port can be bound: a broken test machine, not a test failure.
    pub fn start() -> StripeSim {
        Builder::default().start().expect("stripe-sim: failed to bind 127.0.0.1")
    }

    pub fn builder() -> Builder {
        Builder::default()
    }

    /// `http://127.0.0.1:PORT/`, the value for `BILLCTL_STRIPE_API_BASE`.
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The default secret key; requests with it authenticate.
    pub fn api_key(&self) -> &str {
        self.shared.api_keys.first().map(String::as_str).unwrap_or(DEFAULT_API_KEY)
    }

    /// Locks and returns the state, to read or to seed it. Do not hold it across a request.
    pub fn state(&self) -> MutexGuard<'_, State> {
        self.shared.lock()
    }

    /// Every request seen so far, oldest first (control requests under `/_sim/` excluded).
    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.shared.requests()
    }

    pub fn clear_requests(&self) {
        self.shared.clear_requests()
    }

    /// Requests made to the `/_sim/` control paths over HTTP so far.
    pub fn control_requests(&self) -> usize {
        self.shared.control_requests.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Arms a fault for the next matching requests.
    pub fn inject(&self, fault: Fault) {
        self.shared.faults().arm(fault)
    }

    pub fn clear_faults(&self) {
        self.shared.faults().clear()
    }

    /// Answers 429 past `per_second` requests per second; `None` lifts the limit.
    pub fn set_rate_limit(&self, per_second: Option<u32>) {
        self.shared.faults().set_rate_limit(per_second)
    }

    /// Completes an open Checkout Session as if the customer paid with a Visa test card.
    pub fn complete_checkout(&self, session_id: &str) -> Result<Value, ApiError> {
        self.shared.mutate(|st| api::complete_session(st, session_id, None))
    }

    /// Completes an open Checkout Session with the test card `card` (`pm_card_…`).
    pub fn complete_checkout_with(&self, session_id: &str, card: &str) -> Result<Value, ApiError> {
        self.shared.mutate(|st| api::complete_session(st, session_id, Some(card)))
    }

    /// The simulated time, unix seconds.
    pub fn now(&self) -> i64 {
        self.shared.lock().now()
    }

    /// Moves the simulated clock forward by `secs`, running renewals, trial ends, retries and
    /// expiries that fall due on the way, each at its own moment. Returns the new time.
    pub fn advance_clock(&self, secs: i64) -> Result<i64, ApiError> {
        self.shared
            .mutate(|st| clock::advance(st, Some(secs), None))
            .map(|v| v["now"].as_i64().unwrap_or_default())
    }

    /// Sets the account's settings (retry schedule, what happens when retries run out, the
    /// search lag).
    pub fn set_settings(&self, settings: state::Settings) {
        self.shared.lock().settings = settings;
    }

    /// Attaches test card `card` (`pm_card_…`) to `customer` and makes it the invoice default,
    /// as a customer entering it in the billing portal would. Returns the new method's id.
    pub fn add_card(&self, customer: &str, card: &str) -> Result<String, ApiError> {
        self.shared
            .mutate(|st| {
                let meta = state::ReqMeta::default();
                let pm = api::payments::attach_to(st, card, customer, &meta)?;
                if let Some(c) = st.customers.get_mut(customer) {
                    c["invoice_settings"]["default_payment_method"] = pm["id"].clone();
                }
                Ok(pm)
            })
            .map(|pm| pm["id"].as_str().unwrap_or_default().to_string())
    }

    /// Rolls a subscription into its next period.
    pub fn advance_subscription(&self, sub_id: &str) -> Result<Value, ApiError> {
        self.shared.mutate(|st| api::advance_period(st, sub_id))
    }

    /// Redelivers webhooks that have not yet succeeded; returns how many were queued.
    pub fn retry_webhooks(&self) -> usize {
        self.shared.retry_failed_deliveries()
    }

    /// Blocks until every queued webhook delivery has been attempted, or `timeout` passes.
    /// Returns false on timeout.
    pub fn wait_for_webhooks(&self, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        let mut n = relock(&self.shared.in_flight);
        while *n > 0 {
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return false;
            }
            n = self.shared.idle.wait_timeout(n, left).unwrap_or_else(|e| e.into_inner()).0;
        }
        true
    }
}

impl Drop for StripeSim {
    fn drop(&mut self) {
        let _ = self.stop.send(true);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

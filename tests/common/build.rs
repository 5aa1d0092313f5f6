//! Builders for what tests make over and over: customers, subscriptions, keys and usage events,
//! each with the defaults the tests use, so a test names only what it is about.
//!
//! ```ignore
//! let cus = env.customer("a@example.com");            // with Stripe's Visa test card
//! let sub = env.sub(&cus, "team").seats(3).id();      // `subscriptions create ... --json`["id"]
//! let key = env.key(&cus);                            // `keys issue --customer .. -q`
//! let e = event("e1", &cus).key(&kid).quantity(3).at(T0);   // a store::UsageEvent
//! ```

use super::{Env, Run};
use billctl::adapters::store::UsageEvent;
use serde_json::Value;

impl Env {
    /// A customer paying by card (Stripe's Visa test card as the invoice default); its id.
    pub fn customer(&self, email: &str) -> String {
        let id = self.customer_without_card(email);
        self.add_card(&id);
        id
    }

    /// A customer with no payment method (`customers create --email EMAIL -q`); its id.
    pub fn customer_without_card(&self, email: &str) -> String {
        self.customer_with(email, "")
    }

    /// `customers create --email EMAIL {extra} -q` (e.g. `"--name Ada"`), no card; its id.
    pub fn customer_with(&self, email: &str, extra: &str) -> String {
        self.cmd(format!("customers create --email {email} {extra} -q"))
            .ok()
            .stdout
            .trim()
            .to_string()
    }

    /// A `subscriptions create --customer CUS --tier TIER` to finish with [`Sub::id`],
    /// [`Sub::json`], [`Sub::create`] or [`Sub::run`].
    pub fn sub<'a>(&'a self, customer: &str, tier: &str) -> Sub<'a> {
        Sub { env: self, line: format!("subscriptions create --customer {customer} --tier {tier}") }
    }

    /// Subscribes `customer` to `tier`; the subscription's id.
    pub fn subscription(&self, customer: &str, tier: &str) -> String {
        self.sub(customer, tier).id()
    }

    /// Issues a key for `customer` (`keys issue --customer CUS -q`); the key.
    pub fn key(&self, customer: &str) -> String {
        self.cmd(format!("keys issue --customer {customer} -q")).ok().stdout.trim().to_string()
    }

    /// The simulator's own subscription of `customer` (Stripe's side of it).
    pub fn sim_subscription(&self, customer: &str) -> Value {
        let st = self.sim.state();
        let sub = st.subscriptions.values().find(|s| s["customer"] == customer);
        sub.unwrap_or_else(|| panic!("no subscription of {customer} in the simulator")).clone()
    }

    /// A command's `--json` answer, the command having succeeded: `env.json("revenue")`.
    pub fn json(&self, line: impl AsRef<str>) -> Value {
        self.cmd(format!("{} --json", line.as_ref())).ok().json()
    }
}

/// The id part of a key (`bk_<id>_<secret>`), as the store and usage events name it.
pub fn key_id(key: &str) -> String {
    billctl::domain::keys::parse(key).expect("a billctl key").id.to_string()
}

/// `subscriptions create`, built up flag by flag (see [`Env::sub`]).
#[must_use]
pub struct Sub<'a> {
    env: &'a Env,
    line: String,
}

impl Sub<'_> {
    /// `--quantity N` (Team's seats).
    pub fn seats(self, n: i64) -> Self {
        self.arg(format!("--quantity {n}"))
    }
    /// `--trial-days N`.
    pub fn trial(self, days: i64) -> Self {
        self.arg(format!("--trial-days {days}"))
    }
    /// Any other flags, as on the command line: `.arg("--collection invoice")`.
    pub fn arg(mut self, flags: impl AsRef<str>) -> Self {
        self.line.push(' ');
        self.line.push_str(flags.as_ref());
        self
    }
    /// Runs it as built, whatever the outcome.
    pub fn run(self) -> Run {
        self.env.cmd(self.line)
    }
    /// Runs it with `--json`, checks it succeeded, and returns its answer.
    pub fn json(self) -> Value {
        self.arg("--json").run().ok().json()
    }
    /// Runs it with `--json`, checks it succeeded, and returns the subscription's id.
    pub fn id(self) -> String {
        let v = self.json();
        v["id"].as_str().unwrap_or_else(|| panic!("a subscription id in {v}")).to_string()
    }
    /// Runs it with `-q` and checks it succeeded.
    pub fn create(self) {
        self.arg("-q").run().ok();
    }
}

/// A usage event `id` of `customer`: quantity 1 at time 0, no key, source, endpoint, meta or
/// type. Set the rest with [`Event`]'s methods.
pub fn event(id: impl Into<String>, customer: impl Into<String>) -> UsageEvent {
    UsageEvent {
        source: String::new(),
        event_id: id.into(),
        customer_id: customer.into(),
        key_id: None,
        quantity: 1,
        ts: 0,
        endpoint: None,
        meta: None,
        event_type: None,
    }
}

/// Setters for a [`UsageEvent`] made by [`event`].
pub trait Event: Sized {
    fn key(self, key_id: impl Into<String>) -> Self;
    fn quantity(self, q: i64) -> Self;
    fn at(self, ts: i64) -> Self;
    fn source(self, source: impl Into<String>) -> Self;
    fn endpoint(self, endpoint: impl Into<String>) -> Self;
    fn meta(self, meta: impl Into<String>) -> Self;
    fn kind(self, event_type: impl Into<String>) -> Self;
    /// The event as one NDJSON line of `usage import` (`key` when it has one, else `customer`;
    /// no newline).
    fn ndjson(&self) -> String;
}

impl Event for UsageEvent {
    fn key(self, key_id: impl Into<String>) -> Self {
        UsageEvent { key_id: Some(key_id.into()), ..self }
    }
    fn quantity(self, quantity: i64) -> Self {
        UsageEvent { quantity, ..self }
    }
    fn at(self, ts: i64) -> Self {
        UsageEvent { ts, ..self }
    }
    fn source(self, source: impl Into<String>) -> Self {
        UsageEvent { source: source.into(), ..self }
    }
    fn endpoint(self, endpoint: impl Into<String>) -> Self {
        UsageEvent { endpoint: Some(endpoint.into()), ..self }
    }
    fn meta(self, meta: impl Into<String>) -> Self {
        UsageEvent { meta: Some(meta.into()), ..self }
    }
    fn kind(self, event_type: impl Into<String>) -> Self {
        UsageEvent { event_type: Some(event_type.into()), ..self }
    }
    fn ndjson(&self) -> String {
        let mut o = serde_json::json!({"id": self.event_id, "timestamp": self.ts, "quantity": self.quantity});
        match &self.key_id {
            Some(k) => o["key"] = k.as_str().into(),
            None => o["customer"] = self.customer_id.as_str().into(),
        }
        if let Some(e) = &self.endpoint {
            o["endpoint"] = e.as_str().into();
        }
        o.to_string()
    }
}

/// Events as an NDJSON file's text for `usage import`, one line each.
pub fn ndjson(events: &[UsageEvent]) -> String {
    events.iter().map(|e| e.ndjson() + "\n").collect()
}

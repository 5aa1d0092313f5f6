//! What the benchmarks' stores are made of: customers on the bench tier with an active
//! subscription, API-key records and the audit entry that issues them (shared by `verify`,
//! `serve` and `postgres`); and the machine's load, printed beside each figure.

#![allow(dead_code)]

use billctl::adapters::store::{Audit, KeyRecord, Store};
use billctl::domain::billing::{Customer, MirrorRow};
use billctl::domain::keys;

/// The audit entry of a bench's key issue.
pub const AUDIT: Audit = Audit {
    actor: "bench",
    action: "key.issue",
    key_id: None,
    customer_id: None,
    reason: None,
    detail: None,
};

pub fn customer(id: &str, now: i64) -> Customer {
    Customer { id: id.into(), email: None, name: None, created: now }
}

/// An active subscription `sub` of `customer` to the bench tier, in a period around `now`.
pub fn subscription(sub: &str, customer: &str, now: i64) -> MirrorRow {
    MirrorRow {
        id: sub.into(),
        customer_id: customer.into(),
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
        quantity: 1,
    }
}

/// Customers `cus_bench0..n`, each subscribed to the bench tier.
pub fn customers(store: &mut Store, n: usize, now: i64) -> anyhow::Result<()> {
    for c in 0..n {
        let id = format!("cus_bench{c}");
        let sub = subscription(&format!("sub_bench{c}"), &id, now);
        store.record(&customer(&id, now), &[sub], now)?;
    }
    Ok(())
}

/// The stored record of test-mode key `key` (id `id`) of `customer`.
pub fn key_record(id: String, key: &str, customer: &str, now: i64) -> KeyRecord {
    KeyRecord {
        id,
        hash: keys::hash(key).to_vec(),
        mode: billctl::domain::mode::Mode::Test,
        customer_id: customer.into(),
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
    }
}

/// The one-minute load average (`/proc/loadavg`), printed beside each round: on a shared
/// machine a round run under another's build is told apart from the others.
pub fn load() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".to_string())
}

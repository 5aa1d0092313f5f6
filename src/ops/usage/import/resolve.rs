//! An import's events resolved against the store: keys to customers, customers known,
//! times after the compaction horizon; the rejects redacted and in line order.

use super::reader::Parsed;
use super::Reject;
use crate::adapters::store::{Store, UsageEvent};
use crate::domain::usage::RawEvent;
use anyhow::Result;
use std::collections::HashMap;

/// One chunk of the input, parsed and resolved: its events, its rejects (both in line order)
/// and how many bytes of the input it covered.
pub(super) struct Resolved {
    pub(super) events: Vec<UsageEvent>,
    pub(super) rejects: Vec<Reject>,
    pub(super) bytes: u64,
}

/// Keys to customers and customers to whether they exist, asked of the store once each, and
/// the compaction horizon.
pub(super) struct Resolver {
    key_customer: HashMap<String, Option<String>>,
    known_customer: HashMap<String, bool>,
    horizon: Option<i64>,
}

impl Resolver {
    pub(super) fn new(store: &Store) -> Result<Resolver> {
        Ok(Resolver {
            key_customer: HashMap::new(),
            known_customer: HashMap::new(),
            horizon: store.compacted_before()?,
        })
    }

    /// The event as it will be stored, or why it cannot be.
    pub(super) fn resolve(
        &mut self,
        store: &Store,
        e: RawEvent,
    ) -> Result<Result<UsageEvent, String>> {
        if let Some(h) = self.horizon.filter(|h| e.timestamp < *h) {
            return Ok(Err(format!(
                "timestamp {} is before the compacted horizon {}: raw events before it were dropped, so its id cannot be checked for duplicates",
                crate::domain::time::utc_datetime(e.timestamp),
                crate::domain::time::utc_date(h)
            )));
        }
        let customer = match (&e.key, &e.customer) {
            (Some(k), _) => {
                // A whole API key where its id belongs: refused without repeating it.
                if let Err(reason) = crate::domain::keys::not_a_full_key("key", k) {
                    return Ok(Err(reason));
                }
                if !self.key_customer.contains_key(k) {
                    let c = store.key(k)?.map(|r| r.customer_id);
                    self.key_customer.insert(k.clone(), c);
                }
                match &self.key_customer[k] {
                    Some(c) => c.clone(),
                    None => return Ok(Err(format!("unknown key {k}"))),
                }
            }
            (None, Some(c)) => {
                if !self.known_customer.contains_key(c) {
                    let known = store.customer(c)?.is_some();
                    self.known_customer.insert(c.clone(), known);
                }
                if !self.known_customer[c] {
                    return Ok(Err(format!(
                        "unknown customer {c} (run 'billctl subscriptions sync')"
                    )));
                }
                c.clone()
            }
            (None, None) => unreachable!("parse requires a key or a customer"),
        };
        Ok(Ok(UsageEvent {
            source: e.source.unwrap_or_default(),
            event_id: e.id.unwrap_or_default(),
            customer_id: customer,
            key_id: e.key,
            quantity: e.quantity,
            ts: e.timestamp,
            endpoint: e.endpoint,
            meta: e.meta,
            event_type: e.event_type,
        }))
    }
}

/// A parsed chunk with its keys resolved: events to write, and the lines rejected (in line
/// order).
pub(super) fn resolve(
    store: &mut Store,
    resolver: &mut Resolver,
    mut parsed: Parsed,
) -> Result<Resolved> {
    let mut rejects = std::mem::take(&mut parsed.rejects);
    let raw = std::mem::take(&mut parsed.events);
    let mut events = Vec::with_capacity(raw.len());
    for (n, e) in raw {
        match resolver.resolve(store, e)? {
            Ok(ev) => events.push(ev),
            Err(reason) => rejects.push(Reject {
                line: n,
                reason,
                input: parsed.text(n),
            }),
        }
    }
    // A whole API key or token in a rejected line is not repeated anywhere: the one redaction
    // that `serve` applies to its paths, answers and logs.
    for r in &mut rejects {
        for text in [&mut r.input, &mut r.reason] {
            if let std::borrow::Cow::Owned(shown) = crate::domain::keys::redact(text) {
                *text = shown;
            }
        }
    }
    rejects.sort_by_key(|r| r.line);
    Ok(Resolved {
        events,
        rejects,
        bytes: parsed.bytes,
    })
}

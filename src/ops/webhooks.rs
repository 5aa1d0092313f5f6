//! Storing and applying webhook events as workflows, for `listen`, `ingest`, `reprocess` and
//! `backfill`: what applying needs (the main store, the tier map, optionally a Stripe fetcher),
//! applying in order with outcomes recorded, and storing once per id. Prints nothing.

use crate::billing::{Subscription, TierMap};
use crate::store::webhooks::{Envelope, EventRow, EventStore, Incoming, Outcome};
use crate::store::Store;
use crate::stripe::Stripe;
use crate::webhooks::apply::{Applier, Fetch};
use anyhow::{Context, Result};
use serde::Serialize;

/// `--refetch`: reads current objects from Stripe on a runtime of its own (the apply side
/// runs on the writer thread, outside any async context).
pub struct StripeFetch {
    stripe: Stripe,
    rt: tokio::runtime::Runtime,
}

impl StripeFetch {
    /// A fetcher with a current-thread runtime of its own.
    pub fn new(stripe: Stripe) -> Result<StripeFetch> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .context("failed to start the async runtime")?;
        Ok(StripeFetch { stripe, rt })
    }
}

impl Fetch for StripeFetch {
    fn subscription(&mut self, id: &str) -> Result<Option<Subscription>, String> {
        self.rt
            .block_on(self.stripe.subscription(id))
            .map_err(|e| e.to_string())
    }
}

/// What applying needs: the main store, the tier map, and a fetcher with `--refetch`.
pub struct ApplySide {
    store: Store,
    tiers: TierMap,
    fetch: Option<StripeFetch>,
}

impl ApplySide {
    pub fn new(store: Store, tiers: TierMap, fetch: Option<StripeFetch>) -> ApplySide {
        ApplySide {
            store,
            tiers,
            fetch,
        }
    }

    pub fn apply(&mut self, env: &Envelope, body: &[u8]) -> Outcome {
        Applier {
            store: &mut self.store,
            tiers: &self.tiers,
            fetch: self.fetch.as_mut().map(|f| f as &mut dyn Fetch),
        }
        .apply(env, body)
    }
}

/// Applies stored events in order and records each outcome.
pub fn apply_all(
    side: &mut ApplySide,
    events: &mut EventStore,
    items: Vec<(Envelope, Vec<u8>)>,
    progress: &indicatif::ProgressBar,
) -> Result<Vec<(String, Outcome)>> {
    // Outcomes are recorded every 1,000 events, so an interrupted run keeps most of them.
    let mut outcomes = Vec::with_capacity(items.len());
    let mut recorded = 0;
    for (env, body) in items {
        let o = side.apply(&env, &body);
        outcomes.push((env.id, o));
        progress.inc(1);
        if outcomes.len() - recorded == 1000 {
            events.set_outcomes(&outcomes[recorded..])?;
            recorded = outcomes.len();
        }
    }
    events.set_outcomes(&outcomes[recorded..])?;
    Ok(outcomes)
}

/// Stores events once per id and returns the ids that were new. With `side`, also applies the
/// new ones oldest first (same-second events in the given order) and records each outcome;
/// `progress` learns how many and counts them.
pub fn store_new(
    events: &mut EventStore,
    incoming: Vec<Incoming>,
    side: Option<&mut ApplySide>,
    progress: &indicatif::ProgressBar,
) -> Result<(Vec<String>, Vec<(String, Outcome)>)> {
    let fresh = events.store(&incoming, &mut [])?;
    let mut items: Vec<(Envelope, Vec<u8>)> = incoming
        .into_iter()
        .zip(&fresh)
        .filter(|(_, f)| **f)
        .map(|(i, _)| (i.envelope, i.body))
        .collect();
    items.sort_by_key(|(e, _)| e.created);
    let ids = items.iter().map(|(e, _)| e.id.clone()).collect();
    let Some(side) = side else {
        return Ok((ids, Vec::new()));
    };
    progress.set_length(items.len() as u64);
    let outcomes = apply_all(side, events, items, progress)?;
    Ok((ids, outcomes))
}

#[derive(Serialize, Default)]
pub struct ApplySummary {
    pub applied: usize,
    pub ignored: usize,
    pub failed: usize,
}

impl ApplySummary {
    pub fn of(outcomes: &[(String, Outcome)]) -> ApplySummary {
        let mut s = ApplySummary::default();
        for (_, o) in outcomes {
            match o {
                Outcome::Applied(_) => s.applied += 1,
                Outcome::Ignored(_) => s.ignored += 1,
                Outcome::Failed(_) => s.failed += 1,
            }
        }
        s
    }
}

/// The envelope of a stored event.
pub fn envelope_of(row: &EventRow) -> Envelope {
    Envelope {
        id: row.id.clone(),
        kind: row.kind.clone(),
        created: row.created,
        livemode: row.livemode,
        object_id: row.object_id.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incoming(id: &str, kind: &str, created: i64) -> Incoming {
        let body = format!(
            "{{\"id\":\"{id}\",\"object\":\"event\",\"type\":\"{kind}\",\"created\":{created},\"livemode\":false,\"data\":{{\"object\":{{\"id\":\"x_{id}\"}}}}}}"
        )
        .into_bytes();
        Incoming {
            envelope: Envelope::parse(&body).unwrap(),
            body,
            source: "test",
        }
    }

    /// In process, on temp stores: events are stored once per id and applied oldest first,
    /// each outcome recorded; a repeat stores and applies nothing.
    #[test]
    fn stores_once_per_id_and_applies_oldest_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut events = EventStore::open(dir.path()).unwrap();
        let config = crate::config::parse(crate::config::DEFAULT_CONFIG, "default").unwrap();
        let mut side = ApplySide::new(
            Store::open(dir.path()).unwrap(),
            TierMap::new(&config, &[]),
            None,
        );
        let bar = indicatif::ProgressBar::hidden();
        let batch = vec![
            incoming("evt_b", "charge.succeeded", 1_795_500_010),
            incoming("evt_a", "customer.created", 1_795_500_000),
        ];
        let (ids, outcomes) = store_new(&mut events, batch, Some(&mut side), &bar).unwrap();
        assert_eq!(ids, ["evt_a", "evt_b"], "oldest first");
        assert_eq!(outcomes.len(), 2);
        assert!(outcomes
            .iter()
            .all(|(_, o)| matches!(o, Outcome::Ignored(_))));
        assert_eq!(ApplySummary::of(&outcomes).ignored, 2);
        let stored = events.events(&Default::default(), None).unwrap();
        assert!(
            stored.iter().all(|e| e.status == "ignored"),
            "outcomes recorded"
        );
        let again = vec![incoming("evt_a", "customer.created", 1_795_500_000)];
        let (ids, outcomes) = store_new(&mut events, again, Some(&mut side), &bar).unwrap();
        assert!(ids.is_empty() && outcomes.is_empty());
        assert_eq!(events.events(&Default::default(), None).unwrap().len(), 2);
    }
}

//! Storing and applying webhook events as workflows, for `listen`, `ingest`, `reprocess` and
//! `backfill` (`listen` and `replay` in files of their own): what applying needs (the main
//! store, the tier map, how to read from Stripe), applying in order with outcomes recorded,
//! refetching (and counting) where an event alone cannot decide the mirror's state (the rules
//! are `webhooks::apply`'s), and storing once per id. Prints nothing.

use crate::adapters::store::webhooks::{Clash, Envelope, EventRow, Fate, Incoming};
use crate::adapters::store::Store;
use crate::adapters::stripe::Stripe;
use crate::domain::billing::Verdict;
use crate::domain::billing::{Subscription, TierMap};
use crate::domain::webhooks::apply::{self, Applier, Change, Outside, Part, PaymentWritten, Plan};
use anyhow::{Context, Result};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

pub use crate::adapters::store::webhooks::{EventStore, Filter, Outcome, RunOptions};

mod endpoints;
mod intake;
pub mod listen;
mod queries;
pub mod replay;
use std::sync::Arc;

pub use endpoints::{
    create_endpoint, delete_endpoint, endpoints, Deleted, EndpointList, EndpointView, Kept,
    SecretFallback,
};
pub use intake::{
    apply_pending, backfill, ingest, read_bounded, read_events, refuse_future, reprocess,
    stripe_events, stripe_type_filter, BackfillReport, IngestReport, ReprocessReport,
    INGEST_FUTURE_SKEW, MAX_EVENT_BYTES, MAX_INGEST_BYTES,
};
pub use queries::{
    conflicts, events, filter, rejected, show, verify, ConflictList, EventList, RejectedList,
    ShowReport, VerifyReport,
};

/// Reads current objects from Stripe on a runtime of its own (the apply side runs on the
/// writer thread, outside any async context).
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

    fn subscription(&mut self, id: &str) -> Result<Option<Subscription>, String> {
        self.rt
            .block_on(self.stripe.subscription(id))
            .map_err(|e| e.to_string())
    }
}

/// When applying reads objects from Stripe.
pub enum Fetching {
    /// `--refetch`: for every event, the object as Stripe has it now.
    Always(StripeFetch),
    /// Where the event alone cannot decide (see `webhooks::apply`): the default with a key.
    Undecided(StripeFetch),
    /// No Stripe client (no key), and why: such an event changes nothing and fails as
    /// needing a refetch.
    Never(String),
}

/// The refetches applying made, and the events that needed one it could not make (no key,
/// or the fetch failed): those changed nothing. Shared with `listen`'s metrics.
#[derive(Debug, Default)]
pub struct Refetches {
    pub fetched: AtomicU64,
    pub deferred: AtomicU64,
}

impl Refetches {
    /// (fetched, deferred) so far.
    pub fn counts(&self) -> (u64, u64) {
        (
            self.fetched.load(Ordering::Relaxed),
            self.deferred.load(Ordering::Relaxed),
        )
    }
}

/// What applying asks of the outside: the mirror (a subscription's owner), Stripe with
/// `--refetch`, and async-stripe's reading of a subscription object.
struct Asked<'a> {
    store: &'a mut Store,
    fetch: Option<&'a mut StripeFetch>,
    refetches: &'a Refetches,
}

impl Outside for Asked<'_> {
    fn api_version(&self) -> &str {
        crate::adapters::stripe::API_VERSION
    }

    fn parse_subscription(&self, object: &serde_json::Value) -> Result<Subscription> {
        crate::adapters::stripe::subscription_from_json(object)
    }

    fn can_refetch(&self) -> bool {
        self.fetch.is_some()
    }

    fn refetch(&mut self, id: &str) -> Option<Result<Option<Subscription>, String>> {
        let f = self.fetch.as_deref_mut()?;
        self.refetches.fetched.fetch_add(1, Ordering::Relaxed);
        Some(f.subscription(id))
    }

    fn mirrored_customer(&mut self, sub: &str) -> Result<Option<String>> {
        Ok(self.store.subscription(sub)?.map(|row| row.customer_id))
    }
}

/// What applying needs: the main store, the tier map, and how it reads from Stripe.
pub struct ApplySide {
    store: Store,
    tiers: TierMap,
    fetching: Fetching,
    refetches: Arc<Refetches>,
}

impl ApplySide {
    /// What applying needs: `store`, the tier map from `config` and the store's catalog
    /// mirror, and how to read from Stripe.
    pub fn open(
        store: Store,
        config: &crate::domain::config::Config,
        fetching: Fetching,
    ) -> Result<ApplySide> {
        let tiers = super::tier_map(&store, config)?;
        Ok(ApplySide::new(store, tiers, fetching))
    }

    pub fn new(store: Store, tiers: TierMap, fetching: Fetching) -> ApplySide {
        ApplySide {
            store,
            tiers,
            fetching,
            refetches: Arc::default(),
        }
    }

    /// The refetch counters (`listen` shows them in its metrics).
    pub fn refetches(&self) -> Arc<Refetches> {
        self.refetches.clone()
    }

    /// Applies one event: what it changes is decided by `webhooks::apply`, and written here;
    /// where the mirror's state leaves the event undecided, the object is refetched.
    pub fn apply(&mut self, env: &Envelope, body: &[u8]) -> Outcome {
        let mut asked = Asked {
            store: &mut self.store,
            fetch: match &mut self.fetching {
                Fetching::Always(f) => Some(f),
                _ => None,
            },
            refetches: &self.refetches,
        };
        let plan = Applier {
            tiers: &self.tiers,
            outside: &mut asked,
        }
        .plan(env, body);
        match plan {
            Plan::Done(outcome) => outcome,
            Plan::Parts(parts) => self
                .write_parts(env, parts)
                .unwrap_or_else(|e| Outcome::Failed(format!("{e:#}"))),
        }
    }

    /// Writes an event's parts in order; the event's outcome.
    fn write_parts(&mut self, env: &Envelope, parts: Vec<Part>) -> Result<Outcome> {
        let mut outcomes = Vec::with_capacity(parts.len());
        for part in parts {
            outcomes.push(match part {
                Part::Note(note) => Outcome::Ignored(note),
                Part::Write(change) => match write_change(&mut self.store, change)? {
                    Written::Done(o) => o,
                    Written::Undecided { sub, why } => self.settle(env, &sub, &why)?,
                    Written::NotMirrored { outcome, .. }
                        if matches!(self.fetching, Fetching::Never(_)) =>
                    {
                        outcome
                    }
                    Written::NotMirrored { sub, .. } => {
                        self.settle(env, &sub, &format!("{sub} is not in the mirror"))?
                    }
                },
            });
        }
        Ok(apply::joined(outcomes))
    }

    /// An event the mirror's state leaves undecided: the subscription as Stripe has it now
    /// is written, or (no key, or the fetch failed) nothing changes and the event fails as
    /// needing a refetch.
    fn settle(&mut self, env: &Envelope, sub: &str, why: &str) -> Result<Outcome> {
        let fetched = match &mut self.fetching {
            Fetching::Undecided(f) | Fetching::Always(f) => {
                self.refetches.fetched.fetch_add(1, Ordering::Relaxed);
                f.subscription(sub)
            }
            Fetching::Never(why) => Err(format!("no Stripe client to refetch it with ({why})")),
        };
        let current = match fetched {
            Ok(current) => current,
            Err(e) => {
                self.refetches.deferred.fetch_add(1, Ordering::Relaxed);
                return Ok(Outcome::Failed(apply::needs_refetch(&env.id, why, &e)));
            }
        };
        let Some(current) = current else {
            return Ok(Outcome::Ignored(format!(
                "{why}: refetched, and {sub} no longer exists in Stripe"
            )));
        };
        let change = Change::Mirror {
            row: crate::domain::billing::MirrorRow::of(&current, &self.tiers),
            stub: apply::customer_stub(&current.customer, current.created),
            as_of: crate::domain::clock::now().max(env.created),
            rule: apply::Rule::Refetched,
        };
        Ok(match write_change(&mut self.store, change)? {
            Written::Done(o) => apply::refetched_because(o, why),
            Written::Undecided { why, .. } | Written::NotMirrored { sub: why, .. } => {
                Outcome::Failed(why)
            }
        })
    }
}

/// What writing one change did.
enum Written {
    Done(Outcome),
    /// The mirror's state leaves the event undecided: only Stripe's object can settle it.
    Undecided {
        sub: String,
        why: String,
    },
    /// An invoice event of a subscription the mirror does not have: a refetch adds it, or
    /// (without a key) the event is ignored as it always was.
    NotMirrored {
        sub: String,
        outcome: Outcome,
    },
}

/// Writes one change, checked by its rule in the write's own transaction.
fn write_change(store: &mut Store, change: Change) -> Result<Written> {
    Ok(Written::Done(match change {
        Change::Mirror {
            row,
            stub,
            as_of,
            rule,
        } => {
            let id = row.id.clone();
            match store.put_subscription_if(&id, &stub, |held| rule.check(&row, as_of, held))? {
                Verdict::Go((written, _)) => apply::kept_status(
                    apply::mirrored(&written, &rule, Ok(())),
                    &row.status,
                    &written.status,
                ),
                Verdict::Skip(why) => apply::mirrored(&row, &rule, Err(why)),
                Verdict::Refetch(why) => return Ok(Written::Undecided { sub: id, why }),
            }
        }
        Change::AddCustomer { customer, at } => {
            let added = store.add_customer(&customer, at)?;
            apply::customer_added(&customer.id, added)
        }
        Change::Payment { sub, payment } => return write_payment(store, sub, payment),
        Change::Drift {
            event_id,
            kind,
            object_id,
            created,
            request_key,
        } => {
            let noted = store.note_catalog_drift(&crate::adapters::store::DriftNote {
                event_id,
                kind,
                object_id: object_id.clone(),
                created,
                request_key,
            })?;
            match noted {
                crate::adapters::store::Noting::Noted => apply::drift_noted(&object_id),
                crate::adapters::store::Noting::Own => apply::own_catalog_write(&object_id),
                crate::adapters::store::Noting::Reconciled { read_from } => {
                    apply::catalog_reconciled(&object_id, read_from)
                }
            }
        }
    }))
}

/// Writes an invoice event to its subscription's payment state, as `Payment::decide` rules.
fn write_payment(store: &mut Store, sub: String, payment: apply::Payment) -> Result<Written> {
    let ev = crate::adapters::store::PaymentEvent {
        invoice: &payment.invoice,
        at: payment.at,
        paid: payment.paid,
        invoice_paid: payment.invoice_paid,
        invoice_void: payment.invoice_void,
        attempts: payment.attempts,
        next_attempt: payment.next_attempt,
    };
    let r =
        store.apply_payment_event(&sub, &ev, |held, known| payment.decide(&sub, held, known))?;
    let written = match r {
        None => {
            let outcome = apply::paid(&sub, &payment, PaymentWritten::NotMirrored);
            return Ok(Written::NotMirrored { sub, outcome });
        }
        Some(Verdict::Skip(why)) => PaymentWritten::Unchanged(why),
        Some(Verdict::Refetch(why)) => return Ok(Written::Undecided { sub, why }),
        Some(Verdict::Go(done)) => match done.status {
            Ok((from, to)) => PaymentWritten::Moved(from, to),
            Err(_) if done.recorded => PaymentWritten::Recorded,
            Err(why) => PaymentWritten::Stays(why),
        },
    };
    Ok(Written::Done(apply::paid(&sub, &payment, written)))
}

/// Applies stored events in order and records each outcome.
pub fn apply_all(
    side: &mut ApplySide,
    events: &mut EventStore,
    items: Vec<(Envelope, Vec<u8>)>,
    progress: &dyn crate::ops::Progress,
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

/// What `store_new` did: the ids stored for the first time, the conflicts found (an id
/// already stored with another body), and how applying each ended.
pub struct Stored {
    pub new_ids: Vec<String>,
    pub conflicts: Vec<ConflictSeen>,
    pub outcomes: Vec<(String, Outcome)>,
}

/// A conflict as the reports show it: the event id, the type and source of the body that just came,
/// and what the store had (see `store::webhooks::Clash`).
#[derive(Debug, Clone, Serialize)]
pub struct ConflictSeen {
    pub event_id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub source: &'static str,
    #[serde(flatten)]
    pub clash: Clash,
}

/// Stores events by the one rule of `EventStore::store` (new, duplicate, or conflict). With
/// `side`, also applies the new ones and the copies that replaced a stored body, oldest first
/// (same-second events in the given order), and records each outcome; `progress` learns how
/// many and counts them.
pub fn store_new(
    events: &mut EventStore,
    incoming: Vec<Incoming>,
    side: Option<&mut ApplySide>,
    progress: &dyn crate::ops::Progress,
) -> Result<Stored> {
    let fates = events.store(&incoming, &mut [])?;
    crate::util::faults::point("webhooks.stored");
    let mut new_ids = Vec::new();
    let mut conflicts = Vec::new();
    let mut items: Vec<(Envelope, Vec<u8>)> = Vec::new();
    let mut queued = std::collections::HashSet::new();
    for (i, fate) in incoming.into_iter().zip(fates) {
        match &fate {
            Fate::New => new_ids.push((i.envelope.created, i.envelope.id.clone())),
            Fate::Duplicate => {}
            Fate::Conflict(clash) => conflicts.push(ConflictSeen {
                event_id: i.envelope.id.clone(),
                kind: i.envelope.kind.clone(),
                source: i.source,
                clash: clash.clone(),
            }),
        }
        // A duplicate of an event still pending (a run killed between storing and applying)
        // is applied now, so that running the command again finishes the work; not when this
        // batch stored it (a file naming one event twice), which applies it once.
        let left_over = side.is_some()
            && fate == Fate::Duplicate
            && !queued.contains(&i.envelope.id)
            && still_pending(events, &i)?;
        if fate.to_apply() || left_over {
            queued.insert(i.envelope.id.clone());
            items.push((i.envelope, i.body));
        }
    }
    items.sort_by_key(|(e, _)| e.created);
    new_ids.sort_by_key(|(created, _)| *created);
    let new_ids = new_ids.into_iter().map(|(_, id)| id).collect();
    let outcomes = match side {
        None => Vec::new(),
        Some(side) => {
            progress.set_len(items.len() as u64);
            apply_all(side, events, items, progress)?
        }
    };
    Ok(Stored {
        new_ids,
        conflicts,
        outcomes,
    })
}

/// Whether the stored event of `i`'s id was stored but never applied.
fn still_pending(events: &EventStore, i: &Incoming) -> Result<bool> {
    Ok(events
        .event(&i.envelope.id)?
        .is_some_and(|(row, _)| row.status == "pending"))
}

#[derive(Serialize, Default)]
pub struct ApplySummary {
    pub applied: usize,
    pub ignored: usize,
    pub failed: usize,
    /// Objects read again from Stripe (where an event alone could not decide, or with
    /// `--refetch`).
    pub refetched: u64,
    /// Events that needed a refetch billctl could not make (no key, or it failed): they
    /// changed nothing and are counted as failed too.
    pub needs_refetch: u64,
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

    /// With the refetches `side` made since it counted `before`.
    fn refetches(mut self, side: &ApplySide, before: (u64, u64)) -> ApplySummary {
        let (fetched, deferred) = side.refetches.counts();
        self.refetched = fetched.saturating_sub(before.0);
        self.needs_refetch = deferred.saturating_sub(before.1);
        self
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

/// The metrics route (none for an empty path), whose callers are checked against serve's
/// service tokens, on a connection of its own to `store`'s database.
pub fn metrics_route(store: &Store, path: &str) -> Result<Option<(String, Store)>> {
    Ok(match path {
        "" => None,
        p => Some((p.to_string(), store.reopen()?)),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ingest's input is bounded: one byte over the limit is refused, the limit itself read.
    #[test]
    fn ingest_input_is_read_up_to_its_bound() {
        use std::io::Read as _;
        let at = std::io::repeat(b'\n').take(MAX_INGEST_BYTES);
        assert_eq!(
            read_bounded(at, "f").unwrap().len() as u64,
            MAX_INGEST_BYTES
        );
        let over = std::io::repeat(b'\n').take(MAX_INGEST_BYTES + 1);
        let e = read_bounded(over, "f").unwrap_err().to_string();
        assert!(e.starts_with("f is over 256 MiB"), "{e}");
    }

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
        let config =
            crate::domain::config::parse(crate::domain::config::DEFAULT_CONFIG, "default").unwrap();
        let mut side = ApplySide::new(
            Store::open(dir.path()).unwrap(),
            TierMap::new(&config, &[]),
            Fetching::Never("a test without Stripe".into()),
        );
        let bar = crate::ops::Hidden;
        let batch = vec![
            incoming("evt_b", "charge.succeeded", 1_795_500_010),
            incoming("evt_a", "customer.created", 1_795_500_000),
        ];
        let s = store_new(&mut events, batch, Some(&mut side), &bar).unwrap();
        let (ids, outcomes) = (s.new_ids, s.outcomes);
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
        let s = store_new(&mut events, again, Some(&mut side), &bar).unwrap();
        assert!(s.new_ids.is_empty() && s.outcomes.is_empty() && s.conflicts.is_empty());
        assert_eq!(events.events(&Default::default(), None).unwrap().len(), 2);
    }

    /// Stored and not applied (a run killed in between, or `backfill --no-apply`): the next
    /// run that brings the same body applies it; a batch naming one id twice applies it once.
    #[test]
    fn a_duplicate_of_a_pending_event_is_applied_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut events = EventStore::open(dir.path()).unwrap();
        let config =
            crate::domain::config::parse(crate::domain::config::DEFAULT_CONFIG, "default").unwrap();
        let mut side = ApplySide::new(
            Store::open(dir.path()).unwrap(),
            TierMap::new(&config, &[]),
            Fetching::Never("a test without Stripe".into()),
        );
        let bar = crate::ops::Hidden;
        let first = vec![incoming("evt_a", "customer.created", 1_795_500_000)];
        store_new(&mut events, first, None, &bar).unwrap();
        assert_eq!(
            events.events(&queries::by_id("evt_a"), None).unwrap()[0].status,
            "pending"
        );
        let again = vec![
            incoming("evt_a", "customer.created", 1_795_500_000),
            incoming("evt_b", "charge.succeeded", 1_795_500_010),
            incoming("evt_b", "charge.succeeded", 1_795_500_010),
        ];
        let s = store_new(&mut events, again, Some(&mut side), &bar).unwrap();
        let applied: Vec<&str> = s.outcomes.iter().map(|(id, _)| id.as_str()).collect();
        assert_eq!(applied, ["evt_a", "evt_b"], "each once");
        let stored = events.events(&Default::default(), None).unwrap();
        assert!(stored.iter().all(|e| e.status == "ignored"), "{stored:?}");
    }
}

//! Storing and applying webhook events as workflows, for `listen`, `ingest`, `reprocess` and
//! `backfill` (`listen` and `replay` in files of their own): what applying needs (the main
//! store, the tier map, how to read from Stripe), applying in order with outcomes recorded,
//! refetching (and counting) where an event alone cannot decide the mirror's state (the rules
//! are `webhooks::apply`'s), and storing once per id. Prints nothing.

use crate::billing::Verdict;
use crate::billing::{Subscription, TierMap};
use crate::store::webhooks::{
    Clash, ConflictRow, Delivery, Envelope, EventRow, Fate, Incoming, ReceiptRow,
};
use crate::store::Store;
use crate::stripe::{Stripe, Writer};
use crate::webhooks::apply::{self, Applier, Change, Outside, Part, PaymentWritten, Plan};
use anyhow::{Context, Result};
use serde::Serialize;
use std::sync::atomic::{AtomicU64, Ordering};

pub use crate::store::webhooks::{EventStore, Filter, Outcome, RunOptions};

pub mod listen;
pub mod metrics;
pub mod replay;
mod send;
use std::sync::Arc;

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
        crate::stripe::API_VERSION
    }

    fn parse_subscription(&self, object: &serde_json::Value) -> Result<Subscription> {
        crate::stripe::subscription_from_json(object)
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
        config: &crate::config::Config,
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
            row: crate::billing::MirrorRow::of(&current, &self.tiers),
            stub: apply::customer_stub(&current.customer, current.created),
            as_of: crate::clock::now().max(env.created),
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
            let noted = store.note_catalog_drift(&crate::store::DriftNote {
                event_id,
                kind,
                object_id: object_id.clone(),
                created,
                request_key,
            })?;
            match noted {
                crate::store::Noting::Noted => apply::drift_noted(&object_id),
                crate::store::Noting::Own => apply::own_catalog_write(&object_id),
                crate::store::Noting::Reconciled { read_from } => {
                    apply::catalog_reconciled(&object_id, read_from)
                }
            }
        }
    }))
}

/// Writes an invoice event to its subscription's payment state, as `Payment::decide` rules.
fn write_payment(store: &mut Store, sub: String, payment: apply::Payment) -> Result<Written> {
    let ev = crate::store::PaymentEvent {
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
    crate::faults::point("webhooks.stored");
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

/// The most `webhooks ingest` reads (file or stdin): 256 MiB.
pub const MAX_INGEST_BYTES: u64 = 256 << 20;
/// The most one event may take in an ingested file: Stripe's events are a few KiB, and
/// `webhooks listen` takes no body over 1 MiB either.
pub const MAX_EVENT_BYTES: usize = 1 << 20;

/// Reads at most [`MAX_INGEST_BYTES`] from `r` (`name` for the error); more is refused, and
/// nothing is stored.
pub fn read_bounded(r: impl std::io::Read, name: &str) -> Result<Vec<u8>> {
    use std::io::Read as _;
    let mut buf = Vec::new();
    r.take(MAX_INGEST_BYTES + 1)
        .read_to_end(&mut buf)
        .with_context(|| format!("failed to read events from {name}"))?;
    if buf.len() as u64 > MAX_INGEST_BYTES {
        anyhow::bail!(
            "{name} is over {} MiB: ingest takes at most that at once, nothing stored\nhint: split it (NDJSON splits at any line)",
            MAX_INGEST_BYTES >> 20
        );
    }
    Ok(buf)
}

/// Splits a file into events: one JSON document, or one per line. Every bad line is listed,
/// and then nothing is returned.
pub fn read_events(name: &str, text: &[u8], source: &'static str) -> Result<Vec<Incoming>> {
    let trimmed = text.trim_ascii();
    let single = trimmed.starts_with(b"{")
        && serde_json::from_slice::<serde_json::Value>(trimmed).is_ok_and(|v| v.is_object());
    let lines: Vec<(String, &[u8])> = if single {
        vec![(name.to_string(), trimmed)]
    } else {
        text.split(|b| *b == b'\n')
            .enumerate()
            .map(|(i, l)| (format!("{name}:{}", i + 1), l.trim_ascii()))
            .filter(|(_, l)| !l.is_empty())
            .collect()
    };
    let mut out = Vec::new();
    let mut bad = Vec::new();
    for (place, line) in lines {
        if line.len() > MAX_EVENT_BYTES {
            bad.push(format!(
                "{place}: an event of {} (at most {MAX_EVENT_BYTES})",
                crate::plural::count(line.len(), "byte", "bytes")
            ));
            continue;
        }
        match Envelope::parse(line) {
            Ok(envelope) => out.push(Incoming {
                envelope,
                body: line.to_vec(),
                source,
            }),
            Err(why) => bad.push(format!("{place}: {why}")),
        }
    }
    if !bad.is_empty() {
        anyhow::bail!(
            "{}, nothing stored:\n{}",
            crate::plural::count(bad.len(), "bad event", "bad events"),
            bad.join("\n")
        );
    }
    Ok(out)
}

/// What `webhooks ingest` did.
#[derive(Serialize)]
pub struct IngestReport {
    pub read: usize,
    pub stored: usize,
    /// The same body as the stored event's.
    pub already_stored: usize,
    /// An id already stored with another body (kept apart, see `webhooks list --status
    /// conflict`).
    pub conflicts: Vec<ConflictSeen>,
    #[serde(flatten)]
    pub applied: ApplySummary,
}

/// How far after billctl's clock an ingested event's `created` may be (clock skew between
/// hosts); Stripe never sends an event from the future.
pub const INGEST_FUTURE_SKEW: i64 = 86_400;

/// Refuses (listing each) events whose `created` is more than [`INGEST_FUTURE_SKEW`] after
/// `now`: applied, such an event would move its subscription's clocks into the future, and
/// every genuine event after it would be ignored as older (a sync does not reset them).
pub fn refuse_future(incoming: &[Incoming], now: i64) -> Result<()> {
    let late: Vec<String> = incoming
        .iter()
        .filter(|i| i.envelope.created > now.saturating_add(INGEST_FUTURE_SKEW))
        .map(|i| {
            format!(
                "{}: created {} is after billctl's clock ({}) by more than a day",
                i.envelope.id,
                crate::time::utc_datetime(i.envelope.created),
                crate::time::utc_datetime(now)
            )
        })
        .collect();
    if !late.is_empty() {
        anyhow::bail!(
            "{} from the future, nothing stored:\n{}",
            crate::plural::count(late.len(), "event", "events"),
            late.join("\n")
        );
    }
    Ok(())
}

/// `webhooks ingest`: stores the events by the one rule and applies the new ones.
pub fn ingest(
    events: &mut EventStore,
    side: &mut ApplySide,
    incoming: Vec<Incoming>,
    progress: &dyn crate::ops::Progress,
) -> Result<(IngestReport, Vec<(String, Outcome)>)> {
    let read = incoming.len();
    let before = side.refetches.counts();
    let s = store_new(events, incoming, Some(&mut *side), progress)?;
    let report = IngestReport {
        read,
        stored: s.new_ids.len(),
        already_stored: read - s.new_ids.len() - s.conflicts.len(),
        applied: ApplySummary::of(&s.outcomes).refetches(side, before),
        conflicts: s.conflicts,
    };
    Ok((report, s.outcomes))
}

/// What `webhooks reprocess` did.
#[derive(Serialize)]
pub struct ReprocessReport {
    pub selected: usize,
    #[serde(flatten)]
    pub applied: ApplySummary,
}

/// `webhooks reprocess`: applies the stored events `filter` selects again, in order.
pub fn reprocess(
    events: &mut EventStore,
    side: &mut ApplySide,
    filter: &Filter,
    progress: &dyn crate::ops::Progress,
) -> Result<(ReprocessReport, Vec<(String, Outcome)>)> {
    let items: Vec<(Envelope, Vec<u8>)> = crate::ops::webhooks::replay::select(events, filter)?
        .into_iter()
        .map(|(r, b)| (envelope_of(&r), b))
        .collect();
    progress.set_len(items.len() as u64);
    let before = side.refetches.counts();
    let outcomes = apply_all(side, events, items, progress)?;
    let report = ReprocessReport {
        selected: outcomes.len(),
        applied: ApplySummary::of(&outcomes).refetches(side, before),
    };
    Ok((report, outcomes))
}

/// Applies the events an earlier `listen` stored but did not apply; returns how many.
pub fn apply_pending(side: &mut ApplySide, events: &mut EventStore) -> Result<usize> {
    let pending = events.events_with_bodies(&Filter {
        status: Some("pending".into()),
        ..Filter::default()
    })?;
    let items: Vec<(Envelope, Vec<u8>)> = pending
        .into_iter()
        .map(|(r, b)| (envelope_of(&r), b))
        .collect();
    let n = items.len();
    apply_all(side, events, items, &crate::ops::Hidden)?;
    Ok(n)
}

/// `webhooks listen`: receives on `listener` until `stop` resolves (then lets requests in
/// flight finish), storing each event once and applying it on the writer thread; `log` hears
/// of every request; `options` carry the access log and TLS. Returns the counters.
#[allow(clippy::too_many_arguments)]
pub fn listen(
    rt: &tokio::runtime::Runtime,
    listener: std::net::TcpListener,
    settings: listen::Settings,
    events: EventStore,
    mut side: ApplySide,
    log: impl Fn(&listen::Logged) + Send + Sync + 'static,
    (options, metrics): (crate::server::Options, Option<(String, Store)>),
    stop: impl std::future::Future<Output = ()>,
) -> Result<Arc<listen::Stats>> {
    let stats = Arc::new(listen::Stats::default());
    stats.metrics.count_refetches(side.refetches());
    if let Some(d) = settings.log_dropped.clone() {
        stats.metrics.count_log_dropped(d);
    }
    let options = crate::server::Options {
        open: Some(stats.metrics.open.clone()),
        ..options
    };
    let metrics = metrics.map(|(path, store)| listen::MetricsRoute {
        path,
        stats: stats.clone(),
        tokens: Arc::new(std::sync::Mutex::new(
            crate::ops::serve::tokens::Tokens::new(std::time::Duration::from_secs(1)),
        )),
        store: Arc::new(std::sync::Mutex::new(store)),
    });
    if let (Some(reload), Some(m)) = (&options.reload, &metrics) {
        let tokens = m.tokens.clone();
        reload.add(
            "the service tokens",
            Arc::new(move || {
                crate::ops::lock(&tokens).expire();
                Ok("the service tokens will be re-read at the next request".into())
            }),
        );
    }
    let retention = (settings.max_rejected, settings.rejected_retention_ms);
    let apply = move |e: &Envelope, b: &[u8]| side.apply(e, b);
    let writer = listen::Writer::start(events, apply, log, stats.clone(), retention)?;
    let limits = settings.limits;
    let route = Arc::new(listen::Route::new(settings, &writer, metrics));
    let served = route.clone();
    rt.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        crate::server::serve_on(listener.into(), limits, options, served, stop).await;
        Ok::<_, anyhow::Error>(())
    })?;
    // The route's store connection (Postgres: a client with a runtime of its own) is closed
    // here, outside the runtime.
    drop(route);
    writer.finish()?;
    Ok(stats)
}

/// What `webhooks backfill` did.
#[derive(Serialize)]
pub struct BackfillReport {
    pub since: i64,
    pub listed: usize,
    /// Stored with the same body as Stripe's.
    pub already_stored: usize,
    pub stored: usize,
    /// Ids stored with another body than Stripe's: Stripe's copy replaced it and was applied
    /// (`replaced`), the stored body kept apart.
    pub conflicts: Vec<ConflictSeen>,
    #[serde(flatten)]
    pub applied: ApplySummary,
    pub stored_ids: Vec<String>,
}

/// Stripe's `type` filter takes an exact type or a `prefix*` wildcard; any other glob is
/// applied locally (see [`backfill`]).
pub fn stripe_type_filter(kind: Option<&str>) -> Option<&str> {
    kind.filter(|k| {
        let body = k.strip_suffix('*').unwrap_or(k);
        !body.contains(['*', '?', '['])
    })
}

/// `webhooks backfill`: compares the events Stripe listed (those matching `kind`) with the
/// store, oldest first: the missing ones are stored, and where the stored body differs from
/// Stripe's, Stripe's copy replaces it (the stored one kept apart as a conflict); with `side`,
/// both are applied.
pub fn backfill(
    events: &mut EventStore,
    mut side: Option<&mut ApplySide>,
    listed: &[serde_json::Value],
    kind: Option<&str>,
    since: i64,
    progress: &dyn crate::ops::Progress,
) -> Result<(BackfillReport, Vec<(String, Outcome)>)> {
    let mut incoming = Vec::new();
    for e in listed {
        let t = e["type"].as_str().unwrap_or_default();
        if let Some(k) = kind {
            if !events.type_matches(k, t)? {
                continue;
            }
        }
        let body = serde_json::to_vec(e)?;
        let envelope = Envelope::parse(&body).map_err(|why| {
            anyhow::anyhow!(
                "Stripe listed an event billctl cannot read ({}): {why}",
                e["id"].as_str().unwrap_or("no id")
            )
        })?;
        incoming.push(Incoming {
            envelope,
            body,
            source: "backfill",
        });
    }
    // Same-second events in id order (store_new keeps it), so a re-run applies alike.
    incoming.sort_by(|a, b| {
        (a.envelope.created, &a.envelope.id).cmp(&(b.envelope.created, &b.envelope.id))
    });
    let listed = incoming.len();
    let before = side.as_ref().map(|s| s.refetches.counts());
    let s = store_new(events, incoming, side.as_deref_mut(), progress)?;
    let mut applied = ApplySummary::of(&s.outcomes);
    if let (Some(side), Some(before)) = (side, before) {
        applied = applied.refetches(side, before);
    }
    let report = BackfillReport {
        since,
        listed,
        already_stored: listed - s.new_ids.len() - s.conflicts.len(),
        stored: s.new_ids.len(),
        conflicts: s.conflicts,
        applied,
        stored_ids: s.new_ids,
    };
    Ok((report, s.outcomes))
}

/// `webhooks show`: one stored event with its receipts, replays and payload.
#[derive(Serialize)]
pub struct ShowReport {
    #[serde(flatten)]
    pub event: EventRow,
    pub receipts: Vec<ReceiptRow>,
    pub replays: Vec<Delivery>,
    /// Other bodies that came with this id, kept apart.
    pub conflicts: Vec<ConflictRow>,
    pub payload: serde_json::Value,
}

/// The stored event `id`, or `None`.
pub fn show(events: &EventStore, id: &str) -> Result<Option<ShowReport>> {
    let Some((event, body)) = events.event(id)? else {
        return Ok(None);
    };
    Ok(Some(ShowReport {
        receipts: events.receipts_of(&event.id)?,
        replays: events.deliveries_of(&event.id)?,
        conflicts: events.conflicts(&by_id(&event.id), None)?,
        payload: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        event,
    }))
}

fn by_id(id: &str) -> Filter {
    Filter {
        ids: vec![id.to_string()],
        ..Filter::default()
    }
}

/// Bodies kept apart from the stored event of their id, for `webhooks list --status conflict`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct ConflictList(pub Vec<ConflictRow>);

/// `webhooks list --status conflict`: the conflicts the filter selects, at most `limit`.
pub fn conflicts(
    events: &EventStore,
    filter: &Filter,
    limit: Option<usize>,
) -> Result<ConflictList> {
    Ok(ConflictList(events.conflicts(filter, limit)?))
}

/// Stored events, for `webhooks list`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct EventList(pub Vec<EventRow>);

/// Rejected requests, for `webhooks list --status rejected`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct RejectedList(pub Vec<ReceiptRow>);

/// `webhooks verify`: whether a signature header matches a body.
#[derive(Serialize)]
pub struct VerifyReport {
    pub valid: bool,
    pub timestamp: Option<i64>,
    pub age_secs: Option<i64>,
    /// The variable whose secret matched.
    pub secret_env: Option<String>,
    pub reason: Option<String>,
}

/// Checks `header` against `body` under each secret (named by `names`, in order) at `now`.
pub fn verify(
    header: &str,
    body: &[u8],
    secrets: &[String],
    names: &[String],
    now: i64,
    tolerance: i64,
) -> VerifyReport {
    match crate::webhooks::verify(header, body, secrets, now, tolerance) {
        Ok(v) => VerifyReport {
            valid: true,
            timestamp: Some(v.timestamp),
            age_secs: Some(now - v.timestamp),
            secret_env: names.get(v.secret_index).cloned(),
            reason: None,
        },
        Err(e) => VerifyReport {
            valid: false,
            timestamp: None,
            age_secs: None,
            secret_env: None,
            reason: Some(e.to_string()),
        },
    }
}

/// A Stripe webhook endpoint, as `webhooks endpoint` shows it.
#[derive(Serialize)]
pub struct EndpointView {
    pub id: String,
    pub url: String,
    pub status: String,
    pub enabled_events: Vec<String>,
    /// Whether this profile's keyring holds the endpoint's signing secret.
    pub secret_in_keyring: bool,
    /// Whether the data dir's secret file holds it (`[webhooks] secret_file`).
    pub secret_in_file: bool,
}

impl EndpointView {
    /// From Stripe's endpoint object; `kept` lists the endpoint ids whose secret is in the
    /// keyring, `in_file` those in the secret file.
    pub fn of(v: &serde_json::Value, kept: &[String], in_file: &[String]) -> EndpointView {
        let id = v["id"].as_str().unwrap_or_default().to_string();
        EndpointView {
            secret_in_keyring: kept.contains(&id),
            secret_in_file: in_file.contains(&id),
            id,
            url: v["url"].as_str().unwrap_or_default().to_string(),
            status: v["status"].as_str().unwrap_or_default().to_string(),
            enabled_events: v["enabled_events"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|e| e.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default(),
        }
    }
}

/// Where `webhooks endpoint create` may keep the new endpoint's signing secret when the
/// keyring refuses it.
pub struct SecretFallback {
    /// The data dir, when the config allows a secret file there (`[webhooks] secret_file`).
    pub file_dir: Option<std::path::PathBuf>,
    /// Whether the secret may be shown once on the terminal.
    pub terminal: bool,
}

/// Where the new endpoint's secret went.
pub enum Kept {
    Keyring,
    File(std::path::PathBuf),
    /// Nowhere billctl reads: the caller shows it once on the terminal and fails.
    Shown {
        secret: crate::secrets::Secret,
        why: String,
    },
}

/// `webhooks endpoint create`: a Stripe endpoint for `url` sending the events billctl
/// applies, its signing secret kept in `profile`'s keyring (checked for writes first), else
/// where `fallback` allows. When nothing can keep it and it cannot be shown, nothing is
/// created.
pub async fn create_endpoint<S: crate::ops::writes::Stores>(
    (stores, actor): (&S, crate::ops::writes::Actor<'_>),
    stripe: &Writer,
    profile: &str,
    url: &str,
    description: Option<&str>,
    fallback: &SecretFallback,
) -> Result<(EndpointView, Kept)> {
    use crate::secrets::{keyring_writable, save_file_secret, save_webhook_secret, Held, Secret};
    let mut keyring = keyring_writable(Held::WebhookSecrets, profile);
    if let (Err(why), None, false) = (&keyring, &fallback.file_dir, fallback.terminal) {
        anyhow::bail!("cannot keep the endpoint's signing secret: {why}; nothing was created\nhint: on a terminal, billctl shows a secret it cannot keep once instead");
    }
    let key = format!("billctl-we-{:016x}", rand::random::<u64>());
    let handled = crate::webhooks::apply::HANDLED;
    let created = stripe
        .create_webhook_endpoint(url, handled, description, &key)
        .await?;
    let id = created["id"].as_str().unwrap_or_default().to_string();
    let detail = serde_json::json!({"endpoint": id, "url": url});
    crate::ops::writes::audit_via(stores, ("webhooks.endpoint.create", None, detail), actor)
        .await?;
    let secret = created["secret"]
        .as_str()
        .ok_or_else(|| anyhow::anyhow!("Stripe created endpoint {id} but sent no secret"))?;
    let secret = Secret::new(secret.to_string());
    if keyring.is_ok() {
        keyring = save_webhook_secret(profile, &id, &secret);
    }
    let why = match keyring {
        Ok(()) => {
            return Ok((
                EndpointView::of(&created, std::slice::from_ref(&id), &[]),
                Kept::Keyring,
            ))
        }
        Err(why) => why,
    };
    if let Some(dir) = &fallback.file_dir {
        match save_file_secret(dir, &id, &secret) {
            Ok(()) => {
                let view = EndpointView::of(&created, &[], std::slice::from_ref(&id));
                return Ok((view, Kept::File(dir.join(crate::secrets::SECRET_FILE))));
            }
            Err(file_why) if !fallback.terminal => anyhow::bail!("created endpoint {id} but could not keep its secret: {why}; and {file_why}\nhint: delete it with 'billctl webhooks endpoint delete {id}' and try again"),
            Err(_) => {}
        }
    }
    if fallback.terminal {
        return Ok((
            EndpointView::of(&created, &[], &[]),
            Kept::Shown { secret, why },
        ));
    }
    anyhow::bail!("created endpoint {id} but could not keep its secret: {why}\nhint: delete it with 'billctl webhooks endpoint delete {id}' and try again (Stripe shows a secret only once here; the Dashboard can reveal it)")
}

/// What `webhooks endpoint delete` did.
#[derive(Serialize)]
pub struct Deleted {
    pub deleted: String,
    /// Whether its secret was kept anywhere billctl keeps one (now removed).
    pub secret_removed: bool,
    /// Where it was removed from: `keyring`, and the path of the data dir's secret file.
    pub secret_removed_from: Vec<String>,
    /// The places that could not be checked for its secret, and why (it may still be there).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub secret_not_checked: Vec<String>,
}

/// Endpoints, for `webhooks endpoint list`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct EndpointList(pub Vec<EndpointView>);

/// The selection of `webhooks list`, `reprocess` and `replay`: ids, a type, a time window,
/// and failed ones only.
pub fn filter(
    ids: &[String],
    kind: Option<String>,
    window: (Option<i64>, Option<i64>),
    failed: bool,
) -> Filter {
    Filter {
        ids: ids.to_vec(),
        kind,
        since: window.0,
        until: window.1,
        status: failed.then(|| "failed".to_string()),
    }
}

/// `webhooks list`: stored events the filter selects, newest first, at most `limit`.
pub fn events(events: &EventStore, filter: &Filter, limit: Option<usize>) -> Result<EventList> {
    Ok(EventList(events.events(filter, limit)?))
}

/// `webhooks list --status rejected`: refused requests in the window, at most `limit`.
pub fn rejected(
    events: &EventStore,
    filter: &Filter,
    limit: Option<usize>,
) -> Result<RejectedList> {
    Ok(RejectedList(events.rejected(
        filter.since,
        filter.until,
        limit,
    )?))
}

/// Events Stripe has since `since` (of `kind`, if given); `progress` says how many so far.
pub async fn stripe_events(
    stripe: &Stripe,
    since: i64,
    kind: Option<&str>,
    progress: &dyn crate::ops::Progress,
) -> Result<Vec<serde_json::Value>> {
    let stripe_type = stripe_type_filter(kind);
    let on_count = |n: usize| progress.message(&format!("listing events from Stripe: {n}"));
    Ok(stripe.events_since(since, stripe_type, on_count).await?)
}

/// `webhooks endpoint list`: Stripe's endpoints, each with where its secret is kept.
pub async fn endpoints(
    stripe: &Stripe,
    kept: &[String],
    in_file: &[String],
) -> Result<EndpointList> {
    let all = stripe.webhook_endpoints().await?;
    Ok(EndpointList(
        all.iter()
            .map(|v| EndpointView::of(v, kept, in_file))
            .collect(),
    ))
}

/// `webhooks endpoint delete`: deletes the endpoint in Stripe, then forgets its secret in
/// the keyring and the data dir's secret file.
pub async fn delete_endpoint<S: crate::ops::writes::Stores>(
    (stores, actor): (&S, crate::ops::writes::Actor<'_>),
    stripe: &Writer,
    id: &str,
    profile: &str,
    dir: &std::path::Path,
) -> Result<Deleted> {
    stripe.delete_webhook_endpoint(id).await?;
    let detail = serde_json::json!({"endpoint": id});
    crate::ops::writes::audit_via(stores, ("webhooks.endpoint.delete", None, detail), actor)
        .await?;
    let file = dir.join(crate::secrets::SECRET_FILE).display().to_string();
    let (mut from, mut not_checked) = (Vec::new(), Vec::new());
    for (place, removed) in [
        (
            "keyring".to_string(),
            crate::secrets::remove_webhook_secret(profile, id),
        ),
        (file, crate::secrets::remove_file_secret(dir, id)),
    ] {
        match removed {
            Ok(true) => from.push(place),
            Ok(false) => {}
            Err(why) => not_checked.push(why),
        }
    }
    Ok(Deleted {
        deleted: id.to_string(),
        secret_removed: !from.is_empty(),
        secret_removed_from: from,
        secret_not_checked: not_checked,
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
        let config = crate::config::parse(crate::config::DEFAULT_CONFIG, "default").unwrap();
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
        let config = crate::config::parse(crate::config::DEFAULT_CONFIG, "default").unwrap();
        let mut side = ApplySide::new(
            Store::open(dir.path()).unwrap(),
            TierMap::new(&config, &[]),
            Fetching::Never("a test without Stripe".into()),
        );
        let bar = crate::ops::Hidden;
        let first = vec![incoming("evt_a", "customer.created", 1_795_500_000)];
        store_new(&mut events, first, None, &bar).unwrap();
        assert_eq!(
            events.events(&by_id("evt_a"), None).unwrap()[0].status,
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

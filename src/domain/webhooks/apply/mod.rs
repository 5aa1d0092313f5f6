//! Applying Stripe events to the local state: the subscription mirror, customers, payment
//! status and catalog drift. Idempotent and safe out of order.
//!
//! Pure: [`Applier::plan`] decides what an event changes and returns the [`Change`]s; `ops`
//! writes them (each conditional change checked against the mirror in the write's own
//! transaction, by the rules here) and turns what each write did into the [`Outcome`] with
//! the functions here. What it must ask of the outside (the mirror's owner of a subscription,
//! Stripe's current object with `--refetch`, Stripe's subscription JSON read into billctl's
//! type) it asks through [`Outside`].
//!
//! Ordering: events change the mirror in Stripe's order, not in arrival order. Stripe's
//! `created` counts whole seconds and delivery order is not guaranteed, so billctl decides
//! from the objects' own state first and from time second. Every path that applies an event
//! (`listen`, `ingest`, `reprocess`, `backfill`, and `replay` through a receiver) goes
//! through these rules:
//! - `paid` and `void` are final for an invoice: once the mirror knows an invoice is either
//!   (from any event's copy of it), no failure of it changes anything, in any order.
//! - `canceled` and `incomplete_expired` are final for a subscription (nothing else is
//!   written over them); `incomplete` is its first state and never follows another.
//! - Each mirrored subscription has two clocks: the time of the object the row is from
//!   (`synced_at`) and the `created` of the last invoice event applied to it
//!   (`payment_state_at`): invoice events move a subscription's clock too. An event older
//!   than the mirror's state changes nothing; a subscription event newer than the object but
//!   not than the last invoice event brings its fields, not its status.
//! - An event that ties with the mirror's state (the same second) never moves access
//!   backwards ([`crate::domain::billing::access_rank`]) on its own.
//! - Where the event alone cannot decide, billctl refetches the object from Stripe and
//!   applies what Stripe has now ([Stripe's advice](https://docs.stripe.com/webhooks#event-ordering)).
//!   "Cannot decide" is exactly: a subscription event of the same second as the mirror's
//!   object that differs from it; an event ending the subscription that is not newer than
//!   everything the mirror knows; a subscription event whose status differs from the
//!   mirror's and that ties with the last invoice event; a failed payment of the same second
//!   as the mirror's state that would move the subscription down (active to past_due); a
//!   paid invoice that is not the one failing; a voided invoice that was the one failing;
//!   and an invoice event of a subscription the mirror does not have. Refetches are counted.
//!   Without a Stripe client (no key), such an event changes nothing, fails with "needs a
//!   refetch" and is counted; `webhooks reprocess --failed --refetch` or `subscriptions
//!   sync` settles it (an invoice event of a subscription not mirrored is ignored, as it
//!   always was: the subscription's own event or a sync adds it). Nothing ever fails open.
//!
//! With `--refetch`, billctl fetches the current object for every event instead.

use super::event::{Envelope, Outcome};
use crate::domain::billing::{
    access_rank, Customer, Held, MirrorRow, Subscription, TierMap, Verdict, ENDED_STATUSES,
};
use serde_json::Value;

/// Event types `apply` acts on; `webhooks endpoint create` subscribes to these.
pub const HANDLED: &[&str] = &[
    "customer.subscription.created",
    "customer.subscription.updated",
    "customer.subscription.deleted",
    "checkout.session.completed",
    "invoice.paid",
    "invoice.payment_failed",
    "invoice.payment_action_required",
    "invoice.voided",
    "customer.subscription.trial_will_end",
    "payment_method.attached",
    "payment_method.detached",
    "product.created",
    "product.updated",
    "product.deleted",
    "price.created",
    "price.updated",
    "price.deleted",
];

/// What applying asks of the outside.
pub trait Outside {
    /// The API version billctl's types read.
    fn api_version(&self) -> &str;
    /// A subscription object from an event, read into billctl's type.
    fn parse_subscription(&self, object: &Value) -> anyhow::Result<Subscription>;
    /// Whether `--refetch` was given.
    fn can_refetch(&self) -> bool;
    /// With `--refetch`: the subscription as Stripe has it now (`Some(Ok(None))`: gone).
    /// `None` without `--refetch`.
    fn refetch(&mut self, id: &str) -> Option<Result<Option<Subscription>, String>>;
    /// The customer the mirror has a subscription under, if it is mirrored.
    fn mirrored_customer(&mut self, sub: &str) -> anyhow::Result<Option<String>>;
}

/// A change to make to the local state. (One lives per event being applied, so the size of
/// the mirror variant does not matter.)
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Change {
    /// Mirror a subscription (and a stub of its customer, if new) as of `as_of`, if `rule`
    /// allows it against the mirror's current state.
    Mirror {
        row: MirrorRow,
        stub: Customer,
        as_of: i64,
        rule: Rule,
    },
    /// Add a customer, unless mirrored.
    AddCustomer { customer: Customer, at: i64 },
    /// An invoice event on a subscription's payment state.
    Payment { sub: String, payment: Payment },
    /// Catalog drift made in Stripe, to note.
    Drift {
        event_id: String,
        kind: String,
        object_id: String,
        created: i64,
        /// The idempotency key of the request that made the change (`request.idempotency_key`):
        /// one of billctl's own catalog writes is not drift.
        request_key: Option<String>,
    },
}

/// When a mirror write may go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// An event's copy of the object: decided by [`Rule::check`].
    Event { kind: String },
    /// The object as fetched now: always, as of no earlier than anything the mirror knew.
    Refetched,
}

impl Rule {
    /// Whether `row`, from an event (or a fetch) at `at`, may be written over what the
    /// mirror `held`; the row to write and the time it is as of, or why not. The rules, in
    /// order (see the module's documentation):
    /// 1. an ended status (`canceled`, `incomplete_expired`) is final: over an ended row
    ///    nothing but another ended row not older than it; an event ending the subscription
    ///    is written when it is newer than everything the mirror knows, else only Stripe can
    ///    confirm it (it would move access backwards);
    /// 2. an event older than the mirror's object (`as_of`) changes nothing;
    /// 3. `incomplete` is a subscription's first state: never written over another status;
    ///    nor is a `created` event over a row of its own second;
    /// 4. an event newer than everything the mirror knows (object and invoice events) is
    ///    written;
    /// 5. an event newer than the object but not than the last invoice event: its fields are
    ///    written, its status only if it is the mirror's (the invoice event decided it), and
    ///    when it ties with that invoice event and differs, only Stripe can decide;
    /// 6. an event of the same second as the object that differs from it: only Stripe can
    ///    decide (refetch).
    pub fn check(
        &self,
        row: &MirrorRow,
        at: i64,
        held: Option<&Held>,
    ) -> Verdict<(MirrorRow, i64)> {
        let Some(h) = held else {
            return Verdict::Go((row.clone(), at));
        };
        let Rule::Event { kind } = self else {
            return Verdict::Go((row.clone(), at.max(h.clock())));
        };
        if let Some(v) = event_order(kind, row, at, h) {
            return v;
        }
        if at > h.clock() || *row == h.row {
            return Verdict::Go((row.clone(), at));
        }
        let when = crate::domain::time::utc_datetime;
        if at > h.as_of {
            let paid_at = h.payment_at.unwrap_or(at);
            if row.status == h.row.status || paid_at > at {
                let mut merged = row.clone();
                merged.status = h.row.status.clone();
                return Verdict::Go((merged, at));
            }
            return Verdict::Refetch(format!(
                "{} says {} at {}, the second of the last invoice event applied to it ({})",
                row.id,
                row.status,
                when(at),
                h.row.status
            ));
        }
        Verdict::Refetch(format!(
            "{} differs from the mirror's state of the same second ({}; Stripe's created counts whole seconds)",
            row.id,
            when(at)
        ))
    }
}

/// Rules 1 to 3 of [`Rule::check`]: the verdict when one of them decides.
fn event_order(
    kind: &str,
    row: &MirrorRow,
    at: i64,
    h: &Held,
) -> Option<Verdict<(MirrorRow, i64)>> {
    let ended = |s: &str| ENDED_STATUSES.contains(&s);
    let skip = |why: String| Some(Verdict::Skip(why));
    if ended(&row.status) && ended(&h.row.status) && at >= h.as_of {
        return Some(Verdict::Go((row.clone(), at)));
    }
    if ended(&row.status) && !ended(&h.row.status) {
        // Final in Stripe, but older than (or as old as) the mirror's state: written only as
        // Stripe confirms it, since on its own it would move access backwards.
        return Some(match at > h.clock() {
            true => Verdict::Go((row.clone(), at)),
            false => Verdict::Refetch(format!(
                "{} is {} at {}, not newer than the mirror's state of it ({})",
                row.id,
                row.status,
                crate::domain::time::utc_datetime(at),
                h.row.status
            )),
        });
    }
    if ended(&h.row.status) {
        return skip(format!(
            "{} is already {} in the mirror",
            row.id, h.row.status
        ));
    }
    if at < h.as_of {
        return skip(format!(
            "older than the mirror's state of {} (event at {}, mirror as of {})",
            row.id,
            crate::domain::time::utc_datetime(at),
            crate::domain::time::utc_datetime(h.as_of)
        ));
    }
    if row.status == "incomplete" && h.row.status != "incomplete" {
        return skip(format!(
            "{} is {} in the mirror, and Stripe never moves a subscription back to incomplete",
            row.id, h.row.status
        ));
    }
    if at == h.as_of && kind == "created" {
        return skip(format!(
            "the mirror already has {} as of this second",
            row.id
        ));
    }
    None
}

/// An invoice event, as it bears on a subscription's payment state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub invoice: String,
    /// The event's type.
    pub kind: String,
    /// The event's `created`.
    pub at: i64,
    /// `invoice.paid`; else a failure (`invoice.payment_failed` or `..._action_required`)
    /// or `invoice.voided`.
    pub paid: bool,
    /// The invoice in the event is paid (`status` "paid").
    pub invoice_paid: bool,
    /// The invoice in the event is void (`status` "void", or an `invoice.voided` event).
    pub invoice_void: bool,
    pub attempts: i64,
    pub next_attempt: Option<i64>,
}

impl Payment {
    /// The final status the event shows its invoice in (`paid`, `void`), if any.
    pub fn shows_final(&self) -> Option<&'static str> {
        if self.paid || self.invoice_paid {
            Some("paid")
        } else if self.invoice_void {
            Some("void")
        } else {
            None
        }
    }

    /// The new status of a subscription in `status` after this event, or why it stays.
    /// Stripe's own transitions: a failed renewal makes an active subscription `past_due`;
    /// a paid invoice makes a `past_due`, `unpaid` or `incomplete` one active.
    pub fn transition(&self, sub: &str, status: &str) -> Result<String, String> {
        match (self.paid, status) {
            (false, "active" | "trialing") if !self.invoice_void => Ok("past_due".into()),
            (true, "past_due" | "unpaid" | "incomplete") => Ok("active".into()),
            _ => Err(format!("{sub} stays {status}")),
        }
    }

    /// Why the event is older than what the mirror holds of `sub`, if it is.
    fn older(&self, sub: &str, h: &Held) -> Option<String> {
        let when = crate::domain::time::utc_datetime;
        if self.at < h.as_of {
            return Some(format!(
                "older than the mirror's state of {sub} (event at {}, mirror as of {})",
                when(self.at),
                when(h.as_of)
            ));
        }
        h.payment_at.filter(|p| self.at < *p).map(|p| {
            format!(
                "older than the payment state of {sub} (event at {}, a payment event of {} already applied)",
                when(self.at),
                when(p)
            )
        })
    }

    /// What this event does to `sub`, which the mirror `held`; `known` is the final status
    /// the mirror knows its invoice in. `Go` carries the status move (or why there is none),
    /// with the payment state to record. In order: an event older than the mirror's object
    /// or its last invoice event changes nothing; `paid` and `void` are final for an invoice,
    /// so no failure of one opens dunning; a voided invoice that was the one failing leaves
    /// the status to Stripe; a paid invoice other than the one failing cannot say the
    /// subscription is paid up; and a move down in access of the same second as the mirror's
    /// state cannot be ordered from the event (refetch). A move up in the same second can:
    /// a tie never moves access backwards, and a payment only ever follows the failure.
    pub fn decide(
        &self,
        sub: &str,
        h: &Held,
        known: Option<&str>,
    ) -> Verdict<Result<String, String>> {
        let when = crate::domain::time::utc_datetime;
        if let Some(why) = self.older(sub, h) {
            return Verdict::Skip(why);
        }
        let ours = h.unpaid_invoice.as_deref() == Some(self.invoice.as_str());
        if !self.paid {
            if let Some(f) = known.or(if self.invoice_void {
                None
            } else {
                self.shows_final()
            }) {
                return Verdict::Skip(format!(
                    "invoice {} is {f}, which is final: no dunning for {sub}",
                    self.invoice
                ));
            }
            if self.invoice_void {
                return match ours && access_rank(&h.row.status) < 3 {
                    true => Verdict::Refetch(format!(
                        "invoice {} of {sub} was voided while it was failing",
                        self.invoice
                    )),
                    false => Verdict::Go(Err(format!(
                        "invoice {} voided; {sub} stays {}",
                        self.invoice, h.row.status
                    ))),
                };
            }
        }
        let moved = self.transition(sub, &h.row.status);
        match &moved {
            Ok(_) if self.paid && h.unpaid_invoice.is_some() && !ours => Verdict::Refetch(format!(
                "invoice {} of {sub} is paid, but the one failing is {}",
                self.invoice,
                h.unpaid_invoice.as_deref().unwrap_or_default()
            )),
            // past_due or unpaid learned from the subscription (its own event, a refetch, a
            // sync) without the failure: any paid invoice (a proration, a one-off) is not
            // known to be the one failing, and Stripe keeps the subscription down until that
            // one is paid.
            Ok(_) if self.paid && h.unpaid_invoice.is_none() && matches!(h.row.status.as_str(), "past_due" | "unpaid") => Verdict::Refetch(format!(
                "invoice {} of {sub} is paid, but the mirror does not know which invoice left it {}",
                self.invoice,
                h.row.status
            )),
            Ok(to) if access_rank(to) < access_rank(&h.row.status) && self.at <= h.clock() => Verdict::Refetch(format!(
                "a failed payment of {} in the same second as the mirror's state of {sub} ({}) would move it from {} to {to}",
                self.invoice,
                when(self.at),
                h.row.status
            )),
            _ => Verdict::Go(moved),
        }
    }
}

/// What a payment write did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PaymentWritten {
    /// The subscription is not mirrored.
    NotMirrored,
    /// Nothing changed, and why (out of order).
    Unchanged(String),
    /// The status moved (from, to).
    Moved(String, String),
    /// The payment state was recorded; the status stayed.
    Recorded,
    /// Nothing was recorded and the status stayed, and why.
    Stays(String),
}

/// What one change's write did, as the outcome of an event that made only it.
pub fn mirrored(row: &MirrorRow, rule: &Rule, written: Result<(), String>) -> Outcome {
    match written {
        Ok(()) => Outcome::Applied(format!(
            "subscription {} of {}{}: {} on {}",
            row.id,
            row.customer_id,
            if *rule == Rule::Refetched {
                " (refetched)"
            } else {
                ""
            },
            row.status,
            row.tier
        )),
        Err(why) => Outcome::Ignored(why),
    }
}

/// An outcome that says so when the mirror kept its status over the event's (`theirs`): the
/// last invoice event applied is newer than the event.
pub fn kept_status(outcome: Outcome, theirs: &str, kept: &str) -> Outcome {
    match outcome {
        Outcome::Applied(d) if theirs != kept => Outcome::Applied(format!(
            "{d} (the event's status {theirs} is older than the last invoice event applied, so {kept} stays)"
        )),
        other => other,
    }
}

/// The outcome of adding a customer (`added`: it was not mirrored).
pub fn customer_added(id: &str, added: bool) -> Outcome {
    Outcome::Applied(if added {
        format!("customer {id} added")
    } else {
        format!("customer {id} already mirrored")
    })
}

/// The outcome of a payment write.
pub fn paid(sub: &str, p: &Payment, written: PaymentWritten) -> Outcome {
    let what = match p.kind.as_str() {
        "invoice.paid" => format!("invoice {} paid", p.invoice),
        "invoice.voided" => format!("invoice {} voided", p.invoice),
        "invoice.payment_action_required" => {
            format!("invoice {} needs the customer's authentication", p.invoice)
        }
        _ => format!("payment of invoice {} failed", p.invoice),
    };
    match written {
        PaymentWritten::NotMirrored => Outcome::Ignored(format!(
            "subscription {sub} is not in the mirror ('subscriptions sync' or --refetch adds it)"
        )),
        PaymentWritten::Unchanged(why) | PaymentWritten::Stays(why) => Outcome::Ignored(why),
        PaymentWritten::Moved(from, to) => {
            Outcome::Applied(format!("{what}; subscription {sub}: {from} -> {to}"))
        }
        PaymentWritten::Recorded => {
            Outcome::Applied(format!("{what}; payment state of {sub} recorded"))
        }
    }
}

/// The outcome of an event the mirror's state left undecided and a refetch settled: what
/// the refetch wrote, and why it was needed.
pub fn refetched_because(written: Outcome, why: &str) -> Outcome {
    match written {
        Outcome::Applied(d) => {
            Outcome::Applied(format!("{d}; the event alone could not decide: {why}"))
        }
        other => other,
    }
}

/// Why an event that needed a refetch changed nothing (`error`: why there was none), and
/// how to settle it.
pub fn needs_refetch(event_id: &str, why: &str, error: &str) -> String {
    format!(
        "needs a refetch: {why}; {error}, so nothing changed. Settle it with 'billctl webhooks reprocess {event_id} --refetch' or 'billctl subscriptions sync'"
    )
}

/// The outcome of a catalog event caused by billctl's own write (`setup-products`).
pub fn own_catalog_write(object_id: &str) -> Outcome {
    Outcome::Ignored(format!(
        "{object_id} changed by billctl's own setup-products: not catalog drift"
    ))
}

/// The outcome of a catalog event made before the last `setup-products` read the catalog
/// (`read_from`, Stripe's time): that run saw the change and made Stripe match the config.
pub fn catalog_reconciled(object_id: &str, read_from: i64) -> Outcome {
    Outcome::Ignored(format!(
        "{object_id} changed before the last setup-products read the catalog ({}): reconciled, not catalog drift",
        crate::domain::time::utc_datetime(read_from)
    ))
}

/// The outcome of a catalog event on an object outside billctl's catalog.
pub fn not_in_catalog(object_id: &str) -> Outcome {
    Outcome::Ignored(format!(
        "{object_id} is not in billctl's catalog: not catalog drift"
    ))
}

/// The outcome of noting drift.
pub fn drift_noted(object_id: &str) -> Outcome {
    Outcome::Applied(format!(
        "catalog drift noted for {object_id}: run 'billctl prices check'"
    ))
}

/// One part of what an event does: a change to write, or a note of something that needs none
/// (alone, the event is ignored with the note as the reason).
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::large_enum_variant)]
pub enum Part {
    Write(Change),
    Note(String),
}

/// What an event does.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// Nothing to write: the outcome as it is.
    Done(Outcome),
    /// Parts to carry out in order. One write alone: its outcome is the event's. Several
    /// parts: the event is applied, with every part's detail joined.
    Parts(Vec<Part>),
}

/// The event's outcome from its parts' outcomes (notes are applied with their text).
pub fn joined(outcomes: Vec<Outcome>) -> Outcome {
    if outcomes.len() == 1 {
        return outcomes
            .into_iter()
            .next()
            .unwrap_or(Outcome::Applied(String::new()));
    }
    let details: Vec<&str> = outcomes.iter().map(Outcome::detail).collect();
    Outcome::Applied(details.join("; "))
}

/// Decides what events change.
pub struct Applier<'a> {
    pub tiers: &'a TierMap,
    pub outside: &'a mut dyn Outside,
}

impl Applier<'_> {
    /// What one stored event changes; never panics on a strange payload: it fails with the
    /// reason.
    pub fn plan(&mut self, env: &Envelope, body: &[u8]) -> Plan {
        match self.try_plan(env, body) {
            Ok(p) => p,
            Err(e) => Plan::Done(Outcome::Failed(format!("{e:#}"))),
        }
    }

    fn try_plan(&mut self, env: &Envelope, body: &[u8]) -> anyhow::Result<Plan> {
        let event: Value = serde_json::from_slice(body)?;
        let object = &event["data"]["object"];
        let kind = env.kind.as_str();
        if let Some(p) = self.other_version(&event, object)? {
            return Ok(p);
        }
        Ok(match kind {
            "customer.subscription.created"
            | "customer.subscription.updated"
            | "customer.subscription.deleted" => self.subscription_event(env, object)?,
            "checkout.session.completed" => self.checkout_completed(env, object)?,
            "invoice.paid"
            | "invoice.payment_failed"
            | "invoice.payment_action_required"
            | "invoice.voided" => self.invoice_event(env, object)?,
            "customer.subscription.trial_will_end" => Plan::Done(Outcome::Ignored(format!(
                "noted: the trial of {} ends at {}; Stripe charges then (nothing to change here)",
                object["id"].as_str().unwrap_or("?"),
                object["trial_end"]
                    .as_i64()
                    .map_or("an unknown time".into(), crate::domain::time::utc_datetime)
            ))),
            "payment_method.attached" | "payment_method.detached" => {
                Plan::Done(Outcome::Ignored(payment_method_note(kind, &event, object)))
            }
            k if (k.starts_with("product.") || k.starts_with("price."))
                && !of_catalog(self.tiers, k, object) =>
            {
                Plan::Done(not_in_catalog(env.object_id.as_deref().unwrap_or("?")))
            }
            k if k.starts_with("product.") || k.starts_with("price.") => {
                Plan::Parts(vec![Part::Write(Change::Drift {
                    event_id: env.id.clone(),
                    kind: env.kind.clone(),
                    object_id: env.object_id.clone().unwrap_or_default(),
                    created: env.created,
                    request_key: event["request"]["idempotency_key"]
                        .as_str()
                        .map(String::from),
                })])
            }
            _ => Plan::Done(Outcome::Ignored(format!(
                "billctl does not act on events of type {kind}"
            ))),
        })
    }

    /// An event in an API version other than the one billctl's types are built for: with
    /// `--refetch` the object is read again from Stripe (in billctl's version) and applied;
    /// otherwise it fails with the two versions named. Catalog events carry no object billctl
    /// reads, so their version does not matter.
    fn other_version(&mut self, event: &Value, object: &Value) -> anyhow::Result<Option<Plan>> {
        let ours = self.outside.api_version().to_string();
        let theirs = event["api_version"].as_str().unwrap_or(&ours);
        let kind = event["type"].as_str().unwrap_or_default();
        let reads_object = kind.starts_with("customer.subscription.")
            || kind.starts_with("invoice.")
            || kind == "checkout.session.completed";
        if theirs == ours || !reads_object {
            return Ok(None);
        }
        let sub = if kind.starts_with("customer.subscription.") {
            id_of(&object["id"])
        } else if kind.starts_with("invoice.") {
            invoice_subscription(object)
        } else {
            id_of(&object["subscription"])
        };
        if !self.outside.can_refetch() {
            return Ok(Some(Plan::Done(Outcome::Failed(format!(
                "the event is in API version {theirs}, but billctl reads {ours}: re-apply it with --refetch (billctl then reads the object from Stripe in its own version), or re-create the endpoint with 'billctl webhooks endpoint create', which pins {ours}"
            )))));
        }
        let Some(sub) = sub else {
            return Ok(Some(Plan::Done(Outcome::Ignored(format!(
                "event in API version {theirs} names no subscription to refetch"
            )))));
        };
        let current = self.refetch(&sub)?.unwrap_or(None);
        Ok(Some(Plan::Parts(vec![self.refetched(current, &sub)])))
    }

    fn subscription_event(&mut self, env: &Envelope, object: &Value) -> anyhow::Result<Plan> {
        let id = object["id"].as_str().unwrap_or_default().to_string();
        if let Some(current) = self.refetch(&id)? {
            return Ok(Plan::Parts(vec![self.refetched(current, &id)]));
        }
        let sub = self.outside.parse_subscription(object)?;
        let kind = env.kind.rsplit('.').next().unwrap_or_default().to_string();
        Ok(Plan::Parts(vec![Part::Write(Change::Mirror {
            row: MirrorRow::of(&sub, self.tiers),
            stub: customer_stub(&sub.customer, sub.created),
            as_of: env.created,
            rule: Rule::Event { kind },
        })]))
    }

    /// With `--refetch`: the subscription as Stripe has it now (`Some(None)`: gone).
    fn refetch(&mut self, id: &str) -> anyhow::Result<Option<Option<Subscription>>> {
        match self.outside.refetch(id) {
            Some(r) => {
                Ok(Some(r.map_err(|e| {
                    anyhow::anyhow!("failed to refetch {id}: {e}")
                })?))
            }
            None => Ok(None),
        }
    }

    /// Mirrors a subscription as fetched now (or notes it is gone).
    fn refetched(&self, sub: Option<Subscription>, id: &str) -> Part {
        let Some(sub) = sub else {
            return Part::Note(format!("{id} no longer exists in Stripe"));
        };
        Part::Write(Change::Mirror {
            row: MirrorRow::of(&sub, self.tiers),
            stub: customer_stub(&sub.customer, sub.created),
            as_of: crate::domain::clock::now(),
            rule: Rule::Refetched,
        })
    }

    fn checkout_completed(&mut self, env: &Envelope, object: &Value) -> anyhow::Result<Plan> {
        let Some(customer) = id_of(&object["customer"]) else {
            return Ok(Plan::Done(Outcome::Ignored(
                "the session has no customer (a one-off payment without one)".into(),
            )));
        };
        let details = &object["customer_details"];
        let c = Customer {
            id: customer.clone(),
            email: details["email"].as_str().map(String::from),
            name: details["name"].as_str().map(String::from),
            created: object["created"].as_i64().unwrap_or(env.created),
        };
        let mut parts = vec![Part::Write(Change::AddCustomer {
            customer: c,
            at: env.created,
        })];
        if let Some(sub) = id_of(&object["subscription"]) {
            match self.outside.mirrored_customer(&sub)? {
                Some(owner) if owner == customer => {
                    parts.push(Part::Note(format!("subscription {sub} already linked")));
                }
                Some(owner) => anyhow::bail!(
                    "the session links {sub} to {customer}, but the mirror has it under {owner}"
                ),
                None => match self.refetch(&sub)? {
                    Some(current) => parts.push(self.refetched(current, &sub)),
                    None => parts.push(Part::Note(format!(
                        "subscription {sub} not mirrored yet (its customer.subscription.created event, --refetch or 'subscriptions sync' adds it)"
                    ))),
                },
            }
        }
        Ok(Plan::Parts(parts))
    }

    fn invoice_event(&mut self, env: &Envelope, object: &Value) -> anyhow::Result<Plan> {
        let Some(sub) = invoice_subscription(object) else {
            return Ok(Plan::Done(Outcome::Ignored(
                "the invoice belongs to no subscription".into(),
            )));
        };
        if let Some(current) = self.refetch(&sub)? {
            return Ok(Plan::Parts(vec![self.refetched(current, &sub)]));
        }
        let payment = Payment {
            invoice: object["id"].as_str().unwrap_or_default().to_string(),
            kind: env.kind.clone(),
            at: env.created,
            paid: env.kind == "invoice.paid",
            invoice_paid: object["status"].as_str() == Some("paid") || object["paid"] == true,
            invoice_void: env.kind == "invoice.voided" || object["status"].as_str() == Some("void"),
            attempts: object["attempt_count"].as_i64().unwrap_or(1),
            next_attempt: object["next_payment_attempt"].as_i64(),
        };
        Ok(Plan::Parts(vec![Part::Write(Change::Payment {
            sub,
            payment,
        })]))
    }
}

/// A payment method attached or detached: noted, nothing changed.
fn payment_method_note(kind: &str, event: &Value, object: &Value) -> String {
    format!(
        "noted: {} {} {} {} (defaults are read from Stripe when shown)",
        object["id"].as_str().unwrap_or("?"),
        kind.trim_start_matches("payment_method."),
        if kind.ends_with("attached") {
            "to"
        } else {
            "from"
        },
        id_of(&object["customer"])
            .or_else(|| id_of(&event["data"]["previous_attributes"]["customer"]))
            .unwrap_or_else(|| "its customer".into())
    )
}

/// Whether a `product.*` or `price.*` event's object is of billctl's catalog: it carries
/// billctl's tier metadata, or it is a product of the config or the catalog mirror, or a price
/// whose lookup key is configured or whose product is one of those. Other objects (another
/// product line in the same account) are no drift of billctl's.
fn of_catalog(tiers: &TierMap, kind: &str, object: &Value) -> bool {
    if object["metadata"]
        .get(crate::domain::catalog::META_TIER)
        .is_some()
    {
        return true;
    }
    if kind.starts_with("product.") {
        return id_of(&object["id"]).is_some_and(|id| tiers.knows_product(&id));
    }
    object["lookup_key"]
        .as_str()
        .is_some_and(|k| tiers.knows_lookup_key(k))
        || id_of(&object["product"]).is_some_and(|p| tiers.knows_product(&p))
}

fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(String::from),
        _ => None,
    }
}

/// The subscription an invoice belongs to: `subscription` in older API versions,
/// `parent.subscription_details.subscription` since 2025-03-31.
fn invoice_subscription(invoice: &Value) -> Option<String> {
    id_of(&invoice["subscription"])
        .or_else(|| id_of(&invoice["parent"]["subscription_details"]["subscription"]))
}

pub fn customer_stub(id: &str, created: i64) -> Customer {
    Customer {
        id: id.to_string(),
        email: None,
        name: None,
        created,
    }
}

#[cfg(test)]
mod tests;

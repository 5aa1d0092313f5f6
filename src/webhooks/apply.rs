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
//! Ordering: every mirrored subscription row records the time its state is from (`synced_at`:
//! the listing time of `subscriptions sync` or a lifecycle command, or the `created` of the
//! event last applied to it). An event older than that is ignored. Within the same second
//! (Stripe's timestamps have no finer grain) a `created` event never overwrites an existing
//! row, nothing but a `deleted` event overwrites a canceled subscription, and an `updated`
//! event wins. With `--refetch`, billctl fetches the current object from Stripe instead and
//! applies that, which is always right whatever the order.

use super::event::{Envelope, Outcome};
use crate::billing::{Customer, MirrorRow, Subscription, TierMap};
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

/// Statuses after which nothing but a `deleted` event changes a subscription.
const TERMINAL: &[&str] = &["canceled", "incomplete_expired"];

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
    },
}

/// When a mirror write may go ahead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rule {
    /// An event's state: never older than the mirror's, a `created` event never over a row
    /// of the same second, and nothing but `deleted` over a terminal status.
    Event { kind: String },
    /// The object as fetched now: always.
    Refetched,
}

impl Rule {
    /// Whether `row` may be written over the mirror's `current` (status, as-of); the reason
    /// if not.
    pub fn check(&self, row: &str, as_of: i64, current: Option<(&str, i64)>) -> Result<(), String> {
        let (Rule::Event { kind }, Some((status, mirror_as_of))) = (self, current) else {
            return Ok(());
        };
        if as_of < mirror_as_of {
            return Err(format!(
                "older than the mirror's state of {row} (event at {}, mirror as of {})",
                crate::time::utc_datetime(as_of),
                crate::time::utc_datetime(mirror_as_of)
            ));
        }
        if as_of == mirror_as_of && kind == "created" {
            return Err(format!("the mirror already has {row} as of this second"));
        }
        if TERMINAL.contains(&status) && kind != "deleted" {
            return Err(format!("{row} is already {status} in the mirror"));
        }
        Ok(())
    }
}

/// An invoice event, as it bears on a subscription's payment state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub invoice: String,
    /// The event's type.
    pub kind: String,
    /// The event's `created`.
    pub at: i64,
    /// `invoice.paid`; else a failure (`invoice.payment_failed` or `..._action_required`).
    pub paid: bool,
    /// The invoice in the event is paid (`status` "paid").
    pub invoice_paid: bool,
    pub attempts: i64,
    pub next_attempt: Option<i64>,
}

impl Payment {
    /// The new status of a subscription in `status` after this event, or why it stays.
    /// Stripe's own transitions: a failed renewal makes an active subscription `past_due`;
    /// a paid invoice makes a `past_due`, `unpaid` or `incomplete` one active.
    pub fn transition(&self, sub: &str, status: &str) -> Result<String, String> {
        match (self.paid, status) {
            (false, "active" | "trialing") => Ok("past_due".into()),
            (true, "past_due" | "unpaid" | "incomplete") => Ok("active".into()),
            _ => Err(format!("{sub} stays {status}")),
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
            "invoice.paid" | "invoice.payment_failed" | "invoice.payment_action_required" => {
                self.invoice_event(env, object)?
            }
            "customer.subscription.trial_will_end" => Plan::Done(Outcome::Ignored(format!(
                "noted: the trial of {} ends at {}; Stripe charges then (nothing to change here)",
                object["id"].as_str().unwrap_or("?"),
                object["trial_end"]
                    .as_i64()
                    .map_or("an unknown time".into(), crate::time::utc_datetime)
            ))),
            "payment_method.attached" | "payment_method.detached" => {
                Plan::Done(Outcome::Ignored(payment_method_note(kind, &event, object)))
            }
            k if k.starts_with("product.") || k.starts_with("price.") => {
                Plan::Parts(vec![Part::Write(Change::Drift {
                    event_id: env.id.clone(),
                    kind: env.kind.clone(),
                    object_id: env.object_id.clone().unwrap_or_default(),
                    created: env.created,
                })])
            }
            _ => Plan::Done(Outcome::Ignored(format!(
                "billctl does not act on {kind} events"
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
            as_of: crate::clock::now(),
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

fn customer_stub(id: &str, created: i64) -> Customer {
    Customer {
        id: id.to_string(),
        email: None,
        name: None,
        created,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_events_rule_refuses_older_same_second_creates_and_terminal_rows() {
        let updated = Rule::Event {
            kind: "updated".into(),
        };
        let created = Rule::Event {
            kind: "created".into(),
        };
        let deleted = Rule::Event {
            kind: "deleted".into(),
        };
        assert_eq!(updated.check("sub_1", 100, None), Ok(()));
        assert_eq!(updated.check("sub_1", 100, Some(("active", 100))), Ok(()));
        assert!(updated
            .check("sub_1", 99, Some(("active", 100)))
            .unwrap_err()
            .contains("older than the mirror's state of sub_1"));
        assert!(created
            .check("sub_1", 100, Some(("active", 100)))
            .unwrap_err()
            .contains("as of this second"));
        assert!(updated
            .check("sub_1", 101, Some(("canceled", 100)))
            .unwrap_err()
            .contains("already canceled"));
        assert_eq!(deleted.check("sub_1", 101, Some(("canceled", 100))), Ok(()));
        assert_eq!(
            Rule::Refetched.check("sub_1", 1, Some(("canceled", 100))),
            Ok(())
        );
    }

    #[test]
    fn payments_move_statuses_as_stripe_does() {
        let mut p = Payment {
            invoice: "in_1".into(),
            kind: "invoice.payment_failed".into(),
            at: 1,
            paid: false,
            invoice_paid: false,
            attempts: 1,
            next_attempt: None,
        };
        assert_eq!(p.transition("sub_1", "active"), Ok("past_due".into()));
        assert_eq!(p.transition("sub_1", "trialing"), Ok("past_due".into()));
        assert_eq!(
            p.transition("sub_1", "unpaid"),
            Err("sub_1 stays unpaid".into())
        );
        p.paid = true;
        for s in ["past_due", "unpaid", "incomplete"] {
            assert_eq!(p.transition("sub_1", s), Ok("active".into()));
        }
        assert_eq!(
            p.transition("sub_1", "active"),
            Err("sub_1 stays active".into())
        );
    }

    #[test]
    fn one_part_is_the_events_outcome_and_several_are_applied_together() {
        let one = joined(vec![Outcome::Ignored("why".into())]);
        assert_eq!(one, Outcome::Ignored("why".into()));
        let two = joined(vec![
            Outcome::Applied("customer cus_1 added".into()),
            Outcome::Ignored("subscription sub_1 already linked".into()),
        ]);
        assert_eq!(
            two,
            Outcome::Applied("customer cus_1 added; subscription sub_1 already linked".into())
        );
    }
}

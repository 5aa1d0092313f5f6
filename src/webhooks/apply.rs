//! Applying Stripe events to the local state: the subscription mirror, customers, payment
//! status and catalog drift. Idempotent and safe out of order.
//!
//! Ordering: every mirrored subscription row records the time its state is from (`synced_at`:
//! the listing time of `subscriptions sync` or a lifecycle command, or the `created` of the
//! event last applied to it). An event older than that is ignored. Within the same second
//! (Stripe's timestamps have no finer grain) a `created` event never overwrites an existing
//! row, nothing but a `deleted` event overwrites a canceled subscription, and an `updated`
//! event wins. With `--refetch`, billctl fetches the current object from Stripe instead and
//! applies that, which is always right whatever the order.

use crate::billing::{Customer, MirrorRow, Subscription, TierMap};
use crate::store::webhooks::{Envelope, Outcome};
use crate::store::Store;
use serde_json::Value;

use crate::stripe::API_VERSION;

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

/// Fetches current objects from Stripe (for `--refetch`).
pub trait Fetch {
    fn subscription(&mut self, id: &str) -> Result<Option<Subscription>, String>;
}

/// Applies events to a store.
pub struct Applier<'a> {
    pub store: &'a mut Store,
    pub tiers: &'a TierMap,
    pub fetch: Option<&'a mut dyn Fetch>,
}

impl Applier<'_> {
    /// Applies one stored event; never panics on a strange payload, it fails with the reason.
    pub fn apply(&mut self, env: &Envelope, body: &[u8]) -> Outcome {
        match self.try_apply(env, body) {
            Ok(o) => o,
            Err(e) => Outcome::Failed(format!("{e:#}")),
        }
    }

    fn try_apply(&mut self, env: &Envelope, body: &[u8]) -> anyhow::Result<Outcome> {
        let event: Value = serde_json::from_slice(body)?;
        let object = &event["data"]["object"];
        let kind = env.kind.as_str();
        if let Some(o) = self.other_version(&event, object)? {
            return Ok(o);
        }
        Ok(match kind {
            "customer.subscription.created"
            | "customer.subscription.updated"
            | "customer.subscription.deleted" => self.subscription_event(env, object)?,
            "checkout.session.completed" => self.checkout_completed(env, object)?,
            "invoice.paid" | "invoice.payment_failed" | "invoice.payment_action_required" => {
                self.invoice_event(env, object)?
            }
            "customer.subscription.trial_will_end" => Outcome::Ignored(format!(
                "noted: the trial of {} ends at {}; Stripe charges then (nothing to change here)",
                object["id"].as_str().unwrap_or("?"),
                object["trial_end"]
                    .as_i64()
                    .map_or("an unknown time".into(), crate::time::utc_datetime)
            )),
            "payment_method.attached" | "payment_method.detached" => Outcome::Ignored(
                format!(
                    "noted: {} {} {}",
                    object["id"].as_str().unwrap_or("?"),
                    kind.trim_start_matches("payment_method."),
                    if kind.ends_with("attached") {
                        "to"
                    } else {
                        "from"
                    },
                ) + &format!(
                    " {} (defaults are read from Stripe when shown)",
                    id_of(&object["customer"])
                        .or_else(|| id_of(&event["data"]["previous_attributes"]["customer"]))
                        .unwrap_or_else(|| "its customer".into())
                ),
            ),
            k if k.starts_with("product.") || k.starts_with("price.") => self.catalog_event(env)?,
            _ => Outcome::Ignored(format!("billctl does not act on {kind} events")),
        })
    }

    /// An event in an API version other than the one billctl's types are built for: with
    /// `--refetch` the object is read again from Stripe (in billctl's version) and applied;
    /// otherwise it fails with the two versions named. Catalog events carry no object billctl
    /// reads, so their version does not matter.
    fn other_version(&mut self, event: &Value, object: &Value) -> anyhow::Result<Option<Outcome>> {
        let ours = API_VERSION;
        let theirs = event["api_version"].as_str().unwrap_or(ours);
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
        if self.fetch.is_some() {
            if let Some(sub) = sub {
                if let Some(current) = self.refetch(&sub)? {
                    return self.refetched(current, &sub).map(Some);
                }
            }
            return Ok(Some(Outcome::Ignored(format!(
                "event in API version {theirs} names no subscription to refetch"
            ))));
        }
        Ok(Some(Outcome::Failed(format!(
            "the event is in API version {theirs}, but billctl reads {ours}: re-apply it with --refetch (billctl then reads the object from Stripe in its own version), or re-create the endpoint with 'billctl webhooks endpoint create', which pins {ours}"
        ))))
    }

    fn subscription_event(&mut self, env: &Envelope, object: &Value) -> anyhow::Result<Outcome> {
        let id = object["id"].as_str().unwrap_or_default().to_string();
        if let Some(current) = self.refetch(&id)? {
            return self.refetched(current, &id);
        }
        let sub = parse_subscription(object)?;
        let row = MirrorRow::of(&sub, self.tiers);
        let kind = env.kind.rsplit('.').next().unwrap_or_default().to_string();
        let t = env.created;
        let decided = self.store.put_subscription_if(
            &row,
            &customer_stub(&sub.customer, sub.created),
            t,
            |cur| {
                let Some((status, as_of)) = cur else {
                    return Ok(());
                };
                if t < as_of {
                    return Err(format!(
                        "older than the mirror's state of {} (event at {}, mirror as of {})",
                        row.id,
                        crate::time::utc_datetime(t),
                        crate::time::utc_datetime(as_of)
                    ));
                }
                if t == as_of && kind == "created" {
                    return Err(format!(
                        "the mirror already has {} as of this second",
                        row.id
                    ));
                }
                if TERMINAL.contains(&status) && kind != "deleted" {
                    return Err(format!("{} is already {status} in the mirror", row.id));
                }
                Ok(())
            },
        )?;
        Ok(match decided {
            Ok(()) => Outcome::Applied(format!(
                "subscription {} of {}: {} on {}",
                row.id, row.customer_id, row.status, row.tier
            )),
            Err(why) => Outcome::Ignored(why),
        })
    }

    /// With `--refetch`: the subscription as Stripe has it now (`Some(None)`: gone).
    fn refetch(&mut self, id: &str) -> anyhow::Result<Option<Option<Subscription>>> {
        match self.fetch.as_deref_mut() {
            Some(f) => {
                Ok(Some(f.subscription(id).map_err(|e| {
                    anyhow::anyhow!("failed to refetch {id}: {e}")
                })?))
            }
            None => Ok(None),
        }
    }

    /// Mirrors a subscription as fetched now (or notes it is gone).
    fn refetched(&mut self, sub: Option<Subscription>, id: &str) -> anyhow::Result<Outcome> {
        let Some(sub) = sub else {
            return Ok(Outcome::Ignored(format!("{id} no longer exists in Stripe")));
        };
        let row = MirrorRow::of(&sub, self.tiers);
        let now = crate::clock::now();
        self.store
            .put_subscription_if(
                &row,
                &customer_stub(&sub.customer, sub.created),
                now,
                |_| Ok(()),
            )?
            .map_err(anyhow::Error::msg)?;
        Ok(Outcome::Applied(format!(
            "subscription {} of {} (refetched): {} on {}",
            row.id, row.customer_id, row.status, row.tier
        )))
    }

    fn checkout_completed(&mut self, env: &Envelope, object: &Value) -> anyhow::Result<Outcome> {
        let Some(customer) = id_of(&object["customer"]) else {
            return Ok(Outcome::Ignored(
                "the session has no customer (a one-off payment without one)".into(),
            ));
        };
        let details = &object["customer_details"];
        let c = Customer {
            id: customer.clone(),
            email: details["email"].as_str().map(String::from),
            name: details["name"].as_str().map(String::from),
            created: object["created"].as_i64().unwrap_or(env.created),
        };
        let added = self.store.add_customer(&c, env.created)?;
        let mut done = vec![if added {
            format!("customer {customer} added")
        } else {
            format!("customer {customer} already mirrored")
        }];
        if let Some(sub) = id_of(&object["subscription"]) {
            match self.store.subscription(&sub)? {
                Some(row) if row.customer_id == customer => {
                    done.push(format!("subscription {sub} already linked"));
                }
                Some(row) => anyhow::bail!(
                    "the session links {sub} to {customer}, but the mirror has it under {}",
                    row.customer_id
                ),
                None => match self.refetch(&sub)? {
                    Some(current) => {
                        let o = self.refetched(current, &sub)?;
                        done.push(o.detail().to_string());
                    }
                    None => done.push(format!(
                        "subscription {sub} not mirrored yet (its customer.subscription.created event, --refetch or 'subscriptions sync' adds it)"
                    )),
                },
            }
        }
        Ok(Outcome::Applied(done.join("; ")))
    }

    fn invoice_event(&mut self, env: &Envelope, object: &Value) -> anyhow::Result<Outcome> {
        let sub = invoice_subscription(object);
        let Some(sub) = sub else {
            return Ok(Outcome::Ignored(
                "the invoice belongs to no subscription".into(),
            ));
        };
        if let Some(current) = self.refetch(&sub)? {
            return self.refetched(current, &sub);
        }
        let paid = env.kind == "invoice.paid";
        let invoice = object["id"].as_str().unwrap_or_default();
        let ev = crate::store::PaymentEvent {
            invoice,
            at: env.created,
            paid,
            invoice_paid: object["status"].as_str() == Some("paid") || object["paid"] == true,
            attempts: object["attempt_count"].as_i64().unwrap_or(1),
            next_attempt: object["next_payment_attempt"].as_i64(),
        };
        let what = match env.kind.as_str() {
            "invoice.paid" => format!("invoice {invoice} paid"),
            "invoice.payment_action_required" => {
                format!("invoice {invoice} needs the customer's authentication")
            }
            _ => format!("payment of invoice {invoice} failed"),
        };
        let r = self.store.apply_payment_event(&sub, &ev, |status| {
            // Stripe's own transitions: a failed renewal makes an active subscription
            // past_due; a paid invoice makes a past_due, unpaid or incomplete one active.
            match (paid, status) {
                (false, "active" | "trialing") => Ok("past_due".into()),
                (true, "past_due" | "unpaid" | "incomplete") => Ok("active".into()),
                _ => Err(format!("{sub} stays {status}")),
            }
        })?;
        Ok(match r {
            None => Outcome::Ignored(format!(
                "subscription {sub} is not in the mirror ('subscriptions sync' or --refetch adds it)"
            )),
            Some(Err(why)) => Outcome::Ignored(why),
            Some(Ok(done)) => match done.status {
                Ok((from, to)) => {
                    Outcome::Applied(format!("{what}; subscription {sub}: {from} -> {to}"))
                }
                Err(_) if done.recorded => {
                    Outcome::Applied(format!("{what}; payment state of {sub} recorded"))
                }
                Err(why) => Outcome::Ignored(why),
            },
        })
    }

    fn catalog_event(&mut self, env: &Envelope) -> anyhow::Result<Outcome> {
        let object = env.object_id.clone().unwrap_or_default();
        self.store.note_catalog_drift(&crate::store::DriftNote {
            event_id: env.id.clone(),
            kind: env.kind.clone(),
            object_id: object.clone(),
            created: env.created,
        })?;
        Ok(Outcome::Applied(format!(
            "catalog drift noted for {object}: run 'billctl prices check'"
        )))
    }
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

fn parse_subscription(object: &Value) -> anyhow::Result<Subscription> {
    crate::stripe::subscription_from_json(object)
}

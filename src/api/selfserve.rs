//! The customer's side of `serve` (scope `self-service`): a web app's backend for the page
//! where a customer sees their plan and usage, manages their API keys, updates cards and
//! invoices, and changes plan. Each route acts for the one customer named in its path; the
//! web app's own login decides who that is, and billctl trusts the token's holder. Every
//! change is in the audit log with the token's name as the actor.
//!
//! - `GET /v1/customers/{id}`: tier, subscription status, access and why, period, trial end,
//!   dunning state, the default card's brand and last four (read from Stripe and mirrored).
//! - `GET|POST /v1/customers/{id}/keys`, `POST /v1/customers/{id}/keys/{key}/rotate|revoke`
//!   (also `/v1/keys/{key}/rotate|revoke` with `customer_id` in the body). A key of another
//!   customer is 404, as an unknown one, so ids cannot be probed.
//! - `POST /v1/customers/{id}/portal`, `.../checkout`, `.../subscription` (change the plan, with
//!   `subscriptions change`'s rules and proration), `.../subscription/cancel` (at the period
//!   end) and `.../subscription/resume` (undo that before then).
//!
//! Stripe's errors come through with their type, code and message, and a non-2xx status.

// An `Err` here is the answer itself, built once and sent: its size does not matter.
#![allow(clippy::result_large_err)]

use super::error::{ErrorCode as E, Fail};
use super::serve::{parse_body, Answer, Service, MAX_CUSTOMER_ID};
use crate::adapters::server::{self, Response};
use crate::adapters::stripe::Writer;
use crate::domain::billing::seats::Asked;
use crate::domain::billing::Proration;
use crate::ops::lifecycle::{self, PlanError};
use crate::ops::serve::selfserve::{self, KeyAction, PlanAction, Refused};
use crate::ops::{self, payments};
use hyper::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The longest key name the self-service routes take.
const MAX_NAME: usize = 100;

/// An answer with a JSON document.
fn ok(status: StatusCode, doc: &impl Serialize) -> Response {
    server::json(status, doc)
}

/// A Stripe failure as an answer: Stripe's own 4xx (a declined card is 402) with its type,
/// code and message; 502 when Stripe could not be reached or refused billctl's key; 503 with
/// `Retry-After` when Stripe rate-limited. The caller gets Stripe's words, never the chain
/// around them (which may name serve's Stripe URL or its store): that goes to the log.
pub(super) fn stripe_failure(e: &anyhow::Error) -> Fail {
    use crate::adapters::stripe::Error;
    let found = e.chain().find_map(|c| c.downcast_ref::<Error>());
    let (status, code, message, detail) = match found {
        Some(
            api @ Error::Api {
                status,
                kind,
                code,
                message,
                request_id,
                ..
            },
        ) => {
            let mapped = match *status {
                401 | 403 => StatusCode::BAD_GATEWAY,
                429 => StatusCode::SERVICE_UNAVAILABLE,
                s @ 400..=499 => StatusCode::from_u16(s).unwrap_or(StatusCode::BAD_REQUEST),
                _ => StatusCode::BAD_GATEWAY,
            };
            let detail = json!({"type": kind, "code": code, "message": message, "status": status, "request_id": request_id});
            (mapped, E::StripeError, api.to_string(), Some(detail))
        }
        Some(Error::Timeout { .. } | Error::Deadline { .. }) => (
            StatusCode::GATEWAY_TIMEOUT,
            E::StripeTimeout,
            "Stripe did not answer in time".to_string(),
            None,
        ),
        Some(Error::Network { .. }) => (
            StatusCode::BAD_GATEWAY,
            E::StripeUnreachable,
            "Stripe could not be reached".to_string(),
            None,
        ),
        _ => (
            StatusCode::BAD_GATEWAY,
            E::StripeError,
            "the request could not be completed; serve's log has the details under this answer's X-Request-Id".to_string(),
            None,
        ),
    };
    let mut fail = Fail::new(status, code, message).detail(format!("{e:#}"));
    if let Some(d) = detail {
        fail = fail.with("stripe", d);
    }
    if status == StatusCode::SERVICE_UNAVAILABLE {
        fail = fail.retry_after(1);
    }
    fail
}

/// A path's key id, else the 400: a whole key (or a token) there is refused without being
/// repeated, as `keys revoke` refuses one.
fn key_id_shape(key: &str) -> Result<(), Fail> {
    crate::domain::keys::not_a_full_key("the path", key)
        .and_then(|()| match crate::domain::keys::holds_secret(key) {
            true => Err("the path takes a key id, and this is shaped like an API key or a service token (not repeated here): use the key's 8-character id, and treat what was sent as exposed".into()),
            false => Ok(()),
        })
        .and_then(|()| {
            // Only an id's shape goes further (and is ever repeated): 8 letters or digits. A
            // percent-escaped key, or anything else, is refused without being said back.
            let id = key.len() == crate::domain::keys::ID_LEN && key.bytes().all(|b| b.is_ascii_alphanumeric());
            match id {
                true => Ok(()),
                false => Err("the path takes a key id: 8 letters or digits (what was sent is not repeated here)".into()),
            }
        })
        .map_err(|m| Fail::new(StatusCode::BAD_REQUEST, E::BadKeyId, &m))
}

/// The ids in a route's path (`{id}`, `{key}`), checked before anything else of the request:
/// the 400 for the first that is not an id's shape.
pub(super) fn path_ids(customer: Option<&str>, key: Option<&str>) -> Result<(), Fail> {
    if let Some(c) = customer {
        customer_shape(c)?;
    }
    key.map_or(Ok(()), key_id_shape)
}

/// Whether `id` has the shape of a customer id, else the 400 (which never repeats it).
pub(super) fn customer_shape(id: &str) -> Result<(), Fail> {
    if crate::domain::keys::holds_secret(id) {
        return Err(Fail::new(StatusCode::BAD_REQUEST, E::BadCustomerId,
            "the path takes a customer id, and this is shaped like an API key or a service token (not repeated here): treat what was sent as exposed",
        ));
    }
    let ok = !id.is_empty()
        && id.len() <= MAX_CUSTOMER_ID
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(Fail::new(
            StatusCode::BAD_REQUEST,
            E::BadCustomerId,
            format!(
                "a customer id is 1 to {} letters, digits, '_' or '-' (cus_...)",
                MAX_CUSTOMER_ID
            ),
        ))
    }
}

pub(super) fn customer_not_found(id: &str) -> Fail {
    Fail::new(
        StatusCode::NOT_FOUND,
        E::CustomerNotFound,
        format!("no customer {id} in the store's mirror"),
    )
}

fn key_not_found(id: &str) -> Fail {
    Fail::new(
        StatusCode::NOT_FOUND,
        E::KeyNotFound,
        format!("no API key {id} for this customer"),
    )
}

/// A duration in a body: whole seconds, or a span such as "90d" or "24h".
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Span {
    Secs(i64),
    Text(String),
}

impl Span {
    fn secs(&self, field: &str, min: i64) -> Result<i64, Fail> {
        let v = match self {
            Span::Secs(s) => Ok(*s),
            Span::Text(t) => crate::domain::time::parse_span(t),
        };
        match v {
            Ok(s) if s >= min && s <= 10 * 366 * 86_400 => Ok(s),
            Ok(_) => Err(format!(
                "must be at least {} and at most ten years",
                crate::util::plural::count(min, "second", "seconds")
            )),
            Err(e) => Err(e),
        }
        .map_err(|e| {
            Fail::new(
                StatusCode::BAD_REQUEST,
                E::InvalidField,
                format!("{field}: {e}"),
            )
        })
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CreateKey {
    name: String,
    #[serde(default)]
    expires_in: Option<Span>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct KeyChange {
    /// Required on `/v1/keys/{key}/...`; must match the path's on the nested form.
    #[serde(default)]
    customer_id: Option<String>,
    /// Rotation: how long the old key keeps working (default 24h, as `keys rotate`).
    #[serde(default)]
    grace: Option<Span>,
    /// Revocation: why, for the audit log.
    #[serde(default)]
    reason: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PortalBody {
    #[serde(default)]
    return_url: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CheckoutBody {
    tier: String,
    #[serde(default)]
    quantity: Option<Value>,
    #[serde(default)]
    success_url: Option<String>,
    #[serde(default)]
    cancel_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct PlanBody {
    #[serde(default)]
    tier: Option<String>,
    #[serde(default)]
    proration: Option<String>,
    #[serde(default)]
    quantity: Option<Value>,
}

/// A body's `quantity` (seats) as asked, or the 400 when it is not a whole number; its bound
/// is the tier's (see [`crate::domain::billing::seats`]).
fn quantity_asked(v: Option<&Value>) -> Result<Asked, Fail> {
    let given = match v {
        None | Some(Value::Null) => None,
        Some(q) => Some(q.as_i64().ok_or_else(|| {
            Fail::new(
                StatusCode::BAD_REQUEST,
                E::InvalidField,
                format!("quantity: {q} is not a quantity: a whole number of seats, from 1"),
            )
        })?),
    };
    Ok(Asked {
        given,
        field: "quantity",
    })
}

/// A body that may be empty (then `T::default()`).
fn optional_body<T: serde::de::DeserializeOwned + Default>(body: &[u8]) -> Result<T, Fail> {
    if body.iter().all(u8::is_ascii_whitespace) {
        Ok(T::default())
    } else {
        parse_body(body)
    }
}

fn http_url(field: &str, url: &str) -> Result<(), Fail> {
    let ok = (url.starts_with("https://") || url.starts_with("http://")) && url.len() <= 2048;
    if ok {
        Ok(())
    } else {
        Err(Fail::new(
            StatusCode::BAD_REQUEST,
            E::InvalidField,
            format!("{field}: must be an http:// or https:// URL of at most 2048 bytes"),
        ))
    }
}

/// A key change's customer (from the path, else the body), grace (rotation; 24h by default,
/// as `keys rotate`) and reason (revocation), or the 400.
fn key_change_request(
    path_customer: Option<String>,
    action: KeyAction,
    body: &[u8],
) -> Result<(String, i64, Option<String>), Fail> {
    let req: KeyChange = optional_body(body)?;
    let bad = |m: &str| Fail::new(StatusCode::BAD_REQUEST, E::InvalidField, m);
    let customer = match (path_customer, req.customer_id) {
        (Some(p), Some(b)) if p != b => {
            return Err(bad("customer_id: differs from the customer in the path"))
        }
        (Some(p), _) => p,
        (None, Some(b)) => b,
        (None, None) => return Err(bad("customer_id: required on /v1/keys/{key}/...: the customer the key must belong to (or use /v1/customers/{id}/keys/{key}/...)")),
    };
    customer_shape(&customer)?;
    let grace = match (&req.grace, action) {
        (Some(g), KeyAction::Rotate) => g.secs("grace", 0)?,
        (None, _) => 86_400,
        (Some(_), KeyAction::Revoke) => return Err(bad("grace: only a rotation takes a grace")),
    };
    let reason = req.reason.map(|r| r.chars().take(500).collect::<String>());
    Ok((customer, grace, reason))
}

/// The tier a body names, or the 400 (naming the catalog's tiers, never the config's file).
fn tier_named(
    config: &crate::domain::config::Config,
    id: &str,
) -> Result<crate::domain::catalog::Tier, Fail> {
    config.tier(id).cloned().ok_or_else(|| {
        let known: Vec<&str> = config.tiers.iter().map(|t| t.id.as_str()).collect();
        Fail::new(
            StatusCode::BAD_REQUEST,
            E::UnknownTier,
            format!(
                "tier: unknown tier {:?}; the tiers are {}",
                id,
                known.join(", ")
            ),
        )
    })
}

/// The Checkout URLs: the body's, else the config's `[checkout]`; http(s) only.
fn checkout_urls(
    config: &crate::domain::config::Config,
    success: Option<String>,
    cancel: Option<String>,
) -> Result<crate::domain::config::Checkout, Fail> {
    let configured = config.checkout.clone();
    let pick = |given: Option<String>, field: &str, dflt: Option<String>| {
        let url = given.or(dflt).ok_or_else(|| {
            Fail::new(
                StatusCode::BAD_REQUEST,
                E::InvalidField,
                format!("{field}: required (no [checkout] {field} in the config)"),
            )
        })?;
        http_url(field, &url)?;
        Ok::<String, Fail>(url)
    };
    Ok(crate::domain::config::Checkout {
        success_url: pick(
            success,
            "success_url",
            configured.as_ref().map(|c| c.success_url.clone()),
        )?,
        cancel_url: pick(cancel, "cancel_url", configured.map(|c| c.cancel_url))?,
    })
}

/// A plan action's tier (a change needs one, the others take none) and proration (default
/// `create_prorations`, as `subscriptions change`), or the 400.
fn plan_request(
    config: &crate::domain::config::Config,
    action: PlanAction,
    req: PlanBody,
) -> Result<(Option<crate::domain::catalog::Tier>, Proration, Asked), Fail> {
    let bad = |m: &str| Fail::new(StatusCode::BAD_REQUEST, E::InvalidField, m);
    let has_quantity = !matches!(req.quantity, None | Some(Value::Null));
    if action != PlanAction::Change && has_quantity {
        return Err(bad("quantity: only a plan change takes a quantity"));
    }
    let tier = match (action, &req.tier) {
        (PlanAction::Change, Some(t)) => Some(tier_named(config, t)?),
        // A change of seats alone: the tier it is on.
        (PlanAction::Change, None) if has_quantity => None,
        (PlanAction::Change, None) => {
            return Err(bad(
                "tier: required (or quantity, to change the seats alone)",
            ))
        }
        (_, Some(_)) => return Err(bad("tier: only a plan change takes a tier")),
        (_, None) => None,
    };
    let proration = match req.proration.as_deref() {
        None => Proration::default(),
        Some(p) => p.parse().map_err(|e| bad(&format!("proration: {e}")))?,
    };
    let seats = quantity_asked(req.quantity.as_ref())?;
    Ok((tier, proration, seats))
}

/// A self-service workflow's refusal in HTTP: Stripe's failure as Stripe said it; an answer
/// without the requested result 502; a store failure 503 (after a plan change Stripe made,
/// saying so: `subscriptions sync` mirrors it).
fn refused(r: Refused, key: &str) -> Fail {
    match r {
        Refused::KeyNotFound => key_not_found(key),
        Refused::KeyLimit(limit) => Fail::new(StatusCode::CONFLICT, E::KeyLimit, limit.to_string()),
        Refused::KeyNotRotatable(why) => Fail::new(StatusCode::CONFLICT, E::KeyNotRotatable, &why),
        Refused::NoSubscription => Fail::new(StatusCode::CONFLICT, E::NoSubscription,
            format!("the customer has no live subscription: sign them up with POST /v1/customers/{key}/checkout"),
        ),
        Refused::TierUnknown(e) => Fail::new(StatusCode::BAD_REQUEST, E::UnknownTier,
            "tier: the subscription's price is on no tier of serve's catalog; name the tier",
        )
        .detail(format!("{e:#}")),
        Refused::Stripe(e) => stripe_failure(&e),
        Refused::Store(e) => super::serve::store_unavailable(&e),
        Refused::Plan(e) => plan_refused(e),
    }
}

/// A lifecycle change refused or failed, in the plan route's vocabulary.
fn plan_refused(e: PlanError) -> Fail {
    match e {
        PlanError::Stripe(e) => stripe_failure(&e),
        PlanError::NotApplied(n) => {
            Fail::new(StatusCode::BAD_GATEWAY, E::StripeNotApplied, n.to_string())
        }
        e @ (PlanError::Store(_) | PlanError::Unavailable(_)) => {
            // Says whether Stripe's change was made (Store) or nothing was (Unavailable);
            // the store's own words go to the log.
            let said = match e {
                PlanError::Store(_) => "Stripe made the change, but the store failed to record it ('billctl subscriptions sync' mirrors it)",
                _ => "the store could not be reached; nothing was changed",
            };
            Fail::new(StatusCode::SERVICE_UNAVAILABLE, E::StoreUnavailable, said)
                .retry_after(1)
                .detail(e.to_string())
        }
        PlanError::NotLive { .. } => Fail::new(StatusCode::CONFLICT, E::NotLive, e.to_string()),
        PlanError::Seats(s) => Fail::new(StatusCode::BAD_REQUEST, E::BadQuantity, s.to_string()),
        e @ PlanError::Currency { .. } => {
            let said = e.to_string();
            let first = said.lines().next().unwrap_or_default();
            Fail::new(
                StatusCode::BAD_REQUEST,
                E::InvalidField,
                format!("tier: {first}"),
            )
        }
        other => Fail::new(StatusCode::CONFLICT, E::HasSubscription, other.to_string()),
    }
}

/// Whether a refusal is the store's failure (counted in the metrics).
fn store_failed(r: &Refused) -> bool {
    matches!(
        r,
        Refused::Store(_) | Refused::Plan(PlanError::Store(_) | PlanError::Unavailable(_))
    )
}

impl Service {
    /// The Stripe client, or the 503 that says why serve has none.
    fn stripe(&self) -> Result<&Writer, Fail> {
        self.stripe.as_ref().map_err(|why| {
            Fail::new(
                StatusCode::SERVICE_UNAVAILABLE,
                E::StripeUnavailable,
                "this route needs Stripe, and serve has no usable Stripe key; serve's log says why",
            )
            .detail(why.clone())
        })
    }

    /// `r` in HTTP, a store failure counted.
    fn self_refused(&self, r: Refused, key: &str) -> Fail {
        if store_failed(&r) {
            self.metrics.store_error();
        }
        refused(r, key)
    }

    /// 404 unless the mirror knows the customer.
    async fn known(&self, id: &str) -> Result<(), Fail> {
        customer_shape(id)?;
        let c = id.to_string();
        let found = self
            .with_store(false, move |s| Ok(s.customer(&c)?.is_some()))
            .await?;
        if found {
            Ok(())
        } else {
            Err(customer_not_found(id))
        }
    }

    pub(super) async fn customer(&self, id: String) -> Answer {
        self.known(&id).await?;
        let stripe = self.stripe()?;
        let view = selfserve::account(&self.writer, stripe, &self.config, &id).await;
        let view = view.map_err(|r| self.self_refused(r, &id))?;
        Ok(ok(StatusCode::OK, &view))
    }

    pub(super) async fn keys(&self, id: String) -> Answer {
        self.known(&id).await?;
        let listed = self
            .with_store(false, move |s| {
                ops::keys::list(s, Some(&id), None, crate::domain::clock::now())
            })
            .await?;
        Ok(ok(StatusCode::OK, &listed))
    }

    pub(super) async fn key_create(&self, id: String, body: &[u8], actor: String) -> Answer {
        let req: CreateKey = parse_body(body)?;
        let name = req.name.trim().to_string();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.chars().any(char::is_control)
        {
            return Err(Fail::new(
                StatusCode::BAD_REQUEST,
                E::InvalidField,
                format!("name: 1 to {MAX_NAME} characters, no control characters"),
            ));
        }
        let ttl = match &req.expires_in {
            Some(s) => Some(s.secs("expires_in", 60)?),
            None => None,
        };
        self.known(&id).await?;
        let new = selfserve::IssueKey {
            customer: id.clone(),
            name,
            ttl,
            mode: self.key_mode,
            max_live: self.config.keys.max_live_per_customer,
            actor,
        };
        let made = self
            .with_store(true, move |s| selfserve::issue_key(s, &new))
            .await?;
        let issued = made.map_err(|r| self.self_refused(r, &id))?;
        self.verifiers.forget_keys(&[&issued.record.id]);
        Ok(ok(StatusCode::CREATED, &issued))
    }

    pub(super) async fn key_change(
        &self,
        (customer, key, action): (Option<String>, String, KeyAction),
        body: &[u8],
        actor: String,
    ) -> Answer {
        let (customer, grace, reason) = key_change_request(customer, action, body)?;
        let change = selfserve::ChangeKey {
            customer,
            key: key.clone(),
            action,
            grace,
            reason,
            actor,
        };
        let done = self
            .with_store(true, move |s| selfserve::change_key(s, &change))
            .await?;
        let done = done.map_err(|r| self.self_refused(r, &key))?;
        self.verifiers.forget_keys(&[&key]);
        let status = match done {
            selfserve::KeyChanged::Rotated(_) => StatusCode::CREATED,
            selfserve::KeyChanged::Revoked(_) => StatusCode::OK,
        };
        Ok(ok(status, &done))
    }

    pub(super) async fn portal(&self, id: String, body: &[u8], actor: String) -> Answer {
        let req: PortalBody = optional_body(body)?;
        let url = req
            .return_url
            .or_else(|| self.config.portal.return_url.clone());
        if let Some(u) = &url {
            http_url("return_url", u)?;
        }
        self.known(&id).await?;
        let stripe = self.stripe()?;
        let who = lifecycle::Actor::now(&actor);
        let target = (id.as_str(), url.as_deref());
        let link = payments::portal(&self.writer, stripe, target, who)
            .await
            .map_err(|e| stripe_failure(&e))?;
        Ok(ok(StatusCode::OK, &link))
    }

    pub(super) async fn checkout(&self, id: String, body: &[u8], actor: String) -> Answer {
        let req: CheckoutBody = parse_body(body)?;
        let tier = tier_named(&self.config, &req.tier)?;
        let quantity = quantity_asked(req.quantity.as_ref())?
            .for_tier(&tier, None)
            .map_err(|e| Fail::new(StatusCode::BAD_REQUEST, E::BadQuantity, e.to_string()))?;
        let urls = checkout_urls(&self.config, req.success_url, req.cancel_url)?;
        self.known(&id).await?;
        let stripe = self.stripe()?;
        let who = lifecycle::Actor::now(&actor);
        let link = ops::checkout::sign_up(
            &self.writer,
            stripe,
            ((&tier, quantity), (Some(&id), None)),
            (&urls, None),
            who,
        )
        .await
        .map_err(|e| match e {
            ops::checkout::CheckoutError::HasSubscription { .. } => {
                Fail::new(StatusCode::CONFLICT, E::HasSubscription, e.to_string())
            }
            ops::checkout::CheckoutError::Failed(e) => stripe_failure(&e),
        })?;
        Ok(ok(StatusCode::OK, &link))
    }

    pub(super) async fn plan(
        &self,
        id: String,
        action: PlanAction,
        body: &[u8],
        actor: String,
    ) -> Answer {
        let req: PlanBody = optional_body(body)?;
        let (tier, proration, seats) = plan_request(&self.config, action, req)?;
        self.known(&id).await?;
        let stripe = self.stripe()?;
        let ask = selfserve::PlanAsk {
            customer: id.clone(),
            action,
            tier,
            seats,
            proration,
            actor,
        };
        let done = selfserve::plan(&self.writer, stripe, &self.config, ask).await;
        let done = done.map_err(|r| self.self_refused(r, &id))?;
        Ok(ok(StatusCode::OK, &done))
    }
}

//! Webhook events change the mirror in Stripe's order, not in arrival order (issue 39): the
//! events the simulator emits for a sign-up declined and then paid, a renewal that fails and
//! is then paid, a plan change, and a cancel and resume, each delivered in every order, with
//! a duplicate, with Stripe's own `created`, with every `created` equal and with them a second
//! apart, end with the mirror equal to Stripe's object; plus the reproductions.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it moves the simulator's clock and reads its event log.

use crate::common;

use billctl::domain::billing::{access, Access};
use billctl::ops::webhooks::{self as hooks, ApplySide, EventStore, Fetching, StripeFetch};
use common::Env;
use serde_json::{json, Value};

/// One sequence of Stripe changes to one subscription, and the events Stripe emitted for it.
struct Sequence {
    name: &'static str,
    customer: String,
    sub: String,
    /// The subscription as Stripe had it before the sequence (`None`: a sign-up).
    before: Option<Value>,
    /// The events billctl acts on that concern the subscription, in Stripe's order.
    events: Vec<Value>,
}

/// The subscription an event is about: the object itself, or an invoice's subscription.
fn subject(event: &Value) -> Option<String> {
    let o = &event["data"]["object"];
    let id = |v: &Value| match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(m) => m.get("id").and_then(Value::as_str).map(String::from),
        _ => None,
    };
    match o["object"].as_str()? {
        "subscription" => id(&o["id"]),
        "invoice" => id(&o["subscription"])
            .or_else(|| id(&o["parent"]["subscription_details"]["subscription"])),
        _ => None,
    }
}

/// How many events the simulator has emitted so far.
fn mark(env: &Env) -> usize {
    env.sim.state().events.len()
}

/// The events billctl acts on about `sub` emitted since `from`, in Stripe's order.
fn events_since(env: &Env, from: usize, sub: &str) -> Vec<Value> {
    let handled = billctl::domain::webhooks::apply::HANDLED;
    env.sim
        .state()
        .events
        .values()
        .skip(from)
        .filter(|e| handled.contains(&e["type"].as_str().unwrap_or_default()))
        .filter(|e| subject(e).as_deref() == Some(sub))
        .cloned()
        .collect()
}

fn sim_sub(env: &Env, sub: &str) -> Value {
    env.sim.state().subscriptions[sub].clone()
}

/// Pays `invoice` with the customer's new Visa card, as the customer would after a decline.
fn pay_with_a_good_card(env: &Env, customer: &str, invoice: &str) {
    env.sim.add_card(customer, "pm_card_visa").unwrap();
    let paid = env.cmd(format!("invoices pay {invoice} --yes --json")).ok().json();
    assert_eq!(paid["status"], "paid", "{paid}");
}

/// A renewal declined (the subscription goes past_due), then paid with a good card. It moves
/// the simulator's clock, so it runs first.
fn renewal_fails_then_paid(env: &Env) -> Sequence {
    let customer = env.subscribed("renewal@example.com", "pro");
    let sub = env.store().current_subscription(&customer).unwrap().unwrap().row;
    let before = sim_sub(env, &sub.id);
    env.sim.add_card(&customer, "pm_card_chargeCustomerFail").unwrap();
    let from = mark(env);
    env.sim.advance_clock(sub.current_period_end - env.sim.now() + 3600).unwrap();
    let late = sim_sub(env, &sub.id);
    assert_eq!(late["status"], "past_due", "the renewal was declined");
    let invoice = late["latest_invoice"].as_str().unwrap().to_string();
    pay_with_a_good_card(env, &customer, &invoice);
    Sequence {
        name: "renewal fails, then is paid",
        events: events_since(env, from, &sub.id),
        customer,
        sub: sub.id,
        before: Some(before),
    }
}

/// The simulator's own sign-up whose first charge is declined, then paid with another card.
fn signup_declined_then_paid(env: &Env) -> Sequence {
    let customer = env.customer_without_card("signup@example.com");
    env.sim.add_card(&customer, "pm_card_chargeCustomerFail").unwrap();
    let from = mark(env);
    let created = env.sub(&customer, "pro").arg("--json").run().code(1).json();
    assert_eq!(created["status"], "incomplete", "{created}");
    let sub = created["id"].as_str().unwrap().to_string();
    let invoice = created["latest_invoice_id"].as_str().unwrap().to_string();
    pay_with_a_good_card(env, &customer, &invoice);
    Sequence {
        name: "sign-up declined, then paid",
        events: events_since(env, from, &sub),
        customer,
        sub,
        before: None,
    }
}

/// Pro to Team, the difference invoiced and paid at once.
fn plan_change(env: &Env) -> Sequence {
    let customer = env.subscribed("change@example.com", "pro");
    let sub = env.store().current_subscription(&customer).unwrap().unwrap().row.id;
    let before = sim_sub(env, &sub);
    let from = mark(env);
    env.cmd(format!("subscriptions change {sub} --tier team --proration always-invoice -q")).ok();
    Sequence {
        name: "plan change",
        events: events_since(env, from, &sub),
        customer,
        sub,
        before: Some(before),
    }
}

/// Cancelled at the period end, then resumed (as the Dashboard does both).
fn cancel_and_resume(env: &Env) -> Sequence {
    let customer = env.subscribed("resume@example.com", "pro");
    let sub = env.store().current_subscription(&customer).unwrap().unwrap().row.id;
    let before = sim_sub(env, &sub);
    let from = mark(env);
    let path = format!("/subscriptions/{sub}");
    env.stripe_post(&path, &[("cancel_at_period_end", "true")]);
    env.stripe_post(&path, &[("cancel_at_period_end", "false")]);
    Sequence {
        name: "cancel and resume",
        events: events_since(env, from, &sub),
        customer,
        sub,
        before: Some(before),
    }
}

/// The next permutation of `p` in lexicographic order; false after the last.
fn next_permutation(p: &mut [usize]) -> bool {
    let Some(i) = (1..p.len()).rev().find(|&i| p[i - 1] < p[i]) else {
        return false;
    };
    let j = (i..p.len()).rev().find(|&j| p[j] > p[i - 1]).unwrap();
    p.swap(i - 1, j);
    p[i..].reverse();
    true
}

/// The times the events carry: Stripe's own, all one second, or a second apart in Stripe's
/// order.
#[derive(Debug, Clone, Copy)]
enum Timing {
    Stripes,
    SameSecond,
    Spread,
}

/// One event body with its id made unique to `run` (so every permutation's events are new to
/// the webhook store) and its `created` set by `timing`.
fn body(e: &Value, run: usize, pos: usize, t0: i64, timing: Timing) -> Vec<u8> {
    let mut e = e.clone();
    e["id"] = json!(format!("{}_r{run}", e["id"].as_str().unwrap()));
    e["created"] = json!(match timing {
        Timing::Stripes => e["created"].as_i64().unwrap(),
        Timing::SameSecond => t0,
        Timing::Spread => t0 + pos as i64,
    });
    serde_json::to_vec(&e).unwrap()
}

/// The in-process apply side over this environment's store, refetching from the simulator
/// where an event alone cannot decide.
fn apply_side(env: &Env) -> ApplySide {
    let key = billctl::adapters::secrets::StripeKey::parse(
        env.sim.api_key(),
        billctl::adapters::secrets::Source::Env,
    )
    .unwrap();
    let settings = billctl::adapters::stripe::transport::Settings {
        base: env.sim.base_url(),
        timeout: std::time::Duration::from_secs(30),
        max_attempts: 1,
        backoff: std::time::Duration::from_millis(100),
        log: None,
        max_rps: None,
    };
    let stripe = billctl::adapters::stripe::Stripe::new(&key, settings).unwrap();
    let fetching = Fetching::Undecided(StripeFetch::new(stripe).unwrap());
    ApplySide::open(env.store(), &common::tests2::default_config(), fetching).unwrap()
}

/// Delivers one event, as `ingest` and `listen` do: stored once per id, then applied.
fn deliver(events: &mut EventStore, side: &mut ApplySide, body: Vec<u8>) -> hooks::ApplySummary {
    let incoming = hooks::read_events("event", &body, "ingest").unwrap();
    let bar = indicatif::ProgressBar::hidden();
    let (report, outcomes) = hooks::ingest(events, side, incoming, &bar).unwrap();
    for (id, o) in &outcomes {
        assert_ne!(o.status(), "failed", "{id}: {}", o.detail());
    }
    report.applied
}

/// Asserts the mirror's subscription equals Stripe's: status, tier, price, quantity, cancel
/// flag, payment state and the access `keys verify` grants.
fn assert_mirror_is_stripes(env: &Env, seq: &Sequence, case: &str) {
    let want = sim_sub(env, &seq.sub);
    let m = env
        .store()
        .current_subscription(&seq.customer)
        .unwrap()
        .unwrap_or_else(|| panic!("{case}: {} not mirrored", seq.sub));
    let price = &want["items"]["data"][0]["price"];
    let tier = price["lookup_key"].as_str().unwrap().split('_').next().unwrap();
    let got = (
        m.row.status.as_str(),
        m.row.tier.as_str(),
        m.row.price_id.as_str(),
        m.row.quantity,
        m.row.cancel_at_period_end,
    );
    let stripes = (
        want["status"].as_str().unwrap(),
        tier,
        price["id"].as_str().unwrap(),
        want["items"]["data"][0]["quantity"].as_i64().unwrap_or(1),
        want["cancel_at_period_end"].as_bool().unwrap(),
    );
    assert_eq!(got, stripes, "{case}");
    let st = env.sim.state();
    let latest = &st.invoices[want["latest_invoice"].as_str().unwrap()];
    assert_eq!(latest["status"], "paid", "{case}: every sequence ends paid up");
    assert_eq!(
        (m.payment.failed_at, m.payment.failed_attempts, m.payment.invoice_id.as_deref()),
        (None, 0, None),
        "{case}: no failing payment in the mirror"
    );
    let policy = billctl::domain::config::AccessPolicy::default();
    let now = st.now();
    let start = m.row.current_period_start;
    let mirror = access(&policy, &m.row.status, m.payment.failed_at, start, now);
    let stripe = access(&policy, stripes.0, None, start, now);
    assert_eq!(mirror, stripe, "{case}");
    assert_eq!(mirror, Access::Granted, "{case}");
}

/// Every order of `seq`'s events under `timing`, each with one event delivered twice (which
/// one, and where, moves with the permutation), then all applied once more; returns
/// (permutations, refetches).
fn every_order(env: &Env, seq: &Sequence, timing: Timing, run: &mut usize) -> (usize, u64) {
    let mut events = env.events();
    let mut side = apply_side(env);
    let n = seq.events.len();
    let t0 = seq.events.iter().map(|e| e["created"].as_i64().unwrap()).min().unwrap();
    let (mut perm, mut count, mut refetched) = ((0..n).collect::<Vec<_>>(), 0, 0);
    loop {
        *run += 1;
        env.store().replace_mirror(&[], &[], t0).unwrap();
        if let Some(before) = &seq.before {
            let seed = json!({"id": format!("evt_seed_r{run}"), "object": "event",
                "type": "customer.subscription.updated", "created": t0 - 1, "livemode": false,
                "api_version": billctl::adapters::stripe::API_VERSION, "data": {"object": before}});
            deliver(&mut events, &mut side, serde_json::to_vec(&seed).unwrap());
        }
        let mut order: Vec<usize> = perm.clone();
        order.insert((count * 3) % (n + 1), perm[count % n]);
        for &i in &order {
            let summary =
                deliver(&mut events, &mut side, body(&seq.events[i], *run, i, t0, timing));
            assert_eq!(summary.needs_refetch, 0);
            refetched += summary.refetched;
        }
        let case = format!("{} ({timing:?}), delivered as {order:?}", seq.name);
        assert_mirror_is_stripes(env, seq, &case);
        // Every event applied once more (`webhooks reprocess`): still Stripe's state.
        let ids = seq.events.iter().map(|e| format!("{}_r{run}", e["id"].as_str().unwrap()));
        let filter = hooks::Filter { ids: ids.collect(), ..Default::default() };
        let bar = indicatif::ProgressBar::hidden();
        let (again, _) = hooks::reprocess(&mut events, &mut side, &filter, &bar).unwrap();
        assert_eq!((again.selected, again.applied.failed), (n, 0), "{case}");
        assert_mirror_is_stripes(env, seq, &format!("{case}, then reprocessed"));
        count += 1;
        if !next_permutation(&mut perm) {
            return (count, refetched);
        }
    }
}

/// The property: whatever the order, duplicates and timing, the mirror ends as Stripe is.
#[test]
fn every_order_of_every_sequence_ends_as_stripe_is() {
    let env = Env::with_catalog();
    let sequences = [
        renewal_fails_then_paid(&env),
        signup_declined_then_paid(&env),
        plan_change(&env),
        cancel_and_resume(&env),
    ];
    let (mut run, mut tie_refetches) = (0, 0);
    for seq in &sequences {
        let kinds: Vec<&str> = seq.events.iter().map(|e| e["type"].as_str().unwrap()).collect();
        assert!(seq.events.len() >= 2, "{}: {kinds:?}", seq.name);
        eprintln!("{}: {} events {kinds:?}", seq.name, seq.events.len());
        for timing in [Timing::Stripes, Timing::SameSecond, Timing::Spread] {
            let (orders, refetched) = every_order(&env, seq, timing, &mut run);
            eprintln!("  {timing:?}: {orders} orders, {refetched} refetches");
            if matches!(timing, Timing::SameSecond) {
                tie_refetches += refetched;
            }
        }
    }
    assert!(tie_refetches > 0, "same-second ties are settled by refetching, and counted");
}

/// `webhooks ingest -` of one event, with or without the Stripe key; the run.
fn ingest(env: &Env, event: &Value, with_key: bool) -> common::Run {
    let line = "webhooks ingest - --json";
    let event = event.to_string();
    if with_key {
        env.cmd_stdin(line, &event)
    } else {
        env.without_key().cmd_stdin(line, &event)
    }
}

fn shown(env: &Env, id: &str) -> Value {
    env.cmd(format!("webhooks show {id} --json")).ok().json()
}

/// An event of `kind` about `object` at `created`.
fn event(id: &str, kind: &str, created: i64, object: Value) -> Value {
    json!({"id": id, "object": "event", "type": kind, "created": created, "livemode": false,
           "api_version": billctl::adapters::stripe::API_VERSION, "data": {"object": object}})
}

/// A subscribed customer whose mirror row is as of `t` (billctl's clock pinned there);
/// (customer, the simulator's subscription object).
fn subscribed_at(env: &Env, email: &str) -> (String, Value, i64) {
    let t = env.sim.now();
    env.set_now(t);
    let customer = env.subscribed(email, "pro");
    let sub = env.store().current_subscription(&customer).unwrap().unwrap().row.id;
    (customer, sim_sub(env, &sub), t)
}

fn verify(env: &Env, customer: &str) -> (i32, Value) {
    env.verify(&env.key(customer), false)
}

/// The simulator's own sign-up, declined and then paid, delivered newest first to a mirror
/// that learns only from events: Stripe ends active, and so does the mirror (it ended
/// past_due before issue 39), and the key is valid.
#[test]
fn the_simulators_declined_then_paid_signup_delivered_newest_first_ends_active() {
    let env = Env::with_catalog();
    let seq = signup_declined_then_paid(&env);
    env.store().replace_mirror(&[], &[], 0).unwrap();
    for e in seq.events.iter().rev() {
        let r = ingest(&env, e, true).ok().json();
        assert_eq!(r["failed"], 0, "{r}");
    }
    assert_eq!(sim_sub(&env, &seq.sub)["status"], "active");
    assert_mirror_is_stripes(&env, &seq, "newest first");
    let (code, v) = verify(&env, &seq.customer);
    assert_eq!((code, v["code"].as_str()), (0, Some("VALID")), "{v}");
}

/// The "same-second order": `invoice.paid`, then `invoice.payment_failed` of the same
/// invoice in the same second. Paid is final: the failure changes nothing, with or without a
/// Stripe key (no refetch is needed), and the customer keeps access after the grace.
#[test]
fn same_second_order_a_paid_invoice_stays_paid() {
    let env = Env::with_catalog();
    let (customer, sub, t) = subscribed_at(&env, "same@example.com");
    let sub_id = sub["id"].as_str().unwrap();
    let invoice = |status: &str| {
        json!({"id": "in_same", "object": "invoice", "status": status, "subscription": sub_id,
               "attempt_count": 1, "next_payment_attempt": t + 3 * 86_400})
    };
    let paid = event("evt_same_paid", "invoice.paid", t + 10, invoice("paid"));
    let failed = event("evt_same_failed", "invoice.payment_failed", t + 10, invoice("open"));
    let r = ingest(&env, &paid, false).ok().json();
    assert_eq!(r["applied"], 1, "{r}");
    let r = ingest(&env, &failed, false).ok().json();
    assert_eq!((r["ignored"].as_i64(), r["refetched"].as_i64()), (Some(1), Some(0)), "{r}");
    let detail = shown(&env, "evt_same_failed")["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("in_same is paid, which is final"), "{detail}");
    let m = env.store().current_subscription(&customer).unwrap().unwrap();
    assert_eq!((m.row.status.as_str(), m.payment.failed_at), ("active", None));
    env.set_now(t + 30 * 86_400);
    let (code, v) = verify(&env, &customer);
    assert_eq!((code, v["code"].as_str()), (0, Some("VALID")), "{v}");
}

/// The "stale update": `invoice.paid` at T+10 applied, then
/// `customer.subscription.updated (past_due)` at T. Invoice events move the subscription's
/// clock: the update brings its fields (here, a new quantity) but not its older status.
#[test]
fn stale_update_an_older_past_due_never_follows_a_paid_invoice() {
    let env = Env::with_catalog();
    let (customer, sub, t) = subscribed_at(&env, "stale@example.com");
    let sub_id = sub["id"].as_str().unwrap();
    let paid = event(
        "evt_stale_paid",
        "invoice.paid",
        t + 20,
        json!({"id": "in_stale", "object": "invoice", "status": "paid", "subscription": sub_id}),
    );
    let mut object = sub.clone();
    object["status"] = json!("past_due");
    object["items"]["data"][0]["quantity"] = json!(3);
    let update = event("evt_stale_upd", "customer.subscription.updated", t + 10, object);
    ingest(&env, &paid, false).ok();
    let r = ingest(&env, &update, false).ok().json();
    assert_eq!((r["failed"].as_i64(), r["needs_refetch"].as_i64()), (Some(0), Some(0)), "{r}");
    let m = env.store().current_subscription(&customer).unwrap().unwrap();
    assert_eq!((m.row.status.as_str(), m.row.quantity), ("active", 3));
    let detail = shown(&env, "evt_stale_upd")["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("past_due is older than the last invoice event"), "{detail}");
    let (code, v) = verify(&env, &customer);
    assert_eq!((code, v["code"].as_str()), (0, Some("VALID")), "{v}");
}

/// Where only Stripe can decide and billctl has no key: nothing changes (never fails open),
/// the event fails as needing a refetch, ingest exits 1 and counts it; with the key,
/// `reprocess --failed --refetch` settles it from Stripe and counts the refetch.
#[test]
fn an_undecidable_event_without_a_key_changes_nothing_until_refetched() {
    let env = Env::with_catalog();
    let (customer, sub, t) = subscribed_at(&env, "nokey@example.com");
    let mut object = sub.clone();
    object["status"] = json!("past_due");
    // The same second as the mirror's row: which came first only Stripe knows.
    let tie = event("evt_tie", "customer.subscription.updated", t, object);
    let r = ingest(&env, &tie, false).code(1).json();
    assert_eq!((r["failed"].as_i64(), r["needs_refetch"].as_i64()), (Some(1), Some(1)), "{r}");
    let detail = shown(&env, "evt_tie")["detail"].as_str().unwrap().to_string();
    assert!(
        detail.starts_with("needs a refetch:") && detail.contains("nothing changed"),
        "{detail}"
    );
    let m = env.store().current_subscription(&customer).unwrap().unwrap();
    assert_eq!(m.row.status, "active", "a tie never moves access backwards");
    // Re-applied without a key: the same, and the human summary says what to run.
    let again = env.without_key().cmd("webhooks reprocess --failed").code(1);
    assert!(
        again.stderr.contains("1 event needs a refetch and changed nothing")
            && again.stderr.contains("webhooks reprocess --failed --refetch"),
        "{}",
        again.stderr
    );
    // With a key, the same event is settled by Stripe's object at once.
    let r = env.cmd("webhooks reprocess --failed --refetch --json").ok().json();
    assert_eq!((r["applied"].as_i64(), r["refetched"].as_i64()), (Some(1), Some(1)), "{r}");
    assert_eq!(shown(&env, "evt_tie")["status"], "applied");
    let m = env.store().current_subscription(&customer).unwrap().unwrap();
    assert_eq!(m.row.status, sim_sub(&env, sub["id"].as_str().unwrap())["status"]);
}

/// `webhooks listen` without a Stripe key: an event only Stripe could order changes nothing,
/// is recorded as failed, needing a refetch, and is counted in the receiver's metrics as a
/// deferred refetch.
#[test]
fn listen_without_a_key_never_fails_open_and_counts_the_deferred_refetch() {
    let env = Env::with_catalog();
    let (customer, sub, t) = subscribed_at(&env, "listen@example.com");
    let token =
        env.cmd("serve tokens issue --name prom --scope read").ok().stdout.trim().to_string();
    let secret = "whsec_order_test";
    let listen = "webhooks listen --bind 127.0.0.1:0 --json --secret-env WH";
    let mut child = env.without_key().with("WH", secret).spawn(listen);
    let url = common::tests2::listening(&mut child);
    let base = url.trim_end_matches("/stripe/webhooks").to_string();
    let mut object = sub.clone();
    object["status"] = json!("past_due");
    let body = event("evt_listen_tie", "customer.subscription.updated", t, object).to_string();
    let signature = stripe_sim::webhooks::signature_header(secret, t, body.as_bytes());
    let answer = common::tests2::post_signed(&url, &signature, body.as_bytes());
    assert_eq!(answer.status, 200, "{}", answer.body);
    let row = common::wait_for("the event to be applied", || {
        let (row, _) = env.events().event("evt_listen_tie").unwrap()?;
        (row.status != "pending").then_some(row)
    });
    assert_eq!(row.status, "failed", "{row:?}");
    assert!(row.detail.as_deref().unwrap_or_default().starts_with("needs a refetch:"), "{row:?}");
    let m = env.store().current_subscription(&customer).unwrap().unwrap();
    assert_eq!(m.row.status, "active", "never fails open");
    let metrics =
        common::http::exchange(&base, &common::http::raw("GET", "/metrics", Some(&token), None))
            .unwrap();
    assert_eq!(metrics.status, 200, "{}", metrics.body);
    let deferred = crate::serve::metric(
        &metrics.body,
        "billctl_webhooks_refetches_total{result=\"deferred\"}",
    );
    assert_eq!(deferred, 1.0);
    assert!(std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap()
        .success());
    assert_eq!(child.wait().unwrap().code(), Some(0));
}

/// A renewal declined at Stripe, of which the mirror learned only the subscription's
/// `past_due` (the `invoice.payment_failed` still on its way), then an `invoice.paid` of
/// another invoice of that subscription (a one-off, a proration): it cannot say the failing
/// renewal was paid. It used to move the mirror to active (the key valid again) while Stripe
/// stayed past_due; now it is settled by a refetch, or without a key changes nothing.
#[test]
fn a_paid_invoice_other_than_the_failing_renewal_never_reopens_access() {
    let env = Env::with_catalog();
    let (customer, sub, _) = subscribed_at(&env, "other-invoice@example.com");
    let sub_id = sub["id"].as_str().unwrap().to_string();
    env.sim.add_card(&customer, "pm_card_chargeCustomerFail").unwrap();
    let from = mark(&env);
    let end = sub["items"]["data"][0]["current_period_end"]
        .as_i64()
        .or(sub["current_period_end"].as_i64())
        .unwrap();
    env.sim.advance_clock(end - env.sim.now() + 3600).unwrap();
    env.set_now(env.sim.now());
    assert_eq!(sim_sub(&env, &sub_id)["status"], "past_due");
    let update = events_since(&env, from, &sub_id)
        .into_iter()
        .find(|e| {
            e["type"] == "customer.subscription.updated"
                && e["data"]["object"]["status"] == "past_due"
        })
        .expect("Stripe's past_due update");
    let r = ingest(&env, &update, true).ok().json();
    assert_eq!(r["applied"], 1, "{r}");
    let at = update["created"].as_i64().unwrap() + 60;
    let other = event(
        "evt_other_paid",
        "invoice.paid",
        at,
        json!({"id": "in_one_off", "object": "invoice", "status": "paid", "subscription": sub_id}),
    );

    // Without a key: nothing changes, and the event says why.
    let r = ingest(&env, &other, false).code(1).json();
    assert_eq!(r["needs_refetch"], 1, "{r}");
    let held = |env: &Env| env.store().subscription(&sub_id).unwrap().unwrap().status;
    assert_eq!(held(&env), "past_due");

    // With the key: the refetch writes what Stripe has.
    let r = env.cmd("webhooks reprocess --failed --refetch --json").json();
    assert_eq!(r["failed"], 0, "{r}");
    assert_eq!(
        (held(&env).as_str(), sim_sub(&env, &sub_id)["status"].as_str()),
        ("past_due", Some("past_due"))
    );
}

/// An ingested event from the future (a typo, a fixture, a forged file) would move its
/// subscription's clocks past every genuine event to come, which would then be ignored as
/// older, for good (a sync does not reset them): `ingest` refuses it, naming `created`, and
/// stores nothing; within a day of billctl's clock (skew) is accepted.
#[test]
fn ingest_refuses_an_event_from_the_future_and_stores_nothing() {
    let env = Env::with_catalog();
    let (customer, sub, t) = subscribed_at(&env, "future@example.com");
    let sub_id = sub["id"].as_str().unwrap();
    let invoice = |id: &str, status: &str| {
        json!({"id": id, "object": "invoice", "status": status, "subscription": sub_id,
               "attempt_count": 1})
    };
    let future = event(
        "evt_future_paid",
        "invoice.paid",
        t + 10 * 365 * 86_400,
        invoice("in_future", "paid"),
    );
    let r = ingest(&env, &future, false);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("evt_future_paid: created") && r.stderr.contains("nothing stored"),
        "{}",
        r.stderr
    );
    assert!(env.events().event("evt_future_paid").unwrap().is_none());

    // The genuine renewal failure a month on still applies.
    env.set_now(t + 31 * 86_400);
    let failed = event(
        "evt_renewal_failed",
        "invoice.payment_failed",
        t + 31 * 86_400,
        invoice("in_renewal", "open"),
    );
    let r = ingest(&env, &failed, false).ok().json();
    assert_eq!(r["applied"], 1, "{r}");
    let m = env.store().current_subscription(&customer).unwrap().unwrap();
    assert_eq!(m.row.status, "past_due");

    // Within the skew: accepted.
    let soon = event(
        "evt_soon",
        "customer.created",
        t + 31 * 86_400 + 3_600,
        json!({"id": customer, "object": "customer"}),
    );
    assert_eq!(ingest(&env, &soon, false).code, 0);
}

/// Events of another subscription of the same customer: a second subscription that never got
/// paid (`incomplete`, made in the Dashboard or by a failed Checkout) arrives after the active
/// one. Stripe still bills the active one, so the customer keeps its access; the newer
/// incomplete one used to decide access (it was "live" and newer) and the key was refused.
#[test]
fn a_newer_unpaid_subscription_of_the_same_customer_never_takes_away_a_paid_ones_access() {
    let env = Env::with_catalog();
    let (customer, sub, t) = subscribed_at(&env, "two-subs@example.com");
    let mut other = sub.clone();
    other["id"] = json!("sub_second_unpaid");
    other["status"] = json!("incomplete");
    other["created"] = json!(t + 60);
    if let Some(item) = other["items"]["data"][0].as_object_mut() {
        item.insert("id".into(), json!("si_second_unpaid"));
    }
    let created = event("evt_second_created", "customer.subscription.created", t + 60, other);
    let r = ingest(&env, &created, false).ok().json();
    assert_eq!(r["applied"], 1, "{r}");
    let current = env.store().current_subscription(&customer).unwrap().unwrap();
    assert_eq!(
        (current.row.id.as_str(), current.row.status.as_str()),
        (sub["id"].as_str().unwrap(), "active")
    );
    let (code, v) = verify(&env, &customer);
    assert_eq!((code, v["code"].as_str()), (0, Some("VALID")), "{v}");
}

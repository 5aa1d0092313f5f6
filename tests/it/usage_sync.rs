//! `usage sync` to Stripe meters (ledger, deltas, deterministic identifiers, faults, stale
//! pending events), `usage reconcile` against meter summaries, and `usage compact`.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it injects faults into the simulator and reads its meter state.

use crate::common;

use common::{event, metered_config, ndjson, now, Env, Event};
use serde_json::Value;
use std::collections::BTreeMap;
use stripe_sim::Fault;

const HOUR: i64 = 3600;
const DAY: i64 = 86_400;

struct Metered {
    env: Env,
    customers: Vec<String>,
}

/// Start of the UTC hour `hours_ago` hours before this one.
fn hour_ago(hours_ago: i64) -> i64 {
    (now() / HOUR - hours_ago) * HOUR
}

fn setup(customers: usize, extra_config: &str) -> Metered {
    let env = Env::new();
    env.use_config(&format!("{}\n{extra_config}", metered_config()));
    env.cmd("setup-products --yes -q").ok();
    let customers =
        (0..customers).map(|i| env.subscribed(&format!("c{i}@example.com"), "team")).collect();
    Metered { env, customers }
}

impl Metered {
    /// Imports `(id, customer, timestamp, quantity)` events.
    fn import(&self, events: &[(String, String, i64, i64)]) {
        let events: Vec<_> =
            events.iter().map(|(id, c, ts, q)| event(id, c).at(*ts).quantity(*q)).collect();
        let p = self.env.path("events.ndjson");
        std::fs::write(&p, ndjson(&events)).unwrap();
        self.env.cmd(format!("usage import {} -q", p.display())).ok();
    }

    /// The simulator's meter totals per customer.
    fn meter_totals(&self) -> BTreeMap<String, f64> {
        let mut out = BTreeMap::new();
        for e in &self.env.sim.state().meter_events {
            let c = e["payload"]["stripe_customer_id"].as_str().unwrap().to_string();
            let v: f64 = e["payload"]["value"].as_str().unwrap().parse().unwrap();
            *out.entry(c).or_default() += v;
        }
        out
    }

    fn meter_event_posts(&self) -> Vec<stripe_sim::LoggedRequest> {
        let requests = self.env.sim.requests().into_iter();
        requests.filter(|r| r.method == "POST" && r.path == "/v1/billing/meter_events").collect()
    }

    fn local_totals(&self) -> BTreeMap<String, f64> {
        self.customers
            .iter()
            .map(|c| (c.clone(), self.env.usage_total(c) as f64))
            .filter(|(_, v)| *v > 0.0)
            .collect()
    }

    fn sql(&self, q: &str) {
        self.env.exec(q, false);
    }
}

#[test]
fn sync_sends_one_event_per_customer_hour_then_only_new_usage() {
    let m = setup(2, "");
    let (c0, c1) = (m.customers[0].clone(), m.customers[1].clone());
    let (h1, h2) = (hour_ago(30), hour_ago(29));
    let ev = |id: &str, c: &str, ts: i64, q: i64| (id.to_string(), c.to_string(), ts, q);
    m.import(&[
        ev("a1", &c0, h1 + 5, 1),
        ev("a2", &c0, h1 + 100, 2),
        ev("a3", &c0, h1 + 3599, 3),
        ev("a4", &c0, h2, 5),
        ev("b1", &c1, h1 + 7, 10),
        ev("b2", &c1, h1 + 8, 1),
    ]);
    let out = m.env.cmd("usage sync --json").ok().json();
    assert_eq!(out["sent"], 3, "{out}");
    assert_eq!(out["quantity_sent"], 22);
    assert_eq!(out["failed"], 0);
    assert_eq!(out["pending"], 0);
    assert_eq!(m.meter_totals(), m.local_totals());
    {
        let st = m.env.sim.state();
        let mut ids: Vec<&str> =
            st.meter_events.iter().map(|e| e["identifier"].as_str().unwrap()).collect();
        ids.sort();
        let mut want = vec![
            format!("billctl-{c0}-{h1}-1"),
            format!("billctl-{c0}-{h2}-1"),
            format!("billctl-{c1}-{h1}-1"),
        ];
        want.sort();
        assert_eq!(ids, want, "identifiers are customer, hour and sequence");
        let first = format!("billctl-{c0}-{h1}-1");
        let e = st.meter_events.iter().find(|e| e["identifier"] == first.as_str()).unwrap();
        assert_eq!(e["payload"]["value"], "6");
        assert_eq!(e["timestamp"], h1);
        assert_eq!(e["event_name"], "api_calls");
    }

    // The re-run sends nothing: the ledger has it all.
    let posts = m.meter_event_posts().len();
    let again = m.env.cmd("usage sync --json").ok().json();
    assert_eq!(again["sent"], 0);
    assert_eq!(m.meter_event_posts().len(), posts);

    // A late event in an hour already sent goes out as the next sequence number, alone.
    m.import(&[ev("a5", &c0, h1 + 1800, 4)]);
    let late = m.env.cmd("usage sync --json").ok().json();
    assert_eq!(late["sent"], 1, "{late}");
    assert_eq!(late["quantity_sent"], 4);
    let second = format!("billctl-{c0}-{h1}-2");
    let st = m.env.sim.state();
    assert!(st
        .meter_events
        .iter()
        .any(|e| e["identifier"] == second.as_str() && e["payload"]["value"] == "4"));
    drop(st);
    assert_eq!(m.meter_totals(), m.local_totals());
    let ledger = m.env.store().ledger("api_calls", Some(&c0)).unwrap();
    assert_eq!(ledger.len(), 3);
    assert!(ledger.iter().all(|r| r.status == "sent"));

    // Reconcile agrees; usage not yet synced is a difference (exit 1) naming customer and day.
    m.env.cmd("usage reconcile").ok();
    m.import(&[ev("b3", &c1, h2 + 60, 7)]);
    let diff = m.env.cmd("usage reconcile --json").code(1).json();
    let d = &diff["differences"];
    assert_eq!(d.as_array().unwrap().len(), 1, "{diff}");
    assert_eq!(d[0]["customer_id"], c1.as_str());
    assert_eq!(d[0]["day"], (h2 + 60).div_euclid(86_400) * 86_400, "days are unix seconds");
    assert_eq!(d[0]["difference"], 7.0);
    m.env.cmd("usage sync -q").ok();
    m.env.cmd("usage reconcile").ok();
}

#[test]
fn dry_run_sends_and_records_nothing() {
    let m = setup(1, "");
    let c = m.customers[0].clone();
    m.import(&[("x1".into(), c.clone(), hour_ago(3), 9)]);
    let out = m.env.cmd("usage sync --dry-run --json").ok().json();
    assert_eq!(out["windows"], 1);
    assert_eq!(out["quantity_sent"], 9);
    assert!(m.meter_event_posts().is_empty());
    assert!(m.env.store().ledger("api_calls", None).unwrap().is_empty());
}

#[test]
fn faults_during_sync_still_give_exact_meter_totals_without_duplicate_identifiers() {
    // Enough attempts that every request gets through its share of faults in one run.
    let m = setup(6, "[stripe]\nmax_attempts = 10\n");
    let mut events = Vec::new();
    for (i, c) in m.customers.iter().enumerate() {
        for h in 0..5 {
            for k in 0..3 {
                events.push((format!("f{i}-{h}-{k}"), c.clone(), hour_ago(40 + h) + k * 60, 1 + k));
            }
        }
    }
    m.import(&events);
    let path = "/v1/billing/meter_events";
    for f in [
        Fault::server_error().times(3),
        Fault::rate_limited(Some(true)).times(3),
        Fault::drop_connection().times(3),
        Fault::drop_after_processing().times(3),
        Fault::server_error().times(2),
    ] {
        m.env.sim.inject(f.on("POST", path));
    }
    let out = m.env.cmd("usage sync --json --concurrency 4").ok().json();
    assert_eq!(out["sent"], 30, "{out}");
    assert_eq!(out["failed"], 0);
    assert_eq!(m.meter_totals(), m.local_totals());
    let posts = m.meter_event_posts();
    assert!(posts.iter().any(|r| r.fault.is_some()), "faults were injected");
    let rejected: Vec<_> = posts.iter().filter(|r| r.status == 400).map(|r| &r.params).collect();
    assert!(
        posts.iter().all(|r| r.status != 400),
        "no identifier rejected as a duplicate: {rejected:?}"
    );
    assert_eq!(m.env.sim.state().meter_events.len(), 30);
}

#[test]
fn a_lost_answer_stays_pending_and_the_next_run_resends_it_once() {
    let m = setup(1, "");
    let c = m.customers[0].clone();
    m.import(&[("p1".into(), c.clone(), hour_ago(5), 4)]);
    // Every attempt is processed but its answer lost: sync cannot know, so it fails (exit 1)
    // and keeps the event pending.
    m.env
        .sim
        .inject(Fault::drop_after_processing().times(4).on("POST", "/v1/billing/meter_events"));
    let out = m.env.cmd("usage sync --json").code(1).json();
    assert_eq!(out["failed"], 1);
    assert_eq!(out["pending"], 1);
    assert_eq!(m.env.sim.state().meter_events.len(), 1);
    // The re-run re-sends it under the same identifier and idempotency key: replayed, not
    // counted twice.
    let out = m.env.cmd("usage sync --json").ok().json();
    assert_eq!(out["sent"], 1);
    assert_eq!(m.env.sim.state().meter_events.len(), 1);
    assert_eq!(m.meter_totals(), m.local_totals());
    assert!(m.meter_event_posts().iter().all(|r| r.status != 400));
}

#[test]
fn pending_events_older_than_the_identifier_window_are_checked_against_the_meter() {
    let m = setup(2, "");
    let (c0, c1) = (m.customers[0].clone(), m.customers[1].clone());
    let h = hour_ago(30);
    m.import(&[("s1".into(), c0.clone(), h + 1, 5), ("s2".into(), c1.clone(), h + 1, 6)]);
    // The first event sent reaches Stripe but all its answers are lost; the second never
    // arrives.
    let path = "/v1/billing/meter_events";
    m.env.sim.inject(Fault::drop_after_processing().times(4).on("POST", path));
    m.env.sim.inject(Fault::drop_connection().times(4).on("POST", path));
    let out = m.env.cmd("usage sync --json --concurrency 1").code(1).json();
    assert_eq!(out["pending"], 2, "{out}");
    // Whichever was sent first reached Stripe (its answers lost); the other never did.
    let arrived = {
        let st = m.env.sim.state();
        assert_eq!(st.meter_events.len(), 1);
        st.meter_events[0]["payload"]["stripe_customer_id"].as_str().unwrap().to_string()
    };
    // A day passes: Stripe no longer deduplicates those identifiers (nor idempotency keys).
    m.sql(&format!("UPDATE meter_ledger SET created_at = created_at - {}", 25 * HOUR));
    {
        let mut st = m.env.sim.state();
        for e in st.meter_events.iter_mut() {
            let created = e["created"].as_i64().unwrap();
            e["created"] = Value::from(created - 25 * HOUR);
        }
        st.idempotency.clear();
    }
    let out = m.env.cmd("usage sync --json").ok().json();
    assert_eq!(out["resolved_stale"], 2, "{out}");
    assert_eq!(out["sent"], 1, "only the one Stripe never got is sent again");
    assert_eq!(m.meter_totals(), m.local_totals());
    let statuses = |c: &str| -> Vec<(String, i64)> {
        m.env
            .store()
            .ledger("api_calls", Some(c))
            .unwrap()
            .iter()
            .map(|r| (r.status.clone(), r.seq))
            .collect()
    };
    let (got, lost) = if arrived == c0 { (&c0, &c1) } else { (&c1, &c0) };
    assert_eq!(statuses(got), [("sent".to_string(), 1)]);
    assert_eq!(statuses(lost), [("failed".to_string(), 1), ("sent".to_string(), 2)]);
    m.env.cmd("usage reconcile").ok();
}

#[test]
fn sync_without_a_meter_explains_what_to_add() {
    let env = Env::with_catalog();
    let r = env.cmd("usage sync").code(2);
    assert!(r.stderr.contains("declares no [meter]"), "{}", r.stderr);
    let m = setup(0, "");
    m.env.sim.state().meters.clear();
    let r = m.env.cmd("usage sync").code(2);
    assert!(r.stderr.contains("no meter for event api_calls"), "{}", r.stderr);
    assert!(r.stderr.contains("setup-products"), "{}", r.stderr);
}

#[test]
fn compact_drops_old_raw_events_keeps_reports_exact_and_refuses_old_imports() {
    let m = setup(1, "");
    let c = m.customers[0].clone();
    let old_day = (now() / DAY - 50) * DAY;
    let mut events = Vec::new();
    for i in 0..40 {
        // Ten days of old usage, then a little recent usage.
        events.push((format!("o{i}"), c.clone(), old_day + (i % 10) * DAY + 3 * HOUR + i, 2));
    }
    events.push(("r1".into(), c.clone(), hour_ago(2), 7));
    m.import(&events);
    let from = old_day.to_string();
    let to = (old_day + 20 * DAY).to_string();
    let report =
        |m: &Metered| m.env.json(format!("usage report --customer {c} --from {from} --to {to}"));
    let before = report(&m);
    let day = billctl::domain::time::utc_date;
    // Inside the dedup window: refused, nothing dropped.
    let r = m.env.cmd(format!("usage compact --before {} --yes", day(now() - 10 * DAY))).code(2);
    assert!(r.stderr.contains("dedup window"), "{}", r.stderr);
    assert_eq!(m.env.store().raw_events_before(i64::MAX).unwrap(), 41);
    // Without --yes and without a terminal: refused.
    let cut = day(old_day + 5 * DAY);
    m.env.cmd(format!("usage compact --before {cut}")).code(2);
    assert_eq!(m.env.store().raw_events_before(i64::MAX).unwrap(), 41);
    let out = m.env.json(format!("usage compact --before {cut} --yes --batch-size 7"));
    assert_eq!(out["deleted"], 20, "{out}");
    assert_eq!(m.env.store().raw_events_before(i64::MAX).unwrap(), 21);
    assert_eq!(report(&m), before, "rollups keep the report exact");
    assert_eq!(m.env.store().integrity_check().unwrap(), "ok");
    // An old event can no longer be checked for duplicates: refused with its line number.
    let p = m.env.path("old.ndjson");
    std::fs::write(&p, ndjson(&[event("o3", &c).at(old_day + 3 * DAY + 3 * HOUR).quantity(2)]))
        .unwrap();
    let r = m.env.cmd(format!("usage import {}", p.display())).code(2);
    assert!(r.stderr.contains("old.ndjson:1:"), "{}", r.stderr);
    assert!(r.stderr.contains("compacted horizon"), "{}", r.stderr);
    assert_eq!(report(&m), before);
    let r = m.env.cmd("usage compact --before 2026-02-30 --yes").code(2);
    assert!(r.stderr.contains("--before"), "{}", r.stderr);
}

/// `--to` is exclusive: the same day for both is refused with exit 2, saying so and giving the
/// flags for that one day; nothing is asked of Stripe.
#[test]
fn reconcile_says_to_is_exclusive_when_the_range_is_empty() {
    let env = Env::new();
    let r = env.cmd("usage reconcile --from 2026-11-24 --to 2026-11-24").code(2);
    assert!(r.stderr.contains("(exclusive)"), "{}", r.stderr);
    assert!(r.stderr.contains("--from 2026-11-24 --to 2026-11-25"), "{}", r.stderr);
    assert_eq!(env.sim.requests().len(), 0);
}

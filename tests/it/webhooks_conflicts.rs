//! One event id with two bodies is a conflict, never a silent merge (issue 39): on every path
//! that stores events (one table, which fails when `src/` grows a storing path without a row),
//! the second body is kept apart and shown (`webhooks list --status conflict`, ingest's and
//! backfill's summaries with exit 1, listen's log and metrics); Stripe's copy from backfill
//! replaces a wrong stored body, is applied, and is what `replay` sends; the same body again
//! is a plain duplicate.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it plants events under the simulator's ids and has it deliver to a local receiver.

use crate::common;
use crate::webhooks_listen::{get_with, listen_env, listen_token, post, Listener, NEW, OLD};

use common::receiver::Receiver;
use common::tests3::{pick, str_at};
use common::{now, Env, Run};
use serde_json::{json, Value};
use std::path::Path;
use stripe_sim::webhooks::signature_header;

/// A storing path: the source word it stores events under, where in `src/` it builds or
/// stores them, and a scenario that gives it a second body for a stored id and checks what
/// it shows.
struct StoringPath {
    source: &'static str,
    files: &'static [&'static str],
    drive: fn(),
}

/// Every path that stores webhook events. `db copy` copies a whole store into an empty one
/// (conflicts included) and meets no stored id, so it has no row.
const PATHS: &[StoringPath] = &[
    StoringPath {
        source: "ingest",
        // `store_new` (ops/webhooks/mod.rs) is the storing step every path shares.
        files: &[
            "src/commands/webhooks/mod.rs",
            "src/ops/webhooks/intake.rs",
            "src/ops/webhooks/mod.rs",
        ],
        drive: via_ingest,
    },
    StoringPath {
        source: "listen",
        files: &["src/api/listen.rs", "src/ops/webhooks/listen.rs"],
        drive: via_listen,
    },
    StoringPath { source: "backfill", files: &["src/ops/webhooks/intake.rs"], drive: via_backfill },
];

/// The code of every `.rs` file under `src/`, its `#[cfg(test)]` module cut off.
fn src_files() -> Vec<(String, String)> {
    fn walk(dir: &Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap().to_string();
                let rel = p.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
                out.push((rel.display().to_string(), code));
            }
        }
    }
    let mut out = Vec::new();
    walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut out);
    out
}

/// The quoted word after each `marker` in `code` (`source: "listen"` gives `listen`).
fn quoted_after(code: &str, marker: &str) -> Vec<String> {
    code.match_indices(marker)
        .filter_map(|(i, _)| {
            let rest = code[i + marker.len()..].trim_start();
            let rest = rest.strip_prefix('"')?;
            Some(rest[..rest.find('"')?].to_string())
        })
        .collect()
}

/// The table is the class: the sources events are stored under in `src/` (an `Incoming`'s
/// `source`, the source `read_events` is given) are exactly the table's, every file that
/// stores events (`EventStore::store`, `store_new`) or builds an `Incoming` has a row, and
/// only the rule itself writes the `events` table.
#[test]
fn every_path_that_stores_events_has_a_row() {
    let mut sources = std::collections::BTreeSet::new();
    let mut storing = std::collections::BTreeSet::new();
    let mut writers = std::collections::BTreeSet::new();
    for (file, code) in src_files() {
        let words = quoted_after(&code, "source:");
        let read = code.match_indices("read_events(").filter_map(|(i, _)| {
            let call = &code[i..i + code[i..].find(')')?];
            Some(call.rsplit('"').nth(1)?.to_string())
        });
        sources.extend(words.into_iter().chain(read));
        let stores = [".store(&", "store_new(", "Incoming {", "read_events("];
        if stores.iter().any(|s| code.contains(s)) && !file.starts_with("src/adapters/store/") {
            storing.insert(file.clone());
        }
        let upper = code.to_uppercase();
        if upper.contains("INSERT INTO EVENTS ") || upper.contains("UPDATE EVENTS SET") {
            writers.insert(file);
        }
    }
    let rows: std::collections::BTreeSet<String> =
        PATHS.iter().map(|p| p.source.to_string()).collect();
    assert_eq!(sources, rows, "a storing source without a row in PATHS (or a row for none)");
    let files: std::collections::BTreeSet<String> =
        PATHS.iter().flat_map(|p| p.files.iter().map(|f| f.to_string())).collect();
    let unlisted: Vec<&String> = storing.difference(&files).collect();
    assert!(unlisted.is_empty(), "storing events without a row in PATHS: {unlisted:?}");
    let rule: std::collections::BTreeSet<String> = [
        "src/adapters/store/webhooks/arrival.rs".to_string(),
        "src/adapters/store/webhooks/mod.rs".to_string(),
    ]
    .into();
    assert_eq!(writers, rule, "events written outside the one rule");
}

/// One id, two bodies, on every storing path: see each row's scenario.
#[test]
fn one_id_with_two_bodies_is_a_conflict_on_every_storing_path() {
    for path in PATHS {
        eprintln!("storing path: {}", path.source);
        (path.drive)();
    }
}

/// An invoice event with this id, type and created (for an invoice the mirror does not know).
fn invoice_event(id: &str, kind: &str, created: i64) -> Value {
    json!({"id": id, "object": "event", "type": kind, "created": created, "livemode": false,
        "pending_webhooks": 1,
        "data": {"object": {"id": "in_conflict", "object": "invoice", "customer": "cus_conflict"}}})
}

/// Runs `line` with `vars` set.
fn run_with(env: &Env, vars: &[(&str, String)], line: &str) -> Run {
    common::run(env.command().envs(vars.iter().map(|(k, v)| (*k, v))).args(common::words(line)))
}

/// `webhooks ingest` of `body`, written to `name`, with `vars` set.
fn ingest(env: &Env, vars: &[(&str, String)], name: &str, body: &[u8], json: bool) -> Run {
    let file = env.write(name, body);
    run_with(env, vars, &format!("webhooks ingest {file} {}", if json { "--json" } else { "" }))
}

/// `webhooks list --status conflict --json` in the store `vars` point at.
fn conflicts(env: &Env, vars: &[(&str, String)]) -> Vec<Value> {
    let r = run_with(env, vars, "webhooks list --status conflict --json").ok();
    r.json().as_array().unwrap().clone()
}

/// ingest: the second body exits 1, is counted and named in the summary and listed, and the
/// stored event stays; the first body again, re-serialized, is a duplicate (exit 0).
fn via_ingest() {
    let env = Env::new();
    let t = now();
    let fake = invoice_event("evt_conflict_ingest", "invoice.payment_failed", t);
    let paid = invoice_event("evt_conflict_ingest", "invoice.paid", t);
    let first = ingest(&env, &[], "fake.json", &serde_json::to_vec(&fake).unwrap(), true);
    assert_ne!(first.code, 2, "{}", first.stderr);
    assert_eq!(first.json()["stored"], 1);

    let second = ingest(&env, &[], "paid.json", &serde_json::to_vec(&paid).unwrap(), true);
    assert_eq!(second.code, 1, "a conflict exits 1: {}", second.stderr);
    let v = second.json();
    assert_eq!((v["stored"].as_i64(), v["already_stored"].as_i64()), (Some(0), Some(0)));
    let found = v["conflicts"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{v}");
    let fields = ["event_id", "type", "stored_type", "replaced"];
    let want = json!(["evt_conflict_ingest", "invoice.paid", "invoice.payment_failed", false]);
    assert_eq!(pick(&found[0], &fields), want);
    let human = ingest(&env, &[], "paid.json", &serde_json::to_vec(&paid).unwrap(), false);
    assert_eq!(human.code, 1);
    assert!(human.stdout.contains("1 conflict;"), "{}", human.stdout);
    let said =
        human.stderr.contains("conflict: evt_conflict_ingest is stored as invoice.payment_failed");
    assert!(said, "{}", human.stderr);

    let listed = conflicts(&env, &[]);
    assert_eq!(listed.len(), 1, "the same second body is one record: {listed:?}");
    let c = &listed[0];
    let seen = pick(c, &["event_id", "type", "source", "resolution", "received"]);
    assert_eq!(seen, json!(["evt_conflict_ingest", "invoice.paid", "ingest", "kept_apart", 2]));
    let (row, _) = env.events().event("evt_conflict_ingest").unwrap().unwrap();
    assert_eq!(row.kind, "invoice.payment_failed", "the first body stays the stored event");

    // The first body again, pretty-printed: the same JSON, a duplicate.
    let again = ingest(&env, &[], "again.json", &serde_json::to_vec_pretty(&fake).unwrap(), true);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let v = again.json();
    let counts = (v["already_stored"].as_i64(), v["conflicts"].as_array().map(Vec::len));
    assert_eq!(counts, (Some(1), Some(0)));
    assert_eq!(conflicts(&env, &[]).len(), 1);

    // doctor warns of the conflicts of the last day.
    let r = env.cmd("doctor --json");
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let checks = r.json()["checks"].as_array().unwrap().clone();
    let deliveries = checks.iter().find(|c| c["name"] == "deliveries").unwrap();
    assert_eq!(deliveries["outcome"], "warn", "{deliveries}");
    let detail = deliveries["detail"].as_str().unwrap();
    assert!(detail.contains("conflicts, kept apart"), "{deliveries}");
}

/// listen: a second signed body is answered 200 (durably kept apart; a retry could only
/// conflict again), logged and counted by reason; the first body again is a duplicate; a
/// signed copy replaces an unverified ingested body and is applied.
fn via_listen() {
    let env = Env::with_catalog();
    let l = Listener::start(&env);
    let t = now();
    let body = |v: &Value| serde_json::to_vec(v).unwrap();
    let a = body(&invoice_event("evt_conflict_listen", "invoice.paid", t));
    let b = body(&invoice_event("evt_conflict_listen", "invoice.payment_failed", t));
    let send =
        |bytes: &[u8], secret: &str| post(&l.url, Some(&signature_header(secret, t, bytes)), bytes);
    assert_eq!(send(&a, NEW).0, 200);
    let (status, answer) = send(&b, NEW);
    assert_eq!(status, 200, "{answer}");
    let answer: Value = serde_json::from_str(&answer).unwrap();
    assert_eq!(pick(&answer, &["conflict", "duplicate"]), json!([true, false]));
    let (status, answer) = send(&a, OLD);
    assert_eq!(status, 200);
    let said = answer.contains("\"duplicate\":true") && answer.contains("\"conflict\":false");
    assert!(said, "{answer}");
    assert_eq!(send(&b, OLD).0, 200);

    // An unverified body ingested into the listener's store, then Stripe's signed copy.
    let vars: Vec<(&str, String)> = [("BILLCTL_DATA_DIR", l.data.display().to_string())]
        .into_iter()
        .chain(listen_env(&env))
        .collect();
    let fake = body(&invoice_event("evt_conflict_signed", "invoice.payment_failed", t));
    ingest(&env, &vars, "fake.json", &fake, true);
    let genuine = body(&invoice_event("evt_conflict_signed", "invoice.paid", t));
    assert_eq!(send(&genuine, NEW).0, 200);
    l.settled();

    let (row, stored) = l.events().event("evt_conflict_listen").unwrap().unwrap();
    assert_eq!((row.kind.as_str(), row.received), ("invoice.paid", 2));
    assert_eq!(stored, a);
    let (row, _) = l.events().event("evt_conflict_signed").unwrap().unwrap();
    assert_eq!((row.kind.as_str(), row.source.as_str()), ("invoice.paid", "listen"));
    assert_ne!(row.status, "pending", "the signed copy was applied");

    let read = listen_token(&env, "read");
    let (status, text) = get_with(&l.url, "/metrics", Some(&read));
    assert_eq!(status, 200, "{text}");
    let n = |s: &str| crate::serve::metric(&text, s);
    let conflicts_total = |r: &str| {
        n(&format!("billctl_webhooks_conflicts_total{{reason=\"type\",resolution=\"{r}\"}}"))
    };
    assert_eq!(conflicts_total("kept_apart"), 2.0);
    assert_eq!(conflicts_total("replaced"), 1.0);
    let deliveries = |o: &str, t: &str| {
        n(&format!("billctl_webhooks_deliveries_total{{outcome=\"{o}\",type=\"{t}\"}}"))
    };
    assert_eq!(deliveries("conflict", "invoice.payment_failed"), 2.0);
    assert_eq!(deliveries("duplicate", "invoice.paid"), 1.0);

    let listed = conflicts(&env, &vars);
    let kept: Vec<Value> =
        listed.iter().map(|c| pick(c, &["event_id", "source", "resolution", "received"])).collect();
    let want = json!([
        ["evt_conflict_listen", "listen", "kept_apart", 2],
        ["evt_conflict_signed", "ingest", "replaced", 1]
    ]);
    assert_eq!(Value::from(kept), want);

    let out = l.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert!(out.stderr.contains("3 conflicts"), "{}", out.stderr);
    let lines: Vec<Value> = out.stdout.lines().map(|x| serde_json::from_str(x).unwrap()).collect();
    let logged: Vec<&Value> = lines.iter().filter(|x| x["outcome"] == "conflict").collect();
    assert_eq!(logged.len(), 3, "{}", out.stdout);
    let reason =
        |x: &&Value| x["reason"].as_str().is_some_and(|r| r.starts_with("conflict: evt_conflict_"));
    assert!(logged.iter().all(reason), "{logged:?}");
}

/// The `invoice.paid` event of `customer`'s sign-up, in the simulator.
fn signup_paid(env: &Env, customer: &str) -> Value {
    let st = env.sim.state();
    let paid =
        |e: &&Value| e["type"] == "invoice.paid" && e["data"]["object"]["customer"] == customer;
    st.events.values().find(paid).expect("the sign-up's invoice.paid").clone()
}

/// backfill: a fake `invoice.payment_failed` stored first under the id of the genuine
/// `invoice.paid` is replaced by Stripe's copy, which is applied (the subscription ends as
/// Stripe has it) and is what `replay` sends; the fake is kept apart; a second backfill finds
/// nothing to do.
fn via_backfill() {
    let env = Env::with_catalog();
    // billctl's clock a minute behind the simulator's: the mirror the commands write is then
    // as of a moment before Stripe's events, however slowly the machine runs (at the wall
    // clock, a second boundary crossed between Stripe's event and the mirror's write made
    // Stripe's copy "older than the mirror" on a loaded machine).
    env.set_now(common::now() - 60);
    let customer = env.subscribed("conflict@example.com", "pro");
    let (paid, sub) = (signup_paid(&env, &customer), env.sub_of(&customer));
    let id = str_at(&paid, "/id");
    let mut fake = paid.clone();
    fake["type"] = json!("invoice.payment_failed");
    let invoice = &mut fake["data"]["object"];
    invoice["status"] = json!("open");
    invoice["paid"] = json!(false);
    invoice["attempt_count"] = json!(1);
    invoice["next_payment_attempt"] = json!(paid["created"].as_i64().unwrap() + 86_400);
    ingest(&env, &[], "fake.json", &serde_json::to_vec(&fake).unwrap(), true);
    // Whether the fake moved the mirror is the event-order rules' business
    // (webhooks_order.rs); here it is stored under the genuine event's id, which is what
    // backfill must find and undo.
    let stored = env.cmd(format!("webhooks show {id} --json"));
    assert_eq!(stored.code, 0, "{}", stored.stderr);
    assert_eq!(stored.json()["type"], "invoice.payment_failed", "{}", stored.stdout);

    let r = env.cmd("webhooks backfill --since 1h --json");
    assert_eq!(r.code, 1, "a conflict exits 1: {}", r.stderr);
    let v = r.json();
    let found = v["conflicts"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{v}");
    let c = &found[0];
    let seen = pick(c, &["event_id", "type", "stored_type", "stored_source", "replaced"]);
    assert_eq!(seen, json!([id, "invoice.paid", "invoice.payment_failed", "ingest", true]));
    assert_eq!(v["failed"], 0, "{v}");

    let (row, body) = env.events().event(&id).unwrap().unwrap();
    assert_eq!(row.status, "applied", "Stripe's copy was applied: {:?}", row.detail);
    assert_eq!((row.kind.as_str(), row.source.as_str()), ("invoice.paid", "backfill"));
    assert_eq!(serde_json::from_slice::<Value>(&body).unwrap(), env.sim.state().events[&id]);
    let listed = conflicts(&env, &[]);
    assert_eq!(listed.len(), 1);
    let c = &listed[0];
    let seen = pick(c, &["type", "source", "resolution", "found_by"]);
    assert_eq!(seen, json!(["invoice.payment_failed", "ingest", "replaced", "backfill"]));
    let mirror = env.store().subscription(&sub).unwrap().unwrap();
    let stripe_status = str_at(&env.sim.state().subscriptions[&sub], "/status");
    assert_eq!((mirror.status.as_str(), stripe_status.as_str()), ("active", "active"));

    // replay sends Stripe's copy.
    let recv = Receiver::start(true);
    let replay = format!("webhooks replay {id} --to {} --secret-env WH_APP --json", recv.url);
    let out = env.cmd_vars(&[("WH_APP", &NEW)], replay);
    assert_eq!(out.code, 0, "{}", out.stderr);
    let got = recv.received();
    assert_eq!(got.len(), 1);
    let sent: Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(sent, env.sim.state().events[&id], "replay sends Stripe's copy");

    // Again: Stripe's copy is stored, nothing differs.
    let r = env.cmd("webhooks backfill --since 1h --json");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = r.json();
    let counts = (v["stored"].as_i64(), v["conflicts"].as_array().map(Vec::len));
    assert_eq!(counts, (Some(0), Some(0)));
    assert_eq!(v["already_stored"], v["listed"]);
    assert_eq!(conflicts(&env, &[]).len(), 1);
}

/// backfill killed after Stripe's copy replaced a stored fake (committed) and before it was
/// applied: nothing is half-written (the fake is kept apart, Stripe's copy stored, pending),
/// and running backfill again applies Stripe's copy instead of counting it "already stored".
#[test]
fn a_backfill_killed_before_applying_stripe_s_copy_applies_it_when_run_again() {
    let env = Env::with_catalog();
    let customer = env.subscribed("killed@example.com", "pro");
    let paid = signup_paid(&env, &customer);
    let id = str_at(&paid, "/id");
    let mut fake = paid.clone();
    fake["type"] = json!("invoice.payment_failed");
    fake["data"]["object"]["status"] = json!("open");
    ingest(&env, &[], "fake.json", &serde_json::to_vec(&fake).unwrap(), true);

    let fault = [("BILLCTL_TEST_FAULT", "webhooks.stored@1".to_string())];
    let killed = run_with(&env, &fault, "webhooks backfill --since 1h --json");
    assert_ne!(killed.code, 0, "the fault point aborts: {}", killed.stderr);
    let (row, _) = env.events().event(&id).unwrap().unwrap();
    let stored = (row.kind.as_str(), row.status.as_str());
    assert_eq!(stored, ("invoice.paid", "pending"), "Stripe's copy stored, not yet applied");
    assert_eq!(conflicts(&env, &[]).len(), 1, "the fake is kept apart");

    let r = env.cmd("webhooks backfill --since 1h --json");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let (row, _) = env.events().event(&id).unwrap().unwrap();
    // Applied, or ignored by the event-order rules (the sign-up's later events may be newer):
    // either way decided, no longer pending.
    let (status, detail) = (&row.status, &row.detail);
    let decided = ["applied", "ignored"].contains(&status.as_str());
    assert!(
        decided,
        "the second run applies what the first stored: {status} {detail:?} {}",
        r.stdout
    );
    let v = r.json();
    assert_eq!(v["failed"], 0, "{v}");
    assert!(v["applied"].as_u64().unwrap() + v["ignored"].as_u64().unwrap() >= 1, "{v}");
}

//! Every route usage comes in by, in one table: an exact repeat is a duplicate (a success,
//! counted as one), a repeat of an identity (source and id) with other content is a conflict
//! (counted in the answer where its format allows, in serve's metrics by route, stored and
//! listed by `usage conflicts`), and the first event stays. The table fails when a route or a
//! door that writes usage appears in `src/` without a row. Also: collisions across routes, and
//! OpenMeter's identity (two sources, one id: two events).
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it plants subscriptions through the simulator's controls.

use crate::common::{self, http, Env};
use crate::serve::{metric, token, Serve};
use billctl::domain::usage::Route;
use serde_json::{json, Value};

/// What a route's answer said an event did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Did {
    Inserted,
    Duplicate,
    Conflict,
}

/// One customer with a key, a serve with a token for usage, verify and metrics, and a time.
struct World {
    env: Env,
    customer: String,
    key: String,
    key_id: String,
    serve: Serve,
    token: String,
    at: i64,
}

fn world() -> World {
    let env = Env::with_catalog();
    let customer = env.subscribed("routes@example.com", "pro");
    let key = crate::serve::key(&env, &customer);
    let key_id = common::key_id(&key);
    let token = token(&env, "routes", "usage,verify,read");
    let serve = Serve::start(&env, &[]);
    World { env, customer, key, key_id, serve, token, at: common::now() - 3600 }
}

impl World {
    fn line(&self, id: &str, quantity: i64) -> Value {
        json!({"id": id, "key": self.key_id, "timestamp": self.at, "quantity": quantity})
    }

    fn metrics(&self) -> String {
        self.serve.get("/metrics", &self.token).body
    }

    fn conflicts_metric(&self, route: Route) -> f64 {
        let series = format!("billctl_usage_conflicts_total{{route=\"{}\"}}", route.as_str());
        metric(&self.metrics(), &series)
    }

    /// Stored events under an identity, and their total quantity.
    fn stored(&self, source: &str, id: &str) -> (i64, i64) {
        let q = |what: &str| {
            self.env.count(
                &format!("SELECT {what} FROM usage_events WHERE source = '{source}' AND event_id = '{id}'"),
                false,
            )
        };
        (q("count(*)"), q("CAST(coalesce(sum(quantity), 0) AS BIGINT)"))
    }

    fn all_events(&self) -> i64 {
        self.env.count("SELECT count(*) FROM usage_events", false)
    }
}

/// `usage import` of one NDJSON line: exit 0 inserted or duplicate, exit 1 on a conflict.
fn by_import(w: &World, id: &str, quantity: i64) -> Did {
    let p = w.env.file(&format!("{id}-{quantity}.ndjson"), format!("{}\n", w.line(id, quantity)));
    let r = w.env.cmd(format!("usage import {} --json", p.display()));
    let j = r.json();
    match (r.code, j["inserted"].as_i64(), j["duplicates"].as_i64(), j["conflicts"].as_i64()) {
        (0, Some(1), Some(0), Some(0)) => Did::Inserted,
        (0, Some(0), Some(1), Some(0)) => Did::Duplicate,
        (1, Some(0), Some(0), Some(1)) => Did::Conflict,
        other => panic!("usage import answered {other:?}: {j}\n{}", r.stderr),
    }
}

/// `usage record`: exit 0 inserted or duplicate; a conflict says so and exits 1.
fn by_record(w: &World, id: &str, quantity: i64) -> Did {
    let (q, at) = (quantity.to_string(), w.at.to_string());
    let r = w
        .env
        .cmd(format!("usage record --key {} --id {id} --quantity {q} --at {at} --json", w.key_id));
    let j = r.json();
    match (r.code, j["inserted"].as_bool(), j["duplicate"].as_bool()) {
        (0, Some(true), Some(false)) => Did::Inserted,
        (0, Some(false), Some(true)) => Did::Duplicate,
        (1, Some(false), Some(false)) => {
            assert_eq!(j["conflict"]["kept"]["quantity"], 2, "{j}");
            assert_eq!(j["conflict"]["dropped"]["quantity"], quantity, "{j}");
            Did::Conflict
        }
        other => panic!("usage record answered {other:?}: {j}\n{}", r.stderr),
    }
}

/// serve's `POST /v1/usage/events`: 200 with the counts.
fn by_events(w: &World, id: &str, quantity: i64) -> Did {
    let a = w.serve.post("/v1/usage/events", &w.token, &json!([w.line(id, quantity)]));
    assert_eq!(a.status, 200, "{}", a.body);
    let j = a.json();
    match (j["inserted"].as_i64(), j["duplicates"].as_i64(), j["conflicts"].as_i64()) {
        (Some(1), Some(0), Some(0)) => Did::Inserted,
        (Some(0), Some(1), Some(0)) => Did::Duplicate,
        (Some(0), Some(0), Some(1)) => Did::Conflict,
        other => panic!("/v1/usage/events answered {other:?}: {j}"),
    }
}

/// serve's `POST /api/v1/events`: 204 whatever happened (OpenMeter's answer has no body), so
/// what it did is read from the store and the conflict counter.
fn by_cloudevents(w: &World, id: &str, quantity: i64) -> Did {
    let ev = json!({"specversion": "1.0", "id": id, "source": "table", "type": "request",
        "subject": w.customer, "time": billctl::domain::time::rfc3339(w.at), "data": {}});
    let (events, conflicts) = (w.all_events(), w.conflicts_metric(Route::CloudEvents));
    // Quantity 1 per event without [usage] value_property: the type carries the difference.
    let ev = if quantity == 2 {
        ev
    } else {
        let mut e = ev;
        e["type"] = json!(format!("request-{quantity}"));
        e
    };
    let a = w.serve.post("/api/v1/events", &w.token, &ev);
    assert_eq!(a.status, 204, "{}", a.body);
    let (now_events, now_conflicts) = (w.all_events(), w.conflicts_metric(Route::CloudEvents));
    match (now_events - events, now_conflicts - conflicts) {
        (1, 0.0) => Did::Inserted,
        (0, 0.0) => Did::Duplicate,
        (0, 1.0) => Did::Conflict,
        other => panic!("/api/v1/events did {other:?}"),
    }
}

/// A call recorded by key verification: the verifier makes each call's id, so a call is never
/// a repeat of another (two identical calls are two calls).
fn by_verify(w: &World, _id: &str, quantity: i64) -> Did {
    let before = w.all_events();
    let a = w.serve.verify(&w.token, &w.key, Some(quantity));
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(a.json()["valid"], true, "{}", a.body);
    assert_eq!(w.all_events(), before + 1);
    Did::Inserted
}

type Sender = fn(&World, &str, i64) -> Did;

/// One row per route: how to send an event by it, the identity's source there, and what its
/// answer says of a first event, an exact repeat, and a repeat with other content.
const TABLE: &[(Route, Sender, &str, [Did; 3])] = &[
    (Route::Import, by_import, "", [Did::Inserted, Did::Duplicate, Did::Conflict]),
    (Route::Record, by_record, "", [Did::Inserted, Did::Duplicate, Did::Conflict]),
    (Route::Events, by_events, "", [Did::Inserted, Did::Duplicate, Did::Conflict]),
    (Route::CloudEvents, by_cloudevents, "table", [Did::Inserted, Did::Duplicate, Did::Conflict]),
    (Route::Verify, by_verify, "", [Did::Inserted, Did::Inserted, Did::Inserted]),
];

/// The doors in `src/` that write usage events, and the routes each names: a new file that
/// calls the store's usage writes, or the import workflow, needs a row here and in [`TABLE`].
/// `store/usage/` is the store itself; `store/copy.rs` copies a whole store into an empty
/// one (`db copy`, verified by counts), where no identity can collide.
const DOORS: &[(&str, &[Route])] = &[
    ("src/adapters/store/usage/mod.rs", &[]),
    ("src/adapters/store/usage/write.rs", &[]),
    ("src/adapters/store/usage/calls.rs", &[Route::Verify]),
    // A group of recorded calls on Postgres, in one statement per table.
    ("src/adapters/store/usage/group.rs", &[Route::Verify]),
    ("src/ops/usage/import/record.rs", &[Route::Record]),
    // Commits the import's batches under the route its caller gave.
    ("src/ops/usage/import/writers.rs", &[]),
    ("src/commands/usage/import.rs", &[Route::Import]),
    // Dispatches `usage import` to the command in import.rs (`import::import(ctx, ..)`).
    ("src/commands/usage/mod.rs", &[]),
    ("src/ops/serve/events.rs", &[]),
    ("src/api/events.rs", &[Route::Events]),
    ("src/api/cloudevents.rs", &[Route::CloudEvents]),
    ("src/ops/verifier/mod.rs", &[]),
];

/// What writes usage: the store's entry points, the import workflow and the serve recorders.
const WRITES: &[&str] = &[
    "record_usage(",
    "record_usage_checked(",
    "record_within_many(",
    "insert_usage(",
    "copy_usage(",
    "import::import(",
    "events::record(",
    "cloudevents::record(",
    "INTO usage_events",
    "COPY usage_events",
];

fn rust_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The class is closed: every route has a row, and every file of `src/` that writes usage
/// (outside its unit tests) is a known door naming its routes.
#[test]
fn every_usage_route_and_door_has_a_row() {
    let rows: Vec<Route> = TABLE.iter().map(|r| r.0).collect();
    for r in Route::ALL {
        assert!(rows.contains(&r), "route {:?} has no row in TABLE", r.as_str());
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let mut named = Vec::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        // Unit tests sit at the end of a file, behind `#[cfg(test)]`.
        let code = text.split("#[cfg(test)]").next().unwrap();
        let rel = f.strip_prefix(root).unwrap().to_str().unwrap().to_string();
        if !WRITES.iter().any(|w| code.contains(w)) || rel == "src/adapters/store/copy.rs" {
            continue;
        }
        let Some((_, routes)) = DOORS.iter().find(|(p, _)| *p == rel) else {
            panic!("{rel} writes usage events but is not in DOORS: add it, and a TABLE row for its route");
        };
        for r in *routes {
            let variant = format!("Route::{r:?}");
            assert!(code.contains(&variant), "{rel} is listed with {variant} but does not name it");
            named.push(*r);
        }
    }
    for r in Route::ALL {
        assert!(named.contains(&r), "no door in src/ names route {:?}", r.as_str());
    }
}

/// Each route, first event, exact repeat, repeat with other content, and that repeat again:
/// the answers say inserted, duplicate, conflict, conflict; the first event stays; the conflict
/// is listed once with the route and seen twice; serve counts its routes' conflicts.
#[test]
fn every_usage_route_tells_a_duplicate_from_a_conflict() {
    let w = world();
    for (n, (route, send, source, want)) in TABLE.iter().enumerate() {
        let id = format!("row-{n}");
        let other = if *route == Route::CloudEvents { 3 } else { 5 };
        let did = [send(&w, &id, 2), send(&w, &id, 2), send(&w, &id, other)];
        assert_eq!(&did, want, "route {}", route.as_str());
        if want[2] != Did::Conflict {
            continue;
        }
        assert_eq!(send(&w, &id, other), Did::Conflict, "route {}", route.as_str());
        // A CloudEvent counts 1 without [usage] value_property.
        let kept_q = if *route == Route::CloudEvents { 1 } else { 2 };
        assert_eq!(w.stored(source, &id), (1, kept_q), "route {}: the first stays", route.as_str());
        let r = w.env.cmd(format!("usage conflicts --id {id} --json")).code(1);
        let j = r.json();
        assert_eq!(j["total"], 1, "one row for a retried conflict: {j}");
        let c = &j["conflicts"][0];
        assert_eq!(c["route"], route.as_str(), "{j}");
        assert_eq!((c["source"].as_str(), c["seen"].as_i64()), (Some(*source), Some(2)), "{j}");
        assert_eq!(c["kept"]["customer_id"], w.customer.as_str());
        assert_eq!(c["offered"]["ts"], w.at);
        if *route == Route::CloudEvents {
            assert_eq!(c["offered"]["event_type"], "request-3", "{j}");
            assert_eq!(c["kept"]["event_type"], "request", "{j}");
        } else {
            assert_eq!(
                (c["kept"]["quantity"].as_i64(), c["offered"]["quantity"].as_i64()),
                (Some(2), Some(5))
            );
        }
        if [Route::Events, Route::CloudEvents].contains(route) {
            assert_eq!(w.conflicts_metric(*route), 2.0, "route {}", route.as_str());
        }
    }
    // The listing's filters, and the human table.
    let r = w.env.cmd("usage conflicts --route 'usage record' --json").code(1);
    assert_eq!(r.json()["total"], 1);
    let none = w.env.cmd("usage conflicts --customer cus_nobody").ok();
    assert!(none.stderr.contains("No usage conflicts."), "{}", none.stderr);
    let r = w.env.cmd("usage conflicts --source table --since 1d").code(1);
    assert!(r.stdout.contains("/api/v1/events") && r.stdout.contains("row-3"), "{}", r.stdout);
    // The empty source is a source: the events that name none.
    let r = w.env.cmd("usage conflicts --source '' --json").code(1);
    assert_eq!(r.json()["total"], 3, "import, record and /v1/usage/events");
    let bad = w.env.cmd("usage conflicts --route nowhere").code(2);
    assert!(bad.stderr.contains("--route"), "{}", bad.stderr);
    assert_eq!(w.env.cmd("usage conflicts --json").code(1).json()["total"], 4);
}

/// An identity is one across routes: a repeat by another route is a duplicate if it says the
/// same, a conflict (on the later route) if not; an import line with a source meets the
/// CloudEvent of that source and id.
#[test]
fn a_collision_across_routes_is_a_conflict_on_the_later_route() {
    let w = world();
    let (at, q) = (w.at.to_string(), "2".to_string());
    w.env.cmd(format!("usage record --key {} --id x-1 --quantity {q} --at {at}", w.key_id)).ok();
    assert_eq!(by_events(&w, "x-1", 2), Did::Duplicate);
    assert_eq!(by_import(&w, "x-1", 9), Did::Conflict);
    // `usage record` of the id with another quantity says conflict, not "already recorded".
    let record = format!("usage record --key {} --id x-1", w.key_id);
    let human = w.env.cmd(format!("{record} --quantity 7 --at {at}")).code(1);
    assert!(
        human.stderr.contains("conflict: event x-1 was already recorded with other content")
            && human.stderr.contains("quantity 7")
            && !human.stderr.contains("counted once"),
        "{}",
        human.stderr
    );
    // Another time is other content too.
    let mut later = w.line("x-1", 2);
    later["timestamp"] = json!(w.at + 1);
    let a = w.serve.post("/v1/usage/events", &w.token, &json!([later]));
    assert_eq!(a.json()["conflicts"], 1, "{}", a.body);
    assert_eq!(w.stored("", "x-1"), (1, 2));

    let ev = json!({"specversion": "1.0", "id": "c-1", "source": "api-eu", "type": "request",
        "subject": w.customer, "time": billctl::domain::time::rfc3339(w.at)});
    assert_eq!(w.serve.post("/api/v1/events", &w.token, &ev).status, 204);
    let import = |line: Value| {
        let p = w.env.file("c.ndjson", format!("{line}\n"));
        w.env.cmd(format!("usage import {} --json", p.display()))
    };
    let same = json!({"id": "c-1", "source": "api-eu", "type": "request", "customer": w.customer, "timestamp": w.at, "quantity": 1});
    assert_eq!(import(same.clone()).ok().json()["duplicates"], 1);
    let mut other = same;
    other["type"] = json!("tokens");
    assert_eq!(import(other).code(1).json()["conflicts"], 1);
    let j = w.env.cmd("usage conflicts --source api-eu --json").code(1).json();
    assert_eq!(
        (j["total"].as_i64(), j["conflicts"][0]["route"].as_str()),
        (Some(1), Some("usage import"))
    );
    assert_eq!(w.stored("api-eu", "c-1"), (1, 1));
}

/// CloudEvents 1.0 makes only source plus id unique, and OpenMeter deduplicates on the pair:
/// two producers sending `evt-1` are two events (both answered 204), and each one's resend is
/// a duplicate.
#[test]
fn two_sources_with_one_id_are_two_cloudevents() {
    let w = world();
    let send = |source: &str, subject: &str| {
        let body = json!({"specversion": "1.0", "id": "evt-1", "source": source, "type": "request",
            "subject": subject, "time": billctl::domain::time::rfc3339(w.at)});
        let raw = String::from_utf8(http::raw(
            "POST",
            "/api/v1/events",
            Some(&w.token),
            Some(body.to_string().as_bytes()),
        ))
        .unwrap()
        .replace("application/json", "application/cloudevents+json");
        http::exchange(&w.serve.url, raw.as_bytes()).unwrap().status
    };
    assert_eq!(send("api-eu", &w.customer), 204);
    assert_eq!(send("api-us", &w.key_id), 204);
    assert_eq!(send("api-eu", &w.customer), 204);
    assert_eq!((w.stored("api-eu", "evt-1"), w.stored("api-us", "evt-1")), ((1, 1), (1, 1)));
    assert_eq!(w.conflicts_metric(Route::CloudEvents), 0.0);
    assert_eq!(w.env.usage_total(&w.customer), 2);
}

/// Every route an event's id comes by from outside refuses an id both stores cannot keep
/// alike (issue 45's review: on Postgres a NUL or an id past its index's 2,704 bytes failed
/// the whole batch with 503, while SQLite stored it): a NUL, and more than 256 bytes. The
/// store is unchanged; an id of exactly 256 bytes is taken. `usage record` takes its id in
/// argv, where no NUL can be. A route without a row here fails
/// `every_usage_route_and_door_has_a_row` (its table) first; this table names the same routes.
#[test]
fn every_route_refuses_ids_the_store_cannot_keep() {
    let w = world();
    let long = "x".repeat(257);
    let fits = "y".repeat(256);
    let import = |id: &str| -> bool {
        let p = w.env.file("ids.ndjson", format!("{}\n", w.line(id, 1)));
        w.env.cmd(format!("usage import {} --json", p.display())).code == 0
    };
    let record = |id: &str| -> bool {
        let r = w.env.cmd(format!("usage record --key {} --id {id} --at {}", w.key_id, w.at));
        assert!(r.code == 0 || r.stderr.contains("--id: "), "{}", r.stderr);
        r.code == 0
    };
    let events = |id: &str| -> bool {
        let a = w.serve.post("/v1/usage/events", &w.token, &json!([w.line(id, 1)]));
        assert!(a.status == 200 || a.status == 400, "{} {}", a.status, a.body);
        a.status == 200
    };
    let cloud = |id: &str| -> bool {
        let ev = json!({"specversion": "1.0", "id": id, "source": "ids", "type": "request",
            "subject": w.customer, "time": billctl::domain::time::rfc3339(w.at), "data": {}});
        let a = w.serve.post("/api/v1/events", &w.token, &ev);
        assert!(a.status == 204 || a.body.contains("id: "), "{} {}", a.status, a.body);
        a.status == 204
    };
    // A route, how to send one id by it (true: taken), and whether a NUL can be sent.
    type Row<'a> = (Route, &'a dyn Fn(&str) -> bool, bool);
    let routes: [Row; 4] = [
        (Route::Import, &import, true),
        (Route::Record, &record, false),
        (Route::Events, &events, true),
        (Route::CloudEvents, &cloud, true),
    ];
    for (n, (route, send, nul)) in routes.into_iter().enumerate() {
        let (before, tag) = (w.all_events(), format!("r{n}-"));
        let mut bad = vec![format!("{tag}{long}")];
        if nul {
            bad.push(format!("{tag}a\u{0}b"));
        }
        for id in &bad {
            assert!(!send(id), "{route:?} took an id of {} bytes: {:?}", id.len(), &id[..8]);
            assert_eq!(w.all_events(), before, "{route:?} stored nothing");
        }
        let ok = format!("{tag}{}", &fits[tag.len()..]);
        assert_eq!(ok.len(), 256);
        assert!(send(&ok), "{route:?} refused an id of 256 bytes");
        assert_eq!(w.all_events(), before + 1);
    }
    // A CloudEvent's subject becomes the event's customer or key: its refusal names it.
    let ev = json!({"specversion": "1.0", "id": "subject-long", "source": "ids", "type": "request",
        "subject": format!("cus_{long}"), "time": billctl::domain::time::rfc3339(w.at), "data": {}});
    let a = w.serve.post("/api/v1/events", &w.token, &ev);
    assert!(a.status == 400 && a.body.contains("subject: 261 bytes"), "{} {}", a.status, a.body);
}

//! The Postgres store (issue 19, in part): URLs without secrets in argv or the config, `db
//! migrate` under an advisory lock from several processes at once, and `db copy` from a SQLite
//! store into an empty Postgres database and back, verified by counts and sums. Runs against a
//! throwaway cluster (tests/common/pg.rs); skipped, with a note, where Postgres is not
//! installed, unless BILLCTL_REQUIRE_POSTGRES is set.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it tests the store only; the default run covers it.

use crate::common;

use billctl::adapters::store::UsageEvent;
use common::tests2::{finish, pg_one};
use common::{event, Env, Event};

/// An API key row for `customer` (a placeholder hash), for store-level tests that need a key's
/// customer without issuing one.
fn plant_key(client: &mut postgres::Client, id: &str, customer: &str) {
    client
        .execute(
            "INSERT INTO api_keys (id, hash, mode, customer_id, created_at, created_by) VALUES ($1, '\\x00', 'test', $2, 0, 'test')",
            &[&id, &customer],
        )
        .unwrap();
}

/// A store with something in every kind of table: the catalog, a customer and subscription,
/// two keys, usage (events and rollups), audit rows, and a stored webhook event.
fn populated() -> Env {
    let env = Env::with_catalog();
    let customer = env.subscribed("pg@example.com", "pro");
    for _ in 0..2 {
        env.cmd(format!("keys issue --customer {customer} -q")).ok();
    }
    let keys = env.cmd("keys list --json").ok().json();
    let key_id = keys[0]["id"].as_str().unwrap().to_string();
    let now = common::now();
    let mut lines = String::new();
    for i in 0..500 {
        lines.push_str(&format!(
            "{{\"id\":\"pg-{i}\",\"key\":\"{key_id}\",\"timestamp\":{},\"quantity\":{},\"meta\":{{\"tab\":\"a\\tb\",\"nl\":\"x\\ny\",\"bs\":\"c\\\\d\"}}}}\n",
            now - 3 * 86_400 + i * 97,
            1 + i % 7
        ));
    }
    let file = env.file("u.ndjson", lines);
    env.cmd(format!("usage import {} -q", file.display())).ok();
    let event = common::tests2::customer_updated("evt_pg1")
        .replace(r#""object":"customer""#, r#""object":"customer","name":"tab\there""#);
    let event = env.file("evt.json", event);
    env.cmd(format!("webhooks ingest {} -q", event.display()));
    env
}

/// Row counts of every table in both files, from `db status`.
fn counts(env: &Env, data_dir: &std::path::Path) -> serde_json::Value {
    let s = env.cmd(format!("--data-dir {} db status --json", data_dir.display())).ok().json();
    serde_json::json!({"main": s["tables"], "webhooks": s["webhooks"]["tables"]})
}

#[test]
fn db_copy_goes_to_postgres_and_back_exactly() {
    // Runs in the SQLite pass: it copies from a SQLite store and sets its own URLs.
    if common::on_postgres() {
        return;
    }
    let Some(pg) = common::pg::cluster() else {
        return;
    };
    let url = pg.fresh_db();
    let env = populated();
    let before = counts(&env, &env.data_dir());
    assert_eq!(before["main"]["usage_events"], 500);
    assert!(before["main"]["audit"].as_i64().unwrap() >= 2);

    let out = env.cmd(format!("db copy --to {url} --json")).ok().json();
    assert_eq!(out["verified"], true);
    let mut client = pg.client(&url);
    let n: i64 = pg_one(&mut client, "SELECT count(*) FROM usage_events", &[]);
    let sum: i64 = pg_one(&mut client, "SELECT sum(quantity)::bigint FROM usage_events", &[]);
    let want: i64 = (0..500).map(|i| 1 + i % 7).sum();
    assert_eq!((n, sum), (500, want));
    let meta: String =
        pg_one(&mut client, "SELECT meta FROM usage_events WHERE event_id = 'pg-0'", &[]);
    assert!(meta.contains("a\\tb") && meta.contains("c\\\\d"), "{meta}");
    let body: Vec<u8> = pg_one(&mut client, "SELECT body FROM events WHERE id = 'evt_pg1'", &[]);
    assert!(String::from_utf8(body).unwrap().contains("tab\\there"));

    // A second copy into the now non-empty database is refused and changes nothing.
    let r = env.cmd(format!("db copy --to {url}")).code(2);
    assert!(r.stderr.contains("not empty"), "{}", r.stderr);
    assert_eq!(pg_one::<i64>(&mut client, "SELECT count(*) FROM usage_events", &[]), 500);

    // Back into a fresh SQLite data dir: every table's rows, and the store works.
    let back = env.path("back");
    let out =
        env.cmd(format!("--data-dir {} db copy --from {url} --json", back.display())).ok().json();
    assert_eq!(out["verified"], true);
    assert_eq!(counts(&env, &back), before);
    let report = env.cmd(format!("--data-dir {} usage report --json", back.display())).ok().json();
    let original = env.cmd("usage report --json").ok().json();
    assert_eq!(report, original, "the copied store reports the same usage");
    // Inserting after a copy continues the identity columns past the copied rows.
    client
        .execute("INSERT INTO audit (at, actor, action) VALUES (1, 'test', 'probe')", &[])
        .unwrap();
    // Into a store that is not empty: refused.
    let r = env.cmd(format!("--data-dir {} db copy --from {url}", back.display())).code(2);
    assert!(r.stderr.contains("not empty"), "{}", r.stderr);
}

#[test]
fn migrations_run_once_under_an_advisory_lock() {
    let Some(pg) = common::pg::cluster() else {
        return;
    };
    let url = pg.fresh_db();
    let env = Env::new();
    // Four processes migrate one database at once: all succeed, and it is migrated once.
    let on_pg = env.with("BILLCTL_DATABASE_URL", &url);
    let children: Vec<_> = (0..4).map(|_| on_pg.spawn("db migrate --json")).collect();
    for c in children {
        let r = finish(c);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let v = r.json();
        assert_eq!(
            (v["backend"].as_str(), v["schema_version"].as_i64()),
            (Some("postgres"), Some(billctl::adapters::store::pg::schema_len()))
        );
    }
    let rows: i64 = pg_one(&mut pg.client(&url), "SELECT count(*) FROM billctl_schema", &[]);
    assert_eq!(
        rows,
        billctl::adapters::store::pg::schema_len(),
        "one row per migration, each applied once"
    );
    // A host with a Postgres store makes no SQLite files beside it.
    let r = on_pg.cmd("webhooks list --json");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!env.data_dir().join("webhooks.db").exists(), "no local file was made");
}

/// Passwords never come through argv or the config file, and never show in errors.
#[test]
fn database_passwords_stay_out_of_argv_config_and_errors() {
    // Runs in the SQLite pass: it copies from a SQLite store and sets its own URLs.
    if common::on_postgres() {
        return;
    }
    let env = Env::new();
    let r = env.cmd("db copy --to postgres://u:hunter2@db.example/billctl").code(2);
    assert!(r.stderr.contains("BILLCTL_DATABASE_PASSWORD"), "{}", r.stderr);
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);
    let cfg = env.config(&common::tests2::config_with(
        "[store]\nurl = \"postgres://u:hunter2@db.example/billctl\"\n",
    ));
    let r = env.cmd(format!("--config {} db migrate", cfg.display())).code(2);
    assert!(r.stderr.contains("store.url"), "{}", r.stderr);
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);
    // From the environment a password is allowed, and an error shows the URL without it.
    let url = "postgres://u:hunter2@127.0.0.1:1/billctl?connect_timeout=2";
    let r = env.with("BILLCTL_DATABASE_URL", url).cmd("db migrate");
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("postgres://u@127.0.0.1:1/billctl"), "{}", r.stderr);
    assert!(!r.stderr.contains("hunter2"), "{}", r.stderr);
    // The query's password under any key libpq reads as `password` (a hostile review: a
    // percent-encoded key was used as the password and its value shown), in an error and in
    // `db status`.
    for key in ["password", "pass%77ord", "%70%61%73%73%77%6f%72%64"] {
        let url = format!("postgres://u@127.0.0.1:1/billctl?connect_timeout=2&{key}=hunter2");
        for args in ["db migrate", "db status --json"] {
            let r = env.with("BILLCTL_DATABASE_URL", &url).cmd(args);
            assert_ne!(r.code, 0, "{key} {args}");
            assert!(
                !r.stderr.contains("hunter2") && !r.stdout.contains("hunter2"),
                "{key} {args}: {}{}",
                r.stdout,
                r.stderr
            );
        }
    }
}

/// Four hosts (separate data dirs) share one Postgres store: keys issued on one verify on the
/// others, 120 parallel `keys verify --record` across the four give exactly the 60 the key's
/// rate limit allows, and four overlapping imports at once count every event exactly once.
#[test]
fn four_hosts_share_one_store_exactly() {
    let Some(pg) = common::pg::cluster() else {
        return;
    };
    let url = pg.fresh_db();
    let env = Env::new();
    let host = |n: usize| env.path(&format!("host{n}"));
    let on_pg = env.with("BILLCTL_DATABASE_URL", &url);
    let line = |n: usize, line: &str| format!("--data-dir {} {line}", host(n).display());
    let run_on = |n: usize, l: &str| on_pg.cmd(line(n, l));
    run_on(0, "setup-products --yes -q").ok();
    let customer = common::subscribe(
        &env.sim,
        |a| on_pg.cmd(line(1, &a.join(" "))),
        "hosts@example.com",
        "pro",
    );
    // Four hosts issue keys at once (the store's mode is claimed by whichever comes first).
    let issuers: Vec<_> = (0..20)
        .map(|n| on_pg.spawn(line(n % 4, &format!("keys issue --customer {customer}"))))
        .collect();
    let mut issued = Vec::new();
    for c in issuers {
        let out = finish(c);
        assert_eq!(out.code, 0, "{}", out.stderr);
        issued.extend(
            out.stdout
                .lines()
                .map(|l| l.trim().to_string())
                .filter(|l| billctl::domain::keys::parse(l).is_some()),
        );
    }
    assert_eq!(issued.len(), 20, "{issued:?}");
    let key = issued[0].clone();
    let key_id = common::key_id(&key);
    let all = run_on(1, "keys list --json").ok().json();
    assert_eq!(all.as_array().unwrap().len(), 20, "every host's keys, once");
    // Seen from another host at once.
    let listed = run_on(3, "keys list --json").ok().json();
    assert!(listed.as_array().unwrap().iter().any(|k| k["id"] == key_id.as_str()));
    assert!(!host(3).join("billctl.db").exists(), "no SQLite store on a Postgres host");

    // 120 recorded verifies, 30 from each host, all started before any gets its key.
    let now = common::now();
    env.set_now(now);
    let children: Vec<_> =
        (0..120).map(|i| on_pg.spawn_stdin(line(i % 4, "keys verify --record --json"))).collect();
    let mut valid = 0;
    for r in common::tests2::feed_all(children, &format!("{key}\n")) {
        let v = r.json();
        match v["code"].as_str() {
            Some("VALID") => valid += 1,
            Some("RATE_LIMITED") => {}
            other => panic!("unexpected {other:?}: {v}"),
        }
    }
    assert_eq!(valid, 60, "one shared rate limit");
    let mut client = pg.client(&url);
    let by_key = "FROM usage_events WHERE key_id = $1";
    let recorded: i64 = pg_one(&mut client, &format!("SELECT count(*) {by_key}"), &[&key_id]);
    assert_eq!(recorded, 60);

    // Four overlapping files imported at once from four hosts: ids 0..400 in each window of
    // 200, so each event is in two files.
    let files: Vec<_> = (0..4)
        .map(|f| {
            let mut text = String::new();
            for i in f * 100..f * 100 + 200 {
                text.push_str(&format!(
                    "{{\"id\":\"h-{i}\",\"key\":\"{key_id}\",\"timestamp\":{},\"quantity\":{}}}\n",
                    now - 7200 + i as i64,
                    1 + i % 3
                ));
            }
            env.file(&format!("part{f}.ndjson"), text)
        })
        .collect();
    let importers: Vec<_> = files
        .iter()
        .enumerate()
        .map(|(n, f)| on_pg.spawn(line(n, &format!("usage import {} --json -q", f.display()))))
        .collect();
    let mut inserted = 0;
    for c in importers {
        let r = finish(c);
        assert_eq!(r.code, 0, "{}", r.stderr);
        inserted += r.json()["inserted"].as_i64().unwrap();
    }
    assert_eq!(inserted, 500, "each of the 500 distinct ids inserted once");
    let want: i64 = (0..500).map(|i| 1 + i % 3).sum::<i64>() + 60;
    let events: i64 = pg_one(&mut client, &format!("SELECT count(*) {by_key}"), &[&key_id]);
    let sum: i64 =
        pg_one(&mut client, &format!("SELECT CAST(sum(quantity) AS BIGINT) {by_key}"), &[&key_id]);
    assert_eq!((events, sum), (560, want));
    let daily: i64 = pg_one(
        &mut client,
        "SELECT CAST(sum(quantity) AS BIGINT) FROM usage_daily WHERE scope = 'key' AND subject = $1",
        &[&key_id],
    );
    assert_eq!(daily, want, "rollups updated in the same transactions");
    // Every host reports the same, exact usage.
    let reports: Vec<_> = (0..4)
        .map(|n| run_on(n, &format!("usage report --key {key_id} --json")).ok().json())
        .collect();
    assert!(reports.windows(2).all(|w| w[0] == w[1]));
    // A revocation on one host is seen by the others.
    run_on(0, &format!("keys revoke {key_id} --yes -q")).ok();
    let v = on_pg.cmd_stdin(line(3, "keys verify --json"), &format!("{key}\n")).json();
    assert_eq!(v["code"], "REVOKED", "{v}");
}

/// Two `webhooks listen` processes behind one "load balancer" share one Postgres store: the
/// same event delivered to both is stored once (the other receipt is a duplicate), applied
/// once, and listed from any host.
#[test]
fn two_listeners_share_one_store_and_deduplicate_by_event_id() {
    let Some(pg) = common::pg::cluster() else {
        return;
    };
    let url = pg.fresh_db();
    let env = Env::new();
    const SECRET: &str = "whsec_shared_by_both_listeners";
    let on_pg = env.with("BILLCTL_DATABASE_URL", &url).with("WH_SECRET", SECRET);
    let listeners: Vec<(std::process::Child, String)> = (0..2)
        .map(|n| {
            let dir = env.path(&format!("lb{n}"));
            let listen = "webhooks listen --bind 127.0.0.1:0 --json --secret-env WH_SECRET";
            let mut child = on_pg.spawn(format!("--data-dir {} {listen}", dir.display()));
            let at = common::tests2::listening(&mut child);
            (child, at)
        })
        .collect();
    let now = common::now();
    let body = format!(
        r#"{{"id":"evt_lb1","object":"event","type":"customer.updated","created":{now},"livemode":false,"api_version":"2026-09-30.endive","data":{{"object":{{"id":"cus_lb","object":"customer"}}}}}}"#
    );
    let sig = billctl::domain::webhooks::header(SECRET, now, body.as_bytes());
    for (_, addr) in &listeners {
        assert_eq!(common::tests2::post_signed(addr, &sig, body.as_bytes()).status, 200);
    }
    for (child, _) in listeners {
        // SIGTERM: listen drains and stops.
        common::tests2::signal(&child, nix::sys::signal::Signal::SIGTERM);
        let out = finish(child);
        assert_eq!(out.code, 0, "{}", out.stderr);
    }
    let mut client = pg.client(&url);
    let events: i64 = pg_one(&mut client, "SELECT count(*) FROM events", &[]);
    let received: i64 =
        pg_one(&mut client, "SELECT CAST(sum(received) AS BIGINT) FROM events", &[]);
    assert_eq!((events, received), (1, 2), "stored once, received twice");
    let outcomes: Vec<String> = client
        .query("SELECT outcome FROM receipts WHERE event_id = 'evt_lb1' ORDER BY outcome", &[])
        .unwrap()
        .iter()
        .map(|r| r.get(0))
        .collect();
    assert_eq!(outcomes, ["duplicate", "stored"]);
    // Any host lists it, applied once.
    let listed = on_pg.cmd("webhooks list --json").ok().json();
    assert_eq!(listed.as_array().unwrap().len(), 1, "{listed}");
    assert_eq!(listed[0]["id"], "evt_lb1");
    assert_ne!(listed[0]["status"], "pending", "applied: {listed}");
}

/// A long-running Verifier outlives a lost connection (a server restart or failover): the call
/// that meets the dead connection fails closed, and the next one connects again.
#[test]
fn a_verifier_reconnects_after_the_connection_is_lost() {
    let Some(pg) = common::pg::cluster() else {
        return;
    };
    let url = pg.fresh_db();
    let env = Env::new();
    let on_pg = env.with("BILLCTL_DATABASE_URL", &url);
    on_pg.cmd("setup-products --yes -q").ok();
    let run = |args: &[&str]| on_pg.cmd(args.join(" "));
    let customer = common::subscribe(&env.sim, run, "reconnect@example.com", "pro");
    let key = on_pg.cmd(format!("keys issue --customer {customer}")).ok().stdout.trim().to_string();
    let store = common::pg_store(&url);
    let mut v =
        billctl::ops::verifier::Verifier::from_store(store, &common::tests2::default_config())
            .unwrap()
            .with_refresh(std::time::Duration::ZERO);
    assert_eq!(v.verify(&key).code, billctl::domain::keys::Code::Valid);
    // Every other connection to the database is cut, the Verifier's among them.
    let cut: i64 = pg_one(
        &mut pg.client(&url),
        "SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()) t",
        &[],
    );
    assert!(cut >= 1, "the verifier's connection was cut");
    let first = v.verify(&key);
    assert!(
        matches!(
            first.code,
            billctl::domain::keys::Code::Valid | billctl::domain::keys::Code::StoreUnavailable
        ),
        "fails closed or succeeds: {first:?}"
    );
    let second = v.verify(&key);
    assert_eq!(second.code, billctl::domain::keys::Code::Valid, "{second:?}");
    assert!(v.verify_and_record(&key, 1).is_valid(), "and records again");
}

/// The batched period sums Postgres answers in one statement equal `usage_in`'s, period by
/// period, for periods of every shape (within an hour, across a day edge, many days, compacted
/// edges), on random events.
#[test]
fn batched_period_sums_equal_one_by_one() {
    let Some(pg) = common::pg::cluster() else {
        return;
    };
    let url = pg.fresh_db();
    let mut store = common::pg_store(&url);
    let t0 = 1_790_000_000i64;
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    // Customers 0 to 2 have a key each (keyN belongs to cus_N); 3 and 4 record without one.
    let mut client = pg.client(&url);
    for k in 0..3 {
        plant_key(&mut client, &format!("key{k}"), &format!("cus_{k}"));
    }
    let events: Vec<UsageEvent> = (0..3_000)
        .map(|i| {
            let c = next() % 5;
            let e = event(format!("b{i}"), format!("cus_{c}")).quantity(1 + (next() % 9) as i64);
            UsageEvent {
                key_id: (c < 3).then(|| format!("key{c}")),
                ..e.at(t0 + (next() % (20 * 86_400)) as i64)
            }
        })
        .collect();
    assert_eq!(
        store.record_usage(&events, t0, billctl::adapters::store::Route::Import).unwrap(),
        events.len()
    );
    let truth = |scope: &str, s: &str, from: i64, to: i64| -> i64 {
        events
            .iter()
            .filter(|e| match scope {
                "key" => e.key_id.as_deref() == Some(s),
                _ => e.customer_id == s,
            })
            .filter(|e| e.ts >= from && e.ts < to)
            .map(|e| e.quantity)
            .sum()
    };
    for scope in ["customer", "key"] {
        let items: Vec<(String, i64, i64)> = (0..300)
            .map(|_| {
                let subject = if scope == "key" {
                    format!("key{}", next() % 3)
                } else {
                    format!("cus_{}", next() % 5)
                };
                let from = t0 - 3_600 + (next() % (22 * 86_400)) as i64;
                let len = match next() % 4 {
                    0 => (next() % 3_600) as i64,
                    1 => (next() % 86_400) as i64,
                    _ => (next() % (15 * 86_400)) as i64,
                };
                (subject, from, from + len)
            })
            .collect();
        let typed = scope_of(scope);
        let batched = store.usage_in_many(typed, &items).unwrap();
        for ((s, f, t), b) in items.iter().zip(&batched) {
            assert_eq!(*b, truth(scope, s, *f, *t), "{scope} {s} [{f}, {t})");
            assert_eq!(*b, store.usage_in(typed, s, *f, *t).unwrap(), "{scope} {s} [{f}, {t})");
        }
        assert!(batched.iter().any(|v| *v > 0));
    }
    // With a compaction horizon inside the range, edges snap the same way.
    store.set_compaction_horizon(t0 + 10 * 86_400 + 1_234).unwrap();
    let items = vec![("cus_1".to_string(), t0 + 5 * 86_400 + 77, t0 + 12 * 86_400 + 99)];
    assert_eq!(
        store.usage_in_many(billctl::domain::usage::Scope::Customer, &items).unwrap()[0],
        store
            .usage_in(billctl::domain::usage::Scope::Customer, "cus_1", items[0].1, items[0].2)
            .unwrap()
    );
}

/// An import batch goes straight into the events table through COPY when it is all new, and
/// through the staging table when any id is already stored or repeated within the batch: both
/// give exact counts, rollups, period sums and last use.
#[test]
fn copy_import_takes_duplicates_exactly() {
    let Some(pg) = common::pg::cluster() else {
        return;
    };
    let url = pg.fresh_db();
    let mut store = common::pg_store(&url);
    let mut client = pg.client(&url);
    plant_key(&mut client, "key_a", "cus_a");
    let t0 = 1_790_000_000i64;
    let event = |i: i64| UsageEvent {
        key_id: (i % 2 == 0).then(|| "key_a".to_string()),
        ..event(format!("e{i:05}"), ["cus_a", "cus_b"][(i % 2) as usize])
            .quantity(1 + i % 7)
            .at(t0 + i * 97)
            .meta(format!("tab\there {i}"))
    };
    // All new: the direct COPY.
    let first: Vec<_> = (0..1_000).map(event).collect();
    assert_eq!(
        store.record_usage(&first, t0, billctl::adapters::store::Route::Import).unwrap(),
        1_000
    );
    // Half already stored, and one id twice within the batch: the staging path.
    let mut second: Vec<_> = (500..1_500).map(event).collect();
    second.push(event(1_499));
    assert_eq!(
        store.record_usage(&second, t0, billctl::adapters::store::Route::Import).unwrap(),
        500
    );
    // Entirely stored: nothing new.
    assert_eq!(store.record_usage(&first, t0, billctl::adapters::store::Route::Import).unwrap(), 0);

    let all: Vec<_> = (0..1_500).map(event).collect();
    assert_eq!(pg_one::<i64>(&mut client, "SELECT count(*) FROM usage_events", &[]), 1_500);
    let meta: String =
        pg_one(&mut client, "SELECT meta FROM usage_events WHERE event_id = 'e00007'", &[]);
    assert_eq!(meta, "tab\there 7");
    let sum = |f: &dyn Fn(&UsageEvent) -> bool| -> i64 {
        all.iter().filter(|e| f(e)).map(|e| e.quantity).sum()
    };
    for (scope, subject) in [("customer", "cus_a"), ("customer", "cus_b"), ("key", "key_a")] {
        let matches = |e: &UsageEvent| match scope {
            "key" => e.key_id.as_deref() == Some(subject),
            _ => e.customer_id == subject,
        };
        for grain in ["usage_hourly", "usage_daily"] {
            let sql = format!("SELECT CAST(sum(quantity) AS BIGINT) FROM {grain} WHERE scope = $1 AND subject = $2");
            let rolled: i64 = pg_one(&mut client, &sql, &[&scope, &subject]);
            assert_eq!(rolled, sum(&matches), "{grain} of {scope} {subject}");
        }
        let (from, to) = (t0 + 3_333, t0 + 120_007);
        assert_eq!(
            store.usage_in(scope_of(scope), subject, from, to).unwrap(),
            sum(&|e| matches(e) && e.ts >= from && e.ts < to),
            "{scope} {subject}"
        );
    }
    // The key's last use, as the store reads it (its latest daily rollup's last event).
    let last = store.key("key_a").unwrap().unwrap().last_used_at;
    assert_eq!(last, Some(event(1_498).ts));
}

/// Over TCP, the test cluster takes only TLS. billctl connects with TLS through rustls and
/// checks the server's certificate: against the CA named by `sslrootcert`, or else the web's
/// roots (which did not sign the test CA, so the connection is refused).
#[test]
fn tls_over_tcp_is_used_and_checked() {
    let Some(pg) = common::pg::cluster() else {
        return;
    };
    let url = pg.fresh_db();
    let db = url.rsplit('/').next().unwrap().to_string();
    let Some((base, ca)) = pg.tls_url(&db, "") else {
        return;
    };
    let env = Env::new();
    let status = |url: &str| env.with("BILLCTL_DATABASE_URL", url).cmd("db status --json");
    // With the CA that signed the server's certificate: connected, over TLS (the server
    // refuses TCP without it, as the plain attempt below shows).
    for mode in ["verify-full", "require", "prefer"] {
        let ok = status(&format!("{base}?sslmode={mode}&sslrootcert={}", ca.display()));
        assert_eq!(ok.code, 0, "sslmode={mode}: {}", ok.stderr);
        let v = ok.json();
        assert!(
            v["path"].as_str().is_some_and(|p| p.starts_with("postgres://billctl@localhost:")),
            "{}",
            ok.stdout
        );
        assert_eq!(
            v["schema_version"],
            billctl::adapters::store::pg::schema_len(),
            "{}",
            ok.stdout
        );
    }
    let plain = status(&format!("{base}?sslmode=disable"));
    assert_ne!(plain.code, 0);
    assert!(
        plain.stderr.contains("no encryption") || plain.stderr.contains("pg_hba.conf"),
        "the server refuses TCP without TLS: {}",
        plain.stderr
    );
    // Without the CA, the certificate is checked against the web's roots and refused.
    let unknown = status(&format!("{base}?sslmode=require"));
    assert_ne!(unknown.code, 0);
    assert!(
        unknown.stderr.to_lowercase().contains("certificate"),
        "names the certificate: {}",
        unknown.stderr
    );
    // A missing or empty CA file is named.
    let missing = env.path("nowhere.pem");
    let r = status(&format!("{base}?sslmode=require&sslrootcert={}", missing.display()));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("nowhere.pem"), "{}", r.stderr);
    let empty = env.file("empty.pem", "not a certificate\n");
    let r = status(&format!("{base}?sslmode=require&sslrootcert={}", empty.display()));
    assert_ne!(r.code, 0);
    assert!(r.stderr.contains("holds no certificate"), "{}", r.stderr);
}

/// Writers that overlap in ids and rollup rows never deadlock: eight connections at once write
/// batches that share half their ids and all their hours (through COPY, through the staging
/// table, and one event at a time), five rounds; every write succeeds and the totals are exact.
#[test]
fn overlapping_writers_never_deadlock() {
    let Some(pg) = common::pg::cluster() else {
        return;
    };
    let url = pg.fresh_db();
    drop(common::pg_store(&url));
    let mut client = pg.client(&url);
    plant_key(&mut client, "key_a", "cus_a");
    let t0 = 1_790_000_000i64;
    let event = |i: i64| UsageEvent {
        key_id: (i % 3 != 0).then(|| "key_a".to_string()),
        ..event(format!("o{i}"), "cus_a").quantity(1 + i % 4).at(t0 + (i * 37) % 7_200)
    };
    for round in 0..5i64 {
        let base = round * 10_000;
        std::thread::scope(|s| {
            for w in 0..8i64 {
                let url = url.clone();
                s.spawn(move || {
                    let mut store = common::pg_store(&url);
                    // Writer w: ids [base + 100w, base + 100w + 200), in a shuffled order; the odd
                    // writers one by one (the small-batch path), the even ones as one batch.
                    let mut batch: Vec<_> = (0..200).map(|i| event(base + 100 * w + i)).collect();
                    batch.reverse();
                    if w % 2 == 1 {
                        for chunk in batch.chunks(7) {
                            store
                                .record_usage(chunk, t0, billctl::adapters::store::Route::Import)
                                .unwrap();
                        }
                    } else {
                        store
                            .record_usage(&batch, t0, billctl::adapters::store::Route::Import)
                            .unwrap();
                    }
                });
            }
        });
    }
    let all: Vec<_> =
        (0..5i64).flat_map(|r| (0..900).map(move |i| r * 10_000 + i)).map(event).collect();
    let want: i64 = all.iter().map(|e| e.quantity).sum();
    let key: i64 = all.iter().filter(|e| e.key_id.is_some()).map(|e| e.quantity).sum();
    let mut one = |sql: &str| -> i64 { pg_one(&mut client, sql, &[]) };
    assert_eq!(one("SELECT count(*) FROM usage_events"), all.len() as i64);
    assert_eq!(one("SELECT CAST(sum(quantity) AS BIGINT) FROM usage_events"), want);
    for grain in ["usage_hourly", "usage_daily"] {
        assert_eq!(
            one(&format!(
                "SELECT CAST(sum(quantity) AS BIGINT) FROM {grain} WHERE scope = 'customer'"
            )),
            want,
            "{grain}"
        );
        assert_eq!(
            one(&format!("SELECT CAST(sum(quantity) AS BIGINT) FROM {grain} WHERE scope = 'key'")),
            key,
            "{grain}"
        );
    }
}

/// Postgres URLs mean what they mean to `psql` (issue 30): libpq's `host` and `port` in the
/// query replace the authority's (billctl added the query's host as a second one, and failed
/// with "invalid dns name"). Each form is tried with billctl and with `psql` against the test
/// cluster, and their verdicts compared.
#[test]
fn url_forms_mean_what_they_mean_to_psql() {
    let Some(pg) = common::pg::cluster() else {
        return;
    };
    let psql = std::process::Command::new("psql").arg("--version").output();
    if psql.is_err() {
        assert!(
            std::env::var_os("BILLCTL_REQUIRE_POSTGRES").is_none(),
            "psql is needed to compare URL verdicts"
        );
        eprintln!("note: skipped: no psql to compare with");
        return;
    }
    let db_url = pg.fresh_db();
    let db = db_url.rsplit('/').next().unwrap().to_string();
    let sock = pg.socket_dir().to_str().unwrap().to_string();
    let enc: String = sock.replace('/', "%2F");
    let port = pg.port();
    let forms = [
        (format!("postgres://billctl@{enc}:{port}/{db}"), true),
        (format!("postgres://billctl@localhost:{port}/{db}?host={sock}"), true),
        (format!("postgresql://billctl@/{db}?host={sock}&port={port}"), true),
        (format!("postgres://billctl@localhost:1/{db}?host={enc}&port={port}"), true),
        (format!("postgres://billctl@/{db}_missing?host={sock}&port={port}"), false),
        // libpq ignores sslmode on a unix socket (issue 42: billctl asked the socket for TLS
        // and failed where psql connects).
        (format!("postgres://billctl@/{db}?host={sock}&port={port}&sslmode=require"), true),
        (format!("postgres://billctl@{enc}:{port}/{db}?sslmode=require"), true),
        (format!("postgres://billctl@/{db}?sslmode=verify-full&host={sock}&port={port}"), true),
        // The query's port replaces the authority's (billctl connected to the authority's).
        (format!("postgres://billctl@{enc}:1/{db}?port={port}"), true),
        (format!("postgres://billctl@{enc}/{db}?port={port}"), true),
        // In a list, sslmode holds for the TCP host and not for the socket.
        (format!("postgres://billctl@{enc}:{port},localhost:{port}/{db}?sslmode=require"), true),
        // A query's host list is a list (rust-postgres took it for one socket path).
        (
            format!("postgres://billctl@/{db}?host={sock},localhost&port={port}&sslmode=require"),
            true,
        ),
        (format!("postgres://billctl@/{db}?host=localhost,{sock}&port={port},{port}"), true),
    ];
    let env = Env::new();
    for (url, works) in &forms {
        let ours = env.with("BILLCTL_DATABASE_URL", url).cmd("db status --json");
        let theirs = std::process::Command::new("psql")
            .args([url.as_str(), "-Atc", "select 1"])
            .env_remove("PGHOST")
            .output()
            .unwrap();
        assert_eq!(
            (ours.code == 0, theirs.status.success()),
            (*works, *works),
            "{url}\nbillctl: {}\npsql: {}",
            ours.stderr,
            String::from_utf8_lossy(&theirs.stderr)
        );
        if !works {
            assert!(ours.stderr.contains("does not exist"), "the server's reason: {}", ours.stderr);
        }
    }
    // On the socket, `require` is no finding of doctor's either: the store check passes and
    // says that sslmode does not apply there.
    let url = format!("postgres://billctl@/{db}?host={sock}&port={port}&sslmode=require");
    let report = env.with("BILLCTL_DATABASE_URL", &url).cmd("doctor --json").json();
    let store = crate::doctor::check(&report, "store");
    assert_eq!(store["outcome"], "ok", "{store}");
    assert!(
        store["detail"].as_str().unwrap().contains("sslmode does not apply to a socket"),
        "{store}"
    );
}

/// The usage identity migration on Postgres: events stored from CloudEvents before it (meta
/// exactly `{"type", "source"}`) take their source and type, so a resend stays a duplicate;
/// other meta, even text that is not JSON, keeps the empty source. The database is taken back
/// to the schema before the migration (the 7th; the later ones' tables dropped too) and
/// migrated again.
#[test]
fn usage_identity_migration_reads_cloudevents_sources_from_meta() {
    let Some(pg) = common::pg::cluster() else {
        return;
    };
    let url = pg.fresh_db();
    drop(common::pg_store(&url));
    let mut client = pg.client(&url);
    client
        .batch_execute(
            "ALTER TABLE usage_events DROP CONSTRAINT usage_events_identity;
             ALTER TABLE usage_events DROP COLUMN source, DROP COLUMN event_type;
             ALTER TABLE usage_events ADD CONSTRAINT usage_events_event_id_key UNIQUE (event_id);
             DROP TABLE usage_conflicts;
             DROP TABLE stripe_writes;
             DROP TABLE event_conflicts;
             ALTER TABLE usage_daily DROP COLUMN last_ts;
             DELETE FROM billctl_schema WHERE version >= 7;",
        )
        .unwrap();
    for (id, meta) in [
        ("ce", Some(r#"{"type":"request","source":"api-eu"}"#)),
        ("import", Some(r#"{"source":"x","type":"y","z":1}"#)),
        ("csv", Some(r#"{"type": not json"#)),
        ("bare", None),
    ] {
        client
            .execute(
                "INSERT INTO usage_events (event_id, customer_id, quantity, ts, meta, recorded_at) VALUES ($1, 'cus_1', 1, 1790000000, $2, 0)",
                &[&id, &meta],
            )
            .unwrap();
    }
    let mut store = common::pg_store(&url);
    let rows: Vec<(String, String, String)> = client
        .query(
            "SELECT event_id, source, coalesce(event_type, '-') FROM usage_events ORDER BY event_id",
            &[],
        )
        .unwrap()
        .iter()
        .map(|r| (r.get(0), r.get(1), r.get(2)))
        .collect();
    let got: Vec<(&str, &str, &str)> =
        rows.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
    assert_eq!(
        got,
        [("bare", "", "-"), ("ce", "api-eu", "request"), ("csv", "", "-"), ("import", "", "-")]
    );
    let event =
        |source: &str| event("ce", "cus_1").at(1_790_000_000).source(source).kind("request");
    let w = store
        .record_usage_checked(
            &[event("api-eu"), event("api-us")],
            5,
            billctl::adapters::store::Route::CloudEvents,
        )
        .unwrap();
    assert_eq!((w.inserted, w.conflicts.len()), (1, 0));
}

/// libpq's documented connection parameters (PostgreSQL 18,
/// https://www.postgresql.org/docs/current/libpq-connect.html#LIBPQ-PARAMKEYWORDS), plus `ssl`,
/// which libpq's URLs take for JDBC's sake: a value to try, and whether billctl takes it.
const LIBPQ_PARAMS: &[(&str, &str, bool)] = &[
    ("host", "", true),
    ("hostaddr", "127.0.0.1", false),
    ("port", "", true),
    ("dbname", "", true),
    ("user", "billctl", true),
    ("password", "hunter22", true),
    ("passfile", "/tmp/pgpass", false),
    ("require_auth", "scram-sha-256", false),
    ("channel_binding", "prefer", true),
    ("connect_timeout", "5", true),
    ("client_encoding", "LATIN1", false),
    ("options", "-c%20geqo%3Doff", true),
    ("application_name", "billctl-test", true),
    ("fallback_application_name", "billctl-test", true),
    ("keepalives", "1", true),
    ("keepalives_idle", "30", true),
    ("keepalives_interval", "10", true),
    ("keepalives_count", "3", true),
    ("tcp_user_timeout", "30000", true),
    ("replication", "database", false),
    ("gssencmode", "prefer", false),
    ("sslmode", "allow", false),
    ("requiressl", "1", false),
    ("sslnegotiation", "direct", false),
    ("sslcompression", "1", false),
    ("sslcert", "/tmp/client.crt", false),
    ("sslkey", "/tmp/client.key", false),
    ("sslkeylogfile", "/tmp/keys.log", false),
    ("sslpassword", "hunter22", false),
    ("sslcertmode", "require", false),
    ("sslrootcert", "system", true),
    ("sslcrl", "/tmp/root.crl", false),
    ("sslcrldir", "/tmp/crl", false),
    ("sslsni", "0", false),
    ("requirepeer", "postgres", false),
    ("ssl_min_protocol_version", "TLSv1.3", false),
    ("ssl_max_protocol_version", "TLSv1.2", false),
    ("min_protocol_version", "3.2", false),
    ("max_protocol_version", "3.2", false),
    ("krbsrvname", "postgres", false),
    ("gsslib", "gssapi", false),
    ("gssdelegation", "1", false),
    ("scram_client_key", "a2V5", false),
    ("scram_server_key", "a2V5", false),
    ("service", "billing", false),
    ("target_session_attrs", "read-write", true),
    ("load_balance_hosts", "random", true),
    ("oauth_issuer", "https://issuer.example", false),
    ("oauth_client_id", "billctl", false),
    ("oauth_client_secret", "hunter22", false),
    ("oauth_scope", "openid", false),
    ("ssl", "true", true),
];

/// Every libpq parameter is taken or refused by name (issue 42: `sslmode=allow`, `sslcert`,
/// `passfile`, `service`... were "not a PostgreSQL URL (invalid connection string)", naming
/// nothing). A taken one connects (to the test cluster, or else gets as far as connecting);
/// a refused one names itself and says billctl does not support it, and the store is not
/// touched. billctl's own list must be libpq's: a parameter libpq adds fails here until it
/// has a row.
#[test]
fn every_libpq_parameter_is_taken_or_refused_by_name() {
    let mut ours: Vec<&str> =
        billctl::adapters::store::pg_params::PARAMS.iter().map(|(k, _)| *k).collect();
    let mut libpq: Vec<&str> = LIBPQ_PARAMS.iter().map(|(k, _, _)| *k).collect();
    ours.sort();
    libpq.sort();
    assert_eq!(ours, libpq, "billctl's parameter list is libpq's");
    let env = Env::new();
    let cluster = common::pg::cluster();
    let db_url = cluster.map(|pg| pg.fresh_db());
    let db = db_url.as_deref().map(|u| u.rsplit('/').next().unwrap().to_string());
    for (key, value, taken) in LIBPQ_PARAMS {
        let value = match (*key, cluster) {
            ("host", Some(pg)) => pg.socket_dir().display().to_string(),
            ("host", None) => "127.0.0.1".to_string(),
            ("port", Some(pg)) => pg.port().to_string(),
            ("port", None) => "1".to_string(),
            ("dbname", _) => db.clone().unwrap_or_else(|| "billctl".into()),
            _ => value.to_string(),
        };
        let base = match (&db_url, *key) {
            // TLS to the cluster goes over TCP (its socket speaks none).
            (Some(_), "sslrootcert" | "ssl") => None,
            (Some(u), _) => Some(u.clone()),
            (None, _) => None,
        }
        .unwrap_or_else(|| "postgres://billctl@127.0.0.1:1/billctl".to_string());
        let url = format!("{base}?{key}={value}&connect_timeout=5");
        let r = env.with("BILLCTL_DATABASE_URL", &url).cmd("db status --json");
        let refused = r.stderr.contains("does not support") || r.stderr.contains("not a libpq");
        if *taken {
            assert!(!refused, "{key}={value} is taken: {}", r.stderr);
            if base.contains("127.0.0.1:1/") {
                assert!(r.stderr.contains("failed to connect"), "{url}: {}", r.stderr);
            } else {
                assert_eq!(r.code, 0, "{url}: {}", r.stderr);
            }
        } else {
            assert_eq!(r.code, 2, "{url}: {}", r.stderr);
            assert!(
                r.stderr.contains(key) && r.stderr.contains("billctl does not support"),
                "{key}={value} is refused by name: {}",
                r.stderr
            );
            assert!(!r.stderr.contains("failed to connect"), "{}", r.stderr);
        }
        assert!(!r.stderr.contains("hunter22"), "a secret is never echoed: {}", r.stderr);
    }
    // What is not libpq's is named too (rust-postgres's own `keepalives_retries` included).
    for key in ["keepalives_retries", "sslmodee"] {
        let url = format!("postgres://billctl@127.0.0.1:1/db?{key}=1");
        let r = env.with("BILLCTL_DATABASE_URL", url).cmd("db status");
        assert_eq!(r.code, 2);
        assert!(
            r.stderr
                .contains(&format!("names \"{key}\", which is not a libpq connection parameter")),
            "{}",
            r.stderr
        );
    }
}

/// A URL is echoed as it was written, without its password (issue 42: `u@a:1,2` was shown as
/// `u@a,2:1`, each port at another host).
#[test]
fn a_url_is_echoed_as_written() {
    let env = Env::new();
    let url = "postgres://billctl:hunter22@127.0.0.1:1,127.0.0.1:2/db?connect_timeout=5";
    let r = env.with("BILLCTL_DATABASE_URL", url).cmd("db status");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("postgres://billctl@127.0.0.1:1,127.0.0.1:2/db?connect_timeout=5"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("hunter22"), "{}", r.stderr);
}

/// The scope a table row names, as the store takes it.
fn scope_of(scope: &str) -> billctl::domain::usage::Scope {
    match scope {
        "key" => billctl::domain::usage::Scope::Key,
        _ => billctl::domain::usage::Scope::Customer,
    }
}

/// A store with `n` customers on a tier without limits (the benchmarks' `cus_bench0..n`),
/// each with an active subscription and one key; returns the verifier and the keys (customer
/// i's is keys[i]).
fn recording_verifier(url: &str, n: usize) -> (billctl::ops::verifier::Verifier, Vec<String>) {
    use billctl::domain::mode::Mode;
    let config = billctl::domain::config::parse(
        "[tiers.bench]\nname = \"Bench\"\nquota = \"unlimited\"\nrate_limit_per_minute = 1000000\n[tiers.bench.price]\nlookup_key = \"bench_monthly\"\namount = 0\ncurrency = \"usd\"\ninterval = \"month\"\n",
        "bench.toml",
    )
    .unwrap();
    let mut store = common::pg_store(url);
    let now = billctl::domain::clock::now();
    store.claim_mode(Mode::Test).unwrap();
    crate::seed::customers(&mut store, n, now).unwrap();
    let (mut keys, mut records) = (Vec::new(), Vec::new());
    for i in 0..n {
        let (id, key) = billctl::domain::keys::generate(Mode::Test).unwrap();
        records.push(crate::seed::key_record(id, &key, &format!("cus_bench{i}"), now));
        keys.push(key);
    }
    store.issue_keys(&records, &crate::seed::AUDIT, now).unwrap();
    let v = billctl::ops::verifier::Verifier::from_store(store, &config)
        .unwrap()
        .with_refresh(std::time::Duration::from_secs(3600));
    (v, keys)
}

/// A group of recorded calls takes as many round trips to Postgres with one call as with 32
/// of one key or 32 of 32 customers (issue 45): the locks, the counts, the calls, each rollup
/// table and the keys' last use are one statement each for the whole group. Every call is
/// recorded, and each customer's rollups hold its calls.
#[test]
fn a_group_of_recorded_calls_takes_a_constant_number_of_round_trips() {
    let Some(pg) = common::pg::cluster() else {
        return;
    };
    let url = pg.fresh_db();
    let (mut v, keys) = recording_verifier(&url, 40);
    let group = |v: &mut billctl::ops::verifier::Verifier, calls: &[&str]| -> u64 {
        let calls: Vec<(&str, i64)> = calls.iter().map(|k| (*k, 1)).collect();
        let before = v.store().counters().round_trips.unwrap();
        let out = v.verify_and_record_many(&calls);
        assert!(
            out.iter().all(|x| x.is_valid()),
            "{:?}",
            out.iter().map(|x| x.code).collect::<Vec<_>>()
        );
        v.store().counters().round_trips.unwrap() - before
    };
    let all: Vec<&str> = keys.iter().map(String::as_str).collect();
    // The first group of each shape loads the keys and prepares the statements.
    let one_key = vec![all[0]; 32];
    let (one, same, many) = (&all[..1], &one_key[..], &all[..32]);
    for g in [one, same, many, &all[32..]] {
        group(&mut v, g);
    }
    let trips: Vec<(usize, &str, u64)> =
        [(one, "one call"), (same, "one key's 32 calls"), (many, "32 customers' calls")]
            .into_iter()
            .map(|(g, what)| (g.len(), what, group(&mut v, g)))
            .collect();
    let first = trips[0].2;
    for (n, what, t) in &trips {
        assert_eq!(
            *t, first,
            "a group of {what} ({n}) took {t} round trips, one call {first}: {trips:?}"
        );
    }
    assert!(first <= 8, "begin, locks, counts, calls, two rollup tables, keys, commit: {trips:?}");
    let mut client = pg.client(&url);
    let recorded: i64 = 1 + 32 + 32 + 8 + 1 + 32 + 32;
    assert_eq!(pg_one::<i64>(&mut client, "SELECT count(*) FROM usage_events", &[]), recorded);
    for table in ["usage_hourly", "usage_daily"] {
        let sql =
            format!("SELECT CAST(sum(quantity) AS BIGINT) FROM {table} WHERE scope = 'customer'");
        assert_eq!(pg_one::<i64>(&mut client, &sql, &[]), recorded, "{table}");
    }
    // cus_bench0 made the first call of each group of one and all of one key's: 1 + 32 + 1 + 1 + 32 + 1.
    let sql = "SELECT CAST(sum(quantity) AS BIGINT) FROM usage_daily WHERE scope = 'customer' AND subject = 'cus_bench0'";
    assert_eq!(pg_one::<i64>(&mut client, sql, &[]), 68);
}

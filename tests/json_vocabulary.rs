//! One JSON vocabulary: every command's `--json` is run against a store and simulator with a
//! bit of everything in them, and each document is checked against the rules the README's
//! Scripting section writes down.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it plants customers with cards through the simulator's controls.

mod common;

use common::{metered_config, now, Env};
use serde_json::Value;

/// 2000-01-01 and 2100-01-01, in unix seconds.
const EARLIEST: i64 = 946_684_800;
const LATEST: i64 = 4_102_444_800;

/// Fields that name a moment or the start of a day or hour: integer unix seconds (or null).
const MOMENTS: &[&str] = &[
    "created",
    "at",
    "timestamp",
    "day",
    "from",
    "to",
    "since",
    "before",
    "horizon",
    "window",
    "period_start",
    "period_end",
    "current_period_start",
    "current_period_end",
];

/// Names that, as a reference, are spelled `<name>_id`: under the bare name only an embedded
/// object may stand.
const OBJECTS: &[&str] = &[
    "customer",
    "price",
    "product",
    "subscription",
    "invoice",
    "latest_invoice",
    "event",
    "meter",
];

/// Checks one document; returns every breach, with its path.
fn check(v: &Value, path: &str, problems: &mut Vec<String>) {
    match v {
        Value::Array(items) => {
            for (i, x) in items.iter().enumerate() {
                check(x, &format!("{path}[{i}]"), problems);
            }
        }
        Value::Object(map) => {
            for (k, x) in map {
                let at = format!("{path}.{k}");
                let is_moment =
                    MOMENTS.contains(&k.as_str()) || (k.ends_with("_at") && !k.ends_with("_ms"));
                if is_moment && !x.is_null() {
                    match x.as_i64() {
                        Some(t) if (EARLIEST..LATEST).contains(&t) => {}
                        _ => problems.push(format!("{at}: a time must be unix seconds, got {x}")),
                    }
                }
                if k.ends_with("_at_ms") && !x.is_null() {
                    match x.as_i64() {
                        Some(t) if (EARLIEST * 1000..LATEST * 1000).contains(&t) => {}
                        _ => problems.push(format!("{at}: unix milliseconds expected, got {x}")),
                    }
                }
                if (k == "elapsed_ms" || k == "latency_ms") && !x.is_u64() {
                    problems.push(format!("{at}: a duration is whole milliseconds, got {x}"));
                }
                // Durations say their unit: whole `_ms` or whole `_secs`.
                if k.ends_with("_seconds")
                    || ((k.ends_with("_secs") || k.ends_with("_ms")) && !x.is_null() && !x.is_i64())
                {
                    problems.push(format!(
                        "{at}: a duration is whole `_ms` or `_secs`, got {x}"
                    ));
                }
                // An object's own id is `id`: an invoice (it has `amount_due`) or a payment
                // method (it has `brand`) never carries its own id as `invoice_id` or
                // `payment_method_id` (issue 30).
                if (k == "amount_due" || k == "brand")
                    && (!map.contains_key("id")
                        || map.contains_key("invoice_id")
                        || map.contains_key("payment_method_id"))
                {
                    problems.push(format!("{path}: an object's own id is `id`"));
                }
                if k.ends_with("_id") && !(x.is_string() || x.is_null()) {
                    problems.push(format!("{at}: an id is a string, got {x}"));
                }
                if OBJECTS.contains(&k.as_str()) && !(x.is_object() || x.is_null()) {
                    problems.push(format!(
                        "{at}: a reference is spelled {k}_id; {k} holds only an object"
                    ));
                }
                if k == "key" && !x.as_str().is_some_and(|s| s.starts_with("bk_")) {
                    problems.push(format!(
                        "{at}: `key` is only ever an API key itself; a key's id is key_id"
                    ));
                }
                let is_amount = k == "amount" || k.starts_with("amount_") || k.ends_with("_amount");
                if is_amount && !x.is_null() {
                    if !x.is_i64() {
                        problems.push(format!("{at}: money is integer minor units, got {x}"));
                    }
                    if !map.get("currency").is_some_and(|c| {
                        c.as_str()
                            .is_some_and(|c| c.len() == 3 && c == c.to_lowercase())
                    }) {
                        problems.push(format!(
                            "{at}: an amount needs a lower-case `currency` beside it"
                        ));
                    }
                }
                check(x, &at, problems);
            }
        }
        _ => {}
    }
}

fn lines(out: &str) -> Vec<Value> {
    out.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON Lines ({e}): {l}")))
        .collect()
}

#[test]
fn every_json_output_follows_one_vocabulary() {
    let env = Env::new();
    let cfg = env.config(&metered_config());
    let cfg = cfg.to_str().unwrap().to_string();
    let run = |args: &[&str]| {
        let mut all = vec!["--config", cfg.as_str()];
        all.extend_from_slice(args);
        env.run(&all)
    };
    let mut docs: Vec<(String, Value)> = Vec::new();
    let mut keep = |what: &str, r: common::Run, stream: bool| -> Value {
        let v = if stream {
            let v = lines(&r.stdout);
            assert!(!v.is_empty(), "{what} printed no lines: {}", r.stderr);
            Value::Array(v)
        } else {
            r.json()
        };
        docs.push((what.to_string(), v.clone()));
        v
    };

    keep(
        "setup-products --plan",
        run(&["setup-products", "--plan", "--json"]).ok(),
        false,
    );
    keep(
        "setup-products",
        run(&["setup-products", "--yes", "--json"]).ok(),
        false,
    );
    keep(
        "prices check",
        run(&["prices", "check", "--json"]).ok(),
        false,
    );
    keep(
        "prices list",
        run(&["prices", "list", "--json"]).ok(),
        false,
    );
    let c = keep(
        "customers create",
        run(&["customers", "create", "--email", "v@example.com", "--json"]).ok(),
        false,
    );
    let customer = c["id"].as_str().unwrap().to_string();
    env.add_card(&customer);
    let s = keep(
        "subscriptions create",
        run(&[
            "subscriptions",
            "create",
            "--customer",
            &customer,
            "--tier",
            "pro",
            "--json",
        ])
        .ok(),
        false,
    );
    let sub = s["id"].as_str().unwrap().to_string();
    keep(
        "subscriptions show",
        run(&["subscriptions", "show", &sub, "--json"]).ok(),
        false,
    );
    keep(
        "subscriptions list",
        run(&["subscriptions", "list", "--json"]).ok(),
        false,
    );
    keep(
        "subscriptions sync",
        run(&["subscriptions", "sync", "--json"]).ok(),
        false,
    );
    keep(
        "customers list",
        run(&["customers", "list", "--json"]).ok(),
        false,
    );
    keep(
        "customers show",
        run(&["customers", "show", &customer, "--json"]).ok(),
        false,
    );
    keep(
        "payment-methods list",
        run(&["payment-methods", "list", "--customer", &customer, "--json"]).ok(),
        false,
    );
    keep(
        "payment-methods attach",
        run(&[
            "payment-methods",
            "attach",
            "--customer",
            &customer,
            "pm_card_mastercard",
            "--json",
        ])
        .ok(),
        false,
    );
    keep(
        "portal create",
        run(&[
            "portal",
            "create",
            "--customer",
            &customer,
            "--return-url",
            "https://example.com/a",
            "--json",
        ])
        .ok(),
        false,
    );
    let invoice = s["latest_invoice_id"].as_str().unwrap().to_string();
    keep(
        "invoices show",
        run(&["invoices", "show", &invoice, "--json"]).ok(),
        false,
    );
    keep(
        "invoices list",
        run(&["invoices", "list", "--customer", &customer, "--json"]).ok(),
        false,
    );
    keep(
        "checkout create",
        run(&[
            "checkout",
            "create",
            "--tier",
            "team",
            "--email",
            "w@example.com",
            "--json",
        ])
        .ok(),
        false,
    );
    let k = keep(
        "keys issue",
        run(&[
            "keys",
            "issue",
            "--customer",
            &customer,
            "--expires-in",
            "30d",
            "--json",
        ])
        .ok(),
        false,
    );
    let key = k["key"].as_str().unwrap().to_string();
    let key_id = k["id"].as_str().unwrap().to_string();
    keep("keys list", run(&["keys", "list", "--json"]).ok(), false);
    keep(
        "keys show",
        run(&["keys", "show", &key_id, "--json"]).ok(),
        false,
    );
    let mut cmd = vec!["--config", cfg.as_str()];
    cmd.extend(["keys", "verify", "--json"]);
    keep(
        "keys verify",
        env.run_with_stdin(&cmd, &format!("{key}\n")).ok(),
        false,
    );
    let t = now();
    keep(
        "usage record",
        run(&[
            "usage",
            "record",
            "--key",
            &key_id,
            "--quantity",
            "3",
            "--json",
        ])
        .ok(),
        false,
    );
    let events = env.path("events.ndjson");
    std::fs::write(
        &events,
        format!(
            "{{\"id\":\"v1\",\"key\":\"{key_id}\",\"timestamp\":{},\"quantity\":2}}\n",
            t - 7_200
        ),
    )
    .unwrap();
    keep(
        "usage import",
        run(&["usage", "import", events.to_str().unwrap(), "--json"]).ok(),
        false,
    );
    for by in ["customer", "key", "day"] {
        keep(
            "usage report",
            run(&["usage", "report", "--by", by, "--json"]).ok(),
            false,
        );
    }
    keep(
        "usage alerts",
        run(&["usage", "alerts", "--threshold", "0", "--json"]).code(1),
        false,
    );
    keep("usage sync", run(&["usage", "sync", "--json"]).ok(), false);
    keep(
        "usage reconcile",
        run(&["usage", "reconcile", "--json"]).ok(),
        false,
    );
    let rotated = keep(
        "keys rotate",
        run(&["keys", "rotate", &key_id, "--grace", "0s", "--json"]).ok(),
        false,
    );
    let new_id = rotated["id"].as_str().unwrap().to_string();
    keep(
        "keys revoke",
        run(&["keys", "revoke", &new_id, "--yes", "--json"]).ok(),
        false,
    );
    keep("audit list", run(&["audit", "list", "--json"]).ok(), false);
    let hook = env.path("event.json");
    std::fs::write(
        &hook,
        format!("{{\"id\":\"evt_vocab\",\"object\":\"event\",\"type\":\"customer.created\",\"created\":{t},\"livemode\":false,\"data\":{{\"object\":{{\"id\":\"{customer}\",\"object\":\"customer\"}}}}}}"),
    )
    .unwrap();
    keep(
        "webhooks ingest",
        run(&["webhooks", "ingest", hook.to_str().unwrap(), "--json"]).ok(),
        false,
    );
    keep(
        "webhooks list",
        run(&["webhooks", "list", "--json"]).ok(),
        false,
    );
    keep(
        "webhooks show",
        run(&["webhooks", "show", "evt_vocab", "--json"]).ok(),
        false,
    );
    keep(
        "webhooks reprocess",
        run(&["webhooks", "reprocess", "evt_vocab", "--json"]).ok(),
        false,
    );
    let recv = common::receiver::Receiver::start(false);
    let mut replay = env.command();
    replay
        .env("WH", "whsec_vocabulary")
        .args([
            "--config",
            cfg.as_str(),
            "webhooks",
            "replay",
            "--include-unverified",
            "evt_vocab",
            "--to",
            &recv.url,
        ])
        .args(["--secret-env", "WH", "--json"]);
    keep("webhooks replay", common::run(&mut replay).ok(), true);
    let body = b"{\"id\":\"evt_sig\"}";
    let header = billctl::webhooks::header("whsec_vocabulary", t, body);
    let mut verify = env.command();
    verify
        .env("WH", "whsec_vocabulary")
        .args([
            "--config",
            cfg.as_str(),
            "webhooks",
            "verify",
            "--secret-env",
            "WH",
        ])
        .args(["--header", &header, "--json"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped());
    let mut child = verify.spawn().unwrap();
    common::feed(&mut child, body);
    let out = child.wait_with_output().unwrap();
    keep("webhooks verify", common::to_run(out).ok(), false);
    keep(
        "webhooks backfill",
        run(&["webhooks", "backfill", "--since", "1h", "--json"]).ok(),
        false,
    );
    keep("revenue", run(&["revenue", "--json"]).ok(), false);
    keep(
        "revenue by month",
        run(&["revenue", "--by", "month", "--json"]).ok(),
        false,
    );
    keep("dashboard", run(&["dashboard", "--json"]).ok(), false);
    keep(
        "usage compact",
        run(&["usage", "compact", "--before", "400d", "--yes", "--json"]).ok(),
        false,
    );
    keep(
        "auth status",
        run(&["auth", "status", "--json"]).ok(),
        false,
    );
    keep("db status", run(&["db", "status", "--json"]).ok(), false);

    let mut problems = Vec::new();
    for (what, v) in &docs {
        let before = problems.len();
        check(v, "", &mut problems);
        for p in &mut problems[before..] {
            *p = format!("{what}: {p}");
        }
    }
    assert!(docs.len() >= 42, "{} documents checked", docs.len());
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_catches_each_rule() {
    let bad = serde_json::json!({
        "customer": "cus_1",
        "key": "k1",
        "created": "2026-11-24",
        "received_at_ms": 5,
        "elapsed_secs": 1.5,
        "amount": 9.99,
        "items": [{"amount": 100}],
        "price_id": 7,
    });
    let mut problems = Vec::new();
    check(&bad, "", &mut problems);
    for want in [
        ".customer:",
        ".key:",
        ".created:",
        ".received_at_ms:",
        ".elapsed_secs:",
        ".amount: money",
        ".items[0].amount: an amount needs",
        ".price_id:",
    ] {
        assert!(
            problems.iter().any(|p| p.starts_with(want)),
            "{want} not caught: {problems:#?}"
        );
    }
}

//! Every billing change is one workflow whichever door it came through (issue 39, point 6):
//! the command line and serve's self-service routes write the same audit rows, naming the
//! actor, and no audit row is written outside `ops/` (and `store/`, which performs the insert).
//! And every Stripe write billctl makes does what billctl reports (point 1): the table of
//! writes, each driven A -> B -> A -> B within one simulated day, with Stripe's state checked.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it reads the simulator's state and request log.

use crate::common::tests3::str_at;
use crate::common::{self, Env};
use crate::serve::{token, Serve};
use serde_json::{json, Value};

/// A config section that keeps webhook secrets in a file (no keyring in these tests).
const SECRET_FILE: &str = "[webhooks]\nsecret_file = true\n";

/// The OS user billctl names as the actor on the command line.
fn os_user() -> String {
    let out = std::process::Command::new("id").arg("-un").output().unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The audit log, oldest first, as `audit list --json` shows it.
fn audit(env: &Env) -> Vec<Value> {
    env.cmd("audit list --json").ok().json().as_array().unwrap().clone()
}

/// The (action, actor) of the audit rows after the first `skip`.
fn actions(rows: &[Value], skip: usize) -> Vec<(String, String)> {
    rows.iter()
        .skip(skip)
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap_or_default().to_string();
            (s("action"), s("actor"))
        })
        .collect()
}

/// The simulator's subscription `id`: its price's lookup key and its cancel flag.
fn stripe_sub(env: &Env, id: &str) -> (String, bool) {
    let s = env.sim.state().subscriptions[id].clone();
    let price = str_at(&s, "/items/data/0/price/id");
    let key = env.sim.state().prices[&price]["lookup_key"].as_str().unwrap_or_default().to_string();
    (key, s["cancel_at_period_end"].as_bool().unwrap())
}

#[test]
fn every_lifecycle_change_from_the_command_line_writes_its_audit_row() {
    let env = Env::with_catalog();
    let me = os_user();
    let before = audit(&env).len();
    let cus = env.customer("ada@example.com");
    let sub = env.subscription(&cus, "pro");
    env.cmd(format!("subscriptions change {sub} --tier team -q")).ok();
    assert_eq!(stripe_sub(&env, &sub), ("team_monthly".into(), false));
    env.cmd(format!("subscriptions cancel {sub} --at-period-end --yes -q")).ok();
    assert_eq!(stripe_sub(&env, &sub), ("team_monthly".into(), true));
    env.cmd(format!("subscriptions resume {sub} -q")).ok();
    assert_eq!(stripe_sub(&env, &sub), ("team_monthly".into(), false));
    // Nothing to do is said, exits 0, and writes no row.
    let r = env.cmd(format!("subscriptions change {sub} --tier team")).ok();
    assert!(r.stderr.contains("already on team: nothing to change"), "{}", r.stderr);
    let r = env.cmd(format!("subscriptions resume {sub}")).ok();
    assert!(r.stderr.contains("is not set to end: nothing to undo"), "{}", r.stderr);
    let rows = audit(&env);
    let want: Vec<(String, String)> = ["customer.create", "subscription.create"]
        .iter()
        .chain(&["subscription.change", "subscription.cancel", "subscription.resume"])
        .map(|a| (a.to_string(), me.clone()))
        .collect();
    assert_eq!(actions(&rows, before), want);
    let change = &rows[before + 2];
    assert_eq!(change["customer_id"], cus);
    let detail = json!({"subscription_id": sub, "from": "pro", "to": "team", "from_quantity": 1, "quantity": 1, "proration": "create_prorations"});
    assert_eq!(change["detail"], detail);
    assert_eq!(rows[before + 1]["detail"]["subscription_id"], sub);
    assert_eq!(rows[before + 3]["detail"]["at_period_end"], true);
    // The write journal counts the subscription's three changes.
    let seq = env.count(&format!("SELECT seq FROM stripe_writes WHERE object = '{sub}'"), false);
    assert_eq!(seq, 3);
}

/// The self-service twins give the same outcome and the same audit row through the same
/// workflow, with the token's name as the actor.
#[test]
fn the_self_service_twins_give_the_same_outcome_and_audit_row() {
    let env = Env::with_catalog();
    let cli = env.subscribed("cli@example.com", "pro");
    let web_cus = env.subscribed("web@example.com", "pro");
    let (cli_sub, web_sub) = (env.sub_of(&cli), env.sub_of(&web_cus));
    let web = token(&env, "web-app", "self-service");
    let serve = Serve::start(&env, &[]);
    let before = audit(&env).len();
    let plan = format!("/v1/customers/{web_cus}/subscription");
    let steps: [(&str, Value, &str); 3] = [
        ("", json!({"tier": "team"}), "change {sub} --tier team"),
        ("/cancel", json!({}), "cancel {sub} --at-period-end --yes"),
        ("/resume", json!({}), "resume {sub}"),
    ];
    for (suffix, body, args) in &steps {
        let a = serve.post(&format!("{plan}{suffix}"), &web, body);
        assert_eq!(a.status, 200, "{}", a.body);
        let args = args.replace("{sub}", &cli_sub);
        let shown = env.cmd(format!("subscriptions {args} -q --json")).ok().json();
        let answered = &a.json()["subscription"];
        for k in ["tier", "status", "cancel_at_period_end", "price_id"] {
            assert_eq!(answered[k], shown[k], "{suffix}: {k}");
        }
        assert_eq!(stripe_sub(&env, &web_sub), stripe_sub(&env, &cli_sub), "{suffix}");
    }
    let rows = audit(&env);
    let new: Vec<&Value> = rows[before..].iter().collect();
    assert_eq!(new.len(), 6, "{new:#?}");
    for pair in new.chunks(2) {
        let (web_row, cli_row) = (pair[0], pair[1]);
        assert_eq!(web_row["action"], cli_row["action"]);
        assert_eq!(web_row["actor"], "web-app");
        assert_eq!(cli_row["actor"], os_user());
        // Same detail, but for the subscription named.
        let mut d = web_row["detail"].clone();
        d["subscription_id"] = json!(cli_sub);
        assert_eq!(d, cli_row["detail"]);
    }
    // Nothing to do over serve: 200 with the workflow's own message, no row.
    let a = serve.post(&format!("{plan}/resume"), &web, &json!({}));
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.json()["message"].as_str().unwrap().contains("nothing to undo"));
    assert_eq!(audit(&env).len(), rows.len());
}

/// `src/` files outside `ops/` and `store/` that write an audit row: none may.
#[test]
fn no_audit_row_is_written_outside_ops_and_store() {
    const WRITES: &[&str] =
        &["append_audit", "ops::audit(", "super::audit(", "Audit {", "record_write("];
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![src.clone()];
    let mut found = Vec::new();
    let mut seen = 0;
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(&src).unwrap().display().to_string();
            if p.is_dir() {
                if rel != "ops" && rel != "adapters/store" {
                    dirs.push(p);
                }
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            seen += 1;
            let text = std::fs::read_to_string(&p).unwrap();
            for w in WRITES {
                if text.contains(w) {
                    found.push(format!("{rel}: {w}"));
                }
            }
        }
    }
    assert!(seen > 50, "the walk reached src/ ({seen} files)");
    assert!(found.is_empty(), "audit rows written outside ops/ and store/: {found:?}");
}

/// Every Stripe write billctl makes (a fn of `src/adapters/stripe/` that POSTs or DELETEs), with how
/// this test drives it through A -> B -> A -> B within one simulated day, or why that is
/// meaningless for it and what is checked instead. A write in `src/` without a row fails.
const WRITES: &[(&str, Drive)] = &[
    ("change_price", Drive::Cycle("plan")),
    ("set_cancel_at_period_end", Drive::Cycle("cancel-toggle")),
    ("create_subscription_with", Drive::Once("subscribe", "a create: subscribe, cancel, subscribe, cancel gives two subscriptions, both ended")),
    ("cancel_subscription", Drive::Once("subscribe", "canceled is final: each cancel ends its own subscription")),
    ("set_default_payment_method", Drive::Cycle("default-method")),
    ("attach_payment_method", Drive::Cycle("attach-detach")),
    ("detach_payment_method", Drive::Cycle("attach-detach")),
    ("update_customer", Drive::Cycle("customer-name")),
    ("create_customer", Drive::Once("customer-create", "a create: two confirmed creates with one email make two customers")),
    ("invoice_action", Drive::Once("invoice", "an invoice's status only moves forward: two sends are two requests, a pay makes it paid, a second pay is Stripe's refusal, not a replay")),
    ("create_product", Drive::Cycle("catalog")),
    ("update_product", Drive::Cycle("catalog")),
    ("archive_product", Drive::Cycle("catalog")),
    ("create_price", Drive::Cycle("catalog")),
    ("update_price", Drive::Cycle("catalog")),
    ("archive_price", Drive::Cycle("catalog")),
    ("set_price_metadata", Drive::Cycle("catalog")),
    ("create_meter", Drive::Cycle("catalog")),
    ("update_meter", Drive::Cycle("catalog")),
    ("reactivate_meter", Drive::Cycle("catalog")),
    ("create_checkout", Drive::Once("links", "a Checkout session is a new object per call: two calls make two sessions")),
    ("setup_checkout", Drive::Once("links", "a setup session is a new object per call: two calls make two sessions")),
    ("portal_session", Drive::Once("links", "a portal session is a new object per call: two calls make two sessions")),
    ("create_webhook_endpoint", Drive::Once("endpoints", "a create: two calls make two endpoints")),
    ("delete_webhook_endpoint", Drive::Once("endpoints", "a DELETE carries no key and cannot be replayed: a second delete is Stripe's 404")),
    ("send_meter_event", Drive::Once("meter-events", "usage is deduplicated by the event's identifier, one per customer hour and ledger row: two hours make two events, a re-run sends none")),
];

/// How a write of [`WRITES`] is driven.
#[derive(Debug, Clone, Copy)]
enum Drive {
    /// Through A -> B -> A -> B, in the named scenario.
    Cycle(&'static str),
    /// Once or twice, in the named scenario, for the reason given.
    Once(&'static str, &'static str),
}

/// The fns of `src/adapters/stripe/` that write to Stripe: their body calls `self.write(` or
/// `post_json(`, or sends a POST or DELETE (the transport and its helpers aside).
fn stripe_writes_in_src() -> std::collections::BTreeSet<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/adapters/stripe");
    let mut out = std::collections::BTreeSet::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().unwrap() == "transport.rs" {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        for chunk in text.split("async fn ").skip(1) {
            let name: String =
                chunk.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            let body = chunk.split("\n    }\n").next().unwrap_or(chunk);
            let body: String = body.split_whitespace().collect();
            let writes =
                ["self.write(", ".post_json(", "StripeMethod::Post", "StripeMethod::Delete"]
                    .iter()
                    .any(|w| body.contains(w));
            if writes && !["post_json", "write"].contains(&name.as_str()) {
                out.insert(name);
            }
        }
    }
    out
}

/// The idempotency keys of the POSTs to `path_part` since `from` in the request log, and
/// whether any was answered as a replay.
fn keys_since(env: &Env, from: usize, path_part: &str) -> (Vec<String>, bool) {
    let log: Vec<_> = env
        .sim
        .requests()
        .into_iter()
        .skip(from)
        .filter(|r| r.method == "POST" && r.path.contains(path_part))
        .collect();
    let replayed = log.iter().any(|r| r.replayed);
    (log.into_iter().filter_map(|r| r.idempotency_key).collect(), replayed)
}

/// Four distinct keys and no replay among the writes to `path_part` since `from`.
fn four_distinct(env: &Env, from: usize, path_part: &str) {
    let (keys, replayed) = keys_since(env, from, path_part);
    let unique: std::collections::BTreeSet<&String> = keys.iter().collect();
    assert!(!replayed, "{path_part}: a write was answered by a replay");
    assert_eq!(unique.len(), 4, "{path_part}: {keys:?}");
}

fn scenario_plan(env: &Env) {
    let cus = env.subscribed("plan@example.com", "pro");
    let sub = env.sub_of(&cus);
    let from = env.sim.requests().len();
    for (tier, was) in [("team", "pro"), ("pro", "team"), ("team", "pro"), ("pro", "team")] {
        let r = env.cmd(format!("subscriptions change {sub} --tier {tier} --json")).ok();
        assert!(r.stderr.contains(&format!("from {was} to {tier}")), "{}", r.stderr);
        assert_eq!(r.json()["tier"], tier);
        assert_eq!(
            stripe_sub(env, &sub).0,
            format!("{tier}_monthly"),
            "Stripe after {was} -> {tier}"
        );
        assert_eq!(env.store().subscription(&sub).unwrap().unwrap().tier, tier);
    }
    four_distinct(env, from, &format!("/v1/subscriptions/{sub}"));
    // The self-service twin, on another customer.
    let web_cus = env.subscribed("plan-web@example.com", "pro");
    let web_sub = env.sub_of(&web_cus);
    let web = token(env, "plan-web", "self-service");
    let serve = Serve::start(env, &[]);
    let from = env.sim.requests().len();
    for tier in ["team", "pro", "team", "pro"] {
        let a = serve.post(
            &format!("/v1/customers/{web_cus}/subscription"),
            &web,
            &json!({"tier": tier}),
        );
        assert_eq!(a.status, 200, "{}", a.body);
        assert_eq!(stripe_sub(env, &web_sub).0, format!("{tier}_monthly"));
    }
    four_distinct(env, from, &format!("/v1/subscriptions/{web_sub}"));
}

fn scenario_cancel_toggle(env: &Env) {
    let cus = env.subscribed("toggle@example.com", "pro");
    let sub = env.sub_of(&cus);
    let from = env.sim.requests().len();
    let (cancel, resume) = ("cancel {sub} --at-period-end --yes", "resume {sub}");
    for (args, flag) in [(cancel, true), (resume, false), (cancel, true), (resume, false)] {
        let args = args.replace("{sub}", &sub);
        let r = env.cmd(format!("subscriptions {args} --json")).ok();
        assert_eq!(r.json()["cancel_at_period_end"], flag);
        assert_eq!(stripe_sub(env, &sub).1, flag, "Stripe after {args:?}");
    }
    four_distinct(env, from, &format!("/v1/subscriptions/{sub}"));
    // The self-service twins (they used random keys: now the same derived scheme).
    let web = token(env, "toggle-web", "self-service");
    let serve = Serve::start(env, &[]);
    let from = env.sim.requests().len();
    for (step, flag) in [("cancel", true), ("resume", false), ("cancel", true), ("resume", false)] {
        let a = serve.post(&format!("/v1/customers/{cus}/subscription/{step}"), &web, &json!({}));
        assert_eq!(a.status, 200, "{}", a.body);
        assert_eq!(stripe_sub(env, &sub).1, flag);
    }
    four_distinct(env, from, &format!("/v1/subscriptions/{sub}"));
}

fn scenario_subscribe(env: &Env) {
    let cus = env.customer("again@example.com");
    let mut subs = Vec::new();
    for _ in 0..2 {
        let s = env.subscription(&cus, "pro");
        assert_eq!(env.sim.state().subscriptions[&s]["status"], "active");
        env.cmd(format!("subscriptions cancel {s} --yes -q")).ok();
        assert_eq!(env.sim.state().subscriptions[&s]["status"], "canceled");
        subs.push(s);
    }
    assert_ne!(subs[0], subs[1]);
}

/// The customer's invoice default in Stripe.
fn default_method(env: &Env, cus: &str) -> String {
    let c = env.sim.state().customers[cus].clone();
    c.pointer("/invoice_settings/default_payment_method")
        .and_then(|m| m.as_str())
        .unwrap_or_default()
        .to_string()
}

fn scenario_default_method(env: &Env) {
    let cus = env.subscribed("cards@example.com", "pro");
    let a = default_method(env, &cus);
    let b = env.json(format!("payment-methods attach --customer {cus} pm_card_mastercard"));
    let b = str_at(&b, "/id");
    let from = env.sim.requests().len();
    for pm in [&b, &a, &b, &a] {
        env.cmd(format!("payment-methods default --customer {cus} {pm} -q")).ok();
        assert_eq!(&default_method(env, &cus), pm);
    }
    four_distinct(env, from, &format!("/v1/customers/{cus}"));
}

fn scenario_attach_detach(env: &Env) {
    let cus = env.subscribed("attach@example.com", "pro");
    let held = |env: &Env| {
        env.sim.state().payment_methods.values().filter(|p| p["customer"] == cus.as_str()).count()
    };
    let base = held(env);
    let from = env.sim.requests().len();
    for _ in 0..2 {
        let pm = str_at(
            &env.json(format!("payment-methods attach --customer {cus} pm_card_visa")),
            "/id",
        );
        assert_eq!(held(env), base + 1);
        env.cmd(format!("payment-methods detach {pm} --yes -q")).ok();
        assert_eq!(held(env), base);
    }
    four_distinct(env, from, "/v1/payment_methods/");
}

fn scenario_customer_name(env: &Env) {
    let cus = env.customer_without_card("named@example.com");
    let from = env.sim.requests().len();
    for name in ["Ada", "Grace", "Ada", "Grace"] {
        env.cmd(format!("customers update {cus} --name {name} -q")).ok();
        assert_eq!(env.sim.state().customers[&cus]["name"], name);
    }
    four_distinct(env, from, &format!("/v1/customers/{cus}"));
}

fn scenario_customer_create(env: &Env) {
    let before = env.sim.state().customers.len();
    for _ in 0..2 {
        env.cmd("customers create --email twice@example.com --yes -q").ok();
    }
    assert_eq!(env.sim.state().customers.len(), before + 2);
}

fn scenario_invoice(env: &Env) {
    let cus = env.customer("invoiced@example.com");
    let sub = env.sub(&cus, "pro").arg("--collection invoice").json();
    let inv = str_at(&sub, "/latest_invoice_id");
    let status = |env: &Env| env.sim.state().invoices[&inv]["status"].as_str().unwrap().to_string();
    assert_eq!(status(env), "open");
    let from = env.sim.requests().len();
    env.cmd(format!("invoices send {inv} -q")).ok();
    env.cmd(format!("invoices send {inv} -q")).ok();
    let (keys, replayed) = keys_since(env, from, &format!("/v1/invoices/{inv}/send"));
    assert_eq!((keys.len(), replayed), (2, false));
    assert_ne!(keys[0], keys[1]);
    env.cmd(format!("invoices pay {inv} --yes -q")).ok();
    assert_eq!(status(env), "paid");
    let r = env.cmd(format!("invoices pay {inv} --yes"));
    assert_ne!(r.code, 0, "a second pay is refused, not reported as done");
    assert_eq!(status(env), "paid");
}

fn scenario_catalog(env: &Env) {
    let cfg = env.path("catalog.toml");
    let base = format!("{}\n{SECRET_FILE}", common::metered_config());
    let variant = |b: bool| {
        let mut text = base.clone();
        if b {
            text = text
                .replacen("name = \"Pro\"", "name = \"Pro Plus\"", 1)
                .replacen("amount = 9900", "amount = 10900", 1)
                .replacen("display_name = \"API calls\"", "display_name = \"API requests\"", 1);
        }
        let nick = if b { "B" } else { "A" };
        let team = "lookup_key = \"team_monthly\"";
        text.replacen(team, &format!("{team}\nnickname = \"{nick}\""), 1)
    };
    let apply = |b: bool, prune: bool| {
        std::fs::write(&cfg, variant(b)).unwrap();
        let c = cfg.to_str().unwrap();
        let prune = if prune { "--prune" } else { "" };
        env.cmd(format!("--config {c} setup-products --yes -q {prune}")).ok();
        env.cmd(format!("--config {c} prices check -q")).ok();
    };
    let state = |env: &Env| {
        let st = env.sim.state();
        let pro =
            st.products.values().find(|p| p["id"] == "billctl_pro").cloned().unwrap_or_default();
        let price =
            st.prices.values().find(|p| p["lookup_key"] == "pro_monthly" && p["active"] == true);
        let price = price.cloned().unwrap_or_default();
        let nick = st
            .prices
            .values()
            .find(|p| p["lookup_key"] == "team_monthly")
            .map(|p| p["nickname"].clone());
        let meter = st.meters.values().next().map(|m| m["display_name"].clone());
        (pro["name"].clone(), price["unit_amount"].clone(), nick, meter)
    };
    for b in [false, true, false, true] {
        apply(b, false);
        let (name, amount, nick, meter) = state(env);
        assert_eq!(name, if b { "Pro Plus" } else { "Pro" });
        assert_eq!(amount, if b { 10900 } else { 9900 });
        assert_eq!(nick, Some(json!(if b { "B" } else { "A" })));
        assert_eq!(meter, Some(json!(if b { "API requests" } else { "API calls" })));
    }
    // A deactivated meter is reactivated, twice.
    for _ in 0..2 {
        let id = env.sim.state().meters.keys().next().unwrap().clone();
        env.stripe_post(&format!("/billing/meters/{id}/deactivate"), &[]);
        assert_eq!(env.sim.state().meters[&id]["status"], "inactive");
        apply(true, false);
        assert_eq!(env.sim.state().meters[&id]["status"], "active");
    }
}

fn scenario_links(env: &Env) {
    let cus = env.subscribed("links@example.com", "pro");
    let count = |env: &Env| env.sim.state().checkout_sessions.len();
    let before = count(env);
    for _ in 0..2 {
        env.cmd("checkout create --tier team --email l@example.com -q").ok();
    }
    assert_eq!(count(env), before + 2);
    for _ in 0..2 {
        env.cmd(format!("checkout create --mode setup --customer {cus} -q")).ok();
    }
    assert_eq!(count(env), before + 4);
    let portals = env.sim.state().portal_sessions.len();
    for _ in 0..2 {
        env.cmd(format!("portal create --customer {cus} --return-url https://example.com/a -q"))
            .ok();
    }
    assert_eq!(env.sim.state().portal_sessions.len(), portals + 2);
}

fn scenario_endpoints(env: &Env) {
    let c = env.write("endpoints.toml", format!("{}\n{SECRET_FILE}", common::DEFAULT_CONFIG));
    let mut ids = Vec::new();
    for _ in 0..2 {
        let v = env
            .json(format!("--config {c} webhooks endpoint create --url https://example.com/hook"));
        ids.push(str_at(&v, "/id"));
    }
    assert_ne!(ids[0], ids[1]);
    assert_eq!(env.sim.state().webhook_endpoints.len(), 2);
    env.cmd(format!("--config {c} webhooks endpoint delete {} --yes -q", ids[0])).ok();
    assert_eq!(env.sim.state().webhook_endpoints.len(), 1);
    let again = env.cmd(format!("--config {c} webhooks endpoint delete {} --yes", ids[0]));
    assert_ne!(again.code, 0, "{}", again.stderr);
    assert_eq!(env.sim.state().webhook_endpoints.len(), 1);
}

fn scenario_meter_events(env: &Env) {
    let c = env.write("metered.toml", common::metered_config());
    env.cmd(format!("--config {c} setup-products --yes -q")).ok();
    let run = |a: &[&str]| env.run(&[&["--config", &c][..], a].concat());
    let cus = common::subscribe(&env.sim, run, "meter@example.com", "team");
    let hour = (common::now() / 3600 - 3) * 3600;
    let ev = |id, at, q| json!({"id": id, "customer": cus, "timestamp": at, "quantity": q});
    let file = env.write(
        "events.ndjson",
        format!("{}\n{}\n", ev("e1", hour + 10, 5), ev("e2", hour + 3610, 7)),
    );
    env.cmd(format!("--config {c} usage import {file} -q")).ok();
    env.cmd(format!("--config {c} usage sync -q")).ok();
    env.cmd(format!("--config {c} usage sync -q")).ok();
    let sent: Vec<Value> = env.sim.state().meter_events.clone();
    let ids: std::collections::BTreeSet<&str> =
        sent.iter().filter_map(|e| e["identifier"].as_str()).collect();
    assert_eq!((sent.len(), ids.len()), (2, 2), "{sent:#?}");
}

/// Every Stripe write billctl makes, through A -> B -> A -> B within one simulated day (or,
/// where that is meaningless, what the row says), with Stripe's own state checked after each
/// step. The table and `src/adapters/stripe/` must name the same writes.
#[test]
fn every_stripe_write_does_what_billctl_reports() {
    let in_src = stripe_writes_in_src();
    let in_table: std::collections::BTreeSet<String> =
        WRITES.iter().map(|(w, _)| w.to_string()).collect();
    assert!(in_src.len() >= 20, "the scan found the writes: {in_src:?}");
    let missing: Vec<_> = in_src.difference(&in_table).collect();
    let stale: Vec<_> = in_table.difference(&in_src).collect();
    let same = missing.is_empty() && stale.is_empty();
    assert!(same, "writes without a row: {missing:?}; rows without a write: {stale:?}");
    let env = Env::with_catalog();
    let day_start = env.sim.now();
    let mut done = std::collections::BTreeSet::new();
    for (write, drive) in WRITES {
        let name = match drive {
            Drive::Cycle(n) => n,
            Drive::Once(n, why) => {
                assert!(!why.is_empty(), "{write}: a row that does not cycle says why");
                n
            }
        };
        if !done.insert(*name) {
            continue;
        }
        match *name {
            "plan" => scenario_plan(&env),
            "cancel-toggle" => scenario_cancel_toggle(&env),
            "subscribe" => scenario_subscribe(&env),
            "default-method" => scenario_default_method(&env),
            "attach-detach" => scenario_attach_detach(&env),
            "customer-name" => scenario_customer_name(&env),
            "customer-create" => scenario_customer_create(&env),
            "invoice" => scenario_invoice(&env),
            "catalog" => scenario_catalog(&env),
            "links" => scenario_links(&env),
            "endpoints" => scenario_endpoints(&env),
            "meter-events" => scenario_meter_events(&env),
            other => panic!("{write}: no scenario {other}"),
        }
    }
    assert!(env.sim.now() - day_start < 86_400, "all within one simulated day");
    let replays: Vec<String> = env
        .sim
        .requests()
        .into_iter()
        .filter(|r| r.replayed)
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(replays.is_empty(), "no write was answered by a replay: {replays:?}");
}

/// The subscription's first item and the price of `lookup_key`, in the simulator.
fn item_and_price(env: &Env, sub: &str, lookup_key: &str) -> (String, String) {
    let st = env.sim.state();
    let item = str_at(&st.subscriptions[sub], "/items/data/0/id");
    let price = str_at(st.prices.values().find(|p| p["lookup_key"] == lookup_key).unwrap(), "/id");
    (item, price)
}

/// A change whose answers were all lost (Stripe made it), undone in the Dashboard, then asked
/// again: the same state and sequence give the same key, and Stripe answers with the stored
/// reply of the lost request. billctl reads Stripe back, says the change was not made (exit
/// 1; 502 over serve), mirrors nothing, writes no audit row; the key is spent, so trying
/// again makes the change.
#[test]
fn a_replayed_answer_is_an_error_and_nothing_is_mirrored() {
    let env = Env::with_catalog();
    let cus = env.subscribed("replayed@example.com", "pro");
    let web_cus = env.subscribed("replayed-web@example.com", "pro");
    let (sub, web_sub) = (env.sub_of(&cus), env.sub_of(&web_cus));
    let web = token(&env, "replay-web", "self-service");
    let serve = Serve::start(&env, &[]);
    let changes =
        |env: &Env| audit(env).iter().filter(|r| r["action"] == "subscription.change").count();
    for (id, over_serve) in [(&sub, false), (&web_sub, true)] {
        env.sim.inject(
            stripe_sim::Fault::drop_after_processing()
                .times(20)
                .on("POST", &format!("/v1/subscriptions/{id}")),
        );
        let r = env.cmd(format!("subscriptions change {id} --tier team"));
        assert_eq!(r.code, 2, "{}", r.stderr);
        env.sim.clear_faults();
        assert_eq!(stripe_sub(&env, id).0, "team_monthly", "Stripe made the lost change");
        let (item, pro) = item_and_price(&env, id, "pro_monthly");
        env.stripe_post(
            &format!("/subscriptions/{id}"),
            &[("items[0][id]", &item), ("items[0][price]", &pro)],
        );
        assert_eq!(stripe_sub(&env, id).0, "pro_monthly");
        let before = changes(&env);
        if over_serve {
            let a = serve.post(
                &format!("/v1/customers/{web_cus}/subscription"),
                &web,
                &json!({"tier": "team"}),
            );
            assert_eq!(a.said(), "502 STRIPE_NOT_APPLIED", "{}", a.body);
        } else {
            let r = env.cmd(format!("subscriptions change {id} --tier team"));
            assert_eq!(r.code, 1, "{}", r.stderr);
            assert!(r.stderr.contains("does not carry the requested result"), "{}", r.stderr);
            assert!(!r.stderr.contains("Moved"), "{}", r.stderr);
        }
        let last = env.sim.requests().into_iter().rfind(|q| q.method == "POST").unwrap();
        assert!(last.replayed, "the refused answer was Stripe's replay");
        assert_eq!(stripe_sub(&env, id).0, "pro_monthly");
        assert_eq!(env.store().subscription(id).unwrap().unwrap().tier, "pro", "nothing mirrored");
        assert_eq!(changes(&env), before, "no audit row");
        // The key is spent: trying again is a new request, and it is made.
        let r = env.cmd(format!("subscriptions change {id} --tier team")).ok();
        assert!(r.stderr.contains("from pro to team"), "{}", r.stderr);
        assert_eq!(stripe_sub(&env, id).0, "team_monthly");
        assert_eq!(env.store().subscription(id).unwrap().unwrap().tier, "team");
    }
}

/// Checkout sign-up links and portal sessions are one workflow for both doors: a customer
/// with a live subscription is refused a second one from the command line as over serve, and
/// each link is in the audit log with its actor.
#[test]
fn checkout_and_portal_are_one_workflow_for_both_doors() {
    let env = Env::with_catalog();
    let cus = env.subscribed("links-audit@example.com", "pro");
    let sessions = env.sim.state().checkout_sessions.len();
    let r = env.cmd(format!("checkout create --tier team --customer {cus}"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("already has a live subscription"), "{}", r.stderr);
    assert_eq!(env.sim.state().checkout_sessions.len(), sessions, "no session made");
    let fresh = env.customer_without_card("fresh@example.com");
    let web = token(&env, "links-web", "self-service");
    let before = audit(&env).len();
    env.cmd(format!("checkout create --tier team --customer {fresh} -q")).ok();
    env.cmd(format!("portal create --customer {cus} --return-url https://example.com/a -q")).ok();
    let serve = Serve::start(&env, &[]);
    let urls = json!({"tier": "team", "success_url": "https://example.com/ok", "cancel_url": "https://example.com/no"});
    let a = serve.post(&format!("/v1/customers/{cus}/checkout"), &web, &urls);
    assert_eq!(a.said(), "409 HAS_SUBSCRIPTION");
    let a = serve.post(&format!("/v1/customers/{cus}/portal"), &web, &json!({}));
    assert_eq!(a.status, 200, "{}", a.body);
    let me = os_user();
    let rows =
        [("checkout.create", me.as_str()), ("portal.create", &me), ("portal.create", "links-web")];
    assert_eq!(actions(&audit(&env), before), rows.map(|(a, b)| (a.to_string(), b.to_string())));
}

/// setup-products, as a plan change: a product rename whose answers were all lost (Stripe made
/// it), undone in the Dashboard, then applied again under the same key. Stripe answers with
/// the stored reply; billctl reads the catalog back, says it was not made (exit 1), and the
/// next run is a new request that makes it.
#[test]
fn a_replayed_catalog_write_is_an_error_and_the_next_run_makes_it() {
    let env = Env::with_catalog();
    let renamed = common::DEFAULT_CONFIG.replacen("name = \"Pro\"", "name = \"Pro Plus\"", 1);
    let c = env.write("renamed.toml", renamed);
    let name = |env: &Env| env.sim.state().products["billctl_pro"]["name"].clone();
    let lost =
        stripe_sim::Fault::drop_after_processing().times(20).on("POST", "/v1/products/billctl_pro");
    env.sim.inject(lost);
    let r = env.cmd(format!("--config {c} setup-products --yes"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    env.sim.clear_faults();
    assert_eq!(name(&env), "Pro Plus", "Stripe made the lost rename");
    env.stripe_post("/products/billctl_pro", &[("name", "Pro")]);
    let r = env.cmd(format!("--config {c} setup-products --yes"));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("does not carry the requested result"), "{}", r.stderr);
    assert!(!r.stderr.contains("Applied"), "{}", r.stderr);
    assert_eq!(name(&env), "Pro");
    let r = env.cmd(format!("--config {c} setup-products --yes")).ok();
    assert!(r.stderr.contains("Applied 1 change."), "{}", r.stderr);
    assert_eq!(name(&env), "Pro Plus");
    env.cmd(format!("--config {c} prices check -q")).ok();
}

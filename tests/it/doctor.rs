//! `billctl doctor`: every check through its outcomes against the simulator and the store,
//! with Stripe made to misbehave through the simulator's state and the clock moved by the
//! test clock. Exit 0 when all are ok (or skipped), 1 on any warning or failure, 2 when doctor
//! itself cannot run.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it edits the simulator's endpoints and prices behind billctl's back.

use crate::common::{self, Env};
use billctl::adapters::store::webhooks::{Incoming, Receipt};
use billctl::domain::webhooks::event::Outcome;
use serde_json::{json, Value};

/// The config of these tests: the metered catalog, the endpoint's secret in a file.
fn config(env: &Env, extra: &str) -> std::path::PathBuf {
    env.config(&format!(
        "{}\n[webhooks]\nsecret_file = true\nurl = \"https://billing.example.com/stripe/webhooks\"\n{extra}",
        common::metered_config()
    ))
}

fn doctor(env: &Env, cfg: &std::path::Path, extra: &str) -> (i32, Value) {
    let r = env.cmd(format!("--config {} doctor --json {extra}", cfg.display()));
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    (r.code, r.json())
}

/// One check's whole entry in a report.
pub(crate) fn check(report: &Value, name: &str) -> Value {
    let checks = report["checks"].as_array().unwrap();
    checks
        .iter()
        .find(|c| c["name"] == name)
        .cloned()
        .unwrap_or_else(|| panic!("no check {name} in {report}"))
}

/// The outcome of one check in a report.
fn outcome(report: &Value, name: &str) -> String {
    check(report, name)["outcome"].as_str().unwrap().to_string()
}

fn detail(report: &Value, name: &str) -> String {
    check(report, name)["detail"].as_str().unwrap().to_string()
}

/// Records `outcome` as what applying the stored event `id` did.
fn set_outcome(env: &Env, id: &str, outcome: Outcome) {
    env.events().set_outcomes(&[(id.into(), outcome)]).unwrap();
}

/// A delivery as `webhooks listen` stores it: the event and its receipt.
fn delivered(env: &Env, id: &str, at_ms: i64) {
    let body = serde_json::to_vec(&json!({
        "id": id, "object": "event", "type": "customer.created", "created": at_ms / 1000,
        "livemode": false, "data": {"object": {"id": "cus_doctor", "object": "customer"}}
    }))
    .unwrap();
    let envelope = billctl::domain::webhooks::event::Envelope::parse(&body).unwrap();
    let mut events = env.events();
    let mut receipts = [Receipt {
        received_at_ms: at_ms,
        event_id: Some(id.into()),
        http_status: 200,
        outcome: "stored",
        reason: None,
        headers: "{}".into(),
        body: None,
    }];
    events.store(&[Incoming { envelope, body, source: "listen" }], &mut receipts).unwrap();
}

/// A healthy setup: catalog applied, endpoint made with its secret kept, a paid customer with a
/// key, a recent delivery, a full sync, and a reconcile that agreed: every check ok (the clock
/// too), exit 0.
fn healthy(env: &Env) -> std::path::PathBuf {
    let cfg = config(env, "");
    let c = cfg.to_str().unwrap();
    env.cmd(format!("--config {c} setup-products --yes -q")).ok();
    env.cmd(format!(
        "--config {c} webhooks endpoint create --url https://billing.example.com/stripe/webhooks"
    ))
    .ok();
    let customer = env.subscribed("doctor@example.com", "pro");
    env.cmd(format!("--config {c} keys issue --customer {customer}")).ok();
    env.cmd(format!("--config {c} subscriptions sync -q")).ok();
    env.cmd(format!("--config {c} usage reconcile -q")).ok();
    delivered(env, "evt_doctor_recent", common::now() * 1000 - 60_000);
    set_outcome(env, "evt_doctor_recent", Outcome::Applied("ok".into()));
    cfg
}

#[test]
fn a_healthy_setup_is_all_ok_and_exits_0() {
    let env = Env::with_catalog();
    let cfg = healthy(&env);
    let (code, report) = doctor(&env, &cfg, "");
    the_readme_names_every_check(&report);
    let problems: Vec<&Value> =
        report["checks"].as_array().unwrap().iter().filter(|c| c["outcome"] != "ok").collect();
    assert_eq!((code, problems.len()), (0, 0), "{problems:?}");
    assert_eq!(outcome(&report, "clock"), "ok", "the simulator sends a Date");
    assert_eq!(report["failures"], 0);
    // The human form: a table and the counts.
    let r = env.cmd(format!("--config {} doctor", cfg.display())).ok();
    assert!(
        r.stdout.contains("webhooks.endpoint") && r.stderr.contains("0 failures"),
        "{}",
        r.stderr
    );
}

#[test]
fn stripe_side_checks_warn_and_fail_when_stripe_misbehaves() {
    let env = Env::with_catalog();
    let cfg = healthy(&env);
    let (endpoint_id, price_id) = {
        let st = env.sim.state();
        let ep = st.webhook_endpoints.keys().next().unwrap().clone();
        let price = st.prices.values().find(|p| p["lookup_key"] == "pro_monthly").unwrap()["id"]
            .as_str()
            .unwrap()
            .to_string();
        (ep, price)
    };
    let set_endpoint = |k: &str, v: Value| {
        env.sim.state().webhook_endpoints.get_mut(&endpoint_id).unwrap()[k] = v;
    };
    // Endpoint: an old API version (warn), missing event types (warn), disabled (fail).
    set_endpoint("api_version", json!("2020-08-27"));
    let (code, r) = doctor(&env, &cfg, "");
    assert_eq!((code, outcome(&r, "webhooks.endpoint")), (1, "warn".into()), "{r}");
    assert!(detail(&r, "webhooks.endpoint").contains("2020-08-27"));
    set_endpoint("api_version", json!(billctl::adapters::stripe::API_VERSION));
    set_endpoint("enabled_events", json!(["invoice.paid"]));
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "webhooks.endpoint"), "warn", "{r}");
    assert!(detail(&r, "webhooks.endpoint").contains("customer.subscription.updated"));
    set_endpoint("enabled_events", json!(["*"]));
    set_endpoint("status", json!("disabled"));
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "webhooks.endpoint"), "fail", "{r}");
    assert!(detail(&r, "webhooks.endpoint").contains("disabled"));
    set_endpoint("status", json!("enabled"));
    // Its secret lost locally: fail.
    std::fs::remove_file(env.data_dir().join(billctl::adapters::secrets::SECRET_FILE)).unwrap();
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "webhooks.endpoint"), "fail");
    assert!(detail(&r, "webhooks.endpoint").contains("secret"), "{r}");
    // No endpoint for the configured URL: fail.
    let other = config(&env, "").to_str().unwrap().to_string();
    let moved = std::fs::read_to_string(&other)
        .unwrap()
        .replace("billing.example.com", "elsewhere.example.com");
    let moved = env.config(&moved);
    let (_, r) = doctor(&env, &moved, "");
    assert_eq!(outcome(&r, "webhooks.endpoint"), "fail");
    assert!(detail(&r, "webhooks.endpoint").contains("elsewhere.example.com"));
    // Catalog: the Pro price archived behind billctl's back.
    env.stripe_post(&format!("/prices/{price_id}"), &[("active", "false")]);
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "catalog"), "fail", "{r}");
    // Clock: billctl's clock 30 s ahead of Stripe's (warn), then 10 minutes (fail).
    env.set_now(common::now() + 30);
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "clock"), "warn", "{r}");
    env.set_now(common::now() + 600);
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "clock"), "fail", "{r}");
}

#[test]
fn the_stripe_key_fails_without_a_key_with_a_refused_key_and_with_the_other_mode() {
    let env = Env::with_catalog();
    let cfg = config(&env, "");
    let c = cfg.to_str().unwrap();
    // No key at all: stripe.key fails, the other Stripe checks are skipped, the store is
    // still checked.
    let doctor_json = format!("--config {c} doctor --json");
    let r = env.without_key().cmd(&doctor_json);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let report = r.json();
    assert_eq!(outcome(&report, "stripe.key"), "fail");
    assert_eq!(outcome(&report, "catalog"), "skipped");
    assert_eq!(outcome(&report, "store"), "ok");
    // A key Stripe refuses (401).
    let r =
        env.with("BILLCTL_STRIPE_API_KEY", "sk_test_refusedrefusedrefused0000").cmd(&doctor_json);
    let report = r.json();
    assert_eq!(outcome(&report, "stripe.key"), "fail", "{report}");
    assert!(detail(&report, "stripe.key").contains("401"));
    // A restricted key without the customers permission: Stripe's 403 (warn).
    let r =
        env.with("BILLCTL_STRIPE_API_KEY", stripe_sim::DEFAULT_NO_CUSTOMERS_KEY).cmd(&doctor_json);
    let report = r.json();
    assert_eq!(outcome(&report, "stripe.key"), "warn", "{report}");
    assert!(detail(&report, "stripe.key").contains("403"));
    // A store whose API keys are live-mode, with a test-mode Stripe key.
    env.exec(
        "INSERT INTO settings (key, value) VALUES ('mode', 'live') ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        false,
    );
    let (_, report) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&report, "stripe.key"), "fail");
    assert!(detail(&report, "stripe.key").contains("live-mode"), "{report}");
    // A config doctor cannot read: doctor itself could not run, exit 2.
    let bad = env.config("[tiers.pro]\nname = 1\n");
    let r = env.cmd(format!("--config {} doctor", bad.display()));
    assert_eq!(r.code, 2, "{}", r.stderr);
}

#[test]
fn store_side_checks_warn_and_fail_on_what_the_store_holds() {
    let env = Env::with_catalog();
    let cfg = healthy(&env);
    let c = cfg.to_str().unwrap();
    let now = common::now();
    // Deliveries: refused requests in the last day (warn).
    let mut events = env.events();
    let mut rejected = [Receipt {
        received_at_ms: now * 1000 - 5_000,
        event_id: None,
        http_status: 400,
        outcome: "rejected",
        reason: Some("no v1 signature matches".into()),
        headers: "{}".into(),
        body: Some(b"{}".to_vec()),
    }];
    events.store(&[], &mut rejected).unwrap();
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "deliveries"), "warn", "{r}");
    // A stored event never applied, fifteen minutes on (warn); then failed (fail).
    delivered(&env, "evt_doctor_pending", now * 1000);
    env.set_now(now + 15 * 60);
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "deliveries"), "warn");
    assert!(detail(&r, "deliveries").contains("never applied"), "{r}");
    set_outcome(&env, "evt_doctor_pending", Outcome::Failed("boom".into()));
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "deliveries"), "fail");
    set_outcome(&env, "evt_doctor_pending", Outcome::Applied("ok".into()));
    // Keys: one expiring in three days (warn); one of a customer without a subscription (warn).
    let fresh = env.customer_without_card("left@example.com");
    env.cmd(format!("--config {c} keys issue --customer {fresh}")).ok();
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "keys.no_access"), "warn", "{r}");
    assert_eq!(outcome(&r, "keys.expiring"), "ok");
    let paid = env.subscribed("soon@example.com", "pro");
    let soon =
        env.cmd(format!("--config {c} keys issue --customer {paid} --expires-in 3d")).ok().stdout;
    let soon_id = common::key_id(soon.trim());
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "keys.expiring"), "warn", "{r}");
    // Meters: usage two hours ago not sent (fail); sent, then a reconcile that disagrees after
    // usage was added for an earlier day (fail); never reconciled is a warning (a new store).
    env.cmd(format!("--config {c} usage record --key {soon_id} --at {}", now - 7200)).ok();
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "meters"), "fail", "{r}");
    env.cmd(format!("--config {c} usage sync -q")).ok();
    env.cmd(format!("--config {c} usage reconcile -q")).ok();
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "meters"), "ok", "{r}");
    // Stripe loses the meter's events: the next reconcile disagrees, and doctor says so.
    env.sim.state().meter_events.clear();
    let r2 = env.cmd(format!("--config {c} usage reconcile -q"));
    assert_ne!(r2.code, 0, "{}", r2.stderr);
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "meters"), "fail", "{r}");
    assert!(detail(&r, "meters").contains("differ"), "{r}");
    // The store's integrity check left out (warn); a damaged file is the next test's.
    let (_, r) = doctor(&env, &cfg, "--integrity-timeout 0");
    assert_eq!(outcome(&r, "store"), "warn", "{r}");
    // The mirror: two days past a live subscription's period end (fail), and the deliveries
    // older than the expected day (fail).
    let ends = env
        .count("SELECT max(current_period_end) FROM subscriptions WHERE status = 'active'", false);
    env.set_now(ends + 2 * 86_400);
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "mirror"), "fail", "{r}");
    assert_eq!(outcome(&r, "deliveries"), "fail", "{r}");
    assert!(detail(&r, "deliveries").contains("expected within 1 d"), "{r}");
}

#[test]
fn a_store_never_synced_or_reconciled_warns_and_a_damaged_store_fails() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let cfg = config(&env, "");
    let (_, r) = doctor(&env, &cfg, "");
    assert_eq!(outcome(&r, "mirror"), "warn", "{r}");
    assert_eq!(outcome(&r, "meters"), "warn", "{r}");
    assert_eq!(outcome(&r, "deliveries"), "warn", "{r}");
    // Damage a table page of the store (after the header page): quick_check finds it.
    let db = env.data_dir().join("billctl.db");
    let mut bytes = std::fs::read(&db).unwrap();
    let page = 4096;
    assert!(bytes.len() > 3 * page);
    for b in &mut bytes[2 * page + 8..3 * page] {
        *b = 0xA5;
    }
    std::fs::write(&db, &bytes).unwrap();
    let r = env.cmd(format!("--config {} doctor --json", cfg.display()));
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(outcome(&r.json(), "store"), "fail", "{}", r.stdout);
}

/// The README's table of doctor's checks (its first column, under "`billctl doctor`") names
/// exactly the checks a report holds (a hostile review: `store.files` was reported and not in
/// the table).
fn the_readme_names_every_check(report: &Value) {
    let readme =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let table = readme
        .split("| check | ok | warn | fail |")
        .nth(1)
        .expect("the README's table of doctor's checks");
    let mut named = std::collections::BTreeSet::new();
    for row in table.lines().skip(2).take_while(|l| l.starts_with('|')) {
        let first = row.split('|').nth(1).unwrap_or_default();
        for name in first.split('`').skip(1).step_by(2) {
            named.insert(name.to_string());
        }
    }
    let reported: std::collections::BTreeSet<String> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(named, reported, "the README's doctor table against a report");
}

/// An operator's catalog that shares nothing with the built-in one.
const OPERATOR: &str = r#"
[tiers.starter]
name = "Starter"
quota = 500
rate_limit_per_minute = 10

[tiers.starter.price]
lookup_key = "acme_starter_monthly"
amount = 1900
currency = "usd"
interval = "month"
"#;

/// The catalog check's whole entry in a report.
fn catalog(report: &Value) -> Value {
    check(report, "catalog")
}

/// Doctor says which config it ran on (JSON `config`, the text's first line), and its catalog
/// check warns when billctl runs on the built-in catalog (no config file given or found) while
/// Stripe holds active prices the built-in catalog does not know (issue 43: a service whose
/// user has no config enforces the built-in quotas silently). No warning on the built-in
/// catalog when Stripe holds only its prices, nor on the operator's file.
#[test]
fn doctor_says_its_config_and_warns_on_the_built_in_catalog_beside_unknown_prices() {
    let env = Env::with_catalog();
    let run = |line: &str| {
        let r = env.cmd(line);
        assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
        r.json()
    };
    // The built-in catalog, and Stripe holds only its prices: ok.
    let report = run("doctor --json");
    assert_eq!(report["config"], json!({"path": null, "catalog": "built_in"}));
    let c = catalog(&report);
    assert_eq!(c["outcome"], "ok", "{c}");
    // An extra price on one of the built-in products is not the catalog's either (a hostile
    // review: a price was taken as known because its product was).
    let extra = env.stripe_post(
        "/prices",
        &[
            ("currency", "usd"),
            ("unit_amount", "1234"),
            ("product", "billctl_pro"),
            ("recurring[interval]", "month"),
            ("lookup_key", "extra_x"),
        ],
    );
    let c = catalog(&run("doctor --json"));
    assert_eq!(c["outcome"], "warn", "{c}");
    assert!(
        c["detail"].as_str().unwrap().contains("1 active price it does not know (extra_x)"),
        "{c}"
    );
    let extra = extra["id"].as_str().unwrap().to_string();
    env.stripe_post(&format!("/prices/{extra}"), &[("active", "false")]);
    // The operator's catalog is applied to Stripe too; billctl runs without its file.
    let op = env.config(OPERATOR);
    let op_s = op.to_str().unwrap();
    env.cmd(format!("--config {op_s} setup-products --yes -q")).ok();
    let report = run("doctor --json");
    let c = catalog(&report);
    assert_eq!(c["outcome"], "warn", "{c}");
    let detail = c["detail"].as_str().unwrap();
    assert!(
        detail.contains("runs on the built-in catalog")
            && detail.contains("1 active price it does not know (acme_starter_monthly)")
            && detail.contains("3 prices as configured"),
        "{detail}"
    );
    assert!(c["hint"].as_str().unwrap().contains("BILLCTL_CONFIG"), "{c}");
    assert!(report["warnings"].as_u64().unwrap() >= 1, "{report}");
    // The text says the config first, then the warning in the table; exit 1.
    let r = env.cmd("doctor");
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.starts_with("config: none given or found; the built-in catalog is in force"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("acme_starter_monthly"), "{}", r.stdout);
    // The operator's file, by --config and by BILLCTL_CONFIG: no such warning.
    let report = run(&format!("--config {op_s} doctor --json"));
    assert_eq!(report["config"], json!({"path": op_s, "catalog": "file"}));
    let c = catalog(&report);
    assert_eq!(c["outcome"], "ok", "{c}");
    assert!(!c["detail"].as_str().unwrap().contains("built-in"), "{c}");
    let r = env.with("BILLCTL_CONFIG", op_s).cmd("doctor --json");
    assert_eq!(r.json()["config"]["catalog"], "file", "{}", r.stdout);
    let r = env.cmd(format!("--config {op_s} doctor"));
    assert!(r.stdout.starts_with(&format!("config: {op_s}\n")), "{}", r.stdout);
}

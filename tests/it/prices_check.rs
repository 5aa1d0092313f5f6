//! `billctl prices check` and `prices list`: drift made behind billctl's back, the expect
//! file, restricted keys, and an unreachable Stripe.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it edits the simulator's state to make drift and reads its request log (tests/it/live.rs makes drift through the public API).

use crate::common;

use common::Env;
use serde_json::{json, Value};

fn applied() -> Env {
    let env = Env::new();
    env.cmd("setup-products --yes").ok();
    env
}

fn price_id(env: &Env, key: &str) -> String {
    common::tests2::sim_price(env, key)["id"].as_str().unwrap().to_string()
}

fn problems(report: &Value, key: &str) -> Vec<String> {
    let finding = report["findings"].as_array().unwrap().iter().find(|f| f["lookup_key"] == key);
    let problems = finding.unwrap()["problems"].as_array().unwrap();
    problems.iter().map(|p| p.as_str().unwrap().to_string()).collect()
}

#[test]
fn a_clean_catalog_passes_with_a_stable_json_shape() {
    let env = applied();
    env.sim.clear_requests();
    let report = env.cmd("prices check --json").ok().json();
    assert_eq!(report["ok"], true);
    assert_eq!(report["checked"], 3);
    assert_eq!(report["drift"], 0);
    // No webhook noted a catalog change: the list is there, and empty.
    assert_eq!(report["catalog_changes"], json!([]), "{report}");
    let pro = &report["findings"][0];
    let keys: Vec<&str> = pro.as_object().unwrap().keys().map(String::as_str).collect();
    assert_eq!(keys, ["tier", "lookup_key", "env", "price_id", "ok", "problems"]);
    assert_eq!(pro["price_id"].as_str().unwrap(), price_id(&env, "pro_monthly"));
    assert!(env.sim.requests().iter().all(|r| r.method == "GET"), "a check only reads");
    assert_eq!(env.sim.requests().len(), 2);
}

#[test]
fn drift_made_behind_billctls_back_is_caught() {
    let env = applied();
    let team = price_id(&env, "team_monthly");
    {
        let mut st = env.sim.state();
        // Team's price archived in the Dashboard.
        st.prices[&team]["active"] = json!(false);
        // Enterprise's product deactivated.
        st.products["billctl_enterprise"]["active"] = json!(false);
    }
    // Pro's lookup key moved to a cheaper price.
    let pro_old = price_id(&env, "pro_monthly");
    {
        let mut st = env.sim.state();
        let mut cheap = st.prices[&pro_old].clone();
        cheap["id"] = json!("price_cheap");
        cheap["unit_amount"] = json!(100);
        cheap["unit_amount_decimal"] = json!("100");
        st.prices[&pro_old]["lookup_key"] = Value::Null;
        st.prices.insert("price_cheap".into(), cheap);
    }
    let r = env.cmd("prices check --json").code(1);
    let report = r.json();
    assert_eq!(report["ok"], false);
    assert_eq!(report["drift"], 3);
    assert!(
        problems(&report, "team_monthly")
            .iter()
            .any(|p| p.contains(&format!("price {team} is archived"))),
        "{report}"
    );
    assert!(
        problems(&report, "enterprise_monthly")
            .iter()
            .any(|p| p.contains("product billctl_enterprise is archived")),
        "{report}"
    );
    assert!(
        problems(&report, "pro_monthly")
            .iter()
            .any(|p| p.contains("price is $1.00 / month, config says $99.00 / month")),
        "{report}"
    );
    let human = env.cmd("prices check").code(1);
    assert!(human.stdout.contains("DRIFT"), "{}", human.stdout);
    assert!(human.stderr.contains("setup-products --plan"), "{}", human.stderr);
    // A lookup key that resolves to nothing.
    env.sim.state().prices.get_mut("price_cheap").unwrap()["lookup_key"] = Value::Null;
    let report = env.cmd("prices check --json").code(1).json();
    assert!(problems(&report, "pro_monthly")[0].contains("does not resolve"), "{report}");
}

#[test]
fn the_expect_file_must_list_exactly_the_resolved_ids() {
    let env = applied();
    let good = env.path("good.env");
    env.cmd(format!("setup-products --write-env {}", good.display())).ok();
    env.cmd(format!("prices check --expect {}", good.display())).ok();
    let text = common::read(&good).replace(&price_id(&env, "team_monthly"), "price_stale");
    let bad = env
        .file("bad.env", format!("export DATABASE_URL=postgres://x\n{text}PRICE_GOLD=price_x\n"));
    let report = env.cmd(format!("prices check --expect {} --json", bad.display())).code(1).json();
    assert_eq!(report["drift"], 2, "{report}");
    assert!(problems(&report, "team_monthly")[0].contains("PRICE_TEAM is price_stale"), "{report}");
    let gold =
        report["findings"].as_array().unwrap().iter().find(|f| f["env"] == "PRICE_GOLD").unwrap();
    assert!(gold["problems"][0].as_str().unwrap().contains("not a price in the config"));
    env.file("bad.env", "PRICE_PRO price_x\n");
    let r = env.cmd(format!("prices check --expect {}", bad.display())).code(2);
    assert!(r.stderr.contains("bad.env:1"), "{}", r.stderr);
}

#[test]
fn a_read_only_restricted_key_can_check() {
    let mut env = applied();
    env.key = Some(stripe_sim::DEFAULT_RESTRICTED_KEY.into());
    env.cmd("prices check").ok();
    env.cmd("prices list").ok();
}

#[test]
fn an_unreachable_stripe_is_exit_2_not_drift() {
    let env = Env::new();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let r =
        env.with("BILLCTL_STRIPE_API_BASE", format!("http://127.0.0.1:{port}")).cmd("prices check");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("cannot reach Stripe") && r.stderr.contains(&port.to_string()),
        "{}",
        r.stderr
    );
}

#[test]
fn list_shows_config_beside_stripe() {
    let env = Env::new();
    let rows = env.cmd("prices list --json").ok().json();
    assert_eq!(rows[0]["stripe"], Value::Null);
    assert_eq!(rows[0]["matches"], false);
    env.cmd("setup-products --yes").ok();
    let rows = env.cmd("prices list --json").ok().json();
    assert_eq!(rows.as_array().unwrap().len(), 3);
    assert_eq!(
        rows[1]["config"],
        json!({"amount": 49900, "currency": "usd", "interval": "month", "interval_count": 1})
    );
    assert_eq!(rows[1]["stripe"]["amount"], 49900);
    assert_eq!(rows[1]["matches"], true);
    let human = env.cmd("prices list").ok();
    assert!(
        human.stdout.contains("$499.00 / month") && human.stdout.contains("yes"),
        "{}",
        human.stdout
    );
}

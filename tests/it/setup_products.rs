//! `billctl setup-products` against the simulator: plan, apply, the no-op re-run, price
//! replacement, pruning, adoption, faults and interrupted runs.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it injects faults into the simulator and reads its request log.

use crate::common;

use common::{Env, DEFAULT_CONFIG};
use serde_json::Value;
use stripe_sim::Fault;

fn active_prices(env: &Env) -> Vec<Value> {
    env.sim.state().prices.values().filter(|p| p["active"] == true).cloned().collect()
}

fn price_by_key(env: &Env, key: &str) -> Value {
    common::tests2::sim_price(env, key)
}

#[test]
fn plan_on_an_empty_account_lists_six_creates_and_changes_nothing() {
    let env = Env::new();
    let r = env.cmd("setup-products --plan --json").ok();
    let plan = r.json();
    assert_eq!(plan["changes"], 6);
    assert_eq!(plan["writes"], 6);
    let actions: Vec<(String, String, String)> = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| {
            (
                a["action"].as_str().unwrap().into(),
                a["tier"].as_str().unwrap().into(),
                a["object"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(actions[0], ("create product".into(), "pro".into(), "billctl_pro".into()));
    assert_eq!(
        actions[5],
        ("create price".into(), "enterprise".into(), "enterprise_monthly".into())
    );
    assert_eq!(env.posts(), 0);
    assert_eq!(env.sim.requests().len(), 2, "one price list call and one product list call");
    assert!(env.sim.state().products.is_empty());
    let human = env.cmd("setup-products --plan").ok();
    assert!(
        human.stdout.contains("create product") && human.stdout.contains("$5,000.00 / month"),
        "{}",
        human.stdout
    );
}

#[test]
fn apply_creates_three_products_and_three_prices_then_reruns_with_zero_posts() {
    let env = Env::new();
    let out = env.cmd("setup-products --yes --json").ok().json();
    {
        let st = env.sim.state();
        assert_eq!(st.products.len(), 3);
        assert_eq!(st.prices.len(), 3);
        let pro = &st.products["billctl_pro"];
        assert_eq!(pro["name"], "Pro");
        assert_eq!(pro["metadata"]["billctl_tier"], "pro");
        assert_eq!(pro["metadata"]["billctl_quota"], "10000");
        assert_eq!(pro["metadata"]["support"], "email");
        assert_eq!(st.products["billctl_enterprise"]["metadata"]["billctl_quota"], "unlimited");
        assert_eq!(st.products["billctl_team"]["metadata"]["billctl_seats"], "10");
        assert_eq!(pro["marketing_features"][1]["name"], "All systems");
    }
    for (key, amount, product, tier) in [
        ("pro_monthly", 9900, "billctl_pro", "pro"),
        ("team_monthly", 49900, "billctl_team", "team"),
        ("enterprise_monthly", 500000, "billctl_enterprise", "enterprise"),
    ] {
        let p = price_by_key(&env, key);
        assert_eq!(
            (
                p["unit_amount"].as_i64(),
                p["currency"].as_str(),
                p["recurring"]["interval"].as_str()
            ),
            (Some(amount), Some("usd"), Some("month"))
        );
        assert_eq!(p["product"], product);
        assert_eq!(p["metadata"]["billctl_tier"], tier);
        assert_eq!(out["tiers"][tier]["price_id"], p["id"], "JSON names the price");
        assert_eq!(out["tiers"][tier]["product_id"], product);
        assert_eq!(out["tiers"][tier]["lookup_key"], key);
    }
    assert_eq!(out["changes"], 6);
    // Every POST carried an idempotency key.
    let posts: Vec<_> = env.sim.requests().into_iter().filter(|r| r.method == "POST").collect();
    assert_eq!(posts.len(), 6);
    assert!(posts
        .iter()
        .all(|r| r.idempotency_key.as_deref().is_some_and(|k| k.starts_with("billctl-"))));
    // Two reads (prices by lookup key, products by id) before the writes, none after: the
    // writes' answers are the new state. Products go out before the prices that need them.
    let log = env.sim.requests();
    let reads = log.iter().filter(|r| r.method == "GET").count();
    assert_eq!(reads, 2, "{:?}", log.iter().map(|r| &r.path).collect::<Vec<_>>());
    let last_product = log.iter().rposition(|r| r.method == "POST" && r.path == "/v1/products");
    let first_price = log.iter().position(|r| r.method == "POST" && r.path == "/v1/prices");
    assert!(last_product < first_price, "products before prices");
    // The store mirrors the catalog.
    let mirror = env.store().catalog().unwrap();
    assert_eq!(mirror.len(), 3);
    let pro = mirror.iter().find(|t| t.tier == "pro").unwrap();
    assert_eq!(
        (pro.product_id.as_str(), pro.quota, pro.prices[0].price_id.clone()),
        (
            "billctl_pro",
            Some(10_000),
            price_by_key(&env, "pro_monthly")["id"].as_str().unwrap().to_string()
        )
    );

    env.sim.clear_requests();
    let again = env.cmd("setup-products").ok();
    assert!(again.stderr.to_lowercase().contains("no changes"), "{}", again.stderr);
    assert_eq!(env.posts(), 0, "a converged catalog makes zero POSTs");
    assert_eq!(env.sim.state().products.len(), 3);
}

#[test]
fn write_env_writes_the_price_ids_privately() {
    let env = Env::new();
    let file = env.path("prices.env");
    env.cmd(format!("setup-products --yes --write-env {}", file.display())).ok();
    let text = common::read(&file);
    for (var, key) in [
        ("PRICE_PRO", "pro_monthly"),
        ("PRICE_TEAM", "team_monthly"),
        ("PRICE_ENTERPRISE", "enterprise_monthly"),
    ] {
        let id = price_by_key(&env, key)["id"].as_str().unwrap().to_string();
        assert!(text.contains(&format!("{var}={id}\n")), "{text}");
    }
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    let r = env.cmd("setup-products --plan --write-env x.env").code(2);
    assert!(r.stderr.contains("--write-env"), "{}", r.stderr);
}

#[test]
fn changing_an_amount_replaces_the_price_and_the_old_id_fails_the_check() {
    let env = Env::new();
    let old_env = env.path("old.env");
    env.cmd(format!("setup-products --yes --write-env {}", old_env.display())).ok();
    let old = price_by_key(&env, "pro_monthly");
    let cfg = env.config(&DEFAULT_CONFIG.replacen("amount = 9900", "amount = 10900", 1));
    let cfg = cfg.to_str().unwrap();

    let plan = env.cmd(format!("--config {cfg} setup-products --plan --json")).ok().json();
    assert_eq!(plan["changes"], 1);
    assert_eq!(plan["actions"][0]["action"], "replace price");
    assert_eq!(
        plan["actions"][0]["changes"][0],
        serde_json::json!({"field": "amount", "stripe": "9900", "config": "10900"})
    );

    env.sim.clear_requests();
    let new_env = env.path("new.env");
    env.cmd(format!("--config {cfg} setup-products --yes --write-env {}", new_env.display())).ok();
    let new = price_by_key(&env, "pro_monthly");
    assert_ne!(new["id"], old["id"]);
    assert_eq!(new["unit_amount"], 10900);
    assert!(new["metadata"].get("billctl_replaces").is_none(), "the replacement marker is cleared");
    let old_now = env.sim.state().prices[old["id"].as_str().unwrap()].clone();
    assert_eq!(old_now["active"], false, "the old price is archived");
    assert_eq!(old_now["lookup_key"], Value::Null, "the lookup key moved");
    assert_eq!(env.posts(), 3, "create with transfer, archive, clear marker");
    let create = env
        .sim
        .requests()
        .into_iter()
        .find(|r| r.method == "POST" && r.path == "/v1/prices")
        .unwrap();
    assert_eq!(create.params["transfer_lookup_key"], "true");
    assert_eq!(active_prices(&env).len(), 3);

    let r = env.cmd(format!("--config {cfg} prices check --expect {}", old_env.display())).code(1);
    assert!(
        r.stdout.contains("PRICE_PRO is") && r.stdout.contains(old["id"].as_str().unwrap()),
        "{}",
        r.stdout
    );
    env.cmd(format!("--config {cfg} prices check --expect {}", new_env.display())).ok();
}

#[test]
fn prune_archives_tiers_removed_from_the_config_only_when_asked() {
    let env = Env::new();
    env.cmd("setup-products --yes").ok();
    let start = DEFAULT_CONFIG.find("[tiers.enterprise]").unwrap();
    let cfg = env.config(&DEFAULT_CONFIG[..start]);
    let cfg = cfg.to_str().unwrap();
    env.sim.clear_requests();
    env.cmd(format!("--config {cfg} setup-products --yes")).ok();
    assert_eq!(env.posts(), 0, "without --prune a removed tier is left alone");
    let plan = env.cmd(format!("--config {cfg} setup-products --plan --prune --json")).ok().json();
    let verbs: Vec<&str> =
        plan["actions"].as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert_eq!(verbs, ["archive price", "archive product"]);
    env.cmd(format!("--config {cfg} setup-products --yes --prune")).ok();
    assert_eq!(env.sim.state().products["billctl_enterprise"]["active"], false);
    assert_eq!(price_by_key(&env, "enterprise_monthly")["active"], false);
    assert_eq!(env.sim.state().products["billctl_pro"]["active"], true);
    env.sim.clear_requests();
    env.cmd(format!("--config {cfg} setup-products --yes --prune")).ok();
    assert_eq!(env.posts(), 0, "pruning converges too");
}

#[test]
fn existing_objects_are_adopted_not_duplicated() {
    let env = Env::new();
    // A catalog made by hand: the Pro price exists on a product billctl did not create.
    {
        use std::io::{Read, Write};
        let addr = env.sim.addr();
        for body in [
            "id=prod_manual&name=Pro%20(old%20name)".to_string(),
            "product=prod_manual&unit_amount=9900&currency=usd&recurring[interval]=month&lookup_key=pro_monthly".to_string(),
        ] {
            let path = if body.starts_with("id=") { "/v1/products" } else { "/v1/prices" };
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            write!(s, "POST {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {}\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}", env.sim.api_key(), body.len()).unwrap();
            let mut resp = String::new();
            s.read_to_string(&mut resp).unwrap();
            assert!(resp.starts_with("HTTP/1.1 200"), "{resp}");
        }
    }
    let plan = env.cmd("setup-products --plan --json").ok().json();
    let verbs: Vec<(&str, &str)> = plan["actions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["action"].as_str().unwrap(), a["object"].as_str().unwrap()))
        .collect();
    assert!(verbs.contains(&("update product", "prod_manual")), "{verbs:?}");
    assert!(!verbs.iter().any(|(v, o)| *v == "create product" && *o == "billctl_pro"), "{verbs:?}");
    // The matching price is adopted: only its metadata is filled in, no new price.
    let pro_price: Vec<&str> =
        verbs.iter().filter(|(_, o)| *o == "pro_monthly").map(|(v, _)| *v).collect();
    assert_eq!(pro_price, ["update price"], "{verbs:?}");
    env.cmd("setup-products --yes").ok();
    let st = env.sim.state();
    assert_eq!(st.products.len(), 3, "prod_manual + team + enterprise");
    assert_eq!(st.prices.len(), 3);
    assert_eq!(st.products["prod_manual"]["name"], "Pro");
    assert_eq!(st.products["prod_manual"]["metadata"]["billctl_tier"], "pro");
}

#[test]
fn faults_during_apply_still_converge_to_exactly_three_and_three() {
    let env = Env::new();
    env.sim.inject(Fault::server_error().on("POST", "/v1/products"));
    env.sim.inject(Fault::drop_connection().on("POST", "/v1/products"));
    env.sim.inject(Fault::rate_limited(Some(true)).on("POST", "/v1/prices"));
    env.sim.inject(Fault::drop_after_processing().times(2).on("POST", "/v1/prices"));
    env.sim.inject(Fault::rate_limited(None).on("GET", "/v1/prices"));
    env.cmd("setup-products --yes").ok();
    let st = env.sim.state().clone();
    assert_eq!(st.products.len(), 3, "no duplicate products");
    assert_eq!(st.prices.len(), 3, "no duplicate prices");
    let log = env.sim.requests();
    assert!(log.iter().filter(|r| r.fault.is_some()).count() >= 5, "every fault fired");
    assert!(log.iter().any(|r| r.replayed), "a lost response was recovered by idempotent replay");
    env.sim.clear_requests();
    env.cmd("setup-products").ok();
    assert_eq!(env.posts(), 0);
}

#[test]
fn a_run_that_dies_half_way_is_finished_by_the_next_run_without_duplicates() {
    let env = Env::new();
    // Every price POST fails: products get created, then the run gives up.
    env.sim.inject(Fault::server_error().times(100).on("POST", "/v1/prices"));
    let r = env.cmd("setup-products --yes").code(2);
    assert!(r.stderr.contains("failed to create price pro_monthly"), "{}", r.stderr);
    assert!(r.stderr.contains("re-run"), "{}", r.stderr);
    assert_eq!(env.sim.state().products.len(), 3);
    assert_eq!(env.sim.state().prices.len(), 0);
    env.sim.clear_faults();
    env.cmd("setup-products --yes").ok();
    let counts = {
        let st = env.sim.state();
        (st.products.len(), st.prices.len())
    };
    assert_eq!(counts, (3, 3));

    // A replacement that dies after creating the new price: the next run archives the old one.
    let cfg = env.config(&DEFAULT_CONFIG.replacen("amount = 49900", "amount = 59900", 1));
    let cfg = cfg.to_str().unwrap();
    let old = price_by_key(&env, "team_monthly");
    let old_id = old["id"].as_str().unwrap().to_string();
    env.sim.inject(Fault::server_error().times(100).on("POST", &format!("/v1/prices/{old_id}")));
    env.cmd(format!("--config {cfg} setup-products --yes")).code(2);
    let new = price_by_key(&env, "team_monthly");
    assert_eq!(
        new["metadata"]["billctl_replaces"],
        old_id.as_str(),
        "the marker records the unfinished step"
    );
    assert_eq!(env.sim.state().prices[&old_id]["active"], true);
    env.sim.clear_faults();
    let plan = env.cmd(format!("--config {cfg} setup-products --plan --json")).ok().json();
    assert_eq!(plan["actions"][0]["action"], "archive replaced price");
    env.cmd(format!("--config {cfg} setup-products --yes")).ok();
    assert_eq!(env.sim.state().prices[&old_id]["active"], false);
    assert!(price_by_key(&env, "team_monthly")["metadata"].get("billctl_replaces").is_none());
    assert_eq!(env.sim.state().prices.len(), 4, "3 + the one replacement, nothing duplicated");
    env.sim.clear_requests();
    env.cmd(format!("--config {cfg} setup-products --yes")).ok();
    assert_eq!(env.posts(), 0);
}

#[test]
fn non_interactive_apply_without_yes_is_refused_naming_the_flag() {
    let env = Env::new();
    let r = env.cmd("setup-products").code(2);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    // The error is the refusal, not the question it could not ask.
    let first = r.stderr.lines().find(|l| l.starts_with("error: ")).unwrap();
    assert!(first.starts_with("error: refusing to continue without confirmation"), "{}", r.stderr);
    assert!(r.stderr.contains("not answered: Apply "), "{}", r.stderr);
    assert_eq!(env.posts(), 0);
    assert!(env.sim.state().products.is_empty());
}

#[test]
fn a_live_key_needs_live_and_yes() {
    let env = common::tests2::live_env();
    let r = env.cmd("setup-products --yes").code(2);
    assert!(r.stderr.contains("--live"), "{}", r.stderr);
    assert!(!r.stderr.contains("billctltest"), "the key is not printed");
    assert_eq!(env.posts(), 0);
    let r = env.cmd("setup-products --live").code(2);
    assert!(r.stderr.contains("--yes"), "{}", r.stderr);
    assert_eq!(env.posts(), 0);
    env.cmd("setup-products --plan").ok();
    env.cmd("setup-products --live --yes").ok();
    assert_eq!(env.sim.state().products.len(), 3);
    // Commands that confirm themselves ask one question, marked LIVE.
    let cus = env.customer_with("live@example.com", "--live --yes");
    env.add_card(&cus);
    let sub = env.sub(&cus, "pro").arg("--live --yes").json();
    let id = sub["id"].as_str().unwrap();
    let r = env.cmd(format!("subscriptions cancel {id} --yes")).code(2);
    assert!(r.stderr.contains("--live"), "{}", r.stderr);
    let r = env.cmd(format!("subscriptions cancel {id} --live")).code(2);
    assert!(
        r.stderr.contains("[LIVE mode, key …0000]") && r.stderr.contains("--yes"),
        "one question, marked LIVE: {}",
        r.stderr
    );
    assert_eq!(r.stderr.matches("Cancel ").count(), 1, "asked once: {}", r.stderr);
    env.cmd(format!("subscriptions cancel {id} --live --yes")).ok();
    assert_eq!(env.sim.state().subscriptions[id]["status"], "canceled");
}

#[test]
fn without_a_key_the_error_says_how_to_set_one() {
    let mut env = Env::new();
    env.key = None;
    let r = env.cmd("setup-products --plan").code(2);
    assert!(
        r.stderr.contains("BILLCTL_STRIPE_API_KEY") && r.stderr.contains("billctl auth login"),
        "{}",
        r.stderr
    );
    assert!(env.sim.requests().is_empty());
}

#[test]
fn a_read_only_restricted_key_cannot_apply() {
    let mut env = Env::new();
    env.key = Some(stripe_sim::DEFAULT_RESTRICTED_KEY.into());
    let r = env.cmd("setup-products --yes").code(2);
    assert!(r.stderr.contains("403") && r.stderr.contains("permissions"), "{}", r.stderr);
    assert!(env.sim.state().products.is_empty());
}

#[test]
fn a_meter_and_graduated_overage_prices_are_provisioned_once() {
    let env = Env::new();
    let cfg = env.config(&common::metered_config());
    let cfg = cfg.to_str().unwrap();
    let plan = env.cmd(format!("--config {cfg} setup-products --plan --json")).ok().json();
    assert_eq!(plan["changes"], 9, "{plan}");
    assert_eq!(plan["actions"][0]["action"], "create meter");
    env.cmd(format!("--config {cfg} setup-products --yes")).ok();
    let meter_id = {
        let st = env.sim.state();
        assert_eq!(st.meters.len(), 1);
        let m = st.meters.values().next().unwrap().clone();
        assert_eq!(m["event_name"], "api_calls");
        assert_eq!(m["default_aggregation"]["formula"], "sum");
        assert_eq!(m["customer_mapping"]["event_payload_key"], "stripe_customer_id");
        m["id"].as_str().unwrap().to_string()
    };
    let team = price_by_key(&env, "team_overage");
    assert_eq!(team["recurring"]["usage_type"], "metered");
    assert_eq!(team["recurring"]["meter"], meter_id.as_str());
    assert_eq!(team["billing_scheme"], "tiered");
    assert_eq!(team["tiers_mode"], "graduated");
    assert_eq!(team["tiers"][0]["up_to"], 100_000);
    assert_eq!(team["tiers"][0]["unit_amount"], 0);
    assert_eq!(team["tiers"][1]["up_to"], Value::Null);
    assert_eq!(team["tiers"][1]["unit_amount_decimal"], "0.1");
    let pro = price_by_key(&env, "pro_overage");
    assert_eq!(pro["tiers"][0]["up_to"], 10_000);
    assert_eq!(pro["tiers"][1]["unit_amount_decimal"], "1");
    assert_eq!(pro["product"], price_by_key(&env, "pro_monthly")["product"]);
    assert_eq!(active_prices(&env).len(), 5);

    // The re-run reads (prices with their tiers, products, meters) and writes nothing.
    let before = env.posts();
    let again = env.cmd(format!("--config {cfg} setup-products --yes")).ok();
    assert!(again.stderr.contains("No changes"), "{}", again.stderr);
    assert_eq!(env.posts(), before);
    env.cmd(format!("--config {cfg} prices check")).ok();

    // A new overage amount replaces the price (Stripe's tiers are immutable); the meter stays.
    let changed =
        common::metered_config().replace("amount = 100\nper = 1000", "amount = 150\nper = 1000");
    let cfg2 = env.path("changed.toml");
    std::fs::write(&cfg2, changed).unwrap();
    let cfg2 = cfg2.to_str().unwrap();
    let drift = env.cmd(format!("--config {cfg2} prices check")).code(1);
    assert!(drift.stdout.contains("tiers"), "{}", drift.stdout);
    let plan = env.cmd(format!("--config {cfg2} setup-products --plan --json")).ok().json();
    assert_eq!(plan["changes"], 1, "{plan}");
    assert_eq!(plan["actions"][0]["action"], "replace price");
    env.cmd(format!("--config {cfg2} setup-products --yes")).ok();
    assert_eq!(price_by_key(&env, "team_overage")["tiers"][1]["unit_amount_decimal"], "0.15");
    assert_eq!(env.sim.state().meters.len(), 1);
    assert_eq!(active_prices(&env).len(), 5);
}

#[test]
fn overage_config_mistakes_name_the_line() {
    let env = Env::new();
    for (extra, want) in [
        (
            "[tiers.pro.overage]\nlookup_key = \"x\"\namount = 1\n",
            "tiers.pro.overage: an overage price bills through a meter",
        ),
        (
            "[meter]\nevent_name = \"api\"\n[tiers.enterprise.overage]\nlookup_key = \"x\"\namount = 1\n",
            "tiers.enterprise.overage: an unlimited tier has no overage",
        ),
        (
            "[meter]\nevent_name = \"api\"\n[tiers.pro.overage]\nlookup_key = \"x\"\namount = 1\nper = 300\n",
            "tiers.pro.overage.per: must be a power of ten",
        ),
        (
            "[meter]\nevent_name = \"api\"\naggregation = \"count\"\n",
            "meter.aggregation: must be \"sum\"",
        ),
    ] {
        let cfg = env.config(&format!("{DEFAULT_CONFIG}\n{extra}"));
        let r = env
            .cmd(format!("--config {} setup-products --plan", cfg.display()))
            .code(2);
        assert!(r.stderr.contains("billctl.toml:"), "{}", r.stderr);
        assert!(r.stderr.contains(want), "want {want:?} in {}", r.stderr);
    }
    assert!(env.sim.requests().is_empty());
}

//! Live-capable tests (issue 21): only Stripe's public API, so they run unchanged against real
//! Stripe test mode (`BILLCTL_TEST_STRIPE_KEY=sk_test_…`) or, by default, as a dry run
//! against the simulator reached only through its base URL (see tests/common/live.rs). Time
//! moves through Stripe's test clocks, never the simulator's own clock.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): runs.

use crate::common;

use common::live::Live;

const DAY: i64 = 86_400;

/// The catalog applied, and a test clock at now that billctl's clock follows.
fn start(live: &Live) -> (i64, String) {
    assert_eq!(live.cmd("setup-products --yes -q").code, 0);
    let wall = common::now();
    let clock = live.clock(wall);
    live.set_now(wall);
    (wall, clock)
}

/// `subscriptions create --customer CUS --tier pro --json`, with `extra` flags.
fn subscribe(live: &Live, cus: &str, extra: &str) -> common::Run {
    live.cmd(format!("subscriptions create --customer {cus} --tier pro --json {extra}"))
}

/// A new key of `cus`, as printed once.
fn issue_key(live: &Live, cus: &str) -> String {
    let key = live.cmd(format!("keys issue --customer {cus} -q")).stdout.trim().to_string();
    assert!(key.contains('_'), "a key: {key}");
    key
}

/// `webhooks backfill --since SINCE`: Stripe's events since then applied to the mirror, none
/// failed.
fn backfill(live: &Live, since: i64) {
    let applied = live.cmd(format!("webhooks backfill --since {since} --json"));
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    assert_eq!(applied.json()["failed"], 0, "{}", applied.stdout);
}

/// The catalog on a shared account: this run's plans are created, check clean, and are
/// archived when the test ends.
#[test]
fn the_catalog_is_provisioned_and_checked_on_a_shared_account() {
    let live = Live::new();
    let r = live.cmd("setup-products --yes --json");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let check = live.cmd("prices check --json");
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    // Idempotent: a second apply changes nothing.
    let again = live.cmd("setup-products --plan --json");
    assert_eq!(again.code, 0, "{}", again.stderr);
    let none = again.stdout.contains("\"actions\":[]") || again.stdout.contains("\"actions\": []");
    assert!(none, "{}", again.stdout);
    let product = live.get(&format!("/products/billctl_{}_pro", live.tag), &[]);
    assert_eq!(product["metadata"]["test_run"], live.tag.as_str());
}

/// A month on a test clock: a customer on the clock subscribes through billctl; the clock
/// moves a month and a day; the renewal reaches billctl's mirror through `webhooks backfill`
/// (events from `/v1/events`), and `revenue` counts the subscription.
#[test]
fn a_renewal_on_a_test_clock_reaches_the_mirror() {
    let live = Live::new();
    let (t0, clock) = start(&live);
    let cus = live.customer_on(&clock, "renewal@example.com");
    let created = subscribe(&live, &cus, "");
    assert_eq!(created.code, 0, "{}", created.stderr);
    let sub = created.json();
    let end = sub["current_period_end"].as_i64().expect("a period end");
    assert!(end > t0 + 27 * DAY, "{sub}");
    live.advance(&clock, end + DAY);
    live.set_now(end + DAY);
    backfill(&live, t0 - 60);
    let listed = live.cmd(format!("subscriptions list --customer {cus} --json"));
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let row = &listed.json()[0];
    assert_eq!(row["status"], "active", "{row}");
    assert_eq!(row["current_period_start"].as_i64(), Some(end), "renewed: {row}");
    let revenue = live.cmd("revenue --json");
    assert_eq!(revenue.code, 0, "{}", revenue.stderr);
    assert_eq!(revenue.json()["currencies"][0]["mrr"], 9_900, "{}", revenue.stdout);
}

/// A live-mode key is refused before any test runs against it.
#[test]
fn a_live_key_is_refused() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["--exact", "live::a_renewal_on_a_test_clock_reaches_the_mirror", "--nocapture"])
        .env(common::live::KEY_ENV, "sk_live_0000000000000000000000000000")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("live-mode key"), "{text}");
}

/// A trial on a test clock whose card is declined when it ends: the subscription turns
/// `past_due`, the mirror learns it from `/v1/events`, and the customer's key stays valid
/// within the grace, then `revenue` counts the subscription as paying (past_due is MRR).
#[test]
fn a_declined_charge_after_a_trial_reaches_the_mirror_and_the_verifier() {
    let live = Live::new();
    let (wall, clock) = start(&live);
    let cus = live.customer_with_card(&clock, "declined@example.com", "pm_card_chargeCustomerFail");
    let created = subscribe(&live, &cus, "--trial-days 7");
    assert_eq!(created.code, 0, "{}", created.stderr);
    assert_eq!(created.json()["status"], "trialing", "{}", created.stdout);
    let key = issue_key(&live, &cus);
    assert!(key.contains('_'), "a key: {key}");
    // Eight days on: the trial ended and its first charge was declined.
    live.advance(&clock, wall + 8 * DAY);
    live.set_now(wall + 8 * DAY);
    backfill(&live, wall - 60);
    let listed = live.cmd(format!("subscriptions list --customer {cus} --json"));
    let row = &listed.json()[0];
    assert_eq!(row["status"], "past_due", "{row}");
    let verified = live.cmd_stdin("keys verify --json", &format!("{key}\n"));
    assert_eq!(verified.code, 0, "within the grace: {}", verified.stdout);
    assert_eq!(verified.json()["code"], "VALID");
    let revenue = live.cmd("revenue --json").json();
    assert_eq!(revenue["currencies"][0]["mrr"], 9_900, "{revenue}");
}

/// Verifies `key` through billctl and returns its exit code and JSON.
fn verify(live: &Live, key: &str) -> (i32, serde_json::Value) {
    let r = live.cmd_stdin("keys verify --json", &format!("{key}\n"));
    (r.code, r.json())
}

/// The subscription lifecycle on a test clock: created on Pro, moved to Team, set to cancel
/// at the period end; the clock passes the end and the mirror, the key and `customers show`
/// all learn that it ended, from Stripe's own events.
#[test]
fn the_lifecycle_ends_access_when_stripe_ends_the_subscription() {
    let live = Live::new();
    let (wall, clock) = start(&live);
    let cus = live.customer_on(&clock, "lifecycle@example.com");
    let created = subscribe(&live, &cus, "");
    assert_eq!(created.code, 0, "{}", created.stderr);
    let sub = created.json();
    assert_eq!(sub["status"], "active", "{sub}");
    let id = sub["id"].as_str().expect("an id").to_string();
    let end = sub["current_period_end"].as_i64().expect("a period end");
    let key = issue_key(&live, &cus);
    assert_eq!(verify(&live, &key).1["code"], "VALID");

    let changed =
        live.cmd(format!("subscriptions change {id} --tier team --proration none --json"));
    assert_eq!(changed.code, 0, "{}", changed.stderr);
    assert_eq!(changed.json()["tier"], "team");
    // Stripe holds the Team price now, found by this run's lookup key.
    let stripe_sub = live.get(&format!("/subscriptions/{id}"), &[]);
    let team = format!("{}_team_monthly", live.tag);
    assert_eq!(
        stripe_sub["items"]["data"][0]["price"]["lookup_key"],
        team.as_str(),
        "{stripe_sub}"
    );
    assert_eq!(stripe_sub["metadata"]["billctl_tier"], "team");

    let cancel = live.cmd(format!("subscriptions cancel {id} --at-period-end --yes"));
    assert_eq!(cancel.code, 0, "{}", cancel.stderr);
    let stripe_sub = live.get(&format!("/subscriptions/{id}"), &[]);
    assert_eq!(stripe_sub["cancel_at_period_end"], true, "{stripe_sub}");
    // Within the period the key stays valid.
    assert_eq!(verify(&live, &key).1["code"], "VALID");

    // The clock passes the end: Stripe cancels the subscription and says so in its events.
    live.advance(&clock, end + 3_600);
    live.set_now(end + 3_600);
    backfill(&live, wall - 60);
    let listed = live.cmd(format!("subscriptions list --customer {cus} --json"));
    assert_eq!(listed.json()[0]["status"], "canceled", "{}", listed.stdout);
    let (code, v) = verify(&live, &key);
    assert_eq!(code, 1, "{v}");
    assert_ne!(v["code"], "VALID", "{v}");
    let shown = live.cmd(format!("customers show {cus} --json")).json();
    assert_eq!(shown["tier"], "none", "{shown}");
}

/// A customer without a card: Stripe leaves the subscription `incomplete`, billctl says so
/// and refuses the key; a card attached through billctl and the open invoice paid through
/// billctl make it active, and the key valid.
#[test]
fn access_follows_payment_from_incomplete_to_paid() {
    let live = Live::new();
    let (wall, clock) = start(&live);
    let cus = live.bare_customer(&clock, "nocard@example.com");
    let created = subscribe(&live, &cus, "");
    assert_eq!(created.code, 1, "incomplete: {}{}", created.stdout, created.stderr);
    let sub = created.json();
    assert_eq!(sub["status"], "incomplete", "{sub}");
    let key = issue_key(&live, &cus);
    let (code, v) = verify(&live, &key);
    assert_eq!((code, v["code"].as_str()), (1, Some("PAYMENT_REQUIRED")), "{v}");

    let pm =
        live.cmd(format!("payment-methods attach --customer {cus} pm_card_visa --default --json"));
    assert_eq!(pm.code, 0, "{}", pm.stderr);
    assert_eq!(pm.json()["last4"], "4242");
    let invoice = sub["latest_invoice_id"].as_str().expect("an invoice");
    let paid = live.cmd(format!("invoices pay {invoice} --yes --json"));
    assert_eq!(paid.code, 0, "{}", paid.stderr);
    assert_eq!(paid.json()["status"], "paid");
    let stripe_sub = live.get(&format!("/subscriptions/{}", sub["id"].as_str().unwrap()), &[]);
    assert_eq!(stripe_sub["status"], "active", "{stripe_sub}");
    backfill(&live, wall - 60);
    let (code, v) = verify(&live, &key);
    assert_eq!((code, v["code"].as_str()), (0, Some("VALID")), "{v}");
    let shown = live.cmd(format!("customers show {cus} --json")).json();
    assert_eq!(shown["access"], "granted", "{shown}");
    assert_eq!(shown["default_payment_method"]["last4"], "4242");
}

/// Drift made in Stripe behind billctl's back, through Stripe's public API: a price archived,
/// a product archived, and a lookup key moved to a cheaper price. `prices check` finds all
/// three and exits 1.
#[test]
fn drift_made_in_stripe_is_caught_by_the_check() {
    let live = Live::new();
    assert_eq!(live.cmd("setup-products --yes -q").code, 0);
    let lookup = |name: &str| format!("{}_{name}", live.tag);
    let price = |name: &str| {
        let found = live.get("/prices", &[("lookup_keys[]", &lookup(name))]);
        found["data"][0]["id"].as_str().expect("a price").to_string()
    };
    let team = price("team_monthly");
    live.post(&format!("/prices/{team}"), &[("active", "false")]);
    let enterprise = format!("billctl_{}_enterprise", live.tag);
    live.post(&format!("/products/{enterprise}"), &[("active", "false")]);
    let (pro, key) = (format!("billctl_{}_pro", live.tag), lookup("pro_monthly"));
    let price = [("product", pro.as_str()), ("currency", "usd"), ("unit_amount", "100")];
    let more = [
        ("recurring[interval]", "month"),
        ("lookup_key", key.as_str()),
        ("transfer_lookup_key", "true"),
    ];
    live.post(
        "/prices",
        &[&price[..], &more, &[("metadata[test_run]", live.tag.as_str())]].concat(),
    );
    let r = live.cmd("prices check --json");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let report = r.json();
    assert_eq!(report["drift"], 3, "{report}");
    let text = report.to_string();
    assert!(text.contains(&format!("price {team} is archived")), "{text}");
    assert!(text.contains(&format!("product {enterprise} is archived")), "{text}");
    assert!(text.contains("price is $1.00 / month, config says $99.00 / month"), "{text}");
}

/// The switch with a key, end to end, on one account that every test shares: the other
/// live-capable tests run as they would against Stripe (`BILLCTL_TEST_STRIPE_KEY` and
/// `BILLCTL_TEST_STRIPE_BASE`, here a simulator of this test's own, standing for a shared
/// test account), two test threads at once. They pass without seeing each other's objects,
/// stay under the test-mode rate limit, and leave the account clean: no clock, no customer,
/// every product and price archived.
#[test]
fn the_tests_share_one_account_and_leave_it_clean() {
    if std::env::var_os(common::live::KEY_ENV).is_some() {
        eprintln!("note: this test checks the switch itself, with a simulator of its own");
    }
    let account = stripe_sim::StripeSim::builder()
        .rate_limit(common::live::TEST_MODE_LIMIT)
        .start()
        .expect("the simulator starts");
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["live::", "--skip", "the_tests_share_one_account_and_leave_it_clean"])
        .args(["--skip", "a_live_key_is_refused", "--test-threads", "2"])
        .env(common::live::KEY_ENV, account.api_key())
        .env(common::live::BASE_ENV, account.base_url())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("test result: ok. 6 passed"), "{text}");
    let log = account.requests();
    assert!(log.iter().all(|r| r.status != 429), "over the rate limit");
    let st = account.state();
    assert!(st.test_clocks.is_empty(), "clocks left: {:?}", st.test_clocks.keys());
    // Stripe keeps a deleted customer as a tombstone (`deleted: true`).
    assert_eq!(st.customers.len(), 4, "a customer per test that makes one");
    for (id, c) in &st.customers {
        assert_eq!(c["deleted"], true, "customer {id} is left");
    }
    assert!(!st.products.is_empty() && !st.prices.is_empty());
    for (id, o) in st.products.iter().chain(st.prices.iter()) {
        assert_eq!(o["active"], false, "{id} is still active");
    }
    // Six runs, six tags: every product belongs to one run's catalog.
    let tags: std::collections::BTreeSet<&str> = st
        .products
        .keys()
        .filter_map(|id| id.strip_prefix("billctl_")?.split('_').next())
        .collect();
    assert_eq!(tags.len(), 6, "{tags:?}");
}

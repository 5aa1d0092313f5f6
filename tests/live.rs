//! Live-capable tests (issue 21): only Stripe's public API, so they run unchanged against real
//! Stripe test mode (`BILLCTL_TEST_STRIPE_KEY=sk_test_…`) or, by default, as a dry run
//! against the simulator reached only through its base URL (see tests/common/live.rs). Time
//! moves through Stripe's test clocks, never the simulator's own clock.

mod common;

use common::live::Live;

const DAY: i64 = 86_400;

/// The catalog on a shared account: this run's plans are created, check clean, and are
/// archived when the test ends.
#[test]
fn the_catalog_is_provisioned_and_checked_on_a_shared_account() {
    let live = Live::new();
    let r = live.billctl(&["setup-products", "--yes", "--json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let check = live.billctl(&["prices", "check", "--json"]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    // Idempotent: a second apply changes nothing.
    let again = live.billctl(&["setup-products", "--plan", "--json"]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert!(
        again.stdout.contains("\"actions\":[]") || again.stdout.contains("\"actions\": []"),
        "{}",
        again.stdout
    );
    let product = live.get(&format!("/products/billctl_{}_pro", live.tag), &[]);
    assert_eq!(product["metadata"]["test_run"], live.tag.as_str());
}

/// A month on a test clock: a customer on the clock subscribes through billctl; the clock
/// moves a month and a day; the renewal reaches billctl's mirror through `webhooks backfill`
/// (events from `/v1/events`), and `revenue` counts the subscription.
#[test]
fn a_renewal_on_a_test_clock_reaches_the_mirror() {
    let live = Live::new();
    assert_eq!(live.billctl(&["setup-products", "--yes", "-q"]).code, 0);
    let wall = common::now();
    let t0 = wall;
    let clock = live.clock(t0);
    live.set_now(t0);
    let cus = live.customer_on(&clock, "renewal@example.com");
    let created = live.billctl(&[
        "subscriptions",
        "create",
        "--customer",
        &cus,
        "--tier",
        "pro",
        "--json",
    ]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    let sub = created.json();
    let end = sub["current_period_end"].as_i64().expect("a period end");
    assert!(end > t0 + 27 * DAY, "{sub}");
    live.advance(&clock, end + DAY);
    live.set_now(end + DAY);
    let applied = live.billctl(&[
        "webhooks",
        "backfill",
        "--since",
        &(t0 - 60).min(wall - 60).to_string(),
        "--json",
    ]);
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    assert_eq!(applied.json()["failed"], 0, "{}", applied.stdout);
    let listed = live.billctl(&["subscriptions", "list", "--customer", &cus, "--json"]);
    assert_eq!(listed.code, 0, "{}", listed.stderr);
    let row = &listed.json()[0];
    assert_eq!(row["status"], "active", "{row}");
    assert_eq!(
        row["current_period_start"].as_i64(),
        Some(end),
        "renewed: {row}"
    );
    let revenue = live.billctl(&["revenue", "--json"]);
    assert_eq!(revenue.code, 0, "{}", revenue.stderr);
    assert_eq!(
        revenue.json()["currencies"][0]["mrr"],
        9_900,
        "{}",
        revenue.stdout
    );
}

/// A live-mode key is refused before any test runs against it.
#[test]
fn a_live_key_is_refused() {
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "a_renewal_on_a_test_clock_reaches_the_mirror",
            "--nocapture",
        ])
        .env(
            common::live::KEY_ENV,
            "sk_live_0000000000000000000000000000",
        )
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
    assert_eq!(live.billctl(&["setup-products", "--yes", "-q"]).code, 0);
    let wall = common::now();
    let clock = live.clock(wall);
    live.set_now(wall);
    let cus = live.customer_with_card(&clock, "declined@example.com", "pm_card_chargeCustomerFail");
    let created = live.billctl(&[
        "subscriptions",
        "create",
        "--customer",
        &cus,
        "--tier",
        "pro",
        "--trial-days",
        "7",
        "--json",
    ]);
    assert_eq!(created.code, 0, "{}", created.stderr);
    assert_eq!(created.json()["status"], "trialing", "{}", created.stdout);
    let key = live
        .billctl(&["keys", "issue", "--customer", &cus, "-q"])
        .stdout
        .trim()
        .to_string();
    assert!(key.contains('_'), "a key: {key}");
    // Eight days on: the trial ended and its first charge was declined.
    live.advance(&clock, wall + 8 * DAY);
    live.set_now(wall + 8 * DAY);
    let applied = live.billctl(&[
        "webhooks",
        "backfill",
        "--since",
        &(wall - 60).to_string(),
        "--json",
    ]);
    assert_eq!(applied.code, 0, "{}", applied.stderr);
    let listed = live.billctl(&["subscriptions", "list", "--customer", &cus, "--json"]);
    let row = &listed.json()[0];
    assert_eq!(row["status"], "past_due", "{row}");
    let verified = live.billctl_with_stdin(&["keys", "verify", "--json"], &format!("{key}\n"));
    assert_eq!(verified.code, 0, "within the grace: {}", verified.stdout);
    assert_eq!(verified.json()["code"], "VALID");
    let revenue = live.billctl(&["revenue", "--json"]).json();
    assert_eq!(revenue["currencies"][0]["mrr"], 9_900, "{revenue}");
}

//! `billctl revenue` over a scripted month on the simulator's clock: sign-ups, a trial, an
//! incomplete sign-up, an upgrade, a downgrade, a cancellation, a failed renewal that ends
//! unpaid, and a reactivation. The MRR and every movement must come out exactly.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it scripts a month on the simulator's own clock.

use crate::common;

use common::tests3::{pick, str_at};
use common::Env;
use serde_json::{json, Value};

const DAY: i64 = 86_400;

/// Moves the simulator's clock and billctl's to `t`, and applies what Stripe emitted on the way
/// (as `webhooks listen` would have).
fn go_to(env: &Env, t: i64) {
    let from = env.sim.now();
    if t > from {
        env.sim.advance_clock(t - from).unwrap();
    }
    env.set_now(env.sim.now());
    let applied = env.cmd(format!("webhooks backfill --since {} --json", from - 60)).ok().json();
    assert_eq!(applied["failed"], 0, "{applied}");
}

/// Moves the customer's subscription to `tier` through billctl.
fn change_tier(env: &Env, customer: &str, tier: &str) {
    env.cmd(format!("subscriptions change {} --tier {tier} --yes -q", env.sub_of(customer))).ok();
}

/// The head of `revenue --csv`.
const CSV_HEAD: &str = "currency,tier,subscriptions,mrr_minor,seats\n";

/// The fields `keys` of each object in the array `v`.
fn rows(v: &Value, keys: &[&str]) -> Vec<Value> {
    v.as_array().unwrap().iter().map(|t| pick(t, keys)).collect()
}

fn movement(m: &Value, kind: &str) -> (i64, i64) {
    (m[kind]["customers"].as_i64().unwrap(), m[kind]["mrr"].as_i64().unwrap())
}

#[test]
fn a_scripted_month_gives_exact_mrr_and_movements() {
    let env = Env::with_catalog();
    // The month before: from its first day.
    let (_, prev) = billctl::domain::time::month_of(env.sim.now());
    go_to(&env, prev + 3600);
    let a = env.subscribed("a@example.com", "pro");
    let b = env.subscribed("b@example.com", "team");
    let c = env.subscribed("c@example.com", "pro");
    let f = env.subscribed("f@example.com", "enterprise");
    let g = env.subscribed("g@example.com", "pro");
    go_to(&env, prev + 10 * DAY);
    // C churns before the month, so that it can come back in it.
    env.cmd(format!("subscriptions cancel {} --yes -q", env.sub_of(&c))).ok();

    // The month: G's card fails from now on, so its renewal on day 1 is declined.
    let (m0, _) = billctl::domain::time::month_of(prev + 40 * DAY);
    env.sim.add_card(&g, "pm_card_chargeCustomerFail").unwrap();
    env.sim.set_settings(stripe_sim::state::Settings {
        after_all_retries_fail: "unpaid".into(),
        ..Default::default()
    });
    go_to(&env, m0 + DAY + 3600);
    assert_eq!(env.store().current_subscription(&g).unwrap().unwrap().row.status, "past_due");
    go_to(&env, m0 + 2 * DAY);
    let d = env.subscribed("d@example.com", "pro"); // new
    go_to(&env, m0 + 3 * DAY);
    change_tier(&env, &a, "team"); // expansion
    go_to(&env, m0 + 5 * DAY);
    change_tier(&env, &b, "pro"); // contraction
    go_to(&env, m0 + 7 * DAY);
    env.cmd(format!("subscriptions cancel {} --yes -q", env.sub_of(&f))).ok(); // churn
    go_to(&env, m0 + 9 * DAY);
    env.sub(&c, "pro").create(); // reactivation
                                 // A trial, and (below) a sign-up without a card: neither is MRR.
    let h = env.customer("h@example.com");
    env.sub(&h, "team").trial(14).create();
    // G's retries all fail: unpaid, which ends its MRR.
    go_to(&env, m0 + 20 * DAY);
    assert_eq!(env.store().current_subscription(&g).unwrap().unwrap().row.status, "unpaid");
    // Stripe expires an incomplete subscription after 23 hours: this one is made just before
    // the report.
    let i = env.customer_without_card("i@example.com");
    let incomplete = env.sub(&i, "pro").arg("-q").run();
    assert_ne!(incomplete.code, 0, "no card: incomplete");

    let day = billctl::domain::time::utc_date(m0 + 20 * DAY);
    let r = env.cmd(format!("revenue --as-of {day} --json")).ok().json();
    assert_eq!(r["month"], billctl::domain::time::utc_date(m0)[..7]);
    let usd = &r["currencies"][0];
    assert_eq!(usd["currency"], "usd");
    // End: A team 499, B pro 99, C pro 99, D pro 99.
    assert_eq!(usd["mrr"], 49_900 + 3 * 9_900, "{r}");
    assert_eq!(usd["paying_customers"], 4);
    assert_eq!(usd["arpa"], (49_900 + 3 * 9_900) / 4);
    assert_eq!(usd["trials"]["subscriptions"], 1);
    assert_eq!(usd["trials"]["mrr"], 49_900);
    assert_eq!(usd["incomplete"]["subscriptions"], 1);
    assert_eq!(usd["incomplete"]["mrr"], 9_900);
    let tiers = rows(&usd["tiers"], &["tier", "subscriptions", "mrr"]);
    assert_eq!(tiers, vec![json!(["pro", 3, 3 * 9_900]), json!(["team", 1, 49_900])]);
    let m = &r["movements"][0];
    // Start: A pro 99, B team 499, F enterprise 5,000, G pro 99 (C churned the month before).
    assert_eq!(m["start_mrr"], 9_900 + 49_900 + 500_000 + 9_900, "{m}");
    assert_eq!(movement(m, "new"), (1, 9_900), "D");
    assert_eq!(movement(m, "reactivation"), (1, 9_900), "C");
    assert_eq!(movement(m, "expansion"), (1, 40_000), "A: pro to team");
    assert_eq!(movement(m, "contraction"), (1, 40_000), "B: team to pro");
    assert_eq!(movement(m, "churn"), (2, 500_000 + 9_900), "F canceled, G unpaid");
    assert_eq!(m["net"], m["end_mrr"].as_i64().unwrap() - m["start_mrr"].as_i64().unwrap());
    // Subscribers by tier and status include the ones that bring no MRR.
    let statuses = rows(&r["subscribers"], &["tier", "status", "subscriptions"]);
    assert!(statuses.contains(&json!(["team", "trialing", 1])), "{statuses:?}");
    assert!(statuses.contains(&json!(["pro", "incomplete", 1])), "{statuses:?}");

    // Any past month is rebuilt from the history: the month before ended with A, B, F, G.
    let by_month = env.cmd(format!("revenue --by month --as-of {day} --json")).ok().json();
    let months = by_month["months"].as_array().unwrap();
    let before = &months[months.len() - 2];
    assert_eq!(before["month"], billctl::domain::time::utc_date(prev)[..7]);
    assert_eq!(before["currencies"][0]["mrr"], 9_900 + 49_900 + 500_000 + 9_900);
    let before_moves = &before["movements"][0];
    let why = "A, B, F and G; C joined and left within the month, so it is neither new nor churn";
    assert_eq!(movement(before_moves, "new"), (4, 9_900 * 2 + 49_900 + 500_000), "{why}");
    assert_eq!(movement(before_moves, "churn"), (0, 0), "C joined and left in the same month");
    assert_eq!(months.last().unwrap()["currencies"][0]["mrr"], usd["mrr"]);
    // CSV and the table say the same.
    let csv = env.cmd(format!("revenue --as-of {day} --csv")).ok().stdout;
    assert_eq!(csv, format!("{CSV_HEAD}usd,pro,3,29700,3\nusd,team,1,49900,1\n"));
    let table = env.cmd(format!("revenue --as-of {day}")).ok().stdout;
    assert!(table.contains("$796.00") && table.contains("$5,099.00"), "{table}");
    // The HTML page: one chart per measure, a bar segment per tier and month.
    let page = env.path("revenue.html");
    env.cmd(format!("revenue --as-of {day} --html {} -q", page.display())).ok();
    let html = std::fs::read_to_string(&page).unwrap();
    assert!(html.contains("MRR by month, stacked by tier (USD)"));
    let month = &billctl::domain::time::utc_date(prev)[..7];
    assert!(html.contains(&format!(
        "data-month=\"{month}\" data-tier=\"enterprise\" data-value=\"500000\""
    )));
    assert!(!html.contains("<script"));
    let _ = d;
}

#[test]
fn bad_input_is_refused_with_the_flag_named() {
    let env = Env::new();
    let r = env.cmd("revenue --by month --from 2026-13").code(2);
    assert!(r.stderr.contains("--from"), "{}", r.stderr);
    let r = env.cmd("revenue --by month --from 2026-06 --to 2026-01").code(2);
    assert!(r.stderr.contains("--from 2026-06 is after --to 2026-01"), "{}", r.stderr);
    let r = env.cmd("revenue --from 2026-01").code(2);
    assert!(r.stderr.contains("--by month"), "{}", r.stderr);
    let r = env.cmd("revenue --by month --from 2000-01 --to 2026-01").code(2);
    assert!(r.stderr.contains("120 months"), "{}", r.stderr);
}

/// `subscriptions sync --backfill-history` builds the history of a store that never saw the
/// changes happen: the last 30 days from Stripe's events (which reach no further), older
/// changes from each subscription's own timestamps. Its months then read as those of the store
/// that recorded every change as it came.
#[test]
fn a_backfilled_history_gives_the_same_months() {
    let env = Env::with_catalog();
    let (_, first) = billctl::domain::time::month_of(env.sim.now());
    go_to(&env, first + 3600);
    let x = env.subscribed("x@example.com", "pro");
    let y = env.subscribed("y@example.com", "team");
    go_to(&env, first + 10 * DAY);
    env.cmd(format!("subscriptions cancel {} --yes -q", env.sub_of(&y))).ok();
    // Two months on: the events above are past Stripe's 30 days.
    let (_, second) = billctl::domain::time::month_of(first + 40 * DAY);
    go_to(&env, second + 5 * DAY);
    change_tier(&env, &x, "team");
    go_to(&env, second + 8 * DAY);
    let _z = env.subscribed("z@example.com", "enterprise");
    go_to(&env, second + 12 * DAY);

    // Another host's store, empty, on the same Stripe account.
    let other = env.path("other-host");
    let url = common::on_postgres().then(|| common::pg::cluster().unwrap().fresh_db());
    // Without Postgres the empty URL removes a variable that is not set.
    let url = url.unwrap_or_default();
    let run_other = |line: &str| {
        env.cmd_vars(&[("BILLCTL_DATA_DIR", &other), ("BILLCTL_DATABASE_URL", &url)], line)
    };
    run_other("setup-products --yes -q").ok();
    let synced = run_other("subscriptions sync --backfill-history --json").ok().json();
    assert_eq!(synced["history"]["subscriptions"], 3, "{synced}");
    assert!(synced["history"]["events"].as_i64().unwrap() > 0);
    let months = |r: common::Run| -> Vec<(String, i64)> {
        let months = r.ok().json()["months"].as_array().unwrap().clone();
        months
            .iter()
            .map(|m| (str_at(m, "/month"), m["currencies"][0]["mrr"].as_i64().unwrap_or(0)))
            .collect()
    };
    let line = format!(
        "revenue --by month --from {} --json",
        &billctl::domain::time::utc_date(first)[..7]
    );
    let recorded = months(env.cmd(&line));
    let rebuilt = months(run_other(&line));
    assert_eq!(recorded.len(), 3);
    // X on Pro through the first two months (Y joined and left within the first), then X on
    // Team and Z on Enterprise.
    let mrr: Vec<i64> = recorded.iter().map(|m| m.1).collect();
    assert_eq!(mrr, vec![9_900, 9_900, 49_900 + 500_000]);
    assert_eq!(rebuilt, recorded);
    // Run again: nothing more to add.
    let again = run_other("subscriptions sync --backfill-history --json").ok().json();
    assert_eq!(again["history"]["rows"], 0, "{again}");
}

/// Metered usage above the quota shows as an estimate for the current period, apart from MRR:
/// Pro bills 1 cent a call over 10,000, Team 100 cents per 1,000 over 100,000.
#[test]
fn overage_is_estimated_apart_from_mrr() {
    let env = Env::with_sim(stripe_sim::StripeSim::start());
    env.use_config(&common::metered_config());
    env.cmd("setup-products --yes -q").ok();
    let pro = env.subscribed("p@example.com", "pro");
    let team = env.subscribed("t@example.com", "team");
    let light = env.subscribed("l@example.com", "pro");
    for (customer, calls) in [(&pro, 10_250), (&team, 101_555), (&light, 9_000)] {
        let id = str_at(&env.json(format!("keys issue --customer {customer}")), "/id");
        env.cmd(format!("usage record --key {id} --quantity {calls}")).ok();
    }
    let r = env.json("revenue");
    let usd = &r["currencies"][0];
    assert_eq!(usd["mrr"], 9_900 * 2 + 49_900, "overage is not MRR: {r}");
    let est = &r["overage_estimate"][0];
    // 250 calls at 1 cent; 1,555 calls at 0.1 cent = 155.5, rounded half up to 156.
    assert_eq!(est["currency"], "usd");
    assert_eq!(est["customers"], 2, "{est}");
    assert_eq!(est["calls"], 250 + 1_555);
    assert_eq!(est["amount"], 250 + 156);
    let table = env.cmd("revenue").ok().stdout;
    assert!(table.contains("an estimate, not MRR") && table.contains("$4.06"), "{table}");
    // A past day has no estimate: it is of the current period only.
    let past = billctl::domain::time::utc_date(env.sim.now() - 2 * DAY);
    let r = env.json(format!("revenue --as-of {past}"));
    assert!(r.get("overage_estimate").is_none(), "{r}");
}

/// Sets the quantity of `customer`'s subscription through Stripe's API (as the Dashboard would:
/// Team is sold with seats), then applies the event.
fn set_quantity(env: &Env, customer: &str, quantity: i64) {
    let m = env.store().current_subscription(customer).unwrap().unwrap().row;
    let from = env.sim.now();
    let q = quantity.to_string();
    let items = [("items[0][id]", m.item_id.as_str()), ("items[0][quantity]", q.as_str())];
    let updated = env.stripe_post(&format!("/subscriptions/{}", m.id), &items);
    assert_eq!(updated["items"]["data"][0]["quantity"], quantity, "{updated}");
    go_to(env, from);
}

/// MRR counts quantity (issue 29): a Team subscription of 3 seats is 3 × $499 in MRR, ARPA,
/// the history, `--by month`, `--csv` and the dashboard; a change from 3 to 5 seats mid-month
/// is expansion, and a later change down is contraction.
#[test]
fn mrr_is_the_unit_amount_times_the_quantity() {
    let env = Env::with_catalog();
    let (_, prev) = billctl::domain::time::month_of(env.sim.now());
    go_to(&env, prev + 3600);
    let team = env.subscribed("seats@example.com", "team");
    let pro = env.subscribed("solo@example.com", "pro");
    set_quantity(&env, &team, 3);
    let m = env.store().current_subscription(&team).unwrap().unwrap().row;
    assert_eq!(m.quantity, 3, "the mirror keeps the quantity");
    let (m0, _) = billctl::domain::time::month_of(prev + 40 * DAY);
    go_to(&env, m0 + 14 * DAY);
    set_quantity(&env, &team, 5);
    go_to(&env, m0 + 20 * DAY);
    set_quantity(&env, &pro, 1);

    let day = billctl::domain::time::utc_date(m0 + 21 * DAY);
    let r = env.cmd(format!("revenue --as-of {day} --json")).ok().json();
    let usd = &r["currencies"][0];
    assert_eq!(usd["mrr"], 5 * 49_900 + 9_900, "{r}");
    assert_eq!(usd["arpa"], (5 * 49_900 + 9_900) / 2);
    let m = &r["movements"][0];
    assert_eq!(m["start_mrr"], 3 * 49_900 + 9_900, "{m}");
    assert_eq!(movement(m, "expansion"), (1, 2 * 49_900), "3 to 5 seats");
    assert_eq!(movement(m, "new"), (0, 0));
    let by_month = env.cmd(format!("revenue --by month --as-of {day} --json")).ok().json();
    let months = by_month["months"].as_array().unwrap();
    let before = &months[months.len() - 2];
    assert_eq!(before["currencies"][0]["mrr"], 3 * 49_900 + 9_900);
    assert_eq!(movement(&before["movements"][0], "new"), (2, 3 * 49_900 + 9_900));
    let csv = env.cmd(format!("revenue --as-of {day} --csv")).ok().stdout;
    assert_eq!(csv, format!("{CSV_HEAD}usd,pro,1,9900,1\nusd,team,1,249500,5\n"));
    let board = env.cmd("dashboard --json").ok().json();
    let now = &board["revenue"]["now"]["currencies"][0];
    assert_eq!(now["mrr"], 5 * 49_900 + 9_900, "the dashboard's MRR: {now}");
    let team_now: Vec<_> =
        now["tiers"].as_array().unwrap().iter().filter(|t| t["tier"] == "team").collect();
    assert_eq!(team_now[0]["mrr"], 5 * 49_900);

    // Down to 2 seats: contraction of 3 × 499.
    go_to(&env, m0 + 22 * DAY);
    set_quantity(&env, &team, 2);
    let day = billctl::domain::time::utc_date(m0 + 23 * DAY);
    let r = env.cmd(format!("revenue --as-of {day} --json")).ok().json();
    let m = &r["movements"][0];
    assert_eq!(r["currencies"][0]["mrr"], 2 * 49_900 + 9_900);
    assert_eq!(movement(m, "expansion"), (0, 0), "{m}");
    assert_eq!(movement(m, "contraction"), (1, 49_900), "3 to 2 seats over the month");
}

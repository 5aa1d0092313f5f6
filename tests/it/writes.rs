//! Every billing change is one workflow whichever door it came through (issue 39, point 6):
//! the command line and serve's self-service routes write the same audit rows, naming the
//! actor, and no audit row is written outside `ops/` (and `store/`, which performs the insert).
//! And every Stripe write billctl makes does what billctl reports (point 1): the table of
//! writes, each driven A -> B -> A -> B within one simulated day, with Stripe's state checked.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it reads the simulator's state and request log.

use crate::common::Env;
use crate::serve::{token, Serve};
use serde_json::{json, Value};

/// The OS user billctl names as the actor on the command line.
fn os_user() -> String {
    let out = std::process::Command::new("id")
        .arg("-un")
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_string()
}

/// The audit log, oldest first, as `audit list --json` shows it.
fn audit(env: &Env) -> Vec<Value> {
    env.run(&["audit", "list", "--json"])
        .ok()
        .json()
        .as_array()
        .unwrap()
        .clone()
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
    let price = s["items"]["data"][0]["price"]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let key = env.sim.state().prices[&price]["lookup_key"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    (key, s["cancel_at_period_end"].as_bool().unwrap())
}

#[test]
fn every_lifecycle_change_from_the_command_line_writes_its_audit_row() {
    let env = Env::with_catalog();
    let me = os_user();
    let before = audit(&env).len();
    let cus = env
        .run(&["customers", "create", "--email", "ada@example.com", "-q"])
        .ok()
        .stdout
        .trim()
        .to_string();
    env.add_card(&cus);
    let sub = env
        .run(&[
            "subscriptions",
            "create",
            "--customer",
            &cus,
            "--tier",
            "pro",
            "--json",
        ])
        .ok()
        .json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    env.run(&["subscriptions", "change", &sub, "--tier", "team", "-q"])
        .ok();
    assert_eq!(stripe_sub(&env, &sub), ("team_monthly".into(), false));
    env.run(&[
        "subscriptions",
        "cancel",
        &sub,
        "--at-period-end",
        "--yes",
        "-q",
    ])
    .ok();
    assert_eq!(stripe_sub(&env, &sub), ("team_monthly".into(), true));
    env.run(&["subscriptions", "resume", &sub, "-q"]).ok();
    assert_eq!(stripe_sub(&env, &sub), ("team_monthly".into(), false));
    // Nothing to do is said, exits 0, and writes no row.
    let r = env
        .run(&["subscriptions", "change", &sub, "--tier", "team"])
        .ok();
    assert!(
        r.stderr.contains("already on team: nothing to change"),
        "{}",
        r.stderr
    );
    let r = env.run(&["subscriptions", "resume", &sub]).ok();
    assert!(
        r.stderr.contains("is not set to end: nothing to undo"),
        "{}",
        r.stderr
    );
    let rows = audit(&env);
    let want: Vec<(String, String)> = [
        "customer.create",
        "subscription.create",
        "subscription.change",
        "subscription.cancel",
        "subscription.resume",
    ]
    .iter()
    .map(|a| (a.to_string(), me.clone()))
    .collect();
    assert_eq!(actions(&rows, before), want);
    let change = &rows[before + 2];
    assert_eq!(change["customer_id"], cus);
    assert_eq!(
        change["detail"],
        json!({"subscription": sub, "from": "pro", "to": "team", "proration": "create_prorations"})
    );
    assert_eq!(rows[before + 1]["detail"]["subscription"], sub);
    assert_eq!(rows[before + 3]["detail"]["at_period_end"], true);
    // The write journal counts the subscription's three changes.
    let seq = env.count(
        &format!("SELECT seq FROM stripe_writes WHERE object = '{sub}'"),
        false,
    );
    assert_eq!(seq, 3);
}

/// The self-service twins give the same outcome and the same audit row through the same
/// workflow, with the token's name as the actor.
#[test]
fn the_self_service_twins_give_the_same_outcome_and_audit_row() {
    let env = Env::with_catalog();
    let cli = env.subscribed("cli@example.com", "pro");
    let web_cus = env.subscribed("web@example.com", "pro");
    let sub_of = |c: &str| env.store().current_subscription(c).unwrap().unwrap().row.id;
    let (cli_sub, web_sub) = (sub_of(&cli), sub_of(&web_cus));
    let web = token(&env, "web-app", "self-service");
    let serve = Serve::start(&env, &[]);
    let before = audit(&env).len();
    let plan = format!("/v1/customers/{web_cus}/subscription");
    let steps: [(&str, Value, Vec<&str>); 3] = [
        (
            "",
            json!({"tier": "team"}),
            vec!["subscriptions", "change", &cli_sub, "--tier", "team"],
        ),
        (
            "/cancel",
            json!({}),
            vec![
                "subscriptions",
                "cancel",
                &cli_sub,
                "--at-period-end",
                "--yes",
            ],
        ),
        (
            "/resume",
            json!({}),
            vec!["subscriptions", "resume", &cli_sub],
        ),
    ];
    for (suffix, body, args) in &steps {
        let a = serve.post(&format!("{plan}{suffix}"), &web, body);
        assert_eq!(a.status, 200, "{}", a.body);
        let mut argv = args.clone();
        argv.extend(["-q", "--json"]);
        let shown = env.run(&argv).ok().json();
        let answered = &a.json()["subscription"];
        for k in ["tier", "status", "cancel_at_period_end", "price_id"] {
            assert_eq!(answered[k], shown[k], "{suffix}: {k}");
        }
        assert_eq!(
            stripe_sub(&env, &web_sub),
            stripe_sub(&env, &cli_sub),
            "{suffix}"
        );
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
        d["subscription"] = json!(cli_sub);
        assert_eq!(d, cli_row["detail"]);
    }
    // Nothing to do over serve: 200 with the workflow's own message, no row.
    let a = serve.post(&format!("{plan}/resume"), &web, &json!({}));
    assert_eq!(a.status, 200, "{}", a.body);
    assert!(a.json()["message"]
        .as_str()
        .unwrap()
        .contains("nothing to undo"));
    assert_eq!(audit(&env).len(), rows.len());
}

/// `src/` files outside `ops/` and `store/` that write an audit row: none may.
#[test]
fn no_audit_row_is_written_outside_ops_and_store() {
    const WRITES: &[&str] = &[
        "append_audit",
        "ops::audit(",
        "super::audit(",
        "Audit {",
        "record_write(",
    ];
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![src.clone()];
    let mut found = Vec::new();
    let mut seen = 0;
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(&src).unwrap().display().to_string();
            if p.is_dir() {
                if rel != "ops" && rel != "store" {
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
    assert!(
        found.is_empty(),
        "audit rows written outside ops/ and store/: {found:?}"
    );
}

//! A Stripe write needs the write permission (issue 39, point 8): every command that takes the
//! write handle (`stripe::Writer`, made only by the live-mode check) is refused with a
//! live-mode key unless `--live` is given (exit 2, `--live` named, and no request reaches
//! Stripe), and is allowed with `--live --yes`. One table holds the commands; it fails when a
//! command in `src/commands/` takes the handle without a row.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it uses a live-mode key and reads the simulator's request log.

use crate::common::{self, Env};
use crate::serve::{token, Serve};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use stripe_sim::StripeSim;

const LIVE_KEY: &str = "sk_live_billctltest0000000000000000";

/// What a command needs from the ones before it (ids it printed), and what it leaves.
type Ids = BTreeMap<&'static str, String>;

/// One writing command: where it takes the write handle (file under `src/commands/` and the
/// function), its arguments (`{name}` is an id from `Ids`), and what it leaves for the rows
/// after it (`(name, JSON pointer)` into its `--json` answer).
struct Row {
    site: (&'static str, &'static str),
    args: &'static str,
    keeps: &'static [(&'static str, &'static str)],
}

/// In order: each row runs refused, then allowed, and later rows use what earlier ones made.
const ROWS: &[Row] = &[
    row("setup_products.rs", "run", "setup-products", &[]),
    row("customers.rs", "create", "customers create --email w@example.com", &[("cus", "/id")]),
    row("customers.rs", "update", "customers update {cus} --name Wanda", &[]),
    row("payments.rs", "set_default", "payment-methods default --customer {cus} {pm}", &[]),
    row("payments.rs", "attach", "payment-methods attach --customer {cus} {pm}", &[]),
    row("subscriptions.rs", "create", INVOICED, &[("sub", "/id"), ("inv", "/latest_invoice_id")]),
    row("invoices.rs", "act", "invoices send {inv}", &[]),
    row("invoices.rs", "act", "invoices pay {inv}", &[]),
    row("subscriptions.rs", "change", "subscriptions change {sub} --tier team", &[]),
    row("subscriptions.rs", "cancel", "subscriptions cancel {sub} --at-period-end", &[]),
    row("subscriptions.rs", "resume", "subscriptions resume {sub}", &[]),
    row("subscriptions.rs", "cancel", "subscriptions cancel {sub}", &[]),
    row("subscriptions.rs", "create", INVOICED, &[("sub", "/id"), ("inv", "/latest_invoice_id")]),
    row("invoices.rs", "act", "invoices void {inv}", &[]),
    row(
        "payments.rs",
        "create_portal",
        "portal create --customer {cus} --return-url https://example.com/account",
        &[],
    ),
    row("checkout.rs", "create", "checkout create --tier pro --email new@example.com", &[]),
    row("checkout.rs", "setup", "checkout create --mode setup --customer {cus}", &[]),
    row("payments.rs", "detach", "payment-methods detach {pm}", &[]),
    row("usage/sync.rs", "sync", "usage sync", &[]),
    row(
        "webhooks/endpoint.rs",
        "endpoint_create",
        "webhooks endpoint create --url https://app.example.com/hooks",
        &[("we", "/id")],
    ),
    row("webhooks/endpoint.rs", "endpoint_delete", "webhooks endpoint delete {we}", &[]),
];

/// A subscription billed by invoice.
const INVOICED: &str = "subscriptions create --customer {cus} --tier pro --collection invoice";

const fn row(
    file: &'static str,
    fun: &'static str,
    args: &'static str,
    keeps: &'static [(&'static str, &'static str)],
) -> Row {
    Row { site: (file, fun), args, keeps }
}

/// `serve`'s self-service routes take their handle through the same check; tested apart (a
/// server, not a one-shot command) by `serve_writes_only_with_live`.
const SERVE_SITE: (&str, &str) = ("serve.rs", "stripe_access");

/// The methods of `Ctx` that give out the write handle (each goes through `Ctx::writer`).
const TAKERS: &[&str] = &[".writer(", ".stripe_for_write(", ".stripe_for_confirmed_write("];

/// `billctl ARGS` with the test's config (a meter, and webhook secrets kept in a file).
fn run(env: &Env, config: &Path, line: &str) -> common::Run {
    env.cmd_vars(&[("BILLCTL_CONFIG", &config)], line)
}

fn live_env() -> Env {
    let env = Env::with_sim(StripeSim::builder().api_keys(vec![LIVE_KEY.into()]).start().unwrap());
    Env { key: Some(LIVE_KEY.into()), ..env }
}

/// `args` with each `{name}` replaced by the id `ids` holds for it.
fn fill(args: &str, ids: &Ids) -> String {
    let fill = |a: &str| match a.strip_prefix('{').and_then(|a| a.strip_suffix('}')) {
        Some(name) => ids.get(name).unwrap_or_else(|| panic!("no {name} yet for {args:?}")).clone(),
        None => a.to_string(),
    };
    args.split(' ').map(fill).collect::<Vec<_>>().join(" ")
}

/// Every request the simulator has logged, as `METHOD path` (for messages).
fn logged(env: &Env) -> Vec<String> {
    env.sim.requests().iter().map(|r| format!("{} {}", r.method, r.path)).collect()
}

/// Refused without `--live` (even with `--yes`): exit 2, the message names `--live`, and
/// nothing reached the simulator.
fn assert_refused(env: &Env, config: &Path, args: &str) {
    env.sim.clear_requests();
    let refused = format!("{args} --yes");
    let r = run(env, config, &refused).code(2);
    assert!(r.stderr.contains("--live"), "{refused:?}: {}", r.stderr);
    assert!(!r.stderr.contains("billctltest"), "the key is not printed");
    let quiet = env.sim.requests().is_empty();
    assert!(quiet, "{refused:?} refused, yet reached Stripe: {:?}", logged(env));
}

/// Allowed with `--live --yes`: exit 0 and a write (POST or DELETE) reached the simulator;
/// returns the JSON answer.
fn assert_allowed(env: &Env, config: &Path, args: &str) -> serde_json::Value {
    env.sim.clear_requests();
    let allowed = format!("{args} --live --yes --json");
    let r = run(env, config, &allowed);
    assert_eq!(r.code, 0, "{allowed:?}: {}{}", r.stdout, r.stderr);
    let wrote = env.sim.requests().iter().any(|r| r.method == "POST" || r.method == "DELETE");
    assert!(wrote, "{allowed:?} wrote nothing: {:?}", logged(env));
    serde_json::from_str(&r.stdout).unwrap_or(serde_json::Value::Null)
}

/// Usage of `cus` in the store, for `usage sync` to send.
fn record_usage(env: &Env, config: &Path, cus: &str) {
    let key = run(env, config, &format!("keys issue --customer {cus} -q")).ok();
    let id = key.stdout.trim().trim_start_matches("bk_live_");
    let id: String = id.chars().take(8).collect();
    run(env, config, &format!("usage record --key {id} --quantity 5")).ok();
}

#[test]
fn every_writing_command_needs_live_with_a_live_key() {
    let env = live_env();
    let mut ids = Ids::new();
    let config =
        env.config(&format!("{}\n[webhooks]\nsecret_file = true\n", common::metered_config()));
    for row in ROWS {
        let args = fill(row.args, &ids);
        if row.site == ("usage/sync.rs", "sync") {
            record_usage(&env, &config, &ids["cus"]);
        }
        assert_refused(&env, &config, &args);
        let answer = assert_allowed(&env, &config, &args);
        for (name, pointer) in row.keeps {
            let id = answer.pointer(pointer).and_then(|v| v.as_str());
            let id = id.unwrap_or_else(|| panic!("{args:?}: no {pointer} in {answer}"));
            ids.insert(name, id.to_string());
        }
        if row.site == ("customers.rs", "create") {
            // The customer enters a card in the portal (live mode takes no test method).
            let pm = env.sim.add_card(&ids["cus"], "pm_card_visa").unwrap();
            ids.insert("pm", pm);
            // A second card, the default for now, so that making {pm} the default is a
            // change (one already the default writes nothing).
            env.sim.add_card(&ids["cus"], "pm_card_visa").unwrap();
        }
    }
    // Stripe's own state: what the allowed runs did.
    let state = env.sim.state();
    assert_eq!(state.products.len(), 3);
    assert!(state.webhook_endpoints.is_empty(), "created, then deleted");
    let statuses: BTreeSet<String> =
        state.invoices.values().filter_map(|i| i["status"].as_str().map(String::from)).collect();
    assert!(statuses.contains("paid") && statuses.contains("void"), "{statuses:?}");
}

#[test]
fn serve_writes_only_with_live() {
    let env = live_env();
    env.cmd("setup-products --live --yes -q").ok();
    let cus = env.customer_with("s@example.com", "--live --yes");
    let web = token(&env, "web-app", "self-service");
    let path = format!("/v1/customers/{cus}/portal");
    let body = json!({"return_url": "https://example.com/account"});
    {
        let serve = Serve::start(&env, &[]);
        env.sim.clear_requests();
        let a = serve.post(&path, &web, &body);
        assert_eq!(a.status, 503, "{}", a.body);
        assert!(a.body.contains("STRIPE_UNAVAILABLE"), "{}", a.body);
        // The why (a live-mode key without --live) is for the operator: in serve's log.
        serve.wait_for_stderr("--live");
        assert!(env.sim.requests().is_empty(), "{:?}", logged(&env));
    }
    let serve = Serve::start(&env, &["--live"]);
    env.sim.clear_requests();
    let a = serve.post(&path, &web, &body);
    assert_eq!(a.status, 200, "{}", a.body);
    let portal = |r: &stripe_sim::LoggedRequest| {
        r.method == "POST" && r.path.ends_with("/billing_portal/sessions")
    };
    assert!(env.sim.requests().iter().any(portal));
}

/// The enclosing `fn` of each line of `text` that calls one of `needles`.
fn call_sites(text: &str, needles: &[&str]) -> Vec<String> {
    let mut current = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_start();
        for prefix in ["fn ", "pub fn ", "pub(crate) fn ", "async fn ", "pub async fn "] {
            if let Some(rest) = t.strip_prefix(prefix) {
                current = rest.split(['(', '<']).next().unwrap_or_default().to_string();
            }
        }
        if needles.iter().any(|n| line.contains(n)) && !t.starts_with("//") {
            out.push(current.clone());
        }
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The table is complete: every function in `src/commands/` that takes the write handle has
/// a row (or is serve's), and every row names such a function.
#[test]
fn the_table_holds_every_command_that_takes_the_write_handle() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut sites = BTreeSet::new();
    for f in &files {
        let rel = f.strip_prefix(&dir).unwrap().display().to_string();
        for fun in call_sites(&std::fs::read_to_string(f).unwrap(), TAKERS) {
            sites.insert((rel.clone(), fun));
        }
    }
    let own = |(f, n): (&str, &str)| (f.to_string(), n.to_string());
    let rows: BTreeSet<(String, String)> =
        ROWS.iter().map(|r| own(r.site)).chain([own(SERVE_SITE)]).collect();
    let missing: Vec<_> = sites.difference(&rows).collect();
    let stale: Vec<_> = rows.difference(&sites).collect();
    let whole = missing.is_empty() && stale.is_empty();
    let why = format!(
        "take the write handle without a row in ROWS: {missing:?}; rows that take none: {stale:?}"
    );
    assert!(whole, "{why}");
}

/// The write handle has one maker and the check is in one place: `Writer::unlock` is called
/// only by `Ctx::writer` (and the in-crate tests' simulator client), `Ctx::writer` is what
/// the other takers call, and nothing outside `src/adapters/stripe/` builds a transport or sends a
/// POST or DELETE of its own.
#[test]
fn the_write_handle_is_made_in_one_place() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut unlocks = Vec::new();
    let mut raw = Vec::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap().display().to_string();
        let whole = std::fs::read_to_string(f).unwrap();
        // A file's own unit tests may unlock (with test keys); the code they test may not.
        let text = whole.split("#[cfg(test)]\nmod tests").next().unwrap_or_default();
        for fun in call_sites(text, &["Writer::unlock("]) {
            unlocks.push(format!("{rel}::{fun}"));
        }
        if !rel.starts_with("adapters/stripe/") {
            for needle in ["Transport::new(", "Method::Post", "Method::Delete", ".raw("] {
                if text.contains(needle) {
                    raw.push(format!("{rel}: {needle}"));
                }
            }
        }
    }
    unlocks.sort();
    let one = "the live-mode check is Writer::unlock, called by Ctx::writer alone";
    assert_eq!(unlocks, ["context.rs::writer", "ops/mod.rs::sim_client"], "{one}");
    assert!(raw.is_empty(), "Stripe reached around the handles: {raw:?}");
    // The other takers go through Ctx::writer, so the check cannot be skipped.
    let ctx = std::fs::read_to_string(src.join("context.rs")).unwrap();
    for taker in ["stripe_for_write", "stripe_for_confirmed_write"] {
        let body = ctx
            .split(&format!("pub fn {taker}("))
            .nth(1)
            .and_then(|b| b.split("\n    }\n").next())
            .unwrap_or_else(|| panic!("Ctx::{taker} in context.rs"));
        assert!(body.contains("self.writer("), "Ctx::{taker} skips Ctx::writer");
    }
}

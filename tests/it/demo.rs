//! The README's demo command keeps working: the catalog (plan, apply, no-op re-run, check), a
//! customer and subscription, an API key issued and verified, usage imported and reported, and
//! the simulator's webhooks received by `webhooks listen`, all exit 0.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it is the README's demo, which starts its own simulator.

use crate::common;

use common::Env;
use std::process::Command;

#[test]
fn the_demo_script_runs_the_main_job_end_to_end() {
    let env = Env::new();
    let mut script = Command::new("bash");
    script.env_clear().envs(env.command().get_envs().filter_map(|(k, v)| Some((k, v?))));
    script
        .env("BILLCTL_BIN", env!("CARGO_BIN_EXE_billctl"))
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/demo.sh"));
    let r = common::run(&mut script);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let out = &r.stdout;
    // The catalog: plan, apply, a re-run that changes nothing, the check.
    assert!(
        out.contains("$ billctl setup-products --plan") && out.contains("create product"),
        "{out}"
    );
    assert!(r.stderr.contains("Applied 6 changes."), "{}", r.stderr);
    assert!(r.stderr.contains("No changes"), "{}", r.stderr);
    assert!(out.contains("PRICE_PRO=price_"), "{out}");
    assert!(r.stderr.contains("All 3 prices match the config."), "{}", r.stderr);
    // The customer and the subscription exist in Stripe (the simulator), on the Pro price.
    let st = env.sim.state();
    let customers: Vec<_> =
        st.customers.values().filter(|c| c["email"] == "ada@example.com").collect();
    assert_eq!(customers.len(), 1, "one customer");
    let customer = customers[0]["id"].as_str().unwrap().to_string();
    let subs: Vec<_> =
        st.subscriptions.values().filter(|s| s["customer"] == customer.as_str()).collect();
    assert_eq!(subs.len(), 1, "one subscription");
    assert_eq!(subs[0]["status"], "active");
    assert_eq!(subs[0]["items"]["data"][0]["price"]["lookup_key"], "pro_monthly");
    // The key verified, the usage reported against the Pro quota.
    let says = |s: &str| out.contains(s);
    assert!(
        says("$ billctl keys verify < key.txt") && says("code:     VALID") && says("tier:     pro"),
        "{out}"
    );
    assert!(out.contains("read 5, inserted 5, duplicates 0, conflicts 0, rejected 0"), "{out}");
    let report = out.lines().find(|l| l.contains(&customer) && l.contains("10000"));
    let report = report.unwrap_or_else(|| panic!("a report row for {customer}:\n{out}"));
    assert!(report.contains(" 150 ") && report.contains(" 9850 "), "{report}");
    // The same key over HTTP through serve: verified, then a call recorded (150 + 1 used), and
    // the customer's usage view; serve stopped on SIGTERM after answering.
    let verified = says("/v1/keys/verify\n{\"valid\":true,\"code\":\"VALID\"");
    assert!(verified && says("\"used\":151,\"limit\":10000,\"remaining\":9849"), "{out}");
    assert!(out.contains("stopped: 3 requests answered, 1 call recorded"), "{out}");
    // The simulator's events for the subscription reached listen, and were stored and settled.
    let endpoints: Vec<_> = st.webhook_endpoints.values().collect();
    assert_eq!(endpoints.len(), 1);
    let url = endpoints[0]["url"].as_str().unwrap();
    assert!(url.ends_with("/stripe/webhooks"), "the endpoint points at listen: {}", endpoints[0]);
    let sub_id = subs[0]["id"].as_str().unwrap();
    let created = out.lines().find(|l| l.contains("customer.subscription.created"));
    let created =
        created.unwrap_or_else(|| panic!("listen stored the subscription's event:\n{out}"));
    assert!(created.contains(sub_id), "{created}");
    assert!(!out.contains("pending"), "every stored event settled:\n{out}");
    assert!(out.contains("0 rejected, 0 not stored"), "{out}");
    assert!(out.contains("Done:"), "{out}");
}

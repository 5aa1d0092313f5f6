//! `billctl webhooks verify`: Stripe-Signature checks from the command line, with headers made
//! by the simulator's own signer (an implementation independent of billctl's).
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it signs headers with the simulator's own signer.

use crate::common;

use common::{now, Env, Run};
use std::process::Stdio;
use stripe_sim::webhooks::{sign, signature_header};

const CURRENT: &str = "whsec_test_secret";
const ROLLED: &str = "whsec_test_secret_rolled_key";

fn payload() -> String {
    let v = serde_json::from_str(include_str!("../stripe-sim/testdata/webhook-signatures.json"));
    common::tests3::str_at(&v.unwrap(), "/payload")
}

/// Runs `webhooks verify` with the secrets in WH_CURRENT / WH_ROLLED and the body on stdin.
fn verify(env: &Env, args: impl AsRef<str>, body: &str) -> Run {
    let mut c = env.command();
    c.env("WH_CURRENT", CURRENT).env("WH_ROLLED", ROLLED).args(["webhooks", "verify"]);
    c.args(common::words(args.as_ref()))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = c.spawn().unwrap();
    common::feed(&mut child, body.as_bytes());
    common::to_run(child.wait_with_output().unwrap())
}

#[test]
fn a_fresh_signature_verifies_and_a_changed_body_does_not() {
    let env = Env::new();
    let body = payload();
    let header = signature_header(CURRENT, now() - 5, body.as_bytes());
    let ok = verify(&env, format!("--secret-env WH_CURRENT --header {header}"), &body).ok();
    assert!(ok.stdout.contains("valid:     true"), "{}", ok.stdout);
    assert!(ok.stdout.contains("$WH_CURRENT"), "{}", ok.stdout);
    let changed = body.replace("rdr_123", "rdr_124");
    let bad = verify(&env, format!("--secret-env WH_CURRENT --header {header} --json"), &changed)
        .code(1)
        .json();
    assert_eq!(bad["valid"], false);
    assert!(bad["reason"].as_str().unwrap().contains("no v1 signature matches"));
    assert!(env.sim.requests().is_empty(), "no Stripe call");
}

#[test]
fn stale_v0_only_and_rolled_secrets() {
    let env = Env::new();
    let body = payload();
    let b = body.as_bytes();
    let t = now();
    let stale = signature_header(CURRENT, t - 301, b);
    let stale = format!("--secret-env WH_CURRENT --header {stale} --json");
    let r = verify(&env, stale, &body).code(1).json();
    assert!(r["reason"].as_str().unwrap().contains("300 s tolerance"), "{r}");
    let edge = signature_header(CURRENT, t - 290, b);
    verify(&env, format!("--secret-env WH_CURRENT --header {edge}"), &body).ok();

    let v0 = format!("t={t},v0={}", sign(CURRENT, t, b));
    let r =
        verify(&env, format!("--secret-env WH_CURRENT --header {v0} --json"), &body).code(1).json();
    assert!(r["reason"].as_str().unwrap().contains("no v1"), "{r}");

    // During a rotation Stripe signs with both secrets; either one configured verifies, and
    // with both configured the matching variable is named.
    let both = format!("t={t},v1={},v1={}", sign(ROLLED, t, b), sign(CURRENT, t, b));
    verify(&env, format!("--secret-env WH_ROLLED --header {both}"), &body).ok();
    let only_rolled = format!("t={t},v1={}", sign(ROLLED, t, b));
    let both_envs =
        format!("--secret-env WH_CURRENT --secret-env WH_ROLLED --header {only_rolled}");
    let r = verify(&env, both_envs + " --json", &body).ok().json();
    assert_eq!(r["secret_env"], "WH_ROLLED");
    verify(&env, format!("--secret-env WH_CURRENT --header {only_rolled}"), &body).code(1);

    let r = verify(&env, "--secret-env WH_CURRENT --header v1,t=1", &body).code(1);
    assert!(r.stdout.contains("malformed"), "{}", r.stdout);
}

#[test]
fn a_missing_secret_variable_is_named_and_secrets_are_never_printed() {
    let env = Env::new();
    let body = payload();
    let header = signature_header(CURRENT, now(), body.as_bytes());
    let r = verify(&env, format!("--secret-env WH_NOPE --header {header}"), &body).code(2);
    assert!(r.stderr.contains("--secret-env WH_NOPE"), "{}", r.stderr);
    let ok = verify(&env, format!("-vvv --secret-env WH_CURRENT --header {header}"), &body).ok();
    for out in [&ok.stdout, &ok.stderr, &r.stderr] {
        assert!(!out.contains(CURRENT), "secret leaked: {out}");
    }
}

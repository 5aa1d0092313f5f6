//! API keys end to end: issue, storage (hash only), verify codes, revocation, expiry,
//! rotation, mode separation, quota and rate limits, logs and the audit trail.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it moves a subscription's period with the simulator's controls.

use crate::common;

use billctl::adapters::store::Route;
use billctl::domain::clock::Clock;
use billctl::domain::keys::Code;
use billctl::ops::verifier::Verifier;
use common::{event, key_id as id_of, Env, Event};
use std::time::Duration;

struct Keys {
    env: Env,
    customer: String,
}

/// Catalog applied, a customer on `tier`.
fn setup(tier: &str) -> Keys {
    let env = Env::with_catalog();
    let customer = env.subscribed("keys@example.com", tier);
    Keys { env, customer }
}

impl Keys {
    fn issue(&self, extra: &str) -> String {
        let r = self.env.cmd(format!("keys issue --customer {} {extra}", self.customer)).ok();
        let key = r.stdout.trim().to_string();
        assert!(billctl::domain::keys::parse(&key).is_some(), "issued a well-formed key: {key:?}");
        key
    }
}

#[test]
fn issue_prints_the_key_once_and_stores_only_its_hash() {
    let k = setup("pro");
    let r = k.env.cmd(format!("keys issue --customer {} --name prod --json", k.customer)).ok();
    let issued = r.json();
    let key = issued["key"].as_str().unwrap().to_string();
    assert!(key.starts_with("bk_test_"));
    assert_eq!(issued["id"].as_str().unwrap(), id_of(&key));
    assert!(issued.get("hash").is_none());
    let (code, v) = k.env.verify(&key, false);
    assert_eq!((code, v["code"].as_str(), v["tier"].as_str()), (0, Some("VALID"), Some("pro")));
    // Neither the key nor its secret part is anywhere in the SQLite files.
    let secret = &key[17..];
    for name in ["billctl.db", "billctl.db-wal"] {
        let path = k.env.data_dir().join(name);
        if let Ok(bytes) = std::fs::read(&path) {
            let text = String::from_utf8_lossy(&bytes);
            assert!(!text.contains(&key) && !text.contains(secret), "{name} contains the key");
        }
    }
    // The plaintext is never shown again.
    for line in
        ["keys list --json", &format!("keys show {} --json", id_of(&key)), "audit list --json"]
    {
        let out = k.env.cmd(line).ok();
        assert!(!out.stdout.contains(secret) && !out.stderr.contains(secret), "{line}");
    }
    let listed = k.env.cmd("keys list --json").ok().json();
    assert_eq!(listed[0]["status"], "active");
    assert_eq!(listed[0]["name"], "prod");
    assert!(listed[0]["created_by"].as_str().is_some_and(|u| !u.is_empty()));
}

#[test]
fn verify_reads_stdin_only_and_reports_every_code() {
    let k = setup("pro");
    let key = k.issue("");
    let r = k.env.cmd(format!("keys verify {key}")).code(2);
    assert!(r.stderr.contains("unexpected argument"), "the key is never taken from argv");
    let (code, v) = k.env.verify("bk_test_nope", false);
    assert_eq!((code, v["code"].as_str()), (1, Some("MALFORMED")));
    let mut typo = key.clone().into_bytes();
    typo[20] = if typo[20] == b'a' { b'b' } else { b'a' };
    assert_eq!(
        k.env.verify(&String::from_utf8(typo).unwrap(), false).1["code"],
        "MALFORMED",
        "a typo fails the checksum offline"
    );
    // Well-formed but unknown.
    let (_, other) = billctl::domain::keys::generate(billctl::domain::mode::Mode::Test).unwrap();
    assert_eq!(k.env.verify(&other, false).1["code"], "NOT_FOUND");
    // A customer with no subscription.
    let lone = k.env.key(&k.env.customer_without_card("lone@example.com"));
    assert_eq!(k.env.verify(&lone, false).1["code"], "NO_ACTIVE_SUBSCRIPTION");
    let human = k.env.cmd_stdin("keys verify", &format!("{key}\n")).ok();
    assert!(
        human.stdout.contains("valid:    true")
            && human.stdout.contains("code:     VALID")
            && human.stdout.contains("10000"),
        "{}",
        human.stdout
    );
    let r = k.env.cmd("keys issue --customer cus_nope").code(2);
    assert!(r.stderr.contains("no such customer cus_nope"), "{}", r.stderr);
}

#[test]
fn revocation_is_immediate_for_the_cli_and_the_revoking_verifier_and_bounded_elsewhere() {
    let k = setup("team");
    // One time for the CLI and the verifiers; it moves only when the test moves it.
    let t0 = common::now();
    k.env.set_now(t0);
    let clock = Clock::manual(t0 * 1000);
    let key = k.issue("");
    let id = id_of(&key);
    // A long-running verifier elsewhere, with a 300 ms freshness bound.
    let mut running = k.env.verifier(&clock).with_refresh(Duration::from_millis(300));
    assert_eq!(running.verify(&key).code, Code::Valid);
    let r = k.env.cmd(format!("keys revoke {id}")).code(2);
    assert!(r.stderr.contains("--yes"), "revoke asks first: {}", r.stderr);
    k.env.cmd(format!("keys revoke {id} --reason leaked --yes")).ok();
    let (code, v) = k.env.verify(&key, false);
    assert_eq!(
        (code, v["code"].as_str(), v["reason"].as_str()),
        (1, Some("REVOKED"), Some("leaked")),
        "the next CLI verify fails"
    );
    clock.advance(Duration::from_millis(299));
    assert_eq!(
        running.verify(&key).code,
        Code::Valid,
        "a running verifier may serve its cache for just under its bound"
    );
    clock.advance(Duration::from_millis(1));
    assert_eq!(
        running.verify(&key).code,
        Code::Revoked,
        "and sees the revocation once the bound has passed"
    );

    // Revoking through a verifier takes effect on its very next call.
    let key2 = k.issue("");
    let mut v = k.env.verifier(&clock).with_refresh(Duration::from_secs(3600));
    assert_eq!(v.verify(&key2).code, Code::Valid);
    v.revoke(&[id_of(&key2)], Some("test"), "tester").unwrap();
    assert_eq!(v.verify(&key2).code, Code::Revoked);
    let audit = k.env.cmd("audit list --action key.revoke --json").ok().json();
    assert_eq!(audit.as_array().unwrap().len(), 2);
    assert_eq!(audit[0]["reason"], "leaked");
    let r = k.env.cmd("keys revoke nosuchid --yes").code(2);
    assert!(r.stderr.contains("no API key with id nosuchid"), "{}", r.stderr);
}

#[test]
fn keys_expire_and_rotation_grace_works_both_ways() {
    let k = setup("pro");
    // billctl's clock stands at t0 and moves only when set: the edges are exact.
    let t0 = common::now();
    k.env.set_now(t0);
    let short = k.issue("--expires-in 4s --name short");
    assert_eq!(k.env.verify(&short, false).1["code"], "VALID");
    let rotated = k.env.cmd(format!("keys rotate {} --grace 2s --json", id_of(&short))).ok().json();
    let fresh = rotated["key"].as_str().unwrap().to_string();
    assert_eq!(rotated["replaces"].as_str().unwrap(), id_of(&short));
    assert_eq!(rotated["name"], "short", "the name is copied");
    assert_eq!(rotated["ttl_secs"], 4, "the expiry policy is copied");
    // During the grace period both keys work, to its last second.
    for t in [t0, t0 + 1] {
        k.env.set_now(t);
        assert_eq!(k.env.verify(&short, false).1["code"], "VALID", "at t0+{}", t - t0);
        assert_eq!(k.env.verify(&fresh, false).1["code"], "VALID", "at t0+{}", t - t0);
    }
    // After it only the new one does...
    k.env.set_now(t0 + 2);
    assert_eq!(k.env.verify(&short, false).1["code"], "EXPIRED");
    assert_eq!(k.env.verify(&fresh, false).1["code"], "VALID");
    k.env.set_now(t0 + 3);
    assert_eq!(k.env.verify(&fresh, false).1["code"], "VALID");
    // ...until its own copied lifetime (4 s from the rotation) ends.
    k.env.set_now(t0 + 4);
    assert_eq!(k.env.verify(&fresh, false).1["code"], "EXPIRED");
    let shown = k.env.cmd(format!("keys show {} --json", id_of(&short))).ok().json();
    assert_eq!(
        (shown["status"].as_str(), shown["replaced_by"].as_str()),
        (Some("expired"), Some(id_of(&fresh).as_str()))
    );
    // A zero grace ends the old key at once; an expired key cannot be rotated.
    let k2 = k.issue("");
    let new2 = k.env.cmd(format!("keys rotate {} --grace 0s", id_of(&k2))).ok().stdout;
    let new2 = new2.trim();
    assert_eq!(k.env.verify(&k2, false).1["code"], "EXPIRED");
    assert_eq!(k.env.verify(new2, false).1["code"], "VALID");
    let r = k.env.cmd(format!("keys rotate {}", id_of(&short))).code(2);
    assert!(r.stderr.contains("only an active key"), "{}", r.stderr);
    assert_eq!(
        k.env.cmd("audit list --action key.rotate --json").ok().json().as_array().unwrap().len(),
        2
    );
}

#[test]
fn keys_of_the_other_mode_are_refused() {
    let k = setup("pro");
    let _test_key = k.issue("");
    // A live-format key presented to this test-mode store.
    let (_, live) = billctl::domain::keys::generate(billctl::domain::mode::Mode::Live).unwrap();
    let (code, v) = k.env.verify(&live, false);
    assert_eq!(code, 1);
    assert!(
        v["reason"].as_str().unwrap().contains("live-mode key was presented to a test-mode store"),
        "{v}"
    );
    // A test key against a live store: same id and hash, but the store is live.
    let live_env = common::tests2::live_env();
    live_env.cmd("setup-products --yes --live -q").ok();
    let cus = live_env.customer_with("l@example.com", "--live --yes");
    let key = live_env.key(&cus);
    assert!(key.starts_with("bk_live_"));
    let (_, test) = billctl::domain::keys::generate(billctl::domain::mode::Mode::Test).unwrap();
    let r = live_env.cmd_stdin("keys verify --json", &format!("{test}\n")).code(1);
    assert!(r.json()["reason"]
        .as_str()
        .unwrap()
        .contains("test-mode key was presented to a live-mode store"));
    // And the store refuses to mix: issuing with a test Stripe key into the live store fails.
    let test_key = live_env.with("BILLCTL_STRIPE_API_KEY", stripe_sim::DEFAULT_API_KEY);
    let r = test_key.cmd(format!("keys issue --customer {cus}"));
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("live-mode API keys"), "{}", r.stderr);
}

#[test]
fn verbose_logs_never_contain_a_secret() {
    let k = setup("pro");
    let r = k.env.cmd(format!("-vvv keys issue --customer {}", k.customer)).ok();
    let key = r.stdout.trim().to_string();
    let secret = &key[17..];
    assert!(!r.stderr.contains(secret), "{}", r.stderr);
    assert!(r.stderr.contains("issued key id"), "-vv logs the step: {}", r.stderr);
    let v = k.env.cmd_stdin("-vvv keys verify --record", &format!("{key}\n")).ok();
    assert!(!v.stderr.contains(secret) && v.stderr.contains("verify: key id"), "{}", v.stderr);
    let rot = k.env.cmd(format!("-vvv keys rotate {}", id_of(&key))).ok();
    let new_secret = &rot.stdout.trim()[17..];
    assert!(!rot.stderr.contains(new_secret) && !rot.stderr.contains(secret));
    let sub = k.env.cmd(format!("-vvv customers show {}", k.customer)).ok();
    assert!(!sub.stderr.contains(stripe_sim::DEFAULT_API_KEY), "the Stripe key is never logged");
}

#[test]
fn the_quota_allows_exactly_the_limit() {
    let k = setup("pro");
    let key = k.issue("");
    let sub = k.env.store().live_subscription(&k.customer).unwrap().unwrap();
    // 9,999 calls already made this period.
    let events: Vec<_> = (0..9_999)
        .map(|i| event(format!("seed-{i}"), &k.customer).at(sub.current_period_start + 1))
        .collect();
    let recorded = k.env.store().record_usage(&events, sub.current_period_start, Route::Import);
    assert_eq!(recorded.unwrap(), 9_999);
    let (code, v) = k.env.verify(&key, true);
    assert_eq!((code, v["code"].as_str()), (0, Some("VALID")), "the 10,000th call is allowed: {v}");
    assert_eq!(
        (
            v["quota"]["used"].as_i64(),
            v["quota"]["limit"].as_i64(),
            v["quota"]["remaining"].as_i64()
        ),
        (Some(10_000), Some(10_000), Some(0))
    );
    let (code, v) = k.env.verify(&key, true);
    assert_eq!((code, v["code"].as_str()), (1, Some("QUOTA_EXCEEDED")), "the 10,001st is not: {v}");
    assert_eq!(
        k.env.count(
            &format!(
                "SELECT sum(quantity) FROM usage_events WHERE customer_id = '{}' AND ts >= {} AND ts < {}",
                k.customer, sub.current_period_start, sub.current_period_end
            ),
            false
        ),
        10_000,
        "a refused call is not recorded"
    );
    // Enterprise is unlimited.
    let k2 = setup("enterprise");
    let key2 = k2.issue("");
    let (_, v) = k2.env.verify(&key2, true);
    assert_eq!((v["code"].as_str(), v["quota"]["limit"].as_i64()), (Some("VALID"), None));
}

#[test]
fn the_rate_limit_trips_at_the_configured_count() {
    let k = setup("pro");
    let t0 = common::now();
    k.env.set_now(t0);
    let key = k.issue("");
    // In-process: Pro allows 60 a minute, refilled continuously (one a second).
    let clock = Clock::manual(t0 * 1000);
    let mut v = k.env.verifier(&clock);
    for i in 1..=60 {
        let r = v.verify(&key);
        assert_eq!(r.code, Code::Valid, "call {i}");
        assert_eq!(r.rate_limit.as_ref().unwrap().remaining, 60 - i);
    }
    assert_eq!(v.verify(&key).code, Code::RateLimited, "call 61");
    clock.advance(Duration::from_millis(999));
    assert_eq!(v.verify(&key).code, Code::RateLimited, "not yet a whole token");
    clock.advance(Duration::from_millis(1));
    assert_eq!(v.verify(&key).code, Code::Valid, "one token a second");
    assert_eq!(v.verify(&key).code, Code::RateLimited);
    clock.advance(Duration::from_secs(3600));
    let r = v.verify(&key);
    assert_eq!(
        (r.code, r.rate_limit.unwrap().remaining),
        (Code::Valid, 59),
        "an idle hour refills the bucket to its capacity, no more"
    );
    // Across processes, with a tier configured at 3 a minute: recorded calls count.
    let text = billctl::domain::config::DEFAULT_CONFIG.replacen(
        "rate_limit_per_minute = 60",
        "rate_limit_per_minute = 3",
        1,
    );
    let cfg = k.env.config(&text);
    let key2 = k.issue("");
    let at3 = |line: &str| {
        k.env.cmd_stdin(format!("--config {} {line}", cfg.display()), &format!("{key2}\n"))
    };
    for i in 1..=3 {
        let r = at3("keys verify --record --json");
        assert_eq!(r.json()["code"], "VALID", "call {i}");
    }
    let r = at3("keys verify --record --json").code(1);
    assert_eq!(r.json()["code"], "RATE_LIMITED");
    // The cross-process window is the last minute of recorded calls.
    let verify2 = |t: i64| {
        k.env.set_now(t);
        at3("keys verify --json").json()["code"].clone()
    };
    assert_eq!(verify2(t0 + 60), "RATE_LIMITED", "calls at t0 are within the minute");
    assert_eq!(verify2(t0 + 61), "VALID", "and out of it a second later");
}

#[test]
fn a_tier_change_reaches_a_running_verifier_within_its_bound() {
    let k = setup("pro");
    let key = k.issue("");
    let clock = Clock::manual(common::now() * 1000);
    let mut v = k.env.verifier(&clock).with_refresh(Duration::from_millis(300));
    assert_eq!(v.verify(&key).tier.as_deref(), Some("pro"));
    let sub = k.env.store().live_subscription(&k.customer).unwrap().unwrap();
    k.env.cmd(format!("subscriptions change {} --tier team -q", sub.id)).ok();
    assert_eq!(v.verify(&key).tier.as_deref(), Some("pro"), "cached within the bound");
    clock.advance(Duration::from_millis(300));
    let r = v.verify(&key);
    assert_eq!((r.tier.as_deref(), r.quota.unwrap().limit), (Some("team"), Some(100_000)));
}

#[test]
fn malformed_keys_are_refused_without_touching_the_store() {
    let env = Env::new();
    let missing = env.path("no-store-here");
    let elsewhere = env.with("BILLCTL_DATA_DIR", &missing);
    let r = elsewhere
        .with("BILLCTL_CONFIG", "/nonexistent/config.toml")
        .cmd_stdin("keys verify --json", "");
    // stdin is empty here: an empty key is malformed.
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(r.json()["code"], "MALFORMED");
    assert!(!missing.exists(), "no store was opened or created");
}

#[test]
fn the_quota_period_turns_over_exactly_at_the_period_end() {
    let k = setup("pro");
    let key = k.issue("");
    let id = id_of(&key);
    let sub = k.env.store().live_subscription(&k.customer).unwrap().unwrap();
    let (p0, end) = (sub.current_period_start, sub.current_period_end);
    // A verifier that caches for an hour, its clock ten seconds before the period ends.
    let clock = Clock::manual((end - 10) * 1000);
    let mut v = k.env.verifier(&clock).with_refresh(Duration::from_secs(3600));
    let r = v.verify_and_record(&key, 3);
    assert_eq!(r.code, Code::Valid);
    assert_eq!(r.quota.as_ref().unwrap().period_end, end);
    // Stripe renews the subscription; the mirror learns it; calls land either side of the edge.
    k.env.sim.advance_subscription(&sub.id).unwrap();
    k.env.set_now(end);
    k.env.cmd("subscriptions sync -q").ok();
    for (qty, at) in [("7", end - 1), ("11", end)] {
        k.env.cmd(format!("usage record --key {id} --quantity {qty} --at {}", at)).ok();
    }
    // One second before the edge the cached period still holds...
    clock.advance(Duration::from_secs(9));
    let q = v.verify(&key).quota.unwrap();
    assert_eq!((q.period_start, q.period_end), (p0, end));
    // ...and at the edge the verifier re-reads at once, within its hour-long cache: the new
    // period holds only the call made at the edge.
    clock.advance(Duration::from_secs(1));
    let q = v.verify(&key).quota.unwrap();
    assert_eq!((q.period_start, q.used), (end, 11));
    let store = k.env.store();
    assert_eq!(
        store.usage_in(billctl::domain::usage::Scope::Customer, &k.customer, p0, end).unwrap(),
        3 + 7,
        "the old period keeps the calls before its end"
    );
    // The CLI, its clock pinned at the edge, agrees.
    let r = k.env.cmd_stdin("keys verify --json", &format!("{key}\n"));
    let q = &r.json()["quota"];
    assert_eq!((q["period_start"].as_i64(), q["used"].as_i64()), (Some(end), Some(11)));
}

/// The key lifecycle has no forks (issue 29): revoking a revoked key says so, changes nothing
/// and writes no second audit row; rotating a key already in its grace is refused, naming its
/// successor, so there is never a second successor.
#[test]
fn revoke_twice_and_rotate_twice_change_nothing_the_second_time() {
    let k = setup("pro");
    let id = id_of(&k.issue(""));
    let audit = |action: &str| {
        k.env.json(format!("audit list --action {action}")).as_array().unwrap().len()
    };
    k.env.cmd(format!("keys revoke {id} --reason leaked --yes")).ok();
    let again = k.env.cmd(format!("keys revoke {id} --reason second --yes")).ok();
    assert!(
        again.stderr.contains("already revoked") && !again.stderr.contains("Revoked"),
        "{}",
        again.stderr
    );
    let json = k.env.cmd(format!("keys revoke {id} --json")).ok().json();
    assert_eq!(json, serde_json::json!({"revoked": [], "already_revoked": [id]}));
    assert_eq!(audit("key.revoke"), 1, "one audit row");
    assert_eq!(k.env.store().key(&id).unwrap().unwrap().revoked_reason.as_deref(), Some("leaked"));

    let a = id_of(&k.issue(""));
    let b = id_of(k.env.cmd(format!("keys rotate {a} --grace 1h")).ok().stdout.trim());
    let r = k.env.cmd(format!("keys rotate {a} --grace 1h")).code(2);
    assert!(r.stderr.contains("already rotated") && r.stderr.contains(&b), "{}", r.stderr);
    assert_eq!(k.env.store().key(&a).unwrap().unwrap().replaced_by.as_deref(), Some(b.as_str()));
    let live: Vec<_> = k
        .env
        .store()
        .keys(Some(&k.customer))
        .unwrap()
        .into_iter()
        .filter(|r| r.revoked_at.is_none() && r.id != a)
        .collect();
    assert_eq!(live.len(), 1, "one successor: {live:?}");
    assert_eq!(audit("key.rotate"), 1);
    // The successor itself can be rotated.
    k.env.cmd(format!("keys rotate {b} --grace 1h -q")).ok();
}

/// Group commit: many recorded calls charged in one transaction, one after another, keep the
/// limits exactly; a call that fails a check records nothing; a malformed key in the group
/// does not spoil the others.
#[test]
fn many_recorded_calls_in_one_transaction_keep_the_limits_exactly() {
    let k = setup("pro");
    let t0 = common::now();
    let key = k.issue("");
    let clock = Clock::manual(t0 * 1000);
    let mut v = k.env.verifier(&clock);
    let mut calls: Vec<(&str, i64)> = vec![(key.as_str(), 1); 120];
    calls.insert(7, ("bk_test_not_a_key", 1));
    let verdicts = v.verify_and_record_many(&calls);
    assert_eq!(verdicts.len(), 121);
    assert_eq!(verdicts[7].code, Code::Malformed);
    let valid = verdicts.iter().filter(|x| x.code == Code::Valid).count();
    let limited: Vec<_> = verdicts.iter().filter(|x| x.code == Code::RateLimited).collect();
    assert_eq!((valid, limited.len()), (60, 60));
    // In order: the first 60 well-formed calls pass, and the rest are told when to retry.
    assert!(verdicts[..61].iter().all(|x| x.code != Code::RateLimited));
    assert!(limited.iter().all(|x| x.retry_after == Some(60)));
    let id = id_of(&key);
    let rows =
        k.env.count(&format!("SELECT count(*) FROM usage_events WHERE key_id = '{id}'"), false);
    assert_eq!(rows, 60);
    // The last valid one saw the 59 before it in the same transaction.
    let last = verdicts.iter().rfind(|x| x.is_valid()).unwrap();
    assert_eq!(last.quota.as_ref().unwrap().used, 60);
    assert_eq!(last.rate_limit.as_ref().unwrap().remaining, 0);
}

/// More keys never buy more rate: with the default `[keys] rate_limit = "customer"`, two keys
/// of one Pro customer share its 60 calls a minute, through the embedded Verifier (threads,
/// each with its own), the CLI (processes) and a group; `rate_limit = "key"` gives each key
/// its own.
#[test]
fn two_keys_of_one_customer_share_the_tiers_rate() {
    let k = setup("pro");
    let t0 = common::now();
    k.env.set_now(t0);
    let (a, b) = (k.issue(""), k.issue(""));
    let valid_of = |codes: &[String]| codes.iter().filter(|c| *c == "VALID").count();
    let calls_of = |env: &Env| {
        env.count(
            &format!(
                "SELECT count(*) FROM usage_events WHERE key_id IN ('{}', '{}')",
                id_of(&a),
                id_of(&b)
            ),
            false,
        )
    };
    // Embedded: 4 threads, each its own Verifier on its own connection, 30 calls each,
    // alternating the keys, all let go at once.
    let gate = std::sync::Arc::new(std::sync::Barrier::new(4));
    let threads: Vec<_> = (0..4)
        .map(|i| {
            let (store, config, gate) =
                (k.env.store(), common::tests2::default_config(), gate.clone());
            let keys = [a.clone(), b.clone()];
            std::thread::spawn(move || {
                let mut v = Verifier::from_store(store, &config)
                    .unwrap()
                    .with_clock(Clock::manual(t0 * 1000));
                gate.wait();
                (0..30)
                    .map(|j| {
                        let code = v.verify_and_record(&keys[(i + j) % 2], 1).code;
                        serde_json::to_value(code).unwrap().as_str().unwrap().to_string()
                    })
                    .collect::<Vec<_>>()
            })
        })
        .collect();
    let codes: Vec<String> = threads.into_iter().flat_map(|t| t.join().unwrap()).collect();
    assert_eq!(valid_of(&codes), 60, "{codes:?}");
    assert_eq!(calls_of(&k.env), 60);
    // A plain verify of either key now says the customer's minute is used up.
    let mut v = k.env.verifier(&Clock::manual(t0 * 1000));
    assert_eq!(v.verify(&a).code, Code::RateLimited);
    assert_eq!(v.verify(&b).code, Code::RateLimited);
    // The CLI, a minute later: 120 processes, 8 at a time, alternating the keys.
    k.env.set_now(t0 + 120);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let codes: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..8)
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        if i >= 120 {
                            return out;
                        }
                        let (_, j) = k.env.verify([&a, &b][i % 2], true);
                        out.push(j["code"].as_str().unwrap().to_string());
                    }
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().unwrap()).collect()
    });
    assert_eq!(valid_of(&codes), 60, "{codes:?}");
    assert_eq!(calls_of(&k.env), 120);
    // One group of 120 calls alternating the keys, two minutes on: 60 pass.
    let clock = Clock::manual((t0 + 240) * 1000);
    let mut v = k.env.verifier(&clock);
    let calls: Vec<(&str, i64)> =
        (0..120).map(|i| (if i % 2 == 0 { a.as_str() } else { b.as_str() }, 1)).collect();
    let verdicts = v.verify_and_record_many(&calls);
    assert_eq!(verdicts.iter().filter(|x| x.is_valid()).count(), 60);
    assert_eq!(calls_of(&k.env), 180);
    // `[keys] rate_limit = "key"`: each key has the tier's rate of its own.
    let text = common::tests2::config_with("[keys]\nrate_limit = \"key\"\n");
    let per_key = billctl::domain::config::parse(&text, "per-key").unwrap();
    let mut v = Verifier::from_store(k.env.store(), &per_key)
        .unwrap()
        .with_clock(Clock::manual((t0 + 360) * 1000));
    let verdicts = v.verify_and_record_many(&calls);
    assert_eq!(verdicts.iter().filter(|x| x.is_valid()).count(), 120);
    // A config that names neither is refused with its line.
    let bad = common::tests2::config_with("[keys]\nrate_limit = \"ip\"\n");
    let e = billctl::domain::config::parse(&bad, "bad.toml").unwrap_err().to_string();
    assert!(e.contains("keys.rate_limit") && e.contains("bad.toml"), "{e}");
}

/// Counts kept between groups are dropped when another connection writes: usage imported
/// elsewhere between two groups counts against the rate limit of the next.
#[test]
fn counts_kept_between_groups_see_writes_made_elsewhere() {
    let k = setup("pro");
    let t0 = common::now();
    let key = k.issue("");
    let clock = Clock::manual(t0 * 1000);
    let mut v = k.env.verifier(&clock);
    let first = v.verify_and_record_many(&vec![(key.as_str(), 1); 30]);
    assert!(first.iter().all(|x| x.is_valid()));
    // 30 calls of the same key recorded by another connection (an import, say).
    let id = id_of(&key);
    let events: Vec<_> =
        (0..30).map(|i| event(format!("elsewhere-{i}"), &k.customer).key(&id).at(t0)).collect();
    k.env.store().record_usage(&events, t0, Route::Import).unwrap();
    let next = v.verify_and_record(&key, 1);
    assert_eq!(next.code, Code::RateLimited, "{next:?}");
    assert_eq!(next.quota.as_ref().unwrap().used, 60);
}

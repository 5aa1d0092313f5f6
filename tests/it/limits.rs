//! Limits that cannot be bypassed (issue 18): rate limits and quotas that hold across
//! processes, bounded quantities and timestamps, ended billing periods, and a long-lived
//! Verifier that follows `usage compact`.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it plants subscriptions through the simulator's controls.

use crate::common;

use billctl::domain::clock::Clock;
use billctl::domain::keys::Code;
use billctl::ops::verifier::Verifier;
use common::tests2::feed_all;
use common::{event, Env, Event};
use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

struct Fixture {
    env: Env,
    customer: String,
    key: String,
    key_id: String,
}

fn setup(tier: &str) -> Fixture {
    let env = Env::with_catalog();
    let customer = env.subscribed("limits@example.com", tier);
    let key = env.key(&customer);
    let key_id = common::key_id(&key);
    Fixture { env, customer, key, key_id }
}

impl Fixture {
    fn verify(&self, record: bool) -> serde_json::Value {
        self.env.verify(&self.key, record).1
    }

    /// `n` `keys verify --record --json` processes, all started before any gets the key.
    fn verify_at_once(&self, n: usize) -> Vec<serde_json::Value> {
        let children = (0..n).map(|_| self.env.spawn_stdin("keys verify --record --json"));
        feed_all(children.collect(), &format!("{}\n", self.key)).iter().map(|r| r.json()).collect()
    }

    fn events(&self) -> i64 {
        self.env.count(
            &format!("SELECT count(*) FROM usage_events WHERE key_id = '{}'", self.key_id),
            false,
        )
    }
}

/// 120 `keys verify --record` processes started together on a 60-per-minute key (Pro): the
/// count and the insert are one transaction, so exactly 60 are VALID and 60 recorded.
#[test]
fn parallel_processes_get_exactly_the_rate_limit() {
    let f = setup("pro");
    f.env.set_now(common::now());
    // Every process is started before any gets its key: they race for real.
    let mut codes = std::collections::BTreeMap::new();
    for v in f.verify_at_once(120) {
        *codes.entry(v["code"].as_str().unwrap().to_string()).or_insert(0) += 1;
    }
    assert_eq!(codes.get("VALID"), Some(&60), "{codes:?}");
    assert_eq!(codes.get("RATE_LIMITED"), Some(&60), "{codes:?}");
    assert_eq!(f.events(), 60, "exactly the valid calls were recorded");
}

/// Threads with a Verifier each share nothing but the store: the limit still holds.
#[test]
fn parallel_verifiers_in_threads_get_exactly_the_rate_limit() {
    let f = setup("pro");
    let now = common::now();
    let valid: usize = std::thread::scope(|s| {
        let workers: Vec<_> = (0..4)
            .map(|_| {
                let (store, key, config) =
                    (f.env.store(), f.key.clone(), common::tests2::default_config());
                s.spawn(move || {
                    let clock = Clock::manual(now * 1000);
                    let mut v = Verifier::from_store(store, &config).unwrap().with_clock(clock);
                    (0..30).filter(|_| v.verify_and_record(&key, 1).code == Code::Valid).count()
                })
            })
            .collect();
        workers.into_iter().map(|w| w.join().unwrap()).sum()
    });
    assert_eq!(valid, 60);
    assert_eq!(f.events(), 60);
}

/// The quota holds across processes too: a Pro customer 3 calls short of 10,000 gets 3 more.
#[test]
fn parallel_processes_never_exceed_the_quota() {
    let f = setup("pro");
    let sub = f.env.store().live_subscription(&f.customer).unwrap().unwrap();
    let now = common::now().max(sub.current_period_start + 120);
    f.env.set_now(now);
    f.env.cmd(format!("usage record --key {} --quantity 9997 --at {}", f.key_id, now - 120)).ok();
    let mut valid = 0;
    for v in f.verify_at_once(10) {
        if v["code"] == "VALID" {
            valid += 1;
        } else {
            assert_eq!(v["code"], "QUOTA_EXCEEDED", "{v}");
        }
    }
    assert_eq!(valid, 3);
    let used = f
        .env
        .store()
        .usage_in(
            billctl::domain::usage::Scope::Customer,
            &f.customer,
            sub.current_period_start,
            sub.current_period_end,
        )
        .unwrap();
    assert_eq!(used, 10_000);
}

/// Quantities are 1 to usage.max_quantity at every door; a wrapped sum is impossible.
#[test]
fn quantities_are_bounded_everywhere() {
    let f = setup("pro");
    for q in ["9223372036854775807", "1000000001", "0", "-1"] {
        let flag = format!("--quantity={q}");
        let r = f.env.cmd(format!("usage record --key {} {flag}", f.key_id));
        assert_ne!(r.code, 0, "--quantity {q} refused");
        assert!(r.stderr.contains("--quantity") || r.stderr.contains("quantity"), "{}", r.stderr);
    }
    assert_eq!(f.events(), 0, "nothing recorded");
    // An import line with i64::MAX is a reject naming the bound.
    let line = format!(
        "{{\"id\":\"big\",\"key\":\"{}\",\"timestamp\":{},\"quantity\":9223372036854775807}}\n",
        f.key_id,
        common::now() - 10
    );
    let file = f.env.file("big.ndjson", line);
    let r = f.env.cmd(format!("usage import {}", file.display())).code(2);
    assert!(r.stderr.contains("usage.max_quantity"), "{}", r.stderr);
    // A config may lower the bound; the Verifier refuses a bigger call without recording it.
    let text = common::tests2::config_with("[usage]\nmax_quantity = 5\n");
    let config = billctl::domain::config::parse(&text, "cfg").unwrap();
    let mut v = Verifier::from_store(f.env.store(), &config).unwrap();
    let r = v.verify_and_record(&f.key, 6);
    assert_eq!(r.code, Code::QuotaExceeded);
    assert!(r.reason.unwrap().contains("usage.max_quantity (5)"));
    assert_eq!(v.verify_and_record(&f.key, 5).code, Code::Valid);
    drop(v);
    assert_eq!(f.events(), 1);
    assert_eq!(f.verify(false)["quota"]["used"], 5);
}

/// An event ten years ahead is refused at every door, so it can neither lock a key out nor
/// make `usage sync` fail; the rate window ends at now + usage.max_future_skew.
#[test]
fn future_timestamps_are_refused_and_the_rate_window_is_bounded() {
    let f = setup("pro");
    let now = common::now();
    f.env.set_now(now);
    let ten_years = (now + 10 * 365 * 86_400).to_string();
    let r = f.env.cmd(format!("usage record --key {} --at {ten_years}", f.key_id)).code(2);
    assert!(
        r.stderr.contains("--at") && r.stderr.contains("usage.max_future_skew"),
        "{}",
        r.stderr
    );
    let file = f.env.path("future.ndjson");
    std::fs::write(
        &file,
        format!(
            "{{\"id\":\"f1\",\"key\":\"{}\",\"timestamp\":{ten_years}}}\n{{\"id\":\"f2\",\"key\":\"{}\",\"timestamp\":{}}}\n",
            f.key_id,
            f.key_id,
            now + 300
        ),
    )
    .unwrap();
    let r = f.env.cmd(format!("usage import {}", file.display())).code(2);
    assert!(r.stderr.contains(":1: timestamp"), "{}", r.stderr);
    assert!(!r.stderr.contains(":2: "), "5 minutes ahead is allowed");
    assert_eq!(f.events(), 0);
    // Within the skew: counted in the window of a call now.
    let ok = f
        .env
        .cmd(format!(
            "usage import {} --skip-invalid --rejects {} --json",
            file.display(),
            f.env.path("rejects.jsonl").display()
        ))
        .ok()
        .json();
    assert_eq!((ok["inserted"].as_i64(), ok["rejected"].as_i64()), (Some(1), Some(1)));
    assert_eq!(f.verify(false)["rate_limit"]["remaining"], 58);
    // A row planted ten years ahead by hand (an old store) does not count in any window.
    f.env.exec(
        &format!(
            "INSERT INTO usage_events (event_id, customer_id, key_id, quantity, ts, recorded_at) VALUES ('planted', '{}', '{}', 1000, {}, {now})",
            f.customer,
            f.key_id,
            now + 10 * 365 * 86_400
        ),
        false,
    );
    let v = f.verify(true);
    assert_eq!(v["code"], "VALID", "{v}");
    assert_eq!(v["rate_limit"]["remaining"], 58, "{v}");
    // Moments before 1970 are refused by the time grammar.
    let r = f.env.cmd(format!("usage record --key {} --at 0000-01-01T00:00:00Z", f.key_id));
    assert_eq!(r.code, 2, "{}", r.stderr);
}

/// The renewal webhook was missed and no sync ran: an active subscription's period rolls
/// forward by one interval of its price (and the reason says so); one set to cancel at the
/// period end gives no access after it; a mirror more than an interval behind fails closed.
#[test]
fn ended_periods_roll_forward_once_or_end_access() {
    let f = setup("pro");
    let sub = f.env.store().live_subscription(&f.customer).unwrap().unwrap();
    let (p0, end) = (sub.current_period_start, sub.current_period_end);
    // Calls before the end, then 50 after it.
    f.env.set_now(end - 10);
    for _ in 0..3 {
        assert_eq!(f.verify(true)["code"], "VALID");
    }
    for i in 0..50 {
        f.env.set_now(end + 100 + i);
        let v = f.verify(true);
        assert_eq!(v["code"], "VALID", "{v}");
    }
    f.env.set_now(end + 200);
    let v = f.verify(false);
    assert_eq!(v["code"], "VALID", "{v}");
    let next = billctl::domain::time::add_interval(end, "month", 1).unwrap();
    assert_eq!(
        (
            v["quota"]["period_start"].as_i64(),
            v["quota"]["period_end"].as_i64(),
            v["quota"]["used"].as_i64()
        ),
        (Some(end), Some(next), Some(50)),
        "{v}"
    );
    let reason = v["reason"].as_str().unwrap();
    assert!(reason.contains("rolled forward"), "{reason}");
    assert_eq!(
        f.env
            .store()
            .usage_in(billctl::domain::usage::Scope::Customer, &f.customer, p0, end)
            .unwrap(),
        3
    );
    // More than one interval behind: the mirror is stale, access fails closed.
    f.env.set_now(next + 1);
    let v = f.verify(false);
    assert_eq!(v["code"], "NO_ACTIVE_SUBSCRIPTION", "{v}");
    assert!(v["reason"].as_str().unwrap().contains("stale"), "{v}");

    // Set to cancel at the period end: no access once it has passed, even unsynced.
    f.env.set_now(end - 10);
    f.env.cmd(format!("subscriptions cancel {} --at-period-end --yes -q", sub.id)).ok();
    assert_eq!(f.verify(false)["code"], "VALID", "until the end");
    f.env.set_now(end + 1);
    let v = f.verify(false);
    assert_eq!(v["code"], "NO_ACTIVE_SUBSCRIPTION", "{v}");
    assert!(v["reason"].as_str().unwrap().contains("cancel at the end of its period"), "{v}");
    // The in-process Verifier agrees, at the same moments.
    let clock = Clock::manual((end - 1) * 1000);
    let mut verifier = f.env.verifier(&clock);
    assert_eq!(verifier.verify(&f.key).code, Code::Valid);
    clock.advance(Duration::from_secs(2));
    assert_eq!(verifier.verify(&f.key).code, Code::NoActiveSubscription);
}

/// A Verifier that was running when `usage compact` moved the horizon reads the new horizon
/// with its next snapshot: its quota agrees with a fresh process.
#[test]
fn a_running_verifier_follows_the_compaction_horizon() {
    let f = setup("pro");
    let sub = f.env.store().live_subscription(&f.customer).unwrap().unwrap();
    let p0 = sub.current_period_start;
    // Events in the partial hour at the period's start, and two days later.
    let events: Vec<_> = [p0 + 1, p0 + 2, p0 + 2 * 86_400]
        .iter()
        .enumerate()
        .map(|(i, ts)| event(format!("c{i}"), "").key(&f.key_id).at(*ts).quantity(10 + i as i64))
        .collect();
    let file = f.env.file("c.ndjson", common::ndjson(&events));
    let late = p0 + 2 * 86_400 + 60;
    f.env.set_now(late);
    f.env.cmd(format!("usage import {} -q", file.display())).ok();
    let clock = Clock::manual(late * 1000);
    let mut v = f.env.verifier(&clock).with_refresh(Duration::from_millis(100));
    let before = v.verify(&f.key).quota.unwrap().used;
    // Another process compacts raw events before the day after the period start (forty days
    // on, past the dedup window).
    f.env.set_now(p0 + 40 * 86_400);
    f.env.cmd(format!("usage compact --before {} --yes -q", p0 + 86_400)).ok();
    clock.advance(Duration::from_millis(200));
    let after = v.verify(&f.key).quota.unwrap().used;
    f.env.set_now(late);
    let fresh = f.verify(false)["quota"]["used"].as_i64().unwrap();
    assert_eq!(after, fresh, "the running verifier agrees with a fresh process");
    assert_eq!(before, 10 + 11 + 12);
}

/// Durations are parsed with range limits (at most 100 years) and deadlines computed with
/// checked arithmetic: the overflowing `--expires-in` and `--grace` of the review are refused,
/// and nothing is written.
#[test]
fn durations_are_bounded_and_nothing_is_written() {
    let f = setup("pro");
    for span in ["15250284452471w", "5300w", "36501d", "99999999999999999999s"] {
        let r = f.env.cmd(format!("keys issue --customer {} --expires-in {span}", f.customer));
        assert_eq!(r.code, 2, "--expires-in {span}: {}", r.stderr);
        assert!(r.stderr.contains("--expires-in"), "{}", r.stderr);
        let r = f.env.cmd(format!("keys rotate {} --grace {span} --yes", f.key_id));
        assert_eq!(r.code, 2, "--grace {span}: {}", r.stderr);
        assert!(r.stderr.contains("--grace"), "{}", r.stderr);
    }
    let keys = f.env.cmd("keys list --json").ok().json();
    assert_eq!(keys.as_array().unwrap().len(), 1, "no key issued or rotated");
    // The longest allowed span still makes a key that is active now.
    let key = f.env.json(format!("keys issue --customer {} --expires-in 5200w", f.customer));
    let expires = key["expires_at"].as_i64().unwrap();
    assert_eq!(expires - key["created_at"].as_i64().unwrap(), 5200 * 7 * 86_400);
    assert!(expires > common::now(), "{key}");
}

/// `keys verify` reads at most 1 KiB of stdin: 64 MiB without a newline is MALFORMED and never
/// buffered (the child's peak RSS, from its rusage, stays far below the input's size).
#[test]
fn keys_verify_bounds_what_it_reads_from_stdin() {
    // A child's ru_maxrss includes its parent's peak: exec folds the old memory map's
    // high-water mark into it, and a spawned child starts on its parent's map. This binary
    // runs every area's tests, so its peak says nothing about billctl's: the measurement runs
    // in a fresh, small process, this test binary started again with only this test, whose
    // one child is `keys verify` (its children's rusage is that child's). The store is set up
    // here first, and the fresh process runs billctl with the environment given to it.
    const FRESH: &str = "BILLCTL_TEST_FRESH_PROCESS";
    if std::env::var_os(FRESH).is_some() {
        return verify_64_mib_of_stdin();
    }
    let f = setup("pro");
    let verify = f.env.command();
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([
            "--exact",
            "limits::keys_verify_bounds_what_it_reads_from_stdin",
            "--test-threads",
            "1",
        ])
        .env_clear()
        .envs(verify.get_envs().filter_map(|(k, v)| Some((k, v?))))
        .env(FRESH, "1")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout) + String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("test result: ok. 1 passed"), "{text}");
}

/// The fresh process's part: `keys verify --json` with 64 MiB of stdin and no newline, in this
/// process's environment; its answer, exit code and peak RSS.
fn verify_64_mib_of_stdin() {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_billctl"))
        .env_remove("BILLCTL_TEST_FRESH_PROCESS")
        .args(["keys", "verify", "--json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let writer = std::thread::spawn(move || {
        let block = vec![b'k'; 1 << 20];
        for _ in 0..64 {
            if stdin.write_all(&block).is_err() {
                return; // the reader stopped reading: the bound held
            }
        }
    });
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).unwrap();
        s
    });
    let status = child.wait().unwrap();
    let usage =
        nix::sys::resource::getrusage(nix::sys::resource::UsageWho::RUSAGE_CHILDREN).unwrap();
    let out = reader.join().unwrap();
    writer.join().unwrap();
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["code"], "MALFORMED");
    assert_eq!(status.code(), Some(1));
    let peak_mb = usage.max_rss() / 1024;
    assert!(peak_mb < 40, "peak RSS {peak_mb} MB for 64 MiB of stdin");
}

/// A recorded call's id cannot be foreseen (issue 45's review): events imported ahead of a
/// running verifier, with ids made from one of its recorded ids by counting on (as the ids'
/// order would suggest), take no id from its later calls; every call answered VALID is
/// stored, and no conflict is logged.
#[test]
fn recorded_call_ids_cannot_be_taken_ahead_by_an_import() {
    let f = setup("team");
    let now = common::now();
    let config = common::tests2::default_config();
    let mut v =
        Verifier::from_store(f.env.store(), &config).unwrap().with_clock(Clock::manual(now * 1000));
    assert!(v.verify_and_record(&f.key, 1).is_valid());
    let mut ahead = Vec::new();
    let id =
        f.env.text(&format!("SELECT event_id FROM usage_events WHERE key_id = '{}'", f.key_id));
    let parts: Vec<&str> = id.split('-').collect();
    let seq = u64::from_str_radix(parts[2], 16).unwrap();
    for k in 1..=20u64 {
        let next = format!("v-{}-{:016x}", parts[1], seq + k);
        ahead.push(format!("{next}-{}", parts.get(3).copied().unwrap_or("0")));
        ahead.push(next);
    }
    let text: String = ahead
        .iter()
        .map(|i| {
            format!(
                "{{\"id\":\"{i}\",\"key\":\"{}\",\"timestamp\":{},\"quantity\":1}}\n",
                f.key_id,
                now - 30
            )
        })
        .collect();
    let file = f.env.file("ahead.ndjson", &text);
    f.env.cmd(format!("usage import {} --json", file.display())).ok();
    let valid = (0..20).filter(|_| v.verify_and_record(&f.key, 1).is_valid()).count();
    assert_eq!(valid, 20);
    assert_eq!(f.events(), 1 + 40 + 20, "every answered call is stored beside the imported events");
    assert_eq!(f.env.count("SELECT count(*) FROM usage_conflicts", false), 0);
}

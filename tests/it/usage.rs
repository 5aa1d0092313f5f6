//! Usage ingestion: record and import (NDJSON and CSV), dedup by id, all-or-nothing validation
//! with line numbers, --skip-invalid, derived ids, rollups kept exact, and kill -9 safety.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it plants subscriptions through the simulator's controls.

use crate::common;

use common::{event, ints, ndjson, Env, Event};
use std::fmt::Write as _;

struct Usage {
    env: Env,
    customer: String,
    key_id: String,
}

fn setup() -> Usage {
    let env = Env::with_catalog();
    let customer = env.subscribed("u@example.com", "pro");
    let key_id = common::key_id(&env.key(&customer));
    Usage { env, customer, key_id }
}

impl Usage {
    /// Event `id` of the test key at `ts`, of `quantity`.
    fn event(
        &self,
        id: impl Into<String>,
        ts: i64,
        quantity: i64,
    ) -> billctl::adapters::store::UsageEvent {
        event(id, &self.customer).key(&self.key_id).at(ts).quantity(quantity)
    }
    fn file(&self, name: &str, text: &str) -> String {
        let p = self.env.path(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    }
    /// Raw total, and the rollup totals by customer/day and key/hour, which must agree.
    fn totals(&self) -> (i64, i64, i64) {
        let s = self.env.store();
        (
            self.env.usage_total(&self.customer),
            s.rollup_sum(
                billctl::domain::usage::Scope::Customer,
                &self.customer,
                billctl::domain::usage::Grain::Day,
                i64::MIN,
                i64::MAX,
            )
            .unwrap(),
            s.rollup_sum(
                billctl::domain::usage::Scope::Key,
                &self.key_id,
                billctl::domain::usage::Grain::Hour,
                i64::MIN,
                i64::MAX,
            )
            .unwrap(),
        )
    }
}

const T0: i64 = 1_795_500_000; // 2026-11-24T06:00:00Z

#[test]
fn ndjson_import_dedups_by_id_and_keeps_rollups_exact() {
    let u = setup();
    let mut text = ndjson(
        &(0..500)
            .map(|i| u.event(format!("e{i}"), T0 + i * 60, 1 + i % 3).endpoint("/v1/search"))
            .collect::<Vec<_>>(),
    );
    // A repeated id inside the file, and a customer-level event in RFC 3339.
    writeln!(text, r#"{{"id":"e0","key":"{}","timestamp":{T0},"quantity":1}}"#, u.key_id).unwrap();
    writeln!(text, r#"{{"id":"c1","customer":"{}","timestamp":"2026-11-24T07:30:00Z","quantity":10,"meta":{{"job":"batch"}}}}"#, u.customer).unwrap();
    let f = u.file("events.ndjson", &text);
    let s = u.env.cmd(format!("usage import {f} --json --batch-size 64")).ok().json();
    assert_eq!(
        ints(&s, ["read", "inserted", "duplicates", "rejected"]),
        [Some(502), Some(501), Some(1), Some(0)]
    );
    let want: i64 = (0..500).map(|i| 1 + i % 3).sum::<i64>() + 10;
    assert_eq!(u.totals(), (want, want, want - 10));
    // Importing the same file again changes nothing.
    let again = u.env.cmd(format!("usage import {f} --json")).ok().json();
    assert_eq!(ints(&again, ["inserted", "duplicates"]), [Some(0), Some(502)]);
    assert_eq!(u.totals(), (want, want, want - 10));
    let human = u.env.cmd(format!("usage import {f}")).ok();
    assert!(
        human.stdout.contains("inserted 0, duplicates 502, conflicts 0, rejected 0"),
        "{}",
        human.stdout
    );
}

#[test]
fn csv_import_reads_the_header_and_quoted_fields() {
    let u = setup();
    let text = format!("id,key,timestamp,quantity,meta\nx1,{k},{T0},5,\"{{\"\"a\"\"\"\":1}}\"\nx2,{k},2026-11-24T06:01:00Z,7,\n", k = u.key_id);
    let f = u.file("events.csv", &text);
    let s = u.env.cmd(format!("usage import {f} --json")).ok().json();
    assert_eq!(s["inserted"], 2);
    assert_eq!(u.totals().0, 12);
}

#[test]
fn validation_is_all_or_nothing_and_names_every_bad_line() {
    let u = setup();
    let k = &u.key_id;
    let text = format!(
        "{{\"id\":\"ok1\",\"key\":\"{k}\",\"timestamp\":{T0}}}\n\
         {{\"id\":\"b2\",\"key\":\"{k}\",\"timestamp\":\"2026-02-30T00:00:00Z\"}}\n\
         {{\"id\":\"b3\",\"key\":\"{k}\",\"timestamp\":{T0},\"quantity\":-4}}\n\
         {{\"id\":\"b4\",\"key\":\"nokey123\",\"timestamp\":{T0}}}\n\
         {{\"id\":\"b5\",\"key\":\"{k}\",\"timestamp\":{T0},\"quantity\":92233720368547758070}}\n\
         {{\"key\":\"{k}\",\"timestamp\":{T0}}}\n\
         {{\"id\":\"ok7\",\"key\":\"{k}\",\"timestamp\":{T0}}}\n"
    );
    let f = u.file("bad.ndjson", &text);
    let r = u.env.cmd(format!("usage import {f}")).code(2);
    for (line, reason) in [
        (2, "malformed timestamp"),
        (3, "negative quantity"),
        (4, "unknown key nokey123"),
        (5, "overflows a 64-bit integer"),
        (6, "no id"),
    ] {
        assert!(
            r.stderr.contains(&format!("bad.ndjson:{line}: ")) && r.stderr.contains(reason),
            "line {line} ({reason}) in:\n{}",
            r.stderr
        );
    }
    assert!(r.stderr.contains("nothing was imported"), "{}", r.stderr);
    assert_eq!(u.totals().0, 0, "no event was committed");

    // --skip-invalid commits the good lines and writes the bad ones with reasons.
    let rejects = u.env.path("rejects.jsonl");
    let s = u.env.json(format!("usage import {f} --skip-invalid --rejects {}", rejects.display()));
    assert_eq!(ints(&s, ["inserted", "rejected"]), [Some(2), Some(5)]);
    let lines: Vec<serde_json::Value> =
        common::read(&rejects).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(
        lines.iter().map(|l| l["line"].as_i64().unwrap()).collect::<Vec<_>>(),
        [2, 3, 4, 5, 6]
    );
    assert!(lines[2]["input"].as_str().unwrap().contains("nokey123"));
    let r = u.env.cmd(format!("usage import {f} --skip-invalid")).code(2);
    assert!(r.stderr.contains("--rejects"), "{}", r.stderr);
    let r = u.env.cmd("usage import -").code(2);
    assert!(r.stderr.contains("--format"), "{}", r.stderr);
}

#[test]
fn derived_ids_count_identical_lines_once() {
    let u = setup();
    let line = format!("{{\"key\":\"{}\",\"timestamp\":{T0},\"quantity\":3}}\n", u.key_id);
    let other = format!("{{\"key\":\"{}\",\"timestamp\":{},\"quantity\":3}}\n", u.key_id, T0 + 1);
    let f = u.file("noid.ndjson", &format!("{line}{line}{other}"));
    let s = u.env.cmd(format!("usage import {f} --derive-ids --json")).ok().json();
    assert_eq!(ints(&s, ["inserted", "duplicates"]), [Some(2), Some(1)]);
    assert_eq!(u.totals().0, 6);
}

#[test]
fn record_counts_an_id_once_and_feeds_verify() {
    let u = setup();
    let r = u.env.json(format!("usage record --key {} --quantity 40 --id once", u.key_id));
    assert_eq!(
        (r["inserted"].as_bool(), r["customer_id"].as_str()),
        (Some(true), Some(u.customer.as_str()))
    );
    let r = u.env.json(format!("usage record --key {} --quantity 40 --id once", u.key_id));
    assert_eq!(r["duplicate"], true);
    assert_eq!(u.totals(), (40, 40, 40));
    // A retry without --at is the same event whenever it runs: its time is the first
    // record's (the clock moved a minute here), so it is a duplicate, not a conflict.
    let t = billctl::domain::clock::now();
    u.env.set_now(t);
    let line = format!("usage record --key {} --quantity 7 --id retried --json", u.key_id);
    let first = u.env.cmd(&line).ok().json();
    assert_eq!(first["inserted"], true);
    u.env.set_now(t + 60);
    let again = u.env.cmd(&line);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.json()["duplicate"], true, "{}", again.stdout);
    u.env.set_now(i64::MIN);
    let r = u.env.cmd("usage record --key nokey123").code(2);
    assert!(r.stderr.contains("no API key with id nokey123"), "{}", r.stderr);
    let r = u.env.cmd(format!("usage record --key {} --at tomorrow", u.key_id)).code(2);
    assert!(r.stderr.contains("--at") && r.stderr.contains("malformed timestamp"), "{}", r.stderr);
}

#[test]
fn killing_an_import_at_random_points_then_rerunning_it_is_exact() {
    use std::os::unix::process::ExitStatusExt;
    let u = setup();
    let (n, batch) = (30_000i64, 500i64);
    let batches = n / batch;
    let quantity = |i: i64| 1 + i % 5;
    let text =
        ndjson(&(0..n).map(|i| u.event(format!("k{i}"), T0 + i, quantity(i))).collect::<Vec<_>>());
    let want: i64 = (0..n).map(quantity).sum();
    let f = u.file("big.ndjson", &text);
    // Pseudo-random kill points, reproducible: each round dies inside batch `at`'s transaction,
    // after its rows are written and before it commits (a test build's fault point), so every
    // round lands mid-import by construction.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    for round in 0..20 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let at = 1 + (seed % (batches as u64 - 1)) as i64; // 1..batches-1: never the last
        let fault = [(billctl::util::faults::FAULT_ENV, format!("usage.commit@{at}"))];
        let out = u.env.spawn_with(format!("usage import {f} --batch-size {batch} -q"), fault);
        let out = out.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.signal(),
            Some(6),
            "round {round}: the import died at the fault point (SIGABRT): {stderr}"
        );
        assert!(
            stderr.contains(&format!("fault point usage.commit: hit {at}")),
            "round {round}: {stderr}"
        );
        // Only whole batches are there, rollups included. On SQLite, exactly those before the
        // one it died in. On Postgres two writers commit batches at once, so the one beside
        // the dying batch may have been cut off too (it had not committed).
        let partial = u.env.count(
            &format!("SELECT count(*) FROM (SELECT CAST(substr(event_id, 2) AS INTEGER) / {batch} AS b, count(*) AS n FROM usage_events GROUP BY 1) x WHERE n <> {batch}"),
            false,
        );
        assert_eq!(partial, 0, "round {round}: a batch was half written");
        let whole = u.env.count("SELECT count(*) FROM usage_events", false) / batch;
        if common::on_postgres() {
            assert!(
                whole == at - 1 || whole == at - 2,
                "round {round}: {whole} batches committed, killed at the commit of the {at}th"
            );
        } else {
            assert_eq!(whole, at - 1, "round {round}: killed in batch {at} of {batches}");
        }
        let stored = u.env.count("SELECT coalesce(sum(quantity), 0) FROM usage_events", false);
        assert_eq!(
            u.totals(),
            (stored, stored, stored),
            "round {round}: rollups agree with the events"
        );
        assert!(stored < want);
        u.env.cmd(format!("usage import {f} -q")).ok();
        assert_eq!(u.totals(), (want, want, want), "round {round}: exact after re-running");
        assert_eq!(u.env.store().integrity_check().unwrap(), "ok");
        // Start the next round from empty usage tables again.
        reset_usage(&u);
    }
}

/// Empties the usage tables between rounds (test-only SQL on the real store).
fn reset_usage(u: &Usage) {
    u.env.exec(
        "DELETE FROM usage_events; DELETE FROM usage_hourly; DELETE FROM usage_daily;",
        false,
    );
}

/// Imports `(id, timestamp, quantity)` events for the test key.
fn import(u: &Usage, name: &str, events: &[(String, i64, i64)]) {
    let f = u.file(
        name,
        &ndjson(&events.iter().map(|(id, ts, q)| u.event(id, *ts, *q)).collect::<Vec<_>>()),
    );
    // Events may lie ahead of the real clock (a whole period's worth): import them as at the
    // last one, then give the clock back.
    let before = u.env.now_pinned();
    let last = events.iter().map(|e| e.1).max().unwrap_or(0);
    u.env.set_now(last.max(billctl::domain::clock::now()));
    u.env.cmd(format!("usage import {f} -q")).ok();
    u.env.set_now(before);
}

#[test]
fn the_report_is_exact_at_period_edges_and_adds_up_by_day() {
    let u = setup();
    let sub = u.env.store().live_subscription(&u.customer).unwrap().unwrap();
    let (start, end) = (sub.current_period_start, sub.current_period_end);
    // Around both edges, inside partial hours and whole days, and outside the period.
    let events: Vec<(String, i64, i64)> = [
        (start - 7200, 1000),
        (start - 1, 1000),
        (start, 1),
        (start + 10, 2),
        (start + 3599, 3),
        (start + 2 * 86_400 + 5 * 3600, 40),
        (start + 9 * 86_400, 500),
        (end - 3601, 6),
        (end - 30, 7),
        (end - 1, 8),
        (end, 1000),
        (end + 86_400, 1000),
    ]
    .iter()
    .enumerate()
    .map(|(i, (ts, q))| (format!("p{i}"), *ts, *q))
    .collect();
    import(&u, "edges.ndjson", &events);
    let want: i64 =
        events.iter().filter(|(_, ts, _)| *ts >= start && *ts < end).map(|(_, _, q)| q).sum();
    assert_eq!(want, 567);
    let rows = u.env.cmd("usage report --json").ok().json();
    let r = &rows[0];
    assert_eq!(
        (r["customer_id"].as_str(), r["tier"].as_str()),
        (Some(u.customer.as_str()), Some("pro"))
    );
    assert_eq!(
        ints(r, ["used", "quota", "remaining", "overage"]),
        [Some(want), Some(10_000), Some(10_000 - want), Some(0)]
    );
    assert_eq!(ints(r, ["period_start", "period_end"]), [Some(start), Some(end)]);
    assert!((r["percent"].as_f64().unwrap() - 5.67).abs() < 1e-9);
    let days = u.env.cmd("usage report --by day --json").ok().json();
    let by_day: i64 = days.as_array().unwrap().iter().map(|d| d["used"].as_i64().unwrap()).sum();
    assert_eq!(by_day, want, "days add up to the period");
    let keys = u.env.cmd("usage report --by key --json").ok().json();
    assert_eq!(
        (keys[0]["key_id"].as_str(), keys[0]["used"].as_i64()),
        (Some(u.key_id.as_str()), Some(want))
    );
    let explicit = u.env.json(format!("usage report --from {start} --to {}", start + 3600));
    assert_eq!(explicit[0]["used"], 6);
    let csv = u.env.cmd("usage report --csv").ok().stdout;
    assert!(
        csv.starts_with(
            "customer,key,day,tier,period_start,period_end,used,quota,percent,remaining,overage,access\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains(&format!(
            "{},,,pro,{start},{end},{want},10000,5.67,{},0",
            u.customer,
            10_000 - want
        )),
        "{csv}"
    );
    let table = u.env.cmd("usage report").ok().stdout;
    assert!(table.contains("5.7%") && table.contains("█"), "{table}");
    let r = u.env.cmd("usage report --customer cus_nope").code(2);
    assert!(r.stderr.contains("cus_nope"), "{}", r.stderr);
    let r = u.env.cmd("usage report --period 2026-13").code(2);
    assert!(r.stderr.contains("--period"), "{}", r.stderr);
}

#[test]
fn alerts_list_customers_over_the_threshold_and_exit_1() {
    let u = setup();
    let sub = u.env.store().live_subscription(&u.customer).unwrap().unwrap();
    let t = sub.current_period_start + 60;
    u.env.cmd("usage alerts").ok();
    import(&u, "a.ndjson", &[("a1".into(), t, 8_500)]);
    let r = u.env.cmd("usage alerts --threshold 80 --json").code(1);
    let listed = r.json();
    assert_eq!(
        (listed[0]["customer_id"].as_str(), listed[0]["percent"].as_f64()),
        (Some(u.customer.as_str()), Some(85.0))
    );
    u.env.cmd("usage alerts --threshold 90").ok();
    import(&u, "b.ndjson", &[("a2".into(), t, 2_000)]);
    let over = u.env.cmd("usage alerts --threshold 100 --json").code(1).json();
    assert_eq!(ints(&over[0], ["used", "overage"]), [Some(10_500), Some(500)]);
}

#[test]
fn four_concurrent_importers_of_overlapping_files_give_exact_totals() {
    let u = setup();
    // Four files of 20,000 events each, every file overlapping the next by half.
    let mut files = Vec::new();
    for f in 0..4i64 {
        let events: Vec<_> = (f * 10_000..f * 10_000 + 20_000)
            .map(|i| u.event(format!("c{i}"), T0 + i, 1 + i % 3))
            .collect();
        files.push(u.file(&format!("part{f}.ndjson"), &ndjson(&events)));
    }
    let none: [(&str, &str); 0] = [];
    let children: Vec<_> = files
        .iter()
        .map(|f| u.env.spawn_with(format!("usage import {f} --batch-size 2000 --json"), none))
        .collect();
    let mut inserted = 0;
    for c in children {
        let out = c.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "an importer failed: {stderr}");
        assert!(!stderr.contains("locked"), "{stderr}");
        let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        inserted += s["inserted"].as_i64().unwrap();
    }
    let want: i64 = (0..50_000i64).map(|i| 1 + i % 3).sum();
    assert_eq!(inserted, 50_000, "each distinct id inserted by exactly one importer");
    assert_eq!(u.totals(), (want, want, want));
    assert_eq!(u.env.store().integrity_check().unwrap(), "ok");
}

#[test]
fn the_html_report_is_one_self_contained_page_with_a_chart_per_customer() {
    // The chart's points are checked in tests/it/dashboard.rs, which draws the same section.
    let u = setup();
    let sub = u.env.store().live_subscription(&u.customer).unwrap().unwrap();
    // Events on both sides of each edge, on the edges' own UTC days (the period starts and
    // ends mid-day): the page's total must be the table's, not whole days'.
    let (start, end) = (sub.current_period_start, sub.current_period_end);
    assert!(start % 86_400 > 0 && end % 86_400 < 86_399, "mid-day edges");
    import(
        &u,
        "h.ndjson",
        &[
            ("h0".into(), start - 1, 500),
            ("h1".into(), start + 60, 4_000),
            ("h2".into(), start + 2 * 86_400, 3_000),
            ("h3".into(), end, 900),
        ],
    );
    let table = u.env.cmd("usage report --json").ok().json();
    assert_eq!(table[0]["used"], 7000);
    let page = u.env.path("report.html");
    u.env.cmd(format!("usage report --html {} -q", page.display())).ok();
    let html = common::read(&page);
    assert!(
        html.starts_with("<!doctype html>") && html.contains("<svg") && html.contains("<polyline"),
        "a chart"
    );
    assert!(html.contains(&u.customer) && html.contains("7,000 API calls of 10,000"), "{html}");
    assert!(html.contains("quota 10,000"), "the quota line");
    assert_eq!(html.matches("<script").count(), 1, "one inline script");
    for external in ["<script src", "http://", "https://", "src=", "@import", "url("] {
        let found = html.replace("http://www.w3.org/2000/svg", "");
        assert!(!found.contains(external), "the page must not load anything: found {external}");
    }
}

#[test]
fn importing_a_missing_file_names_the_file_and_its_cause() {
    let u = setup();
    let r = u.env.cmd("usage import /nonexistent/events").code(2);
    assert!(
        r.stderr.contains("failed to read /nonexistent/events")
            && r.stderr.contains("No such file"),
        "{}",
        r.stderr
    );
    assert_eq!(u.totals(), (0, 0, 0));
}

#[test]
fn every_time_flag_takes_one_grammar_with_ranges_checked() {
    let u = setup();
    u.env.set_now(T0 + 7_200);
    // An age counts back from billctl's clock; a date is its UTC midnight; RFC 3339 any offset.
    for (at, id, want) in [
        ("90m", "a1", T0 + 1_800),
        ("2026-11-24", "a2", T0 - 6 * 3_600),
        ("2026-11-24T08:00:00+02:00", "a3", T0),
        ("1795500000", "a4", T0),
    ] {
        let r = u.env.json(format!("usage record --key {} --at {at} --id {id}", u.key_id));
        assert_eq!(r["timestamp"].as_i64(), Some(want), "--at {at}: {r}");
    }
    // Out of range or malformed: exit 2, the flag and the reason named, nothing stored.
    for (flag, bad, why) in [
        ("--at", "2026-11-24T06:00:00+99:99", "offset"),
        ("--at", "0000-01-01", "out of range"),
        ("--at", "tomorrow", "malformed timestamp"),
    ] {
        let r = u.env.cmd(format!("usage record --key {} {flag} {bad}", u.key_id)).code(2);
        assert!(r.stderr.contains(flag) && r.stderr.contains(why), "{bad}: {}", r.stderr);
    }
    assert_eq!(u.totals().0, 4, "only the four good events");
    let r = u.env.cmd("audit list --since 7d --json").ok();
    assert!(r.json().is_array());
    let r = u.env.cmd("usage report --from 2026-11-24 --to 0s --json").ok().json();
    assert_eq!(r[0]["used"].as_i64(), Some(4), "{r}");
}

/// A repeated event id with another quantity, key or customer is a conflict, counted and
/// listed apart from plain duplicates, within an import and across imports; the first event
/// stays (issue 29). Twelve events a batch, so that Postgres takes its COPY path too.
#[test]
fn conflicting_repeats_are_reported_apart_from_duplicates() {
    let u = setup();
    let line = |id: &str, q: i64, ts: i64| u.event(id, ts, q).ndjson() + "\n";
    let mut text = String::new();
    for i in 0..10 {
        text += &line(&format!("base{i}"), 1, T0 + i);
    }
    text += &line("base0", 1, T0); // a plain repeat
    text += &line("base1", 7, T0 + 1); // the same id, another quantity
    let f = u.file("first.ndjson", &text);
    // Conflicting events were refused: a problem found, exit 1.
    let r = u.env.cmd(format!("usage import {f} --json --batch-size 100")).code(1).json();
    assert_eq!(
        ints(&r, ["inserted", "duplicates", "conflicts"]),
        [Some(10), Some(1), Some(1)],
        "{r}"
    );
    assert_eq!(r["first_conflicts"][0]["event_id"], "base1");
    assert_eq!(r["first_conflicts"][0]["kept"]["quantity"], 1);
    assert_eq!(r["first_conflicts"][0]["dropped"]["quantity"], 7);

    // Across imports: the same ids again, one with a customer instead of the key.
    let mut again = String::new();
    for i in 0..10 {
        again += &line(&format!("base{i}"), 1, T0 + i);
    }
    again += &(event("base2", &u.customer).at(T0 + 2).ndjson() + "\n");
    again += &line("fresh", 2, T0 + 20);
    let g = u.file("second.ndjson", &again);
    let human = u.env.cmd(format!("usage import {g}")).code(1);
    assert!(
        human.stderr.contains("conflict: event base2 was already recorded with other content")
            && human.stderr.contains("refused (customer")
            && human.stdout.contains("inserted 1, duplicates 10, conflicts 1"),
        "stdout:\n{}\nstderr:\n{}",
        human.stdout,
        human.stderr
    );
    // The first events stay: 10 of quantity 1, and the fresh one of 2.
    assert_eq!(u.totals(), (12, 12, 12));
}

/// Times at the ends of the range print as themselves, and an open `--to` means until now
/// (issue 30): `--from 9999-12-31` named 0000-01-01, `9999-12-31T23:59:59Z` was refused, and
/// `--from 7d` needed `--to`.
#[test]
fn the_end_of_9999_and_an_open_end_are_understood() {
    let u = setup();
    u.env.cmd(format!("usage record --key {} --quantity 3 -q", u.key_id)).ok();
    let week = u.env.cmd("usage report --from 7d --json").ok().json();
    assert_eq!(week[0]["used"], 3, "{week}");
    let all = u.env.cmd("usage report --to 9999-12-31T23:59:59Z --json").ok().json();
    assert_eq!(all[0]["used"], 3, "{all}");
    for args in [
        "usage report --from 9999-12-31",
        "usage compact --before 9999-12-31 --yes",
        "usage compact --before 9999-12-31T23:59:59Z --yes",
    ] {
        let r = u.env.cmd(args).code(2);
        assert!(
            r.stderr.contains("9999-12-31") && !r.stderr.contains("0000-01-01"),
            "{args:?}: {}",
            r.stderr
        );
    }
}

/// `usage import --skip-invalid --rejects FILE` whose file cannot be put in place after the
/// events are committed says what it committed: the usual summary (and `rejects_error` in
/// `--json`), an error line naming the count and the file, exit 3; the events are in the
/// store, no claim that the rejects were written, nothing left beside the target. Failed for
/// real (`/dev/full`: the write fails when the file is flushed at the end) and at the fault
/// point where a regular file is renamed into place. Running it again with another file gets
/// the rejects, the events counted as duplicates.
#[test]
fn lost_rejects_after_the_commit_report_what_was_committed() {
    let u = setup();
    let text = format!(
        "{{\"id\":\"r1\",\"key\":\"{k}\",\"timestamp\":{T0},\"quantity\":2}}\nnot json\n{{\"id\":\"r2\",\"key\":\"{k}\",\"timestamp\":{T0},\"quantity\":5}}\n",
        k = u.key_id
    );
    let f = u.file("lost.ndjson", &text);
    let dir = u.env.path("rejects-dir");
    std::fs::create_dir(&dir).unwrap();
    let target = dir.join("rejects.jsonl");
    let target = target.to_str().unwrap();
    let cases: [(&str, Option<&str>, bool); 3] = [
        ("/dev/full", None, true),
        (target, Some("usage.rejects.persist@1"), true),
        (target, Some("usage.rejects.persist@1"), false),
    ];
    for (n, (rejects, fault, json)) in cases.into_iter().enumerate() {
        let mut c = u.env.command();
        c.args(["usage", "import", &f, "--skip-invalid", "--rejects", rejects]);
        if json {
            c.arg("--json");
        }
        if let Some(fault) = fault {
            c.env(billctl::util::faults::FAULT_ENV, fault);
        }
        let r = common::run(&mut c).code(3);
        let ctx = format!("{rejects} {fault:?}:\n{}{}", r.stdout, r.stderr);
        let inserted = if n == 0 { 2 } else { 0 };
        let line = format!("error: imported {inserted} events, committed (3 events read, {} duplicates, 0 conflicts); the rejects file {rejects} could not be written, so its 1 rejected line is lost", 2 - inserted);
        assert!(r.stderr.contains(&line), "{ctx}");
        assert!(r.stderr.contains("--rejects FILE"), "a hint: {ctx}");
        assert!(!r.stderr.contains("written to"), "no claim of a written file: {ctx}");
        if json {
            let s = r.json();
            assert_eq!(ints(&s, ["inserted", "rejected"]), [Some(inserted), Some(1)], "{ctx}");
            assert!(s["rejects_error"].as_str().is_some_and(|e| e.contains(rejects)), "{ctx}");
        } else {
            assert!(
                r.stdout
                    .contains(&format!("read 3, inserted {inserted}, duplicates {}", 2 - inserted)),
                "{ctx}"
            );
        }
        assert_eq!(u.totals(), (7, 7, 7), "the events are committed: {ctx}");
        let left: Vec<_> = std::fs::read_dir(&dir).unwrap().collect();
        assert!(left.is_empty(), "nothing put in place, no temporary file: {ctx}");
    }
    // Again with a file that can be written: the rejects, and the events as duplicates.
    let s =
        u.env.cmd(format!("usage import {f} --skip-invalid --rejects {target} --json")).ok().json();
    assert_eq!(ints(&s, ["inserted", "duplicates"]), [Some(0), Some(2)]);
    assert!(s.get("rejects_error").is_none(), "{s}");
    assert!(common::read(std::path::Path::new(target)).contains("\"line\":2"));
}

/// A `--rejects` file that cannot be created (its directory missing, not a directory, or not
/// writable) refuses the import before any event is committed.
#[test]
fn an_unwritable_rejects_directory_refuses_before_importing() {
    let u = setup();
    let text = format!(
        "{{\"id\":\"w1\",\"key\":\"{}\",\"timestamp\":{T0},\"quantity\":4}}\nnot json\n",
        u.key_id
    );
    let f = u.file("unwritable.ndjson", &text);
    let plain = u.file("plain", "a file");
    let locked = u.env.path("locked");
    std::fs::create_dir(&locked).unwrap();
    let mut dirs = vec![u.env.path("missing"), std::path::PathBuf::from(&plain)];
    // Root writes through a directory's mode: the read-only case needs another user.
    if !nix::unistd::Uid::effective().is_root() {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o500)).unwrap();
        dirs.push(locked);
    }
    for dir in dirs {
        let rejects = dir.join("rejects.jsonl");
        let r = u
            .env
            .cmd(format!("usage import {f} --skip-invalid --rejects {}", rejects.display()))
            .code(2);
        assert!(
            r.stderr.contains(&format!("failed to create a file in {}", dir.display())),
            "{}",
            r.stderr
        );
        assert_eq!(u.totals().0, 0, "nothing imported: {}", r.stderr);
        assert!(!rejects.exists());
    }
}

/// Every grouping of `usage report` shows the tier's quota (issue 42: `--by key` and `--by day`
/// said QUOTA "unlimited" for a Pro key, `quota: null` in JSON). A Pro customer's rows say
/// 10000 and an Enterprise customer's (unlimited for real) say so, in the table, the JSON and
/// the CSV, with and without `--key`; a key's or a day's row has its own share of the quota as
/// its percent and the customer's remaining and overage. One row per `--by` value, read from
/// the grammar, so a new grouping without a row fails here.
#[test]
fn every_grouping_shows_the_tiers_quota() {
    use clap::CommandFactory;
    let u = setup();
    let ent = u.env.subscribed("ent@example.com", "enterprise");
    let ent_key_id = common::key_id(&u.env.key(&ent));
    let start = u.env.store().live_subscription(&u.customer).unwrap().unwrap().current_period_start;
    let (day2, last) = (start + 86_400 + 10, start + 86_400 + 20);
    let events = [
        u.event("q1", start + 10, 300),
        event("q2", &u.customer).at(day2).quantity(200),
        event("q3", &ent).key(&ent_key_id).at(last).quantity(50),
    ];
    let f = u.file("quota.ndjson", &ndjson(&events));
    u.env.set_now(last + 1);
    u.env.cmd(format!("usage import {f} -q")).ok();
    // (grouping, the Pro rows' used without --key, and with --key KEY).
    let table: [(&str, &[i64], &[i64]); 3] =
        [("customer", &[500], &[300]), ("key", &[300], &[300]), ("day", &[300, 200], &[300])];
    let cli = billctl::cli::Cli::command();
    let report = cli.find_subcommand("usage").and_then(|c| c.find_subcommand("report")).unwrap();
    let by = report.get_arguments().find(|a| a.get_id() == "by").unwrap();
    let mut groupings: Vec<String> =
        by.get_possible_values().iter().map(|v| v.get_name().to_string()).collect();
    groupings.sort();
    let mut rows: Vec<String> = table.iter().map(|(g, _, _)| g.to_string()).collect();
    rows.sort();
    assert_eq!(rows, groupings, "a row for every --by value");
    for (by, whole, one_key) in table {
        for (key, want) in [(None, whole), (Some(u.key_id.as_str()), one_key)] {
            let mut args = vec!["usage", "report", "--by", by];
            if let Some(k) = key {
                args.extend(["--key", k]);
            }
            let case = args.join(" ");
            let json = u.env.run(&[&args[..], &["--json"]].concat()).ok().json();
            let json = json.as_array().unwrap();
            let pro: Vec<&serde_json::Value> =
                json.iter().filter(|r| r["customer_id"] == u.customer.as_str()).collect();
            let used: Vec<i64> = pro.iter().map(|r| r["used"].as_i64().unwrap()).collect();
            assert_eq!(used, want, "{case}: {json:?}");
            for r in &pro {
                let share = r["used"].as_f64().unwrap() / 100.0;
                assert_eq!(
                    ints(r, ["quota", "remaining", "overage"]),
                    [Some(10_000), Some(10_000 - 500), Some(0)],
                    "{case}: {r}"
                );
                assert!((r["percent"].as_f64().unwrap() - share).abs() < 1e-9, "{case}: {r}");
            }
            for r in json.iter().filter(|r| r["customer_id"] == ent.as_str()) {
                assert_eq!(r["tier"], "enterprise", "{case}: {r}");
                assert!(r["quota"].is_null() && r["remaining"].is_null(), "{case}: {r}");
            }
            assert_eq!(
                json.iter().any(|r| r["customer_id"] == ent.as_str()),
                key.is_none(),
                "{case}: the Enterprise customer's rows, unless one key is asked for"
            );
            let text = u.env.run(&args).ok().stdout;
            let shown = |c: &str| text.lines().filter(|l| l.contains(c)).collect::<Vec<_>>();
            assert_eq!(shown(&u.customer).len(), want.len(), "{case}:\n{text}");
            for l in shown(&u.customer) {
                assert!(l.contains("┆ 10000 ") && !l.contains("unlimited"), "{case}: {l}");
            }
            for l in shown(&ent) {
                assert!(l.contains("┆ unlimited "), "{case}: {l}");
            }
            let csv = u.env.run(&[&args[..], &["--csv"]].concat()).ok().stdout;
            for l in csv.lines().skip(1) {
                let quota = l.split(',').nth(7).unwrap();
                let want = if l.starts_with(&u.customer) { "10000" } else { "" };
                assert_eq!(quota, want, "{case}: {l}");
            }
        }
    }
}

/// Issue 45's migration (SQLite 14, Postgres 10) on a store written before it: one raw index
/// instead of two, and a key's last use kept in its daily rollup. Every count and period sum
/// is the same after it, the last use recorded before it is still read, and a later call moves
/// it while an earlier one does not. Runs on the suite's backend.
#[test]
fn the_one_index_migration_keeps_counts_and_last_use_exact() {
    use billctl::adapters::store::{Route, Store, UsageEvent};
    use billctl::domain::usage::Scope;
    let t0 = 1_790_000_000i64;
    let events: Vec<UsageEvent> = (0..600i64)
        .map(|i| UsageEvent {
            key_id: (i % 4 != 0).then(|| "key_m".to_string()),
            ..event(format!("m{i}"), if i % 5 == 0 { "cus_n" } else { "cus_m" })
                .quantity(1 + i % 7)
                .at(t0 + i * 977)
        })
        .collect();
    let last = events.iter().filter(|e| e.key_id.is_some()).map(|e| e.ts).max().unwrap();
    // The store as the previous schema wrote it: rollups without `last_ts`, two raw indexes,
    // and the key's last use in its own column.
    let env = Env::new();
    let exec = |sql: &str| match &env.database_url {
        Some(u) => common::pg::cluster().unwrap().client(u).batch_execute(sql).unwrap(),
        None => rusqlite::Connection::open(env.data_dir().join("billctl.db"))
            .unwrap()
            .execute_batch(sql)
            .unwrap(),
    };
    let rewind = if env.database_url.is_some() {
        format!(
            "ALTER TABLE usage_daily DROP COLUMN last_ts; ALTER TABLE usage_daily RESET (fillfactor); ALTER TABLE usage_hourly RESET (fillfactor);
             UPDATE api_keys SET last_used_at = {last} WHERE id = 'key_m';
             DELETE FROM billctl_schema WHERE version >= 10;"
        )
    } else {
        format!(
            "DROP INDEX usage_by_hour;
             CREATE INDEX usage_by_hour_customer ON usage_events(ts / 3600, customer_id, ts, quantity);
             CREATE INDEX usage_by_hour_key ON usage_events(ts / 3600, key_id, ts, quantity) WHERE key_id IS NOT NULL;
             ALTER TABLE usage_daily DROP COLUMN last_ts;
             UPDATE api_keys SET last_used_at = {last} WHERE id = 'key_m';
             PRAGMA user_version = 13;"
        )
    };
    let mut store = env.store();
    let hash = if env.database_url.is_some() { "'\\x00'" } else { "x'00'" };
    exec(&format!("INSERT INTO api_keys (id, hash, mode, customer_id, created_at, created_by) VALUES ('key_m', {hash}, 'test', 'cus_m', 0, 'test')"));
    store.record_usage(&events, t0, Route::Import).unwrap();
    let periods =
        [(t0 - 10, t0 + 86_400 * 3 + 17), (t0 + 5_000, t0 + 9_000), (t0 + 3_333, t0 + 600 * 977)];
    let sums = |s: &Store| -> Vec<i64> {
        let mut out = Vec::new();
        for (scope, subject) in
            [(Scope::Customer, "cus_m"), (Scope::Customer, "cus_n"), (Scope::Key, "key_m")]
        {
            for (f, t) in periods {
                out.push(s.usage_in(scope, subject, f, t).unwrap());
            }
        }
        out
    };
    let before = sums(&store);
    let truth: i64 = events.iter().filter(|e| e.customer_id == "cus_m").map(|e| e.quantity).sum();
    assert_eq!(
        before[2],
        events
            .iter()
            .filter(|e| e.customer_id == "cus_m" && e.ts >= periods[2].0 && e.ts < periods[2].1)
            .map(|e| e.quantity)
            .sum::<i64>()
    );
    drop(store);
    exec(&rewind);
    let mut store = env.store();
    assert_eq!(
        store.schema_version().unwrap(),
        store.check_schema().unwrap(),
        "migrated to the current schema"
    );
    assert_eq!(sums(&store), before, "every period sum is the same after the migration");
    let counts: std::collections::HashMap<String, i64> =
        store.row_counts().unwrap().into_iter().collect();
    assert_eq!(counts["usage_events"], 600);
    assert_eq!(store.usage_in(Scope::Customer, "cus_m", 0, i64::MAX / 2).unwrap(), truth);
    assert_eq!(
        store.key("key_m").unwrap().unwrap().last_used_at,
        Some(last),
        "the last use recorded before the migration is read"
    );
    // A later event moves the key's last use; an earlier one does not.
    let later = UsageEvent { key_id: Some("key_m".into()), ..event("after", "cus_m").at(last + 5) };
    let earlier =
        UsageEvent { key_id: Some("key_m".into()), ..event("before", "cus_m").at(t0 + 1) };
    store.record_usage(&[later], t0, Route::Import).unwrap();
    assert_eq!(store.key("key_m").unwrap().unwrap().last_used_at, Some(last + 5));
    store.record_usage(&[earlier], t0, Route::Import).unwrap();
    assert_eq!(store.key("key_m").unwrap().unwrap().last_used_at, Some(last + 5));
    assert_eq!(store.usage_in(Scope::Customer, "cus_m", 0, i64::MAX / 2).unwrap(), truth + 2);
}

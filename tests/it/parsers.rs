//! Property tests: every parser of outside input returns an error, never panics, on arbitrary
//! input and on valid input with random edits. 10,000 cases per parser (the `PROPTEST_CASES`
//! variable overrides it).
//!
//! The parsers: API keys, the `Stripe-Signature` header, NDJSON and CSV usage lines (and CSV
//! headers), the time grammar (moments, timestamps, days, months, spans), the config loader and
//! `--expect` env files.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it talks to no Stripe at all; the default run covers it.

use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(10_000)
}

fn config() -> ProptestConfig {
    ProptestConfig { cases: cases(), failure_persistence: None, ..ProptestConfig::default() }
}

/// `sample` with up to 8 random edits (replace, insert or delete a byte at a random place),
/// read back as text however it comes out.
fn mutated(sample: &'static str) -> impl Strategy<Value = String> {
    prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 0..8).prop_map(
        move |edits| {
            let mut b = sample.as_bytes().to_vec();
            for (at, byte, op) in edits {
                let i = if b.is_empty() { 0 } else { at.index(b.len()) };
                match op {
                    0 if !b.is_empty() => b[i] = byte,
                    1 => b.insert(i, byte),
                    _ if !b.is_empty() => {
                        b.remove(i);
                    }
                    _ => b.push(byte),
                }
            }
            String::from_utf8_lossy(&b).into_owned()
        },
    )
}

/// Arbitrary text, text from the parser's own alphabet, or a mutated valid sample.
fn input(sample: &'static str, alphabet: &'static str) -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), alphabet, mutated(sample),]
}

const KEY: &str = "bk_test_AbCd1234_0123456789abcdefghijABCDEFGHIJklmnop";
const SIG: &str = "t=1795500000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39";
const NDJSON: &str = r#"{"id":"e1","key":"AbCd1234","timestamp":"2026-11-24T06:00:00Z","quantity":3,"endpoint":"/v1/x","meta":{"a":1}}"#;
const CSV_HEADER: &str = "id,customer,timestamp,quantity,meta";
const CSV_LINE: &str = r#"e1,cus_1,1795500000,2,"{""a"":1}""#;
const MOMENT: &str = "2026-11-24T06:25:00.5+02:00";
const ENV: &str =
    "# prices\nexport PRICE_PRO=\"price_1\"\nPRICE_TEAM=price_2\n\nPRICE_ENTERPRISE='price_3'\n";

proptest! {
    #![proptest_config(config())]

    #[test]
    fn api_keys(s in input(KEY, "bk_(test|live)_[A-Za-z0-9_]{0,60}")) {
        if let Some(p) = billctl::domain::keys::parse(&s) {
            prop_assert!(s.contains(p.id));
        }
    }

    #[test]
    fn stripe_signature_headers(s in input(SIG, "(t=-?[0-9]{0,20}|v1=[0-9a-f]{0,70}|,| |=){0,12}")) {
        let secrets = vec!["whsec_test".to_string()];
        let _ = billctl::domain::webhooks::verify(&s, b"{}", &secrets, 1_795_500_000, 300);
    }

    #[test]
    fn ndjson_usage_lines(s in input(NDJSON, r#"\{("[a-z]{1,9}":(-?[0-9]{0,25}(\.[0-9])?|"[^"]{0,30}"|null|\{\}),?){0,8}\}"#)) {
        if let Ok(e) = billctl::domain::usage::parse_ndjson(&s) {
            prop_assert!(e.quantity >= 0 && e.timestamp >= 0);
        }
    }

    #[test]
    fn csv_usage_lines(h in input(CSV_HEADER, "[a-z,\" ]{0,60}"), s in input(CSV_LINE, "[a-z0-9_,\"{}: -]{0,60}")) {
        let header = billctl::domain::usage::csv_header(&h)
            .unwrap_or_else(|_| billctl::domain::usage::csv_header(CSV_HEADER).unwrap());
        if let Ok(e) = billctl::domain::usage::parse_csv(&header, &s) {
            prop_assert!(e.quantity >= 0 && e.timestamp >= 0);
        }
    }

    #[test]
    fn the_time_grammar(s in input(MOMENT, "[0-9]{0,12}[-T:.+Z zsmhdw0-9]{0,20}")) {
        let now = 1_795_500_000;
        for t in [
            billctl::domain::time::parse_moment(&s, now),
            billctl::domain::time::parse_timestamp(&s),
            billctl::domain::time::parse_day(&s),
        ]
        .into_iter()
        .flatten()
        {
            prop_assert!((billctl::domain::time::MIN..=billctl::domain::time::MAX).contains(&t), "{s:?} -> {t}");
        }
        if let Ok((a, b)) = billctl::domain::time::parse_month(&s) {
            prop_assert!(a < b);
        }
        if let Ok(span) = billctl::domain::time::parse_span(&s) {
            prop_assert!((0..=billctl::domain::time::MAX_SPAN).contains(&span));
        }
    }

    #[test]
    fn the_config_loader(s in input(billctl::domain::config::DEFAULT_CONFIG, "(\\[[a-z.]{1,12}\\]\n|[a-z_]{1,12} = ([0-9]{1,12}|\"[a-z0-9 ]{0,10}\")\n){0,10}")) {
        if let Err(e) = billctl::domain::config::parse(&s, "prop.toml") {
            prop_assert!(!e.to_string().is_empty());
        }
    }

    #[test]
    fn expect_env_files(s in input(ENV, "((export )?[A-Z_]{0,10}=?[\"'a-z_0-9]{0,12}\n|#[^\n]{0,10}\n){0,6}")) {
        if let Ok(vars) = billctl::ops::prices::parse_env(&s, "prop.env") {
            for (name, (line, _)) in vars {
                prop_assert!(line >= 1 && !name.contains('\n'));
            }
        }
    }
}

/// Every time flag (each clap argument whose value is a DURATION) says that `1.5d` and `1e309d`
/// need a whole number of days, naming the flag, where it said "the unit must be s, m, h, d or
/// w" (issue 42). The flags are found by clap introspection, so a new one is checked too.
#[test]
fn every_duration_flag_says_a_fraction_is_not_whole() {
    use clap::{CommandFactory, Parser};
    fn walk(cmd: &clap::Command, at: Vec<String>, out: &mut Vec<(Vec<String>, String)>) {
        for arg in cmd.get_arguments() {
            let duration = arg
                .get_value_names()
                .is_some_and(|names| names.iter().any(|n| n.as_str() == "DURATION"));
            if let (true, Some(long)) = (duration, arg.get_long()) {
                out.push((at.clone(), long.to_string()));
            }
        }
        for sub in cmd.get_subcommands() {
            let mut words = at.clone();
            words.push(sub.get_name().to_string());
            walk(sub, words, out);
        }
    }
    let mut flags = Vec::new();
    walk(&billctl::cli::Cli::command(), Vec::new(), &mut flags);
    assert!(flags.len() >= 8, "the DURATION flags: {flags:?}");
    for (words, long) in &flags {
        for value in ["1.5d", "1e309d"] {
            let mut argv = vec!["billctl".to_string()];
            argv.extend(words.iter().cloned());
            argv.push(format!("--{long}={value}"));
            let err = billctl::cli::Cli::try_parse_from(&argv)
                .err()
                .unwrap_or_else(|| panic!("{argv:?} was accepted"))
                .to_string();
            for want in
                [format!("--{long}"), "the number must be a whole number of days".to_string()]
            {
                assert!(err.contains(&want), "{argv:?}: expected {want:?} in {err}");
            }
        }
    }
}

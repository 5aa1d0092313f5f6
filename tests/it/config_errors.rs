//! Bad config is reported with file, line and key, exits 2, and sends nothing to Stripe.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it reads the simulator's request log to prove nothing was sent.

use crate::common;

use common::{Env, DEFAULT_CONFIG};

fn line_of(text: &str, needle: &str) -> usize {
    text.lines()
        .position(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("{needle} not in config"))
        + 1
}

/// [`rejected`] at the line of `text` that holds `needle`.
#[track_caller]
fn rejected_at(env: &Env, text: &str, needle: &str, want_key: &str, want_msg: &str) {
    rejected(env, text, line_of(text, needle), want_key, want_msg)
}

#[track_caller]
fn rejected(env: &Env, text: &str, want_line: usize, want_key: &str, want_msg: &str) {
    let path = env.config(text);
    env.sim.clear_requests();
    for args in ["setup-products --yes", "prices check"] {
        let r = env.cmd(format!("--config {} {args}", path.display())).code(2);
        let located = format!("{}:{want_line}:", path.display());
        assert!(r.stderr.contains(&located), "expected {located} in:\n{}", r.stderr);
        assert!(r.stderr.contains(want_key), "expected key {want_key} in:\n{}", r.stderr);
        assert!(r.stderr.contains(want_msg), "expected {want_msg:?} in:\n{}", r.stderr);
    }
    assert!(env.sim.requests().is_empty(), "nothing was sent to Stripe");
}

#[test]
fn unknown_keys_are_rejected() {
    let env = Env::new();
    let text = DEFAULT_CONFIG.replacen(
        "rate_limit_per_minute = 600",
        "rate_limit_per_minute = 600\ncolour = \"red\"",
        1,
    );
    rejected_at(&env, &text, "colour", "tiers.team.colour", "unknown field");
}

#[test]
fn negative_amounts_are_rejected() {
    let env = Env::new();
    let text = DEFAULT_CONFIG.replacen("amount = 49900", "amount = -49900", 1);
    let says = "must be a whole number from 0 to 99999999 (integer minor units, 9900 = $99.00), not -49900";
    rejected_at(&env, &text, "-49900", "tiers.team.price.amount", says);
}

#[test]
fn duplicate_lookup_keys_are_rejected() {
    let env = Env::new();
    let text =
        DEFAULT_CONFIG.replacen("lookup_key = \"team_monthly\"", "lookup_key = \"pro_monthly\"", 1);
    let line =
        text.lines().enumerate().filter(|(_, l)| l.contains("\"pro_monthly\"")).nth(1).unwrap().0
            + 1;
    rejected(&env, &text, line, "tiers.team.price.lookup_key", "duplicate lookup key");
}

#[test]
fn unknown_currencies_are_rejected() {
    let env = Env::new();
    let text = DEFAULT_CONFIG.replacen("currency = \"usd\"", "currency = \"usx\"", 1);
    rejected_at(&env, &text, "usx", "tiers.pro.price.currency", "unknown currency");
}

/// Stripe takes three-decimal amounts (BHD, JOD, KWD, OMR, TND) only ending in 0, and ISK and
/// UGX only in whole units (multiples of 100): a configured price that is not is refused at
/// load, with file, line and key, before anything reaches Stripe. One row per rule, and a
/// price Stripe takes in each of those currencies loads.
#[test]
fn amounts_stripe_would_refuse_for_their_currency_are_rejected() {
    let env = Env::new();
    for (currency, bad, good, why, shown) in [
        ("kwd", "5125", "5120", "to end in 0", "5.120 KWD / month"),
        ("bhd", "1", "10", "to end in 0", "0.010 BHD / month"),
        ("jod", "99999", "99990", "to end in 0", "99.990 JOD / month"),
        ("omr", "4321", "4320", "to end in 0", "4.320 OMR / month"),
        ("tnd", "7", "70", "to end in 0", "0.070 TND / month"),
        ("isk", "550", "500", "whole units", "5 ISK / month"),
        ("ugx", "1050", "1000", "whole units", "10 UGX / month"),
    ] {
        let priced = |amount: &str| {
            let text = DEFAULT_CONFIG.replacen("amount = 9900", &format!("amount = {amount}"), 1);
            text.replacen("currency = \"usd\"", &format!("currency = \"{currency}\""), 1)
        };
        let text = priced(bad);
        rejected_at(&env, &text, &format!("amount = {bad}"), "tiers.pro.price.amount", why);
        // Stripe (the simulator, as strict) takes the amount that fits.
        let path = env.config(&priced(good));
        let r = env.cmd(format!("--config {} setup-products --yes", path.display())).code(0);
        // The plan shows the amount in the currency's own decimals.
        assert!(
            r.stdout.contains(shown) || r.stderr.contains(shown),
            "{shown} in:\n{}{}",
            r.stdout,
            r.stderr
        );
    }
}

#[test]
fn missing_tier_fields_are_rejected() {
    let env = Env::new();
    let text = DEFAULT_CONFIG.replacen("rate_limit_per_minute = 60\n", "", 1);
    // serde reports a missing field at the table it belongs to.
    rejected_at(&env, &text, "[tiers.pro]", "tiers.pro.rate_limit_per_minute", "missing field");
}

#[test]
fn a_missing_config_file_is_named() {
    let env = Env::new();
    let r = env.cmd("--config /nonexistent/billctl.toml prices check").code(2);
    assert!(r.stderr.contains("/nonexistent/billctl.toml"), "{}", r.stderr);
    // BILLCTL_CONFIG works the same, and --config wins over it.
    let r = env.cmd_with("prices check", [("BILLCTL_CONFIG", "/nonexistent/env.toml")]);
    assert!(r.stderr.contains("/nonexistent/env.toml"), "{}", r.stderr);
    let good = env.config(DEFAULT_CONFIG);
    let r = env.cmd_with(
        format!("--config {} setup-products --plan", good.display()),
        [("BILLCTL_CONFIG", "/nonexistent/env.toml")],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// A config is bounded (issue 30): a FIFO is refused at once instead of blocking, a file over
/// 1 MiB and a catalog over 100 tiers are refused, and invalid UTF-8 is named by its line.
#[test]
fn a_config_is_a_bounded_regular_file_of_utf8() {
    let env = Env::new();
    let fifo = env.path("config.fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let r = env.cmd(format!("--config {} prices list", fifo.display())).code(2);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);

    let big = env.path("big.toml");
    let mut text = DEFAULT_CONFIG.to_string();
    text.push_str(&format!("# {}\n", "x".repeat(1 << 20)));
    std::fs::write(&big, &text).unwrap();
    let r = env.cmd(format!("--config {} prices list", big.display())).code(2);
    assert!(r.stderr.contains("at most 1048576 bytes"), "{}", r.stderr);

    let mut many = String::new();
    for i in 0..101 {
        many.push_str(&format!(
            "[tiers.t{i}]\nname = \"T{i}\"\nquota = 10\nrate_limit_per_minute = 60\n[tiers.t{i}.price]\nlookup_key = \"t{i}_monthly\"\namount = 100\ncurrency = \"usd\"\ninterval = \"month\"\nenv = \"PRICE_T{i}\"\n"
        ));
    }
    env.sim.clear_requests();
    let path = env.config(&many);
    let r = env.cmd(format!("--config {} prices list", path.display())).code(2);
    assert!(r.stderr.contains("101 tiers: a config declares at most 100"), "{}", r.stderr);
    assert!(r.stderr.contains(&format!("{}:1:", path.display())), "{}", r.stderr);

    let mut bytes = DEFAULT_CONFIG.as_bytes().to_vec();
    let third = bytes.iter().enumerate().filter(|(_, b)| **b == b'\n').nth(1).unwrap().0;
    bytes.insert(third + 1, 0xff);
    std::fs::write(&path, &bytes).unwrap();
    let r = env.cmd(format!("--config {} prices list", path.display())).code(2);
    let at = format!("{}:3:1:", path.display());
    assert!(r.stderr.contains(&at) && r.stderr.contains("UTF-8"), "{}", r.stderr);
    assert_eq!(env.sim.requests().len(), 0, "nothing reached Stripe");
}

/// The numeric keys of the config model: each `Spanned<Num>` field of `src/domain/config/raw.rs`, as
/// `Struct.field` (the type every numeric key is read as, so that its check names the range).
fn numeric_keys() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = std::fs::read_to_string(root.join("src/domain/config/raw.rs")).unwrap();
    let mut keys = Vec::new();
    let mut current = String::new();
    for line in src.lines() {
        if let Some(rest) = line.strip_prefix("pub(super) struct ") {
            current = rest.split([' ', '{']).next().unwrap().to_string();
        } else if line.starts_with('}') {
            current.clear();
        } else if let Some(field) = line.strip_prefix("    pub(super) ") {
            let (name, ty) = field.split_once(':').unwrap_or_default();
            if ty.contains("Spanned<Num>") && !current.is_empty() {
                keys.push(format!("{current}.{name}"));
            }
        }
    }
    keys
}

/// Every numeric key of the config, too small, too large, past any integer or a fraction, is refused with
/// its file and line, its dotted key and the range it takes (issue 42:
/// `rate_limit_per_minute = i64::MAX` said "must be ≥ 1", and a huge `quota` "did not match
/// any variant of untagged enum RawQuota"). One row per numeric field of the config model, so
/// a new one without a row fails here; nothing reaches Stripe.
#[test]
fn every_numeric_key_names_its_range_when_out_of_it() {
    let with = |table: &str, line: String| format!("{DEFAULT_CONFIG}\n[{table}]\n{line}\n");
    let in_pro = |line: String| {
        DEFAULT_CONFIG.replacen("[tiers.pro]\n", &format!("[tiers.pro]\n{line}\n"), 1)
    };
    let in_price = |line: String| {
        DEFAULT_CONFIG.replacen("[tiers.pro.price]\n", &format!("[tiers.pro.price]\n{line}\n"), 1)
    };
    let overage = |line: String| {
        format!("{DEFAULT_CONFIG}\n[meter]\nevent_name = \"api_calls\"\n\n[tiers.pro.overage]\nlookup_key = \"pro_overage\"\n{line}\n")
    };
    type Build<'a> = &'a dyn Fn(String) -> String;
    let amount = |line: String| DEFAULT_CONFIG.replacen("amount = 9900", &line, 1);
    let quota = |line: String| DEFAULT_CONFIG.replacen("quota = 10000", &line, 1);
    let rate = |line: String| {
        DEFAULT_CONFIG.replacen("rate_limit_per_minute = 60\n", &format!("{line}\n"), 1)
    };
    let overage_amount = |line: String| overage(line);
    let overage_per = |line: String| overage(format!("amount = 1\n{line}"));
    let stripe = |line: String| with("stripe", line);
    let keys = |line: String| with("keys", line);
    let usage = |line: String| with("usage", line);
    // field in raw.rs, the key as set, where it goes, too small, too large, the range said.
    #[rustfmt::skip]
    let rows: &[(&str, &str, Build, &str, &str, &str)] = &[
        ("RawKeys.max_live_per_customer", "keys.max_live_per_customer", &keys, "0", "10001", "from 1 to 10000"),
        ("RawUsage.dedup_window_days", "usage.dedup_window_days", &usage, "0", "3651", "from 1 to 3650"),
        ("RawUsage.sync_rate", "usage.sync_rate", &usage, "0", "1001", "from 1 to 1000"),
        ("RawUsage.max_quantity", "usage.max_quantity", &usage, "0", "1000000000001", "from 1 to 1000000000000"),
        ("RawOverage.amount", "tiers.pro.overage.amount", &overage_amount, "-1", "100000000", "from 0 to 99999999"),
        ("RawOverage.per", "tiers.pro.overage.per", &overage_per, "0", "10000000000000", "power of ten from 1 to 1000000000000"),
        ("RawStripe.timeout_secs", "stripe.timeout_secs", &stripe, "0", "601", "from 1 to 600"),
        ("RawStripe.max_attempts", "stripe.max_attempts", &stripe, "0", "11", "from 1 to 10"),
        ("RawStripe.max_requests_per_second", "stripe.max_requests_per_second", &stripe, "0", "1001", "from 1 to 1000"),
        ("RawTier.quota", "tiers.pro.quota", &quota, "-1", "9223372036854775808", "from 0 to 9223372036854775807 (calls a period) or \"unlimited\""),
        ("RawTier.rate_limit_per_minute", "tiers.pro.rate_limit_per_minute", &rate, "0", "9223372036854775807", "from 1 to 4294967295"),
        ("RawTier.seats", "tiers.pro.seats", &in_pro, "0", "4294967296", "from 1 to 4294967295"),
        ("RawTier.max_quantity", "tiers.pro.max_quantity", &in_pro, "0", "10001", "from 1 to 10000"),
        ("RawTier.trial_days", "tiers.pro.trial_days", &in_pro, "0", "731", "from 1 to 730"),
        ("RawPrice.amount", "tiers.pro.price.amount", &amount, "-1", "100000000", "from 0 to 99999999"),
        ("RawPrice.interval_count", "tiers.pro.price.interval_count", &in_price, "0", "37", "from 1 to 36 for interval month"),
    ];
    let mut covered: Vec<String> = rows.iter().map(|r| r.0.to_string()).collect();
    let mut fields = numeric_keys();
    covered.sort();
    fields.sort();
    assert_eq!(covered, fields, "a row for every numeric key of the config");
    let env = Env::new();
    env.sim.clear_requests();
    for (_, key, build, small, large, range) in rows {
        let field = key.rsplit('.').next().unwrap();
        for value in [
            *small,
            *large,
            "99999999999999999999999",
            "-99999999999999999999999",
            "1.0",
            // Past any TOML number: toml itself refused it, naming no range (issue 42).
            "1e309",
            "-1e309",
        ] {
            let text = build(format!("{field} = {value}"));
            let path = env.config(&text);
            let r = env.cmd(format!("--config {} prices check", path.display())).code(2);
            let at =
                format!("{}:{}:", path.display(), line_of(&text, &format!("{field} = {value}")));
            for want in [at.as_str(), key, range, &format!("not {value}")] {
                assert!(
                    r.stderr.contains(want),
                    "{key} = {value}: expected {want:?} in:\n{}",
                    r.stderr
                );
            }
        }
    }
    assert!(env.sim.requests().is_empty(), "nothing was sent to Stripe");
}

/// A duration key past its bound names the bound, also when its digits are past any integer
/// (they were "expected a number and a unit"): one row per duration the config reads (each a
/// `crate::domain::time::span`/`parse_span` call in `src/domain/config/`), so a new one without a row fails.
#[test]
fn every_duration_key_names_its_bound_when_past_it() {
    let rows = [
        ("access", "past_due_grace", "longer than 100 years"),
        ("usage", "max_future_skew", "longer than 100 years"),
        ("webhooks", "expect_delivery_within", "longer than 100 years"),
    ];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut sites = 0;
    for e in std::fs::read_dir(root.join("src/domain/config")).unwrap() {
        let p = e.unwrap().path();
        if p.file_name().is_some_and(|n| n != "tests.rs") {
            let src = std::fs::read_to_string(&p).unwrap();
            sites += src.matches("crate::domain::time::span(").count()
                + src.matches("crate::domain::time::parse_span(").count();
        }
    }
    assert_eq!(sites, rows.len(), "a row for every duration the config reads");
    let env = Env::new();
    env.sim.clear_requests();
    // A fraction or an exponent before a good unit is a number that is not whole, not a bad
    // unit (issue 42: "1.5d" said "the unit must be s, m, h, d or w").
    let whole = "the number must be a whole number of days";
    for (table, key, bound) in rows {
        for (value, want) in [("99999999999999999999d", bound), ("1.5d", whole), ("1e309d", whole)]
        {
            let line = format!("{key} = \"{value}\"");
            let text = format!("{DEFAULT_CONFIG}\n[{table}]\n{line}\n");
            let path = env.config(&text);
            let r = env.cmd(format!("--config {} prices check", path.display())).code(2);
            let at = format!("{}:{}:", path.display(), line_of(&text, &line));
            for want in [at.as_str(), &format!("{table}.{key}"), want] {
                assert!(
                    r.stderr.contains(want) && !r.stderr.contains("the unit must be"),
                    "{key} = {value}: expected {want:?} in:\n{}",
                    r.stderr
                );
            }
        }
    }
    assert!(env.sim.requests().is_empty(), "nothing was sent to Stripe");
}

/// A variable of an option set but empty (`BILLCTL_CONFIG=` in an env file) counts as unset,
/// with a warning that names it,
/// as the README says of every variable and as the embedded Verifier reads `BILLCTL_CONFIG`
/// (a hostile review: clap refused it with "a value is required for '--config'", naming no
/// variable). One row per variable the grammar reads (`billctl::cli::OPTION_VARS`, which a
/// unit test keeps equal to the grammar's).
#[test]
fn an_empty_option_variable_counts_as_unset() {
    let env = Env::new();
    for var in billctl::cli::OPTION_VARS {
        let r = env.cmd_with("doctor --json", [(var, "")]);
        assert!(r.code == 0 || r.code == 1, "{var}=: {}", r.stderr);
        assert!(!r.stderr.contains("a value is required"), "{var}=: {}", r.stderr);
        // Said, not silent: in a service's env file it would move the service elsewhere.
        let warning = format!("warning: {var} is set but empty: taken as unset");
        assert!(r.stderr.contains(&warning), "{var}=: {}", r.stderr);
        if var == "BILLCTL_CONFIG" {
            assert_eq!(r.json()["config"]["catalog"], "built_in", "{}", r.stdout);
        }
    }
}

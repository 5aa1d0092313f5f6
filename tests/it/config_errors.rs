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

#[track_caller]
fn rejected(env: &Env, text: &str, want_line: usize, want_key: &str, want_msg: &str) {
    let path = env.config(text);
    env.sim.clear_requests();
    for args in [&["setup-products", "--yes"][..], &["prices", "check"][..]] {
        let mut full = vec!["--config", path.to_str().unwrap()];
        full.extend_from_slice(args);
        let r = env.run(&full).code(2);
        let located = format!("{}:{want_line}:", path.display());
        assert!(
            r.stderr.contains(&located),
            "expected {located} in:\n{}",
            r.stderr
        );
        assert!(
            r.stderr.contains(want_key),
            "expected key {want_key} in:\n{}",
            r.stderr
        );
        assert!(
            r.stderr.contains(want_msg),
            "expected {want_msg:?} in:\n{}",
            r.stderr
        );
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
    rejected(
        &env,
        &text,
        line_of(&text, "colour"),
        "tiers.team.colour",
        "unknown field",
    );
}

#[test]
fn negative_amounts_are_rejected() {
    let env = Env::new();
    let text = DEFAULT_CONFIG.replacen("amount = 49900", "amount = -49900", 1);
    rejected(
        &env,
        &text,
        line_of(&text, "-49900"),
        "tiers.team.price.amount",
        "must be between 0",
    );
}

#[test]
fn duplicate_lookup_keys_are_rejected() {
    let env = Env::new();
    let text = DEFAULT_CONFIG.replacen(
        "lookup_key = \"team_monthly\"",
        "lookup_key = \"pro_monthly\"",
        1,
    );
    let line = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.contains("\"pro_monthly\""))
        .nth(1)
        .unwrap()
        .0
        + 1;
    rejected(
        &env,
        &text,
        line,
        "tiers.team.price.lookup_key",
        "duplicate lookup key",
    );
}

#[test]
fn unknown_currencies_are_rejected() {
    let env = Env::new();
    let text = DEFAULT_CONFIG.replacen("currency = \"usd\"", "currency = \"usx\"", 1);
    rejected(
        &env,
        &text,
        line_of(&text, "usx"),
        "tiers.pro.price.currency",
        "unknown currency",
    );
}

#[test]
fn missing_tier_fields_are_rejected() {
    let env = Env::new();
    let text = DEFAULT_CONFIG.replacen("rate_limit_per_minute = 60\n", "", 1);
    // serde reports a missing field at the table it belongs to.
    rejected(
        &env,
        &text,
        line_of(&text, "[tiers.pro]"),
        "tiers.pro.rate_limit_per_minute",
        "missing field",
    );
}

#[test]
fn a_missing_config_file_is_named() {
    let env = Env::new();
    let r = env
        .run(&["--config", "/nonexistent/billctl.toml", "prices", "check"])
        .code(2);
    assert!(
        r.stderr.contains("/nonexistent/billctl.toml"),
        "{}",
        r.stderr
    );
    // BILLCTL_CONFIG works the same, and --config wins over it.
    let r = common::run(
        env.command()
            .env("BILLCTL_CONFIG", "/nonexistent/env.toml")
            .args(["prices", "check"]),
    );
    assert!(r.stderr.contains("/nonexistent/env.toml"), "{}", r.stderr);
    let good = env.config(DEFAULT_CONFIG);
    let r = common::run(
        env.command()
            .env("BILLCTL_CONFIG", "/nonexistent/env.toml")
            .args([
                "--config",
                good.to_str().unwrap(),
                "setup-products",
                "--plan",
            ]),
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}

/// A config is bounded (issue 30): a FIFO is refused at once instead of blocking, a file over
/// 1 MiB and a catalog over 100 tiers are refused, and invalid UTF-8 is named by its line.
#[test]
fn a_config_is_a_bounded_regular_file_of_utf8() {
    let env = Env::new();
    let fifo = env.path("config.fifo");
    let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates the node.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    let r = env
        .run(&["--config", fifo.to_str().unwrap(), "prices", "list"])
        .code(2);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);

    let big = env.path("big.toml");
    let mut text = DEFAULT_CONFIG.to_string();
    text.push_str(&format!("# {}\n", "x".repeat(1 << 20)));
    std::fs::write(&big, &text).unwrap();
    let r = env
        .run(&["--config", big.to_str().unwrap(), "prices", "list"])
        .code(2);
    assert!(r.stderr.contains("at most 1048576 bytes"), "{}", r.stderr);

    let mut many = String::new();
    for i in 0..101 {
        many.push_str(&format!(
            "[tiers.t{i}]\nname = \"T{i}\"\nquota = 10\nrate_limit_per_minute = 60\n[tiers.t{i}.price]\nlookup_key = \"t{i}_monthly\"\namount = 100\ncurrency = \"usd\"\ninterval = \"month\"\nenv = \"PRICE_T{i}\"\n"
        ));
    }
    env.sim.clear_requests();
    let path = env.config(&many);
    let r = env
        .run(&["--config", path.to_str().unwrap(), "prices", "list"])
        .code(2);
    assert!(
        r.stderr
            .contains("101 tiers: a config declares at most 100"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains(&format!("{}:1:", path.display())),
        "{}",
        r.stderr
    );

    let mut bytes = DEFAULT_CONFIG.as_bytes().to_vec();
    let third = bytes
        .iter()
        .enumerate()
        .filter(|(_, b)| **b == b'\n')
        .nth(1)
        .unwrap()
        .0;
    bytes.insert(third + 1, 0xff);
    std::fs::write(&path, &bytes).unwrap();
    let r = env
        .run(&["--config", path.to_str().unwrap(), "prices", "list"])
        .code(2);
    assert!(
        r.stderr.contains(&format!("{}:3:1:", path.display())) && r.stderr.contains("UTF-8"),
        "{}",
        r.stderr
    );
    assert_eq!(env.sim.requests().len(), 0, "nothing reached Stripe");
}

//! The config's tests: parsing, validation and the messages of its mistakes.

use super::*;
use crate::domain::catalog::model::*;

#[test]
fn per_call_amounts_are_exact_decimals() {
    assert_eq!(decimal_div(1, 1), "1");
    assert_eq!(decimal_div(100, 1000), "0.1");
    assert_eq!(decimal_div(150, 1000), "0.15");
    assert_eq!(decimal_div(7, 1_000_000), "0.000007");
    assert_eq!(decimal_div(2500, 100), "25");
}

#[test]
fn the_default_catalog_has_the_three_tiers() {
    let c = parse(DEFAULT_CONFIG, "default").unwrap();
    let ids: Vec<&str> = c.tiers.iter().map(|t| t.id.as_str()).collect();
    assert_eq!(ids, ["pro", "team", "enterprise"]);
    let pro = c.tier("pro").unwrap();
    assert_eq!(
        (
            pro.primary().amount,
            pro.primary().currency.as_str(),
            pro.primary().interval
        ),
        (9900, "usd", Interval::Month)
    );
    assert_eq!(
        (
            pro.quota,
            pro.product_id.as_str(),
            pro.primary().env.as_str()
        ),
        (Some(10_000), "billctl_pro", "PRICE_PRO")
    );
    assert_eq!(c.tier("team").unwrap().quota, Some(100_000));
    assert_eq!(c.tier("team").unwrap().seats, Some(10));
    // Team is sold by the seat; Pro and Enterprise one at a time.
    assert_eq!(c.tier("team").unwrap().max_quantity, 100);
    assert_eq!(c.tier("pro").unwrap().max_quantity, 1);
    assert_eq!(c.tier("enterprise").unwrap().max_quantity, 1);
    assert_eq!(c.tier("enterprise").unwrap().quota, None);
    assert_eq!(c.tier("enterprise").unwrap().primary().amount, 500_000);
}

#[test]
fn the_example_documents_a_valid_config_with_an_extra_price() {
    let c = parse(
        include_str!("../../../config/billctl.example.toml"),
        "example",
    )
    .unwrap();
    let pro = c.tier("pro").unwrap();
    assert_eq!(pro.prices.len(), 3);
    let over = &pro.prices[2];
    assert_eq!(
        (
            over.env.as_str(),
            over.metered.clone(),
            over.per_call_decimal()
        ),
        (
            "PRICE_PRO_OVERAGE",
            Some(Metered {
                included: 10_000,
                per: 1000
            }),
            Some("0.1".to_string())
        )
    );
    assert_eq!(c.meter.as_ref().unwrap().event_name, "api_calls");
    assert_eq!(c.usage, UsageSettings::default());
    assert_eq!(
        (
            pro.prices[1].env.as_str(),
            pro.prices[1].interval,
            pro.prices[1].primary
        ),
        ("PRICE_PRO_YEARLY", Interval::Year, false)
    );
}

fn err(src: &str) -> ConfigError {
    parse(src, "t.toml").unwrap_err()
}

const TIER: &str = "[tiers.pro]\nname = \"Pro\"\nquota = 1\nrate_limit_per_minute = 1\n[tiers.pro.price]\nlookup_key = \"pro_monthly\"\ncurrency = \"usd\"\ninterval = \"month\"\n";

#[test]
fn max_quantity_is_one_to_the_ceiling() {
    let with = |v: &str| {
        format!("{TIER}amount = 5\n").replace(
            "rate_limit_per_minute = 1\n",
            &format!("rate_limit_per_minute = 1\nmax_quantity = {v}\n"),
        )
    };
    for bad in ["0", "-1", "10001", "1.5", "\"3\""] {
        let e = err(&with(bad));
        assert_eq!(
            (e.line, e.key.as_str()),
            (5, "tiers.pro.max_quantity"),
            "{bad}: {e}"
        );
    }
    let c = parse(&with("10000"), "t.toml").unwrap();
    assert_eq!(c.tier("pro").unwrap().max_quantity, MAX_TIER_QUANTITY);
    let c = parse(&format!("{TIER}amount = 5\n"), "t.toml").unwrap();
    assert_eq!(
        c.tier("pro").unwrap().max_quantity,
        1,
        "absent: one at a time"
    );
}

#[test]
fn errors_name_file_line_and_key() {
    let e = err(&format!("{TIER}amount = -5\n"));
    assert_eq!(
        (e.file.as_str(), e.line, e.key.as_str()),
        ("t.toml", 9, "tiers.pro.price.amount")
    );
    let e = err(&format!("{TIER}amount = 5\ncolour = \"red\"\n"));
    assert_eq!(e.line, 10);
    assert!(e.message.contains("colour"), "{e}");
    let e = err(TIER);
    assert_eq!(
        (e.line, e.key.as_str()),
        (5, "tiers.pro.price.amount"),
        "{e}"
    );
    let e = err(&format!("{TIER}amount = 5\ncolour = \"red\"\n"));
    assert_eq!(e.key, "tiers.pro.price.colour", "{e}");
    let e = err(&format!("{TIER}amount = 5\n").replace("usd", "usx"));
    assert_eq!((e.line, e.key.as_str()), (7, "tiers.pro.price.currency"));
    let dup = format!("{TIER}amount = 5\n[tiers.team]\nname = \"T\"\nquota = 1\nrate_limit_per_minute = 1\n[tiers.team.price]\nlookup_key = \"pro_monthly\"\namount = 1\ncurrency = \"usd\"\ninterval = \"month\"\n");
    let e = err(&dup);
    assert_eq!(
        (e.line, e.key.as_str()),
        (15, "tiers.team.price.lookup_key")
    );
    assert!(e.to_string().starts_with("t.toml:15:"), "{e}");
    let e = err(&format!("{TIER}amount = 5\n").replace("quota = 1", "quota = \"lots\""));
    assert_eq!(e.key, "tiers.pro.quota");
}

#[test]
fn access_portal_and_trials_are_read_and_checked() {
    let base = DEFAULT_CONFIG;
    let c = parse(base, "default").unwrap();
    assert_eq!(c.access, AccessPolicy::default());
    assert_eq!(c.access.past_due_grace_secs, 7 * 86_400);
    let with = format!("[access]\nstatuses = [\"active\"]\npast_due_grace = \"72h\"\n[portal]\nreturn_url = \"https://x.example/a\"\n{base}");
    let c = parse(&with, "t.toml").unwrap();
    assert_eq!(c.access.statuses, ["active"]);
    assert_eq!(c.access.past_due_grace_secs, 72 * 3600);
    assert_eq!(c.portal.return_url.as_deref(), Some("https://x.example/a"));
    let bad = parse(
        &format!("[access]\nstatuses = [\"paid\"]\n{base}"),
        "t.toml",
    )
    .unwrap_err();
    assert_eq!(bad.key, "access.statuses");
    let bad = parse(
        &format!("[access]\npast_due_grace = \"soon\"\n{base}"),
        "t.toml",
    )
    .unwrap_err();
    assert_eq!(bad.key, "access.past_due_grace");
    let none = parse(
        &format!("[access]\npast_due_grace = \"0\"\n{base}"),
        "t.toml",
    )
    .unwrap();
    assert_eq!(none.access.past_due_grace_secs, 0);
    let trial = base.replacen(
        "rate_limit_per_minute",
        "trial_days = 14\nrate_limit_per_minute",
        1,
    );
    assert_eq!(
        parse(&trial, "t.toml").unwrap().tiers[0].trial_days,
        Some(14)
    );
    let bad = base.replacen(
        "rate_limit_per_minute",
        "trial_days = 0\nrate_limit_per_minute",
        1,
    );
    assert!(parse(&bad, "t.toml")
        .unwrap_err()
        .key
        .ends_with("trial_days"));
}

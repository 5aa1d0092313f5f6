//! Exports carry their warnings (issue 39, point 7): every format of every report that has
//! warnings — the table, `--csv`, an `--html` page in a file or on stdout, the dashboard —
//! shows them: on stderr (even with `-q`), and on the page itself. One table enumerates the
//! formats, and fails when `src/cli/` grows an export flag (`csv`, `html`, `out`) without a row.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it puts a subscription on a price outside the catalog through the simulator.

use crate::common::tests3::str_at;
use crate::common::{self, Env};

/// Revenue's warning: a live subscription's price is not in the catalog mirror.
const UNPRICED: &str = "not in the catalog mirror, so its MRR is not counted";
/// The usage report's: a customer's tier is unknown, so its quota is not known.
const UNKNOWN: &str = "tier unknown), so its quota is not known";

/// Where a format must show its warnings.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shows {
    /// On stderr (a table, CSV on stdout).
    Stderr,
    /// On the page written to FILE, and (its table follows) on stderr.
    FileAndStderr,
    /// On the page on stdout, and on stderr.
    PageAndStderr,
}

/// (the args struct in `src/cli/` and its export field, or "table"; the command, with FILE
/// for the page's path; where; the warnings it must carry).
type Format = (&'static str, &'static str, Shows, &'static [&'static str]);

const FORMATS: &[Format] = &[
    ("table", "revenue", Shows::Stderr, &[UNPRICED]),
    ("table", "revenue --by month", Shows::Stderr, &[UNPRICED]),
    ("RevenueArgs.csv", "revenue --csv -q", Shows::Stderr, &[UNPRICED]),
    ("RevenueArgs.csv", "revenue --by month --csv -q", Shows::Stderr, &[UNPRICED]),
    ("RevenueArgs.html", "revenue --html FILE", Shows::FileAndStderr, &[UNPRICED]),
    ("RevenueArgs.html", "revenue --html -", Shows::PageAndStderr, &[UNPRICED]),
    ("table", "usage report", Shows::Stderr, &[UNKNOWN]),
    ("UsageReportArgs.csv", "usage report --csv -q", Shows::Stderr, &[UNKNOWN]),
    ("UsageReportArgs.html", "usage report --html FILE", Shows::FileAndStderr, &[UNKNOWN]),
    ("UsageReportArgs.html", "usage report --html -", Shows::PageAndStderr, &[UNKNOWN]),
    ("DashboardArgs.out", "dashboard --out FILE", Shows::FileAndStderr, &[UNPRICED, UNKNOWN]),
    ("DashboardArgs.out", "dashboard", Shows::PageAndStderr, &[UNPRICED, UNKNOWN]),
];

/// Every export flag in `src/cli/`: (struct, field) for fields named `csv`, `html` or `out`.
fn export_flags() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/cli");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let text = common::read(&entry.unwrap().path());
        let mut owner = String::new();
        for line in text.lines() {
            let line = line.trim();
            if let Some(rest) = line.strip_prefix("pub struct ") {
                owner = rest.split([' ', '{', '(']).next().unwrap_or("").to_string();
            }
            for field in ["csv", "html", "out"] {
                if line.starts_with(&format!("pub {field}:")) {
                    found.push(format!("{owner}.{field}"));
                }
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

#[test]
fn every_export_flag_has_a_row() {
    let flags = export_flags();
    assert!(flags.contains(&"RevenueArgs.csv".to_string()), "{flags:?}");
    for f in &flags {
        let row = FORMATS.iter().any(|(owner, ..)| owner == f);
        assert!(row, "{f} exports a report, but the table of formats has no row for it: add one that checks it carries the report's warnings");
    }
}

/// A Pro subscriber, and one on a price outside the catalog (so revenue cannot price it and
/// usage cannot know its quota), both with usage.
fn warned_env() -> Env {
    let env = Env::with_catalog();
    env.subscribed("known@example.com", "pro");
    let gold = str_at(&env.stripe_post("/products", &[("name", "Gold (hand-made)")]), "/id");
    let form = [("product", gold.as_str()), ("unit_amount", "777"), ("currency", "usd")];
    let price =
        env.stripe_post("/prices", &[&form[..], &[("recurring[interval]", "month")]].concat());
    let price = str_at(&price, "/id");
    let c = str_at(&env.stripe_post("/customers", &[("email", "gold@example.com")]), "/id");
    env.add_card(&c);
    env.stripe_post("/subscriptions", &[("customer", &c), ("items[0][price]", &price)]);
    env.cmd("subscriptions sync -q").ok();
    let key = str_at(&env.json(format!("keys issue --customer {c}")), "/id");
    env.cmd(format!("usage record --key {key} --quantity 5")).ok();
    env
}

#[test]
fn every_format_of_every_report_carries_its_warnings() {
    let env = warned_env();
    for (i, (owner, args, shows, warnings)) in FORMATS.iter().enumerate() {
        let file = env.path(&format!("export-{i}.html"));
        let r = env.cmd(args.replace("FILE", file.to_str().unwrap())).ok();
        for w in *warnings {
            assert!(r.stderr.contains(w), "{owner} {args:?}: stderr lacks {w:?}:\n{}", r.stderr);
            match shows {
                Shows::Stderr => {
                    assert!(!r.stdout.contains(w), "{args:?}: a warning in the data");
                }
                Shows::FileAndStderr => {
                    let page = common::read(&file);
                    assert!(page.contains("class=\"warnings\""), "{args:?}");
                    assert!(page.contains(w), "{owner} {args:?}: the page lacks {w:?}");
                }
                Shows::PageAndStderr => {
                    assert!(r.stdout.starts_with("<!doctype html>"), "{args:?}");
                    assert!(r.stdout.contains(w), "{owner} {args:?}: the page lacks {w:?}");
                }
            }
        }
    }
}

#[test]
fn without_warnings_no_format_shows_any() {
    let env = Env::with_catalog();
    env.subscribed("plain@example.com", "pro");
    for (i, (_, args, shows, _)) in FORMATS.iter().enumerate() {
        let file = env.path(&format!("plain-{i}.html"));
        let r = env.cmd(args.replace("FILE", file.to_str().unwrap())).ok();
        assert!(!r.stderr.contains("warning"), "{args:?}: {}", r.stderr);
        let page = match shows {
            Shows::FileAndStderr => common::read(&file),
            _ => r.stdout.clone(),
        };
        assert!(!page.contains("class=\"warnings\""), "{args:?}");
    }
}

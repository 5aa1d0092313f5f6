//! Messages say exactly what is true (issue 42, point 3): counts agree with their nouns ("1
//! change", never "1 changes"), and the message sources are checked for a number printed
//! before a plural noun without `billctl::util::plural`.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it edits the simulator's catalog and reads the sources.

use crate::common;

use common::{Env, Event, DEFAULT_CONFIG};

/// The string literals of a Rust source, outside comments, with the byte offset each starts
/// at: plain strings (line continuations joined as the compiler joins them) and raw strings.
fn literals(src: &str) -> Vec<(usize, String)> {
    let b = src.as_bytes();
    let (mut i, mut out) = (0, Vec::new());
    while i < b.len() {
        let rest = &src[i..];
        if rest.starts_with("//") {
            i += rest.find('\n').unwrap_or(rest.len());
        } else if rest.starts_with("/*") {
            i += rest.find("*/").map_or(rest.len(), |e| e + 2);
        } else if b[i] == b'\'' {
            // A char literal ('"', '\'', '\\') or a lifetime: skip what could hide a quote.
            let from = if rest[1..].starts_with('\\') { 3 } else { 1 };
            let lit = rest.char_indices().skip(from).find(|&(_, c)| c == '\'').map(|(e, _)| e);
            i += match lit {
                Some(e) if e <= if from == 3 { 10 } else { 4 } => e + 1,
                _ => 1,
            };
        } else if let Some(raw) = raw_start(src, i) {
            let (hashes, start) = raw;
            let close = format!("\"{}", "#".repeat(hashes));
            let end = start + src[start..].find(&close).expect("a closed raw string");
            out.push((start, src[start..end].to_string()));
            i = end + close.len();
        } else if b[i] == b'"' {
            let (mut j, mut text) = (i + 1, String::new());
            while b[j] != b'"' {
                if b[j] == b'\\' && b[j + 1] == b'\n' {
                    j += 2;
                    while b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                } else if b[j] == b'\\' {
                    text.push_str(&src[j..j + 2]);
                    j += 2;
                } else {
                    let c = src[j..].chars().next().unwrap();
                    text.push(c);
                    j += c.len_utf8();
                }
            }
            out.push((i + 1, text));
            i = j + 1;
        } else {
            i += 1;
        }
    }
    out
}

/// `r"`, `r#"`, `br"`... at `i` (not inside an identifier): the number of hashes and where
/// the text starts.
fn raw_start(src: &str, i: usize) -> Option<(usize, usize)> {
    let b = src.as_bytes();
    if i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_') {
        return None;
    }
    let rest = src[i..].strip_prefix('b').unwrap_or(&src[i..]);
    let after_r = rest.strip_prefix('r')?;
    let hashes = after_r.len() - after_r.trim_start_matches('#').len();
    after_r[hashes..].starts_with('"').then(|| (hashes, src.len() - after_r.len() + hashes + 1))
}

/// Words that end a count's phrase: verbs, prepositions, articles and determiners (`{n} is`,
/// `{id} for this customer`), and units that are no nouns (`{} ms`). A word ending in `s`
/// that is none of these, within three words after a number, is a plural noun.
const NOT_NOUNS: &[&str] = &[
    "is",
    "was",
    "has",
    "does",
    "says",
    "stays",
    "differs",
    "holds",
    "overflows",
    "fails",
    "works",
    "takes",
    "starts",
    "sends",
    "sells",
    "resolves",
    "refers",
    "points",
    "needs",
    "names",
    "keeps",
    "expires",
    "exists",
    "enters",
    "ends",
    "declares",
    "continues",
    "with",
    "for",
    "at",
    "of",
    "in",
    "to",
    "on",
    "the",
    "a",
    "an",
    "this",
    "that",
    "these",
    "those",
    "their",
    "its",
    "from",
    "by",
    "and",
    "or",
    "but",
    "per",
    "as",
    "into",
    "over",
    "under",
    "than",
    "since",
    "after",
    "before",
    "are",
    "were",
    "be",
    "been",
    "have",
    "had",
    "do",
    "did",
    "not",
    "no",
    "ms",
    "s",
];

/// The placeholders of `lit` followed by a plural noun: `{n} events`, `{} meter events`,
/// `{} change(s)`. Not counts, and so left out: constants (`{MAX_LINE} bytes`, a fixed
/// number), the upper end of a range (`1 to {} letters`), a word that is a key or a unit
/// (`attempts=`, `events/s`) and SQL (`{COLUMNS} FROM events`).
fn bare_counts(lit: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(open) = lit[at..].find('{').map(|o| at + o) {
        let Some(close) = lit[open..].find('}').map(|c| open + c) else {
            break;
        };
        at = close + 1;
        let inner = &lit[open + 1..close];
        if lit[..open].ends_with('{') || inner.contains('{') {
            continue;
        }
        let name = inner.split(':').next().unwrap_or_default();
        let constant = !name.is_empty()
            && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        let before = lit[..open].trim_end_matches(' ');
        let range_end = [" to", " and"].iter().any(|w| {
            before.ends_with(w)
                && before[..before.len() - w.len()].ends_with(|c: char| c.is_ascii_digit())
        });
        if constant || range_end {
            continue;
        }
        if let Some(end) = plural_after(&lit[at..]) {
            found.push(lit[open..at + end].to_string());
        }
    }
    found
}

/// Where the plural noun within the three words at the start of `rest` ends, if there is one.
fn plural_after(text: &str) -> Option<usize> {
    let mut rest = text;
    for _ in 0..3 {
        let trimmed = rest.trim_start_matches([' ', '\t']);
        if trimmed.len() == rest.len() {
            return None;
        }
        let len = trimmed
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .unwrap_or(trimmed.len());
        let word = &trimmed[..len];
        let next = trimmed[len..].chars().next();
        if word.is_empty() || !word.starts_with(|c: char| c.is_ascii_alphabetic()) {
            return None;
        }
        let end = text.len() - trimmed.len() + len;
        if trimmed[len..].starts_with("(s)") {
            return Some(end + 3);
        }
        let stop = NOT_NOUNS.contains(&word)
            || word.chars().all(|c| c.is_ascii_uppercase() || c == '_')
            || matches!(next, Some('=' | '/'));
        if stop {
            return None;
        }
        if word.ends_with('s') && !word.ends_with("ss") {
            return Some(end);
        }
        rest = &trimmed[len..];
    }
    None
}

/// Every `.rs` file under `dir`.
fn sources(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The class of "1 changes" (issue 42): every message in `src/` that prints a number before
/// the noun it counts goes through `billctl::util::plural` (`count(n, "change", "changes")`), so a
/// new format string with `{n} events` fails here, naming its file and line. Unit tests (after
/// `#[cfg(test)]`) are not messages.
#[test]
fn no_message_prints_a_number_before_a_plural_noun_without_the_helper() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    files.sort();
    let mut bare = Vec::new();
    let mut scanned = 0;
    for path in &files {
        let src = std::fs::read_to_string(path).unwrap();
        let end = src.find("#[cfg(test)]").unwrap_or(src.len());
        for (at, lit) in literals(&src).into_iter().filter(|(at, _)| *at < end) {
            scanned += 1;
            for found in bare_counts(&lit) {
                let line = src[..at].matches('\n').count() + 1;
                let file = path.strip_prefix(root).unwrap().display();
                bare.push(format!("{file}:{line}: {found:?}"));
            }
        }
    }
    assert!(scanned > 2_000, "the scan found the sources' strings: {scanned}");
    assert!(
        bare.is_empty(),
        "a number before a plural noun: write it with billctl::util::plural::count(n, \"one\", \"many\") \
         (or, if the word is not a noun, add it to NOT_NOUNS):\n{}",
        bare.join("\n")
    );
}

/// The scan itself: what it finds, and what it rightly leaves alone.
#[test]
fn the_plural_scan_finds_bare_counts_and_leaves_the_rest() {
    for (lit, want) in [
        ("Applied {} changes.", vec!["{} changes"]),
        ("{n} events in one request", vec!["{n} events"]),
        ("Sent {} meter events ({} units)", vec!["{} meter events", "{} units"]),
        ("... and {more} more conflicting repeats", vec!["{more} more conflicting repeats"]),
        ("{} price(s) of live subscriptions", vec!["{} price(s)"]),
        ("read {}, inserted {} ({} events/s)", vec![]),
        ("{id} is {status}", vec![]),
        ("no API key {id} for this customer", vec![]),
        ("at most {MAX_LINE} bytes", vec![]),
        ("a customer id is 1 to {} letters", vec![]),
        ("{} attempts={}", vec![]),
        ("SELECT {COLUMNS} FROM service_tokens", vec![]),
        ("took {} ms", vec![]),
        ("{{literal}} braces", vec![]),
    ] {
        assert_eq!(bare_counts(lit), want, "{lit}");
    }
    let src = "// \"{} changes\" in a comment\nlet a = '\"'; let s = \"x {}\\\n    items\"; let r = r#\"{n} rows\"#;";
    let lits: Vec<String> = literals(src).into_iter().map(|(_, l)| l).collect();
    assert_eq!(lits, ["x {}items", "{n} rows"]);
}

/// `setup-products` counts its changes in the plan, the question and the result: "1 change
/// (1 write)", "2 changes (2 writes)", and "No changes" when there are none.
#[test]
fn setup_products_counts_one_change_and_two_changes() {
    let env = Env::with_catalog();
    let one = DEFAULT_CONFIG.replacen("name = \"Pro\"", "name = \"Pro One\"", 1);
    let two = one.replacen("name = \"Team\"", "name = \"Team Two\"", 1);
    assert!(one != DEFAULT_CONFIG && two != one, "the config has the names");
    // The first config renames one product; the second, applied after it, one more.
    for text in [&one, &two] {
        let (changes, writes) = ("1 change", "1 write");
        let path = env.config(text);
        let c = path.to_str().unwrap();
        let plan = env.cmd(format!("--config {c} setup-products --plan")).ok();
        let said = format!("Plan: {changes} ({writes}). Run without --plan to apply.");
        assert!(plan.stderr.contains(&said), "{}", plan.stderr);
        let asked = env.cmd(format!("--config {c} setup-products")).code(2);
        let question = format!("Apply {changes} ({writes}) to Stripe (test mode)?");
        assert!(asked.stderr.contains(&question), "{}", asked.stderr);
        let done = env.cmd(format!("--config {c} setup-products --yes")).ok();
        assert!(done.stderr.contains(&format!("Applied {changes}.")), "{}", done.stderr);
        let again = env.cmd(format!("--config {c} setup-products --yes")).ok();
        assert!(
            again.stderr.contains("No changes: Stripe matches the config."),
            "{}",
            again.stderr
        );
    }
    // Both names back: two products to update at once.
    let path = env.config(DEFAULT_CONFIG);
    let c = path.to_str().unwrap();
    let plan = env.cmd(format!("--config {c} setup-products --plan")).ok();
    assert!(
        plan.stderr.contains("Plan: 2 changes (2 writes). Run without --plan to apply."),
        "{}",
        plan.stderr
    );
    let done = env.cmd(format!("--config {c} setup-products --yes")).ok();
    assert!(done.stderr.contains("Applied 2 changes."), "{}", done.stderr);
    let products = env.sim.state().products.clone();
    let names =
        (products["billctl_pro"]["name"].as_str(), products["billctl_team"]["name"].as_str());
    assert_eq!(names, (Some("Pro"), Some("Team")));
}

/// `usage import` counts events read, in every format it takes (issue 42): a CSV header and a
/// blank line are not events, so two events read as 2 ("read 3, inserted 2" counted the header).
/// The table has a row for each `--format` value, so a new format without one fails here.
#[test]
fn usage_import_counts_events_read_in_every_format() {
    use clap::ValueEnum;
    let env = Env::with_catalog();
    let customer = env.subscribed("read@example.com", "pro");
    let key_id = common::key_id(&env.key(&customer));
    let t = common::now() - 60;
    let event = |id, q| common::event(id, &customer).key(&key_id).at(t).quantity(q).ndjson();
    let rows: &[(&str, String)] = &[
        ("ndjson", format!("{}\n\n{}\n", event("n1", 2), event("n2", 3))),
        ("csv", format!("id,key,timestamp,quantity\nc1,{key_id},{t},2\n\nc2,{key_id},{t},3\n")),
    ];
    let formats: Vec<String> = billctl::domain::usage::Format::value_variants()
        .iter()
        .map(|f| f.to_possible_value().unwrap().get_name().to_string())
        .collect();
    let covered: Vec<String> = rows.iter().map(|(f, _)| f.to_string()).collect();
    assert_eq!(covered, formats, "a row for every import format");
    let mut total = 0;
    for (format, text) in rows {
        let path = env.path(&format!("two.{format}"));
        std::fs::write(&path, text).unwrap();
        let file = path.to_str().unwrap();
        let human = env.cmd(format!("usage import {file}")).ok();
        assert!(
            human.stdout.starts_with("read 2, inserted 2, duplicates 0"),
            "{format}: {}",
            human.stdout
        );
        let again = env.json(format!("usage import {file}"));
        assert_eq!(
            common::ints(&again, ["read", "inserted", "duplicates"]),
            [Some(2), Some(0), Some(2)],
            "{format}: {again}"
        );
        total += 5;
        assert_eq!(env.usage_total(&customer), total, "{format}");
    }
}

/// The cells of the HTML table whose class is `class`, as text (tags dropped), row by row.
fn html_rows(page: &str, class: &str) -> Vec<Vec<String>> {
    let table = page.split(&format!("<table class=\"{class}\">")).nth(1);
    let table = table
        .unwrap_or_else(|| panic!("a {class} table in the page"))
        .split("</table>")
        .next()
        .unwrap();
    let plain = |cell: &str| {
        let text = cell.split_once('>').unwrap().1.split("</td>").next().unwrap();
        let mut in_tag = false;
        text.chars()
            .filter(|&c| {
                let keep = !in_tag && c != '<' && c != '>';
                in_tag = (in_tag || c == '<') && c != '>';
                keep
            })
            .collect::<String>()
    };
    let body = table.split("<tbody>").nth(1).unwrap();
    body.split("<tr>").skip(1).map(|row| row.split("<td").skip(1).map(plain).collect()).collect()
}

/// A zero movement is never signed (issue 42): a month with one new Pro subscription and no
/// contraction or churn shows `+$99.00` new and `$0.00` for the others, in the dashboard's
/// HTML and in the terminal's tables alike (the dashboard showed `−$0.00`). Every place that
/// signs money goes through `money::signed`: no sign is glued to an amount anywhere else.
#[test]
fn a_zero_movement_is_unsigned_in_html_and_on_the_terminal() {
    let env = Env::with_catalog();
    env.subscribed("zero-move@example.com", "pro");
    let page = env.cmd("dashboard").ok().stdout;
    let rows = html_rows(&page, "movements");
    assert_eq!(rows.len(), 1, "{rows:?}");
    let cells: Vec<&str> = rows[0].iter().map(|c| c.split(" (").next().unwrap()).collect();
    // Currency, start, new, expansion, contraction, churn, reactivation, net, end.
    assert_eq!(
        cells,
        ["USD", "$0.00", "+$99.00", "$0.00", "$0.00", "$0.00", "$0.00", "+$99.00", "$99.00"],
        "{rows:?}"
    );
    let table = env.cmd("revenue").ok().stdout;
    let rows = [
        ("new", "+$99.00"),
        ("expansion", "$0.00"),
        ("contraction", "$0.00"),
        ("churn", "$0.00"),
        ("net new MRR", "+$99.00"),
    ];
    for (label, want) in rows {
        let line = table
            .lines()
            .find(|l| l.contains(&format!("┆ {label} ")))
            .unwrap_or_else(|| panic!("a {label} row: {table}"));
        let mrr = line.trim_end_matches(['│', ' ']).rsplit('┆').next().unwrap().trim();
        assert_eq!(mrr, want, "{label}: {table}");
    }
    let by_month = env.cmd("revenue --by month").ok().stdout;
    assert!(!by_month.contains("-$0.00"), "{by_month}");
    assert!(by_month.contains("+$99.00"), "{by_month}");

    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    let mut glued = Vec::new();
    for path in files.iter().filter(|p| !p.ends_with("money.rs")) {
        let src = std::fs::read_to_string(path).unwrap();
        for (n, line) in src.lines().enumerate() {
            let code = line.split("//").next().unwrap();
            if code.contains("money(-") || code.contains('−') || code.contains("{sign}") {
                glued.push(format!("{}:{}: {line}", path.display(), n + 1));
            }
        }
    }
    assert!(glued.is_empty(), "money signed outside money::signed:\n{}", glued.join("\n"));
}

/// The hint after `subscriptions create` (and `checkout create`) for a customer who already
/// has a subscription never suggests changing it to the tier it has (issue 42: an incomplete
/// Pro subscription was told `--tier pro`): an incomplete one is paid or canceled, and one on
/// the tier asked for needs nothing.
#[test]
fn the_hint_for_a_subscription_in_the_way_fits_its_state() {
    let env = Env::with_catalog();
    let cus = env.customer_without_card("incomplete@example.com");
    let first = env.sub(&cus, "pro").arg("--json").run().code(1).json();
    assert_eq!(first["status"], "incomplete");
    let (sub, invoice) =
        (first["id"].as_str().unwrap(), first["latest_invoice_id"].as_str().unwrap());
    for args in [
        format!("subscriptions create --customer {cus} --tier pro"),
        format!("subscriptions create --customer {cus} --tier team"),
        format!("checkout create --customer {cus} --tier pro"),
    ] {
        let r = env.cmd(&args).code(2);
        for want in [
            format!("billctl invoices pay {invoice}"),
            format!("billctl subscriptions cancel {sub}"),
        ] {
            assert!(r.stderr.contains(&want), "{args:?}: {}", r.stderr);
        }
        let changes = r.stderr.contains("subscriptions change") || r.stderr.contains("--tier pro");
        assert!(!changes, "{args:?}: {}", r.stderr);
    }
    let active = env.subscribed("active@example.com", "pro");
    let r = env.sub(&active, "pro").run().code(2);
    assert!(r.stderr.contains("hint: it is on pro already: nothing to create"), "{}", r.stderr);
    assert!(!r.stderr.contains("--tier pro"), "{}", r.stderr);
    let r = env.cmd(format!("checkout create --customer {active} --tier team")).code(2);
    assert!(r.stderr.contains("--tier team"), "{}", r.stderr);
    assert_eq!(env.sim.state().subscriptions.len(), 2, "nothing was created");
}

/// The kinds of secret billctl keeps in the OS keyring, as `billctl::adapters::secrets::Held` lists them.
fn held_kinds() -> Vec<String> {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let src = std::fs::read_to_string(root.join("src/adapters/secrets.rs")).unwrap();
    let body = src
        .split("pub enum Held {")
        .nth(1)
        .expect("secrets.rs declares Held")
        .split('}')
        .next()
        .unwrap();
    body.lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("//") && !l.is_empty())
        .map(|l| l.trim_end_matches(',').to_string())
        .collect()
}

/// A keyring that refuses a secret names that secret's own remedy (issue 42: a refused webhook
/// secret said "set BILLCTL_STRIPE_API_KEY instead"), for every kind billctl keeps there: one
/// row per `Held` variant, run in a real kernel session keyring that refuses writes. Every
/// keyring entry is made through `Held`, so no secret reaches the keyring outside the table.
#[test]
fn a_refusing_keyring_names_each_secrets_own_remedy() {
    const KEY: &str = "sk_test_keyringremedy000000000000000042";
    // kind, the command, whether the Stripe key is in the environment, what the refusal
    // names, and what it must not name.
    let rows: &[(&str, &str, bool, &[&str], &str)] = &[
        (
            "StripeKey",
            r#"printf '%s\n' "$KEY" | "$BILLCTL" auth login --stdin"#,
            false,
            &["BILLCTL_STRIPE_API_KEY instead", "keyctl session"],
            "secret_file",
        ),
        (
            "WebhookSecrets",
            r#""$BILLCTL" webhooks endpoint create --url https://app.example.com/hooks"#,
            true,
            &["secret_file = true", "--secret-env", "keyctl session"],
            "BILLCTL_STRIPE_API_KEY",
        ),
    ];
    let covered: Vec<String> = rows.iter().map(|r| r.0.to_string()).collect();
    assert_eq!(covered, held_kinds(), "a row for every kind of secret in the keyring");
    for (kind, command, env_key, names, never) in rows {
        let env = Env::new();
        let script = format!("rc=0; {command} 2> refused.txt || rc=$?; echo $rc > refused.code");
        let r = common::in_refusing_keyring(&env, &script, *env_key, &[("KEY", KEY)]);
        assert_eq!(r.code, 0, "{kind}: {}{}", r.stdout, r.stderr);
        assert_eq!(common::read(&env.path("refused.code")).trim(), "2", "{kind}");
        let refused = common::read(&env.path("refused.txt"));
        assert!(refused.contains("keyring refused"), "{kind}: {refused}");
        for name in *names {
            assert!(refused.contains(name), "{kind} names {name}: {refused}");
        }
        assert!(!refused.contains(never), "{kind} never names {never}: {refused}");
        assert!(!refused.contains(&KEY[8..]), "the key is never printed: {refused}");
        assert!(env.sim.state().webhook_endpoints.is_empty(), "{kind}: nothing created");
    }
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    sources(&root.join("src"), &mut files);
    let count = |what: &str| -> usize {
        files.iter().map(|p| std::fs::read_to_string(p).unwrap().matches(what).count()).sum()
    };
    assert_eq!(
        count("keystore::entry("),
        1,
        "every keyring entry is made in secrets::named_entry, under a Held"
    );
    // keystore.rs alone makes entries, in the store it chose: the Secret Service's and the
    // kernel keyring's (keyring's default builder would pick the Secret Service alone).
    let outside = files
        .iter()
        .filter(|p| !p.ends_with("keystore.rs"))
        .filter(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            text.contains("keyring::Entry::new") || text.contains("Entry::new_with_credential")
        })
        .collect::<Vec<_>>();
    assert!(outside.is_empty(), "keyring entries made outside keystore.rs: {outside:?}");
    assert_eq!(count("Entry::new_with_credential("), 2);
}

/// `webhooks endpoint delete` says where it removed the endpoint's secret from: the keyring,
/// or the data dir's secret file (issue 42: it said "from the keyring" of a secret in the
/// file), in the text and in `--json`.
#[test]
fn endpoint_delete_names_where_the_secret_was_removed_from() {
    let env = Env::new();
    let config = env.config(&format!("{DEFAULT_CONFIG}\n[webhooks]\nsecret_file = true\n"));
    let config = config.to_str().unwrap().to_string();
    let file = env.data_dir().join("webhook-secrets");
    let script = r#"
        "$BILLCTL" --config "$CONFIG" webhooks endpoint create --url https://app.example.com/a --json > file.json
        "$BILLCTL" --config "$CONFIG" webhooks endpoint delete "$(sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' file.json | head -n 1)" --yes > file-deleted.txt
    "#;
    let r = common::in_refusing_keyring(&env, script, true, &[("CONFIG", &config)]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let said = common::read(&env.path("file-deleted.txt"));
    assert!(said.contains(&format!("and removed its secret from {}", file.display())), "{said}");
    assert!(!said.contains("keyring"), "{said}");
    assert!(!file.exists(), "the last secret gone, the file goes");

    let script = r#"
        "$BILLCTL" webhooks endpoint create --url https://app.example.com/b --json > kept.json
        "$BILLCTL" webhooks endpoint delete "$(sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' kept.json | head -n 1)" --yes --json > kept-deleted.json
    "#;
    let r = common::in_session_keyring(&env, script, true, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let created = env.read_json("kept.json");
    assert_eq!(created["secret_in_keyring"], true, "{created}");
    let deleted = env.read_json("kept-deleted.json");
    assert_eq!(
        (&deleted["secret_removed"], &deleted["secret_removed_from"]),
        (&serde_json::json!(true), &serde_json::json!(["keyring"])),
        "{deleted}"
    );
    assert!(env.sim.state().webhook_endpoints.is_empty(), "both deleted in Stripe");
}

/// `--derive-ids` says in its `--help` that two identical calls in the same second count once
/// (issue 42), and that is what it does: two identical lines without an id import as one event
/// and a duplicate, and a line a second later is another event.
#[test]
fn derive_ids_says_identical_calls_in_one_second_count_once() {
    let env = Env::with_catalog();
    let help = env.cmd("usage import --help").ok().stdout;
    let flat = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Two identical calls in the same second get the same id and count once"),
        "{help}"
    );
    let customer = env.subscribed("derive@example.com", "pro");
    let key_id = common::key_id(&env.key(&customer));
    let t = common::now() - 60;
    let line = |ts: i64| format!("{{\"key\":\"{key_id}\",\"timestamp\":{ts},\"quantity\":1}}\n");
    let path = env.path("calls.ndjson");
    std::fs::write(&path, format!("{}{}{}", line(t), line(t), line(t + 1))).unwrap();
    let r = env.cmd(format!("usage import {} --derive-ids --json", path.display())).ok().json();
    assert_eq!(
        (r["read"].as_u64(), r["inserted"].as_u64(), r["duplicates"].as_u64()),
        (Some(3), Some(2), Some(1)),
        "{r}"
    );
    assert_eq!(env.usage_total(&customer), 2);
}

/// A list counts what it shows: `customers list` says "0 customers.", "1 customer.", "2
/// customers." on stderr, and `--json` stays the bare list.
#[test]
fn a_list_counts_zero_one_and_two() {
    let env = Env::new();
    for (n, said) in [(0, "0 customers."), (1, "1 customer."), (2, "2 customers.")] {
        if n > 0 {
            let email = format!("count{n}@example.com");
            env.cmd(format!("customers create --email {email} -q")).ok();
        }
        let r = env.cmd("customers list").ok();
        assert!(r.stderr.lines().any(|l| l.trim() == said), "{n}: {}", r.stderr);
        let json = env.cmd("customers list --json").ok().json();
        assert_eq!(json.as_array().map(Vec::len), Some(n), "{json}");
    }
}

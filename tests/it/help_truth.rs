//! What `--help` and the README say of `serve` holds (issue 41, point 10): `serve --help`
//! lists every route of the route table, the README gives a key's true length, and an HTTP
//! route's refusal names no flag of another door.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it tests the local binary only; the default run covers it.

use crate::common;
use common::Env;
use serde_json::json;

#[test]
fn serve_help_lists_every_route() {
    let env = Env::new();
    let help = env.cmd("serve --help").ok().stdout;
    for spec in billctl::api::routes::SPECS {
        let (method, path) = (spec.method, spec.path);
        let line = format!("{method:<4} {path}");
        assert!(help.contains(&line), "serve --help leaves out {method} {path}:\n{help}");
    }
}

/// Every text that says how long a key is, the README's and every source file's (messages,
/// help, comments), gives its true length: a 413's message said 58 while keys are 51.
#[test]
fn every_text_gives_a_keys_true_length() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    let mut dirs = vec![root.join("src")];
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let path = e.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "rs" || x == "json") {
                files.push(path);
            }
        }
    }
    let mut said = 0;
    for file in files {
        let text = common::read(&file);
        for (i, _) in text.match_indices("a key is ") {
            let s = &text[i..];
            let n: String =
                s["a key is ".len()..].chars().take_while(char::is_ascii_digit).collect();
            if n.is_empty() {
                continue;
            }
            said += 1;
            let (n, at) = (n.parse::<usize>().unwrap(), &s[..40.min(s.len())]);
            assert_eq!(n, billctl::domain::keys::KEY_LEN, "{}: {at}", file.display());
        }
    }
    assert!(said > 0, "nothing says how long a key is any more");
}

/// An event without an id refused over HTTP is told what the route needs, not a flag of
/// `usage import` (`--derive-ids`), which the route does not have.
#[test]
fn an_http_refusal_names_no_flag_of_another_door() {
    let env = Env::with_catalog();
    let (customer, _) = crate::serve::paid(&env, "hint@example.com", "pro");
    let t = crate::serve::token(&env, "ingest", "usage");
    let serve = crate::serve::Serve::start(&env, &[]);
    let no_id = json!([{"customer": customer, "timestamp": 1795500000, "quantity": 1}]);
    let a = serve.post("/v1/usage/events", &t, &no_id);
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.body.contains("no id"), "{}", a.body);
    assert!(!a.body.contains("--derive-ids"), "{}", a.body);
}

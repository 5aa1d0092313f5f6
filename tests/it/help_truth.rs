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
    let help = env.run(&["serve", "--help"]).ok().stdout;
    for spec in billctl::ops::serve::routes::SPECS {
        let (method, path) = (spec.method, spec.path);
        let line = format!("{method:<4} {path}");
        assert!(
            help.contains(&line),
            "serve --help leaves out {method} {path}:\n{help}"
        );
    }
}

#[test]
fn the_readme_gives_a_keys_true_length() {
    let readme = common::read(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md"));
    let said: Vec<&str> = readme
        .match_indices("a key is ")
        .map(|(i, _)| &readme[i..])
        .collect();
    assert!(
        !said.is_empty(),
        "the README no longer says how long a key is"
    );
    for s in said {
        let n: String = s["a key is ".len()..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        if n.is_empty() {
            continue;
        }
        assert_eq!(
            n.parse::<usize>().unwrap(),
            billctl::keys::KEY_LEN,
            "README: {}",
            &s[..40]
        );
    }
}

/// An event without an id refused over HTTP is told what the route needs, not a flag of
/// `usage import` (`--derive-ids`), which the route does not have.
#[test]
fn an_http_refusal_names_no_flag_of_another_door() {
    let env = Env::with_catalog();
    let (customer, _) = crate::serve::paid(&env, "hint@example.com", "pro");
    let t = crate::serve::token(&env, "ingest", "usage");
    let serve = crate::serve::Serve::start(&env, &[]);
    let a = serve.post(
        "/v1/usage/events",
        &t,
        &json!([{"customer": customer, "timestamp": 1795500000, "quantity": 1}]),
    );
    assert_eq!(a.status, 400, "{}", a.body);
    assert!(a.body.contains("no id"), "{}", a.body);
    assert!(!a.body.contains("--derive-ids"), "{}", a.body);
}

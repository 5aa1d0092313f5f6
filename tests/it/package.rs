//! The crate as crates.io gets it (issue 43): the package metadata a user's `cargo install
//! billctl` and crates.io need, every file the program compiles in inside the package, and
//! unsafe code forbidden in every workspace member. `.ci/run` packages the crate, installs
//! billctl from the .crate file alone and runs the demo with it.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it talks to no Stripe at all; the default run covers it.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn manifest(path: &Path) -> toml::Table {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.parse().unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A package key, taken from the workspace when the package says `key.workspace = true`.
fn package_key<'a>(
    pkg: &'a toml::Table,
    ws: &'a toml::Table,
    key: &str,
) -> Option<&'a toml::Value> {
    match pkg.get(key)? {
        toml::Value::Table(t) if t.get("workspace").and_then(|v| v.as_bool()) == Some(true) => {
            ws.get(key)
        }
        v => Some(v),
    }
}

#[test]
fn the_package_has_what_crates_io_and_cargo_install_need() {
    let cargo = manifest(&root().join("Cargo.toml"));
    let pkg = cargo["package"].as_table().unwrap();
    let ws = cargo["workspace"]["package"].as_table().unwrap();
    for key in ["description", "license", "repository", "readme", "rust-version"] {
        let v = package_key(pkg, ws, key).and_then(|v| v.as_str());
        assert!(v.is_some_and(|v| !v.trim().is_empty()), "Cargo.toml: package.{key} is missing");
    }
    let repo = package_key(pkg, ws, "repository").unwrap().as_str().unwrap();
    assert!(repo.starts_with("https://"), "package.repository {repo:?} is not an https URL");
    let readme = pkg["readme"].as_str().unwrap();
    assert!(root().join(readme).is_file(), "package.readme {readme} is not a file");
    // crates.io: at most five keywords of at most 20 characters, ASCII letters, digits, `_`
    // and `-`, starting with a letter; categories from its list (these are the ones used).
    let keywords = pkg["keywords"].as_array().expect("package.keywords");
    assert!((1..=5).contains(&keywords.len()), "{keywords:?}");
    for k in keywords {
        let k = k.as_str().unwrap();
        assert!(
            k.len() <= 20
                && k.starts_with(|c: char| c.is_ascii_alphabetic())
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'),
            "keyword {k:?} is not one crates.io takes"
        );
    }
    let known = ["command-line-utilities", "web-programming::http-server", "finance"];
    let categories = pkg["categories"].as_array().expect("package.categories");
    assert!(!categories.is_empty());
    for c in categories {
        assert!(
            known.contains(&c.as_str().unwrap()),
            "category {c} is not checked against crates.io's list"
        );
    }
}

/// Every file `src/` compiles in (`include_str!`, `include_bytes!`) is inside one of the
/// package's `include` entries: a file left out builds here and fails in `cargo install`.
#[test]
fn every_file_the_program_compiles_in_is_in_the_package() {
    let cargo = manifest(&root().join("Cargo.toml"));
    let include: Vec<PathBuf> = cargo["package"]["include"]
        .as_array()
        .expect("package.include")
        .iter()
        .map(|v| root().join(v.as_str().unwrap().trim_start_matches('/')))
        .collect();
    for i in &include {
        assert!(i.exists(), "package.include names {} which does not exist", i.display());
    }
    let mut compiled_in = BTreeSet::new();
    let mut dirs = vec![root().join("src")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
                continue;
            }
            let text = std::fs::read_to_string(&p).unwrap_or_default();
            for macro_name in ["include_str!(\"", "include_bytes!(\""] {
                for piece in text.split(macro_name).skip(1) {
                    let rel = piece.split('"').next().unwrap();
                    let file = p.parent().unwrap().join(rel);
                    let file = file.canonicalize().unwrap_or_else(|_| {
                        panic!("{}: compiles in {rel}, which does not exist", p.display())
                    });
                    compiled_in.insert(file);
                }
            }
        }
    }
    assert!(compiled_in.len() >= 3, "found only {compiled_in:?}");
    let outside: Vec<_> = compiled_in
        .iter()
        .filter(|f| !include.iter().any(|i| f.starts_with(i.canonicalize().unwrap())))
        .collect();
    assert!(outside.is_empty(), "compiled in but not in the package's include: {outside:?}");
}

/// `unsafe_code = "forbid"` is a workspace lint, and every member takes the workspace's lints,
/// so no unsafe block builds anywhere: billctl, the simulator, the tests and benchmarks.
#[test]
fn every_workspace_member_forbids_unsafe_code() {
    let cargo = manifest(&root().join("Cargo.toml"));
    assert_eq!(
        cargo["workspace"]["lints"]["rust"]["unsafe_code"].as_str(),
        Some("forbid"),
        "Cargo.toml: [workspace.lints.rust] unsafe_code = \"forbid\" is missing"
    );
    let members = cargo["workspace"]["members"].as_array().unwrap();
    assert!(members.len() >= 2, "{members:?}");
    for m in members {
        let path = root().join(m.as_str().unwrap()).join("Cargo.toml");
        let member = manifest(&path);
        assert_eq!(
            member.get("lints").and_then(|l| l.get("workspace")).and_then(|w| w.as_bool()),
            Some(true),
            "{}: [lints] workspace = true is missing",
            path.display()
        );
    }
}

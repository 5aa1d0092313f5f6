//! The systemd units and timers in `config/systemd/`: each `ExecStart` parses as billctl's
//! own command line (a renamed flag fails here, not on the server), each service has the
//! hardening the README promises, `systemd-analyze verify` (where installed; CI's Debian
//! has it) reads every unit without a word, with the binary path pointed at this build, and
//! the README's "Running billctl in production" names exactly the shipped units and the
//! environment files and systemd credentials each reads (issue 42: the README's sample unit
//! read `listen.env`, the shipped one `billctl.env`; issue 43: secrets as credentials, each a
//! name billctl reads from `$CREDENTIALS_DIRECTORY`).
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it talks to no Stripe at all; the default run covers it.

use clap::Parser;
use std::collections::BTreeSet;

/// The README, whole.
fn readme() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap()
}

fn units() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/systemd");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), crate::common::read(&p)))
        .collect();
    out.sort();
    out
}

#[test]
fn every_unit_runs_a_command_line_billctl_parses_and_is_hardened() {
    let all = units();
    let names: Vec<&str> = all.iter().map(|(n, _)| n.as_str()).collect();
    for want in [
        "billctl-serve.service",
        "billctl-webhooks.service",
        "billctl-doctor.service",
        "billctl-doctor.timer",
        "billctl-usage-alerts.service",
        "billctl-usage-alerts.timer",
    ] {
        assert!(names.contains(&want), "{want} in {names:?}");
    }
    for (name, text) in all.iter().filter(|(n, _)| n.ends_with(".service")) {
        let exec = text
            .lines()
            .find_map(|l| l.strip_prefix("ExecStart="))
            .unwrap_or_else(|| panic!("{name} has no ExecStart"));
        let mut words = exec.split_whitespace();
        assert_eq!(words.next(), Some("/usr/local/bin/billctl"), "{name}");
        let argv: Vec<&str> = std::iter::once("billctl").chain(words).collect();
        if let Err(e) = billctl::cli::Cli::try_parse_from(&argv) {
            panic!("{name}: {exec:?} does not parse: {e}");
        }
        for line in [
            "ProtectSystem=strict",
            "StateDirectory=billctl",
            "NoNewPrivileges=yes",
            "RestrictAddressFamilies=",
            "User=billctl",
        ] {
            assert!(text.contains(line), "{name} lacks {line}");
        }
        let trouble = credential_trouble(text);
        assert!(trouble.is_empty(), "{name}: {}", trouble.join("\n"));
        // Every service's timer starts it, if it has one.
        let timer = name.replace(".service", ".timer");
        if let Some((_, t)) = all.iter().find(|(n, _)| *n == timer) {
            assert!(t.contains("[Timer]") && t.contains("Persistent=true"), "{timer}");
        }
    }
}

/// Each shipped service and how systemd is to run it: the long-running ones `Type=notify`
/// (they say READY, RELOADING, STOPPING and ping the watchdog), the timed ones `oneshot`. A
/// service in `config/systemd/` without its row fails.
const SERVICES: &[(&str, &str)] = &[
    ("billctl-serve.service", "notify"),
    ("billctl-webhooks.service", "notify"),
    ("billctl-doctor.service", "oneshot"),
    ("billctl-usage-alerts.service", "oneshot"),
];

/// The values of `Key=` lines of a unit, in order.
fn values<'a>(text: &'a str, key: &str) -> Vec<&'a str> {
    text.lines().filter_map(|l| l.trim().strip_prefix(key)?.strip_prefix('=')).collect()
}

/// What is wrong with a service unit (issue 43): it must name the operator's config
/// (`BILLCTL_CONFIG`, an absolute path: without one billctl silently runs on the built-in
/// catalog) and the data dir (`BILLCTL_DATA_DIR` under `/var/lib`, made by its
/// `StateDirectory=`); run as its row of [`SERVICES`] says; and set `WatchdogSec=` only where
/// billctl pings (`Type=notify`).
fn service_problems(name: &str, text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let env: Vec<(&str, &str)> =
        values(text, "Environment").into_iter().filter_map(|v| v.split_once('=')).collect();
    let var = |n: &str| env.iter().find(|(k, _)| *k == n).map(|(_, v)| *v);
    match var("BILLCTL_CONFIG") {
        Some(p) if p.starts_with('/') && p.ends_with(".toml") => {}
        other => out.push(format!(
            "{name}: Environment=BILLCTL_CONFIG=<absolute path of a .toml> expected, got {other:?}"
        )),
    }
    let state = values(text, "StateDirectory");
    match (var("BILLCTL_DATA_DIR"), state.as_slice()) {
        (Some(dir), [s]) if dir == format!("/var/lib/{s}") => {}
        (dir, state) => out.push(format!(
            "{name}: Environment=BILLCTL_DATA_DIR=/var/lib/<StateDirectory> expected, got {dir:?} and StateDirectory={state:?}"
        )),
    }
    let kind = values(text, "Type");
    match SERVICES.iter().find(|(n, _)| *n == name) {
        None => out.push(format!("{name} has no row in SERVICES")),
        Some((_, want)) if kind != [*want] => {
            out.push(format!("{name}: Type={want} expected, got {kind:?}"))
        }
        Some(_) => {}
    }
    if !values(text, "WatchdogSec").is_empty() && kind != ["notify"] {
        out.push(format!("{name}: WatchdogSec= on a unit that never pings"));
    }
    // systemd's notify socket is a unix socket.
    let families = values(text, "RestrictAddressFamilies").join(" ");
    if kind == ["notify"] && !families.split_whitespace().any(|f| f == "AF_UNIX") {
        out.push(format!("{name}: Type=notify needs AF_UNIX in RestrictAddressFamilies="));
    }
    out
}

#[test]
fn every_service_names_the_config_and_the_data_dir_and_its_type() {
    let all = units();
    let services: Vec<&(String, String)> =
        all.iter().filter(|(n, _)| n.ends_with(".service")).collect();
    let problems: Vec<String> = services.iter().flat_map(|(n, t)| service_problems(n, t)).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    for (want, _) in SERVICES {
        assert!(services.iter().any(|(n, _)| n == want), "{want} is not shipped");
    }
    // The rule can fail: each shipped service with a line taken out or changed.
    for (name, text) in services {
        let without =
            |key: &str| text.lines().filter(|l| !l.starts_with(key)).collect::<Vec<_>>().join("\n");
        for broken in [
            without("Environment=BILLCTL_CONFIG="),
            without("Environment=BILLCTL_DATA_DIR="),
            without("StateDirectory="),
            without("Type="),
            text.replace("BILLCTL_CONFIG=/etc/billctl/billctl.toml", "BILLCTL_CONFIG="),
            text.replace("StateDirectory=billctl", "StateDirectory=other"),
            text.replace("Type=", "Type=simple\n#"),
        ]
        .into_iter()
        .chain(text.contains("Type=notify").then(|| text.replace("AF_UNIX", "")))
        {
            assert!(!service_problems(name, &broken).is_empty(), "{name} passes broken:\n{broken}");
        }
        assert!(!service_problems("billctl-new.service", text).is_empty());
    }
    let oneshot = "Type=oneshot\nEnvironment=BILLCTL_CONFIG=/etc/billctl/billctl.toml\nEnvironment=BILLCTL_DATA_DIR=/var/lib/billctl\nStateDirectory=billctl\nWatchdogSec=30s\n";
    assert!(service_problems("billctl-doctor.service", oneshot)
        .iter()
        .any(|p| p.contains("WatchdogSec")));
}

#[test]
fn systemd_analyze_verifies_every_unit() {
    let Ok(version) = std::process::Command::new("systemd-analyze").arg("--version").output()
    else {
        eprintln!("note: skipped: no systemd-analyze on this machine");
        return;
    };
    assert!(version.status.success());
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (name, text) in units() {
        let p = dir.path().join(&name);
        std::fs::write(&p, text.replace("/usr/local/bin/billctl", env!("CARGO_BIN_EXE_billctl")))
            .unwrap();
        paths.push(p);
    }
    let out = std::process::Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .args(&paths)
        .output()
        .unwrap();
    let said =
        String::from_utf8_lossy(&out.stderr).into_owned() + &String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && said.trim().is_empty(), "systemd-analyze verify: {said}");
}

/// The README's section "Running billctl in production", up to the next `## ` heading.
fn production_section(readme: &str) -> &str {
    let start = readme
        .find("\n## Running billctl in production\n")
        .expect("the README has a section \"Running billctl in production\"");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

/// Every `billctl-*.service` and `billctl-*.timer` a text names.
fn unit_names(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("billctl-") {
        let name: String = text[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '.')
            .collect();
        let name = name.trim_end_matches('.');
        if name.ends_with(".service") || name.ends_with(".timer") {
            out.insert(name.to_string());
        }
    }
    out
}

/// Every `/etc/billctl/*.env` path a text names.
fn env_paths(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in text.match_indices("/etc/billctl/") {
        let path: String = text[i..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-'))
            .collect();
        if let Some(p) = path.strip_suffix(".env").map(|p| format!("{p}.env")) {
            out.insert(p);
        }
    }
    out
}

/// The `LoadCredential=` IDs a unit loads (its own lines, not the comments).
fn loaded_credentials(unit: &str) -> BTreeSet<String> {
    unit.lines()
        .filter_map(|l| l.trim().strip_prefix("LoadCredential="))
        .filter_map(|v| v.split_once(':').map(|(id, _)| id.to_string()))
        .collect()
}

/// What is wrong with a unit's `LoadCredential=` lines, and those its comments suggest: an ID
/// billctl does not read, a path outside `/etc/billctl/credentials/`.
fn credential_trouble(unit: &str) -> Vec<String> {
    let known: Vec<&str> =
        billctl::adapters::credentials::Credential::ALL.iter().map(|c| c.name()).collect();
    let mut out = Vec::new();
    for (i, _) in unit.match_indices("LoadCredential=") {
        let value: String = unit[i + "LoadCredential=".len()..]
            .chars()
            .take_while(|c| !c.is_whitespace())
            .collect();
        let value = value.trim_end_matches(['.', ',', ';', ')']);
        if value.is_empty() {
            continue; // the setting named in prose, not a line of it
        }
        match value.split_once(':') {
            Some((id, path)) if known.contains(&id) => {
                if !path.starts_with("/etc/billctl/credentials/") {
                    out.push(format!(
                        "LoadCredential={value}: keep credentials in /etc/billctl/credentials/"
                    ));
                }
            }
            _ => out.push(format!(
                "LoadCredential={value}: billctl reads no such credential (it reads {known:?})"
            )),
        }
    }
    out
}

/// The credential names (`stripe-key`, ...) a text names in backticks.
fn credential_names(text: &str) -> BTreeSet<String> {
    billctl::adapters::credentials::Credential::ALL
        .iter()
        .map(|c| c.name())
        .filter(|n| text.contains(&format!("`{n}`")))
        .map(str::to_string)
        .collect()
}

/// Where the production section and the units disagree, one line each: a unit named but not
/// shipped, a unit shipped but not named, a service without its row in the section's table,
/// a row whose environment files are not the unit's `EnvironmentFile=` lines, an environment
/// file named that no unit reads.
fn disagreements(section: &str, units: &[(String, String)]) -> Vec<String> {
    let mut out = Vec::new();
    let shipped: BTreeSet<String> = units.iter().map(|(n, _)| n.clone()).collect();
    let named = unit_names(section);
    for n in named.difference(&shipped) {
        out.push(format!("the README names {n}, which config/systemd/ does not ship"));
    }
    for n in shipped.difference(&named) {
        out.push(format!("config/systemd/{n} is not named in the README's production section"));
    }
    let mut read_by_some = BTreeSet::new();
    for (name, text) in units.iter().filter(|(n, _)| n.ends_with(".service")) {
        let reads: BTreeSet<String> = text
            .lines()
            .filter_map(|l| l.trim().strip_prefix("EnvironmentFile="))
            .map(|v| v.trim().trim_start_matches('-').to_string())
            .collect();
        read_by_some.extend(reads.iter().cloned());
        let row = section.lines().find(|l| {
            l.starts_with("| ")
                && l.split(" | ").next().is_some_and(|first| first.contains(&format!("`{name}`")))
        });
        match row {
            None => out.push(format!("{name} has no row in the README's table of units")),
            Some(row) => {
                let says = env_paths(row);
                if says != reads {
                    out.push(format!(
                        "{name}: the README says it reads {says:?}, its EnvironmentFile= lines read {reads:?}"
                    ));
                }
                let (says, loads) = (credential_names(row), loaded_credentials(text));
                if says != loads {
                    out.push(format!(
                        "{name}: the README says it loads the credentials {says:?}, its LoadCredential= lines load {loads:?}"
                    ));
                }
            }
        }
    }
    for p in env_paths(section).difference(&read_by_some) {
        out.push(format!("the README names {p}, which no unit reads"));
    }
    out
}

#[test]
fn the_readme_names_every_unit_and_the_environment_files_it_reads() {
    let readme = readme();
    let section = production_section(&readme);
    let all = units();
    let problems = disagreements(section, &all);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    // Each unit's Documentation= points at a heading of the README.
    for (name, text) in &all {
        for anchor in text
            .lines()
            .filter_map(|l| l.strip_prefix("Documentation="))
            .filter_map(|u| u.split_once('#').map(|(_, a)| a.to_string()))
        {
            let heading = readme.lines().any(|l| {
                l.starts_with('#')
                    && l.trim_start_matches('#')
                        .trim()
                        .to_lowercase()
                        .chars()
                        .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-')
                        .collect::<String>()
                        .replace(' ', "-")
                        == anchor
            });
            assert!(
                heading,
                "{name}: Documentation= points at #{anchor}, no heading of the README"
            );
        }
    }
}

/// The check fails when either side is broken: a row that names another file, a unit that
/// reads another one, a unit named but not shipped, a unit shipped but not named.
#[test]
fn the_units_check_can_fail() {
    let units = vec![
        (
            "billctl-a.service".to_string(),
            "EnvironmentFile=/etc/billctl/billctl.env\nEnvironmentFile=-/etc/billctl/a.env\nLoadCredential=stripe-key:/etc/billctl/credentials/stripe-key\n"
                .to_string(),
        ),
        ("billctl-a.timer".to_string(), "[Timer]\n".to_string()),
    ];
    let good = "| unit | reads | credentials |\n|---|---|---|\n| `billctl-a.service`, started by `billctl-a.timer` | `/etc/billctl/billctl.env`, then `/etc/billctl/a.env` | `stripe-key` |\n";
    assert_eq!(disagreements(good, &units), Vec::<String>::new());
    let cases = [
        (good.replace("a.env`", "listen.env`"), "reads"),
        (good.replace(", started by `billctl-a.timer`", ""), "billctl-a.timer is not named"),
        (
            format!("{good}Also `billctl-b.service`.\n"),
            "billctl-b.service, which config/systemd/ does not ship",
        ),
        (
            format!("{good}Put it in `/etc/billctl/other.env`.\n"),
            "/etc/billctl/other.env, which no unit reads",
        ),
        (good.replace("| `billctl-a.service`, started by", "| started by"), "has no row"),
        (
            good.replace("`stripe-key`", "`stripe-key`, `database-password`"),
            "loads the credentials",
        ),
        (good.replace("`stripe-key`", "-"), "loads the credentials"),
    ];
    for (section, want) in cases {
        let got = disagreements(&section, &units);
        assert!(got.iter().any(|g| g.contains(want)), "{want}: {got:?}");
    }
    let mut broken = units.clone();
    broken[0].1 = broken[0].1.replace("a.env", "serve.env");
    assert!(!disagreements(good, &broken).is_empty());
    // A unit that loads a credential billctl never reads, or keeps it elsewhere.
    for (bad, want) in [
        ("LoadCredential=stripe-token:/etc/billctl/credentials/stripe-token", "no such credential"),
        ("LoadCredential=stripe-key:/root/stripe-key", "/etc/billctl/credentials/"),
        (
            "# a drop-in: LoadCredential=db-password:/etc/billctl/credentials/db-password",
            "no such credential",
        ),
    ] {
        let got = credential_trouble(bad);
        assert!(got.iter().any(|g| g.contains(want)), "{bad}: {got:?}");
    }
    assert_eq!(credential_trouble(&units[0].1), Vec::<String>::new());
}

/// Why a line of an environment file would be read differently by systemd (the units) and by
/// `sh` (the README's `billctl_admin`), if it would: systemd keeps a `#` after a value as part
/// of it, and `sh` expands `$` and backticks, takes `\`, `"` and spaces as syntax. A value in
/// single quotes (holding none) means the same to both.
fn env_line_trouble(line: &str) -> Option<String> {
    let line = line.trim_end();
    if line.is_empty() || line.starts_with('#') {
        return None;
    }
    let Some((name, value)) = line.split_once('=') else {
        return Some(format!("{line:?} is neither KEY=value nor a comment"));
    };
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_uppercase() || c == '_') {
        return Some(format!("{name:?} is not a variable name"));
    }
    if let Some(inner) = value.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')) {
        return inner
            .contains('\'')
            .then(|| format!("{line:?}: a single quote inside single quotes"));
    }
    let special = |c: char| c.is_whitespace() || "#$`\\\"';&|<>()*?[]~".contains(c);
    value
        .chars()
        .find(|&c| special(c))
        .map(|c| format!("{line:?}: {c:?} means one thing to systemd and another to sh"))
}

/// The README's environment files (the `sh` blocks of its production section made only of
/// `KEY=value` lines and comments) mean the same to systemd, which reads them for the units,
/// and to `sh`, which reads them for `billctl_admin` (a hostile review: a comment after a value
/// became part of BILLCTL_CONFIG for the units, and of the Stripe key).
#[test]
fn the_readmes_environment_files_mean_the_same_to_systemd_and_sh() {
    let readme = readme();
    let section = production_section(&readme);
    let blocks: Vec<&str> = section
        .split("```sh\n")
        .skip(1)
        .filter_map(|b| b.split("\n```").next())
        .filter(|b| {
            b.lines().all(|l| {
                l.starts_with('#')
                    || l.split_once('=').is_some_and(|(n, _)| {
                        !n.is_empty() && n.chars().all(|c| c.is_ascii_uppercase() || c == '_')
                    })
            })
        })
        .collect();
    assert!(blocks.len() >= 2, "billctl.env and serve.env: {blocks:?}");
    let trouble: Vec<String> =
        blocks.iter().flat_map(|b| b.lines()).filter_map(env_line_trouble).collect();
    assert!(trouble.is_empty(), "{}", trouble.join("\n"));
    // The rule can fail: what the hostile review found, and its siblings.
    for bad in [
        "BILLCTL_CONFIG=/etc/billctl/billctl.toml   # the catalog",
        "BILLCTL_DATABASE_PASSWORD=s3cr$et`x`",
        "BILLCTL_DATABASE_URL=\"postgres://h/db\"",
        "BILLCTL_DATABASE_PASSWORD='it''s'",
        "billctl_config=/x",
    ] {
        assert!(env_line_trouble(bad).is_some(), "{bad}");
    }
    for good in ["# a comment", "BILLCTL_STRIPE_API_KEY=", "X='a $b `c` #d'", "X=/etc/a.toml"] {
        assert_eq!(env_line_trouble(good), None, "{good}");
    }
}

/// The shell functions the production section defines (`billctl_admin`) are valid in a POSIX
/// `sh` (Debian's is dash), not only in bash: a hostile review found `billctl-admin() {...}` a
/// syntax error there.
#[test]
fn the_readmes_shell_functions_parse_in_posix_sh() {
    let readme = readme();
    let section = production_section(&readme);
    let defs: Vec<&str> =
        section.lines().filter(|l| l.contains("() {") && !l.starts_with(' ')).collect();
    assert!(!defs.is_empty(), "the README defines billctl_admin");
    for def in defs {
        let out = std::process::Command::new("sh").args(["-n", "-c", def]).output().unwrap();
        assert!(out.status.success(), "{def}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let bad = std::process::Command::new("sh")
        .args(["-n", "-c", "billctl-admin() { true; }"])
        .output()
        .unwrap();
    if std::fs::read_link("/bin/sh").is_ok_and(|t| t.to_string_lossy().contains("dash")) {
        assert!(!bad.status.success(), "dash refuses a function name with '-'");
    }
}

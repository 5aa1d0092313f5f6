//! The systemd units and timers in `config/systemd/`: each `ExecStart` parses as billctl's
//! own command line (a renamed flag fails here, not on the server), each service has the
//! hardening the README promises, and `systemd-analyze verify` (where installed; CI's Debian
//! has it) reads every unit without a word, with the binary path pointed at this build.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it talks to no Stripe at all; the default run covers it.

use clap::Parser;

fn units() -> Vec<(String, String)> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/systemd");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
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
        // Every service's timer starts it, if it has one.
        let timer = name.replace(".service", ".timer");
        if let Some((_, t)) = all.iter().find(|(n, _)| *n == timer) {
            assert!(
                t.contains("[Timer]") && t.contains("Persistent=true"),
                "{timer}"
            );
        }
    }
}

#[test]
fn systemd_analyze_verifies_every_unit() {
    let Ok(version) = std::process::Command::new("systemd-analyze")
        .arg("--version")
        .output()
    else {
        eprintln!("note: skipped: no systemd-analyze on this machine");
        return;
    };
    assert!(version.status.success());
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (name, text) in units() {
        let p = dir.path().join(&name);
        std::fs::write(
            &p,
            text.replace("/usr/local/bin/billctl", env!("CARGO_BIN_EXE_billctl")),
        )
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
    assert!(
        out.status.success() && said.trim().is_empty(),
        "systemd-analyze verify: {said}"
    );
}

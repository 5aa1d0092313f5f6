//! The billctl binary's top-level behaviour: help, version and usage errors.

use assert_cmd::Command;

fn billctl() -> Command {
    let mut cmd = Command::cargo_bin("billctl").expect("billctl binary is built");
    cmd.env_clear().env("NO_COLOR", "1");
    cmd
}

#[test]
fn help_describes_the_tool_and_exits_0() {
    let out = billctl().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("Usage: billctl"), "{stdout}");
    assert!(stdout.contains("Stripe"), "{stdout}");
}

#[test]
fn version_prints_the_package_version() {
    let out = billctl().arg("--version").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap().trim(),
        format!("billctl {}", env!("CARGO_PKG_VERSION"))
    );
}

#[test]
fn no_command_or_an_unknown_flag_is_a_usage_error_with_exit_2() {
    let out = billctl().output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty(), "nothing on stdout");
    assert!(String::from_utf8_lossy(&out.stderr).contains("Usage: billctl"));
    let out = billctl().arg("--frobnicate").output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--frobnicate"));
}

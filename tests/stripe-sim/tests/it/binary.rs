//! The `stripe-sim` binary: prints its base URL, serves, keeps state in `--state FILE` across
//! restarts (even after SIGKILL), and exits cleanly on SIGTERM.

use crate::common;

use common::Api;
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

fn spawn(state: &std::path::Path) -> (Child, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_stripe-sim"))
        .args(["--port", "0", "--state"])
        .arg(state)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("stripe-sim starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    (child, line.trim().to_string())
}

#[test]
fn binary_serves_and_state_survives_a_kill_and_restart() {
    let dir = std::env::temp_dir().join(format!("stripe-sim-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    let _ = std::fs::remove_file(&state);

    let (mut child, base) = spawn(&state);
    assert!(base.starts_with("http://127.0.0.1:") && base.ends_with('/'), "{base}");
    let api = Api { base: base.clone(), key: Some(stripe_sim::DEFAULT_API_KEY.into()) };
    api.ok("/v1/products", &[("id", "pro"), ("name", "Pro")]);
    api.ok(
        "/v1/prices",
        &[
            ("product", "pro"),
            ("unit_amount", "9900"),
            ("currency", "usd"),
            ("recurring[interval]", "month"),
            ("lookup_key", "pro_monthly"),
        ],
    );
    child.kill().unwrap(); // SIGKILL: no chance to flush anything
    child.wait().unwrap();

    let (child, base) = spawn(&state);
    let api = Api { base, key: Some(stripe_sim::DEFAULT_API_KEY.into()) };
    assert_eq!(api.get("/v1/products/pro", &[]).body["name"], "Pro");
    let prices = api.get("/v1/prices", &[("lookup_keys[]", "pro_monthly")]).body;
    assert_eq!(prices["data"].as_array().unwrap().len(), 1);
    let r = api.post(
        "/v1/prices",
        &[
            ("product", "pro"),
            ("unit_amount", "1"),
            ("currency", "usd"),
            ("lookup_key", "pro_monthly"),
        ],
    );
    assert_eq!(r.status, 400, "lookup-key uniqueness holds across restarts");

    let status = Command::new("kill").args(["-TERM", &child.id().to_string()]).status().unwrap();
    assert!(status.success());
    let mut child = child;
    assert!(child.wait().unwrap().success(), "SIGTERM exits 0");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn binary_refuses_a_corrupt_state_file_with_exit_2() {
    let dir = std::env::temp_dir().join(format!("stripe-sim-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("state.json");
    std::fs::write(&state, "{not json").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_stripe-sim"))
        .args(["--port", "0", "--state"])
        .arg(&state)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("state.json"));
    let _ = std::fs::remove_dir_all(&dir);
}

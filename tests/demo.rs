//! The README's demo command keeps working: plan, apply, no-op re-run and check, all exit 0.

mod common;

use common::Env;
use std::process::Command;

#[test]
fn the_demo_script_runs_the_main_job_end_to_end() {
    let env = Env::new();
    let mut c = env.command();
    c.env("BILLCTL_BIN", env!("CARGO_BIN_EXE_billctl"))
        .arg("--version");
    let mut script = Command::new("bash");
    script.env_clear();
    for (k, v) in c.get_envs() {
        if let Some(v) = v {
            script.env(k, v);
        }
    }
    script.arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/demo.sh"));
    let r = common::run(&mut script);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.contains("$ billctl setup-products --plan") && r.stdout.contains("create product"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("Applied 6 changes."), "{}", r.stderr);
    assert!(r.stderr.contains("No changes"), "{}", r.stderr);
    assert!(r.stdout.contains("PRICE_PRO=price_"), "{}", r.stdout);
    assert!(r.stdout.contains("Done:"), "{}", r.stdout);
    let posts = env
        .sim
        .requests()
        .iter()
        .filter(|r| r.method == "POST")
        .count();
    assert_eq!(posts, 6, "only the apply wrote");
}

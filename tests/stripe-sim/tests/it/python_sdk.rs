//! The official Stripe SDK for Python against the simulator (issue 29): `.ci/run` installs the
//! current stripe-python from PyPI, unpinned, into a virtualenv and points
//! `BILLCTL_TEST_PYTHON` at its interpreter; `tests/examples/stripe_sdk.py` then drives the
//! simulator through the catalog, customers, subscriptions, invoices, pagination, search,
//! idempotency, errors and a webhook the SDK verifies. Without the variable the test is skipped
//! with a note, unless `BILLCTL_REQUIRE_STRIPE_PYTHON` is set (CI), which makes it a failure.

use std::process::Command;
use stripe_sim::StripeSim;

#[test]
fn the_official_python_sdk_drives_the_simulator() {
    let Some(python) = std::env::var_os("BILLCTL_TEST_PYTHON") else {
        assert!(
            std::env::var_os("BILLCTL_REQUIRE_STRIPE_PYTHON").is_none(),
            "BILLCTL_REQUIRE_STRIPE_PYTHON is set but BILLCTL_TEST_PYTHON is not: point it at a Python with stripe installed (.ci/run makes one)"
        );
        eprintln!("note: skipped: set BILLCTL_TEST_PYTHON to a Python with stripe-python installed (.ci/run makes a virtualenv)");
        return;
    };
    let sim = StripeSim::start();
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/stripe_sdk.py");
    let out = Command::new(&python)
        .arg(&script)
        .env("STRIPE_SIM_BASE", sim.base_url())
        .env("STRIPE_SIM_KEY", sim.api_key())
        .output()
        .expect("the Python interpreter starts");
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "stdout:\n{stdout}\nstderr:\n{stderr}");
    let done: serde_json::Value = serde_json::from_str(stdout.trim()).expect("one JSON line");
    // What the SDK did is in the simulator's state and log, as it reported.
    let st = sim.state();
    let sub = |key: &str| st.subscriptions[done[key].as_str().unwrap()]["status"].clone();
    assert_eq!((sub("active"), sub("incomplete")), ("active".into(), "incomplete".into()));
    assert_eq!(done["paged"], 7);
    let idem: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.idempotency_key.as_deref() == Some("sdk-idem-1"))
        .map(|r| (r.status, r.replayed))
        .collect();
    assert_eq!(idem, [(200, false), (200, true), (400, false)], "{idem:?}");
    let delivered = st
        .deliveries
        .iter()
        .any(|d| d.event == done["webhook_event"].as_str().unwrap() && d.status == Some(200));
    assert!(delivered, "the webhook was delivered and answered 200");
    // The SDK sent the version it pins, which the simulator accepted.
    let version = done["api_version"].as_str().unwrap();
    assert!(
        stripe_sim::state::accepted_version(version, stripe_sim::util::now()).is_some(),
        "{version}"
    );
    eprintln!("stripe-python {} (API version {version}) drove the simulator", done["sdk_version"]);
}

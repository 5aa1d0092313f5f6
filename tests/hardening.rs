//! Where the Stripe key may go, replay targets without credentials, and ingested (unverified)
//! events kept from being re-signed.

mod common;

use common::Env;
use std::io::ErrorKind;

/// A listener standing in for a capture server: it must never see a connection.
fn capture() -> (std::net::TcpListener, String) {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.set_nonblocking(true).unwrap();
    let url = format!("http://{}/", l.local_addr().unwrap());
    (l, url)
}

fn assert_untouched(l: &std::net::TcpListener) {
    match l.accept() {
        Err(e) if e.kind() == ErrorKind::WouldBlock => {}
        Ok(_) => panic!("the capture server got a connection: the key could have leaked"),
        Err(e) => panic!("accept failed: {e}"),
    }
}

#[test]
fn a_config_file_cannot_send_the_key_elsewhere() {
    let env = Env::new();
    let (l, url) = capture();
    let base = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/billctl.toml"))
        .unwrap();
    let cfg = env.config(&format!("[stripe]\napi_base = \"{url}\"\n\n{base}"));
    let mut cmd = env.command();
    cmd.env_remove("BILLCTL_STRIPE_API_BASE").args([
        "prices",
        "list",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    let r = common::run(&mut cmd).code(2);
    assert!(
        r.stderr.contains("may only name api.stripe.com"),
        "{}",
        r.stderr
    );
    assert_untouched(&l);
    // The environment may point elsewhere (that is how tests reach the simulator), but plain
    // http only to loopback.
    let mut cmd = env.command();
    cmd.env("BILLCTL_STRIPE_API_BASE", "http://stripe.example.com/")
        .args(["prices", "list"]);
    let r = common::run(&mut cmd).code(2);
    assert!(r.stderr.contains("plain http"), "{}", r.stderr);
    // A live-mode key goes only to api.stripe.com.
    let mut cmd = env.command();
    cmd.env("BILLCTL_STRIPE_API_BASE", &url)
        .env(
            "BILLCTL_STRIPE_API_KEY",
            "sk_live_billctltest0000000000000000",
        )
        .args(["prices", "list"]);
    let r = common::run(&mut cmd).code(2);
    assert!(
        r.stderr.contains("live keys go only to api.stripe.com"),
        "{}",
        r.stderr
    );
    assert_untouched(&l);
    assert!(
        !r.stderr.contains("billctltest0000"),
        "the key is not printed"
    );
}

#[test]
fn replay_refuses_credentials_in_the_url_and_unverified_events() {
    let env = Env::new();
    let event =
        serde_json::json!({"id": "evt_ingested", "object": "event", "type": "charge.succeeded",
        "created": common::now(), "livemode": false, "data": {"object": {"id": "ch_1"}}})
        .to_string();
    env.run_with_stdin(&["webhooks", "ingest", "-"], &event)
        .ok();
    let r = env
        .run(&[
            "webhooks",
            "replay",
            "--to",
            "http://user:hunter2@127.0.0.1:9/hook",
            "--dry-run",
            "--include-unverified",
        ])
        .code(2);
    assert!(
        r.stderr.contains("credentials in the URL are refused"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("hunter2") && !r.stdout.contains("hunter2"),
        "{}",
        r.stderr
    );
    let r = env
        .run(&[
            "webhooks",
            "replay",
            "--to",
            "http://127.0.0.1:9/hook",
            "--dry-run",
        ])
        .code(2);
    assert!(
        r.stderr.contains("never verified") && r.stderr.contains("evt_ingested"),
        "{}",
        r.stderr
    );
    let r = env
        .run(&[
            "webhooks",
            "replay",
            "--to",
            "http://127.0.0.1:9/hook",
            "--dry-run",
            "--include-unverified",
        ])
        .ok();
    assert!(r.stdout.contains("would send evt_ingested"), "{}", r.stdout);
}

//! `billctl webhooks replay` and `webhooks endpoint`: stored events POSTed again, re-signed so
//! they verify with Stripe's published algorithm, every delivery recorded, failures resumed;
//! endpoints created with their secret kept in the real kernel keyring.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it reads stored events the simulator delivered and its state.

use crate::common;

use common::receiver::Receiver;
use common::{now, Env, Run};
use serde_json::Value;
use std::collections::BTreeSet;

const SECRET: &str = "whsec_replay_secret_for_the_application";

/// The default config with endpoint secrets allowed in the data dir's file.
fn secret_file_config(env: &Env) -> String {
    let config = env.config(&format!(
        "{}\n[webhooks]\nsecret_file = true\n",
        billctl::domain::config::DEFAULT_CONFIG
    ));
    config.to_str().unwrap().to_string()
}

/// `webhooks replay --secret-env WH_APP ARGS` with [`SECRET`] in `WH_APP`.
fn replay(env: &Env, args: impl AsRef<str>) -> Run {
    env.cmd_with(
        format!("webhooks replay --secret-env WH_APP {}", args.as_ref()),
        [("WH_APP", SECRET)],
    )
}

/// Stores `n` charge events (`evt_r000`...) through `webhooks ingest`; returns their ids.
fn stored_events(env: &Env, n: usize) -> Vec<String> {
    let t = now();
    let ids: Vec<String> = (0..n).map(|i| format!("evt_r{i:03}")).collect();
    let text: String = ids.iter().enumerate().map(|(i, id)| serde_json::json!({"id": id, "object": "event", "type": "charge.succeeded",
        "created": t - 600 + i as i64, "livemode": false, "data": {"object": {"id": format!("ch_{i}"), "object": "charge", "amount": 100 + i}}}).to_string() + "\n").collect();
    let file = env.path("events.ndjson");
    std::fs::write(&file, text).unwrap();
    env.cmd(format!("webhooks ingest {}", file.display())).ok();
    ids
}

/// `t` and the `v1` values of a Stripe-Signature header.
fn parts(header: &str) -> (i64, Vec<String>) {
    let mut t = None;
    let mut v1 = Vec::new();
    for item in header.split(',') {
        match item.split_once('=') {
            Some(("t", v)) => t = v.parse().ok(),
            Some(("v1", v)) => v1.push(v.to_string()),
            _ => {}
        }
    }
    (t.expect("a t= part"), v1)
}

/// The signing algorithm of the simulator, checked here against the published vectors
/// (computed with Stripe's Python SDK) before it judges billctl's signatures.
fn vetted_sign() -> fn(&str, i64, &[u8]) -> String {
    let v: Value =
        serde_json::from_str(include_str!("../stripe-sim/testdata/webhook-signatures.json"))
            .unwrap();
    let payload = v["payload"].as_str().unwrap().as_bytes();
    let vectors = v["vectors"].as_array().unwrap();
    assert!(!vectors.is_empty());
    for x in vectors {
        let (secret, t) = (x["secret"].as_str().unwrap(), x["t"].as_i64().unwrap());
        assert_eq!(stripe_sim::webhooks::sign(secret, t, payload), x["v1"].as_str().unwrap());
    }
    stripe_sim::webhooks::sign
}

/// The `id` of an event's JSON body.
fn id_of(body: &[u8]) -> String {
    serde_json::from_slice::<Value>(body).unwrap()["id"].as_str().unwrap().to_string()
}

fn lines(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect()
}

#[test]
fn replay_resigns_records_every_delivery_and_resumes_the_failures() {
    let env = Env::new();
    let ids = stored_events(&env, 40);
    let recv = Receiver::start(true);
    let failing = ["evt_r003", "evt_r017", "evt_r039"];
    recv.fail(&failing);
    let bodies: std::collections::HashMap<String, Vec<u8>> = {
        let ev = env.events();
        ids.iter().map(|id| (id.clone(), ev.event(id).unwrap().unwrap().1)).collect()
    };

    // A dry run lists and sends nothing.
    let dry = replay(
        &env,
        format!("--include-unverified --type charge.* --to {} --dry-run --json", recv.url),
    );
    assert_eq!(dry.code, 0, "{}", dry.stderr);
    assert_eq!(lines(&dry.stdout).len(), 40);
    assert_eq!(recv.count(), 0);

    let before = now();
    let r = replay(
        &env,
        format!("--include-unverified --type charge.* --to {} --concurrency 4 --json", recv.url),
    );
    assert_eq!(r.code, 1, "a failed delivery exits 1: {}", r.stderr);
    let out = lines(&r.stdout);
    let summary = out.last().unwrap()["summary"].clone();
    assert_eq!(
        (&summary["sent"], &summary["delivered"], &summary["failed"]),
        (&Value::from(40), &Value::from(37), &Value::from(3))
    );
    let run_id = summary["run"].as_str().unwrap().to_string();
    let deliveries = &out[..out.len() - 1];
    assert_eq!(deliveries.len(), 40);
    let failed: BTreeSet<&str> = deliveries
        .iter()
        .filter(|d| d["ok"] == false)
        .map(|d| d["event_id"].as_str().unwrap())
        .collect();
    assert_eq!(failed, failing.iter().copied().collect());

    // What arrived: each stored body byte for byte, signed now with the secret, and the
    // signature verifies under the published algorithm.
    let sign = vetted_sign();
    let got = recv.received();
    assert_eq!(got.len(), 40);
    let mut seen = BTreeSet::new();
    for g in &got {
        let id = id_of(&g.body);
        assert_eq!(&g.body, &bodies[&id], "{id}: body changed");
        let (t, v1) = parts(&g.signature);
        assert!(t >= before - 1 && t <= now() + 1, "fresh timestamp: {t}");
        assert_eq!(v1, vec![sign(SECRET, t, &g.body)], "{id}");
        assert_ne!(sign("whsec_other", t, &g.body), v1[0]);
        seen.insert(id);
    }
    assert_eq!(seen.len(), 40);

    // Every delivery is in the store with status, latency and the answer's start.
    let ev = env.events();
    let d = ev.deliveries_of("evt_r017").unwrap();
    assert_eq!(d.len(), 1);
    assert_eq!(
        (d[0].run_id.as_str(), d[0].ok, d[0].http_status),
        (run_id.as_str(), false, Some(500))
    );
    assert_eq!(d[0].excerpt.as_deref(), Some("boom"));
    let ok = ev.deliveries_of("evt_r000").unwrap();
    assert_eq!((ok[0].ok, ok[0].http_status), (true, Some(200)));
    assert!(ok[0].latency_ms >= 0);
    assert_eq!(ev.delivered(&run_id).unwrap().len(), 37);
    let shown = env.cmd("webhooks show evt_r017 --json").ok();
    assert!(shown.stdout.contains(&run_id), "{}", shown.stdout);

    // The replay is in the audit log.
    let audit = env.json("audit list --action webhooks.replay");
    let entries = audit.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{audit}");
    assert_eq!(entries[0]["detail"]["run"], run_id.as_str());
    assert_eq!(entries[0]["detail"]["target"], recv.url.as_str());

    // --resume sends only what the run did not deliver.
    recv.fail(&[]);
    let r = replay(&env, format!("--include-unverified --resume {run_id} --json"));
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = lines(&r.stdout);
    let summary = &out.last().unwrap()["summary"];
    assert_eq!(summary["run"], run_id.as_str());
    assert_eq!(summary["skipped_already_delivered"], 37);
    assert_eq!(summary["delivered"], 3);
    let resent: BTreeSet<String> = recv.received()[40..].iter().map(|g| id_of(&g.body)).collect();
    assert_eq!(resent, failing.iter().map(|s| s.to_string()).collect());
    assert_eq!(ev.delivered(&run_id).unwrap().len(), 40);
}

#[test]
fn replay_refuses_bad_input_without_sending() {
    let env = Env::new();
    stored_events(&env, 3);
    let recv = Receiver::start(true);
    let cases: &[(&[&str], &str)] = &[
        (&["--to", "ftp://example.com/x"], "--to"),
        (&["--to", "RECV", "--rate", "fast"], "--rate"),
        (&["--to", "RECV", "--concurrency", "0"], "--concurrency"),
        (&["--to", "RECV", "--since", "2026-02-30"], "--since"),
        (&["--to", "RECV", "evt_nope"], "evt_nope"),
        (&["--resume", "rpl_nope"], "rpl_nope"),
        (&["--to", "RECV", "--secret-env", "UNSET_VAR"], "UNSET_VAR"),
    ];
    for (args, names) in cases {
        let args: Vec<&str> =
            args.iter().map(|a| if *a == "RECV" { recv.url.as_str() } else { a }).collect();
        let mut cmd = env.command();
        cmd.env("WH_APP", SECRET).args(["webhooks", "replay", "--include-unverified"]).args(&args);
        if !args.contains(&"--secret-env") {
            cmd.args(["--secret-env", "WH_APP"]);
        }
        let r = common::run(&mut cmd);
        assert_ne!(r.code, 0, "{args:?} should fail");
        assert!(r.stderr.contains(names), "{args:?}: {}", r.stderr);
    }
    assert_eq!(recv.count(), 0);
    let ev = env.events();
    assert!(ev.deliveries_of("evt_r000").unwrap().is_empty());
}

#[test]
fn endpoint_create_keeps_the_secret_in_the_keyring_and_delete_forgets_it() {
    let env = Env::new();
    stored_events(&env, 5);
    let recv = Receiver::start(true);
    let script = r#"
        "$BILLCTL" webhooks endpoint create --url https://app.example.com/stripe/webhooks --json > created.json
        "$BILLCTL" webhooks endpoint list --json > listed.json
        WE=$(sed -n 's/.*"id": *"\(we_[^"]*\)".*/\1/p' created.json | head -1)
        "$BILLCTL" webhooks replay --include-unverified --to "$RECV" --json > replay.jsonl
        touch replayed
        n=0; while [ ! -f go ] && [ $n -lt 2400 ]; do sleep 0.05; n=$((n+1)); done
        if "$BILLCTL" webhooks endpoint delete "$WE" < /dev/null; then echo "delete without --yes"; exit 8; fi
        "$BILLCTL" webhooks endpoint delete "$WE" --yes --json > deleted.json
        "$BILLCTL" webhooks endpoint list --json > after.json
        if "$BILLCTL" webhooks replay --include-unverified --to "$RECV" 2> nosecret.txt; then echo "replay without a secret"; exit 9; fi
        echo endpoint-done
    "#;
    // The simulator forgets an endpoint's secret when it is deleted: read it in between.
    let mut secret = String::new();
    let r = std::thread::scope(|s| {
        let run =
            s.spawn(|| common::in_session_keyring(&env, script, true, &[("RECV", &recv.url)]));
        // Wait for the script to reach the point (or to end), however long that takes.
        common::wait_for("the script to replay (or end)", || {
            (env.path("replayed").exists() || run.is_finished()).then_some(())
        });
        {
            let st = env.sim.state();
            if let Some(id) = st.webhook_endpoints.keys().next() {
                secret = st.webhook_secrets[id].clone();
            }
        }
        std::fs::write(env.path("go"), "").unwrap();
        run.join().unwrap()
    });
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("endpoint-done"));
    let created = env.read_json("created.json");
    let id = created["id"].as_str().unwrap().to_string();
    assert!(created.get("secret").is_none(), "the secret is never printed");
    let handled: Vec<&str> = billctl::domain::webhooks::apply::HANDLED.to_vec();
    assert_eq!(created["enabled_events"], serde_json::json!(handled));
    assert_eq!(created["secret_in_keyring"], true);
    let listed = env.read_json("listed.json");
    assert_eq!(listed[0]["id"], id.as_str());
    assert_eq!(listed[0]["secret_in_keyring"], true);

    // The keyring held the secret Stripe issued: replay signed with it.
    assert!(secret.starts_with("whsec_"), "{secret:?}");
    for g in recv.received() {
        let (t, v1) = parts(&g.signature);
        assert_eq!(v1, vec![vetted_sign()(&secret, t, &g.body)]);
    }
    assert_eq!(recv.count(), 5);
    for f in ["created.json", "listed.json", "replay.jsonl", "deleted.json"] {
        assert!(!common::read(&env.path(f)).contains(&secret), "{f} shows the secret");
    }

    // Deleted in Stripe and forgotten locally.
    assert!(!env.sim.state().webhook_endpoints.contains_key(&id));
    assert_eq!(env.read_json("deleted.json")["secret_removed"], true);
    let after = env.read_json("after.json");
    assert_eq!(after, serde_json::json!([]));
    assert!(common::read(&env.path("nosecret.txt")).contains("no webhook secret"));
    let audit = env.json("audit list");
    let actions: Vec<&str> =
        audit.as_array().unwrap().iter().map(|a| a["action"].as_str().unwrap()).collect();
    assert!(actions.contains(&"webhooks.endpoint.create"), "{actions:?}");
    assert!(actions.contains(&"webhooks.endpoint.delete"), "{actions:?}");
}

#[test]
fn a_closed_stdout_stops_a_json_replay_with_exit_0() {
    use std::io::BufRead;
    let env = Env::new();
    let n = 2_000;
    stored_events(&env, n);
    let recv = Receiver::start(false);
    let line = format!(
        "webhooks replay --include-unverified --to {} --secret-env WH_APP --concurrency 1 --json",
        recv.url
    );
    let mut child = env.spawn_with(line, [("WH_APP", SECRET)]);
    // Read one delivery line (an observed point), then close the pipe, like `| head -1`.
    let mut out = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut first = String::new();
    out.read_line(&mut first).unwrap();
    assert!(first.contains("\"event_id\""), "{first}");
    drop(out);
    let done = child.wait_with_output().unwrap();
    assert_eq!(done.status.code(), Some(0), "{}", String::from_utf8_lossy(&done.stderr));
    // It stopped: at most what the pipe's buffer took (64 KiB of ~300-byte lines) was sent
    // after the line that was read, far from all 2,000.
    assert!(recv.count() < n / 4, "{} of {n} were sent after stdout closed", recv.count());
}

/// A keyring that refuses writes (issue 29): without a fallback, `endpoint create` says so,
/// exits 2 and creates nothing in Stripe; with `[webhooks] secret_file = true` the secret goes
/// to a 0600 file in the data dir, the message says so, `endpoint list` shows where, and
/// `replay` signs with it; `delete` forgets it.
#[test]
fn a_keyring_that_refuses_writes_never_loses_an_endpoint_secret() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::new();
    let script = r#"
        rc=0; "$BILLCTL" webhooks endpoint create --url https://app.example.com/hooks 2> refused.txt || rc=$?
        echo $rc > refused.code
    "#;
    let r = common::in_refusing_keyring(&env, script, true, &[]);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert_eq!(common::read(&env.path("refused.code")).trim(), "2");
    let refused = common::read(&env.path("refused.txt"));
    let says = |s: &str| refused.contains(s);
    assert!(
        says("keyring refused") && says("nothing was created") && says("secret_file"),
        "{refused}"
    );
    assert!(env.sim.state().webhook_endpoints.is_empty(), "nothing was created in Stripe");

    stored_events(&env, 2);
    let recv = Receiver::start(true);
    let config = secret_file_config(&env);
    let script = r#"
        "$BILLCTL" --config "$CONFIG" webhooks endpoint create --url https://app.example.com/hooks --json > created.json 2> created.err
        "$BILLCTL" --config "$CONFIG" webhooks endpoint list --json > listed.json
        "$BILLCTL" --config "$CONFIG" webhooks replay --include-unverified --to "$RECV" --json > replay.jsonl
        echo file-done
    "#;
    let vars = [("CONFIG", config.as_str()), ("RECV", recv.url.as_str())];
    let r = common::in_refusing_keyring(&env, script, true, &vars);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let created = env.read_json("created.json");
    let kept = (created["secret_in_keyring"].as_bool(), created["secret_in_file"].as_bool());
    assert_eq!(kept, (Some(false), Some(true)));
    let file = env.data_dir().join("webhook-secrets");
    assert!(common::read(&env.path("created.err")).contains(file.to_str().unwrap()));
    assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    let id = created["id"].as_str().unwrap().to_string();
    let secret = env.sim.state().webhook_secrets[&id].clone();
    assert_eq!(common::read(&file).trim(), format!("{id} {secret}"));
    let listed = env.read_json("listed.json");
    assert_eq!(listed[0]["secret_in_file"], true);
    assert_eq!(recv.count(), 2);
    for g in recv.received() {
        let (t, v1) = parts(&g.signature);
        assert_eq!(v1, vec![vetted_sign()(&secret, t, &g.body)]);
    }
    let deleted = env.json(format!("--config {config} webhooks endpoint delete {id} --yes"));
    assert_eq!(deleted["secret_removed"], true);
    assert!(!file.exists(), "the last secret gone, the file goes");
}

/// `endpoint list` says where each endpoint's signing secret is kept, its table as its JSON
/// does (issue 42: the table said `-` for a secret in the data dir's file while the JSON said
/// `secret_in_file: true`): the keyring, the file, both, or neither. Two endpoints billctl
/// makes (secrets in a real kernel keyring), two made elsewhere; the file holds one of each.
#[test]
fn endpoint_list_says_where_each_secret_is_kept() {
    let env = Env::new();
    let config = secret_file_config(&env);
    let elsewhere = |url: &str| {
        let made = env.stripe_post(
            "/webhook_endpoints",
            &[("url", url), ("enabled_events[]", "invoice.paid")],
        );
        made["id"].as_str().unwrap().to_string()
    };
    let (in_file, nowhere) = (
        elsewhere("https://file.example.com/hooks"),
        elsewhere("https://nowhere.example.com/hooks"),
    );
    let script = r#"
        "$BILLCTL" --config "$CONFIG" webhooks endpoint create --url https://keyring.example.com/hooks --json > keyring.json
        "$BILLCTL" --config "$CONFIG" webhooks endpoint create --url https://both.example.com/hooks --json > both.json
        BOTH=$(grep -o 'we_[A-Za-z0-9]*' both.json | head -n 1)
        umask 077
        mkdir -p "$DATA"
        printf '%s whsec_in_file\n%s whsec_both\n' "$IN_FILE" "$BOTH" >> "$DATA/webhook-secrets"
        "$BILLCTL" --config "$CONFIG" webhooks endpoint list > listed.txt
        "$BILLCTL" --config "$CONFIG" webhooks endpoint list --json > listed.json
    "#;
    let data = env.data_dir().to_str().unwrap().to_string();
    let vars =
        [("CONFIG", config.as_str()), ("DATA", data.as_str()), ("IN_FILE", in_file.as_str())];
    let r = common::in_session_keyring(&env, script, true, &vars);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    let id_in = |name: &str| env.read_json(name)["id"].as_str().unwrap().to_string();
    let (keyring, both) = (id_in("keyring.json"), id_in("both.json"));
    let listed = env.read_json("listed.json");
    let table = common::read(&env.path("listed.txt"));
    let rows = [
        (&keyring, (true, false), "keyring"),
        (&both, (true, true), "keyring, file"),
        (&in_file, (false, true), "file"),
        (&nowhere, (false, false), "-"),
    ];
    for (id, kept, said) in rows {
        let v = listed.as_array().unwrap().iter().find(|e| e["id"] == id.as_str());
        let v = v.unwrap_or_else(|| panic!("{id} in {listed}"));
        let shown =
            (v["secret_in_keyring"].as_bool().unwrap(), v["secret_in_file"].as_bool().unwrap());
        assert_eq!(shown, kept, "{id}: {v}");
        let line = table
            .lines()
            .find(|l| l.contains(id.as_str()))
            .unwrap_or_else(|| panic!("{id} in\n{table}"));
        let last = line.trim_end().trim_end_matches('│').rsplit('┆').next().unwrap();
        assert_eq!(last.trim(), said, "{line}");
    }
}

/// On a terminal, with a keyring that refuses writes and no secret file allowed, `endpoint
/// create` makes the endpoint, shows its secret once with the variable to put it in, and exits
/// 2: the secret is never lost in silence (issue 29). `script` (util-linux) gives the command a
/// pseudo-terminal.
#[test]
fn on_a_terminal_a_refused_secret_is_shown_once_with_its_variable() {
    if std::process::Command::new("script").arg("--version").output().is_err() {
        eprintln!("note: skipped: no 'script' (util-linux) to give the command a terminal");
        return;
    }
    let env = Env::new();
    let script = r#"
        rc=0; script -qec '"$BILLCTL" webhooks endpoint create --url https://app.example.com/hooks' /dev/null > tty.txt || rc=$?
        echo $rc > tty.code
    "#;
    let r = common::in_refusing_keyring(&env, script, true, &[]);
    assert_eq!(r.code, 0, "stdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert_eq!(common::read(&env.path("tty.code")).trim(), "2");
    let shown = common::read(&env.path("tty.txt"));
    let st = env.sim.state();
    let (id, secret) = st.webhook_secrets.iter().next().expect("the endpoint exists");
    assert!(
        shown.contains(&format!("export BILLCTL_WEBHOOK_SECRET='{secret}'"))
            && shown.contains(id.as_str())
            && shown.contains("keyring refused"),
        "{shown}"
    );
    assert_eq!(shown.matches(secret.as_str()).count(), 1, "shown once: {shown}");
}

/// A receiver that answers each delivery as `answer(n)` says (n from 0), raw bytes, and closes.
fn scripted(answer: fn(usize) -> Vec<u8>) -> String {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hooks", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (n, conn) in listener.incoming().enumerate() {
            let Ok(conn) = conn else { continue };
            let mut out = conn.try_clone().unwrap();
            let mut r = BufReader::new(conn);
            let mut len = 0usize;
            loop {
                let mut h = String::new();
                if r.read_line(&mut h).unwrap_or(0) == 0 || h == "\r\n" {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap_or(0);
                }
            }
            let mut body = vec![0; len];
            let _ = r.read_exact(&mut body);
            let _ = out.write_all(&answer(n));
        }
    });
    url
}

/// Replay keeps what the receiver said and its hints work (issue 30): an answer over 64 KiB is
/// kept (its first part, as the excerpt); a 200 cut off after 7 of 1,000 bytes is a failure;
/// the `--resume` hint after an `--include-unverified` run works as printed, and the resumed
/// run keeps `--include-unverified` and `--rate`.
#[test]
fn replay_keeps_long_and_cut_answers_and_its_resume_hint_works() {
    let env = Env::new();
    stored_events(&env, 2);
    let replay = |args: String| replay(&env, args);
    // 100 KB answers: delivered, excerpt kept.
    let long = scripted(|_| {
        let body = "x".repeat(100_000);
        format!(
            "HTTP/1.1 200 OK\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
            body.len()
        )
        .into_bytes()
    });
    let r = replay(format!("--to {long} --include-unverified --json")).ok();
    let lines = lines(&r.stdout);
    let deliveries: Vec<&Value> = lines.iter().filter(|l| l.get("summary").is_none()).collect();
    assert_eq!(deliveries.len(), 2, "{}", r.stdout);
    for d in &deliveries {
        assert_eq!(d["ok"], true, "{d}");
        assert!(d["excerpt"].as_str().unwrap_or_default().starts_with("xxxx"), "{d}");
    }
    // 1,000 bytes announced, 7 sent, then the connection closes: a failure, said so.
    let cut = scripted(|_| {
        b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\nabcdefg".to_vec()
    });
    let r = replay(format!("--to {cut} --include-unverified --rate 50 --json"));
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    let lines = self::lines(&r.stdout);
    let failed: Vec<&Value> = lines.iter().filter(|l| l["ok"] == false).collect();
    assert_eq!(failed.len(), 2, "{}", r.stdout);
    assert!(
        failed[0]["excerpt"].as_str().unwrap().contains("cut off after 7 bytes"),
        "{}",
        failed[0]
    );
    let run = lines.iter().find_map(|l| l["summary"]["run"].as_str()).unwrap().to_string();
    // The hint, as printed for humans, works as given: no --include-unverified needed again.
    let human = replay(format!("--to {cut} --include-unverified"));
    let hint =
        human.stderr.lines().find_map(|l| l.split('\'').nth(1).filter(|c| c.contains("--resume")));
    let hint = hint.unwrap_or_else(|| panic!("no resume hint in {}", human.stderr)).to_string();
    assert!(hint.starts_with("billctl webhooks replay --resume rpl_"), "{hint}");
    let r = replay(format!("--resume {run} --json"));
    assert_eq!(r.code, 1, "resumed, and failed again at the same receiver: {}", r.stderr);
    assert!(!r.stderr.contains("include-unverified"), "{}", r.stderr);
    let ev = env.events();
    let stored = ev.run(&run).unwrap().unwrap();
    assert_eq!((stored.options.include_unverified, stored.options.rate), (true, Some(50.0)));
}

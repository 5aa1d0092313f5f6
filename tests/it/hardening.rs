//! Where the Stripe key may go, replay targets without credentials, and ingested (unverified)
//! events kept from being re-signed.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it reads the simulator's request log.

use crate::common;

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
    cmd.env_remove("BILLCTL_STRIPE_API_BASE")
        .args(common::words(&format!("prices list --config {}", cfg.display())));
    let r = common::run(&mut cmd).code(2);
    assert!(r.stderr.contains("may only name api.stripe.com"), "{}", r.stderr);
    assert_untouched(&l);
    // The environment may point elsewhere (that is how tests reach the simulator), but plain
    // http only to loopback.
    let r = env
        .cmd_with("prices list", [("BILLCTL_STRIPE_API_BASE", "http://stripe.example.com/")])
        .code(2);
    assert!(r.stderr.contains("plain http"), "{}", r.stderr);
    // A live-mode key goes only to api.stripe.com.
    let live = [
        ("BILLCTL_STRIPE_API_BASE", url.as_str()),
        ("BILLCTL_STRIPE_API_KEY", "sk_live_billctltest0000000000000000"),
    ];
    let r = env.cmd_with("prices list", live).code(2);
    assert!(r.stderr.contains("live keys go only to api.stripe.com"), "{}", r.stderr);
    assert_untouched(&l);
    assert!(!r.stderr.contains("billctltest0000"), "the key is not printed");
}

#[test]
fn replay_refuses_credentials_in_the_url_and_unverified_events() {
    let env = Env::new();
    let event = serde_json::json!({"id": "evt_ingested", "object": "event", "type": "charge.succeeded",
        "created": common::now(), "livemode": false, "data": {"object": {"id": "ch_1"}}});
    let event = event.to_string();
    env.cmd_stdin("webhooks ingest -", &event).ok();
    let r = env.cmd("webhooks replay --to http://user:hunter2@127.0.0.1:9/hook --dry-run --include-unverified").code(2);
    assert!(r.stderr.contains("credentials in the URL are refused"), "{}", r.stderr);
    assert!(!r.stderr.contains("hunter2") && !r.stdout.contains("hunter2"), "{}", r.stderr);
    let r = env.cmd("webhooks replay --to http://127.0.0.1:9/hook --dry-run").code(2);
    assert!(
        r.stderr.contains("never verified") && r.stderr.contains("evt_ingested"),
        "{}",
        r.stderr
    );
    let r =
        env.cmd("webhooks replay --to http://127.0.0.1:9/hook --dry-run --include-unverified").ok();
    assert!(r.stdout.contains("would send evt_ingested"), "{}", r.stdout);
}

/// A full API key given where an id is expected is refused, and not echoed.
#[test]
fn a_full_key_where_an_id_belongs_is_refused_without_echo() {
    let env = Env::with_catalog();
    let cus = env.subscribed("echo@example.com", "pro");
    let key = env.key(&cus);
    let secret_tail = &key[key.len() - 12..];
    for args in [
        format!("keys show {key}"),
        format!("keys revoke {key} --yes"),
        format!("keys rotate {key}"),
        format!("usage record --key {key}"),
        format!("usage report --key {key}"),
    ] {
        let r = env.cmd(&args).code(2);
        assert!(r.stderr.contains("whole API key"), "{args:?}: {}", r.stderr);
        assert!(
            !r.stderr.contains(secret_tail) && !r.stdout.contains(secret_tail),
            "{args:?} echoed the key"
        );
    }
    let id = common::key_id(&key);
    assert_eq!(env.json(format!("keys show {id}"))["status"], "active", "nothing was revoked");
}

/// Files billctl writes on request replace whatever was at the path (a planted symlink, a
/// 0666 file) with a new 0600 file, and never write through the link.
#[test]
fn requested_files_are_written_fresh_and_private() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::with_catalog();
    let victim = env.path("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let env_file = env.path("prices.env");
    std::os::unix::fs::symlink(&victim, &env_file).unwrap();
    env.cmd(format!("setup-products --yes -q --write-env {}", env_file.display())).ok();
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me", "the link was not followed");
    let meta = std::fs::symlink_metadata(&env_file).unwrap();
    assert!(meta.file_type().is_file(), "the symlink was replaced by a file");
    assert_eq!(meta.permissions().mode() & 0o777, 0o600);
    assert!(std::fs::read_to_string(&env_file).unwrap().contains("PRICE_PRO="));
    let html = env.path("report.html");
    std::fs::write(&html, "old").unwrap();
    std::fs::set_permissions(&html, std::fs::Permissions::from_mode(0o666)).unwrap();
    env.cmd(format!("usage report --html {}", html.display())).ok();
    assert_eq!(std::fs::metadata(&html).unwrap().permissions().mode() & 0o777, 0o600);
    let entries = std::fs::read_dir(env.path(".")).unwrap().filter_map(|e| e.ok());
    let leftovers: Vec<_> =
        entries.filter(|e| e.file_name().to_string_lossy().starts_with(".billctl-")).collect();
    assert!(leftovers.is_empty(), "no temporary file left behind");
}

/// What is not a regular file is written in place, never replaced (issue 29): a FIFO stays a
/// FIFO and its reader gets the page; `/dev/full` is a write error (exit 2), not "Wrote";
/// `/dev/stdout` and `-` reach standard output and `/dev/stdout` stays the link it was.
#[test]
fn pages_go_into_fifos_devices_and_stdout_in_place() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let env = Env::with_catalog();
    let fifo = env.path("page.fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::from_bits_truncate(0o600)).unwrap();
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut text = String::new();
            std::fs::File::open(&fifo).unwrap().read_to_string(&mut text).unwrap();
            text
        })
    };
    let r = env.cmd(format!("revenue --html {}", fifo.display())).ok();
    assert!(r.stderr.contains("Wrote"), "{}", r.stderr);
    let page = reader.join().unwrap();
    assert!(
        page.to_ascii_lowercase().starts_with("<!doctype html>"),
        "{}",
        &page[..page.len().min(80)]
    );
    assert!(std::fs::symlink_metadata(&fifo).unwrap().file_type().is_fifo(), "still a FIFO");

    let r = env.cmd("dashboard --out /dev/full").code(2);
    assert!(r.stderr.contains("/dev/full") && !r.stderr.contains("Wrote"), "{}", r.stderr);
    assert!(std::fs::metadata("/dev/full").unwrap().file_type().is_char_device());

    let stdout_is_link =
        || std::fs::symlink_metadata("/dev/stdout").is_ok_and(|m| m.file_type().is_symlink());
    let was_link = stdout_is_link();
    let r = env.cmd("usage report --html /dev/stdout");
    let still_link = stdout_is_link();
    if was_link && !still_link {
        // Put the machine's /dev/stdout back before failing.
        let _ = std::fs::remove_file("/dev/stdout");
        let _ = std::os::unix::fs::symlink("/proc/self/fd/1", "/dev/stdout");
        panic!("/dev/stdout was replaced: {}", r.stderr);
    }
    let r = r.ok();
    assert!(r.stdout.to_ascii_lowercase().starts_with("<!doctype html>"), "{}", r.stderr);
    let page = |r: &common::Run| r.stdout.to_ascii_lowercase().starts_with("<!doctype html>");
    let r = env.cmd("dashboard --out -").ok();
    assert!(page(&r) && r.stderr.contains("standard output"), "{}", r.stderr);
    let r = env.cmd("revenue --html -").ok();
    assert!(page(&r) && r.stdout.trim_end().ends_with("</html>"), "only the page: {}", r.stdout);
}

/// `usage import --rejects` never destroys the input (by name, by link or by a second name of
/// the same inode) and never overwrites an existing file without `--force` (issue 29).
#[test]
fn rejects_never_overwrite_the_input_or_an_existing_file() {
    let env = Env::with_catalog();
    let input = env.path("events.ndjson");
    let text = "{\"id\":\"e1\",\"key\":\"nokey123\",\"quantity\":1}\n";
    std::fs::write(&input, text).unwrap();
    let hard = env.path("other-name.ndjson");
    std::fs::hard_link(&input, &hard).unwrap();
    let link = env.path("link.ndjson");
    std::os::unix::fs::symlink(&input, &link).unwrap();
    for rejects in [&input, &hard, &link] {
        let r = env.cmd(format!(
            "usage import {} --skip-invalid --rejects {} --force",
            input.display(),
            rejects.display()
        ));
        let r = r.code(2);
        assert!(r.stderr.contains("is the input file"), "{}", r.stderr);
        assert_eq!(std::fs::read_to_string(&input).unwrap(), text, "the input is intact");
    }
    let rejects = env.path("rejects.jsonl");
    std::fs::write(&rejects, "keep me").unwrap();
    let args =
        format!("usage import {} --skip-invalid --rejects {}", input.display(), rejects.display());
    let r = env.cmd(&args).code(2);
    assert!(r.stderr.contains("already exists") && r.stderr.contains("--force"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(&rejects).unwrap(), "keep me");
    env.cmd(format!("{args} --force")).ok();
    assert!(std::fs::read_to_string(&rejects).unwrap().contains("nokey123"));
}

/// `BILLCTL_STRIPE_RATE` paces every request to Stripe: at 5 per second, a `setup-products`
/// run that sends N requests takes at least (N - 1) × 200 ms (the pacer's slots are 200 ms
/// apart and the first is immediate; a slower machine only takes longer), and a bad value is
/// refused naming the variable.
#[test]
fn stripe_requests_are_paced_by_billctl_stripe_rate() {
    let env = Env::new();
    let started = std::time::Instant::now();
    let run = env.cmd_with("setup-products --yes -q", [("BILLCTL_STRIPE_RATE", "5")]);
    let took = started.elapsed();
    assert_eq!(run.code, 0, "{}", run.stderr);
    let sent = env.sim.requests().len() as u32;
    assert!(sent >= 6, "{sent} requests");
    assert!(
        took >= std::time::Duration::from_millis(200) * (sent - 1),
        "{sent} requests in {took:?}: faster than 5 a second"
    );
    let bad = env.cmd_with("prices list", [("BILLCTL_STRIPE_RATE", "0")]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("BILLCTL_STRIPE_RATE"), "{}", bad.stderr);
}

/// Every `--csv` is RFC 4180 CSV (issue 30): a customer id that came in through `webhooks
/// ingest` as `=HYPERLINK("http://x","y"),"` and a newline stays one field of one record, and
/// a cell a spreadsheet would run as a formula starts with `'`; negative numbers stay numbers.
/// Each output is parsed back with a CSV reader.
#[test]
fn csv_outputs_parse_back_with_one_field_per_column() {
    let env = Env::with_catalog();
    let real = env.subscribed("csv@example.com", "pro");
    let hostile = "=HYPERLINK(\"http://x\",\"y\"),\"\n";
    let mut sub = env.sim_subscription(&real);
    sub["id"] = "sub_csvhostile".into();
    sub["customer"] = hostile.into();
    let event = serde_json::json!({
        "id": "evt_csv", "object": "event", "type": "customer.subscription.created",
        "created": env.sim.now(), "livemode": false,
        "api_version": billctl::adapters::stripe::API_VERSION, "data": {"object": sub}
    });
    env.cmd_stdin("webhooks ingest -", &event.to_string()).ok();
    for args in ["usage report --csv", "revenue --csv", "revenue --by month --csv"] {
        let out = env.cmd(args).ok().stdout;
        let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(out.as_bytes());
        let width = reader.headers().unwrap().len();
        let records: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
        assert!(!records.is_empty(), "{args:?}: {out}");
        for r in &records {
            assert_eq!(r.len(), width, "{args:?}: {r:?} in\n{out}");
            for cell in r.iter() {
                let formula = cell.starts_with(['=', '+', '@', '\t', '\r'])
                    || (cell.starts_with('-') && cell.parse::<f64>().is_err());
                assert!(!formula, "{args:?}: a formula cell {cell:?}");
            }
        }
        if args.starts_with("usage") {
            let cells: Vec<&str> = records.iter().map(|r| &r[0]).collect();
            assert!(cells.contains(&format!("'{hostile}").as_str()), "{cells:?}");
        }
    }
}

/// Nothing from outside controls the terminal (issue 30): ESC[31m, BEL, an OSC 52 clipboard
/// write, CR, U+202E (right-to-left override) and a newline that would forge a line, in a
/// customer's name, email and metadata, an event id and type, and an import line, come out of
/// `customers list` and `show`, `webhooks ingest` and `usage import` escaped; `--json` stays
/// exact.
#[test]
fn outside_text_never_controls_the_terminal() {
    let env = Env::with_catalog();
    let hostile = "a\u{1b}[31mred\u{7}\u{1b}]52;c;cHduZWQ=\u{7}\r\u{202e}gnp.exe";
    let name = format!("Eve {hostile}");
    let email = format!("eve{hostile}@example.com");
    let created = env.stripe_post(
        "/customers",
        &[("name", &name), ("email", &email), ("metadata[note]", hostile)],
    );
    let id = created["id"].as_str().unwrap().to_string();
    env.cmd("subscriptions sync -q").ok();
    let raw = |text: &str| text.contains(['\u{1b}', '\u{7}', '\r', '\u{202e}']);
    let mut seen = Vec::new();
    for args in [&["customers", "list"][..], &["customers", "show", &id][..]] {
        let r = env.run(args).ok();
        assert!(!raw(&r.stdout) && !raw(&r.stderr), "{args:?}: {:?}", r.stdout);
        seen.push(r.stdout);
    }
    assert!(seen.iter().all(|s| s.contains("\\u{1b}")), "{seen:?}");
    let listed = env.cmd("customers list --json").ok().json();
    let mine = listed.as_array().unwrap().iter().find(|c| c["id"] == id.as_str()).unwrap();
    let shown = (mine["name"].as_str(), mine["email"].as_str());
    assert_eq!(shown, (Some(name.as_str()), Some(email.as_str())), "JSON is exact");

    // An event whose id and type are hostile, and that fails to apply: the warning is escaped.
    let event = serde_json::json!({
        "id": format!("evt_{hostile}"), "object": "event",
        "type": "customer.subscription.updated", "created": 1_795_500_000, "livemode": false,
        "api_version": billctl::adapters::stripe::API_VERSION, "data": {"object": {"id": "sub_x", "object": "subscription"}}
    });
    let odd_type = serde_json::json!({
        "id": "evt_oddtype", "object": "event", "type": format!("x.{hostile}"), "created": 1_795_500_001,
        "livemode": false, "data": {"object": {"id": "x"}}
    });
    let r = env.cmd_stdin("webhooks ingest - -vv", &format!("{event}\n{odd_type}\n"));
    assert!(!raw(&r.stdout) && !raw(&r.stderr), "{:?}", r.stderr);
    assert!(r.stderr.contains("evt_a\\u{1b}[31m"), "{}", r.stderr);

    // An import line naming a customer that forges a second error line.
    let forged = format!("cus_{hostile}\nother.ndjson:1: fake");
    let line = serde_json::json!({"id": "i1", "customer": forged, "timestamp": 1_795_500_000, "quantity": 1});
    let file = env.path("events.ndjson");
    std::fs::write(&file, format!("{line}\n")).unwrap();
    let r = env.cmd(format!("usage import {}", file.display())).code(2);
    assert!(!raw(&r.stderr), "{:?}", r.stderr);
    assert!(!r.stderr.lines().any(|l| l.starts_with("other.ndjson")), "{}", r.stderr);
    assert!(r.stderr.contains("\\u{a}other.ndjson:1: fake"), "{}", r.stderr);
}

/// `webhooks ingest` reads bounded input (issue 39's review): an event over 1 MiB is refused
/// by its line, with nothing stored, even beside a good one.
#[test]
fn ingest_refuses_an_oversized_event_and_stores_nothing() {
    let env = Env::new();
    let good = serde_json::json!({"id": "evt_small", "object": "event", "type": "charge.succeeded",
        "created": 1_790_000_000, "livemode": false, "data": {"object": {"id": "ch_1"}}});
    let big = serde_json::json!({"id": "evt_big", "object": "event", "type": "charge.succeeded",
        "created": 1_790_000_000, "livemode": false,
        "data": {"object": {"id": "ch_2", "description": "x".repeat(1 << 20)}}});
    let input = format!("{good}\n{big}\n");
    let r = env.cmd_stdin("webhooks ingest -", &input);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("<stdin>:2: an event of") && r.stderr.contains("nothing stored"),
        "{}",
        r.stderr
    );
    let listed = env.json("webhooks list");
    assert_eq!(listed.as_array().map(Vec::len), Some(0), "{listed}");
}

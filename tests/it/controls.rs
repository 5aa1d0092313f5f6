//! No control character reaches a terminal, whatever the format (issue 42, point 4): `--csv`
//! on a terminal is shown escaped and kept exact in a pipe, `--json` escapes C1 and bidi
//! controls as JSON escapes (exact for a reader), and clap's errors quote a refused value
//! escaped. Each runs billctl with its stdout or stderr on a real pseudo-terminal. Tables fit
//! the terminal's width (issue 43).
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it plants hostile rows in the store and ingests hand-made events.

use crate::common;

use clap::CommandFactory;
use common::{now, Env};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;
use std::process::{Command, Stdio};

/// Outside text with what a terminal obeys: an OSC 52 clipboard write (ESC ... BEL), CSI as
/// the C1 byte U+009B, NEL, a carriage return, and Unicode's bidi controls (U+061C, U+200E,
/// U+200F, U+202A–U+202E, U+2066–U+2069).
const HOSTILE: &str = "x\u{1b}]52;c;SGk=\u{7}\u{9b}2J\u{85}\r\u{61c}\u{200e}\u{200f}\u{202a}\u{202e}\u{2066}\u{2069}gnp";

/// A character no terminal may get raw from data, whatever billctl's own rule says: C0 (but
/// the line feed between lines), DEL, C1, and Unicode's Bidi_Control list (PropList.txt).
fn obeyed(c: char) -> bool {
    (c < ' ' && c != '\n')
        || ('\u{7f}'..='\u{9f}').contains(&c)
        || matches!(c, '\u{61c}' | '\u{200e}' | '\u{200f}' | '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

/// The first raw character a terminal would obey in `bytes`, if any.
fn raw_control(bytes: &[u8]) -> Option<char> {
    String::from_utf8_lossy(bytes).chars().find(|&c| obeyed(c))
}

/// Which of the child's streams is the terminal; the other is a pipe.
#[derive(Clone, Copy)]
enum Tty {
    Stdout,
    Stderr,
}

/// Runs `cmd` with one stream on a pseudo-terminal in raw mode (what billctl writes is what is
/// read: no `\n` made `\r\n`), and `isatty` true for it. Returns the exit code, the bytes the
/// terminal got, and the other stream.
fn on_terminal(cmd: Command, tty: Tty) -> (i32, Vec<u8>, Vec<u8>) {
    on_terminal_sized(cmd, tty, 0)
}

/// As [`on_terminal`], the terminal `columns` wide (its window size set at open; 0: a pty
/// nobody sized).
fn on_terminal_sized(mut cmd: Command, tty: Tty, columns: u16) -> (i32, Vec<u8>, Vec<u8>) {
    use nix::sys::termios::{cfmakeraw, tcgetattr, tcsetattr, SetArg};
    let size = nix::pty::Winsize { ws_row: 40, ws_col: columns, ws_xpixel: 0, ws_ypixel: 0 };
    let pty = nix::pty::openpty((columns > 0).then_some(&size), None).expect("openpty");
    let (master, slave) = (std::fs::File::from(pty.master), std::fs::File::from(pty.slave));
    let mut t = tcgetattr(&slave).expect("tcgetattr on the pty's slave");
    cfmakeraw(&mut t);
    tcsetattr(&slave, SetArg::TCSANOW, &t).expect("tcsetattr on the pty's slave");
    assert!(nix::unistd::isatty(&slave).unwrap());
    // This process keeps a copy of the slave until the child is gone and the master drained:
    // when the last slave closes, Linux may answer the master's read with EIO while output is
    // still queued (a run of this test lost the end of a `--help`).
    let keep = slave.try_clone().unwrap();
    match tty {
        Tty::Stdout => cmd.stdout(Stdio::from(slave)).stderr(Stdio::piped()),
        Tty::Stderr => cmd.stderr(Stdio::from(slave)).stdout(Stdio::piped()),
    };
    let child = cmd.spawn().expect("billctl starts");
    drop(cmd);
    {
        use nix::fcntl::{fcntl, FcntlArg, OFlag};
        let flags = OFlag::from_bits_truncate(fcntl(&master, FcntlArg::F_GETFL).unwrap());
        fcntl(&master, FcntlArg::F_SETFL(flags | OFlag::O_NONBLOCK)).unwrap();
    }
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let (mut master, finished) = (master, done.clone());
    let reader = std::thread::spawn(move || {
        let mut seen = Vec::new();
        let mut buf = [0u8; 8192];
        loop {
            // Read whatever is queued; once the child has exited (everything it wrote is
            // queued by then), the first empty read ends it. The poll's timeout only paces
            // the look at `finished`; no verdict depends on it.
            let exited = finished.load(std::sync::atomic::Ordering::SeqCst);
            match master.read(&mut buf) {
                Ok(n) if n > 0 => seen.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if exited {
                        break;
                    }
                    use nix::poll::{poll, PollFd, PollFlags};
                    use std::os::fd::AsFd;
                    let mut fd = [PollFd::new(master.as_fd(), PollFlags::POLLIN)];
                    let _ = poll(&mut fd, 20u8);
                }
                _ => break,
            }
        }
        seen
    });
    let out = child.wait_with_output().unwrap();
    done.store(true, std::sync::atomic::Ordering::SeqCst);
    let seen = reader.join().unwrap();
    drop(keep);
    let other = match tty {
        Tty::Stdout => out.stderr,
        Tty::Stderr => out.stdout,
    };
    (out.status.code().unwrap_or(-1), seen, other)
}

/// Every command that can run (a leaf, or a group that runs without a subcommand), as its
/// words (`usage report`), with its clap definition.
fn runnable() -> Vec<(String, clap::Command)> {
    fn walk(cmd: &clap::Command, at: &str, out: &mut Vec<(String, clap::Command)>) {
        let subs: Vec<&clap::Command> =
            cmd.get_subcommands().filter(|s| s.get_name() != "help").collect();
        if !at.is_empty() && (subs.is_empty() || !cmd.is_subcommand_required_set()) {
            out.push((at.to_string(), cmd.clone()));
        }
        for s in subs {
            let words = format!("{at} {}", s.get_name());
            walk(s, words.trim(), out);
        }
    }
    let mut out = Vec::new();
    walk(&billctl::cli::Cli::command(), "", &mut out);
    out
}

/// A store with the hostile text everywhere a command can show it: a customer's name, email
/// and metadata (through Stripe), a subscription's customer id and an event's id and type
/// (through `webhooks ingest`), a tier in the revenue history (planted in the store), a key's
/// name, and a usage event's id that two imports disagree about (a conflict).
struct World {
    env: Env,
    customer: String,
    key_id: String,
}

fn world() -> World {
    let env = Env::with_catalog();
    let customer = env.subscribed("ctl@example.com", "pro");
    env.stripe_post(
        &format!("/customers/{customer}"),
        &[("name", HOSTILE), ("metadata[note]", HOSTILE)],
    );
    env.cmd("subscriptions sync -q").ok();
    let mut sub = env.sim_subscription(&customer);
    sub["id"] = "sub_ctlhostile".into();
    sub["customer"] = format!("cus_{HOSTILE}").into();
    let events = [
        serde_json::json!({
            "id": "evt_ctl1", "object": "event", "type": "customer.subscription.created",
            "created": env.sim.now(), "livemode": false,
            "api_version": billctl::adapters::stripe::API_VERSION, "data": {"object": sub}
        }),
        serde_json::json!({
            "id": format!("evt_{HOSTILE}"), "object": "event", "type": format!("x.{HOSTILE}"),
            "created": env.sim.now(), "livemode": false, "data": {"object": {"id": "x"}}
        }),
    ];
    let ndjson: String = events.iter().map(|e| format!("{e}\n")).collect();
    env.cmd_stdin("webhooks ingest - -q", &ndjson);
    let sql = format!("UPDATE subscription_history SET tier = 'pro{HOSTILE}' WHERE subscription_id = 'sub_ctlhostile'");
    env.exec(&sql, false);
    let key = env
        .run(&["keys", "issue", "--customer", &customer, "--name", HOSTILE, "--json"])
        .ok()
        .json();
    let key_id = key["id"].as_str().unwrap().to_string();
    for quantity in [1, 2] {
        let line = serde_json::json!({"id": HOSTILE, "key": key_id, "timestamp": now() - 60, "quantity": quantity});
        env.cmd_stdin("usage import - --format ndjson -q", &format!("{line}\n"));
    }
    World { env, customer, key_id }
}

/// Whether some string in `v` (a key or a value) holds `needle` exactly.
fn holds(v: &Value, needle: &str) -> bool {
    match v {
        Value::String(s) => s.contains(needle),
        Value::Array(items) => items.iter().any(|x| holds(x, needle)),
        Value::Object(map) => map.iter().any(|(k, x)| k.contains(needle) || holds(x, needle)),
        _ => false,
    }
}

/// `--json` of every command: each runnable command is a row, run against the hostile world
/// (its words and arguments, and the exit code it ends with), or says why it is not.
fn json_rows(w: &World) -> BTreeMap<&'static str, Result<(Vec<String>, i32), &'static str>> {
    const WRITES: &str = "changes Stripe or the store and echoes its own arguments and Stripe's ids; its JSON goes through the same writer (the guard below)";
    const NO_TEXT: &str = "prints no outside text: counts, settings, checks or files";
    const SERVICE: &str =
        "a service or a stream of deliveries: its log lines are the same writer's JSON Lines";
    let run = |args: &[&str], code: i32| Ok((args.iter().map(|a| a.to_string()).collect(), code));
    let c = w.customer.as_str();
    BTreeMap::from([
        ("audit list", Err("its rows name commands, ids and Stripe's answers, written by billctl")),
        ("auth login", Err(WRITES)),
        ("auth logout", Err(WRITES)),
        ("auth status", Err(NO_TEXT)),
        ("checkout create", Err(WRITES)),
        ("completions", Err("prints a shell script, not JSON")),
        ("customers create", Err(WRITES)),
        ("customers list", run(&["customers", "list"], 0)),
        ("customers show", run(&["customers", "show", c], 0)),
        ("customers update", Err(WRITES)),
        ("dashboard", run(&["dashboard"], 0)),
        ("db backup", Err(NO_TEXT)),
        ("db copy", Err(NO_TEXT)),
        ("db migrate", Err(NO_TEXT)),
        ("db restore", Err(NO_TEXT)),
        ("db status", Err(NO_TEXT)),
        ("doctor", Err(NO_TEXT)),
        ("invoices list", Err("Stripe's invoice ids, amounts and states, and the customer's id")),
        ("invoices pay", Err(WRITES)),
        ("invoices send", Err(WRITES)),
        ("invoices show", Err("an invoice's ids and amounts, as `invoices list` shows them")),
        ("invoices void", Err(WRITES)),
        ("keys issue", Err(WRITES)),
        ("keys list", run(&["keys", "list"], 0)),
        ("keys revoke", Err(WRITES)),
        ("keys rotate", Err(WRITES)),
        ("keys show", run(&["keys", "show", &w.key_id], 0)),
        ("keys verify", Err("a verdict on a key read from stdin: codes, ids and numbers")),
        ("payment-methods attach", Err(WRITES)),
        ("payment-methods default", Err(WRITES)),
        ("payment-methods detach", Err(WRITES)),
        ("payment-methods list", Err("card brands, last four digits and expiry dates from Stripe")),
        ("portal create", Err(WRITES)),
        ("prices check", Err(NO_TEXT)),
        ("prices list", Err("the catalog from the config and Stripe's price ids")),
        ("revenue", run(&["revenue"], 0)),
        ("serve", Err(SERVICE)),
        ("serve tokens issue", Err(WRITES)),
        ("serve tokens list", Err("the tokens' names given by the operator on the command line")),
        ("serve tokens revoke", Err(WRITES)),
        ("setup-products", Err(WRITES)),
        ("subscriptions cancel", Err(WRITES)),
        ("subscriptions change", Err(WRITES)),
        ("subscriptions create", Err(WRITES)),
        ("subscriptions list", Err("Stripe's subscriptions: ids, states, prices and dates")),
        ("subscriptions resume", Err(WRITES)),
        (
            "subscriptions show",
            Err("a subscription as Stripe has it: ids, states, prices and dates"),
        ),
        ("subscriptions sync", Err(WRITES)),
        ("usage alerts", run(&["usage", "alerts", "--threshold", "0"], 1)),
        ("usage compact", Err(WRITES)),
        ("usage conflicts", run(&["usage", "conflicts"], 1)),
        ("usage import", Err(WRITES)),
        ("usage reconcile", Err(NO_TEXT)),
        ("usage record", Err(WRITES)),
        ("usage report", run(&["usage", "report"], 0)),
        ("usage sync", Err(WRITES)),
        ("webhooks backfill", Err(WRITES)),
        ("webhooks endpoint create", Err(WRITES)),
        ("webhooks endpoint delete", Err(WRITES)),
        ("webhooks endpoint list", Err("endpoints' URLs and event types, set by the operator")),
        ("webhooks ingest", Err(WRITES)),
        ("webhooks list", run(&["webhooks", "list"], 0)),
        ("webhooks listen", Err(SERVICE)),
        ("webhooks replay", Err(SERVICE)),
        ("webhooks reprocess", Err(WRITES)),
        ("webhooks show", run(&["webhooks", "show", &format!("evt_{HOSTILE}")], 0)),
        ("webhooks verify", Err("a verdict on a signature: codes and numbers")),
    ])
}

/// `--json` on a terminal (issue 42): every command that shows outside text prints it with
/// C0, C1 and bidi controls as JSON escapes (`\u009b`), so the terminal gets none raw; the
/// same command into a pipe prints the very same bytes, and the document reads back to the
/// exact hostile value. One row per runnable command (clap's tree): a new command fails here
/// until it has a row.
#[test]
fn json_never_sends_a_control_to_the_terminal_and_stays_exact() {
    let w = world();
    let rows = json_rows(&w);
    let commands: BTreeSet<String> = runnable().into_iter().map(|(words, _)| words).collect();
    let listed: BTreeSet<String> = rows.keys().map(|k| k.to_string()).collect();
    assert_eq!(commands, listed, "every runnable command has a row, and no row is stale");
    // One clock for both runs of a command, so that what says "now" is the same.
    w.env.set_now(now());
    let mut ran = 0;
    for (what, row) in &rows {
        let Ok((args, code)) = row else { continue };
        let mut cmd = w.env.command();
        cmd.args(args).arg("--json");
        let (got, tty, stderr) = on_terminal(cmd, Tty::Stdout);
        let stderr = String::from_utf8_lossy(&stderr);
        assert_eq!(got, *code, "{what}: {stderr}");
        assert_eq!(raw_control(&tty), None, "{what}: {}", String::from_utf8_lossy(&tty));
        assert_eq!(raw_control(stderr.as_bytes()), None, "{what}: {stderr}");
        assert!(
            String::from_utf8_lossy(&tty).contains("\\u009b"),
            "{what}: no escaped C1 in {}",
            String::from_utf8_lossy(&tty)
        );
        let piped = w.env.command().args(args).arg("--json").output().unwrap();
        assert!(piped.stdout == tty, "{what}: a pipe gets other JSON than a terminal");
        let doc: Value = serde_json::from_slice(&tty).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(holds(&doc, HOSTILE), "{what}: the hostile text is not read back exactly");
        ran += 1;
    }
    assert!(ran >= 10, "{ran} commands ran");
}

/// Where billctl writes JSON text: each call of serde_json's writers in `src/` is in a file
/// listed here, with what it writes; what a person may see goes through `text::json_text`.
/// A new writer fails here until it is listed (or uses the one writer).
#[test]
fn json_for_people_has_one_writer() {
    let allowed: BTreeMap<&str, &str> = BTreeMap::from([
        ("src/util/text.rs", "the one writer"),
        ("src/domain/catalog/mod.rs", "a fingerprint of the desired catalog, hashed"),
        ("src/adapters/stripe/catalog.rs", "metadata values sent to Stripe"),
        ("src/api/cloudevents.rs", "an HTTP request body (OpenMeter's batch)"),
        ("src/ops/webhooks/intake.rs", "an event's body as signed and sent to a receiver"),
        ("src/ops/customers.rs", "an audit row's detail, stored"),
        ("src/adapters/store/backup.rs", "a backup's manifest file"),
        ("src/adapters/store/restore.rs", "a backup's manifest file"),
        ("src/adapters/store/webhooks/mod.rs", "a replay run's selection, stored"),
        ("src/adapters/store/catalog.rs", "catalog notes, stored"),
        ("src/adapters/store/swap.rs", "a swap's intent file"),
        ("src/domain/webhooks/conflict.rs", "an event's canonical bytes, compared"),
    ]);
    let writers = ["serde_json::to_string", "serde_json::to_vec", "serde_json::to_writer"];
    let mut found = BTreeSet::new();
    let mut stack = vec![std::path::PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/src"))];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap_or_default();
            // Unit tests may compare with serde_json's own text.
            let code = text.split("#[cfg(test)]").next().unwrap_or("");
            if writers.iter().any(|w| code.contains(w)) {
                let rel = path.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
                found.insert(rel.to_str().unwrap().to_string());
            }
        }
    }
    let unlisted: Vec<&String> =
        found.iter().filter(|f| !allowed.contains_key(f.as_str())).collect();
    assert!(unlisted.is_empty(), "JSON written outside text::json_text: {unlisted:?}");
    assert!(found.len() >= 8, "the scan found {found:?}");
}

/// Every `--csv` (issue 42): on a terminal, a hostile customer id (an OSC 52 clipboard write,
/// CSI as C1, bidi controls) and tier are shown escaped, each record still has the header's
/// number of fields and no cell is a formula; into a pipe the same command writes the exact
/// data, which reads back to the hostile text. One row per command with `--csv` (clap's tree).
#[test]
fn csv_is_escaped_on_a_terminal_and_exact_in_a_pipe() {
    let w = world();
    let rows: BTreeMap<&str, (Vec<&str>, String)> = BTreeMap::from([
        ("usage report", (vec!["usage", "report", "--csv"], format!("cus_{HOSTILE}"))),
        ("revenue", (vec!["revenue", "--csv"], format!("pro{HOSTILE}"))),
    ]);
    let with_csv: BTreeSet<String> = runnable()
        .into_iter()
        .filter(|(_, c)| c.get_arguments().any(|a| a.get_long() == Some("csv")))
        .map(|(words, _)| words)
        .collect();
    assert_eq!(with_csv, rows.keys().map(|k| k.to_string()).collect(), "a row per --csv command");
    for (what, (args, planted)) in &rows {
        let mut cmd = w.env.command();
        cmd.args(args);
        let (code, tty, stderr) = on_terminal(cmd, Tty::Stdout);
        assert_eq!(code, 0, "{what}: {}", String::from_utf8_lossy(&stderr));
        let shown = String::from_utf8(tty).unwrap();
        assert_eq!(raw_control(shown.as_bytes()), None, "{what}: {shown:?}");
        assert!(shown.contains("\\u{1b}]52;c;SGk=\\u{7}\\u{9b}2J"), "{what}: {shown}");
        check_records(what, &shown);
        let piped = w.env.run(args).ok();
        assert!(piped.stdout.contains(planted.as_str()), "{what}: a pipe gets the data exact");
        let cells = check_records(what, &piped.stdout);
        assert!(cells.iter().any(|c| c == planted), "{what}: {cells:?}");
    }
}

/// Reads `text` as CSV: every record as wide as the header, no cell a formula; its cells.
fn check_records(what: &str, text: &str) -> Vec<String> {
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let width = reader.headers().unwrap().len();
    let mut cells = Vec::new();
    for r in reader.records() {
        let r = r.unwrap_or_else(|e| panic!("{what}: {e}"));
        assert_eq!(r.len(), width, "{what}: {r:?}");
        for cell in r.iter() {
            let formula = cell.starts_with(['=', '+', '@', '\t', '\r'])
                || (cell.starts_with('-') && cell.parse::<f64>().is_err());
            assert!(!formula, "{what}: a formula cell {cell:?}");
            cells.push(cell.to_string());
        }
    }
    assert!(!cells.is_empty(), "{what}: no records");
    cells
}

/// A value clap refuses, as the example: `--grace $'1\e]52;c;SGk=\a'`, with CSI as C1
/// and a bidi override.
const REFUSED: &str = "1\u{1b}]52;c;SGk=\u{7}\u{9b}2J\u{202e}";

/// clap's errors (issue 42): every argument whose value parser refuses `REFUSED` (clap's tree,
/// each option and positional of every command) is refused with exit 2 and its value quoted
/// escaped on the terminal, never raw.
#[test]
fn a_refused_value_is_quoted_escaped_on_the_terminal() {
    let env = Env::new();
    let mut refused = Vec::new();
    for (words, cmd) in runnable() {
        for arg in cmd.get_arguments() {
            let takes_value = arg.get_num_args().is_some_and(|n| n.takes_values())
                || matches!(arg.get_action(), clap::ArgAction::Set | clap::ArgAction::Append);
            if !takes_value || arg.is_hide_set() {
                continue;
            }
            let mut args: Vec<String> = words.split(' ').map(String::from).collect();
            match (arg.get_long(), arg.get_index()) {
                (Some(long), _) => args.extend([format!("--{long}"), REFUSED.into()]),
                (None, Some(1)) => args.push(REFUSED.into()),
                // A later positional follows others whose values it cannot choose.
                _ => continue,
            }
            let mut full = vec!["billctl".to_string()];
            full.extend(args.iter().cloned());
            let parsed = billctl::cli::Cli::command().try_get_matches_from(&full);
            if let Err(e) = parsed {
                if matches!(
                    e.kind(),
                    clap::error::ErrorKind::ValueValidation | clap::error::ErrorKind::InvalidValue
                ) {
                    refused.push((format!("{words} {}", arg.get_id()), args));
                }
            }
        }
    }
    assert!(refused.len() >= 20, "only {} value parsers refused: {refused:?}", refused.len());
    eprintln!("{} value parsers refuse the value", refused.len());
    for (what, args) in &refused {
        let mut cmd = env.command();
        cmd.args(args);
        let (code, tty, stdout) = on_terminal(cmd, Tty::Stderr);
        let shown = String::from_utf8_lossy(&tty);
        assert_eq!(code, 2, "{what}: {shown}");
        assert!(stdout.is_empty(), "{what}");
        assert_eq!(raw_control(&tty), None, "{what}: {shown:?}");
        assert!(shown.contains("1\\u{1b}]52;c;SGk=\\u{7}\\u{9b}2J\\u{202e}"), "{what}: {shown}");
    }
}

/// The HTML pages (issue 42, point 2): the hostile customer id, name and tier are shown with
/// their C0 and C1 controls and bidi controls escaped (`\u{1b}`, `\u{9b}`, `\u{202e}`), as a
/// table shows them, never dropped or raw. One row per command that writes a page (an option
/// named `--html`, or the dashboard's `--out`).
#[test]
fn html_pages_show_controls_escaped_as_the_terminal_does() {
    let w = world();
    let escaped = "x\\u{1b}]52;c;SGk=\\u{7}\\u{9b}2J\\u{85}\\u{d}\\u{61c}\\u{200e}\\u{200f}\\u{202a}\\u{202e}\\u{2066}\\u{2069}gnp";
    let rows: BTreeMap<&str, (&[&str], &str)> = BTreeMap::from([
        ("dashboard", (&["dashboard", "--out"][..], "name")),
        ("revenue", (&["revenue", "--html"][..], "tier")),
        ("usage report", (&["usage", "report", "--html"][..], "customer id")),
    ]);
    let pages: BTreeSet<String> = runnable()
        .into_iter()
        .filter(|(words, c)| {
            c.get_arguments().any(|a| a.get_long() == Some("html"))
                || (words == "dashboard" && c.get_arguments().any(|a| a.get_long() == Some("out")))
        })
        .map(|(words, _)| words)
        .collect();
    assert_eq!(pages, rows.keys().map(|k| k.to_string()).collect(), "a row per page");
    for (what, (args, planted)) in &rows {
        let file = w.env.path(&format!("{}.html", what.replace(' ', "_")));
        let mut all = args.to_vec();
        all.push(file.to_str().unwrap());
        w.env.run(&all).ok();
        let page = common::read(&file);
        assert_eq!(raw_control(page.as_bytes()), None, "{what}");
        assert!(page.contains(escaped), "{what}: the {planted} is not shown escaped");
    }
}

/// `serve`'s JSON bodies go through the same writer: a key's name holding the hostile text
/// comes back over HTTP with no control or bidi character raw (a `curl` to a terminal shows
/// it escaped), and the document parses back to the exact name. The other two body writers
/// (verify's answer, and a refusal quoting what was sent) are held to the same: no raw
/// character on the wire.
#[test]
fn serve_bodies_never_send_a_control_raw_and_stay_exact() {
    let w = world();
    let token = crate::serve::token(&w.env, "ctl", "verify,self-service");
    let key = w
        .env
        .cmd(format!("keys issue --customer {} -q", w.customer))
        .ok()
        .stdout
        .trim()
        .to_string();
    let serve = crate::serve::Serve::start(&w.env, &[]);
    let keys = serve.get(&format!("/v1/customers/{}/keys", w.customer), &token);
    assert_eq!(keys.status, 200, "{}", keys.body);
    let verified = serve.verify(&token, &key, None);
    assert_eq!(verified.status, 200, "{}", verified.body);
    let refused = serve.post(
        &format!("/v1/customers/{}/keys", w.customer),
        &token,
        &serde_json::json!({ "name": "ok", "expires_in": HOSTILE }),
    );
    assert_eq!(refused.status, 400, "{}", refused.body);
    for (what, answer) in [("keys", &keys), ("verify", &verified), ("refusal", &refused)] {
        assert_eq!(raw_control(answer.body.as_bytes()), None, "{what}: {}", answer.body);
    }
    assert!(holds(&keys.json(), HOSTILE), "the key's name, exact: {}", keys.body);
    assert_eq!(refused.json()["code"], "INVALID_FIELD", "{}", refused.body);
    assert!(
        refused.json()["error"].as_str().unwrap().contains("2J"),
        "the refusal quotes what was sent: {}",
        refused.body
    );
}

/// `--help` shows the environment variables a global option reads, with their values
/// (`[env: BILLCTL_DATA_DIR=/srv/billctl]`). A value holding what a terminal obeys is not
/// shown (`[env: BILLCTL_DATA_DIR]`), for every command and every such variable (a hostile
/// review: the OSC 52 write of a hostile BILLCTL_DATA_DIR reached the terminal raw); a plain
/// value is still shown.
#[test]
fn help_never_shows_an_environment_value_raw() {
    let env = Env::new();
    let vars: Vec<String> = billctl::cli::Cli::command()
        .get_arguments()
        .filter_map(|a| a.get_env().and_then(|v| v.to_str()).map(String::from))
        .collect();
    assert_eq!(
        vars,
        ["BILLCTL_CONFIG", "BILLCTL_DATA_DIR", "BILLCTL_PROFILE"],
        "a row per variable clap shows in --help"
    );
    let commands = runnable();
    assert!(commands.len() > 40, "{}", commands.len());
    for (words, _) in &commands {
        for var in &vars {
            let mut cmd = env.command();
            cmd.args(words.split(' ')).arg("--help").env(var, HOSTILE);
            let (code, tty, _) = on_terminal(cmd, Tty::Stdout);
            let shown = String::from_utf8_lossy(&tty);
            assert_eq!(code, 0, "{words} --help: {shown}");
            assert_eq!(raw_control(&tty), None, "{words} --help with {var}: {shown}");
            // clap wraps help to the terminal's width: compare with runs of spaces as one.
            let flat = shown.split_whitespace().collect::<Vec<_>>().join(" ");
            assert!(flat.contains(&format!("[env: {var}]")), "{words}: {shown}");
        }
    }
    let mut cmd = env.command();
    cmd.args(["usage", "report", "--help"]).env("BILLCTL_PROFILE", "ops");
    let (_, tty, _) = on_terminal(cmd, Tty::Stdout);
    let flat = String::from_utf8_lossy(&tty).split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("[env: BILLCTL_PROFILE=ops]"), "a plain value is shown: {flat}");
}

/// Text of the config that billctl sends to Stripe (which shows it to customers) is refused
/// when it holds a control or bidi character, naming the key and its line, and the store and
/// Stripe stay untouched: a row per such field (a hostile review: a tier name with an OSC 52
/// write was accepted and would have been sent).
#[test]
fn config_text_sent_to_stripe_holds_no_control() {
    let env = Env::new();
    let base = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/config/billctl.toml"))
        .unwrap()
        + "\n[portal]\nreturn_url = \"https://example.com/account\"\n\n[meter]\nevent_name = \"api_calls\"\ndisplay_name = \"API calls\"\n";
    let esc = "\\u001b]52;c;SGk=\\u0007";
    const URL: &str = "without spaces or control characters";
    const TEXT: &str = "text sent to Stripe must not";
    let url_rows: [(&str, &str, String); 3] = [
        (
            "checkout.success_url",
            "success_url = \"https://example.com/billing/success",
            format!("success_url = \"https://example.com/{esc}billing/success"),
        ),
        (
            "checkout.cancel_url",
            "cancel_url = \"https://example.com/billing/cancel\"",
            "cancel_url = \"https://example.com/\\u202ebilling/cancel\"".to_string(),
        ),
        (
            "portal.return_url",
            "return_url = \"https://example.com/account\"",
            format!("return_url = \"https://example.com/{esc}\""),
        ),
    ];
    let rows: [(&str, &str, String); 8] = [
        (
            "meter.display_name",
            "display_name = \"API calls\"",
            format!("display_name = \"API {esc}calls\""),
        ),
        ("tiers.pro.name", "name = \"Pro\"", format!("name = \"Pro{esc}\"")),
        (
            "tiers.pro.description",
            "description = \"10,000 API calls a month",
            format!("description = \"{esc}10,000 API calls a month"),
        ),
        ("tiers.pro.features[1]", "\"All systems\"", "\"All\\u202esystems\"".to_string()),
        (
            "tiers.pro.metadata.support",
            "metadata = { support = \"email\" }",
            format!("metadata = {{ support = \"e{esc}\" }}"),
        ),
        (
            "tiers.pro.metadata.s\\u{9b}",
            "metadata = { support = \"email\" }",
            "metadata = { \"s\\u009b\" = \"email\" }".to_string(),
        ),
        (
            "tiers.pro.price.lookup_key",
            "lookup_key = \"pro_monthly\"",
            format!("lookup_key = \"pro{esc}\""),
        ),
        (
            "tiers.pro.price.nickname",
            "lookup_key = \"pro_monthly\"",
            format!("lookup_key = \"pro_monthly\"\nnickname = \"P{esc}\""),
        ),
    ];
    let all = rows
        .iter()
        .map(|(k, f, t)| (k, f, t, TEXT))
        .chain(url_rows.iter().map(|(k, f, t)| (k, f, t, URL)));
    for (key, from, to, says) in all {
        assert!(base.contains(from), "{key}: {from}");
        let cfg = env.config(&base.replacen(from, to, 1));
        let mut cmd = env.command();
        cmd.args(["--config", cfg.to_str().unwrap(), "setup-products", "--plan"]);
        let (code, tty, stdout) = on_terminal(cmd, Tty::Stderr);
        let shown = String::from_utf8_lossy(&tty);
        assert_eq!((code, stdout.is_empty()), (2, true), "{key}: {shown}");
        assert_eq!(raw_control(&tty), None, "{key}: {shown}");
        assert!(shown.contains(key) && shown.contains(says), "{key}: {shown}");
    }
    // The portal's return URL given as a flag.
    let mut cmd = env.command();
    cmd.args([
        "portal",
        "create",
        "--customer",
        "cus_x",
        "--return-url",
        "https://example.com/\u{1b}]52;c;SGk=\u{7}",
    ]);
    let (code, tty, _) = on_terminal(cmd, Tty::Stderr);
    let shown = String::from_utf8_lossy(&tty);
    assert_eq!(code, 2, "{shown}");
    assert!(shown.contains("--return-url"), "{shown}");
    assert_eq!(raw_control(&tty), None, "{shown}");
    assert!(env.sim.state().products.is_empty(), "nothing was sent to Stripe");
}

/// Tables fit the terminal (issue 43, point 6): billctl asks the terminal its width (bash does
/// not export `$COLUMNS`); `$COLUMNS` overrides it, as for `ls` and git; a pipe gets the
/// table at its natural width.
#[test]
fn tables_fit_the_terminal_they_are_shown_on() {
    let env = Env::new();
    let name = "A Customer Whose Name Runs On Well Past Any Narrow Terminal Window, Inc.";
    env.cmd(format!("customers create --email wide@example.com --name '{name}'")).ok();
    let widest = |text: &str| text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let piped = env.cmd("customers list").ok();
    assert!(piped.stdout.contains(name), "{}", piped.stdout);
    let natural = widest(&piped.stdout);
    assert!(natural > 110, "the table is {natural} wide: {}", piped.stdout);
    for (columns, env_columns, fits) in [(60u16, None, 60), (90, None, 90), (60, Some("100"), 100)]
    {
        let mut cmd = env.command();
        cmd.args(["customers", "list"]);
        if let Some(c) = env_columns {
            cmd.env("COLUMNS", c);
        }
        let (code, tty, stderr) = on_terminal_sized(cmd, Tty::Stdout, columns);
        assert_eq!(code, 0, "{}", String::from_utf8_lossy(&stderr));
        let shown = String::from_utf8(tty).unwrap();
        let wide = widest(&shown);
        assert!(
            wide <= fits && wide > fits - 10,
            "{columns} columns, COLUMNS={env_columns:?}: {wide} wide\n{shown}"
        );
        // Every word of the name is still there, wrapped.
        for word in name.split(' ') {
            assert!(shown.contains(word), "{word}: {shown}");
        }
    }
}

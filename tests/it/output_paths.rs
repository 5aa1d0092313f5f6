//! Paths on the command line: every argument that names a file or directory (clap's own
//! grammar, walked) has a row here saying whether billctl reads or writes it, and every one it
//! writes is refused, before any work, when it names one of the store's files (issue 40).
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it reads the simulator's request log.

use crate::common;

use common::{Env, Run};
use std::collections::BTreeSet;
use std::io::{BufRead, Read};

/// What billctl does with a path argument.
enum Kind {
    /// Writes it: the command line that writes `path`, given the environment.
    Output(fn(&Env, &str) -> String),
    /// Only reads it, or it is no file billctl makes (the data dir, a URL path).
    NotWritten(&'static str),
}

/// One row per path argument, keyed `billctl SUBCOMMAND... --flag` (positionals by their value
/// name).
fn rows() -> Vec<(&'static str, Kind)> {
    use Kind::*;
    vec![
        ("billctl --config", NotWritten("the config file: read")),
        ("billctl --data-dir", NotWritten("the data dir itself")),
        ("billctl dashboard --out", Output(|_, p| format!("dashboard --out {p}"))),
        ("billctl revenue --html", Output(|_, p| format!("revenue --html {p}"))),
        ("billctl usage report --html", Output(|_, p| format!("usage report --html {p}"))),
        (
            "billctl usage import --rejects",
            Output(|env, p| {
                let input = env.path("bad.ndjson");
                format!("usage import {} --skip-invalid --force --rejects {p}", input.display())
            }),
        ),
        ("billctl usage import FILE", NotWritten("the events: read")),
        (
            "billctl setup-products --write-env",
            Output(|_, p| format!("setup-products --yes --write-env {p}")),
        ),
        ("billctl completions --man", Output(|_, p| format!("completions --man {p}"))),
        ("billctl serve --listen", Output(|_, p| format!("serve --listen unix:{p}"))),
        ("billctl serve --tls-cert", NotWritten("read")),
        ("billctl serve --tls-key", NotWritten("read")),
        ("billctl prices check --expect", NotWritten("read")),
        ("billctl webhooks ingest FILE", NotWritten("read")),
        ("billctl webhooks listen --tls-cert", NotWritten("read")),
        ("billctl webhooks listen --tls-key", NotWritten("read")),
        ("billctl webhooks listen --path", NotWritten("a URL path")),
        ("billctl webhooks listen --metrics-path", NotWritten("a URL path")),
        ("billctl db restore DIR", NotWritten("a backup: read")),
        ("billctl db backup DIR", Output(|_, p| format!("db backup {p} --force --yes"))),
    ]
}

/// Every argument of the grammar that is a `PathBuf`, or whose value name says it is a file,
/// a directory or a path (`FILE`, `DIR`, `unix:PATH`).
fn path_arguments() -> BTreeSet<String> {
    use clap::CommandFactory;
    fn walk(cmd: &clap::Command, at: &str, out: &mut BTreeSet<String>) {
        for arg in cmd.get_arguments() {
            let typed =
                arg.get_value_parser().type_id() == std::any::TypeId::of::<std::path::PathBuf>();
            let id = arg.get_id().as_str().to_uppercase();
            let value_names: Vec<String> = match arg.get_value_names() {
                Some(names) => names.iter().map(|n| n.to_string()).collect(),
                None => vec![id.clone()],
            };
            let named =
                value_names.iter().any(|n| ["FILE", "DIR", "PATH"].iter().any(|w| n.contains(w)));
            if typed || named {
                let name = match arg.get_long() {
                    Some(long) => format!("--{long}"),
                    None => value_names.first().cloned().unwrap_or(id),
                };
                out.insert(format!("{at} {name}"));
            }
        }
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            walk(sub, &format!("{at} {}", sub.get_name()), out);
        }
    }
    let mut out = BTreeSet::new();
    walk(&billctl::cli::Cli::command(), "billctl", &mut out);
    out
}

/// The store's row counts as `db status --json` gives them (it must still open).
fn status(env: &Env) -> serde_json::Value {
    let s = env.cmd("db status --json").ok().json();
    serde_json::json!([s["store"]["tables"], s["webhooks"]["tables"]])
}

/// Runs `args` and returns how it ended, or, if it prints a line on stdout first (a refused
/// command prints none; `serve` prints its address when it did not refuse), stops it there
/// and returns that line with exit -1.
fn run_until_first_line(env: &Env, line: &str) -> Run {
    let mut child = env.spawn(line);
    let mut stderr = child.stderr.take().unwrap();
    let errs = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let mut line = String::new();
    let _ = std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line);
    if !line.is_empty() {
        let _ = child.kill();
    }
    let status = child.wait().unwrap();
    Run {
        code: if line.is_empty() { status.code().unwrap_or(-1) } else { -1 },
        stdout: line,
        stderr: errs.join().unwrap(),
    }
}

/// An environment with something in both databases: the catalog mirror, and one webhook
/// event; a usage file with an invalid line; a pre-restore copy.
fn store_with_data() -> Env {
    let env = Env::with_catalog();
    let event = env.file("evt.json", common::tests2::customer_updated("evt_out1"));
    env.cmd(format!("webhooks ingest {} -q", event.display())).ok();
    env.file("bad.ndjson", "{\"id\":\"e1\",\"key\":\"nokey123\"}\n");
    let copy = env.data_dir().join("pre-restore-20261206T000000Z");
    std::fs::create_dir(&copy).unwrap();
    std::fs::copy(env.data_dir().join("billctl.db"), copy.join("billctl.db")).unwrap();
    std::fs::create_dir(env.path("elsewhere")).unwrap();
    env
}

/// The paths that name a store file: by name (present, absent, present while another
/// connection holds it), by hard link, by symlink, and inside a pre-restore copy.
fn hostile_paths(env: &Env) -> Vec<(&'static str, std::path::PathBuf)> {
    let data = env.data_dir();
    let hard = env.path("elsewhere/hard.html");
    let link = env.path("elsewhere/link.html");
    if !hard.exists() {
        std::fs::hard_link(data.join("billctl.db"), &hard).unwrap();
        std::os::unix::fs::symlink(data.join("webhooks.db"), &link).unwrap();
    }
    vec![
        ("the database", data.join("billctl.db")),
        ("an absent sidecar", data.join("billctl.db-journal")),
        ("a present sidecar", data.join("webhooks.db-wal")),
        ("a hard link of billctl.db", hard),
        ("a symlink to webhooks.db", link),
        ("a file in a pre-restore copy", data.join("pre-restore-20261206T000000Z/billctl.db")),
    ]
}

/// Every path argument has a row; every output is refused on every name of a store file,
/// with exit 2, the flag named, nothing sent to Stripe, and the store as it was.
#[test]
fn every_output_path_refuses_the_stores_files() {
    let listed: BTreeSet<String> = rows().iter().map(|(k, _)| k.to_string()).collect();
    for (key, kind) in rows() {
        if let Kind::NotWritten(why) = kind {
            assert!(!why.is_empty(), "{key}: say why it is not checked here");
        }
    }
    let found = path_arguments();
    let missing: Vec<_> = found.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&found).collect();
    assert!(
        missing.is_empty() && stale.is_empty(),
        "path arguments without a row (add one: does billctl write it?): {missing:?}; rows for no argument: {stale:?}"
    );
    if common::sqlite_only() {
        return;
    }
    let env = store_with_data();
    let before = status(&env);
    let copy = env.data_dir().join("pre-restore-20261206T000000Z/billctl.db");
    let copy_bytes = std::fs::read(&copy).unwrap();
    let mut checked = 0;
    for (key, kind) in rows() {
        let Kind::Output(argv) = kind else {
            continue;
        };
        let flag = key.rsplit(' ').next().unwrap();
        for (what, path) in hostile_paths(&env) {
            let wal = env.data_dir().join("webhooks.db-wal");
            let holder = (what == "a present sidecar").then(|| {
                let c = rusqlite::Connection::open(env.data_dir().join("webhooks.db")).unwrap();
                c.query_row("SELECT count(*) FROM sqlite_schema", [], |r| r.get::<_, i64>(0))
                    .unwrap();
                assert!(wal.exists(), "an open reader keeps the WAL file");
                c
            });
            if what == "an absent sidecar" {
                assert!(!path.exists(), "no rollback journal in WAL mode");
            }
            let posts = env.posts();
            let r = run_until_first_line(&env, &argv(&env, path.to_str().unwrap()));
            drop(holder);
            let ctx = format!("{key} with {what} ({}):\n{}{}", path.display(), r.stdout, r.stderr);
            assert_eq!(r.code, 2, "{ctx}");
            assert!(r.stderr.contains(&format!("error: {flag} ")), "{ctx}");
            assert!(
                r.stderr.contains("one of the store's files")
                    || r.stderr.contains("a directory billctl keeps"),
                "{ctx}"
            );
            assert_eq!(env.posts(), posts, "nothing sent to Stripe: {ctx}");
            assert_eq!(status(&env), before, "the store is as it was: {ctx}");
            assert_eq!(std::fs::read(&copy).unwrap(), copy_bytes, "{ctx}");
            checked += 1;
        }
    }
    assert_eq!(checked, 8 * 6, "every output row, every hostile path");
    // What the refusals left behind: nothing new in the data dir.
    let names: BTreeSet<String> = std::fs::read_dir(env.data_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".billctl-") && !n.ends_with(".1")), "{names:?}");
}

/// Outputs that are not the store's keep working: standard output, `/dev/null`, a FIFO
/// outside the data dir, and a new file inside it.
#[test]
fn outputs_beside_the_store_still_work() {
    let env = Env::new();
    env.cmd("db status -q").ok();
    let data = env.data_dir();
    // On Postgres the data dir holds no database and is not made by the store.
    std::fs::create_dir_all(&data).unwrap();
    for line in [
        "dashboard --out -",
        "dashboard --out /dev/null",
        "revenue --html /dev/null",
        "usage report --html /dev/null",
    ] {
        env.cmd(line).ok();
    }
    let page = data.join("dashboard.html");
    env.cmd(format!("dashboard --out {}", page.display())).ok();
    assert!(common::read(&page).contains("<html"));
    let fifo = env.path("fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read_to_string(fifo).unwrap())
    };
    env.cmd(format!("dashboard --out {}", fifo.display())).ok();
    assert!(reader.join().unwrap().contains("<html"));
}

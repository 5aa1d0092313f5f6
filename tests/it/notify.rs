//! `serve` and `webhooks listen` as systemd runs them (issue 43): each tells the manager
//! listening on `NOTIFY_SOCKET` (a datagram socket this test binds, by path and by abstract
//! name) `READY=1`, then around a SIGHUP `RELOADING=1` with `MONOTONIC_USEC=` and `READY=1`,
//! then on SIGTERM `STOPPING=1`, in that order, and `WATCHDOG=1` when `WATCHDOG_USEC` asks;
//! and each says at start which config it runs on (the operator's file or the built-in
//! catalog), in its first line in JSON and on its log.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it talks to no Stripe at all.

use crate::common::Env;
use crate::serve::Serve;
use serde_json::Value;
use std::os::unix::net::UnixDatagram;
use std::time::Duration;

/// The service manager's end: a datagram socket the services are pointed at.
struct Manager {
    socket: UnixDatagram,
    /// `NOTIFY_SOCKET`'s value for it.
    address: String,
}

impl Manager {
    /// Bound at a path in the test's directory.
    fn at_path(env: &Env) -> Manager {
        let path = env.path("notify.sock");
        let _ = std::fs::remove_file(&path);
        Manager::with(UnixDatagram::bind(&path).unwrap(), path.display().to_string())
    }

    /// Bound at an abstract name (`@name`), unique to this process and call.
    fn abstract_name() -> Manager {
        use std::os::linux::net::SocketAddrExt;
        static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let name = format!("billctl-test-notify-{}-{n}", std::process::id());
        let addr = std::os::unix::net::SocketAddr::from_abstract_name(name.as_bytes()).unwrap();
        Manager::with(UnixDatagram::bind_addr(&addr).unwrap(), format!("@{name}"))
    }

    fn with(socket: UnixDatagram, address: String) -> Manager {
        // A deadline for a broken build, not a wait: every datagram is awaited as it comes.
        socket.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        Manager { socket, address }
    }

    /// The next datagram's lines.
    fn next(&self) -> Vec<String> {
        let mut buf = [0u8; 4096];
        let n = self.socket.recv(&mut buf).expect("a notification within a minute");
        String::from_utf8_lossy(&buf[..n]).lines().map(String::from).collect()
    }

    /// The next datagram that is not a watchdog ping; counts the pings passed.
    fn next_state(&self, pings: &mut usize) -> Vec<String> {
        loop {
            let d = self.next();
            if d == ["WATCHDOG=1"] {
                *pings += 1;
            } else {
                return d;
            }
        }
    }

    /// Nothing more was sent (called once the process has exited, so nothing more can come).
    fn nothing_left(&self) -> Option<Vec<String>> {
        self.socket.set_nonblocking(true).unwrap();
        let mut buf = [0u8; 4096];
        let left = self
            .socket
            .recv(&mut buf)
            .ok()
            .map(|n| vec![String::from_utf8_lossy(&buf[..n]).into_owned()]);
        self.socket.set_nonblocking(false).unwrap();
        left
    }
}

/// `webhooks listen`'s arguments and variables in these tests.
const LISTEN: &[&str] =
    &["webhooks", "listen", "--bind", "127.0.0.1:0", "--json", "--secret-env", "WH_SECRET"];
/// `serve`'s arguments in these tests.
const SERVE: &[&str] = &["serve", "--json", "--listen", "127.0.0.1:0"];
const SECRET: (&str, &str) = ("WH_SECRET", "whsec_notify_test_secret");

/// `MONOTONIC_USEC=`'s value in a `RELOADING=1` datagram.
fn monotonic(d: &[String]) -> u64 {
    assert_eq!(d.len(), 2, "{d:?}");
    assert_eq!(d[0], "RELOADING=1", "{d:?}");
    d[1].strip_prefix("MONOTONIC_USEC=")
        .and_then(|v| v.parse().ok())
        .filter(|&v: &u64| v > 0)
        .unwrap_or_else(|| panic!("MONOTONIC_USEC= expected: {d:?}"))
}

/// Runs `args` under `manager` (and `WATCHDOG_USEC=watchdog` when set): READY=1 with a
/// status, two reloads each RELOADING=1 (a later MONOTONIC_USEC) then READY=1, and on SIGTERM
/// STOPPING=1 and exit 0, and nothing after. Returns the watchdog pings seen.
fn states_in_order(env: &Env, manager: &Manager, args: &[&str], watchdog: Option<&str>) -> usize {
    let mut vars = vec![SECRET, ("NOTIFY_SOCKET", manager.address.as_str())];
    if let Some(w) = watchdog {
        vars.push(("WATCHDOG_USEC", w));
    }
    let server = Serve::spawn(env, args, &vars);
    let mut pings = 0;
    let ready = manager.next_state(&mut pings);
    assert_eq!(ready[0], "READY=1", "{ready:?}");
    let status =
        format!("STATUS=listening on {}; the built-in catalog (no config file)", server.url);
    assert!(ready[1..] == [status], "{ready:?}");
    let mut last = 0;
    for _ in 0..2 {
        server.signal("HUP");
        let at = monotonic(&manager.next_state(&mut pings));
        assert!(at > last, "MONOTONIC_USEC goes forward: {at} after {last}");
        last = at;
        assert_eq!(manager.next_state(&mut pings), ["READY=1"]);
    }
    let out = server.stop();
    assert_eq!(out.code, 0, "{}", out.stderr);
    assert_eq!(manager.next_state(&mut pings), ["STOPPING=1"]);
    // Pings may follow STOPPING=1 (the drain goes on pinging); no state does.
    while let Some(d) = manager.nothing_left() {
        assert_eq!(d, ["WATCHDOG=1\n"], "after STOPPING=1");
        pings += 1;
    }
    pings
}

#[test]
fn serve_and_listen_tell_a_manager_at_a_path_ready_reloading_and_stopping_in_order() {
    let env = Env::new();
    let manager = Manager::at_path(&env);
    for args in [SERVE, LISTEN] {
        let pings = states_in_order(&env, &manager, args, None);
        assert_eq!(pings, 0, "{args:?}: WATCHDOG=1 without WATCHDOG_USEC");
    }
}

#[test]
fn an_abstract_notify_socket_is_told_too() {
    let env = Env::new();
    let manager = Manager::abstract_name();
    for args in [SERVE, LISTEN] {
        states_in_order(&env, &manager, args, None);
    }
}

/// With `WATCHDOG_USEC` the accept loop pings at half of it, between the states, which keep
/// their order.
#[test]
fn the_watchdog_is_pinged_when_watchdog_usec_asks() {
    let env = Env::new();
    let manager = Manager::at_path(&env);
    // 200 ms: a ping every 100 ms; the first comes as the loop starts.
    for args in [SERVE, LISTEN] {
        let vars =
            [SECRET, ("NOTIFY_SOCKET", manager.address.as_str()), ("WATCHDOG_USEC", "200000")];
        let server = Serve::spawn(&env, args, &vars);
        let mut seen = Vec::new();
        while seen.iter().filter(|d| *d == &vec!["WATCHDOG=1"]).count() < 3 {
            seen.push(manager.next());
        }
        assert_eq!(seen[0][0], "READY=1", "READY=1 comes first: {seen:?}");
        drop(server);
        while manager.nothing_left().is_some() {}
        let pings = states_in_order(&env, &manager, args, Some("200000"));
        eprintln!("{args:?}: {pings} pings between the states");
    }
}

/// The variables of a manager that does not listen (a socket path with nothing bound, a
/// relative path) never stop a service: notifications are best effort.
#[test]
fn a_notify_socket_nobody_listens_on_fails_nothing() {
    let env = Env::new();
    let gone = env.path("nobody.sock").display().to_string();
    for socket in [gone.as_str(), "relative.sock", "@"] {
        let server = Serve::start_with(&env, &[], &[("NOTIFY_SOCKET", socket)]);
        let out = server.stop();
        assert_eq!(out.code, 0, "NOTIFY_SOCKET={socket}: {}", out.stderr);
    }
}

/// The config each service runs on, at start: in the first line's `config` and on the log
/// (text, and JSON with `--log-format json`): the operator's file by `--config`, by
/// `BILLCTL_CONFIG` and found in `$XDG_CONFIG_HOME`, or the built-in catalog, said as a warning.
#[test]
fn serve_and_listen_say_which_config_they_run_on() {
    let env = Env::new();
    let text = billctl::domain::config::DEFAULT_CONFIG;
    let file = env.config(text);
    let file_s = file.display().to_string();
    let xdg = env.path("xdg-config/billctl/billctl.toml");
    for args in [SERVE, LISTEN] {
        let with_flag: Vec<&str> =
            ["--config", file_s.as_str()].into_iter().chain(args.iter().copied()).collect();
        let server = Serve::spawn(&env, &with_flag, &[SECRET]);
        assert_eq!(
            server.first["config"],
            serde_json::json!({"path": file_s, "catalog": "file"}),
            "{}",
            server.first
        );
        server.wait_for_stderr(&format!("config: {file_s}"));
        drop(server);
        let by_env = [SECRET, ("BILLCTL_CONFIG", file_s.as_str())];
        let server = Serve::spawn(&env, args, &by_env);
        assert_eq!(server.first["config"]["path"], file_s.as_str());
        drop(server);
        let server = Serve::spawn(&env, args, &[SECRET]);
        assert_eq!(
            server.first["config"],
            serde_json::json!({"path": null, "catalog": "built_in"})
        );
        server.wait_for_stderr(
            "warning: config: none given or found; the built-in catalog is in force",
        );
        drop(server);
        let json_log: Vec<&str> = args.iter().copied().chain(["--log-format", "json"]).collect();
        let server = Serve::spawn(&env, &json_log, &[SECRET]);
        server.wait_for_stderr("\"catalog\":\"built_in\"");
        let stderr = server.stderr();
        let line: Value =
            serde_json::from_str(stderr.lines().find(|l| l.contains("\"config\"")).unwrap())
                .unwrap();
        assert_eq!(line["level"], "warn", "{line}");
        assert_eq!(line["config"]["path"], Value::Null, "{line}");
        drop(server);
        std::fs::create_dir_all(xdg.parent().unwrap()).unwrap();
        std::fs::write(&xdg, text).unwrap();
        let server = Serve::spawn(&env, args, &[SECRET]);
        assert_eq!(
            server.first["config"],
            serde_json::json!({"path": xdg.display().to_string(), "catalog": "file"})
        );
        drop(server);
        std::fs::remove_file(&xdg).unwrap();
    }
}

/// Outside text on the services' text log and in the status systemd is given is escaped:
/// a line break in the config's path forges neither a log line nor a notify assignment
/// (STATUS= is one line of a newline-separated datagram). One table of the places the path
/// reaches, for each service; the first line's JSON keeps the path exact.
#[test]
fn a_line_break_in_the_config_path_forges_no_log_line_and_no_notify_field() {
    let env = Env::new();
    let manager = Manager::at_path(&env);
    let path = env.path("nl\nSTOPPING=1");
    std::fs::write(&path, billctl::domain::config::DEFAULT_CONFIG).unwrap();
    let path_s = path.display().to_string();
    let shown = path_s.replace('\n', "\\u{a}");
    for args in [SERVE, LISTEN] {
        let vars = [
            SECRET,
            ("BILLCTL_CONFIG", path_s.as_str()),
            ("NOTIFY_SOCKET", manager.address.as_str()),
        ];
        let server = Serve::spawn(&env, args, &vars);
        assert_eq!(server.first["config"]["path"], path_s.as_str());
        let ready = manager.next_state(&mut 0);
        server.wait_for_stderr(&format!("config: {shown}"));
        let log: Vec<String> = server.stderr().lines().map(String::from).collect();
        for (place, lines) in [("the text log", &log), ("READY=1's datagram", &ready)] {
            assert!(
                lines.iter().any(|l| l.contains(&shown)),
                "{args:?}, {place}: the path escaped: {lines:?}"
            );
            assert!(
                !lines.iter().any(|l| l.starts_with("STOPPING=1")),
                "{args:?}, {place}: a forged line: {lines:?}"
            );
        }
        assert_eq!(ready.len(), 2, "READY=1 and STATUS= only: {ready:?}");
        let out = server.stop();
        assert_eq!(out.code, 0, "{}", out.stderr);
        assert_eq!(manager.next_state(&mut 0), ["STOPPING=1"]);
        while manager.nothing_left().is_some() {}
    }
}

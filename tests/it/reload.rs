//! Reload never kills: the shipped units' own `ExecReload=` line, run against `serve` and
//! `webhooks listen` in every mode each has (TCP, a Unix socket, TLS), leaves the process
//! running and answering, logs what it re-read, and keeps a Unix socket file in place.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it talks to no Stripe at all.

use crate::common::{http, Env};
use crate::serve::{self_signed, tls_exchange, token, Serve};

/// The `ExecReload=` command of a shipped unit, as its words.
fn exec_reload(unit: &str) -> Vec<String> {
    let path = format!("{}/config/systemd/{unit}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let line = text
        .lines()
        .find_map(|l| l.strip_prefix("ExecReload="))
        .unwrap_or_else(|| panic!("{unit} has no ExecReload= line"));
    line.split_whitespace().map(String::from).collect()
}

/// Runs `unit`'s reload line against `pid`, as systemd would with `$MAINPID`.
fn reload(unit: &str, pid: u32) {
    let words: Vec<String> =
        exec_reload(unit).into_iter().map(|w| w.replace("$MAINPID", &pid.to_string())).collect();
    let status = std::process::Command::new(&words[0]).args(&words[1..]).status().unwrap();
    assert!(status.success(), "{words:?}");
}

/// A server in one mode: the flags, and how to ask it one GET (`path`, `token`) once it runs.
struct Mode {
    name: &'static str,
    flags: Vec<String>,
    /// The CA of the TLS modes (DER).
    ca: Option<Vec<u8>>,
}

impl Mode {
    fn get(&self, url: &str, path: &str, token: &str) -> http::Answer {
        let request = http::raw("GET", path, Some(token), None);
        if url.starts_with("unix:") {
            return http::exchange(url, &request).expect("an answer");
        }
        // listen's URL ends with its path: only the authority counts.
        let authority = url.split("://").nth(1).unwrap().split('/').next().unwrap();
        match &self.ca {
            Some(ca) => tls_exchange(authority, ca, &request).expect("a TLS answer").0,
            None => http::exchange(&format!("http://{authority}"), &request).expect("an answer"),
        }
    }
}

/// The modes: plain TCP, a Unix socket (`serve` only) and TLS (when openssl is there).
fn modes(env: &Env, unix: bool) -> Vec<Mode> {
    let mut out = vec![Mode { name: "tcp", flags: vec![], ca: None }];
    if unix {
        let sock = env.path("reload.sock");
        out.push(Mode {
            name: "unix",
            flags: vec!["--listen".into(), format!("unix:{}", sock.display())],
            ca: None,
        });
    }
    let (cert, key) = (env.path("cert.pem"), env.path("key.pem"));
    match self_signed(&cert, &key, "reload") {
        Some(ca) => out.push(Mode {
            name: "tls",
            flags: vec![
                "--tls-cert".into(),
                cert.display().to_string(),
                "--tls-key".into(),
                key.display().to_string(),
            ],
            ca: Some(ca),
        }),
        None => eprintln!("note: the TLS mode skipped: no openssl"),
    }
    out
}

/// Two reloads through the unit's line: each logged, the process alive and answering `path`
/// after each; a Unix socket file stays. Then SIGTERM ends it with 0.
fn reload_twice(mut server: Serve, unit: &str, mode: &Mode, path: &str, t: &str) {
    let sock =
        mode.flags.iter().find_map(|f| f.strip_prefix("unix:")).map(std::path::PathBuf::from);
    for n in 1..=2 {
        reload(unit, server.pid());
        server.wait_for_stderr_times("SIGHUP: the service tokens", n);
        assert!(server.alive(), "{}: SIGHUP ended it", mode.name);
        let a = mode.get(&server.url, path, t);
        assert_eq!(a.status, 200, "{}: {}", mode.name, a.body);
        if let Some(s) = &sock {
            assert!(s.exists(), "{}: the socket file is gone", mode.name);
        }
    }
    if mode.ca.is_some() {
        assert!(
            server.count_in_stderr("SIGHUP: re-read the certificate") >= 2,
            "{}",
            server.stderr()
        );
    }
    let out = server.stop();
    assert_eq!(out.code, 0, "{}: {}", mode.name, out.stderr);
    if let Some(s) = &sock {
        assert!(!s.exists(), "the socket file is left after SIGTERM");
    }
}

#[test]
fn the_units_reload_line_never_ends_serve_in_any_mode() {
    let env = Env::new();
    let t = token(&env, "probe", "read");
    for mode in modes(&env, true) {
        let flags: Vec<&str> = mode.flags.iter().map(String::as_str).collect();
        let serve = Serve::start(&env, &flags);
        // /metrics needs the token, so it reads the token list SIGHUP expires.
        reload_twice(serve, "billctl-serve.service", &mode, "/metrics", &t);
    }
}

#[test]
fn the_units_reload_line_never_ends_webhooks_listen_in_any_mode() {
    let env = Env::new();
    let t = token(&env, "probe", "read");
    for mode in modes(&env, false) {
        let mut args = vec!["webhooks", "listen", "--bind", "127.0.0.1:0", "--json"];
        args.extend(["--secret-env", "WH_SECRET"]);
        args.extend(mode.flags.iter().map(String::as_str));
        // The store the token is in (listen's metrics check serve's tokens).
        let vars = [("WH_SECRET", "whsec_reload_test_secret")];
        let listen = Serve::spawn(&env, &args, &vars);
        reload_twice(listen, "billctl-webhooks.service", &mode, "/metrics", &t);
    }
}

/// The state letter of a process (`T`: stopped), from `/proc/PID/stat`.
fn state(pid: u32) -> char {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    stat.rsplit(')').next().and_then(|rest| rest.trim().chars().next()).unwrap_or('?')
}

fn kill(signal: &str, pid: u32) {
    let status =
        std::process::Command::new("kill").args([signal, &pid.to_string()]).status().unwrap();
    assert!(status.success(), "kill {signal} {pid}");
}

/// A SIGHUP that comes while `serve` or `webhooks listen` is still starting (stopped at its
/// first step, `serve.start` / `listen.start`, before the store is opened and long before its
/// reload handler is installed) never ends it: it goes on to listen, and stops on SIGTERM
/// with exit 0.
#[test]
fn a_sighup_while_starting_never_ends_serve_or_listen() {
    use std::io::BufRead;
    let env = Env::new();
    let serve = ["serve", "--json", "--listen", "127.0.0.1:0"];
    let listen =
        ["webhooks", "listen", "--bind", "127.0.0.1:0", "--json", "--secret-env", "WH_SECRET"];
    // Stopped before the arguments are parsed (`main.start`), and at the command's first step.
    let points = |service: &str| ["main.start".to_string(), format!("{service}.start")];
    for (service, args) in [("serve", &serve[..]), ("listen", &listen[..])] {
        for point in points(service) {
            let mut child = env
                .command()
                .args(args)
                .env("WH_SECRET", "whsec_reload_test_secret")
                .env("BILLCTL_TEST_FAULT", format!("{point}@1"))
                .env("BILLCTL_TEST_FAULT_ACTION", "stop")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::null())
                .spawn()
                .unwrap();
            let pid = child.id();
            crate::serve::eventually(&format!("{service} stopped at its first step"), || {
                state(pid) == 'T'
            });
            kill("-HUP", pid);
            kill("-CONT", pid);
            let mut first = String::new();
            std::io::BufReader::new(child.stdout.as_mut().unwrap()).read_line(&mut first).unwrap();
            assert!(
                first.contains("\"listening\""),
                "{service} after a SIGHUP at {point}: {first:?}, {:?}",
                child.try_wait()
            );
            kill("-TERM", pid);
            let status = child.wait().unwrap();
            assert_eq!(status.code(), Some(0), "{service} at {point}: {status:?}");
        }
    }
}

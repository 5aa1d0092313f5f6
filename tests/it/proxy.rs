//! Proxies: every HTTP client billctl makes follows curl's proxy variables (`https_proxy`,
//! `HTTPS_PROXY`, `http_proxy` but never `HTTP_PROXY`, `ALL_PROXY`, `NO_PROXY`) through a local
//! proxy that records what passed: absolute-form requests for http targets, CONNECT tunnels
//! carrying TLS for https targets, credentials as `Proxy-Authorization` and never printed,
//! refusals and hang-ups as errors naming the proxy.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it points billctl at a local proxy and reads the simulator's state.

use crate::common;

use common::proxy::{Mode, TestProxy};
use common::receiver::Receiver;
use common::{Env, Run};
use std::path::Path;

const USER: &str = "billing";
const PASSWORD: &str = "pr0xy-s3cret";
/// base64("billing:pr0xy-s3cret")
const BASIC: &str = "Basic YmlsbGluZzpwcjB4eS1zM2NyZXQ=";
const SECRET: &str = "whsec_proxy_test_secret";

/// Variables set for one run.
type Vars<'a> = &'a [(&'a str, String)];

/// What the commands run in: an environment with one stored event, and a webhook receiver.
struct Case {
    env: Env,
    recv: Receiver,
}

/// One client billctl reaches the network with: the file that makes its requests, a command
/// that sends through it, and what that command's success leaves behind.
struct Client {
    file: &'static str,
    /// Runs the command with these variables; the target's `host:port`.
    run: fn(&Case, Vars) -> (Run, String),
    /// How many of the command's effects there are now (Stripe customers, deliveries).
    effects: fn(&Case) -> usize,
}

/// Runs `line` in `env` with `vars` set.
fn run_with(env: &Env, vars: Vars, line: &str) -> Run {
    common::run(env.command().envs(vars.iter().map(|(k, v)| (*k, v))).args(common::words(line)))
}

fn stripe_run(case: &Case, vars: Vars) -> (Run, String) {
    // A new email each run: a second customer with one is asked about first.
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let r = run_with(
        &case.env,
        vars,
        &format!("customers create --email proxied{n}@example.com --json"),
    );
    (r, authority(&case.env.sim.base_url()))
}

fn stripe_effects(case: &Case) -> usize {
    case.env.sim.state().customers.len()
}

fn replay_run(case: &Case, vars: Vars) -> (Run, String) {
    let vars = [vars, &[("WH_APP", SECRET.to_string())]].concat();
    let line = format!(
        "webhooks replay --include-unverified --to {} --secret-env WH_APP --json",
        case.recv.url
    );
    (run_with(&case.env, &vars, &line), authority(&case.recv.url))
}

fn replay_effects(case: &Case) -> usize {
    case.recv.count()
}

fn clients() -> Vec<Client> {
    vec![
        Client {
            file: "src/adapters/stripe/transport.rs",
            run: stripe_run,
            effects: stripe_effects,
        },
        Client { file: "src/adapters/stripe/send.rs", run: replay_run, effects: replay_effects },
    ]
}

/// `host:port` of an http URL.
fn authority(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest.split('/').next().unwrap().to_string()
}

/// An environment with one stored event for `webhooks replay` to send, and a receiver.
fn case() -> Case {
    let env = Env::new();
    let t = common::now();
    let file = env.write("events.ndjson", format!("{{\"id\":\"evt_px1\",\"object\":\"event\",\"type\":\"charge.succeeded\",\"created\":{t},\"livemode\":false,\"data\":{{\"object\":{{\"id\":\"ch_1\",\"object\":\"charge\"}}}}}}\n"));
    env.cmd(format!("webhooks ingest {file}")).ok();
    Case { env, recv: Receiver::start(true) }
}

/// The source of `src/` outside test modules, file by file (a `tests.rs` is a module's
/// `#[cfg(test)] mod tests;`, and is left out whole).
fn sources(dir: &Path, out: &mut Vec<(String, String)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            sources(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") && !p.ends_with("tests.rs") {
            let text = std::fs::read_to_string(&p).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap().to_string();
            let rel = p.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
            out.push((rel.display().to_string(), code));
        }
    }
}

/// Every place billctl makes an HTTP client is `stripe/connect.rs`'s `https_client`, and every
/// file that calls it has a row in [`clients`]: a new client fails here until it has one.
#[test]
fn every_http_client_has_a_row() {
    let mut files = Vec::new();
    sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
    let mut callers = std::collections::BTreeSet::new();
    for (file, code) in &files {
        for maker in ["Client::builder(", "HttpConnector::new(", "TcpStream::connect("] {
            assert!(
                !code.contains(maker) || file == "src/adapters/stripe/connect.rs",
                "{file} makes its own connections ({maker}): use stripe::transport::https_client, which follows the proxy variables"
            );
        }
        if code.contains("https_client(") && file != "src/adapters/stripe/connect.rs" {
            callers.insert(file.clone());
        }
    }
    let rows: std::collections::BTreeSet<String> =
        clients().iter().map(|c| c.file.to_string()).collect();
    assert_eq!(callers, rows, "every caller of https_client has a row in clients()");
}

/// For each client: through `http_proxy` with credentials in absolute form; around it with
/// `NO_PROXY`; `HTTP_PROXY` (upper case, httpoxy) and `HTTPS_PROXY` ignored for an http
/// target; a proxy answering 407 is an error naming it, not retried.
#[test]
fn every_client_follows_the_proxy_variables() {
    for client in clients() {
        let what = client.file;
        let case = case();
        let proxy = TestProxy::start(Mode::Relay);
        let with_auth = format!("http://{USER}:{PASSWORD}@127.0.0.1:{}", proxy.port);
        let before = (client.effects)(&case);
        let (r, target) = (client.run)(&case, &[("http_proxy", with_auth.clone())]);
        assert_eq!(r.code, 0, "{what}: {}", r.stderr);
        assert_eq!((client.effects)(&case), before + 1, "{what}: no effect");
        let seen = proxy.seen();
        assert!(!seen.is_empty(), "{what}: nothing went through the proxy");
        for s in &seen {
            let absolute =
                s.line.split(' ').nth(1).unwrap().starts_with(&format!("http://{target}/"));
            assert!(absolute, "{what}: not absolute form to {target}: {}", s.line);
            assert_eq!(s.auth.as_deref(), Some(BASIC), "{what}: {}", s.line);
        }
        assert!(!r.stdout.contains(PASSWORD) && !r.stderr.contains(PASSWORD), "{what}");

        // Around the proxy: NO_PROXY, and variables curl does not read for http.
        let bypass: [&[(&str, String)]; 3] = [
            &[("http_proxy", with_auth.clone()), ("NO_PROXY", "localhost, 127.0.0.0/8".into())],
            &[("HTTP_PROXY", with_auth.clone())],
            &[("HTTPS_PROXY", with_auth.clone())],
        ];
        for vars in bypass {
            let before = (client.effects)(&case);
            let count = proxy.seen().len();
            let (r, _) = (client.run)(&case, vars);
            assert_eq!(r.code, 0, "{what} {vars:?}: {}", r.stderr);
            assert_eq!((client.effects)(&case), before + 1, "{what} {vars:?}");
            assert_eq!(proxy.seen().len(), count, "{what} {vars:?}: went through the proxy");
        }

        // A proxy that wants other credentials.
        let refusing = TestProxy::start(Mode::Refuse(407, "Proxy Authentication Required"));
        let before = (client.effects)(&case);
        let via = format!("http://{USER}:{PASSWORD}@127.0.0.1:{}", refusing.port);
        let (r, target) = (client.run)(&case, &[("ALL_PROXY", via)]);
        assert_ne!(r.code, 0, "{what}: {}", r.stdout);
        let text = format!("{}{}", r.stdout, r.stderr);
        let says = format!("proxy http://127.0.0.1:{} refused ", refusing.port);
        assert!(text.contains(&says), "{what}: {text}");
        assert!(text.contains(&format!(" http://{target}/")), "{what}: {text}");
        assert!(text.contains(": 407 Proxy Authentication Required"), "{what}: {text}");
        assert!(!text.contains(PASSWORD), "{what}: {text}");
        assert_eq!(refusing.seen().len(), 1, "{what}: a refusal is not retried");
        assert_eq!((client.effects)(&case), before, "{what}");
    }
}

/// An https Stripe base through `HTTPS_PROXY`: a CONNECT to Stripe's host and port with the
/// credentials, and TLS inside the tunnel (the simulator speaks plain http, so the handshake
/// fails there: what passed through the proxy is the point).
#[test]
fn https_targets_go_through_a_connect_tunnel_carrying_tls() {
    let env = Env::new();
    let sim = authority(&env.sim.base_url());
    let proxy = TestProxy::start(Mode::Relay);
    let (base, via) =
        (format!("https://{sim}/"), format!("http://{USER}:{PASSWORD}@127.0.0.1:{}", proxy.port));
    let r = run_with(
        &env,
        &[("BILLCTL_STRIPE_API_BASE", base), ("HTTPS_PROXY", via)],
        "customers create --email tunnel@example.com",
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    let seen = proxy.seen();
    assert!(!seen.is_empty(), "{}", r.stderr);
    for s in &seen {
        assert_eq!(s.line, format!("CONNECT {sim} HTTP/1.1"));
        assert_eq!(s.auth.as_deref(), Some(BASIC));
        assert_eq!(&s.tunnelled[..2], [0x16, 0x03], "a TLS handshake record: {:?}", s.tunnelled);
    }
    assert!(!r.stderr.contains("refused") && !r.stderr.contains(PASSWORD), "{}", r.stderr);
    assert_eq!(env.sim.state().customers.len(), 0);
}

/// A proxy that refuses CONNECT (407, 403) or hangs up: exit 2, a message naming the proxy
/// (never its credentials) and what failed, nothing reaching Stripe; a refusal is not retried.
#[test]
fn a_proxy_that_refuses_or_hangs_up_is_a_clear_error() {
    let env = Env::new();
    let sim = authority(&env.sim.base_url());
    let cases = [
        (
            Mode::Refuse(407, "Proxy Authentication Required"),
            "refused CONNECT {sim}: 407 Proxy Authentication Required",
            true,
        ),
        (Mode::Refuse(403, "Forbidden"), "refused CONNECT {sim}: 403 Forbidden", true),
        (Mode::HangUp, "closed the connection before answering CONNECT {sim}", false),
    ];
    for (mode, says, once) in cases {
        let proxy = TestProxy::start(mode);
        let via = format!("{USER}:{PASSWORD}@127.0.0.1:{}", proxy.port);
        let vars = [("BILLCTL_STRIPE_API_BASE", format!("https://{sim}/")), ("https_proxy", via)];
        let r = run_with(&env, &vars, "customers create --email refused@example.com").code(2);
        let want = format!(
            "cannot reach Stripe at https://{sim}/: proxy http://127.0.0.1:{} {}",
            proxy.port,
            says.replace("{sim}", &sim)
        );
        assert!(r.stderr.contains(&want), "{mode:?}: want {want:?} in {}", r.stderr);
        assert!(!r.stderr.contains(PASSWORD) && !r.stdout.contains(PASSWORD), "{mode:?}");
        if once {
            assert_eq!(proxy.seen().len(), 1, "{mode:?}: retried");
        }
        assert_eq!(env.sim.requests().len(), 0, "{mode:?}: Stripe was reached");
    }
}

/// A proxy billctl cannot speak to (https://, SOCKS) is refused naming the variable, and
/// nothing is sent around it.
#[test]
fn a_proxy_billctl_cannot_use_is_refused_not_bypassed() {
    let env = Env::new();
    for (var, value, says) in [
        (
            "HTTPS_PROXY",
            format!("https://{USER}:{PASSWORD}@proxy.invalid:3128"),
            "HTTPS_PROXY=https://***@proxy.invalid:3128: https:// proxies are not supported",
        ),
        (
            "all_proxy",
            "socks5h://proxy.invalid:1080".to_string(),
            "all_proxy=socks5h://proxy.invalid:1080: socks5h:// proxies are not supported",
        ),
    ] {
        let vars = [
            ("BILLCTL_STRIPE_API_BASE", env.sim.base_url().replace("http://", "https://")),
            (var, value),
        ];
        let r = run_with(&env, &vars, "customers create --email never@example.com").code(2);
        assert!(r.stderr.contains(says), "{var}: {}", r.stderr);
        assert!(!r.stderr.contains(PASSWORD), "{}", r.stderr);
        assert_eq!(env.sim.requests().len(), 0, "{var}: sent around the proxy");
    }
}

/// Credentials no message may show, whatever form a proxy variable carries them in.
const HOSTILE_USER: &str = "hostile-u5er";
const HOSTILE_PASS: &str = "hostile-pa55";

/// A proxy at `port` with the credentials in each form billctl reads: plain, without a
/// scheme, with percent-encoded `/ ? # @`, with an unencoded `@` (the last one ends them) or
/// `:` in the password, an upper-case scheme and a trailing slash.
fn hostile_proxies(port: u16) -> Vec<String> {
    let (u, p) = (HOSTILE_USER, HOSTILE_PASS);
    vec![
        format!("http://{u}:{p}@127.0.0.1:{port}"),
        format!("{u}:{p}@127.0.0.1:{port}"),
        format!("http://{u}:{p}%2F%3F%23%40x@127.0.0.1:{port}"),
        format!("http://{u}:{p}@x@127.0.0.1:{port}"),
        format!("HTTP://{u}:{p}:x@127.0.0.1:{port}/"),
    ]
}

/// Proxy values billctl refuses, each with the credentials in it.
fn refused_schemes(port: u16) -> Vec<String> {
    let (u, p) = (HOSTILE_USER, HOSTILE_PASS);
    vec![format!("https://{u}:{p}@127.0.0.1:{port}"), format!("socks5h://{u}:{p}@127.0.0.1:{port}")]
}

fn unknown_scheme(port: u16) -> Vec<String> {
    vec![format!("{HOSTILE_USER}://{HOSTILE_PASS}@127.0.0.1:{port}")]
}

fn unencoded(port: u16) -> Vec<String> {
    let (u, p) = (HOSTILE_USER, HOSTILE_PASS);
    ["/", "?", "#", "/1234/"]
        .iter()
        .map(|d| format!("http://{u}:{p}{d}x@127.0.0.1:{port}"))
        .collect()
}

fn no_host(port: u16) -> Vec<String> {
    vec![format!("http://{HOSTILE_USER}:{HOSTILE_PASS}@:{port}")]
}

fn bad_port(_: u16) -> Vec<String> {
    let (u, p) = (HOSTILE_USER, HOSTILE_PASS);
    vec![format!("http://{u}:{p}@127.0.0.1:99999"), format!("http://{u}:{p}@127.0.0.1:0")]
}

fn bad_host(port: u16) -> Vec<String> {
    let (u, p) = (HOSTILE_USER, HOSTILE_PASS);
    vec![
        format!("{u}:{p}@127.0.0.1:{port}://x"),
        format!("http://{u}:{p}@pro\u{1b}[2Jxy:{port}"),
        format!("http://{u}:{p}@[::1:{port}"),
    ]
}

/// One way a proxy setting or a proxy fails, and the message it gives.
struct Failing {
    /// The error constructors it reaches (`Failure::…` in connect.rs, `Invalid::…` in
    /// proxy.rs, `Error::…` in stripe/error.rs).
    covers: &'static [&'static str],
    /// What the proxy does; `None`: nothing listens on its port.
    mode: Option<Mode>,
    /// An https Stripe base (a CONNECT tunnel); else http (absolute form).
    https: bool,
    /// The proxy variable's values, for the proxy's port.
    values: fn(u16) -> Vec<String>,
    /// `NO_PROXY`, if set.
    no_proxy: &'static str,
    /// What stderr holds, every one (`{proxy}`: `http://127.0.0.1:PORT`, `{sim}`: Stripe's
    /// `host:port`, `{var}`: the proxy variable).
    says: &'static [&'static str],
}

const SETTING: &str = "cannot reach Stripe at {base}: proxy setting {var}=";
const AUTH: Option<Mode> = Some(Mode::Refuse(407, "Proxy Authentication Required"));
const ESTABLISHED: Option<Mode> =
    Some(Mode::AnswerClose(b"HTTP/1.1 200 Connection established\r\n\r\n"));
const BAD_GATEWAY: Option<Mode> = Some(Mode::AnswerClose(
    b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 3\r\nConnection: close\r\n\r\nbad",
));

impl Failing {
    /// The same row, with what stderr must hold.
    fn says(self, says: &'static [&'static str]) -> Failing {
        Failing { says, ..self }
    }
}

/// A row for a proxy that does `mode`, to an https (CONNECT) or http Stripe base, with
/// credentials in each form.
fn row(covers: &'static [&'static str], mode: Option<Mode>, https: bool) -> Failing {
    Failing { covers, mode, https, values: hostile_proxies, no_proxy: "", says: &[] }
}

fn tls(covers: &'static [&'static str], mode: Option<Mode>) -> Failing {
    row(covers, mode, true)
}

fn plain(covers: &'static [&'static str], mode: Option<Mode>) -> Failing {
    row(covers, mode, false)
}

/// A proxy setting billctl refuses (these values, an https base).
fn setting(covers: &'static [&'static str], values: fn(u16) -> Vec<String>) -> Failing {
    Failing { values, ..row(covers, Some(Mode::Relay), true) }
}

/// A `NO_PROXY` entry billctl refuses (an http base).
fn entry(covers: &'static [&'static str], no_proxy: &'static str) -> Failing {
    Failing { no_proxy, ..row(covers, Some(Mode::Relay), false) }
}

fn failing() -> Vec<Failing> {
    vec![
        tls(&["Failure::Connect"], None)
            .says(&["cannot reach Stripe at {base}: cannot connect to proxy {proxy}: "]),
        tls(&["Failure::Refused"], AUTH)
            .says(&["proxy {proxy} refused CONNECT {sim}: 407 Proxy Authentication Required"]),
        plain(&["Failure::Refused"], AUTH)
            .says(&["proxy {proxy} refused GET http://{sim}/v1/", ": 407 Proxy Authentication Required"]),
        tls(&["Failure::Closed"], Some(Mode::HangUp))
            .says(&["proxy {proxy} closed the connection before answering CONNECT {sim}"]),
        tls(&["Failure::Garbled"], Some(Mode::AnswerHold(b"SSH-2.0-OpenSSH_9.6\r\n\r\n")))
            .says(&["proxy {proxy} answered CONNECT {sim} with no HTTP status"]),
        tls(&["Failure::TooLong"], Some(Mode::Flood(20_000)))
            .says(&["proxy {proxy} answered CONNECT {sim} with a head over 16 KiB"]),
        tls(&["Failure::EarlyData"], Some(Mode::AnswerHold(b"HTTP/1.1 200 OK\r\n\r\nhello")))
            .says(&["proxy {proxy} sent data before the tunnel to {sim} was used"]),
        // The connector's bound on the CONNECT answer and the attempt's own are both
        // stripe.timeout_secs; whichever ends first, the message names the proxy.
        tls(&["Failure::TimedOut", "Error::Timeout"], Some(Mode::Silent))
            .says(&["proxy {proxy} ", " within 2"]),
        plain(&["Error::Timeout"], Some(Mode::Silent))
            .says(&["no answer through proxy {proxy} within 2s (stripe.timeout_secs)"]),
        tls(&["Failure::Io"], Some(Mode::Reset)).says(&["proxy {proxy}: CONNECT {sim} failed: "]),
        tls(&["Failure::HungUp"], ESTABLISHED)
            .says(&["cannot reach Stripe at {base}: proxy {proxy} closed the tunnel to {sim} during the TLS handshake"]),
        plain(&["Failure::HungUp"], Some(Mode::HangUp))
            .says(&["cannot reach Stripe at {base}: proxy {proxy} closed the connection before answering a request to {sim}"]),
        plain(&["Error::Api"], BAD_GATEWAY)
            .says(&["Stripe answered 502 api_error: bad (through proxy {proxy})"]),
        setting(&["Failure::Setting", "Invalid::Scheme"], refused_schemes)
            .says(&[SETTING, "://***@127.0.0.1:", ":// proxies are not supported"]),
        setting(&["Invalid::Scheme"], unknown_scheme)
            .says(&[SETTING, "***@127.0.0.1:", "an unknown proxy scheme"]),
        setting(&["Invalid::Unencoded"], unencoded)
            .says(&[SETTING, "http://***@127.0.0.1:", "percent-encode them"]),
        setting(&["Invalid::NoHost"], no_host)
            .says(&[SETTING, "http://***@:", "no host in the proxy URL"]),
        setting(&["Invalid::Port"], bad_port)
            .says(&[SETTING, "http://***@127.0.0.1:", "the port is not a number"]),
        setting(&["Invalid::Host"], bad_host)
            .says(&[SETTING, "***@", "cannot read a host name or IP address"]),
        entry(&["Invalid::Prefix"], "localhost,127.0.0.1/33")
            .says(&["proxy setting NO_PROXY entry 127.0.0.1/33: the prefix length is not a number from 0 to 32"]),
        entry(&["Invalid::NotAnAddress"], "localhost/8")
            .says(&["proxy setting NO_PROXY entry localhost/8: a /prefix length follows an IP address only"]),
        entry(&["Invalid::Wildcard"], "*.0.0.1, *")
            .says(&["proxy setting NO_PROXY entry *: '*' bypasses every proxy only as the whole list"]),
        entry(&["Invalid::Name"], "<local>")
            .says(&["proxy setting NO_PROXY entry <local>: not a host name, an IP address or a CIDR range"]),
        entry(&["Invalid::Port"], "127.0.0.1:0")
            .says(&["proxy setting NO_PROXY entry 127.0.0.1:0: the port is not a number"]),
    ]
}

/// The variants of `enum NAME {` in `file`'s code outside its tests.
fn variants(file: &str, name: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(file);
    let text = std::fs::read_to_string(path).unwrap();
    let code = text.split("#[cfg(test)]").next().unwrap();
    let body = code
        .split_once(&format!("enum {name} {{\n"))
        .unwrap_or_else(|| panic!("no enum {name} in {file}"))
        .1;
    let body = &body[..body.find("\n}").unwrap()];
    body.lines()
        .filter_map(|l| l.strip_prefix("    "))
        .filter(|l| l.starts_with(|c: char| c.is_ascii_uppercase()))
        .map(|l| {
            let end = l.find(|c: char| !c.is_ascii_alphanumeric()).unwrap_or(l.len());
            format!("{name}::{}", &l[..end])
        })
        .collect()
}

/// The config every run of the table uses: one attempt, a 2 s bound.
fn one_quick_attempt(env: &Env) -> std::path::PathBuf {
    env.config(&format!(
        "[stripe]\nmax_attempts = 1\ntimeout_secs = 2\n\n{}",
        common::DEFAULT_CONFIG
    ))
}

/// Every way a proxy setting or a proxy fails, for every form of credentials in the
/// variable: exit 2, a message naming the proxy (or quoting the setting through its one
/// redaction) and what failed, neither the user name nor the password anywhere in stdout or
/// stderr, and nothing reaching Stripe. The proxy's own errors (connect.rs's `Failure`) and
/// the settings billctl refuses (proxy.rs's `Invalid`) are enumerated from the source: a
/// new one fails here until it has a row; the files build no other error.
#[test]
fn no_proxy_failure_shows_the_credentials() {
    let table = failing();
    let covered: std::collections::BTreeSet<&str> =
        table.iter().flat_map(|r| r.covers.iter().copied()).collect();
    let mut enumerated = variants("src/adapters/stripe/connect.rs", "Failure");
    enumerated.extend(variants("src/adapters/stripe/proxy.rs", "Invalid"));
    assert!(enumerated.len() > 15, "{enumerated:?}");
    for v in &enumerated {
        assert!(covered.contains(v.as_str()), "{v} has no row in failing()");
    }
    for file in ["src/adapters/stripe/connect.rs", "src/adapters/stripe/proxy.rs"] {
        let text = common::read(&Path::new(env!("CARGO_MANIFEST_DIR")).join(file));
        let code = text.split("#[cfg(test)]").next().unwrap();
        for ad_hoc in ["Err(format!", "Err(\"", "::other(", ", String>", ".into())"] {
            assert!(
                !code.contains(ad_hoc),
                "{file} builds an error outside Failure and Invalid ({ad_hoc})"
            );
        }
    }
    std::thread::scope(|s| {
        for row in &table {
            s.spawn(move || run_failing(row));
        }
    });
}

/// A port nothing listens on (bound, then let go).
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

/// Runs one row of [`failing`] for each of its values.
fn run_failing(row: &Failing) {
    let env = Env::new();
    let config = one_quick_attempt(&env);
    let (proxy, port) = match row.mode {
        Some(mode) => {
            let p = TestProxy::start(mode);
            let port = p.port;
            (Some(p), port)
        }
        None => (None, closed_port()),
    };
    let sim = authority(&env.sim.base_url());
    let scheme = if row.https { "https" } else { "http" };
    let base = format!("{scheme}://{sim}/");
    let var = if row.https { "HTTPS_PROXY" } else { "http_proxy" };
    for value in (row.values)(port) {
        let what = format!("{:?} {var}={value:?} NO_PROXY={:?}", row.covers, row.no_proxy);
        let config = config.display().to_string();
        let mut vars = vec![
            ("BILLCTL_CONFIG", config),
            ("BILLCTL_STRIPE_API_BASE", base.clone()),
            (var, value.clone()),
        ];
        if !row.no_proxy.is_empty() {
            vars.push(("NO_PROXY", row.no_proxy.to_string()));
        }
        let r = run_with(&env, &vars, "prices check");
        assert_eq!(r.code, 2, "{what}: {}{}", r.stdout, r.stderr);
        for says in row.says {
            let says = says
                .replace("{proxy}", &format!("http://127.0.0.1:{port}"))
                .replace("{sim}", &sim)
                .replace("{base}", &base)
                .replace("{var}", var);
            assert!(r.stderr.contains(&says), "{what}: want {says:?} in {}", r.stderr);
        }
        for secret in [HOSTILE_USER, HOSTILE_PASS] {
            let hidden = !r.stdout.contains(secret) && !r.stderr.contains(secret);
            assert!(hidden, "{what}: {secret} shown: {}{}", r.stdout, r.stderr);
        }
        assert_eq!(env.sim.requests().len(), 0, "{what}: Stripe was reached");
        if row.covers.iter().any(|c| c.starts_with("Invalid::")) {
            let seen = proxy.as_ref().map_or(0, |p| p.seen().len());
            assert_eq!(seen, 0, "{what}: sent to a proxy setting billctl refused");
        }
    }
}

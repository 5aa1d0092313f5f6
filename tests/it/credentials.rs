//! systemd credentials (`$CREDENTIALS_DIRECTORY`): every secret billctl reads from there is
//! used before its variable (one row per kind, and a kind added in `src/adapters/credentials.rs`
//! without a row fails here), an explicit `--secret-env` still wins, and a bad file (too big,
//! a directory, a symlink loop, empty, unreadable...) is refused naming the file, exit 2,
//! without its content on any output. The services refuse a credential whose content its
//! consumer would refuse; every hint to change the Stripe key names the key's source (one
//! table, source x message); the winning source names what it ignored.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it checks keys against a simulator with keys of its own.

use crate::common;
use crate::serve::Serve;
use crate::webhooks_listen::post;

use billctl::adapters::credentials::{Credential, MAX_LEN};
use common::tests3::pick;
use common::{now, Env, Run};
use serde_json::{json, Value};
use std::ffi::OsStr;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use stripe_sim::webhooks::signature_header;

const CRED_KEY: &str = "sk_test_fromthecredential00000000000077";
const ENV_KEY: &str = "sk_test_fromtheenvironment000000000088";

/// An environment whose simulator takes `key` alone.
fn sim_knowing(key: &str) -> Env {
    Env::with_sim(stripe_sim::StripeSim::builder().api_keys(vec![key.into()]).start().unwrap())
}

/// A credentials directory in the test's temp dir holding `files` (name, content).
fn cred_dir(env: &Env, files: &[(&str, &str)]) -> PathBuf {
    let dir = env.path("credentials");
    std::fs::create_dir_all(&dir).unwrap();
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    dir
}

/// The variants of `enum Credential` as written in `src/adapters/credentials.rs`, so that a kind added
/// there without a row below fails the table.
fn credential_variants() -> Vec<String> {
    let src = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("src/adapters/credentials.rs"),
    )
    .unwrap();
    let body = &src[src.find("pub enum Credential {").expect("the enum")..];
    let body = &body[..body.find("\n}").unwrap()];
    body.lines()
        .map(str::trim)
        .filter(|l| l.ends_with(',') && !l.starts_with("//"))
        .map(|l| l.trim_end_matches(',').to_string())
        .collect()
}

/// stripe-key: the credential's key, not the variable's, authenticates against a simulator
/// that knows only the credential's, and `auth status` names the credential.
fn stripe_key_row(_: Credential) {
    let mut env = sim_knowing(CRED_KEY);
    env.key = Some(ENV_KEY.into());
    let dir = cred_dir(&env, &[("stripe-key", &format!("{CRED_KEY}\n"))]);
    let run = |line: &str| env.cmd_vars(&[("CREDENTIALS_DIRECTORY", &dir)], line);
    let status = run("auth status --json").ok();
    let j = status.json();
    assert_eq!(j["source"], "credential", "{j}");
    assert_eq!(j["path"], dir.join("stripe-key").display().to_string());
    assert_eq!(pick(&j, &["last4", "store"]), json!(["0077", "systemd-credential"]));
    assert_eq!(j["persists_across_reboot"], true);
    let human = run("auth status").ok();
    assert!(human.stdout.contains("systemd credential ("), "{}", human.stdout);
    let plan = run("setup-products --plan --json").ok();
    assert_eq!(plan.json()["changes"], 6, "the credential's key reached Stripe");
    // Without the credential, the variable's key is used, and the simulator refuses it.
    let without = env.cmd("setup-products --plan --json");
    assert_eq!(without.code, 2, "{}", without.stderr);
    for r in [&status, &human, &plan, &without] {
        assert!(!r.stdout.contains(CRED_KEY) && !r.stderr.contains(CRED_KEY));
        assert!(!r.stdout.contains(&CRED_KEY[8..]) && !r.stderr.contains(&CRED_KEY[8..]));
    }
}

/// A `webhooks listen` with `dir` as the credentials directory, `--secret-env` only in `extra`.
fn listen(env: &Env, dir: &Path, extra: &[&str]) -> Serve {
    let args = [&["webhooks", "listen", "--bind", "127.0.0.1:0", "--json"], extra].concat();
    let vars = [("CREDENTIALS_DIRECTORY", dir.to_str().unwrap()), ("WH_FLAG", "whsec_fromtheflag")];
    Serve::spawn(env, &args, &vars)
}

/// The status a delivery signed with `secret` gets from the listener at `url`.
fn delivered(url: &str, secret: &str, n: u32) -> u16 {
    let ev = json!({
        "id": format!("evt_cred_{n}"), "object": "event", "type": "customer.created",
        "created": now(), "livemode": false, "data": {"object": {"id": "cus_cred"}}
    });
    let body = serde_json::to_vec(&ev).unwrap();
    post(url, Some(&signature_header(secret, now(), &body)), &body).0
}

/// webhook-secret: both secrets of a rotation in the credential verify; the data dir's secret
/// file (what the keyring route would use) is not read when the credential is there; an
/// explicit `--secret-env` wins over the credential.
fn webhook_secret_row(_: Credential) {
    let env = Env::with_catalog();
    let (old, new, kept) = ("whsec_credold", "whsec_crednew", "whsec_fromthedatadir");
    let dir = cred_dir(&env, &[("webhook-secret", &format!("{old}\n{new}\n"))]);
    std::fs::create_dir_all(env.data_dir()).unwrap();
    std::fs::write(env.data_dir().join("webhook-secrets"), format!("we_kept {kept}\n")).unwrap();
    let l = listen(&env, &dir, &[]);
    let got = [delivered(&l.url, old, 1), delivered(&l.url, new, 2), delivered(&l.url, kept, 3)];
    let out = l.stop();
    assert_eq!(got, [200, 200, 400], "{}", out.stderr);
    let l = listen(&env, &dir, &["--secret-env", "WH_FLAG"]);
    let got = [delivered(&l.url, "whsec_fromtheflag", 4), delivered(&l.url, new, 5)];
    let flagged = l.stop();
    assert_eq!(got, [200, 400], "--secret-env wins: {}", flagged.stderr);
    for r in [&out, &flagged] {
        assert_eq!(r.code, 0, "{}", r.stderr);
        for s in [old, new, kept] {
            assert!(!r.stdout.contains(s) && !r.stderr.contains(s), "{s} printed");
        }
    }
}

/// A PostgreSQL server that asks for a cleartext password, records it, and refuses the login:
/// what reached the server, over real TCP.
fn password_catcher() -> (String, std::thread::JoinHandle<String>) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url =
        format!("postgres://billctl@{}/billctl?sslmode=disable", listener.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        let (mut s, _) = listener.accept().unwrap();
        let mut len = [0u8; 4];
        s.read_exact(&mut len).unwrap();
        let mut startup = vec![0u8; u32::from_be_bytes(len) as usize - 4];
        s.read_exact(&mut startup).unwrap();
        // AuthenticationCleartextPassword.
        s.write_all(&[b'R', 0, 0, 0, 8, 0, 0, 0, 3]).unwrap();
        let mut tag = [0u8; 1];
        s.read_exact(&mut tag).unwrap();
        assert_eq!(tag[0], b'p', "a PasswordMessage");
        s.read_exact(&mut len).unwrap();
        let mut pw = vec![0u8; u32::from_be_bytes(len) as usize - 4];
        s.read_exact(&mut pw).unwrap();
        let msg = b"SFATAL\0C28P01\0Mpassword authentication failed\0\0";
        let mut err = vec![b'E'];
        err.extend_from_slice(&(msg.len() as u32 + 4).to_be_bytes());
        err.extend_from_slice(msg);
        let _ = s.write_all(&err);
        String::from_utf8_lossy(&pw).trim_end_matches('\0').to_string()
    });
    (url, handle)
}

/// database-password: the credential's password, not `BILLCTL_DATABASE_PASSWORD`'s, is the
/// one the server receives, and neither is printed.
fn database_password_row(_: Credential) {
    let env = Env::new();
    let (cred, var) = ("pw-from-the-credential", "pw-from-the-variable");
    let dir = cred_dir(&env, &[("database-password", &format!("{cred}\n"))]);
    for (with_cred, want) in [(true, cred), (false, var)] {
        let (url, caught) = password_catcher();
        let cd = if with_cred { dir.to_str().unwrap() } else { "" };
        let vars: [(&str, &dyn AsRef<OsStr>); 3] = [
            ("BILLCTL_DATABASE_URL", &url),
            ("BILLCTL_DATABASE_PASSWORD", &var),
            ("CREDENTIALS_DIRECTORY", &cd),
        ];
        let r = env.cmd_vars(&vars, "db status --json");
        assert_eq!(r.code, 2, "the server refused the login: {}", r.stderr);
        assert_eq!(caught.join().unwrap(), want);
        for s in [cred, var] {
            assert!(!r.stdout.contains(s) && !r.stderr.contains(s), "{s} printed: {}", r.stderr);
        }
    }
}

#[test]
fn every_credential_is_read_before_its_variable() {
    let rows: [(Credential, fn(Credential)); 3] = [
        (Credential::StripeKey, stripe_key_row),
        (Credential::WebhookSecret, webhook_secret_row),
        (Credential::DatabasePassword, database_password_row),
    ];
    let variants = credential_variants();
    assert_eq!(variants.len(), rows.len(), "a credential kind without a row here: {variants:?}");
    assert_eq!(Credential::ALL.len(), rows.len(), "Credential::ALL misses a kind");
    for (c, row) in rows {
        assert!(variants.contains(&format!("{c:?}")), "{c:?} not in {variants:?}");
        row(c);
    }
}

/// The command that reads credential `c` first, with `dir` as the credentials directory.
fn reading(env: &Env, c: Credential, dir: &Path) -> Run {
    let (cd, db): (_, &dyn AsRef<OsStr>) = (&dir, &"postgres://billctl@127.0.0.1:1/billctl");
    match c {
        Credential::StripeKey => env.cmd_vars(&[("CREDENTIALS_DIRECTORY", cd)], "auth status"),
        Credential::WebhookSecret => {
            env.cmd_vars(&[("CREDENTIALS_DIRECTORY", cd)], "webhooks listen --bind 127.0.0.1:0")
        }
        Credential::DatabasePassword => env
            .cmd_vars(&[("CREDENTIALS_DIRECTORY", cd), ("BILLCTL_DATABASE_URL", db)], "db status"),
    }
}

/// The two services, started on a free port (listen with its secret in `$WH`).
const SERVICES: [&str; 2] =
    ["serve --listen 127.0.0.1:0", "webhooks listen --bind 127.0.0.1:0 --secret-env WH"];

#[test]
fn bad_credential_files_are_refused_naming_the_file() {
    use std::os::unix::fs::symlink;
    let secret = "sk_test_neverprintedsecret000000000099";
    type Make = fn(&Path, &str);
    let cases: [(&str, Make, &str); 8] = [
        (
            "too big",
            |p, s| std::fs::write(p, s.repeat(MAX_LEN as usize / s.len() + 1)).unwrap(),
            "is over 65536 bytes",
        ),
        ("a directory", |p, _| std::fs::create_dir(p).unwrap(), "is not a regular file"),
        ("a symlink loop", |p, _| symlink(p, p).unwrap(), "cannot be read"),
        (
            "a dangling symlink",
            |p, _| symlink(p.with_extension("gone"), p).unwrap(),
            "cannot be read",
        ),
        ("empty", |p, _| std::fs::write(p, "\n").unwrap(), "is empty"),
        // Refused to root too (a sysctl's mode binds root), so the row holds under CI.
        ("unreadable", |p, _| symlink("/proc/sys/vm/drop_caches", p).unwrap(), "cannot be read"),
        (
            "a FIFO",
            |p, _| {
                assert!(Command::new("mkfifo").arg(p).status().unwrap().success());
            },
            "is not a regular file",
        ),
        (
            "not UTF-8",
            |p, s| std::fs::write(p, [s.as_bytes(), &[0xff, 0xfe]].concat()).unwrap(),
            "is not UTF-8",
        ),
    ];
    let env = Env::new();
    for (n, c) in Credential::ALL.into_iter().enumerate() {
        for (i, (what, make, want)) in cases.iter().enumerate() {
            let dir = env.path(&format!("bad-{n}-{i}"));
            std::fs::create_dir_all(&dir).unwrap();
            let file = dir.join(c.name());
            make(&file, secret);
            let r = reading(&env, c, &dir);
            let named = format!("credential {} ({})", c.name(), file.display());
            assert_eq!(r.code, 2, "{} {what}: {}", c.name(), r.stderr);
            let said = r.stderr.contains(&named) && r.stderr.contains(want);
            assert!(said, "{} {what}: {}", c.name(), r.stderr);
            let echoed = r.stderr.contains(&secret[8..]) || r.stdout.contains(&secret[8..]);
            assert!(!echoed, "{what}: echoed");
        }
    }
    // The services check every credential at start: a broken Stripe key stops serve and
    // listen (which would otherwise run without it), naming the file.
    let dir = env.path("bad-services");
    std::fs::create_dir_all(dir.join("stripe-key")).unwrap();
    for args in SERVICES {
        let r = env.cmd_vars(&[("CREDENTIALS_DIRECTORY", &dir), ("WH", &"whsec_x")], args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert!(r.stderr.contains("credential stripe-key ("), "{args:?}: {}", r.stderr);
    }
    // A credentials directory that is not there is an error too, not "no credential".
    for c in Credential::ALL {
        let r = reading(&env, c, &env.path("no-such-dir"));
        assert_eq!(r.code, 2, "{}", r.stderr);
        assert!(r.stderr.contains("CREDENTIALS_DIRECTORY ("), "{}", r.stderr);
    }
    // A webhook-secret line that is not a whsec_ secret (a Stripe key pasted there, say).
    let dir = cred_dir(&env, &[("webhook-secret", &format!("whsec_ok\n{secret}\n"))]);
    let r = reading(&env, Credential::WebhookSecret, &dir);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("line 2 is not a webhook signing secret"), "{}", r.stderr);
    assert!(!r.stderr.contains(&secret[8..]), "{}", r.stderr);
}

/// Where the Stripe key comes from, for the table of hints below.
#[derive(Debug, Clone, Copy, PartialEq)]
enum KeyFrom {
    Credential,
    Variable,
    Keyring,
    Nowhere,
}

const GOOD_KEY: &str = "sk_test_thesimulatorsownkey000000000011";
const WRONG_KEY: &str = "sk_test_WRONGKEY0000000000000000000000000000";
const LIVE_KEY: &str = "sk_live_alivemodekey00000000000000000022";

/// Runs `args` with `key` held by `from` (through `auth login` in a fresh session keyring for
/// the keyring, and out again after), against a simulator that knows only [`GOOD_KEY`].
fn with_key_from(env: &Env, from: KeyFrom, key: &str, args: &[&str]) -> Run {
    if from == KeyFrom::Keyring {
        let script = format!(
            "printf '%s\\n' \"$KEY\" | \"$BILLCTL\" auth login --stdin 2>/dev/null\n\
             rc=0; \"$BILLCTL\" {} > out.txt 2> err.txt || rc=$?; echo $rc > code.txt\n\
             \"$BILLCTL\" auth logout --yes 2>/dev/null",
            args.join(" ")
        );
        let r = common::in_session_keyring(env, &script, false, &[("KEY", key)]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        return Run {
            code: common::read(&env.path("code.txt")).trim().parse().unwrap(),
            stdout: common::read(&env.path("out.txt")),
            stderr: common::read(&env.path("err.txt")),
        };
    }
    let mut c = env.command();
    c.env_remove("BILLCTL_STRIPE_API_KEY").env_remove(billctl::context::TEST_ALLOW_LIVE_BASE_ENV);
    match from {
        KeyFrom::Credential => {
            let dir = env.path("hint-credentials");
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("stripe-key"), format!("{key}\n")).unwrap();
            c.env("CREDENTIALS_DIRECTORY", &dir);
        }
        KeyFrom::Variable => {
            c.env("BILLCTL_STRIPE_API_KEY", key);
        }
        KeyFrom::Keyring | KeyFrom::Nowhere => {}
    }
    common::run(c.args(args))
}

/// What a hint says for each source, and what it must not say (another source's remedy).
fn hint_words(env: &Env, from: KeyFrom) -> (String, Vec<&'static str>) {
    let profile = &env.profile;
    match from {
        KeyFrom::Credential => (
            format!(
                "systemd credential $CREDENTIALS_DIRECTORY/stripe-key ({})",
                env.path("hint-credentials").join("stripe-key").display()
            ),
            vec!["auth login", "set BILLCTL_STRIPE_API_KEY"],
        ),
        KeyFrom::Variable => (
            "the key comes from BILLCTL_STRIPE_API_KEY, which wins over the keyring: set it".into(),
            vec!["auth login", "CREDENTIALS_DIRECTORY"],
        ),
        KeyFrom::Keyring => (
            format!("the key comes from the OS keyring (profile {profile}): run 'billctl auth login' with a current key"),
            vec!["set BILLCTL_STRIPE_API_KEY", "CREDENTIALS_DIRECTORY/"],
        ),
        KeyFrom::Nowhere => (
            format!("set BILLCTL_STRIPE_API_KEY or run 'billctl auth login' (profile {profile})"),
            vec!["the key comes from"],
        ),
    }
}

/// Every place in `src/` that tells how to set or change the Stripe key (the lines naming
/// `auth login`, the variable, or the one function that words the hint): each is a row of
/// the table in `every_hint_to_change_the_key_follows_its_source`, or says why it is not a
/// hint that depends on the source. A new such line fails here until it is placed.
const HINT_SITES: &[(&str, &str, &str)] = &[
    ("src/adapters/secrets.rs", "pub fn how_to_change_key(", "the words of every row"),
    ("src/adapters/secrets.rs", "which wins over {KEY_ENV} and the keyring: put", "the words: credential"),
    ("src/adapters/secrets.rs", "\"the key comes from {KEY_ENV}, which wins", "the words: env"),
    ("src/adapters/secrets.rs", "(profile {profile}): run 'billctl auth login' with", "the words: keyring"),
    ("src/adapters/secrets.rs", "\"set {KEY_ENV} or run 'billctl auth login' (profile", "the words: nowhere"),
    ("src/adapters/secrets.rs", "pub const KEY_ENV", "the variable's name"),
    ("src/adapters/secrets.rs", "Held::StripeKey => format!(\"set {KEY_ENV} instead", "not a hint by source: auth login's remedy when the keyring refuses (auth::login_into_a_keyring_that_refuses_writes...)"),
    ("src/adapters/secrets.rs", "Source::Env => write!(f, \"environment ({KEY_ENV})\")", "not a hint: the source's name"),
    ("src/adapters/secrets.rs", "format!(\"environment ({KEY_ENV}): kept wherever", "not a hint: the store's name"),
    ("src/adapters/secrets.rs", "why: format!(\"{KEY_ENV}: {e}\")", "row key-content-refused (the error; the hint follows it)"),
    ("src/adapters/secrets.rs", "std::env::var(KEY_ENV)", "not a hint: the lookup"),
    ("src/adapters/secrets.rs", "ignored.push(KEY_ENV.to_string())", "not a hint: auth status's ignored list"),
    ("src/adapters/secrets.rs", "(a concurrent 'billctl auth login' of this profile?)", "not a hint by source: a login's own write"),
    ("src/context.rs", "how_to_change_key(None, &profile)", "row no-key"),
    ("src/context.rs", "how_to_change_key(e.source.as_ref(), &profile)", "row key-content-refused"),
    ("src/context.rs", "pub fn key_hint(", "rows stripe-refused-the-key, doctor-*, live-key-refused"),
    ("src/context.rs", "return secrets::how_to_change_key(None, \"default\")", "key_hint without a config: no row (doctor needs the config first)"),
    ("src/context.rs", "secrets::how_to_change_key(source.as_ref(), &profile)", "key_hint"),
    ("src/context.rs", "how_to_change_key(Some(&k.source), &profile)", "key_hint: the key already looked up (it is looked up once)"),
    ("src/context.rs", "assert!(ctx.key_hint().contains(\"auth login\")", "context's unit test of the key looked up once"),
    ("src/context.rs", "let hint = self.key_hint();", "row stripe-refused-the-key"),
    ("src/context.rs", "let live_hint = (key.mode == Mode::Live).then(|| self.key_hint());", "row live-key-refused"),
    ("src/commands/doctor.rs", "let key_hint = ctx.key_hint();", "rows doctor-refused-the-key, doctor-no-client"),
    ("src/commands/auth.rs", "'billctl auth login --stdin < key.txt'", "not a hint by source: login's own flag"),
    ("src/commands/auth.rs", "run 'billctl auth login' again after one", "not a hint by source: login put it in the keyring"),
    ("src/commands/auth.rs", "std::env::var(secrets::KEY_ENV)", "not a hint: login's shadow warning"),
    ("src/commands/auth.rs", "found.push(secrets::KEY_ENV", "not a hint: login's shadow warning"),
    ("src/commands/auth.rs", "how_to_change_key(Some(s), &profile)", "row auth-status-key-refused"),
    ("src/commands/auth.rs", "how_to_change_key(None, &view.profile)", "row auth-status-no-key"),
];

/// The lines of `src/` that name how to set or change the key, as (file, trimmed line).
fn hint_lines() -> Vec<(String, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = Command::new("grep")
        .args([
            "-rnE",
            "auth login|BILLCTL_STRIPE_API_KEY|KEY_ENV|how_to_change_key\\(|key_hint\\(",
        ])
        .arg("src")
        .current_dir(root)
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .filter_map(|l| {
            let mut parts = l.splitn(3, ':');
            let (file, _, text) = (parts.next()?, parts.next()?, parts.next()?.trim());
            let comment = text.starts_with("//") || file == "src/lib.rs";
            (!comment).then(|| (file.to_string(), text.to_string()))
        })
        .collect()
}

/// Every hint that tells how to change the Stripe key names where the key comes from: the
/// credential's file (never `auth login`, which the credential would override), the
/// variable, the keyring, or, with no key, all the ways to set one. One row per message, one
/// column per source; a message added in `src/` without a place in [`HINT_SITES`] fails.
#[test]
fn every_hint_to_change_the_key_follows_its_source() {
    let lines = hint_lines();
    for (file, text) in &lines {
        let placed = HINT_SITES.iter().any(|(f, m, _)| f == file && text.contains(m));
        assert!(placed, "{file}: a line that names how to set the key, not in HINT_SITES (add a row to the table and a site): {text}");
    }
    for (f, m, why) in HINT_SITES {
        let there = lines.iter().any(|(file, text)| file == f && text.contains(m));
        assert!(there, "HINT_SITES: {f} no longer has {m:?} ({why})");
    }
    use KeyFrom::*;
    type Row<'a> = (&'a str, &'a str, &'a [&'a str], &'a [KeyFrom], i32);
    let rows: [Row; 8] = [
        ("no-key", "", &["prices", "check"], &[Nowhere], 2),
        ("auth-status-no-key", "", &["auth", "status"], &[Nowhere], 1),
        ("key-content-refused", "sk_test_x", &["prices", "check"], &[Credential, Variable], 2),
        ("auth-status-key-refused", "sk_test_x", &["auth", "status"], &[Credential, Variable], 2),
        (
            "stripe-refused-the-key",
            WRONG_KEY,
            &["prices", "check"],
            &[Credential, Variable, Keyring],
            2,
        ),
        ("live-key-refused", LIVE_KEY, &["prices", "check"], &[Credential, Variable, Keyring], 2),
        (
            "doctor-refused-the-key",
            WRONG_KEY,
            &["doctor", "--json"],
            &[Credential, Variable, Keyring],
            1,
        ),
        (
            "doctor-no-client",
            LIVE_KEY,
            &["doctor", "--json"],
            &[Credential, Variable, Keyring, Nowhere],
            1,
        ),
    ];
    let env = sim_knowing(GOOD_KEY);
    for (row, key, args, sources, code) in rows {
        for &from in sources {
            let r = with_key_from(&env, from, key, args);
            assert_eq!(r.code, code, "{row} {from:?}: {}{}", r.stdout, r.stderr);
            let said = match args[0] {
                "doctor" => r.json()["checks"][0]["hint"].as_str().unwrap_or("").to_string(),
                _ => r.stderr.clone(),
            };
            let (want, never) = hint_words(&env, from);
            assert!(said.contains(&want), "{row} {from:?}: wants {want:?}: {said}");
            for n in never {
                assert!(!said.contains(n), "{row} {from:?}: says {n:?}: {said}");
            }
        }
    }
}

/// `serve` and `webhooks listen` refuse to start on a credential whose content its consumer
/// would refuse (a stripe-key that is no Stripe key, a webhook-secret line that is no
/// `whsec_` secret), naming the file, exit 2, before they listen: no address on stdout.
#[test]
fn services_refuse_a_credential_they_cannot_use() {
    let env = Env::new();
    let cases: [(&str, &str, &str); 6] = [
        ("stripe-key", "x\n", "not a Stripe secret key"),
        ("stripe-key", "pk_test_publishable00000000\n", "publishable key"),
        (
            "webhook-secret",
            "whsec_ok\nsk_test_pasted000000\n",
            "line 2 is not a webhook signing secret",
        ),
        ("webhook-secret", "whsec_\n", "line 1 is not a webhook signing secret"),
        // A corrupted secret (the second review): a control or a letter beyond ASCII.
        ("webhook-secret", "whsec_abc\u{1b}[31m\n", "line 1 is not a webhook signing secret"),
        (
            "webhook-secret",
            "whsec_ok\nwhsec_\u{e9}t\u{e9}\n",
            "line 2 is not a webhook signing secret",
        ),
    ];
    for (i, (name, text, want)) in cases.into_iter().enumerate() {
        let dir = env.path(&format!("unusable-{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(name), text).unwrap();
        let named = format!("credential {name} ({})", dir.join(name).display());
        for args in SERVICES {
            let vars: [(&str, &dyn AsRef<OsStr>); 2] =
                [("CREDENTIALS_DIRECTORY", &dir), ("WH", &"whsec_fromthevariable")];
            let r = env.cmd_vars(&vars, args);
            assert_eq!(r.code, 2, "{name} {args:?}: {}", r.stderr);
            let said = r.stderr.contains(&named) && r.stderr.contains(want);
            assert!(said, "{name} {args:?}: {}", r.stderr);
            assert!(r.stdout.is_empty(), "{name} {args:?} listened: {}", r.stdout);
            assert!(!r.stderr.contains("pasted000000"), "{}", r.stderr);
        }
    }
}

/// The Stripe key's variable, where it is the key in use (serve's shipped place for a key of
/// its own is serve.env), is checked at start as a credential is: a publishable key there
/// stops `serve` naming the variable, before it listens (the second review).
#[test]
fn services_refuse_an_unusable_key_variable() {
    let env = Env::new();
    let key = "pk_test_abcdefabcdefabcdef";
    let r = env.cmd_vars(&[("BILLCTL_STRIPE_API_KEY", &key)], "serve --listen 127.0.0.1:0");
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("BILLCTL_STRIPE_API_KEY"), "{}", r.stderr);
    assert!(!r.stderr.contains("abcdefabcdef"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
}

/// systemd sets `CREDENTIALS_DIRECTORY` to an absolute path; a relative one (a typo, or a
/// directory that depends on where billctl was started) is refused naming the variable.
#[test]
fn a_relative_credentials_directory_is_refused() {
    let env = Env::new();
    let dir = env.tmp.path().join("rel");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("stripe-key"), format!("{CRED_KEY}\n")).unwrap();
    for args in [&["auth", "status"][..], &["prices", "check"][..]] {
        let mut c = env.command();
        let r = common::run(
            c.current_dir(env.tmp.path()).env("CREDENTIALS_DIRECTORY", "rel").args(args),
        );
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        let said = r.stderr.contains("CREDENTIALS_DIRECTORY (rel) is a relative path");
        assert!(said, "{args:?}: {}", r.stderr);
        assert!(!r.stderr.contains("hint:"), "{args:?}: {}", r.stderr);
    }
}

/// With two sources set, the one that won says so and names the one passed over: `auth
/// status` (human and JSON `ignored`), and `webhooks listen`'s start log (human and JSON).
#[test]
fn the_winning_source_names_what_it_ignored() {
    let mut env = sim_knowing(CRED_KEY);
    env.key = Some(ENV_KEY.into());
    let key = format!("{CRED_KEY}\n");
    let dir = cred_dir(&env, &[("stripe-key", &key), ("webhook-secret", "whsec_fromcred\n")]);
    let run = |line: &str| env.cmd_vars(&[("CREDENTIALS_DIRECTORY", &dir)], line);
    let j = run("auth status --json").ok().json();
    assert_eq!(
        pick(&j, &["source", "ignored"]),
        json!(["credential", ["BILLCTL_STRIPE_API_KEY"]]),
        "{j}"
    );
    let human = run("auth status").ok();
    assert!(human.stdout.contains("ignored: BILLCTL_STRIPE_API_KEY"), "{}", human.stdout);
    // Only the variable: nothing ignored.
    let j = env.cmd("auth status --json").ok().json();
    assert_eq!(pick(&j, &["source", "ignored"]), json!(["env", []]), "{j}");
    // listen: the flag wins over the credential, and says so at start.
    let out = listen(&env, &dir, &["--secret-env", "WH_FLAG"]).stop();
    assert_eq!(out.code, 0, "SIGTERM stops it cleanly: {}", out.stderr);
    let cred = format!("credential webhook-secret ({})", dir.join("webhook-secret").display());
    let said = format!("webhook secrets: 1 from --secret-env WH_FLAG; ignored: {cred}");
    assert!(out.stderr.contains(&said), "{}", out.stderr);
    let out = listen(&env, &dir, &["--log-format", "json"]).stop();
    let line = out
        .stderr
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .find(|l| l.get("secret_source").is_some())
        .unwrap_or_else(|| panic!("no secret_source line: {}", out.stderr));
    assert_eq!(pick(&line, &["secret_source", "ignored"]), json!([cred, []]), "{line}");
}

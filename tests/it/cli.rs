//! The binary's top level: help, version, usage errors, completions (fresh, and touching no
//! store, config, keyring or Stripe), and broken pipes.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it talks to no Stripe at all; the default run covers it.

use crate::common;

use common::Env;

#[test]
fn help_describes_the_tool_and_exits_0() {
    let env = Env::new();
    let r = env.cmd("--help").ok();
    assert!(r.stdout.contains("Usage: billctl"), "{}", r.stdout);
    for cmd in ["setup-products", "prices", "auth", "db", "completions"] {
        assert!(r.stdout.contains(cmd), "{cmd} in help");
    }
    let r = env.cmd("setup-products --help").ok();
    assert!(r.stdout.contains("--prune") && r.stdout.contains("--write-env"));
}

#[test]
fn a_commands_help_shows_its_own_options_first_and_the_global_ones_under_their_heading() {
    let env = Env::new();
    let r = env.cmd("usage report --help").ok();
    let own = r.stdout.find("--customer").expect("its own option");
    let heading = r
        .stdout
        .find("Global options:")
        .unwrap_or_else(|| panic!("a Global options heading:\n{}", r.stdout));
    let global = r.stdout.find("--data-dir").expect("a global option");
    assert!(own < heading && heading < global, "{}", r.stdout);
    // Group descriptions say what the group does.
    let r = env.cmd("--help").ok();
    let said =
        r.stdout.contains("Receive, store, apply, list, replay and backfill Stripe webhooks");
    assert!(said, "{}", r.stdout);
}

#[test]
fn version_prints_the_package_version() {
    let r = Env::new().cmd("--version").ok();
    assert_eq!(r.stdout.trim(), format!("billctl {}", env!("CARGO_PKG_VERSION")));
}

#[test]
fn no_command_or_an_unknown_flag_is_a_usage_error_with_exit_2() {
    let env = Env::new();
    let r = env.cmd("").code(2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("Usage: billctl"));
    let r = env.cmd("--frobnicate").code(2);
    assert!(r.stderr.contains("--frobnicate"));
    let r = env.cmd("--color sometimes db status").code(2);
    assert!(r.stderr.contains("sometimes"));
}

#[test]
fn checked_in_completions_are_fresh() {
    use clap_complete::Shell;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("completions");
    let bless = std::env::var_os("BILLCTL_BLESS").is_some();
    let shells =
        [(Shell::Bash, "billctl.bash"), (Shell::Zsh, "_billctl"), (Shell::Fish, "billctl.fish")];
    for (shell, file) in shells
        .into_iter()
        .chain([(Shell::PowerShell, "_billctl.ps1"), (Shell::Elvish, "billctl.elv")])
    {
        let want = billctl::commands::completions::script(shell);
        let path = dir.join(file);
        if bless {
            std::fs::write(&path, &want).unwrap();
            continue;
        }
        let have = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(have == want, "{} is stale: run BILLCTL_BLESS=1 cargo test --test it checked_in_completions_are_fresh", path.display());
    }
}

/// `completions --man DIR` writes a page for every command and subcommand (clap's own `help`
/// subcommands aside), each naming its command and its options.
#[test]
fn every_subcommand_has_a_man_page() {
    use clap::CommandFactory;
    fn paths(cmd: &clap::Command, name: String, out: &mut Vec<(String, clap::Command)>) {
        for sub in cmd.get_subcommands().filter(|s| s.get_name() != "help") {
            paths(sub, format!("{name}-{}", sub.get_name()), out);
        }
        out.push((name, cmd.clone()));
    }
    let env = Env::new();
    let dir = env.path("man/man1");
    let r = env.cmd(format!("completions --man {}", dir.display())).ok();
    let mut want = Vec::new();
    paths(&billctl::cli::Cli::command(), "billctl".into(), &mut want);
    assert!(want.len() > 60, "{}", want.len());
    assert!(r.stderr.contains(&format!("Wrote {} man pages", want.len())), "{}", r.stderr);
    for (name, cmd) in &want {
        let page = common::read(&dir.join(format!("{name}.1")));
        assert!(page.starts_with(".ie \\n(.g") || page.contains(".TH"), "{name}: {page}");
        assert!(page.contains(&format!(".TH {name} 1")), "{name}: no title");
        for arg in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
            if let Some(long) = arg.get_long() {
                let flag = format!("\\-\\-{}", long.replace('-', "\\-"));
                assert!(page.contains(&flag), "{name}: --{long} missing");
            }
        }
    }
    let files = std::fs::read_dir(&dir).unwrap().count();
    assert_eq!(files, want.len(), "one page per command, no more");
    // Neither a shell nor --man: a usage error naming both.
    let r = env.cmd("completions").code(2);
    assert!(r.stderr.contains("--man") && r.stderr.contains("SHELL"), "{}", r.stderr);
}

#[test]
fn help_version_and_completions_touch_no_store_config_keyring_or_stripe() {
    let env = Env::new();
    let data = env.path("never-created");
    for args in ["--help", "--version", "completions bash", "completions zsh"] {
        let vars: [(&str, &dyn AsRef<std::ffi::OsStr>); 4] = [
            ("BILLCTL_DATA_DIR", &data),
            ("BILLCTL_CONFIG", &"/nonexistent/broken.toml"),
            ("BILLCTL_STRIPE_API_BASE", &"http://127.0.0.1:9/"),
            ("BILLCTL_STRIPE_API_KEY", &""),
        ];
        let r = env.cmd_vars(&vars, args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    }
    assert!(!data.exists(), "no store was created");
    assert!(env.sim.requests().is_empty());
    let r = env.cmd("completions bash").ok();
    assert!(r.stdout.contains("_billctl()"), "a bash completion function");
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let env = Env::new();
    let mut c = env.command();
    c.args(["completions", "bash"]).stdout(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    drop(child.stdout.take());
    let status = child.wait().unwrap();
    assert_eq!(status.code(), Some(0));
}

#[test]
fn the_crate_docs_module_map_lists_every_source_file() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    // The map lives in src/lib.rs's crate documentation (issue 30 moved it from the README).
    let lib = common::read(&root.join("src/lib.rs"));
    let doc = |l: &str| format!("{}\n", l.strip_prefix(' ').unwrap_or(l));
    let docs: String = lib.lines().filter_map(|l| l.strip_prefix("//!")).map(doc).collect();
    let map = docs
        .split("# Module map")
        .nth(1)
        .expect("a Module map section")
        .split("\n#")
        .next()
        .unwrap();
    let row = |l: &str| l.strip_prefix("| `")?.split('`').next().map(String::from);
    let listed: std::collections::BTreeSet<String> = map.lines().filter_map(row).collect();
    let mut files = std::collections::BTreeSet::new();
    let mut dirs = vec![root.join("src")];
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                files.insert(p.strip_prefix(root.join("src")).unwrap().display().to_string());
            }
        }
    }
    let missing: Vec<_> = files.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&files).collect();
    let same = missing.is_empty() && stale.is_empty();
    let why = format!(
        "not in the module map in src/lib.rs: {missing:?}; in it but not in src/: {stale:?}"
    );
    assert!(same, "{why}");
}

/// The workflow layer knows no HTTP (issue 44): every word of the HTTP crates and of the
/// server core is in `src/api/` (the HTTP door) or `src/adapters/server/` (the core), never in
/// `src/ops/`. A workflow returns a typed outcome; its status, code and dialect are the door's.
#[test]
fn the_workflows_in_ops_know_no_http() {
    const HTTP: [&str; 5] = ["hyper", "http::", "StatusCode", "Response<", "server::"];
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/ops");
    let mut found = Vec::new();
    let mut dirs = vec![root.clone()];
    let mut read = 0;
    while let Some(d) = dirs.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
                continue;
            }
            if p.extension().is_none_or(|x| x != "rs") {
                continue;
            }
            read += 1;
            let text = std::fs::read_to_string(&p).unwrap();
            for (n, line) in text.lines().enumerate() {
                for word in HTTP.iter().filter(|w| line.contains(**w)) {
                    found.push(format!("{}:{}: {word}", p.display(), n + 1));
                }
            }
        }
    }
    assert!(read > 20, "read only {read} files under {}", root.display());
    assert!(
        found.is_empty(),
        "HTTP in the workflow layer (move it to src/api/):\n{}",
        found.join("\n")
    );
}

/// Every test file says whether it runs against real Stripe (issue 21): tests/run.sh reads
/// the line to choose what runs with BILLCTL_TEST_STRIPE_KEY and to name why the rest is
/// skipped, and a file without it would be neither run nor named.
#[test]
fn every_test_file_says_whether_it_runs_against_real_stripe() {
    const MARK: &str = "//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): ";
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests");
    let mut runs = Vec::new();
    for entry in std::fs::read_dir(dir.join("it")).unwrap() {
        let path = entry.unwrap().path();
        // main.rs only gathers the modules of the one test binary.
        if path.extension().is_none_or(|e| e != "rs") || path.ends_with("main.rs") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let mark =
            text.lines().take_while(|l| l.starts_with("//!")).find_map(|l| l.strip_prefix(MARK));
        let mark = mark.unwrap_or_else(|| {
            panic!("{} has no line `{MARK}runs.|skipped, as …`", path.display())
        });
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        match mark {
            "runs." => runs.push(name),
            m if m.starts_with("skipped, as ") && m.ends_with('.') && m.len() > 20 => {}
            m => panic!(
                "{}: the mark must say `runs.` or `skipped, as <reason>.`: {m}",
                path.display()
            ),
        }
    }
    assert_eq!(runs, ["live"], "the live-capable files");
    let script = std::fs::read_to_string(dir.join("run.sh")).unwrap();
    assert!(script.contains(&format!("MARK='{MARK}'")), "tests/run.sh reads the same mark");
}

/// Messages say what to do (issue 30): `checkout create` without `--tier` names the flag and
/// the tiers (it said `unknown tier ""`); a zero churn is `$0.00`, never `-$0.00`.
#[test]
fn messages_name_the_flag_and_zero_has_no_sign() {
    let env = Env::with_catalog();
    let r = env.cmd("checkout create --email a@example.com").code(2);
    assert!(r.stderr.contains("needs --tier (one of pro, team, enterprise)"), "{}", r.stderr);
    env.subscribed("zero@example.com", "pro");
    let table = env.cmd("revenue").ok().stdout;
    assert!(table.contains("churn") && table.contains("$0.00"), "{table}");
    assert!(!table.contains("-$0.00"), "{table}");
}

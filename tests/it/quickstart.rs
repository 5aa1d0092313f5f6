//! The README's command examples are executed (issue 30): its `console` blocks, the Quickstart
//! first, are run command by command in bash against the simulator, with billctl from this
//! build; each must exit 0, and where the README shows output, the command's stdout is
//! compared with it (`[..]` matches any text within a line, a line
//! `...` any number of lines), as trycmd does for cargo's and clap's docs. The install and
//! simulator-start lines are the harness's to do; the simulator's URL replaces the README's,
//! and a free port replaces `serve`'s 7878 (issue 42: the Quickstart ends with `billctl serve &`
//! and a `curl` verify; the README's own `curl --retry-connrefused` on `/readyz` waits for it,
//! and whatever the README left running in the background is stopped when the script ends).
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it is the README's walkthrough against the simulator.

use crate::common;

use common::Env;

/// One `$ command` of the block and the lines shown after it.
struct Step {
    command: String,
    expected: Vec<String>,
}

/// Every `$ command` of the README's `console` blocks, in order: the Quickstart's first, then
/// the other examples (revenue, dashboard), which run on in the state it leaves.
fn readme_steps(readme: &str) -> Vec<Step> {
    let from_quickstart = readme.split("## Quickstart\n").nth(1).expect("a Quickstart section");
    let mut steps: Vec<Step> = Vec::new();
    for block in from_quickstart.split("```console\n").skip(1) {
        let block = block.split("\n```").next().unwrap_or_default();
        for line in block.lines() {
            match line.strip_prefix("$ ") {
                Some(cmd) => steps.push(Step { command: cmd.to_string(), expected: Vec::new() }),
                None => steps
                    .last_mut()
                    .expect("output after a command")
                    .expected
                    .push(line.to_string()),
            }
        }
    }
    steps
}

/// Whether `line` matches `pattern`, where each `[..]` matches any text.
fn line_matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split("[..]").collect();
    if parts.len() == 1 {
        return pattern == line;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !line.starts_with(first) || !line[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &line[first.len()..line.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

/// Whether `actual` matches `expected` line by line (`...` matching any number of lines).
fn lines_match(expected: &[String], actual: &[&str]) -> bool {
    match expected.split_first() {
        None => actual.is_empty(),
        Some((p, rest)) if p == "..." => {
            (0..=actual.len()).any(|skip| lines_match(rest, &actual[skip..]))
        }
        Some((p, rest)) => match actual.split_first() {
            Some((a, more)) => line_matches(p, a.trim_end()) && lines_match(rest, more),
            None => false,
        },
    }
}

#[test]
fn the_readme_quickstart_runs_as_shown() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let steps = readme_steps(&readme);
    assert!(steps.len() >= 10, "the Quickstart has its steps");
    let env = Env::new();
    let work = env.path("quickstart");
    std::fs::create_dir_all(&work).unwrap();
    // Background jobs (`billctl serve &`) are stopped and waited for however the script ends.
    let mut script = String::from("trap 'kill $(jobs -p) 2>/dev/null; wait' EXIT\n");
    let serve_port =
        std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut run = Vec::new();
    for (i, step) in steps.iter().enumerate() {
        if step.command.starts_with("cargo install") || step.command.starts_with("stripe-sim ") {
            continue;
        }
        let command = step.command.replace("http://127.0.0.1:12111/", &env.sim.base_url());
        let command = command.replace("127.0.0.1:7878", &format!("127.0.0.1:{serve_port}"));
        script.push_str(&format!("{{ {command}\n}} > out.{i} 2> err.{i}; echo $? > rc.{i}\n"));
        run.push(i);
    }
    std::fs::write(work.join("quickstart.sh"), &script).unwrap();
    let bin_dir =
        std::path::Path::new(env!("CARGO_BIN_EXE_billctl")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin_dir.display(), std::env::var("PATH").unwrap_or_default());
    let mut bash = std::process::Command::new("bash");
    bash.arg("quickstart.sh").current_dir(&work).env_clear().env("PATH", path).env("NO_COLOR", "1");
    bash.env("HOME", env.path("home")).env("XDG_CONFIG_HOME", env.path("xdg-config"));
    let out =
        bash.env("XDG_DATA_HOME", env.path("xdg-data")).output().expect("bash runs the quickstart");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    for i in run {
        let read = |name: &str| std::fs::read_to_string(work.join(format!("{name}.{i}"))).unwrap();
        let (stdout, stderr, rc) = (read("out"), read("err"), read("rc"));
        let step = &steps[i];
        assert_eq!(rc.trim(), "0", "$ {}\n{stderr}", step.command);
        // A command the README shows no output for is checked by its exit code alone (an
        // example like `revenue --html revenue.html`); one it shows output for, line by line.
        let actual: Vec<&str> = stdout.lines().collect();
        let shown = !step.expected.is_empty() || step.command.contains("$(");
        let (cmd, want) = (&step.command, step.expected.join("\n"));
        let same = !shown || lines_match(&step.expected, &actual);
        assert!(
            same,
            "$ {cmd}\nthe README shows:\n{want}\nbillctl printed:\n{stdout}\nstderr:\n{stderr}"
        );
    }
    // The later examples ran too: their pages are there.
    for page in ["revenue.html", "dashboard.html", "oct.html"] {
        let html = std::fs::read_to_string(work.join(page)).unwrap_or_default();
        assert!(html.to_ascii_lowercase().starts_with("<!doctype html>"), "{page}");
    }
    // The walkthrough's end state is in the store: 300 imported calls for Ada, and the one
    // that `serve` recorded for the README's `curl` verify (the later examples may add other
    // customers).
    let data = work.join("billctl-data");
    let store = common::store_at(&data, None);
    let customers = store.customers().unwrap();
    let ada: Vec<_> =
        customers.iter().filter(|c| c.email.as_deref() == Some("ada@example.com")).collect();
    assert_eq!(ada.len(), 1, "{customers:?}");
    assert_eq!(common::usage_total_at(&data, None, &ada[0].id), 301);
    assert!(
        steps.iter().any(|s| s.command.starts_with("billctl serve ") && s.command.contains('&')),
        "the Quickstart starts serve"
    );
}

#[test]
fn the_matcher_can_fail() {
    let exp = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    assert!(line_matches("id: cus_[..] ok", "id: cus_123 ok"));
    assert!(!line_matches("id: cus_[..] ok", "id: sub_123 ok"));
    assert!(lines_match(&exp(&["a", "...", "z"]), &["a", "b", "c", "z"]));
    assert!(!lines_match(&exp(&["a", "z"]), &["a", "b"]));
    assert!(!lines_match(&exp(&["a"]), &["a", "extra"]));
}

/// The README's embedding snippet is the doctest on `Verifier::open`, line for line, so it
/// compiles (issue 30: it called `config::load(None)`, which ignores `BILLCTL_CONFIG`, and used
/// an undefined `data_dir`).
#[test]
fn the_readme_embedding_snippet_is_the_compiled_doctest() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let snippet = readme
        .split("### Embedding the Verifier")
        .nth(1)
        .and_then(|s| s.split("```rust\n").nth(1))
        .and_then(|s| s.split("```").next())
        .expect("the embedding snippet");
    let source = std::fs::read_to_string(root.join("src/ops/verifier/mod.rs")).unwrap();
    let doctest: String = source
        .lines()
        .map(str::trim_start)
        .skip_while(|l| *l != "/// ```no_run")
        .skip(1)
        .take_while(|l| *l != "/// ```")
        .filter_map(|l| l.strip_prefix("/// "))
        .filter(|l| !l.starts_with('#'))
        .map(|l| format!("{l}\n"))
        .collect();
    assert_eq!(snippet, doctest);
}

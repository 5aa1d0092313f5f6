//! `db restore` and `db backup` against crashes, other processes, a full disk and destinations
//! that are not theirs (issue 40): SIGKILL at random steps of a restore and of a backup, the
//! store's lock against imports, `serve` and `webhooks listen`, the free-space check, what a
//! backup may write over, bounded reading of a backup, leftovers and retention.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it tests the local store only; the default run covers it.

use crate::common;

use billctl::faults::{ACTION_ENV, FAULT_ENV, STEPS_ENV};
use common::{Env, Run};
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A webhook event with id `id`, as a file to ingest.
fn event(env: &Env, id: &str) -> String {
    let p = env.path(&format!("{id}.json"));
    std::fs::write(
        &p,
        format!(
            r#"{{"id":"{id}","object":"event","type":"customer.updated","created":1795500000,"livemode":false,"api_version":"2026-09-30.endive","data":{{"object":{{"id":"cus_x","object":"customer"}}}}}}"#
        ),
    )
    .unwrap();
    p.to_str().unwrap().to_string()
}

/// A store whose live state has 2 keys and 2 events, and a backup (returned) of the state
/// with 1 key and 1 event: every state a crash can leave is one of the two, or mixed.
fn two_states(env: &Env) -> PathBuf {
    let customer = env.subscribed("restore@example.com", "pro");
    env.run(&["keys", "issue", "--customer", &customer, "-q"]).ok();
    env.run(&["webhooks", "ingest", &event(env, "evt_new"), "-q"]).ok();
    let backup = env.path("backup-new");
    env.run(&["db", "backup", backup.to_str().unwrap(), "-q"]).ok();
    env.run(&["keys", "issue", "--customer", &customer, "-q"]).ok();
    env.run(&["webhooks", "ingest", &event(env, "evt_old"), "-q"]).ok();
    backup
}

const OLD: (i64, i64) = (2, 2);
const NEW: (i64, i64) = (1, 1);

/// billctl on the data dir `data`.
fn on(env: &Env, data: &Path) -> Command {
    let mut c = env.command();
    c.env("BILLCTL_DATA_DIR", data);
    c
}

/// (API keys, webhook events) in the store in `data`, read by `db status` (which first
/// finishes an interrupted restore).
fn state(env: &Env, data: &Path) -> (i64, i64) {
    let s = common::run(on(env, data).args(["db", "status", "--json"]))
        .ok()
        .json();
    (
        s["tables"]["api_keys"].as_i64().unwrap(),
        s["webhooks"]["tables"]["events"].as_i64().unwrap(),
    )
}

/// Copies the regular files of `from` into the new directory `to`.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        if e.file_type().unwrap().is_file() {
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
    }
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Leftovers no command may leave once the next one has run: staging directories, intents.
fn leftovers(dir: &Path) -> Vec<String> {
    names(dir)
        .into_iter()
        .filter(|n| n.starts_with(".billctl-") || n.contains("restore-intent"))
        .collect()
}

/// A small deterministic generator (the test's random points are the same on every run).
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: usize) -> usize {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        ((self.0 >> 33) % n as u64) as usize
    }
}

/// The steps a whole run of `args` on a copy of `template` goes through, by name.
fn steps_of(env: &Env, template: &Path, args: &[&str], tag: &str) -> Vec<String> {
    let data = env.path(&format!("count-{tag}"));
    copy_dir(template, &data);
    let file = env.path(&format!("steps-{tag}"));
    common::run(on(env, &data).args(args).env(STEPS_ENV, &file)).ok();
    let steps: Vec<String> = common::read(&file).lines().map(String::from).collect();
    std::fs::remove_dir_all(&data).unwrap();
    steps
}

/// Runs `args` on `data`, killed (SIGKILL) at its `step`-th step of `group`.
fn killed_at(env: &Env, data: &Path, args: &[&str], group: &str, step: usize) -> std::process::Output {
    on(env, data)
        .args(args)
        .env(FAULT_ENV, format!("{group}.step@{step}"))
        .env(ACTION_ENV, "kill")
        .output()
        .unwrap()
}

/// 200 SIGKILLs at random steps of `db restore` (and, one time in four, of the next command's
/// finishing of it): after each, the next command opens the store entirely old or entirely
/// new (new exactly when the kill came after the intent was in place), nothing is left
/// behind, and the state before is a sound backup.
#[test]
fn restore_survives_sigkill_at_random_points() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let backup = two_states(&env);
    let template = env.path("template");
    copy_dir(&env.data_dir(), &template);
    let args = ["db", "restore", backup.to_str().unwrap(), "--yes", "-q"];
    let steps = steps_of(&env, &template, &args, "restore");
    let intent = 1 + steps
        .iter()
        .position(|s| s == "restore.intent.written")
        .expect("the intent is a step");
    assert!(steps.len() >= 15, "{steps:?}");
    let mut rng = Lcg(40);
    let (mut old, mut new) = (0, 0);
    for i in 0..200 {
        let k = 1 + rng.below(steps.len());
        let data = env.path(&format!("kill-{i}"));
        copy_dir(&template, &data);
        let out = killed_at(&env, &data, &args, "restore", k);
        let at = &steps[k - 1];
        assert_eq!(out.status.signal(), Some(9), "kill {i} at step {k} ({at}): {out:?}");
        if i % 4 == 0 {
            // The next command is killed too, part way through finishing the restore.
            let m = 1 + rng.below(4);
            let _ = killed_at(&env, &data, &["db", "status", "-q"], "restore", m);
        }
        let want = if k > intent { NEW } else { OLD };
        assert_eq!(state(&env, &data), want, "kill {i} at step {k} ({at})");
        assert_eq!(leftovers(&data), Vec::<String>::new(), "kill {i} at step {k} ({at})");
        let kept: Vec<String> = names(&data)
            .into_iter()
            .filter(|n| n.starts_with("pre-restore-"))
            .collect();
        assert_eq!(kept.len(), usize::from(want == NEW), "kill {i} at {at}: {kept:?}");
        if want == NEW && i % 10 == 0 {
            // The state before is a backup of the old state that a restore takes.
            let pre = data.join(&kept[0]);
            common::run(on(&env, &data).args(["db", "restore", pre.to_str().unwrap(), "--yes", "-q"])).ok();
            assert_eq!(state(&env, &data), OLD, "kill {i} at {at}: the state before");
        }
        if want == NEW {
            new += 1;
        } else {
            old += 1;
        }
        std::fs::remove_dir_all(&data).unwrap();
    }
    assert!(old > 20 && new > 20, "both sides of the intent were hit: {old} old, {new} new");
}

/// SIGKILLs at random steps of `db backup`, to a new path and over an earlier backup with
/// --force: the destination is absent or a whole backup (the earlier one or the new one,
/// never missing), the store is untouched, and the next backup into the same folder removes
/// what the killed one left.
#[test]
fn backup_survives_sigkill_at_random_points() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let earlier = two_states(&env);
    let template = env.path("template");
    copy_dir(&env.data_dir(), &template);
    let folder = env.path("backups");
    std::fs::create_dir_all(&folder).unwrap();
    let dest = folder.join("nightly");
    let fresh = ["db", "backup", dest.to_str().unwrap(), "-q"];
    let steps = steps_of(&env, &template, &fresh, "backup");
    assert!(steps.len() >= 5, "{steps:?}");
    std::fs::remove_dir_all(&dest).unwrap();
    let mut rng = Lcg(41);
    for i in 0..60 {
        let replace = i % 2 == 1;
        if replace {
            copy_dir(&earlier, &dest);
        }
        let mut args = fresh.to_vec();
        if replace {
            args.extend(["--force", "--yes"]);
        }
        let k = 1 + rng.below(steps.len());
        let out = killed_at(&env, &env.data_dir(), &args, "backup", k);
        assert_eq!(out.status.signal(), Some(9), "kill {i} at step {k}: {out:?}");
        match std::fs::symlink_metadata(&dest) {
            Err(_) => assert!(!replace, "kill {i} at {k}: the earlier backup is gone"),
            Ok(_) => {
                common::run(env.command().args(["db", "restore", dest.to_str().unwrap(), "--check", "-q"])).ok();
            }
        }
        // The next backup into the folder removes what the killed one left.
        let other = folder.join("other");
        env.run(&["db", "backup", other.to_str().unwrap(), "-q"]).ok();
        let mut want = vec!["other".to_string()];
        if std::fs::symlink_metadata(&dest).is_ok() {
            want.insert(0, "nightly".to_string());
        }
        assert_eq!(names(&folder), want, "kill {i} at step {k}");
        for d in ["nightly", "other"] {
            let _ = std::fs::remove_dir_all(folder.join(d));
        }
    }
    assert_eq!(state(&env, &env.data_dir()), OLD, "the store was not touched");
}

/// Whether the process `pid` is stopped (SIGSTOP), from /proc.
fn stopped(pid: u32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .ok()
        .and_then(|s| s.rsplit(')').next().map(|r| r.trim_start().starts_with('T')))
        .unwrap_or(false)
}

/// A restore refuses while another billctl process has the store open (a paused import,
/// `serve`, `webhooks listen`), naming it; the import, let go, reports its events and all are
/// in the store. With `--wait` the restore runs once the import is done, and the state
/// before holds every event the import reported.
#[test]
fn restore_refuses_while_the_store_is_open() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let backup = two_states(&env);
    let key = env
        .run(&["keys", "list", "--json"])
        .ok()
        .json()[0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    let import = |tag: &str| {
        let lines: String = (0..2000)
            .map(|i| format!("{{\"id\":\"{tag}{i}\",\"key\":\"{key}\",\"timestamp\":1795500000,\"quantity\":1}}\n"))
            .collect();
        let file = env.path(&format!("{tag}.ndjson"));
        std::fs::write(&file, lines).unwrap();
        env.command()
            .args(["usage", "import", file.to_str().unwrap(), "--json", "--batch-size", "100"])
            .env(FAULT_ENV, "usage.commit@3")
            .env(ACTION_ENV, "stop")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let restore = |extra: &[&str]| {
        let mut c = env.command();
        c.args(["db", "restore", backup.to_str().unwrap(), "--yes"]).args(extra);
        c
    };
    let child = import("first");
    common::wait_for("the import to stop at its third batch", || stopped(child.id()).then_some(()));
    let r = common::run(&mut restore(&[])).code(2);
    assert!(
        r.stderr.contains("in use by billctl usage import") && r.stderr.contains(&format!("pid {}", child.id())),
        "{}",
        r.stderr
    );
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGCONT).unwrap();
    let out = common::to_run(child.wait_with_output().unwrap()).ok().json();
    assert_eq!(out["inserted"], 2000, "{out}");
    assert_eq!(env.count("SELECT count(*) FROM usage_events WHERE event_id LIKE 'first%'", false), 2000);

    // serve and webhooks listen hold it too, for as long as they run.
    let serve = crate::serve::Serve::start(&env, &[]);
    let r = common::run(&mut restore(&[])).code(2);
    assert!(r.stderr.contains("in use by billctl serve"), "{}", r.stderr);
    serve.stop();
    let listen = common::run(env.command().args(["webhooks", "listen", "--help"])).ok();
    assert!(listen.stdout.contains("--bind"));
    let mut child = env
        .command()
        .args(["webhooks", "listen", "--bind", "127.0.0.1:0", "--json", "--secret-env", "WH"])
        .env("WH", "whsec_test_restore_lock")
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(child.stdout.as_mut().unwrap()), &mut first).unwrap();
    assert!(first.contains("listening"), "{first}");
    let r = common::run(&mut restore(&[])).code(2);
    assert!(r.stderr.contains("in use by billctl webhooks"), "{}", r.stderr);
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGTERM).unwrap();
    child.wait().unwrap();
    assert_eq!(env.count("SELECT count(*) FROM usage_events WHERE event_id LIKE 'first%'", false), 2000);

    // --wait: the restore waits for the import, which finishes; the state before has it all.
    let child = import("second");
    common::wait_for("the second import to stop", || stopped(child.id()).then_some(()));
    let waiting = restore(&["--wait", "1h", "--json"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGCONT).unwrap();
    let out = common::to_run(child.wait_with_output().unwrap()).ok().json();
    assert_eq!(out["inserted"], 2000, "{out}");
    let done = common::to_run(waiting.wait_with_output().unwrap()).ok().json();
    let before = PathBuf::from(done["previous"].as_str().unwrap());
    let c = rusqlite::Connection::open(before.join("billctl.db")).unwrap();
    let kept: i64 = c
        .query_row("SELECT count(*) FROM usage_events WHERE event_id LIKE 'first%' OR event_id LIKE 'second%'", [], |r| r.get(0))
        .unwrap();
    assert_eq!(kept, 4000, "every event both imports reported is in the state before");
    assert_eq!(state(&env, &env.data_dir()), NEW);
}

/// `db backup` writes only into a new path or an empty directory; an earlier billctl backup is
/// replaced only with --force; a folder of other backups, the data dir, a regular file, a
/// FIFO, a link and a device node are each refused and left exactly as they were.
#[test]
fn backup_never_replaces_what_is_not_a_backup() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let earlier = two_states(&env);
    let folder = env.path("folder-of-backups");
    std::fs::create_dir_all(&folder).unwrap();
    copy_dir(&earlier, &folder.join("monday"));
    let file = env.path("a-file");
    std::fs::write(&file, b"keep me").unwrap();
    let fifo = env.path("a-fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    let link = env.path("a-link");
    std::os::unix::fs::symlink(env.path("empty-target"), &link).unwrap();
    std::fs::create_dir_all(env.path("empty-target")).unwrap();
    let device = env.path("a-device");
    let made_device = Command::new("mknod").arg(&device).args(["c", "1", "3"]).status().is_ok_and(|s| s.success());
    let data = env.data_dir();
    let mut cases: Vec<(&Path, &str)> = vec![
        (&folder, "not a billctl backup"),
        (&data, "is the data dir"),
        (&file, "not a directory"),
        (&fifo, "not a directory"),
        (&link, "symbolic link"),
    ];
    if made_device {
        cases.push((&device, "not a directory"));
    } else {
        eprintln!("note: mknod is not permitted here; the device row is skipped");
    }
    let snapshot = |p: &Path| -> Vec<(String, Vec<u8>)> {
        let meta = std::fs::symlink_metadata(p).unwrap();
        if meta.is_dir() {
            let mut v = Vec::new();
            for n in names(p) {
                let q = p.join(&n);
                let bytes = if q.is_file() { std::fs::read(&q).unwrap() } else { Vec::new() };
                v.push((n, bytes));
            }
            v
        } else if meta.is_file() {
            vec![(String::new(), std::fs::read(p).unwrap())]
        } else {
            vec![(format!("{:?}", meta.file_type()), Vec::new())]
        }
    };
    for (dest, says) in &cases {
        let before = snapshot(dest);
        for extra in [&[][..], &["--force", "--yes"][..]] {
            let mut args = vec!["db", "backup", dest.to_str().unwrap()];
            args.extend_from_slice(extra);
            let r = env.run(&args).code(2);
            assert!(r.stderr.contains(says), "{} {extra:?}: {}", dest.display(), r.stderr);
            assert_eq!(snapshot(dest), before, "{} {extra:?} is as it was", dest.display());
        }
    }
    // The earlier backup: refused without --force, replaced with it (asked, unless --yes).
    let r = env.run(&["db", "backup", earlier.to_str().unwrap()]).code(2);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    let made_before = common::read(&earlier.join("manifest.json"));
    env.set_now(1_900_000_000);
    env.run(&["db", "backup", earlier.to_str().unwrap(), "--force", "--yes", "-q"]).ok();
    assert_ne!(common::read(&earlier.join("manifest.json")), made_before);
    assert_eq!(names(&earlier), ["billctl.db", "manifest.json", "webhooks.db"]);
    // An empty directory takes a backup.
    let empty = env.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    env.run(&["db", "backup", empty.to_str().unwrap(), "-q"]).ok();
    assert_eq!(names(&empty), ["billctl.db", "manifest.json", "webhooks.db"]);
}

/// Reading a backup is bounded: a FIFO as `manifest.json` or `billctl.db`, `manifest.json` as
/// a link to /dev/zero, and `billctl.db` as a link to the real file are each refused at once,
/// for --check and for a restore, and the store is unchanged.
#[test]
fn reading_a_backup_is_bounded() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let good = two_states(&env);
    type Plant = fn(&Path, &Path);
    let cases: &[(&str, Plant, &str)] = &[
        ("manifest-fifo", |d, _| {
            std::fs::remove_file(d.join("manifest.json")).unwrap();
            nix::unistd::mkfifo(&d.join("manifest.json"), nix::sys::stat::Mode::S_IRWXU).unwrap();
        }, "not a regular file"),
        ("db-fifo", |d, _| {
            std::fs::remove_file(d.join("billctl.db")).unwrap();
            nix::unistd::mkfifo(&d.join("billctl.db"), nix::sys::stat::Mode::S_IRWXU).unwrap();
        }, "not a regular file"),
        ("manifest-zero", |d, _| {
            std::fs::remove_file(d.join("manifest.json")).unwrap();
            std::os::unix::fs::symlink("/dev/zero", d.join("manifest.json")).unwrap();
        }, "manifest"),
        ("db-link", |d, good| {
            std::fs::remove_file(d.join("billctl.db")).unwrap();
            std::os::unix::fs::symlink(good.join("billctl.db"), d.join("billctl.db")).unwrap();
        }, "billctl.db"),
    ];
    let before = state(&env, &env.data_dir());
    for (name, plant, says) in cases {
        let dir = env.path(name);
        copy_dir(&good, &dir);
        plant(&dir, &good);
        for extra in ["--check", "--yes"] {
            let r = env.run(&["db", "restore", dir.to_str().unwrap(), extra]).code(2);
            assert!(r.stderr.contains(says), "{name} {extra}: {}", r.stderr);
        }
    }
    assert_eq!(state(&env, &env.data_dir()), before);
    assert_eq!(leftovers(&env.data_dir()), Vec::<String>::new());
}

/// A restore the disk has no room for is refused before anything is staged, with the figures;
/// on a disk that fills after staging, the restore fails with nothing changed and nothing left.
/// Runs on a small tmpfs (needs root or a user namespace to mount one).
#[test]
fn a_full_disk_changes_nothing() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let backup = two_states(&env);
    let mount = env.path("small");
    std::fs::create_dir_all(&mount).unwrap();
    let ok = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=4m", "tmpfs"])
        .arg(&mount)
        .status()
        .is_ok_and(|s| s.success());
    if !ok {
        eprintln!("note: cannot mount a tmpfs here (not root); the full-disk test is skipped");
        return;
    }
    struct Unmount(PathBuf);
    impl Drop for Unmount {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(&self.0).status();
        }
    }
    let _unmount = Unmount(mount.clone());
    let data = mount.join("data");
    copy_dir(&env.data_dir(), &data);
    let filler = mount.join("filler");
    // Leave less than the restore needs (twice the backup, and 1 MiB).
    let backup_bytes: u64 = ["billctl.db", "webhooks.db"]
        .iter()
        .map(|f| std::fs::metadata(backup.join(f)).unwrap().len())
        .sum();
    let free = nix::sys::statvfs::statvfs(&mount).unwrap();
    let free = free.blocks_available() as u64 * free.fragment_size() as u64;
    let fill = free - (backup_bytes + (1 << 19));
    std::fs::write(&filler, vec![0u8; fill as usize]).unwrap();
    let listing = names(&data);
    let args = ["db", "restore", backup.to_str().unwrap(), "--yes"];
    let r = common::run(on(&env, &data).args(args)).code(2);
    assert!(r.stderr.contains("restoring needs") && r.stderr.contains("free") && r.stderr.contains("nothing was changed"), "{}", r.stderr);
    assert_eq!(names(&data), listing);
    assert_eq!(state(&env, &data), OLD);
    // Room for the check, then the disk fills after the files are staged and the live ones
    // checkpointed (which frees what their WALs held), before the state before is written.
    std::fs::remove_file(&filler).unwrap();
    let template = env.path("template");
    copy_dir(&data, &template);
    let steps = steps_of(&env, &template, &args, "full");
    let at = 1 + steps.iter().position(|s| s == "restore.previous.made").unwrap();
    let child = on(&env, &data)
        .args(args)
        .env(FAULT_ENV, format!("restore.step@{at}"))
        .env(ACTION_ENV, "stop")
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    common::wait_for("the restore to stop after staging", || stopped(child.id()).then_some(()));
    // Fill it to the last byte (a failed write of a chunk may leave room for a smaller one).
    let mut f = std::fs::File::create(&filler).unwrap();
    for size in [1 << 16, 1 << 12, 1] {
        let chunk = vec![0u8; size];
        while std::io::Write::write_all(&mut f, &chunk).is_ok() {}
    }
    drop(f);
    nix::sys::signal::kill(nix::unistd::Pid::from_raw(child.id() as i32), nix::sys::signal::Signal::SIGCONT).unwrap();
    let r = common::to_run(child.wait_with_output().unwrap());
    std::fs::remove_file(&filler).unwrap();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("No space left") || r.stderr.contains("nothing was changed"), "{}", r.stderr);
    assert_eq!(state(&env, &data), OLD);
    assert_eq!(leftovers(&data), Vec::<String>::new());
    // With room, it restores.
    common::run(on(&env, &data).args(args)).ok();
    assert_eq!(state(&env, &data), NEW);
}

/// Stale staging directories are removed by the next command; pre-restore copies beyond the
/// newest three are removed by a restore, and `doctor` reports copies beyond that number
/// (left by an older billctl, or by hand) and leftovers it cannot remove.
#[test]
fn leftovers_are_cleaned_and_retention_is_kept() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let backup = two_states(&env);
    let data = env.data_dir();
    for n in [".billctl-restore-x1", ".billctl-backup-x2", ".billctl-previous-x3", ".billctl-check-x4"] {
        std::fs::create_dir_all(data.join(n)).unwrap();
        std::fs::write(data.join(n).join("billctl.db"), b"half a copy").unwrap();
    }
    env.run(&["keys", "list", "-q"]).ok();
    assert_eq!(leftovers(&data), Vec::<String>::new());
    for i in 0..5 {
        env.set_now(1_900_000_000 + i * 60);
        let r = env.run(&["db", "restore", backup.to_str().unwrap(), "--yes", "--json"]).ok().json();
        let pruned = r["pruned"].as_array().unwrap().len();
        assert_eq!(pruned, usize::from(i >= 3), "restore {i}: {r}");
    }
    let kept: Vec<String> = names(&data).into_iter().filter(|n| n.starts_with("pre-restore-")).collect();
    assert_eq!(kept.len(), 3, "{kept:?}");
    // A copy made by hand beyond the three: doctor says so.
    copy_dir(&data.join(&kept[0]), &data.join("pre-restore-20000101T000000Z"));
    let r = env.run(&["doctor", "--json"]);
    assert!(r.stdout.contains("pre-restore"), "{}", r.stdout);
    assert!(r.stdout.contains("4 pre-restore copies"), "{}", r.stdout);
}

/// `db backup` says the webhook secret file is not in the backup when there is one.
#[test]
fn backup_names_the_secrets_it_leaves_out() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let secrets = env.data_dir().join("webhook-secrets");
    env.run(&["db", "status", "-q"]).ok();
    std::fs::write(&secrets, "we_1 whsec_abc\n").unwrap();
    let dest = env.path("b");
    let r = env.run(&["db", "backup", dest.to_str().unwrap(), "--json"]).ok().json();
    assert_eq!(r["left_out"][0], secrets.display().to_string(), "{r}");
    assert!(!dest.join("webhook-secrets").exists());
    let dest = env.path("c");
    let r: Run = env.run(&["db", "backup", dest.to_str().unwrap()]).ok();
    assert!(
        r.stderr.contains("Not in the backup") || r.stdout.contains("Not in the backup"),
        "{} {}",
        r.stdout,
        r.stderr
    );
}

/// Every file of `src/` that opens an SQLite connection, with why it may: the live store is
/// opened only through `store::open_db`, which takes the store's lock first. A new file that
/// opens SQLite fails this test until it has a row (and a reason).
#[test]
fn only_the_store_opens_sqlite_and_under_the_lock() {
    let allowed: &[(&str, &str)] = &[
        ("src/store/mod.rs", "open_db: takes the store's lock (shared) before opening"),
        ("src/store/check.rs", "a backup's staged copies in a private staging directory"),
        ("src/store/backup.rs", "read snapshots of the live files while the caller's Store holds the lock; new backup files"),
        ("src/store/restore.rs", "checkpoints the live files while holding the lock alone"),
    ];
    let mut found = Vec::new();
    let mut stack = vec![PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if std::fs::read_to_string(&p).unwrap().contains("Connection::open") {
                let rel = p.strip_prefix(env!("CARGO_MANIFEST_DIR")).unwrap();
                found.push(rel.display().to_string());
            }
        }
    }
    found.sort();
    let mut want: Vec<String> = allowed.iter().map(|(f, _)| f.to_string()).collect();
    want.sort();
    assert_eq!(found, want, "files that open SQLite (add a row, with its reason, or go through store::open_db)");
}

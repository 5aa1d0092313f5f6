//! `db restore` and `db backup` against crashes, other processes, a full disk and destinations
//! that are not theirs (issue 40): SIGKILL at random steps of a restore and of a backup, the
//! store's lock against imports, `serve` and `webhooks listen`, the free-space check, what a
//! backup may write over, bounded reading of a backup, leftovers and retention.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it tests the local store only; the default run covers it.

use crate::common;

use billctl::util::faults::{ACTION_ENV, FAULT_ENV, STEPS_ENV};
use common::tests2::{finish, signal, With};
use common::{Env, Run};
use nix::sys::signal::Signal::SIGCONT;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A webhook event with id `id`, as a file to ingest.
fn event(env: &Env, id: &str) -> String {
    env.file(&format!("{id}.json"), common::tests2::customer_updated(id)).display().to_string()
}

/// A store whose live state has 2 keys and 2 events, and a backup (returned) of the state
/// with 1 key and 1 event: every state a crash can leave is one of the two, or mixed.
fn two_states(env: &Env) -> PathBuf {
    let customer = env.subscribed("restore@example.com", "pro");
    env.cmd(format!("keys issue --customer {customer} -q")).ok();
    env.cmd(format!("webhooks ingest {} -q", event(env, "evt_new"))).ok();
    let backup = env.path("backup-new");
    env.cmd(format!("db backup {} -q", backup.display())).ok();
    env.cmd(format!("keys issue --customer {customer} -q")).ok();
    env.cmd(format!("webhooks ingest {} -q", event(env, "evt_old"))).ok();
    backup
}

const OLD: (i64, i64) = (2, 2);
const NEW: (i64, i64) = (1, 1);

/// billctl on the data dir `data`.
fn on<'a>(env: &'a Env, data: &Path) -> With<'a> {
    env.with("BILLCTL_DATA_DIR", data)
}

/// (API keys, webhook events) in the store in `data`, read by `db status` (which first
/// finishes an interrupted restore).
fn state(env: &Env, data: &Path) -> (i64, i64) {
    state_said(env, data).0
}

/// [`state`], and what `db status` said on stderr.
fn state_said(env: &Env, data: &Path) -> ((i64, i64), String) {
    let r = on(env, data).cmd("db status --json").ok();
    let s = r.json();
    (
        (
            s["tables"]["api_keys"].as_i64().unwrap(),
            s["webhooks"]["tables"]["events"].as_i64().unwrap(),
        ),
        r.stderr,
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

/// A mount at `at` (`mount ARGS AT`), unmounted when dropped; none where mounting is not
/// permitted (not root).
struct Unmount(PathBuf);

impl Drop for Unmount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn mounted(args: &[&str], at: &Path) -> Option<Unmount> {
    Command::new("mount")
        .args(args)
        .arg(at)
        .status()
        .is_ok_and(|s| s.success())
        .then(|| Unmount(at.to_path_buf()))
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
fn steps_of(env: &Env, template: &Path, args: &str, tag: &str) -> Vec<String> {
    let data = env.path(&format!("count-{tag}"));
    copy_dir(template, &data);
    let file = env.path(&format!("steps-{tag}"));
    on(env, &data).with(STEPS_ENV, &file).cmd(args).ok();
    let steps: Vec<String> = common::read(&file).lines().map(String::from).collect();
    std::fs::remove_dir_all(&data).unwrap();
    steps
}

/// Runs `args` on `data`, killed (SIGKILL) at its `step`-th step of `group`.
fn killed_at(env: &Env, data: &Path, args: &str, group: &str, step: usize) -> std::process::Output {
    let on = on(env, data).with(FAULT_ENV, format!("{group}.step@{step}"));
    on.with(ACTION_ENV, "kill").command(args).output().unwrap()
}

/// billctl on `data`, stopped (SIGSTOP) at the fault point `at`.
fn stopping_at<'a>(env: &'a Env, data: &Path, at: &str) -> With<'a> {
    on(env, data).with(FAULT_ENV, at).with(ACTION_ENV, "stop")
}

/// The pre-restore copies in `data`.
fn pre_restore(data: &Path) -> Vec<String> {
    names(data).into_iter().filter(|n| n.starts_with("pre-restore-")).collect()
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
    let args = format!("db restore {} --yes -q", backup.display());
    let steps = steps_of(&env, &template, &args, "restore");
    let intent =
        1 + steps.iter().position(|s| s == "restore.intent.written").expect("the intent is a step");
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
        let again = i % 4 == 0;
        if again {
            // The next command is killed too, part way through finishing the restore.
            let m = 1 + rng.below(4);
            let _ = killed_at(&env, &data, "db status -q", "restore", m);
        }
        let want = if k > intent { NEW } else { OLD };
        let (got, said) = state_said(&env, &data);
        assert_eq!(got, want, "kill {i} at step {k} ({at})");
        if want == NEW && !again && at != "restore.intent.removed" {
            // The command that finished the restore says so.
            assert!(said.contains("finished an interrupted restore"), "kill {i} at {at}: {said}");
        }
        assert_eq!(leftovers(&data), Vec::<String>::new(), "kill {i} at step {k} ({at})");
        let kept = pre_restore(&data);
        assert_eq!(kept.len(), usize::from(want == NEW), "kill {i} at {at}: {kept:?}");
        if want == NEW && i % 10 == 0 {
            // The state before is a backup of the old state that a restore takes.
            let pre = data.join(&kept[0]);
            on(&env, &data).cmd(format!("db restore {} --yes -q", pre.display())).ok();
            assert_eq!(state(&env, &data), OLD, "kill {i} at {at}: the state before");
        }
        if want == NEW {
            new += 1;
        } else {
            old += 1;
        }
        std::fs::remove_dir_all(&data).unwrap();
    }
    eprintln!(
        "200 kills over {} steps ({steps:?}): {old} left the old state, {new} the new",
        steps.len()
    );
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
    let fresh = format!("db backup {} -q", dest.display());
    let steps = steps_of(&env, &template, &fresh, "backup");
    assert!(steps.len() >= 5, "{steps:?}");
    std::fs::remove_dir_all(&dest).unwrap();
    let mut rng = Lcg(41);
    for i in 0..60 {
        let replace = i % 2 == 1;
        if replace {
            copy_dir(&earlier, &dest);
        }
        let args = if replace { format!("{fresh} --force --yes") } else { fresh.clone() };
        let k = 1 + rng.below(steps.len());
        let out = killed_at(&env, &env.data_dir(), &args, "backup", k);
        assert_eq!(out.status.signal(), Some(9), "kill {i} at step {k}: {out:?}");
        match std::fs::symlink_metadata(&dest) {
            Err(_) => assert!(!replace, "kill {i} at {k}: the earlier backup is gone"),
            Ok(_) => {
                env.cmd(format!("db restore {} --check -q", dest.display())).ok();
            }
        }
        // The next backup into the folder removes what the killed one left.
        let other = folder.join("other");
        env.cmd(format!("db backup {} -q", other.display())).ok();
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
pub(crate) fn stopped(pid: u32) -> bool {
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
    let key = env.cmd("keys list --json").ok().json()[0]["id"].as_str().unwrap().to_string();
    let import = |tag: &str| {
        let lines: String = (0..2000)
            .map(|i| format!("{{\"id\":\"{tag}{i}\",\"key\":\"{key}\",\"timestamp\":1795500000,\"quantity\":1}}\n"))
            .collect();
        let file = env.file(&format!("{tag}.ndjson"), lines);
        let line = format!("usage import {} --json --batch-size 100", file.display());
        stopping_at(&env, &env.data_dir(), "usage.commit@3").spawn(line)
    };
    let restore = format!("db restore {} --yes", backup.display());
    let child = import("first");
    common::wait_for("the import to stop at its third batch", || stopped(child.id()).then_some(()));
    let r = env.cmd(&restore).code(2);
    assert!(
        r.stderr.contains("in use by billctl usage import")
            && r.stderr.contains(&format!("pid {}", child.id())),
        "{}",
        r.stderr
    );
    signal(&child, SIGCONT);
    let out = finish(child).ok().json();
    assert_eq!(out["inserted"], 2000, "{out}");
    let first = "SELECT count(*) FROM usage_events WHERE event_id LIKE 'first%'";
    assert_eq!(env.count(first, false), 2000);

    // serve and webhooks listen hold it too, for as long as they run.
    let serve = crate::serve::Serve::start(&env, &[]);
    let r = env.cmd(&restore).code(2);
    assert!(r.stderr.contains("in use by billctl serve"), "{}", r.stderr);
    serve.stop();
    let listen = env.cmd("webhooks listen --help").ok();
    assert!(listen.stdout.contains("--bind"));
    let mut child = env
        .with("WH", "whsec_test_restore_lock")
        .spawn("webhooks listen --bind 127.0.0.1:0 --json --secret-env WH");
    let first_line = common::tests2::first_line(&mut child);
    assert!(first_line.contains("listening"), "{first_line}");
    let r = env.cmd(&restore).code(2);
    assert!(r.stderr.contains("in use by billctl webhooks"), "{}", r.stderr);
    signal(&child, nix::sys::signal::Signal::SIGTERM);
    child.wait().unwrap();
    assert_eq!(env.count(first, false), 2000);

    // --wait: the restore waits for the import, which finishes; the state before has it all.
    let child = import("second");
    common::wait_for("the second import to stop", || stopped(child.id()).then_some(()));
    let waiting = env.spawn(format!("{restore} --wait 1h --json"));
    signal(&child, SIGCONT);
    let out = finish(child).ok().json();
    assert_eq!(out["inserted"], 2000, "{out}");
    let done = finish(waiting).ok().json();
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
    let file = env.file("a-file", b"keep me");
    let fifo = env.path("a-fifo");
    nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
    let link = env.path("a-link");
    std::os::unix::fs::symlink(env.path("empty-target"), &link).unwrap();
    std::fs::create_dir_all(env.path("empty-target")).unwrap();
    let device = env.path("a-device");
    let made_device = Command::new("mknod")
        .arg(&device)
        .args(["c", "1", "3"])
        .status()
        .is_ok_and(|s| s.success());
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
        for extra in ["", "--force --yes"] {
            let r = env.cmd(format!("db backup {} {extra}", dest.display())).code(2);
            assert!(r.stderr.contains(says), "{} {extra:?}: {}", dest.display(), r.stderr);
            assert_eq!(snapshot(dest), before, "{} {extra:?} is as it was", dest.display());
        }
    }
    // Things of the user's in the folder that start like billctl's staging names are never
    // taken for leftovers of a killed backup.
    let theirs = folder.join(".billctl-backup-2026-11-monthly");
    std::fs::create_dir_all(&theirs).unwrap();
    std::fs::write(theirs.join("important.txt"), b"precious").unwrap();
    std::fs::write(folder.join(".restore-intent-draft"), b"x").unwrap();
    env.cmd(format!("db backup {} -q", folder.join("tuesday").display())).ok();
    assert_eq!(common::read(&theirs.join("important.txt")), "precious");
    assert!(folder.join(".restore-intent-draft").exists());
    // The earlier backup: refused without --force, replaced with it (asked, unless --yes).
    let r = env.cmd(format!("db backup {}", earlier.display())).code(2);
    assert!(r.stderr.contains("--force"), "{}", r.stderr);
    let made_before = common::read(&earlier.join("manifest.json"));
    env.set_now(1_900_000_000);
    env.cmd(format!("db backup {} --force --yes -q", earlier.display())).ok();
    assert_ne!(common::read(&earlier.join("manifest.json")), made_before);
    assert_eq!(names(&earlier), ["billctl.db", "manifest.json", "webhooks.db"]);
    // An empty directory takes a backup.
    let empty = env.path("empty");
    std::fs::create_dir_all(&empty).unwrap();
    env.cmd(format!("db backup {} -q", empty.display())).ok();
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
    // `name` in the backup `d` replaced by a FIFO, or by a link to `to`.
    fn fifo(d: &Path, name: &str) {
        std::fs::remove_file(d.join(name)).unwrap();
        nix::unistd::mkfifo(&d.join(name), nix::sys::stat::Mode::S_IRWXU).unwrap();
    }
    fn link(to: &Path, d: &Path, name: &str) {
        std::fs::remove_file(d.join(name)).unwrap();
        std::os::unix::fs::symlink(to, d.join(name)).unwrap();
    }
    let cases: &[(&str, Plant, &str)] = &[
        ("manifest-fifo", |d, _| fifo(d, "manifest.json"), "not a regular file"),
        ("db-fifo", |d, _| fifo(d, "billctl.db"), "not a regular file"),
        ("manifest-zero", |d, _| link(Path::new("/dev/zero"), d, "manifest.json"), "manifest"),
        (
            "created-far-ahead",
            |d, _| {
                let p = d.join("manifest.json");
                let mut m: serde_json::Value = serde_json::from_str(&common::read(&p)).unwrap();
                m["created_at"] = i64::MAX.into();
                std::fs::write(&p, m.to_string()).unwrap();
            },
            "is not a time a backup was made",
        ),
        ("db-link", |d, good| link(&good.join("billctl.db"), d, "billctl.db"), "billctl.db"),
    ];
    let before = state(&env, &env.data_dir());
    for (name, plant, says) in cases {
        let dir = env.path(name);
        copy_dir(&good, &dir);
        plant(&dir, &good);
        for extra in ["--check", "--yes"] {
            let r = env.cmd(format!("db restore {} {extra}", dir.display())).code(2);
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
    let Some(_unmount) = mounted(&["-t", "tmpfs", "-o", "size=4m", "tmpfs"], &mount) else {
        eprintln!("note: cannot mount a tmpfs here (not root); the full-disk test is skipped");
        return;
    };
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
    let args = format!("db restore {} --yes", backup.display());
    let r = on(&env, &data).cmd(&args).code(2);
    assert!(
        r.stderr.contains("restoring needs")
            && r.stderr.contains("free")
            && r.stderr.contains("nothing was changed"),
        "{}",
        r.stderr
    );
    assert_eq!(names(&data), listing);
    assert_eq!(state(&env, &data), OLD);
    // Room for the check, then the disk fills after the files are staged and the live ones
    // checkpointed (which frees what their WALs held), before the state before is written.
    std::fs::remove_file(&filler).unwrap();
    let template = env.path("template");
    copy_dir(&data, &template);
    let steps = steps_of(&env, &template, &args, "full");
    let at = 1 + steps.iter().position(|s| s == "restore.previous.made").unwrap();
    let child = stopping_at(&env, &data, &format!("restore.step@{at}")).spawn(&args);
    common::wait_for("the restore to stop after staging", || stopped(child.id()).then_some(()));
    // Fill it to the last byte (a failed write of a chunk may leave room for a smaller one).
    let mut f = std::fs::File::create(&filler).unwrap();
    for size in [1 << 16, 1 << 12, 1] {
        let chunk = vec![0u8; size];
        while std::io::Write::write_all(&mut f, &chunk).is_ok() {}
    }
    drop(f);
    signal(&child, SIGCONT);
    let r = finish(child);
    std::fs::remove_file(&filler).unwrap();
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("No space left") || r.stderr.contains("nothing was changed"),
        "{}",
        r.stderr
    );
    assert_eq!(state(&env, &data), OLD);
    assert_eq!(leftovers(&data), Vec::<String>::new());
    // With room, it restores.
    on(&env, &data).cmd(&args).ok();
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
    let hex = "0123456789abcdef0123456789abcdef01234567";
    for p in [".billctl-restore-", ".billctl-backup-", ".billctl-previous-", ".billctl-check-"] {
        let n = format!("{p}{hex}");
        std::fs::create_dir_all(data.join(&n)).unwrap();
        std::fs::write(data.join(&n).join("billctl.db"), b"half a copy").unwrap();
    }
    std::fs::write(data.join(format!(".restore-intent-{hex}")), b"{}").unwrap();
    // Not a name billctl makes: left alone.
    std::fs::create_dir_all(data.join(".billctl-restore-mine")).unwrap();
    env.cmd("keys list -q").ok();
    assert_eq!(leftovers(&data), vec![".billctl-restore-mine".to_string()]);
    std::fs::remove_dir(data.join(".billctl-restore-mine")).unwrap();
    for i in 0..5 {
        env.set_now(1_900_000_000 + i * 60);
        let r = env.cmd(format!("db restore {} --yes --json", backup.display())).ok().json();
        let pruned = r["pruned"].as_array().unwrap().len();
        assert_eq!(pruned, usize::from(i >= 3), "restore {i}: {r}");
    }
    let kept = pre_restore(&data);
    assert_eq!(kept.len(), 3, "{kept:?}");
    // A copy made by hand beyond the three: doctor says so.
    copy_dir(&data.join(&kept[0]), &data.join("pre-restore-20000101T000000Z"));
    let r = env.cmd("doctor --json");
    assert!(r.stdout.contains("pre-restore"), "{}", r.stdout);
    assert!(r.stdout.contains("4 pre-restore copies"), "{}", r.stdout);
}

/// An opener looks for leftovers only when the data dir's link count shows a subdirectory (one
/// `fstat`, not a listing, on every open): a restore's intent file that an earlier billctl
/// left directly in a data dir without one stays, and `doctor` says to remove it, never that
/// the next command will; once a leftover directory is there, the next command removes both.
#[test]
fn a_lone_leftover_file_is_named_by_doctor_and_removed_with_the_next_leftover_directory() {
    use std::os::unix::fs::MetadataExt;
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let data = env.data_dir();
    env.cmd("keys list -q").ok();
    let hex = "0123456789abcdef0123456789abcdef01234567";
    let file = data.join(format!(".restore-intent-{hex}"));
    std::fs::write(&file, b"{}").unwrap();
    if std::fs::metadata(&data).unwrap().nlink() == 2 {
        env.cmd("keys list -q").ok();
        assert!(file.exists(), "no subdirectory: the data dir is not listed");
        let r = env.cmd("doctor --json");
        assert!(
            r.stdout.contains(".restore-intent-") && r.stdout.contains("remove them (an earlier"),
            "{}",
            r.stdout
        );
        assert!(!r.stdout.contains("the next command removes them"), "{}", r.stdout);
    }
    let dir = data.join(format!(".billctl-check-{hex}"));
    std::fs::create_dir(&dir).unwrap();
    env.cmd("keys list -q").ok();
    assert_eq!(leftovers(&data), Vec::<String>::new());
}

/// `db backup` says the webhook secret file is not in the backup when there is one.
#[test]
fn backup_names_the_secrets_it_leaves_out() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let secrets = env.data_dir().join("webhook-secrets");
    env.cmd("db status -q").ok();
    std::fs::write(&secrets, "we_1 whsec_abc\n").unwrap();
    let dest = env.path("b");
    let r = env.cmd(format!("db backup {} --json", dest.display())).ok().json();
    assert_eq!(r["left_out"][0], secrets.display().to_string(), "{r}");
    assert!(!dest.join("webhook-secrets").exists());
    let dest = env.path("c");
    let r: Run = env.cmd(format!("db backup {}", dest.display())).ok();
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
        ("src/adapters/store/mod.rs", "open_db: takes the store's lock (shared) before opening"),
        ("src/adapters/store/check.rs", "a backup's staged copies in a private staging directory"),
        ("src/adapters/store/backup.rs", "read snapshots of the live files while the caller's Store holds the lock; new backup files"),
        ("src/adapters/store/restore.rs", "checkpoints the live files while holding the lock alone"),
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
    assert_eq!(
        found, want,
        "files that open SQLite (add a row, with its reason, or go through store::open_db)"
    );
}

/// A command waiting for the store while another finishes an interrupted restore does not go
/// on when that one dies part way: it finishes the restore itself first. Nothing it then
/// writes is lost, and the state before keeps the old files.
#[test]
fn a_waiter_finishes_a_restore_whose_finisher_died() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let backup = two_states(&env);
    let data = env.data_dir();
    let args = format!("db restore {} --yes -q", backup.display());
    let steps = steps_of(&env, &data, &args, "race");
    let after = 1 + steps.iter().position(|s| s == "restore.live.kept").unwrap();
    let out = killed_at(&env, &data, &args, "restore", after);
    assert_eq!(out.status.signal(), Some(9));
    // A finisher, stopped after it moved the first live file aside (holding the lock alone).
    let mut finisher = stopping_at(&env, &data, "restore.step@2").spawn("db status -q");
    common::wait_for("the finisher to stop", || stopped(finisher.id()).then_some(()));
    // A writer arrives and waits for the lock (its steps file says so).
    let waits = env.path("waits");
    let ingest = format!("webhooks ingest {} --json", event(&env, "evt_during"));
    let writer = on(&env, &data).with(STEPS_ENV, &waits).spawn(ingest);
    common::wait_for("the writer to wait for the lock", || {
        std::fs::read_to_string(&waits).ok().filter(|t| t.contains("lock.waiting")).map(|_| ())
    });
    finisher.kill().unwrap();
    finisher.wait().unwrap();
    let r = finish(writer).ok();
    assert!(r.stderr.contains("finished an interrupted restore"), "{}", r.stderr);
    // The backup's state, plus the event the writer stored.
    assert_eq!(state(&env, &data), (1, 2));
    assert_eq!(env.count("SELECT count(*) FROM events WHERE id = 'evt_during'", true), 1);
    let kept = pre_restore(&data);
    let before = rusqlite::Connection::open(data.join(&kept[0]).join("webhooks.db")).unwrap();
    let old: i64 = before
        .query_row("SELECT count(*) FROM events WHERE id IN ('evt_old', 'evt_new')", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(old, 2, "the state before keeps the old webhook events");
}

/// A restore refuses a store file a process outside billctl has open, even idle (SQLite's own
/// locks show it), and a store file that is a symbolic link; both change nothing.
#[test]
fn a_restore_refuses_outside_openers_and_linked_files() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let backup = two_states(&env);
    let data = env.data_dir();
    let restore = format!("db restore {} --yes", backup.display());
    let me = format!("pid {}", std::process::id());
    // Open and idle (it has read, so SQLite holds a lock), and open without having read.
    for read in [true, false] {
        let outsider = rusqlite::Connection::open(data.join("billctl.db")).unwrap();
        if read {
            let _: i64 =
                outsider.query_row("SELECT count(*) FROM api_keys", [], |r| r.get(0)).unwrap();
        }
        let r = env.cmd(&restore).code(2);
        assert!(
            r.stderr.contains("outside billctl") && r.stderr.contains(&me),
            "read {read}: {}",
            r.stderr
        );
        drop(outsider);
        assert_eq!(state(&env, &data), OLD);
    }
    // Opened while the restore stages the backup: refused before the intent, nothing moved.
    let child = stopping_at(&env, &data, "restore.step@2").spawn(&restore);
    common::wait_for("the restore to stop while staging", || stopped(child.id()).then_some(()));
    let outsider = rusqlite::Connection::open(data.join("billctl.db")).unwrap();
    signal(&child, SIGCONT);
    let r = finish(child);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("outside billctl") && r.stderr.contains(&me), "{}", r.stderr);
    drop(outsider);
    assert_eq!(state(&env, &data), OLD);
    assert_eq!(leftovers(&data), Vec::<String>::new());
    // A store file mounted into the data dir (as a container volume of one file does).
    let host = env.path("host");
    std::fs::create_dir_all(&host).unwrap();
    std::fs::copy(data.join("webhooks.db"), host.join("webhooks.db")).unwrap();
    let file = host.join("webhooks.db");
    if let Some(mount) = mounted(&["--bind", file.to_str().unwrap()], &data.join("webhooks.db")) {
        let r = env.cmd(&restore).code(2);
        drop(mount);
        assert!(
            r.stderr.contains("is a mount point") && r.stderr.contains("nothing was changed"),
            "{}",
            r.stderr
        );
        assert_eq!(state(&env, &data), OLD);
    } else {
        eprintln!("note: cannot bind-mount here (not root); the mount-point row is skipped");
    }
    // billctl.db kept on another disk, linked into the data dir.
    let elsewhere = env.path("elsewhere");
    std::fs::create_dir_all(&elsewhere).unwrap();
    std::fs::rename(data.join("billctl.db"), elsewhere.join("billctl.db")).unwrap();
    for side in ["-wal", "-shm"] {
        let _ = std::fs::rename(
            data.join(format!("billctl.db{side}")),
            elsewhere.join(format!("billctl.db{side}")),
        );
    }
    std::os::unix::fs::symlink(elsewhere.join("billctl.db"), data.join("billctl.db")).unwrap();
    let r = env.cmd(&restore).code(2);
    assert!(
        r.stderr.contains("is a symbolic link") && r.stderr.contains("nothing was changed"),
        "{}",
        r.stderr
    );
    assert!(std::fs::symlink_metadata(data.join("billctl.db")).unwrap().file_type().is_symlink());
    assert_eq!(leftovers(&data), Vec::<String>::new());
}

/// The copy a restore just made is never pruned, whatever the clock says, and copies made in
/// one second are ordered by their number (`-2` before `-10`).
#[test]
fn retention_keeps_the_copy_just_made_and_orders_by_number() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let backup = two_states(&env);
    let data = env.data_dir();
    let restore = format!("db restore {} --yes --json", backup.display());
    env.set_now(1_900_000_000);
    for _ in 0..11 {
        env.cmd(&restore).ok();
    }
    let kept = pre_restore(&data);
    let stamp = "pre-restore-20300317T174640Z";
    let want: Vec<String> = ["-10", "-11", "-9"].iter().map(|n| format!("{stamp}{n}")).collect();
    assert_eq!(kept, want, "the newest three of one second");
    // The clock goes back a year: the copy this restore makes stays.
    env.set_now(1_900_000_000 - 365 * 86_400);
    let r = env.cmd(&restore).ok().json();
    let made = r["previous"].as_str().unwrap().to_string();
    assert!(std::path::Path::new(&made).join("manifest.json").exists(), "{r}");
    assert!(!r["pruned"].as_array().unwrap().iter().any(|p| p == made.as_str()), "{r}");
    assert_eq!(pre_restore(&data).len(), 3);
}

/// The output-path guard knows the data dir by device and inode: reached through a bind mount,
/// a store file that does not exist yet is still refused. (Needs root to bind-mount.)
#[test]
fn the_guard_sees_the_data_dir_through_a_bind_mount() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    env.cmd("db status -q").ok();
    let mount = env.path("bind");
    std::fs::create_dir_all(&mount).unwrap();
    let data = env.data_dir();
    let Some(_unmount) = mounted(&["--bind", data.to_str().unwrap()], &mount) else {
        eprintln!("note: cannot bind-mount here (not root); skipped");
        return;
    };
    for name in ["restore-intent.json", "webhook-secrets", "billctl.db-journal"] {
        let out = mount.join(name);
        let r = env.cmd(format!("dashboard --out {}", out.display())).code(2);
        assert!(r.stderr.contains("one of the store's files"), "{name}: {}", r.stderr);
        assert!(!env.data_dir().join(name).exists(), "{name}");
    }
    env.cmd("db status -q").ok();
}

/// A data dir where webhooks were never used (no webhooks.db) is restored, and the state
/// before is a whole backup that `db restore` takes; an interrupted restore's copy that a
/// later restore finished is kept by retention; and when the store fails to open after a
/// command finished a restore, the error says the restore was finished.
#[test]
fn the_state_before_is_always_a_backup_and_finishing_is_said() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let backup = two_states(&env);
    let fresh = env.path("fresh");
    on(&env, &fresh).cmd("keys list -q").ok();
    assert!(!fresh.join("webhooks.db").exists());
    let restore = format!("db restore {} --yes --json", backup.display());
    let r = on(&env, &fresh).cmd(&restore).ok().json();
    let before = r["previous"].as_str().unwrap().to_string();
    on(&env, &fresh).cmd(format!("db restore {before} --check")).ok();
    on(&env, &fresh).cmd(format!("db restore {before} --yes -q")).ok();
    assert_eq!(state(&env, &fresh), (0, 0));

    // Three copies; a restore interrupted after its intent; the next restore finishes it and
    // keeps its copy, whatever the clock said.
    let data = env.data_dir();
    for i in 1..=3 {
        env.set_now(1_900_000_000 + i * 100);
        env.cmd(&restore).ok();
    }
    env.set_now(1_900_000_050);
    let args = format!("db restore {} --yes -q", backup.display());
    let steps = steps_of(&env, &data, &args, "earlier");
    let at = 1 + steps.iter().position(|s| s == "restore.live.kept").unwrap();
    // steps_of ran a whole restore on a copy; this one is killed on the real data dir.
    assert_eq!(killed_at(&env, &data, &args, "restore", at).status.signal(), Some(9));
    env.set_now(1_900_000_400);
    let r = env.cmd(&restore).ok().json();
    let earlier = r["finished_earlier"]["previous"].as_str().unwrap().to_string();
    assert!(std::path::Path::new(&earlier).join("manifest.json").exists(), "{r}");
    assert!(!r["pruned"].as_array().unwrap().iter().any(|p| p == earlier.as_str()), "{r}");

    // A restore interrupted after its intent, whose staged billctl.db is not a database: the
    // next command finishes the restore, then fails to open the store, and says both.
    let at = 1 + steps.iter().position(|s| s == "restore.intent.written").unwrap();
    assert_eq!(killed_at(&env, &data, &args, "restore", at + 1).status.signal(), Some(9));
    let staging = names(&data).into_iter().find(|n| n.starts_with(".billctl-restore-")).unwrap();
    std::fs::write(data.join(&staging).join("billctl.db"), b"not a database at all").unwrap();
    let r = env.cmd("keys list").code(2);
    assert!(r.stderr.contains("an interrupted restore was finished first"), "{}", r.stderr);
}

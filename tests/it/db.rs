//! `billctl db status|backup`, and the store's file modes.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it tests the local store only; the default run covers it.

use crate::common;

use common::Env;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

/// The permission bits of `p`.
fn mode(p: impl AsRef<Path>) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

/// A stored webhook event's JSON, with this id and created.
fn event(id: &str, created: i64) -> String {
    format!(
        r#"{{"id":"{id}","object":"event","type":"customer.updated","created":{created},"livemode":false,"api_version":"2026-09-30.endive","data":{{"object":{{"id":"cus_x","object":"customer"}}}}}}"#
    )
}

#[test]
fn status_shows_path_version_and_counts_and_backup_copies_online() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::new();
    env.cmd("setup-products --yes").ok();
    let s = env.cmd("db status --json").ok().json();
    let path = env.data_dir().join("billctl.db");
    assert_eq!(s["path"], path.to_str().unwrap());
    assert_eq!(s["schema_version"], 14);
    assert_eq!(s["tables"]["catalog_tiers"], 3);
    assert_eq!(s["tables"]["catalog_prices"], 3);
    assert_eq!(mode(env.data_dir()), 0o700);
    assert_eq!(mode(&path), 0o600);
    let human = env.cmd("db status").ok();
    let said = human.stdout.contains("schema version: 14");
    assert!(said && human.stdout.contains("catalog_tiers"), "{}", human.stdout);

    assert_eq!(s["webhooks"]["schema_version"], 2);
    assert_eq!(s["webhooks"]["path"], env.data_dir().join("webhooks.db").to_str().unwrap());
    assert_eq!(s["webhooks"]["tables"]["events"], 0);
    assert!(human.stdout.contains("webhooks.db") && human.stdout.contains("receipts"));
}

/// Counts of rows that tell the two files' states apart.
fn fingerprint(env: &Env) -> (i64, i64, i64) {
    let s = env.json("db status");
    let n = |p: &str| s.pointer(p).and_then(|v| v.as_i64()).unwrap();
    (n("/tables/catalog_prices"), n("/tables/api_keys"), n("/webhooks/tables/events"))
}

/// `db backup DIR` copies both files with a manifest; `db restore DIR` checks it, keeps the
/// current state, and brings both back; a damaged backup is refused with nothing changed.
#[test]
fn backup_and_restore_cover_both_files() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let customer = env.subscribed("db@example.com", "pro");
    env.cmd(format!("keys issue --customer {customer}")).ok();
    // One stored webhook event.
    let file = env.write("evt.json", event("evt_db1", 1795500000));
    env.cmd(format!("webhooks ingest {file} -q"));
    let before = fingerprint(&env);
    assert_eq!((before.1, before.2), (1, 1), "{before:?}");

    let dest = env.path("backups/nightly");
    std::fs::create_dir_all(env.path("backups")).unwrap();
    let out = env.cmd(format!("db backup {} --json", dest.display())).ok().json();
    let files = out["manifest"]["files"].as_array().unwrap();
    let names: Vec<&str> = files.iter().map(|f| f["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["billctl.db", "webhooks.db"]);
    for f in ["billctl.db", "webhooks.db", "manifest.json"] {
        assert_eq!(mode(dest.join(f)), 0o600, "{f}");
    }
    assert_eq!(mode(&dest), 0o700);
    let r = env.cmd(format!("db backup {}", dest.display())).code(2);
    let said = r.stderr.contains("pass --force");
    assert!(said, "an earlier backup is replaced only with --force: {}", r.stderr);
    let r = env.cmd(format!("db backup {} --force", dest.display())).code(2);
    assert!(r.stderr.contains("--yes"), "replacing asks first: {}", r.stderr);

    // Change both files, then restore.
    env.cmd(format!("keys issue --customer {customer}")).ok();
    env.write("evt.json", event("evt_db2", 1795500001));
    env.cmd(format!("webhooks ingest {file} -q"));
    let changed = fingerprint(&env);
    assert_eq!((changed.1, changed.2), (2, 2));
    let r = env.cmd(format!("db restore {}", dest.display())).code(2);
    assert!(r.stderr.contains("--yes"), "restoring asks first: {}", r.stderr);
    assert_eq!(fingerprint(&env), changed, "declined: nothing changed");
    env.cmd(format!("db restore {} --check", dest.display())).ok();
    let restored = env.cmd(format!("db restore {} --yes --json", dest.display())).ok().json();
    assert_eq!(fingerprint(&env), before, "both files are back");
    let previous = PathBuf::from(restored["previous"].as_str().unwrap());
    assert!(previous.join("manifest.json").exists(), "the state before was kept");
    // The live store is still in WAL mode and sound.
    let c = rusqlite::Connection::open(env.data_dir().join("billctl.db")).unwrap();
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
    drop(c); // a restore refuses a store file open outside billctl
    assert_eq!(env.store().integrity_check().unwrap(), "ok");
    // Restoring the pre-restore backup brings the changes back.
    env.cmd(format!("db restore {} --yes -q", previous.display())).ok();
    assert_eq!(fingerprint(&env), changed);

    // A damaged backup is refused before anything changes.
    let bytes = std::fs::read(dest.join("webhooks.db")).unwrap();
    let mut damaged = bytes.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0xff;
    std::fs::write(dest.join("webhooks.db"), &damaged).unwrap();
    let r = env.cmd(format!("db restore {} --yes", dest.display())).code(2);
    assert!(r.stderr.contains("does not match the manifest"), "{}", r.stderr);
    assert_eq!(fingerprint(&env), changed);
    let r = env.cmd(format!("db restore {} --yes", env.path("backups").display())).code(2);
    assert!(r.stderr.contains("not a billctl backup"), "{}", r.stderr);
}

/// `--data-dir` on a directory billctl did not create keeps its mode, with a warning; one it
/// creates is 0700.
#[test]
fn the_data_dir_mode_changes_only_when_billctl_created_it() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::new();
    let shared = env.path("shared-home");
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o755)).unwrap();
    let r = env.cmd(format!("--data-dir {} db status", shared.display())).ok();
    assert!(r.stderr.contains("warning") && r.stderr.contains("0755"), "{}", r.stderr);
    assert_eq!(mode(&shared), 0o755, "left as it was");
    assert_eq!(mode(shared.join("billctl.db")), 0o600);
    let fresh = env.path("fresh/nested");
    let r = env.cmd(format!("--data-dir {} db status", fresh.display())).ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    assert_eq!(mode(&fresh), 0o700);
}

#[test]
fn the_data_dir_follows_flag_then_env_then_xdg() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::new();
    let flag_dir = env.path("from-flag");
    let s = env.cmd(format!("--data-dir {} db status --json", flag_dir.display())).ok().json();
    assert!(s["path"].as_str().unwrap().starts_with(flag_dir.to_str().unwrap()));
    let s = env.cmd_vars(&[("BILLCTL_DATA_DIR", &"")], "db status --json").json();
    assert_eq!(s["path"], env.path("xdg-data/billctl/billctl.db").to_str().unwrap());
}

/// SHA-256 of every store file in the data dir (main files and their WAL), with the names of
/// the data dir's entries: a refused restore leaves all of it byte for byte as it was.
fn store_checksum(env: &Env) -> (Vec<(String, String)>, Vec<String>) {
    use sha2::Digest;
    let mut files = Vec::new();
    for name in ["billctl.db", "billctl.db-wal", "webhooks.db", "webhooks.db-wal"] {
        if let Ok(bytes) = std::fs::read(env.data_dir().join(name)) {
            files.push((name.to_string(), hex::encode(sha2::Sha256::digest(&bytes))));
        }
    }
    let dir = std::fs::read_dir(env.data_dir()).unwrap();
    let mut entries: Vec<String> =
        dir.map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    entries.sort();
    (files, entries)
}

/// A copy of the backup `from` at `to` whose `file` was changed by `sql` and marked
/// `version`, with a manifest rewritten to match (size, SHA-256, the stated version): what a
/// hand-made or hostile backup looks like. `stated` overrides the manifest's version.
fn tampered(from: &Path, to: &Path, file: &str, sql: &str, version: i64, stated: Option<i64>) {
    std::fs::create_dir_all(to).unwrap();
    for f in ["billctl.db", "webhooks.db", "manifest.json"] {
        std::fs::copy(from.join(f), to.join(f)).unwrap();
    }
    let path = to.join(file);
    if sql == "EMPTY" {
        std::fs::remove_file(&path).unwrap();
    }
    {
        let c = rusqlite::Connection::open(&path).unwrap();
        if sql != "EMPTY" {
            c.execute_batch(sql).unwrap();
        }
        c.pragma_update(None, "user_version", version).unwrap();
        c.execute_batch("VACUUM").unwrap();
    }
    match_manifest(to, file, Some(stated.unwrap_or(version)));
}

/// A copy of the backup `from` at `to` whose `file` holds the same schema and rows in UTF-16,
/// with a manifest made to match.
fn utf16_copy(from: &Path, to: &Path, file: &str) {
    std::fs::create_dir_all(to).unwrap();
    for f in ["billctl.db", "webhooks.db", "manifest.json"] {
        if f != file {
            std::fs::copy(from.join(f), to.join(f)).unwrap();
        }
    }
    std::fs::copy(from.join("manifest.json"), to.join("manifest.json")).unwrap();
    let c = rusqlite::Connection::open(to.join(file)).unwrap();
    c.execute_batch("PRAGMA encoding = 'UTF-16le'").unwrap();
    let good = rusqlite::Connection::open(from.join(file)).unwrap();
    let objects: Vec<(String, String, String)> = {
        let mut st = good
            .prepare("SELECT type, name, sql FROM sqlite_schema WHERE sql IS NOT NULL ORDER BY type = 'table' DESC, rowid")
            .unwrap();
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?))).unwrap();
        rows.map(|r| r.unwrap()).collect()
    };
    for (kind, name, sql) in &objects {
        c.execute_batch(sql).unwrap();
        if kind != "table" {
            continue;
        }
        let mut st = good.prepare(&format!("SELECT * FROM \"{name}\"")).unwrap();
        let n = st.column_count();
        let marks = vec!["?"; n].join(", ");
        let mut ins = c.prepare(&format!("INSERT INTO \"{name}\" VALUES ({marks})")).unwrap();
        let mut rows = st.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            let vals: Vec<rusqlite::types::Value> = (0..n).map(|i| r.get(i).unwrap()).collect();
            ins.execute(rusqlite::params_from_iter(vals)).unwrap();
        }
    }
    let version: i64 = good.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
    c.pragma_update(None, "user_version", version).unwrap();
    drop(c);
    match_manifest(to, file, None);
}

/// Rewrites the manifest in `dir` so that `file`'s size and SHA-256 (and, if given, its schema
/// version) match the file as it now is: a backup changed by hand, made to look sound.
fn match_manifest(dir: &Path, file: &str, version: Option<i64>) {
    use sha2::Digest;
    let bytes = std::fs::read(dir.join(file)).unwrap();
    let mut m: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("manifest.json")).unwrap()).unwrap();
    for f in m["files"].as_array_mut().unwrap() {
        if f["name"] == file {
            f["bytes"] = bytes.len().into();
            f["sha256"] = hex::encode(sha2::Sha256::digest(&bytes)).into();
            if let Some(v) = version {
                f["schema_version"] = v.into();
            }
        }
    }
    std::fs::write(dir.join("manifest.json"), serde_json::to_vec(&m).unwrap()).unwrap();
}

/// `db restore` checks what it restores (issue 29): a file's schema version is read from the
/// file, its tables, columns and indexes must be billctl's at that version, and no trigger or
/// view billctl did not make may come along. Each refusal names the file, for `--check` and
/// for a restore, and leaves the store byte for byte unchanged, with no pre-restore copy made.
#[test]
fn restore_refuses_a_backup_that_is_not_billctls_schema() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let customer = env.subscribed("schema@example.com", "pro");
    env.cmd(format!("keys issue --customer {customer}")).ok();
    let good = env.path("good");
    env.cmd(format!("db backup {}", good.display())).ok();
    env.cmd(format!("keys issue --customer {customer}")).ok();
    // The schema version this billctl makes.
    let cur = env.json("db status")["schema_version"].as_i64().unwrap();
    let stated_cur = format!("but the manifest says {cur}");
    // (backup dir, file, SQL, user_version, the manifest's version if not that, the refusal)
    type Case<'a> = (&'a str, &'a str, &'a str, i64, Option<i64>, &'a str);
    let cases: &[Case] = &[
        ("v99", "billctl.db", "SELECT 1", 99, None, "newer than this billctl knows"),
        ("v99-stated-cur", "billctl.db", "SELECT 1", 99, Some(cur), &stated_cur),
        ("v3", "billctl.db", "SELECT 1", 3, None, "is not part of billctl's schema (version 3)"),
        ("foo", "billctl.db", "EMPTY", 0, None, "not a billctl"),
        ("foo-cur", "billctl.db", "CREATE TABLE foo (x)", cur, None, "table foo is not part of billctl's schema"),
        ("empty-cur", "billctl.db", "EMPTY", cur, None, "is missing"),
        ("view", "billctl.db", "DROP TABLE api_keys; CREATE VIEW api_keys AS SELECT 1 AS id", cur, None, "view api_keys is not part of billctl's schema"),
        ("trigger", "billctl.db", "CREATE TRIGGER wipe AFTER INSERT ON usage_events BEGIN DELETE FROM usage_events; DELETE FROM api_keys; END", cur, None, "trigger wipe is not part of billctl's schema"),
        ("hook-trigger", "webhooks.db", "CREATE TRIGGER t AFTER INSERT ON events BEGIN DELETE FROM events; END", 2, None, "trigger t is not part of billctl's schema"),
        // Issue 40: no object is skipped by a name pattern (LIKE 'sqlite_%' let `_` and any
        // case through), and SQLite's own names are compared by exact name and row.
        ("like-underscore", "billctl.db", "CREATE TRIGGER sqliteXunrevoke AFTER UPDATE ON api_keys BEGIN SELECT 1; END", cur, None, "trigger sqliteXunrevoke is not part of billctl's schema"),
        ("like-case", "webhooks.db", "CREATE TRIGGER SQLITE1drop AFTER INSERT ON events BEGIN DELETE FROM events; END", 2, None, "trigger SQLITE1drop is not part of billctl's schema"),
        ("reserved-name", "webhooks.db", "PRAGMA writable_schema = ON; INSERT INTO sqlite_schema VALUES ('trigger', 'sqlite_stat1', 'events', 0, 'CREATE TRIGGER sqlite_stat1 AFTER INSERT ON events BEGIN DELETE FROM events; END'); PRAGMA writable_schema = OFF", 2, None, "trigger sqlite_stat1 is not part of billctl's schema"),
        // A row whose foreign key points at nothing (foreign_key_check).
        ("orphan", "billctl.db", "PRAGMA foreign_keys = OFF; INSERT INTO catalog_prices SELECT 'orphan_key', 'nosuchtier', price_id, env, is_primary, amount, currency, interval, interval_count, synced_at FROM catalog_prices LIMIT 1", cur, None, "refers to a row of catalog_tiers that is not there"),
    ];
    let before = store_checksum(&env);
    for (dir, file, sql, version, stated, says) in cases {
        let bad = env.path(dir);
        tampered(&good, &bad, file, sql, *version, *stated);
        let named = bad.join(file).display().to_string();
        for extra in ["--check", "--yes"] {
            let r = env.cmd(format!("db restore {} {extra}", bad.display())).code(2);
            let said = r.stderr.contains(says) && r.stderr.contains(&named);
            assert!(said, "{dir} {extra:?}: {}", r.stderr);
        }
        assert_eq!(store_checksum(&env), before, "{dir}: the store is unchanged");
    }
    // A file that is not SQLite at all (its manifest made to match): refused, the file named.
    {
        let junk_dir = env.path("junk");
        std::fs::create_dir_all(&junk_dir).unwrap();
        for f in ["billctl.db", "webhooks.db", "manifest.json"] {
            std::fs::copy(good.join(f), junk_dir.join(f)).unwrap();
        }
        let junk = b"this is not a database, just some text of a reasonable length....".repeat(100);
        std::fs::write(junk_dir.join("billctl.db"), &junk).unwrap();
        match_manifest(&junk_dir, "billctl.db", None);
        let r = env.cmd(format!("db restore {} --check", junk_dir.display())).code(2);
        let named = junk_dir.join("billctl.db").display().to_string();
        assert!(r.stderr.contains(&named), "{}", r.stderr);
        assert_eq!(store_checksum(&env), before);
    }
    // A WAL, shared-memory file or journal beside a file of the backup is refused: a restore
    // reads the file alone, so what is beside it would be checked but not restored.
    for db in ["billctl.db", "webhooks.db"] {
        for suffix in ["-wal", "-shm", "-journal"] {
            let bad = env.path(&format!("side{suffix}-{db}"));
            tampered(&good, &bad, db, "SELECT 1", if db == "webhooks.db" { 2 } else { cur }, None);
            let side = bad.join(format!("{db}{suffix}"));
            std::fs::write(&side, b"").unwrap();
            for extra in ["--check", "--yes"] {
                let r = env.cmd(format!("db restore {} {extra}", bad.display())).code(2);
                let said =
                    r.stderr.contains(&side.display().to_string()) && r.stderr.contains("refused");
                assert!(said, "{db}{suffix} {extra}: {}", r.stderr);
            }
        }
    }
    // A UTF-16 copy (the same schema and rows) is refused by --check, as by a restore: what
    // --check calls sound, a restore applies.
    let utf16 = env.path("utf16");
    utf16_copy(&good, &utf16, "billctl.db");
    for extra in ["--check", "--yes"] {
        let r = env.cmd(format!("db restore {} {extra}", utf16.display())).code(2);
        assert!(r.stderr.contains("not UTF-8"), "{extra}: {}", r.stderr);
    }
    assert_eq!(store_checksum(&env), before, "the store is unchanged");
    // SQLite's own statistics tables (ANALYZE) are exempt by exact name: such a backup is sound.
    let analyzed = env.path("analyzed");
    tampered(&good, &analyzed, "billctl.db", "ANALYZE", cur, None);
    env.cmd(format!("db restore {} --check", analyzed.display())).ok();
    // --check writes nothing into the backup directory (no -shm, no -wal, bytes as they were).
    let listing = |d: &Path| {
        let entry = |e: std::fs::DirEntry| {
            (e.file_name().into_string().unwrap(), std::fs::read(e.path()).unwrap())
        };
        let mut v: Vec<(String, Vec<u8>)> =
            std::fs::read_dir(d).unwrap().map(|e| entry(e.unwrap())).collect();
        v.sort();
        v
    };
    let seen = listing(&good);
    // The store still works, and the good backup restores.
    env.cmd(format!("db restore {} --check", good.display())).ok();
    assert_eq!(listing(&good), seen, "--check left the backup as it was");
    env.cmd(format!("db restore {} --yes -q", good.display())).ok();
    assert_eq!(fingerprint(&env).1, 1);
}

/// A backup of another page size than the live store's is restored whole (the staged file
/// replaces the live one, so its page size comes along), and the store stays in WAL mode.
/// (All or nothing across crashes: `restore::restore_survives_sigkill_at_random_points`.)
#[test]
fn restore_takes_another_page_size() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::with_catalog();
    let customer = env.subscribed("swap@example.com", "pro");
    let dest = env.path("nightly");
    env.cmd(format!("db backup {}", dest.display())).ok();
    env.cmd(format!("keys issue --customer {customer}")).ok();
    // A backup whose billctl.db has 8 KiB pages (the live store has 4 KiB) restores both files.
    let big = env.path("big-pages");
    let cur = env.json("db status")["schema_version"].as_i64().unwrap();
    tampered(&dest, &big, "billctl.db", "PRAGMA page_size = 8192", cur, None);
    let c = rusqlite::Connection::open(big.join("billctl.db")).unwrap();
    assert_eq!(c.query_row("PRAGMA page_size", [], |r| r.get::<_, i64>(0)).unwrap(), 8192);
    drop(c);
    env.cmd(format!("db restore {} --yes -q", big.display())).ok();
    assert_eq!(fingerprint(&env), (3, 0, 0), "both files restored");
    let c = rusqlite::Connection::open(env.data_dir().join("billctl.db")).unwrap();
    let mode: String = c.query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
    assert_eq!(mode, "wal");
}

//! `billctl db status|backup`, and the store's file modes.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it tests the local store only; the default run covers it.

mod common;

use common::Env;
use std::os::unix::fs::PermissionsExt;

#[test]
fn status_shows_path_version_and_counts_and_backup_copies_online() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::new();
    env.run(&["setup-products", "--yes"]).ok();
    let s = env.run(&["db", "status", "--json"]).ok().json();
    let path = env.data_dir().join("billctl.db");
    assert_eq!(s["path"], path.to_str().unwrap());
    assert_eq!(s["schema_version"], 8);
    assert_eq!(s["tables"]["catalog_tiers"], 3);
    assert_eq!(s["tables"]["catalog_prices"], 3);
    assert_eq!(
        std::fs::metadata(env.data_dir())
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o700
    );
    assert_eq!(
        std::fs::metadata(&path).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let human = env.run(&["db", "status"]).ok();
    assert!(
        human.stdout.contains("schema version: 8") && human.stdout.contains("catalog_tiers"),
        "{}",
        human.stdout
    );

    assert_eq!(s["webhooks"]["schema_version"], 1);
    assert_eq!(
        s["webhooks"]["path"],
        env.data_dir().join("webhooks.db").to_str().unwrap()
    );
    assert_eq!(s["webhooks"]["tables"]["events"], 0);
    assert!(human.stdout.contains("webhooks.db") && human.stdout.contains("receipts"));
}

/// Counts of rows that tell the two files' states apart.
fn fingerprint(env: &Env) -> (i64, i64, i64) {
    let s = env.run(&["db", "status", "--json"]).ok().json();
    (
        s["tables"]["catalog_prices"].as_i64().unwrap(),
        s["tables"]["api_keys"].as_i64().unwrap(),
        s["webhooks"]["tables"]["events"].as_i64().unwrap(),
    )
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
    env.run(&["keys", "issue", "--customer", &customer]).ok();
    // One stored webhook event.
    let event = env.path("evt.json");
    std::fs::write(
        &event,
        r#"{"id":"evt_db1","object":"event","type":"customer.updated","created":1795500000,"livemode":false,"api_version":"2026-09-30.endive","data":{"object":{"id":"cus_x","object":"customer"}}}"#,
    )
    .unwrap();
    env.run(&["webhooks", "ingest", event.to_str().unwrap(), "-q"]);
    let before = fingerprint(&env);
    assert_eq!((before.1, before.2), (1, 1), "{before:?}");

    let dest = env.path("backups/nightly");
    std::fs::create_dir_all(env.path("backups")).unwrap();
    let out = env
        .run(&["db", "backup", dest.to_str().unwrap(), "--json"])
        .ok()
        .json();
    let names: Vec<&str> = out["manifest"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["billctl.db", "webhooks.db"]);
    for f in ["billctl.db", "webhooks.db", "manifest.json"] {
        let mode = std::fs::metadata(dest.join(f))
            .unwrap()
            .permissions()
            .mode()
            & 0o777;
        assert_eq!(mode, 0o600, "{f}");
    }
    assert_eq!(
        std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777,
        0o700
    );
    let r = env.run(&["db", "backup", dest.to_str().unwrap()]).code(2);
    assert!(
        r.stderr.contains("--yes"),
        "replacing asks first: {}",
        r.stderr
    );

    // Change both files, then restore.
    env.run(&["keys", "issue", "--customer", &customer]).ok();
    std::fs::write(
        &event,
        r#"{"id":"evt_db2","object":"event","type":"customer.updated","created":1795500001,"livemode":false,"api_version":"2026-09-30.endive","data":{"object":{"id":"cus_x","object":"customer"}}}"#,
    )
    .unwrap();
    env.run(&["webhooks", "ingest", event.to_str().unwrap(), "-q"]);
    let changed = fingerprint(&env);
    assert_eq!((changed.1, changed.2), (2, 2));
    let r = env.run(&["db", "restore", dest.to_str().unwrap()]).code(2);
    assert!(
        r.stderr.contains("--yes"),
        "restoring asks first: {}",
        r.stderr
    );
    assert_eq!(fingerprint(&env), changed, "declined: nothing changed");
    env.run(&["db", "restore", dest.to_str().unwrap(), "--check"])
        .ok();
    let restored = env
        .run(&["db", "restore", dest.to_str().unwrap(), "--yes", "--json"])
        .ok()
        .json();
    assert_eq!(fingerprint(&env), before, "both files are back");
    let previous = std::path::PathBuf::from(restored["previous"].as_str().unwrap());
    assert!(
        previous.join("manifest.json").exists(),
        "the state before was kept"
    );
    // The live store is still in WAL mode and sound.
    let c = rusqlite::Connection::open(env.data_dir().join("billctl.db")).unwrap();
    let mode: String = c
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    assert_eq!(mode, "wal");
    assert_eq!(env.store().integrity_check().unwrap(), "ok");
    // Restoring the pre-restore backup brings the changes back.
    env.run(&["db", "restore", previous.to_str().unwrap(), "--yes", "-q"])
        .ok();
    assert_eq!(fingerprint(&env), changed);

    // A damaged backup is refused before anything changes.
    let bytes = std::fs::read(dest.join("webhooks.db")).unwrap();
    let mut damaged = bytes.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0xff;
    std::fs::write(dest.join("webhooks.db"), &damaged).unwrap();
    let r = env
        .run(&["db", "restore", dest.to_str().unwrap(), "--yes"])
        .code(2);
    assert!(
        r.stderr.contains("does not match the manifest"),
        "{}",
        r.stderr
    );
    assert_eq!(fingerprint(&env), changed);
    let r = env
        .run(&[
            "db",
            "restore",
            env.path("backups").to_str().unwrap(),
            "--yes",
        ])
        .code(2);
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
    let r = env
        .run(&["--data-dir", shared.to_str().unwrap(), "db", "status"])
        .ok();
    assert!(
        r.stderr.contains("warning") && r.stderr.contains("0755"),
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::metadata(&shared).unwrap().permissions().mode() & 0o777,
        0o755,
        "left as it was"
    );
    assert_eq!(
        std::fs::metadata(shared.join("billctl.db"))
            .unwrap()
            .permissions()
            .mode()
            & 0o777,
        0o600
    );
    let fresh = env.path("fresh/nested");
    let r = env
        .run(&["--data-dir", fresh.to_str().unwrap(), "db", "status"])
        .ok();
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    assert_eq!(
        std::fs::metadata(&fresh).unwrap().permissions().mode() & 0o777,
        0o700
    );
}

#[test]
fn the_data_dir_follows_flag_then_env_then_xdg() {
    if common::sqlite_only() {
        return;
    }
    let env = Env::new();
    let flag_dir = env.path("from-flag");
    let s = env
        .run(&[
            "--data-dir",
            flag_dir.to_str().unwrap(),
            "db",
            "status",
            "--json",
        ])
        .ok()
        .json();
    assert!(s["path"]
        .as_str()
        .unwrap()
        .starts_with(flag_dir.to_str().unwrap()));
    let s = common::run(
        env.command()
            .env_remove("BILLCTL_DATA_DIR")
            .args(["db", "status", "--json"]),
    )
    .json();
    assert_eq!(
        s["path"],
        env.path("xdg-data/billctl/billctl.db").to_str().unwrap()
    );
}

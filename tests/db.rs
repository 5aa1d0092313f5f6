//! `billctl db status|backup`, and the store's file modes.

mod common;

use common::Env;
use std::os::unix::fs::PermissionsExt;

#[test]
fn status_shows_path_version_and_counts_and_backup_copies_online() {
    let env = Env::new();
    env.run(&["setup-products", "--yes"]).ok();
    let s = env.run(&["db", "status", "--json"]).ok().json();
    let path = env.data_dir().join("billctl.db");
    assert_eq!(s["path"], path.to_str().unwrap());
    assert_eq!(s["schema_version"], 7);
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
        human.stdout.contains("schema version: 7") && human.stdout.contains("catalog_tiers"),
        "{}",
        human.stdout
    );

    let dest = env.path("backup.db");
    env.run(&["db", "backup", dest.to_str().unwrap()]).ok();
    assert_eq!(
        std::fs::metadata(&dest).unwrap().permissions().mode() & 0o777,
        0o600
    );
    let copy = billctl::store::Store::open(&env.path("restored")).unwrap();
    drop(copy);
    std::fs::copy(&dest, env.path("restored/billctl.db")).unwrap();
    let restored = billctl::store::Store::open(&env.path("restored")).unwrap();
    assert_eq!(
        restored.catalog().unwrap().len(),
        3,
        "the backup holds the data"
    );

    let r = env.run(&["db", "backup", dest.to_str().unwrap()]).code(2);
    assert!(
        r.stderr.contains("--yes"),
        "replacing a file asks first: {}",
        r.stderr
    );
    env.run(&["db", "backup", dest.to_str().unwrap(), "--yes"])
        .ok();
}

#[test]
fn the_data_dir_follows_flag_then_env_then_xdg() {
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

//! The files billctl keeps in a SQLite data dir, by name: the two databases and their SQLite
//! sidecars, a restore's intent, the pre-restore copies, the
//! staging directories of backups and restores, and the webhook secret file. One list, read by
//! the output-path guard, the restore, the cleanup of leftovers and `doctor`.

/// A restore's intent: written and synced before its first rename, removed after its last.
pub const RESTORE_INTENT: &str = "restore-intent.json";
/// The state before a restore, kept as a backup directory: `pre-restore-<time>`.
pub const PRE_RESTORE_PREFIX: &str = "pre-restore-";
/// Staging directories of backups, restores and checks (`<prefix><random>`); removed by the
/// next command once their owner is gone.
pub const STAGING_PREFIXES: [&str; 4] = [
    ".billctl-backup-",
    ".billctl-restore-",
    ".billctl-previous-",
    ".billctl-check-",
];
/// Where a staging directory is made before it is locked and renamed to its prefix.
pub const NEW_PREFIX: &str = ".billctl-new-";
/// Where a restore's intent is written before it is renamed into place.
pub const INTENT_TMP_PREFIX: &str = ".restore-intent-";

/// The files SQLite keeps beside a database (`billctl.db-wal` ...).
pub const SIDECARS: [&str; 3] = ["-wal", "-shm", "-journal"];

/// The two database files of the SQLite store.
pub fn databases() -> [&'static str; 2] {
    [super::FILE_NAME, super::webhooks::FILE_NAME]
}

/// Every name directly in a data dir that is the store's own: the databases and their
/// sidecars, the restore intent and the webhook secret file (present or not).
pub fn store_names() -> Vec<String> {
    let mut names = Vec::new();
    for db in databases() {
        names.push(db.to_string());
        names.extend(SIDECARS.iter().map(|s| format!("{db}{s}")));
    }
    names.extend(
        [RESTORE_INTENT, crate::adapters::secrets::SECRET_FILE]
            .iter()
            .map(|n| n.to_string()),
    );
    names
}

/// Whether `name`, an entry of a data dir, is a directory billctl keeps there (a pre-restore
/// copy or a staging directory).
pub fn is_store_dir(name: &str) -> bool {
    name.starts_with(PRE_RESTORE_PREFIX) || STAGING_PREFIXES.iter().any(|p| name.starts_with(p))
}

/// Whether `name`, an entry of a data dir, is one billctl makes there on the way and removes
/// as a leftover (a half-made staging directory, an unplaced intent).
pub fn is_store_leftover(name: &str) -> bool {
    name.starts_with(NEW_PREFIX) || name.starts_with(INTENT_TMP_PREFIX)
}

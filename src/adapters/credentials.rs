//! systemd credentials: the secrets a service unit hands billctl with `LoadCredential=`, read
//! from files of fixed names in `$CREDENTIALS_DIRECTORY` (<https://systemd.io/CREDENTIALS/>).
//!
//! A credential wins over the environment variable that holds the same secret, as systemd
//! advises: unlike the environment, it is not inherited by children, not shown by
//! `systemctl show` and not readable through `/proc/PID/environ`. An explicit flag
//! (`--secret-env`) still wins over it. The value is never part of an error message.

use std::io::Read;
use std::path::PathBuf;

/// The variable systemd sets to the unit's credentials directory.
pub const DIR_ENV: &str = "CREDENTIALS_DIRECTORY";
/// A credential is one secret (a few lines for a rotation); anything larger is not ours.
pub const MAX_LEN: u64 = 64 * 1024;

/// Each secret billctl reads from the credentials directory, under its fixed file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    /// The Stripe secret or restricted key; before `BILLCTL_STRIPE_API_KEY` and the keyring.
    StripeKey,
    /// Webhook endpoint signing secrets (`whsec_...`), one a line (two during a rotation);
    /// after `--secret-env`, before the keyring and the data dir's secret file.
    WebhookSecret,
    /// The PostgreSQL password; before `BILLCTL_DATABASE_PASSWORD` and `PGPASSWORD`.
    DatabasePassword,
}

impl Credential {
    /// Every credential, in the order the documentation lists them.
    pub const ALL: [Credential; 3] = [
        Credential::StripeKey,
        Credential::WebhookSecret,
        Credential::DatabasePassword,
    ];

    /// The file name in `$CREDENTIALS_DIRECTORY` (the `ID` of `LoadCredential=ID:PATH`).
    pub fn name(self) -> &'static str {
        match self {
            Credential::StripeKey => "stripe-key",
            Credential::WebhookSecret => "webhook-secret",
            Credential::DatabasePassword => "database-password",
        }
    }
}

/// A credential's file as found: its path, for messages, and its value.
pub struct Found {
    pub path: PathBuf,
    /// The file's text without its trailing newlines. Never print it.
    pub value: String,
}

/// Reads credential `c`: `Ok(None)` when `$CREDENTIALS_DIRECTORY` is unset or empty, or holds
/// no file of that name. A file that is there but is not a readable regular file of 1 to
/// [`MAX_LEN`] bytes of UTF-8 is an error naming it (never its content), and so is a
/// `$CREDENTIALS_DIRECTORY` that is not a directory.
pub fn read(c: Credential) -> Result<Option<Found>, String> {
    let Some(dir) = std::env::var_os(DIR_ENV).filter(|d| !d.is_empty()) else {
        return Ok(None);
    };
    let dir = PathBuf::from(dir);
    if !dir.is_absolute() {
        return Err(format!(
            "{DIR_ENV} ({}) is a relative path: systemd sets it to the unit's credentials directory, an absolute path",
            dir.display()
        ));
    }
    if !dir.is_dir() {
        return Err(format!(
            "{DIR_ENV} ({}) is not a directory: systemd sets it to the unit's credentials",
            dir.display()
        ));
    }
    let path = dir.join(c.name());
    let bad = |why: String| format!("credential {} ({}): {why}", c.name(), path.display());
    // Metadata first (through symlinks), so a FIFO is refused before an open could block.
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !is_dangling(&path) => {
            return Ok(None)
        }
        Err(e) => return Err(bad(format!("cannot be read: {e}"))),
    };
    if !meta.is_file() {
        return Err(bad("is not a regular file".into()));
    }
    if meta.len() > MAX_LEN {
        return Err(bad(format!("is over {MAX_LEN} bytes: not a credential")));
    }
    let value = read_bounded(&path).map_err(bad)?;
    let value = value.trim_end_matches(['\n', '\r']);
    if value.trim().is_empty() {
        return Err(bad("is empty".into()));
    }
    Ok(Some(Found {
        value: value.to_string(),
        path,
    }))
}

/// A symlink whose target is missing: an operator's mistake, not an absent credential.
fn is_dangling(path: &std::path::Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink())
}

/// The file's text, at most [`MAX_LEN`] bytes of UTF-8 (it may have grown since its
/// metadata was read).
fn read_bounded(path: &std::path::Path) -> Result<String, String> {
    let f = std::fs::File::open(path).map_err(|e| format!("cannot be read: {e}"))?;
    if !f.metadata().is_ok_and(|m| m.is_file()) {
        return Err("is not a regular file".into());
    }
    let mut bytes = Vec::new();
    f.take(MAX_LEN + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot be read: {e}"))?;
    if bytes.len() as u64 > MAX_LEN {
        return Err(format!("is over {MAX_LEN} bytes: not a credential"));
    }
    String::from_utf8(bytes).map_err(|_| "is not UTF-8 text".to_string())
}

/// Where credential `c` would be: `None` without a credentials directory that [`read`] takes.
pub fn path_of(c: Credential) -> Option<PathBuf> {
    std::env::var_os(DIR_ENV)
        .map(PathBuf::from)
        .filter(|d| d.is_absolute() && d.is_dir())
        .map(|d| d.join(c.name()))
}

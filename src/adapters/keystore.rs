//! Which OS keyring store holds billctl's secrets on Linux, and what it keeps across a reboot:
//! the desktop Secret Service when one answers on the session D-Bus (with the kernel keyring
//! as its cache, keyring's `keyutils_persistent` store), else the kernel keyring alone.
//!
//! The kernel keyring (keyring's `keyutils` store) keeps an entry in the process's session
//! keyring (one per login where pam_keyinit or logind makes one; else the user's user-session
//! keyring) linked into the user's persistent keyring, which the kernel drops after
//! `/proc/sys/kernel/keys/persistent_keyring_expiry` seconds without use (3 days by default).
//! It is memory only: a reboot clears it. A service gets its secrets as systemd credentials
//! instead (`credentials.rs`).

use keyring::credential::CredentialApi;
use keyring::keyutils::KeyutilsCredential;
use keyring::keyutils_persistent::KeyutilsPersistentCredential;
use keyring::secret_service::SsCredential;
use keyring::Entry;
use std::sync::OnceLock;

/// Where the kernel says how long the persistent keyring outlives its last use.
const EXPIRY_FILE: &str = "/proc/sys/kernel/keys/persistent_keyring_expiry";

/// An OS keyring store.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Store {
    /// The kernel keyring alone: memory, cleared by a reboot.
    KernelKeyring,
    /// The desktop Secret Service (GNOME Keyring, KWallet, KeePassXC): on disk.
    SecretService,
}

impl Store {
    /// The store billctl uses here: the Secret Service when one answers, else the kernel
    /// keyring. Asked once per process.
    pub fn in_use() -> Store {
        static IN_USE: OnceLock<Store> = OnceLock::new();
        *IN_USE.get_or_init(|| {
            if secret_service_answers() {
                Store::SecretService
            } else {
                Store::KernelKeyring
            }
        })
    }

    /// Whether an entry in this store is still there after a reboot.
    pub fn persists_across_reboot(self) -> bool {
        self == Store::SecretService
    }

    /// What this store keeps, for people.
    pub fn describe(self) -> String {
        match self {
            Store::SecretService => {
                "Secret Service (on disk; the kernel keyring caches it): kept across reboots".into()
            }
            Store::KernelKeyring => format!(
                "kernel keyring (memory only: cleared by a reboot, or after {} unused)",
                persistent_expiry()
            ),
        }
    }
}

/// "3 days" (the persistent keyring's expiry), or a plain phrase when the kernel hides it.
fn persistent_expiry() -> String {
    match std::fs::read_to_string(EXPIRY_FILE)
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok())
    {
        Some(s) if s % 86_400 == 0 => crate::util::plural::count(s / 86_400, "day", "days"),
        Some(s) => crate::util::plural::count(s, "second", "seconds"),
        None => "the persistent keyring's expiry".into(),
    }
}

/// The entry `user` of `service` in the store in use.
pub fn entry(service: &str, user: &str) -> keyring::Result<Entry> {
    Ok(match Store::in_use() {
        Store::SecretService => Entry::new_with_credential(Box::new(
            KeyutilsPersistentCredential::new_with_target(None, service, user)?,
        )),
        Store::KernelKeyring => Entry::new_with_credential(Box::new(
            KeyutilsCredential::new_with_target(None, service, user)?,
        )),
    })
}

/// The store that holds the entry `user` of `service` now: the Secret Service when it has
/// it, else the kernel keyring (an entry stored before the Secret Service answered lives only
/// there).
pub fn holder(service: &str, user: &str) -> Store {
    match Store::in_use() {
        Store::SecretService
            if SsCredential::new_with_target(None, service, user)
                .and_then(|c| c.get_password())
                .is_ok() =>
        {
            Store::SecretService
        }
        _ => Store::KernelKeyring,
    }
}

/// Whether a Secret Service answers on the session bus. No bus address, no question: libdbus
/// would otherwise try to autolaunch a bus.
fn secret_service_answers() -> bool {
    let nonempty = |v: &str| std::env::var_os(v).filter(|s| !s.is_empty());
    let bus = nonempty("DBUS_SESSION_BUS_ADDRESS").is_some()
        || nonempty("XDG_RUNTIME_DIR")
            .is_some_and(|d| std::path::Path::new(&d).join("bus").exists());
    if !bus {
        return false;
    }
    let probe = SsCredential::new_with_target(None, "billctl", "probe:secret-service");
    matches!(
        probe.and_then(|c| c.get_password()),
        Ok(_) | Err(keyring::Error::NoEntry | keyring::Error::Ambiguous(_))
    )
}

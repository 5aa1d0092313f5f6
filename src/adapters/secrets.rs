//! The Stripe secret key: where it comes from (a systemd credential, then the environment,
//! then the OS keyring), what it is (test/live, secret/restricted), which store holds it and
//! whether that survives a reboot, and a `Secret` type that never prints its value.

use crate::adapters::credentials::{self, Credential};
use crate::adapters::keystore;
use crate::domain::mode::Mode;
use std::fmt;

/// Environment variable holding the Stripe key; it wins over the keyring.
pub const KEY_ENV: &str = "BILLCTL_STRIPE_API_KEY";
const KEYRING_SERVICE: &str = "billctl";

/// What billctl keeps in the OS keyring, each under an entry of its own, with what to do
/// instead when the keyring refuses it or cannot be reached: the Stripe key has its
/// environment variable, webhook secrets the data dir's secret file and `--secret-env`.
/// (Service tokens are kept as hashes in the store, not here.)
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Held {
    /// A profile's Stripe secret key (`auth login`).
    StripeKey,
    /// The signing secrets of a profile's webhook endpoints (`webhooks endpoint create`).
    WebhookSecrets,
}

impl Held {
    /// The keyring entry's name for `profile`.
    fn entry_name(self, profile: &str) -> String {
        match self {
            Held::StripeKey => profile.to_string(),
            Held::WebhookSecrets => format!("{profile}:webhooks"),
        }
    }

    /// What to do instead when the keyring will not keep this.
    pub fn remedy(self) -> String {
        let session = "or on Linux run inside a session keyring ('keyctl session -')";
        match self {
            Held::StripeKey => format!("set {KEY_ENV} instead, {session}"),
            Held::WebhookSecrets => format!(
                "keep webhook secrets in a 0600 file in the data dir instead ('secret_file = true' under [webhooks] in the config) or give them to 'webhooks listen' with --secret-env VAR, {session}"
            ),
        }
    }
}

/// A secret string whose Debug and Display print `[redacted]`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    /// The value itself, for the one place that must send it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("[redacted]")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum KeyKind {
    /// `sk_`: full access.
    #[serde(rename = "sk")]
    Secret,
    /// `rk_`: restricted, with the permissions chosen in the Dashboard.
    #[serde(rename = "rk")]
    Restricted,
}

impl KeyKind {
    /// `sk` or `rk`: the key's prefix.
    pub fn prefix(self) -> &'static str {
        match self {
            KeyKind::Secret => "sk",
            KeyKind::Restricted => "rk",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "source", rename_all = "lowercase")]
pub enum Source {
    Env,
    Keyring {
        // Shown once, as the status's own `profile`.
        #[serde(skip)]
        profile: String,
    },
    /// A systemd credential (`LoadCredential=stripe-key:...`), at this path.
    Credential {
        path: String,
    },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Source::Env => write!(f, "environment ({KEY_ENV})"),
            Source::Keyring { profile } => write!(f, "OS keyring (profile {profile})"),
            Source::Credential { path } => write!(f, "systemd credential ({path})"),
        }
    }
}

/// Where the shipped units keep the Stripe key (`LoadCredential=stripe-key:` this).
pub const CREDENTIAL_FILE: &str = "/etc/billctl/credentials/stripe-key";

/// Where `billctl-serve`'s drop-in keeps its own key (the README's Secrets).
const SERVE_CREDENTIAL_FILE: &str = "/etc/billctl/credentials/serve-stripe-key";

/// How to change the key, for where it actually comes from (`None`: nowhere). Every message
/// that tells how to change the key takes its words from here, so that a credential's key is
/// never sent to `auth login` (tests/it/credentials.rs keeps a table of those messages).
pub fn how_to_change_key(source: Option<&Source>, profile: &str) -> String {
    match source {
        Some(Source::Credential { path }) => {
            // systemd's credentials directory is /run/credentials/UNIT.
            let unit = std::path::Path::new(path)
                .parent()
                .and_then(|d| d.file_name())
                .map(|u| u.to_string_lossy().into_owned())
                .filter(|u| u.ends_with(".service"));
            let shipped = match unit.as_deref() {
                Some("billctl-serve.service") => SERVE_CREDENTIAL_FILE.to_string(),
                Some(_) => CREDENTIAL_FILE.to_string(),
                None => format!("{CREDENTIAL_FILE}; serve's drop-in: {SERVE_CREDENTIAL_FILE}"),
            };
            let unit = unit.map_or("the unit".to_string(), |u| format!("unit {u}"));
            let name = Credential::StripeKey.name();
            format!(
                "the key comes from the systemd credential $CREDENTIALS_DIRECTORY/{name} ({path}), which wins over {KEY_ENV} and the keyring: put a current key in the file that {unit}'s LoadCredential={name}:PATH names (as shipped: {shipped}) and restart it"
            )
        }
        Some(Source::Env) => format!(
            "the key comes from {KEY_ENV}, which wins over the keyring: set it to a current key"
        ),
        Some(Source::Keyring { profile }) => format!(
            "the key comes from the OS keyring (profile {profile}): run 'billctl auth login' with a current key"
        ),
        None => format!(
            "set {KEY_ENV} or run 'billctl auth login' (profile {profile}); a service gets it as a systemd credential (LoadCredential={}:{CREDENTIAL_FILE})",
            Credential::StripeKey.name()
        ),
    }
}

/// A key that is there but cannot be used, with where it came from (`None`: from no one
/// source, such as a credentials directory that is not one).
#[derive(Debug)]
pub struct KeyError {
    pub source: Option<Source>,
    pub why: String,
}

impl fmt::Display for KeyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.why)
    }
}

/// A Stripe API key with what can be told from its prefix.
#[derive(Debug, Clone)]
pub struct StripeKey {
    pub secret: Secret,
    pub mode: Mode,
    pub kind: KeyKind,
    pub source: Source,
}

impl StripeKey {
    /// Parses `sk_test_...`, `sk_live_...`, `rk_test_...` or `rk_live_...`. The error never
    /// contains the key.
    pub fn parse(raw: &str, source: Source) -> Result<StripeKey, String> {
        let raw = raw.trim();
        let (kind, rest) = if let Some(r) = raw.strip_prefix("sk_") {
            (KeyKind::Secret, r)
        } else if let Some(r) = raw.strip_prefix("rk_") {
            (KeyKind::Restricted, r)
        } else if raw.starts_with("pk_") {
            return Err("that is a publishable key (pk_...); billctl needs a secret (sk_...) or restricted (rk_...) key".into());
        } else {
            return Err("not a Stripe secret key: it should start with sk_test_, sk_live_, rk_test_ or rk_live_".into());
        };
        let (mode, body) = if let Some(b) = rest.strip_prefix("test_") {
            (Mode::Test, b)
        } else if let Some(b) = rest.strip_prefix("live_") {
            (Mode::Live, b)
        } else {
            return Err(
                "not a Stripe secret key: the prefix should be followed by test_ or live_".into(),
            );
        };
        if body.len() < 8 || !body.chars().all(|c| c.is_ascii_alphanumeric()) {
            return Err(
                "not a Stripe secret key: it is too short or contains unexpected characters".into(),
            );
        }
        Ok(StripeKey {
            secret: Secret::new(raw),
            mode,
            kind,
            source,
        })
    }

    /// The last four characters, the only part billctl ever shows.
    pub fn last4(&self) -> &str {
        let s = self.secret.expose();
        &s[s.len().saturating_sub(4)..]
    }
}

/// What `resolve` found.
/// What `auth status` shows of the key: never the key itself.
#[derive(Debug, serde::Serialize)]
pub struct KeyStatus {
    pub configured: bool,
    #[serde(flatten)]
    pub source: Option<Source>,
    pub mode: Option<Mode>,
    #[serde(rename = "type")]
    pub kind: Option<KeyKind>,
    pub last4: Option<String>,
    pub profile: String,
    /// What holds the key: `systemd-credential`, `environment`, `kernel-keyring` or
    /// `secret-service`.
    pub store: Option<&'static str>,
    /// Whether that store keeps the key across a reboot (unknown for the environment).
    pub persists_across_reboot: Option<bool>,
    /// The store, for people.
    #[serde(skip)]
    pub held: Option<String>,
    /// The sources also set but passed over, because `source` wins over them:
    /// `BILLCTL_STRIPE_API_KEY`, `keyring:PROFILE`.
    pub ignored: Vec<String>,
}

/// Where a key from `source` is held: the store's name, whether it survives a reboot, and
/// the sentence for people.
pub fn held_in(source: &Source) -> (&'static str, Option<bool>, String) {
    match source {
        Source::Credential { .. } => (
            "systemd-credential",
            Some(true),
            "systemd credential (LoadCredential= reads it at each start)".into(),
        ),
        Source::Env => (
            "environment",
            None,
            format!("environment ({KEY_ENV}): kept wherever it is set"),
        ),
        Source::Keyring { profile } => {
            let store = keystore::holder(KEYRING_SERVICE, &Held::StripeKey.entry_name(profile));
            let name = match store {
                keystore::Store::KernelKeyring => "kernel-keyring",
                keystore::Store::SecretService => "secret-service",
            };
            (name, Some(store.persists_across_reboot()), store.describe())
        }
    }
}

impl KeyStatus {
    /// The status of a lookup, with why the keyring could not help when it failed.
    pub fn of(lookup: Lookup, profile: String) -> (KeyStatus, Option<String>) {
        match lookup {
            Lookup::Found(k) => {
                let (store, persists, held) = held_in(&k.source);
                let ignored = ignored_below(&k.source, &profile);
                let status = KeyStatus {
                    configured: true,
                    source: Some(k.source.clone()),
                    mode: Some(k.mode),
                    kind: Some(k.kind),
                    last4: Some(k.last4().into()),
                    profile,
                    store: Some(store),
                    persists_across_reboot: persists,
                    held: Some(held),
                    ignored,
                };
                (status, None)
            }
            Lookup::Missing(why) => (
                KeyStatus {
                    configured: false,
                    source: None,
                    mode: None,
                    kind: None,
                    last4: None,
                    profile,
                    store: None,
                    persists_across_reboot: None,
                    held: None,
                    ignored: Vec::new(),
                },
                why,
            ),
        }
    }
}

pub enum Lookup {
    Found(StripeKey),
    /// No key; the string says why the keyring could not help, if it failed.
    Missing(Option<String>),
}

/// The key of the `stripe-key` systemd credential, parsed as `resolve` uses it: `None`
/// without one. Also what the services' start-up check reads ([`check_credentials`]).
pub fn credential_key() -> Result<Option<StripeKey>, KeyError> {
    let c = Credential::StripeKey;
    let at = |path: String| Some(Source::Credential { path });
    let found = credentials::read(c).map_err(|why| KeyError {
        source: credentials::path_of(c).and_then(|p| at(p.display().to_string())),
        why,
    })?;
    let Some(found) = found else {
        return Ok(None);
    };
    let path = found.path.display().to_string();
    let source = Source::Credential { path: path.clone() };
    StripeKey::parse(&found.value, source.clone())
        .map(Some)
        .map_err(|e| KeyError {
            source: Some(source),
            why: format!("credential {} ({path}): {e}", c.name()),
        })
}

/// The key to use: the `stripe-key` systemd credential if there is one, else
/// `BILLCTL_STRIPE_API_KEY` if set, else the keyring entry for `profile`.
pub fn resolve(profile: &str) -> Result<Lookup, KeyError> {
    if let Some(key) = credential_key()? {
        return Ok(Lookup::Found(key));
    }
    if let Some(key) = env_stripe_key()? {
        return Ok(Lookup::Found(key));
    }
    let held = Held::StripeKey;
    let source = Source::Keyring {
        profile: profile.into(),
    };
    match entry(held, profile).and_then(|e| e.get_password().map_err(describe(held))) {
        Ok(raw) => StripeKey::parse(&raw, source.clone())
            .map(Lookup::Found)
            .map_err(|e| KeyError {
                source: Some(source),
                why: format!("keyring profile {profile}: {e}"),
            }),
        Err(KeyringFailure::NoEntry) => Ok(Lookup::Missing(None)),
        Err(KeyringFailure::Unavailable(why)) => Ok(Lookup::Missing(Some(why))),
    }
}

/// The key in `BILLCTL_STRIPE_API_KEY`, parsed, when it is set to more than blanks.
fn env_stripe_key() -> Result<Option<StripeKey>, KeyError> {
    env_key()
        .map(|raw| {
            StripeKey::parse(&raw, Source::Env).map_err(|e| KeyError {
                source: Some(Source::Env),
                why: format!("{KEY_ENV}: {e}"),
            })
        })
        .transpose()
}

/// `BILLCTL_STRIPE_API_KEY`, when set to more than blanks.
fn env_key() -> Option<String> {
    std::env::var(KEY_ENV).ok().filter(|v| !v.trim().is_empty())
}

/// The sources set below the one that won (`winner`), which billctl ignores: the variable
/// under a credential, the keyring entry of `profile` under either. For `auth status`.
pub fn ignored_below(winner: &Source, profile: &str) -> Vec<String> {
    let mut ignored = Vec::new();
    if matches!(winner, Source::Credential { .. }) && env_key().is_some() {
        ignored.push(KEY_ENV.to_string());
    }
    let has_entry = || {
        entry(Held::StripeKey, profile)
            .and_then(|e| e.get_password().map_err(describe(Held::StripeKey)))
            .is_ok()
    };
    if !matches!(winner, Source::Keyring { .. }) && has_entry() {
        ignored.push(format!("keyring:{profile}"));
    }
    ignored
}

/// Every credential the directory holds, and the Stripe key's variable where it is the key in
/// use, read and parsed by the function its consumer uses:
/// a service calls it at start, so that a file it cannot use stops it with the file's name
/// rather than failing the first request that needs it.
pub fn check_credentials() -> Result<(), String> {
    Credential::ALL.into_iter().try_for_each(|c| match c {
        // The variable too, where no credential wins over it (serve's shipped place for a
        // key of its own is serve.env).
        Credential::StripeKey => match credential_key() {
            Ok(Some(_)) => Ok(()),
            Ok(None) => env_stripe_key().map(drop).map_err(|e| e.why),
            Err(e) => Err(e.why),
        },
        Credential::WebhookSecret => credential_secrets().map(drop).map_err(|e| format!("{e:#}")),
        // The store takes the password as it is (`store::pg`, through this same read).
        Credential::DatabasePassword => credentials::read(c).map(drop),
    })
}

/// Stores `key` under `profile` in the OS keyring, and reads it back: `Ok` means it is there.
pub fn store(profile: &str, key: &StripeKey) -> Result<(), String> {
    let held = Held::StripeKey;
    let entry = entry(held, profile).map_err(refused(held))?;
    set_verified(held, &entry, key.secret.expose())
}

/// Writes `value` to `entry` and reads it back. The keyring crate reports a write the kernel
/// refused (permission denied) as `NoEntry`, so a write is only trusted once it reads back.
/// A concurrent writer of the same entry (another `auth login`) can replace the key between
/// the write and the read, which then finds it gone or different: that is tried again, up
/// to [`WRITE_ATTEMPTS`] times, before the write is called refused (a refusal refuses each).
fn set_verified(held: Held, entry: &keyring::Entry, value: &str) -> Result<(), String> {
    let mut raced = false;
    for _ in 0..WRITE_ATTEMPTS {
        entry
            .set_password(value)
            .map_err(describe(held))
            .map_err(refused(held))?;
        match entry.get_password().map_err(describe(held)) {
            Ok(back) if back == value => return Ok(()),
            Ok(_) => raced = true,
            Err(KeyringFailure::NoEntry) => {}
            Err(KeyringFailure::Unavailable(why)) => return Err(why),
        }
    }
    match raced {
        true => Err("another process kept writing a different value to the same keyring entry (a concurrent 'billctl auth login' of this profile?): run it again".into()),
        false => Err(refused(held)(KeyringFailure::NoEntry)),
    }
}

/// Writes of one keyring entry before a write that does not read back is called refused.
const WRITE_ATTEMPTS: u32 = 3;

/// The message for a keyring that would not take a write of `held`, with its own remedy.
fn refused(held: Held) -> impl Fn(KeyringFailure) -> String {
    move |f| match f {
        KeyringFailure::NoEntry => format!(
            "the OS keyring refused the write (permission denied, or no session keyring); {}",
            held.remedy()
        ),
        KeyringFailure::Unavailable(why) => why,
    }
}

/// Whether the keyring of `profile` takes a write of `held`: a probe entry is written, read
/// back and removed. Endpoint creation asks first, so a secret is never made where it cannot
/// be kept.
pub fn keyring_writable(held: Held, profile: &str) -> Result<(), String> {
    let probe = format!("{}:probe", held.entry_name(profile));
    let entry = named_entry(held, &probe).map_err(refused(held))?;
    let value = format!("probe-{:016x}", rand::random::<u64>());
    let r = set_verified(held, &entry, &value);
    let _ = entry.delete_credential();
    r
}

/// Removes the key of `profile`; `Ok(false)` when there was none.
pub fn remove(profile: &str) -> Result<bool, String> {
    let held = Held::StripeKey;
    match entry(held, profile).and_then(|e| e.delete_credential().map_err(describe(held))) {
        Ok(()) => Ok(true),
        Err(KeyringFailure::NoEntry) => Ok(false),
        Err(KeyringFailure::Unavailable(why)) => Err(why),
    }
}

/// The webhook endpoint secrets stored for `profile`, as (endpoint id, secret): one
/// "we_... whsec_..." per line of the entry.
pub fn webhook_secrets(profile: &str) -> Result<Vec<(String, Secret)>, String> {
    let held = Held::WebhookSecrets;
    match entry(held, profile).and_then(|e| e.get_password().map_err(describe(held))) {
        Ok(text) => Ok(parse_secret_lines(&text)),
        Err(KeyringFailure::NoEntry) => Ok(Vec::new()),
        Err(KeyringFailure::Unavailable(why)) => Err(why),
    }
}

fn write_webhook_secrets(profile: &str, all: &[(String, Secret)]) -> Result<(), String> {
    let held = Held::WebhookSecrets;
    let entry = entry(held, profile).map_err(refused(held))?;
    if all.is_empty() {
        // Nothing to delete is as good as deleted.
        return match entry.delete_credential().map_err(describe(held)) {
            Ok(()) | Err(KeyringFailure::NoEntry) => Ok(()),
            Err(KeyringFailure::Unavailable(why)) => Err(why),
        };
    }
    set_verified(held, &entry, &secret_lines(all))
}

/// "we_... whsec_..." a line: the keyring entry's and the secret file's text.
fn secret_lines(all: &[(String, Secret)]) -> String {
    let text: Vec<String> = all
        .iter()
        .map(|(id, s)| format!("{id} {}", s.expose()))
        .collect();
    text.join("\n")
}

fn parse_secret_lines(text: &str) -> Vec<(String, Secret)> {
    text.lines()
        .filter_map(|l| l.split_once(' '))
        .map(|(id, s)| (id.to_string(), Secret::new(s.trim())))
        .collect()
}

/// The file in the data dir that holds endpoint secrets when the config allows it
/// (`[webhooks] secret_file = true`) and the keyring refuses them.
pub const SECRET_FILE: &str = "webhook-secrets";
/// The file is a few lines; anything larger is not ours.
const MAX_SECRET_FILE: u64 = 64 * 1024;

/// The endpoint secrets kept in `dir`'s secret file (none when there is no file).
pub fn file_secrets(dir: &std::path::Path) -> Result<Vec<(String, Secret)>, String> {
    use std::io::Read;
    let path = dir.join(SECRET_FILE);
    let f = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(format!("failed to read {}: {e}", path.display())),
    };
    let mut text = String::new();
    f.take(MAX_SECRET_FILE + 1)
        .read_to_string(&mut text)
        .map_err(|e| format!("failed to read {}: {e}", path.display()))?;
    if text.len() as u64 > MAX_SECRET_FILE {
        return Err(format!(
            "{} is over {MAX_SECRET_FILE} bytes: not a secret file",
            path.display()
        ));
    }
    Ok(parse_secret_lines(&text))
}

/// Writes `all` as `dir`'s secret file (mode 0600, a new file renamed into place, synced).
fn write_file_secrets(dir: &std::path::Path, all: &[(String, Secret)]) -> Result<(), String> {
    use std::io::Write;
    let path = dir.join(SECRET_FILE);
    let fail = |e: std::io::Error| format!("failed to write {}: {e}", path.display());
    if all.is_empty() {
        return match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(fail(e)),
            _ => Ok(()),
        };
    }
    std::fs::create_dir_all(dir).map_err(fail)?;
    // tempfile creates it 0600 with O_EXCL.
    let mut tmp = tempfile::Builder::new()
        .prefix(".webhook-secrets-")
        .tempfile_in(dir)
        .map_err(fail)?;
    tmp.write_all(secret_lines(all).as_bytes()).map_err(fail)?;
    tmp.write_all(b"\n").map_err(fail)?;
    tmp.as_file().sync_all().map_err(fail)?;
    tmp.persist(&path).map_err(|e| fail(e.error))?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(fail)?;
    Ok(())
}

/// Keeps the secret of `endpoint` in `dir`'s secret file.
pub fn save_file_secret(
    dir: &std::path::Path,
    endpoint: &str,
    secret: &Secret,
) -> Result<(), String> {
    let mut all = file_secrets(dir)?;
    all.retain(|(id, _)| id != endpoint);
    all.push((endpoint.to_string(), secret.clone()));
    write_file_secrets(dir, &all)
}

/// Forgets the secret of `endpoint` in `dir`'s secret file; `Ok(false)` when none was there.
pub fn remove_file_secret(dir: &std::path::Path, endpoint: &str) -> Result<bool, String> {
    let mut all = file_secrets(dir)?;
    let before = all.len();
    all.retain(|(id, _)| id != endpoint);
    if all.len() == before {
        return Ok(false);
    }
    write_file_secrets(dir, &all)?;
    Ok(true)
}

/// Stores (or replaces) the secret of webhook endpoint `endpoint` for `profile`.
pub fn save_webhook_secret(profile: &str, endpoint: &str, secret: &Secret) -> Result<(), String> {
    let mut all = webhook_secrets(profile)?;
    all.retain(|(id, _)| id != endpoint);
    all.push((endpoint.to_string(), secret.clone()));
    write_webhook_secrets(profile, &all)
}

/// Forgets the secret of `endpoint`; `Ok(false)` when none was stored.
pub fn remove_webhook_secret(profile: &str, endpoint: &str) -> Result<bool, String> {
    let mut all = webhook_secrets(profile)?;
    let before = all.len();
    all.retain(|(id, _)| id != endpoint);
    if all.len() == before {
        return Ok(false);
    }
    write_webhook_secrets(profile, &all)?;
    Ok(true)
}

enum KeyringFailure {
    NoEntry,
    Unavailable(String),
}

/// The keyring entry of `held` for `profile`.
fn entry(held: Held, profile: &str) -> Result<keyring::Entry, KeyringFailure> {
    named_entry(held, &held.entry_name(profile))
}

/// The one door to the keyring's entries: each belongs to a kind of [`Held`], whose remedy
/// its failures name.
fn named_entry(held: Held, name: &str) -> Result<keyring::Entry, KeyringFailure> {
    crate::adapters::keystore::entry(KEYRING_SERVICE, name).map_err(describe(held))
}

/// Any keyring error other than "no entry" means the keyring cannot be used here (no
/// session keyring, no D-Bus...): say so and name what to do instead for `held`.
fn describe(held: Held) -> impl Fn(keyring::Error) -> KeyringFailure {
    move |e| match e {
        keyring::Error::NoEntry => KeyringFailure::NoEntry,
        other => KeyringFailure::Unavailable(format!(
            "the OS keyring is unavailable ({other}); {}",
            held.remedy()
        )),
    }
}

/// The secrets held by the `--secret-env` variables, in order; an unset one is an error.
pub fn secrets_from_env(vars: &[String]) -> anyhow::Result<Vec<String>> {
    vars.iter()
        .map(|var| match std::env::var(var) {
            Ok(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
            _ => Err(anyhow::anyhow!("--secret-env {var}: the variable is not set (export it with the endpoint's whsec_ secret)")),
        })
        .collect()
}

/// The secrets of the `webhook-secret` systemd credential, one a line; `None` without one.
/// A line that is not a `whsec_` secret is refused by its number, never shown.
pub fn credential_secrets() -> anyhow::Result<Option<Vec<String>>> {
    let c = Credential::WebhookSecret;
    let Some(found) = credentials::read(c).map_err(anyhow::Error::msg)? else {
        return Ok(None);
    };
    let lines = found.value.lines().map(str::trim).enumerate();
    let secrets = lines
        .filter(|(_, l)| !l.is_empty())
        .map(|(n, l)| match is_signing_secret(l) {
            true => Ok(l.to_string()),
            false => Err(anyhow::anyhow!(
                "credential {} ({}): line {} is not a webhook signing secret (whsec_...)",
                c.name(),
                found.path.display(),
                n + 1
            )),
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    Ok(Some(secrets))
}

/// A webhook endpoint's signing secret as Stripe writes it: `whsec_` and then a word of
/// base64 (ASCII letters, digits, `+`, `/`, `=`, and `-`, `_`): a control character, a
/// space or a letter beyond ASCII is a corrupted file, refused rather than failing every
/// delivery later.
fn is_signing_secret(s: &str) -> bool {
    s.strip_prefix("whsec_").is_some_and(|rest| {
        !rest.is_empty()
            && rest
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '/' | '=' | '-' | '_'))
    })
}

/// The secrets `webhooks listen` checks signatures against: where they came from, and the
/// sources that also hold secrets but were passed over (said at start).
#[derive(Debug)]
pub struct EndpointSecrets {
    pub secrets: Vec<String>,
    pub source: String,
    pub ignored: Vec<String>,
}

/// Secrets from `--secret-env` variables, else the `webhook-secret` systemd credential, else
/// the keyring entries of `profile` with the secret file in `dir` (kept there when the keyring
/// refused them). A source below the winner is only looked at to be named as ignored: its
/// errors are passed over.
pub fn endpoint_secrets(
    vars: &[String],
    profile: Option<&str>,
    dir: Option<&std::path::Path>,
) -> anyhow::Result<EndpointSecrets> {
    let from_env = secrets_from_env(vars)?;
    let cred = Credential::WebhookSecret;
    let cred_name = || {
        let path = credentials::path_of(cred).unwrap_or_default();
        format!("credential {} ({})", cred.name(), path.display())
    };
    let file_name = |d: &std::path::Path| d.join(SECRET_FILE).display().to_string();
    let keyring_name = |p: &str| format!("OS keyring (profile {p})");
    if !from_env.is_empty() {
        let mut ignored = Vec::new();
        if credential_secrets().ok().flatten().is_some() {
            ignored.push(cred_name());
        }
        ignored.extend(lower_held(profile, dir, keyring_name, file_name));
        let source = format!("--secret-env {}", vars.join(", --secret-env "));
        return Ok(EndpointSecrets {
            secrets: from_env,
            source,
            ignored,
        });
    }
    if let Some(from_credential) = credential_secrets()? {
        return Ok(EndpointSecrets {
            secrets: from_credential,
            source: cred_name(),
            ignored: lower_held(profile, dir, keyring_name, file_name),
        });
    }
    kept_secrets(profile, dir)
}

/// Which of the keyring entries of `profile` and the secret file in `dir` hold secrets,
/// named; errors count as holding none.
fn lower_held(
    profile: Option<&str>,
    dir: Option<&std::path::Path>,
    keyring_name: impl Fn(&str) -> String,
    file_name: impl Fn(&std::path::Path) -> String,
) -> Vec<String> {
    let mut held = Vec::new();
    if let Some(p) = profile.filter(|p| webhook_secrets(p).is_ok_and(|k| !k.is_empty())) {
        held.push(keyring_name(p));
    }
    if let Some(d) = dir.filter(|d| file_secrets(d).is_ok_and(|f| !f.is_empty())) {
        held.push(file_name(d));
    }
    held
}

/// The keyring entries of `profile` and the secret file in `dir`, together.
fn kept_secrets(
    profile: Option<&str>,
    dir: Option<&std::path::Path>,
) -> anyhow::Result<EndpointSecrets> {
    let none = || {
        anyhow::anyhow!("no webhook secret: pass --secret-env VAR, a variable holding the endpoint's whsec_ secret (repeat it for each secret of a rotation)")
    };
    let profile = profile.ok_or_else(none)?;
    let from_file = match dir {
        Some(d) => file_secrets(d).map_err(anyhow::Error::msg)?,
        None => Vec::new(),
    };
    let kept = match webhook_secrets(profile) {
        Ok(k) => k,
        Err(_) if !from_file.is_empty() => Vec::new(),
        Err(why) => anyhow::bail!("no --secret-env given and {why}"),
    };
    let mut source = Vec::new();
    if !kept.is_empty() {
        source.push(format!("OS keyring (profile {profile})"));
    }
    if let (false, Some(d)) = (from_file.is_empty(), dir) {
        source.push(d.join(SECRET_FILE).display().to_string());
    }
    let secrets: Vec<String> = kept
        .into_iter()
        .chain(from_file)
        .map(|(_, s)| s.expose().to_string())
        .collect();
    if secrets.is_empty() {
        return Err(none());
    }
    Ok(EndpointSecrets {
        secrets,
        source: source.join(" and "),
        ignored: Vec::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_classified_by_prefix_and_never_printed() {
        let k = StripeKey::parse("sk_test_51abcdEFGH1234", Source::Env).unwrap();
        assert_eq!(
            (k.mode, k.kind, k.last4()),
            (Mode::Test, KeyKind::Secret, "1234")
        );
        let k = StripeKey::parse("rk_live_abcdefgh9876", Source::Env).unwrap();
        assert_eq!((k.mode, k.kind), (Mode::Live, KeyKind::Restricted));
        assert_eq!(
            format!("{:?} {}", k.secret, k.secret),
            "[redacted] [redacted]"
        );
        assert!(!format!("{k:?}").contains("abcdefgh"));
        for bad in [
            "pk_test_abcdefgh",
            "sk_prod_abcdefgh",
            "sk_test_abc",
            "sk_test_abc def ghi",
            "whsec_abcdefgh",
        ] {
            let e = StripeKey::parse(bad, Source::Env).unwrap_err();
            assert!(!e.contains(&bad[8..]), "error leaks the key: {e}");
        }
    }
}

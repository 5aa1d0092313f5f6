//! The context commands run in: output settings now, and the config, the store and the Stripe
//! client only when a command asks for them (so `--help`, `--version` and `completions` touch
//! none of them).

use crate::adapters::secrets::{self, KeyError, Lookup, StripeKey};
use crate::adapters::store::Store;
use crate::adapters::stripe::{Settings, Stripe, Writer};
use crate::cli::Global;
use crate::domain::config::{self, Config};
use crate::domain::mode::Mode;
use crate::output::Output;
use anyhow::{anyhow, bail, Context, Result};
use std::path::PathBuf;
use std::time::Duration;

/// Requests per second to Stripe at most (wins over `stripe.max_requests_per_second`).
pub const RATE_ENV: &str = "BILLCTL_STRIPE_RATE";
/// The API base's environment policy lives in `config/`; these names stay here for callers.
pub use crate::domain::config::{API_BASE_ENV, DEFAULT_API_BASE, TEST_ALLOW_LIVE_BASE_ENV};

/// A value made on first use, then lent: Ctx's config, store, key, Stripe client and runtime.
struct Lazy<T>(Option<T>);

impl<T> Lazy<T> {
    const fn new() -> Lazy<T> {
        Lazy(None)
    }

    /// The value, made by `make` when there is none yet (a failed `make` leaves none).
    fn get_or_try_init(&mut self, make: impl FnOnce() -> Result<T>) -> Result<&mut T> {
        match self.0 {
            Some(ref mut v) => Ok(v),
            None => Ok(self.0.insert(make()?)),
        }
    }

    fn get(&self) -> Option<&T> {
        self.0.as_ref()
    }

    fn take(&mut self) -> Option<T> {
        self.0.take()
    }
}

/// How the Stripe key is looked up: [`secrets::resolve`] (tests count the lookups).
type Resolve = fn(&str) -> Result<Lookup, KeyError>;

/// The validated config, loaded on first use.
fn config_of<'a>(global: &Global, config: &'a mut Lazy<Config>) -> Result<&'a Config> {
    let loaded = config.get_or_try_init(|| {
        let path = config::locate(global.config.as_deref());
        config::load(path.as_deref())
    })?;
    Ok(loaded)
}

/// The keyring profile: flag/env, then the config, then "default".
fn profile_of(global: &Global, config: &mut Lazy<Config>) -> Result<String> {
    if let Some(p) = &global.profile {
        return Ok(p.clone());
    }
    Ok(config_of(global, config)?.stripe.profile.clone())
}

/// The data dir: --data-dir / BILLCTL_DATA_DIR, then `data_dir` in the config, then XDG.
fn data_dir_of(global: &Global, config: &mut Lazy<Config>) -> Result<PathBuf> {
    if let Some(d) = &global.data_dir {
        return Ok(d.clone());
    }
    let configured = config_of(global, config)?.data_dir.clone();
    default_data_dir(configured)
}

/// The Postgres store named by `BILLCTL_DATABASE_URL` (which may hold a password), else by
/// `store.url` in the config (which may not); `None`: the SQLite store.
fn database_url_of(
    global: &Global,
    config: &mut Lazy<Config>,
) -> Result<Option<crate::adapters::store::pg::PgUrl>> {
    if let Some(u) = std::env::var_os(DATABASE_URL_ENV).filter(|u| !u.is_empty()) {
        let u = u
            .into_string()
            .map_err(|_| anyhow!("{DATABASE_URL_ENV} is not UTF-8"))?;
        return crate::adapters::store::pg::PgUrl::parse(&u, true)
            .map(Some)
            .map_err(|e| anyhow!("{DATABASE_URL_ENV} {e}"));
    }
    match config_of(global, config)?.store_url.clone() {
        Some(u) => crate::adapters::store::pg::PgUrl::parse(&u, false)
            .map(Some)
            .map_err(|e| anyhow!("store.url {e}")),
        None => Ok(None),
    }
}

/// Says so when opening the store finished an interrupted restore: the store now holds
/// that restore's backup.
fn finished_restore(output: &Output, finished: Option<&crate::adapters::store::swap::Finished>) {
    if let Some(f) = finished {
        output.warn(format!(
            "finished an interrupted restore first ({})",
            f.describe()
        ));
    }
}

/// Opens (and migrates) the store: Postgres when a URL names one, else SQLite in the data dir.
fn open_store(global: &Global, config: &mut Lazy<Config>, output: &Output) -> Result<Store> {
    if let Some(url) = database_url_of(global, config)? {
        return Store::open_pg(&url);
    }
    let dir = data_dir_of(global, config)?;
    let store = Store::open(&dir)?;
    finished_restore(output, store.finished_restore());
    if let Some(w) = crate::adapters::store::data_dir_warning(&dir) {
        output.warn(w);
    }
    Ok(store)
}

/// The Stripe key `resolve` finds for the profile, or an error that says how to set one.
fn find_key(global: &Global, config: &mut Lazy<Config>, resolve: Resolve) -> Result<StripeKey> {
    let profile = profile_of(global, config)?;
    match resolve(&profile) {
        Ok(Lookup::Found(k)) => Ok(k),
        Ok(Lookup::Missing(why)) => {
            let mut msg = format!(
                "no Stripe API key: {}",
                secrets::how_to_change_key(None, &profile)
            );
            if let Some(w) = why {
                msg.push_str(&format!("\nnote: {w}"));
            }
            bail!(msg)
        }
        Err(KeyError { source: None, why }) => bail!(why),
        Err(e) => bail!(
            "{e}\nhint: {}",
            secrets::how_to_change_key(e.source.as_ref(), &profile)
        ),
    }
}

fn build_runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("failed to start the async runtime")
}

/// The data dir `data_dir` in the config names, else `$XDG_DATA_HOME/billctl`, else
/// `~/.local/share/billctl`.
fn default_data_dir(configured: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(d) = configured {
        return Ok(d);
    }
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))
        .ok_or_else(|| {
            anyhow!("cannot find a data dir: set BILLCTL_DATA_DIR or pass --data-dir")
        })?;
    Ok(base.join("billctl"))
}

/// The variable that names a Postgres store (it may hold the password).
pub const DATABASE_URL_ENV: &str = "BILLCTL_DATABASE_URL";

pub struct Ctx {
    pub global: Global,
    pub output: Output,
    config: Lazy<Config>,
    store: Lazy<Store>,
    /// The Stripe key, looked up once per process (the keyring is read once).
    key: Lazy<StripeKey>,
    stripe: Lazy<Stripe>,
    runtime: Lazy<tokio::runtime::Runtime>,
    resolve: Resolve,
}

impl Ctx {
    pub fn new(global: Global) -> Ctx {
        let output = Output::new(global.json, global.quiet, global.verbose, global.color);
        Ctx {
            global,
            output,
            config: Lazy::new(),
            store: Lazy::new(),
            key: Lazy::new(),
            stripe: Lazy::new(),
            runtime: Lazy::new(),
            resolve: secrets::resolve,
        }
    }

    /// The validated config (loaded on first use).
    pub fn config(&mut self) -> Result<&Config> {
        config_of(&self.global, &mut self.config)
    }

    /// The keyring profile: flag/env, then the config, then "default".
    pub fn profile(&mut self) -> Result<String> {
        profile_of(&self.global, &mut self.config)
    }

    /// The data dir: --data-dir / BILLCTL_DATA_DIR, then `data_dir` in the config, then XDG.
    pub fn data_dir(&mut self) -> Result<PathBuf> {
        data_dir_of(&self.global, &mut self.config)
    }

    /// Refuses `path`, which `flag` names for billctl to write, when it is one of the store's
    /// files in the data dir ([`crate::adapters::store::guard::refuse_store_path`]): every output path
    /// is checked here before its command does any work. The data dir is found as
    /// [`Ctx::data_dir`] finds it, except that a config that does not load is passed over
    /// (the command reports it when it reads the config; `completions --man` reads none).
    pub fn refuse_store_path(&mut self, flag: &str, path: &std::path::Path) -> Result<()> {
        let dir = match &self.global.data_dir {
            Some(d) => Some(d.clone()),
            None => {
                let configured = self.config().ok().and_then(|c| c.data_dir.clone());
                default_data_dir(configured).ok()
            }
        };
        match dir {
            Some(dir) => crate::adapters::store::guard::refuse_store_path(&dir, path, flag),
            // No data dir can be found: there is no store file to hit.
            None => Ok(()),
        }
    }

    /// The store (opened and migrated on first use).
    pub fn store(&mut self) -> Result<&mut Store> {
        let Ctx {
            global,
            output,
            config,
            store,
            ..
        } = self;
        store.get_or_try_init(|| open_store(global, config, output))
    }

    /// The store and the async runtime together, for a workflow that alternates between them
    /// (it blocks on one Stripe call at a time and never holds the store across an await).
    pub fn store_and_runtime(&mut self) -> Result<(&mut Store, &tokio::runtime::Runtime)> {
        let Ctx {
            global,
            output,
            config,
            store,
            runtime,
            ..
        } = self;
        let store = store.get_or_try_init(|| open_store(global, config, output))?;
        Ok((store, runtime.get_or_try_init(build_runtime)?))
    }

    /// The Postgres store named by `BILLCTL_DATABASE_URL` (which may hold a password), else by
    /// `store.url` in the config (which may not); `None`: the SQLite store.
    pub fn database_url(&mut self) -> Result<Option<crate::adapters::store::pg::PgUrl>> {
        database_url_of(&self.global, &mut self.config)
    }

    /// The webhook store: `webhooks.db` in the data dir, or the Postgres store.
    pub fn events(&mut self) -> Result<crate::adapters::store::webhooks::EventStore> {
        use crate::adapters::store::webhooks::{EventStore, Location};
        match self.database_url()? {
            Some(url) => EventStore::open_at(&Location::Pg(url)),
            None => {
                let events = EventStore::open(&self.data_dir()?)?;
                finished_restore(&self.output, events.finished_restore());
                Ok(events)
            }
        }
    }

    /// The store by value, for an owner such as the `Verifier`.
    pub fn take_store(&mut self) -> Result<Store> {
        match self.store.take() {
            Some(store) => Ok(store),
            None => open_store(&self.global, &mut self.config, &self.output),
        }
    }

    /// The Stripe key in use (looked up once), or an error that says how to set one.
    pub fn stripe_key(&mut self) -> Result<StripeKey> {
        let Ctx {
            global,
            config,
            key,
            resolve,
            ..
        } = self;
        let key = key.get_or_try_init(|| find_key(global, config, *resolve))?;
        Ok(key.clone())
    }

    /// How to change the key, for where the key in use comes from (or would): the words of
    /// every hint that sends the user to change it.
    pub fn key_hint(&mut self) -> String {
        let Ok(profile) = self.profile() else {
            return secrets::how_to_change_key(None, "default");
        };
        if let Some(k) = self.key.get() {
            return secrets::how_to_change_key(Some(&k.source), &profile);
        }
        let source = match (self.resolve)(&profile) {
            Ok(Lookup::Found(k)) => Some(k.source),
            Ok(Lookup::Missing(_)) => None,
            Err(e) => e.source,
        };
        secrets::how_to_change_key(source.as_ref(), &profile)
    }

    /// `err` with how to change the key added when Stripe refused it (401).
    pub fn explain_refused_key(&mut self, err: anyhow::Error) -> anyhow::Error {
        let refused = err.chain().any(|e| {
            matches!(
                e.downcast_ref::<crate::adapters::stripe::Error>(),
                Some(crate::adapters::stripe::Error::Api { status: 401, .. })
            )
        });
        if !refused {
            return err;
        }
        let hint = self.key_hint();
        anyhow::Error::new(crate::Hinted::new(err, hint))
    }

    /// A Stripe client for reading.
    pub fn stripe(&mut self) -> Result<Stripe> {
        if let Some(client) = self.stripe.get() {
            return Ok(client.clone());
        }
        let key = self.stripe_key()?;
        let settings = self.stripe_settings(&key)?;
        let client = Stripe::new(&key, settings).map_err(|e| anyhow!(e))?;
        Ok(self.stripe.get_or_try_init(|| Ok(client))?.clone())
    }

    /// The write handle, through the one live-mode check ([`Writer::unlock`]): with a
    /// live-mode key it needs `--live`. Asks nothing and sends nothing, so a refused write
    /// reaches no one; a command that confirms later asks through [`Ctx::confirm_write`].
    /// `serve` takes its self-service routes' handle here too.
    pub fn writer(&mut self, what: &str) -> Result<Writer> {
        let read = self.stripe()?;
        Writer::unlock(&read, self.global.live).map_err(|r| {
            anyhow!(
                "refusing to {what} with a live-mode key (…{}): pass --live to write to live Stripe data",
                r.last4
            )
        })
    }

    /// The write handle for a write that asks nothing of its own: with a live-mode key it
    /// needs `--live`, and then a confirmation (or `--yes`); `--yes` alone does not unlock
    /// live mode.
    pub fn stripe_for_write(&mut self, what: &str) -> Result<Writer> {
        let writer = self.writer(what)?;
        self.confirm_live(&writer, what)?;
        Ok(writer)
    }

    /// With a handle on live data, asks "{what} in LIVE mode?" (`--yes` answers it); an error
    /// when declined. Nothing to ask in test mode.
    pub fn confirm_live(&mut self, writer: &Writer, what: &str) -> Result<()> {
        if writer.is_live() {
            let question = format!("{what} in LIVE mode (key …{})?", writer.last4());
            if !self.output.confirm(&question, self.global.yes)? {
                bail!("aborted");
            }
        }
        Ok(())
    }

    /// The write handle for a write the command confirms itself: one question, marked as
    /// LIVE when the key is live (which also needs `--live`). `Ok(None)` when the answer is no.
    pub fn stripe_for_confirmed_write(
        &mut self,
        what: &str,
        question: &str,
    ) -> Result<Option<Writer>> {
        let writer = self.writer(what)?;
        Ok(self.confirm_write(&writer, question)?.then_some(writer))
    }

    /// The command's one question before a write (`--yes` answers it), marked as LIVE when
    /// the handle writes to live data.
    pub fn confirm_write(&mut self, writer: &Writer, question: &str) -> Result<bool> {
        let question = match writer.is_live() {
            true => format!("{question} [LIVE mode, key …{}]", writer.last4()),
            false => question.to_string(),
        };
        self.output.confirm(&question, self.global.yes)
    }

    /// The mode of the key in use, once `stripe()` has built the client.
    pub fn mode(&self) -> Option<Mode> {
        self.stripe.get().and(self.key.get()).map(|k| k.mode)
    }

    fn stripe_settings(&mut self, key: &StripeKey) -> Result<Settings> {
        let log = (self.global.verbose > 0).then(|| {
            let output = self.output.clone();
            crate::adapters::stripe::transport::Log::new(move |line| output.debug(1, line))
        });
        let live_hint = (key.mode == Mode::Live).then(|| self.key_hint());
        let source = self.config()?.source.to_string();
        let cfg = &self.config()?.stripe;
        let base = config::stripe_api_base(cfg.api_base.as_deref(), &source, live_hint.as_deref())?;
        let max_rps = match std::env::var(RATE_ENV).ok().filter(|v| !v.is_empty()) {
            Some(v) => Some(
                v.trim()
                    .parse::<u32>()
                    .ok()
                    .filter(|r| (1..=1000).contains(r))
                    .ok_or_else(|| {
                        anyhow::anyhow!("invalid {RATE_ENV} {v:?}: requests per second, 1 to 1000")
                    })?,
            ),
            None => cfg.max_requests_per_second,
        };
        Ok(Settings {
            base,
            timeout: Duration::from_secs(cfg.timeout_secs),
            max_attempts: cfg.max_attempts,
            backoff: Duration::from_millis(500),
            log,
            max_rps,
        })
    }

    /// The async runtime (current-thread), built on first use.
    pub fn runtime(&mut self) -> Result<&tokio::runtime::Runtime> {
        Ok(self.runtime.get_or_try_init(build_runtime)?)
    }

    /// Runs a future to completion on the runtime.
    pub fn block_on<F: std::future::Future>(&mut self, fut: F) -> Result<F::Output> {
        Ok(self.runtime()?.block_on(fut))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// How many times the key was looked up (only this test's Ctx counts here).
    static LOOKUPS: AtomicUsize = AtomicUsize::new(0);

    fn counted(profile: &str) -> Result<Lookup, KeyError> {
        LOOKUPS.fetch_add(1, Ordering::SeqCst);
        let source = secrets::Source::Keyring {
            profile: profile.into(),
        };
        let key = StripeKey::parse("sk_test_0123456789abcdefXYZ", source).unwrap();
        Ok(Lookup::Found(key))
    }

    /// The key is looked up (the keyring read) once per process: building the client, its
    /// settings, the key's mode and the hint all use that one lookup.
    #[test]
    fn the_stripe_key_is_looked_up_once_per_process() {
        let dir = tempfile::tempdir().unwrap();
        let config = dir.path().join("billctl.toml");
        std::fs::write(&config, crate::domain::config::DEFAULT_CONFIG).unwrap();
        let args = [
            "billctl",
            "--config",
            config.to_str().unwrap(),
            "--data-dir",
            dir.path().to_str().unwrap(),
        ];
        let cli = <crate::cli::Cli as clap::Parser>::try_parse_from(args).unwrap();
        let mut ctx = Ctx::new(cli.global);
        ctx.resolve = counted;
        assert_eq!(ctx.mode(), None, "no client yet");
        ctx.stripe().unwrap();
        ctx.stripe().unwrap();
        assert_eq!(ctx.stripe_key().unwrap().mode, Mode::Test);
        assert_eq!(ctx.mode(), Some(Mode::Test));
        assert!(ctx.key_hint().contains("auth login"), "{}", ctx.key_hint());
        assert_eq!(
            LOOKUPS.load(Ordering::SeqCst),
            1,
            "the key was looked up again"
        );
    }
}

//! The context commands run in: output settings now, and the config, the store and the Stripe
//! client only when a command asks for them (so `--help`, `--version` and `completions` touch
//! none of them).

use crate::cli::Global;
use crate::config::{self, Config};
use crate::output::Output;
use crate::secrets::{self, KeyError, Lookup, Mode, StripeKey};
use crate::store::Store;
use crate::stripe::{Settings, Stripe, Writer};
use anyhow::{anyhow, bail, Context, Result};
use std::path::PathBuf;
use std::time::Duration;

/// Stripe's API base, unless `BILLCTL_STRIPE_API_BASE` or `stripe.api_base` says otherwise.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com/";
/// Environment override of the API base (how tests and demos reach the simulator).
pub const API_BASE_ENV: &str = "BILLCTL_STRIPE_API_BASE";
/// Requests per second to Stripe at most (wins over `stripe.max_requests_per_second`).
pub const RATE_ENV: &str = "BILLCTL_STRIPE_RATE";
/// Test builds only: lets a live-mode key reach a local simulator, for the live-mode tests.
pub const TEST_ALLOW_LIVE_BASE_ENV: &str = "BILLCTL_TEST_ALLOW_LIVE_BASE";

/// Where the Stripe key may be sent. Plain http only to loopback (the simulator); a config
/// file may name only api.stripe.com (another host must come from `BILLCTL_STRIPE_API_BASE`,
/// so a changed config cannot send the key elsewhere); a live-mode key (`live`: how to change
/// it) only to api.stripe.com.
fn check_api_base(base: &str, config_file: Option<&str>, live: Option<&str>) -> Result<()> {
    let uri: hyper::Uri = base
        .parse()
        .map_err(|e| anyhow!("invalid Stripe API base {base:?}: {e}"))?;
    let host = uri.host().unwrap_or_default().trim_matches(['[', ']']);
    let loopback = matches!(host, "localhost" | "::1") || host.starts_with("127.");
    match uri.scheme_str() {
        Some("https") => {}
        Some("http") if loopback => {}
        Some("http") => bail!("refusing to send the Stripe key over plain http to {host}: http is allowed only to loopback (a local simulator); use https"),
        _ => bail!("{API_BASE_ENV} must be an http:// or https:// URL, got {base:?}"),
    }
    if uri.authority().is_some_and(|a| a.as_str().contains('@')) {
        bail!("the Stripe API base must not carry credentials");
    }
    let stripe = host == "api.stripe.com";
    if let (Some(file), false) = (config_file, stripe) {
        bail!("stripe.api_base in {file} points at {host}: a config file may only name api.stripe.com, so that a changed config cannot send the Stripe key elsewhere\nhint: set {API_BASE_ENV} to use another host");
    }
    let allow_test = cfg!(debug_assertions) && std::env::var_os(TEST_ALLOW_LIVE_BASE_ENV).is_some();
    if let (Some(hint), false, false) = (live, stripe, allow_test) {
        bail!("refusing to send a live-mode key to {host}: live keys go only to api.stripe.com\nhint: use a test-mode key here: {hint}");
    }
    Ok(())
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
    config: Option<Config>,
    store: Option<Store>,
    stripe: Option<(Stripe, StripeKey)>,
    runtime: Option<tokio::runtime::Runtime>,
}

impl Ctx {
    pub fn new(global: Global) -> Ctx {
        let output = Output::new(global.json, global.quiet, global.verbose, global.color);
        Ctx {
            global,
            output,
            config: None,
            store: None,
            stripe: None,
            runtime: None,
        }
    }

    /// The validated config (loaded on first use).
    pub fn config(&mut self) -> Result<&Config> {
        if self.config.is_none() {
            let path = config::locate(self.global.config.as_deref());
            self.config = Some(config::load(path.as_deref())?);
        }
        Ok(self.config.as_ref().expect("loaded above"))
    }

    /// The keyring profile: flag/env, then the config, then "default".
    pub fn profile(&mut self) -> Result<String> {
        if let Some(p) = &self.global.profile {
            return Ok(p.clone());
        }
        Ok(self.config()?.stripe.profile.clone())
    }

    /// The data dir: --data-dir / BILLCTL_DATA_DIR, then `data_dir` in the config, then XDG.
    pub fn data_dir(&mut self) -> Result<PathBuf> {
        if let Some(d) = &self.global.data_dir {
            return Ok(d.clone());
        }
        let configured = self.config()?.data_dir.clone();
        default_data_dir(configured)
    }

    /// Refuses `path`, which `flag` names for billctl to write, when it is one of the store's
    /// files in the data dir ([`crate::store::guard::refuse_store_path`]): every output path
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
            Some(dir) => crate::store::guard::refuse_store_path(&dir, path, flag),
            // No data dir can be found: there is no store file to hit.
            None => Ok(()),
        }
    }

    /// The store (opened and migrated on first use).
    pub fn store(&mut self) -> Result<&mut Store> {
        if self.store.is_none() {
            if let Some(url) = self.database_url()? {
                self.store = Some(Store::open_pg(&url)?);
                return Ok(self.store.as_mut().expect("opened above"));
            }
            let dir = self.data_dir()?;
            let store = Store::open(&dir)?;
            self.finished_restore(store.finished_restore());
            self.store = Some(store);
            if let Some(w) = crate::store::data_dir_warning(&dir) {
                self.output.warn(w);
            }
        }
        Ok(self.store.as_mut().expect("opened above"))
    }

    /// The store and the async runtime together, for a workflow that alternates between them
    /// (it blocks on one Stripe call at a time and never holds the store across an await).
    pub fn store_and_runtime(&mut self) -> Result<(&mut Store, &tokio::runtime::Runtime)> {
        self.store()?;
        self.runtime()?;
        Ok((
            self.store.as_mut().expect("opened above"),
            self.runtime.as_ref().expect("built above"),
        ))
    }

    /// The Postgres store named by `BILLCTL_DATABASE_URL` (which may hold a password), else by
    /// `store.url` in the config (which may not); `None`: the SQLite store.
    pub fn database_url(&mut self) -> Result<Option<crate::store::pg::PgUrl>> {
        if let Some(u) = std::env::var_os(DATABASE_URL_ENV).filter(|u| !u.is_empty()) {
            let u = u
                .into_string()
                .map_err(|_| anyhow!("{DATABASE_URL_ENV} is not UTF-8"))?;
            return crate::store::pg::PgUrl::parse(&u, true)
                .map(Some)
                .map_err(|e| anyhow!("{DATABASE_URL_ENV} {e}"));
        }
        match self.config()?.store_url.clone() {
            Some(u) => crate::store::pg::PgUrl::parse(&u, false)
                .map(Some)
                .map_err(|e| anyhow!("store.url {e}")),
            None => Ok(None),
        }
    }

    /// The webhook store: `webhooks.db` in the data dir, or the Postgres store.
    pub fn events(&mut self) -> Result<crate::store::webhooks::EventStore> {
        use crate::store::webhooks::{EventStore, Location};
        match self.database_url()? {
            Some(url) => EventStore::open_at(&Location::Pg(url)),
            None => {
                let events = EventStore::open(&self.data_dir()?)?;
                self.finished_restore(events.finished_restore());
                Ok(events)
            }
        }
    }

    /// Says so when opening the store finished an interrupted restore: the store now holds
    /// that restore's backup.
    fn finished_restore(&self, finished: Option<&crate::store::swap::Finished>) {
        if let Some(f) = finished {
            self.output.warn(format!(
                "finished an interrupted restore first ({})",
                f.describe()
            ));
        }
    }

    /// The store by value, for an owner such as the `Verifier`.
    pub fn take_store(&mut self) -> Result<Store> {
        self.store()?;
        Ok(self.store.take().expect("opened above"))
    }

    /// The Stripe key in use, or an error that says how to set one.
    pub fn stripe_key(&mut self) -> Result<StripeKey> {
        let profile = self.profile()?;
        match secrets::resolve(&profile) {
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

    /// How to change the key, for where the key in use comes from (or would): the words of
    /// every hint that sends the user to change it.
    pub fn key_hint(&mut self) -> String {
        let Ok(profile) = self.profile() else {
            return secrets::how_to_change_key(None, "default");
        };
        let source = match secrets::resolve(&profile) {
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
                e.downcast_ref::<crate::stripe::Error>(),
                Some(crate::stripe::Error::Api { status: 401, .. })
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
        if self.stripe.is_none() {
            let key = self.stripe_key()?;
            let settings = self.stripe_settings()?;
            let client = Stripe::new(&key, settings).map_err(|e| anyhow!(e))?;
            self.stripe = Some((client, key));
        }
        Ok(self.stripe.as_ref().expect("built above").0.clone())
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

    /// The mode of the key in use (after `stripe()` or `stripe_key()`).
    pub fn mode(&self) -> Option<Mode> {
        self.stripe.as_ref().map(|(_, k)| k.mode)
    }

    fn stripe_settings(&mut self) -> Result<Settings> {
        let log = (self.global.verbose > 0).then(|| {
            let output = self.output.clone();
            crate::stripe::transport::Log::new(move |line| output.debug(1, line))
        });
        let live = self.stripe_key()?.mode == Mode::Live;
        let live_hint = live.then(|| self.key_hint());
        let from_env = std::env::var(API_BASE_ENV).ok().filter(|b| !b.is_empty());
        let source = self.config()?.source.to_string();
        let cfg = &self.config()?.stripe;
        let (mut base, from_config) = match (from_env, &cfg.api_base) {
            (Some(b), _) => (b, false),
            (None, Some(b)) => (b.clone(), true),
            (None, None) => (DEFAULT_API_BASE.to_string(), false),
        };
        check_api_base(
            &base,
            from_config.then_some(source.as_str()),
            live_hint.as_deref(),
        )?;
        // async-stripe paths are appended as "v1/...": the base must end in '/'.
        if !base.ends_with('/') {
            base.push('/');
        }
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
        if self.runtime.is_none() {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .context("failed to start the async runtime")?;
            self.runtime = Some(rt);
        }
        Ok(self.runtime.as_ref().expect("built above"))
    }

    /// Runs a future to completion on the runtime.
    pub fn block_on<F: std::future::Future>(&mut self, fut: F) -> Result<F::Output> {
        Ok(self.runtime()?.block_on(fut))
    }
}

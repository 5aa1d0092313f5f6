//! `serve`'s workflows, the same whatever door asks and knowing no HTTP: the token checks, key
//! verifies (plain ones from the cache, recorded ones through the recorder thread's group
//! commit), the caches a change or SIGHUP drops, and a customer's usage view. `api/serve.rs`
//! parses the requests, calls these, and maps each outcome to a status and a dialect.

pub mod events;
pub mod selfserve;
pub mod tokens;

use crate::adapters::store::Store;
use crate::domain::config::Config;
use crate::domain::keys::Scope;
use crate::ops::lock;
use crate::ops::verifier::{CacheStats, Verification, Verifier};
use anyhow::Result;
use serde::Serialize;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex};
use std::time::{Duration, Instant};
use tokens::{Lookups, Refusal, Tokens};

/// The first line `serve` prints: where it listens (and, in JSON, the config it runs on).
#[derive(Debug, Serialize)]
pub struct Listening {
    pub listening: String,
    pub config: crate::domain::config::ConfigSource,
}

/// What `serve` did, for its last line.
#[derive(Debug, Serialize)]
pub struct Summary {
    pub requests: u64,
    pub recorded: u64,
}

/// Most recorded verifies charged in one transaction.
const GROUP: usize = 1024;

/// A store or verifier shared by blocking tasks.
pub type Shared<T> = Arc<Mutex<T>>;

/// Which verifier's cache counts: the plain one's or the recorder's.
#[derive(Debug, Clone, Copy)]
pub enum Side {
    Plain = 0,
    Recorder = 1,
}

/// What the workflows count, for the metrics (`serve`'s `/metrics` shows them).
pub trait Observe: Send + Sync {
    /// A verifier's cache counters now.
    fn cache(&self, side: Side, stats: CacheStats);
    /// A group of `n` recorded verifies charged in one transaction.
    fn group(&self, n: usize);
    /// A token id looked up in the store.
    fn token_lookup(&self);
}

/// A recorded verify waiting for the recorder.
struct RecordJob {
    key: String,
    quantity: i64,
    reply: tokio::sync::oneshot::Sender<Verification>,
}

/// Keys a verifier must drop before its next verify, each with when the change was committed
/// (by then); and since when all of them (SIGHUP). Kept apart from the verifier, so that a
/// change never waits for a verifier that a blocking thread holds during a store read.
#[derive(Default)]
struct Forgets {
    ids: Vec<(String, Instant)>,
    all: Option<Instant>,
}

/// Drops from `verifier` what `changed` lists.
fn catch_up(verifier: &mut Verifier, changed: &Mutex<Forgets>) {
    let Forgets { ids, all } = std::mem::take(&mut *lock(changed));
    if let Some(at) = all {
        verifier.forget_all(at);
    }
    for (id, at) in ids {
        verifier.forget_at(&id, at);
    }
}

/// Runs `f` on a blocking thread (store work), as an error if the thread died.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| anyhow::anyhow!("a store task failed: {e}"))
}

/// The verifiers of `serve`: plain verifies from the cache, their loader, and the recorder
/// thread that charges recorded ones in groups.
pub struct Verifiers {
    /// Plain verifies from the cache: never held while the store is read, so a cached verify
    /// never waits behind a slow one.
    plain: Shared<Verifier>,
    /// Reads what a plain verify missing from the cache needs, on a blocking thread, for
    /// `plain` to take.
    loader: Shared<Verifier>,
    /// Plain verifies waiting for the loader: the last one ends its read snapshot, so a burst
    /// of misses shares one and an idle serve holds no transaction open (which would hold up
    /// `LOCK TABLE`, migrations and vacuum).
    loading: Arc<AtomicUsize>,
    recorder: mpsc::Sender<RecordJob>,
    /// Keys changed here (or all of them, on SIGHUP), for each verifier to drop before its
    /// next verify: plain, loader, recorder.
    changed: [Shared<Forgets>; 3],
    observe: Arc<dyn Observe>,
}

/// The recorder thread, to join once every sender is gone; and how many verifies it recorded.
pub struct Recorder {
    thread: std::thread::JoinHandle<()>,
    recorded: Arc<AtomicU64>,
}

impl Recorder {
    /// Waits for the recorder to commit and answer what it holds; how many it recorded.
    pub fn finish(self) -> u64 {
        let _ = self.thread.join();
        self.recorded.load(Ordering::Relaxed)
    }
}

impl Verifiers {
    /// Three verifiers over connections opened from `store`, cached keys as stale as
    /// `refresh` at most; the recorder thread started.
    pub fn start(
        store: &Store,
        config: &Config,
        refresh: Duration,
        observe: Arc<dyn Observe>,
    ) -> Result<(Verifiers, Recorder)> {
        let verifier = |s: Store| Verifier::from_store(s, config).map(|v| v.with_refresh(refresh));
        let plain = verifier(store.reopen()?)?;
        let loader = verifier(store.reopen()?)?;
        let recorder = verifier(store.reopen()?)?;
        let (tx, rx) = mpsc::channel::<RecordJob>();
        let recorded = Arc::new(AtomicU64::new(0));
        let changed: [Shared<Forgets>; 3] = Default::default();
        let thread = {
            let (observe, recorded, changed) =
                (observe.clone(), recorded.clone(), changed[2].clone());
            std::thread::Builder::new()
                .name("billctl-recorder".into())
                .spawn(move || record_loop(recorder, &rx, &changed, (&*observe, &recorded)))?
        };
        let verifiers = Verifiers {
            plain: Arc::new(Mutex::new(plain)),
            loader: Arc::new(Mutex::new(loader)),
            loading: Arc::default(),
            recorder: tx,
            changed,
            observe,
        };
        Ok((verifiers, Recorder { thread, recorded }))
    }

    /// A plain verify: from the cache on this thread when everything it needs is fresh, else
    /// on a blocking thread that reads the store. Never fails open.
    pub async fn plain(&self, key: String) -> Verification {
        // The cache alone, on this thread, when nothing needs the store. `plain` is never
        // held during a store read, so this only fails for a moment.
        if let Ok(mut verifier) = self.plain.try_lock() {
            catch_up(&mut verifier, &self.changed[0]);
            if let Some(v) = verifier.verify_cached(&key) {
                self.observe.cache(Side::Plain, verifier.cache_stats());
                return v;
            }
        }
        // Else the loader reads what it needs on a blocking thread, and `plain` takes it.
        let (plain, loader, observe) = (
            self.plain.clone(),
            self.loader.clone(),
            self.observe.clone(),
        );
        let changed = [self.changed[0].clone(), self.changed[1].clone()];
        let loading = self.loading.clone();
        loading.fetch_add(1, Ordering::SeqCst);
        blocking(move || {
            let loaded = {
                let mut loader = lock(&loader);
                catch_up(&mut loader, &changed[1]);
                let loaded = loader.load(&key);
                if loading.fetch_sub(1, Ordering::SeqCst) == 1 {
                    loader.end_snapshot();
                }
                loaded
            };
            let loaded = match loaded {
                Ok(l) => l,
                Err(e) => return unavailable_verdict(&e),
            };
            let mut verifier = lock(&plain);
            catch_up(&mut verifier, &changed[0]);
            let v = verifier.verify_loaded(&key, loaded);
            observe.cache(Side::Plain, verifier.cache_stats());
            v
        })
        .await
        .unwrap_or_else(|e| unavailable_verdict(&e))
    }

    /// A recorded verify: charged by the recorder thread with the others waiting, answered
    /// once their transaction is committed.
    pub async fn recorded(&self, key: String, quantity: i64) -> Verification {
        let (reply, answer) = tokio::sync::oneshot::channel();
        let job = RecordJob {
            key,
            quantity,
            reply,
        };
        if self.recorder.send(job).is_err() {
            return unavailable_verdict(&anyhow::anyhow!("the recorder has stopped"));
        }
        answer
            .await
            .unwrap_or_else(|_| unavailable_verdict(&anyhow::anyhow!("the recorder has stopped")))
    }

    /// Makes every verifier read these keys from the store again: a change made here is seen
    /// by this process's very next verify. Never waits for a verifier (one may be held by a
    /// blocking thread during a store read).
    pub fn forget_keys(&self, ids: &[&str]) {
        let at = Instant::now();
        for changed in &self.changed {
            lock(changed)
                .ids
                .extend(ids.iter().map(|s| (s.to_string(), at)));
        }
    }

    /// Makes every verifier read all keys, customers and the mode again at its next verify
    /// (SIGHUP).
    pub fn forget_all(&self) -> impl Fn() + Send + Sync + 'static {
        let changed = self.changed.clone();
        move || {
            let at = Instant::now();
            for c in &changed {
                let mut c = lock(c);
                c.ids.clear();
                c.all = Some(at);
            }
        }
    }
}

fn unavailable_verdict(e: &anyhow::Error) -> Verification {
    Verification::store_unavailable(format!("the store could not be reached: {e:#}"))
}

/// The recorder thread: takes every call waiting (up to [`GROUP`]) and charges them in one
/// transaction, then answers each.
fn record_loop(
    mut verifier: Verifier,
    rx: &mpsc::Receiver<RecordJob>,
    changed: &Mutex<Forgets>,
    (observe, recorded): (&dyn Observe, &AtomicU64),
) {
    while let Ok(first) = rx.recv() {
        catch_up(&mut verifier, changed);
        let mut jobs = vec![first];
        while jobs.len() < GROUP {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        let calls: Vec<(&str, i64)> = jobs.iter().map(|j| (j.key.as_str(), j.quantity)).collect();
        let verdicts = verifier.verify_and_record_many(&calls);
        observe.group(jobs.len());
        observe.cache(Side::Recorder, verifier.cache_stats());
        let valid = verdicts.iter().filter(|v| v.is_valid()).count() as u64;
        recorded.fetch_add(valid, Ordering::Relaxed);
        for (job, v) in jobs.into_iter().zip(verdicts) {
            let _ = job.reply.send(v);
        }
    }
}

/// The service tokens callers are checked against: the list read from the store (again once
/// older than the refresh interval), and ids it lacks looked up.
pub struct TokenGate {
    tokens: Shared<Tokens>,
    /// The token list's own connection: a refresh never waits behind another route's read.
    store: Shared<Store>,
    /// A token list refresh is under way: the other requests check against the list in hand
    /// instead of waiting for a store that may be stalled.
    refreshing: Arc<AtomicBool>,
    /// Store lookups of token ids the list lacks: coalesced per id, a few at once.
    lookups: Arc<Lookups>,
    observe: Arc<dyn Observe>,
}

impl TokenGate {
    /// A gate over `store`'s tokens, re-read once older than `refresh`.
    pub fn new(store: Store, refresh: Duration, observe: Arc<dyn Observe>) -> TokenGate {
        TokenGate {
            tokens: Arc::new(Mutex::new(Tokens::new(refresh))),
            store: Arc::new(Mutex::new(store)),
            refreshing: Arc::default(),
            lookups: Arc::default(),
            observe,
        }
    }

    /// The token's name when `presented` is a valid token with `scopes`; the refusal
    /// otherwise; an error when the store could not give the list.
    pub async fn check(
        &self,
        presented: Option<&str>,
        scopes: &[Scope],
    ) -> Result<Result<String, Refusal>> {
        let now = Instant::now();
        self.refresh().await?;
        let mut checked = lock(&self.tokens).check(presented, scopes);
        if checked == Err(Refusal::Unknown) {
            self.look_for(presented, now).await?;
            checked = lock(&self.tokens).check(presented, scopes);
        }
        Ok(checked)
    }

    /// Whether `presented` is a valid token (any scope), checked as every route checks one,
    /// within `within`. When the store cannot give the list, the list in hand decides, and
    /// an unseen id is not trusted.
    pub async fn trusts(&self, presented: &str, within: Duration) -> bool {
        let check = async {
            let listed = self.refresh().await.is_ok();
            let mut checked = lock(&self.tokens).check(Some(presented), &[]);
            if listed && checked == Err(Refusal::Unknown) {
                let now = Instant::now();
                self.look_for(Some(presented), now).await.ok()?;
                checked = lock(&self.tokens).check(Some(presented), &[]);
            }
            checked.ok()
        };
        matches!(tokio::time::timeout(within, check).await, Ok(Some(_)))
    }

    /// Makes the list be read again at the next request (SIGHUP).
    pub fn expire(&self) -> impl Fn() + Send + Sync + 'static {
        let tokens = self.tokens.clone();
        move || lock(&tokens).expire()
    }

    /// A well-formed token the list lacks: its id is looked for in the store (once per refresh
    /// interval per id), so a token issued since the list was read works at once.
    async fn look_for(&self, presented: Option<&str>, now: Instant) -> Result<()> {
        let Some(id) = lock(&self.tokens).worth_a_look(presented, now) else {
            return Ok(());
        };
        let look = async {
            // Its turn may come after another caller's lookup answered it.
            if lock(&self.tokens).worth_a_look(presented, now).is_none() {
                return Ok(());
            }
            self.observe.token_lookup();
            let (store, wanted) = (self.store.clone(), id.clone());
            let found = blocking(move || lock(&store).token(&wanted)).await??;
            lock(&self.tokens).looked_up(id.clone(), found, Instant::now());
            Ok(())
        };
        self.lookups.once(&id, look).await
    }

    /// Reads the token list again once it is older than the refresh interval. One request
    /// reads it; the others meanwhile check against the list in hand (a stalled store holds
    /// up no caller whose token it already knows), or wait when there is none yet.
    async fn refresh(&self) -> Result<()> {
        let now = Instant::now();
        let (stale, have) = {
            let t = lock(&self.tokens);
            (t.stale(now), t.has_list())
        };
        if !stale {
            return Ok(());
        }
        let mine = !self.refreshing.swap(true, Ordering::SeqCst);
        if !mine && have {
            return Ok(());
        }
        let (tokens, store) = (self.tokens.clone(), self.store.clone());
        let flag = self.refreshing.clone();
        // The flag is cleared by the read itself, which runs to its end even if this request
        // is dropped (its timeout), so a refresh is never left marked under way.
        blocking(move || -> Result<()> {
            let read = (|| {
                let store = lock(&store);
                if lock(&tokens).stale(now) {
                    let list = store.tokens()?;
                    lock(&tokens).set(list, now);
                }
                Ok(())
            })();
            if mine {
                flag.store(false, Ordering::SeqCst);
            }
            read
        })
        .await
        .and_then(|r| r)
    }
}

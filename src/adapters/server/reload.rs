//! SIGHUP for the services on the server core: the handler is installed before a server says
//! where it listens, so a reload never ends the process (whatever the mode: TCP, a Unix
//! socket, TLS); each SIGHUP then runs every part a service registered (the TLS files, the
//! token and key caches), each on a blocking thread within a deadline, and logs what it did.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long one part of a reload may take before the reload goes on without it (a certificate
/// on a stalled file system): the part keeps what it had.
pub const DEADLINE: Duration = Duration::from_secs(5);

/// One thing a SIGHUP re-reads, run on a blocking thread: what it did (`Ok`, logged as info)
/// or why it kept what it had (`Err`, a warning).
pub type Part = Arc<dyn Fn() -> Result<String, String> + Send + Sync>;

/// Where a reload's lines go: `(warning, line)`.
pub type Said = Arc<dyn Fn(bool, &str) + Send + Sync>;

/// Ignores SIGHUP until [`Reload::install`] handles it: the first thing `serve` and `webhooks
/// listen` do, before the store is opened, so that a reload sent while they start
/// (`systemctl reload` right after `start`) never ends them. Then the fault point
/// `<service>.start` (see [`crate::util::faults`]), where a test stops the process to send one.
pub fn ignore_hangup_from_now(service: &str) {
    // A handler that only sets a flag nobody reads: SIGHUP no longer ends the process. Tokio's
    // handler, installed later, joins it in the same registry (signal-hook-registry).
    let _ = signal_hook::flag::register(
        signal_hook::consts::SIGHUP,
        std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false)),
    );
    crate::util::faults::point(&format!("{service}.start"));
}

/// The SIGHUP handler and the parts it reloads.
pub struct Reload {
    signal: Mutex<Option<tokio::signal::unix::Signal>>,
    parts: Mutex<Vec<(&'static str, Part)>>,
    said: Said,
}

impl Reload {
    /// Installs the SIGHUP handler now (call inside the runtime, before the server says where
    /// it listens): from here on SIGHUP never ends the process.
    pub fn install(said: Said) -> Arc<Reload> {
        use tokio::signal::unix::{signal, SignalKind};
        Arc::new(Reload {
            signal: Mutex::new(signal(SignalKind::hangup()).ok()),
            parts: Mutex::default(),
            said,
        })
    }

    /// Adds a part, named for the line that says it timed out.
    pub fn add(&self, name: &'static str, part: Part) {
        lock(&self.parts).push((name, part));
    }

    /// Runs the parts on each SIGHUP until the server stops (the core spawns it).
    pub async fn run(self: Arc<Self>) {
        let Some(mut hup) = lock(&self.signal).take() else {
            return;
        };
        while hup.recv().await.is_some() {
            self.once().await;
        }
    }

    /// One reload: every part, one after another, each within [`DEADLINE`]; systemd is told
    /// `RELOADING=1` before and `READY=1` after ([`super::notify`]).
    pub async fn once(&self) {
        super::notify::reloading();
        let parts = lock(&self.parts).clone();
        if parts.is_empty() {
            (self.said)(false, "SIGHUP: nothing to re-read");
        }
        for (name, part) in parts {
            let ran = tokio::time::timeout(DEADLINE, tokio::task::spawn_blocking(move || part()));
            let (warn, line) = match ran.await {
                Ok(Ok(Ok(did))) => (false, did),
                Ok(Ok(Err(kept))) => (true, kept),
                Ok(Err(e)) => (true, format!("{name}: the reload failed: {e}")),
                Err(_) => (
                    true,
                    format!(
                        "{name}: not re-read within {} s; what was in use stays",
                        DEADLINE.as_secs()
                    ),
                ),
            };
            (self.said)(warn, &format!("SIGHUP: {line}"));
        }
        super::notify::reloaded();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

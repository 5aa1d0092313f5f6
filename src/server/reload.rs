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

/// Holds SIGHUP until [`Reload::install`] handles it: the first thing `serve` and `webhooks
/// listen` do, before the store is opened, so that a reload sent while they start
/// (`systemctl reload` right after `start`) never ends them. Then the fault point
/// `<service>.start` (see [`crate::faults`]), where a test stops the process to send one.
///
/// The signal is blocked on this (the main) thread, not ignored: blocking needs no `unsafe`
/// (it sets no handler), a blocked SIGHUP stays pending and cannot end the process, and the
/// threads started meanwhile inherit the mask. [`Reload::install`] unblocks it on the main
/// thread once tokio's handler is in place; a SIGHUP held until then is delivered to that
/// handler, and so is a reload, not lost.
pub fn hold_hangup_from_now(service: &str) {
    let _ = hangup().thread_block();
    crate::faults::point(&format!("{service}.start"));
}

/// The set holding only SIGHUP.
fn hangup() -> nix::sys::signal::SigSet {
    let mut set = nix::sys::signal::SigSet::empty();
    set.add(nix::sys::signal::Signal::SIGHUP);
    set
}

/// The SIGHUP handler and the parts it reloads.
pub struct Reload {
    signal: Mutex<Option<tokio::signal::unix::Signal>>,
    parts: Mutex<Vec<(&'static str, Part)>>,
    said: Said,
}

impl Reload {
    /// Installs the SIGHUP handler now (call inside the runtime, on the thread that called
    /// [`hold_hangup_from_now`], before the server says where it listens): from here on SIGHUP
    /// never ends the process. The held signal is let through only once the handler is in
    /// place (were it not, SIGHUP stays held: a reload is lost, the process is not).
    pub fn install(said: Said) -> Arc<Reload> {
        use tokio::signal::unix::{signal, SignalKind};
        let handler = signal(SignalKind::hangup()).ok();
        if handler.is_some() {
            let _ = hangup().thread_unblock();
        }
        Arc::new(Reload {
            signal: Mutex::new(handler),
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

//! The connection slots of the server core: the cap (`--max-connections`), what a connection
//! over it gets (the connection idle longest closed to make room, else the unfinished head
//! begun longest ago, never a request in flight), and a few slots beyond it that answer only
//! the probes, so a cap full of requests in flight never fails `/healthz` or `/readyz`.

use super::conn::Entry;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Slots beyond the cap, for the probes only.
pub const PROBE_RESERVE: usize = 8;

/// How long a new connection is spared while others can be closed to make room: time for
/// its head, or its TLS handshake, to come.
const SETTLE: Duration = Duration::from_secs(1);

/// How long a connection waits for the slot of one closed to make room for it.
const ROOM_WITHIN: Duration = Duration::from_secs(1);

/// The slots and the connections that hold them.
pub(super) struct Slots {
    cap: Arc<Semaphore>,
    reserve: Arc<Semaphore>,
    open: Mutex<HashMap<u64, Arc<Entry>>>,
    next: AtomicU64,
}

/// A slot held by a connection, given back (and the connection forgotten) when dropped.
pub(super) struct Held {
    slots: Arc<Slots>,
    id: u64,
    pub(super) entry: Arc<Entry>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Held {
    fn drop(&mut self) {
        lock(&self.slots.open).remove(&self.id);
    }
}

impl Slots {
    pub(super) fn new(cap: usize) -> Arc<Slots> {
        Arc::new(Slots {
            cap: Arc::new(Semaphore::new(cap)),
            reserve: Arc::new(Semaphore::new(PROBE_RESERVE)),
            open: Mutex::default(),
            next: AtomicU64::new(0),
        })
    }

    /// A slot for a new connection: one of the cap; else the one of the connection idle
    /// longest (no byte since its last answer, or in its TLS handshake; one accepted within
    /// [`SETTLE`] only when no other can go), closed for it; else the one of the connection
    /// whose unfinished head began longest ago (never one with a request in flight); else
    /// one of the probes' reserve; else the one of the reserve's oldest connection without a
    /// request in flight. `None` when none frees up in time.
    pub(super) async fn take(self: &Arc<Self>) -> Option<Held> {
        if let Ok(p) = self.cap.clone().try_acquire_owned() {
            return Some(self.hold(p, false));
        }
        // One just accepted (its head or its TLS handshake on the way) is taken last: else
        // a stream of new connections would close a legitimate one before its head came.
        let now = tokio::time::Instant::now();
        let idle = |e: &Entry| (!e.reserve).then(|| e.idle_since()).flatten();
        let settled = |e: &Entry| idle(e).filter(|_| now - e.opened >= SETTLE);
        let head = |e: &Entry| (!e.reserve).then(|| e.head_since()).flatten();
        if self.evict(settled) || self.evict(head) || self.evict(idle) {
            if let Ok(Ok(p)) =
                tokio::time::timeout(ROOM_WITHIN, self.cap.clone().acquire_owned()).await
            {
                return Some(self.hold(p, false));
            }
        }
        if let Ok(p) = self.reserve.clone().try_acquire_owned() {
            return Some(self.hold(p, true));
        }
        let oldest = |e: &Entry| (e.reserve && e.at_rest() && !e.is_evicted()).then_some(e.opened);
        if self.evict(oldest) {
            let room = tokio::time::timeout(ROOM_WITHIN, self.reserve.clone().acquire_owned());
            if let Ok(Ok(p)) = room.await {
                return Some(self.hold(p, true));
            }
        }
        None
    }

    /// Closes the connection with the earliest `since`, if any has one: whether one was.
    fn evict(&self, since: impl Fn(&Entry) -> Option<tokio::time::Instant>) -> bool {
        let open = lock(&self.open);
        let chosen = open
            .values()
            .filter_map(|e| since(e).map(|at| (at, e)))
            .min_by_key(|(at, _)| *at);
        match chosen {
            Some((_, e)) => {
                e.evict();
                true
            }
            None => false,
        }
    }

    fn hold(self: &Arc<Self>, permit: OwnedSemaphorePermit, reserve: bool) -> Held {
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        let entry = Arc::new(Entry::new(reserve));
        lock(&self.open).insert(id, entry.clone());
        Held {
            slots: self.clone(),
            id,
            entry,
            _permit: permit,
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

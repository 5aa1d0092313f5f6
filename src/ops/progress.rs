//! The one progress handle every long workflow takes: commands pass output's bar, the
//! services and tests pass [`Hidden`] (or a counter); no workflow knows how progress is drawn.

/// Where a workflow reports how far it got. Implemented by output's progress bar (drawn on
/// stderr, hidden off a terminal) and by [`Hidden`].
pub trait Progress: Sync {
    /// The amount of work, once known (a bar's length).
    fn set_len(&self, len: u64);
    /// `n` more units of work done.
    fn inc(&self, n: u64);
    /// The units done so far, for work counted as a running total.
    fn set_position(&self, pos: u64);
    /// What is being done now (a phase, a table's name).
    fn message(&self, msg: &str);
}

/// No progress shown: the services, which log instead, and work nobody watches.
pub struct Hidden;

impl Progress for Hidden {
    fn set_len(&self, _: u64) {}
    fn inc(&self, _: u64) {}
    fn set_position(&self, _: u64) {}
    fn message(&self, _: &str) {}
}

/// Progress counted, for tests that check what a workflow reported.
#[cfg(test)]
#[derive(Default)]
pub struct Counter {
    pub len: std::sync::atomic::AtomicU64,
    pub pos: std::sync::atomic::AtomicU64,
    pub message: std::sync::Mutex<String>,
}

#[cfg(test)]
impl Counter {
    /// The units done so far.
    pub fn position(&self) -> u64 {
        self.pos.load(std::sync::atomic::Ordering::SeqCst)
    }
}

#[cfg(test)]
impl Progress for Counter {
    fn set_len(&self, len: u64) {
        self.len.store(len, std::sync::atomic::Ordering::SeqCst);
    }
    fn inc(&self, n: u64) {
        self.pos.fetch_add(n, std::sync::atomic::Ordering::SeqCst);
    }
    fn set_position(&self, pos: u64) {
        self.pos.store(pos, std::sync::atomic::Ordering::SeqCst);
    }
    fn message(&self, msg: &str) {
        *self.message.lock().expect("no test panics holding it") = msg.to_string();
    }
}

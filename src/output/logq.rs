//! The services' log on stderr (`serve`, `webhooks listen`): lines go through a bounded queue
//! to a writer thread, so a stalled stderr (a pipe nobody reads) never stalls a server; a line
//! that finds the queue full is dropped and counted (`billctl_log_lines_dropped_total`).

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Lines held for the writer before new ones are dropped (about 256 KiB of JSON lines).
pub const CAPACITY: usize = 1024;

/// The queue and its writer thread.
pub struct LogQueue {
    tx: Mutex<Option<SyncSender<String>>>,
    dropped: Arc<AtomicU64>,
    /// Told by the writer once it has written every line and the queue is closed.
    finished: Mutex<Option<Receiver<()>>>,
}

impl std::fmt::Debug for LogQueue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogQueue")
            .field("dropped", &self.dropped.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl LogQueue {
    /// Starts the writer thread.
    pub fn start() -> std::io::Result<Arc<LogQueue>> {
        let (tx, rx) = sync_channel::<String>(CAPACITY);
        let (done_tx, done_rx) = sync_channel::<()>(1);
        std::thread::Builder::new()
            .name("billctl-log".into())
            .spawn(move || {
                use std::io::Write;
                for line in rx {
                    let mut err = std::io::stderr().lock();
                    let _ = err.write_all(line.as_bytes());
                    let _ = err.write_all(b"\n");
                }
                let _ = done_tx.send(());
            })?;
        Ok(Arc::new(LogQueue {
            tx: Mutex::new(Some(tx)),
            dropped: Arc::default(),
            finished: Mutex::new(Some(done_rx)),
        }))
    }

    /// Queues one line (without its newline); never waits.
    pub fn line(&self, line: String) {
        let tx = self.tx.lock().unwrap_or_else(|p| p.into_inner());
        let sent = match tx.as_ref() {
            Some(tx) => tx.try_send(line),
            None => Err(TrySendError::Disconnected(line)),
        };
        if sent.is_err() {
            self.dropped.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// Lines dropped so far, kept up to date.
    pub fn dropped(&self) -> Arc<AtomicU64> {
        self.dropped.clone()
    }

    /// Closes the queue and waits up to `within` for the writer to write what it holds (a
    /// stderr that never drains does not keep the process from exiting).
    pub fn finish(&self, within: Duration) {
        drop(self.tx.lock().unwrap_or_else(|p| p.into_inner()).take());
        let done = self
            .finished
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        if let Some(done) = done {
            let _ = done.recv_timeout(within);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_queue_drops_and_counts_instead_of_waiting() {
        let (tx, _rx) = sync_channel::<String>(2);
        let q = LogQueue {
            tx: Mutex::new(Some(tx)),
            dropped: Arc::default(),
            finished: Mutex::new(None),
        };
        for i in 0..5 {
            q.line(format!("line {i}"));
        }
        assert_eq!(q.dropped().load(Ordering::Relaxed), 3);
        q.finish(Duration::from_millis(1));
        q.line("after".into());
        assert_eq!(q.dropped().load(Ordering::Relaxed), 4);
    }
}

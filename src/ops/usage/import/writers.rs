//! The import's writing side: events gathered into batches and committed, on Postgres by
//! parallel writer threads, and what the committed batches did, summed.

use super::Report;
use crate::adapters::store::{Store, UsageEvent};
use crate::domain::usage;
use anyhow::{Context, Result};
use std::time::Instant;

/// Events gathered into batches and committed. On Postgres, batches go to parallel writers,
/// opened only once a second full batch shows that the file is more than one (a small import
/// spends no connections); the first waits here until then.
pub(super) struct Batches {
    tally: Tally,
    batch: Vec<UsageEvent>,
    size: usize,
    now: i64,
    route: usage::Route,
    pool: Option<Writers>,
    waiting: Option<Vec<UsageEvent>>,
}

impl Batches {
    pub(super) fn new(size: usize, now: i64, route: usage::Route) -> Batches {
        Batches {
            tally: Tally::default(),
            batch: Vec::new(),
            size: size.max(1),
            now,
            route,
            pool: None,
            waiting: None,
        }
    }

    /// Adds an event; a full batch is committed (or handed to a writer).
    pub(super) fn push(&mut self, store: &mut Store, e: UsageEvent) -> Result<()> {
        self.batch.push(e);
        if self.batch.len() < self.size {
            return Ok(());
        }
        let full = std::mem::take(&mut self.batch);
        if let Some(p) = &mut self.pool {
            p.send(full)?;
        } else if !store.is_pg() {
            self.tally
                .add(commit(store, &full, self.now, self.route)?, full.len());
        } else if let Some(first) = self.waiting.take() {
            let writers = store.parallel_writers(PARALLEL_WRITERS)?;
            let mut p = Writers::new(writers, self.now, self.route)
                .ok_or_else(|| anyhow::anyhow!("no connection to write on"))?;
            p.send(first)?;
            p.send(full)?;
            self.pool = Some(p);
        } else {
            self.waiting = Some(full);
        }
        Ok(())
    }

    /// Commits what is left, waits for the writers; what every batch did.
    pub(super) fn finish(mut self, store: &mut Store) -> Result<Tally> {
        if let Some(mut p) = self.pool.take() {
            p.send(std::mem::take(&mut self.batch))?;
            self.tally.merge(p.finish()?);
        }
        if let Some(first) = self.waiting.take() {
            self.tally
                .add(commit(store, &first, self.now, self.route)?, first.len());
        }
        self.tally.add(
            commit(store, &self.batch, self.now, self.route)?,
            self.batch.len(),
        );
        Ok(self.tally)
    }
}

/// How many conflicts an import lists (all are counted).
pub const CONFLICTS_LISTED: usize = 10;

impl Tally {
    /// The import's report: `read` lines, `skipped` rejected, since `started`.
    pub(super) fn report(self, read: usize, skipped: usize, started: Instant) -> Report {
        let elapsed = started.elapsed();
        let written = self.written;
        Report {
            read,
            inserted: self.inserted,
            duplicates: written - self.inserted - self.conflicts,
            conflicts: self.conflicts,
            first_conflicts: self.first_conflicts,
            rejected: skipped,
            elapsed_ms: elapsed.as_millis(),
            events_per_sec: (written as f64 / elapsed.as_secs_f64().max(1e-9)) as u64,
            rejects_file: None,
            rejects_error: None,
        }
    }
}

/// What committed batches did, summed.
#[derive(Default)]
pub(super) struct Tally {
    inserted: usize,
    written: usize,
    conflicts: usize,
    first_conflicts: Vec<crate::adapters::store::Conflict>,
}

impl Tally {
    /// What one committed batch of `len` events did.
    pub(super) fn add(&mut self, w: crate::adapters::store::Written, len: usize) {
        self.merge(Tally {
            inserted: w.inserted,
            written: len,
            conflicts: w.conflicts.len(),
            first_conflicts: w.conflicts,
        });
    }

    pub(super) fn merge(&mut self, other: Tally) {
        self.inserted += other.inserted;
        self.written += other.written;
        self.conflicts += other.conflicts;
        let room = CONFLICTS_LISTED.saturating_sub(self.first_conflicts.len());
        self.first_conflicts
            .extend(other.first_conflicts.into_iter().take(room));
    }
}

pub(super) fn commit(
    store: &mut Store,
    batch: &[UsageEvent],
    now: i64,
    route: usage::Route,
) -> Result<crate::adapters::store::Written> {
    if batch.is_empty() {
        return Ok(crate::adapters::store::Written::default());
    }
    store.record_usage_checked(batch, now, route).context(
        "failed to commit a batch of events (batches already committed stay; re-running the import is safe)",
    )
}

/// Connections that commit batches at once where the store gains from it (Postgres): the
/// server then works on two batches, each on a core, while this process parses the next.
pub(super) const PARALLEL_WRITERS: usize = 2;

/// Threads that commit batches, each on a connection of its own. Each batch is still one
/// transaction; they may commit in any order (a failed import keeps the batches committed
/// before it, as ever, and re-running it is safe).
pub(super) struct Writers {
    work: Option<std::sync::mpsc::SyncSender<Vec<UsageEvent>>>,
    done: std::sync::mpsc::Receiver<Result<(crate::adapters::store::Written, usize)>>,
    threads: Vec<std::thread::JoinHandle<()>>,
    totals: Tally,
}

impl Writers {
    /// `None` without connections to write on (SQLite): the caller commits itself.
    pub(super) fn new(stores: Vec<Store>, now: i64, route: usage::Route) -> Option<Writers> {
        if stores.is_empty() {
            return None;
        }
        let (work, queue) = std::sync::mpsc::sync_channel::<Vec<UsageEvent>>(0);
        let queue = std::sync::Arc::new(std::sync::Mutex::new(queue));
        let (report, done) = std::sync::mpsc::channel();
        let threads = stores
            .into_iter()
            .map(|mut store| {
                let (queue, report) = (queue.clone(), report.clone());
                std::thread::spawn(move || loop {
                    let next = match queue.lock() {
                        Ok(q) => q.recv(),
                        Err(_) => return,
                    };
                    let Ok(batch) = next else { return };
                    let result = commit(&mut store, &batch, now, route).map(|n| (n, batch.len()));
                    let failed = result.is_err();
                    if report.send(result).is_err() || failed {
                        return;
                    }
                })
            })
            .collect();
        Some(Writers {
            work: Some(work),
            done,
            threads,
            totals: Tally::default(),
        })
    }

    /// Adds what finished batches did; the first failure, if any.
    pub(super) fn collect(&mut self) -> Result<()> {
        while let Ok(r) = self.done.try_recv() {
            let (w, len) = r?;
            self.totals.add(w, len);
        }
        Ok(())
    }

    /// Hands a batch to the next free writer (waiting for one).
    pub(super) fn send(&mut self, batch: Vec<UsageEvent>) -> Result<()> {
        self.collect()?;
        if batch.is_empty() {
            return Ok(());
        }
        let sent = self.work.as_ref().is_some_and(|w| w.send(batch).is_ok());
        if !sent {
            // Every writer stopped: one failed.
            self.finish()?;
            anyhow::bail!("the import's writers stopped");
        }
        Ok(())
    }

    /// Waits for every batch; returns (inserted, written) over all, or the first failure.
    pub(super) fn finish(&mut self) -> Result<Tally> {
        self.work = None;
        for t in self.threads.drain(..) {
            t.join()
                .map_err(|_| anyhow::anyhow!("an import writer panicked"))?;
        }
        self.collect()?;
        Ok(std::mem::take(&mut self.totals))
    }
}

//! `webhooks replay` as a workflow: choose the run (a new one, or the one being resumed with
//! its URL and selection) and the events it still has to deliver, then deliver them through
//! [`crate::adapters::stripe::send`], recording every delivery in groups, and sum up. Prints
//! nothing: the caller sees each delivery through a callback that may stop the run.

use crate::adapters::store::webhooks::{Delivery, EventRow, EventStore, Filter, RunOptions};
use anyhow::{anyhow, bail, Result};
use serde::Serialize;
use std::ops::ControlFlow;
use std::time::{Duration, Instant};

/// The stored events `filter` selects, with their bodies. An id named in the filter that is not
/// stored is an error, unless a status narrows the selection (then it may be left out).
pub fn select(events: &EventStore, filter: &Filter) -> Result<Vec<(EventRow, Vec<u8>)>> {
    let rows = events.events_with_bodies(filter)?;
    if filter.status.is_none() {
        if let Some(missing) = filter
            .ids
            .iter()
            .find(|id| !rows.iter().any(|(r, _)| &r.id == *id))
        {
            bail!("no event {missing} in the webhook store (see 'webhooks list', or 'webhooks backfill' to fetch it)");
        }
    }
    Ok(rows)
}

/// A run and what it is to send.
pub struct Selection {
    pub run_id: String,
    pub target: String,
    pub filter: Filter,
    /// How it sends: a resumed run keeps its own unless overridden.
    pub options: RunOptions,
    /// Whether this resumes an earlier run.
    pub resumed: bool,
    /// Events the selection holds.
    pub selected: usize,
    /// Of those, delivered by the run before (when resuming).
    pub skipped: usize,
    /// The events to send, with their bodies, oldest first.
    pub to_send: Vec<(EventRow, Vec<u8>)>,
}

/// A new run for `filter` and `to`, or the run `resume` names (with its own URL and
/// selection; `to`, if given, must be that URL), with the events it has yet to deliver.
/// What a resumed run was: its id, URL, selection, the events it delivered, and its options
/// (what it was started with holds, unless given again).
#[allow(clippy::type_complexity)]
fn resumed_run(
    events: &EventStore,
    id: &str,
    to: Option<&str>,
    asked: RunOptions,
) -> Result<(
    String,
    String,
    Filter,
    std::collections::HashSet<String>,
    bool,
    RunOptions,
)> {
    let run = events
        .run(id)?
        .ok_or_else(|| anyhow!("--resume {id}: no such replay run (see 'webhooks show EVT_ID' for the runs of an event)"))?;
    if let Some(to) = to.filter(|to| *to != run.target) {
        bail!(
            "--to {to} differs from run {id}'s URL {}: leave --to out to resume, or start a new run",
            run.target
        );
    }
    let done = events.delivered(id)?;
    let options = RunOptions {
        include_unverified: asked.include_unverified || run.options.include_unverified,
        rate: asked.rate.or(run.options.rate),
    };
    Ok((run.id, run.target, run.selection, done, true, options))
}

/// Refuses events that came in through `webhooks ingest` (never verified as Stripe's).
fn refuse_unverified(rows: &[(EventRow, Vec<u8>)]) -> Result<()> {
    let unverified: Vec<&str> = rows
        .iter()
        .filter(|(r, _)| r.source == "ingest")
        .map(|(r, _)| r.id.as_str())
        .collect();
    if unverified.is_empty() {
        return Ok(());
    }
    bail!(
        "{} of the selected events came in through 'webhooks ingest' and were never verified as Stripe's ({}{}): replaying signs them with the endpoint secret; pass --include-unverified if you trust them, or narrow the selection",
        unverified.len(),
        unverified.iter().take(3).copied().collect::<Vec<_>>().join(", "),
        if unverified.len() > 3 { ", ..." } else { "" }
    )
}

pub fn choose(
    events: &EventStore,
    resume: Option<&str>,
    to: Option<&str>,
    filter: Filter,
    asked: RunOptions,
) -> Result<Selection> {
    let (run_id, target, filter, done, resumed, options) = match resume {
        Some(id) => resumed_run(events, id, to, asked)?,
        None => {
            let to = to.ok_or_else(|| anyhow!("--to is required to start a replay"))?;
            let run_id = format!("rpl_{:016x}", rand::random::<u64>());
            let target = to.to_string();
            (run_id, target, filter, Default::default(), false, asked)
        }
    };
    let rows = select(events, &filter)?;
    if !options.include_unverified {
        refuse_unverified(&rows)?;
    }
    let selected = rows.len();
    let to_send: Vec<(EventRow, Vec<u8>)> = rows
        .into_iter()
        .filter(|(r, _)| !done.contains(&r.id))
        .collect();
    Ok(Selection {
        run_id,
        target,
        filter,
        options,
        resumed,
        selected,
        skipped: selected - to_send.len(),
        to_send,
    })
}

/// Records a new run before anything is sent (a resumed one exists already).
pub fn start(
    events: &mut EventStore,
    store: &mut crate::adapters::store::Store,
    sel: &Selection,
    (actor, at): (&str, i64),
) -> Result<()> {
    if !sel.resumed {
        events.create_run(&sel.run_id, &sel.target, &sel.filter, sel.options, actor)?;
    }
    // The audit log says who replayed what, before anything is sent.
    crate::ops::audit(store, actor, "webhooks.replay", None, audit_detail(sel), at)
}

/// How to deliver.
pub struct Settings {
    pub url: crate::adapters::stripe::send::Uri,
    pub secret: String,
    pub concurrency: usize,
    /// Deliveries per second at most.
    pub rate: Option<f64>,
    pub timeout: Duration,
}

/// Records deliveries in groups (so a large replay is not one commit per event), and counts
/// them.
struct Recorder<'a> {
    events: &'a mut EventStore,
    pending: Vec<Delivery>,
    last_flush: Instant,
    error: Option<anyhow::Error>,
    /// Delivered, failed.
    counts: (usize, usize),
}

impl<'a> Recorder<'a> {
    fn add(&mut self, d: Delivery) {
        match d.ok {
            true => self.counts.0 += 1,
            false => self.counts.1 += 1,
        }
        self.pending.push(d);
        if self.pending.len() >= 512 || self.last_flush.elapsed().as_millis() >= 200 {
            if let Err(e) = self.events.record_deliveries(&self.pending) {
                self.error.get_or_insert(e);
            }
            self.pending.clear();
            self.last_flush = Instant::now();
        }
    }

    /// Records what is left; the first recording error, if any.
    fn finish(self) -> Result<(&'a mut EventStore, (usize, usize))> {
        self.events.record_deliveries(&self.pending)?;
        if let Some(e) = self.error {
            return Err(e.context("failed to record replay deliveries"));
        }
        Ok((self.events, self.counts))
    }
}

/// What the audit log says of a run, before anything is sent.
pub fn audit_detail(sel: &Selection) -> serde_json::Value {
    serde_json::json!({
        "run": sel.run_id,
        "target": sel.target,
        "selection": sel.filter,
        "events": sel.to_send.len(),
        "resumed": sel.resumed,
    })
}

/// The last line of a run's stream: `{"summary": ...}` with `--json`.
#[derive(Serialize)]
pub struct SummaryLine<'a> {
    pub summary: &'a Summary,
}

/// One event `--dry-run` would send.
pub struct WouldSend<'a> {
    pub row: &'a EventRow,
    pub target: &'a str,
}

impl Serialize for WouldSend<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        serde_json::json!({
            "event_id": self.row.id,
            "type": self.row.kind,
            "created": self.row.created,
            "to": self.target,
            "dry_run": true,
        })
        .serialize(s)
    }
}

/// What a run did.
#[derive(Serialize)]
pub struct Summary {
    pub run: String,
    pub target: String,
    pub selected: usize,
    pub skipped_already_delivered: usize,
    pub sent: usize,
    pub delivered: usize,
    pub failed: usize,
    pub elapsed_ms: u128,
    pub per_sec: f64,
}

/// Delivers the selection's events, recording deliveries in groups (512, or every 200 ms);
/// `on_delivery` sees each one and may stop the run (then no summary: its error is the
/// caller's). The run is marked finished when every event was tried.
pub async fn run(
    events: &mut EventStore,
    sel: Selection,
    settings: Settings,
    progress: &dyn crate::ops::Progress,
    mut on_delivery: impl FnMut(&Delivery) -> ControlFlow<()>,
) -> Result<Summary> {
    use crate::adapters::stripe::send::{self as replay, Job, Plan};
    let jobs: Vec<Job> = sel
        .to_send
        .into_iter()
        .map(|(r, b)| Job {
            event_id: r.id,
            body: bytes::Bytes::from(b),
        })
        .collect();
    let sent = jobs.len();
    let plan = Plan {
        run_id: sel.run_id.clone(),
        url: settings.url,
        secret: settings.secret,
        concurrency: settings.concurrency,
        rate: settings.rate,
        timeout: settings.timeout,
    };
    let started = Instant::now();
    let mut rec = Recorder {
        events,
        pending: Vec::new(),
        last_flush: Instant::now(),
        error: None,
        counts: (0, 0),
    };
    let mut stopped = false;
    replay::run(plan, jobs, |d| {
        progress.inc(1);
        let flow = on_delivery(&d);
        rec.add(d);
        stopped |= flow.is_break();
        flow
    })
    .await;
    let (events, (delivered, failed)) = rec.finish()?;
    if stopped {
        bail!("the replay was stopped");
    }
    events.finish_run(&sel.run_id)?;
    let elapsed = started.elapsed();
    Ok(Summary {
        run: sel.run_id,
        target: sel.target,
        selected: sel.selected,
        skipped_already_delivered: sel.skipped,
        sent,
        delivered,
        failed,
        elapsed_ms: elapsed.as_millis(),
        per_sec: (sent as f64 / elapsed.as_secs_f64().max(1e-9) * 10.0).round() / 10.0,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::adapters::store::webhooks::{Envelope, Incoming};
    use std::io::{BufRead, BufReader, Write};

    /// A loopback receiver that answers 500 to the event ids in `fail`, 200 otherwise, and
    /// counts what it got.
    fn receiver(
        fail: &'static [&'static str],
    ) -> (String, std::sync::Arc<std::sync::atomic::AtomicUsize>) {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let got = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let count = got.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming().flatten() {
                let count = count.clone();
                std::thread::spawn(move || {
                    let mut out = conn.try_clone().unwrap();
                    let mut r = BufReader::new(conn);
                    loop {
                        let (mut line, mut len) = (String::new(), 0usize);
                        if r.read_line(&mut line).unwrap_or(0) == 0 {
                            return;
                        }
                        loop {
                            let mut h = String::new();
                            if r.read_line(&mut h).unwrap_or(0) == 0 {
                                return;
                            }
                            if h.trim().is_empty() {
                                break;
                            }
                            if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:")
                            {
                                len = v.trim().parse().unwrap_or(0);
                            }
                        }
                        let mut body = vec![0; len];
                        std::io::Read::read_exact(&mut r, &mut body).unwrap();
                        count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let text = String::from_utf8_lossy(&body);
                        let answer: &[u8] = if fail.iter().any(|id| text.contains(id)) {
                            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"
                        } else {
                            b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"
                        };
                        if out.write_all(answer).is_err() {
                            return;
                        }
                    }
                });
            }
        });
        (url, got)
    }

    fn unverified() -> RunOptions {
        RunOptions {
            include_unverified: true,
            rate: None,
        }
    }

    /// The workflow in process: a run delivers every stored event and records each delivery;
    /// resuming it sends only the ones that failed; a stopped run is not finished.
    #[test]
    fn a_run_records_deliveries_and_a_resume_sends_only_what_failed() {
        let dir = tempfile::tempdir().unwrap();
        let mut events = EventStore::open(dir.path()).unwrap();
        let incoming: Vec<Incoming> = (0..5)
            .map(|i| {
                let body = format!(
                    "{{\"id\":\"evt_{i}\",\"object\":\"event\",\"type\":\"charge.succeeded\",\"created\":{},\"livemode\":false,\"data\":{{\"object\":{{\"id\":\"ch_{i}\"}}}}}}",
                    1_795_500_000 + i
                )
                .into_bytes();
                Incoming {
                    envelope: Envelope::parse(&body).unwrap(),
                    body,
                    source: "test",
                }
            })
            .collect();
        events.store(&incoming, &mut []).unwrap();
        let (url, got) = receiver(&["evt_3"]);
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let settings = || Settings {
            url: url.parse().unwrap(),
            secret: "whsec_test".into(),
            concurrency: 2,
            rate: None,
            timeout: Duration::from_secs(30),
        };
        let bar = crate::ops::Hidden;
        let sel = choose(&events, None, Some(&url), Filter::default(), unverified()).unwrap();
        assert_eq!((sel.selected, sel.to_send.len()), (5, 5));
        let run_id = sel.run_id.clone();
        let main_dir = tempfile::tempdir().unwrap();
        let mut main = crate::adapters::store::Store::open(main_dir.path()).unwrap();
        start(&mut events, &mut main, &sel, ("tester", 1)).unwrap();
        let mut seen = 0;
        let s = rt
            .block_on(run(&mut events, sel, settings(), &bar, |_| {
                seen += 1;
                ControlFlow::Continue(())
            }))
            .unwrap();
        assert_eq!((s.sent, s.delivered, s.failed, seen), (5, 4, 1, 5));
        assert_eq!(events.delivered(&run_id).unwrap().len(), 4);
        let again = choose(
            &events,
            Some(&run_id),
            None,
            Filter::default(),
            unverified(),
        )
        .unwrap();
        assert_eq!(
            (again.selected, again.skipped, again.to_send.len()),
            (5, 4, 1)
        );
        assert_eq!(again.to_send[0].0.id, "evt_3");
        assert!(choose(
            &events,
            Some(&run_id),
            Some("http://elsewhere/"),
            Filter::default(),
            unverified()
        )
        .is_err());
        // A run stopped by its caller after the first delivery is an error, not a summary.
        let sel = choose(&events, None, Some(&url), Filter::default(), unverified()).unwrap();
        let main_dir = tempfile::tempdir().unwrap();
        let mut main = crate::adapters::store::Store::open(main_dir.path()).unwrap();
        start(&mut events, &mut main, &sel, ("tester", 1)).unwrap();
        let stopped = rt.block_on(run(
            &mut events,
            sel,
            Settings {
                concurrency: 1,
                ..settings()
            },
            &bar,
            |_| ControlFlow::Break(()),
        ));
        assert!(stopped.is_err());
        assert!(
            got.load(std::sync::atomic::Ordering::SeqCst) <= 5 + 2,
            "the stopped run sent its first event and at most one more already started"
        );
    }
}

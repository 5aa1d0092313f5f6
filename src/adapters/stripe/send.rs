//! `webhooks replay`: POSTs stored events to a URL again, each re-signed with a fresh
//! timestamp, from `concurrency` workers on keep-alive connections, optionally paced to a
//! rate. Results come back to the caller one by one, in the order they finish.

use crate::adapters::store::webhooks::Delivery;
use crate::adapters::stripe::transport::{cause_chain, describe, https_client, HttpClient};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, USER_AGENT};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Where deliveries go (the URI type of the HTTP client, named here so that callers need no
/// HTTP crate).
pub type Uri = hyper::Uri;

/// Characters of an answer (or error) kept with each delivery.
pub const EXCERPT_CHARS: usize = 200;

/// One event to send.
pub struct Job {
    pub event_id: String,
    pub body: Bytes,
}

/// How to send.
pub struct Plan {
    pub run_id: String,
    pub url: Uri,
    pub secret: String,
    pub concurrency: usize,
    /// Deliveries per second at most.
    pub rate: Option<f64>,
    pub timeout: Duration,
}

/// Sends every job; `on_delivery` runs on the calling task for each result. When it answers
/// `Break`, no further job is started and the run returns once the workers stop.
pub async fn run(
    plan: Plan,
    jobs: Vec<Job>,
    mut on_delivery: impl FnMut(Delivery) -> std::ops::ControlFlow<()>,
) {
    let client = https_client(plan.timeout);
    let plan = Arc::new(plan);
    let jobs = Arc::new(jobs);
    let next = Arc::new(AtomicUsize::new(0));
    // The next free send slot when pacing.
    let pace = Arc::new(Mutex::new(Instant::now()));
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    for _ in 0..plan.concurrency.min(jobs.len()).max(1) {
        let (client, plan, jobs, next, pace, tx) = (
            client.clone(),
            plan.clone(),
            jobs.clone(),
            next.clone(),
            pace.clone(),
            tx.clone(),
        );
        tokio::spawn(async move {
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(job) = jobs.get(i) else { break };
                if let Some(rate) = plan.rate {
                    let slot = {
                        let mut p = pace.lock().expect("pace lock");
                        let slot = (*p).max(Instant::now());
                        *p = slot + Duration::from_secs_f64(1.0 / rate);
                        slot
                    };
                    tokio::time::sleep_until(slot.into()).await;
                }
                let d = deliver(&client, &plan, job).await;
                if tx.send(d).is_err() {
                    break;
                }
            }
        });
    }
    drop(tx);
    while let Some(d) = rx.recv().await {
        if on_delivery(d).is_break() {
            // Workers stop at their next send. Requests still in flight are not recorded, so
            // a resumed run sends them again (webhook receivers must take duplicates anyway).
            break;
        }
    }
}

/// What an answer (or its absence) says: the status, whether it was delivered, and an
/// excerpt. An answer cut off is no answer: the receiver may have died before deciding.
fn judged(
    outcome: Result<(u16, Vec<u8>, Option<String>), String>,
) -> (Option<u16>, bool, Option<String>) {
    match outcome {
        Ok((status, body, cut)) => {
            let mut text: String = String::from_utf8_lossy(&body)
                .chars()
                .take(EXCERPT_CHARS)
                .collect();
            if let Some(why) = &cut {
                text = format!(
                    "the answer was cut off after {} ({why}): {text}",
                    crate::util::plural::count(body.len(), "byte", "bytes")
                );
            }
            let ok = (200..300).contains(&status) && cut.is_none();
            (Some(status), ok, (!text.is_empty()).then_some(text))
        }
        Err(e) => (None, false, Some(e.chars().take(EXCERPT_CHARS).collect())),
    }
}

async fn deliver(client: &HttpClient, plan: &Plan, job: &Job) -> Delivery {
    let attempted_at_ms = crate::domain::clock::now_ms();
    let started = Instant::now();
    let t = attempted_at_ms / 1000;
    let req = hyper::Request::post(plan.url.clone())
        .header(CONTENT_TYPE, "application/json; charset=utf-8")
        .header(
            USER_AGENT,
            concat!("billctl/", env!("CARGO_PKG_VERSION"), " (webhooks replay)"),
        )
        .header(
            "stripe-signature",
            crate::domain::webhooks::header(&plan.secret, t, &job.body),
        )
        .body(Full::new(job.body.clone()));
    let outcome = match req {
        Err(e) => Err(e.to_string()),
        Ok(req) => match tokio::time::timeout(plan.timeout, async {
            // The error's causes say what went wrong (refused, reset, DNS).
            let resp = client
                .request(req)
                .await
                .map_err(|e| describe(e.as_ref()))?;
            let status = resp.status().as_u16();
            let (body, cut) = read_answer(resp.into_body()).await;
            Ok::<_, String>((status, body, cut))
        })
        .await
        {
            Err(_) => Err(format!("no answer within {} s", plan.timeout.as_secs())),
            Ok(r) => r,
        },
    };
    let latency_ms = started.elapsed().as_millis() as i64;
    let (http_status, ok, excerpt) = judged(outcome);
    Delivery {
        run_id: plan.run_id.clone(),
        event_id: job.event_id.clone(),
        attempted_at_ms,
        http_status,
        latency_ms,
        ok,
        excerpt,
    }
}

/// The most of an answer's body read (and the first of it kept).
pub const MAX_ANSWER: usize = 64 * 1024;

/// Reads an answer's body up to [`MAX_ANSWER`] bytes, keeping what arrived; the second value
/// says why the body ended early (the connection closed mid-answer), if it did. A longer body
/// is not read further: its first 64 KiB are kept.
async fn read_answer(mut body: hyper::body::Incoming) -> (Vec<u8>, Option<String>) {
    let mut kept = Vec::new();
    while kept.len() < MAX_ANSWER {
        match body.frame().await {
            None => return (kept, None),
            Some(Err(e)) => return (kept, Some(cause_chain(&e))),
            Some(Ok(frame)) => {
                if let Some(data) = frame.data_ref() {
                    let room = MAX_ANSWER - kept.len();
                    kept.extend_from_slice(&data[..data.len().min(room)]);
                }
            }
        }
    }
    (kept, None)
}

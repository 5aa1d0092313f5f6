//! `webhooks replay`: POSTs stored events to a URL again, each re-signed with a fresh
//! timestamp, from `concurrency` workers on keep-alive connections, optionally paced to a
//! rate. Results come back to the caller one by one, in the order they finish.

use crate::store::webhooks::Delivery;
use crate::stripe::transport::{cause_chain, https_client, Https};
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CONTENT_TYPE, USER_AGENT};
use hyper_util::client::legacy::Client;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

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
    pub url: hyper::Uri,
    pub secret: String,
    pub concurrency: usize,
    /// Deliveries per second at most.
    pub rate: Option<f64>,
    pub timeout: Duration,
}

/// Parses the URL given to `flag`: absolute http:// or https:// with a host.
pub fn parse_url(flag: &str, s: &str) -> Result<hyper::Uri, String> {
    // Credentials in the URL would be stored with the run and printed: refused, and the
    // error does not repeat them.
    if let Some((scheme, rest)) = s.split_once("://") {
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        if let Some((_, host)) = authority.rsplit_once('@') {
            return Err(format!(
                "invalid {flag} {scheme}://…@{host}: credentials in the URL are refused (they would be stored and printed); put them in the receiver's own configuration, or sign-check with the endpoint secret"
            ));
        }
    }
    let uri: hyper::Uri = s
        .parse()
        .map_err(|e| format!("invalid {flag} {s:?}: {e}"))?;
    match (uri.scheme_str(), uri.host()) {
        (Some("http" | "https"), Some(h)) if !h.is_empty() => Ok(uri),
        _ => Err(format!(
            "invalid {flag} {s:?}: expected an http:// or https:// URL, like http://localhost:3000/stripe/webhooks"
        )),
    }
}

/// Parses `--rate`: `N` or `N/s`, N > 0.
pub fn parse_rate(s: &str) -> Result<f64, String> {
    let n = s.trim().strip_suffix("/s").unwrap_or(s.trim());
    match n.parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 => Ok(r),
        _ => Err(format!(
            "invalid --rate {s:?}: expected deliveries per second, like 50 or 50/s"
        )),
    }
}

/// Sends every job; `on_delivery` runs on the calling task for each result. When it answers
/// `Break`, no further job is started and the run returns once the workers stop.
pub async fn run(
    plan: Plan,
    jobs: Vec<Job>,
    mut on_delivery: impl FnMut(Delivery) -> std::ops::ControlFlow<()>,
) {
    let client = https_client();
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

async fn deliver(client: &Client<Https, Full<Bytes>>, plan: &Plan, job: &Job) -> Delivery {
    let attempted_at_ms = crate::clock::now_ms();
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
            super::header(&plan.secret, t, &job.body),
        )
        .body(Full::new(job.body.clone()));
    let outcome = match req {
        Err(e) => Err(e.to_string()),
        Ok(req) => match tokio::time::timeout(plan.timeout, async {
            // The error's causes say what went wrong (refused, reset, DNS).
            let resp = client.request(req).await.map_err(|e| cause_chain(&e))?;
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
    let (http_status, ok, excerpt) = match outcome {
        Ok((status, body, cut)) => {
            let mut text: String = String::from_utf8_lossy(&body)
                .chars()
                .take(EXCERPT_CHARS)
                .collect();
            // An answer cut off is no answer: the receiver may have died before deciding.
            if let Some(why) = &cut {
                text = format!(
                    "the answer was cut off after {} bytes ({why}): {text}",
                    body.len()
                );
            }
            (
                Some(status),
                (200..300).contains(&status) && cut.is_none(),
                (!text.is_empty()).then_some(text),
            )
        }
        Err(e) => (None, false, Some(e.chars().take(EXCERPT_CHARS).collect())),
    };
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_rates_are_checked() {
        assert!(parse_url("--to", "http://127.0.0.1:3000/hooks").is_ok());
        assert!(parse_url("--to", "https://example.com/stripe").is_ok());
        for bad in ["ftp://x/y", "/just/a/path", "localhost:3000", "not a url"] {
            assert!(
                parse_url("--to", bad).unwrap_err().contains("--to"),
                "{bad}"
            );
        }
        assert!(parse_url("--url", "ftp://x/y")
            .unwrap_err()
            .contains("--url"));
        assert_eq!(parse_rate("50").unwrap(), 50.0);
        assert_eq!(parse_rate("2.5/s").unwrap(), 2.5);
        for bad in ["0", "-3", "fast", "10/m", ""] {
            assert!(parse_rate(bad).unwrap_err().contains("--rate"), "{bad}");
        }
    }
}

//! A loopback HTTP/1.1 receiver for `webhooks replay`: keeps connections alive, records each
//! request's Stripe-Signature and body, and answers 500 for the event ids in `fail`.
#![allow(dead_code)]

use std::collections::HashSet;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

#[derive(Debug, Clone)]
pub struct Received {
    pub signature: String,
    pub body: Vec<u8>,
}

#[derive(Clone, Default)]
pub struct Shared {
    pub got: Arc<Mutex<Vec<Received>>>,
    pub fail: Arc<Mutex<HashSet<String>>>,
    pub count: Arc<AtomicUsize>,
}

pub struct Receiver {
    pub url: String,
    pub shared: Shared,
}

impl Receiver {
    /// Starts on a free port; `keep` keeps every request (tests), else only counts (bench).
    pub fn start(keep: bool) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let shared = Shared::default();
        let s = shared.clone();
        std::thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let s = s.clone();
                std::thread::spawn(move || serve(conn, &s, keep));
            }
        });
        Receiver { url, shared }
    }

    pub fn received(&self) -> Vec<Received> {
        self.shared.got.lock().unwrap().clone()
    }

    pub fn count(&self) -> usize {
        self.shared.count.load(Ordering::SeqCst)
    }

    pub fn fail(&self, ids: &[&str]) {
        let mut f = self.shared.fail.lock().unwrap();
        f.clear();
        f.extend(ids.iter().map(|s| s.to_string()));
    }
}

fn serve(conn: TcpStream, s: &Shared, keep: bool) {
    conn.set_nodelay(true).ok();
    let mut out = conn.try_clone().unwrap();
    let mut r = BufReader::new(conn);
    loop {
        let mut line = String::new();
        if r.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let (mut len, mut sig) = (0usize, String::new());
        loop {
            let mut h = String::new();
            if r.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                match k.trim().to_ascii_lowercase().as_str() {
                    "content-length" => len = v.trim().parse().unwrap_or(0),
                    "stripe-signature" => sig = v.trim().to_string(),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; len];
        if r.read_exact(&mut body).is_err() {
            return;
        }
        let failing = {
            let f = s.fail.lock().unwrap();
            !f.is_empty()
                && serde_json::from_slice::<serde_json::Value>(&body)
                    .ok()
                    .and_then(|v| v["id"].as_str().map(|id| f.contains(id)))
                    .unwrap_or(false)
        };
        if keep {
            #[rustfmt::skip] // one line, whichever target's rustfmt settings format this file
            let received = Received { signature: sig, body };
            s.got.lock().unwrap().push(received);
        }
        s.count.fetch_add(1, Ordering::SeqCst);
        let answer: &[u8] = if failing {
            b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 4\r\n\r\nboom"
        } else {
            b"HTTP/1.1 200 OK\r\nContent-Length: 17\r\n\r\n{\"received\":true}"
        };
        if out.write_all(answer).is_err() {
            return;
        }
    }
}

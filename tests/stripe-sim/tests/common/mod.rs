//! Test helpers: a minimal blocking HTTP/1.1 client (so a dropped connection is observable as
//! such) and a local webhook receiver that records what it was sent.
#![allow(dead_code)]

use serde_json::Value;
use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub struct Resp {
    pub status: u16,
    pub headers: HashMap<String, String>,
    pub body: Value,
}

impl Resp {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(&name.to_ascii_lowercase()).map(String::as_str)
    }
    pub fn error_code(&self) -> &str {
        self.body["error"]["code"].as_str().unwrap_or("")
    }
}

/// Talks to the simulator the way Stripe's clients do: form bodies, bearer auth.
pub struct Api {
    pub base: String,
    pub key: Option<String>,
}

pub fn encode(form: &[(&str, &str)]) -> String {
    form_urlencoded::Serializer::new(String::new()).extend_pairs(form.iter()).finish()
}

impl Api {
    pub fn new(sim: &stripe_sim::StripeSim) -> Api {
        Api { base: sim.base_url(), key: Some(sim.api_key().to_string()) }
    }

    /// Sends a request; `Err` when the connection closed without an answer.
    pub fn send(
        &self,
        method: &str,
        path: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> std::io::Result<Resp> {
        let addr = self.base.trim_start_matches("http://").trim_end_matches('/').to_string();
        let mut stream = TcpStream::connect(&addr)?;
        stream.set_read_timeout(Some(Duration::from_secs(30)))?;
        let body = encode(form);
        let (target, body) = if method == "GET" && !body.is_empty() {
            (format!("{path}?{body}"), String::new())
        } else {
            (path.to_string(), body)
        };
        let mut head = format!("{method} {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\n", body.len());
        if let Some(k) = &self.key {
            head.push_str(&format!("Authorization: Bearer {k}\r\n"));
        }
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        stream.write_all(body.as_bytes())?;
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw)?;
        if raw.is_empty() {
            return Err(std::io::Error::new(
                std::io::ErrorKind::UnexpectedEof,
                "connection closed without a response",
            ));
        }
        parse_response(&raw)
    }

    pub fn get(&self, path: &str, query: &[(&str, &str)]) -> Resp {
        self.send("GET", path, query, &[]).expect("GET answered")
    }
    pub fn post(&self, path: &str, form: &[(&str, &str)]) -> Resp {
        self.send("POST", path, form, &[]).expect("POST answered")
    }
    pub fn post_idem(&self, path: &str, form: &[(&str, &str)], key: &str) -> Resp {
        self.send("POST", path, form, &[("Idempotency-Key", key)]).expect("POST answered")
    }
    pub fn delete(&self, path: &str) -> Resp {
        self.send("DELETE", path, &[], &[]).expect("DELETE answered")
    }
    /// POST expecting 200; returns the body.
    pub fn ok(&self, path: &str, form: &[(&str, &str)]) -> Value {
        let r = self.post(path, form);
        assert_eq!(r.status, 200, "POST {path}: {}", r.body);
        r.body
    }
}

fn parse_response(raw: &[u8]) -> std::io::Result<Resp> {
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or_else(|| std::io::Error::other("no header end"))?;
    let head = String::from_utf8_lossy(&raw[..split]);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let body = serde_json::from_slice(&raw[split + 4..]).unwrap_or(Value::Null);
    Ok(Resp { status, headers, body })
}

/// One webhook POST as received.
#[derive(Clone, Debug)]
pub struct Received {
    pub signature: String,
    pub body: Vec<u8>,
}

/// A local HTTP endpoint that answers `status` and records every request.
pub struct Receiver {
    pub url: String,
    pub got: Arc<Mutex<Vec<Received>>>,
    pub status: Arc<Mutex<u16>>,
}

impl Receiver {
    pub fn start(status: u16) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}/hooks/stripe", listener.local_addr().unwrap());
        let got = Arc::new(Mutex::new(Vec::new()));
        let status = Arc::new(Mutex::new(status));
        let (g, s) = (got.clone(), status.clone());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                if let Some(rec) = read_request(&mut stream) {
                    g.lock().unwrap().push(rec);
                }
                let code = *s.lock().unwrap();
                let _ = stream.write_all(
                    format!(
                        "HTTP/1.1 {code} X\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
                    )
                    .as_bytes(),
                );
            }
        });
        Receiver { url, got, status }
    }

    pub fn received(&self) -> Vec<Received> {
        self.got.lock().unwrap().clone()
    }
}

fn read_request(stream: &mut TcpStream) -> Option<Received> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 8192];
    loop {
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(split) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..split]).to_string();
            let mut len = 0;
            let mut signature = String::new();
            for line in head.lines() {
                if let Some((k, v)) = line.split_once(':') {
                    match k.trim().to_ascii_lowercase().as_str() {
                        "content-length" => len = v.trim().parse().unwrap_or(0),
                        "stripe-signature" => signature = v.trim().to_string(),
                        _ => {}
                    }
                }
            }
            while buf.len() < split + 4 + len {
                let n = stream.read(&mut chunk).ok()?;
                if n == 0 {
                    break;
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            return Some(Received { signature, body: buf[split + 4..].to_vec() });
        }
    }
}

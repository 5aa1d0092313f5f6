//! A small blocking HTTP/1.1 client for the tests of `serve`: one request per connection
//! (`Connection: close`), over TCP or a Unix socket (`unix:PATH`), with a read deadline so a
//! server that never answers fails the test instead of hanging it.

use serde_json::Value;
use std::io::{Read, Write};
use std::time::Duration;

/// An answer: status, headers (names lowercase) and body.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {} {}", self.status, self.body))
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

/// The raw bytes of a request.
pub fn raw(method: &str, path: &str, token: Option<&str>, body: Option<&[u8]>) -> Vec<u8> {
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    let body = body.unwrap_or_default();
    if !body.is_empty() || method == "POST" {
        head.push_str(&format!(
            "Content-Type: application/json\r\nContent-Length: {}\r\n",
            body.len()
        ));
    }
    head.push_str("\r\n");
    let mut out = head.into_bytes();
    out.extend_from_slice(body);
    out
}

/// Sends `request` to `base` (`http://ADDR:PORT` or `unix:PATH`) and reads the whole answer.
pub fn exchange(base: &str, request: &[u8]) -> std::io::Result<Answer> {
    let mut bytes = Vec::new();
    if let Some(path) = base.strip_prefix("unix:") {
        let mut s = std::os::unix::net::UnixStream::connect(path)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        s.write_all(request)?;
        s.read_to_end(&mut bytes)?;
    } else {
        let addr = base.trim_start_matches("http://");
        let mut s = std::net::TcpStream::connect(addr)?;
        s.set_read_timeout(Some(Duration::from_secs(60)))?;
        s.write_all(request)?;
        s.read_to_end(&mut bytes)?;
    }
    parse(&bytes)
}

/// An answer from its bytes.
pub fn parse(bytes: &[u8]) -> std::io::Result<Answer> {
    let bad = |m: &str| std::io::Error::new(std::io::ErrorKind::InvalidData, m.to_string());
    let split =
        bytes.windows(4).position(|w| w == b"\r\n\r\n").ok_or_else(|| bad("no end of headers"))?;
    let head = String::from_utf8_lossy(&bytes[..split]);
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status"))?;
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    Ok(Answer { status, headers, body: String::from_utf8_lossy(&bytes[split + 4..]).into_owned() })
}

/// One request; panics if the connection fails.
pub fn request(
    base: &str,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<&[u8]>,
) -> Answer {
    exchange(base, &raw(method, path, token, body))
        .unwrap_or_else(|e| panic!("{method} {path} on {base}: {e}"))
}

//! Fault injection: the next N requests (optionally only those matching a method and path)
//! fail with a 500, a 429, a dropped connection, or are delayed; plus an optional rate limit in
//! requests per second, like Stripe's test mode (25/s).

use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::time::{Duration, Instant};

/// What an injected fault does to a request.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum FaultKind {
    /// Answer 500 `api_error` without processing the request.
    ServerError,
    /// Answer 429 `rate_limit`, with `Stripe-Should-Retry: true|false` when set.
    RateLimited { should_retry: Option<bool> },
    /// Close the connection without processing the request or answering.
    DropConnection,
    /// Process the request (state changes, events are emitted), then close the connection
    /// without answering: the lost-response case idempotency keys exist for.
    DropAfterProcessing,
    /// Wait this long, then process the request normally.
    Delay { millis: u64 },
}

/// A fault armed for the next `times` matching requests.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fault {
    #[serde(flatten)]
    pub kind: FaultKind,
    #[serde(default = "one")]
    pub times: u32,
    /// Only requests with this method (`POST`, `GET`, ...).
    #[serde(default)]
    pub method: Option<String>,
    /// Only requests to this path; a trailing `*` matches a prefix (`/v1/subscriptions*`).
    #[serde(default)]
    pub path: Option<String>,
}

fn one() -> u32 {
    1
}

impl Fault {
    pub fn new(kind: FaultKind) -> Self {
        Fault { kind, times: 1, method: None, path: None }
    }
    pub fn server_error() -> Self {
        Self::new(FaultKind::ServerError)
    }
    pub fn rate_limited(should_retry: Option<bool>) -> Self {
        Self::new(FaultKind::RateLimited { should_retry })
    }
    pub fn drop_connection() -> Self {
        Self::new(FaultKind::DropConnection)
    }
    pub fn drop_after_processing() -> Self {
        Self::new(FaultKind::DropAfterProcessing)
    }
    pub fn delay(d: Duration) -> Self {
        Self::new(FaultKind::Delay { millis: d.as_millis() as u64 })
    }
    /// Applies to the next `n` matching requests.
    pub fn times(mut self, n: u32) -> Self {
        self.times = n;
        self
    }
    /// Applies only to requests with this method and path (`*` suffix for a prefix).
    pub fn on(mut self, method: &str, path: &str) -> Self {
        self.method = Some(method.to_ascii_uppercase());
        self.path = Some(path.to_string());
        self
    }

    fn matches(&self, method: &str, path: &str) -> bool {
        self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
            && self.path.as_deref().is_none_or(|p| match p.strip_suffix('*') {
                Some(prefix) => path.starts_with(prefix),
                None => p == path,
            })
    }
}

/// Armed faults and the rate limiter.
#[derive(Debug, Default)]
pub struct Faults {
    armed: Vec<Fault>,
    rate_limit: Option<u32>,
    recent: VecDeque<Instant>,
}

impl Faults {
    pub fn arm(&mut self, fault: Fault) {
        if fault.times > 0 {
            self.armed.push(fault);
        }
    }

    pub fn clear(&mut self) {
        self.armed.clear();
    }

    pub fn set_rate_limit(&mut self, per_second: Option<u32>) {
        self.rate_limit = per_second.filter(|n| *n > 0);
        self.recent.clear();
    }

    /// The fault for this request, if one is armed for it (first armed, first used).
    pub fn take(&mut self, method: &str, path: &str) -> Option<FaultKind> {
        let i = self.armed.iter().position(|f| f.matches(method, path))?;
        let kind = self.armed[i].kind.clone();
        self.armed[i].times -= 1;
        if self.armed[i].times == 0 {
            self.armed.remove(i);
        }
        Some(kind)
    }

    /// Counts a request against the rate limit; false when it is over the limit.
    pub fn admit(&mut self, now: Instant) -> bool {
        let Some(limit) = self.rate_limit else {
            return true;
        };
        while self.recent.front().is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(1))
        {
            self.recent.pop_front();
        }
        if self.recent.len() >= limit as usize {
            return false;
        }
        self.recent.push_back(now);
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn faults_match_and_count_down() {
        let mut f = Faults::default();
        f.arm(Fault::server_error().times(2).on("post", "/v1/customers*"));
        assert_eq!(f.take("GET", "/v1/customers"), None);
        assert_eq!(f.take("POST", "/v1/customers/cus_1"), Some(FaultKind::ServerError));
        assert_eq!(f.take("POST", "/v1/customers"), Some(FaultKind::ServerError));
        assert_eq!(f.take("POST", "/v1/customers"), None);
    }

    #[test]
    fn rate_limit_slides_over_one_second() {
        let mut f = Faults::default();
        f.set_rate_limit(Some(2));
        let t0 = Instant::now();
        assert!(f.admit(t0));
        assert!(f.admit(t0));
        assert!(!f.admit(t0 + Duration::from_millis(500)));
        assert!(f.admit(t0 + Duration::from_millis(1000)));
    }
}

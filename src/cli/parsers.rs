//! Value parsers shared by the command groups (counts, key=value pairs, usage periods).

/// `current` or a month `YYYY-MM`.
pub(super) fn usage_period(s: &str) -> Result<crate::ops::usage::report::Period, String> {
    s.parse()
}

/// `KEY=VALUE`, for `--metadata`.
pub(super) fn key_value(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() && k.len() <= 40 && v.len() <= 500 => {
            Ok((k.to_string(), v.to_string()))
        }
        _ => Err(format!(
            "expected KEY=VALUE (key up to 40, value up to 500 characters), got {s:?}"
        )),
    }
}

/// A count that must be 1 or more (`--concurrency`, `--batch-size`, `--timeout`...).
pub(super) fn at_least_one<T>(s: &str) -> Result<T, String>
where
    T: std::str::FromStr + PartialOrd + From<u8>,
{
    match s.trim().parse::<T>() {
        Ok(n) if n >= T::from(1) => Ok(n),
        Ok(_) => Err("must be at least 1".into()),
        Err(_) => Err("expected a whole number, 1 or more".into()),
    }
}

/// A refresh interval: milliseconds (`250ms`) or a span (`1s`, `2m`), from 1 ms to 1 hour.
pub(crate) fn parse_refresh(s: &str) -> Result<std::time::Duration, String> {
    let ms = match s.trim().strip_suffix("ms") {
        Some(n) => n
            .trim()
            .parse::<u64>()
            .map_err(|_| format!("invalid duration {s:?}: expected like 250ms, 1s or 2m"))?,
        None => u64::try_from(crate::domain::time::positive_span(s)?)
            .unwrap_or(u64::MAX)
            .saturating_mul(1000),
    };
    if !(1..=3_600_000).contains(&ms) {
        return Err(format!("{s:?} is outside 1ms to 1h"));
    }
    Ok(std::time::Duration::from_millis(ms))
}

/// A wait: a span (`30s`, `5m`, `1h`) up to a day.
pub(crate) fn parse_wait(s: &str) -> Result<std::time::Duration, String> {
    let secs = crate::domain::time::positive_span(s)?;
    if secs > 86_400 {
        return Err(format!("{s:?} is longer than a day (24h)"));
    }
    Ok(std::time::Duration::from_secs(
        u64::try_from(secs).unwrap_or(0),
    ))
}

/// Parses the URL given to `flag`: absolute http:// or https:// with a host.
pub(crate) fn parse_url(flag: &str, s: &str) -> Result<hyper::Uri, String> {
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
pub(crate) fn parse_rate(s: &str) -> Result<f64, String> {
    let n = s.trim().strip_suffix("/s").unwrap_or(s.trim());
    match n.parse::<f64>() {
        Ok(r) if r.is_finite() && r > 0.0 => Ok(r),
        _ => Err(format!(
            "invalid --rate {s:?}: expected deliveries per second, like 50 or 50/s"
        )),
    }
}

#[cfg(test)]
mod url_and_rate_tests {
    use super::{parse_rate, parse_url};

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

/// The `clap::ValueEnum` of a domain enum, so that no clap derive lives outside `cli/`:
/// `value_enum!(Type { Variant => "name", ... })`.
macro_rules! value_enum {
    ($ty:ident { $($variant:ident => $name:literal),+ $(,)? }) => {
        impl clap::ValueEnum for $ty {
            fn value_variants<'a>() -> &'a [Self] {
                &[$($ty::$variant),+]
            }

            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(match self {
                    $($ty::$variant => $name),+
                }))
            }
        }
    };
}

use crate::domain::usage::Format;
use crate::ops::revenue::RevenueBy;
use crate::ops::usage::report::ReportBy;
use crate::output::ColorChoice;

value_enum!(ColorChoice { Auto => "auto", Always => "always", Never => "never" });
value_enum!(ReportBy { Customer => "customer", Key => "key", Day => "day" });
value_enum!(RevenueBy { Tier => "tier", Month => "month" });
value_enum!(Format { Ndjson => "ndjson", Csv => "csv" });

/// HTTPS for a server (`webhooks listen`, `serve`), one set of flags.
#[derive(Debug, Clone, clap::Args)]
pub struct TlsArgs {
    /// PEM certificate chain for HTTPS (re-read with the key on SIGHUP; an expired or not yet
    /// valid certificate is refused)
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<std::path::PathBuf>,
    /// PEM private key for HTTPS
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<std::path::PathBuf>,
}

impl TlsArgs {
    pub fn pair(&self) -> (Option<&std::path::Path>, Option<&std::path::Path>) {
        (self.tls_cert.as_deref(), self.tls_key.as_deref())
    }
}

/// The connection and time limits of a server (`webhooks listen`, `serve`), one set of flags.
#[derive(Debug, clap::Args)]
pub struct ServerLimitsArgs {
    /// Connections at once; past it, the connection idle longest (or in its TLS handshake) is
    /// closed to make room, else the unfinished head begun longest ago (never a request in
    /// flight), else a new one is answered 503. serve keeps 8 more slots that answer only
    /// /healthz and /readyz; webhooks listen has no probes, so its 8 answer only 503. A
    /// connection costs 10 to 40 KB; one with an unfinished head of 64 KiB, about 90 KB
    #[arg(long, default_value_t = 1024, value_name = "N", value_parser = at_least_one::<usize>)]
    pub max_connections: usize,
    /// Time to read a request's headers: from accept for a connection's first request, from
    /// its first byte for a later one (and to finish a TLS handshake, on a TLS server)
    #[arg(long, default_value = "10s", value_name = "DURATION", value_parser = crate::domain::time::positive_span)]
    pub header_timeout: i64,
    /// Time to read a request's body; after 2 s, a body coming slower than 16 KiB/s on
    /// average is cut off too (408)
    #[arg(long, default_value = "30s", value_name = "DURATION", value_parser = crate::domain::time::positive_span)]
    pub body_timeout: i64,
    /// Time for a whole request, answer included
    #[arg(long, default_value = "60s", value_name = "DURATION", value_parser = crate::domain::time::positive_span)]
    pub request_timeout: i64,
    /// A keep-alive connection without a request is closed after this (apart from
    /// --header-timeout, which starts at a request's first byte)
    #[arg(long, default_value = "60s", value_name = "DURATION", value_parser = crate::domain::time::positive_span)]
    pub idle_timeout: i64,
    /// Bytes of request bodies held in memory at once, all connections together, counted as
    /// they come, for admitted requests of routes that take a body; each body's first 64 KiB
    /// are its connection's own and not counted (at most --max-connections × 64 KiB more in
    /// all). One caller (an address; on a Unix socket, a process) holds at most a quarter of
    /// it, or --max-body if more. Past it a request is answered 503 with Retry-After and
    /// nothing recorded. At least --max-body
    #[arg(long, default_value_t = crate::adapters::server::DEFAULT_BODY_MEMORY, value_name = "BYTES", value_parser = at_least_one::<usize>)]
    pub max_body_memory: usize,
    /// Logs on stderr: text (access lines at -v), or json (one object per request and notice:
    /// time, level, request id, route, status, duration, outcome)
    #[arg(long, value_enum, default_value_t = LogFormat::Text, value_name = "FORMAT")]
    pub log_format: LogFormat,
}

/// How a service writes its log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

impl ServerLimitsArgs {
    /// The server core's limits from these flags and the service's body limit.
    pub fn limits(&self, max_body: usize) -> crate::adapters::server::Limits {
        let secs = |s: i64| std::time::Duration::from_secs(u64::try_from(s).unwrap_or(0).max(1));
        crate::adapters::server::Limits {
            max_connections: self.max_connections,
            header: secs(self.header_timeout),
            body: secs(self.body_timeout),
            request: secs(self.request_timeout),
            idle: secs(self.idle_timeout),
            max_body,
            body_memory: self.max_body_memory,
            ..crate::adapters::server::Limits::default()
        }
    }
}

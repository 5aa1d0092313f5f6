//! Value parsers shared by the command groups (counts, key=value pairs, usage periods).

#[allow(unused_imports)]
use super::*;

/// `current` or a month `YYYY-MM`.
pub(super) fn usage_period(s: &str) -> Result<String, String> {
    if s == "current" {
        return Ok(s.to_string());
    }
    crate::time::parse_month(s).map(|_| s.to_string())
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

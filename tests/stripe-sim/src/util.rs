//! Ids with Stripe's prefixes, UTC calendar arithmetic, and typed reads of decoded parameters.

use crate::error::ApiError;
use rand::RngExt;
use serde_json::{Map, Value};
use std::time::{SystemTime, UNIX_EPOCH};

const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A random base62 string of `len` characters.
pub fn random_base62(len: usize) -> String {
    let mut rng = rand::rng();
    (0..len).map(|_| BASE62[rng.random_range(0..BASE62.len())] as char).collect()
}

/// A new object id such as `prod_Qx7...` (Stripe ids are prefix + 14 or 24 characters).
pub fn new_id(prefix: &str) -> String {
    let len = if prefix.starts_with("cs_") || prefix == "whsec" { 58 } else { 24 };
    let sep = if prefix.ends_with('_') { "" } else { "_" };
    format!("{prefix}{sep}{}", random_base62(len))
}

/// Current UTC time in unix seconds.
pub fn now() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or(0)
}

/// Wall-clock time in unix milliseconds.
pub fn now_ms() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as i64).unwrap_or(0)
}

/// Days since 1970-01-01 to (year, month, day); Howard Hinnant's civil_from_days.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y.rem_euclid(400);
    let mp = if m > 2 { m - 3 } else { m + 9 } as i64;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// `YYYY-MM-DD` of a UTC timestamp.
pub fn utc_date(ts: i64) -> String {
    let (y, m, d) = civil_from_days(ts.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// An HTTP date (RFC 9110's IMF-fixdate, `Sun, 06 Dec 2026 01:02:03 GMT`) of a UTC timestamp.
pub fn http_date(ts: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] =
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[m as usize - 1],
        secs / 3600,
        secs % 3600 / 60,
        secs % 60
    )
}

pub fn days_in_month(y: i64, m: u32) -> u32 {
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    (days_from_civil(ny, nm, 1) - days_from_civil(y, m, 1)) as u32
}

/// Adds `count` billing intervals to a UTC timestamp, clamping the day of month as Stripe does
/// (Jan 31 + 1 month = Feb 28/29).
pub fn add_interval(ts: i64, interval: &str, count: i64) -> i64 {
    let days = ts.div_euclid(86_400);
    let secs = ts.rem_euclid(86_400);
    match interval {
        "day" => ts + 86_400 * count,
        "week" => ts + 7 * 86_400 * count,
        "month" | "year" => {
            let months = if interval == "year" { 12 * count } else { count };
            let (y, m, d) = civil_from_days(days);
            let total = y * 12 + (m as i64 - 1) + months;
            let (ny, nm) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
            let nd = d.min(days_in_month(ny, nm));
            days_from_civil(ny, nm, nd) * 86_400 + secs
        }
        _ => ts,
    }
}

/// Typed access to a decoded parameter map, with Stripe's errors naming the parameter.
pub struct Params<'a>(pub &'a Map<String, Value>);

impl<'a> Params<'a> {
    pub fn str(&self, key: &str) -> Option<&'a str> {
        self.0.get(key).and_then(Value::as_str)
    }

    pub fn has(&self, key: &str) -> bool {
        self.0.contains_key(key)
    }

    pub fn req_str(&self, key: &str) -> Result<&'a str, ApiError> {
        match self.str(key) {
            Some(s) if !s.is_empty() => Ok(s),
            _ => Err(ApiError::missing(key)),
        }
    }

    pub fn bool(&self, key: &str) -> Result<Option<bool>, ApiError> {
        parse_bool(self.0.get(key), key)
    }

    pub fn int(&self, key: &str) -> Result<Option<i64>, ApiError> {
        parse_int(self.0.get(key), key)
    }

    pub fn obj(&self, key: &str) -> Option<Params<'a>> {
        self.0.get(key).and_then(Value::as_object).map(Params)
    }

    pub fn list(&self, key: &str) -> Vec<&'a Value> {
        match self.0.get(key) {
            Some(Value::Array(items)) => items.iter().collect(),
            Some(v @ Value::String(s)) if !s.is_empty() => vec![v],
            _ => Vec::new(),
        }
    }

    pub fn str_list(&self, key: &str) -> Vec<&'a str> {
        self.list(key).into_iter().filter_map(Value::as_str).collect()
    }

    /// Rejects any top-level parameter not in `allowed`, as Stripe does.
    pub fn allow_only(&self, allowed: &[&str]) -> Result<(), ApiError> {
        match self.0.keys().find(|k| !allowed.contains(&k.as_str()) && k.as_str() != "expand") {
            Some(k) => Err(ApiError::unknown_param(k)),
            None => Ok(()),
        }
    }
}

pub fn parse_bool(v: Option<&Value>, key: &str) -> Result<Option<bool>, ApiError> {
    match v.and_then(Value::as_str) {
        None => Ok(None),
        Some("true") => Ok(Some(true)),
        Some("false") => Ok(Some(false)),
        Some(other) => Err(ApiError::invalid(format!("Invalid boolean: {other}"))
            .code("parameter_invalid_boolean")
            .param(key)),
    }
}

pub fn parse_int(v: Option<&Value>, key: &str) -> Result<Option<i64>, ApiError> {
    match v.and_then(Value::as_str) {
        None => Ok(None),
        Some(s) => s.parse::<i64>().map(Some).map_err(|_| {
            ApiError::invalid(format!("Invalid integer: {s}"))
                .code("parameter_invalid_integer")
                .param(key)
        }),
    }
}

/// Applies `metadata[k]=v` updates: an empty value removes the key, an empty `metadata=` clears
/// all, as Stripe documents for metadata updates.
pub fn apply_metadata(target: &mut Value, params: &Params) -> Result<(), ApiError> {
    let Some(update) = params.0.get("metadata") else {
        return Ok(());
    };
    if !target["metadata"].is_object() {
        target["metadata"] = Value::Object(Map::new());
    }
    let meta = target["metadata"].as_object_mut().expect("set to an object above");
    match update {
        Value::String(s) if s.is_empty() => meta.clear(),
        Value::Object(kv) => {
            for (k, v) in kv {
                match v.as_str() {
                    Some("") => {
                        meta.remove(k);
                    }
                    Some(s) => {
                        meta.insert(k.clone(), Value::String(s.to_string()));
                    }
                    None => {
                        return Err(ApiError::invalid("Invalid metadata value")
                            .param(format!("metadata[{k}]")))
                    }
                }
            }
            if meta.len() > 50 {
                return Err(ApiError::invalid("You can specify up to 50 keys in metadata.")
                    .param("metadata"));
            }
        }
        _ => {
            return Err(ApiError::invalid("Invalid hash")
                .code("parameter_invalid_string")
                .param("metadata"))
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_clamp_to_the_end_of_short_months() {
        // 2026-01-31T10:00:00Z + 1 month = 2026-02-28T10:00:00Z
        let jan31 = days_from_civil(2026, 1, 31) * 86_400 + 36_000;
        assert_eq!(add_interval(jan31, "month", 1), days_from_civil(2026, 2, 28) * 86_400 + 36_000);
        assert_eq!(add_interval(jan31, "year", 1), days_from_civil(2027, 1, 31) * 86_400 + 36_000);
        assert_eq!(civil_from_days(days_from_civil(2024, 2, 29)), (2024, 2, 29));
        assert_eq!(add_interval(0, "week", 2), 14 * 86_400);
    }

    #[test]
    fn http_dates_are_imf_fixdates() {
        // RFC 9110's own example.
        assert_eq!(http_date(784_111_777), "Sun, 06 Nov 1994 08:49:37 GMT");
        assert_eq!(http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
    }

    #[test]
    fn ids_carry_prefixes() {
        assert!(new_id("prod").starts_with("prod_"));
        assert_eq!(new_id("cus").len(), 4 + 24);
        assert!(new_id("cs_test_").starts_with("cs_test_"));
    }
}

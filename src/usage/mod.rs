//! Usage events as they come in: NDJSON or CSV lines, validated one by one with a reason that
//! names the field, timestamps as RFC 3339 or unix seconds, and ids derived from the fields
//! when asked. Pure: no I/O here.

use crate::output::days_from_civil;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// One event as read, before its key or customer is resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct RawEvent {
    pub id: Option<String>,
    pub key: Option<String>,
    pub customer: Option<String>,
    pub timestamp: i64,
    pub quantity: i64,
    pub endpoint: Option<String>,
    pub meta: Option<String>,
}

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Ndjson,
    Csv,
}

const FIELDS: &[&str] = &[
    "id",
    "key",
    "customer",
    "timestamp",
    "quantity",
    "endpoint",
    "meta",
];

fn num(s: &str, what: &str) -> Result<i64, String> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("bad {what} {s:?}"));
    }
    s.parse().map_err(|_| format!("bad {what} {s:?}"))
}

/// A UTC day `YYYY-MM-DD` to the unix second it starts at.
pub fn parse_day(s: &str) -> Result<i64, String> {
    let bad = || format!("malformed date {s:?}: use YYYY-MM-DD (a UTC day)");
    let parts: Vec<&str> = s.trim().split('-').collect();
    let [y, m, d] = parts.as_slice() else {
        return Err(bad());
    };
    if y.len() != 4 || m.len() != 2 || d.len() != 2 {
        return Err(bad());
    }
    let (y, m, d): (i64, u32, u32) = (
        y.parse().map_err(|_| bad())?,
        m.parse().map_err(|_| bad())?,
        d.parse().map_err(|_| bad())?,
    );
    let days = crate::output::time::days_from_civil(y, m, d);
    // Round trip rejects 2026-02-30 and month 13.
    if !(1..=12).contains(&m) || crate::output::time::civil(days) != (y, m, d) {
        return Err(bad());
    }
    Ok(days * 86_400)
}

/// Unix seconds, or RFC 3339 (`2026-11-24T06:25:00Z`, `...T08:25:00.5+02:00`), to unix seconds.
pub fn parse_timestamp(s: &str) -> Result<i64, String> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        return s
            .parse()
            .map_err(|_| format!("timestamp {s:?} is out of range"));
    }
    let bad = |why: &str| {
        format!(
            "malformed timestamp {s:?}: {why}; use RFC 3339 (2026-11-24T06:25:00Z) or unix seconds"
        )
    };
    if s.len() < 20 || !s.is_ascii() {
        return Err(bad("too short"));
    }
    let b = s.as_bytes();
    if b[4] != b'-'
        || b[7] != b'-'
        || !(b[10] == b'T' || b[10] == b't' || b[10] == b' ')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(bad("expected YYYY-MM-DDTHH:MM:SS"));
    }
    let (y, mo, d) = (
        num(&s[0..4], "year").map_err(|e| bad(&e))?,
        num(&s[5..7], "month").map_err(|e| bad(&e))?,
        num(&s[8..10], "day").map_err(|e| bad(&e))?,
    );
    let (h, mi, se) = (
        num(&s[11..13], "hour").map_err(|e| bad(&e))?,
        num(&s[14..16], "minute").map_err(|e| bad(&e))?,
        num(&s[17..19], "second").map_err(|e| bad(&e))?,
    );
    let month_days = [
        31,
        if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 {
            29
        } else {
            28
        },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    if !(1..=12).contains(&mo)
        || d < 1
        || d > month_days[(mo - 1) as usize]
        || h > 23
        || mi > 59
        || se > 60
    {
        return Err(bad("a date or time field is out of range"));
    }
    let mut rest = &s[19..];
    if let Some(frac) = rest.strip_prefix('.') {
        let digits = frac.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(bad("empty fraction of a second"));
        }
        rest = &frac[digits..];
    }
    let offset = match rest {
        "Z" | "z" => 0,
        _ if rest.len() == 6
            && (rest.starts_with('+') || rest.starts_with('-'))
            && rest.as_bytes()[3] == b':' =>
        {
            let oh = num(&rest[1..3], "offset").map_err(|e| bad(&e))?;
            let om = num(&rest[4..6], "offset").map_err(|e| bad(&e))?;
            let sign = if rest.starts_with('-') { -1 } else { 1 };
            sign * (oh * 3600 + om * 60)
        }
        _ => return Err(bad("expected a Z or ±HH:MM offset")),
    };
    Ok(days_from_civil(y, mo as u32, d as u32) * 86_400 + h * 3600 + mi * 60 + se.min(59) - offset)
}

fn quantity_of(v: &Value) -> Result<i64, String> {
    if let Some(q) = v.as_i64() {
        return if q < 0 {
            Err(format!("negative quantity {q}"))
        } else {
            Ok(q)
        };
    }
    if v.is_u64()
        || v.as_f64()
            .is_some_and(|f| f.fract() == 0.0 && f.abs() >= 9.2e18)
    {
        return Err(format!("quantity {v} overflows a 64-bit integer"));
    }
    Err(format!("quantity must be a whole number, got {v}"))
}

fn quantity_of_str(s: &str) -> Result<i64, String> {
    match s.trim().parse::<i64>() {
        Ok(q) if q < 0 => Err(format!("negative quantity {q}")),
        Ok(q) => Ok(q),
        Err(e)
            if matches!(
                e.kind(),
                std::num::IntErrorKind::PosOverflow | std::num::IntErrorKind::NegOverflow
            ) =>
        {
            Err(format!("quantity {} overflows a 64-bit integer", s.trim()))
        }
        Err(_) => Err(format!(
            "quantity must be a whole number, got {:?}",
            s.trim()
        )),
    }
}

fn check(e: RawEvent) -> Result<RawEvent, String> {
    match (&e.key, &e.customer) {
        (None, None) => Err("each event needs a key (key id) or a customer".into()),
        (Some(_), Some(_)) => Err("give key or customer, not both".into()),
        _ if e.id.as_deref() == Some("") => Err("empty id".into()),
        _ => Ok(e),
    }
}

fn text(v: &Value, field: &str) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        other => Err(format!("{field} must be a string, got {other}")),
    }
}

/// One NDJSON line: `{"id": "...", "key": "...", "timestamp": ..., "quantity": 1, ...}`.
pub fn parse_ndjson(line: &str) -> Result<RawEvent, String> {
    let v: Value = serde_json::from_str(line).map_err(|e| format!("not JSON: {e}"))?;
    let obj = v.as_object().ok_or("expected a JSON object")?;
    if let Some(k) = obj.keys().find(|k| !FIELDS.contains(&k.as_str())) {
        return Err(format!(
            "unknown field {k:?} (fields: {})",
            FIELDS.join(", ")
        ));
    }
    let timestamp = match obj.get("timestamp") {
        None | Some(Value::Null) => return Err("missing timestamp".into()),
        Some(Value::Number(n)) => n
            .as_i64()
            .filter(|t| *t >= 0)
            .ok_or_else(|| format!("malformed timestamp {n}"))?,
        Some(Value::String(s)) => parse_timestamp(s)?,
        Some(other) => return Err(format!("malformed timestamp {other}")),
    };
    let get = |f: &str| obj.get(f).unwrap_or(&Value::Null);
    check(RawEvent {
        id: text(get("id"), "id")?,
        key: text(get("key"), "key")?,
        customer: text(get("customer"), "customer")?,
        timestamp,
        quantity: match obj.get("quantity") {
            None | Some(Value::Null) => 1,
            Some(q) => quantity_of(q)?,
        },
        endpoint: text(get("endpoint"), "endpoint")?,
        meta: match obj.get("meta") {
            None | Some(Value::Null) => None,
            Some(m) => Some(m.to_string()),
        },
    })
}

/// Splits one CSV record (RFC 4180 quoting; no line breaks inside fields).
pub fn split_csv(line: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = line.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            (true, '"') => quoted = false,
            (true, c) => cur.push(c),
            (false, '"') if cur.is_empty() => quoted = true,
            (false, ',') => fields.push(std::mem::take(&mut cur)),
            (false, c) => cur.push(c),
        }
    }
    if quoted {
        return Err("unterminated quoted field".into());
    }
    fields.push(cur);
    Ok(fields)
}

/// The column order of a CSV file, from its header line.
pub fn csv_header(line: &str) -> Result<Vec<String>, String> {
    let cols: Vec<String> = split_csv(line)?
        .into_iter()
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    if let Some(c) = cols.iter().find(|c| !FIELDS.contains(&c.as_str())) {
        return Err(format!(
            "unknown column {c:?} in the header (columns: {})",
            FIELDS.join(", ")
        ));
    }
    if !cols.iter().any(|c| c == "timestamp") {
        return Err("the header has no timestamp column".into());
    }
    Ok(cols)
}

/// One CSV record under `header`.
pub fn parse_csv(header: &[String], line: &str) -> Result<RawEvent, String> {
    let values = split_csv(line)?;
    if values.len() != header.len() {
        return Err(format!(
            "expected {} fields, found {}",
            header.len(),
            values.len()
        ));
    }
    let get = |f: &str| {
        header
            .iter()
            .position(|c| c == f)
            .map(|i| values[i].trim())
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    check(RawEvent {
        id: get("id"),
        key: get("key"),
        customer: get("customer"),
        timestamp: parse_timestamp(&get("timestamp").ok_or("missing timestamp")?)?,
        quantity: get("quantity").map_or(Ok(1), |q| quantity_of_str(&q))?,
        endpoint: get("endpoint"),
        meta: get("meta"),
    })
}

/// `[start, end)` of the UTC calendar month `YYYY-MM`.
pub fn month(s: &str) -> Result<(i64, i64), String> {
    let bad = || format!("invalid month {s:?}: expected YYYY-MM, like 2026-11");
    let (y, m) = s.split_once('-').ok_or_else(bad)?;
    let (y, m) = (
        num(y, "year").map_err(|_| bad())?,
        num(m, "month").map_err(|_| bad())?,
    );
    if !(1..=12).contains(&m) || !(1970..=9999).contains(&y) {
        return Err(bad());
    }
    let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
    Ok((
        days_from_civil(y, m as u32, 1) * 86_400,
        days_from_civil(ny, nm as u32, 1) * 86_400,
    ))
}

/// `[start, end)` of the UTC calendar month containing `ts`.
pub fn month_of(ts: i64) -> (i64, i64) {
    let (y, m, _) = crate::output::civil(ts.div_euclid(86_400));
    month(&format!("{y:04}-{m:02}")).unwrap_or((ts, ts))
}

/// An id made from the event's fields (`--derive-ids`): identical lines get the same id and
/// so count once.
pub fn derive_id(e: &RawEvent) -> String {
    let mut h = Sha256::new();
    for part in [
        e.key.as_deref(),
        e.customer.as_deref(),
        Some(&e.timestamp.to_string()),
        Some(&e.quantity.to_string()),
        e.endpoint.as_deref(),
        e.meta.as_deref(),
    ] {
        h.update(part.unwrap_or("\u{0}").as_bytes());
        h.update([0x1f]);
    }
    let hex: String = h.finalize()[..16]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    format!("d-{hex}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn months_are_utc_calendar_months() {
        assert_eq!(month("2026-11"), Ok((1_793_491_200, 1_796_083_200)));
        assert_eq!(month("2024-12").unwrap().1, month("2025-01").unwrap().0);
        assert_eq!(month_of(1_795_500_000), month("2026-11").unwrap());
        assert!(month("2026-13").is_err() && month("nov").is_err());
    }

    #[test]
    fn timestamps_parse_as_rfc3339_or_unix_seconds() {
        assert_eq!(parse_timestamp("1795500000"), Ok(1_795_500_000));
        assert_eq!(parse_timestamp("2026-11-24T06:00:00Z"), Ok(1_795_500_000));
        assert_eq!(
            parse_timestamp("2026-11-24T08:00:00.250+02:00"),
            Ok(1_795_500_000)
        );
        assert_eq!(
            parse_timestamp("2026-11-24 01:00:00-05:00"),
            Ok(1_795_500_000)
        );
        for bad in [
            "2026-13-01T00:00:00Z",
            "2026-02-30T00:00:00Z",
            "yesterday",
            "2026-11-24T06:00:00",
            "2026-11-24T06:00:00+2",
            "",
        ] {
            assert!(parse_timestamp(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ndjson_lines_are_checked_field_by_field() {
        let e = parse_ndjson(r#"{"id":"e1","key":"abc","timestamp":"2026-11-24T06:00:00Z","quantity":3,"endpoint":"/v1/x","meta":{"a":1}}"#).unwrap();
        assert_eq!(
            (e.timestamp, e.quantity, e.meta.as_deref()),
            (1_795_500_000, 3, Some(r#"{"a":1}"#))
        );
        assert_eq!(
            parse_ndjson(r#"{"id":"e","customer":"cus_1","timestamp":1}"#)
                .unwrap()
                .quantity,
            1,
            "quantity defaults to 1"
        );
        let err = |l: &str| parse_ndjson(l).unwrap_err();
        assert!(err(r#"{"id":"e","key":"k","timestamp":1,"quantity":-2}"#)
            .contains("negative quantity"));
        assert!(
            err(r#"{"id":"e","key":"k","timestamp":1,"quantity":9223372036854775808}"#)
                .contains("overflows")
        );
        assert!(
            err(r#"{"id":"e","key":"k","timestamp":1,"quantity":1.5}"#).contains("whole number")
        );
        assert!(err(r#"{"id":"e","key":"k","timestamp":"soon"}"#).contains("malformed timestamp"));
        assert!(err(r#"{"id":"e","timestamp":1}"#).contains("key"));
        assert!(
            err(r#"{"id":"e","key":"k","timestamp":1,"colour":"red"}"#).contains("unknown field")
        );
        assert!(err("{not json").contains("not JSON"));
    }

    #[test]
    fn csv_records_follow_their_header() {
        let h = csv_header("id,customer,timestamp,quantity,meta").unwrap();
        let e = parse_csv(&h, r#"e1,cus_1,1795500000,2,"{""a"":1}""#).unwrap();
        assert_eq!(
            (e.customer.as_deref(), e.quantity, e.meta.as_deref()),
            (Some("cus_1"), 2, Some(r#"{"a":1}"#))
        );
        assert!(parse_csv(&h, "e1,cus_1,1795500000,99999999999999999999,")
            .unwrap_err()
            .contains("overflows"));
        assert!(parse_csv(&h, "e1,cus_1,1795500000")
            .unwrap_err()
            .contains("expected 5 fields"));
        assert!(csv_header("id,when").is_err());
        let a = parse_csv(&h, "e1,cus_1,1795500000,2,").unwrap();
        assert_eq!(derive_id(&a), derive_id(&a.clone()));
        assert_ne!(
            derive_id(&a),
            derive_id(&RawEvent {
                quantity: 3,
                ..a.clone()
            })
        );
    }
}

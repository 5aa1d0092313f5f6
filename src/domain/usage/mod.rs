//! Usage events as they come in: NDJSON or CSV lines, validated one by one with a reason that
//! names the field, timestamps as RFC 3339 or unix seconds, and ids derived from the fields
//! when asked. Pure: no I/O here.

pub mod series;

use crate::domain::time::parse_timestamp;
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
    /// Who sent it (a CloudEvent's `source`): with the id, its identity. `None`: the empty
    /// source, as for every route that names none.
    pub source: Option<String>,
    /// The meter it counts for (a CloudEvent's `type`), part of what it says.
    pub event_type: Option<String>,
}

/// Whose usage a sum or rollup is of: a customer's (all its keys) or one key's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    Customer,
    Key,
}

impl Scope {
    /// The scope as the rollup tables store it.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Customer => "customer",
            Scope::Key => "key",
        }
    }
}

/// Whose usage, by id: a customer's or one key's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Subject<'a> {
    pub scope: Scope,
    pub id: &'a str,
}

impl<'a> Subject<'a> {
    pub fn customer(id: &'a str) -> Self {
        Subject {
            scope: Scope::Customer,
            id,
        }
    }

    pub fn key(id: &'a str) -> Self {
        Subject {
            scope: Scope::Key,
            id,
        }
    }
}

/// The size of a rollup's buckets: an hour (`usage_hourly`) or a UTC day (`usage_daily`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Grain {
    Hour,
    Day,
}

impl Grain {
    /// The grain's name, as written to the rollups' sort order.
    pub fn as_str(self) -> &'static str {
        match self {
            Grain::Hour => "hour",
            Grain::Day => "day",
        }
    }
}

/// The routes usage comes in by. Every write of usage events names one: a conflict is recorded
/// and counted by it, and the route table test holds one row for each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub enum Route {
    /// `billctl usage import` (a file or stdin).
    Import,
    /// `billctl usage record` (one event by hand).
    Record,
    /// serve's `POST /v1/usage/events`.
    Events,
    /// serve's `POST /api/v1/events` (OpenMeter's CloudEvents ingestion).
    CloudEvents,
    /// A call recorded by key verification (`keys verify --record`, serve's verify routes):
    /// ids made by the verifier, never a repeat.
    Verify,
}

impl Route {
    pub const ALL: [Route; 5] = [
        Route::Import,
        Route::Record,
        Route::Events,
        Route::CloudEvents,
        Route::Verify,
    ];

    /// The route's name, as stored, listed and labelled in metrics.
    pub fn as_str(self) -> &'static str {
        match self {
            Route::Import => "usage import",
            Route::Record => "usage record",
            Route::Events => "/v1/usage/events",
            Route::CloudEvents => "/api/v1/events",
            Route::Verify => "keys verify",
        }
    }

    /// The route named `s` (as [`Route::as_str`] spells it).
    pub fn parse(s: &str) -> Option<Route> {
        Route::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

/// Input formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    "source",
    "type",
];

/// What every usage event must keep to, whichever door it comes in by (import, `usage record`,
/// `keys verify --record`): a quantity of 1 to `max_quantity`, and a time no later than
/// `max_future_skew` seconds after now (and, by the time grammar, not before 1970).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bounds {
    pub max_quantity: i64,
    pub max_future_skew: i64,
}

pub use crate::domain::config::{DEFAULT_MAX_FUTURE_SKEW_SECS, DEFAULT_MAX_QUANTITY};

impl Default for Bounds {
    fn default() -> Self {
        Bounds::of(&crate::domain::config::UsageSettings::default())
    }
}

impl Bounds {
    /// The bounds the `[usage]` settings set.
    pub fn of(settings: &crate::domain::config::UsageSettings) -> Bounds {
        Bounds {
            max_quantity: settings.max_quantity,
            max_future_skew: settings.max_future_skew_secs,
        }
    }
}

impl Bounds {
    /// Checks a quantity.
    pub fn quantity(&self, q: i64) -> Result<(), String> {
        if q < 1 {
            return Err(format!("quantity {q} is below 1"));
        }
        if q > self.max_quantity {
            return Err(format!(
                "quantity {q} is above usage.max_quantity ({})",
                self.max_quantity
            ));
        }
        Ok(())
    }

    /// Checks a timestamp against `now`.
    pub fn timestamp(&self, ts: i64, now: i64) -> Result<(), String> {
        if ts < crate::domain::time::MIN {
            return Err(format!("timestamp {ts} is before 1970"));
        }
        // Saturating: `now` near the end of time still gives a bound, never a wrap.
        let latest = now.saturating_add(self.max_future_skew);
        if ts > latest {
            return Err(format!(
                "timestamp {} is more than usage.max_future_skew ({}s) ahead of now ({})",
                crate::domain::time::utc_datetime(ts),
                self.max_future_skew,
                crate::domain::time::utc_datetime(now)
            ));
        }
        Ok(())
    }

    /// Checks an event's quantity and timestamp.
    pub fn event(&self, e: &RawEvent, now: i64) -> Result<(), String> {
        self.quantity(e.quantity)?;
        self.timestamp(e.timestamp, now)
    }
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
        _ => {
            let names = [
                ("id", &e.id),
                ("source", &e.source),
                ("type", &e.event_type),
                ("key", &e.key),
                ("customer", &e.customer),
            ];
            for (field, v) in names {
                if let Some(v) = v {
                    stored_text(field, v, MAX_NAME)?;
                }
            }
            if let Some(v) = &e.endpoint {
                stored_text("endpoint", v, MAX_ENDPOINT)?;
            }
            Ok(e)
        }
    }
}

/// The longest an event's id, source, type, key or customer may be, in bytes: an id with its
/// source is one entry of the stores' unique index, which Postgres refuses past 2,704 bytes
/// (and a refused entry failed the whole batch there while SQLite stored it).
pub const MAX_NAME: usize = 256;

/// The longest an event's endpoint may be, in bytes.
pub const MAX_ENDPOINT: usize = 2_048;

/// Refuses an event's text field that both stores cannot keep alike: longer than `max` bytes,
/// or holding a NUL (Postgres's text has none). Names the field and the bound.
pub fn stored_text(field: &str, v: &str, max: usize) -> Result<(), String> {
    if v.len() > max {
        let n = crate::util::plural::grouped(v.len() as u64, "byte", "bytes");
        let max = crate::util::plural::group(max as u64);
        return Err(format!("{field}: {n}, longer than the {max} allowed"));
    }
    if v.contains('\0') {
        return Err(format!(
            "{field}: holds a NUL character, which the store cannot keep"
        ));
    }
    Ok(())
}

fn text(v: &Value, field: &str) -> Result<Option<String>, String> {
    match v {
        Value::Null => Ok(None),
        Value::String(s) if s.is_empty() => Ok(None),
        Value::String(s) => Ok(Some(s.clone())),
        other => Err(format!("{field} must be a string, got {other}")),
    }
}

/// One NDJSON line as typed fields borrowed from the line: the fast path for good lines. Any
/// line it refuses (an unknown or repeated field, a wrong type) goes to the general parser,
/// which accepts exactly what this accepts and says what is wrong with the rest.
#[derive(serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct Typed<'a> {
    #[serde(borrow, default)]
    id: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    key: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    customer: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default)]
    timestamp: Option<Moment<'a>>,
    #[serde(default)]
    quantity: Option<i64>,
    #[serde(borrow, default)]
    endpoint: Option<std::borrow::Cow<'a, str>>,
    #[serde(default)]
    meta: Option<Value>,
    #[serde(borrow, default)]
    source: Option<std::borrow::Cow<'a, str>>,
    #[serde(borrow, default, rename = "type")]
    event_type: Option<std::borrow::Cow<'a, str>>,
}

/// A timestamp field: unix seconds or text.
enum Moment<'a> {
    Seconds(i64),
    Text(std::borrow::Cow<'a, str>),
}

impl<'de: 'a, 'a> serde::Deserialize<'de> for Moment<'a> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Moment<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("unix seconds or RFC 3339")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
                Ok(Moment::Seconds(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
                i64::try_from(v)
                    .map(Moment::Seconds)
                    .map_err(|_| E::custom("out of range"))
            }
            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(Moment::Text(std::borrow::Cow::Borrowed(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(Moment::Text(std::borrow::Cow::Owned(v.to_string())))
            }
        }
        d.deserialize_any(V)
    }
}

/// The typed fast path (see [`Typed`]); `None` sends the line to the general parser.
fn parse_typed(line: &str) -> Option<Result<RawEvent, String>> {
    let t: Typed = serde_json::from_str(line).ok()?;
    let text = |v: Option<std::borrow::Cow<str>>| v.filter(|s| !s.is_empty()).map(String::from);
    let timestamp = match t.timestamp? {
        Moment::Seconds(n) if n >= 0 => n,
        Moment::Seconds(_) => return None,
        Moment::Text(s) => match parse_timestamp(&s) {
            Ok(t) => t,
            Err(e) => return Some(Err(e)),
        },
    };
    let quantity = match t.quantity {
        None => 1,
        Some(q) if q >= 0 => q,
        Some(_) => return None,
    };
    Some(check(RawEvent {
        id: text(t.id),
        key: text(t.key),
        customer: text(t.customer),
        timestamp,
        quantity,
        endpoint: text(t.endpoint),
        meta: t.meta.filter(|m| !m.is_null()).map(|m| m.to_string()),
        source: text(t.source),
        event_type: text(t.event_type),
    }))
}

/// One NDJSON line: `{"id": "...", "key": "...", "timestamp": ..., "quantity": 1, ...}`.
pub fn parse_ndjson(line: &str) -> Result<RawEvent, String> {
    if let Some(r) = parse_typed(line) {
        return r;
    }
    parse_general(line)
}

/// The general parser: every line, with a reason for each refusal.
fn parse_general(line: &str) -> Result<RawEvent, String> {
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
        source: text(get("source"), "source")?,
        event_type: text(get("type"), "type")?,
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
            "expected {}, found {}",
            crate::util::plural::count(header.len(), "field", "fields"),
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
        source: get("source"),
        event_type: get("type"),
    })
}

/// An id made from the event's fields (`--derive-ids`): identical lines get the same id and
/// so count once. The source is not hashed (it is the other half of the identity); the type
/// is, when given (a line without one hashes as before types were read).
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
    if let Some(t) = &e.event_type {
        h.update(b"type=");
        h.update(t.as_bytes());
        h.update([0x1f]);
    }
    format!("d-{}", hex::encode(&h.finalize()[..16]))
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// The typed fast path and the general parser agree on every line either accepts.
    #[test]
    fn the_fast_path_agrees_with_the_general_parser() {
        for line in [
            r#"{"id":"e1","key":"abc","timestamp":"2026-11-24T06:00:00Z","quantity":3,"endpoint":"/v1/x","meta":{"b":2,"a":[1, 2]}}"#,
            r#"{"id":"e\u0041","customer":"cus_1","timestamp":1795500000}"#,
            r#"{"id":"","key":"k","timestamp":5,"quantity":null,"meta":null,"endpoint":""}"#,
            r#"{"id":"e","key":"k","timestamp":5,"id":"f"}"#,
            r#"{"id":"e","key":"k","timestamp":-5}"#,
            r#"{"id":"e","key":"k","timestamp":5.0}"#,
            r#"{"id":"e","key":"k","timestamp":"soon"}"#,
            r#"{"id":"e","key":"k","timestamp":5,"quantity":-1}"#,
            r#"{"id":"e","key":"k","timestamp":5,"quantity":18446744073709551615}"#,
            r#"{"id":"e","key":"k","customer":"c","timestamp":5}"#,
            r#"{"id":7,"key":"k","timestamp":5}"#,
        ] {
            // Where the fast path answers, it answers as the general parser does; where it
            // does not (None), parse_ndjson asks the general parser.
            if let Some(fast) = parse_typed(line) {
                assert_eq!(fast, parse_general(line), "{line}");
            }
            assert_eq!(parse_ndjson(line), parse_general(line), "{line}");
        }
        assert!(parse_typed(r#"{"id":"e","key":"k","timestamp":5}"#).is_some());
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig {
            cases: 10_000,
            failure_persistence: None,
            ..Default::default()
        })]
        /// The same agreement on mutated lines.
        #[test]
        fn the_fast_path_agrees_on_mutated_lines(
            edits in proptest::collection::vec((0usize..200, 0u8..128, 0u8..3), 0..6)
        ) {
            let mut b = br#"{"id":"e1","key":"abc","timestamp":"2026-11-24T06:00:00Z","quantity":3,"endpoint":"/v1/x","meta":{"a":1}}"#.to_vec();
            for (at, byte, op) in edits {
                let i = at % b.len().max(1);
                match op {
                    0 => b[i] = byte,
                    1 => b.insert(i, byte),
                    _ => { b.remove(i); }
                }
            }
            let line = String::from_utf8_lossy(&b).into_owned();
            if let Some(fast) = parse_typed(&line) {
                proptest::prop_assert_eq!(fast, parse_general(&line));
            }
        }
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

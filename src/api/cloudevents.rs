//! `POST /api/v1/events`: OpenMeter's ingestion, CloudEvents 1.0 as
//! `application/cloudevents+json` (one event) or `application/cloudevents-batch+json` (an
//! array; `application/json` takes either), so services that send usage with OpenMeter's
//! SDKs move to billctl by changing the endpoint and the token.
//!
//! Each event becomes one line of `usage import`: `subject` is the customer (`cus_...`) or
//! else the key id, `source` and `id` together are its identity (CloudEvents 1.0: only the
//! pair is unique; OpenMeter deduplicates on it too), `time` is the event's time (the time of
//! receipt when absent), the quantity is the `data` field `[usage] value_property` names (1
//! per event when it names none), and `type` is the meter it counts for; `type` and `source`
//! are kept in the event's meta as well. An event whose identity is taken by one with other
//! content is a conflict: recorded, counted in `/metrics`, and answered 204 like the rest
//! (OpenMeter's answer has no body to count it in). The CloudEvents
//! attributes are checked first; then `usage import`'s own validation runs on the lines, and
//! rejects are reported by the event's position (1-based) either way. Nothing is recorded
//! when any event is invalid.

use crate::adapters::store::Store;
use crate::domain::usage::Bounds;
use crate::ops::serve::events::{self, Accepted, LineError, Refused};
use anyhow::Result;
use serde_json::{json, Map, Value};

/// How a body's events are laid out, from its `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    One,
    Batch,
    /// `application/json`: an object or an array.
    Either,
}

impl Layout {
    /// The layout a content type names; `None`: not a CloudEvents type (415).
    pub fn of(content_type: Option<&str>) -> Option<Layout> {
        let essence = content_type?.split(';').next()?.trim().to_ascii_lowercase();
        match essence.as_str() {
            "application/cloudevents+json" => Some(Layout::One),
            "application/cloudevents-batch+json" => Some(Layout::Batch),
            "application/json" => Some(Layout::Either),
            _ => None,
        }
    }
}

/// Records the events in `body` (see the module docs).
pub fn record(
    store: &mut Store,
    body: &[u8],
    layout: Layout,
    value_property: Option<&[String]>,
    (max, bounds): (usize, Bounds),
    now: i64,
) -> Result<Result<Accepted, Refused>> {
    let items = match parse(body, layout, max) {
        Ok(items) => items,
        Err(r) => return Ok(Err(r)),
    };
    let mut lines = Vec::with_capacity(items.len());
    let mut rejects = Vec::new();
    for (i, item) in items.iter().enumerate() {
        match to_line(item, value_property, now) {
            Ok(line) => lines.push(line),
            Err(reason) => rejects.push(LineError {
                line: i + 1,
                reason,
            }),
        }
    }
    if !rejects.is_empty() {
        let rejected = rejects.len();
        rejects.truncate(crate::ops::usage::import::SHOWN_REJECTS);
        return Ok(Err(Refused::Invalid {
            read: items.len(),
            rejected,
            rejects,
        }));
    }
    let text = serde_json::to_vec(&Value::Array(lines))?;
    let route = crate::domain::usage::Route::CloudEvents;
    events::record(store, &text, (max, false), bounds, now, route)
}

/// The body's events, at most `max`.
fn parse(body: &[u8], layout: Layout, max: usize) -> Result<Vec<Value>, Refused> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| Refused::Malformed(format!("the body is not JSON: {e}")))?;
    let items = match (layout, value) {
        (Layout::One | Layout::Either, Value::Object(o)) => vec![Value::Object(o)],
        (Layout::Batch | Layout::Either, Value::Array(a)) => a,
        (Layout::One, _) => {
            return Err(Refused::Malformed(
                "application/cloudevents+json carries one event, a JSON object".into(),
            ))
        }
        (_, _) => {
            return Err(Refused::Malformed(
                "application/cloudevents-batch+json carries a JSON array of events".into(),
            ))
        }
    };
    if items.len() > max {
        return Err(Refused::TooMany {
            count: items.len(),
            max,
        });
    }
    if items.is_empty() {
        return Err(Refused::Malformed("the body holds no event".into()));
    }
    Ok(items)
}

/// One CloudEvent as a line of `usage import`, or why it is not a valid one.
fn to_line(item: &Value, value_property: Option<&[String]>, now: i64) -> Result<Value, String> {
    let Value::Object(ev) = item else {
        return Err("an event is a JSON object".into());
    };
    let attr = |name: &str| -> Result<Option<&str>, String> {
        match ev.get(name) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.as_str())),
            Some(other) => Err(format!("{name}: must be a string, got {other}")),
        }
    };
    let required = |name: &str| -> Result<&str, String> {
        attr(name)?
            .filter(|s| !s.is_empty())
            .ok_or_else(|| format!("{name}: required (a non-empty string)"))
    };
    if required("specversion")? != "1.0" {
        return Err("specversion: must be \"1.0\"".into());
    }
    let (id, source, kind, subject) = (
        required("id")?,
        required("source")?,
        required("type")?,
        required("subject")?,
    );
    // The subject becomes the line's key or customer: checked here, so a refusal names it.
    crate::domain::usage::stored_text("subject", subject, crate::domain::usage::MAX_NAME)?;
    if let Some(ct) = attr("datacontenttype")? {
        if !ct.starts_with("application/json") {
            return Err(format!(
                "datacontenttype: {ct:?}; billctl reads JSON data only"
            ));
        }
    }
    let quantity = match value_property {
        None => json!(1),
        Some(path) => quantity_at(ev.get("data"), path)?,
    };
    let mut line = Map::new();
    line.insert("id".into(), json!(id));
    let who = if subject.starts_with("cus_") {
        "customer"
    } else {
        "key"
    };
    line.insert(who.into(), json!(subject));
    match attr("time")? {
        Some(t) => line.insert("timestamp".into(), json!(t)),
        None => line.insert("timestamp".into(), json!(now)),
    };
    line.insert("quantity".into(), quantity);
    line.insert("source".into(), json!(source));
    line.insert("type".into(), json!(kind));
    line.insert("meta".into(), json!({ "type": kind, "source": source }));
    Ok(Value::Object(line))
}

/// The quantity at `path` in an event's `data`: a whole number, or a string holding one (as
/// OpenMeter accepts).
fn quantity_at(data: Option<&Value>, path: &[String]) -> Result<Value, String> {
    let shown = format!("data.{}", path.join("."));
    let mut at = data.ok_or_else(|| format!("{shown}: required (the event has no data)"))?;
    for name in path {
        at = at
            .get(name)
            .ok_or_else(|| format!("{shown}: required ([usage] value_property)"))?;
    }
    match at {
        Value::Number(_) => Ok(at.clone()),
        Value::String(s) => s
            .trim()
            .parse::<i64>()
            .map(|n| json!(n))
            .map_err(|_| format!("{shown}: must be a whole number, got {s:?}")),
        other => Err(format!("{shown}: must be a whole number, got {other}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(extra: Value) -> Value {
        let mut e = json!({"specversion": "1.0", "id": "e1", "source": "api", "type": "request", "subject": "cus_1", "time": "2026-12-01T00:00:00Z"});
        for (k, v) in extra.as_object().unwrap() {
            e[k] = v.clone();
        }
        e
    }

    #[test]
    fn an_event_becomes_an_import_line() {
        let line = to_line(&ev(json!({})), None, 9).unwrap();
        assert_eq!(
            line,
            json!({"id": "e1", "customer": "cus_1", "timestamp": "2026-12-01T00:00:00Z", "quantity": 1, "source": "api", "type": "request", "meta": {"type": "request", "source": "api"}})
        );
        let path = vec!["usage".to_string(), "tokens".to_string()];
        let line = to_line(
            &ev(json!({"subject": "AbC", "data": {"usage": {"tokens": "12"}}})),
            Some(&path),
            9,
        )
        .unwrap();
        assert_eq!(
            (line["key"].clone(), line["quantity"].clone()),
            (json!("AbC"), json!(12))
        );
    }

    #[test]
    fn an_event_without_a_time_is_taken_at_receipt() {
        let mut e = ev(json!({}));
        e.as_object_mut().unwrap().remove("time");
        assert_eq!(
            to_line(&e, None, 1_800_000_000).unwrap()["timestamp"],
            1_800_000_000
        );
    }

    #[test]
    fn invalid_events_say_which_attribute() {
        let err = |e: Value, p: Option<&[String]>| to_line(&e, p, 9).unwrap_err();
        assert!(err(ev(json!({"specversion": "0.3"})), None).starts_with("specversion"));
        assert!(err(ev(json!({"subject": null})), None).starts_with("subject"));
        assert!(err(ev(json!({"id": ""})), None).starts_with("id"));
        assert!(err(ev(json!({"source": 5})), None).starts_with("source"));
        let p = vec!["tokens".to_string()];
        assert!(err(ev(json!({"data": {"t": 1}})), Some(&p)).starts_with("data.tokens"));
        assert!(err(ev(json!({"data": {"tokens": "x"}})), Some(&p)).contains("whole number"));
        assert!(
            err(ev(json!({"datacontenttype": "text/plain"})), None).starts_with("datacontenttype")
        );
        assert_eq!(Layout::of(Some("text/plain")), None);
        assert_eq!(
            Layout::of(Some("application/cloudevents-batch+json; charset=utf-8")),
            Some(Layout::Batch)
        );
    }
}

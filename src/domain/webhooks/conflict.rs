//! One event id with two bodies: what counts as the same body, and which copy is the stored
//! event. Every path that stores events (listen, ingest, backfill) goes through [`decide`].
//!
//! The same body: byte-identical, or the same JSON value once `pending_webhooks` is left out.
//! Stripe re-sends the same bytes on a retry, but the copy `GET /v1/events` lists is serialized
//! afresh (other whitespace, other key order) and its `pending_webhooks` counts down as
//! endpoints acknowledge it (<https://docs.stripe.com/api/events/object>); neither is another
//! body. Anything else (another type, another object, another amount) is a conflict.

use sha2::Digest;

/// Where a body came from, by trust: Stripe's API (backfill) over a signed delivery (listen)
/// over a file nobody verified (ingest, and anything else).
pub fn rank(source: &str) -> u8 {
    match source {
        "backfill" => 2,
        "listen" => 1,
        _ => 0,
    }
}

/// What to do with a body that arrives for an id already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The same body: a plain duplicate (a retry), counted.
    Same,
    /// Another body, which does not outrank the stored one: kept apart, the stored event stays.
    KeepApart,
    /// Another body that outranks the stored one (Stripe's own copy from backfill, or a signed
    /// delivery over an unverified ingest): it becomes the stored event and is applied, and the
    /// stored body is kept apart.
    Replace,
}

/// The rule, for every storing path: `stored` is what the store has under the id (its source
/// and body), `incoming` what just arrived.
pub fn decide(stored: (&str, &[u8]), incoming: (&str, &[u8])) -> Verdict {
    if same_body(stored.1, incoming.1) {
        return Verdict::Same;
    }
    let (theirs, ours) = (rank(incoming.0), rank(stored.0));
    // Backfill reads Stripe's copy now: it wins even over an earlier backfill's.
    if theirs > ours || (incoming.0 == "backfill" && ours == rank("backfill")) {
        Verdict::Replace
    } else {
        Verdict::KeepApart
    }
}

/// Whether two bodies are the same event body (see the module's note).
pub fn same_body(a: &[u8], b: &[u8]) -> bool {
    if a == b {
        return true;
    }
    match (comparable(a), comparable(b)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

/// Why two bodies differ, as a fixed word (a metrics label): `type` when they name other
/// event types, else `body`.
pub fn reason(stored_kind: &str, incoming_kind: &str) -> &'static str {
    if stored_kind == incoming_kind {
        "body"
    } else {
        "type"
    }
}

/// The sha256 (hex) of a body's canonical form (sorted keys, no `pending_webhooks`, no
/// whitespace), so that the same body sent again is known as such; the raw bytes' digest for a
/// body that is not JSON.
pub fn digest(body: &[u8]) -> String {
    let bytes = comparable(body)
        .and_then(|v| serde_json::to_vec(&sorted(&v)).ok())
        .unwrap_or_else(|| body.to_vec());
    hex::encode(sha2::Sha256::digest(&bytes))
}

/// The body as a JSON value without the field that changes between copies of one event.
fn comparable(body: &[u8]) -> Option<serde_json::Value> {
    let mut v: serde_json::Value = serde_json::from_slice(body).ok()?;
    if let Some(o) = v.as_object_mut() {
        o.remove("pending_webhooks");
    }
    Some(v)
}

/// `v` with every object's keys in order (serde_json keeps insertion order here).
fn sorted(v: &serde_json::Value) -> serde_json::Value {
    match v {
        serde_json::Value::Object(o) => {
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            let map = keys
                .into_iter()
                .map(|k| (k.clone(), sorted(&o[k])))
                .collect();
            serde_json::Value::Object(map)
        }
        serde_json::Value::Array(a) => serde_json::Value::Array(a.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAID: &[u8] = br#"{"id":"evt_1","type":"invoice.paid","created":5,"pending_webhooks":1,"data":{"object":{"id":"in_1","amount_paid":1000}}}"#;

    #[test]
    fn a_reserialized_copy_is_the_same_body_and_another_amount_is_not() {
        let listed =
            br#"{ "data": {"object": {"amount_paid": 1000, "id": "in_1"}}, "pending_webhooks": 0,
            "created": 5, "type": "invoice.paid", "id": "evt_1" }"#;
        assert!(same_body(PAID, listed));
        assert_eq!(digest(PAID), digest(listed));
        let other = br#"{"id":"evt_1","type":"invoice.paid","created":5,"data":{"object":{"id":"in_1","amount_paid":999}}}"#;
        assert!(!same_body(PAID, other));
        assert_ne!(digest(PAID), digest(other));
        assert!(!same_body(b"not json", b"not json "));
        assert!(same_body(b"not json", b"not json"));
    }

    #[test]
    fn stripe_s_copy_wins_a_signed_one_beats_an_unverified_one_and_else_the_first_stays() {
        let fake = br#"{"id":"evt_1","type":"invoice.payment_failed","created":5,"data":{"object":{"id":"in_1"}}}"#;
        let cases = [
            (
                ("ingest", fake as &[u8]),
                ("backfill", PAID),
                Verdict::Replace,
            ),
            (("listen", fake), ("backfill", PAID), Verdict::Replace),
            (("backfill", fake), ("backfill", PAID), Verdict::Replace),
            (("ingest", fake), ("listen", PAID), Verdict::Replace),
            (("listen", fake), ("listen", PAID), Verdict::KeepApart),
            (("backfill", fake), ("listen", PAID), Verdict::KeepApart),
            (("listen", fake), ("ingest", PAID), Verdict::KeepApart),
            (("ingest", fake), ("ingest", PAID), Verdict::KeepApart),
            (("ingest", PAID), ("backfill", PAID), Verdict::Same),
        ];
        for (stored, incoming, want) in cases {
            assert_eq!(
                decide(stored, incoming),
                want,
                "{stored:?} then {incoming:?}"
            );
        }
        assert_eq!(reason("invoice.paid", "invoice.payment_failed"), "type");
        assert_eq!(reason("invoice.paid", "invoice.paid"), "body");
    }
}

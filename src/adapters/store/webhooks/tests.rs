//! The webhook store's tests.

use super::*;

#[test]
fn envelopes_name_what_is_missing() {
    let ok = br#"{"id":"evt_1","object":"event","type":"invoice.paid","created":5,"livemode":false,"data":{"object":{"id":"in_1"}}}"#;
    let e = Envelope::parse(ok).unwrap();
    assert_eq!(
        (
            e.id.as_str(),
            e.kind.as_str(),
            e.created,
            e.object_id.as_deref()
        ),
        ("evt_1", "invoice.paid", 5, Some("in_1"))
    );
    assert!(Envelope::parse(b"{")
        .unwrap_err()
        .starts_with("malformed JSON"));
    assert_eq!(
        Envelope::parse(br#"{"object":"customer","id":"cus_1"}"#).unwrap_err(),
        "not an event: object is \"customer\""
    );
    assert_eq!(
        Envelope::parse(br#"{"type":"x","created":1,"data":{"object":{}}}"#).unwrap_err(),
        "not an event: no id"
    );
}

#[test]
fn storing_twice_keeps_one_row_and_counts_the_repeat() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = EventStore::open(dir.path()).unwrap();
    let body = br#"{"id":"evt_1","object":"event","type":"invoice.paid","created":5,"data":{"object":{"id":"in_1"}}}"#.to_vec();
    let inc = Incoming {
        envelope: Envelope::parse(&body).unwrap(),
        body,
        source: "ingest",
    };
    let receipt = |outcome| Receipt {
        received_at_ms: 1,
        event_id: Some("evt_1".into()),
        http_status: 200,
        outcome,
        reason: None,
        headers: "{}".into(),
        body: None,
    };
    // Two deliveries of a new event in one group: the first stored, the second a duplicate.
    let mut receipts = vec![receipt("stored"), receipt("stored"), receipt("rejected")];
    assert_eq!(
        s.store(&[inc.clone(), inc.clone()], &mut receipts).unwrap(),
        vec![Fate::New, Fate::Duplicate]
    );
    let outcomes: Vec<&str> = receipts.iter().map(|r| r.outcome).collect();
    assert_eq!(outcomes, ["stored", "duplicate", "rejected"]);
    assert_eq!(s.store(&[inc], &mut []).unwrap(), vec![Fate::Duplicate]);
    let rows = s.events(&Filter::default(), None).unwrap();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].received, rows[0].status.as_str()), (3, "pending"));
}

fn incoming(body: &str, source: &'static str) -> Incoming {
    Incoming {
        envelope: Envelope::parse(body.as_bytes()).unwrap(),
        body: body.as_bytes().to_vec(),
        source,
    }
}

fn clash(replaced: bool, stored_type: &str) -> Fate {
    Fate::Conflict(Clash {
        reason: "type",
        replaced,
        stored_type: stored_type.into(),
        stored_source: "ingest".into(),
    })
}

const FAKE: &str = r#"{"id":"evt_1","object":"event","type":"invoice.payment_failed","created":5,"data":{"object":{"id":"in_1"}}}"#;
const PAID: &str = r#"{"id":"evt_1","object":"event","type":"invoice.paid","created":5,"data":{"object":{"id":"in_1"}}}"#;
const LISTED: &str = r#"{ "pending_webhooks": 0, "data": {"object": {"id": "in_1"}}, "created": 5, "type": "invoice.paid", "object": "event", "id": "evt_1" }"#;

/// One id, two bodies: the second is kept apart (once, however often it comes), and the
/// stored event stays as it was.
#[test]
fn another_body_is_kept_apart_once_and_the_stored_event_stays() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = EventStore::open(dir.path()).unwrap();
    assert_eq!(
        s.store(&[incoming(FAKE, "ingest")], &mut []).unwrap(),
        [Fate::New]
    );
    s.set_outcomes(&[("evt_1".into(), Outcome::Applied("x".into()))])
        .unwrap();
    for _ in 0..2 {
        let fates = s.store(&[incoming(PAID, "ingest")], &mut []).unwrap();
        assert_eq!(fates, [clash(false, "invoice.payment_failed")]);
    }
    let (row, body) = s.event("evt_1").unwrap().unwrap();
    let got = (row.kind.as_str(), row.status.as_str(), row.received);
    assert_eq!(got, ("invoice.payment_failed", "applied", 1));
    assert_eq!(body, FAKE.as_bytes());
    let apart = s.conflicts(&Filter::default(), None).unwrap();
    assert_eq!(
        apart.len(),
        1,
        "the same body again is counted, not kept twice"
    );
    let c = &apart[0];
    let got = (
        c.kind.as_str(),
        c.source.as_str(),
        c.received,
        c.resolution.as_str(),
    );
    assert_eq!(got, ("invoice.paid", "ingest", 2, "kept_apart"));
    assert_eq!(c.stored_type, "invoice.payment_failed");
}

/// Stripe's copy from backfill replaces the stored body, which is kept apart in turn, and
/// the event is pending again; Stripe's copy again (re-serialized, or a retry) is a
/// duplicate.
#[test]
fn stripes_copy_replaces_and_is_then_a_duplicate() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = EventStore::open(dir.path()).unwrap();
    s.store(&[incoming(FAKE, "ingest")], &mut []).unwrap();
    let fates = s.store(&[incoming(LISTED, "backfill")], &mut []).unwrap();
    assert_eq!(fates, [clash(true, "invoice.payment_failed")]);
    assert!(fates[0].to_apply());
    let (row, body) = s.event("evt_1").unwrap().unwrap();
    let got = (row.kind.as_str(), row.source.as_str(), row.status.as_str());
    assert_eq!(got, ("invoice.paid", "backfill", "pending"));
    assert_eq!(body, LISTED.as_bytes());
    let apart = s.conflicts(&Filter::default(), None).unwrap();
    assert_eq!(apart.len(), 1);
    let c = &apart[0];
    let got = (c.kind.as_str(), c.source.as_str(), c.found_by.as_str());
    assert_eq!(got, ("invoice.payment_failed", "ingest", "backfill"));
    assert_eq!(c.resolution, "replaced");
    let kept = s.conflict_body("evt_1", &c.digest).unwrap().unwrap();
    assert_eq!(kept, FAKE.as_bytes());
    let again = [incoming(PAID, "listen"), incoming(LISTED, "backfill")];
    let mut receipts: Vec<Receipt> = (0..2)
        .map(|_| Receipt {
            received_at_ms: 1,
            event_id: Some("evt_1".into()),
            http_status: 200,
            outcome: "stored",
            reason: None,
            headers: "{}".into(),
            body: None,
        })
        .collect();
    let fates = s.store(&again, &mut receipts).unwrap();
    assert_eq!(fates, [Fate::Duplicate, Fate::Duplicate]);
    assert!(receipts.iter().all(|r| r.outcome == "duplicate"));
    assert_eq!(s.conflicts(&Filter::default(), None).unwrap().len(), 1);
}

/// `--limit` is applied by SQLite and a listing reads no bodies, even where old receipts
/// kept them.
#[test]
fn rejected_listing_is_limited_in_sql_and_reads_no_body() {
    let dir = tempfile::tempdir().unwrap();
    let mut s = EventStore::open(dir.path()).unwrap();
    let mut receipts: Vec<Receipt> = (0..20)
        .map(|i| Receipt {
            received_at_ms: 1_000 + i,
            event_id: None,
            http_status: 400,
            outcome: "rejected",
            reason: Some(format!("r{i}")),
            headers: "{}".into(),
            body: Some(vec![b'x'; 64 * 1024]),
        })
        .collect();
    s.store(&[], &mut receipts).unwrap();
    let rows = s.rejected(None, None, Some(3)).unwrap();
    let reasons: Vec<_> = rows.iter().map(|r| r.reason.as_deref().unwrap()).collect();
    assert_eq!(reasons, ["r0", "r1", "r2"]);
    assert!(rows.iter().all(|r| r.body.is_none()));
    assert_eq!(s.rejected(None, None, None).unwrap().len(), 20);
}

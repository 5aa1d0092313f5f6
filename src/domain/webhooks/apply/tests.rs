//! The tests of what events change: statuses, payments, order, catalog objects.

use super::*;

fn row(status: &str, tier: &str) -> MirrorRow {
    MirrorRow {
        id: "sub_1".into(),
        customer_id: "cus_1".into(),
        status: status.into(),
        tier: tier.into(),
        price_id: format!("price_{tier}"),
        item_id: "si_1".into(),
        current_period_start: 1_000,
        current_period_end: 2_000,
        cancel_at_period_end: false,
        cancel_at: None,
        canceled_at: None,
        ended_at: None,
        created: 1_000,
        quantity: 1,
    }
}

fn held(status: &str, as_of: i64, payment_at: Option<i64>) -> Held {
    Held {
        row: row(status, "pro"),
        as_of,
        payment_at,
        unpaid_invoice: None,
    }
}

/// What each rule of `Rule::check` does to an event's row against the mirror, one row of
/// the table per case: (kind, event status, event tier, event at, mirror status, mirror
/// as-of, payment clock) -> `go` (the status written), `skip` or `refetch`.
#[test]
fn subscription_events_follow_the_objects_state_then_the_clocks() {
    type Case = (
        &'static str,
        &'static str,
        &'static str,
        i64,
        &'static str,
        i64,
        Option<i64>,
        &'static str,
    );
    #[rustfmt::skip]
    let cases: &[Case] = &[
        ("updated", "past_due", "pro", 101, "active", 100, None, "go past_due"),
        ("updated", "past_due", "pro", 99, "active", 100, None, "skip"),
        ("created", "active", "team", 100, "active", 100, None, "skip"),
        // A tie with the object that differs: only Stripe knows which is newer.
        ("updated", "past_due", "pro", 100, "active", 100, None, "refetch"),
        ("updated", "active", "team", 100, "active", 100, None, "refetch"),
        // A tie that changes nothing is written (it only moves the clock).
        ("updated", "active", "pro", 100, "active", 100, None, "go active"),
        // Invoice events move the clock: an older update brings its fields, not status.
        ("updated", "past_due", "team", 105, "active", 100, Some(110), "go active"),
        ("updated", "past_due", "team", 110, "active", 100, Some(110), "refetch"),
        ("updated", "active", "team", 111, "active", 100, Some(110), "go active"),
        // Ended is final; incomplete is first.
        ("deleted", "canceled", "pro", 101, "active", 100, None, "go canceled"),
        ("deleted", "canceled", "pro", 50, "active", 100, None, "refetch"),
        ("deleted", "canceled", "pro", 100, "active", 100, None, "refetch"),
        ("deleted", "canceled", "pro", 99, "canceled", 100, None, "skip"),
        ("updated", "active", "pro", 200, "canceled", 100, None, "skip"),
        ("deleted", "canceled", "pro", 101, "canceled", 100, None, "go canceled"),
        ("updated", "incomplete", "pro", 200, "active", 100, None, "skip"),
    ];
    for (kind, st, tier, at, m, as_of, paid_at, want) in cases {
        let rule = Rule::Event {
            kind: kind.to_string(),
        };
        let got = match rule.check(&row(st, tier), *at, Some(&held(m, *as_of, *paid_at))) {
            Verdict::Go((r, _)) => format!("go {}", r.status),
            Verdict::Skip(_) => "skip".into(),
            Verdict::Refetch(_) => "refetch".into(),
        };
        assert_eq!(
            &got, want,
            "{kind} {st} at {at} over {m} as of {as_of}, paid {paid_at:?}"
        );
    }
    let merged = Rule::Event {
        kind: "updated".into(),
    }
    .check(
        &row("past_due", "team"),
        105,
        Some(&held("active", 100, Some(110))),
    );
    assert_eq!(merged, Verdict::Go((row("active", "team"), 105)));
    assert_eq!(
        Rule::Refetched.check(
            &row("active", "pro"),
            1,
            Some(&held("canceled", 100, Some(120)))
        ),
        Verdict::Go((row("active", "pro"), 120)),
        "a refetch is as of no earlier than anything the mirror knew"
    );
}

/// `Payment::decide`, one row per case: (paid?, invoice, event at, mirror status, as-of,
/// payment clock, the failing invoice, the invoice's known final) -> the verdict.
#[test]
fn invoice_events_treat_paid_and_void_as_final() {
    type Case<'a> = (
        bool,
        &'a str,
        i64,
        &'a str,
        i64,
        Option<i64>,
        Option<&'a str>,
        Option<&'a str>,
        &'a str,
    );
    #[rustfmt::skip]
    let cases: &[Case] = &[
        (false, "in_1", 100, "active", 100, Some(100), None, Some("paid"), "skip"),
        (false, "in_1", 101, "active", 100, None, None, None, "go past_due"),
        (false, "in_1", 100, "active", 100, None, None, None, "refetch"),
        (false, "in_1", 100, "past_due", 100, None, None, None, "go stays"),
        (true, "in_1", 100, "past_due", 100, None, Some("in_1"), None, "go active"),
        (true, "in_2", 101, "past_due", 100, None, Some("in_1"), None, "refetch"),
        (true, "in_1", 99, "past_due", 100, None, None, None, "skip"),
        (false, "in_1", 105, "active", 90, Some(110), None, None, "skip"),
        // past_due or unpaid without the failing invoice known (the subscription's own
        // event, or a sync, said so): a paid invoice cannot say it was that one.
        (true, "in_2", 101, "past_due", 100, None, None, None, "refetch"),
        (true, "in_2", 101, "unpaid", 100, None, None, None, "refetch"),
        (true, "in_1", 101, "incomplete", 100, None, None, None, "go active"),
    ];
    for (paid, inv, at, status, as_of, paid_at, unpaid, known, want) in cases {
        let p = Payment {
            invoice: inv.to_string(),
            kind: if *paid {
                "invoice.paid"
            } else {
                "invoice.payment_failed"
            }
            .into(),
            at: *at,
            paid: *paid,
            invoice_paid: *paid,
            invoice_void: false,
            attempts: 1,
            next_attempt: None,
        };
        let mut h = held(status, *as_of, *paid_at);
        h.unpaid_invoice = unpaid.map(String::from);
        let got = match p.decide("sub_1", &h, *known) {
            Verdict::Go(Ok(to)) => format!("go {to}"),
            Verdict::Go(Err(_)) => "go stays".into(),
            Verdict::Skip(_) => "skip".into(),
            Verdict::Refetch(_) => "refetch".into(),
        };
        assert_eq!(&got, want, "paid {paid} {inv} at {at} over {status}");
    }
}

#[test]
fn payments_move_statuses_as_stripe_does() {
    let mut p = Payment {
        invoice: "in_1".into(),
        kind: "invoice.payment_failed".into(),
        at: 1,
        paid: false,
        invoice_paid: false,
        invoice_void: false,
        attempts: 1,
        next_attempt: None,
    };
    assert_eq!(p.transition("sub_1", "active"), Ok("past_due".into()));
    assert_eq!(p.transition("sub_1", "trialing"), Ok("past_due".into()));
    assert_eq!(
        p.transition("sub_1", "unpaid"),
        Err("sub_1 stays unpaid".into())
    );
    p.paid = true;
    for s in ["past_due", "unpaid", "incomplete"] {
        assert_eq!(p.transition("sub_1", s), Ok("active".into()));
    }
    assert_eq!(
        p.transition("sub_1", "active"),
        Err("sub_1 stays active".into())
    );
}

#[test]
fn one_part_is_the_events_outcome_and_several_are_applied_together() {
    let one = joined(vec![Outcome::Ignored("why".into())]);
    assert_eq!(one, Outcome::Ignored("why".into()));
    let two = joined(vec![
        Outcome::Applied("customer cus_1 added".into()),
        Outcome::Ignored("subscription sub_1 already linked".into()),
    ]);
    assert_eq!(
        two,
        Outcome::Applied("customer cus_1 added; subscription sub_1 already linked".into())
    );
}

/// Which catalog events are of billctl's catalog: a row per way an object belongs (and
/// the objects of another product line that do not).
#[test]
fn only_objects_of_billctls_catalog_are_catalog_objects() {
    let config = crate::domain::config::parse(crate::domain::config::DEFAULT_CONFIG, "d").unwrap();
    let mirror = vec![crate::domain::billing::CatalogRow {
        tier: "team".into(),
        product_id: "prod_adopted".into(),
        name: "Team".into(),
        quota: None,
        rate_limit_per_minute: 1,
        state_hash: String::new(),
        prices: vec![],
    }];
    let tiers = TierMap::new(&config, &mirror);
    let rows: &[(&str, Value, bool)] = &[
        (
            "product.updated",
            serde_json::json!({"id": "billctl_pro"}),
            true,
        ),
        (
            "product.deleted",
            serde_json::json!({"id": "prod_adopted"}),
            true,
        ),
        (
            "product.created",
            serde_json::json!({"id": "prod_x", "metadata": {"billctl_tier": "gold"}}),
            true,
        ),
        (
            "product.created",
            serde_json::json!({"id": "merch_tshirt", "metadata": {}}),
            false,
        ),
        (
            "price.updated",
            serde_json::json!({"id": "price_1", "lookup_key": "pro_monthly", "product": "prod_y"}),
            true,
        ),
        (
            "price.created",
            serde_json::json!({"id": "price_2", "product": "billctl_team"}),
            true,
        ),
        (
            "price.updated",
            serde_json::json!({"id": "price_3", "product": {"id": "prod_adopted"}}),
            true,
        ),
        (
            "price.created",
            serde_json::json!({"id": "price_4", "product": "merch_tshirt", "metadata": {"billctl_tier": "pro"}}),
            true,
        ),
        (
            "price.created",
            serde_json::json!({"id": "price_5", "product": "merch_tshirt", "lookup_key": "tshirt"}),
            false,
        ),
        ("price.deleted", serde_json::json!({"id": "price_6"}), false),
    ];
    for (kind, object, want) in rows {
        assert_eq!(of_catalog(&tiers, kind, object), *want, "{kind} {object}");
    }
}

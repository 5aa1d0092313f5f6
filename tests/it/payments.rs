//! Payments in billctl against the simulator: API access only for subscriptions that are
//! paid for, payment methods, honest subscription outcomes, invoices, the portal, customer
//! updates, and webhook events of another API version.
//!
//! Against real Stripe (BILLCTL_TEST_STRIPE_KEY): skipped, as it moves the simulator's clock and changes its settings.

use crate::common;

use common::Env;
use serde_json::{json, Value};

const DAY: i64 = 86_400;

fn verify(env: &Env, key: &str) -> (i32, Value) {
    let r = env.cmd_stdin("keys verify --json", &format!("{key}\n"));
    (r.code, r.json())
}

/// Applies what Stripe (the simulator) emitted since `since`, as `webhooks backfill` does.
fn backfill(env: &Env, since: i64) -> Value {
    env.json(format!("webhooks backfill --since {since}"))
}

/// `subscriptions show SUB --json` and its table (issue 42: they showed neither access nor
/// dunning state). The JSON's verdict is `subscriptions list`'s for the same subscription,
/// field for field: one decision, read the same way. Returns the JSON and the table.
fn sub_shown(env: &Env, sub: &str) -> (Value, String) {
    let json = env.json(format!("subscriptions show {sub}"));
    let listed = env.json("subscriptions list");
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == sub)
        .unwrap_or_else(|| panic!("{sub} in {listed}"));
    for field in ["access", "grace_until", "payment", "default_payment_method"] {
        assert!(json.get(field).is_some(), "show has {field}: {json}");
        assert_eq!(json[field], row[field], "{field}: show and list agree");
    }
    let table = env.cmd(format!("subscriptions show {sub}")).ok().stdout;
    (json, table)
}

#[test]
fn access_follows_payment_from_incomplete_to_paid() {
    let env = Env::with_catalog();
    let t0 = env.sim.now();
    env.set_now(t0);
    let cus = env.customer_without_card("nocard@example.com");
    // No card: Stripe leaves the subscription incomplete; billctl says so and exits 1.
    let sub = env.sub(&cus, "pro").arg("--json").run().code(1).json();
    assert_eq!(sub["status"], "incomplete");
    assert_eq!(sub["invoice"]["payment_problem"], "no payment method");
    let url = sub["invoice"]["hosted_invoice_url"].as_str().unwrap();
    assert!(url.starts_with("https://"));
    let human = env.cmd("subscriptions list --status incomplete").ok();
    assert!(human.stdout.contains(sub["id"].as_str().unwrap()));
    // Shown: no access, and no card to charge.
    let (v, table) = sub_shown(&env, sub["id"].as_str().unwrap());
    assert_eq!(
        (v["access"].as_str(), v["default_payment_method"].is_null()),
        (Some("payment_required"), true),
        "{v}"
    );
    assert!(
        table.contains("access:   payment_required")
            && table.contains("card:     none (no default payment method)"),
        "{table}"
    );
    // The key is refused: PAYMENT_REQUIRED names the status.
    let key = env.key(&cus);
    let (code, v) = verify(&env, &key);
    assert_eq!((code, v["code"].as_str()), (1, Some("PAYMENT_REQUIRED")));
    assert!(v["reason"].as_str().unwrap().contains("incomplete"), "{v}");
    // A card, then the open invoice paid: invoice.paid applied; the key is valid.
    let pm = env.json(format!("payment-methods attach --customer {cus} pm_card_visa --default"));
    assert_eq!(
        (pm["brand"].as_str(), pm["last4"].as_str(), pm["default"].as_bool()),
        (Some("visa"), Some("4242"), Some(true))
    );
    let inv = sub["latest_invoice_id"].as_str().unwrap();
    env.cmd(format!("invoices pay {inv}")).code(2); // not confirmed without --yes off a terminal
    let paid = env.json(format!("invoices pay {inv} --yes"));
    assert_eq!(paid["status"], "paid");
    let applied = backfill(&env, t0 - 60);
    assert_eq!(applied["failed"], 0, "{applied}");
    let (code, v) = verify(&env, &key);
    assert_eq!((code, v["code"].as_str()), (0, Some("VALID")), "{v}");
    let shown = env.json(format!("customers show {cus}"));
    assert_eq!(shown["access"], "granted");
    assert_eq!(shown["default_payment_method"]["last4"], "4242");
    assert!(shown["open_invoices"].as_array().unwrap().is_empty());
}

#[test]
fn a_declined_renewal_keeps_access_for_the_grace_then_refuses_it() {
    let env = Env::with_catalog();
    let cus = env.subscribed("renew@example.com", "pro");
    let key = env.key(&cus);
    let sub = env.store().current_subscription(&cus).unwrap().unwrap().row;
    // Paid for: access granted, no dunning.
    let (v, table) = sub_shown(&env, &sub.id);
    assert_eq!(
        (v["access"].as_str(), v["payment"]["failed_attempts"].as_i64()),
        (Some("granted"), Some(0)),
        "{v}"
    );
    assert!(table.contains("access:   granted") && table.contains("dunning:  none"), "{table}");
    // The card starts failing; the renewal is declined.
    env.sim.add_card(&cus, "pm_card_chargeCustomerFail").unwrap();
    let t0 = env.sim.now();
    env.sim.advance_clock(sub.current_period_end - t0 + 3600).unwrap();
    let now = env.sim.now();
    env.set_now(now);
    let applied = backfill(&env, t0);
    assert_eq!(applied["failed"], 0, "{applied}");
    let m = env.store().current_subscription(&cus).unwrap().unwrap();
    assert_eq!(m.row.status, "past_due");
    assert_eq!(m.payment.failed_attempts, 1);
    assert!(m.payment.next_attempt.is_some());
    // Within the 7-day grace: still valid; the standing says grace.
    let (code, v) = verify(&env, &key);
    assert_eq!((code, v["code"].as_str()), (0, Some("VALID")), "{v}");
    let shown = env.json(format!("customers show {cus}"));
    assert_eq!(shown["access"], "grace");
    let listed = env.json("subscriptions list --status past_due,unpaid");
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let l = &listed[0];
    assert_eq!(
        (l["access"].as_str(), l["payment"]["failed_attempts"].as_i64()),
        (Some("grace"), Some(1))
    );
    assert_eq!(l["default_payment_method"]["last4"], "0341", "the card that fails");
    assert!(l["payment"]["next_attempt"].is_i64());
    let human = env.cmd("subscriptions list --status past_due").ok();
    assert!(human.stdout.contains("1 failed attempt,"), "{}", human.stdout);
    // Shown: the grace and its end, the failed attempt and the next retry, the failing card.
    let (v, table) = sub_shown(&env, &sub.id);
    let last4 = v["default_payment_method"]["last4"].as_str();
    assert_eq!(
        (v["access"].as_str(), v["payment"]["failed_attempts"].as_i64(), last4),
        (Some("grace"), Some(1), Some("0341")),
        "{v}"
    );
    let grace_end = billctl::domain::time::utc_datetime(v["grace_until"].as_i64().unwrap());
    assert!(
        table.contains(&format!("access:   grace (past_due grace until {grace_end})"))
            && table.contains("dunning:  1 failed attempt since")
            && table.contains("…0341"),
        "{table}"
    );
    // After the grace (counted from the failed payment): refused.
    let failed_at = m.payment.failed_at.unwrap();
    env.set_now(failed_at + 7 * DAY);
    let (v, _) = sub_shown(&env, &sub.id);
    assert_eq!(v["access"], "payment_required", "{v}");
    let (code, v) = verify(&env, &key);
    assert_eq!((code, v["code"].as_str()), (1, Some("PAYMENT_REQUIRED")), "{v}");
    assert!(v["reason"].as_str().unwrap().contains("grace"), "{v}");
    // Every retry fails; with "unpaid" as the Dashboard's last step the mirror says unpaid.
    env.sim.set_settings(stripe_sim::state::Settings {
        after_all_retries_fail: "unpaid".into(),
        ..Default::default()
    });
    env.sim.advance_clock(16 * DAY).unwrap();
    env.set_now(env.sim.now());
    let applied = backfill(&env, now - 60);
    assert_eq!(applied["failed"], 0, "{applied}");
    assert_eq!(env.store().current_subscription(&cus).unwrap().unwrap().row.status, "unpaid");
    let (code, v) = verify(&env, &key);
    assert_eq!((code, v["code"].as_str()), (1, Some("PAYMENT_REQUIRED")));
    assert!(v["reason"].as_str().unwrap().contains("unpaid"), "{v}");
    let report = env.json(format!("usage report --customer {cus}"));
    assert_eq!(report[0]["access"], "payment_required");
}

#[test]
fn subscription_terms_trials_invoices_and_refusals() {
    let env = Env::with_catalog();
    // A trial: trialing, the end stated.
    let cus = env.customer_without_card("trial@example.com");
    let r = env.sub(&cus, "pro").trial(14).run().ok();
    assert!(r.stderr.contains("Trial until"), "{}", r.stderr);
    let m = env.store().current_subscription(&cus).unwrap().unwrap();
    assert_eq!(m.row.status, "trialing");
    let key = env.key(&cus);
    assert_eq!(verify(&env, &key).0, 0, "a trial grants access");
    // send_invoice: active with an open invoice to send.
    let cus = env.customer_without_card("invoice@example.com");
    let sub = env.sub(&cus, "team").arg("--collection invoice --days-until-due 14").json();
    assert_eq!(sub["status"], "active");
    let open = env.json(format!("invoices list --customer {cus} --status open"));
    let inv = open[0]["id"].as_str().unwrap();
    assert!(open[0]["due_date"].is_i64());
    env.cmd(format!("invoices send {inv}")).ok();
    let shown = env.json(format!("invoices show {inv}"));
    assert_eq!(shown["status"], "open");
    env.cmd(format!("invoices void {inv} --yes")).ok();
    assert_eq!(env.json(format!("invoices show {inv}"))["status"], "void");
    // error-if-incomplete with a card that fails: Stripe's card error, nothing created.
    let cus = env.customer_without_card("declined@example.com");
    env.sim.add_card(&cus, "pm_card_chargeCustomerFail").unwrap();
    let r = env.sub(&cus, "pro").arg("--payment-behavior error-if-incomplete").run().code(2);
    assert!(r.stderr.contains("declined"), "{}", r.stderr);
    assert!(env.store().current_subscription(&cus).unwrap().is_none());
    // allow-incomplete with that card: incomplete, the decline named.
    let v = env.sub(&cus, "pro").arg("--json").run().code(1).json();
    assert!(v["invoice"]["payment_problem"].as_str().unwrap().starts_with("declined"), "{v}");
    // The human message is one sentence: "declined: Your card was declined." and no "..".
    let human = env.sub(&cus, "pro").run();
    assert!(!human.stderr.contains(".."), "{}", human.stderr);
}

#[test]
fn payment_methods_customer_updates_and_the_portal() {
    let env = Env::with_catalog();
    let cus = env.customer_without_card("pm@example.com");
    let r = env.cmd(format!("payment-methods attach --customer {cus} 4242424242424242")).code(2);
    assert!(r.stderr.contains("never takes card numbers"), "{}", r.stderr);
    let r =
        env.cmd(format!("payment-methods attach --customer {cus} pm_card_chargeDeclined")).code(2);
    assert!(r.stderr.contains("declined"), "{}", r.stderr);
    let mc = env.json(format!("payment-methods attach --customer {cus} pm_card_mastercard"));
    let visa = env.json(format!("payment-methods attach --customer {cus} pm_card_visa"));
    let id = visa["id"].as_str().unwrap();
    let listed = env.json(format!("payment-methods default --customer {cus} {id}"));
    let defaults: Vec<&Value> =
        listed.as_array().unwrap().iter().filter(|m| m["default"] == true).collect();
    assert_eq!(defaults.len(), 1);
    assert_eq!(defaults[0]["id"], id);
    env.cmd(format!("payment-methods detach {}", mc["id"].as_str().unwrap())).code(2);
    env.cmd(format!("payment-methods detach {} --yes", mc["id"].as_str().unwrap())).ok();
    let listed = env.json(format!("payment-methods list --customer {cus}"));
    assert_eq!(listed.as_array().unwrap().len(), 1);
    // Customer updates reach Stripe and the mirror.
    env.cmd(format!("customers update {cus} --name Ada --metadata plan=gold --yes")).ok();
    let stripe_side = env.sim.state().customers[cus.as_str()].clone();
    assert_eq!(
        (stripe_side["name"].as_str(), stripe_side["metadata"]["plan"].as_str()),
        (Some("Ada"), Some("gold"))
    );
    env.cmd(format!("customers update {cus} --unset-metadata plan")).ok();
    assert!(env.sim.state().customers[cus.as_str()]["metadata"].get("plan").is_none());
    env.cmd(format!("customers update {cus}")).code(2);
    // The portal link.
    let portal = env
        .json(format!("portal create --customer {cus} --return-url https://example.com/account"));
    assert!(portal["url"].as_str().unwrap().starts_with("https://billing.stripe.com/"));
    let audit = env.json("audit list");
    let actions: Vec<&str> =
        audit.as_array().unwrap().iter().filter_map(|a| a["action"].as_str()).collect();
    for want in [
        "payment_method.attach",
        "payment_method.default",
        "payment_method.detach",
        "customer.update",
    ] {
        assert!(actions.contains(&want), "{want} in {actions:?}");
    }
}

/// A subscription event as an endpoint pinned to an older API version gets it: the period on
/// the subscription, not on its items.
fn old_version_event(sub: &Value, status: &str, created: i64) -> String {
    let mut object = sub.clone();
    let first = object["items"]["data"][0].clone();
    object["current_period_start"] = first["current_period_start"].clone();
    object["current_period_end"] = first["current_period_end"].clone();
    object["status"] = json!(status);
    json!({
        "id": "evt_old_version", "object": "event", "type": "customer.subscription.updated",
        "created": created, "livemode": false, "api_version": "2024-06-20",
        "data": {"object": object}
    })
    .to_string()
}

#[test]
fn events_of_another_api_version_fail_or_are_refetched() {
    let env = Env::with_catalog();
    let cus = env.subscribed("version@example.com", "pro");
    let sub = env.sim_subscription(&cus);
    let event = old_version_event(&sub, "past_due", common::now() + 100);
    let r = env.cmd_stdin("webhooks ingest - --json", &event).code(1);
    assert_eq!(r.json()["failed"], 1);
    let shown = env.json("webhooks show evt_old_version");
    let detail = shown["detail"].as_str().unwrap();
    let api = billctl::adapters::stripe::API_VERSION;
    assert!(
        detail.contains("2024-06-20") && detail.contains(api) && detail.contains("--refetch"),
        "{detail}"
    );
    let status = env.store().current_subscription(&cus).unwrap().unwrap().row.status;
    assert_eq!(status, "active", "nothing applied");
    // With --refetch: the subscription is read from Stripe (active) and applied.
    let again = env.json("webhooks reprocess evt_old_version --refetch");
    assert_eq!(again["applied"], 1, "{again}");
    // The endpoint billctl creates pins its version.
    let script = r#""$BILLCTL" webhooks endpoint create --url https://example.com/hook -q"#;
    let r = common::in_session_keyring(&env, script, true, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let st = env.sim.state();
    let we = st.webhook_endpoints.values().next().unwrap();
    assert_eq!(we["api_version"], billctl::adapters::stripe::API_VERSION);
}

#[test]
fn the_access_policy_matrix() {
    use billctl::domain::billing::{access, Access};
    use billctl::domain::config::AccessPolicy;
    let default = AccessPolicy::default();
    let strict = AccessPolicy { statuses: vec!["active".into()], past_due_grace_secs: 0 };
    let lenient = AccessPolicy {
        statuses: vec!["active".into(), "trialing".into(), "past_due".into()],
        past_due_grace_secs: 7 * DAY,
    };
    let (start, failed) = (1_000_000, 1_000_500);
    for status in billctl::domain::config::SUBSCRIPTION_STATUSES {
        for (policy, name) in [(&default, "default"), (&strict, "strict"), (&lenient, "lenient")] {
            let early = access(policy, status, Some(failed), start, failed + DAY);
            let late = access(policy, status, Some(failed), start, failed + 8 * DAY);
            let want_early = match (*status, name) {
                ("active", _) => Access::Granted,
                ("trialing", "default" | "lenient") => Access::Granted,
                ("past_due", "lenient") => Access::Granted,
                ("past_due", "default") => Access::Grace { until: failed + 7 * DAY },
                _ => Access::PaymentRequired,
            };
            assert_eq!(early, want_early, "{status} under {name}, a day in");
            let want_late = match want_early {
                Access::Grace { .. } => Access::PaymentRequired,
                other => other,
            };
            assert_eq!(late, want_late, "{status} under {name}, eight days in");
        }
    }
    // Without a recorded failure the grace counts from the period start.
    assert_eq!(access(&default, "past_due", None, start, start + 7 * DAY), Access::PaymentRequired);
}

/// Payment-state writes are ordered as subscription writes are (issue 29): an
/// `invoice.payment_failed` created 25 days ago and delivered now changes nothing, so the first
/// real failure starts the grace and the key stays valid, as a control customer's does; a
/// failure older than a paid invoice already applied, or of an invoice the event shows as paid,
/// never opens a dunning period.
#[test]
fn an_old_payment_failure_never_costs_the_grace() {
    let env = Env::with_catalog();
    let t = env.sim.now();
    env.set_now(t);
    let victim = env.subscribed("late@example.com", "pro");
    let control = env.subscribed("control@example.com", "pro");
    let third = env.subscribed("third@example.com", "pro");
    let (vkey, ckey) = (env.key(&victim), env.key(&control));
    let sub = |c: &str| env.store().current_subscription(c).unwrap().unwrap();
    let event = |id: &str, kind: &str, at: i64, customer: &str, status: &str| {
        json!({"id": id, "object": "event", "type": kind, "created": at, "livemode": false,
               "api_version": "2026-09-30.endive",
               "data": {"object": {"id": format!("in_{id}"), "object": "invoice", "status": status,
                 "attempt_count": 1, "next_payment_attempt": at + 3 * DAY,
                 "subscription": sub(customer).row.id}}})
        .to_string()
    };
    let ingest = |body: String| env.cmd_stdin("webhooks ingest - --json", &body).ok();
    let shown = |id: &str| env.json(format!("webhooks show {id}"));

    ingest(event("evt_old", "invoice.payment_failed", t - 25 * DAY, &victim, "open"));
    assert_eq!(shown("evt_old")["status"], "ignored");
    assert!(sub(&victim).payment.failed_at.is_none(), "the old failure recorded nothing");
    assert_eq!(sub(&victim).row.status, "active");

    for (id, c) in [("evt_real_v", &victim), ("evt_real_c", &control)] {
        ingest(event(id, "invoice.payment_failed", t + 5, c, "open"));
        let s = sub(c);
        assert_eq!((s.row.status.as_str(), s.payment.failed_at), ("past_due", Some(t + 5)));
    }
    env.set_now(t + 10);
    for key in [&vkey, &ckey] {
        let (code, v) = verify(&env, key);
        assert_eq!((code, v["code"].as_str()), (0, Some("VALID")), "{v}");
    }

    // A paid invoice applied, then an older failure delivered late: ignored.
    ingest(event("evt_paid", "invoice.paid", t + 30, &third, "paid"));
    ingest(event("evt_late", "invoice.payment_failed", t + 25, &third, "open"));
    assert_eq!(shown("evt_late")["status"], "ignored");
    let late = shown("evt_late");
    assert!(
        late["detail"].as_str().unwrap_or_default().contains("older than the payment state"),
        "{late}"
    );
    let s = sub(&third);
    assert_eq!((s.row.status.as_str(), s.payment.failed_at), ("active", None));
    // A failure of an invoice the event shows as paid: ignored.
    ingest(event("evt_paid_fail", "invoice.payment_failed", t + 40, &third, "paid"));
    assert_eq!(shown("evt_paid_fail")["status"], "ignored");
    let s = sub(&third);
    assert_eq!((s.row.status.as_str(), s.payment.failed_at), ("active", None));
}

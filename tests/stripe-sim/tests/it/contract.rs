//! Contract test: every kind of response the simulator produces deserializes into the
//! async-stripe 1.0.0-rc.10 types, through the real client (the path billctl takes), and every
//! webhook it delivers verifies and parses with `stripe_webhook::Webhook`.

use crate::common;

use std::collections::HashMap;
use std::time::Duration;
use stripe::{Client, ClientBuilder, StripeError};
use stripe_billing::billing_meter::{
    CreateBillingMeter, CreateBillingMeterDefaultAggregation,
    CreateBillingMeterDefaultAggregationFormula, DeactivateBillingMeter, ListBillingMeter,
    ReactivateBillingMeter, RetrieveBillingMeter, UpdateBillingMeter,
};
use stripe_billing::billing_meter_event::CreateBillingMeterEvent;
use stripe_billing::billing_meter_event_summary::ListIdBillingMeterEventSummary;
use stripe_billing::invoice::{ListInvoice, RetrieveInvoice};
use stripe_billing::subscription::{
    CancelSubscription, CreateSubscription, CreateSubscriptionItems, ListSubscription,
    RetrieveSubscription, UpdateSubscription, UpdateSubscriptionItems,
};
use stripe_billing::subscription_item::{ListSubscriptionItem, RetrieveSubscriptionItem};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, ListCheckoutSession,
    RetrieveCheckoutSession,
};
use stripe_core::customer::{
    CreateCustomer, DeleteCustomer, ListCustomer, RetrieveCustomer, RetrieveCustomerReturned,
    SearchCustomer, UpdateCustomer,
};
use stripe_core::event::{ListEvent, RetrieveEvent};
use stripe_misc::webhook_endpoint::{
    CreateWebhookEndpoint, CreateWebhookEndpointEnabledEvents, DeleteWebhookEndpoint,
    ListWebhookEndpoint, RetrieveWebhookEndpoint, UpdateWebhookEndpoint,
};
use stripe_product::price::{
    CreatePrice, CreatePriceRecurring, CreatePriceRecurringInterval, CreatePriceRecurringUsageType,
    ListPrice, RetrievePrice, SearchPrice, UpdatePrice,
};
use stripe_product::product::{
    CreateProduct, DeleteProduct, ListProduct, RetrieveProduct, SearchProduct, UpdateProduct,
};
use stripe_sim::StripeSim;
use stripe_types::Currency;

fn client(sim: &StripeSim) -> Client {
    ClientBuilder::new(sim.api_key())
        .url(sim.base_url())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client builds")
}

fn meta(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
}

#[tokio::test]
async fn every_response_kind_deserializes_into_async_stripe_types() {
    let sim = StripeSim::start();
    let c = client(&sim);
    let hook = common::Receiver::start(200);
    let all_events = vec![CreateWebhookEndpointEnabledEvents::All];
    let endpoint = CreateWebhookEndpoint::new(all_events, hook.url.clone())
        .send(&c)
        .await
        .expect("webhook endpoint create");
    let secret = endpoint.secret.clone().expect("create returns the signing secret");
    assert!(secret.starts_with("whsec_"));

    // Catalog.
    let product = CreateProduct::new("Pro")
        .id("billctl_pro")
        .metadata(meta(&[("tier", "pro")]))
        .send(&c)
        .await
        .expect("product create");
    assert_eq!(product.id.as_str(), "billctl_pro");
    assert_eq!(product.metadata.get("tier").map(String::as_str), Some("pro"));
    RetrieveProduct::new("billctl_pro").send(&c).await.expect("product retrieve");
    let updated = UpdateProduct::new("billctl_pro")
        .description("10,000 calls")
        .send(&c)
        .await
        .expect("product update");
    assert_eq!(updated.description.as_deref(), Some("10,000 calls"));
    assert_eq!(ListProduct::new().active(true).send(&c).await.expect("product list").data.len(), 1);
    let spare = CreateProduct::new("Spare").send(&c).await.expect("second product");
    assert_eq!(
        DeleteProduct::new(spare.id.clone()).send(&c).await.expect("product delete").id,
        spare.id
    );
    let found = SearchProduct::new("metadata['tier']:'pro' AND active:'true'")
        .send(&c)
        .await
        .expect("product search");
    assert_eq!(found.data.len(), 1);

    let price = CreatePrice::new(Currency::USD)
        .product("billctl_pro")
        .unit_amount(9900)
        .lookup_key("pro_monthly")
        .nickname("Pro monthly")
        .recurring(CreatePriceRecurring::new(CreatePriceRecurringInterval::Month))
        .send(&c)
        .await
        .expect("price create");
    assert_eq!(price.unit_amount, Some(9900));
    assert_eq!(price.recurring.as_ref().map(|r| r.interval_count), Some(1));
    RetrievePrice::new(price.id.clone()).send(&c).await.expect("price retrieve");
    UpdatePrice::new(price.id.clone())
        .metadata(meta(&[("tier", "pro")]))
        .send(&c)
        .await
        .expect("price update");
    // async-stripe sends lookup_keys[0]=...; the simulator must accept indexed lists.
    let by_key = ListPrice::new()
        .lookup_keys(vec!["pro_monthly".to_string()])
        .send(&c)
        .await
        .expect("price list");
    assert_eq!(by_key.data.len(), 1);
    assert_eq!(by_key.data[0].id, price.id);
    assert_eq!(
        SearchPrice::new("lookup_key:'pro_monthly'")
            .send(&c)
            .await
            .expect("price search")
            .data
            .len(),
        1
    );

    // Customers (with a card, so the subscription below is paid for).
    let mut settings = stripe_core::customer::CreateCustomerInvoiceSettings::new();
    settings.default_payment_method = Some("pm_card_visa".into());
    let customer = CreateCustomer::new()
        .email("ada@example.com")
        .name("Ada")
        .payment_method("pm_card_visa")
        .invoice_settings(settings)
        .send(&c)
        .await
        .expect("customer create");
    match RetrieveCustomer::new(customer.id.clone()).send(&c).await.expect("customer retrieve") {
        RetrieveCustomerReturned::Customer(got) => {
            assert_eq!(got.email.as_deref(), Some("ada@example.com"))
        }
        other => panic!("expected a live customer, got {other:?}"),
    }
    UpdateCustomer::new(customer.id.clone())
        .name("Ada L.")
        .send(&c)
        .await
        .expect("customer update");
    assert_eq!(
        ListCustomer::new()
            .email("ada@example.com")
            .send(&c)
            .await
            .expect("customer list")
            .data
            .len(),
        1
    );
    assert_eq!(
        SearchCustomer::new("email:'ada@example.com'")
            .send(&c)
            .await
            .expect("customer search")
            .data
            .len(),
        1
    );

    // Subscriptions, items, invoices.
    let team = CreatePrice::new(Currency::USD)
        .product("billctl_pro")
        .unit_amount(49900)
        .recurring(CreatePriceRecurring::new(CreatePriceRecurringInterval::Month))
        .send(&c)
        .await
        .expect("second price");
    let mut item = CreateSubscriptionItems::new();
    item.price = Some(price.id.to_string());
    let sub = CreateSubscription::new()
        .customer(customer.id.to_string())
        .items(vec![item])
        .send(&c)
        .await
        .expect("subscription create");
    let item_id = sub.items.data[0].id.clone();
    assert!(sub.items.data[0].current_period_end > sub.items.data[0].current_period_start);
    RetrieveSubscription::new(sub.id.clone()).send(&c).await.expect("subscription retrieve");
    let mut change = UpdateSubscriptionItems::new();
    change.id = Some(item_id.to_string());
    change.price = Some(team.id.to_string());
    let changed = UpdateSubscription::new(sub.id.clone())
        .items(vec![change])
        .send(&c)
        .await
        .expect("subscription update");
    assert_eq!(changed.items.data[0].price.id, team.id);
    assert_eq!(
        ListSubscription::new()
            .customer(customer.id.to_string())
            .send(&c)
            .await
            .expect("subscription list")
            .data
            .len(),
        1
    );
    assert_eq!(
        ListSubscriptionItem::new(sub.id.to_string()).send(&c).await.expect("item list").data.len(),
        1
    );
    RetrieveSubscriptionItem::new(item_id.clone()).send(&c).await.expect("item retrieve");
    let invoices =
        ListInvoice::new().customer(customer.id.to_string()).send(&c).await.expect("invoice list");
    assert_eq!(invoices.data.len(), 1);
    let inv = RetrieveInvoice::new(invoices.data[0].id.clone().expect("invoice id"))
        .send(&c)
        .await
        .expect("invoice retrieve");
    assert_eq!(inv.amount_paid, 9900);
    let canceled =
        CancelSubscription::new(sub.id.clone()).send(&c).await.expect("subscription cancel");
    assert_eq!(canceled.status, stripe_shared::SubscriptionStatus::Canceled);

    // Checkout.
    let mut line = CreateCheckoutSessionLineItems::new();
    line.price = Some(price.id.to_string());
    line.quantity = Some(1);
    let session = CreateCheckoutSession::new()
        .mode(stripe_shared::CheckoutSessionMode::Subscription)
        .line_items(vec![line])
        .customer_email("grace@example.com")
        .success_url("https://example.com/ok")
        .cancel_url("https://example.com/cancel")
        .client_reference_id("ref-1")
        .send(&c)
        .await
        .expect("checkout create");
    assert!(session.url.as_deref().is_some_and(|u| u.contains(session.id.as_str())));
    sim.complete_checkout(session.id.as_str()).expect("sim completes checkout");
    let done =
        RetrieveCheckoutSession::new(session.id.clone()).send(&c).await.expect("checkout retrieve");
    assert!(done.subscription.is_some() && done.customer.is_some());
    assert_eq!(ListCheckoutSession::new().send(&c).await.expect("checkout list").data.len(), 1);

    // Meters, meter events, summaries.
    let meter = CreateBillingMeter::new(
        CreateBillingMeterDefaultAggregation::new(CreateBillingMeterDefaultAggregationFormula::Sum),
        "API calls",
        "api_calls",
    )
    .send(&c)
    .await
    .expect("meter create");
    RetrieveBillingMeter::new(meter.id.clone()).send(&c).await.expect("meter retrieve");
    let renamed = UpdateBillingMeter::new(meter.id.clone())
        .display_name("Calls")
        .send(&c)
        .await
        .expect("meter update");
    assert_eq!(renamed.display_name, "Calls");
    CreatePrice::new(Currency::USD)
        .product("billctl_pro")
        .unit_amount(1)
        .recurring(CreatePriceRecurring {
            meter: Some(meter.id.to_string()),
            usage_type: Some(CreatePriceRecurringUsageType::Metered),
            ..CreatePriceRecurring::new(CreatePriceRecurringInterval::Month)
        })
        .send(&c)
        .await
        .expect("metered price");
    let now = stripe_sim::util::now();
    let ev = CreateBillingMeterEvent::new(
        "api_calls",
        meta(&[("stripe_customer_id", customer.id.as_str()), ("value", "25")]),
    )
    .identifier("evt-1")
    .timestamp(now - 120)
    .send(&c)
    .await
    .expect("meter event create");
    assert_eq!(ev.identifier, "evt-1");
    let start = (now - 3600) / 60 * 60;
    let end = (now + 120) / 60 * 60;
    let sums =
        ListIdBillingMeterEventSummary::new(meter.id.clone(), customer.id.to_string(), end, start)
            .send(&c)
            .await
            .expect("summaries");
    assert_eq!(sums.data.len(), 1);
    assert_eq!(sums.data[0].aggregated_value, 25.0);
    assert_eq!(ListBillingMeter::new().send(&c).await.expect("meter list").data.len(), 1);
    let off =
        DeactivateBillingMeter::new(meter.id.clone()).send(&c).await.expect("meter deactivate");
    assert_eq!(off.status, stripe_billing::BillingMeterStatus::Inactive);
    let on =
        ReactivateBillingMeter::new(meter.id.clone()).send(&c).await.expect("meter reactivate");
    assert_eq!(on.status, stripe_billing::BillingMeterStatus::Active);

    // Events.
    let events =
        ListEvent::new().type_("customer.subscription.*").send(&c).await.expect("event list");
    assert!(events.data.len() >= 3, "created/updated/deleted, got {}", events.data.len());
    RetrieveEvent::new(events.data[0].id.clone()).send(&c).await.expect("event retrieve");
    let all = ListEvent::new().limit(100).send(&c).await.expect("all events");
    assert!(all.data.iter().any(|e| e.type_.as_str() == "checkout.session.completed"));

    // Deletions and errors.
    assert!(
        DeleteCustomer::new(customer.id.clone()).send(&c).await.expect("customer delete").id
            == customer.id
    );
    match RetrieveCustomer::new(customer.id.clone())
        .send(&c)
        .await
        .expect("deleted customer retrieve")
    {
        RetrieveCustomerReturned::DeletedCustomer(d) => assert_eq!(d.id, customer.id),
        other => panic!("expected a deleted customer, got {other:?}"),
    }
    match RetrievePrice::new("price_missing").send(&c).await {
        Err(StripeError::Stripe(err, status)) => {
            assert_eq!(status, 404);
            assert_eq!(err.code, Some(stripe::ApiErrorsCode::ResourceMissing));
        }
        other => panic!("expected a Stripe 404, got {other:?}"),
    }
    RetrieveWebhookEndpoint::new(endpoint.id.clone()).send(&c).await.expect("endpoint retrieve");
    UpdateWebhookEndpoint::new(endpoint.id.clone())
        .description("all events")
        .send(&c)
        .await
        .expect("endpoint update");
    assert_eq!(ListWebhookEndpoint::new().send(&c).await.expect("endpoint list").data.len(), 1);

    // Every delivered webhook verifies with its secret and parses into stripe_webhook::Event.
    assert!(sim.wait_for_webhooks(Duration::from_secs(20)));
    let received = hook.received();
    let emitted = sim.state().events.len();
    assert_eq!(received.len(), emitted, "one delivery per event");
    for r in &received {
        let payload = std::str::from_utf8(&r.body).expect("utf-8 payload");
        stripe_webhook::Webhook::construct_event(payload, &r.signature, &secret)
            .unwrap_or_else(|e| panic!("webhook did not verify/parse: {e:?}\n{payload}"));
    }
    assert!(
        DeleteWebhookEndpoint::new(endpoint.id.clone()).send(&c).await.expect("endpoint delete").id
            == endpoint.id
    );
}

/// The payment kinds: payment methods (create from a test token, attach, list, detach),
/// invoices that fail, are paid, voided, finalized and sent, their PaymentIntents and
/// InvoicePayments, portal sessions, and subscription and invoice search.
#[tokio::test]
async fn payment_kinds_deserialize_into_async_stripe_types() {
    use stripe_billing::billing_portal_session::CreateBillingPortalSession;
    use stripe_billing::invoice::{
        FinalizeInvoiceInvoice, PayInvoice, SearchInvoice, SendInvoiceInvoice, VoidInvoiceInvoice,
    };
    use stripe_billing::invoice_payment::ListInvoicePayment;
    use stripe_billing::subscription::SearchSubscription;
    use stripe_core::customer::ListPaymentMethodsCustomer;
    use stripe_core::payment_intent::RetrievePaymentIntent;
    use stripe_payment::payment_method::{
        AttachPaymentMethod, CreatePaymentMethod, CreatePaymentMethodCard,
        CreatePaymentMethodTokenParams, CreatePaymentMethodType, DetachPaymentMethod,
        ListPaymentMethod, RetrievePaymentMethod,
    };
    let sim = StripeSim::start();
    let c = client(&sim);
    let price = CreatePrice::new(Currency::USD)
        .product_data(stripe_product::price::CreatePriceProductData::new("Pro"))
        .unit_amount(9900)
        .recurring(CreatePriceRecurring::new(CreatePriceRecurringInterval::Month))
        .send(&c)
        .await
        .expect("price");
    let customer = CreateCustomer::new().email("bo@example.com").send(&c).await.expect("customer");

    // Payment methods.
    let pm = CreatePaymentMethod::new()
        .type_(CreatePaymentMethodType::Card)
        .card(CreatePaymentMethodCard::TokenParams(CreatePaymentMethodTokenParams {
            token: "tok_mastercard".into(),
        }))
        .send(&c)
        .await
        .expect("payment method create");
    assert_eq!(pm.card.as_ref().map(|c| c.last4.as_str()), Some("4444"));
    let attached = AttachPaymentMethod::new(pm.id.clone())
        .customer(customer.id.to_string())
        .send(&c)
        .await
        .expect("attach");
    assert!(attached.customer.is_some());
    let visa = AttachPaymentMethod::new("pm_card_visa")
        .customer(customer.id.to_string())
        .send(&c)
        .await
        .expect("attach a test method");
    assert_ne!(visa.id.as_str(), "pm_card_visa", "a copy of the customer's own");
    RetrievePaymentMethod::new(visa.id.clone()).send(&c).await.expect("payment method retrieve");
    let listed = ListPaymentMethod::new()
        .customer(customer.id.to_string())
        .send(&c)
        .await
        .expect("payment method list");
    assert_eq!(listed.data.len(), 2);
    assert_eq!(
        ListPaymentMethodsCustomer::new(customer.id.clone())
            .send(&c)
            .await
            .expect("customer payment methods")
            .data
            .len(),
        2
    );
    let detached = DetachPaymentMethod::new(pm.id.clone()).send(&c).await.expect("detach");
    assert!(detached.customer.is_none());
    match AttachPaymentMethod::new("pm_card_chargeDeclined")
        .customer(customer.id.to_string())
        .send(&c)
        .await
    {
        Err(StripeError::Stripe(err, 402)) => {
            assert_eq!(err.decline_code.as_deref(), Some("generic_decline"))
        }
        other => panic!("expected a 402 card_error, got {other:?}"),
    }

    // No default method: incomplete, open invoice; paying it with the card activates.
    let mut item = CreateSubscriptionItems::new();
    item.price = Some(price.id.to_string());
    let sub = CreateSubscription::new()
        .customer(customer.id.to_string())
        .items(vec![item.clone()])
        .send(&c)
        .await
        .expect("subscription create");
    assert_eq!(sub.status, stripe_shared::SubscriptionStatus::Incomplete);
    let inv_id = match &sub.latest_invoice {
        Some(stripe_types::Expandable::Id(id)) => id.clone().expect("an invoice id"),
        other => panic!("expected the invoice id, got {other:?}"),
    };
    let payments = ListInvoicePayment::new()
        .invoice(inv_id.to_string())
        .send(&c)
        .await
        .expect("invoice payments");
    assert_eq!(payments.data.len(), 1);
    let pi = match &payments.data[0].payment.payment_intent {
        Some(stripe_types::Expandable::Id(id)) => id.clone(),
        other => panic!("expected a payment intent id, got {other:?}"),
    };
    let intent = RetrievePaymentIntent::new(pi).send(&c).await.expect("payment intent");
    assert_eq!(intent.status, stripe_shared::PaymentIntentStatus::RequiresPaymentMethod);
    let paid = PayInvoice::new(inv_id.clone())
        .payment_method(visa.id.to_string())
        .send(&c)
        .await
        .expect("pay");
    assert_eq!(paid.status, Some(stripe_shared::InvoiceStatus::Paid));
    let after = RetrieveSubscription::new(sub.id.clone()).send(&c).await.expect("subscription");
    assert_eq!(after.status, stripe_shared::SubscriptionStatus::Active);

    // send_invoice: an open invoice to send, finalize (already) refused, void.
    let sent_sub = CreateSubscription::new()
        .customer(customer.id.to_string())
        .items(vec![item])
        .collection_method(stripe_shared::SubscriptionCollectionMethod::SendInvoice)
        .days_until_due(30u32)
        .send(&c)
        .await
        .expect("send_invoice subscription");
    assert_eq!(sent_sub.status, stripe_shared::SubscriptionStatus::Active);
    let open_id = match &sent_sub.latest_invoice {
        Some(stripe_types::Expandable::Id(id)) => id.clone().expect("an invoice id"),
        other => panic!("expected the invoice id, got {other:?}"),
    };
    let sent = SendInvoiceInvoice::new(open_id.clone()).send(&c).await.expect("send");
    assert!(sent.due_date.is_some());
    assert!(FinalizeInvoiceInvoice::new(open_id.clone()).send(&c).await.is_err());
    let voided = VoidInvoiceInvoice::new(open_id).send(&c).await.expect("void");
    assert_eq!(voided.status, Some(stripe_shared::InvoiceStatus::Void));

    // Portal and search.
    let portal = CreateBillingPortalSession::new()
        .customer(customer.id.to_string())
        .return_url("https://example.com/account")
        .send(&c)
        .await
        .expect("portal session");
    assert!(portal.url.starts_with("https://billing.stripe.com/"));
    let subs =
        SearchSubscription::new("status:'ACTIVE'").send(&c).await.expect("subscription search");
    assert_eq!(subs.data.len(), 2, "`:` is case-insensitive");
    let invoices = SearchInvoice::new(format!("customer:'{}'", customer.id))
        .send(&c)
        .await
        .expect("invoice search");
    assert_eq!(invoices.data.len(), 2);
}

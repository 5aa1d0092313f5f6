//! Payments: payment methods, customer updates, subscriptions with payment terms, invoice
//! actions and the billing portal. Answers are read into billctl's own small types.
//! See <https://docs.stripe.com/api/payment_methods>, <https://docs.stripe.com/api/invoices>
//! and <https://docs.stripe.com/api/customer_portal/sessions>.

use super::error::Error;
use super::events::{encode, json};
use super::{subscription_of, Stripe, Writer};
use crate::domain::billing::Subscription;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;
use stripe_billing::subscription::{
    CreateSubscription, CreateSubscriptionItems, CreateSubscriptionPaymentBehavior,
};
use stripe_client_core::StripeMethod;

/// A card (or other method) as billctl shows it: never more than brand and last four.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PaymentMethodInfo {
    /// Its own id, `id`, as every object's (a reference elsewhere is `payment_method_id`).
    pub id: String,
    #[serde(rename = "type")]
    pub kind: String,
    pub brand: Option<String>,
    pub last4: Option<String>,
    pub exp_month: Option<i64>,
    pub exp_year: Option<i64>,
    #[serde(rename = "customer_id")]
    pub customer: Option<String>,
    /// Whether it is the customer's invoice default.
    pub default: bool,
}

/// An invoice with what collecting it needs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct InvoiceInfo {
    /// Its own id, `id`, as every object's (a reference elsewhere is `invoice_id`).
    pub id: String,
    pub number: Option<String>,
    pub status: Option<String>,
    #[serde(rename = "customer_id")]
    pub customer: String,
    #[serde(rename = "subscription_id")]
    pub subscription: Option<String>,
    pub collection_method: Option<String>,
    pub amount_due: i64,
    pub amount_paid: i64,
    pub amount_remaining: i64,
    pub currency: String,
    pub attempt_count: i64,
    pub next_payment_attempt: Option<i64>,
    pub due_date: Option<i64>,
    pub period_start: i64,
    pub period_end: i64,
    pub created: i64,
    pub hosted_invoice_url: Option<String>,
    /// Why the last payment did not go through: `requires_action` (authentication), or the
    /// decline's message; `None` when paid or never tried.
    pub payment_problem: Option<String>,
}

/// A new subscription's payment terms.
#[derive(Debug, Clone, Default)]
pub struct NewSubscription {
    pub customer: String,
    pub price: String,
    /// The item's quantity (seats); `None`: Stripe's default, 1.
    pub quantity: Option<u64>,
    pub metadata: std::collections::HashMap<String, String>,
    pub trial_days: Option<u32>,
    /// `send_invoice` with the days until due; `None`: charged automatically.
    pub send_invoice_days: Option<u32>,
    /// `allow_incomplete`, `default_incomplete` or `error_if_incomplete`.
    pub payment_behavior: String,
}

fn id_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Object(o) => o.get("id").and_then(Value::as_str).map(String::from),
        _ => None,
    }
}

fn pm_of(v: &Value, default: Option<&str>) -> PaymentMethodInfo {
    let id = v["id"].as_str().unwrap_or_default().to_string();
    PaymentMethodInfo {
        default: default == Some(id.as_str()),
        kind: v["type"].as_str().unwrap_or("card").to_string(),
        brand: v["card"]["brand"].as_str().map(String::from),
        last4: v["card"]["last4"].as_str().map(String::from),
        exp_month: v["card"]["exp_month"].as_i64(),
        exp_year: v["card"]["exp_year"].as_i64(),
        customer: id_of(&v["customer"]),
        id,
    }
}

fn invoice_of(v: &Value) -> InvoiceInfo {
    InvoiceInfo {
        id: v["id"].as_str().unwrap_or_default().to_string(),
        number: v["number"].as_str().map(String::from),
        status: v["status"].as_str().map(String::from),
        customer: id_of(&v["customer"]).unwrap_or_default(),
        subscription: id_of(&v["parent"]["subscription_details"]["subscription"])
            .or_else(|| id_of(&v["subscription"])),
        collection_method: v["collection_method"].as_str().map(String::from),
        amount_due: v["amount_due"].as_i64().unwrap_or(0),
        amount_paid: v["amount_paid"].as_i64().unwrap_or(0),
        amount_remaining: v["amount_remaining"].as_i64().unwrap_or(0),
        currency: v["currency"].as_str().unwrap_or("usd").to_string(),
        attempt_count: v["attempt_count"].as_i64().unwrap_or(0),
        next_payment_attempt: v["next_payment_attempt"].as_i64(),
        due_date: v["due_date"].as_i64(),
        period_start: v["period_start"].as_i64().unwrap_or(0),
        period_end: v["period_end"].as_i64().unwrap_or(0),
        created: v["created"].as_i64().unwrap_or(0),
        hosted_invoice_url: v["hosted_invoice_url"].as_str().map(String::from),
        payment_problem: None,
    }
}

impl Stripe {
    async fn get_json(&self, path: &str, query: Option<String>) -> Result<Value, Error> {
        json(
            &self
                .transport()
                .raw(StripeMethod::Get, path, query, None, None)
                .await?,
        )
    }

    /// The customer's invoice default payment method, if any (`Ok(None)` for a deleted one).
    pub async fn default_payment_method(&self, customer: &str) -> Result<Option<String>, Error> {
        let c = self
            .get_json(&format!("/customers/{customer}"), None)
            .await?;
        Ok(id_of(&c["invoice_settings"]["default_payment_method"]))
    }

    /// The customer's payment methods (up to 100), with which is the invoice default.
    pub async fn payment_methods(&self, customer: &str) -> Result<Vec<PaymentMethodInfo>, Error> {
        let default = self.default_payment_method(customer).await?;
        let list = self
            .get_json(
                &format!("/customers/{customer}/payment_methods"),
                Some("limit=100".into()),
            )
            .await?;
        Ok(list["data"]
            .as_array()
            .map(|a| a.iter().map(|v| pm_of(v, default.as_deref())).collect())
            .unwrap_or_default())
    }

    /// One invoice, with why its payment did not go through when it did not.
    pub async fn invoice(&self, id: &str) -> Result<Option<InvoiceInfo>, Error> {
        let v = match self
            .get_json(&format!("/invoices/{}", encode(id)), None)
            .await
        {
            Ok(v) => v,
            Err(e) if e.is_not_found() => return Ok(None),
            Err(e) => return Err(e),
        };
        let mut inv = invoice_of(&v);
        if inv.status.as_deref() == Some("open") {
            inv.payment_problem = self.payment_problem(&inv).await?;
        }
        Ok(Some(inv))
    }

    /// For an open invoice: `requires_action`, the last decline's message, or "no payment
    /// method" (read from its PaymentIntent).
    async fn payment_problem(&self, inv: &InvoiceInfo) -> Result<Option<String>, Error> {
        let payments = self
            .get_json(
                "/invoice_payments",
                Some(format!("invoice={}", encode(&inv.id))),
            )
            .await?;
        let Some(pi) = payments["data"]
            .as_array()
            .and_then(|a| a.first())
            .and_then(|p| id_of(&p["payment"]["payment_intent"]))
        else {
            return Ok(None);
        };
        let pi = self
            .get_json(&format!("/payment_intents/{}", encode(&pi)), None)
            .await?;
        Ok(match pi["status"].as_str() {
            Some("requires_action") => Some("authentication required".into()),
            Some("requires_payment_method") => Some(
                pi["last_payment_error"]["message"]
                    .as_str()
                    // Stripe's messages end in a period; the caller's sentence adds its own.
                    .map(|m| format!("declined: {}", m.trim_end().trim_end_matches('.')))
                    .unwrap_or_else(|| "no payment method".into()),
            ),
            _ => None,
        })
    }

    /// A customer's invoices (newest first, up to 100), optionally of one status.
    pub async fn invoices_of(
        &self,
        customer: &str,
        status: Option<&str>,
    ) -> Result<Vec<InvoiceInfo>, Error> {
        let mut q = format!("customer={}&limit=100", encode(customer));
        if let Some(s) = status {
            q.push_str(&format!("&status={}", encode(s)));
        }
        let list = self.get_json("/invoices", Some(q)).await?;
        Ok(list["data"]
            .as_array()
            .map(|a| a.iter().map(invoice_of).collect())
            .unwrap_or_default())
    }
}

impl Writer {
    async fn post_json(&self, path: &str, form: String, key: &str) -> Result<Value, Error> {
        json(
            &self
                .send_raw(StripeMethod::Post, path, Some(form), Some(key))
                .await?,
        )
    }

    /// Attaches `pm` (a method id, or in test mode one of Stripe's `pm_card_…` test methods)
    /// to the customer.
    pub async fn attach_payment_method(
        &self,
        pm: &str,
        customer: &str,
        key: &str,
    ) -> Result<PaymentMethodInfo, Error> {
        let v = self
            .post_json(
                &format!("/payment_methods/{}/attach", encode(pm)),
                format!("customer={}", encode(customer)),
                key,
            )
            .await?;
        Ok(pm_of(&v, None))
    }

    pub async fn detach_payment_method(
        &self,
        pm: &str,
        key: &str,
    ) -> Result<PaymentMethodInfo, Error> {
        let v = self
            .post_json(
                &format!("/payment_methods/{}/detach", encode(pm)),
                String::new(),
                key,
            )
            .await?;
        Ok(pm_of(&v, None))
    }

    /// A payment method by id (`Ok(None)`: no such method).
    pub async fn payment_method(&self, pm: &str) -> Result<Option<PaymentMethodInfo>, Error> {
        match self
            .get_json(&format!("/payment_methods/{}", encode(pm)), None)
            .await
        {
            Ok(v) => Ok(Some(pm_of(&v, None))),
            Err(Error::Api { status: 404, .. }) => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Makes `pm` the customer's invoice default; the default Stripe's answer names.
    pub async fn set_default_payment_method(
        &self,
        customer: &str,
        pm: &str,
        key: &str,
    ) -> Result<Option<String>, Error> {
        self.post_json(
            &format!("/customers/{}", encode(customer)),
            format!(
                "invoice_settings%5Bdefault_payment_method%5D={}",
                encode(pm)
            ),
            key,
        )
        .await
        .map(|v| id_of(&v["invoice_settings"]["default_payment_method"]))
    }

    /// Updates a customer's email, name and metadata (`None` values unset keys).
    pub async fn update_customer(
        &self,
        id: &str,
        email: Option<&str>,
        name: Option<&str>,
        metadata: &BTreeMap<String, Option<String>>,
        key: &str,
    ) -> Result<crate::domain::billing::Customer, Error> {
        let mut form = Vec::new();
        if let Some(e) = email {
            form.push(format!("email={}", encode(e)));
        }
        if let Some(n) = name {
            form.push(format!("name={}", encode(n)));
        }
        for (k, v) in metadata {
            form.push(format!(
                "metadata%5B{}%5D={}",
                encode(k),
                encode(v.as_deref().unwrap_or(""))
            ));
        }
        let v = self
            .post_json(&format!("/customers/{}", encode(id)), form.join("&"), key)
            .await?;
        Ok(crate::domain::billing::Customer {
            id: v["id"].as_str().unwrap_or(id).to_string(),
            email: v["email"].as_str().map(String::from),
            name: v["name"].as_str().map(String::from),
            created: v["created"].as_i64().unwrap_or(0),
        })
    }

    /// Creates a subscription with payment terms (trial, collection, payment behaviour).
    pub async fn create_subscription_with(
        &self,
        new: &NewSubscription,
        key: &str,
    ) -> Result<Subscription, Error> {
        let mut item = CreateSubscriptionItems::new();
        item.price = Some(new.price.clone());
        item.quantity = new.quantity;
        let behavior = match new.payment_behavior.as_str() {
            "default_incomplete" => CreateSubscriptionPaymentBehavior::DefaultIncomplete,
            "error_if_incomplete" => CreateSubscriptionPaymentBehavior::ErrorIfIncomplete,
            _ => CreateSubscriptionPaymentBehavior::AllowIncomplete,
        };
        let mut req = CreateSubscription::new()
            .customer(new.customer.clone())
            .items(vec![item])
            .metadata(new.metadata.clone())
            .payment_behavior(behavior);
        if let Some(d) = new.trial_days {
            req = req.trial_period_days(d);
        }
        if let Some(days) = new.send_invoice_days {
            req = req
                .collection_method(stripe_shared::SubscriptionCollectionMethod::SendInvoice)
                .days_until_due(days);
        }
        Ok(subscription_of(self.write(req, key).await?))
    }

    /// `pay`, `void`, `send` or `finalize` an invoice; `pay` takes a method (else the default).
    pub async fn invoice_action(
        &self,
        id: &str,
        action: &str,
        payment_method: Option<&str>,
        key: &str,
    ) -> Result<InvoiceInfo, Error> {
        let form = payment_method
            .map(|pm| format!("payment_method={}", encode(pm)))
            .unwrap_or_default();
        let v = self
            .post_json(&format!("/invoices/{}/{action}", encode(id)), form, key)
            .await?;
        Ok(invoice_of(&v))
    }

    /// A billing portal session for the customer; returns its URL.
    pub async fn portal_session(
        &self,
        customer: &str,
        return_url: Option<&str>,
        key: &str,
    ) -> Result<String, Error> {
        let mut form = format!("customer={}", encode(customer));
        if let Some(u) = return_url {
            form.push_str(&format!("&return_url={}", encode(u)));
        }
        let v = self
            .post_json("/billing_portal/sessions", form, key)
            .await?;
        v["url"]
            .as_str()
            .map(String::from)
            .ok_or_else(|| Error::Decode("the portal session has no url".into()))
    }

    /// A Checkout Session in `setup` mode: the customer enters a card for later charges.
    pub async fn setup_checkout(
        &self,
        customer: &str,
        success_url: &str,
        cancel_url: &str,
        currency: &str,
        key: &str,
    ) -> Result<(String, String), Error> {
        let form = format!(
            "mode=setup&customer={}&success_url={}&cancel_url={}&currency={}",
            encode(customer),
            encode(success_url),
            encode(cancel_url),
            encode(currency)
        );
        let v = self.post_json("/checkout/sessions", form, key).await?;
        Ok((
            v["id"].as_str().unwrap_or_default().to_string(),
            v["url"].as_str().unwrap_or_default().to_string(),
        ))
    }
}

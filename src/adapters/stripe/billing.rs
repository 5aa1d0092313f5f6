//! Customers, subscriptions, invoices and Checkout Sessions.

use super::{all_pages, price_of, Error, Stripe, Writer, PAGE};
use crate::domain::billing::{Customer, Invoice, Item, Proration, Subscription};
use std::collections::HashMap;
use stripe_billing::invoice::ListInvoice;
use stripe_billing::subscription::{
    CancelSubscription, ListSubscription, ListSubscriptionStatus, RetrieveSubscription,
    UpdateSubscription, UpdateSubscriptionItems, UpdateSubscriptionProrationBehavior,
};
use stripe_checkout::checkout_session::{
    CreateCheckoutSession, CreateCheckoutSessionLineItems, CreateCheckoutSessionSubscriptionData,
};
use stripe_core::customer::{
    CreateCustomer, ListCustomer, RetrieveCustomer, RetrieveCustomerReturned,
};

fn customer_of(c: stripe_shared::Customer) -> Customer {
    Customer {
        id: c.id.to_string(),
        email: c.email,
        name: c.name,
        created: c.created,
    }
}

/// A subscription object as an event's `data.object` carries it.
pub(crate) fn subscription_from_json(object: &serde_json::Value) -> anyhow::Result<Subscription> {
    let text = object.to_string();
    let sub: stripe_shared::Subscription = miniserde::json::from_str(&text)
        .map_err(|_| anyhow::anyhow!("data.object is not a subscription this billctl can read"))?;
    Ok(subscription_of(sub))
}

pub(crate) fn subscription_of(s: stripe_shared::Subscription) -> Subscription {
    // In this API version the billing period lives on the items; they share one cycle.
    let first = s
        .items
        .data
        .first()
        .map_or((0, 0), |i| (i.current_period_start, i.current_period_end));
    let items: Vec<Item> = s
        .items
        .data
        .into_iter()
        .map(|i| {
            let p = price_of(i.price);
            Item {
                id: i.id.to_string(),
                price_id: p.id,
                lookup_key: p.lookup_key,
                product: p.product,
                amount: p.amount,
                currency: p.currency,
                interval: p.interval,
                quantity: i.quantity,
            }
        })
        .collect();
    Subscription {
        id: s.id.to_string(),
        customer: s.customer.id().to_string(),
        status: s.status.as_str().to_string(),
        items,
        current_period_start: first.0,
        current_period_end: first.1,
        cancel_at_period_end: s.cancel_at_period_end,
        cancel_at: s.cancel_at,
        canceled_at: s.canceled_at,
        ended_at: s.ended_at,
        created: s.created,
        start_date: s.start_date,
        trial_end: s.trial_end,
        latest_invoice: s
            .latest_invoice
            .and_then(|i| i.id().as_ref().map(|x| x.to_string())),
    }
}

fn invoice_of(i: stripe_shared::Invoice) -> Invoice {
    Invoice {
        id: i.id.map(|x| x.to_string()).unwrap_or_default(),
        number: i.number,
        status: i.status.map(|s| s.as_str().to_string()),
        currency: i.currency.to_string(),
        amount_due: i.amount_due,
        amount_paid: i.amount_paid,
        period_start: i.period_start,
        period_end: i.period_end,
        hosted_invoice_url: i.hosted_invoice_url,
        created: i.created,
    }
}

/// A created Checkout Session.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CheckoutSession {
    pub id: String,
    pub url: Option<String>,
    pub customer: Option<String>,
    pub customer_email: Option<String>,
    pub expires_at: i64,
}

/// Which customer a Checkout Session is for.
#[derive(Clone, Copy)]
pub enum CheckoutFor<'a> {
    Customer(&'a str),
    Email(&'a str),
}

/// A Checkout Session to create: for whom, which price and how many, where Stripe sends the
/// buyer after, and what it carries.
pub struct NewCheckout<'a> {
    pub who: CheckoutFor<'a>,
    pub price: &'a str,
    pub quantity: u64,
    pub success_url: &'a str,
    pub cancel_url: &'a str,
    pub client_reference_id: Option<&'a str>,
    pub metadata: &'a HashMap<String, String>,
}

/// One subscription item moved to another price (and, when given, quantity).
pub struct PriceChange<'a> {
    pub sub: &'a str,
    pub item: &'a str,
    pub price: &'a str,
    pub quantity: Option<u64>,
    pub proration: Proration,
    pub metadata: &'a HashMap<String, String>,
}

/// Stripe's `proration_behavior` for billctl's [`Proration`]: the one place that names it.
fn proration_behavior(p: Proration) -> UpdateSubscriptionProrationBehavior {
    match p {
        Proration::CreateProrations => UpdateSubscriptionProrationBehavior::CreateProrations,
        Proration::None => UpdateSubscriptionProrationBehavior::None,
        Proration::AlwaysInvoice => UpdateSubscriptionProrationBehavior::AlwaysInvoice,
    }
}

impl Stripe {
    /// The customer, or `None` when it does not exist or was deleted.
    pub async fn customer(&self, id: &str) -> Result<Option<Customer>, Error> {
        match RetrieveCustomer::new(id.to_string())
            .send(self.transport())
            .await
        {
            Ok(RetrieveCustomerReturned::Customer(c)) => Ok(Some(customer_of(c))),
            Ok(RetrieveCustomerReturned::DeletedCustomer(_)) => Ok(None),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every customer (optionally with this email), across all pages; `on_page` sees progress.
    pub async fn customers(
        &self,
        email: Option<&str>,
        on_page: impl FnMut(usize),
    ) -> Result<Vec<Customer>, Error> {
        let fetch = |after: Option<String>| {
            let mut req = ListCustomer::new().limit(PAGE);
            if let Some(e) = email {
                req = req.email(e.to_string());
            }
            if let Some(a) = after {
                req = req.starting_after(a);
            }
            let transport = self.transport();
            async move { req.send(transport).await }
        };
        all_pages(fetch, |c| Some(c.id.to_string()), customer_of, on_page).await
    }

    /// Every subscription, of any status (optionally of one customer), across all pages.
    pub async fn subscriptions(
        &self,
        customer: Option<&str>,
        on_page: impl FnMut(usize),
    ) -> Result<Vec<Subscription>, Error> {
        let fetch = |after: Option<String>| {
            let mut req = ListSubscription::new()
                .status(ListSubscriptionStatus::All)
                .limit(PAGE);
            if let Some(c) = customer {
                req = req.customer(c.to_string());
            }
            if let Some(a) = after {
                req = req.starting_after(a);
            }
            let transport = self.transport();
            async move { req.send(transport).await }
        };
        all_pages(fetch, |s| Some(s.id.to_string()), subscription_of, on_page).await
    }

    /// The subscription, or `None` when it does not exist.
    pub async fn subscription(&self, id: &str) -> Result<Option<Subscription>, Error> {
        match RetrieveSubscription::new(id.to_string())
            .send(self.transport())
            .await
        {
            Ok(s) => Ok(Some(subscription_of(s))),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// Every invoice of a customer, newest first.
    pub async fn invoices(&self, customer: &str) -> Result<Vec<Invoice>, Error> {
        let fetch = |after: Option<String>| {
            let mut req = ListInvoice::new()
                .customer(customer.to_string())
                .limit(PAGE);
            if let Some(a) = after {
                req = req.starting_after(a);
            }
            let transport = self.transport();
            async move { req.send(transport).await }
        };
        all_pages(
            fetch,
            |i| i.id.as_ref().map(|x| x.to_string()),
            invoice_of,
            |_| {},
        )
        .await
    }
}

impl Writer {
    pub async fn create_customer(
        &self,
        email: &str,
        name: Option<&str>,
        metadata: &HashMap<String, String>,
        key: &str,
    ) -> Result<Customer, Error> {
        let mut req = CreateCustomer::new()
            .email(email.to_string())
            .metadata(metadata.clone());
        if let Some(n) = name {
            req = req.name(n.to_string());
        }
        Ok(customer_of(self.write(req, key).await?))
    }

    /// Moves one item to another price, and (when given) to another quantity.
    pub async fn change_price(
        &self,
        to: &PriceChange<'_>,
        key: &str,
    ) -> Result<Subscription, Error> {
        let mut change = UpdateSubscriptionItems::new();
        change.id = Some(to.item.to_string());
        change.price = Some(to.price.to_string());
        change.quantity = to.quantity;
        let req = UpdateSubscription::new(to.sub.to_string())
            .items(vec![change])
            .proration_behavior(proration_behavior(to.proration))
            .metadata(to.metadata.clone());
        Ok(subscription_of(self.write(req, key).await?))
    }

    pub async fn set_cancel_at_period_end(
        &self,
        sub: &str,
        on: bool,
        key: &str,
    ) -> Result<Subscription, Error> {
        let req = UpdateSubscription::new(sub.to_string()).cancel_at_period_end(on);
        Ok(subscription_of(self.write(req, key).await?))
    }

    pub async fn cancel_subscription(&self, sub: &str, key: &str) -> Result<Subscription, Error> {
        Ok(subscription_of(
            self.write(CancelSubscription::new(sub.to_string()), key)
                .await?,
        ))
    }

    pub async fn create_checkout(
        &self,
        c: &NewCheckout<'_>,
        key: &str,
    ) -> Result<CheckoutSession, Error> {
        let mut line = CreateCheckoutSessionLineItems::new();
        line.price = Some(c.price.to_string());
        line.quantity = Some(c.quantity);
        let mut sub_data = CreateCheckoutSessionSubscriptionData::new();
        sub_data.metadata = Some(c.metadata.clone());
        let mut req = CreateCheckoutSession::new()
            .mode(stripe_shared::CheckoutSessionMode::Subscription)
            .line_items(vec![line])
            .success_url(c.success_url.to_string())
            .cancel_url(c.cancel_url.to_string())
            .metadata(c.metadata.clone())
            .subscription_data(sub_data);
        req = match c.who {
            CheckoutFor::Customer(c) => req.customer(c.to_string()),
            CheckoutFor::Email(e) => req.customer_email(e.to_string()),
        };
        if let Some(r) = c.client_reference_id {
            req = req.client_reference_id(r.to_string());
        }
        let s = self.write(req, key).await?;
        Ok(CheckoutSession {
            id: s.id.to_string(),
            url: s.url,
            customer: s.customer.map(|c| c.id().to_string()),
            customer_email: s.customer_email,
            expires_at: s.expires_at,
        })
    }
}

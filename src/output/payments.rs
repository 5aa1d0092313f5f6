//! How payment methods, invoices, subscription outcomes and payment standing read on a
//! terminal.

use super::{Output, Render};
use crate::adapters::stripe::{InvoiceInfo, PaymentMethodInfo};
use crate::domain::money::money;
use crate::domain::time::{utc_date, utc_datetime};
use crate::ops::payments::{
    CustomerReport, InvoiceList, MethodList, Standing, SubscriptionOutcome,
};

/// "visa …4242 (08/2030)".
pub fn card(pm: &PaymentMethodInfo) -> String {
    let exp = match (pm.exp_month, pm.exp_year) {
        (Some(m), Some(y)) => format!(" ({m:02}/{y})"),
        _ => String::new(),
    };
    format!(
        "{} …{}{exp}",
        pm.brand.as_deref().unwrap_or(&pm.kind),
        pm.last4.as_deref().unwrap_or("????")
    )
}

impl Render for PaymentMethodInfo {
    fn render(&self, _: &Output) -> String {
        let default = if self.default {
            ", the invoice default"
        } else {
            ""
        };
        let owner = self.customer.as_deref().unwrap_or("no customer");
        format!("{}  {}  {owner}{default}", self.id, card(self))
    }
}

impl Render for MethodList {
    fn render(&self, out: &Output) -> String {
        if self.0.is_empty() {
            return String::new();
        }
        let rows = self
            .0
            .iter()
            .map(|pm| {
                vec![
                    super::cell(&pm.id),
                    super::cell(card(pm)),
                    super::cell(if pm.default { "yes" } else { "" }),
                ]
            })
            .collect();
        out.table(&["PAYMENT METHOD", "CARD", "DEFAULT"], rows)
    }

    fn notes(&self) -> Vec<String> {
        if self.0.is_empty() {
            vec!["No payment methods: invoices cannot be charged. In test mode attach one with 'billctl payment-methods attach --customer CUS pm_card_visa --default'; otherwise send 'billctl portal create' or 'billctl checkout create --mode setup'.".into()]
        } else {
            Vec::new()
        }
    }
}

impl Render for InvoiceInfo {
    fn render(&self, _: &Output) -> String {
        let mut s = format!(
            "id:         {}\nnumber:     {}\nstatus:     {}\ncustomer:   {}\nsubscription: {}\ndue:        {} (paid {}, remaining {})\ncreated:    {}\nattempts:   {}\n",
            self.id,
            self.number.as_deref().unwrap_or("-"),
            self.status.as_deref().unwrap_or("-"),
            self.customer,
            self.subscription.as_deref().unwrap_or("-"),
            money(self.amount_due, &self.currency),
            money(self.amount_paid, &self.currency),
            money(self.amount_remaining, &self.currency),
            utc_datetime(self.created),
            self.attempt_count
        );
        if let Some(t) = self.next_payment_attempt {
            s.push_str(&format!("next retry: {}\n", utc_datetime(t)));
        }
        if let Some(t) = self.due_date {
            s.push_str(&format!("due date:   {}\n", utc_date(t)));
        }
        if let Some(p) = &self.payment_problem {
            s.push_str(&format!("problem:    {p}\n"));
        }
        if let Some(u) = &self.hosted_invoice_url {
            s.push_str(&format!("pay at:     {u}\n"));
        }
        s
    }
}

impl Render for InvoiceList {
    fn render(&self, out: &Output) -> String {
        let rows = self
            .0
            .iter()
            .map(|i| {
                vec![
                    super::cell(&i.id),
                    super::cell(i.number.as_deref().unwrap_or("-")),
                    super::cell(i.status.as_deref().unwrap_or("-")),
                    super::cell(money(i.amount_due, &i.currency)),
                    super::cell(money(i.amount_paid, &i.currency)),
                    super::cell(utc_date(i.created)),
                    super::cell(i.hosted_invoice_url.as_deref().unwrap_or("-")),
                ]
            })
            .collect();
        out.table(
            &[
                "INVOICE",
                "NUMBER",
                "STATUS",
                "DUE",
                "PAID",
                "CREATED (UTC)",
                "URL",
            ],
            rows,
        )
    }
}

impl Render for SubscriptionOutcome {
    fn render(&self, out: &Output) -> String {
        super::subscription_table(out, std::slice::from_ref(&self.row))
    }

    fn notes(&self) -> Vec<String> {
        match self.row.status.as_str() {
            "trialing" => vec![format!(
                "Trial until {}; the first charge is then.",
                self.trial_end.map_or("-".into(), utc_datetime)
            )],
            "incomplete" => {
                let mut n = vec![format!(
                    "Not paid for: {}. The subscription stays incomplete (no API access) until its first invoice is paid, and expires after 23 hours.",
                    self.reason()
                )];
                if let Some(u) = self
                    .invoice
                    .as_ref()
                    .and_then(|i| i.hosted_invoice_url.as_ref())
                {
                    n.push(format!("Send the customer the invoice to pay: {u}"));
                }
                n
            }
            _ => Vec::new(),
        }
    }
}

impl Render for Standing {
    fn render(&self, _: &Output) -> String {
        let mut s = format!("access:   {}", self.access);
        if let Some(u) = self.grace_until {
            s.push_str(&format!(" (past_due grace until {})", utc_datetime(u)));
        }
        if self.payment.failed_attempts > 0 || self.payment.failed_at.is_some() {
            s.push_str(&format!(
                "\ndunning:  {} since {}, next retry {}",
                crate::util::plural::count(
                    self.payment.failed_attempts,
                    "failed attempt",
                    "failed attempts"
                ),
                self.payment.failed_at.map_or("-".into(), utc_datetime),
                self.payment
                    .next_attempt
                    .map_or("none".into(), utc_datetime)
            ));
        }
        s
    }
}

impl Render for CustomerReport {
    fn render(&self, out: &Output) -> String {
        let c = &self.customer;
        let unknown = if self.tier == crate::domain::billing::UNKNOWN_TIER {
            " (price not in the catalog)"
        } else {
            ""
        };
        let mut text = format!(
            "id:       {}\nemail:    {}\nname:     {}\ncreated:  {}\ntier:     {}{unknown}\n{}\ncard:     {}\napi keys: {}\n",
            super::clean(&c.id),
            super::clean(c.email.as_deref().unwrap_or("-")),
            super::clean(c.name.as_deref().unwrap_or("-")),
            utc_date(c.created),
            super::clean(&self.tier),
            self.standing.render(out),
            self.default_payment_method.as_ref().map_or("none (no default payment method)".into(), card),
            self.api_keys
        );
        for i in &self.open_invoices {
            text.push_str(&format!(
                "open:     {} {} due{}\n",
                super::clean(&i.id),
                money(i.amount_remaining, &i.currency),
                i.hosted_invoice_url
                    .as_deref()
                    .map_or(String::new(), |u| format!(", pay at {}", super::clean(u)))
            ));
        }
        if !self.subscriptions.is_empty() {
            text.push_str(&super::subscription_table(out, &self.subscriptions));
        }
        text
    }
}

/// Customers, for `customers list`.
#[derive(serde::Serialize)]
#[serde(transparent)]
pub struct CustomerList(pub Vec<crate::domain::billing::Customer>);

impl Render for CustomerList {
    fn render(&self, out: &Output) -> String {
        let rows = self
            .0
            .iter()
            .map(|c| {
                vec![
                    super::cell(&c.id),
                    super::cell(c.email.as_deref().unwrap_or("-")),
                    super::cell(c.name.as_deref().unwrap_or("-")),
                    super::cell(utc_date(c.created)),
                ]
            })
            .collect();
        out.table(&["ID", "EMAIL", "NAME", "CREATED"], rows)
    }

    fn notes(&self) -> Vec<String> {
        vec![format!(
            "{}.",
            crate::util::plural::count(self.0.len(), "customer", "customers")
        )]
    }
}

impl Render for crate::ops::payments::CheckoutLink {
    fn render(&self, _: &Output) -> String {
        self.url.clone().unwrap_or_default()
    }

    fn notes(&self) -> Vec<String> {
        vec![format!(
            "Checkout Session {} for {} expires {}.",
            self.id,
            crate::domain::billing::seats::label(&self.tier, self.quantity),
            utc_datetime(self.expires_at)
        )]
    }
}

impl Render for crate::ops::customers::Created {
    /// The new id on stdout (for scripts: `CUS=$(billctl customers create ...)`).
    fn render(&self, _: &Output) -> String {
        self.0.id.clone()
    }

    fn notes(&self) -> Vec<String> {
        let email = self.0.email.as_deref().unwrap_or_default();
        vec![format!("Created customer {} <{email}>.", self.0.id)]
    }
}

impl Render for crate::ops::customers::Updated {
    fn render(&self, _: &Output) -> String {
        String::new()
    }

    fn notes(&self) -> Vec<String> {
        vec![format!("Updated {}.", self.0.id)]
    }
}

impl Render for crate::ops::checkout::SetupLink {
    /// The URL on stdout, to send to the customer.
    fn render(&self, _: &Output) -> String {
        self.url.clone()
    }

    fn notes(&self) -> Vec<String> {
        vec![format!("Checkout Session {}: {} enters a card there; make it the default with 'billctl payment-methods default' if Stripe did not.", self.id, self.customer_id)]
    }
}

impl Render for crate::ops::payments::PortalLink {
    /// The URL on stdout, to send to the customer.
    fn render(&self, _: &Output) -> String {
        self.url.clone()
    }

    fn notes(&self) -> Vec<String> {
        vec![format!("Send this link to {}: it opens their billing portal (cards, invoices, cancel) and expires shortly.", self.customer_id)]
    }
}

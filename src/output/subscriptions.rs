//! How subscriptions read on a terminal.

use super::{Output, Render};
use crate::domain::billing::{MirrorRow, UNKNOWN_TIER};
use crate::domain::time::utc_date;
use crate::ops::subscriptions::{SubscriptionView, SyncReport};
use comfy_table::Color;

/// The mirror rows as a table (tier `unknown` in red: it is not silently ignored).
pub fn subscription_table(out: &Output, rows: &[MirrorRow]) -> String {
    let rows = rows
        .iter()
        .map(|r| {
            let tier = if r.tier == UNKNOWN_TIER {
                out.paint(&r.tier, Color::Red)
            } else {
                super::cell(&r.tier)
            };
            let cancel = match (r.cancel_at_period_end, r.canceled_at) {
                (_, Some(t)) => format!("canceled {}", utc_date(t)),
                (true, None) => format!("at period end ({})", utc_date(r.current_period_end)),
                _ => "-".into(),
            };
            let period = format!(
                "{} .. {}",
                utc_date(r.current_period_start),
                utc_date(r.current_period_end)
            );
            vec![
                super::cell(&r.id),
                super::cell(&r.customer_id),
                tier,
                super::cell(r.quantity),
                super::cell(&r.status),
                super::cell(period),
                super::cell(cancel),
            ]
        })
        .collect();
    let header = [
        "SUBSCRIPTION",
        "CUSTOMER",
        "TIER",
        "SEATS",
        "STATUS",
        "PERIOD (UTC)",
        "CANCEL",
    ];
    out.table(&header, rows)
}

impl Render for SyncReport {
    fn render(&self, _: &Output) -> String {
        let line = |name: &str, k: &crate::domain::billing::Counts| {
            format!(
                "{name}: {} added, {} updated, {} removed, {} unchanged",
                k.added, k.updated, k.removed, k.unchanged
            )
        };
        format!(
            "{}\n{}",
            line("customers", &self.customers),
            line("subscriptions", &self.subscriptions)
        )
    }

    fn notes(&self) -> Vec<String> {
        if self.customers.changed() + self.subscriptions.changed() == 0 {
            vec!["No changes: the mirror matches Stripe.".into()]
        } else {
            Vec::new()
        }
    }
}

impl Render for SubscriptionView {
    fn render(&self, out: &Output) -> String {
        subscription_table(out, std::slice::from_ref(&self.row))
    }
}

impl Render for crate::ops::payments::ListedSubscriptions {
    fn render(&self, out: &Output) -> String {
        let rows: Vec<MirrorRow> = self.0.iter().map(|l| l.row.clone()).collect();
        let mut text = subscription_table(out, &rows);
        for l in self.0.iter().filter(|l| {
            l.access != crate::domain::billing::AccessState::Granted
                || l.payment.failed_attempts > 0
        }) {
            let card = l
                .default_payment_method
                .as_ref()
                .map_or("no default card".to_string(), super::card);
            let retry = l
                .payment
                .next_attempt
                .map_or("none".into(), crate::domain::time::utc_datetime);
            let grace = l.grace_until.map_or(String::new(), |g| {
                format!(", grace until {}", crate::domain::time::utc_datetime(g))
            });
            text.push_str(&format!(
                "\n{}: access {}{grace}; {}, next retry {retry}; {card}",
                l.row.id,
                l.access,
                crate::util::plural::count(
                    l.payment.failed_attempts,
                    "failed attempt",
                    "failed attempts"
                )
            ));
        }
        text
    }

    fn notes(&self) -> Vec<String> {
        vec![format!(
            "{}.",
            crate::util::plural::count(self.0.len(), "subscription", "subscriptions")
        )]
    }
}

impl Render for crate::ops::payments::ShownSubscription {
    /// The subscription's row, then its access and dunning state as `customers show` words
    /// them, and for one in trouble the card Stripe retries.
    fn render(&self, out: &Output) -> String {
        let l = &self.listed;
        let mut text = subscription_table(out, std::slice::from_ref(&l.row));
        let standing = crate::ops::payments::Standing {
            access: l.access,
            grace_until: l.grace_until,
            subscription: Some(l.row.id.clone()),
            status: Some(l.row.status.clone()),
            payment: l.payment.clone(),
        };
        text.push('\n');
        text.push_str(&standing.render(out));
        if l.payment.failed_attempts == 0 && l.payment.failed_at.is_none() {
            text.push_str("\ndunning:  none (no failed payment)");
        }
        if crate::ops::payments::in_trouble(&l.row.status) {
            let card = l
                .default_payment_method
                .as_ref()
                .map_or("none (no default payment method)".into(), super::card);
            text.push_str(&format!("\ncard:     {card}"));
        }
        text
    }
}

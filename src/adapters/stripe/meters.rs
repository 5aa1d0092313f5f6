//! Billing meters: the catalog's meter (setup-products), meter events (`usage sync`) and
//! meter event summaries (`usage reconcile`).
//! See <https://docs.stripe.com/api/billing/meter> and <https://docs.stripe.com/api/billing/meter-event>.

use super::{all_pages, Error, Stripe, Writer, PAGE};
use crate::domain::catalog::MeterSpec;
use crate::domain::catalog::RemoteMeter;
use std::collections::HashMap;
use stripe_billing::billing_meter::{
    CreateBillingMeter, CreateBillingMeterCustomerMapping, CreateBillingMeterCustomerMappingType,
    CreateBillingMeterDefaultAggregation, CreateBillingMeterDefaultAggregationFormula,
    CreateBillingMeterValueSettings, ListBillingMeter, ReactivateBillingMeter, UpdateBillingMeter,
};
use stripe_billing::billing_meter_event::CreateBillingMeterEvent;
use stripe_billing::billing_meter_event_summary::{
    ListIdBillingMeterEventSummary, ListIdBillingMeterEventSummaryValueGroupingWindow,
};

/// The payload key that names the customer in billctl's meter events (Stripe's default).
pub const CUSTOMER_KEY: &str = "stripe_customer_id";
/// The payload key that carries the quantity (Stripe's default).
pub const VALUE_KEY: &str = "value";

fn meter_of(m: stripe_billing::BillingMeter) -> RemoteMeter {
    RemoteMeter {
        id: m.id.to_string(),
        event_name: m.event_name,
        display_name: m.display_name,
        active: m.status.as_str() == "active",
        formula: m.default_aggregation.formula.as_str().to_string(),
    }
}

/// One summary: the meter's aggregated value over [start, end).
#[derive(Debug, Clone, PartialEq)]
pub struct Summary {
    pub start: i64,
    pub end: i64,
    pub value: f64,
}

impl Stripe {
    /// Every meter of the account, active or not.
    pub async fn meters(&self) -> Result<Vec<RemoteMeter>, Error> {
        let fetch = |after: Option<String>| {
            let mut req = ListBillingMeter::new().limit(PAGE);
            if let Some(a) = after {
                req = req.starting_after(a);
            }
            let transport = self.transport();
            async move { req.send(transport).await }
        };
        all_pages(fetch, |m| Some(m.id.to_string()), meter_of, |_| {}).await
    }

    /// The meter with the configured event name (active first), if Stripe has one.
    pub async fn find_meter(&self, spec: &MeterSpec) -> Result<Option<RemoteMeter>, Error> {
        let meters = self.meters().await?;
        Ok(crate::domain::catalog::find_meter(&meters, spec).cloned())
    }

    /// The meter's totals for one customer over [start, end) by UTC day (or hour), aligned
    /// to the window.
    pub async fn summaries(
        &self,
        meter: &str,
        customer: &str,
        start: i64,
        end: i64,
        hourly: bool,
    ) -> Result<Vec<Summary>, Error> {
        let window = if hourly {
            ListIdBillingMeterEventSummaryValueGroupingWindow::Hour
        } else {
            ListIdBillingMeterEventSummaryValueGroupingWindow::Day
        };
        let fetch = |after: Option<String>| {
            let mut req =
                ListIdBillingMeterEventSummary::new(meter.to_string(), customer, end, start)
                    .value_grouping_window(window.clone())
                    .limit(PAGE);
            if let Some(a) = after {
                req = req.starting_after(a);
            }
            let transport = self.transport();
            async move { req.send(transport).await }
        };
        all_pages(
            fetch,
            |s| Some(s.id.to_string()),
            |s| Summary {
                start: s.start_time,
                end: s.end_time,
                value: s.aggregated_value,
            },
            |_| {},
        )
        .await
    }
}

impl Writer {
    /// Creates the meter: the sum of the events' `value`, the customer by id.
    pub async fn create_meter(&self, spec: &MeterSpec, key: &str) -> Result<RemoteMeter, Error> {
        let req = CreateBillingMeter::new(
            CreateBillingMeterDefaultAggregation::new(
                CreateBillingMeterDefaultAggregationFormula::Sum,
            ),
            spec.display_name.clone(),
            spec.event_name.clone(),
        )
        .customer_mapping(CreateBillingMeterCustomerMapping::new(
            CUSTOMER_KEY,
            CreateBillingMeterCustomerMappingType::ById,
        ))
        .value_settings(CreateBillingMeterValueSettings::new(VALUE_KEY));
        Ok(meter_of(self.write(req, key).await?))
    }

    pub async fn update_meter(
        &self,
        id: &str,
        spec: &MeterSpec,
        key: &str,
    ) -> Result<RemoteMeter, Error> {
        let req = UpdateBillingMeter::new(id.to_string()).display_name(spec.display_name.clone());
        Ok(meter_of(self.write(req, key).await?))
    }

    pub async fn reactivate_meter(&self, id: &str, key: &str) -> Result<RemoteMeter, Error> {
        Ok(meter_of(
            self.write(ReactivateBillingMeter::new(id.to_string()), key)
                .await?,
        ))
    }

    /// Sends one meter event: `value` units for `customer` at `timestamp`, under Stripe's
    /// deduplicating `identifier` (and the same string as the idempotency key, so a retried
    /// request is replayed rather than seen as a duplicate).
    pub async fn send_meter_event(
        &self,
        event_name: &str,
        customer: &str,
        value: i64,
        timestamp: i64,
        identifier: &str,
    ) -> Result<(), Error> {
        let payload: HashMap<String, String> = [
            (CUSTOMER_KEY.to_string(), customer.to_string()),
            (VALUE_KEY.to_string(), value.to_string()),
        ]
        .into();
        let req = CreateBillingMeterEvent::new(event_name.to_string(), payload)
            .identifier(identifier.to_string())
            .timestamp(timestamp);
        self.write(req, identifier).await?;
        Ok(())
    }
}

//! Stripe access: the only module that uses async-stripe. Domain methods return billctl's own
//! types (`catalog::RemotePrice`, ...), every write carries an idempotency key chosen by the
//! caller, and the transport retries safely (see `transport`).

mod billing;
mod catalog;
mod connect;
pub mod error;
mod events;
mod handle;
pub mod meters;
mod payments;
pub mod proxy;
pub mod send;
pub mod transport;

pub(crate) use billing::{subscription_from_json, subscription_of};
pub use billing::{CheckoutFor, CheckoutSession, NewCheckout, PriceChange};
pub use error::Error;
pub use handle::{LiveRefused, Stripe, Writer};
pub use payments::{InvoiceInfo, NewSubscription, PaymentMethodInfo};
pub use transport::{Settings, Transport};

use crate::domain::catalog::PriceSpec;
use crate::domain::catalog::{ProductFields, RemotePrice, RemoteProduct};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;
use stripe_product::price::{
    CreatePrice, CreatePriceRecurring, CreatePriceRecurringInterval, CreatePriceRecurringUsageType,
    CreatePriceTiers, CreatePriceTiersUpTo, ListPrice, UpdatePrice,
};
use stripe_product::product::{CreateProduct, Features, ListProduct, UpdateProduct};

/// The Stripe API version billctl's types are built for (async-stripe's pin, sent on every
/// request); `webhooks endpoint create` pins endpoints to it.
pub const API_VERSION: &str = "2026-09-30.endive";

/// Stripe documents at most 10 `lookup_keys` per price list call.
const LOOKUP_KEYS_PER_CALL: usize = 10;
/// The largest page Stripe serves.
pub(crate) const PAGE: i64 = 100;

/// Every item of a Stripe list: fetches pages with `fetch(starting_after)` until `has_more`
/// is false, maps each item, and reports the running count to `on_page`.
pub(crate) async fn all_pages<T, U, Fut>(
    mut fetch: impl FnMut(Option<String>) -> Fut,
    id: impl Fn(&T) -> Option<String>,
    map: impl Fn(T) -> U,
    mut on_page: impl FnMut(usize),
) -> Result<Vec<U>, Error>
where
    Fut: std::future::Future<Output = Result<stripe_types::List<T>, Error>>,
{
    let mut out = Vec::new();
    let mut after = None;
    loop {
        let page = fetch(after.take()).await?;
        after = page.data.last().and_then(&id);
        out.extend(page.data.into_iter().map(&map));
        on_page(out.len());
        if !page.has_more || after.is_none() {
            return Ok(out);
        }
    }
}

impl Stripe {
    /// Whether Stripe answered the write under `key` with a stored reply (see
    /// `ops::writes::settle`).
    pub fn replayed(&self, key: &str) -> bool {
        self.transport().replayed(key)
    }

    /// Writes Stripe answered with a stored reply so far, by this client.
    pub fn replays(&self) -> u64 {
        self.transport().replays()
    }

    /// The idempotency keys of the writes this client sent, oldest first.
    pub fn written_keys(&self) -> Vec<String> {
        self.transport().written_keys()
    }
}

fn product_of(p: stripe_shared::Product) -> RemoteProduct {
    RemoteProduct {
        id: p.id.to_string(),
        name: p.name,
        description: p.description,
        active: p.active,
        metadata: p.metadata.into_iter().collect(),
        features: p
            .marketing_features
            .into_iter()
            .filter_map(|f| f.name)
            .collect(),
    }
}

pub(crate) fn price_of(p: stripe_shared::Price) -> RemotePrice {
    RemotePrice {
        id: p.id.to_string(),
        product: p.product.id().to_string(),
        active: p.active,
        lookup_key: p.lookup_key,
        amount: p.unit_amount,
        currency: p.currency.to_string(),
        interval: p
            .recurring
            .as_ref()
            .map(|r| r.interval.as_str().to_string()),
        interval_count: p.recurring.as_ref().map(|r| r.interval_count),
        nickname: p.nickname,
        tax_behavior: p.tax_behavior.map(|t| t.as_str().to_string()),
        metadata: p.metadata.into_iter().collect(),
        usage_type: p
            .recurring
            .as_ref()
            .map(|r| r.usage_type.as_str().to_string()),
        meter: p.recurring.as_ref().and_then(|r| r.meter.clone()),
        tiers: p
            .tiers
            .unwrap_or_default()
            .into_iter()
            .map(|t| crate::domain::catalog::RemoteTier {
                up_to: t.up_to,
                unit_amount_decimal: t
                    .unit_amount_decimal
                    .or_else(|| t.unit_amount.map(|a| a.to_string())),
                flat_amount: t.flat_amount,
            })
            .collect(),
    }
}

fn hash(m: &BTreeMap<String, String>) -> HashMap<String, String> {
    m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn tax_behavior(t: &str) -> Result<stripe_shared::PriceTaxBehavior, Error> {
    stripe_shared::PriceTaxBehavior::from_str(t)
        .map_err(|_| Error::Decode(format!("bad tax_behavior {t}")))
}

fn features(names: &[String]) -> Vec<Features> {
    names.iter().map(|n| Features::new(n.clone())).collect()
}

impl Stripe {
    /// One cheap read that needs a working key (`GET /v1/customers?limit=1`): whether Stripe
    /// accepts the key, and a `Date` for [`Stripe::clock_skew`].
    pub async fn ping(&self) -> Result<(), Error> {
        self.transport()
            .raw(
                transport::Method::Get,
                "/customers",
                Some("limit=1".into()),
                None,
                None,
            )
            .await
            .map(|_| ())
    }

    /// Prices holding any of `keys`, active or not, in as few calls as Stripe allows.
    pub async fn prices_by_lookup_keys(&self, keys: &[String]) -> Result<Vec<RemotePrice>, Error> {
        let mut out = Vec::new();
        for chunk in keys.chunks(LOOKUP_KEYS_PER_CALL) {
            let fetch = |after: Option<String>| {
                // Stripe leaves a price's tiers out unless asked for.
                let mut req = ListPrice::new()
                    .lookup_keys(chunk.to_vec())
                    .expand(vec!["data.tiers".to_string()])
                    .limit(PAGE);
                if let Some(a) = after {
                    req = req.starting_after(a);
                }
                let transport = self.transport();
                async move { req.send(transport).await }
            };
            out.extend(all_pages(fetch, |p| Some(p.id.to_string()), price_of, |_| {}).await?);
        }
        Ok(out)
    }

    /// The products with these ids that exist (one call for up to 100 ids).
    pub async fn products_by_ids(&self, ids: &[String]) -> Result<Vec<RemoteProduct>, Error> {
        let mut out = Vec::new();
        for chunk in ids.chunks(PAGE as usize) {
            let page = ListProduct::new()
                .ids(chunk.to_vec())
                .limit(PAGE)
                .send(self.transport())
                .await?;
            out.extend(page.data.into_iter().map(product_of));
        }
        Ok(out)
    }

    /// Every active product carrying `metadata[key]`, across all pages.
    pub async fn active_products_with_metadata(
        &self,
        key: &str,
    ) -> Result<Vec<RemoteProduct>, Error> {
        let fetch = |after: Option<String>| {
            let mut req = ListProduct::new().active(true).limit(PAGE);
            if let Some(a) = after {
                req = req.starting_after(a);
            }
            let transport = self.transport();
            async move { req.send(transport).await }
        };
        let all = all_pages(fetch, |p| Some(p.id.to_string()), product_of, |_| {}).await?;
        Ok(all
            .into_iter()
            .filter(|p| p.metadata.contains_key(key))
            .collect())
    }

    /// The active prices of a product.
    pub async fn active_prices_of(&self, product: &str) -> Result<Vec<RemotePrice>, Error> {
        self.active_prices(Some(product)).await
    }

    /// The active prices of a product, or (`None`) of the whole account, across all pages.
    pub async fn active_prices(&self, product: Option<&str>) -> Result<Vec<RemotePrice>, Error> {
        let fetch = |after: Option<String>| {
            let mut req = ListPrice::new().active(true).limit(PAGE);
            if let Some(p) = product {
                req = req.product(p.to_string());
            }
            if let Some(a) = after {
                req = req.starting_after(a);
            }
            let transport = self.transport();
            async move { req.send(transport).await }
        };
        all_pages(fetch, |p| Some(p.id.to_string()), price_of, |_| {}).await
    }
}

impl Writer {
    pub async fn create_product(
        &self,
        f: &ProductFields,
        key: &str,
    ) -> Result<RemoteProduct, Error> {
        let mut req = CreateProduct::new(f.name.clone())
            .id(f.id.clone())
            .metadata(hash(&f.metadata))
            .marketing_features(features(&f.features));
        if let Some(d) = &f.description {
            req = req.description(d.clone());
        }
        Ok(product_of(self.write(req, key).await?))
    }

    /// Sets every managed field of the product to `f` (and reactivates it).
    pub async fn update_product(
        &self,
        id: &str,
        f: &ProductFields,
        key: &str,
    ) -> Result<RemoteProduct, Error> {
        let req = UpdateProduct::new(id.to_string())
            .name(f.name.clone())
            .description(f.description.clone().unwrap_or_default())
            .active(true)
            .metadata(hash(&f.metadata))
            .marketing_features(features(&f.features));
        Ok(product_of(self.write(req, key).await?))
    }

    pub async fn archive_product(&self, id: &str, key: &str) -> Result<RemoteProduct, Error> {
        let req = UpdateProduct::new(id.to_string()).active(false);
        Ok(product_of(self.write(req, key).await?))
    }

    /// Creates a price; with `transfer`, the lookup key moves to it from whichever price holds it.
    /// An overage price (`spec.metered`) is metered on `meter`, graduated: free up to the quota,
    /// then the per-call amount.
    pub async fn create_price(
        &self,
        product: &str,
        spec: &PriceSpec,
        metadata: &BTreeMap<String, String>,
        transfer: bool,
        meter: Option<&str>,
        key: &str,
    ) -> Result<RemotePrice, Error> {
        let currency = stripe_types::Currency::from_str(&spec.currency)
            .map_err(|_| Error::Decode(format!("unknown currency {}", spec.currency)))?;
        let interval = CreatePriceRecurringInterval::from_str(spec.interval.as_str())
            .map_err(|_| Error::Decode("bad interval".into()))?;
        let mut recurring = CreatePriceRecurring {
            interval_count: Some(spec.interval_count.into()),
            ..CreatePriceRecurring::new(interval)
        };
        let mut req = CreatePrice::new(currency).product(product.to_string());
        match (&spec.metered, spec.per_call_decimal()) {
            (Some(m), Some(per_call)) => {
                let meter = meter.ok_or_else(|| {
                    Error::Decode(format!(
                        "no meter to bill overage price {} on",
                        spec.lookup_key
                    ))
                })?;
                recurring.usage_type = Some(CreatePriceRecurringUsageType::Metered);
                recurring.meter = Some(meter.to_string());
                let free = CreatePriceTiers {
                    unit_amount: Some(0),
                    ..CreatePriceTiers::new(CreatePriceTiersUpTo::I64(m.included as i64))
                };
                let over = CreatePriceTiers {
                    unit_amount_decimal: Some(per_call),
                    ..CreatePriceTiers::new(CreatePriceTiersUpTo::Inf)
                };
                req = req
                    .billing_scheme(stripe_shared::PriceBillingScheme::Tiered)
                    .tiers_mode(stripe_shared::PriceTiersMode::Graduated)
                    .tiers(vec![free, over]);
            }
            _ => req = req.unit_amount(spec.amount),
        }
        let mut req = req
            .recurring(recurring)
            .lookup_key(spec.lookup_key.clone())
            .metadata(hash(metadata));
        if transfer {
            req = req.transfer_lookup_key(true);
        }
        if let Some(n) = &spec.nickname {
            req = req.nickname(n.clone());
        }
        if let Some(t) = &spec.tax_behavior {
            req = req.tax_behavior(tax_behavior(t)?);
        }
        Ok(price_of(self.write(req, key).await?))
    }

    /// Updates the fields Stripe allows on a price: active, nickname, tax_behavior, metadata.
    pub async fn update_price(
        &self,
        id: &str,
        spec: &PriceSpec,
        metadata: &BTreeMap<String, String>,
        key: &str,
    ) -> Result<RemotePrice, Error> {
        let mut req = UpdatePrice::new(id.to_string())
            .active(true)
            .metadata(hash(metadata));
        if let Some(n) = &spec.nickname {
            req = req.nickname(n.clone());
        }
        if let Some(t) = &spec.tax_behavior {
            req = req.tax_behavior(tax_behavior(t)?);
        }
        Ok(price_of(self.write(req, key).await?))
    }

    pub async fn archive_price(&self, id: &str, key: &str) -> Result<RemotePrice, Error> {
        let req = UpdatePrice::new(id.to_string()).active(false);
        Ok(price_of(self.write(req, key).await?))
    }

    /// Sets (or, with an empty value, removes) one metadata key of a price.
    pub async fn set_price_metadata(
        &self,
        id: &str,
        k: &str,
        v: &str,
        key: &str,
    ) -> Result<RemotePrice, Error> {
        let m: HashMap<String, String> = [(k.to_string(), v.to_string())].into();
        let req = UpdatePrice::new(id.to_string()).metadata(m);
        Ok(price_of(self.write(req, key).await?))
    }
}

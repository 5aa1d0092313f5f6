//! Reading the catalog's Stripe state in as few calls as possible, and applying one planned
//! action with idempotency keys derived from what it is meant to achieve.

use super::{Error, Stripe};
use crate::catalog::{Action, Observed, META_REPLACES, META_TIER};
use crate::config::Config;
use crate::idempotency::derived as idempotency_key;

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

impl Stripe {
    /// One price list call per 10 lookup keys, one product list call by ids; with `prune`, the
    /// active billctl products whose tier is gone, and their active prices.
    pub async fn observe(&self, config: &Config, prune: bool) -> Result<Observed, Error> {
        let keys: Vec<String> = config.prices().map(|(_, p)| p.lookup_key.clone()).collect();
        let prices: Vec<_> = self
            .prices_by_lookup_keys(&keys)
            .await?
            .into_iter()
            .filter(|p| p.lookup_key.as_ref().is_some_and(|k| keys.contains(k)))
            .collect();
        let mut ids: Vec<String> = config.tiers.iter().map(|t| t.product_id.clone()).collect();
        for p in &prices {
            if !ids.contains(&p.product) {
                ids.push(p.product.clone());
            }
        }
        let products = self.products_by_ids(&ids).await?;
        let mut orphans = Vec::new();
        if prune {
            for product in self.active_products_with_metadata(META_TIER).await? {
                let tier = product.metadata.get(META_TIER).cloned().unwrap_or_default();
                if config.tier(&tier).is_none() && !ids.contains(&product.id) {
                    let prices = self.active_prices_of(&product.id).await?;
                    orphans.push((product, prices));
                }
            }
        }
        let meter = match &config.meter {
            Some(spec) => self.find_meter(spec).await?,
            None => None,
        };
        Ok(Observed {
            prices,
            products,
            orphans,
            meter,
        })
    }

    /// Applies one action. Every POST carries a key derived from the desired state, so
    /// repeating the step (after a crash or a lost response) cannot create a second object.
    /// `meter` is the catalog meter's id: known from observing, or set by a `CreateMeter` step
    /// for the overage prices after it.
    pub async fn apply(&self, action: &Action, meter: &mut Option<String>) -> Result<(), Error> {
        match action {
            Action::CreateMeter { spec } => {
                let key = idempotency_key(&["create-meter", &spec.event_name, &spec.display_name]);
                *meter = Some(self.create_meter(spec, &key).await?.id);
            }
            Action::UpdateMeter { id, spec, .. } => {
                let key = idempotency_key(&["update-meter", id, &spec.display_name]);
                self.update_meter(id, spec, &key).await?;
            }
            Action::ReactivateMeter { id, .. } => {
                self.reactivate_meter(id, &idempotency_key(&["reactivate-meter", id]))
                    .await?;
            }
            Action::CreateProduct { fields, .. } => {
                self.create_product(fields, &idempotency_key(&["create-product", &json(fields)]))
                    .await?;
            }
            Action::UpdateProduct {
                id,
                fields,
                changes,
                ..
            } => {
                let key = idempotency_key(&["update-product", id, &json(fields), &json(changes)]);
                self.update_product(id, fields, &key).await?;
            }
            Action::CreatePrice {
                product,
                spec,
                metadata,
                ..
            } => {
                let key = idempotency_key(&["create-price", product, &json(spec), &json(metadata)]);
                self.create_price(product, spec, metadata, false, meter.as_deref(), &key)
                    .await?;
            }
            Action::ReplacePrice {
                product,
                spec,
                metadata,
                old,
                ..
            } => {
                let step = |s: &str| {
                    idempotency_key(&[
                        "replace-price",
                        old,
                        product,
                        &json(spec),
                        &json(metadata),
                        s,
                    ])
                };
                // The marker lets the next run finish the job if this one stops half-way.
                let mut marked = metadata.clone();
                marked.insert(META_REPLACES.into(), old.clone());
                let new = self
                    .create_price(
                        product,
                        spec,
                        &marked,
                        true,
                        meter.as_deref(),
                        &step("create"),
                    )
                    .await?;
                self.archive_price(old, &step("archive")).await?;
                self.set_price_metadata(&new.id, META_REPLACES, "", &step("clear"))
                    .await?;
            }
            Action::UpdatePrice {
                id,
                spec,
                metadata,
                changes,
                ..
            } => {
                let key = idempotency_key(&[
                    "update-price",
                    id,
                    &json(spec),
                    &json(metadata),
                    &json(changes),
                ]);
                self.update_price(id, spec, metadata, &key).await?;
            }
            Action::FinishReplace { id, old, .. } => {
                self.archive_price(
                    old,
                    &idempotency_key(&["finish-replace", id, old, "archive"]),
                )
                .await?;
                self.set_price_metadata(
                    id,
                    META_REPLACES,
                    "",
                    &idempotency_key(&["finish-replace", id, old, "clear"]),
                )
                .await?;
            }
            Action::ArchivePrice { id, .. } => {
                self.archive_price(id, &idempotency_key(&["archive-price", id]))
                    .await?;
            }
            Action::ArchiveProduct { id, .. } => {
                self.archive_product(id, &idempotency_key(&["archive-product", id]))
                    .await?;
            }
        }
        Ok(())
    }
}

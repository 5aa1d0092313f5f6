//! Reading the catalog's Stripe state in as few calls as possible, and applying one planned
//! action with idempotency keys derived from what it is meant to achieve.

use super::{Error, Stripe, Writer};
use crate::domain::catalog::{Action, Observed, Written, META_REPLACES, META_TIER};
use crate::domain::config::Config;
use crate::domain::idempotency::derived;

/// A catalog write's key: what it writes, and the write journal's sequence of the catalog
/// (advanced by every completed apply), so that a change undone and made again is a new
/// request while a re-run after a failure reuses its keys (see `crate::domain::idempotency`).
fn idempotency_key(seq: i64, parts: &[&str]) -> String {
    let seq = seq.to_string();
    let mut all = parts.to_vec();
    all.push(&seq);
    derived(&all)
}

fn json<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

impl Stripe {
    /// The catalog's state in one round trip when it is converged: the prices by lookup key
    /// (one call per 10 keys), the configured products and the meter are read together; a
    /// second read only for products that prices point to outside the config. With `prune`,
    /// the active billctl products whose tier is gone, and their active prices.
    pub async fn observe(&self, config: &Config, prune: bool) -> Result<Observed, Error> {
        let keys: Vec<String> = config.prices().map(|(_, p)| p.lookup_key.clone()).collect();
        let configured: Vec<String> = config.tiers.iter().map(|t| t.product_id.clone()).collect();
        let meter = async {
            match &config.meter {
                Some(spec) => self.find_meter(spec).await,
                None => Ok(None),
            }
        };
        let tagged = async {
            if prune {
                self.active_products_with_metadata(META_TIER).await
            } else {
                Ok(Vec::new())
            }
        };
        let (prices, mut products, meter, tagged) = tokio::try_join!(
            self.prices_by_lookup_keys(&keys),
            self.products_by_ids(&configured),
            meter,
            tagged
        )?;
        let prices: Vec<_> = prices
            .into_iter()
            .filter(|p| p.lookup_key.as_ref().is_some_and(|k| keys.contains(k)))
            .collect();
        let mut others: Vec<String> = Vec::new();
        for p in &prices {
            if !configured.contains(&p.product) && !others.contains(&p.product) {
                others.push(p.product.clone());
            }
        }
        if !others.is_empty() {
            products.extend(self.products_by_ids(&others).await?);
        }
        let known: Vec<&String> = configured.iter().chain(&others).collect();
        let orphan_products: Vec<_> = tagged
            .into_iter()
            .filter(|product| {
                let tier = product.metadata.get(META_TIER).cloned().unwrap_or_default();
                config.tier(&tier).is_none() && !known.contains(&&product.id)
            })
            .collect();
        let orphan_prices = futures_util::future::try_join_all(
            orphan_products.iter().map(|p| self.active_prices_of(&p.id)),
        )
        .await?;
        Ok(Observed {
            prices,
            products,
            orphans: orphan_products.into_iter().zip(orphan_prices).collect(),
            meter,
        })
    }
}

impl Writer {
    /// Applies one wave of actions (independent of each other), at most `concurrency` at a
    /// time; returns each action's outcome, in the wave's order.
    pub async fn apply_wave(
        &self,
        wave: &[&Action],
        meter: Option<&str>,
        concurrency: usize,
        seq: i64,
    ) -> Vec<Result<Vec<Written>, Error>> {
        use futures_util::stream::{self, StreamExt};
        stream::iter(wave.iter().map(|a| self.apply(a, meter, seq)))
            .buffered(concurrency.max(1))
            .collect()
            .await
    }

    /// A price replaced: the new one created with a marker (so the next run can finish the
    /// job if this one stops half-way), the old one archived, the marker cleared.
    async fn replace_price(
        &self,
        product: &str,
        spec: &crate::domain::catalog::PriceSpec,
        metadata: &std::collections::BTreeMap<String, String>,
        old: &str,
        (meter, seq): (Option<&str>, i64),
    ) -> Result<Vec<Written>, Error> {
        let (spec_json, meta_json) = (json(spec), json(metadata));
        let step = |s: &str| {
            idempotency_key(
                seq,
                &["replace-price", old, product, &spec_json, &meta_json, s],
            )
        };
        let mut marked = metadata.clone();
        marked.insert(META_REPLACES.into(), old.to_string());
        let new = self
            .create_price(product, spec, &marked, true, meter, &step("create"))
            .await?;
        let archived = self.archive_price(old, &step("archive")).await?;
        let cleared = self
            .set_price_metadata(&new.id, META_REPLACES, "", &step("clear"))
            .await?;
        Ok(vec![Written::Price(archived), Written::Price(cleared)])
    }

    /// A replacement a run left half-way: the old price archived, the marker cleared.
    async fn finish_replace(&self, id: &str, old: &str, seq: i64) -> Result<Vec<Written>, Error> {
        let key = |step: &str| idempotency_key(seq, &["finish-replace", id, old, step]);
        let archived = self.archive_price(old, &key("archive")).await?;
        let cleared = self
            .set_price_metadata(id, META_REPLACES, "", &key("clear"))
            .await?;
        Ok(vec![Written::Price(archived), Written::Price(cleared)])
    }

    /// Applies one action and returns what it wrote, as Stripe answered. Every POST carries a
    /// key derived from the desired state, so repeating the step (after a crash or a lost
    /// response) cannot create a second object. `meter` is the catalog meter's id (known from
    /// observing, or from the wave that created it), for the overage prices.
    pub async fn apply(
        &self,
        action: &Action,
        meter: Option<&str>,
        seq: i64,
    ) -> Result<Vec<Written>, Error> {
        Ok(match action {
            Action::CreateMeter { .. }
            | Action::UpdateMeter { .. }
            | Action::ReactivateMeter { .. } => self.apply_meter(action, seq).await?,
            Action::CreateProduct { .. }
            | Action::UpdateProduct { .. }
            | Action::ArchiveProduct { .. } => self.apply_product(action, seq).await?,
            Action::CreatePrice {
                product,
                spec,
                metadata,
                ..
            } => {
                let key = idempotency_key(
                    seq,
                    &["create-price", product, &json(spec), &json(metadata)],
                );
                vec![Written::Price(
                    self.create_price(product, spec, metadata, false, meter, &key)
                        .await?,
                )]
            }
            Action::ReplacePrice {
                product,
                spec,
                metadata,
                old,
                ..
            } => {
                self.replace_price(product, spec, metadata, old, (meter, seq))
                    .await?
            }
            Action::UpdatePrice {
                id,
                spec,
                metadata,
                changes,
                ..
            } => {
                let key = idempotency_key(
                    seq,
                    &[
                        "update-price",
                        id,
                        &json(spec),
                        &json(metadata),
                        &json(changes),
                    ],
                );
                vec![Written::Price(
                    self.update_price(id, spec, metadata, &key).await?,
                )]
            }
            Action::FinishReplace { id, old, .. } => self.finish_replace(id, old, seq).await?,
            Action::ArchivePrice { id, .. } => vec![Written::Price(
                self.archive_price(id, &idempotency_key(seq, &["archive-price", id]))
                    .await?,
            )],
        })
    }

    /// [`Writer::apply`]'s meter actions (nothing for another action).
    async fn apply_meter(&self, action: &Action, seq: i64) -> Result<Vec<Written>, Error> {
        Ok(match action {
            Action::CreateMeter { spec } => {
                let key =
                    idempotency_key(seq, &["create-meter", &spec.event_name, &spec.display_name]);
                vec![Written::Meter(self.create_meter(spec, &key).await?)]
            }
            Action::UpdateMeter { id, spec, .. } => {
                let key = idempotency_key(seq, &["update-meter", id, &spec.display_name]);
                vec![Written::Meter(self.update_meter(id, spec, &key).await?)]
            }
            Action::ReactivateMeter { id, .. } => vec![Written::Meter(
                self.reactivate_meter(id, &idempotency_key(seq, &["reactivate-meter", id]))
                    .await?,
            )],
            _ => Vec::new(),
        })
    }

    /// [`Writer::apply`]'s product actions (nothing for another action).
    async fn apply_product(&self, action: &Action, seq: i64) -> Result<Vec<Written>, Error> {
        Ok(match action {
            Action::CreateProduct { fields, .. } => vec![Written::Product(
                self.create_product(
                    fields,
                    &idempotency_key(seq, &["create-product", &json(fields)]),
                )
                .await?,
            )],
            Action::UpdateProduct {
                id,
                fields,
                changes,
                ..
            } => {
                let key =
                    idempotency_key(seq, &["update-product", id, &json(fields), &json(changes)]);
                vec![Written::Product(
                    self.update_product(id, fields, &key).await?,
                )]
            }
            Action::ArchiveProduct { id, .. } => vec![Written::Product(
                self.archive_product(id, &idempotency_key(seq, &["archive-product", id]))
                    .await?,
            )],
            _ => Vec::new(),
        })
    }
}

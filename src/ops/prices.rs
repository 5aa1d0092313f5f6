//! `prices check` and `prices list`: the configured prices against what Stripe has, and the
//! expect file CI keeps. Prints nothing.

use crate::domain::catalog::{Observed, RemotePrice, META_TIER};
use crate::domain::catalog::{PriceSpec, Tier};
use crate::domain::config::Config;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;

/// One configured price (or one unknown variable of the expect file) and what is wrong.
#[derive(Debug, Serialize)]
pub struct Finding {
    pub tier: String,
    pub lookup_key: String,
    pub env: String,
    pub price_id: Option<String>,
    pub ok: bool,
    pub problems: Vec<String>,
}

#[derive(Serialize)]
pub struct CheckReport {
    pub ok: bool,
    pub checked: usize,
    pub drift: usize,
    pub findings: Vec<Finding>,
    /// Catalog changes webhooks reported since the `setup-products` runs that saw them: a hint
    /// of what to look at; `ok`, `drift` and the exit code are the check's alone.
    pub catalog_changes: Vec<CatalogChange>,
}

/// One catalog change a webhook reported (a `product.*` or `price.*` event).
#[derive(Debug, Serialize)]
pub struct CatalogChange {
    /// The event's type (`product.updated`).
    #[serde(rename = "type")]
    pub kind: String,
    /// The product or price changed.
    pub object_id: String,
    pub event_id: String,
    /// When Stripe made the change (the event's `created`).
    pub created: i64,
}

fn holder<'a>(observed: &'a Observed, key: &str) -> Option<&'a RemotePrice> {
    observed
        .prices
        .iter()
        .find(|p| p.lookup_key.as_deref() == Some(key))
}

fn check_price(tier: &Tier, spec: &PriceSpec, observed: &Observed) -> Finding {
    let mut problems = Vec::new();
    let have = holder(observed, &spec.lookup_key);
    match have {
        None => problems.push(format!(
            "lookup key {} does not resolve to any price",
            spec.lookup_key
        )),
        Some(p) => {
            if !p.active {
                problems.push(format!("price {} is archived", p.id));
            }
            let meter = observed.meter.as_ref().map(|m| m.id.as_str());
            let shape = crate::domain::catalog::shape_changes(p, spec, meter);
            if !shape.is_empty() {
                let fields: Vec<String> = shape
                    .iter()
                    .map(|c| format!("{} {} (config: {})", c.field, c.from, c.to))
                    .collect();
                problems.push(format!(
                    "price is {}, config says {}: {}",
                    crate::domain::catalog::describe_price(p),
                    crate::domain::catalog::describe_spec(spec),
                    fields.join("; ")
                ));
            }
            match observed.products.iter().find(|pr| pr.id == p.product) {
                None => problems.push(format!("product {} not found", p.product)),
                Some(pr) => {
                    if !pr.active {
                        problems.push(format!("product {} is archived", pr.id));
                    }
                    if let Some(other) = pr.metadata.get(META_TIER).filter(|t| **t != tier.id) {
                        problems.push(format!("price is on product {} of tier {other}", pr.id));
                    }
                }
            }
        }
    }
    Finding {
        tier: tier.id.clone(),
        lookup_key: spec.lookup_key.clone(),
        env: spec.env.clone(),
        price_id: have.map(|p| p.id.clone()),
        ok: problems.is_empty(),
        problems,
    }
}

/// The largest expect file read: a few lines per price, so 1 MiB is far beyond any.
const MAX_ENV_FILE: u64 = 1 << 20;

/// Reads an expect file (see [`parse_env`]), refusing one over 1 MiB.
fn read_env_file(path: &Path) -> Result<BTreeMap<String, (usize, String)>> {
    use std::io::Read;
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(MAX_ENV_FILE + 1).read_to_string(&mut text))
        .with_context(|| format!("failed to read {}", path.display()))?;
    if text.len() as u64 > MAX_ENV_FILE {
        bail!("{} is over 1 MiB: not an env file", path.display());
    }
    parse_env(&text, &path.display().to_string())
}

/// `NAME=value` lines (blank lines, `#` comments and `export ` prefixes allowed), by name,
/// with their line numbers; `source` names the file in errors.
pub fn parse_env(text: &str, source: &str) -> Result<BTreeMap<String, (usize, String)>> {
    let mut vars = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else {
            bail!("{source}:{}: expected NAME=value, got {line:?}", i + 1);
        };
        let value = value.trim().trim_matches(|c| c == '"' || c == '\'');
        vars.insert(name.trim().to_string(), (i + 1, value.to_string()));
    }
    Ok(vars)
}

fn check_expect(
    config: &Config,
    findings: &mut [Finding],
    extra: &mut Vec<Finding>,
    path: &Path,
) -> Result<()> {
    let vars = read_env_file(path)?;
    // The meter has no variable of its own.
    for f in findings.iter_mut().filter(|f| !f.env.is_empty()) {
        match vars.get(&f.env) {
            None => f
                .problems
                .push(format!("{} is missing from {}", f.env, path.display())),
            Some((line, id)) if Some(id) != f.price_id.as_ref() => f.problems.push(format!(
                "{}:{line}: {} is {id}, but {} resolves to {}",
                path.display(),
                f.env,
                f.lookup_key,
                f.price_id.as_deref().unwrap_or("nothing")
            )),
            Some(_) => {}
        }
        f.ok = f.problems.is_empty();
    }
    for (name, (line, id)) in vars.iter().filter(|(n, _)| n.starts_with("PRICE_")) {
        if !config.prices().any(|(_, p)| &p.env == name) {
            extra.push(Finding {
                tier: String::new(),
                lookup_key: String::new(),
                env: name.clone(),
                price_id: Some(id.clone()),
                ok: false,
                problems: vec![format!(
                    "{}:{line}: {name} is not a price in the config",
                    path.display()
                )],
            });
        }
    }
    Ok(())
}

#[derive(Serialize)]
pub struct ListRow {
    pub tier: String,
    pub lookup_key: String,
    pub env: String,
    pub config: ConfigSide,
    pub stripe: Option<StripeSide>,
    pub matches: bool,
    /// The config's price in words.
    #[serde(skip)]
    pub wanted: String,
}

#[derive(Serialize)]
pub struct ConfigSide {
    pub amount: i64,
    pub currency: String,
    pub interval: String,
    pub interval_count: u32,
}

#[derive(Serialize)]
pub struct StripeSide {
    pub price_id: String,
    pub product_id: String,
    pub active: bool,
    pub amount: Option<i64>,
    pub currency: String,
    pub interval: Option<String>,
    pub interval_count: Option<u64>,
    /// The Stripe price in words.
    #[serde(skip)]
    pub described: String,
}

/// The meter's finding: missing, inactive or differing from the config.
fn check_meter(config: &Config, observed: &Observed) -> Option<Finding> {
    let spec = config.meter.as_ref()?;
    let mut problems = Vec::new();
    match &observed.meter {
        None => problems.push(format!("no meter for event {} in Stripe", spec.event_name)),
        Some(m) => {
            if !m.active {
                problems.push(format!("meter {} is inactive", m.id));
            }
            problems.extend(m.fixed_differences());
        }
    }
    Some(Finding {
        tier: "-".into(),
        lookup_key: format!("meter {}", spec.event_name),
        env: String::new(),
        price_id: observed.meter.as_ref().map(|m| m.id.clone()),
        ok: problems.is_empty(),
        problems,
    })
}

/// `prices check`: every configured price (and the meter) against Stripe, and with `expect`
/// against the env file CI keeps.
/// The catalog as Stripe has it now.
pub async fn observe(
    stripe: &crate::adapters::stripe::Stripe,
    config: &Config,
) -> Result<Observed> {
    use anyhow::Context;
    stripe
        .observe(config, false)
        .await
        .context("failed to read prices from Stripe")
}

/// Catalog changes webhooks reported since the `setup-products` runs that saw them, oldest
/// first.
pub fn catalog_changes(store: &crate::adapters::store::Store) -> Result<Vec<CatalogChange>> {
    Ok(store
        .catalog_drift()?
        .into_iter()
        .map(|n| CatalogChange {
            kind: n.kind,
            object_id: n.object_id,
            event_id: n.event_id,
            created: n.created,
        })
        .collect())
}

impl CheckReport {
    /// The warning of the catalog changes webhooks reported, one line for them all (`None`:
    /// none).
    pub fn changes_warning(&self) -> Option<String> {
        if self.catalog_changes.is_empty() {
            return None;
        }
        let objects: Vec<String> = self
            .catalog_changes
            .iter()
            .map(|n| format!("{} {}", n.kind, n.object_id))
            .collect();
        Some(format!(
            "webhooks reported {} since the last setup-products: {}",
            crate::util::plural::count(
                self.catalog_changes.len(),
                "catalog change",
                "catalog changes"
            ),
            objects.join(", ")
        ))
    }
}

pub fn check(config: &Config, observed: &Observed, expect: Option<&Path>) -> Result<CheckReport> {
    let mut findings: Vec<Finding> = check_meter(config, observed).into_iter().collect();
    findings.extend(config.prices().map(|(t, s)| check_price(t, s, observed)));
    let mut extra = Vec::new();
    if let Some(path) = expect {
        check_expect(config, &mut findings, &mut extra, path)?;
    }
    findings.extend(extra);
    let drift = findings.iter().filter(|f| !f.ok).count();
    Ok(CheckReport {
        ok: drift == 0,
        checked: findings.len(),
        drift,
        findings,
        catalog_changes: Vec::new(),
    })
}

/// `prices list`: each configured price beside the one its lookup key resolves to.
pub fn list(config: &Config, observed: &Observed) -> PriceList {
    let rows = config
        .prices()
        .map(|(t, s)| {
            let have = holder(observed, &s.lookup_key);
            ListRow {
                tier: t.id.clone(),
                lookup_key: s.lookup_key.clone(),
                env: s.env.clone(),
                config: ConfigSide {
                    amount: s.amount,
                    currency: s.currency.clone(),
                    interval: s.interval.as_str().into(),
                    interval_count: s.interval_count,
                },
                stripe: have.map(|p| StripeSide {
                    price_id: p.id.clone(),
                    product_id: p.product.clone(),
                    active: p.active,
                    amount: p.amount,
                    currency: p.currency.clone(),
                    interval: p.interval.clone(),
                    interval_count: p.interval_count,
                    described: crate::domain::catalog::describe_price(p),
                }),
                matches: check_price(t, s, observed).ok,
                wanted: crate::domain::catalog::describe_spec(s),
            }
        })
        .collect();
    PriceList(rows)
}

/// The rows of `prices list`.
#[derive(Serialize)]
#[serde(transparent)]
pub struct PriceList(pub Vec<ListRow>);

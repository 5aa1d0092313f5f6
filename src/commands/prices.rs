//! `billctl prices check` (CI drift check) and `billctl prices list`.

use crate::catalog::{Observed, RemotePrice, META_TIER};
use crate::cli::PricesCheckArgs;
use crate::config::{Config, PriceSpec, Tier};
use crate::context::Ctx;
use crate::money::money;
use anyhow::{bail, Context, Result};
use comfy_table::{Cell, Color};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

/// One configured price (or one unknown variable of the expect file) and what is wrong.
#[derive(Debug, Serialize)]
struct Finding {
    tier: String,
    lookup_key: String,
    env: String,
    price_id: Option<String>,
    ok: bool,
    problems: Vec<String>,
}

#[derive(Serialize)]
struct CheckView {
    ok: bool,
    checked: usize,
    drift: usize,
    findings: Vec<Finding>,
}

fn every(interval: &str, count: u64) -> String {
    if count == 1 {
        interval.to_string()
    } else {
        format!("{count} {interval}s")
    }
}

fn describe(p: &RemotePrice) -> String {
    match (p.amount, &p.interval) {
        (Some(a), Some(i)) => format!(
            "{} / {}",
            money(a, &p.currency),
            every(i, p.interval_count.unwrap_or(1))
        ),
        (Some(a), None) => format!("{} one-time", money(a, &p.currency)),
        (None, Some(i)) if p.usage_type.as_deref() == Some("metered") => format!(
            "metered on {} / {}",
            p.meter.as_deref().unwrap_or("no meter"),
            every(i, p.interval_count.unwrap_or(1))
        ),
        _ => "no fixed amount".into(),
    }
}

fn want(s: &PriceSpec) -> String {
    crate::catalog::describe_spec(s)
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
            let shape = crate::catalog::shape_changes(p, spec, meter);
            if !shape.is_empty() {
                let fields: Vec<String> = shape
                    .iter()
                    .map(|c| format!("{} {} (config: {})", c.field, c.from, c.to))
                    .collect();
                problems.push(format!(
                    "price is {}, config says {}: {}",
                    describe(p),
                    want(spec),
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

/// Reads `NAME=value` lines (blank lines, `#` comments and `export ` prefixes allowed).
fn read_env_file(path: &Path) -> Result<BTreeMap<String, (usize, String)>> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("failed to read {}", path.display()))?;
    let mut vars = BTreeMap::new();
    for (i, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").unwrap_or(line);
        let Some((name, value)) = line.split_once('=') else {
            bail!(
                "{}:{}: expected NAME=value, got {line:?}",
                path.display(),
                i + 1
            );
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
    for f in findings.iter_mut() {
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

fn observe(ctx: &mut Ctx) -> Result<(Config, Observed)> {
    let config = ctx.config()?.clone();
    let stripe = ctx.stripe()?;
    let observed = ctx
        .block_on(stripe.observe(&config, false))?
        .context("failed to read prices from Stripe")?;
    Ok((config, observed))
}

pub fn check(ctx: &mut Ctx, args: &PricesCheckArgs) -> Result<ExitCode> {
    let (config, observed) = observe(ctx)?;
    let mut findings: Vec<Finding> = config
        .prices()
        .map(|(t, s)| check_price(t, s, &observed))
        .collect();
    if let Some(spec) = &config.meter {
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
        findings.insert(
            0,
            Finding {
                tier: "-".into(),
                lookup_key: format!("meter {}", spec.event_name),
                env: String::new(),
                price_id: observed.meter.as_ref().map(|m| m.id.clone()),
                ok: problems.is_empty(),
                problems,
            },
        );
    }
    let mut extra = Vec::new();
    if let Some(path) = &args.expect {
        check_expect(&config, &mut findings, &mut extra, path)?;
    }
    findings.extend(extra);
    let drift = findings.iter().filter(|f| !f.ok).count();
    // Catalog changes Stripe reported by webhook since the last setup-products: a hint of
    // what to look at (the check above is what decides).
    let noted = ctx.store()?.catalog_drift()?;
    if !noted.is_empty() {
        let objects: Vec<String> = noted
            .iter()
            .map(|n| format!("{} {}", n.kind, n.object_id))
            .collect();
        ctx.output.warn(format!(
            "webhooks reported {} catalog change(s) since the last setup-products: {}",
            noted.len(),
            objects.join(", ")
        ));
    }
    if ctx.output.json {
        ctx.output.json(&CheckView {
            ok: drift == 0,
            checked: findings.len(),
            drift,
            findings,
        })?;
    } else {
        let out = &ctx.output;
        let rows = findings
            .iter()
            .map(|f| {
                let status = if f.ok {
                    out.paint("ok", Color::Green)
                } else {
                    out.paint("DRIFT", Color::Red)
                };
                vec![
                    status,
                    Cell::new(&f.tier),
                    Cell::new(&f.lookup_key),
                    Cell::new(f.price_id.as_deref().unwrap_or("-")),
                    Cell::new(if f.problems.is_empty() {
                        "-".to_string()
                    } else {
                        f.problems.join("\n")
                    }),
                ]
            })
            .collect();
        out.data(&out.table(&["STATUS", "TIER", "LOOKUP KEY", "PRICE", "FINDING"], rows))?;
        if drift == 0 {
            out.status(format!("All {} prices match the config.", findings.len()));
        } else {
            out.status(format!("Drift: {drift} of {} prices differ from the config; 'billctl setup-products --plan' shows the fix.", findings.len()));
        }
    }
    Ok(if drift == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

#[derive(Serialize)]
struct ListRow {
    tier: String,
    lookup_key: String,
    env: String,
    config: ConfigSide,
    stripe: Option<StripeSide>,
    matches: bool,
}

#[derive(Serialize)]
struct ConfigSide {
    amount: i64,
    currency: String,
    interval: String,
    interval_count: u32,
}

#[derive(Serialize)]
struct StripeSide {
    price_id: String,
    product_id: String,
    active: bool,
    amount: Option<i64>,
    currency: String,
    interval: Option<String>,
    interval_count: Option<u64>,
}

pub fn list(ctx: &mut Ctx) -> Result<ExitCode> {
    let (config, observed) = observe(ctx)?;
    let rows: Vec<ListRow> = config
        .prices()
        .map(|(t, s)| {
            let have = holder(&observed, &s.lookup_key);
            let matches = check_price(t, s, &observed).ok;
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
                }),
                matches,
            }
        })
        .collect();
    if ctx.output.json {
        ctx.output.json(&rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    let out = &ctx.output;
    let table_rows = config
        .prices()
        .zip(&rows)
        .map(|((_, s), r)| {
            let have = holder(&observed, &s.lookup_key);
            vec![
                Cell::new(&r.tier),
                Cell::new(&r.lookup_key),
                Cell::new(want(s)),
                Cell::new(have.map_or("-".to_string(), |p| p.id.clone())),
                Cell::new(have.map_or("missing".to_string(), |p| {
                    format!(
                        "{}{}",
                        describe(p),
                        if p.active { "" } else { " (archived)" }
                    )
                })),
                if r.matches {
                    out.paint("yes", Color::Green)
                } else {
                    out.paint("no", Color::Red)
                },
            ]
        })
        .collect();
    out.data(&out.table(
        &[
            "TIER",
            "LOOKUP KEY",
            "CONFIG",
            "STRIPE PRICE",
            "STRIPE",
            "MATCH",
        ],
        table_rows,
    ))?;
    Ok(ExitCode::SUCCESS)
}

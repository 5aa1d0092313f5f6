//! `billctl setup-products`: plan and apply the catalog.

use crate::catalog::{self, tier_product, Action, Observed, Plan};
use crate::cli::SetupProductsArgs;
use crate::config::Config;
use crate::context::Ctx;
use crate::money::money;
use crate::output::Output;
use crate::store::{CatalogRow, PriceRow};
use anyhow::{anyhow, bail, Context, Result};
use comfy_table::{Cell, Color};
use serde::Serialize;
use std::process::ExitCode;

#[derive(Serialize)]
struct PlanView<'a> {
    changes: usize,
    writes: u64,
    actions: Vec<ActionView<'a>>,
}

#[derive(Serialize)]
struct ActionView<'a> {
    action: &'static str,
    tier: &'a str,
    object: String,
    detail: String,
    changes: Vec<catalog::Change>,
}

fn object_and_detail(a: &Action) -> (String, String, Vec<catalog::Change>) {
    let price = catalog::describe_spec;
    let list = |c: &[catalog::Change]| {
        c.iter()
            .map(|c| format!("{}: {:?} -> {:?}", c.field, c.from, c.to))
            .collect::<Vec<_>>()
            .join("; ")
    };
    match a {
        Action::CreateMeter { spec } => (
            spec.event_name.clone(),
            format!(
                "meter {:?}: sum of event values per customer",
                spec.display_name
            ),
            vec![],
        ),
        Action::UpdateMeter { id, changes, .. } => (id.clone(), list(changes), changes.clone()),
        Action::ReactivateMeter { id, spec } => (
            id.clone(),
            format!("meter for {} is inactive; reactivate it", spec.event_name),
            vec![],
        ),
        Action::CreateProduct { fields, .. } => {
            (fields.id.clone(), format!("name {:?}", fields.name), vec![])
        }
        Action::UpdateProduct { id, changes, .. } => (id.clone(), list(changes), changes.clone()),
        Action::CreatePrice { spec, product, .. } => (
            spec.lookup_key.clone(),
            format!("{} on {product}", price(spec)),
            vec![],
        ),
        Action::ReplacePrice {
            spec, old, changes, ..
        } => (
            spec.lookup_key.clone(),
            format!(
                "{}; new price takes the lookup key, {old} is archived",
                list(changes)
            ),
            changes.clone(),
        ),
        Action::UpdatePrice {
            spec, id, changes, ..
        } => (
            spec.lookup_key.clone(),
            format!("{id}: {}", list(changes)),
            changes.clone(),
        ),
        Action::FinishReplace {
            lookup_key, old, ..
        } => (
            lookup_key.clone(),
            format!("{old} was replaced; archive it"),
            vec![],
        ),
        Action::ArchivePrice { id, lookup_key, .. } => (
            lookup_key.clone().unwrap_or_else(|| id.clone()),
            format!("{id} (tier removed)"),
            vec![],
        ),
        Action::ArchiveProduct { id, .. } => {
            (id.clone(), "tier removed from the config".into(), vec![])
        }
    }
}

fn plan_view(plan: &Plan) -> PlanView<'_> {
    PlanView {
        changes: plan.actions.len(),
        writes: plan.writes(),
        actions: plan
            .actions
            .iter()
            .map(|a| {
                let (object, detail, changes) = object_and_detail(a);
                ActionView {
                    action: a.verb(),
                    tier: a.tier(),
                    object,
                    detail,
                    changes,
                }
            })
            .collect(),
    }
}

fn plan_table(out: &Output, plan: &Plan) -> String {
    let rows = plan
        .actions
        .iter()
        .map(|a| {
            let (object, detail, _) = object_and_detail(a);
            let color = match a {
                Action::CreateProduct { .. }
                | Action::CreatePrice { .. }
                | Action::CreateMeter { .. } => Color::Green,
                Action::ArchivePrice { .. }
                | Action::ArchiveProduct { .. }
                | Action::FinishReplace { .. } => Color::Red,
                _ => Color::Yellow,
            };
            vec![
                out.paint(a.verb(), color),
                Cell::new(a.tier()),
                Cell::new(object),
                Cell::new(detail),
            ]
        })
        .collect();
    out.table(&["ACTION", "TIER", "OBJECT", "DETAIL"], rows)
}

/// Tier -> product and prices as Stripe now has them; `None` when a price does not resolve.
fn resolved(config: &Config, observed: &Observed) -> Option<Vec<CatalogRow>> {
    config
        .tiers
        .iter()
        .map(|t| {
            let prices = t
                .prices
                .iter()
                .map(|s| {
                    let have = observed
                        .prices
                        .iter()
                        .find(|p| p.lookup_key.as_deref() == Some(s.lookup_key.as_str()))?;
                    Some(PriceRow {
                        lookup_key: s.lookup_key.clone(),
                        price_id: have.id.clone(),
                        env: s.env.clone(),
                        primary: s.primary,
                        amount: s.amount,
                        currency: s.currency.clone(),
                        interval: s.interval.as_str().into(),
                        interval_count: s.interval_count.into(),
                    })
                })
                .collect::<Option<Vec<_>>>()?;
            Some(CatalogRow {
                tier: t.id.clone(),
                product_id: tier_product(t, observed),
                name: t.name.clone(),
                quota: t.quota.map(|q| q as i64),
                rate_limit_per_minute: t.rate_limit_per_minute.into(),
                state_hash: catalog::state_hash(t),
                prices,
            })
        })
        .collect()
}

#[derive(Serialize)]
struct TierView<'a> {
    product_id: &'a str,
    price_id: &'a str,
    lookup_key: &'a str,
    prices: &'a [PriceRow],
}

#[derive(Serialize)]
struct ResultView<'a> {
    changes: usize,
    tiers: indexmap::IndexMap<&'a str, TierView<'a>>,
}

fn result_view<'a>(changes: usize, rows: &'a [CatalogRow]) -> ResultView<'a> {
    let tiers = rows
        .iter()
        .map(|r| {
            let primary = r.prices.iter().find(|p| p.primary).or(r.prices.first());
            let view = TierView {
                product_id: &r.product_id,
                price_id: primary.map_or("", |p| p.price_id.as_str()),
                lookup_key: primary.map_or("", |p| p.lookup_key.as_str()),
                prices: &r.prices,
            };
            (r.tier.as_str(), view)
        })
        .collect();
    ResultView { changes, tiers }
}

fn result_table(out: &Output, config: &Config, rows: &[CatalogRow]) -> String {
    let mut table_rows = Vec::new();
    for r in rows {
        for p in &r.prices {
            let every = if p.interval_count == 1 {
                p.interval.clone()
            } else {
                format!("{} {}s", p.interval_count, p.interval)
            };
            table_rows.push(vec![
                Cell::new(&r.tier),
                Cell::new(&r.product_id),
                Cell::new(&p.lookup_key),
                Cell::new(&p.price_id),
                Cell::new(
                    config
                        .prices()
                        .find(|(_, s)| s.lookup_key == p.lookup_key)
                        .map_or_else(
                            || format!("{} / {every}", money(p.amount, &p.currency)),
                            |(_, s)| catalog::describe_spec(s),
                        ),
                ),
                Cell::new(&p.env),
            ]);
        }
    }
    out.table(
        &["TIER", "PRODUCT", "LOOKUP KEY", "PRICE", "AMOUNT", "ENV"],
        table_rows,
    )
}

fn env_file(rows: &[CatalogRow]) -> String {
    let mut text = String::from("# Written by billctl setup-products: Stripe price ids by tier.\n");
    for r in rows {
        for p in &r.prices {
            text.push_str(&format!("{}={}\n", p.env, p.price_id));
        }
    }
    text
}

pub fn run(ctx: &mut Ctx, args: &SetupProductsArgs) -> Result<ExitCode> {
    let config = ctx.config()?.clone();
    let stripe = ctx.stripe()?;
    let mode = ctx.mode().map_or("unknown", |m| {
        if m == crate::secrets::Mode::Live {
            "LIVE"
        } else {
            "test"
        }
    });
    ctx.output.status(format!(
        "Reading the catalog from Stripe ({mode} mode, {})...",
        stripe.base()
    ));
    let observed = ctx
        .block_on(stripe.observe(&config, args.prune))?
        .context("failed to read the catalog from Stripe")?;
    if let Some(m) = &observed.meter {
        let problems = m.fixed_differences();
        if !problems.is_empty() {
            bail!(
                "the Stripe meter {} for event {} cannot be used: {}\nhint: deactivate it in Stripe (or choose another meter.event_name) and re-run",
                m.id,
                m.event_name,
                problems.join("; ")
            );
        }
    }
    let plan = catalog::plan(&config, &observed);

    if args.plan {
        if ctx.output.json {
            ctx.output.json(&plan_view(&plan))?;
        } else if plan.is_empty() {
            ctx.output.data("No changes: Stripe matches the config.")?;
        } else {
            ctx.output.data(&plan_table(&ctx.output, &plan))?;
            ctx.output.status(format!(
                "Plan: {} changes ({} writes). Run without --plan to apply.",
                plan.actions.len(),
                plan.writes()
            ));
        }
        return Ok(ExitCode::SUCCESS);
    }

    let observed = if plan.is_empty() {
        ctx.output.status("No changes: Stripe matches the config.");
        observed
    } else {
        if !ctx.output.quiet && !ctx.output.json {
            ctx.output.notice(plan_table(&ctx.output, &plan));
        }
        let question = format!(
            "Apply {} changes ({} writes) to Stripe ({mode} mode)?",
            plan.actions.len(),
            plan.writes()
        );
        let Some(stripe) = ctx.stripe_for_confirmed_write("apply the catalog", &question)? else {
            return super::declined(ctx, "nothing was changed");
        };
        let mut after = observed;
        apply(ctx, &stripe, &plan, &mut after)?;
        // Stripe's answers to the writes are the state now; read it again only when they do
        // not add up to the config (then the read says what is left).
        if !catalog::plan(&config, &after).is_empty() {
            after = ctx
                .block_on(stripe.observe(&config, args.prune))?
                .context("failed to re-read the catalog from Stripe")?;
        }
        let left = catalog::plan(&config, &after);
        if !left.is_empty() {
            ctx.output.warn(format!("Stripe still differs from the config in {} places; run setup-products --plan to see them", left.actions.len()));
        }
        let detail = serde_json::json!({
            "changes": plan.actions.len(),
            "writes": plan.writes(),
            "actions": plan_view(&plan).actions.iter().map(|a| format!("{} {} {}", a.action, a.tier, a.object)).collect::<Vec<_>>(),
        });
        let actor = super::actor();
        let audit = crate::store::Audit {
            actor: &actor,
            action: "catalog.apply",
            key_id: None,
            customer_id: None,
            reason: None,
            detail: Some(detail),
        };
        ctx.store()?
            .append_audit(&audit, crate::clock::now())
            .context("failed to record the apply in the audit log")?;
        ctx.output
            .status(format!("Applied {} changes.", plan.actions.len()));
        after
    };

    let rows = resolved(&config, &observed).ok_or_else(|| {
        anyhow!(
            "some configured lookup keys still do not resolve in Stripe; run setup-products --plan"
        )
    })?;
    ctx.store()?
        .record_catalog(&rows, crate::clock::now())
        .context("failed to record the catalog in the store")?;
    // Catalog changes webhooks reported before this apply are now reconciled.
    ctx.store()?.clear_catalog_drift()?;
    if let Some(path) = &args.write_env {
        super::write_private(path, &env_file(&rows))?;
        ctx.output.status(format!("Wrote {}.", path.display()));
    }
    if ctx.output.json {
        ctx.output.json(&result_view(plan.actions.len(), &rows))?;
    } else {
        ctx.output
            .data(&result_table(&ctx.output, &config, &rows))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Requests of one wave in flight at once: well inside Stripe's rate limits (25 a second in
/// test mode, 100 in live mode); the transport backs off on a 429 anyway.
const CONCURRENCY: usize = 8;

/// Applies the plan wave by wave, the actions of a wave together, taking Stripe's answers
/// into `state`.
fn apply(
    ctx: &mut Ctx,
    stripe: &crate::stripe::Stripe,
    plan: &Plan,
    state: &mut Observed,
) -> Result<()> {
    let bar = ctx.output.progress(plan.writes(), "Applying");
    for wave in plan.waves() {
        bar.set_message(format!("{} changes", wave.len()));
        let meter = state.meter.as_ref().map(|m| m.id.clone());
        let results = ctx.block_on(stripe.apply_wave(&wave, meter.as_deref(), CONCURRENCY))?;
        let mut failed = None;
        for (action, result) in wave.iter().zip(results) {
            match result {
                Ok(written) => {
                    written.into_iter().for_each(|w| state.absorb(w));
                    bar.inc(action.writes());
                }
                Err(e) => {
                    failed.get_or_insert((action, e));
                }
            }
        }
        if let Some((action, e)) = failed {
            bar.abandon();
            let (object, _, _) = object_and_detail(action);
            return Err(anyhow!(e)).with_context(|| {
                format!(
                    "failed to {} {object} (tier {})\nhint: fix the cause and re-run 'billctl setup-products': finished steps are not repeated",
                    action.verb(),
                    action.tier()
                )
            });
        }
    }
    bar.finish_and_clear();
    Ok(())
}

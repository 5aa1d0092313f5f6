//! `billctl setup-products`: plan and apply the catalog.

use crate::catalog::{self, Action, Plan};
use crate::cli::SetupProductsArgs;
use crate::clock::now;
use crate::config::Config;
use crate::context::Ctx;
use crate::money::money;
use crate::ops;
use crate::output::Output;
use crate::store::{CatalogRow, PriceRow};
use anyhow::Result;
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

fn plan_view(plan: &Plan) -> PlanView<'_> {
    PlanView {
        changes: plan.actions.len(),
        writes: plan.writes(),
        actions: plan
            .actions
            .iter()
            .map(|a| {
                let (object, detail, changes) = catalog::describe(a);
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
            let (object, detail, _) = catalog::describe(a);
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
    let (observed, plan) = ctx.block_on(ops::setup::observe(&stripe, &config, args.prune))??;

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
        let bar = ctx.output.progress(plan.writes(), "Applying");
        let applied = ctx.block_on(ops::setup::apply(
            &stripe, &config, args.prune, &plan, observed, &bar,
        ))?;
        let applied = match applied {
            Ok(a) => a,
            Err(e) => {
                bar.abandon();
                return Err(e);
            }
        };
        bar.finish_and_clear();
        if applied.left > 0 {
            ctx.output.warn(format!("Stripe still differs from the config in {} places; run setup-products --plan to see them", applied.left));
        }
        let actions: Vec<String> = plan_view(&plan)
            .actions
            .iter()
            .map(|a| format!("{} {} {}", a.action, a.tier, a.object))
            .collect();
        ops::setup::record_apply(ctx.store()?, &plan, actions, &super::actor(), now())?;
        ctx.output
            .status(format!("Applied {} changes.", plan.actions.len()));
        applied.after
    };
    let rows = ops::setup::record_catalog(ctx.store()?, &config, &observed, now())?;
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

//! `billctl subscriptions create|change|cancel|list|show|sync`.

use super::{tier, tier_map, tier_price};
use crate::billing::{Customer, MirrorRow, Subscription, UNKNOWN_TIER};
use crate::cli::{
    SubscriptionsCancelArgs, SubscriptionsChangeArgs, SubscriptionsCommand,
    SubscriptionsCreateArgs, SubscriptionsListArgs,
};
use crate::clock::now;
use crate::context::Ctx;
use crate::idempotency::derived;
use crate::output::Output;
use crate::time::utc_date;
use anyhow::{anyhow, bail, Context, Result};
use comfy_table::{Cell, Color};
use serde::Serialize;
use std::collections::HashMap;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: SubscriptionsCommand) -> Result<ExitCode> {
    match cmd {
        SubscriptionsCommand::Create(args) => create(ctx, &args),
        SubscriptionsCommand::Change(args) => change(ctx, &args),
        SubscriptionsCommand::Cancel(args) => cancel(ctx, &args),
        SubscriptionsCommand::List(args) => list(ctx, &args),
        SubscriptionsCommand::Show(args) => show(ctx, &args.id),
        SubscriptionsCommand::Sync => sync(ctx),
    }
}

/// The mirror rows as a table (tier `unknown` in red: it is not silently ignored).
pub fn table(out: &Output, rows: &[MirrorRow]) -> String {
    let rows = rows
        .iter()
        .map(|r| {
            let tier = if r.tier == UNKNOWN_TIER {
                out.paint(&r.tier, Color::Red)
            } else {
                Cell::new(&r.tier)
            };
            let cancel = match (r.cancel_at_period_end, r.canceled_at) {
                (_, Some(t)) => format!("canceled {}", utc_date(t)),
                (true, None) => format!("at period end ({})", utc_date(r.current_period_end)),
                _ => "-".into(),
            };
            vec![
                Cell::new(&r.id),
                Cell::new(&r.customer_id),
                tier,
                Cell::new(&r.status),
                Cell::new(format!(
                    "{} .. {}",
                    utc_date(r.current_period_start),
                    utc_date(r.current_period_end)
                )),
                Cell::new(cancel),
            ]
        })
        .collect();
    out.table(
        &[
            "SUBSCRIPTION",
            "CUSTOMER",
            "TIER",
            "STATUS",
            "PERIOD (UTC)",
            "CANCEL",
        ],
        rows,
    )
}

fn print_one(ctx: &Ctx, row: &MirrorRow, sub: &Subscription) -> Result<()> {
    if ctx.output.json {
        #[derive(Serialize)]
        struct View<'a> {
            #[serde(flatten)]
            row: &'a MirrorRow,
            items: &'a [crate::billing::Item],
            #[serde(rename = "latest_invoice_id")]
            latest_invoice: &'a Option<String>,
        }
        return ctx.output.json(&View {
            row,
            items: &sub.items,
            latest_invoice: &sub.latest_invoice,
        });
    }
    ctx.output
        .data(&table(&ctx.output, std::slice::from_ref(row)))
}

/// Reads a subscription and its customer, or says clearly which one does not exist.
fn fetch(ctx: &mut Ctx, id: &str) -> Result<(Subscription, Customer)> {
    let stripe = ctx.stripe()?;
    let sub = ctx
        .block_on(stripe.subscription(id))?
        .with_context(|| format!("failed to read subscription {id}"))?
        .ok_or_else(|| anyhow!("no such subscription {id} in Stripe"))?;
    let customer = ctx
        .block_on(stripe.customer(&sub.customer))?
        .with_context(|| format!("failed to read customer {}", sub.customer))?
        .unwrap_or(Customer {
            id: sub.customer.clone(),
            email: None,
            name: None,
            created: sub.created,
        });
    Ok((sub, customer))
}

/// Records the result of a lifecycle step in the mirror and prints it.
fn finish(
    ctx: &mut Ctx,
    sub: &Subscription,
    customer: &Customer,
    message: String,
) -> Result<ExitCode> {
    let tiers = tier_map(ctx)?;
    let row = MirrorRow::of(sub, &tiers);
    ctx.store()?
        .record(customer, std::slice::from_ref(&row), now())
        .context("failed to update the local mirror")?;
    ctx.output.status(message);
    print_one(ctx, &row, sub)?;
    Ok(ExitCode::SUCCESS)
}

fn create(ctx: &mut Ctx, args: &SubscriptionsCreateArgs) -> Result<ExitCode> {
    let config = ctx.config()?.clone();
    let tier = tier(&config, &args.tier)?;
    let stripe = ctx.stripe()?;
    let customer = super::existing_customer(ctx, &args.customer)?;
    let existing = ctx
        .block_on(stripe.subscriptions(Some(&customer.id), |_| {}))?
        .context("failed to list the customer's subscriptions")?;
    if let Some(live) = crate::billing::live_subscription(&existing) {
        let tiers = tier_map(ctx)?;
        let on = MirrorRow::of(live, &tiers).tier;
        bail!(
            "customer {} already has a {} subscription {} (tier {on})\nhint: move it with 'billctl subscriptions change {} --tier {}'",
            customer.id,
            live.status,
            live.id,
            live.id,
            tier.id
        );
    }
    let price = tier_price(ctx, tier)?;
    let stripe = ctx.stripe_for_write("create a subscription")?;
    // Derived from the customer, the price and the subscriptions the customer had: a retried or
    // re-run command is the same request, a later re-subscription after a cancel is not.
    let mut history: Vec<&str> = existing.iter().map(|s| s.id.as_str()).collect();
    history.sort_unstable();
    let key = derived(&[
        "subscription-create",
        &customer.id,
        &price.id,
        &history.join(","),
    ]);
    let metadata: HashMap<String, String> = [("billctl_tier".to_string(), tier.id.clone())].into();
    let sub = ctx
        .block_on(stripe.create_subscription(&customer.id, &price.id, &metadata, &key))?
        .context("failed to create the subscription")?;
    let msg = format!("Subscribed {} to {} ({}).", customer.id, tier.id, sub.id);
    finish(ctx, &sub, &customer, msg)
}

fn change(ctx: &mut Ctx, args: &SubscriptionsChangeArgs) -> Result<ExitCode> {
    let config = ctx.config()?.clone();
    let tier = tier(&config, &args.tier)?;
    let (sub, customer) = fetch(ctx, &args.id)?;
    if !sub.is_live() {
        bail!("subscription {} is {}: it cannot change tier\nhint: subscribe the customer again with 'billctl subscriptions create'", sub.id, sub.status);
    }
    let tiers = tier_map(ctx)?;
    let item = tiers
        .main_item(&sub)
        .ok_or_else(|| anyhow!("subscription {} has no items", sub.id))?
        .clone();
    let price = tier_price(ctx, tier)?;
    if item.price_id == price.id {
        let msg = format!(
            "{} is already on {} ({}): nothing to change.",
            sub.id, tier.id, price.id
        );
        return finish(ctx, &sub, &customer, msg);
    }
    let from = tiers.tier_of(&item);
    let stripe = ctx.stripe_for_write("change a subscription")?;
    let key = derived(&[
        "subscription-change",
        &sub.id,
        &item.id,
        &item.price_id,
        &price.id,
        args.proration.as_str(),
    ]);
    let metadata: HashMap<String, String> = [("billctl_tier".to_string(), tier.id.clone())].into();
    let changed = ctx
        .block_on(stripe.change_price(
            &sub.id,
            &item.id,
            &price.id,
            args.proration.as_str(),
            &metadata,
            &key,
        ))?
        .with_context(|| format!("failed to change subscription {}", sub.id))?;
    let msg = format!(
        "Moved {} from {from} to {} (proration: {}).",
        sub.id,
        tier.id,
        args.proration.as_str()
    );
    finish(ctx, &changed, &customer, msg)
}

fn cancel(ctx: &mut Ctx, args: &SubscriptionsCancelArgs) -> Result<ExitCode> {
    let (sub, customer) = fetch(ctx, &args.id)?;
    if !sub.is_live() {
        let msg = format!("{} is already {}.", sub.id, sub.status);
        return finish(ctx, &sub, &customer, msg);
    }
    if args.at_period_end && sub.cancel_at_period_end {
        let msg = format!(
            "{} already ends at the end of its period ({}).",
            sub.id,
            utc_date(sub.current_period_end)
        );
        return finish(ctx, &sub, &customer, msg);
    }
    let who = customer
        .email
        .clone()
        .unwrap_or_else(|| customer.id.clone());
    let question = if args.at_period_end {
        format!(
            "Cancel {} ({who}) at the end of its period, {}?",
            sub.id,
            utc_date(sub.current_period_end)
        )
    } else {
        format!("Cancel {} ({who}) now? Access ends immediately.", sub.id)
    };
    let Some(stripe) = ctx.stripe_for_confirmed_write("cancel a subscription", &question)? else {
        return super::declined(ctx, "the subscription was not changed");
    };
    let done = if args.at_period_end {
        let key = derived(&[
            "subscription-cancel-at-period-end",
            &sub.id,
            &sub.current_period_end.to_string(),
        ]);
        ctx.block_on(stripe.set_cancel_at_period_end(&sub.id, true, &key))?
    } else {
        ctx.block_on(
            stripe.cancel_subscription(&sub.id, &derived(&["subscription-cancel", &sub.id])),
        )?
    }
    .with_context(|| format!("failed to cancel subscription {}", sub.id))?;
    let msg = if args.at_period_end {
        format!(
            "{} will end on {}.",
            done.id,
            utc_date(done.current_period_end)
        )
    } else {
        format!("Canceled {}.", done.id)
    };
    finish(ctx, &done, &customer, msg)
}

fn list(ctx: &mut Ctx, args: &SubscriptionsListArgs) -> Result<ExitCode> {
    if let Some(t) = &args.tier {
        if t != UNKNOWN_TIER {
            let config = ctx.config()?.clone();
            tier(&config, t)?;
        }
    }
    let stripe = ctx.stripe()?;
    let bar = ctx.output.progress(0, "Listing subscriptions");
    let subs = ctx
        .block_on(stripe.subscriptions(args.customer.as_deref(), |n| bar.set_position(n as u64)))?
        .context("failed to list subscriptions")?;
    bar.finish_and_clear();
    let tiers = tier_map(ctx)?;
    let rows: Vec<MirrorRow> = subs
        .iter()
        .map(|s| MirrorRow::of(s, &tiers))
        .filter(|r| {
            args.tier.as_ref().is_none_or(|t| &r.tier == t)
                && args.status.as_ref().is_none_or(|s| &r.status == s)
        })
        .collect();
    if ctx.output.json {
        ctx.output.json(&rows)?;
    } else {
        ctx.output.data(&table(&ctx.output, &rows))?;
        ctx.output.status(format!("{} subscriptions.", rows.len()));
    }
    Ok(ExitCode::SUCCESS)
}

fn show(ctx: &mut Ctx, id: &str) -> Result<ExitCode> {
    let (sub, customer) = fetch(ctx, id)?;
    let tiers = tier_map(ctx)?;
    let row = MirrorRow::of(&sub, &tiers);
    ctx.store()?
        .record(&customer, std::slice::from_ref(&row), now())?;
    print_one(ctx, &row, &sub)?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct SyncView {
    customers: crate::billing::Counts,
    subscriptions: crate::billing::Counts,
    unknown_tier: Vec<MirrorRow>,
}

fn sync(ctx: &mut Ctx) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    let bar = ctx
        .output
        .progress(0, "Reading customers and subscriptions");
    // The two lists are independent: read them together (pages of each stay in order).
    let read = [
        std::sync::atomic::AtomicUsize::new(0),
        std::sync::atomic::AtomicUsize::new(0),
    ];
    let count = |i: usize, n: usize| {
        read[i].store(n, std::sync::atomic::Ordering::Relaxed);
        let total: usize = read
            .iter()
            .map(|r| r.load(std::sync::atomic::Ordering::Relaxed))
            .sum();
        bar.set_position(total as u64);
    };
    let (customers, subs) = ctx.block_on(async {
        tokio::join!(
            stripe.customers(None, |n| count(0, n)),
            stripe.subscriptions(None, |n| count(1, n))
        )
    })?;
    let customers = customers.context("failed to list customers")?;
    let subs = subs.context("failed to list subscriptions")?;
    bar.finish_and_clear();
    let tiers = tier_map(ctx)?;
    let rows: Vec<MirrorRow> = subs.iter().map(|s| MirrorRow::of(s, &tiers)).collect();
    let (c, s) = ctx
        .store()?
        .replace_mirror(&customers, &rows, now())
        .context("failed to update the local mirror")?;
    let unknown: Vec<MirrorRow> = rows
        .into_iter()
        .filter(|r| r.tier == UNKNOWN_TIER)
        .collect();
    for r in &unknown {
        ctx.output.warn(format!(
            "{} ({}) is on price {}, which is not in the catalog: tier unknown",
            r.id, r.status, r.price_id
        ));
    }
    if ctx.output.json {
        ctx.output.json(&SyncView {
            customers: c,
            subscriptions: s,
            unknown_tier: unknown,
        })?;
    } else {
        let line = |name: &str, k: &crate::billing::Counts| {
            format!(
                "{name}: {} added, {} updated, {} removed, {} unchanged",
                k.added, k.updated, k.removed, k.unchanged
            )
        };
        ctx.output.data(&format!(
            "{}\n{}",
            line("customers", &c),
            line("subscriptions", &s)
        ))?;
        if c.changed() + s.changed() == 0 {
            ctx.output.status("No changes: the mirror matches Stripe.");
        }
    }
    Ok(ExitCode::SUCCESS)
}

//! `billctl subscriptions create|change|cancel|list|show|sync`.

use super::{tier, tier_map};
use crate::billing::{Customer, MirrorRow, Subscription, UNKNOWN_TIER};
use crate::cli::{
    Collection, SubscriptionsCancelArgs, SubscriptionsChangeArgs, SubscriptionsCommand,
    SubscriptionsCreateArgs, SubscriptionsListArgs,
};
use crate::clock::now;
use crate::context::Ctx;
use crate::idempotency::derived;
use crate::ops;
use crate::time::utc_date;
use anyhow::{anyhow, Context, Result};
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: SubscriptionsCommand) -> Result<ExitCode> {
    match cmd {
        SubscriptionsCommand::Create(args) => create(ctx, &args),
        SubscriptionsCommand::Change(args) => change(ctx, &args),
        SubscriptionsCommand::Cancel(args) => cancel(ctx, &args),
        SubscriptionsCommand::List(args) => list(ctx, &args),
        SubscriptionsCommand::Show(args) => show(ctx, &args.id),
        SubscriptionsCommand::Sync(args) => sync(ctx, &args),
    }
}

fn print_one(ctx: &Ctx, row: &MirrorRow, sub: &Subscription) -> Result<()> {
    ctx.output
        .show(&ops::subscriptions::SubscriptionView::of(row, sub))
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
    let (stripe, tiers) = (ctx.stripe()?, tier_map(ctx)?);
    let new = ctx.block_on(ops::subscriptions::prepare_create(
        &stripe,
        &args.customer,
        tier,
        &tiers,
    ))??;
    let stripe = ctx.stripe_for_write("create a subscription")?;
    let terms = ops::subscriptions::Terms {
        trial_days: args.trial_days.or(tier.trial_days).filter(|d| *d > 0),
        send_invoice_days: (args.collection == Collection::Invoice).then_some(args.days_until_due),
        payment_behavior: args.payment_behavior.as_str().to_string(),
    };
    let sub = ctx.block_on(ops::subscriptions::create(&stripe, &new, &terms))??;
    let row = MirrorRow::of(&sub, &tiers);
    ctx.store()?
        .record(&new.customer, std::slice::from_ref(&row), now())
        .context("failed to update the local mirror")?;
    let trial_end = terms
        .trial_days
        .and_then(|d| sub.created.checked_add(i64::from(d).checked_mul(86_400)?));
    let outcome = ctx.block_on(ops::payments::outcome(&stripe, &sub, &row, trial_end))??;
    ctx.output.status(format!(
        "Subscribed {} to {} ({}): {}.",
        new.customer.id, tier.id, sub.id, sub.status
    ));
    ctx.output.show(&outcome)?;
    Ok(ExitCode::from(u8::from(sub.status == "incomplete")))
}

fn change(ctx: &mut Ctx, args: &SubscriptionsChangeArgs) -> Result<ExitCode> {
    let config = ctx.config()?.clone();
    let tier = tier(&config, &args.tier)?;
    let (sub, customer) = fetch(ctx, &args.id)?;
    let (stripe, tiers) = (ctx.stripe()?, tier_map(ctx)?);
    let Some(change) = ctx.block_on(ops::subscriptions::prepare_change(
        &stripe, &sub, tier, &tiers,
    ))??
    else {
        let msg = format!("{} is already on {}: nothing to change.", sub.id, tier.id);
        return finish(ctx, &sub, &customer, msg);
    };
    let stripe = ctx.stripe_for_write("change a subscription")?;
    let proration = args.proration.as_str();
    let changed = ctx.block_on(ops::subscriptions::change(
        &stripe, &sub, &change, &tier.id, proration,
    ))??;
    let msg = format!(
        "Moved {} from {} to {} (proration: {proration}).",
        sub.id, change.from, tier.id
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
                && (args.status.is_empty() || args.status.contains(&r.status))
        })
        .collect();
    let policy = ctx.config()?.access.clone();
    let (store, rt) = ctx.store_and_runtime()?;
    let listed = ops::payments::with_payment_state(store, rt, &stripe, &policy, rows, now())?;
    ctx.output.show(&listed)?;
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

fn sync(ctx: &mut Ctx, args: &crate::cli::SubscriptionsSyncArgs) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    let tiers = tier_map(ctx)?;
    let bar = ctx
        .output
        .progress(0, "Reading customers and subscriptions");
    let (store, rt) = ctx.store_and_runtime()?;
    let report = ops::subscriptions::sync(
        store,
        rt,
        &stripe,
        &tiers,
        &bar,
        args.backfill_history,
        now(),
    )?;
    bar.finish_and_clear();
    for r in &report.unknown_tier {
        ctx.output.warn(format!(
            "{} ({}) is on price {}, which is not in the catalog: tier unknown",
            r.id, r.status, r.price_id
        ));
    }
    ctx.output.show(&report)?;
    Ok(ExitCode::SUCCESS)
}

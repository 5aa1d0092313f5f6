//! `billctl subscriptions create|change|cancel|list|show|sync`.

use super::{tier, tier_map};
use crate::billing::{Customer, Subscription, UNKNOWN_TIER};
use crate::cli::{
    Collection, SubscriptionsCancelArgs, SubscriptionsChangeArgs, SubscriptionsCommand,
    SubscriptionsCreateArgs, SubscriptionsListArgs,
};
use crate::clock::now;
use crate::context::Ctx;
use crate::ops;
use crate::ops::subscriptions::{self, CancelStep};
use anyhow::Result;
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

/// Mirrors the result of a lifecycle step, says what it was, and shows the subscription.
fn finish(
    ctx: &mut Ctx,
    sub: &Subscription,
    customer: &Customer,
    message: String,
) -> Result<ExitCode> {
    let tiers = tier_map(ctx)?;
    let view = subscriptions::remember(ctx.store()?, &tiers, sub, customer, now())?;
    ctx.output.status(message);
    ctx.output.show(&view)?;
    Ok(ExitCode::SUCCESS)
}

/// The subscription and its customer from Stripe.
fn fetch(ctx: &mut Ctx, id: &str) -> Result<(Subscription, Customer)> {
    let stripe = ctx.stripe()?;
    ctx.block_on(subscriptions::fetch(&stripe, id))?
}

fn create(ctx: &mut Ctx, args: &SubscriptionsCreateArgs) -> Result<ExitCode> {
    let config = ctx.config()?.clone();
    let tier = tier(&config, &args.tier)?;
    let (stripe, tiers) = (
        ctx.stripe_for_write("create a subscription")?,
        tier_map(ctx)?,
    );
    let new = ctx.block_on(subscriptions::prepare_create(
        &stripe,
        &args.customer,
        tier,
        &tiers,
        args.seats.asked(),
    ))??;
    let terms = subscriptions::Terms {
        trial_days: args.trial_days.or(tier.trial_days).filter(|d| *d > 0),
        send_invoice_days: (args.collection == Collection::Invoice).then_some(args.days_until_due),
        payment_behavior: args.payment_behavior.as_str().to_string(),
    };
    let sub = ctx.block_on(subscriptions::create(&stripe, &new, &terms))??;
    let view = subscriptions::remember(ctx.store()?, &tiers, &sub, &new.customer, now())?;
    let row = view.row;
    let trial_end = terms
        .trial_days
        .and_then(|d| sub.created.checked_add(i64::from(d).checked_mul(86_400)?));
    let outcome = ctx.block_on(ops::payments::outcome(&stripe, &sub, &row, trial_end))??;
    ctx.output.status(format!(
        "Subscribed {} to {} ({}): {}.",
        new.customer.id,
        crate::billing::seats::label(&tier.id, new.quantity),
        sub.id,
        sub.status
    ));
    ctx.output.show(&outcome)?;
    Ok(ExitCode::from(u8::from(sub.status == "incomplete")))
}

fn change(ctx: &mut Ctx, args: &SubscriptionsChangeArgs) -> Result<ExitCode> {
    let config = ctx.config()?.clone();
    if let Some(t) = &args.tier {
        tier(&config, t)?;
    }
    let stripe = ctx.stripe_for_write("change a subscription")?;
    let (sub, customer) = fetch(ctx, &args.id)?;
    let tiers = tier_map(ctx)?;
    let tier = tier(
        &config,
        &subscriptions::target_tier(&sub, (args.tier.as_deref(), "--tier"), &tiers)?,
    )?;
    let seats = args.seats.asked();
    let Some(change) = ctx.block_on(subscriptions::prepare_change(
        &stripe, &sub, tier, &tiers, seats,
    ))??
    else {
        let msg = format!("{} is already on {}: nothing to change.", sub.id, tier.id);
        return finish(ctx, &sub, &customer, msg);
    };
    let proration = args.proration.as_str();
    let changed = ctx.block_on(subscriptions::change(
        &stripe, &sub, &change, &tier.id, proration,
    ))??;
    let msg = format!(
        "Moved {} {} (proration: {proration}).",
        sub.id,
        subscriptions::change_words(&change, &tier.id)
    );
    finish(ctx, &changed, &customer, msg)
}

fn cancel(ctx: &mut Ctx, args: &SubscriptionsCancelArgs) -> Result<ExitCode> {
    let stripe = ctx.writer("cancel a subscription")?;
    let (sub, customer) = fetch(ctx, &args.id)?;
    let question = match subscriptions::cancel_step(&sub, &customer, args.at_period_end) {
        CancelStep::Nothing(msg) => return finish(ctx, &sub, &customer, msg),
        CancelStep::Ask(q) => q,
    };
    if !ctx.confirm_write(&stripe, &question)? {
        return super::declined(ctx, "the subscription was not changed");
    }
    let (done, msg) = ctx.block_on(subscriptions::cancel(&stripe, &sub, args.at_period_end))??;
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
    let on_page = |n: usize| bar.set_position(n as u64);
    let subs = ctx.block_on(subscriptions::list(
        &stripe,
        args.customer.as_deref(),
        on_page,
    ))??;
    bar.finish_and_clear();
    let tiers = tier_map(ctx)?;
    let rows = subscriptions::rows_of(&subs, &tiers, args.tier.as_deref(), &args.status);
    let policy = ctx.config()?.access.clone();
    let (store, rt) = ctx.store_and_runtime()?;
    let listed = ops::payments::with_payment_state(store, rt, &stripe, &policy, rows, now())?;
    ctx.output.show(&listed)?;
    Ok(ExitCode::SUCCESS)
}

fn show(ctx: &mut Ctx, id: &str) -> Result<ExitCode> {
    let (sub, customer) = fetch(ctx, id)?;
    let tiers = tier_map(ctx)?;
    let view = subscriptions::remember(ctx.store()?, &tiers, &sub, &customer, now())?;
    ctx.output.show(&view)?;
    Ok(ExitCode::SUCCESS)
}

fn sync(ctx: &mut Ctx, args: &crate::cli::SubscriptionsSyncArgs) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    let tiers = tier_map(ctx)?;
    let bar = ctx
        .output
        .progress(0, "Reading customers and subscriptions");
    let (store, rt) = ctx.store_and_runtime()?;
    let report = subscriptions::sync(
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

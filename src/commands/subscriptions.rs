//! `billctl subscriptions create|change|cancel|resume|list|show|sync`: each change is one
//! `ops::lifecycle` workflow, the one serve's self-service routes run too.

use super::{tier, tier_map};
use crate::cli::{
    Collection, SubscriptionsCancelArgs, SubscriptionsChangeArgs, SubscriptionsCommand,
    SubscriptionsCreateArgs, SubscriptionsListArgs,
};
use crate::context::Ctx;
use crate::domain::billing::{Customer, Subscription, UNKNOWN_TIER};
use crate::domain::clock::now;
use crate::ops;
use crate::ops::lifecycle::{self, Actor, PlanChange, PlanError, Subscribe, Target};
use crate::ops::subscriptions;
use crate::ops::writes::Local;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: SubscriptionsCommand) -> Result<ExitCode> {
    match cmd {
        SubscriptionsCommand::Create(args) => create(ctx, &args),
        SubscriptionsCommand::Change(args) => change(ctx, &args),
        SubscriptionsCommand::Cancel(args) => cancel(ctx, &args),
        SubscriptionsCommand::Resume(args) => resume(ctx, &args.id),
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

/// A refused lifecycle change: "nothing to do" is said, mirrored and shown (exit 0); anything
/// else is the error (a change Stripe did not make exits 1, see `crate::exit_code`).
fn refused(ctx: &mut Ctx, e: PlanError, target: Target<'_>) -> Result<ExitCode> {
    if e.unchanged() {
        return finish(ctx, target.sub, target.customer, e.to_string());
    }
    Err(anyhow::Error::new(e))
}

fn create(ctx: &mut Ctx, args: &SubscriptionsCreateArgs) -> Result<ExitCode> {
    let config = ctx.config()?.clone();
    let tier = tier(&config, &args.tier)?;
    let stripe = ctx.stripe_for_write("create a subscription")?;
    let tiers = tier_map(ctx)?;
    let terms = subscriptions::Terms {
        trial_days: args.trial_days.or(tier.trial_days).filter(|d| *d > 0),
        send_invoice_days: (args.collection == Collection::Invoice).then_some(args.days_until_due),
        payment_behavior: args.payment_behavior.as_str().to_string(),
    };
    let who = super::actor();
    let (store, rt) = ctx.store_and_runtime()?;
    let stores = Local::new(store);
    let made = rt.block_on(lifecycle::create(
        &stores,
        &stripe,
        &tiers,
        Subscribe {
            customer: &args.customer,
            tier,
            seats: args.seats.asked(),
        },
        &terms,
        Actor::now(&who),
    ))?;
    ctx.output.status(made.message);
    ctx.output.show(&made.outcome)?;
    Ok(ExitCode::from(u8::from(made.sub.status == "incomplete")))
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
        &subscriptions::target_tier(&sub, args.tier.as_deref(), "--tier", &tiers)?,
    )?;
    let target = Target::new(&sub, &customer);
    if let Err(e) = lifecycle::check_change(&sub) {
        return refused(ctx, e, target);
    }
    let who = super::actor();
    let (store, rt) = ctx.store_and_runtime()?;
    let stores = Local::new(store);
    let how = PlanChange::new(tier, args.seats.asked(), args.proration);
    let done = rt.block_on(lifecycle::change_plan(
        &stores,
        &stripe,
        &tiers,
        target,
        how,
        Actor::now(&who),
    ));
    shown(ctx, done, target)
}

/// Says what a lifecycle change did and shows the subscription (or maps its refusal).
fn shown(
    ctx: &mut Ctx,
    done: Result<lifecycle::Done, PlanError>,
    target: Target<'_>,
) -> Result<ExitCode> {
    match done {
        Ok(d) => {
            ctx.output.status(d.message);
            ctx.output.show(&d.view)?;
            Ok(ExitCode::SUCCESS)
        }
        Err(e) => refused(ctx, e, target),
    }
}

fn cancel(ctx: &mut Ctx, args: &SubscriptionsCancelArgs) -> Result<ExitCode> {
    let stripe = ctx.writer("cancel a subscription")?;
    let (sub, customer) = fetch(ctx, &args.id)?;
    let target = Target::new(&sub, &customer);
    let question = match lifecycle::cancel_question(&sub, &customer, args.at_period_end) {
        Ok(q) => q,
        Err(e) => return refused(ctx, e, target),
    };
    let tiers = tier_map(ctx)?;
    if !ctx.confirm_write(&stripe, &question)? {
        return super::declined(ctx, "the subscription was not changed");
    }
    let who = super::actor();
    let (store, rt) = ctx.store_and_runtime()?;
    let stores = Local::new(store);
    let done = rt.block_on(lifecycle::cancel(
        &stores,
        &stripe,
        &tiers,
        target,
        args.at_period_end,
        Actor::now(&who),
    ));
    shown(ctx, done, target)
}

fn resume(ctx: &mut Ctx, id: &str) -> Result<ExitCode> {
    let stripe = ctx.stripe_for_write("resume a subscription")?;
    let (sub, customer) = fetch(ctx, id)?;
    let tiers = tier_map(ctx)?;
    let who = super::actor();
    let (store, rt) = ctx.store_and_runtime()?;
    let stores = Local::new(store);
    let target = Target::new(&sub, &customer);
    let done = rt.block_on(lifecycle::resume(
        &stores,
        &stripe,
        &tiers,
        target,
        Actor::now(&who),
    ));
    shown(ctx, done, target)
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
    let subs = ctx.block_on(subscriptions::list(&stripe, args.customer.as_deref(), &bar))??;
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
    let stripe = ctx.stripe()?;
    let policy = ctx.config()?.access.clone();
    let (store, rt) = ctx.store_and_runtime()?;
    let shown = ops::payments::shown(store, rt, &stripe, &policy, view, now())?;
    ctx.output.show(&shown)?;
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

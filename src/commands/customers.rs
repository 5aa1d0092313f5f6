//! `billctl customers create|update|list|show`.

use super::tier_map;
use crate::cli::{CustomersCommand, CustomersCreateArgs, CustomersListArgs, CustomersUpdateArgs};
use crate::context::Ctx;
use crate::domain::clock::now;
use crate::ops::customers::{self, Changes, Created, Updated};
use crate::ops::writes::{Actor, Local};
use anyhow::Result;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: CustomersCommand) -> Result<ExitCode> {
    match cmd {
        CustomersCommand::Create(args) => create(ctx, &args),
        CustomersCommand::List(args) => list(ctx, &args),
        CustomersCommand::Show(args) => show(ctx, &args.id),
        CustomersCommand::Update(args) => update(ctx, &args),
    }
}

fn update(ctx: &mut Ctx, args: &CustomersUpdateArgs) -> Result<ExitCode> {
    let (email, name) = (args.email.as_deref(), args.name.as_deref());
    let changes = Changes::new(email, name, &args.metadata, &args.unset_metadata)?;
    let stripe = ctx.stripe_for_write("update a customer")?;
    let who = super::actor();
    let (store, rt) = ctx.store_and_runtime()?;
    let stores = Local::new(store);
    let actor = Actor::now(&who);
    let customer = rt.block_on(customers::update(
        &stores, &stripe, &args.id, &changes, actor,
    ))?;
    ctx.output.show(&Updated(customer))?;
    Ok(ExitCode::SUCCESS)
}

fn create(ctx: &mut Ctx, args: &CustomersCreateArgs) -> Result<ExitCode> {
    let email = args.email.trim();
    customers::check_email(email)?;
    let stripe = ctx.stripe_for_write("create a customer")?;
    let ids = ctx.block_on(customers::same_email(&stripe, email))??;
    if !ids.is_empty() {
        let (n, list) = (ids.len(), ids.join(", "));
        ctx.output.warn(format!(
            "{} {email}: {list}",
            crate::util::plural::count(n, "customer already uses", "customers already use")
        ));
        let question = format!("Create another customer with email {email}?");
        if !ctx.output.confirm(&question, ctx.global.yes)? {
            return super::declined(ctx, "no customer was created");
        }
    }
    let who = super::actor();
    let (store, rt) = ctx.store_and_runtime()?;
    let stores = Local::new(store);
    let actor = Actor::now(&who);
    let new = (email, args.name.as_deref(), args.metadata.as_slice());
    let customer = rt.block_on(customers::create(&stores, &stripe, new, &ids, actor))?;
    ctx.output.show(&Created(customer))?;
    Ok(ExitCode::SUCCESS)
}

fn list(ctx: &mut Ctx, args: &CustomersListArgs) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    let bar = ctx.output.progress(0, "Listing customers");
    let found = ctx.block_on(customers::list(&stripe, args.email.as_deref(), &bar))??;
    bar.finish_and_clear();
    ctx.output.show(&crate::output::CustomerList(found))?;
    Ok(ExitCode::SUCCESS)
}

fn show(ctx: &mut Ctx, id: &str) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    let fetched = ctx.block_on(customers::fetch(&stripe, id))??;
    let tiers = tier_map(ctx)?;
    let policy = ctx.config()?.access.clone();
    let report = customers::show(ctx.store()?, &tiers, &policy, fetched, now())?;
    ctx.output.show(&report)?;
    Ok(ExitCode::SUCCESS)
}

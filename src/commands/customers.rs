//! `billctl customers create|list|show`.

use super::tier_map;
use crate::billing::MirrorRow;
use crate::cli::{CustomersCommand, CustomersCreateArgs, CustomersListArgs, CustomersUpdateArgs};
use crate::clock::now;
use crate::context::Ctx;
use crate::ops;
use anyhow::{bail, Context, Result};
use std::collections::HashMap;
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
    if let Some(email) = &args.email {
        if !email.contains('@') || email.contains(char::is_whitespace) {
            bail!("invalid --email {email:?}: expected an address like ada@example.com");
        }
    }
    let mut metadata: std::collections::BTreeMap<String, Option<String>> = args
        .metadata
        .iter()
        .map(|(k, v)| (k.clone(), Some(v.clone())))
        .collect();
    for k in &args.unset_metadata {
        if metadata.insert(k.clone(), None).is_some() {
            bail!("--metadata and --unset-metadata both name {k:?}");
        }
    }
    if args.email.is_none() && args.name.is_none() && metadata.is_empty() {
        bail!(
            "nothing to change: pass --email, --name, --metadata KEY=VALUE or --unset-metadata KEY"
        );
    }
    super::existing_customer(ctx, &args.id)?;
    let stripe = ctx.stripe_for_write("update a customer")?;
    let key = crate::idempotency::random();
    let (email, name) = (args.email.as_deref(), args.name.as_deref());
    let customer = ctx
        .block_on(stripe.update_customer(&args.id, email, name, &metadata, &key))?
        .with_context(|| format!("failed to update customer {}", args.id))?;
    ctx.store()?.record(&customer, &[], now())?;
    let detail = serde_json::json!({"email": args.email, "name": args.name, "metadata": metadata});
    super::audit(ctx, "customer.update", Some(&args.id), detail)?;
    if ctx.output.json {
        ctx.output.json(&customer)?;
    } else {
        ctx.output.status(format!("Updated {}.", customer.id));
    }
    Ok(ExitCode::SUCCESS)
}

fn create(ctx: &mut Ctx, args: &CustomersCreateArgs) -> Result<ExitCode> {
    let email = args.email.trim();
    if !email.contains('@')
        || email.starts_with('@')
        || email.ends_with('@')
        || email.contains(char::is_whitespace)
    {
        bail!("invalid --email {email:?}: expected an address like ada@example.com");
    }
    let stripe = ctx.stripe()?;
    let existing = ctx
        .block_on(stripe.customers(Some(email), |_| {}))?
        .context("failed to look for customers with this email")?;
    if !existing.is_empty() {
        let ids: Vec<&str> = existing.iter().map(|c| c.id.as_str()).collect();
        ctx.output.warn(format!(
            "{} customer(s) already use {email}: {}",
            ids.len(),
            ids.join(", ")
        ));
        if !ctx.output.confirm(
            &format!("Create another customer with email {email}?"),
            ctx.global.yes,
        )? {
            return super::declined(ctx, "no customer was created");
        }
    }
    let stripe = ctx.stripe_for_write("create a customer")?;
    let metadata: HashMap<String, String> = args.metadata.iter().cloned().collect();
    // A fresh key per invocation: a confirmed duplicate is wanted; retries inside this call reuse it.
    let key = crate::idempotency::random();
    let customer = ctx
        .block_on(stripe.create_customer(email, args.name.as_deref(), &metadata, &key))?
        .context("failed to create the customer")?;
    ctx.store()?.record(&customer, &[], now())?;
    if ctx.output.json {
        ctx.output.json(&customer)?;
    } else {
        ctx.output.data(&customer.id)?;
        ctx.output
            .status(format!("Created customer {} <{email}>.", customer.id));
    }
    Ok(ExitCode::SUCCESS)
}

fn list(ctx: &mut Ctx, args: &CustomersListArgs) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    let bar = ctx.output.progress(0, "Listing customers");
    let customers = ctx
        .block_on(stripe.customers(args.email.as_deref(), |n| bar.set_position(n as u64)))?
        .context("failed to list customers")?;
    bar.finish_and_clear();
    ctx.output.show(&crate::output::CustomerList(customers))?;
    Ok(ExitCode::SUCCESS)
}

fn show(ctx: &mut Ctx, id: &str) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    let customer = super::existing_customer(ctx, id)?;
    let (subs, methods, open) = ctx.block_on(async {
        tokio::join!(
            stripe.subscriptions(Some(id), |_| {}),
            stripe.payment_methods(id),
            stripe.invoices_of(id, Some("open"))
        )
    })?;
    let subs = subs.context("failed to list the customer's subscriptions")?;
    let tiers = tier_map(ctx)?;
    let rows: Vec<MirrorRow> = subs.iter().map(|s| MirrorRow::of(s, &tiers)).collect();
    ctx.store()?.record(&customer, &rows, now())?;
    let policy = ctx.config()?.access.clone();
    let report = ops::payments::CustomerReport {
        standing: ops::payments::standing(ctx.store()?, &policy, id, now())?,
        tier: ops::payments::tier_of(&subs, &rows),
        api_keys: ctx.store()?.api_key_count(id)?,
        default_payment_method: methods
            .context("failed to list payment methods")?
            .into_iter()
            .find(|m| m.default),
        open_invoices: open.context("failed to list open invoices")?,
        customer,
        subscriptions: rows,
    };
    ctx.output.show(&report)?;
    Ok(ExitCode::SUCCESS)
}

//! `billctl customers create|list|show`.

use super::tier_map;
use crate::billing::{Customer, MirrorRow, UNKNOWN_TIER};
use crate::cli::{CustomersCommand, CustomersCreateArgs, CustomersListArgs};
use crate::clock::now;
use crate::context::Ctx;
use crate::time::utc_date;
use anyhow::{bail, Context, Result};
use comfy_table::Cell;
use serde::Serialize;
use std::collections::HashMap;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: CustomersCommand) -> Result<ExitCode> {
    match cmd {
        CustomersCommand::Create(args) => create(ctx, &args),
        CustomersCommand::List(args) => list(ctx, &args),
        CustomersCommand::Show(args) => show(ctx, &args.id),
    }
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
    if ctx.output.json {
        ctx.output.json(&customers)?;
    } else {
        let rows = customers
            .iter()
            .map(|c| {
                vec![
                    Cell::new(&c.id),
                    Cell::new(c.email.as_deref().unwrap_or("-")),
                    Cell::new(c.name.as_deref().unwrap_or("-")),
                    Cell::new(utc_date(c.created)),
                ]
            })
            .collect();
        ctx.output
            .data(&ctx.output.table(&["ID", "EMAIL", "NAME", "CREATED"], rows))?;
        ctx.output.status(format!("{} customers.", customers.len()));
    }
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct ShowView {
    #[serde(flatten)]
    customer: Customer,
    /// The tier of the customer's live subscription; "none" without one.
    tier: String,
    api_keys: i64,
    subscriptions: Vec<MirrorRow>,
}

fn show(ctx: &mut Ctx, id: &str) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    let customer = super::existing_customer(ctx, id)?;
    let subs = ctx
        .block_on(stripe.subscriptions(Some(id), |_| {}))?
        .context("failed to list the customer's subscriptions")?;
    let tiers = tier_map(ctx)?;
    let rows: Vec<MirrorRow> = subs.iter().map(|s| MirrorRow::of(s, &tiers)).collect();
    ctx.store()?.record(&customer, &rows, now())?;
    let live = subs
        .iter()
        .zip(&rows)
        .find(|(s, _)| s.is_live())
        .map(|(_, r)| r.tier.clone());
    let view = ShowView {
        tier: live.unwrap_or_else(|| "none".into()),
        api_keys: ctx.store()?.api_key_count(id)?,
        customer,
        subscriptions: rows,
    };
    if ctx.output.json {
        ctx.output.json(&view)?;
        return Ok(ExitCode::SUCCESS);
    }
    let out = &ctx.output;
    let mut text =
        format!(
        "id:       {}\nemail:    {}\nname:     {}\ncreated:  {}\ntier:     {}{}\napi keys: {}\n",
        view.customer.id,
        view.customer.email.as_deref().unwrap_or("-"),
        view.customer.name.as_deref().unwrap_or("-"),
        utc_date(view.customer.created),
        view.tier,
        if view.tier == UNKNOWN_TIER { " (price not in the catalog)" } else { "" },
        view.api_keys
    );
    if !view.subscriptions.is_empty() {
        text.push_str(&crate::output::subscription_table(out, &view.subscriptions));
    }
    out.data(&text)?;
    Ok(ExitCode::SUCCESS)
}

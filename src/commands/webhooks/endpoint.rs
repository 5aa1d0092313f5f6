//! `billctl webhooks endpoint create|list|delete`: Stripe's webhook endpoints, with where each
//! signing secret is kept.

use crate::cli::{EndpointCommand, EndpointCreateArgs, EndpointDeleteArgs};
use crate::context::Ctx;
use crate::ops;
use anyhow::{anyhow, Result};
use std::io::IsTerminal;
use std::process::ExitCode;

pub(super) fn endpoint(ctx: &mut Ctx, cmd: EndpointCommand) -> Result<ExitCode> {
    match cmd {
        EndpointCommand::Create(a) => endpoint_create(ctx, &a),
        EndpointCommand::List => endpoint_list(ctx),
        EndpointCommand::Delete(a) => endpoint_delete(ctx, &a),
    }
}

/// Where a new endpoint's signing secret may go when the keyring refuses it.
fn secret_fallback(ctx: &mut Ctx) -> Result<ops::webhooks::SecretFallback> {
    Ok(ops::webhooks::SecretFallback {
        file_dir: match ctx.config()?.webhook_secret_file {
            true => Some(ctx.data_dir()?),
            false => None,
        },
        // Shown once, on a terminal only: never into a pipe, a log or a file.
        terminal: ctx.output.interactive() && std::io::stdout().is_terminal(),
    })
}

fn endpoint_create(ctx: &mut Ctx, args: &EndpointCreateArgs) -> Result<ExitCode> {
    crate::cli::parse_url("--url", &args.url).map_err(|e| anyhow!(e))?;
    let profile = ctx.profile()?;
    let stripe = ctx.stripe_for_write("create a webhook endpoint")?;
    let desc = args.description.as_deref();
    let fallback = secret_fallback(ctx)?;
    let who = super::super::actor();
    let actor = crate::ops::writes::Actor::now(&who);
    let (store, rt) = ctx.store_and_runtime()?;
    let stores = ops::writes::Local::new(store);
    let (view, kept) = rt.block_on(ops::webhooks::create_endpoint(
        &stores, actor, &stripe, &profile, &args.url, desc, &fallback,
    ))?;
    match kept {
        ops::webhooks::Kept::Keyring => {}
        ops::webhooks::Kept::File(path) => ctx.output.warn(format!(
            "the OS keyring refused the signing secret; it is in {} (mode 0600), where 'webhooks listen' reads it",
            path.display()
        )),
        ops::webhooks::Kept::Shown { secret, why } => {
            eprintln!(
                "The signing secret of {} is shown here once and is stored nowhere:\n\n    export BILLCTL_WEBHOOK_SECRET='{}'\n\nthen run 'billctl webhooks listen --secret-env BILLCTL_WEBHOOK_SECRET'.",
                view.id,
                secret.expose()
            );
            anyhow::bail!("could not keep the signing secret of endpoint {}: {why}", view.id);
        }
    }
    ctx.output.show(&view)?;
    Ok(ExitCode::SUCCESS)
}

fn endpoint_list(ctx: &mut Ctx) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    let (kept, in_file) = super::super::kept_secrets(ctx);
    let list = ctx.block_on(ops::webhooks::endpoints(&stripe, &kept, &in_file))??;
    ctx.output.show(&list)?;
    Ok(ExitCode::SUCCESS)
}

fn endpoint_delete(ctx: &mut Ctx, args: &EndpointDeleteArgs) -> Result<ExitCode> {
    let question = format!(
        "Delete webhook endpoint {}? Stripe stops delivering to it at once.",
        args.id
    );
    let Some(stripe) = ctx.stripe_for_confirmed_write("delete a webhook endpoint", &question)?
    else {
        return super::super::declined(ctx, "nothing was deleted");
    };
    let (profile, dir) = (ctx.profile()?, ctx.data_dir()?);
    let who = super::super::actor();
    let actor = crate::ops::writes::Actor::now(&who);
    let (store, rt) = ctx.store_and_runtime()?;
    let stores = ops::writes::Local::new(store);
    let deleted = rt.block_on(ops::webhooks::delete_endpoint(
        &stores, actor, &stripe, &args.id, &profile, &dir,
    ))?;
    ctx.output.show(&deleted)?;
    Ok(ExitCode::SUCCESS)
}

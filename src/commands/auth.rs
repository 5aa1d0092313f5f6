//! `billctl auth login|status|logout`: the Stripe key in the OS keyring, which store holds it
//! and whether it survives a reboot.

use crate::adapters::secrets::{self, Source, StripeKey};
use crate::cli::{AuthCommand, AuthLoginArgs};
use crate::context::Ctx;
use anyhow::{anyhow, bail, Context, Result};
use std::io::BufRead;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: AuthCommand) -> Result<ExitCode> {
    match cmd {
        AuthCommand::Login(args) => login(ctx, &args),
        AuthCommand::Status => status(ctx),
        AuthCommand::Logout => logout(ctx),
    }
}

fn read_key(ctx: &Ctx, args: &AuthLoginArgs) -> Result<String> {
    if args.stdin {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("failed to read the key from stdin")?;
        return Ok(line.trim().to_string());
    }
    if !ctx.output.interactive() {
        bail!("cannot prompt for the key: stdin is not a terminal\nhint: pipe it in with --stdin, e.g. 'billctl auth login --stdin < key.txt'");
    }
    Ok(dialoguer::Password::new()
        .with_prompt("Stripe secret key (sk_... or rk_...)")
        .interact()?)
}

fn login(ctx: &mut Ctx, args: &AuthLoginArgs) -> Result<ExitCode> {
    let profile = ctx.profile()?;
    let raw = read_key(ctx, args)?;
    let source = Source::Keyring {
        profile: profile.clone(),
    };
    let key = StripeKey::parse(&raw, source.clone()).map_err(|e| anyhow!(e))?;
    secrets::store(&profile, &key).map_err(|e| anyhow!("failed to store the key: {e}"))?;
    let (store, persists, held) = secrets::held_in(&source);
    let kind = key.kind.prefix();
    let mode = key.mode;
    ctx.output.status(format!(
        "Stored {kind} key …{} ({mode} mode) in the OS keyring, profile {profile}: {held}.",
        key.last4()
    ));
    if persists == Some(false) {
        ctx.output.warn(format!("a reboot clears the key from the {}: run 'billctl auth login' again after one; a service should get it as a systemd credential instead ({})", store.replace('-', " "), credential_hint()));
    }
    for shadow in shadowing() {
        ctx.output.warn(format!(
            "{shadow} is set and takes precedence over the keyring"
        ));
    }
    Ok(ExitCode::SUCCESS)
}

/// How a unit gets the key, for the hints.
fn credential_hint() -> String {
    format!("LoadCredential=stripe-key:{}", secrets::CREDENTIAL_FILE)
}

/// What holds a key that wins over the keyring: the systemd credential, the variable.
fn shadowing() -> Vec<String> {
    let mut found = Vec::new();
    if let Ok(Some(c)) =
        crate::adapters::credentials::read(crate::adapters::credentials::Credential::StripeKey)
    {
        found.push(format!("the systemd credential {}", c.path.display()));
    }
    if std::env::var(secrets::KEY_ENV).is_ok_and(|v| !v.trim().is_empty()) {
        found.push(secrets::KEY_ENV.to_string());
    }
    found
}

fn status(ctx: &mut Ctx) -> Result<ExitCode> {
    let profile = ctx.profile()?;
    let lookup = secrets::resolve(&profile).map_err(|e| match &e.source {
        Some(s) => anyhow!(
            "{e}\nhint: {}",
            secrets::how_to_change_key(Some(s), &profile)
        ),
        None => anyhow!(e.why),
    })?;
    let (view, note) = secrets::KeyStatus::of(lookup, profile);
    ctx.output.show_unless_empty(&view, !view.configured)?;
    if view.persists_across_reboot == Some(false) {
        ctx.output.notice(format!(
            "note: a reboot clears the {}; a service should get the key as a systemd credential ({})",
            view.store.unwrap_or("keyring").replace('-', " "),
            credential_hint()
        ));
    }
    if !view.configured {
        ctx.output.notice(format!(
            "no Stripe API key: {}",
            secrets::how_to_change_key(None, &view.profile)
        ));
        if let Some(n) = note {
            ctx.output.notice(format!("note: {n}"));
        }
        return Ok(ExitCode::from(1));
    }
    Ok(ExitCode::SUCCESS)
}

fn logout(ctx: &mut Ctx) -> Result<ExitCode> {
    let profile = ctx.profile()?;
    if !ctx.output.confirm(
        &format!("Remove the Stripe key of profile {profile} from the OS keyring?"),
        ctx.global.yes,
    )? {
        return super::declined(ctx, "the key was kept");
    }
    match secrets::remove(&profile).map_err(|e| anyhow!("failed to remove the key: {e}"))? {
        true => ctx.output.status(format!(
            "Removed the Stripe key of profile {profile} from the OS keyring."
        )),
        false => ctx
            .output
            .status(format!("No Stripe key was stored for profile {profile}.")),
    }
    Ok(ExitCode::SUCCESS)
}

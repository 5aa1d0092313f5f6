//! `billctl auth login|status|logout`: the Stripe key in the OS keyring.

use crate::cli::{AuthCommand, AuthLoginArgs};
use crate::context::Ctx;
use crate::secrets::{self, KeyKind, Lookup, Mode, Source, StripeKey};
use anyhow::{anyhow, bail, Context, Result};
use serde::Serialize;
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
    let key = StripeKey::parse(
        &raw,
        Source::Keyring {
            profile: profile.clone(),
        },
    )
    .map_err(|e| anyhow!(e))?;
    secrets::store(&profile, &key).map_err(|e| anyhow!("failed to store the key: {e}"))?;
    ctx.output.status(format!(
        "Stored {} key …{} ({} mode) in the OS keyring, profile {profile}.",
        kind_prefix(key.kind),
        key.last4(),
        mode_name(key.mode)
    ));
    if std::env::var(secrets::KEY_ENV).is_ok_and(|v| !v.trim().is_empty()) {
        ctx.output.warn(format!(
            "{} is set and takes precedence over the keyring",
            secrets::KEY_ENV
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn kind_prefix(k: KeyKind) -> &'static str {
    match k {
        KeyKind::Secret => "sk",
        KeyKind::Restricted => "rk",
    }
}

fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::Test => "test",
        Mode::Live => "live",
    }
}

#[derive(Serialize)]
struct StatusView {
    configured: bool,
    #[serde(flatten)]
    source: Option<Source>,
    mode: Option<Mode>,
    #[serde(rename = "type")]
    kind: Option<KeyKind>,
    last4: Option<String>,
    profile: String,
}

fn status(ctx: &mut Ctx) -> Result<ExitCode> {
    let profile = ctx.profile()?;
    let (view, note) = match secrets::resolve(&profile).map_err(|e| anyhow!(e))? {
        Lookup::Found(k) => (
            StatusView {
                configured: true,
                source: Some(k.source.clone()),
                mode: Some(k.mode),
                kind: Some(k.kind),
                last4: Some(k.last4().into()),
                profile,
            },
            None,
        ),
        Lookup::Missing(why) => (
            StatusView {
                configured: false,
                source: None,
                mode: None,
                kind: None,
                last4: None,
                profile,
            },
            why,
        ),
    };
    if ctx.output.json {
        ctx.output.json(&view)?;
    } else if let (Some(source), Some(mode), Some(kind), Some(last4)) =
        (&view.source, view.mode, view.kind, &view.last4)
    {
        ctx.output.data(&format!(
            "source:  {source}\nmode:    {}\ntype:    {} ({})\nkey:     {}_{}_…{last4}",
            mode_name(mode),
            kind_prefix(kind),
            if kind == KeyKind::Secret {
                "secret key"
            } else {
                "restricted key"
            },
            kind_prefix(kind),
            mode_name(mode)
        ))?;
    }
    if !view.configured {
        ctx.output.notice(format!(
            "no Stripe API key: set {} or run 'billctl auth login' (profile {})",
            secrets::KEY_ENV,
            view.profile
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

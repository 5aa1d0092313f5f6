//! `billctl doctor`: gathers what the checks look at (the config, the stores, the Stripe
//! client and the secrets this profile holds) and shows the report; exit 1 on any warning or
//! failure. A config that cannot be read is an error (exit 2): doctor itself could not run.

use crate::context::Ctx;
use crate::domain::clock::now;
use crate::ops::doctor;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, args: &crate::cli::DoctorArgs) -> Result<ExitCode> {
    let config = ctx.config()?.clone();
    let data_dir = ctx.data_dir()?;
    let (stripe, key_mode) = match ctx.stripe_key() {
        Ok(k) => {
            let mode = k.mode;
            (ctx.stripe().map_err(|e| format!("{e:#}")), Some(mode))
        }
        Err(e) => (Err(format!("{e:#}")), None),
    };
    let key_hint = ctx.key_hint();
    let (keyring, file) = super::kept_secrets(ctx);
    let events = ctx.events().map_err(|e| format!("{e:#}"));
    let store = ctx.take_store().map_err(|e| format!("{e:#}"));
    let inputs = doctor::Inputs {
        config: &config,
        store,
        events,
        stripe,
        key_mode,
        key_hint,
        secrets: keyring.into_iter().chain(file).collect(),
        data_dir,
        integrity_limit: args.integrity_timeout,
        now: now(),
    };
    let report = doctor::run(ctx.runtime()?, inputs);
    ctx.output.show(&report)?;
    Ok(ExitCode::from(u8::from(report.has_problems())))
}

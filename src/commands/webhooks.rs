//! `billctl webhooks`: signature checks (receiving, storing and replaying come later).

use super::now;
use crate::cli::WebhooksVerifyArgs;
use crate::context::Ctx;
use crate::output::utc_datetime;
use crate::webhooks;
use anyhow::{bail, Context, Result};
use serde::Serialize;
use std::io::Read;
use std::process::ExitCode;

#[derive(Serialize)]
struct VerifyView {
    valid: bool,
    timestamp: Option<i64>,
    age_secs: Option<i64>,
    /// The variable whose secret matched.
    secret_env: Option<String>,
    reason: Option<String>,
}

/// Reads the raw body from stdin and checks the header under the secrets of the variables.
pub fn verify(ctx: &mut Ctx, args: &WebhooksVerifyArgs) -> Result<ExitCode> {
    if args.tolerance < 0 {
        bail!(
            "invalid --tolerance {}: must be 0 or more seconds",
            args.tolerance
        );
    }
    let mut secrets = Vec::new();
    for var in &args.secret_env {
        match std::env::var(var) {
            Ok(s) if !s.trim().is_empty() => secrets.push(s.trim().to_string()),
            _ => bail!("--secret-env {var}: the variable is not set (export it with the endpoint's whsec_ secret)"),
        }
    }
    let mut body = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut body)
        .context("failed to read the body from stdin")?;
    let t = now();
    let view = match webhooks::verify(&args.header, &body, &secrets, t, args.tolerance) {
        Ok(v) => VerifyView {
            valid: true,
            timestamp: Some(v.timestamp),
            age_secs: Some(t - v.timestamp),
            secret_env: Some(args.secret_env[v.secret_index].clone()),
            reason: None,
        },
        Err(e) => VerifyView {
            valid: false,
            timestamp: None,
            age_secs: None,
            secret_env: None,
            reason: Some(e.to_string()),
        },
    };
    if ctx.output.json {
        ctx.output.json(&view)?;
    } else if view.valid {
        ctx.output.data(&format!(
            "valid:     true\nsigned at: {} ({} s ago)\nsecret:    ${}\n",
            utc_datetime(view.timestamp.unwrap_or(0)),
            view.age_secs.unwrap_or(0),
            view.secret_env.as_deref().unwrap_or("")
        ))?;
    } else {
        ctx.output.data(&format!(
            "valid:     false\nreason:    {}\n",
            view.reason.as_deref().unwrap_or("")
        ))?;
    }
    Ok(if view.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

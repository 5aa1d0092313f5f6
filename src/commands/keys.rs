//! `billctl keys issue|list|show|revoke|rotate|verify`.

use super::actor;
use crate::cli::{KeysCommand, KeysIssueArgs, KeysListArgs, KeysRevokeArgs, KeysRotateArgs};
use crate::context::Ctx;
use crate::domain::clock::now;
use crate::domain::keys::{self};
use crate::ops;
use crate::ops::verifier::{Verification, Verifier};
use anyhow::{Context, Result};
use ops::keys::KeyRecord;
use std::io::BufRead;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: KeysCommand) -> Result<ExitCode> {
    match cmd {
        KeysCommand::Issue(args) => issue(ctx, &args),
        KeysCommand::List(args) => list(ctx, &args),
        KeysCommand::Show(args) => show(ctx, &args.id),
        KeysCommand::Revoke(args) => revoke(ctx, &args),
        KeysCommand::Rotate(args) => rotate(ctx, &args),
        KeysCommand::Verify(args) => verify(ctx, args.record),
    }
}

fn issue(ctx: &mut Ctx, args: &KeysIssueArgs) -> Result<ExitCode> {
    let mode = ctx.stripe_key()?.mode;
    // The customer must exist: from the mirror, else from Stripe (and then mirrored).
    if !ops::keys::customer_known(ctx.store()?, &args.customer)? {
        let c = super::existing_customer(ctx, &args.customer)?;
        ops::customers::remember(ctx.store()?, &c, now())?;
    }
    let new = ops::keys::NewKey {
        customer: &args.customer,
        name: args.name.as_deref(),
        ttl: args.expires_in,
        mode,
        max_live: None,
    };
    let issued = ops::keys::issue(ctx.store()?, &new, &actor(), now())?;
    let rec = &issued.record;
    let line = format!("issued key id {} ({mode}) for {}", rec.id, rec.customer_id);
    ctx.output.debug(2, line);
    ctx.output.show(&issued)?;
    Ok(ExitCode::SUCCESS)
}

fn list(ctx: &mut Ctx, args: &KeysListArgs) -> Result<ExitCode> {
    let want = args.status.map(Into::into);
    let list = ops::keys::list(ctx.store()?, args.customer.as_deref(), want, now())?;
    ctx.output.show(&list)?;
    Ok(ExitCode::SUCCESS)
}

fn find(ctx: &mut Ctx, id: &str) -> Result<KeyRecord> {
    ops::keys::find(ctx.store()?, id)
}

fn show(ctx: &mut Ctx, id: &str) -> Result<ExitCode> {
    let record = find(ctx, id)?;
    let status = record.status(now());
    ctx.output.show(&ops::keys::KeyView { record, status })?;
    Ok(ExitCode::SUCCESS)
}

fn revoke(ctx: &mut Ctx, args: &KeysRevokeArgs) -> Result<ExitCode> {
    let t = now();
    let recs = args
        .ids
        .iter()
        .map(|id| find(ctx, id))
        .collect::<Result<Vec<KeyRecord>>>()?;
    let (to_revoke, already) = ops::keys::to_revoke(&recs);
    for id in &already {
        let at = recs.iter().find(|k| &k.id == id).and_then(|k| k.revoked_at);
        ctx.output.status(format!(
            "{id} was already revoked at {}; nothing changed for it.",
            crate::domain::time::utc_datetime(at.unwrap_or(t))
        ));
    }
    if !to_revoke.is_empty() {
        let question = format!(
            "Revoke {} now: {}? Calls with {} fail immediately.",
            crate::util::plural::count(to_revoke.len(), "key", "keys"),
            to_revoke.join(", "),
            crate::util::plural::word(to_revoke.len(), "it", "them")
        );
        if !ctx.output.confirm(&question, ctx.global.yes)? {
            return super::declined(ctx, "no key was revoked");
        }
    }
    let (reason, who) = (args.reason.as_deref(), actor());
    let done = ops::keys::revoke(ctx.store()?, to_revoke, already, reason, &who, t)?;
    ctx.output.show(&done)?;
    Ok(ExitCode::SUCCESS)
}

fn rotate(ctx: &mut Ctx, args: &KeysRotateArgs) -> Result<ExitCode> {
    let old = find(ctx, &args.id)?;
    let issued = ops::keys::rotate(ctx.store()?, &old, args.grace, &actor(), now())?;
    ctx.output.show(&issued)?;
    Ok(ExitCode::SUCCESS)
}

/// The most `keys verify` reads from stdin.
const MAX_KEY_LINE: u64 = 1024;

/// Reads the key from stdin; touches no Stripe client, no async runtime and no keyring.
fn verify(ctx: &mut Ctx, record: bool) -> Result<ExitCode> {
    // One line, read through a bound: a key is 51 bytes, so anything past 1 KiB is not one
    // (and is answered MALFORMED, never buffered).
    let mut line = Vec::new();
    std::io::Read::take(std::io::stdin().lock(), MAX_KEY_LINE)
        .read_until(b'\n', &mut line)
        .context("failed to read the key from stdin")?;
    let key = String::from_utf8(line)
        .unwrap_or_default()
        .trim()
        .to_string();
    // A malformed key or a bad checksum is answered before any config or store access.
    let v = if keys::parse(&key).is_none() {
        Verification::malformed()
    } else {
        let store = ctx.take_store()?;
        let mut verifier = Verifier::from_store(store, ctx.config()?)?;
        let v = if record {
            verifier.verify_and_record(&key, 1)
        } else {
            verifier.verify(&key)
        };
        if !(record && v.is_valid()) {
            // Nothing was written: closing the connection would only try a checkpoint of an
            // empty WAL and free the caches, which the process exit does for free (SQLite
            // needs no close for durability; the locks go with the process).
            std::mem::forget(verifier);
        }
        v
    };
    finish_verify(ctx, v)
}

fn finish_verify(ctx: &Ctx, v: Verification) -> Result<ExitCode> {
    let line = format!(
        "verify: key id {} -> {}",
        v.key_id.as_deref().unwrap_or("-"),
        v.code.as_str()
    );
    ctx.output.debug(2, line);
    ctx.output.show(&v)?;
    Ok(ExitCode::from(u8::from(!v.is_valid())))
}

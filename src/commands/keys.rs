//! `billctl keys issue|list|show|revoke|rotate|verify`.

use super::actor;
use crate::cli::{
    KeyStatus, KeysCommand, KeysIssueArgs, KeysListArgs, KeysRevokeArgs, KeysRotateArgs,
};
use crate::clock::now;
use crate::context::Ctx;
use crate::keys::{self, Verification, Verifier};
use crate::secrets::Mode;
use crate::store::{Audit, KeyRecord};
use crate::time::{utc_date, utc_datetime};
use anyhow::{anyhow, bail, Context, Result};
use comfy_table::{Cell, Color};
use serde::Serialize;
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

/// The key as printed once: the only time the plaintext exists outside the caller's hands.
#[derive(Serialize)]
struct Issued<'a> {
    key: &'a str,
    #[serde(flatten)]
    record: &'a KeyRecord,
}

fn print_issued(ctx: &Ctx, key: &str, rec: &KeyRecord, verb: &str) -> Result<()> {
    if ctx.output.json {
        ctx.output.json(&Issued { key, record: rec })?;
    } else {
        ctx.output.data(key)?;
        let expiry = rec.expires_at.map_or("never expires".to_string(), |t| {
            format!("expires {}", utc_datetime(t))
        });
        ctx.output.status(format!("{verb} key {} for {} ({expiry}). Store it now: billctl keeps only its hash and cannot show it again.", rec.id, rec.customer_id));
    }
    Ok(())
}

/// Makes a new key record (retrying on the rare id collision) for `customer`.
fn new_key(ctx: &mut Ctx, live: bool, template: &KeyRecord) -> Result<(String, KeyRecord)> {
    for _ in 0..5 {
        let (id, key) = keys::generate(live).map_err(|e| anyhow!(e))?;
        if ctx.store()?.key(&id)?.is_none() {
            let rec = KeyRecord {
                id,
                hash: keys::hash(&key).to_vec(),
                ..template.clone()
            };
            return Ok((key, rec));
        }
    }
    bail!("could not find a free key id after 5 tries")
}

fn issue(ctx: &mut Ctx, args: &KeysIssueArgs) -> Result<ExitCode> {
    let ttl = args.expires_in;
    let mode = ctx.stripe_key()?.mode;
    let mode_name = if mode == Mode::Live { "live" } else { "test" };
    // The customer must exist: from the mirror, else from Stripe (and then mirrored).
    if ctx.store()?.customer(&args.customer)?.is_none() {
        let c = super::existing_customer(ctx, &args.customer)?;
        ctx.store()?.record(&c, &[], now())?;
    }
    ctx.store()?.claim_mode(mode_name)?;
    let at = now();
    let who = actor();
    let template = KeyRecord {
        id: String::new(),
        hash: Vec::new(),
        mode: mode_name.into(),
        customer_id: args.customer.clone(),
        name: args.name.clone(),
        created_at: at,
        created_by: who.clone(),
        expires_at: ttl.map(|t| at + t),
        ttl_secs: ttl,
        revoked_at: None,
        revoked_reason: None,
        last_used_at: None,
        replaces: None,
        replaced_by: None,
    };
    let (key, rec) = new_key(ctx, mode == Mode::Live, &template)?;
    let audit = Audit {
        actor: &who,
        action: "key.issue",
        key_id: Some(&rec.id),
        customer_id: Some(&rec.customer_id),
        reason: None,
        detail: Some(serde_json::json!({"name": rec.name, "expires_at": rec.expires_at})),
    };
    ctx.store()?
        .issue_key(&rec, &audit, at)
        .context("failed to store the key")?;
    ctx.output.debug(
        2,
        format!(
            "issued key id {} ({mode_name}) for {}",
            rec.id, rec.customer_id
        ),
    );
    print_issued(ctx, &key, &rec, "Issued")?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct KeyView<'a> {
    #[serde(flatten)]
    record: &'a KeyRecord,
    status: &'static str,
}

fn list(ctx: &mut Ctx, args: &KeysListArgs) -> Result<ExitCode> {
    let t = now();
    let keys = ctx.store()?.keys(args.customer.as_deref())?;
    let want = args.status.map(|s| match s {
        KeyStatus::Active => "active",
        KeyStatus::Revoked => "revoked",
        KeyStatus::Expired => "expired",
    });
    let views: Vec<KeyView> = keys
        .iter()
        .map(|k| KeyView {
            record: k,
            status: k.status(t),
        })
        .filter(|v| want.is_none_or(|w| v.status == w))
        .collect();
    if ctx.output.json {
        ctx.output.json(&views)?;
        return Ok(ExitCode::SUCCESS);
    }
    let out = &ctx.output;
    let rows = views
        .iter()
        .map(|v| {
            let k = v.record;
            let status = match v.status {
                "active" => out.paint("active", Color::Green),
                other => out.paint(other, Color::Red),
            };
            vec![
                Cell::new(&k.id),
                Cell::new(k.name.as_deref().unwrap_or("-")),
                Cell::new(&k.customer_id),
                status,
                Cell::new(utc_date(k.created_at)),
                Cell::new(k.expires_at.map_or("never".into(), utc_datetime)),
                Cell::new(k.last_used_at.map_or("never".into(), utc_datetime)),
            ]
        })
        .collect();
    out.data(&out.table(
        &[
            "ID",
            "NAME",
            "CUSTOMER",
            "STATUS",
            "CREATED",
            "EXPIRES",
            "LAST USED",
        ],
        rows,
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn find(ctx: &mut Ctx, id: &str) -> Result<KeyRecord> {
    ctx.store()?
        .key(id)?
        .ok_or_else(|| anyhow!("no API key with id {id}\nhint: 'billctl keys list' shows the ids"))
}

fn show(ctx: &mut Ctx, id: &str) -> Result<ExitCode> {
    let k = find(ctx, id)?;
    let status = k.status(now());
    if ctx.output.json {
        ctx.output.json(&KeyView { record: &k, status })?;
        return Ok(ExitCode::SUCCESS);
    }
    let opt = |t: Option<i64>| t.map_or("-".to_string(), utc_datetime);
    ctx.output.data(&format!(
        "id:           {}\nstatus:       {status}\nmode:         {}\ncustomer:     {}\nname:         {}\ncreated:      {} by {}\nexpires:      {}\nlast used:    {}\nrevoked:      {}{}\nreplaces:     {}\nreplaced by:  {}",
        k.id,
        k.mode,
        k.customer_id,
        k.name.as_deref().unwrap_or("-"),
        utc_datetime(k.created_at),
        k.created_by,
        opt(k.expires_at),
        opt(k.last_used_at),
        opt(k.revoked_at),
        k.revoked_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default(),
        k.replaces.as_deref().unwrap_or("-"),
        k.replaced_by.as_deref().unwrap_or("-"),
    ))?;
    Ok(ExitCode::SUCCESS)
}

fn revoke(ctx: &mut Ctx, args: &KeysRevokeArgs) -> Result<ExitCode> {
    for id in &args.ids {
        find(ctx, id)?;
    }
    let question = format!(
        "Revoke {} key(s) now: {}? Calls with them fail immediately.",
        args.ids.len(),
        args.ids.join(", ")
    );
    if !ctx.output.confirm(&question, ctx.global.yes)? {
        return super::declined(ctx, "no key was revoked");
    }
    ctx.store()?
        .revoke_keys(&args.ids, args.reason.as_deref(), &actor(), now())
        .context("failed to revoke")?;
    if ctx.output.json {
        ctx.output.json(&serde_json::json!({"revoked": args.ids}))?;
    } else {
        ctx.output
            .status(format!("Revoked {}.", args.ids.join(", ")));
    }
    Ok(ExitCode::SUCCESS)
}

fn rotate(ctx: &mut Ctx, args: &KeysRotateArgs) -> Result<ExitCode> {
    let grace = args.grace;
    let old = find(ctx, &args.id)?;
    let at = now();
    if old.status(at) != "active" {
        bail!("key {} is {}: only an active key can be rotated; issue a new one with 'billctl keys issue'", old.id, old.status(at));
    }
    let who = actor();
    let template = KeyRecord {
        created_at: at,
        created_by: who.clone(),
        expires_at: old.ttl_secs.map(|t| at + t),
        revoked_at: None,
        revoked_reason: None,
        last_used_at: None,
        replaces: Some(old.id.clone()),
        replaced_by: None,
        ..old.clone()
    };
    let (key, rec) = new_key(ctx, old.mode == "live", &template)?;
    let until = at + grace;
    let audit = Audit {
        actor: &who,
        action: "key.rotate",
        key_id: Some(&rec.id),
        customer_id: Some(&rec.customer_id),
        reason: None,
        detail: Some(serde_json::json!({"old": old.id, "old_until": until, "grace_secs": grace})),
    };
    ctx.store()?
        .rotate_key(&old.id, &rec, until, &audit, at)
        .context("failed to store the rotated key")?;
    print_issued(ctx, &key, &rec, "Rotated to")?;
    ctx.output.status(format!(
        "The old key {} keeps working until {}.",
        old.id,
        utc_datetime(until)
    ));
    Ok(ExitCode::SUCCESS)
}

/// Reads the key from stdin; touches no Stripe client, no async runtime and no keyring.
fn verify(ctx: &mut Ctx, record: bool) -> Result<ExitCode> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("failed to read the key from stdin")?;
    let key = line.trim().to_string();
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
        if record && v.valid {
            verifier
                .flush()
                .context("failed to record the usage event")?;
        } else {
            // Nothing was written: closing the connection would only try a checkpoint of an
            // empty WAL and free the caches, which the process exit does for free (SQLite
            // needs no close for durability; the locks go with the process).
            std::mem::forget(verifier);
            return finish_verify(ctx, v);
        }
        v
    };
    finish_verify(ctx, v)
}

fn finish_verify(ctx: &Ctx, v: Verification) -> Result<ExitCode> {
    ctx.output.debug(
        2,
        format!(
            "verify: key id {} -> {}",
            v.key_id.as_deref().unwrap_or("-"),
            v.code.as_str()
        ),
    );
    print_verification(ctx, &v)?;
    Ok(if v.valid {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_verification(ctx: &Ctx, v: &Verification) -> Result<()> {
    if ctx.output.json {
        return ctx.output.json(v);
    }
    let mut text = format!("valid:    {}\ncode:     {}\n", v.valid, v.code.as_str());
    if let Some(r) = &v.reason {
        text.push_str(&format!("reason:   {r}\n"));
    }
    for (label, val) in [
        ("key id", &v.key_id),
        ("customer", &v.customer),
        ("tier", &v.tier),
    ] {
        if let Some(x) = val {
            text.push_str(&format!(
                "{label}:{}{x}\n",
                " ".repeat(10 - label.len() - 1)
            ));
        }
    }
    if let Some(q) = &v.quota {
        let limit = q.limit.map_or("unlimited".to_string(), |l| l.to_string());
        let remaining = q
            .remaining
            .map_or("unlimited".to_string(), |r| r.to_string());
        text.push_str(&format!(
            "quota:    {} used of {limit}, {remaining} remaining ({} .. {})\n",
            q.used,
            utc_date(q.period_start),
            utc_date(q.period_end)
        ));
    }
    if let Some(r) = &v.rate_limit {
        text.push_str(&format!(
            "rate:     {} of {} per minute remaining\n",
            r.remaining, r.limit
        ));
    }
    ctx.output.data(&text)
}

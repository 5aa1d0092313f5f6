//! `billctl webhooks`: listen, ingest, reprocess, list, show and verify.

use crate::billing::TierMap;
use crate::cli::{
    EndpointCommand, EndpointCreateArgs, EndpointDeleteArgs, EventStatus, EventWindow,
    WebhooksBackfillArgs, WebhooksCommand, WebhooksIngestArgs, WebhooksListArgs,
    WebhooksListenArgs, WebhooksReplayArgs, WebhooksReprocessArgs, WebhooksShowArgs,
    WebhooksVerifyArgs,
};
use crate::clock::now;
use crate::context::Ctx;
use crate::ops;
use crate::store::webhooks::{Envelope, EventRow, EventStore, Filter, Incoming, Outcome};
use crate::time::utc_datetime;
use crate::webhooks;
use crate::webhooks::listen::{self, Logged, Stats, Writer};
use anyhow::{anyhow, bail, Context, Result};
use comfy_table::Cell;
use ops::webhooks::{apply_all, envelope_of, ApplySide, ApplySummary, StripeFetch};
use serde::Serialize;
use std::io::Read;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::sync::Arc;

pub fn run(ctx: &mut Ctx, cmd: WebhooksCommand) -> Result<ExitCode> {
    match cmd {
        WebhooksCommand::Listen(a) => listen_cmd(ctx, &a),
        WebhooksCommand::Ingest(a) => ingest(ctx, &a),
        WebhooksCommand::Reprocess(a) => reprocess(ctx, &a),
        WebhooksCommand::List(a) => list(ctx, &a),
        WebhooksCommand::Show(a) => show(ctx, &a),
        WebhooksCommand::Verify(a) => verify(ctx, &a),
        WebhooksCommand::Replay(a) => replay(ctx, &a),
        WebhooksCommand::Backfill(a) => backfill(ctx, &a),
        WebhooksCommand::Endpoint(c) => endpoint(ctx, c),
    }
}

/// The secrets held by the `--secret-env` variables, in order; an unset one is an error.
fn secrets_from_env(vars: &[String]) -> Result<Vec<String>> {
    vars.iter()
        .map(|var| match std::env::var(var) {
            Ok(s) if !s.trim().is_empty() => Ok(s.trim().to_string()),
            _ => Err(anyhow!("--secret-env {var}: the variable is not set (export it with the endpoint's whsec_ secret)")),
        })
        .collect()
}

/// Secrets from `--secret-env` variables, else the keyring entries of the profile.
fn endpoint_secrets(ctx: &mut Ctx, vars: &[String]) -> Result<Vec<String>> {
    let mut secrets = secrets_from_env(vars)?;
    if secrets.is_empty() {
        let profile = ctx.profile()?;
        secrets = crate::secrets::webhook_secrets(&profile)
            .map_err(|why| anyhow!("no --secret-env given and {why}"))?
            .into_iter()
            .map(|(_, s)| s.expose().to_string())
            .collect();
        if secrets.is_empty() {
            bail!("no webhook secret: pass --secret-env VAR, a variable holding the endpoint's whsec_ secret (repeat it for each secret of a rotation)");
        }
    }
    Ok(secrets)
}

/// What applying needs, from the context: the main store, the tier map, and with `--refetch`
/// a Stripe client on a runtime of its own.
fn apply_side(ctx: &mut Ctx, refetch: bool) -> Result<ApplySide> {
    let fetch = if refetch {
        Some(StripeFetch::new(ctx.stripe()?)?)
    } else {
        None
    };
    let catalog = ctx.store()?.catalog()?;
    let tiers = TierMap::new(ctx.config()?, &catalog);
    Ok(ApplySide::new(ctx.take_store()?, tiers, fetch))
}

/// Stores events once per id; with `side`, applies the new ones and reports each outcome.
fn store_new(
    ctx: &Ctx,
    events: &mut EventStore,
    incoming: Vec<Incoming>,
    side: Option<&mut ApplySide>,
) -> Result<(Vec<String>, Vec<(String, Outcome)>)> {
    let bar = ctx.output.progress(0, "applying");
    let (ids, outcomes) = ops::webhooks::store_new(events, incoming, side, &bar)?;
    bar.finish_and_clear();
    report_outcomes(ctx, &outcomes)?;
    Ok((ids, outcomes))
}

fn open_events(ctx: &mut Ctx) -> Result<EventStore> {
    EventStore::open(&ctx.data_dir()?)
}

fn listen_cmd(ctx: &mut Ctx, args: &WebhooksListenArgs) -> Result<ExitCode> {
    if args.tolerance < 0 {
        bail!(
            "invalid --tolerance {}: must be 0 or more seconds",
            args.tolerance
        );
    }
    if !args.path.starts_with('/') {
        bail!("invalid --path {:?}: must start with '/'", args.path);
    }
    if args.max_body == 0 {
        bail!("invalid --max-body 0: must be at least 1 byte");
    }
    let secrets = endpoint_secrets(ctx, &args.secret_env)?;
    let mut events = open_events(ctx)?;
    let mut side = apply_side(ctx, args.refetch)?;
    // Events stored but not applied when a previous listen stopped.
    let pending = events.events_with_bodies(&Filter {
        status: Some("pending".into()),
        ..Filter::default()
    })?;
    if !pending.is_empty() {
        ctx.output.status(format!(
            "applying {} event(s) stored but not applied before",
            pending.len()
        ));
        let items = pending
            .into_iter()
            .map(|(r, b)| (envelope_of(&r), b))
            .collect();
        apply_all(
            &mut side,
            &mut events,
            items,
            &indicatif::ProgressBar::hidden(),
        )?;
    }
    let listener = std::net::TcpListener::bind(&args.bind)
        .with_context(|| format!("--bind {}: failed to listen", args.bind))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let url = format!("http://{addr}{}", args.path);
    let json = ctx.output.json;
    let quiet = ctx.output.quiet;
    if json {
        ctx.output
            .json_line(&serde_json::json!({ "listening": url }))?;
    } else {
        ctx.output.data(&format!("listening on {url}"))?;
    }
    let stats = Arc::new(Stats::default());
    // A closed stdout (`listen | head`) stops the receiver, which then exits 0.
    let closed = Arc::new(tokio::sync::Notify::new());
    let pipe_error: Arc<std::sync::Mutex<Option<anyhow::Error>>> = Arc::default();
    let output = ctx.output.clone();
    let (closed_tx, pipe_error_tx) = (closed.clone(), pipe_error.clone());
    let log = move |l: &Logged| {
        if quiet {
            return;
        }
        let line = if json {
            serde_json::to_string(l).unwrap_or_default()
        } else {
            let what = match &l.applied {
                Some(o) => format!("{}: {}", o.status(), o.detail()),
                None => l.reason.clone().unwrap_or_default(),
            };
            format!(
                "{}  {}  {:<9}  {}  {}  {}",
                utc_datetime(l.received_at_ms / 1000),
                l.http_status,
                l.outcome,
                l.event_id.as_deref().unwrap_or("-"),
                l.kind.as_deref().unwrap_or("-"),
                what
            )
        };
        if let Err(e) = output.data(&line) {
            let mut first = pipe_error_tx.lock().unwrap_or_else(|p| p.into_inner());
            if first.is_none() {
                *first = Some(e);
                closed_tx.notify_one();
            }
        }
    };
    let writer = Writer::start(events, move |e, b| side.apply(e, b), log, stats.clone());
    let settings = Arc::new(listen::Settings {
        path: args.path.clone(),
        secrets,
        tolerance: args.tolerance,
        max_body: args.max_body,
    });
    ctx.block_on(async {
        let listener = tokio::net::TcpListener::from_std(listener)?;
        let stop = async {
            tokio::select! {
                () = shutdown_signal() => {}
                () = closed.notified() => {}
            }
        };
        listen::serve(listener, settings, &writer, stop).await;
        Ok::<_, anyhow::Error>(())
    })??;
    writer.finish()?;
    if let Some(e) = pipe_error.lock().unwrap_or_else(|p| p.into_inner()).take() {
        return Err(e);
    }
    ctx.output.status(format!(
        "stopped: {} stored, {} duplicate(s), {} rejected, {} not stored (answered 503)",
        stats.stored.load(Ordering::Relaxed),
        stats.duplicates.load(Ordering::Relaxed),
        stats.rejected.load(Ordering::Relaxed),
        stats.failed_to_store.load(Ordering::Relaxed)
    ));
    Ok(ExitCode::SUCCESS)
}

/// Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()).ok();
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = async {
            match term.as_mut() {
                Some(t) => { t.recv().await; }
                None => std::future::pending::<()>().await,
            }
        } => {}
    }
}

/// Splits a file into events: one JSON document, or one per line. Every bad line is listed.
fn read_events(name: &str, text: &[u8]) -> Result<Vec<Incoming>> {
    let trimmed = text.trim_ascii();
    let single = trimmed.starts_with(b"{")
        && serde_json::from_slice::<serde_json::Value>(trimmed).is_ok_and(|v| v.is_object());
    let mut out = Vec::new();
    let mut bad = Vec::new();
    if single {
        match Envelope::parse(trimmed) {
            Ok(envelope) => out.push(Incoming {
                envelope,
                body: trimmed.to_vec(),
                source: "ingest",
            }),
            Err(why) => bad.push(format!("{name}: {why}")),
        }
    } else {
        for (i, line) in text.split(|b| *b == b'\n').enumerate() {
            let line = line.trim_ascii();
            if line.is_empty() {
                continue;
            }
            match Envelope::parse(line) {
                Ok(envelope) => out.push(Incoming {
                    envelope,
                    body: line.to_vec(),
                    source: "ingest",
                }),
                Err(why) => bad.push(format!("{name}:{}: {why}", i + 1)),
            }
        }
    }
    if !bad.is_empty() {
        bail!(
            "{} bad event(s), nothing stored:\n{}",
            bad.len(),
            bad.join("\n")
        );
    }
    Ok(out)
}

#[derive(Serialize)]
struct IngestView {
    read: usize,
    stored: usize,
    already_stored: usize,
    #[serde(flatten)]
    applied: ApplySummary,
}

fn ingest(ctx: &mut Ctx, args: &WebhooksIngestArgs) -> Result<ExitCode> {
    let (name, text) = if args.file.as_os_str() == "-" {
        let mut buf = Vec::new();
        std::io::stdin()
            .lock()
            .read_to_end(&mut buf)
            .context("failed to read events from stdin")?;
        ("<stdin>".to_string(), buf)
    } else {
        let name = args.file.display().to_string();
        let buf = std::fs::read(&args.file).with_context(|| format!("failed to read {name}"))?;
        (name, buf)
    };
    let incoming = read_events(&name, &text)?;
    let read = incoming.len();
    let mut events = open_events(ctx)?;
    let mut side = apply_side(ctx, args.refetch)?;
    let (stored_ids, outcomes) = store_new(ctx, &mut events, incoming, Some(&mut side))?;
    let stored = stored_ids.len();
    let view = IngestView {
        read,
        stored,
        already_stored: read - stored,
        applied: ApplySummary::of(&outcomes),
    };
    if ctx.output.json {
        ctx.output.json(&view)?;
    } else {
        ctx.output.data(&format!(
            "read {} event(s): {} stored, {} already stored; applied {}, ignored {}, failed {}\n",
            view.read,
            view.stored,
            view.already_stored,
            view.applied.applied,
            view.applied.ignored,
            view.applied.failed
        ))?;
    }
    Ok(exit_for(&view.applied))
}

fn exit_for(s: &ApplySummary) -> ExitCode {
    if s.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// Names every failure on stderr (the summary only counts them).
fn report_outcomes(ctx: &Ctx, outcomes: &[(String, Outcome)]) -> Result<()> {
    for (id, o) in outcomes {
        match o {
            Outcome::Failed(e) => ctx.output.warn(format!("{id}: failed: {e}")),
            other => ctx
                .output
                .debug(1, format!("{id}: {}: {}", other.status(), other.detail())),
        }
    }
    Ok(())
}

fn filter_of(ids: &[String], w: &EventWindow) -> Result<Filter> {
    Ok(Filter {
        ids: ids.to_vec(),
        kind: w.kind.clone(),
        since: w.since,
        until: w.until,
        status: None,
    })
}

#[derive(Serialize)]
struct ReprocessView {
    selected: usize,
    #[serde(flatten)]
    applied: ApplySummary,
}

fn reprocess(ctx: &mut Ctx, args: &WebhooksReprocessArgs) -> Result<ExitCode> {
    let mut filter = filter_of(&args.ids, &args.window)?;
    if args.failed {
        filter.status = Some("failed".into());
    }
    let mut events = open_events(ctx)?;
    let rows = ops::replay::select(&events, &filter)?;
    let mut side = apply_side(ctx, args.refetch)?;
    let items: Vec<(Envelope, Vec<u8>)> = rows
        .into_iter()
        .map(|(r, b)| (envelope_of(&r), b))
        .collect();
    let bar = ctx.output.progress(items.len() as u64, "re-applying");
    let outcomes = apply_all(&mut side, &mut events, items, &bar)?;
    bar.finish_and_clear();
    report_outcomes(ctx, &outcomes)?;
    let view = ReprocessView {
        selected: outcomes.len(),
        applied: ApplySummary::of(&outcomes),
    };
    if ctx.output.json {
        ctx.output.json(&view)?;
    } else {
        ctx.output.data(&format!(
            "re-applied {} event(s): applied {}, ignored {}, failed {}\n",
            view.selected, view.applied.applied, view.applied.ignored, view.applied.failed
        ))?;
    }
    Ok(exit_for(&view.applied))
}

fn list(ctx: &mut Ctx, args: &WebhooksListArgs) -> Result<ExitCode> {
    let mut filter = filter_of(&[], &args.window)?;
    let events = open_events(ctx)?;
    if args.status == Some(EventStatus::Rejected) {
        let mut rows = events.rejected(filter.since, filter.until)?;
        if let Some(l) = args.limit {
            rows.truncate(l);
        }
        if ctx.output.json {
            return ctx.output.json(&rows).map(|_| ExitCode::SUCCESS);
        }
        if rows.is_empty() {
            ctx.output.status("no rejected requests");
            return Ok(ExitCode::SUCCESS);
        }
        let table = ctx.output.table(
            &["#", "received", "http", "event", "reason"],
            rows.iter()
                .map(|r| {
                    vec![
                        Cell::new(r.seq),
                        Cell::new(utc_datetime(r.received_at_ms / 1000)),
                        Cell::new(r.http_status),
                        Cell::new(r.event_id.as_deref().unwrap_or("-")),
                        Cell::new(r.reason.as_deref().unwrap_or("")),
                    ]
                })
                .collect(),
        );
        ctx.output.data(&format!("{table}\n"))?;
        return Ok(ExitCode::SUCCESS);
    }
    filter.status = args.status.map(|s| {
        match s {
            EventStatus::Applied => "applied",
            EventStatus::Ignored => "ignored",
            EventStatus::Failed => "failed",
            EventStatus::Pending | EventStatus::Rejected => "pending",
        }
        .to_string()
    });
    let rows = events.events(&filter, args.limit)?;
    if ctx.output.json {
        return ctx.output.json(&rows).map(|_| ExitCode::SUCCESS);
    }
    if rows.is_empty() {
        ctx.output.status("no events match");
        return Ok(ExitCode::SUCCESS);
    }
    let table = ctx.output.table(
        &["id", "type", "created", "received", "status", "detail"],
        rows.iter()
            .map(|r| {
                let mut detail = r.detail.clone().unwrap_or_default();
                if detail.chars().count() > 80 {
                    detail = detail.chars().take(77).collect::<String>() + "...";
                }
                vec![
                    Cell::new(&r.id),
                    Cell::new(&r.kind),
                    Cell::new(utc_datetime(r.created)),
                    Cell::new(r.received),
                    Cell::new(&r.status),
                    Cell::new(detail),
                ]
            })
            .collect(),
    );
    ctx.output.data(&format!("{table}\n"))?;
    Ok(ExitCode::SUCCESS)
}

#[derive(Serialize)]
struct ShowView {
    #[serde(flatten)]
    event: EventRow,
    receipts: Vec<crate::store::webhooks::ReceiptRow>,
    replays: Vec<crate::store::webhooks::Delivery>,
    payload: serde_json::Value,
}

fn show(ctx: &mut Ctx, args: &WebhooksShowArgs) -> Result<ExitCode> {
    let events = open_events(ctx)?;
    let Some((event, body)) = events.event(&args.id)? else {
        bail!(
            "no event {} in the webhook store ('billctl webhooks list' shows what is there)",
            args.id
        );
    };
    let view = ShowView {
        receipts: events.receipts_of(&event.id)?,
        replays: events.deliveries_of(&event.id)?,
        payload: serde_json::from_slice(&body).unwrap_or(serde_json::Value::Null),
        event,
    };
    if ctx.output.json {
        return ctx.output.json(&view).map(|_| ExitCode::SUCCESS);
    }
    let e = &view.event;
    let mut out = format!(
        "id:        {}\ntype:      {}\ncreated:   {}\nlivemode:  {}\nobject:    {}\nsource:    {}\nreceived:  {} ({} time(s))\nstatus:    {}\n",
        e.id,
        e.kind,
        utc_datetime(e.created),
        e.livemode,
        e.object_id.as_deref().unwrap_or("-"),
        e.source,
        utc_datetime(e.received_at_ms / 1000),
        e.received,
        e.status
    );
    if let Some(d) = &e.detail {
        out.push_str(&format!("detail:    {d}\n"));
    }
    for r in &view.receipts {
        out.push_str(&format!(
            "request:   {} -> {} {}\n",
            utc_datetime(r.received_at_ms / 1000),
            r.http_status,
            r.outcome
        ));
    }
    for d in &view.replays {
        out.push_str(&format!(
            "replay:    {} {} -> {} ({} ms)\n",
            d.run_id,
            utc_datetime(d.attempted_at_ms / 1000),
            d.http_status
                .map_or("no answer".to_string(), |s| s.to_string()),
            d.latency_ms
        ));
    }
    out.push_str("payload:\n");
    out.push_str(&serde_json::to_string_pretty(&view.payload)?);
    out.push('\n');
    ctx.output.data(&out)?;
    Ok(ExitCode::SUCCESS)
}

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
    let secrets = secrets_from_env(&args.secret_env)?;
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

fn replay(ctx: &mut Ctx, args: &WebhooksReplayArgs) -> Result<ExitCode> {
    use crate::webhooks::replay;
    if args.concurrency == 0 {
        bail!("invalid --concurrency 0: must be at least 1");
    }
    if args.timeout == 0 {
        bail!("invalid --timeout 0: must be at least 1 second");
    }
    let rate = args
        .rate
        .as_deref()
        .map(replay::parse_rate)
        .transpose()
        .map_err(|e| anyhow!(e))?;
    let mut events = open_events(ctx)?;
    let mut filter = filter_of(&args.ids, &args.window)?;
    if args.failed {
        filter.status = Some("failed".into());
    }
    let sel = ops::replay::choose(&events, args.resume.as_deref(), args.to.as_deref(), filter)?;
    let url = replay::parse_url("--to", &sel.target).map_err(|e| anyhow!(e))?;
    if args.dry_run {
        return replay_dry_run(ctx, &sel);
    }
    let secret = match &args.secret_env {
        Some(var) => secrets_from_env(std::slice::from_ref(var))?.remove(0),
        None => endpoint_secrets(ctx, &[])?.remove(0),
    };
    ops::replay::start(&mut events, &sel, &super::actor())?;
    // The audit log says who replayed what, before anything is sent.
    audit(
        ctx,
        "webhooks.replay",
        serde_json::json!({
            "run": sel.run_id,
            "target": sel.target,
            "selection": sel.filter,
            "events": sel.to_send.len(),
            "resumed": sel.resumed,
        }),
    )?;
    let bar = ctx.output.progress(sel.to_send.len() as u64, "replaying");
    if let Ok(style) = indicatif::ProgressStyle::with_template(
        "{msg} [{bar:30}] {pos}/{len} events ({per_sec}, {eta} left)",
    ) {
        bar.set_style(style.progress_chars("=> "));
    }
    let settings = ops::replay::Settings {
        url,
        secret,
        concurrency: args.concurrency,
        rate,
        timeout: std::time::Duration::from_secs(args.timeout),
    };
    let (json, output) = (ctx.output.json, ctx.output.clone());
    // A closed stdout stops the run: no more deliveries are started, and it exits 0.
    let mut pipe_error: Option<anyhow::Error> = None;
    let on_delivery = |d: &crate::store::webhooks::Delivery| {
        if json {
            if let Err(e) = output.json_line(d) {
                pipe_error.get_or_insert(e);
                return std::ops::ControlFlow::Break(());
            }
        } else if !d.ok {
            bar.suspend(|| {
                output.item_failed(format!(
                    "{}: {} {}",
                    d.event_id,
                    d.http_status
                        .map_or("no answer".to_string(), |s| format!("HTTP {s}")),
                    d.excerpt.as_deref().unwrap_or("")
                ))
            });
        }
        std::ops::ControlFlow::Continue(())
    };
    let summary = ctx.block_on(ops::replay::run(
        &mut events,
        sel,
        settings,
        &bar,
        on_delivery,
    ))?;
    bar.finish_and_clear();
    if let Some(e) = pipe_error {
        return Err(e);
    }
    let summary = summary?;
    replay_summary(ctx, &summary)
}

/// `webhooks replay --dry-run`: what would be sent.
fn replay_dry_run(ctx: &mut Ctx, sel: &ops::replay::Selection) -> Result<ExitCode> {
    for (r, _) in &sel.to_send {
        if ctx.output.json {
            ctx.output.json_line(
                &serde_json::json!({"event_id": r.id, "type": r.kind, "created": r.created, "to": sel.target, "dry_run": true}),
            )?;
        } else {
            ctx.output.data(&format!(
                "would send {}  {}  {}\n",
                r.id,
                r.kind,
                utc_datetime(r.created)
            ))?;
        }
    }
    ctx.output.status(format!(
        "dry run: {} event(s) would be sent to {}{}",
        sel.to_send.len(),
        sel.target,
        if sel.skipped > 0 {
            format!(" ({} already delivered by {})", sel.skipped, sel.run_id)
        } else {
            String::new()
        }
    ));
    Ok(ExitCode::SUCCESS)
}

fn replay_summary(ctx: &mut Ctx, summary: &ops::replay::Summary) -> Result<ExitCode> {
    if ctx.output.json {
        ctx.output
            .json_line(&serde_json::json!({ "summary": summary }))?;
    } else {
        ctx.output.data(&format!(
            "run {}: sent {} to {} in {:.2}s ({:.0}/s): {} delivered, {} failed{}\n",
            summary.run,
            summary.sent,
            summary.target,
            summary.elapsed_ms as f64 / 1000.0,
            summary.per_sec,
            summary.delivered,
            summary.failed,
            if summary.skipped_already_delivered > 0 {
                format!(
                    ", {} skipped (delivered before)",
                    summary.skipped_already_delivered
                )
            } else {
                String::new()
            }
        ))?;
        if summary.failed > 0 {
            ctx.output.warn(format!(
                "{} deliveries failed: run 'billctl webhooks replay --resume {}' to retry them",
                summary.failed, summary.run
            ));
        }
    }
    Ok(if summary.failed > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(Serialize)]
struct BackfillView {
    since: i64,
    listed: usize,
    already_stored: usize,
    stored: usize,
    #[serde(flatten)]
    applied: ApplySummary,
    stored_ids: Vec<String>,
}

fn backfill(ctx: &mut Ctx, args: &WebhooksBackfillArgs) -> Result<ExitCode> {
    let since = args.since;
    let oldest = now() - 30 * 86_400;
    if since < oldest {
        ctx.output.warn(format!(
            "--since {} is more than 30 days ago: Stripe keeps events for 30 days, so older ones cannot be backfilled",
            args.since
        ));
    }
    // Stripe's `type` filter takes an exact type or a `prefix*` wildcard; any other glob is
    // applied here.
    let stripe_type = args.kind.as_deref().filter(|k| {
        let body = k.strip_suffix('*').unwrap_or(k);
        !body.contains(['*', '?', '['])
    });
    let stripe = ctx.stripe()?;
    let bar = ctx.output.spinner("listing events from Stripe");
    let listed = ctx.block_on(stripe.events_since(since, stripe_type, |n| {
        bar.set_message(format!("listing events from Stripe: {n}"))
    }))??;
    bar.finish_and_clear();
    let mut events = open_events(ctx)?;
    let mut incoming = Vec::new();
    for e in &listed {
        let kind = e["type"].as_str().unwrap_or_default();
        if let Some(k) = &args.kind {
            if !events.type_matches(k, kind)? {
                continue;
            }
        }
        let body = serde_json::to_vec(e)?;
        let envelope = Envelope::parse(&body).map_err(|why| {
            anyhow!(
                "Stripe listed an event billctl cannot read ({}): {why}",
                e["id"].as_str().unwrap_or("no id")
            )
        })?;
        incoming.push(Incoming {
            envelope,
            body,
            source: "backfill",
        });
    }
    // Same-second events in id order (store_new keeps it), so a re-run applies alike.
    incoming.sort_by(|a, b| {
        (a.envelope.created, &a.envelope.id).cmp(&(b.envelope.created, &b.envelope.id))
    });
    let listed = incoming.len();
    let mut side = if args.no_apply {
        None
    } else {
        Some(apply_side(ctx, false)?)
    };
    let (stored_ids, outcomes) = store_new(ctx, &mut events, incoming, side.as_mut())?;
    let view = BackfillView {
        since,
        listed,
        already_stored: listed - stored_ids.len(),
        stored: stored_ids.len(),
        applied: ApplySummary::of(&outcomes),
        stored_ids,
    };
    if ctx.output.json {
        ctx.output.json(&view)?;
    } else {
        ctx.output.data(&format!(
            "listed {} event(s) since {}: {} new stored, {} already stored; applied {}, ignored {}, failed {}\n",
            view.listed,
            utc_datetime(since),
            view.stored,
            view.already_stored,
            view.applied.applied,
            view.applied.ignored,
            view.applied.failed
        ))?;
        if view.stored > 0 {
            ctx.output.status(format!(
                "push them to your application with: billctl webhooks replay --since {} --to URL",
                since
            ));
        }
    }
    Ok(exit_for(&view.applied))
}

fn endpoint(ctx: &mut Ctx, cmd: EndpointCommand) -> Result<ExitCode> {
    match cmd {
        EndpointCommand::Create(a) => endpoint_create(ctx, &a),
        EndpointCommand::List => endpoint_list(ctx),
        EndpointCommand::Delete(a) => endpoint_delete(ctx, &a),
    }
}

#[derive(Serialize)]
struct EndpointView {
    id: String,
    url: String,
    status: String,
    enabled_events: Vec<String>,
    /// Whether this profile's keyring holds the endpoint's signing secret.
    secret_in_keyring: bool,
}

fn endpoint_view(v: &serde_json::Value, kept: &[String]) -> EndpointView {
    let id = v["id"].as_str().unwrap_or_default().to_string();
    EndpointView {
        secret_in_keyring: kept.contains(&id),
        id,
        url: v["url"].as_str().unwrap_or_default().to_string(),
        status: v["status"].as_str().unwrap_or_default().to_string(),
        enabled_events: v["enabled_events"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

fn endpoint_create(ctx: &mut Ctx, args: &EndpointCreateArgs) -> Result<ExitCode> {
    crate::webhooks::replay::parse_url("--url", &args.url).map_err(|e| anyhow!(e))?;
    let profile = ctx.profile()?;
    // Fail before creating anything if the keyring cannot be read (nowhere to keep the secret).
    crate::secrets::webhook_secrets(&profile)
        .map_err(|why| anyhow!("cannot keep the endpoint's secret: {why}; nothing was created"))?;
    let stripe = ctx.stripe()?;
    let key = format!("billctl-we-{:016x}", rand::random::<u64>());
    let created = ctx.block_on(stripe.create_webhook_endpoint(
        &args.url,
        webhooks::apply::HANDLED,
        args.description.as_deref(),
        &key,
    ))??;
    let id = created["id"].as_str().unwrap_or_default().to_string();
    let secret = created["secret"]
        .as_str()
        .ok_or_else(|| anyhow!("Stripe created endpoint {id} but sent no secret"))?;
    if let Err(why) = crate::secrets::save_webhook_secret(
        &profile,
        &id,
        &crate::secrets::Secret::new(secret.to_string()),
    ) {
        bail!("created endpoint {id} but could not keep its secret: {why}\nhint: delete it with 'billctl webhooks endpoint delete {id}' and try again (Stripe shows a secret only once here; the Dashboard can reveal it)");
    }
    audit(
        ctx,
        "webhooks.endpoint.create",
        serde_json::json!({"endpoint": id, "url": args.url}),
    )?;
    let view = endpoint_view(&created, std::slice::from_ref(&id));
    if ctx.output.json {
        ctx.output.json(&view)?;
    } else {
        ctx.output.data(&format!(
            "created webhook endpoint {} for {} ({} event types); its signing secret is in the keyring (profile {profile})\n",
            view.id,
            view.url,
            view.enabled_events.len()
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn kept_secrets(ctx: &mut Ctx) -> Vec<String> {
    ctx.profile()
        .ok()
        .and_then(|p| crate::secrets::webhook_secrets(&p).ok())
        .map(|all| all.into_iter().map(|(id, _)| id).collect())
        .unwrap_or_default()
}

fn endpoint_list(ctx: &mut Ctx) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    let all = ctx.block_on(stripe.webhook_endpoints())??;
    let kept = kept_secrets(ctx);
    let views: Vec<EndpointView> = all.iter().map(|v| endpoint_view(v, &kept)).collect();
    if ctx.output.json {
        return ctx.output.json(&views).map(|_| ExitCode::SUCCESS);
    }
    if views.is_empty() {
        ctx.output.status("no webhook endpoints");
        return Ok(ExitCode::SUCCESS);
    }
    let table = ctx.output.table(
        &["id", "url", "status", "events", "secret"],
        views
            .iter()
            .map(|v| {
                vec![
                    Cell::new(&v.id),
                    Cell::new(&v.url),
                    Cell::new(&v.status),
                    Cell::new(v.enabled_events.len()),
                    Cell::new(if v.secret_in_keyring { "keyring" } else { "-" }),
                ]
            })
            .collect(),
    );
    ctx.output.data(&format!("{table}\n"))?;
    Ok(ExitCode::SUCCESS)
}

fn endpoint_delete(ctx: &mut Ctx, args: &EndpointDeleteArgs) -> Result<ExitCode> {
    let stripe = ctx.stripe()?;
    let question = format!(
        "Delete webhook endpoint {}? Stripe stops delivering to it at once.",
        args.id
    );
    if !ctx.output.confirm(&question, ctx.global.yes)? {
        return super::declined(ctx, "nothing was deleted");
    }
    ctx.block_on(stripe.delete_webhook_endpoint(&args.id))??;
    let profile = ctx.profile()?;
    let forgot = crate::secrets::remove_webhook_secret(&profile, &args.id).unwrap_or(false);
    audit(
        ctx,
        "webhooks.endpoint.delete",
        serde_json::json!({"endpoint": args.id}),
    )?;
    if ctx.output.json {
        ctx.output
            .json(&serde_json::json!({"deleted": args.id, "secret_removed": forgot}))?;
    } else {
        ctx.output.data(&format!(
            "deleted webhook endpoint {}{}\n",
            args.id,
            if forgot {
                " and removed its secret from the keyring"
            } else {
                ""
            }
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

/// Appends a webhooks action by the current OS user to the main store's audit log.
fn audit(ctx: &mut Ctx, action: &str, detail: serde_json::Value) -> Result<()> {
    ctx.store()?.append_audit(
        &crate::store::Audit {
            actor: &super::actor(),
            action,
            key_id: None,
            customer_id: None,
            reason: None,
            detail: Some(detail),
        },
        now(),
    )
}

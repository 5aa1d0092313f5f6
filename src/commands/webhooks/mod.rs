//! `billctl webhooks`: listen, ingest, reprocess, list, show, verify and backfill (`replay` and
//! `endpoint` in files of their own).

use crate::adapters::secrets::EndpointSecrets;
use crate::api::listen as api;
use crate::cli::{
    EventStatus, EventWindow, WebhooksBackfillArgs, WebhooksCommand, WebhooksIngestArgs,
    WebhooksListArgs, WebhooksListenArgs, WebhooksReprocessArgs, WebhooksShowArgs,
    WebhooksVerifyArgs,
};
use crate::context::Ctx;
use crate::domain::clock::now;
use crate::ops;
use crate::ops::webhooks::listen;
use crate::output::{listen_log, Stream};
use anyhow::{bail, Context, Result};
use endpoint::endpoint;
use ops::webhooks::{ApplySide, ApplySummary, EventStore, Fetching, Filter, Outcome, StripeFetch};
use replay::replay;
use std::io::Read;
use std::process::ExitCode;

mod endpoint;
mod replay;

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

/// Secrets from `--secret-env` variables, else the keyring entries of the profile, else the
/// data dir's secret file.
fn endpoint_secrets(ctx: &mut Ctx, vars: &[String]) -> Result<EndpointSecrets> {
    let (profile, dir) = (ctx.profile()?, ctx.data_dir()?);
    crate::adapters::secrets::endpoint_secrets(vars, Some(&profile), Some(&dir))
}

/// What applying needs, from the context: the main store, the tier map, and a Stripe client
/// on a runtime of its own: for every event with `--refetch` (which needs the key), else for
/// the events the mirror's state leaves undecided when a key is set. Without a key those
/// change nothing and fail as needing a refetch (said once here).
fn apply_side(ctx: &mut Ctx, refetch: bool) -> Result<ApplySide> {
    let fetching = match (refetch, ctx.stripe()) {
        (true, stripe) => Fetching::Always(StripeFetch::new(stripe?)?),
        (false, Ok(stripe)) => Fetching::Undecided(StripeFetch::new(stripe)?),
        (false, Err(why)) => {
            let why = crate::output::clean(&format!("{why:#}")).into_owned();
            ctx.output.debug(1, format!("no Stripe client ({why}): an event whose order only Stripe can settle will change nothing and fail as needing a refetch"));
            Fetching::Never(why)
        }
    };
    let config = ctx.config()?.clone();
    ApplySide::open(ctx.take_store()?, &config, fetching)
}

fn apply_side_with(ctx: &mut Ctx, fetching: Fetching) -> Result<ApplySide> {
    let config = ctx.config()?.clone();
    ApplySide::open(ctx.take_store()?, &config, fetching)
}

fn open_events(ctx: &mut Ctx) -> Result<EventStore> {
    ctx.events()
}

/// The checks before anything starts: SIGHUP ignored, credentials, paths and limits.
fn check_listen(args: &WebhooksListenArgs) -> Result<()> {
    crate::adapters::server::reload::ignore_hangup_from_now("listen");
    crate::adapters::secrets::check_credentials().map_err(anyhow::Error::msg)?;
    check_paths(args)?;
    args.server.limits(args.max_body).check()
}

fn listen_cmd(ctx: &mut Ctx, args: &WebhooksListenArgs) -> Result<ExitCode> {
    check_listen(args)?;
    let held = endpoint_secrets(ctx, &args.secret_env)?;
    let mut events = open_events(ctx)?;
    let metrics = ops::webhooks::metrics_route(ctx.store()?, &args.metrics_path)?;
    let mut side = apply_side(ctx, args.refetch)?;
    apply_left_over(ctx, &mut side, &mut events)?;
    // The log goes through a queue: a stalled stderr never stalls the receiver.
    let queue = crate::output::logq::LogQueue::start().context("failed to start the log")?;
    ctx.output = ctx.output.with_log_queue(queue.clone());
    let (listener, url, options) = bind_listener(ctx, args)?;
    // The signal handlers before the address is printed (see `shutdown_signal`).
    let signal = {
        let _in_runtime = ctx.runtime()?.enter();
        crate::adapters::server::shutdown_signal()
    };
    say_listening(ctx, args, url)?;
    say_secret_source(ctx, args, &held);
    // A closed stdout (`listen | head`) stops the receiver, which then exits 0.
    let stream = Stream::new(&ctx.output);
    let log = listen_log(&ctx.output, stream.clone());
    let stop = stopped(signal, stream.clone());
    let settings = api::Settings {
        log_dropped: Some(queue.dropped()),
        ..listen_settings(args, held.secrets)
    };
    let run = api::Listen {
        listener,
        settings,
        events,
        side,
        log,
        options,
        metrics,
    };
    let ran = api::listen(ctx.runtime()?, run, stop);
    end_listen(ctx, args, ran, &queue, &stream)
}

/// Resolves on the shutdown signal, or when stdout closes.
async fn stopped(signal: impl std::future::Future<Output = ()>, stream: Stream) {
    tokio::select! {
        () = signal => {}
        () = stream.closed() => {}
    }
}

/// Where the webhook secrets came from and what was passed over, on the start log.
fn say_secret_source(ctx: &Ctx, args: &WebhooksListenArgs, held: &EndpointSecrets) {
    let json_log = args.server.log_format == crate::cli::LogFormat::Json;
    let (n, from) = (held.secrets.len(), &held.source);
    crate::output::secret_source_notice(&ctx.output, json_log, n, from, &held.ignored);
}

/// The first line (where listen receives; in JSON the config too), then the config on the log.
fn say_listening(ctx: &mut Ctx, args: &WebhooksListenArgs, url: String) -> Result<()> {
    let source = ctx.config()?.source.clone();
    ctx.output.show_line(&listen::Listening {
        listening: url,
        config: source.clone(),
    })?;
    let json_log = args.server.log_format == crate::cli::LogFormat::Json;
    crate::output::config_notice(&ctx.output, json_log, &source);
    Ok(())
}

/// `listen`'s last line, then its log written out (unless stderr never drains); a failed run,
/// then a failed write on stdout, is the error.
fn end_listen(
    ctx: &Ctx,
    args: &WebhooksListenArgs,
    ran: Result<std::sync::Arc<listen::Stats>>,
    queue: &crate::output::logq::LogQueue,
    stream: &Stream,
) -> Result<ExitCode> {
    if let Ok(stats) = &ran {
        let json_log = args.server.log_format == crate::cli::LogFormat::Json;
        crate::output::log_notice(&ctx.output, json_log, "info", &stats.summary());
    }
    queue.finish(std::time::Duration::from_secs(2));
    ran?;
    match stream.take_error() {
        Some(e) => Err(e),
        None => Ok(ExitCode::SUCCESS),
    }
}

/// Applies what an earlier run stored but did not apply, and says so.
fn apply_left_over(ctx: &Ctx, side: &mut ApplySide, events: &mut EventStore) -> Result<()> {
    let n = ops::webhooks::apply_pending(side, events)?;
    if n > 0 {
        ctx.output.status(format!(
            "applied {} stored but not applied before",
            crate::util::plural::count(n, "event", "events")
        ));
    }
    Ok(())
}

fn check_paths(args: &WebhooksListenArgs) -> Result<()> {
    if !args.path.starts_with('/') {
        bail!("invalid --path {:?}: must start with '/'", args.path);
    }
    let m = &args.metrics_path;
    if !m.is_empty() && (!m.starts_with('/') || *m == args.path) {
        bail!("invalid --metrics-path {m:?}: must start with '/' and differ from --path (or be empty: no metrics)");
    }
    Ok(())
}

/// The bound listener, its URL, and the server options (TLS from `--tls-cert`/`--tls-key`,
/// re-read on SIGHUP: the handler is installed here, before the address is printed).
fn bind_listener(
    ctx: &mut Ctx,
    args: &WebhooksListenArgs,
) -> Result<(
    std::net::TcpListener,
    String,
    crate::adapters::server::Options,
)> {
    let certs = crate::adapters::server::tls::load_pair(args.tls.pair())?;
    let listener = std::net::TcpListener::bind(&args.bind)
        .with_context(|| format!("--bind {}: failed to listen", args.bind))?;
    listener.set_nonblocking(true)?;
    let scheme = if certs.is_some() { "https" } else { "http" };
    let url = format!("{scheme}://{}{}", listener.local_addr()?, args.path);
    let json_log = args.server.log_format == crate::cli::LogFormat::Json;
    let status = crate::output::ready_status(&url, &ctx.config()?.source);
    // The SIGHUP handler is installed inside the runtime, before the address is printed.
    let _in_runtime = ctx.runtime()?.enter();
    let reload = crate::adapters::server::reload::Reload::install(crate::output::reload_said(
        &ctx.output,
        json_log,
    ));
    let options = crate::adapters::server::Options {
        tls: crate::adapters::server::tls::serve_with(certs, &reload)?,
        access: crate::output::serve_access_log(&ctx.output, json_log),
        reload: Some(reload),
        status,
        ..crate::adapters::server::Options::default()
    };
    Ok((listener, url, options))
}

/// How `listen` checks requests and bounds connections, from its flags.
fn listen_settings(args: &WebhooksListenArgs, secrets: Vec<String>) -> api::Settings {
    api::Settings {
        path: args.path.clone(),
        secrets,
        tolerance: args.tolerance,
        max_rejected: args.max_rejected,
        rejected_retention_ms: args.rejected_retention.saturating_mul(1000),
        limits: args.server.limits(args.max_body),
        log_dropped: None,
    }
}

fn ingest(ctx: &mut Ctx, args: &WebhooksIngestArgs) -> Result<ExitCode> {
    let (name, text) = if args.file.as_os_str() == "-" {
        let text = ops::webhooks::read_bounded(std::io::stdin().lock(), "<stdin>")?;
        ("<stdin>".to_string(), text)
    } else {
        let name = args.file.display().to_string();
        let file =
            std::fs::File::open(&args.file).with_context(|| format!("failed to read {name}"))?;
        let text = ops::webhooks::read_bounded(file, &name)?;
        (name, text)
    };
    let incoming = ops::webhooks::read_events(&name, &text, "ingest")?;
    ops::webhooks::refuse_future(&incoming, crate::domain::clock::now())?;
    let mut events = open_events(ctx)?;
    let mut side = apply_side(ctx, args.refetch)?;
    let bar = ctx.output.progress(0, "applying");
    let (report, outcomes) = ops::webhooks::ingest(&mut events, &mut side, incoming, &bar)?;
    bar.finish_and_clear();
    report_outcomes(ctx, &outcomes);
    ctx.output.show(&report)?;
    Ok(exit_for(&report.applied, report.conflicts.len()))
}

/// 1 when an event failed to apply or an id came with another body (a conflict).
fn exit_for(s: &ApplySummary, conflicts: usize) -> ExitCode {
    ExitCode::from(u8::from(s.failed > 0 || conflicts > 0))
}

/// Names every failure on stderr (the summary only counts them).
fn report_outcomes(ctx: &Ctx, outcomes: &[(String, Outcome)]) {
    for (id, o) in outcomes {
        match o {
            Outcome::Failed(e) => ctx.output.warn(format!(
                "{}: failed: {}",
                crate::output::clean(id),
                crate::output::clean(e)
            )),
            other => ctx.output.debug(
                1,
                format!(
                    "{}: {}: {}",
                    crate::output::clean(id),
                    other.status(),
                    crate::output::clean(other.detail())
                ),
            ),
        }
    }
}

fn filter_of(ids: &[String], w: &EventWindow, failed: bool) -> Filter {
    ops::webhooks::filter(ids, w.kind.clone(), (w.since, w.until), failed)
}

fn reprocess(ctx: &mut Ctx, args: &WebhooksReprocessArgs) -> Result<ExitCode> {
    let filter = filter_of(&args.ids, &args.window, args.failed);
    let mut events = open_events(ctx)?;
    let mut side = apply_side(ctx, args.refetch)?;
    let bar = ctx.output.progress(0, "re-applying");
    let (report, outcomes) = ops::webhooks::reprocess(&mut events, &mut side, &filter, &bar)?;
    bar.finish_and_clear();
    report_outcomes(ctx, &outcomes);
    ctx.output.show(&report)?;
    Ok(exit_for(&report.applied, 0))
}

fn list(ctx: &mut Ctx, args: &WebhooksListArgs) -> Result<ExitCode> {
    let mut filter = filter_of(&[], &args.window, false);
    let events = open_events(ctx)?;
    if args.status == Some(EventStatus::Rejected) {
        let list = ops::webhooks::rejected(&events, &filter, args.limit)?;
        ctx.output.show(&list)?;
        return Ok(ExitCode::SUCCESS);
    }
    if args.status == Some(EventStatus::Conflict) {
        let list = ops::webhooks::conflicts(&events, &filter, args.limit)?;
        ctx.output.show(&list)?;
        return Ok(ExitCode::SUCCESS);
    }
    filter.status = args.status.map(|s| {
        match s {
            EventStatus::Applied => "applied",
            EventStatus::Ignored => "ignored",
            EventStatus::Failed => "failed",
            EventStatus::Pending | EventStatus::Rejected | EventStatus::Conflict => "pending",
        }
        .to_string()
    });
    let list = ops::webhooks::events(&events, &filter, args.limit)?;
    ctx.output.show(&list)?;
    Ok(ExitCode::SUCCESS)
}

fn show(ctx: &mut Ctx, args: &WebhooksShowArgs) -> Result<ExitCode> {
    let events = open_events(ctx)?;
    let Some(report) = ops::webhooks::show(&events, &args.id)? else {
        bail!(
            "no event {} in the webhook store ('billctl webhooks list' shows what is there)",
            args.id
        );
    };
    ctx.output.show(&report)?;
    Ok(ExitCode::SUCCESS)
}

/// Reads the raw body from stdin and checks the header under the secrets of the variables.
pub fn verify(ctx: &mut Ctx, args: &WebhooksVerifyArgs) -> Result<ExitCode> {
    let secrets = crate::adapters::secrets::secrets_from_env(&args.secret_env)?;
    let mut body = Vec::new();
    std::io::stdin()
        .lock()
        .read_to_end(&mut body)
        .context("failed to read the body from stdin")?;
    let report = ops::webhooks::verify(
        &args.header,
        &body,
        &secrets,
        &args.secret_env,
        now(),
        args.tolerance,
    );
    ctx.output.show(&report)?;
    Ok(ExitCode::from(u8::from(!report.valid)))
}

fn backfill(ctx: &mut Ctx, args: &WebhooksBackfillArgs) -> Result<ExitCode> {
    if args.since < now() - 30 * 86_400 {
        ctx.output.warn(format!(
            "--since {} is more than 30 days ago: Stripe keeps events for 30 days, so older ones cannot be backfilled",
            args.since
        ));
    }
    let stripe = ctx.stripe()?;
    let bar = ctx.output.spinner("listing events from Stripe");
    let kind = args.kind.as_deref();
    let listed = ctx.block_on(ops::webhooks::stripe_events(
        &stripe, args.since, kind, &bar,
    ))??;
    bar.finish_and_clear();
    let mut events = open_events(ctx)?;
    let mut side = match args.no_apply {
        true => None,
        false => Some(apply_side_with(
            ctx,
            Fetching::Undecided(StripeFetch::new(stripe)?),
        )?),
    };
    let bar = ctx.output.progress(0, "applying");
    let kind = args.kind.as_deref();
    let (report, outcomes) =
        ops::webhooks::backfill(&mut events, side.as_mut(), &listed, kind, args.since, &bar)?;
    bar.finish_and_clear();
    report_outcomes(ctx, &outcomes);
    ctx.output.show(&report)?;
    Ok(exit_for(&report.applied, report.conflicts.len()))
}

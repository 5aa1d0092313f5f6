//! `billctl serve` and `billctl serve tokens issue|list|revoke`.

use super::actor;
use crate::adapters::server;
use crate::api::{self as serve, metrics::Metrics};
use crate::cli::{ServeArgs, ServeCommand, ServeRunArgs, TokensCommand, TokensIssueArgs};
use crate::context::Ctx;
use crate::domain::clock::now;
use crate::ops::serve::tokens;
use anyhow::{Context, Result};
use std::process::ExitCode;
use std::sync::Arc;

pub fn run(ctx: &mut Ctx, args: ServeArgs) -> Result<ExitCode> {
    match args.command {
        Some(ServeCommand::Tokens(TokensCommand::Issue(a))) => issue(ctx, &a),
        Some(ServeCommand::Tokens(TokensCommand::List)) => {
            let list = tokens::list(ctx.store()?)?;
            ctx.output.show(&list)?;
            Ok(ExitCode::SUCCESS)
        }
        Some(ServeCommand::Tokens(TokensCommand::Revoke(a))) => revoke(ctx, &a.token),
        None => serve_cmd(ctx, &args.run),
    }
}

fn issue(ctx: &mut Ctx, args: &TokensIssueArgs) -> Result<ExitCode> {
    let issued = tokens::issue(ctx.store()?, &args.name, &args.scopes, &actor(), now())?;
    ctx.output
        .debug(2, format!("issued service token id {}", issued.id));
    ctx.output.show(&issued)?;
    Ok(ExitCode::SUCCESS)
}

fn revoke(ctx: &mut Ctx, id_or_name: &str) -> Result<ExitCode> {
    let t = tokens::find(ctx.store()?, id_or_name)?;
    let question = format!(
        "Revoke service token {} ({})? Callers using it are refused within serve's refresh interval.",
        t.id,
        crate::output::clean(&t.name)
    );
    if !ctx.output.confirm(&question, ctx.global.yes)? {
        return super::declined(ctx, "no token was revoked");
    }
    let done = tokens::revoke(ctx.store()?, &t, &actor(), now())?;
    ctx.output.show(&done)?;
    Ok(ExitCode::SUCCESS)
}

fn settings(args: &ServeRunArgs) -> serve::Settings {
    serve::Settings {
        limits: args.server.limits(args.max_body),
        refresh: args.refresh,
        max_events: args.max_events,
    }
}

/// The write handle of the self-service routes, or why there is none: no key, or a
/// live-mode key without `--live` (the same check as every writing command). Serve runs
/// either way; only those routes need it.
fn stripe_access(ctx: &mut Ctx) -> serve::StripeAccess {
    let writer = ctx.writer("let the self-service routes write to Stripe");
    let mode = ctx.mode();
    serve::StripeAccess {
        client: writer.map_err(|e| format!("{e:#}")),
        mode,
    }
}

/// The server core's options for serve: the access log, and the SIGHUP handler with the TLS
/// files it re-reads.
fn core_options(
    output: &crate::output::Output,
    json_log: bool,
    certs: Option<Arc<server::tls::Certs>>,
    status: String,
) -> Result<server::Options> {
    let reload = server::reload::Reload::install(crate::output::reload_said(output, json_log));
    Ok(server::Options {
        access: crate::output::serve_access_log(output, json_log),
        tls: server::tls::serve_with(certs, &reload)?,
        open: None,
        reload: Some(reload),
        status,
    })
}

/// The first line (where serve listens; in JSON the config too), then the config on the log.
fn say_listening(
    output: &crate::output::Output,
    json_log: bool,
    url: String,
    config: &crate::domain::config::Config,
) -> Result<()> {
    let source = config.source.clone();
    output.show_line(&crate::ops::serve::Listening {
        listening: url,
        config: source.clone(),
    })?;
    crate::output::config_notice(output, json_log, &source);
    Ok(())
}

/// The checks before anything starts: credentials, limits, and the address (a socket path
/// is never a store file) with its TLS files.
fn checked_address(
    ctx: &mut Ctx,
    args: &ServeRunArgs,
) -> Result<(server::Address, Option<Arc<server::tls::Certs>>)> {
    server::reload::ignore_hangup_from_now("serve");
    crate::adapters::secrets::check_credentials().map_err(anyhow::Error::msg)?;
    args.server.limits(args.max_body).check()?;
    let (addr, certs) = serve::address_and_tls(&args.listen, args.tls.pair(), args.plain_http)?;
    if let server::Address::Unix(path) = &addr {
        ctx.refuse_store_path("--listen", path)?;
    }
    Ok((addr, certs))
}

/// The end of a run: the socket file goes, a clean run's summary is logged, and the log is
/// written (unless stderr never drains) before any error is.
fn end_serve(
    addr: &server::Address,
    ran: Result<crate::ops::serve::Summary>,
    output: &crate::output::Output,
    json_log: bool,
    queue: &crate::output::logq::LogQueue,
) -> Result<ExitCode> {
    addr.remove_socket();
    if let Ok(summary) = &ran {
        let last = crate::output::serve_summary(summary);
        crate::output::log_notice(output, json_log, "info", &last);
    }
    queue.finish(std::time::Duration::from_secs(2));
    ran.map(|_| ExitCode::SUCCESS)
}

fn serve_cmd(ctx: &mut Ctx, args: &ServeRunArgs) -> Result<ExitCode> {
    let (addr, certs) = checked_address(ctx, args)?;
    let config = ctx.config()?.clone();
    let json_log = args.server.log_format == crate::cli::LogFormat::Json;
    let stripe = stripe_access(ctx);
    let store = ctx.take_store()?;
    // The log goes through a queue: a stalled stderr never stalls serve.
    let queue = crate::output::logq::LogQueue::start().context("failed to start the log")?;
    let (output, rt) = (ctx.output.with_log_queue(queue.clone()), ctx.runtime()?);
    // Binding, the SIGHUP handler and the signal handlers all need the runtime.
    let _in_runtime = rt.enter();
    let (listener, url) = addr
        .bind(certs.is_some())
        .with_context(|| format!("--listen {}: failed to listen", args.listen))?;
    let status = crate::output::ready_status(&url, &config.source);
    let options = core_options(&output, json_log, certs, status)?;
    // The signal handlers first: a SIGTERM right after the address is printed stops serve.
    let stop = server::shutdown_signal();
    say_listening(&output, json_log, url, &config)?;
    let notice = crate::output::serve_notice(&output, json_log);
    let metrics = Arc::new(Metrics::default().with_log_dropped(queue.dropped()));
    let run = serve::serve::Serve {
        listener,
        options,
        settings: settings(args),
        config: &config,
        store,
        metrics,
        notice,
        stripe,
    };
    let ran = serve::run(rt, run, stop);
    end_serve(&addr, ran, &output, json_log, &queue)
}

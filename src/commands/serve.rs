//! `billctl serve` and `billctl serve tokens issue|list|revoke`.

use super::actor;
use crate::cli::{ServeArgs, ServeCommand, ServeRunArgs, TokensCommand, TokensIssueArgs};
use crate::clock::now;
use crate::context::Ctx;
use crate::ops::serve::{self, metrics::Metrics, tokens};
use crate::server::{self, tls::Certs};
use anyhow::{bail, Context, Result};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

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

/// Where `--listen` says to listen.
enum Address {
    Tcp(std::net::SocketAddr),
    Unix(PathBuf),
}

fn address(listen: &str) -> Result<Address> {
    if let Some(path) = listen.strip_prefix("unix:") {
        if path.is_empty() {
            bail!("invalid --listen {listen:?}: unix: needs a socket path");
        }
        return Ok(Address::Unix(PathBuf::from(path)));
    }
    use std::net::ToSocketAddrs;
    let addr = listen
        .to_socket_addrs()
        .with_context(|| format!("invalid --listen {listen:?}: expected ADDR:PORT or unix:PATH"))?
        .next()
        .with_context(|| format!("invalid --listen {listen:?}: no address"))?;
    Ok(Address::Tcp(addr))
}

/// Binds the listener (inside the runtime), and the URL it answers on.
fn bind(
    rt: &tokio::runtime::Runtime,
    addr: &Address,
    listen: &str,
    tls: bool,
) -> Result<(server::Listener, String)> {
    let _in_runtime = rt.enter();
    match addr {
        Address::Tcp(a) => {
            let l = std::net::TcpListener::bind(a)
                .with_context(|| format!("--listen {listen}: failed to listen"))?;
            l.set_nonblocking(true)?;
            let scheme = if tls { "https" } else { "http" };
            let url = format!("{scheme}://{}", l.local_addr()?);
            Ok((tokio::net::TcpListener::from_std(l)?.into(), url))
        }
        Address::Unix(path) => {
            // A socket left by a process that is gone is replaced; anything else is kept.
            if std::os::unix::net::UnixStream::connect(path).is_err() {
                use std::os::unix::fs::FileTypeExt;
                if std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_socket()) {
                    let _ = std::fs::remove_file(path);
                }
            }
            let l = tokio::net::UnixListener::bind(path)
                .with_context(|| format!("--listen {listen}: failed to listen"))?;
            Ok((
                server::Listener::Unix(l),
                format!("unix:{}", path.display()),
            ))
        }
    }
}

fn secs(s: i64) -> Duration {
    Duration::from_secs(u64::try_from(s).unwrap_or(0))
}

/// The address to listen on and the TLS pair, if the flags make a safe combination.
fn address_and_tls(args: &ServeRunArgs) -> Result<(Address, Option<Arc<Certs>>)> {
    let addr = address(&args.listen)?;
    let certs = match (&args.tls_cert, &args.tls_key) {
        (Some(c), Some(k)) => Some(Certs::load(c, k)?),
        _ => None,
    };
    if let Address::Tcp(a) = &addr {
        if !a.ip().is_loopback() && certs.is_none() && !args.plain_http {
            bail!("--listen {}: an address outside loopback needs TLS (--tls-cert and --tls-key), so that API keys and tokens never cross a network in clear; pass --plain-http only behind a TLS-terminating proxy", args.listen);
        }
    }
    Ok((addr, certs))
}

fn settings(args: &ServeRunArgs) -> serve::Settings {
    serve::Settings {
        limits: server::Limits {
            max_connections: args.max_connections,
            header: secs(args.header_timeout),
            body: secs(args.body_timeout),
            request: secs(args.request_timeout),
            idle: secs(args.idle_timeout),
            max_body: args.max_body,
            ..server::Limits::default()
        },
        refresh: args.refresh,
        max_events: args.max_events,
    }
}

/// Re-reads the certificate on each SIGHUP, saying how it went.
fn reload_on_hangup(rt: &tokio::runtime::Runtime, certs: Arc<Certs>, out: crate::output::Output) {
    let _in_runtime = rt.enter();
    rt.spawn(server::tls::reload_on_hangup(
        certs,
        move |cert, r| match r {
            Ok(()) => out.status(format!(
                "SIGHUP: re-read the certificate {}",
                cert.display()
            )),
            Err(e) => out.warn(format!("SIGHUP: kept the certificate in use: {e:#}")),
        },
    ));
}

fn serve_cmd(ctx: &mut Ctx, args: &ServeRunArgs) -> Result<ExitCode> {
    let (addr, certs) = address_and_tls(args)?;
    let config = ctx.config()?.clone();
    let store = ctx.take_store()?;
    let (output, rt) = (ctx.output.clone(), ctx.runtime()?);
    let (listener, url) = bind(rt, &addr, &args.listen, certs.is_some())?;
    let options = server::Options {
        access: crate::output::serve_access_log(&output),
        tls: certs.as_ref().map(Certs::acceptor).transpose()?,
        open: None,
    };
    if let Some(c) = certs {
        reload_on_hangup(rt, c, output.clone());
    }
    // The signal handlers first: a SIGTERM right after the address is printed stops serve.
    let stop = {
        let _in_runtime = rt.enter();
        server::shutdown_signal()
    };
    output.show_line(&serve::Listening { listening: url })?;
    let notice = crate::output::serve_notice(&output);
    let metrics = Arc::new(Metrics::default());
    let summary = serve::run(
        rt,
        listener,
        options,
        settings(args),
        &config,
        store,
        metrics,
        notice,
        stop,
    )?;
    if let Address::Unix(path) = &addr {
        let _ = std::fs::remove_file(path);
    }
    output.status(crate::output::serve_summary(&summary));
    Ok(ExitCode::SUCCESS)
}

//! The billctl binary: parse arguments, run, map the outcome to an exit code.

use clap::FromArgMatches;
use std::process::ExitCode;

fn main() -> ExitCode {
    // systemd's notify socket and watchdog, taken while this is the only thread.
    billctl::adapters::server::notify::take_from_env();
    for name in billctl::cli::empty_option_vars_are_unset() {
        eprintln!("warning: {name} is set but empty: taken as unset");
    }
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // A service ignores SIGHUP from its first step, before parsing and long before its reload
    // handler is installed: a `systemctl reload` right after `start` never ends it.
    if let Some(service) = billctl::cli::service_of(&args) {
        billctl::adapters::server::reload::ignore_hangup_from_now(service);
    }
    billctl::util::faults::point("main.start");
    let cli = match billctl::cli::parse_keys_verify(&args) {
        Some(cli) => cli,
        None => parse(args),
    };
    match billctl::run(cli) {
        Ok(code) => code,
        Err(err) if billctl::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // Errors quote outside text (ids, names, lines of a file): made safe for a terminal.
            let text = format!("{err:#}");
            eprintln!("error: {}", billctl::output::terminal_safe(&text));
            ExitCode::from(billctl::exit_code(&err))
        }
    }
}

/// The whole grammar; prints help, version or the error and exits when there is one.
fn parse(args: Vec<std::ffi::OsString>) -> billctl::cli::Cli {
    let mut command = billctl::cli::grammar();
    let matches = command
        .try_get_matches_from_mut(&args)
        .unwrap_or_else(|e| refuse(e, &args));
    let cli = billctl::cli::Cli::from_arg_matches(&matches)
        .unwrap_or_else(|e| refuse(e.format(&mut command), &args));
    // The argument tree is thousands of small allocations that the process never needs again;
    // freeing them one by one costs a short command about a tenth of its run time, and the OS
    // reclaims them at exit anyway.
    std::mem::forget(command);
    std::mem::forget(matches);
    cli
}

/// Help and version as clap prints them; an error (which quotes the arguments) made safe for
/// a terminal first, then exit 2.
fn refuse(e: clap::Error, args: &[std::ffi::OsString]) -> ! {
    if !e.use_stderr() {
        e.exit();
    }
    eprint!("{}", billctl::cli::refusal_text(&e, args));
    std::process::exit(e.exit_code())
}

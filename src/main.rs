//! The billctl binary: parse arguments, run, map the outcome to an exit code.

use clap::{CommandFactory, FromArgMatches};
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut command = billctl::cli::Cli::command();
    let matches = command
        .try_get_matches_from_mut(std::env::args_os())
        .unwrap_or_else(|e| e.exit());
    let cli = billctl::cli::Cli::from_arg_matches(&matches)
        .unwrap_or_else(|e| e.format(&mut command).exit());
    // The argument tree is thousands of small allocations that the process never needs again;
    // freeing them one by one costs `keys verify` (run once per API call by some scripts) about
    // a tenth of its run time, and the OS reclaims them at exit anyway.
    std::mem::forget(command);
    std::mem::forget(matches);
    match billctl::run(cli) {
        Ok(code) => code,
        Err(err) if billctl::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

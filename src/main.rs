//! The billctl binary: parse arguments, run, map the outcome to an exit code.

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = billctl::cli::Cli::parse();
    match billctl::run(cli) {
        Ok(code) => code,
        Err(err) if billctl::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(2)
        }
    }
}

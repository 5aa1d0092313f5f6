//! `billctl completions`.

use clap::Args;

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("what").required(true).args(["shell", "man"])))]
pub struct CompletionsArgs {
    /// Shell to generate for
    pub shell: Option<clap_complete::Shell>,
    /// Write a man page for every command and subcommand into DIR instead (billctl.1,
    /// billctl-keys.1, billctl-keys-issue.1, ...; created if missing)
    #[arg(long, value_name = "DIR", conflicts_with = "shell")]
    pub man: Option<std::path::PathBuf>,
}

#[derive(Debug, Args)]
pub struct DoctorArgs {
    /// How long the store's integrity check may run (SQLite quick_check on a large store);
    /// past it the check is a warning, not a verdict; 0 leaves it out (also a warning)
    #[arg(long, default_value = "5s", value_name = "DURATION", value_parser = zero_or_span)]
    pub integrity_timeout: std::time::Duration,
}

fn zero_or_span(s: &str) -> Result<std::time::Duration, String> {
    if s.trim() == "0" {
        Ok(std::time::Duration::ZERO)
    } else {
        super::parsers::parse_refresh(s)
    }
}

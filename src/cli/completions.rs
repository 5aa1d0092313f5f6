//! `billctl completions`.

#[allow(unused_imports)]
use super::*;

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

//! `billctl auth login|status|logout`.

use clap::Args;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Store a Stripe key in the OS keyring (from a hidden prompt, or stdin with --stdin)
    Login(AuthLoginArgs),
    /// Show which key is in use: source, store (and whether a reboot clears it), mode, type and
    /// last 4 characters (exit 1 if none)
    Status,
    /// Remove the stored key of the profile from the OS keyring
    Logout,
}

#[derive(Debug, Args)]
pub struct AuthLoginArgs {
    /// Read the key from the first line of stdin instead of prompting
    #[arg(long)]
    pub stdin: bool,
}

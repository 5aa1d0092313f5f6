//! `billctl keys issue|list|show|revoke|rotate|verify`.

use super::IdArg;
use clap::Args;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Issue a key to a customer; the key is printed once and never again
    Issue(KeysIssueArgs),
    /// List keys (never their secrets)
    List(KeysListArgs),
    /// Show one key's record
    Show(IdArg),
    /// Revoke keys now (asks first)
    Revoke(KeysRevokeArgs),
    /// Replace a key: the new one copies name, customer and expiry policy; the old one keeps
    /// working until the grace period ends
    Rotate(KeysRotateArgs),
    /// Check a key read from stdin (never from the command line); exit 0 valid, 1 invalid
    Verify(KeysVerifyArgs),
}

#[derive(Debug, Args)]
pub struct KeysIssueArgs {
    /// Customer id (cus_...)
    #[arg(long)]
    pub customer: String,
    /// A name to tell keys apart ("production", "ci")
    #[arg(long)]
    pub name: Option<String>,
    /// Lifetime, like 90d, 12h or 2w (at most 100 years); default: no expiry
    #[arg(long, value_name = "DURATION", value_parser = crate::domain::time::positive_span)]
    pub expires_in: Option<i64>,
}

/// Key states for `keys list --status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum KeyStatus {
    Active,
    Revoked,
    Expired,
}

impl From<KeyStatus> for crate::ops::keys::KeyState {
    fn from(s: KeyStatus) -> Self {
        use crate::ops::keys::KeyState;
        match s {
            KeyStatus::Active => KeyState::Active,
            KeyStatus::Revoked => KeyState::Revoked,
            KeyStatus::Expired => KeyState::Expired,
        }
    }
}

#[derive(Debug, Args)]
pub struct KeysListArgs {
    /// Only this customer's keys
    #[arg(long)]
    pub customer: Option<String>,
    /// Only keys in this state
    #[arg(long, value_enum)]
    pub status: Option<KeyStatus>,
}

#[derive(Debug, Args)]
pub struct KeysRevokeArgs {
    /// Key ids (the 8 characters after bk_test_ / bk_live_)
    #[arg(required = true)]
    pub ids: Vec<String>,
    /// Why, for the audit log
    #[arg(long)]
    pub reason: Option<String>,
}

#[derive(Debug, Args)]
pub struct KeysRotateArgs {
    /// Key id
    pub id: String,
    /// How long the old key keeps working, like 24h or 0s
    #[arg(long, default_value = "24h", value_name = "DURATION", value_parser = crate::domain::time::span)]
    pub grace: i64,
}

#[derive(Debug, Args)]
pub struct KeysVerifyArgs {
    /// Also record one usage event when the key is valid
    #[arg(long)]
    pub record: bool,
}

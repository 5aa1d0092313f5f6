//! `billctl customers create|list|show|update`.

use super::parsers::key_value;
use super::IdArg;
use clap::Args;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum CustomersCommand {
    /// Create a customer (asks first when the email is already used)
    Create(CustomersCreateArgs),
    /// List customers, every page
    List(CustomersListArgs),
    /// Show a customer with its subscriptions, tier, access, payment state and API-key count
    Show(IdArg),
    /// Change a customer's email, name or metadata
    Update(CustomersUpdateArgs),
}

#[derive(Debug, Args)]
pub struct CustomersUpdateArgs {
    /// Customer id (cus_...)
    pub id: String,
    /// New email address
    #[arg(long)]
    pub email: Option<String>,
    /// New name
    #[arg(long)]
    pub name: Option<String>,
    /// Set metadata KEY=VALUE (repeatable)
    #[arg(long = "metadata", value_name = "KEY=VALUE", value_parser = key_value)]
    pub metadata: Vec<(String, String)>,
    /// Remove metadata KEY (repeatable)
    #[arg(long = "unset-metadata", value_name = "KEY")]
    pub unset_metadata: Vec<String>,
}

#[derive(Debug, Args)]
pub struct CustomersCreateArgs {
    /// Email address
    #[arg(long)]
    pub email: String,
    /// Name
    #[arg(long)]
    pub name: Option<String>,
    /// Metadata as KEY=VALUE (repeatable)
    #[arg(long = "metadata", value_name = "KEY=VALUE", value_parser = key_value)]
    pub metadata: Vec<(String, String)>,
}

#[derive(Debug, Args)]
pub struct CustomersListArgs {
    /// Only customers with this exact email
    #[arg(long)]
    pub email: Option<String>,
}

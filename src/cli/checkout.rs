//! `billctl checkout create`.

use clap::Args;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum CheckoutCommand {
    /// Create a Checkout Session for a tier and print its URL
    Create(CheckoutCreateArgs),
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("who").required(true).args(["customer", "email"])))]
pub struct CheckoutCreateArgs {
    /// Tier id from the config (needed in subscription mode)
    #[arg(long, required_if_eq("mode", "subscription"))]
    pub tier: Option<String>,
    #[command(flatten)]
    pub seats: super::QuantityArg,
    /// An existing customer (cus_...)
    #[arg(long)]
    pub customer: Option<String>,
    /// Email for a new customer, created by Stripe when they pay
    #[arg(long)]
    pub email: Option<String>,
    /// Your own reference, returned on the session and its webhook
    #[arg(long)]
    pub client_reference_id: Option<String>,
    /// subscription: the customer subscribes to the tier; setup: the customer only enters a
    /// card for later charges (needs --customer)
    #[arg(long, value_enum, default_value_t = CheckoutMode::Subscription)]
    pub mode: CheckoutMode,
}

/// What a Checkout Session is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CheckoutMode {
    Subscription,
    Setup,
}

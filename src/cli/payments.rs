//! `billctl payment-methods` and `billctl portal`.

use super::CustomerArg;
use clap::Args;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum PaymentMethodsCommand {
    /// List a customer's payment methods (brand and last four only)
    List(CustomerArg),
    /// Attach a payment method to a customer (in test mode, Stripe's test methods such as
    /// pm_card_visa; billctl never takes card numbers)
    Attach(PaymentMethodAttachArgs),
    /// Detach a payment method from its customer
    Detach(PaymentMethodArg),
    /// Make a payment method the customer's default for invoices
    Default(PaymentMethodDefaultArgs),
}

#[derive(Debug, Args)]
pub struct PaymentMethodArg {
    /// Payment method id (pm_...)
    pub payment_method: String,
}

#[derive(Debug, Args)]
pub struct PaymentMethodAttachArgs {
    /// Customer id (cus_...)
    #[arg(long)]
    pub customer: String,
    /// Payment method id (pm_...; in test mode also pm_card_visa and Stripe's other test
    /// methods)
    pub payment_method: String,
    /// Also make it the customer's default for invoices
    #[arg(long)]
    pub default: bool,
}

#[derive(Debug, Args)]
pub struct PaymentMethodDefaultArgs {
    /// Customer id (cus_...)
    #[arg(long)]
    pub customer: String,
    /// Payment method id (pm_...)
    pub payment_method: String,
}

#[derive(Debug, Subcommand)]
pub enum PortalCommand {
    /// Create a billing portal session and print its URL (valid for a short while)
    Create(PortalCreateArgs),
}

#[derive(Debug, Args)]
pub struct PortalCreateArgs {
    /// Customer id (cus_...)
    #[arg(long)]
    pub customer: String,
    /// Where the portal's return link goes [default: portal.return_url in the config]
    #[arg(long, value_name = "URL", value_parser = |s: &str| super::parse_url("--return-url", s).map(|_| s.to_string()))]
    pub return_url: Option<String>,
}

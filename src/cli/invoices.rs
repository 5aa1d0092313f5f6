//! `billctl invoices list|show|pay`.

use clap::Args;
use clap::Subcommand;

#[derive(Debug, Subcommand)]
pub enum InvoicesCommand {
    /// List a customer's invoices, newest first
    List(InvoicesListArgs),
    /// Show one invoice, with why its payment failed when it did
    Show(InvoiceArg),
    /// Charge an open invoice now (asks first: money moves)
    Pay(InvoicePayArgs),
    /// Void an open invoice for good (asks first)
    Void(InvoiceArg),
    /// E-mail an open send-invoice invoice to the customer
    Send(InvoiceArg),
}

#[derive(Debug, Args)]
pub struct InvoiceArg {
    /// Invoice id (in_...)
    pub invoice: String,
}

#[derive(Debug, Args)]
pub struct InvoicePayArgs {
    /// Invoice id (in_...)
    pub invoice: String,
    /// Charge this payment method instead of the default (pm_...)
    #[arg(long, value_name = "PM")]
    pub payment_method: Option<String>,
}

#[derive(Debug, Args)]
pub struct InvoicesListArgs {
    /// Customer id (cus_...)
    #[arg(long)]
    pub customer: String,
    /// Only invoices with this status
    #[arg(long, value_parser = ["draft", "open", "paid", "void", "uncollectible"])]
    pub status: Option<String>,
}

//! `billctl subscriptions create|change|cancel|list|show|sync`.

use super::IdArg;
use crate::domain::billing::Proration;
use clap::Args;
use clap::Subcommand;

/// `--proration`: the flag's names (kebab-case, as clap spells values) and help for
/// [`Proration`], the one enum both doors use.
impl clap::ValueEnum for Proration {
    fn value_variants<'a>() -> &'a [Self] {
        &Proration::ALL
    }

    fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
        use clap::builder::PossibleValue;
        Some(match self {
            Proration::CreateProrations => PossibleValue::new("create-prorations")
                .help("Credit and charge the difference on the next invoice (Stripe's default)"),
            Proration::None => PossibleValue::new("none")
                .help("No proration: the new price applies from the next period's invoice"),
            Proration::AlwaysInvoice => {
                PossibleValue::new("always-invoice").help("Invoice the difference now")
            }
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum SubscriptionsCommand {
    /// Subscribe a customer to a tier (refused if the customer already has one: use change)
    Create(SubscriptionsCreateArgs),
    /// Move a subscription to another tier (upgrade or downgrade)
    Change(SubscriptionsChangeArgs),
    /// Cancel a subscription now, or at the end of its period (asks first)
    Cancel(SubscriptionsCancelArgs),
    /// Undo a cancellation at the period end, before the period ends
    Resume(IdArg),
    /// List subscriptions from Stripe, every page
    List(SubscriptionsListArgs),
    /// Show one subscription, with its access and dunning state
    Show(IdArg),
    /// Refresh the local mirror of customers and subscriptions from Stripe
    Sync(SubscriptionsSyncArgs),
}

#[derive(Debug, Args)]
pub struct SubscriptionsSyncArgs {
    /// Also build the subscription history (for `revenue`) from Stripe: the last 30 days
    /// from its events, older changes from each subscription's start date and canceled times;
    /// only before what the history already holds
    #[arg(long)]
    pub backfill_history: bool,
}

#[derive(Debug, Args)]
pub struct SubscriptionsCreateArgs {
    /// Customer id (cus_...)
    #[arg(long)]
    pub customer: String,
    /// Tier id from the config (pro, team, enterprise...)
    #[arg(long)]
    pub tier: String,
    #[command(flatten)]
    pub seats: QuantityArg,
    /// Days of free trial [default: the tier's trial_days in the config, else none]
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(0..=730))]
    pub trial_days: Option<u32>,
    /// How the invoices are paid: charged to the default payment method, or sent to the
    /// customer to pay by a due date
    #[arg(long, value_enum, default_value_t = Collection::Charge)]
    pub collection: Collection,
    /// With --collection invoice: days the customer has to pay each invoice
    #[arg(long, value_name = "N", default_value_t = 30, value_parser = clap::value_parser!(u32).range(0..=730))]
    pub days_until_due: u32,
    /// What to do when the first payment does not go through
    #[arg(long, value_enum, default_value_t = PaymentBehavior::AllowIncomplete)]
    pub payment_behavior: PaymentBehavior,
}

/// How a subscription's invoices are paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Collection {
    /// Charged automatically to the default payment method
    Charge,
    /// Sent to the customer, who pays by the due date
    Invoice,
}

/// Stripe's `payment_behavior` for a new subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PaymentBehavior {
    /// Create it even when the first payment fails (status incomplete)
    AllowIncomplete,
    /// Create it incomplete without trying to charge; the customer pays the first invoice
    DefaultIncomplete,
    /// Create nothing when the first payment fails
    ErrorIfIncomplete,
}

impl PaymentBehavior {
    pub fn as_str(self) -> &'static str {
        match self {
            PaymentBehavior::AllowIncomplete => "allow_incomplete",
            PaymentBehavior::DefaultIncomplete => "default_incomplete",
            PaymentBehavior::ErrorIfIncomplete => "error_if_incomplete",
        }
    }
}

#[derive(Debug, Args)]
pub struct SubscriptionsChangeArgs {
    /// Subscription id (sub_...)
    pub id: String,
    /// The tier to move to [default: the one it is on, with --quantity]
    #[arg(long, required_unless_present = "quantity")]
    pub tier: Option<String>,
    #[command(flatten)]
    pub seats: QuantityArg,
    /// How to bill the change
    #[arg(long, value_enum, default_value_t = Proration::CreateProrations)]
    pub proration: Proration,
}

/// `--quantity N`: seats of the tier.
#[derive(Debug, Args)]
pub struct QuantityArg {
    /// Seats (units) of the tier's price, 1 to the tier's max_quantity in the config (a tier
    /// without one is sold one at a time) [default: 1 for a new subscription; a change keeps
    /// the subscription's]
    #[arg(long, value_name = "N", allow_negative_numbers = true)]
    pub quantity: Option<i64>,
}

impl QuantityArg {
    pub fn asked(&self) -> crate::domain::billing::seats::Asked {
        crate::domain::billing::seats::Asked {
            given: self.quantity,
            field: "--quantity",
        }
    }
}

#[derive(Debug, Args)]
pub struct SubscriptionsCancelArgs {
    /// Subscription id (sub_...)
    pub id: String,
    /// Keep it until the end of the current period instead of ending it now
    #[arg(long)]
    pub at_period_end: bool,
}

#[derive(Debug, Args)]
pub struct SubscriptionsListArgs {
    /// Only this customer's subscriptions
    #[arg(long)]
    pub customer: Option<String>,
    /// Only subscriptions on this tier ("unknown" for prices outside the catalog)
    #[arg(long)]
    pub tier: Option<String>,
    /// Only these Stripe statuses, comma-separated (active, past_due, unpaid, trialing,
    /// incomplete, canceled...); default: all
    #[arg(long, value_delimiter = ',', value_parser = clap::builder::PossibleValuesParser::new(crate::domain::config::SUBSCRIPTION_STATUSES))]
    pub status: Vec<String>,
}

//! One file per command group: arguments in, domain calls, output out.

pub mod audit;
pub mod auth;
pub mod checkout;
pub mod completions;
pub mod customers;
pub mod dashboard;
pub mod db;
pub mod doctor;
pub mod invoices;
pub mod keys;
pub mod payments;
pub mod prices;
pub mod revenue;
pub mod serve;
pub mod setup_products;
pub mod subscriptions;
pub mod usage;
pub mod webhooks;

use crate::cli::{AuditCommand, CheckoutCommand, Command, PricesCommand};
use crate::context::Ctx;
use anyhow::Result;
use std::process::ExitCode;

pub fn dispatch(ctx: &mut Ctx, command: Command) -> Result<ExitCode> {
    match command {
        Command::SetupProducts(args) => setup_products::run(ctx, &args),
        Command::Prices(PricesCommand::Check(args)) => prices::check(ctx, &args),
        Command::Prices(PricesCommand::List) => prices::list(ctx),
        Command::Customers(cmd) => customers::run(ctx, cmd),
        Command::Subscriptions(cmd) => subscriptions::run(ctx, cmd),
        Command::Checkout(CheckoutCommand::Create(args)) => checkout::create(ctx, &args),
        Command::Invoices(cmd) => invoices::run(ctx, cmd),
        Command::PaymentMethods(cmd) => payments::payment_methods(ctx, cmd),
        Command::Portal(cmd) => payments::portal(ctx, cmd),
        Command::Keys(cmd) => keys::run(ctx, cmd),
        Command::Audit(AuditCommand::List(args)) => audit::list(ctx, &args),
        Command::Usage(cmd) => usage::run(ctx, cmd),
        Command::Revenue(args) => revenue::run(ctx, &args),
        Command::Dashboard(args) => dashboard::run(ctx, &args),
        Command::Webhooks(cmd) => webhooks::run(ctx, cmd),
        Command::Auth(cmd) => auth::run(ctx, cmd),
        Command::Db(cmd) => db::run(ctx, cmd),
        Command::Serve(args) => serve::run(ctx, args),
        Command::Completions(args) => completions::run(ctx, &args),
        Command::Doctor(args) => doctor::run(ctx, &args),
    }
}

/// Writes `text` to `path`, which `flag` named, as a private file ([`crate::output::PrivateFile`]),
/// after checking again that it is none of the store's files ([`Ctx::refuse_store_path`];
/// each command also checks at its door, before any work).
pub(crate) fn write_private(
    ctx: &mut Ctx,
    flag: &str,
    path: &std::path::Path,
    text: &str,
) -> Result<crate::output::Target> {
    ctx.refuse_store_path(flag, path)?;
    crate::output::write_private(path, text)
}

/// What a command returns when its confirmation was declined: it says what was left as it was,
/// and exits 2, as every declined prompt does.
pub(crate) fn declined(ctx: &Ctx, kept: &str) -> Result<ExitCode> {
    ctx.output.status(format!("Aborted: {kept}."));
    Ok(ExitCode::from(2))
}

pub(crate) use crate::ops::tier;

/// The price-to-tier map from the config and the catalog mirror.
pub(crate) fn tier_map(ctx: &mut Ctx) -> Result<crate::domain::billing::TierMap> {
    let config = ctx.config()?.clone();
    crate::ops::tier_map(ctx.store()?, &config)
}

/// Who is acting, for the audit log: the OS user of this process (by uid, from the user
/// database), else `$USER`, else `uid:N`.
pub(crate) fn actor() -> String {
    let uid = nix::unistd::Uid::current();
    nix::unistd::User::from_uid(uid)
        .ok()
        .flatten()
        .map(|u| u.name)
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| format!("uid:{uid}"))
}

/// The customer from Stripe, or an error that says it does not exist (or was deleted).
pub(crate) fn existing_customer(
    ctx: &mut Ctx,
    id: &str,
) -> Result<crate::domain::billing::Customer> {
    let stripe = ctx.stripe()?;
    ctx.block_on(crate::ops::subscriptions::existing_customer(&stripe, id))?
}

/// The endpoint ids whose secret is kept: in the keyring, and in the data dir's secret file.
pub(crate) fn kept_secrets(ctx: &mut Ctx) -> (Vec<String>, Vec<String>) {
    let ids = |all: Vec<(String, crate::adapters::secrets::Secret)>| {
        all.into_iter().map(|(id, _)| id).collect()
    };
    let keyring = ctx
        .profile()
        .ok()
        .and_then(|p| crate::adapters::secrets::webhook_secrets(&p).ok())
        .map(ids)
        .unwrap_or_default();
    let file = ctx
        .data_dir()
        .ok()
        .and_then(|d| crate::adapters::secrets::file_secrets(&d).ok())
        .map(ids)
        .unwrap_or_default();
    (keyring, file)
}

#[cfg(test)]
mod tests {
    /// The command line's door is glue: no command file names `store::` or `stripe::` (the
    /// workflows in `ops/` hold those doors and re-export the handle types commands pass on).
    #[test]
    fn commands_name_neither_the_store_nor_stripe() {
        fn walk(dir: &std::path::Path, found: &mut Vec<String>, files: &mut usize) {
            for e in std::fs::read_dir(dir).unwrap() {
                let path = e.unwrap().path();
                if path.is_dir() {
                    walk(&path, found, files);
                    continue;
                }
                *files += 1;
                let text = std::fs::read_to_string(&path).unwrap();
                let code = text.split("#[cfg(test)]").next().unwrap_or("");
                for (n, line) in code.lines().enumerate() {
                    let l = line.trim();
                    if l.starts_with("//") {
                        continue;
                    }
                    if l.contains("store::") || l.contains("stripe::") {
                        found.push(format!("{}:{}: {l}", path.display(), n + 1));
                    }
                }
            }
        }
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/commands");
        let (mut found, mut files) = (Vec::new(), 0);
        walk(&dir, &mut found, &mut files);
        assert!(files > 15, "src/commands was read: {files} files");
        assert!(
            found.is_empty(),
            "commands name the store or Stripe (call an ops workflow instead):\n{}",
            found.join("\n")
        );
    }
}

//! One file per command group: arguments in, domain calls, output out.

pub mod auth;
pub mod completions;
pub mod db;
pub mod prices;
pub mod setup_products;

use crate::cli::{Command, PricesCommand};
use crate::context::Ctx;
use anyhow::Result;
use std::process::ExitCode;

pub fn dispatch(ctx: &mut Ctx, command: Command) -> Result<ExitCode> {
    match command {
        Command::SetupProducts(args) => setup_products::run(ctx, &args),
        Command::Prices(PricesCommand::Check(args)) => prices::check(ctx, &args),
        Command::Prices(PricesCommand::List) => prices::list(ctx),
        Command::Auth(cmd) => auth::run(ctx, cmd),
        Command::Db(cmd) => db::run(ctx, cmd),
        Command::Completions(args) => completions::run(ctx, &args),
    }
}

/// Writes `text` to `path` atomically (temporary file + rename) with mode 0600.
pub(crate) fn write_private(path: &std::path::Path, text: &str) -> Result<()> {
    use anyhow::Context;
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let tmp = path.with_file_name(format!(
        ".{}.tmp",
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("billctl")
    ));
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(&tmp)
        .with_context(|| format!("failed to create {}", tmp.display()))?;
    f.write_all(text.as_bytes())
        .and_then(|_| f.sync_all())
        .with_context(|| format!("failed to write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("failed to write {}", path.display()))
}

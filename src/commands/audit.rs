//! `billctl audit list`.

use crate::cli::AuditListArgs;
use crate::context::Ctx;
use anyhow::Result;
use std::process::ExitCode;

pub fn list(ctx: &mut Ctx, args: &AuditListArgs) -> Result<ExitCode> {
    let rows = crate::ops::audit_list(ctx.store()?, args.since, args.action.as_deref())?;
    ctx.output.show(&rows)?;
    Ok(ExitCode::SUCCESS)
}

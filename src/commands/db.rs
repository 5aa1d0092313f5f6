//! `billctl db status|backup`.

use crate::cli::DbCommand;
use crate::context::Ctx;
use anyhow::{Context, Result};
use comfy_table::Cell;
use serde::Serialize;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: DbCommand) -> Result<ExitCode> {
    match cmd {
        DbCommand::Status => status(ctx),
        DbCommand::Backup(args) => backup(ctx, &args.file),
    }
}

#[derive(Serialize)]
struct StatusView {
    path: String,
    schema_version: i64,
    tables: indexmap::IndexMap<String, i64>,
}

fn status(ctx: &mut Ctx) -> Result<ExitCode> {
    let store = ctx.store()?;
    let view = StatusView {
        path: store.path().display().to_string(),
        schema_version: store.schema_version()?,
        tables: store.row_counts()?.into_iter().collect(),
    };
    if ctx.output.json {
        ctx.output.json(&view)?;
    } else {
        let rows = view
            .tables
            .iter()
            .map(|(t, n)| vec![Cell::new(t), Cell::new(n)])
            .collect();
        let table = ctx.output.table(&["TABLE", "ROWS"], rows);
        ctx.output.data(&format!(
            "path:           {}\nschema version: {}\n{table}",
            view.path, view.schema_version
        ))?;
    }
    Ok(ExitCode::SUCCESS)
}

fn backup(ctx: &mut Ctx, dest: &std::path::Path) -> Result<ExitCode> {
    if dest.exists()
        && !ctx.output.confirm(
            &format!("Replace the existing file {}?", dest.display()),
            ctx.global.yes,
        )?
    {
        return super::declined(ctx, "nothing was written");
    }
    let store = ctx.store()?;
    store.backup(dest).with_context(|| {
        format!(
            "failed to back up {} to {}",
            store.path().display(),
            dest.display()
        )
    })?;
    if ctx.output.json {
        ctx.output
            .json(&serde_json::json!({"backup": dest.display().to_string()}))?;
    } else {
        ctx.output
            .status(format!("Backed up the store to {}.", dest.display()));
    }
    Ok(ExitCode::SUCCESS)
}

//! `billctl db status|backup|restore|migrate|copy`.

use crate::cli::{DbBackupArgs, DbCommand, DbCopyArgs, DbRestoreArgs};
use crate::context::Ctx;
use crate::domain::clock::now;
use crate::ops::db;
use anyhow::Result;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: DbCommand) -> Result<ExitCode> {
    match cmd {
        DbCommand::Status => status(ctx),
        DbCommand::Backup(args) => backup_cmd(ctx, &args),
        DbCommand::Restore(args) => restore(ctx, &args),
        DbCommand::Migrate => migrate(ctx),
        DbCommand::Copy(args) => copy(ctx, &args),
    }
}

/// `db backup/restore` work on the SQLite files; a Postgres store is backed up with its own
/// tools.
fn sqlite_only(ctx: &mut Ctx, what: &str) -> Result<()> {
    if let Some(url) = ctx.database_url()? {
        anyhow::bail!(
            "db {what} works on the SQLite store; the store is on Postgres ({}): use pg_dump/pg_restore or psql there",
            url.shown()
        );
    }
    Ok(())
}

fn status(ctx: &mut Ctx) -> Result<ExitCode> {
    let view = if ctx.database_url()?.is_some() {
        db::status_pg(ctx.store()?)?
    } else {
        ctx.store()?; // opened (and migrated) before webhooks.db, as every command does
        let events = ctx.events()?;
        db::status_sqlite(ctx.store()?, &events)?
    };
    ctx.output.show(&view)?;
    Ok(ExitCode::SUCCESS)
}

fn backup_cmd(ctx: &mut Ctx, args: &DbBackupArgs) -> Result<ExitCode> {
    sqlite_only(ctx, "backup")?;
    let dest = &args.dir;
    ctx.refuse_store_path("DIR", dest)?;
    if db::backup_dest(dest, args.force)? {
        let question = format!("Replace the billctl backup in {}?", dest.display());
        if !ctx.output.confirm(&question, ctx.global.yes)? {
            return super::declined(ctx, "nothing was written");
        }
    }
    let (dir, events) = (ctx.data_dir()?, ctx.events()?);
    let done = db::backup(ctx.store()?, &events, (&dir, dest), now(), args.force)?;
    ctx.output.show(&done)?;
    Ok(ExitCode::SUCCESS)
}

fn restore(ctx: &mut Ctx, args: &DbRestoreArgs) -> Result<ExitCode> {
    sqlite_only(ctx, "restore")?;
    let dir = ctx.data_dir()?;
    if args.check {
        ctx.output.show(&db::check(&args.dir, &dir)?)?;
        return Ok(ExitCode::SUCCESS);
    }
    let when = crate::domain::time::utc_datetime(db::manifest(&args.dir)?.created_at);
    let question = format!(
        "Replace billctl.db and webhooks.db in {} with the backup from {when}? (the current state is kept in a pre-restore backup)",
        dir.display()
    );
    if !ctx.output.confirm(&question, ctx.global.yes)? {
        return super::declined(ctx, "nothing was restored");
    }
    let wait = args.wait.unwrap_or_default();
    let restored = db::restore(&dir, &args.dir, now(), wait)?;
    ctx.output.show(&restored)?;
    Ok(ExitCode::SUCCESS)
}

fn migrate(ctx: &mut Ctx) -> Result<ExitCode> {
    let view = match ctx.database_url()? {
        Some(url) => db::migrate_pg(&url)?,
        None => {
            let events = ctx.events()?;
            db::migrated_sqlite(ctx.store()?, &events)?
        }
    };
    ctx.output.show(&view)?;
    Ok(ExitCode::SUCCESS)
}

fn copy(ctx: &mut Ctx, args: &DbCopyArgs) -> Result<ExitCode> {
    let dir = ctx.data_dir()?;
    let bar = ctx.output.spinner("Copying");
    let copied = db::copy(&dir, args.to.as_deref(), args.from.as_deref(), &bar)?;
    bar.finish_and_clear();
    ctx.output.show(&copied)?;
    Ok(ExitCode::SUCCESS)
}

//! `billctl db status|backup|restore`.

use crate::cli::{DbCommand, DbCopyArgs, DbRestoreArgs};
use crate::clock::now;
use crate::context::Ctx;
use crate::store::backup;
use crate::store::webhooks::EventStore;
use anyhow::{Context, Result};
use serde::Serialize;
use std::process::ExitCode;

pub fn run(ctx: &mut Ctx, cmd: DbCommand) -> Result<ExitCode> {
    match cmd {
        DbCommand::Status => status(ctx),
        DbCommand::Backup(args) => backup_cmd(ctx, &args.dir),
        DbCommand::Restore(args) => restore(ctx, &args),
        DbCommand::Migrate => migrate(ctx),
        DbCommand::Copy(args) => copy(ctx, &args),
    }
}

#[derive(Serialize)]
struct FileStatus {
    path: String,
    schema_version: i64,
    tables: indexmap::IndexMap<String, i64>,
}

/// `billctl.db` at the top level (as before), `webhooks.db` under `webhooks`.
#[derive(Serialize)]
struct StatusView {
    #[serde(flatten)]
    store: FileStatus,
    webhooks: FileStatus,
}

/// `db status/backup/restore` work on the SQLite files; a Postgres store is backed up with its
/// own tools.
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
    let on_pg = ctx.database_url()?.is_some();
    let view = if on_pg {
        // One database holds both: the webhook tables are listed apart, as on SQLite.
        let store = ctx.store()?;
        let (path, version) = (store.path().display().to_string(), store.schema_version()?);
        let (hooks, main): (Vec<_>, Vec<_>) = store
            .row_counts()?
            .into_iter()
            .filter(|(t, _)| t != "billctl_schema")
            .partition(|(t, _)| crate::store::copy::WEBHOOK_TABLES.contains(&t.as_str()));
        StatusView {
            store: FileStatus {
                path: path.clone(),
                schema_version: version,
                tables: main.into_iter().collect(),
            },
            webhooks: FileStatus {
                path,
                schema_version: version,
                tables: hooks.into_iter().collect(),
            },
        }
    } else {
        let dir = ctx.data_dir()?;
        let store = ctx.store()?;
        let main = FileStatus {
            path: store.path().display().to_string(),
            schema_version: store.schema_version()?,
            tables: store.row_counts()?.into_iter().collect(),
        };
        let events = EventStore::open(&dir)?;
        StatusView {
            store: main,
            webhooks: FileStatus {
                path: events.path().display().to_string(),
                schema_version: events.schema_version()?,
                tables: events.row_counts()?.into_iter().collect(),
            },
        }
    };
    if ctx.output.json {
        ctx.output.json(&view)?;
        return Ok(ExitCode::SUCCESS);
    }
    let mut text = String::new();
    for f in [&view.store, &view.webhooks] {
        let rows = f
            .tables
            .iter()
            .map(|(t, n)| vec![crate::output::cell(t), crate::output::cell(n)])
            .collect();
        let table = ctx.output.table(&["TABLE", "ROWS"], rows);
        text.push_str(&format!(
            "path:           {}\nschema version: {}\n{table}\n",
            f.path, f.schema_version
        ));
    }
    ctx.output.data(text.trim_end())?;
    Ok(ExitCode::SUCCESS)
}

fn backup_cmd(ctx: &mut Ctx, dest: &std::path::Path) -> Result<ExitCode> {
    sqlite_only(ctx, "backup")?;
    let replace = dest.exists();
    if replace
        && !ctx.output.confirm(
            &format!("Replace the existing {}?", dest.display()),
            ctx.global.yes,
        )?
    {
        return super::declined(ctx, "nothing was written");
    }
    let dir = ctx.data_dir()?;
    let events = EventStore::open(&dir)?;
    let store = ctx.store()?;
    let manifest = backup::backup(store, &events, dest, now(), replace)
        .with_context(|| format!("failed to back up {} to {}", dir.display(), dest.display()))?;
    if ctx.output.json {
        ctx.output.json(&serde_json::json!({
            "backup": dest.display().to_string(),
            "manifest": manifest,
        }))?;
    } else {
        let files: Vec<String> = manifest
            .files
            .iter()
            .map(|f| format!("{} ({} bytes)", f.name, f.bytes))
            .collect();
        ctx.output.status(format!(
            "Backed up {} to {}.",
            files.join(" and "),
            dest.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn restore(ctx: &mut Ctx, args: &DbRestoreArgs) -> Result<ExitCode> {
    sqlite_only(ctx, "restore")?;
    let manifest = backup::check(&args.dir)?;
    let when = crate::time::utc_datetime(manifest.created_at);
    if args.check {
        if ctx.output.json {
            ctx.output.json(&manifest)?;
        } else {
            ctx.output.status(format!(
                "{} is a sound backup from {when} (billctl {}).",
                args.dir.display(),
                manifest.billctl_version
            ));
        }
        return Ok(ExitCode::SUCCESS);
    }
    let dir = ctx.data_dir()?;
    if !ctx.output.confirm(
        &format!(
            "Replace billctl.db and webhooks.db in {} with the backup from {when}? (the current state is kept in a pre-restore backup)",
            dir.display()
        ),
        ctx.global.yes,
    )? {
        return super::declined(ctx, "nothing was restored");
    }
    let mut events = EventStore::open(&dir)?;
    let store = ctx.store()?;
    // Staged files are migrated, and the restored store is opened again, inside `restore`.
    let restored = backup::restore(store, &mut events, &args.dir, &dir, now())?;
    if ctx.output.json {
        ctx.output.json(&restored)?;
    } else {
        ctx.output.status(format!(
            "Restored the backup from {when}; the state before is in {}.",
            restored.previous.display()
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn migrate(ctx: &mut Ctx) -> Result<ExitCode> {
    let view = match ctx.database_url()? {
        Some(url) => {
            let mut client = url.connect()?;
            let version = crate::store::pg::migrate(&mut client)
                .with_context(|| format!("failed to migrate {}", url.shown()))?;
            serde_json::json!({"backend": "postgres", "url": url.shown(), "schema_version": version})
        }
        None => {
            let dir = ctx.data_dir()?;
            let events = EventStore::open(&dir)?;
            let store = ctx.store()?;
            serde_json::json!({
                "backend": "sqlite",
                "path": store.path().display().to_string(),
                "schema_version": store.schema_version()?,
                "webhooks_schema_version": events.schema_version()?,
            })
        }
    };
    if ctx.output.json {
        ctx.output.json(&view)?;
    } else {
        let place = view["url"].as_str().or(view["path"].as_str()).unwrap_or("");
        ctx.output.status(format!(
            "{} store at {place}: schema version {}.",
            view["backend"].as_str().unwrap_or(""),
            view["schema_version"]
        ));
    }
    Ok(ExitCode::SUCCESS)
}

fn copy(ctx: &mut Ctx, args: &DbCopyArgs) -> Result<ExitCode> {
    use crate::store::pg::PgUrl;
    let dir = ctx.data_dir()?;
    let parse = |flag: &str, u: &str| {
        PgUrl::parse(u, false).map_err(|e| anyhow::anyhow!("invalid {flag}: the URL {e}"))
    };
    let bar = ctx.output.spinner("Copying");
    let progress = |table: &str| bar.set_message(format!("Copying {table}"));
    let copied = match (&args.to, &args.from) {
        (Some(to), None) => {
            crate::store::copy::sqlite_to_postgres(&dir, &parse("--to", to)?, &progress)?
        }
        (None, Some(from)) => {
            crate::store::copy::postgres_to_sqlite(&parse("--from", from)?, &dir, &progress)?
        }
        _ => unreachable!("clap requires exactly one of --to and --from"),
    };
    bar.finish_and_clear();
    if ctx.output.json {
        ctx.output.json(&copied)?;
    } else {
        ctx.output.status(format!(
            "Copied {} rows in {} tables from {} to {}; counts and sums match.",
            copied.rows,
            copied.tables.len(),
            copied.from,
            copied.to
        ));
    }
    Ok(ExitCode::SUCCESS)
}

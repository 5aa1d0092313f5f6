//! `billctl completions SHELL` and `billctl completions --man DIR`: need no store, keyring
//! or Stripe, and no config (`--man` reads one if it loads, to find the data dir it must not
//! write into).

use crate::cli::{Cli, CompletionsArgs};
use crate::context::Ctx;
use anyhow::{Context, Result};
use clap::CommandFactory;
use std::process::ExitCode;

/// The completion script for `shell`, as checked in under `completions/`.
pub fn script(shell: clap_complete::Shell) -> String {
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "billctl", &mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// A man page (roff, section 1) for the command and one for every subcommand, each named
/// after its path (`billctl-keys-issue.1`), in command-tree order.
pub fn man_pages() -> Result<Vec<(String, String)>> {
    fn walk(cmd: &clap::Command, name: &str, out: &mut Vec<(String, String)>) -> Result<()> {
        let cmd = cmd
            .clone()
            .name(name.to_string())
            .bin_name(name.replace('-', " "));
        let mut buf = Vec::new();
        clap_mangen::Man::new(cmd.clone())
            .render(&mut buf)
            .with_context(|| format!("failed to render the man page of {name}"))?;
        out.push((
            format!("{name}.1"),
            String::from_utf8_lossy(&buf).into_owned(),
        ));
        for sub in cmd
            .get_subcommands()
            .filter(|s| !s.is_hide_set() && s.get_name() != "help")
        {
            walk(sub, &format!("{name}-{}", sub.get_name()), out)?;
        }
        Ok(())
    }
    let mut cmd = Cli::command();
    cmd.build();
    let mut out = Vec::new();
    walk(&cmd, "billctl", &mut out)?;
    Ok(out)
}

pub fn run(ctx: &mut Ctx, args: &CompletionsArgs) -> Result<ExitCode> {
    if let Some(dir) = &args.man {
        ctx.refuse_store_path("--man", dir)?;
        let pages = man_pages()?;
        crate::output::create_private_dir(dir)
            .with_context(|| format!("--man {}: failed to create the directory", dir.display()))?;
        for (name, text) in &pages {
            let path = dir.join(name);
            super::write_private(ctx, "--man", &path, text)
                .with_context(|| format!("--man: failed to write {}", path.display()))?;
        }
        ctx.output.status(format!(
            "Wrote {} to {}.",
            crate::util::plural::count(pages.len(), "man page", "man pages"),
            dir.display()
        ));
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(shell) = args.shell {
        ctx.output.data(&script(shell))?;
    }
    Ok(ExitCode::SUCCESS)
}

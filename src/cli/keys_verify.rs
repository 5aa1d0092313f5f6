//! The `keys verify` fast path: parses that one command without building the whole grammar.

use super::keys::KeysCommand;
use super::keys::KeysVerifyArgs;
use super::Cli;
use super::Command;
use super::Global;
use clap::Args;

/// Parses `billctl keys verify [FLAGS]` with a grammar of just that path, or returns `None`
/// for anything else (including `--help` and every error), which the caller then parses with
/// the whole tree.
///
/// `keys verify` runs once per API call in some deployments. Building clap's full command tree
/// and propagating the global flags through it costs more instructions than the verification
/// itself; this grammar is a strict subset of the full one (same argument definitions, same
/// global flags and environment variables), so whatever it accepts means the same there.
pub fn parse_keys_verify(args: &[std::ffi::OsString]) -> Option<Cli> {
    use clap::FromArgMatches as _;
    if args.get(1..3)? != ["keys", "verify"] {
        return None;
    }
    // The global flags sit on `verify` itself, not global: propagating global flags through
    // the levels is most of clap's cost, and here they can only come after `verify`.
    let verify = Global::augment_args(KeysVerifyArgs::augment_args(clap::Command::new("verify")))
        .mut_args(|a| a.global(false));
    let keys = clap::Command::new("keys")
        .subcommand_required(true)
        .subcommand(verify);
    let matches = clap::Command::new("billctl")
        .subcommand_required(true)
        .subcommand(keys)
        .try_get_matches_from(args)
        .ok()?;
    let (_, keys) = matches.subcommand().filter(|(n, _)| *n == "keys")?;
    let (_, verify) = keys.subcommand().filter(|(n, _)| *n == "verify")?;
    Some(Cli {
        global: Global::from_arg_matches(verify).ok()?,
        command: Some(Command::Keys(KeysCommand::Verify(
            KeysVerifyArgs::from_arg_matches(verify).ok()?,
        ))),
    })
}

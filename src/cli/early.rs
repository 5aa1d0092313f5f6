//! What the binary knows before it parses its arguments: whether the command is one of the
//! long-running services (`serve`, `webhooks listen`), which hold SIGHUP from their first
//! step (a `systemctl reload` right after `start` must not end them); and the variables of
//! options that are set but empty, which count as unset.

use std::ffi::OsString;

/// The global options that take a value (`--config PATH`), so that their value is not taken
/// for the command's name.
const GLOBAL_VALUES: [&str; 4] = ["--config", "--data-dir", "--profile", "--color"];

/// `serve` or `listen` when `args` (with the program's name first) run that service, from the
/// command words alone; `None` for every other command, and when in doubt.
pub fn service_of(args: &[OsString]) -> Option<&'static str> {
    let mut words = Vec::with_capacity(2);
    let mut rest = args.iter().skip(1);
    while let Some(a) = rest.next() {
        let a = a.to_str()?;
        if GLOBAL_VALUES.contains(&a) {
            rest.next();
        } else if !a.starts_with('-') {
            words.push(a);
            if words.len() == 2 {
                break;
            }
        }
    }
    match words.as_slice() {
        ["serve", ..] => Some("serve"),
        ["webhooks", "listen"] => Some("listen"),
        _ => None,
    }
}

/// The variables that give an option its value through clap (`env = ...` in `src/cli`).
pub const OPTION_VARS: [&str; 3] = ["BILLCTL_CONFIG", "BILLCTL_DATA_DIR", "BILLCTL_PROFILE"];

/// Removes each of [`OPTION_VARS`] that is set but empty: an empty variable counts as unset,
/// as the README says of every variable (and as `config::load_default` reads
/// `BILLCTL_CONFIG=`), where clap would refuse it with "a value is required for '--config'",
/// naming no variable. Call it first thing in `main`, before any thread exists: removing a
/// variable is sound only then. Returns the variables it removed, for `main` to say so (an
/// env file's `BILLCTL_DATA_DIR=` would otherwise move a service to another store silently).
pub fn empty_option_vars_are_unset() -> Vec<&'static str> {
    let mut unset = Vec::new();
    for name in OPTION_VARS {
        if std::env::var_os(name).is_some_and(|v| v.is_empty()) {
            std::env::remove_var(name);
            unset.push(name);
        }
    }
    unset
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variable an option of the grammar reads is in [`OPTION_VARS`] (a new `env = ...`
    /// without a row fails here), and every row is one of them.
    #[test]
    fn option_vars_are_every_variable_of_the_grammar() {
        fn walk(c: &clap::Command, out: &mut std::collections::BTreeSet<String>) {
            for a in c.get_arguments() {
                if let Some(v) = a.get_env() {
                    out.insert(v.to_string_lossy().into_owned());
                }
            }
            for sub in c.get_subcommands() {
                walk(sub, out);
            }
        }
        let mut found = std::collections::BTreeSet::new();
        walk(&crate::cli::grammar(), &mut found);
        let listed: std::collections::BTreeSet<String> =
            OPTION_VARS.iter().map(|v| v.to_string()).collect();
        assert_eq!(found, listed);
    }

    #[test]
    fn services_are_known_from_their_words() {
        let of = |line: &str| {
            let args: Vec<OsString> = line.split(' ').map(OsString::from).collect();
            service_of(&args)
        };
        assert_eq!(of("billctl serve"), Some("serve"));
        assert_eq!(
            of("billctl --data-dir serve serve --listen x"),
            Some("serve")
        );
        assert_eq!(
            of("billctl -v --json webhooks listen --bind x"),
            Some("listen")
        );
        assert_eq!(
            of("billctl --config=c.toml webhooks listen"),
            Some("listen")
        );
        assert_eq!(of("billctl --data-dir serve keys list"), None);
        assert_eq!(of("billctl webhooks list"), None);
        assert_eq!(of("billctl customers create --name serve"), None);
        assert_eq!(of("billctl"), None);
    }
}

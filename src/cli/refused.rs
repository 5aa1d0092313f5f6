//! How a command line clap refuses is told: its error rendered without clap's styling and
//! made safe for a terminal, since it quotes the refused argument (`--grace $'1\e]52;c;…\a'`).

use super::Cli;
use clap::{CommandFactory, FromArgMatches};
use std::ffi::OsString;

/// The whole grammar, as the binary parses with it. An environment variable clap shows in
/// `--help` (`[env: BILLCTL_DATA_DIR=…]`) whose value holds a character a terminal obeys has
/// its value hidden there (`[env: BILLCTL_DATA_DIR]`): help is printed as clap styles it, so
/// the value cannot be escaped in place.
pub fn grammar() -> clap::Command {
    let mut command = Cli::command();
    let ids: Vec<(String, String)> = command
        .get_arguments()
        .filter_map(|a| {
            let var = a.get_env()?.to_str()?.to_string();
            Some((a.get_id().to_string(), var))
        })
        .collect();
    for (id, var) in ids {
        let unsafe_value = std::env::var_os(&var)
            .is_some_and(|v| v.to_string_lossy().chars().any(crate::output::unsafe_char));
        if unsafe_value {
            command = command.mut_arg(id, |a| a.hide_env_values(true));
        }
    }
    command
}

/// The text of `error`, which clap gave for `args`: the same error rendered again by a grammar
/// without styles (so every escape sequence in it came from the arguments), with each argument
/// echoed in it escaped whole ([`crate::output::clean`]: its newlines too) and every other
/// unsafe character escaped as any message on a terminal is ([`crate::output::terminal_safe`]).
pub fn refusal_text(error: &clap::Error, args: &[OsString]) -> String {
    let mut plain = grammar().styles(clap::builder::Styles::plain());
    let again = match plain.try_get_matches_from_mut(args) {
        Err(e) => Some(e),
        Ok(m) => Cli::from_arg_matches(&m)
            .err()
            .map(|e| e.format(&mut plain)),
    };
    // Parsing is a pure function of the arguments and the environment: the same error again.
    // Were it not, the first error is told, its styling stripped.
    let mut text = match again {
        Some(e) => e.render().ansi().to_string(),
        None => error.render().to_string(),
    };
    for arg in args.iter().skip(1).filter_map(|a| a.to_str()) {
        let value = arg.split_once('=').map_or(arg, |(_, v)| v);
        for echoed in [arg, value] {
            if echoed.chars().any(crate::output::unsafe_char) {
                text = text.replace(echoed, &crate::output::clean(echoed));
            }
        }
    }
    crate::output::terminal_safe(&text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_value_is_shown_escaped() {
        let args: Vec<OsString> = [
            "billctl",
            "keys",
            "rotate",
            "k",
            "--grace",
            "1\u{1b}]52;c;SGk=\u{7}\u{9b}\u{202e}\nx",
        ]
        .into_iter()
        .map(OsString::from)
        .collect();
        let error = Cli::command().try_get_matches_from(&args).unwrap_err();
        let text = refusal_text(&error, &args);
        assert!(
            !text
                .chars()
                .any(|c| c != '\n' && crate::output::unsafe_char(c)),
            "{text}"
        );
        assert!(
            text.contains("1\\u{1b}]52;c;SGk=\\u{7}\\u{9b}\\u{202e}\\u{a}x"),
            "{text}"
        );
        assert!(text.contains("--grace"), "{text}");
    }
}

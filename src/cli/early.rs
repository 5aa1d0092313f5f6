//! What the binary knows before it parses its arguments: whether the command is one of the
//! long-running services (`serve`, `webhooks listen`), which hold SIGHUP from their first
//! step (a `systemctl reload` right after `start` must not end them).

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

#[cfg(test)]
mod tests {
    use super::*;

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

//! The Stripe mode (`test` or `live`): of the Stripe key in use, of the API keys a store
//! holds, of an API key's prefix. A domain value, parsed where text comes in.

use std::fmt;

/// The Stripe mode: of the key in use, of the keys a store holds, of an API key's prefix.
/// Parsed from text once, where it comes in (a key's prefix, a stored row); compared as a value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    Test,
    Live,
}

impl Mode {
    /// `test` or `live`: as in the key prefixes, the store and the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Test => "test",
            Mode::Live => "live",
        }
    }

    /// The mode a stored text names (`test`/`live`); `None` for anything else.
    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "test" => Some(Mode::Test),
            "live" => Some(Mode::Live),
            _ => None,
        }
    }
}

impl fmt::Display for Mode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Mode {
    type Err = String;
    fn from_str(s: &str) -> Result<Mode, String> {
        Mode::parse(s).ok_or_else(|| format!("unknown mode '{s}' (expected test or live)"))
    }
}

//! Config errors located in their file (line, column and dotted key), and the source text
//! they are located in.

use super::raw::Num;
use std::fmt;

/// A configuration mistake, located in its file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct ConfigError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    /// Dotted key path, such as `tiers.pro.price.amount`; empty when unknown.
    pub key: String,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}:{}: ", self.file, self.line, self.column)?;
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

/// The config's text and its file name: what an error needs to name the line (not to be
/// confused with `context::Ctx`, what commands ask for).
pub(super) struct SourceText<'a> {
    pub(super) file: &'a str,
    pub(super) src: &'a str,
}

impl SourceText<'_> {
    pub(super) fn err(
        &self,
        span: std::ops::Range<usize>,
        key: impl Into<String>,
        message: impl Into<String>,
    ) -> ConfigError {
        let before = &self.src[..span.start.min(self.src.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
        ConfigError {
            file: self.file.to_string(),
            line,
            column,
            key: key.into(),
            message: message.into(),
        }
    }
}

impl SourceText<'_> {
    /// The whole number at `key`, from `min` to `max`; else an error naming the key, its
    /// line and the range, with `note` after the range (what the number counts) and what was
    /// written instead: too small, too large, past any integer, a fraction or a word alike.
    pub(super) fn whole(
        &self,
        raw: &toml::Spanned<Num>,
        key: impl Into<String>,
        (min, max): (i64, i64),
        note: &str,
    ) -> Result<i64, ConfigError> {
        match raw.get_ref() {
            Num::Whole(n) if (i128::from(min)..=i128::from(max)).contains(n) => Ok(*n as i64),
            given => Err(self.err(
                raw.span(),
                key,
                format!(
                    "must be a whole number from {min} to {max}{note}, not {}",
                    given.shown()
                ),
            )),
        }
    }
}

impl Num {
    /// What was written, for an error: the number, or the word quoted.
    pub(super) fn shown(&self) -> String {
        match self {
            Num::Whole(n) => n.to_string(),
            Num::Word(w) => format!("{w:?}"),
            Num::Other(o) => o.clone(),
        }
    }
}

/// A deserializing error with the dotted key path serde_path_to_error tracked.
pub(super) fn path_error(
    cx: &SourceText,
    e: serde_path_to_error::Error<toml::de::Error>,
) -> ConfigError {
    // toml's `Spanned` wraps each value in a private key: leave those out of the path.
    let path: Vec<String> = e
        .path()
        .iter()
        .filter_map(|seg| match seg {
            serde_path_to_error::Segment::Map { key } if key.starts_with("$__serde_spanned") => {
                None
            }
            serde_path_to_error::Segment::Seq { index } => Some(index.to_string()),
            other => Some(other.to_string()),
        })
        .filter(|k| !k.is_empty() && k != "?")
        .collect();
    let path = path.join(".");
    let e = e.into_inner();
    let message = e.message().trim().to_string();
    cx.err(e.span().unwrap_or(0..0), key_of(&path, &message), message)
}

/// The dotted key a parse error is about: the path serde was at, plus the field a
/// `missing field `x`` error names (the path then stops at its table).
fn key_of(path: &str, message: &str) -> String {
    let missing = message
        .strip_prefix("missing field `")
        .and_then(|rest| rest.split('`').next());
    match (path.is_empty(), missing) {
        (false, Some(f)) => format!("{path}.{f}"),
        (true, Some(f)) => f.to_string(),
        (_, None) => path.to_string(),
    }
}

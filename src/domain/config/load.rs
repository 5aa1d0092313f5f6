//! Finding and reading the config: `--config`/`BILLCTL_CONFIG`, the XDG file, or the
//! built-in catalog; a bounded regular file of UTF-8.

use super::{parse, Config, ConfigSource};
use std::path::{Path, PathBuf};

/// The default catalog (Pro, Team, Enterprise), used when no config file is found.
pub const DEFAULT_CONFIG: &str = include_str!("../../../config/billctl.toml");
pub(super) const DEFAULT_CONFIG_NAME: &str = "<built-in config/billctl.toml>";

/// Where the config comes from: `--config`/`BILLCTL_CONFIG` (already merged by clap), else the
/// XDG config file if present, else the built-in default.
pub fn locate(explicit: Option<&Path>) -> Option<PathBuf> {
    if let Some(p) = explicit {
        return Some(p.to_path_buf());
    }
    let base = std::env::var_os("XDG_CONFIG_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))?;
    let candidate = base.join("billctl").join("billctl.toml");
    candidate.is_file().then_some(candidate)
}

/// The config billctl itself reads, for a program that embeds it (the [`crate::ops::verifier::Verifier`]):
/// `BILLCTL_CONFIG`, else `$XDG_CONFIG_HOME/billctl/billctl.toml` if present, else the built-in
/// catalog.
pub fn load_default() -> anyhow::Result<Config> {
    let explicit = std::env::var_os("BILLCTL_CONFIG")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from);
    load(locate(explicit.as_deref()).as_deref())
}

/// Reads and validates the config at `path`, or the built-in default when `None`.
pub fn load(path: Option<&Path>) -> anyhow::Result<Config> {
    match path {
        Some(p) => {
            let text = read_config(p)?;
            Ok(Config {
                source: ConfigSource::File(p.to_path_buf()),
                ..parse(&text, &p.display().to_string())?
            })
        }
        None => Ok(Config {
            source: ConfigSource::BuiltIn,
            ..parse(DEFAULT_CONFIG, DEFAULT_CONFIG_NAME)?
        }),
    }
}

/// The largest config file billctl reads: a catalog of a few tiers is a few KiB.
pub const MAX_CONFIG_BYTES: u64 = 1 << 20;
/// The most tiers a config may declare.
pub const MAX_TIERS: usize = 100;
/// The most prices (a tier's price, extra prices and overage) a config may declare.
pub const MAX_PRICES: usize = 1_000;

/// The text of config file `p`: a regular file (a FIFO would block, a device never end) of at
/// most [`MAX_CONFIG_BYTES`], in UTF-8 (an invalid byte is named by its line).
fn read_config(p: &Path) -> anyhow::Result<String> {
    use std::io::Read;
    let shown = p.display();
    let meta = std::fs::metadata(p)
        .map_err(|e| anyhow::anyhow!("failed to read config file {shown}: {e}"))?;
    if !meta.is_file() {
        anyhow::bail!("config file {shown} is not a regular file: give the path of a TOML file");
    }
    if meta.len() > MAX_CONFIG_BYTES {
        anyhow::bail!(
            "config file {shown} is {}: a config is at most {MAX_CONFIG_BYTES} bytes",
            crate::util::plural::count(meta.len(), "byte", "bytes")
        );
    }
    let mut bytes = Vec::new();
    std::fs::File::open(p)
        .and_then(|f| f.take(MAX_CONFIG_BYTES + 1).read_to_end(&mut bytes))
        .map_err(|e| anyhow::anyhow!("failed to read config file {shown}: {e}"))?;
    if bytes.len() as u64 > MAX_CONFIG_BYTES {
        anyhow::bail!(
            "config file {shown} is over {MAX_CONFIG_BYTES} bytes: a config is at most that"
        );
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let bytes = e.as_bytes();
        let line = bytes[..good].iter().filter(|b| **b == b'\n').count() + 1;
        let column = good
            - bytes[..good]
                .iter()
                .rposition(|b| *b == b'\n')
                .map_or(0, |i| i + 1)
            + 1;
        anyhow::anyhow!(
            "{shown}:{line}:{column}: the config is not valid UTF-8 (byte 0x{:02x})",
            bytes[good]
        )
    })
}

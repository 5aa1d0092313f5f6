//! Validating the raw config into [`Config`]: the syntax and schema first (with the key path
//! of a mistake), then each section in file order of importance.

use super::error::{path_error, ConfigError, SourceText};
use super::raw::RawConfig;
use super::{access, stripe, tiers, usage, Config};
use serde::Deserialize;

/// Parses and validates config text; `file` names it in errors and is the config's source
/// ([`super::load`] marks the built-in catalog as such).
pub fn parse(src: &str, file: &str) -> Result<Config, ConfigError> {
    let cx = SourceText { file, src };
    let raw = match deserialize(&cx) {
        Err(e) if e.message.ends_with("number overflowed") => return past_any_number(src, file, e),
        raw => raw?,
    };
    let prefix = tiers::product_id_prefix(&cx, raw.product_id_prefix.as_ref())?;
    let stripe = stripe::stripe_settings(&cx, raw.stripe)?;
    let checkout = stripe::checkout(&cx, raw.checkout)?;
    let meter = match raw.meter {
        None => None,
        Some(m) => Some(usage::meter(&cx, m)?),
    };
    let usage = usage::usage_settings(&cx, raw.usage)?;
    let access = access::access_policy(&cx, raw.access)?;
    let keys = access::key_settings(&cx, raw.keys)?;
    let store_url = stripe::store_url(&cx, raw.store)?;
    let portal = stripe::portal(&cx, raw.portal)?;
    let tiers = tiers::tiers(&cx, raw.tiers, &prefix, meter.is_some())?;
    Ok(Config {
        source: super::ConfigSource::File(file.into()),
        data_dir: raw.data_dir,
        store_url,
        stripe,
        checkout,
        tiers,
        meter,
        usage,
        access,
        keys,
        portal,
        webhook_secret_file: raw.webhooks.as_ref().is_some_and(|w| w.secret_file),
        webhook_url: stripe::webhook_url(&cx, raw.webhooks.as_ref())?,
        expect_delivery_within_secs: stripe::expect_delivery_within(&cx, raw.webhooks.as_ref())?,
    })
}

/// Stands in for a number past any TOML number (`1e309`, which toml refuses before the key's
/// own check can name its range).
const PAST_ANY: &str = "170141183460469231731687303715884105727";

/// A number past what TOML holds (`1e309` overflows f64) fails in toml itself, with no range.
/// The config is checked again with a whole number past every range in its place, so the key's
/// own check names its range (and a key that is not a number says what it wants); the error
/// then shows the number as written. Should that config pass, toml's error stands; should it
/// fail on another mistake, that one is said.
fn past_any_number(src: &str, file: &str, overflow: ConfigError) -> Result<Config, ConfigError> {
    let at = line_offset(src, overflow.line) + overflow.column - 1;
    let Some(written) = src.get(at..).map(|rest| {
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '+' | '-' | '_')))
            .unwrap_or(rest.len());
        &rest[..end]
    }) else {
        return Err(overflow);
    };
    if written.is_empty() || written.contains(PAST_ANY) {
        return Err(overflow);
    }
    let patched = format!("{}{PAST_ANY}{}", &src[..at], &src[at + written.len()..]);
    match parse(&patched, file) {
        Ok(_) => Err(overflow),
        Err(mut e) => {
            // The key's own check, about this number: shown as written. Another mistake (or
            // another overflow's, placed elsewhere) goes up as it is.
            if (e.line, e.column) == (overflow.line, overflow.column) {
                e.message = e
                    .message
                    .replace(
                        &format!("integer `{PAST_ANY}` as i128"),
                        &format!("number `{written}`"),
                    )
                    .replace(PAST_ANY, written);
            }
            Err(e)
        }
    }
}

/// The byte offset where 1-based `line` starts.
fn line_offset(src: &str, line: usize) -> usize {
    src.split_inclusive('\n').take(line - 1).map(str::len).sum()
}

/// The raw config, or the mistake with its line and key path.
fn deserialize(cx: &SourceText) -> Result<RawConfig, ConfigError> {
    let syntax = |e: toml::de::Error| {
        let message = e.message().trim().to_string();
        cx.err(e.span().unwrap_or(0..0), "", message)
    };
    let de = toml::Deserializer::parse(cx.src).map_err(syntax)?;
    // The plain parse first: every `keys verify` reads the config, and tracking the key path
    // costs on every value. Only a config that fails is parsed again, with serde_path_to_error,
    // which knows the key path where deserializing failed.
    match RawConfig::deserialize(de) {
        Ok(raw) => Ok(raw),
        Err(_) => {
            let de = toml::Deserializer::parse(cx.src).map_err(syntax)?;
            serde_path_to_error::deserialize::<_, RawConfig>(de).map_err(|e| path_error(cx, e))
        }
    }
}

//! The one redaction of API keys and service tokens in text that leaves billctl: `serve`'s
//! paths, error answers and log lines, and `usage import`'s rejected lines.

use super::{PREFIX, TOKEN_PREFIX};
use std::borrow::Cow;

/// What stands in for a secret.
pub const REDACTED: &str = "[redacted]";

/// `text` with everything shaped like an API key or a service token redacted: each run of
/// letters, digits and `_` that opens with `bk_` or `bks_` (and has more after it) keeps its
/// public part, the prefix, the mode and the 8-character id when it has them
/// (`bk_test_4fRq8ZtL_`), and the rest becomes `[redacted]`. Text without one is returned as
/// it was.
///
/// A secret written with percent-escapes (`bk%5Ftest%5F...`, once or twice) is redacted too:
/// each run of letters, digits, `_` and `%` whose decoding holds one becomes that decoding,
/// redacted, with anything but letters, digits and `_` shown as `?` (so JSON stays JSON).
pub fn redact(text: &str) -> Cow<'_, str> {
    let plain = redact_plain(text);
    if !plain.contains('%') {
        return plain;
    }
    match redact_escaped(&plain) {
        Some(escaped) => Cow::Owned(escaped),
        None => plain,
    }
}

/// [`redact`] of the runs whose percent-escapes hide a secret, or `None` when none does.
fn redact_escaped(text: &str) -> Option<String> {
    let in_run = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'%';
    let bytes = text.as_bytes();
    let (mut out, mut copied, mut i, mut found) = (String::new(), 0, 0, false);
    while i < bytes.len() {
        if !in_run(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && in_run(bytes[i]) {
            i += 1;
        }
        let run = &text[start..i];
        if !run.contains('%') {
            continue;
        }
        let Some(decoded) = decoded_secret(run) else {
            continue;
        };
        let shown: String = redact_plain(&decoded)
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || "_[]".contains(c) {
                    c
                } else {
                    '?'
                }
            })
            .collect();
        out.push_str(&text[copied..start]);
        out.push_str(&shown);
        copied = i;
        found = true;
    }
    found.then(|| out + &text[copied..])
}

/// `run` decoded up to three times, once the decoding holds a key or token.
fn decoded_secret(run: &str) -> Option<String> {
    let mut at = run.to_string();
    for _ in 0..3 {
        if !at.contains('%') {
            return None;
        }
        at = percent_decoded(&at);
        if holds_secret(&at) {
            return Some(at);
        }
    }
    None
}

/// [`redact`] of literal secrets only.
fn redact_plain(text: &str) -> Cow<'_, str> {
    if !may_hold_prefix(text) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let (mut i, mut copied) = (0, 0);
    while i < text.len() {
        let rest = &text[i..];
        let prefix = [TOKEN_PREFIX, PREFIX]
            .into_iter()
            .find(|p| starts_like(rest, p));
        let run = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
            .count();
        match prefix {
            Some(p) if run > p.len() => {
                out.push_str(&text[copied..i]);
                out.push_str(public_part(&rest[..run], p));
                out.push_str(REDACTED);
                i += run;
                copied = i;
            }
            _ => i += rest.chars().next().map_or(1, char::len_utf8),
        }
    }
    if copied == 0 {
        return Cow::Borrowed(text);
    }
    out.push_str(&text[copied..]);
    Cow::Owned(out)
}

/// Whether `text` opens with `prefix` as a person may mistype it: in any case, and with `-`
/// for `_` (`BKS-...` carries the same secret as `bks_...`).
fn starts_like(text: &str, prefix: &str) -> bool {
    text.len() >= prefix.len()
        && text
            .bytes()
            .zip(prefix.bytes())
            .all(|(t, p)| t.to_ascii_lowercase() == p || (t == b'-' && p == b'_'))
}

/// A cheap first look: whether `text` has `bk_`, `bk-` or `bks` in any case anywhere.
fn may_hold_prefix(text: &str) -> bool {
    text.as_bytes().windows(3).any(|w| {
        w[0].eq_ignore_ascii_case(&b'b')
            && w[1].eq_ignore_ascii_case(&b'k')
            && matches!(w[2], b'_' | b'-' | b's' | b'S')
    })
}

/// Whether `text` holds anything [`redact`] would hide.
pub fn holds_secret(text: &str) -> bool {
    matches!(redact_plain(text), Cow::Owned(_))
}

/// A request path as it may be logged or repeated: control characters as `?`, and
/// [`redact`]ed; when its percent-escapes decoded hold a key or token (`bk%5Ftest%5F...`), the
/// decoded path, redacted, so that an escape cannot carry a secret past the redaction.
pub fn redact_path(path: &str) -> String {
    // Decoded up to three times: a key escaped twice (`%2562k_...`) is a key too.
    let mut decoded = None;
    let mut at = path.to_string();
    for _ in 0..3 {
        if !at.contains('%') {
            break;
        }
        at = percent_decoded(&at);
        if holds_secret(&at) {
            decoded = Some(at.clone());
            break;
        }
    }
    let text = match &decoded {
        Some(d) => d.as_str(),
        None => path,
    };
    let shown: String = text
        .chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect();
    redact(&shown).into_owned()
}

/// The public part of a key- or token-shaped run: the prefix, then for a key its mode, then
/// the id when 8 letters or digits follow and end at `_`.
fn public_part<'a>(run: &'a str, prefix: &str) -> &'a str {
    let mut end = prefix.len();
    if !run.starts_with(prefix) {
        // A mistyped prefix: nothing after it is taken for a mode or an id.
        return &run[..end];
    }
    if prefix == PREFIX {
        match ["test_", "live_"]
            .into_iter()
            .find(|m| run[end..].starts_with(m))
        {
            Some(m) => end += m.len(),
            None => return &run[..end],
        }
    }
    let id = &run[end..];
    let id_len = super::ID_LEN;
    if id.len() > id_len
        && id.as_bytes()[id_len] == b'_'
        && id[..id_len].bytes().all(|b| b.is_ascii_alphanumeric())
    {
        end += id_len + 1;
    }
    &run[..end]
}

/// `%XX` escapes decoded (invalid ones kept as they are), as UTF-8, lossily.
fn percent_decoded(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A key or token whose prefix is mistyped (case, `-` for `_`) still carries its secret:
    /// redacted too, keeping only the prefix as written.
    #[test]
    fn mistyped_prefixes_are_redacted_too() {
        let (_, token) = crate::domain::keys::generate_token().unwrap();
        let (_, key) = crate::domain::keys::generate(crate::domain::mode::Mode::Test).unwrap();
        for shown in [
            token.replacen("bks_", "BKS_", 1),
            token.replacen("bks_", "bks-", 1),
            token.replace('_', "-"),
            key.replacen("bk_", "BK_", 1),
            key.replace('_', "-"),
        ] {
            let text = format!("no route for /{shown}/x");
            let out = redact(&text);
            let secret = &shown[shown.len() - 20..];
            assert!(!out.contains(secret), "{out}");
            assert!(out.ends_with("[redacted]/x"), "{out}");
        }
        // Words that only look alike in part are left alone.
        assert!(matches!(
            redact("a bk tree, bks alone, BK"),
            Cow::Borrowed(_)
        ));
    }

    /// A key percent-escaped in text (an error that repeats a body's field) is redacted as a
    /// literal one is, once or twice escaped, and the text around it (JSON) is kept.
    #[test]
    fn escaped_keys_in_text_are_redacted_and_json_stays_json() {
        let (id, key) = crate::domain::keys::generate(crate::domain::mode::Mode::Test).unwrap();
        let once = key.replace('_', "%5F");
        let twice = key.replace('_', "%255F");
        let every = key.bytes().map(|b| format!("%{b:02X}")).collect::<String>();
        for escaped in [once, twice, every] {
            let doc = serde_json::json!({"error": format!("unknown tier \"{escaped}\"; 100%")});
            let text = doc.to_string();
            let shown = redact(&text);
            assert!(!shown.contains(&escaped), "{shown}");
            assert!(
                shown.contains(&format!("bk_test_{id}_[redacted]")),
                "{shown}"
            );
            let back: serde_json::Value = serde_json::from_str(&shown).unwrap();
            assert!(back["error"].as_str().unwrap().ends_with("; 100%"));
        }
        // Escapes that hide no secret are left as they were.
        assert!(matches!(redact("50%25 of bk_ and %41"), Cow::Borrowed(_)));
    }

    #[test]
    fn keys_and_tokens_keep_only_their_public_part() {
        let (id, key) = crate::domain::keys::generate(crate::domain::mode::Mode::Test).unwrap();
        let (tid, token) = crate::domain::keys::generate_token().unwrap();
        let text = format!("no key {key} here; token={token}.");
        assert_eq!(
            redact(&text),
            format!("no key bk_test_{id}_[redacted] here; token=bks_{tid}_[redacted].")
        );
        // Broken or partial shapes are redacted whole past their prefix.
        assert_eq!(
            redact("/v1/keys/bk_zz_secret/x"),
            "/v1/keys/bk_[redacted]/x"
        );
        assert_eq!(redact("bk_live_short"), "bk_live_[redacted]");
        // Text without one, or with the bare prefix, is left alone.
        assert!(matches!(
            redact("keys start with bk_ and é"),
            Cow::Borrowed(_)
        ));
        assert!(!holds_secret("cus_123 bk_"));
        assert!(holds_secret("xbk_test_1"));
        // Percent-escapes do not hide one from a path; control characters are not repeated.
        let escaped = key.replace('_', "%5F");
        let shown = redact_path(&format!("/v1/keys/{escaped}/revoke%0A"));
        assert_eq!(shown, format!("/v1/keys/bk_test_{id}_[redacted]/revoke?"));
        assert_eq!(redact_path("/a%zz%4"), "/a%zz%4");
        // Escapes that hide nothing are kept as they came.
        assert_eq!(
            redact_path("/v1/customers/cus%20x"),
            "/v1/customers/cus%20x"
        );
    }
}

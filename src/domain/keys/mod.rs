//! API keys: format, generation, checksum, hashing and the verification rules. Pure apart
//! from reading the OS CSPRNG; storage lives in `store::keys`, the embeddable checker in
//! `ops::verifier`.
//!
//! Format: `bk_<mode>_<id>_<secret><checksum>`, for example
//! `bk_test_4fRq8ZtL_Xk2...J9vQw1a`:
//! - `mode`: `test` or `live`, the mode of the Stripe key the store was set up with;
//! - `id`: 8 base62 characters, public: logs and support name a key by it;
//! - `secret`: 28 base62 characters (166 bits) from the OS CSPRNG;
//! - `checksum`: 6 base62 characters of CRC32 over everything before it, so secret scanners
//!   and typos are caught offline, before any store access.
//!
//! The store keeps only the SHA-256 of the whole key; hashes are compared in constant time.

mod redact;
mod token;

pub use redact::{holds_secret, redact, redact_path, REDACTED};

pub use token::{
    generate_token, parse_token, scopes_of, scopes_text, Scope, TOKEN_LEN, TOKEN_PREFIX,
};

use crate::domain::mode::Mode;
use rand::TryRng;
use serde::Serialize;
use sha2::{Digest, Sha256};

pub const PREFIX: &str = "bk_";
pub const ID_LEN: usize = 8;
pub const SECRET_LEN: usize = 28;
pub const CHECKSUM_LEN: usize = 6;
const BASE62: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
/// `bk_test_` + id + `_` + secret + checksum.
pub const KEY_LEN: usize = PREFIX.len() + 5 + ID_LEN + 1 + SECRET_LEN + CHECKSUM_LEN;

/// The verification outcome codes, as `keys verify` prints them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Code {
    Valid,
    Malformed,
    NotFound,
    Revoked,
    Expired,
    NoActiveSubscription,
    /// The subscription's status does not grant access (`incomplete`, `unpaid`, `canceled`,
    /// `past_due` after the grace...); the reason names it.
    PaymentRequired,
    QuotaExceeded,
    RateLimited,
    /// The store could not be read or written: the call is refused (never let through).
    StoreUnavailable,
}

impl Code {
    pub fn as_str(self) -> &'static str {
        match self {
            Code::Valid => "VALID",
            Code::Malformed => "MALFORMED",
            Code::NotFound => "NOT_FOUND",
            Code::Revoked => "REVOKED",
            Code::Expired => "EXPIRED",
            Code::NoActiveSubscription => "NO_ACTIVE_SUBSCRIPTION",
            Code::PaymentRequired => "PAYMENT_REQUIRED",
            Code::QuotaExceeded => "QUOTA_EXCEEDED",
            Code::RateLimited => "RATE_LIMITED",
            Code::StoreUnavailable => "STORE_UNAVAILABLE",
        }
    }

    /// Every code, in declaration order (metrics list them all, zero or not).
    pub const ALL: [Code; 10] = [
        Code::Valid,
        Code::Malformed,
        Code::NotFound,
        Code::Revoked,
        Code::Expired,
        Code::NoActiveSubscription,
        Code::PaymentRequired,
        Code::QuotaExceeded,
        Code::RateLimited,
        Code::StoreUnavailable,
    ];

    /// The HTTP status an API should answer its caller with for this verdict: 200 for a valid
    /// key, 401 for a key that is not (or no longer) good, 402 when the subscription does not
    /// pay for access, 429 over a limit, 503 when the store cannot say.
    pub fn http_status(self) -> u16 {
        match self {
            Code::Valid => 200,
            Code::Malformed | Code::NotFound | Code::Revoked | Code::Expired => 401,
            Code::NoActiveSubscription | Code::PaymentRequired => 402,
            Code::QuotaExceeded | Code::RateLimited => 429,
            Code::StoreUnavailable => 503,
        }
    }
}

/// Refuses a full API key where a key id is expected, without echoing it: the key would
/// otherwise land in an error message, a log or a terminal's scrollback.
pub fn not_a_full_key(what: &str, value: &str) -> Result<(), String> {
    if value.starts_with("bk_") {
        let id = parse(value).map_or("its 8-character id", |p| p.id);
        return Err(format!(
            "{what} takes a key id, and this is a whole API key (not repeated here): use {id} instead, and treat the key as exposed if it was typed where others can see it"
        ));
    }
    Ok(())
}

/// A key that passed the offline checks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Parsed<'a> {
    /// The mode its prefix names (`bk_test_`, `bk_live_`).
    pub mode: Mode,
    pub id: &'a str,
}

pub(crate) fn is_base62(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// CRC32 (IEEE) of `body` as 6 base62 digits.
pub fn checksum(body: &str) -> String {
    let mut n = crc32fast::hash(body.as_bytes()) as u64;
    let mut out = [b'0'; CHECKSUM_LEN];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Checks shape and checksum without touching any store.
pub fn parse(key: &str) -> Option<Parsed<'_>> {
    if key.len() != KEY_LEN || !key.is_ascii() {
        return None;
    }
    let rest = key.strip_prefix(PREFIX)?;
    let (mode, rest) = if let Some(r) = rest.strip_prefix("test_") {
        (Mode::Test, r)
    } else {
        (Mode::Live, rest.strip_prefix("live_")?)
    };
    let (id, rest) = rest.split_at(ID_LEN);
    let tail = rest.strip_prefix('_')?;
    if !is_base62(id) || !is_base62(tail) {
        return None;
    }
    let (body, sum) = key.split_at(KEY_LEN - CHECKSUM_LEN);
    (checksum(body) == sum).then_some(Parsed { mode, id })
}

/// `n` base62 characters from the OS CSPRNG (rejection sampling: no modulo bias).
pub(crate) fn random_base62(n: usize) -> Result<String, String> {
    let mut out = String::with_capacity(n);
    let mut buf = [0u8; 64];
    while out.len() < n {
        rand::rngs::SysRng
            .try_fill_bytes(&mut buf)
            .map_err(|e| format!("the OS random number generator failed: {e}"))?;
        for b in buf {
            // 248 = 4 * 62: bytes at or above it would bias the low digits.
            if b < 248 && out.len() < n {
                out.push(BASE62[(b % 62) as usize] as char);
            }
        }
    }
    Ok(out)
}

/// A new key: (public id, full key). The full key must be shown once and then forgotten.
pub fn generate(mode: Mode) -> Result<(String, String), String> {
    let id = random_base62(ID_LEN)?;
    let secret = random_base62(SECRET_LEN)?;
    let body = format!("{PREFIX}{mode}_{id}_{secret}");
    let sum = checksum(&body);
    Ok((id, body + &sum))
}

/// SHA-256 of the whole key, the only form that is stored.
pub fn hash(key: &str) -> [u8; 32] {
    Sha256::digest(key.as_bytes()).into()
}

/// Compares two hashes in time independent of where they differ.
pub fn ct_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let diff = a.iter().zip(b).fold(0u8, |d, (x, y)| d | (x ^ y));
    std::hint::black_box(diff) == 0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn hashes_compare_in_constant_time() {
        let a = hash("a");
        assert!(ct_eq(&a, &hash("a")));
        assert!(!ct_eq(&a, &hash("b")));
        assert!(!ct_eq(&a, &a[..31]));
    }

    #[test]
    fn generated_keys_parse_and_carry_their_mode_and_id() {
        let (id, key) = generate(Mode::Test).unwrap();
        assert_eq!(key.len(), KEY_LEN);
        assert!(key.starts_with("bk_test_"));
        assert_eq!(
            parse(&key),
            Some(Parsed {
                mode: Mode::Test,
                id: &id
            })
        );
        let (_, live) = generate(Mode::Live).unwrap();
        assert_eq!(parse(&live).unwrap().mode, Mode::Live);
    }

    #[test]
    fn a_million_keys_do_not_collide_and_any_single_character_change_fails_the_checksum() {
        let mut seen = HashSet::with_capacity(1_000_000);
        let mut ids = HashSet::with_capacity(1_000_000);
        for i in 0..1_000_000u32 {
            let (id, key) = generate(if i % 2 == 0 { Mode::Live } else { Mode::Test }).unwrap();
            assert!(parse(&key).is_some());
            // One single-character change per key, at a position and to a character that vary.
            let mut bytes = key.clone().into_bytes();
            let pos = (i as usize * 7919) % KEY_LEN;
            let orig = bytes[pos];
            let mut repl = BASE62[(i as usize * 31) % 62];
            if repl == orig {
                repl = if orig == b'0' { b'1' } else { b'0' };
            }
            bytes[pos] = repl;
            let changed = String::from_utf8(bytes).unwrap();
            assert!(
                parse(&changed).is_none(),
                "changing position {pos} of a key went unnoticed"
            );
            assert!(seen.insert(hash(&key)), "key collision");
            ids.insert(id);
        }
        // 8 base62 characters are 47.6 bits: a collision in a million is ~0.2% likely; the
        // store refuses a duplicate id and issue retries with a new one.
        assert!(ids.len() >= 999_990);
    }

    #[test]
    fn every_single_character_change_of_some_keys_is_caught() {
        for _ in 0..200 {
            let (_, key) = generate(Mode::Test).unwrap();
            for pos in 0..KEY_LEN {
                for &c in BASE62.iter().chain(b"_-") {
                    if key.as_bytes()[pos] == c {
                        continue;
                    }
                    let mut b = key.clone().into_bytes();
                    b[pos] = c;
                    assert!(parse(&String::from_utf8(b).unwrap()).is_none());
                }
            }
        }
    }

    #[test]
    fn malformed_inputs_are_rejected() {
        let (_, key) = generate(Mode::Test).unwrap();
        for bad in [
            "",
            "bk_test_",
            &key[..KEY_LEN - 1],
            &format!("{key}x"),
            &key.replace("bk_test_", "bk_prod_"),
            &key.replacen('_', "-", 1),
            &format!(" {}", &key[1..]),
        ] {
            assert!(parse(bad).is_none(), "{bad:?}");
        }
    }
}

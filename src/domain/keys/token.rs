//! Service tokens: how callers of `billctl serve` authenticate (`Authorization: Bearer`).
//!
//! Format: `bks_<id>_<secret><checksum>`: the prefix `bks_` (billctl service) is the token's
//! own, so secret scanners can tell it from an API key (`bk_test_`/`bk_live_`); `id` is 8
//! base62 characters, public (lists and logs name a token by it); `secret` is 28 base62
//! characters from the OS CSPRNG; `checksum` is CRC32 over the rest as 6 base62 characters, so
//! a typo or a truncated token is refused before any lookup. The store keeps only the SHA-256 of
//! the whole token, compared in constant time.

use super::{checksum, is_base62, random_base62, CHECKSUM_LEN, ID_LEN, SECRET_LEN};
use serde::Serialize;

pub const TOKEN_PREFIX: &str = "bks_";
/// `bks_` + id + `_` + secret + checksum.
pub const TOKEN_LEN: usize = TOKEN_PREFIX.len() + ID_LEN + 1 + SECRET_LEN + CHECKSUM_LEN;

/// What a token may do on `serve`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// `POST /v1/keys/verify`.
    Verify,
    /// `POST /v1/usage/events`.
    Usage,
    /// `GET /v1/customers/{id}/usage` and `GET /metrics`.
    Read,
    /// The customer's side: `GET /v1/customers/{id}`, their keys, portal, checkout and plan.
    SelfService,
}

impl Scope {
    pub const ALL: [Scope; 4] = [Scope::Verify, Scope::Usage, Scope::Read, Scope::SelfService];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Verify => "verify",
            Scope::Usage => "usage",
            Scope::Read => "read",
            Scope::SelfService => "self-service",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// Scopes as stored: sorted, comma-separated.
pub fn scopes_text(scopes: &[Scope]) -> String {
    let mut s = scopes.to_vec();
    s.sort();
    s.dedup();
    s.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",")
}

/// Scopes from their stored text (unknown words are dropped: they grant nothing).
pub fn scopes_of(text: &str) -> Vec<Scope> {
    text.split(',').filter_map(Scope::parse).collect()
}

/// A new token: (public id, full token). The full token is shown once and then forgotten.
pub fn generate_token() -> Result<(String, String), String> {
    let id = random_base62(ID_LEN)?;
    let secret = random_base62(SECRET_LEN)?;
    let body = format!("{TOKEN_PREFIX}{id}_{secret}");
    let sum = checksum(&body);
    Ok((id, body + &sum))
}

/// The token's id, if it has the token's shape and checksum (no store access).
pub fn parse_token(token: &str) -> Option<&str> {
    if token.len() != TOKEN_LEN || !token.is_ascii() {
        return None;
    }
    let rest = token.strip_prefix(TOKEN_PREFIX)?;
    let (id, rest) = rest.split_at(ID_LEN);
    let tail = rest.strip_prefix('_')?;
    if !is_base62(id) || !is_base62(tail) {
        return None;
    }
    let (body, sum) = token.split_at(TOKEN_LEN - CHECKSUM_LEN);
    (checksum(body) == sum).then_some(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_parse_and_a_changed_character_is_caught() {
        let (id, t) = generate_token().unwrap();
        assert!(t.starts_with("bks_"));
        assert_eq!(parse_token(&t), Some(id.as_str()));
        for pos in 0..TOKEN_LEN {
            let mut b = t.clone().into_bytes();
            b[pos] = if b[pos] == b'A' { b'B' } else { b'A' };
            assert_eq!(parse_token(&String::from_utf8(b).unwrap()), None, "{pos}");
        }
        // An API key is not a token.
        let (_, key) = super::super::generate(crate::domain::mode::Mode::Test).unwrap();
        assert_eq!(parse_token(&key), None);
    }

    #[test]
    fn scopes_round_trip_sorted() {
        let text = scopes_text(&[Scope::Read, Scope::Verify, Scope::Read]);
        assert_eq!(text, "verify,read");
        assert_eq!(scopes_of(&text), vec![Scope::Verify, Scope::Read]);
        assert_eq!(scopes_of("verify,admin"), vec![Scope::Verify]);
    }
}

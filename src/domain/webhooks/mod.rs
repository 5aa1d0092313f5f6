//! Stripe webhooks: the `Stripe-Signature` scheme.
//!
//! `v1 = hex(HMAC-SHA256(key = the endpoint secret as UTF-8, including "whsec_",
//! message = "<t>." + raw body))`. A header carries `t=` once and any number of `v1=` (and
//! legacy `v0=`) values; a delivery is authentic when any `v1` matches under any of the
//! endpoint's current secrets (several during a rotation) and `t` is within the tolerance.
//! See <https://docs.stripe.com/webhooks#verify-manually>.

pub mod apply;
pub mod conflict;
pub mod event;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

/// Stripe's default tolerance between the signature's timestamp and now.
pub const DEFAULT_TOLERANCE_SECS: i64 = 300;

/// Why a delivery is not authentic.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("no Stripe-Signature header: the request is not signed")]
    NoHeader,
    #[error("malformed Stripe-Signature header: {0}")]
    Malformed(String),
    #[error("no v1 signature in the header (only the legacy v0 scheme or other schemes)")]
    NoV1,
    #[error("no v1 signature matches the body under any configured secret")]
    NoMatch,
    #[error("timestamp is {}, outside the {tolerance} s tolerance (a replay, or a clock off)", skew(*.age))]
    Stale { age: i64, tolerance: i64 },
}

/// How far a signed timestamp is from this clock, in words: `age` is now less the timestamp.
fn skew(age: i64) -> String {
    match age {
        a if a >= 0 => format!("{a} s old"),
        a => format!("{} s ahead of this clock", a.unsigned_abs()),
    }
}

/// A verified delivery: its signed timestamp and which secret matched (index into the list).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verified {
    pub timestamp: i64,
    pub secret_index: usize,
}

/// The `v1` signature of `body` at `t` under `secret`, as lower-case hex.
pub fn sign(secret: &str, t: i64, body: &[u8]) -> String {
    hex::encode(mac(secret, t, body).finalize().into_bytes())
}

/// A complete `Stripe-Signature` header value for `body` signed now-ish at `t`.
pub fn header(secret: &str, t: i64, body: &[u8]) -> String {
    format!("t={t},v1={}", sign(secret, t, body))
}

fn mac(secret: &str, t: i64, body: &[u8]) -> Hmac<Sha256> {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key");
    mac.update(t.to_string().as_bytes());
    mac.update(b".");
    mac.update(body);
    mac
}

/// A `v1` value as the 32 bytes of an HMAC-SHA256; `None` unless it is 64 hex digits (no
/// other value can match, so it is skipped without being compared).
fn unhex32(s: &str) -> Option<[u8; 32]> {
    let mut out = [0u8; 32];
    hex::decode_to_slice(s, &mut out).ok()?;
    Some(out)
}

/// Checks `header` against `body` under any of `secrets`, `now` within `tolerance` seconds.
/// Signatures are compared in constant time.
pub fn verify(
    header: &str,
    body: &[u8],
    secrets: &[String],
    now: i64,
    tolerance: i64,
) -> Result<Verified, SignatureError> {
    let (t, v1) = parse_header(header)?;
    let candidates: Vec<[u8; 32]> = v1.iter().filter_map(|s| unhex32(s)).collect();
    let matched = secrets.iter().position(|secret| {
        let m = mac(secret, t, body);
        candidates
            .iter()
            .any(|sig| m.clone().verify_slice(sig).is_ok())
    });
    let Some(secret_index) = matched else {
        return Err(SignatureError::NoMatch);
    };
    fresh(t, now, tolerance)?;
    Ok(Verified {
        timestamp: t,
        secret_index,
    })
}

/// What can be checked of `header` before the body comes: present, well-formed, with a `v1`
/// signature of the right shape, its timestamp within `tolerance` of `now`. A receiver reads
/// (and holds in memory) the body of a request that passes; no secret is needed for this, so
/// it is not proof of anything.
pub fn precheck(header: &str, now: i64, tolerance: i64) -> Result<(), SignatureError> {
    let (t, v1) = parse_header(header)?;
    if !v1.iter().any(|s| unhex32(s).is_some()) {
        return Err(SignatureError::NoMatch);
    }
    fresh(t, now, tolerance)
}

/// The header's timestamp and its `v1` values.
fn parse_header(header: &str) -> Result<(i64, Vec<&str>), SignatureError> {
    let header = header.trim();
    if header.is_empty() {
        return Err(SignatureError::NoHeader);
    }
    let mut t = None;
    let mut v1 = Vec::new();
    for part in header.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .ok_or_else(|| SignatureError::Malformed(format!("{part:?} is not key=value")))?;
        match k {
            "t" => {
                let ts = v
                    .parse::<i64>()
                    .ok()
                    .filter(|t| (crate::domain::time::MIN..=crate::domain::time::MAX).contains(t))
                    .ok_or_else(|| {
                        SignatureError::Malformed(format!(
                            "t={v:?} is not unix seconds between 1970 and 9999"
                        ))
                    })?;
                t = Some(ts);
            }
            "v1" => v1.push(v),
            _ => {} // v0 and future schemes are ignored, as Stripe's libraries do.
        }
    }
    let t = t.ok_or_else(|| SignatureError::Malformed("no t= timestamp".into()))?;
    if v1.is_empty() {
        return Err(SignatureError::NoV1);
    }
    Ok((t, v1))
}

/// Whether a signature made at `t` is within `tolerance` seconds of `now`.
fn fresh(t: i64, now: i64, tolerance: i64) -> Result<(), SignatureError> {
    // Both lie within 1970..9999, so this cannot overflow; checked all the same.
    let age = now.checked_sub(t).unwrap_or(i64::MAX);
    if age.checked_abs().is_none_or(|a| a > tolerance) {
        return Err(SignatureError::Stale { age, tolerance });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stale_timestamp_says_which_way_it_is_off() {
        let old = SignatureError::Stale {
            age: 1000,
            tolerance: 300,
        }
        .to_string();
        assert!(old.starts_with("timestamp is 1000 s old,"), "{old}");
        let ahead = SignatureError::Stale {
            age: -1000,
            tolerance: 300,
        }
        .to_string();
        assert!(
            ahead.starts_with("timestamp is 1000 s ahead of this clock,"),
            "{ahead}"
        );
        let far = SignatureError::Stale {
            age: i64::MIN,
            tolerance: 300,
        }
        .to_string();
        assert!(far.contains("9223372036854775808 s ahead"), "{far}");
    }
    use serde_json::Value;

    fn vectors() -> Value {
        serde_json::from_str(include_str!(
            "../../../tests/stripe-sim/testdata/webhook-signatures.json"
        ))
        .unwrap()
    }

    #[test]
    fn signatures_match_stripes_published_vectors() {
        let v = vectors();
        let body = v["payload"].as_str().unwrap().as_bytes();
        assert_eq!(body.len(), 125);
        for case in v["vectors"].as_array().unwrap() {
            let secret = case["secret"].as_str().unwrap();
            let t = case["t"].as_i64().unwrap();
            assert_eq!(sign(secret, t, body), case["v1"].as_str().unwrap());
            let ok = verify(&header(secret, t, body), body, &[secret.into()], t, 300).unwrap();
            assert_eq!(ok.timestamp, t);
        }
    }

    #[test]
    fn every_header_case_behaves_as_stripe_does() {
        let v = vectors();
        let body = v["payload"].as_str().unwrap().as_bytes();
        let current = "whsec_test_secret".to_string();
        let rolled = "whsec_test_secret_rolled_key".to_string();
        let right = sign(&current, 12345, body);
        let with_rolled = sign(&rolled, 12345, body);
        let secrets = [current.clone()];
        let at = |h: &str, now: i64, s: &[String]| verify(h, body, s, now, 300);
        assert_eq!(at("", 12345, &secrets), Err(SignatureError::NoHeader));
        assert!(matches!(
            at("v1,t=1", 12345, &secrets),
            Err(SignatureError::Malformed(_))
        ));
        assert!(matches!(
            at("t=", 12345, &secrets),
            Err(SignatureError::Malformed(_))
        ));
        assert_eq!(
            at(&format!("t=12345,v0={right}"), 12345, &secrets),
            Err(SignatureError::NoV1)
        );
        assert_eq!(
            at("t=12345,v1=bad_signature", 12345, &secrets),
            Err(SignatureError::NoMatch)
        );
        assert!(at(
            &format!("t=12345,v1={right},v1=bad_signature"),
            12345,
            &secrets
        )
        .is_ok());
        let both = format!("t=12345,v1={with_rolled},v1={right}");
        assert_eq!(
            at(&both, 12345, std::slice::from_ref(&rolled))
                .unwrap()
                .secret_index,
            0
        );
        assert_eq!(
            at(&both, 12345, std::slice::from_ref(&current))
                .unwrap()
                .secret_index,
            0
        );
        assert_eq!(
            at(
                &format!("t=12345,v1={with_rolled}"),
                12345,
                &[current.clone(), rolled.clone()]
            )
            .unwrap()
            .secret_index,
            1
        );
        let now = 1_800_000_000;
        let h = |t: i64| format!("t={t},v1={}", sign(&current, t, body));
        assert_eq!(
            at(&h(now - 301), now, &secrets),
            Err(SignatureError::Stale {
                age: 301,
                tolerance: 300
            })
        );
        assert!(at(&h(now - 299), now, &secrets).is_ok());
        // Timestamps outside 1970..9999 are malformed before any arithmetic (t = now - 2^63
        // once wrapped into a pass).
        for t in [
            i64::MIN,
            now.wrapping_sub(1 << 62).wrapping_sub(1 << 62),
            -1,
            253_402_300_800,
        ] {
            assert!(
                matches!(at(&h(t), now, &secrets), Err(SignatureError::Malformed(_))),
                "t={t}"
            );
        }
        // A changed body fails.
        let mut other = body.to_vec();
        other[10] ^= 1;
        assert_eq!(
            verify(&h(now), &other, &secrets, now, 300),
            Err(SignatureError::NoMatch)
        );
    }
}

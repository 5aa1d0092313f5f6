//! Idempotency keys for Stripe writes. A key *derived* from what a write is meant to achieve
//! makes a re-run of the same step (after a crash or a lost response) a repeat in Stripe's
//! eyes; a *random* key per invocation suits writes that may legitimately be repeated (a
//! second Checkout link). Either way the transport re-sends the same key on every retry.
//! See <https://docs.stripe.com/api/idempotent_requests>.

use rand::RngExt;
use sha2::{Digest, Sha256};

/// `billctl-` + 40 hex characters of SHA-256 over the parts.
pub fn derived(parts: &[&str]) -> String {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p.as_bytes());
        h.update([0u8]);
    }
    format!("billctl-{}", hex::encode(&h.finalize()[..20]))
}

/// `billctl-` + 40 random hex characters from the OS CSPRNG.
pub fn random() -> String {
    let mut bytes = [0u8; 20];
    rand::rng().fill(&mut bytes);
    format!("billctl-{}", hex::encode(bytes))
}

#[cfg(test)]
mod tests {
    #[test]
    fn derived_keys_are_stable_and_separate_their_parts() {
        assert_eq!(super::derived(&["a", "b"]), super::derived(&["a", "b"]));
        assert_ne!(super::derived(&["ab", ""]), super::derived(&["a", "b"]));
        assert_eq!(super::derived(&["x"]).len(), 48);
        assert_ne!(super::random(), super::random());
    }
}

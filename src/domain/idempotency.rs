//! Idempotency keys for Stripe writes. A key *derived* from what a write is meant to achieve
//! makes a re-run of the same step (after a crash or a lost response) a repeat in Stripe's
//! eyes; a *random* key per invocation suits writes that may legitimately be repeated (a
//! second Checkout link). Either way the transport re-sends the same key on every retry.
//! See <https://docs.stripe.com/api/idempotent_requests>.
//!
//! The rule for a derived key (issue 39): its parts are what the write is (kind, object, the
//! requested result) **and** what makes it distinct from an earlier write with the same
//! parameters: the state it changes from, as read from Stripe just before, and the write
//! journal's sequence for the object (`stripe_writes`, advanced with every change billctl
//! applies and records). So A -> B -> A -> B within Stripe's 24 hours gives four keys, while a
//! retry after a crash or a lost answer (same state, nothing recorded yet) reuses its key and
//! is answered with Stripe's stored reply. Build such keys with [`change`]. After every write
//! the caller checks that Stripe's answer carries the requested result (`ops::writes`): a
//! replayed reply of an earlier request is an error, and nothing is mirrored.

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

/// The key of a state change: `kind` of `object` from the state `from` (as read from Stripe)
/// to `to`, the `seq`-th change billctl recorded for the object. See the module's rule.
pub fn change(kind: &str, object: &str, from: &str, to: &str, seq: i64) -> String {
    derived(&[kind, object, from, to, &seq.to_string()])
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

    /// A -> B -> A -> B: the state changed from alternates, and the sequence advances, so
    /// the four keys differ; a retry (same state, same sequence) is the same key.
    #[test]
    fn a_change_repeated_later_is_a_new_key_and_a_retry_is_not() {
        let steps = [("A", "B", 0), ("B", "A", 1), ("A", "B", 2), ("B", "A", 3)];
        let keys: Vec<String> = steps
            .iter()
            .map(|(f, t, n)| super::change("price", "sub_1", f, t, *n))
            .collect();
        let unique: std::collections::HashSet<&String> = keys.iter().collect();
        assert_eq!(unique.len(), 4, "{keys:?}");
        assert_eq!(keys[0], super::change("price", "sub_1", "A", "B", 0));
    }
}

//! The verifier's answer: [`Verification`], its quota and rate views, and cache counters.

use super::Code;
use serde::Serialize;

/// Calls answered from the cache alone (hits) and calls that read the store (misses).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
}

/// Quota for the current billing period.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuotaView {
    pub used: i64,
    /// `None`: unlimited.
    pub limit: Option<u64>,
    pub remaining: Option<u64>,
    pub period_start: i64,
    pub period_end: i64,
}

/// Rate limit of the key, per minute.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RateView {
    pub limit: u32,
    pub remaining: u32,
}

/// The answer for one presented key: valid when its `code` is [`Code::Valid`]
/// ([`Verification::is_valid`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Verification {
    pub code: Code,
    /// Why, for codes that need it (mode mismatch, tier outside the catalog...).
    pub reason: Option<String>,
    pub key_id: Option<String>,
    pub customer: Option<String>,
    pub tier: Option<String>,
    pub quota: Option<QuotaView>,
    pub rate_limit: Option<RateView>,
    /// Seconds until a call may pass again: for `RATE_LIMITED`, until the rate window lets one
    /// through; for `QUOTA_EXCEEDED`, until the billing period ends (absent when waiting does
    /// not help, as for a quantity over the bound).
    pub retry_after: Option<u64>,
}

/// The answer's JSON: `valid` (derived from the code, so the two cannot disagree), then the
/// fields, the customer as `customer_id`, `retry_after` only when set.
impl Serialize for Verification {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Wire<'a> {
            valid: bool,
            code: Code,
            reason: &'a Option<String>,
            key_id: &'a Option<String>,
            customer_id: &'a Option<String>,
            tier: &'a Option<String>,
            quota: &'a Option<QuotaView>,
            rate_limit: &'a Option<RateView>,
            #[serde(skip_serializing_if = "Option::is_none")]
            retry_after: Option<u64>,
        }
        Wire {
            valid: self.is_valid(),
            code: self.code,
            reason: &self.reason,
            key_id: &self.key_id,
            customer_id: &self.customer,
            tier: &self.tier,
            quota: &self.quota,
            rate_limit: &self.rate_limit,
            retry_after: self.retry_after,
        }
        .serialize(s)
    }
}

impl Verification {
    /// Whether the call may go ahead: the code is [`Code::Valid`].
    pub fn is_valid(&self) -> bool {
        self.code == Code::Valid
    }

    /// The answer for a key that fails the offline format or checksum check.
    pub fn malformed() -> Verification {
        Verification::fail(Code::Malformed)
    }

    /// The answer when the store could not be read or written: the call is refused, never
    /// let through, and `reason` says why.
    pub fn store_unavailable(reason: String) -> Verification {
        let mut v = Verification::fail(Code::StoreUnavailable);
        v.reason = Some(reason);
        v
    }

    pub(super) fn fail(code: Code) -> Verification {
        Verification {
            code,
            reason: None,
            key_id: None,
            customer: None,
            tier: None,
            quota: None,
            rate_limit: None,
            retry_after: None,
        }
    }
}

/// Whole seconds from `now` to `at`, at least 1.
pub(super) fn until(now: i64, at: i64) -> Option<u64> {
    Some(u64::try_from(at.saturating_sub(now)).unwrap_or(0).max(1))
}

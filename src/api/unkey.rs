//! `POST /v2/keys.verifyKey`: Unkey's verification request and envelope, so services written
//! against Unkey's SDKs move to billctl by changing the server URL and the root key.
//!
//! - The request is Unkey's: `key`, `credits.cost` (the quantity to record: Unkey charges 1
//!   credit when it is left out, and 0 checks without recording), `tags` (accepted, not kept).
//!   `permissions`, `keyspaces`, `ratelimits` and `migrationId` ask for what billctl does not
//!   have, so a request with one is refused with 400 naming it, never answered as if checked.
//! - The answer is Unkey's envelope (`meta.requestId`, `data.valid`, `data.code`,
//!   `data.keyId`, `data.credits`, `data.enabled`, `data.identity`, `data.ratelimits`), with
//!   billctl's own code in `data.billctlCode` and in `data.meta.billctlCode` (which Unkey's
//!   SDKs keep), the tier and the reason in `data.meta`.

use crate::domain::keys::Code;

use crate::ops::verifier::Verification;
use serde::Deserialize;
use serde_json::{json, Value};

/// The body of `POST /v2/keys.verifyKey`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
pub struct Request {
    pub key: String,
    #[serde(default)]
    pub credits: Option<Credits>,
    #[serde(default)]
    pub tags: Option<Vec<String>>,
    #[serde(default)]
    pub permissions: Option<Value>,
    #[serde(default)]
    pub keyspaces: Option<Value>,
    #[serde(default)]
    pub ratelimits: Option<Value>,
    #[serde(default)]
    pub migration_id: Option<Value>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credits {
    pub cost: i64,
}

impl Request {
    /// The quantity to record (`None`: check only), or why the request cannot be answered.
    pub fn quantity(&self) -> Result<Option<i64>, String> {
        let unsupported = [
            ("permissions", self.permissions.is_some()),
            ("keyspaces", self.keyspaces.is_some()),
            ("ratelimits", self.ratelimits.is_some()),
            ("migrationId", self.migration_id.is_some()),
        ];
        if let Some((field, _)) = unsupported.iter().find(|(_, given)| *given) {
            return Err(format!("{field}: billctl keys have no {field}; the tier's quota and rate limit are applied to every verification (see the README's migration guide)"));
        }
        if self.tags.as_ref().is_some_and(|t| t.len() > 64) {
            return Err("tags: at most 64".into());
        }
        match self.credits.as_ref().map(|c| c.cost) {
            None => Ok(Some(1)),
            Some(0) => Ok(None),
            Some(c) if c > 0 => Ok(Some(c)),
            Some(_) => Err("credits.cost: must be 0 (check only) or more".into()),
        }
    }
}

/// Unkey's code for a billctl code (the README's migration table). `STORE_UNAVAILABLE` has
/// none: it is answered 503, never as a verdict.
pub fn code(c: Code) -> &'static str {
    match c {
        Code::Valid => "VALID",
        Code::Malformed | Code::NotFound => "NOT_FOUND",
        Code::Revoked => "DISABLED",
        Code::Expired => "EXPIRED",
        Code::NoActiveSubscription | Code::PaymentRequired => "FORBIDDEN",
        Code::QuotaExceeded => "USAGE_EXCEEDED",
        Code::RateLimited => "RATE_LIMITED",
        Code::StoreUnavailable => "STORE_UNAVAILABLE",
    }
}

/// The verdict in Unkey's envelope.
pub fn answer(v: &Verification, request_id: &str) -> Value {
    let mut data = json!({
        "valid": v.is_valid(),
        "code": code(v.code),
        "billctlCode": v.code.as_str(),
        "enabled": v.code != Code::Revoked,
        "meta": {
            "billctlCode": v.code.as_str(),
            "tier": v.tier,
            "reason": v.reason,
            "retryAfter": v.retry_after,
        },
    });
    // Unkey sends keyId "except when code=NOT_FOUND": an unknown or forged key names no key.
    if let Some(id) = v.key_id.as_ref().filter(|_| code(v.code) != "NOT_FOUND") {
        data["keyId"] = json!(id);
    }
    if let Some(c) = &v.customer {
        data["identity"] = json!({ "id": c, "externalId": c });
    }
    if let Some(remaining) = v.quota.as_ref().and_then(|q| q.remaining) {
        data["credits"] = json!(remaining);
    }
    if let Some(r) = &v.rate_limit {
        let limited = v.code == Code::RateLimited;
        let reset_ms = if limited {
            v.retry_after.unwrap_or(1).saturating_mul(1000)
        } else {
            60_000 / u64::from(r.limit.max(1))
        };
        data["ratelimits"] = json!([{
            "exceeded": limited,
            "id": "rl_tier",
            "name": "tier",
            "limit": r.limit,
            "duration": 60_000,
            "reset": reset_ms,
            "remaining": r.remaining,
            "autoApply": true,
        }]);
    }
    json!({ "meta": { "requestId": request_id }, "data": data })
}

/// An error in Unkey's envelope (`error.title`, `detail`, `status`, `type`). A 400 also carries
/// `error.errors[]` (`location`, `message`), as Unkey's does: its SDKs require it, and without it
/// raise a validation error instead of their typed bad-request error.
pub fn error(status: u16, title: &str, code: &str, detail: &str, request_id: &str) -> Value {
    let mut error = json!({
        "title": title,
        "detail": detail,
        "status": status,
        "type": format!("urn:billctl:error:{code}"),
    });
    if status == 400 {
        error["errors"] = json!([{ "location": location(detail), "message": detail }]);
    }
    json!({ "meta": { "requestId": request_id }, "error": error })
}

/// Where in the request a 400's message points, as Unkey writes it: `body.<field>` for a
/// message that opens with the field's path (`credits.cost: ...`, `tags[3]: ...`), else `body`.
fn location(detail: &str) -> String {
    let field = |p: &str| {
        !p.is_empty()
            && p.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'[' | b']' | b'_'))
    };
    match detail.split_once(": ") {
        Some((path, _)) if field(path) => format!("body.{path}"),
        _ => "body".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(body: &str) -> Request {
        serde_json::from_str(body).unwrap()
    }

    #[test]
    fn credits_are_the_quantity_and_unsupported_fields_are_refused() {
        assert_eq!(req(r#"{"key":"k"}"#).quantity(), Ok(Some(1)));
        assert_eq!(
            req(r#"{"key":"k","credits":{"cost":5}}"#).quantity(),
            Ok(Some(5))
        );
        assert_eq!(
            req(r#"{"key":"k","credits":{"cost":0}}"#).quantity(),
            Ok(None)
        );
        assert!(req(r#"{"key":"k","credits":{"cost":-1}}"#)
            .quantity()
            .is_err());
        let e = req(r#"{"key":"k","permissions":"a.b"}"#)
            .quantity()
            .unwrap_err();
        assert!(e.starts_with("permissions:"), "{e}");
        assert!(req(r#"{"key":"k","tags":["a=b"]}"#).quantity().is_ok());
    }

    #[test]
    fn a_400_points_at_the_field() {
        let e = error(
            400,
            "Bad Request",
            "BAD_REQUEST",
            "credits.cost: must be 0",
            "req_1",
        );
        assert_eq!(
            e["error"]["errors"],
            json!([{"location": "body.credits.cost", "message": "credits.cost: must be 0"}])
        );
        let e = error(
            400,
            "Bad Request",
            "BAD_REQUEST",
            "malformed JSON body: x",
            "req_1",
        );
        assert_eq!(e["error"]["errors"][0]["location"], "body");
        assert!(
            error(401, "Unauthorized", "TOKEN_UNKNOWN", "no", "r")["error"]
                .get("errors")
                .is_none()
        );
    }

    #[test]
    fn every_code_maps_to_one_of_unkeys() {
        let unkey = [
            "VALID",
            "NOT_FOUND",
            "FORBIDDEN",
            "INSUFFICIENT_PERMISSIONS",
            "USAGE_EXCEEDED",
            "RATE_LIMITED",
            "DISABLED",
            "EXPIRED",
        ];
        for c in Code::ALL {
            if c != Code::StoreUnavailable {
                assert!(unkey.contains(&code(c)), "{c:?}");
            }
        }
        assert_eq!(code(Code::QuotaExceeded), "USAGE_EXCEEDED");
        assert_eq!(code(Code::RateLimited), "RATE_LIMITED");
    }
}

//! `POST /v1/keys/verify` and Unkey's `POST /v2/keys.verifyKey`: the body parsed, the verdict
//! from [`crate::ops::serve::Verifiers`], and its answer (every verdict is 200 but
//! `STORE_UNAVAILABLE`, which is 503: it never fails open).

use super::error::{ErrorCode as E, Fail, Outcome};
use super::serve::{
    parse_body, parse_json, retry_soon, store_down, with_detail, Answer, Service, STORE_DOWN,
};
use super::unkey;
use crate::adapters::server::{self, Response};
use crate::domain::keys::Code;
use crate::ops::verifier::Verification;
use hyper::StatusCode;
use serde::{Deserialize, Serialize};

/// The largest body of a verify request: a key is 51 bytes, so a larger body is not one, and
/// is refused before any key in it is hashed.
pub const MAX_VERIFY_BODY: usize = 8 * 1024;

/// The body of `POST /v1/keys/verify`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyBody {
    key: String,
    /// A quantity to record with the call (at least 1); absent: a plain verify.
    #[serde(default)]
    record: Option<i64>,
}

impl Service {
    /// `POST /v2/keys.verifyKey` (see [`unkey`]): a verdict in Unkey's envelope; `credits.cost`
    /// is recorded as `record` is on `/v1/keys/verify`.
    pub(super) async fn unkey_verify(&self, body: &[u8], request_id: &str) -> Answer {
        if body.len() > MAX_VERIFY_BODY {
            return Err(Fail::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                E::BodyTooLarge,
                format!("a verify body is at most {MAX_VERIFY_BODY} bytes"),
            ));
        }
        let parsed =
            parse_json::<unkey::Request>(body).and_then(|r| r.quantity().map(|q| (r.key, q)));
        let (key, quantity) =
            parsed.map_err(|m| Fail::new(StatusCode::BAD_REQUEST, E::BadRequest, m))?;
        let v = match quantity {
            Some(q) => self.verifiers.recorded(key, q).await,
            None => self.verifiers.plain(key).await,
        };
        self.metrics.verdict(v.code);
        if v.code == Code::StoreUnavailable {
            return Err(store_down(v.reason.clone().unwrap_or_default()));
        }
        let id = format!("req_{request_id}");
        let mut r = server::json(StatusCode::OK, &unkey::answer(&v, &id));
        r.extensions_mut().insert(Outcome(v.code.as_str()));
        Ok(r)
    }
}

impl Service {
    pub(super) async fn verify(&self, body: &[u8]) -> Answer {
        if body.len() > MAX_VERIFY_BODY {
            return Err(Fail::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                E::BodyTooLarge,
                format!(
                    "a verify body is at most {MAX_VERIFY_BODY} bytes (a key is {})",
                    crate::domain::keys::KEY_LEN
                ),
            ));
        }
        // The fast parse; only a body it refuses is parsed again to name the field.
        let req: VerifyBody = match serde_json::from_slice(body) {
            Ok(r) => r,
            Err(_) => parse_body(body)?,
        };
        let v = match req.record {
            Some(q) if q < 1 => {
                return Err(Fail::new(StatusCode::BAD_REQUEST, E::InvalidField, "record: must be a whole number of at least 1 (the quantity to record); leave it out for a plain verify"));
            }
            Some(q) => self.verifiers.recorded(req.key, q).await,
            None => self.verifiers.plain(req.key).await,
        };
        self.metrics.verdict(v.code);
        Ok(verdict_answer(&v))
    }
}

/// A verdict as the route answers it: what `keys verify --json` prints (the verdict's own
/// JSON), then the status the API should answer.
#[derive(Serialize)]
struct VerdictBody<'a> {
    #[serde(flatten)]
    verdict: std::borrow::Cow<'a, Verification>,
    status: u16,
}

/// HTTP 200 with the verdict, or 503 when the store could not say (the store's own words go
/// to the log, never to the caller).
fn verdict_answer(v: &Verification) -> Response {
    let verdict = match v.code {
        Code::StoreUnavailable => std::borrow::Cow::Owned(Verification {
            reason: Some(STORE_DOWN.to_string()),
            ..v.clone()
        }),
        _ => std::borrow::Cow::Borrowed(v),
    };
    let body = VerdictBody {
        verdict,
        status: v.code.http_status(),
    };
    let mut r = server::json(StatusCode::OK, &body);
    r.extensions_mut().insert(Outcome(v.code.as_str()));
    if v.code == Code::StoreUnavailable {
        *r.status_mut() = StatusCode::SERVICE_UNAVAILABLE;
        retry_soon(&mut r);
        return with_detail(r, v.reason.clone().unwrap_or_default());
    }
    r
}

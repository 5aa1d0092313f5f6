//! `serve`'s one error type: a status, a code ([`ErrorCode`]), a message and what some answers
//! carry besides (`Retry-After`, `WWW-Authenticate`, `Allow`, extra fields, the log's detail),
//! written in one place per dialect: billctl's `{"error", "code"}`, Unkey's envelope, and RFC
//! 9457 problem details (OpenMeter's). Its code is the access log's outcome.

use super::routes::Dialect;
use crate::adapters::server::{self, Response};
use crate::ops::serve::tokens::Refusal;
use hyper::header::{HeaderValue, ALLOW, RETRY_AFTER, WWW_AUTHENTICATE};
use hyper::StatusCode;
use serde_json::{json, Map, Value};

/// Declares [`ErrorCode`] with its words and [`ErrorCode::ALL`], from one list: a code cannot
/// be added without its word, nor left out of `ALL`.
macro_rules! codes {
    ($($variant:ident = $word:literal,)*) => {
        /// Every error code serve answers with.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum ErrorCode {
            $($variant,)*
        }

        impl ErrorCode {
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant,)*];

            /// Its word in answers and in the log.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(ErrorCode::$variant => $word,)*
                }
            }
        }
    };
}

codes! {
    TokenMissing = "TOKEN_MISSING",
    TokenMalformed = "TOKEN_MALFORMED",
    TokenUnknown = "TOKEN_UNKNOWN",
    TokenRevoked = "TOKEN_REVOKED",
    TokenScope = "TOKEN_SCOPE",
    BadJson = "BAD_JSON",
    InvalidField = "INVALID_FIELD",
    BadRequest = "BAD_REQUEST",
    BadBody = "BAD_BODY",
    BodyTooLarge = "BODY_TOO_LARGE",
    BodyTimeout = "BODY_TIMEOUT",
    TooManyEvents = "TOO_MANY_EVENTS",
    InvalidEvents = "INVALID_EVENTS",
    UnsupportedMediaType = "UNSUPPORTED_MEDIA_TYPE",
    StoreUnavailable = "STORE_UNAVAILABLE",
    StripeUnavailable = "STRIPE_UNAVAILABLE",
    StripeError = "STRIPE_ERROR",
    StripeUnreachable = "STRIPE_UNREACHABLE",
    StripeTimeout = "STRIPE_TIMEOUT",
    StripeNotApplied = "STRIPE_NOT_APPLIED",
    NotLive = "NOT_LIVE",
    CustomerNotFound = "CUSTOMER_NOT_FOUND",
    KeyNotFound = "KEY_NOT_FOUND",
    KeyLimit = "KEY_LIMIT",
    KeyNotRotatable = "KEY_NOT_ROTATABLE",
    HasSubscription = "HAS_SUBSCRIPTION",
    NoSubscription = "NO_SUBSCRIPTION",
    UnknownTier = "UNKNOWN_TIER",
    BadQuantity = "BAD_QUANTITY",
    BadCustomerId = "BAD_CUSTOMER_ID",
    BadKeyId = "BAD_KEY_ID",
    NotFound = "NOT_FOUND",
    MethodNotAllowed = "METHOD_NOT_ALLOWED",
    Busy = "BUSY",
    RequestTimeout = "REQUEST_TIMEOUT",
}

/// A refused token's code and status: 403 for a token without the route's scope, else 401.
pub fn refusal(r: Refusal) -> (StatusCode, ErrorCode) {
    match r {
        Refusal::Missing => (StatusCode::UNAUTHORIZED, ErrorCode::TokenMissing),
        Refusal::Malformed => (StatusCode::UNAUTHORIZED, ErrorCode::TokenMalformed),
        Refusal::Unknown => (StatusCode::UNAUTHORIZED, ErrorCode::TokenUnknown),
        Refusal::Revoked => (StatusCode::UNAUTHORIZED, ErrorCode::TokenRevoked),
        Refusal::Scope => (StatusCode::FORBIDDEN, ErrorCode::TokenScope),
    }
}

impl ErrorCode {
    /// The code of a word (the server core's answers name theirs as words).
    pub fn of(word: &str) -> Option<ErrorCode> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == word)
    }
}

/// What a request came to, for the access log: a verdict or an error code.
#[derive(Debug, Clone, Copy)]
pub(super) struct Outcome(pub &'static str);

/// An error answer, before it is written in a route's dialect ([`Fail::render`]).
#[derive(Debug, Clone)]
pub struct Fail {
    pub status: StatusCode,
    pub code: ErrorCode,
    pub message: String,
    /// Fields the answer carries besides (billctl's and problem details' bodies; Unkey's
    /// envelope has no room for them): `rejects`, Stripe's error.
    pub extra: Vec<(&'static str, Value)>,
    /// `Retry-After`, in seconds.
    pub retry_after: Option<u32>,
    /// `WWW-Authenticate: Bearer` (a 401).
    pub challenge: bool,
    /// `Allow` (a 405): the methods the path takes.
    pub allow: Vec<&'static str>,
    /// What went wrong behind it, for the access log only ([`server::Detail`]).
    pub detail: Option<String>,
}

impl Fail {
    pub fn new(status: StatusCode, code: ErrorCode, message: impl Into<String>) -> Fail {
        Fail {
            status,
            code,
            message: message.into(),
            extra: Vec::new(),
            retry_after: None,
            challenge: false,
            allow: Vec::new(),
            detail: None,
        }
    }

    /// A 400 `BAD_JSON`.
    pub fn bad_json(message: impl Into<String>) -> Fail {
        Fail::new(StatusCode::BAD_REQUEST, ErrorCode::BadJson, message)
    }

    pub fn retry_after(self, secs: u32) -> Fail {
        Fail {
            retry_after: Some(secs),
            ..self
        }
    }

    /// With `detail` for the log (never the caller).
    pub fn detail(self, detail: impl Into<String>) -> Fail {
        Fail {
            detail: Some(detail.into()),
            ..self
        }
    }

    /// With a field besides the error's own.
    pub fn with(mut self, name: &'static str, value: Value) -> Fail {
        self.extra.push((name, value));
        self
    }

    /// Written in `dialect`, for the request `request_id`; its code as the log's outcome.
    pub fn render(self, dialect: Dialect, request_id: &str) -> Response {
        let title = self.status.canonical_reason().unwrap_or("Error");
        let code = self.code.as_str();
        let mut r = match dialect {
            Dialect::Billctl => {
                let mut doc = Map::new();
                doc.insert("error".into(), json!(self.message));
                doc.insert("code".into(), json!(code));
                doc.extend(self.extra.into_iter().map(|(k, v)| (k.to_string(), v)));
                server::json(self.status, &Value::Object(doc))
            }
            Dialect::Unkey => {
                // The request id as Unkey's envelope carries it, with Unkey's prefix.
                let id = format!("req_{request_id}");
                let doc =
                    super::unkey::error(self.status.as_u16(), title, code, &self.message, &id);
                server::json(self.status, &doc)
            }
            Dialect::Problem => {
                let mut doc = json!({
                    "type": format!("urn:billctl:error:{code}"),
                    "title": title,
                    "status": self.status.as_u16(),
                    "detail": self.message,
                    "instance": format!("urn:billctl:request:{request_id}"),
                    "code": code,
                });
                if let Value::Object(o) = &mut doc {
                    o.extend(self.extra.into_iter().map(|(k, v)| (k.to_string(), v)));
                }
                server::body(
                    self.status,
                    "application/problem+json",
                    crate::util::text::json_text(&doc, false).unwrap_or_default(),
                )
            }
        };
        let headers = r.headers_mut();
        if let Some(s) = self.retry_after {
            headers.insert(RETRY_AFTER, HeaderValue::from(s));
        }
        if self.challenge {
            let v = HeaderValue::from_static("Bearer realm=\"billctl\"");
            headers.insert(WWW_AUTHENTICATE, v);
        }
        if let (false, Ok(v)) = (
            self.allow.is_empty(),
            HeaderValue::from_str(&self.allow.join(", ")),
        ) {
            headers.insert(ALLOW, v);
        }
        r.extensions_mut().insert(Outcome(code));
        if let Some(d) = self.detail {
            r.extensions_mut().insert(server::Detail(d));
        }
        r
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_body_util::BodyExt;

    fn parts(r: Response) -> (hyper::http::response::Parts, Value) {
        let (parts, body) = r.into_parts();
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let bytes = match rt.block_on(body.collect()) {
            Ok(c) => c.to_bytes(),
            Err(never) => match never {},
        };
        (parts, serde_json::from_slice(&bytes).unwrap())
    }

    /// Every code in every dialect: the body parses in that dialect's shape, with the code, the
    /// status and the message; the log's outcome is the code.
    #[test]
    fn every_code_renders_in_every_dialect() {
        for &code in ErrorCode::ALL {
            assert_eq!(ErrorCode::of(code.as_str()), Some(code));
            for status in [StatusCode::BAD_REQUEST, StatusCode::SERVICE_UNAVAILABLE] {
                for dialect in [Dialect::Billctl, Dialect::Unkey, Dialect::Problem] {
                    let fail = Fail::new(status, code, "field: said").retry_after(1);
                    let (head, doc) = parts(fail.render(dialect, "abc"));
                    let at = format!("{code:?} {status} {dialect:?}: {doc}");
                    assert_eq!(head.status, status, "{at}");
                    let outcome = head.extensions.get::<Outcome>().map(|o| o.0);
                    assert_eq!(outcome, Some(code.as_str()), "{at}");
                    assert_eq!(head.headers[RETRY_AFTER], "1", "{at}");
                    let ct = head.headers[hyper::header::CONTENT_TYPE].to_str().unwrap();
                    shape(dialect, &doc, (code, status), ct)
                        .unwrap_or_else(|e| panic!("{at}: {e}"));
                }
            }
        }
    }

    /// Whether `doc` (of content type `ct`) is `dialect`'s error shape with this code and status.
    fn shape(
        dialect: Dialect,
        doc: &Value,
        (code, status): (ErrorCode, StatusCode),
        ct: &str,
    ) -> Result<(), String> {
        let word = code.as_str();
        let want = |ok: bool, what: &str| if ok { Ok(()) } else { Err(what.to_string()) };
        match dialect {
            Dialect::Billctl => {
                want(ct == "application/json", "content type")?;
                want(
                    doc["code"] == word && doc["error"] == "field: said",
                    "error and code",
                )?;
                want(doc.as_object().unwrap().len() == 2, "only error and code")
            }
            Dialect::Unkey => {
                want(ct == "application/json", "content type")?;
                want(doc["meta"]["requestId"] == "req_abc", "meta.requestId")?;
                let e = &doc["error"];
                want(
                    e["title"].is_string() && e["detail"] == "field: said",
                    "title, detail",
                )?;
                want(
                    e["status"] == status.as_u16()
                        && e["type"] == format!("urn:billctl:error:{word}"),
                    "status, type",
                )?;
                let errors = e["errors"].as_array();
                match status {
                    StatusCode::BAD_REQUEST => want(
                        errors.is_some_and(|a| {
                            a[0]["location"] == "body.field" && a[0]["message"] == "field: said"
                        }),
                        "errors[] on a 400",
                    ),
                    _ => want(errors.is_none(), "no errors[] past 400"),
                }
            }
            Dialect::Problem => {
                want(ct == "application/problem+json", "content type")?;
                want(
                    doc["type"] == format!("urn:billctl:error:{word}") && doc["title"].is_string(),
                    "type, title",
                )?;
                want(
                    doc["status"] == status.as_u16() && doc["detail"] == "field: said",
                    "status, detail",
                )?;
                want(
                    doc["instance"] == "urn:billctl:request:abc" && doc["code"] == word,
                    "instance, code",
                )
            }
        }
    }

    #[test]
    fn headers_and_extra_fields_and_the_detail_stay_where_they_belong() {
        let mut f = Fail::new(
            StatusCode::METHOD_NOT_ALLOWED,
            ErrorCode::MethodNotAllowed,
            "no",
        )
        .with("rejects", json!([1]))
        .detail("the store at /secret");
        f.allow = vec!["GET", "POST"];
        f.challenge = true;
        let (head, doc) = parts(f.clone().render(Dialect::Billctl, "r"));
        assert_eq!(head.headers[ALLOW], "GET, POST");
        assert!(head.headers.contains_key(WWW_AUTHENTICATE));
        assert_eq!(doc["rejects"], json!([1]));
        assert!(!doc.to_string().contains("/secret"));
        let detail = head.extensions.get::<server::Detail>().map(|d| d.0.clone());
        assert_eq!(detail.as_deref(), Some("the store at /secret"));
        let (_, doc) = parts(f.render(Dialect::Problem, "r"));
        assert_eq!(doc["rejects"], json!([1]));
    }
}

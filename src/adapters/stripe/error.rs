//! Errors from talking to Stripe, with the detail async-stripe's own client drops: the HTTP
//! status, Stripe's error type/code/param, the request id, and the network cause.

use std::fmt;

/// A failed Stripe call.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// Stripe answered with an error object.
    Api {
        status: u16,
        kind: String,
        code: Option<String>,
        message: String,
        // Boxed: the error stays small enough to return by value (clippy's
        // result_large_err).
        param: Option<Box<str>>,
        request_id: Option<Box<str>>,
        /// The proxy that relayed the request (an http target), if one did: its answer may
        /// be the proxy's own (a 502 when it could not reach Stripe).
        proxy: Option<Box<str>>,
    },
    /// No answer: connection refused, reset, TLS failure...
    Network { base: String, detail: String },
    /// An attempt took longer than the configured timeout; the proxy it went through, if any.
    Timeout { secs: u64, proxy: Option<String> },
    /// The call, retries included, took longer than its caller's deadline (`serve` gives
    /// Stripe part of its request timeout).
    Deadline { secs: u64 },
    /// The answer was not what the API version promises.
    Decode(String),
    /// A POST or DELETE sent through the read client: refused before it left (a write needs
    /// the write handle, `stripe::Writer`). A bug in billctl if it is ever seen.
    ReadOnly(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Api {
                status,
                kind,
                code,
                message,
                param,
                request_id,
                proxy,
            } => {
                write!(
                    f,
                    "Stripe answered {status} {}",
                    code.as_deref().unwrap_or(kind)
                )?;
                if let Some(p) = param {
                    write!(f, " (param {p})")?;
                }
                write!(f, ": {message}")?;
                if let Some(id) = request_id {
                    write!(f, " [request {id}]")?;
                }
                if let Some(p) = proxy {
                    write!(f, " (through proxy {p})")?;
                }
                Ok(())
            }
            Error::Network { base, detail } => write!(f, "cannot reach Stripe at {base}: {detail}"),
            Error::Timeout { secs, proxy: None } => write!(
                f,
                "Stripe did not answer within {secs}s (stripe.timeout_secs)"
            ),
            Error::Timeout {
                secs,
                proxy: Some(p),
            } => write!(
                f,
                "no answer through proxy {p} within {secs}s (stripe.timeout_secs): the proxy or Stripe did not answer"
            ),
            Error::Deadline { secs } => write!(
                f,
                "Stripe did not answer within {secs}s (the part of --request-timeout left for Stripe)"
            ),
            Error::Decode(msg) => write!(f, "unexpected response from Stripe: {msg}"),
            Error::ReadOnly(req) => write!(
                f,
                "refused to send {req} through the read client: a write needs the write handle"
            ),
        }
    }
}

impl stripe_client_core::StripeClientErr for Error {
    fn deserialize_err(msg: impl fmt::Display) -> Self {
        Error::Decode(msg.to_string())
    }
}

impl Error {
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } => Some(*status),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }

    /// Builds an `Api` error from an error response body (Stripe's `{"error": {...}}`).
    pub fn from_response(status: u16, body: &[u8], request_id: Option<String>) -> Error {
        let v: serde_json::Value = serde_json::from_slice(body).unwrap_or_default();
        let e = &v["error"];
        let text = |k: &str| e[k].as_str().map(String::from);
        let fallback = || {
            let snippet: String = String::from_utf8_lossy(body).chars().take(200).collect();
            if snippet.trim().is_empty() {
                "no error detail in the response".to_string()
            } else {
                snippet
            }
        };
        Error::Api {
            status,
            kind: text("type").unwrap_or_else(|| "api_error".into()),
            code: text("code"),
            message: text("message").unwrap_or_else(fallback),
            param: text("param").map(Into::into),
            request_id: request_id.map(Into::into),
            proxy: None,
        }
    }

    /// This error, saying which proxy relayed the request (`Api`) or carried the attempt
    /// (`Timeout`), if one did.
    pub fn through(self, via: Option<String>) -> Error {
        match self {
            Error::Api {
                status,
                kind,
                code,
                message,
                param,
                request_id,
                ..
            } => Error::Api {
                status,
                kind,
                code,
                message,
                param,
                request_id,
                proxy: via.map(Into::into),
            },
            Error::Timeout { secs, .. } => Error::Timeout { secs, proxy: via },
            other => other,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_keep_code_param_and_request_id() {
        let body = br#"{"error":{"type":"invalid_request_error","code":"parameter_unknown","param":"colour","message":"Received unknown parameter: colour"}}"#;
        let e = Error::from_response(400, body, Some("req_1".into()));
        assert_eq!(e.to_string(), "Stripe answered 400 parameter_unknown (param colour): Received unknown parameter: colour [request req_1]");
        let e = Error::from_response(502, b"<html>bad gateway</html>", None);
        assert_eq!(
            e.to_string(),
            "Stripe answered 502 api_error: <html>bad gateway</html>"
        );
        let relayed = e.through(Some("http://proxy:3128".into()));
        assert_eq!(
            relayed.to_string(),
            "Stripe answered 502 api_error: <html>bad gateway</html> (through proxy http://proxy:3128)"
        );
        // How to change a refused key depends on where it came from: the command line says
        // it (`Ctx::explain_refused_key`); this error, which serve may answer with, does not.
        assert!(!Error::from_response(401, b"{}", None)
            .to_string()
            .contains("hint"));
    }
}

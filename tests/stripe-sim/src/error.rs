//! Stripe's error shape: `{"error": {"type", "code", "message", "param"}}` with an HTTP status.
//! See <https://docs.stripe.com/api/errors>.

use serde_json::{json, Value};

/// An error the simulator answers with, in Stripe's shape.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiError {
    pub status: u16,
    pub kind: &'static str,
    pub code: Option<&'static str>,
    pub message: String,
    pub param: Option<String>,
    /// For card errors: the issuer's reason (`generic_decline`, `insufficient_funds`...).
    pub decline_code: Option<&'static str>,
}

impl ApiError {
    pub fn invalid(message: impl Into<String>) -> Self {
        ApiError {
            status: 400,
            kind: "invalid_request_error",
            code: None,
            message: message.into(),
            param: None,
            decline_code: None,
        }
    }

    /// Stripe's 402 `card_error`: `code` such as `card_declined`, with the decline code.
    pub fn card(
        message: impl Into<String>,
        code: &'static str,
        decline: Option<&'static str>,
    ) -> Self {
        ApiError {
            status: 402,
            kind: "card_error",
            code: Some(code),
            message: message.into(),
            param: None,
            decline_code: decline,
        }
    }

    pub fn code(mut self, code: &'static str) -> Self {
        self.code = Some(code);
        self
    }

    pub fn param(mut self, param: impl Into<String>) -> Self {
        self.param = Some(param.into());
        self
    }

    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    pub fn missing(param: &str) -> Self {
        Self::invalid(format!("Missing required param: {param}."))
            .code("parameter_missing")
            .param(param)
    }

    pub fn unknown_param(param: &str) -> Self {
        Self::invalid(format!("Received unknown parameter: {param}"))
            .code("parameter_unknown")
            .param(param)
    }

    pub fn bad_value(param: &str, value: &str) -> Self {
        Self::invalid(format!("Invalid value for {param}: {value:?}."))
            .code("parameter_invalid_string")
            .param(param)
    }

    pub fn no_such(object: &str, id: &str, param: &str) -> Self {
        Self::invalid(format!("No such {object}: '{id}'"))
            .code("resource_missing")
            .param(param)
            .status(404)
    }

    pub fn not_found_url(method: &str, path: &str) -> Self {
        Self::invalid(format!("Unrecognized request URL ({method}: {path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/."))
            .status(404)
    }

    pub fn server(message: impl Into<String>) -> Self {
        ApiError {
            status: 500,
            kind: "api_error",
            code: None,
            message: message.into(),
            param: None,
            decline_code: None,
        }
    }

    pub fn body(&self) -> Value {
        let mut err = json!({"type": self.kind, "message": self.message});
        if let Some(code) = self.code {
            err["code"] = json!(code);
            err["doc_url"] =
                json!(format!("https://stripe.com/docs/error-codes/{}", code.replace('_', "-")));
        }
        if let Some(param) = &self.param {
            err["param"] = json!(param);
        }
        if let Some(d) = self.decline_code {
            err["decline_code"] = json!(d);
        }
        json!({ "error": err })
    }
}

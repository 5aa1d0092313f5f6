//! Events and webhook endpoints, kept as Stripe's raw JSON: `webhooks backfill` stores an event
//! exactly as the API gives it, and a webhook endpoint's secret is only in the create answer.
//! See <https://docs.stripe.com/api/events/list> and
//! <https://docs.stripe.com/api/webhook_endpoints>.

use super::error::Error;
use super::{Stripe, Writer};
use serde_json::Value;
use stripe_client_core::StripeMethod;

/// Percent-encodes a query or form value (everything but RFC 3986's unreserved characters).
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub(super) fn json(bytes: &[u8]) -> Result<Value, Error> {
    serde_json::from_slice(bytes).map_err(|e| Error::Decode(format!("unexpected answer: {e}")))
}

impl Stripe {
    /// Every item of a list endpoint (`query` without paging), page by page; `on_page` gets
    /// the running count.
    async fn all_raw(
        &self,
        path: &str,
        query: &str,
        mut on_page: impl FnMut(usize),
    ) -> Result<Vec<Value>, Error> {
        let mut out: Vec<Value> = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let mut q = format!("limit=100{query}");
            if let Some(a) = &after {
                q.push_str(&format!("&starting_after={}", encode(a)));
            }
            let page = json(
                &self
                    .transport()
                    .raw(StripeMethod::Get, path, Some(q), None, None)
                    .await?,
            )?;
            let data = page["data"].as_array().cloned().unwrap_or_default();
            after = data
                .last()
                .and_then(|e| e["id"].as_str())
                .map(str::to_string);
            out.extend(data);
            on_page(out.len());
            if !page["has_more"].as_bool().unwrap_or(false) || after.is_none() {
                return Ok(out);
            }
        }
    }

    /// Events created at or after `since`, newest first as Stripe lists them, every page.
    /// `kind` is passed as Stripe's `type` filter (an exact type or `prefix.*`).
    pub async fn events_since(
        &self,
        since: i64,
        kind: Option<&str>,
        on_page: impl FnMut(usize),
    ) -> Result<Vec<Value>, Error> {
        let mut q = format!("&created%5Bgte%5D={since}");
        if let Some(k) = kind {
            q.push_str(&format!("&type={}", encode(k).replace("%2A", "*")));
        }
        self.all_raw("/events", &q, on_page).await
    }

    /// Every webhook endpoint of the account.
    pub async fn webhook_endpoints(&self) -> Result<Vec<Value>, Error> {
        self.all_raw("/webhook_endpoints", "", |_| {}).await
    }
}

impl Writer {
    /// Creates a webhook endpoint; the answer is the only place its `secret` appears.
    pub async fn create_webhook_endpoint(
        &self,
        url: &str,
        events: &[&str],
        description: Option<&str>,
        idempotency_key: &str,
    ) -> Result<Value, Error> {
        let mut form = format!("url={}", encode(url));
        for e in events {
            form.push_str(&format!("&enabled_events%5B%5D={}", encode(e)));
        }
        if let Some(d) = description {
            form.push_str(&format!("&description={}", encode(d)));
        }
        form.push_str("&metadata%5Bcreated_by%5D=billctl");
        // Events come in the version billctl's types read.
        form.push_str(&format!("&api_version={}", encode(super::API_VERSION)));
        json(
            &self
                .send_raw(
                    StripeMethod::Post,
                    "/webhook_endpoints",
                    Some(form),
                    Some(idempotency_key),
                )
                .await?,
        )
    }

    pub async fn delete_webhook_endpoint(&self, id: &str) -> Result<Value, Error> {
        json(
            &self
                .send_raw(
                    StripeMethod::Delete,
                    &format!("/webhook_endpoints/{}", encode(id)),
                    None,
                    None,
                )
                .await?,
        )
    }
}

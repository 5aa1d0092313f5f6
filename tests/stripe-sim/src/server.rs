//! The HTTP front: accept loop, then for each request: faults, rate limit, auth, idempotency,
//! dispatch under the state lock, request log, persistence and webhook queueing.

use crate::api::{self, Req};
use crate::error::ApiError;
use crate::faults::FaultKind;
use crate::state::{IdempotentResponse, ReqMeta, API_VERSION};
use crate::util::random_base62;
use crate::{control, form, webhooks, LoggedRequest, Shared};
use base64::Engine;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::header::HeaderValue;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use serde_json::{Map, Value};
use std::sync::Arc;
use std::time::Instant;
use tokio::net::TcpListener;
use tokio::sync::watch;

/// Returned by the service to make hyper close the connection without a response.
#[derive(Debug)]
pub struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

pub async fn serve(
    listener: TcpListener,
    shared: Arc<Shared>,
    mut shutdown: watch::Receiver<bool>,
) {
    loop {
        tokio::select! {
            accepted = listener.accept() => {
                let Ok((stream, _)) = accepted else { continue };
                let shared = shared.clone();
                tokio::spawn(async move {
                    let timeout = shared.read_timeout;
                    let svc = hyper::service::service_fn(move |req| handle(shared.clone(), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .timer(hyper_util::rt::TokioTimer::new())
                        .header_read_timeout(timeout)
                        .serve_connection(TokioIo::new(stream), svc)
                        .await;
                });
            }
            _ = shutdown.changed() => break,
        }
    }
}

pub type Resp = Response<Full<Bytes>>;

/// The largest request body the simulator reads.
pub const MAX_BODY: usize = 1 << 20;

pub fn json_response(status: u16, body: &Value) -> Resp {
    let bytes = serde_json::to_vec_pretty(body).unwrap_or_default();
    let mut resp = Response::new(Full::new(Bytes::from(bytes)));
    *resp.status_mut() =
        hyper::StatusCode::from_u16(status).unwrap_or(hyper::StatusCode::INTERNAL_SERVER_ERROR);
    resp.headers_mut().insert("content-type", HeaderValue::from_static("application/json"));
    resp
}

fn error_response(err: &ApiError) -> Resp {
    json_response(err.status, &err.body())
}

fn header(req: &Request<Incoming>, name: &str) -> Option<String> {
    req.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string)
}

/// The API key from `Authorization: Bearer KEY` or basic auth with the key as user name.
fn api_key(auth: Option<&str>) -> Option<String> {
    let auth = auth?.trim();
    if let Some(key) = auth.strip_prefix("Bearer ") {
        return Some(key.trim().to_string());
    }
    let raw = auth.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(raw.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    Some(text.split(':').next().unwrap_or_default().to_string())
}

fn check_auth(shared: &Shared, auth: Option<&str>) -> Result<String, ApiError> {
    let Some(key) = api_key(auth).filter(|k| !k.is_empty()) else {
        return Err(ApiError::invalid("You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.").status(401));
    };
    if !shared.api_keys.contains(&key)
        && !shared.read_only_keys.contains(&key)
        && !shared.no_customers_keys.contains(&key)
    {
        let tail: String =
            key.chars().rev().take(4).collect::<Vec<_>>().into_iter().rev().collect();
        let prefix: String = key.chars().take(8).collect();
        return Err(ApiError::invalid(format!(
            "Invalid API Key provided: {prefix}{}{tail}",
            "*".repeat(8)
        ))
        .status(401));
    }
    Ok(key)
}

async fn handle(shared: Arc<Shared>, req: Request<Incoming>) -> Result<Resp, Dropped> {
    let method = req.method().as_str().to_string();
    let path = req.uri().path().to_string();
    let query = req.uri().query().unwrap_or_default().as_bytes().to_vec();
    let auth = header(&req, "authorization");
    let idem_key = header(&req, "idempotency-key").filter(|k| !k.is_empty());
    let version = header(&req, "stripe-version");
    let request_id = format!("req_{}", random_base62(14));
    // The body is bounded in size and in time: a client that sends less than it announced
    // cannot hold the connection.
    let limited = http_body_util::Limited::new(req.into_body(), MAX_BODY);
    let body = match tokio::time::timeout(shared.read_timeout, limited.collect()).await {
        Ok(Ok(b)) => b.to_bytes(),
        Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => {
            let err = ApiError::invalid(format!("The request body is over {MAX_BODY} bytes."))
                .status(413);
            return Ok(error_response(&err));
        }
        Ok(Err(_)) => return Err(Dropped),
        Err(_) => {
            let err = ApiError::invalid("The request body did not arrive in time.").status(408);
            let mut resp = error_response(&err);
            resp.headers_mut().insert("connection", HeaderValue::from_static("close"));
            return Ok(resp);
        }
    };

    // Query string and body, both bounded (form::MAX_DEPTH and friends); the first error is
    // answered after authentication, as Stripe answers it.
    let mut params = Map::new();
    let mut bad_params = None;
    for decoded in [form::decode(&query), form::decode(&body)] {
        match decoded {
            Ok(Value::Object(m)) => params.extend(m),
            Ok(_) => {}
            Err(e) => bad_params = bad_params.or(Some(e)),
        }
    }

    if path.starts_with("/_sim/") {
        shared.control_requests.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        return Ok(control::handle(&shared, &method, &path, &body));
    }

    let mut entry = LoggedRequest {
        request_id: request_id.clone(),
        method: method.clone(),
        path: path.clone(),
        params: Value::Object(params.clone()),
        idempotency_key: idem_key.clone(),
        status: 0,
        fault: None,
        replayed: false,
        at_ms: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as i64),
    };
    let fault = shared.faults().take(&method, &path);
    let mut drop_after = false;
    if let Some(kind) = &fault {
        entry.fault = Some(format!("{kind:?}"));
        match kind {
            FaultKind::ServerError => {
                let err = ApiError::server("An unknown error occurred (injected by stripe-sim).");
                return Ok(finish(
                    &shared,
                    entry,
                    error_response(&err),
                    &request_id,
                    version.as_deref(),
                ));
            }
            FaultKind::RateLimited { should_retry } => {
                let mut resp = error_response(&rate_limit_error());
                if let Some(retry) = should_retry {
                    resp.headers_mut().insert(
                        "stripe-should-retry",
                        HeaderValue::from_static(if *retry { "true" } else { "false" }),
                    );
                }
                return Ok(finish(&shared, entry, resp, &request_id, version.as_deref()));
            }
            FaultKind::DropConnection => {
                shared.log(entry);
                return Err(Dropped);
            }
            FaultKind::Delay { millis } => {
                tokio::time::sleep(std::time::Duration::from_millis(*millis)).await
            }
            FaultKind::DropAfterProcessing => drop_after = true,
        }
    }
    if !shared.faults().admit(Instant::now()) {
        return Ok(finish(
            &shared,
            entry,
            error_response(&rate_limit_error()),
            &request_id,
            version.as_deref(),
        ));
    }
    if let Some(v) = version.as_deref().filter(|v| !crate::state::known_version(v)) {
        let err = ApiError::invalid(format!(
            "Invalid Stripe API version: {v}. Versions look like 2025-03-31.basil; see https://docs.stripe.com/upgrades."
        ))
        .code("api_version_invalid");
        return Ok(finish(&shared, entry, error_response(&err), &request_id, None));
    }
    let key = match check_auth(&shared, auth.as_deref()) {
        Ok(k) => k,
        Err(e) => {
            return Ok(finish(&shared, entry, error_response(&e), &request_id, version.as_deref()))
        }
    };
    if let Some(msg) = bad_params {
        let err = ApiError::invalid(msg);
        return Ok(finish(&shared, entry, error_response(&err), &request_id, version.as_deref()));
    }

    let no_customers = shared.no_customers_keys.contains(&key) && path.starts_with("/v1/customers");
    if no_customers
        || (shared.read_only_keys.contains(&key) && (method == "POST" || method == "DELETE"))
    {
        let masked: String = key
            .chars()
            .take(8)
            .chain("****".chars())
            .chain(key.chars().skip(key.len().saturating_sub(4)))
            .collect();
        let err = ApiError::invalid(format!(
            "The provided key '{masked}' does not have the required permissions for this endpoint on account 'acct_sim'. Having the '{}' permission would allow this request to continue.",
            if no_customers {
                if method == "GET" { "rak_customer_read" } else { "rak_customer_write" }
            } else {
                "write"
            }
        ))
        .status(403);
        return Ok(finish(&shared, entry, error_response(&err), &request_id, version.as_deref()));
    }
    let api_req = Req {
        method: method.clone(),
        path: path.clone(),
        params,
        meta: ReqMeta { request_id: request_id.clone(), idempotency_key: idem_key.clone() },
    };
    let (resp, replayed, mutated) = run(&shared, &key, &api_req, version.as_deref());
    entry.replayed = replayed;
    let mut resp = resp;
    if let Some(k) = &idem_key {
        if let Ok(v) = HeaderValue::from_str(k) {
            resp.headers_mut().insert("idempotency-key", v);
        }
    }
    if replayed {
        resp.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    if mutated {
        shared.persist();
        webhooks::enqueue_outbox(&shared);
    }
    let resp = finish(&shared, entry, resp, &request_id, version.as_deref());
    if drop_after {
        return Err(Dropped);
    }
    Ok(resp)
}

fn rate_limit_error() -> ApiError {
    ApiError::invalid("Request rate limit exceeded. Learn more about rate limits here https://stripe.com/docs/rate-limits.")
        .code("rate_limit")
        .status(429)
}

/// Runs the handler under the state lock with Stripe's idempotency rules: the same key and
/// parameters replay the stored response; the same key with other parameters is a 400.
/// Returns the response, whether it was replayed, and whether state changed.
fn run(shared: &Shared, api_key: &str, req: &Req, version: Option<&str>) -> (Resp, bool, bool) {
    let shaped = |body: Value| crate::state::shape_response(body, version);
    let mut st = shared.state.lock().unwrap_or_else(|e| e.into_inner());
    let writes = req.method == "POST" || req.method == "DELETE";
    let scoped =
        req.meta.idempotency_key.as_ref().filter(|_| writes).map(|k| format!("{api_key}\u{0}{k}"));
    let params = Value::Object(req.params.clone());
    if let Some(scope) = &scoped {
        // A key older than 24 hours (simulated time) is forgotten: its reuse is a new request.
        let now = st.now();
        let expired = st
            .idempotency
            .get(scope)
            .is_some_and(|p| now.saturating_sub(p.created) >= crate::state::IDEMPOTENCY_TTL);
        if expired {
            st.idempotency.remove(scope);
        }
        if let Some(prev) = st.idempotency.get(scope) {
            if prev.method == req.method && prev.path == req.path && prev.params == params {
                let body = match prev.status {
                    200 => shaped(prev.body.clone()),
                    _ => prev.body.clone(),
                };
                return (json_response(prev.status, &body), true, false);
            }
            let key = req.meta.idempotency_key.as_deref().unwrap_or_default();
            let mut err = ApiError::invalid(format!("Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '{key}' if you meant to execute a different request."));
            err.kind = "idempotency_error";
            return (error_response(&err), false, false);
        }
    }
    let before_events = st.events.len();
    // What fell due since the last request (renewals, retries, expiries) happens first.
    let now = st.now();
    crate::clock::run_due(&mut st, now);
    // A request on a test clock's objects happens at the clock's frozen time, and not while
    // the clock advances.
    let clock = api::test_clocks::of_request(&st, req);
    if let Some(c) = clock.as_ref().and_then(|c| st.test_clocks.get(c)) {
        if writes && c["status"] == "advancing" {
            let err = ApiError::invalid(format!(
                "Test clock {} is advancing: objects on it cannot be changed until it is ready.",
                c["id"].as_str().unwrap_or_default()
            ));
            return (error_response(&err), false, false);
        }
        st.frozen_at = c["frozen_time"].as_i64();
    }
    let result = api::dispatch(&mut st, req);
    if clock.is_some() {
        st.frozen_at = None;
    }
    match result {
        Ok(body) => {
            if let Some(scope) = scoped {
                st.idempotency.insert(
                    scope,
                    IdempotentResponse {
                        method: req.method.clone(),
                        path: req.path.clone(),
                        params,
                        status: 200,
                        body: body.clone(),
                        created: now,
                    },
                );
            }
            let mutated = writes || st.events.len() != before_events;
            match crate::api::expand(&st, body, &req.params) {
                Ok(body) => (json_response(200, &shaped(body)), false, mutated),
                Err(e) => (error_response(&e), false, mutated),
            }
        }
        Err(e) => {
            // Stripe saves the result of a request that began executing, failures included (a
            // declined card); a request refused by validation saves nothing.
            if let (Some(scope), "card_error") = (scoped, e.kind) {
                st.idempotency.insert(
                    scope,
                    IdempotentResponse {
                        method: req.method.clone(),
                        path: req.path.clone(),
                        params,
                        status: e.status,
                        body: e.body(),
                        created: now,
                    },
                );
            }
            (error_response(&e), false, false)
        }
    }
}

fn finish(
    shared: &Shared,
    mut entry: LoggedRequest,
    mut resp: Resp,
    request_id: &str,
    version: Option<&str>,
) -> Resp {
    entry.status = resp.status().as_u16();
    shared.log(entry);
    // Stripe's `Date` and its objects' `created` come from one clock: the simulated one.
    let date = crate::util::http_date(shared.lock().now());
    let h = resp.headers_mut();
    if let Ok(v) = HeaderValue::from_str(&date) {
        h.insert("date", v);
    }
    if let Ok(v) = HeaderValue::from_str(request_id) {
        h.insert("request-id", v);
    }
    if let Ok(v) = HeaderValue::from_str(version.unwrap_or(API_VERSION)) {
        h.insert("stripe-version", v);
    }
    resp
}

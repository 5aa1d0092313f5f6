"""A small FastAPI service whose every request is checked and metered by `billctl serve`.

The middleware takes the caller's API key (``Authorization: Bearer bk_...`` or
``X-API-Key``), asks billctl to verify it and record one call (``"record": 1``), and answers
for billctl's verdict: 401 for a key that is not good, 402 when the subscription does not pay
for access, 429 with ``Retry-After`` over the rate limit or quota, 503 when billing cannot say
(it never lets a call through unchecked). A valid call reaches the route with the verdict in
``request.state.billing``.

Configuration (environment):
  BILLCTL_SERVE_URL    http://127.0.0.1:7878 (default), https://..., or unix:/run/billctl.sock
  BILLCTL_SERVE_TOKEN  a service token with the ``verify`` scope (billctl serve tokens issue)

Run: uvicorn app:app --app-dir tests/examples/fastapi
"""

import os

import httpx
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

SERVE_URL = os.environ.get("BILLCTL_SERVE_URL", "http://127.0.0.1:7878")
SERVE_TOKEN = os.environ["BILLCTL_SERVE_TOKEN"]


def billctl_client() -> httpx.AsyncClient:
    """One pooled client for the process (keep-alive connections to serve)."""
    headers = {"Authorization": f"Bearer {SERVE_TOKEN}"}
    if SERVE_URL.startswith("unix:"):
        transport = httpx.AsyncHTTPTransport(uds=SERVE_URL[len("unix:"):])
        return httpx.AsyncClient(
            transport=transport, base_url="http://billctl", headers=headers, timeout=5.0
        )
    return httpx.AsyncClient(base_url=SERVE_URL, headers=headers, timeout=5.0)


app = FastAPI(title="An API sold through Stripe")
billing = billctl_client()


def presented_key(request: Request) -> str:
    auth = request.headers.get("authorization", "")
    if auth[:7].lower() == "bearer ":
        return auth[7:].strip()
    return request.headers.get("x-api-key", "").strip()


@app.middleware("http")
async def check_and_meter(request: Request, call_next):
    key = presented_key(request)
    if not key:
        return JSONResponse({"error": "MISSING_API_KEY"}, status_code=401)
    try:
        answer = await billing.post("/v1/keys/verify", json={"key": key, "record": 1})
        verdict = answer.json()
    except (httpx.HTTPError, ValueError):
        return JSONResponse({"error": "BILLING_UNAVAILABLE"}, status_code=503)
    if answer.status_code != 200 or not verdict.get("valid"):
        headers = {}
        if verdict.get("retry_after"):
            headers["Retry-After"] = str(verdict["retry_after"])
        return JSONResponse(
            {"error": verdict.get("code", "BILLING_UNAVAILABLE"), "reason": verdict.get("reason")},
            status_code=verdict.get("status", 503),
            headers=headers,
        )
    request.state.billing = verdict
    response = await call_next(request)
    quota = verdict.get("quota") or {}
    if quota.get("remaining") is not None:
        response.headers["X-Quota-Remaining"] = str(quota["remaining"])
    response.headers["X-RateLimit-Remaining"] = str(verdict["rate_limit"]["remaining"])
    return response


@app.get("/v1/forecast")
async def forecast(request: Request):
    """The paid API itself (a stand-in)."""
    return {"customer": request.state.billing["customer_id"], "forecast": "sunny"}

"""The peers' published SDKs (unkey-py, openmeter) meeting answers that `billctl serve`'s server
core gives on its own (503 BUSY, 408 REQUEST_TIMEOUT) and a 405, unchanged but for the server
URL, the token, and (for the 405) a request hook that sends the SDK's request with another
method, as a proxy that rewrites methods would.

Reads {"url", "calls": [{"name", "sdk": "unkey"|"openmeter", "token", "key"?, "event"?,
"method"?}]} as JSON on stdin (secrets never in argv), sends one call each, with the SDK's retries
off (each call must see the one answer the test provoked), and prints what the SDK made of each
answer: its error class, the status, and the SDK's own error model as it parsed the body.
"""

import json
import sys

import httpx
from corehttp.exceptions import HttpResponseError
from corehttp.runtime.policies import HeadersPolicy
from openmeter import Client
from unkey.py import Unkey, errors, utils


def unkey_call(url, call):
    hooks = {}
    if "method" in call:
        def rewrite(request):
            request.method = call["method"]
        hooks["request"] = [rewrite]
    client = httpx.Client(event_hooks=hooks)
    no_retries = utils.RetryConfig("none", utils.BackoffStrategy(1, 1, 1, 1), False)
    with Unkey(root_key=call["token"], server_url=url, client=client) as unkey:
        try:
            unkey.keys.verify_key(key=call["key"], retries=no_retries)
            return {"ok": True}
        except errors.UnkeyError as e:
            out = {"ok": False, "error": type(e).__name__, "status": e.status_code}
            try:
                # verifyKey has no typed class for 405, 408 or 503 (the SDK raises APIError):
                # the body must still be Unkey's envelope, which the SDK's own model parses.
                data = errors.ServiceUnavailableErrorResponseData.model_validate_json(e.body)
                out["parsed"] = {
                    "request_id": data.meta.request_id,
                    "title": data.error.title,
                    "detail": data.error.detail,
                    "status": data.error.status,
                    "type": data.error.type,
                }
            except Exception as why:  # the SDK's model refused the body
                out["parsed"] = None
                out["refused"] = str(why)[:300]
            return out


class Rewrite(HeadersPolicy):
    """The headers policy, and the request sent with another method."""

    def __init__(self, method):
        super().__init__()
        self.method = method

    def on_request(self, request):
        super().on_request(request)
        request.http_request.method = self.method


def openmeter_call(url, call):
    kwargs = {"retry_total": 0}
    if "method" in call:
        kwargs["headers_policy"] = Rewrite(call["method"])
    client = Client(endpoint=url, token=call["token"], **kwargs)
    try:
        client.events.ingest_event(call["event"])
        return {"ok": True}
    except HttpResponseError as e:
        model = getattr(e, "model", None)
        fields = ["type", "title", "status", "detail", "instance"]
        return {
            "ok": False,
            "error": type(e).__name__,
            "status": e.status_code,
            "content_type": e.response.headers.get("content-type"),
            "model": type(model).__name__ if model is not None else None,
            "parsed": {f: getattr(model, f, None) for f in fields} if model is not None else None,
        }


def main() -> None:
    cfg = json.load(sys.stdin)
    out = {}
    for call in cfg["calls"]:
        send = unkey_call if call["sdk"] == "unkey" else openmeter_call
        out[call["name"]] = send(cfg["url"], call)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

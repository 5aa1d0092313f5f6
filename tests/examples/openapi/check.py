"""Checks billctl serve's OpenAPI document with maintained validators: openapi-spec-validator
for the document itself (OpenAPI 3.1), openapi-core for real exchanges recorded against a
running `billctl serve` (each request and each answer: route, status code, content type,
fields and their types; the schemas allow no field they do not name).

argv[1]: the document. stdin: a JSON list of exchanges
{"method", "path", "query", "token", "content_type", "body", "status", "response_content_type",
"response_headers", "response_body"}. Prints one line per failure and exits 1 on any.
"""

import copy
import json
import sys
from urllib.parse import parse_qs

from openapi_core import Config, OpenAPI
from openapi_core.testing import MockRequest, MockResponse
from openapi_spec_validator import validate

SERVER = "http://127.0.0.1:7878"


def request_of(x):
    headers = {"Content-Type": x["content_type"]} if x.get("content_type") else {}
    if x.get("token"):
        headers["Authorization"] = "Bearer " + x["token"]
    args = {k: v[0] for k, v in parse_qs(x.get("query") or "").items()}
    return MockRequest(
        SERVER,
        x["method"].lower(),
        x["path"],
        args=args,
        data=(x.get("body") or "").encode(),
        headers=headers,
        content_type=x.get("content_type"),
    )


def response_of(x, body=None):
    return MockResponse(
        data=(x["response_body"] if body is None else body).encode(),
        status_code=x["status"],
        headers=x.get("response_headers") or {},
        content_type=x.get("response_content_type") or "",
    )


def main() -> None:
    spec = json.load(open(sys.argv[1]))
    validate(spec)
    # JSON by another name is JSON; NDJSON is text.
    as_json = lambda b: json.loads(b)  # noqa: E731
    config = Config(
        extra_media_type_deserializers={
            "application/problem+json": as_json,
            "application/cloudevents+json": as_json,
            "application/cloudevents-batch+json": as_json,
            "application/x-ndjson": lambda b: b.decode() if isinstance(b, bytes) else b,
        }
    )
    api = OpenAPI.from_dict(spec, config=config)
    exchanges = json.load(sys.stdin)
    failures = []
    for x in exchanges:
        what = f'{x["method"]} {x["path"]} -> {x["status"]}'
        req = request_of(x)
        if x.get("check_request", True):
            try:
                api.validate_request(req)
            except Exception as e:  # noqa: BLE001 - every failure is reported
                failures.append(f"request {what}: {e!r}: {getattr(e, '__cause__', '')!r}")
        try:
            api.validate_response(req, response_of(x))
        except Exception as e:  # noqa: BLE001
            failures.append(f"response {what}: {e!r}: {getattr(e, '__cause__', '')!r}")
    # The validator must be strict: a 200 answer with one more field than the document names
    # is refused, or this check proves nothing.
    ok = next(x for x in exchanges if x["status"] == 200 and x["path"] == "/v1/keys/verify")
    tampered = json.loads(ok["response_body"])
    tampered["surprise"] = 1
    try:
        api.validate_response(request_of(ok), response_of(ok, json.dumps(tampered)))
        failures.append("the validator accepted a field the document does not name")
    except Exception:  # noqa: BLE001
        pass
    for f in failures:
        print(f)
    print(f"{len(exchanges)} exchanges checked, {len(failures)} failures", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()

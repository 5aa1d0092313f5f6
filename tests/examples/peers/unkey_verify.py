"""Unkey's published Python SDK (unkey-py) pointed at `billctl serve`, unchanged but for the
server URL and the root key (a billctl service token with the `verify` scope).

Reads {"url", "token", "calls": [{"name", "key", "cost"?, "permissions"?}]} as JSON on stdin (secrets never
in argv) and prints, per call, what the SDK parsed out of the answer, as one JSON document.
"""

import json
import sys

from unkey.py import Unkey, errors


def main() -> None:
    cfg = json.load(sys.stdin)
    out = []
    with Unkey(root_key=cfg["token"], server_url=cfg["url"]) as unkey:
        for call in cfg["calls"]:
            kwargs = {}
            if "cost" in call:
                kwargs["credits"] = {"cost": call["cost"]}
            if "permissions" in call:
                kwargs["permissions"] = call["permissions"]
            try:
                res = unkey.keys.verify_key(key=call["key"], **kwargs)
            except errors.UnkeyError as e:
                # The SDK's typed error, and what it parsed of the body (a 400's errors[]).
                failed = {"name": call["name"], "error": type(e).__name__, "status": e.status_code}
                data = getattr(e, "data", None)
                if data is not None:
                    failed["request_id"] = data.meta.request_id
                    failed["detail"] = data.error.detail
                    failed["errors"] = [
                        {"location": v.location, "message": v.message}
                        for v in (getattr(data.error, "errors", None) or [])
                    ]
                out.append(failed)
                continue
            d = res.data
            code = d.code.value if hasattr(d.code, "value") else str(d.code)
            out.append(
                {
                    "name": call["name"],
                    "request_id": res.meta.request_id,
                    "valid": d.valid,
                    "code": code,
                    "key_id": d.key_id,
                    "credits": d.credits,
                    "enabled": d.enabled,
                    "identity": d.identity.external_id if d.identity else None,
                    "billctl_code": (d.meta or {}).get("billctlCode"),
                    "ratelimits": [
                        {"exceeded": r.exceeded, "limit": r.limit, "remaining": r.remaining, "reset": r.reset}
                        for r in (d.ratelimits or [])
                    ],
                }
            )
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

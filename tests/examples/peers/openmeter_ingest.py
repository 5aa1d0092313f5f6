"""OpenMeter's published Python SDK (openmeter) pointed at `billctl serve`, unchanged but for
the endpoint and the token (a billctl service token with the `usage` scope).

Reads {"url", "token", "single": event, "batch": [events], "invalid": [events], "unvalued"?:
[events], "stranger"?: token} as JSON on stdin and sends the single event
(application/cloudevents+json), the batch (application/cloudevents-batch+json), the invalid
batch and the unvalued one (an event without the meter's value property) when given, and the
single event again with the stranger's token when given; prints what each call did, a refusal
as the SDK's error class.
"""

import json
import sys

from corehttp.exceptions import HttpResponseError
from openmeter import Client


def send(fn, body):
    try:
        fn(body)
        return {"ok": True}
    except HttpResponseError as e:
        # The SDK's typed error, and the model it parsed the problem details into (None when
        # they did not fit it).
        model = getattr(e, "model", None)
        return {
            "ok": False,
            "status": e.status_code,
            "body": e.response.text(),
            "error": type(e).__name__,
            "model": type(model).__name__ if model is not None else None,
        }


def main() -> None:
    cfg = json.load(sys.stdin)
    client = Client(endpoint=cfg["url"], token=cfg["token"])
    out = {
        "single": send(client.events.ingest_event, cfg["single"]),
        "batch": send(client.events.ingest_events, cfg["batch"]),
        "again": send(client.events.ingest_events, cfg["batch"]),
        "invalid": send(client.events.ingest_events, cfg["invalid"]),
    }
    if "unvalued" in cfg:
        out["unvalued"] = send(client.events.ingest_events, cfg["unvalued"])
    if "stranger" in cfg:
        stranger = Client(endpoint=cfg["url"], token=cfg["stranger"])
        out["stranger"] = send(stranger.events.ingest_event, cfg["single"])
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

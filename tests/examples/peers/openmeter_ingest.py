"""OpenMeter's published Python SDK (openmeter) pointed at `billctl serve`, unchanged but for
the endpoint and the token (a billctl service token with the `usage` scope).

Reads {"url", "token", "single": event, "batch": [events], "invalid": [events]} as JSON on
stdin and sends the single event (application/cloudevents+json), the batch
(application/cloudevents-batch+json) and the invalid batch; prints what each call did.
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
        return {"ok": False, "status": e.status_code, "body": e.response.text()}


def main() -> None:
    cfg = json.load(sys.stdin)
    client = Client(endpoint=cfg["url"], token=cfg["token"])
    out = {
        "single": send(client.events.ingest_event, cfg["single"]),
        "batch": send(client.events.ingest_events, cfg["batch"]),
        "again": send(client.events.ingest_events, cfg["batch"]),
        "invalid": send(client.events.ingest_events, cfg["invalid"]),
    }
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()

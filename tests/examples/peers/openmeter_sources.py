"""OpenMeter's published Python SDK (openmeter) pointed at `billctl serve`, unchanged but for
the endpoint and the token: producers that share event ids, told apart by their `source`.

Reads {"url", "token", "events": [event, ...]} as JSON on stdin, sends each event on its own
(application/cloudevents+json) in order, and prints what each call did, in order.
"""

import json
import sys

from corehttp.exceptions import HttpResponseError
from openmeter import Client


def send(client, event):
    try:
        client.events.ingest_event(event)
        return {"ok": True}
    except HttpResponseError as e:
        return {"ok": False, "status": e.status_code, "body": e.response.text()}


def main() -> None:
    cfg = json.load(sys.stdin)
    client = Client(endpoint=cfg["url"], token=cfg["token"])
    json.dump([send(client, e) for e in cfg["events"]], sys.stdout)


if __name__ == "__main__":
    main()

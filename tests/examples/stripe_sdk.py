"""The official Stripe SDK for Python (stripe-python, as published on PyPI, unpinned) against
billctl's Stripe simulator: the simulator must take the SDK as it ships, with the API version
the SDK pins, and answer in shapes the SDK parses.

Run by tests/stripe-sim/tests/python_sdk.rs with STRIPE_SIM_BASE (the simulator's URL) and
STRIPE_SIM_KEY; prints one JSON line of what it did and exits non-zero on the first check that
fails. Drives: the catalog, a customer with a test card, a subscription (active, and incomplete
without a card), invoices, pagination, search, an idempotent replay, the 404 and 401 errors,
and a webhook whose signature the SDK verifies.
"""

import http.server
import json
import os
import sys
import threading

import stripe


def check(cond, what):
    if not cond:
        print(f"FAILED: {what}", file=sys.stderr)
        sys.exit(1)


def main():
    stripe.api_key = os.environ["STRIPE_SIM_KEY"]
    stripe.api_base = os.environ["STRIPE_SIM_BASE"].rstrip("/")
    stripe.max_network_retries = 0
    done = {"sdk_version": stripe.VERSION, "api_version": stripe.api_version}

    # The catalog.
    product = stripe.Product.create(name="Pro (SDK)", metadata={"tier": "pro"})
    price = stripe.Price.create(
        product=product.id,
        currency="usd",
        unit_amount=9900,
        recurring={"interval": "month"},
        lookup_key="sdk_pro_monthly",
    )
    check(price.recurring.interval == "month", "price recurring")
    found = stripe.Price.list(lookup_keys=["sdk_pro_monthly"])
    check([p.id for p in found.data] == [price.id], "price by lookup key")

    # A customer with a test card, subscribed: active.
    paying = stripe.Customer.create(email="sdk@example.com", name="SDK Customer")
    pm = stripe.PaymentMethod.attach("pm_card_visa", customer=paying.id)
    stripe.Customer.modify(paying.id, invoice_settings={"default_payment_method": pm.id})
    sub = stripe.Subscription.create(customer=paying.id, items=[{"price": price.id}])
    check(sub.status == "active", f"subscription with a card is active, not {sub.status}")
    check(sub["items"].data[0].price.id == price.id, "subscription item price")
    done["active"] = sub.id

    # Without a card: incomplete, its first invoice open.
    nocard = stripe.Customer.create(email="nocard@example.com")
    incomplete = stripe.Subscription.create(
        customer=nocard.id,
        items=[{"price": price.id}],
        payment_behavior="default_incomplete",
        expand=["latest_invoice"],
    )
    check(incomplete.status == "incomplete", f"no card: incomplete, not {incomplete.status}")
    check(incomplete.latest_invoice.status == "open", "the first invoice is open")
    done["incomplete"] = incomplete.id

    # Invoices.
    invoices = stripe.Invoice.list(customer=paying.id)
    check(len(invoices.data) == 1, "one invoice for the paying customer")
    check(invoices.data[0].status == "paid", "it is paid")
    check(invoices.data[0].amount_paid == 9900, "for 9900")
    again = stripe.Invoice.retrieve(invoices.data[0].id)
    check(again.id == invoices.data[0].id, "invoice retrieve")

    # Pagination: five more customers, listed two a page by the SDK's auto-pager.
    for i in range(5):
        stripe.Customer.create(email=f"page{i}@example.com")
    first = stripe.Customer.list(limit=2)
    check(len(first.data) == 2 and first.has_more, "a first page of two")
    every = [c.id for c in stripe.Customer.list(limit=2).auto_paging_iter()]
    check(len(every) == 7 and len(set(every)) == 7, f"seven customers over pages, got {len(every)}")
    done["paged"] = len(every)

    # Search.
    hits = stripe.Customer.search(query="email:'sdk@example.com'")
    check([c.id for c in hits.data] == [paying.id], "search by email")

    # Idempotency: the same key and parameters replay the first answer.
    a = stripe.Customer.create(email="idem@example.com", idempotency_key="sdk-idem-1")
    b = stripe.Customer.create(email="idem@example.com", idempotency_key="sdk-idem-1")
    check(a.id == b.id, "an idempotent replay returns the same customer")
    try:
        stripe.Customer.create(email="other@example.com", idempotency_key="sdk-idem-1")
        check(False, "other parameters under the same key are refused")
    except stripe.IdempotencyError:
        pass
    done["idempotent"] = a.id

    # Errors as the SDK types them.
    try:
        stripe.Customer.retrieve("cus_doesnotexist")
        check(False, "a missing customer is a 404")
    except stripe.InvalidRequestError as e:
        check(e.http_status == 404, f"404, not {e.http_status}")
        check(e.code == "resource_missing", f"resource_missing, not {e.code}")
    try:
        stripe.Customer.list(api_key="sk_test_wrongwrongwrongwrong")
        check(False, "a wrong key is a 401")
    except stripe.AuthenticationError as e:
        check(e.http_status == 401, f"401, not {e.http_status}")

    # A webhook, verified by the SDK.
    received = {}
    arrived = threading.Event()

    class Hook(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            n = int(self.headers.get("Content-Length", "0"))
            received["payload"] = self.rfile.read(min(n, 1 << 20))
            received["signature"] = self.headers.get("Stripe-Signature", "")
            self.send_response(200)
            self.end_headers()
            arrived.set()

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    endpoint = stripe.WebhookEndpoint.create(
        url=f"http://127.0.0.1:{server.server_address[1]}/hook",
        enabled_events=["customer.created"],
    )
    check(endpoint.secret.startswith("whsec_"), "the endpoint's secret is shown at creation")
    hooked = stripe.Customer.create(email="hook@example.com")
    check(arrived.wait(60), "the webhook arrived")
    server.shutdown()
    event = stripe.Webhook.construct_event(
        received["payload"], received["signature"], endpoint.secret
    )
    check(event.type == "customer.created", f"event type {event.type}")
    check(event.data.object.id == hooked.id, "the event's customer")
    try:
        stripe.Webhook.construct_event(
            received["payload"] + b" ", received["signature"], endpoint.secret
        )
        check(False, "a changed payload fails verification")
    except stripe.SignatureVerificationError:
        pass
    done["webhook_event"] = event.id

    print(json.dumps(done))


if __name__ == "__main__":
    main()
